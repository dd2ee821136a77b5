"""Organisations on whose behalf people take part in a port community."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import TimestampMixin, UTCDateTime, enum_column
from .country import Country


class StakeholderType(enum.StrEnum):
    """Kinds of organisation in a port logistics community (DOMAIN.md, 003:261, 003:591, 000:485)."""

    CUSTOMS = "customs"
    MINISTRY = "ministry"
    PORT_AUTHORITY = "port_authority"
    MARITIME_AUTHORITY = "maritime_authority"
    PORT_TERMINAL = "port_terminal"
    SHIPPING_COMPANY = "shipping_company"
    PORT_AGENT = "port_agent"
    LOGISTICS_COMPANY = "logistics_company"
    STARTUP = "startup"
    TECHNOLOGY_CENTRE = "technology_centre"
    TRADE_UNION = "trade_union"
    ACADEMIA = "academia"
    CONSULTANT = "consultant"
    MEDIA = "media"
    MULTILATERAL = "multilateral"


class Sector(enum.StrEnum):
    """Public, private or academic."""

    PUBLIC = "public"
    PRIVATE = "private"
    ACADEMIC = "academic"


class Organisation(TimestampMixin, db.Model):
    """An organisation: customs, a terminal, a university... with its stakeholder type and sector."""

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    stakeholder_type: Mapped[StakeholderType] = mapped_column(enum_column(StakeholderType))
    sector: Mapped[Sector] = mapped_column(enum_column(Sector))
    country_id: Mapped[int] = mapped_column(sa.ForeignKey("country.id"), index=True)
    website: Mapped[str | None] = mapped_column(sa.String(300))
    logo_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stored_file.id", ondelete="SET NULL"))
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    country: Mapped[Country] = relationship()
    logo = relationship("StoredFile", foreign_keys=[logo_id])

    __table_args__ = (sa.UniqueConstraint("name", "country_id", name="uq_organisation_name_country"),)

    def __repr__(self) -> str:
        return f"<Organisation {self.name!r}>"
