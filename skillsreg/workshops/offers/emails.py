"""Emails about places: invitations, their updates and cancellations, shared mail helpers."""

from __future__ import annotations

import secrets
from datetime import datetime
from email.utils import parseaddr
from typing import Any

import sqlalchemy as sa
from flask import current_app

from skillsreg.core.mail import OutboxMessage, queue_mail
from skillsreg.extensions import db
from skillsreg.workshops import queries
from skillsreg.workshops.models import Choice, ChoiceStatus, Workshop
from skillsreg.workshops.offers.calendar import build_invitation
from skillsreg.workshops.offers.links import external_url
from skillsreg.workshops.offers.models import Offer, OfferStatus, hash_token


def subject_line(text: str) -> str:
    """A one-line subject that fits the outbox, shortened with an ellipsis if need be."""
    # A line break would start another mail header; a long workshop title would overflow.
    limit = OutboxMessage.__table__.c.subject.type.length
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "\u2026"


def mail_helpers() -> dict[str, Any]:
    """Date and time formatters for email templates, which may be rendered outside a request."""
    return {"long_date": queries.long_date, "clock": queries.clock}


def consultation_url() -> str:
    """The framework version open for comments, or the list of frameworks when none is."""
    version = queries.consultation_version()
    if version is None:
        return external_url("frameworks.list_frameworks")
    return external_url("frameworks.show_version", slug=queries.FRAMEWORK_SLUG, version=version)


def _invitation(choice: Choice, *, now: datetime, cancel: bool = False) -> bytes:
    workshop, user = choice.workshop, choice.eoi.user
    return build_invitation(
        workshop,
        user,
        organiser_email=organiser_address(),
        organiser_name=current_app.config.get("ORGANISER_NAME") or "Workshop organisers",
        url=external_url("workshops.show_workshop", slug=workshop.slug),
        give_up_url=external_url("offers.withdraw_place", choice_id=choice.id),
        now=now,
        cancel=cancel,
    )


def organiser_address() -> str:
    """The organisers' mailbox (ORGANISER_EMAIL, else the sender): where calendar replies go."""
    config = current_app.config
    configured = config.get("ORGANISER_EMAIL") or config["MAIL_DEFAULT_SENDER"]
    # It may be written "Name <address>"; a calendar wants the address alone.
    return parseaddr(configured)[1] or configured


def invitation_for(choice: Choice, *, now: datetime) -> bytes:
    """The invitation a confirmed attendee can download again, as last emailed."""
    return _invitation(choice, now=now)


def send_cancellation(choice: Choice, *, now: datetime, workshop_cancelled: bool = False) -> None:
    """Tell a confirmed attendee their place is given up or cancelled, and clear calendars."""
    sent = db.session.scalar(
        sa.select(Offer).where(Offer.choice_id == choice.id, Offer.invitation_sequence.is_not(None))
    )
    if sent is None:
        return
    workshop, user = choice.workshop, choice.eoi.user
    ics = _invitation(choice, now=now, cancel=True)
    if workshop_cancelled:
        subject, template = "Workshop cancelled", "invitation_workshop_cancelled"
    else:
        subject, template = "You have given up your place", "invitation_cancelled"
    queue_mail(
        to=user.email,
        subject=subject_line(f"{subject}: {workshop.title}"),
        template=template,
        attachment=("cancellation.ics", "text/calendar", ics),
        user=user,
        workshop=workshop,
        consultation_url=consultation_url(),
        **mail_helpers(),
    )


def send_invitation(choice: Choice, offer: Offer, *, now: datetime, updated: bool = False) -> None:
    """Email the invitation for a confirmed place (or its update) and note its sequence."""
    workshop, user = choice.workshop, choice.eoi.user
    places_url = external_url("offers.list_places")
    ics = _invitation(choice, now=now)
    offer.invitation_sequence = workshop.sequence
    subject = "The workshop has changed" if updated else "Your place is confirmed"
    queue_mail(
        to=user.email,
        subject=subject_line(f"{subject}: {workshop.title}"),
        template="invitation_updated" if updated else "invitation_place_confirmed",
        attachment=("invitation.ics", "text/calendar", ics),
        user=user,
        workshop=workshop,
        places_url=places_url,
        **mail_helpers(),
    )


def send_updated_offer(offer: Offer) -> None:
    """Send someone with an open offer its new details, with fresh answer links.

    The links in the earlier email stop working, so the place is only ever accepted by someone
    who has seen the new time and place.
    """
    choice = offer.choice
    workshop, user = choice.workshop, choice.eoi.user
    token = secrets.token_urlsafe(32)
    offer.token_hash = hash_token(token)
    queue_mail(
        to=user.email,
        subject=subject_line(
            f"The workshop you are offered a place at has changed: {workshop.title}"
        ),
        template="offer_updated",
        user=user,
        workshop=workshop,
        offer=offer,
        accept_url=external_url("offers.accept_offer", token=token),
        decline_url=external_url("offers.decline_offer", token=token),
        places_url=external_url("offers.list_places"),
        **mail_helpers(),
    )


def send_updated_invitations(workshop: Workshop, *, now: datetime) -> int:
    """After a change of time or place, tell everyone holding or offered a place.

    Confirmed attendees get the updated invitation; people with an open offer get the new
    details and fresh links to answer.
    """
    sent = 0
    for choice in sorted(workshop.choices, key=lambda c: c.id):
        if choice.status is ChoiceStatus.OFFERED:
            offer = db.session.scalar(
                sa.select(Offer).where(
                    Offer.choice_id == choice.id, Offer.status == OfferStatus.OFFERED
                )
            )
            if offer is not None:
                send_updated_offer(offer)
                sent += 1
            continue
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


def send_closing_date_changed(workshop: Workshop, *, now: datetime) -> int:
    """Tell everyone who has chosen the workshop, and not withdrawn, its new closing date."""
    people = {
        choice.eoi.user
        for choice in workshop.choices
        if choice.status is ChoiceStatus.APPLIED and choice.eoi.withdrawn_at is None
    }
    for user in sorted(people, key=lambda person: person.id):
        queue_mail(
            to=user.email,
            subject=subject_line(f"New closing date: {workshop.title}"),
            template="closing_date_changed",
            user=user,
            workshop=workshop,
            closing=queries.closing_text(workshop),
            has_closed=workshop.closes_at <= now,
            applications_url=external_url("workshops.list_applications"),
            **mail_helpers(),
        )
    return len(people)
