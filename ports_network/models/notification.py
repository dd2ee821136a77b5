"""In-app notifications and each person's delivery preference per kind of notification."""

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, enum_column, utcnow


class Delivery(enum.StrEnum):
    """How a person wants one kind of notification delivered."""

    IMMEDIATE = "immediate"
    DIGEST = "digest"
    IN_APP = "in_app"
    OFF = "off"


class Notification(db.Model):
    """A notice for one person. Text is rendered from `kind` and `params` in the reader's language."""

    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(48))
    params: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    link: Mapped[str | None] = mapped_column(sa.String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    digest_pending: Mapped[bool] = mapped_column(default=False)

    __table_args__ = (
        sa.Index("ix_notification_user_unread", "user_id", "read_at"),
        sa.Index("ix_notification_digest_pending", "digest_pending"),
    )


class NotificationPreference(db.Model):
    """A person's chosen delivery for one kind; absent rows mean the kind's default."""

    __tablename__ = "notification_preference"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(sa.String(48), primary_key=True)
    delivery: Mapped[Delivery] = mapped_column(enum_column(Delivery))
