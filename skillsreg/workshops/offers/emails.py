"""Emails about places: invitations, their updates and cancellations, shared mail helpers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app

from skillsreg.core.mail import queue_mail
from skillsreg.extensions import db
from skillsreg.workshops import queries
from skillsreg.workshops.models import Choice, ChoiceStatus, Workshop
from skillsreg.workshops.offers.calendar import build_invitation
from skillsreg.workshops.offers.links import external_url
from skillsreg.workshops.offers.models import Offer, OfferStatus


def mail_helpers() -> dict[str, Any]:
    """Date and time formatters for email templates, which may be rendered outside a request."""
    return {"long_date": queries.long_date, "clock": queries.clock}


def consultation_url() -> str:
    """The framework version open for comments, or the list of frameworks when none is."""
    version = queries.consultation_version()
    if version is None:
        return external_url("frameworks.list_frameworks")
    return external_url("frameworks.show_version", slug=queries.FRAMEWORK_SLUG, version=version)


def send_cancellation(choice: Choice, *, now: datetime) -> None:
    """Tell a confirmed attendee who withdrew that their place is given up, and clear calendars."""
    sent = db.session.scalar(
        sa.select(Offer).where(Offer.choice_id == choice.id, Offer.invitation_sequence.is_not(None))
    )
    if sent is None:
        return
    workshop, user = choice.workshop, choice.eoi.user
    config = current_app.config
    ics = build_invitation(
        workshop,
        user,
        organiser_email=config["MAIL_DEFAULT_SENDER"],
        organiser_name=config.get("SERVICE_NAME", "Workshop organisers"),
        url=external_url("workshops.show_workshop", slug=workshop.slug),
        now=now,
        cancel=True,
    )
    queue_mail(
        to=user.email,
        subject=f"You have given up your place: {workshop.title}",
        template="invitation_cancelled",
        attachment=("cancellation.ics", "text/calendar", ics),
        user=user,
        workshop=workshop,
        **mail_helpers(),
    )


def send_invitation(choice: Choice, offer: Offer, *, now: datetime, updated: bool = False) -> None:
    workshop, user = choice.workshop, choice.eoi.user
    config = current_app.config
    places_url = external_url("offers.list_places")
    ics = build_invitation(
        workshop,
        user,
        organiser_email=config["MAIL_DEFAULT_SENDER"],
        organiser_name=config.get("SERVICE_NAME", "Workshop organisers"),
        url=external_url("workshops.show_workshop", slug=workshop.slug),
        now=now,
    )
    offer.invitation_sequence = workshop.sequence
    subject = "The workshop has changed" if updated else "Your place is confirmed"
    queue_mail(
        to=user.email,
        subject=f"{subject}: {workshop.title}",
        template="invitation_updated" if updated else "invitation_place_confirmed",
        attachment=("invitation.ics", "text/calendar", ics),
        user=user,
        workshop=workshop,
        places_url=places_url,
        **mail_helpers(),
    )


def send_updated_invitations(workshop: Workshop, *, now: datetime) -> int:
    """After a change of time or place, send each confirmed attendee the updated invitation."""
    sent = 0
    for choice in workshop.choices:
        if choice.status is not ChoiceStatus.ACCEPTED:
            continue
        offer = db.session.scalar(
            sa.select(Offer).where(
                Offer.choice_id == choice.id, Offer.status == OfferStatus.ACCEPTED
            )
        )
        if offer is None or offer.invitation_sequence == workshop.sequence:
            continue
        send_invitation(choice, offer, now=now, updated=True)
        sent += 1
    db.session.flush()
    return sent
