"""Compare the writes the load test saw acknowledged with what the database holds."""

from __future__ import annotations

import csv
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Answer = tuple[str, str]  # (level or "na", evidence)


@dataclass
class Outcome:
    """What the check found: counts, and a description of each write that was lost."""

    acknowledged_answers: int = 0
    acknowledged_interests: int = 0
    lost: list[str] = field(default_factory=list)


def read_writes(folder: Path) -> list[dict[str, Any]]:
    """Every entry of every process's log, in time order."""
    entries = []
    for path in sorted(folder.glob("writes-*.jsonl")):
        with path.open(encoding="utf-8") as lines:
            entries.extend(json.loads(line) for line in lines if line.strip())
    return sorted(entries, key=lambda entry: entry["at"])


def allowed_answers(entries: Iterable[Mapping[str, Any]]) -> dict[tuple[int, str], set[Answer]]:
    """For each (assessment, skill) whose save was acknowledged, the values it may now hold.

    That is the last acknowledged value, or a later save whose answer never arrived (the server
    may have committed it before the connection dropped). Nothing earlier is acceptable.
    """
    allowed: dict[tuple[int, str], set[Answer]] = {}
    pending: dict[tuple[int, str], set[Answer]] = defaultdict(set)
    for entry in entries:
        if entry["kind"] != "rating":
            continue
        for skill, (level, evidence) in entry["answers"].items():
            key = (entry["assessment"], skill)
            if entry["acknowledged"]:
                allowed[key] = {(level, evidence)}
                pending.pop(key, None)
            else:
                pending[key].add((level, evidence))
    return {key: values | pending.get(key, set()) for key, values in allowed.items()}


def compare(
    entries: list[dict[str, Any]],
    stored: Mapping[tuple[int, str], Answer],
    submitted_emails: set[str],
) -> Outcome:
    """Check every acknowledged answer and expression of interest against the database."""
    outcome = Outcome()
    outcome.acknowledged_answers = sum(
        len(e["answers"]) for e in entries if e["kind"] == "rating" and e["acknowledged"]
    )
    for key, values in sorted(allowed_answers(entries).items()):
        if stored.get(key) not in values:
            outcome.lost.append(f"answer {key}: database has {stored.get(key)}, expected {values}")
    for entry in entries:
        if entry["kind"] == "interest" and entry["acknowledged"]:
            outcome.acknowledged_interests += 1
            if entry["email"] not in submitted_emails:
                outcome.lost.append(f"expression of interest of {entry['email']}")
    return outcome


@dataclass
class Stats:
    """The locust summary: throughput, latency percentiles and errors by status."""

    requests: int
    per_second: float
    p50: float
    p95: float
    p99: float
    statuses: Counter[int]


def read_stats(prefix: Path) -> Stats:
    """Read locust's --csv files (prefix_stats.csv, prefix_failures.csv)."""
    with Path(f"{prefix}_stats.csv").open(encoding="utf-8") as rows:
        total = next(row for row in csv.DictReader(rows) if row["Name"] == "Aggregated")
    statuses: Counter[int] = Counter()
    failures = Path(f"{prefix}_failures.csv")
    if failures.exists():
        with failures.open(encoding="utf-8") as rows:
            for row in csv.DictReader(rows):
                match = re.search(r"\b([45]\d\d)\b", row["Error"])
                statuses[int(match.group(1)) if match else 0] += int(row["Occurrences"])
    return Stats(
        requests=int(total["Request Count"]),
        per_second=float(total["Requests/s"]),
        p50=float(total["50%"]),
        p95=float(total["95%"]),
        p99=float(total["99%"]),
        statuses=statuses,
    )


def server_errors(stats: Stats) -> int:
    """How many responses were 5xx."""
    return sum(n for status, n in stats.statuses.items() if status >= 500)


def table(stats: Stats, outcome: Outcome, *, unavailable: int, signed_out: int = 0) -> str:
    """The report printed at the end of a run."""
    rows = [
        ("requests", f"{stats.requests}"),
        ("requests per second", f"{stats.per_second:.1f}"),
        ("latency p50 / p95 / p99 (ms)", f"{stats.p50:.0f} / {stats.p95:.0f} / {stats.p99:.0f}"),
        ("5xx responses", f"{server_errors(stats)}"),
        ("  of which GOV.UK 503 pages", f"{unavailable}"),
        ("4xx responses", f"{sum(n for s, n in stats.statuses.items() if 400 <= s < 500)}"),
        ("signed-in requests sent to sign in", f"{signed_out}"),
        ("acknowledged answers saved", f"{outcome.acknowledged_answers}"),
        ("acknowledged expressions of interest", f"{outcome.acknowledged_interests}"),
        ("acknowledged writes missing from database", f"{len(outcome.lost)}"),
    ]
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"| {name:<{width}} | {value:>17} |" for name, value in rows)


def cpu_table(folder: Path) -> str:
    """The server's CPU milliseconds per request for each route, from the workers' logs."""
    spent: dict[tuple[str, str], list[float]] = defaultdict(list)
    for path in sorted(folder.glob("cpu-*.tsv")):
        for line in path.read_text(encoding="utf-8").splitlines():
            method, route, milliseconds = line.split("\t")
            spent[method, route].append(float(milliseconds))
    rows = [f"{'server CPU per request':<52}{'count':>7}{'mean ms':>9}{'p95 ms':>8}{'total s':>9}"]
    by_total = sorted(spent.items(), key=lambda item: -sum(item[1]))
    for (method, route), values in by_total:
        values.sort()
        p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
        rows.append(
            f"{method + ' ' + route:<52}{len(values):>7}{sum(values) / len(values):>9.1f}"
            f"{p95:>8.1f}{sum(values) / 1000:>9.1f}"
        )
    return "\n".join(rows)
