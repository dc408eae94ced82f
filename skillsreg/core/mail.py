"""Email through an outbox: queued in the request's transaction, delivered by the task queue."""

from __future__ import annotations

import enum
import logging
import re
import smtplib
from datetime import datetime
from email.message import EmailMessage
from email.utils import make_msgid

import sqlalchemy as sa
from flask import current_app, render_template
from huey.exceptions import RetryTask
from sqlalchemy.orm import Mapped, mapped_column

from skillsreg.core.db import enum_column, utcnow, writing
from skillsreg.core.jobs.queue import (
    enqueue_after_commit,
    huey,
    max_attempts,
    retry_delay,
    worker_context,
)
from skillsreg.extensions import db

log = logging.getLogger(__name__)


class MailStatus(enum.Enum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class OutboxMessage(db.Model):  # type: ignore[name-defined]
    """An email waiting to be sent, or sent; kept so administrators can see what went out."""

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(sa.String(320))
    subject: Mapped[str] = mapped_column(sa.String(200))
    body_text: Mapped[str] = mapped_column(sa.Text)
    attachment_name: Mapped[str | None] = mapped_column(sa.String(200))
    attachment_type: Mapped[str | None] = mapped_column(sa.String(100))
    attachment: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    # Extra headers, such as List-Unsubscribe on reminders (RFC 8058).
    headers: Mapped[dict[str, str] | None] = mapped_column(sa.JSON)
    status: Mapped[MailStatus] = mapped_column(enum_column(MailStatus), default=MailStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]


SUBJECT_LIMIT = 200  # the outbox column; PostgreSQL refuses longer values


def one_line(text: str, limit: int) -> str:
    """Text on one line (no header injection), shortened with an ellipsis to fit `limit`."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "\u2026"


def queue_mail(
    *,
    to: str,
    subject: str,
    template: str,
    attachment: tuple[str, str, bytes] | None = None,
    headers: dict[str, str] | None = None,
    **context: object,
) -> OutboxMessage:
    """Queue an email rendered from templates/email/<template>.txt; delivered after the commit."""
    body = render_template(f"email/{template}.txt", **context)
    message = OutboxMessage(recipient=to, subject=one_line(subject, SUBJECT_LIMIT), body_text=body)
    if headers:
        message.headers = {name: one_line(value, 998) for name, value in headers.items()}
    if attachment:
        message.attachment_name, message.attachment_type, message.attachment = attachment
    db.session.add(message)
    db.session.flush()
    enqueue_after_commit(deliver_mail.s(message.id))
    return message


def build_email(message: OutboxMessage, sender: str) -> EmailMessage:
    """Turn an outbox row into a MIME message."""
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    for name, value in (message.headers or {}).items():
        email[name] = value
    email.set_content(message.body_text)
    if message.attachment is not None and message.attachment_type == "text/calendar":
        add_calendar_alternative(email, message.attachment)
    if message.attachment is not None and message.attachment_type:
        maintype, _, subtype = message.attachment_type.partition("/")
        params = {"method": calendar_method(message.attachment)} if subtype == "calendar" else {}
        email.add_attachment(
            message.attachment,
            maintype=maintype,
            subtype=subtype,
            filename=message.attachment_name,
            params=params,
        )
    return email


def add_calendar_alternative(email: EmailMessage, ics: bytes) -> None:
    """Offer the calendar as an alternative body too (iMIP, RFC 6047), for meeting buttons.

    The text/calendar part joins the text (and any HTML) in multipart/alternative; the same
    file is still attached for clients that only import attachments.
    """
    email.add_alternative(
        ics,
        maintype="text",
        subtype="calendar",
        params={"method": calendar_method(ics), "charset": "UTF-8"},
    )


def calendar_method(ics: bytes) -> str:
    """The iTIP method an iCalendar file declares (REQUEST, CANCEL...), for its MIME header."""
    match = re.search(rb"^METHOD:([A-Z-]+)\r?$", ics, re.MULTILINE)
    return match.group(1).decode("ascii") if match else "PUBLISH"


def _transport(email: EmailMessage) -> None:
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        log.info("email (no MAIL_SERVER, not sent):\n%s", email.as_string())
        return
    smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    with smtp_class(
        config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"]
    ) as s:
        if config["MAIL_USE_TLS"]:
            s.starttls()
        if config.get("MAIL_USERNAME"):
            s.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        s.send_message(email)


def deliver_message(message_id: int, *, now: datetime) -> bool:
    """Send one pending outbox message and record the result; True once it is sent.

    Idempotent: a message already sent (or given up on) is left alone. A failed attempt is
    recorded and raises RetryTask with a doubling delay until JOBS_MAX_ATTEMPTS is reached.
    """
    query = sa.select(OutboxMessage).where(
        OutboxMessage.id == message_id, OutboxMessage.status == MailStatus.PENDING
    )
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    message = db.session.scalar(query)
    if message is None:
        db.session.rollback()
        return False
    message.attempts += 1
    try:
        _transport(build_email(message, current_app.config["MAIL_DEFAULT_SENDER"]))
    except (OSError, smtplib.SMTPException) as error:
        message.last_error = str(error)
        log.warning("email %s to %s not sent: %s", message.id, message.recipient, error)
        attempts = message.attempts
        if attempts >= max_attempts():
            message.status = MailStatus.FAILED
            db.session.commit()
            return False
        db.session.commit()
        raise RetryTask(delay=retry_delay(attempts)) from error
    message.status = MailStatus.SENT
    message.sent_at = now
    db.session.commit()
    return True


@huey.task(name="deliver_mail")
def deliver_mail(message_id: int) -> None:
    """The queue task that delivers one email, retried with back-off.

    Its transaction writes (the attempt, then "sent"), so on SQLite it holds the write lock
    from its start: otherwise a commit elsewhere while the email was being sent would leave
    the message sent but recorded as pending.
    """
    with worker_context(), writing():
        deliver_message(message_id, now=utcnow())


def requeue_pending_mail() -> int:
    """Send every still-pending message to the queue again (after an outage); return how many."""
    ids = db.session.scalars(
        sa.select(OutboxMessage.id).where(OutboxMessage.status == MailStatus.PENDING)
    ).all()
    for message_id in ids:
        enqueue_after_commit(deliver_mail.s(message_id))
    db.session.commit()
    return len(ids)
