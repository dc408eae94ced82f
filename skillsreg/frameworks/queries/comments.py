"""Consultation comments: a member's own, and all of a version's for the organisers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from skillsreg.extensions import db
from skillsreg.frameworks.models import Comment, FrameworkVersion, Skill

COMMENT_CSV_HEADER = (
    "id",
    "created_at",
    "author",
    "skill_code",
    "level",
    "status",
    "body",
    "reply",
    "replied_at",
)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def comments_by(
    version: FrameworkVersion, viewer: Any, *, skill_code: str | None = None
) -> list[Comment]:
    """The viewer's own comments on a version (or on one skill of it), oldest first."""
    if not viewer.is_authenticated:
        return []
    query = sa.select(Comment).where(
        Comment.version_id == version.id, Comment.author_id == viewer.id
    )
    if skill_code is not None:
        query = query.where(Comment.skill_code == skill_code)
    return list(db.session.scalars(query.order_by(Comment.created_at, Comment.id)))


def comment_count(version: FrameworkVersion) -> int:
    query = sa.select(sa.func.count(Comment.id)).where(Comment.version_id == version.id)
    return db.session.scalar(query) or 0


@dataclass(frozen=True)
class CommentGroup:
    skill_code: str | None
    skill_name: str
    comments: list[Comment]


def comment_groups(version: FrameworkVersion) -> list[CommentGroup]:
    """A version's comments: those on the whole version first, then skill by skill."""
    comments = db.session.scalars(
        sa.select(Comment)
        .where(Comment.version_id == version.id)
        .options(joinedload(Comment.author), joinedload(Comment.replied_by))
        .order_by(Comment.created_at, Comment.id)
    ).all()
    skills = db.session.execute(
        sa.select(Skill.code, Skill.name)
        .where(Skill.version_id == version.id)
        .order_by(Skill.position)
    ).all()
    by_skill: dict[str | None, list[Comment]] = {}
    for comment in comments:
        by_skill.setdefault(comment.skill_code, []).append(comment)
    groups = []
    if None in by_skill:
        groups.append(CommentGroup(None, "The whole version", by_skill.pop(None)))
    for code, name in skills:
        if code in by_skill:
            groups.append(CommentGroup(code, name, by_skill.pop(code)))
    # Comments on a skill the draft no longer has still need an answer.
    groups += [CommentGroup(code, "", rest) for code, rest in by_skill.items()]
    return groups


def comment_rows(version: FrameworkVersion) -> Iterator[list[str]]:
    """A header row, then one row per comment, safe to open in a spreadsheet."""
    yield list(COMMENT_CSV_HEADER)
    for group in comment_groups(version):
        for comment in group.comments:
            row = [
                str(comment.id),
                _iso(comment.created_at),
                comment.author.name if comment.author else "",
                comment.skill_code or "",
                "" if comment.level is None else str(comment.level),
                comment.status.value,
                comment.body,
                comment.reply,
                _iso(comment.replied_at),
            ]
            yield [_safe_cell(value) for value in row]


def _iso(moment: datetime | None) -> str:
    return moment.isoformat(timespec="seconds") if moment else ""


def _safe_cell(value: str) -> str:
    # A cell starting like a formula runs as one in a spreadsheet: members typed these.
    return f"'{value}" if value.startswith(_FORMULA_STARTS) else value


def find_comment(version: FrameworkVersion, comment_id: int) -> Comment | None:
    """One comment on a version."""
    comment = db.session.get(Comment, comment_id)
    return comment if comment is not None and comment.version_id == version.id else None
