"""Account pages: sign up, sign in and out, passwords, admin."""

from __future__ import annotations

import re

from skillsreg.accounts.models import User
from skillsreg.accounts.rules import Role
from skillsreg.core.mail import MailStatus, OutboxMessage
from skillsreg.extensions import limiter
from tests.conftest import DEFAULT_PASSWORD
from tests.pages import check_page, error_messages

SIGN_UP = {
    "name": "Vicky Sargent",
    "email": "Vicky@Example.gov.uk",
    "organisation": "Socitm",
    "sector": "public",
    "job_title": "Director",
    "web_groups": ["web-manager", "e-communications"],
    "password": "a long and memorable passphrase",
    "password_confirm": "a long and memorable passphrase",
}


def test_signing_up_creates_an_account_and_signs_in(client, db):
    response = client.post("/sign-up", data=SIGN_UP)
    assert response.status_code == 302
    user = db.session.scalar(db.select(User).where(User.email == "vicky@example.gov.uk"))
    assert user.web_groups == ["web-manager", "e-communications"]
    page = check_page(client.get(response.location), title="Your account")
    assert "Vicky Sargent" in page.get_text()


def test_sign_up_errors_keep_what_was_typed(client, db):
    data = {**SIGN_UP, "password": "short", "password_confirm": "short", "job_title": ""}
    page = check_page(client.post("/sign-up", data=data), errors=True, title="Create an account")
    assert error_messages(page) == [
        "Enter your job title",
        "Password must be 12 characters or more",
    ]
    assert page.find("input", id="name")["value"] == "Vicky Sargent"
    assert page.find("input", id="organisation")["value"] == "Socitm"
    assert page.find("input", attrs={"value": "web-manager"}).has_attr("checked")
    assert db.session.query(User).count() == 0


def test_sign_up_with_a_taken_email_says_so(client, create_user):
    create_user(email="vicky@example.gov.uk")
    page = check_page(client.post("/sign-up", data=SIGN_UP), errors=True)
    assert error_messages(page) == ["An account already uses this email address: sign in"]


def test_signing_in_and_out(client, create_user):
    user = create_user(email="sam@example.gov.uk")
    response = client.post(
        "/sign-in", data={"email": "SAM@example.gov.uk", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    assert user.last_sign_in_at is not None
    page = check_page(client.get("/account"))
    assert "sam@example.gov.uk" in page.get_text()
    response = client.post("/sign-out")
    assert response.status_code == 302
    assert client.get("/account").status_code == 302


def test_a_wrong_password_shows_one_generic_error(client, create_user):
    create_user(email="sam@example.gov.uk")
    data = {"email": "sam@example.gov.uk", "password": "not the password"}
    page = check_page(client.post("/sign-in", data=data), errors=True, title="Sign in")
    assert error_messages(page) == ["Enter a correct email address and password"]
    assert page.find("input", id="email")["value"] == "sam@example.gov.uk"
    assert page.find("input", id="password").get("value") in (None, "")


def test_sign_in_returns_to_the_page_asked_for_but_never_offsite(client, create_user):
    create_user(email="sam@example.gov.uk")
    data = {"email": "sam@example.gov.uk", "password": DEFAULT_PASSWORD}
    assert client.post("/sign-in?next=/account/password", data=data).location == "/account/password"
    client.post("/sign-out")
    assert client.post("/sign-in?next=https://evil.example/", data=data).location == "/home"
    client.post("/sign-out")
    assert client.post("/sign-in?next=//evil.example/", data=data).location == "/home"


def test_the_session_changes_at_sign_in(client, create_user):
    create_user(email="sam@example.gov.uk")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    client.post("/sign-in", data={"email": "sam@example.gov.uk", "password": DEFAULT_PASSWORD})
    with client.session_transaction() as session:
        assert "planted" not in session


def test_remember_me_sets_a_long_lived_cookie(client, create_user):
    create_user(email="sam@example.gov.uk")
    data = {"email": "sam@example.gov.uk", "password": DEFAULT_PASSWORD, "remember": "y"}
    response = client.post("/sign-in", data=data)
    cookies = response.headers.getlist("Set-Cookie")
    remember = [c for c in cookies if c.startswith("remember_token=")]
    assert remember
    assert "HttpOnly" in remember[0]


def test_failed_sign_ins_are_throttled(app, client, create_user):
    create_user(email="sam@example.gov.uk")
    app.config["RATELIMIT_SIGN_IN"] = "3 per minute"
    try:
        limiter.reset()
        bad = {"email": "sam@example.gov.uk", "password": "guess number one"}
        statuses = [client.post("/sign-in", data=bad).status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        page = check_page(client.post("/sign-in", data=bad), status=429, title="Too many attempts")
        assert "Wait a few minutes" in page.get_text()
    finally:
        app.config["RATELIMIT_SIGN_IN"] = "1000 per minute"
        limiter.reset()


def test_password_reset_by_email_end_to_end(client, create_user, mailbox, db):
    user = create_user(email="kim@example.gov.uk")
    page = check_page(client.post("/forgotten-password", data={"email": "kim@example.gov.uk"}))
    assert "Check your email" in page.get_text()
    assert len(mailbox.messages) == 1
    message = mailbox.messages[0]
    assert message["To"] == "kim@example.gov.uk"
    assert message["Subject"] == "Reset your password"
    link = re.search(r"http://skillsreg\.test(/reset-password/\S+)", message.get_content()).group(1)
    check_page(client.get(link), title="Choose a new password")
    response = client.post(link, data={"password": "my new long passphrase"})
    assert response.status_code == 302
    assert client.get(link).status_code == 410  # single use
    client.post("/sign-out")
    ok = client.post("/sign-in", data={"email": user.email, "password": "my new long passphrase"})
    assert ok.status_code == 302
    outbox = db.session.scalars(db.select(OutboxMessage)).all()
    assert [m.status for m in outbox] == [MailStatus.SENT]


def test_password_reset_for_an_unknown_address_looks_the_same(client, db, mailbox):
    page = check_page(client.post("/forgotten-password", data={"email": "nobody@example.gov.uk"}))
    assert "If nobody@example.gov.uk has an account" in page.get_text()
    assert mailbox.messages == []


def test_a_weak_new_password_is_refused_on_reset(client, create_user, mailbox):
    create_user(email="kim@example.gov.uk")
    client.post("/forgotten-password", data={"email": "kim@example.gov.uk"})
    link = re.search(r"(/reset-password/\S+)", mailbox.messages[0].get_content()).group(1)
    page = check_page(client.post(link, data={"password": "password1234"}), errors=True)
    assert error_messages(page) == ["Password is too common: choose one that is harder to guess"]


def test_changing_password(client, login_as, member):
    login_as(member)
    bad = {"current_password": "wrong wrong wrong", "new_password": "another good passphrase"}
    page = check_page(client.post("/account/password", data=bad), errors=True)
    assert error_messages(page) == ["Your current password is not correct"]
    good = {"current_password": DEFAULT_PASSWORD, "new_password": "another good passphrase"}
    assert client.post("/account/password", data=good).status_code == 302
    check_page(client.get("/account"))


def test_administrators_change_roles(client, login_as, administrator, member):
    login_as(administrator)
    page = check_page(client.get("/admin/users"), title="Accounts")
    assert member.name in page.get_text()
    response = client.post(f"/admin/users/{member.id}/role", data={"role": "organiser"})
    assert response.status_code == 302
    assert member.role is Role.ORGANISER


def test_a_role_change_without_a_choice_shows_an_error(client, login_as, administrator, member):
    login_as(administrator)
    page = check_page(client.post(f"/admin/users/{member.id}/role", data={}), errors=True)
    assert error_messages(page) == ["Select a role"]


def test_members_cannot_reach_the_admin_pages(client, login_as, member):
    login_as(member)
    check_page(client.get("/admin/users"), status=403)
    assert (
        client.post(f"/admin/users/{member.id}/role", data={"role": "administrator"}).status_code
        == 403
    )
    assert member.role is Role.MEMBER


def test_administrators_read_the_outbox(client, login_as, administrator, mailbox):
    client.post("/forgotten-password", data={"email": administrator.email})
    login_as(administrator)
    page = check_page(client.get("/admin/outbox"), title="Email outbox")
    link = page.find("a", string="Reset your password")
    message_page = check_page(client.get(link["href"]))
    assert "/reset-password/" in message_page.get_text()


def test_create_admin_command_prompts_for_a_hidden_password(runner, db):
    result = runner.invoke(
        args=["users", "create-admin", "boss@example.gov.uk"],
        input="a very good passphrase\na very good passphrase\n",
    )
    assert result.exit_code == 0, result.output
    assert "a very good passphrase" not in result.output
    user = db.session.scalar(db.select(User).where(User.email == "boss@example.gov.uk"))
    assert user.is_administrator


def test_create_admin_refuses_a_weak_password(runner, db):
    result = runner.invoke(
        args=["users", "create-admin", "boss@example.gov.uk"], input="password1234\npassword1234\n"
    )
    assert result.exit_code == 1
    assert "too common" in result.output
