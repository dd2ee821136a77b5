"""The public side: the calendar with its filters, an event's page and calendar entry, the feed of every
public event, and the participation statistics per year."""

from flask import Response, abort, render_template, request
from flask_login import current_user

from ...i18n import current_locale
from ...models import EventKind, EventStatus, RegistrationStatus
from ...security import can, requires
from ...services import (
    event_calendar,
    event_invitations,
    event_registrations,
    event_statistics,
    material_pages,
    rooms,
)
from . import bp
from .common import load_event
from .forms import CalendarFilterForm, CancelEventForm


def _filter_from(form: CalendarFilterForm) -> event_calendar.CalendarFilter:
    kinds = {kind.value for kind in EventKind}
    year, country = form.year.data or "", form.country.data or ""
    return event_calendar.CalendarFilter(
        kind=EventKind(form.kind.data) if form.kind.data in kinds else None,
        year=int(year) if year.isdigit() else None,
        country_id=int(country) if country.isdigit() else None,
    )


@bp.get("/events/")
@requires("events.list")
def index():
    """The calendar: upcoming and past events, filtered by kind, year and country."""
    locale = current_locale()
    form = CalendarFilterForm(request.args)
    form.set_choices(event_calendar.filter_years(), event_calendar.filter_countries(locale), locale)
    listing = event_calendar.calendar_for(current_user, _filter_from(form))
    return render_template("events/index.html", form=form, calendar=listing)


def _calendar_response(text: str, filename: str) -> Response:
    response = Response(text, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("/events.ics")
@requires("events.list")
def feed():
    """Every public event as one iCalendar feed to subscribe to (cancelled ones marked cancelled)."""
    text = event_invitations.feed(event_calendar.feed_events(), current_locale())
    return _calendar_response(text, "ports-network-events.ics")


@bp.get("/events/<int:event_id>")
def show(event_id: int):
    """An event: when and where, organisers, communities, programme with speakers, outcomes, figures."""
    event = load_event(event_id)
    locale = current_locale()
    room = rooms.room_for_event(event) if event.status != EventStatus.DRAFT else None
    availability = event_registrations.availability(current_user, event)
    mine = availability.mine
    waiting = mine is not None and mine.status == RegistrationStatus.WAITLISTED
    return render_template(
        "events/show.html",
        event=event,
        availability=availability,
        waiting_position=event_registrations.waiting_position(mine) if waiting else None,
        figures=event_statistics.participation([event], locale),
        room=room if room is not None and can(current_user, "rooms.read", room) else None,
        cancel_form=CancelEventForm(),
        materials=material_pages.listed(current_user, locale, event=event),
    )


@bp.get("/events/<int:event_id>.ics")
def download(event_id: int):
    """The event as an .ics file to add to one's calendar (in the reader's language)."""
    event = load_event(event_id)
    return _calendar_response(event_invitations.download(event, current_locale()), f"event-{event.id}.ics")


@bp.get("/events/statistics")
@requires("events.list")
def statistics():
    """Participation in a year's events: per event, and the year's totals by country, SELA membership,
    stakeholder type and gender."""
    years = event_statistics.years()
    chosen = request.args.get("year", "")
    if chosen and (not chosen.isdigit() or int(chosen) not in years):
        abort(404)
    year = int(chosen) if chosen else (years[0] if years else None)
    report = event_statistics.year_report(year, current_locale()) if year is not None else None
    return render_template("events/statistics.html", years=years, report=report)
