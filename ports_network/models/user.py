"""People with an account: credentials, profile and what they let others see."""

import enum
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import TimestampMixin, UTCDateTime, enum_column
from .country import Country

DELETED_MEMBER_NAME = "Deleted member"


class Visibility(enum.StrEnum):
    """Who may find a person in the member directories."""

    HIDDEN = "hidden"
    COMMUNITY = "community"
    NETWORK = "network"


def new_session_token() -> str:
    """A random identifier for Flask-Login; rotating it signs the user out everywhere."""
    return secrets.token_urlsafe(24)


class User(UserMixin, TimestampMixin, db.Model):
    """An account. Network-wide role: `is_secretariat` (Technical Secretariat administrator)."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    session_token: Mapped[str] = mapped_column(sa.String(64), unique=True, default=new_session_token)
    name: Mapped[str] = mapped_column(sa.String(120))
    preferred_locale: Mapped[str] = mapped_column(sa.String(8), default="es")
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_secretariat: Mapped[bool] = mapped_column(default=False)
    is_disabled: Mapped[bool] = mapped_column(default=False)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    job_title: Mapped[str | None] = mapped_column(sa.String(120))
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    bio: Mapped[str | None] = mapped_column(sa.Text)
    country_id: Mapped[int | None] = mapped_column(sa.ForeignKey("country.id"))
    avatar_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stored_file.id", ondelete="SET NULL"))

    visibility: Mapped[Visibility] = mapped_column(enum_column(Visibility), default=Visibility.COMMUNITY)
    show_email: Mapped[bool] = mapped_column(default=False)
    show_phone: Mapped[bool] = mapped_column(default=False)
    # Whether others in the rooms see when the person is there ("Here now") and when they are typing.
    share_presence: Mapped[bool] = mapped_column(default=True, server_default=sa.true())

    country: Mapped[Country | None] = relationship()
    avatar = relationship("StoredFile", foreign_keys=[avatar_id])
    memberships = relationship("Membership", back_populates="user", foreign_keys="Membership.user_id")

    def get_id(self) -> str:
        return self.session_token

    @property
    def is_active(self) -> bool:
        return not self.is_disabled and self.deleted_at is None

    @property
    def is_confirmed(self) -> bool:
        """Whether the email address has been confirmed."""
        return self.email_confirmed_at is not None

    @property
    def is_deleted(self) -> bool:
        """Deleted accounts keep their row so what they wrote stays attributed to a deleted member."""
        return self.deleted_at is not None

    def __repr__(self) -> str:
        return f"<User {self.id}>"
