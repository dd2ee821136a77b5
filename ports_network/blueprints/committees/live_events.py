"""Socket.IO events of the live session: the attendees' view and the officers' console.

Every event is authorised again through security.py (a seat can end mid-session) and its channel is named
by the server. A change is committed by its service first; then the parts of the session it changed, read
back from the database with the session's revision, go to every attendee (`publish`): the session and its
roll call, the speakers, or one motion. A client joining or reconnecting gets the whole state in the join
acknowledgement; clients keep each part at the latest revision they got, so a push overtaken by a later
one (several processes) changes nothing.
"""

from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _
from flask_login import current_user
from flask_socketio import join_room, leave_room

from ... import realtime, security
from ...errors import DomainError
from ...extensions import db, socketio
from ...models import AttendanceStatus, CommitteeSession, Motion, VoteChoice, VoteMethod
from ...services import (
    committee_live,
    committee_live_state,
    committee_motions,
    committee_sessions,
    committee_speakers,
)
from ...services.committee_motions import MotionData

SESSION, SPEAKERS = committee_live_state.SESSION, committee_live_state.SPEAKERS
DRIVE = "committees.drive_session"
Parts = Callable[[Any], list]


def publish(session: CommitteeSession, parts: list) -> None:
    """Send the committed parts of the session to everyone following it (every process, via the queue)."""
    pushed = committee_live_state.update(session, parts)
    socketio.emit("session_update", pushed, to=realtime.session_channel(session.id))


def whole(_result: Any = None) -> list:
    """For an opening or closing: every part (the motions are listed when published)."""
    return [SESSION, SPEAKERS, ALL_MOTIONS]


ALL_MOTIONS = "all_motions"


def expand(session: CommitteeSession, parts: list) -> list:
    """The parts to publish, with "every motion" spelled out."""
    if ALL_MOTIONS not in parts:
        return parts
    return [part for part in parts if part != ALL_MOTIONS] + committee_motions.of_session(session)


def _refused(error: str) -> dict[str, Any]:
    return {"ok": False, "error": error}


def _id(data: Any, key: str) -> int | None:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _following(session: CommitteeSession | None) -> bool:
    """Whether the current user may follow the session now; if not, out of its channel."""
    if session is None:
        return False
    if security.can(current_user, "committees.attend_session", session):
        return True
    leave_room(realtime.session_channel(session.id))
    return False


def _not_found() -> dict[str, Any]:
    return _refused(_("This session does not exist or you were not convened to it."))


def join(data: Any) -> dict[str, Any]:
    """Follow a session live: the acknowledgement carries its state as of now."""
    session = committee_sessions.get(_id(data, "session_id") or 0)
    if not _following(session):
        return _not_found()
    join_room(realtime.session_channel(session.id))
    return {"ok": True, "state": committee_live_state.snapshot(session)}


def _act(
    session: CommitteeSession | None, action: str | None, target: Any, change: Callable[[], Any], parts: Parts
) -> dict:
    """Authorise `action` on `target` (None: the service authorises it, on the busiest path), apply the
    change through its service, then push the parts it changed (`parts` of its result) to every attendee."""
    if not _following(session):
        return _not_found()
    if action is not None and not security.can(current_user, action, target):
        return _refused(_("You are not allowed to do this."))
    try:
        result = change()
    except DomainError as error:
        db.session.rollback()
        return _refused(str(error.message))
    publish(session, expand(session, parts(result)))
    return {"ok": True}


def _session_only(_result: Any = None) -> list:
    return [SESSION]


def _speakers_only(_result: Any = None) -> list:
    return [SPEAKERS]


def _session_of(data: Any) -> CommitteeSession | None:
    return committee_sessions.get(_id(data, "session_id") or 0)


def _motion_of(data: Any) -> tuple[Motion | None, CommitteeSession | None]:
    motion = committee_motions.get(_id(data, "motion_id") or 0)
    return motion, motion.session if motion is not None else None


def _text(data: Any, key: str) -> str:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, str) else ""


def open_session(data: Any) -> dict:
    """The chair opens the convened session."""
    s = _session_of(data)
    return _act(s, DRIVE, s, lambda: committee_live.open_session(current_user, s), whole)


def close_session(data: Any) -> dict:
    """The chair closes the session."""
    s = _session_of(data)
    return _act(s, DRIVE, s, lambda: committee_live.close_session(current_user, s), whole)


def take_up(data: Any) -> dict:
    """The chair moves to an agenda item (none: `item_id` 0 or missing)."""
    s = _session_of(data)
    item_id = _id(data, "item_id")
    return _act(s, DRIVE, s, lambda: committee_live.take_up(current_user, s, item_id), _session_only)


def roll_call(data: Any) -> dict:
    """An officer records a person's roll-call answer and proxy."""
    s = _session_of(data)
    person, holder, status = _id(data, "person_id"), _id(data, "proxy_holder_id"), _text(data, "status")
    if person is None or status not in set(AttendanceStatus):
        return _refused(_("Choose a person and their roll-call answer."))

    def record() -> None:
        committee_live.record_attendance(current_user, s, person, AttendanceStatus(status), holder)

    return _act(s, DRIVE, s, record, _session_only)


def request_floor(data: Any) -> dict:
    """A seat holder asks for the floor."""
    s = _session_of(data)
    ask = lambda: committee_speakers.request_floor(current_user, s)  # noqa: E731
    return _act(s, "committees.request_floor", s, ask, _speakers_only)


def withdraw_floor(data: Any) -> dict:
    """A speaker leaves the queue or yields the floor."""
    s = _session_of(data)
    leave = lambda: committee_speakers.withdraw(current_user, s)  # noqa: E731
    return _act(s, "committees.attend_session", s, leave, _speakers_only)


def next_speaker(data: Any) -> dict:
    """The chair gives the floor to the next in line."""
    s = _session_of(data)
    return _act(s, DRIVE, s, lambda: committee_speakers.next_speaker(current_user, s), _speakers_only)


def _the_motion(motion: Any) -> list:
    return [motion]


def propose_motion(data: Any) -> dict:
    """An officer records a motion with its mover and seconder."""
    s = _session_of(data)
    motion = MotionData(_text(data, "text"), _id(data, "mover_id"), _id(data, "seconder_id"))
    return _act(s, DRIVE, s, lambda: committee_motions.propose(current_user, s, motion), _the_motion)


def open_vote(data: Any) -> dict:
    """An officer puts a motion to the vote by show of hands, named or secret ballot."""
    motion, s = _motion_of(data)
    method = _text(data, "method")
    if method not in set(VoteMethod):
        return _refused(_("Choose how the vote is taken."))
    change = lambda: committee_motions.open_vote(current_user, motion, method)  # noqa: E731
    return _act(s, DRIVE, s, change, lambda _result: [motion])


def withdraw_motion(data: Any) -> dict:
    """An officer withdraws a motion not yet voted on."""
    motion, s = _motion_of(data)
    change = lambda: committee_motions.withdraw(current_user, motion)  # noqa: E731
    return _act(s, DRIVE, s, change, lambda _result: [motion])


def vote(data: Any) -> dict:
    """A voting member present or remote casts their vote; the acknowledgement never repeats the choice."""
    motion, s = _motion_of(data)
    choice = _text(data, "choice")
    if choice not in set(VoteChoice):
        return _refused(_("Choose yes, no or abstain."))
    change = lambda: committee_motions.cast(current_user, motion, choice)  # noqa: E731
    # "committees.vote" is checked by cast() itself: once per ballot, sixty ballots at a time.
    return _act(s, None, motion, change, lambda _result: [motion])


def record_hand(data: Any) -> dict:
    """The secretary records a raised hand by name."""
    motion, s = _motion_of(data)
    voter, choice = _id(data, "voter_id"), _text(data, "choice")
    if voter is None or choice not in set(VoteChoice):
        return _refused(_("Choose a voter and their vote."))

    def record() -> None:
        committee_motions.record_hand(current_user, motion, voter, VoteChoice(choice))

    return _act(s, DRIVE, s, record, lambda _result: [motion])


def close_vote(data: Any) -> dict:
    """An officer closes the vote: the result is counted and announced to all."""
    motion, s = _motion_of(data)
    change = lambda: committee_motions.close_vote(current_user, motion)  # noqa: E731
    return _act(s, DRIVE, s, change, lambda _result: [motion])


EVENTS = {
    "session_join": join,
    "session_open": open_session,
    "session_close": close_session,
    "session_item": take_up,
    "session_roll_call": roll_call,
    "session_floor": request_floor,
    "session_floor_withdraw": withdraw_floor,
    "session_next_speaker": next_speaker,
    "motion_propose": propose_motion,
    "motion_open_vote": open_vote,
    "motion_withdraw": withdraw_motion,
    "motion_vote": vote,
    "motion_hand": record_hand,
    "motion_close_vote": close_vote,
}


def register_events() -> None:
    """Attach the handlers to the Socket.IO server of the application being created (see rooms.events)."""
    for event, handler in EVENTS.items():
        socketio.on(event)(handler)
