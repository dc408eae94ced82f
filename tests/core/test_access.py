"""Every endpoint declares who may use it, and the app enforces it (walks the URL map)."""

from __future__ import annotations

import pytest

from skillsreg.core.auth import ADMINISTRATOR, MEMBER, ORGANISER, PUBLIC
from skillsreg.core.mail import OutboxMessage
from skillsreg.extensions import db as _db
from tests.security.walk import filled_urls

IGNORED = {"static"}
SAMPLE_VALUES = {"int": "1", "default": "x", "path": "x", "string": "x"}


def endpoints(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in IGNORED:
            continue
        url = rule.rule
        for converter, name in _arguments(rule):
            url = url.replace(
                f"<{converter}:{name}>" if converter else f"<{name}>",
                SAMPLE_VALUES.get(converter or "default", "x"),
            )
        method = "GET" if "GET" in rule.methods else "POST"
        yield rule.endpoint, url, method


def _arguments(rule):
    for converter, _args, name in rule._trace_rule() if False else []:
        yield converter, name
    for part in rule.rule.split("<")[1:]:
        inner = part.split(">")[0]
        converter, _, name = inner.rpartition(":")
        yield converter, name


def access_of(app, endpoint):
    return getattr(app.view_functions[endpoint], "access", None)


def test_every_endpoint_declares_its_access(app):
    missing = [e for e, _, _ in endpoints(app) if access_of(app, e) is None]
    assert missing == [], f"endpoints without @public / @signed_in / @organiser_required: {missing}"


def _request(client, method, url):
    return client.get(url) if method == "GET" else client.post(url, data={})


def test_anonymous_people_are_sent_to_sign_in_for_protected_pages(app, client):
    for endpoint, url, method in endpoints(app):
        response = _request(client, method, url)
        if access_of(app, endpoint) == PUBLIC:
            assert response.status_code != 403, endpoint
            assert "/sign-in" not in response.headers.get("Location", ""), endpoint
        else:
            assert response.status_code == 302, (endpoint, response.status_code)
            assert response.headers["Location"].startswith("/sign-in"), endpoint


@pytest.mark.parametrize(
    ("who", "refused"),
    [
        ("member", {ORGANISER, ADMINISTRATOR}),
        ("organiser", {ADMINISTRATOR}),
        ("administrator", set()),
    ],
)
def test_roles_reach_only_their_pages(app, client, login_as, request, who, refused):
    login_as(request.getfixturevalue(who))
    for endpoint, url, method in endpoints(app):
        if endpoint == "accounts.sign_out":
            continue
        status = _request(client, method, url).status_code
        level = access_of(app, endpoint)
        if level in refused:
            assert status == 403, (who, endpoint, status)
        elif level in (MEMBER, ORGANISER, ADMINISTRATOR):
            assert status not in (302, 403) or endpoint.startswith("admin.change"), (
                who,
                endpoint,
                status,
            )


# Another member: B walks every URL that A's ids fill and must never see A's things.

SECRETS = {
    "evidence": "Alice's private evidence 7f3a",
    "draft": "Alice's unsent draft evidence 91c2",
    "experience": "Alice's private experience b62e",
    "comment": "Alice's private consultation comment 40d9",
    "name": "Alice Privatename",
    "email": "alice.private@example.gov.uk",
}


@pytest.fixture
def alices_things(db, create_user, organiser, mailbox):
    """Member A's private things, made with the services; returns parameter name → values."""
    from datetime import date, time, timedelta

    from skillsreg.accounts import services as accounts
    from skillsreg.assessments import services as assessments
    from skillsreg.core.db import utcnow
    from skillsreg.frameworks import services as frameworks
    from skillsreg.workshops import services as workshops
    from tests.assessments.test_services import import_version, start

    now = utcnow()
    alice = create_user(name=SECRETS["name"], email=SECRETS["email"])
    version = import_version("1.0.0")
    sent = start(alice, version)
    answer = assessments.Answer
    assessments.save_ratings(
        sent, {r.skill_code: answer("na", SECRETS["evidence"]) for r in sent.ratings}, now=now
    )
    assessments.submit_assessment(sent, now=now)
    token = assessments.create_share_link(sent, now=now)
    draft = start(alice, version)
    first = draft.ratings[0].skill_code
    assessments.save_ratings(draft, {first: answer("na", SECRETS["draft"])}, now=now)

    day = date.today() + timedelta(days=10)
    details = workshops.WorkshopDetails(
        title="Access test workshop", day=day, start=time(10), end=time(16), capacity=5,
        closes_on=day - timedelta(days=3), venue="Leeds",
    )  # fmt: skip
    workshop = workshops.create_workshop(actor=organiser, details=details, now=now)
    workshops.publish_workshop(workshop, now=now)
    eoi = workshops.start_interest(alice, now=now)
    workshops.choose_workshops(
        eoi, workshop_ids=[workshop.id], wants_to_comment_on_draft=True, now=now
    )
    workshops.rank_choices(eoi, ranks={workshop.id: 1}, availability={workshop.id: True}, now=now)
    workshops.answer_questions(
        eoi, experience=SECRETS["experience"], manages_web_team=False, years_managing=None,
        share_assessment=True, access_needs=None, now=now,
    )  # fmt: skip
    workshops.submit_interest(eoi, now=now)

    consultation = frameworks.create_draft(version.framework, actor=organiser, now=now)
    frameworks.open_consultation(
        consultation, closes_on=now.date() + timedelta(days=14), expected_lock=None, now=now
    )
    comment = frameworks.add_comment(
        consultation, author=alice, body=SECRETS["comment"], skill_code=None, level=None, now=now
    )
    accounts.request_password_reset(
        email=alice.email, now=now, max_age=timedelta(hours=1), reset_url=lambda t: f"/r/{t}"
    )
    message = db.session.scalar(db.select(OutboxMessage).order_by(OutboxMessage.id.desc()))
    db.session.commit()
    return {
        # Parameters naming A's own objects: B must be refused (403) or told not found (404).
        "owned": {
            "assessment_id": [sent.id, draft.id],
            "eoi_id": [eoi.id],
            "choice_id": [choice.id for choice in eoi.choices],
            "comment_id": [comment.id],
            "user_id": [alice.id],
            "message_id": [message.id],
        },
        # Other parameters, filled so the URLs lead to A's things where they can.
        "context": {
            "slug": [version.framework.slug, workshop.slug],
            "version": [version.number, consultation.number],
            "code": [first, "content"],  # a skill of A's draft and its category
        },
        "draft": draft,
        "eoi": eoi,
        "token": token,
    }


def test_another_member_cannot_reach_a_members_things(
    app, client, login_as, create_user, alices_things
):
    owned, context = alices_things["owned"], alices_things["context"]
    login_as(create_user(name="Bob Other"))
    checked = []
    for endpoint, url, methods in filled_urls(app, {**owned, **context}):
        if not set(rule_arguments(app, endpoint)) & set(owned):
            continue
        for method in sorted(methods & {"GET", "POST"}):
            response = _request(client, method, url)
            body = response.get_data(as_text=True)
            assert response.status_code in (403, 404), (method, url, response.status_code)
            assert not [s for s in SECRETS.values() if s in body], (method, url)
            checked.append((method, endpoint))
    assert len({e for _, e in checked}) >= 15, checked
    draft, eoi = alices_things["draft"], alices_things["eoi"]
    _db.session.expire_all()
    assert draft.ratings[0].evidence == SECRETS["draft"]
    assert eoi.submitted_at is not None
    assert eoi.withdrawn_at is None
    assert client.get(f"/assessments/shared/{alices_things['token']}").status_code == 200


def test_another_member_sees_none_of_a_members_things_on_pages_they_may_open(
    app, client, login_as, create_user, alices_things
):
    login_as(create_user(name="Bob Other"))
    opened = []
    # A's share link is left out: it is meant for whoever A gives it to.
    for _endpoint, url, methods in filled_urls(app, alices_things["context"]):
        if "GET" not in methods:
            continue
        response = client.get(url)
        assert response.status_code < 500, url
        if response.status_code == 200:
            body = response.get_data(as_text=True)
            assert not [s for s in SECRETS.values() if s in body], url
            opened.append(url)
    for rule in app.url_map.iter_rules():
        if not rule.arguments and "GET" in rule.methods and rule.endpoint != "accounts.sign_out":
            # Some are files (the CPD record's PDF): read as text, whatever bytes they hold.
            body = client.get(rule.rule).get_data().decode("utf-8", "replace")
            assert not [s for s in SECRETS.values() if s in body], rule.rule
            opened.append(rule.rule)
    assert len(opened) >= 10, opened


def rule_arguments(app, endpoint):
    return set().union(*(rule.arguments for rule in app.url_map.iter_rules(endpoint)))
