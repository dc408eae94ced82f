"""Insight pages: the organisers' protected picture, the public noisy one, releases, opt-out."""

from __future__ import annotations

import hashlib

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from skillsreg.core.auth import organiser_required, public, signed_in
from skillsreg.core.db import utcnow
from skillsreg.core.errors import DomainError
from skillsreg.core.filenames import content_disposition
from skillsreg.core.forms import add_domain_error
from skillsreg.extensions import db
from skillsreg.insight import action, health, opendata, pages, queries, services, trends
from skillsreg.insight import jobs as _jobs  # noqa: F401 - declares the warming job
from skillsreg.insight.demo import demo_member_count
from skillsreg.insight.forms import ReleaseForm, StatisticsChoiceForm
from skillsreg.insight.rules import parse_release_shares, remaining_budget
from skillsreg.insight.settings import budget, min_cell

bp = Blueprint("insight", __name__)


@bp.record_once
def check_settings(state) -> None:
    """Refuse to start with release shares that do not describe the release tables."""
    parse_release_shares(state.app.config["INSIGHT_RELEASE_SHARES"])


@bp.context_processor
def demonstration_notice() -> dict[str, int]:
    """Figures made from demonstration accounts say so on every insight page."""
    return {"demo_members": demo_member_count()}


def _version():
    return queries.latest_published_version() or abort(404)


@bp.get("/insight/")
@organiser_required
def show_picture():
    version = _version()
    return render_template(
        "insight/show_picture.html",
        version=version,
        overview=pages.overview(version, min_cell()),
        k=min_cell(),
        title="Community skills picture",
    )


@bp.get("/insight/skills/<code>")
@organiser_required
def show_skill(code: str):
    cut = request.args.get("cut", "all")
    if cut not in queries.CUTS:
        abort(404)
    version = _version()
    view = pages.skill_view(version, code, cut, min_cell()) or abort(404)
    return render_template(
        "insight/show_skill.html",
        version=version,
        view=view,
        cuts=queries.CUTS,
        k=min_cell(),
        title=f"{view.name}: community picture",
    )


@bp.get("/insight/public")
@public
def show_public():
    latest = next(iter(queries.releases()), None)
    return render_template(
        "insight/show_public.html",
        view=pages.public_view(latest) if latest else None,
        title="Community skills: open statistics",
    )


@bp.get("/insight/methodology")
@public
def show_methodology():
    return render_template(
        "insight/show_methodology.html",
        budget=budget(),
        k=min_cell(),
        spent=queries.epsilon_spent(),
        tables=budget().tables(),
        table_names=queries.RELEASE_CUTS,
        title="How the community skills statistics are made",
    )


@bp.get("/insight/releases")
@public
def list_releases():
    spent = queries.epsilon_spent()
    return render_template(
        "insight/list_releases.html",
        releases=queries.releases(),
        budget=budget(),
        spent=spent,
        left=remaining_budget(budget().total, [spent]),
        form=ReleaseForm(),
        title="Open data releases",
    )


@bp.post("/insight/releases")
@organiser_required
def make_release():
    form = ReleaseForm()
    if form.validate_on_submit():
        try:
            release = services.make_release(
                budget=budget(), actor=current_user, now=utcnow(), url_base=request.host_url[:-1]
            )
            services.push_release(release, actor=current_user, now=utcnow())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            db.session.commit()
            flash(f"Release {release.number} is published", "success")
            return redirect(url_for("insight.show_release", number=release.number))
    spent = queries.epsilon_spent()
    return render_template(
        "insight/list_releases.html",
        releases=queries.releases(),
        budget=budget(),
        spent=spent,
        left=remaining_budget(budget().total, [spent]),
        form=form,
        title="Open data releases",
    ), 400


@bp.get("/insight/releases/<int:number>")
@public
def show_release(number: int):
    release = queries.find_release(number) or abort(404)
    files = services.release_files(release, url_base=request.host_url[:-1])
    return render_template(
        "insight/show_release.html",
        release=release,
        files=[(name, media, len(content)) for name, media, content in files],
        tables=opendata.release_tables(release.figures),
        title=release.title,
    )


@bp.get("/insight/releases/<int:number>/<name>")
@public
def download_release_file(number: int, name: str):
    release = queries.find_release(number) or abort(404)
    files = services.release_files(release, url_base=request.host_url[:-1])
    found = next((f for f in files if f[0] == name), None) or abort(404)
    file = Response(found[2], mimetype=found[1])
    file.headers["Content-Disposition"] = content_disposition(name)
    # Counted as the library counts its files: a full GET only, not a HEAD nor a cache's
    # check back answered with a 304.
    file.set_etag(hashlib.sha256(found[2]).hexdigest())
    response = file.make_conditional(request)
    if request.method == "GET" and response.status_code == 200:
        services.record_release_download(release, name, now=utcnow())
        db.session.commit()
    return response


@bp.route("/account/privacy/statistics", methods=["GET", "POST"])
@signed_in
def change_statistics_choice():
    form = StatisticsChoiceForm(
        data={"choice": "out" if current_user.is_statistics_opt_out else "in"}
    )
    if form.validate_on_submit():
        services.set_statistics_opt_out(
            current_user, opt_out=form.choice.data == "out", now=utcnow()
        )
        db.session.commit()
        flash("Your choice has been saved", "success")
        return redirect(url_for("accounts.show_privacy"))
    return render_template(
        "insight/change_statistics_choice.html",
        form=form,
        title="Your self-assessments in the community statistics",
    )


@bp.get("/insight/action")
@organiser_required
def show_action():
    version = _version()
    overview = pages.overview(version, min_cell())
    return render_template(
        "insight/show_action.html",
        version=version,
        gaps=action.gap_actions(overview.skills, utcnow()),
        unrated=action.unrated_skills(overview.skills),
        commented=action.most_commented(version),
        title="From gaps to action",
    )


@bp.get("/insight/over-time")
@organiser_required
def show_trends():
    version = _version()
    parent, comparisons = trends.across_versions(version, min_cell())
    return render_template(
        "insight/show_trends.html",
        version=version,
        quarters=trends.quarters(version.id, min_cell()),
        parent=parent,
        comparisons=comparisons,
        k=min_cell(),
        title="The picture over time",
    )


@bp.get("/insight/health")
@organiser_required
def show_health():
    months = health.community_health(utcnow())
    return render_template(
        "insight/show_health.html",
        months=months,
        measures=health.MEASURES,
        charts=pages.health_charts(months),
        title="Community health",
    )
