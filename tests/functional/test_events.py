"""Events over HTTP: the public calendar and its filters, event pages, the .ics files and feed, the yearly
statistics; organisers create, change, publish and cancel events and keep the programme; drafts stay
private; bad input changes nothing and says why."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from ports_network.extensions import db
from ports_network.models import AuditEvent, Event, EventKind, EventSession, EventSpeaker, EventStatus, Room
from ports_network.models.base import utcnow
from tests import factories
from tests.conftest import login_as

EN = {"Accept-Language": "en"}


def event_form(community=None, **changes) -> dict:
    day = (utcnow() + timedelta(days=40)).date()
    values = {
        "kind": "workshop",
        "workshop_topic": "logistic_chain_management",
        "title_es": "Taller de gestión de la cadena logística portuaria",
        "format": "hybrid",
        "place": "Callao",
        "country_id": "0",
        "online_link": "https://meet.example.org/workshop",
        "time_zone": "America/Lima",
        "start_date": day.isoformat(),
        "start_time": "09:00",
        "end_date": day.isoformat(),
        "end_time": "17:00",
        "organisers": "Comunidad Logística Portuaria del Callao\nSELA",
        "partners": "CAF",
        "registration_open": "y",
        "capacity": "30",
        "waiting_list": "y",
    }
    if community is not None:
        values["community_ids"] = [str(community.id)]
    return values | changes


def event_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Event.id)))


@pytest.fixture
def workshop(community):
    return factories.EventFactory(
        kind=EventKind.WORKSHOP, communities=[community], title={"en": "Workshop on port governance"}
    )


def test_the_calendar_lists_upcoming_and_past_public_events_and_filters_them(
    client, community, other_community
):
    upcoming = factories.EventFactory(title={"en": "Seminar on port security"}, communities=[community])
    start = datetime(2017, 7, 26, 14, tzinfo=UTC)
    factories.EventFactory(
        kind=EventKind.REGIONAL_MEETING,
        title={"en": "II Regional Meeting"},
        starts_at=start,
        ends_at=start + timedelta(days=3),
        country=other_community.country,
    )
    factories.EventFactory(title={"en": "Secret draft"}, status=EventStatus.DRAFT, published_at=None)
    page = client.get("/events/", headers=EN).get_data(as_text=True)
    assert "Seminar on port security" in page and "II Regional Meeting" in page and "Secret draft" not in page
    assert (
        page.index("Seminar on port security") < page.index("Past events") < page.index("II Regional Meeting")
    )
    by_kind = client.get("/events/?kind=regional_meeting", headers=EN).get_data(as_text=True)
    assert "II Regional Meeting" in by_kind and "Seminar on port security" not in by_kind
    by_year = client.get("/events/?year=2017", headers=EN).get_data(as_text=True)
    assert "II Regional Meeting" in by_year and "Seminar on port security" not in by_year
    # A country matches where the event takes place and the communities it concerns.
    by_country = client.get(f"/events/?country={community.country_id}", headers=EN).get_data(as_text=True)
    assert "Seminar on port security" in by_country and "II Regional Meeting" not in by_country
    assert client.get("/events/?kind=nonsense&year=abc", headers=EN).status_code == 200
    assert f"/events/{upcoming.id}" in client.get("/", headers=EN).get_data(as_text=True)  # the home page


def test_a_draft_is_hidden_from_everyone_but_its_organisers(client, workshop, member, coordinator):
    workshop.status, workshop.published_at = EventStatus.DRAFT, None
    db.session.commit()
    assert client.get(f"/events/{workshop.id}").status_code == 404
    assert client.get(f"/events/{workshop.id}.ics").status_code == 404
    login_as(client, member)
    assert client.get(f"/events/{workshop.id}").status_code == 404
    login_as(client, coordinator)
    page = client.get(f"/events/{workshop.id}", headers=EN).get_data(as_text=True)
    assert "only its organisers see this event" in page


def test_the_event_page_shows_programme_speakers_outcomes_and_published_figures(client, workshop):
    factories.CountryFactory(alpha2="PE", sela_member=True)
    part = factories.EventSessionFactory(event=workshop, title="Port community systems")
    db.session.add(EventSpeaker(session=part, name="Ana Torres", affiliation="APN"))
    workshop.outcomes = {"en": "**Sixteen** recommendations"}
    workshop.declared_participants, workshop.declared_countries = 190, ["PE", "ES"]
    db.session.commit()
    page = client.get(f"/events/{workshop.id}", headers=EN).get_data(as_text=True)
    assert "Port community systems" in page and "Ana Torres, APN" in page
    assert "<strong>Sixteen</strong> recommendations" in page
    assert "190" in page and "SELA member states (1)" in page and "Spain" in page
    assert "Sign in to register" in page
    # The online link is for the people registered and the organisers only.
    assert "meet.example.org" not in page and "shown to registered participants" in page


def test_the_ics_download_and_the_feed_hold_the_public_events(client, workshop):
    draft = factories.EventFactory(status=EventStatus.DRAFT, published_at=None, title={"en": "Draft"})
    single = client.get(f"/events/{workshop.id}.ics", headers=EN)
    assert single.mimetype == "text/calendar"
    assert "attachment" in single.headers["Content-Disposition"]
    text = single.get_data(as_text=True)
    assert (
        "METHOD:PUBLISH" in text
        and f"UID:{workshop.ical_uid}" in text
        and "Workshop on port governance" in text
    )
    feed = client.get("/events.ics", headers=EN).get_data(as_text=True)
    assert f"UID:{workshop.ical_uid}" in feed and f"UID:{draft.ical_uid}" not in feed
    assert "X-WR-CALNAME:Events of the Network of Digital and Collaborative Ports" in feed.replace(
        "\r\n ", ""
    )


def test_the_statistics_page_shows_a_years_events_and_refuses_unknown_years(client):
    start = datetime(2024, 10, 16, 14, tzinfo=UTC)
    factories.EventFactory(
        title={"en": "VIII Regional Meeting"},
        starts_at=start,
        ends_at=start + timedelta(days=2),
        declared_participants=190,
    )
    page = client.get("/events/statistics", headers=EN).get_data(as_text=True)
    assert "Participation in events · 2024" in page and "VIII Regional Meeting" in page and "190" in page
    assert client.get("/events/statistics?year=1999").status_code == 404
    assert client.get("/events/statistics?year=x").status_code == 404


def test_the_secretariat_creates_a_draft_publishes_it_and_its_room_opens(client, secretariat, community):
    login_as(client, secretariat)
    response = client.post("/events/new", data=event_form(community), headers=EN)
    assert response.status_code == 302
    event = db.session.scalars(sa.select(Event)).one()
    assert event.status == EventStatus.DRAFT and [c.id for c in event.communities] == [community.id]
    assert client.post(f"/events/{event.id}/publish").status_code == 302
    assert db.session.get(Event, event.id).status == EventStatus.PUBLISHED
    room = db.session.scalars(sa.select(Room).where(Room.event_id == event.id)).one()
    assert f"/rooms/{room.id}" in client.get(f"/events/{event.id}", headers=EN).get_data(as_text=True)


def test_a_coordinator_may_not_create_a_workshop_of_another_community(client, coordinator, other_community):
    login_as(client, coordinator)
    response = client.post("/events/new", data=event_form(other_community), headers=EN)
    assert response.status_code == 422
    assert "is not a valid choice" in response.get_data(as_text=True)  # the form offers their own only
    assert event_count() == 0


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title_es": ""}, "Give the event a title in at least one language."),
        ({"end_date": "2020-01-01"}, "The event cannot end before it starts."),
        ({"format": "in_person", "place": ""}, "Say where the event takes place."),
        ({"online_link": "ftp://example.org"}, "Enter the link starting with https://."),
        ({"kind": "seminar"}, "Only workshops have a workshop topic."),
        ({"declared_countries": "PE, Peru"}, "is not an ISO 3166-1 alpha-2 country code"),
        ({"capacity": "0"}, "Give a number from 1 to 100000."),
    ],
)
def test_bad_input_changes_nothing_and_says_why(client, secretariat, community, changes, message):
    login_as(client, secretariat)
    response = client.post("/events/new", data=event_form(community, **changes), headers=EN)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert event_count() == 0


def test_members_cannot_create_or_change_events(client, member, workshop):
    login_as(client, member)
    assert client.get("/events/new").status_code == 403
    assert client.post(f"/events/{workshop.id}/edit", data=event_form()).status_code == 403
    assert client.post(f"/events/{workshop.id}/cancel", data={"reason": "No"}).status_code == 403
    assert db.session.get(Event, workshop.id).status == EventStatus.PUBLISHED


def test_a_state_change_without_csrf_token_is_refused(client, coordinator, workshop):
    login_as(client, coordinator)
    response = client.post(f"/events/{workshop.id}/cancel", data={"reason": "Storm"}, csrf=False)
    assert response.status_code == 400
    assert db.session.get(Event, workshop.id).status == EventStatus.PUBLISHED


def test_the_coordinator_changes_and_cancels_their_workshop_and_the_history_shows_it(
    client, coordinator, community, workshop
):
    login_as(client, coordinator)
    edit = client.get(f"/events/{workshop.id}/edit", headers=EN)
    assert edit.status_code == 200 and "Workshop on port governance" in edit.get_data(as_text=True)
    changed = event_form(community, title_en="Workshop on port governance, second edition", title_es="")
    assert client.post(f"/events/{workshop.id}/edit", data=changed).status_code == 302
    assert db.session.get(Event, workshop.id).title == {"en": "Workshop on port governance, second edition"}
    assert client.post(f"/events/{workshop.id}/cancel", data={"reason": ""}).status_code == 302
    assert db.session.get(Event, workshop.id).status == EventStatus.PUBLISHED  # a reason is required
    client.post(f"/events/{workshop.id}/cancel", data={"reason": "The port is closed that week."})
    assert db.session.get(Event, workshop.id).status == EventStatus.CANCELLED
    history = client.get(f"/events/{workshop.id}/history", headers=EN).get_data(as_text=True)
    assert (
        "Event changed" in history
        and "Event cancelled" in history
        and "The port is closed that week." in history
    )
    actions = set(
        db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.subject_id == workshop.id))
    )
    assert {"event.update", "event.cancel"} <= actions


def test_the_programme_is_kept_without_javascript(client, coordinator, workshop, member):
    login_as(client, coordinator)
    response = client.post(
        f"/events/{workshop.id}/programme", data={"title": "Opening", "description": "**Welcome**"}
    )
    assert response.status_code == 302
    part = db.session.scalars(sa.select(EventSession)).one()
    speaker = {"name": "Mara Member", "affiliation": "APN", "role": "moderator", "email": member.email}
    assert client.post(f"/events/programme/{part.id}/speakers", data=speaker).status_code == 302
    refused = client.post(
        f"/events/programme/{part.id}/speakers", data={"name": "X", "role": "speaker", "email": "no@one.org"}
    )
    assert refused.status_code == 422 and "No account has this address" in refused.get_data(as_text=True)
    page = client.get(f"/events/{workshop.id}", headers=EN).get_data(as_text=True)
    assert "<strong>Welcome</strong>" in page and "Mara Member, APN" in page and "(Moderator)" in page
    speaker_id = db.session.scalars(sa.select(EventSpeaker.id)).one()
    assert client.post(f"/events/speakers/{speaker_id}/remove").status_code == 302
    assert client.post(f"/events/programme/{part.id}/remove").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(EventSession.id))) == 0
