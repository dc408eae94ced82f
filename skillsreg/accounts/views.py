"""Account pages: sign up, sign in and out, passwords, and the administrators' user list."""

from __future__ import annotations

import functools
import json
from typing import Any

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from werkzeug.wrappers import Response

from skillsreg.accounts import confirmation, details, services
from skillsreg.accounts.forms import (
    AuditFilterForm,
    DeleteAccountForm,
    PasswordChangeForm,
    PasswordResetForm,
    PasswordResetRequestForm,
    RoleChangeForm,
    SignInForm,
    SignUpForm,
)
from skillsreg.accounts.models import User
from skillsreg.accounts.rules import Role
from skillsreg.core.audit import AuditEvent
from skillsreg.core.auth import admin_required, is_safe_next, public, signed_in
from skillsreg.core.db import utcnow
from skillsreg.core.downloads import attachment
from skillsreg.core.errors import DomainError
from skillsreg.core.forms import add_domain_error
from skillsreg.core.mail import OutboxMessage
from skillsreg.extensions import db, limiter, login_manager
from skillsreg.register import personal_data
from skillsreg.register import queries as register_queries
from skillsreg.register import services as register_services
from skillsreg.register.forms import ConsentForm, WithdrawAllForm
from skillsreg.register.notices import auto_republish, send_consent_receipt

bp = Blueprint("accounts", __name__)
admin_bp = Blueprint("admin", __name__, url_prefix="/admin")

login_manager.login_view = "accounts.sign_in"
login_manager.login_message = "Sign in to continue. Anything you had saved is still there."
login_manager.login_message_category = "info"


@functools.cache
def _user_by_login_id() -> sa.Select[User]:
    # Built once (on first use, when every model is mapped) and run with its parameter: on
    # every request it would otherwise be built and its cache key worked out again.
    return sa.select(User).where(User.login_id == sa.bindparam("login_id"))


@login_manager.user_loader
def load_user(login_id: str) -> User | None:
    try:
        return db.session.scalar(_user_by_login_id(), {"login_id": login_id})
    except OperationalError:
        # The database is down: the 503 page says so, drawn as for someone signed out.
        db.session.rollback()
        g._login_user = login_manager.anonymous_user()
        raise
    except SQLAlchemyError:
        db.session.rollback()  # the error page must still render
        return None


def _start_session(user: User, *, remember: bool) -> None:
    next_url = session.get("_next")
    session.clear()  # a new session at sign-in, so nothing from before carries over
    login_user(user, remember=remember)
    if next_url:
        session["_next"] = next_url


def _after_sign_in() -> Response:
    target = request.args.get("next")
    if target is not None and is_safe_next(target):
        return redirect(target)
    return redirect(url_for("home.show_home"))


@bp.route("/sign-up", methods=["GET", "POST"])
@public
def sign_up():
    form = SignUpForm()
    form.consent_fields.choices = register_queries.consent_choices()
    if form.validate_on_submit():
        try:
            user = _create_account(form.data)
        except DomainError as error:
            db.session.rollback()  # the account may already be flushed: create none
            add_domain_error(form, error)
        else:
            db.session.commit()
            _start_session(user, remember=False)
            flash(
                f"Your account has been created. We have sent a link to {user.email}: "
                "open it to confirm your email address.",
                "success",
            )
            return redirect(url_for("accounts.show_account"))
    return render_template("accounts/sign_up.html", form=form, title="Create an account")


def _create_account(values: dict[str, Any]) -> User:
    now = utcnow()
    user = services.register_user(
        name=values["name"],
        email=values["email"],
        password=values["password"],
        organisation=values["organisation"],
        sector=values["sector"],
        job_title=values["job_title"],
        web_groups=values["web_groups"],
        region=values["region"],
        now=now,
    )
    # Granted once the address is confirmed: until then nobody can publish it.
    confirmation.hold_sign_up_consent(user, values["consent_fields"] or [])
    details_views.send_confirmation_link(user)
    return user


def _failed_sign_in(response: Response) -> bool:
    return response.status_code != 302


@bp.route("/sign-in", methods=["GET", "POST"])
@public
@limiter.limit(
    lambda: current_app.config["RATELIMIT_SIGN_IN"], methods=["POST"], deduct_when=_failed_sign_in
)
def sign_in():
    form = SignInForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(
                email=form.email.data, password=form.password.data, now=utcnow()
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            if not user.is_confirmed and not confirmation.has_open_link(user, now=utcnow()):
                details_views.send_confirmation_link(user)  # accounts from before confirmation
            db.session.commit()
            _start_session(user, remember=form.remember.data)
            return _after_sign_in()
    return render_template("accounts/sign_in.html", form=form, title="Sign in")


@bp.post("/sign-out")
@public
def sign_out():
    if current_user.is_authenticated:
        # Every session cookie issued so far stops working, including copies taken before.
        services.end_sessions(current_user._get_current_object())
        db.session.commit()
    logout_user()
    session.clear()
    flash("You have signed out", "success")
    return redirect(url_for("core.index"))


@bp.get("/account")
@signed_in
def show_account():
    return render_template(
        "accounts/show_account.html",
        pending_email=confirmation.pending_email(current_user, now=utcnow()),
        title="Your account",
    )


@bp.route("/account/password", methods=["GET", "POST"])
@signed_in
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                current_user,
                current_password=form.current_password.data,
                new_password=form.new_password.data,
                now=utcnow(),
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            db.session.commit()
            login_user(current_user._get_current_object(), remember=False)
            flash("Your password has been changed", "success")
            return redirect(url_for("accounts.show_account"))
    return render_template("accounts/change_password.html", form=form, title="Change your password")


@bp.route("/forgotten-password", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["RATELIMIT_RESET"], methods=["POST"])
def request_password_reset():
    form = PasswordResetRequestForm()
    if form.validate_on_submit():
        services.request_password_reset(
            email=form.email.data,
            now=utcnow(),
            max_age=current_app.config["PASSWORD_RESET_MAX_AGE"],
            reset_url=lambda token: url_for("accounts.reset_password", token=token, _external=True),
        )
        db.session.commit()
        return render_template(
            "accounts/reset_requested.html", email=form.email.data, title="Check your email"
        )
    return render_template(
        "accounts/request_password_reset.html", form=form, title="Reset your password"
    )


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["RATELIMIT_RESET"], methods=["POST"])
def reset_password(token: str):
    if services.find_reset_token(token, now=utcnow()) is None:
        return render_template("accounts/reset_expired.html", title="This link has expired"), 410
    form = PasswordResetForm()
    if form.validate_on_submit():
        try:
            user = services.reset_password(
                token=token, new_password=form.password.data, now=utcnow()
            )
        except DomainError as error:
            add_domain_error(form, error, field="password")
        else:
            db.session.commit()
            _start_session(user, remember=False)
            flash("Your password has been reset and you are signed in", "success")
            return redirect(url_for("accounts.show_account"))
    return render_template("accounts/reset_password.html", form=form, title="Choose a new password")


@admin_bp.get("/users")
@admin_required
def list_users():
    users = db.session.scalars(db.select(User).order_by(User.name)).all()
    return render_template("admin/list_users.html", users=users, title="Accounts")


@admin_bp.route("/users/<int:user_id>/role", methods=["GET", "POST"])
@admin_required
def change_role(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = RoleChangeForm(role=user.role.value)
    if form.validate_on_submit():
        try:
            services.set_role(actor=current_user, user=user, role=Role(form.role.data))
        except DomainError as error:
            add_domain_error(form, error)
        else:
            db.session.commit()
            flash(f"{user.name} is now {user.role.label.lower()}", "success")
            return redirect(url_for("admin.list_users"))
    return render_template("admin/change_role.html", form=form, user=user, title="Change role")


@admin_bp.get("/outbox")
@admin_required
def list_outbox():
    messages = db.session.scalars(
        db.select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(100)
    ).all()
    return render_template("admin/list_outbox.html", messages=messages, title="Email outbox")


@admin_bp.get("/outbox/<int:message_id>")
@admin_required
def show_outbox_message(message_id: int):
    message = db.session.get(OutboxMessage, message_id) or abort(404)
    return render_template("admin/show_outbox_message.html", message=message, title=message.subject)


@bp.route("/account/privacy", methods=["GET", "POST"])
@signed_in
def show_privacy():
    agreed = register_queries.consents_of(current_user)
    form = ConsentForm(
        data={"consent_fields": [f.value for f in agreed], "region": current_user.region or ""}
    )
    form.consent_fields.choices = register_queries.consent_choices()
    if form.validate_on_submit():
        try:
            details.set_region(
                current_user, region=form.region.data, now=utcnow(), auto_republish=auto_republish()
            )
            change = register_services.set_consents(
                current_user,
                fields=form.consent_fields.data or [],
                source="privacy settings",
                now=utcnow(),
                auto_republish=auto_republish(),
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            send_consent_receipt(current_user, change)
            db.session.commit()
            flash("Your choices have been saved", "success")
            return redirect(url_for("accounts.show_privacy"))
    return render_template(
        "accounts/show_privacy.html",
        form=form,
        withdraw_form=WithdrawAllForm(),
        agreed=agreed,
        history=register_queries.consent_history(current_user),
        title="Your privacy and the register",
    )


@bp.route("/account/privacy/withdraw", methods=["GET", "POST"])
@signed_in
def withdraw_consent():
    form = WithdrawAllForm()
    if form.validate_on_submit():
        change = register_services.withdraw_all_consent(
            current_user, source="privacy settings", now=utcnow(), auto_republish=auto_republish()
        )
        send_consent_receipt(current_user, change)
        db.session.commit()
        flash("You have withdrawn consent: nothing about you will be published", "success")
        return redirect(url_for("accounts.show_privacy"))
    return render_template(
        "accounts/withdraw_consent.html", form=form, title="Withdraw consent to publish anything"
    )


@bp.get("/account/data")
@signed_in
def show_data():
    return render_template("accounts/show_data.html", title="Your data")


@bp.get("/account/data/download")
@signed_in
def download_data():
    data = personal_data.export_personal_data(current_user)
    db.session.commit()
    body = json.dumps(data, indent=2, ensure_ascii=False, default=str)
    return attachment(
        body,
        mimetype="application/json",
        filename="my-skillsreg-data.json",
        headers={"Cache-Control": "no-store"},
    )


@bp.route("/account/delete", methods=["GET", "POST"])
@signed_in
def delete_account():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            personal_data.erase_account(
                current_user,
                password=form.password.data,
                now=utcnow(),
                auto_republish=auto_republish(),
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            db.session.commit()
            logout_user()
            session.clear()
            flash("Your account has been deleted", "success")
            return redirect(url_for("core.index"))
    return render_template("accounts/delete_account.html", form=form, title="Delete your account")


AUDIT_PAGE_SIZE = 50


@admin_bp.get("/audit")
@admin_required
def list_audit_events():
    actions = db.session.scalars(
        sa.select(AuditEvent.action).distinct().order_by(AuditEvent.action)
    ).all()
    form = AuditFilterForm(request.args)
    form.action.choices = [("", "All actions"), *((a, a) for a in actions)]
    query = sa.select(AuditEvent).order_by(AuditEvent.id.desc())
    if form.action.data:
        query = query.where(AuditEvent.action == form.action.data)
    page = db.paginate(query, per_page=AUDIT_PAGE_SIZE, error_out=False)
    return render_template(
        "accounts/list_audit_events.html", form=form, page=page, title="Audit log"
    )


# The confirmation, email and details pages add their routes to `bp`.
from skillsreg.accounts import details_views  # noqa: E402
