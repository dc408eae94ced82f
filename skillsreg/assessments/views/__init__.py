"""The self-assessment blueprint: members rate themselves against the framework and see gaps."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from skillsreg.assessments.fragments import kept_role_choice, skill_evidence, skill_radios
from skillsreg.assessments.rules import split_roles

bp = Blueprint("assessments", __name__, url_prefix="/assessments")


@bp.context_processor
def role_choice_helpers() -> dict[str, Any]:
    return {
        "split_roles": split_roles,
        "skill_radios": skill_radios,
        "skill_evidence": skill_evidence,
        "kept_role_choice": kept_role_choice,
    }


# Each module adds its routes to `bp`.
from skillsreg.assessments.views import answering, results  # noqa: E402, F401
