"""Port logistics communities: the network's members, each serving one or more ports."""

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import TimestampMixin, UTCDateTime, enum_column, localized
from .country import Country
from .port import Port


class Phase(enum.StrEnum):
    """Phase of incorporation into the network's programme."""

    I = "I"  # noqa: E741 - the programme's own name for the phase
    II = "II"
    III = "III"
    LATER = "later"


class SupportStage(enum.StrEnum):
    """Where the community stands in the Secretariat's support path (000:465-466)."""

    CONCEPTUALISATION = "conceptualisation"
    MOBILISATION = "mobilisation"
    STRATEGIC_PLANNING = "strategic_planning"
    DIAGNOSIS_WORKSHOP = "diagnosis_workshop"
    CONSOLIDATION = "consolidation"


class CommunityStatus(enum.StrEnum):
    """Life cycle of a community."""

    FORMING = "forming"
    ACTIVE = "active"
    ARCHIVED = "archived"


community_port = sa.Table(
    "community_port",
    db.metadata,
    sa.Column("community_id", sa.ForeignKey("port_community.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("port_id", sa.ForeignKey("port.id", ondelete="CASCADE"), primary_key=True),
)


class PortCommunity(TimestampMixin, db.Model):
    """A port logistics community: public-private-academic partnership of one port system."""

    __tablename__ = "port_community"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[str] = mapped_column(sa.String(160))
    country_id: Mapped[int] = mapped_column(sa.ForeignKey("country.id"), index=True)
    description: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    phase: Mapped[Phase] = mapped_column(enum_column(Phase))
    joined_year: Mapped[int | None]
    status: Mapped[CommunityStatus] = mapped_column(
        enum_column(CommunityStatus), default=CommunityStatus.ACTIVE
    )
    support_stage: Mapped[SupportStage] = mapped_column(
        enum_column(SupportStage), default=SupportStage.CONCEPTUALISATION
    )
    mou_signed: Mapped[bool] = mapped_column(default=False)
    mou_signed_on: Mapped[date | None]
    mou_signatory: Mapped[str | None] = mapped_column(sa.String(200))
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    country: Mapped[Country] = relationship()
    ports: Mapped[list[Port]] = relationship(secondary=community_port, order_by=Port.name)

    @property
    def is_archived(self) -> bool:
        """Archived communities keep their history but take no new members."""
        return self.status == CommunityStatus.ARCHIVED

    def description_in(self, locale: str) -> str:
        """The description in a locale, with fallback to the other languages."""
        return localized(self.description, locale)

    def __repr__(self) -> str:
        return f"<PortCommunity {self.slug}>"
