"""Changing and moderating room messages: edits and deletions by authors (history kept), reports,
hiding, mutes, read-only rooms, and topic rooms that coordinators open and archive."""

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from .. import security
from ..errors import DomainError, NotAllowed
from ..extensions import db
from ..models import (
    Message,
    MessageReport,
    MessageRevision,
    PortCommunity,
    Room,
    RoomKind,
    RoomMute,
    User,
)
from ..models.base import utcnow
from . import audit
from .rooms import checked_body

MAX_REASON_LENGTH = 500
MAX_MUTE_MINUTES = 7 * 24 * 60
MAX_TITLE_LENGTH = 160


def edit_message(user: User, message: Message, body: Any) -> Message:
    """Replace the body of the author's message, keeping the earlier one for the moderators."""
    if not security.can(user, "rooms.edit_message", message):
        raise NotAllowed(_("You can only change your own messages, in rooms that take messages."))
    body = checked_body(body)
    if body != message.body:
        now = utcnow()
        db.session.add(MessageRevision(message_id=message.id, body=message.body, edited_at=now))
        message.body = body
        message.edited_at = now
        db.session.commit()
    return message


def delete_message(user: User, message: Message) -> Message:
    """Delete the author's message: members see a placeholder; the body stays for the moderators."""
    if not security.can(user, "rooms.edit_message", message):
        raise NotAllowed(_("You can only change your own messages, in rooms that take messages."))
    message.deleted_at = utcnow()
    db.session.commit()
    return message


def revisions(user: User, message: Message) -> list[MessageRevision]:
    """The earlier bodies of a message, oldest first (for the room's moderators)."""
    _ensure_moderator(user, message.room)
    return list(
        db.session.scalars(
            sa.select(MessageRevision)
            .where(MessageRevision.message_id == message.id)
            .order_by(MessageRevision.edited_at, MessageRevision.id)
        )
    )


def report_message(user: User, message: Message, reason: Any) -> MessageReport:
    """Report a message to the room's moderators, once per person and message."""
    if not security.can(user, "rooms.report_message", message):
        raise NotAllowed(_("You cannot report this message."))
    if not isinstance(reason, str) or not reason.strip():
        raise DomainError(_("Say why you report this message."), field="reason")
    if len(reason) > MAX_REASON_LENGTH:
        raise DomainError(
            _("The reason can be at most %(num)d characters long.", num=MAX_REASON_LENGTH), field="reason"
        )
    query = sa.select(MessageReport).where(
        MessageReport.message_id == message.id, MessageReport.reporter_id == user.id
    )
    if db.session.scalar(query) is not None:
        raise DomainError(_("You have already reported this message."))
    report = MessageReport(message_id=message.id, reporter_id=user.id, reason=reason.strip())
    db.session.add(report)
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # the same report sent twice at the same moment
        db.session.rollback()
        raise DomainError(_("You have already reported this message.")) from None
    return report


def _ensure_moderator(user: User, room: Room) -> None:
    if not security.can(user, "rooms.moderate", room):
        raise NotAllowed(_("Only the moderators of this room can do this."))


def open_reports(user: User, room: Room) -> list[MessageReport]:
    """The reports on the room's messages that no moderator has acted on yet, oldest first."""
    _ensure_moderator(user, room)
    return list(
        db.session.scalars(
            sa.select(MessageReport)
            .join(Message, Message.id == MessageReport.message_id)
            .where(Message.room_id == room.id, MessageReport.resolved_at.is_(None))
            .options(
                sa.orm.selectinload(MessageReport.reporter),
                sa.orm.selectinload(MessageReport.message).selectinload(Message.author),
            )
            .order_by(MessageReport.created_at, MessageReport.id)
        )
    )


def hide_message(moderator: User, message: Message) -> Message:
    """Hide a message from everyone but the moderators; its open reports are settled."""
    _ensure_moderator(moderator, message.room)
    now = utcnow()
    if message.hidden_at is None:
        message.hidden_at = now
        audit.record(
            moderator, "room.message_hide", message, new={"hidden": True}, community=message.room.community
        )
    _settle_reports(message, now)
    db.session.commit()
    return message


def dismiss_reports(moderator: User, message: Message) -> int:
    """Settle a message's open reports and leave it shown (the moderator found nothing wrong)."""
    _ensure_moderator(moderator, message.room)
    settled = _settle_reports(message, utcnow())
    if settled:
        audit.record(
            moderator,
            "room.reports_dismiss",
            message,
            new={"reports": settled},
            community=message.room.community,
        )
    db.session.commit()
    return settled


def _settle_reports(message: Message, now: datetime) -> int:
    result = db.session.execute(
        sa.update(MessageReport)
        .where(MessageReport.message_id == message.id, MessageReport.resolved_at.is_(None))
        .values(resolved_at=now)
    )
    return result.rowcount


def no_such_member() -> User:
    """Refuse a mute of someone who does not exist, as of someone outside the room."""
    raise DomainError(_("Choose a member of this room."), field="user_id")


def mute_member(moderator: User, room: Room, person: User, minutes: Any) -> RoomMute:
    """Stop a reader of the room from posting in it for `minutes` (from now; 0 lifts the mute)."""
    _ensure_moderator(moderator, room)
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 0 <= minutes <= MAX_MUTE_MINUTES:
        raise DomainError(_("Choose between 0 and %(num)d minutes.", num=MAX_MUTE_MINUTES), field="minutes")
    if person.id == moderator.id or not security.can(person, "rooms.read", room):
        raise DomainError(_("Choose a member of this room."), field="user_id")
    until = utcnow() + timedelta(minutes=minutes)
    mute = db.session.merge(RoomMute(room_id=room.id, user_id=person.id, until=until))
    audit.record(
        moderator,
        "room.mute",
        room,
        new={"person": person.name, "muted_until": until},
        community=room.community,
    )
    db.session.commit()
    return mute


def set_read_only(moderator: User, room: Room, read_only: bool) -> Room:
    """Make the room read-only (its history stays readable) or let it take messages again."""
    _ensure_moderator(moderator, room)
    if room.read_only != read_only:
        audit.record(
            moderator,
            "room.read_only",
            room,
            old={"read_only": room.read_only},
            new={"read_only": read_only},
            community=room.community,
        )
        room.read_only = read_only
        db.session.commit()
    return room


def open_topic(user: User, community: PortCommunity, title: Any) -> Room:
    """Open a topic room inside a community; its readers are the community's members."""
    if not security.can(user, "rooms.open_topic", community):
        raise NotAllowed(_("Only the coordinators of this community can open topic rooms."))
    if not isinstance(title, str) or not title.strip():
        raise DomainError(_("Give the topic a title."), field="title")
    if len(title.strip()) > MAX_TITLE_LENGTH:
        raise DomainError(
            _("The title can be at most %(num)d characters long.", num=MAX_TITLE_LENGTH), field="title"
        )
    room = Room(kind=RoomKind.TOPIC, community_id=community.id, title=title.strip())
    db.session.add(room)
    db.session.flush()  # the audit event names the room by its id
    audit.record(user, "room.open_topic", room, new={"title": room.title}, community=community)
    db.session.commit()
    return room


def archive_topic(moderator: User, room: Room) -> Room:
    """Archive a topic room: it takes no new messages and stays readable and searchable."""
    _ensure_moderator(moderator, room)
    if room.kind != RoomKind.TOPIC:
        raise DomainError(_("Only topic rooms can be archived."))
    if not room.archived:
        audit.record(
            moderator,
            "room.archive",
            room,
            old={"archived": False},
            new={"archived": True},
            community=room.community,
        )
        room.archived = True
        db.session.commit()
    return room
