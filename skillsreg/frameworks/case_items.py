"""Resolve the URIs of the CASE export: a CFItem's URI answers with that item's JSON."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa

from skillsreg.extensions import db
from skillsreg.frameworks.exchange import case_item, case_item_id
from skillsreg.frameworks.models import FrameworkVersion, VersionStatus


def _identifiers(version: FrameworkVersion, base_url: str) -> set[str]:
    slug, number = version.framework.slug, version.number
    found = {
        case_item_id(base_url, slug, number, "category", c.code)[0] for c in version.categories
    }
    for skill in version.skills:
        found.add(case_item_id(base_url, slug, number, "skill", skill.code)[0])
        found.update(
            case_item_id(base_url, slug, number, "descriptor", f"{skill.code}/{level.number}")[0]
            for level in version.levels
        )
    return found


def find_case_item(identifier: str, *, base_url: str) -> dict[str, Any] | None:
    """The CFItem of a published or retired version with this identifier, or None."""
    from skillsreg.frameworks.services import export_version

    versions = db.session.scalars(
        sa.select(FrameworkVersion).where(
            FrameworkVersion.status.in_([VersionStatus.PUBLISHED, VersionStatus.RETIRED])
        )
    )
    for version in versions:
        if identifier in _identifiers(version, base_url):
            package = json.loads(export_version(version, "case", base_url=base_url))
            return case_item(package, identifier)
    return None
