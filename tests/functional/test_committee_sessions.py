"""Sessions over HTTP: the chair schedules, builds the agenda and convenes (notices and mail with the
calendar invitation for every seat holder); the board pack is for seat holders; revisions and cancellations
send revised invitations."""

import io
from datetime import timedelta

import pytest
import sqlalchemy as sa

from ports_network.extensions import db
from ports_network.models import (
    AgendaItem,
    AgendaItemKind,
    AuditEvent,
    CommitteeSession,
    Notification,
    OutboxMail,
    SeatRole,
    SessionStatus,
)
from ports_network.models.base import utcnow
from tests import factories
from tests.conftest import login_as
from tests.file_samples import pdf_bytes

EN = {"Accept-Language": "en"}


@pytest.fixture
def body(coordinator, focal_point, validator):
    """A committee chaired by the coordinator, with the focal point as member and the validator observing."""
    body = factories.BodyFactory(name={"en": "Transitional Directive Committee"})
    factories.SeatFactory(body=body, user=coordinator, role=SeatRole.CHAIR)
    factories.SeatFactory(body=body, user=focal_point, role=SeatRole.MEMBER)
    factories.SeatFactory(body=body, user=validator, role=SeatRole.OBSERVER)
    return body


@pytest.fixture
def meeting(body):
    session = factories.CommitteeSessionFactory(body=body, title="First ordinary session")
    factories.AgendaItemFactory(session=session, position=1, title="Adoption of the agenda")
    return session


def session_form(**changes) -> dict:
    start = utcnow() + timedelta(days=20)
    values = {
        "title": "Second ordinary session",
        "kind": "hybrid",
        "start_date": start.date().isoformat(),
        "start_time": "10:00",
        "time_zone": "America/Lima",
        "duration_minutes": "90",
        "place": "Autoridad Portuaria Nacional, Callao",
        "link": "https://meet.example.org/tdc",
        "quorum_rule": "",
    }
    return values | changes


def convened_mail(person) -> OutboxMail:
    return db.session.scalars(sa.select(OutboxMail).where(OutboxMail.recipient == person.email)).one()


def test_the_chair_schedules_builds_the_agenda_and_convenes_every_seat_holder(
    client, body, coordinator, focal_point, validator
):
    login_as(client, coordinator)
    response = client.post(f"/committees/{body.id}/sessions/new", data=session_form(), headers=EN)
    assert response.status_code == 302
    meeting = db.session.scalars(sa.select(CommitteeSession)).one()
    assert response.headers["Location"].endswith(f"/committees/sessions/{meeting.id}/agenda")
    assert meeting.starts_at.hour == 15 and meeting.time_zone == "America/Lima"  # 10:00 in Lima is 15:00 UTC

    agenda = f"/committees/sessions/{meeting.id}/agenda"
    item = {"title": "Work plans of the committees", "kind": "deliberation", "presenter_id": focal_point.id}
    assert client.post(agenda, data=item | {"time_box_minutes": "30"}).status_code == 302
    assert (
        client.post(
            agenda,
            data={"title": "Formal constitution of the Network", "kind": "decision", "presenter_id": 0},
        ).status_code
        == 302
    )
    first, second = meeting.items
    upload = {f"i{first.id}-document": (io.BytesIO(pdf_bytes()), "Work plans.pdf")}
    response = client.post(
        f"/committees/agenda/{first.id}/documents", data=upload, content_type="multipart/form-data"
    )
    assert response.status_code == 302
    assert [d.original_name for d in first.documents] == ["Work plans.pdf"]
    assert client.post(f"/committees/agenda/{second.id}/move", data={"step": "-1"}).status_code == 302
    db.session.expire_all()
    assert [i.title for i in meeting.items] == [
        "Formal constitution of the Network",
        "Work plans of the committees",
    ]

    response = client.post(f"/committees/sessions/{meeting.id}/convene", headers=EN, follow_redirects=True)
    assert "3 people were convened." in response.get_data(as_text=True)
    assert meeting.status == SessionStatus.CONVENED and meeting.convened_at is not None
    for person in (coordinator, focal_point, validator):
        notice = db.session.scalars(sa.select(Notification).where(Notification.user_id == person.id)).one()
        assert notice.kind == "committees.session_convened"
        assert notice.link == f"/committees/sessions/{meeting.id}"
        mail = convened_mail(person)
        assert "You are convened to Second ordinary session of Transitional Directive Committee" in mail.body
        assert mail.attachment_type == "text/calendar" and mail.attachment_name == f"session-{meeting.id}.ics"
        ics = mail.attachment_body.replace("\r\n ", "")
        assert "METHOD:REQUEST" in ics and f"UID:{meeting.ical_uid}" in ics
        assert f'ATTENDEE;CN="{person.name}";' in ics and f":mailto:{person.email}" in ics
        assert f"DTSTART:{meeting.starts_at:%Y%m%dT%H%M%S}Z" in ics
        assert "1. Formal constitution of the Network" in ics.replace("\\n", "\n")
    actions = list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions[-6:] == [
        "committee_session.schedule",
        "agenda_item.add",
        "agenda_item.add",
        "agenda_item.attach",
        "agenda_item.move",
        "committee_session.convene",
    ]


def test_the_board_pack_shows_times_agenda_documents_and_quorum(client, meeting, focal_point):
    meeting.items[0].kind = AgendaItemKind.DECISION
    meeting.items[0].presenter = focal_point
    meeting.items[0].time_box_minutes = 15
    db.session.commit()
    login_as(client, focal_point)
    response = client.get(f"/committees/sessions/{meeting.id}", headers=EN)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Adoption of the agenda" in page and "Decision" in page and "presented by Fabio Focal" in page
    assert "15 minutes" in page
    assert "(America/Lima)" in page and " UTC" in page and "data-viewer-time" in page
    assert (
        "2 voting seats must be represented" in page and "not reached" in page
    )  # majority of chair + member
    assert "Download invitation (.ics)" in page
    assert "Convene</button>" not in page  # a member does not run the session


def test_a_seat_holder_downloads_the_invitation(client, meeting, validator):
    login_as(client, validator)
    response = client.get(f"/committees/sessions/{meeting.id}/invite.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert response.headers["Content-Disposition"] == f'attachment; filename="session-{meeting.id}.ics"'
    text = response.get_data(as_text=True)
    assert text.startswith("BEGIN:VCALENDAR\r\n") and "METHOD:PUBLISH" in text
    assert "SUMMARY:Transitional Directive Committee: First ordinary session" in text


def test_someone_without_a_seat_gets_403_on_the_session_pages(client, meeting, member, outsider):
    pages = [
        f"/committees/sessions/{meeting.id}",
        f"/committees/sessions/{meeting.id}/invite.ics",
        f"/committees/sessions/{meeting.id}/agenda",
    ]
    for person in (member, outsider):
        login_as(client, person)
        assert [client.get(path).status_code for path in pages] == [403, 403, 403]
    client.post("/auth/logout")
    assert client.get(pages[0]).status_code == 302  # to the sign-in page


def test_a_seat_holder_who_does_not_run_the_session_cannot_convene_or_edit(client, meeting, focal_point):
    login_as(client, focal_point)
    assert client.post(f"/committees/sessions/{meeting.id}/convene").status_code == 403
    assert client.get(f"/committees/sessions/{meeting.id}/edit").status_code == 403
    assert client.post(f"/committees/agenda/{meeting.items[0].id}/remove").status_code == 403
    assert meeting.status == SessionStatus.SCHEDULED


def test_board_pack_documents_are_served_to_seat_holders_only(
    client, meeting, coordinator, focal_point, member
):
    login_as(client, coordinator)
    item = meeting.items[0]
    upload = {f"i{item.id}-document": (io.BytesIO(pdf_bytes()), "Report.pdf")}
    client.post(f"/committees/agenda/{item.id}/documents", data=upload, content_type="multipart/form-data")
    path = f"/files/{item.documents[0].public_id}"
    login_as(client, focal_point)
    assert client.get(path).status_code == 200
    login_as(client, member)
    assert client.get(path).status_code == 404


def test_the_session_form_explains_bad_input(client, body, coordinator):
    login_as(client, coordinator)
    url = f"/committees/{body.id}/sessions/new"
    cases = [
        (session_form(kind="online", link=""), "Give the link to join the session online."),
        (session_form(kind="in_person", place=""), "Say where the session takes place."),
        (session_form(link="javascript:alert(1)"), "Enter the meeting link starting with https://."),
        (
            session_form(start_date=(utcnow() - timedelta(days=2)).date().isoformat()),
            "The session must start in the future.",
        ),
        (session_form(time_zone="Europe/Madrid"), "Not a valid choice"),
        (
            session_form(start_date="2030-09-08", start_time="00:30", time_zone="America/Santiago"),
            "does not exist in this time zone",
        ),
        (session_form(duration_minutes="0"), "Give a duration between 5 minutes and 24 hours."),
        (session_form(quorum_rule="fixed"), "Give the number of voting seats that make the quorum"),
    ]
    for data, message in cases:
        response = client.post(url, data=data, headers=EN)
        assert response.status_code == 422, message
        assert message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(CommitteeSession.id))) == 0


def test_a_session_is_convened_only_with_an_agenda(client, body, coordinator):
    empty = factories.CommitteeSessionFactory(body=body)
    login_as(client, coordinator)
    response = client.post(f"/committees/sessions/{empty.id}/convene", headers=EN, follow_redirects=True)
    assert "Add at least one agenda item before convening the session." in response.get_data(as_text=True)
    assert empty.status == SessionStatus.SCHEDULED
    assert db.session.scalar(sa.select(sa.func.count(OutboxMail.id))) == 0


def test_moving_a_convened_session_sends_a_revised_invitation(client, meeting, coordinator, focal_point):
    login_as(client, coordinator)
    client.post(f"/committees/sessions/{meeting.id}/convene")
    db.session.execute(sa.delete(OutboxMail))
    db.session.commit()
    form = session_form(title=meeting.title, kind="online", place="", start_time="11:30")
    assert client.post(f"/committees/sessions/{meeting.id}/edit", data=form).status_code == 302
    assert meeting.ical_sequence == 1 and meeting.starts_at.strftime("%H:%M") == "16:30"
    ics = convened_mail(focal_point).attachment_body
    assert "SEQUENCE:1" in ics and "METHOD:REQUEST" in ics and "DTSTART:" in ics
    notice = db.session.scalars(
        sa.select(Notification).where(
            Notification.user_id == focal_point.id, Notification.kind == "committees.session_updated"
        )
    ).one()
    assert notice.params["session"] == meeting.title


def test_cancelling_a_convened_session_tells_everyone(client, meeting, coordinator, focal_point):
    login_as(client, coordinator)
    client.post(f"/committees/sessions/{meeting.id}/convene")
    response = client.post(
        f"/committees/sessions/{meeting.id}/cancel", data={"reason": "Postponed, see the new date"}
    )
    assert response.status_code == 302
    assert (
        meeting.status == SessionStatus.CANCELLED and meeting.cancel_reason == "Postponed, see the new date"
    )
    mails = db.session.scalars(sa.select(OutboxMail).where(OutboxMail.recipient == focal_point.email)).all()
    cancel = mails[-1].attachment_body
    assert "METHOD:CANCEL" in cancel and "STATUS:CANCELLED" in cancel and "SEQUENCE:1" in cancel
    assert client.post(f"/committees/sessions/{meeting.id}/convene").status_code == 302
    assert meeting.status == SessionStatus.CANCELLED


def test_cancelling_needs_a_reason(client, meeting, coordinator):
    login_as(client, coordinator)
    response = client.post(
        f"/committees/sessions/{meeting.id}/cancel", data={"reason": " "}, headers=EN, follow_redirects=True
    )
    assert "Say why the session is cancelled." in response.get_data(as_text=True)
    assert meeting.status == SessionStatus.SCHEDULED


def test_the_agenda_editor_changes_and_removes_items(client, meeting, coordinator, focal_point):
    login_as(client, coordinator)
    item = meeting.items[0]
    form = {
        "title": "Adoption of the agenda and of the minutes",
        "kind": "decision",
        "presenter_id": focal_point.id,
        "time_box_minutes": "10",
    }
    assert client.post(f"/committees/agenda/{item.id}/edit", data=form).status_code == 302
    assert (item.title, item.kind, item.presenter, item.time_box_minutes) == (
        form["title"],
        AgendaItemKind.DECISION,
        focal_point,
        10,
    )
    page = client.get(f"/committees/sessions/{meeting.id}/agenda", headers=EN).get_data(as_text=True)
    assert (
        "Adoption of the agenda and of the minutes" in page and "Up" not in page
    )  # a single item moves nowhere
    assert client.post(f"/committees/agenda/{item.id}/remove").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(AgendaItem.id))) == 0


def test_the_agenda_form_explains_bad_input(client, meeting, coordinator, member):
    login_as(client, coordinator)
    url = f"/committees/sessions/{meeting.id}/agenda"
    response = client.post(
        url, data={"title": "Item", "kind": "information", "presenter_id": member.id}, headers=EN
    )
    assert response.status_code == 422  # not among the choices: the member holds no seat
    response = client.post(
        url,
        data={"title": "Item", "kind": "information", "presenter_id": 0, "time_box_minutes": "999"},
        headers=EN,
    )
    assert "Give a time box between 1 and 480 minutes." in response.get_data(as_text=True)


def test_the_secretariat_runs_any_session(client, meeting, secretariat):
    login_as(client, secretariat)
    assert client.get(f"/committees/sessions/{meeting.id}").status_code == 200
    client.post(f"/committees/sessions/{meeting.id}/convene")
    assert meeting.status == SessionStatus.CONVENED


def test_session_actions_refuse_a_request_without_csrf_token(client, meeting, coordinator):
    login_as(client, coordinator)
    response = client.post(f"/committees/sessions/{meeting.id}/convene", csrf=False, headers=EN)
    assert response.status_code == 400
    assert meeting.status == SessionStatus.SCHEDULED
