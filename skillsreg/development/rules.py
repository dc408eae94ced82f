"""Pure development-plan logic (no Flask, no SQLAlchemy): proposing goals, progress, successors."""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from skillsreg.assessments.rules import Relations, gap

Aim = Literal["current", "next"]


@dataclass(frozen=True)
class ProposedGoal:
    """A skill the role level expects at a higher level than the member rated themselves."""

    code: str
    start_level: int | None
    target_level: int
    shortfall: int


def propose_goals(
    ratings: dict[str, int | None], expected: dict[str, int], *, order: Sequence[str]
) -> list[ProposedGoal]:
    """Goals from the gaps: each expected skill rated below its level (or not rated), biggest first.

    `order` is the framework's order of skills, which breaks ties.
    """
    goals = []
    for code in order:
        if code not in expected:
            continue
        target = expected[code]
        result = gap(ratings.get(code), target)
        if result.status == "below" and result.difference is not None:
            goals.append(ProposedGoal(code, ratings.get(code), target, -result.difference))
        elif result.status == "not-applicable" or code not in ratings:
            goals.append(ProposedGoal(code, None, target, target))
    return sorted(goals, key=lambda goal: -goal.shortfall)


def next_level_code(level_codes: Sequence[str], current: str) -> str | None:
    """The role level after `current` in the role's order, or None at the top."""
    if current not in level_codes:
        return None
    index = list(level_codes).index(current)
    return level_codes[index + 1] if index + 1 < len(level_codes) else None


def add_months(day: date, months: int) -> date:
    """The same day `months` later, on the month's last day where it is shorter."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


GoalStatus = Literal["reached", "progressing", "not-started", "not-assessed", "needs-successor"]


@dataclass(frozen=True)
class GoalProgress:
    """Where a goal stands: level at the start, latest assessed level, the target."""

    start: int | None
    latest: int | None
    target: int
    status: GoalStatus

    @property
    def gained(self) -> int:
        """Levels climbed since the start, towards the target (never below zero)."""
        if self.latest is None:
            return 0
        return max(0, min(self.latest, self.target) - (self.start or 0))

    @property
    def needed(self) -> int:
        """Levels to climb from the start to the target."""
        return max(0, self.target - (self.start or 0))


def goal_progress(
    start: int | None, latest: int | None, target: int, *, assessed: bool, successor_needed: bool
) -> GoalProgress:
    """Progress of one goal from the member's latest later assessment (if there is one)."""
    if successor_needed:
        return GoalProgress(start, None, target, "needs-successor")
    if not assessed:
        return GoalProgress(start, None, target, "not-assessed")
    if latest is not None and latest >= target:
        return GoalProgress(start, latest, target, "reached")
    if latest is not None and latest > (start or 0):
        return GoalProgress(start, latest, target, "progressing")
    return GoalProgress(start, latest, target, "not-started")


@dataclass(frozen=True)
class PlanProgress:
    """A plan's progress as a whole."""

    goals: int
    reached: int
    gained: int
    needed: int

    @property
    def percent(self) -> int:
        return 100 if not self.needed else round(100 * self.gained / self.needed)


def plan_progress(progress: Iterable[GoalProgress]) -> PlanProgress:
    items = list(progress)
    return PlanProgress(
        goals=len(items),
        reached=sum(1 for item in items if item.status == "reached"),
        gained=sum(item.gained for item in items),
        needed=sum(item.needed for item in items),
    )


@dataclass(frozen=True)
class Trace:
    """Where a skill went in a later version: one code to follow, or successors to choose from."""

    code: str | None
    relation: str
    choices: tuple[str, ...] = ()
    # For a merged skill, the other skills it combines (their lowest level is its level).
    merged_from: tuple[str, ...] = ()


def trace_skill(code: str, relations: Relations) -> Trace:
    """Follow a skill of a version into its child version through the typed relations.

    `relations` maps each skill of the child to (relation, codes it came from). A skill kept
    (unchanged, reworded, changed) or merged has one successor; a split skill has several, for
    the member to choose; a retired skill has none.
    """
    successors = [(new, kind) for new, (kind, sources) in relations.items() if code in sources]
    if not successors:
        return Trace(None, "retired")
    if len(successors) > 1:
        return Trace(None, "split", tuple(new for new, _ in successors))
    new, kind = successors[0]
    merged = tuple(relations[new][1]) if kind == "merged" else ()
    return Trace(new, kind, merged_from=merged)


def trace_through(code: str, chain: Sequence[Relations]) -> Trace:
    """Follow a skill through each later version in turn (`chain` oldest first)."""
    trace = Trace(code, "unchanged")
    for relations in chain:
        if trace.code is None:
            break
        step = trace_skill(trace.code, relations)
        relation = trace.relation if step.relation in ("unchanged", "") else step.relation
        trace = Trace(step.code, relation, step.choices, step.merged_from)
    return trace


def level_for_goal(trace: Trace, ratings: dict[str, int | None]) -> tuple[bool, int | None]:
    """Whether the later assessment rated the goal's skill, and the level it gave."""
    if trace.code is None or trace.code not in ratings:
        return False, None
    return True, ratings[trace.code]


def commitment_statement(due_on: date, level_name: str, skill_name: str) -> str:
    """The public words of a commitment: 'By 31 March 2027 I will reach Practitioner in X'."""
    return f"By {due_on.day} {due_on:%B %Y} I will reach {level_name} in {skill_name}"


def is_due_for_answer(due_on: date, today: date, *, is_open: bool) -> bool:
    """A commitment still open asks its maker, from its date on, whether they kept it."""
    return is_open and today >= due_on


def may_answer(outcome: str, due_on: date, today: date, *, is_open: bool) -> bool:
    """Kept can be said as soon as it is true; missed or renewed only once the date has come."""
    if outcome == "kept":
        return is_open
    return is_due_for_answer(due_on, today, is_open=is_open)
