"""A network member registers for the Callao workshop; its organiser (the Callao coordinator) uploads the
slides of a session, then a corrected version that replaces them behind the same link while the first stays
downloadable; the member finds them by searching, without accents, a word that is only inside the PDF.
Real server, real database, headless Chromium. Selectors use form names, so the interface language of the
demo accounts does not matter."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from ports_network.services.event_seed import seed_uid
from ports_network.services.material_seed import simple_pdf

pytestmark = pytest.mark.e2e

PASSWORD = "puertos-demo-2026"
# Not member.callao: test_event_registration.py registers that account for the same workshop on the shared
# server. A member of Cartagena may register too, and sees members-only material.
MEMBER = "validator.cartagena@demo.puertos.example"
ORGANISER = "coordinator.callao@demo.puertos.example"
TITLE = "Gobernanza de la comunidad: láminas del taller"
FIRST = simple_pdf(TITLE, "Borrador de las láminas.")
SECOND = simple_pdf(TITLE, "Versión corregida: sincronización buque-puerto-tierra.")


def sign_in(page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/auth/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("form[action='/auth/logout'] button")).to_be_visible()


def workshop_ids(live_server) -> tuple[int, int]:
    """The seeded Callao workshop and its first programme session."""
    with live_server.engine.connect() as connection:
        event_id = connection.execute(
            sa.text("SELECT id FROM event WHERE ical_uid = :uid"),
            {"uid": seed_uid("callao-governance-workshop")},
        ).scalar_one()
        session_id = connection.execute(
            sa.text("SELECT id FROM event_session WHERE event_id = :e ORDER BY position LIMIT 1"),
            {"e": event_id},
        ).scalar_one()
    return event_id, session_id


def member_registers(page, live_server, event_id: int) -> None:
    sign_in(page, live_server.url, MEMBER)
    page.goto(f"{live_server.url}/events/{event_id}")
    page.locator(f"a[href='/events/{event_id}/register']").click()
    page.locator("main form button[type=submit]").click()
    expect(page.locator(f"form[action='/events/{event_id}/registration/cancel']")).to_be_visible()
    with live_server.engine.connect() as connection:
        status = connection.execute(
            sa.text(
                "SELECT r.status FROM event_registration r JOIN user_account u ON u.id = r.user_id "
                "WHERE r.event_id = :e AND u.email = :m"
            ),
            {"e": event_id, "m": MEMBER},
        ).scalar_one()
    assert status == "registered"


def organiser_uploads_slides(page, live_server, event_id: int, session_id: int) -> str:
    """Returns the material's page address."""
    sign_in(page, live_server.url, ORGANISER)
    page.goto(f"{live_server.url}/events/{event_id}")
    page.locator(f"a[href='/materials/new?event={event_id}']").click()
    page.locator("select[name=event_session_id]").select_option(str(session_id))
    page.locator("select[name=kind]").select_option("presentation")
    page.locator("select[name=access]").select_option("members")
    page.locator("input[name=title]").fill(TITLE)
    page.locator("input[name=file]").set_input_files(
        {"name": "laminas.pdf", "mimeType": "application/pdf", "buffer": FIRST}
    )
    page.locator("main form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text(TITLE)
    return page.url


def organiser_replaces_them(page, material_url: str) -> None:
    page.goto(material_url)
    page.locator("a[href*='/versions/new']").click()
    page.locator("input[name=note]").fill("Láminas corregidas después de la sesión")
    page.locator("input[name=file]").set_input_files(
        {"name": "laminas-v2.pdf", "mimeType": "application/pdf", "buffer": SECOND}
    )
    page.locator("main form button[type=submit]").click()
    expect(page.locator("table")).to_contain_text("Láminas corregidas después de la sesión")


def test_member_finds_the_new_version_of_the_workshop_slides_behind_the_same_link(live_server, new_page):
    event_id, session_id = workshop_ids(live_server)
    member = new_page()
    member_registers(member, live_server, event_id)

    organiser = new_page()
    material_url = organiser_uploads_slides(organiser, live_server, event_id, session_id)
    permalink = material_url.split("?")[0] + "/file"
    assert organiser.request.get(permalink).body() == FIRST
    organiser_replaces_them(organiser, material_url)

    assert member.request.get(permalink).body() == SECOND  # the same link, the newest version
    assert member.request.get(material_url.split("?")[0] + "/es/v1").body() == FIRST  # the first one stays
    member.goto(f"{live_server.url}/materials/")
    member.locator("input[name=q]").fill("sincronizacion")  # typed without the accent of the PDF's word
    member.locator("form[role=search] button[type=submit]").click()
    member.get_by_role("link", name=TITLE).click()
    expect(member.locator("h1")).to_have_text(TITLE)
    download = member.request.get(member.url.split("?")[0] + "/file")
    assert download.body() == SECOND
    assert download.headers["content-disposition"].startswith("attachment")
