"""Choosing the role to measure against: grouped by role, the member's own kinds of work first,
the radios kept per process once rendered."""

from __future__ import annotations

import re
from types import SimpleNamespace

from skillsreg.assessments import fragments
from skillsreg.assessments.rules import split_roles
from skillsreg.frameworks import structure
from skillsreg.frameworks.structure import version_structure
from tests.assessments.test_services import import_version
from tests.pages import check_page


def roles(*codes: str) -> list[SimpleNamespace]:
    return [SimpleNamespace(code=code) for code in codes]


def test_the_kinds_of_web_work_given_at_sign_up_come_first_in_framework_order() -> None:
    all_roles = roles("programmer", "content-editor", "web-manager", "measurement")

    mine, others = split_roles(all_roles, ["web-manager", "content-manager", "analytics"])

    assert [r.code for r in mine] == ["content-editor", "web-manager", "measurement"]
    assert [r.code for r in others] == ["programmer"]


def test_without_kinds_of_web_work_every_role_is_an_other() -> None:
    assert split_roles(roles("a", "b"), []) == ([], roles("a", "b"))


def test_the_start_page_groups_levels_by_role_with_each_role_explained(
    client, login_as, create_user, db
) -> None:
    import_version("1.0.0")
    login_as(create_user(web_groups=["web-designer"]))

    page = check_page(client.get("/assessments/new/web-professionals"))

    legends = [legend.get_text(strip=True) for legend in page.select("legend")]
    assert legends[0] == "Web designer"
    assert "Web manager" in legends[1:]
    headings = [h.get_text(strip=True) for h in page.select("h2.govuk-heading-m")]
    assert headings == ["Your kinds of web work", "Other roles"]
    first_group = page.select_one("fieldset")
    assert first_group.select_one("input#role_level")["value"].startswith("web-designer/")
    details = page.select_one(".govuk-details")
    assert "What a web designer does" in details.get_text()
    assert details.find("a", href="/frameworks/web-professionals/1.0.0/roles/web-designer")
    assert len(page.select("input[name=role_level]")) > 30


def _fresh_page(client, path: str) -> str:
    """The page with nothing kept, so its role radios are rendered now."""
    structure.clear_cache()
    return client.get(path).get_data(as_text=True)


def test_the_role_radios_are_kept_per_version_and_kind_of_work_and_show_the_same(
    client, login_as, create_user, db
) -> None:
    structure.clear_cache()
    version = import_version("1.0.0")
    path = "/assessments/new/web-professionals"
    login_as(create_user(web_groups=["web-designer"]))
    fresh = _fresh_page(client, path)

    kept = client.get(path).get_data(as_text=True)

    keys = [key for key in fragments._kept[version_structure(version)] if key[0] == "role-choice"]
    assert len(keys) == 1
    assert _same_each_time(kept) == _same_each_time(fresh)
    login_as(create_user(web_groups=["web-manager"]))
    other = check_page(client.get(path))
    assert other.select("legend")[0].get_text(strip=True) == "Web manager"


def test_role_radios_with_an_error_or_an_unknown_choice_are_never_kept(
    client, login_as, create_user, db
) -> None:
    structure.clear_cache()
    version = import_version("1.0.0")
    path = "/assessments/new/web-professionals"
    login_as(create_user(web_groups=["web-designer"]))
    token = _token(client.get(path).get_data(as_text=True))
    structure.clear_cache()

    for choice in ("", "web-designer/emperor"):
        posted = client.post(path, data={"csrf_token": token, "role_level": choice})
        page = check_page(posted, errors=True)
        assert page.select_one(".govuk-error-summary")

    kept = fragments._kept.get(version_structure(version), {})
    assert not [key for key in kept if key[0] == "role-choice"]


def _same_each_time(html: str) -> str:
    """The page without its CSP nonce and CSRF token, which each request draws afresh."""
    return re.sub(r'(nonce|value)="[A-Za-z0-9_.-]{20,}"', "", html)


def _token(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
