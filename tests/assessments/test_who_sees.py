"""Who sees an assessment: the rule itself, then every route walked for every role."""

from __future__ import annotations

from datetime import time, timedelta

import pytest

from skillsreg.assessments import queries
from skillsreg.assessments import services as assessments
from skillsreg.assessments.rules import Audience, audience_of
from skillsreg.core.db import utcnow
from skillsreg.workshops import services as workshops
from tests.assessments.test_services import import_version, start
from tests.security.walk import filled_urls

EVIDENCE = "Ada private evidence 5be1"
DRAFT_EVIDENCE = "Ada unsent draft evidence 0c7d"
ACTORS = ("anonymous", "owner", "other member", "organiser", "administrator")
# Pages of a submitted assessment only: a draft's is "not found", even for its owner.
SUBMITTED_PAGES = {
    "assessments.show_confirmation",
    "assessments.download_pdf",
    "assessments.share_assessment",
    "reviews.request_review",
    "reviews.give_organiser_review",
}
ORGANISER_PAGES = {
    "assessments.show_shared_with_organisers",
    "assessments.download_pdf",
    "reviews.give_organiser_review",
}


@pytest.mark.parametrize(
    ("viewer", "submitted", "link", "organiser", "shared", "expected"),
    [
        (1, False, False, False, False, Audience.OWNER),
        (1, True, False, True, True, Audience.OWNER),
        (None, True, True, False, False, Audience.LINK_HOLDER),
        (2, True, True, True, False, Audience.LINK_HOLDER),
        (2, True, False, True, True, Audience.ORGANISER),
        (2, True, False, True, False, None),  # an organiser without the share
        (2, True, False, False, True, None),  # a member, whatever was shared
        (2, False, True, True, True, None),  # drafts are never shown to anyone else
        (None, True, False, False, False, None),
    ],
)
def test_only_the_owner_a_link_holder_or_organisers_shown_it_see_an_assessment(
    viewer, submitted, link, organiser, shared, expected
):
    found = audience_of(
        owner_id=1,
        viewer_id=viewer,
        is_submitted=submitted,
        holds_live_link=link,
        viewer_is_organiser=organiser,
        shared_in_interest=shared,
    )
    assert found is expected


@pytest.fixture
def profile(db, create_user, organiser):
    """Ada's submitted (shared) and draft assessments, a live and a revoked link, a workshop."""
    now = utcnow()
    ada = create_user(name="Ada Owner")
    version = import_version("1.0.0")
    sent = start(ada, version)
    answer = assessments.Answer
    assessments.save_ratings(
        sent, {r.skill_code: answer("na", EVIDENCE) for r in sent.ratings}, now=now
    )
    assessments.submit_assessment(sent, now=now)
    revoked = assessments.create_share_link(sent, now=now)
    live = assessments.create_share_link(sent, now=now)  # replaces (so revokes) the first
    draft = start(ada, version)
    first = draft.ratings[0].skill_code
    assessments.save_ratings(draft, {first: answer("na", DRAFT_EVIDENCE)}, now=now)
    category = queries.assessment_view(draft).groups[0].category.code
    day = now.date() + timedelta(days=10)
    workshop = workshops.create_workshop(
        actor=organiser,
        details=workshops.WorkshopDetails(
            title="Profiles workshop", day=day, start=time(10), end=time(16), capacity=5,
            closes_on=day - timedelta(days=3), venue="Leeds",
        ),
        now=now,
    )  # fmt: skip
    workshops.publish_workshop(workshop, now=now)
    eoi = workshops.start_interest(ada, now=now)
    workshops.choose_workshops(
        eoi, workshop_ids=[workshop.id], wants_to_comment_on_draft=False, now=now
    )
    workshops.rank_choices(eoi, ranks={workshop.id: 1}, availability={workshop.id: True}, now=now)
    workshops.answer_questions(
        eoi, experience="Runs a team", manages_web_team=False, years_managing=None,
        share_assessment=True, access_needs=None, now=now,
    )  # fmt: skip
    workshops.submit_interest(eoi, now=now)
    db.session.commit()
    assert eoi.shared_assessment_id == sent.id
    return {
        "owner": ada,
        "eoi": eoi,
        "targets": {sent.id: "submitted", draft.id: "draft", live: "live", revoked: "revoked"},
        "values": {
            "assessment_id": [sent.id, draft.id],
            "token": [live, revoked],
            "slug": [version.framework.slug, workshop.slug],
            "code": [category],
        },
    }


def _allowed(actor: str, endpoint: str, target: str, *, shared: bool) -> bool:
    """The expected answer, written out by hand from the rule the privacy page states."""
    if target == "live":
        return endpoint == "assessments.show_shared"
    if target == "draft":
        owners = SUBMITTED_PAGES | {"assessments.show_shared_with_organisers"}
        return actor == "owner" and endpoint not in owners
    if target == "submitted":
        if actor == "owner":
            return endpoint not in {
                "assessments.show_shared_with_organisers",
                "reviews.give_organiser_review",
            }
        return actor in ("organiser", "administrator") and shared and endpoint in ORGANISER_PAGES
    return False


def _content_rules(app) -> set[str]:
    """Endpoints that show one assessment: in its blueprint, taking an id or a share token."""
    return {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods
        and ("assessment_id" in rule.arguments or rule.endpoint.startswith("assessments."))
        and rule.arguments & {"assessment_id", "token"}
    }


def _target(url: str, targets: dict) -> str | None:
    parts = url.split("/")
    for key, name in targets.items():
        if str(key) in parts:
            return name
    return None


def _urls(app, profile):
    """Every GET URL the profile's values fill, and every assessment page without parameters."""
    for endpoint, url, methods in filled_urls(app, profile["values"]):
        if "GET" in methods:
            yield endpoint, url
    ids = profile["values"]["assessment_id"]
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("assessments.") and not rule.arguments:
            yield rule.endpoint, f"{rule.rule}?first={ids[0]}&second={ids[0]}"


def _sign_in(actor, profile, client, login_as, create_user, organiser, administrator):
    with client.session_transaction() as session:
        session.clear()
    who = {
        "anonymous": None,
        "owner": profile["owner"],
        "other member": create_user(name="Bob Other") if actor == "other member" else None,
        "organiser": organiser,
        "administrator": administrator,
    }[actor]
    if who is not None:
        login_as(who)


@pytest.mark.parametrize("shared", [True, False], ids=["shared", "not-shared"])
@pytest.mark.parametrize("actor", ACTORS)
def test_every_route_showing_an_assessment_answers_only_those_the_rule_allows(
    app, client, login_as, create_user, organiser, administrator, profile, actor, shared
):
    if not shared:
        workshops.withdraw_interest(profile["eoi"], now=utcnow())
    _sign_in(actor, profile, client, login_as, create_user, organiser, administrator)
    content = _content_rules(app)
    seen_evidence, checked = set(), set()
    for endpoint, url in _urls(app, profile):
        response = client.get(url)
        body = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
        target = _target(url, profile["targets"])
        if endpoint in content and target is not None:
            checked.add(endpoint)
            allowed = _allowed(actor, endpoint, target, shared=shared)
            where = response.headers.get("Location", "")
            if allowed:
                assert response.status_code in (200, 302), (actor, url, response.status_code)
                assert "/sign-in" not in where, (actor, url)
            else:
                assert response.status_code in (302, 403, 404), (actor, url, response.status_code)
                assert response.status_code != 302 or where.startswith("/sign-in"), (actor, url)
        else:
            allowed = actor == "owner"  # their own lists and downloads
        if response.mimetype == "application/pdf":  # the profile, evidence included
            assert allowed, (actor, url)
            seen_evidence.add(endpoint)
        if EVIDENCE in body or DRAFT_EVIDENCE in body:
            assert allowed, (actor, url)
            seen_evidence.add(endpoint)
    assert content <= checked, content - checked
    expected_pages = {
        "owner": {"assessments.show_result", "assessments.download_pdf"},
        "organiser": ORGANISER_PAGES if shared else set(),
    }
    expected = expected_pages.get(actor, set())
    if actor == "administrator":
        expected = expected_pages["organiser"]
    assert seen_evidence >= expected | {"assessments.show_shared"}, (actor, seen_evidence)


def test_an_administrator_cannot_download_a_profile_nobody_shared(
    client, login_as, administrator, profile
):
    workshops.withdraw_interest(profile["eoi"], now=utcnow())
    login_as(administrator)
    sent = profile["values"]["assessment_id"][0]
    assert client.get(f"/assessments/{sent}/profile.pdf").status_code == 404
    login_as(profile["owner"])
    response = client.get(f"/assessments/{sent}/profile.pdf")
    assert (response.status_code, response.mimetype) == (200, "application/pdf")


def test_the_privacy_page_says_who_sees_assessments(client):
    text = " ".join(client.get("/privacy").get_data(as_text=True).split())
    assert "Who sees your self-assessments" in text
    assert "administrators" in text.lower()
    assert "share link" in text.lower()
