"""Discussion rooms: a room per scope (community, network, topic, governance body or session, event), its
numbered messages with their attached files and read markers, and what moderation keeps: earlier versions of
edited messages, reports and mutes."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import TimestampMixin, UTCDateTime, enum_column, utcnow
from .committee import Body, BodyStatus, CommitteeSession, SessionStatus
from .community import PortCommunity
from .event import Event, EventStatus
from .stored_file import StoredFile
from .user import User


class RoomKind(enum.StrEnum):
    """What a room belongs to; its readers follow the membership of that scope."""

    COMMUNITY = "community"
    NETWORK = "network"
    TOPIC = "topic"
    BODY = "body"  # a governance body's room: its current seat holders
    SESSION = "session"  # a session's room: the seat holders of its body
    EVENT = "event"  # an event's room: its registered participants and organisers


def _one_room_per(name: str, column: str, kind: str) -> sa.Index:
    """A unique index on `column` among the rooms of one kind (partial, on SQLite and PostgreSQL alike)."""
    only_kind = sa.text(f"kind = '{kind}'")
    return sa.Index(name, column, unique=True, sqlite_where=only_kind, postgresql_where=only_kind)


class Room(TimestampMixin, db.Model):
    """A conversation; `community_id` None means the whole network is its scope."""

    __tablename__ = "room"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[RoomKind] = mapped_column(enum_column(RoomKind))
    community_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("port_community.id", ondelete="CASCADE"), index=True
    )
    body_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("committee_body.id", ondelete="CASCADE"), index=True
    )
    committee_session_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("committee_session.id", ondelete="CASCADE"), index=True
    )
    event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(160))
    archived: Mapped[bool] = mapped_column(default=False)
    read_only: Mapped[bool] = mapped_column(default=False)
    # The sequence number of the newest message; incremented in the same transaction as each insert.
    last_seq: Mapped[int] = mapped_column(default=0, server_default="0")

    community: Mapped[PortCommunity | None] = relationship()
    body: Mapped[Body | None] = relationship()
    committee_session: Mapped[CommitteeSession | None] = relationship()
    event: Mapped[Event | None] = relationship()

    __table_args__ = (
        # At most one automatic room per community, body, session, event, and one network room, even when
        # created concurrently.
        _one_room_per("uq_room_community_room", "community_id", "community"),
        _one_room_per("uq_room_network_room", "kind", "network"),
        _one_room_per("uq_room_body_room", "body_id", "body"),
        _one_room_per("uq_room_session_room", "committee_session_id", "session"),
        _one_room_per("uq_room_event_room", "event_id", "event"),
    )

    @property
    def accepts_posts(self) -> bool:
        """Archived and read-only rooms keep their history but take no new messages; so do the rooms of a
        closed body, of a cancelled session or event, or a session of a closed body."""
        return not (self.archived or self.read_only or self._scope_ended)

    @property
    def _scope_ended(self) -> bool:
        if self.event is not None and self.event.status == EventStatus.CANCELLED:
            return True
        session = self.committee_session
        if session is not None and session.status == SessionStatus.CANCELLED:
            return True
        body = session.body if session is not None else self.body
        return body is not None and body.status == BodyStatus.CLOSED


class Message(db.Model):
    """One message in a room; `seq` orders it, `client_id` makes the author's retries idempotent."""

    __tablename__ = "room_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(sa.ForeignKey("room.id", ondelete="CASCADE"))
    seq: Mapped[int]
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    client_id: Mapped[str] = mapped_column(sa.String(64))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Hidden by a moderator: shown to the room's moderators only.
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The message this one replies to, in the same room (checked by the service).
    parent_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("room_message.id", ondelete="SET NULL"), index=True
    )

    room: Mapped[Room] = relationship()
    author: Mapped[User] = relationship()
    parent: Mapped["Message | None"] = relationship(remote_side=[id])
    attachments: Mapped[list["MessageAttachment"]] = relationship(
        order_by="MessageAttachment.position", passive_deletes=True
    )

    __table_args__ = (
        sa.UniqueConstraint("room_id", "seq"),
        sa.UniqueConstraint("author_id", "client_id"),
    )

    @property
    def is_removed(self) -> bool:
        """Deleted by its author or hidden by a moderator: members see a placeholder instead of the body."""
        return self.deleted_at is not None or self.hidden_at is not None


class MessageAttachment(db.Model):
    """A file posted with a message, stored by the storage service (purpose "room_attachment")."""

    __tablename__ = "room_message_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(sa.ForeignKey("room_message.id", ondelete="CASCADE"))
    stored_file_id: Mapped[int] = mapped_column(
        sa.ForeignKey("stored_file.id", ondelete="CASCADE"), unique=True
    )
    position: Mapped[int]

    stored_file: Mapped[StoredFile] = relationship()

    __table_args__ = (sa.UniqueConstraint("message_id", "position"),)


class MessageRevision(db.Model):
    """A body a message had before its author edited it (kept for the room's moderators)."""

    __tablename__ = "room_message_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(sa.ForeignKey("room_message.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(sa.Text)
    # When this body was replaced by the next one.
    edited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MessageReport(db.Model):
    """A reader's report of a message to the room's moderators; open until a moderator acts on it."""

    __tablename__ = "room_message_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(sa.ForeignKey("room_message.id", ondelete="CASCADE"))
    reporter_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    message: Mapped[Message] = relationship()
    reporter: Mapped[User] = relationship()

    __table_args__ = (sa.UniqueConstraint("message_id", "reporter_id"),)


class RoomMute(db.Model):
    """A member may not post in a room until `until`."""

    __tablename__ = "room_mute"

    room_id: Mapped[int] = mapped_column(sa.ForeignKey("room.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    until: Mapped[datetime] = mapped_column(UTCDateTime)


class RoomRead(db.Model):
    """How far a person has read in a room."""

    __tablename__ = "room_read"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    room_id: Mapped[int] = mapped_column(sa.ForeignKey("room.id", ondelete="CASCADE"), primary_key=True)
    last_read_seq: Mapped[int] = mapped_column(default=0)
