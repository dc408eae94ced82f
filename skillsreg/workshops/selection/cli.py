"""`flask workshops allocate`: solve an exported round offline and print the allocation."""

from __future__ import annotations

import dataclasses
import gc
import json
import math
import secrets
import sys
from pathlib import Path
from typing import Any, NoReturn

import click
from flask.cli import AppGroup

from skillsreg.workshops import allocation

# Exit codes, documented in the command's help and the README.
OPTIMAL = 0
INVALID = 2  # the file, or an option, cannot be used (click's usage errors are 2 too)
NO_ALLOCATION = 3  # the optimiser found no allocation at all within the time limit
NOT_PROVEN = 4  # an allocation is printed, but the time limit stopped the proof that it is optimal
# Seeds the web pages record: HiGHS takes a non-negative 32-bit integer.
SEED_LIMIT = 2**31
LINE_LIMIT = 300  # characters of an error line: whatever the file holds, the message stays short


def _line(text: str) -> str:
    """Return one line of at most LINE_LIMIT characters."""
    text = " ".join(text.split())
    return text if len(text) <= LINE_LIMIT else text[: LINE_LIMIT - 1] + "\N{HORIZONTAL ELLIPSIS}"


def _fail(problems: list[str] | tuple[str, ...], *, code: int = INVALID) -> NoReturn:
    """Print the problems as one bounded line on stderr and exit with the code."""
    first, *rest = [problem for problem in problems if problem] or ["failed"]
    if first.endswith(":") and rest:
        first, rest = f"{first} {rest[0]}", rest[1:]
    more = f" (and {len(rest)} more problem{'s' if len(rest) != 1 else ''})" if rest else ""
    click.echo(_line(first) + more, err=True)
    sys.exit(code)


def _refuse_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text[:20]} is too large for a number")
    return value


def _read(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        _fail([f"{path}: cannot be read: {error}"])
    try:
        # NaN and Infinity are not JSON: Python would accept them and HiGHS would never finish.
        document = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite)
    except json.JSONDecodeError as error:
        _fail([f"{path}: line {error.lineno}, column {error.colno}: {error.msg}"])
    except RecursionError:
        _fail([f"{path}: nested too deeply to be a round"])
    except ValueError as error:
        _fail([f"{path}: {error}"])
    if not isinstance(document, dict):
        _fail([f"{path}: document: a round is a JSON object"])
    return document


def solve_document(
    document: dict[str, Any], *, seed: int | None, time_limit: float | None, explain: bool = False
) -> dict[str, Any]:
    """Validate a round document, solve it and return the allocation as plain JSON values."""
    recorded_seed = document.get("seed")
    # One pass checks the document, takes the recorded run's hash (over the round itself, without
    # the replay seed) and reads the round, letting go of each applicant's document as it is read
    # (its memory holds the round's objects); when the caller kept no reference (the command),
    # dropping the document here frees the rest before the solver builds its model.
    problem, digest = allocation.read_document(document)
    del document
    if time_limit is not None:
        settings = dataclasses.replace(problem.settings, time_limit=time_limit)
        problem = dataclasses.replace(problem, settings=settings)
    if seed is None:
        seed = recorded_seed
        if seed is not None and not 0 <= seed < SEED_LIMIT:
            raise allocation.AllocationError([f"seed: must be from 0 to {SEED_LIMIT - 1}"])
    if seed is None:
        seed = secrets.randbelow(SEED_LIMIT)
    result = allocation.allocate(problem, seed=seed, explain=explain)
    values = result.to_dict()
    output = {
        "round": problem.id,
        "input_hash": digest,
        "seed": seed,
        "status": result.status,
        "objective": result.objective,
        "gap": result.mip_gap,
        "solver": result.solver,
        "solver_version": result.solver_version,
        "assignments": values["assignments"],
        "shortfalls": values["shortfalls"],
    }
    if explain:
        output["explanations"] = values["explanations"]
    return output


def _places_text(assignments: dict[str, list[str]]) -> str:
    """Return the assignments as `json.dumps(..., indent=2, sort_keys=True)` nests them at 1.

    A large round has 50,000 of them: the standard encoder writes indented JSON in Python, one
    generator step per bracket, while here each applicant is one f-string of C-escaped ids.
    """
    if not assignments:
        return "{}"
    quote = json.encoder.encode_basestring_ascii  # the escaping json.dumps does by default
    between = ",\n      "
    lines = [
        f"{quote(key)}: [\n      {between.join(map(quote, held))}\n    ]"
        if held
        else f"{quote(key)}: []"
        for key, held in sorted(assignments.items())
    ]
    return "{\n    " + ",\n    ".join(lines) + "\n  }"


def output_text(output: dict[str, Any]) -> str:
    """Return the command's output as `json.dumps(output, indent=2, sort_keys=True)` writes it.

    Strict JSON: no NaN or Infinity can reach the output (ValueError if one would).
    """
    # "assignments" sorts before every other key, so it is the first one written.
    rest = json.dumps(
        {key: value for key, value in output.items() if key != "assignments"},
        indent=2,
        sort_keys=True,
        allow_nan=False,
    )
    return f'{{\n  "assignments": {_places_text(output["assignments"])},{rest[1:]}'


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
@click.option(
    "--explain", is_flag=True, help="Also say, for each applicant, why they got their places."
)
def allocate_command(
    round_file: Path, seed: int | None, time_limit: float | None, explain: bool
) -> None:
    """Solve an exported selection round and print the allocation as JSON.

    \b
    Exit codes:
      0  the allocation is proven optimal
      2  the file or an option cannot be used (one line on stderr says why)
      3  no allocation was found within the time limit
      4  an allocation is printed, but the time limit stopped the proof that it is optimal
    """
    # The cycle collector's passes over a large round's many objects cost a fifth of the run
    # and free nothing worth having: it is paused while the command runs.
    collecting = gc.isenabled()
    gc.disable()
    try:
        _allocate(round_file, seed=seed, time_limit=time_limit, explain=explain)
    finally:
        if collecting:
            gc.enable()


def _allocate(
    round_file: Path, *, seed: int | None, time_limit: float | None, explain: bool
) -> None:
    try:
        output = solve_document(
            _read(round_file), seed=seed, time_limit=time_limit, explain=explain
        )
    except allocation.SolverError as error:
        _fail([f"{round_file}: {error.message}"], code=NO_ALLOCATION)
    except allocation.AllocationError as error:
        first, *rest = error.problems
        _fail([f"{round_file}: {first}", *rest])
    except (OverflowError, RecursionError, ValueError) as error:
        _fail([f"{round_file}: the round cannot be solved: {error}"])
    try:
        text = output_text(output)
    except ValueError:
        _fail([f"{round_file}: the result holds a number too large for JSON; lower the weights"])
    click.echo(text)
    if output["status"] != "optimal":
        sys.exit(NOT_PROVEN)


def add_commands(group: AppGroup) -> None:
    """Attach this part's commands to `flask workshops`."""
    group.add_command(allocate_command)
