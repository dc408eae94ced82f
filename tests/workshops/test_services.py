"""Workshop services: creating and publishing workshops, and expressions of interest."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from skillsreg.accounts.rules import Sector
from skillsreg.workshops import services
from skillsreg.workshops.models import ChoiceStatus, WorkshopStatus
from skillsreg.workshops.services import InterestError, WorkshopDetails, WorkshopError
from tests.clock import NOW

pytestmark = pytest.mark.usefixtures("pinned_clock")


def details(**overrides) -> WorkshopDetails:
    values = {
        "title": "Drafting the web professionals skills framework",
        "day": date(2026, 11, 27),
        "start": time(10, 0),
        "end": time(16, 0),
        "capacity": 24,
        "closes_on": date(2026, 11, 25),
        "venue": "London",
    }
    values.update(overrides)
    return WorkshopDetails(**values)


@pytest.fixture
def make_workshop(db, organiser):
    def make(publish: bool = True, **overrides):
        workshop = services.create_workshop(actor=organiser, details=details(**overrides), now=NOW)
        if publish:
            services.publish_workshop(workshop, now=NOW)
        return workshop

    return make


@pytest.fixture
def london(make_workshop):
    return make_workshop()


@pytest.fixture
def barnsley(make_workshop):
    return make_workshop(
        title="Breakfast event",
        day=date(2026, 12, 1),
        start=time(9, 30),
        end=time(12, 30),
        closes_on=date(2026, 11, 29),
        venue="Barnsley",
    )


def complete(eoi, workshops, *, now=NOW):
    services.choose_workshops(
        eoi, workshop_ids=[w.id for w in workshops], wants_to_comment_on_draft=False, now=now
    )
    services.rank_choices(
        eoi,
        ranks={w.id: n for n, w in enumerate(workshops, start=1)},
        availability={w.id: True for w in workshops},
        now=now,
    )
    services.answer_questions(
        eoi,
        experience="I run the council's web team",
        manages_web_team=True,
        years_managing=6,
        share_assessment=False,
        access_needs="Step-free access",
        now=now,
    )
    return services.submit_interest(eoi, now=now)


def test_creating_a_workshop_stores_london_times_in_utc(organiser, db):
    workshop = services.create_workshop(actor=organiser, details=details(), now=NOW)
    assert workshop.status is WorkshopStatus.DRAFT
    assert workshop.slug == "drafting-the-web-professionals-skills-framework-2026-11-27"
    assert workshop.starts_at == datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
    assert workshop.closes_at == datetime(2026, 11, 26, 0, 0, tzinfo=UTC)
    assert workshop.created_by == organiser


def test_summer_times_are_converted_from_british_summer_time(organiser, db):
    workshop = services.create_workshop(
        actor=organiser, details=details(day=date(2027, 6, 2), closes_on=date(2027, 6, 1)), now=NOW
    )
    assert workshop.starts_at == datetime(2027, 6, 2, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"end": time(9, 0)}, "end"),
        ({"closes_on": date(2026, 11, 27)}, "closes_on"),
        ({"venue": "", "is_online": False}, "venue"),
        ({"eligible_sectors": []}, "eligible_sectors"),
        ({"target_role_codes": ["web-manager"]}, "target_version_id"),
        ({"target_version_id": 999_999}, "target_version_id"),
    ],
)
def test_invalid_workshop_details_are_refused(organiser, db, overrides, field):
    with pytest.raises(WorkshopError) as error:
        services.create_workshop(actor=organiser, details=details(**overrides), now=NOW)
    assert error.value.field == field


def test_the_same_title_on_the_same_day_is_refused(make_workshop):
    make_workshop()
    with pytest.raises(WorkshopError, match="already exists"):
        make_workshop()


def test_publishing_lists_the_workshop_once(make_workshop):
    workshop = make_workshop(publish=False)
    services.publish_workshop(workshop, now=NOW)
    assert workshop.status is WorkshopStatus.PUBLISHED
    assert workshop.is_open(NOW)
    with pytest.raises(WorkshopError, match="not a draft"):
        services.publish_workshop(workshop, now=NOW)


def test_a_workshop_past_its_closing_date_cannot_be_published(make_workshop):
    workshop = make_workshop(publish=False)
    with pytest.raises(WorkshopError, match="closing date has passed"):
        services.publish_workshop(workshop, now=NOW + timedelta(days=3))


def test_moving_a_workshop_bumps_its_calendar_sequence(london):
    services.update_workshop(london, details=details(description="Bring a laptop"), now=NOW)
    assert london.sequence == 0
    services.update_workshop(london, details=details(start=time(10, 30)), now=NOW)
    assert london.sequence == 1


def test_a_member_expresses_interest_in_several_workshops_in_one_journey(member, london, barnsley):
    eoi = complete(services.start_interest(member, now=NOW), [barnsley, london])
    assert eoi.is_submitted
    assert [(c.workshop, c.rank, c.status) for c in eoi.choices] == [
        (barnsley, 1, ChoiceStatus.APPLIED),
        (london, 2, ChoiceStatus.APPLIED),
    ]
    assert eoi.years_managing == 6
    assert eoi.access_needs == "Step-free access"
    assert services.start_interest(member, now=NOW) is eoi


def test_ranks_must_be_one_to_the_number_of_workshops(member, london, barnsley):
    eoi = services.start_interest(member, now=NOW)
    services.choose_workshops(
        eoi, workshop_ids=[london.id, barnsley.id], wants_to_comment_on_draft=False, now=NOW
    )
    with pytest.raises(InterestError, match="different rank from 1 to 2"):
        services.rank_choices(
            eoi,
            ranks={london.id: 1, barnsley.id: 1},
            availability={london.id: True, barnsley.id: False},
            now=NOW,
        )


def test_managers_must_say_for_how_long(member, london):
    eoi = services.start_interest(member, now=NOW)
    with pytest.raises(InterestError) as error:
        services.answer_questions(
            eoi,
            experience="x",
            manages_web_team=True,
            years_managing=None,
            share_assessment=False,
            access_needs=None,
            now=NOW,
        )
    assert error.value.field == "years_managing"


def test_an_incomplete_expression_of_interest_cannot_be_submitted(member, london):
    eoi = services.start_interest(member, now=NOW)
    with pytest.raises(InterestError, match="Choose the workshops"):
        services.submit_interest(eoi, now=NOW)


def test_editing_keeps_the_answers_and_replaces_the_choices(member, london, barnsley):
    eoi = complete(services.start_interest(member, now=NOW), [london, barnsley])
    services.choose_workshops(
        eoi, workshop_ids=[barnsley.id], wants_to_comment_on_draft=False, now=NOW
    )
    assert [(c.workshop, c.rank, c.is_available) for c in eoi.choices] == [(barnsley, 1, True)]
    assert eoi.experience == "I run the council's web team"


def test_answers_cannot_be_changed_after_a_closing_date(member, london, barnsley):
    eoi = complete(services.start_interest(member, now=NOW), [london, barnsley])
    later = NOW + timedelta(days=3)
    with pytest.raises(InterestError, match="closing date for Drafting"):
        services.choose_workshops(
            eoi, workshop_ids=[barnsley.id], wants_to_comment_on_draft=False, now=later
        )


def test_interest_after_the_closing_date_is_refused(member, london):
    eoi = services.start_interest(member, now=NOW)
    with pytest.raises(InterestError, match=r"closing date for Drafting .* has passed"):
        services.choose_workshops(
            eoi,
            workshop_ids=[london.id],
            wants_to_comment_on_draft=False,
            now=NOW + timedelta(days=3),
        )


def test_interest_in_an_unpublished_workshop_is_refused(member, make_workshop):
    draft = make_workshop(publish=False)
    eoi = services.start_interest(member, now=NOW)
    with pytest.raises(InterestError, match="not open for expressions of interest"):
        services.choose_workshops(
            eoi, workshop_ids=[draft.id], wants_to_comment_on_draft=False, now=NOW
        )


def test_interest_from_an_ineligible_sector_is_refused(create_user, make_workshop):
    workshop = make_workshop(eligible_sectors=["public", "third"])
    supplier = create_user(sector=Sector.SUPPLIER)
    eoi = services.start_interest(supplier, now=NOW)
    with pytest.raises(InterestError, match="not open to people in your sector"):
        services.choose_workshops(
            eoi, workshop_ids=[workshop.id], wants_to_comment_on_draft=False, now=NOW
        )


def test_someone_who_cannot_attend_can_ask_to_comment_on_the_draft(member, london):
    eoi = services.start_interest(member, now=NOW)
    services.choose_workshops(eoi, workshop_ids=[], wants_to_comment_on_draft=True, now=NOW)
    services.answer_questions(
        eoi,
        experience="Content editor",
        manages_web_team=False,
        years_managing=3,
        share_assessment=False,
        access_needs="",
        now=NOW,
    )
    services.submit_interest(eoi, now=NOW)
    assert eoi.wants_to_comment_on_draft
    assert eoi.choices == []
    assert eoi.years_managing is None
    assert eoi.access_needs is None


def test_withdrawing_is_allowed_even_after_the_closing_date(member, london):
    eoi = complete(services.start_interest(member, now=NOW), [london])
    services.withdraw_interest(eoi, now=NOW + timedelta(days=3))
    assert eoi.is_withdrawn
    assert eoi.choices[0].status is ChoiceStatus.WITHDRAWN
    assert services.current_interest(member, now=NOW) is None
    with pytest.raises(InterestError, match="already withdrawn"):
        services.withdraw_interest(eoi, now=NOW)


def test_sharing_the_assessment_is_recorded_only_when_ticked(member, london):
    eoi = complete(services.start_interest(member, now=NOW), [london])
    assert eoi.share_assessment is False
    assert eoi.shared_assessment_id is None


def test_demo_workshops_are_loaded_once_and_open_on_23_november(db):
    from skillsreg.workshops.demo import load_demo_workshops

    first = load_demo_workshops(NOW)
    again = load_demo_workshops(NOW)
    assert [w.id for w in first] == [w.id for w in again]
    london, brighton, barnsley = first
    assert london.starts_at == datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
    assert (barnsley.starts_at.hour, barnsley.ends_at.hour) == (9, 12)
    assert london.capacity == 24
    assert all(w.is_open(NOW) for w in first)
    assert brighton.closes_at < brighton.starts_at


def test_demo_workshops_keep_their_day_and_month_but_are_always_open_to_apply():
    from datetime import date

    from skillsreg.workshops.demo import DEMO_WORKSHOPS, next_occurrence

    london = DEMO_WORKSHOPS[0]
    assert next_occurrence(london, date(2026, 11, 23)).day == date(2026, 11, 27)
    later = next_occurrence(london, date(2026, 11, 25))
    assert later.day == date(2027, 11, 27)
    assert later.closes_on == date(2027, 11, 24)
