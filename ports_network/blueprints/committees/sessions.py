"""Sessions: scheduling and changing them, the session page (the board pack), convening, cancelling, and
the calendar invitation to download."""

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ...errors import DomainError
from ...i18n import current_locale
from ...security import authorize
from ...services import (
    action_items,
    committee_invitations,
    committee_minutes,
    committee_sessions,
    material_pages,
    rooms,
)
from ..forms import flashing, show_error
from . import bp
from .common import form_status, load_body, load_session
from .forms import CancelForm, SessionForm


@bp.route("/<int:body_id>/sessions/new", methods=["GET", "POST"])
def new_session(body_id: int):
    """An officer of the body (or the Secretariat) schedules a session."""
    body = load_body(body_id)
    authorize("committees.schedule", body)
    form = SessionForm()
    form.set_choices(body)
    if form.validate_on_submit():
        try:
            session = committee_sessions.schedule(current_user, body, form.to_data())
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("The session was scheduled. Now prepare its agenda."), "success")
            return redirect(url_for(".agenda", session_id=session.id))
    return render_template("committees/session_form.html", form=form, body=body, session=None), form_status()


@bp.get("/sessions/<int:session_id>")
def session(session_id: int):
    """The board pack: when and where, the agenda with presenters, time boxes and documents, the quorum."""
    meeting = load_session(session_id)
    return render_template(
        "committees/session.html",
        session=meeting,
        body=meeting.body,
        seats=committee_sessions.convened_seats(meeting),
        quorum=committee_sessions.quorum_of(meeting),
        cancel_form=CancelForm(),
        room=rooms.room_for_session(meeting),
        minutes=committee_minutes.of_session(meeting),
        actions=action_items.of_session(meeting),
        decisions=action_items.carried_motions_of_session(meeting),
        today=action_items.today(),
        materials=material_pages.listed(current_user, current_locale(), committee_session=meeting),
    )


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
def edit_session(session_id: int):
    """Change a planned session; once convened, a new time or place sends revised invitations."""
    meeting = load_session(session_id, "committees.run_session")
    form = SessionForm.of(meeting)
    form.set_choices(meeting.body)
    if form.validate_on_submit():
        try:
            committee_sessions.update(current_user, meeting, form.to_data())
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("The session was saved."), "success")
            return redirect(url_for(".session", session_id=meeting.id))
    page = render_template("committees/session_form.html", form=form, body=meeting.body, session=meeting)
    return page, form_status()


@bp.post("/sessions/<int:session_id>/convene")
def convene(session_id: int):
    """Send the convocation and calendar invitation to everyone who holds a seat on the session's day."""
    meeting = load_session(session_id, "committees.run_session")
    try:
        count = committee_sessions.convene(current_user, meeting)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(ngettext("%(num)d person was convened.", "%(num)d people were convened.", count), "success")
    return redirect(url_for(".session", session_id=meeting.id))


@bp.post("/sessions/<int:session_id>/cancel")
def cancel_session(session_id: int):
    """Cancel a planned session with a reason; those convened are told."""
    meeting = load_session(session_id, "committees.run_session")
    form = CancelForm()
    if not form.validate_on_submit():
        flash(_("Keep the reason under 500 characters."), "error")
        return redirect(url_for(".session", session_id=meeting.id))
    with flashing(_("The session was cancelled.")):
        committee_sessions.cancel(current_user, meeting, form.reason.data)
    return redirect(url_for(".session", session_id=meeting.id))


@bp.get("/sessions/<int:session_id>/invite.ics")
def invite(session_id: int):
    """The session as an .ics file to add to one's calendar (in the reader's language)."""
    meeting = load_session(session_id)
    text = committee_invitations.download(meeting, current_locale())
    response = Response(text, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="session-{meeting.id}.ics"'
    response.headers["Cache-Control"] = "private, no-cache"
    return response
