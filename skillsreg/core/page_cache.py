"""Answer repeat requests for published framework pages before Flask does any work.

A WSGI layer in front of the app. A page or API document about published or retired versions
is the same for everyone who is not signed in, so once the app has answered it (and said, with
`share_response()`, that the answer may be shared) the layer keeps the bytes and its headers
and answers the next request for the same address itself: no session, user, CSRF token,
template or ORM object. What it asks the database for each time is one small query: the
framework's details and every version's status and edit counter, the same facts the pages'
own cache keys cover. Its key is the release (code, templates and packages), that state, the
scheme, host and address, so a publish, a retirement, an edit or a new release can never be
answered from an older copy.

Only requests without cookies or credentials are answered here: anyone with a session or a
"remember me" cookie (a signed-in member, or a visitor whose page showed a form) goes through
the app as usual, so no one is ever given a page made for someone else. Each answer gets its
own CSP nonce. Entries live in a small per-process LRU in front of the shared cache.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

import sqlalchemy as sa
from flask import Flask, g, request

log = logging.getLogger(__name__)
SHARE = "skillsreg.share_response"  # environ key: the nonce the shareable response was made with
NONCE_SLOT = "skillsreg-csp-nonce-slot"
# /frameworks/<slug>/... and /api/v1/frameworks/<slug>/versions/...: the pages it may answer
FRAMEWORK_PATH = re.compile(r"^/(?:api/v1/)?frameworks/([a-z0-9-]+)/.")
STATE = sa.text(
    "SELECT f.id, f.title, f.description, f.licence, f.owner, v.id, v.number, v.status,"
    " v.lock_version, v.content_hash, v.updated_at, v.published_at, v.retired_at"
    " FROM frameworks f LEFT JOIN framework_versions v ON v.framework_id = f.id"
    " WHERE f.slug = :slug ORDER BY v.id"
)
# Requests with these go to the app: credentials, and the conditions and ranges only it answers.
PASSED_ON = (
    "HTTP_COOKIE",
    "HTTP_AUTHORIZATION",
    "HTTP_IF_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_UNMODIFIED_SINCE",
    "HTTP_IF_RANGE",
    "HTTP_RANGE",
)
StartResponse = Callable[..., Any]
Entry = tuple[str, list[tuple[str, str]], bytes, str]  # status, headers, body, etag


def share_response() -> None:
    """Say that this request's response is the same for every visitor who is not signed in."""
    request.environ[SHARE] = g.get("csp_nonce") or ""


class LRU:
    """A small thread-safe least-recently-used map."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[str, Entry] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> Entry | None:
        """Return the entry for the key, or None."""
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: str, value: Entry) -> None:
        """Store an entry, dropping the least recently used past the size."""
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


class PageCache:
    """The WSGI layer; `app.wsgi_app = PageCache(app.wsgi_app, app)`."""

    def __init__(self, wsgi_app: Callable[..., Iterable[bytes]], app: Flask) -> None:
        self.wsgi_app = wsgi_app
        self.app = app
        self.local = LRU(int(app.config.get("PAGE_CACHE_ENTRIES", 512)))

    def clear(self) -> None:
        """Forget every page this process keeps."""
        self.local = LRU(self.local.size)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """Answer from the cache when the request may be, else let the app answer (and keep it)."""
        found = FRAMEWORK_PATH.match(environ.get("PATH_INFO", ""))
        if (
            found is None
            or not self.app.config["PAGE_CACHE"]
            or environ.get("REQUEST_METHOD") != "GET"
            or any(environ.get(name) for name in PASSED_ON)
        ):
            return self.wsgi_app(environ, start_response)
        key = self._key(environ, found.group(1))
        if key is None:
            return self.wsgi_app(environ, start_response)
        entry = self.local.get(key) or self._shared_get(key)
        if entry is not None:
            return self._answer(entry, environ, start_response)
        return self._keep(key, environ, start_response)

    def _key(self, environ: dict[str, Any], slug: str) -> str | None:
        from skillsreg.core.caching import current_release
        from skillsreg.extensions import db

        try:
            with self.app.app_context():
                rows = db.session.execute(STATE, {"slug": slug}).all()
                release = current_release()
        except Exception:  # the app will answer (and say what is wrong) itself
            log.warning("The page cache could not read the framework's state", exc_info=True)
            return None
        if not rows:
            return None
        parts = [
            release,
            repr([tuple(row) for row in rows]),
            environ.get("wsgi.url_scheme", ""),
            environ.get("HTTP_HOST", ""),
            environ.get("SCRIPT_NAME", ""),
            environ.get("PATH_INFO", ""),
            environ.get("QUERY_STRING", ""),
        ]
        return "early:" + hashlib.sha256("\0".join(parts).encode()).hexdigest()

    def _shared_get(self, key: str) -> Entry | None:
        from skillsreg.core.caching import cache

        try:
            with self.app.app_context():
                entry: Entry | None = cache.get(key)
        except Exception:
            log.warning("The cache could not be read", exc_info=True)
            return None
        if entry is not None:
            self.local.put(key, entry)
        return entry

    def _keep(
        self, key: str, environ: dict[str, Any], start_response: StartResponse
    ) -> Iterable[bytes]:
        """Let the app answer; keep the answer if it said it may be shared."""
        answer: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            answer["status"], answer["headers"] = status, headers
            return start_response(status, headers, exc_info)

        chunks = self.wsgi_app(environ, capture)
        nonce = environ.get(SHARE)
        headers = answer.get("headers", [])
        if nonce is None or not answer.get("status", "").startswith("200"):
            return chunks
        if any(name.lower() == "set-cookie" for name, _ in headers):
            return chunks  # the app started a session: this answer is someone's
        try:
            body = b"".join(chunks)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
        self._store(key, answer["status"], headers, body, nonce)
        return [body]

    def _store(
        self, key: str, status: str, headers: list[tuple[str, str]], body: bytes, nonce: str
    ) -> None:
        def template(text: str) -> str:
            return text.replace(nonce, NONCE_SLOT) if nonce else text

        kept = [(name, template(value)) for name, value in headers]
        etag = next((value for name, value in headers if name.lower() == "etag"), "")
        if nonce:
            body = body.replace(nonce.encode(), NONCE_SLOT.encode())
        entry: Entry = (status, kept, body, etag)
        self.local.put(key, entry)
        from skillsreg.core.caching import cache

        try:
            with self.app.app_context():
                cache.set(key, entry)
        except Exception:
            log.warning("The cache could not be written", exc_info=True)

    def _answer(
        self, entry: Entry, environ: dict[str, Any], start_response: StartResponse
    ) -> Iterable[bytes]:
        status, headers, body, etag = entry
        nonce = secrets.token_urlsafe(16)
        if etag and _matches(environ.get("HTTP_IF_NONE_MATCH", ""), etag):
            kept = [
                (name, value)
                for name, value in headers
                if name.lower() not in {"content-length", "content-type", "content-security-policy"}
            ]
            start_response("304 NOT MODIFIED", kept)
            return []
        text = body.replace(NONCE_SLOT.encode(), nonce.encode())
        sent = [
            (name, str(len(text)) if name.lower() == "content-length" else value)
            for name, value in headers
        ]
        start_response(status, [(name, value.replace(NONCE_SLOT, nonce)) for name, value in sent])
        return [text]


def _matches(if_none_match: str, etag: str) -> bool:
    """Tell whether an If-None-Match header names the ETag (weak comparison)."""
    if not if_none_match:
        return False
    wanted = etag.removeprefix("W/")
    return any(tag.strip() in {"*", wanted, f"W/{wanted}"} for tag in if_none_match.split(","))
