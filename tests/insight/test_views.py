"""Insight pages: organisers' protected picture, public noisy figures, releases and opt-out."""

from __future__ import annotations

import csv
import io

import pytest

from skillsreg.core.db import utcnow
from skillsreg.insight import services
from tests.insight.test_services import BUDGET
from tests.pages import check_page


@pytest.fixture
def as_organiser(client, login_as, organiser):
    return login_as(organiser)


def test_the_organisers_picture_shows_counts_of_enough_people(client, as_organiser, community):
    page = check_page(client.get("/insight/"), title="Community skills picture")

    text = page.get_text()
    assert "15 people are counted" in text
    assert page.select("svg[role=img] title")
    assert page.select("table.govuk-table")


def test_a_skill_cut_by_sector_hides_the_small_group(client, as_organiser, community, version):
    code = community[0].ratings[0].skill_code
    name = next(s.name for s in version.skills if s.code == code)

    page = check_page(
        client.get(f"/insight/skills/{code}?cut=sector"), title=f"{name}: community picture"
    )

    rows = [row for row in page.select("tbody tr") if row.th]
    supplier = [row for row in rows if row.th.get_text(strip=True).startswith("Supplier")]
    assert supplier
    assert all("hidden" in row.get_text() for row in supplier)


def test_an_unknown_cut_is_not_found(client, as_organiser, version):
    assert client.get(f"/insight/skills/{version.skills[0].code}?cut=shoe-size").status_code == 404


def test_members_may_not_see_the_organisers_picture(client, login_as, member, version):
    login_as(member)

    assert client.get("/insight/").status_code == 403
    assert client.get("/insight/health").status_code == 403


@pytest.mark.parametrize("path", ["/insight/", "/insight/action", "/insight/over-time"])
def test_organiser_pages_need_sign_in(client, path):
    assert client.get(path).status_code == 302


def test_the_organiser_pages_about_action_time_and_health_render(client, as_organiser, community):
    check_page(client.get("/insight/action"), title="From gaps to action")
    page = check_page(client.get("/insight/over-time"), title="The picture over time")
    assert utcnow().strftime("%Y") in page.get_text()
    page = check_page(client.get("/insight/health"), title="Community health")
    assert page.select("svg[role=img]")


def test_an_organiser_makes_a_release_anyone_can_download(client, as_organiser, community, app):
    app.config.update(INSIGHT_EPSILON_PER_RELEASE=1.0, INSIGHT_EPSILON_TOTAL=1.0)
    try:
        response = client.post("/insight/releases", data={})
        assert response.headers["Location"] == "/insight/releases/1"
        page = check_page(client.get("/insight/releases/1"), title="Community skills release 1")
        assert "epsilon 1" in page.get_text()
        rows = {
            row.dt.get_text(strip=True): " ".join(row.dd.get_text().split())
            for row in page.select(".govuk-summary-list__row")
        }
        assert rows["Table: everyone"] == (
            "epsilon 0.5, noise scale 48 (one person changes at most 24 of its counts, each by 1)"
        )
        assert rows["Table: by sector"].startswith("epsilon 0.25, noise scale 96")
        assert rows["Table: by region"].startswith("epsilon 0.25, noise scale 96")

        body = client.get("/insight/releases/1/community-skills-release-1.csv").data.decode()
        rows = list(csv.DictReader(io.StringIO(body)))
        assert {row["measure"] for row in rows} == {"level", "gap"}
        assert {row["cut"] for row in rows} == {"all", "sector", "region"}
        assert {row["group"] for row in rows if row["cut"] == "region"} >= {"wales", "not-given"}

        page = check_page(client.post("/insight/releases", data={}), errors=True, status=400)
        assert "budget is spent" in page.get_text()
    finally:
        app.config.update(INSIGHT_EPSILON_PER_RELEASE=2.0, INSIGHT_EPSILON_TOTAL=6.0)


def test_the_public_page_and_methodology_need_no_sign_in(client, community):
    services.make_release(budget=BUDGET, actor=None, now=utcnow(), url_base="")

    page = check_page(client.get("/insight/public"), title="Community skills: open statistics")
    assert "differential privacy" in page.get_text()
    captions = [c.get_text(strip=True) for c in page.select("caption")]
    assert any(c.endswith("by sector") for c in captions)
    assert any(c.endswith("by region") for c in captions)
    assert page.select_one("#chart-by-region-title")
    page = check_page(
        client.get("/insight/methodology"), title="How the community skills statistics are made"
    )
    text = page.get_text()
    assert "epsilon" in text
    # The rules a reviewer needs to recompute the figures, and the budget of each table.
    for rule in ("Unchanged", "reworded", "Changed", "Split", "Merged", "sequential"):
        assert rule in text
    text = " ".join(text.split())
    assert "1 for everyone (noise scale 24 ÷ 1 = 24)" in text
    assert "0.5 for the table by region (noise scale 24 ÷ 0.5 = 48)" in text


def test_the_app_refuses_to_start_with_release_shares_that_do_not_add_up():
    from skillsreg.app import create_app
    from skillsreg.insight.rules import InsightRuleError

    with pytest.raises(InsightRuleError, match="INSIGHT_RELEASE_SHARES must add up to 1"):
        create_app(
            "test",
            SQLALCHEMY_DATABASE_URI="sqlite://",
            INSIGHT_RELEASE_SHARES="everyone=0.5,sector=0.5,region=0.5",
        )


def test_a_member_opts_out_on_their_privacy_page(client, login_as, member):
    login_as(member)
    check_page(client.get("/account/privacy"), title="Your privacy and the register")

    response = client.post("/account/privacy/statistics", data={"choice": "out"})

    assert response.headers["Location"] == "/account/privacy"
    assert member.is_statistics_opt_out
    page = check_page(client.get("/account/privacy"), title="Your privacy and the register")
    assert "asked to be left out" in page.get_text()


def test_opting_out_without_a_choice_shows_the_error(client, login_as, member):
    login_as(member)

    page = check_page(client.post("/account/privacy/statistics", data={"choice": ""}), errors=True)

    assert "Select whether" in page.get_text()


def test_figures_made_from_demonstration_accounts_say_so(client, as_organiser, community):
    assert not check_page(client.get("/insight/")).select("#demonstration-data")

    community[0].user.is_demo = True
    page = check_page(client.get("/insight/"))

    notice = page.select_one("#demonstration-data").get_text(" ", strip=True)
    assert "holds 1 made-up account" in notice


def test_the_cached_picture_is_counted_again_when_a_member_moves_region(db, community, version):
    from skillsreg.insight.pages import fingerprint

    before = fingerprint(version.id)
    mover = community[0].user
    mover.region = "wales"
    db.session.flush()
    moved = fingerprint(version.id)
    assert moved != before
    # Two people swapping places leave every group's size alone, but not its members.
    other = community[1].user
    mover.region, other.region = "london", "wales"
    db.session.flush()
    assert fingerprint(version.id) not in (moved, before)
