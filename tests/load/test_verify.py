"""The load test's bookkeeping: an acknowledged write missing from the database is reported."""

from __future__ import annotations

from tests.load.verify import compare


def rating(at, level, evidence, *, acknowledged=True, assessment=1, skill="CONT"):
    answers = {skill: [level, evidence]}
    return {
        "at": at,
        "kind": "rating",
        "assessment": assessment,
        "answers": answers,
        "acknowledged": acknowledged,
    }


def test_the_last_acknowledged_answer_must_be_stored():
    entries = [rating(1, "2", "first"), rating(2, "3", "second")]
    assert compare(entries, {(1, "CONT"): ("3", "second")}, set()).lost == []
    lost = compare(entries, {(1, "CONT"): ("2", "first")}, set()).lost
    assert len(lost) == 1


def test_a_later_unacknowledged_save_may_have_landed_but_an_earlier_one_may_not():
    entries = [
        rating(1, "2", "old"),
        rating(2, "3", "acked"),
        rating(3, "na", "maybe", acknowledged=False),
    ]
    assert compare(entries, {(1, "CONT"): ("na", "maybe")}, set()).lost == []
    assert compare(entries, {(1, "CONT"): ("2", "old")}, set()).lost != []


def test_acknowledged_expressions_of_interest_must_be_submitted():
    entries = [
        {"at": 1, "kind": "interest", "email": "a@x", "acknowledged": True},
        {"at": 2, "kind": "interest", "email": "b@x", "acknowledged": False},
    ]
    outcome = compare(entries, {}, {"a@x"})
    assert (outcome.acknowledged_interests, outcome.lost) == (1, [])
    assert compare(entries, {}, set()).lost == ["expression of interest of a@x"]


def test_the_cpu_table_sums_each_route_over_every_worker(tmp_path):
    from tests.load.verify import cpu_table

    (tmp_path / "cpu-1.tsv").write_text("GET\t/a/<int:id>\t2.0\nPOST\t/b\t30.0\n")
    (tmp_path / "cpu-2.tsv").write_text("GET\t/a/<int:id>\t4.0\n")
    rows = cpu_table(tmp_path).splitlines()
    assert rows[1].split() == ["POST", "/b", "1", "30.0", "30.0", "0.0"]
    assert rows[2].split() == ["GET", "/a/<int:id>", "2", "3.0", "4.0", "0.0"]
