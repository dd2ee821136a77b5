"""iCalendar (RFC 5545) text for one event, as an invitation (iTIP REQUEST/CANCEL, RFC 5546) or a plain
download (PUBLISH), and for a feed of many events. Pure: no Flask, no database.

Times are written in UTC (the "Z" form), which every calendar reads without a VTIMEZONE component; the
session's own zone travels as X-WR-TIMEZONE and in the description, so people see it as chosen.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

CRLF = "\r\n"
MAX_OCTETS = 75
PRODID = "-//SELA//Ports Network//EN"


@dataclass(frozen=True)
class Person:
    """An organiser or attendee: display name and mail address."""

    name: str
    email: str


@dataclass(frozen=True)
class Event:
    """What a calendar needs to know about a session."""

    uid: str
    sequence: int
    starts_at: datetime  # aware
    duration: timedelta
    summary: str
    description: str = ""
    location: str = ""
    url: str | None = None
    time_zone: str = "UTC"
    organizer: Person | None = None
    attendees: tuple[Person, ...] = ()
    cancelled: bool = False


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon and comma escaped, line breaks as \\n."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def _param(value: str) -> str:
    """A parameter value (RFC 5545 3.2): quoted, without the characters a quoted value cannot hold."""
    cleaned = "".join(ch for ch in value if ch not in '"\r\n' and (ch == "\t" or ch >= " "))
    return f'"{cleaned}"'


def fold(line: str) -> str:
    """Split a content line into lines of at most 75 octets, never inside a UTF-8 character (3.1)."""
    parts: list[str] = []
    current, size, limit = "", 0, MAX_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append(current)
            current, size, limit = "", 0, MAX_OCTETS - 1  # continuation lines start with a space
        current += char
        size += width
    parts.append(current)
    return (CRLF + " ").join(parts)


def utc_stamp(moment: datetime) -> str:
    """A DATE-TIME in UTC form, e.g. 20260310T150000Z."""
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _person(name: str, person: Person, extra: str = "") -> str:
    return f"{name};CN={_param(person.name)}{extra}:mailto:{person.email}"


def _event_lines(event: Event, method: str, now: datetime) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{escape_text(event.uid)}",
        f"SEQUENCE:{event.sequence}",
        f"DTSTAMP:{utc_stamp(now)}",
        f"DTSTART:{utc_stamp(event.starts_at)}",
        f"DTEND:{utc_stamp(event.starts_at + event.duration)}",
        f"SUMMARY:{escape_text(event.summary)}",
        f"STATUS:{'CANCELLED' if event.cancelled else 'CONFIRMED'}",
    ]
    if event.description:
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    if event.location:
        lines.append(f"LOCATION:{escape_text(event.location)}")
    if event.url:
        lines.append(f"URL:{event.url}")
    if event.organizer is not None:
        lines.append(_person("ORGANIZER", event.organizer))
    if method != "PUBLISH":
        rsvp = ";ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=FALSE"
        lines += [_person("ATTENDEE", person, rsvp) for person in event.attendees]
    return [*lines, "END:VEVENT"]


def calendar(event: Event, method: str = "PUBLISH", now: datetime | None = None) -> str:
    """The whole VCALENDAR text with CRLF line ends; method REQUEST (invitation), CANCEL or PUBLISH."""
    return calendar_of([event], method, now, time_zone=event.time_zone)


def calendar_of(
    events: Iterable[Event],
    method: str = "PUBLISH",
    now: datetime | None = None,
    *,
    name: str | None = None,
    time_zone: str | None = None,
) -> str:
    """A VCALENDAR holding several events (a feed to subscribe to), optionally named (X-WR-CALNAME)."""
    if method not in {"REQUEST", "CANCEL", "PUBLISH"}:
        raise ValueError(f"unsupported iTIP method {method!r}")
    stamp = now or datetime.now(UTC)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", f"METHOD:{method}"]
    if name:
        lines.append(f"X-WR-CALNAME:{escape_text(name)}")
    if time_zone:
        lines.append(f"X-WR-TIMEZONE:{escape_text(time_zone)}")
    for event in events:
        lines += _event_lines(event, method, stamp)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + CRLF for line in lines)
