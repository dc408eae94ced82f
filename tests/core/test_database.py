"""How the app uses its PostgreSQL connections: replaced when the server closed them, and
prepared statements kept across transactions that only read."""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa

from skillsreg.accounts.models import User
from skillsreg.extensions import db as _db

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("TEST_DATABASE_URL"), reason="needs PostgreSQL (TEST_DATABASE_URL)"
    ),
]


def test_connections_the_database_server_closed_are_replaced_before_they_are_used(app):
    """As after a PostgreSQL restart, with no pre-ping: every pooled connection is closed by
    the server, and the next ones checked out still answer."""
    with app.app_context():
        engine = _db.engine
        held = [engine.connect() for _ in range(3)]
        closed = {c.exec_driver_sql("SELECT pg_backend_pid()").scalar() for c in held}
        for connection in held:
            connection.close()  # back to the pool, which keeps them open
        other = sa.create_engine(engine.url, poolclass=sa.pool.NullPool)
        with other.connect() as connection:
            connection.exec_driver_sql(
                "SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        other.dispose()
        again = [engine.connect() for _ in range(3)]
        answered = {c.exec_driver_sql("SELECT pg_backend_pid()").scalar() for c in again}
        for connection in again:
            connection.close()
    assert len(answered) == 3
    assert not answered & closed


def test_a_query_repeated_in_transactions_that_only_read_is_prepared_once(app):
    """psycopg prepares a query on its fifth run, and forgets them all on a rollback: each
    request's transaction ends in one, so reads must end otherwise for any to be kept."""
    query = sa.select(User.id).where(User.login_id == sa.bindparam("login_id"))
    with app.app_context(), _db.engine.connect() as connection:
        for _ in range(6):
            connection.execute(query, {"login_id": "nobody"}).all()
            connection.rollback()  # as the session's closing does
        prepared = connection.exec_driver_sql(
            "SELECT statement FROM pg_prepared_statements WHERE statement LIKE '%%users.login_id%%'"
        ).scalars()
        assert len(list(prepared)) == 1


def test_a_transaction_that_wrote_or_failed_is_still_rolled_back(app):
    with app.app_context(), _db.engine.connect() as connection:
        connection.exec_driver_sql("SELECT 1")
        connection.exec_driver_sql("CREATE TEMPORARY TABLE rolled_back (n int)")
        connection.rollback()
        gone = connection.exec_driver_sql("SELECT to_regclass('pg_temp.rolled_back')").scalar()
        assert gone is None
        with pytest.raises(sa.exc.DataError):
            connection.exec_driver_sql("SELECT 1 / 0")
        connection.rollback()
        assert connection.exec_driver_sql("SELECT 2").scalar() == 2


def test_a_transaction_whose_connection_the_server_closed_rolls_back_without_a_new_error(app):
    """As when PostgreSQL restarts in the middle of a request: the statement fails as the
    database being away, and the rollback that follows must not fail in its own way (it
    raised PendingRollbackError from reading the dead connection, a 500 page, not a 503)."""
    with app.app_context(), _db.engine.connect() as connection:
        pid = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()
        other = sa.create_engine(_db.engine.url, poolclass=sa.pool.NullPool)
        with other.connect() as killer:
            killer.exec_driver_sql(f"SELECT pg_terminate_backend({int(pid)}, 10000)")
        other.dispose()
        with pytest.raises(sa.exc.OperationalError):
            connection.exec_driver_sql("UPDATE users SET name = name WHERE false")
        assert connection.invalidated
        connection.rollback()
        assert connection.exec_driver_sql("SELECT 3").scalar() == 3
