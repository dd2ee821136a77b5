"""The one notification service: in-app notices plus mail, immediately or in a daily digest, by preference.

Later features add their kinds to KINDS and call `notify`.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import force_locale, gettext, ngettext
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..labels import label
from ..links import external_url
from ..models import (
    CommunityRole,
    Delivery,
    MotionStatus,
    Notification,
    NotificationPreference,
    SeatRole,
    User,
)
from ..models.base import utcnow
from . import mail

# Preferences are chosen per group of related kinds, named here as the preferences page shows them.
GROUPS: dict[str, Any] = {
    "join_requests": _l("Requests to join a community I coordinate"),
    "join_decisions": _l("Decisions on my requests to join"),
    "memberships": _l("Changes to my memberships"),
    "mentions": _l("Mentions of me in rooms"),
    "index": _l("Competitiveness index data calls and reviews"),
    "committees": _l("Seats, convocations, sessions and votes of the bodies I sit on"),
    "action_items": _l("Action items I own"),
    "events": _l("My registrations for events, and changes to those events"),
}


@dataclass(frozen=True)
class NotificationKind:
    """A kind of notice: its preference group, how its text is made, its default delivery."""

    group: str
    render: Callable[[dict[str, Any]], str]
    default: Delivery = Delivery.IMMEDIATE


KINDS: dict[str, NotificationKind] = {
    "join_request.received": NotificationKind(
        "join_requests",
        lambda p: gettext(
            "%(person)s asks to join %(community)s on behalf of %(organisation)s.",
            person=p["person"],
            community=p["community"],
            organisation=p["organisation"],
        ),
    ),
    "join_request.approved": NotificationKind(
        "join_decisions",
        lambda p: gettext(
            "Welcome! Your request to join %(community)s was approved.", community=p["community"]
        ),
    ),
    "join_request.rejected": NotificationKind(
        "join_decisions",
        lambda p: gettext(
            "Your request to join %(community)s was not approved: %(message)s",
            community=p["community"],
            message=p["message"],
        ),
    ),
    "membership.role_changed": NotificationKind(
        "memberships",
        lambda p: gettext(
            "Your role in %(community)s is now: %(role)s.",
            community=p["community"],
            role=label(CommunityRole(p["role"])),
        ),
    ),
    "membership.removed": NotificationKind(
        "memberships",
        lambda p: gettext("You are no longer a member of %(community)s.", community=p["community"]),
    ),
    "rooms.mention": NotificationKind(
        "mentions",
        lambda p: gettext("%(person)s mentioned you in %(room)s.", person=p["person"], room=p["room"]),
    ),
    "index.data_call_opened": NotificationKind(
        "index",
        lambda p: gettext(
            "The Secretariat opened the data call %(title)s (%(period)s): please send the values of "
            "%(community)s by %(deadline)s.",
            title=p["title"],
            period=p["period"],
            community=p["community"],
            deadline=p["deadline"],
        ),
    ),
    "index.data_call_reminder": NotificationKind(
        "index",
        lambda p: ngettext(
            "Reminder: the values of %(community)s for the data call %(title)s (%(period)s) are due in "
            "%(num)d day, by %(deadline)s.",
            "Reminder: the values of %(community)s for the data call %(title)s (%(period)s) are due in "
            "%(num)d days, by %(deadline)s.",
            p["days"],
            community=p["community"],
            title=p["title"],
            period=p["period"],
            deadline=p["deadline"],
        ),
    ),
    "index.results_published": NotificationKind(
        "index",
        lambda p: gettext(
            "The index results of %(community)s for %(period)s (%(title)s) are published.",
            community=p["community"],
            period=p["period"],
            title=p["title"],
        ),
    ),
    "index.submission_submitted": NotificationKind(
        "index",
        lambda p: gettext(
            "%(community)s submitted its index values for %(title)s (%(period)s): please review them.",
            community=p["community"],
            title=p["title"],
            period=p["period"],
        ),
    ),
    "index.submission_returned": NotificationKind(
        "index",
        lambda p: gettext(
            "The index values of %(community)s for %(title)s (%(period)s) were returned: %(message)s",
            community=p["community"],
            title=p["title"],
            period=p["period"],
            message=p["message"],
        ),
    ),
    "index.submission_validated": NotificationKind(
        "index",
        lambda p: gettext(
            "The index values of %(community)s for %(title)s (%(period)s) were validated: "
            "they await the Secretariat's acceptance.",
            community=p["community"],
            title=p["title"],
            period=p["period"],
        ),
    ),
    "index.submission_accepted": NotificationKind(
        "index",
        lambda p: gettext(
            "The Secretariat accepted the index values of %(community)s for %(title)s (%(period)s).",
            community=p["community"],
            title=p["title"],
            period=p["period"],
        ),
    ),
    "index.submission_reopened": NotificationKind(
        "index",
        lambda p: ngettext(
            "The Secretariat reopened %(num)d indicator of %(community)s for %(title)s (%(period)s): "
            "%(message)s",
            "The Secretariat reopened %(num)d indicators of %(community)s for %(title)s (%(period)s): "
            "%(message)s",
            p["count"],
            community=p["community"],
            title=p["title"],
            period=p["period"],
            message=p["message"],
        ),
    ),
    "committees.seat_assigned": NotificationKind(
        "committees",
        lambda p: gettext(
            "You now hold a seat in %(body)s as %(role)s, from %(start)s.",
            body=p["body"],
            role=label(SeatRole(p["role"])),
            start=p["start"],
        ),
    ),
    "committees.session_convened": NotificationKind(
        "committees",
        lambda p: gettext(
            "You are convened to %(session)s of %(body)s on %(when)s. The agenda, the documents and "
            "the calendar invitation are on the session page.",
            session=p["session"],
            body=p["body"],
            when=p["when"],
        ),
    ),
    "committees.session_updated": NotificationKind(
        "committees",
        lambda p: gettext(
            "%(session)s of %(body)s has changed: it now takes place on %(when)s.",
            session=p["session"],
            body=p["body"],
            when=p["when"],
        ),
    ),
    "committees.session_cancelled": NotificationKind(
        "committees",
        lambda p: gettext(
            "%(session)s of %(body)s on %(when)s is cancelled: %(reason)s",
            session=p["session"],
            body=p["body"],
            when=p["when"],
            reason=p["reason"],
        ),
    ),
    "minutes.amendments_open": NotificationKind(
        "committees",
        lambda p: gettext(
            "The draft minutes of %(session)s are open for your amendments until %(deadline)s.",
            session=p["session"],
            deadline=p["deadline"],
        ),
    ),
    "minutes.amendment_proposed": NotificationKind(
        "committees",
        lambda p: gettext(
            "%(person)s proposed an amendment to the minutes of %(session)s.",
            person=p["person"],
            session=p["session"],
        ),
    ),
    "minutes.amendment_accepted": NotificationKind(
        "committees",
        lambda p: gettext("Your amendment to the minutes of %(session)s was accepted.", session=p["session"]),
    ),
    "minutes.amendment_rejected": NotificationKind(
        "committees",
        lambda p: gettext(
            "Your amendment to the minutes of %(session)s was rejected: %(reason)s",
            session=p["session"],
            reason=p["reason"],
        ),
    ),
    "minutes.approved": NotificationKind(
        "committees",
        lambda p: gettext(
            "The minutes of %(session)s of %(body)s are approved and locked.",
            session=p["session"],
            body=p["body"],
        ),
    ),
    "action_items.assigned": NotificationKind(
        "action_items",
        lambda p: gettext(
            "You own the action %(title)s of %(body)s, due on %(due)s.",
            title=p["title"],
            body=p["body"],
            due=p["due"],
        ),
    ),
    "action_items.reminder": NotificationKind(
        "action_items",
        lambda p: ngettext(
            "Reminder: the action %(title)s is due in %(num)d day, on %(due)s.",
            "Reminder: the action %(title)s is due in %(num)d days, on %(due)s.",
            p["days"],
            title=p["title"],
            due=p["due"],
        ),
    ),
    "committees.vote_opened": NotificationKind(
        "committees",
        lambda p: gettext(
            "%(body)s puts a motion to your vote until %(deadline)s: %(motion)s",
            body=p["body"],
            deadline=p["deadline"],
            motion=p["motion"],
        ),
    ),
    "committees.vote_reminder": NotificationKind(
        "committees",
        lambda p: gettext(
            "Reminder: you have not voted yet on the motion of %(body)s, and the vote closes on "
            "%(deadline)s: %(motion)s",
            body=p["body"],
            deadline=p["deadline"],
            motion=p["motion"],
        ),
    ),
    "committees.vote_result": NotificationKind(
        "committees",
        lambda p: gettext(
            "The vote of %(body)s is closed: %(result)s (yes %(yes)d, no %(no)d, abstentions "
            "%(abstain)d). The motion: %(motion)s",
            body=p["body"],
            result=label(MotionStatus(p["result"])),
            yes=p["yes"],
            no=p["no"],
            abstain=p["abstain"],
            motion=p["motion"],
        ),
    ),
    "events.registered": NotificationKind(
        "events",
        lambda p: gettext(
            "You are registered for %(event)s (%(when)s). The calendar entry is attached to the mail and "
            "on the event page.",
            event=p["event"],
            when=p["when"],
        ),
    ),
    "events.waitlisted": NotificationKind(
        "events",
        lambda p: gettext(
            "%(event)s is full: you are number %(position)s on the waiting list. You will be told if a "
            "place frees up.",
            event=p["event"],
            position=p["position"],
        ),
    ),
    "events.promoted": NotificationKind(
        "events",
        lambda p: gettext(
            "A place freed up: you are now registered for %(event)s (%(when)s).",
            event=p["event"],
            when=p["when"],
        ),
    ),
    "events.reminder": NotificationKind(
        "events",
        lambda p: gettext("Reminder: %(event)s starts soon (%(when)s).", event=p["event"], when=p["when"]),
    ),
    "events.registration_cancelled": NotificationKind(
        "events",
        lambda p: gettext("Your registration for %(event)s is cancelled.", event=p["event"]),
    ),
    "events.updated": NotificationKind(
        "events",
        lambda p: gettext(
            "%(event)s has changed: it now takes place %(when)s.", event=p["event"], when=p["when"]
        ),
    ),
    "events.cancelled": NotificationKind(
        "events",
        lambda p: gettext(
            "%(event)s (%(when)s) is cancelled: %(reason)s",
            event=p["event"],
            when=p["when"],
            reason=p["reason"],
        ),
    ),
}


def delivery_for(user: User, kind: str) -> Delivery:
    """The delivery the user chose for a kind, or the kind's default."""
    chosen = db.session.get(NotificationPreference, (user.id, KINDS[kind].group))
    return chosen.delivery if chosen else KINDS[kind].default


def preferences(user: User) -> dict[str, Delivery]:
    """The user's delivery for every preference group (defaults filled in)."""
    saved = dict(
        db.session.execute(
            sa.select(NotificationPreference.kind, NotificationPreference.delivery).where(
                NotificationPreference.user_id == user.id
            )
        ).all()
    )
    return {group: saved.get(group, group_default(group)) for group in GROUPS}


def group_default(group: str) -> Delivery:
    """The delivery a group has before the person chooses: that of its kinds (immediate if none yet)."""
    return next((kind.default for kind in KINDS.values() if kind.group == group), Delivery.IMMEDIATE)


def set_preferences(user: User, choices: dict[str, Delivery]) -> None:
    """Save the user's delivery choice for each preference group."""
    unknown = set(choices) - set(GROUPS)
    if unknown:
        raise KeyError(f"unknown notification groups {sorted(unknown)}")
    for group, delivery in choices.items():
        db.session.merge(NotificationPreference(user_id=user.id, kind=group, delivery=delivery))
    db.session.commit()


def text_of(notification: Notification, locale: str | None = None) -> str:
    """The notice's text, in `locale` (default: the active request locale)."""
    kind = KINDS.get(notification.kind)
    if kind is None:
        return notification.kind
    if locale is None:
        return kind.render(notification.params)
    with force_locale(locale):
        return kind.render(notification.params)


def notify(
    user: User,
    kind: str,
    params: dict[str, Any],
    link: str | None = None,
    attachment: mail.Attachment | None = None,
) -> Notification | None:
    """Notify one person in their chosen way; part of the caller's transaction (the caller commits).

    An `attachment` (a calendar invitation, say) goes with the mail of an immediate notice."""
    delivery = delivery_for(user, kind)
    if delivery == Delivery.OFF or user.is_deleted:
        return None
    notice = Notification(user_id=user.id, kind=kind, params=params, link=link)
    notice.digest_pending = delivery == Delivery.DIGEST
    db.session.add(notice)
    if delivery == Delivery.IMMEDIATE:
        mail.queue_templated(
            user.email,
            user.preferred_locale,
            "notification",
            text=text_of(notice, user.preferred_locale),
            link=_absolute(link),
            preferences_url=external_url("notifications.preferences"),
            attachment=attachment,
        )
    return notice


def _absolute(link: str | None) -> str | None:
    if not link:
        return None
    return external_url("main.index").rstrip("/") + link


def unread_count(user: User) -> int:
    """How many notices the user has not read."""
    return (
        db.session.scalar(
            sa.select(sa.func.count(Notification.id)).where(
                Notification.user_id == user.id, Notification.read_at.is_(None)
            )
        )
        or 0
    )


def recent(user: User, limit: int = 50) -> list[Notification]:
    """The user's newest notices."""
    return list(
        db.session.scalars(
            sa.select(Notification)
            .where(Notification.user_id == user.id)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        )
    )


@dataclass(frozen=True)
class NoticeItem:
    """One notice ready for display: its text in the current language, its link, whether it is unread."""

    id: int
    text: str
    link: str | None
    created_at: datetime
    unread: bool


def listing(user: User, limit: int = 50) -> list[NoticeItem]:
    """The user's newest notices with their text rendered in the active locale."""
    return [
        NoticeItem(n.id, text_of(n), n.link, n.created_at, n.read_at is None) for n in recent(user, limit)
    ]


def find(user: User, notification_id: int) -> Notification | None:
    """One of the user's own notices (None for someone else's, so it cannot be told from a missing one)."""
    return db.session.scalar(
        sa.select(Notification).where(Notification.id == notification_id, Notification.user_id == user.id)
    )


def mark_read(user: User, notification_id: int | None = None) -> int:
    """Mark one of the user's notices (or all of them) read; returns how many changed."""
    query = sa.update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if notification_id is not None:
        query = query.where(Notification.id == notification_id)
    changed = db.session.execute(query.values(read_at=utcnow())).rowcount
    db.session.commit()
    return changed


def send_digests() -> int:
    """Mail each person one digest of their pending digest notices; returns how many digests were queued."""
    pending = db.session.scalars(sa.select(Notification).where(Notification.digest_pending.is_(True))).all()
    by_user: dict[int, list[Notification]] = defaultdict(list)
    for notice in pending:
        by_user[notice.user_id].append(notice)
    for user_id, notices in by_user.items():
        user = db.session.get(User, user_id)
        if not user.is_deleted:
            items = [(text_of(n, user.preferred_locale), _absolute(n.link)) for n in notices]
            mail.queue_templated(
                user.email,
                user.preferred_locale,
                "digest",
                items=items,
                preferences_url=external_url("notifications.preferences"),
            )
        for notice in notices:
            notice.digest_pending = False
    db.session.commit()
    return len(by_user)
