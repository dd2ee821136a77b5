"""Memberships of people in communities: adding, roles, removal, leaving, and each community's audit log."""

from dataclasses import dataclass
from enum import Enum
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import security
from ..errors import DomainError, NotAllowed
from ..extensions import db
from ..labels import label
from ..links import site_path
from ..models import (
    AuditEvent,
    CommunityRole,
    CommunityStatus,
    JoinRequest,
    Membership,
    MembershipStatus,
    Organisation,
    Phase,
    PortCommunity,
    RequestStatus,
    SupportStage,
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


def coordinators(community: PortCommunity) -> list[User]:
    """The community's active coordinators."""
    return list(
        db.session.scalars(
            sa.select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.community_id == community.id,
                Membership.status == MembershipStatus.ACTIVE,
                Membership.role == CommunityRole.COORDINATOR,
                User.deleted_at.is_(None),
            )
            .order_by(User.id)
        )
    )


def reviewers(community: PortCommunity) -> list[User]:
    """Who decides on requests to join: the coordinators, or the Secretariat when there are none."""
    return coordinators(community) or list(
        db.session.scalars(
            sa.select(User)
            .where(User.is_secretariat.is_(True), User.deleted_at.is_(None), User.is_disabled.is_(False))
            .order_by(User.id)
        )
    )


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


def leave(user: User, community: PortCommunity) -> None:
    """A member leaves a community of their own accord."""
    membership = active_membership(user, community)
    if membership is None:
        raise DomainError(_("You are not a member of this community."))
    _check_not_last_coordinator(user, membership)
    _end(user, membership, MembershipStatus.LEFT, "membership.leave")
    db.session.commit()


def expire_invitations() -> int:
    """Revoke pending invitations older than INVITATION_MAX_AGE (hourly job); returns how many."""
    from .invitations import expire_pending

    return expire_pending()


ACTION_LABELS: dict[str, Any] = {
    "community.create": _l("Community created"),
    "community.update": _l("Community changed"),
    "community.archive": _l("Community archived"),
    "membership.add": _l("Member added"),
    "membership.role": _l("Role changed"),
    "membership.remove": _l("Member removed"),
    "membership.leave": _l("Member left"),
    "join_request.create": _l("Request to join sent"),
    "join_request.withdraw": _l("Request to join withdrawn"),
    "join_request.approve": _l("Request to join approved"),
    "join_request.reject": _l("Request to join rejected"),
    "invitation.create": _l("Invitation sent"),
    "invitation.accept": _l("Invitation accepted"),
    "invitation.revoke": _l("Invitation revoked"),
    "invitation.expire": _l("Invitation expired"),
}
FIELD_LABELS: dict[str, Any] = {
    "person": _l("Person"),
    "organisation": _l("Organisation"),
    "role": _l("Role"),
    "status": _l("Status"),
    "email": _l("Email"),
    "message": _l("Message"),
    "name": _l("Name"),
    "slug": _l("Web address"),
    "country_id": _l("Country"),
    "port_ids": _l("Ports"),
    "phase": _l("Phase"),
    "joined_year": _l("Year joined"),
    "support_stage": _l("Support stage"),
    "mou_signed": _l("Memorandum of Understanding signed"),
    "mou_signed_on": _l("Date the MoU was signed"),
    "mou_signatory": _l("Who signed the MoU"),
    "description": _l("Description"),
}
# Stored enum values are shown with their translated labels; "active" means the same in both enums.
VALUE_ENUMS: dict[str, tuple[type[Enum], ...]] = {
    "role": (CommunityRole,),
    "status": (RequestStatus, MembershipStatus, CommunityStatus),
    "phase": (Phase,),
    "support_stage": (SupportStage,),
}


def _shown(key: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    for enum_cls in VALUE_ENUMS.get(key, ()):
        if value in {member.value for member in enum_cls}:
            return label(enum_cls(value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    return str(value)


@dataclass(frozen=True)
class AuditEntry:
    """One audit event as the community log shows it: who, what, when and old -> new, ready to print."""

    event: AuditEvent
    actor: User | None
    what: str
    changes: list[tuple[str, str, str]]


def _entry(event: AuditEvent, actors: dict[int, User]) -> AuditEntry:
    old, new = event.old or {}, event.new or {}
    keys = sorted(old.keys() | new.keys())
    return AuditEntry(
        event=event,
        actor=actors.get(event.actor_id) if event.actor_id else None,
        what=str(ACTION_LABELS.get(event.action, event.action)),
        changes=[
            (str(FIELD_LABELS.get(key, key)), _shown(key, old.get(key)), _shown(key, new.get(key)))
            for key in keys
        ],
    )


def audit_log(community: PortCommunity, limit: int = 200) -> list[AuditEntry]:
    """The community's newest audit events with their actors loaded in one query."""
    events = audit.events(community=community, limit=limit)
    actor_ids = {event.actor_id for event in events if event.actor_id}
    actors = {user.id: user for user in db.session.scalars(sa.select(User).where(User.id.in_(actor_ids)))}
    return [_entry(event, actors) for event in events]
