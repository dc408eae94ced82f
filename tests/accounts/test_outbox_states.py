"""The outbox says what happened to each email, and never "sent" when nothing could send it."""

from __future__ import annotations

import pytest

from skillsreg.core.mail import MailStatus, OutboxMessage
from tests.pages import check_page


@pytest.fixture
def messages(db):
    made = {}
    for name, status, attempts in [
        ("done", MailStatus.SENT, 1),
        ("waiting", MailStatus.PENDING, 0),
        ("retrying", MailStatus.PENDING, 2),
        ("failed", MailStatus.FAILED, 5),
    ]:
        message = OutboxMessage(
            recipient=f"{name}@example.gov.uk", subject=name, body_text="Hello", status=status
        )
        message.attempts = attempts
        db.session.add(message)
        made[name] = message
    db.session.commit()
    return made


def states(client) -> dict[str, str]:
    page = check_page(client.get("/admin/outbox"))
    rows = page.select("tbody tr")
    return {
        row.select_one("td[data-label=Subject]").get_text(strip=True): row.select_one(
            "td[data-label=Status]"
        ).get_text(strip=True)
        for row in rows
    }


def test_with_a_mail_server_each_state_is_named_plainly(client, login_as, administrator, messages):
    login_as(administrator)
    assert states(client) == {
        "done": "Sent",
        "waiting": "Waiting to be sent",
        "retrying": "Waiting to try again",
        "failed": "Not sent: gave up after 5 tries",
    }


def test_without_a_mail_server_nothing_claims_to_be_sent(
    app, client, login_as, administrator, messages, monkeypatch
):
    monkeypatch.setitem(app.config, "MAIL_SERVER", None)
    login_as(administrator)

    assert states(client)["done"] == "Not sent: no mail server configured"
    page = check_page(client.get(f"/admin/outbox/{messages['done'].id}"))
    assert "Not sent: no mail server configured" in page.get_text()
