"""k-anonymity with secondary suppression, privacy budgets and a differencing attack."""

from __future__ import annotations

import random
from datetime import date
from fractions import Fraction

import pytest

from skillsreg.insight.noise import noisy_counts
from skillsreg.insight.rules import (
    DEFAULT_RELEASE_SHARES,
    BudgetSpentError,
    InsightRuleError,
    Table,
    check_budget,
    check_min_cell,
    derivable_cells,
    exposed_if_hidden,
    gap_status,
    laplace_scale,
    parse_release_shares,
    quarter_of,
    release_sensitivity,
    remaining_budget,
    share,
    split_budget,
    suppress,
    suppress_together,
)


def solve_by_elimination(table, hidden):
    """The classic attacker: repeatedly fill in any total with exactly one unknown part."""
    known = {key: table.value(key) for key in table.all_keys() if key not in hidden}
    changed = True
    while changed:
        changed = False
        for parts, total in table.equations():
            members = [*parts, total]
            unknown = [key for key in members if key not in known]
            if len(unknown) != 1:
                continue
            missing = unknown[0]
            if missing == total:
                known[missing] = sum(known[p] for p in parts)
            else:
                known[missing] = known[total] - sum(known[p] for p in parts if p != missing)
            changed = True
    return {key: value for key, value in known.items() if key in hidden}


def exact_derivable(table, hidden):
    """An independent attacker: exact rational Gaussian elimination (reduced row echelon
    form); a hidden cell is exposed when its pivot row holds no other unknown."""
    unknowns = [key for key in table.all_keys() if key in set(hidden)]
    index = {key: i for i, key in enumerate(unknowns)}
    matrix = []
    for parts, total in table.equations():
        row = [Fraction(0)] * len(unknowns)
        for key in parts:
            if key in index:
                row[index[key]] += 1
        if total in index:
            row[index[total]] -= 1
        matrix.append(row)
    pivots, pivot_row = [], 0
    for column in range(len(unknowns)):
        found = next((r for r in range(pivot_row, len(matrix)) if matrix[r][column]), None)
        if found is None:
            continue
        matrix[pivot_row], matrix[found] = matrix[found], matrix[pivot_row]
        lead = matrix[pivot_row][column]
        matrix[pivot_row] = [v / lead for v in matrix[pivot_row]]
        pivot = matrix[pivot_row]
        for other in range(len(matrix)):
            factor = matrix[other][column]
            if other != pivot_row and factor:
                matrix[other] = [a - factor * b for a, b in zip(matrix[other], pivot, strict=True)]
        pivots.append((pivot_row, column))
        pivot_row += 1
    return {
        unknowns[column]
        for row, column in pivots
        if not any(v for j, v in enumerate(matrix[row]) if j != column)
    }


def sector_table():
    return Table(
        rows=("public", "third", "supplier"),
        cols=(1, 2, 3),
        cells={
            ("public", 1): 30,
            ("public", 2): 3,
            ("public", 3): 25,
            ("third", 1): 12,
            ("third", 2): 20,
            ("third", 3): 14,
            ("supplier", 1): 11,
            ("supplier", 2): 16,
            ("supplier", 3): 18,
        },
    )


def test_k_under_five_is_refused_and_five_is_allowed():
    with pytest.raises(InsightRuleError, match="at least 5"):
        check_min_cell(4)
    assert check_min_cell(5) == 5


def test_small_cells_are_hidden_and_large_ones_shown():
    result = suppress(sector_table(), 10)

    assert ("cell", "public", 2) in result.primary
    assert ("cell", "third", 1) not in result.hidden


def test_primary_suppression_alone_would_let_the_row_total_give_the_cell_away():
    table = sector_table()
    only_primary = {("cell", "public", 2)}

    assert solve_by_elimination(table, only_primary) == {("cell", "public", 2): 3}
    assert derivable_cells(table, only_primary) == only_primary
    assert exact_derivable(table, only_primary) == only_primary


def test_secondary_suppression_defeats_the_attack_on_totals():
    table = sector_table()
    result = suppress(table, 10)

    assert result.secondary
    assert solve_by_elimination(table, result.hidden) == {}
    assert derivable_cells(table, result.hidden) == set()


def test_secondary_suppression_hides_inner_counts_and_keeps_the_totals():
    table = sector_table()
    result = suppress(table, 10)

    assert {key[0] for key in result.secondary} == {"cell"}
    assert all(table.value(key) > 0 for key in result.secondary)


@pytest.mark.parametrize("seed", range(25))
def test_no_suppressed_cell_of_a_random_table_can_be_derived(seed):
    rng = random.Random(seed)
    rows, cols = tuple(range(rng.randint(1, 6))), tuple(range(rng.randint(1, 6)))
    cells = {(r, c): rng.choice([0, 1, 2, 4, 7, 9, 12, 25, 40]) for r in rows for c in cols}
    table = Table(rows=rows, cols=cols, cells=cells)
    result = suppress(table, 10)

    assert all(0 < table.value(key) < 10 for key in result.primary)
    assert not any(0 < table.value(key) < 10 for key in set(table.all_keys()) - result.hidden)
    assert derivable_cells(table, result.hidden) == set()
    assert exact_derivable(table, result.hidden) == set()
    assert solve_by_elimination(table, result.hidden) == {}


def test_neighbouring_cuts_of_the_same_people_hide_the_same_margins():
    by_sector = sector_table()
    by_region = Table(
        rows=("london", "wales"),
        cols=(1, 2, 3),
        cells={
            ("london", 1): 40,
            ("london", 2): 30,
            ("london", 3): 50,
            ("wales", 1): 13,
            ("wales", 2): 9,
            ("wales", 3): 7,
        },
    )
    results = suppress_together([by_sector, by_region], 10)

    margins = [{key for key in r.hidden if key[0] in ("col", "all")} for r in results]
    assert margins[0] == margins[1]
    # The attacker reads every shown margin from either cut, then attacks each cut with them.
    for table, result in zip([by_sector, by_region], results, strict=False):
        assert exact_derivable(table, result.hidden) == set()


def test_gap_status_compares_a_level_with_the_expected_one():
    assert gap_status(2, 3) == "below"
    assert gap_status(3, 3) == "meets"
    assert gap_status(4, 3) == "above"
    assert gap_status(None, 3) is None


def test_a_release_is_refused_once_the_total_budget_is_spent():
    assert check_budget(1.0, 3.0, [1.0, 1.0]) == 1.0
    assert remaining_budget(3.0, [1.0, 1.0, 1.0]) == 0.0
    with pytest.raises(BudgetSpentError, match="budget is spent"):
        check_budget(1.0, 3.0, [1.0, 1.0, 1.0])
    with pytest.raises(BudgetSpentError):
        check_budget(2.0, 3.0, [1.5])


def test_ten_small_releases_fit_a_total_despite_floating_point():
    assert check_budget(0.1, 1.0, [0.1] * 9) == 0.1


def test_the_noise_scale_grows_with_sensitivity_and_shrinks_with_epsilon():
    assert laplace_scale(24, 2.0) == 12.0
    with pytest.raises(InsightRuleError):
        laplace_scale(0, 1.0)


def test_each_release_table_is_noised_with_its_own_share_of_epsilon():
    tables = split_budget(2.0, parse_release_shares(DEFAULT_RELEASE_SHARES), 12)

    assert {cut: (t.epsilon, t.sensitivity, t.scale) for cut, t in tables.items()} == {
        "all": (1.0, 24, 24.0),
        "sector": (0.5, 24, 48.0),
        "region": (0.5, 24, 48.0),
    }
    assert release_sensitivity(12) == 24


def test_table_epsilons_add_up_to_the_release_exactly():
    for epsilon in (0.1, 0.3, 1.0, 2.0, 0.7):
        shares = parse_release_shares("everyone=0.6,sector=0.3,region=0.1")
        assert sum(t.epsilon for t in split_budget(epsilon, shares, 5).values()) == epsilon


def test_opendp_checks_each_tables_epsilon_before_drawing_noise():
    import opendp.prelude as dp

    dp.enable_features("contrib")
    for table in split_budget(2.0, parse_release_shares(DEFAULT_RELEASE_SHARES), 12).values():
        measurement = dp.m.make_laplace(
            dp.vector_domain(dp.atom_domain(T=int)), dp.l1_distance(T=int), scale=table.scale
        )
        assert measurement.map(table.sensitivity) == pytest.approx(table.epsilon)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("everyone=0.5,sector=0.25", "no share for region"),
        ("everyone=0.5,sector=0.25,region=0.5", "add up to 1"),
        ("everyone=1.25,sector=0,region=-0.25", "must be positive"),
        ("everyone=0.5,sector=0.25,county=0.25", "one of everyone, sector, region"),
        ("everyone=half,sector=0.25,region=0.25", "not a number"),
        ("everyone=0.5,everyone=0.25,region=0.25", "everyone twice"),
    ],
)
def test_release_shares_are_refused_unless_positive_complete_and_adding_up_to_one(text, message):
    with pytest.raises(InsightRuleError, match=message):
        parse_release_shares(text)


def test_release_shares_are_read_in_the_tables_order_whatever_the_settings_order():
    assert parse_release_shares(" region = 0.2, everyone=0.6 ,sector=0.2") == {
        "all": 0.6,
        "sector": 0.2,
        "region": 0.2,
    }


def test_percentages_round_a_half_up_in_whole_numbers():
    assert share(1, 8) == 13  # 12.5
    assert share(5, 8) == 63  # 62.5: not to the even 62
    assert share(1, 3) == 33
    assert share(0, 0) == 0


def test_quarters_are_named_by_year_and_number():
    assert quarter_of(date(2027, 1, 1)) == "2027 Q1"
    assert quarter_of(date(2027, 12, 31)) == "2027 Q4"


LEVELS = 6  # five levels and "not applicable"


def differencing_attack(trials, *, noise, others_at_most=60, table="all"):
    """An attacker holds two releases that differ only by the target; they guess the target's
    level as the bin of `table` that grew most. Returns the share of correct guesses."""
    rng = random.Random(20261206)
    # A release's own figures: 12 ratings a person, epsilon 2 shared by default.
    budget = split_budget(2.0, parse_release_shares(DEFAULT_RELEASE_SHARES), 12)[table]
    sensitivity, epsilon = budget.sensitivity, budget.epsilon
    right = 0
    for _ in range(trials):
        others = [rng.randint(0, others_at_most) for _ in range(LEVELS)]
        target = rng.randrange(LEVELS)
        with_target = [n + (1 if i == target else 0) for i, n in enumerate(others)]
        if noise:
            first = noisy_counts(others, sensitivity=sensitivity, epsilon=epsilon)
            second = noisy_counts(with_target, sensitivity=sensitivity, epsilon=epsilon)
        else:
            first, second = others, with_target
        growth = [b - a for a, b in zip(first, second, strict=False)]
        guess = max(range(LEVELS), key=lambda i: (growth[i], rng.random()))
        right += guess == target
    return right / trials


def test_without_noise_a_differencing_attack_reads_the_persons_rating():
    assert differencing_attack(200, noise=False) == 1.0


def test_with_noise_a_differencing_attack_guesses_no_better_than_chance():
    # OpenDP draws from the operating system's secure generator and cannot be seeded; with
    # 3,000 trials chance is 1/6 (0.167) and its standard error 0.007, so 0.25 is 12 errors
    # above chance: exceeded only if the noise failed.
    accuracy = differencing_attack(3000, noise=True)

    assert accuracy < 0.25


def test_with_noise_a_region_of_one_person_does_not_give_their_rating_away():
    # The region cut: before the target joined, nobody in their region rated the skill.
    assert differencing_attack(200, noise=False, others_at_most=0, table="region") == 1.0
    assert differencing_attack(2000, noise=True, others_at_most=0, table="region") < 0.25


def test_a_single_row_hides_a_pair_of_counts_not_everything():
    cells = {("all", 1): 17, ("all", 2): 24, ("all", 3): 32, ("all", 0): 6}
    table = Table(rows=("all",), cols=(1, 2, 3, 0), cells=cells)
    result = suppress(table, 10)

    assert len([key for key in result.hidden if key[0] == "cell"]) == 2
    assert exact_derivable(table, result.hidden) == set()


def test_the_fast_check_agrees_with_exact_elimination():
    rng = random.Random(7)
    for _ in range(60):
        rows, cols = tuple(range(rng.randint(1, 5))), tuple(range(rng.randint(1, 5)))
        cells = {(r, c): rng.randint(0, 30) for r in rows for c in cols}
        table = Table(rows=rows, cols=cols, cells=cells)
        hidden = {key for key in table.all_keys() if rng.random() < 0.4}
        assert derivable_cells(table, hidden) == exact_derivable(table, hidden)


def test_the_fast_check_agrees_with_exact_elimination_on_tables_as_large_as_the_regions():
    rng = random.Random(13)
    for _ in range(12):
        rows, cols = tuple(range(rng.randint(6, 14))), tuple(range(rng.randint(3, 9)))
        table = Table(rows=rows, cols=cols, cells={(r, c): 1 for r in rows for c in cols})
        hidden = {key for key in table.all_keys() if rng.random() < rng.choice([0.1, 0.3, 0.6])}
        assert derivable_cells(table, hidden) == exact_derivable(table, hidden)


@pytest.mark.parametrize("seed", range(10))
def test_choosing_the_next_count_to_hide_agrees_with_checking_each_candidate(seed):
    rng = random.Random(seed)
    for _ in range(40):
        rows, cols = tuple(range(rng.randint(1, 6))), tuple(range(rng.randint(1, 7)))
        table = Table(rows=rows, cols=cols, cells={(r, c): 1 for r in rows for c in cols})
        keys = table.all_keys()
        hidden = {key for key in keys if rng.random() < 0.3} or {rng.choice(keys)}
        exposed = derivable_cells(table, hidden)
        candidates = [key for key in keys if key not in hidden]
        if not candidates:
            continue

        left = exposed_if_hidden(table, hidden, exposed, candidates)

        assert left == [derivable_cells(table, hidden | {key}) for key in candidates]
