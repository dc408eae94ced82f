"""The task queue's daily run of the reminders, for sites that run a Huey consumer."""

from __future__ import annotations

from huey import crontab

from skillsreg.core.db import utcnow, writing
from skillsreg.core.jobs.queue import huey, worker_context
from skillsreg.extensions import db


@huey.periodic_task(crontab(hour="7", minute="15"), name="send_reminders")
def send_reminders_daily() -> None:
    """Each morning, send the reminders due (the first run of a period sends them)."""
    from skillsreg.development.reminders.services import send_reminders

    with worker_context(), writing():
        send_reminders(now=utcnow())
        db.session.commit()
