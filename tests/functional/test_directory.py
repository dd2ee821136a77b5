"""Member directories: who may search, who is listed, what is shown, search and filters, profile pages."""

import pytest

from ports_network.extensions import db
from ports_network.models import CommunityRole, StakeholderType, StoredFile, Visibility
from ports_network.models.base import utcnow
from tests import factories
from tests.conftest import login_as

EN = {"Accept-Language": "en"}


def _page(client, path: str) -> str:
    response = client.get(path, headers=EN)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _person(community, name: str, visibility: Visibility = Visibility.NETWORK, **fields):
    organisation = fields.pop("organisation", None) or factories.OrganisationFactory(
        country=community.country
    )
    user = factories.UserFactory(name=name, visibility=visibility, **fields)
    factories.MembershipFactory(user=user, community=community, organisation=organisation)
    return user


# --- who may use it ---------------------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get("/directory/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_person_without_a_community_may_not_search(client, outsider):
    login_as(client, outsider)
    assert client.get("/directory/").status_code == 403


# --- who is listed -----------------------------------------------------------------------------------


def test_directory_lists_only_people_who_let_the_viewer_see_them(client, community, other_community, member):
    network_elsewhere = _person(other_community, "Nadia Network")
    community_elsewhere = _person(other_community, "Carlos Community", Visibility.COMMUNITY)
    community_here = _person(community, "Clara Colleague", Visibility.COMMUNITY)
    hidden_here = _person(community, "Hugo Hidden", Visibility.HIDDEN)
    login_as(client, member)
    page = _page(client, "/directory/")
    assert network_elsewhere.name in page and community_here.name in page
    assert community_elsewhere.name not in page and hidden_here.name not in page


def test_people_without_an_active_membership_or_deleted_are_not_listed(client, community, member, outsider):
    deleted = _person(community, "Dora Deleted")
    deleted.deleted_at = utcnow()
    outsider.visibility = Visibility.NETWORK
    db.session.commit()
    login_as(client, member)
    page = _page(client, "/directory/")
    assert deleted.name not in page and outsider.name not in page


def test_secretariat_sees_hidden_people(client, community, secretariat):
    hidden = _person(community, "Hugo Hidden", Visibility.HIDDEN)
    login_as(client, secretariat)
    assert hidden.name in _page(client, "/directory/")


def test_email_and_phone_are_shown_only_when_the_person_chose_so(client, community, member):
    _person(
        community,
        "Open Olivia",
        email="olivia@example.org",
        phone="+51 1 555 0101",
        show_email=True,
        show_phone=True,
    )
    _person(community, "Private Pablo", email="pablo@example.org", phone="+51 1 555 0202")
    login_as(client, member)
    page = _page(client, "/directory/")
    assert "olivia@example.org" in page and "+51 1 555 0101" in page
    assert "pablo@example.org" not in page and "555 0202" not in page


def test_avatar_is_shown_through_the_files_endpoint(client, community, member):
    person = _person(community, "Ava Avatar")
    avatar = StoredFile(
        storage_key="avatars/ava",
        purpose="avatar",
        content_type="image/png",
        size=10,
        sha256="0" * 64,
        original_name="ava.png",
        uploaded_by_id=person.id,
    )
    db.session.add(avatar)
    db.session.flush()
    person.avatar_id = avatar.id
    db.session.commit()
    login_as(client, member)
    assert f"/files/{avatar.public_id}" in _page(client, "/directory/")


# --- search and filters ------------------------------------------------------------------------------


@pytest.fixture
def people(community, other_community):
    customs = factories.OrganisationFactory(
        name="SUNAT Aduanas", stakeholder_type=StakeholderType.CUSTOMS, country=community.country
    )
    return {
        "ana": _person(community, "Ana Quispe", job_title="Port Planner"),
        "bruno": _person(community, "Bruno Díaz", organisation=customs),
        "carla": _person(other_community, "Carla Rojas", job_title="Logistics analyst"),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ANA q", {"ana"}),
        ("aduanas", {"bruno"}),
        ("analyst", {"carla"}),
        ("100%_", set()),
        ("r", {"ana", "bruno", "carla"}),
    ],
)
def test_search_matches_name_organisation_or_job_title_ignoring_case(client, member, people, query, expected):
    login_as(client, member)
    page = _page(client, f"/directory/?q={query.replace('%', '%25')}")
    assert {key for key, person in people.items() if person.name in page} == expected


def test_filter_by_country_community_and_stakeholder_type(client, community, other_community, member, people):
    login_as(client, member)
    chile = other_community.country_id
    assert "Carla Rojas" in _page(client, f"/directory/?country={chile}")
    assert "Ana Quispe" not in _page(client, f"/directory/?country={chile}")
    assert "Ana Quispe" not in _page(client, f"/directory/?community={other_community.id}")
    by_type = _page(client, "/directory/?stakeholder_type=customs")
    assert "Bruno Díaz" in by_type and "Ana Quispe" not in by_type


def test_invalid_filters_are_ignored(client, member, people):
    login_as(client, member)
    page = _page(client, "/directory/?country=abc&stakeholder_type=pirates&community=999")
    assert "Ana Quispe" in page and "Carla Rojas" in page
    assert "Not a valid choice" not in page and "Not a valid choice" not in _page(client, "/directory/")


def test_results_are_paginated(client, community, member):
    for number in range(30):
        _person(community, f"Person {number:02d}")
    login_as(client, member)
    first = _page(client, "/directory/?q=person")
    second = _page(client, "/directory/?q=person&page=2")
    assert "Person 00" in first and "Person 29" not in first
    assert "Person 29" in second and "Person 00" not in second
    assert "page=2" in first and "q=person" in first


# --- profiles ---------------------------------------------------------------------------------------


def test_profile_shows_memberships_and_only_the_chosen_contact_details(client, community, member):
    person = _person(
        community,
        "Rosa Profile",
        job_title="Harbour master",
        bio="Twenty years at sea.",
        email="rosa@example.org",
        show_email=False,
    )
    login_as(client, member)
    page = _page(client, f"/directory/people/{person.id}")
    assert "Harbour master" in page and "Twenty years at sea." in page and community.name in page
    assert "rosa@example.org" not in page


@pytest.mark.parametrize("viewer", [None, "outsider", "other_member"])
def test_profile_is_404_for_those_the_person_does_not_allow(client, request, community, viewer):
    person = _person(community, "Cora Community", Visibility.COMMUNITY)
    if viewer:
        login_as(client, request.getfixturevalue(viewer))
    assert client.get(f"/directory/people/{person.id}").status_code == 404


def test_hidden_profile_is_404_even_for_the_same_community(client, community, member):
    person = _person(community, "Hugo Hidden", Visibility.HIDDEN)
    login_as(client, member)
    assert client.get(f"/directory/people/{person.id}").status_code == 404


# --- a community's member list ---------------------------------------------------------------------


def test_community_member_list_respects_each_persons_visibility(client, community, member, coordinator):
    hidden = _person(community, "Hugo Hidden", Visibility.HIDDEN)
    colleague = _person(community, "Clara Colleague", Visibility.COMMUNITY)
    login_as(client, member)
    page = _page(client, "/communities/callao/members")
    assert colleague.name in page and coordinator.name in page and member.name in page
    assert hidden.name not in page
    assert "Coordinator" in page


def test_community_member_list_is_for_members_only(client, community, outsider, other_member):
    assert client.get("/communities/callao/members").status_code == 302
    login_as(client, outsider)
    assert client.get("/communities/callao/members").status_code == 403
    login_as(client, other_member)
    assert client.get("/communities/callao/members").status_code == 403


def test_hidden_member_is_listed_for_coordinators_only_on_the_manage_page(client, community, coordinator):
    hidden = _person(community, "Hugo Hidden", Visibility.HIDDEN)
    factories.MembershipFactory(community=community, role=CommunityRole.MEMBER)
    login_as(client, coordinator)
    assert hidden.name not in _page(client, "/communities/callao/members")
    assert hidden.name in _page(client, "/communities/callao/manage")
