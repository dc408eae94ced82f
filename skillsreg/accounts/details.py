"""Members change their own details; a change to a published detail makes the register stale."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from skillsreg.accounts.models import User
from skillsreg.accounts.rules import UK_REGIONS, WEB_GROUPS, Sector
from skillsreg.core.audit import record
from skillsreg.core.errors import DomainError
from skillsreg.extensions import db
from skillsreg.register.queries import consents_of
from skillsreg.register.rules import ConsentField
from skillsreg.register.services import withdraw_snapshots_listing

# The account details a register can publish, by the consent that covers each.
PUBLISHED_AS = {
    "name": ConsentField.NAME,
    "organisation": ConsentField.ORGANISATION,
    "job_title": ConsentField.JOB_TITLE,
    "sector": ConsentField.SECTOR,
    "region": ConsentField.REGION,
}


def change_details(
    user: User,
    *,
    name: str,
    organisation: str,
    job_title: str,
    sector: Sector | str,
    web_groups: Iterable[str],
    region: str | None,
    now: datetime,
    auto_republish: bool = False,
) -> list[str]:
    """Save a member's details; return the names of those that changed.

    If a changed detail is one they agreed to publish, every register listing them is
    withdrawn and the register marked stale, exactly as when consent is withdrawn.
    """
    if region and region not in UK_REGIONS:
        raise DomainError("Select a region from the list", field="region")
    try:
        new_sector = Sector(sector)
    except ValueError:
        raise DomainError("Select the sector you work in", field="sector") from None
    wanted = {
        "name": name.strip(),
        "organisation": organisation.strip(),
        "job_title": job_title.strip(),
        "sector": new_sector,
        "web_groups": [code for code in web_groups if code in WEB_GROUPS],
        "region": region or None,
    }
    for key in ("name", "organisation", "job_title"):
        if not wanted[key]:
            raise DomainError(f"Enter your {key.replace('_', ' ')}", field=key)
    return _apply(user, wanted, now=now, auto_republish=auto_republish)


def _apply(user: User, wanted: dict[str, Any], *, now: datetime, auto_republish: bool) -> list[str]:
    changed = [key for key, value in wanted.items() if getattr(user, key) != value]
    for key in changed:
        setattr(user, key, wanted[key])
    db.session.flush()
    if not changed:
        return changed
    record(
        "account.details_change",
        actor=user,
        subject_type="user",
        subject_id=user.id,
        fields=changed,
    )
    published = consents_of(user)
    if any(PUBLISHED_AS.get(key) in published for key in changed):
        withdraw_snapshots_listing(user, now=now, auto_republish=auto_republish)
    return changed


def set_region(
    user: User, *, region: str | None, now: datetime, auto_republish: bool = False
) -> None:
    """Record the region a member works in, or forget it, as any other change of details."""
    if region and region not in UK_REGIONS:
        raise DomainError("Select a region from the list", field="region")
    _apply(user, {"region": region or None}, now=now, auto_republish=auto_republish)
