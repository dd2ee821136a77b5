"""Governance bodies over HTTP: the public list, body pages for network members, the Secretariat's forms
for bodies (with the work plan) and seats."""

import io
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from ports_network.extensions import db
from ports_network.models import AuditEvent, Body, BodyKind, BodyStatus, Seat, SeatRole
from ports_network.models.base import utcnow
from tests import factories
from tests.conftest import login_as
from tests.file_samples import pdf_bytes

EN = {"Accept-Language": "en"}
TODAY = date.today()


def _page(client, path: str) -> tuple[int, str]:
    response = client.get(path, headers=EN)
    return response.status_code, response.get_data(as_text=True)


@pytest.fixture
def body():
    return factories.BodyFactory(
        name={"en": "Technical Committee on Operations", "es": "Comité Técnico de Operaciones"},
        mandate={"en": "Ship–port–land **synchronisation**."},
    )


@pytest.fixture
def closed_body():
    return factories.BodyFactory(name={"en": "Former steering committee"}, status=BodyStatus.CLOSED)


def body_form(**changes) -> dict:
    values = {
        "kind": "technical_committee",
        "name_en": "Technical Committee on Information Technology",
        "name_es": "Comité Técnico de Tecnologías de la Información",
        "mandate_en": "Port single window interoperability.",
        "term_start": "2026-01-01",
        "status": "active",
        "voting_rule": "simple_majority",
        "quorum_rule": "majority",
        "proxy_rule": "voting_member",
        "max_proxies": "1",
    }
    return values | changes


# --- who sees what ------------------------------------------------------------------------------------


def test_the_public_sees_active_bodies_names_and_mandates_only(client, body, closed_body):
    status, page = _page(client, "/committees/")
    assert status == 200
    assert "Technical Committee on Operations" in page
    assert "<strong>synchronisation</strong>" in page  # the mandate, rendered from markdown
    assert "Former steering committee" not in page
    assert f'href="/committees/{body.id}"' not in page  # no link to the members' page


def test_network_members_see_closed_bodies_and_links(client, member, body, closed_body):
    login_as(client, member)
    _, page = _page(client, "/committees/")
    assert "Former steering committee" in page and f'href="/committees/{body.id}"' in page


def test_a_body_page_asks_the_public_to_sign_in_and_refuses_outsiders(client, outsider, body, closed_body):
    response = client.get(f"/committees/{body.id}")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert client.get(f"/committees/{closed_body.id}").status_code == 404  # a closed body is not public
    login_as(client, outsider)
    assert client.get(f"/committees/{body.id}").status_code == 403


def test_a_member_reads_the_body_page_with_seats_held_today_and_sessions(client, member, coordinator, body):
    factories.SeatFactory(body=body, user=coordinator, role=SeatRole.CHAIR)
    factories.SeatFactory(
        body=body, user=factories.UserFactory(name="Former Member"), end_date=TODAY - timedelta(days=1)
    )
    factories.CommitteeSessionFactory(body=body, title="First ordinary session")
    login_as(client, member)
    status, page = _page(client, f"/committees/{body.id}")
    assert status == 200
    assert "Carla Coordinator" in page and "Chair" in page
    assert "Former Member" not in page
    assert "First ordinary session" in page
    assert "Schedule a session" not in page and "Manage seats" not in page


def test_the_nav_links_committees_for_network_members_only(client, member, outsider):
    assert "/committees/" not in _page(client, "/")[1]
    login_as(client, outsider)
    assert 'href="/committees/"' not in _page(client, "/")[1]
    login_as(client, member)
    assert 'href="/committees/"' in _page(client, "/")[1]


# --- the Secretariat's forms --------------------------------------------------------------------------


def test_the_secretariat_creates_a_body_with_its_work_plan(client, secretariat, member, outsider):
    login_as(client, secretariat)
    data = body_form(work_plan=(io.BytesIO(pdf_bytes()), "Plan de trabajo 2026.pdf"))
    response = client.post("/committees/new", data=data, headers=EN, content_type="multipart/form-data")
    assert response.status_code == 302
    body = db.session.scalars(sa.select(Body)).one()
    assert response.headers["Location"].endswith(f"/committees/{body.id}/seats")
    assert body.kind == BodyKind.TECHNICAL_COMMITTEE and body.name["es"].startswith("Comité Técnico")
    assert body.work_plan.original_name == "Plan de trabajo 2026.pdf"
    actions = set(db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.subject_type == "Body")))
    assert actions == {"committee.create", "committee.work_plan"}
    work_plan = f"/files/{body.work_plan.public_id}"
    login_as(client, member)
    assert client.get(work_plan).status_code == 200
    assert work_plan in _page(client, f"/committees/{body.id}")[1]
    login_as(client, outsider)
    assert client.get(work_plan).status_code == 404


def test_a_body_form_with_errors_is_sent_back_with_messages(client, secretariat):
    login_as(client, secretariat)
    response = client.post("/committees/new", data=body_form(name_en="", name_es=""), headers=EN)
    assert response.status_code == 422
    assert "Give the body a name in at least one language." in response.get_data(as_text=True)
    response = client.post("/committees/new", data=body_form(quorum_rule="fixed"), headers=EN)
    assert "Give the number of voting seats that make the quorum" in response.get_data(as_text=True)
    response = client.post("/committees/new", data=body_form(term_end="2025-01-01"), headers=EN)
    assert "The term cannot end before it starts." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Body.id))) == 0


def test_a_body_with_planned_sessions_cannot_be_closed(client, secretariat, body):
    factories.CommitteeSessionFactory(body=body)
    login_as(client, secretariat)
    form = body_form(
        status="closed", name_en="Technical Committee on Operations", term_start=str(body.term_start)
    )
    response = client.post(f"/committees/{body.id}/edit", data=form, headers=EN)
    assert response.status_code == 422
    assert "hold or cancel them before closing it" in response.get_data(as_text=True)


def test_editing_a_body_audits_what_changed(client, secretariat, body):
    login_as(client, secretariat)
    form = body_form(
        name_en="Operations Committee", name_es="", term_start=str(body.term_start), max_proxies="2"
    )
    assert client.post(f"/committees/{body.id}/edit", data=form).status_code == 302
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "committee.update")).one()
    assert event.new["name"] == {"en": "Operations Committee"} and event.new["max_proxies"] == 2


def test_the_secretariat_assigns_and_ends_seats(client, secretariat, coordinator, community):
    body = factories.BodyFactory()
    login_as(client, secretariat)
    form = {
        "user_id": coordinator.id,
        "community_id": community.id,
        "organisation_id": 0,
        "role": "chair",
        "start_date": TODAY.isoformat(),
    }
    response = client.post(f"/committees/{body.id}/seats", data=form, headers=EN)
    assert response.status_code == 302
    seat = db.session.scalars(sa.select(Seat)).one()
    assert (seat.user, seat.role, seat.community) == (coordinator, SeatRole.CHAIR, community)
    assert seat.organisation is not None  # the coordinator's organisation in that community
    form |= {"end_date": (TODAY + timedelta(days=90)).isoformat()}
    assert client.post(f"/committees/seats/{seat.id}/edit", data=form).status_code == 302
    assert seat.end_date == TODAY + timedelta(days=90)
    _, page = _page(client, f"/committees/{body.id}/seats")
    assert "Carla Coordinator" in page


def test_a_second_chair_is_refused_with_a_message_on_the_role(client, secretariat, coordinator, member):
    body = factories.BodyFactory()
    factories.SeatFactory(body=body, user=coordinator, role=SeatRole.CHAIR)
    login_as(client, secretariat)
    form = {
        "user_id": member.id,
        "community_id": 0,
        "organisation_id": 0,
        "role": "chair",
        "start_date": TODAY.isoformat(),
    }
    response = client.post(f"/committees/{body.id}/seats", data=form, headers=EN)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Carla Coordinator holds this role for part of these dates" in page
    assert 'id="role-errors"' in page


def test_only_the_secretariat_reaches_the_body_and_seat_forms(client, coordinator, body):
    factories.SeatFactory(body=body, user=coordinator, role=SeatRole.CHAIR)
    login_as(client, coordinator)
    for path in ("/committees/new", f"/committees/{body.id}/edit", f"/committees/{body.id}/seats"):
        assert client.get(path).status_code == 403


def test_forms_refuse_a_request_without_csrf_token(client, secretariat, body):
    login_as(client, secretariat)
    response = client.post("/committees/new", data=body_form(), csrf=False, headers=EN)
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(Body.id))) == 1


def test_closing_a_body_stamps_when(client, secretariat, body):
    login_as(client, secretariat)
    form = body_form(status="closed", name_en="Ops", term_start=str(body.term_start))
    assert client.post(f"/committees/{body.id}/edit", data=form).status_code == 302
    assert body.status == BodyStatus.CLOSED and body.closed_at <= utcnow()
