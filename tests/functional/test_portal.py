"""The public portal: home page, about page, language switcher, security headers, health check."""

from ports_network.extensions import db
from ports_network.models import CommunityStatus


def test_home_page_lists_live_communities_by_country(client, community, other_community):
    other_community.status = CommunityStatus.ARCHIVED
    db.session.commit()
    page = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Callao port logistics community" in page
    assert "Valparaíso port logistics community" not in page
    assert "Peru" in page


def test_pages_carry_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_language_switcher_changes_the_interface_language(client):
    client.post("/language", data={"locale": "pt", "next": "/about"})
    page = client.get("/about").get_data(as_text=True)
    assert '<html lang="pt"' in page


def test_language_switcher_ignores_an_external_next(client):
    response = client.post("/language", data={"locale": "en", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_language_switcher_requires_csrf(client):
    response = client.post("/language", data={"locale": "en"}, csrf=False)
    assert response.status_code == 400


def test_signed_in_language_choice_is_remembered_on_the_profile(client, member):
    from tests.conftest import login_as

    login_as(client, member)
    client.post("/language", data={"locale": "pt"})
    db.session.refresh(member)
    assert member.preferred_locale == "pt"


def test_browser_language_is_used_for_anonymous_visitors(client):
    page = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en"' in page


def test_spanish_is_the_default_language(client):
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="es"' in page


def test_health_check_reports_ok(client):
    assert client.get("/health").get_json() == {"status": "ok"}
