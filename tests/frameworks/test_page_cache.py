"""Published and retired versions' pages and API documents come from the cache, never stale."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta

import pytest
from cachelib import SimpleCache
from flask import template_rendered
from sqlalchemy import event

from skillsreg.core.caching import cache, release_key
from skillsreg.core.db import utcnow
from skillsreg.extensions import db as database
from skillsreg.frameworks import services
from tests.frameworks.test_document import make_doc
from tests.frameworks.test_views import BASE, import_doc

PAGES = {
    "_show_version_body.html": f"{BASE}/1.0.0",
    "_show_skill_body.html": f"{BASE}/1.0.0/skills/CODS",
    "_show_role_body.html": f"{BASE}/1.0.0/roles/web-manager",
    "_show_changes_body.html": f"{BASE}/changes?from=1.0.0&to=2.0.0",
}


@pytest.fixture
def real_cache(app) -> Iterator[SimpleCache]:
    """Give the app an in-process cache for one test (the suite runs with none)."""
    backends = app.extensions["cache"]
    before = backends[cache]
    backends[cache] = SimpleCache()
    try:
        yield backends[cache]
    finally:
        backends[cache] = before


@pytest.fixture
def renders(app) -> Iterator[Counter]:
    counts: Counter = Counter()

    def count(sender, template, context, **extra):
        counts[template.name.removeprefix("frameworks/")] += 1

    template_rendered.connect(count, app)
    try:
        yield counts
    finally:
        template_rendered.disconnect(count, app)


@pytest.fixture
def queries(app, db) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    engine = database.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


@pytest.fixture
def two_published(db):
    first = import_doc(make_doc())
    newer = make_doc()
    newer["version"]["number"] = "2.0.0"
    import_doc(newer, filename="two.yaml")
    db.session.commit()
    return first


@pytest.mark.parametrize(("body", "url"), PAGES.items())
def test_a_published_page_is_made_once_then_served_from_the_cache(
    client, real_cache, renders, two_published, body, url
):
    first = client.get(url)
    second = client.get(url)
    assert first.status_code == second.status_code == 200
    assert renders[body] == 1
    # Nobody is signed in: the whole page, layout included, is the same for all and cached.
    assert renders["show_" + body.removeprefix("_show_").removesuffix("_body.html") + ".html"] == 1
    assert (
        first.get_data(as_text=True).split("<main")[1]
        == second.get_data(as_text=True).split("<main")[1]
    )


def test_a_new_release_misses_the_cache(app, client, real_cache, renders, two_published):
    client.get(PAGES["_show_version_body.html"])
    release = app.config["CACHE_RELEASE"]
    try:
        app.config["CACHE_RELEASE"] = "a-newer-release"
        client.get(PAGES["_show_version_body.html"])
    finally:
        app.config["CACHE_RELEASE"] = release
    assert renders["_show_version_body.html"] == 2


def test_the_release_key_changes_with_any_template(tmp_path):
    for folder in ("skillsreg", "templates"):
        (tmp_path / folder).mkdir()
    (tmp_path / "templates" / "page.html").write_text("<p>one</p>")
    before = release_key(tmp_path)
    (tmp_path / "templates" / "page.html").write_text("<p>two</p>")
    assert release_key(tmp_path) != before


def test_retiring_a_version_is_shown_at_once(client, db, real_cache, two_published):
    assert "has been retired" not in client.get(f"{BASE}/1.0.0").get_data(as_text=True)
    services.retire_version(two_published, now=utcnow())
    db.session.commit()
    assert "Version 1.0.0 has been retired" in client.get(f"{BASE}/1.0.0").get_data(as_text=True)


def test_consultation_versions_and_organisers_pages_are_not_cached(
    client, db, login_as, member, organiser, real_cache, renders, two_published
):
    from tests.frameworks.test_document import make_child

    draft = import_doc(make_child(), filename="child.yaml")
    now = utcnow()
    services.open_consultation(
        draft, closes_on=now.date() + timedelta(days=14), expected_lock=None, now=now
    )
    db.session.commit()
    login_as(member)
    for _ in range(2):
        assert client.get(f"{BASE}/{draft.number}").status_code == 200
    assert renders["_show_version_body.html"] == 2
    login_as(organiser)
    for _ in range(2):
        assert client.get(f"{BASE}/1.0.0").status_code == 200
    assert renders["_show_version_body.html"] == 4


def test_one_persons_page_never_reaches_another(
    app, db, login_as, create_user, real_cache, renders, two_published
):
    alice = create_user(name="Alice Aardvark", email="alice@example.org")
    bob = create_user(name="Bob Bittern", email="bob@example.org")
    pages = {}
    for person in (alice, bob, None):
        client = app.test_client()
        if person is not None:
            with client.session_transaction() as session:
                session["_user_id"] = person.get_id()
                session["_fresh"] = True
        pages[person.name if person else "nobody"] = client.get(
            PAGES["_show_skill_body.html"]
        ).get_data(as_text=True)
    # Once for signed-in members (Alice's copy served Bob) and once for people not signed in.
    assert renders["_show_skill_body.html"] == 2
    assert "Alice Aardvark" in pages["Alice Aardvark"]
    assert "Alice Aardvark" not in pages["Bob Bittern"]
    assert "Bob Bittern" in pages["Bob Bittern"]
    assert "Alice" not in pages["nobody"]
    assert "Bob" not in pages["nobody"]
    assert "Sign in" in pages["nobody"]


def test_a_conditional_get_is_answered_304_without_making_the_page(
    client, login_as, member, real_cache, renders, two_published
):
    url = PAGES["_show_role_body.html"]
    first = client.get(url)
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "private, no-cache"
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""
    assert "Content-Security-Policy" not in again.headers
    assert sum(renders.values()) == 2  # the first request's page and its body, nothing since
    login_as(member)
    signed_in = client.get(url, headers={"If-None-Match": etag})
    assert signed_in.status_code == 200
    assert signed_in.headers["ETag"] != etag


def test_an_api_version_document_is_built_once(client, real_cache, queries, two_published):
    url = "/api/v1/frameworks/web-professionals/versions/1.0.0"
    first = client.get(url)
    made = len(queries)
    second = client.get(url)
    assert first.status_code == second.status_code == 200
    assert first.get_json() == second.get_json()
    assert len(queries) - made < made
    assert first.headers["ETag"] == second.headers["ETag"]
    assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304


def test_each_cached_page_carries_the_nonce_of_its_own_response(client, real_cache, two_published):
    nonces = []
    for _ in range(2):
        response = client.get(PAGES["_show_version_body.html"])
        policy = response.headers["Content-Security-Policy"]
        nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
        html = response.get_data(as_text=True)
        assert f'nonce="{nonce}"' in html
        assert "nonce-slot" not in html
        nonces.append(nonce)
    assert nonces[0] != nonces[1]
