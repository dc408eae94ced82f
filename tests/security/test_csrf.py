"""Forged requests: every endpoint that takes a POST refuses one without a valid CSRF token."""

from __future__ import annotations

import pytest

from skillsreg.extensions import csrf
from tests.pages import check_page
from tests.security.walk import post_rules, row_counts


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


def exempt(app, endpoint):
    view = app.view_functions[endpoint]
    name = f"{view.__module__}.{view.__name__}"
    blueprint = endpoint.partition(".")[0]
    blueprints = {getattr(b, "name", b) for b in csrf._exempt_blueprints}
    return name in csrf._exempt_views or blueprint in blueprints


@pytest.mark.usefixtures("csrf_on")
@pytest.mark.parametrize("token", [None, "forged-token"])
def test_every_post_without_a_valid_csrf_token_is_refused_and_writes_nothing(
    app, client, login_as, administrator, token
):
    login_as(administrator)
    before = row_counts()
    refused = []
    for endpoint, url in post_rules(app):
        data = {"csrf_token": token} if token else {}
        response = client.post(url, data=data)
        if endpoint.startswith("api.") and exempt(app, endpoint):
            # The JSON API is read-only: its POSTs are refused as a JSON error, not by token.
            assert response.status_code in (404, 405), (endpoint, response.status_code)
            assert "error" in response.json, endpoint
            continue
        if endpoint == "reminders.unsubscribe" and exempt(app, endpoint):
            # RFC 8058 one-click unsubscribe has no session: the signed token in the URL is the
            # proof, and a forged one finds nobody.
            assert response.status_code == 404, endpoint
            continue
        page = check_page(response, status=400, title="Sorry, there is a problem")
        assert "problem with your request" in page.get_text(), endpoint
        refused.append(endpoint)
    assert row_counts() == before
    assert len(refused) >= 40, refused
    assert "accounts.sign_in" in refused


@pytest.mark.usefixtures("csrf_on")
def test_a_token_from_another_session_is_refused(app, client, create_user):
    other = app.test_client()
    page = check_page(other.get("/sign-in"))
    token = page.find("input", attrs={"name": "csrf_token"})["value"]
    user = create_user()
    data = {"email": user.email, "password": "correct horse battery staple", "csrf_token": token}
    check_page(client.post("/sign-in", data=data), status=400)
