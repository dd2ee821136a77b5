"""The first draft of a session's minutes, written in markdown from the session record: attendance and
quorum, each agenda item with its motions (mover, seconder, votes and result), the decisions and the
action items. Names are given for votes by show of hands and named votes; a secret ballot has totals only.

The text is written in one language (the secretary's), so the secretary edits it in the language it reads.
"""

from collections import defaultdict
from collections.abc import Iterable

import sqlalchemy as sa
from flask_babel import force_locale, format_date, ngettext
from flask_babel import gettext as _

from ..extensions import db
from ..labels import label
from ..models import (
    ActionItem,
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Ballot,
    CommitteeSession,
    Motion,
    MotionStatus,
    SecretTally,
    User,
    VoteChoice,
    VoteMethod,
)
from . import committee_invitations, committee_sessions
from .accounts import display_name
from .text_input import one_line


def _quoted(text: str) -> str:
    """A markdown text as a block quote (each of its lines)."""
    return "\n".join(f"> {line}".rstrip() for line in text.strip().splitlines()) or ">"


def _field(prefix: str, name: str, value: str) -> str:
    # Labels are translated outside f-strings: Babel does not extract calls inside them.
    return f"{prefix}**{name}:** {value}"


def _people(names: Iterable[str]) -> str:
    return ", ".join(names) or "—"


def _attendance_lines(session: CommitteeSession) -> list[str]:
    answers = {
        row.user_id: row
        for row in db.session.scalars(sa.select(Attendance).where(Attendance.session_id == session.id))
    }
    seats = {seat.user_id: seat for seat in committee_sessions.convened_seats(session)}
    groups: dict[AttendanceStatus | None, list[str]] = defaultdict(list)
    proxies = []
    for user_id, seat in seats.items():
        answer = answers.get(user_id)
        who = f"{display_name(seat.user)} ({label(seat.role)}"
        who += f", {seat.community.name})" if seat.community else ")"
        groups[answer.status if answer else None].append(who)
        if answer and answer.proxy_holder is not None:
            proxies.append(
                _(
                    "%(giver)s, held by %(holder)s",
                    giver=display_name(seat.user),
                    holder=display_name(answer.proxy_holder),
                )
            )
    guests = [display_name(row.user) for uid, row in answers.items() if uid not in seats]
    headings = [(status, label(status)) for status in AttendanceStatus] + [(None, _("No answer recorded"))]
    lines = [
        _field("- ", str(title), _people(groups[status])) for status, title in headings if groups[status]
    ]
    if proxies:
        lines.append(_field("- ", _("Proxies"), _people(proxies)))
    if guests:
        lines.append(_field("- ", _("Guests"), _people(guests)))
    return lines or ["- " + _("No attendance was recorded.")]


def _quorum_line(session: CommitteeSession) -> str:
    result = committee_sessions.quorum_of(session)
    return _(
        "Quorum: %(required)d of %(seats)d voting seats required; %(represented)d represented (%(present)d "
        "present, %(remote)d remote, %(proxies)d by proxy): %(outcome)s.",
        required=result.required,
        seats=result.voting_seats,
        represented=result.represented,
        present=result.present,
        remote=result.remote,
        proxies=result.proxies,
        outcome=_("reached") if result.reached else _("not reached"),
    )


def _method(motion: Motion) -> str:
    return {
        VoteMethod.SHOW_OF_HANDS: _("by show of hands"),
        VoteMethod.NAMED: _("by named vote"),
        VoteMethod.SECRET: _("by secret ballot"),
    }.get(motion.vote_method, "")


def _outcome(motion: Motion) -> str:
    return {
        MotionStatus.CARRIED: _("carried"),
        MotionStatus.REJECTED: _("rejected"),
        MotionStatus.NO_QUORUM: _("not valid: too few votes were cast"),
        MotionStatus.WITHDRAWN: _("withdrawn"),
        MotionStatus.VOTING: _("the vote was not closed"),
        MotionStatus.PROPOSED: _("not put to the vote"),
    }[motion.status]


def _totals(motion: Motion) -> dict[VoteChoice, int]:
    """The weighted totals: as stored when the vote closed, else counted from the ballots or tallies."""
    if motion.yes_votes is not None:
        stored = (motion.yes_votes, motion.no_votes or 0, motion.abstentions or 0)
        return dict(zip(VoteChoice, stored, strict=True))
    counted = dict.fromkeys(VoteChoice, 0)
    if motion.vote_method == VoteMethod.SECRET:
        for tally in db.session.scalars(sa.select(SecretTally).where(SecretTally.motion_id == motion.id)):
            counted[tally.choice] += tally.votes
    else:
        for ballot in motion.ballots:
            counted[ballot.choice] += ballot.weight
    return counted


def _voter(ballot: Ballot) -> str:
    name = display_name(ballot.voter)
    if ballot.weight > 1:
        return name + " " + ngettext("(%(num)d vote)", "(%(num)d votes)", ballot.weight)
    return name


def _vote_lines(motion: Motion) -> list[str]:
    if motion.vote_method is None:
        return [_("Result: %(outcome)s.", outcome=_outcome(motion))]
    totals = _totals(motion)
    lines = [
        _(
            "Vote %(method)s: %(yes)d in favour, %(no)d against, %(abstain)d abstentions: **%(outcome)s**.",
            method=_method(motion),
            yes=totals[VoteChoice.YES],
            no=totals[VoteChoice.NO],
            abstain=totals[VoteChoice.ABSTAIN],
            outcome=_outcome(motion),
        )
    ]
    if motion.vote_method == VoteMethod.SECRET:
        return [*lines, "", _("Secret ballot: only the totals are recorded.")]
    names = {
        VoteChoice.YES: _("In favour"),
        VoteChoice.NO: _("Against"),
        VoteChoice.ABSTAIN: _("Abstained"),
    }
    lines.append("")
    for choice, title in names.items():
        voters = [_voter(ballot) for ballot in motion.ballots if ballot.choice == choice]
        lines.append(f"- {title}: {_people(voters)}")
    return lines


def _motion_block(number: int, motion: Motion) -> list[str]:
    lines = ["**" + _("Motion %(num)d", num=number) + "**", "", _quoted(motion.text), ""]
    mover = display_name(motion.mover) if motion.mover else "—"
    seconder = display_name(motion.seconder) if motion.seconder else "—"
    lines += [_("Moved by %(mover)s, seconded by %(seconder)s.", mover=mover, seconder=seconder), ""]
    return [*lines, *_vote_lines(motion), ""]


def _item_lines(number: int, item: AgendaItem, motions: list[tuple[int, Motion]]) -> list[str]:
    detail = label(item.kind)
    if item.presenter is not None:
        detail += " · " + _("presented by %(person)s", person=display_name(item.presenter))
    lines = [f"### {number}. {one_line(item.title)}", "", f"*{detail}*", ""]
    for motion_number, motion in motions:
        lines += _motion_block(motion_number, motion)
    if not motions:
        lines += [_("No motion was put on this item."), ""]
    return lines


def _action_lines(session: CommitteeSession) -> list[str]:
    items = db.session.scalars(
        sa.select(ActionItem).where(ActionItem.session_id == session.id).order_by(ActionItem.id)
    ).all()
    if not items:
        return [_("No action item was recorded."), ""]
    return [
        _(
            "- **%(title)s**: %(owner)s, due %(due)s (%(status)s)",
            title=one_line(item.title),
            owner=display_name(item.owner),
            due=format_date(item.due_date, "long"),
            status=label(item.status),
        )
        for item in items
    ] + [""]


def _motions(session: CommitteeSession) -> list[Motion]:
    query = sa.select(Motion).where(Motion.session_id == session.id).order_by(Motion.id)
    return list(
        db.session.scalars(query.options(sa.orm.selectinload(Motion.ballots).joinedload(Ballot.voter)))
    )


def _header(session: CommitteeSession, locale: str) -> list[str]:
    where = [label(session.kind), *(part for part in (session.place, session.link) if part)]
    return [
        "# " + _("Minutes: %(session)s", session=one_line(session.title)),
        "",
        _field("", _("Body"), session.body.name_in(locale)) + "  ",
        _field("", _("Date"), committee_invitations.when_text(session)) + "  ",
        _field("", _("Place"), " · ".join(where)),
        "",
    ]


def _agenda_lines(session: CommitteeSession, motions: list[Motion]) -> list[str]:
    numbered = list(enumerate(motions, start=1))
    by_item: dict[int | None, list[tuple[int, Motion]]] = defaultdict(list)
    for number, motion in numbered:
        by_item[
            motion.agenda_item_id if motion.agenda_item_id in {i.id for i in session.items} else None
        ].append((number, motion))
    lines = ["## " + _("Agenda"), ""]
    lines += [f"{n}. {one_line(item.title)}" for n, item in enumerate(session.items, start=1)] + [""]
    for n, item in enumerate(session.items, start=1):
        lines += _item_lines(n, item, by_item.get(item.id, []))
    if by_item.get(None):
        lines += ["### " + _("Other motions"), ""]
        for number, motion in by_item[None]:
            lines += _motion_block(number, motion)
    return lines


def _decision_lines(motions: list[Motion]) -> list[str]:
    carried = [(n, m) for n, m in enumerate(motions, start=1) if m.status == MotionStatus.CARRIED]
    if not carried:
        return [_("No decision was taken."), ""]
    return [
        _("%(num)d. %(text)s (motion %(motion)d)", num=i, text=one_line(m.text), motion=n)
        for i, (n, m) in enumerate(carried, start=1)
    ] + [""]


def compose(session: CommitteeSession, locale: str) -> str:
    """The minutes of a session as markdown, in `locale`, from what the platform recorded."""
    with force_locale(locale):
        motions = _motions(session)
        lines = _header(session, locale)
        lines += ["## " + _("Attendance and quorum"), "", *_attendance_lines(session), ""]
        lines += [_quorum_line(session), ""]
        lines += _agenda_lines(session, motions)
        lines += ["## " + _("Decisions"), "", *_decision_lines(motions)]
        lines += ["## " + _("Action items"), "", *_action_lines(session)]
    return "\n".join(lines).rstrip() + "\n"


def author_locale(user: User | None, fallback: str = "es") -> str:
    """The language a person writes the minutes in: their own, else the platform's first language."""
    return (user.preferred_locale if user is not None else None) or fallback
