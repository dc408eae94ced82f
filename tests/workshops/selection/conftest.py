"""Fixtures for selection: workshops past their closing date and people who applied to them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from skillsreg.accounts.rules import Sector
from skillsreg.workshops.models import (
    Choice,
    ChoiceStatus,
    ExpressionOfInterest,
    Workshop,
    WorkshopStatus,
)
from skillsreg.workshops.selection import services

# Real time: pages use the clock, so workshops must really be in the future.
NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def make_workshop(db, organiser):
    counter = iter(range(1, 1000))

    def make(**overrides: Any) -> Workshop:
        n = next(counter)
        starts = NOW + timedelta(days=30 + n)
        values: dict[str, Any] = {
            "title": f"Workshop {n}",
            "slug": f"workshop-{n}-{starts.date().isoformat()}",
            "starts_at": starts,
            "ends_at": starts + timedelta(hours=6),
            "closes_at": NOW - timedelta(days=1),
            "venue": "London",
            "capacity": 2,
            "status": WorkshopStatus.PUBLISHED,
            "eligible_sectors": [s.value for s in Sector],
            "created_by": organiser,
            "published_at": NOW - timedelta(days=20),
        }
        values.update(overrides)
        workshop = Workshop(**values)
        db.session.add(workshop)
        db.session.flush()
        return workshop

    return make


@pytest.fixture
def apply(db):
    """Give a person a submitted expression of interest in these workshops, ranked in order."""
    counter = iter(range(1, 100_000))

    def make(
        user,
        *workshops: Workshop,
        status: ChoiceStatus = ChoiceStatus.APPLIED,
        manages: bool = False,
        years: int = 0,
        available: bool | list[bool] = True,
        access_needs: str | None = "Step-free access",
    ) -> ExpressionOfInterest:
        n = next(counter)
        eoi = ExpressionOfInterest(
            user=user,
            experience=f"I look after our website ({n})",
            manages_web_team=manages,
            years_managing=years if manages else None,
            access_needs=access_needs,
            submitted_at=NOW - timedelta(days=10, minutes=-n),
            created_at=NOW - timedelta(days=11),
            updated_at=NOW - timedelta(days=11),
        )
        flags = available if isinstance(available, list) else [available] * len(workshops)
        for rank, (workshop, flag) in enumerate(zip(workshops, flags, strict=True), start=1):
            eoi.choices.append(
                Choice(workshop=workshop, rank=rank, is_available=flag, status=status)
            )
        db.session.add(eoi)
        db.session.flush()
        return eoi

    return make


@pytest.fixture
def open_round(organiser):
    def make(*workshops: Workshop, **overrides: Any):
        values: dict[str, Any] = {
            "workshops": list(workshops),
            "title": "",
            "max_places_per_person": 1,
            "min_per_target_role": 0,
            "time_limit": 10.0,
            "weights": {},
            "actor": organiser,
            "now": NOW,
        }
        values.update(overrides)
        return services.open_round(**values)

    return make
