"""Shared fixtures: the app on SQLite (or TEST_DATABASE_URL), a CSRF-aware client, and personas."""

import contextvars
import hashlib
import os

import pytest
import redis
import sqlalchemy as sa
from flask import has_app_context
from flask.testing import FlaskClient
from flask_babel import force_locale
from itsdangerous import URLSafeTimedSerializer

from ports_network import create_app
from ports_network.extensions import db, limiter
from ports_network.models import CommunityRole

from . import factories

# Fixtures kept beside the helpers they use, for every test folder.
pytest_plugins = ("tests.stored_results", "tests.live_sessions")

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
REDIS_SUITES = ("tests/redis/", "tests/multiprocess/")


def pytest_collection_modifyitems(config, items):
    """The Redis suites need TEST_REDIS_URL: skipped on machines without Redis; CI sets it, so there they
    pass or fail."""
    if os.environ.get("TEST_REDIS_URL"):
        return
    skip = pytest.mark.skip(reason="set TEST_REDIS_URL to run the Redis suites")
    for item in items:
        if any(folder in str(item.fspath) for folder in REDIS_SUITES):
            item.add_marker(skip)


@pytest.fixture(scope="session", autouse=True)
def _redis_reachable():
    """With TEST_REDIS_URL set, an unreachable Redis stops the run with an error instead of skipping."""
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        return
    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        pytest.exit(f"TEST_REDIS_URL is set but Redis is unreachable: {error}", returncode=3)


class CSRFClient(FlaskClient):
    """A test client that adds a valid CSRF token to every state-changing request unless csrf=False."""

    def csrf_token(self) -> str:
        """A token valid for this client's session, as Flask-WTF would have put in a form."""
        with self.session_transaction() as session:
            raw = session.setdefault("csrf_token", hashlib.sha1(os.urandom(64)).hexdigest())
        serializer = URLSafeTimedSerializer(self.application.secret_key, salt="wtf-csrf-token")
        return serializer.dumps(raw)

    def open(self, *args, csrf: bool = True, **kwargs):
        method = (kwargs.get("method") or "GET").upper()
        builds_own_request = bool(args) and not isinstance(args[0], str)
        if csrf and method not in SAFE_METHODS and not builds_own_request:
            if "json" in kwargs:
                kwargs.setdefault("headers", {})["X-CSRFToken"] = self.csrf_token()
            else:
                data = kwargs.setdefault("data", {})
                if isinstance(data, dict):
                    data.setdefault("csrf_token", self.csrf_token())
        # A fresh context per request, as in production: the test's own app context (and its `g`,
        # where Flask-Login and Flask-Babel cache per-request state) must not leak into the request.
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if has_app_context():
            db.session.expire_all()  # the test then sees what the request committed
        return response


def _check_database_reachable(url: str) -> None:
    engine = sa.create_engine(url)
    try:
        with engine.connect():
            pass
    except sa.exc.OperationalError as error:
        pytest.exit(f"TEST_DATABASE_URL is set but the database is unreachable: {error}", returncode=3)
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    """The application under test, schema created once per run."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        _check_database_reachable(url)
    os.environ.setdefault("INSTANCE_PATH", str(tmp_path_factory.mktemp("instance")))
    application = create_app(
        "testing",
        STORAGE_LOCAL_ROOT=str(tmp_path_factory.mktemp("uploads")),
        SITE_URL="http://localhost",
    )
    application.test_client_class = CSRFClient
    with application.app_context():
        db.drop_all()
        db.create_all()
        yield application
        db.session.remove()
        db.drop_all()
        db.engine.dispose()  # close pooled connections now, not when the interpreter collects them


@pytest.fixture(autouse=True)
def _english_outside_requests(app):
    """Services called directly by tests speak English; requests still pick their own language."""
    with force_locale("en"):
        yield


@pytest.fixture(autouse=True)
def _clean_state(request, app):
    """Each test starts from empty tables and fresh rate limits."""
    yield
    db.session.rollback()
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())
    db.session.remove()
    limiter.reset()


@pytest.fixture
def client(app) -> CSRFClient:
    return app.test_client()


def login_as(client: FlaskClient, user) -> None:
    """Sign a user in by session, as Flask-Login would after a successful sign-in."""
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True


@pytest.fixture
def community():
    return factories.CommunityFactory(name="Callao port logistics community", slug="callao")


@pytest.fixture
def other_community():
    return factories.CommunityFactory(
        name="Valparaíso port logistics community",
        slug="valparaiso",
        country=factories.CountryFactory(alpha2="CL"),
    )


def _member(community, role: CommunityRole, **user_fields):
    return factories.MembershipFactory(
        community=community,
        role=role,
        user=factories.UserFactory(**user_fields),
        organisation=factories.OrganisationFactory(country=community.country),
    ).user


@pytest.fixture
def member(community):
    return _member(community, CommunityRole.MEMBER, name="Mara Member")


@pytest.fixture
def coordinator(community):
    return _member(community, CommunityRole.COORDINATOR, name="Carla Coordinator")


@pytest.fixture
def focal_point(community):
    return _member(community, CommunityRole.FOCAL_POINT, name="Fabio Focal")


@pytest.fixture
def validator(community):
    return _member(community, CommunityRole.VALIDATOR, name="Vera Validator")


@pytest.fixture
def other_member(other_community):
    return _member(other_community, CommunityRole.MEMBER, name="Otto Other")


@pytest.fixture
def outsider():
    """Registered and confirmed, member of nothing."""
    return factories.UserFactory(name="Olga Outsider")


@pytest.fixture
def secretariat():
    return factories.UserFactory(name="Sofia Secretariat", is_secretariat=True)
