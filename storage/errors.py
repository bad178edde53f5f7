"""What "the database failed" means, in one place: every caller that turns a database
failure into a polite answer catches exactly these.

SQLAlchemy wraps what the driver raises while a statement runs, but not everything
else: a refused, reset or timed-out connection surfaces as ``OSError``
(``TimeoutError`` and ``ConnectionRefusedError`` are ones), and asyncpg's own errors
(a connection that died under a query, a server still starting up) can escape
unwrapped from connecting, pinging or closing a connection.
"""

from __future__ import annotations

import asyncpg
from sqlalchemy.exc import SQLAlchemyError

DB_ERRORS = (
    SQLAlchemyError,
    OSError,
    asyncpg.InterfaceError,  # e.g. "cannot perform operation: connection is closed"
    asyncpg.PostgresError,  # e.g. ConnectionDoesNotExistError, CannotConnectNowError
)
