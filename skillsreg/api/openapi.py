"""The OpenAPI 3.1 description of the API: every path, parameter and response schema."""

from __future__ import annotations

from typing import Any

Json = dict[str, Any]

VERSION_PATH = "/frameworks/{slug}/versions/{version}"


def build_document() -> Json:
    """The OpenAPI document served at /api/v1/openapi.json."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Web professionals skills register API",
            "version": "1.0.0",
            "description": (
                "Read-only access to the skills frameworks: their published, retired and "
                "consultation versions, with skills, roles and the changes between versions. "
                "Drafts are never shown. Responses about a version carry an ETag and "
                "Last-Modified, and a published or retired version may be cached for an hour."
            ),
            "license": {"name": "MIT", "identifier": "MIT"},
        },
        "servers": [{"url": "/api/v1"}],
        "paths": _paths(),
        "components": {
            "schemas": _schemas(),
            "parameters": _parameters(),
            "responses": _error_responses(),
        },
    }


def _paths() -> Json:
    version_params = [_param("slug"), _param("version")]
    return {
        "/frameworks": _get(
            "list_frameworks",
            "List the frameworks",
            "FrameworkList",
            [],
            errors=("PreconditionFailed",),
            conditional=False,
        ),
        "/frameworks/{slug}": _get(
            "show_framework",
            "Show a framework and its visible versions",
            "FrameworkDetail",
            [_param("slug")],
            errors=("NotFound", "PreconditionFailed"),
            conditional=False,
        ),
        VERSION_PATH: _get(
            "show_version",
            "Show a whole version: levels, categories, skills, roles and retired skills",
            "Version",
            version_params,
        ),
        f"{VERSION_PATH}/skills": _get(
            "list_skills",
            "List a version's skills, optionally by category, role or search text",
            "SkillList",
            [*version_params, _param("category"), _param("role"), _param("q")],
        ),
        f"{VERSION_PATH}/skills/{{code}}": _get(
            "show_skill", "Show one skill", "Skill", [*version_params, _param("skillCode")]
        ),
        f"{VERSION_PATH}/roles": _get(
            "list_roles", "List a version's roles", "RoleList", version_params
        ),
        f"{VERSION_PATH}/roles/{{code}}": _get(
            "show_role", "Show one role", "Role", [*version_params, _param("roleCode")]
        ),
        f"{VERSION_PATH}/changes": _get(
            "show_changes",
            "Show what changed from another version (by default the parent) to this one",
            "Changes",
            [*version_params, _param("from")],
        ),
        "/openapi.json": {
            "get": {
                "operationId": "show_openapi",
                "summary": "This document",
                "responses": {
                    "200": {
                        "description": "The OpenAPI document",
                        "headers": _cache_headers(False),
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    },
                    "304": NOT_MODIFIED,
                    **_error_refs(("PreconditionFailed", *ALWAYS)),
                },
            }
        },
    }


def _get(
    operation: str,
    summary: str,
    schema: str,
    parameters: list[Json],
    *,
    errors: tuple[str, ...] = ("BadRequest", "NotFound"),
    conditional: bool = True,
) -> Json:
    responses: Json = {
        "200": {
            "description": "OK",
            "headers": _cache_headers(conditional),
            "content": {"application/json": {"schema": _ref(schema)}},
        },
        "304": NOT_MODIFIED,
        **_error_refs((*errors, *ALWAYS)),
    }
    return {
        "get": {
            "operationId": operation,
            "summary": summary,
            "parameters": parameters,
            "responses": responses,
        }
    }


NOT_MODIFIED = {"description": "Not modified: the copy named by If-None-Match is current"}
# Every operation may meet a fault or a database outage; both answer in JSON.
ALWAYS = ("ServerError", "Unavailable")
STATUS_OF = {
    "BadRequest": "400",
    "NotFound": "404",
    "PreconditionFailed": "412",
    "ServerError": "500",
    "Unavailable": "503",
}


def _error_refs(errors: tuple[str, ...]) -> Json:
    return {STATUS_OF[error]: {"$ref": f"#/components/responses/{error}"} for error in errors}


def _cache_headers(conditional: bool) -> Json:
    headers: Json = {
        "ETag": {"description": "Validator for If-None-Match", "schema": {"type": "string"}},
        "Cache-Control": {
            "description": "public; max-age 3600 for a published or retired version by number, "
            "300 for lists, latest and consultation versions",
            "schema": {"type": "string"},
        },
    }
    if conditional:
        headers["Last-Modified"] = {
            "description": "When the version was published, retired or last edited",
            "schema": {"type": "string"},
        }
    return headers


def _param(name: str) -> Json:
    return {"$ref": f"#/components/parameters/{name}"}


def _ref(name: str) -> Json:
    return {"$ref": f"#/components/schemas/{name}"}


def _parameters() -> Json:
    def path(name: str, description: str, pattern: str) -> Json:
        return {
            "name": name,
            "in": "path",
            "required": True,
            "description": description,
            "schema": {"type": "string", "pattern": pattern},
        }

    def query(name: str, description: str) -> Json:
        return {
            "name": name,
            "in": "query",
            "required": False,
            "description": description,
            "schema": {"type": "string"},
        }

    return {
        "slug": path("slug", "The framework's slug", SLUG),
        "version": path(
            "version",
            "A version number such as 1.0.0, or latest for the newest published version",
            r"^(\d+\.\d+\.\d+|latest)$",
        ),
        "skillCode": path("code", "A skill's code, such as CODS", SKILL_CODE),
        "roleCode": path("code", "A role's code, such as web-manager", SLUG),
        "category": query("category", "Only skills in this category (a category code)"),
        "role": query("role", "Only skills some level of this role expects (a role code)"),
        "q": query("q", "Only skills whose code, name or text contains this, ignoring case"),
        "from": query(
            "from",
            "The version to compare with: a number or latest. Defaults to the version this "
            "one was drafted from",
        ),
    }


def _error_responses() -> Json:
    def error(description: str) -> Json:
        return {
            "description": description,
            "content": {"application/json": {"schema": _ref("Error")}},
        }

    return {
        "BadRequest": error("A parameter is not valid: bad version syntax, unknown filter"),
        "NotFound": error("No such framework, version, skill or role (drafts are never found)"),
        "PreconditionFailed": error("If-Match named a copy of this list that is not current"),
        "ServerError": error("Something went wrong in the service"),
        "Unavailable": error("The service is unavailable for a moment (its database, say)"),
    }


SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"
SKILL_CODE = r"^[A-Z][A-Z0-9]{1,7}$"
NUMBER = r"^\d+\.\d+\.\d+$"
STATUSES = ["consultation", "published", "retired"]
CHANGE_KINDS = ["added", "removed", "changed"]


def _object(properties: Json, **extra: Any) -> Json:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
        **extra,
    }


def _string(**extra: Any) -> Json:
    return {"type": "string", **extra}


def _nullable(schema: Json) -> Json:
    return {"oneOf": [schema, {"type": "null"}]}


def _array(items: Json) -> Json:
    return {"type": "array", "items": items}


def _links(*names: str, optional: tuple[str, ...] = ()) -> Json:
    links = _object({name: _string() for name in names})
    links["properties"] |= {name: _string() for name in optional}
    return links


def _schemas() -> Json:
    return _framework_schemas() | _content_schemas() | _change_schemas() | _error_schemas()


def _framework_schemas() -> Json:
    framework = {
        "slug": _string(pattern=SLUG),
        "title": _string(),
        "description": _string(),
        "licence": _string(description="An SPDX licence identifier"),
        "owner": _string(),
    }
    summary = framework | {
        "latest_version": _nullable(_string(pattern=NUMBER)),
        "links": _links("self", optional=("latest",)),
    }
    version_summary = {
        "number": _string(pattern=NUMBER),
        "status": _string(enum=STATUSES),
        "published_on": _nullable(_string(format="date")),
        "parent": _nullable(_string(pattern=NUMBER)),
        "links": _ref("VersionLinks"),
    }
    return {
        "Framework": _object(summary, description="A framework as listed"),
        "FrameworkList": _object({"frameworks": _array(_ref("Framework"))}),
        "FrameworkDetail": _object(
            summary | {"versions": _array(_ref("VersionSummary"))},
            description="A framework with its visible versions, newest first",
        ),
        "FrameworkIdentity": _object(framework),
        "VersionSummary": _object(version_summary),
        "VersionLinks": _links("self", "framework", "skills", "roles", optional=("changes",)),
    }


def _content_schemas() -> Json:
    version_meta = {
        "number": _string(pattern=NUMBER),
        "status": _string(enum=STATUSES),
        "parent": _nullable(_string(pattern=NUMBER)),
        "release_notes": _string(),
        "published_on": _nullable(_string(format="date")),
        "consultation_closes_on": _nullable(_string(format="date")),
    }
    skill = {
        "code": _string(pattern=SKILL_CODE),
        "name": _string(),
        "category": _string(pattern=SLUG),
        "description": _string(),
        "guidance": _string(),
        "descriptors": _array(_object({"level": {"type": "integer"}, "text": _string()})),
        "references": {"type": "object", "additionalProperties": _array(_string())},
        "relation": _nullable(
            _object(
                {
                    "type": _string(
                        enum=["unchanged", "reworded", "changed", "split", "merged", "new"]
                    ),
                    "from": _array(_string(pattern=SKILL_CODE)),
                }
            )
        ),
        "links": _links("self"),
    }
    role_level = {
        "code": _string(),
        "name": _string(),
        "description": _string(),
        "profile": {
            "type": "object",
            "description": "The level this step expects in each skill, by skill code",
            "additionalProperties": {"type": "integer"},
        },
    }
    role = {
        "code": _string(pattern=SLUG),
        "name": _string(),
        "description": _string(),
        "levels": _array(_object(role_level)),
        "links": _links("self", "skills"),
    }
    listing = {"framework": _string(pattern=SLUG), "version": _string(pattern=NUMBER)}
    filters = {name: _nullable(_string()) for name in ("category", "role", "q")}
    return {
        "Version": _object(
            {
                "framework": _ref("FrameworkIdentity"),
                "version": _object(version_meta),
                "levels": _array(
                    _object(
                        {"number": {"type": "integer"}, "name": _string(), "description": _string()}
                    )
                ),
                "categories": _array(
                    _object(
                        {
                            "code": _string(pattern=SLUG),
                            "name": _string(),
                            "description": _string(),
                            "links": _links("skills"),
                        }
                    )
                ),
                "skills": _array(_ref("Skill")),
                "roles": _array(_ref("Role")),
                "retired": _array(_object({"code": _string(), "note": _string()})),
                "links": _ref("VersionLinks"),
            },
            description="A whole version: the framework document's content, plus links",
        ),
        "Skill": _object(skill),
        "Role": _object(role),
        "SkillList": _object(
            listing
            | {
                "filters": _object(filters),
                "count": {"type": "integer"},
                "skills": _array(_ref("Skill")),
                "links": _links("version"),
            }
        ),
        "RoleList": _object(
            listing
            | {
                "count": {"type": "integer"},
                "roles": _array(_ref("Role")),
                "links": _links("version"),
            }
        ),
    }


def _change_schemas() -> Json:
    fates = ["unchanged", "reworded", "changed", "split", "merged", "new", "retired"]
    field_change = {
        "field": _string(),
        "level": _nullable({"type": "integer"}),
        "kind": _string(enum=CHANGE_KINDS),
        "old": _nullable(_string()),
        "new": _nullable(_string()),
        "diff": _array(
            _object({"op": _string(enum=["equal", "insert", "delete"]), "text": _string()})
        ),
    }
    fields = _array(_ref("FieldChange"))
    entry = {"key": _string(), "name": _string(), "kind": _string(enum=CHANGE_KINDS)}
    profile_change = {
        "level_code": _string(),
        "skill_code": _string(),
        "old": _nullable({"type": "integer"}),
        "new": _nullable({"type": "integer"}),
    }
    skill_change = {
        "code": _string(),
        "name": _string(),
        "relation": _string(enum=fates),
        "sources": _array(_string()),
        "note": _string(),
        "fields": fields,
    }
    role_change = {
        "code": _string(),
        "name": _string(),
        "kind": _string(enum=CHANGE_KINDS),
        "fields": fields,
        "levels_added": _array(_string()),
        "levels_removed": _array(_string()),
        "profile": _array(_object(profile_change)),
    }
    return {
        "FieldChange": _object(field_change),
        "Changes": _object(
            {
                "framework": _string(pattern=SLUG),
                "from": _string(pattern=NUMBER),
                "to": _string(pattern=NUMBER),
                "relations_from_document": {"type": "boolean"},
                "counts": _object({fate: {"type": "integer"} for fate in fates}),
                "skills": _array(_object(skill_change)),
                "levels": _array(_object(entry | {"fields": fields})),
                "categories": _array(_object(entry | {"fields": fields})),
                "roles": _array(_object(role_change)),
                "links": _links("from", "to"),
            },
            description="Every skill's fate from one version to another, and what else changed",
        ),
    }


def _error_schemas() -> Json:
    return {
        "Error": _object({"error": _object({"status": {"type": "integer"}, "message": _string()})})
    }
