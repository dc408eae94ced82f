"""Account pages: sign up, sign in and out, passwords, and the administrators' user list."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from skillsreg.accounts import services
from skillsreg.accounts.forms import (
    PasswordChangeForm,
    PasswordResetForm,
    PasswordResetRequestForm,
    RoleChangeForm,
    SignInForm,
    SignUpForm,
)
from skillsreg.accounts.models import User
from skillsreg.accounts.rules import Role
from skillsreg.core.auth import admin_required, is_safe_next, public, signed_in
from skillsreg.core.db import utcnow
from skillsreg.core.errors import DomainError
from skillsreg.core.forms import add_domain_error
from skillsreg.core.mail import OutboxMessage
from skillsreg.extensions import db, limiter, login_manager

bp = Blueprint("accounts", __name__)
admin_bp = Blueprint("admin", __name__, url_prefix="/admin")

login_manager.login_view = "accounts.sign_in"
login_manager.login_message = "Sign in to continue. Anything you had saved is still there."
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(login_id: str) -> User | None:
    try:
        return db.session.scalar(db.select(User).where(User.login_id == login_id))
    except SQLAlchemyError:
        db.session.rollback()  # the error page must still render while the database is down
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
    return redirect(url_for("accounts.show_account"))


@bp.route("/sign-up", methods=["GET", "POST"])
@public
def sign_up():
    form = SignUpForm()
    if form.validate_on_submit():
        try:
            values = form.data
            user = services.register_user(
                name=values["name"],
                email=values["email"],
                password=values["password"],
                organisation=values["organisation"],
                sector=values["sector"],
                job_title=values["job_title"],
                web_groups=values["web_groups"],
                now=utcnow(),
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            db.session.commit()
            _start_session(user, remember=False)
            flash("Your account has been created", "success")
            return redirect(url_for("accounts.show_account"))
    return render_template("accounts/sign_up.html", form=form, title="Create an account")


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
            db.session.commit()
            _start_session(user, remember=form.remember.data)
            return _after_sign_in()
    return render_template("accounts/sign_in.html", form=form, title="Sign in")


@bp.post("/sign-out")
@public
def sign_out():
    logout_user()
    session.clear()
    flash("You have signed out", "success")
    return redirect(url_for("core.index"))


@bp.get("/account")
@signed_in
def show_account():
    return render_template("accounts/show_account.html", title="Your account")


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
