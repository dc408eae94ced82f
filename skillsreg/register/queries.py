"""Read models of the register: consent state, the people of a population, streamed in batches."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa

from skillsreg.accounts.models import User
from skillsreg.accounts.rules import UK_REGIONS, Sector
from skillsreg.assessments.models import Assessment, AssessmentStatus, Rating
from skillsreg.core.templating import govuk_date
from skillsreg.development.queries import commitment_texts
from skillsreg.extensions import db
from skillsreg.frameworks.models import Role, RoleLevel, Skill
from skillsreg.register.models import Consent, ConsentEvent, ConsentWording, RegisterSnapshot
from skillsreg.register.rules import (
    FIELD_BY_VALUE,
    FIELD_ORDER,
    ConsentField,
    Person,
    Population,
    PopulationSpec,
    role_summary,
    top_skills_summary,
)
from skillsreg.workshops.models import Choice, ChoiceStatus, ExpressionOfInterest, Workshop

BATCH = 1000


def current_wordings() -> dict[ConsentField, ConsentWording]:
    """The latest version of the wording of each field."""
    wordings: dict[ConsentField, ConsentWording] = {}
    for wording in db.session.scalars(sa.select(ConsentWording).order_by(ConsentWording.version)):
        wordings[wording.field] = wording
    return wordings


def consent_choices() -> list[tuple[str, str]]:
    """(field, wording) pairs for a consent form, in column order."""
    wordings = current_wordings()
    return [(f.value, wordings[f].text) for f in FIELD_ORDER if f in wordings]


def consents_of(user: User) -> set[ConsentField]:
    """The fields this person currently agrees to publish."""
    return set(db.session.scalars(sa.select(Consent.field).where(Consent.user_id == user.id)))


def consent_labels(user: User) -> list[str]:
    """What this person agrees to publish, in column order, for a page to list."""
    agreed = consents_of(user)
    return [f.label for f in FIELD_ORDER if f in agreed]


def consent_history(user: User, *, limit: int = 50) -> list[ConsentEvent]:
    """This person's latest grants and withdrawals, newest first, with the wording of each."""
    return list(
        db.session.scalars(
            sa.select(ConsentEvent)
            .where(ConsentEvent.user_id == user.id)
            .order_by(ConsentEvent.id.desc())
            .limit(limit)
        )
    )


def snapshots() -> list[RegisterSnapshot]:
    """Every publication, newest first."""
    return list(
        db.session.scalars(sa.select(RegisterSnapshot).order_by(RegisterSnapshot.number.desc()))
    )


def snapshot_by_number(number: int) -> RegisterSnapshot | None:
    return db.session.scalar(sa.select(RegisterSnapshot).where(RegisterSnapshot.number == number))


def stale_snapshot() -> RegisterSnapshot | None:
    """The withdrawn snapshot not yet republished, if the register is stale."""
    replaced = sa.select(RegisterSnapshot.replaces_id).where(
        RegisterSnapshot.replaces_id.is_not(None)
    )
    return db.session.scalar(
        sa.select(RegisterSnapshot)
        .where(RegisterSnapshot.withdrawn_at.is_not(None))
        .where(RegisterSnapshot.id.not_in(replaced))
        .order_by(RegisterSnapshot.number.desc())
        .limit(1)
    )


def workshop_choices() -> list[tuple[int, str]]:
    """Workshops an organiser may build a register from: those with applicants."""
    rows = db.session.execute(
        sa.select(Workshop.id, Workshop.title, Workshop.starts_at).order_by(Workshop.starts_at)
    )
    return [(row.id, f"{row.title} ({govuk_date(row.starts_at)})") for row in rows]


def workshop_titles(ids: Sequence[int]) -> dict[int, str]:
    rows = db.session.execute(sa.select(Workshop.id, Workshop.title).where(Workshop.id.in_(ids)))
    return {row.id: row.title for row in rows}


def _applicants(workshop_ids: Sequence[int]) -> sa.Select[Any]:
    return (
        sa.select(ExpressionOfInterest.user_id)
        .join(Choice)
        .where(Choice.workshop_id.in_(workshop_ids))
        .where(Choice.status != ChoiceStatus.WITHDRAWN)
        .where(ExpressionOfInterest.submitted_at.is_not(None))
        .where(ExpressionOfInterest.withdrawn_at.is_(None))
    )


def _population_ids(spec: PopulationSpec) -> sa.Select[Any]:
    query = sa.select(User.id).where(User.erased_at.is_(None), User.email_confirmed_at.is_not(None))
    if spec.kind is Population.WORKSHOPS:
        query = query.where(User.id.in_(_applicants(spec.workshop_ids)))
    return query


def consented_fields(spec: PopulationSpec) -> set[ConsentField]:
    """Every field at least one person in the population agreed to publish."""
    query = sa.select(Consent.field).where(Consent.user_id.in_(_population_ids(spec))).distinct()
    return set(db.session.scalars(query))


def people(spec: PopulationSpec) -> Iterator[Person]:
    """Everyone in the population who agreed to publish something, streamed in batches.

    One pass over the consents, in the order of their primary key (person, field), joined to
    the person: no sort, no per-person query, and only a batch of rows in memory at a time.
    """
    query = (
        sa.select(
            User.id,
            User.name,
            User.organisation,
            User.job_title,
            # Plain strings, mapped below: cheaper than the enum type for 100,000 people.
            sa.type_coerce(User.sector, sa.String).label("sector"),
            User.region,
            sa.type_coerce(Consent.field, sa.String).label("field"),
        )
        .join(User, User.id == Consent.user_id)
        # Only people who proved their address: nobody can be listed under someone else's.
        .where(User.erased_at.is_(None), User.email_confirmed_at.is_not(None))
        .order_by(Consent.user_id, Consent.field)
        .execution_options(yield_per=BATCH)
    )
    if spec.kind is Population.WORKSHOPS:
        query = query.where(User.id.in_(_applicants(spec.workshop_ids)))
    batch: list[Person] = []
    consented: set[ConsentField] = set()
    for row in db.session.execute(query):
        field = FIELD_BY_VALUE[row.field]
        if batch and batch[-1].user_id == row.id:  # the same person, another field
            consented.add(field)
            continue
        if batch:
            batch[-1].consented = frozenset(consented)
        if len(batch) >= BATCH:
            yield from _with_assessments(batch)
            batch = []
        batch.append(_person(row))
        consented = {field}
    if batch:
        batch[-1].consented = frozenset(consented)
    yield from _with_assessments(batch)


_SECTOR_LABELS = {sector.value: sector.label for sector in Sector}


def _person(row: Any) -> Person:
    values = {
        ConsentField.NAME: row.name,
        ConsentField.ORGANISATION: row.organisation,
        ConsentField.JOB_TITLE: row.job_title,
        ConsentField.ROLES: "",
        ConsentField.SECTOR: _SECTOR_LABELS.get(row.sector, ""),
        ConsentField.REGION: UK_REGIONS.get(row.region or "", ""),
        ConsentField.TOP_SKILLS: "",
        ConsentField.COMMITMENTS: "",
    }
    return Person(user_id=row.id, values=values)


def _with_assessments(batch: list[Person]) -> list[Person]:
    """Fill in role and top skills for those who agreed to publish them."""
    wanted = {ConsentField.ROLES, ConsentField.TOP_SKILLS}
    assessed = _assessment_summaries([p.user_id for p in batch if p.consented & wanted])
    for person in batch:
        if person.user_id in assessed:
            role, skills = assessed[person.user_id]
            person.values[ConsentField.ROLES] = role
            person.values[ConsentField.TOP_SKILLS] = skills
    return _with_commitments(batch)


def _with_commitments(batch: list[Person]) -> list[Person]:
    """Fill in public commitments (with kept, missed or renewed) for those who agreed."""
    wanted = [p.user_id for p in batch if ConsentField.COMMITMENTS in p.consented]
    texts = commitment_texts(wanted)
    for person in batch:
        person.values[ConsentField.COMMITMENTS] = texts.get(person.user_id, "")
    return batch


def _assessment_summaries(user_ids: list[int]) -> dict[int, tuple[str, str]]:
    """Role (with level) and top skills of each person's latest submitted assessment."""
    if not user_ids:
        return {}
    latest = (
        sa.select(
            Assessment.id,
            Assessment.user_id,
            Assessment.version_id,
            Assessment.role_code,
            Assessment.role_level_code,
        )
        .where(Assessment.user_id.in_(user_ids))
        .where(Assessment.status == AssessmentStatus.SUBMITTED)
        .order_by(Assessment.user_id, Assessment.submitted_at.desc(), Assessment.id.desc())
    )
    chosen: dict[int, Any] = {}
    for row in db.session.execute(latest):
        chosen.setdefault(row.user_id, row)
    if not chosen:
        return {}
    roles = _role_names([(r.version_id, r.role_code, r.role_level_code) for r in chosen.values()])
    ratings = _ratings([r.id for r in chosen.values()])
    summaries = {}
    for user_id, row in chosen.items():
        role, level = roles.get((row.version_id, row.role_code, row.role_level_code), ("", ""))
        summaries[user_id] = (role_summary(role, level), top_skills_summary(ratings[row.id]))
    return summaries


def _role_names(keys: list[tuple[int, str, str]]) -> dict[tuple[int, str, str], tuple[str, str]]:
    versions = {k[0] for k in keys}
    rows = db.session.execute(
        sa.select(Role.version_id, Role.code, Role.name, RoleLevel.code, RoleLevel.name)
        .join(RoleLevel, RoleLevel.role_id == Role.id)
        .where(Role.version_id.in_(versions))
    )
    return {(v, rc, lc): (rn, ln) for v, rc, rn, lc, ln in rows}


def _ratings(assessment_ids: list[int]) -> dict[int, list[tuple[str, int | None]]]:
    rows = db.session.execute(
        sa.select(Rating.assessment_id, Skill.name, Rating.level)
        .join(Assessment, Assessment.id == Rating.assessment_id)
        .join(
            Skill,
            sa.and_(Skill.version_id == Assessment.version_id, Skill.code == Rating.skill_code),
        )
        .where(Rating.assessment_id.in_(assessment_ids))
    )
    found: dict[int, list[tuple[str, int | None]]] = defaultdict(list)
    for assessment_id, name, level in rows:
        found[assessment_id].append((name, level))
    return found
