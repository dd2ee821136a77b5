"""What an event's organisers do with its registrations: list them, record who attended, export the list.

Self-declared gender is never part of the list or the export: others see it only as totals
(`event_statistics`).
"""

import csv
import io
from collections.abc import Mapping

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _

from .. import security
from ..errors import DomainError, NotAllowed
from ..extensions import db
from ..labels import label
from ..models import Event, EventAttendance, EventRegistration, EventStatus, RegistrationStatus, User
from ..models.base import utcnow
from . import audit
from .index_spreadsheet_reader import escape_text

STATUS_ORDER = {status: order for order, status in enumerate(RegistrationStatus)}


def registrations_of(event: Event) -> list[EventRegistration]:
    """Every registration of the event: places first, then the waiting list in its order, then cancelled
    ones; people, countries and organisations loaded."""
    rows = db.session.scalars(
        sa.select(EventRegistration)
        .where(EventRegistration.event_id == event.id)
        .options(
            sa.orm.joinedload(EventRegistration.user),
            sa.orm.joinedload(EventRegistration.country),
        )
        .order_by(EventRegistration.registered_at, EventRegistration.id)
    ).unique()
    return sorted(rows, key=lambda row: STATUS_ORDER[row.status])


def _mark(value: str | None) -> EventAttendance | None:
    return EventAttendance(value) if value else None


def record_attendance(actor: User, event: Event, marks: Mapping[int, str | None]) -> int:
    """Record attended / absent (or nothing) per registration id; returns how many changed.

    Only people holding a place can be marked; an id of another event, or of someone waiting, refuses
    the whole form."""
    if not security.can(actor, "events.manage", event):
        raise NotAllowed(_("Only the event's organisers record attendance."))
    if event.status != EventStatus.PUBLISHED:
        raise DomainError(_("Attendance is recorded for published events."))
    rows = {row.id: row for row in registrations_of(event) if row.status == RegistrationStatus.REGISTERED}
    if set(marks) - set(rows):
        raise DomainError(_("Attendance can only be recorded for people holding a place at this event."))
    changed = [
        (rows[row_id], _mark(value))
        for row_id, value in marks.items()
        if rows[row_id].attendance != _mark(value)
    ]
    for row, mark in changed:
        row.attendance = mark
        row.attendance_recorded_at = utcnow()
        row.attendance_recorded_by_id = actor.id
    if changed:
        totals = {
            mark.value: sum(row.attendance == mark for row in rows.values()) for mark in EventAttendance
        }
        audit.record(actor, "event.attendance", event, new=totals)
    db.session.commit()
    return len(changed)


CSV_HEADERS = (
    "name",
    "email",
    "organisation",
    "stakeholder_type",
    "country",
    "sela_member",
    "status",
    "registered_at_utc",
    "attendance",
)


def csv_text(event: Event, locale: str) -> str:
    """The registrations as CSV (UTF-8 with a header row), labels in `locale`; no gender column."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADERS)
    with force_locale(locale):
        for row in registrations_of(event):
            writer.writerow(
                [
                    escape_text(row.user.name),  # names and organisations are typed by people
                    escape_text(row.user.email),
                    escape_text(row.organisation_name or ""),
                    label(row.stakeholder_type),
                    row.country.name_in(locale) if row.country else "",
                    ("yes" if row.country.sela_member else "no") if row.country else "",
                    label(row.status),
                    row.registered_at.strftime("%Y-%m-%d %H:%M"),
                    label(row.attendance),
                ]
            )
    return out.getvalue()
