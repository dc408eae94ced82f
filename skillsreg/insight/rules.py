"""Pure insight rules: k-anonymity with secondary suppression, privacy budgets, quarters.

No Flask, no SQLAlchemy: every decision that protects a person is a plain function here.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property, lru_cache
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

    @cached_property
    def order(self) -> dict[Key, tuple]:
        """The order counts are considered for hiding: inner counts before margins, then
        counts of people before zeros, then the smallest."""
        return {
            key: (key[0] != "cell", self.value(key) == 0, self.value(key), repr(key))
            for key in self.all_keys()
        }

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


def _edge(key: Key) -> tuple[Key, Key]:
    """The two equations a count takes part in: a count joins two nodes of the table's graph.

    A cell is in its row's and its column's equation; a row total in its row's and in the
    equation adding up the row totals ("rows"); a column total likewise ("cols"); the grand
    total in those last two. Signs aside, the equations are the incidence matrix of this
    (bipartite) graph, so a set of hidden counts can move together exactly along its cycles.
    """
    kind = key[0]
    if kind == "cell":
        return ("row", key[1]), ("col", key[2])
    if kind == "row":
        return ("row", key[1]), ("rows",)
    if kind == "col":
        return ("col", key[1]), ("cols",)
    return ("rows",), ("cols",)


@dataclass
class _HiddenGraph:
    """The hidden counts as a graph: its bridges, and the forest its bridges make."""

    edges: dict[Key, tuple[Key, Key]]
    bridges: set[Key] = field(default_factory=set)
    # Per node: its 2-edge-connected component; per component: (parent, bridge) unless it is
    # a root, depth in its tree, and the tree (its root).
    component: dict[Key, int] = field(default_factory=dict)
    parent: dict[int, tuple[int, Key]] = field(default_factory=dict)
    depth: dict[int, int] = field(default_factory=dict)
    tree: dict[int, int] = field(default_factory=dict)

    @classmethod
    def of(cls, hidden: Iterable[Key], bridges: set[Key] | None = None) -> _HiddenGraph:
        """The graph of the hidden counts; `bridges`, when known, are its bridges (what
        `derivable_cells` gives for them), so they are not worked out again."""
        graph = cls(edges={key: _edge(key) for key in hidden})
        graph.bridges = _bridges(graph.edges) if bridges is None else bridges
        graph._build_forest()
        return graph

    def _adjacency(self, keys: Iterable[Key]) -> dict[Key, list[tuple[Key, Key]]]:
        adjacency: dict[Key, list[tuple[Key, Key]]] = {}
        for key in keys:
            u, v = self.edges[key]
            adjacency.setdefault(u, []).append((v, key))
            adjacency.setdefault(v, []).append((u, key))
        return adjacency

    def _build_forest(self) -> None:
        inside = self._adjacency(k for k in self.edges if k not in self.bridges)
        for node in (node for pair in self.edges.values() for node in pair):
            if node not in self.component:
                self._label(node, len(self.depth), inside)
                self.depth[len(self.depth)] = -1
        between = self._adjacency(self.bridges)
        links: dict[int, list[tuple[int, Key]]] = {}
        for node, pairs in between.items():
            for nxt, key in pairs:
                links.setdefault(self.component[node], []).append((self.component[nxt], key))
        for root in list(self.depth):
            if self.depth[root] < 0:
                self._root(root, links)

    def _label(self, start: Key, number: int, inside: dict[Key, list[tuple[Key, Key]]]) -> None:
        """Number the 2-edge-connected component of `start` (joined without bridges)."""
        self.component[start], todo = number, [start]
        while todo:
            for nxt, _ in inside.get(todo.pop(), ()):
                if nxt not in self.component:
                    self.component[nxt] = number
                    todo.append(nxt)

    def _root(self, root: int, links: dict[int, list[tuple[int, Key]]]) -> None:
        """Hang the tree of components holding `root` from it: parents, depths, tree."""
        self.depth[root], self.tree[root], todo = 0, root, [root]
        while todo:
            here = todo.pop()
            for there, key in links.get(here, ()):
                if self.depth[there] < 0:
                    self.parent[there] = (here, key)
                    self.depth[there] = self.depth[here] + 1
                    self.tree[there] = root
                    todo.append(there)

    def exposed_with(self, candidate: Key, exposed: set[Key]) -> set[Key]:
        """What stays exposed (of `exposed`, the bridges) once `candidate` is hidden too."""
        path = self.bridges_between(*_edge(candidate))
        return {*exposed, candidate} if path is None else exposed - path

    def bridges_between(self, u: Key, v: Key) -> set[Key] | None:
        """The bridges on the path from u to v, or None when no hidden path joins them."""
        if u not in self.component or v not in self.component:
            return None
        a, b = self.component[u], self.component[v]
        if self.tree[a] != self.tree[b]:
            return None
        path: set[Key] = set()
        while a != b:
            if self.depth[a] < self.depth[b]:
                a, b = b, a
            a, bridge = self.parent[a]  # a is deeper than b, so not a root
            path.add(bridge)
        return path


def _bridges(edges: Mapping[Key, tuple[Key, Key]]) -> set[Key]:
    """The edges on no cycle (Tarjan's bridge-finding, iterative)."""
    adjacency: dict[Key, list[tuple[Key, Key]]] = {}
    for key, (u, v) in edges.items():
        adjacency.setdefault(u, []).append((v, key))
        adjacency.setdefault(v, []).append((u, key))
    order: dict[Key, int] = {}
    low: dict[Key, int] = {}
    bridges: set[Key] = set()
    for root in adjacency:
        if root in order:
            continue
        order[root] = low[root] = len(order)
        stack: list[tuple[Key, Key | None, Iterator[tuple[Key, Key]]]] = [
            (root, None, iter(adjacency[root]))
        ]
        while stack:
            node, via, pending = stack[-1]
            for nxt, key in pending:
                if key == via:
                    continue
                if nxt in order:
                    low[node] = min(low[node], order[nxt])
                    continue
                order[nxt] = low[nxt] = len(order)
                stack.append((nxt, key, iter(adjacency[nxt])))
                break
            else:
                stack.pop()
                if stack and via is not None:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[node])
                    if low[node] > order[parent]:
                        bridges.add(via)
    return bridges


def derivable_cells(table: Table, hidden: Iterable[Key]) -> set[Key]:
    """The hidden counts an attacker can work out exactly from the shown ones.

    Every equation of the table is a linear equation in the hidden unknowns. Each count is in
    exactly two equations, so the equations are (up to signs) the incidence matrix of a graph
    whose nodes are equations and whose edges are counts (`_edge`); the hidden counts can be
    changed without changing any shown one exactly along cycles of hidden edges. A hidden
    count is exposed when it lies on no such cycle: when it is a bridge of the hidden graph.
    """
    return _bridges({key: _edge(key) for key in hidden})


def exposed_if_hidden(
    table: Table, hidden: set[Key], exposed: set[Key], candidates: Sequence[Key]
) -> list[set[Key]]:
    """For each candidate, the counts that would be exposed were it hidden too: what
    `derivable_cells(table, hidden | {candidate})` gives, for every candidate at once.

    `exposed` are the hidden counts derivable now (the bridges). A candidate whose two
    equations no hidden path joins becomes a bridge itself; otherwise it closes a cycle
    through every bridge on that path, which are then exposed no more.
    """
    graph = _HiddenGraph.of(hidden)
    return [graph.exposed_with(candidate, exposed) for candidate in candidates]


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
    members = _members(table.rows, table.cols)
    touched = {node for key in exposed for node in _edge(key)}
    candidates = {key for node in touched for key in members[node] if key not in hidden}
    if not candidates:
        # Every equation holding them is hidden already; the value leaks through a chain of
        # equations, so break the chain where it touches a visible count.
        touched = {node for key in hidden for node in _edge(key)}
        candidates = {key for node in touched for key in members[node] if key not in hidden}
    # `exposed` are the bridges of the hidden counts: `derivable_cells` of them at first, then
    # what `exposed_with` said would be left once the last count was hidden.
    graph = _HiddenGraph.of(hidden, bridges=exposed)
    fewest: tuple[Key, set[Key]] | None = None
    for key in sorted(candidates, key=table.order.__getitem__):
        left = graph.exposed_with(key, exposed)
        if len(left) < len(exposed):
            return key, left
        if fewest is None or len(left) < len(fewest[1]):
            fewest = (key, left)
    if fewest is None:
        raise InsightRuleError("A count is exposed, yet no other count could hide it")
    return fewest


@lru_cache(maxsize=256)
def _members(rows: tuple, cols: tuple) -> dict[Key, list[Key]]:
    """Each equation (a node of the table's graph) and the counts in it, once per shape."""
    members: dict[Key, list[Key]] = {}
    for key in Table(rows=rows, cols=cols, cells={}).all_keys():
        for node in _edge(key):
            members.setdefault(node, []).append(key)
    return members


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


def release_sensitivity(max_ratings: int) -> int:
    """How many counts of one release table one person can change, each by one: a level and a
    gap status for each of their `max_ratings` skills, in the one group of the table they are
    in (everyone, their sector or their region)."""
    return 2 * max_ratings


# The release tables as named in INSIGHT_RELEASE_SHARES, and the cut each one counts.
RELEASE_TABLES: dict[str, str] = {"everyone": "all", "sector": "sector", "region": "region"}
DEFAULT_RELEASE_SHARES = "everyone=0.5,sector=0.25,region=0.25"


def parse_release_shares(text: str) -> dict[str, float]:
    """INSIGHT_RELEASE_SHARES (`everyone=0.5,sector=0.25,region=0.25`) as {cut: share}, in the
    tables' own order: refused unless every table has a positive share and they add up to 1."""
    shares: dict[str, float] = {}
    for part in (p.strip() for p in text.split(",")):
        name, equals, value = part.partition("=")
        name = name.strip()
        if not equals or name not in RELEASE_TABLES:
            raise InsightRuleError(
                f"INSIGHT_RELEASE_SHARES: {part!r} is not table=share, where the table is one "
                f"of {', '.join(RELEASE_TABLES)}"
            )
        if RELEASE_TABLES[name] in shares:
            raise InsightRuleError(f"INSIGHT_RELEASE_SHARES gives {name} twice")
        try:
            share = float(value)
        except ValueError:
            raise InsightRuleError(f"INSIGHT_RELEASE_SHARES: {value!r} is not a number") from None
        if not 0 < share < math.inf:
            raise InsightRuleError(f"INSIGHT_RELEASE_SHARES: the share of {name} must be positive")
        shares[RELEASE_TABLES[name]] = share
    missing = [name for name, cut in RELEASE_TABLES.items() if cut not in shares]
    if missing:
        raise InsightRuleError(f"INSIGHT_RELEASE_SHARES has no share for {', '.join(missing)}")
    if abs(sum(shares.values()) - 1) > 1e-9:
        raise InsightRuleError(
            f"INSIGHT_RELEASE_SHARES must add up to 1, not {sum(shares.values()):g}"
        )
    return {cut: shares[cut] for cut in RELEASE_TABLES.values()}


@dataclass(frozen=True)
class TableBudget:
    """The part of a release's epsilon one of its tables spends, and the noise that buys."""

    epsilon: float
    sensitivity: int
    scale: float


def split_budget(
    epsilon: float, shares: dict[str, float], max_ratings: int
) -> dict[str, TableBudget]:
    """Each table's epsilon, sensitivity and noise scale. The tables are noised separately,
    so by sequential composition the release spends the sum of their epsilons: the last
    table takes what the others leave, so that sum is the release's epsilon exactly."""
    sensitivity = release_sensitivity(max_ratings)
    cuts = list(shares)
    parts = {cut: epsilon * shares[cut] for cut in cuts[:-1]}
    parts[cuts[-1]] = epsilon - sum(parts.values())
    return {
        cut: TableBudget(part, sensitivity, laplace_scale(sensitivity, part))
        for cut, part in parts.items()
    }


# Time -----------------------------------------------------------------------------------


def quarter_of(moment: date | datetime) -> str:
    """The calendar quarter a moment falls in, as `2026 Q3`."""
    return f"{moment.year} Q{(moment.month - 1) // 3 + 1}"


def month_of(moment: date | datetime) -> str:
    """The month a moment falls in, as `2026-07`."""
    return f"{moment.year:04d}-{moment.month:02d}"


def share(part: int, whole: int) -> int:
    """A whole-number percentage, a half rounded up (12.5 is 13), 0 when there is nothing to
    share: worked out in whole numbers, so anyone recomputing it gets the same."""
    return (200 * part + whole) // (2 * whole) if whole > 0 else 0
