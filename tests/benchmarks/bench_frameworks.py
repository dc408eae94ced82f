"""Benchmark the framework pages, import and export on a large generated framework."""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from flask_migrate import upgrade

from skillsreg.app import create_app
from skillsreg.core.db import utcnow
from skillsreg.extensions import db
from skillsreg.frameworks import services
from skillsreg.frameworks.models import FrameworkVersion
from tests.frameworks.generated import make_large_child, make_large_doc, skill_code

SLUG = "generated"
PAGES = {
    "version page": f"/frameworks/{SLUG}/1.1.0",
    "role page": f"/frameworks/{SLUG}/1.1.0/roles/role-7",
    "skill search": f"/frameworks/{SLUG}/1.1.0/skills?q=plan+content&role=role-3",
    "skill page": f"/frameworks/{SLUG}/1.1.0/skills/{skill_code(2)}",
    "what changed": f"/frameworks/{SLUG}/changes?from=1.0.0&to=1.1.0",
}
PAGE_TARGET_MS = 100
FILE_TARGET_S = 2


def _timed(action: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def _cpu_timed(action: Callable[[], Any]) -> tuple[float, float, Any]:
    """Wall-clock and CPU seconds: on a busy machine the CPU time is the steadier figure."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def _count_queries(engine: sa.Engine, action: Callable[[], Any]) -> int:
    statements: list[str] = []

    def record(*args: Any) -> None:
        # SQLite's explicit BEGIN (see core.db) is not a query; PostgreSQL sends none.
        if args[2] != "BEGIN":
            statements.append(args[2])

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        action()
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    return len(statements)


def _files(app: Any, size: dict[str, int]) -> list[tuple[str, float]]:
    """Import the generated version and its child, then export the first in every format."""
    parent_doc = make_large_doc(slug=SLUG, **size)
    child_doc = make_large_child(parent_doc)
    rows = []
    with app.app_context():
        upgrade()
        for name, doc in (("import 1.0.0", parent_doc), ("import 1.1.0", child_doc)):
            seconds, _ = _timed(
                lambda doc=doc: services.import_document(doc, filename="bench.yaml", now=utcnow())
            )
            db.session.commit()
            rows.append((name, seconds))
        version = db.session.scalars(
            sa.select(FrameworkVersion).where(FrameworkVersion.number == "1.0.0")
        ).one()
        for fmt in services.EXPORT_FORMATS:
            seconds, _ = _timed(
                lambda fmt=fmt: services.export_version(version, fmt, base_url="https://x.test")
            )
            rows.append((f"export {fmt}", seconds))
    return rows


def _pages(app: Any, requests: int) -> list[tuple[str, float, float, float, int]]:
    """Median and 95th percentile time of each page, its median CPU time, and its queries."""
    client = app.test_client()
    rows = []
    for name, url in PAGES.items():
        for _ in range(3):  # warm the template and statement caches
            assert client.get(url).status_code == 200, url
        times, cpu_times = [], []
        for _ in range(requests):
            wall, cpu, response = _cpu_timed(lambda url=url: client.get(url))
            assert response.status_code == 200, url
            times.append(wall * 1000)
            cpu_times.append(cpu * 1000)
        with app.app_context():
            queries = _count_queries(db.engine, lambda url=url: client.get(url))
        p95 = statistics.quantiles(times, n=20)[-1]
        rows.append((name, statistics.median(times), p95, statistics.median(cpu_times), queries))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--skills", type=int, default=150)
    parser.add_argument("--levels", type=int, default=7)
    parser.add_argument("--roles", type=int, default=30)
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page")
    args = parser.parse_args()
    size = {"skills": args.skills, "levels": args.levels, "roles": args.roles}
    with tempfile.TemporaryDirectory() as folder:
        app = create_app("test", SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder}/bench.db")
        files = _files(app, size)
        pages = _pages(app, args.requests)
        with app.app_context():
            db.engine.dispose()
    print(
        f"\nFramework of {args.skills} skills x {args.levels} levels x {args.roles} roles "
        f"(SQLite, {args.requests} requests per page)\n"
    )
    print(f"{'page':<14} {'median ms':>10} {'p95 ms':>8} {'CPU ms':>8} {'queries':>8}  target")
    for name, median, p95, cpu, queries in pages:
        verdict = "ok" if median < PAGE_TARGET_MS else f"SLOW (>{PAGE_TARGET_MS} ms)"
        print(f"{name:<14} {median:>10.1f} {p95:>8.1f} {cpu:>8.1f} {queries:>8}  {verdict}")
    print(f"\n{'file':<14} {'seconds':>10}  target")
    for name, seconds in files:
        verdict = "ok" if seconds < FILE_TARGET_S else f"SLOW (>{FILE_TARGET_S} s)"
        print(f"{name:<14} {seconds:>10.3f}  {verdict}")


if __name__ == "__main__":
    main()
