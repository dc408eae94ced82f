"""Register services: consent per field, publishing snapshots, withdrawing and republishing them."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime
from types import ModuleType
from typing import Any

import sqlalchemy as sa

from skillsreg.accounts.confirmed import require_confirmed
from skillsreg.accounts.models import User
from skillsreg.core.audit import record
from skillsreg.core.errors import DomainError, NotAllowedError
from skillsreg.core.jobs.models import Job
from skillsreg.core.jobs.services import start_job
from skillsreg.core.templating import govuk_date, pluralise
from skillsreg.credentials.services import revoke_on_withdrawal
from skillsreg.extensions import db
from skillsreg.register import queries
from skillsreg.register.files import FORMATS, BuiltFile, RegisterTable, build_files
from skillsreg.register.models import (
    Consent,
    ConsentEvent,
    RegisterSnapshot,
    SnapshotFile,
    SnapshotMember,
)
from skillsreg.register.rules import (
    ConsentField,
    Population,
    PopulationSpec,
    columns_for,
    is_listed,
    published_values,
    row_for,
)

log = logging.getLogger(__name__)

# Kinds of job (skillsreg/register/jobs.py runs them).
PUBLISH = "register.publish"
REPUBLISH = "register.republish"
PUSH = "register.push"

REGISTER_TITLE = "Register of web professionals interested in the skills framework"
WITHDRAWN_NOTICE = (
    "Register {number} has been withdrawn at the request of a person listed in it. "
    "See the list of registers for a newer one."
)
# Who asked is never recorded with a withdrawal: it would say who was listed where.
AT_THE_PERSONS_REQUEST = "at the person's request"


class ConsentError(DomainError):
    """Consent cannot be given or withdrawn as asked."""


class RegisterError(DomainError):
    """A register cannot be built, published, pushed or withdrawn as asked."""


@dataclass
class ConsentChange:
    """What a change of consent did."""

    granted: list[ConsentField] = field(default_factory=list)
    withdrawn: list[ConsentField] = field(default_factory=list)
    withdrawn_snapshots: list[int] = field(default_factory=list)
    # The queued job publishing a register without this person, when that happens at once.
    republish_job_id: int | None = None

    @property
    def changed(self) -> bool:
        return bool(self.granted or self.withdrawn)


def _parse_fields(fields: Iterable[str | ConsentField]) -> set[ConsentField]:
    try:
        return {ConsentField(f) for f in fields}
    except ValueError:
        raise ConsentError("Select details from the list", field="consent_fields") from None


def set_consents(
    user: User,
    *,
    fields: Iterable[str | ConsentField],
    source: str,
    now: datetime,
    auto_republish: bool = False,
) -> ConsentChange:
    """Agree to publish exactly the fields given, recording every grant and withdrawal."""
    wanted = _parse_fields(fields)
    if user.is_erased and wanted:
        raise ConsentError("This account has been deleted")
    wordings = queries.current_wordings()
    held = db.session.scalars(sa.select(Consent).where(Consent.user_id == user.id))
    current = {consent.field: consent for consent in held}
    change = ConsentChange()
    if wanted - current.keys():  # withdrawing is always allowed; agreeing needs a proved address
        require_confirmed(user, action="agree to appear in the register")
    for name in sorted(wanted - current.keys(), key=lambda f: f.value):
        wording = wordings[name]
        db.session.add(Consent(user_id=user.id, field=name, wording=wording, granted_at=now))
        _log_event(user, name, granted=True, wording_id=wording.id, source=source, now=now)
        change.granted.append(name)
    for name in sorted(current.keys() - wanted, key=lambda f: f.value):
        consent = current[name]
        _log_event(user, name, granted=False, wording_id=consent.wording_id, source=source, now=now)
        db.session.delete(consent)
        change.withdrawn.append(name)
    db.session.flush()
    if change.withdrawn:
        withdrawn, republish_job = withdraw_snapshots_listing(
            user, now=now, auto_republish=auto_republish
        )
        change.withdrawn_snapshots = [s.number for s in withdrawn]
        change.republish_job_id = republish_job.id if republish_job else None
    return change


def withdraw_all_consent(
    user: User, *, source: str, now: datetime, auto_republish: bool = False
) -> ConsentChange:
    """Withdraw consent to publish anything, in one step; the member's credentials are revoked."""
    revoke_on_withdrawal(user, now=now)
    return set_consents(user, fields=(), source=source, now=now, auto_republish=auto_republish)


def _log_event(
    user: User, name: ConsentField, *, granted: bool, wording_id: int, source: str, now: datetime
) -> None:
    db.session.add(
        ConsentEvent(
            user_id=user.id,
            field=name,
            is_granted=granted,
            wording_id=wording_id,
            source=source,
            at=now,
        )
    )
    record(
        "consent.grant" if granted else "consent.withdraw",
        actor=user,
        subject_type="user",
        subject_id=user.id,
        field=name.value,
        wording_id=wording_id,
        source=source,
    )


def population_spec(kind: str, workshop_ids: Sequence[int] = ()) -> PopulationSpec:
    """Check an organiser's choice of population."""
    try:
        population = Population(kind)
    except ValueError:
        raise RegisterError("Select who the register is built from", field="population") from None
    if population is Population.FRAMEWORK:
        return PopulationSpec(population)
    ids = tuple(sorted(set(workshop_ids)))
    if not ids:
        raise RegisterError("Select at least one workshop", field="workshop_ids")
    if len(queries.workshop_titles(ids)) != len(ids):
        raise RegisterError("Select workshops from the list", field="workshop_ids")
    return PopulationSpec(population, ids)


def columns_of(spec: PopulationSpec) -> list[ConsentField]:
    """The columns a register of this population has."""
    return columns_for(queries.consented_fields(spec))


def stream_rows(spec: PopulationSpec, columns: Sequence[ConsentField]) -> Iterator[dict[str, str]]:
    """The rows of the register of a population, one at a time, never all in memory."""
    keys = [(name, name.value) for name in columns]
    for person in queries.people(spec):
        values = published_values(person)
        if values:  # the same test as is_listed, without working the values out twice
            yield {key: values.get(name, "") for name, key in keys}


def build_table(
    spec: PopulationSpec, *, number: int | None = None, now: datetime | None = None
) -> tuple[RegisterTable, list[int]]:
    """The register of a population as it would be published, and the people it lists."""
    columns = columns_for(queries.consented_fields(spec))
    rows, listed = [], []
    for person in queries.people(spec):
        if is_listed(person):
            rows.append(row_for(person, columns))
            listed.append(person.user_id)
    label = spec.describe(queries.workshop_titles(spec.workshop_ids))
    title = REGISTER_TITLE if number is None else f"{REGISTER_TITLE}: number {number}"
    table = RegisterTable(
        title=title,
        number=number,
        published_at=now,
        population=label,
        columns=columns,
        rows=rows,
    )
    return table, listed


Progress = Callable[[int, int, str], None]
PUBLISH_STEPS = 2 + len(FORMATS)  # finding the people, each format, storing


def publish_register(
    spec: PopulationSpec,
    *,
    actor: User,
    now: datetime,
    replaces: RegisterSnapshot | None = None,
    progress: Progress | None = None,
) -> RegisterSnapshot:
    """Publish an immutable, numbered snapshot of the register in every format.

    `progress(done, total, message)` is called between the steps, before anything is written.
    """
    if not actor.is_organiser:
        raise NotAllowedError("Only organisers can publish the register")
    report = progress or (lambda done, total, message: None)
    report(0, PUBLISH_STEPS, "Finding the people who agreed to be listed")
    last = db.session.scalar(sa.select(sa.func.max(RegisterSnapshot.number))) or 0
    with ExitStack() as spool:  # the files wait in temporary files until they are stored
        built = _build(spec, number=last + 1, now=now, spool=spool, report=report)
        snapshot = RegisterSnapshot(
            number=built.number,
            title=built.title,
            population=spec.as_dict(),
            population_label=built.population,
            columns=[c.value for c in built.columns],
            people_count=len(built.listed),
            published_at=now,
            published_by=actor,
            replaces_id=replaces.id if replaces else None,
        )
        db.session.add(snapshot)
        db.session.flush()
        _store_members(snapshot, built.listed)
        for file in built.files:
            _store_file(snapshot, file)
        record(
            "register.publish",
            actor=actor,
            subject_type="register",
            subject_id=snapshot.number,
            people=len(built.listed),
            population=spec.as_dict(),
        )
        _to_library(snapshot, built.files, actor=actor, now=now)
    return snapshot


@dataclass(frozen=True)
class _Built:
    """A register's files, built, and what the snapshot records about it: not its rows."""

    number: int
    title: str
    population: str
    columns: list[ConsentField]
    listed: list[int]
    files: list[BuiltFile]


def _build(
    spec: PopulationSpec, *, number: int, now: datetime, spool: ExitStack, report: Progress
) -> _Built:
    """Build every file of the register of a population into temporary files.

    The rows of everyone listed live only as long as this call, so they are gone before the
    files are stored (each file is in memory then, and the database driver's copy of it).
    """
    table, listed = build_table(spec, number=number, now=now)
    if not listed:
        raise RegisterError("Nobody in this population has agreed to appear in the register")
    people = f"{len(listed)} {pluralise(len(listed), 'person', 'people')}"
    report(1, PUBLISH_STEPS, f"Building the files for {people}")
    pdf_step = 1 + FORMATS.index("pdf")  # the PDF is the long step: say how far it has got
    files = build_files(
        table,
        spool=spool,
        done=lambda n, name: report(1 + n, PUBLISH_STEPS, f"Built {name}"),
        on_part=lambda part, parts: report(
            pdf_step, PUBLISH_STEPS, f"Laying out the PDF: part {part} of {parts} done"
        ),
    )
    return _Built(number, table.title, table.population, table.columns, listed, files)


MEMBERS_AT_ONCE = 10_000


def _store_members(snapshot: RegisterSnapshot, listed: Sequence[int]) -> None:
    for start in range(0, len(listed), MEMBERS_AT_ONCE):
        db.session.execute(
            sa.insert(SnapshotMember),
            [
                {"snapshot_id": snapshot.id, "user_id": user_id}
                for user_id in listed[start : start + MEMBERS_AT_ONCE]
            ],
        )


def _store_file(snapshot: RegisterSnapshot, file: BuiltFile) -> None:
    """Store one file; only it (and the driver's copy) is in memory meanwhile."""
    stored = SnapshotFile(
        name=file.name,
        media_type=file.media_type,
        size=file.size,
        sha256=file.sha256,
        content=file.read(),
    )
    snapshot.files.append(stored)
    db.session.flush()
    # Otherwise the session would hold every file's bytes until the commit.
    db.session.expire(stored, ["content"])


def _publishing() -> ModuleType | None:
    """The library's publishing functions, when that module is present."""
    try:
        from skillsreg.library import publishing
    except ImportError:  # pragma: no cover - only while the library is being built
        log.warning("skillsreg.library.publishing is missing: register not sent to the library")
        return None
    return publishing


def published_files(files: Iterable[BuiltFile | SnapshotFile]) -> list[Any]:
    """Files in the form the library and publishing targets take."""
    publishing = _publishing()
    if publishing is None:
        return []
    return [
        publishing.PublishedFile(
            name=f.name,
            media_type=f.media_type,
            content=f.read() if isinstance(f, BuiltFile) else f.content or b"",
        )
        for f in files
    ]


def _to_library(
    snapshot: RegisterSnapshot, built: list[BuiltFile], *, actor: User, now: datetime
) -> None:
    publishing = _publishing()
    if publishing is None:
        return
    people = pluralise(snapshot.people_count, "person", "people")
    publishing.publish_to_library(
        key=snapshot.key,
        title=snapshot.title,
        summary=(
            f"Published {govuk_date(snapshot.published_at)}. {snapshot.population_label}: "
            f"{snapshot.people_count} {people}, with only the details each agreed to publish."
        ),
        tags=["register"],
        files=published_files(built),
        actor=actor,
        now=now,
    )


def withdraw_snapshot(snapshot: RegisterSnapshot, *, actor: User | None, now: datetime) -> None:
    """Stop serving a snapshot: its files are emptied, and the library and targets withdraw it."""
    if snapshot.is_withdrawn:
        return
    notice = WITHDRAWN_NOTICE.format(number=snapshot.number)
    snapshot.withdrawn_at = now
    snapshot.withdrawal_notice = notice
    for stored in snapshot.files:
        stored.content = None
    db.session.execute(sa.delete(SnapshotMember).where(SnapshotMember.snapshot_id == snapshot.id))
    record(
        "register.withdraw",
        actor=actor,
        subject_type="register",
        subject_id=snapshot.number,
        **({} if actor else {"reason": AT_THE_PERSONS_REQUEST}),
    )
    db.session.flush()
    publishing = _publishing()
    if publishing is not None:
        publishing.withdraw_from_library(key=snapshot.key, notice=notice, actor=actor, now=now)
        # Other servers are slow or away at times: the queue removes the copies there.
        from skillsreg.library.services import start_withdrawing_pushed

        start_withdrawing_pushed(snapshot.key, actor=None, now=now)


def withdraw_snapshots_listing(
    user: User, *, now: datetime, auto_republish: bool = False
) -> tuple[list[RegisterSnapshot], Job | None]:
    """Withdraw every served snapshot naming this person; queue a republish if configured.

    The withdrawals record no actor, so neither the library, the targets' push records nor the
    audit log tell who was listed in which register.
    """
    listing = db.session.scalars(
        sa.select(RegisterSnapshot)
        .join(SnapshotMember, SnapshotMember.snapshot_id == RegisterSnapshot.id)
        .where(SnapshotMember.user_id == user.id, RegisterSnapshot.withdrawn_at.is_(None))
        .order_by(RegisterSnapshot.number)
    ).all()
    for snapshot in listing:
        withdraw_snapshot(snapshot, actor=None, now=now)
    job = None
    if listing and auto_republish and queries.stale_snapshot() is not None:
        job = start_job(REPUBLISH, actor=None, now=now, message="Waiting to publish a new register")
    return list(listing), job


def republish_register(
    *, actor: User, now: datetime, progress: Progress | None = None
) -> RegisterSnapshot:
    """Publish a new snapshot replacing the withdrawn latest one, without those who withdrew."""
    stale = queries.stale_snapshot()
    if stale is None:
        raise RegisterError("The register is up to date: there is nothing to republish")
    return publish_register(
        PopulationSpec.from_dict(stale.population),
        actor=actor,
        now=now,
        replaces=stale,
        progress=progress,
    )


def start_publishing(spec: PopulationSpec, *, actor: User, now: datetime) -> Job:
    """Queue the publication of the register of a population."""
    if not actor.is_organiser:
        raise NotAllowedError("Only organisers can publish the register")
    return start_job(PUBLISH, actor=actor, now=now, params={"population": spec.as_dict()})


def start_republishing(*, actor: User, now: datetime) -> Job:
    """Queue a new register replacing the withdrawn latest one."""
    if not actor.is_organiser:
        raise NotAllowedError("Only organisers can publish the register")
    stale = queries.stale_snapshot()
    if stale is None:
        raise RegisterError("The register is up to date: there is nothing to republish")
    return start_job(REPUBLISH, actor=actor, now=now, subject=("register", str(stale.number)))


def start_push(snapshot: RegisterSnapshot, *, target_id: int, actor: User, now: datetime) -> Job:
    """Queue sending a served snapshot's files to a publishing target."""
    if snapshot.is_withdrawn:
        raise RegisterError("This register has been withdrawn and cannot be pushed")
    if target_id not in {target.id for target in publishing_targets()}:
        raise RegisterError("That publishing target does not exist or is turned off")
    return start_job(
        PUSH,
        actor=actor,
        now=now,
        params={"number": snapshot.number, "target_id": target_id},
        subject=("register", str(snapshot.number)),
    )


def push_snapshot(snapshot: RegisterSnapshot, *, target_id: int, actor: User, now: datetime) -> Any:
    """Send a served snapshot's files to a publishing target (idempotent by content)."""
    if snapshot.is_withdrawn:
        raise RegisterError("This register has been withdrawn and cannot be pushed")
    publishing = _publishing()
    if publishing is None:
        raise RegisterError("Publishing targets are not available")
    return publishing.push_to_target(
        target_id,
        key=snapshot.key,
        title=snapshot.title,
        files=published_files(snapshot.files),
        actor=actor,
        now=now,
    )


def publishing_targets() -> list[Any]:
    """The publishing targets administrators have configured."""
    publishing = _publishing()
    return list(publishing.list_targets()) if publishing is not None else []


def pushes_of(snapshot: RegisterSnapshot) -> list[Any]:
    """Every push of this snapshot to a publishing target, with its result."""
    publishing = _publishing()
    return list(publishing.pushes_for(snapshot.key)) if publishing is not None else []
