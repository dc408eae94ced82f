"""The API advertises only the methods it allows and documents every status it returns."""

from __future__ import annotations

from typing import Any

import pytest

from skillsreg.api.openapi import build_document
from tests.api.test_views import API, V1, error_of, versions  # noqa: F401 - fixture

pytestmark = pytest.mark.usefixtures("versions")
PATHS = build_document()["paths"]
ADDRESSES = [
    "/frameworks",
    "/frameworks/web-professionals",
    "/frameworks/web-professionals/versions/1.0.0",
    "/frameworks/web-professionals/versions/1.0.0/skills",
    "/frameworks/web-professionals/versions/1.0.0/skills/CODS",
    "/frameworks/web-professionals/versions/1.0.0/roles",
    "/frameworks/web-professionals/versions/1.0.0/roles/web-manager",
    "/frameworks/web-professionals/versions/1.1.0/changes",
    "/openapi.json",
    "/no-such-address",
]


@pytest.mark.parametrize("address", ADDRESSES)
def test_options_advertises_only_the_read_methods(client: Any, address: str) -> None:
    response = client.options(f"{API}{address}")

    assert response.status_code == 200
    assert response.headers["Allow"] == "GET, HEAD, OPTIONS"
    assert response.headers["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_other_methods_are_refused_naming_the_read_methods(
    client: Any,
    method: str,
) -> None:
    response = client.open(V1, method=method)

    error_of(response, 405)
    assert response.headers["Allow"] == "GET, HEAD, OPTIONS"


@pytest.mark.parametrize("path", sorted(PATHS))
def test_every_operation_documents_the_statuses_every_operation_can_return(path: str) -> None:
    responses = PATHS[path]["get"]["responses"]

    assert {"200", "304", "500", "503"} <= set(responses)
    if "{" in path:
        assert {"404"} <= set(responses)
    if "{version}" in path:
        assert {"400"} <= set(responses)


def test_a_stale_if_match_gets_a_documented_json_412(client: Any) -> None:
    for address in ("/frameworks", "/frameworks/web-professionals", "/openapi.json"):
        response = client.get(f"{API}{address}", headers={"If-Match": '"stale"'})

        assert "not current" in error_of(response, 412)
        template = next(path for path in PATHS if _matches(path, address))
        assert "412" in PATHS[template]["get"]["responses"]


def test_statuses_seen_are_documented(client: Any) -> None:
    seen = {
        f"{V1}/skills?category=nope": "400",
        f"{API}/frameworks/nope": "404",
        f"{V1}/roles/nope": "404",
        f"{API}/frameworks/web-professionals/versions/9.9": "400",
    }
    for url, status in seen.items():
        response = client.get(url)
        assert str(response.status_code) == status
        template = next(
            path for path in PATHS if _matches(path, url.removeprefix(API).split("?")[0])
        )
        assert status in PATHS[template]["get"]["responses"], url


def _matches(template: str, path: str) -> bool:
    parts, actual = template.split("/"), path.split("/")
    return len(parts) == len(actual) and all(
        part.startswith("{") or part == value for part, value in zip(parts, actual, strict=True)
    )
