"""A member of Callao registers for the upcoming demo workshop and is told (in the platform, and by mail
with the calendar entry); the organiser, Callao's coordinator, records that they attended; the event page
and the year's statistics then count them. Real server, real database, headless Chromium, in Spanish (both
people's preferred language)."""

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from .test_membership_journey import sign_in

pytestmark = pytest.mark.e2e

PASSWORD = "puertos-demo-2026"
MEMBER = {"email": "member.callao@demo.puertos.example", "name": "Miguel Torres"}
COORDINATOR = "coordinator.callao@demo.puertos.example"
WORKSHOP = "Taller de gobernanza, cohesión, conexión y benchmark — Callao"


def calendar_attachment(live_server, recipient: str) -> str:
    """The calendar entry attached to the newest mail to a recipient."""
    with live_server.engine.connect() as connection:
        body = connection.execute(
            sa.text(
                "SELECT attachment_body FROM outbox_mail"
                " WHERE recipient = :r AND attachment_name IS NOT NULL ORDER BY id DESC LIMIT 1"
            ),
            {"r": recipient},
        ).scalar()
    assert body, f"no calendar entry mailed to {recipient}"
    return body


def member_registers(page, base_url: str) -> str:
    sign_in(page, base_url, MEMBER["email"], PASSWORD, button="Iniciar sesión")
    page.goto(f"{base_url}/events/")
    page.get_by_role("link", name=WORKSHOP).click()
    event_url = page.url
    page.get_by_role("button", name="Inscribirse en este evento").click()
    expect(page.get_by_label("País de donde viene")).to_have_value(re.compile(r"\d+"))  # proposed: Peru
    page.get_by_label("Género (opcional)").select_option(label="Prefiero no decirlo")
    page.get_by_role("button", name="Confirmar mi inscripción").click()
    expect(page.get_by_text("Está inscrito(a).").first).to_be_visible()
    return event_url


def member_is_told(page, base_url: str, live_server) -> None:
    page.goto(f"{base_url}/notifications/")
    expect(page.get_by_role("main")).to_contain_text(f"Está inscrito(a) en {WORKSHOP}")
    entry = calendar_attachment(live_server, MEMBER["email"]).replace("\r\n ", "")
    assert "METHOD:REQUEST" in entry and "meet.example.org/callao-governance-workshop" in entry


def coordinator_records_attendance(page, base_url: str, event_url: str) -> None:
    sign_in(page, base_url, COORDINATOR, PASSWORD, button="Iniciar sesión")
    page.goto(event_url)
    page.get_by_role("button", name="Inscripciones y asistencia").click()
    expect(page.get_by_role("main")).to_contain_text(MEMBER["name"])
    page.get_by_role("group", name=f"Asistencia de {MEMBER['name']}").get_by_label("Asistió").check()
    page.get_by_role("button", name="Guardar la asistencia").click()
    expect(page.get_by_text("Se registró 1 respuesta.")).to_be_visible()


def test_a_member_registers_and_the_organiser_records_attendance_that_the_statistics_count(
    live_server, new_page
):
    member = new_page(locale="es-PE")
    event_url = member_registers(member, live_server.url)
    member_is_told(member, live_server.url, live_server)

    coordinator = new_page(locale="es-PE")
    coordinator_records_attendance(coordinator, live_server.url, event_url)

    member.goto(event_url)
    figures = member.get_by_label("La participación en cifras")
    expect(figures).to_contain_text("4 personas inscritas")  # three seeded registrations and Miguel
    expect(figures).to_contain_text("1 asistieron")
    member.goto(f"{live_server.url}/events/statistics")
    row = member.get_by_role("row").filter(has_text=WORKSHOP)
    expect(row).to_contain_text("4")
    expect(row.get_by_role("cell").nth(5)).to_have_text("1")  # attended
