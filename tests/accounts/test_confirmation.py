"""Confirming an email address: links, their limits, a change of address and the purge."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from skillsreg.accounts import confirmation
from skillsreg.accounts.confirmed import UnconfirmedError, require_confirmed
from skillsreg.accounts.models import EmailConfirmationToken, User
from skillsreg.core.audit import AuditEvent
from skillsreg.core.db import utcnow
from skillsreg.core.errors import DomainError
from skillsreg.core.mail import OutboxMessage
from skillsreg.register.queries import consents_of
from skillsreg.register.rules import ConsentField
from tests.conftest import DEFAULT_PASSWORD

LINK = re.compile(r"https?://\S+/confirm-email/(\S+)")


def confirm_link(message) -> str:
    """The path of the confirmation link in an email (a sent message or an outbox row)."""
    body = message.get_content() if hasattr(message, "get_content") else message.body_text
    match = LINK.search(body)
    assert match is not None, body
    return f"/confirm-email/{match.group(1)}"


def _send(user, *, now, per_hour=3) -> str | None:
    """Send a link and return its token, or None if none was sent."""
    tokens: list[str] = []
    sent = confirmation.send_confirmation(
        user,
        now=now,
        link=lambda token: tokens.append(token) or f"http://x/{token}",
        per_hour=per_hour,
    )
    return tokens[0] if sent else None


def _actions(db) -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


def test_a_link_is_256_random_bits_stored_only_as_its_hash(db, create_user):
    user = create_user(confirmed=False)
    token = _send(user, now=utcnow())
    [stored] = user.confirmation_tokens
    assert len(token) == 43  # 32 bytes in URL-safe base64
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in stored.token_hash
    assert stored.expires_at - stored.created_at == timedelta(hours=24)


def test_a_link_confirms_the_address_once(db, create_user):
    user = create_user(confirmed=False)
    now = utcnow()
    token = _send(user, now=now)
    assert not user.is_confirmed
    confirmation.confirm_email(token=token, now=now + timedelta(minutes=5))
    assert user.is_confirmed
    assert user.email_confirmed_at == now + timedelta(minutes=5)
    with pytest.raises(DomainError, match="expired or has already been used"):
        confirmation.confirm_email(token=token, now=now + timedelta(minutes=6))
    assert "account.confirm_email" in _actions(db)


def test_a_link_expires_after_24_hours(db, create_user):
    user = create_user(confirmed=False)
    now = utcnow()
    token = _send(user, now=now)
    assert confirmation.find_confirmation(token, now=now + timedelta(hours=23, minutes=59))
    assert confirmation.find_confirmation(token, now=now + timedelta(hours=24)) is None
    with pytest.raises(DomainError):
        confirmation.confirm_email(token=token, now=now + timedelta(hours=24, seconds=1))
    assert not user.is_confirmed


def test_a_made_up_link_confirms_nothing(db, create_user):
    create_user(confirmed=False)
    with pytest.raises(DomainError):
        confirmation.confirm_email(token="not-a-real-token", now=utcnow())


def test_links_are_limited_per_account_per_hour(db, create_user):
    user = create_user(confirmed=False)
    now = utcnow()
    sent = [_send(user, now=now + timedelta(minutes=n), per_hour=3) for n in range(5)]
    assert [token is not None for token in sent] == [True, True, True, False, False]
    assert _send(user, now=now + timedelta(minutes=61), per_hour=3) is not None
    # Every link sent still works until it is used or expires.
    confirmation.confirm_email(token=sent[0], now=now + timedelta(minutes=62))
    assert user.is_confirmed


def test_a_confirmed_account_is_sent_no_link(db, create_user):
    user = create_user()
    assert _send(user, now=utcnow()) is None


def test_the_gate_refuses_unconfirmed_people_in_plain_english(db, create_user):
    with pytest.raises(UnconfirmedError, match="confirm your email address before you can vote"):
        require_confirmed(create_user(confirmed=False), action="vote")
    require_confirmed(create_user(), action="vote")  # no error


def test_changing_the_address_needs_the_new_one_confirmed(db, create_user, app):
    user = create_user(email="old@example.gov.uk")
    now = utcnow()
    tokens: list[str] = []
    confirmation.request_email_change(
        user,
        new_email="New@Example.gov.uk",
        password=DEFAULT_PASSWORD,
        now=now,
        link=lambda token: tokens.append(token) or f"http://x/confirm-email/{token}",
    )
    assert user.email == "old@example.gov.uk"  # the old address stays in force
    assert confirmation.pending_email(user, now=now) == "new@example.gov.uk"
    mail = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [m.recipient for m in mail] == ["new@example.gov.uk", "old@example.gov.uk"]
    assert tokens[0] in mail[0].body_text
    assert tokens[0] not in mail[1].body_text  # the old address is told, not given the link
    assert "new@example.gov.uk" in mail[1].body_text
    result = confirmation.confirm_email(token=tokens[0], now=now + timedelta(hours=1))
    assert result.changed_from == "old@example.gov.uk"
    assert user.email == "new@example.gov.uk"
    assert confirmation.pending_email(user, now=now) is None
    assert _actions(db)[-2:] == ["account.email_change_requested", "account.email_change"]


def test_an_address_change_needs_the_password_and_a_free_new_address(db, create_user):
    user = create_user(email="old@example.gov.uk")
    create_user(email="taken@example.gov.uk")
    now = utcnow()

    def change(new_email: str, password: str = DEFAULT_PASSWORD) -> None:
        confirmation.request_email_change(
            user, new_email=new_email, password=password, now=now, link=str
        )

    with pytest.raises(DomainError, match="password is not correct") as wrong:
        change("new@example.gov.uk", password="not my password")
    assert wrong.value.field == "password"
    with pytest.raises(DomainError, match="already uses") as taken:
        change("taken@example.gov.uk")
    assert taken.value.field == "email"
    with pytest.raises(DomainError, match="already your email address"):
        change("OLD@example.gov.uk")
    assert db.session.scalar(sa.select(sa.func.count(EmailConfirmationToken.id))) == 0


def test_a_newer_change_request_cancels_the_older_link(db, create_user):
    user = create_user(email="old@example.gov.uk")
    now = utcnow()
    tokens: list[str] = []

    def change(new_email: str) -> None:
        confirmation.request_email_change(
            user,
            new_email=new_email,
            password=DEFAULT_PASSWORD,
            now=now,
            link=lambda token: tokens.append(token) or token,
        )

    change("first@example.gov.uk")
    change("second@example.gov.uk")
    with pytest.raises(DomainError):
        confirmation.confirm_email(token=tokens[0], now=now)
    confirmation.confirm_email(token=tokens[1], now=now)
    assert user.email == "second@example.gov.uk"


def test_the_purge_removes_only_old_never_confirmed_sign_ups(db, create_user):
    now = utcnow()
    old = now - timedelta(days=31)
    stale = create_user(confirmed=False, now=old, email="stale@example.gov.uk")
    _send(stale, now=old)
    fresh = create_user(confirmed=False, now=now - timedelta(days=29))
    confirmed = create_user(now=old)
    legacy = create_user(confirmed=False, now=old)
    legacy.predates_confirmation = True  # as the migration marks accounts made before
    stale_id = stale.id
    assert confirmation.purge_unconfirmed_accounts(now=now, days=30) == 1
    db.session.expire_all()
    remaining = set(db.session.scalars(sa.select(User.id)))
    assert stale_id not in remaining
    assert {fresh.id, confirmed.id, legacy.id} <= remaining
    assert (
        db.session.scalar(
            sa.select(sa.func.count(OutboxMessage.id)).where(
                OutboxMessage.recipient == "stale@example.gov.uk"
            )
        )
        == 0
    )
    assert (
        db.session.scalar(
            sa.select(sa.func.count(EmailConfirmationToken.id)).where(
                EmailConfirmationToken.user_id == stale_id
            )
        )
        == 0
    )
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "data.purge_unconfirmed")
    )
    assert event.details == {"removed": 1}


def test_the_purge_command_prints_how_many_accounts_it_removed(db, create_user, runner, app):
    create_user(confirmed=False, now=utcnow() - timedelta(days=40))
    result = runner.invoke(args=["data", "purge"])
    assert result.exit_code == 0, result.output
    assert "Accounts never confirmed within 30 days removed: 1" in result.output


def test_what_was_ticked_at_sign_up_is_granted_when_a_new_address_is_confirmed_instead(
    db, create_user
):

    user = create_user(confirmed=False, email="typo@example.gov.uk")
    confirmation.hold_sign_up_consent(user, ["name"])
    tokens: list[str] = []
    confirmation.request_email_change(
        user,
        new_email="right@example.gov.uk",
        password=DEFAULT_PASSWORD,
        now=utcnow(),
        link=lambda token: tokens.append(token) or token,
    )
    assert consents_of(user) == set()
    result = confirmation.confirm_email(token=tokens[0], now=utcnow())
    assert user.is_confirmed
    assert consents_of(user) == {ConsentField.NAME}
    assert result.consent is not None
    assert result.consent.granted == [ConsentField.NAME]
