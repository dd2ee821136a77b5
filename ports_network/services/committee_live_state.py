"""The state of a session as every attendee sees it, as plain data read from the database: the page renders
it, the socket pushes it after each change, so a reload shows exactly what the live view showed.

Language-neutral on purpose (codes, ids, names, sanitised HTML of the motions): one snapshot goes to every
attendee, and the page and script put the codes into each reader's language. It never holds a secret
choice: for a secret ballot only who has voted while it is open, and the totals once it is closed.
"""

from collections import defaultdict
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from ..extensions import db
from ..markdown import render
from ..models import (
    Attendance,
    Ballot,
    CommitteeSession,
    Motion,
    MotionStatus,
    SecretBallotReceipt,
    User,
    VoteMethod,
)
from . import committee_minutes, committee_sessions, committee_speakers, quorum

# Named ballots are shown with their names once the vote is closed; hands raised, as they are recorded.
SHOWN_WHILE_VOTING = frozenset({VoteMethod.SHOW_OF_HANDS})


def _name(user: User | None) -> str | None:
    if user is None:
        return None
    return "—" if user.is_deleted else user.name


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _people(session: CommitteeSession, counted: quorum.QuorumResult) -> list[dict[str, Any]]:
    answers = {
        row.user_id: row
        for row in db.session.scalars(sa.select(Attendance).where(Attendance.session_id == session.id))
    }
    refused = set(counted.refused_proxies)
    people = []
    for seat in committee_sessions.convened_seats(session):
        answer = answers.get(seat.user_id)
        holder = answer.proxy_holder_id if answer else None
        people.append(
            {
                "id": seat.user_id,
                "name": _name(seat.user),
                "role": seat.role.value,
                "voting": seat.voting,
                "status": answer.status.value if answer else None,
                "proxy_holder_id": holder,
                "proxy_counted": holder is not None and seat.user_id not in refused,
                "weight": counted.weights.get(seat.user_id, 0),
            }
        )
    return people


def _ballots_by_motion(motions: list[Motion]) -> tuple[dict[int, list], dict[int, set[int]]]:
    """Named ballots (voter, choice, weight) and secret receipts (voters only), by motion, in two queries."""
    ids = [m.id for m in motions if m.vote_method is not None]
    named: dict[int, list] = defaultdict(list)
    receipts: dict[int, set[int]] = defaultdict(set)
    if not ids:
        return named, receipts
    rows = db.session.execute(
        sa.select(Ballot.motion_id, Ballot.voter_id, User.name, Ballot.choice, Ballot.weight)
        .join(User, User.id == Ballot.voter_id)
        .where(Ballot.motion_id.in_(ids))
        .order_by(User.name, Ballot.voter_id)
    )
    for motion_id, voter_id, name, choice, weight in rows:
        named[motion_id].append(
            {"voter_id": voter_id, "name": name, "choice": choice.value, "weight": weight}
        )
    rows = db.session.execute(
        sa.select(SecretBallotReceipt.motion_id, SecretBallotReceipt.voter_id).where(
            SecretBallotReceipt.motion_id.in_(ids)
        )
    )
    for motion_id, voter_id in rows:
        receipts[motion_id].add(voter_id)
    return named, receipts


def motion_record(motion: Motion, named: list, receipts: set[int]) -> dict[str, Any]:
    """One motion as attendees see it: what the vote shows depends on its method and whether it is over."""
    secret = motion.vote_method == VoteMethod.SECRET
    voted = receipts if secret else {ballot["voter_id"] for ballot in named}
    shown = not secret and (motion.is_decided or motion.vote_method in SHOWN_WHILE_VOTING)
    decided = motion.is_decided
    return {
        "id": motion.id,
        "text_html": str(render(motion.text)),
        "mover": _name(motion.mover),
        "seconder": _name(motion.seconder),
        "item_id": motion.agenda_item_id,
        "status": motion.status.value,
        "method": motion.vote_method.value if motion.vote_method else None,
        "rule": motion.voting_rule.value if motion.voting_rule else None,
        "eligible_votes": motion.eligible_votes,
        "voted": sorted(voted),
        "ballots": named if shown else [],
        "totals": {"yes": motion.yes_votes, "no": motion.no_votes, "abstain": motion.abstentions}
        if decided
        else None,
        "closed_at": _iso(motion.closed_at),
        # Minutes a carried motion names and may approve (the officers are offered to record it).
        "minutes": [
            {"id": minutes.id, "session": minutes.session.title}
            for minutes in committee_minutes.approvable_by(motion)
        ],
    }


def motion_records(session: CommitteeSession, motion_ids: list[int] | None = None) -> list[dict[str, Any]]:
    """The session's motions in the order they were proposed: all but the withdrawn ones, or exactly
    those named (withdrawn included, so the clients showing one can take it away)."""
    query = sa.select(Motion).where(Motion.session_id == session.id)
    if motion_ids is None:
        query = query.where(Motion.status != MotionStatus.WITHDRAWN)
    else:
        query = query.where(Motion.id.in_(motion_ids))
    motions = db.session.scalars(
        query.options(sa.orm.joinedload(Motion.mover), sa.orm.joinedload(Motion.seconder)).order_by(Motion.id)
    ).all()
    named, receipts = _ballots_by_motion(list(motions))
    return [motion_record(m, named[m.id], receipts[m.id]) for m in motions]


def session_part(session: CommitteeSession) -> dict[str, Any]:
    """The session itself: status, agenda and current item, the roll call and the quorum."""
    counted = committee_sessions.quorum_of(session)
    return {
        "status": session.status.value,
        "started_at": _iso(session.started_at),
        "closed_at": _iso(session.closed_at),
        "current_item_id": session.current_item_id,
        "items": [
            {"id": item.id, "number": number, "title": item.title, "kind": item.kind.value}
            for number, item in enumerate(session.items, start=1)
        ],
        "quorum": {
            "voting_seats": counted.voting_seats,
            "present": counted.present,
            "remote": counted.remote,
            "proxies": counted.proxies,
            "represented": counted.represented,
            "required": counted.required,
            "reached": counted.reached,
        },
        "people": _people(session, counted),
    }


def speakers_part(session: CommitteeSession) -> list[dict[str, Any]]:
    """Who has the floor, then who waits for it."""
    return [
        {"id": r.id, "user_id": r.user_id, "name": _name(r.user), "status": r.status.value}
        for r in committee_speakers.queue_of(session)
    ]


def snapshot(session: CommitteeSession) -> dict[str, Any]:
    """Everything the live page shows, with the revision it was read at (the page, a join's answer)."""
    return {
        "session_id": session.id,
        "revision": session.live_revision,
        **session_part(session),
        "speakers": speakers_part(session),
        "motions": motion_records(session),
    }


SESSION, SPEAKERS = "session", "speakers"


def update(session: CommitteeSession, parts: list[str | Motion]) -> dict[str, Any]:
    """What changed, to push after a change: the parts named (SESSION, SPEAKERS, or motions), each read
    now, with the revision read first. A ballot sends one motion, not the whole session: with sixty
    attendees that keeps each push small. Clients apply a part unless they hold it at a later revision."""
    pushed: dict[str, Any] = {"session_id": session.id, "revision": session.live_revision}
    if SESSION in parts:
        pushed["session"] = session_part(session)
    if SPEAKERS in parts:
        pushed["speakers"] = speakers_part(session)
    motion_ids = [part.id for part in parts if isinstance(part, Motion)]
    if motion_ids:
        pushed["motions"] = motion_records(session, motion_ids)
    return pushed
