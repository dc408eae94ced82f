"""Which versions a person may see, and finding a framework's versions by number or `latest`."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from skillsreg.extensions import db
from skillsreg.frameworks.models import (
    Framework,
    FrameworkVersion,
    VersionStatus,
)

LATEST = "latest"


class Access(enum.Enum):
    """What a viewer may do with a version's pages."""

    ALLOWED = "allowed"
    HIDDEN = "hidden"


def access_to(version: FrameworkVersion, viewer: Any) -> Access:
    """Published, retired and consultation versions are for everyone to read (commenting needs
    an account); drafts only for organisers."""
    if version.is_public or getattr(viewer, "is_organiser", False):
        return Access.ALLOWED
    if version.status is VersionStatus.CONSULTATION:
        return Access.ALLOWED
    return Access.HIDDEN


def is_listed(version: FrameworkVersion, viewer: Any) -> bool:
    """Whether a version appears in lists: drafts only for organisers."""
    return access_to(version, viewer) is not Access.HIDDEN


def consultation_is_open(version: FrameworkVersion, today: date) -> bool:
    """Members may still comment on the version."""
    closes_on = version.consultation_closes_on
    return version.status is VersionStatus.CONSULTATION and (
        closes_on is None or today <= closes_on
    )


def find_framework(slug: str) -> Framework | None:
    """A framework with its versions (not their content), in one query."""
    query = (
        sa.select(Framework)
        .where(Framework.slug == slug)
        .options(joinedload(Framework.versions))
        .execution_options(populate_existing=True)
    )
    framework = db.session.scalars(query).unique().one_or_none()
    if framework is not None:
        _link_versions(framework)
    return framework


def _link_versions(framework: Framework) -> None:
    # Set each version's framework and parent from what is loaded, so no page asks again.
    by_id = {version.id: version for version in framework.versions}
    for version in framework.versions:
        set_committed_value(version, "framework", framework)
        parent = by_id.get(version.parent_id) if version.parent_id is not None else None
        set_committed_value(version, "parent", parent)


def newest_first(versions: Iterable[FrameworkVersion]) -> list[FrameworkVersion]:
    return sorted(versions, key=lambda version: version.sort_key, reverse=True)


def latest_published(framework: Framework) -> FrameworkVersion | None:
    """The newest published version, from versions already loaded."""
    published = [v for v in framework.versions if v.status is VersionStatus.PUBLISHED]
    return max(published, key=lambda version: version.sort_key, default=None)


def pick_version(framework: Framework, ref: str) -> FrameworkVersion | None:
    """The version a URL names: a number such as 1.0.0, or `latest` (the latest published)."""
    if ref == LATEST:
        return latest_published(framework)
    return next((v for v in framework.versions if v.number == ref), None)


@dataclass(frozen=True)
class FrameworkSummary:
    framework: Framework
    latest: FrameworkVersion | None
    consultation: FrameworkVersion | None


def list_frameworks() -> list[FrameworkSummary]:
    """Every framework with its latest published version and any open consultation."""
    query = (
        sa.select(Framework)
        .options(joinedload(Framework.versions))
        .order_by(Framework.title)
        .execution_options(populate_existing=True)
    )
    summaries = []
    for framework in db.session.scalars(query).unique():
        _link_versions(framework)
        consultation = next(
            (v for v in framework.versions if v.status is VersionStatus.CONSULTATION), None
        )
        summaries.append(FrameworkSummary(framework, latest_published(framework), consultation))
    return summaries
