"""The programme: sessions and their speakers, kept by the event's organisers (works without JavaScript)."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...errors import DomainError
from ...services import event_programme
from ..forms import flashing, show_error
from . import bp
from .common import form_status, load_event, load_session, load_speaker
from .forms import SessionForm, SpeakerForm


@bp.route("/events/<int:event_id>/programme", methods=["GET", "POST"])
def programme(event_id: int):
    """The programme as its organisers edit it, with the form to add a session."""
    event = load_event(event_id, "events.manage")
    form = SessionForm()
    if form.validate_on_submit():
        try:
            event_programme.add_session(current_user, event, form.to_data())
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("The session was added."), "success")
            return redirect(url_for(".programme", event_id=event.id))
    return render_template("events/programme.html", event=event, form=form), form_status()


@bp.route("/events/programme/<int:event_session_id>/edit", methods=["GET", "POST"])
def edit_session(event_session_id: int):
    """Change a session; its speakers are listed with the form to add one."""
    part = load_session(event_session_id)
    form = SessionForm.of(part)
    if form.validate_on_submit():
        try:
            event_programme.update_session(current_user, part, form.to_data())
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("The session was saved."), "success")
            return redirect(url_for(".programme", event_id=part.event_id))
    page = render_template("events/session_form.html", part=part, form=form, speaker_form=SpeakerForm())
    return page, form_status()


@bp.post("/events/programme/<int:event_session_id>/speakers")
def add_speaker(event_session_id: int):
    """Add a speaker or moderator to a session."""
    part = load_session(event_session_id)
    speaker_form = SpeakerForm()
    if speaker_form.validate_on_submit():
        try:
            event_programme.add_speaker(current_user, part, speaker_form.to_data())
        except DomainError as error:
            show_error(speaker_form, error)
        else:
            flash(_("%(name)s was added to the session.", name=speaker_form.name.data), "success")
            return redirect(url_for(".edit_session", event_session_id=part.id))
    page = render_template(
        "events/session_form.html", part=part, form=SessionForm.of(part), speaker_form=speaker_form
    )
    return page, 422


@bp.post("/events/programme/<int:event_session_id>/remove")
def remove_session(event_session_id: int):
    """Remove a session and its speakers."""
    part = load_session(event_session_id)
    event_id = part.event_id
    with flashing(_("The session was removed.")):
        event_programme.remove_session(current_user, part)
    return redirect(url_for(".programme", event_id=event_id))


@bp.post("/events/speakers/<int:speaker_id>/remove")
def remove_speaker(speaker_id: int):
    """Remove a speaker from a session."""
    speaker = load_speaker(speaker_id)
    session_id = speaker.session_id
    with flashing(_("The speaker was removed.")):
        event_programme.remove_speaker(current_user, speaker)
    return redirect(url_for(".edit_session", event_session_id=session_id))
