"""The editor's changes to a framework document, as plain functions on its dict."""

from __future__ import annotations

import pytest

from skillsreg.core.errors import DomainError
from skillsreg.frameworks import editing
from tests.frameworks.test_document import make_doc


def codes(entries):
    return [entry["code"] for entry in entries]


def test_appending_adds_the_part_at_the_end_of_the_list():
    doc = make_doc()
    editing.appending("categories", {"code": "data", "name": "Data", "description": ""})(doc)
    assert codes(doc["categories"]) == ["content", "technology", "data"]


def test_updating_changes_only_the_entry_with_that_code():
    doc = make_doc()
    editing.updating("categories", "content", {"name": "Writing"})(doc)
    assert [c["name"] for c in doc["categories"]] == ["Writing", "Technology"]
    assert doc["categories"][0]["description"] == "Words and pages."


def test_updating_an_entry_someone_removed_is_refused():
    with pytest.raises(DomainError, match="GONE is no longer in this draft"):
        editing.updating("skills", "GONE", {"name": "x"})(make_doc())


def test_removing_takes_the_entry_out_of_its_list():
    doc = make_doc()
    editing.removing("roles", "web-manager")(doc)
    assert doc["roles"] == []


def test_appending_a_role_level_changes_only_that_role():
    doc = make_doc()
    step = {"code": "junior", "name": "Junior web manager", "description": "", "profile": {}}
    editing.within_role("web-manager", editing.appending("levels", step))(doc)
    assert codes(doc["roles"][0]["levels"]) == ["senior", "junior"]


def test_a_change_within_a_role_someone_removed_is_refused():
    change = editing.within_role("gone", editing.appending("levels", {"code": "x"}))
    with pytest.raises(DomainError, match="gone is no longer in this draft"):
        change(make_doc())


def test_setting_release_notes_replaces_them():
    doc = make_doc()
    editing.set_release_notes(doc, "New skills for AI.")
    assert doc["version"]["release_notes"] == "New skills for AI."


def test_updating_levels_renames_them_in_order_and_keeps_their_numbers():
    doc = make_doc()
    parts = [{"name": f"Level {n}", "description": ""} for n in range(1, 5)]
    editing.update_levels(doc, parts)
    assert [(level["number"], level["name"]) for level in doc["levels"]] == [
        (1, "Level 1"),
        (2, "Level 2"),
        (3, "Level 3"),
        (4, "Level 4"),
    ]


def test_adding_a_level_puts_it_at_the_top():
    doc = make_doc()
    editing.add_level(doc, {"number": 5, "name": "Master", "description": ""})
    assert doc["levels"][-1]["name"] == "Master"


def test_a_scale_has_nine_levels_at_most():
    doc = make_doc()
    doc["levels"] = [{"number": n, "name": f"L{n}", "description": ""} for n in range(1, 10)]
    with pytest.raises(DomainError, match="9 levels at most"):
        editing.add_level(doc, {"number": 10, "name": "Too many", "description": ""})
    assert len(doc["levels"]) == 9


def test_removing_the_top_level_is_refused_while_a_skill_describes_it():
    doc = make_doc()
    with pytest.raises(DomainError, match="Level 4 cannot be removed: ACCS describe it"):
        editing.remove_top_level(doc)
    assert len(doc["levels"]) == 4


def test_removing_a_top_level_no_skill_describes():
    doc = make_doc()
    doc["skills"][1]["descriptors"] = [d for d in doc["skills"][1]["descriptors"] if d["level"] < 4]
    editing.remove_top_level(doc)
    assert [level["number"] for level in doc["levels"]] == [1, 2, 3]


def test_a_scale_keeps_two_levels_at_least():
    doc = make_doc()
    doc["levels"] = doc["levels"][:2]
    with pytest.raises(DomainError, match="2 levels at least"):
        editing.remove_top_level(doc)


def test_removing_a_category_that_skills_use_is_refused():
    doc = make_doc()
    with pytest.raises(DomainError, match="move CODS, OLDC to another category first"):
        editing.remove_category(doc, "content")
    assert codes(doc["categories"]) == ["content", "technology"]


def test_removing_an_empty_category():
    doc = make_doc()
    doc["skills"] = [s for s in doc["skills"] if s["category"] != "technology"]
    editing.remove_category(doc, "technology")
    assert codes(doc["categories"]) == ["content"]


def test_removing_a_skill_also_removes_it_from_role_profiles():
    doc = make_doc()
    editing.remove_skill(doc, "ACCS")
    assert codes(doc["skills"]) == ["CODS", "OLDC"]
    assert doc["roles"][0]["levels"][0]["profile"] == {"CODS": 2}


def test_removing_a_role_level_leaves_the_others():
    doc = make_doc()
    role = doc["roles"][0]
    role["levels"].append({"code": "junior", "name": "Junior", "description": "", "profile": {}})
    editing.remove_role_level(role, "senior")
    assert codes(role["levels"]) == ["junior"]


def test_a_role_keeps_one_role_level_at_least():
    role = make_doc()["roles"][0]
    with pytest.raises(DomainError, match="remove the role instead"):
        editing.remove_role_level(role, "senior")
    assert codes(role["levels"]) == ["senior"]
