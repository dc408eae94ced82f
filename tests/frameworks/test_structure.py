"""The per-process copy of a public version's content (frameworks.structure)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from skillsreg.core.db import utcnow
from skillsreg.extensions import db as _db
from skillsreg.frameworks import services, structure
from skillsreg.frameworks.models import VersionStatus
from skillsreg.frameworks.store import load_version
from skillsreg.frameworks.structure import cached_keys, version_structure
from tests.assessments.test_services import import_version, publish


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    structure.clear_cache()
    yield
    structure.clear_cache()


@contextmanager
def recorded() -> Iterator[list[str]]:
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    engine = _db.session.get_bind().engine
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


@pytest.fixture
def published(db):
    return import_version("1.0.0")


def test_a_published_versions_structure_is_read_once_and_then_kept(published):
    first = version_structure(published)

    with recorded() as statements:
        again = version_structure(published)

    assert again is first
    assert statements == []
    assert cached_keys() == [(published.id, published.content_hash)]


def test_the_structure_holds_the_versions_content(published):
    loaded = load_version(published.id)
    kept = version_structure(published)

    assert [s.code for s in kept.skills] == [s.code for s in loaded.skills]
    assert [c.code for c in kept.categories] == [c.code for c in loaded.categories]
    assert kept.level_names == {level.number: level.name for level in loaded.levels}
    skill = loaded.skills[0]
    assert kept.skill(skill.code).levels == tuple(skill.levels)
    assert kept.skill(skill.code).descriptor_at(skill.levels[0]) == skill.descriptor_at(
        skill.levels[0]
    )
    for role in loaded.roles:
        for step in role.levels:
            found = kept.role_level(role.code, step.code)
            assert found.expected == step.expected
            assert found.role.name == role.name
    assert kept.role_level("web-manager", "emperor") is None


def _draft(published):
    return services.create_draft(published.framework, actor=None, now=utcnow())


@pytest.mark.parametrize("make", [lambda _: import_version("1.1.0"), _draft])
def test_a_version_under_consultation_or_in_draft_is_never_kept(published, make):
    version = make(published)
    assert version.status in (VersionStatus.CONSULTATION, VersionStatus.DRAFT)

    first = version_structure(version)
    with recorded() as statements:
        again = version_structure(version)

    assert again is not first
    assert statements  # read again each time: its content may change
    assert cached_keys() == []


def test_a_retired_version_is_kept_but_never_its_state(published):
    kept = version_structure(published)
    services.retire_version(published, now=utcnow())

    assert version_structure(published) is kept
    assert not hasattr(kept, "status")


def test_a_published_version_is_kept_under_its_content_hash(published):
    # SQLite gives a rolled-back row's id to the next one, so the id alone is not enough.
    kept = version_structure(published)
    published.content_hash = "0" * 64

    assert version_structure(published) is not kept
    assert (published.id, "0" * 64) in cached_keys()


def test_only_the_most_recently_used_versions_are_kept(published, monkeypatch):
    newer = publish(import_version("1.1.0"))
    monkeypatch.setattr(structure, "CACHED_VERSIONS", 1)

    version_structure(published)
    version_structure(newer)

    assert cached_keys() == [(newer.id, newer.content_hash)]
    monkeypatch.setattr(structure, "CACHED_VERSIONS", 2)
    version_structure(published)
    version_structure(newer)  # used most recently, so the last to go
    assert cached_keys() == [
        (published.id, published.content_hash),
        (newer.id, newer.content_hash),
    ]
