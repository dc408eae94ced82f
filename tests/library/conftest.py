"""Fixtures of the library tests: a real WebDAV server and a fake CKAN portal on 127.0.0.1."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from skillsreg.core.db import utcnow
from skillsreg.extensions import db as _db
from skillsreg.library.models import PublishingTarget, TargetKind
from tests.library.fake_ckan import FakeCkan
from tests.library.servers import ThreadedServer, webdav_app

DAV_USER, DAV_PASSWORD = "publisher", "dav secret 1"
CKAN_TOKEN = "ckan-token-123"


@pytest.fixture
def dav_root(tmp_path: Path) -> Path:
    root = tmp_path / "dav"
    root.mkdir()
    return root


@pytest.fixture
def dav_server(dav_root: Path) -> Iterator[ThreadedServer]:
    """WsgiDAV with basic authentication, serving dav_root."""
    server = ThreadedServer(webdav_app(dav_root, users={DAV_USER: DAV_PASSWORD}))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def fake_ckan() -> Iterator[tuple[FakeCkan, ThreadedServer]]:
    portal = FakeCkan(api_key=CKAN_TOKEN, organisations=["web-community"])
    server = ThreadedServer(portal)
    portal.base_url = server.url
    server.start()
    yield portal, server
    server.stop()


@pytest.fixture
def make_target(db: Any, monkeypatch: pytest.MonkeyPatch) -> Callable[..., PublishingTarget]:
    """Add a publishing target; its secret goes in an environment variable, never the row."""

    def make(kind: TargetKind, base_url: str, *, secret: str | None = None, **fields: Any):
        env = f"SKILLSREG_TEST_SECRET_{uuid.uuid4().hex[:8].upper()}"
        if secret is not None:
            monkeypatch.setenv(env, secret)
        target = PublishingTarget(
            name=fields.pop("name", f"{kind.value} target"),
            kind=kind,
            base_url=base_url,
            secret_env=env if secret is not None else "",
            created_at=utcnow(),
            updated_at=utcnow(),
            **fields,
        )
        _db.session.add(target)
        _db.session.flush()
        return target

    return make


@pytest.fixture
def dav_target(make_target: Callable[..., PublishingTarget], dav_server: ThreadedServer):
    return make_target(
        TargetKind.WEBDAV,
        dav_server.url,
        secret=DAV_PASSWORD,
        username=DAV_USER,
        folder="published/registers",
        name="Community Nextcloud",
    )


@pytest.fixture
def ckan_target(make_target: Callable[..., PublishingTarget], fake_ckan: Any):
    _portal, server = fake_ckan
    return make_target(
        TargetKind.CKAN,
        server.url,
        secret=CKAN_TOKEN,
        folder="web-community",
        dataset_prefix="skills-",
        name="Open data portal",
    )
