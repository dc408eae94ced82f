"""A cache for what never changes once published: framework version pages and API documents.

Keys start with the release key, a hash of the package version, the Python code, the templates
and the static files computed once at start-up, so a new release (or a changed template) can
never be answered from an older release's copy. Callers add what identifies the content itself
(the version's id, status and edit counter). Only content that is the same for every viewer is
cached; the page around it (the header with the person's name, the CSP nonce) is rendered per
request. A cache that cannot be reached is skipped, never an error.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import logging
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from flask import (
    Flask,
    Response,
    current_app,
    g,
    make_response,
    render_template,
    request,
    session,
)
from flask_caching import Cache
from flask_login import current_user
from markupsafe import Markup

from skillsreg.config import ROOT

# NONCE_SLOT stands for the CSP nonce in whole pages cached for people not signed in; each
# response gets its own nonce in its place (the same in every process, as Redis shares them).
from skillsreg.core.page_cache import (
    NONCE_SLOT,
    PageCache,
    share_response,
    watch_framework_writes,
)

log = logging.getLogger(__name__)
cache = Cache()
T = TypeVar("T")
RELEASE_FOLDERS = ("skillsreg", "templates")
PACKAGES = ("skillsreg", "govuk-frontend-jinja", "govuk-frontend-wtf", "flask-caching")


def release_key(root: Path = ROOT) -> str:
    """Return a short hash of the installed versions and of every code, template and static file."""
    digest = hashlib.sha256()
    for package in PACKAGES:
        digest.update(f"{package}={importlib.metadata.version(package)}\n".encode())
    for folder in RELEASE_FOLDERS:
        for path in sorted((root / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(root)).encode() + b"\0")
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def register_cache(app: Flask) -> None:
    """Bind the cache: Redis when CACHE_REDIS_URL (or REDIS_URL) is set, else in the process."""
    redis_url = app.config.get("CACHE_REDIS_URL") or app.config.get("REDIS_URL")
    app.config.setdefault("CACHE_TYPE", "RedisCache" if redis_url else "SimpleCache")
    if redis_url:
        app.config.setdefault("CACHE_REDIS_URL", redis_url)
    app.config.setdefault("CACHE_KEY_PREFIX", "skillsreg:")
    app.config.setdefault("CACHE_DEFAULT_TIMEOUT", 7 * 24 * 3600)
    cache.init_app(app)
    page_cache = PageCache(app.wsgi_app, app, cache, lambda: release_of(app))
    watch_framework_writes()
    app.extensions["page_cache"] = page_cache
    app.wsgi_app = page_cache  # type: ignore[method-assign]


def current_release() -> str:
    """Return the release key of the current app (computed once per process)."""
    return release_of(current_app)


def release_of(app: Flask) -> str:
    """Return the app's release key, computed on first use in each process."""
    release = app.config.get("CACHE_RELEASE")
    if not release:
        release = app.config["CACHE_RELEASE"] = release_key()
    return str(release)


def content_key(*parts: Any) -> str:
    """Return the cache key of some content: the release key and the parts, hashed."""
    text = json.dumps([current_release(), *parts], default=str)
    return "page:" + hashlib.sha256(text.encode()).hexdigest()


def cached(key: str, make: Callable[[], T]) -> T:
    """Return the cached value for the key, or make it, store it and return it."""
    try:
        found = cache.get(key)
    except Exception:  # a cache that is down must not take the pages with it
        log.warning("The cache could not be read; rendering without it", exc_info=True)
        return make()
    if found is not None:
        return found  # type: ignore[no-any-return]
    value = make()
    try:
        cache.set(key, value)
    except Exception:
        log.warning("The cache could not be written", exc_info=True)
    return value


def viewer_etag(key: str, extra: Iterable[Any] = ()) -> str:
    """Return an ETag for a page made of cached content and this viewer's own page header.

    The header shows the signed-in person's name and a sign-out form with their session's CSRF
    token, so the tag covers those too: another person, or a new session, never gets a 304.
    """
    viewer: list[Any] = ["anonymous"]
    if current_user.is_authenticated:
        token = session.get("csrf_token", "")
        viewer = [
            current_user.id,
            current_user.name,
            hashlib.sha256(str(token).encode()).hexdigest(),
        ]
    text = json.dumps([key, viewer, *extra], default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def not_modified(etag: str) -> bool:
    """Tell whether the request's If-None-Match already holds this ETag (and nothing is flashed)."""
    if session.get("_flashes"):
        return False  # the page would show a message the browser's copy does not have
    return request.if_none_match.contains_weak(etag)


def cached_page(
    template: str, key: str | None, make: Callable[[], dict[str, str]], **context: Any
) -> Response:
    """Render a page whose main content comes from the cache; with no key, render it all now.

    `make` returns the cached part: the page's `body` (HTML) and any other plain strings the
    page around it needs, such as its `title`.

    With a key the page gets a weak ETag (the page around the content is rendered per request,
    with a new CSP nonce) and a conditional GET that matches it is answered 304 at once.
    """
    if key is None:
        return make_response(_render(template, make(), context))
    etag = viewer_etag(key)
    if not_modified(etag):
        response = current_app.response_class(status=304)
    elif current_user.is_authenticated or session.get("_flashes"):
        response = make_response(_render(template, cached(key, make), context))
    else:
        # Nobody signed in: the page around the content is the same for all, so is cached too.
        def whole_page() -> str:
            return _render(template, cached(key, make), {**context, "csp_nonce": NONCE_SLOT})

        page = cached(key + ":page", whole_page)
        response = make_response(page.replace(NONCE_SLOT, g.csp_nonce))
        share_response()  # and the page cache in front of the app may answer it next time
    response.set_etag(etag, weak=True)
    # Stored by the browser only, and checked with the server every time it is shown again.
    response.headers["Cache-Control"] = "private, no-cache"
    response.vary.add("Cookie")
    return response


def _render(template: str, parts: dict[str, str], context: dict[str, Any]) -> str:
    # The body is HTML that Jinja rendered (and escaped) when it was made.
    body = Markup(parts["body"])  # noqa: S704
    return render_template(template, **{**context, **parts, "body": body})
