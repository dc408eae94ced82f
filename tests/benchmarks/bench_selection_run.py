"""Benchmark a selection round of 10,000 applicants and 200 workshops run as from the browser.

The organiser's POST to the round's run button must answer at once (it only queues the job);
a separate worker process then solves the round with Huey's own worker loop, while this
process reads the job's page as the organiser's browser would (every 3 seconds) and records
what it showed. Prints a table; not part of `make test`.

    .venv/bin/python tests/benchmarks/bench_selection_run.py --applicants 10000 --workshops 200
"""

from __future__ import annotations

import argparse
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import sqlalchemy as sa
from flask_migrate import upgrade

from tests.benchmarks.bench_register import _peak_rss_kb, _reset


def _app(url: str, jobs_url: str):
    from skillsreg.app import create_app

    return create_app(
        "development",
        SQLALCHEMY_DATABASE_URI=url,
        SERVER_NAME="skillsreg.bench",
        JOBS_URL=jobs_url,
        WTF_CSRF_ENABLED=False,
    )


def build(url: str, jobs_url: str, applicants: int, workshops: int) -> int:
    """An organiser, closed published workshops, applicants with three choices; a round."""
    from skillsreg.accounts.models import User
    from skillsreg.accounts.rules import Role, Sector
    from skillsreg.core.db import utcnow
    from skillsreg.extensions import db
    from skillsreg.workshops.models import (
        Choice,
        ChoiceStatus,
        ExpressionOfInterest,
        Workshop,
        WorkshopStatus,
    )
    from skillsreg.workshops.selection import services

    _reset(url)
    app = _app(url, jobs_url)
    draw = random.Random(2026)
    with app.app_context():
        upgrade()
        now = utcnow()
        common = {"password_hash": "x", "created_at": now, "is_demo": False, "web_groups": []}
        organiser = User(
            email="organiser@example.gov.uk", name="Olive Organiser", organisation="Bench",
            sector=Sector.PUBLIC, job_title="Organiser", role=Role.ORGANISER,
            login_id="bench-organiser", **common,
        )  # fmt: skip
        db.session.add(organiser)
        rows = [
            {
                "title": f"Workshop {n}", "slug": f"workshop-{n}", "description": "",
                "starts_at": now + timedelta(days=30), "ends_at": now + timedelta(days=30, hours=6),
                "venue": "Leeds", "is_online": False, "capacity": 25,
                "closes_at": now - timedelta(days=1), "status": WorkshopStatus.PUBLISHED,
                "eligible_sectors": [], "target_role_codes": [], "target_skill_codes": [],
                "prefer_managers": n % 2 == 0, "max_share_per_sector": 60,
                "max_per_organisation": 3, "one_place_per_person": True, "sequence": 0,
                "created_at": now, "updated_at": now, "published_at": now - timedelta(days=20),
            }
            for n in range(workshops)
        ]  # fmt: skip
        db.session.execute(sa.insert(Workshop), rows)
        workshop_ids = db.session.scalars(sa.select(Workshop.id).order_by(Workshop.id)).all()
        people = [
            {
                "email": f"person{n}@example.gov.uk", "name": f"Person {n}",
                "organisation": f"Organisation {n % 500}", "sector": list(Sector)[n % len(Sector)],
                "job_title": "Web manager", "role": Role.MEMBER, "login_id": f"bench-{n}",
                **common,
            }
            for n in range(applicants)
        ]  # fmt: skip
        db.session.execute(sa.insert(User), people)
        user_ids = db.session.scalars(sa.select(User.id).where(User.role == Role.MEMBER)).all()
        eois = [
            {
                "user_id": user_id, "created_at": now, "updated_at": now,
                "submitted_at": now - timedelta(days=5), "experience": "Runs a website",
                "manages_web_team": n % 3 == 0, "years_managing": 3 if n % 3 == 0 else None,
                "share_assessment": False, "wants_to_comment_on_draft": False,
            }
            for n, user_id in enumerate(user_ids)
        ]  # fmt: skip
        db.session.execute(sa.insert(ExpressionOfInterest), eois)
        eoi_ids = db.session.scalars(sa.select(ExpressionOfInterest.id)).all()
        weights = [1 / (rank + 1) for rank in range(workshops)]
        choices = []
        for eoi_id in eoi_ids:
            picked: list[int] = []
            while len(picked) < 3:
                choice = draw.choices(workshop_ids, weights=weights)[0]
                if choice not in picked:
                    picked.append(choice)
            choices += [
                {"eoi_id": eoi_id, "workshop_id": w, "rank": rank, "is_available": True,
                 "status": ChoiceStatus.APPLIED}
                for rank, w in enumerate(picked, start=1)
            ]  # fmt: skip
        for start in range(0, len(choices), 20_000):
            db.session.execute(sa.insert(Choice), choices[start : start + 20_000])
        db.session.flush()
        round_ = services.open_round(
            workshops=db.session.scalars(sa.select(Workshop)).all(),
            title="Bench round", max_places_per_person=1, min_per_target_role=0,
            time_limit=60, weights={}, actor=organiser, now=now,
        )  # fmt: skip
        db.session.commit()
        round_id = round_.id
        db.engine.dispose()
    return round_id


def child(url: str, jobs_url: str) -> None:
    """A worker: run what is queued, then print the peak resident memory."""
    from skillsreg.core.jobs.queue import work_until_empty
    from skillsreg.extensions import db

    app = _app(url, jobs_url)
    with app.app_context():
        work_until_empty()
        db.engine.dispose()
    print(f"peak_mb {_peak_rss_kb() / 1024:.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--applicants", type=int, default=10_000)
    parser.add_argument("--workshops", type=int, default=200)
    parser.add_argument("--url")
    parser.add_argument("--jobs-url")
    parser.add_argument("--child", action="store_true")
    options = parser.parse_args()
    if options.child:
        child(options.url, options.jobs_url)
        return
    from skillsreg.core.jobs.models import Job
    from skillsreg.extensions import db

    with tempfile.TemporaryDirectory() as folder:
        url = options.url or f"sqlite:///{folder}/bench.db"
        jobs_url = f"sqlite:///{folder}/jobs.db"
        started = time.perf_counter()
        round_id = build(url, jobs_url, options.applicants, options.workshops)
        print(f"round loaded in {time.perf_counter() - started:.1f} s", flush=True)
        app = _app(url, jobs_url)
        with app.app_context():
            client = app.test_client()
            with client.session_transaction() as session:
                session["_user_id"] = "bench-organiser"
            started = time.perf_counter()
            response = client.post(f"/workshops/organise/rounds/{round_id}/run", data={})
            request_seconds = time.perf_counter() - started
            assert response.status_code == 302, response.get_data(as_text=True)[:500]
            job_path = response.headers["Location"]
            worker = subprocess.Popen(
                [sys.executable, __file__, "--child", "--url", url, "--jobs-url", jobs_url],
                stdout=subprocess.PIPE,
                text=True,
                env={**os.environ, "SKILLSREG_ENV": "development"},
            )
            seen: list[tuple[float, str]] = []
            worker_started = time.perf_counter()
            while True:
                page = client.get(job_path).get_data(as_text=True)
                db.session.remove()  # end the read, as a request does: SQLite has one writer
                shown = re.search(r'id="job-progress-text">\s*(.*?)\s*<', page, re.S)
                state = shown.group(1) if shown else "Done"
                seen.append((time.perf_counter() - worker_started, state))
                if worker.poll() is not None:
                    break
                time.sleep(3)
            output = worker.communicate()[0]
            job_seconds = time.perf_counter() - worker_started
            db.session.expire_all()
            job = db.session.get(Job, int(job_path.rsplit("/", 1)[1]))
            outcome = job.message or job.error
            db.engine.dispose()
    peak = output.strip().splitlines()[-1].split()[-1]
    print(f"{'applicants':>11}{'workshops':>10}{'request s':>10}{'job s':>8}{'peak MB':>9}  result")
    print(
        f"{options.applicants:>11}{options.workshops:>10}{request_seconds:>10.2f}"
        f"{job_seconds:>8.1f}{peak:>9}  {job.state.value}: {outcome}"
    )
    print("what the job page showed (seconds after the worker started: progress):")
    for seconds, state in seen:
        print(f"  {seconds:7.1f}  {state}")
    print(f"load average while measuring: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
