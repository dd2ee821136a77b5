"""Governance bodies: the Secretariat creates and changes them (kind, mandate, term, work plan, rules of
procedure); everyone reads them as `committees.see` and `committees.view` allow. Seats live in
`committee_seats`, sessions in `committee_sessions`, their agenda in `committee_agenda`.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from .. import security
from ..errors import DomainError, NotAllowed
from ..extensions import db
from ..models import (
    Body,
    BodyKind,
    BodyStatus,
    CommitteeSession,
    ProxyRule,
    QuorumRule,
    Seat,
    SeatRole,
    User,
    VotingRule,
)
from ..models.base import utcnow
from ..models.committee import PLANNED_STATES
from . import audit, rooms, storage
from .changes import apply_changes

LOCALES = ("es", "en", "pt")
MAX_NAME = 200
MAX_MANDATE = 5000
MAX_PROXIES = 10
MAX_QUORUM = 500
KIND_ORDER = {kind: index for index, kind in enumerate(BodyKind)}
ROLE_ORDER = {role: index for index, role in enumerate(SeatRole)}


@dataclass(frozen=True)
class BodyData:
    """A body as the Secretariat enters it; `name` and `mandate` are keyed by locale (es/en/pt)."""

    kind: BodyKind
    name: Mapping[str, str]
    term_start: date | None
    mandate: Mapping[str, str] = field(default_factory=dict)
    term_end: date | None = None
    status: BodyStatus = BodyStatus.ACTIVE
    voting_rule: VotingRule = VotingRule.SIMPLE_MAJORITY
    quorum_rule: QuorumRule = QuorumRule.MAJORITY
    quorum_count: int | None = None
    proxy_rule: ProxyRule = ProxyRule.NONE
    max_proxies: int = 1
    requires_mou: bool = False


# --- reading ------------------------------------------------------------------------------------------


def get_body(body_id: int) -> Body | None:
    """The body with this id."""
    return db.session.get(Body, body_id)


def get_seat(seat_id: int) -> Seat | None:
    """The seat with this id."""
    return db.session.get(Seat, seat_id)


def bodies_for(user: User) -> list[Body]:
    """The bodies the person may see (the public: active ones), active first, by kind, oldest first."""
    bodies = db.session.scalars(sa.select(Body).where(security.bodies_visible_to(user)))
    return sorted(bodies, key=lambda b: (b.status != BodyStatus.ACTIVE, KIND_ORDER[b.kind], b.id))


def seats_of(body: Body, *, current_on: date | None = None) -> list[Seat]:
    """The body's seats (only those held on `current_on` if given), officers first, people loaded."""
    query = (
        sa.select(Seat)
        .where(Seat.body_id == body.id)
        .options(
            sa.orm.joinedload(Seat.user),
            sa.orm.joinedload(Seat.organisation),
            sa.orm.joinedload(Seat.community),
        )
    )
    if current_on is not None:
        query = query.where(_held_on(current_on))
    seats = db.session.scalars(query).unique()
    return sorted(seats, key=lambda s: (ROLE_ORDER[s.role], s.start_date, s.id))


def seat_roles_on(body: Body, day: date) -> list[tuple[int, SeatRole]]:
    """(person, role) of every seat of the body held on that day, without loading the seats (the quorum
    is computed on every roll-call change and ballot of a live session)."""
    query = sa.select(Seat.user_id, Seat.role).where(Seat.body_id == body.id, _held_on(day))
    return [(person_id, role) for person_id, role in db.session.execute(query)]


def _held_on(day: date) -> sa.ColumnElement[bool]:
    return sa.and_(Seat.start_date <= day, sa.or_(Seat.end_date.is_(None), Seat.end_date >= day))


def sessions_of(body: Body) -> list[CommitteeSession]:
    """The body's sessions, the next ones first, then the past ones newest first."""
    sessions = list(
        db.session.scalars(sa.select(CommitteeSession).where(CommitteeSession.body_id == body.id))
    )
    now = utcnow()
    upcoming = sorted((s for s in sessions if s.starts_at >= now), key=lambda s: s.starts_at)
    past = sorted((s for s in sessions if s.starts_at < now), key=lambda s: s.starts_at, reverse=True)
    return upcoming + past


# --- bodies -------------------------------------------------------------------------------------------


def _texts(values: Mapping[str, str], limit: int, field_prefix: str) -> dict[str, str]:
    cleaned = {locale: (values.get(locale) or "").strip() for locale in LOCALES}
    for locale, text in cleaned.items():
        if len(text) > limit:
            raise DomainError(
                _("Keep this text under %(num)d characters.", num=limit), field=f"{field_prefix}_{locale}"
            )
    return {locale: text for locale, text in cleaned.items() if text}


def checked_quorum_count(rule: QuorumRule, count: int | None, field_name: str = "quorum_count") -> int | None:
    """The count a fixed quorum needs (None for the other rules); DomainError when missing or out of range."""
    if rule != QuorumRule.FIXED:
        return None
    if count is None or not 1 <= count <= MAX_QUORUM:
        raise DomainError(
            _("Give the number of voting seats that make the quorum (1 to %(num)d).", num=MAX_QUORUM),
            field=field_name,
        )
    return count


def _validated_body(data: BodyData) -> dict:
    """Checked values of a body; raises DomainError before anything changes."""
    name = _texts(data.name, MAX_NAME, "name")
    if not name:
        raise DomainError(_("Give the body a name in at least one language."), field="name_es")
    if data.term_start is None:
        raise DomainError(_("Give the date the body's term starts."), field="term_start")
    if data.term_end is not None and data.term_end < data.term_start:
        raise DomainError(_("The term cannot end before it starts."), field="term_end")
    if not 0 <= data.max_proxies <= MAX_PROXIES:
        raise DomainError(
            _("A holder may carry between 0 and %(num)d proxies.", num=MAX_PROXIES), field="max_proxies"
        )
    return {
        "kind": BodyKind(data.kind),
        "name": name,
        "mandate": _texts(data.mandate, MAX_MANDATE, "mandate"),
        "term_start": data.term_start,
        "term_end": data.term_end,
        "status": BodyStatus(data.status),
        "voting_rule": VotingRule(data.voting_rule),
        "quorum_rule": QuorumRule(data.quorum_rule),
        "quorum_count": checked_quorum_count(QuorumRule(data.quorum_rule), data.quorum_count),
        "proxy_rule": ProxyRule(data.proxy_rule),
        "max_proxies": data.max_proxies,
        "requires_mou": bool(data.requires_mou),
    }


AUDIT_KEYS = {"kind": "body_kind"}  # enum-valued keys named so the audit log can label their values


def _audited(values: dict) -> dict:
    return {AUDIT_KEYS.get(key, key): value for key, value in values.items()}


def _attach_work_plan(actor: User, body: Body, upload: FileStorage | None) -> None:
    if upload is None or not upload.filename:
        return
    previous = body.work_plan
    body.work_plan = storage.save_upload(upload, "work_plan", actor)
    if previous is not None:
        storage.delete(previous)
    db.session.flush()
    audit.record(actor, "committee.work_plan", body, new={"work_plan": body.work_plan.original_name})


def create_body(actor: User, data: BodyData, work_plan: FileStorage | None = None) -> Body:
    """The Secretariat creates a body (with its work plan, if one is given)."""
    if not security.can(actor, "committees.manage"):
        raise NotAllowed(_("Only the Technical Secretariat creates governance bodies."))
    values = _validated_body(data)
    if values["status"] == BodyStatus.CLOSED:
        values["closed_at"] = utcnow()
    body = Body(**values)
    db.session.add(body)
    db.session.flush()
    audit.record(actor, "committee.create", body, new=_audited(values))
    _attach_work_plan(actor, body, work_plan)
    db.session.commit()
    rooms.room_for_body(body)  # its seat holders' discussion room (else created when first shown)
    return body


def _check_closing(body: Body, status: BodyStatus) -> None:
    if status != BodyStatus.CLOSED or body.status == BodyStatus.CLOSED:
        return
    planned = db.session.scalar(
        sa.select(sa.func.count(CommitteeSession.id)).where(
            CommitteeSession.body_id == body.id, CommitteeSession.status.in_(PLANNED_STATES)
        )
    )
    if planned:
        raise DomainError(
            _("This body still has planned sessions: hold or cancel them before closing it."), field="status"
        )


def update_body(actor: User, body: Body, data: BodyData, work_plan: FileStorage | None = None) -> Body:
    """The Secretariat changes a body; closing it needs no planned session left."""
    if not security.can(actor, "committees.manage"):
        raise NotAllowed(_("Only the Technical Secretariat changes governance bodies."))
    values = _validated_body(data)
    _check_closing(body, values["status"])
    if values["status"] != body.status:
        body.closed_at = utcnow() if values["status"] == BodyStatus.CLOSED else None
    old, new = apply_changes(body, values)
    if new:
        audit.record(actor, "committee.update", body, old=_audited(old), new=_audited(new))
    _attach_work_plan(actor, body, work_plan)
    db.session.commit()
    return body
