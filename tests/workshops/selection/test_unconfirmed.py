"""Selection leaves out people whose email address is not confirmed, keeping places they hold."""

from __future__ import annotations

from datetime import timedelta

from skillsreg.assessments.models import Assessment, AssessmentStatus
from skillsreg.assessments.queries import is_shared_with_organisers
from skillsreg.workshops.models import ChoiceStatus
from skillsreg.workshops.selection import queries, rules
from tests.workshops.selection.conftest import NOW
from tests.workshops.selection.test_services import _any_version_id


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


def test_an_assessment_shared_by_someone_unconfirmed_is_not_shown_to_organisers(
    make_workshop, apply, create_user, db
):
    person = create_user()
    assessment = Assessment(
        user=person,
        version_id=_any_version_id(db),
        role_code="content-designer",
        role_level_code="senior",
        status=AssessmentStatus.SUBMITTED,
        submitted_at=NOW - timedelta(days=30),
    )
    db.session.add(assessment)
    db.session.flush()
    eoi = apply(person, make_workshop())
    eoi.share_assessment = True
    eoi.shared_assessment_id = assessment.id
    db.session.flush()
    assert is_shared_with_organisers(assessment.id)
    person.email_confirmed_at = None  # as for an account from before confirmation
    db.session.flush()
    assert not is_shared_with_organisers(assessment.id)
