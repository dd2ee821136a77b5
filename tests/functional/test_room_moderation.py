"""Changing one's messages over HTTP, @mentions, reports and the moderators' pages and actions."""

from datetime import timedelta

import sqlalchemy as sa

from ports_network.extensions import db
from ports_network.models import AuditEvent, Message, MessageReport, Notification, RoomMute
from ports_network.models.base import utcnow
from ports_network.services import audit, room_moderation, rooms

from ..conftest import login_as


def _room(community):
    return rooms.room_for_community(community)


def _handle(person) -> str:
    return "@" + person.email.split("@")[0]


def _message(room, seq=1) -> Message:
    db.session.expire_all()
    return db.session.scalars(sa.select(Message).where(Message.room_id == room.id, Message.seq == seq)).one()


def _notices(person) -> list[Notification]:
    return db.session.scalars(sa.select(Notification).where(Notification.user_id == person.id)).all()


# Edit and delete by the author


def test_author_edits_a_message_without_javascript_and_history_is_kept(
    client, member, coordinator, community
):
    room = _room(community)
    rooms.post_message(member, room, "c-1", "first version")
    login_as(client, member)
    response = client.post(f"/rooms/{room.id}/messages/1/edit", data={"body": "second version"})
    assert response.status_code == 303
    page = client.get(f"/rooms/{room.id}").get_data(as_text=True)
    assert "second version" in page and "(edited)" in page
    assert "first version</p>" not in page
    assert [r.body for r in room_moderation.revisions(coordinator, _message(room))] == ["first version"]


def test_empty_edit_is_refused_with_the_reason(client, member, community):
    room = _room(community)
    rooms.post_message(member, room, "c-1", "kept")
    login_as(client, member)
    response = client.post(f"/rooms/{room.id}/messages/1/edit", data={"body": ""})
    assert response.status_code == 422
    assert _message(room).body == "kept"


def test_only_the_author_may_edit_or_delete(client, member, coordinator, community):
    room = _room(community)
    rooms.post_message(member, room, "c-1", "mine")
    login_as(client, coordinator)
    assert client.post(f"/rooms/{room.id}/messages/1/edit", data={"body": "x"}).status_code == 403
    assert client.post(f"/rooms/{room.id}/messages/1/delete").status_code == 403
    assert _message(room).body == "mine" and _message(room).deleted_at is None


def test_deleted_message_shows_a_placeholder_to_members(client, member, coordinator, community):
    room = _room(community)
    rooms.post_message(member, room, "c-1", "regrettable words")
    login_as(client, member)
    assert client.post(f"/rooms/{room.id}/messages/1/delete").status_code == 303
    login_as(client, coordinator)
    page = client.get(f"/rooms/{room.id}").get_data(as_text=True)
    assert "Message deleted" in page and "regrettable words" not in page
    data = client.get(f"/rooms/{room.id}/history?after=0").get_json()
    assert data["messages"][0]["deleted"] is True and data["messages"][0]["html"] == ""


def test_moderator_sees_the_history_of_an_edited_and_deleted_message(client, member, coordinator, community):
    room = _room(community)
    message, _ = rooms.post_message(member, room, "c-1", "original words")
    room_moderation.edit_message(member, message, "edited words")
    room_moderation.delete_message(member, message)
    login_as(client, coordinator)
    page = client.get(f"/rooms/{room.id}/messages/1/revisions").get_data(as_text=True)
    assert "original words" in page and "edited words" in page and "Deleted by its author" in page


def test_members_cannot_see_the_history_of_a_message(client, member, coordinator, community):
    room = _room(community)
    rooms.post_message(coordinator, room, "c-1", "hello")
    login_as(client, member)
    assert client.get(f"/rooms/{room.id}/messages/1/revisions").status_code == 403


# Mentions


def test_mention_notifies_a_reader_of_the_room(member, coordinator, community):
    room = _room(community)
    rooms.post_message(member, room, "c-1", f"Hello {_handle(coordinator)}, see this.")
    [notice] = _notices(coordinator)
    assert notice.kind == "rooms.mention"
    assert notice.params == {"person": member.name, "room": community.name}
    assert notice.link == f"/rooms/{room.id}"


def test_mention_of_someone_who_cannot_read_the_room_notifies_nobody(member, other_member, community):
    rooms.post_message(member, _room(community), "c-1", f"Hello {_handle(other_member)}")
    assert _notices(other_member) == []


def test_self_mention_and_lookalike_handles_notify_nobody(member, coordinator, community):
    handle = _handle(coordinator)
    rooms.post_message(member, _room(community), "c-1", f"{_handle(member)} {handle}x mail{handle}")
    assert _notices(member) == [] and _notices(coordinator) == []


def test_mention_handles_are_the_local_part_of_email_addresses():
    assert rooms.mentioned_handles("Hi @Ana.Silva, and @bob. Mail x@y.org") == {"ana.silva", "bob"}


# Reports


def test_reader_reports_a_message_once(client, member, coordinator, community):
    room = _room(community)
    rooms.post_message(coordinator, room, "c-1", "rude words")
    login_as(client, member)
    url = f"/rooms/{room.id}/messages/1/report"
    assert client.post(url, data={"reason": "Rude"}).status_code == 303
    again = client.post(url, data={"reason": "Still rude"})
    assert again.status_code == 422
    assert "You have already reported this message." in again.get_data(as_text=True)
    assert db.session.scalars(sa.select(MessageReport.reason)).all() == ["Rude"]


def test_report_needs_a_reason(client, member, coordinator, community):
    room = _room(community)
    rooms.post_message(coordinator, room, "c-1", "words")
    login_as(client, member)
    assert client.post(f"/rooms/{room.id}/messages/1/report", data={"reason": ""}).status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MessageReport)) == 0


def test_non_member_cannot_report_a_message(client, other_member, coordinator, community):
    room = _room(community)
    rooms.post_message(coordinator, room, "c-1", "words")
    login_as(client, other_member)
    assert client.post(f"/rooms/{room.id}/messages/1/report", data={"reason": "x"}).status_code == 404


def test_moderator_sees_open_reports_and_members_do_not(client, member, coordinator, community):
    room = _room(community)
    message, _ = rooms.post_message(coordinator, room, "c-1", "rude words")
    room_moderation.report_message(member, message, "Offensive")
    login_as(client, member)
    assert client.get(f"/rooms/{room.id}/reports").status_code == 403
    login_as(client, coordinator)
    page = client.get(f"/rooms/{room.id}/reports").get_data(as_text=True)
    assert "Offensive" in page and "rude words" in page


# Moderation actions


def test_moderator_hides_a_message_for_members_only(client, member, coordinator, community):
    room = _room(community)
    message, _ = rooms.post_message(member, room, "c-1", "spam link")
    room_moderation.report_message(coordinator, message, "Spam")
    login_as(client, coordinator)
    assert client.post(f"/rooms/{room.id}/messages/1/hide").status_code == 303
    assert "spam link" in client.get(f"/rooms/{room.id}").get_data(as_text=True)
    assert "No open reports." in client.get(f"/rooms/{room.id}/reports").get_data(as_text=True)
    login_as(client, member)
    page = client.get(f"/rooms/{room.id}").get_data(as_text=True)
    assert "Message hidden by a moderator" in page and "spam link" not in page
    [event] = db.session.scalars(sa.select(AuditEvent).filter_by(action="room.message_hide")).all()
    assert event.actor_id == coordinator.id and event.community_id == community.id


def test_moderator_dismisses_reports_and_the_message_stays_shown(client, member, coordinator, community):
    room = _room(community)
    message, _ = rooms.post_message(member, room, "c-1", "the crane schedule")
    room_moderation.report_message(coordinator, message, "Off topic")
    login_as(client, coordinator)
    assert client.post(f"/rooms/{room.id}/messages/1/dismiss-reports").status_code == 303
    assert "No open reports." in client.get(f"/rooms/{room.id}/reports").get_data(as_text=True)
    login_as(client, member)
    assert "the crane schedule" in client.get(f"/rooms/{room.id}").get_data(as_text=True)
    [event] = db.session.scalars(sa.select(AuditEvent).filter_by(action="room.reports_dismiss")).all()
    assert event.new == {"reports": 1} and event.community_id == community.id


def test_member_cannot_dismiss_reports(client, member, community):
    room = _room(community)
    rooms.post_message(member, room, "c-1", "the crane schedule")
    login_as(client, member)
    assert client.post(f"/rooms/{room.id}/messages/1/dismiss-reports").status_code == 403


def test_moderator_mutes_a_member_who_then_cannot_post(client, member, coordinator, community):
    room = _room(community)
    login_as(client, coordinator)
    response = client.post(f"/rooms/{room.id}/mute", data={"user_id": member.id, "minutes": 10})
    assert response.status_code == 303
    mute = db.session.get(RoomMute, (room.id, member.id))
    assert timedelta(minutes=9) < mute.until - utcnow() <= timedelta(minutes=10)
    assert db.session.scalars(sa.select(AuditEvent.action)).all() == ["room.mute"]
    login_as(client, member)
    page = client.get(f"/rooms/{room.id}").get_data(as_text=True)
    assert 'id="room-form"' not in page and "A moderator has muted you in this room until" in page
    assert client.post(f"/rooms/{room.id}", data={"body": "x", "client_id": "f"}).status_code == 403


def test_mute_of_someone_outside_the_room_is_refused(client, coordinator, other_member, community):
    room = _room(community)
    login_as(client, coordinator)
    response = client.post(f"/rooms/{room.id}/mute", data={"user_id": other_member.id, "minutes": 10})
    assert response.status_code == 422
    assert "Choose a member of this room." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RoomMute)) == 0


def test_moderator_toggles_read_only_and_it_is_audited(client, coordinator, community):
    room = _room(community)
    login_as(client, coordinator)
    assert client.post(f"/rooms/{room.id}/read-only").status_code == 303
    db.session.refresh(room)
    assert room.read_only is True
    client.post(f"/rooms/{room.id}/read-only")
    db.session.refresh(room)
    assert room.read_only is False
    entries = audit.events(community=community)
    assert [(e.action, e.new) for e in entries] == [
        ("room.read_only", {"read_only": False}),
        ("room.read_only", {"read_only": True}),
    ]


def test_members_cannot_use_moderation_actions(client, member, coordinator, community):
    room = _room(community)
    rooms.post_message(coordinator, room, "c-1", "hello")
    login_as(client, member)
    assert client.post(f"/rooms/{room.id}/read-only").status_code == 403
    assert client.post(f"/rooms/{room.id}/messages/1/hide").status_code == 403
    assert (
        client.post(f"/rooms/{room.id}/mute", data={"user_id": coordinator.id, "minutes": 5}).status_code
        == 403
    )
    db.session.refresh(room)
    assert room.read_only is False and _message(room).hidden_at is None


def test_secretariat_moderates_the_network_room_but_coordinators_do_not(client, coordinator, secretariat):
    room = rooms.network_room()
    login_as(client, coordinator)
    assert client.get(f"/rooms/{room.id}/reports").status_code == 403
    login_as(client, secretariat)
    assert client.get(f"/rooms/{room.id}/reports").status_code == 200
