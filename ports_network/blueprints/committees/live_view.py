"""What the live page needs besides the session's state: the viewer's own situation, the forms of the
console for when JavaScript is off, and the words the script puts on the state's codes."""

from typing import Any

from flask import flash, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ... import labels, security
from ...models import (
    AttendanceStatus,
    CommitteeSession,
    MotionStatus,
    SeatRole,
    SessionStatus,
    SpeakerStatus,
    VoteChoice,
    VoteMethod,
    VotingRule,
)
from ...services import committee_minutes, committee_motions
from .live_forms import MotionForm


def flash_result(message: str, ok: bool = True) -> None:
    """Tell the person what their console action did."""
    flash(message, "success" if ok else "error")


def _codes(enum_cls: type) -> dict[str, str]:
    return {member.value: labels.label(member) for member in enum_cls}


def live_labels() -> dict[str, Any]:
    """Every code of the state in the reader's language, and the script's sentences ({name} placeholders)."""
    return {
        "attendance": _codes(AttendanceStatus),
        "role": _codes(SeatRole),
        "session": _codes(SessionStatus),
        "motion": _codes(MotionStatus),
        "method": _codes(VoteMethod),
        "rule": _codes(VotingRule),
        "choice": _codes(VoteChoice),
        "speaker": _codes(SpeakerStatus),
        "text": {
            "not_recorded": _("Not recorded yet"),
            "roll_call": _("Roll call"),
            "no_vote": _("does not vote"),
            "proxy_held_by": _("Proxy held by"),
            "method": _("How the vote is taken"),
            "proxy": _("proxy with %(name)s", name="{name}"),
            "proxy_refused": _("proxy with %(name)s, not counted", name="{name}"),
            "no_proxy": _("No proxy"),
            "quorum": _(
                "%(represented)s of %(seats)s voting seats represented (%(required)s required)",
                represented="{represented}",
                seats="{seats}",
                required="{required}",
            ),
            "reached": _("Quorum reached"),
            "not_reached": _("Quorum not reached"),
            "no_item": _("No item under discussion"),
            "take_up": _("Take up"),
            "current": _("Under discussion"),
            "queue_empty": _("Nobody has asked for the floor."),
            "ask_floor": _("Ask for the floor"),
            "leave_queue": _("Leave the queue"),
            "next_speaker": _("Give the floor to the next speaker"),
            "moved_by": _("Moved by %(name)s", name="{name}"),
            "seconded_by": _("seconded by %(name)s", name="{name}"),
            "put_to_vote": _("Put to the vote"),
            "withdraw": _("Withdraw"),
            "close_vote": _("Close the vote"),
            "voted_count": _("%(voted)s of %(eligible)s have voted", voted="{voted}", eligible="{eligible}"),
            "you_voted": _("Your vote is recorded."),
            "your_vote": _("Your vote"),
            "result": _(
                "%(result)s: yes %(yes)s, no %(no)s, abstentions %(abstain)s",
                result="{result}",
                yes="{yes}",
                no="{no}",
                abstain="{abstain}",
            ),
            "announce": _("Result of the vote: %(result)s", result="{result}"),
            "rule_line": _("Counted by: %(rule)s", rule="{rule}"),
            "hands": _("Hands raised"),
            "weight": _("weight %(num)s", num="{num}"),
            "no_motions": _("No motion yet."),
            "online": _("Live: changes appear as they happen."),
            "offline": _("Connection lost. Reconnecting…"),
            "error": _("Not done: %(reason)s", reason="{reason}"),
            "add_action": _("Add an action for this decision"),
            "approve_minutes": _("Record the approval of the minutes of %(session)s", session="{session}"),
        },
    }


PLACEHOLDER = 987654321  # an id no object has, replaced by "{id}" in the script's URL patterns


def follow_up_urls(session: CommitteeSession, drives: bool) -> dict[str, str | None]:
    """Where the officers go from a carried motion: a new action from it (the script adds `motion_id`), and
    the minutes it approves (`{id}`); None for the others."""
    may_add = security.can(current_user, "action_items.create", session.body)
    minutes = url_for("minutes.show", minutes_id=PLACEHOLDER) if drives else None
    return {
        "add_action": url_for("action_items.new", body_id=session.body_id, session_id=session.id)
        if may_add
        else None,
        "minutes": minutes.replace(str(PLACEHOLDER), "{id}") if minutes else None,
    }


def page_context(session: CommitteeSession, state: dict[str, Any]) -> dict[str, Any]:
    """The viewer's situation and the console's forms."""
    drives = security.can(current_user, "committees.drive_session", session)
    me = next((p for p in state["people"] if p["id"] == current_user.id), None)
    motion_form = MotionForm(formdata=None)
    if drives:
        motion_form.set_people(committee_motions.voting_members_of_session(session))
    return {
        "drives": drives,
        "may_speak": security.can(current_user, "committees.request_floor", session),
        "in_queue": any(s["user_id"] == current_user.id for s in state["speakers"]),
        "my_weight": me["weight"] if me else 0,
        "motion_form": motion_form,
        "voting_people": [p for p in state["people"] if p["weight"]],
        "names": {p["id"]: p["name"] for p in state["people"]},
        "open_motion": next((m for m in state["motions"] if m["status"] == "voting"), None),
        "follow_up": follow_up_urls(session, drives),
        "minutes": committee_minutes.of_session(session) if session.status == SessionStatus.CLOSED else None,
    }
