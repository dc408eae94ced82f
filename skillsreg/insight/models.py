"""Open-data releases of the community's skills picture, with the privacy budget each spent."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from skillsreg.core.db import utcnow
from skillsreg.extensions import db


class Release(db.Model):  # type: ignore[name-defined]
    """One differentially private release: its noisy counts and the epsilon it spent.

    Rows are never deleted: the sum of `epsilon` over all rows is the budget spent so far.
    """

    __tablename__ = "insight_releases"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(unique=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("framework_versions.id"), index=True)
    epsilon: Mapped[float]
    # Each table is noised separately: what one person can change in one table, and the noise
    # scale of the table for everyone. Every table's epsilon and scale are in `figures`.
    sensitivity: Mapped[int]
    scale: Mapped[float]
    max_ratings_per_person: Mapped[int]
    mechanism: Mapped[str] = mapped_column(sa.String(200))
    made_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The published (noisy) figures: {"skills": [...], "categories": [...]}; never true counts.
    figures: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    library_key: Mapped[str] = mapped_column(sa.String(120), default="")

    version: Mapped[Any] = relationship("FrameworkVersion")

    @property
    def title(self) -> str:
        return f"Community skills release {self.number}"
