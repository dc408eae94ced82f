"""Frameworks views: browse frameworks, versions, skills and roles, compare versions, download."""

from __future__ import annotations

from flask import abort, current_app, render_template, request
from flask_login import current_user
from markupsafe import Markup

from skillsreg.core.auth import public
from skillsreg.core.caching import cached_page, content_key
from skillsreg.core.db import utcnow
from skillsreg.core.downloads import attachment
from skillsreg.frameworks import queries, services
from skillsreg.frameworks.forms.browse import SkillSearchForm, VersionCompareForm
from skillsreg.frameworks.forms.consultation import WHOLE_SKILL, SkillCommentForm
from skillsreg.frameworks.models import Framework, FrameworkVersion, VersionStatus
from skillsreg.frameworks.queries import Access
from skillsreg.frameworks.views import bp

# Format → (Content-Type, end of the file name).
DOWNLOADS = {
    "yaml": ("application/yaml", ".yaml"),
    "json": ("application/json", ".json"),
    "csv": ("text/csv; charset=utf-8", ".csv"),
    "case": ("application/json", "-case.json"),
}
FORMATS = f"any({', '.join(services.EXPORT_FORMATS)})"


def page_title(*parts: str) -> str:
    """A page title from the most specific part to the least, as GOV.UK titles read."""
    return " \N{EN DASH} ".join(parts)


def visible_version(slug: str, ref: str) -> FrameworkVersion:
    """The version a URL names if this person may see it, else 404."""
    framework = queries.find_framework(slug) or abort(404)
    return _authorised(queries.pick_version(framework, ref) or abort(404))


def _authorised(version: FrameworkVersion) -> FrameworkVersion:
    if queries.access_to(version, current_user) is Access.HIDDEN:
        abort(404)
    return version


def shared_key(kind: str, *versions: FrameworkVersion | None, **extra: object) -> str | None:
    """The cache key of a page's main content, or None when it must not be cached.

    Only pages about published or retired versions, seen by someone who is not an organiser,
    are the same for everyone (organisers see editing buttons). The key covers the framework's
    details and every non-draft version's status and edit counter, as pages name other versions
    ("latest version", the versions to compare); whether the viewer is signed in (members may
    see consultation versions in lists); and the address.
    """
    if current_user.is_authenticated and current_user.is_organiser:
        return None
    if not versions or any(v is None or not v.is_public for v in versions):
        return None
    framework = versions[0].framework  # type: ignore[union-attr]
    state = [
        [v.id, v.number, v.status.value, v.lock_version, v.updated_at, v.content_hash]
        for v in sorted(framework.versions, key=lambda v: v.id)
        if v.status is not VersionStatus.DRAFT
    ]
    return content_key(
        kind,
        request.full_path,
        [framework.id, framework.slug, framework.title, framework.description],
        state,
        [v.id for v in versions],  # type: ignore[union-attr]
        current_user.is_authenticated,
        sorted(extra.items()),
    )


@bp.get("")
@public
def list_frameworks():
    summaries = queries.list_frameworks()
    return render_template(
        "frameworks/list_frameworks.html", summaries=summaries, title="Skills frameworks"
    )


@bp.get("/<slug>")
@public
def show_framework(slug: str):
    framework = queries.find_framework(slug) or abort(404)
    versions = [v for v in queries.newest_first(framework.versions) if _listed(v)]
    return render_template(
        "frameworks/show_framework.html",
        framework=framework,
        versions=versions,
        latest=queries.latest_published(framework),
        title=framework.title,
    )


def _listed(version: FrameworkVersion) -> bool:
    return queries.is_listed(version, current_user)


@bp.get("/<slug>/<version>")
@public
def show_version(slug: str, version: str):
    found = visible_version(slug, version)

    def body() -> dict[str, str]:
        html = render_template(
            "frameworks/_show_version_body.html",
            page=queries.version_page(found, current_user),
            ref=version,
            comments_open=queries.consultation_is_open(found, utcnow().date()),
        )
        return {"body": html}

    return cached_page(
        "frameworks/show_version.html",
        shared_key("version", found),
        body,
        version=found,
        title=page_title(f"Version {found.number}", found.framework.title),
    )


@bp.get("/<slug>/<version>/skills")
@public
def search_skills(slug: str, version: str):
    found = visible_version(slug, version)
    catalogue = queries.skill_catalogue(found)
    form = SkillSearchForm(formdata=request.args)
    form.category.choices = [("", "All categories")]
    form.category.choices += [(c.code, c.name) for c in catalogue.categories]
    form.role.choices = [("", "All roles")] + [(r.code, r.name) for r in catalogue.roles]
    results = None
    if form.validate():
        within = queries.skills_in_role(found, form.role.data) if form.role.data else None
        results = catalogue.search(
            text=form.q.data or "", category=form.category.data, within=within
        )
    return render_template(
        "frameworks/search_skills.html",
        version=found,
        ref=version,
        form=form,
        catalogue=catalogue,
        results=results,
        filtered=any(request.args.get(name) for name in ("q", "category", "role")),
        title=page_title(f"Skills in version {found.number}", found.framework.title),
    )


def skill_comment_form(page: queries.SkillPage) -> SkillCommentForm:
    """The comment form of a skill page, offering the skill and each level it describes."""
    form = SkillCommentForm()
    form.about.choices = [(WHOLE_SKILL, "The whole skill")] + [
        (str(number), f"Level {number}{f': {level.name}' if level else ''}")
        for level, number, _ in page.descriptors
    ]
    return form


def render_skill(page: queries.SkillPage, *, ref: str, form: SkillCommentForm | None) -> str:
    """The skill page, with the comment form (as typed, with its errors) if comments are open."""
    version = page.version
    return render_template(
        "frameworks/show_skill.html",
        body=Markup(_skill_body(page, ref=ref, form=form)),  # noqa: S704 - rendered by Jinja
        version=version,
        ref=ref,
        form=form,
        title=_skill_title(page.skill.name, page.skill.code, version),
    )


def _skill_body(page: queries.SkillPage, *, ref: str, form: SkillCommentForm | None) -> str:
    return render_template(
        "frameworks/_show_skill_body.html",
        page=page,
        ref=ref,
        form=form,
        comments_open=queries.consultation_is_open(page.version, utcnow().date()),
    )


def _skill_title(name: str, code: str, version: FrameworkVersion) -> str:
    return page_title(f"{name} ({code})", f"version {version.number}")


@bp.get("/<slug>/<version>/skills/<code>")
@public
def show_skill(slug: str, version: str, code: str):
    found = visible_version(slug, version)
    key = shared_key("skill", found)
    if key is None:
        page = queries.skill_page(found, code, current_user) or abort(404)
        form = None
        if current_user.is_authenticated and queries.consultation_is_open(found, utcnow().date()):
            form = skill_comment_form(page)
        return render_skill(page, ref=version, form=form)

    def body() -> dict[str, str]:
        page = queries.skill_page(found, code, current_user) or abort(404)
        title = _skill_title(page.skill.name, code, found)
        return {"body": _skill_body(page, ref=version, form=None), "title": title}

    return cached_page("frameworks/show_skill.html", key, body, version=found, ref=version)


@bp.get("/<slug>/<version>/roles/<code>")
@public
def show_role(slug: str, version: str, code: str):
    found = visible_version(slug, version)

    def body() -> dict[str, str]:
        page = queries.role_page(found, code) or abort(404)
        html = render_template("frameworks/_show_role_body.html", page=page, ref=version)
        return {"body": html, "title": page_title(page.role.name, f"version {found.number}")}

    return cached_page(
        "frameworks/show_role.html", shared_key("role", found), body, version=found, ref=version
    )


@bp.get("/<slug>/changes")
@public
def show_changes(slug: str):
    framework = queries.find_framework(slug) or abort(404)
    new = _compared(framework, request.args.get("to"), default=_default_new(framework))
    old = _compared(framework, request.args.get("from"), default=_visible_parent(new))
    choices = [(v.number, f"{v.number} ({v.status.value})") for v in _comparable(framework)]
    form = VersionCompareForm(
        formdata=None, data={"old": old.number if old else "", "new": new.number if new else ""}
    )
    form.old.choices = [("", "Choose a version"), *choices]
    form.new.choices = choices
    heading = "What changed"
    if old is not None and old is new:
        form.old.errors = ["Choose two different versions to compare"]
    elif old is not None and new is not None:
        heading = f"Changes from version {old.number} to {new.number}"

    def body() -> dict[str, str]:
        compared = old is not None and new is not None and old is not new
        html = render_template(
            "frameworks/_show_changes_body.html",
            framework=framework,
            old=old,
            new=new,
            form=form,
            changes=queries.version_changes(old, new) if compared else None,  # type: ignore[arg-type]
            heading=heading,
        )
        return {"body": html}

    return cached_page(
        "frameworks/show_changes.html",
        shared_key("changes", new, old) if old is not None else None,
        body,
        framework=framework,
        form=form,
        title=page_title(heading, framework.title),
    )


def _comparable(framework: Framework) -> list[FrameworkVersion]:
    versions = queries.newest_first(framework.versions)
    return [v for v in versions if queries.access_to(v, current_user) is Access.ALLOWED]


def _default_new(framework: Framework) -> FrameworkVersion | None:
    """The newest version this person may see that has a parent to compare with."""
    comparable = _comparable(framework)
    with_parent = (v for v in comparable if _visible_parent(v) is not None)
    return next(with_parent, None) or next(iter(comparable), None)


def _visible_parent(version: FrameworkVersion | None) -> FrameworkVersion | None:
    parent = version.parent if version is not None else None
    if parent is None or queries.access_to(parent, current_user) is not Access.ALLOWED:
        return None
    return parent


def _compared(
    framework: Framework, ref: str | None, *, default: FrameworkVersion | None
) -> FrameworkVersion | None:
    """The version named in the address (404 if unknown or hidden), or the default."""
    if not ref:
        return default
    return _authorised(queries.pick_version(framework, ref) or abort(404))


@bp.get(f"/<slug>/<version>/export.<{FORMATS}:fmt>")
@public
def export_version(slug: str, version: str, fmt: str):
    found = visible_version(slug, version)
    text = services.export_version(found, fmt, base_url=current_app.config["BASE_URL"])
    content_type, ending = DOWNLOADS[fmt]
    filename = f"{found.framework.slug}-{found.number}{ending}"
    return attachment(text, mimetype=content_type, filename=filename)
