"""Starting plans from gaps, progress from later assessments, successors and commitments."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from skillsreg.core.db import utcnow
from skillsreg.development import queries, services
from skillsreg.development.models import ActivityState, CommitmentOutcome
from skillsreg.development.services import DevelopmentError
from skillsreg.extensions import db as _db
from skillsreg.library.models import Document, DocumentSkill
from skillsreg.register import services as register
from skillsreg.register.models import Consent
from skillsreg.register.rules import ConsentField
from skillsreg.workshops.models import WorkshopStatus
from tests.development.conftest import reassess


def test_the_proposals_are_the_gaps_against_the_role_level(assessment):
    proposals = queries.plan_proposals(assessment, services.PlanAim.CURRENT)

    codes = {row.code: (row.start_level, row.target_level) for row in proposals.goals}
    assert codes == {"EDIT": (2, 3), "ACCS": (1, 2), "DOCA": (1, 3)}
    assert proposals.role_level_name.endswith(": Web editor or content designer")


def test_aiming_higher_proposes_the_gaps_against_the_next_role_level(assessment):
    proposals = queries.plan_proposals(assessment, services.PlanAim.NEXT)

    assert proposals.role_level_code == "manager"
    assert {row.code for row in proposals.goals} >= {"CONT", "EDIT", "CMGT", "STAK", "TEAM"}


def test_a_plan_holds_the_chosen_gaps_as_goals_from_their_start_level(plan):
    goals = {goal.skill_code: goal for goal in plan.goals}

    assert set(goals) == {"EDIT", "ACCS", "DOCA"}
    assert (goals["DOCA"].start_level, goals["DOCA"].target_level) == (1, 3)
    assert goals["ACCS"].skill_name == "Accessibility"


def test_a_plan_needs_a_chosen_gap_and_a_future_date(member, assessment):
    tomorrow = (utcnow() + timedelta(days=1)).date()
    with pytest.raises(DevelopmentError, match="Select at least one skill"):
        services.start_plan(
            member, assessment, aim="current", skill_codes=["CONT"], target_on=tomorrow,
            now=utcnow(),
        )  # fmt: skip
    with pytest.raises(DevelopmentError, match="must be in the future"):
        services.start_plan(
            member, assessment, aim="current", skill_codes=["EDIT"], target_on=utcnow().date(),
            now=utcnow(),
        )  # fmt: skip


def test_nobody_starts_a_plan_from_someone_elses_assessment(create_user, assessment):
    other = create_user()
    with pytest.raises(DevelopmentError, match="your submitted assessments"):
        services.start_plan(
            other, assessment, aim="current", skill_codes=["EDIT"],
            target_on=(utcnow() + timedelta(days=9)).date(), now=utcnow(),
        )  # fmt: skip


def test_a_later_assessment_on_the_same_version_shows_progress(member, assessment, plan):
    reassess(member, assessment, {"EDIT": 3, "ACCS": 2, "DOCA": 2})
    page = queries.plan_page(plan, now=utcnow())

    status = {row.goal.skill_code: row.progress.status for row in page.rows}
    assert status == {"EDIT": "reached", "ACCS": "reached", "DOCA": "progressing"}
    assert (page.progress.reached, page.progress.gained, page.progress.needed) == (2, 3, 4)


def test_without_a_later_assessment_nothing_is_measured(plan):
    page = queries.plan_page(plan, now=utcnow())
    assert {row.progress.status for row in page.rows} == {"not-assessed"}
    assert page.progress.percent == 0


def test_progress_follows_the_relations_into_a_newer_version(member, assessment, plan):
    reassess(member, assessment, {"ACCS": 2}, newer=True)
    rows = {row.goal.skill_code: row for row in queries.plan_page(plan, now=utcnow()).rows}

    assert rows["ACCS"].progress.status == "reached"  # "changed" in 1.1.0: followed to ACCS
    assert rows["EDIT"].progress.status == "needs-successor"  # split into EDIT and PUBL
    assert rows["DOCA"].progress.status == "needs-successor"  # retired


def test_a_split_skills_goal_is_offered_its_parts_and_can_follow_one(member, assessment, plan):
    reassess(member, assessment, {"PUBL": 3}, newer=True)
    goal = next(goal for goal in plan.goals if goal.skill_code == "EDIT")
    offer = queries.successor_offer(goal)

    assert offer.relation == "split"
    assert [option.code for option in offer.options] == ["EDIT", "PUBL"]
    services.follow_successor(goal, code="PUBL", now=utcnow())
    assert (goal.skill_code, goal.previous_codes) == ("PUBL", ["EDIT"])
    row = next(r for r in queries.plan_page(plan, now=utcnow()).rows if r.goal.id == goal.id)
    assert row.progress.status == "reached"


def test_a_retired_skills_goal_is_offered_the_skills_of_its_area(assessment, plan):
    from tests.assessments.test_services import import_version, publish

    publish(import_version("1.1.0"))
    goal = next(goal for goal in plan.goals if goal.skill_code == "DOCA")
    offer = queries.successor_offer(goal)

    assert offer.relation == "retired"
    assert "ACCS" in [option.code for option in offer.options]
    with pytest.raises(DevelopmentError, match="Select a skill"):
        services.follow_successor(goal, code="NOPE", now=utcnow())


def test_a_kept_skill_is_offered_no_successor(assessment, plan):
    goal = next(goal for goal in plan.goals if goal.skill_code == "ACCS")
    assert queries.successor_offer(goal) is None
    with pytest.raises(DevelopmentError, match="not been split or retired"):
        services.follow_successor(goal, code="ACCS", now=utcnow())


def test_goals_due_soon_are_open_goals_inside_the_window(member, assessment, plan):
    goals = queries.goals_due_soon(member.id, now=utcnow())

    assert {g.skill_code for g in goals} == {"EDIT", "ACCS", "DOCA"}
    assert {g.target_level_name for g in goals if g.skill_code == "DOCA"} == {"Practitioner"}
    assert queries.goals_due_soon(member.id, now=utcnow(), within_days=30) == []
    reassess(member, assessment, {"EDIT": 3})
    assert "EDIT" not in {g.skill_code for g in queries.goals_due_soon(member.id, now=utcnow())}
    services.close_plan(plan, now=utcnow())
    assert queries.goals_due_soon(member.id, now=utcnow()) == []


def test_workshops_matching_goals_are_upcoming_and_open(member, plan, workshop_for):
    match = workshop_for(["ACCS", "CONT"], title="Accessible")
    workshop_for(["CONT"], title="Content")
    workshop_for(["ACCS"], title="Draft", status=WorkshopStatus.DRAFT)
    workshop_for(["ACCS"], title="Closing", days=5)  # interest closed two days ago

    found = queries.workshops_matching_goals(member.id, now=utcnow())
    assert [(w.workshop_id, w.skill_codes) for w in found] == [(match.id, ("ACCS",))]


def test_goal_suggestions_include_workshops_and_library_documents_tagged_with_the_skill(
    plan, workshop_for
):
    workshop = workshop_for(["DOCA"], title="Documents")
    document = Document(title="Accessible PDFs", summary="How to")
    document.skill_rows.append(DocumentSkill(skill_code="DOCA"))
    _db.session.add(document)
    _db.session.flush()

    row = next(r for r in queries.plan_page(plan, now=utcnow()).rows if r.goal.skill_code == "DOCA")
    assert row.workshops == [workshop]
    assert row.documents == [document]


def test_activities_link_workshops_and_record_their_state(plan, workshop_for):
    goal = plan.goals[0]
    workshop = workshop_for([goal.skill_code], title="Linked")
    linked = services.add_activity(
        goal, kind="workshop", title="", workshop_id=workshop.id, now=utcnow()
    )
    mentoring = services.add_activity(goal, kind="mentoring", title=" Meet Sam ", now=utcnow())
    services.set_activity_state(mentoring, state="done", now=utcnow())

    assert (linked.title, linked.workshop_id) == ("Linked", workshop.id)
    assert mentoring.title == "Meet Sam"
    assert mentoring.state is ActivityState.DONE
    assert mentoring.done_at is not None
    with pytest.raises(DevelopmentError, match="Enter what you will do"):
        services.add_activity(goal, kind="course", title="  ", now=utcnow())


def test_a_closed_plan_cannot_change(plan):
    services.close_plan(plan, now=utcnow())
    with pytest.raises(DevelopmentError, match="closed"):
        services.add_activity(plan.goals[0], kind="course", title="Course", now=utcnow())


def test_a_commitment_grants_its_consent_and_shows_in_the_register(member, plan):
    goal = next(goal for goal in plan.goals if goal.skill_code == "ACCS")
    commitment, change = services.make_commitment(goal, user=member, now=utcnow())
    _db.session.commit()

    assert change.granted == [ConsentField.COMMITMENTS]
    assert commitment.level_name == "Working"
    table, listed = register.build_table(register.population_spec("framework"))
    assert listed == [member.id]
    text = table.rows[0]["commitments"]
    assert text.startswith("By ")
    assert text.endswith("I will reach Working in Accessibility")
    assert queries.public_commitments(member.id)[0].statement == text


def test_answering_a_commitment_shows_kept_missed_or_renewed(member, plan):
    goal = next(goal for goal in plan.goals if goal.skill_code == "ACCS")
    commitment, _ = services.make_commitment(goal, user=member, now=utcnow())
    with pytest.raises(DevelopmentError, match="once its date has come"):
        services.answer_commitment(commitment, outcome="missed", new_due_on=None, now=utcnow())
    later = utcnow() + timedelta(days=61)

    assert queries.commitments_to_answer(member, now=utcnow()) == []
    assert queries.commitments_to_answer(member, now=later) == [commitment]
    with pytest.raises(DevelopmentError, match="Enter the new date"):
        services.answer_commitment(commitment, outcome="renewed", new_due_on=None, now=later)
    assert commitment.outcome is CommitmentOutcome.OPEN
    renewed = services.answer_commitment(
        commitment, outcome="renewed", new_due_on=(later + timedelta(days=30)).date(), now=later
    )
    assert commitment.outcome is CommitmentOutcome.RENEWED
    assert renewed.outcome is CommitmentOutcome.OPEN
    assert goal.target_on == renewed.due_on
    texts = [c.text for c in queries.public_commitments(member.id)]
    assert texts[0].endswith("(renewed)")
    assert not texts[1].endswith(")")
    with pytest.raises(DevelopmentError, match="Select whether"):
        services.answer_commitment(
            renewed, outcome="open", new_due_on=None, now=later + timedelta(days=31)
        )
    services.answer_commitment(
        renewed, outcome="kept", new_due_on=None, now=later + timedelta(days=31)
    )
    assert queries.public_commitments(member.id)[-1].text.endswith("(kept)")
    with pytest.raises(DevelopmentError, match="already said"):
        services.answer_commitment(renewed, outcome="missed", new_due_on=None, now=later)


def test_a_commitment_can_be_kept_before_its_date(member, plan):
    commitment, _ = services.make_commitment(plan.goals[0], user=member, now=utcnow())
    services.answer_commitment(commitment, outcome="kept", new_due_on=None, now=utcnow())
    assert commitment.outcome is CommitmentOutcome.KEPT


def test_withdrawing_consent_removes_commitments_from_every_copy(member, organiser, plan):
    goal = plan.goals[0]
    services.make_commitment(goal, user=member, now=utcnow())
    register.set_consents(member, fields=["name", "commitments"], source="test", now=utcnow())
    snapshot = register.publish_register(
        register.population_spec("framework"), actor=organiser, now=utcnow()
    )
    _db.session.commit()
    assert "I will reach" in snapshot.file_named(f"register-{snapshot.number}.csv").content.decode()

    register.set_consents(member, fields=["name"], source="test", now=utcnow())
    _db.session.commit()

    assert snapshot.is_withdrawn
    assert queries.public_commitments(member.id) == []
    table, _ = register.build_table(register.population_spec("framework"))
    assert "commitments" not in table.rows[0]


def test_making_a_goal_private_withdraws_registers_that_published_it(member, organiser, plan):
    goal = plan.goals[0]
    services.make_commitment(goal, user=member, now=utcnow())
    snapshot = register.publish_register(
        register.population_spec("framework"), actor=organiser, now=utcnow()
    )
    services.stop_commitment(goal, user=member, now=utcnow())

    assert snapshot.is_withdrawn
    assert queries.public_commitments(member.id) == []
    held = _db.session.scalars(sa.select(Consent.field).where(Consent.user_id == member.id))
    assert ConsentField.COMMITMENTS in set(held)  # the consent itself stays until withdrawn


def test_a_commitment_needs_a_confirmed_address(create_user, version):
    from tests.development.conftest import LEVELS, submit

    person = create_user(confirmed=False)
    plan = services.start_plan(
        person, submit(person, version, LEVELS), aim="current", skill_codes=["EDIT"],
        target_on=(utcnow() + timedelta(days=9)).date(), now=utcnow(),
    )  # fmt: skip
    with pytest.raises(Exception, match="confirm"):
        services.make_commitment(plan.goals[0], user=person, now=utcnow())
