"""`flask workshops allocate`: solve an exported round offline and print the allocation."""

from __future__ import annotations

import dataclasses
import json
import secrets
import sys
from pathlib import Path
from typing import Any

import click
from flask.cli import AppGroup

from skillsreg.workshops import allocation

INVALID = 2
# Seeds the web pages record: HiGHS takes a non-negative 32-bit integer.
SEED_LIMIT = 2**31


def _fail(lines: list[str] | tuple[str, ...]) -> None:
    for line in lines:
        click.echo(line, err=True)
    sys.exit(INVALID)


def _read(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        _fail([f"{path}: cannot be read: {error}"])
    except json.JSONDecodeError as error:
        _fail([f"{path}: line {error.lineno}, column {error.colno}: {error.msg}"])
    if not isinstance(document, dict):
        _fail([f"{path}: document: a round is a JSON object"])
    return document


def solve_document(
    document: dict[str, Any], *, seed: int | None, time_limit: float | None
) -> dict[str, Any]:
    """Validate a round document, solve it and return the allocation as plain JSON values."""
    allocation.validate_document(document)
    # The hash is the recorded run's: taken over the round itself, without the replay seed.
    digest = allocation.input_hash({k: v for k, v in document.items() if k != "seed"})
    problem = allocation.round_from_document(document)
    if time_limit is not None:
        settings = dataclasses.replace(problem.settings, time_limit=time_limit)
        problem = dataclasses.replace(problem, settings=settings)
    if seed is None:
        seed = document.get("seed")
        if seed is not None and not 0 <= seed < SEED_LIMIT:
            raise allocation.AllocationError([f"seed: must be from 0 to {SEED_LIMIT - 1}"])
    if seed is None:
        seed = secrets.randbelow(SEED_LIMIT)
    result = allocation.allocate(problem, seed=seed)
    return {
        "round": problem.id,
        "input_hash": digest,
        "seed": seed,
        "status": result.status,
        "objective": result.objective,
        "gap": result.mip_gap,
        "solver": result.solver,
        "solver_version": result.solver_version,
        "assignments": {key: list(held) for key, held in sorted(result.assignments.items())},
        "shortfalls": result.to_dict()["shortfalls"],
    }


@click.command("allocate")
@click.argument("round_file", metavar="ROUND.json", type=click.Path(path_type=Path))
@click.option(
    "--seed",
    type=click.IntRange(0, SEED_LIMIT - 1),
    help="Tie-breaking seed (default: the document's, or random).",
)
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0, min_open=True),
    help="Seconds the solver may take (default: the document's setting).",
)
def allocate_command(round_file: Path, seed: int | None, time_limit: float | None) -> None:
    """Solve an exported selection round and print the allocation as JSON."""
    document = _read(round_file)
    try:
        output = solve_document(document, seed=seed, time_limit=time_limit)
    except allocation.AllocationError as error:
        _fail(error.problems)
    click.echo(json.dumps(output, indent=2, sort_keys=True))


def add_commands(group: AppGroup) -> None:
    """Attach this part's commands to `flask workshops`."""
    group.add_command(allocate_command)
