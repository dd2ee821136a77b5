"""Topic rooms: opened by a community's coordinators or the Secretariat, read by the community's members,
archived read-only but still readable."""

import sqlalchemy as sa

from ports_network import security
from ports_network.errors import DomainError, NotAllowed
from ports_network.extensions import db
from ports_network.models import AuditEvent, Room, RoomKind
from ports_network.services import room_moderation, room_search, rooms

from ..conftest import login_as


def _topic(coordinator, community, title="Customs windows"):
    return room_moderation.open_topic(coordinator, community, title)


def test_coordinator_opens_a_topic_room_from_the_community_room(client, coordinator, community):
    room = rooms.room_for_community(community)
    login_as(client, coordinator)
    response = client.post(f"/rooms/{room.id}/topics", data={"title": "Customs windows"})
    topic = db.session.scalars(sa.select(Room).filter_by(kind=RoomKind.TOPIC)).one()
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/rooms/{topic.id}")
    assert (topic.community_id, topic.title) == (community.id, "Customs windows")
    [event] = db.session.scalars(sa.select(AuditEvent).filter_by(action="room.open_topic")).all()
    assert event.community_id == community.id


def test_topic_form_is_offered_to_coordinators_only(client, member, coordinator, community):
    room = rooms.room_for_community(community)
    login_as(client, member)
    assert "Open a topic room" not in client.get(f"/rooms/{room.id}").get_data(as_text=True)
    login_as(client, coordinator)
    assert "Open a topic room" in client.get(f"/rooms/{room.id}").get_data(as_text=True)


def test_member_cannot_open_a_topic_room(client, member, community):
    room = rooms.room_for_community(community)
    login_as(client, member)
    assert client.post(f"/rooms/{room.id}/topics", data={"title": "Mine"}).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Room).filter_by(kind=RoomKind.TOPIC)) == 0


def test_topic_room_needs_a_title(client, coordinator, community):
    room = rooms.room_for_community(community)
    login_as(client, coordinator)
    assert client.post(f"/rooms/{room.id}/topics", data={"title": " "}).status_code == 422
    try:
        room_moderation.open_topic(coordinator, community, "  ")
    except DomainError as error:
        assert error.field == "title"
    else:
        raise AssertionError("an empty title was accepted")


def test_coordinator_of_another_community_cannot_open_a_topic_there(other_member, community, secretariat):
    assert not security.can(other_member, "rooms.open_topic", community)
    assert security.can(secretariat, "rooms.open_topic", community)
    try:
        room_moderation.open_topic(other_member, community, "Intrusion")
    except NotAllowed:
        pass
    else:
        raise AssertionError("a non-coordinator opened a topic room")


def test_topic_room_is_read_by_community_members_only(client, member, other_member, coordinator, community):
    topic = _topic(coordinator, community)
    assert security.can(member, "rooms.read", topic)
    assert topic.id in {entry.room.id for entry in rooms.rooms_for(member)}
    login_as(client, other_member)
    assert client.get(f"/rooms/{topic.id}").status_code == 404
    assert topic.id not in {entry.room.id for entry in rooms.rooms_for(other_member)}


def test_archived_topic_room_is_readable_but_takes_no_messages(client, member, coordinator, community):
    topic = _topic(coordinator, community)
    rooms.post_message(member, topic, "t-1", "Before the archive")
    login_as(client, coordinator)
    assert client.post(f"/rooms/{topic.id}/archive").status_code == 303
    db.session.refresh(topic)
    assert topic.archived
    assert db.session.scalars(sa.select(AuditEvent.action).filter_by(action="room.archive")).all() == [
        "room.archive"
    ]
    login_as(client, member)
    page = client.get(f"/rooms/{topic.id}").get_data(as_text=True)
    assert "Before the archive" in page
    assert "This topic room is archived" in page
    assert client.post(f"/rooms/{topic.id}", data={"body": "After", "client_id": "t-2"}).status_code == 403
    found = room_search.search(member, room_search.SearchQuery(words="archive"))
    assert [m.body for m in found.items] == ["Before the archive"]


def test_member_cannot_archive_a_topic_room(client, member, coordinator, community):
    topic = _topic(coordinator, community)
    login_as(client, member)
    assert client.post(f"/rooms/{topic.id}/archive").status_code == 403
    db.session.refresh(topic)
    assert not topic.archived


def test_community_room_cannot_be_archived(client, coordinator, community):
    room = rooms.room_for_community(community)
    login_as(client, coordinator)
    client.post(f"/rooms/{room.id}/archive")
    db.session.refresh(room)
    assert not room.archived
    assert "Only topic rooms can be archived." in client.get(f"/rooms/{room.id}").get_data(as_text=True)
