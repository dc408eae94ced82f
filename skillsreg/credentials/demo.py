"""Demo credentials for `make run`: the demo member attended a workshop three weeks ago, and the
reviews demo validated their self-assessment; each gives them a signed credential."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from skillsreg.accounts.services import find_user_by_email
from skillsreg.credentials import services
from skillsreg.credentials.keys import SigningKeyError
from skillsreg.credentials.models import Credential, CredentialKind
from skillsreg.extensions import db
from skillsreg.frameworks.services import find_framework, latest_published
from skillsreg.reviews.queries import validated_levels
from skillsreg.workshops.models import (
    Choice,
    ChoiceStatus,
    ExpressionOfInterest,
    Workshop,
    WorkshopStatus,
)

DEMO_MEMBER = "member@example.gov.uk"
DEMO_WORKSHOP = "Accessible content clinic, Leeds"
DEMO_SKILLS = ["ACCS", "CONT", "EDIT"]


def load_demo_credentials(now: datetime, *, config: Any) -> int:
    """Give the demo member an attendance and a validated-level credential, once; return how
    many were issued (none without a signing key)."""
    member = find_user_by_email(DEMO_MEMBER)
    framework = find_framework("web-professionals")
    version = latest_published(framework) if framework else None
    if member is None or version is None:
        return 0
    try:
        signer = services.signer_from_config(config)
    except SigningKeyError:
        return 0  # `make run` makes a key first; `flask demo load` alone may run without one
    issued = 0
    if not _has(member.id, CredentialKind.ATTENDANCE):
        workshop = _attended_workshop(member, version, now)
        credential = services.issue_attendance_credential(
            workshop, member, signer=signer, actor=None, now=now
        )
        credential.is_public = True
        issued += 1
    if not _has(member.id, CredentialKind.SKILL_LEVEL):
        levels = validated_levels(member.id)  # the reviews demo made a validated assessment
        if levels:
            services.issue_skill_level_credential(
                member,
                services.facts_of(levels[0]),
                signer=signer,
                valid_until=now + timedelta(days=365 * config["CREDENTIALS_SKILL_LEVEL_YEARS"]),
                actor=member,
                now=now,
            )
            issued += 1
    db.session.flush()
    return issued


def _has(user_id: int, kind: CredentialKind) -> bool:
    query = sa.select(Credential.id).where(Credential.user_id == user_id, Credential.kind == kind)
    return db.session.scalar(query.limit(1)) is not None


def _attended_workshop(member: Any, version: Any, now: datetime) -> Workshop:
    """A workshop held three weeks before loading, with the member recorded as attending."""
    start = (now - timedelta(days=21)).replace(hour=10, minute=0, second=0, microsecond=0)
    known = {skill.code for skill in version.skills}
    workshop = Workshop(
        title=DEMO_WORKSHOP,
        slug=f"accessible-content-clinic-leeds-{start:%Y-%m-%d}",
        description="A hands-on morning testing and fixing the accessibility of council pages.",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        closes_at=start - timedelta(days=7),
        venue="Leeds Central Library",
        address="Municipal Buildings\nCalverley Street\nLeeds\nLS1 3AB",
        capacity=12,
        status=WorkshopStatus.PUBLISHED,
        published_at=start - timedelta(days=30),
        target_version_id=version.id,
        target_skill_codes=[code for code in DEMO_SKILLS if code in known],
    )
    eoi = ExpressionOfInterest(user_id=member.id, submitted_at=start - timedelta(days=10))
    db.session.add_all([workshop, eoi])
    db.session.flush()
    db.session.add(
        Choice(
            eoi_id=eoi.id,
            workshop_id=workshop.id,
            rank=1,
            status=ChoiceStatus.ACCEPTED,
            attended=True,
            attendance_recorded_at=start + timedelta(hours=4),
        )
    )
    db.session.flush()
    db.session.refresh(workshop)
    return workshop
