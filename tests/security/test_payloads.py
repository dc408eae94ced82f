"""No page reflects input unescaped: script, SQL and template payloads in every text field."""

from __future__ import annotations

import pytest

from tests.security.walk import as_form_data, form_pages, post_forms, sample_objects

SCRIPT = "<script>alert(1)</script>"
IMAGE = '"><img src=x onerror=alert(1)>'
PAYLOADS = [
    SCRIPT,
    IMAGE,
    "'; DROP TABLE users; --",
    "{{7*7}}q7",
    "Zo\u00eb \u202e \U0001d518 \u6f22\u5b57 \U0001f600 \u200b",  # RTL override, astral
    "long " * 2000,
    "nul \x00 byte",
]
FORBIDDEN = [SCRIPT, "<img src=x onerror", "49q7"]  # raw markup, or the template evaluated
SKIPPED_ACTIONS = ("/sign-out",)
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def unsafe(body):
    return [bad for bad in FORBIDDEN if bad in body]


@pytest.fixture
def pages(app, client, login_as, administrator, member, organiser, monkeypatch):
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)  # a bug answers 500, asserted
    login_as(administrator)
    values = sample_objects(administrator, member, organiser)
    return form_pages(app, client, values)


def test_forms_are_found_by_walking_the_url_map(pages):
    assert len(pages) >= 15, pages
    assert {"/sign-up", "/forgotten-password", "/workshops/new"} <= set(pages)


def test_no_page_reflects_a_payload_unescaped(client, pages):
    submitted = 0
    escaped_seen = 0
    for url in pages:
        page = client.get(url)
        if page.status_code != 200:
            continue  # an earlier submission changed what this page offers (a draft published)
        for form in post_forms(url, page.get_data(as_text=True)):
            if not form.text_fields or form.action.startswith(SKIPPED_ACTIONS):
                continue
            for payload in PAYLOADS:
                data = as_form_data(form.filled(payload))
                response = client.post(form.action, data=data, follow_redirects=True)
                body = response.get_data(as_text=True)
                assert response.status_code < 500, (url, form.action, payload[:20])
                assert not unsafe(body), (url, form.action, payload[:20], unsafe(body))
                escaped_seen += ESCAPED in body
                submitted += 1
    assert submitted >= 15 * len(PAYLOADS)
    assert escaped_seen >= 10  # the payloads were shown back (kept in forms, listed), escaped
    # The pages that show what was saved (lists, summaries, the forms again).
    for url in pages:
        response = client.get(url, follow_redirects=True)
        assert response.status_code < 500, url
        assert not unsafe(response.get_data(as_text=True)), url


@pytest.mark.parametrize("data", [{"title": "Forged", "day": "1"}, {"title": "No dates"}])
def test_a_forged_or_missing_date_is_an_error_not_a_crash(app, client, login_as, organiser, data):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    try:
        login_as(organiser)
        response = client.post("/workshops/new", data=data)
    finally:
        app.config["PROPAGATE_EXCEPTIONS"] = None
    assert response.status_code == 200
