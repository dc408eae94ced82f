"""`make bench-web`: wrk against the published framework pages and a Flask hello world.

Both run under gunicorn with 2 workers in the same run; the service in production mode on a
PostgreSQL database this benchmark creates (BENCH_DATABASE_URL, dropped and rebuilt), with the
shipped framework and its 1.1.0 published. gunicorn runs as the README deploys it: sync workers
(which close each connection, so wrk connects anew for every request to either app). Prints
requests per second, the ratio to hello world and p50/p99 latency per page, against the targets:
pages at least 15 % of hello world, the API version document at least 30 %, p99 under 50 ms,
with the load average before and after. Each worker keeps its own cache; with BENCH_REDIS_URL
set, every page is measured again with the cache in that Redis (as production runs), which this
benchmark empties of its own keys only. Settings: BENCH_SECONDS (10 per page), BENCH_REDIS_URL,
WRK (wrk).
"""

from __future__ import annotations

import math
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/skillsreg_bench_web"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "")
WRK = os.environ.get("WRK", "wrk")
SLUG = "web-professionals"
TARGETS = {"page": 0.15, "api": 0.30}
P99_LIMIT_MS = 50.0


def recreate_database() -> None:
    url = sa.engine.make_url(DATABASE_URL)
    if url.get_backend_name() != "postgresql":
        raise SystemExit("BENCH_DATABASE_URL must be a PostgreSQL URL")
    engine = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        name = connection.dialect.identifier_preparer.quote(url.database or "")
        connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        connection.exec_driver_sql(f"CREATE DATABASE {name}")
    engine.dispose()


def prepare() -> dict[str, str]:
    """Build the database; return the addresses to measure."""
    recreate_database()
    env = {**os.environ, "SKILLSREG_ENV": "development", "DATABASE_URL": DATABASE_URL}
    flask = [str(BIN / "flask"), "--app", "skillsreg.app"]
    for command in (["db", "upgrade"], ["demo", "load"]):
        done = subprocess.run([*flask, *command], cwd=ROOT, env=env, capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(f"flask {' '.join(command)} failed:\n{done.stderr[-3000:]}")
    from skillsreg.app import create_app
    from skillsreg.core.db import utcnow
    from skillsreg.extensions import db
    from skillsreg.frameworks import queries, services
    from skillsreg.frameworks.models import Role, Skill

    app = create_app("development", SQLALCHEMY_DATABASE_URI=DATABASE_URL)
    with app.app_context():
        framework = queries.find_framework(SLUG)
        assert framework is not None
        newest = max(framework.versions, key=lambda v: v.sort_key)
        if not newest.is_public:
            services.publish_version(newest, expected_lock=None, now=utcnow(), version_url="")
        db.session.commit()
        old = min(framework.versions, key=lambda v: v.sort_key)
        skill = db.session.scalars(sa.select(Skill).where(Skill.version_id == newest.id)).first()
        role = db.session.scalars(sa.select(Role).where(Role.version_id == newest.id)).first()
        assert skill is not None
        assert role is not None
        pages = {
            "version page": f"/frameworks/{SLUG}/{newest.number}",
            "skill page": f"/frameworks/{SLUG}/{newest.number}/skills/{skill.code}",
            "role page": f"/frameworks/{SLUG}/{newest.number}/roles/{role.code}",
            "what changed": f"/frameworks/{SLUG}/changes?from={old.number}&to={newest.number}",
            "API version": f"/api/v1/frameworks/{SLUG}/versions/{newest.number}",
        }
        db.engine.dispose()
    return pages


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(app: str, port: int, env: dict[str, str], probe: str) -> subprocess.Popen[bytes]:
    """gunicorn with 2 workers; wait until the probe address answers."""
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--no-control-socket",
            app,
        ],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if requests.get(f"http://127.0.0.1:{port}{probe}", timeout=10).ok:
                return server
        except requests.RequestException:
            pass
        time.sleep(0.3)
    server.terminate()
    raise SystemExit(f"gunicorn {app} did not start")


def _milliseconds(text: str) -> float:
    found = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if found is None:  # wrk prints "-nan" when no request finished in time
        return math.nan
    value, unit = found.groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def wrk(url: str) -> tuple[float, float, float, int]:
    """Run wrk (2 threads, 32 connections); return req/s, p50 ms, p99 ms and non-2xx count."""
    done = subprocess.run(
        [WRK, "-t2", "-c32", f"-d{SECONDS}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    )
    out = done.stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _milliseconds(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    p99 = _milliseconds(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    timeouts = re.search(r"timeout (\d+)", out)
    failed = (int(errors.group(1)) if errors else 0) + (int(timeouts.group(1)) if timeouts else 0)
    return rate, p50, p99, failed


def service_env(redis_url: str, prefix: str) -> dict[str, str]:
    return {
        "SKILLSREG_ENV": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": DATABASE_URL,
        "SESSION_COOKIE_SECURE": "0",
        "REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": prefix,
    }


def forget_keys(redis_url: str, prefix: str) -> None:
    """Delete the keys this run put in Redis, and nothing else."""
    import redis

    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"{prefix}*"))
    if keys:
        client.delete(*keys)
    client.close()


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> None:
    if shutil.which(WRK) is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk (make bench-web does it)")
    pages = prepare()
    prefix = f"skillsreg-bench-{secrets.token_hex(4)}:"
    caches = {"": ""} | ({" (Redis)": REDIS_URL} if REDIS_URL else {})
    before = load_average()
    hello_port = free_port()
    servers = [start("tests.benchmarks.hello:app", hello_port, {}, "/")]
    results: dict[str, tuple[float, float, float, int]] = {}
    try:
        hello = wrk(f"http://127.0.0.1:{hello_port}/")
        for suffix, redis_url in caches.items():
            port = free_port()
            servers.append(start("wsgi:app", port, service_env(redis_url, prefix), "/healthz"))
            for path in pages.values():  # one request each first: the cache is filled, not measured
                requests.get(f"http://127.0.0.1:{port}{path}", timeout=30).raise_for_status()
            for name, path in pages.items():
                results[name + suffix] = wrk(f"http://127.0.0.1:{port}{path}")
            servers.pop().terminate()
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
        if REDIS_URL:
            forget_keys(REDIS_URL, prefix)
    report(hello, results, load=(before, load_average()))


def report(
    hello: tuple[float, float, float, int], results: dict[str, tuple], *, load: tuple[str, str]
) -> None:
    print(f"wrk -t2 -c32 -d{SECONDS}s, gunicorn 2 sync workers, PostgreSQL, production settings")
    print(f"load average (1, 5, 15 min) before: {load[0]}; after: {load[1]}")
    print(f"{'page':<22}{'req/s':>9}{'of hello':>10}{'target':>8}{'p50 ms':>8}{'p99 ms':>8}  ok")
    print(f"{'hello world':<22}{hello[0]:>9.0f}{'100%':>10}{'':>8}{hello[1]:>8.1f}{hello[2]:>8.1f}")
    failed = False
    for name, (rate, p50, p99, errors) in results.items():
        target = TARGETS["api" if name.startswith("API") else "page"]
        ratio = rate / hello[0]
        ok = ratio >= target and p99 < P99_LIMIT_MS and errors == 0
        failed |= not ok
        print(
            f"{name:<22}{rate:>9.0f}{ratio:>10.1%}{target:>8.0%}{p50:>8.1f}{p99:>8.1f}  "
            f"{'yes' if ok else 'NO'}{f' ({errors} errors)' if errors else ''}"
        )
    if failed:
        print("Some pages missed their targets (see the ok column).")


if __name__ == "__main__":
    main()
