"""Rooms of governance bodies and their sessions: created with them, read by the body's current seat
holders and the Secretariat, moderated by the body's officers, linked from the body and session pages."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from ports_network import security
from ports_network.extensions import db
from ports_network.models import BodyKind, BodyStatus, Room, RoomKind, SeatRole, SessionKind, SessionStatus
from ports_network.models.base import utcnow
from ports_network.services import committee_sessions, committees, room_moderation, rooms, seed_index
from ports_network.services.committee_seed import seed_committee_rooms, seed_committees
from tests import factories
from tests.conftest import login_as

EN = {"Accept-Language": "en"}


@pytest.fixture
def body(coordinator, focal_point):
    """A committee chaired by the coordinator, with the focal point as an ordinary member."""
    body = factories.BodyFactory(name={"en": "Technical Committee on Tariffs", "es": "Comité de Tarifas"})
    factories.SeatFactory(body=body, user=coordinator, role=SeatRole.CHAIR)
    factories.SeatFactory(body=body, user=focal_point, role=SeatRole.MEMBER)
    return body


@pytest.fixture
def meeting(body):
    return factories.CommitteeSessionFactory(body=body, title="First ordinary session")


def test_creating_a_body_and_scheduling_a_session_create_their_rooms(secretariat):
    data = committees.BodyData(
        kind=BodyKind.EXPERT_GROUP, name={"en": "Expert Group"}, term_start=utcnow().date()
    )
    body = committees.create_body(secretariat, data)
    session = committee_sessions.schedule(
        secretariat,
        body,
        committee_sessions.SessionData(
            title="Kick-off",
            kind=SessionKind.ONLINE,
            local_start=(utcnow() + timedelta(days=10)).replace(tzinfo=None, microsecond=0),
            time_zone="America/Lima",
            duration_minutes=60,
            link="https://meet.example.org/kick-off",
        ),
    )
    body_room = db.session.scalars(sa.select(Room).where(Room.body_id == body.id)).one()
    session_room = db.session.scalars(sa.select(Room).where(Room.committee_session_id == session.id)).one()
    assert (body_room.kind, session_room.kind) == (RoomKind.BODY, RoomKind.SESSION)
    assert rooms.title_of(body_room) == "Expert Group"
    assert rooms.title_of(session_room) == "Kick-off"
    assert rooms.room_for_body(body).id == body_room.id  # created once


def test_seat_holders_and_the_secretariat_read_a_body_room_and_others_get_404(
    client, meeting, focal_point, member, secretariat
):
    for room in (rooms.room_for_body(meeting.body), rooms.room_for_session(meeting)):
        for person, status in ((focal_point, 200), (secretariat, 200), (member, 404)):
            login_as(client, person)
            assert client.get(f"/rooms/{room.id}", headers=EN).status_code == status, (person.name, room.kind)


def test_a_former_seat_holder_no_longer_reads_the_body_room(body, member):
    seat = factories.SeatFactory(body=body, user=member)
    room = rooms.room_for_body(body)
    assert security.can(member, "rooms.read", room)
    seat.start_date = utcnow().date() - timedelta(days=30)
    seat.end_date = utcnow().date() - timedelta(days=1)
    db.session.commit()
    assert not security.can(member, "rooms.read", room)
    assert room.id not in {entry.room.id for entry in rooms.rooms_for(member)}


def test_the_chair_moderates_the_body_and_session_rooms_an_ordinary_member_does_not(
    body, meeting, coordinator, focal_point
):
    room = rooms.room_for_session(meeting)
    message, _ = rooms.post_message(focal_point, room, "m-1", "Off topic")
    assert security.can(coordinator, "rooms.moderate", rooms.room_for_body(body))
    assert not security.can(focal_point, "rooms.moderate", room)
    room_moderation.hide_message(coordinator, message)
    assert message.hidden_at is not None


def test_the_rooms_list_names_the_body_and_the_session_in_the_readers_language(
    client, body, meeting, focal_point
):
    rooms.room_for_body(body)
    rooms.room_for_session(meeting)
    focal_point.preferred_locale = "es"
    db.session.commit()
    login_as(client, focal_point)
    page = client.get("/rooms/").get_data(as_text=True)
    assert "Comité de Tarifas" in page
    assert "First ordinary session" in page


def test_body_and_session_pages_link_the_discussion_room_for_its_readers(
    client, body, meeting, focal_point, member
):
    login_as(client, focal_point)
    body_room, session_room = rooms.room_for_body(body), rooms.room_for_session(meeting)
    assert f"/rooms/{body_room.id}" in client.get(f"/committees/{body.id}", headers=EN).get_data(as_text=True)
    page = client.get(f"/committees/sessions/{meeting.id}", headers=EN).get_data(as_text=True)
    assert f"/rooms/{session_room.id}" in page
    login_as(client, member)  # a network member without a seat sees the body page, not its room
    page = client.get(f"/committees/{body.id}", headers=EN).get_data(as_text=True)
    assert "Discussion room" not in page


def test_the_demo_seed_gives_every_body_and_session_a_room(app, monkeypatch):
    monkeypatch.setattr(seed_index, "seed_index_demo", lambda: 0)  # the index demo is not what this is about
    result = app.test_cli_runner().invoke(args=["seed", "demo"])
    assert result.exit_code == 0, result.output
    seed_committees()  # a second run changes nothing
    seed_committee_rooms()
    kinds = db.session.scalars(sa.select(Room.kind).where(Room.kind.in_([RoomKind.BODY, RoomKind.SESSION])))
    counted = sorted(kind.value for kind in kinds)
    assert counted.count("body") == 6 and counted.count("session") == 2  # the scheduled and the past one


def test_the_rooms_of_a_closed_body_and_a_cancelled_session_take_no_new_messages(body, meeting, coordinator):
    body_room, session_room = rooms.room_for_body(body), rooms.room_for_session(meeting)
    assert body_room.accepts_posts and session_room.accepts_posts
    meeting.status = SessionStatus.CANCELLED
    db.session.commit()
    assert body_room.accepts_posts and not session_room.accepts_posts
    assert not security.can(coordinator, "rooms.post", session_room)
    body.status = BodyStatus.CLOSED
    db.session.commit()
    assert not body_room.accepts_posts
    assert security.can(coordinator, "rooms.read", body_room)  # the history stays readable
