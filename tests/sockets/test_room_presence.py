"""Presence ("Here now") and typing notices: only within rooms one can read, only for people who share them,
cheap (typing is throttled and never stored) and refused like posting."""

import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa

from ports_network import realtime_presence
from ports_network.extensions import db
from ports_network.models import Membership, Message, RoomMute
from ports_network.models.base import utcnow
from ports_network.services import accounts, memberships, rooms

ROOM_ERROR = "This room does not exist or you cannot read it."


@pytest.fixture(autouse=True)
def _fresh_presence(app, monkeypatch):
    """Each test starts with nobody present: its own Redis key space (with TEST_REDIS_URL), a new dict."""
    monkeypatch.setitem(app.config, "SOCKETIO_CHANNEL", f"test-presence-{uuid.uuid4().hex}")
    app.extensions.pop("ports_network.presence", None)


def _events(client, name: str) -> list[dict]:
    """The `name` events pushed to the client since the last look (other events are dropped)."""
    found = []
    for event in client._client.get_received():
        if event["name"] == name:
            args = event["args"]
            found.append(args[0] if isinstance(args, list) else args)
    return found


def _join(client, room):
    return client.emit("join", {"room_id": room.id, "last_seq": 0})


def _here(client, room) -> list[str]:
    """The names in the newest presence notice of the room the client received."""
    notices = [notice for notice in _events(client, "presence") if notice["room_id"] == room.id]
    return [person["name"] for person in notices[-1]["people"]] if notices else None


def _switch_off(user):
    db.session.get(type(user), user.id).share_presence = False
    db.session.commit()


def test_joining_lists_everyone_in_the_room_who_shares_presence(connect_as, member, coordinator, room):
    first, second, not_joined = connect_as(member), connect_as(coordinator), connect_as(member)
    assert _join(first, room)["ok"]
    assert _here(first, room) == ["Mara Member"]

    assert _join(second, room)["ok"]

    assert _here(first, room) == ["Carla Coordinator", "Mara Member"]
    assert _here(second, room) == ["Carla Coordinator", "Mara Member"]
    assert _events(not_joined, "presence") == []  # only the room's sockets are told


def test_a_person_who_switched_presence_off_is_not_listed_but_sees_the_others(
    connect_as, member, coordinator, room
):
    _switch_off(member)
    present, hidden = connect_as(coordinator), connect_as(member)
    assert _join(present, room)["ok"]
    _events(present, "presence")

    assert _join(hidden, room)["ok"]

    assert _events(present, "presence") == []  # nothing changed for the room
    assert _here(hidden, room) == ["Carla Coordinator"]
    assert realtime_presence.people(room.id) == [{"id": coordinator.id, "name": "Carla Coordinator"}]


def test_a_closed_socket_leaves_the_presence_of_its_rooms(connect_as, member, coordinator, room):
    stayer, leaver = connect_as(coordinator), connect_as(member)
    assert _join(stayer, room)["ok"] and _join(leaver, room)["ok"]

    leaver.disconnect()

    assert _here(stayer, room) == ["Carla Coordinator"]
    assert [p["name"] for p in realtime_presence.people(room.id)] == ["Carla Coordinator"]


def test_a_second_tab_of_the_same_person_is_listed_once_and_closing_it_keeps_them(
    connect_as, member, coordinator, room
):
    watcher, tab1, tab2 = connect_as(coordinator), connect_as(member), connect_as(member)
    for client in (watcher, tab1, tab2):
        assert _join(client, room)["ok"]
    assert _here(watcher, room) == ["Carla Coordinator", "Mara Member"]

    tab2.disconnect()

    assert _here(watcher, room) == ["Carla Coordinator", "Mara Member"]


def test_switching_presence_off_removes_the_person_at_once(connect_as, member, coordinator, room):
    watcher, switcher = connect_as(coordinator), connect_as(member)
    assert _join(watcher, room)["ok"] and _join(switcher, room)["ok"]
    assert _here(watcher, room) == ["Carla Coordinator", "Mara Member"]
    user = db.session.get(type(member), member.id)

    accounts.update_privacy(
        user, accounts.PrivacySettings(user.visibility, False, False, share_presence=False)
    )

    assert _here(watcher, room) == ["Carla Coordinator"]


def test_a_member_who_loses_the_community_leaves_its_presence(connect_as, member, coordinator, room):
    watcher, removed = connect_as(coordinator), connect_as(member)
    assert _join(watcher, room)["ok"] and _join(removed, room)["ok"]
    membership = db.session.scalars(sa.select(Membership).filter_by(user_id=member.id)).one()
    _events(removed, "presence")

    memberships.remove_member(coordinator, membership)

    assert _here(watcher, room) == ["Carla Coordinator"]
    assert _events(removed, "presence") == []  # out of the room's channel: told nothing more


def test_presence_is_seen_only_within_rooms_one_shares(
    connect_as, member, other_member, other_community, room
):
    outsider, insider = connect_as(other_member), connect_as(member)
    assert _join(outsider, rooms.room_for_community(other_community))["ok"]
    assert _join(outsider, room)["ok"] is False
    _events(outsider, "presence")

    assert _join(insider, room)["ok"]

    assert _events(outsider, "presence") == []


def _typing(client, room):
    return client.emit("typing", {"room_id": room.id})


def test_typing_reaches_the_others_in_the_room_but_not_the_sender(connect_as, member, coordinator, room):
    typist, reader = connect_as(member), connect_as(coordinator)
    assert _join(typist, room)["ok"] and _join(reader, room)["ok"]

    assert _typing(typist, room) == {"ok": True, "announced": True}

    assert _events(reader, "typing") == [{"room_id": room.id, "user_id": member.id, "name": "Mara Member"}]
    assert _events(typist, "typing") == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Message)) == 0


def test_typing_is_announced_at_most_once_per_interval(connect_as, member, coordinator, room):
    typist, reader = connect_as(member), connect_as(coordinator)
    assert _join(typist, room)["ok"] and _join(reader, room)["ok"]

    acks = [_typing(typist, room) for _ in range(3)]

    assert [ack["announced"] for ack in acks] == [True, False, False]
    assert len(_events(reader, "typing")) == 1
    assert _typing(reader, room)["announced"] is True  # the interval is per person
    assert _events(typist, "typing") == [
        {"room_id": room.id, "user_id": coordinator.id, "name": "Carla Coordinator"}
    ]


def test_typing_is_refused_to_someone_who_cannot_read_the_room(connect_as, other_member, coordinator, room):
    reader = connect_as(coordinator)
    assert _join(reader, room)["ok"]
    assert _typing(connect_as(other_member), room) == {"ok": False, "error": ROOM_ERROR}
    assert _events(reader, "typing") == []


def test_typing_is_refused_to_a_muted_member(connect_as, member, coordinator, room):
    db.session.add(RoomMute(room_id=room.id, user_id=member.id, until=utcnow() + timedelta(minutes=30)))
    db.session.commit()
    typist, reader = connect_as(member), connect_as(coordinator)
    assert _join(typist, room)["ok"] and _join(reader, room)["ok"]

    ack = _typing(typist, room)

    assert ack["ok"] is False and ack["error"].startswith("A moderator has muted you in this room")
    assert _events(reader, "typing") == []


def test_typing_is_refused_in_a_read_only_room(connect_as, member, room):
    room.read_only = True
    db.session.commit()
    typist = connect_as(member)
    assert _typing(typist, room) == {
        "ok": False,
        "error": "This room is read-only: no new messages can be posted.",
    }


def test_typing_is_refused_to_someone_who_does_not_share_presence(connect_as, member, coordinator, room):
    _switch_off(member)
    typist, reader = connect_as(member), connect_as(coordinator)
    assert _join(typist, room)["ok"] and _join(reader, room)["ok"]

    ack = _typing(typist, room)

    assert ack == {"ok": False, "error": "You chose not to show others when you are typing."}
    assert _events(reader, "typing") == []


def test_malformed_typing_payloads_are_refused(connect_as, member, room):
    typist = connect_as(member)
    for payload in (
        None,
        "room",
        [room.id],
        {},
        {"room_id": str(room.id)},
        {"room_id": True},
        {"room_id": -1},
    ):
        assert typist.emit("typing", payload) == {"ok": False, "error": ROOM_ERROR}, payload
