"""Fixtures shared by the functional tests of the command line."""

import pytest


@pytest.fixture
def cli(app):
    """Run `flask index ...` with the given arguments; returns Click's result."""
    runner = app.test_cli_runner()

    def invoke(*args: str):
        return runner.invoke(args=["index", *map(str, args)])

    return invoke
