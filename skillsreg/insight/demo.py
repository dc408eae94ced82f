"""Demonstration community: synthetic members with plausible, varied self-assessments.

Every account made here is marked `is_demo` and uses an example.invalid address; nobody can
sign in as them (their password is random and thrown away). Rows go in with bulk inserts.
"""

from __future__ import annotations

import random
import secrets
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from skillsreg.accounts.models import User, new_login_id
from skillsreg.accounts.rules import UK_REGIONS, WEB_GROUPS, Role, Sector
from skillsreg.accounts.services import hash_password
from skillsreg.assessments.models import Assessment, AssessmentStatus, Rating
from skillsreg.extensions import db
from skillsreg.frameworks.models import FrameworkVersion, RoleLevel, Skill
from skillsreg.frameworks.models import Role as FrameworkRole
from skillsreg.insight.queries import latest_published_version

DEMO_DOMAIN = "demo-community.example.invalid"
FIRST_NAMES = ["Alex", "Sam", "Priya", "Tom", "Aisha", "Gareth", "Morag", "Niamh", "Kwame", "Li"]
LAST_NAMES = ["Jones", "Patel", "Campbell", "Okafor", "Evans", "Murphy", "Chen", "Smith", "Ali"]
SECTOR_WEIGHTS = {Sector.PUBLIC: 60, Sector.THIRD: 15, Sector.SUPPLIER: 15, Sector.FREELANCE: 10}
REGION_WEIGHTS = dict.fromkeys(UK_REGIONS, 3) | {"london": 10, "north-west": 6}


def _profiles(version: FrameworkVersion) -> list[tuple[str, str, int, dict[str, int]]]:
    """(role code, level code, seniority, profile) for every role level of the version."""
    result = []
    for role in db.session.scalars(
        sa.select(FrameworkRole).where(FrameworkRole.version_id == version.id)
    ):
        for seniority, level in enumerate(role.levels):
            result.append((role.code, level.code, seniority, _profile(level)))
    return result


def _profile(level: RoleLevel) -> dict[str, int]:
    return {entry.skill_code: entry.level for entry in level.profile}


def community_rows(
    version: FrameworkVersion, *, count: int, now: datetime, seed: int, all_skills: bool = False
) -> list[dict[str, Any]]:
    """Synthetic people, each with one or two assessments of `version`: plain dictionaries.

    Ratings sit around what the person's role level expects, shifted by the person's own
    confidence and by how hard the community finds each skill, so gaps vary by skill.
    """
    rng = random.Random(seed)  # noqa: S311 - made-up demonstration data, not secrets
    profiles = _profiles(version)
    skills = list(
        db.session.scalars(
            sa.select(Skill.code).where(Skill.version_id == version.id).order_by(Skill.position)
        )
    )
    difficulty = {code: rng.choice([-1, -1, 0, 0, 0, 0, 1]) for code in skills}
    people = []
    for n in range(count):
        role_code, level_code, seniority, profile = rng.choice(profiles)
        joined_days = rng.randint(10, 400)
        joined = now - timedelta(days=joined_days)
        wanted = skills if all_skills else [*profile, *rng.sample(skills, rng.randint(0, 3))]
        confidence = rng.choice([-1, 0, 0, 0, 1])
        assessments = []
        for round_ in range(2 if rng.random() < 0.2 else 1):
            ratings: dict[str, int | None] = {}
            for code in dict.fromkeys(wanted):
                if rng.random() < 0.04:
                    ratings[code] = None  # not applicable
                    continue
                centre = profile.get(code, 1 + seniority) - difficulty[code] + confidence
                ratings[code] = max(1, min(5, centre + rng.choice([-1, 0, 0, 0, 1]) + round_))
            # A second assessment comes after the first, and a little more confident.
            oldest = min(300, joined_days - 1)
            age = (
                rng.randint(1, max(1, oldest // 2)) if round_ else rng.randint(oldest // 2, oldest)
            )
            assessments.append((now - timedelta(days=age), ratings))
        people.append(
            {
                "n": n,
                "sector": rng.choices(list(SECTOR_WEIGHTS), list(SECTOR_WEIGHTS.values()))[0],
                "region": rng.choices(list(REGION_WEIGHTS), list(REGION_WEIGHTS.values()))[0]
                if rng.random() < 0.9
                else None,
                "role_code": role_code,
                "role_level_code": level_code,
                "joined": joined,
                "opted_out": rng.random() < 0.03,
                "assessments": assessments,
            }
        )
    return people


def insert_community(
    version: FrameworkVersion, people: list[dict[str, Any]], *, prefix: str, now: datetime
) -> int:
    """Bulk insert the people, their assessments and ratings; return how many people."""
    password = hash_password(secrets.token_urlsafe(24))  # thrown away: nobody signs in as them
    rng = random.Random(len(people))  # noqa: S311 - demonstration names
    user_ids = db.session.scalars(
        sa.insert(User).returning(User.id, sort_by_parameter_order=True),
        [
            {
                "email": f"{prefix}-{p['n']}@{DEMO_DOMAIN}",
                "name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)} (demo)",
                "organisation": "Demonstration organisation",
                "sector": p["sector"],
                "job_title": "Demonstration member",
                "web_groups": [p["role_code"]] if p["role_code"] in WEB_GROUPS else [],
                "region": p["region"],
                "password_hash": password,
                "role": Role.MEMBER,
                "login_id": new_login_id(),
                "is_demo": True,
                "is_statistics_opt_out": p["opted_out"],
                "created_at": p["joined"],
                "email_confirmed_at": p["joined"],
            }
            for p in people
        ],
    ).all()
    assessment_rows, ratings_per = [], []
    for user_id, person in zip(user_ids, people, strict=True):
        for submitted_at, ratings in person["assessments"]:
            assessment_rows.append(
                {
                    "user_id": user_id,
                    "version_id": version.id,
                    "role_code": person["role_code"],
                    "role_level_code": person["role_level_code"],
                    "status": AssessmentStatus.SUBMITTED,
                    "created_at": submitted_at - timedelta(days=1),
                    "updated_at": submitted_at,
                    "submitted_at": submitted_at,
                }
            )
            ratings_per.append(ratings)
    assessment_ids = db.session.scalars(
        sa.insert(Assessment).returning(Assessment.id, sort_by_parameter_order=True),
        assessment_rows,
    ).all()
    rating_rows = [
        {
            "assessment_id": assessment_id,
            "skill_code": code,
            "level": level,
            "is_not_applicable": level is None,
            "evidence": "",
            "note": "",
            "needs_confirmation": False,
            "is_extra": False,
        }
        for assessment_id, ratings in zip(assessment_ids, ratings_per, strict=True)
        for code, level in ratings.items()
    ]
    db.session.execute(sa.insert(Rating), rating_rows)
    return len(people)


def load_demo_community(now: datetime, *, count: int = 600, seed: int = 16) -> int:
    """Add the demonstration community once; return how many people were added."""
    version = latest_published_version()
    if version is None:
        return 0
    exists = db.session.scalar(
        sa.select(User.id).where(User.email.like(f"%@{DEMO_DOMAIN}")).limit(1)
    )
    if exists is not None:
        return 0
    people = community_rows(version, count=count, now=now, seed=seed)
    return insert_community(version, people, prefix="member", now=now)


def load_demo_release(now: datetime, *, budget: Any, url_base: str) -> int | None:
    """Make the first open-data release of the demonstration community, if none exists."""
    from skillsreg.insight import queries, services

    if queries.releases() or latest_published_version() is None:
        return None
    return services.make_release(budget=budget, actor=None, now=now, url_base=url_base).number


def demo_member_count() -> int:
    """How many demonstration accounts this copy of the service holds (shown on insight pages)."""
    return db.session.scalar(sa.select(sa.func.count()).where(User.is_demo)) or 0
