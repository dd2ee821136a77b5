"""Time zones of the network's meetings (IANA names): the choices offered, and wall-clock time to UTC.

Pure (zoneinfo only), so sessions, events and tests share the same conversions.
"""

from datetime import UTC, datetime
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

REGION_PREFIX = "America/"
DEFAULT_ZONE = "America/Caracas"  # where the Technical Secretariat (SELA) sits


@cache
def zone_names() -> tuple[str, ...]:
    """The zones a session may use: the Americas, plus UTC, sorted."""
    return ("UTC", *sorted(name for name in available_timezones() if name.startswith(REGION_PREFIX)))


def is_known(name: str | None) -> bool:
    """Whether a zone name is one of the choices."""
    return bool(name) and name in zone_names()


def zone(name: str) -> ZoneInfo:
    """The zone for a name among the choices (ValueError otherwise)."""
    if not is_known(name):
        raise ValueError(f"unknown time zone {name!r}")
    try:
        return ZoneInfo(name)
    except ZoneInfoNotFoundError as error:  # listed but missing from this machine's database
        raise ValueError(f"unknown time zone {name!r}") from error


def to_utc(wall_clock: datetime, name: str) -> datetime:
    """A naive local date and time in a zone as aware UTC; ValueError when the clock skips that time
    (the hour lost when daylight saving time starts). A repeated hour means its first occurrence."""
    if wall_clock.tzinfo is not None:
        raise ValueError("give the wall-clock time without a zone")
    local = wall_clock.replace(tzinfo=zone(name), fold=0)
    moment = local.astimezone(UTC)
    if moment.astimezone(local.tzinfo).replace(tzinfo=None) != wall_clock:
        raise ValueError(f"{wall_clock:%Y-%m-%d %H:%M} does not exist in {name}")
    return moment


def in_zone(moment: datetime, name: str) -> datetime:
    """An aware moment as the wall-clock time of a zone (aware, in that zone)."""
    return moment.astimezone(zone(name))
