"""Shared steps for review tests: a submitted assessment and a review request."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from skillsreg.core.db import utcnow
from skillsreg.reviews import services

GIVE = "http://skillsreg.test/reviews/respond/{}"
DECLINE = "http://skillsreg.test/reviews/respond/{}/decline"


def ask(assessment: Any, member: Any, *, now: datetime | None = None, **overrides: Any) -> Any:
    """Ask Rita Reviewer for a review; returns (review, token) with the token from the link."""
    tokens: list[str] = []

    def link(token: str) -> str:
        tokens.append(token)
        return GIVE.format(token)

    values: dict[str, Any] = {
        "name": "Rita Reviewer",
        "email": "rita@example.org",
        "relationship": "line manager",
        "message": "Thanks for doing this",
        "days": 14,
        "per_day": 10,
    }
    values.update(overrides)
    review = services.request_review(
        assessment,
        member=member,
        now=now or utcnow(),
        link=link,
        decline_link=lambda token: DECLINE.format(token),
        **values,
    )
    return review, tokens[0]


def agree_all(assessment: Any) -> dict[str, tuple[str | None, str]]:
    return {r.skill_code: ("agree", "") for r in assessment.ratings}


RITA = services.Reviewer("Rita Reviewer", "Head of digital", "Example Trust")
