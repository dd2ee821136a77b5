"""Bodies and seats: the public list, a body's page, and the Secretariat's forms for bodies and seats."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...errors import DomainError
from ...i18n import current_locale
from ...models.base import utcnow
from ...security import authorize, requires
from ...services import (
    committee_minutes,
    committee_motions,
    committee_seats,
    committees,
    material_pages,
    rooms,
)
from ..forms import show_error
from . import bp
from .common import form_status, load_body, load_seat, with_seat_choices
from .forms import BodyForm, SeatForm


@bp.get("/")
@requires("committees.list")
def index():
    """Every body the viewer may see: the public, active bodies' names and mandates; members, all bodies."""
    return render_template("committees/index.html", bodies=committees.bodies_for(current_user))


@bp.route("/new", methods=["GET", "POST"])
@requires("committees.manage")
def new_body():
    """The Secretariat creates a body."""
    form = BodyForm()
    if form.validate_on_submit():
        try:
            body = committees.create_body(current_user, form.to_data(), form.work_plan.data)
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("The body %(name)s was created.", name=body.name_in(current_locale())), "success")
            return redirect(url_for(".seats", body_id=body.id))
    return render_template("committees/body_form.html", form=form, body=None), form_status()


@bp.get("/<int:body_id>")
def show(body_id: int):
    """A body's page for network members: mandate, term, rules, work plan, seats held today, sessions."""
    body = load_body(body_id)
    authorize("committees.view", body)
    seats = committees.seats_of(body, current_on=utcnow().date())
    sessions = committees.sessions_of(body)
    room = rooms.room_for_body(body)
    return render_template(
        "committees/show.html",
        body=body,
        seats=seats,
        sessions=sessions,
        room=room,
        minutes=committee_minutes.minutes_of_body(current_user, body.id),
        motions=committee_motions.of_body_for(current_user, body),
        materials=material_pages.listed(current_user, current_locale(), body=body),
    )


@bp.route("/<int:body_id>/edit", methods=["GET", "POST"])
def edit_body(body_id: int):
    """The Secretariat changes a body (closing it, replacing its work plan)."""
    body = load_body(body_id)
    authorize("committees.manage", body)
    form = BodyForm.of(body)
    if form.validate_on_submit():
        try:
            committees.update_body(current_user, body, form.to_data(), form.work_plan.data)
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("The body was saved."), "success")
            return redirect(url_for(".show", body_id=body.id))
    return render_template("committees/body_form.html", form=form, body=body), form_status()


@bp.route("/<int:body_id>/seats", methods=["GET", "POST"])
def seats(body_id: int):
    """Every seat of a body, past and present, and the form to assign a new one."""
    body = load_body(body_id)
    authorize("committees.manage", body)
    form = with_seat_choices(SeatForm())
    if form.validate_on_submit():
        try:
            seat = committee_seats.add_seat(current_user, body, form.to_data())
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("%(person)s now holds a seat.", person=seat.user.name), "success")
            return redirect(url_for(".seats", body_id=body.id))
    page = render_template("committees/seats.html", body=body, seats=committees.seats_of(body), form=form)
    return page, form_status()


@bp.route("/seats/<int:seat_id>/edit", methods=["GET", "POST"])
def edit_seat(seat_id: int):
    """The Secretariat changes a seat; giving it an end date ends it."""
    seat = load_seat(seat_id)
    form = with_seat_choices(SeatForm.of(seat))
    if form.validate_on_submit():
        try:
            committee_seats.update_seat(current_user, seat, form.to_data())
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("The seat was saved."), "success")
            return redirect(url_for(".seats", body_id=seat.body_id))
    page = render_template("committees/seat_form.html", seat=seat, body=seat.body, form=form)
    return page, form_status()
