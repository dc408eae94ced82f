"""Tests for the spreadsheet rows and the CASE 1.1 package made from a framework version."""

from __future__ import annotations

import copy
import json
import uuid
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from skillsreg.frameworks.exchange import CSV_HEADER, csv_rows, to_case

CASE_SCHEMA = (
    Path(__file__).parents[2]
    / "skillsreg"
    / "frameworks"
    / "schemas"
    / "case-cfpackage.schema.json"
)
BASE_URL = "https://skills.example.gov.uk"


def skill(code: str, category: str, levels: dict[int, str], **extra: Any) -> dict[str, Any]:
    return {
        "code": code,
        "name": f"{code.title()} skill",
        "category": category,
        "description": f"What {code} means.",
        "guidance": "",
        "descriptors": [{"level": level, "text": text} for level, text in levels.items()],
        **extra,
    }


def make_parent() -> dict[str, Any]:
    return {
        "format": 1,
        "framework": {
            "slug": "web-professionals",
            "title": "Skills framework for public-sector web professionals",
            "description": "Skills for people who run public websites.",
            "licence": "CC-BY-4.0",
            "owner": "Public Sector Web Professionals Network",
        },
        "version": {
            "number": "1.0.0",
            "status": "published",
            "parent": None,
            "release_notes": "First release.",
            "published_on": "2026-11-27",
        },
        "levels": [
            {"number": 1, "name": "Awareness", "description": ""},
            {"number": 2, "name": "Working", "description": ""},
            {"number": 3, "name": "Practitioner", "description": ""},
        ],
        "categories": [
            {"code": "content", "name": "Content", "description": "Words and pages."},
            {"code": "technology", "name": "Technology", "description": ""},
        ],
        "skills": [
            skill("CODS", "content", {1: "Knows it.", 2: "Does it."}, guidance="Read the manual."),
            skill("ACCS", "technology", {2: "Tests pages.", 3: "=Fixes barriers"}),
            skill("SEOP", "content", {2: "Improves search."}),
            skill("META", "content", {2: "Writes metadata."}),
        ],
        "roles": [],
    }


def make_child() -> dict[str, Any]:
    doc = make_parent()
    doc["version"] = {
        "number": "1.1.0",
        "status": "consultation",
        "parent": "1.0.0",
        "release_notes": "",
    }
    cods, accs, _, _ = doc["skills"]
    cods["relation"] = {"type": "reworded", "from": ["CODS"]}
    accs["relation"] = {"type": "changed", "from": ["ACCS"]}
    doc["skills"] = [
        cods,
        accs,
        skill(
            "FIND", "content", {2: "Finds."}, relation={"type": "merged", "from": ["SEOP", "META"]}
        ),
        skill("AIAC", "technology", {3: "Assures AI."}, relation={"type": "new", "from": []}),
    ]
    return doc


def case_errors(package: dict[str, Any]) -> list[str]:
    schema = json.loads(CASE_SCHEMA.read_text(encoding="utf-8"))
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(package)]


def by_code(package: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["humanCodingScheme"]: item for item in package["CFItems"]}


def test_the_csv_has_a_header_then_a_row_per_skill_level() -> None:
    rows = list(csv_rows(make_child()))

    assert rows[0] == CSV_HEADER
    assert [(row[4], row[7]) for row in rows[1:]] == [
        ("CODS", "1"),
        ("CODS", "2"),
        ("ACCS", "2"),
        ("ACCS", "3"),
        ("FIND", "2"),
        ("AIAC", "3"),
    ]
    assert rows[1] == [
        "web-professionals",
        "1.1.0",
        "content",
        "Content",
        "CODS",
        "Cods skill",
        "What CODS means.",
        "1",
        "Awareness",
        "Knows it.",
        "reworded",
        "CODS",
    ]
    assert rows[5][10:] == ["merged", "SEOP META"]


def test_csv_cells_that_a_spreadsheet_would_run_as_formulas_are_quoted() -> None:
    rows = list(csv_rows(make_parent()))

    assert rows[4][9] == "'=Fixes barriers"
    assert rows[4][10:] == ["", ""]


def test_the_case_package_follows_the_case_schema() -> None:
    assert case_errors(to_case(make_parent(), base_url=BASE_URL)) == []
    assert case_errors(to_case(make_child(), base_url=BASE_URL, parent=make_parent())) == []


def test_the_case_schema_rejects_a_broken_package() -> None:
    package = to_case(make_parent(), base_url=BASE_URL)
    package["CFDocument"]["identifier"] = "not-a-uuid"
    package["CFAssociations"][0]["associationType"] = "isCousinOf"
    del package["CFItems"][0]["fullStatement"]

    assert len(case_errors(package)) == 3


def test_the_case_document_describes_the_version() -> None:
    document = to_case(make_parent(), base_url=BASE_URL + "/")["CFDocument"]

    expected_id = str(
        uuid.uuid5(uuid.NAMESPACE_URL, f"{BASE_URL}/frameworks/web-professionals/1.0.0")
    )
    assert document["identifier"] == expected_id
    assert document["uri"] == f"{BASE_URL}/ims/case/v1p1/CFDocuments/{expected_id}"
    assert document["creator"] == "Public Sector Web Professionals Network"
    assert document["version"] == "1.0.0"
    assert document["adoptionStatus"] == "Adopted"
    assert document["lastChangeDateTime"] == "2026-11-27T00:00:00Z"
    assert document["statusStartDate"] == "2026-11-27"
    assert document["notes"] == "First release."
    assert document["licenseURI"]["title"] == "CC-BY-4.0"


@pytest.mark.parametrize(
    ("status", "adoption"),
    [("draft", "Private Draft"), ("consultation", "Draft"), ("retired", "Deprecated")],
)
def test_the_version_status_maps_to_a_case_adoption_status(status: str, adoption: str) -> None:
    doc = make_parent()
    doc["version"]["status"] = status

    assert to_case(doc, base_url=BASE_URL)["CFDocument"]["adoptionStatus"] == adoption


def test_the_change_time_comes_from_the_caller_or_a_fixed_value() -> None:
    unpublished = make_child()

    stamped = to_case(unpublished, base_url=BASE_URL, published_at="2027-01-02T03:04:05Z")
    fixed = to_case(unpublished, base_url=BASE_URL)

    assert stamped["CFItems"][0]["lastChangeDateTime"] == "2027-01-02T03:04:05Z"
    assert fixed["CFDocument"]["lastChangeDateTime"] == "1970-01-01T00:00:00Z"
    stamps = {a["lastChangeDateTime"] for a in fixed["CFAssociations"]}
    assert stamps == {"1970-01-01T00:00:00Z"}
    assert datetime.fromisoformat(fixed["CFDocument"]["lastChangeDateTime"]).year == 1970


def test_the_export_is_reproducible_and_identifiers_are_unique() -> None:
    first = to_case(make_child(), base_url=BASE_URL)
    again = to_case(copy.deepcopy(make_child()), base_url=BASE_URL)
    identifiers = [first["CFDocument"]["identifier"]]
    identifiers += [entry["identifier"] for entry in first["CFItems"] + first["CFAssociations"]]

    assert first == again
    assert len(identifiers) == len(set(identifiers))


def test_each_version_gets_its_own_identifiers() -> None:
    old = by_code(to_case(make_parent(), base_url=BASE_URL))
    new = by_code(to_case(make_child(), base_url=BASE_URL))

    assert old["CODS"]["identifier"] != new["CODS"]["identifier"]


def test_categories_skills_and_descriptors_become_typed_items() -> None:
    items = by_code(to_case(make_parent(), base_url=BASE_URL))

    assert Counter(item["CFItemType"] for item in items.values()) == {
        "Category": 2,
        "Skill": 4,
        "Level descriptor": 6,
    }
    assert items["CODS"]["abbreviatedStatement"] == "Cods skill"
    assert items["CODS"]["fullStatement"] == "What CODS means."
    assert items["CODS"]["notes"] == "Read the manual."
    assert items["ACCS.3"]["fullStatement"] == "=Fixes barriers"
    assert items["ACCS.3"]["abbreviatedStatement"] == "Accs skill: level 3, Practitioner"
    assert items["content"]["fullStatement"] == "Words and pages."
    assert items["technology"]["fullStatement"] == "Technology"


def test_items_hang_from_their_parents_with_is_child_of() -> None:
    package = to_case(make_parent(), base_url=BASE_URL)
    items = by_code(package)
    parent_of = {
        a["originNodeURI"]["identifier"]: (
            a["destinationNodeURI"]["identifier"],
            a["sequenceNumber"],
        )
        for a in package["CFAssociations"]
        if a["associationType"] == "isChildOf"
    }

    assert len(parent_of) == len(items)
    assert parent_of[items["ACCS.3"]["identifier"]] == (items["ACCS"]["identifier"], 3)
    assert parent_of[items["ACCS"]["identifier"]] == (items["technology"]["identifier"], 2)
    assert parent_of[items["content"]["identifier"]] == (package["CFDocument"]["identifier"], 1)


def test_relations_link_new_skills_to_the_parent_version_items() -> None:
    old = by_code(to_case(make_parent(), base_url=BASE_URL))
    package = to_case(make_child(), base_url=BASE_URL, parent=make_parent())
    new = by_code(package)
    links = {
        (
            a["associationType"],
            a["originNodeURI"]["identifier"],
            a["destinationNodeURI"]["identifier"],
        )
        for a in package["CFAssociations"]
        if a["associationType"] != "isChildOf"
    }

    assert links == {
        ("exactMatchOf", new["CODS"]["identifier"], old["CODS"]["identifier"]),
        ("replacedBy", old["ACCS"]["identifier"], new["ACCS"]["identifier"]),
        ("replacedBy", old["SEOP"]["identifier"], new["FIND"]["identifier"]),
        ("replacedBy", old["META"]["identifier"], new["FIND"]["identifier"]),
    }


def test_relation_links_carry_titles_and_a_grouping() -> None:
    package = to_case(make_child(), base_url=BASE_URL, parent=make_parent())
    (grouping,) = package["CFDefinitions"]["CFAssociationGroupings"]
    replaced = [a for a in package["CFAssociations"] if a["associationType"] == "replacedBy"]

    assert grouping["title"] == "Changes since version 1.0.0"
    assert replaced[0]["originNodeURI"]["title"] == "Accs skill"
    assert {a["CFAssociationGroupingURI"]["identifier"] for a in replaced} == {
        grouping["identifier"]
    }
    assert replaced[0]["notes"] == "Changed: ACCS in version 1.0.0 became ACCS in version 1.1.0"


def test_a_version_without_a_parent_has_no_relation_links() -> None:
    package = to_case(make_parent(), base_url=BASE_URL)

    assert {a["associationType"] for a in package["CFAssociations"]} == {"isChildOf"}
    assert "CFAssociationGroupings" not in package["CFDefinitions"]
