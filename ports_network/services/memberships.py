"""Memberships of people in communities: adding, roles, removal and leaving."""

from collections.abc import Collection

import sqlalchemy as sa
from flask_babel import gettext as _

from .. import realtime, security
from ..errors import DomainError, NotAllowed
from ..extensions import db
from ..links import site_path
from ..models import (
    CommunityRole,
    JoinRequest,
    Membership,
    MembershipStatus,
    Organisation,
    PortCommunity,
    RequestStatus,
    User,
)
from ..models.base import utcnow
from . import audit, notifications


def active_membership(user: User, community: PortCommunity) -> Membership | None:
    """The user's active membership in the community, if any."""
    return db.session.scalar(
        sa.select(Membership).where(
            Membership.user_id == user.id,
            Membership.community_id == community.id,
            Membership.status == MembershipStatus.ACTIVE,
        )
    )


def organisation_choices(community: PortCommunity, extra_ids: set[int] | None = None) -> list[Organisation]:
    """Live organisations of the community's country, plus the given ones (e.g. the person's own)."""
    in_country = sa.and_(Organisation.country_id == community.country_id, Organisation.archived_at.is_(None))
    condition = sa.or_(in_country, Organisation.id.in_(extra_ids)) if extra_ids else in_country
    return list(db.session.scalars(sa.select(Organisation).where(condition).order_by(Organisation.name)))


def _check_organisation(organisation: Organisation | None, keep: int | None = None) -> Organisation:
    if organisation is None or (organisation.archived_at is not None and organisation.id != keep):
        raise DomainError(_("Choose one of the listed organisations."), field="organisation_id")
    return organisation


def add_member(
    actor: User | None,
    community: PortCommunity,
    user: User,
    organisation: Organisation | None,
    role: CommunityRole,
) -> Membership:
    """Start an active membership (the caller commits); closes the person's other pending requests."""
    if community.is_archived:
        raise DomainError(_("This community is archived and takes no new members."))
    if active_membership(user, community) is not None:
        raise DomainError(_("%(person)s is already a member of this community.", person=user.name))
    # Pending requests of the person close first, so the update does not flush the new membership early.
    db.session.execute(
        sa.update(JoinRequest)
        .where(
            JoinRequest.user_id == user.id,
            JoinRequest.community_id == community.id,
            JoinRequest.status == RequestStatus.PENDING,
        )
        .values(status=RequestStatus.WITHDRAWN, decided_at=utcnow())
    )
    membership = Membership(
        user=user,
        community=community,
        organisation=_check_organisation(organisation),
        role=CommunityRole(role),
    )
    db.session.add(membership)
    try:
        db.session.flush()
    except sa.exc.IntegrityError:  # the person became a member another way at the same moment
        db.session.rollback()
        raise DomainError(_("%(person)s is already a member of this community.", person=user.name)) from None
    audit.record(
        actor,
        "membership.add",
        membership,
        community=community,
        new={"person": user.name, "organisation": membership.organisation.name, "role": membership.role},
    )
    return membership


def apply_role(
    actor: User | None, membership: Membership, role: CommunityRole, organisation: Organisation | None = None
) -> Membership:
    """Set a membership's role (and organisation); audits and notifies when it changed. The caller commits."""
    role = CommunityRole(role)
    organisation = _check_organisation(
        organisation or membership.organisation, keep=membership.organisation_id
    )
    old = {"role": membership.role, "organisation": membership.organisation.name}
    membership.role, membership.organisation = role, organisation
    new = {"role": role, "organisation": organisation.name}
    changed = [key for key in new if old[key] != new[key]]
    if not changed:
        return membership
    audit.record(
        actor,
        "membership.role",
        membership,
        community=membership.community,
        old={"person": membership.user.name} | {key: old[key] for key in changed},
        new={"person": membership.user.name} | {key: new[key] for key in changed},
    )
    if old["role"] != role and getattr(actor, "id", None) != membership.user_id:
        notifications.notify(
            membership.user,
            "membership.role_changed",
            params={"community": membership.community.name, "role": role.value},
            link=site_path("communities.show", slug=membership.community.slug),
        )
    return membership


def members(community: PortCommunity) -> list[Membership]:
    """Every active membership of the community (hidden people included), with person and organisation."""
    return list(
        db.session.scalars(
            sa.select(Membership)
            .join(Membership.user)
            .where(Membership.community_id == community.id, Membership.status == MembershipStatus.ACTIVE)
            .options(sa.orm.contains_eager(Membership.user), sa.orm.joinedload(Membership.organisation))
            .order_by(User.name, User.id)
        )
    )


def member_of(community: PortCommunity, membership_id: int) -> Membership | None:
    """An active membership of this community by id (None when it is not one)."""
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.community_id != community.id or not membership.is_active:
        return None
    return membership


def members_with_roles(
    community_id: int, roles: Collection[CommunityRole], *, reachable: bool = False
) -> list[User]:
    """Active members of the community with one of `roles`, by id; `reachable` drops disabled accounts."""
    conditions = [
        Membership.community_id == community_id,
        Membership.status == MembershipStatus.ACTIVE,
        Membership.role.in_(list(roles)),
        User.deleted_at.is_(None),
    ]
    if reachable:
        conditions.append(User.is_disabled.is_(False))
    query = sa.select(User).join(Membership, Membership.user_id == User.id).where(*conditions)
    return list(db.session.scalars(query.order_by(User.id)))


def secretariat() -> list[User]:
    """The Technical Secretariat's live accounts (neither deleted nor disabled), by id."""
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.is_secretariat.is_(True), User.deleted_at.is_(None), User.is_disabled.is_(False))
            .order_by(User.id)
        )
    )


def coordinators(community: PortCommunity) -> list[User]:
    """The community's active coordinators."""
    return members_with_roles(community.id, {CommunityRole.COORDINATOR})


def reviewers(community: PortCommunity) -> list[User]:
    """Who decides on requests to join: the coordinators, or the Secretariat when there are none."""
    return coordinators(community) or secretariat()


def _ensure_manager(actor: User, community: PortCommunity) -> None:
    if not security.can(actor, "communities.manage_members", community):
        raise NotAllowed(_("Only the community's coordinators can manage its members."))


def _check_not_last_coordinator(actor: User, membership: Membership) -> None:
    """A community is never left without a coordinator by its own coordinator; the Secretariat may."""
    if membership.role != CommunityRole.COORDINATOR or security.is_secretariat(actor):
        return
    if len(coordinators(membership.community)) <= 1:
        raise DomainError(
            _(
                "You are the only coordinator of this community. Name another coordinator first, "
                "or ask the Technical Secretariat."
            )
        )


def change_role(actor: User, membership: Membership, role: CommunityRole) -> Membership:
    """A coordinator (or the Secretariat) changes a member's role."""
    _ensure_manager(actor, membership.community)
    if not membership.is_active:
        raise DomainError(_("This membership has ended."))
    if CommunityRole(role) != CommunityRole.COORDINATOR:
        _check_not_last_coordinator(actor, membership)
    apply_role(actor, membership, role)
    db.session.commit()
    return membership


def _end(actor: User, membership: Membership, status: MembershipStatus, action: str) -> None:
    old_status = membership.status
    membership.status, membership.ended_at = status, utcnow()
    audit.record(
        actor,
        action,
        membership,
        community=membership.community,
        old={"person": membership.user.name, "status": old_status},
        new={"person": membership.user.name, "status": status},
    )


def remove_member(actor: User, membership: Membership) -> None:
    """A coordinator (or the Secretariat) ends someone's membership; the person is told."""
    _ensure_manager(actor, membership.community)
    if not membership.is_active:
        raise DomainError(_("This membership has already ended."))
    _check_not_last_coordinator(actor, membership)
    _end(actor, membership, MembershipStatus.REMOVED, "membership.remove")
    if actor.id != membership.user_id:
        notifications.notify(
            membership.user,
            "membership.removed",
            params={"community": membership.community.name},
            link=site_path("communities.show", slug=membership.community.slug),
        )
    db.session.commit()
    realtime.evict_from_community_rooms(membership.user_id, membership.community_id)


def leave(user: User, community: PortCommunity) -> None:
    """A member leaves a community of their own accord."""
    membership = active_membership(user, community)
    if membership is None:
        raise DomainError(_("You are not a member of this community."))
    _check_not_last_coordinator(user, membership)
    _end(user, membership, MembershipStatus.LEFT, "membership.leave")
    db.session.commit()
    realtime.evict_from_community_rooms(user.id, community.id)


def expire_invitations() -> int:
    """Revoke pending invitations older than INVITATION_MAX_AGE (hourly job); returns how many."""
    from .invitations import expire_pending

    return expire_pending()
