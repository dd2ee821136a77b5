"""Recording who changed what, inside the caller's transaction: a change and its record commit together."""

from typing import Any

import sqlalchemy as sa

from ..extensions import db
from ..models import AuditEvent, PortCommunity, User


def record(
    actor: User | None,
    action: str,
    subject: Any,
    *,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    community: PortCommunity | None = None,
) -> AuditEvent:
    """Add an audit event for `subject` (a model instance) to the session; the caller commits."""
    event = AuditEvent(
        actor_id=actor.id if actor is not None and getattr(actor, "is_authenticated", False) else None,
        action=action,
        subject_type=type(subject).__name__,
        subject_id=getattr(subject, "id", None),
        community_id=community.id if community is not None else None,
        old=_plain(old),
        new=_plain(new),
    )
    db.session.add(event)
    return event


def _plain(values: dict[str, Any] | None) -> dict[str, Any] | None:
    """JSON-safe copy: enums become their values, dates their ISO text."""
    if values is None:
        return None
    return {key: getattr(value, "value", None) or _iso(value) for key, value in values.items()}


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def events(*, community: PortCommunity | None = None, limit: int = 200) -> list[AuditEvent]:
    """Most recent audit events, optionally for one community."""
    query = sa.select(AuditEvent).order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc()).limit(limit)
    if community is not None:
        query = query.where(AuditEvent.community_id == community.id)
    return list(db.session.scalars(query))
