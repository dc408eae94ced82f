"""Tests for the framework files shipped in frameworks/ and the JSON Schema they follow."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from skillsreg.frameworks.document import (
    DocumentError,
    dump_document,
    parse_document,
    validate_document,
)
from skillsreg.frameworks.rules import propose_relations
from tests.frameworks import test_document, test_exchange

FRAMEWORKS = Path(__file__).parents[2] / "frameworks"
SCHEMA_PATH = FRAMEWORKS / "schema" / "framework.schema.json"
VERSIONS = ("1.0.0", "1.1.0")
# One role for each group of web professionals the network was set up for.
ROLE_CODES = {
    "programmer",
    "web-developer",
    "web-designer",
    "content-editor",
    "social-media",
    "measurement",
    "web-marketer",
    "web-manager",
    "service-head",
    "e-communications",
}
RELATION_TYPES = {"unchanged", "reworded", "changed", "split", "merged", "new"}


def load_schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def load(version: str) -> dict[str, Any]:
    path = FRAMEWORKS / "web-professionals" / f"{version}.yaml"
    return parse_document(path.read_text(encoding="utf-8"), filename=path.name)


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    schema = load_schema()

    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_the_shipped_framework_follows_its_schema_and_rules() -> None:
    doc = load("1.0.0")

    assert validate_document(doc, schema=load_schema()) == []
    assert doc["version"] | {"release_notes": ""} == {
        "number": "1.0.0",
        "status": "published",
        "parent": None,
        "release_notes": "",
        "published_on": "2026-11-27",
    }
    assert doc["framework"]["licence"] == "CC-BY-4.0"


def test_the_consultation_draft_follows_the_rules_against_its_parent() -> None:
    parent, doc = load("1.0.0"), load("1.1.0")

    assert validate_document(doc, parent=parent, schema=load_schema()) == []
    assert (doc["version"]["status"], doc["version"]["parent"]) == ("consultation", "1.0.0")
    assert doc["framework"] == parent["framework"]


@pytest.mark.parametrize("version", VERSIONS)
def test_the_ten_roles_of_the_network_are_present(version: str) -> None:
    roles = load(version)["roles"]

    assert {role["code"] for role in roles} == ROLE_CODES
    assert len(roles) == 10
    assert all(3 <= len(role["levels"]) <= 4 for role in roles)


@pytest.mark.parametrize("version", VERSIONS)
def test_there_are_thirty_skills_or_more_and_every_role_level_has_a_profile(
    version: str,
) -> None:
    doc = load(version)
    empty = [
        f"{role['code']}/{step['code']}"
        for role in doc["roles"]
        for step in role["levels"]
        if not step["profile"]
    ]

    assert len(doc["skills"]) >= 30
    assert empty == []


def test_the_consultation_draft_has_every_kind_of_relation_and_a_retired_skill() -> None:
    doc = load("1.1.0")
    kinds = Counter(skill["relation"]["type"] for skill in doc["skills"])

    assert set(kinds) == RELATION_TYPES
    assert kinds["reworded"] >= 2
    assert kinds["new"] >= 2
    assert kinds["split"] >= 2
    assert [entry["code"] for entry in doc["retired"]] == ["DOCA"]
    assert all(entry["note"] for entry in doc["retired"])


def test_the_declared_relations_agree_with_those_the_app_would_propose() -> None:
    parent, doc = load("1.0.0"), load("1.1.0")

    proposed, retire = propose_relations(parent, doc)

    assert proposed == {skill["code"]: skill["relation"] for skill in doc["skills"]}
    assert retire == [entry["code"] for entry in doc["retired"]]


@pytest.mark.parametrize("fmt", ["yaml", "json"])
@pytest.mark.parametrize("version", VERSIONS)
def test_a_shipped_version_survives_a_dump_and_parse(version: str, fmt: str) -> None:
    doc = load(version)

    text = dump_document(doc, fmt)  # type: ignore[arg-type]

    assert parse_document(text, filename=f"{version}.{fmt}") == doc


def _drop(doc: dict[str, Any], path: tuple[str | int, ...]) -> None:
    *parents, key = path
    for part in parents:
        doc = doc[part]  # type: ignore[index]
    del doc[key]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "path",
    [
        ("roles",),
        ("framework", "owner"),
        ("version", "parent"),
        ("skills", 0, "descriptors"),
        ("skills", 3, "descriptors", 1, "text"),
        ("roles", 2, "levels", 0, "profile"),
    ],
)
def test_the_schema_rejects_a_document_missing_a_required_key(path: tuple[str | int, ...]) -> None:
    doc = load("1.0.0")
    _drop(doc, path)

    errors = validate_document(doc, schema=load_schema())

    expected = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in path)
    assert errors == [DocumentError(expected.lstrip("."), "This field is required")]


def test_the_schema_rejects_unknown_keys_and_malformed_values() -> None:
    doc = load("1.1.0")
    doc["version"]["closes_on"] = "2027-03-31"
    doc["version"]["status"] = "live"
    doc["skills"][0]["code"] = "cont"
    doc["skills"][0]["relation"]["type"] = "renamed"
    doc["skills"][1]["descriptors"][0]["text"] = ""
    doc["roles"][0]["code"] = "Programmer"

    errors = [str(error) for error in validate_document(doc, schema=load_schema())]

    assert errors == [
        "roles[0].code: 'Programmer' is not in the right form: use lower-case letters and "
        "digits, separated by single hyphens",
        "skills[0].code: 'cont' is not in the right form: use 2 to 8 capital letters or "
        "digits, starting with a letter",
        "skills[0].relation.type: 'renamed' is not allowed; use one of: unchanged, reworded, "
        "changed, split, merged, new",
        "skills[1].descriptors[0].text: Must not be empty",
        "version: Unknown field closes_on (allowed: consultation_closes_on, number, parent, "
        "published_on, release_notes, status)",
        "version.status: 'live' is not allowed; use one of: draft, consultation, published, "
        "retired",
    ]


@pytest.mark.parametrize(
    "doc",
    [
        test_document.make_doc(),
        test_document.make_child(),
        test_exchange.make_parent(),
        test_exchange.make_child(),
    ],
    ids=["document-parent", "document-child", "exchange-parent", "exchange-child"],
)
def test_the_schema_accepts_the_example_documents_of_the_other_tests(doc: dict[str, Any]) -> None:
    assert list(Draft202012Validator(load_schema()).iter_errors(doc)) == []
