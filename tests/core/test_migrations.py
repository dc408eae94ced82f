"""Migrations and models agree, on SQLite and (with TEST_DATABASE_URL) on PostgreSQL."""

from __future__ import annotations

import re

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from skillsreg.core.db import render_migration_item
from skillsreg.extensions import db


def test_migrations_and_models_have_no_difference(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"compare_type": True, "render_item": render_migration_item},
        )
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_every_migration_file_is_named_by_date_and_slug(app):
    from pathlib import Path

    versions = Path(app.root_path).parent / "migrations" / "versions"
    names = [p.name for p in versions.glob("*.py")]
    assert names
    for name in names:
        date, time, revision, *slug = name.removesuffix(".py").split("_")
        assert re.fullmatch(r"\d{8}", date), name
        assert re.fullmatch(r"\d{4}", time), name
        assert revision, name
        assert slug, name
