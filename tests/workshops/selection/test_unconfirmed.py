"""Selection leaves out people whose email address is not confirmed, keeping places they hold."""

from __future__ import annotations

from skillsreg.workshops.models import ChoiceStatus
from skillsreg.workshops.selection import queries, rules


def test_unconfirmed_applicants_are_left_out_of_the_optimisers_input(
    make_workshop, open_round, apply, create_user, db
):
    workshop = make_workshop()
    confirmed, unconfirmed = create_user(), create_user(confirmed=False)
    apply(confirmed, workshop)
    apply(unconfirmed, workshop)
    problem = queries.allocation_round(open_round(workshop))
    assert [a.id for a in problem.applicants] == [rules.person_key(confirmed.id)]


def test_a_place_held_before_confirmation_existed_still_counts(
    make_workshop, open_round, apply, create_user, db
):
    workshop = make_workshop()
    holder = create_user(confirmed=False)  # as an account from before the migration
    apply(holder, workshop, status=ChoiceStatus.ACCEPTED)
    round_ = open_round(workshop)
    assert [c.eoi.user_id for c in queries.round_choices(round_)] == [holder.id]
