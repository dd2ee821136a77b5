"""`flask db upgrade` builds the schema on an empty database, and the migrations match the models."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from ports_network.extensions import db
from ports_network.models.material import is_search_index_table

from ..databases import fresh_database

ROOT = Path(__file__).resolve().parents[2]


def _flask_db(database_url: str, *args: str) -> None:
    env = {
        **os.environ,
        "FLASK_APP": "wsgi.py",
        "FLASK_CONFIG": "development",
        "DATABASE_URL": database_url,
        "SCHEDULER_ENABLED": "0",
    }
    command = [sys.executable, "-m", "flask", "db", *args]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def _schema_differences(database_url: str) -> list:
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            # SQLite's full-text index of materials (a virtual table and its shadows) is not ORM metadata.
            options = {"compare_type": True, "include_name": _owned_by_the_models}
            context = MigrationContext.configure(connection, opts=options)
            return compare_metadata(context, db.metadata)
    finally:
        engine.dispose()


def _owned_by_the_models(name, type_, _parent_names) -> bool:
    return not (type_ == "table" and is_search_index_table(name))


@pytest.fixture
def empty_database(tmp_path):
    """An empty database of the same kind as the suite's."""
    with fresh_database(tmp_path) as url:
        yield url


def test_upgrade_on_empty_database_matches_the_models(app, empty_database):
    _flask_db(empty_database, "upgrade")
    assert _schema_differences(empty_database) == []


def test_downgrade_to_base_and_upgrade_again(app, empty_database):
    _flask_db(empty_database, "upgrade")
    _flask_db(empty_database, "downgrade", "base")
    _flask_db(empty_database, "upgrade")
    assert _schema_differences(empty_database) == []
