"""Frameworks, their versions and each version's content: levels, categories, skills, roles."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from skillsreg.core.db import enum_column, utcnow
from skillsreg.extensions import db

CASCADE = "all, delete-orphan"


class VersionStatus(enum.Enum):
    DRAFT = "draft"
    CONSULTATION = "consultation"
    PUBLISHED = "published"
    RETIRED = "retired"


class CommentStatus(enum.Enum):
    OPEN = "open"
    ADDRESSED = "addressed"
    DECLINED = "declined"


def version_key(number: str) -> tuple[int, ...]:
    """Sort key of a semantic version number: 1.10.0 comes after 1.9.0."""
    return tuple(int(part) for part in number.split("."))


class Framework(db.Model):  # type: ignore[name-defined]
    """A named skills framework that lives through numbered versions."""

    __tablename__ = "frameworks"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(64), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    licence: Mapped[str] = mapped_column(sa.String(100))
    owner: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    versions: Mapped[list[FrameworkVersion]] = relationship(
        back_populates="framework", foreign_keys="FrameworkVersion.framework_id"
    )


class FrameworkVersion(db.Model):  # type: ignore[name-defined]
    """One numbered release of a framework; published versions never change."""

    __tablename__ = "framework_versions"
    __table_args__ = (sa.UniqueConstraint("framework_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(sa.ForeignKey("frameworks.id"), index=True)
    number: Mapped[str] = mapped_column(sa.String(32))
    status: Mapped[VersionStatus] = mapped_column(enum_column(VersionStatus))
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("framework_versions.id"))
    release_notes: Mapped[str] = mapped_column(sa.Text, default="")
    published_on: Mapped[date | None] = mapped_column(sa.Date)
    consultation_closes_on: Mapped[date | None] = mapped_column(sa.Date)
    content_hash: Mapped[str] = mapped_column(sa.String(64), default="")
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]
    retired_at: Mapped[datetime | None]
    # Raised by every edit; an editor whose form carries an older value changed a stale copy.
    lock_version: Mapped[int] = mapped_column(default=1)

    framework: Mapped[Framework] = relationship(
        back_populates="versions", foreign_keys=[framework_id]
    )
    parent: Mapped[FrameworkVersion | None] = relationship(remote_side=[id])
    levels: Mapped[list[ScaleLevel]] = relationship(
        cascade=CASCADE, order_by="ScaleLevel.number", back_populates="version"
    )
    categories: Mapped[list[Category]] = relationship(
        cascade=CASCADE, order_by="Category.position", back_populates="version"
    )
    skills: Mapped[list[Skill]] = relationship(
        cascade=CASCADE, order_by="Skill.position", back_populates="version"
    )
    roles: Mapped[list[Role]] = relationship(
        cascade=CASCADE, order_by="Role.position", back_populates="version"
    )
    retired_skills: Mapped[list[RetiredSkill]] = relationship(
        cascade=CASCADE, order_by="RetiredSkill.position", back_populates="version"
    )

    @property
    def is_editable(self) -> bool:
        return self.status in (VersionStatus.DRAFT, VersionStatus.CONSULTATION)

    @property
    def is_public(self) -> bool:
        """Published and retired versions are for everyone; drafts for organisers."""
        return self.status in (VersionStatus.PUBLISHED, VersionStatus.RETIRED)

    @property
    def sort_key(self) -> tuple[int, ...]:
        return version_key(self.number)

    def __repr__(self) -> str:
        return f"<FrameworkVersion {self.number} {self.status.value}>"


class ScaleLevel(db.Model):  # type: ignore[name-defined]
    """A level on a version's scale, such as 3 Practitioner."""

    __tablename__ = "framework_levels"
    __table_args__ = (sa.UniqueConstraint("version_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("framework_versions.id", ondelete="CASCADE")
    )
    number: Mapped[int]
    name: Mapped[str] = mapped_column(sa.String(100))
    description: Mapped[str] = mapped_column(sa.Text)

    version: Mapped[FrameworkVersion] = relationship(back_populates="levels")


class Category(db.Model):  # type: ignore[name-defined]
    """A group of skills for navigation."""

    __tablename__ = "framework_categories"
    __table_args__ = (sa.UniqueConstraint("version_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("framework_versions.id", ondelete="CASCADE")
    )
    code: Mapped[str] = mapped_column(sa.String(64))
    name: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    position: Mapped[int]

    version: Mapped[FrameworkVersion] = relationship(back_populates="categories")


class Skill(db.Model):  # type: ignore[name-defined]
    """A skill with a stable code, its descriptors, and how it relates to the parent version."""

    __tablename__ = "framework_skills"
    __table_args__ = (
        sa.UniqueConstraint("version_id", "code"),
        sa.ForeignKeyConstraint(
            ["version_id", "category_code"],
            ["framework_categories.version_id", "framework_categories.code"],
            name="fk_framework_skills_category_framework_categories",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("framework_versions.id", ondelete="CASCADE")
    )
    code: Mapped[str] = mapped_column(sa.String(16))
    name: Mapped[str] = mapped_column(sa.String(200))
    category_code: Mapped[str] = mapped_column(sa.String(64))
    description: Mapped[str] = mapped_column(sa.Text)
    guidance: Mapped[str] = mapped_column(sa.Text, default="")
    references: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    relation_type: Mapped[str | None] = mapped_column(sa.String(16))
    relation_from: Mapped[list[str] | None] = mapped_column(sa.JSON)
    # True when an editor or an imported file set the relation; such relations are not recomputed.
    is_relation_confirmed: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int]

    version: Mapped[FrameworkVersion] = relationship(back_populates="skills")
    descriptors: Mapped[list[Descriptor]] = relationship(
        cascade=CASCADE, order_by="Descriptor.level", back_populates="skill"
    )

    @property
    def levels(self) -> list[int]:
        return [descriptor.level for descriptor in self.descriptors]

    def descriptor_at(self, level: int | None) -> str | None:
        for descriptor in self.descriptors:
            if descriptor.level == level:
                return descriptor.text
        return None


class Descriptor(db.Model):  # type: ignore[name-defined]
    """What a skill looks like at one level."""

    __tablename__ = "framework_descriptors"
    __table_args__ = (sa.UniqueConstraint("skill_id", "level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    skill_id: Mapped[int] = mapped_column(sa.ForeignKey("framework_skills.id", ondelete="CASCADE"))
    level: Mapped[int]
    text: Mapped[str] = mapped_column(sa.Text)

    skill: Mapped[Skill] = relationship(back_populates="descriptors")


class Role(db.Model):  # type: ignore[name-defined]
    """A kind of job, such as web manager, with its seniority steps."""

    __tablename__ = "framework_roles"
    __table_args__ = (sa.UniqueConstraint("version_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("framework_versions.id", ondelete="CASCADE")
    )
    code: Mapped[str] = mapped_column(sa.String(64))
    name: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    position: Mapped[int]

    version: Mapped[FrameworkVersion] = relationship(back_populates="roles")
    levels: Mapped[list[RoleLevel]] = relationship(
        cascade=CASCADE, order_by="RoleLevel.position", back_populates="role"
    )


class RoleLevel(db.Model):  # type: ignore[name-defined]
    """A seniority step of a role, and the level it expects in each skill (its profile)."""

    __tablename__ = "framework_role_levels"
    __table_args__ = (sa.UniqueConstraint("role_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    role_id: Mapped[int] = mapped_column(sa.ForeignKey("framework_roles.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(sa.String(64))
    name: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    position: Mapped[int]

    role: Mapped[Role] = relationship(back_populates="levels")
    profile: Mapped[list[ProfileEntry]] = relationship(
        cascade=CASCADE, order_by="ProfileEntry.position", back_populates="role_level"
    )

    @property
    def expected(self) -> dict[str, int]:
        return {entry.skill_code: entry.level for entry in self.profile}


class ProfileEntry(db.Model):  # type: ignore[name-defined]
    """The level a role level expects in one skill."""

    __tablename__ = "framework_profile_entries"
    __table_args__ = (sa.UniqueConstraint("role_level_id", "skill_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    role_level_id: Mapped[int] = mapped_column(
        sa.ForeignKey("framework_role_levels.id", ondelete="CASCADE")
    )
    skill_code: Mapped[str] = mapped_column(sa.String(16))
    level: Mapped[int]
    position: Mapped[int]

    role_level: Mapped[RoleLevel] = relationship(back_populates="profile")


class RetiredSkill(db.Model):  # type: ignore[name-defined]
    """A skill of the parent version that this version no longer has."""

    __tablename__ = "framework_retired_skills"
    __table_args__ = (sa.UniqueConstraint("version_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("framework_versions.id", ondelete="CASCADE")
    )
    code: Mapped[str] = mapped_column(sa.String(16))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    position: Mapped[int]

    version: Mapped[FrameworkVersion] = relationship(back_populates="retired_skills")


class Comment(db.Model):  # type: ignore[name-defined]
    """A member's consultation comment on a version, a skill, or one level descriptor."""

    __tablename__ = "framework_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("framework_versions.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    skill_code: Mapped[str | None] = mapped_column(sa.String(16))
    level: Mapped[int | None]
    body: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[CommentStatus] = mapped_column(
        enum_column(CommentStatus), default=CommentStatus.OPEN
    )
    reply: Mapped[str] = mapped_column(sa.Text, default="")
    replied_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    replied_at: Mapped[datetime | None]
    notified_at: Mapped[datetime | None]

    version: Mapped[FrameworkVersion] = relationship()
    author: Mapped[Any] = relationship("User", foreign_keys=[author_id])
    replied_by: Mapped[Any] = relationship("User", foreign_keys=[replied_by_id])
