"""Reminders: choosing a rhythm, sending once per period, the email, one-click unsubscribe."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from skillsreg.core.db import utcnow
from skillsreg.core.mail import OutboxMessage
from skillsreg.development.cpd import services as cpd
from skillsreg.development.cpd.models import CpdKind
from skillsreg.development.cpd.services import ActivityDetails
from skillsreg.development.reminders import services
from skillsreg.development.reminders.jobs import send_reminders_daily
from skillsreg.development.reminders.models import ReminderPreference, ReminderSend, Rhythm
from skillsreg.development.reminders.tokens import unsubscribe_token, user_of
from skillsreg.frameworks import services as frameworks
from skillsreg.workshops import services as workshops
from skillsreg.workshops.queries import in_london
from tests.conftest import DEFAULT_PASSWORD
from tests.development.records import goal_for
from tests.pages import check_page, error_messages
from tests.workshops.test_services import details


def reminders_to(db, address):
    return db.session.scalars(
        sa.select(OutboxMessage).where(
            OutboxMessage.recipient == address, OutboxMessage.subject.startswith("Your development")
        )
    ).all()


@pytest.fixture
def subscriber(db, member):
    services.set_rhythm(member, rhythm=Rhythm.MONTHLY, source="test", now=utcnow())
    db.session.commit()
    return member


def test_choosing_a_rhythm(client, login_as, member, db):
    login_as(member)
    page = check_page(client.get("/development/reminders/"), title="Reminders by email")
    assert page.select_one("input[name=rhythm][value=none]").has_attr("checked")
    page = check_page(client.post("/development/reminders/", data={}), errors=True)
    assert error_messages(page) == ["Select how often we should email you"]
    response = client.post("/development/reminders/", data={"rhythm": "quarterly"})
    assert response.status_code == 302
    assert services.rhythm_of(member) is Rhythm.QUARTERLY


def test_unconfirmed_members_cannot_choose_email_reminders(client, login_as, create_user):
    login_as(create_user(confirmed=False))
    assert client.get("/development/reminders/").status_code == 403


def test_sending_twice_in_a_period_sends_once(db, subscriber, create_user):
    services.set_rhythm(create_user(), rhythm=Rhythm.NONE, source="test", now=utcnow())
    create_user()  # never chose
    now = utcnow()
    first = services.send_reminders(now=now)
    again = services.send_reminders(now=now + timedelta(hours=5))
    assert (first.sent, again.sent, again.skipped) == ([subscriber.email], [], 1)
    assert len(reminders_to(db, subscriber.email)) == 1
    [send] = db.session.scalars(sa.select(ReminderSend)).all()
    assert send.period == f"{in_london(now):%Y-%m}"


def test_the_next_period_sends_again(db, subscriber):
    now = utcnow()
    services.send_reminders(now=now)
    next_month = in_london(now).replace(day=1) + timedelta(days=32)
    assert services.send_reminders(now=next_month).sent == [subscriber.email]
    assert len(reminders_to(db, subscriber.email)) == 2


def test_the_unique_key_refuses_a_second_send_for_a_period(db, subscriber):
    services.send_reminders(now=utcnow())
    period = db.session.scalars(sa.select(ReminderSend.period)).one()
    db.session.add(ReminderSend(user_id=subscriber.id, period=period, rhythm=Rhythm.MONTHLY))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_the_command_is_safe_to_run_from_cron(runner, db, subscriber):
    result = runner.invoke(args=["reminders", "send"])
    assert result.exit_code == 0, result.output
    assert f"queued: {subscriber.email}" in result.output
    result = runner.invoke(args=["reminders", "send"])
    assert "0 reminders queued; 1 already sent this period" in result.output
    assert len(reminders_to(db, subscriber.email)) == 1


def test_the_queue_sends_them_each_morning_too(db, subscriber):
    task = send_reminders_daily.task_class()
    assert task.validate_datetime(datetime(2026, 12, 1, 7, 15))
    assert not task.validate_datetime(datetime(2026, 12, 1, 7, 16))
    send_reminders_daily.call_local()
    assert len(reminders_to(db, subscriber.email)) == 1


def test_the_email_has_every_section_and_one_click_unsubscribe(
    client, db, subscriber, organiser, published, mailbox, run_jobs
):
    goal = goal_for(subscriber, published, skill_code="ACCS", due_in_days=20)
    now = utcnow()
    day = (now + timedelta(days=40)).date()
    workshop = workshops.create_workshop(
        actor=organiser,
        details=details(
            title="Accessible forms clinic", day=day, closes_on=day - timedelta(days=10),
            target_version_id=published.id, target_skill_codes=["ACCS"],
        ),
        now=now,
    )  # fmt: skip
    workshops.publish_workshop(workshop, now=now)
    draft = frameworks.create_draft(published.framework, actor=organiser, now=now)
    frameworks.open_consultation(
        draft, closes_on=now.date() + timedelta(days=14), expected_lock=None, now=now
    )
    cpd.log_activity(
        subscriber,
        details=ActivityDetails(
            done_on=in_london(now).date(), minutes=150, kind=CpdKind.READING, title="A book"
        ),
        now=now,
    )
    cpd.set_target(subscriber, yearly_hours=30, now=now)
    services.send_reminders(now=now)
    db.session.commit()
    run_jobs()

    [email] = [m for m in mailbox.messages if m["Subject"].startswith("Your development")]
    body = email.get_content()
    assert email["Subject"] == f"Your development this month: {in_london(now):%B %Y}"
    assert email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = re.fullmatch(r"<(https://[^>]+)>", email["List-Unsubscribe"])[1]
    assert f"{goal.skill_name} (ACCS): reach level 3" in body
    assert f"/development/plans/{goal.plan_id}" in body
    assert "Accessible forms clinic" in body
    assert f"/workshops/{workshop.slug}" in body
    closes_on = day - timedelta(days=10)
    assert f"say you are interested by {closes_on.day} {closes_on:%B %Y}" in body
    assert f"version {draft.number}: comments close on" in body
    assert (
        "You have logged 2.5 hours so far this year, against your target of 30 hours "
        "(27.5 hours to go)"
    ) in body
    assert "http://skillsreg.test/development/reminders/" in body
    assert unsubscribe.replace("https://", "http://") in body

    # The mail client's one-click POST: no session, no CSRF token, no sign-in.
    path = urlsplit(unsubscribe).path
    response = client.post(
        path, data={"List-Unsubscribe": "One-Click"}, base_url="https://skillsreg.test"
    )
    assert response.status_code == 200
    assert services.rhythm_of(subscriber) is Rhythm.NONE
    assert services.send_reminders(now=now + timedelta(days=40)).sent == []


def test_unsubscribing_from_the_link_asks_first(client, db, subscriber):
    url = f"/development/reminders/unsubscribe/{unsubscribe_token(subscriber.id)}"
    page = check_page(client.get(url), title="Stop reminders about your development?")
    assert services.rhythm_of(subscriber) is Rhythm.MONTHLY
    assert page.select_one("form")["action"] == url
    check_page(client.post(url), title="Reminders stopped")
    assert services.rhythm_of(subscriber) is Rhythm.NONE


def test_a_forged_token_unsubscribes_nobody(client, db, subscriber):
    token = unsubscribe_token(subscriber.id)
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert user_of(forged) is None
    assert client.get(f"/development/reminders/unsubscribe/{forged}").status_code == 404
    assert client.post(f"/development/reminders/unsubscribe/{forged}").status_code == 404
    assert services.rhythm_of(subscriber) is Rhythm.MONTHLY


def test_erased_or_unconfirmed_members_get_no_reminders(
    client, login_as, db, subscriber, create_user
):
    unconfirmed = create_user(confirmed=False)
    services.set_rhythm(unconfirmed, rhythm=Rhythm.MONTHLY, source="test", now=utcnow())
    services.send_reminders(now=utcnow())
    db.session.commit()
    login_as(subscriber)
    assert client.post("/account/delete", data={"password": DEFAULT_PASSWORD}).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReminderSend)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReminderPreference)) == 1
    assert services.send_reminders(now=utcnow() + timedelta(days=40)).sent == []
