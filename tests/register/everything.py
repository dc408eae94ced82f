"""A member who has done everything the service offers, for erasure and export tests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import time, timedelta
from typing import Any

import sqlalchemy as sa

from skillsreg.accounts import confirmation
from skillsreg.accounts import services as accounts
from skillsreg.accounts.models import User
from skillsreg.assessments import services as assessments
from skillsreg.core.db import utcnow
from skillsreg.extensions import db
from skillsreg.frameworks import services as frameworks
from skillsreg.register import services as register
from skillsreg.register.models import RegisterSnapshot
from skillsreg.register.rules import Population, PopulationSpec
from skillsreg.reviews import services as reviews
from skillsreg.workshops import services as workshops
from skillsreg.workshops.selection import services as selection
from tests.assessments.test_services import import_version, start
from tests.conftest import DEFAULT_PASSWORD

# Each is written by the person (or is them) and must be gone from every table after erasure.
WORDS = {
    "name": "Zelda Quintessa Erasable",
    "email": "zelda.erasable.7c1d@example.gov.uk",
    "organisation": "Quintessa Unique Trust 5e2f",
    "job_title": "Chief Quintessa Officer 9b0a",
    "evidence": "Zelda evidence about accessibility audits 41aa",
    "experience": "Zelda experience running a web team 77c3",
    "access_needs": "Zelda access needs: a hearing loop 0d9e",
    "comment": "Zelda consultation comment on the draft e8f1",
    "new_email": "zelda.moving.on.3f9b@example.gov.uk",
    "reviewer_name": "Rhoda Reviewerton 2c4d",
    "reviewer_email": "rhoda.reviewer.5a1b@example.org",
    "review_comment": "Rhoda comment on the content work 6e2a",
}


@dataclass
class Everything:
    """The person and the things made with them."""

    person: User
    snapshot: RegisterSnapshot
    share_token: str
    version: Any
    workshop: Any


def member_who_did_everything(create_user: Callable[..., User], organiser: User) -> Everything:
    """Sign-up, consent, assessment with evidence and share link, EOI, offer, comment, reset,
    and an address change still waiting for its link."""
    now = utcnow()
    person = create_user(
        name=WORDS["name"],
        email=WORDS["email"],
        organisation=WORDS["organisation"],
        job_title=WORDS["job_title"],
    )
    register.set_consents(
        person, fields=("name", "organisation", "job_title"), source="test", now=now
    )
    version = import_version("1.0.0")
    sent = start(person, version)
    assessments.save_ratings(
        sent,
        {r.skill_code: assessments.Answer("na", WORDS["evidence"]) for r in sent.ratings},
        now=now,
    )
    assessments.submit_assessment(sent, now=now)
    token = assessments.create_share_link(sent, now=now)
    _reviewed(person, sent, now=now)

    day = now.date() + timedelta(days=20)
    workshop = workshops.create_workshop(
        actor=organiser,
        details=workshops.WorkshopDetails(
            title="Everything workshop", day=day, start=time(10), end=time(16), capacity=5,
            closes_on=day - timedelta(days=15), venue="Leeds",
        ),
        now=now,
    )  # fmt: skip
    workshops.publish_workshop(workshop, now=now)
    eoi = workshops.start_interest(person, now=now)
    workshops.choose_workshops(
        eoi, workshop_ids=[workshop.id], wants_to_comment_on_draft=False, now=now
    )
    workshops.rank_choices(eoi, ranks={workshop.id: 1}, availability={workshop.id: True}, now=now)
    workshops.answer_questions(
        eoi, experience=WORDS["experience"], manages_web_team=True, years_managing=3,
        share_assessment=True, access_needs=WORDS["access_needs"], now=now,
    )  # fmt: skip
    workshops.submit_interest(eoi, now=now)
    # Once the workshop has closed, a selection round offers them the place.
    later = now + timedelta(days=6)
    round_ = selection.open_round(
        workshops=[workshop], title="Everything round", max_places_per_person=1,
        min_per_target_role=0, time_limit=10.0, weights={}, actor=organiser, now=later,
    )  # fmt: skip
    run = selection.run_round(round_, seed=1, actor=organiser, now=later)
    selection.confirm_round(round_, run, actor=organiser, now=later)

    snapshot = register.publish_register(
        PopulationSpec(Population.FRAMEWORK), actor=organiser, now=now
    )
    consultation = frameworks.create_draft(version.framework, actor=organiser, now=now)
    frameworks.open_consultation(
        consultation, closes_on=now.date() + timedelta(days=14), expected_lock=None, now=now
    )
    frameworks.add_comment(
        consultation, author=person, body=WORDS["comment"], skill_code=None, level=None, now=now
    )
    accounts.request_password_reset(
        email=person.email, now=now, max_age=timedelta(hours=1), reset_url=lambda t: f"/r/{t}"
    )
    confirmation.request_email_change(
        person, new_email=WORDS["new_email"], password=DEFAULT_PASSWORD, now=now,
        link=lambda t: f"/c/{t}",
    )  # fmt: skip
    db.session.commit()
    return Everything(person, snapshot, token, version, workshop)


def _reviewed(person: User, assessment: Any, *, now: Any) -> None:
    """A reviewer (no account) is asked, and reviews the assessment, disagreeing once."""
    review = reviews.request_review(
        assessment, member=person, name=WORDS["reviewer_name"], email=WORDS["reviewer_email"],
        relationship="peer", message="", now=now, link=lambda t: f"/g/{t}",
        decline_link=lambda t: f"/d/{t}", days=14, per_day=10,
    )  # fmt: skip
    answers: dict[str, tuple[str | None, str]] = {
        r.skill_code: ("agree", "") for r in assessment.ratings
    }
    answers[assessment.ratings[0].skill_code] = ("3", WORDS["review_comment"])
    reviewer = reviews.Reviewer(WORDS["reviewer_name"], "Peer reviewer", "Reviewer Trust")
    reviews.give_review(review, answers=answers, reviewer=reviewer, now=now, link="/reviews/1")


def text_values(connection: sa.Connection) -> list[tuple[str, str, str]]:
    """(table, column, text) for every text, JSON and binary value of every table in the database.

    The tables and columns come from the database itself, not from the models, so a table
    nobody thought of is searched too.
    """
    reflected = sa.MetaData()
    reflected.reflect(bind=connection)
    found = []
    for table in reflected.sorted_tables:
        columns = [c for c in table.columns if _holds_text(c.type)]
        if not columns:
            continue
        for row in connection.execute(sa.select(*columns)).mappings():
            for name, value in row.items():
                if value is not None:
                    found.append((table.name, name, _as_text(value)))
    return found


def _holds_text(kind: Any) -> bool:
    return isinstance(kind, sa.String | sa.Text | sa.JSON | sa.LargeBinary | sa.Enum) or (
        type(kind).__name__ in {"JSONB", "BYTEA", "NullType"}
    )


def _as_text(value: Any) -> str:
    if isinstance(value, bytes | memoryview):
        return bytes(value).decode("utf-8", errors="replace")
    return value if isinstance(value, str) else repr(value)
