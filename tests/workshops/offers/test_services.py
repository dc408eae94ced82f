"""Offers, replies, the waiting list that fills freed places, withdrawal and attendance."""

from __future__ import annotations

from datetime import time, timedelta

import icalendar
import pytest
import sqlalchemy as sa

from skillsreg.accounts.rules import Sector
from skillsreg.core.mail import OutboxMessage
from skillsreg.workshops import services as workshop_services
from skillsreg.workshops.models import ChoiceStatus
from skillsreg.workshops.offers import attendance, services
from skillsreg.workshops.offers.models import Offer, OfferStatus
from skillsreg.workshops.offers.replacement import WorkshopRound, waiting_list
from skillsreg.workshops.offers.services import OfferError

from .conftest import LONDON, NOW


def mail_to(db, user) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.recipient == user.email)
            .order_by(OutboxMessage.id)
        )
    )


def token_from(message: OutboxMessage, action: str) -> str:
    for line in message.body_text.splitlines():
        if line.strip().endswith(f"/{action}") and "/workshops/offers/" in line:
            return line.strip().split("/workshops/offers/")[1].split("/")[0]
    raise AssertionError(f"no {action} link in {message.body_text}")


def offer_for(db, choice) -> Offer:
    return db.session.scalars(
        sa.select(Offer).where(Offer.choice_id == choice.id).order_by(Offer.id.desc())
    ).first()


@pytest.fixture
def offered(db, make_workshop, apply, create_user, organiser):
    """A two-place workshop with both places offered and three people waiting."""
    workshop = make_workshop(capacity=2)
    holders = [apply(create_user(), workshop) for _ in range(2)]
    services.make_offers(holders, actor=organiser, now=NOW)
    return workshop, holders


def test_making_offers_emails_single_use_accept_and_decline_links(
    db, app, make_workshop, apply, member, organiser
):
    workshop = make_workshop()
    choice = apply(member, workshop, status=ChoiceStatus.SELECTED)

    (offer,) = services.make_offers([choice], actor=organiser, now=NOW)

    assert choice.status is ChoiceStatus.OFFERED
    assert offer.status is OfferStatus.OFFERED
    assert offer.expires_at == NOW + timedelta(days=5)
    assert offer.offered_by == organiser
    (message,) = mail_to(db, member)
    assert workshop.title in message.subject
    accept, decline = token_from(message, "accept"), token_from(message, "decline")
    assert accept == decline
    assert services.find_offer(accept) == offer
    assert accept not in offer.token_hash  # only the hash is stored


def test_offer_expiry_is_configurable_and_never_after_the_workshop_starts(
    db, app, monkeypatch, make_workshop, apply, create_user, organiser
):
    monkeypatch.setitem(app.config, "OFFER_EXPIRY_DAYS", 2)
    soon = make_workshop(
        starts_at=NOW + timedelta(days=1), ends_at=NOW + timedelta(days=1, hours=3)
    )
    later = make_workshop()
    first = apply(create_user(), later)
    second = apply(create_user(), soon)

    offers = services.make_offers([first, second], actor=organiser, now=NOW)

    assert offers[0].expires_at == NOW + timedelta(days=2)
    assert offers[1].expires_at == soon.starts_at


def test_a_place_already_held_cannot_be_offered_again(db, offered, organiser):
    _, holders = offered
    with pytest.raises(OfferError, match="already holds a place"):
        services.make_offers([holders[0]], actor=organiser, now=NOW)


def test_people_not_selected_are_told_kindly_and_put_on_the_waiting_list(
    db, make_workshop, apply, member, organiser
):
    workshop = make_workshop()
    choice = apply(member, workshop, status=ChoiceStatus.APPLIED)

    services.notify_not_selected([choice], actor=organiser, now=NOW)

    assert choice.status is ChoiceStatus.WAITING
    (message,) = mail_to(db, member)
    assert "waiting list" in message.subject
    assert "sorry" in message.body_text
    assert "/frameworks" in message.body_text
    assert "/workshops/places" in message.body_text


def test_accepting_confirms_the_place_and_emails_a_calendar_invitation(db, offered):
    workshop, holders = offered
    offer = offer_for(db, holders[0])

    services.accept_offer(offer, now=NOW)

    assert holders[0].status is ChoiceStatus.ACCEPTED
    assert offer.status is OfferStatus.ACCEPTED
    assert offer.responded_at == NOW
    user = holders[0].eoi.user
    message = mail_to(db, user)[-1]
    assert message.attachment_type == "text/calendar"
    calendar = icalendar.Calendar.from_ical(message.attachment)
    assert str(calendar["method"]) == "REQUEST"
    (event,) = calendar.walk("VEVENT")
    prefix, signature = str(event["uid"]).removesuffix("@skillsreg").rsplit("-", 1)
    assert prefix == f"workshop-{workshop.id}-user-{user.id}"
    assert len(signature) == 20  # an HMAC under SECRET_KEY: replies must quote it
    assert int(event["sequence"]) == workshop.sequence
    assert event["dtstart"].params["TZID"] == "Europe/London"
    assert event.decoded("dtstart") == workshop.starts_at
    assert event.decoded("dtend") == workshop.ends_at
    assert str(event["organizer"]) == "mailto:workshops@test.invalid"
    assert str(event["attendee"]) == f"mailto:{user.email}"
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]
    assert offer.invitation_sequence == workshop.sequence


def test_an_offer_can_be_accepted_only_once_and_not_after_it_expires(db, offered):
    _, holders = offered
    first, second = (offer_for(db, c) for c in holders)
    services.accept_offer(first, now=NOW)
    with pytest.raises(OfferError, match="already accepted"):
        services.accept_offer(first, now=NOW)
    with pytest.raises(OfferError, match="expired"):
        services.accept_offer(second, now=second.expires_at)
    assert holders[1].status is ChoiceStatus.OFFERED


def test_nobody_can_accept_when_every_place_is_taken(db, make_workshop, apply, create_user):
    workshop = make_workshop(capacity=1)
    choices = [apply(create_user(), workshop) for _ in range(2)]
    for choice in choices:  # more offers than places, as a race between replacements could leave
        services._offer_place(choice, actor=None, now=NOW, days=5, replacement=True)
    services.accept_offer(offer_for(db, choices[0]), now=NOW)
    with pytest.raises(OfferError, match="every place"):
        services.accept_offer(offer_for(db, choices[1]), now=NOW)
    assert choices[1].status is ChoiceStatus.OFFERED


def test_declining_offers_the_place_to_the_best_next_person_not_the_first_in_line(
    db, offered, apply, create_user
):
    workshop, holders = offered
    early = apply(create_user(), workshop, submitted_at=NOW - timedelta(days=30))
    better = apply(create_user(), workshop, manages=True, years=8)

    (new,) = services.decline_offer(offer_for(db, holders[0]), now=NOW)

    assert holders[0].status is ChoiceStatus.DECLINED
    assert new.choice == better
    assert new.is_replacement
    assert better.status is ChoiceStatus.OFFERED
    assert early.status is ChoiceStatus.WAITING
    assert "offered a place" in mail_to(db, better.eoi.user)[-1].subject


def test_the_replacement_keeps_the_sector_share(db, make_workshop, apply, create_user, organiser):
    workshop = make_workshop(capacity=2, max_share_per_sector=50)
    public = apply(create_user(sector=Sector.PUBLIC), workshop)
    private = apply(create_user(sector=Sector.THIRD), workshop)
    stronger_public = apply(create_user(sector=Sector.PUBLIC), workshop, manages=True, years=10)
    weaker_private = apply(create_user(sector=Sector.THIRD), workshop)
    services.make_offers([public, private], actor=organiser, now=NOW)
    services.accept_offer(offer_for(db, public), now=NOW)

    (new,) = services.decline_offer(offer_for(db, private), now=NOW)

    # Half of two places is one: the public sector has its share already.
    assert new.choice == weaker_private
    assert stronger_public.status is ChoiceStatus.WAITING
    assert public.status is ChoiceStatus.ACCEPTED


def test_the_replacement_keeps_the_organisation_limit(
    db, make_workshop, apply, create_user, organiser
):
    workshop = make_workshop(capacity=2, max_per_organisation=1)
    council = apply(create_user(organisation="Leeds City Council"), workshop)
    other = apply(create_user(organisation="Barnsley Council"), workshop)
    colleague = apply(create_user(organisation="leeds city council "), workshop, manages=True)
    outsider = apply(create_user(organisation="Open University"), workshop)
    services.make_offers([council, other], actor=organiser, now=NOW)

    (new,) = services.decline_offer(offer_for(db, other), now=NOW)

    assert new.choice == outsider
    assert colleague.status is ChoiceStatus.WAITING


def test_nobody_holding_a_place_is_moved_when_a_stronger_person_waits(
    db, offered, apply, create_user
):
    workshop, holders = offered
    services.accept_offer(offer_for(db, holders[0]), now=NOW)
    star = apply(create_user(), workshop, manages=True, years=10)

    assert services.fill_places(workshop, now=NOW) == []
    services.decline_offer(offer_for(db, holders[1]), now=NOW)

    assert holders[0].status is ChoiceStatus.ACCEPTED
    assert star.status is ChoiceStatus.OFFERED


def test_people_who_cannot_attend_or_hold_a_place_elsewhere_are_passed_over(
    db, offered, make_workshop, apply, create_user, organiser
):
    workshop, holders = offered
    other = make_workshop()
    busy_user = create_user()
    busy = apply(busy_user, workshop, other, manages=True, years=10)
    services.make_offers([busy.eoi.choices[1]], actor=organiser, now=NOW)
    unable = apply(create_user(), workshop, manages=True, years=10, available=False)
    plain = apply(create_user(), workshop)

    (new,) = services.decline_offer(offer_for(db, holders[0]), now=NOW)

    assert new.choice == plain
    assert busy.status is ChoiceStatus.WAITING
    assert unable.status is ChoiceStatus.WAITING


def test_the_waiting_list_is_shown_in_best_next_order(db, offered, apply, create_user):
    workshop, _ = offered
    plain = apply(create_user(), workshop, submitted_at=NOW - timedelta(days=40))
    manager = apply(create_user(), workshop, manages=True, years=5)
    unable = apply(create_user(), workshop, available=False)

    ordered, blocked = waiting_list(workshop, now=NOW)

    assert ordered == [manager, plain]
    assert blocked == [unable]


def test_expiring_offers_frees_the_places_and_is_safe_to_repeat(db, offered, apply, create_user):
    workshop, holders = offered
    services.accept_offer(offer_for(db, holders[0]), now=NOW)
    waiting = apply(create_user(), workshop)
    late = offer_for(db, holders[1])

    result = services.expire_offers(now=late.expires_at)

    assert result.expired == [late]
    assert late.status is OfferStatus.EXPIRED
    assert holders[1].status is ChoiceStatus.DECLINED
    assert [o.choice for o in result.offered] == [waiting]
    assert "expired" in mail_to(db, holders[1].eoi.user)[-1].subject
    again = services.expire_offers(now=late.expires_at)
    assert again.expired == []
    assert again.offered == []
    assert holders[0].status is ChoiceStatus.ACCEPTED


def test_withdrawing_from_one_workshop_gives_the_place_to_the_waiting_list(
    db, offered, make_workshop, apply, create_user
):
    workshop, holders = offered
    services.accept_offer(offer_for(db, holders[0]), now=NOW)
    waiting = apply(create_user(), workshop)

    (new,) = services.withdraw_choice(holders[0], now=NOW)

    assert holders[0].status is ChoiceStatus.WITHDRAWN
    assert new.choice == waiting
    with pytest.raises(OfferError, match="already withdrawn"):
        services.withdraw_choice(holders[0], now=NOW)


def test_withdrawing_an_open_offer_closes_it(db, offered, apply, create_user):
    workshop, holders = offered
    apply(create_user(), workshop)
    offer = offer_for(db, holders[1])

    services.withdraw_choice(holders[1], now=NOW)

    assert offer.status is OfferStatus.WITHDRAWN


def test_withdrawing_from_the_waiting_list_offers_nothing(db, offered, apply, create_user):
    workshop, _ = offered
    waiting = apply(create_user(), workshop)
    apply(create_user(), workshop)

    assert services.withdraw_choice(waiting, now=NOW) == []


def test_withdrawing_everything_releases_every_place_held(db, offered, apply, create_user):
    workshop, holders = offered
    waiting = apply(create_user(), workshop)

    workshop_services.withdraw_interest(holders[0].eoi, now=NOW)

    assert offer_for(db, holders[0]).status is OfferStatus.WITHDRAWN
    assert waiting.status is ChoiceStatus.OFFERED


def test_attendance_is_recorded_after_the_event_and_ends_the_newcomer_bonus(
    db, make_workshop, apply, create_user, organiser
):
    past = make_workshop(
        starts_at=NOW - timedelta(days=3), ends_at=NOW - timedelta(days=3) + timedelta(hours=2)
    )
    came, stayed_away = (apply(create_user(), past, status=ChoiceStatus.ACCEPTED) for _ in range(2))
    future = make_workshop()
    upcoming = apply(create_user(), future, status=ChoiceStatus.ACCEPTED)
    with pytest.raises(OfferError, match="once the workshop has started"):
        attendance.record_attendance(future, attended={upcoming.id: True}, actor=organiser, now=NOW)

    count = attendance.record_attendance(
        past, attended={came.id: True, stayed_away.id: False}, actor=organiser, now=NOW
    )

    assert count == 2
    assert (came.attended, stayed_away.attended) == (True, False)
    again = apply(came.eoi.user, future)
    fresh = apply(stayed_away.eoi.user, future)
    applicants = {a.id: a for a in WorkshopRound(future, now=NOW).round.applicants}
    assert applicants[str(again.eoi.user_id)].attended_before
    assert not applicants[str(fresh.eoi.user_id)].attended_before


def test_attendance_only_for_confirmed_places(db, make_workshop, apply, create_user, organiser):
    past = make_workshop(starts_at=NOW - timedelta(days=3), ends_at=NOW - timedelta(days=2))
    waiting = apply(create_user(), past)
    with pytest.raises(OfferError, match="confirmed place"):
        attendance.record_attendance(past, attended={waiting.id: True}, actor=organiser, now=NOW)


def test_emailing_attendees_reaches_only_confirmed_places(db, offered, organiser):
    workshop, holders = offered
    services.accept_offer(offer_for(db, holders[0]), now=NOW)

    count = attendance.email_attendees(
        workshop, subject="Lunch", message="Lunch is provided.", actor=organiser, now=NOW
    )

    assert count == 1
    assert mail_to(db, holders[0].eoi.user)[-1].subject == "Lunch"
    assert mail_to(db, holders[1].eoi.user)[-1].subject != "Lunch"
    with pytest.raises(OfferError, match="Enter a message"):
        attendance.email_attendees(workshop, subject="Hi", message=" ", actor=organiser, now=NOW)


def test_changing_the_time_raises_the_sequence_of_later_invitations(db, offered):
    workshop, holders = offered
    before = workshop.sequence
    details = workshop_services.WorkshopDetails(
        title=workshop.title,
        day=workshop.starts_at.astimezone(LONDON).date(),
        start=time(11, 0),
        end=time(16, 0),
        capacity=workshop.capacity,
        closes_on=(workshop.starts_at - timedelta(days=5)).date(),
        venue=workshop.venue,
    )
    workshop_services.update_workshop(workshop, details=details, now=NOW)
    services.accept_offer(offer_for(db, holders[0]), now=NOW)

    calendar = icalendar.Calendar.from_ical(mail_to(db, holders[0].eoi.user)[-1].attachment)
    assert int(calendar.walk("VEVENT")[0]["sequence"]) == before + 1


def test_a_change_of_time_sends_confirmed_attendees_an_updated_invitation(db, offered):
    workshop, holders = offered
    services.accept_offer(offer_for(db, holders[0]), now=NOW)
    first = icalendar.Calendar.from_ical(mail_to(db, holders[0].eoi.user)[-1].attachment)
    details = workshop_services.WorkshopDetails(
        title=workshop.title,
        day=workshop.starts_at.astimezone(LONDON).date(),
        start=time(13, 0),
        end=time(17, 0),
        capacity=workshop.capacity,
        closes_on=(workshop.starts_at - timedelta(days=5)).date(),
        venue="Manchester",
    )

    workshop_services.update_workshop(workshop, details=details, now=NOW)

    message = mail_to(db, holders[0].eoi.user)[-1]
    assert message.subject.startswith("The workshop has changed")
    (old,) = first.walk("VEVENT")
    (new,) = icalendar.Calendar.from_ical(message.attachment).walk("VEVENT")
    assert new["uid"] == old["uid"]
    assert int(new["sequence"]) == int(old["sequence"]) + 1
    assert new.decoded("dtstart").astimezone(LONDON).time() == time(13, 0)
    assert str(new["location"]) == "Manchester"
    offered = mail_to(db, holders[1].eoi.user)[-1].subject
    assert offered.startswith("The workshop you are offered a place at has changed")


def test_links_in_emails_queued_outside_a_request_use_the_base_url(app, db, monkeypatch):
    from skillsreg.workshops.offers.links import external_url

    monkeypatch.setitem(app.config, "SERVER_NAME", None)
    monkeypatch.setitem(app.config, "BASE_URL", "https://skills.example.org")

    assert external_url("offers.accept_offer", token="abc") == (
        "https://skills.example.org/workshops/offers/abc/accept"
    )


@pytest.fixture
def confirmed_round(db, organiser):
    """A confirmed selection round over the given workshops, with its own settings."""
    from skillsreg.workshops.selection.models import RoundStatus, SelectionRound

    def make(*workshops, **settings):
        round_ = SelectionRound(
            title="Autumn round",
            status=RoundStatus.CONFIRMED,
            confirmed_at=NOW,
            confirmed_by=organiser,
            created_by=organiser,
            workshops=list(workshops),
            **settings,
        )
        db.session.add(round_)
        db.session.flush()
        return round_

    return make


def test_replacements_keep_the_organisers_lock_outs_of_a_confirmed_round(
    db, offered, apply, create_user, confirmed_round, organiser
):
    from skillsreg.workshops.selection.models import LockKind, SelectionLock

    workshop, holders = offered
    round_ = confirmed_round(workshop)
    star = apply(create_user(), workshop, manages=True, years=10)
    plain = apply(create_user(), workshop)
    db.session.add(
        SelectionLock(round=round_, user=star.eoi.user, workshop=workshop, kind=LockKind.OUT)
    )
    db.session.flush()

    (new,) = services.decline_offer(offer_for(db, holders[0]), now=NOW)

    assert new.choice == plain
    assert star.status is ChoiceStatus.WAITING


def test_replacements_use_the_weights_of_the_confirmed_round(
    db, offered, apply, create_user, confirmed_round
):
    workshop, holders = offered
    confirmed_round(workshop, weights={"manages_web_team": 0, "years_managing": 0, "newcomer": 9})
    manager = apply(create_user(), workshop, manages=True, years=10)
    newcomer = apply(create_user(), workshop, submitted_at=NOW - timedelta(days=1))
    manager_past = apply(manager.eoi.user, make_past_workshop(db, workshop))
    manager_past.status, manager_past.attended = ChoiceStatus.ACCEPTED, True
    db.session.flush()

    (new,) = services.decline_offer(offer_for(db, holders[0]), now=NOW)

    # With the default weights the manager would win (16 points to 12); this round gives
    # nothing for managing and 9 for being new, and the manager attended last year.
    assert new.choice == newcomer
    assert manager.status is ChoiceStatus.WAITING


def make_past_workshop(db, like):
    from skillsreg.workshops.models import Workshop

    past = Workshop(
        title="Last year",
        slug=f"last-year-{like.id}",
        starts_at=NOW - timedelta(days=300),
        ends_at=NOW - timedelta(days=300) + timedelta(hours=2),
        closes_at=NOW - timedelta(days=310),
        venue="Leeds",
        capacity=5,
        status=like.status,
    )
    db.session.add(past)
    db.session.flush()
    return past


def test_each_person_not_selected_gets_one_kind_email_for_all_their_workshops(
    db, make_workshop, apply, create_user, organiser
):
    first, second = make_workshop(), make_workshop()
    missed = apply(create_user(), first, second, status=ChoiceStatus.APPLIED)
    lucky = apply(create_user(), first, second, status=ChoiceStatus.APPLIED)
    services.make_offers([lucky.eoi.choices[1]], actor=organiser, now=NOW)

    services.notify_not_selected(
        [*missed.eoi.choices, lucky.eoi.choices[0]], actor=organiser, now=NOW
    )

    assert [c.status for c in missed.eoi.choices] == [ChoiceStatus.WAITING] * 2
    assert lucky.status is ChoiceStatus.WAITING
    (message,) = mail_to(db, missed.eoi.user)
    assert f"- {first.title}," in message.body_text
    assert f"- {second.title}," in message.body_text
    # Someone offered a place at another of their workshops is not told they missed out.
    assert [m.subject for m in mail_to(db, lucky.eoi.user)] == [
        f"You are offered a place: {second.title}"
    ]


def test_giving_up_a_confirmed_place_cancels_the_calendar_event(db, offered):
    _, holders = offered
    services.accept_offer(offer_for(db, holders[0]), now=NOW)
    user = holders[0].eoi.user
    invitation = icalendar.Calendar.from_ical(mail_to(db, user)[-1].attachment)

    services.withdraw_choice(holders[0], now=NOW)

    message = mail_to(db, user)[-1]
    assert message.subject.startswith("You have given up your place")
    calendar = icalendar.Calendar.from_ical(message.attachment)
    assert str(calendar["method"]) == "CANCEL"
    (event,) = calendar.walk("VEVENT")
    (original,) = invitation.walk("VEVENT")
    assert event["uid"] == original["uid"]
    assert int(event["sequence"]) > int(original["sequence"])
    assert str(event["status"]) == "CANCELLED"


def test_withdrawing_everything_cancels_a_confirmed_place_too(db, offered):
    _, holders = offered
    services.accept_offer(offer_for(db, holders[0]), now=NOW)

    workshop_services.withdraw_interest(holders[0].eoi, now=NOW)

    calendar = icalendar.Calendar.from_ical(mail_to(db, holders[0].eoi.user)[-1].attachment)
    assert str(calendar["method"]) == "CANCEL"


def test_withdrawing_an_unanswered_offer_sends_no_cancellation(db, offered):
    _, holders = offered

    services.withdraw_choice(holders[1], now=NOW)

    assert [m.attachment for m in mail_to(db, holders[1].eoi.user)] == [None]
