"""Per-request CPU time, written to a file per process when REQUEST_CPU_LOG is set (load tests).

Each line is `METHOD<TAB>route<TAB>CPU milliseconds`; the route is the URL rule, so
/assessments/12 and /assessments/13 count together. gunicorn's sync workers serve one request
at a time, so the process's CPU time over a request is that request's.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from flask import Flask, g, request


def register_cpu_timing(app: Flask) -> None:
    """Time each request's CPU when the REQUEST_CPU_LOG setting names a file prefix."""
    prefix = app.config.get("REQUEST_CPU_LOG")
    if not prefix:
        return

    @app.before_request
    def start_clock() -> None:
        g.cpu_started = time.process_time()

    @app.teardown_request
    def write_cpu_time(_error: Any = None) -> None:
        started = g.pop("cpu_started", None)
        if started is None:
            return
        spent = (time.process_time() - started) * 1000
        route = request.url_rule.rule if request.url_rule else "(no route)"
        path = Path(f"{prefix}-{os.getpid()}.tsv")
        with path.open("a", encoding="utf-8") as log:
            log.write(f"{request.method}\t{route}\t{spent:.3f}\n")
