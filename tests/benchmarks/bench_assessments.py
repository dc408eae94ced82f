"""Benchmark a 40-skill self-assessment: its result page, a first PDF render, a cached PDF."""

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

from skillsreg.accounts.rules import Sector
from skillsreg.accounts.services import register_user
from skillsreg.app import create_app
from skillsreg.assessments import services
from skillsreg.config import ROOT
from skillsreg.core.db import utcnow
from skillsreg.extensions import db
from skillsreg.frameworks.services import import_file

TARGETS = {"result page": 0.2, "first PDF render": 0.6, "cached PDF": 0.02}


def _assessment(version) -> tuple[int, str]:
    user = register_user(
        name="Bench Mark",
        email="bench@example.gov.uk",
        password="correct horse battery staple",
        organisation="Benchmark Borough Council",
        sector=Sector.PUBLIC,
        job_title="Web manager",
        web_groups=["web-manager"],
        now=utcnow(),
        confirmed=True,
    )
    assessment = services.start_assessment(
        user=user, version=version, role_code="web-manager", role_level_code="manager", now=utcnow()
    )
    for skill in version.skills:
        if assessment.rating_for(skill.code) is None:
            services.add_skill(assessment, skill_code=skill.code, now=utcnow())
    answers = {
        skill.code: services.Answer(str(max(skill.levels)), f"Evidence for {skill.name}. " * 4)
        for skill in version.skills
    }
    services.save_ratings(assessment, answers, now=utcnow())
    services.submit_assessment(assessment, now=utcnow())
    db.session.commit()
    return assessment.id, user.login_id


def _times(action: Callable[[], None], runs: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU seconds of each run (CPU time shows the cost on a busy machine)."""
    times, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        action()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return times, cpu


def _percentile(times: list[float], share: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _get(client, path: str) -> Callable[[], None]:
    def action() -> None:
        response = client.get(path)
        assert response.status_code == 200, response.status_code
        response.close()

    return action


def main() -> None:
    """Time the three paths and print median and p95 against their targets."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            "development",
            SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder}/bench.db",
            SERVER_NAME="skillsreg.bench",
        )
        with app.app_context():
            upgrade()
            version = import_file(
                ROOT / "frameworks" / "web-professionals" / "1.0.0.yaml", now=utcnow()
            ).version
            db.session.commit()
            assessment_id, login_id = _assessment(version)
            client = app.test_client()
            with client.session_transaction() as session:
                session["_user_id"] = login_id
            pdf_path = f"/assessments/{assessment_id}/profile.pdf"

            def first_render() -> None:
                db.session.execute(
                    db.text("UPDATE assessments SET pdf = NULL, pdf_key = NULL WHERE id = :id"),
                    {"id": assessment_id},
                )
                db.session.commit()
                _get(client, pdf_path)()

            _get(client, pdf_path)()  # warm up fonts and templates once
            rows = {
                "result page": _times(_get(client, f"/assessments/{assessment_id}/result"), 30),
                "first PDF render": _times(first_render, options.runs),
                "cached PDF": _times(_get(client, pdf_path), 30),
            }
            db.engine.dispose()
    print(
        f"{'path (40 skills)':<20}{'runs':>6}{'median ms':>11}{'p95 ms':>9}{'cpu ms':>8}"
        f"{'target ms':>11}  ok"
    )
    for name, (times, cpu) in rows.items():
        median, p95 = statistics.median(times), _percentile(times, 0.95)
        ok = "yes" if median < TARGETS[name] else "NO"
        print(
            f"{name:<20}{len(times):>6}{median * 1000:>11.1f}{p95 * 1000:>9.1f}"
            f"{statistics.median(cpu) * 1000:>8.1f}{TARGETS[name] * 1000:>11.0f}  {ok}"
        )
    print(f"load average while measuring: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
