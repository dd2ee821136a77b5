"""Seaports, identified by their UN/LOCODE."""

import re

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from ..extensions import db
from .base import TimestampMixin
from .country import Country

UNLOCODE_PATTERN = re.compile(r"^[A-Z]{2}[A-Z2-9]{3}$")


class Port(TimestampMixin, db.Model):
    """A port: UN/LOCODE (2-letter country + 3-character location), country and coordinates."""

    __tablename__ = "port"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    unlocode: Mapped[str] = mapped_column(sa.String(5), unique=True)
    country_id: Mapped[int] = mapped_column(sa.ForeignKey("country.id"), index=True)
    latitude: Mapped[float | None] = mapped_column(sa.Float)
    longitude: Mapped[float | None] = mapped_column(sa.Float)
    archived: Mapped[bool] = mapped_column(default=False)

    country: Mapped[Country] = relationship()

    __table_args__ = (
        sa.CheckConstraint("latitude IS NULL OR (latitude BETWEEN -90 AND 90)", name="latitude_range"),
        sa.CheckConstraint("longitude IS NULL OR (longitude BETWEEN -180 AND 180)", name="longitude_range"),
    )

    @validates("unlocode")
    def _normalise_unlocode(self, _key: str, value: str) -> str:
        value = (value or "").replace(" ", "").upper()
        if not UNLOCODE_PATTERN.match(value):
            raise ValueError("UN/LOCODE must be 2 letters of country and 3 characters of location")
        return value

    def __repr__(self) -> str:
        return f"<Port {self.unlocode}>"
