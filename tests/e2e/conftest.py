"""Browser-test fixtures: gunicorn serving the app on its own database, one Chromium, fresh pages.

Nothing here asks for the main suite's `app`, `db` or `client`: the browser talks to a real
server in another process, with CSRF, security headers and mail as in production.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.request import urlopen

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from playwright.sync_api import Browser, Page, sync_playwright

from skillsreg.credentials.keys import generate_key
from tests.conftest import (
    Mailbox,
    fresh_database,
    jobs_queue_name,
    worker_database_url,
    xdist_worker,
)
from tests.e2e.helpers import ROOT, PageAudit, audit, axe_in_every_document

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ADMIN_NAME = "Ada Administrator"
ADMIN_EMAIL = "ada.administrator@example.gov.uk"
ADMIN_PASSWORD = "browser tests administrator"
FAILURES = ROOT / "test-results" / "failures"
# One Open Badges signing key for the whole run, so every server process signs alike.
E2E_SIGNING_KEYS = json.dumps({"keys": [generate_key()]})
# Settings a developer's shell may hold that would point the server somewhere else.
UNINHERITED = (
    "REDIS_URL",
    "SERVER_NAME",
    "TRUSTED_PROXIES",
    "MAIL_USERNAME",
    "MAIL_PASSWORD",
    "MAIL_USE_TLS",
    "MAIL_USE_SSL",
    "GOVUK_FRONTEND_DIR",
    "FRAMEWORKS_DIR",
    "JOBS_URL",
    "JOBS_QUEUE_NAME",
)


@dataclass(frozen=True)
class LiveServer:
    """The running service: its address, the mail it sent and its administrator's sign-in."""

    url: str
    mailbox: Mailbox
    admin_name: str = ADMIN_NAME
    admin_email: str = ADMIN_EMAIL
    admin_password: str = ADMIN_PASSWORD
    # The server's settings, for running `flask` commands as its operator's cron would.
    env: dict[str, str] = field(default_factory=dict, repr=False)


_failed = pytest.StashKey[bool]()
# The longest tests, queued first: each xdist worker runs its own server and takes tests one at
# a time (--dist worksteal), so the short ones end the run on all workers together.
LONGEST_FIRST = ("test_reflow_crawl.py", "test_development_journey.py", "test_review_journey.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        name = item.path.name
        return LONGEST_FIRST.index(name) if name in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)  # stable: the rest keep their order


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Remember whether the test itself failed, so `new_page` can keep screenshots of it."""
    report = yield
    if report.when == "call":
        item.stash[_failed] = report.failed
    return report


@pytest.fixture(scope="session")
def e2e_database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An empty database of the browser tests' own: SQLite, or a sibling of TEST_DATABASE_URL.

    The main suite drops the public schema of TEST_DATABASE_URL, so the server gets
    `<name>_e2e` on the same PostgreSQL server (`<name>_e2e_gwN` for each pytest-xdist
    worker, which runs a server of its own), created now and dropped at the end.
    """
    given = os.environ.get("TEST_DATABASE_URL")
    if not given:
        yield f"sqlite:///{tmp_path_factory.mktemp('e2e') / 'skillsreg.db'}"
        return
    worker = xdist_worker()
    url = worker_database_url(given, f"e2e_{worker}" if worker else "e2e")
    with fresh_database(url, server=given):
        yield url


def e2e_jobs_url(database_url: str) -> str:
    """The server's task queue: Redis (db 3) next to PostgreSQL, else SQLite beside the database."""
    url = sa.make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return f"sqlite:///{Path(url.database or 'skillsreg.db').with_name('jobs.db')}"
    return os.environ.get("TEST_JOBS_URL", "redis://127.0.0.1:6379/3")


def server_environment(database_url: str, *, base_url: str, mail_port: int) -> dict[str, str]:
    """Production settings, except plain http on 127.0.0.1 and generous rate limits."""
    env = {key: value for key, value in os.environ.items() if key not in UNINHERITED}
    env.update(
        SKILLSREG_ENV="production",
        JOBS_URL=e2e_jobs_url(database_url),
        JOBS_QUEUE_NAME=jobs_queue_name("skillsreg-e2e"),
        SECRET_KEY=secrets.token_urlsafe(32),
        DATABASE_URL=database_url,
        BASE_URL=base_url,
        PREFERRED_URL_SCHEME="http",
        SESSION_COOKIE_SECURE="false",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=str(mail_port),
        MAIL_DEFAULT_SENDER="skillsreg@e2e.invalid",
        # Every test signs in from 127.0.0.1, and some fail on purpose.
        RATELIMIT_SIGN_IN="1000 per minute",
        RATELIMIT_RESET="1000 per minute",
        RATELIMIT_CONFIRM="1000 per minute",
        CREDENTIALS_SIGNING_KEYS=E2E_SIGNING_KEYS,
        # Each worker keeps its own page cache (no Redis here): check the frameworks' state on
        # every request, so a page is never a second behind what the journey just changed.
        PAGE_CACHE_CHECK_SECONDS="0",
        # A journey waiting on a job sees it end within a second, not three.
        JOBS_PAGE_REFRESH_SECONDS="1",
    )
    return env


def flask(*args: str, env: dict[str, str]) -> None:
    """Run a `flask` command against the server's database, as an operator would."""
    command = [sys.executable, "-m", "flask", "--app", "skillsreg.app", *args]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"{' '.join(args)} failed:\n{result.stdout}{result.stderr}"


@pytest.fixture(scope="session")
def live_server(
    e2e_database_url: str,
    smtp_server: tuple[Controller, Mailbox],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[LiveServer]:
    """gunicorn with two workers on a free port and the queue's consumer next to it, on a
    migrated database with one administrator."""
    controller, mailbox = smtp_server
    # We listen, gunicorn inherits the socket: no port race, and early requests simply queue.
    listener = socket.create_server(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    env = server_environment(e2e_database_url, base_url=url, mail_port=controller.port)
    log_path = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    with listener, log_path.open("wb") as log:
        prepare_database(env)
        worker = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "skillsreg.app", "jobs", "worker"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        server = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn",
                "--workers", "2",
                "--bind", f"fd://{listener.fileno()}",
                "--no-control-socket",
                "--access-logfile", "-",
                "--graceful-timeout", "5",
                "wsgi:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            pass_fds=[listener.fileno()],
        )  # fmt: skip
    try:
        if not healthy(url):
            pytest.fail(f"gunicorn did not start:\n{log_path.read_text(errors='replace')}")
        yield LiveServer(url=url, mailbox=mailbox, env=env)
    finally:
        for process in (server, worker):
            process.terminate()
        for process in (server, worker):
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


SHIPPED_FRAMEWORKS = ("1.0.0.yaml", "1.1.0.yaml")
# The operator's commands, run in one process: each `flask` process would build the app again.
PREPARE_DATABASE = """
import sys
from skillsreg.app import create_app
from skillsreg.core.db import utcnow
from skillsreg.extensions import db
from skillsreg.workshops.demo import load_demo_workshops

app = create_app()
runner = app.test_cli_runner()


def flask(*args):
    result = runner.invoke(args=args)
    if result.exit_code != 0:
        sys.exit(f"flask {{' '.join(args)}} failed:\\n{{result.output}}{{result.exception!r}}")


for args in {commands!r}:
    flask(*args)
with app.app_context():
    load_demo_workshops(utcnow())
    db.session.commit()
flask("jobs", "purge")
"""


def prepare_database(env: dict[str, str]) -> None:
    """Migrate, create the administrator, import the shipped framework (1.0.0 published, 1.1.0
    in consultation) and the demo workshops and empty the queue (nothing left over from a killed
    run on the same Redis), before the server starts, as an operator would."""
    commands = [
        ["db", "upgrade"],
        ["users", "create-admin", ADMIN_EMAIL, "--name", ADMIN_NAME, "--password", ADMIN_PASSWORD],
        *(
            ["frameworks", "import", f"frameworks/web-professionals/{name}"]
            for name in SHIPPED_FRAMEWORKS
        ),
    ]
    command = [sys.executable, "-c", PREPARE_DATABASE.format(commands=commands)]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"preparing the database failed:\n{result.stdout}{result.stderr}"


def healthy(url: str) -> bool:
    """Whether /healthz answers 200; the request waits in the socket's queue while workers boot."""
    try:
        with urlopen(f"{url}/healthz", timeout=180) as response:  # noqa: S310 - our own http URL
            return response.status == 200
    except OSError:
        return False


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, shared by every test (each gets a fresh context)."""
    if not CHROMIUM.exists():
        missing = f"Chromium not found at {CHROMIUM}"
        if os.environ.get("CI", "").lower() not in {"", "0", "false"}:
            pytest.fail(f"{missing}: CI must run the browser tests (apt-get install chromium)")
        pytest.skip(f"{missing}: browser tests skipped (apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(
    browser: Browser, live_server: LiveServer, request: pytest.FixtureRequest
) -> Iterator[Callable[..., Page]]:
    """Open a page in a new browser context (own cookies); keyword options go to new_context.

    After the test, every page must have had each document it loaded checked by axe, and met
    no script or console error (a script the CSP blocked shows up there).
    """
    opened: list[tuple[Page, PageAudit]] = []

    def open_page(**options: Any) -> Page:
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(10_000)
        scripts = options.get("java_script_enabled", True)
        if scripts:
            axe_in_every_document(context)
        page = context.new_page()
        opened.append((page, audit(page, scripts=scripts)))
        return page

    yield open_page
    failed = request.node.stash.get(_failed, False)
    complaints = [] if failed else [c for _, page_audit in opened for c in page_audit.complaints()]
    for number, (page, _) in enumerate(opened):
        if failed:
            FAILURES.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=FAILURES / f"{request.node.name}-{number}.png", full_page=True)
        page.context.close()
    assert not complaints, "\n".join(complaints)


@pytest.fixture
def page(new_page: Callable[..., Page]) -> Page:
    """A page in a fresh browser context at the usual desktop size."""
    return new_page()
