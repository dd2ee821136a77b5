"""Registering over HTTP: people signed out are sent to sign in and back; members register, get the notice
and the mail with the calendar entry, cancel; a full event offers its waiting list; the organisers list the
registrations, record attendance and download the list (never anyone's gender)."""

import csv
import io

import pytest
import sqlalchemy as sa

from ports_network.extensions import db
from ports_network.models import (
    AuditEvent,
    EventAttendance,
    EventKind,
    EventRegistration,
    Gender,
    Notification,
    OutboxMail,
    RegistrationStatus,
)
from tests import factories
from tests.conftest import login_as

EN = {"Accept-Language": "en"}


@pytest.fixture
def workshop(community):
    return factories.EventFactory(
        kind=EventKind.WORKSHOP,
        communities=[community],
        title={"en": "Workshop on port governance"},
        capacity=2,
    )


def registration(person, event) -> EventRegistration | None:
    return db.session.scalar(
        sa.select(EventRegistration).where(
            EventRegistration.event_id == event.id, EventRegistration.user_id == person.id
        )
    )


def form(country, **changes) -> dict:
    values = {
        "country_id": str(country.id),
        "organisation_name": "Autoridad Portuaria Nacional",
        "stakeholder_type": "port_authority",
        "gender": "",
    }
    return values | changes


def test_people_signed_out_are_asked_to_sign_in_and_come_back_to_register(client, workshop):
    response = client.get(f"/events/{workshop.id}/register")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/auth/login?next=/events/{workshop.id}/register"
    assert client.post(f"/events/{workshop.id}/register", data={}).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(EventRegistration.id))) == 0


def test_a_member_registers_with_the_proposed_answers_and_gets_a_notice_and_the_calendar_entry(
    client, member, community, workshop
):
    login_as(client, member)
    page = client.get(f"/events/{workshop.id}/register", headers=EN).get_data(as_text=True)
    assert "the organisers do not see your answer" in page
    assert f'<option selected value="{community.country_id}">' in page  # their community's country, proposed
    response = client.post(f"/events/{workshop.id}/register", data=form(community.country, gender="woman"))
    assert response.status_code == 302
    row = registration(member, workshop)
    assert row.status == RegistrationStatus.REGISTERED and row.gender == Gender.WOMAN
    notice = db.session.scalars(sa.select(Notification).where(Notification.user_id == member.id)).one()
    assert notice.kind == "events.registered" and notice.link == f"/events/{workshop.id}"
    mail = db.session.scalars(sa.select(OutboxMail).where(OutboxMail.recipient == member.email)).one()
    assert "You are registered for Workshop on port governance" in mail.body
    assert "BEGIN:VEVENT" in mail.attachment_body and "meet.example.org" in mail.attachment_body
    shown = client.get(f"/events/{workshop.id}", headers=EN).get_data(as_text=True)
    assert "You are registered." in shown and "https://meet.example.org/seminar" in shown


def test_a_registration_without_a_country_changes_nothing_and_says_why(client, member, community, workshop):
    login_as(client, member)
    response = client.post(
        f"/events/{workshop.id}/register", data=form(community.country, country_id="0"), headers=EN
    )
    assert response.status_code == 422
    assert "Choose the country you come from." in response.get_data(as_text=True)
    assert registration(member, workshop) is None


def test_a_full_event_offers_its_waiting_list_and_a_cancelled_place_moves_it(
    client, member, coordinator, focal_point, workshop
):
    community = workshop.communities[0]
    for person in (coordinator, focal_point):
        login_as(client, person)
        client.post(f"/events/{workshop.id}/register", data=form(community.country))
    login_as(client, member)
    page = client.get(f"/events/{workshop.id}", headers=EN).get_data(as_text=True)
    assert "Join the waiting list" in page
    client.post(f"/events/{workshop.id}/register", data=form(community.country))
    assert registration(member, workshop).status == RegistrationStatus.WAITLISTED
    assert "You are number 1 on the waiting list." in client.get(
        f"/events/{workshop.id}", headers=EN
    ).get_data(as_text=True)
    login_as(client, focal_point)
    assert client.post(f"/events/{workshop.id}/registration/cancel").status_code == 302
    assert registration(focal_point, workshop).status == RegistrationStatus.CANCELLED
    assert registration(member, workshop).status == RegistrationStatus.REGISTERED


def test_without_a_waiting_list_a_full_event_says_so(client, member, outsider, community, workshop):
    workshop.capacity, workshop.waiting_list = 1, False
    db.session.commit()
    factories.EventRegistrationFactory(event=workshop, user=outsider)
    login_as(client, member)
    page = client.get(f"/events/{workshop.id}", headers=EN).get_data(as_text=True)
    assert "This event is full." in page
    response = client.get(f"/events/{workshop.id}/register", headers=EN)
    assert response.status_code == 302 and registration(member, workshop) is None


def test_the_organiser_records_attendance_and_downloads_the_list_without_gender(
    client, coordinator, member, focal_point, workshop
):
    came = factories.EventRegistrationFactory(
        event=workshop, user=member, gender=Gender.WOMAN, organisation_name="=HYPERLINK()"
    )
    absent = factories.EventRegistrationFactory(event=workshop, user=focal_point, gender=Gender.MAN)
    login_as(client, coordinator)
    page = client.get(f"/events/{workshop.id}/registrations", headers=EN).get_data(as_text=True)
    assert member.name in page and "Woman" not in page
    marks = {f"attendance-{came.id}": "attended", f"attendance-{absent.id}": "absent"}
    assert client.post(f"/events/{workshop.id}/registrations", data=marks).status_code == 302
    db.session.refresh(came)
    assert came.attendance == EventAttendance.ATTENDED and came.attendance_recorded_by_id == coordinator.id
    record = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "event.attendance")).one()
    assert record.new == {"attended": 1, "absent": 1}

    download = client.get(f"/events/{workshop.id}/registrations.csv", headers=EN)
    assert download.mimetype == "text/csv" and download.headers["Cache-Control"] == "private, no-store"
    rows = list(csv.DictReader(io.StringIO(download.get_data(as_text=True))))
    assert [row["name"] for row in rows] == [member.name, focal_point.name]
    assert rows[0]["attendance"] == "Attended" and rows[0]["organisation"] == "'=HYPERLINK()"
    assert "gender" not in rows[0] and "Woman" not in download.get_data(as_text=True)
    statistics = client.get(f"/events/{workshop.id}", headers=EN).get_data(as_text=True)
    assert "Not shown: fewer than five people answered." in statistics


def test_attendance_is_refused_for_people_waiting_and_for_malformed_answers(
    client, coordinator, member, workshop
):
    waiting = factories.EventRegistrationFactory(
        event=workshop, user=member, status=RegistrationStatus.WAITLISTED
    )
    login_as(client, coordinator)
    waiting_marked = client.post(
        f"/events/{workshop.id}/registrations", data={f"attendance-{waiting.id}": "attended"}, headers=EN
    )
    assert waiting_marked.status_code == 422
    assert "only be recorded for people holding a place" in waiting_marked.get_data(as_text=True)
    malformed = client.post(
        f"/events/{workshop.id}/registrations", data={"attendance-x": "attended"}, headers=EN
    )
    assert "Choose attended, absent or nothing for each person." in malformed.get_data(as_text=True)
    db.session.refresh(waiting)
    assert waiting.attendance is None


def test_only_the_organisers_see_the_registrations(client, member, other_member, workshop):
    for person in (member, other_member):
        login_as(client, person)
        assert client.get(f"/events/{workshop.id}/registrations").status_code == 403
        assert client.get(f"/events/{workshop.id}/registrations.csv").status_code == 403
