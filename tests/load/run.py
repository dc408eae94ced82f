"""`make load`: members under locust against gunicorn on PostgreSQL, then count the writes.

Settings (environment): LOAD_USERS (100), LOAD_SECONDS (60), LOAD_WORKERS (4), LOAD_SPAWN_RATE (10),
LOAD_DATABASE_URL (postgresql://postgres@127.0.0.1:5432/skillsreg_load, dropped and rebuilt),
LOAD_OUTAGE=1 to restart PostgreSQL a third of the way in (LOAD_RESTART_COMMAND, default
`pg_ctlcluster 15 main restart`), LOAD_DIR for the logs (/tmp/skillsreg-load).
Exits non-zero when a 5xx other than the GOV.UK 503 page is seen, when a request during the
outage is not that page, when the app does not recover, or when an acknowledged write is lost.
"""

from __future__ import annotations

import os
import resource
import secrets
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests
import sqlalchemy as sa

from tests.load.verify import (
    compare,
    cpu_table,
    read_stats,
    read_writes,
    server_errors,
    table,
)

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
USERS = int(os.environ.get("LOAD_USERS", "100"))
SECONDS = int(os.environ.get("LOAD_SECONDS", "60"))
WORKERS = int(os.environ.get("LOAD_WORKERS", "4"))
SPAWN_RATE = int(os.environ.get("LOAD_SPAWN_RATE", "10"))
OUTAGE = os.environ.get("LOAD_OUTAGE", "") not in ("", "0")
DATABASE_URL = os.environ.get(
    "LOAD_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/skillsreg_load"
)
RESTART = os.environ.get("LOAD_RESTART_COMMAND", "pg_ctlcluster 15 main restart")
LOAD_DIR = Path(os.environ.get("LOAD_DIR") or Path(tempfile.gettempdir()) / "skillsreg-load")
PASSWORD = "load test member password"  # throwaway accounts, throwaway database


def say(message: str) -> None:
    print(f"[load {time.strftime('%H:%M:%S')}] {message}", flush=True)


def recreate_database() -> None:
    """Drop and create the load database, so every run starts the same."""
    url = sa.engine.make_url(DATABASE_URL)
    if url.get_backend_name() != "postgresql":
        raise SystemExit("LOAD_DATABASE_URL must be a PostgreSQL URL")
    engine = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        name = connection.dialect.identifier_preparer.quote(url.database or "")
        connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        connection.exec_driver_sql(f"CREATE DATABASE {name}")
    engine.dispose()


def prepare() -> None:
    """Migrate, load the demo framework and workshops, and create the members."""
    recreate_database()
    env = {**os.environ, "SKILLSREG_ENV": "development", "DATABASE_URL": DATABASE_URL}
    flask = [str(BIN / "flask"), "--app", "skillsreg.app"]
    for command in (["db", "upgrade"], ["demo", "load"]):
        done = subprocess.run([*flask, *command], cwd=ROOT, env=env, capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(f"flask {' '.join(command)} failed:\n{done.stderr[-3000:]}")
    create_members()


def create_members() -> None:
    """LOAD_USERS member accounts load1@… sharing one password (hashed once, for speed)."""
    from skillsreg.accounts.rules import Sector
    from skillsreg.accounts.services import register_user
    from skillsreg.app import create_app
    from skillsreg.core.db import utcnow
    from skillsreg.extensions import db

    app = create_app("development", SQLALCHEMY_DATABASE_URI=DATABASE_URL)
    with app.app_context():
        first = None
        for n in range(1, USERS + 1):
            user = register_user(
                name=f"Load Member {n}",
                email=f"load{n}@example.gov.uk",
                password=PASSWORD if first is None else secrets.token_hex(16),
                organisation=f"Load Council {n}",
                sector=Sector.PUBLIC,
                job_title="Web manager",
                web_groups=["web-manager"],
                now=utcnow(),
                confirmed=True,
            )
            if first is None:
                first = user
            else:
                user.password_hash = first.password_hash
        db.session.commit()
        db.engine.dispose()


def start_server(port: int) -> subprocess.Popen[bytes]:
    """gunicorn as deployed, with LOAD_WORKERS workers, over plain HTTP on localhost."""
    env = {
        **os.environ,
        "SKILLSREG_ENV": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": DATABASE_URL,
        "SESSION_COOKIE_SECURE": "0",
        "BASE_URL": f"http://127.0.0.1:{port}",
        "REQUEST_CPU_LOG": str(LOAD_DIR / "cpu"),  # each request's CPU time, per worker
    }
    log = (LOAD_DIR / "gunicorn.log").open("wb")
    server = subprocess.Popen(
        [
            *(str(BIN / "gunicorn"), "--config", "gunicorn_conf.py"),  # as deployed: preloaded
            *("--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}"),
            *("--timeout", "60", "--graceful-timeout", "5", "--no-control-socket", "wsgi:app"),
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=10).ok:
                return server
        except requests.RequestException:
            pass
        time.sleep(0.5)
    server.terminate()
    server.wait(timeout=30)
    raise SystemExit(f"gunicorn did not start: see {LOAD_DIR / 'gunicorn.log'}")


def health(port: int) -> int:
    """/healthz's status after the run, or 0 if it does not answer within a minute."""
    try:
        return requests.get(f"http://127.0.0.1:{port}/healthz", timeout=60).status_code
    except requests.RequestException as error:
        say(f"/healthz did not answer: {error}")
        return 0


def restart_database(window: list[float]) -> None:
    """Restart PostgreSQL a third of the way into the run, recording when it was down."""
    time.sleep(SECONDS / 3)
    say(f"restarting PostgreSQL: {RESTART}")
    window.append(time.time())
    subprocess.run(shlex.split(RESTART), check=True)
    window.append(time.time())
    say(f"PostgreSQL back after {window[1] - window[0]:.1f} s")


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_locust(port: int) -> float:
    """Run the members; return locust's own CPU seconds (it shares the machine with the server)."""
    command = [str(BIN / "locust"), "-f", str(Path(__file__).with_name("locustfile.py"))]
    command += ["--headless", "--users", str(USERS), "--spawn-rate", str(SPAWN_RATE)]
    command += ["--run-time", f"{SECONDS}s", "--host", f"http://127.0.0.1:{port}"]
    command += ["--csv", str(LOAD_DIR / "stats"), "--only-summary", "--loglevel", "WARNING"]
    command += ["--stop-timeout", "15"]  # let each member finish the request it is making
    env = {**os.environ, "LOAD_DIR": str(LOAD_DIR), "LOAD_PASSWORD": PASSWORD}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, cwd=ROOT, env=env, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def stored_answers() -> tuple[dict[tuple[int, str], tuple[str, str]], set[str]]:
    engine = sa.create_engine(DATABASE_URL)
    with engine.connect() as connection:
        ratings = connection.execute(
            sa.text(
                "SELECT assessment_id, skill_code, level, is_not_applicable, evidence"
                " FROM assessment_ratings"
            )
        )
        stored = {
            (a, skill): ("na" if na else "" if level is None else str(level), evidence)
            for a, skill, level, na, evidence in ratings
        }
        emails = set(
            connection.scalars(
                sa.text(
                    "SELECT u.email FROM expressions_of_interest e JOIN users u"
                    " ON u.id = e.user_id WHERE e.submitted_at IS NOT NULL"
                )
            )
        )
    engine.dispose()
    return stored, emails


def main() -> int:
    shutil.rmtree(LOAD_DIR, ignore_errors=True)
    LOAD_DIR.mkdir(parents=True)
    say(f"preparing {DATABASE_URL} with {USERS} members")
    prepare()
    port = free_port()
    server = start_server(port)
    say(f"gunicorn ({WORKERS} workers) on port {port}; {USERS} members for {SECONDS} s")
    window: list[float] = []
    outage = threading.Thread(target=restart_database, args=(window,)) if OUTAGE else None
    try:
        if outage:
            outage.start()
        locust_cpu = run_locust(port)
        if outage:
            outage.join()
        recovered = health(port)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    return report(recovered, window, locust_cpu)


def report(recovered: int, window: list[float], locust_cpu: float) -> int:
    entries = read_writes(LOAD_DIR)
    stored, emails = stored_answers()
    outcome = compare(entries, stored, emails)
    stats = read_stats(LOAD_DIR / "stats")
    unavailable = [e for e in entries if e["kind"] == "503"]
    good_503 = sum(1 for e in unavailable if e["govuk_page"])
    signed_out = sum(1 for e in entries if e["kind"] == "signed_out")
    print(table(stats, outcome, unavailable=good_503, signed_out=signed_out))
    print(cpu_table(LOAD_DIR))
    per_request = 1000 * locust_cpu / max(stats.requests, 1)
    print(f"locust's own CPU: {locust_cpu:.1f} s, {per_request:.1f} ms per request")
    problems = [*outcome.lost]
    if server_errors(stats) != stats.statuses.get(503, 0) or (not OUTAGE and server_errors(stats)):
        problems.append(f"server errors: {dict(stats.statuses)}")
    if good_503 != len(unavailable):
        problems.append(f"{len(unavailable) - good_503} 503 responses were not the GOV.UK page")
    if recovered != 200:
        problems.append(f"/healthz answered {recovered} after the run: the app did not recover")
    if OUTAGE and window:
        after = [e for e in entries if e["at"] > window[1] + 5 and e.get("acknowledged")]
        say(f"acknowledged writes more than 5 s after the restart: {len(after)}")
        if not after:
            problems.append("no write was acknowledged after the restart: the app did not recover")
    if outcome.acknowledged_answers == 0:
        problems.append("no answer was acknowledged at all")
    for problem in problems:
        say(f"FAIL: {problem}")
    say("passed" if not problems else "failed")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
