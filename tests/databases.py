"""Fresh, empty databases for tests that run the real `flask db upgrade` or a real server process."""

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa


@contextmanager
def fresh_database(tmp_path: Path) -> Iterator[str]:
    """A new SQLite file, or (with TEST_DATABASE_URL) a new PostgreSQL database dropped afterwards."""
    test_url = os.environ.get("TEST_DATABASE_URL")
    if not test_url:
        yield f"sqlite:///{tmp_path / f'{uuid.uuid4().hex[:8]}.sqlite3'}"
        return
    name = f"pn_test_{uuid.uuid4().hex[:12]}"
    server = sa.create_engine(test_url, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.make_url(test_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()
