"""The live session over HTTP, as it runs without JavaScript: the chair's console forms, the attendees' page
(rendered from the database, so a reload shows the same state), motions and votes, and who may do what."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from ports_network.extensions import db
from ports_network.models import (
    AuditEvent,
    Motion,
    MotionStatus,
    Notification,
    SessionStatus,
)
from ports_network.models.base import utcnow
from tests.conftest import login_as

EN = {"Accept-Language": "en"}


def live_page(client, session) -> str:
    response = client.get(f"/committees/sessions/{session.id}/live", headers=EN)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def post(client, path, data=None, **kwargs):
    return client.post(path, data=data or {}, headers=EN, follow_redirects=True, **kwargs)


def test_the_chair_runs_a_session_from_the_console_without_javascript(
    client, convened, coordinator, focal_point, member
):
    login_as(client, coordinator)
    base = f"/committees/sessions/{convened.id}"
    assert "Open the session" in live_page(client, convened)
    assert "The session is open." in post(client, f"{base}/open").get_data(as_text=True)
    for person, status in ((coordinator, "present"), (focal_point, "remote"), (member, "absent")):
        holder = coordinator.id if person is member else ""
        response = post(
            client, f"{base}/roll-call", {"person_id": person.id, "status": status, "proxy_holder_id": holder}
        )
        assert "The roll call was recorded." in response.get_data(as_text=True)
    page = live_page(client, convened)
    assert "3 of 3 voting seats represented (2 required)" in page and "Quorum reached" in page
    assert f"proxy with {coordinator.name}" in page
    post(client, f"{base}/current-item", {"item_id": convened.items[1].id})
    assert '<dd id="live-current-item">2. Work plan 2026</dd>' in live_page(client, convened)

    post(
        client,
        f"{base}/motions",
        {"text": "Adopt the **work plan**.", "mover_id": focal_point.id, "seconder_id": 0},
    )
    motion = db.session.scalars(sa.select(Motion)).one()
    assert motion.agenda_item_id == convened.items[1].id
    post(client, f"/committees/motions/{motion.id}/open-vote", {"method": "named"})
    response = post(client, f"/committees/motions/{motion.id}/vote", {"choice": "yes"})
    assert "Your vote is recorded." in response.get_data(as_text=True)

    login_as(client, focal_point)
    response = post(client, f"/committees/motions/{motion.id}/vote", {"choice": "no"})
    page = response.get_data(as_text=True)
    assert "Carried: yes 2, no 1, abstentions 0" in page  # the chair's proxy weighs: 2 against 1
    assert f"{coordinator.name}: Yes (weight 2)" in page and f"{focal_point.name}: No" in page
    assert "Carried: yes 2, no 1, abstentions 0" in live_page(client, convened)  # a reload shows the same

    login_as(client, coordinator)
    assert "The session is closed." in post(client, f"{base}/close").get_data(as_text=True)
    assert convened.status == SessionStatus.CLOSED
    actions = set(db.session.scalars(sa.select(AuditEvent.action)))
    assert {
        "committee_session.open",
        "committee_attendance.record",
        "motion.ballot",
        "motion.close",
    } <= actions


def test_attendees_see_the_live_state_without_the_console(client, live, focal_point, validator):
    for person in (focal_point, validator):
        login_as(client, person)
        page = live_page(client, live)
        assert "Adoption of the agenda" in page and "Roll call" in page
        assert "Close the session" not in page and "Record a motion" not in page
        assert 'name="person_id"' not in page  # no roll-call forms
        assert "Ask for the floor" in page


def test_a_person_without_a_seat_gets_403_and_people_signed_out_are_sent_to_sign_in(
    client, live, other_member
):
    login_as(client, other_member)
    assert client.get(f"/committees/sessions/{live.id}/live").status_code == 403
    client.post("/auth/logout")
    response = client.get(f"/committees/sessions/{live.id}/live")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_a_member_cannot_drive_the_console(client, live, focal_point, member):
    login_as(client, focal_point)
    response = client.post(
        f"/committees/sessions/{live.id}/roll-call", data={"person_id": member.id, "status": "present"}
    )
    assert response.status_code == 403
    assert client.post(f"/committees/sessions/{live.id}/close").status_code == 403
    assert live.status == SessionStatus.IN_PROGRESS


def test_console_forms_need_the_csrf_token(client, live, coordinator):
    login_as(client, coordinator)
    response = client.post(f"/committees/sessions/{live.id}/close", csrf=False)
    assert response.status_code == 400
    assert live.status == SessionStatus.IN_PROGRESS


def test_the_speakers_queue_without_javascript(client, live, coordinator, focal_point):
    login_as(client, focal_point)
    assert "You are in the speakers&#39; queue." in post(
        client, f"/committees/sessions/{live.id}/floor"
    ).get_data(as_text=True)
    assert "Leave the queue" in live_page(client, live)
    login_as(client, coordinator)
    post(client, f"/committees/sessions/{live.id}/floor/next")
    assert f"{focal_point.name} · Has the floor" in live_page(client, live)


def test_a_refusal_is_shown_and_changes_nothing(client, live, coordinator, member):
    login_as(client, coordinator)
    response = post(
        client,
        f"/committees/sessions/{live.id}/roll-call",
        {"person_id": member.id, "status": "present", "proxy_holder_id": coordinator.id},
    )
    assert "A member who attends votes in person" in response.get_data(as_text=True)
    assert "Not recorded yet" in live_page(client, live)


@pytest.fixture
def between(client, live_body, coordinator):
    """A secret ballot put to the members by the chair through the form."""
    login_as(client, coordinator)
    closes = utcnow() + timedelta(days=3)
    data = {
        "text": "Approve the budget.",
        "mover_id": 0,
        "seconder_id": 0,
        "method": "secret",
        "closes_date": closes.date().isoformat(),
        "closes_time": "12:00",
        "required_turnout": "",
    }
    response = client.post(f"/committees/{live_body.id}/motions/new", data=data, headers=EN)
    assert response.status_code == 303
    return db.session.scalars(sa.select(Motion)).one()


def test_members_vote_between_sessions_on_the_motion_page(client, between, focal_point, validator):
    assert between.status == MotionStatus.VOTING and between.required_turnout == 2
    login_as(client, focal_point)
    listing = client.get("/committees/votes", headers=EN).get_data(as_text=True)
    assert "Approve the budget." in listing and "your vote is awaited" in listing
    page = post(client, f"/committees/motions/{between.id}/vote", {"choice": "no"}).get_data(as_text=True)
    assert "Your vote is recorded. It is secret" in page and "your vote is awaited" not in page
    assert ">No<" not in page.split("Your vote is recorded.")[1][:200]
    assert "you have voted" in client.get("/committees/votes", headers=EN).get_data(as_text=True)
    login_as(client, validator)  # the observer sees the vote but does not vote
    page = post(client, f"/committees/motions/{between.id}/vote", {"choice": "yes"}).get_data(as_text=True)
    assert "You cannot vote on this motion." in page
    assert (
        db.session.scalar(
            sa.select(sa.func.count(Notification.id)).where(Notification.kind == "committees.vote_opened")
        )
        == 3
    )


def test_the_put_to_members_form_shows_what_is_wrong(client, live_body, coordinator):
    login_as(client, coordinator)
    data = {"text": "", "method": "named", "closes_date": utcnow().date().isoformat(), "closes_time": "00:00"}
    response = client.post(f"/committees/{live_body.id}/motions/new", data=data, headers=EN)
    assert response.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count(Motion.id))) == 0


def test_a_motion_of_a_closed_session_is_put_to_the_members(client, live, coordinator):
    login_as(client, coordinator)
    post(
        client,
        f"/committees/sessions/{live.id}/motions",
        {"text": "Left for later.", "mover_id": 0, "seconder_id": 0},
    )
    motion = db.session.scalars(sa.select(Motion)).one()
    post(client, f"/committees/sessions/{live.id}/close")
    assert "Put to the members between sessions" in client.get(
        f"/committees/motions/{motion.id}", headers=EN
    ).get_data(as_text=True)
    closes = utcnow() + timedelta(days=5)
    data = {"method": "named", "closes_date": closes.date().isoformat(), "closes_time": "09:30"}
    response = client.post(f"/committees/motions/{motion.id}/between-sessions", data=data, headers=EN)
    assert response.status_code == 303
    assert motion.status == MotionStatus.VOTING and motion.between_sessions
