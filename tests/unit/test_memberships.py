"""Membership services: join requests, invitations, roles and the rules that protect them."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from ports_network.errors import DomainError, NotAllowed
from ports_network.extensions import db
from ports_network.models import (
    AuditEvent,
    CommunityRole,
    CommunityStatus,
    Invitation,
    JoinRequest,
    Membership,
    MembershipStatus,
    Notification,
    RequestStatus,
    Sector,
    StakeholderType,
)
from ports_network.models.base import utcnow
from ports_network.services import audit, invitations, jobs, join_requests, memberships
from ports_network.services.join_requests import JoinRequestData
from tests import factories


@pytest.fixture(autouse=True)
def _request(app):
    """Services translate their messages, which needs the request's locale."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


@pytest.fixture
def organisation(community):
    return factories.OrganisationFactory(name="APN Peru", country=community.country)


def _kinds(user) -> list[str]:
    return list(db.session.scalars(sa.select(Notification.kind).filter_by(user_id=user.id)))


# --- join requests ----------------------------------------------------------------------------------


def test_request_notifies_the_secretariat_when_the_community_has_no_coordinator(
    community, outsider, secretariat, organisation
):
    join_requests.request_to_join(outsider, community, JoinRequestData(organisation_id=organisation.id))
    assert _kinds(secretariat) == ["join_request.received"]


def test_request_notifies_every_coordinator_and_not_the_secretariat(
    community, outsider, coordinator, secretariat, organisation
):
    second = factories.MembershipFactory(community=community, role=CommunityRole.COORDINATOR).user
    join_requests.request_to_join(outsider, community, JoinRequestData(organisation_id=organisation.id))
    assert _kinds(coordinator) == _kinds(second) == ["join_request.received"]
    assert _kinds(secretariat) == []


def test_a_racing_duplicate_request_hits_the_unique_index_and_becomes_a_domain_error(
    community, outsider, organisation, monkeypatch
):
    data = JoinRequestData(organisation_id=organisation.id)
    join_requests.request_to_join(outsider, community, data)
    monkeypatch.setattr(join_requests, "pending_request", lambda user, community: None)
    with pytest.raises(DomainError, match="already asked"):
        join_requests.request_to_join(outsider, community, data)
    assert db.session.scalar(sa.select(sa.func.count(JoinRequest.id))) == 1


def test_organisation_of_another_country_cannot_be_chosen(community, outsider):
    foreign = factories.OrganisationFactory(country=factories.CountryFactory(alpha2="MX"))
    with pytest.raises(DomainError) as error:
        join_requests.request_to_join(outsider, community, JoinRequestData(organisation_id=foreign.id))
    assert error.value.field == "organisation_id"


def test_proposed_website_must_be_a_web_address(community, outsider):
    data = JoinRequestData(
        proposed_name="New",
        proposed_type=StakeholderType.STARTUP,
        proposed_sector=Sector.PRIVATE,
        proposed_website="javascript:alert(1)",
    )
    with pytest.raises(DomainError) as error:
        join_requests.request_to_join(outsider, community, data)
    assert error.value.field == "proposed_website"


def test_unconfirmed_person_cannot_ask_to_join(community, organisation):
    person = factories.UserFactory(email_confirmed_at=None)
    with pytest.raises(NotAllowed):
        join_requests.request_to_join(person, community, JoinRequestData(organisation_id=organisation.id))


def test_archived_community_takes_no_requests(community, outsider, organisation):
    community.status = CommunityStatus.ARCHIVED
    db.session.commit()
    with pytest.raises(NotAllowed):
        join_requests.request_to_join(outsider, community, JoinRequestData(organisation_id=organisation.id))


def test_second_decision_is_refused(community, coordinator, outsider, organisation):
    request = join_requests.request_to_join(
        outsider, community, JoinRequestData(organisation_id=organisation.id)
    )
    join_requests.reject(coordinator, request, "No")
    with pytest.raises(DomainError, match="already decided"):
        join_requests.approve(coordinator, request)
    assert db.session.get(JoinRequest, request.id).status == RequestStatus.REJECTED
    assert db.session.scalar(sa.select(Membership).filter_by(user_id=outsider.id)) is None


def test_approval_after_the_person_joined_otherwise_keeps_the_request_pending(
    community, coordinator, outsider, organisation
):
    request = join_requests.request_to_join(
        outsider, community, JoinRequestData(organisation_id=organisation.id)
    )
    db.session.add(Membership(user=outsider, community=community, organisation=organisation))
    db.session.commit()
    with pytest.raises(DomainError, match="already a member"):
        join_requests.approve(coordinator, request)
    assert db.session.get(JoinRequest, request.id).status == RequestStatus.PENDING


def test_approval_racing_another_membership_hits_the_unique_index_and_becomes_a_domain_error(
    community, coordinator, outsider, organisation, monkeypatch
):
    data = JoinRequestData(organisation_id=organisation.id)
    request = join_requests.request_to_join(outsider, community, data)
    db.session.add(Membership(user=outsider, community=community, organisation=organisation))
    db.session.commit()
    monkeypatch.setattr(memberships, "active_membership", lambda user, community: None)
    with pytest.raises(DomainError, match="already a member"):
        join_requests.approve(coordinator, request)
    assert db.session.get(JoinRequest, request.id).status == RequestStatus.PENDING


def test_member_cannot_decide_on_requests(community, member, outsider, organisation):
    request = join_requests.request_to_join(
        outsider, community, JoinRequestData(organisation_id=organisation.id)
    )
    with pytest.raises(NotAllowed):
        join_requests.approve(member, request)


def test_only_the_requester_can_withdraw(community, member, outsider, organisation):
    request = join_requests.request_to_join(
        outsider, community, JoinRequestData(organisation_id=organisation.id)
    )
    with pytest.raises(NotAllowed):
        join_requests.withdraw(member, request)


# --- invitations ------------------------------------------------------------------------------------


@pytest.mark.parametrize("email", ["not-an-email", "two@@example.org", ""])
def test_invitation_needs_a_valid_email(community, coordinator, organisation, email):
    with pytest.raises(DomainError) as error:
        invitations.invite(coordinator, community, email, organisation.id, CommunityRole.MEMBER)
    assert error.value.field == "email"


def test_second_pending_invitation_to_the_same_address_is_refused(community, coordinator, organisation):
    invitations.invite(coordinator, community, "guest@example.org", organisation.id, CommunityRole.MEMBER)
    with pytest.raises(DomainError, match="pending invitation"):
        invitations.invite(coordinator, community, "GUEST@example.org", organisation.id, CommunityRole.MEMBER)


def test_invitation_organisation_must_be_offered(community, coordinator):
    foreign = factories.OrganisationFactory(country=factories.CountryFactory(alpha2="MX"))
    with pytest.raises(DomainError) as error:
        invitations.invite(coordinator, community, "guest@example.org", foreign.id, CommunityRole.MEMBER)
    assert error.value.field == "organisation_id"


def test_member_cannot_invite(community, member, organisation):
    with pytest.raises(NotAllowed):
        invitations.invite(member, community, "guest@example.org", organisation.id, CommunityRole.MEMBER)


def test_accepting_closes_the_persons_pending_request(community, coordinator, outsider, organisation):
    request = join_requests.request_to_join(
        outsider, community, JoinRequestData(organisation_id=organisation.id)
    )
    invitation = invitations.invite(
        coordinator, community, outsider.email, organisation.id, CommunityRole.VALIDATOR
    )
    membership = invitations.accept(outsider, invitation)
    assert membership.role == CommunityRole.VALIDATOR
    assert db.session.get(JoinRequest, request.id).status == RequestStatus.WITHDRAWN


def test_expire_invitations_revokes_only_old_pending_ones(app, community, coordinator, organisation):
    old = invitations.invite(coordinator, community, "old@example.org", organisation.id, CommunityRole.MEMBER)
    recent = invitations.invite(
        coordinator, community, "new@example.org", organisation.id, CommunityRole.MEMBER
    )
    accepted = invitations.invite(
        coordinator, community, "done@example.org", organisation.id, CommunityRole.MEMBER
    )
    too_old = utcnow() - timedelta(seconds=app.config["INVITATION_MAX_AGE"] + 60)
    old.created_at = accepted.created_at = too_old
    accepted.status = RequestStatus.ACCEPTED
    db.session.commit()
    assert memberships.expire_invitations() == 1
    assert db.session.get(Invitation, old.id).status == RequestStatus.REVOKED
    assert db.session.get(Invitation, recent.id).status == RequestStatus.PENDING
    assert db.session.get(Invitation, accepted.id).status == RequestStatus.ACCEPTED
    event = db.session.scalar(sa.select(AuditEvent).filter_by(action="invitation.expire"))
    assert event.actor_id is None and event.community_id == community.id


def test_expiry_runs_as_the_hourly_job(app, community, coordinator, organisation):
    invitation = invitations.invite(
        coordinator, community, "old@example.org", organisation.id, CommunityRole.MEMBER
    )
    invitation.created_at = utcnow() - timedelta(seconds=app.config["INVITATION_MAX_AGE"] + 60)
    db.session.commit()
    assert jobs.run_job(jobs.JOBS["memberships.expire_invitations"])
    assert db.session.get(Invitation, invitation.id).status == RequestStatus.REVOKED


# --- roles and ending memberships ------------------------------------------------------------------


def test_a_second_coordinator_lets_the_first_step_down(community, coordinator, member):
    memberships.change_role(coordinator, member.memberships[0], CommunityRole.COORDINATOR)
    memberships.change_role(coordinator, coordinator.memberships[0], CommunityRole.MEMBER)
    assert coordinator.memberships[0].role == CommunityRole.MEMBER


def test_coordinator_cannot_manage_another_community(coordinator, other_member):
    with pytest.raises(NotAllowed):
        memberships.remove_member(coordinator, other_member.memberships[0])


def test_ended_membership_cannot_be_changed(community, coordinator, member):
    membership = member.memberships[0]
    memberships.remove_member(coordinator, membership)
    with pytest.raises(DomainError):
        memberships.change_role(coordinator, membership, CommunityRole.VALIDATOR)


def test_changing_to_the_same_role_records_nothing(coordinator, member):
    memberships.change_role(coordinator, member.memberships[0], CommunityRole.MEMBER)
    assert db.session.scalar(sa.select(AuditEvent).filter_by(action="membership.role")) is None
    assert _kinds(member) == []


def test_leaving_twice_is_refused(community, member):
    memberships.leave(member, community)
    assert member.memberships[0].status == MembershipStatus.LEFT
    with pytest.raises(DomainError):
        memberships.leave(member, community)


def test_audit_log_labels_actions_and_values(community, coordinator, member):
    memberships.change_role(coordinator, member.memberships[0], CommunityRole.FOCAL_POINT)
    [entry] = audit.entries(community)
    assert entry.actor.id == coordinator.id and entry.what == "Role changed"
    assert ("Role", "Member", "Focal point") in entry.changes
    assert ("Person", member.name, member.name) in entry.changes
