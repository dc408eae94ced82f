"""The absolute links a reminder carries: one-click unsubscribe, changing the rhythm, the record."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from skillsreg.accounts.models import User
from skillsreg.development.reminders.tokens import unsubscribe_token
from skillsreg.workshops.offers.links import external_url


@dataclass(frozen=True)
class ReminderLinks:
    unsubscribe: str
    one_click_unsubscribe: str
    change_rhythm: str
    cpd_record: str
    log_activity: str


def https(url: str) -> str:
    """The same address over HTTPS, as RFC 8058 requires of a one-click unsubscribe link."""
    parts = urlsplit(url)
    return urlunsplit(("https", *parts[1:]))


def reminder_links(user: User) -> ReminderLinks:
    unsubscribe = external_url("reminders.unsubscribe", token=unsubscribe_token(user.id))
    return ReminderLinks(
        unsubscribe=unsubscribe,
        one_click_unsubscribe=https(unsubscribe),
        change_rhythm=external_url("reminders.change_rhythm"),
        cpd_record=external_url("cpd.show_record"),
        log_activity=external_url("cpd.log_activity"),
    )
