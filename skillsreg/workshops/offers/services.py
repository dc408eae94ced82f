"""Offers of places, replies to them, the waiting list that fills freed places, and attendance."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from skillsreg.accounts.models import User
from skillsreg.core import audit
from skillsreg.core.errors import DomainError
from skillsreg.core.mail import queue_mail
from skillsreg.extensions import db
from skillsreg.workshops.models import (
    PLACE_HOLDING,
    Choice,
    ChoiceStatus,
    Workshop,
    WorkshopStatus,
)
from skillsreg.workshops.offers.emails import (
    consultation_url,
    mail_helpers,
    send_cancellation,
    send_invitation,
    subject_line,
)
from skillsreg.workshops.offers.links import external_url
from skillsreg.workshops.offers.models import Offer, OfferStatus, hash_token
from skillsreg.workshops.offers.replacement import WorkshopRound

DEFAULT_EXPIRY_DAYS = 5


class OfferError(DomainError):
    """An offer cannot be made, answered or changed as asked."""


def _token_hash(token: str) -> str:
    return hash_token(token)


def _expiry_days(days: int | None) -> int:
    if days is not None:
        return days
    return int(current_app.config.get("OFFER_EXPIRY_DAYS", DEFAULT_EXPIRY_DAYS))


def lock_workshop(workshop_id: int) -> Workshop:
    """Lock the workshop row, so places are counted and given out one request at a time."""
    # On PostgreSQL a second request waits here until the first commits; SQLite has a
    # single writer anyway.
    workshop = db.session.scalar(
        sa.select(Workshop)
        .where(Workshop.id == workshop_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if workshop is None:
        raise OfferError("This workshop no longer exists")
    return workshop


def _offer_place(
    choice: Choice, *, actor: User | None, now: datetime, days: int, replacement: bool
) -> Offer:
    workshop = choice.workshop
    token = secrets.token_urlsafe(32)
    expires_at = min(now + timedelta(days=days), workshop.starts_at)
    offer = Offer(
        choice=choice,
        token_hash=_token_hash(token),
        status=OfferStatus.OFFERED,
        offered_at=now,
        expires_at=expires_at,
        is_replacement=replacement,
        offered_by=actor,
    )
    choice.status = ChoiceStatus.OFFERED
    db.session.add(offer)
    db.session.flush()
    user = choice.eoi.user
    queue_mail(
        to=user.email,
        subject=subject_line(f"You are offered a place: {workshop.title}"),
        template="offer_made",
        user=user,
        workshop=workshop,
        offer=offer,
        accept_url=external_url("offers.accept_offer", token=token),
        decline_url=external_url("offers.decline_offer", token=token),
        places_url=external_url("offers.list_places"),
        **mail_helpers(),
    )
    audit.record(
        "workshop.offer_made",
        actor=actor,
        subject_type="workshop_choice",
        subject_id=choice.id,
        workshop_id=workshop.id,
        replacement=replacement,
    )
    return offer


def _check_room(workshop: Workshop, choices: Sequence[Choice], *, now: datetime) -> None:
    """Refuse offers for a workshop that is not running or has too few free places."""
    if workshop.status is not WorkshopStatus.PUBLISHED:
        raise OfferError(f"{workshop.title} is not open: places cannot be offered")
    if workshop.starts_at <= now:
        raise OfferError(f"{workshop.title} has already started: places cannot be offered")
    held = db.session.scalar(
        sa.select(sa.func.count(Choice.id)).where(
            Choice.workshop_id == workshop.id, Choice.status.in_(PLACE_HOLDING)
        )
    )
    free = workshop.capacity - (held or 0)
    if len(choices) > free:
        raise OfferError(
            f"{workshop.title} has {max(free, 0)} free place{'' if free == 1 else 's'}: "
            f"{len(choices)} cannot be offered"
        )


def make_offers(
    choices: Sequence[Choice], *, actor: User, now: datetime, expiry_days: int | None = None
) -> list[Offer]:
    """Offer each chosen applicant their place and email them accept and decline links."""
    days = _expiry_days(expiry_days)
    for choice in choices:
        if choice.status in PLACE_HOLDING:
            raise OfferError(f"{choice.eoi.user.name} already holds a place at this workshop")
        if choice.status is ChoiceStatus.WITHDRAWN or choice.eoi.is_withdrawn:
            raise OfferError(f"{choice.eoi.user.name} has withdrawn")
        if not choice.eoi.user.is_confirmed:
            raise OfferError(
                f"{choice.eoi.user.name} has not confirmed their email address: "
                "a place cannot be offered until they do"
            )
    by_workshop: dict[int, list[Choice]] = {}
    for choice in choices:
        by_workshop.setdefault(choice.workshop_id, []).append(choice)
    for workshop_id in sorted(by_workshop):
        _check_room(lock_workshop(workshop_id), by_workshop[workshop_id], now=now)
    return [
        _offer_place(choice, actor=actor, now=now, days=days, replacement=False)
        for choice in choices
    ]


def notify_not_selected(choices: Sequence[Choice], *, actor: User, now: datetime) -> None:
    """Put applicants who were not given a place on the waiting list and tell them kindly.

    Each person gets one email listing their workshops; someone given a place at another of
    their workshops is put on the waiting list without being told they missed out.
    """
    consultation = consultation_url()
    by_person: dict[int, list[Choice]] = {}
    for choice in choices:
        if choice.status in PLACE_HOLDING or choice.status is ChoiceStatus.WITHDRAWN:
            continue
        choice.status = ChoiceStatus.WAITING
        by_person.setdefault(choice.eoi.user_id, []).append(choice)
    db.session.flush()
    told = 0
    for waiting in by_person.values():
        eoi = waiting[0].eoi
        if any(c.status in PLACE_HOLDING for c in eoi.choices):
            continue
        ranked = sorted(waiting, key=lambda c: c.rank)
        # Someone who said they cannot come on a date is never offered that place: the
        # waiting list would be an empty promise, so they are pointed to the consultation.
        workshops = [c.workshop for c in ranked if c.is_available is not False]
        unavailable = [c.workshop for c in ranked if c.is_available is False]
        queue_mail(
            to=eoi.user.email,
            subject=(
                "Workshop places: you are on the waiting list"
                if workshops
                else "Workshop places: thank you for your interest"
            ),
            template="not_selected_waiting",
            user=eoi.user,
            workshops=workshops,
            unavailable=unavailable,
            consultation_url=consultation,
            places_url=external_url("offers.list_places"),
            **mail_helpers(),
        )
        told += 1
    audit.record(
        "workshop.not_selected_told",
        actor=actor,
        subject_type="workshop_choice",
        choice_ids=sorted(c.id for waiting in by_person.values() for c in waiting),
        told=told,
    )


def fill_places(
    workshop: Workshop, *, now: datetime, expiry_days: int | None = None
) -> list[Offer]:
    """Offer every free place to the best next person on the waiting list who keeps the limits.

    Nobody holding a place is moved: the replacement is chosen among people waiting only.
    """
    workshop = lock_workshop(workshop.id)
    if workshop.status is not WorkshopStatus.PUBLISHED or workshop.starts_at <= now:
        return []
    days = _expiry_days(expiry_days)
    offers: list[Offer] = []
    while True:
        view = WorkshopRound(workshop, now=now)
        if view.free_places <= 0:
            return offers
        choice = view.best_next()
        if choice is None:
            return offers
        offers.append(_offer_place(choice, actor=None, now=now, days=days, replacement=True))


def find_offer(token: str) -> Offer | None:
    """The offer an emailed link is for, whatever its state."""
    return db.session.scalar(sa.select(Offer).where(Offer.token_hash == _token_hash(token)))


def _check_open(offer: Offer, *, now: datetime) -> None:
    if offer.status is OfferStatus.ACCEPTED:
        raise OfferError("You have already accepted this place")
    if offer.status is not OfferStatus.OFFERED:
        raise OfferError(f"This offer can no longer be answered: it was {offer.status.value}")
    if offer.expires_at <= now:
        raise OfferError("Sorry, this offer has expired")
    if offer.choice.workshop.status is WorkshopStatus.CANCELLED:
        raise OfferError("Sorry, this workshop has been cancelled")


def accept_offer(offer: Offer, *, now: datetime) -> Offer:
    """Confirm the place, unless every place has been taken, and email the invitation."""
    workshop = lock_workshop(offer.choice.workshop_id)
    db.session.refresh(offer)
    db.session.refresh(offer.choice)
    _check_open(offer, now=now)
    accepted = db.session.scalar(
        sa.select(sa.func.count(Choice.id)).where(
            Choice.workshop_id == workshop.id, Choice.status == ChoiceStatus.ACCEPTED
        )
    )
    if (accepted or 0) >= workshop.capacity:
        raise OfferError("Sorry, every place at this workshop has now been taken")
    offer.status = OfferStatus.ACCEPTED
    offer.responded_at = now
    offer.choice.status = ChoiceStatus.ACCEPTED
    db.session.flush()
    send_invitation(offer.choice, offer, now=now)
    audit.record(
        "workshop.offer_accepted",
        actor=offer.choice.eoi.user,
        subject_type="workshop_offer",
        subject_id=offer.id,
    )
    return offer


def decline_offer(offer: Offer, *, now: datetime) -> list[Offer]:
    """Give the place back and offer it to the best next person; return the new offers."""
    workshop = lock_workshop(offer.choice.workshop_id)
    db.session.refresh(offer)
    _check_open(offer, now=now)
    offer.status = OfferStatus.DECLINED
    offer.responded_at = now
    offer.choice.status = ChoiceStatus.DECLINED
    db.session.flush()
    audit.record(
        "workshop.offer_declined",
        actor=offer.choice.eoi.user,
        subject_type="workshop_offer",
        subject_id=offer.id,
    )
    return fill_places(workshop, now=now)


@dataclass(frozen=True)
class ExpiryResult:
    """What one run of expiring offers did."""

    expired: list[Offer]
    offered: list[Offer]


def expire_offers(*, now: datetime, expiry_days: int | None = None) -> ExpiryResult:
    """Expire unanswered offers past their date and offer those places again; safe to repeat."""
    due = db.session.scalars(
        sa.select(Offer)
        .where(Offer.status == OfferStatus.OFFERED, Offer.expires_at <= now)
        .order_by(Offer.id)
    ).all()
    expired: list[Offer] = []
    workshops: dict[int, Workshop] = {}
    for offer in due:
        workshop = lock_workshop(offer.choice.workshop_id)
        db.session.refresh(offer)
        if offer.status is not OfferStatus.OFFERED:
            continue  # answered while this run waited for the lock
        offer.status = OfferStatus.EXPIRED
        offer.responded_at = now
        offer.choice.status = ChoiceStatus.DECLINED
        user = offer.choice.eoi.user
        queue_mail(
            to=user.email,
            subject=subject_line(f"Your offer of a place has expired: {workshop.title}"),
            template="offer_expired",
            user=user,
            workshop=workshop,
            offer=offer,
            **mail_helpers(),
        )
        expired.append(offer)
        workshops[workshop.id] = workshop
    db.session.flush()
    offered: list[Offer] = []
    for workshop in workshops.values():
        offered += fill_places(workshop, now=now, expiry_days=expiry_days)
    if expired:
        audit.record(
            "workshop.offers_expired",
            actor=None,
            subject_type="workshop_offer",
            subject_id=",".join(str(o.id) for o in expired)[:80],
            count=len(expired),
        )
    return ExpiryResult(expired=expired, offered=offered)


def open_offer_of(choice: Choice) -> Offer | None:
    """The offer this choice is waiting to answer, if any."""
    return db.session.scalar(
        sa.select(Offer).where(Offer.choice_id == choice.id, Offer.status == OfferStatus.OFFERED)
    )


def withdraw_choice(choice: Choice, *, now: datetime) -> list[Offer]:
    """Withdraw the member from one workshop; a place they held goes to the waiting list."""
    if choice.status is ChoiceStatus.WITHDRAWN or choice.eoi.is_withdrawn:
        raise OfferError("You have already withdrawn from this workshop")
    workshop = lock_workshop(choice.workshop_id)
    if workshop.starts_at <= now:
        raise OfferError("This workshop has already started, so you cannot withdraw from it")
    db.session.refresh(choice)
    held = choice.status in PLACE_HOLDING
    if choice.status is ChoiceStatus.ACCEPTED:
        send_cancellation(choice, now=now)
    offer = open_offer_of(choice)
    if offer is not None:
        offer.status = OfferStatus.WITHDRAWN
        offer.responded_at = now
    choice.status = ChoiceStatus.WITHDRAWN
    db.session.flush()
    audit.record(
        "workshop.place_withdrawn",
        actor=choice.eoi.user,
        subject_type="workshop_choice",
        subject_id=choice.id,
    )
    return fill_places(workshop, now=now) if held else []


def release_places(choices: Sequence[Choice], *, now: datetime) -> list[Offer]:
    """After a whole expression of interest is withdrawn, refill the places its choices held."""
    offers: list[Offer] = []
    for choice in choices:
        send_cancellation(choice, now=now)
        offer = open_offer_of(choice)
        if offer is not None:
            offer.status = OfferStatus.WITHDRAWN
            offer.responded_at = now
    db.session.flush()
    for workshop_id in sorted({c.workshop_id for c in choices}):
        workshop = db.session.get(Workshop, workshop_id)
        if workshop is not None:
            offers += fill_places(workshop, now=now)
    return offers
