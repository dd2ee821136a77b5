"""The send path stays lean: a bounded number of statements, no reading back, no cookie decoding per event."""

import sqlalchemy as sa
from flask.sessions import SecureCookieSessionInterface

from ports_network.extensions import db
from ports_network.models import Message
from ports_network.services import rooms

# Sign-in user, room, memberships, mute, earlier send with this client id, numbering UPDATE, INSERT, and
# the author again (the commit expired them; the broadcast names them).
MAX_STATEMENTS_PER_SEND = 8


def _send(client, room, client_id, body="Hello", reply_to=None):
    payload = {"room_id": room.id, "client_id": client_id, "body": body, "reply_to": reply_to}
    return client.emit("send", payload)


def test_a_send_runs_few_statements_and_never_reads_its_message_back(connect_as, member, room):
    client = connect_as(member)
    assert client.emit("join", {"room_id": room.id, "last_seq": 0})["ok"]
    payload = {"room_id": room.id, "client_id": "c-1", "body": "Hello"}  # the test's own reads done
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_rest):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert client.emit("send", payload)["ok"]
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)

    assert len(statements) <= MAX_STATEMENTS_PER_SEND
    inserted = next(n for n, s in enumerate(statements) if s.startswith("INSERT INTO room_message"))
    assert not [s for s in statements[inserted + 1 :] if "FROM room_message" in s]


def test_the_broadcast_record_is_the_message_as_stored(connect_as, member, coordinator, room):
    reader, writer = connect_as(coordinator), connect_as(member)
    for client in (reader, writer):
        assert client.emit("join", {"room_id": room.id, "last_seq": 0})["ok"]
    assert _send(writer, room, "c-1", "First")["ok"]
    handle = coordinator.email.split("@")[0]

    ack = _send(writer, room, "c-2", f"**Bold** reply to @{handle}", reply_to=1)

    db.session.expire_all()
    stored = db.session.scalars(sa.select(Message).where(Message.id == ack["id"])).one()
    broadcast = reader.received()[-1]
    assert broadcast == rooms.as_record(stored)
    assert (broadcast["seq"], broadcast["reply_to"], broadcast["author"]) == (2, 1, member.name)
    assert ack == {"ok": True, "seq": 2, "id": stored.id, "client_id": "c-2"}


def test_socket_events_do_not_decode_the_session_cookie_again(connect_as, member, room, monkeypatch):
    client = connect_as(member)  # the connect reads the cookie: the socket keeps its own copy
    opened = []
    original = SecureCookieSessionInterface.open_session

    def counted(self, app, request):
        opened.append(request.path)
        return original(self, app, request)

    monkeypatch.setattr(SecureCookieSessionInterface, "open_session", counted)

    assert client.emit("join", {"room_id": room.id, "last_seq": 0})["ok"]
    assert _send(client, room, "c-1")["ok"]  # still signed in, as the member

    assert opened == []
    assert db.session.scalars(sa.select(Message.author_id)).one() == member.id
