"""The events service: who creates and changes which events, what is checked before anything changes,
publishing (with its room), changing a published event (revised calendar entries) and cancelling it."""

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from ports_network.errors import DomainError, NotAllowed
from ports_network.extensions import db
from ports_network.models import (
    AuditEvent,
    Event,
    EventFormat,
    EventKind,
    EventStatus,
    Notification,
    OutboxMail,
    Room,
    RoomKind,
    WorkshopTopic,
)
from ports_network.models.base import utcnow
from ports_network.services import event_registrations, events, rooms
from ports_network.services.event_registrations import RegistrationData
from ports_network.services.events import EventData
from tests import factories


def event_data(**changes) -> EventData:
    day = (utcnow() + timedelta(days=40)).date()
    values = {
        "kind": EventKind.WORKSHOP,
        "workshop_topic": WorkshopTopic.LOGISTIC_CHAIN_MANAGEMENT,
        "title": {"es": "Taller de gestión de la cadena logística portuaria", "en": ""},
        "format": EventFormat.HYBRID,
        "place": "Callao",
        "online_link": "https://meet.example.org/workshop",
        "local_start": datetime.combine(day, datetime.min.time()).replace(hour=9),
        "local_end": datetime.combine(day, datetime.min.time()).replace(hour=17),
        "time_zone": "America/Lima",
        "organisers": ["Comunidad Logística Portuaria del Callao", "  "],
        "partners": ["CAF"],
        "registration_open": True,
        "capacity": 30,
        "registration_deadline": day - timedelta(days=2),
    }
    return EventData(**(values | changes))


def test_the_secretariat_creates_a_draft_with_times_in_utc_and_an_audit_record(secretariat, community):
    event = events.create(secretariat, event_data(community_ids=[community.id]))
    assert event.status == EventStatus.DRAFT and event.created_by_id == secretariat.id
    assert event.starts_at.hour == 14 and event.time_zone == "America/Lima"  # 09:00 in Lima is 14:00 UTC
    assert event.title == {"es": "Taller de gestión de la cadena logística portuaria"}
    assert [(p.role.value, p.name) for p in event.partners] == [
        ("organiser", "Comunidad Logística Portuaria del Callao"),
        ("partner", "CAF"),
    ]
    assert event.registration_deadline.date() == (event.starts_at - timedelta(days=1)).date()
    record = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "event.create")).one()
    assert record.subject_id == event.id and record.new["communities"] == [community.name]


def test_a_coordinator_creates_workshops_of_their_own_communities_only(
    coordinator, community, other_community
):
    event = events.create(coordinator, event_data(community_ids=[community.id]))
    assert [c.id for c in event.communities] == [community.id]
    with pytest.raises(DomainError) as elsewhere:
        events.create(coordinator, event_data(community_ids=[other_community.id]))
    assert elsewhere.value.field == "community_ids"
    with pytest.raises(DomainError) as nowhere:
        events.create(coordinator, event_data(community_ids=[]))
    assert nowhere.value.field == "community_ids"
    with pytest.raises(DomainError) as seminar:
        events.create(
            coordinator, event_data(kind=EventKind.SEMINAR, workshop_topic=None, community_ids=[community.id])
        )
    assert seminar.value.field == "kind"
    assert db.session.scalar(sa.select(sa.func.count(Event.id))) == 1


def test_members_and_people_signed_out_create_nothing(member, outsider):
    for person in (member, outsider):
        with pytest.raises(NotAllowed):
            events.create(person, event_data())
    assert db.session.scalar(sa.select(sa.func.count(Event.id))) == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": {"es": " ", "en": ""}}, "title_es"),
        ({"title": {"pt": "x" * 201}}, "title_pt"),
        ({"kind": EventKind.SEMINAR}, "workshop_topic"),
        ({"format": EventFormat.IN_PERSON, "place": ""}, "place"),
        ({"online_link": "javascript:alert(1)"}, "online_link"),
        ({"time_zone": "Europe/Madrid"}, "time_zone"),
        ({"local_start": None}, "start_date"),
        ({"local_end": datetime(2020, 1, 1, 9)}, "end_date"),
        ({"local_start": datetime(2026, 3, 8, 2, 30), "time_zone": "America/New_York"}, "start_date"),
        ({"capacity": 0}, "capacity"),
        ({"edition": 0}, "edition"),
        ({"declared_participants": -1}, "declared_participants"),
        ({"declared_countries": ["PE", "XX"]}, "declared_countries"),
        ({"organisers": ["x" * 201]}, "organisers"),
        ({"description": {"en": "x" * 10001}}, "description_en"),
    ],
)
def test_bad_input_is_refused_on_its_field_and_nothing_is_stored(secretariat, changes, field):
    with pytest.raises(DomainError) as refused:
        events.create(secretariat, event_data(**changes))
    assert refused.value.field == field
    assert db.session.scalar(sa.select(sa.func.count(Event.id))) == 0


def test_declared_countries_are_upper_case_iso_codes_each_once():
    assert events.declared_country_codes([" pe", "ES", "pe", ""]) == ["PE", "ES"]


def test_publishing_makes_the_event_public_and_opens_its_room(coordinator, community):
    event = events.create(coordinator, event_data(community_ids=[community.id]))
    assert db.session.scalar(sa.select(Room).where(Room.event_id == event.id)) is None
    events.publish(coordinator, event)
    assert event.status == EventStatus.PUBLISHED and event.is_public and event.published_at is not None
    room = db.session.scalars(sa.select(Room).where(Room.event_id == event.id)).one()
    assert room.kind == RoomKind.EVENT and rooms.title_of(room) == event.title_in("en")
    with pytest.raises(DomainError, match="Only a draft"):
        events.publish(coordinator, event)


def test_changing_the_time_of_a_published_event_sends_registrants_the_revised_entry(secretariat, member):
    event = factories.EventFactory()
    event_registrations.register(member, event, RegistrationData(factories.CountryFactory().id))
    day = (event.starts_at + timedelta(days=7)).date()
    later = datetime.combine(day, datetime.min.time()).replace(hour=10)
    events.update(
        secretariat,
        event,
        event_data(
            kind=EventKind.SEMINAR,
            workshop_topic=None,
            local_start=later,
            local_end=later + timedelta(hours=2),
        ),
    )
    assert event.ical_sequence == 1
    notice = db.session.scalars(sa.select(Notification).where(Notification.kind == "events.updated")).one()
    assert notice.user_id == member.id
    mail = db.session.scalars(sa.select(OutboxMail).order_by(OutboxMail.id.desc())).first()
    assert "SEQUENCE:1" in mail.attachment_body and "METHOD:REQUEST" in mail.attachment_body


def test_saving_unchanged_values_records_nothing(secretariat):
    event = events.create(secretariat, event_data())
    before = db.session.scalar(sa.select(sa.func.count(AuditEvent.id)))
    events.update(secretariat, event, event_data())
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id))) == before


def test_cancelling_needs_a_reason_tells_everyone_registered_or_waiting_and_closes_the_room(secretariat):
    event = factories.EventFactory(capacity=1)
    peru = factories.CountryFactory()
    registered, waiting = factories.UserFactory(), factories.UserFactory()
    for person in (registered, waiting):
        event_registrations.register(person, event, RegistrationData(peru.id))
    room = rooms.room_for_event(event)
    with pytest.raises(DomainError) as no_reason:
        events.cancel(secretariat, event, "  ")
    assert no_reason.value.field == "reason" and event.status == EventStatus.PUBLISHED
    events.cancel(secretariat, event, "The venue is closed.")
    assert event.status == EventStatus.CANCELLED and event.is_public
    told = db.session.scalars(sa.select(Notification.user_id).where(Notification.kind == "events.cancelled"))
    assert set(told) == {registered.id, waiting.id}
    db.session.refresh(room)
    assert not room.accepts_posts
    with pytest.raises(DomainError, match="cancelled"):
        events.update(secretariat, event, event_data())
