"""Edit, delete and mute over sockets: authorised again on every event, broadcast as message_updated."""

from datetime import timedelta

import sqlalchemy as sa

from ports_network.extensions import db
from ports_network.models import Message, MessageRevision, RoomMute
from ports_network.models.base import utcnow
from ports_network.services import rooms

from ..conftest import login_as


def _message(room, seq=1) -> Message:
    return db.session.scalars(sa.select(Message).where(Message.room_id == room.id, Message.seq == seq)).one()


def test_author_edits_a_message_and_the_room_sees_the_new_version(connect_as, member, coordinator, room):
    author, reader = connect_as(member), connect_as(coordinator)
    assert reader.emit("join", {"room_id": room.id, "last_seq": 0})["ok"]
    assert author.emit("send", {"room_id": room.id, "client_id": "c-1", "body": "first"})["ok"]

    ack = author.emit("edit", {"room_id": room.id, "seq": 1, "body": "**second**"})

    assert ack == {"ok": True, "seq": 1}
    assert reader.updates() == [
        {"room_id": room.id, "seq": 1, "html": "<p><strong>second</strong></p>\n", "edited": True}
    ]
    message = _message(room)
    assert message.body == "**second**" and message.edited_at is not None
    assert db.session.scalars(sa.select(MessageRevision.body)).all() == ["first"]


def test_someone_else_cannot_edit_or_delete_a_message(connect_as, member, coordinator, room):
    rooms.post_message(member, room, "c-1", "mine")
    other = connect_as(coordinator)
    assert other.emit("edit", {"room_id": room.id, "seq": 1, "body": "changed"})["ok"] is False
    assert other.emit("delete", {"room_id": room.id, "seq": 1})["ok"] is False
    message = _message(room)
    assert message.body == "mine" and message.deleted_at is None


def test_editing_in_a_read_only_room_is_refused(connect_as, member, room):
    rooms.post_message(member, room, "c-1", "before")
    room.read_only = True
    db.session.commit()
    ack = connect_as(member).emit("edit", {"room_id": room.id, "seq": 1, "body": "after"})
    assert ack["ok"] is False
    assert _message(room).body == "before"


def test_non_member_cannot_edit_even_their_old_message(connect_as, other_member, member, room):
    rooms.post_message(member, room, "c-1", "hello")
    ack = connect_as(other_member).emit("edit", {"room_id": room.id, "seq": 1, "body": "x"})
    assert ack == {"ok": False, "error": "This message does not exist or you cannot read it."}


def test_malformed_edit_payloads_are_refused(connect_as, member, room):
    rooms.post_message(member, room, "c-1", "hello")
    client = connect_as(member)
    for payload in [
        None,
        "x",
        {"room_id": room.id},
        {"room_id": room.id, "seq": "1", "body": "x"},
        {"room_id": room.id, "seq": 1, "body": ""},
        {"room_id": room.id, "seq": 1, "body": 5},
        {"room_id": room.id, "seq": 1, "body": "x" * (rooms.MAX_BODY_LENGTH + 1)},
    ]:
        assert client.emit("edit", payload)["ok"] is False, payload
    assert _message(room).body == "hello"


def test_author_deletes_a_message_and_the_room_sees_a_placeholder(connect_as, member, coordinator, room):
    author, reader = connect_as(member), connect_as(coordinator)
    assert reader.emit("join", {"room_id": room.id, "last_seq": 0})["ok"]
    author.emit("send", {"room_id": room.id, "client_id": "c-1", "body": "secret"})

    assert author.emit("delete", {"room_id": room.id, "seq": 1}) == {"ok": True, "seq": 1}

    assert reader.updates() == [{"room_id": room.id, "seq": 1, "deleted": True, "hidden": False}]
    [record] = reader.emit("join", {"room_id": room.id, "last_seq": 0})["messages"]
    assert record["deleted"] is True and record["html"] == ""
    assert author.emit("edit", {"room_id": room.id, "seq": 1, "body": "again"})["ok"] is False


def test_muted_member_cannot_send_until_the_mute_ends(connect_as, member, room):
    db.session.add(RoomMute(room_id=room.id, user_id=member.id, until=utcnow() + timedelta(minutes=30)))
    db.session.commit()
    client = connect_as(member)

    ack = client.emit("send", {"room_id": room.id, "client_id": "c-1", "body": "hello"})

    assert ack == {
        "ok": False,
        "error": "A moderator has muted you in this room: you can post again in 30 minutes.",
    }
    assert client.emit("join", {"room_id": room.id, "last_seq": 0})["ok"]  # still reads the room
    db.session.get(RoomMute, (room.id, member.id)).until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.emit("send", {"room_id": room.id, "client_id": "c-2", "body": "hello"})["ok"]


def test_hiding_a_message_over_http_reaches_open_sockets(app, connect_as, member, coordinator, room):
    rooms.post_message(coordinator, room, "c-1", "spam")
    reader = connect_as(member)
    assert reader.emit("join", {"room_id": room.id, "last_seq": 0})["ok"]
    moderator = app.test_client()
    login_as(moderator, coordinator)

    assert moderator.post(f"/rooms/{room.id}/messages/1/hide").status_code == 303

    assert reader.updates() == [{"room_id": room.id, "seq": 1, "deleted": True, "hidden": True}]
    [record] = reader.emit("join", {"room_id": room.id, "last_seq": 0})["messages"]
    assert record["deleted"] is True and record["html"] == ""
