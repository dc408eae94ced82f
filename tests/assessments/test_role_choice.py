"""Choosing the role to measure against: grouped by role, the member's own kinds of work first."""

from __future__ import annotations

from types import SimpleNamespace

from skillsreg.assessments.rules import split_roles
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
