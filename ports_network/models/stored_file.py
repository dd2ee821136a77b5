"""Metadata of an uploaded file; the bytes live in the storage backend under a generated key."""

import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, utcnow


def new_public_id() -> str:
    """An unguessable identifier used in download URLs."""
    return secrets.token_urlsafe(16)


class StoredFile(db.Model):
    """An upload: sniffed type, size, checksum, purpose and who uploaded it."""

    __tablename__ = "stored_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(sa.String(32), unique=True, default=new_public_id)
    storage_key: Mapped[str] = mapped_column(sa.String(80), unique=True)
    purpose: Mapped[str] = mapped_column(sa.String(32))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    original_name: Mapped[str] = mapped_column(sa.String(200))
    # No foreign key: users point at their avatar file, and a cycle of constraints would make the
    # schema order-dependent. Accounts are never hard-deleted, so the id always resolves.
    uploaded_by_id: Mapped[int | None] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
