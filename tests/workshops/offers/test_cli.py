"""`flask workshops expire-offers`: expires what is due, offers the places again, repeatable."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from skillsreg.workshops.models import ChoiceStatus
from skillsreg.workshops.offers import services
from skillsreg.workshops.offers.models import Offer, OfferStatus

from .conftest import NOW


def test_expire_offers_expires_due_offers_and_offers_the_places_again(
    db, runner, make_workshop, apply, create_user, organiser, mailbox, run_jobs
):
    workshop = make_workshop(capacity=1)
    late = apply(create_user(), workshop)
    (offer,) = services.make_offers([late], actor=organiser, now=NOW - timedelta(days=6))
    waiting = apply(create_user(email="next@example.org"), workshop)
    db.session.commit()
    run_jobs()  # the requests that made the offers sent their mail
    mailbox.clear()

    result = runner.invoke(args=["workshops", "expire-offers"])
    run_jobs()

    assert result.exit_code == 0, result.output
    assert f"expired: offer {offer.id}" in result.output
    assert f"offered: {workshop.slug} to next@example.org" in result.output
    assert "1 expired, 1 offered from waiting lists; their emails are queued" in result.output
    assert offer.status is OfferStatus.EXPIRED
    assert late.status is ChoiceStatus.DECLINED
    assert waiting.status is ChoiceStatus.OFFERED
    assert sorted(m["To"] for m in mailbox.messages) == sorted(
        [late.eoi.user.email, "next@example.org"]
    )


def test_expire_offers_run_again_does_nothing(db, runner, make_workshop, apply, create_user):
    workshop = make_workshop(capacity=1)
    choice = apply(create_user(), workshop)
    services.make_offers([choice], actor=create_user(), now=NOW)
    db.session.commit()

    first = runner.invoke(args=["workshops", "expire-offers"])
    second = runner.invoke(args=["workshops", "expire-offers"])

    assert "0 expired, 0 offered from waiting lists" in first.output
    assert first.output == second.output
    assert db.session.scalar(sa.select(Offer.status)) is OfferStatus.OFFERED
