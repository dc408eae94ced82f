"""Read model for a member's home page, in a fixed number of queries whatever they hold."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from skillsreg.accounts.models import User
from skillsreg.assessments import queries as assessment_queries
from skillsreg.assessments.models import Assessment, AssessmentStatus
from skillsreg.extensions import db
from skillsreg.frameworks.models import FrameworkVersion, Role, RoleLevel, VersionStatus
from skillsreg.register import queries as register_queries
from skillsreg.workshops import services as workshop_services
from skillsreg.workshops.models import Choice, ExpressionOfInterest, Workshop
from skillsreg.workshops.offers.models import Offer
from skillsreg.workshops.offers.queries import Place


@dataclass
class HomePage:
    """Everything the home page shows, as plain values and models."""

    drafts: list[Assessment]
    submitted: list[Assessment]
    role_names: dict[tuple[int, str, str], str]
    interest: ExpressionOfInterest | None
    places: list[Place]
    consultations: list[FrameworkVersion]
    suggestions: list[tuple[Workshop, Any, list[Any]]] = field(default_factory=list)
    suggested_from: Assessment | None = None
    consents: list[str] = field(default_factory=list)

    def role_name(self, assessment: Assessment) -> str:
        key = (assessment.version_id, assessment.role_code, assessment.role_level_code)
        return self.role_names.get(key, f"{assessment.role_code}: {assessment.role_level_code}")

    @property
    def offers(self) -> list[Place]:
        """Places waiting for the member's answer."""
        return [place for place in self.places if place.offer is not None]


def _role_names(assessments: list[Assessment]) -> dict[tuple[int, str, str], str]:
    """Each assessment's role and level as the framework names them, in one query."""
    versions = {a.version_id for a in assessments}
    if not versions:
        return {}
    rows = db.session.execute(
        sa.select(Role.version_id, Role.code, RoleLevel.code, Role.name, RoleLevel.name)
        .join(RoleLevel, RoleLevel.role_id == Role.id)
        .where(Role.version_id.in_(versions))
    )
    return {(v, role, level): f"{name}: {level_name}" for v, role, level, name, level_name in rows}


def open_consultations(today: date) -> list[FrameworkVersion]:
    """Framework versions taking comments today, soonest closing first."""
    versions = db.session.scalars(
        sa.select(FrameworkVersion)
        .where(FrameworkVersion.status == VersionStatus.CONSULTATION)
        .where(
            sa.or_(
                FrameworkVersion.consultation_closes_on.is_(None),
                FrameworkVersion.consultation_closes_on >= today,
            )
        )
        .options(joinedload(FrameworkVersion.framework))
        .order_by(FrameworkVersion.consultation_closes_on, FrameworkVersion.id)
    )
    return list(versions)


def upcoming_places(user: User, *, now: datetime) -> list[Place]:
    """The member's choices of workshops still to come, in sent applications, with each choice's
    latest offer: two queries however many there are."""
    choices = db.session.scalars(
        sa.select(Choice)
        .join(ExpressionOfInterest, Choice.eoi_id == ExpressionOfInterest.id)
        .join(Workshop, Choice.workshop_id == Workshop.id)
        .where(ExpressionOfInterest.user_id == user.id)
        .where(ExpressionOfInterest.submitted_at.is_not(None))
        .where(Workshop.starts_at > now)
        .options(joinedload(Choice.workshop), joinedload(Choice.eoi))
        .order_by(Workshop.starts_at, Choice.id)
    ).all()
    latest: dict[int, Offer] = {}
    if choices:
        offers = sa.select(Offer).where(Offer.choice_id.in_([c.id for c in choices]))
        for offer in db.session.scalars(offers.order_by(Offer.id)):
            latest[offer.choice_id] = offer
    return [Place(choice, latest.get(choice.id), now) for choice in choices]


def _current_interest(user: User, now: datetime) -> ExpressionOfInterest | None:
    """The expression of interest still in progress (a draft), with its workshops."""
    interest = workshop_services.current_interest(user, now=now)
    return interest if interest is not None and not interest.is_submitted else None


def home_page(user: User, *, now: datetime) -> HomePage:
    """The member's assessments, applications, offers, consultations, suggestions and choices."""
    assessments = assessment_queries.assessments_of(user)
    submitted = [a for a in assessments if a.status is AssessmentStatus.SUBMITTED]
    page = HomePage(
        drafts=[a for a in assessments if a.status is not AssessmentStatus.SUBMITTED],
        submitted=submitted,
        role_names=_role_names(assessments),
        interest=_current_interest(user, now),
        places=upcoming_places(user, now=now),
        consultations=open_consultations(now.date()),
        consents=register_queries.consent_labels(user),
    )
    if submitted:
        view = assessment_queries.assessment_view(submitted[0])
        if view is not None:
            page.suggested_from = submitted[0]
            page.suggestions = assessment_queries.suggested_workshops(view, now=now)
    return page
