"""The WSGI page cache answers repeat requests from people without cookies, never stale."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from skillsreg.core.db import utcnow
from skillsreg.frameworks import services
from tests.frameworks.test_page_cache import (  # noqa: F401 - fixtures
    PAGES,
    queries,
    real_cache,
    renders,
    two_published,
)
from tests.frameworks.test_views import BASE

API = "/api/v1/frameworks/web-professionals/versions/1.0.0"


@pytest.fixture
def page_cache(app, client, real_cache) -> Iterator[None]:  # noqa: F811
    """Turn the page cache on, empty; `client` makes each test client start with an empty g."""
    app.config["PAGE_CACHE"] = True
    app.extensions["page_cache"].clear()
    try:
        yield
    finally:
        app.config["PAGE_CACHE"] = False
        app.extensions["page_cache"].clear()


def _nonce(response) -> str:
    return re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)


@pytest.mark.parametrize("url", [*PAGES.values(), API])
def test_a_repeat_request_runs_one_query_and_renders_nothing(
    app,
    page_cache,
    queries,  # noqa: F811
    renders,  # noqa: F811
    two_published,  # noqa: F811
    url,
):
    first = app.test_client(use_cookies=False).get(url)
    made, rendered = len(queries), sum(renders.values())
    second = app.test_client(use_cookies=False).get(url)
    assert first.status_code == second.status_code == 200
    selects = [q for q in queries[made:] if q.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 1  # the framework's state, nothing else
    assert "framework_versions" in selects[0]
    assert sum(renders.values()) == rendered
    assert second.headers["ETag"] == first.headers["ETag"]
    if url == API:
        assert second.get_json() == first.get_json()
    else:
        assert _nonce(first) != _nonce(second)
        html = second.get_data(as_text=True)
        assert f'nonce="{_nonce(second)}"' in html
        assert "nonce-slot" not in html
        assert html.replace(_nonce(second), "N") == first.get_data(as_text=True).replace(
            _nonce(first), "N"
        )


def test_a_conditional_get_is_answered_304_from_the_cache(
    app,
    page_cache,
    renders,  # noqa: F811
    two_published,  # noqa: F811
):
    client = app.test_client(use_cookies=False)
    url = PAGES["_show_role_body.html"]
    etag = client.get(url).headers["ETag"]
    client.get(url)
    rendered = sum(renders.values())
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""
    assert "Content-Security-Policy" not in again.headers
    assert sum(renders.values()) == rendered


def test_retiring_or_renaming_is_shown_at_once(
    app,
    db,
    page_cache,
    two_published,  # noqa: F811
):
    client = app.test_client(use_cookies=False)
    url = f"{BASE}/1.0.0"
    for _ in range(2):
        assert "has been retired" not in client.get(url).get_data(as_text=True)
    services.retire_version(two_published, now=utcnow())
    db.session.commit()
    assert "Version 1.0.0 has been retired" in client.get(url).get_data(as_text=True)
    two_published.framework.title = "Renamed framework"
    db.session.commit()
    assert "Renamed framework" in client.get(url).get_data(as_text=True)
    assert "Renamed framework" in client.get(API).get_json()["framework"]["title"]


def test_a_new_release_is_never_answered_from_an_older_copy(
    app,
    page_cache,
    renders,  # noqa: F811
    two_published,  # noqa: F811
):
    client = app.test_client(use_cookies=False)
    url = PAGES["_show_version_body.html"]
    client.get(url)
    client.get(url)
    release = app.config["CACHE_RELEASE"]
    try:
        app.config["CACHE_RELEASE"] = "a-newer-release"
        client.get(url)
    finally:
        app.config["CACHE_RELEASE"] = release
    assert renders["_show_version_body.html"] == 2


def test_a_signed_in_member_never_gets_another_persons_page(
    app,
    create_user,
    page_cache,
    two_published,  # noqa: F811
):
    alice = create_user(name="Alice Aardvark", email="alice@example.org")
    bob = create_user(name="Bob Bittern", email="bob@example.org")
    url = PAGES["_show_skill_body.html"]
    pages: dict[str, list[str]] = {}
    # Each person twice, in turn, so every copy the cache holds has had its chance to leak.
    for _ in range(2):
        for person in (alice, None, bob):
            client = app.test_client()
            if person is not None:
                with client.session_transaction() as session:
                    session["_user_id"] = person.get_id()
                    session["_fresh"] = True
            name = person.name if person else "nobody"
            pages.setdefault(name, []).append(client.get(url).get_data(as_text=True))
    for html in pages["Alice Aardvark"]:
        assert "Alice Aardvark" in html
        assert "Bob" not in html
    for html in pages["Bob Bittern"]:
        assert "Bob Bittern" in html
        assert "Alice" not in html
    for html in pages["nobody"]:
        assert "Alice" not in html
        assert "Bob" not in html
        assert "Sign in" in html


def test_a_page_that_starts_a_session_is_not_kept(
    app,
    page_cache,
    renders,  # noqa: F811
    two_published,  # noqa: F811
):
    # The skills search has a form: its page is the app's to answer each time.
    client = app.test_client(use_cookies=False)
    url = f"{BASE}/1.0.0/skills?q=code"
    for _ in range(2):
        assert client.get(url).status_code == 200
    assert renders["search_skills.html"] == 2
