"""Turn counted pictures into protected tables for pages: k-anonymity and secondary suppression.

Pure: takes a `Picture` (plain counts) and the version's labels; no database, no Flask.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from skillsreg.accounts.rules import UK_REGIONS, Sector
from skillsreg.insight.queries import CUTS, NOT_APPLICABLE, NOT_GIVEN, Picture, VersionShape
from skillsreg.insight.rules import GAP_STATUSES, Key, Suppression, Table, share, suppress_together

GAP_LABELS = {"below": "Below", "meets": "Meets", "above": "Above"}


@dataclass(frozen=True)
class Cell:
    """A count as shown: None when hidden to protect the people it describes."""

    count: int | None
    percent: int | None = None

    @property
    def is_hidden(self) -> bool:
        return self.count is None


@dataclass(frozen=True)
class ShownRow:
    key: str
    label: str
    cells: list[Cell]
    total: Cell


@dataclass(frozen=True)
class ShownTable:
    """A protected table: rows are groups of people, columns levels or gap statuses."""

    columns: list[tuple[str, str]]
    rows: list[ShownRow]
    totals: list[Cell]
    total: Cell
    hidden_count: int


def group_label(cut: str, group: str, shape: VersionShape) -> str:
    """How a group of a cut is named on a page."""
    if group == NOT_GIVEN:
        return "Not given"
    if cut == "role":
        return shape.roles.get(group, group)
    if cut == "role-level":
        return shape.role_levels.get(group, group)
    if cut == "sector":
        return Sector(group).label
    if cut == "region":
        return UK_REGIONS.get(group, group)
    return "Everyone"


def _table(picture: Picture, cut: str, skill: str, measure: str, cols: tuple) -> Table:
    counts = (
        picture.level_counts(cut, skill) if measure == "levels" else picture.gap_counts(cut, skill)
    )
    return Table(rows=tuple(picture.groups[cut]), cols=cols, cells=counts)


def _shown(table: Table, hidden: set[Key], key: Key) -> Cell:
    return Cell(None) if key in hidden else Cell(table.value(key))


def present_table(
    table: Table, suppression: Suppression, cut: str, shape: VersionShape, labels: dict
) -> ShownTable:
    hidden = suppression.hidden
    rows = []
    for group in table.rows:
        total = _shown(table, hidden, ("row", group))
        cells = []
        for col in table.cols:
            cell = _shown(table, hidden, ("cell", group, col))
            percent = None
            if not cell.is_hidden and not total.is_hidden:
                percent = share(cell.count or 0, total.count or 0)
            cells.append(Cell(cell.count, percent))
        rows.append(ShownRow(str(group), group_label(cut, str(group), shape), cells, total))
    return ShownTable(
        columns=[(str(col), labels[col]) for col in table.cols],
        rows=rows,
        totals=[_shown(table, hidden, ("col", col)) for col in table.cols],
        total=_shown(table, hidden, ("all",)),
        hidden_count=len(hidden),
    )


def level_labels(shape: VersionShape) -> dict:
    return {NOT_APPLICABLE: "Not applicable", **{n: f"{n} {name}" for n, name in shape.levels}}


def protected_tables(
    picture: Picture, shape: VersionShape, skill: str, k: int, shown: Sequence[str] = tuple(CUTS)
) -> dict[str, dict[str, ShownTable]]:
    """For one skill, the level and gap tables of the `shown` cuts: {measure: {cut}}.

    Every cut is suppressed, together, whichever are shown: what one cut hides, all hide.
    """
    levels = (*(n for n, _ in shape.levels), NOT_APPLICABLE)
    result: dict[str, dict[str, ShownTable]] = {}
    for measure, cols, labels in (
        ("levels", levels, level_labels(shape)),
        ("gaps", GAP_STATUSES, GAP_LABELS),
    ):
        tables = [_table(picture, cut, skill, measure, cols) for cut in CUTS]
        suppressions = suppress_together(tables, k)
        result[measure] = {
            cut: present_table(table, suppression, cut, shape, labels)
            for cut, table, suppression in zip(CUTS, tables, suppressions, strict=False)
            if cut in shown
        }
    return result


@dataclass(frozen=True)
class SkillSummary:
    """One skill's community-wide gap shares, as an overview row."""

    code: str
    name: str
    category_code: str
    rated: Cell
    gaps: list[Cell]

    @property
    def below_share(self) -> int:
        return self.gaps[0].percent or 0 if self.gaps else 0


def skill_summaries(picture: Picture, shape: VersionShape, k: int) -> list[SkillSummary]:
    """Every skill's people rated and below/meets/above shares for everyone, protected."""
    summaries = []
    for skill in shape.skills:
        tables = protected_tables(picture, shape, skill.code, k, shown=("all",))
        levels = tables["levels"]["all"]
        gaps = tables["gaps"]["all"]
        row = gaps.rows[0] if gaps.rows else None
        summaries.append(
            SkillSummary(
                code=skill.code,
                name=skill.name,
                category_code=skill.category_code,
                rated=levels.total,
                gaps=row.cells if row else [Cell(0, 0) for _ in GAP_STATUSES],
            )
        )
    return summaries


@dataclass(frozen=True)
class CategorySummary:
    code: str
    name: str
    table: ShownTable


def category_summaries(
    counts: dict[tuple[str, str], int], shape: VersionShape, k: int
) -> list[CategorySummary]:
    """Per category, people below, meeting or above expectations there, protected."""
    result = []
    for code, name in shape.categories:
        cells = {("all", st): n for (cat, st), n in counts.items() if cat == code}
        table = Table(rows=("all",), cols=GAP_STATUSES, cells=cells)
        shown = present_table(table, suppress_together([table], k)[0], "all", shape, GAP_LABELS)
        result.append(CategorySummary(code, name, shown))
    return result
