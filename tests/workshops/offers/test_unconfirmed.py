"""No place is offered to someone whose email address is not confirmed."""

from __future__ import annotations

import pytest

from skillsreg.workshops.models import ChoiceStatus
from skillsreg.workshops.offers import services
from skillsreg.workshops.offers.services import OfferError

from .conftest import NOW
from .test_services import offer_for


def test_an_offer_to_an_unconfirmed_person_is_refused_with_the_reason(
    db, make_workshop, apply, create_user, organiser
):
    workshop = make_workshop()
    choice = apply(
        create_user(confirmed=False, name="Una Confirmed"), workshop, status=ChoiceStatus.SELECTED
    )
    with pytest.raises(OfferError, match="Una Confirmed has not confirmed their email address"):
        services.make_offers([choice], actor=organiser, now=NOW)
    assert choice.status is ChoiceStatus.SELECTED


def test_a_freed_place_skips_unconfirmed_people_on_the_waiting_list(
    db, make_workshop, apply, create_user, organiser
):
    workshop = make_workshop(capacity=1)
    holder = apply(create_user(), workshop)
    services.make_offers([holder], actor=organiser, now=NOW)
    strongest = apply(create_user(confirmed=False), workshop, manages=True, years=20)
    next_best = apply(create_user(), workshop)
    (new,) = services.decline_offer(offer_for(db, holder), now=NOW)
    assert new.choice == next_best
    assert strongest.status is ChoiceStatus.WAITING
