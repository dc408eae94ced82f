"""Sign-in and password reset are throttled, and signing in starts a new session.

Already covered elsewhere (not repeated here): failed sign-ins throttled
(tests/accounts/test_views.py::test_failed_sign_ins_are_throttled), a planted session key dropped
at sign-in (::test_the_session_changes_at_sign_in), reset tokens single-use and expiring
(tests/accounts/test_services.py::test_reset_tokens_are_single_use / ::test_reset_tokens_expire).
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from skillsreg.extensions import limiter
from tests.conftest import DEFAULT_PASSWORD
from tests.pages import check_page


@pytest.fixture
def strict_limits(app):
    app.config.update(RATELIMIT_SIGN_IN="3 per minute", RATELIMIT_RESET="3 per minute")
    limiter.reset()
    yield
    app.config.update(RATELIMIT_SIGN_IN="1000 per minute", RATELIMIT_RESET="1000 per minute")
    limiter.reset()


@pytest.mark.usefixtures("strict_limits")
def test_password_reset_requests_are_throttled(client, create_user, mailbox):
    user = create_user()
    statuses = [
        client.post("/forgotten-password", data={"email": user.email}).status_code for _ in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    check_page(client.post("/forgotten-password", data={"email": user.email}), status=429)
    assert len(mailbox.messages) == 3


@pytest.mark.usefixtures("strict_limits")
def test_guessing_reset_tokens_is_throttled(client, db):
    data = {"password": "a new fine passphrase", "password_confirm": "a new fine passphrase"}
    statuses = [client.post(f"/reset-password/guess{n}", data=data).status_code for n in range(4)]
    assert statuses[-1] == 429
    assert set(statuses[:3]) == {410}


def session_cookie(response):
    cookies = response.headers.getlist("Set-Cookie")
    found = [c for c in cookies if c.startswith("skillsreg_session=")]
    return found[-1].split(";")[0] if found else None


def test_signing_in_replaces_the_session_and_its_csrf_token(app, client, create_user):
    user = create_user()
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        page = check_page(client.get("/sign-in"))
        before_token = page.find("input", attrs={"name": "csrf_token"})["value"]
        with client.session_transaction() as session:
            before = dict(session)
        data = {"email": user.email, "password": DEFAULT_PASSWORD, "csrf_token": before_token}
        response = client.post("/sign-in", data=data)
        assert response.status_code == 302
        with client.session_transaction() as session:
            after = dict(session)
        # The identity is the account's login_id (rotated when the password changes), not its id.
        assert after["_user_id"] == user.login_id
        assert after["_user_id"] != str(user.id)
        assert "_user_id" not in before
        assert after.get("csrf_token") != before["csrf_token"]
        assert session_cookie(response) is not None
        # The token of the anonymous session no longer works once signed in.
        refused = client.post("/account/password", data={"csrf_token": before_token})
        assert refused.status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_changing_the_password_ends_other_sessions(app, client, create_user):
    user = create_user()
    data = {"email": user.email, "password": DEFAULT_PASSWORD}
    assert client.post("/sign-in", data=data).status_code == 302
    stolen = app.test_client()
    cookie = client.get_cookie("skillsreg_session", domain="skillsreg.test")
    stolen.set_cookie("skillsreg_session", cookie.value, domain="skillsreg.test")
    assert stolen.get("/account").status_code == 200
    change = {"current_password": DEFAULT_PASSWORD, "new_password": "a different passphrase 42"}
    response = client.post("/account/password", data=change)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert client.get("/account").status_code == 200
    assert stolen.get("/account").status_code == 302


def test_reset_links_expire_after_the_configured_time(app):
    assert app.config["PASSWORD_RESET_MAX_AGE"] <= timedelta(hours=1)
    assert re.fullmatch(r"\d+ per minute(;\d+ per hour)?", app.config["RATELIMIT_RESET"])


def test_a_session_cookie_copied_before_signing_out_stops_working(app, client, create_user):
    user = create_user()
    client.post("/sign-in", data={"email": user.email, "password": DEFAULT_PASSWORD})
    copied = client.get_cookie("skillsreg_session", domain="skillsreg.test").value
    client.post("/sign-out")
    thief = app.test_client()
    thief.set_cookie("skillsreg_session", copied, domain="skillsreg.test")
    assert thief.get("/account").status_code == 302
