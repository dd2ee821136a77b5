"""Organising: creating and changing an event, publishing and cancelling it, and its history."""

import sqlalchemy as sa
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ... import security
from ...errors import DomainError
from ...extensions import db
from ...i18n import current_locale
from ...models import CommunityStatus, Event, PortCommunity
from ...security import requires
from ...services import audit, countries, events
from ..forms import flashing, show_error
from . import bp
from .common import form_status, load_event
from .forms import CancelEventForm, EventForm


def _communities_for(event: Event | None) -> list[PortCommunity]:
    """The communities the person may choose: all live ones for the Secretariat, else those they
    coordinate (plus those the event already concerns, so an edit keeps them)."""
    query = sa.select(PortCommunity).where(PortCommunity.status != CommunityStatus.ARCHIVED)
    if not security.is_secretariat(current_user):
        query = query.where(PortCommunity.id.in_(security.coordinated_community_ids(current_user)))
    chosen = {c.id: c for c in db.session.scalars(query)}
    chosen |= {c.id: c for c in (event.communities if event else [])}
    return sorted(chosen.values(), key=lambda community: community.name)


def _with_choices(form: EventForm, event: Event | None = None) -> EventForm:
    locale = current_locale()
    keep = event.country_id if event else None
    live = [c for c in countries.all_countries(locale) if not c.archived or c.id == keep]
    form.set_choices(live, _communities_for(event), locale)
    return form


@bp.route("/events/new", methods=["GET", "POST"])
@requires("events.create")
def new():
    """The Secretariat creates any event; a coordinator, a workshop of their communities. It starts as a
    draft that only its organisers see."""
    form = _with_choices(EventForm())
    if form.validate_on_submit():
        try:
            event = events.create(current_user, form.to_data())
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("The event was saved as a draft. Add its programme, then publish it."), "success")
            return redirect(url_for(".show", event_id=event.id))
    return render_template("events/event_form.html", form=form, event=None), form_status()


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
def edit(event_id: int):
    """Change an event; people registered get the new time or place in their calendar."""
    event = load_event(event_id, "events.manage")
    form = _with_choices(EventForm.of(event), event)
    if form.validate_on_submit():
        try:
            events.update(current_user, event, form.to_data())
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("The event was saved."), "success")
            return redirect(url_for(".show", event_id=event.id))
    return render_template("events/event_form.html", form=form, event=event), form_status()


@bp.post("/events/<int:event_id>/publish")
def publish(event_id: int):
    """Make a draft public (and open its discussion room)."""
    event = load_event(event_id, "events.manage")
    with flashing(_("The event is published.")):
        events.publish(current_user, event)
    return redirect(url_for(".show", event_id=event.id))


@bp.post("/events/<int:event_id>/cancel")
def cancel(event_id: int):
    """Cancel an event with a reason; everyone registered or waiting is told."""
    event = load_event(event_id, "events.manage")
    form = CancelEventForm()
    if not form.validate_on_submit():
        flash(_("Keep the reason under 500 characters."), "error")
        return redirect(url_for(".show", event_id=event.id))
    with flashing(_("The event was cancelled.")):
        events.cancel(current_user, event, form.reason.data)
    return redirect(url_for(".show", event_id=event.id))


@bp.get("/events/<int:event_id>/history")
def history(event_id: int):
    """Every recorded change of the event, its programme and its registrations, oldest first."""
    event = load_event(event_id, "events.manage")
    return render_template("events/history.html", event=event, entries=audit.subject_entries(event))
