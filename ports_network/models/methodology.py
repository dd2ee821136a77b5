"""Methodology versions of the Competitiveness Index: the engine's document, a draft until frozen."""

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import TimestampMixin, UTCDateTime, enum_column
from .user import User


class MethodologyStatus(enum.StrEnum):
    """A draft can be replaced by importing it again; a frozen version never changes."""

    DRAFT = "draft"
    FROZEN = "frozen"


class FrozenMethodologyError(ValueError):
    """Something tried to change a frozen methodology version (services refuse it first)."""


class MethodologyVersion(TimestampMixin, db.Model):
    """One version (e.g. "2.0") of the index methodology; `document` is `dump_methodology`'s plain data."""

    __tablename__ = "methodology_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(sa.String(32), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    status: Mapped[MethodologyStatus] = mapped_column(
        enum_column(MethodologyStatus), default=MethodologyStatus.DRAFT
    )
    document: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    checksum: Mapped[str] = mapped_column(sa.String(64))  # sha256 of the canonical JSON of `document`
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    frozen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    created_by: Mapped[User | None] = relationship()

    @property
    def is_frozen(self) -> bool:
        """Whether the version is frozen (values and scores may then refer to it for good)."""
        return self.status is MethodologyStatus.FROZEN


@sa.event.listens_for(MethodologyVersion, "before_update")
def _frozen_versions_never_change(mapper: Any, connection: sa.Connection, target: MethodologyVersion) -> None:
    """Defence in depth: a row that is frozen in the database refuses any change at flush time."""
    table = MethodologyVersion.__table__
    stored = connection.scalar(sa.select(table.c.status).where(table.c.id == target.id))
    if stored != MethodologyStatus.FROZEN.value:
        return
    state = sa.inspect(target)
    changed = [attr.key for attr in state.attrs if attr.key != "updated_at" and attr.history.has_changes()]
    if changed:
        raise FrozenMethodologyError(
            f"methodology {target.version} is frozen; refusing to change {', '.join(changed)}"
        )


@sa.event.listens_for(MethodologyVersion, "before_delete")
def _frozen_versions_are_never_deleted(
    mapper: Any, connection: sa.Connection, target: MethodologyVersion
) -> None:
    """Values and scores refer to frozen versions for good, so a frozen row is never deleted."""
    table = MethodologyVersion.__table__
    stored = connection.scalar(sa.select(table.c.status).where(table.c.id == target.id))
    if stored == MethodologyStatus.FROZEN.value:
        raise FrozenMethodologyError(f"methodology {target.version} is frozen; refusing to delete it")
