"""Benchmark the workshop place optimiser on seeded synthetic rounds against simple rules."""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
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
    input_document,
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
    "C": {"applicants": 50_000, "workshops": 500, "capacity": 25, "organisations": 2_500},
}
ROOT = Path(__file__).resolve().parents[2]


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


def plain_model(path: str) -> None:
    """Solve a round file with a plain HiGHS MILP written from the schema and the score's formula.

    Independent of skillsreg: it reads the JSON, scores each available choice as documented in
    scoring.py, and gives HiGHS one binary per choice with capacity, person, sector, organisation
    and soft role-minimum rows, with HiGHS's default settings. Prints the objective as JSON.
    """
    doc = json.loads(Path(path).read_text(encoding="utf-8"))
    weights = doc["settings"]["weights"]
    workshops = {w["id"]: w for w in doc["workshops"]}
    out_of_round = {lock["applicant"] for lock in doc["locked_out"] if lock["workshop"] is None}
    out = {(lock["applicant"], lock["workshop"]) for lock in doc["locked_out"]}
    horizon, years_cap, cap = (
        weights["rank_horizon"],
        weights["years_cap"],
        weights["skill_level_cap"],
    )
    cols, cost = [], []
    for a in doc["applicants"]:
        if a["id"] in out_of_round:
            continue
        personal = (
            weights["manages_web_team"] * a["manages_web_team"]
            + weights["years_managing"] * min(a["years_managing"], years_cap) / years_cap
            + weights["newcomer"] * (not a["attended_before"])
        )
        for choice in a["choices"]:
            w = workshops.get(choice["workshop_id"])
            if w is None or not choice["available"] or (a["id"], w["id"]) in out:
                continue
            points = weights["preference"] * max(0, horizon + 1 - choice["rank"]) / horizon
            points += personal
            if set(w["target_roles"]) & set(a["roles"]):
                points += weights["role_match"]
            if w["target_skills"]:
                total = sum(min(a["skills"].get(s, 0), cap) for s in w["target_skills"])
                points += weights["skill_match"] * total / (cap * len(w["target_skills"]))
            cols.append((a, w))
            cost.append(round(points, 2))
    _solve_plain(doc, cols, cost)


def _solve_plain(doc: dict, cols: list, cost: list) -> None:
    import highspy

    settings, weights = doc["settings"], doc["settings"]["weights"]
    locked = {(lock["applicant"], lock["workshop"]) for lock in doc["locked_in"]}
    by_workshop: dict[str, list[int]] = {}
    rows: dict[tuple, list[int]] = {}
    limits: dict[tuple, float] = {}
    for index, (a, w) in enumerate(cols):
        keys = [("w", w["id"]), ("a", a["id"])]
        limits[("w", w["id"])] = w["capacity"]
        limits[("a", a["id"])] = settings["max_places_per_person"]
        if w["max_sector_share"] is not None:
            keys.append(("s", w["id"], a["sector"]))
            limits[keys[-1]] = math.floor(round(w["max_sector_share"] * w["capacity"], 9))
        if w["max_per_organisation"] is not None:
            keys.append(("o", w["id"], a["organisation"]))
            limits[keys[-1]] = w["max_per_organisation"]
        for key in keys:
            rows.setdefault(key, []).append(index)
        by_workshop.setdefault(w["id"], []).append(index)
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    lower = [1.0 if (a["id"], w["id"]) in locked else 0.0 for a, w in cols]
    highs.addVars(len(cols), lower, [1.0] * len(cols))
    highs.changeColsCost(len(cols), list(range(len(cols))), cost)
    highs.changeColsIntegrality(
        len(cols), list(range(len(cols))), [highspy.HighsVarType.kInteger] * len(cols)
    )
    starts, entries, uppers = [], [], []
    for key, members in rows.items():
        starts.append(len(entries))
        entries.extend(members)
        uppers.append(limits[key])
    highs.addRows(
        len(uppers),
        np.full(len(uppers), -highspy.kHighsInf),
        np.array(uppers, dtype=float),
        len(entries),
        np.array(starts, dtype=np.int32),
        np.array(entries, dtype=np.int32),
        np.ones(len(entries)),
    )
    penalty = round(weights["role_shortfall"], 2)
    for w in doc["workshops"]:
        for role in dict.fromkeys(w["target_roles"]):
            need = w["min_per_target_role"]
            if need <= 0:
                continue
            members = [i for i in by_workshop.get(w["id"], []) if role in cols[i][0]["roles"]]
            short = highs.getNumCol()
            highs.addVar(0.0, need)
            highs.changeColCost(short, -penalty)
            highs.addRow(
                need,
                highspy.kHighsInf,
                len(members) + 1,
                [*members, short],
                [1.0] * (len(members) + 1),
            )
    highs.changeObjectiveSense(highspy.ObjSense.kMaximize)
    highs.run()
    status = highs.modelStatusToString(highs.getModelStatus())
    print(
        json.dumps(
            {
                "status": status,
                "objective": round(highs.getInfo().objective_function_value, 2),
            }
        )
    )


def _child(command: list[str]) -> tuple[float, float, int, str, float]:
    """Run a command; return its wall seconds, peak MB, exit code, output and CPU seconds."""
    with tempfile.TemporaryFile() as output:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.PIPE, cwd=ROOT)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        output.seek(0)
        text = output.read().decode()
        if process.returncode != 0:
            print(process.stderr.read().decode() if process.stderr else "", file=sys.stderr)
        cpu = usage.ru_utime + usage.ru_stime
        return seconds, usage.ru_maxrss / 1024, process.returncode, text, cpu


def cli_comparison(sizes: list[str], seed: int, runs: int) -> None:
    """Time `flask workshops allocate` against the plain HiGHS model on the same round files."""
    flask = [str(Path(sys.executable).with_name("flask")), "--app", "skillsreg.app"]
    plain = [sys.executable, str(Path(__file__).resolve()), "--plain"]
    print(
        f"{'size':<5}{'applicants':>11}{'workshops':>10}  {'program':<24}{'median s':>9}"
        f"{'peak MB':>9}{'objective':>12}{'ratio':>7}{'CPU s':>7}{'ratio':>7}"
    )
    with tempfile.TemporaryDirectory() as folder:
        os.environ.setdefault("SKILLSREG_ENV", "development")
        os.environ.setdefault("DATABASE_URL", f"sqlite:///{folder}/unused.db")
        for size in sizes:
            round_ = synthetic_round(size, seed)
            path = Path(folder) / f"round-{size}.json"
            path.write_text(json.dumps(input_document(round_)), encoding="utf-8")
            programs = {
                "plain HiGHS model": [*plain, str(path)],
                "flask workshops allocate": [
                    *flask,
                    "workshops",
                    "allocate",
                    str(path),
                    "--seed",
                    "0",
                ],
            }
            baseline: tuple[float, float] | None = None
            for name, command in programs.items():
                results = [_child(command) for _ in range(runs)]
                median = statistics.median(seconds for seconds, *_ in results)
                peak = max(memory for _, memory, *_ in results)
                codes = {code for _, _, code, *_ in results}
                cpu = statistics.median(result[4] for result in results)
                objective = (
                    json.loads(results[-1][3])["objective"] if codes == {0} else f"exit {codes}"
                )
                baseline = baseline or (median, cpu)
                print(
                    f"{size:<5}{len(round_.applicants):>11}{len(round_.workshops):>10}  {name:<24}"
                    f"{median:>9.2f}{peak:>9.0f}{objective:>12}{median / baseline[0]:>7.2f}"
                    f"{cpu:>7.2f}{cpu / baseline[1]:>7.2f}"
                )


def main() -> None:
    """Time the optimiser and compare its quality with first-come-first-served and RSD."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--sizes", default="A,B")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--cli-sizes", default="B,C", help="round files for the CLI comparison")
    parser.add_argument("--cli-runs", type=int, default=3)
    parser.add_argument("--plain", metavar="ROUND.json", help="solve a file with the plain model")
    options = parser.parse_args()
    if options.plain:
        plain_model(options.plain)
        return
    if options.cli_sizes:
        cli_comparison(options.cli_sizes.split(","), options.seed, options.cli_runs)
        print()
    if not options.sizes:
        return
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
