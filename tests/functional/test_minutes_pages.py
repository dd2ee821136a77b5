"""The minutes pages end to end through the test client: written from the session page, edited, diffed,
amended, approved, locked, downloaded as PDF and HTML; and the action items' follow-up pages."""

import io
import re
from datetime import timedelta

import pytest
from pypdf import PdfReader

from ports_network.extensions import db
from ports_network.models import ActionItemStatus, AmendmentStatus, MinutesStatus
from ports_network.models.base import utcnow
from ports_network.services import committee_minutes, minutes_amendments
from tests import factories
from tests.conftest import login_as
from tests.minutes_helpers import closed_meeting, later_approval_motion, ready_for_approval


@pytest.fixture
def meeting(coordinator, member, focal_point):
    return closed_meeting(coordinator, member, focal_point)


def _as(client, user):
    login_as(client, user)
    return client


def _approved(meeting, text="# Acta\n\nSe aprobó el plan de acción de São Paulo y Cartagena.\n"):
    minutes = factories.MinutesFactory(session=meeting.session, text=text, locale="es")
    ready_for_approval(minutes, meeting.chair)
    committee_minutes.approve_by_motion(minutes, later_approval_motion(meeting.session), meeting.chair)
    return minutes


def test_an_officer_writes_the_minutes_from_the_session_page_and_edits_them(client, meeting):
    _as(client, meeting.chair)
    page = client.get(f"/committees/sessions/{meeting.session.id}")
    assert b"Write the minutes from the session record" in page.data
    response = client.post(f"/committees/sessions/{meeting.session.id}/minutes")
    minutes = committee_minutes.of_session(meeting.session)
    assert response.status_code == 302 and response.location.endswith(f"/committees/minutes/{minutes.id}")
    shown = client.get(f"/committees/minutes/{minutes.id}").get_data(as_text=True)
    assert "The committee adopts the work plan 2026." in shown and "Draft" in shown
    form = client.get(f"/committees/minutes/{minutes.id}/edit")
    assert form.status_code == 200
    edited = client.post(
        f"/committees/minutes/{minutes.id}/edit",
        data={"text": minutes.current.text + "\nClosed at noon.\n", "note": "closing time", "based_on": 1},
    )
    assert edited.status_code == 302 and [v.number for v in minutes.versions] == [1, 2]
    stale = client.post(f"/committees/minutes/{minutes.id}/edit", data={"text": "Other", "based_on": 1})
    assert stale.status_code == 422 and b"Someone saved version 2" in stale.data


def test_the_diff_shows_added_and_removed_lines_escaped(client, meeting):
    minutes = factories.MinutesFactory(session=meeting.session, text="Line one\nLine two\n")
    committee_minutes.edit(meeting.chair, minutes, "Line one\n<script>alert(1)</script>\n", None, 1)
    page = _as(client, meeting.chair).get(f"/committees/minutes/{minutes.id}/diff?from=1&to=2")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<tr class="diff-removed">' in html and "<del>Line two</del>" in html
    assert "<ins>&lt;script&gt;alert(1)&lt;/script&gt;</ins>" in html and "<script>alert" not in html
    assert client.get(f"/committees/minutes/{minutes.id}/diff?from=1&to=9").status_code == 404


def test_amendments_go_from_the_attendee_to_the_secretary_and_back(client, meeting, app):
    minutes = factories.MinutesFactory(
        session=meeting.session, text="# Minutes\n\nThe session opened at ten.\n"
    )
    officer = app.test_client()
    _as(officer, meeting.chair)
    deadline = (utcnow() + timedelta(days=5)).date()
    response = officer.post(
        f"/committees/minutes/{minutes.id}/window",
        data={"close_date": deadline.isoformat(), "close_time": "18:00"},
    )
    assert (
        response.status_code == 302 and minutes.status == MinutesStatus.AMENDMENTS and minutes.window_open()
    )
    attendee = _as(client, meeting.attendee)
    assert b"Propose the amendment" in attendee.get(f"/committees/minutes/{minutes.id}").data
    attendee.post(
        f"/committees/minutes/{minutes.id}/amendments", data={"original": "at ten", "proposed": "at 10:30"}
    )
    attendee.post(f"/committees/minutes/{minutes.id}/amendments", data={"proposed": "Mention the rain."})
    first, second = minutes_amendments.of_minutes(minutes)
    assert (
        attendee.post(f"/committees/minutes/amendments/{first.id}/reject", data={"reason": "no"}).status_code
        == 403
    )
    form = officer.get(f"/committees/minutes/amendments/{first.id}/accept").get_data(as_text=True)
    assert "The session opened at 10:30." in form  # the change worked in where the passage was found
    officer.post(
        f"/committees/minutes/amendments/{first.id}/accept",
        data={"text": "# Minutes\n\nThe session opened at 10:30.\n", "based_on": 1},
    )
    officer.post(f"/committees/minutes/amendments/{second.id}/reject", data={"reason": "It did not rain."})
    db.session.expire_all()
    assert (first.status, second.status) == (AmendmentStatus.ACCEPTED, AmendmentStatus.REJECTED)
    assert minutes.current.text == "# Minutes\n\nThe session opened at 10:30.\n"


def test_the_secretary_records_the_approval_by_choosing_the_carried_motion_and_the_page_locks(
    client, meeting
):
    minutes = factories.MinutesFactory(session=meeting.session)
    ready_for_approval(minutes, meeting.chair)
    motion = later_approval_motion(meeting.session)
    _as(client, meeting.chair)
    page = client.get(f"/committees/minutes/{minutes.id}").get_data(as_text=True)
    assert f'<option value="{motion.id}">' in page and "Record the approval and lock" in page
    client.post(f"/committees/minutes/{minutes.id}/approve", data={"motion_id": motion.id})
    db.session.expire_all()
    assert minutes.status == MinutesStatus.APPROVED
    locked = client.get(f"/committees/minutes/{minutes.id}").get_data(as_text=True)
    assert minutes.content_hash in locked and "approved and locked" in locked
    assert "Edit the draft" not in locked
    assert client.get(f"/committees/minutes/{minutes.id}/edit").status_code == 403
    assert client.post(f"/committees/minutes/{minutes.id}/regenerate").status_code == 403


def test_approved_minutes_are_for_every_network_member_and_drafts_for_the_seat_holders(
    client, meeting, other_member
):
    draft = factories.MinutesFactory(session=factories.CommitteeSessionFactory(body=meeting.session.body))
    approved = _approved(meeting)
    _as(client, other_member)  # a member of another community, with no seat in the body
    assert client.get(f"/committees/minutes/{draft.id}").status_code == 403
    assert client.get(f"/committees/minutes/{approved.id}").status_code == 200
    body_page = client.get(f"/committees/{meeting.session.body_id}").get_data(as_text=True)
    assert (
        f"/committees/minutes/{approved.id}" in body_page
        and f"/committees/minutes/{draft.id}" not in body_page
    )


def test_the_pdf_download_has_the_text_with_its_accents_and_the_hash(client, other_member, meeting):
    minutes = _approved(meeting)
    response = _as(client, other_member).get(f"/committees/minutes/{minutes.id}/minutes.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["X-Content-SHA256"] == minutes.content_hash
    assert re.search(
        r'filename="minutes-\d+-\d{4}-\d\d-\d\d-[0-9a-f]{12}\.pdf"', response.headers["Content-Disposition"]
    )
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "Se aprobó el plan de acción de São Paulo y Cartagena." in text
    assert minutes.content_hash in text.replace("\n", "")
    assert "Comité de operaciones" in text  # the body, in the minutes' language


def test_the_html_download_is_a_standalone_document_with_the_sanitised_text_and_the_hash(
    client, other_member, meeting
):
    minutes = _approved(meeting, text="# Acta\n\nAprobado <script>alert(1)</script> por unanimidad.\n")
    response = _as(client, other_member).get(f"/committees/minutes/{minutes.id}/minutes.html")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "attachment;" in response.headers["Content-Disposition"]
    assert html.startswith("<!doctype html>") and '<html lang="es">' in html
    assert "<h1>Acta</h1>" in html and "&lt;script&gt;" in html and "<script>" not in html
    assert f"<code>{minutes.content_hash}</code>" in html


def test_drafts_cannot_be_downloaded(client, meeting):
    minutes = factories.MinutesFactory(session=meeting.session)
    _as(client, meeting.chair)
    assert client.get(f"/committees/minutes/{minutes.id}/minutes.pdf").status_code == 403
    assert client.get(f"/committees/minutes/{minutes.id}/minutes.html").status_code == 403


def test_an_action_is_added_from_a_decision_on_the_session_page_and_its_owner_updates_it(
    client, app, meeting
):
    officer = _as(app.test_client(), meeting.chair)
    page = officer.get(f"/committees/sessions/{meeting.session.id}").get_data(as_text=True)
    query = f"session_id={meeting.session.id}&amp;motion_id={meeting.named.id}"
    link = f"/committees/{meeting.session.body_id}/action-items/new?{query}"
    assert link in page
    due = (utcnow() + timedelta(days=10)).date().isoformat()
    response = officer.post(
        link.replace("&amp;", "&"),
        data={
            "title": "Send the plan",
            "owner_id": meeting.attendee.id,
            "due_date": due,
            "community_id": 0,
            "indicator_code": "",
        },
    )
    assert response.status_code == 302
    item_path = response.location
    owner = _as(client, meeting.attendee)
    assert b"Send the plan" in owner.get("/action-items/").data
    owner.post(item_path + "/status", data={"status": "done", "note": "Sent by mail"})
    shown = owner.get(item_path).get_data(as_text=True)
    assert "Sent by mail" in shown and ">Done<" in shown


def test_follow_up_pages_highlight_overdue_actions_and_show_the_on_time_share(
    client, coordinator, community, meeting
):
    late = factories.ActionItemFactory(
        body=meeting.session.body,
        owner=coordinator,
        community=community,
        due_date=utcnow().date() - timedelta(days=3),
    )
    factories.ActionItemFactory(
        body=meeting.session.body,
        owner=coordinator,
        community=community,
        due_date=utcnow().date() - timedelta(days=5),
        status=ActionItemStatus.DONE,
        completed_on=utcnow().date() - timedelta(days=6),
    )
    _as(client, coordinator)
    page = client.get(f"/communities/{community.slug}/action-items?status=overdue").get_data(as_text=True)
    assert '<tr class="overdue">' in page and late.title in page
    assert "50 %" in page and "1 of 2" in page
    body_page = client.get(f"/committees/{meeting.session.body_id}/action-items?status=done").get_data(
        as_text=True
    )
    assert late.title not in body_page
    scorecard = client.get(f"/results/communities/{community.slug}/scorecard").get_data(as_text=True)
    assert "Action items closed on time (computed by the platform)" in scorecard and "50 %" in scorecard
