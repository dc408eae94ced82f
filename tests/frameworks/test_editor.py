"""The organisers' editor: drafting, changing, consulting on, publishing and importing versions."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest

from skillsreg.accounts.rules import Role
from skillsreg.core.db import utcnow
from skillsreg.core.jobs.models import Job
from skillsreg.frameworks import services
from skillsreg.frameworks.document import dump_document
from skillsreg.frameworks.models import VersionStatus
from skillsreg.frameworks.store import load_version, version_document
from tests.frameworks.test_document import make_doc
from tests.pages import check_page, error_messages

EDITOR = "/frameworks/web-professionals/1.1.0/edit"
PUBLISHED_EDITOR = "/frameworks/web-professionals/1.0.0/edit"


@pytest.fixture
def published(db):
    version = services.import_document(make_doc(), filename="framework.yaml", now=utcnow()).version
    db.session.commit()
    return version


@pytest.fixture
def draft(db, published, organiser):
    version = services.create_draft(published.framework, actor=organiser, now=utcnow())
    db.session.commit()
    return version


@pytest.fixture
def signed_in(client, login_as, organiser):
    login_as(organiser)
    return client


def document(version):
    return version_document(load_version(version.id))


def skill_in(version, code):
    return next(s for s in document(version)["skills"] if s["code"] == code)


def banner(page):
    return " ".join(b.get_text(" ", strip=True) for b in page.select(".govuk-notification-banner"))


def summary_text(page):
    return page.select_one(".govuk-error-summary").get_text(" ", strip=True)


def post(client, url, lock=1, **data):
    return client.post(url, data={"lock_version": lock, **data})


def follow(client, response):
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return check_page(client.get(response.location))


SKILL = {
    "code": "WEBA",
    "name": "Web analytics",
    "category": "technology",
    "description": "Measures how a website is used.",
    "guidance": "",
    "descriptors-0": "",
    "descriptors-1": "Reads the dashboards.",
    "descriptors-2": "Sets up measurement.",
    "descriptors-3": "",
}


# Every page of the editor, as (method, path under the draft's editor or absolute).
EDITOR_PAGES = [
    ("GET", ""),
    ("GET", "/release-notes"),
    ("GET", "/levels"),
    ("GET", "/new-level"),
    ("GET", "/levels/remove-top"),
    ("GET", "/new-category"),
    ("GET", "/categories/content"),
    ("GET", "/categories/content/remove"),
    ("GET", "/new-skill"),
    ("GET", "/skills/CODS"),
    ("GET", "/skills/CODS/remove"),
    ("GET", "/new-role"),
    ("GET", "/roles/web-manager"),
    ("GET", "/roles/web-manager/remove"),
    ("GET", "/roles/web-manager/new-level"),
    ("GET", "/roles/web-manager/levels/senior"),
    ("GET", "/roles/web-manager/levels/senior/remove"),
    ("GET", "/roles/web-manager/levels/senior/profile"),
    ("GET", "/relations"),
    ("GET", "/relations/CODS"),
    ("GET", "/consultation"),
    ("GET", "/publish"),
    ("GET", "/delete"),
]
CHANGES = [path for method, path in EDITOR_PAGES if path] + ["/retired-skills/OLDC"]


@pytest.mark.parametrize(("method", "path"), EDITOR_PAGES)
def test_every_editor_page_is_well_formed(signed_in, draft, method, path):
    check_page(signed_in.open(EDITOR + path, method=method))


@pytest.mark.parametrize(
    "url",
    [EDITOR + path for path in ["", *CHANGES]]
    + ["/frameworks/import", PUBLISHED_EDITOR + "/retire"],
)
def test_members_are_refused_every_editor_page(client, login_as, member, draft, url):
    login_as(member)
    assert client.get(url).status_code == 403
    if not url.endswith(("/edit", "/relations")):
        assert client.post(url, data={"lock_version": 1}).status_code == 403


def test_members_cannot_create_a_draft(client, login_as, member, published):
    login_as(member)
    assert client.post("/frameworks/web-professionals/drafts").status_code == 403


def test_an_unknown_version_or_skill_is_not_found(signed_in, draft):
    assert signed_in.get("/frameworks/web-professionals/9.9.9/edit").status_code == 404
    assert signed_in.get(EDITOR + "/skills/NOPE").status_code == 404
    assert signed_in.get(PUBLISHED_EDITOR + "/relations").status_code == 409


def test_the_editor_lists_the_tasks_skills_and_roles_of_a_draft(signed_in, draft):
    page = check_page(signed_in.get(EDITOR), title="Edit version 1.1.0")

    tasks = [a.get_text(strip=True) for a in page.select(".govuk-task-list__link")]
    assert tasks == [
        "Release notes",
        "Level scale",
        "Categories",
        "Skills",
        "Roles and role profiles",
        "Relations to version 1.0.0",
    ]
    skills = page.find(id="skills").find_next("table")
    assert [row.td.get_text(strip=True) for row in skills.tbody.find_all("tr")] == [
        "CODS",
        "ACCS",
        "OLDC",
    ]
    assert "Unchanged" in skills.get_text()
    assert "Senior web manager" in page.get_text()
    assert "Delete draft" in page.select_one("#publishing").find_next("div").get_text()


def test_creating_a_draft_copies_the_latest_published_version(signed_in, published):
    response = signed_in.post("/frameworks/web-professionals/drafts")

    assert response.location == EDITOR
    page = follow(signed_in, response)
    assert "Version 1.1.0 is drafted from version 1.0.0" in banner(page)


def test_a_second_draft_is_refused_and_leads_to_the_one_in_progress(signed_in, draft):
    response = signed_in.post("/frameworks/web-professionals/drafts")

    assert response.location == EDITOR
    assert "already has a version in draft or consultation" in banner(follow(signed_in, response))


def test_saving_release_notes_stores_them_and_says_so(signed_in, draft):
    response = post(signed_in, EDITOR + "/release-notes", release_notes="New skills.\r\nFewer.")

    assert "Release notes saved" in banner(follow(signed_in, response))
    assert document(draft)["version"]["release_notes"] == "New skills.\nFewer."
    assert draft.lock_version == 2


def test_release_notes_that_are_too_long_are_refused_and_kept(signed_in, draft):
    notes = "x" * 20001
    page = check_page(post(signed_in, EDITOR + "/release-notes", release_notes=notes), errors=True)

    assert error_messages(page) == ["Release notes must be 20000 characters or fewer"]
    assert page.find("textarea", id="release_notes").get_text() == notes
    assert document(draft)["version"]["release_notes"] == ""


def test_a_stale_edit_is_refused_and_keeps_what_was_typed(
    signed_in, login_as, organiser, create_user, draft
):
    login_as(create_user(role=Role.ORGANISER, name="Colin Colleague"))
    post(signed_in, EDITOR + "/release-notes", lock=1, release_notes="Colin's notes")
    login_as(organiser)

    response = post(signed_in, EDITOR + "/release-notes", lock=1, release_notes="Olive's notes")

    page = check_page(response, errors=True, title="Release notes")
    assert "Someone else changed this draft" in summary_text(page)
    assert page.find("textarea", id="release_notes").get_text() == "Olive's notes"
    assert page.find("input", id="lock_version")["value"] == "2"
    assert document(draft)["version"]["release_notes"] == "Colin's notes"


def test_renaming_a_level_changes_the_scale(signed_in, draft):
    data = {f"levels-{i}-name": name for i, name in enumerate(["A", "W", "P", "E"])}
    data.update({f"levels-{i}-description": "Says what." for i in range(4)})

    response = post(signed_in, EDITOR + "/levels", **data)

    assert "Level scale saved" in banner(follow(signed_in, response))
    assert [level["name"] for level in document(draft)["levels"]] == ["A", "W", "P", "E"]


def test_a_level_without_a_name_is_refused(signed_in, draft):
    data = {f"levels-{i}-name": name for i, name in enumerate(["A", " ", "P", "E"])}

    page = check_page(post(signed_in, EDITOR + "/levels", **data), errors=True)

    assert error_messages(page) == ["Enter a name for the level"]
    assert page.find("input", id="levels-0-name")["value"] == "A"


def test_adding_then_removing_a_top_level(signed_in, draft):
    response = post(signed_in, EDITOR + "/new-level", name="Leader", description="Sets direction.")
    assert "Level 5 (Leader) added" in banner(follow(signed_in, response))

    response = post(signed_in, EDITOR + "/levels/remove-top", lock=2)

    assert "Level 5 (Leader) removed" in banner(follow(signed_in, response))
    assert len(document(draft)["levels"]) == 4


def test_a_new_level_needs_a_name(signed_in, draft):
    page = check_page(post(signed_in, EDITOR + "/new-level", name=""), errors=True)

    assert error_messages(page) == ["Enter a name for the level"]


def test_a_level_that_skills_describe_cannot_be_removed(signed_in, draft):
    page = check_page(post(signed_in, EDITOR + "/levels/remove-top"), errors=True)

    assert "Level 4 cannot be removed: ACCS describe it" in summary_text(page)
    assert len(document(draft)["levels"]) == 4


def test_adding_and_changing_a_category(signed_in, draft):
    data = {"code": "Design ", "name": "Design", "description": "Looks."}
    response = post(signed_in, EDITOR + "/new-category", **data)
    assert "Category Design added" in banner(follow(signed_in, response))

    response = post(signed_in, EDITOR + "/categories/design", lock=2, name="Design work")

    assert "Category Design work saved" in banner(follow(signed_in, response))
    assert document(draft)["categories"][-1] == {
        "code": "design",
        "name": "Design work",
        "description": "Looks.",
    }


def test_a_category_code_used_twice_is_shown_against_the_code(signed_in, draft):
    response = post(signed_in, EDITOR + "/new-category", code="content", name="More content")

    page = check_page(response, errors=True, title="Add a category")
    assert error_messages(page) == ["Category code content is used twice (also at categories[0])"]
    assert page.select_one("#code-error") is not None
    assert page.find("input", id="name")["value"] == "More content"


def test_a_badly_formed_category_code_is_refused(signed_in, draft):
    page = check_page(post(signed_in, EDITOR + "/new-category", code="a b", name="X"), errors=True)

    assert error_messages(page) == [
        "Code must be lower-case letters and digits, separated by single hyphens, "
        "like content-design"
    ]


def test_a_category_with_skills_cannot_be_removed(signed_in, draft):
    page = check_page(post(signed_in, EDITOR + "/categories/content/remove"), errors=True)

    assert "move CODS, OLDC to another category first" in summary_text(page)


def test_an_empty_category_can_be_removed(signed_in, draft):
    post(signed_in, EDITOR + "/new-category", code="spare", name="Spare")

    response = post(signed_in, EDITOR + "/categories/spare/remove", lock=2)

    assert "Category Spare removed" in banner(follow(signed_in, response))
    assert [c["code"] for c in document(draft)["categories"]] == ["content", "technology"]


def test_a_category_needs_a_name(signed_in, draft):
    page = check_page(post(signed_in, EDITOR + "/categories/content", name=""), errors=True)

    assert error_messages(page) == ["Enter the category's name"]


def test_adding_a_skill_keeps_only_the_levels_described(signed_in, draft):
    response = post(signed_in, EDITOR + "/new-skill", **{**SKILL, "code": "weba"})

    assert "Skill WEBA Web analytics added" in banner(follow(signed_in, response))
    assert skill_in(draft, "WEBA")["descriptors"] == [
        {"level": 2, "text": "Reads the dashboards."},
        {"level": 3, "text": "Sets up measurement."},
    ]
    assert skill_in(draft, "WEBA")["relation"] == {"type": "new", "from": []}


def test_a_skill_without_descriptors_is_refused_and_kept(signed_in, draft):
    data = {**SKILL, "descriptors-1": "", "descriptors-2": ""}

    page = check_page(post(signed_in, EDITOR + "/new-skill", **data), errors=True)

    assert error_messages(page) == ["Describe the skill at one level at least"]
    assert page.find("input", id="name")["value"] == "Web analytics"
    assert page.find("input", attrs={"value": "technology"}).has_attr("checked")


def test_a_skill_code_used_twice_is_shown_against_the_code(signed_in, draft):
    page = check_page(
        post(signed_in, EDITOR + "/new-skill", **{**SKILL, "code": "CODS"}), errors=True
    )

    assert "Skill code CODS is used twice (also at skills[0])" in error_messages(page)
    assert page.select_one("#code-error") is not None
    assert page.find("textarea", id="descriptors-1").get_text() == "Reads the dashboards."


def test_changing_a_skill_recomputes_its_relation(signed_in, draft):
    data = {**SKILL, "name": "Content design", "category": "content"}
    data.update({"descriptors-0": "Writes alt text.", "descriptors-1": "Runs a whole site."})

    response = post(signed_in, EDITOR + "/skills/CODS", **data)

    assert "Skill CODS Content design saved" in banner(follow(signed_in, response))
    assert skill_in(draft, "CODS")["relation"] == {"type": "changed", "from": ["CODS"]}


def test_a_descriptor_a_role_profile_expects_cannot_be_emptied(signed_in, draft):
    data = {**SKILL, "name": "Content design", "category": "content", "descriptors-0": "Knows."}
    data.update({"descriptors-1": "", "descriptors-2": ""})

    page = check_page(post(signed_in, EDITOR + "/skills/CODS", **data), errors=True)

    assert summary_text(page) == (
        "There is a problem roles[0].levels[0].profile.CODS: Skill CODS has no descriptor at "
        "level 2 (it has a descriptor at level 1 only)"
    )
    assert page.find("textarea", id="descriptors-0").get_text() == "Knows."


def test_a_skill_needs_a_name_and_a_category(signed_in, draft):
    data = {**SKILL, "name": "", "category": ""}

    page = check_page(post(signed_in, EDITOR + "/skills/CODS", **data), errors=True)

    assert error_messages(page) == [
        "Enter the skill's name",
        "Choose the category the skill belongs to",
    ]


def test_removing_a_skill_retires_it_and_drops_it_from_profiles(signed_in, draft):
    response = post(signed_in, EDITOR + "/skills/ACCS/remove")

    assert "Skill ACCS Skill ACCS removed" in banner(follow(signed_in, response))
    doc = document(draft)
    assert doc["retired"] == [{"code": "ACCS", "note": ""}]
    assert doc["roles"][0]["levels"][0]["profile"] == {"CODS": 2}


def test_adding_a_role_with_its_first_level(signed_in, draft):
    data = {
        "code": "web-designer",
        "name": "Web designer",
        "description": "",
        "level_code": "junior",
        "level_name": "Junior web designer",
    }
    response = post(signed_in, EDITOR + "/new-role", **data)

    assert "Role Web designer added" in banner(follow(signed_in, response))
    role = document(draft)["roles"][-1]
    assert [step["name"] for step in role["levels"]] == ["Junior web designer"]


def test_a_role_code_used_twice_is_shown_against_the_code(signed_in, draft):
    data = {"code": "web-manager", "name": "Again", "level_code": "x", "level_name": "X"}

    page = check_page(post(signed_in, EDITOR + "/new-role", **data), errors=True)

    assert error_messages(page) == ["Role code web-manager is used twice (also at roles[0])"]
    assert page.select_one("#code-error") is not None


def test_changing_and_removing_a_role(signed_in, draft):
    response = post(signed_in, EDITOR + "/roles/web-manager", name="Web lead")
    assert "Role Web lead saved" in banner(follow(signed_in, response))

    response = post(signed_in, EDITOR + "/roles/web-manager/remove", lock=2)

    assert "Role Web lead removed" in banner(follow(signed_in, response))
    assert document(draft)["roles"] == []


def test_a_role_needs_a_name(signed_in, draft):
    page = check_page(post(signed_in, EDITOR + "/roles/web-manager", name=""), errors=True)

    assert error_messages(page) == ["Enter the role's name"]


def test_adding_changing_and_removing_role_levels(signed_in, draft):
    url = EDITOR + "/roles/web-manager"
    response = post(signed_in, url + "/new-level", code="junior", name="Junior web manager")
    assert "Role level Junior web manager added" in banner(follow(signed_in, response))

    response = post(signed_in, url + "/levels/junior", lock=2, name="Assistant web manager")
    assert "Role level Assistant web manager saved" in banner(follow(signed_in, response))

    response = post(signed_in, url + "/levels/junior/remove", lock=3)
    assert "Role level Assistant web manager removed" in banner(follow(signed_in, response))
    assert [s["code"] for s in document(draft)["roles"][0]["levels"]] == ["senior"]


def test_a_role_level_code_used_twice_is_refused(signed_in, draft):
    url = EDITOR + "/roles/web-manager/new-level"

    page = check_page(post(signed_in, url, code="senior", name="Senior again"), errors=True)

    assert error_messages(page) == [
        "Role level code senior is used twice in this role (also at roles[0].levels[0])"
    ]


def test_a_role_keeps_its_last_role_level(signed_in, draft):
    url = EDITOR + "/roles/web-manager/levels/senior/remove"

    page = check_page(post(signed_in, url), errors=True)

    assert "A role needs one role level at least" in summary_text(page)


def test_a_role_level_needs_a_job_title(signed_in, draft):
    url = EDITOR + "/roles/web-manager/levels/senior"

    page = check_page(post(signed_in, url, name=""), errors=True)

    assert error_messages(page) == ["Enter the role level's job title"]


def test_a_profile_offers_only_the_levels_each_skill_describes(signed_in, draft):
    page = check_page(signed_in.get(EDITOR + "/roles/web-manager/levels/senior/profile"))

    options = [o["value"] for o in page.find("select", id="skill_CODS").find_all("option")]
    assert options == ["", "1", "2"]
    assert page.find("select", id="skill_ACCS").find("option", selected=True)["value"] == "3"


def test_saving_a_profile(signed_in, draft):
    url = EDITOR + "/roles/web-manager/levels/senior/profile"

    response = post(signed_in, url, skill_CODS="1", skill_ACCS="", skill_OLDC="1")

    assert "Profile of Senior web manager saved" in banner(follow(signed_in, response))
    assert document(draft)["roles"][0]["levels"][0]["profile"] == {"CODS": 1, "OLDC": 1}


def test_a_profile_level_a_skill_does_not_describe_is_refused(signed_in, draft):
    url = EDITOR + "/roles/web-manager/levels/senior/profile"

    page = check_page(post(signed_in, url, skill_CODS="4"), errors=True)

    assert error_messages(page) == ["Choose one of the levels offered for this skill"]
    assert document(draft)["roles"][0]["levels"][0]["profile"] == {"CODS": 2, "ACCS": 3}


def test_the_relations_page_lists_each_relation_and_the_retired_skills(signed_in, draft):
    post(signed_in, EDITOR + "/skills/OLDC/remove")

    page = check_page(signed_in.get(EDITOR + "/relations"), title="Relations to version 1.0.0")

    rows = page.select("table tbody tr")
    assert [row.td.get_text(strip=True) for row in rows] == ["CODS Skill CODS", "ACCS Skill ACCS"]
    assert "OLDC Skill OLDC" in page.select_one(".govuk-summary-list").get_text()


def test_confirming_a_relation_keeps_it(signed_in, draft):
    url = EDITOR + "/relations/CODS"

    response = post(signed_in, url, relation_type="reworded", from_codes=["CODS"])

    assert "Relation of CODS Skill CODS saved" in banner(follow(signed_in, response))
    assert skill_in(draft, "CODS")["relation"] == {"type": "reworded", "from": ["CODS"]}
    assert load_version(draft.id).skills[0].is_relation_confirmed


def test_a_split_named_by_one_part_only_is_shown_against_its_parents(signed_in, draft):
    url = EDITOR + "/relations/ACCS"

    page = check_page(post(signed_in, url, relation_type="split", from_codes=["ACCS"]), errors=True)

    assert error_messages(page) == [
        "Parent skill ACCS is split but only this skill names it: name it from every part, "
        "or use the type changed"
    ]
    assert page.select_one("#from_codes-error") is not None
    assert page.find("input", attrs={"name": "relation_type", "value": "split"}).has_attr("checked")


def test_a_relation_needs_a_type(signed_in, draft):
    page = check_page(post(signed_in, EDITOR + "/relations/CODS"), errors=True)

    assert error_messages(page) == ["Choose how the skill comes from the parent version"]


def test_a_retired_skill_gets_a_note(signed_in, draft):
    post(signed_in, EDITOR + "/skills/OLDC/remove")

    response = post(signed_in, EDITOR + "/retired-skills/OLDC", lock=2, note="Now in CODS.")

    assert "Note on retired skill OLDC saved" in banner(follow(signed_in, response))
    assert document(draft)["retired"] == [{"code": "OLDC", "note": "Now in CODS."}]


def test_a_retired_skill_note_has_a_limit(signed_in, draft):
    post(signed_in, EDITOR + "/skills/OLDC/remove")

    page = check_page(
        post(signed_in, EDITOR + "/retired-skills/OLDC", lock=2, note="x" * 2001), errors=True
    )

    assert error_messages(page) == ["Note must be 2000 characters or fewer"]


def closing(days):
    day = utcnow().date() + timedelta(days=days)
    return [str(day.day), str(day.month), str(day.year)]


def test_opening_a_consultation(signed_in, draft):
    response = post(signed_in, EDITOR + "/consultation", closes_on=closing(14))

    assert "open for comments until" in banner(follow(signed_in, response))
    assert draft.status is VersionStatus.CONSULTATION


@pytest.mark.parametrize(
    ("closes_on", "message"),
    [
        (closing(0), "The closing date must be in the future"),
        (["31", "2", "2030"], "The closing date must be a real date"),
        (["", "", ""], "Enter the date the consultation closes"),
    ],
)
def test_a_consultation_needs_a_real_future_closing_date(signed_in, draft, closes_on, message):
    page = check_page(post(signed_in, EDITOR + "/consultation", closes_on=closes_on), errors=True)

    assert error_messages(page) == [message]
    assert page.find("input", id="closes_on-day")["value"] == closes_on[0]
    assert draft.status is VersionStatus.DRAFT


def test_publishing_asks_first_then_freezes_the_version(signed_in, draft, mailbox):
    page = check_page(signed_in.get(EDITOR + "/publish"), title="Publish version 1.1.0?")
    assert "A published version can never change" in page.get_text()

    response = post(signed_in, EDITOR + "/publish")

    page = follow(signed_in, response)
    assert "Version 1.1.0 is published" in banner(page)
    assert "can never change" in page.h1.get_text()
    assert draft.status is VersionStatus.PUBLISHED


def test_publishing_a_stale_copy_is_refused(signed_in, draft):
    page = check_page(post(signed_in, EDITOR + "/publish", lock=0), errors=True)

    assert "Someone else changed this draft" in summary_text(page)
    assert draft.status is VersionStatus.DRAFT


@pytest.mark.parametrize("path", CHANGES)
def test_a_published_version_refuses_every_edit(signed_in, draft, path):
    post(signed_in, EDITOR + "/publish")

    responses = [signed_in.get(EDITOR + path)]
    if path != "/relations":
        responses.append(post(signed_in, EDITOR + path, lock=2))
    for response in responses:
        page = check_page(response, status=409, title="Version 1.1.0 can never change")
        assert "Create a new draft" in page.select_one("main form button").get_text()


def test_a_published_version_offers_a_new_draft_instead_of_editing(signed_in, published):
    page = check_page(signed_in.get(PUBLISHED_EDITOR), title="Version 1.0.0 can never change")

    form = page.select_one("main form")
    assert form["action"] == "/frameworks/web-professionals/drafts"
    assert form.button.get_text(strip=True) == "Create a new draft"


def test_retiring_a_published_version(signed_in, published):
    check_page(signed_in.get(PUBLISHED_EDITOR + "/retire"), title="Retire version 1.0.0?")

    response = signed_in.post(PUBLISHED_EDITOR + "/retire")

    assert "Version 1.0.0 is retired" in banner(follow(signed_in, response))
    assert published.status is VersionStatus.RETIRED


def test_a_draft_cannot_be_retired(signed_in, draft):
    page = check_page(signed_in.post(EDITOR + "/retire"), errors=True)

    assert "Only a published version can be retired" in summary_text(page)


def test_deleting_a_draft(signed_in, draft, published):
    response = signed_in.post(EDITOR + "/delete")

    assert response.location == PUBLISHED_EDITOR
    assert "Draft 1.1.0 is deleted" in banner(follow(signed_in, response))
    assert services.find_version(published.framework, "1.1.0") is None


def test_a_draft_open_for_consultation_cannot_be_deleted(signed_in, draft):
    post(signed_in, EDITOR + "/consultation", closes_on=closing(7))

    page = check_page(signed_in.post(EDITOR + "/delete"), errors=True)

    assert "Only a draft that was never consulted on can be deleted" in summary_text(page)


def upload(client, content, filename="framework.yaml"):
    data = {"file": (io.BytesIO(content), filename)}
    return client.post("/frameworks/import", data=data, content_type="multipart/form-data")


def test_importing_a_file_opens_the_new_version(signed_in, db):
    check_page(signed_in.get("/frameworks/import"), title="Import a framework")

    response = upload(signed_in, dump_document(make_doc(), "yaml").encode())

    assert response.location == PUBLISHED_EDITOR
    assert "Imported web-professionals 1.0.0 (published)" in banner(follow(signed_in, response))


def test_a_large_file_is_imported_on_the_queue_and_its_job_opens_the_version(
    signed_in, db, app, monkeypatch
):
    monkeypatch.setitem(app.config, "FRAMEWORK_IMPORT_QUEUE_KB", 1)  # the shipped file is larger
    signed_in.run_jobs = False
    response = upload(signed_in, dump_document(make_doc(), "yaml").encode())

    assert response.location.startswith("/jobs/")
    assert services.find_framework("web-professionals") is None  # nothing yet: it is queued
    signed_in.run_jobs = True
    page = check_page(signed_in.get("/frameworks"))  # any request: the worker runs the queue
    page = check_page(signed_in.get(response.location), title="Import a framework")
    assert "Imported web-professionals 1.0.0 (published)" in page.select_one(".govuk-panel").text
    assert page.select_one("#job-subject-link")["href"] == PUBLISHED_EDITOR
    job = db.session.get(Job, int(response.location.rsplit("/", 1)[1]))
    assert job.params == {"filename": "framework.yaml"}  # the upload is not kept twice


def test_a_large_broken_file_fails_its_job_naming_each_problem(signed_in, db, app, monkeypatch):
    monkeypatch.setitem(app.config, "FRAMEWORK_IMPORT_QUEUE_KB", 1)
    broken = make_doc()
    broken["skills"][1]["name"] = ""

    response = upload(signed_in, dump_document(broken, "yaml").encode(), "broken.yaml")

    page = check_page(signed_in.get(response.location))
    error = page.select_one("#job-error").text
    assert error.startswith("broken.yaml: skills[1].name line ")  # with its line and column
    assert error.endswith(": Must not be empty")
    assert page.select_one("form[action$='/retry']") is not None
    assert services.find_framework("web-professionals") is None


def test_importing_the_same_file_again_says_it_is_already_there(signed_in, published):
    response = upload(signed_in, dump_document(make_doc(), "json").encode(), "v1.json")

    assert "already imported: no change" in banner(follow(signed_in, response))


def test_a_broken_file_names_each_problem_and_where_it_is(signed_in, db):
    broken = make_doc()
    broken["roles"][0]["levels"][0]["profile"]["CODS"] = 4
    broken["skills"][1]["name"] = ""

    page = check_page(
        upload(signed_in, dump_document(broken, "yaml").encode(), "broken.yaml"), errors=True
    )

    (message,) = error_messages(page)
    assert message.startswith("broken.yaml: skills[1].name line ")
    assert message.endswith(": Must not be empty")
    assert services.find_framework("web-professionals") is None


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"format: 1\nskills: [\n", "bad.yaml", "bad.yaml line 3, column 1: "),
        (b"\xff\xfeformat: 1", "latin.yaml", "latin.yaml: the file is not UTF-8 text"),
        (b"format: 1", "framework.txt", "The file must be YAML (.yaml or .yml) or JSON (.json)"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused(signed_in, db, content, filename, message):
    page = check_page(upload(signed_in, content, filename), errors=True)

    assert error_messages(page)[0].startswith(message)


def test_importing_needs_a_file(signed_in, db):
    page = check_page(signed_in.post("/frameworks/import", data={}), errors=True)

    assert error_messages(page) == ["Choose a framework file to upload"]
