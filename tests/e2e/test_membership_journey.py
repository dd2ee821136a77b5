"""A newcomer registers, confirms the address, signs in, asks to join Callao; the coordinator approves;
the new member then finds people in the directory. Real server, real database, headless Chromium."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

NEWCOMER = {"name": "Diego Rivas", "email": "diego.rivas@example.org", "password": "a-long-passphrase-2026"}
COORDINATOR = {"email": "coordinator.callao@demo.puertos.example", "password": "puertos-demo-2026"}


def sign_in(page, base_url: str, email: str, password: str, button: str = "Sign in") -> None:
    page.goto(f"{base_url}/auth/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.get_by_role("button", name=button, exact=True).click()
    expect(page.locator("form[action='/auth/logout'] button")).to_be_visible()


def register_and_confirm(page, live_server) -> None:
    page.goto(f"{live_server.url}/auth/register")
    page.get_by_label("Your name").fill(NEWCOMER["name"])
    page.get_by_label("Email address").fill(NEWCOMER["email"])
    page.get_by_label(re.compile(r"^Password")).fill(NEWCOMER["password"])
    page.get_by_label("Preferred language").select_option("en")
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_text("Please confirm your email address.")).to_be_visible()

    link = re.search(r"http://\S+/auth/confirm/\S+", live_server.last_mail_to(NEWCOMER["email"])).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirm my address").click()
    expect(page.get_by_text("Please confirm your email address.")).to_have_count(0)


def request_to_join_callao(page, base_url: str) -> None:
    page.goto(f"{base_url}/communities/callao")
    page.get_by_role("button", name="Request to join").click()
    page.get_by_label("Your organisation").select_option(label="Autoridad Portuaria Nacional")
    page.get_by_label(re.compile("Why do you want to join")).fill("I run the port community system.")
    page.get_by_role("button", name="Send my request").click()
    expect(page.get_by_text("is waiting for a decision")).to_be_visible()


def coordinator_approves(page, base_url: str) -> None:
    """The coordinator works in Spanish, her preferred language."""
    sign_in(page, base_url, COORDINATOR["email"], COORDINATOR["password"], button="Iniciar sesión")
    page.goto(f"{base_url}/notifications/")
    expect(page.get_by_role("main")).to_contain_text(f"{NEWCOMER['name']} solicita incorporarse")
    page.goto(f"{base_url}/communities/callao/requests")
    request = page.get_by_role("article").filter(has_text=NEWCOMER["name"])
    request.get_by_label("Mensaje para la persona").fill("Bienvenido, Diego.")
    request.get_by_role("button", name="Aprobar").click()
    expect(page.get_by_role("article").filter(has_text=NEWCOMER["name"])).to_have_count(0)


def test_newcomer_joins_a_community_and_sees_the_directory(live_server, new_page):
    newcomer = new_page()
    register_and_confirm(newcomer, live_server)
    newcomer.get_by_role("button", name="Sign out").click()
    sign_in(newcomer, live_server.url, NEWCOMER["email"], NEWCOMER["password"])
    request_to_join_callao(newcomer, live_server.url)

    coordinator_approves(new_page(locale="es-PE"), live_server.url)

    newcomer.goto(f"{live_server.url}/notifications/")
    expect(newcomer.get_by_text("Your request to join")).to_be_visible()
    newcomer.goto(f"{live_server.url}/directory/")
    newcomer.get_by_label("Name, organisation or job title").fill("Quispe")
    newcomer.get_by_role("button", name="Search").click()
    expect(newcomer.get_by_role("main")).to_contain_text("Rosa Quispe")
    newcomer.goto(f"{live_server.url}/communities/callao/members")
    expect(newcomer.get_by_role("main")).to_contain_text(NEWCOMER["name"])
