"""What the development pages share: finding the member's own plan, goal and assessment."""

from __future__ import annotations

from typing import Any

from flask import abort, redirect, url_for
from flask_login import current_user

from skillsreg.assessments.models import Assessment
from skillsreg.development import queries
from skillsreg.development.models import Goal, Plan
from skillsreg.extensions import db


def own_plan(plan_id: int) -> Plan:
    plan = queries.find_plan(plan_id)
    if plan is None or plan.user_id != current_user.id:
        abort(404)
    return plan


def own_goal(plan_id: int, goal_id: int) -> Goal:
    return queries.find_goal(own_plan(plan_id), goal_id) or abort(404)


def own_assessment(assessment_id: int) -> Assessment:
    assessment = db.session.get(Assessment, assessment_id)
    if assessment is None or assessment.user_id != current_user.id:
        abort(404)
    if not assessment.is_submitted:
        abort(404)
    return assessment


def to_plan(plan: Plan, anchor: str = "") -> Any:
    return redirect(url_for("development.show_plan", plan_id=plan.id) + anchor)


def to_goal(goal: Goal) -> Any:
    return redirect(url_for("development.show_goal", plan_id=goal.plan_id, goal_id=goal.id))
