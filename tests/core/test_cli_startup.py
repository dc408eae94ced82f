"""`flask --help` loads the app without the slow libraries that only some commands use."""

from __future__ import annotations

import json
import os
import subprocess
import sys

HEAVY = (
    "weasyprint",
    "scipy",
    "highspy",
    "numpy",
    "jsonschema",
    "icalendar",
    "alembic",
    "sqlalchemy",
    "huey",
    "skillsreg.frameworks.views",
)

PROBE = """
import json, sys
from flask.cli import main
sys.argv = ["flask", "--app", "skillsreg.app", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
loaded = [name for name in json.loads(sys.stdin.read()) if name in sys.modules]
print(json.dumps(loaded), file=sys.stderr)
"""


def run_flask(*args: str) -> tuple[str, list[str]]:
    env = {**os.environ, "SKILLSREG_ENV": "test"}
    env.pop("TEST_DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        input=json.dumps(HEAVY),
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )
    return done.stdout, json.loads(done.stderr.strip().splitlines()[-1])


def test_flask_help_lists_every_command_without_importing_heavy_libraries():
    output, loaded = run_flask("--help")
    for group in ("data", "db", "demo", "frameworks", "mail", "users", "workshops"):
        assert f"  {group} " in output
    assert loaded == []


def test_a_command_gets_the_finished_app_with_its_models_and_pages():
    output, loaded = run_flask("routes")
    assert "frameworks.show_version" in output
    assert "/api/" in output
    assert {"sqlalchemy", "skillsreg.frameworks.views"} <= set(loaded)


def test_a_command_group_loads_its_commands_when_run():
    output, loaded = run_flask("workshops", "expire-offers", "--help")
    assert "Safe to run from cron" in output
    assert "sqlalchemy" in loaded


def test_the_allocation_command_runs_without_the_web_stack():
    output, loaded = run_flask("workshops", "allocate", "--help")
    assert "--seed" in output
    assert loaded == []


def test_the_migration_commands_load_when_asked_for():
    output, loaded = run_flask("db", "--help")
    assert "upgrade" in output
    assert "alembic" in loaded
