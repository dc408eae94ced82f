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


FLASK = (sys.executable, "-m", "flask")


def test_a_command_without_production_settings_says_so_in_one_line_not_a_traceback(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "SKILLSREG_ENV")}
    env.pop("TEST_DATABASE_URL", None)
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'unused.db'}"
    done = subprocess.run(
        [*FLASK, "--app", "skillsreg.app", "workshops", "allocate", "a.json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert (
        "Error: SECRET_KEY is not set: production refuses to start without it. Settings come "
        "from environment variables (the README's Configuration); SKILLSREG_ENV is production "
        "unless set: on your own machine, SKILLSREG_ENV=development needs none."
    ) in done.stderr.splitlines()
