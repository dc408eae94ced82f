"""Library services the pages call: uploads, versions, edits, pushes and publishing targets."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa

from skillsreg.accounts.models import User
from skillsreg.core.audit import record
from skillsreg.core.jobs.models import Job
from skillsreg.core.jobs.services import start_job
from skillsreg.extensions import db
from skillsreg.library.models import (
    Document,
    DocumentKind,
    LibraryDownload,
    LibraryFile,
    PublishingTarget,
    Push,
    TargetKind,
)
from skillsreg.library.publishing import (
    LibraryError,
    PublishedFile,
    PublishingError,
    add_version,
    push_to_target,
    pushes_for,
    set_skills,
    set_tags,
    withdraw_document,
)
from skillsreg.library.rules import (
    DEFAULT_ARCHIVE_LIMITS,
    MAX_FILES_PER_UPLOAD,
    ArchiveLimits,
    UploadRejectedError,
    check_upload,
    describe_file,
    secret_env_problem,
)
from skillsreg.library.targets import TargetError, client_for


@dataclass(frozen=True)
class Upload:
    """A file as the person sent it: the name their computer gave it and its bytes."""

    filename: str
    content: bytes


def accept_uploads(
    uploads: Sequence[Upload],
    *,
    max_bytes: int,
    archive_limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS,
) -> list[PublishedFile]:
    """Check every uploaded file; refuse them all, naming each problem, if any is not allowed."""
    if len(uploads) > MAX_FILES_PER_UPLOAD:
        raise LibraryError(f"Choose {MAX_FILES_PER_UPLOAD} files or fewer", field="files")
    accepted, problems = [], []
    for upload in uploads:
        try:
            name, media_type = check_upload(
                upload.filename, upload.content, max_bytes=max_bytes, archive_limits=archive_limits
            )
        except UploadRejectedError as error:
            problems.append(str(error))
        else:
            accepted.append(PublishedFile(name=name, media_type=media_type, content=upload.content))
    if problems:
        raise LibraryError(". ".join(problems), field="files")
    if not accepted:
        raise LibraryError("Choose a file to upload", field="files")
    names = [file.name for file in accepted]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        # Checked before anything is written: names are compared once made safe.
        raise LibraryError(
            f"Two files have the same name ({', '.join(repeated)}): rename one", field="files"
        )
    return accepted


def upload_document(
    *,
    title: str,
    summary: str,
    tags: Sequence[str],
    skill_codes: Sequence[str] = (),
    kind: DocumentKind,
    uploads: Sequence[Upload],
    max_bytes: int,
    archive_limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS,
    actor: User,
    now: datetime,
) -> Document:
    """Add a document to the library with its first version of uploaded files."""
    files = accept_uploads(uploads, max_bytes=max_bytes, archive_limits=archive_limits)
    document = Document(
        title=title.strip(),
        summary=summary.strip(),
        kind=kind,
        owner=actor,
        created_at=now,
        updated_at=now,
    )
    set_tags(document, tags)
    set_skills(document, skill_codes)
    db.session.add(document)
    db.session.flush()
    version = add_version(document, files, note="", actor=actor, now=now)
    record(
        "library.upload",
        actor=actor,
        subject_type="library_document",
        subject_id=document.id,
        version=version.number,
        files=[file.name for file in files],
    )
    return document


MANAGED = "This register snapshot is published by the register: change or withdraw it there"


def _refuse_managed(document: Document) -> None:
    if document.is_managed:
        raise LibraryError(MANAGED)


def upload_version(
    document: Document,
    *,
    note: str,
    uploads: Sequence[Upload],
    max_bytes: int,
    archive_limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS,
    actor: User,
    now: datetime,
) -> int:
    """Add a new version of uploaded files to a document; return its number."""
    _refuse_managed(document)
    files = accept_uploads(uploads, max_bytes=max_bytes, archive_limits=archive_limits)
    version = add_version(document, files, note=note.strip(), actor=actor, now=now)
    record(
        "library.upload",
        actor=actor,
        subject_type="library_document",
        subject_id=document.id,
        version=version.number,
        files=[file.name for file in files],
    )
    return version.number


def update_document(
    document: Document,
    *,
    title: str,
    summary: str,
    tags: Sequence[str],
    skill_codes: Sequence[str] = (),
    actor: User,
    now: datetime,
) -> None:
    """Change a document's title, summary, tags and the framework skills it develops."""
    _refuse_managed(document)
    document.title = title.strip()
    document.summary = summary.strip()
    set_tags(document, tags)
    set_skills(document, skill_codes)
    document.updated_at = now
    db.session.flush()
    record("library.edit", actor=actor, subject_type="library_document", subject_id=document.id)


# Kinds of job (skillsreg/library/jobs.py runs them).
PUSH = "library.push"
WITHDRAW_PUSHED = "library.withdraw_pushed"


def start_withdrawing_pushed(key: str, *, actor: User | None, now: datetime) -> Job | None:
    """Queue removing what was pushed under `key` from every target, if anything was."""
    if not pushes_for(key):
        return None
    return start_job(
        WITHDRAW_PUSHED,
        actor=actor,
        now=now,
        params={"key": key},
        message=f"Waiting to remove {key} from publishing targets",
    )


def withdraw_library_document(
    document: Document, *, notice: str, actor: User, now: datetime
) -> Job | None:
    """Withdraw a document from the library at once; queue its removal from every target."""
    _refuse_managed(document)
    if document.is_withdrawn:
        raise LibraryError("This document has already been withdrawn")
    withdraw_document(document, notice=notice.strip(), actor=actor, now=now)
    return start_withdrawing_pushed(push_key(document), actor=actor, now=now)


def retry_withdrawal(document: Document, *, actor: User, now: datetime) -> Job | None:
    """Queue withdrawing a document again from targets where an earlier withdrawal failed."""
    if not document.is_withdrawn:
        raise LibraryError("This document has not been withdrawn")
    return start_withdrawing_pushed(push_key(document), actor=actor, now=now)


def start_push(document: Document, target_id: int, *, actor: User, now: datetime) -> Job:
    """Queue pushing a document's latest version to a target."""
    if document.is_withdrawn:
        raise PublishingError("A withdrawn document cannot be pushed")
    if document.latest_version is None:
        raise PublishingError("This document has no files to push")
    return start_job(
        PUSH,
        actor=actor,
        now=now,
        params={"document_id": document.id, "target_id": target_id},
        subject=("library_document", str(document.id)),
    )


def record_download(file: LibraryFile, *, now: datetime) -> LibraryDownload:
    """Count one full download of a file: its document, version and time, nothing of who."""
    download = LibraryDownload(
        document_id=file.version.document_id, document_version_id=file.version_id, downloaded_at=now
    )
    db.session.add(download)
    return download


def push_key(document: Document) -> str:
    """The key a document is known by on publishing targets."""
    return document.key or f"library-{document.id}"


def push_document(document: Document, target_id: int, *, actor: User, now: datetime) -> Push:
    """Push a document's latest version to a target (the same files again change nothing)."""
    if document.is_withdrawn:
        raise PublishingError("A withdrawn document cannot be pushed")
    version = document.latest_version
    if version is None:
        raise PublishingError("This document has no files to push")
    files = [
        PublishedFile(
            name=f.name,
            media_type=f.media_type,
            content=f.content or b"",
            description=describe_file(f.name, f.media_type),
        )
        for f in version.files
    ]
    return push_to_target(
        target_id,
        key=push_key(document),
        title=document.title,
        files=files,
        actor=actor,
        now=now,
        notes=document.summary,
    )


@dataclass(frozen=True)
class TargetDetails:
    name: str
    kind: TargetKind
    base_url: str
    folder: str
    dataset_prefix: str
    username: str
    secret_env: str
    is_enabled: bool

    @classmethod
    def from_form(cls, data: Mapping[str, Any]) -> TargetDetails:
        return cls(
            name=(data.get("name") or "").strip(),
            kind=TargetKind(data.get("kind") or "webdav"),
            base_url=(data.get("base_url") or "").strip(),
            folder=(data.get("folder") or "").strip(),
            dataset_prefix=(data.get("dataset_prefix") or "").strip(),
            username=(data.get("username") or "").strip(),
            secret_env=(data.get("secret_env") or "").strip(),
            is_enabled=bool(data.get("is_enabled")),
        )


def _validate_target(details: TargetDetails, *, target_id: int | None) -> None:
    problem = secret_env_problem(details.secret_env)
    if problem is not None:
        raise PublishingError(problem, field="secret_env")
    url = urlsplit(details.base_url)
    if url.scheme not in ("http", "https") or not url.netloc:
        raise PublishingError("Enter an address starting with https://", field="base_url")
    clash = db.session.scalar(
        sa.select(PublishingTarget.id).where(
            PublishingTarget.name == details.name, PublishingTarget.id != (target_id or 0)
        )
    )
    if clash is not None:
        raise PublishingError("A publishing target with this name already exists", field="name")


def save_target(
    target: PublishingTarget | None, *, details: TargetDetails, actor: User, now: datetime
) -> PublishingTarget:
    """Add a publishing target, or change one."""
    _validate_target(details, target_id=target.id if target else None)
    if target is None:
        target = PublishingTarget(created_at=now)
        db.session.add(target)
    for field, value in details.__dict__.items():
        setattr(target, field, value)
    target.updated_at = now
    db.session.flush()
    record(
        "library.target_saved",
        actor=actor,
        subject_type="publishing_target",
        subject_id=target.id,
        name=target.name,
        kind=target.kind.value,
        enabled=target.is_enabled,
    )
    return target


def check_connection(target: PublishingTarget) -> str:
    """Connect to a target and say what was found; PublishingError saying why if it fails."""
    try:
        with client_for(target) as client:
            return client.check()
    except TargetError as error:
        raise PublishingError(f"Could not connect to {target.name}: {error}") from error
