"""Account services: registration, authentication, passwords, roles."""

from __future__ import annotations

from datetime import timedelta

import pytest

from skillsreg.accounts import services
from skillsreg.accounts.models import PasswordResetToken
from skillsreg.accounts.rules import Role, password_problem
from skillsreg.config import ConfigError, ProductionConfig
from skillsreg.core.db import utcnow
from skillsreg.core.errors import DomainError, NotAllowedError
from tests.conftest import DEFAULT_PASSWORD


def test_email_addresses_are_unique_whatever_their_case(create_user):
    create_user(email="Jo.Bloggs@Example.gov.uk")
    with pytest.raises(DomainError, match="already uses this email") as caught:
        create_user(email="jo.bloggs@example.GOV.UK")
    assert caught.value.field == "email"


def test_passwords_are_stored_as_argon2id_hashes(create_user):
    user = create_user()
    assert user.password_hash.startswith("$argon2id$")
    assert DEFAULT_PASSWORD not in user.password_hash


def test_passwords_are_hashed_with_owasp_argon2id_parameters(app, create_user, monkeypatch):
    # The suite hashes cheaply (TestConfig); production hashes with these settings.
    for name in ("PASSWORD_HASH_TIME_COST", "PASSWORD_HASH_MEMORY_KIB"):
        monkeypatch.setitem(app.config, name, getattr(ProductionConfig, name))
    user = create_user()
    parameters = dict(item.split("=") for item in user.password_hash.split("$")[3].split(","))
    # OWASP: m=19 MiB with t=2 (or m=46 MiB with t=1), p=1, at the least.
    assert int(parameters["m"]) >= 19 * 1024
    assert int(parameters["t"]) >= 2 or int(parameters["m"]) >= 46 * 1024
    assert int(parameters["p"]) >= 1


def test_production_refuses_to_hash_passwords_more_cheaply():
    config = ProductionConfig()
    config.SECRET_KEY = "x" * 32
    config.SQLALCHEMY_DATABASE_URI = "sqlite://"
    config.check()
    config.PASSWORD_HASH_MEMORY_KIB = 1024
    with pytest.raises(ConfigError, match="19 MiB"):
        config.check()


def test_a_hash_made_with_other_parameters_is_renewed_at_sign_in(app, create_user, monkeypatch):
    monkeypatch.setitem(app.config, "PASSWORD_HASH_MEMORY_KIB", 19 * 1024)
    user = create_user(email="ann@example.gov.uk")
    assert "$m=19456," in user.password_hash
    monkeypatch.setitem(app.config, "PASSWORD_HASH_MEMORY_KIB", 64)
    services.authenticate(email="ann@example.gov.uk", password=DEFAULT_PASSWORD, now=utcnow())
    assert "$m=64," in user.password_hash


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short pass", "12 characters or more"),
        ("qwerty123456", "too common"),
        ("password1234", "too common"),
        ("x" * 257, "256 characters or fewer"),
    ],
)
def test_weak_passwords_are_refused(password, problem):
    assert problem in password_problem(password)


def test_a_long_uncommon_password_needs_no_symbols_or_digits():
    assert password_problem("purple tractor sings loudly") is None


def test_authenticating_returns_the_user_and_records_the_time(create_user):
    user = create_user(email="ann@example.gov.uk")
    now = utcnow()
    assert (
        services.authenticate(email=" ANN@example.gov.uk ", password=DEFAULT_PASSWORD, now=now)
        is user
    )
    assert user.last_sign_in_at == now


@pytest.mark.parametrize("email", ["ann@example.gov.uk", "nobody@example.gov.uk"])
def test_failed_sign_in_does_not_reveal_whether_the_email_exists(create_user, email):
    create_user(email="ann@example.gov.uk")
    with pytest.raises(DomainError) as caught:
        services.authenticate(email=email, password="wrong password here", now=utcnow())
    assert caught.value.message == services.SIGN_IN_FAILED


def test_changing_password_checks_the_current_one_and_signs_out_other_sessions(create_user):
    user = create_user()
    old_login_id = user.login_id
    with pytest.raises(DomainError, match="current password is not correct"):
        services.change_password(
            user,
            current_password="not it at all",
            new_password="a brand new passphrase",
            now=utcnow(),
        )
    services.change_password(
        user, current_password=DEFAULT_PASSWORD, new_password="a brand new passphrase", now=utcnow()
    )
    assert user.login_id != old_login_id
    assert services.authenticate(email=user.email, password="a brand new passphrase", now=utcnow())


def test_reset_tokens_are_single_use(create_user, app, mailbox):
    user = create_user()
    now = utcnow()
    tokens = []
    with app.test_request_context():
        services.request_password_reset(
            email=user.email, now=now, max_age=timedelta(hours=1), reset_url=tokens.append
        )
    assert len(tokens) == 1
    services.reset_password(token=tokens[0], new_password="another fine passphrase", now=now)
    with pytest.raises(DomainError, match="expired or has already been used"):
        services.reset_password(token=tokens[0], new_password="yet another passphrase", now=now)


def test_reset_tokens_expire(create_user, app, mailbox):
    user = create_user()
    now = utcnow()
    tokens = []
    with app.test_request_context():
        services.request_password_reset(
            email=user.email, now=now, max_age=timedelta(hours=1), reset_url=tokens.append
        )
    later = now + timedelta(hours=1, seconds=1)
    assert services.find_reset_token(tokens[0], now=later) is None
    with pytest.raises(DomainError):
        services.reset_password(token=tokens[0], new_password="another fine passphrase", now=later)


def test_reset_for_an_unknown_email_creates_nothing(db, app):
    with app.test_request_context():
        services.request_password_reset(
            email="ghost@example.gov.uk",
            now=utcnow(),
            max_age=timedelta(hours=1),
            reset_url=lambda token: token,
        )
    assert db.session.query(PasswordResetToken).count() == 0


def test_only_administrators_change_roles(member, organiser, administrator):
    with pytest.raises(NotAllowedError):
        services.set_role(actor=organiser, user=member, role=Role.ORGANISER)
    services.set_role(actor=administrator, user=member, role=Role.ORGANISER)
    assert member.is_organiser


def test_an_administrator_cannot_demote_themselves(administrator):
    with pytest.raises(DomainError, match="your own administrator role"):
        services.set_role(actor=administrator, user=administrator, role=Role.MEMBER)
    assert administrator.is_administrator


def test_create_administrator_promotes_an_existing_account(member):
    user = services.create_administrator(
        email=member.email, password="irrelevant here", name="x", now=utcnow()
    )
    assert user is member
    assert member.role is Role.ADMINISTRATOR
