"""Reading a round file in one pass gives what checking, hashing and reading it separately gave."""

from __future__ import annotations

import copy
import json

import pytest

from skillsreg.workshops.allocation import (
    AllocationError,
    input_document,
    input_hash,
    read_document,
    round_from_document,
    validate_document,
)
from skillsreg.workshops.allocation import reader as reader_module
from skillsreg.workshops.allocation.document import compiled_validator
from tests.benchmarks.bench_allocation import synthetic_round


@pytest.fixture(scope="module")
def document() -> dict:
    return json.loads(json.dumps(input_document(synthetic_round("A", 7))))


@pytest.fixture(autouse=True)
def small_blocks(monkeypatch):
    # Several blocks in a 1,000-applicant round, so the joins between them are exercised.
    monkeypatch.setattr(reader_module, "BLOCK", 64)


def separately(doc: dict) -> tuple:
    """Check, hash and read a document the plain way."""
    doc = copy.deepcopy(doc)
    validate_document(doc)
    digest = input_hash({key: value for key, value in doc.items() if key != "seed"})
    return round_from_document(doc), digest


def refusal(doc: dict) -> str:
    with pytest.raises(AllocationError) as error:
        separately(doc)
    return error.value.message


def test_one_pass_gives_the_round_and_hash_of_separate_passes(document) -> None:
    doc = copy.deepcopy(document)
    doc["applicants"][5]["sector"] = "Intérieur \N{SNOWMAN} \N{RIGHT SINGLE QUOTATION MARK}"
    doc["applicants"][6]["skills"] = {}
    doc["seed"] = 11
    expected = separately(doc)
    problem, digest = read_document(doc)
    assert (problem, digest) == expected
    assert doc["applicants"] == [None] * len(expected[0].applicants)


@pytest.mark.parametrize(
    "change",
    [
        lambda doc: doc["applicants"][300]["choices"][0].update(rank=1.0),
        lambda doc: doc["settings"]["weights"].update(rank_horizon=5.0),
        lambda doc: doc["workshops"][3].update(capacity=25.0),
        lambda doc: doc.update(version=1.0),
    ],
)
def test_an_unusual_but_valid_spelling_is_read_as_before(document, change) -> None:
    doc = copy.deepcopy(document)
    change(doc)  # the schema's integers allow a float without a fraction
    expected = separately(doc)
    assert read_document(doc) == expected


@pytest.mark.parametrize(
    ("where", "value"),
    [
        ("years_managing", -1),
        ("manages_web_team", 1),
        ("id", ""),
        ("roles", ["lead", 3]),
        ("skills", {"skill-01": -2}),
        ("choices", [{"workshop_id": "w000", "rank": 0, "available": True}]),
        ("choices", [{"workshop_id": "w000", "rank": 1}]),
        ("submitted_at", None),
    ],
)
def test_a_bad_applicant_is_refused_with_the_schema_checks_message(document, where, value) -> None:
    doc = copy.deepcopy(document)
    doc["applicants"][700][where] = value
    expected = refusal(doc)
    assert "applicants/700/" in expected
    with pytest.raises(AllocationError) as error:
        read_document(doc)
    assert error.value.message == expected


def test_the_first_error_in_the_schemas_order_is_the_one_named(document) -> None:
    doc = copy.deepcopy(document)
    doc["applicants"][900]["sector"] = 4
    doc["locked_in"] = [{"applicant": ""}]
    expected = refusal(doc)
    assert "applicants/900/sector" in expected
    with pytest.raises(AllocationError) as error:
        read_document(doc)
    assert error.value.message == expected
    doc["settings"]["max_places_per_person"] = 0
    with pytest.raises(AllocationError, match="settings/max_places_per_person") as error:
        read_document(doc)
    assert error.value.message == refusal(doc)


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda doc: doc.update(format="x"), "format"),
        (lambda doc: doc.update(version=2), "version"),
        (lambda doc: doc.update(id=""), "id"),
        (lambda doc: doc.update(seed=-5), "seed"),
        (lambda doc: doc.update(seed=2**31), "seed"),
        (lambda doc: doc.update(extra=1), "document"),
        (lambda doc: doc["settings"].update(time_limit=0), "settings/time_limit"),
        (lambda doc: doc["settings"].update(mip_rel_gap=-0.1), "settings/mip_rel_gap"),
        (lambda doc: doc["settings"]["weights"].update(newcomer=True), "weights/newcomer"),
        (lambda doc: doc["settings"]["weights"].update(years_cap=0), "weights/years_cap"),
        (lambda doc: doc["settings"]["weights"].pop("preference"), "settings/weights"),
        (lambda doc: doc["workshops"][2].update(capacity=-1), "workshops/2/capacity"),
        (lambda doc: doc["workshops"][2].update(max_sector_share=1.5), "max_sector_share"),
        (lambda doc: doc["workshops"][2].update(max_per_organisation=-1), "max_per_organisation"),
        (lambda doc: doc["workshops"][2].update(target_roles=[None]), "target_roles/0"),
        (lambda doc: doc["workshops"][2].update(notes=""), "workshops/2"),
        (lambda doc: doc.update(locked_in=[{"applicant": "a", "workshop": None}]), "locked_in"),
        (lambda doc: doc.update(locked_out=[{"applicant": "", "workshop": None}]), "locked_out"),
        (lambda doc: doc.update(locked_out=[{"applicant": "a", "workshop": ""}]), "locked_out"),
    ],
)
def test_a_bad_round_is_refused_with_the_schema_checks_message(document, change, where) -> None:
    doc = copy.deepcopy(document)
    change(doc)
    expected = refusal(doc)
    assert where in expected
    with pytest.raises(AllocationError) as error:
        read_document(doc)
    assert error.value.message == expected


def test_a_round_without_applicants_is_read_and_hashed_as_before(document) -> None:
    doc = {**copy.deepcopy(document), "applicants": []}
    expected = separately(doc)
    assert read_document(doc) == expected


def test_locks_that_follow_the_schema_are_read(document) -> None:
    doc = copy.deepcopy(document)
    doc["locked_out"] = [{"applicant": "a00001", "workshop": None}]
    doc["locked_in"] = [{"applicant": "a00002", "workshop": "w001"}]
    expected = separately(doc)
    assert read_document(doc) == expected


@pytest.mark.parametrize("key", ["applicants", "format"])
def test_a_document_missing_a_part_is_refused_as_before(document, key) -> None:
    doc = {name: value for name, value in copy.deepcopy(document).items() if name != key}
    with pytest.raises(AllocationError) as error:
        read_document(doc)
    assert error.value.message == refusal(doc)


def test_a_string_that_is_not_unicode_fails_as_it_did(document) -> None:
    doc = copy.deepcopy(document)
    doc["applicants"][200]["organisation"] = "\ud800"
    with pytest.raises(UnicodeEncodeError):
        separately(doc)
    with pytest.raises(UnicodeEncodeError):
        read_document(doc)


def test_a_plain_round_never_needs_the_compiled_schema_check(document) -> None:
    compiled_validator.cache_clear()
    read_document(copy.deepcopy(document))
    assert compiled_validator.cache_info().currsize == 0
    doc = copy.deepcopy(document)
    doc["applicants"][10]["choices"][0]["rank"] = 1.0
    read_document(doc)
    assert compiled_validator.cache_info().currsize == 1
