"""Who sees and who organises which event: `can(user, "events.view" / "events.manage", event)` and the SQL
builder `events_visible_to(user)` agree for every persona and kind of event."""

import pytest
import sqlalchemy as sa
from flask_login import AnonymousUserMixin

from ports_network import security
from ports_network.extensions import db
from ports_network.models import Event, EventKind, EventStatus, Room
from ports_network.models.base import utcnow
from ports_network.services import rooms
from tests import factories


@pytest.fixture
def personas(outsider, member, other_member, coordinator, secretariat):
    return {
        "anonymous": AnonymousUserMixin(),
        "outsider": outsider,
        "member": member,
        "other_member": other_member,
        "coordinator": coordinator,
        "secretariat": secretariat,
    }


@pytest.fixture
def every_kind(community, other_community):
    """Published, cancelled after publication, cancelled as a draft and draft events; workshops of the
    personas' community and of another; a seminar concerning the community."""
    made = {}
    for name, kind, where in (
        ("workshop", EventKind.WORKSHOP, community),
        ("other_workshop", EventKind.WORKSHOP, other_community),
        ("seminar", EventKind.SEMINAR, community),
    ):
        made[f"published_{name}"] = factories.EventFactory(kind=kind, communities=[where])
        made[f"draft_{name}"] = factories.EventFactory(
            kind=kind, communities=[where], status=EventStatus.DRAFT, published_at=None
        )
        made[f"cancelled_{name}"] = factories.EventFactory(
            kind=kind, communities=[where], status=EventStatus.CANCELLED, cancelled_at=utcnow()
        )
        made[f"cancelled_draft_{name}"] = factories.EventFactory(
            kind=kind, communities=[where], status=EventStatus.CANCELLED, published_at=None
        )
    return made


def test_view_predicate_and_sql_builder_agree_for_every_persona(personas, every_kind):
    everything = list(every_kind.values())
    seen = {}
    for name, person in personas.items():
        expected = {event.id for event in everything if security.can(person, "events.view", event)}
        listed = set(db.session.scalars(sa.select(Event.id).where(security.events_visible_to(person))))
        assert listed == expected, name
        seen[name] = listed
    public = {event.id for key, event in every_kind.items() if "draft" not in key}
    assert seen["anonymous"] == seen["member"] == seen["outsider"] == public
    assert seen["coordinator"] == public | {
        every_kind["draft_workshop"].id,
        every_kind["cancelled_draft_workshop"].id,
    }
    assert seen["secretariat"] == {event.id for event in everything}


def test_coordinators_organise_the_workshops_of_their_communities_and_the_secretariat_everything(
    personas, every_kind
):
    managed = {
        name: {key for key, event in every_kind.items() if security.can(person, "events.manage", event)}
        for name, person in personas.items()
    }
    assert managed["coordinator"] == {
        key for key in every_kind if key.endswith("_workshop") and "other" not in key
    }
    assert managed["secretariat"] == set(every_kind)
    assert managed["member"] == managed["anonymous"] == managed["other_member"] == set()
    assert security.can(personas["coordinator"], "events.create")
    assert not security.can(personas["member"], "events.create")


def test_only_signed_in_people_may_register_for_a_published_event_open_for_registration(personas, every_kind):
    published = every_kind["published_seminar"]
    assert security.can(personas["outsider"], "events.register", published)
    assert not security.can(personas["anonymous"], "events.register", published)
    assert not security.can(personas["member"], "events.register", every_kind["cancelled_seminar"])
    published.registration_open = False
    assert not security.can(personas["member"], "events.register", published)


def test_event_rooms_are_listed_for_exactly_those_who_may_read_them(personas, every_kind):
    for event in every_kind.values():
        if event.status != EventStatus.DRAFT:
            rooms.room_for_event(event)
    factories.EventRegistrationFactory(event=every_kind["published_seminar"], user=personas["member"])
    every_room = db.session.scalars(sa.select(Room)).all()
    for name, person in personas.items():
        listed = set(db.session.scalars(sa.select(Room.id).where(security.rooms_visible_to(person))))
        assert listed == {room.id for room in every_room if security.can(person, "rooms.read", room)}, name
