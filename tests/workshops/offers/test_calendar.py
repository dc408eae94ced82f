"""The invitation is valid RFC 5545, whatever the workshop's title, and parses with icalendar."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta

import icalendar

from skillsreg.workshops.offers import services

from .conftest import LONDON, NOW
from .test_services import mail_to, offer_for

LONG_TITLE = "Atelier « compétences numériques » — Zoë\u2019s 🎉 workshop for web teams " * 3


def test_the_invitation_is_valid_rfc_5545_for_a_long_unicode_title(
    db, make_workshop, apply, create_user, organiser
):
    day = (NOW + timedelta(days=30)).date()
    workshop = make_workshop(
        title=LONG_TITLE[:200],
        description="Line one\nLine two; with, punctuation\\",
        venue="Room 1, 10 Downing Street; London",
        starts_at=datetime.combine(day, time(10), tzinfo=LONDON).astimezone(UTC),
        ends_at=datetime.combine(day, time(16), tzinfo=LONDON).astimezone(UTC),
    )
    choice = apply(create_user(name='Zoë "the boss" O\u2019Brien'), workshop)
    services.make_offers([choice], actor=organiser, now=NOW)
    services.accept_offer(offer_for(db, choice), now=NOW)

    messages = mail_to(db, choice.eoi.user)
    # The longest title still gives subjects that fit the outbox (PostgreSQL would refuse).
    assert [len(m.subject) for m in messages] == [200, 200]
    assert messages[0].subject.endswith("\u2026")
    ics = messages[-1].attachment
    assert ics.endswith(b"\r\n")
    lines = ics[:-2].split(b"\r\n")
    assert all(b"\n" not in line and b"\r" not in line for line in lines)
    assert max(len(line) for line in lines) <= 75
    # A fold never splits a UTF-8 character.
    ics.decode("utf-8")
    for line in lines:
        line.decode("utf-8")
    unfolded = re.sub(rb"\r\n[ \t]", b"", ics).decode()
    assert "\r\nVERSION:2.0\r\n" in unfolded
    assert re.search(r"\r\nPRODID:[^\r]+\r\n", unfolded)
    assert re.search(r"\r\nDTSTAMP:\d{8}T\d{6}Z\r\n", unfolded)
    assert f"\r\nDTSTART;TZID=Europe/London:{day:%Y%m%d}T100000\r\n" in unfolded
    assert f"\r\nDTEND;TZID=Europe/London:{day:%Y%m%d}T160000\r\n" in unfolded
    assert unfolded.index("BEGIN:VTIMEZONE") < unfolded.index("BEGIN:VEVENT")

    calendar = icalendar.Calendar.from_ical(ics)
    (event,) = calendar.walk("VEVENT")
    assert str(event["summary"]) == workshop.title
    assert str(event["location"]) == "Room 1, 10 Downing Street; London"
    assert str(event["description"]).startswith("Line one\nLine two; with, punctuation\\")
    assert event["attendee"].params["CN"] == 'Zoë "the boss" O\u2019Brien'
    assert event.decoded("dtstart") == workshop.starts_at
    (timezone,) = calendar.walk("VTIMEZONE")
    assert str(timezone["tzid"]) == "Europe/London"


def test_an_organiser_mailbox_written_with_a_name_gives_a_plain_organiser_address(
    app, db, make_workshop, apply, create_user, organiser, monkeypatch
):
    monkeypatch.setitem(app.config, "ORGANISER_EMAIL", "Workshop team <skills@example.org>")
    workshop = make_workshop()
    choice = apply(create_user(), workshop)
    services.make_offers([choice], actor=organiser, now=NOW)
    services.accept_offer(offer_for(db, choice), now=NOW)

    calendar = icalendar.Calendar.from_ical(mail_to(db, choice.eoi.user)[-1].attachment)
    (event,) = calendar.walk("VEVENT")
    assert str(event["organizer"]) == "mailto:skills@example.org"
