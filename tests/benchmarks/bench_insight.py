"""Benchmark the community skills picture: 10,000 members x 40 skills, counted in SQL.

For SQLite always, and PostgreSQL too when TEST_DATABASE_URL is set (its schema is dropped and
rebuilt, as the test suite does), prints: the counting as first written (one query per cut
and measure, kept here as the baseline; its figures must equal today's), the counting now, the
organiser's page rendered from nothing (counting, suppression, charts) and the page again
from the cache, against a 1 s target; then a member submits an assessment and the time from
their submission to the picture warm in the cache again (the warming job run by Huey's worker
loop, as a worker always running would), and the organiser's next page.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import sqlalchemy as sa
from flask import current_app
from flask_migrate import upgrade

from skillsreg.accounts.rules import Role, Sector
from skillsreg.accounts.services import register_user
from skillsreg.app import create_app
from skillsreg.assessments import services as assessments
from skillsreg.assessments.models import Rating
from skillsreg.config import ROOT
from skillsreg.core.caching import cache, content_key
from skillsreg.core.db import utcnow
from skillsreg.core.jobs.models import Job
from skillsreg.core.jobs.queue import huey, work_until_empty
from skillsreg.extensions import db
from skillsreg.frameworks.services import import_file
from skillsreg.insight import pages, queries
from skillsreg.insight.demo import community_rows, insert_community
from skillsreg.insight.jobs import WARM_PICTURE

TARGET = 1.0
WARMING: list[float] = []  # the warming jobs' own run times, from their records


def _times(action: Callable[[], object], runs: int) -> list[tuple[float, float]]:
    """(wall seconds, this process's CPU seconds) of each run."""
    times = []
    for _ in range(runs):
        start, cpu = time.perf_counter(), time.process_time()
        action()
        times.append((time.perf_counter() - start, time.process_time() - cpu))
    return times


def baseline_picture(version_id: int) -> queries.Picture:
    """The counting as first written: three queries per cut, each joining the ratings anew."""
    counted = queries.counted_assessments(version_id)
    people = db.session.scalar(sa.select(sa.func.count()).select_from(counted)) or 0
    picture = queries.Picture(version_id=version_id, people=people)
    expected = queries._expected(version_id)
    level = sa.case((Rating.is_not_applicable, queries.NOT_APPLICABLE), else_=Rating.level)
    status = sa.case(
        (Rating.level < expected.c.expected, "below"),
        (Rating.level == expected.c.expected, "meets"),
        else_="above",
    )
    columns = {
        "all": sa.literal("all"),
        "role": counted.c.role_code,
        "role-level": counted.c.role_level_code,
        "sector": counted.c.sector,
        "region": counted.c.region,
    }
    for cut, column in columns.items():
        group = column.label("grp")
        level_rows = db.session.execute(
            sa.select(group, Rating.skill_code, level.label("lvl"), sa.func.count())
            .select_from(counted)
            .join(Rating, Rating.assessment_id == counted.c.assessment_id)
            .where(sa.or_(Rating.level.is_not(None), Rating.is_not_applicable))
            .group_by(group, Rating.skill_code, level)
        )
        picture.levels[cut] = {(queries._text(g), s, int(lv)): n for g, s, lv, n in level_rows}
        gap_rows = db.session.execute(
            sa.select(group, Rating.skill_code, status.label("status"), sa.func.count())
            .select_from(counted)
            .join(Rating, Rating.assessment_id == counted.c.assessment_id)
            .join(
                expected,
                sa.and_(
                    expected.c.role_code == counted.c.role_code,
                    expected.c.role_level_code == counted.c.role_level_code,
                    expected.c.skill_code == Rating.skill_code,
                ),
            )
            .where(Rating.level.is_not(None))
            .group_by(group, Rating.skill_code, status)
        )
        picture.gaps[cut] = {(queries._text(g), s, st): n for g, s, st, n in gap_rows}
        group_rows = db.session.execute(sa.select(group).select_from(counted).distinct())
        picture.groups[cut] = sorted(queries._text(g) for (g,) in group_rows)
    return picture


def submit_and_warm(version) -> None:
    """A new member submits an assessment; the worker warms the picture in the cache."""
    n = db.session.scalar(sa.select(sa.func.count()).select_from(Rating)) or 0
    member = register_user(
        name="Late Member",
        email=f"late{n}@bench.example",
        password="correct horse battery staple",
        organisation="Benchmark borough",
        sector=Sector.PUBLIC,
        job_title="Web manager",
        web_groups=[],
        now=utcnow(),
        confirmed=True,
    )
    assessment = assessments.start_assessment(
        user=member,
        version=version,
        role_code="web-manager",
        role_level_code="assistant",
        now=utcnow(),
    )
    answers = {r.skill_code: assessments.Answer("3", "") for r in assessment.ratings}
    assessments.answer_skills(assessment, answers, now=utcnow())
    assessments.submit_assessment(assessment, now=utcnow())
    db.session.commit()
    # One worker runs the assessment's PDF job first, then the picture's warming job.
    work_until_empty()
    warmed = db.session.scalar(
        sa.select(Job).where(Job.kind == WARM_PICTURE).order_by(Job.id.desc()).limit(1)
    )
    assert warmed is not None
    assert warmed.started_at is not None
    assert warmed.finished_at is not None
    WARMING.append((warmed.finished_at - warmed.started_at).total_seconds())
    k = int(current_app.config["INSIGHT_MIN_CELL"])
    key = content_key("insight-overview", version.id, k, pages.fingerprint(version.id))
    assert cache.get(key) is not None, "the picture was not warmed"
    assert not huey.pending_count()


def _reset(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql("DROP SCHEMA public CASCADE")
            connection.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


def measure(url: str, members: int, runs: int) -> dict[str, list[tuple[float, float]]]:
    """Load the community into a fresh database, then time the counting and the page."""
    _reset(url)
    app = create_app(
        "development",
        SQLALCHEMY_DATABASE_URI=url,
        SERVER_NAME="skillsreg.bench",
        CACHE_TYPE="SimpleCache",
        JOBS_URL="memory://",
        INSIGHT_WARM_PICTURE=True,
    )
    with app.app_context():
        upgrade()
        version = import_file(
            ROOT / "frameworks" / "web-professionals" / "1.0.0.yaml", now=utcnow()
        ).version
        started = time.perf_counter()
        people = community_rows(version, count=members, now=utcnow(), seed=1, all_skills=True)
        insert_community(version, people, prefix="bench", now=utcnow())
        organiser = register_user(
            name="Bench Organiser",
            email="organiser@bench.example",
            password="correct horse battery staple",
            organisation="Benchmark network",
            sector=Sector.THIRD,
            job_title="Organiser",
            web_groups=[],
            role=Role.ORGANISER,
            now=utcnow(),
            confirmed=True,
        )
        db.session.commit()
        work_until_empty()  # the warming the organiser's account queued
        if db.engine.dialect.name == "postgresql":
            db.session.execute(sa.text("ANALYZE"))
            db.session.commit()
        ratings = db.session.scalar(sa.text("SELECT count(*) FROM assessment_ratings"))
        print(
            f"{db.engine.dialect.name}: loaded {members} members, {len(version.skills)} skills, "
            f"{ratings} ratings in {time.perf_counter() - started:.1f} s"
        )
        before, now = baseline_picture(version.id), queries.skills_picture(version.id)
        assert (before.people, before.levels, before.gaps, before.groups) == (
            now.people,
            now.levels,
            now.gaps,
            now.groups,
        ), "the counting gives different figures from the baseline"
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = organiser.login_id

        def page() -> None:
            response = client.get("/insight/")
            assert response.status_code == 200, response.status_code

        def cold_page() -> None:
            cache.clear()
            page()

        codes = iter([skill.code for skill in version.skills][::-1])

        def skill_page(code: str) -> None:
            response = client.get(f"/insight/skills/{code}?cut=region")
            assert response.status_code == 200, response.status_code

        rows = {
            "SQL, baseline": _times(lambda: baseline_picture(version.id), 1),
            "SQL counting": _times(lambda: queries.skills_picture(version.id), runs),
            "SQL category gaps": _times(lambda: queries.category_gaps(version.id), runs),
            "page, not cached": _times(cold_page, runs),
            "page, cached": _times(page, runs * 4),
            "submit to warm cache": _times(lambda: submit_and_warm(version), runs),
            "page after warming": _times(page, runs),
            # Each run a skill page not seen since the warming: it protects one skill's tables
            # from the warm counts.
            "skill page after warm": _times(lambda: skill_page(next(codes)), runs),
        }
        rows["warming job alone"] = [(seconds, 0.0) for seconds in WARMING]
        WARMING.clear()
        db.session.remove()
        db.engine.dispose()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as folder:
        databases = [("SQLite", f"sqlite:///{folder}/bench.db")]
        if os.environ.get("TEST_DATABASE_URL"):
            databases.append(("PostgreSQL", os.environ["TEST_DATABASE_URL"]))
        for label, url in databases:
            results.append((label, measure(url, options.members, options.runs)))
    size = f"{options.members:,} x 40"
    print(
        f"{'database':<12}{'path (' + size + ')':<24}{'runs':>5}{'median ms':>11}"
        f"{'max ms':>9}{'cpu ms':>8}{'target':>8}  ok"
    )
    for label, rows in results:
        for name, times in rows.items():
            median = statistics.median(wall for wall, _ in times)
            cpu = statistics.median(cpu for _, cpu in times)
            ok = "-" if name == "SQL, baseline" else "yes" if median < TARGET else "NO"
            print(
                f"{label:<12}{name:<24}{len(times):>5}{median * 1000:>11.0f}"
                f"{max(wall for wall, _ in times) * 1000:>9.0f}{cpu * 1000:>8.0f}"
                f"{TARGET * 1000:>8.0f}  {ok}"
            )
    print(
        "median and max ms: wall clock; cpu ms: this process's CPU time (median), which leaves "
        "out the PostgreSQL server's work and other programs' load; submit to warm cache: "
        "commit of a new member's submitted assessment until the picture is in the cache, with "
        "one worker that runs the assessment's PDF job first; warming job alone: that job's "
        "recorded run time (no CPU figure)"
    )
    print(f"load average while measuring: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
