"""Development services: start a plan from gaps, change goals and activities, make commitments."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import date, datetime

import sqlalchemy as sa

from skillsreg.accounts.confirmed import require_confirmed
from skillsreg.accounts.models import User
from skillsreg.assessments.models import Assessment
from skillsreg.core.audit import record
from skillsreg.core.errors import DomainError
from skillsreg.development import queries
from skillsreg.development.models import (
    Activity,
    ActivityKind,
    ActivityState,
    Commitment,
    CommitmentOutcome,
    Goal,
    Plan,
    PlanAim,
)
from skillsreg.development.rules import may_answer
from skillsreg.extensions import db
from skillsreg.register import services as register
from skillsreg.register.rules import ConsentField


class DevelopmentError(DomainError):
    """A plan, goal, activity or commitment cannot be changed as asked."""


def _require_open(plan: Plan) -> None:
    if plan.is_closed:
        raise DevelopmentError("This plan is closed")


def _check_target(target_on: date | None, now: datetime) -> date:
    if target_on is None:
        raise DevelopmentError("Enter a target date", field="target_on")
    if target_on <= now.date():
        raise DevelopmentError("The target date must be in the future", field="target_on")
    return target_on


def start_plan(
    user: User,
    assessment: Assessment,
    *,
    aim: str,
    skill_codes: Sequence[str],
    target_on: date | None,
    now: datetime,
) -> Plan:
    """Start a plan whose goals are the chosen gaps of a submitted assessment."""
    if assessment.user_id != user.id or not assessment.is_submitted:
        raise DevelopmentError("Start a plan from one of your submitted assessments")
    target = _check_target(target_on, now)
    proposals = queries.plan_proposals(assessment, PlanAim(aim))
    if proposals is None:
        raise DevelopmentError("There is no role level above yours to aim for", field="aim")
    chosen = [p for p in proposals.goals if p.code in set(skill_codes)]
    if not chosen:
        raise DevelopmentError("Select at least one skill to develop", field="skill_codes")
    plan = Plan(
        user_id=user.id,
        assessment_id=assessment.id,
        version_id=assessment.version_id,
        role_code=assessment.role_code,
        role_level_code=proposals.role_level_code,
        aim=PlanAim(aim),
        created_at=now,
        updated_at=now,
    )
    for position, proposal in enumerate(chosen):
        plan.goals.append(
            Goal(
                skill_code=proposal.code,
                skill_name=proposal.skill_name,
                version_id=assessment.version_id,
                previous_codes=[],
                start_level=proposal.start_level,
                target_level=proposal.target_level,
                target_on=target,
                position=position,
                created_at=now,
            )
        )
    db.session.add(plan)
    db.session.flush()
    record("development.plan.start", actor=user, subject_type="plan", subject_id=plan.id)
    return plan


def update_goal(goal: Goal, *, target_level: int, target_on: date | None, now: datetime) -> None:
    """Change the level a goal aims for and the date to reach it by."""
    _require_open(goal.plan)
    levels = queries.level_names({goal.version_id})
    if (goal.version_id, target_level) not in levels:
        raise DevelopmentError("Select a level from the list", field="target_level")
    goal.target_on = _check_target(target_on, now)
    goal.target_level = target_level
    goal.plan.updated_at = now
    db.session.flush()


def remove_goal(goal: Goal, *, now: datetime) -> None:
    """Take a goal (with its activities and commitments) out of its plan."""
    plan = goal.plan
    _require_open(plan)
    if len(plan.goals) == 1:
        raise DevelopmentError("A plan needs at least one goal: close the plan instead")
    plan.goals.remove(goal)
    plan.updated_at = now
    db.session.flush()


def close_plan(plan: Plan, *, now: datetime) -> None:
    """Close a plan: it stays readable, but reminders and suggestions stop."""
    _require_open(plan)
    plan.closed_at = now
    db.session.flush()


def add_activity(
    goal: Goal,
    *,
    kind: str,
    title: str,
    notes: str = "",
    workshop_id: int | None = None,
    document_id: int | None = None,
    now: datetime,
) -> Activity:
    """Add something to do towards a goal; a workshop or document is linked by id."""
    _require_open(goal.plan)
    activity_kind = ActivityKind(kind)
    title = title.strip()
    if activity_kind is ActivityKind.WORKSHOP and workshop_id is not None:
        title = title or queries.workshop_title(workshop_id) or ""
    if activity_kind is ActivityKind.DOCUMENT and document_id is not None:
        title = title or queries.document_title(document_id) or ""
    if not title:
        raise DevelopmentError("Enter what you will do", field="title")
    activity = Activity(
        kind=activity_kind,
        title=title[:200],
        notes=notes.strip(),
        workshop_id=workshop_id if activity_kind is ActivityKind.WORKSHOP else None,
        document_id=document_id if activity_kind is ActivityKind.DOCUMENT else None,
        created_at=now,
        updated_at=now,
    )
    goal.activities.append(activity)
    goal.plan.updated_at = now
    db.session.flush()
    return activity


def set_activity_state(activity: Activity, *, state: str, now: datetime) -> None:
    """Record how far an activity has got."""
    _require_open(activity.goal.plan)
    activity.state = ActivityState(state)
    activity.done_at = now if activity.state is ActivityState.DONE else None
    activity.updated_at = now
    activity.goal.plan.updated_at = now
    db.session.flush()


def follow_successor(goal: Goal, *, code: str, now: datetime) -> None:
    """Point a goal whose skill was split or retired at a skill of the newer version."""
    _require_open(goal.plan)
    offer = queries.successor_offer(goal)
    if offer is None:
        raise DevelopmentError("This goal's skill has not been split or retired")
    choice = next((option for option in offer.options if option.code == code), None)
    if choice is None:
        raise DevelopmentError("Select a skill from the list", field="code")
    goal.previous_codes = [*goal.previous_codes, goal.skill_code]
    goal.skill_code = choice.code
    goal.skill_name = choice.name
    goal.version_id = offer.version_id
    goal.plan.updated_at = now
    db.session.flush()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_share_link(plan: Plan, *, now: datetime) -> str:
    """Make (or replace) the secret link to a read-only copy of the plan; returns the token once."""
    token = secrets.token_urlsafe(32)
    plan.share_token_hash = _token_hash(token)
    plan.share_created_at = now
    record("development.plan.share", actor=plan.user, subject_type="plan", subject_id=plan.id)
    db.session.flush()
    return token


def revoke_share_link(plan: Plan) -> None:
    """Stop the plan's share link working at once."""
    if plan.share_token_hash is not None:
        record("development.plan.unshare", actor=plan.user, subject_type="plan", subject_id=plan.id)
    plan.share_token_hash = None
    plan.share_created_at = None
    db.session.flush()


def find_shared(token: str) -> Plan | None:
    """The plan a share token opens, if the link is still live."""
    return db.session.scalar(sa.select(Plan).where(Plan.share_token_hash == _token_hash(token)))


def make_commitment(
    goal: Goal, *, user: User, now: datetime, auto_republish: bool = False
) -> tuple[Commitment, register.ConsentChange | None]:
    """Make a goal a public commitment, agreeing to publish commitments if not yet agreed."""
    _require_open(goal.plan)
    require_confirmed(user, action="make a public commitment")
    if goal.is_public:
        raise DevelopmentError("This goal is already a public commitment")
    held = {c.value for c in queries.consents_of(user)}
    change = None
    if ConsentField.COMMITMENTS.value not in held:
        change = register.set_consents(
            user,
            fields=[*held, ConsentField.COMMITMENTS.value],
            source="development plan",
            now=now,
            auto_republish=auto_republish,
        )
    goal.is_public = True
    commitment = _new_commitment(goal, due_on=goal.target_on, now=now)
    record("development.commit", actor=user, subject_type="goal", subject_id=goal.id)
    return commitment, change


def _new_commitment(goal: Goal, *, due_on: date, now: datetime) -> Commitment:
    names = queries.level_names({goal.version_id})
    commitment = Commitment(
        user_id=goal.plan.user_id,
        skill_name=goal.skill_name,
        level_name=names.get((goal.version_id, goal.target_level), f"level {goal.target_level}"),
        due_on=due_on,
        made_at=now,
    )
    goal.commitments.append(commitment)
    db.session.flush()
    return commitment


def answer_commitment(
    commitment: Commitment, *, outcome: str, new_due_on: date | None, now: datetime
) -> Commitment:
    """Say a commitment was kept (any time), or once its date has come, missed or renewed."""
    try:
        chosen = CommitmentOutcome(outcome)
    except ValueError:
        chosen = CommitmentOutcome.OPEN
    if chosen is CommitmentOutcome.OPEN:
        raise DevelopmentError("Select whether you kept your commitment", field="outcome")
    is_open = commitment.outcome is CommitmentOutcome.OPEN
    if not may_answer(chosen.value, commitment.due_on, now.date(), is_open=is_open):
        if not is_open:
            raise DevelopmentError("You have already said what became of this commitment")
        raise DevelopmentError(
            "You can say you missed or renewed a commitment once its date has come",
            field="outcome",
        )
    if chosen is not CommitmentOutcome.RENEWED:
        commitment.outcome, commitment.outcome_at = chosen, now
        db.session.flush()
        return commitment
    if new_due_on is None or new_due_on <= now.date():
        message = (
            "Enter the new date" if new_due_on is None else "The new date must be in the future"
        )
        raise DevelopmentError(message, field="new_due_on")
    commitment.outcome, commitment.outcome_at = chosen, now
    goal = commitment.goal
    goal.target_on = new_due_on
    return _new_commitment(goal, due_on=goal.target_on, now=now)


def stop_commitment(goal: Goal, *, user: User, now: datetime, auto_republish: bool = False) -> None:
    """Make a goal private again; registers that published it are withdrawn, as for consent."""
    if not goal.is_public:
        raise DevelopmentError("This goal is not a public commitment")
    goal.is_public = False
    db.session.flush()
    if ConsentField.COMMITMENTS in queries.consents_of(user):
        register.withdraw_snapshots_listing(user, now=now, auto_republish=auto_republish)
    record("development.uncommit", actor=user, subject_type="goal", subject_id=goal.id)
