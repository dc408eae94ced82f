"""On SQLite (`make run`, small sites) a transaction that will write takes the write lock when it
begins, so it waits its turn instead of failing; one that only reads never blocks a writer.

With a write-ahead log, a transaction that has read and then wants to write is refused at once
("database is locked", whatever the busy timeout) when someone else committed in between. That
left the queue's emails sent but recorded as pending, and jobs recorded as running for ever.
Each test has its own SQLite file and a second writer that waits at most 0.1 s.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from skillsreg.core.db import configure_engine, writing


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "writes.db"


@pytest.fixture
def engine(path: Path) -> Iterator[sa.Engine]:
    engine = sa.create_engine(f"sqlite:///{path}")
    configure_engine(engine)
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    yield engine
    engine.dispose()


def write_elsewhere(path: Path) -> str:
    """Another writer (as another process would), waiting 0.1 s for the lock: what happened."""
    other = sqlite3.connect(path, timeout=0.1, isolation_level=None)
    try:
        other.execute("INSERT INTO notes (text) VALUES ('elsewhere')")
    except sqlite3.OperationalError as error:
        return str(error)
    finally:
        other.close()
    return "written"


def read_then_write(connection: sa.Connection, path: Path) -> str:
    """Read, let the other writer try, then write: what the other writer met."""
    connection.exec_driver_sql("SELECT count(*) FROM notes").scalar()
    met = write_elsewhere(path)
    connection.exec_driver_sql("INSERT INTO notes (text) VALUES ('mine')")
    return met


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_a_form_sent_holds_the_write_lock_from_its_start_and_its_write_goes_through(
    app, engine, path, method
):
    with app.test_request_context("/", method=method), engine.begin() as connection:
        assert read_then_write(connection, path) == "database is locked"  # the other one waits
    assert write_elsewhere(path) == "written"  # and goes once this commits
    with engine.connect() as connection:
        texts = connection.exec_driver_sql("SELECT text FROM notes ORDER BY id").scalars().all()
    assert texts == ["mine", "elsewhere"]


def test_the_queues_bookkeeping_holds_the_write_lock_from_its_start(engine, path):
    with writing(), engine.begin() as connection:  # a queue worker: no request
        assert read_then_write(connection, path) == "database is locked"
    assert write_elsewhere(path) == "written"


def test_a_page_that_reads_never_blocks_a_writer(app, engine, path):
    with app.test_request_context("/", method="GET"), engine.begin() as connection:
        connection.exec_driver_sql("SELECT count(*) FROM notes").scalar()
        assert write_elsewhere(path) == "written"
        # What a transaction that read first meets if it then writes: why writers begin early.
        with pytest.raises(sa.exc.OperationalError, match="database is locked"):
            connection.exec_driver_sql("INSERT INTO notes (text) VALUES ('mine')")


def test_outside_a_request_and_the_queue_transactions_begin_plainly(engine, path):
    with engine.begin() as connection:
        connection.exec_driver_sql("SELECT count(*) FROM notes").scalar()
        assert write_elsewhere(path) == "written"
