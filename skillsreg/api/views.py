"""The read-only JSON API, version 1: frameworks and their public versions, skills, roles, changes.

Drafts are never shown. Consultation versions are, as they are public for comment; published and
retired versions never change, so their responses may be cached for an hour.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import NoReturn, TypeVar

from flask import Blueprint, Response, abort, current_app, jsonify, request
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from skillsreg.api import openapi, queries, serializers
from skillsreg.api.serializers import Json
from skillsreg.core.auth import public
from skillsreg.core.caching import cached, content_key
from skillsreg.core.page_cache import share_response
from skillsreg.extensions import csrf, db
from skillsreg.frameworks.models import Framework, FrameworkVersion, Role, Skill, VersionStatus
from skillsreg.frameworks.rules import compare_versions
from skillsreg.frameworks.store import load_version, load_versions, version_document

log = logging.getLogger(__name__)

Coded = TypeVar("Coded", Skill, Role)

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # nothing here changes data, and other methods are refused below

FIXED_MAX_AGE = 3600  # a published or retired version's content never changes
MOVING_MAX_AGE = 300  # lists, `latest` and consultation versions move on
VERSION_NUMBER = re.compile(r"\d+\.\d+\.\d+")
MAX_SEARCH_LENGTH = 100
READ_METHODS = ("GET", "HEAD", "OPTIONS")
# Part of every version response's ETag: raise it when responses change shape, so that copies
# cached before a release are not confirmed as current after it.
RESPONSE_FORMAT = 1


@dataclass(frozen=True)
class Freshness:
    """How a response about some versions may be cached and revalidated."""

    etag: str
    last_modified: datetime | None
    max_age: int
    shared: bool = False  # about published or retired versions only: the body may be cached

    def apply(self, response: Response) -> Response:
        response.set_etag(self.etag)
        response.last_modified = self.last_modified
        response.cache_control.public = True
        response.cache_control.max_age = self.max_age
        return response


@bp.get("/frameworks")
@public
def list_frameworks() -> Response:
    frameworks = queries.frameworks_with_versions()
    summaries = [
        serializers.framework_summary(framework, queries.latest_published(framework))
        for framework in frameworks
    ]
    return respond_with_body_etag({"frameworks": summaries})


@bp.get("/frameworks/<slug>")
@public
def show_framework(slug: str) -> Response:
    framework = framework_or_404(slug)
    payload = serializers.framework_detail(
        framework, queries.visible_versions(framework), queries.latest_published(framework)
    )
    return respond_with_body_etag(payload)


@bp.get("/frameworks/<slug>/versions/<version>")
@public
def show_version(slug: str, version: str) -> Response:
    framework = framework_or_404(slug)
    found = version_or_404(framework, version)
    return respond(
        freshness(found, moving=version == "latest"),
        lambda: serializers.version_detail(load_version(found.id)),
    )


@bp.get("/frameworks/<slug>/versions/<version>/skills")
@public
def list_skills(slug: str, version: str) -> Response:
    framework = framework_or_404(slug)
    found = version_or_404(framework, version)

    def build() -> Json:
        loaded = load_version(found.id)
        filters = skill_filters(loaded)
        skills = queries.filter_skills(
            loaded, category=filters["category"], role=filters["role"], text=filters["q"]
        )
        return serializers.skill_list(loaded, skills, filters)

    return respond(freshness(found, moving=version == "latest"), build)


def _by_code(items: Iterable[Coded], code: str, version: FrameworkVersion, noun: str) -> Coded:
    """The skill or role with this code, or a JSON 404 that names what was missing."""
    found = next((item for item in items if item.code == code), None)
    if found is None:
        slug = version.framework.slug
        abort(404, description=f"Version {version.number} of {slug} has no {noun} {code}")
    return found


@bp.get("/frameworks/<slug>/versions/<version>/skills/<code>")
@public
def show_skill(slug: str, version: str, code: str) -> Response:
    framework = framework_or_404(slug)
    found = version_or_404(framework, version)

    def build() -> Json:
        loaded = load_version(found.id)
        return serializers.skill_json(loaded, _by_code(loaded.skills, code, loaded, "skill"))

    return respond(freshness(found, moving=version == "latest"), build)


@bp.get("/frameworks/<slug>/versions/<version>/roles")
@public
def list_roles(slug: str, version: str) -> Response:
    framework = framework_or_404(slug)
    found = version_or_404(framework, version)
    return respond(
        freshness(found, moving=version == "latest"),
        lambda: serializers.role_list(load_version(found.id)),
    )


@bp.get("/frameworks/<slug>/versions/<version>/roles/<code>")
@public
def show_role(slug: str, version: str, code: str) -> Response:
    framework = framework_or_404(slug)
    found = version_or_404(framework, version)

    def build() -> Json:
        loaded = load_version(found.id)
        return serializers.role_json(loaded, _by_code(loaded.roles, code, loaded, "role"))

    return respond(freshness(found, moving=version == "latest"), build)


@bp.get("/frameworks/<slug>/versions/<version>/changes")
@public
def show_changes(slug: str, version: str) -> Response:
    framework = framework_or_404(slug)
    new = version_or_404(framework, version)
    old = changes_base(framework, new)

    def build() -> Json:
        loaded = load_versions([old.id, new.id])
        before, after = loaded[old.id], loaded[new.id]
        changes = compare_versions(version_document(before), version_document(after))
        return serializers.changes_json(changes, before, after)

    return respond(freshness(old, new, moving=version == "latest"), build)


@bp.get("/openapi.json")
@public
def show_openapi() -> Response:
    return respond_with_body_etag(openapi.build_document())


@bp.route("/", defaults={"path": ""}, methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
@bp.route("/<path:path>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
@public
def refuse_unknown_request(path: str) -> NoReturn:
    """Answer an unknown address or method in JSON rather than with the site's HTML pages.

    Flask only knows a request belongs to this blueprint once a rule matched it, so without this
    catch-all the app's error pages would answer.
    """
    endpoint, _ = current_app.url_map.bind_to_environ(request.environ).match(method="GET")
    if endpoint != request.endpoint:
        abort(405, valid_methods=list(READ_METHODS))
    abort(404, description=f"The API has no address {request.path}")


def framework_or_404(slug: str) -> Framework:
    """The framework and all its versions, loaded once.

    Views keep the framework in a variable while they respond: the session holds objects only
    weakly, and it is this reference that lets `version.framework` and `version.parent` be found
    in the session rather than queried again.
    """
    framework = queries.framework_with_versions(slug)
    if framework is None or not queries.visible_versions(framework):
        abort(404, description=f"There is no framework {slug}")
    return framework


def version_or_404(framework: Framework, number: str, *, status: int = 404) -> FrameworkVersion:
    """A visible version by number or `latest`; `status` is 400 when a parameter named it."""
    if number == "latest":
        latest = queries.latest_published(framework)
        if latest is None:
            abort(status, description=f"{framework.slug} has no published version yet")
        return latest
    if not VERSION_NUMBER.fullmatch(number):
        abort(400, description=f"Give a version as a number such as 1.0.0, or latest, not {number}")
    visible = queries.visible_versions(framework)
    found = next((version for version in visible if version.number == number), None)
    if found is None:
        abort(status, description=f"{framework.slug} has no version {number}")
    return found


def changes_base(framework: Framework, new: FrameworkVersion) -> FrameworkVersion:
    """The version to compare with: `from`, or else the one this version was drafted from."""
    number = request.args.get("from")
    if number is not None:
        return version_or_404(framework, number.strip(), status=400)
    parent = queries.public_parent(new)
    if parent is None:
        abort(
            400,
            description=f"Version {new.number} has no parent version: "
            "say which version to compare it with, for example ?from=1.0.0",
        )
    return parent


def skill_filters(version: FrameworkVersion) -> dict[str, str | None]:
    """The category, role and search text to choose skills by; unknown codes are refused."""
    filters = {
        name: request.args.get(name, "").strip() or None for name in ("category", "role", "q")
    }
    category, role, text = filters["category"], filters["role"], filters["q"]
    if category and category not in {found.code for found in version.categories}:
        abort(400, description=f"Version {version.number} has no category {category}")
    if role and role not in {found.code for found in version.roles}:
        abort(400, description=f"Version {version.number} has no role {role}")
    if text and len(text) > MAX_SEARCH_LENGTH:
        abort(400, description=f"Search text must be {MAX_SEARCH_LENGTH} characters or fewer")
    return filters


def freshness(*versions: FrameworkVersion, moving: bool) -> Freshness:
    """Validators for a response about these versions at this address.

    Retiring a version and editing a consultation version change no content hash, so the ETag
    also covers the status and edit counter, and the framework's own details shown alongside.
    """
    framework = versions[0].framework
    state = [
        RESPONSE_FORMAT,
        content_key("api"),  # the release: a new one never confirms an older copy
        request.path,
        sorted(request.args.items(multi=True)),
        [framework.title, framework.description, framework.licence, framework.owner],
        [
            [v.number, v.status.value, v.content_hash, v.lock_version, v.retired_at]
            for v in versions
        ],
    ]
    etag = hashlib.sha256(json.dumps(state, default=str).encode()).hexdigest()[:32]
    last_modified = max(_changed_at(version) for version in versions)
    public = all(v.status is not VersionStatus.CONSULTATION for v in versions)
    fixed = not moving and public
    return Freshness(etag, last_modified, FIXED_MAX_AGE if fixed else MOVING_MAX_AGE, public)


def _changed_at(version: FrameworkVersion) -> datetime:
    return version.retired_at or version.published_at or version.updated_at


def respond(fresh: Freshness, build: Callable[[], Json]) -> Response:
    """Answer 304 if the client's copy is current, before any content is loaded; else the JSON."""
    probe = fresh.apply(current_app.response_class(mimetype="application/json"))
    probe.make_conditional(request)
    if probe.status_code == 304:
        return probe
    if not fresh.shared:
        return fresh.apply(jsonify(build()))
    # The ETag covers the address, the versions' states and the release: it keys the body too.
    body = cached(content_key("api", fresh.etag), lambda: jsonify(build()).get_data())
    share_response()
    return fresh.apply(current_app.response_class(body, mimetype="application/json"))


def respond_with_body_etag(payload: Json) -> Response:
    response = jsonify(payload)
    response.add_etag()
    response.cache_control.public = True
    response.cache_control.max_age = MOVING_MAX_AGE
    response.make_conditional(request)
    if response.status_code == 412:  # Werkzeug keeps the body; the API answers errors alike
        abort(412, description="If-Match named a copy of this list that is not current")
    return response


@bp.after_request
def allow_any_origin(response: Response) -> Response:
    """The data is public and read-only, so any web page may fetch it."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = "ETag"
    if request.method == "OPTIONS":
        # Flask's own answer lists every method of every rule matching the address, the
        # catch-all's refused ones included; the API only reads.
        response.headers["Allow"] = ", ".join(READ_METHODS)
        response.headers["Access-Control-Allow-Methods"] = ", ".join(READ_METHODS)
        response.headers["Access-Control-Allow-Headers"] = "If-None-Match, If-Modified-Since"
        response.headers["Access-Control-Max-Age"] = "86400"
    return response


@bp.errorhandler(HTTPException)
def json_http_error(error: HTTPException) -> tuple[Response, int, list[tuple[str, str]]]:
    status = error.code or 500
    headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
    return jsonify(serializers.error_json(status, error.description or error.name)), status, headers


@bp.errorhandler(500)
def json_server_error(_error: Exception) -> tuple[Response, int]:
    message = "Sorry, there is a problem with the service"
    return jsonify(serializers.error_json(500, message)), 500


@bp.errorhandler(OperationalError)
def json_database_down(error: OperationalError) -> tuple[Response, int]:
    log.error("database unavailable: %s", error.orig)
    db.session.rollback()
    message = "Sorry, the service is unavailable"
    return jsonify(serializers.error_json(503, message)), 503
