"""The WSGI page cache answers repeat requests from people without cookies, never stale."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterator

import pytest
import redis
import sqlalchemy as sa
from cachelib import RedisCache
from werkzeug.test import Client

from skillsreg.core.caching import cache
from skillsreg.core.db import utcnow
from skillsreg.core.page_cache import GENERATION, PageCache
from skillsreg.frameworks import services
from skillsreg.frameworks.models import Framework
from tests.frameworks.test_document import make_doc
from tests.frameworks.test_page_cache import (  # noqa: F401 - fixtures
    PAGES,
    queries,
    real_cache,
    renders,
    two_published,
)
from tests.frameworks.test_views import BASE, import_doc

API = "/api/v1/frameworks/web-professionals/versions/1.0.0"


class Clock:
    """A monotonic clock that only moves when told."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def page_cache(app, client, real_cache) -> Iterator[PageCache]:  # noqa: F811
    """Turn the page cache on, empty, on a still clock; `client` gives each request an empty g."""
    layer = app.extensions["page_cache"]
    before = layer.clock
    app.config["PAGE_CACHE"] = True
    layer.clear()
    layer.clock = Clock()
    try:
        yield layer
    finally:
        app.config["PAGE_CACHE"] = False
        layer.clear()
        layer.clock = before


def _nonce(response) -> str:
    return re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)


@pytest.mark.parametrize("url", [*PAGES.values(), API])
def test_a_repeat_request_runs_no_query_and_renders_nothing(
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
    assert queries[made:] == []
    assert sum(renders.values()) == rendered
    for header in ("ETag", "Cache-Control", "Vary", "Content-Type", "Last-Modified"):
        assert second.headers.get(header) == first.headers.get(header)
    if url == API:
        assert second.get_json() == first.get_json()
        assert second.headers["Cache-Control"] == "public, max-age=3600"
    else:
        # Kept by the browser alone, checked each time, and never shared by a proxy across cookies.
        assert second.headers["Cache-Control"] == "private, no-cache"
        assert "Cookie" in second.headers["Vary"]
        assert _nonce(first) != _nonce(second)
        html = second.get_data(as_text=True)
        assert f'nonce="{_nonce(second)}"' in html
        assert "nonce-slot" not in html
        assert html.replace(_nonce(second), "N") == first.get_data(as_text=True).replace(
            _nonce(first), "N"
        )


@pytest.mark.parametrize("url", [PAGES["_show_role_body.html"], API])
def test_a_conditional_get_is_answered_304_from_the_cache(
    app,
    page_cache,
    queries,  # noqa: F811
    renders,  # noqa: F811
    two_published,  # noqa: F811
    url,
):
    client = app.test_client(use_cookies=False)
    etag = client.get(url).headers["ETag"]
    client.get(url)
    rendered, made = sum(renders.values()), len(queries)
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""
    assert again.headers["ETag"] == etag
    assert "Content-Security-Policy" not in again.headers
    assert sum(renders.values()) == rendered
    assert queries[made:] == []


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


def test_publishing_a_new_version_moves_latest_at_once(app, db, page_cache, two_published):  # noqa: F811
    client = app.test_client(use_cookies=False)
    latest = "/api/v1/frameworks/web-professionals/versions/latest"
    for _ in range(2):
        assert client.get(latest).get_json()["version"]["number"] == "2.0.0"
    doc = make_doc()
    doc["version"].update(number="3.0.0", status="draft", published_on=None)
    draft = import_doc(doc, filename="three.yaml")
    db.session.commit()
    assert client.get(latest).get_json()["version"]["number"] == "2.0.0"
    services.publish_version(draft, expected_lock=None, now=utcnow(), version_url="")
    db.session.commit()
    assert client.get(latest).get_json()["version"]["number"] == "3.0.0"


class HostClient(Client):
    """A WSGI test client asking for the app's own host, as Flask's test client does."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("base_url", "http://skillsreg.test")
        return super().open(*args, **kwargs)


def _another_process(app) -> tuple[PageCache, Client]:
    """The page cache of another worker: its own entries, generation and clock; the same app."""
    mine = app.extensions["page_cache"]
    other = PageCache(mine.wsgi_app, app, cache, mine.release)
    other.clock = Clock()
    return other, HostClient(other)


def _retired(client, url: str) -> bool:
    return "has been retired" in client.get(url).get_data(as_text=True)


def test_another_process_without_a_shared_cache_sees_a_change_within_the_check_interval(
    app,
    db,
    page_cache,
    two_published,  # noqa: F811
):
    other, client = _another_process(app)
    url = f"{BASE}/1.0.0"
    assert not _retired(client, url)
    services.retire_version(two_published, now=utcnow())
    db.session.commit()
    assert _retired(app.test_client(use_cookies=False), url)  # the writing process: at once
    other.clock.now += app.config["PAGE_CACHE_CHECK_SECONDS"] - 0.01
    assert not _retired(client, url)  # the documented bound: up to PAGE_CACHE_CHECK_SECONDS late
    other.clock.now += 0.01
    assert _retired(client, url)


def test_a_bulk_update_through_the_session_is_shown_at_once(
    app,
    db,
    page_cache,
    two_published,  # noqa: F811
):
    client = app.test_client(use_cookies=False)
    url = f"{BASE}/1.0.0"
    for _ in range(2):
        assert "Renamed in bulk" not in client.get(url).get_data(as_text=True)
    db.session.execute(sa.update(Framework).values(title="Renamed in bulk"))
    db.session.commit()
    assert "Renamed in bulk" in client.get(url).get_data(as_text=True)


def test_a_change_written_by_hand_shows_within_the_check_interval(
    app,
    db,
    page_cache,
    two_published,  # noqa: F811
):
    client = app.test_client(use_cookies=False)
    url = f"{BASE}/1.0.0"
    assert not _retired(client, url)
    # SQL typed by hand draws no new generation: the check of the tables is the safety net.
    db.session.execute(sa.text("UPDATE frameworks SET title = 'Renamed by hand'"))
    assert "Renamed by hand" not in client.get(url).get_data(as_text=True)
    page_cache.clock.now += app.config["PAGE_CACHE_CHECK_SECONDS"]
    assert "Renamed by hand" in client.get(url).get_data(as_text=True)


@pytest.fixture
def shared_redis(app, page_cache) -> Iterator[RedisCache]:
    """The cache in the PostgreSQL run's Redis (TEST_JOBS_URL), under a prefix of its own."""
    if not os.environ.get("TEST_DATABASE_URL"):
        pytest.skip("needs the Redis of the PostgreSQL run (TEST_DATABASE_URL, TEST_JOBS_URL)")
    client = redis.Redis.from_url(os.environ.get("TEST_JOBS_URL", "redis://127.0.0.1:6379/3"))
    prefix = f"skillsreg-test-{secrets.token_hex(4)}:"
    backends = app.extensions["cache"]
    before = backends[cache]
    backends[cache] = RedisCache(host=client, key_prefix=prefix, default_timeout=300)
    try:
        yield backends[cache]
    finally:
        backends[cache] = before
        keys = list(client.scan_iter(match=f"{prefix}*"))
        if keys:
            client.delete(*keys)
        client.close()


@pytest.mark.parametrize("url", [f"{BASE}/1.0.0", API])
def test_with_redis_another_process_sees_a_retirement_on_its_next_request(
    app,
    db,
    page_cache,
    shared_redis,
    two_published,  # noqa: F811
    url,
):
    other, client = _another_process(app)
    other.check_seconds = 3600  # so only the generation in Redis can tell it
    for _ in range(2):
        assert client.get(url).status_code == 200
    services.retire_version(two_published, now=utcnow())
    db.session.commit()
    answer = client.get(url)
    if url == API:
        assert answer.get_json()["version"]["status"] == "retired"
    else:
        assert "Version 1.0.0 has been retired" in answer.get_data(as_text=True)


def test_with_redis_a_lost_generation_is_never_an_old_one_again(
    app,
    page_cache,
    renders,  # noqa: F811
    shared_redis,
    two_published,  # noqa: F811
):
    other, client = _another_process(app)
    url = PAGES["_show_role_body.html"]
    for _ in range(2):
        client.get(url)
    generation = shared_redis.get(GENERATION)
    assert generation
    assert renders["_show_role_body.html"] == 1
    shared_redis.delete(GENERATION)  # evicted, or Redis restarted empty
    client.get(url)
    assert shared_redis.get(GENERATION) not in {None, generation}
    assert renders["show_role.html"] == 1  # the app's own cache still had the page (same content)
    assert len(other.local) == 2  # kept under the new generation, beside the old


def test_with_redis_a_page_made_by_one_process_is_answered_by_another(
    app,
    page_cache,
    queries,  # noqa: F811
    shared_redis,
    two_published,  # noqa: F811
):
    url = PAGES["_show_skill_body.html"]
    first = app.test_client(use_cookies=False).get(url)
    _, client = _another_process(app)
    made = len(queries)
    second = client.get(url)
    # Its first check of the tables, then the page from Redis: the app never ran.
    selects = [q for q in queries[made:] if q.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 1
    assert "framework_versions" in selects[0]
    assert second.headers["ETag"] == first.headers["ETag"]
