"""Registering: a signed-in person registers (or joins the waiting list) and cancels; the organisers list
the registrations, record attendance and download the list."""

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ... import security
from ...errors import DomainError
from ...i18n import current_locale
from ...models import RegistrationStatus
from ...services import countries, event_attendance, event_registrations
from ..forms import flashing, show_error
from . import bp
from .common import form_status, load_event
from .forms import AttendanceForm, RegistrationForm


def _registration_form(user_defaults: bool) -> RegistrationForm:
    locale = current_locale()
    defaults = event_registrations.defaults_for(current_user) if user_defaults else None
    form = RegistrationForm(
        country_id=defaults.country_id if defaults else None,
        organisation_name=defaults.organisation_name if defaults else None,
        stakeholder_type=defaults.stakeholder_type.value if defaults and defaults.stakeholder_type else "",
    )
    form.set_choices([c for c in countries.all_countries(locale) if not c.archived], locale)
    return form


@bp.route("/events/<int:event_id>/register", methods=["GET", "POST"])
def register(event_id: int):
    """Register for an event; people signed out are asked to sign in first and come back here."""
    event = load_event(event_id)
    if not security.is_signed_in(current_user):
        abort(401)
    availability = event_registrations.availability(current_user, event)
    if not availability.may_register:
        flash(availability.reason, "info")
        return redirect(url_for(".show", event_id=event.id))
    form = _registration_form(request.method == "GET")
    if form.validate_on_submit():
        try:
            row = event_registrations.register(current_user, event, form.to_data())
        except DomainError as error:
            show_error(form, error)
        else:
            waiting = row.status == RegistrationStatus.WAITLISTED
            flash(_("You are on the waiting list.") if waiting else _("You are registered."), "success")
            return redirect(url_for(".show", event_id=event.id))
    return render_template(
        "events/register.html", event=event, form=form, availability=availability
    ), form_status()


@bp.post("/events/<int:event_id>/registration/cancel")
def cancel_registration(event_id: int):
    """Cancel one's own registration (or leave the waiting list)."""
    event = load_event(event_id)
    if not security.is_signed_in(current_user):
        abort(401)
    with flashing(_("Your registration is cancelled.")):
        event_registrations.cancel(current_user, event)
    return redirect(url_for(".show", event_id=event.id))


@bp.route("/events/<int:event_id>/registrations", methods=["GET", "POST"])
def registrations(event_id: int):
    """The organisers' list of registrations, where they record who attended."""
    event = load_event(event_id, "events.manage")
    form = AttendanceForm()
    if form.validate_on_submit():
        try:
            changed = event_attendance.record_attendance(current_user, event, form.marks(request.form))
        except ValueError:
            flash(_("Choose attended, absent or nothing for each person."), "error")
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(
                ngettext("%(num)d answer was recorded.", "%(num)d answers were recorded.", changed), "success"
            )
            return redirect(url_for(".registrations", event_id=event.id))
    rows = event_attendance.registrations_of(event)
    return render_template("events/registrations.html", event=event, rows=rows, form=form), form_status()


@bp.get("/events/<int:event_id>/registrations.csv")
def registrations_csv(event_id: int):
    """The registrations as a CSV file for the organisers (without the gender anyone declared)."""
    event = load_event(event_id, "events.manage")
    response = Response(event_attendance.csv_text(event, current_locale()), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="event-{event.id}-registrations.csv"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
