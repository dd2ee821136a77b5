"""Votes between sessions: the list of open votes for a member, and the officers' forms that put a new
motion, or one left proposed by a session, to the body's voting members with a deadline."""

from flask import redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ...errors import DomainError
from ...models.base import utcnow
from ...security import authorize, requires
from ...services import committee_async_votes, committee_motions
from ..forms import show_error
from . import bp
from .common import form_status, load_body
from .live_forms import BetweenSessionsForm, NewMotionForm
from .live_view import flash_result
from .motions import load_motion


@bp.get("/votes")
@requires("committees.list_votes")
def votes():
    """The votes between sessions open now in the bodies where the person holds a seat."""
    motions = committee_async_votes.open_for(current_user)
    voted = {motion.id for motion in motions if current_user.id in committee_motions.voted_ids(motion)}
    return render_template("committees/votes.html", motions=motions, voted=voted)


@bp.route("/<int:body_id>/motions/new", methods=["GET", "POST"])
def new_motion(body_id: int):
    """An officer puts a motion to the body's voting members between sessions."""
    body = load_body(body_id)
    authorize("committees.propose_motion", body)
    form = NewMotionForm()
    form.set_people(committee_motions.voting_members(body, utcnow().date()))
    if form.validate_on_submit():
        try:
            motion = committee_async_votes.put_to_members(current_user, body, form.to_data(), form.ballot())
        except DomainError as error:
            show_error(form, error)
        else:
            count = motion.eligible_votes or 0
            flash_result(
                ngettext("%(num)d voting member was told.", "%(num)d voting members were told.", count)
            )
            return redirect(url_for(".motion", motion_id=motion.id), 303)
    return render_template("committees/motion_form.html", form=form, body=body, motion=None), form_status()


@bp.route("/motions/<int:motion_id>/between-sessions", methods=["GET", "POST"])
def vote_between(motion_id: int):
    """An officer puts a motion left proposed (say, by a closed session) to the members."""
    motion = load_motion(motion_id)
    authorize("committees.run_motion", motion)
    form = BetweenSessionsForm()
    if form.validate_on_submit():
        try:
            committee_async_votes.open_between_sessions(current_user, motion, form.to_data())
        except DomainError as error:
            show_error(form, error)
        else:
            flash_result(_("The motion is put to the voting members."))
            return redirect(url_for(".motion", motion_id=motion.id), 303)
    page = render_template("committees/motion_form.html", form=form, body=motion.body, motion=motion)
    return page, form_status()
