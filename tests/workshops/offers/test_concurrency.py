"""Two people accepting the last place at the same moment: only one gets it (PostgreSQL)."""

from __future__ import annotations

import os
import threading
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from skillsreg.accounts.models import User
from skillsreg.accounts.services import register_user
from skillsreg.core.audit import AuditEvent
from skillsreg.core.db import utcnow
from skillsreg.core.mail import OutboxMessage
from skillsreg.extensions import db
from skillsreg.workshops.models import (
    Choice,
    ChoiceStatus,
    ExpressionOfInterest,
    Workshop,
    WorkshopStatus,
)
from skillsreg.workshops.offers import services
from skillsreg.workshops.offers.models import Offer

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("TEST_DATABASE_URL"), reason="needs PostgreSQL (TEST_DATABASE_URL)"
    ),
]

WAIT = 20  # seconds before a stuck thread fails the test rather than hanging it


def _setup(now) -> tuple[list[int], list[int], int]:
    """Commit a one-place workshop with two people offered it; return user, offer, workshop ids."""
    starts = now + timedelta(days=30)
    workshop = Workshop(
        title="Race",
        slug=f"race-{now.timestamp():.0f}",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        closes_at=now - timedelta(days=1),
        venue="London",
        capacity=1,
        status=WorkshopStatus.PUBLISHED,
    )
    db.session.add(workshop)
    users, offers = [], []
    for n in (1, 2):
        user = register_user(
            name=f"Racer {n}",
            email=f"racer{n}-{now.timestamp():.0f}@example.org",
            password="correct horse battery staple",
            organisation=f"Organisation {n}",
            sector="public",
            job_title="Developer",
            web_groups=[],
            now=now,
            confirmed=True,
        )
        eoi = ExpressionOfInterest(user=user, experience="x", manages_web_team=False)
        eoi.submitted_at = now
        eoi.choices.append(
            Choice(workshop=workshop, rank=1, is_available=True, status=ChoiceStatus.WAITING)
        )
        db.session.add(eoi)
        db.session.flush()
        # Two offers for one place, as an organiser who offers more people than places leaves.
        offer = services._offer_place(eoi.choices[0], actor=None, now=now, days=5, replacement=True)
        users.append(user.id)
        offers.append(offer.id)
    db.session.commit()
    return users, offers, workshop.id


def _cleanup(users: list[int], workshop_id: int, first_mail: int, first_event: int) -> None:
    db.session.execute(sa.delete(User).where(User.id.in_(users)))
    db.session.execute(sa.delete(Workshop).where(Workshop.id == workshop_id))
    db.session.execute(sa.delete(OutboxMessage).where(OutboxMessage.id > first_mail))
    db.session.execute(sa.delete(AuditEvent).where(AuditEvent.id > first_event))
    db.session.commit()


def _waiting_for_a_lock() -> bool:
    with db.engine.connect() as connection:
        return bool(connection.scalar(sa.text("SELECT count(*) FROM pg_locks WHERE NOT granted")))


def test_two_people_accepting_the_last_place_at_once_cannot_both_get_it(app, monkeypatch):
    now = utcnow()
    with app.app_context():
        first_mail = db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.max(OutboxMessage.id), 0))
        )
        first_event = db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(AuditEvent.id), 0)))
        users, offer_ids, workshop_id = _setup(now)
        db.session.remove()

    inside, release = threading.Event(), threading.Event()
    original = services.send_invitation

    def held_open(*args, **kwargs):
        # The first to get this far keeps its transaction open until the other is seen waiting.
        if not inside.is_set():
            inside.set()
            release.wait(WAIT)
        return original(*args, **kwargs)

    monkeypatch.setattr(services, "send_invitation", held_open)
    start = threading.Barrier(2)
    results: dict[int, str] = {}

    def accept(offer_id: int) -> None:
        with app.app_context():
            try:
                offer = db.session.get(Offer, offer_id)
                start.wait(WAIT)
                services.accept_offer(offer, now=now)
                db.session.commit()
                results[offer_id] = "accepted"
            except services.OfferError as error:
                db.session.rollback()
                results[offer_id] = error.message
            finally:
                db.session.remove()

    threads = [threading.Thread(target=accept, args=(i,)) for i in offer_ids]
    try:
        for thread in threads:
            thread.start()
        assert inside.wait(WAIT), "neither request reached the invitation"
        with app.app_context():
            deadline = time.monotonic() + WAIT
            while not _waiting_for_a_lock() and time.monotonic() < deadline:
                time.sleep(0.05)
            blocked = _waiting_for_a_lock()
        release.set()
        for thread in threads:
            thread.join(WAIT)

        assert blocked, "the second request did not wait for the first one's lock"
        assert sorted(results.values()) == [
            "Sorry, every place at this workshop has now been taken",
            "accepted",
        ]
        with app.app_context():
            accepted = db.session.scalar(
                sa.select(sa.func.count(Choice.id)).where(
                    Choice.workshop_id == workshop_id, Choice.status == ChoiceStatus.ACCEPTED
                )
            )
            assert accepted == 1
    finally:
        release.set()
        with app.app_context():
            _cleanup(users, workshop_id, first_mail, first_event)
            db.session.remove()
