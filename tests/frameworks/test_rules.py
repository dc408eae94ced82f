"""Tests for proposing skill relations and describing what changed between versions."""

from __future__ import annotations

import copy
import itertools
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from skillsreg.frameworks.rules import (
    FieldChange,
    ProfileChange,
    classify_change,
    compare_versions,
    propose_relations,
    render_changes_text,
    similarity,
    word_diff,
)


def skill(
    code: str, name: str, category: str, levels: dict[int, str], relation: Any = None
) -> dict[str, Any]:
    built = {
        "code": code,
        "name": name,
        "category": category,
        "description": f"{name} for public websites.",
        "guidance": "",
        "descriptors": [{"level": level, "text": text} for level, text in levels.items()],
    }
    if relation is not None:
        built["relation"] = {"type": relation[0], "from": list(relation[1:])}
    return built


def role(code: str, steps: dict[str, dict[str, int]]) -> dict[str, Any]:
    return {
        "code": code,
        "name": code.replace("-", " ").capitalize(),
        "description": "",
        "levels": [
            {"code": step, "name": step, "description": "", "profile": profile}
            for step, profile in steps.items()
        ],
    }


def make_parent() -> dict[str, Any]:
    return {
        "format": 1,
        "framework": {
            "slug": "web-professionals",
            "title": "Web",
            "description": "",
            "licence": "x",
        },
        "version": {"number": "1.0.0", "status": "published", "parent": None, "release_notes": ""},
        "levels": [
            {"number": 1, "name": "Awareness", "description": ""},
            {"number": 2, "name": "Working", "description": ""},
            {"number": 3, "name": "Practitioner", "description": ""},
            {"number": 4, "name": "Expert", "description": ""},
        ],
        "categories": [
            {"code": "content", "name": "Content", "description": ""},
            {"code": "technology", "name": "Technology", "description": ""},
            {"code": "print", "name": "Print", "description": ""},
        ],
        "skills": [
            skill(
                "CODS",
                "Content design",
                "content",
                {1: "Knows what content design is.", 2: "Designs content for users with support."},
            ),
            skill(
                "ACCS",
                "Accessibility",
                "technology",
                {
                    2: "Tests pages with assistive technology.",
                    3: "Fixes accessibility barriers in pages and components.",
                },
            ),
            skill("WEBA", "Web analytics", "technology", {1: "Reads reports.", 2: "Sets up tags."}),
            skill(
                "PERF", "Performance", "technology", {2: "Measures speed.", 3: "Improves speed."}
            ),
            skill("SEOP", "Search optimisation", "content", {2: "Improves search rankings."}),
            skill("META", "Metadata", "content", {2: "Writes page metadata."}),
            skill("OLDC", "Print publishing", "print", {1: "Prepares documents for print."}),
        ],
        "roles": [
            role("web-manager", {"senior": {"CODS": 2, "ACCS": 3}}),
            role("print-officer", {"officer": {"OLDC": 1}}),
        ],
    }


def make_child() -> dict[str, Any]:
    doc = make_parent()
    doc["version"].update(number="1.1.0", status="draft", parent="1.0.0")
    doc["levels"][3]["name"] = "Leading"
    doc["categories"].pop()
    cods = copy.deepcopy(doc["skills"][0]) | {"relation": {"type": "unchanged", "from": ["CODS"]}}
    doc["skills"] = [
        cods,
        skill(
            "ACCS",
            "Accessibility",
            "technology",
            {
                2: "Tests pages using assistive technology.",
                3: "Fixes accessibility barriers in pages and shared components.",
            },
            relation=("reworded", "ACCS"),
        ),
        skill("ANLY", "Analytics", "technology", {1: "Reads reports."}, ("split", "WEBA")),
        skill("EXPT", "Experiments", "technology", {2: "Runs tests."}, ("split", "WEBA")),
        skill(
            "PERF",
            "Performance",
            "technology",
            {2: "Measures speed.", 3: "Improves speed.", 4: "Sets budgets."},
            ("changed", "PERF"),
        ),
        skill(
            "FIND",
            "Findability",
            "content",
            {2: "Makes pages easy to find."},
            ("merged", "SEOP", "META"),
        ),
        skill("AIAC", "AI assurance", "technology", {3: "Assures AI tools."}, ("new",)),
    ]
    doc["retired"] = [{"code": "OLDC", "note": "Print is out of scope."}]
    doc["roles"] = [
        role("web-manager", {"senior": {"CODS": 2, "ACCS": 2, "AIAC": 3}, "head": {"CODS": 2}}),
        role("data-lead", {"lead": {"ANLY": 1}}),
    ]
    return doc


def without_relations(doc: dict[str, Any]) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    for entry in doc["skills"]:
        entry.pop("relation", None)
    return doc


def test_an_identical_skill_is_unchanged() -> None:
    old = make_parent()["skills"][0]

    assert classify_change(old, copy.deepcopy(old)) == "unchanged"


def test_a_category_move_alone_leaves_a_skill_unchanged() -> None:
    old = make_parent()["skills"][0]

    assert classify_change(old, old | {"category": "technology"}) == "unchanged"


def test_small_wording_changes_make_a_skill_reworded() -> None:
    old, new = make_parent()["skills"][1], make_child()["skills"][1]

    assert classify_change(old, new) == "reworded"


def test_a_guidance_only_change_is_a_rewording() -> None:
    old = make_parent()["skills"][0]

    assert classify_change(old, old | {"guidance": "A long new paragraph of advice."}) == "reworded"


def test_adding_a_level_makes_a_skill_changed() -> None:
    old, new = make_parent()["skills"][3], make_child()["skills"][4]

    assert classify_change(old, new) == "changed"


def test_rewriting_one_descriptor_makes_a_skill_changed() -> None:
    old = make_parent()["skills"][0]
    new = copy.deepcopy(old)
    new["descriptors"][1]["text"] = "Leads a team that plans whole services."

    assert classify_change(old, new) == "changed"


def test_similarity_compares_words_ignoring_case_and_punctuation() -> None:
    assert similarity("Tests pages.", "tests PAGES") == 1.0
    assert similarity("Tests pages", "Writes code") == 0.0
    assert similarity("", "") == 1.0
    assert 0.6 < similarity("a b c d e", "a b c d x") < 1.0


def test_each_child_skill_gets_a_proposed_relation() -> None:
    relations, retire = propose_relations(make_parent(), without_relations(make_child()))

    assert {code: relation["type"] for code, relation in relations.items()} == {
        "CODS": "unchanged",
        "ACCS": "reworded",
        "ANLY": "new",
        "EXPT": "new",
        "PERF": "changed",
        "FIND": "new",
        "AIAC": "new",
    }
    assert relations["PERF"]["from"] == ["PERF"]
    assert relations["AIAC"]["from"] == []
    assert retire == ["WEBA", "SEOP", "META", "OLDC"]


def test_split_and_merged_relations_set_by_the_editor_are_kept() -> None:
    child = make_child()
    child["skills"][0]["relation"] = {"type": "changed", "from": ["CODS"]}

    relations, retire = propose_relations(make_parent(), child)

    assert relations["ANLY"] == {"type": "split", "from": ["WEBA"]}
    assert relations["EXPT"] == {"type": "split", "from": ["WEBA"]}
    assert relations["FIND"] == {"type": "merged", "from": ["SEOP", "META"]}
    assert relations["CODS"] == {"type": "unchanged", "from": ["CODS"]}
    assert retire == ["OLDC"]


def test_a_renamed_code_is_compared_with_the_parent_skill_the_editor_named() -> None:
    child = without_relations(make_child())
    child["skills"][0]["code"] = "CODX"
    child["skills"][0]["relation"] = {"type": "changed", "from": ["CODS"]}

    relations, retire = propose_relations(make_parent(), child)

    assert relations["CODX"] == {"type": "unchanged", "from": ["CODS"]}
    assert "CODS" not in retire


def test_a_word_diff_marks_the_words_that_changed() -> None:
    assert word_diff("The cat sat down.", "The dog sat down!") == [
        ("equal", "The "),
        ("delete", "cat"),
        ("insert", "dog"),
        ("equal", " sat down"),
        ("delete", "."),
        ("insert", "!"),
    ]


def test_a_word_diff_folds_lone_spaces_into_the_change() -> None:
    assert word_diff("red green blue", "one two blue") == [
        ("delete", "red green"),
        ("insert", "one two"),
        ("equal", " blue"),
    ]


def test_a_word_diff_of_added_and_removed_text() -> None:
    assert word_diff("", "New text") == [("insert", "New text")]
    assert word_diff("Old text", "") == [("delete", "Old text")]


@given(st.text(max_size=60), st.text(max_size=60))
def test_a_word_diff_rebuilds_both_texts(old: str, new: str) -> None:
    segments = word_diff(old, new)

    assert "".join(text for op, text in segments if op != "insert") == old
    assert "".join(text for op, text in segments if op != "delete") == new
    assert all(text for _, text in segments)
    assert all(a[0] != b[0] for a, b in itertools.pairwise(segments))


def test_compare_uses_the_relations_of_a_child_version() -> None:
    changes = compare_versions(make_parent(), make_child())

    assert changes.relations_from_document
    assert [(s.code, s.relation, s.sources) for s in changes.skills] == [
        ("CODS", "unchanged", ["CODS"]),
        ("ACCS", "reworded", ["ACCS"]),
        ("ANLY", "split", ["WEBA"]),
        ("EXPT", "split", ["WEBA"]),
        ("PERF", "changed", ["PERF"]),
        ("FIND", "merged", ["SEOP", "META"]),
        ("AIAC", "new", []),
        ("OLDC", "retired", []),
    ]
    assert changes.skills[-1].note == "Print is out of scope."
    assert changes.counts == {
        "unchanged": 1,
        "reworded": 1,
        "changed": 1,
        "split": 2,
        "merged": 1,
        "new": 1,
        "retired": 1,
    }


def test_compare_computes_relations_between_unrelated_versions() -> None:
    changes = compare_versions(make_parent(), without_relations(make_child()))

    assert not changes.relations_from_document
    assert [s.code for s in changes.skills if s.relation == "retired"] == [
        "WEBA",
        "SEOP",
        "META",
        "OLDC",
    ]


def test_compare_ignores_relations_that_point_at_another_version() -> None:
    grandchild = make_child()
    grandchild["version"].update(number="1.2.0", parent="1.1.0")

    changes = compare_versions(make_parent(), grandchild)

    assert not changes.relations_from_document
    assert [s.relation for s in changes.skills if s.code in ("ANLY", "FIND")] == ["new", "new"]
    assert "SEOP" in [s.code for s in changes.skills if s.relation == "retired"]


def test_compare_lists_field_changes_with_word_diffs() -> None:
    changes = compare_versions(make_parent(), make_child())
    accs, perf = changes.skills[1], changes.skills[4]

    assert [field.label for field in accs.fields] == ["level 2", "level 3"]
    assert accs.fields[0].segments == [
        ("equal", "Tests pages "),
        ("delete", "with"),
        ("insert", "using"),
        ("equal", " assistive technology."),
    ]
    assert perf.fields == [
        FieldChange("descriptor", 4, None, "Sets budgets.", [("insert", "Sets budgets.")])
    ]
    assert perf.fields[0].kind == "added"
    assert changes.skills[0].fields == []
    assert not changes.skills[0].is_changed


def test_compare_reports_category_name_and_removed_levels_of_a_skill() -> None:
    parent = make_parent()
    child = copy.deepcopy(parent)
    moved = child["skills"][1]
    moved.update(category="content", name="Inclusive design")
    moved["descriptors"].pop()

    (change,) = compare_versions(parent, child).changed_skills

    assert [(f.field, f.level, f.kind) for f in change.fields] == [
        ("name", None, "changed"),
        ("category", None, "changed"),
        ("descriptor", 3, "removed"),
    ]
    assert change.relation == "changed"


def test_compare_reports_level_category_and_role_changes() -> None:
    changes = compare_versions(make_parent(), make_child())

    assert [(e.key, e.kind, [f.field for f in e.fields]) for e in changes.levels] == [
        ("4", "changed", ["name"])
    ]
    assert [(e.key, e.kind) for e in changes.categories] == [("print", "removed")]
    web, data, print_role = changes.roles
    assert (web.kind, web.levels_added, web.levels_removed) == ("changed", ["head"], [])
    assert web.profile == [
        ProfileChange("senior", "ACCS", 3, 2),
        ProfileChange("senior", "AIAC", None, 3),
    ]
    assert (data.code, data.kind, data.levels_added) == ("data-lead", "added", ["lead"])
    assert (print_role.code, print_role.kind) == ("print-officer", "removed")


def test_comparing_a_version_with_itself_finds_nothing() -> None:
    changes = compare_versions(make_parent(), make_parent())

    assert changes.changed_skills == []
    assert (changes.levels, changes.categories, changes.roles) == ([], [], [])
    assert changes.counts["unchanged"] == 7
    assert "Skills\n  no changes\n" in render_changes_text(changes)


def test_the_text_report_has_a_line_per_change_and_a_summary() -> None:
    text = render_changes_text(compare_versions(make_parent(), make_child()))

    assert text == (
        "web-professionals: changes from version 1.0.0 to 1.1.0\n"
        "\n"
        "Skills\n"
        "~ ACCS Accessibility: reworded [level 2, level 3]\n"
        "~ ANLY Analytics: split from WEBA [name, description, level 2]\n"
        "~ EXPT Experiments: split from WEBA [name, description, level 1, level 2]\n"
        "~ PERF Performance: changed [level 4]\n"
        "~ FIND Findability: merged from SEOP, META [name, description, level 2]\n"
        "+ AIAC AI assurance: new\n"
        "- OLDC Print publishing: retired: Print is out of scope.\n"
        "\n"
        "Levels\n"
        "~ level 4 Leading: name changed\n"
        "\n"
        "Categories\n"
        "- category print Print: removed\n"
        "\n"
        "Roles\n"
        "~ role web-manager Web manager: level head added; senior ACCS 3 -> 2; "
        "senior AIAC now expected at 3\n"
        "+ role data-lead Data lead: added\n"
        "- role print-officer Print officer: removed\n"
        "\n"
        "Summary: 1 unchanged, 1 reworded, 1 changed, 2 split, 1 merged, 1 new, 1 retired\n"
    )
