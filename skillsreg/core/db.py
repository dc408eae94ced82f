"""Database base class, constraint naming convention and shared column types."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import has_request_context, request
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, registry

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every database (SQLite drops the zone)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where an aware UTC datetime is required")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Base of every model: shared metadata with the naming convention."""

    registry = registry(
        metadata=sa.MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime},
    )


def enum_column(enum_cls: type, **kwargs: Any) -> sa.Enum:
    """A portable enum column storing the values (not names), checked on every database."""
    return sa.Enum(
        enum_cls,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
        **kwargs,
    )


def utcnow() -> datetime:
    """The current time as an aware UTC datetime."""
    return datetime.now(UTC)


def configure_engine(engine: sa.Engine) -> None:
    """On PostgreSQL replace connections the server closed before they are used, and keep
    prepared statements across requests that only read; make SQLite behave like PostgreSQL
    where it matters: foreign keys and real transactions."""
    if engine.dialect.driver == "psycopg":
        sa.event.listen(engine, "checkout", _refuse_closed_connection)
        sa.event.listen(engine, "before_cursor_execute", _note_writes)
        sa.event.listen(engine, "commit", _forget_writes)
        sa.event.listen(engine, "rollback", _end_reads_with_commit)
    if engine.dialect.name != "sqlite":
        return

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own transaction handling breaks SAVEPOINT; let SQLAlchemy emit BEGIN itself.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        # The web workers and the queue's worker share the file: with a write-ahead log a
        # request that is reading never blocks another's commit, and a writer waits its turn.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _will_write() else "BEGIN")


# A transaction that reads and then writes must hold SQLite's write lock from its start: with a
# write-ahead log, a transaction that began reading cannot start writing once someone else has
# committed since, and SQLite refuses at once ("database is locked") instead of waiting its
# busy_timeout. So a form sent to the site, and the queue's own bookkeeping, begin with
# BEGIN IMMEDIATE and wait their turn; pages and jobs' long reads begin plainly and never block
# a writer. PostgreSQL needs none of this.
_WRITING: ContextVar[bool] = ContextVar("skillsreg_writing", default=False)
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@contextlib.contextmanager
def writing() -> Iterator[None]:
    """Transactions begun in this block will write: on SQLite they take the write lock first."""
    token = _WRITING.set(True)
    try:
        yield
    finally:
        _WRITING.reset(token)


def _will_write() -> bool:
    if _WRITING.get():
        return True
    return has_request_context() and request.method not in READ_ONLY_METHODS


def _refuse_closed_connection(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """Have the pool replace a connection the server has closed (a restart, a terminated backend).

    In place of a pre-ping, which cost a round trip on every request. A server closing a
    connection sends its reason, then the end of the stream: libpq reads what is waiting without
    blocking, the reason on a first call and the end on a second, which marks the connection
    bad. The pool then opens a new one, or fails as a pre-ping would have.
    """
    from psycopg import OperationalError, pq  # only PostgreSQL's engine listens

    pgconn = dbapi_connection.pgconn
    try:
        pgconn.consume_input()
        pgconn.consume_input()
    except OperationalError as error:
        raise sa.exc.DisconnectionError(str(error)) from error
    if pgconn.status != pq.ConnStatus.OK:
        raise sa.exc.DisconnectionError("the database server closed the connection")


WROTE = "skillsreg.wrote"  # in Connection.info: the transaction ran something other than SELECT


def _note_writes(connection: sa.Connection, _cursor: Any, statement: str, *_: Any) -> None:
    if statement.lstrip()[:6].upper() != "SELECT":
        connection.info[WROTE] = True


def _forget_writes(connection: sa.Connection) -> None:
    connection.info.pop(WROTE, None)


def _end_reads_with_commit(connection: sa.Connection) -> None:
    """End a transaction that ran only SELECTs with COMMIT, which for it is the same as ROLLBACK.

    psycopg forgets every prepared statement on a rollback (and has the server drop them), and
    each request's session ends in one, so statements were never prepared: PostgreSQL parsed
    and planned each query of each request again, half its CPU on the answer page. The
    ROLLBACK that follows finds no transaction and sends nothing. A transaction that wrote, or
    failed, is rolled back as before.
    """
    from psycopg import Error, pq  # only PostgreSQL's engine listens

    # A connection lost mid-transaction has nothing to end (and reading it here would raise).
    if connection.invalidated or connection.info.pop(WROTE, False):
        return
    dbapi_connection = connection.connection.dbapi_connection
    if dbapi_connection is None or dbapi_connection.info.transaction_status != (
        pq.TransactionStatus.INTRANS
    ):
        return
    # On trouble the rollback that follows meets it too, and reports it as it always did.
    with contextlib.suppress(Error):
        dbapi_connection.commit()


def ensure_sqlite_folder(uri: str | None) -> None:
    """Create the folder of an SQLite database file (instance/ on a fresh clone)."""
    if not uri:
        return
    url = sa.engine.make_url(uri)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)


def render_migration_item(type_: str, obj: Any, _context: Any) -> str | bool:
    """Write our column types into migrations as the plain SQLAlchemy types they store as."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False
