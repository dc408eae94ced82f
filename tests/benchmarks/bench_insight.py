"""Benchmark the community skills picture: 10,000 members x 40 skills, counted in SQL.

Prints the SQL counting alone, the organiser's page rendered from nothing (counting,
suppression, charts) and the page again from the cache, against a 1 s target.
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

from flask_migrate import upgrade

from skillsreg.accounts.rules import Role, Sector
from skillsreg.accounts.services import register_user
from skillsreg.app import create_app
from skillsreg.config import ROOT
from skillsreg.core.caching import cache
from skillsreg.core.db import utcnow
from skillsreg.extensions import db
from skillsreg.frameworks.services import import_file
from skillsreg.insight import queries
from skillsreg.insight.demo import community_rows, insert_community

TARGET = 1.0


def _times(action: Callable[[], None], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    """Load the community, then time the counting and the page, cold and cached."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            "development",
            SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder}/bench.db",
            SERVER_NAME="skillsreg.bench",
            CACHE_TYPE="SimpleCache",
        )
        with app.app_context():
            upgrade()
            version = import_file(
                ROOT / "frameworks" / "web-professionals" / "1.0.0.yaml", now=utcnow()
            ).version
            started = time.perf_counter()
            people = community_rows(
                version, count=options.members, now=utcnow(), seed=1, all_skills=True
            )
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
            ratings = db.session.scalar(db.text("SELECT count(*) FROM assessment_ratings"))
            print(
                f"loaded {options.members} members, {len(version.skills)} skills, "
                f"{ratings} ratings in {time.perf_counter() - started:.1f} s"
            )
            client = app.test_client()
            with client.session_transaction() as session:
                session["_user_id"] = organiser.login_id

            def page() -> None:
                response = client.get("/insight/")
                assert response.status_code == 200, response.status_code

            def cold_page() -> None:
                cache.clear()
                page()

            rows = {
                "SQL counting only": _times(lambda: queries.skills_picture(version.id), 3),
                "page, not cached": _times(cold_page, options.runs),
                "page, cached": _times(page, options.runs * 4),
            }
            db.engine.dispose()
    print(f"{'path (10,000 x 40)':<22}{'runs':>6}{'median ms':>11}{'max ms':>9}{'target':>9}  ok")
    for name, times in rows.items():
        median = statistics.median(times)
        ok = "yes" if median < TARGET else "NO"
        print(
            f"{name:<22}{len(times):>6}{median * 1000:>11.0f}{max(times) * 1000:>9.0f}"
            f"{TARGET * 1000:>9.0f}  {ok}"
        )
    print(f"load average while measuring: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
