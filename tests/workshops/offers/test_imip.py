"""Invitations as iMIP (RFC 6047) through a real SMTP server, and calendar replies processed."""

from __future__ import annotations

import mailbox as maildir_lib
import smtplib
from datetime import time, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage

import icalendar
import pytest

from skillsreg.core.jobs.queue import work_until_empty
from skillsreg.workshops import services as workshop_services
from skillsreg.workshops.models import ChoiceStatus
from skillsreg.workshops.offers import services
from skillsreg.workshops.offers.models import OfferStatus

from .conftest import LONDON, NOW
from .test_services import offer_for


def deliver(db) -> None:
    """Commit, then let the queue's worker send what was queued through the test SMTP server."""
    db.session.commit()
    work_until_empty()


def received(box, to: str, subject: str):
    """The message as a mail client reads it: raw bytes parsed again with email.parser."""
    (message,) = [m for m in box.messages if m["To"] == to and m["Subject"].startswith(subject)]
    return message_from_bytes(message.as_bytes(), policy=policy.default)


@pytest.fixture
def accepted(db, make_workshop, apply, create_user, organiser, mailbox):
    """A one-place workshop whose place Ada accepted, with Ben waiting."""
    workshop = make_workshop(capacity=1)
    choice = apply(create_user(email="ada@example.org", name="Ada"), workshop)
    waiting = apply(create_user(email="ben@example.org", name="Ben"), workshop)
    services.make_offers([choice], actor=organiser, now=NOW)
    services.accept_offer(offer_for(db, choice), now=NOW)
    deliver(db)
    return workshop, choice, waiting


def test_the_invitation_is_an_imip_request_in_the_body_and_attached(accepted, mailbox):
    _, choice, _ = accepted

    message = received(mailbox, "ada@example.org", "Your place is confirmed")

    assert message.get_content_type() == "multipart/mixed"
    body, attachment = message.iter_parts()
    assert body.get_content_type() == "multipart/alternative"
    text, calendar_part = body.iter_parts()
    assert text.get_content_type() == "text/plain"
    assert calendar_part.get_content_type() == "text/calendar"
    assert calendar_part.get_param("method") == "REQUEST"
    assert calendar_part.get_param("charset") == "UTF-8"
    assert attachment.get_filename() == "invitation.ics"
    assert attachment.get_content_type() == "text/calendar"
    calendar = icalendar.Calendar.from_ical(calendar_part.get_content())
    assert calendar.to_ical() == icalendar.Calendar.from_ical(attachment.get_content()).to_ical()
    assert str(calendar["method"]) == "REQUEST"
    (event,) = calendar.walk("VEVENT")
    assert str(event["organizer"]) == "mailto:workshops@test.invalid"
    assert event["attendee"].params["PARTSTAT"] == "ACCEPTED"
    description = str(event["description"])
    assert f"http://skillsreg.test/workshops/places/{choice.id}/withdraw" in description
    assert "give up your place" in description


def test_the_time_zone_covers_every_transition_of_the_events_years(accepted, mailbox):
    workshop, _, _ = accepted
    message = received(mailbox, "ada@example.org", "Your place is confirmed")
    calendar = icalendar.Calendar.from_ical(
        next(p for p in message.walk() if p.get_content_type() == "text/calendar").get_content()
    )

    (timezone,) = calendar.walk("VTIMEZONE")
    starts = sorted(
        part.decoded("dtstart") for part in timezone.walk() if part.name in ("STANDARD", "DAYLIGHT")
    )
    year = workshop.starts_at.astimezone(LONDON).year
    assert starts[0].year == year
    assert starts[0].month == 1
    assert [(s.year, s.month) for s in starts if s.month in (3, 10)] == [(year, 3), (year, 10)]
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == workshop.starts_at


def calendar_reply(invitation: icalendar.Calendar, *, attendee: str, partstat: str) -> bytes:
    """What a calendar app sends back for a declined (or accepted) invitation."""
    (event,) = invitation.walk("VEVENT")
    reply = icalendar.Calendar()
    reply.add("prodid", "-//Example Corp.//Calendar client//EN")
    reply.add("version", "2.0")
    reply.add("method", "REPLY")
    answer = icalendar.Event()
    for name in ("uid", "sequence", "dtstart", "dtend", "summary", "organizer"):
        answer[name] = event[name]
    answer.add("dtstamp", NOW)
    address = icalendar.vCalAddress(f"mailto:{attendee}")
    address.params["partstat"] = icalendar.vText(partstat)
    answer.add("attendee", address)
    reply.add_component(answer)
    return reply.to_ical()


def send_reply(smtp_server, ics: bytes, *, sender: str) -> None:
    controller, _ = smtp_server
    reply = EmailMessage()
    reply["From"] = sender
    reply["To"] = "workshops@test.invalid"
    reply["Subject"] = "Declined: workshop"
    reply.set_content("I cannot come after all.")
    reply.add_alternative(ics, maintype="text", subtype="calendar", params={"method": "REPLY"})
    with smtplib.SMTP(controller.hostname, controller.port) as smtp:
        smtp.send_message(reply)


def invitation_of(box) -> icalendar.Calendar:
    message = received(box, "ada@example.org", "Your place is confirmed")
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    return icalendar.Calendar.from_ical(part.get_content())


def test_a_declined_calendar_reply_gives_the_place_to_the_waiting_list(
    db, runner, run_jobs, accepted, mailbox, smtp_server, tmp_path
):
    workshop, choice, waiting = accepted
    ics = calendar_reply(invitation_of(mailbox), attendee="ada@example.org", partstat="DECLINED")
    send_reply(smtp_server, ics, sender="Ada <ada@example.org>")
    box = maildir_lib.Maildir(tmp_path / "organisers", create=True)
    box.add(mailbox.messages[-1].as_bytes())
    mailbox.clear()

    result = runner.invoke(args=["workshops", "process-replies", "--maildir", box._path])

    assert result.exit_code == 0, result.output
    assert "ada@example.org: declined" in result.output
    assert f"offered: {workshop.slug} to ben@example.org" in result.output
    assert "1 messages read, 1 places given up; their emails are queued" in result.output
    assert run_jobs() == 2  # the cancellation to Ada and the offer to Ben
    assert choice.status is ChoiceStatus.WITHDRAWN
    assert waiting.status is ChoiceStatus.OFFERED
    cancelled = received(mailbox, "ada@example.org", "You have given up your place")
    assert cancelled.get_content_type() == "multipart/mixed"
    # Processing the same reply again (here as the .ics file) changes nothing.
    (tmp_path / "reply.ics").write_bytes(ics)
    again = runner.invoke(args=["workshops", "process-replies", str(tmp_path / "reply.ics")])
    assert "ada@example.org: ignored: no place is held" in again.output


@pytest.mark.parametrize(
    ("attendee", "partstat", "sender", "reason"),
    [
        ("ada@example.org", "ACCEPTED", "ada@example.org", "ignored: accepted"),
        ("ben@example.org", "DECLINED", "ben@example.org", "not the person invited"),
        ("ada@example.org", "DECLINED", "mallory@example.org", "sent from another address"),
    ],
)
def test_replies_that_are_not_the_attendees_decline_leave_the_place(
    db, runner, accepted, mailbox, tmp_path, attendee, partstat, sender, reason
):
    _, choice, _ = accepted
    ics = calendar_reply(invitation_of(mailbox), attendee=attendee, partstat=partstat)
    reply = EmailMessage()
    reply["From"] = sender
    reply["To"] = "workshops@test.invalid"
    reply["Subject"] = "Reply"
    reply.add_attachment(ics, maintype="text", subtype="calendar", filename="reply.ics")
    (tmp_path / "reply.eml").write_bytes(reply.as_bytes())

    result = runner.invoke(args=["workshops", "process-replies", str(tmp_path / "reply.eml")])

    assert result.exit_code == 0, result.output
    assert reason in result.output
    assert "0 places given up" in result.output
    assert choice.status is ChoiceStatus.ACCEPTED


def test_a_decline_quoting_a_made_up_uid_is_ignored(db, runner, accepted, mailbox, tmp_path):
    """The ids in a UID can be counted up; its signature cannot, so a forged decline fails."""
    workshop, choice, _ = accepted
    user_id = choice.eoi.user_id
    invitation = invitation_of(mailbox)
    (event,) = invitation.walk("VEVENT")
    genuine = str(event["uid"])
    forged_uids = [
        f"workshop-{workshop.id}-user-{user_id}@skillsreg",  # the old, unsigned form
        f"workshop-{workshop.id}-user-{user_id}-{'0' * 20}@skillsreg",
    ]
    for number, uid in enumerate(forged_uids):
        event["uid"] = uid
        ics = calendar_reply(invitation, attendee="ada@example.org", partstat="DECLINED")
        (tmp_path / f"forged-{number}.ics").write_bytes(ics)
        result = runner.invoke(
            args=["workshops", "process-replies", str(tmp_path / f"forged-{number}.ics")]
        )
        assert result.exit_code == 0, result.output
        assert "ignored: not one of our invitations" in result.output
        assert choice.status is ChoiceStatus.ACCEPTED
    assert genuine not in forged_uids


def test_a_change_of_time_reaches_everyone_holding_or_offered_a_place(
    db, make_workshop, apply, create_user, organiser, mailbox
):
    workshop = make_workshop(capacity=2)
    holder = apply(create_user(email="ada@example.org"), workshop)
    offered = apply(create_user(email="ben@example.org"), workshop)
    services.make_offers([holder, offered], actor=organiser, now=NOW)
    services.accept_offer(offer_for(db, holder), now=NOW)
    deliver(db)
    mailbox.clear()
    details = workshop_services.WorkshopDetails(
        title=workshop.title,
        day=workshop.starts_at.astimezone(LONDON).date() + timedelta(days=1),
        start=time(13, 0),
        end=time(17, 0),
        capacity=workshop.capacity,
        closes_on=(workshop.starts_at - timedelta(days=5)).date(),
        venue="Manchester Central Library",
    )

    workshop_services.update_workshop(workshop, details=details, now=NOW)
    deliver(db)

    update = received(mailbox, "ada@example.org", "The workshop has changed")
    assert update.get_content_type() == "multipart/mixed"
    offer_update = received(mailbox, "ben@example.org", "The workshop you are offered")
    text = offer_update.get_content()
    assert "Manchester Central Library" in text
    assert "1pm to 5pm" in text
    token = text.split("/offers/", 1)[1].split("/accept", 1)[0]
    offer = services.find_offer(token)
    assert offer is not None
    assert offer.status is OfferStatus.OFFERED
    assert offer.choice_id == offered.id
