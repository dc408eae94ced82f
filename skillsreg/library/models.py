"""Models of the library domain: documents, their versions and files, targets and pushes."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from skillsreg.accounts.models import User
from skillsreg.core.db import enum_column, utcnow
from skillsreg.extensions import db


class DocumentKind(enum.Enum):
    REGISTER_SNAPSHOT = "register_snapshot"
    WORKSHOP_MATERIALS = "workshop_materials"
    FRAMEWORK_EXPORT = "framework_export"
    COMMUNITY_DOCUMENT = "community_document"

    @property
    def label(self) -> str:
        return DOCUMENT_KIND_LABELS[self]


DOCUMENT_KIND_LABELS = {
    DocumentKind.REGISTER_SNAPSHOT: "Register snapshot",
    DocumentKind.WORKSHOP_MATERIALS: "Workshop materials",
    DocumentKind.FRAMEWORK_EXPORT: "Framework export",
    DocumentKind.COMMUNITY_DOCUMENT: "Community document",
}


class TargetKind(enum.Enum):
    WEBDAV = "webdav"
    CKAN = "ckan"

    @property
    def label(self) -> str:
        return {TargetKind.WEBDAV: "WebDAV folder", TargetKind.CKAN: "CKAN data portal"}[self]


class PushStatus(enum.Enum):
    OK = "ok"
    UNCHANGED = "unchanged"
    FAILED = "failed"
    WITHDRAWN = "withdrawn"


class PushOperation(enum.Enum):
    PUSH = "push"
    WITHDRAW = "withdraw"


class Document(db.Model):  # type: ignore[name-defined]
    """A titled document in the library, with numbered versions each holding files."""

    __tablename__ = "library_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The stable identifier other domains publish under (e.g. "register-3"); None for uploads.
    key: Mapped[str | None] = mapped_column(sa.String(120), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    kind: Mapped[DocumentKind] = mapped_column(
        enum_column(DocumentKind), default=DocumentKind.COMMUNITY_DOCUMENT
    )
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[datetime | None]
    withdrawal_notice: Mapped[str] = mapped_column(sa.Text, default="")

    owner: Mapped[User | None] = relationship()
    tag_rows: Mapped[list[DocumentTag]] = relationship(
        back_populates="document",
        cascade="all, delete-orphan",
        order_by="DocumentTag.tag",
    )
    skill_rows: Mapped[list[DocumentSkill]] = relationship(
        back_populates="document",
        cascade="all, delete-orphan",
        order_by="DocumentSkill.skill_code",
    )
    versions: Mapped[list[DocumentVersion]] = relationship(
        back_populates="document",
        cascade="all, delete-orphan",
        order_by="DocumentVersion.number.desc()",
    )

    @property
    def tags(self) -> list[str]:
        return sorted(row.tag for row in self.tag_rows)

    @property
    def skill_codes(self) -> list[str]:
        return sorted(row.skill_code for row in self.skill_rows)

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def is_managed(self) -> bool:
        """Published by the register: changed and withdrawn there, never edited in the library."""
        return self.kind is DocumentKind.REGISTER_SNAPSHOT and self.key is not None

    @property
    def latest_version(self) -> DocumentVersion | None:
        return self.versions[0] if self.versions else None

    def __repr__(self) -> str:
        return f"<Document {self.id} {self.title!r}>"


class DocumentTag(db.Model):  # type: ignore[name-defined]
    """One tag of a document (a row each, so the list can be filtered by tag in SQL)."""

    __tablename__ = "library_document_tags"

    document_id: Mapped[int] = mapped_column(
        sa.ForeignKey("library_documents.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(sa.String(60), primary_key=True, index=True)

    document: Mapped[Document] = relationship(back_populates="tag_rows")


class DocumentSkill(db.Model):  # type: ignore[name-defined]
    """A framework skill a document helps develop, by code (codes outlive versions)."""

    __tablename__ = "library_document_skills"

    document_id: Mapped[int] = mapped_column(
        sa.ForeignKey("library_documents.id", ondelete="CASCADE"), primary_key=True
    )
    skill_code: Mapped[str] = mapped_column(sa.String(16), primary_key=True, index=True)

    document: Mapped[Document] = relationship(back_populates="skill_rows")


class DocumentVersion(db.Model):  # type: ignore[name-defined]
    """A numbered, dated set of files of a document; never changed once added."""

    __tablename__ = "library_document_versions"
    __table_args__ = (sa.UniqueConstraint("document_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        sa.ForeignKey("library_documents.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]
    note: Mapped[str] = mapped_column(sa.Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    document: Mapped[Document] = relationship(back_populates="versions")
    created_by: Mapped[User | None] = relationship()
    files: Mapped[list[LibraryFile]] = relationship(
        back_populates="version", cascade="all, delete-orphan", order_by="LibraryFile.name"
    )

    def __repr__(self) -> str:
        return f"<DocumentVersion {self.document_id} v{self.number}>"


class LibraryFile(db.Model):  # type: ignore[name-defined]
    """A file of a version, its bytes kept in the database so every app server can serve it."""

    __tablename__ = "library_files"
    __table_args__ = (sa.UniqueConstraint("version_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("library_document_versions.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(200))
    media_type: Mapped[str] = mapped_column(sa.String(120))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    # Emptied (None) when the document is withdrawn: withdrawn files may hold personal data.
    content: Mapped[bytes | None] = deferred(mapped_column(sa.LargeBinary))

    version: Mapped[DocumentVersion] = relationship(back_populates="files")

    def __repr__(self) -> str:
        return f"<LibraryFile {self.id} {self.name}>"


class LibraryDownload(db.Model):  # type: ignore[name-defined]
    """One full download of a library file: which document and version, and when; nothing
    about who (no user, IP address or browser is kept), so it is never personal data."""

    __tablename__ = "library_downloads"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        sa.ForeignKey("library_documents.id", ondelete="CASCADE"), index=True
    )
    document_version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("library_document_versions.id", ondelete="CASCADE"), index=True
    )
    downloaded_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    def __repr__(self) -> str:
        return f"<LibraryDownload {self.document_id} at {self.downloaded_at:%Y-%m-%d}>"


class PublishingTarget(db.Model):  # type: ignore[name-defined]
    """A place beyond this service that publications are pushed to: WebDAV folder or CKAN.

    The password or API token is never stored: the target names an environment variable of
    the app servers that holds it, so it cannot be shown back or leak with a database dump.
    """

    __tablename__ = "publishing_targets"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    kind: Mapped[TargetKind] = mapped_column(enum_column(TargetKind))
    base_url: Mapped[str] = mapped_column(sa.String(500))
    # WebDAV: the folder under base_url. CKAN: the organisation datasets belong to.
    folder: Mapped[str] = mapped_column(sa.String(300), default="")
    # CKAN: put before each publication's key to make the dataset name.
    dataset_prefix: Mapped[str] = mapped_column(sa.String(60), default="")
    username: Mapped[str] = mapped_column(sa.String(200), default="")
    secret_env: Mapped[str] = mapped_column(sa.String(100), default="")
    is_enabled: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    pushes: Mapped[list[Push]] = relationship(back_populates="target", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<PublishingTarget {self.id} {self.name}>"


class Push(db.Model):  # type: ignore[name-defined]
    """One attempt to push (or withdraw) a publication's files to a target, and its result."""

    __tablename__ = "library_pushes"

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(
        sa.ForeignKey("publishing_targets.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(sa.String(120), index=True)
    operation: Mapped[PushOperation] = mapped_column(
        enum_column(PushOperation), default=PushOperation.PUSH
    )
    file_names: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    content_hash: Mapped[str] = mapped_column(sa.String(64), default="")
    status: Mapped[PushStatus] = mapped_column(enum_column(PushStatus))
    error: Mapped[str] = mapped_column(sa.Text, default="")
    remote_urls: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    target: Mapped[PublishingTarget] = relationship(back_populates="pushes")
    by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<Push {self.id} {self.key} {self.status.value}>"
