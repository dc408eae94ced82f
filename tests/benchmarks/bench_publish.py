"""Benchmark publishing registers of 10,000 and 100,000 people through the task queue.

For each size: the publish request (an organiser's POST, through the app) must answer in under
a second, since it only queues the job; then a fresh worker process runs the job with Huey's
own worker loop and reports when each of the five files was built, the whole job's time and the
worker's peak resident memory. SQLite by default; `--url` for PostgreSQL (its schema is
dropped and rebuilt). Prints a table; not part of `make test`.

    .venv/bin/python tests/benchmarks/bench_publish.py --people 10000 100000
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.bench_register import _peak_rss_kb, build

REQUEST_TARGET = 1.0
TARGETS = {  # people: (seconds for HTML, CSV and JSON; seconds for everything incl. the PDF)
    10_000: (30.0, 30.0),
    100_000: (10.0, 180.0),
}
MEMORY_TARGET_MB = 300.0


def _app(url: str, jobs_url: str):
    from skillsreg.app import create_app

    return create_app(
        "development",
        SQLALCHEMY_DATABASE_URI=url,
        SERVER_NAME="skillsreg.bench",
        JOBS_URL=jobs_url,
        WTF_CSRF_ENABLED=False,
    )


def request_publish(url: str, jobs_url: str) -> tuple[float, int]:
    """POST /register/publish as the organiser; return the seconds it took and the job id."""
    from skillsreg.extensions import db

    app = _app(url, jobs_url)
    with app.app_context():
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = "bench-organiser"
        started = time.perf_counter()
        response = client.post("/register/publish", data={"population": "framework"})
        seconds = time.perf_counter() - started
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        job_id = int(response.headers["Location"].rsplit("/", 1)[1])
        db.engine.dispose()
    return seconds, job_id


def child(url: str, jobs_url: str) -> None:
    """A worker: run what is queued, noting when each step of the job was reported."""
    import skillsreg.register.jobs as register_jobs
    from skillsreg.core.jobs.models import Job
    from skillsreg.core.jobs.queue import work_until_empty
    from skillsreg.extensions import db

    app = _app(url, jobs_url)
    marks: list[tuple[str, float]] = []
    started = time.perf_counter()
    report = register_jobs.report_progress

    def noted(job: Job, *, done: int, total: int, message: str = "") -> None:
        marks.append((message, time.perf_counter() - started))
        report(job, done=done, total=total, message=message)

    register_jobs.report_progress = noted  # type: ignore[assignment]
    children = ChildMemory()
    with app.app_context(), children:
        ran = work_until_empty()
        seconds = time.perf_counter() - started
        job = db.session.scalar(db.select(Job).order_by(Job.id.desc()))
        state, message, error = job.state.value, job.message, job.error
        db.engine.dispose()
    print(
        json.dumps(
            {
                "ran": ran,
                "seconds": seconds,
                "marks": marks,
                "state": state,
                "message": message,
                "error": error,
                "rss_mb": _peak_rss_kb() / 1024,
                "parts_rss_mb": children.peak_kb / 1024,
                # CPU seconds of the worker and of the part processes it waited for: what the
                # job costs, whatever else the machine is doing.
                "cpu": sum(
                    getattr(resource.getrusage(who), field)
                    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
                    for field in ("ru_utime", "ru_stime")
                ),
            }
        )
    )


class ChildMemory(threading.Thread):
    """The largest peak resident memory (VmHWM) of this process's children, the processes that
    lay out the PDF's parts, read from /proc twice a second while they run. (ru_maxrss of the
    children would count the parent's memory at the moment each was forked.)"""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak_kb = 0
        self.stopped = threading.Event()

    def __enter__(self) -> ChildMemory:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stopped.set()
        self.join()

    def run(self) -> None:
        while not self.stopped.wait(0.5):
            for pid in _children(os.getpid()):
                try:
                    status = Path(f"/proc/{pid}/status").read_text()
                except OSError:
                    continue  # it has ended
                for line in status.splitlines():
                    if line.startswith("VmHWM:"):
                        self.peak_kb = max(self.peak_kb, int(line.split()[1]))


def _children(pid: int) -> list[str]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += (task / "children").read_text().split()
        except OSError:
            continue
    return found


def when_built(marks: list[tuple[str, float]], extension: str) -> float:
    """When the file register-N<extension> was reported built (seconds from the worker's start)."""
    pattern = re.compile(rf"register-\d+{re.escape(extension)}$")
    return next(seconds for message, seconds in marks if pattern.search(message))


def measure(people: int, url: str, folder: str) -> dict[str, float | str]:
    jobs_url = f"sqlite:///{folder}/jobs-{people}.db"
    started = time.perf_counter()
    build(url, people)
    print(f"{people} people loaded in {time.perf_counter() - started:.1f} s", flush=True)
    request_seconds, _ = request_publish(url, jobs_url)
    output = subprocess.run(
        [sys.executable, __file__, "--child", "--url", url, "--jobs-url", jobs_url],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "SKILLSREG_ENV": "development"},
    ).stdout
    result = json.loads(output.strip().splitlines()[-1])
    marks = result["marks"]
    if result["state"] != "succeeded":
        raise SystemExit(f"the publish job {result['state']}: {result['error']}")
    return {
        "people": people,
        "request": request_seconds,
        "html": when_built(marks, ".html"),
        "csv": when_built(marks, ".csv"),
        "json": when_built(marks, ".json"),
        "pdf": when_built(marks, ".pdf"),
        "job": result["seconds"],
        "rss_mb": result["rss_mb"],
        "parts_rss_mb": result["parts_rss_mb"],
        "cpu": result["cpu"],
        "state": result["state"],
        "message": result["message"] or result["error"] or "",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--url", help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--jobs-url")
    parser.add_argument("--child", action="store_true")
    options = parser.parse_args()
    if options.child:
        child(options.url, options.jobs_url)
        return
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for people in options.people:
            url = options.url or f"sqlite:///{folder}/bench-{people}.db"
            rows.append(measure(people, url, folder))
    print(
        f"{'people':>8}{'request s':>10}{'HTML s':>8}{'CSV s':>8}{'JSON s':>8}{'PDF s':>8}"
        f"{'job s':>8}{'CPU s':>8}{'peak MB':>9}{'part MB':>9}  state      ok"
    )
    for row in rows:
        people = int(row["people"])
        text_target, all_target = TARGETS.get(people, (float("inf"), float("inf")))
        ok = (
            float(row["request"]) < REQUEST_TARGET
            and float(row["json"]) < text_target
            and float(row["job"]) < all_target
            and float(row["rss_mb"]) < MEMORY_TARGET_MB
            and float(row["parts_rss_mb"]) < MEMORY_TARGET_MB
            and row["state"] == "succeeded"
        )
        print(
            f"{people:>8}{row['request']:>10.2f}{row['html']:>8.1f}{row['csv']:>8.1f}"
            f"{row['json']:>8.1f}{row['pdf']:>8.1f}{row['job']:>8.1f}{row['cpu']:>8.1f}{row['rss_mb']:>9.0f}{row['parts_rss_mb']:>9.0f}"
            f"  {row['state']:<10} {'yes' if ok else 'NO'}"
        )
    print(
        "seconds are from the start of the worker: files are built in order (HTML, CSV, "
        "metadata, JSON, PDF), so each figure is when that file was ready"
    )
    print(
        "targets: request < 1 s; 10,000 people: all five files < 30 s; 100,000 people: "
        f"HTML, CSV and JSON < 10 s, PDF < 180 s; peak < {MEMORY_TARGET_MB:.0f} MB per worker"
        " (the queue's worker; and each process laying out parts of the PDF)"
    )
    print(f"load average while measuring: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
