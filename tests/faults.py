"""A database failing the way its driver fails, or not answering, on SQLite and
PostgreSQL alike.

Renaming a table (as some tests do) makes SQLAlchemy raise its own errors. A dropped
or refused connection does not: the driver raises ``OSError`` or, with asyncpg, its
own connection errors, and SQLAlchemy lets those through unwrapped. This raises such
an error where the driver would, as each statement is sent, through SQLAlchemy's
event hook (the one :func:`storage.engine.statements` uses): Huddle's own code runs
unchanged. :func:`database_stalled` makes the database not answer: another client
holds a lock Huddle's every transaction waits for.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import asyncpg
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.engine import create_engine, is_sqlite

CONNECTION_ERRORS: dict[str, Exception] = {
    "reset": ConnectionResetError(104, "Connection reset by peer"),
    "refused": ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 5432)"),
    "timeout": TimeoutError(),
    "asyncpg-gone": asyncpg.exceptions.ConnectionDoesNotExistError(
        "connection was closed in the middle of operation"
    ),
    "asyncpg-closed": asyncpg.InterfaceError("cannot perform operation: connection is closed"),
}
"""What a driver raises when the database goes away, by a name for test ids."""


@contextmanager
def database_fails(engine: AsyncEngine, error: Exception, *, only: str = "") -> Iterator[None]:
    """Every statement ``engine`` sends while the block runs fails with ``error``;
    with ``only``, just the statements that mention it (a table, say)."""

    def fail(_connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if only in statement:
            raise error

    event.listen(engine.sync_engine, "before_cursor_execute", fail)
    try:
        yield
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", fail)


@asynccontextmanager
async def database_stalled(url: str) -> AsyncIterator[None]:
    """While the block runs, Huddle's transactions wait: on SQLite for the write lock
    (its every transaction begins ``IMMEDIATE``, see ``storage.engine``), on PostgreSQL
    for a lock on the tables a check-in reads first."""
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.begin()  # SQLite: BEGIN IMMEDIATE takes the write lock
            if not is_sqlite(url):
                await connection.execute(
                    text("LOCK TABLE person, checkin IN ACCESS EXCLUSIVE MODE")
                )
            yield
            await connection.rollback()
    finally:
        await engine.dispose()
