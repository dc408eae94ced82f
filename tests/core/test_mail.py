"""Outbox rows become MIME messages; calendar attachments say which iTIP method they carry."""

from __future__ import annotations

import pytest

from skillsreg.core.mail import OutboxMessage, build_email, calendar_method

CANCEL = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:CANCEL\r\nBEGIN:VEVENT\r\nEND:VEVENT\r\n"


@pytest.mark.parametrize(
    ("ics", "method"),
    [
        (b"BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n", "REQUEST"),
        (CANCEL, "CANCEL"),
        (b"BEGIN:VCALENDAR\nMETHOD:PUBLISH\nEND:VCALENDAR\n", "PUBLISH"),
        (b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "PUBLISH"),
        (b"BEGIN:VCALENDAR\r\nX-NOTE:METHOD:CANCEL\r\nEND:VCALENDAR\r\n", "PUBLISH"),
    ],
)
def test_the_calendar_method_is_read_from_the_file(ics, method):
    assert calendar_method(ics) == method


def test_a_cancellation_is_sent_with_a_matching_content_type_header():
    message = OutboxMessage(
        recipient="ada@example.gov.uk",
        subject="Cancelled",
        body_text="Your place is cancelled.",
        attachment=CANCEL,
        attachment_type="text/calendar",
        attachment_name="invite.ics",
    )

    email = build_email(message, "skillsreg@test.invalid")

    parts = list(email.iter_attachments())
    assert len(parts) == 1
    assert parts[0].get_content_type() == "text/calendar"
    assert parts[0].get_param("method") == "CANCEL"


def test_subjects_are_kept_on_one_line_and_short_enough_for_the_outbox():
    from skillsreg.core.mail import SUBJECT_LIMIT, one_line

    assert one_line("Offer:\r\nBcc: victim@example.org", SUBJECT_LIMIT) == (
        "Offer: Bcc: victim@example.org"
    )
    long = one_line("x" * 150 + " " + "y" * 150, SUBJECT_LIMIT)
    assert len(long) == SUBJECT_LIMIT
    assert long.endswith("\u2026")
    assert one_line("Short", SUBJECT_LIMIT) == "Short"


def test_a_calendar_is_also_an_alternative_body_for_meeting_buttons():
    message = OutboxMessage(
        recipient="ada@example.gov.uk",
        subject="Cancelled",
        body_text="Your place is cancelled.",
        attachment=CANCEL,
        attachment_type="text/calendar",
        attachment_name="invite.ics",
    )

    email = build_email(message, "skillsreg@test.invalid")

    body = email.get_body(preferencelist=("related", "html", "plain"))
    alternative = next(p for p in email.walk() if p.get_content_type() == "multipart/alternative")
    types = [p.get_content_type() for p in alternative.iter_parts()]
    assert types == ["text/plain", "text/calendar"]
    calendar = list(alternative.iter_parts())[1]
    assert (calendar.get_param("method"), calendar.get_param("charset")) == ("CANCEL", "UTF-8")
    assert calendar.get_content().encode() == CANCEL
    assert body.get_content().strip() == "Your place is cancelled."
