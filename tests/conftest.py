"""Shared fixtures: one app per session, a rolled-back database per test, clients and factories."""

from __future__ import annotations

import gc
import os
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
import time_machine
from aiosmtpd.controller import Controller
from flask import Flask, g, has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy import orm

from skillsreg.accounts.models import User
from skillsreg.accounts.rules import Role, Sector
from skillsreg.accounts.services import register_user
from skillsreg.app import create_app
from skillsreg.config import TestConfig
from skillsreg.core.db import utcnow
from skillsreg.core.jobs.queue import huey, work_until_empty
from skillsreg.extensions import db as _db
from skillsreg.extensions import limiter
from tests.clock import NOW
from tests.documents import framework_documents_remembered

DEFAULT_PASSWORD = "correct horse battery staple"


class Mailbox:
    """An SMTP handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[Any] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        from email import message_from_bytes, policy

        with self._lock:
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def clear(self) -> None:
        with self._lock:
            self.messages.clear()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


_moved_clock: list[Any] = []


def pytest_configure(config: pytest.Config) -> None:
    """With TEST_CLOCK_YEARS_AHEAD=N (`make test-future`), the whole run happens N years on.

    The clock moves before the test modules are imported, so dates they compute at import time
    agree with the app's. time-machine moves the wall clock (time.time, datetime.now,
    date.today) and leaves the monotonic clock alone, so timeouts and timers still run.
    """
    years = int(os.environ.get("TEST_CLOCK_YEARS_AHEAD") or 0)
    if years:
        later = datetime.now(UTC) + timedelta(days=365 * years + years // 4)
        traveller = time_machine.travel(later, tick=True)
        traveller.start()
        _moved_clock.append(traveller)


def pytest_unconfigure(config: pytest.Config) -> None:
    for traveller in _moved_clock:
        traveller.stop()


@pytest.fixture(scope="session", autouse=True)
def _framework_documents_read_once() -> Iterator[None]:
    """Each distinct framework file is parsed and checked once per run (tests/documents.py)."""
    if os.environ.get("TEST_READ_FRAMEWORKS_EVERY_TIME"):
        yield
        return
    with framework_documents_remembered():
        yield


@pytest.fixture
def pinned_clock() -> Iterator[time_machine.Traveller]:
    """Run one test at tests.clock.NOW, the clock ticking on from there."""
    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[tuple[Controller, Mailbox]]:
    """A real SMTP server on 127.0.0.1 that the app sends its mail to."""
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, mailbox
    controller.stop()


def xdist_worker() -> str | None:
    """The pytest-xdist worker running this process ("gw0", "gw1", ...), or None without -n."""
    return os.environ.get("PYTEST_XDIST_WORKER")


def worker_database_url(url: str, suffix: str) -> str:
    """A sibling database of `url` on the same PostgreSQL server, named <name>_<suffix>."""
    parsed = sa.make_url(url)
    return parsed.set(database=f"{parsed.database}_{suffix}").render_as_string(hide_password=False)


@contextmanager
def fresh_database(url: str, *, server: str) -> Iterator[None]:
    """Create the database `url` names on the PostgreSQL server that `server` (the URL of another
    database there) reaches, dropping one a killed run left; drop it again afterwards."""
    engine = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    name = engine.dialect.identifier_preparer.quote(sa.make_url(url).database or "")

    def execute(statement: str) -> None:
        with engine.connect() as connection:
            connection.exec_driver_sql(statement)

    execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    execute(f"CREATE DATABASE {name}")
    try:
        yield
    finally:
        execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        engine.dispose()


@pytest.fixture(scope="session")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """PostgreSQL when TEST_DATABASE_URL is set, otherwise a fresh SQLite file.

    Under pytest-xdist each worker has a database of its own: a SQLite file in its own temporary
    folder, or `<name>_gwN` beside TEST_DATABASE_URL, created now and dropped at the end.
    """
    url = os.environ.get("TEST_DATABASE_URL")
    worker = xdist_worker()
    if not url:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    elif worker is None:
        reset_database(url)
        yield url
    else:
        own = worker_database_url(url, worker)
        with fresh_database(own, server=url):
            yield own


def jobs_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The task queue: Redis database 3 on the PostgreSQL run, otherwise a SQLite file (Huey)."""
    if os.environ.get("TEST_DATABASE_URL"):
        return os.environ.get("TEST_JOBS_URL", "redis://127.0.0.1:6379/3")
    return f"sqlite:///{tmp_path_factory.mktemp('jobs') / 'jobs.db'}"


def jobs_queue_name(base: str) -> str:
    """Each xdist worker's queue has its own name, so workers sharing a Redis database never
    take each other's tasks (Huey's keys carry the name)."""
    worker = xdist_worker()
    return f"{base}-{worker}" if worker else base


def reset_database(url: str) -> None:
    """Start from an empty database so migrations run from the beginning."""
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql("DROP SCHEMA public CASCADE")
            connection.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


@pytest.fixture(scope="session")
def app(
    database: str,
    tmp_path_factory: pytest.TempPathFactory,
    smtp_server: tuple[Controller, Mailbox],
) -> Iterator[Flask]:
    """The application, its schema built by running every migration once."""
    controller, _ = smtp_server
    application = create_app(
        "test",
        SQLALCHEMY_DATABASE_URI=database,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=controller.port,
        SERVER_NAME="skillsreg.test",
        JOBS_URL=jobs_url(tmp_path_factory),
        JOBS_QUEUE_NAME=jobs_queue_name(TestConfig.JOBS_QUEUE_NAME),
    )
    with application.app_context():
        upgrade()
        huey.flush()  # nothing left over from an earlier run on the same Redis database
    # What lives now (modules, the app, its metadata) lives to the end: the garbage collector
    # leaves it out, so each collection, such as the one the register's PDF makes after every
    # part, looks only at what tests made since (a fifth less time for tests/register).
    gc.collect()
    gc.freeze()
    yield application
    with application.app_context():
        _db.engine.dispose()  # close pooled connections before the interpreter reports them


@pytest.fixture
def db(app: Flask) -> Iterator[Any]:
    """The database inside a transaction that is rolled back after the test."""
    with app.app_context():
        connection = _db.engine.connect()
        transaction = connection.begin()
        # A plain Session honours `bind`; Flask-SQLAlchemy's would pick the engine again.
        session = orm.scoped_session(
            orm.sessionmaker(bind=connection, join_transaction_mode="create_savepoint"),
            scopefunc=_app_ctx_id,
        )
        original = _db.session
        _db.session = session
        try:
            yield _db
        finally:
            session.remove()
            _db.session = original
            transaction.rollback()
            connection.close()


@pytest.fixture
def mailbox(smtp_server: tuple[Controller, Mailbox]) -> Iterator[Mailbox]:
    """The messages the app sent during this test."""
    _, box = smtp_server
    box.clear()
    yield box
    box.clear()


class RequestClient(FlaskClient):
    """A test client whose every request starts with an empty `g`, as in production.

    The `db` fixture keeps an app context pushed for the whole test and Flask reuses it for
    requests, so without this flask-login's cached user would leak from one request to the next.

    After each request, Huey's worker loop runs what the request queued (its email, its jobs),
    as a worker always running next to the server would; a test that wants to see work still
    queued sets `run_jobs = False`.
    """

    run_jobs = True

    def open(self, *args: Any, **kwargs: Any) -> Any:
        if has_app_context():
            g.__dict__.clear()
        response = super().open(*args, **kwargs)
        if self.run_jobs and has_app_context() and work_until_empty():
            _db.session.expire_all()  # the worker's session changed rows this one holds
        return response


@pytest.fixture
def client(app: Flask, db: Any) -> FlaskClient:
    limiter.reset()
    app.test_client_class = RequestClient
    return app.test_client()


@pytest.fixture
def run_jobs(db: Any) -> Callable[..., int]:
    """Run what is queued with Huey's own worker loop; `include_retries` skips the back-off."""

    def run(*, include_retries: bool = False) -> int:
        return work_until_empty(include_retries=include_retries)

    return run


@pytest.fixture
def runner(app: Flask, db: Any) -> Any:
    return app.test_cli_runner()


@pytest.fixture
def create_user(db: Any) -> Callable[..., User]:
    """Make an account with sensible defaults; any field can be overridden.

    Accounts are confirmed unless `confirmed=False` is given.
    """
    counter = iter(range(1, 1_000_000))

    def make(**overrides: Any) -> User:
        n = next(counter)
        values: dict[str, Any] = {
            "name": f"Test Person {n}",
            "email": f"person{n}@example.gov.uk",
            "password": DEFAULT_PASSWORD,
            "organisation": "Test Borough Council",
            "sector": Sector.PUBLIC,
            "job_title": "Web manager",
            "web_groups": ["web-manager"],
            "now": utcnow(),
            "confirmed": True,
        }
        values.update(overrides)
        user = register_user(**values)
        # Commit (a savepoint release here) as a view would, so a request's rollback keeps it.
        _db.session.commit()
        return user

    return make


@pytest.fixture
def login_as(client: FlaskClient) -> Callable[[User], User]:
    """Sign a user in on the test client without going through the form."""

    def sign_in(user: User) -> User:
        with client.session_transaction() as session:
            session["_user_id"] = user.login_id
            session["_fresh"] = True
        return user

    return sign_in


@pytest.fixture
def member(create_user: Callable[..., User]) -> User:
    return create_user()


@pytest.fixture
def organiser(create_user: Callable[..., User]) -> User:
    return create_user(role=Role.ORGANISER, name="Olive Organiser")


@pytest.fixture
def administrator(create_user: Callable[..., User]) -> User:
    return create_user(role=Role.ADMINISTRATOR, name="Adam Administrator")
