"""Calendar invitations to a body's sessions: the iCalendar text of a session, and the notices (with the
invitation attached to their mail) sent when a session is convened, changed or cancelled."""

from collections.abc import Iterable
from datetime import timedelta
from email.utils import parseaddr

from flask import current_app
from flask_babel import force_locale, format_date, format_time
from flask_babel import gettext as _

from ..links import external_url, site_path
from ..models import CommitteeSession, SessionStatus, User
from . import ical, mail, notifications, time_zones

CONTENT_TYPE = "text/calendar"


def when_text(session: CommitteeSession) -> str:
    """The start in the session's zone and the active locale ("Tuesday, March 10, 2026, 10:00 AM (UTC)")."""
    local = time_zones.in_zone(session.starts_at, session.time_zone).replace(tzinfo=None)
    # Babel would convert to the platform's zone (UTC): the wall-clock time is formatted without rebasing.
    day, hour = format_date(local.date(), "full"), format_time(local, "short", rebase=False)
    return f"{day}, {hour} ({session.time_zone})"


def _description(session: CommitteeSession, locale: str) -> str:
    lines = [
        _("Local time: %(when)s", when=when_text(session)),
        _("Board pack: %(url)s", url=external_url("committees.session", session_id=session.id)),
    ]
    if session.link:
        lines.append(_("Join online: %(link)s", link=session.link))
    if session.items:
        lines += ["", _("Agenda")]
        lines += [f"{number}. {item.title}" for number, item in enumerate(session.items, start=1)]
    if session.status == SessionStatus.CANCELLED and session.cancel_reason:
        lines += ["", _("Cancelled: %(reason)s", reason=session.cancel_reason)]
    return "\n".join(lines)


def _organizer(session: CommitteeSession, locale: str) -> ical.Person:
    _name, address = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])
    return ical.Person(session.body.name_in(locale), address or "no-reply@localhost")


def event(session: CommitteeSession, locale: str, attendees: Iterable[User] = ()) -> ical.Event:
    """The session as a calendar event, its texts in `locale`."""
    with force_locale(locale):
        location = ", ".join(part for part in (session.place, session.link) if part)
        return ical.Event(
            uid=session.ical_uid,
            sequence=session.ical_sequence,
            starts_at=session.starts_at,
            duration=timedelta(minutes=session.duration_minutes),
            summary=f"{session.body.name_in(locale)}: {session.title}",
            description=_description(session, locale),
            location=location,
            url=external_url("committees.session", session_id=session.id),
            time_zone=session.time_zone,
            organizer=_organizer(session, locale),
            attendees=tuple(ical.Person(person.name, person.email) for person in attendees),
            cancelled=session.status == SessionStatus.CANCELLED,
        )


def method_for(session: CommitteeSession) -> str:
    """REQUEST for an invitation, CANCEL once the session is cancelled."""
    return "CANCEL" if session.status == SessionStatus.CANCELLED else "REQUEST"


def invitation(session: CommitteeSession, person: User) -> mail.Attachment:
    """The invitation mailed to one person (iTIP REQUEST or CANCEL naming them as attendee)."""
    text = ical.calendar(event(session, person.preferred_locale, [person]), method_for(session))
    return mail.Attachment(f"session-{session.id}.ics", CONTENT_TYPE, text)


def download(session: CommitteeSession, locale: str) -> str:
    """The .ics file offered on the session page: an event to import (PUBLISH), in the reader's language."""
    return ical.calendar(event(session, locale), "PUBLISH")


def send(session: CommitteeSession, people: Iterable[User], kind: str) -> int:
    """Notify each person (in their language) with the invitation attached to the mail; the caller commits."""
    sent = 0
    for person in people:
        with force_locale(person.preferred_locale):
            params = {
                "session": session.title,
                "body": session.body.name_in(person.preferred_locale),
                "when": when_text(session),
                "reason": session.cancel_reason or "",
            }
        link = site_path("committees.session", session_id=session.id)
        notice = notifications.notify(person, kind, params, link, attachment=invitation(session, person))
        sent += notice is not None
    return sent
