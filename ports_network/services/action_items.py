"""Action items of governance bodies: created by a body's officers from a carried motion or by hand, owned
by one person who is told when assigned and reminded 7 days and 1 day before the due date; the owner (or
an officer) moves them through open, in progress, done or cancelled with a note kept in the audit log.
Follow-up lists per body, per community and per owner filter by status, owner and overdue.
"""

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import format_date
from flask_babel import gettext as _

from .. import security
from ..errors import DomainError, NotAllowed
from ..extensions import db
from ..links import site_path
from ..models import (
    ActionItem,
    ActionItemStatus,
    Body,
    CommitteeSession,
    Motion,
    MotionStatus,
    PortCommunity,
    User,
)
from ..models.action_item import PENDING_STATES
from ..models.base import utcnow
from . import audit, methodologies, notifications
from .text_input import one_line

logger = logging.getLogger(__name__)

MAX_TITLE = 300
MAX_DESCRIPTION = 5000
MAX_NOTE = 1000
REMINDER_DAYS = (7, 1)
OVERDUE = "overdue"
PENDING = "pending"  # open or in progress


@dataclass(frozen=True)
class ItemData:
    """An action item as an officer enters it."""

    title: str
    owner_id: int | None
    due_date: date | None
    description: str | None = None
    community_id: int | None = None
    indicator_code: str | None = None


def get(item_id: int) -> ActionItem | None:
    """The action item with this id."""
    return db.session.get(ActionItem, item_id)


def today() -> date:
    """The day items fall due by (UTC)."""
    return utcnow().date()


def indicator_choices(locale: str) -> list[tuple[str, str]]:
    """(code, name) of the indicators of the newest stored methodology version an item may aim at."""
    versions = methodologies.all_versions()
    if not versions:
        return []
    engine = methodologies.load_engine_methodology(versions[-1])
    return [
        (ind.code, ind.name.get(locale) or next(iter(ind.name.values()), ind.code))
        for ind in engine.indicators
    ]


def _validated(data: ItemData) -> dict:
    title = one_line(data.title)
    if not title or len(title) > MAX_TITLE:
        raise DomainError(_("Give the action a title of at most 300 characters."), field="title")
    description = (data.description or "").strip()
    if len(description) > MAX_DESCRIPTION:
        raise DomainError(_("Keep the description under 5000 characters."), field="description")
    owner = db.session.get(User, data.owner_id) if data.owner_id else None
    if owner is None or owner.is_deleted or owner.is_disabled:
        raise DomainError(_("Choose who owns the action."), field="owner_id")
    if data.due_date is None:
        raise DomainError(_("Give the date the action is due."), field="due_date")
    community = communities_by_id(data.community_id)
    code = (data.indicator_code or "").strip() or None
    if code is not None and code not in {c for c, _name in indicator_choices("en")}:
        raise DomainError(_("Choose one of the index indicators."), field="indicator_code")
    return {
        "title": title,
        "description": description or None,
        "owner_id": owner.id,
        "due_date": data.due_date,
        "community_id": community.id if community else None,
        "indicator_code": code,
    }


def communities_by_id(community_id: int | None) -> PortCommunity | None:
    """The live community with this id (None for none); DomainError for an unknown or archived one."""
    if not community_id:
        return None
    community = db.session.get(PortCommunity, community_id)
    if community is None or community.is_archived:
        raise DomainError(_("Choose one of the communities."), field="community_id")
    return community


def _audited(values: dict) -> dict:
    """Audit values with people and communities by name (the log is read by people)."""
    shown = dict(values)
    if "owner_id" in shown:
        owner = db.session.get(User, shown.pop("owner_id"))
        shown["person"] = owner.name if owner else None
    if "community_id" in shown:
        community = db.session.get(PortCommunity, shown.pop("community_id") or 0)
        shown["community"] = community.name if community else None
    if "indicator_code" in shown:
        shown["indicator"] = shown.pop("indicator_code")
    return shown


def _notify_owner(item: ActionItem) -> None:
    params = {
        "title": item.title,
        "body": item.body.name_in(item.owner.preferred_locale),
        "due": item.due_date.isoformat(),
    }
    notifications.notify(
        item.owner, "action_items.assigned", params, site_path("action_items.show", action_item_id=item.id)
    )


def create(
    actor: User,
    body: Body,
    data: ItemData,
    session: CommitteeSession | None = None,
    motion: Motion | None = None,
) -> ActionItem:
    """An officer records an action (from a carried motion, or by hand); its owner is told."""
    if not security.can(actor, "action_items.create", body):
        raise NotAllowed(_("Only the body's chair, vice-chair or secretary records its actions."))
    if motion is not None and (motion.body_id != body.id or motion.status != MotionStatus.CARRIED):
        raise DomainError(_("Actions come from the body's carried motions."), field="motion_id")
    if session is not None and session.body_id != body.id:
        raise DomainError(_("The session is not one of this body's."))
    if session is not None and motion is not None and motion.session_id not in (None, session.id):
        raise DomainError(_("The decision was taken at another session."), field="motion_id")
    values = _validated(data)
    session = session or (motion.session if motion is not None else None)
    item = ActionItem(body=body, session=session, motion=motion, created_by_id=actor.id, **values)
    db.session.add(item)
    db.session.flush()
    audit.record(actor, "action_item.create", item, new=_audited(values), community=item.community)
    _notify_owner(item)
    db.session.commit()
    return item


def update(actor: User, item: ActionItem, data: ItemData) -> ActionItem:
    """An officer changes an action; a new owner is told, a new due date gets its reminders again."""
    if not security.can(actor, "action_items.edit", item):
        raise NotAllowed(_("Only the body's chair, vice-chair or secretary changes its actions."))
    values = _validated(data)
    old = {key: getattr(item, key) for key in values if getattr(item, key) != values[key]}
    if not old:
        return item
    for key in old:
        setattr(item, key, values[key])
    if "due_date" in old:
        item.reminded_days = None
    new = {key: values[key] for key in old}
    audit.record(
        actor, "action_item.update", item, old=_audited(old), new=_audited(new), community=item.community
    )
    if "owner_id" in old:
        db.session.flush()
        db.session.refresh(item, ["owner"])
        _notify_owner(item)
    db.session.commit()
    return item


def set_status(actor: User, item: ActionItem, status: ActionItemStatus, note: str | None) -> None:
    """The owner (or an officer) moves the action to a new status, with an optional note for the log."""
    if not security.can(actor, "action_items.update_status", item):
        raise NotAllowed(_("Only the action's owner or the body's officers change its status."))
    status = ActionItemStatus(status)
    note = one_line(note) or None
    if note is not None and len(note) > MAX_NOTE:
        raise DomainError(_("Keep the note under 1000 characters."), field="note")
    if status == item.status:
        raise DomainError(_("The action already has this status."), field="status")
    old = {"status": item.status, "completed_on": item.completed_on}
    item.status = status
    item.completed_on = today() if status == ActionItemStatus.DONE else None
    new = {"status": status, "completed_on": item.completed_on, "note": note}
    audit.record(actor, "action_item.status", item, old=old, new=new, community=item.community)
    db.session.commit()


def history(item: ActionItem) -> list[audit.AuditEntry]:
    """Every recorded change of the action, oldest first (status changes with their notes)."""
    return audit.subject_entries(item)


# --- follow-up lists ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """What a follow-up list shows: a status (or "pending" or "overdue") and an owner."""

    status: str | None = None
    owner_id: int | None = None


def _filtered(query: sa.Select, filters: Filters, day: date) -> sa.Select:
    if filters.owner_id:
        query = query.where(ActionItem.owner_id == filters.owner_id)
    if filters.status == OVERDUE:
        return query.where(ActionItem.status.in_(PENDING_STATES), ActionItem.due_date < day)
    if filters.status == PENDING:
        return query.where(ActionItem.status.in_(PENDING_STATES))
    if filters.status in {s.value for s in ActionItemStatus}:
        return query.where(ActionItem.status == ActionItemStatus(filters.status))
    return query


def listing(
    user: User,
    filters: Filters,
    *,
    body_id: int | None = None,
    community_id: int | None = None,
    owner_id: int | None = None,
) -> list[ActionItem]:
    """The actions the user may see, of one body, community or owner, filtered; pending ones first by due
    date, then the closed ones, latest due first."""
    query = sa.select(ActionItem).where(security.action_items_visible_to(user))
    for column, value in ((ActionItem.body_id, body_id), (ActionItem.community_id, community_id)):
        if value is not None:
            query = query.where(column == value)
    if owner_id is not None:
        query = query.where(ActionItem.owner_id == owner_id)
    query = _filtered(query, filters, today()).options(
        sa.orm.joinedload(ActionItem.owner), sa.orm.joinedload(ActionItem.body)
    )
    items = list(db.session.scalars(query))
    pending = sorted((i for i in items if i.is_pending), key=lambda i: (i.due_date, i.id))
    closed = sorted((i for i in items if not i.is_pending), key=lambda i: (i.due_date, i.id), reverse=True)
    return pending + closed


def owners_in(items: list[ActionItem]) -> list[User]:
    """The distinct owners of a list of actions, by name (for the owner filter)."""
    return sorted({item.owner for item in items}, key=lambda person: (person.name, person.id))


def of_session(session: CommitteeSession) -> list[ActionItem]:
    """The actions recorded at a session, oldest first."""
    query = sa.select(ActionItem).where(ActionItem.session_id == session.id).order_by(ActionItem.id)
    return list(db.session.scalars(query))


# --- reminders ----------------------------------------------------------------------------------------


def _reminder_due(item: ActionItem, day: date) -> int | None:
    """The reminder (days before the due date) the item is due for on `day`, or None."""
    left = (item.due_date - day).days
    due = [days for days in REMINDER_DAYS if left <= days]
    if left <= 0 or not due:
        return None
    threshold = min(due)  # after a pause of the job, only the nearest reminder is sent
    if item.reminded_days is not None and item.reminded_days <= threshold:
        return None
    return threshold


def _claim(item: ActionItem, days: int) -> bool:
    """Mark the reminder sent with a conditional update, so two runners never both send it."""
    claimed = db.session.execute(
        sa.update(ActionItem)
        .where(
            ActionItem.id == item.id,
            ActionItem.due_date == item.due_date,
            sa.or_(ActionItem.reminded_days.is_(None), ActionItem.reminded_days > days),
        )
        .values(reminded_days=days)
        .execution_options(synchronize_session=False)
    ).rowcount
    return claimed == 1


def remind_due(now: datetime | None = None) -> int:
    """Remind the owners of pending actions 7 days and 1 day before the due date (each reminder once);
    returns how many reminders were sent."""
    day = (now or utcnow()).date()
    items = db.session.scalars(
        sa.select(ActionItem)
        .where(
            ActionItem.status.in_(PENDING_STATES),
            ActionItem.due_date > day,
            ActionItem.due_date <= day + timedelta(days=max(REMINDER_DAYS)),
        )
        .order_by(ActionItem.id)
    ).all()
    sent = 0
    for item in items:
        days = _reminder_due(item, day)
        if days is None or not _claim(item, days):
            continue
        params = {"title": item.title, "days": days, "due": item.due_date.isoformat()}
        link = site_path("action_items.show", action_item_id=item.id)
        sent += notifications.notify(item.owner, "action_items.reminder", params, link) is not None
        db.session.commit()
    logger.info("action items: %d reminders sent", sent)
    return sent


def due_text(item: ActionItem) -> str:
    """The due date in the active language."""
    return format_date(item.due_date, "medium")


def carried_motions(body: Body) -> list[Motion]:
    """The body's carried motions, newest first: the decisions actions come from."""
    query = (
        sa.select(Motion)
        .where(Motion.body_id == body.id, Motion.status == MotionStatus.CARRIED)
        .order_by(Motion.id.desc())
    )
    return list(db.session.scalars(query))


def carried_motions_of_session(session: CommitteeSession) -> list[Motion]:
    """The session's carried motions, in order: its decisions."""
    query = (
        sa.select(Motion)
        .where(Motion.session_id == session.id, Motion.status == MotionStatus.CARRIED)
        .order_by(Motion.id)
    )
    return list(db.session.scalars(query))
