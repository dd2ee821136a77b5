"""A past session of the Transitional Directive Committee for the demo ("past_session" in
seed_data/committees.json): held at the II Regional Meeting in Cartagena de Indias in July 2017, with its roll
call and a proxy, a decision carried by named vote, two action items, and minutes written from that record,
approved by a vote between sessions and locked.

Where the date comes from: the II Regional Meeting of port logistics communities was held in Cartagena from
26 to 29 July 2017, and the committee presented the work plans of the committees and the Expert Group there
(shared/seeds 000:485-487). The day and hour within the meeting and everything recorded are illustrative.

It is written as the record the platform would hold, with the dates of the time (the services would stamp
today's), and nobody is notified of events eight years old. Running it twice changes nothing.
"""

from datetime import date, datetime, time
from typing import Any

import sqlalchemy as sa

from ..extensions import db
from ..models import (
    ActionItem,
    ActionItemStatus,
    AgendaItem,
    AgendaItemKind,
    Attendance,
    AttendanceStatus,
    Ballot,
    Body,
    CommitteeMinutes,
    CommitteeSession,
    MinutesStatus,
    MinutesVersion,
    Motion,
    MotionStatus,
    PortCommunity,
    SeatRole,
    SessionKind,
    SessionStatus,
    User,
    VersionOrigin,
    VoteChoice,
    VoteMethod,
)
from . import (
    committee_async_votes,
    committee_minutes,
    committee_motions,
    committee_sessions,
    minutes_text,
    time_zones,
    vote_count,
)


def _at(value: str) -> datetime:
    """An ISO moment of the file ("2017-07-27T20:05:00Z") as aware UTC."""
    return datetime.fromisoformat(value)


def _user(email: str) -> User:
    return db.session.scalars(sa.select(User).where(User.email == email)).one()


def _held_session(body: Body, entry: dict[str, Any]) -> CommitteeSession:
    """The session, closed, with its agenda."""
    wall_clock = datetime.combine(date.fromisoformat(entry["date"]), time.fromisoformat(entry["local_time"]))
    session = CommitteeSession(
        body=body,
        title=entry["title"],
        kind=SessionKind(entry["kind"]),
        place=entry.get("place"),
        starts_at=time_zones.to_utc(wall_clock, entry["time_zone"]),
        time_zone=entry["time_zone"],
        duration_minutes=entry["duration_minutes"],
        status=SessionStatus.CLOSED,
        convened_at=_at(entry["convened_at"]),
        started_at=_at(entry["started_at"]),
        closed_at=_at(entry["closed_at"]),
        created_at=_at(entry["convened_at"]),
    )
    db.session.add(session)
    for position, item in enumerate(entry["agenda"], start=1):
        session.items.append(
            AgendaItem(
                position=position,
                title=item["title"],
                kind=AgendaItemKind(item["kind"]),
                presenter=_user(item["presenter"]) if "presenter" in item else None,
                time_box_minutes=item.get("minutes"),
                description=item.get("description"),
            )
        )
    db.session.flush()
    return session


def _roll_call(session: CommitteeSession, answers: list[dict[str, Any]]) -> None:
    seats = {seat.user.email: seat for seat in committee_sessions.convened_seats(session)}
    secretary = next(seat.user for seat in seats.values() if seat.role == SeatRole.SECRETARY)
    for answer in answers:
        seat = seats[answer["email"]]
        holder = _user(answer["proxy"]) if "proxy" in answer else None
        db.session.add(
            Attendance(
                session=session,
                seat=seat,
                user=seat.user,
                status=AttendanceStatus(answer["status"]),
                proxy_holder=holder,
                recorded_by_id=secretary.id,  # the secretary takes the roll call
                recorded_at=session.started_at,
            )
        )
    db.session.flush()


def _voted(motion: Motion, ballots: dict[str, str], weights: dict[int, int], cast_at: datetime) -> None:
    """Named ballots, weighted, and the result counted by the body's rule as the platform counts it."""
    for email, choice in ballots.items():
        voter = _user(email)
        weight = weights.get(voter.id, 1)
        motion.ballots.append(Ballot(voter=voter, choice=VoteChoice(choice), weight=weight, cast_at=cast_at))
    counted = vote_count.totals((ballot.choice.value, ballot.weight) for ballot in motion.ballots)
    outcome = vote_count.decide(motion.voting_rule.value, counted, motion.required_turnout)
    motion.status = MotionStatus(outcome.status)
    motion.yes_votes, motion.no_votes, motion.abstentions = counted.yes, counted.no, counted.abstain


def _motion(body: Body, entry: dict[str, Any], session: CommitteeSession | None = None) -> Motion:
    """A motion voted by name: in the session (weights from its roll call), or between sessions by every
    voting member of the day, with the turnout the platform would have required."""
    opened_at = _at(entry["opened_at"])
    motion = Motion(
        body=body,
        session=session,
        text=entry["text"],
        mover=_user(entry["mover"]),
        seconder=_user(entry["seconder"]),
        proposed_by=_user(entry["recorded_by"]),
        vote_method=VoteMethod(entry["method"]),
        voting_rule=body.voting_rule,
        opened_at=opened_at,
        closed_at=_at(entry["closed_at"]),
        created_at=opened_at,
    )
    if session is not None:
        motion.agenda_item = session.items[entry["item"] - 1]
        weights = committee_sessions.quorum_of(session).weights
        motion.eligible_votes = sum(weights.values())
    else:
        voters = len(committee_motions.voting_members(body, opened_at.date()))
        weights = {}
        motion.between_sessions, motion.closes_at = True, _at(entry["closes_at"])
        motion.eligible_votes = voters
        motion.required_turnout = min(voters, committee_async_votes.default_turnout(body, voters))
    _voted(motion, entry["ballots"], weights, motion.closed_at)
    db.session.add(motion)
    db.session.flush()
    return motion


def _actions(session: CommitteeSession, decision: Motion, entries: list[dict[str, Any]]) -> list[ActionItem]:
    """The actions decided, open as on the day (the minutes list them so); `_followed_up` moves them on."""
    items = []
    for entry in entries:
        community = db.session.scalars(sa.select(PortCommunity).filter_by(slug=entry["community"])).one()
        items.append(
            ActionItem(
                body=session.body,
                session=session,
                motion=decision,
                title=entry["title"],
                description=entry.get("description"),
                owner=_user(entry["owner"]),
                due_date=date.fromisoformat(entry["due"]),
                community=community,
                indicator_code=entry.get("indicator"),
                created_by_id=decision.proposed_by_id,
                created_at=session.closed_at,
            )
        )
    db.session.add_all(items)
    db.session.flush()
    return items


def _followed_up(items: list[ActionItem], entries: list[dict[str, Any]]) -> None:
    for item, entry in zip(items, entries, strict=True):
        item.status = ActionItemStatus(entry["status"])
        if "completed_on" in entry:
            item.completed_on = date.fromisoformat(entry["completed_on"])


def _minutes(session: CommitteeSession, entry: dict[str, Any]) -> CommitteeMinutes:
    """The minutes written from the session record by its secretary, in the draft's one version."""
    secretary, written_at = _user(entry["secretary"]), _at(entry["written_at"])
    minutes = CommitteeMinutes(
        session=session, locale=entry["locale"], created_by_id=secretary.id, created_at=written_at
    )
    db.session.add(minutes)
    text = committee_minutes.normalised(minutes_text.compose(session, entry["locale"]))
    minutes.versions.append(
        MinutesVersion(
            number=1,
            text=text,
            origin=VersionOrigin.GENERATED,
            created_by_id=secretary.id,
            created_at=written_at,
        )
    )
    db.session.flush()
    return minutes


def _approved(minutes: CommitteeMinutes, motion: Motion, entry: dict[str, Any]) -> None:
    """Approved by the vote between sessions and locked (a draft row becomes approved: the lock allows it)."""
    text, secretary = minutes.current.text, _user(entry["secretary"])  # queried before anything changes
    minutes.status, minutes.amendments_close_at = MinutesStatus.APPROVED, _at(entry["amendments_close_at"])
    minutes.approved_at, minutes.approved_by_id = _at(entry["approved_at"]), secretary.id
    minutes.approval_motion = motion
    minutes.locked_text, minutes.content_hash = text, committee_minutes.content_hash(text)
    db.session.flush()


def seed_past_session(body: Body, entry: dict[str, Any]) -> int:
    """Create the past session and its record unless a session of that title exists; returns how many
    rows were created (the caller commits)."""
    query = sa.select(CommitteeSession.id).where(
        CommitteeSession.body_id == body.id, CommitteeSession.title == entry["title"]
    )
    if db.session.scalar(query):
        return 0
    session = _held_session(body, entry)
    _roll_call(session, entry["roll_call"])
    decision = _motion(body, entry["decision"], session)
    actions = _actions(session, decision, entry["actions"])
    minutes = _minutes(session, entry["minutes"])
    approval = _motion(body, entry["minutes"]["approval"])
    _approved(minutes, approval, entry["minutes"])
    _followed_up(actions, entry["actions"])
    db.session.flush()
    ballots = len(entry["decision"]["ballots"]) + len(entry["minutes"]["approval"]["ballots"])
    return 1 + len(session.items) + len(entry["roll_call"]) + 2 + ballots + len(actions) + 2
