"""Publishing to the library and to targets beyond the service, as other domains call it."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from skillsreg.accounts.models import User
from skillsreg.core.audit import record
from skillsreg.core.errors import DomainError
from skillsreg.extensions import db
from skillsreg.library.models import (
    Document,
    DocumentKind,
    DocumentSkill,
    DocumentTag,
    DocumentVersion,
    LibraryFile,
    PublishingTarget,
    Push,
    PushOperation,
    PushStatus,
)
from skillsreg.library.rules import normalise_tags
from skillsreg.library.targets import RemoteFile, TargetError, client_for


class LibraryError(DomainError):
    """A library rule was broken."""


class PublishingError(DomainError):
    """A push to a publishing target failed or was refused."""


@dataclass(frozen=True)
class PublishedFile:
    name: str
    media_type: str
    content: bytes
    description: str = ""


KIND_BY_KEY_PREFIX = {
    "register-": DocumentKind.REGISTER_SNAPSHOT,
    "framework-": DocumentKind.FRAMEWORK_EXPORT,
    "workshop-": DocumentKind.WORKSHOP_MATERIALS,
}


def _kind_for(key: str) -> DocumentKind:
    for prefix, kind in KIND_BY_KEY_PREFIX.items():
        if key.startswith(prefix):
            return kind
    return DocumentKind.COMMUNITY_DOCUMENT


def document_by_key(key: str) -> Document | None:
    """The library document published under this key, if any."""
    return db.session.scalar(sa.select(Document).where(Document.key == key))


def set_tags(document: Document, tags: Sequence[str]) -> None:
    """Replace a document's tags by these (normalised, without duplicates)."""
    wanted = normalise_tags(tags)
    document.tag_rows = [row for row in document.tag_rows if row.tag in wanted]
    have = {row.tag for row in document.tag_rows}
    document.tag_rows.extend(DocumentTag(tag=tag) for tag in wanted if tag not in have)


def set_skills(document: Document, codes: Sequence[str]) -> None:
    """Replace the framework skills a document helps develop; every code must be a skill's."""
    from skillsreg.frameworks.models import Skill

    wanted = list(dict.fromkeys(codes))
    known = set(db.session.scalars(sa.select(Skill.code).where(Skill.code.in_(wanted))))
    unknown = [code for code in wanted if code not in known]
    if unknown:
        verb = "is not a skill code" if len(unknown) == 1 else "are not skill codes"
        raise LibraryError(f"{', '.join(unknown)} {verb} of the framework", field="skill_codes")
    document.skill_rows = [row for row in document.skill_rows if row.skill_code in wanted]
    have = {row.skill_code for row in document.skill_rows}
    document.skill_rows.extend(DocumentSkill(skill_code=c) for c in wanted if c not in have)


def add_version(
    document: Document,
    files: Sequence[PublishedFile],
    *,
    note: str,
    actor: User | None,
    now: datetime,
) -> DocumentVersion:
    """Add a numbered version holding these files to a document."""
    if document.is_withdrawn:
        raise LibraryError("This document has been withdrawn and cannot have new versions")
    if not files:
        raise LibraryError("Choose at least one file", field="files")
    names = [file.name for file in files]
    if len(set(names)) != len(names):
        raise LibraryError("Two files have the same name", field="files")
    # Lock the document's row so two uploads at once are numbered one after the other (on
    # PostgreSQL the second waits here) instead of one failing on the unique number.
    db.session.execute(sa.select(Document.id).where(Document.id == document.id).with_for_update())
    latest = db.session.scalar(
        sa.select(sa.func.max(DocumentVersion.number)).where(
            DocumentVersion.document_id == document.id
        )
    )
    number = 1 + max([latest or 0, *(v.number for v in document.versions)])
    version = DocumentVersion(number=number, note=note, created_by=actor, created_at=now)
    version.files = [
        LibraryFile(
            name=file.name,
            media_type=file.media_type,
            size=len(file.content),
            sha256=hashlib.sha256(file.content).hexdigest(),
            content=file.content,
        )
        for file in files
    ]
    document.versions.insert(0, version)
    document.updated_at = now
    db.session.flush()
    return version


def publish_to_library(
    *,
    key: str,
    title: str,
    summary: str,
    tags: Sequence[str],
    files: Sequence[PublishedFile],
    actor: User | None,
    now: datetime,
    kind: DocumentKind | None = None,
) -> Document:
    """Create the library document identified by `key`, or add a new version to it."""
    document = document_by_key(key)
    if document is None:
        document = Document(
            key=key,
            title=title,
            summary=summary,
            kind=kind or _kind_for(key),
            owner=actor,
            created_at=now,
            updated_at=now,
        )
        db.session.add(document)
    else:
        document.title = title
        document.summary = summary
    set_tags(document, tags)
    db.session.flush()
    version = add_version(document, files, note="", actor=actor, now=now)
    record(
        "library.publish",
        actor=actor,
        subject_type="library_document",
        subject_id=document.id,
        key=key,
        version=version.number,
        files=[file.name for file in files],
    )
    return document


def withdraw_document(
    document: Document, *, notice: str, actor: User | None, now: datetime
) -> None:
    """Stop serving every version of a document: their files are emptied, a notice shown."""
    if document.withdrawn_at is None:
        document.withdrawn_at = now
    document.withdrawal_notice = notice
    document.updated_at = now
    version_ids = sa.select(DocumentVersion.id).where(DocumentVersion.document_id == document.id)
    db.session.execute(
        sa.update(LibraryFile).where(LibraryFile.version_id.in_(version_ids)).values(content=None),
        execution_options={"synchronize_session": False},
    )
    db.session.flush()
    for version in document.versions:
        for file in version.files:
            db.session.expire(file, ["content"])
    record(
        "library.withdraw",
        actor=actor,
        subject_type="library_document",
        subject_id=document.id,
        key=document.key or "",
    )


def withdraw_from_library(*, key: str, notice: str, actor: User | None, now: datetime) -> None:
    """Every version of the document published under `key` stops serving its files."""
    document = document_by_key(key)
    if document is not None:
        withdraw_document(document, notice=notice, actor=actor, now=now)


def list_targets() -> list[PublishingTarget]:
    """The enabled publishing targets, by name."""
    return list(
        db.session.scalars(
            sa.select(PublishingTarget)
            .where(PublishingTarget.is_enabled.is_(True))
            .order_by(PublishingTarget.name)
        )
    )


def content_hash(files: Sequence[PublishedFile]) -> str:
    """One hash of a set of files: their names, media types and contents, in name order."""
    digest = hashlib.sha256()
    for file in sorted(files, key=lambda f: f.name):
        inner = hashlib.sha256(file.content).hexdigest()
        digest.update(f"{file.name}\0{file.media_type}\0{inner}\n".encode())
    return digest.hexdigest()


def live_push(target_id: int, key: str) -> Push | None:
    """The push that decides what the target holds for `key` now (a success or a withdrawal)."""
    return db.session.scalar(
        sa.select(Push)
        .where(
            Push.target_id == target_id,
            Push.key == key,
            Push.status.in_([PushStatus.OK, PushStatus.WITHDRAWN]),
        )
        .order_by(Push.at.desc(), Push.id.desc())
        .limit(1)
    )


def _remote(files: Sequence[PublishedFile]) -> list[RemoteFile]:
    return [
        RemoteFile(
            name=f.name, media_type=f.media_type, content=f.content, description=f.description
        )
        for f in files
    ]


def _record_push(push: Push, actor: User | None) -> Push:
    db.session.add(push)
    db.session.flush()
    record(
        "library.push" if push.operation is PushOperation.PUSH else "library.push_withdrawal",
        actor=actor,
        subject_type="publishing_target",
        subject_id=push.target_id,
        key=push.key,
        status=push.status.value,
        content_hash=push.content_hash,
        error=push.error,
    )
    return push


def push_to_target(
    target_id: int,
    *,
    key: str,
    title: str,
    files: Sequence[PublishedFile],
    actor: User,
    now: datetime,
    notes: str = "",
) -> Push:
    """Push a publication's files to a target; the same content again changes nothing.

    A failure is recorded (and flushed) before PublishingError is raised: a caller that wants
    the failure kept in the record commits after catching it.
    """
    target = db.session.get(PublishingTarget, target_id)
    if target is None or not target.is_enabled:
        raise PublishingError("That publishing target does not exist or is turned off")
    if not files:
        raise PublishingError("There are no files to push")
    digest = content_hash(files)
    names = [file.name for file in files]
    push = Push(
        target_id=target.id, key=key, file_names=names, content_hash=digest, by=actor, at=now
    )
    live = live_push(target.id, key)
    if live is not None and live.status is PushStatus.OK and live.content_hash == digest:
        push.status = PushStatus.UNCHANGED
        push.remote_urls = list(live.remote_urls)
        return _record_push(push, actor)
    try:
        with client_for(target) as client:
            push.remote_urls = client.put_files(key, title, _remote(files), notes=notes)
            if live is not None and live.status is PushStatus.OK:
                client.remove_files(key, [name for name in live.file_names if name not in names])
    except TargetError as error:
        push.status = PushStatus.FAILED
        push.error = str(error)
        _record_push(push, actor)
        raise PublishingError(f"Could not push to {target.name}: {error}") from error
    push.status = PushStatus.OK
    return _record_push(push, actor)


def _withdraw_at(
    target: PublishingTarget,
    live: Push,
    replacement: Sequence[PublishedFile],
    *,
    actor: User | None,
    now: datetime,
) -> Push:
    names = [file.name for file in replacement]
    push = Push(
        target_id=target.id,
        key=live.key,
        operation=PushOperation.WITHDRAW,
        file_names=names,
        content_hash=content_hash(replacement) if replacement else "",
        by=actor,
        at=now,
    )
    try:
        with client_for(target) as client:
            if replacement:
                push.remote_urls = client.put_files(live.key, None, _remote(replacement))
            client.remove_files(live.key, [n for n in live.file_names if n not in names])
    except TargetError as error:
        push.status = PushStatus.FAILED
        push.error = str(error)
    else:
        push.status = PushStatus.WITHDRAWN
    return _record_push(push, actor)


def withdraw_pushed(
    *,
    key: str,
    replacement: Sequence[PublishedFile] | None,
    actor: User | None,
    now: datetime,
) -> list[Push]:
    """Remove (or replace by `replacement`) the files pushed for `key`, on every target.

    Never raises for a target that fails: the failure is recorded (status "failed") and the
    withdrawal can be run again, since the target still counts as holding the files.
    """
    target_ids = db.session.scalars(
        sa.select(Push.target_id).where(Push.key == key).distinct()
    ).all()
    results = []
    for target_id in sorted(target_ids):
        live = live_push(target_id, key)
        if live is None or live.status is not PushStatus.OK:
            continue
        results.append(_withdraw_at(live.target, live, replacement or [], actor=actor, now=now))
    return results


def pushes_for(key: str) -> list[Push]:
    """Every push of `key`, newest first."""
    return list(
        db.session.scalars(
            sa.select(Push).where(Push.key == key).order_by(Push.at.desc(), Push.id.desc())
        )
    )
