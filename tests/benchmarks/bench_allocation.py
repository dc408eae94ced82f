"""Benchmark the workshop place optimiser on seeded synthetic rounds against simple rules."""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from skillsreg.workshops.allocation import (
    AllocationResult,
    Applicant,
    Choice,
    Round,
    Workshop,
    allocate,
    evaluate,
    first_come_first_served,
    random_serial_dictatorship,
)

SECTORS = (
    "central government",
    "local government",
    "NHS",
    "devolved government",
    "arm's-length body",
    "higher education",
    "charity",
    "private",
)
ROLES = tuple(f"role-{index}" for index in range(10))
SKILLS = tuple(f"skill-{index:02d}" for index in range(20))
SIZES = {
    "A": {"applicants": 1_000, "workshops": 20, "capacity": 25, "organisations": 50},
    "B": {"applicants": 10_000, "workshops": 200, "capacity": 25, "organisations": 500},
}


def _zipf(rng: np.random.Generator, count: int, exponent: float) -> np.ndarray:
    """Return shuffled Zipf-like popularity weights that sum to one."""
    weights = 1.0 / np.arange(1, count + 1) ** exponent
    rng.shuffle(weights)
    return weights / weights.sum()


def _workshops(rng: np.random.Generator, count: int, capacity: int) -> tuple[Workshop, ...]:
    return tuple(
        Workshop(
            id=f"w{index:03d}",
            capacity=capacity,
            target_roles=tuple(rng.choice(ROLES, size=2, replace=False).tolist()),
            target_skills=tuple(rng.choice(SKILLS, size=3, replace=False).tolist()),
            max_sector_share=0.4,
            max_per_organisation=3,
            min_per_target_role=3,
        )
        for index in range(count)
    )


def _applicant(
    rng: np.random.Generator,
    index: int,
    workshops: tuple[Workshop, ...],
    popularity: np.ndarray,
    organisation: int,
    sector: str,
) -> Applicant:
    ranked = rng.choice(len(workshops), size=int(rng.integers(1, 6)), replace=False, p=popularity)
    manages = bool(rng.random() < 0.3)
    skills = {}
    if rng.random() < 0.6:
        for skill in rng.choice(SKILLS, size=8, replace=False).tolist():
            skills[skill] = int(rng.integers(0, 5))
    return Applicant(
        id=f"a{index:05d}",
        sector=sector,
        organisation=f"org-{organisation:03d}",
        roles=tuple(rng.choice(ROLES, size=int(rng.integers(1, 3)), replace=False).tolist()),
        manages_web_team=manages,
        years_managing=int(rng.integers(1, 16)) if manages else 0,
        attended_before=bool(rng.random() < 0.2),
        skills=skills,
        choices=tuple(
            Choice(workshops[w].id, rank, bool(rng.random() < 0.85))
            for rank, w in enumerate(ranked.tolist(), start=1)
        ),
        submitted_at=f"2025-10-{1 + index * 30 // (index + 1000):02d}T09:{index % 60:02d}:00Z",
    )


def synthetic_round(size: str, seed: int) -> Round:
    """Build a seeded round of the given size with skewed preferences and organisation sizes."""
    spec = SIZES[size]
    rng = np.random.default_rng(seed)
    workshops = _workshops(rng, spec["workshops"], spec["capacity"])
    popularity = _zipf(rng, len(workshops), 1.0)
    organisation_sectors = rng.choice(
        len(SECTORS), size=spec["organisations"], p=_zipf(rng, len(SECTORS), 0.8)
    )
    organisations = rng.choice(
        spec["organisations"], size=spec["applicants"], p=_zipf(rng, spec["organisations"], 0.7)
    )
    applicants = tuple(
        _applicant(
            rng,
            index,
            workshops,
            popularity,
            int(organisation),
            SECTORS[organisation_sectors[organisation]],
        )
        for index, organisation in enumerate(organisations.tolist())
    )
    return Round(id=f"bench-{size}-{seed}", workshops=workshops, applicants=applicants)


def _timed(round_: Round, runs: int) -> tuple[list[float], AllocationResult]:
    times, result = [], None
    for run in range(runs):
        started = time.perf_counter()
        result = allocate(round_, seed=run)
        times.append(time.perf_counter() - started)
    assert result is not None
    return times, result


def main() -> None:
    """Time the optimiser and compare its quality with first-come-first-served and RSD."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--sizes", default="A,B")
    parser.add_argument("--seed", type=int, default=2025)
    options = parser.parse_args()
    quality_rows = []
    print(
        f"{'size':<5}{'applicants':>11}{'workshops':>10}{'vars':>8}{'median s':>10}"
        f"{'p95 s':>8}{'solve s':>9}  {'status':<10}{'gap':>8}{'objective':>12}"
    )
    for size in options.sizes.split(","):
        round_ = synthetic_round(size, options.seed)
        times, result = _timed(round_, options.runs)
        choices = sum(1 for a in round_.applicants for c in a.choices if c.available)
        print(
            f"{size:<5}{len(round_.applicants):>11}{len(round_.workshops):>10}{choices:>8}"
            f"{statistics.median(times):>10.3f}{np.percentile(times, 95):>8.3f}"
            f"{result.solve_seconds:>9.3f}  {result.status:<10}{result.mip_gap:>8.1e}"
            f"{result.objective:>12.2f}"
        )
        quality_rows += [
            (size, "optimiser", evaluate(round_, result.assignments)),
            (size, "FCFS", evaluate(round_, first_come_first_served(round_))),
            (size, "RSD", evaluate(round_, random_serial_dictatorship(round_, options.seed))),
        ]
    print()
    print(
        f"{'size':<5}{'method':<10}{'objective':>12}{'1st choice':>11}{'assigned':>9}"
        f"{'sector':>8}{'org':>6}{'role short':>11}{'other':>7}"
    )
    for size, method, quality in quality_rows:
        v = quality.violations
        other = sum(
            v[key] for key in v if key not in {"sector_share", "organisation_cap", "role_minimum"}
        )
        print(
            f"{size:<5}{method:<10}{quality.objective:>12.2f}{quality.first_choice_share:>11.1%}"
            f"{quality.assigned_share:>9.1%}{v['sector_share']:>8}{v['organisation_cap']:>6}"
            f"{v['role_minimum']:>11}{other:>7}"
        )


if __name__ == "__main__":
    main()
