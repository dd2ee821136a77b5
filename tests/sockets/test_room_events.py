"""Room events: authorised on every event, stored before broadcast, idempotent, lossless on reconnect."""

import sqlalchemy as sa

from ports_network.extensions import db, socketio
from ports_network.models import Membership, MembershipStatus, Message
from ports_network.services import rooms


def _join(client, room, last_seq=0):
    return client.emit("join", {"room_id": room.id, "last_seq": last_seq})


def _send(client, room, client_id, body="Hello"):
    return client.emit("send", {"room_id": room.id, "client_id": client_id, "body": body})


def _stored_bodies(room) -> list[str]:
    return list(
        db.session.scalars(sa.select(Message.body).where(Message.room_id == room.id).order_by(Message.seq))
    )


def test_anonymous_socket_connection_is_refused(connect_as):
    assert not connect_as(None).is_connected()


def test_signed_in_member_connects_and_joins_their_community_room(connect_as, member, room):
    client = connect_as(member)
    assert client.is_connected()
    ack = _join(client, room)
    assert ack == {"ok": True, "messages": [], "last_seq": 0}


def test_non_member_cannot_join_a_community_room(connect_as, other_member, room):
    ack = _join(connect_as(other_member), room)
    assert ack["ok"] is False
    assert ack["error"] == "This room does not exist or you cannot read it."


def test_non_member_cannot_send_to_a_community_room(connect_as, other_member, room):
    ack = _send(connect_as(other_member), room, "c-1")
    assert ack["ok"] is False
    assert _stored_bodies(room) == []


def test_member_removed_mid_session_can_no_longer_send_or_receive(connect_as, member, coordinator, room):
    removed, stayer = connect_as(member), connect_as(coordinator)
    assert _join(removed, room)["ok"] and _join(stayer, room)["ok"]
    assert _send(removed, room, "c-1", "before")["ok"]
    membership = db.session.scalars(sa.select(Membership).filter_by(user_id=member.id)).one()
    membership.status = MembershipStatus.REMOVED
    db.session.commit()

    ack = _send(removed, room, "c-2", "after")

    assert ack == {"ok": False, "error": "This room does not exist or you cannot read it."}
    assert _stored_bodies(room) == ["before"]
    removed.received()
    assert _send(stayer, room, "c-3", "only for members")["ok"]
    assert removed.received() == []  # the refused event also took the socket out of the room


def test_sending_to_a_read_only_room_is_refused_with_a_clear_error(connect_as, member, room):
    room.read_only = True
    db.session.commit()
    ack = _send(connect_as(member), room, "c-1")
    assert ack == {"ok": False, "error": "This room is read-only: no new messages can be posted."}
    assert _stored_bodies(room) == []


def test_sending_to_an_archived_room_is_refused(connect_as, member, room):
    room.archived = True
    db.session.commit()
    assert _send(connect_as(member), room, "c-1")["ok"] is False


def test_oversized_message_is_refused_with_the_limit(connect_as, member, room):
    ack = _send(connect_as(member), room, "c-1", "x" * (rooms.MAX_BODY_LENGTH + 1))
    assert ack == {"ok": False, "error": "Messages can be at most 4000 characters long."}
    assert _stored_bodies(room) == []


def test_malformed_payloads_are_refused_without_storing_anything(connect_as, member, room):
    client = connect_as(member)
    payloads = [
        None,
        "room",
        [room.id],
        {"room_id": str(room.id), "client_id": "c", "body": "x"},
        {"room_id": True, "client_id": "c", "body": "x"},
        {"room_id": -1, "client_id": "c", "body": "x"},
        {"room_id": room.id, "client_id": "", "body": "x"},
        {"room_id": room.id, "client_id": "c" * 65, "body": "x"},
        {"room_id": room.id, "client_id": 7, "body": "x"},
        {"room_id": room.id, "client_id": "c"},
        {"room_id": room.id, "client_id": "c", "body": {"text": "x"}},
        {"room_id": room.id, "client_id": "c", "body": "   "},
    ]
    for payload in payloads:
        assert client.emit("send", payload)["ok"] is False, payload
    assert client.emit("join", {"room_id": room.id, "last_seq": "zero"})["ok"] is False
    assert client.emit("join", {"room_id": room.id, "last_seq": -3})["ok"] is False
    assert _stored_bodies(room) == []


def test_sending_too_fast_is_refused_with_a_clear_error(app, connect_as, member, room, monkeypatch):
    monkeypatch.setitem(app.config, "ROOMS_RATE_LIMIT", "3 per minute")
    client = connect_as(member)
    acks = [_send(client, room, f"c-{n}", f"message {n}") for n in range(4)]
    assert [ack["ok"] for ack in acks] == [True, True, True, False]
    assert acks[-1]["error"] == "You are sending messages too quickly. Please wait a few seconds."
    assert len(_stored_bodies(room)) == 3


def test_resending_with_the_same_client_id_stores_one_message(connect_as, member, coordinator, room):
    sender, reader = connect_as(member), connect_as(coordinator)
    _join(reader, room)
    first = _send(sender, room, "same-id", "Hello")
    retry = _send(sender, room, "same-id", "Hello")
    assert first["ok"] and retry["ok"]
    assert first["seq"] == retry["seq"] == 1
    assert _stored_bodies(room) == ["Hello"]
    assert [m["seq"] for m in reader.received()] == [1]


def test_message_is_committed_before_it_is_broadcast(connect_as, member, coordinator, room, monkeypatch):
    sender, reader = connect_as(member), connect_as(coordinator)
    _join(reader, room)
    seen_in_database = []
    original_emit = socketio.emit

    def emit_checking_database(event, record, **kwargs):
        if event != "message":  # presence and typing notices are not stored
            return original_emit(event, record, **kwargs)
        # A separate connection sees only committed rows.
        with db.engine.connect() as connection:
            count = connection.scalar(
                sa.select(sa.func.count()).select_from(Message).where(Message.id == record["id"])
            )
        seen_in_database.append(count)
        return original_emit(event, record, **kwargs)

    monkeypatch.setattr(socketio, "emit", emit_checking_database)
    ack = _send(sender, room, "c-1", "**stored** first")

    assert seen_in_database == [1]
    [message] = reader.received()
    assert message["seq"] == ack["seq"] == 1
    assert message["html"] == "<p><strong>stored</strong> first</p>\n"
    assert message["author"] == member.name
    assert message["client_id"] == "c-1"


def test_client_that_reconnects_gets_exactly_the_missed_messages_in_order(
    connect_as, member, coordinator, room
):
    writer, reader = connect_as(member), connect_as(coordinator)
    _join(writer, room)
    _join(reader, room)
    _send(writer, room, "c-1", "one")
    last_seen = reader.received()[-1]["seq"]
    reader.disconnect()
    for n in range(2, 6):
        _send(writer, room, f"c-{n}", f"message {n}")

    reader.connect()
    ack = _join(reader, room, last_seq=last_seen)

    assert [m["seq"] for m in ack["messages"]] == [2, 3, 4, 5]
    assert [m["html"] for m in ack["messages"]] == [f"<p>message {n}</p>\n" for n in range(2, 6)]
    _send(writer, room, "c-6", "live again")
    assert [m["seq"] for m in reader.received()] == [6]


def test_network_room_is_open_to_members_of_any_community(connect_as, member, other_member, outsider):
    room = rooms.network_room()
    assert _send(connect_as(member), room, "c-1", "hola")["ok"]
    assert [m["html"] for m in _join(connect_as(other_member), room)["messages"]] == ["<p>hola</p>\n"]
    assert _join(connect_as(outsider), room)["ok"] is False


def test_secretariat_reads_and_posts_in_any_community_room(connect_as, secretariat, room):
    client = connect_as(secretariat)
    assert _join(client, room)["ok"]
    assert _send(client, room, "c-1")["ok"]


def test_read_event_moves_the_unread_count(connect_as, member, coordinator, room):
    _send(connect_as(member), room, "c-1")
    _send(connect_as(member), room, "c-2")
    reader = connect_as(coordinator)
    assert rooms.unread_counts(coordinator) == {room.id: 2}
    assert reader.emit("read", {"room_id": room.id, "seq": 1}) == {"ok": True, "seq": 1}
    assert rooms.unread_counts(coordinator) == {room.id: 1}
    assert rooms.unread_counts(member) == {}


def test_send_with_reply_to_stores_the_parent_and_broadcasts_it(connect_as, member, coordinator, room):
    rooms.post_message(coordinator, room, "c-1", "Question")
    client = connect_as(member)
    _join(client, room)
    ack = client.emit("send", {"room_id": room.id, "client_id": "r-1", "body": "Answer", "reply_to": 1})
    assert ack["ok"] and ack["seq"] == 2
    assert [record["reply_to"] for record in client.received()] == [1]


def test_send_with_reply_to_outside_the_room_is_refused(connect_as, member, room):
    client = connect_as(member)
    _join(client, room)
    ack = client.emit("send", {"room_id": room.id, "client_id": "r-1", "body": "Answer", "reply_to": 7})
    assert ack == {"ok": False, "error": "The message you reply to is not in this room."}
