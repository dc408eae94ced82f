"""Benchmark a register of 100,000 people streamed as CSV and JSON: seconds and peak memory.

Each export runs in a fresh child process that signs in as an organiser and reads
/register/preview.<format> through the app, so the peak resident memory it reports (ru_maxrss)
is that of one export, app and all. SQLite always; PostgreSQL too when TEST_DATABASE_URL is set
(its schema is dropped and rebuilt, as the test suite does).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import sqlalchemy as sa
from flask_migrate import upgrade

from skillsreg.accounts.models import User
from skillsreg.accounts.rules import UK_REGIONS, Role, Sector
from skillsreg.app import create_app
from skillsreg.core.db import utcnow
from skillsreg.extensions import db
from skillsreg.register.models import Consent
from skillsreg.register.queries import current_wordings
from skillsreg.register.rules import ConsentField

PEOPLE = 100_000
TARGET_SECONDS = 10.0
TARGET_MB = 200.0
FIELDS = [ConsentField.NAME, ConsentField.ORGANISATION, ConsentField.SECTOR, ConsentField.REGION]
REGIONS = list(UK_REGIONS)
SECTORS = list(Sector)


def _app(url: str):
    return create_app("development", SQLALCHEMY_DATABASE_URI=url, SERVER_NAME="skillsreg.bench")


def _reset(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql("DROP SCHEMA public CASCADE")
            connection.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


def build(url: str, people: int) -> str:
    """Create the schema, an organiser and `people` members who agreed to four fields."""
    _reset(url)
    app = _app(url)
    with app.app_context():
        upgrade()
        now = utcnow()
        common = {
            "password_hash": "x",
            "created_at": now,
            "email_confirmed_at": now,  # only people who proved their address are listed
            "is_demo": False,
            "web_groups": [],
        }
        organiser = User(
            email="organiser@example.gov.uk",
            name="Olive Organiser",
            organisation="Bench",
            sector=Sector.PUBLIC,
            job_title="Organiser",
            role=Role.ORGANISER,
            login_id="bench-organiser",
            **common,
        )
        db.session.add(organiser)
        db.session.flush()
        wordings = current_wordings()
        step = 10_000
        for start in range(0, people, step):
            rows = [
                {
                    "email": f"person{n}@example.gov.uk",
                    "name": f'Person {n} O\'Brien, "Jr"',
                    "organisation": f"Organisation {n % 997}",
                    "sector": SECTORS[n % len(SECTORS)],
                    "job_title": "Web manager",
                    "region": REGIONS[n % len(REGIONS)],
                    "role": Role.MEMBER,
                    "login_id": f"bench-{n}",
                    **common,
                }
                for n in range(start, min(start + step, people))
            ]
            db.session.execute(sa.insert(User), rows)
        ids = db.session.scalars(sa.select(User.id).where(User.role == Role.MEMBER)).all()
        consents = [
            {"user_id": i, "field": f, "wording_id": wordings[f].id, "granted_at": now}
            for i in ids
            for f in FIELDS
        ]
        for start in range(0, len(consents), 50_000):
            db.session.execute(sa.insert(Consent), consents[start : start + 50_000])
        db.session.commit()
        db.engine.dispose()
    return "bench-organiser"


def _peak_rss_kb() -> int:
    """This process's peak resident memory. ru_maxrss survives exec on Linux, so it would
    report the parent's peak at fork time; VmHWM belongs to this program's own memory."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def child(url: str, fmt: str, *, traced_memory: bool) -> None:
    """Stream one export through the app and print seconds, bytes, rows and peak memory."""
    app = _app(url)
    with app.app_context():
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = "bench-organiser"
        if traced_memory:
            tracemalloc.start()  # slows the run down: only when asked for
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(f"/register/preview.{fmt}?population=framework", buffered=False)
        assert response.status_code == 200, response.status_code
        size = records = 0
        marker = b"\n" if fmt == "csv" else b'\n    {"'  # a CSV line; a person in the JSON
        for chunk in response.response:
            size += len(chunk)
            records += chunk.count(marker)
        response.close()
        seconds, cpu = time.perf_counter() - start, time.process_time() - start_cpu
        _, traced = tracemalloc.get_traced_memory() if traced_memory else (0, 0)
        tracemalloc.stop()
        db.engine.dispose()
    peak_kb = _peak_rss_kb()
    print(
        json.dumps(
            {
                "seconds": seconds,
                "cpu": cpu,
                "bytes": size,
                "people": records - (1 if fmt == "csv" else 0),
                "rss_mb": peak_kb / 1024,
                "traced_mb": traced / 1024 / 1024,
            }
        )
    )


def measure(url: str, fmt: str, *, traced_memory: bool) -> dict[str, float]:
    flags = ["--traced"] if traced_memory else []
    output = subprocess.run(
        [sys.executable, __file__, "--child", fmt, "--url", url, *flags],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "SKILLSREG_ENV": "development"},
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=PEOPLE)
    parser.add_argument("--child", choices=["csv", "json"])
    parser.add_argument("--url")
    parser.add_argument(
        "--traced", action="store_true", help="also report tracemalloc's peak (slower runs)"
    )
    options = parser.parse_args()
    if options.child:
        child(options.url, options.child, traced_memory=options.traced)
        return
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        databases = [("SQLite", f"sqlite:///{folder}/bench.db")]
        if os.environ.get("TEST_DATABASE_URL"):
            databases.append(("PostgreSQL", os.environ["TEST_DATABASE_URL"]))
        for label, url in databases:
            started = time.perf_counter()
            build(url, options.people)
            print(
                f"{label}: {options.people} people loaded in {time.perf_counter() - started:.1f} s"
            )
            for fmt in ("csv", "json"):
                rows.append((label, fmt, measure(url, fmt, traced_memory=options.traced)))
    print(
        f"{'database':<12}{'format':<8}{'people':>8}{'MB out':>8}{'seconds':>9}"
        f"{'cpu s':>7}{'peak RSS MB':>13}{'traced MB':>11}  ok"
    )
    for label, fmt, result in rows:
        ok = result["seconds"] < TARGET_SECONDS and result["rss_mb"] < TARGET_MB
        size = result["bytes"] / 1e6
        print(
            f"{label:<12}{fmt:<8}{result['people']:>8}{size:>8.1f}{result['seconds']:>9.2f}"
            f"{result['cpu']:>7.2f}{result['rss_mb']:>13.1f}{result['traced_mb']:>11.1f}"
            f"  {'yes' if ok else 'NO'}"
        )
    print(f"targets: under {TARGET_SECONDS:.0f} s and {TARGET_MB:.0f} MB peak memory per export")
    print(f"load average while measuring: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
