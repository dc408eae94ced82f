"""Confirmation pages, and every place an unconfirmed member is refused with a resend button."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from skillsreg.accounts.models import EmailConfirmationToken, User
from skillsreg.core.audit import AuditEvent
from skillsreg.core.db import utcnow
from skillsreg.core.mail import OutboxMessage
from skillsreg.frameworks.models import Comment
from skillsreg.register import queries as register_queries
from skillsreg.register import services as register_services
from skillsreg.register.rules import Population, PopulationSpec
from skillsreg.workshops.models import ExpressionOfInterest
from tests.accounts.test_confirmation import confirm_link
from tests.accounts.test_views import SIGN_UP
from tests.conftest import DEFAULT_PASSWORD
from tests.frameworks.test_views import BASE, comment_on, consultation, draft, published
from tests.pages import check_page, error_messages
from tests.workshops.test_views import make_workshop

__all__ = ["consultation", "draft", "make_workshop", "published"]  # fixtures used below


def _outbox(db, to: str) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.recipient == to).order_by(OutboxMessage.id)
        )
    )


def _refused(page, action: str) -> None:
    """The page says why, in plain English, and has the button that sends a new link."""
    banner = page.select_one(".govuk-notification-banner")
    assert banner is not None
    assert f"You need to confirm your email address before you can {action}" in banner.get_text()
    form = banner.find("form")
    assert form["action"] == "/account/confirm-email/resend"
    assert form.find("button").get_text(strip=True) == "Send me a new link"


@pytest.fixture
def newcomer(create_user, login_as):
    return login_as(create_user(confirmed=False, email="new@example.gov.uk"))


# Signing up and confirming


def test_sign_up_emails_a_link_that_only_a_button_press_confirms(client, db, mailbox):
    assert client.post("/sign-up", data=SIGN_UP).status_code == 302
    user = db.session.scalar(sa.select(User).where(User.email == "vicky@example.gov.uk"))
    assert not user.is_confirmed
    [message] = mailbox.messages
    assert message["To"] == "vicky@example.gov.uk"
    link = confirm_link(message)
    page = check_page(client.get(link), title="Confirm your email address")
    [form] = page.select("main form")
    assert form["method"] == "post"
    assert [b.get_text(strip=True) for b in form.select("button")] == ["Confirm my email address"]
    assert not user.is_confirmed  # opening the link (as a mail scanner would) does nothing
    response = client.post(link)
    assert response.status_code == 302
    assert user.is_confirmed
    page = check_page(client.get(response.location), title="Your account")
    assert "Your email address is confirmed" in page.get_text()
    assert page.select_one(".govuk-notification-banner form") is None  # no resend any more
    check_page(client.get(link), status=410, title="This link has expired")
    assert client.post(link).status_code == 410


def test_the_account_page_of_an_unconfirmed_member_offers_a_new_link(client, db, newcomer):
    page = check_page(client.get("/account"), title="Your account")
    _refused(page, "express interest in workshops")
    response = client.post("/account/confirm-email/resend", data={"next": "/account"})
    assert response.status_code == 302
    page = check_page(client.get(response.location))
    assert "We have sent a link to new@example.gov.uk" in page.get_text()
    [sent] = _outbox(db, "new@example.gov.uk")
    assert sent.subject == "Confirm your email address"


def test_resending_answers_the_same_way_when_the_limit_stops_the_email(client, db, newcomer):
    answers = []
    for _ in range(5):
        response = client.post("/account/confirm-email/resend")
        answers.append(check_page(client.get(response.location)).select_one("main").get_text())
    assert len(_outbox(db, "new@example.gov.uk")) == 3  # CONFIRMATION_EMAILS_PER_HOUR
    assert len(set(answers)) == 1


def test_resending_is_limited_by_rate(client, app, db, newcomer):
    app.config["RATELIMIT_CONFIRM"] = "2 per minute"
    try:
        codes = [client.post("/account/confirm-email/resend").status_code for _ in range(3)]
    finally:
        app.config["RATELIMIT_CONFIRM"] = "1000 per minute"
    assert codes == [302, 302, 429]


def test_an_account_from_before_confirmation_is_sent_a_link_at_sign_in(client, create_user, db):
    user = create_user(confirmed=False, email="legacy@example.gov.uk")
    user.predates_confirmation = True
    db.session.commit()
    data = {"email": "legacy@example.gov.uk", "password": DEFAULT_PASSWORD}
    assert client.post("/sign-in", data=data).status_code == 302
    [sent] = _outbox(db, "legacy@example.gov.uk")
    link = confirm_link(sent)
    client.post("/sign-out")
    assert client.post("/sign-in", data=data).status_code == 302
    assert len(_outbox(db, "legacy@example.gov.uk")) == 1  # the first link still works
    client.post(link)
    assert user.is_confirmed


# Each place that needs a confirmed address


def test_expressing_interest_is_refused_until_confirmed(client, db, newcomer, make_workshop):
    workshop = make_workshop()
    page = check_page(client.get(f"/workshops/{workshop.slug}"))
    _refused(page, "express interest in a workshop")
    assert page.find("a", string="Express interest") is None
    for path in ("/workshops/interest", "/workshops/interest/check"):
        page = check_page(client.get(path), status=403, title="Confirm your email address first")
        _refused(page, "express interest in a workshop")
    response = client.post("/workshops/interest", data={"workshop_ids": [str(workshop.id)]})
    assert response.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(ExpressionOfInterest.id))) == 0


def test_a_confirmed_member_can_express_interest(client, db, member, login_as, make_workshop):
    workshop = make_workshop()
    login_as(member)
    check_page(client.get("/workshops/interest"), title="Express interest in workshops")
    response = client.post("/workshops/interest", data={"workshop_ids": [str(workshop.id)]})
    assert response.status_code == 302


def test_commenting_is_refused_until_confirmed(client, db, newcomer, consultation):
    ref = consultation.number
    page = check_page(
        client.get(f"{BASE}/{ref}/comments/new"), status=403, title="Confirm your email address"
    )
    _refused(page, "comment on this version")
    skill = consultation.skills[0].code
    page = check_page(client.get(f"{BASE}/{ref}/skills/{skill}"))
    _refused(page, "comment on this version")
    assert page.select_one("textarea[name=body]") is None
    response = client.post(f"{BASE}/{ref}/skills/{skill}/comments", data={"body": "Mine"})
    assert response.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(Comment.id))) == 0


def test_a_confirmed_member_can_comment(client, db, member, login_as, consultation):
    login_as(member)
    response = client.post(f"{BASE}/{consultation.number}/comments/new", data={"body": "Good"})
    assert response.status_code == 302
    assert comment_on(consultation, member, "Another").body == "Another"


def test_consenting_to_publication_is_refused_until_confirmed_but_withdrawal_is_not(
    client, db, newcomer
):
    page = check_page(client.get("/account/privacy"))
    _refused(page, "agree to appear in the register")
    data = {"consent_fields": ["name"], "region": "london"}
    page = check_page(client.post("/account/privacy", data=data), errors=True)
    assert error_messages(page) == [
        "You need to confirm your email address before you can agree to appear in the register. "
        "Open the link we emailed you, or ask for a new one."
    ]
    assert register_queries.consents_of(newcomer) == set()
    assert client.post("/account/privacy/withdraw").status_code == 302


def test_unconfirmed_people_never_appear_in_a_register(db, create_user):
    shown, hidden = create_user(name="Shown Person"), create_user(name="Hidden Person")
    for user in (shown, hidden):
        register_services.set_consents(user, fields=["name"], source="test", now=utcnow())
    hidden.email_confirmed_at = None  # as for an account from before confirmation
    db.session.flush()
    spec = PopulationSpec(Population.FRAMEWORK)
    _table, listed = register_services.build_table(spec)
    assert listed == [shown.id]
    assert [p.user_id for p in register_queries.people(spec)] == [shown.id]


# Changing the address and the details


def test_changing_the_email_address_from_the_account_page(client, db, member, login_as):
    login_as(member)
    old = member.email
    page = check_page(client.get("/account"))
    assert page.find("a", href="/account/email") is not None
    data = {"email": "wrong@example.gov.uk", "password": "not my password"}
    page = check_page(client.post("/account/email", data=data), errors=True)
    assert error_messages(page) == ["Your password is not correct"]
    assert page.find("input", id="email")["value"] == "wrong@example.gov.uk"
    data = {"email": "moved@example.gov.uk", "password": DEFAULT_PASSWORD}
    response = client.post("/account/email", data=data)
    assert response.status_code == 302
    page = check_page(client.get("/account"))
    assert "You asked to change your email address to moved@example.gov.uk" in page.get_text()
    assert member.email == old
    [told] = _outbox(db, old)
    assert "moved@example.gov.uk" in told.body_text
    [link_mail] = _outbox(db, "moved@example.gov.uk")
    link = confirm_link(link_mail)
    assert client.post(link).status_code == 302
    assert member.email == "moved@example.gov.uk"
    assert (
        "Your email address is now moved@example.gov.uk"
        in check_page(client.get("/account")).get_text()
    )


def test_members_change_their_details_and_errors_keep_what_was_typed(client, db, member, login_as):
    login_as(member)
    page = check_page(client.get("/account"))
    assert page.find("a", href="/account/details#job_title") is not None
    page = check_page(client.get("/account/details"), title="Change your details")
    assert page.find("input", id="name")["value"] == member.name
    data = {
        "name": "Renamed Person",
        "organisation": "",
        "job_title": "Head of digital",
        "sector": "third",
        "web_groups": ["analytics"],
        "region": "wales",
    }
    page = check_page(client.post("/account/details", data=data), errors=True)
    assert error_messages(page) == ["Enter the organisation you work for or with"]
    assert page.find("input", id="name")["value"] == "Renamed Person"
    assert page.find("input", id="job_title")["value"] == "Head of digital"
    assert page.find("input", attrs={"value": "analytics"}).has_attr("checked")
    assert member.name != "Renamed Person"
    response = client.post("/account/details", data={**data, "organisation": "Cardiff Council"})
    assert response.status_code == 302
    assert (member.name, member.organisation, member.region) == (
        "Renamed Person",
        "Cardiff Council",
        "wales",
    )
    assert member.web_groups == ["analytics"]
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "account.details_change")
    )
    assert set(event.details["fields"]) >= {"name", "organisation", "sector", "region"}


def test_confirmation_tokens_are_never_shown_in_full(db, client, newcomer):
    client.post("/account/confirm-email/resend")
    [token] = db.session.scalars(sa.select(EmailConfirmationToken)).all()
    [sent] = _outbox(db, "new@example.gov.uk")
    assert token.token_hash not in sent.body_text
    assert token.expires_at - utcnow() <= timedelta(hours=24)


def test_administrators_see_which_accounts_are_not_confirmed(
    client, login_as, administrator, create_user
):
    create_user(name="Una Confirmed", confirmed=False)
    create_user(name="Con Firmed")
    login_as(administrator)
    page = check_page(client.get("/admin/users"), title="Accounts")
    rows = {
        row.select("td")[0].get_text(): row.select("td")[1].get_text(" ", strip=True)
        for row in page.select("tbody tr")
    }
    assert rows["Una Confirmed"].endswith("Not confirmed")
    assert not rows["Con Firmed"].endswith("Not confirmed")


def test_the_new_link_page_works_without_the_banner(client, db, newcomer):
    page = check_page(client.get("/account/confirm-email/resend"), title="Get a new confirmation")
    assert page.select_one("main form button").get_text(strip=True) == "Send me a new link"
    assert client.post("/account/confirm-email/resend").status_code == 302
    assert len(_outbox(db, "new@example.gov.uk")) == 1
