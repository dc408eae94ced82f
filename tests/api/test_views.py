"""The read-only JSON API: content, errors, caching, visibility, query counts and its OpenAPI."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from jsonschema import Draft202012Validator
from sqlalchemy.exc import OperationalError

from skillsreg.api import queries, serializers
from skillsreg.core.db import utcnow
from skillsreg.frameworks import services
from skillsreg.frameworks.models import FrameworkVersion
from skillsreg.frameworks.store import load_version, version_document
from tests.frameworks.generated import make_large_child, make_large_doc
from tests.frameworks.test_document import make_child, make_doc

API = "/api/v1"
FRAMEWORK = f"{API}/frameworks/web-professionals"
V1 = f"{FRAMEWORK}/versions/1.0.0"
V2 = f"{FRAMEWORK}/versions/1.1.0"


def import_doc(doc: dict[str, Any]) -> FrameworkVersion:
    return services.import_document(doc, filename="framework.yaml", now=utcnow()).version


def published_child() -> dict[str, Any]:
    """make_child's 1.1.0, published, with CODS's description reworded."""
    doc = make_child()
    doc["version"].update(status="published", published_on="2026-12-01")
    doc["skills"][0]["description"] = "What CODS really is."
    return doc


@pytest.fixture
def versions(db: Any) -> tuple[FrameworkVersion, FrameworkVersion]:
    """Version 1.0.0 and its published child 1.1.0 of the web-professionals framework."""
    return import_doc(make_doc()), import_doc(published_child())


@pytest.fixture
def draft(versions: Any, organiser: Any) -> FrameworkVersion:
    return services.create_draft(versions[0].framework, actor=organiser, now=utcnow())


def error_of(response: Any, status: int) -> str:
    assert response.status_code == status
    assert response.mimetype == "application/json"
    assert response.json["error"]["status"] == status
    return response.json["error"]["message"]


@contextmanager
def counting_queries(db: Any) -> Iterator[list[str]]:
    """The SQL statements run inside the block, savepoints left out (the test transaction's)."""
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not re.match(r"\s*(SAVEPOINT|RELEASE|ROLLBACK)", statement, re.IGNORECASE):
            statements.append(statement)

    db.session.expunge_all()  # as in a new request, nothing is already loaded
    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)


def test_the_framework_list_shows_each_framework_and_its_latest_version(client, versions):
    response = client.get(f"{API}/frameworks")

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.json == {
        "frameworks": [
            {
                "slug": "web-professionals",
                "title": "Skills framework for public-sector web professionals",
                "description": "Skills for people who run public websites.\nSecond line.",
                "licence": "CC-BY-4.0",
                "owner": "Public Sector Web Professionals Network",
                "latest_version": "1.1.0",
                "links": {"self": FRAMEWORK, "latest": f"{FRAMEWORK}/versions/latest"},
            }
        ]
    }
    assert response.headers["Cache-Control"] == "public, max-age=300"


def test_a_framework_lists_its_versions_newest_first_with_their_lineage(client, versions):
    response = client.get(FRAMEWORK)

    assert response.status_code == 200
    assert [(v["number"], v["status"], v["parent"]) for v in response.json["versions"]] == [
        ("1.1.0", "published", "1.0.0"),
        ("1.0.0", "published", None),
    ]
    assert response.json["versions"][0]["links"]["changes"] == f"{V2}/changes"
    assert "changes" not in response.json["versions"][1]["links"]


def test_an_unknown_framework_is_a_json_not_found(client, versions):
    message = error_of(client.get(f"{API}/frameworks/no-such-thing"), 404)

    assert message == "There is no framework no-such-thing"


def test_a_version_carries_the_framework_document_and_links(client, versions):
    response = client.get(V2)

    assert response.status_code == 200
    body = response.json
    document = version_document(load_version(versions[1].id))
    assert body["framework"] == document["framework"]
    assert body["version"] == document["version"] | {"consultation_closes_on": None}
    assert body["levels"] == document["levels"]
    assert [s["code"] for s in body["skills"]] == ["CODS", "ACCS", "ACCT", "AIAC"]
    assert body["skills"][2]["relation"] == {"type": "split", "from": ["ACCS"]}
    assert body["roles"][0]["levels"][0]["profile"] == {"CODS": 2, "ACCS": 3}
    assert body["retired"] == [{"code": "OLDC", "note": "Folded into CODS guidance."}]
    assert body["links"]["changes"] == f"{V2}/changes"
    assert body["skills"][0]["links"]["self"] == f"{V2}/skills/CODS"


def test_latest_is_the_newest_published_version_and_is_cached_briefly(client, versions):
    response = client.get(f"{FRAMEWORK}/versions/latest")

    assert response.json["version"]["number"] == "1.1.0"
    assert response.json["links"]["self"] == V2
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert client.get(V2).headers["Cache-Control"] == "public, max-age=3600"


@pytest.mark.parametrize("number", ["1.0", "v1.0.0", "1.0.0.0", "newest"])
def test_a_malformed_version_number_is_a_bad_request(client, versions, number):
    message = error_of(client.get(f"{FRAMEWORK}/versions/{number}/skills"), 400)

    assert number in message


def test_an_unknown_version_is_not_found(client, versions):
    message = error_of(client.get(f"{FRAMEWORK}/versions/9.9.9"), 404)

    assert message == "web-professionals has no version 9.9.9"


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ("", ["CODS", "ACCS", "ACCT", "AIAC"]),
        ("?category=content", ["CODS"]),
        ("?role=web-manager", ["CODS", "ACCS"]),
        ("?q=audits", ["ACCT"]),
        ("?category=technology&q=aiac", ["AIAC"]),
    ],
)
def test_skills_can_be_chosen_by_category_role_and_text(client, versions, query, codes):
    response = client.get(f"{V2}/skills{query}")

    assert response.status_code == 200
    assert [skill["code"] for skill in response.json["skills"]] == codes
    assert response.json["count"] == len(codes)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("category=nope", "Version 1.1.0 has no category nope"),
        ("role=astronaut", "Version 1.1.0 has no role astronaut"),
        ("q=" + "x" * 101, "Search text must be 100 characters or fewer"),
    ],
)
def test_an_unknown_filter_is_a_bad_request(client, versions, query, message):
    assert error_of(client.get(f"{V2}/skills?{query}"), 400) == message


def test_a_skill_shows_its_descriptors_and_relation(client, versions):
    response = client.get(f"{V2}/skills/ACCS")

    assert response.status_code == 200
    assert response.json["descriptors"] == [
        {"level": 2, "text": "Tests pages."},
        {"level": 3, "text": "Fixes barriers."},
        {"level": 4, "text": "Leads."},
    ]
    assert response.json["relation"] == {"type": "split", "from": ["ACCS"]}
    assert response.json["category"] == "technology"


def test_roles_show_their_levels_and_what_each_expects(client, versions):
    listing = client.get(f"{V2}/roles")
    role = client.get(f"{V2}/roles/web-manager")

    assert listing.status_code == role.status_code == 200
    assert listing.json["roles"] == [role.json]
    assert role.json["levels"][0]["profile"] == {"CODS": 2, "ACCS": 3}
    assert role.json["links"]["skills"] == f"{V2}/skills?role=web-manager"


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("skills/OLDC", "Version 1.1.0 of web-professionals has no skill OLDC"),
        ("roles/astronaut", "Version 1.1.0 of web-professionals has no role astronaut"),
    ],
)
def test_an_unknown_skill_or_role_is_not_found(client, versions, path, message):
    assert error_of(client.get(f"{V2}/{path}"), 404) == message


def test_changes_default_to_the_parent_version(client, versions):
    response = client.get(f"{V2}/changes")

    assert response.status_code == 200
    body = response.json
    assert (body["from"], body["to"], body["relations_from_document"]) == ("1.0.0", "1.1.0", True)
    fates = {skill["code"]: (skill["relation"], skill["sources"]) for skill in body["skills"]}
    assert fates == {
        "CODS": ("reworded", ["CODS"]),
        "ACCS": ("split", ["ACCS"]),
        "ACCT": ("split", ["ACCS"]),
        "AIAC": ("new", []),
        "OLDC": ("retired", []),
    }
    assert body["counts"]["split"] == 2
    assert body["links"] == {"from": V1, "to": V2}


def test_changes_give_each_changed_field_with_its_old_and_new_text(client, versions):
    response = client.get(f"{V2}/changes")

    cods = next(skill for skill in response.json["skills"] if skill["code"] == "CODS")
    assert cods["fields"] == [
        {
            "field": "description",
            "level": None,
            "kind": "changed",
            "old": "What CODS is.",
            "new": "What CODS really is.",
            "diff": [
                {"op": "equal", "text": "What CODS "},
                {"op": "insert", "text": "really "},
                {"op": "equal", "text": "is."},
            ],
        }
    ]


def test_changes_can_be_asked_from_any_visible_version(client, versions):
    response = client.get(f"{V1}/changes?from=1.1.0")

    assert response.status_code == 200
    assert (response.json["from"], response.json["to"]) == ("1.1.0", "1.0.0")
    assert response.json["relations_from_document"] is False
    fates = {skill["code"]: skill["relation"] for skill in response.json["skills"]}
    assert fates["OLDC"] == "new"
    assert fates["AIAC"] == "retired"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (f"{V1}/changes", "Version 1.0.0 has no parent version"),
        (f"{V2}/changes?from=2.0.0", "web-professionals has no version 2.0.0"),
        (f"{V2}/changes?from=old", "not old"),
    ],
)
def test_changes_need_a_version_to_compare_with(client, versions, url, message):
    assert message in error_of(client.get(url), 400)


@pytest.mark.parametrize("path", ["", "/skills", "/skills/CODS", "/roles", "/changes"])
def test_a_client_with_a_current_copy_gets_304_without_the_content_being_loaded(
    client, db, versions, path
):
    first = client.get(f"{V2}{path}")
    etag = first.headers["ETag"]

    with counting_queries(db) as statements:
        again = client.get(f"{V2}{path}", headers={"If-None-Match": etag})

    assert first.status_code == 200
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag
    assert len(statements) == 1


def test_an_unchanged_version_since_a_date_gets_304(client, versions):
    first = client.get(V2)

    again = client.get(V2, headers={"If-Modified-Since": first.headers["Last-Modified"]})

    assert again.status_code == 304


def test_each_address_and_filter_has_its_own_etag(client, versions):
    etags = {
        client.get(url).headers["ETag"]
        for url in (V1, V2, f"{V2}/skills", f"{V2}/skills?category=content")
    }

    assert len(etags) == 4


def test_lists_are_revalidated_by_their_content(client, versions):
    first = client.get(FRAMEWORK)

    again = client.get(FRAMEWORK, headers={"If-None-Match": first.headers["ETag"]})

    assert again.status_code == 304


def test_retiring_a_version_changes_its_etag_and_status(client, versions):
    before = client.get(V1)

    services.retire_version(versions[0], now=utcnow() + timedelta(minutes=1))
    after = client.get(V1, headers={"If-None-Match": before.headers["ETag"]})

    assert after.status_code == 200
    assert after.json["version"]["status"] == "retired"
    assert after.headers["Last-Modified"] != before.headers["Last-Modified"]


def test_drafts_are_never_shown(client, versions, draft):
    listed = client.get(FRAMEWORK).json["versions"]
    hidden = f"{FRAMEWORK}/versions/{draft.number}"

    assert draft.number == "1.2.0"
    assert [version["number"] for version in listed] == ["1.1.0", "1.0.0"]
    assert client.get(f"{FRAMEWORK}/versions/latest").json["version"]["number"] == "1.1.0"
    error_of(client.get(hidden), 404)
    error_of(client.get(f"{hidden}/skills"), 404)
    error_of(client.get(f"{V2}/changes?from=1.2.0"), 400)


def test_a_framework_with_only_a_draft_is_not_listed(client, db):
    doc = make_doc()
    doc["framework"]["slug"] = "unfinished"
    doc["version"].update(status="draft", published_on=None)
    import_doc(doc)

    assert client.get(f"{API}/frameworks").json == {"frameworks": []}
    error_of(client.get(f"{API}/frameworks/unfinished"), 404)


def test_a_version_in_consultation_is_shown_with_its_status_and_cached_briefly(
    client, versions, draft
):
    closes_on = utcnow().date() + timedelta(days=14)
    services.open_consultation(draft, closes_on=closes_on, expected_lock=None, now=utcnow())

    response = client.get(f"{FRAMEWORK}/versions/1.2.0")

    assert response.status_code == 200
    assert response.json["version"]["status"] == "consultation"
    assert response.json["version"]["consultation_closes_on"] == closes_on.isoformat()
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert client.get(f"{FRAMEWORK}/versions/latest").json["version"]["number"] == "1.1.0"


@pytest.mark.parametrize("url", [f"{API}/frameworks", V2, f"{API}/frameworks/nope"])
def test_any_web_page_may_read_the_api(client, versions, url):
    response = client.get(url)

    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Access-Control-Expose-Headers"] == "ETag"
    assert "Set-Cookie" not in response.headers


def test_a_browser_may_ask_before_sending_validators_from_another_origin(client, versions):
    response = client.options(V2, headers={"Origin": "https://example.org"})

    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert response.headers["Access-Control-Allow-Headers"] == "If-None-Match, If-Modified-Since"


def test_an_unknown_api_address_is_a_json_not_found(client, db):
    message = error_of(client.get(f"{API}/skills"), 404)

    assert message == "The API has no address /api/v1/skills"


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_the_api_refuses_every_method_but_reading_in_json(client, versions, method):
    response = client.open(f"{API}/frameworks", method=method)

    error_of(response, 405)
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


def test_an_unexpected_failure_is_reported_in_json(app, client, versions, monkeypatch):
    def fail(version: Any) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    monkeypatch.setattr(serializers, "version_detail", fail)

    assert error_of(client.get(V2), 500) == "Sorry, there is a problem with the service"


def test_a_lost_database_is_reported_in_json(client, versions, monkeypatch):
    def lost(slug: str) -> None:
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(queries, "framework_with_versions", lost)

    assert error_of(client.get(V2), 503) == "Sorry, the service is unavailable"


def _sized_framework(slug: str, skills: int, roles: int) -> None:
    parent = make_large_doc(skills=skills, roles=roles, levels=4, categories=3)
    parent["framework"]["slug"] = slug
    import_doc(parent)
    import_doc(make_large_child(parent))


def test_each_endpoint_runs_the_same_few_queries_however_large_the_version(client, db):
    _sized_framework("small", skills=10, roles=2)
    _sized_framework("large", skills=60, roles=12)
    paths = [
        "/frameworks",
        "/frameworks/{slug}",
        "/frameworks/{slug}/versions/1.1.0",
        "/frameworks/{slug}/versions/latest/skills",
        "/frameworks/{slug}/versions/1.1.0/skills?role=role-1&q=plan",
        "/frameworks/{slug}/versions/1.1.0/skills/S001",
        "/frameworks/{slug}/versions/1.1.0/roles",
        "/frameworks/{slug}/versions/1.1.0/roles/role-1",
        "/frameworks/{slug}/versions/1.1.0/changes",
    ]
    counts = {}
    for slug in ("small", "large"):
        for path in paths:
            with counting_queries(db) as statements:
                response = client.get(API + path.format(slug=slug))
            assert response.status_code == 200, (slug, path)
            counts[slug, path] = len(statements)

    assert {path: counts["small", path] for path in paths} == {
        path: counts["large", path] for path in paths
    }
    assert max(counts.values()) <= 10, counts


# OpenAPI


def _api_rules(app: Any) -> list[str]:
    """The API's addresses in OpenAPI form, without the catch-all for unknown addresses."""
    return sorted(
        re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix(API))
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.") and rule.endpoint != "api.refuse_unknown_request"
    )


@pytest.fixture
def openapi(client: Any) -> dict[str, Any]:
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    return response.json


def test_the_openapi_document_describes_every_api_address(app, openapi):
    assert openapi["openapi"].startswith("3.1.")
    assert {"title", "version"} <= openapi["info"].keys()
    assert sorted(openapi["paths"]) == _api_rules(app)
    for path, item in openapi["paths"].items():
        operation = item["get"]
        assert operation["operationId"], path
        assert "200" in operation["responses"], path
        declared = {
            _resolve(openapi, p)["name"]
            for p in operation.get("parameters", [])
            if _resolve(openapi, p)["in"] == "path"
        }
        assert declared == set(re.findall(r"{(\w+)}", path)), path


def test_every_openapi_reference_resolves_and_every_schema_is_valid(openapi):
    for ref in re.findall(r'"\$ref": "([^"]+)"', json.dumps(openapi)):
        assert _resolve(openapi, {"$ref": ref}), ref
    for schema in openapi["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize(
    ("url", "schema"),
    [
        (f"{API}/frameworks", "FrameworkList"),
        (FRAMEWORK, "FrameworkDetail"),
        (V2, "Version"),
        (f"{V2}/skills?category=technology", "SkillList"),
        (f"{V2}/skills/ACCT", "Skill"),
        (f"{V2}/roles", "RoleList"),
        (f"{V2}/roles/web-manager", "Role"),
        (f"{V2}/changes", "Changes"),
        (f"{V1}/changes?from=1.1.0", "Changes"),
        (f"{V2}/skills/NOPE", "Error"),
        (f"{V2}/skills?role=nope", "Error"),
    ],
)
def test_responses_follow_their_openapi_schema(client, versions, openapi, url, schema):
    validator = Draft202012Validator(
        {"$ref": f"#/components/schemas/{schema}", "components": openapi["components"]}
    )

    errors = [f"{e.json_path}: {e.message}" for e in validator.iter_errors(client.get(url).json)]

    assert errors == []


def _resolve(document: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    if "$ref" not in node:
        return node
    for part in node["$ref"].removeprefix("#/").split("/"):
        document = document[part]
    return document
