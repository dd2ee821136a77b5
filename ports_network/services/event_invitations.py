"""Calendar entries of events: the iCalendar text of one event (to download, or attached to the notices of
a registration, a change or a cancellation) and the feed of every published event; and those notices."""

from collections.abc import Iterable
from email.utils import parseaddr
from typing import Any

from flask import current_app
from flask_babel import force_locale, format_date, format_time
from flask_babel import gettext as _

from ..links import external_url, site_path
from ..models import Event, EventStatus, User
from . import ical, mail, notifications, time_zones

CONTENT_TYPE = "text/calendar"
# Notices whose mail carries the event as an invitation (REQUEST) or its withdrawal (CANCEL).
REQUESTS = frozenset({"events.registered", "events.promoted", "events.updated"})
CANCELLATIONS = frozenset({"events.registration_cancelled", "events.cancelled"})


def _wall_clock(moment: Any, zone: str) -> Any:
    return time_zones.in_zone(moment, zone).replace(tzinfo=None)


def when_text(event: Event) -> str:
    """Start and end in the event's zone and the active locale ("Oct 16, 2024, 9:00 AM – Oct 18, 2024,
    1:00 PM (America/Mexico_City)"); Babel is kept from converting to the platform's zone."""
    start, end = _wall_clock(event.starts_at, event.time_zone), _wall_clock(event.ends_at, event.time_zone)
    first = f"{format_date(start.date(), 'medium')}, {format_time(start, 'short', rebase=False)}"
    if end.date() == start.date():
        last = format_time(end, "short", rebase=False)
    else:
        last = f"{format_date(end.date(), 'medium')}, {format_time(end, 'short', rebase=False)}"
    return f"{first} – {last} ({event.time_zone})"


def _description(event: Event, locale: str) -> str:
    lines = [
        _("Local time: %(when)s", when=when_text(event)),
        _("Event page: %(url)s", url=external_url("events.show", event_id=event.id)),
    ]
    if event.online_link:
        lines.append(_("Join online: %(link)s", link=event.online_link))
    if event.sessions:
        lines += ["", _("Programme")]
        lines += [f"{number}. {part.title}" for number, part in enumerate(event.sessions, start=1)]
    if event.status == EventStatus.CANCELLED and event.cancel_reason:
        lines += ["", _("Cancelled: %(reason)s", reason=event.cancel_reason)]
    return "\n".join(lines)


def _organizer() -> ical.Person:
    name, address = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])
    return ical.Person(name or "Ports Network", address or "no-reply@localhost")


def calendar_event(
    event: Event, locale: str, attendees: Iterable[User] = (), *, withdrawn: bool = False
) -> ical.Event:
    """The event as a calendar entry, its texts in `locale`; `withdrawn` marks it cancelled for the
    attendees named (their registration ended) even while the event itself goes ahead."""
    with force_locale(locale):
        return ical.Event(
            uid=event.ical_uid,
            sequence=event.ical_sequence,
            starts_at=event.starts_at,
            duration=event.ends_at - event.starts_at,
            summary=event.title_in(locale),
            description=_description(event, locale),
            location=", ".join(part for part in (event.place, event.online_link) if part),
            url=external_url("events.show", event_id=event.id),
            time_zone=event.time_zone,
            organizer=_organizer(),
            attendees=tuple(ical.Person(person.name, person.email) for person in attendees),
            cancelled=withdrawn or event.status == EventStatus.CANCELLED,
        )


def attachment_for(event: Event, person: User, kind: str) -> mail.Attachment | None:
    """The calendar entry mailed with a notice of this kind (None for kinds that carry none)."""
    if kind not in REQUESTS | CANCELLATIONS:
        return None
    withdrawn = kind in CANCELLATIONS
    entry = calendar_event(event, person.preferred_locale, [person], withdrawn=withdrawn)
    text = ical.calendar(entry, "CANCEL" if withdrawn else "REQUEST")
    return mail.Attachment(f"event-{event.id}.ics", CONTENT_TYPE, text)


def download(event: Event, locale: str) -> str:
    """The .ics file offered on the event page: an entry to import (PUBLISH), in the reader's language."""
    return ical.calendar(calendar_event(event, locale), "PUBLISH")


def feed(events: Iterable[Event], locale: str) -> str:
    """Every given event in one calendar to subscribe to (PUBLISH), in the reader's language."""
    with force_locale(locale):
        name = _("Events of the Network of Digital and Collaborative Ports")
    entries = [calendar_event(event, locale) for event in events]
    return ical.calendar_of(entries, "PUBLISH", name=name, time_zone="UTC")


def send(event: Event, people: Iterable[User], kind: str, **extra: Any) -> int:
    """Notify each person in their language, the calendar entry attached to the mail; the caller commits."""
    sent = 0
    for person in people:
        locale = person.preferred_locale
        with force_locale(locale):
            params = {
                "event": event.title_in(locale),
                "when": when_text(event),
                "reason": event.cancel_reason or "",
                **extra,
            }
        link = site_path("events.show", event_id=event.id)
        attachment = attachment_for(event, person, kind)
        sent += notifications.notify(person, kind, params, link, attachment=attachment) is not None
    return sent
