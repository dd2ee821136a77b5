"""How the embedded SQLite database is opened, and the one-writer-at-a-time rule that SQLite imposes.

PostgreSQL needs nothing here. A SQLite file is switched to write-ahead logging: readers no longer block
the writer nor the writer them, and a commit appends to the log instead of rewriting a rollback journal.
`synchronous` stays at SQLite's default (FULL), so a committed transaction survives a power cut as before.
"""

import logging
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa

logger = logging.getLogger(__name__)

# SQLite lets one transaction write at a time; the others sleep in its busy handler and retry, in steps
# of up to 100 ms, so a few writers of one process at once spend most of their time asleep. They queue
# on this lock instead and commit one after another; other processes still meet the busy handler.
_sqlite_writer = threading.Lock()


def tune_sqlite_connections() -> None:
    """Open every SQLite file this process connects to in write-ahead-log mode (once per process)."""
    if not sa.event.contains(sa.engine.Engine, "connect", _tune_sqlite):
        sa.event.listen(sa.engine.Engine, "connect", _tune_sqlite)


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    try:
        # Persistent in the file; an in-memory database answers "memory" and stays as it is.
        cursor.execute("PRAGMA journal_mode=WAL")
    except sqlite3.OperationalError as error:  # another process holds the file: the next connection retries
        logger.warning("could not switch SQLite to write-ahead logging: %s", error)
    finally:
        cursor.close()


@contextmanager
def one_writer(session: sa.orm.Session) -> Iterator[None]:
    """Run a write transaction while holding this process's SQLite write lock (a no-op elsewhere)."""
    if session.get_bind().dialect.name != "sqlite":
        yield
        return
    with _sqlite_writer:
        yield
