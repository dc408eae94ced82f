"""Read models for the library's pages: search, tags, the feed and the push record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload, undefer

from skillsreg.extensions import db
from skillsreg.library.models import (
    Document,
    DocumentTag,
    DocumentVersion,
    LibraryDownload,
    LibraryFile,
    PublishingTarget,
    Push,
)

PAGE_SIZE = 20
RECENT_DOWNLOAD_DAYS = 30
FEED_SIZE = 50


def _like(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_documents(text: str = "", tag: str = "") -> sa.Select[tuple[Document]]:
    """Documents whose title, summary or tags contain every word typed, and carry the tag."""
    query = sa.select(Document).options(selectinload(Document.tag_rows))
    for word in text.split()[:10]:
        pattern = _like(word)
        tagged = sa.select(DocumentTag.document_id).where(
            DocumentTag.tag.ilike(pattern, escape="\\")
        )
        query = query.where(
            sa.or_(
                Document.title.ilike(pattern, escape="\\"),
                Document.summary.ilike(pattern, escape="\\"),
                Document.id.in_(tagged),
            )
        )
    if tag:
        query = query.where(
            Document.id.in_(
                sa.select(DocumentTag.document_id).where(DocumentTag.tag == tag.strip().lower())
            )
        )
    return query.order_by(Document.updated_at.desc(), Document.id.desc())


def tag_counts() -> list[tuple[str, int]]:
    """Every tag in use with how many documents carry it, most used first."""
    rows = db.session.execute(
        sa.select(DocumentTag.tag, sa.func.count())
        .group_by(DocumentTag.tag)
        .order_by(sa.func.count().desc(), DocumentTag.tag)
    )
    return [(tag, count) for tag, count in rows]


def document(document_id: int) -> Document | None:
    """A document with its versions and files (without their bytes)."""
    return db.session.get(
        Document,
        document_id,
        options=[selectinload(Document.versions).selectinload(DocumentVersion.files)],
    )


def library_file(document_id: int, number: int, name: str) -> LibraryFile | None:
    """A file of one version of a document, by name."""
    return db.session.scalar(
        sa.select(LibraryFile)
        .join(DocumentVersion, LibraryFile.version_id == DocumentVersion.id)
        .where(
            DocumentVersion.document_id == document_id,
            DocumentVersion.number == number,
            LibraryFile.name == name,
        )
        .options(undefer(LibraryFile.content))
    )


@dataclass(frozen=True)
class DownloadCounts:
    total: int
    recent: int


def download_counts(document_id: int, *, now: datetime) -> DownloadCounts:
    """How often the document's files were downloaded, ever and in the last 30 days."""
    since = now - timedelta(days=RECENT_DOWNLOAD_DAYS)
    total, recent = db.session.execute(
        sa.select(
            sa.func.count(),
            sa.func.count(sa.case((LibraryDownload.downloaded_at >= since, 1))),
        ).where(LibraryDownload.document_id == document_id)
    ).one()
    return DownloadCounts(total=total, recent=recent)


@dataclass(frozen=True)
class FeedEntry:
    document: Document
    version: DocumentVersion

    @property
    def is_new_document(self) -> bool:
        return self.version.number == 1

    @property
    def updated(self) -> datetime:
        return self.version.created_at


def feed_entries(limit: int = FEED_SIZE) -> list[FeedEntry]:
    """The newest versions of documents still served, newest first: one entry each."""
    rows = db.session.execute(
        sa.select(DocumentVersion, Document)
        .join(Document, DocumentVersion.document_id == Document.id)
        .where(Document.withdrawn_at.is_(None))
        .order_by(DocumentVersion.created_at.desc(), DocumentVersion.id.desc())
        .limit(limit)
    )
    return [FeedEntry(document=doc, version=version) for version, doc in rows]


def all_targets() -> list[PublishingTarget]:
    """Every publishing target, enabled or not, by name."""
    return list(db.session.scalars(sa.select(PublishingTarget).order_by(PublishingTarget.name)))


def target(target_id: int) -> PublishingTarget | None:
    return db.session.get(PublishingTarget, target_id)


def recent_pushes(limit: int = 50) -> list[Push]:
    """The latest pushes and withdrawals on every target."""
    return list(
        db.session.scalars(
            sa.select(Push)
            .options(selectinload(Push.target), selectinload(Push.by))
            .order_by(Push.at.desc(), Push.id.desc())
            .limit(limit)
        )
    )
