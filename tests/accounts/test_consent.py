"""Sign-up asks, field by field, what the register may publish; nothing is ticked by default.

What is ticked is granted only when the address is confirmed.
"""

from __future__ import annotations

import sqlalchemy as sa

from skillsreg.accounts.models import User
from skillsreg.register import queries
from skillsreg.register.models import ConsentEvent
from skillsreg.register.rules import ConsentField
from tests.accounts.test_confirmation import confirm_link
from tests.accounts.test_views import SIGN_UP
from tests.pages import check_page, error_messages


def _user(db) -> User:
    return db.session.scalar(sa.select(User).where(User.email == "vicky@example.gov.uk"))


def test_signing_up_without_ticking_anything_publishes_nothing(client, db, mailbox):
    assert client.post("/sign-up", data=SIGN_UP).status_code == 302
    user = _user(db)
    assert queries.consents_of(user) == set()
    assert user.region is None
    [message] = mailbox.messages  # the confirmation link only: no register email
    assert message["Subject"] == "Confirm your email address"


def test_the_fields_ticked_at_sign_up_are_granted_and_recorded(client, db, mailbox):
    data = {**SIGN_UP, "consent_fields": ["name", "sector"], "region": "wales"}
    assert client.post("/sign-up", data=data).status_code == 302
    user = _user(db)
    assert user.region == "wales"
    assert queries.consents_of(user) == set()  # nothing until the address is confirmed
    [confirm] = mailbox.messages
    link = confirm_link(confirm)
    mailbox.clear()
    assert client.post(link).status_code == 302
    assert queries.consents_of(user) == {ConsentField.NAME, ConsentField.SECTOR}
    assert user.pending_consent_fields is None
    sources = db.session.scalars(
        sa.select(ConsentEvent.source).where(ConsentEvent.user_id == user.id)
    ).all()
    assert sources == ["sign-up", "sign-up"]
    [message] = mailbox.messages
    assert "/register/withdraw/" in message.get_content()


def test_an_unknown_consent_field_at_sign_up_is_an_error(client, db):
    data = {**SIGN_UP, "consent_fields": ["shoe_size"]}
    page = check_page(client.post("/sign-up", data=data), errors=True)
    assert error_messages(page) == ["Select details from the list"]
    assert _user(db) is None
