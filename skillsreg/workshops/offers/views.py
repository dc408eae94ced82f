"""Pages of the offers domain: replies to offers, members' places, organisers' attendee pages."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from skillsreg.core.auth import organiser_required, public, signed_in
from skillsreg.core.db import utcnow
from skillsreg.core.downloads import attachment
from skillsreg.core.errors import DomainError
from skillsreg.core.forms import add_domain_error
from skillsreg.extensions import db
from skillsreg.workshops import queries as workshop_queries
from skillsreg.workshops.models import ChoiceStatus, Workshop, WorkshopStatus
from skillsreg.workshops.offers import attendance, queries, services
from skillsreg.workshops.offers.emails import invitation_for
from skillsreg.workshops.offers.forms import (
    AcceptOfferForm,
    DeclineOfferForm,
    EmailAttendeesForm,
    FillPlacesForm,
    WithdrawPlaceForm,
    attendance_form,
)
from skillsreg.workshops.offers.models import Offer, OfferStatus
from skillsreg.workshops.offers.replacement import WorkshopRound, waiting_list

bp = Blueprint("offers", __name__, url_prefix="/workshops")


@bp.context_processor
def display_helpers() -> dict[str, Any]:
    return {
        "long_date": workshop_queries.long_date,
        "clock": workshop_queries.clock,
        "short_date": queries.short_date,
    }


# For every page listing a member's applications: "Offer expired" rather than "Place declined".
bp.add_app_template_global(queries.choice_status_label, "choice_status_label")


def _offer_or_404(token: str) -> Offer:
    offer = services.find_offer(token)
    if offer is None:
        abort(404)
    return offer


def _answer(offer: Any, form: Any, act: Any, *, done: str, **page: Any) -> Any:
    """Show an open offer with one button; on a valid post, answer it and go to `done`."""
    if not offer.is_open or offer.expires_at <= utcnow():
        return redirect(done)
    if form.validate_on_submit():
        try:
            act(offer, now=utcnow())
        except DomainError as error:
            db.session.rollback()
            add_domain_error(form, error, field="submit")
        else:
            db.session.commit()
            return redirect(done)
    return render_template(form=form, offer=offer, **page)


REPLIES = {
    "accept": (AcceptOfferForm, services.accept_offer, "Accept your place", "decline"),
    "decline": (DeclineOfferForm, services.decline_offer, "Decline your place", "accept"),
}


def _reply(token: str, action: str) -> Any:
    form_class, act, title, other = REPLIES[action]
    return _answer(
        _offer_or_404(token),
        form_class(),
        act,
        done=url_for("offers.show_reply", token=token),
        template_name_or_list=f"workshops/offers/{action}_offer.html",
        title=title,
        other_url=url_for(f"offers.{other}_offer", token=token),
    )


@bp.route("/offers/<token>/accept", methods=["GET", "POST"])
@public
def accept_offer(token: str):
    return _reply(token, "accept")


@bp.route("/offers/<token>/decline", methods=["GET", "POST"])
@public
def decline_offer(token: str):
    return _reply(token, "decline")


def _reply_signed_in(choice_id: int, action: str) -> Any:
    """The same answers for a signed-in member, from their places page: no emailed link needed."""
    choice = _own_choice_or_404(choice_id)
    offer = services.open_offer_of(choice)
    if offer is None:
        return redirect(url_for("offers.list_places"))
    form_class, act, title, other = REPLIES[action]
    return _answer(
        offer,
        form_class(),
        act,
        done=url_for("offers.list_places"),
        template_name_or_list=f"workshops/offers/{action}_offer.html",
        title=title,
        other_url=url_for(f"offers.{other}_place", choice_id=choice_id),
    )


@bp.route("/places/<int:choice_id>/accept", methods=["GET", "POST"])
@signed_in
def accept_place(choice_id: int):
    return _reply_signed_in(choice_id, "accept")


@bp.route("/places/<int:choice_id>/decline", methods=["GET", "POST"])
@signed_in
def decline_place(choice_id: int):
    return _reply_signed_in(choice_id, "decline")


REPLY_TITLES = {
    OfferStatus.ACCEPTED: "Your place is confirmed",
    OfferStatus.DECLINED: "You have declined the place",
    OfferStatus.WITHDRAWN: "This offer has closed",
    OfferStatus.EXPIRED: "This offer has expired",
    OfferStatus.OFFERED: "This offer has expired",
}


@bp.get("/offers/<token>")
@public
def show_reply(token: str):
    offer = _offer_or_404(token)
    if offer.is_open and offer.expires_at > utcnow():
        return redirect(url_for("offers.accept_offer", token=token))
    return render_template(
        "workshops/offers/show_reply.html", offer=offer, title=REPLY_TITLES[offer.status]
    )


@bp.get("/places")
@signed_in
def list_places():
    return render_template(
        "workshops/offers/list_places.html",
        places=queries.places_of(current_user, now=utcnow()),
        title="Your workshop places",
    )


def _own_choice_or_404(choice_id: int) -> Any:
    choice = queries.own_choice(current_user, choice_id)
    if choice is None:
        abort(404)
    return choice


@bp.get("/places/<int:choice_id>/invitation.ics")
@signed_in
def download_invitation(choice_id: int):
    choice = _own_choice_or_404(choice_id)
    if choice.status is not ChoiceStatus.ACCEPTED or choice.workshop.status is not (
        WorkshopStatus.PUBLISHED
    ):
        abort(404)
    return attachment(
        invitation_for(choice, now=utcnow()),
        mimetype="text/calendar",
        filename=f"{choice.workshop.slug}.ics",
    )


@bp.route("/places/<int:choice_id>/withdraw", methods=["GET", "POST"])
@signed_in
def withdraw_place(choice_id: int):
    choice = _own_choice_or_404(choice_id)
    form = WithdrawPlaceForm()
    if form.validate_on_submit():
        try:
            services.withdraw_choice(choice, now=utcnow())
        except DomainError as error:
            add_domain_error(form, error, field="submit")
        else:
            db.session.commit()
            flash(f"You have withdrawn from {choice.workshop.title}", "success")
            return redirect(url_for("offers.list_places"))
    return render_template(
        "workshops/offers/withdraw_place.html",
        form=form,
        choice=choice,
        title="Withdraw from a workshop",
    )


def _workshop_or_404(slug: str) -> Workshop:
    workshop = workshop_queries.visible_workshop(slug, current_user)
    if workshop is None:
        abort(404)
    return workshop


@bp.get("/<slug>/attendees")
@organiser_required
def list_attendees(slug: str):
    workshop = _workshop_or_404(slug)
    now = utcnow()
    ordered, blocked = waiting_list(workshop, now=now)
    free = WorkshopRound(workshop, now=now).free_places if workshop.starts_at > now else 0
    return render_template(
        "workshops/offers/list_attendees.html",
        workshop=workshop,
        free_places=free,
        form=FillPlacesForm(),
        attendees=queries.attendees(workshop),
        waiting=ordered,
        blocked=blocked,
        offers=queries.offers_of(workshop),
        title=f"Places at {workshop.title}",
    )


@bp.post("/<slug>/attendees/fill")
@organiser_required
def fill_places(slug: str):
    workshop = _workshop_or_404(slug)
    form = FillPlacesForm()
    if not form.validate_on_submit():
        abort(400)
    offers = services.fill_places(workshop, now=utcnow())
    db.session.commit()
    count = len(offers)
    flash(f"{count} place{'' if count == 1 else 's'} offered to the waiting list", "success")
    return redirect(url_for("offers.list_attendees", slug=slug))


@bp.get("/<slug>/attendees.csv")
@organiser_required
def export_attendees(slug: str):
    workshop = _workshop_or_404(slug)
    return attachment(
        queries.attendees_csv(workshop),
        mimetype="text/csv",
        filename=f"{workshop.slug}-attendees.csv",
    )


@bp.route("/<slug>/attendees/email", methods=["GET", "POST"])
@organiser_required
def email_attendees(slug: str):
    workshop = _workshop_or_404(slug)
    form = EmailAttendeesForm()
    if form.validate_on_submit():
        try:
            count = attendance.email_attendees(
                workshop,
                subject=form.subject.data or "",
                message=form.message.data or "",
                actor=current_user,
                now=utcnow(),
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            db.session.commit()
            flash(f"Message sent to {count} attendee{'' if count == 1 else 's'}", "success")
            return redirect(url_for("offers.list_attendees", slug=slug))
    return render_template(
        "workshops/offers/email_attendees.html",
        form=form,
        workshop=workshop,
        attendees=queries.attendees(workshop),
        title="Email attendees",
    )


def _attendance_data(attendees: list[Any]) -> dict[str, str]:
    names = {True: "yes", False: "no", None: "unknown"}
    return {f"attended_{c.id}": names[c.attended] for c in attendees}


@bp.route("/<slug>/attendance", methods=["GET", "POST"])
@organiser_required
def record_attendance(slug: str):
    workshop = _workshop_or_404(slug)
    attendees = queries.attendees(workshop)
    ids = [c.id for c in attendees]
    form = attendance_form(
        [(c.id, c.eoi.user.name) for c in attendees], data=_attendance_data(attendees)
    )
    if attendees and form.validate_on_submit():
        try:
            attendance.record_attendance(
                workshop, attended=form.attended(ids), actor=current_user, now=utcnow()
            )
        except DomainError as error:
            add_domain_error(form, error, field="submit")
        else:
            db.session.commit()
            flash("Attendance saved", "success")
            return redirect(url_for("offers.list_attendees", slug=slug))
    return render_template(
        "workshops/offers/record_attendance.html",
        form=form,
        workshop=workshop,
        attendees=attendees,
        started=workshop.starts_at <= utcnow(),
        title="Record attendance",
    )
