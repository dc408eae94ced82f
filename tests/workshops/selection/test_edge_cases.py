"""Selection rounds at their edges: nobody applied, nobody can come, workshops changed later."""

from __future__ import annotations

from datetime import timedelta

import pytest

from skillsreg.workshops.models import WorkshopStatus
from skillsreg.workshops.selection import queries, rules, services
from skillsreg.workshops.selection.models import LockKind
from skillsreg.workshops.selection.services import SelectionError
from tests.workshops.selection.conftest import NOW


def test_a_round_nobody_applied_to_runs_and_gives_nobody_a_place(make_workshop, open_round):
    round_ = open_round(make_workshop())
    run = services.run_round(round_, seed=1, actor=None, now=NOW)
    assert run.assignments == {}
    assert run.result["explanations"] == {}
    outcome = services.decision(round_, run)
    assert outcome.offered == []
    assert outcome.not_selected == []


def test_a_round_where_nobody_can_attend_explains_why_for_everyone(
    make_workshop, open_round, apply, create_user
):
    workshop = make_workshop()
    people = [create_user(email=f"away{n}@example.gov.uk") for n in range(3)]
    for person in people:
        apply(person, workshop, available=False)
    round_ = open_round(workshop)
    run = services.run_round(round_, seed=1, actor=None, now=NOW)
    assert not any(run.assignments.values())
    view = queries.run_view(round_, run, current_hash=run.input_hash)
    assert len(view.applicants) == 3
    assert all(row.summary for row in view.applicants)


def test_a_cancelled_workshop_gets_no_places_when_the_round_runs_again(
    make_workshop, open_round, apply, member, create_user
):
    london, leeds = make_workshop(), make_workshop()
    apply(member, london, leeds)
    other = create_user(email="other@example.gov.uk")
    apply(other, london)
    round_ = open_round(london, leeds)
    london.status = WorkshopStatus.CANCELLED
    run = services.run_round(round_, seed=3, actor=None, now=NOW)
    held = {place for places in run.assignments.values() for place in places}
    assert london.slug not in held
    assert leeds.slug in held
    outcome = services.decision(round_, run)
    assert all(choice.workshop_id != london.id for choice in outcome.offered)


def test_a_run_made_before_a_workshop_was_cancelled_cannot_be_confirmed(
    make_workshop, open_round, apply, member
):
    london = make_workshop()
    apply(member, london)
    round_ = open_round(london)
    run = services.run_round(round_, seed=3, actor=None, now=NOW)
    london.status = WorkshopStatus.CANCELLED
    with pytest.raises(SelectionError, match="changed since this run"):
        services.decision(round_, run)


def test_a_round_whose_workshops_were_all_cancelled_says_so(
    make_workshop, open_round, apply, member
):
    london = make_workshop()
    apply(member, london)
    round_ = open_round(london)
    london.status = WorkshopStatus.CANCELLED
    with pytest.raises(SelectionError, match="cancelled"):
        services.run_round(round_, seed=1, actor=None, now=NOW)


def test_a_run_shows_workshops_renamed_after_it(make_workshop, open_round, apply, member):
    london = make_workshop()
    apply(member, london)
    round_ = open_round(london)
    run = services.run_round(round_, seed=1, actor=None, now=NOW)
    london.slug = "renamed-workshop"
    london.title = "Renamed"
    view = queries.run_view(round_, run, current_hash="changed")
    assert view.is_current is False
    assert len(view.applicants) == 1


def test_a_round_run_after_its_workshop_started_is_refused(
    make_workshop, open_round, apply, member
):
    london = make_workshop()
    apply(member, london)
    round_ = open_round(london)
    with pytest.raises(SelectionError, match="already started"):
        services.run_round(round_, seed=1, actor=None, now=london.starts_at + timedelta(minutes=1))


def test_locks_on_a_workshop_cancelled_later_are_set_aside(
    make_workshop, open_round, apply, member, organiser
):
    london, leeds = make_workshop(), make_workshop()
    apply(member, london, leeds)
    round_ = open_round(london, leeds)
    services.lock_applicant(
        round_, user_id=member.id, workshop_id=london.id, kind=LockKind.IN, actor=organiser, now=NOW
    )
    london.status = WorkshopStatus.CANCELLED
    run = services.run_round(round_, seed=2, actor=None, now=NOW)
    assert run.input_document["locked_in"] == []
    assert run.assignments[rules.person_key(member.id)] == [leeds.slug]
