"""Import, draft, edit, consult on, publish and retire framework versions."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from skillsreg.accounts.confirmed import require_confirmed
from skillsreg.accounts.models import User
from skillsreg.config import ROOT
from skillsreg.core.errors import DomainError
from skillsreg.core.jobs.models import Job
from skillsreg.core.jobs.services import start_job
from skillsreg.core.mail import queue_mail
from skillsreg.extensions import db
from skillsreg.frameworks.document import (
    DocumentError,
    DocumentInvalid,
    dump_document,
    locate_errors,
    parse_document,
    validate_document,
)
from skillsreg.frameworks.exchange import csv_rows, to_case
from skillsreg.frameworks.models import (
    Comment,
    CommentStatus,
    Framework,
    FrameworkVersion,
    VersionStatus,
    version_key,
)
from skillsreg.frameworks.rules import VersionChanges, compare_versions, propose_relations
from skillsreg.frameworks.store import (
    content_hash,
    delete_content,
    load_version,
    version_document,
    write_content,
)

Doc = dict[str, Any]
SCHEMA_PATH = ROOT / "frameworks" / "schema" / "framework.schema.json"
IMPORT = "frameworks.import"  # the kind of job importing a large upload (frameworks/jobs.py)


class StaleEditError(DomainError):
    """Someone else changed the draft since this editor loaded it."""


@cache
def framework_schema(path: Path = SCHEMA_PATH) -> dict[str, Any]:
    """The JSON Schema every framework document follows."""
    return json.loads(path.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class ImportOutcome:
    version: FrameworkVersion
    created: bool
    message: str


def find_framework(slug: str) -> Framework | None:
    """The framework with this slug, if any."""
    return db.session.scalar(sa.select(Framework).where(Framework.slug == slug))


def find_version(framework: Framework, number: str) -> FrameworkVersion | None:
    """One version of a framework by its number."""
    return db.session.scalar(
        sa.select(FrameworkVersion).where(
            FrameworkVersion.framework_id == framework.id, FrameworkVersion.number == number
        )
    )


def latest_published(framework: Framework) -> FrameworkVersion | None:
    """The newest published version (retired ones are not offered for new work)."""
    versions = db.session.scalars(
        sa.select(FrameworkVersion).where(
            FrameworkVersion.framework_id == framework.id,
            FrameworkVersion.status == VersionStatus.PUBLISHED,
        )
    ).all()
    return max(versions, key=lambda v: v.sort_key, default=None)


def import_document(doc: Doc, *, filename: str, now: datetime) -> ImportOutcome:
    """Store a framework document as a version; a file already imported changes nothing."""
    schema_errors = validate_document(doc, parent=None, schema=framework_schema())
    if schema_errors:
        raise DocumentInvalid(_in_file(filename, locate_errors(doc, schema_errors)))
    slug, number = doc["framework"]["slug"], doc["version"]["number"]
    framework = find_framework(slug)
    parent = _parent_for_import(doc, framework, filename)
    errors = validate_document(
        doc, parent=version_document(parent) if parent else None, schema=framework_schema()
    )
    if errors:
        raise DocumentInvalid(_in_file(filename, locate_errors(doc, errors)))
    existing = find_version(framework, number) if framework else None
    if existing is not None:
        if existing.content_hash == content_hash(doc):
            return ImportOutcome(existing, False, f"{slug} {number} is already imported: no change")
        raise DomainError(
            f"{filename}: version {number} of {slug} already exists with different content. "
            "A stored version is never overwritten by an import: give the file a new version "
            "number, or edit the draft in the service"
        )
    status = VersionStatus(doc["version"]["status"])
    if framework and status in (VersionStatus.DRAFT, VersionStatus.CONSULTATION):
        _require_no_draft(framework)
    framework = framework or _new_framework(doc["framework"], now)
    _update_framework(framework, doc["framework"])
    version = FrameworkVersion(
        framework=framework,
        number=number,
        status=VersionStatus(doc["version"]["status"]),
        parent=parent,
        created_at=now,
        updated_at=now,
    )
    if version.status in (VersionStatus.PUBLISHED, VersionStatus.RETIRED):
        version.published_at = now
    db.session.add(version)
    db.session.flush()
    write_content(version, doc)
    return ImportOutcome(version, True, f"Imported {slug} {number} ({version.status.value})")


def start_import(text: str, *, filename: str, actor: User, now: datetime) -> Job:
    """Queue the import of an uploaded framework file too large to check within a request."""
    if not actor.is_organiser:
        raise DomainError("Only organisers can import frameworks")
    return start_job(
        IMPORT,
        actor=actor,
        now=now,
        params={"filename": filename, "text": text},
        message=f"Waiting to check {filename}",
    )


def import_file(path: Path, *, now: datetime) -> ImportOutcome:
    """Read, check and store one framework file (YAML or JSON)."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise DomainError(f"{path}: the file is not UTF-8 text ({error.reason})") from None
    doc = parse_document(text, filename=str(path))
    return import_document(doc, filename=str(path), now=now)


def shipped_files(frameworks_dir: Path) -> list[Path]:
    """The framework files shipped in a folder, each framework's versions oldest first."""
    files = [p for p in frameworks_dir.glob("*/*.yaml") if p.stem.count(".") == 2]
    return sorted(files, key=lambda p: (p.parent.name, version_key(p.stem)))


def _in_file(filename: str, errors: list[DocumentError]) -> list[DocumentError]:
    return [
        dataclasses.replace(error, path=f"{filename}: {error.path}" if error.path else filename)
        for error in errors
    ]


def _parent_for_import(
    doc: Doc, framework: Framework | None, filename: str
) -> FrameworkVersion | None:
    number = doc["version"].get("parent")
    if number is None:
        return None
    parent = find_version(framework, number) if framework else None
    if parent is None:
        missing = DocumentError(
            "version.parent",
            f"Version {number} of {doc['framework']['slug']} is not in this service: "
            "import it first",
        )
        raise DocumentInvalid(_in_file(filename, locate_errors(doc, [missing])))
    return load_version(parent.id)


def _new_framework(meta: Doc, now: datetime) -> Framework:
    framework = Framework(slug=meta["slug"], created_at=now)
    db.session.add(framework)
    return framework


def _update_framework(framework: Framework, meta: Doc) -> None:
    framework.title = meta["title"]
    framework.description = meta.get("description", "")
    framework.licence = meta["licence"]
    framework.owner = meta["owner"]


def next_minor(number: str) -> str:
    """The number a new draft takes: 1.2.3 becomes 1.3.0."""
    major, minor, _ = (int(part) for part in number.split("."))
    return f"{major}.{minor + 1}.0"


def create_draft(framework: Framework, *, actor: Any, now: datetime) -> FrameworkVersion:
    """Start a new draft as a copy of the latest published version, with lineage."""
    _require_no_draft(framework)
    parent = latest_published(framework)
    if parent is None:
        raise DomainError("There is no published version to draft from")
    parent = load_version(parent.id)
    numbers = {v.number for v in framework.versions}
    number = next_minor(parent.number)
    while number in numbers:
        number = next_minor(number)
    doc = version_document(parent)
    doc["version"] = {
        "number": number,
        "status": "draft",
        "parent": parent.number,
        "release_notes": "",
        "published_on": None,
    }
    doc.pop("retired", None)
    for skill in doc["skills"]:
        skill["relation"] = {"type": "unchanged", "from": [skill["code"]]}
    draft = FrameworkVersion(
        framework=framework,
        number=number,
        status=VersionStatus.DRAFT,
        parent=parent,
        created_by_id=getattr(actor, "id", None),
        created_at=now,
        updated_at=now,
    )
    db.session.add(draft)
    db.session.flush()
    write_content(draft, doc, confirmed_relations=set())
    return draft


def _require_no_draft(framework: Framework) -> None:
    if any(v.is_editable for v in framework.versions):
        raise DomainError(
            f"{framework.title} already has a version in draft or consultation: "
            "publish or delete it before starting another"
        )


def _require_editable(version: FrameworkVersion, expected_lock: int | None) -> None:
    if not version.is_editable:
        raise DomainError(
            f"Version {version.number} is {version.status.value} and can never change: "
            "create a new draft instead"
        )
    if expected_lock is not None and expected_lock != version.lock_version:
        raise StaleEditError(
            "Someone else changed this draft while you were editing it. "
            "Your changes have not been saved: check the current version, then make them again"
        )


def edit_version(
    version: FrameworkVersion,
    change: Callable[[Doc], None],
    *,
    expected_lock: int | None,
    now: datetime,
    confirm_relations: set[str] | None = None,
) -> None:
    """Apply one change to a draft's document, recompute relations, check it all and save."""
    _require_editable(version, expected_lock)
    version = load_version(version.id)
    doc = version_document(version)
    confirmed = {s.code for s in version.skills if s.is_relation_confirmed}
    confirmed |= confirm_relations or set()
    change(doc)
    parent_doc = None
    if version.parent is not None:
        parent_doc = version_document(load_version(version.parent.id))
        _refresh_relations(doc, parent_doc, confirmed)
    errors = validate_document(doc, parent=parent_doc, schema=framework_schema())
    if errors:
        raise DocumentInvalid(errors)
    write_content(version, doc, confirmed_relations=confirmed)
    version.updated_at = now
    version.lock_version += 1
    db.session.flush()


def _refresh_relations(doc: Doc, parent_doc: Doc, confirmed: set[str]) -> None:
    """Recompute the relations no one has confirmed, and which parent skills are retired."""
    proposals, _ = propose_relations(parent_doc, doc)
    for skill in doc["skills"]:
        if skill["code"] not in confirmed or "relation" not in skill:
            skill["relation"] = proposals[skill["code"]]
    named = {code for skill in doc["skills"] for code in skill["relation"]["from"]}
    notes = {entry["code"]: entry.get("note", "") for entry in doc.get("retired") or []}
    retired = [
        {"code": s["code"], "note": notes.get(s["code"], "")}
        for s in parent_doc["skills"]
        if s["code"] not in named
    ]
    if retired:
        doc["retired"] = retired
    else:
        doc.pop("retired", None)


def open_consultation(
    version: FrameworkVersion, *, closes_on: date, expected_lock: int | None, now: datetime
) -> None:
    """Open a draft for comments from members until the closing date."""
    _require_editable(version, expected_lock)
    if version.status is not VersionStatus.DRAFT:
        raise DomainError("This version is already open for consultation")
    if closes_on <= now.date():
        raise DomainError("The closing date must be in the future", field="closes_on")
    version.status = VersionStatus.CONSULTATION
    version.consultation_closes_on = closes_on
    _touch(version, now)


def publish_version(
    version: FrameworkVersion, *, expected_lock: int | None, now: datetime, version_url: str
) -> int:
    """Publish a draft or consultation version; it never changes again. Returns people told."""
    _require_editable(version, expected_lock)
    version = load_version(version.id)
    doc = version_document(version)
    doc["version"]["status"] = "published"
    doc["version"]["published_on"] = now.date().isoformat()
    parent_doc = version_document(load_version(version.parent.id)) if version.parent else None
    errors = validate_document(doc, parent=parent_doc, schema=framework_schema())
    if errors:
        raise DocumentInvalid(errors)
    version.status = VersionStatus.PUBLISHED
    version.published_on = now.date()
    version.published_at = now
    version.content_hash = content_hash(doc)
    _touch(version, now)
    return _tell_commenters(version, now=now, version_url=version_url)


def _tell_commenters(version: FrameworkVersion, *, now: datetime, version_url: str) -> int:
    comments = db.session.scalars(
        sa.select(Comment).where(Comment.version_id == version.id, Comment.notified_at.is_(None))
    ).all()
    authors = {c.author.id: c.author for c in comments if c.author is not None}
    for author in authors.values():
        queue_mail(
            to=author.email,
            subject=f"{version.framework.title} {version.number} is published",
            template="framework_published",
            user=author,
            version=version,
            version_url=version_url,
        )
    for comment in comments:
        comment.notified_at = now
    return len(authors)


def retire_version(version: FrameworkVersion, *, now: datetime) -> None:
    """Mark a published version retired; it stays browsable."""
    if version.status is not VersionStatus.PUBLISHED:
        raise DomainError("Only a published version can be retired")
    version.status = VersionStatus.RETIRED
    version.retired_at = now
    db.session.flush()


def delete_draft(version: FrameworkVersion) -> None:
    """Throw away a draft that was never opened for consultation."""
    if version.status is not VersionStatus.DRAFT:
        raise DomainError("Only a draft that was never consulted on can be deleted")
    delete_content(version)
    db.session.delete(version)
    db.session.flush()


def _touch(version: FrameworkVersion, now: datetime) -> None:
    version.updated_at = now
    version.lock_version += 1
    db.session.flush()


def add_comment(
    version: FrameworkVersion,
    *,
    author: Any,
    body: str,
    skill_code: str | None,
    level: int | None,
    now: datetime,
) -> Comment:
    """Record a member's comment on a version in consultation."""
    require_confirmed(author, action="comment on this version")
    if version.status is not VersionStatus.CONSULTATION:
        raise DomainError("This version is not open for comments")
    if version.consultation_closes_on and now.date() > version.consultation_closes_on:
        raise DomainError("The consultation on this version has closed")
    body = body.strip()
    if not body:
        raise DomainError("Enter your comment", field="body")
    if skill_code is not None:
        skill = next((s for s in version.skills if s.code == skill_code), None)
        if skill is None:
            raise DomainError(f"Skill {skill_code} is not in version {version.number}")
        if level is not None and skill.descriptor_at(level) is None:
            raise DomainError(f"Skill {skill_code} has no descriptor at level {level}")
    elif level is not None:
        raise DomainError("A comment on a level must name its skill")
    comment = Comment(
        version=version,
        author_id=author.id,
        body=body,
        skill_code=skill_code,
        level=level,
        created_at=now,
    )
    db.session.add(comment)
    db.session.flush()
    return comment


def respond_to_comment(
    comment: Comment, *, actor: Any, status: CommentStatus, reply: str, now: datetime
) -> None:
    """Mark a comment addressed or declined, with a reply the commenter can read."""
    if status is CommentStatus.OPEN:
        raise DomainError("Choose addressed or declined", field="status")
    if status is CommentStatus.DECLINED and not reply.strip():
        raise DomainError("Say why the comment was declined", field="reply")
    comment.status = status
    comment.reply = reply.strip()
    comment.replied_by_id = actor.id
    comment.replied_at = now
    db.session.flush()


EXPORT_FORMATS = ("yaml", "json", "csv", "case")


def export_version(version: FrameworkVersion, fmt: str, *, base_url: str) -> str:
    """The version as YAML, JSON, CSV (a row per skill level) or a CASE 1.1 CFPackage."""
    doc = version_document(load_version(version.id))
    if fmt in ("yaml", "json"):
        return dump_document(doc, fmt)  # type: ignore[arg-type]
    if fmt == "csv":
        out = io.StringIO()
        csv.writer(out, lineterminator="\r\n").writerows(csv_rows(doc))
        return out.getvalue()
    if fmt == "case":
        parent = version_document(load_version(version.parent.id)) if version.parent else None
        published_at = (
            version.published_at.strftime("%Y-%m-%dT%H:%M:%SZ") if version.published_at else None
        )
        package = to_case(doc, base_url=base_url, published_at=published_at, parent=parent)
        return json.dumps(package, indent=2, ensure_ascii=False) + "\n"
    raise DomainError(f"Choose a format: {', '.join(EXPORT_FORMATS)}")


def diff_versions(old: FrameworkVersion, new: FrameworkVersion) -> VersionChanges:
    """The typed changes between two versions of one framework."""
    if old.framework_id != new.framework_id:
        raise DomainError("Both versions must belong to the same framework")
    return compare_versions(
        version_document(load_version(old.id)), version_document(load_version(new.id))
    )
