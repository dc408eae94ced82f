"""A published register pushed to a real WebDAV server, and removed from it on withdrawal."""

from __future__ import annotations

import pytest

from skillsreg.register import services
from skillsreg.register.rules import Population, PopulationSpec
from tests.clock import NOW
from tests.library.conftest import (  # noqa: F401 - fixtures
    dav_root,
    dav_server,
    dav_target,
    make_target,
)
from tests.pages import check_page

pytestmark = pytest.mark.usefixtures("pinned_clock")


def _pushed_files(root):
    return {path.name: path.read_bytes() for path in root.rglob("*") if path.is_file()}


def test_an_organiser_pushes_a_register_and_a_withdrawal_removes_it(
    client,
    login_as,
    consenting,
    organiser,
    db,
    dav_target,  # noqa: F811
    dav_root,  # noqa: F811
    run_jobs,
):
    person = consenting("name", name="Ada Lovelace")
    consenting("name", name="Grace Hopper")
    snapshot = services.publish_register(
        PopulationSpec(Population.FRAMEWORK), actor=organiser, now=NOW
    )
    db.session.commit()
    login_as(organiser)
    page = check_page(client.get(f"/register/{snapshot.number}"))
    button = page.select_one(f"#push-{dav_target.id}")
    assert button.get_text(strip=True) == "Push to Community Nextcloud"
    action = button.find_parent("form")["action"]
    assert client.post(action, data={}).status_code == 302
    check_page(client.get(f"/register/{snapshot.number}"))
    pushed = _pushed_files(dav_root)
    assert b"Ada Lovelace" in pushed["register-1.csv"]
    assert "register-1.csv-metadata.json" in pushed
    client.post(action, data={})  # the same snapshot again changes nothing
    page = check_page(client.get(f"/register/{snapshot.number}"))
    pushes = page.select("table")[-1]
    results = [row.select("td")[3].get_text() for row in pushes.select("tbody tr")]
    assert results == ["unchanged", "ok"]

    services.withdraw_all_consent(person, source="test", now=NOW)
    db.session.commit()
    assert b"Ada Lovelace" in _pushed_files(dav_root)["register-1.csv"]  # until the job runs
    assert run_jobs() == 1
    assert not any(b"Ada Lovelace" in content for content in _pushed_files(dav_root).values())
