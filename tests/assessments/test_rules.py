"""Tests for self-assessment gaps, carrying ratings forward and comparing assessments."""

from __future__ import annotations

from typing import Any

import pytest

from skillsreg.assessments.rules import (
    CARRY_FORWARD_RULES,
    DroppedRating,
    Gap,
    GapCounts,
    ProposedRating,
    RatingDelta,
    RatingIn,
    carry_forward,
    compare_assessments,
    gap,
    split_part,
    suggest_workshops,
    summarise_gaps,
)


def skill(code: str, levels: list[int], kind: str | None = None, *sources: str) -> dict[str, Any]:
    built: dict[str, Any] = {
        "code": code,
        "descriptors": [{"level": level, "text": f"{code} at {level}"} for level in levels],
    }
    if kind is not None:
        built["relation"] = {"type": kind, "from": list(sources)}
    return built


def make_child() -> dict[str, Any]:
    """Skills of version 1.1.0 with their relations to version 1.0.0 (only what the rules read)."""
    return {
        "version": {"number": "1.1.0", "parent": "1.0.0"},
        "skills": [
            skill("CODS", [1, 2, 3], "unchanged", "CODS"),
            skill("ACCS", [2, 3, 4], "reworded", "ACCS"),
            skill("PERF", [2, 3, 4], "changed", "PERF"),
            skill("ANLY", [1, 2, 3], "split", "WEBA"),
            skill("EXPT", [2, 4], "split", "WEBA"),
            skill("FIND", [1, 2, 3, 4], "merged", "SEOP", "META"),
            skill("AIAC", [3, 4], "new"),
        ],
        "retired": [{"code": "OLDC", "note": "Print is out of scope."}],
    }


def old_ratings() -> dict[str, RatingIn]:
    return {
        "CODS": RatingIn(3, "Wrote the style guide."),
        "ACCS": RatingIn(2, "Ran audits."),
        "PERF": RatingIn(3),
        "WEBA": RatingIn(3, "Built dashboards."),
        "SEOP": RatingIn(2, "Fixed titles."),
        "META": RatingIn(3, "Tagged pages."),
        "OLDC": RatingIn(1, "Sent files to the printer."),
    }


def plan_by_code(ratings: dict[str, RatingIn] | None = None) -> dict[str, ProposedRating]:
    plan = carry_forward(old_ratings() if ratings is None else ratings, make_child())
    return {proposal.code: proposal for proposal in plan.ratings}


@pytest.mark.parametrize(
    ("rating", "expected", "result"),
    [
        (2, 3, Gap("below", -1)),
        (3, 3, Gap("meets", 0)),
        (4, 2, Gap("above", 2)),
        (None, 3, Gap("not-applicable", None)),
        (3, None, Gap("not-required", None)),
        (None, None, Gap("not-required", None)),
    ],
)
def test_a_gap_compares_a_rating_with_the_expected_level(
    rating: int | None, expected: int | None, result: Gap
) -> None:
    assert gap(rating, expected) == result


def test_gaps_are_counted_per_category_and_in_total() -> None:
    categories = {"CODS": "content", "SEOP": "content", "ACCS": "tech", "PERF": "tech", "X": "tech"}
    ratings = {"CODS": 1, "SEOP": 4, "ACCS": None, "X": 2, "GONE": 3}
    profile = {"CODS": 3, "SEOP": 2, "ACCS": 2, "PERF": 3}

    summary = summarise_gaps(ratings, profile, categories)

    assert summary.by_category == {
        "content": GapCounts(below=1, above=1, shortfall=2),
        "tech": GapCounts(not_applicable=1, unrated=1, not_required=1),
    }
    assert summary.total == GapCounts(
        below=1, above=1, not_applicable=1, unrated=1, not_required=1, shortfall=2
    )
    assert summary.total.expected == 4


def test_an_unchanged_skill_keeps_its_level_and_evidence() -> None:
    cods = plan_by_code()["CODS"]

    assert (cods.status, cods.level, cods.prefilled) == ("kept", 3, True)
    assert cods.evidence == "Wrote the style guide."
    assert cods.sources == [("CODS", 3)]
    assert not cods.needs_confirmation


def test_a_reworded_skill_keeps_its_level_with_a_prompt_to_check_the_wording() -> None:
    accs = plan_by_code()["ACCS"]

    assert (accs.status, accs.level, accs.evidence) == ("check-wording", 2, "Ran audits.")
    assert not accs.needs_confirmation
    assert accs.note == "The wording of this skill has changed: check the new wording"


def test_a_changed_skill_is_prefilled_but_must_be_confirmed() -> None:
    perf = plan_by_code()["PERF"]

    assert (perf.status, perf.level, perf.prefilled) == ("changed", 3, True)
    assert perf.needs_confirmation


def test_each_part_of_a_split_skill_gets_the_old_level_to_confirm() -> None:
    anly = plan_by_code()["ANLY"]

    assert (anly.status, anly.level, anly.evidence) == ("split", 3, "Built dashboards.")
    assert anly.sources == [("WEBA", 3)]
    assert anly.needs_confirmation


def test_a_split_part_without_the_old_level_gets_the_nearest_lower_level() -> None:
    expt = plan_by_code()["EXPT"]

    assert (expt.level, expt.prefilled, expt.needs_confirmation) == (2, True, True)
    assert expt.note == (
        "This skill was split from WEBA: confirm your level for this part. "
        "This skill has no descriptor at your previous level 3, "
        "so the nearest lower level 2 is proposed"
    )


def test_a_split_part_that_starts_above_the_old_level_is_left_empty() -> None:
    ratings = old_ratings() | {"WEBA": RatingIn(1)}

    expt = plan_by_code(ratings)["EXPT"]

    assert (expt.level, expt.prefilled, expt.needs_confirmation) == (None, False, True)
    assert expt.note.endswith("Your previous level 1 is below every level this skill describes")


def test_a_merged_skill_proposes_the_lowest_old_level_and_names_each_source() -> None:
    find = plan_by_code()["FIND"]

    assert (find.status, find.level, find.needs_confirmation) == ("merged", 2, True)
    assert find.sources == [("SEOP", 2), ("META", 3)]
    assert find.evidence == "SEOP: Fixed titles.\n\nMETA: Tagged pages."
    assert find.note == (
        "This skill combines SEOP (level 2) and META (level 3): the lowest of your levels, "
        "2, is proposed"
    )


def test_a_merged_skill_names_only_the_sources_the_member_rated() -> None:
    ratings = {"META": RatingIn(4, "Tagged pages.")}

    find = plan_by_code(ratings)["FIND"]

    assert (find.level, find.sources) == (4, [("META", 4)])
    assert "SEOP" not in find.note
    assert find.note.startswith("This skill combines META (level 4) with skills you had not rated")


def test_a_merged_skill_with_no_rated_source_proposes_nothing() -> None:
    find = plan_by_code({"CODS": RatingIn(3)})["FIND"]

    assert (find.status, find.prefilled, find.level, find.sources) == ("not-rated", False, None, [])
    assert "SEOP" not in find.note
    assert "META" not in find.note


def test_the_carry_forward_rules_table_covers_every_relation_once() -> None:
    relations = [rule.relation for rule in CARRY_FORWARD_RULES]

    assert relations == ["unchanged", "reworded", "changed", "split", "merged", "new", "retired"]
    confirm = {rule.relation for rule in CARRY_FORWARD_RULES if rule.must_confirm}
    assert confirm == {"changed", "split", "merged", "new"}


def test_a_merge_of_not_applicable_ratings_stays_not_applicable() -> None:
    ratings = {"SEOP": RatingIn(None), "META": RatingIn(None)}

    find = plan_by_code(ratings)["FIND"]

    assert (find.level, find.prefilled) == (None, True)
    assert find.sources == [("SEOP", None), ("META", None)]


def test_a_new_skill_starts_empty() -> None:
    aiac = plan_by_code()["AIAC"]

    assert (aiac.status, aiac.prefilled, aiac.level, aiac.evidence) == ("new", False, None, "")
    assert aiac.needs_confirmation


def test_a_skill_that_was_never_rated_is_marked_not_rated() -> None:
    cods = plan_by_code({})["CODS"]

    assert (cods.status, cods.prefilled, cods.needs_confirmation) == ("not-rated", False, True)
    assert cods.note == "You had not rated CODS: rate yourself"


def test_ratings_of_retired_skills_are_dropped_and_listed() -> None:
    plan = carry_forward(old_ratings() | {"ZZZZ": RatingIn(2)}, make_child())

    assert plan.dropped == [
        DroppedRating("OLDC", 1, "Sent files to the printer.", "Print is out of scope."),
        DroppedRating("ZZZZ", 2, "", ""),
    ]
    assert [p.code for p in plan.to_confirm] == ["PERF", "ANLY", "EXPT", "FIND", "AIAC"]


def test_without_relations_the_same_code_keeps_its_rating() -> None:
    doc = {"skills": [skill("CODS", [1, 2]), skill("NEWS", [1])]}

    plan = carry_forward({"CODS": RatingIn(2, "x")}, doc)

    assert [(p.code, p.status, p.level) for p in plan.ratings] == [
        ("CODS", "kept", 2),
        ("NEWS", "not-rated", None),
    ]


def moves(deltas: list[RatingDelta]) -> list[tuple[str, int | None, int | None]]:
    return [(d.code, d.before, d.after) for d in deltas]


def test_comparing_assessments_sorts_skills_by_how_they_moved() -> None:
    before = {"CODS": 2, "ACCS": 3, "PERF": 2, "WEBA": None, "OLDC": 1}
    after = {"CODS": 3, "ACCS": 2, "PERF": 2, "WEBA": 1, "AIAC": 4}

    result = compare_assessments(before, after)

    assert moves(result.rose) == [("CODS", 2, 3), ("WEBA", None, 1)]
    assert moves(result.fell) == [("ACCS", 3, 2)]
    assert moves(result.same) == [("PERF", 2, 2)]
    assert result.added == [RatingDelta("AIAC", None, 4, before_missing="not-rated")]
    assert result.removed == [RatingDelta("OLDC", 1, None, after_missing="not-rated")]


def test_comparing_across_versions_follows_the_relations() -> None:
    relations = {
        s["code"]: (s["relation"]["type"], s["relation"]["from"]) for s in make_child()["skills"]
    }
    before = {"CODS": 2, "WEBA": 3, "SEOP": 2, "META": 4, "OLDC": 1}
    after = {"CODS": 2, "ANLY": 2, "EXPT": 4, "FIND": 3, "AIAC": 3}

    result = compare_assessments(
        before,
        after,
        relations=relations,
        before_skills={"CODS", "WEBA", "SEOP", "META", "OLDC", "PERF"},
        after_skills={s["code"] for s in make_child()["skills"]},
    )

    assert moves(result.fell) == [("ANLY", 3, 2)]
    assert result.fell[0].relation == "split"
    assert moves(result.rose) == [("EXPT", 3, 4), ("FIND", 2, 3)]
    assert result.rose[1].sources == (("SEOP", 2), ("META", 4))
    assert result.added == [RatingDelta("AIAC", None, 3, "new", (), "not-in-version")]
    assert result.removed == [RatingDelta("OLDC", 1, None, after_missing="not-in-version")]
    assert moves(result.same) == [("CODS", 2, 2)]


def test_workshops_covering_the_largest_shortfall_are_suggested_first() -> None:
    gaps = {"CONT": 1, "EDIT": 2, "USER": 3}
    workshops = [(1, ["CONT"]), (2, ["USER", "EDIT"]), (3, ["EDIT"]), (4, ["CONT", "CONT"])]

    suggestions = suggest_workshops(gaps, workshops, limit=3)

    assert [(s.workshop_id, s.covered) for s in suggestions] == [(2, 5), (3, 2), (1, 1)]
    assert suggestions[0].skill_codes == ["USER", "EDIT"]


def test_workshops_that_target_no_gap_are_not_suggested() -> None:
    gaps = {"CONT": 1, "EDIT": 0}

    assert suggest_workshops(gaps, [(1, ["EDIT", "DATA"]), (2, [])]) == []


def test_the_readme_shows_the_carry_forward_rules_table() -> None:
    from skillsreg.config import ROOT

    readme = (ROOT / "README.md").read_text()

    for rule in CARRY_FORWARD_RULES:
        confirm = "yes" if rule.must_confirm else "no"
        assert f"| {rule.relation} | {rule.proposal} | {confirm} | {rule.member_sees} |" in readme


def test_a_split_part_keeps_the_clauses_that_share_its_words() -> None:
    parts = {
        "EDIT": "Editing: edits drafts for accuracy and style",
        "PUBL": "Publishing workflow: schedules publishing and removes pages",
    }
    old = "Runs the publishing workflow: edits drafts for accuracy, schedules publishing."

    assert split_part(old, parts, "EDIT") == "edits drafts for accuracy"
    assert split_part(old, parts, "PUBL") == "Runs the publishing workflow … schedules publishing"
