"""Replies: a message may answer an earlier message of the same room, shown with the parent's excerpt."""

import sqlalchemy as sa

from ports_network.errors import DomainError
from ports_network.extensions import db
from ports_network.models import Message
from ports_network.services import room_moderation, rooms

from ..conftest import login_as


def test_member_replies_without_javascript_and_sees_the_parent_excerpt(
    client, member, coordinator, community
):
    room = rooms.room_for_community(community)
    rooms.post_message(coordinator, room, "c-1", "Is the berth free on Monday?")
    login_as(client, member)
    page = client.get(f"/rooms/{room.id}?reply_to=1").get_data(as_text=True)
    assert 'name="reply_to"' in page and 'value="1"' in page
    response = client.post(f"/rooms/{room.id}", data={"body": "Yes", "client_id": "m-1", "reply_to": "1"})
    assert response.status_code == 303
    reply = db.session.scalars(sa.select(Message).filter_by(seq=2)).one()
    assert reply.parent.seq == 1
    page = client.get(f"/rooms/{room.id}").get_data(as_text=True)
    assert "In reply to Carla Coordinator: Is the berth free on Monday?" in page
    assert f"/rooms/{room.id}?reply_to=1#room-form" in page


def test_reply_to_a_message_of_another_room_is_refused(member, coordinator, community):
    room = rooms.room_for_community(community)
    network = rooms.network_room()
    rooms.post_message(coordinator, network, "n-1", "Network news")
    rooms.post_message(coordinator, network, "n-2", "More news")
    try:
        rooms.post_message(member, room, "m-1", "Answer", reply_to=2)  # room has no message 2
    except DomainError as error:
        assert error.field == "reply_to"
    else:
        raise AssertionError("a reply across rooms was stored")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Message).filter_by(room_id=room.id)) == 0


def test_reply_to_an_unknown_message_is_shown_on_the_form(client, member, community):
    room = rooms.room_for_community(community)
    login_as(client, member)
    response = client.post(f"/rooms/{room.id}", data={"body": "Hm", "client_id": "m-1", "reply_to": "9"})
    assert response.status_code == 422
    assert "The message you reply to is not in this room." in response.get_data(as_text=True)


def test_reply_to_a_deleted_message_shows_no_excerpt(client, member, coordinator, community):
    room = rooms.room_for_community(community)
    parent, _ = rooms.post_message(coordinator, room, "c-1", "Secret plan")
    rooms.post_message(member, room, "m-1", "Answer", reply_to=1)
    room_moderation.delete_message(coordinator, parent)
    login_as(client, member)
    page = client.get(f"/rooms/{room.id}").get_data(as_text=True)
    assert "In reply to a removed message" in page
    assert "Secret plan" not in page


def test_reply_record_names_the_parent_seq(member, coordinator, community):
    room = rooms.room_for_community(community)
    rooms.post_message(coordinator, room, "c-1", "Question")
    reply, _ = rooms.post_message(member, room, "m-1", "Answer", reply_to=1)
    assert rooms.as_record(reply)["reply_to"] == 1
    assert rooms.as_record(rooms.message_at(room, 1))["reply_to"] is None
