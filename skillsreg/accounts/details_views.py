"""Account pages for confirming an address, changing it, and changing one's own details."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from skillsreg.accounts import confirmation, details
from skillsreg.accounts.forms import (
    ConfirmEmailForm,
    DetailsChangeForm,
    EmailChangeForm,
    ResendConfirmationForm,
)
from skillsreg.accounts.models import User
from skillsreg.accounts.views import bp
from skillsreg.core.auth import is_safe_next, public, signed_in
from skillsreg.core.db import utcnow
from skillsreg.core.errors import DomainError
from skillsreg.core.forms import add_domain_error
from skillsreg.extensions import db, limiter
from skillsreg.register.notices import auto_republish, send_consent_receipt

CONFIRMED = "Your email address is confirmed"


def confirmation_link(token: str) -> str:
    return url_for("accounts.confirm_email", token=token, _external=True)


def send_confirmation_link(user: User) -> bool:
    """Queue a confirmation email for this account, within the per-account limit."""
    return confirmation.send_confirmation(
        user,
        now=utcnow(),
        link=confirmation_link,
        per_hour=current_app.config["CONFIRMATION_EMAILS_PER_HOUR"],
    )


def _confirm_limit() -> str:
    return str(current_app.config["RATELIMIT_CONFIRM"])


@bp.route("/confirm-email/<token>", methods=["GET", "POST"])
@public
@limiter.limit(_confirm_limit, methods=["POST"])
def confirm_email(token: str):
    # Opening the link only shows a button: mail scanners that follow links confirm nothing.
    if confirmation.find_confirmation(token, now=utcnow()) is None:
        return render_template("accounts/confirm_expired.html", title="This link has expired"), 410
    form = ConfirmEmailForm()
    if form.validate_on_submit():
        try:
            result = confirmation.confirm_email(token=token, now=utcnow())
        except DomainError as error:
            add_domain_error(form, error, field="submit")
        else:
            if result.consent is not None:
                send_consent_receipt(result.user, result.consent)
            db.session.commit()
            flash(_confirmed_message(result), "success")
            if current_user.is_authenticated and current_user.id == result.user.id:
                return redirect(url_for("accounts.show_account"))
            return redirect(url_for("accounts.sign_in"))
    return render_template(
        "accounts/confirm_email.html", form=form, title="Confirm your email address"
    )


def _confirmed_message(result: confirmation.Confirmed) -> str:
    if result.changed_from is not None:
        return f"Your email address is now {result.user.email}"
    return CONFIRMED


@bp.route("/account/confirm-email/resend", methods=["GET", "POST"])
@signed_in
@limiter.limit(_confirm_limit, methods=["POST"])
def resend_confirmation():
    form = ResendConfirmationForm()
    if request.method == "GET":
        return render_template(
            "accounts/resend_confirmation.html", form=form, title="Get a new confirmation link"
        )
    if form.validate_on_submit():
        if current_user.is_confirmed:
            flash("Your email address is already confirmed", "success")
        else:
            send_confirmation_link(current_user._get_current_object())
            db.session.commit()
            # The same answer whether or not the per-account limit let a new email go.
            flash(
                f"We have sent a link to {current_user.email}. It works once and expires in "
                "24 hours. If it does not arrive in a few minutes, check your spam folder.",
                "success",
            )
    target = request.form.get("next") or ""
    return redirect(target if is_safe_next(target) else url_for("accounts.show_account"))


@bp.route("/account/email", methods=["GET", "POST"])
@signed_in
def change_email():
    form = EmailChangeForm()
    if form.validate_on_submit():
        try:
            confirmation.request_email_change(
                current_user,
                new_email=form.email.data,
                password=form.password.data,
                now=utcnow(),
                link=confirmation_link,
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            db.session.commit()
            flash(
                f"We have sent a link to {form.email.data.strip().lower()}. Open it within "
                f"24 hours to start using that address; until then we keep using "
                f"{current_user.email}.",
                "success",
            )
            return redirect(url_for("accounts.show_account"))
    return render_template(
        "accounts/change_email.html", form=form, title="Change your email address"
    )


def _details_data(user: User) -> dict[str, object]:
    return {
        "name": user.name,
        "organisation": user.organisation,
        "job_title": user.job_title,
        "sector": user.sector.value,
        "web_groups": list(user.web_groups),
        "region": user.region or "",
    }


@bp.route("/account/details", methods=["GET", "POST"])
@signed_in
def change_details():
    form = DetailsChangeForm(data=_details_data(current_user))
    if form.validate_on_submit():
        try:
            changed = details.change_details(
                current_user,
                name=form.name.data,
                organisation=form.organisation.data,
                job_title=form.job_title.data,
                sector=form.sector.data,
                web_groups=form.web_groups.data or [],
                region=form.region.data,
                now=utcnow(),
                auto_republish=auto_republish(),
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            db.session.commit()
            flash("Your details have been saved" if changed else "Nothing changed", "success")
            return redirect(url_for("accounts.show_account"))
    return render_template("accounts/change_details.html", form=form, title="Change your details")
