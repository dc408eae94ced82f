"""Credential pages: a member's credentials, downloads, verification, keys and the status list."""

from __future__ import annotations

import json
from datetime import timedelta

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from skillsreg.core.auth import organiser_required, public, signed_in
from skillsreg.core.db import utcnow
from skillsreg.core.downloads import attachment
from skillsreg.core.forms import add_domain_error
from skillsreg.core.templating import govuk_date
from skillsreg.credentials import queries, rules, services
from skillsreg.credentials.badges import badge_png, badge_svg
from skillsreg.credentials.forms import IssueForm, RevokeForm, VerifyUploadForm, VisibilityForm
from skillsreg.credentials.keys import SigningKeyError, read_claims
from skillsreg.credentials.models import Credential
from skillsreg.credentials.verification import Verdict, verify_token, verify_upload
from skillsreg.extensions import db
from skillsreg.workshops.models import Workshop

bp = Blueprint("credentials", __name__)

MAX_UPLOAD = 2 * 1024 * 1024


def _signer() -> services.Signer:
    try:
        return services.signer_from_config(current_app.config)
    except SigningKeyError as error:
        current_app.logger.error("credentials: %s", error.message)
        abort(503)


def _status_lists(signer: services.Signer):
    # The server reads only its own status list: fetching addresses from uploads invites SSRF.
    def fetch(url: str) -> str | None:
        if url == signer.status_list_url:
            return services.status_list_credential(signer, now=utcnow())
        return None

    return fetch


def _verify(token: str) -> Verdict:
    signer = _signer()
    return verify_token(
        token, jwks=signer.keys.public_jwks(), status_lists=_status_lists(signer), now=utcnow()
    )


def _verify_anything(content: bytes) -> Verdict:
    """Verify an upload; with no keys configured every signature fails as unpublished."""
    try:
        signer: services.Signer | None = services.signer_from_config(current_app.config)
    except SigningKeyError:
        signer = None
    return verify_upload(
        content,
        jwks=signer.keys.public_jwks() if signer else {"keys": []},
        status_lists=_status_lists(signer) if signer else lambda url: None,
        now=utcnow(),
    )


def _own_or_404(public_id: str, *, organisers_too: bool = False) -> Credential:
    credential = queries.find_credential(public_id)
    if credential is None or credential.user_id is None:
        abort(404)
    if credential.user_id != current_user.id and not (organisers_too and current_user.is_organiser):
        abort(404)
    return credential


def _visible_or_404(public_id: str) -> Credential:
    """The credential if it is public or the viewer's own."""
    credential = queries.find_credential(public_id)
    if credential is None or not credential.jwt:
        abort(404)
    mine = current_user.is_authenticated and credential.user_id == current_user.id
    if not (credential.is_public or mine):
        abort(404)
    return credential


@bp.app_template_filter("credential_day")
def credential_day(text: str | None) -> str:
    """A credential's dateTime as GOV.UK writes a date ("6 December 2026"); kept if unreadable."""
    try:
        return govuk_date(rules.parse_time(text)) if text else ""
    except (TypeError, ValueError):
        return str(text)


@bp.get("/credentials")
@signed_in
def list_credentials():
    credentials = queries.credentials_of(current_user.id)
    return render_template(
        "credentials/list_credentials.html",
        credentials=credentials,
        offers=queries.validated_levels_to_offer(current_user.id),
        form=IssueForm(),
        now=utcnow(),
        title="Your credentials",
    )


@bp.post("/credentials/skill-levels/<int:rating_id>")
@signed_in
def issue_skill_level_credential(rating_id: int):
    validated = queries.find_validated_level(current_user.id, rating_id) or abort(404)
    now = utcnow()
    years = int(current_app.config["CREDENTIALS_SKILL_LEVEL_YEARS"])
    try:
        credential = services.issue_skill_level_credential(
            current_user,
            services.facts_of(validated),
            signer=_signer(),
            valid_until=now + timedelta(days=365 * years),
            actor=current_user,
            now=now,
        )
    except services.CredentialError as error:
        flash(error.message, "error")
        return redirect(url_for("credentials.list_credentials"))
    db.session.commit()
    flash("Credential issued")
    return redirect(url_for("credentials.show_credential", public_id=credential.uuid))


@bp.get("/credentials/<public_id>")
@signed_in
def show_credential(public_id):
    credential = _own_or_404(public_id, organisers_too=True)
    verdict = _verify(credential.jwt) if credential.jwt else None
    return render_template(
        "credentials/show_credential.html",
        credential=credential,
        verdict=verdict,
        data=verdict.credential if verdict else None,
        title=credential.name,
    )


@bp.route("/credentials/<public_id>/visibility", methods=["GET", "POST"])
@signed_in
def change_visibility(public_id):
    credential = _own_or_404(public_id)
    form = VisibilityForm(visibility="public" if credential.is_public else "private")
    if form.validate_on_submit():
        try:
            services.set_public(
                credential, public=form.visibility.data == "public", actor=current_user
            )
        except services.CredentialError as error:
            add_domain_error(form, error)
        else:
            db.session.commit()
            flash("Credential made public" if credential.is_public else "Credential made private")
            return redirect(url_for("credentials.show_credential", public_id=credential.uuid))
    return render_template(
        "credentials/change_visibility.html",
        form=form,
        credential=credential,
        title="Who can see it",
    )


@bp.route("/credentials/<public_id>/revoke", methods=["GET", "POST"])
@signed_in
def revoke_credential(public_id):
    credential = _own_or_404(public_id, organisers_too=True)
    form = RevokeForm()
    if form.validate_on_submit():
        try:
            services.revoke_credential(
                credential, reason=form.reason.data, actor=current_user, now=utcnow()
            )
        except services.CredentialError as error:
            add_domain_error(form, error)
        else:
            db.session.commit()
            flash("Credential revoked")
            return redirect(url_for("credentials.show_credential", public_id=credential.uuid))
    return render_template(
        "credentials/revoke_credential.html",
        form=form,
        credential=credential,
        title="Revoke the credential",
    )


@bp.get("/credentials/<public_id>/credential.<any(json, jwt):fmt>")
@public
def download_credential(public_id, fmt: str):
    credential = _visible_or_404(public_id)
    name = f"credential-{credential.uuid}"
    if fmt == "jwt":
        return attachment(credential.jwt, mimetype="application/jwt", filename=f"{name}.jwt")
    data = rules.credential_from_claims(read_claims(credential.jwt))
    body = rules.json_download(data, jwt=credential.jwt, kid=credential.key_id)
    text = json.dumps(body, indent=2, ensure_ascii=False) + "\n"
    return attachment(text, mimetype="application/json", filename=f"{name}.json")


@bp.get("/credentials/<public_id>/badge.svg")
@public
def show_badge(public_id):
    """The plain badge picture the credential's `image` points at (nothing baked in)."""
    credential = queries.find_credential(public_id) or abort(404)
    svg = badge_svg(title=credential.name, subtitle="", issuer_name=_issuer_name())
    response = Response(svg, content_type="image/svg+xml")
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


def _issuer_name() -> str:
    return str(current_app.config["CREDENTIALS_ISSUER_NAME"])


@bp.get("/credentials/<public_id>/baked.<any(svg, png):fmt>")
@public
def download_baked_badge(public_id, fmt: str):
    credential = _visible_or_404(public_id)
    name = f"badge-{credential.uuid}.{fmt}"
    if fmt == "png":
        return attachment(badge_png(credential.jwt), mimetype="image/png", filename=name)
    subtitle = credential.kind.label
    svg = badge_svg(
        title=credential.name, subtitle=subtitle, issuer_name=_issuer_name(), jwt=credential.jwt
    )
    return attachment(svg, mimetype="image/svg+xml", filename=name)


@bp.get("/credentials/<public_id>/verify")
@public
def verify_public_credential(public_id):
    credential = queries.find_credential(public_id)
    if credential is None or not credential.jwt or not credential.is_public:
        abort(404)
    verdict = _verify(credential.jwt)
    return render_template(
        "credentials/verify_public_credential.html",
        credential=credential,
        verdict=verdict,
        data=verdict.credential,
        title=f"Check a credential: {credential.name}",
    )


@bp.route("/credentials/verify", methods=["GET", "POST"])
@public
def verify_credential():
    request.max_content_length = MAX_UPLOAD
    form = VerifyUploadForm()
    verdict = None
    if form.validate_on_submit():
        upload = form.upload.data
        content = upload.read(MAX_UPLOAD) if upload and upload.filename else b""
        content = content or (form.credential.data or "").encode()
        if not content.strip():
            form.credential.errors = ["Paste a credential or choose a file"]
        else:
            verdict = _verify_anything(content)
    return render_template(
        "credentials/verify_credential.html",
        form=form,
        verdict=verdict,
        data=verdict.credential if verdict else None,
        title="Check a credential",
    )


@bp.get("/credentials/status/revocation")
@public
def show_status_list():
    token = services.status_list_credential(_signer(), now=utcnow())
    response = Response(token, content_type="application/vc+jwt")
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("/.well-known/jwks.json")
@public
def show_jwks():
    return _public_json(_signer().keys.public_jwks(), "application/jwk-set+json")


@bp.get("/.well-known/did.json")
@public
def show_did_document():
    return _public_json(services.did_document(_signer()), "application/did+json")


def _public_json(data: dict, content_type: str) -> Response:
    response = jsonify(data)
    response.content_type = content_type
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("/credentials/manage")
@organiser_required
def manage_credentials():
    return render_template(
        "credentials/manage_credentials.html",
        workshops=queries.attendance_to_credit(),
        credentials=queries.recent_credentials(),
        form=IssueForm(),
        title="Credentials",
    )


@bp.post("/credentials/workshops/<slug>/issue")
@organiser_required
def issue_workshop_credentials(slug: str):
    workshop = db.session.scalars(db.select(Workshop).filter_by(slug=slug)).first() or abort(404)
    form = IssueForm()
    if not form.validate_on_submit():
        abort(400)
    count = services.issue_attendance_credentials(
        workshop, signer=_signer(), actor=current_user, now=utcnow()
    )
    db.session.commit()
    flash(f"{count} attendance {'credential' if count == 1 else 'credentials'} issued")
    return redirect(url_for("credentials.manage_credentials"))
