"""The skills picture is counted again on the task queue whenever what it counts changes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from skillsreg.core.caching import cache, content_key
from skillsreg.core.jobs.models import Job, JobState
from skillsreg.core.jobs.queue import huey
from skillsreg.extensions import db
from skillsreg.insight import pages
from skillsreg.insight.jobs import WARM_PICTURE
from tests.frameworks.test_page_cache import real_cache  # noqa: F401
from tests.insight.test_services import assess
from tests.insight.test_views import as_organiser  # noqa: F401


@pytest.fixture
def warming(app, real_cache) -> Iterator[None]:  # noqa: F811
    app.config["INSIGHT_WARM_PICTURE"] = True
    try:
        yield
    finally:
        app.config["INSIGHT_WARM_PICTURE"] = False


def warm_jobs() -> list[Job]:
    return list(db.session.scalars(sa.select(Job).where(Job.kind == WARM_PICTURE)))


def cached_overview(app, version):
    k = app.config["INSIGHT_MIN_CELL"]
    return cache.get(content_key("insight-overview", version.id, k, pages.fingerprint(version.id)))


def test_a_submitted_assessment_warms_the_picture_through_the_queue(
    app,
    warming,
    community,
    version,
    create_user,
    run_jobs,
    client,
    as_organiser,  # noqa: F811
    monkeypatch,
):
    db.session.commit()
    assert run_jobs() >= 1
    assert cached_overview(app, version).people == len(community)

    assess(create_user(region="london"), version, 3)
    db.session.commit()
    assert cached_overview(app, version) is None  # the counted data changed: a new key
    assert huey.pending_count() == 1
    run_jobs()

    db.session.expire_all()
    jobs = warm_jobs()
    assert [job.state for job in jobs] == [JobState.SUCCEEDED, JobState.SUCCEEDED]
    assert jobs[-1].message == f"The picture of {len(community) + 1} people is ready"
    assert cached_overview(app, version).people == len(community) + 1

    # The organiser's page is a cache hit: nothing is counted while they wait.
    def not_counted(*args):
        raise AssertionError("the picture was counted while the organiser waited")

    monkeypatch.setattr(pages, "_overview", not_counted)
    monkeypatch.setattr(pages, "_count", not_counted)
    assert client.get("/insight/").status_code == 200
    # A skill's page, not itself warmed, protects its tables from the counts kept warm.
    code = version.skills[0].code
    assert client.get(f"/insight/skills/{code}?cut=sector").status_code == 200


def test_changes_while_a_warming_job_waits_are_counted_by_that_job(
    app, warming, community, version, run_jobs
):
    db.session.commit()
    first, second = community[0].user, community[1].user
    first.is_statistics_opt_out = True
    db.session.commit()
    second.region = "wales"
    db.session.commit()
    community[2].user.email_confirmed_at = None
    db.session.commit()

    assert len(warm_jobs()) == 1  # one job waiting, for all three changes
    run_jobs()
    db.session.expire_all()
    assert [job.state for job in warm_jobs()] == [JobState.SUCCEEDED]
    assert cached_overview(app, version).people == len(community) - 2


def test_changes_the_picture_does_not_count_queue_nothing(warming, community, version, run_jobs):
    db.session.commit()
    run_jobs()
    community[0].user.name = "Someone Renamed"
    assess(community[1].user, version, 2, submit=False)  # a draft
    db.session.commit()

    assert len(warm_jobs()) == 1
    assert huey.pending_count() == 0


def test_nothing_is_queued_when_warming_is_off(community, run_jobs):
    db.session.commit()

    assert warm_jobs() == []
    assert run_jobs() == 0
