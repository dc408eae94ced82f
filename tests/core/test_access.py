"""Every endpoint declares who may use it, and the app enforces it (walks the URL map)."""

from __future__ import annotations

import pytest

from skillsreg.core.auth import ADMINISTRATOR, MEMBER, ORGANISER, PUBLIC

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
