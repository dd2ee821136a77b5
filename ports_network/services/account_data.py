"""A person's own data: the export they may download, and deleting (anonymising) their account."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from .. import realtime
from ..extensions import db
from ..models import (
    AuditEvent,
    Invitation,
    JoinRequest,
    Membership,
    MembershipStatus,
    Notification,
    NotificationPreference,
    RequestStatus,
    User,
    Visibility,
)
from ..models.base import utcnow
from ..models.user import DELETED_MEMBER_NAME, new_session_token
from . import audit, notifications, storage
from .accounts import require_password


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _profile(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "email": user.email,
        "email_confirmed_at": _when(user.email_confirmed_at),
        "name": user.name,
        "job_title": user.job_title,
        "phone": user.phone,
        "bio": user.bio,
        "country": user.country.alpha2 if user.country else None,
        "preferred_locale": user.preferred_locale,
        "visibility": user.visibility.value,
        "show_email": user.show_email,
        "show_phone": user.show_phone,
        "profile_picture": user.avatar.original_name if user.avatar else None,
        "is_secretariat": user.is_secretariat,
        "created_at": _when(user.created_at),
        "last_login_at": _when(user.last_login_at),
    }


def _memberships(user: User) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        sa.select(Membership)
        .where(Membership.user_id == user.id)
        .options(selectinload(Membership.community), selectinload(Membership.organisation))
        .order_by(Membership.started_at, Membership.id)
    )
    return [
        {
            "community": row.community.name,
            "organisation": row.organisation.name,
            "role": row.role.value,
            "status": row.status.value,
            "started_at": _when(row.started_at),
            "ended_at": _when(row.ended_at),
        }
        for row in rows
    ]


def _join_requests(user: User) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        sa.select(JoinRequest)
        .where(JoinRequest.user_id == user.id)
        .options(selectinload(JoinRequest.community), selectinload(JoinRequest.organisation))
        .order_by(JoinRequest.created_at, JoinRequest.id)
    )
    return [
        {
            "community": row.community.name,
            "organisation": row.organisation_label,
            "motivation": row.motivation,
            "status": row.status.value,
            "created_at": _when(row.created_at),
            "decided_at": _when(row.decided_at),
            "decision_message": row.decision_message,
        }
        for row in rows
    ]


def _invitations(user: User) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        sa.select(Invitation)
        .where(sa.func.lower(Invitation.email) == user.email.lower())
        .options(selectinload(Invitation.community), selectinload(Invitation.organisation))
        .order_by(Invitation.created_at, Invitation.id)
    )
    return [
        {
            "email": row.email,
            "community": row.community.name,
            "organisation": row.organisation.name,
            "role": row.role.value,
            "status": row.status.value,
            "created_at": _when(row.created_at),
            "decided_at": _when(row.decided_at),
        }
        for row in rows
    ]


def _notifications(user: User) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        sa.select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    )
    return [
        {
            "kind": row.kind,
            "text": notifications.text_of(row, user.preferred_locale),
            "link": row.link,
            "created_at": _when(row.created_at),
            "read_at": _when(row.read_at),
        }
        for row in rows
    ]


def _audit_events(user: User) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.actor_id == user.id).order_by(AuditEvent.id)
    )
    return [
        {
            "action": row.action,
            "subject_type": row.subject_type,
            "subject_id": row.subject_id,
            "created_at": _when(row.created_at),
            "old": row.old,
            "new": row.new,
        }
        for row in rows
    ]


def export_data(user: User) -> dict[str, Any]:
    """Everything the platform holds about the person, as plain JSON-ready data."""
    return {
        "exported_at": _when(utcnow()),
        "profile": _profile(user),
        "memberships": _memberships(user),
        "join_requests": _join_requests(user),
        "invitations": _invitations(user),
        "notifications": _notifications(user),
        "notification_preferences": {
            group: delivery.value for group, delivery in notifications.preferences(user).items()
        },
        "audit_events": _audit_events(user),
    }


def _end_participation(user: User, now: datetime) -> None:
    """Leave every community, withdraw pending requests and drop personal notices."""
    db.session.execute(
        sa.update(Membership)
        .where(Membership.user_id == user.id, Membership.status == MembershipStatus.ACTIVE)
        .values(status=MembershipStatus.LEFT, ended_at=now)
    )
    db.session.execute(
        sa.update(JoinRequest)
        .where(JoinRequest.user_id == user.id, JoinRequest.status == RequestStatus.PENDING)
        .values(status=RequestStatus.WITHDRAWN, decided_at=now)
    )
    db.session.execute(sa.delete(Notification).where(Notification.user_id == user.id))
    db.session.execute(sa.delete(NotificationPreference).where(NotificationPreference.user_id == user.id))


def _anonymise(user: User, now: datetime) -> None:
    """Strip personal data but keep the row, so what the person wrote stays attributed to a deleted member."""
    if user.avatar is not None:
        stored, user.avatar = user.avatar, None
        storage.delete(stored)
    user.name = DELETED_MEMBER_NAME
    user.email = f"deleted-{user.id}@invalid.example"
    user.password_hash = None
    user.job_title = user.phone = user.bio = None
    user.country_id = None
    user.visibility = Visibility.HIDDEN
    user.show_email = user.show_phone = False
    user.is_secretariat = False
    user.deleted_at = now
    user.session_token = new_session_token()  # every session and remember-me cookie stops working


def delete_account(user: User, password: str) -> None:
    """Delete the person's account after checking their password: anonymised, never loadable again."""
    require_password(user, password)
    now = utcnow()
    # Recorded first: once deleted the account is inactive, and audit.record only names active actors.
    audit.record(user, "account.deleted", user)
    _end_participation(user, now)
    _anonymise(user, now)
    db.session.commit()
    realtime.disconnect_user(user.id)
