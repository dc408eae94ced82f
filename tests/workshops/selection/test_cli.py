"""`flask workshops allocate`: an exported round solved again offline gives the same allocation."""

from __future__ import annotations

import json

import pytest

from skillsreg.workshops.allocation import input_document
from skillsreg.workshops.selection import services
from skillsreg.workshops.selection.cli import (
    INVALID,
    NO_ALLOCATION,
    NOT_PROVEN,
    OPTIMAL,
    output_text,
    solve_document,
)
from tests.workshops.selection.conftest import NOW


def exported_run(make_workshop, apply, create_user, open_round, organiser, seed=9):
    london, leeds = make_workshop(capacity=2), make_workshop(capacity=1)
    for n in range(6):
        person = create_user(organisation=f"Council {n % 2}")
        apply(person, *((london, leeds) if n % 2 else (leeds, london)), manages=n < 2, years=n)
    round_ = open_round(london, leeds, max_places_per_person=1)
    return services.run_round(round_, seed=seed, actor=organiser, now=NOW)


def test_an_exported_round_solved_again_gives_the_recorded_allocation(
    runner, tmp_path, make_workshop, apply, create_user, open_round, organiser
):
    run = exported_run(make_workshop, apply, create_user, open_round, organiser)
    path = tmp_path / "round.json"
    path.write_text(json.dumps({**run.input_document, "seed": run.seed}))
    result = runner.invoke(args=["workshops", "allocate", str(path)])
    assert result.exit_code == 0, result.output
    output = json.loads(result.stdout)
    assert output["assignments"] == run.result["assignments"]
    assert output["seed"] == 9
    assert output["input_hash"] == run.input_hash
    assert output["objective"] == run.objective
    assert output["status"] == "optimal"
    assert output["gap"] == 0


def test_the_seed_option_decides_ties_the_same_way_twice(
    runner, tmp_path, make_workshop, apply, create_user, open_round, organiser
):
    run = exported_run(make_workshop, apply, create_user, open_round, organiser)
    path = tmp_path / "round.json"
    path.write_text(json.dumps(run.input_document))
    outputs = [
        json.loads(
            runner.invoke(
                args=["workshops", "allocate", str(path), "--seed", "123", "--time-limit", "5"]
            ).stdout
        )
        for _ in range(2)
    ]
    assert outputs[0] == outputs[1]
    assert outputs[0]["seed"] == 123


def test_a_document_that_breaks_the_schema_is_refused_with_where(runner, tmp_path):
    path = tmp_path / "round.json"
    path.write_text(
        json.dumps(
            {
                "format": "skillsreg-workshop-round",
                "version": 1,
                "id": "r",
                "settings": {
                    "max_places_per_person": 0,
                    "time_limit": 10,
                    "mip_rel_gap": 0,
                    "weights": {
                        "preference": 10,
                        "manages_web_team": 4,
                        "years_managing": 2,
                        "role_match": 3,
                        "skill_match": 3,
                        "newcomer": 2,
                        "role_shortfall": 100,
                        "rank_horizon": 5,
                        "years_cap": 10,
                        "skill_level_cap": 4,
                    },
                },
                "workshops": [],
                "applicants": [],
                "locked_in": [],
                "locked_out": [],
            }
        )
    )
    result = runner.invoke(args=["workshops", "allocate", str(path)])
    assert result.exit_code == INVALID
    assert "settings/max_places_per_person: 0 is less than the minimum of 1" in result.stderr
    assert result.stdout == ""


def test_a_file_that_is_not_json_is_refused_with_its_line(runner, tmp_path):
    path = tmp_path / "round.json"
    path.write_text('{\n  "format": ,\n}')
    result = runner.invoke(args=["workshops", "allocate", str(path)])
    assert result.exit_code == INVALID
    assert "line 2, column 13" in result.stderr


def test_a_missing_file_is_refused(runner, tmp_path):
    result = runner.invoke(args=["workshops", "allocate", str(tmp_path / "nope.json")])
    assert result.exit_code == INVALID
    assert "cannot be read" in result.stderr


def test_a_seed_out_of_range_is_refused_with_a_clear_message(
    runner, tmp_path, make_workshop, apply, create_user, open_round, organiser
):
    run = exported_run(make_workshop, apply, create_user, open_round, organiser)
    path = tmp_path / "round.json"
    path.write_text(json.dumps(run.input_document))
    for seed in ("-1", str(2**40)):
        result = runner.invoke(args=["workshops", "allocate", str(path), "--seed", seed])
        assert result.exit_code != 0
        assert "Traceback" not in result.output
        assert "seed" in result.output.lower()
    path.write_text(json.dumps({**run.input_document, "seed": -5}))
    result = runner.invoke(args=["workshops", "allocate", str(path)])
    assert result.exit_code == INVALID
    # The shipped schema bounds the seed, so the file is refused with the place of the error.
    assert "seed: -5 is less than the minimum of 0" in result.output


def strict_json(text: str):
    def refuse(name):
        raise ValueError(name)

    return json.loads(text, parse_constant=refuse)


def one_bounded_line(result) -> str:
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr[:500]
    assert len(lines[0]) <= 400
    return lines[0]


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_a_number_that_is_not_finite_is_refused_in_one_line(
    number, runner, tmp_path, make_workshop, apply, create_user, open_round, organiser
):
    run = exported_run(make_workshop, apply, create_user, open_round, organiser)
    text = json.dumps(run.input_document).replace('"preference": 10.0', f'"preference": {number}')
    assert number in text
    path = tmp_path / "round.json"
    path.write_text(text)
    result = runner.invoke(args=["workshops", "allocate", str(path), "--time-limit", "5"])
    assert result.exit_code == INVALID
    assert result.stdout == ""
    assert number.lstrip("-") in one_bounded_line(result) or "too large" in result.stderr


def test_deeply_nested_json_is_refused_in_one_line(runner, tmp_path):
    path = tmp_path / "round.json"
    path.write_text('{"id": ' + "[" * 200_000 + "]" * 200_000 + "}")
    result = runner.invoke(args=["workshops", "allocate", str(path)])
    assert result.exit_code == INVALID
    assert "nested too deeply" in one_bounded_line(result)


def test_a_huge_value_is_not_echoed(runner, tmp_path):
    from tests.benchmarks.bench_allocation import synthetic_round

    path = tmp_path / "round.json"
    document = input_document(synthetic_round("A", 7))
    path.write_text(json.dumps({**document, "format": "x" * 20_000_000}))
    result = runner.invoke(args=["workshops", "allocate", str(path)])
    assert result.exit_code == INVALID
    line = one_bounded_line(result)
    assert "format" in line
    assert "xxxxxxxxxx" * 10 not in line


def test_explanations_are_given_only_when_asked(
    runner, tmp_path, make_workshop, apply, create_user, open_round, organiser
):
    run = exported_run(make_workshop, apply, create_user, open_round, organiser)
    path = tmp_path / "round.json"
    path.write_text(json.dumps({**run.input_document, "seed": run.seed}))
    plain = strict_json(runner.invoke(args=["workshops", "allocate", str(path)]).stdout)
    explained = runner.invoke(args=["workshops", "allocate", str(path), "--explain"])
    assert explained.exit_code == 0
    explained_output = strict_json(explained.stdout)
    assert "explanations" not in plain
    assert explained_output["explanations"] == run.result["explanations"]
    assert explained_output["assignments"] == plain["assignments"] == run.result["assignments"]


def test_a_run_stopped_by_the_time_limit_exits_with_its_own_code(runner, tmp_path):
    from tests.benchmarks.bench_allocation import synthetic_round

    path = tmp_path / "round.json"
    path.write_text(json.dumps(input_document(synthetic_round("A", 7))))
    result = runner.invoke(args=["workshops", "allocate", str(path), "--time-limit", "0.000001"])
    assert result.exit_code in (NOT_PROVEN, NO_ALLOCATION), result.output
    if result.exit_code == NOT_PROVEN:
        assert strict_json(result.stdout)["status"] == "time_limit"
    else:
        assert "time limit" in one_bounded_line(result)


def test_the_help_documents_every_exit_code(runner):
    output = runner.invoke(args=["workshops", "allocate", "--help"]).output
    for code in (OPTIMAL, INVALID, NO_ALLOCATION, NOT_PROVEN):
        assert f"  {code}  " in output


@pytest.mark.parametrize("explain", [False, True])
def test_the_output_is_written_as_the_standard_indented_json(explain):
    from tests.benchmarks.bench_allocation import synthetic_round

    document = input_document(synthetic_round("A", 7))
    # Ids that JSON escapes, and people with no place, two places and one.
    document["applicants"][0]["id"] = 'a"\u00e9\u2603\n'
    document["settings"]["max_places_per_person"] = 2
    output = solve_document(document, seed=3, time_limit=None, explain=explain)
    held = {len(places) for places in output["assignments"].values()}
    assert held == {0, 1, 2}
    expected = json.dumps(output, indent=2, sort_keys=True, allow_nan=False)
    assert output_text(output) == expected
    assert output_text({**output, "assignments": {}}) == json.dumps(
        {**output, "assignments": {}}, indent=2, sort_keys=True
    )


def test_a_number_json_cannot_hold_is_refused_in_the_output():
    output = {"assignments": {"p": ["A"]}, "objective": float("inf"), "status": "optimal"}
    with pytest.raises(ValueError, match="JSON"):
        output_text(output)
