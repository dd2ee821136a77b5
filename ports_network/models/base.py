"""Column types and helpers shared by every model: UTC timestamps and translatable text."""

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(sa.types.TypeDecorator):
    """Stores naive UTC (SQLite keeps no zone) and always hands back aware UTC datetimes."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use aware UTC datetimes")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None else None


def enum_column(enum_cls: type, **kwargs) -> sa.Enum:
    """A portable string column restricted to an Enum's values (no native database enum type)."""
    return sa.Enum(
        enum_cls,
        native_enum=False,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
        **kwargs,
    )


class TimestampMixin:
    """created_at / updated_at maintained by the ORM."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


FALLBACK_LOCALES = ("es", "en", "pt")


def localized(translations: dict[str, str] | None, locale: str) -> str:
    """Pick the text for a locale from a {locale: text} mapping, falling back to es, en, pt, then any."""
    if not translations:
        return ""
    for candidate in (locale, *FALLBACK_LOCALES):
        if translations.get(candidate):
            return translations[candidate]
    return next((text for text in translations.values() if text), "")
