"""Requests to join a community: sent by a person, withdrawn by them, decided by the coordinators."""

from dataclasses import dataclass
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask_babel import gettext as _

from .. import security
from ..errors import DomainError, NotAllowed
from ..extensions import db
from ..labels import label
from ..links import site_path
from ..models import (
    CommunityRole,
    JoinRequest,
    Membership,
    MembershipStatus,
    Organisation,
    PortCommunity,
    RequestStatus,
    Sector,
    StakeholderType,
    User,
)
from ..models.base import utcnow
from . import audit, memberships, notifications, organisations
from .text_input import one_line

MAX_NAME = 200
MAX_WEBSITE = 300
MAX_MOTIVATION = 2000


@dataclass(frozen=True)
class JoinRequestData:
    """An existing organisation (`organisation_id`) or a proposed new one, and an optional motivation."""

    organisation_id: int | None = None
    proposed_name: str | None = None
    proposed_type: StakeholderType | None = None
    proposed_sector: Sector | None = None
    proposed_website: str | None = None
    motivation: str | None = None


def organisation_options(user: User, community: PortCommunity) -> list[Organisation]:
    """Organisations a person may join for: live ones of the community's country and their own."""
    own = set(
        db.session.scalars(
            sa.select(Membership.organisation_id).where(
                Membership.user_id == user.id, Membership.status == MembershipStatus.ACTIVE
            )
        )
    )
    return memberships.organisation_choices(community, own)


def pending_request(user: User, community: PortCommunity) -> JoinRequest | None:
    """The person's pending request to join the community, if any."""
    if not security.is_signed_in(user):
        return None
    return db.session.scalar(
        sa.select(JoinRequest).where(
            JoinRequest.user_id == user.id,
            JoinRequest.community_id == community.id,
            JoinRequest.status == RequestStatus.PENDING,
        )
    )


def pending_for(community: PortCommunity) -> list[JoinRequest]:
    """The community's pending requests, oldest first, with person and organisation loaded."""
    return list(
        db.session.scalars(
            sa.select(JoinRequest)
            .where(JoinRequest.community_id == community.id, JoinRequest.status == RequestStatus.PENDING)
            .options(sa.orm.joinedload(JoinRequest.user), sa.orm.joinedload(JoinRequest.organisation))
            .order_by(JoinRequest.created_at, JoinRequest.id)
        )
    )


def request_of(community: PortCommunity, request_id: int) -> JoinRequest | None:
    """A request to join this community by id."""
    join_request = db.session.get(JoinRequest, request_id)
    return join_request if join_request is not None and join_request.community_id == community.id else None


def _clean_website(raw: str | None) -> str | None:
    url = (raw or "").strip()
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname or " " in url or len(url) > MAX_WEBSITE:
        raise DomainError(
            _("Enter a web address starting with http:// or https://."), field="proposed_website"
        )
    return url


def _fill_organisation(
    join_request: JoinRequest, user: User, community: PortCommunity, data: JoinRequestData
) -> None:
    """Exactly one of an existing organisation (among the options) or a complete proposal."""
    name = one_line(data.proposed_name)
    if bool(data.organisation_id) == bool(name):
        raise DomainError(
            _("Choose your organisation from the list, or propose a new one, but not both."),
            field="organisation_id",
        )
    if data.organisation_id:
        options = {organisation.id for organisation in organisation_options(user, community)}
        if data.organisation_id not in options:
            raise DomainError(_("Choose one of the listed organisations."), field="organisation_id")
        join_request.organisation_id = data.organisation_id
        return
    if len(name) > MAX_NAME:
        raise DomainError(_("The name is too long."), field="proposed_name")
    if data.proposed_type is None:
        raise DomainError(_("Choose the kind of organisation."), field="proposed_type")
    if data.proposed_sector is None:
        raise DomainError(_("Choose the sector."), field="proposed_sector")
    join_request.proposed_name = name
    join_request.proposed_type = StakeholderType(data.proposed_type)
    join_request.proposed_sector = Sector(data.proposed_sector)
    join_request.proposed_website = _clean_website(data.proposed_website)


def _already_pending() -> DomainError:
    return DomainError(
        _("You have already asked to join this community; your request is waiting for a decision.")
    )


def request_to_join(user: User, community: PortCommunity, data: JoinRequestData) -> JoinRequest:
    """A signed-in, confirmed person asks to join; the coordinators (or the Secretariat) are told."""
    if not security.can(user, "communities.request_join", community):
        raise NotAllowed(_("You cannot ask to join this community."))
    if pending_request(user, community) is not None:
        raise _already_pending()
    motivation = (data.motivation or "").strip() or None
    if motivation and len(motivation) > MAX_MOTIVATION:
        raise DomainError(_("Please keep the motivation under 2000 characters."), field="motivation")
    join_request = JoinRequest(user_id=user.id, community_id=community.id, motivation=motivation)
    _fill_organisation(join_request, user, community, data)
    db.session.add(join_request)
    try:
        db.session.flush()
    except sa.exc.IntegrityError:  # a second submission raced the first past the check above
        db.session.rollback()
        raise _already_pending() from None
    audit.record(
        user,
        "join_request.create",
        join_request,
        community=community,
        new={"person": user.name, "organisation": join_request.organisation_label},
    )
    params = {
        "person": user.name,
        "community": community.name,
        "organisation": join_request.organisation_label,
    }
    for reviewer in memberships.reviewers(community):
        notifications.notify(
            reviewer,
            "join_request.received",
            params=params,
            link=site_path("communities.requests", slug=community.slug),
        )
    db.session.commit()
    return join_request


def _decide(
    actor: User | None, join_request: JoinRequest, status: RequestStatus, message: str | None
) -> None:
    """Move a pending request to `status` with a conditional update, so two decisions never both win."""
    previous = join_request.status
    decided = db.session.execute(
        sa.update(JoinRequest)
        .where(JoinRequest.id == join_request.id, JoinRequest.status == RequestStatus.PENDING)
        .values(
            status=status,
            decided_by_id=getattr(actor, "id", None),
            decided_at=utcnow(),
            decision_message=message,
        )
    ).rowcount
    if decided != 1:
        db.session.rollback()
        db.session.refresh(join_request)
        raise DomainError(
            _("This request was already decided (%(status)s).", status=label(join_request.status))
        )
    audit.record(
        actor,
        f"join_request.{_VERBS[status]}",
        join_request,
        community=join_request.community,
        old={"person": join_request.user.name, "status": previous},
        new={"person": join_request.user.name, "status": status, "message": message},
    )


_VERBS = {
    RequestStatus.APPROVED: "approve",
    RequestStatus.REJECTED: "reject",
    RequestStatus.WITHDRAWN: "withdraw",
}


def withdraw(user: User, join_request: JoinRequest) -> None:
    """The person who asked takes their pending request back."""
    if join_request.user_id != getattr(user, "id", None):
        raise NotAllowed(_("Only the person who asked can withdraw this request."))
    _decide(user, join_request, RequestStatus.WITHDRAWN, None)
    db.session.commit()


def _organisation_for(actor: User, join_request: JoinRequest) -> Organisation:
    if join_request.organisation is not None:
        return join_request.organisation
    return organisations.find_or_create(
        join_request.proposed_name or "",
        join_request.proposed_type or StakeholderType.LOGISTICS_COMPANY,
        join_request.proposed_sector or Sector.PRIVATE,
        join_request.community.country,
        join_request.proposed_website,
        actor,
    )


def approve(actor: User, join_request: JoinRequest, message: str | None = None) -> Membership:
    """Accept the request: the organisation (if proposed) and an active membership are created."""
    community = join_request.community
    if not security.can(actor, "communities.manage_members", community):
        raise NotAllowed(_("Only the community's coordinators can decide on requests."))
    _decide(actor, join_request, RequestStatus.APPROVED, (message or "").strip() or None)
    try:
        organisation = _organisation_for(actor, join_request)
        membership = memberships.add_member(
            actor, community, join_request.user, organisation, CommunityRole.MEMBER
        )
    except DomainError:
        db.session.rollback()  # the request stays pending
        raise
    notifications.notify(
        join_request.user,
        "join_request.approved",
        params={"community": community.name, "message": join_request.decision_message or ""},
        link=site_path("communities.show", slug=community.slug),
    )
    db.session.commit()
    return membership


def reject(actor: User, join_request: JoinRequest, message: str | None) -> None:
    """Turn the request down; the person is told why, so a message is required."""
    community = join_request.community
    if not security.can(actor, "communities.manage_members", community):
        raise NotAllowed(_("Only the community's coordinators can decide on requests."))
    message = (message or "").strip()
    if not message:
        raise DomainError(_("Tell the person why their request is not approved."), field="message")
    _decide(actor, join_request, RequestStatus.REJECTED, message)
    notifications.notify(
        join_request.user,
        "join_request.rejected",
        params={"community": community.name, "message": message},
        link=site_path("communities.show", slug=community.slug),
    )
    db.session.commit()
