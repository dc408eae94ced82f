"""Pure insight rules: k-anonymity with secondary suppression, privacy budgets, quarters.

No Flask, no SQLAlchemy: every decision that protects a person is a plain function here.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from fractions import Fraction
from typing import Any

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
        kind = key[0]
        if kind == "cell":
            return self.cells.get((key[1], key[2]), 0)
        if kind == "row":
            return sum(self.cells.get((key[1], c), 0) for c in self.cols)
        if kind == "col":
            return sum(self.cells.get((r, key[1]), 0) for r in self.rows)
        return sum(self.cells.values())

    def all_keys(self) -> list[Key]:
        keys: list[Key] = [("cell", r, c) for r in self.rows for c in self.cols]
        keys += [("row", r) for r in self.rows] + [("col", c) for c in self.cols] + [("all",)]
        return keys

    def equations(self) -> list[tuple[list[Key], Key]]:
        """Each (parts, total): the parts add up to the total."""
        eqs: list[tuple[list[Key], Key]] = []
        eqs += [([("cell", r, c) for c in self.cols], ("row", r)) for r in self.rows]
        eqs += [([("cell", r, c) for r in self.rows], ("col", c)) for c in self.cols]
        eqs.append(([("row", r) for r in self.rows], ("all",)))
        eqs.append(([("col", c) for c in self.cols], ("all",)))
        return eqs


def derivable_cells(table: Table, hidden: Iterable[Key]) -> set[Key]:
    """The hidden cells an attacker can work out exactly from the shown ones (linear algebra).

    Every equation of the table becomes a linear equation in the hidden unknowns; a hidden
    cell is exposed when the system fixes its value, i.e. its unit vector lies in the row
    space. Exact arithmetic (fractions), reduced row echelon form.
    """
    unknowns = [key for key in table.all_keys() if key in set(hidden)]
    index = {key: i for i, key in enumerate(unknowns)}
    matrix: list[list[Fraction]] = []
    for parts, total in table.equations():
        row = [Fraction(0)] * len(unknowns)
        for key in parts:
            if key in index:
                row[index[key]] += 1
        if total in index:
            row[index[total]] -= 1
        if any(row):
            matrix.append(row)
    pivots = _reduce(matrix, len(unknowns))
    exposed = set()
    for row_number, column in pivots:
        others = [v for j, v in enumerate(matrix[row_number]) if j != column and v != 0]
        if not others:
            exposed.add(unknowns[column])
    return exposed


def _reduce(matrix: list[list[Fraction]], width: int) -> list[tuple[int, int]]:
    """Bring `matrix` to reduced row echelon form in place; return (row, pivot column) pairs."""
    pivots: list[tuple[int, int]] = []
    row = 0
    for column in range(width):
        found = next((r for r in range(row, len(matrix)) if matrix[r][column] != 0), None)
        if found is None:
            continue
        matrix[row], matrix[found] = matrix[found], matrix[row]
        lead = matrix[row][column]
        matrix[row] = [v / lead for v in matrix[row]]
        for other in range(len(matrix)):
            factor = matrix[other][column]
            if other != row and factor != 0:
                matrix[other] = [
                    a - factor * b for a, b in zip(matrix[other], matrix[row], strict=True)
                ]
        pivots.append((row, column))
        row += 1
    return pivots


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
    while True:
        exposed = derivable_cells(table, result.hidden)
        if not exposed:
            return result
        result.secondary.add(_complement(table, result.hidden, sorted(exposed, key=repr)[0]))


def _complement(table: Table, hidden: set[Key], exposed: Key) -> Key:
    """The visible count to hide next: the smallest one sharing an equation with `exposed`."""
    candidates: list[Key] = []
    for parts, total in table.equations():
        members = [*parts, total]
        if exposed in members:
            candidates += [key for key in members if key not in hidden]
    if not candidates:
        # Every equation holding it is hidden already; the value leaks through a chain of
        # equations, so break the chain where it touches a visible count.
        for parts, total in table.equations():
            members = [*parts, total]
            if any(key in hidden for key in members):
                candidates += [key for key in members if key not in hidden]
    # Prefer interior cells over margins, non-zero over zero (a hidden zero protects less).
    return min(
        candidates,
        key=lambda key: (key[0] != "cell", table.value(key) == 0, table.value(key), repr(key)),
    )


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
