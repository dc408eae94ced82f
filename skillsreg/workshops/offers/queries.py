"""Read models for the offers pages: attendees, offers, a member's places, the CSV export."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from skillsreg.accounts.models import User
from skillsreg.core.spreadsheets import safe_cell
from skillsreg.extensions import db
from skillsreg.workshops.models import (
    Choice,
    ChoiceStatus,
    ExpressionOfInterest,
    Workshop,
    WorkshopStatus,
)
from skillsreg.workshops.offers.models import Offer, OfferStatus
from skillsreg.workshops.queries import in_london


def short_date(moment: datetime) -> str:
    """27 November 2026, in London: for narrow table cells."""
    local = in_london(moment)
    return f"{local.day} {local:%B %Y}"


def attendees(workshop: Workshop) -> list[Choice]:
    """Everyone with a confirmed place, by name."""
    return sorted(
        (c for c in workshop.choices if c.status is ChoiceStatus.ACCEPTED),
        key=lambda c: (c.eoi.user.name.casefold(), c.id),
    )


def offers_of(workshop: Workshop) -> list[Offer]:
    """Every offer made for the workshop's places, newest first."""
    return list(
        db.session.scalars(
            sa.select(Offer)
            .join(Choice, Offer.choice_id == Choice.id)
            .where(Choice.workshop_id == workshop.id)
            .order_by(Offer.offered_at.desc(), Offer.id.desc())
        )
    )


def status_label(choice: Choice, last_offer: Offer | None) -> str:
    """A member-facing state of one choice, telling an expired offer from a declined one."""
    if choice.workshop.status is WorkshopStatus.CANCELLED:
        return "Workshop cancelled"
    if (
        choice.status is ChoiceStatus.DECLINED
        and last_offer is not None
        and last_offer.status is OfferStatus.EXPIRED
    ):
        return "Offer expired"
    return choice.status.label


def last_offer_of(choice: Choice) -> Offer | None:
    """The latest offer made for this choice, if it had one."""
    return db.session.scalar(
        sa.select(Offer).where(Offer.choice_id == choice.id).order_by(Offer.id.desc()).limit(1)
    )


def choice_status_label(choice: Choice) -> str:
    """The member-facing state of a choice, for pages listing a member's applications."""
    return status_label(choice, last_offer_of(choice))


@dataclass(frozen=True)
class Place:
    """One of a member's workshop choices, with its latest offer, if it had one."""

    choice: Choice
    last_offer: Offer | None
    now: datetime

    @property
    def offer(self) -> Offer | None:
        """The offer waiting for the member's answer, if any."""
        if self.last_offer is None or not self.last_offer.is_open:
            return None
        return self.last_offer if self.last_offer.expires_at > self.now else None

    @property
    def status_label(self) -> str:
        return status_label(self.choice, self.last_offer)

    @property
    def has_started(self) -> bool:
        return self.choice.workshop.starts_at <= self.now

    @property
    def is_cancelled(self) -> bool:
        return self.choice.workshop.status is WorkshopStatus.CANCELLED

    @property
    def has_invitation(self) -> bool:
        return self.choice.status is ChoiceStatus.ACCEPTED and not self.is_cancelled

    @property
    def can_withdraw(self) -> bool:
        if self.has_started or self.is_cancelled or self.choice.eoi.is_withdrawn:
            return False
        return self.choice.status in (
            ChoiceStatus.APPLIED,
            ChoiceStatus.SELECTED,
            ChoiceStatus.WAITING,
            ChoiceStatus.OFFERED,
            ChoiceStatus.ACCEPTED,
        )


def places_of(user: User, *, now: datetime) -> list[Place]:
    """The member's choices in submitted expressions of interest, soonest workshop first."""
    choices = db.session.scalars(
        sa.select(Choice)
        .join(ExpressionOfInterest, Choice.eoi_id == ExpressionOfInterest.id)
        .join(Workshop, Choice.workshop_id == Workshop.id)
        .where(ExpressionOfInterest.user_id == user.id)
        .where(ExpressionOfInterest.submitted_at.is_not(None))
        .order_by(Workshop.starts_at, Choice.id)
    ).all()
    latest: dict[int, Offer] = {}
    for offer in db.session.scalars(
        sa.select(Offer).where(Offer.choice_id.in_([c.id for c in choices])).order_by(Offer.id)
    ):
        latest[offer.choice_id] = offer
    return [Place(choice, latest.get(choice.id), now) for choice in choices]


def own_choice(user: User, choice_id: int) -> Choice | None:
    """One of the member's own choices, or None (also for anyone else's)."""
    choice = db.session.get(Choice, choice_id)
    if choice is None or choice.eoi.user_id != user.id or choice.eoi.submitted_at is None:
        return None
    return choice


def _cell(value: object) -> str:
    return safe_cell(value)


def attendees_csv(workshop: Workshop) -> str:
    """The attendee list as CSV for a spreadsheet, access needs included for the organisers."""
    out = io.StringIO()
    out.write("\ufeff")  # so Excel reads the UTF-8 of names like Zoë
    writer = csv.writer(out)
    writer.writerow(
        ["Name", "Email", "Organisation", "Sector", "Job title", "Access needs", "Attended"]
    )
    for choice in attendees(workshop):
        user = choice.eoi.user
        attended = {True: "yes", False: "no", None: ""}[choice.attended]
        row = [
            user.name,
            user.email,
            user.organisation,
            user.sector.label,
            user.job_title,
            choice.eoi.access_needs or "",
            attended,
        ]
        writer.writerow([_cell(value) for value in row])
    return out.getvalue()
