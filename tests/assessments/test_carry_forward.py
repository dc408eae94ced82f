"""Carrying a full 1.0.0 assessment to 1.1.0: every relation through save-for-later and continue."""

from __future__ import annotations

import re

import pytest

from skillsreg.assessments import services
from skillsreg.assessments.services import Answer
from skillsreg.core.db import utcnow
from skillsreg.extensions import db as _db
from tests.assessments.test_services import import_version, publish
from tests.pages import check_page, error_messages

# One skill of each relation in the shipped 1.1.0, for a content editor who rated all of 1.0.0.
RELATIONS = {
    "unchanged": ("CMGT", "content", False),
    "reworded": ("CONT", "content", False),
    "changed": ("ACCS", "accessibility", True),
    "split": ("PUBL", "content", True),
    "merged": ("SORC", "service-management", True),
    "new": ("AIUS", "governance", True),
}
OLD_LEVELS = {"SUPL": 2, "PROC": 5, "EDIT": 3, "DOCA": 2}


@pytest.fixture
def carried(db, member):
    """A draft carried to 1.1.0 from a submitted 1.0.0 assessment rating all 40 skills."""
    old_version = import_version("1.0.0")
    old = services.start_assessment(
        user=member,
        version=old_version,
        role_code="content-editor",
        role_level_code="editor",
        now=utcnow(),
    )
    for skill in old_version.skills:
        if old.rating_for(skill.code) is None:
            services.add_skill(old, skill_code=skill.code, now=utcnow())
    answers = {}
    for skill in old_version.skills:
        wanted = OLD_LEVELS.get(skill.code, 3)
        level = wanted if wanted in skill.levels else max(skill.levels)
        answers[skill.code] = Answer(str(level), f"Evidence for {skill.code}")
    services.answer_skills(old, answers, now=utcnow())
    services.submit_assessment(old, now=utcnow())
    new_version = publish(import_version("1.1.0"))
    draft = services.carry_forward_assessment(
        old,
        version=new_version,
        role_code="content-editor",
        role_level_code="editor",
        now=utcnow(),
    )
    _db.session.commit()
    return draft


@pytest.fixture
def signed_in(client, login_as, member):
    return login_as(member)


def page_answers(page) -> dict[str, str]:
    """What a browser sends back for a rating page as it is shown."""
    data = {}
    for radio in page.select("input[type=radio][checked]"):
        data[radio["name"]] = radio["value"]
    for box in page.select("textarea"):
        data[box["name"]] = box.get_text()
    return data


def text_of(tag) -> str:
    """A tag's text as read aloud: no space before punctuation that followed a closing tag."""
    return re.sub(r"\s+([:;,.)])", r"\1", tag.get_text(" ", strip=True))


def category_url(assessment, category):
    return f"/assessments/{assessment.id}/categories/{category}"


def test_the_carried_draft_follows_the_rules_for_merged_new_and_retired(client, signed_in, carried):
    sorc = carried.rating_for("SORC")
    task_list = text_of(check_page(client.get(f"/assessments/{carried.id}")))

    assert (sorc.level, sorc.needs_confirmation) == (2, True)
    assert sorc.carried_sources == [["SUPL", 2], ["PROC", 5]]
    assert carried.rating_for("SUST") is None
    assert "New in this version, add if it applies" in task_list
    assert "Sustainable web design (SUST)" in task_list
    assert "Accessible documents (DOCA): no longer in the framework" in task_list


@pytest.mark.parametrize("relation", list(RELATIONS))
def test_save_for_later_never_confirms_and_continue_does(client, signed_in, carried, relation):
    code, category, must_confirm = RELATIONS[relation]
    url = category_url(carried, category)
    shown = check_page(client.get(url))

    client.post(url, data=page_answers(shown) | {"save_later": "y"})
    _db.session.expire_all()
    after_later = carried.rating_for(code).needs_confirmation
    check = check_page(client.get(f"/assessments/{carried.id}/check-answers"))
    row = text_of(check.find(id=f"answer-{code}"))

    assert after_later is must_confirm
    assert ("(to confirm)" in row) is must_confirm
    response = client.post(url, data=page_answers(shown) | {"save_continue": "y"})
    if relation == "new":
        # A new skill has no proposal: continuing without an answer is refused, not skipped.
        page = check_page(response, errors=True)
        assert "Choose your level in Responsible use of AI tools" in error_messages(page)[0]
        response = client.post(
            url, data=page_answers(shown) | {f"level_{code}": "2", "save_continue": "y"}
        )
    assert response.status_code == 302
    _db.session.expire_all()
    assert not carried.rating_for(code).needs_confirmation


def test_check_answers_and_the_result_name_the_retired_skill(client, signed_in, carried):
    check = check_page(client.get(f"/assessments/{carried.id}/check-answers"))

    text = text_of(check)
    assert "Accessible documents (DOCA): no longer in the framework; you were level 2" in text
    assert "Sustainable web design (SUST)" in text
    for rating in carried.ratings:
        rating.needs_confirmation = False
        if not rating.is_rated:
            skill = next(s for s in carried.version.skills if s.code == rating.skill_code)
            rating.level = skill.levels[0]
    services.submit_assessment(carried, now=utcnow())
    _db.session.commit()
    result = text_of(check_page(client.get(f"/assessments/{carried.id}/result")))
    assert "Accessible documents (DOCA): no longer in the framework" in result


def test_a_split_skill_shows_only_the_old_text_of_its_own_part(client, signed_in, carried):
    page = check_page(client.get(category_url(carried, "content")))

    edit = text_of(page.find(id="skill-EDIT").find_parent("div"))
    publ = text_of(page.find(id="skill-PUBL").find_parent("div"))
    assert "edits other people's drafts for accuracy and style" in edit
    assert "schedules publishing" not in edit.split("Now, at level")[0]
    assert "schedules publishing" in publ
    assert "edits other people's drafts" not in publ


def test_a_merged_skill_names_each_rated_source_with_its_level(client, signed_in, carried):
    page = check_page(client.get(category_url(carried, "service-management")))

    sorc = text_of(page.find(id="skill-SORC").find_parent("div"))
    assert "This skill combines SUPL (level 2) and PROC (level 5)" in sorc
    assert "the lowest of your levels, 2, is proposed" in sorc
    assert "(SUPL), your level 2 in version 1.0.0" in sorc
    assert "(PROC), your level 5 in version 1.0.0" in sorc


def test_comparing_across_versions_names_the_relations(client, signed_in, carried):
    for rating in carried.ratings:
        rating.needs_confirmation = False
        skill = next(s for s in carried.version.skills if s.code == rating.skill_code)
        rating.level, rating.is_not_applicable = skill.levels[0], False
    services.submit_assessment(carried, now=utcnow())
    _db.session.commit()
    first = carried.carried_from

    page = check_page(client.get(f"/assessments/compare?first={first.id}&second={carried.id}"))

    summary = text_of(page.find(id="compare-summary"))
    assert "(version 1.0.0)" in summary
    assert "1 added and" in summary
    assert "removed" in summary
    edit = text_of(page.find(id="compare-EDIT"))
    assert "Split from EDIT in version 1.1.0" in edit
    sorc = text_of(page.find(id="compare-SORC"))
    assert "Merged from SUPL and PROC" in sorc
    assert "Before, Supplier management (SUPL): 2" in sorc
    doca = text_of(page.find(id="compare-DOCA"))
    assert "After: Not in version 1.1.0" in doca
    assert "Not applicable" not in text_of(page.find("main"))
    reversed_page = check_page(
        client.get(f"/assessments/compare?first={carried.id}&second={first.id}")
    )
    assert "Split from EDIT" in text_of(reversed_page.find(id="compare-EDIT"))
    history = text_of(check_page(client.get("/assessments/")))
    assert "Web editor or content designer" in history


def test_a_new_skill_outside_the_profile_is_added_from_the_task_list(client, signed_in, carried):
    page = check_page(client.get(f"/assessments/{carried.id}"))
    form = page.find("input", attrs={"name": "skill", "value": "SUST"}).find_parent("form")

    response = client.post(form["action"], data={"skill": "SUST"})

    assert response.status_code == 302
    assert "/categories/development" in response.headers["Location"]
    _db.session.expire_all()
    assert carried.rating_for("SUST").is_extra
    task_list = text_of(check_page(client.get(f"/assessments/{carried.id}")))
    assert "Sustainable web design (SUST)" not in task_list
