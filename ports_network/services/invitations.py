"""Invitations by email: a coordinator invites, the person accepts through a signed link, old ones expire."""

import re
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from .. import security
from ..errors import DomainError, NotAllowed
from ..extensions import db
from ..labels import label
from ..links import external_url
from ..models import (
    CommunityRole,
    Invitation,
    Membership,
    MembershipStatus,
    Organisation,
    PortCommunity,
    RequestStatus,
    User,
)
from ..models.base import utcnow
from . import audit, mail, memberships, tokens

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_EMAIL = 254
TOKEN_PURPOSE = "invite"


def _max_age() -> int:
    return int(current_app.config["INVITATION_MAX_AGE"])


def pending_for(community: PortCommunity) -> list[Invitation]:
    """The community's invitations waiting for an answer, newest first."""
    return list(
        db.session.scalars(
            sa.select(Invitation)
            .where(Invitation.community_id == community.id, Invitation.status == RequestStatus.PENDING)
            .options(sa.orm.joinedload(Invitation.organisation), sa.orm.joinedload(Invitation.invited_by))
            .order_by(Invitation.created_at.desc(), Invitation.id.desc())
        )
    )


def organisation_options(community: PortCommunity) -> list[Organisation]:
    """Organisations one may be invited for: live ones of the country and those already in the community."""
    represented = set(
        db.session.scalars(
            sa.select(Membership.organisation_id).where(
                Membership.community_id == community.id, Membership.status == MembershipStatus.ACTIVE
            )
        )
    )
    return memberships.organisation_choices(community, represented)


def _clean_email(raw: str | None) -> str:
    email = (raw or "").strip().lower()
    if not EMAIL_PATTERN.match(email) or len(email) > MAX_EMAIL:
        raise DomainError(_("Enter a valid email address."), field="email")
    return email


def _check_invitable(community: PortCommunity, email: str) -> None:
    already_member = db.session.scalar(
        sa.select(Membership.id)
        .join(User, User.id == Membership.user_id)
        .where(
            Membership.community_id == community.id,
            Membership.status == MembershipStatus.ACTIVE,
            sa.func.lower(User.email) == email,
        )
    )
    if already_member is not None:
        raise DomainError(_("The person with this email address is already a member."), field="email")
    already_invited = db.session.scalar(
        sa.select(Invitation.id).where(
            Invitation.community_id == community.id,
            Invitation.status == RequestStatus.PENDING,
            sa.func.lower(Invitation.email) == email,
        )
    )
    if already_invited is not None:
        raise DomainError(
            _("This address already has a pending invitation. Revoke it first to send a new one."),
            field="email",
        )


def invite(
    actor: User, community: PortCommunity, email: str, organisation_id: int | None, role: CommunityRole
) -> Invitation:
    """Invite someone by email for an organisation, with a role; the mail holds a signed link."""
    if not security.can(actor, "communities.manage_members", community):
        raise NotAllowed(_("Only the community's coordinators can invite people."))
    if community.is_archived:
        raise DomainError(_("This community is archived and takes no new members."))
    email = _clean_email(email)
    _check_invitable(community, email)
    options = {organisation.id: organisation for organisation in organisation_options(community)}
    if organisation_id not in options:
        raise DomainError(_("Choose one of the listed organisations."), field="organisation_id")
    invitation = Invitation(
        email=email,
        community_id=community.id,
        organisation_id=organisation_id,
        role=CommunityRole(role),
        invited_by_id=actor.id,
    )
    db.session.add(invitation)
    db.session.flush()
    audit.record(
        actor,
        "invitation.create",
        invitation,
        community=community,
        new={"email": email, "organisation": options[organisation_id].name, "role": invitation.role},
    )
    _send(actor, invitation, community, options[organisation_id].name)
    db.session.commit()
    return invitation


def _send(actor: User, invitation: Invitation, community: PortCommunity, organisation: str) -> None:
    existing = db.session.scalar(sa.select(User).where(sa.func.lower(User.email) == invitation.email))
    locale = existing.preferred_locale if existing is not None else actor.preferred_locale
    mail.queue_templated(
        invitation.email,
        locale,
        "invitation",
        inviter=actor.name,
        community=community.name,
        organisation=organisation,
        role=invitation.role,
        label=label,
        email=invitation.email,
        days=max(1, _max_age() // 86400),
        link=external_url(
            "communities.accept_invitation", token=tokens.make_token(TOKEN_PURPOSE, invitation.id)
        ),
    )


def from_token(token: str) -> Invitation:
    """The invitation a link points at; DomainError when the link is invalid or expired."""
    invitation_id = tokens.read_token(TOKEN_PURPOSE, token, _max_age())
    invitation = db.session.get(Invitation, invitation_id) if isinstance(invitation_id, int) else None
    if invitation is None:
        raise DomainError(_("This link is not valid."))
    return invitation


def problem_with(user: User, invitation: Invitation) -> str | None:
    """Why this person cannot accept the invitation (a message to show them), or None when they can."""
    if invitation.status != RequestStatus.PENDING:
        return _("This invitation is no longer open (%(status)s).", status=label(invitation.status))
    if invitation.community.is_archived:
        return _("This community is archived and takes no new members.")
    if (user.email or "").casefold() != invitation.email.casefold():
        return _(
            "This invitation was sent to another email address. Sign in with the address that received "
            "it, or register with it."
        )
    if memberships.active_membership(user, invitation.community) is not None:
        return _("You are already a member of this community.")
    return None


def accept(user: User, invitation: Invitation) -> Membership:
    """The invited person (signed in with the invited address) accepts and becomes a member."""
    problem = problem_with(user, invitation)
    if problem:
        raise DomainError(problem)
    membership = memberships.add_member(
        user, invitation.community, user, invitation.organisation, invitation.role
    )
    invitation.status = RequestStatus.ACCEPTED
    invitation.accepted_by_id = user.id
    invitation.decided_at = utcnow()
    audit.record(
        user,
        "invitation.accept",
        invitation,
        community=invitation.community,
        old={"email": invitation.email, "status": RequestStatus.PENDING},
        new={"email": invitation.email, "status": RequestStatus.ACCEPTED},
    )
    db.session.commit()
    return membership


def _close(actor: User | None, invitation: Invitation, action: str, now: datetime) -> None:
    invitation.status, invitation.decided_at = RequestStatus.REVOKED, now
    audit.record(
        actor,
        action,
        invitation,
        community=invitation.community,
        old={"email": invitation.email, "status": RequestStatus.PENDING},
        new={"email": invitation.email, "status": RequestStatus.REVOKED},
    )


def invitation_of(community: PortCommunity, invitation_id: int) -> Invitation | None:
    """An invitation of this community by id."""
    invitation = db.session.get(Invitation, invitation_id)
    return invitation if invitation is not None and invitation.community_id == community.id else None


def revoke(actor: User, invitation: Invitation) -> None:
    """A coordinator withdraws a pending invitation; its link stops working."""
    if not security.can(actor, "communities.manage_members", invitation.community):
        raise NotAllowed(_("Only the community's coordinators can revoke invitations."))
    if invitation.status != RequestStatus.PENDING:
        raise DomainError(
            _("This invitation is no longer open (%(status)s).", status=label(invitation.status))
        )
    _close(actor, invitation, "invitation.revoke", utcnow())
    db.session.commit()


def expire_pending(now: datetime | None = None) -> int:
    """Mark pending invitations older than INVITATION_MAX_AGE revoked; returns how many."""
    now = now or utcnow()
    stale = db.session.scalars(
        sa.select(Invitation)
        .where(
            Invitation.status == RequestStatus.PENDING,
            Invitation.created_at < now - timedelta(seconds=_max_age()),
        )
        .options(sa.orm.joinedload(Invitation.community))
    ).all()
    for invitation in stale:
        _close(None, invitation, "invitation.expire", now)
    db.session.commit()
    return len(stale)
