"""Amendments: an attendee proposes one while the window is open; an officer accepts it (saving the text
with the change worked in as a new version) or rejects it with a reason."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...errors import DomainError
from ...services import minutes_amendments
from ..forms import flashing, show_error
from . import bp
from .common import form_status, load_amendment, load_minutes
from .forms import AcceptForm, AmendmentForm, RejectForm


@bp.post("/minutes/<int:minutes_id>/amendments")
def propose(minutes_id: int):
    """An attendee proposes an amendment to the draft."""
    minutes = load_minutes(minutes_id, "minutes.propose_amendment")
    form = AmendmentForm()
    if form.validate_on_submit():
        with flashing(_("Your amendment was sent to the secretary.")):
            minutes_amendments.propose(current_user, minutes, form.original.data, form.proposed.data)
    else:
        flash(_("Keep each text under 20000 characters."), "error")
    return redirect(url_for(".show", minutes_id=minutes.id))


@bp.route("/minutes/amendments/<int:amendment_id>/accept", methods=["GET", "POST"])
def accept(amendment_id: int):
    """An officer works the amendment into the text and saves it as a new version."""
    amendment = load_amendment(amendment_id)
    minutes = amendment.minutes
    form = AcceptForm(text=minutes_amendments.suggested_text(amendment), based_on=minutes.current.number)
    if form.validate_on_submit():
        try:
            minutes_amendments.accept(current_user, amendment, form.text.data, form.based_on.data)
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("The amendment was accepted: version %(num)d.", num=minutes.current.number), "success")
            return redirect(url_for(".show", minutes_id=minutes.id))
    page = render_template("minutes/accept.html", amendment=amendment, minutes=minutes, form=form)
    return page, form_status()


@bp.post("/minutes/amendments/<int:amendment_id>/reject")
def reject(amendment_id: int):
    """An officer rejects an amendment with a reason, which its proposer is told."""
    amendment = load_amendment(amendment_id)
    form = RejectForm()
    with flashing(_("The amendment was rejected; its proposer was told why.")):
        minutes_amendments.reject(
            current_user, amendment, form.reason.data if form.validate_on_submit() else None
        )
    return redirect(url_for(".show", minutes_id=amendment.minutes_id))
