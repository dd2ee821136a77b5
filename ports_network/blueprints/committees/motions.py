"""Motions: their page, and the forms that put them to the vote, cast and record votes and close them
(in a live session the attendees are told at once; between sessions the members by notice and mail)."""

from collections.abc import Callable
from typing import Any

from flask import abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from ...errors import DomainError
from ...models import Motion, VoteChoice, VoteMethod
from ...security import authorize
from ...services import committee_minutes, committee_motions
from . import bp
from .live_events import publish
from .live_forms import BallotForm, HandForm, OpenVoteForm
from .live_view import flash_result


def load_motion(motion_id: int) -> Motion:
    """The motion of a URL, for those who may see it (its session's board pack, or the body's seats)."""
    motion = committee_motions.get(motion_id) or abort(404)
    authorize("committees.view_motion", motion)
    return motion


def back_to(motion: Motion) -> Response:
    """A motion of a live session is followed on the live page; any other on its own page."""
    if motion.session is not None and motion.session.is_live:
        return redirect(url_for(".live", session_id=motion.session_id, _anchor=f"motion-{motion.id}"), 303)
    return redirect(url_for(".motion", motion_id=motion.id), 303)


def motion_post(motion_id: int, action: str, change: Callable[[Motion], Any], done: str) -> Response:
    """Load and authorise, apply one service call, tell the session's attendees, flash, go back."""
    motion = load_motion(motion_id)
    authorize(action, motion)
    try:
        change(motion)
    except DomainError as error:
        flash_result(error.message, ok=False)
    else:
        if motion.session is not None:
            publish(motion.session, [motion])
        flash_result(done)
    return back_to(motion)


def _submitted(form: Any) -> None:
    if not form.validate_on_submit():
        raise DomainError(_("Choose one of the options."))


@bp.get("/motions/<int:motion_id>")
def motion(motion_id: int):
    """A motion with its vote: the form to vote for those who may, the result once it is closed."""
    item = load_motion(motion_id)
    return render_template(
        "committees/motion.html",
        motion=item,
        body=item.body,
        voted=current_user.id in committee_motions.voted_ids(item),
        ballot_form=BallotForm(formdata=None),
        named=committee_motions.named_ballots(item),
        approvable=committee_minutes.approvable_by(item),
        approved=committee_minutes.approved_by(item),
    )


@bp.post("/motions/<int:motion_id>/open-vote")
def open_vote(motion_id: int):
    """An officer puts a session's motion to the vote (show of hands, named or secret ballot)."""
    form = OpenVoteForm()

    def change(item: Motion) -> None:
        _submitted(form)
        committee_motions.open_vote(current_user, item, VoteMethod(form.method.data))

    return motion_post(motion_id, "committees.run_motion", change, _("The motion is put to the vote."))


@bp.post("/motions/<int:motion_id>/withdraw")
def withdraw_motion(motion_id: int):
    """An officer withdraws a motion not yet voted on."""
    change = lambda item: committee_motions.withdraw(current_user, item)  # noqa: E731
    return motion_post(motion_id, "committees.run_motion", change, _("The motion was withdrawn."))


@bp.post("/motions/<int:motion_id>/vote")
def vote(motion_id: int):
    """Cast one's vote (the page never repeats a secret choice)."""
    form = BallotForm()

    def change(item: Motion) -> None:
        _submitted(form)
        committee_motions.cast(current_user, item, VoteChoice(form.choice.data))

    return motion_post(motion_id, "committees.view_motion", change, _("Your vote is recorded."))


@bp.post("/motions/<int:motion_id>/hand")
def record_hand(motion_id: int):
    """The secretary records a raised hand by name."""
    form = HandForm()

    def change(item: Motion) -> None:
        _submitted(form)
        committee_motions.record_hand(current_user, item, form.voter_id.data, VoteChoice(form.choice.data))

    return motion_post(motion_id, "committees.run_motion", change, _("The hand was recorded."))


@bp.post("/motions/<int:motion_id>/close-vote")
def close_vote(motion_id: int):
    """An officer closes the vote; the result is counted and announced."""
    change = lambda item: committee_motions.close_vote(current_user, item)  # noqa: E731
    return motion_post(motion_id, "committees.run_motion", change, _("The vote is closed."))
