"""Who sees, organises and registers for events (public once published); and as a query."""

from typing import Any

import sqlalchemy as sa

from ..extensions import db
from ..models import (
    CommunityRole,
    Event,
    EventKind,
    EventRegistration,
    EventStatus,
    Membership,
    MembershipStatus,
    RegistrationStatus,
    event_community,
)
from .people import community_roles, is_secretariat, is_signed_in


def coordinated_community_ids(user: Any) -> set[int]:
    """The communities the user coordinates."""
    return {cid for cid, role in community_roles(user).items() if role == CommunityRole.COORDINATOR}


def may_create_event(user: Any, _obj: Any = None) -> bool:
    """The Secretariat, and coordinators (for their communities' workshops)."""
    return is_secretariat(user) or bool(coordinated_community_ids(user))


def manages_event(user: Any, event: Event) -> bool:
    """The Secretariat any event; a coordinator the workshops of a community they coordinate."""
    if is_secretariat(user):
        return True
    if not is_signed_in(user) or event.kind != EventKind.WORKSHOP:
        return False
    mine = coordinated_community_ids(user)
    return any(community.id in mine for community in event.communities)


def may_view_event(user: Any, event: Event) -> bool:
    """Published (or cancelled after publication) events are public; drafts are their organisers'."""
    return event.is_public or manages_event(user, event)


def may_register_for_event(user: Any, event: Event) -> bool:
    """Who may ask; the service then checks the deadline, the capacity and an earlier registration."""
    return is_signed_in(user) and event.status == EventStatus.PUBLISHED and event.registration_open


def reads_event_room(user: Any, event: Event) -> bool:
    """An event's room is for its organisers and the people holding a place."""
    return manages_event(user, event) or is_registered_for(user, event)


def is_registered_for(user: Any, event: Event) -> bool:
    """Whether the user holds a place at the event (registered, not waiting, not cancelled)."""
    if not is_signed_in(user):
        return False
    query = sa.select(EventRegistration.id).where(
        EventRegistration.event_id == event.id,
        EventRegistration.user_id == user.id,
        EventRegistration.status == RegistrationStatus.REGISTERED,
    )
    return db.session.scalar(query) is not None


def managed_event_ids(user: Any) -> sa.Select:
    """Workshops of the communities the user coordinates (the Secretariat is handled by the callers)."""
    own = sa.orm.aliased(Membership)
    coordinated = sa.select(own.community_id).where(
        own.user_id == user.id, own.status == MembershipStatus.ACTIVE, own.role == CommunityRole.COORDINATOR
    )
    return (
        sa.select(event_community.c.event_id)
        .join(Event, Event.id == event_community.c.event_id)
        .where(Event.kind == EventKind.WORKSHOP, event_community.c.community_id.in_(coordinated))
    )


def events_visible_to(user: Any) -> sa.ColumnElement[bool]:
    """SQL condition on Event equal to `can(user, "events.view", event)`."""
    public = sa.or_(
        Event.status == EventStatus.PUBLISHED,
        sa.and_(Event.status == EventStatus.CANCELLED, Event.published_at.is_not(None)),
    )
    if is_secretariat(user):
        return sa.true()
    if not is_signed_in(user):
        return public
    return sa.or_(public, Event.id.in_(managed_event_ids(user)))
