"""Answer repeat requests for published framework pages before Flask does any work.

A WSGI layer in front of the app. A page or API document about published or retired versions
is the same for everyone who is not signed in, so once the app has answered it (and said, with
`share_response()`, that the answer may be shared) the layer keeps the bytes and its headers
and answers the next request for the same address itself: no session, user, CSRF token,
template, ORM object or database query.

Its key is the release (code, templates and packages), the frameworks' state generation, the
scheme, host and address. The generation is a random token that changes after every commit that
wrote a framework or a framework version (publish, retire, a rename, an import, an edit): when
the cache backend is shared (Redis) the writing process puts a new one there, which every
process reads on each request, so the change shows on the next request everywhere; otherwise
(or if Redis cannot be written) it draws one for itself. The key also holds a fingerprint of
those tables, which each process reads from the database at most once every
`PAGE_CACHE_CHECK_SECONDS`: with a cache kept in each process (no Redis) that is how other
processes learn of a change, and with Redis it bounds how long a change made without a new
token (a failed write to Redis, SQL typed by hand) can go unseen.

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
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

import sqlalchemy as sa
from cachelib import BaseCache, NullCache, SimpleCache
from flask import Flask, current_app, g, has_app_context, request
from flask_caching import Cache
from sqlalchemy import event, orm

log = logging.getLogger(__name__)
SHARE = "skillsreg.share_response"  # environ key: the nonce the shareable response was made with
NONCE_SLOT = "skillsreg-csp-nonce-slot"
# /frameworks/<slug>/... and /api/v1/frameworks/<slug>/versions/...: the pages it may answer
FRAMEWORK_PATH = re.compile(r"^/(?:api/v1/)?frameworks/([a-z0-9-]+)/.")
# The rows every cached page's key stands for: a write to either table draws a new generation.
STATE_TABLES = frozenset({"frameworks", "framework_versions"})
STATE = sa.text(
    "SELECT f.id, f.slug, f.title, f.description, f.licence, f.owner, v.id, v.number, v.status,"
    " v.lock_version, v.content_hash, v.updated_at, v.published_at, v.retired_at"
    " FROM frameworks f LEFT JOIN framework_versions v ON v.framework_id = f.id"
    " ORDER BY f.id, v.id"
)
GENERATION = "page-generation"  # its key in the shared cache backend
CHANGED = "skillsreg.frameworks_changed"  # session.info flag: this transaction wrote STATE_TABLES
# Backends that keep nothing another process can see.
PROCESS_LOCAL = (SimpleCache, NullCache)
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
# status, headers, the body in the parts between its nonces, etag
Entry = tuple[str, list[tuple[str, str]], list[bytes], str]


def share_response() -> None:
    """Say that this request's response is the same for every visitor who is not signed in."""
    request.environ[SHARE] = g.get("csp_nonce") or ""


class LRU:
    """A small thread-safe least-recently-used map."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[str, Entry] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

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
    """The WSGI layer; `app.wsgi_app = PageCache(app.wsgi_app, app, cache, release)`."""

    def __init__(
        self,
        wsgi_app: Callable[..., Iterable[bytes]],
        app: Flask,
        cache: Cache,
        release: Callable[[], str],
    ) -> None:
        self.wsgi_app = wsgi_app
        self.app = app
        self.cache = cache
        self.release = release
        self.local = LRU(int(app.config.get("PAGE_CACHE_ENTRIES", 512)))
        self.check_seconds = float(app.config.get("PAGE_CACHE_CHECK_SECONDS", 1.0))
        self.clock: Callable[[], float] = time.monotonic
        self.generation = ""  # this process's own part: see bump()
        self._state: tuple[float, str] | None = None  # when the tables were read, their hash

    def clear(self) -> None:
        """Forget every page this process keeps."""
        self.local = LRU(self.local.size)
        self._state = None

    def bump(self) -> None:
        """Start a new generation: the frameworks' state changed (called after the commit).

        With a shared cache the new generation is put there, for every process; the one this
        process keeps for itself is then empty, so all processes make the same keys and share
        their entries. Without one, or if it cannot be written, this process draws its own.
        """
        self._state = None
        backend = self.backend()
        if not isinstance(backend, PROCESS_LOCAL):
            try:
                backend.set(GENERATION, secrets.token_hex(8), timeout=0)
            except Exception:  # other processes see the change at their next check of the tables
                log.warning("The cache could not be told the frameworks changed", exc_info=True)
            else:
                self.generation = ""
                return
        self.generation = secrets.token_hex(8)

    def backend(self) -> BaseCache:
        """The cache backend the app uses now (tests swap it)."""
        found: BaseCache = self.app.extensions["cache"][self.cache]
        return found

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """Answer from the cache when the request may be, else let the app answer (and keep it)."""
        if (
            not FRAMEWORK_PATH.match(environ.get("PATH_INFO", ""))
            or not self.app.config["PAGE_CACHE"]
            or environ.get("REQUEST_METHOD") != "GET"
            or any(environ.get(name) for name in PASSED_ON)
        ):
            return self.wsgi_app(environ, start_response)
        backend = self.backend()
        key = self._key(environ, backend)
        if key is None:
            return self.wsgi_app(environ, start_response)
        entry = self.local.get(key) or self._shared_get(key, backend)
        if entry is not None:
            return self._answer(entry, environ, start_response)
        return self._keep(key, environ, start_response)

    def _key(self, environ: dict[str, Any], backend: BaseCache) -> str | None:
        generation = self._shared_generation(backend)
        state = self._state_hash()
        if generation is None or state is None:
            return None
        parts = [
            self.release(),
            self.generation,
            generation,
            state,
            environ.get("wsgi.url_scheme", ""),
            environ.get("HTTP_HOST", ""),
            environ.get("SCRIPT_NAME", ""),
            environ.get("PATH_INFO", ""),
            environ.get("QUERY_STRING", ""),
        ]
        return "early:" + hashlib.sha256("\0".join(parts).encode()).hexdigest()

    def _shared_generation(self, backend: BaseCache) -> str | None:
        """The generation every process shares: one read of the shared cache, or None if down."""
        if isinstance(backend, PROCESS_LOCAL):
            return ""
        try:
            found = backend.get(GENERATION)
            if found is None:  # never set, evicted or lost: a new one, never an old one again
                backend.add(GENERATION, secrets.token_hex(8), timeout=0)
                found = backend.get(GENERATION)
        except Exception:  # the app will answer (and skip the cache) itself
            log.warning("The page cache could not read the generation", exc_info=True)
            return None
        return None if found is None else str(found)

    def _state_hash(self) -> str | None:
        """A hash of the frameworks' state, read from the database at most every check_seconds."""
        now = self.clock()
        known = self._state
        if known is not None and now - known[0] < self.check_seconds:
            return known[1]
        from skillsreg.extensions import db

        try:
            with self.app.app_context():
                rows = db.session.execute(STATE).all()
        except Exception:  # the app will answer (and say what is wrong) itself
            log.warning("The page cache could not read the frameworks' state", exc_info=True)
            return None
        state = hashlib.sha256(repr([tuple(row) for row in rows]).encode()).hexdigest()
        self._state = (now, state)
        return state

    def _shared_get(self, key: str, backend: BaseCache) -> Entry | None:
        try:
            entry: Entry | None = backend.get(key)
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
        parts = body.split(nonce.encode()) if nonce else [body]
        entry: Entry = (status, kept, parts, etag)
        self.local.put(key, entry)
        try:
            self.backend().set(key, entry)
        except Exception:
            log.warning("The cache could not be written", exc_info=True)

    def _answer(
        self, entry: Entry, environ: dict[str, Any], start_response: StartResponse
    ) -> Iterable[bytes]:
        status, headers, parts, etag = entry
        nonce = secrets.token_urlsafe(16)
        if etag and _matches(environ.get("HTTP_IF_NONE_MATCH", ""), etag):
            kept = [
                (name, value)
                for name, value in headers
                if name.lower() not in {"content-length", "content-type", "content-security-policy"}
            ]
            start_response("304 NOT MODIFIED", kept)
            return []
        text = nonce.encode().join(parts)
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


def watch_framework_writes() -> None:
    """Draw a new generation after each commit that wrote a framework or a version (once)."""
    if event.contains(orm.Session, "after_commit", _after_commit):
        return
    for change in ("after_insert", "after_update", "after_delete"):
        event.listen(orm.Mapper, change, _row_written)  # every mapped class
    event.listen(orm.Session, "do_orm_execute", _statement_run)
    event.listen(orm.Session, "after_commit", _after_commit)
    event.listen(orm.Session, "after_rollback", _after_rollback)


def _row_written(mapper: orm.Mapper[Any], connection: Any, target: Any) -> None:
    if mapper.local_table.name in STATE_TABLES:  # type: ignore[attr-defined]
        session = orm.object_session(target)
        if session is not None:
            session.info[CHANGED] = True


def _statement_run(state: orm.ORMExecuteState) -> None:
    """Bulk UPDATE and DELETE statements run through the session count as writes too."""
    if state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if getattr(table, "name", None) in STATE_TABLES:
            state.session.info[CHANGED] = True


def _after_commit(session: orm.Session) -> None:
    if session.info.pop(CHANGED, False) and has_app_context():
        page_cache = current_app.extensions.get("page_cache")
        if page_cache is not None:
            page_cache.bump()


def _after_rollback(session: orm.Session) -> None:
    session.info.pop(CHANGED, None)
