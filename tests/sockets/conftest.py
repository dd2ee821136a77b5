"""Socket.IO test clients signed in through the HTTP test client's session, each event in its own context."""

import contextvars

import pytest
import socketio as python_socketio
from flask import has_app_context

from ports_network.extensions import db, socketio
from ports_network.services import rooms

from ..conftest import login_as


class SocketClient:
    """Flask-SocketIO's test client, run like a separate connection: a fresh context for every call.

    Without it the handlers would share the test's app context, and with it Flask-Login's cached user.
    """

    def __init__(self, app, http_client):
        self._client = contextvars.Context().run(socketio.test_client, app, flask_test_client=http_client)

    def _run(self, method, *args, **kwargs):
        result = contextvars.Context().run(getattr(self._client, method), *args, **kwargs)
        if has_app_context():
            db.session.expire_all()  # the test then sees what the handler committed
        return result

    def emit(self, event, data):
        """Emit an event and return the server's acknowledgement."""
        return self._run("emit", event, data, callback=True)

    def received(self) -> list[dict]:
        """The `message` events pushed to this client since the last call, as records."""
        events = self._client.get_received()
        # The test client hands a "message" event's single argument over as it is, not in a list.
        return [event["args"] for event in events if event["name"] == "message"]

    def updates(self) -> list[dict]:
        """The `message_updated` events (edits, deletions, hidings) pushed since the last call."""
        events = self._client.get_received()
        return [event["args"][0] for event in events if event["name"] == "message_updated"]

    def events(self, name: str) -> list:
        """The first argument of each `name` event pushed to this client since the last call."""
        return [event["args"][0] for event in self._client.get_received() if event["name"] == name]

    def connect(self):
        return self._run("connect")

    def disconnect(self):
        return self._run("disconnect")

    def is_connected(self) -> bool:
        return self._client.is_connected()


@pytest.fixture(autouse=True)
def _in_process_fan_out(app, monkeypatch):
    """Flask-SocketIO's test client refuses a message queue: with TEST_REDIS_URL set, these handler tests
    swap in the in-process manager (fan-out through Redis needs real server processes to be tested)."""
    if isinstance(socketio.server.manager, python_socketio.PubSubManager):
        manager = python_socketio.Manager()
        manager.set_server(socketio.server)
        monkeypatch.setattr(socketio.server, "manager", manager)


@pytest.fixture
def connect_as(app, _in_process_fan_out):
    """Open a socket for a person (None: anonymous), signed in through an HTTP session cookie."""
    clients = []

    def connect(user=None) -> SocketClient:
        http = app.test_client()
        if user is not None:
            login_as(http, user)
            http.get("/rooms/")  # the session cookie as a browser would hold it
        client = SocketClient(app, http)
        clients.append(client)
        return client

    yield connect
    for client in clients:
        if client.is_connected():
            client.disconnect()


@pytest.fixture
def room(community):
    """The community's discussion room."""
    return rooms.room_for_community(community)
