"""Public community pages and the Secretariat's community service (validation, archiving, coordinators)."""

from datetime import date

import pytest
import sqlalchemy as sa

from ports_network.errors import DomainError, NotAllowed
from ports_network.extensions import db
from ports_network.models import (
    AuditEvent,
    CommunityRole,
    CommunityStatus,
    Membership,
    MembershipStatus,
    Phase,
    PortCommunity,
    Sector,
    StakeholderType,
    SupportStage,
)
from ports_network.services import communities
from ports_network.services.communities import CommunityData
from tests import factories
from tests.conftest import login_as

EN = {"Accept-Language": "en"}


@pytest.fixture(autouse=True)
def _request(app):
    """Services translate their messages, which needs a request's locale (client requests get their own)."""
    with app.test_request_context(headers=EN):
        yield


def _page(client, path: str, **kwargs) -> tuple[int, str]:
    response = client.get(path, headers=EN, **kwargs)
    return response.status_code, response.get_data(as_text=True)


# --- public pages -------------------------------------------------------------------------------


def test_index_lists_live_communities_by_country_with_phase_and_ports(client, community, other_community):
    archived = factories.CommunityFactory(name="Archived harbour community", status=CommunityStatus.ARCHIVED)
    status, page = _page(client, "/communities/")
    assert status == 200
    assert "Callao port logistics community" in page and "Valparaíso port logistics community" in page
    assert "Peru" in page and "Chile" in page
    assert "Phase I" in page
    assert community.ports[0].name in page
    assert archived.name not in page


def test_show_page_has_ports_with_unlocode_and_coordinates(client, community):
    port = community.ports[0]
    status, page = _page(client, "/communities/callao")
    assert status == 200
    assert port.name in page and port.unlocode in page
    assert "-12.0500, -77.1500" in page


def test_show_page_translates_country_and_description_to_the_readers_language(client, community):
    _, english = _page(client, "/communities/callao")
    spanish = client.get("/communities/callao", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert "A port logistics community." in english and "Peru" in english
    assert "Una comunidad logística portuaria." in spanish and "Perú" in spanish


def test_show_page_states_phase_stage_and_mou(client, community):
    community.mou_signed, community.mou_signed_on, community.mou_signatory = (
        True,
        date(2017, 3, 1),
        "APN Peru",
    )
    community.support_stage = SupportStage.DIAGNOSIS_WORKSHOP
    db.session.commit()
    _, page = _page(client, "/communities/callao")
    assert "Phase I" in page
    assert "Strategic diagnosis workshop" in page
    assert "Signed on March 1, 2017 by APN Peru" in page


def test_show_page_lists_member_organisations_by_type_but_no_personal_data(
    client, community, member, coordinator
):
    customs = factories.OrganisationFactory(
        name="SUNAT Customs",
        stakeholder_type=StakeholderType.CUSTOMS,
        sector=Sector.PUBLIC,
        country=community.country,
    )
    factories.MembershipFactory(community=community, organisation=customs)
    _, page = _page(client, "/communities/callao")
    assert "Customs" in page and "SUNAT Customs" in page and "Port authority" in page
    assert member.memberships[0].organisation.name in page
    assert "Public" in page
    assert member.name not in page and member.email not in page
    assert coordinator.name not in page


def test_ended_memberships_do_not_list_their_organisation(client, community, member):
    membership = member.memberships[0]
    membership.status = MembershipStatus.LEFT
    db.session.commit()
    _, page = _page(client, "/communities/callao")
    assert membership.organisation.name not in page


def test_archived_community_is_404_for_the_public_and_members(client, community, member):
    community.status = CommunityStatus.ARCHIVED
    db.session.commit()
    assert client.get("/communities/callao").status_code == 404
    login_as(client, member)
    assert client.get("/communities/callao").status_code == 404


def test_archived_community_is_visible_to_the_secretariat(client, community, secretariat):
    community.status = CommunityStatus.ARCHIVED
    db.session.commit()
    login_as(client, secretariat)
    status, page = _page(client, "/communities/callao")
    assert status == 200 and "This community is archived." in page


def test_unknown_community_is_404(client):
    assert client.get("/communities/nowhere").status_code == 404


def test_anonymous_visitor_is_invited_to_sign_in_to_join(client, community):
    _, page = _page(client, "/communities/callao")
    assert "/auth/login?next=/communities/callao" in page
    assert "/communities/callao/join" not in page


def test_outsider_sees_request_to_join_button(client, community, outsider):
    login_as(client, outsider)
    _, page = _page(client, "/communities/callao")
    assert "/communities/callao/join" in page


def test_member_sees_their_role_and_no_join_button(client, community, focal_point):
    login_as(client, focal_point)
    _, page = _page(client, "/communities/callao")
    assert "Your role: Focal point." in page
    assert "/communities/callao/join" not in page
    assert "/communities/callao/leave" in page


def test_unconfirmed_person_is_asked_to_confirm_before_joining(client, community):
    login_as(client, factories.UserFactory(email_confirmed_at=None))
    _, page = _page(client, "/communities/callao")
    assert "Confirm your email address" in page
    assert "/communities/callao/join" not in page


def test_public_pages_may_be_cached_only_for_anonymous_visitors(client, community, member):
    anonymous = client.get("/communities/callao")
    assert anonymous.cache_control.public and anonymous.cache_control.max_age == 300
    assert "Accept-Language" in anonymous.headers["Vary"]
    login_as(client, member)
    signed_in = client.get("/communities/callao")
    assert signed_in.cache_control.private and signed_in.cache_control.no_cache
    assert not signed_in.cache_control.public


# --- the community service --------------------------------------------------------------------


def _data(country_id: int, port_ids: list[int], **overrides) -> CommunityData:
    values = {
        "name": "Paita port logistics community",
        "slug": "paita",
        "country_id": country_id,
        "port_ids": port_ids,
        "phase": Phase.III,
        "joined_year": 2018,
        "status": CommunityStatus.FORMING,
        "support_stage": SupportStage.MOBILISATION,
        "mou_signed": False,
        "mou_signed_on": None,
        "mou_signatory": None,
        "description": {"es": "Comunidad de Paita", "en": " ", "fr": "ignored"},
    }
    return CommunityData(**(values | overrides))


@pytest.fixture
def peru_port():
    return factories.PortFactory(country=factories.CountryFactory(alpha2="PE"), name="Paita")


def test_create_community_saves_and_audits(secretariat, peru_port):
    community = communities.create_community(secretariat, _data(peru_port.country_id, [peru_port.id]))
    saved = db.session.get(PortCommunity, community.id)
    assert saved.slug == "paita" and [p.id for p in saved.ports] == [peru_port.id]
    assert saved.description == {"es": "Comunidad de Paita"}
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "community.create"))
    assert event.community_id == community.id and event.new["slug"] == "paita"
    assert event.new["port_ids"] == [peru_port.id] and event.new["phase"] == "III"


@pytest.mark.parametrize("slug", ["Paita Port", "paita_port", "-paita", "paita--port", "", "invitations"])
def test_slug_must_be_url_safe(secretariat, peru_port, slug):
    with pytest.raises(DomainError) as error:
        communities.create_community(secretariat, _data(peru_port.country_id, [peru_port.id], slug=slug))
    assert error.value.field == "slug"


def test_slug_must_be_unique(secretariat, community, peru_port):
    with pytest.raises(DomainError) as error:
        communities.create_community(secretariat, _data(peru_port.country_id, [peru_port.id], slug="callao"))
    assert error.value.field == "slug"


def test_ports_must_belong_to_the_communitys_country(secretariat, peru_port):
    chilean = factories.PortFactory(country=factories.CountryFactory(alpha2="CL"))
    with pytest.raises(DomainError) as error:
        communities.create_community(secretariat, _data(peru_port.country_id, [peru_port.id, chilean.id]))
    assert error.value.field == "port_ids"


def test_a_community_needs_a_port(secretariat, peru_port):
    with pytest.raises(DomainError) as error:
        communities.create_community(secretariat, _data(peru_port.country_id, []))
    assert error.value.field == "port_ids"


@pytest.mark.parametrize(
    ("signed_on", "signatory", "field"),
    [
        (None, "APN", "mou_signed_on"),
        (date(2017, 3, 1), "  ", "mou_signatory"),
        (date(2999, 1, 1), "APN", "mou_signed_on"),
    ],
)
def test_signed_mou_needs_a_past_date_and_a_signatory(secretariat, peru_port, signed_on, signatory, field):
    data = _data(
        peru_port.country_id,
        [peru_port.id],
        mou_signed=True,
        mou_signed_on=signed_on,
        mou_signatory=signatory,
    )
    with pytest.raises(DomainError) as error:
        communities.create_community(secretariat, data)
    assert error.value.field == field


def test_unsigned_mou_clears_date_and_signatory(secretariat, peru_port):
    data = _data(
        peru_port.country_id,
        [peru_port.id],
        mou_signed=False,
        mou_signed_on=date(2017, 1, 1),
        mou_signatory="Somebody",
    )
    community = communities.create_community(secretariat, data)
    assert community.mou_signed_on is None and community.mou_signatory is None


def test_joined_year_is_within_the_networks_life(secretariat, peru_port):
    with pytest.raises(DomainError) as error:
        communities.create_community(
            secretariat, _data(peru_port.country_id, [peru_port.id], joined_year=1990)
        )
    assert error.value.field == "joined_year"


def test_only_the_secretariat_changes_communities(coordinator, peru_port):
    with pytest.raises(NotAllowed):
        communities.create_community(coordinator, _data(peru_port.country_id, [peru_port.id]))


def test_update_records_only_what_changed(secretariat, community):
    port_ids = [port.id for port in community.ports]
    data = _data(
        community.country_id,
        port_ids,
        name=community.name,
        slug="callao",
        phase=Phase.II,
        status=community.status,
        support_stage=community.support_stage,
        joined_year=None,
        description=community.description,
    )
    communities.update_community(secretariat, community, data)
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "community.update"))
    assert event.old == {"phase": "I"} and event.new == {"phase": "II"}


def test_update_to_archived_sets_archived_at_and_back_clears_it(secretariat, community):
    port_ids = [port.id for port in community.ports]
    common = {
        "name": community.name,
        "slug": "callao",
        "phase": Phase.I,
        "joined_year": None,
        "support_stage": community.support_stage,
        "description": community.description,
    }
    communities.update_community(
        secretariat,
        community,
        _data(community.country_id, port_ids, status=CommunityStatus.ARCHIVED, **common),
    )
    assert community.archived_at is not None
    communities.update_community(
        secretariat, community, _data(community.country_id, port_ids, status=CommunityStatus.ACTIVE, **common)
    )
    assert community.archived_at is None


def test_archive_community_sets_status_and_time_and_audits(secretariat, community):
    communities.archive_community(secretariat, community)
    db.session.refresh(community)
    assert community.status == CommunityStatus.ARCHIVED and community.archived_at is not None
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "community.archive"))
    assert event.old == {"status": "active"} and event.new == {"status": "archived"}
    with pytest.raises(DomainError):
        communities.archive_community(secretariat, community)


def test_assign_coordinator_creates_a_coordinator_membership(secretariat, community, outsider):
    organisation = factories.OrganisationFactory(country=community.country)
    membership = communities.assign_coordinator(secretariat, community, outsider, organisation)
    assert membership.role == CommunityRole.COORDINATOR and membership.is_active
    assert membership.organisation_id == organisation.id
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "membership.add")) is not None


def test_assign_coordinator_promotes_an_existing_member(secretariat, community, member):
    existing = member.memberships[0]
    membership = communities.assign_coordinator(secretariat, community, member, existing.organisation)
    assert membership.id == existing.id and membership.role == CommunityRole.COORDINATOR
    assert (
        db.session.scalar(sa.select(sa.func.count(Membership.id)).where(Membership.user_id == member.id)) == 1
    )
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "membership.role"))
    assert event.old["role"] == "member" and event.new["role"] == "coordinator"


def test_assign_coordinator_refuses_an_archived_organisation(secretariat, community, outsider):
    organisation = factories.OrganisationFactory(country=community.country)
    organisation.archived_at = organisation.created_at
    db.session.commit()
    with pytest.raises(DomainError):
        communities.assign_coordinator(secretariat, community, outsider, organisation)


def test_description_keeps_its_paragraphs_and_is_escaped(client, community):
    community.description = {"en": "First paragraph.\r\n\r\n<script>alert(1)</script>"}
    db.session.commit()
    _, page = _page(client, "/communities/callao")
    assert "<p>First paragraph.</p>" in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
