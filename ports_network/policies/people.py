"""Who someone is in the network: signed in, Secretariat, their roles in communities; the rules on
communities, memberships and profiles."""

from typing import Any

import sqlalchemy as sa
from flask import g, has_request_context

from ..extensions import db
from ..models import (
    CommunityRole,
    Invitation,
    JoinRequest,
    Membership,
    MembershipStatus,
    PortCommunity,
    RequestStatus,
    User,
    Visibility,
)


def is_signed_in(user: Any) -> bool:
    """An authenticated, active account."""
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_secretariat(user: Any) -> bool:
    """A Technical Secretariat administrator."""
    return is_signed_in(user) and user.is_secretariat


ROLES_CACHE = "security_community_roles"  # flask.g key: {user id: {community id: role}} for this request


def community_roles(user: Any) -> dict[int, CommunityRole]:
    """The user's role in each community where their membership is active.

    Asked by almost every rule, often many times per page, so a request remembers the answer until its
    session next writes (flush, commit or rollback): a change of membership is seen at once.
    """
    if not is_signed_in(user):
        return {}
    remembered = g.setdefault(ROLES_CACHE, {}) if has_request_context() else {}
    if user.id not in remembered:
        rows = db.session.execute(
            sa.select(Membership.community_id, Membership.role).where(
                Membership.user_id == user.id, Membership.status == MembershipStatus.ACTIVE
            )
        )
        remembered[user.id] = {community_id: role for community_id, role in rows}
    return remembered[user.id]


def _forget_roles(*_args: Any) -> None:
    if has_request_context():
        g.pop(ROLES_CACHE, None)


for _event in ("after_flush", "after_commit", "after_soft_rollback"):
    sa.event.listen(sa.orm.Session, _event, _forget_roles)


def role_in(user: Any, community: PortCommunity) -> CommunityRole | None:
    """The user's active role in one community, or None."""
    return community_roles(user).get(community.id)


def is_network_member(user: Any) -> bool:
    """Active member of at least one community, or Secretariat."""
    return is_secretariat(user) or bool(community_roles(user))


def coordinates(user: Any, community: PortCommunity) -> bool:
    """The Secretariat, or a coordinator of the community."""
    return is_secretariat(user) or role_in(user, community) == CommunityRole.COORDINATOR


def member_of(user: Any, community: PortCommunity) -> bool:
    """The Secretariat, or an active member of the community (any role)."""
    return is_secretariat(user) or role_in(user, community) is not None


def may_request_join(user: Any, community: PortCommunity) -> bool:
    """A confirmed account with no role there may ask to join a live community."""
    return (
        is_signed_in(user)
        and user.is_confirmed
        and not community.is_archived
        and role_in(user, community) is None
    )


def may_withdraw_request(user: Any, join_request: JoinRequest) -> bool:
    """The requester, while the request is pending."""
    return (
        is_signed_in(user)
        and join_request.user_id == user.id
        and join_request.status == RequestStatus.PENDING
    )


def may_accept_invitation(user: Any, invitation: Invitation) -> bool:
    """The invited address's owner, once, while the community is live and they are not a member."""
    return (
        is_signed_in(user)
        and invitation.status == RequestStatus.PENDING
        and not invitation.community.is_archived
        and (user.email or "").casefold() == invitation.email.casefold()
        and role_in(user, invitation.community) is None
    )


def may_view_community(user: Any, community: PortCommunity) -> bool:
    """Live communities are public; archived ones the Secretariat's."""
    return not community.is_archived or is_secretariat(user)


def may_view_profile(viewer: Any, person: User) -> bool:
    """By the person's visibility: themselves and the Secretariat; the network; those sharing a community."""
    if not is_signed_in(viewer) or person.is_deleted:
        return False
    if viewer.id == person.id or is_secretariat(viewer):
        return True
    if person.visibility == Visibility.NETWORK:
        return is_network_member(viewer)
    if person.visibility == Visibility.COMMUNITY:
        return bool(community_roles(viewer).keys() & community_roles(person).keys())
    return False


def active_community_ids(user_id_column: Any) -> sa.Select:
    """An alias, so this never correlates with a `membership` table of an enclosing query."""
    own = sa.orm.aliased(Membership)
    return sa.select(own.community_id).where(
        own.user_id == user_id_column, own.status == MembershipStatus.ACTIVE
    )


def profiles_visible_to(viewer: Any) -> sa.ColumnElement[bool]:
    """SQL condition on User equal to `can(viewer, "users.view_profile", user)`."""
    if not is_signed_in(viewer):
        return sa.false()
    alive = User.deleted_at.is_(None)
    if is_secretariat(viewer):
        return alive
    # Aliased so that it correlates only with User, also inside queries that select memberships.
    theirs = sa.orm.aliased(Membership)
    shares_community = sa.exists(
        sa.select(theirs.id).where(
            theirs.user_id == User.id,
            theirs.status == MembershipStatus.ACTIVE,
            theirs.community_id.in_(active_community_ids(viewer.id)),
        )
    )
    visible = sa.or_(
        User.id == viewer.id,
        sa.and_(User.visibility == Visibility.COMMUNITY, shares_community),
    )
    if is_network_member(viewer):
        visible = sa.or_(visible, User.visibility == Visibility.NETWORK)
    return sa.and_(alive, visible)
