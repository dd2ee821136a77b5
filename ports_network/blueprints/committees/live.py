"""The live session page and the console's forms for when JavaScript is off: each form posts to the same
service as the socket event, then everyone following the session gets the new state (`publish`)."""

from collections.abc import Callable
from typing import Any

from flask import redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from ...errors import DomainError
from ...models import AttendanceStatus, CommitteeSession, Motion
from ...security import authorize
from ...services import committee_live, committee_live_state, committee_motions, committee_speakers
from . import bp
from .common import load_session
from .live_events import SESSION, SPEAKERS, expand, publish, whole
from .live_forms import ItemForm, MotionForm, RollCallForm
from .live_view import flash_result, live_labels, page_context

Change = Callable[[CommitteeSession], Any]


@bp.get("/sessions/<int:session_id>/live")
def live(session_id: int):
    """The session as it happens: for every seat holder convened; the officers also get the console."""
    meeting = load_session(session_id, "committees.attend_session")
    state = committee_live_state.snapshot(meeting)
    return render_template(
        "committees/live.html",
        session=meeting,
        body=meeting.body,
        state=state,
        labels=live_labels(),
        **page_context(meeting, state),
    )


def console_post(session_id: int, action: str, change: Change, done: str, parts: list) -> Response:
    """Load and authorise, apply one service call, push the parts it changed to the attendees (a motion
    the call returns among them), flash, and go back to the live page."""
    meeting = load_session(session_id, "committees.attend_session")
    authorize(action, meeting)
    try:
        result = change(meeting)
    except DomainError as error:
        flash_result(error.message, ok=False)
    else:
        changed = parts + ([result] if isinstance(result, Motion) else [])
        publish(meeting, expand(meeting, changed))
        flash_result(done)
    return redirect(url_for(".live", session_id=meeting.id), 303)


DRIVE = "committees.drive_session"


@bp.post("/sessions/<int:session_id>/open")
def open_session(session_id: int):
    """The chair opens the convened session."""
    change = lambda s: committee_live.open_session(current_user, s)  # noqa: E731
    return console_post(session_id, DRIVE, change, _("The session is open."), whole())


@bp.post("/sessions/<int:session_id>/close")
def close_session(session_id: int):
    """The chair closes the session."""
    change = lambda s: committee_live.close_session(current_user, s)  # noqa: E731
    return console_post(session_id, DRIVE, change, _("The session is closed."), whole())


@bp.post("/sessions/<int:session_id>/current-item")
def take_up(session_id: int):
    """The chair moves the session to an agenda item (0: between items)."""
    form = ItemForm()
    item_id = form.item_id.data if form.validate_on_submit() else None
    change = lambda s: committee_live.take_up(current_user, s, item_id or None)  # noqa: E731
    return console_post(session_id, DRIVE, change, _("The current item changed."), [SESSION])


@bp.post("/sessions/<int:session_id>/roll-call")
def roll_call(session_id: int):
    """An officer records one person's roll-call answer and proxy."""
    form = RollCallForm()

    def change(s: CommitteeSession) -> None:
        if not form.validate_on_submit():
            raise DomainError(_("Choose a person and their roll-call answer."))
        status = AttendanceStatus(form.status.data)
        committee_live.record_attendance(current_user, s, form.person_id.data, status, form.holder())

    return console_post(session_id, DRIVE, change, _("The roll call was recorded."), [SESSION])


@bp.post("/sessions/<int:session_id>/floor")
def request_floor(session_id: int):
    """A seat holder asks for the floor."""
    change = lambda s: committee_speakers.request_floor(current_user, s)  # noqa: E731
    done = _("You are in the speakers' queue.")
    return console_post(session_id, "committees.request_floor", change, done, [SPEAKERS])


@bp.post("/sessions/<int:session_id>/floor/withdraw")
def withdraw_floor(session_id: int):
    """A speaker leaves the queue or yields the floor."""
    change = lambda s: committee_speakers.withdraw(current_user, s)  # noqa: E731
    done = _("You left the speakers' queue.")
    return console_post(session_id, "committees.attend_session", change, done, [SPEAKERS])


@bp.post("/sessions/<int:session_id>/floor/next")
def next_speaker(session_id: int):
    """The chair gives the floor to the next in line."""
    change = lambda s: committee_speakers.next_speaker(current_user, s)  # noqa: E731
    return console_post(session_id, DRIVE, change, _("The floor was given."), [SPEAKERS])


@bp.post("/sessions/<int:session_id>/motions")
def propose_motion(session_id: int):
    """An officer records a motion moved in the session."""
    form = MotionForm()

    def change(s: CommitteeSession) -> Motion:
        if not form.validate_on_submit():
            raise DomainError(_("Write the motion (at most 5,000 characters)."))
        return committee_motions.propose(current_user, s, form.to_data())

    return console_post(session_id, DRIVE, change, _("The motion was recorded."), [])
