"""Searching the messages of the rooms a person can read: words, sender, room and date range."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

from .. import security
from ..extensions import db
from ..models import (
    Message,
    Room,
    User,
)
from .rooms import title_of

SEARCH_PAGE_SIZE = 20


@dataclass(frozen=True)
class SearchQuery:
    """What a person looks for in their rooms; empty criteria do not narrow the search."""

    words: str = ""
    sender: str = ""
    room_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    page: int = 1


def _contains(column: Any, text: str) -> sa.ColumnElement[bool]:
    # Case-insensitive substring: the LIKE wildcards typed by the person match themselves.
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.ilike(f"%{escaped}%", escape="\\")


def _search_conditions(user: User, query: SearchQuery) -> list[sa.ColumnElement[bool]]:
    # Only rooms the person can read (the same rule as "rooms.read"), never removed messages.
    conditions = [security.rooms_visible_to(user), Message.deleted_at.is_(None), Message.hidden_at.is_(None)]
    conditions += [_contains(Message.body, word) for word in query.words.split()]
    if query.sender.strip():
        conditions.append(_contains(User.name, query.sender.strip()))
    if query.room_id:
        conditions.append(Message.room_id == query.room_id)
    if query.date_from is not None:
        conditions.append(Message.created_at >= datetime.combine(query.date_from, time(), UTC))
    if query.date_to is not None:
        end = datetime.combine(query.date_to + timedelta(days=1), time(), UTC)
        conditions.append(Message.created_at < end)
    return conditions


def search(user: User, query: SearchQuery) -> Any:
    """Messages in the person's readable rooms matching the query, newest first, one page at a time."""
    select = (
        sa.select(Message)
        .join(Room, Room.id == Message.room_id)
        .join(User, User.id == Message.author_id)
        .where(*_search_conditions(user, query))
        .options(
            sa.orm.contains_eager(Message.author),
            sa.orm.contains_eager(Message.room).selectinload(Room.community),
        )
        .order_by(Message.created_at.desc(), Message.id.desc())
    )
    return db.paginate(select, page=max(query.page, 1), per_page=SEARCH_PAGE_SIZE, error_out=False)


def readable_rooms(user: User) -> list[tuple[int, str]]:
    """The rooms the person can read, as (id, title) choices for the search form."""
    found = db.session.scalars(
        sa.select(Room)
        .where(security.rooms_visible_to(user))
        .options(sa.orm.selectinload(Room.community))
        .order_by(Room.id)
    )
    return sorted(((room.id, title_of(room)) for room in found), key=lambda choice: choice[1].casefold())
