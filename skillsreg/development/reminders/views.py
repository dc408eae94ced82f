"""Reminder pages: choosing a rhythm, and the one-click unsubscribe link (RFC 8058)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from skillsreg.accounts.confirmed import confirmed_required
from skillsreg.accounts.models import User
from skillsreg.core.auth import public, signed_in
from skillsreg.core.db import utcnow
from skillsreg.development.reminders import services
from skillsreg.development.reminders.forms import RhythmForm, UnsubscribeForm
from skillsreg.development.reminders.models import Rhythm
from skillsreg.development.reminders.tokens import user_of
from skillsreg.extensions import csrf, db

bp = Blueprint("reminders", __name__, url_prefix="/development/reminders")


@bp.route("/", methods=["GET", "POST"])
@signed_in
@confirmed_required("get reminders by email")
def change_rhythm():
    form = RhythmForm(data={"rhythm": services.rhythm_of(current_user).value})
    if form.validate_on_submit():
        rhythm = Rhythm(form.rhythm.data)
        services.set_rhythm(current_user, rhythm=rhythm, source="settings", now=utcnow())
        db.session.commit()
        flash(
            "You will not get reminders" if rhythm is Rhythm.NONE
            else f"You will get a reminder {rhythm.label.lower()}",
            "success",
        )  # fmt: skip
        return redirect(url_for("cpd.show_record"))
    return render_template(
        "development/reminders/change_rhythm.html", form=form, title="Reminders by email"
    )


def _member_or_404(token: str) -> User:
    user_id = user_of(token)
    user = db.session.get(User, user_id) if user_id is not None else None
    if user is None or user.is_erased:
        abort(404)
    return user


@bp.get("/unsubscribe/<token>")
@public
def confirm_unsubscribe(token: str):
    _member_or_404(token)
    return render_template(
        "development/reminders/confirm_unsubscribe.html",
        form=UnsubscribeForm(),
        token=token,
        title="Stop reminders about your development?",
    )


# A mail client's one-click POST (RFC 8058) has no session, so no CSRF token: the signed token
# in the address is what proves the request, and all it can do is stop reminders.
@bp.post("/unsubscribe/<token>")
@public
@csrf.exempt
def unsubscribe(token: str):
    user = _member_or_404(token)
    services.unsubscribe(user, now=utcnow())
    db.session.commit()
    return render_template("development/reminders/unsubscribed.html", title="Reminders stopped")
