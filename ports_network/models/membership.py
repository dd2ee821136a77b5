"""Membership of a person in a port community on behalf of an organisation, and how it begins."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import TimestampMixin, UTCDateTime, enum_column, utcnow
from .community import PortCommunity
from .organisation import Organisation, Sector, StakeholderType
from .user import User


class CommunityRole(enum.StrEnum):
    """A member's role inside one community."""

    COORDINATOR = "coordinator"
    FOCAL_POINT = "focal_point"
    VALIDATOR = "validator"
    MEMBER = "member"


class MembershipStatus(enum.StrEnum):
    """Only active memberships grant anything; ended ones are kept as history."""

    ACTIVE = "active"
    LEFT = "left"
    REMOVED = "removed"


class Membership(TimestampMixin, db.Model):
    """User x community x organisation x role. At most one active membership per user and community."""

    __tablename__ = "membership"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("port_community.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    role: Mapped[CommunityRole] = mapped_column(enum_column(CommunityRole), default=CommunityRole.MEMBER)
    status: Mapped[MembershipStatus] = mapped_column(
        enum_column(MembershipStatus), default=MembershipStatus.ACTIVE
    )
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="memberships", foreign_keys=[user_id])
    community: Mapped[PortCommunity] = relationship()
    organisation: Mapped[Organisation] = relationship()

    __table_args__ = (
        sa.Index(
            "uq_membership_active_user_community",
            "user_id",
            "community_id",
            unique=True,
            sqlite_where=sa.text("status = 'active'"),
            postgresql_where=sa.text("status = 'active'"),
        ),
    )

    @property
    def is_active(self) -> bool:
        """Whether this membership currently grants access."""
        return self.status == MembershipStatus.ACTIVE


class RequestStatus(enum.StrEnum):
    """Outcome of a join request or an invitation."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    ACCEPTED = "accepted"
    REVOKED = "revoked"


class JoinRequest(TimestampMixin, db.Model):
    """A person's request to join a community for an existing organisation or a proposed new one."""

    __tablename__ = "join_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("port_community.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id"))
    proposed_name: Mapped[str | None] = mapped_column(sa.String(200))
    proposed_type: Mapped[StakeholderType | None] = mapped_column(enum_column(StakeholderType))
    proposed_sector: Mapped[Sector | None] = mapped_column(enum_column(Sector))
    proposed_website: Mapped[str | None] = mapped_column(sa.String(300))
    motivation: Mapped[str | None] = mapped_column(sa.Text)
    status: Mapped[RequestStatus] = mapped_column(enum_column(RequestStatus), default=RequestStatus.PENDING)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_message: Mapped[str | None] = mapped_column(sa.Text)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    community: Mapped[PortCommunity] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    __table_args__ = (
        sa.Index(
            "uq_join_request_pending_user_community",
            "user_id",
            "community_id",
            unique=True,
            sqlite_where=sa.text("status = 'pending'"),
            postgresql_where=sa.text("status = 'pending'"),
        ),
    )

    @property
    def organisation_label(self) -> str:
        """The organisation's name, existing or proposed."""
        return self.organisation.name if self.organisation else (self.proposed_name or "")


class Invitation(TimestampMixin, db.Model):
    """A coordinator's emailed invitation to join a community; accepted through a signed token."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), index=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("port_community.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"))
    role: Mapped[CommunityRole] = mapped_column(enum_column(CommunityRole), default=CommunityRole.MEMBER)
    invited_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    status: Mapped[RequestStatus] = mapped_column(enum_column(RequestStatus), default=RequestStatus.PENDING)
    accepted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    community: Mapped[PortCommunity] = relationship()
    organisation: Mapped[Organisation] = relationship()
    invited_by: Mapped[User] = relationship(foreign_keys=[invited_by_id])
    accepted_by: Mapped[User | None] = relationship(foreign_keys=[accepted_by_id])
