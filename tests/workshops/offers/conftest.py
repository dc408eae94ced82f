"""Fixtures for offers: workshops after their closing date, and people on their lists."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from skillsreg.accounts.rules import Sector
from skillsreg.workshops.models import (
    Choice,
    ChoiceStatus,
    ExpressionOfInterest,
    Workshop,
    WorkshopStatus,
)

# Real time: the pages use the clock, so workshops must really be in the future.
NOW = datetime.now(UTC).replace(microsecond=0)
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def make_workshop(db, organiser):
    counter = iter(range(1, 1000))

    def make(**overrides: Any) -> Workshop:
        n = next(counter)
        day = (NOW + timedelta(days=30 + n)).date()
        starts = datetime.combine(day, time(10, 0), tzinfo=LONDON).astimezone(UTC)
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
        status: ChoiceStatus = ChoiceStatus.WAITING,
        manages: bool = False,
        years: int = 0,
        available: bool = True,
        submitted_at: datetime | None = None,
    ) -> Choice:
        n = next(counter)
        eoi = ExpressionOfInterest(
            user=user,
            experience="I look after our website",
            manages_web_team=manages,
            years_managing=years if manages else None,
            access_needs="Step-free access",
            submitted_at=submitted_at or NOW - timedelta(days=10, minutes=-n),
            created_at=NOW - timedelta(days=11),
            updated_at=NOW - timedelta(days=11),
        )
        for rank, workshop in enumerate(workshops, start=1):
            eoi.choices.append(
                Choice(workshop=workshop, rank=rank, is_available=available, status=status)
            )
        db.session.add(eoi)
        db.session.flush()
        return eoi.choices[0]

    return make
