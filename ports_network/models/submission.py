"""Data calls of the Competitiveness Index and the communities' submissions: values, comments, evidence.

A data call asks the communities it names for the values of one methodology version for one period.
Each community answers with one submission that moves draft → submitted → (returned → submitted) →
validated → accepted → published. Every value and transition is recorded in the audit log.
"""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import TimestampMixin, UTCDateTime, enum_column, utcnow
from .community import PortCommunity
from .methodology import MethodologyVersion
from .stored_file import StoredFile
from .user import User


class DataCallStatus(enum.StrEnum):
    """An open call takes submissions; a closed one takes none (submissions keep their state)."""

    OPEN = "open"
    CLOSED = "closed"


class SubmissionStatus(enum.StrEnum):
    """Where a submission stands in the review workflow."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    VALIDATED = "validated"
    ACCEPTED = "accepted"
    PUBLISHED = "published"


data_call_community = sa.Table(
    "data_call_community",
    db.metadata,
    sa.Column("data_call_id", sa.ForeignKey("data_call.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("community_id", sa.ForeignKey("port_community.id", ondelete="CASCADE"), primary_key=True),
)


class DataCall(TimestampMixin, db.Model):
    """The Secretariat's request for one period's values under one methodology version."""

    __tablename__ = "data_call"

    id: Mapped[int] = mapped_column(primary_key=True)
    methodology_version_id: Mapped[int] = mapped_column(sa.ForeignKey("methodology_version.id"))
    period: Mapped[str] = mapped_column(sa.String(16))  # "2025" or "2025-Q2"
    title: Mapped[str] = mapped_column(sa.String(200))
    deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[DataCallStatus] = mapped_column(enum_column(DataCallStatus), default=DataCallStatus.OPEN)
    # The smallest "days before the deadline" reminder already sent, so each is sent once.
    reminded_days: Mapped[int | None]
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))

    methodology_version: Mapped[MethodologyVersion] = relationship()
    communities: Mapped[list[PortCommunity]] = relationship(
        secondary=data_call_community, order_by=PortCommunity.name
    )
    created_by: Mapped[User | None] = relationship()

    __table_args__ = (sa.UniqueConstraint("methodology_version_id", "period"),)


class Submission(TimestampMixin, db.Model):
    """One community's answer to a data call; `revision` detects concurrent edits."""

    __tablename__ = "submission"

    id: Mapped[int] = mapped_column(primary_key=True)
    data_call_id: Mapped[int] = mapped_column(sa.ForeignKey("data_call.id", ondelete="CASCADE"))
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("port_community.id"), index=True)
    status: Mapped[SubmissionStatus] = mapped_column(
        enum_column(SubmissionStatus), default=SubmissionStatus.DRAFT, index=True
    )
    # Incremented by every change; a save that names an older revision is refused as a conflict.
    revision: Mapped[int] = mapped_column(default=1, server_default="1")
    return_message: Mapped[str | None] = mapped_column(sa.Text)
    # Indicator codes the Secretariat reopened after acceptance; only these can then change.
    reopened_codes: Mapped[list[str] | None] = mapped_column(sa.JSON)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    validated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    data_call: Mapped[DataCall] = relationship()
    community: Mapped[PortCommunity] = relationship()
    values: Mapped[list["SubmissionValue"]] = relationship(
        back_populates="submission", cascade="all, delete-orphan", order_by="SubmissionValue.indicator_code"
    )

    __mapper_args__ = {"version_id_col": revision}
    __table_args__ = (sa.UniqueConstraint("data_call_id", "community_id"),)


class SubmissionValue(db.Model):
    """One indicator's raw value in a submission (None: not reported), with its justification."""

    __tablename__ = "submission_value"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submission.id", ondelete="CASCADE"))
    indicator_code: Mapped[str] = mapped_column(sa.String(64))
    value: Mapped[float | None] = mapped_column(sa.Float)
    justification: Mapped[str | None] = mapped_column(sa.Text)
    # Filled in by the platform from its own records (e.g. action items closed on time), until someone
    # changes the value.
    computed: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    submission: Mapped[Submission] = relationship(back_populates="values")

    __table_args__ = (sa.UniqueConstraint("submission_id", "indicator_code"),)


class SubmissionComment(db.Model):
    """A remark on a submission or on one of its values (indicator_code set)."""

    __tablename__ = "submission_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submission.id", ondelete="CASCADE"), index=True)
    indicator_code: Mapped[str | None] = mapped_column(sa.String(64))
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User] = relationship()


class SubmissionEvidence(db.Model):
    """A file that supports a submission or one of its values (indicator_code set)."""

    __tablename__ = "submission_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submission.id", ondelete="CASCADE"), index=True)
    indicator_code: Mapped[str | None] = mapped_column(sa.String(64))
    stored_file_id: Mapped[int] = mapped_column(sa.ForeignKey("stored_file.id"))
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    stored_file: Mapped[StoredFile] = relationship()
    uploaded_by: Mapped[User | None] = relationship()
