"""Each published event has its discussion room: read by the people holding a place, the organisers and
the Secretariat, moderated by the organisers; a cancelled event's room keeps its history but takes no new
messages."""

import pytest

from ports_network import security
from ports_network.errors import NotAllowed
from ports_network.extensions import db
from ports_network.models import EventKind, EventStatus, RegistrationStatus
from ports_network.services import room_moderation, rooms
from tests import factories
from tests.conftest import login_as

EN = {"Accept-Language": "en"}


@pytest.fixture
def workshop(community):
    return factories.EventFactory(
        kind=EventKind.WORKSHOP, communities=[community], title={"en": "Workshop on port governance"}
    )


def test_participants_organisers_and_the_secretariat_read_the_room_and_others_get_404(
    request, client, workshop, member, outsider
):
    coordinator, secretariat = request.getfixturevalue("coordinator"), request.getfixturevalue("secretariat")
    factories.EventRegistrationFactory(event=workshop, user=member)
    factories.EventRegistrationFactory(event=workshop, user=outsider, status=RegistrationStatus.WAITLISTED)
    room = rooms.room_for_event(workshop)
    for person, status in ((member, 200), (coordinator, 200), (secretariat, 200), (outsider, 404)):
        login_as(client, person)
        assert client.get(f"/rooms/{room.id}", headers=EN).status_code == status, person.name
    login_as(client, member)
    assert "Workshop on port governance" in client.get("/rooms/", headers=EN).get_data(as_text=True)
    assert f'href="/events/{workshop.id}">Event page' in client.get(f"/rooms/{room.id}", headers=EN).get_data(
        as_text=True
    )
    assert f"/rooms/{room.id}" in client.get(f"/events/{workshop.id}", headers=EN).get_data(as_text=True)
    login_as(client, outsider)  # waiting for a place: no room yet
    assert f"/rooms/{room.id}" not in client.get(f"/events/{workshop.id}", headers=EN).get_data(as_text=True)


def test_the_organisers_moderate_the_room(workshop, member, coordinator):
    factories.EventRegistrationFactory(event=workshop, user=member)
    room = rooms.room_for_event(workshop)
    message, _created = rooms.post_message(member, room, "m-1", "Off topic")
    assert not security.can(member, "rooms.moderate", room)
    room_moderation.hide_message(coordinator, message)
    assert message.hidden_at is not None


def test_a_cancelled_events_room_keeps_its_history_and_takes_no_new_messages(workshop, member):
    factories.EventRegistrationFactory(event=workshop, user=member)
    room = rooms.room_for_event(workshop)
    rooms.post_message(member, room, "m-1", "See you in Callao")
    workshop.status = EventStatus.CANCELLED
    db.session.commit()
    assert not room.accepts_posts and security.can(member, "rooms.read", room)
    with pytest.raises(NotAllowed, match="read-only"):
        rooms.post_message(member, room, "m-2", "Pity")
    assert [m.body for m in rooms.history(member, room)] == ["See you in Callao"]
