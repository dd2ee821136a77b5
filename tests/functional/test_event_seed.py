"""`flask seed demo` adds the network's events from the documents (with their published figures), the SELA
member states, and an upcoming Callao workshop open for registration; a second run changes nothing."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from ports_network.extensions import db
from ports_network.models import Country, Event, EventKind, EventStatus, Room, RoomKind, User, WorkshopTopic
from ports_network.models.base import utcnow
from ports_network.services import countries, event_registrations, seed_index
from ports_network.services.event_seed import seed_uid


@pytest.fixture(autouse=True)
def _without_the_index_demo(monkeypatch):
    """The index's demo data (data call, peer groups) is not what these tests are about."""
    monkeypatch.setattr(seed_index, "seed_index_demo", lambda: 0)


@pytest.fixture
def seeded(app):
    result = app.test_cli_runner().invoke(args=["seed", "demo"])
    assert result.exit_code == 0, result.output


def by_key(key: str) -> Event:
    return db.session.scalars(sa.select(Event).where(Event.ical_uid == seed_uid(key))).one()


@pytest.mark.usefixtures("seeded")
def test_the_25_sela_member_states_are_flagged_and_costa_rica_and_jamaica_are_not():
    members = set(db.session.scalars(sa.select(Country.alpha2).where(Country.sela_member.is_(True))))
    assert members == set(countries.SELA_MEMBER_STATES) and len(members) == 25
    others = set(db.session.scalars(sa.select(Country.alpha2).where(Country.sela_member.is_(False))))
    assert others == {"CR", "JM"}


@pytest.mark.usefixtures("seeded")
def test_the_regional_meetings_of_the_documents_are_seeded_with_their_figures():
    cartagena = by_key("ii-regional-meeting-2017")
    assert cartagena.edition == 2 and cartagena.place == "Cartagena de Indias"
    assert cartagena.starts_at.date() == datetime(2017, 7, 26, tzinfo=UTC).date()
    assert cartagena.ends_at.date() == datetime(2017, 7, 29, tzinfo=UTC).date()
    assert by_key("iii-regional-meeting-2018").starts_at.year == 2018
    veracruz = by_key("viii-regional-meeting-2024")
    assert veracruz.declared_participants == 190 and len(veracruz.declared_countries) == 21
    assert [c.slug for c in veracruz.communities] == ["veracruz"] and len(veracruz.sessions) == 6
    assert {p.name for p in veracruz.partners} >= {"Municipio de Veracruz"}
    seminar = by_key("seminar-2024-digital-transformation")
    assert seminar.declared_participants == 183 and len(seminar.declared_countries) == 21
    assert by_key("seminar-2024-women-security").starts_at.date().isoformat() == "2024-05-16"
    webinars = db.session.scalars(sa.select(Event).where(Event.kind == EventKind.WEBINAR)).all()
    assert len(webinars) == 4 and {w.starts_at.year for w in webinars} == {2020}


@pytest.mark.usefixtures("seeded")
def test_the_six_phase_iii_diagnosis_workshops_fall_in_the_phase_window():
    workshops = db.session.scalars(
        sa.select(Event).where(Event.workshop_topic == WorkshopTopic.STRATEGIC_DIAGNOSIS)
    ).all()
    slugs = {community.slug for workshop in workshops for community in workshop.communities}
    assert slugs == {
        "lazaro-cardenas",
        "kingston",
        "point-lisas",
        "barranquilla",
        "buenos-aires",
        "santa-catarina",
    }
    window = (datetime(2017, 8, 1, tzinfo=UTC), datetime(2018, 8, 31, tzinfo=UTC))
    assert all(window[0] <= workshop.starts_at <= window[1] for workshop in workshops)


@pytest.mark.usefixtures("seeded")
def test_the_upcoming_callao_workshop_takes_registrations_and_every_public_event_has_its_room():
    workshop = by_key("callao-governance-workshop")
    assert workshop.status == EventStatus.PUBLISHED and workshop.starts_at > utcnow()
    assert workshop.created_by.email == "coordinator.callao@demo.puertos.example"
    member = db.session.scalars(
        sa.select(User).where(User.email == "member.callao@demo.puertos.example")
    ).one()
    availability = event_registrations.availability(member, workshop)
    assert availability.may_register and availability.places_left == 22
    assert [len(part.speakers) for part in workshop.sessions] == [1, 1, 1]
    event_rooms = db.session.scalar(sa.select(sa.func.count(Room.id)).where(Room.kind == RoomKind.EVENT))
    assert event_rooms == db.session.scalar(sa.select(sa.func.count(Event.id)))


def test_seeding_twice_changes_nothing(app, seeded):
    counted = db.session.scalar(sa.select(sa.func.count(Event.id)))
    result = app.test_cli_runner().invoke(args=["seed", "demo"])
    assert result.exit_code == 0
    assert db.session.scalar(sa.select(sa.func.count(Event.id))) == counted == 16
