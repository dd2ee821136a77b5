"""The membership workflow through the web: asking to join, deciding, inviting, roles, removal, leaving."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from ports_network.extensions import db
from ports_network.models import (
    AuditEvent,
    CommunityRole,
    Invitation,
    JoinRequest,
    Membership,
    MembershipStatus,
    Notification,
    Organisation,
    OutboxMail,
    RequestStatus,
    Sector,
    StakeholderType,
    Visibility,
)
from ports_network.models.base import utcnow
from tests import factories
from tests.conftest import login_as

EN = {"Accept-Language": "en"}


def _text(response) -> str:
    return response.get_data(as_text=True)


def _notifications(user, kind: str) -> list[Notification]:
    return list(db.session.scalars(sa.select(Notification).filter_by(user_id=user.id, kind=kind)))


def _pending(user) -> JoinRequest | None:
    return db.session.scalar(sa.select(JoinRequest).filter_by(user_id=user.id, status=RequestStatus.PENDING))


@pytest.fixture
def port_authority(community):
    return factories.OrganisationFactory(name="APN Peru", country=community.country)


@pytest.fixture
def join_request(community, outsider, port_authority, coordinator):
    request = JoinRequest(user_id=outsider.id, community_id=community.id, organisation_id=port_authority.id)
    db.session.add(request)
    db.session.commit()
    return request


# --- asking to join ---------------------------------------------------------------------------------


def test_join_form_offers_the_countrys_live_organisations_and_the_persons_own(
    client, community, other_member
):
    live = factories.OrganisationFactory(name="Live Peruvian Org", country=community.country)
    archived = factories.OrganisationFactory(name="Archived Peruvian Org", country=community.country)
    archived.archived_at = utcnow()
    elsewhere = factories.OrganisationFactory(
        name="Faraway Org", country=factories.CountryFactory(alpha2="MX")
    )
    db.session.commit()
    login_as(client, other_member)
    page = _text(client.get("/communities/callao/join", headers=EN))
    assert live.name in page
    assert other_member.memberships[0].organisation.name in page  # their own, from Chile
    assert archived.name not in page and elsewhere.name not in page


def test_outsider_asks_to_join_and_the_coordinator_is_notified(
    client, community, outsider, coordinator, port_authority
):
    login_as(client, outsider)
    response = client.post(
        "/communities/callao/join",
        data={"organisation_id": port_authority.id, "motivation": "We run the port."},
        headers=EN,
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/communities/callao")
    request = _pending(outsider)
    assert request.organisation_id == port_authority.id and request.motivation == "We run the port."
    [notice] = _notifications(coordinator, "join_request.received")
    assert notice.params == {"person": outsider.name, "community": community.name, "organisation": "APN Peru"}
    assert notice.link == "/communities/callao/requests"
    assert db.session.scalar(sa.select(OutboxMail).filter_by(recipient=coordinator.email)) is not None
    page = _text(client.get("/communities/callao", headers=EN))
    assert "is waiting for a decision" in page


def test_outsider_may_propose_a_new_organisation(client, community, outsider, coordinator):
    login_as(client, outsider)
    client.post(
        "/communities/callao/join",
        data={
            "organisation_id": 0,
            "proposed_name": "  Callao   Startups ",
            "proposed_type": "startup",
            "proposed_sector": "private",
            "proposed_website": "https://startups.example.pe",
        },
    )
    request = _pending(outsider)
    assert request.organisation_id is None and request.proposed_name == "Callao Startups"
    assert request.proposed_type == StakeholderType.STARTUP and request.proposed_sector == Sector.PRIVATE


@pytest.mark.parametrize("both", [True, False])
def test_join_form_needs_exactly_one_of_existing_or_new_organisation(
    client, community, outsider, port_authority, both
):
    login_as(client, outsider)
    data = {"organisation_id": port_authority.id if both else 0, "proposed_name": "New org" if both else ""}
    response = client.post("/communities/callao/join", data=data, headers=EN)
    assert response.status_code == 422
    assert "but not both" in _text(response)
    assert _pending(outsider) is None


def test_proposed_organisation_needs_kind_and_sector(client, community, outsider):
    login_as(client, outsider)
    response = client.post(
        "/communities/callao/join", data={"organisation_id": 0, "proposed_name": "New org"}, headers=EN
    )
    assert response.status_code == 422 and "Choose the kind of organisation." in _text(response)


def test_second_pending_request_is_refused_with_a_message(
    client, community, outsider, port_authority, join_request
):
    login_as(client, outsider)
    response = client.post(
        "/communities/callao/join", data={"organisation_id": port_authority.id}, headers=EN
    )
    assert response.status_code == 422 and "already asked to join" in _text(response)
    assert db.session.scalar(sa.select(sa.func.count(JoinRequest.id))) == 1


def test_anonymous_visitor_is_sent_to_sign_in_to_join(client, community):
    response = client.get("/communities/callao/join")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_member_cannot_ask_to_join_again(client, community, member):
    login_as(client, member)
    assert client.get("/communities/callao/join").status_code == 403


def test_requester_withdraws_their_pending_request(client, community, outsider, join_request):
    login_as(client, outsider)
    response = client.post(f"/communities/callao/requests/{join_request.id}/withdraw")
    assert response.status_code == 302
    assert db.session.get(JoinRequest, join_request.id).status == RequestStatus.WITHDRAWN


def test_someone_else_cannot_withdraw_a_request(client, community, member, join_request):
    login_as(client, member)
    assert client.post(f"/communities/callao/requests/{join_request.id}/withdraw").status_code == 404
    assert db.session.get(JoinRequest, join_request.id).status == RequestStatus.PENDING


# --- deciding ---------------------------------------------------------------------------------------


MANAGEMENT_PAGES = ("requests", "manage", "invitations", "audit")


@pytest.mark.parametrize("persona", ["outsider", "member", "other_member", "focal_point"])
def test_management_pages_are_refused_to_anyone_but_coordinators(client, request, community, persona):
    login_as(client, request.getfixturevalue(persona))
    for page in MANAGEMENT_PAGES:
        assert client.get(f"/communities/callao/{page}").status_code == 403


def test_management_pages_ask_people_signed_out_to_sign_in_and_come_back(client, community):
    for page in MANAGEMENT_PAGES:
        response = client.get(f"/communities/callao/{page}")
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"/auth/login?next=/communities/callao/{page}")


def test_coordinator_of_another_community_is_refused(client, community, other_community):
    other_coordinator = factories.MembershipFactory(
        community=other_community, role=CommunityRole.COORDINATOR
    ).user
    login_as(client, other_coordinator)
    assert client.get("/communities/callao/requests").status_code == 403


def test_coordinator_sees_pending_requests(client, coordinator, join_request, outsider):
    login_as(client, coordinator)
    page = _text(client.get("/communities/callao/requests", headers=EN))
    assert outsider.name in page and "APN Peru" in page


def test_coordinator_approves_and_the_person_becomes_a_member(client, coordinator, join_request, outsider):
    login_as(client, coordinator)
    response = client.post(
        f"/communities/callao/requests/{join_request.id}", data={f"r{join_request.id}-approve": "Approve"}
    )
    assert response.status_code == 302
    assert db.session.get(JoinRequest, join_request.id).status == RequestStatus.APPROVED
    membership = db.session.scalar(sa.select(Membership).filter_by(user_id=outsider.id))
    assert membership.is_active and membership.role == CommunityRole.MEMBER
    assert membership.organisation.name == "APN Peru"
    assert len(_notifications(outsider, "join_request.approved")) == 1
    event = db.session.scalar(sa.select(AuditEvent).filter_by(action="join_request.approve"))
    assert event.old["status"] == "pending" and event.new["status"] == "approved"


def test_approving_a_proposed_organisation_creates_it(client, community, coordinator, outsider):
    request = JoinRequest(
        user_id=outsider.id,
        community_id=community.id,
        proposed_name="Callao Startups",
        proposed_type=StakeholderType.STARTUP,
        proposed_sector=Sector.PRIVATE,
    )
    db.session.add(request)
    db.session.commit()
    login_as(client, coordinator)
    client.post(f"/communities/callao/requests/{request.id}", data={f"r{request.id}-approve": "Approve"})
    organisation = db.session.scalar(sa.select(Organisation).filter_by(name="Callao Startups"))
    assert (
        organisation.country_id == community.country_id
        and organisation.stakeholder_type == StakeholderType.STARTUP
    )
    assert (
        db.session.scalar(sa.select(Membership).filter_by(user_id=outsider.id)).organisation_id
        == organisation.id
    )


def test_rejecting_requires_a_message(client, coordinator, join_request):
    login_as(client, coordinator)
    response = client.post(
        f"/communities/callao/requests/{join_request.id}",
        data={f"r{join_request.id}-reject": "Reject"},
        headers=EN,
    )
    assert response.status_code == 422
    assert "Tell the person why" in _text(response)
    assert db.session.get(JoinRequest, join_request.id).status == RequestStatus.PENDING


def test_rejection_tells_the_person_why(client, coordinator, join_request, outsider):
    login_as(client, coordinator)
    client.post(
        f"/communities/callao/requests/{join_request.id}",
        data={f"r{join_request.id}-reject": "Reject", f"r{join_request.id}-message": "Not a port actor."},
    )
    decided = db.session.get(JoinRequest, join_request.id)
    assert decided.status == RequestStatus.REJECTED and decided.decision_message == "Not a port actor."
    [notice] = _notifications(outsider, "join_request.rejected")
    assert notice.params["message"] == "Not a port actor."
    assert db.session.scalar(sa.select(Membership).filter_by(user_id=outsider.id)) is None


def test_a_decided_request_cannot_be_decided_again(client, coordinator, join_request):
    login_as(client, coordinator)
    url = f"/communities/callao/requests/{join_request.id}"
    client.post(url, data={f"r{join_request.id}-approve": "Approve"})
    response = client.post(
        url, data={f"r{join_request.id}-reject": "Reject", f"r{join_request.id}-message": "No"}
    )
    assert response.status_code == 302
    page = _text(client.get("/communities/callao/requests", headers=EN))
    assert "already decided (Approved)" in page
    assert db.session.get(JoinRequest, join_request.id).status == RequestStatus.APPROVED


def test_decisions_need_a_csrf_token(client, coordinator, join_request):
    login_as(client, coordinator)
    response = client.post(
        f"/communities/callao/requests/{join_request.id}",
        data={f"r{join_request.id}-approve": "Approve"},
        csrf=False,
    )
    assert response.status_code == 400
    assert db.session.get(JoinRequest, join_request.id).status == RequestStatus.PENDING


# --- invitations ------------------------------------------------------------------------------------


def _invite(client, coordinator, organisation, email="Guest@Example.org", role="focal_point"):
    login_as(client, coordinator)
    return client.post(
        "/communities/callao/invitations",
        data={"email": email, "organisation_id": organisation.id, "role": role},
        headers=EN,
    )


def _token_from_mail(recipient: str) -> str:
    mail = db.session.scalar(sa.select(OutboxMail).filter_by(recipient=recipient))
    return re.search(r"/communities/invitations/(\S+)", mail.body).group(1)


def test_coordinator_invites_by_email_and_a_mail_with_a_link_is_queued(
    client, community, coordinator, port_authority
):
    response = _invite(client, coordinator, port_authority)
    assert response.status_code == 302
    invitation = db.session.scalar(sa.select(Invitation))
    assert invitation.email == "guest@example.org" and invitation.role == CommunityRole.FOCAL_POINT
    mail = db.session.scalar(sa.select(OutboxMail).filter_by(recipient="guest@example.org"))
    assert community.name in mail.subject
    assert "APN Peru" in mail.body and "http://localhost/communities/invitations/" in mail.body
    page = _text(client.get("/communities/callao/invitations", headers=EN))
    assert "guest@example.org" in page


def test_inviting_an_existing_member_is_refused(client, coordinator, member, port_authority):
    response = _invite(client, coordinator, port_authority, email=member.email.upper())
    assert response.status_code == 422 and "already a member" in _text(response)


def test_anonymous_invitee_is_sent_to_sign_in_and_back(client, coordinator, port_authority):
    _invite(client, coordinator, port_authority)
    token = _token_from_mail("guest@example.org")
    client.post("/auth/logout")
    with client.session_transaction() as session:
        session.clear()
    response = client.get(f"/communities/invitations/{token}")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"] and "invitations" in response.headers["Location"]


def test_invitee_with_the_invited_address_accepts_and_gets_the_role(
    client, app, community, coordinator, port_authority
):
    _invite(client, coordinator, port_authority)
    token = _token_from_mail("guest@example.org")
    guest = factories.UserFactory(email="GUEST@example.org")
    guest_client = app.test_client()
    login_as(guest_client, guest)
    page = _text(guest_client.get(f"/communities/invitations/{token}", headers=EN))
    assert "Accept the invitation" in page
    response = guest_client.post(f"/communities/invitations/{token}")
    assert response.status_code == 302 and response.headers["Location"].endswith("/communities/callao")
    membership = db.session.scalar(sa.select(Membership).filter_by(user_id=guest.id))
    assert membership.role == CommunityRole.FOCAL_POINT and membership.organisation_id == port_authority.id
    invitation = db.session.scalar(sa.select(Invitation))
    assert invitation.status == RequestStatus.ACCEPTED and invitation.accepted_by_id == guest.id
    again = _text(guest_client.get(f"/communities/invitations/{token}", headers=EN))
    assert "no longer open (Accepted)" in again


def test_invitee_signed_in_with_another_address_is_told_and_cannot_accept(
    client, app, coordinator, port_authority, outsider
):
    _invite(client, coordinator, port_authority)
    token = _token_from_mail("guest@example.org")
    other_client = app.test_client()
    login_as(other_client, outsider)
    page = _text(other_client.get(f"/communities/invitations/{token}", headers=EN))
    assert "sent to another email address" in page and "Accept the invitation" not in page
    assert other_client.post(f"/communities/invitations/{token}").status_code == 403
    assert db.session.scalar(sa.select(Membership).filter_by(user_id=outsider.id)) is None


def test_tampered_invitation_link_is_refused(client, outsider):
    login_as(client, outsider)
    response = client.get("/communities/invitations/not-a-token", headers=EN)
    assert response.status_code == 400 and "not valid" in _text(response)


def test_coordinator_revokes_a_pending_invitation_and_its_link_stops_working(
    client, app, coordinator, port_authority
):
    _invite(client, coordinator, port_authority)
    token = _token_from_mail("guest@example.org")
    invitation = db.session.scalar(sa.select(Invitation))
    response = client.post(f"/communities/callao/invitations/{invitation.id}/revoke")
    assert response.status_code == 302
    assert db.session.get(Invitation, invitation.id).status == RequestStatus.REVOKED
    guest_client = app.test_client()
    login_as(guest_client, factories.UserFactory(email="guest@example.org"))
    assert "no longer open (Revoked)" in _text(
        guest_client.get(f"/communities/invitations/{token}", headers=EN)
    )
    assert guest_client.post(f"/communities/invitations/{token}").status_code == 403


# --- members, roles, leaving ------------------------------------------------------------------------


def test_manage_page_lists_every_member_including_hidden_ones(client, coordinator, member):
    member.visibility = Visibility.HIDDEN
    db.session.commit()
    login_as(client, coordinator)
    page = _text(client.get("/communities/callao/manage", headers=EN))
    assert member.name in page and coordinator.name in page


def test_coordinator_changes_a_role_which_is_audited_and_notified(client, coordinator, member):
    membership = member.memberships[0]
    login_as(client, coordinator)
    response = client.post(
        f"/communities/callao/members/{membership.id}/role", data={f"m{membership.id}-role": "validator"}
    )
    assert response.status_code == 302
    assert db.session.get(Membership, membership.id).role == CommunityRole.VALIDATOR
    event = db.session.scalar(sa.select(AuditEvent).filter_by(action="membership.role"))
    assert event.old["role"] == "member" and event.new["role"] == "validator"
    [notice] = _notifications(member, "membership.role_changed")
    assert notice.params == {"community": "Callao port logistics community", "role": "validator"}


def test_the_only_coordinator_cannot_demote_themselves(client, coordinator):
    membership = coordinator.memberships[0]
    login_as(client, coordinator)
    client.post(
        f"/communities/callao/members/{membership.id}/role", data={f"m{membership.id}-role": "member"}
    )
    assert db.session.get(Membership, membership.id).role == CommunityRole.COORDINATOR
    page = _text(client.get("/communities/callao/manage", headers=EN))
    assert "only coordinator" in page


def test_the_secretariat_may_demote_the_only_coordinator(client, coordinator, secretariat):
    membership = coordinator.memberships[0]
    login_as(client, secretariat)
    client.post(
        f"/communities/callao/members/{membership.id}/role", data={f"m{membership.id}-role": "member"}
    )
    assert db.session.get(Membership, membership.id).role == CommunityRole.MEMBER


def test_coordinator_removes_a_member(client, coordinator, member):
    membership = member.memberships[0]
    login_as(client, coordinator)
    assert client.post(f"/communities/callao/members/{membership.id}/remove").status_code == 302
    removed = db.session.get(Membership, membership.id)
    assert removed.status == MembershipStatus.REMOVED and removed.ended_at is not None
    assert len(_notifications(member, "membership.removed")) == 1
    event = db.session.scalar(sa.select(AuditEvent).filter_by(action="membership.remove"))
    assert event.old["status"] == "active" and event.new["status"] == "removed"


def test_the_only_coordinator_cannot_remove_themselves(client, coordinator):
    membership = coordinator.memberships[0]
    login_as(client, coordinator)
    client.post(f"/communities/callao/members/{membership.id}/remove")
    assert db.session.get(Membership, membership.id).is_active


def test_member_cannot_change_roles(client, member, coordinator):
    membership = coordinator.memberships[0]
    login_as(client, member)
    response = client.post(
        f"/communities/callao/members/{membership.id}/role", data={f"m{membership.id}-role": "member"}
    )
    assert response.status_code == 403
    assert db.session.get(Membership, membership.id).role == CommunityRole.COORDINATOR


def test_member_leaves_after_confirming(client, member):
    login_as(client, member)
    assert "Yes, leave this community" in _text(client.get("/communities/callao/leave", headers=EN))
    assert client.post("/communities/callao/leave").status_code == 302
    membership = member.memberships[0]
    db.session.refresh(membership)
    assert membership.status == MembershipStatus.LEFT and membership.ended_at is not None
    assert db.session.scalar(sa.select(AuditEvent).filter_by(action="membership.leave")) is not None


def test_the_only_coordinator_cannot_leave(client, coordinator):
    login_as(client, coordinator)
    client.post("/communities/callao/leave")
    assert coordinator.memberships[0].is_active


def test_outsider_cannot_leave(client, community, outsider):
    login_as(client, outsider)
    assert client.post("/communities/callao/leave").status_code == 403


def test_audit_page_shows_who_did_what_with_old_and_new_values(client, coordinator, member):
    membership = member.memberships[0]
    login_as(client, coordinator)
    client.post(
        f"/communities/callao/members/{membership.id}/role", data={f"m{membership.id}-role": "validator"}
    )
    page = _text(client.get("/communities/callao/audit", headers=EN))
    assert "Role changed" in page and coordinator.name in page
    assert "Member → Validator" in page and member.name in page


def test_community_audit_log_leaves_out_other_communities(
    client, app, coordinator, other_member, secretariat
):
    other = other_member.memberships[0]
    secretariat_client = app.test_client()
    login_as(secretariat_client, secretariat)
    secretariat_client.post(
        f"/communities/valparaiso/members/{other.id}/role", data={f"m{other.id}-role": "validator"}
    )
    assert db.session.scalar(sa.select(AuditEvent).filter_by(action="membership.role")) is not None
    login_as(client, coordinator)
    assert other_member.name not in _text(client.get("/communities/callao/audit", headers=EN))


def test_expired_invitation_link_is_refused(client, app, coordinator, port_authority):
    _invite(client, coordinator, port_authority)
    token = _token_from_mail("guest@example.org")
    guest_client = app.test_client()
    login_as(guest_client, factories.UserFactory(email="guest@example.org"))
    app.config["INVITATION_MAX_AGE"], saved = -1, app.config["INVITATION_MAX_AGE"]
    try:
        response = guest_client.get(f"/communities/invitations/{token}", headers=EN)
    finally:
        app.config["INVITATION_MAX_AGE"] = saved
    assert response.status_code == 400 and "expired" in _text(response)
    assert timedelta(seconds=saved) > timedelta(0)
