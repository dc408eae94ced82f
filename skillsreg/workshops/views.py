"""Workshop pages: organisers' management, public listings, and expressions of interest."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from skillsreg.accounts.confirmed import confirmed_required
from skillsreg.core.auth import organiser_required, public, signed_in
from skillsreg.core.db import utcnow
from skillsreg.core.errors import DomainError
from skillsreg.core.forms import add_domain_error
from skillsreg.core.mail import queue_mail
from skillsreg.extensions import db
from skillsreg.register import queries as register_queries
from skillsreg.register import services as register_services
from skillsreg.register.notices import auto_republish, send_consent_receipt
from skillsreg.workshops import queries, services
from skillsreg.workshops.forms import (
    AnswersForm,
    CancelForm,
    ChooseWorkshopsForm,
    ConfirmForm,
    PublishForm,
    WithdrawForm,
    WorkshopForm,
    rank_form,
)
from skillsreg.workshops.models import ExpressionOfInterest, Workshop
from skillsreg.workshops.services import WorkshopDetails

bp = Blueprint("workshops", __name__, url_prefix="/workshops")

EXPRESS_INTEREST = "express interest in a workshop"


@bp.context_processor
def display_helpers() -> dict[str, Any]:
    return {
        "long_date": queries.long_date,
        "clock": queries.clock,
        "closing_text": queries.closing_text,
        "now": utcnow(),
    }


def _workshop_or_404(slug: str) -> Workshop:
    workshop = queries.visible_workshop(slug, current_user)
    if workshop is None:
        abort(404)
    return workshop


@bp.get("/")
@public
def list_workshops():
    workshops = queries.published_workshops(now=utcnow())
    return render_template("workshops/list_workshops.html", workshops=workshops, title="Workshops")


@bp.get("/<slug>")
@public
def show_workshop(slug: str):
    workshop = _workshop_or_404(slug)
    refusal = None
    if current_user.is_authenticated:
        refusal = services.refusal(workshop, current_user, now=utcnow())
    return render_template(
        "workshops/show_workshop.html", workshop=workshop, refusal=refusal, title=workshop.title
    )


@bp.get("/manage")
@organiser_required
def manage_workshops():
    return render_template(
        "workshops/manage_workshops.html",
        workshops=queries.all_workshops(),
        title="Manage workshops",
    )


def _workshop_form(**kwargs: Any) -> WorkshopForm:
    form = WorkshopForm(**kwargs)
    form.target_version_id.choices = queries.version_choices()
    return form


@bp.route("/new", methods=["GET", "POST"])
@organiser_required
def create_workshop():
    form = _workshop_form(
        data={"eligible_sectors": ["public", "third"], "one_place_per_person": True}
    )
    if form.validate_on_submit():
        try:
            workshop = services.create_workshop(
                actor=current_user, details=WorkshopDetails.from_form(form.values()), now=utcnow()
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            db.session.commit()
            flash(f"{workshop.title} saved as a draft", "success")
            return redirect(url_for("workshops.show_workshop", slug=workshop.slug))
    return render_template("workshops/edit_workshop.html", form=form, title="Create a workshop")


def _form_data(workshop: Workshop) -> dict[str, Any]:
    start, end = queries.in_london(workshop.starts_at), queries.in_london(workshop.ends_at)
    data = {
        name: getattr(workshop, name)
        for name in WorkshopDetails.__dataclass_fields__
        if hasattr(workshop, name)
    }
    data.update(
        day=start.date(),
        start=f"{start:%H:%M}",
        end=f"{end:%H:%M}",
        closes_on=queries.last_day(workshop),
        target_version_id=str(workshop.target_version_id or ""),
        target_role_codes=", ".join(workshop.target_role_codes),
        target_skill_codes=", ".join(workshop.target_skill_codes),
    )
    return data


@bp.route("/<slug>/edit", methods=["GET", "POST"])
@organiser_required
def edit_workshop(slug: str):
    workshop = _workshop_or_404(slug)
    form = _workshop_form(data=_form_data(workshop))
    valid = form.validate_on_submit()
    closing_warning = valid and _closing_unconfirmed(workshop, form)
    if valid and not closing_warning:
        try:
            details = WorkshopDetails.from_form(form.values())
            services.update_workshop(workshop, details=details, now=utcnow())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            db.session.commit()
            flash("Workshop saved", "success")
            return redirect(url_for("workshops.show_workshop", slug=workshop.slug))
    title = f"Change {workshop.title}"
    return render_template(
        "workshops/edit_workshop.html",
        form=form,
        title=title,
        workshop=workshop,
        closing_warning=closing_warning,
        applicants=queries.applicant_count(workshop),
    )


def _closing_unconfirmed(workshop: Workshop, form: WorkshopForm) -> bool:
    """A closing date in the past closes the workshop now: ask once more before saving it."""
    closes_on = form.closes_on.data
    if not services.closes_into_the_past(workshop, closes_on, now=utcnow()):
        return False
    if form.closing_confirmed.data == closes_on.isoformat():
        return False
    form.closing_confirmed.data = closes_on.isoformat()
    return True


@bp.route("/<slug>/publish", methods=["GET", "POST"])
@organiser_required
def publish_workshop(slug: str):
    workshop = _workshop_or_404(slug)
    form = PublishForm()
    if form.validate_on_submit():
        try:
            services.publish_workshop(workshop, now=utcnow())
        except DomainError as error:
            add_domain_error(form, error, field="submit")
        else:
            db.session.commit()
            flash(f"{workshop.title} is published", "success")
            return redirect(url_for("workshops.show_workshop", slug=workshop.slug))
    return render_template(
        "workshops/publish_workshop.html", form=form, workshop=workshop, title="Publish workshop"
    )


@bp.route("/<slug>/cancel", methods=["GET", "POST"])
@organiser_required
def cancel_workshop(slug: str):
    workshop = _workshop_or_404(slug)
    form = CancelForm()
    if form.validate_on_submit():
        try:
            services.cancel_workshop(workshop, now=utcnow())
        except DomainError as error:
            add_domain_error(form, error, field="submit")
        else:
            db.session.commit()
            flash(f"{workshop.title} is cancelled: everyone concerned is being told", "success")
            return redirect(url_for("workshops.show_workshop", slug=workshop.slug))
    return render_template(
        "workshops/cancel_workshop.html", form=form, workshop=workshop, title="Cancel workshop"
    )


@bp.route("/interest", methods=["GET", "POST"])
@signed_in
@confirmed_required(EXPRESS_INTEREST)
def express_interest():
    now = utcnow()
    eoi = services.current_interest(current_user, now=now)
    workshops = queries.open_workshops_for(current_user, now=now)
    chosen = [c.workshop_id for c in eoi.choices] if eoi else []
    # "Express interest" on a workshop's page starts with that workshop chosen.
    chosen += [w.id for w in workshops if w.slug == request.args.get("workshop")]
    form = ChooseWorkshopsForm(
        data={
            "workshop_ids": chosen,
            "wants_to_comment_on_draft": bool(eoi and eoi.wants_to_comment_on_draft),
        }
    )
    form.workshop_ids.choices = [(w.id, queries.choice_label(w)) for w in workshops]
    if form.validate_on_submit():
        try:
            eoi = services.start_interest(current_user, now=now)
            services.choose_workshops(eoi, now=now, **_without_submit(form))
        except DomainError as error:
            shown = "workshop_ids" if workshops else "wants_to_comment_on_draft"
            add_domain_error(form, error, field=shown)
        else:
            db.session.commit()
            return redirect(url_for("workshops.rank_workshops"))
    return render_template(
        "workshops/express_interest.html", form=form, eoi=eoi, title="Express interest in workshops"
    )


def _without_submit(form: Any) -> dict[str, Any]:
    return {k: v for k, v in form.data.items() if k not in ("submit", "csrf_token")}


def _not_started() -> str:
    return render_template("workshops/not_started.html", title="You have not started yet")


@bp.route("/interest/rank", methods=["GET", "POST"])
@signed_in
@confirmed_required(EXPRESS_INTEREST)
def rank_workshops():
    eoi = services.current_interest(current_user, now=utcnow())
    if eoi is None:
        return _not_started()
    ids = [c.workshop_id for c in eoi.choices]
    form = rank_form([(c.workshop_id, c.workshop.title) for c in eoi.choices], data=_rank_data(eoi))
    if form.validate_on_submit():
        try:
            services.rank_choices(
                eoi, ranks=form.ranks(ids), availability=form.availability(ids), now=utcnow()
            )
        except DomainError as error:
            add_domain_error(form, error, field=f"rank_{ids[0]}")
        else:
            db.session.commit()
            return redirect(url_for("workshops.answer_questions"))
    return render_template(
        "workshops/rank_workshops.html", form=form, eoi=eoi, title="Rank your workshops"
    )


def _rank_data(eoi: ExpressionOfInterest) -> dict[str, str]:
    data = {}
    for choice in eoi.choices:
        data[f"rank_{choice.workshop_id}"] = str(choice.rank)
        if choice.is_available is not None:
            data[f"available_{choice.workshop_id}"] = "yes" if choice.is_available else "no"
    return data


@bp.route("/interest/about-you", methods=["GET", "POST"])
@signed_in
@confirmed_required(EXPRESS_INTEREST)
def answer_questions():
    eoi = services.current_interest(current_user, now=utcnow())
    if eoi is None:
        return _not_started()
    form = AnswersForm(data=_answers_data(eoi))
    form.consent_fields.choices = register_queries.consent_choices()
    if form.validate_on_submit():
        values = _without_submit(form)
        values["manages_web_team"] = values["manages_web_team"] == "yes"
        if not values["manages_web_team"]:
            values["years_managing"] = None  # asked only of those who said yes
        consent = values.pop("consent_fields") or []
        try:
            services.answer_questions(eoi, now=utcnow(), **values)
            change = register_services.set_consents(
                current_user,
                fields=consent,
                source="expression of interest",
                now=utcnow(),
                auto_republish=auto_republish(),
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            send_consent_receipt(current_user, change)
            db.session.commit()
            return redirect(url_for("workshops.check_answers"))
    return render_template(
        "workshops/answer_questions.html", form=form, eoi=eoi, title="About you and your experience"
    )


def _answers_data(eoi: ExpressionOfInterest) -> dict[str, Any]:
    managed = {True: "yes", False: "no", None: None}[eoi.manages_web_team]
    return {
        "experience": eoi.experience,
        "manages_web_team": managed,
        "years_managing": eoi.years_managing,
        "share_assessment": eoi.share_assessment,
        "access_needs": eoi.access_needs,
        "consent_fields": [f.value for f in register_queries.consents_of(eoi.user)],
    }


@bp.route("/interest/check", methods=["GET", "POST"])
@signed_in
@confirmed_required(EXPRESS_INTEREST)
def check_answers():
    eoi = services.current_interest(current_user, now=utcnow())
    if eoi is None:
        return _not_started()
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            services.submit_interest(eoi, now=utcnow())
        except DomainError as error:
            add_domain_error(form, error, field="submit")
        else:
            _send_confirmation(eoi)
            db.session.commit()
            return redirect(url_for("workshops.show_confirmation"))
    return render_template(
        "workshops/check_answers.html",
        form=form,
        eoi=eoi,
        missing=services.missing_answers(eoi),
        consents=register_queries.consent_labels(current_user),
        title="Check your answers before sending",
    )


def _consultation_url(external: bool = False) -> str | None:
    version = queries.consultation_version()
    if version is None:
        return None
    return url_for(
        "frameworks.show_version", slug=queries.FRAMEWORK_SLUG, version=version, _external=external
    )


def _send_confirmation(eoi: ExpressionOfInterest) -> None:
    queue_mail(
        to=eoi.user.email,
        subject="We have your expression of interest in workshops",
        template="interest_received",
        user=eoi.user,
        eoi=eoi,
        applications_url=url_for("workshops.list_applications", _external=True),
        consultation_url=_consultation_url(external=True),
    )


@bp.get("/interest/confirmation")
@signed_in
def show_confirmation():
    eoi = services.current_interest(current_user, now=utcnow())
    if eoi is None or not eoi.is_submitted:
        return _not_started()
    return render_template(
        "workshops/show_confirmation.html",
        eoi=eoi,
        consultation_url=_consultation_url(),
        title="Expression of interest sent",
    )


@bp.get("/applications")
@signed_in
def list_applications():
    return render_template(
        "workshops/list_applications.html",
        applications=queries.applications_of(current_user),
        current=services.current_interest(current_user, now=utcnow()),
        title="Your workshop applications",
    )


@bp.route("/applications/<int:eoi_id>/withdraw", methods=["GET", "POST"])
@signed_in
def withdraw_interest(eoi_id: int):
    eoi = db.session.get(ExpressionOfInterest, eoi_id)
    if eoi is None or eoi.user_id != current_user.id or eoi.is_withdrawn:
        abort(404)
    form = WithdrawForm()
    if form.validate_on_submit():
        services.withdraw_interest(eoi, now=utcnow())
        db.session.commit()
        flash("You have withdrawn your expression of interest", "success")
        return redirect(url_for("workshops.list_applications"))
    return render_template(
        "workshops/withdraw_interest.html", form=form, eoi=eoi, title="Withdraw your application"
    )
