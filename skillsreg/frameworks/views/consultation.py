"""Frameworks views: members comment on a version in consultation; organisers respond."""

from __future__ import annotations

import csv
import io

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from skillsreg.accounts.confirmed import confirmed_required
from skillsreg.core.auth import organiser_required, signed_in
from skillsreg.core.db import utcnow
from skillsreg.core.downloads import attachment
from skillsreg.core.errors import DomainError
from skillsreg.core.forms import add_domain_error
from skillsreg.extensions import db
from skillsreg.frameworks import queries, services
from skillsreg.frameworks.forms.consultation import CommentResponseForm, VersionCommentForm
from skillsreg.frameworks.models import Comment, CommentStatus, FrameworkVersion, VersionStatus
from skillsreg.frameworks.views import bp
from skillsreg.frameworks.views.browse import render_skill, skill_comment_form, visible_version

THANKS = "Thank you: your comment has been sent to the organisers"
COMMENT = "comment on this version"


def _send_comment(
    form: FlaskForm, version: FrameworkVersion, *, skill_code: str | None, level: int | None
) -> bool:
    """Record the member's comment and commit; a refusal is shown on the form instead."""
    try:
        services.add_comment(
            version,
            author=current_user,
            body=form.body.data,
            skill_code=skill_code,
            level=level,
            now=utcnow(),
        )
    except DomainError as error:
        add_domain_error(form, error, field=error.field or "body")
        return False
    db.session.commit()
    flash(THANKS, "success")
    return True


@bp.route("/<slug>/<version>/comments/new", methods=["GET", "POST"])
@signed_in
@confirmed_required(COMMENT)
def comment_on_version(slug: str, version: str):
    found = visible_version(slug, version)
    if found.status is not VersionStatus.CONSULTATION:
        abort(404)
    form = VersionCommentForm()
    if form.validate_on_submit() and _send_comment(form, found, skill_code=None, level=None):
        return redirect(
            url_for("frameworks.show_version", slug=slug, version=version, _anchor="your-comments")
        )
    return render_template(
        "frameworks/comment_on_version.html",
        form=form,
        version=found,
        ref=version,
        comments_open=queries.consultation_is_open(found, utcnow().date()),
        title=f"Comment on version {found.number}",
    )


@bp.post("/<slug>/<version>/skills/<code>/comments")
@signed_in
@confirmed_required(COMMENT)
def comment_on_skill(slug: str, version: str, code: str):
    found = visible_version(slug, version)
    page = queries.skill_page(found, code, current_user) or abort(404)
    form = skill_comment_form(page)
    if form.validate_on_submit() and _send_comment(form, found, skill_code=code, level=form.level):
        return redirect(
            url_for(
                "frameworks.show_skill",
                slug=slug,
                version=version,
                code=code,
                _anchor="your-comments",
            )
        )
    return render_skill(page, ref=version, form=form)


@bp.get("/<slug>/<version>/comments")
@organiser_required
def list_comments(slug: str, version: str):
    return _render_comments(visible_version(slug, version), ref=version)


@bp.post("/<slug>/<version>/comments/<int:comment_id>")
@organiser_required
def respond_to_comment(slug: str, version: str, comment_id: int):
    found = visible_version(slug, version)
    comment = queries.find_comment(found, comment_id) or abort(404)
    form = CommentResponseForm(prefix=_prefix(comment))
    if form.validate_on_submit() and _save_response(form, comment):
        return redirect(
            url_for(
                "frameworks.list_comments", slug=slug, version=version, _anchor=_prefix(comment)
            )
        )
    return _render_comments(found, ref=version, failed=(comment.id, form))


def _save_response(form: CommentResponseForm, comment: Comment) -> bool:
    """Record the organiser's response and commit; a refusal is shown on the form instead."""
    try:
        services.respond_to_comment(
            comment,
            actor=current_user,
            status=CommentStatus(form.status.data),
            reply=form.reply.data or "",
            now=utcnow(),
        )
    except DomainError as error:
        add_domain_error(form, error, field=error.field or "reply")
        return False
    db.session.commit()
    flash(f"Your response to comment {comment.id} has been saved", "success")
    return True


def _prefix(comment: Comment) -> str:
    return f"comment-{comment.id}"


def _render_comments(
    version: FrameworkVersion,
    *,
    ref: str,
    failed: tuple[int, CommentResponseForm] | None = None,
) -> str:
    groups = queries.comment_groups(version)
    forms = {
        comment.id: CommentResponseForm(
            formdata=None, prefix=_prefix(comment), data=_response_data(comment)
        )
        for group in groups
        for comment in group.comments
    }
    if failed is not None:
        forms[failed[0]] = failed[1]
    return render_template(
        "frameworks/list_comments.html",
        version=version,
        ref=ref,
        groups=groups,
        forms=forms,
        form=failed[1] if failed else None,
        total=len(forms),
        open_count=sum(c.status is CommentStatus.OPEN for g in groups for c in g.comments),
        title=f"Comments on version {version.number}",
    )


def _response_data(comment: Comment) -> dict[str, str | None]:
    answered = comment.status is not CommentStatus.OPEN
    return {"status": comment.status.value if answered else None, "reply": comment.reply}


@bp.get("/<slug>/<version>/comments.csv")
@organiser_required
def export_comments(slug: str, version: str):
    found = visible_version(slug, version)
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(queries.comment_rows(found))
    filename = f"{found.framework.slug}-{found.number}-comments.csv"
    return attachment(out.getvalue(), mimetype="text/csv; charset=utf-8", filename=filename)
