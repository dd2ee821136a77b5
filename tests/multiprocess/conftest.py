"""Two real server processes sharing Redis: only with TEST_REDIS_URL; stops when Redis is unreachable."""

import os

import pytest
import redis


def pytest_collection_modifyitems(config, items):
    """Skip this folder on machines without Redis; CI sets TEST_REDIS_URL, so there it passes or fails."""
    if os.environ.get("TEST_REDIS_URL"):
        return
    skip = pytest.mark.skip(reason="set TEST_REDIS_URL to run the multi-process suite")
    for item in items:
        if "tests/multiprocess/" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session", autouse=True)
def _redis_reachable_for_servers():
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        return
    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        pytest.exit(f"TEST_REDIS_URL is set but Redis is unreachable: {error}", returncode=3)
