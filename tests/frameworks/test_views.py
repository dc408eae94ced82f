"""Framework pages: browsing, comparing, downloading and the consultation, page by page."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from skillsreg.core.db import utcnow
from skillsreg.frameworks import services
from skillsreg.frameworks.models import Comment, CommentStatus
from tests.frameworks.test_document import make_child, make_doc
from tests.pages import check_page, error_messages

BASE = "/frameworks/web-professionals"


def import_doc(doc, filename="framework.yaml"):
    return services.import_document(doc, filename=filename, now=utcnow()).version


@pytest.fixture
def published(db):
    version = import_doc(make_doc())
    db.session.commit()
    return version


@pytest.fixture
def draft(db, published):
    version = import_doc(make_child(), filename="child.yaml")
    db.session.commit()
    return version


@pytest.fixture
def consultation(db, draft):
    now = utcnow()
    services.open_consultation(
        draft, closes_on=now.date() + timedelta(days=14), expected_lock=None, now=now
    )
    db.session.commit()
    return draft


def comment_on(version, author, body="A comment", skill_code=None, level=None):
    comment = services.add_comment(
        version, author=author, body=body, skill_code=skill_code, level=level, now=utcnow()
    )
    return comment


def texts(page, selector):
    return [node.get_text(" ", strip=True) for node in page.select(selector)]


# The list of frameworks


def test_the_frameworks_page_lists_each_framework_with_its_latest_version(client, published):
    page = check_page(client.get("/frameworks"), title="Skills frameworks")

    link = page.select_one(f"main a[href='{BASE}']")
    assert link.get_text(strip=True) == "Skills framework for public-sector web professionals"
    assert page.select_one(f"main a[href='{BASE}/latest']").get_text(strip=True) == "1.0.0"
    assert "published 27 November 2026" in page.main.get_text(" ", strip=True)


def test_the_frameworks_page_says_so_when_there_are_none(client):
    page = check_page(client.get("/frameworks"))

    assert "There are no frameworks yet" in page.main.get_text()


# A framework's page


def test_a_framework_page_lists_its_versions_with_their_status(client, login_as, organiser, draft):
    login_as(organiser)

    page = check_page(
        client.get(BASE), title="Skills framework for public-sector web professionals"
    )

    rows = page.select("table tbody tr")
    assert [row.th.get_text(strip=True) for row in rows] == ["Version 1.1.0", "Version 1.0.0"]
    assert [row.select_one(".govuk-tag").get_text(strip=True) for row in rows] == [
        "Draft",
        "Published",
    ]
    assert "govuk-tag--green" in rows[1].select_one(".govuk-tag")["class"]
    assert rows[0].select_one(f"a[href='{BASE}/changes?to=1.1.0&from=1.0.0']") is not None
    assert "CC-BY-4.0" in page.main.get_text()


def test_a_retired_version_is_marked_retired_on_the_framework_page(client, db, published):
    services.retire_version(published, now=utcnow())
    db.session.commit()

    page = check_page(client.get(BASE))

    tag = page.select_one("table tbody .govuk-tag")
    assert tag.get_text(strip=True) == "Retired"
    assert "govuk-tag--red" in tag["class"]
    assert "not for new work" in page.select_one("table tbody").get_text()


def test_an_unknown_framework_is_not_found(client, published):
    check_page(client.get("/frameworks/no-such-framework"), status=404)


@pytest.mark.parametrize("who", [None, "member"])
def test_drafts_are_not_listed_for_anyone_but_organisers(client, login_as, request, draft, who):
    if who:
        login_as(request.getfixturevalue(who))

    page = check_page(client.get(BASE))

    assert [row.th.get_text(strip=True) for row in page.select("table tbody tr")] == [
        "Version 1.0.0"
    ]


# A version's page


def test_a_version_page_shows_the_scale_skills_roles_and_downloads(client, published):
    page = check_page(client.get(f"{BASE}/1.0.0"), title="Version 1.0.0")

    assert texts(page, "#levels + p + table tbody th") == [
        "Awareness",
        "Working",
        "Practitioner",
        "Expert",
    ]
    assert texts(page, "h3") == ["Content", "Technology"]
    assert page.select_one(f"a[href='{BASE}/1.0.0/skills/CODS']").get_text() == "Skill CODS"
    assert page.select_one(f"a[href='{BASE}/1.0.0/roles/web-manager']") is not None
    assert page.select_one(f"a[href='{BASE}/1.0.0/roles/web-manager#level-senior']") is not None
    downloads = [a["href"] for a in page.select("#downloads ~ ul a")]
    assert downloads == [f"{BASE}/1.0.0/export.{fmt}" for fmt in ("yaml", "json", "csv", "case")]
    breadcrumbs = texts(page, ".govuk-breadcrumbs__list-item")
    assert breadcrumbs == ["Frameworks", "Skills framework for public-sector web professionals"]


def test_latest_shows_the_newest_published_version_and_keeps_its_address(client, published, draft):
    page = check_page(client.get(f"{BASE}/latest"), title="Version 1.0.0")

    assert page.h1.get_text(strip=True) == "Version 1.0.0"
    assert page.select_one(f"a[href='{BASE}/latest/skills/CODS']") is not None


def test_a_retired_version_says_so_and_links_to_the_latest(client, db, published):
    newer = make_doc()
    newer["version"]["number"] = "2.0.0"
    import_doc(newer, filename="two.yaml")
    services.retire_version(published, now=utcnow())
    db.session.commit()

    page = check_page(client.get(f"{BASE}/1.0.0"))

    banner = page.select_one(".govuk-notification-banner")
    assert "Version 1.0.0 has been retired" in banner.get_text()
    assert banner.select_one(f"a[href='{BASE}/latest']").get_text() == (
        "Go to the latest version (2.0.0)"
    )


def test_an_unknown_version_is_not_found(client, published):
    check_page(client.get(f"{BASE}/9.9.9"), status=404)


@pytest.mark.parametrize("who", [None, "member"])
def test_a_draft_is_not_found_for_anyone_but_organisers(client, login_as, request, draft, who):
    if who:
        login_as(request.getfixturevalue(who))

    for url in (f"{BASE}/1.1.0", f"{BASE}/1.1.0/skills", f"{BASE}/1.1.0/skills/CODS"):
        check_page(client.get(url), status=404)
    assert client.get(f"{BASE}/1.1.0/export.yaml").status_code == 404


def test_organisers_see_a_draft_marked_as_a_draft(client, login_as, organiser, draft):
    login_as(organiser)

    page = check_page(client.get(f"{BASE}/1.1.0"))

    assert "Only organisers can see it" in page.select_one(".govuk-notification-banner").text


def test_anyone_reads_a_version_in_consultation_and_is_asked_to_sign_in_to_comment(
    client, consultation
):
    page = check_page(client.get(f"{BASE}/1.1.0"))

    banner = page.select_one(".govuk-notification-banner")
    assert banner.find("a", string="Sign in to comment on this version")


def test_anyone_sees_what_changed_in_the_consultation(client, consultation):
    page = check_page(client.get(f"{BASE}/changes"))

    assert page.h1.get_text(strip=True) == "Changes from version 1.0.0 to 1.1.0"


def test_members_see_the_consultation_banner_and_their_own_comments(
    client, login_as, member, create_user, consultation
):
    comment_on(consultation, member, "Mine", skill_code="CODS", level=2)
    comment_on(consultation, create_user(), "Someone else's")
    login_as(member)

    page = check_page(client.get(f"{BASE}/1.1.0"))

    banner = page.select_one(".govuk-notification-banner")
    assert "open for consultation until" in banner.get_text()
    assert banner.select_one(f"a[href='{BASE}/1.1.0/comments/new']") is not None
    assert "comments" not in [a["href"].rsplit("/", 1)[-1] for a in banner.select("a")]
    cards = texts(page, "#your-comments ~ .govuk-summary-card")
    assert len(cards) == 1
    assert "Mine" in cards[0]
    about = page.select_one("#your-comments ~ .govuk-summary-card dd").get_text(strip=True)
    assert about == "Skill CODS (CODS), level 2"


def test_organisers_get_a_link_to_the_comments_from_the_version_page(
    client, login_as, organiser, member, consultation
):
    comment_on(consultation, member)
    login_as(organiser)

    page = check_page(client.get(f"{BASE}/1.1.0"))

    link = page.select_one(f".govuk-notification-banner a[href='{BASE}/1.1.0/comments']")
    assert link.get_text(strip=True) == "Read and respond to comments (1)"


# Searching skills


def test_the_skill_search_finds_words_in_descriptors_whatever_their_case(client, published):
    page = check_page(client.get(f"{BASE}/1.0.0/skills?q=FIXES+barriers"), title="Skills in")

    assert texts(page, "table tbody td:first-child") == ["ACCS"]
    assert page.select_one("#q")["value"] == "FIXES barriers"


def test_the_skill_search_filters_by_category_and_by_role(client, published):
    by_category = check_page(client.get(f"{BASE}/1.0.0/skills?category=content"))
    by_role = check_page(client.get(f"{BASE}/1.0.0/skills?role=web-manager&category="))
    nothing = check_page(client.get(f"{BASE}/1.0.0/skills?q=zebra"))

    assert texts(by_category, "table tbody td:first-child") == ["CODS", "OLDC"]
    assert texts(by_role, "table tbody td:first-child") == ["CODS", "ACCS"]
    assert by_role.select_one("#role option[selected]")["value"] == "web-manager"
    assert nothing.select_one("table") is None
    assert "No skills match" in nothing.main.get_text()


def test_an_unknown_category_or_role_is_a_clear_error_not_a_failure(client, published):
    response = client.get(f"{BASE}/1.0.0/skills?q=design&category=nope&role=nobody")

    page = check_page(response, errors=True)
    assert error_messages(page) == [
        "Select a category from the list",
        "Select a role from the list",
    ]
    assert page.select_one("table") is None
    assert page.select_one("#q")["value"] == "design"


# A skill's page


def test_a_skill_page_shows_its_levels_roles_and_references(client, db, published):
    doc = make_doc()
    doc["version"]["number"] = "1.0.1"
    doc["skills"][1]["references"] = {"sfia": ["HCEV"], "ecf": ["B.1"]}
    import_doc(doc, filename="refs.yaml")
    db.session.commit()

    page = check_page(client.get(f"{BASE}/1.0.1/skills/ACCS"), title="Skill ACCS (ACCS)")

    rows = [texts(row, "td, th") for row in page.select("#levels ~ table")[0].select("tbody tr")]
    assert rows == [
        ["2", "Working", "Tests pages."],
        ["3", "Practitioner", "Fixes barriers."],
        ["4", "Expert", "Leads."],
    ]
    roles = page.select("#roles + table tbody tr")
    assert [texts(row, "td") for row in roles] == [
        ["Web manager", "Senior web manager", "3: Practitioner"]
    ]
    summary = page.select_one(".govuk-summary-list").get_text(" ", strip=True)
    assert "SFIA HCEV" in summary
    assert "European e-CF B.1" in summary
    assert page.select_one("form") is None


def test_a_skill_page_links_to_the_skills_it_came_from(client, login_as, organiser, draft):
    login_as(organiser)

    page = check_page(client.get(f"{BASE}/1.1.0/skills/ACCT"))

    changes = page.select_one("#changes").find_next_siblings("p")
    assert changes[0].get_text(strip=True) == "Split"
    assert changes[1].select_one(f"a[href='{BASE}/1.0.0/skills/ACCS']").get_text() == (
        "Skill ACCS (ACCS)"
    )


def test_an_unknown_skill_is_not_found(client, published):
    check_page(client.get(f"{BASE}/1.0.0/skills/NOPE"), status=404)


# A role's page


def test_a_role_page_lists_what_each_level_expects_with_the_descriptor(client, published):
    page = check_page(client.get(f"{BASE}/1.0.0/roles/web-manager"), title="Web manager")

    assert page.select_one("h2#level-senior").get_text(strip=True) == "Senior web manager"
    rows = [texts(row, "td") for row in page.select("#level-senior ~ table tbody tr")]
    assert rows == [
        ["Skill CODS (CODS)", "2: Working", "Designs pages."],
        ["Skill ACCS (ACCS)", "3: Practitioner", "Fixes barriers."],
    ]


def test_an_unknown_role_is_not_found(client, published):
    check_page(client.get(f"{BASE}/1.0.0/roles/astronaut"), status=404)


def test_a_draft_role_is_not_found_for_members(client, login_as, member, draft):
    login_as(member)

    check_page(client.get(f"{BASE}/1.1.0/roles/web-manager"), status=404)


# What changed


def test_what_changed_counts_each_kind_and_highlights_words(client, login_as, organiser, draft):
    login_as(organiser)
    response = client.get(f"{BASE}/changes?from=1.0.0&to=1.1.0")

    page = check_page(response, title="Changes from version 1.0.0 to 1.1.0")

    assert page.h1.get_text(strip=True) == "Changes from version 1.0.0 to 1.1.0"
    counts = {
        row.th.get_text(strip=True): row.select("td")[-1].get_text(strip=True)
        for row in page.select("table")[0].select("tbody tr")
    }
    assert counts == {
        "Unchanged": "0",
        "Reworded": "1",
        "Changed": "0",
        "Split": "2",
        "Merged": "0",
        "New": "1",
        "Retired": "1",
    }
    retired = page.select_one("#retired tbody tr")
    assert texts(retired, "td") == ["Skill OLDC (OLDC)", "Folded into CODS guidance."]
    assert page.select_one("#skill-ACCT").select_one(f"a[href='{BASE}/1.0.0/skills/ACCS']")


def test_word_changes_are_marked_for_people_who_cannot_see_colour(
    client, db, login_as, organiser, published
):
    child = make_child()
    child["skills"][0]["description"] = "What CODS really is."
    import_doc(child, filename="child.yaml")
    db.session.commit()
    login_as(organiser)

    page = check_page(client.get(f"{BASE}/changes?from=1.0.0&to=1.1.0"))

    diff = page.select_one("#skill-CODS .app-diff")
    assert diff.select_one("ins").get_text() == "[added: really ]"
    assert diff.get_text() == "What CODS [added: really ]is."


def test_what_changed_compares_with_the_parent_by_default(client, login_as, member, consultation):
    login_as(member)

    page = check_page(client.get(f"{BASE}/changes"))

    assert page.h1.get_text(strip=True) == "Changes from version 1.0.0 to 1.1.0"
    assert page.select_one("#from option[selected]")["value"] == "1.0.0"
    assert page.select_one("#to option[selected]")["value"] == "1.1.0"


def test_comparing_a_version_with_itself_asks_for_two_versions(client, published):
    page = check_page(client.get(f"{BASE}/changes?from=1.0.0&to=1.0.0"), errors=True)

    assert error_messages(page) == ["Choose two different versions to compare"]


def test_comparing_with_an_unknown_version_is_not_found(client, published):
    check_page(client.get(f"{BASE}/changes?from=0.0.1&to=1.0.0"), status=404)
    check_page(client.get("/frameworks/nothing/changes"), status=404)


def test_a_member_cannot_compare_with_a_draft(client, login_as, member, draft):
    login_as(member)

    check_page(client.get(f"{BASE}/changes?from=1.0.0&to=1.1.0"), status=404)


# Downloads


@pytest.mark.parametrize(
    ("fmt", "content_type", "filename", "starts"),
    [
        ("yaml", "application/yaml", "web-professionals-1.0.0.yaml", "format: 1"),
        ("json", "application/json", "web-professionals-1.0.0.json", "{"),
        ("csv", "text/csv; charset=utf-8", "web-professionals-1.0.0.csv", "framework_slug,"),
        ("case", "application/json", "web-professionals-1.0.0-case.json", "{"),
    ],
)
def test_each_download_has_its_type_and_file_name(
    client, published, fmt, content_type, filename, starts
):
    response = client.get(f"{BASE}/latest/export.{fmt}")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == content_type
    assert response.headers["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert response.get_data(as_text=True).startswith(starts)


def test_a_case_download_uses_the_configured_address(app, client, published):
    body = client.get(f"{BASE}/1.0.0/export.case").get_data(as_text=True)

    assert f'"{app.config["BASE_URL"].rstrip("/")}/ims/case/v1p1/CFDocuments/' in body


def test_an_unknown_download_format_is_not_found(client, published):
    assert client.get(f"{BASE}/1.0.0/export.xlsx").status_code == 404


# Commenting on a version


def test_a_member_comments_on_the_whole_version(client, db, login_as, member, consultation):
    login_as(member)
    check_page(client.get(f"{BASE}/1.1.0/comments/new"), title="Comment on version 1.1.0")

    response = client.post(f"{BASE}/1.1.0/comments/new", data={"body": "Add a skill for AI"})

    assert response.status_code == 302
    assert response.headers["Location"] == f"{BASE}/1.1.0#your-comments"
    comment = db.session.scalars(db.select(Comment)).one()
    assert (comment.author_id, comment.skill_code, comment.body) == (
        member.id,
        None,
        "Add a skill for AI",
    )


def test_an_empty_comment_is_refused_with_an_error_summary(client, login_as, member, consultation):
    login_as(member)

    response = client.post(f"{BASE}/1.1.0/comments/new", data={"body": "   "})

    page = check_page(response, errors=True)
    assert error_messages(page) == ["Enter your comment"]
    assert page.select_one(".govuk-error-summary a")["href"] == "#body"


def test_a_closed_consultation_refuses_comments_and_keeps_what_was_typed(
    client, db, login_as, member, consultation
):
    consultation.consultation_closes_on = utcnow().date() - timedelta(days=1)
    db.session.commit()
    login_as(member)

    response = client.post(f"{BASE}/1.1.0/comments/new", data={"body": "Too late?"})

    page = check_page(response, errors=True)
    assert error_messages(page) == ["The consultation on this version has closed"]
    assert page.select_one("textarea#body").get_text() == "Too late?"


def test_only_a_version_in_consultation_takes_comments(client, login_as, member, published):
    login_as(member)

    check_page(client.get(f"{BASE}/1.0.0/comments/new"), status=404)


def test_people_must_sign_in_to_comment(client, db, consultation):
    response = client.post(f"{BASE}/1.1.0/comments/new", data={"body": "Hello"})

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")
    assert db.session.scalars(db.select(Comment)).all() == []


# Commenting on a skill


def test_members_see_a_comment_form_offering_the_skill_or_each_level(
    client, login_as, member, consultation
):
    login_as(member)

    page = check_page(client.get(f"{BASE}/1.1.0/skills/ACCS"))

    choices = texts(page, "#comment ~ form .govuk-radios__label")
    assert choices == [
        "The whole skill",
        "Level 2: Working",
        "Level 3: Practitioner",
        "Level 4: Expert",
    ]


def test_a_member_comments_on_one_level_of_a_skill(client, db, login_as, member, consultation):
    login_as(member)

    response = client.post(
        f"{BASE}/1.1.0/skills/ACCS/comments", data={"about": "3", "body": "Name the tools"}
    )

    assert response.status_code == 302
    assert response.headers["Location"] == f"{BASE}/1.1.0/skills/ACCS#your-comments"
    comment = db.session.scalars(db.select(Comment)).one()
    assert (comment.skill_code, comment.level, comment.body) == ("ACCS", 3, "Name the tools")
    page = check_page(client.get(response.headers["Location"]))
    assert "Name the tools" in page.select_one("#your-comments ~ .govuk-summary-card").text


def test_a_skill_comment_on_a_level_the_skill_lacks_is_refused(
    client, login_as, member, consultation
):
    login_as(member)

    response = client.post(
        f"{BASE}/1.1.0/skills/ACCS/comments", data={"about": "1", "body": "Level one?"}
    )

    page = check_page(response, errors=True, title="Skill ACCS (ACCS)")
    assert error_messages(page) == ["Select the whole skill or one of its levels"]
    assert page.select_one("textarea#body").get_text() == "Level one?"


def test_people_must_sign_in_to_comment_on_a_skill(client, consultation):
    response = client.post(f"{BASE}/1.1.0/skills/ACCS/comments", data={"body": "Hi"})

    assert response.headers["Location"].startswith("/sign-in")


# The organisers' comments page


@pytest.fixture
def commented(db, consultation, member):
    comments = [
        comment_on(consultation, member, "Level 2 is vague", skill_code="CODS", level=2),
        comment_on(consultation, member, "Good overall"),
    ]
    db.session.commit()
    return comments


def test_organisers_see_comments_grouped_with_the_whole_version_first(
    client, login_as, organiser, member, commented
):
    login_as(organiser)

    page = check_page(client.get(f"{BASE}/1.1.0/comments"), title="Comments on version 1.1.0")

    assert texts(page, "main h2") == ["The whole version", "Skill CODS CODS"]
    titles = texts(page, ".govuk-summary-card__title")
    assert titles == [
        f"Comment {commented[1].id} from {member.name}",
        f"Comment {commented[0].id} from {member.name}",
    ]
    assert texts(page, ".govuk-summary-card .govuk-tag") == ["Open", "Open"]


def test_comments_are_for_organisers_only(client, login_as, member, commented):
    login_as(member)

    assert client.get(f"{BASE}/1.1.0/comments").status_code == 403
    assert client.get(f"{BASE}/1.1.0/comments.csv").status_code == 403
    response = client.post(
        f"{BASE}/1.1.0/comments/{commented[0].id}", data={"comment-1-status": "addressed"}
    )
    assert response.status_code == 403


def test_comments_of_an_unknown_version_are_not_found(client, login_as, organiser, published):
    login_as(organiser)

    check_page(client.get(f"{BASE}/7.0.0/comments"), status=404)


def test_an_organiser_addresses_a_comment_and_the_member_reads_the_reply(
    client, db, login_as, organiser, member, commented
):
    comment = commented[0]
    prefix = f"comment-{comment.id}"
    login_as(organiser)

    response = client.post(
        f"{BASE}/1.1.0/comments/{comment.id}",
        data={f"{prefix}-status": "addressed", f"{prefix}-reply": "Reworded level 2"},
    )

    assert response.status_code == 302
    assert response.headers["Location"] == f"{BASE}/1.1.0/comments#{prefix}"
    db.session.refresh(comment)
    assert (comment.status, comment.reply) == (CommentStatus.ADDRESSED, "Reworded level 2")
    login_as(member)
    page = check_page(client.get(f"{BASE}/1.1.0"))
    cards = texts(page, "#your-comments ~ .govuk-summary-card")
    assert any("Addressed" in card and "Reworded level 2" in card for card in cards)


def test_declining_without_a_reason_is_refused_on_that_comment(
    client, login_as, organiser, commented
):
    comment = commented[0]
    prefix = f"comment-{comment.id}"
    login_as(organiser)

    response = client.post(
        f"{BASE}/1.1.0/comments/{comment.id}", data={f"{prefix}-status": "declined"}
    )

    page = check_page(response, errors=True)
    assert error_messages(page) == ["Say why the comment was declined"]
    assert page.select_one(".govuk-error-summary a")["href"] == f"#{prefix}-reply"
    assert page.select_one(f"#{prefix}-status-2")["value"] == "declined"
    assert page.select_one(f"#{prefix}-status-2").has_attr("checked")


def test_a_response_needs_a_status(client, login_as, organiser, commented):
    comment = commented[0]
    login_as(organiser)

    response = client.post(f"{BASE}/1.1.0/comments/{comment.id}", data={})

    page = check_page(response, errors=True)
    assert error_messages(page) == ["Select addressed or declined"]


def test_organisers_download_the_comments_as_csv(client, login_as, organiser, member, commented):
    login_as(organiser)

    response = client.get(f"{BASE}/1.1.0/comments.csv")

    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="web-professionals-1.1.0-comments.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == [
        "id",
        "created_at",
        "author",
        "skill_code",
        "level",
        "status",
        "body",
        "reply",
        "replied_at",
    ]
    assert [row[2:7] for row in rows[1:]] == [
        [member.name, "", "", "open", "Good overall"],
        [member.name, "CODS", "2", "open", "Level 2 is vague"],
    ]


def test_organisers_reach_the_editor_from_the_version_page(client, login_as, organiser, draft):
    login_as(organiser)

    page = check_page(client.get(f"{BASE}/1.1.0"))
    published = check_page(client.get(f"{BASE}/1.0.0"))

    assert page.select_one(f"a.govuk-button[href='{BASE}/1.1.0/edit']").get_text(strip=True) == (
        "Edit version 1.1.0"
    )
    assert published.select_one(f"a.govuk-button[href='{BASE}/1.0.0/edit']") is None


def test_organisers_can_start_the_next_draft_from_the_latest_version(
    client, login_as, organiser, member, published
):
    login_as(organiser)
    page = check_page(client.get(f"{BASE}/1.0.0"))
    login_as(member)
    members_page = check_page(client.get(f"{BASE}/1.0.0"))

    button = page.select_one(f"a.govuk-button[href='{BASE}/1.0.0/edit']")
    assert button.get_text(strip=True) == "Draft the next version"
    assert members_page.select_one("a.govuk-button") is None
