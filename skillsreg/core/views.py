"""Start page, information pages, health check and GOV.UK Frontend files."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, send_from_directory, url_for
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from skillsreg.core.auth import public
from skillsreg.extensions import db

bp = Blueprint("core", __name__)


@bp.get("/")
@public
def index():
    if current_user.is_authenticated:  # signed-in people have a home page of their own
        return redirect(url_for("home.show_home"))
    return render_template("core/index.html", title="Start")


@bp.get("/privacy")
@public
def show_privacy():
    return render_template("core/privacy.html", title="Privacy notice")


@bp.get("/accessibility")
@public
def show_accessibility():
    return render_template("core/accessibility.html", title="Accessibility statement")


@bp.get("/feedback")
@public
def show_feedback():
    return render_template("core/feedback.html", title="Give feedback")


@bp.get("/healthz")
@public
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return {"status": "unavailable", "database": "unreachable"}, 503
    return {"status": "ok", "database": "reachable"}, 200


@bp.get("/assets/<path:filename>")
@public
def govuk_assets(filename: str):
    directory = current_app.config["GOVUK_FRONTEND_DIR"] + "/assets"
    return send_from_directory(directory, filename, max_age=86400)


@bp.get("/govuk-frontend/<path:filename>")
@public
def govuk_frontend(filename: str):
    return send_from_directory(current_app.config["GOVUK_FRONTEND_DIR"], filename, max_age=3600)
