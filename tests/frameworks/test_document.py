"""Tests for reading, checking and writing framework documents."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skillsreg.frameworks.document import (
    DocumentError,
    DocumentInvalid,
    dump_document,
    parse_document,
    validate_document,
)

# The semantic rules run only once a document passes its schema; an empty schema lets these
# tests reach them directly, whatever the published framework schema says.
ANY_SHAPE: dict[str, Any] = {}


def skill(code: str, category: str, levels: dict[int, str], **extra: Any) -> dict[str, Any]:
    return {
        "code": code,
        "name": f"Skill {code}",
        "category": category,
        "description": f"What {code} is.",
        "guidance": "",
        "descriptors": [{"level": level, "text": text} for level, text in levels.items()],
        **extra,
    }


def make_doc() -> dict[str, Any]:
    return {
        "format": 1,
        "framework": {
            "slug": "web-professionals",
            "title": "Skills framework for public-sector web professionals",
            "description": "Skills for people who run public websites.\nSecond line.",
            "licence": "CC-BY-4.0",
            "owner": "Public Sector Web Professionals Network",
        },
        "version": {
            "number": "1.0.0",
            "status": "published",
            "parent": None,
            "release_notes": "",
            "published_on": "2026-11-27",
        },
        "levels": [
            {"number": 1, "name": "Awareness", "description": "Knows what it is."},
            {"number": 2, "name": "Working", "description": "Does it with help."},
            {"number": 3, "name": "Practitioner", "description": "Does it alone."},
            {"number": 4, "name": "Expert", "description": "Leads others."},
        ],
        "categories": [
            {"code": "content", "name": "Content", "description": "Words and pages."},
            {"code": "technology", "name": "Technology", "description": "Platforms."},
        ],
        "skills": [
            skill("CODS", "content", {1: "Knows content design.", 2: "Designs pages."}),
            skill("ACCS", "technology", {2: "Tests pages.", 3: "Fixes barriers.", 4: "Leads."}),
            skill("OLDC", "content", {1: "Old content skill."}),
        ],
        "roles": [
            {
                "code": "web-manager",
                "name": "Web manager",
                "description": "Runs the website.",
                "levels": [
                    {
                        "code": "senior",
                        "name": "Senior web manager",
                        "description": "Runs a large site.",
                        "profile": {"CODS": 2, "ACCS": 3},
                    }
                ],
            }
        ],
    }


def make_child() -> dict[str, Any]:
    """Version 1.1.0: CODS reworded, ACCS split into ACCS and ACCT, OLDC retired, AIAC new."""
    doc = make_doc()
    doc["version"].update(number="1.1.0", status="draft", parent="1.0.0")
    cods, accs, _ = doc["skills"]
    cods["relation"] = {"type": "reworded", "from": ["CODS"]}
    accs["relation"] = {"type": "split", "from": ["ACCS"]}
    doc["skills"] = [
        cods,
        accs,
        skill("ACCT", "technology", {2: "Audits."}, relation={"type": "split", "from": ["ACCS"]}),
        skill("AIAC", "technology", {3: "Assures AI."}, relation={"type": "new", "from": []}),
    ]
    doc["retired"] = [{"code": "OLDC", "note": "Folded into CODS guidance."}]
    return doc


def check(doc: dict[str, Any], parent: dict[str, Any] | None = None) -> list[DocumentError]:
    return validate_document(doc, parent=parent, schema=ANY_SHAPE)


def test_an_error_reads_as_path_then_message() -> None:
    error = DocumentError("skills[3].descriptors[1].level", "Level 7 is not on the scale")

    assert str(error) == "skills[3].descriptors[1].level: Level 7 is not on the scale"


def test_yaml_keeps_dates_and_yes_no_words_as_text() -> None:
    text = "version:\n  published_on: 2026-11-27\ncodes: [NO, ON, yes]\nflag: true\n"

    tree = parse_document(text, filename="framework.yaml")

    assert tree == {
        "version": {"published_on": "2026-11-27"},
        "codes": ["NO", "ON", "yes"],
        "flag": True,
    }


def test_a_json_file_is_read_as_json() -> None:
    assert parse_document('{"format": 1, "x": null}', filename="v1.JSON") == {
        "format": 1,
        "x": None,
    }


def test_a_yaml_syntax_error_gives_its_line_and_column() -> None:
    with pytest.raises(DocumentInvalid) as caught:
        parse_document("format: 1\nskills:\n  - code: [CODS\n", filename="v1.yaml")

    (error,) = caught.value.errors
    assert (error.path, error.line) == ("v1.yaml", 4)
    assert error.column is not None
    assert str(error).startswith("v1.yaml line 4, column ")


def test_a_json_syntax_error_gives_its_line_and_column() -> None:
    with pytest.raises(DocumentInvalid) as caught:
        parse_document('{\n  "format": 1,\n}', filename="v1.json")

    (error,) = caught.value.errors
    assert (error.path, error.line, error.column) == ("v1.json", 3, 1)


@pytest.mark.parametrize(
    ("text", "filename"),
    [("format: 1\nformat: 2\n", "v1.yaml"), ('{"format": 1, "format": 2}', "v1.json")],
)
def test_a_key_given_twice_is_an_error(text: str, filename: str) -> None:
    with pytest.raises(DocumentInvalid) as caught:
        parse_document(text, filename=filename)

    assert "The key 'format' appears twice" in str(caught.value)


def test_yaml_aliases_are_refused() -> None:
    text = "a: &x [1, 2]\nb: *x\n"

    with pytest.raises(DocumentInvalid) as caught:
        parse_document(text, filename="v1.yaml")

    assert caught.value.errors == [
        DocumentError(
            "v1.yaml", "Anchors and aliases (*name) are not allowed here", line=2, column=4
        )
    ]


def test_an_unhashable_yaml_key_is_an_error_not_a_crash() -> None:
    with pytest.raises(DocumentInvalid) as caught:
        parse_document("? [a, b]\n: 1\n", filename="v1.yaml")

    assert caught.value.errors[0].message == "Found unhashable key"


@pytest.mark.parametrize("text", ["- a\n- b\n", "just words\n", ""])
def test_a_document_must_be_a_mapping(text: str) -> None:
    with pytest.raises(DocumentInvalid) as caught:
        parse_document(text, filename="v1.yml")

    assert caught.value.errors == [
        DocumentError("v1.yml", "The file must hold a mapping of keys to values")
    ]


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_a_document_survives_a_dump_and_parse(fmt: str) -> None:
    doc = make_child()

    text = dump_document(doc, fmt)  # type: ignore[arg-type]

    assert parse_document(text, filename=f"v.{fmt}") == doc
    assert text.endswith("\n")


def test_yaml_keeps_key_order_and_writes_long_text_as_a_block() -> None:
    text = dump_document(make_doc(), "yaml")

    assert text.startswith("format: 1\nframework:\n  slug: web-professionals\n")
    assert "  description: |-\n    Skills for people who run public websites.\n" in text
    assert "published_on: '2026-11-27'" in text


def test_json_is_indented_and_keeps_unicode() -> None:
    text = dump_document({"name": "Café ✓"}, "json")

    assert text == '{\n  "name": "Café ✓"\n}\n'


json_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
json_scalars = st.none() | st.booleans() | st.integers() | json_text
json_trees = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(json_text, children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(json_text, json_trees, max_size=5))
def test_any_tree_round_trips_through_yaml_and_json(tree: dict[str, Any]) -> None:
    for fmt in ("yaml", "json"):
        text = dump_document(tree, fmt)  # type: ignore[arg-type]
        assert parse_document(text, filename=f"doc.{fmt}") == tree


def test_schema_errors_are_explained_at_the_field_they_concern() -> None:
    schema = {
        "type": "object",
        "properties": {
            "version": {
                "type": "object",
                "properties": {
                    "number": {"type": "string", "pattern": r"^\d+\.\d+\.\d+$"},
                    "status": {"enum": ["draft", "published"]},
                },
                "required": ["number", "status", "release_notes"],
                "additionalProperties": False,
            },
            "levels": {"type": "array", "minItems": 2},
            "format": {"const": 1},
        },
    }
    doc = {"format": 2, "levels": [], "version": {"number": "1.0", "status": "live", "x": 1}}

    errors = validate_document(doc, schema=schema)

    assert [str(error) for error in errors] == [
        "format: Must be 1",
        "levels: Needs at least 2 items",
        "version: Unknown field x (allowed: number, status)",
        "version.number: '1.0' is not in the right form: use a version number like 1.2.0",
        "version.release_notes: This field is required",
        "version.status: 'live' is not allowed; use one of: draft, published",
    ]


def test_fields_whose_names_are_not_text_are_named_in_the_error() -> None:
    schema = {"type": "object", "properties": {"format": {}}, "additionalProperties": False}
    doc = {None: None, 3: "x"}  # YAML's "?" and "3: x"

    errors = validate_document(doc, schema=schema)

    assert [str(error) for error in errors] == ["Unknown field (no name), 3 (allowed: format)"]


def test_schema_errors_are_sorted_by_position_in_lists() -> None:
    schema = {"type": "array", "items": {"type": "integer"}}
    doc = ["x"] * 12

    errors = validate_document(doc, schema=schema)

    assert [error.path for error in errors][:3] == ["[0]", "[1]", "[2]"]
    assert errors[-1] == DocumentError("[11]", "Must be a whole number")


def test_framework_rules_wait_until_the_schema_passes() -> None:
    doc = make_doc()
    doc["skills"][1]["code"] = "CODS"

    errors = validate_document(doc, schema={"required": ["missing"]})

    assert errors == [DocumentError("missing", "This field is required")]


def test_a_sound_document_and_a_sound_child_have_no_errors() -> None:
    assert check(make_doc()) == []
    assert check(make_child(), parent=make_doc()) == []


def test_levels_must_be_numbered_from_one_in_order() -> None:
    doc = make_doc()
    doc["levels"][3]["number"] = 5
    doc["skills"][1]["descriptors"].pop()

    assert check(doc) == [
        DocumentError(
            "levels[3].number",
            "Levels must be numbered 1, 2, 3 and so on, in order: expected 4 here, found 5",
        )
    ]


def test_a_category_code_used_twice_is_reported() -> None:
    doc = make_doc()
    doc["categories"][1]["code"] = "content"
    doc["skills"][1]["category"] = "content"

    assert check(doc) == [
        DocumentError(
            "categories[1].code", "Category code content is used twice (also at categories[0])"
        )
    ]


def test_a_skill_code_used_twice_is_reported() -> None:
    doc = make_doc()
    doc["skills"][2]["code"] = "CODS"

    assert check(doc) == [
        DocumentError("skills[2].code", "Skill code CODS is used twice (also at skills[0])")
    ]


def test_a_skill_must_be_in_a_known_category() -> None:
    doc = make_doc()
    doc["skills"][0]["category"] = "design"

    assert check(doc) == [
        DocumentError(
            "skills[0].category", "Category design is not one of this version's categories"
        )
    ]


def test_a_descriptor_level_must_be_on_the_scale() -> None:
    doc = make_doc()
    doc["skills"][2]["descriptors"][0]["level"] = 7

    assert check(doc) == [
        DocumentError(
            "skills[2].descriptors[0].level", "Level 7 is not on the level scale (levels 1 to 4)"
        )
    ]


def test_a_skill_has_one_descriptor_per_level() -> None:
    doc = make_doc()
    doc["skills"][1]["descriptors"][2]["level"] = 3

    assert check(doc) == [
        DocumentError(
            "skills[1].descriptors[2].level",
            "Level 3 has two descriptors in skill ACCS (also at skills[1].descriptors[1])",
        )
    ]


def test_descriptors_go_up_in_level_order() -> None:
    doc = make_doc()
    doc["skills"][1]["descriptors"].reverse()
    doc["roles"][0]["levels"][0]["profile"] = {}

    assert check(doc) == [
        DocumentError(
            "skills[1].descriptors[1].level",
            "Descriptors must go up in level order: level 3 comes after level 4",
        ),
        DocumentError(
            "skills[1].descriptors[2].level",
            "Descriptors must go up in level order: level 2 comes after level 3",
        ),
    ]


def test_role_codes_and_role_level_codes_are_unique() -> None:
    doc = make_doc()
    role = doc["roles"][0]
    role["levels"].append(copy.deepcopy(role["levels"][0]))
    doc["roles"].append(copy.deepcopy(role))

    assert check(doc) == [
        DocumentError("roles[1].code", "Role code web-manager is used twice (also at roles[0])"),
        DocumentError(
            "roles[0].levels[1].code",
            "Role level code senior is used twice in this role (also at roles[0].levels[0])",
        ),
        DocumentError(
            "roles[1].levels[1].code",
            "Role level code senior is used twice in this role (also at roles[1].levels[0])",
        ),
    ]


def test_a_profile_names_skills_of_this_version_at_described_levels() -> None:
    doc = make_doc()
    doc["roles"][0]["levels"][0]["profile"] = {"CODS": 4, "XXXX": 1, "ACCS": 3}

    assert check(doc) == [
        DocumentError(
            "roles[0].levels[0].profile.CODS",
            "Skill CODS has no descriptor at level 4 (it has descriptors at levels 1 and 2)",
        ),
        DocumentError("roles[0].levels[0].profile.XXXX", "Skill XXXX is not in this version"),
    ]


def test_relations_need_a_parent_version() -> None:
    doc = make_doc()
    doc["skills"][0]["relation"] = {"type": "unchanged", "from": ["CODS"]}
    doc["retired"] = [{"code": "OLDX", "note": ""}]

    assert check(doc) == [
        DocumentError(
            "skills[0].relation",
            "Only a version drafted from a parent version can have relations: "
            "remove this or set version.parent",
        ),
        DocumentError("retired", "Only a version drafted from a parent version can retire skills"),
    ]


def test_with_a_parent_every_skill_needs_a_relation() -> None:
    doc = make_child()
    del doc["skills"][3]["relation"]

    assert check(doc) == [
        DocumentError(
            "skills[3].relation",
            "Skill AIAC needs a relation saying how it comes from version 1.0.0",
        )
    ]


def test_a_version_cannot_be_its_own_parent() -> None:
    doc = make_child()
    doc["version"]["parent"] = "1.1.0"

    assert DocumentError("version.parent", "A version cannot be its own parent") in check(doc)


@pytest.mark.parametrize(
    ("relation", "message"),
    [
        (
            {"type": "changed", "from": ["CODS", "OLDC"]},
            "A relation of type changed needs exactly one parent skill code here (found 2)",
        ),
        (
            {"type": "merged", "from": ["CODS"]},
            "A relation of type merged needs 2 or more parent skill codes here (found 1)",
        ),
        (
            {"type": "new", "from": ["CODS"]},
            "A relation of type new needs an empty list here (found 1)",
        ),
    ],
)
def test_each_relation_type_names_the_right_number_of_parents(
    relation: dict[str, Any], message: str
) -> None:
    doc = make_child()
    doc["skills"][0]["relation"] = relation

    assert DocumentError("skills[0].relation.from", message) in check(doc)


def test_a_code_is_not_listed_twice_in_from() -> None:
    doc = make_child()
    doc["skills"][0]["relation"] = {"type": "merged", "from": ["CODS", "CODS", "OLDC"]}
    doc["retired"] = []

    assert check(doc) == [
        DocumentError(
            "skills[0].relation.from[1]",
            "Skill CODS is listed twice (also at skills[0].relation.from[0])",
        )
    ]


def test_only_a_split_may_name_a_parent_skill_from_several_skills() -> None:
    doc = make_child()
    doc["skills"][3]["relation"] = {"type": "changed", "from": ["CODS"]}

    assert check(doc) == [
        DocumentError(
            "skills[3].relation.from[0]",
            "Parent skill CODS is named by more than one skill "
            "(also at skills[0].relation.from[0]); only a split can do that",
        )
    ]


def test_a_split_needs_more_than_one_part() -> None:
    doc = make_child()
    del doc["skills"][2]

    assert check(doc) == [
        DocumentError(
            "skills[1].relation.from[0]",
            "Parent skill ACCS is split but only this skill names it: "
            "name it from every part, or use the type changed",
        )
    ]


def test_a_retired_skill_is_listed_once_and_not_also_named() -> None:
    doc = make_child()
    doc["retired"] += [{"code": "OLDC", "note": ""}, {"code": "CODS", "note": ""}]

    assert check(doc) == [
        DocumentError("retired[1].code", "Skill OLDC is retired twice (also at retired[0])"),
        DocumentError(
            "retired[2].code",
            "Skill CODS is retired but is also named at skills[0].relation.from[0]",
        ),
    ]


def test_from_codes_must_be_skills_of_the_parent() -> None:
    doc = make_child()
    doc["skills"][3]["relation"] = {"type": "changed", "from": ["NOPE"]}

    assert check(doc, parent=make_doc()) == [
        DocumentError("skills[3].relation.from[0]", "Skill NOPE is not in version 1.0.0")
    ]


def test_retired_codes_must_be_skills_of_the_parent() -> None:
    doc = make_child()
    doc["retired"].append({"code": "GONE", "note": ""})

    assert check(doc, parent=make_doc()) == [
        DocumentError(
            "retired[1].code", "Skill GONE is not in version 1.0.0, so it cannot be retired"
        )
    ]


def test_every_parent_skill_is_named_or_retired() -> None:
    doc = make_child()
    doc["retired"] = []

    assert check(doc, parent=make_doc()) == [
        DocumentError(
            "retired",
            "Skill OLDC (Skill OLDC) from version 1.0.0 is neither named in a relation nor retired",
        )
    ]


def test_the_parent_given_must_match_the_version_and_framework() -> None:
    parent = make_doc()
    parent["version"]["number"] = "0.9.0"
    parent["framework"]["slug"] = "other-framework"

    errors = check(make_child(), parent=parent)

    assert errors[:2] == [
        DocumentError("version.parent", "Says 1.0.0, but it was checked against version 0.9.0"),
        DocumentError(
            "framework.slug",
            "The parent version belongs to framework other-framework, not web-professionals",
        ),
    ]


def test_parent_checks_are_skipped_without_the_parent_document() -> None:
    doc = make_child()
    doc["retired"] = []

    assert check(doc) == []
