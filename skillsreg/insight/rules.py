"""Pure insight rules: k-anonymity with secondary suppression, privacy budgets, quarters.

No Flask, no SQLAlchemy: every decision that protects a person is a plain function here.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np


# A table cell never describes fewer people than this, whatever the configuration says.
MIN_CELL_FLOOR = 5
DEFAULT_MIN_CELL = 10

GAP_STATUSES = ("below", "meets", "above")

Key = tuple[Hashable, ...]


class InsightRuleError(ValueError):
    """A setting or request breaks a rule that protects people."""


def check_min_cell(k: int) -> int:
    """The smallest number of people a shown cell may describe; refuses anything under 5."""
    if k < MIN_CELL_FLOOR:
        raise InsightRuleError(
            f"INSIGHT_MIN_CELL is {k}: a cell must describe at least {MIN_CELL_FLOOR} people"
        )
    return k


def gap_status(level: int | None, expected: int | None) -> str | None:
    """How a rated level compares with the expected one; None when it cannot be compared."""
    if level is None or expected is None:
        return None
    if level < expected:
        return "below"
    return "above" if level > expected else "meets"


@dataclass(frozen=True)
class Table:
    """A two-way table of counts with its margins: rows are groups, columns are categories.

    Keys: ("cell", row, col), ("row", row), ("col", col) and ("all",). Margins are the sums
    of the cells, so publishing them lets a reader solve for hidden cells unless protected.
    """

    rows: tuple[Hashable, ...]
    cols: tuple[Hashable, ...]
    cells: Mapping[Any, int]

    def value(self, key: Key) -> int:
        known = self._values.get(key)
        if known is not None:
            return known
        kind = key[0]
        if kind == "cell":
            return self.cells.get((key[1], key[2]), 0)
        if kind == "row":
            return sum(self.cells.get((key[1], c), 0) for c in self.cols)
        if kind == "col":
            return sum(self.cells.get((r, key[1]), 0) for r in self.rows)
        return sum(self.cells.values())

    @cached_property
    def _values(self) -> dict[Key, int]:
        """Every cell, row and column total and the grand total, added up once."""
        values: dict[Key, int] = {("row", r): 0 for r in self.rows}
        values |= {("col", c): 0 for c in self.cols}
        for r in self.rows:
            for c in self.cols:
                n = self.cells.get((r, c), 0)
                values[("cell", r, c)] = n
                values[("row", r)] += n
                values[("col", c)] += n
        values[("all",)] = sum(self.cells.values())
        return values

    def all_keys(self) -> list[Key]:
        keys: list[Key] = [("cell", r, c) for r in self.rows for c in self.cols]
        keys += [("row", r) for r in self.rows] + [("col", c) for c in self.cols] + [("all",)]
        return keys

    def equations(self) -> list[tuple[list[Key], Key]]:
        """Each (parts, total): the parts add up to the total."""
        return _equations(self.rows, self.cols)


@lru_cache(maxsize=256)
def _equations(rows: tuple, cols: tuple) -> list[tuple[list[Key], Key]]:
    """A table's equations depend only on its shape, so are worked out once per shape."""
    eqs: list[tuple[list[Key], Key]] = []
    eqs += [([("cell", r, c) for c in cols], ("row", r)) for r in rows]
    eqs += [([("cell", r, c) for r in rows], ("col", c)) for c in cols]
    eqs.append(([("row", r) for r in rows], ("all",)))
    eqs.append(([("col", c) for c in cols], ("all",)))
    return eqs


@lru_cache(maxsize=256)
def _equation_matrix(rows: tuple, cols: tuple) -> tuple[dict[Key, int], np.ndarray]:
    """Where each key of a table this shape sits, and one row per equation: +1 parts, -1 the
    total."""
    import numpy as np  # only when a table is protected: `flask --help` stays light

    table = Table(rows=rows, cols=cols, cells={})
    index = {key: i for i, key in enumerate(table.all_keys())}
    equations = table.equations()
    matrix = np.zeros((len(equations), len(index)))
    for row, (parts, total) in enumerate(equations):
        for key in parts:
            matrix[row, index[key]] += 1
        matrix[row, index[total]] -= 1
    matrix.flags.writeable = False
    return index, matrix


def derivable_cells(table: Table, hidden: Iterable[Key]) -> set[Key]:
    """The hidden cells an attacker can work out exactly from the shown ones (linear algebra).

    Every equation of the table becomes a linear equation in the hidden unknowns; a hidden
    cell is exposed when the system fixes its value: when no solution of the homogeneous
    system (the null space of its matrix) can move it.
    """
    import numpy as np

    index, matrix = _equation_matrix(table.rows, table.cols)
    keys = list(index)
    columns = sorted({index[key] for key in hidden})
    if not columns:
        return set()
    unknowns = [keys[i] for i in columns]
    system = matrix[:, columns]
    system = system[np.any(system != 0, axis=1)]
    if not len(system):
        return set()
    _, singular, vt = np.linalg.svd(system)
    rank = int((singular > 1e-9).sum())
    null_space = vt[rank:]
    if not len(null_space):
        return set(unknowns)
    moves = np.abs(null_space).max(axis=0)
    return {key for key, move in zip(unknowns, moves, strict=True) if move < 1e-9}


@dataclass
class Suppression:
    """Which keys of a table are hidden, and why."""

    primary: set[Key] = field(default_factory=set)
    secondary: set[Key] = field(default_factory=set)

    @property
    def hidden(self) -> set[Key]:
        return self.primary | self.secondary


def suppress(table: Table, k: int, *, forced: Iterable[Key] = ()) -> Suppression:
    """Hide every count of 1 to k-1 people, then enough other counts that none can be derived.

    Zero counts describe nobody and stay shown. `forced` keys are hidden too: the margins
    another cut of the same people had to hide, so neighbouring cuts cannot be played off
    against each other.
    """
    check_min_cell(k)
    result = Suppression()
    result.primary = {key for key in table.all_keys() if 0 < table.value(key) < k}
    result.secondary = {key for key in forced if key not in result.primary}
    exposed = derivable_cells(table, result.hidden)
    while exposed:
        key, exposed = _complement(table, result.hidden, exposed)
        result.secondary.add(key)
    return result


def _complement(table: Table, hidden: set[Key], exposed: set[Key]) -> tuple[Key, set[Key]]:
    """The visible count to hide next, and what is exposed once it is hidden: of those sharing
    an equation with an exposed one, the first leaving fewer exposed (else the one leaving
    fewest), preferring inner counts to margins, then the smallest."""
    candidates: set[Key] = set()
    for parts, total in table.equations():
        members = [*parts, total]
        if any(key in exposed for key in members):
            candidates |= {key for key in members if key not in hidden}
    if not candidates:
        # Every equation holding them is hidden already; the value leaks through a chain of
        # equations, so break the chain where it touches a visible count.
        for parts, total in table.equations():
            members = [*parts, total]
            if any(key in hidden for key in members):
                candidates |= {key for key in members if key not in hidden}
    ordered = sorted(
        candidates,
        key=lambda key: (key[0] != "cell", table.value(key) == 0, table.value(key), repr(key)),
    )
    after = exposed_if_hidden(table, hidden, exposed, ordered)
    for key, left in zip(ordered, after, strict=True):
        if len(left) < len(exposed):
            return key, left
    fewest = min(range(len(ordered)), key=lambda n: len(after[n]))
    return ordered[fewest], after[fewest]


def exposed_if_hidden(
    table: Table, hidden: set[Key], exposed: set[Key], candidates: Sequence[Key]
) -> list[set[Key]]:
    """For each candidate, the counts that would be exposed were it hidden too: what
    `derivable_cells(table, hidden | {candidate})` gives, for every candidate in one solve.

    `exposed` are the hidden counts derivable now. With A the equations' columns for the
    hidden counts and a the candidate's column: if no x has A x = -a, every way to move the
    hidden counts leaves the candidate still, so it is exposed as well. Otherwise (x, 1) is a
    new way to move them, and an exposed count stays exposed only where x is zero.
    """
    import numpy as np

    index, matrix = _equation_matrix(table.rows, table.cols)
    columns = sorted(index[key] for key in hidden)
    system = matrix[:, columns]
    added = matrix[:, [index[key] for key in candidates]]
    solution = np.linalg.lstsq(system, -added, rcond=None)[0]
    solvable = np.abs(system @ solution + added).max(axis=0) < 1e-9
    position = {column: i for i, column in enumerate(columns)}
    watched = list(exposed)
    still = np.abs(solution[[position[index[key]] for key in watched], :]) < 1e-9
    return [
        {key for key, stays in zip(watched, still[:, n], strict=True) if stays}
        if solvable[n]
        else {*exposed, candidate}
        for n, candidate in enumerate(candidates)
    ]


def suppress_together(tables: Sequence[Table], k: int) -> list[Suppression]:
    """Suppress tables that share their column margins (cuts of the same people) consistently.

    A column total hidden in one cut is hidden in every cut, else another cut would show it.
    """
    forced: set[Key] = set()
    while True:
        results = [suppress(table, k, forced=forced) for table in tables]
        shared = {key for result in results for key in result.hidden if key[0] in ("col", "all")}
        if shared <= forced:
            return results
        forced |= shared


# Differential privacy budget ------------------------------------------------------------


class BudgetSpentError(InsightRuleError):
    """Making a release would spend more privacy budget than the total allows."""


def remaining_budget(total: float, spent: Iterable[float]) -> float:
    """What is left of the total privacy budget after the releases made so far."""
    return max(0.0, total - sum(spent))


def check_budget(per_release: float, total: float, spent: Iterable[float]) -> float:
    """The epsilon the next release may spend; refuses once the total would be exceeded."""
    if per_release <= 0 or total <= 0:
        raise InsightRuleError("Privacy budgets must be positive")
    left = remaining_budget(total, spent)
    # A tiny tolerance so ten releases of 0.1 fit a total of 1.0 despite floating point.
    if per_release > left + 1e-9:
        raise BudgetSpentError(
            f"The privacy budget is spent: {left:g} of {total:g} is left and a release "
            f"needs {per_release:g}"
        )
    return per_release


def laplace_scale(sensitivity: int, epsilon: float) -> float:
    """The noise scale that makes a release of this L1 sensitivity epsilon-private."""
    if sensitivity < 1 or epsilon <= 0:
        raise InsightRuleError("Sensitivity and epsilon must be positive")
    return sensitivity / epsilon


def release_sensitivity(skill_count: int) -> int:
    """How many published counts one person can change: a level and a gap status per skill."""
    return 2 * skill_count


# Time -----------------------------------------------------------------------------------


def quarter_of(moment: date | datetime) -> str:
    """The calendar quarter a moment falls in, as `2026 Q3`."""
    return f"{moment.year} Q{(moment.month - 1) // 3 + 1}"


def month_of(moment: date | datetime) -> str:
    """The month a moment falls in, as `2026-07`."""
    return f"{moment.year:04d}-{moment.month:02d}"


def share(part: int, whole: int) -> int:
    """A whole-number percentage, 0 when there is nothing to share."""
    return round(100 * part / whole) if whole else 0
