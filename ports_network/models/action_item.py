"""Action items of governance bodies: who does what by when, where it came from (a session, a carried
motion), and which community and index indicator it is meant to improve.

Status changes are kept in the audit log with the owner's note; the share of items closed on time per
community feeds the index indicator `action_items_on_time` (services/action_item_indicator.py).
"""

import enum
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import TimestampMixin, enum_column
from .committee import Body, CommitteeSession
from .committee_vote import Motion
from .community import PortCommunity
from .user import User


class ActionItemStatus(enum.StrEnum):
    """open -> in progress -> done, or cancelled; done and cancelled items are closed."""

    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


# Items in these states still have to be done: they are reminded and can be overdue.
PENDING_STATES = frozenset({ActionItemStatus.OPEN, ActionItemStatus.IN_PROGRESS})


class ActionItem(TimestampMixin, db.Model):
    """One thing a person has to do for a body by a date."""

    __tablename__ = "action_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(sa.ForeignKey("committee_body.id"), index=True)
    session_id: Mapped[int | None] = mapped_column(sa.ForeignKey("committee_session.id"), index=True)
    motion_id: Mapped[int | None] = mapped_column(sa.ForeignKey("committee_motion.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    description: Mapped[str | None] = mapped_column(sa.Text)  # markdown
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    due_date: Mapped[date] = mapped_column(index=True)
    status: Mapped[ActionItemStatus] = mapped_column(
        enum_column(ActionItemStatus), default=ActionItemStatus.OPEN, index=True
    )
    # The day (UTC) it was marked done: on time when completed_on <= due_date.
    completed_on: Mapped[date | None]
    community_id: Mapped[int | None] = mapped_column(sa.ForeignKey("port_community.id"), index=True)
    indicator_code: Mapped[str | None] = mapped_column(sa.String(64))  # a methodology indicator code
    # The smallest "days before the due date" reminder already sent for the current due date.
    reminded_days: Mapped[int | None]
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))

    body: Mapped[Body] = relationship()
    session: Mapped[CommitteeSession | None] = relationship()
    motion: Mapped[Motion | None] = relationship()
    owner: Mapped[User] = relationship(foreign_keys=[owner_id])
    community: Mapped[PortCommunity | None] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    __table_args__ = (
        sa.CheckConstraint("status != 'done' OR completed_on IS NOT NULL", name="done_has_date"),
        sa.CheckConstraint("status = 'done' OR completed_on IS NULL", name="date_only_when_done"),
    )

    @property
    def is_pending(self) -> bool:
        """Open or in progress: still to be done."""
        return self.status in PENDING_STATES

    def is_overdue(self, today: date) -> bool:
        """Still to be done after its due date."""
        return self.is_pending and self.due_date < today

    @property
    def on_time(self) -> bool | None:
        """Done by its due date (None while not done)."""
        if self.status != ActionItemStatus.DONE or self.completed_on is None:
            return None
        return self.completed_on <= self.due_date
