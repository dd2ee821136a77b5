"""The Secretariat's administration: guards, the five entity screens, outbox and audit log, through HTTP."""

import io
import json
import re
from datetime import date

import pytest
import sqlalchemy as sa
from flask_babel import force_locale, gettext
from PIL import Image

from ports_network.extensions import db
from ports_network.models import (
    AuditEvent,
    CommunityRole,
    CommunityStatus,
    Country,
    MailStatus,
    Membership,
    MembershipStatus,
    Organisation,
    OutboxMail,
    Port,
    PortCommunity,
    User,
)
from ports_network.models.base import utcnow
from tests import factories
from tests.conftest import login_as


@pytest.fixture
def admin_client(client, secretariat):
    login_as(client, secretariat)
    return client


def audit_actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


def assert_refused(response, message: str, model: type | None = None) -> None:
    """The form came back (422) showing the message, and no row of `model` was saved."""
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    if model is not None:
        assert db.session.scalar(sa.select(sa.func.count(model.id))) == 0


def admin_rules(app):
    return sorted(
        (rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("admin.")),
        key=lambda r: r.rule,
    )


def _path(rule) -> str:
    return (
        rule.rule.replace("<int:item_id>", "1")
        .replace("<int:user_id>", "1")
        .replace("<int:community_id>", "1")
        .replace("<int:organisation_id>", "1")
        .replace("<int:message_id>", "1")
    )


def _method(rule) -> str:
    return "GET" if "GET" in rule.methods else "POST"


# ---------------------------------------------------------------------------------------------- guards


def test_every_admin_view_declares_its_guard(app):
    for rule in admin_rules(app):
        view = app.view_functions[rule.endpoint]
        assert getattr(view, "required_action", None) in {"admin.access", "mail.view_outbox"}, rule.rule


def test_anonymous_visitor_is_sent_to_sign_in_from_every_admin_page(app, client):
    for rule in admin_rules(app):
        response = client.open(_path(rule), method=_method(rule))
        assert response.status_code == 302, rule.rule
        assert "/auth/login" in response.headers["Location"], rule.rule


def test_member_gets_403_on_every_admin_page(app, client, member):
    login_as(client, member)
    for rule in admin_rules(app):
        assert client.open(_path(rule), method=_method(rule)).status_code == 403, rule.rule


def test_coordinator_gets_403_on_the_dashboard(client, coordinator):
    login_as(client, coordinator)
    assert client.get("/admin/").status_code == 403


def test_secretariat_opens_every_list_page(admin_client, community):
    for path in (
        "/admin/",
        "/admin/countries/",
        "/admin/ports/",
        "/admin/communities/",
        "/admin/organisations/",
        "/admin/users/",
        "/admin/outbox",
        "/admin/audit",
    ):
        assert admin_client.get(path).status_code == 200, path


def test_admin_post_without_csrf_is_refused(admin_client):
    response = admin_client.post("/admin/countries/new", data={"alpha2": "BR"}, csrf=False)
    assert response.status_code == 400
    assert db.session.scalar(sa.select(Country).filter_by(alpha2="BR")) is None


# ---------------------------------------------------------------------------------------------- dashboard


def test_dashboard_counts_what_the_network_holds(admin_client, community, member):
    db.session.add(OutboxMail(recipient="a@example.org", subject="s", body="b", status=MailStatus.FAILED))
    db.session.commit()
    page = admin_client.get("/admin/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "<strong>1</strong> community" in page
    assert "<strong>1</strong> port" in page
    assert "<strong>2</strong> people" in page  # the member and the secretariat
    assert "1 message that could not be sent" in page


# ---------------------------------------------------------------------------------------------- countries


def test_secretariat_adds_a_country_by_iso_code_with_alpha3_from_pycountry(admin_client, secretariat):
    secretariat.preferred_locale = "pt"
    db.session.commit()
    response = admin_client.post("/admin/countries/new", data={"alpha2": "br", "sela_member": "y"})
    assert response.status_code == 302
    country = db.session.scalar(sa.select(Country).filter_by(alpha2="BR"))
    assert country.alpha3 == "BRA" and country.sela_member
    assert audit_actions() == ["country.create"]
    assert "Brasil" in admin_client.get("/admin/countries/").get_data(as_text=True)


def test_unknown_iso_code_is_shown_on_the_field_and_adds_nothing(admin_client):
    response = admin_client.post("/admin/countries/new", data={"alpha2": "XQ"})
    assert_refused(response, "is not an ISO 3166-1 alpha-2 country code", Country)
    assert audit_actions() == []


def test_a_country_cannot_be_added_twice(admin_client):
    factories.CountryFactory(alpha2="PE")
    response = admin_client.post("/admin/countries/new", data={"alpha2": "PE"})
    assert_refused(response, "already in the network")


def test_secretariat_edits_sela_membership_and_it_is_audited(admin_client):
    country = factories.CountryFactory(alpha2="PE", sela_member=True)
    response = admin_client.post(f"/admin/countries/{country.id}/edit", data={})
    assert response.status_code == 302
    assert country.sela_member is False
    event = db.session.scalar(sa.select(AuditEvent).filter_by(action="country.update"))
    assert (event.old, event.new) == ({"sela_member": True}, {"sela_member": False})


def test_country_edit_form_is_prefilled(admin_client):
    country = factories.CountryFactory(alpha2="PE", sela_member=True)
    page = admin_client.get(f"/admin/countries/{country.id}/edit", headers={"Accept-Language": "en"})
    assert "Peru" in page.get_data(as_text=True)
    assert "checked" in page.get_data(as_text=True)


def test_archived_country_can_be_restored(admin_client):
    country = factories.CountryFactory(alpha2="PE")
    assert admin_client.post(f"/admin/countries/{country.id}/archive").status_code == 302
    assert country.archived is True
    admin_client.post(f"/admin/countries/{country.id}/restore")
    assert country.archived is False
    assert audit_actions() == ["country.archive", "country.restore"]


def test_editing_a_missing_country_is_404(admin_client):
    assert admin_client.get("/admin/countries/999/edit").status_code == 404


# ---------------------------------------------------------------------------------------------- ports


def port_form(country, **overrides):
    data = {
        "name": "Callao",
        "unlocode": "PECLL",
        "country_id": str(country.id),
        "latitude": "-12.05",
        "longitude": "-77.15",
    }
    return {**data, **overrides}


def test_secretariat_adds_a_port(admin_client):
    peru = factories.CountryFactory(alpha2="PE")
    response = admin_client.post("/admin/ports/new", data=port_form(peru, unlocode="pe cll"))
    assert response.status_code == 302
    port = db.session.scalar(sa.select(Port))
    assert (port.unlocode, port.country_id, port.latitude) == ("PECLL", peru.id, -12.05)
    assert audit_actions() == ["port.create"]


@pytest.mark.parametrize("code", ["PECL", "PECLLX", "PEC1L", "PE-LL"])
def test_malformed_unlocode_is_refused_with_a_clear_message(admin_client, code):
    peru = factories.CountryFactory(alpha2="PE")
    response = admin_client.post("/admin/ports/new", data=port_form(peru, unlocode=code))
    assert_refused(response, "exactly 5 characters", Port)


def test_unlocode_must_start_with_the_selected_countrys_code(admin_client):
    peru = factories.CountryFactory(alpha2="PE")
    response = admin_client.post("/admin/ports/new", data=port_form(peru, unlocode="CLVAP"))
    assert_refused(response, "starts with CL, but the port&#39;s country has the code PE", Port)


def test_duplicate_unlocode_is_refused(admin_client):
    existing = factories.PortFactory(unlocode="PECLL")
    response = admin_client.post("/admin/ports/new", data=port_form(existing.country))
    assert_refused(response, "already has the UN/LOCODE PECLL")


def test_latitude_out_of_range_is_refused(admin_client):
    peru = factories.CountryFactory(alpha2="PE")
    response = admin_client.post("/admin/ports/new", data=port_form(peru, latitude="91"))
    assert_refused(response, "from -90 to 90", Port)


def test_editing_a_port_keeps_its_own_unlocode_and_audits_the_change(admin_client):
    port = factories.PortFactory(unlocode="PECLL", name="Callao")
    response = admin_client.post(
        f"/admin/ports/{port.id}/edit", data=port_form(port.country, name="El Callao")
    )
    assert response.status_code == 302
    assert port.name == "El Callao"
    event = db.session.scalar(sa.select(AuditEvent).filter_by(action="port.update"))
    assert event.old["name"] == "Callao" and event.new["name"] == "El Callao"


def test_bad_edit_changes_nothing(admin_client):
    port = factories.PortFactory(unlocode="PECLL", name="Callao")
    response = admin_client.post(
        f"/admin/ports/{port.id}/edit", data=port_form(port.country, name="Renamed", unlocode="CLVAP")
    )
    assert response.status_code == 422
    assert (port.name, port.unlocode) == ("Callao", "PECLL")
    assert audit_actions() == []


def test_port_list_filters_by_country(admin_client):
    factories.PortFactory(name="Callao harbour", country=factories.CountryFactory(alpha2="PE"))
    chile = factories.CountryFactory(alpha2="CL")
    factories.PortFactory(name="Valparaíso harbour", country=chile)
    page = admin_client.get(f"/admin/ports/?country_id={chile.id}").get_data(as_text=True)
    assert "Valparaíso harbour" in page and "Callao harbour" not in page


def test_archiving_a_port_is_audited(admin_client):
    port = factories.PortFactory()
    admin_client.post(f"/admin/ports/{port.id}/archive")
    assert port.archived is True
    assert audit_actions() == ["port.archive"]


# ---------------------------------------------------------------------------------------------- communities


def community_form(country, port, **overrides):
    data = {
        "name": "Paita port logistics community",
        "slug": "paita",
        "country_id": str(country.id),
        "port_ids": [str(port.id)],
        "phase": "III",
        "joined_year": "2017",
        "status": "active",
        "support_stage": "strategic_planning",
        "mou_signed": "y",
        "mou_signed_on": "2018-03-01",
        "mou_signatory": "Port authority of Paita",
        "description_es": "Comunidad de Paita",
        "description_en": "Paita community",
        "description_pt": "",
    }
    return {**data, **overrides}


def test_secretariat_creates_a_community_with_ports_and_descriptions(admin_client):
    port = factories.PortFactory(name="Paita")
    response = admin_client.post("/admin/communities/new", data=community_form(port.country, port))
    assert response.status_code == 302
    community = db.session.scalar(sa.select(PortCommunity).filter_by(slug="paita"))
    assert [p.id for p in community.ports] == [port.id]
    assert community.mou_signed_on == date(2018, 3, 1)
    assert community.description == {"es": "Comunidad de Paita", "en": "Paita community"}
    assert "community.create" in audit_actions()


def test_community_edit_form_shows_its_ports_and_descriptions(admin_client, community):
    page = admin_client.get(f"/admin/communities/{community.id}/edit").get_data(as_text=True)
    assert "A port logistics community." in page
    assert f'<option selected value="{community.ports[0].id}">' in page


def test_community_service_errors_are_shown_on_the_form(admin_client, community):
    port = community.ports[0]
    response = admin_client.post(
        "/admin/communities/new", data=community_form(port.country, port, slug="callao")
    )
    assert_refused(response, "already uses the address")


def test_secretariat_archives_a_community(admin_client, community):
    assert admin_client.post(f"/admin/communities/{community.id}/archive").status_code == 302
    assert community.status == CommunityStatus.ARCHIVED
    assert "community.archive" in audit_actions()


def test_secretariat_assigns_a_coordinator_by_email(admin_client, community, outsider):
    organisation = factories.OrganisationFactory(country=community.country)
    response = admin_client.post(
        f"/admin/communities/{community.id}/coordinator",
        data={"email": outsider.email.upper(), "organisation_id": str(organisation.id)},
    )
    assert response.status_code == 302
    membership = db.session.scalar(sa.select(Membership).filter_by(user_id=outsider.id))
    assert (membership.role, membership.status) == (CommunityRole.COORDINATOR, MembershipStatus.ACTIVE)


def test_assigning_an_unknown_email_is_shown_on_the_field(admin_client, community):
    organisation = factories.OrganisationFactory(country=community.country)
    response = admin_client.post(
        f"/admin/communities/{community.id}/coordinator",
        data={"email": "nobody@example.org", "organisation_id": str(organisation.id)},
    )
    assert_refused(response, "Nobody has an account with this email address.", Membership)


# ---------------------------------------------------------------------------------------------- organisations


def organisation_form(country, **overrides):
    data = {
        "name": "Autoridad Portuaria Nacional",
        "stakeholder_type": "port_authority",
        "sector": "public",
        "country_id": str(country.id),
        "website": "https://www.apn.gob.pe",
    }
    return {**data, **overrides}


def test_secretariat_adds_an_organisation(admin_client):
    peru = factories.CountryFactory(alpha2="PE")
    assert admin_client.post("/admin/organisations/new", data=organisation_form(peru)).status_code == 302
    organisation = db.session.scalar(sa.select(Organisation))
    assert organisation.website == "https://www.apn.gob.pe"
    assert audit_actions() == ["organisation.create"]


@pytest.mark.parametrize("website", ["javascript:alert(1)", "ftp://example.org", "www.example.org"])
def test_website_must_be_an_http_address(admin_client, website):
    peru = factories.CountryFactory(alpha2="PE")
    response = admin_client.post("/admin/organisations/new", data=organisation_form(peru, website=website))
    assert_refused(response, "http:// or https://", Organisation)


def test_organisation_name_is_unique_per_country_ignoring_case(admin_client):
    peru = factories.CountryFactory(alpha2="PE")
    factories.OrganisationFactory(name="SUNAT", country=peru)
    response = admin_client.post("/admin/organisations/new", data=organisation_form(peru, name="sunat"))
    assert_refused(response, "already exists in this country")


def test_organisation_list_filters_by_country_and_type(admin_client):
    peru, chile = factories.CountryFactory(alpha2="PE"), factories.CountryFactory(alpha2="CL")
    factories.OrganisationFactory(name="Customs Peru", country=peru, stakeholder_type="customs")
    factories.OrganisationFactory(name="Terminal Peru", country=peru, stakeholder_type="port_terminal")
    factories.OrganisationFactory(name="Customs Chile", country=chile, stakeholder_type="customs")
    page = admin_client.get(f"/admin/organisations/?country_id={peru.id}&stakeholder_type=customs")
    text = page.get_data(as_text=True)
    assert "Customs Peru" in text
    assert "Terminal Peru" not in text and "Customs Chile" not in text


def test_archiving_and_restoring_an_organisation(admin_client):
    organisation = factories.OrganisationFactory()
    admin_client.post(f"/admin/organisations/{organisation.id}/archive")
    assert organisation.archived_at is not None
    admin_client.post(f"/admin/organisations/{organisation.id}/restore")
    assert organisation.archived_at is None
    assert audit_actions() == ["organisation.archive", "organisation.restore"]


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "navy").save(buffer, "PNG")
    return buffer.getvalue()


def test_secretariat_uploads_and_removes_a_logo(admin_client):
    organisation = factories.OrganisationFactory()
    response = admin_client.post(
        f"/admin/organisations/{organisation.id}/logo",
        data={"logo": (io.BytesIO(png_bytes()), "logo.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert organisation.logo.content_type == "image/png"
    page = admin_client.get(f"/admin/organisations/{organisation.id}/logo").get_data(as_text=True)
    assert f"/files/{organisation.logo.public_id}" in page
    admin_client.post(f"/admin/organisations/{organisation.id}/logo/remove")
    assert organisation.logo_id is None
    assert audit_actions() == ["organisation.logo", "organisation.logo"]


def test_a_logo_that_is_not_an_image_is_refused(admin_client):
    organisation = factories.OrganisationFactory()
    response = admin_client.post(
        f"/admin/organisations/{organisation.id}/logo",
        data={"logo": (io.BytesIO(b"%PDF-1.4 not an image"), "logo.png")},
        content_type="multipart/form-data",
    )
    assert_refused(response, "not accepted here")
    assert organisation.logo_id is None


# ---------------------------------------------------------------------------------------------- users


def test_users_are_searched_by_name_or_email_and_filtered(admin_client, secretariat):
    factories.UserFactory(name="Ana Torres", email="ana@apn.gob.pe")
    factories.UserFactory(name="Bruno Lima", email="bruno@example.org", email_confirmed_at=None)
    assert "Ana Torres" in admin_client.get("/admin/users/?text=apn.gob").get_data(as_text=True)
    unconfirmed = admin_client.get("/admin/users/?unconfirmed=y").get_data(as_text=True)
    assert "Bruno Lima" in unconfirmed and "Ana Torres" not in unconfirmed
    staff = admin_client.get("/admin/users/?secretariat=y").get_data(as_text=True)
    assert secretariat.name in staff and "Bruno Lima" not in staff


def user_form(user, **overrides):
    data = {"name": user.name, "preferred_locale": user.preferred_locale}
    if user.is_secretariat:
        data["is_secretariat"] = "y"
    return {**data, **overrides}


def test_disabling_a_user_signs_them_out(app, admin_client, member):
    member_client = app.test_client()
    login_as(member_client, member)
    assert member_client.get("/admin/").status_code == 403  # signed in (not redirected to sign in)
    response = admin_client.post(f"/admin/users/{member.id}/edit", data=user_form(member, is_disabled="y"))
    assert response.status_code == 302
    assert member.is_disabled is True
    assert member_client.get("/admin/").status_code == 302  # the old session no longer loads anyone
    assert "user.update" in audit_actions()


def test_secretariat_cannot_remove_their_own_role(admin_client, secretariat):
    response = admin_client.post(
        f"/admin/users/{secretariat.id}/edit", data=user_form(secretariat, is_secretariat="")
    )
    assert_refused(response, "cannot remove your own Secretariat role")
    assert secretariat.is_secretariat is True


def test_secretariat_cannot_disable_themselves(admin_client, secretariat):
    response = admin_client.post(
        f"/admin/users/{secretariat.id}/edit", data=user_form(secretariat, is_disabled="y")
    )
    assert_refused(response, "cannot disable your own account")
    assert secretariat.is_disabled is False


def test_secretariat_grants_the_secretariat_role(admin_client, member):
    admin_client.post(
        f"/admin/users/{member.id}/edit", data=user_form(member, is_secretariat="y", name="Mara M.")
    )
    assert member.is_secretariat is True and member.name == "Mara M."


def test_email_can_be_confirmed_by_hand(admin_client):
    person = factories.UserFactory(email_confirmed_at=None)
    assert admin_client.post(f"/admin/users/{person.id}/confirm").status_code == 302
    assert person.is_confirmed
    assert audit_actions() == ["user.confirm_email"]


def test_user_page_lists_memberships(admin_client, member, community):
    page = admin_client.get(f"/admin/users/{member.id}", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert community.name in page
    assert "Member" in page


def new_person(**overrides) -> dict[str, str]:
    """A fresh form each time: the test client adds its CSRF token to the dict it is given."""
    return {
        "name": "  Ana   Torres ",
        "email": " Ana.Torres@APN.gob.pe ",
        "preferred_locale": "pt",
        **overrides,
    }


def reset_path_in(mail: OutboxMail) -> str:
    """The site path of the password link in a mail (SITE_URL is http://localhost in tests)."""
    return re.search(r"http://localhost(/auth/password/reset/\S+)", mail.body).group(1)


def test_users_list_offers_to_add_a_person(admin_client):
    page = admin_client.get("/admin/users/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'href="/admin/users/new"' in page and "Add a person" in page
    assert admin_client.get("/admin/users/new").status_code == 200


def test_secretariat_creates_an_account_without_password_and_mails_a_link_in_its_language(app, admin_client):
    response = admin_client.post("/admin/users/new", data=new_person())
    assert response.status_code == 302 and response.headers["Location"] == "/admin/users/"
    person = db.session.scalar(sa.select(User).filter_by(email="ana.torres@apn.gob.pe"))
    assert (person.name, person.preferred_locale, person.is_secretariat) == ("Ana Torres", "pt", False)
    assert person.password_hash is None and not person.is_confirmed
    [mail] = db.session.scalars(sa.select(OutboxMail)).all()
    with force_locale("pt"):
        subject = gettext("Your account on the Network of Digital and Collaborative Ports")
    assert mail.recipient == person.email and mail.subject == subject
    assert subject != "Your account on the Network of Digital and Collaborative Ports"


def test_the_mailed_link_sets_the_first_password_and_then_the_person_signs_in(app, admin_client):
    admin_client.post("/admin/users/new", data=new_person())
    path = reset_path_in(db.session.scalar(sa.select(OutboxMail)))
    newcomer = app.test_client()
    assert newcomer.get(path).status_code == 200
    assert newcomer.post(path, data={"password": "a brand new passphrase"}).status_code == 302
    person = db.session.scalar(sa.select(User).filter_by(email="ana.torres@apn.gob.pe"))
    assert person.password_hash is not None and person.is_confirmed  # the link proved the address
    assert newcomer.get(path).status_code == 400  # the link works once
    later = app.test_client()
    signed_in = later.post(
        "/auth/login", data={"email": "ana.torres@apn.gob.pe", "password": "a brand new passphrase"}
    )
    assert signed_in.status_code == 302 and "/auth/login" not in signed_in.headers["Location"]
    assert db.session.get(User, person.id).last_login_at is not None


def test_creating_an_account_with_a_used_email_shows_it_on_the_field_and_creates_nothing(
    admin_client, member
):
    response = admin_client.post(
        "/admin/users/new",
        data=new_person(email=member.email.upper()),
        headers={"Accept-Language": "en"},
    )
    assert_refused(response, "Another account already uses this email address.")
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 2  # the member and the secretariat
    assert db.session.scalar(sa.select(sa.func.count(OutboxMail.id))) == 0
    assert audit_actions() == []


def test_member_gets_403_when_creating_an_account(client, member):
    login_as(client, member)
    assert client.get("/admin/users/new").status_code == 403
    assert client.post("/admin/users/new", data=new_person()).status_code == 403
    assert db.session.scalar(sa.select(User).filter_by(email="ana.torres@apn.gob.pe")) is None
    assert db.session.scalar(sa.select(sa.func.count(OutboxMail.id))) == 0


def test_account_creation_is_audited_without_the_email_address(admin_client, secretariat):
    admin_client.post("/admin/users/new", data=new_person(is_secretariat="y"))
    person = db.session.scalar(sa.select(User).filter_by(email="ana.torres@apn.gob.pe"))
    event = db.session.scalar(sa.select(AuditEvent).filter_by(action="user.create"))
    assert (event.actor_id, event.subject_type, event.subject_id) == (secretariat.id, "User", person.id)
    assert event.new == {"preferred_locale": "pt", "is_secretariat": True}
    assert "apn.gob.pe" not in json.dumps([event.old, event.new]).lower()
    page = admin_client.get("/admin/audit", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Account created by the Secretariat" in page


# ---------------------------------------------------------------------------------------------- outbox, audit


def failed_mail() -> OutboxMail:
    message = OutboxMail(
        recipient="ana@example.org",
        subject="Welcome",
        body="Hello Ana,\nwelcome.",
        status=MailStatus.FAILED,
        attempts=8,
        last_error="SMTPServerDisconnected: gone",
    )
    db.session.add(message)
    db.session.commit()
    return message


def test_outbox_lists_messages_with_their_errors(admin_client):
    failed_mail()
    page = admin_client.get("/admin/outbox", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "ana@example.org" in page and "SMTPServerDisconnected: gone" in page and "Failed" in page


def test_outbox_message_shows_its_full_text(admin_client):
    message = failed_mail()
    page = admin_client.get(f"/admin/outbox/{message.id}").get_data(as_text=True)
    assert "Hello Ana,\nwelcome." in page


def test_failed_message_is_queued_again(admin_client):
    message = failed_mail()
    assert admin_client.post(f"/admin/outbox/{message.id}/retry").status_code == 302
    assert (message.status, message.attempts) == (MailStatus.PENDING, 0)


def test_only_failed_messages_are_retried(admin_client):
    message = failed_mail()
    message.status, message.sent_at = MailStatus.SENT, utcnow()
    db.session.commit()
    admin_client.post(f"/admin/outbox/{message.id}/retry")
    assert message.status == MailStatus.SENT


def test_member_cannot_read_the_outbox(client, member):
    message = failed_mail()
    login_as(client, member)
    assert client.get(f"/admin/outbox/{message.id}").status_code == 403


def test_audit_log_shows_who_changed_what(admin_client, secretariat):
    country = factories.CountryFactory(alpha2="PE", sela_member=True)
    admin_client.post(f"/admin/countries/{country.id}/edit", data={})
    page = admin_client.get("/admin/audit").get_data(as_text=True)
    assert "Country changed" in page and secretariat.name in page
    assert "SELA member: yes → no" in page


def test_disabled_secretariat_account_cannot_open_the_admin(client):
    person = factories.UserFactory(is_secretariat=True, is_disabled=True)
    login_as(client, person)
    assert client.get("/admin/").status_code == 302
    assert db.session.get(User, person.id).is_disabled
