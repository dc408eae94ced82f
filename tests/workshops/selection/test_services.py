"""Selection services: opening rounds, building the optimiser's input, runs, locks, confirmation."""

from __future__ import annotations

from datetime import timedelta

import pytest

from skillsreg.assessments.models import Assessment, AssessmentStatus, Rating
from skillsreg.config import ROOT
from skillsreg.core.audit import AuditEvent
from skillsreg.frameworks import services as framework_services
from skillsreg.workshops import allocation
from skillsreg.workshops.models import ChoiceStatus, WorkshopStatus
from skillsreg.workshops.selection import queries, rules, services
from skillsreg.workshops.selection.models import LockKind, RoundStatus
from skillsreg.workshops.selection.services import SelectionError
from tests.workshops.selection.conftest import NOW


def key(user):
    return rules.person_key(user.id)


def test_a_round_opens_over_workshops_whose_closing_date_has_passed(make_workshop, open_round):
    london, barnsley = make_workshop(), make_workshop()
    round_ = open_round(london, barnsley, title="November")
    assert round_.status is RoundStatus.OPEN
    assert [w.id for w in round_.workshops] == [london.id, barnsley.id]
    assert round_.weights["preference"] == allocation.Weights().preference
    assert queries.eligible_workshops(NOW) == []


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"closes_at": NOW + timedelta(days=1)}, "still taking expressions of interest"),
        ({"status": WorkshopStatus.DRAFT}, "is not published"),
        ({"starts_at": NOW - timedelta(hours=1), "ends_at": NOW}, "has already started"),
    ],
)
def test_a_round_refuses_workshops_not_ready_for_selection(
    make_workshop, open_round, overrides, message
):
    workshop = make_workshop(**overrides)
    with pytest.raises(SelectionError, match=message):
        open_round(workshop)


def test_a_workshop_may_be_in_only_one_open_round(make_workshop, open_round):
    london = make_workshop()
    open_round(london)
    with pytest.raises(SelectionError, match="already in an open selection round"):
        open_round(london)


def test_a_round_needs_at_least_one_workshop(open_round):
    with pytest.raises(SelectionError, match="at least one workshop"):
        open_round()


def test_the_optimisers_input_holds_submitted_live_interest_only(
    make_workshop, open_round, apply, create_user, db
):
    london, elsewhere = make_workshop(), make_workshop()
    alice = create_user(organisation="  Brighton   and Hove City COUNCIL ")
    bob, carol, dan = create_user(), create_user(), create_user()
    apply(alice, elsewhere, london, manages=True, years=4, available=[True, False])
    withdrawn = apply(bob, london)
    withdrawn.withdrawn_at = NOW
    draft = apply(carol, london)
    draft.submitted_at = None
    apply(dan, london, status=ChoiceStatus.DECLINED)
    round_ = open_round(london)
    problem = queries.allocation_round(round_)
    assert [a.id for a in problem.applicants] == [key(alice)]
    applicant = problem.applicants[0]
    assert applicant.organisation == "brighton and hove city council"
    assert applicant.manages_web_team is True
    assert applicant.years_managing == 4
    # Their own ranking is kept; the workshop outside the round is left out.
    assert applicant.choices == (allocation.Choice(london.slug, 2, False),)
    allocation.validate_document(allocation.input_document(problem))


def test_attendance_before_and_a_shared_assessment_feed_the_score(
    make_workshop, open_round, apply, create_user, db
):
    earlier, london = make_workshop(closes_at=NOW - timedelta(days=90)), make_workshop()
    earlier.target_skill_codes = []
    london.target_skill_codes = ["DESN"]
    london.target_role_codes = ["content-designer"]
    alice, bob = create_user(), create_user()
    attended = apply(alice, earlier)
    attended.choices[0].attended = True
    assessment = Assessment(
        user=bob,
        version_id=_any_version_id(db),
        role_code="content-designer",
        role_level_code="senior",
        status=AssessmentStatus.SUBMITTED,
        submitted_at=NOW - timedelta(days=30),
    )
    assessment.ratings.append(Rating(skill_code="DESN", level=3))
    db.session.add(assessment)
    db.session.flush()
    apply(alice, london)
    shared = apply(bob, london)
    shared.share_assessment = True
    shared.shared_assessment_id = assessment.id
    round_ = open_round(london)
    problem = queries.allocation_round(round_)
    by_id = {a.id: a for a in problem.applicants}
    assert by_id[key(alice)].attended_before is True
    assert by_id[key(bob)].attended_before is False
    assert by_id[key(bob)].skills == {"DESN": 3}
    assert "content-designer" in by_id[key(bob)].roles
    shared.share_assessment = False
    problem = queries.allocation_round(round_)
    assert {a.id: a for a in problem.applicants}[key(bob)].skills == {}


def _any_version_id(db):
    path = ROOT / "frameworks" / "web-professionals" / "1.0.0.yaml"
    return framework_services.import_file(path, now=NOW).version.id


def test_a_run_is_recorded_with_its_input_seed_solver_and_outcome(
    make_workshop, open_round, apply, create_user, organiser, db
):
    london = make_workshop(capacity=2)
    manager, newcomer, third = create_user(), create_user(), create_user()
    apply(manager, london, manages=True, years=10)
    apply(newcomer, london)
    apply(third, london)
    round_ = open_round(london)
    run = services.run_round(round_, seed=7, actor=organiser, now=NOW)
    assert run.number == 1
    assert run.seed == 7
    assert run.solver == "HiGHS"
    assert run.solver_version
    assert run.status == "optimal"
    assert run.mip_gap == 0
    placed = [person for person, held in run.assignments.items() if held]
    assert len(placed) == 2
    assert key(manager) in placed
    assert run.input_hash == allocation.input_hash(run.input_document)
    allocation.validate_document(run.input_document)
    assert run.objective == pytest.approx(
        sum(place["score"] for e in run.result["explanations"].values() for place in e["places"])
    )
    event = db.session.scalar(
        db.select(AuditEvent).where(AuditEvent.action == "selection.round_run")
    )
    assert event.details["seed"] == 7


def test_the_same_input_and_seed_give_the_same_allocation(
    make_workshop, open_round, apply, create_user, organiser
):
    london = make_workshop(capacity=3)
    for _ in range(8):
        apply(create_user(), london)  # all equal: only the seeded tie-break decides
    round_ = open_round(london)
    first = services.run_round(round_, seed=11, actor=organiser, now=NOW)
    second = services.run_round(round_, seed=11, actor=organiser, now=NOW)
    assert first.input_hash == second.input_hash
    assert first.assignments == second.assignments
    others = {
        tuple(
            sorted(
                p
                for p, held in services.run_round(
                    round_, seed=seed, actor=organiser, now=NOW
                ).assignments.items()
                if held
            )
        )
        for seed in range(1, 6)
    }
    assert len(others) > 1, "different seeds break ties differently"


def test_a_missing_seed_is_drawn_and_recorded(make_workshop, open_round, apply, member, organiser):
    london = make_workshop()
    apply(member, london)
    run = services.run_round(open_round(london), seed=None, actor=organiser, now=NOW)
    assert 0 <= run.seed < services.SEED_LIMIT


def test_locking_out_and_in_changes_the_next_run(
    make_workshop, open_round, apply, create_user, organiser
):
    london = make_workshop(capacity=1)
    star, other = create_user(), create_user()
    apply(star, london, manages=True, years=8)
    apply(other, london)
    round_ = open_round(london)
    assert services.run_round(round_, seed=1, actor=organiser, now=NOW).assignments[key(star)]
    services.lock_applicant(
        round_, user_id=star.id, workshop_id=None, kind=LockKind.OUT, actor=organiser, now=NOW
    )
    run = services.run_round(round_, seed=1, actor=organiser, now=NOW)
    assert run.assignments == {key(star): [], key(other): [london.slug]}
    reason = run.result["explanations"][key(star)]["reasons"][0]
    assert reason["code"] == "locked_out"
    services.remove_lock(round_.locks[0], actor=organiser, now=NOW)
    services.lock_applicant(
        round_, user_id=other.id, workshop_id=london.id, kind=LockKind.IN, actor=organiser, now=NOW
    )
    run = services.run_round(round_, seed=1, actor=organiser, now=NOW)
    assert run.assignments[key(other)] == [london.slug]
    assert run.input_document["locked_in"] == [{"applicant": key(other), "workshop": london.slug}]


def test_a_new_lock_replaces_the_previous_one_for_the_same_workshop(
    make_workshop, open_round, apply, member, organiser
):
    london = make_workshop()
    apply(member, london)
    round_ = open_round(london)
    for kind in (LockKind.IN, LockKind.OUT):
        services.lock_applicant(
            round_, user_id=member.id, workshop_id=london.id, kind=kind, actor=organiser, now=NOW
        )
    assert [lock.kind for lock in round_.locks] == [LockKind.OUT]


def test_locks_refuse_people_and_workshops_outside_the_round(
    make_workshop, open_round, apply, create_user, organiser
):
    london, other = make_workshop(), make_workshop()
    applicant, stranger = create_user(), create_user()
    apply(applicant, london, available=False)
    apply(stranger, other)
    round_ = open_round(london)
    with pytest.raises(SelectionError, match="has not asked for a place in this round"):
        services.lock_applicant(
            round_,
            user_id=stranger.id,
            workshop_id=None,
            kind=LockKind.OUT,
            actor=organiser,
            now=NOW,
        )
    with pytest.raises(SelectionError, match="cannot attend"):
        services.lock_applicant(
            round_,
            user_id=applicant.id,
            workshop_id=london.id,
            kind=LockKind.IN,
            actor=organiser,
            now=NOW,
        )


def test_people_already_holding_a_place_are_never_moved(
    make_workshop, open_round, apply, create_user, organiser
):
    london = make_workshop(capacity=1)
    holder, strong = create_user(), create_user()
    apply(holder, london, status=ChoiceStatus.ACCEPTED, available=False)
    apply(strong, london, manages=True, years=10)
    run = services.run_round(open_round(london), seed=3, actor=organiser, now=NOW)
    assert run.assignments[key(holder)] == [london.slug]
    assert run.assignments[key(strong)] == []


def test_conflicting_locks_are_refused_with_the_optimisers_reason(
    make_workshop, open_round, apply, create_user, organiser
):
    london = make_workshop(capacity=1)
    first, second = create_user(), create_user()
    apply(first, london)
    apply(second, london)
    round_ = open_round(london)
    for person in (first, second):
        services.lock_applicant(
            round_,
            user_id=person.id,
            workshop_id=london.id,
            kind=LockKind.IN,
            actor=organiser,
            now=NOW,
        )
    with pytest.raises(SelectionError, match="1 places but 2 people are locked in"):
        services.run_round(round_, seed=1, actor=organiser, now=NOW)


def test_confirming_offers_the_places_and_puts_everyone_else_on_the_waiting_list(
    make_workshop, open_round, apply, create_user, organiser, db
):
    london = make_workshop(capacity=1)
    chosen, waiting = create_user(), create_user()
    chosen_eoi = apply(chosen, london, manages=True, years=5)
    waiting_eoi = apply(waiting, london)
    round_ = open_round(london)
    run = services.run_round(round_, seed=1, actor=organiser, now=NOW)
    outcome = services.confirm_round(round_, run, actor=organiser, now=NOW)
    assert [c.eoi.user_id for c in outcome.offered] == [chosen.id]
    assert chosen_eoi.choices[0].status is ChoiceStatus.OFFERED
    assert waiting_eoi.choices[0].status is ChoiceStatus.WAITING
    assert round_.status is RoundStatus.CONFIRMED
    assert round_.confirmed_run is run
    with pytest.raises(SelectionError, match="confirmed"):
        services.run_round(round_, seed=1, actor=organiser, now=NOW)


def test_a_run_made_before_a_change_cannot_be_confirmed(
    make_workshop, open_round, apply, create_user, organiser
):
    london = make_workshop()
    person = create_user()
    apply(person, london)
    round_ = open_round(london)
    run = services.run_round(round_, seed=1, actor=organiser, now=NOW)
    services.lock_applicant(
        round_, user_id=person.id, workshop_id=None, kind=LockKind.OUT, actor=organiser, now=NOW
    )
    with pytest.raises(SelectionError, match="changed since this run"):
        services.confirm_round(round_, run, actor=organiser, now=NOW)
    services.run_round(round_, seed=1, actor=organiser, now=NOW)
    with pytest.raises(SelectionError, match="Only the latest run"):
        services.confirm_round(round_, run, actor=organiser, now=NOW)
