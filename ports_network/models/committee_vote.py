"""Motions of a governance body and the votes on them: in a session (show of hands, named or secret ballot) or
between sessions (an asynchronous vote with a deadline).

A secret ballot is stored so that nothing links a choice to a voter: a receipt says who has voted (one per
person per motion, so nobody votes twice) and a tally counts the choices; neither carries a time or an order
that could be matched with the other.
"""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import TimestampMixin, UTCDateTime, enum_column, utcnow
from .committee import AgendaItem, Body, CommitteeSession, VotingRule
from .user import User


class MotionStatus(enum.StrEnum):
    """Life cycle of a motion: proposed, put to the vote, then carried, rejected or withdrawn.

    An asynchronous vote that closes without enough ballots ends as `no_quorum`.
    """

    PROPOSED = "proposed"
    VOTING = "voting"
    CARRIED = "carried"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    NO_QUORUM = "no_quorum"


# A motion in one of these states has its result and changes no more.
DECIDED_STATES = frozenset({MotionStatus.CARRIED, MotionStatus.REJECTED, MotionStatus.NO_QUORUM})


class VoteMethod(enum.StrEnum):
    """How the votes on a motion are taken."""

    SHOW_OF_HANDS = "show_of_hands"  # the secretary records each hand by name
    NAMED = "named"  # each voter votes electronically; names are recorded and published
    SECRET = "secret"  # each voter votes electronically; nothing links a choice to a voter


# The methods in which members cast their own ballots (in session, or between sessions).
ELECTRONIC_METHODS = (VoteMethod.NAMED, VoteMethod.SECRET)


class VoteChoice(enum.StrEnum):
    """A voter's answer."""

    YES = "yes"
    NO = "no"
    ABSTAIN = "abstain"


class Motion(TimestampMixin, db.Model):
    """A proposal put to a body, moved and seconded, decided by a vote under the body's voting rule."""

    __tablename__ = "committee_motion"

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(sa.ForeignKey("committee_body.id"), index=True)
    # None for a motion put to the members between sessions.
    session_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("committee_session.id", ondelete="CASCADE"), index=True
    )
    agenda_item_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("committee_agenda_item.id", ondelete="SET NULL"), index=True
    )
    text: Mapped[str] = mapped_column(sa.Text)  # markdown
    mover_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    seconder_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    proposed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    status: Mapped[MotionStatus] = mapped_column(enum_column(MotionStatus), default=MotionStatus.PROPOSED)
    # Fixed when the vote opens: the method, and the rule (the body's) the result is counted by.
    vote_method: Mapped[VoteMethod | None] = mapped_column(enum_column(VoteMethod))
    voting_rule: Mapped[VotingRule | None] = mapped_column(enum_column(VotingRule))
    # An asynchronous vote between sessions closes at its deadline (or when everyone has voted).
    between_sessions: Mapped[bool] = mapped_column(default=False)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The weighted totals, stored when the vote closes (proxies counted as weights).
    yes_votes: Mapped[int | None]
    no_votes: Mapped[int | None]
    abstentions: Mapped[int | None]
    # Votes that could be cast when the vote opened (voting seats represented, or all voting seats between
    # sessions), and how many had to take part for the vote to count.
    eligible_votes: Mapped[int | None]
    required_turnout: Mapped[int | None]

    body: Mapped[Body] = relationship()
    session: Mapped[CommitteeSession | None] = relationship()
    agenda_item: Mapped[AgendaItem | None] = relationship()
    mover: Mapped[User | None] = relationship(foreign_keys=[mover_id])
    seconder: Mapped[User | None] = relationship(foreign_keys=[seconder_id])
    proposed_by: Mapped[User | None] = relationship(foreign_keys=[proposed_by_id])
    ballots: Mapped[list["Ballot"]] = relationship(
        back_populates="motion", order_by="Ballot.id", cascade="all, delete-orphan"
    )

    __table_args__ = (
        sa.CheckConstraint(
            "mover_id IS NULL OR seconder_id IS NULL OR mover_id != seconder_id", name="two_people"
        ),
        sa.CheckConstraint("NOT between_sessions OR closes_at IS NOT NULL", name="deadline_between_sessions"),
    )

    @property
    def is_decided(self) -> bool:
        """Carried, rejected or closed without quorum: the result is final."""
        return self.status in DECIDED_STATES


class Ballot(db.Model):
    """A vote by name (show of hands recorded by the secretary, or a named electronic vote)."""

    __tablename__ = "committee_ballot"

    id: Mapped[int] = mapped_column(primary_key=True)
    motion_id: Mapped[int] = mapped_column(sa.ForeignKey("committee_motion.id", ondelete="CASCADE"))
    voter_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    choice: Mapped[VoteChoice] = mapped_column(enum_column(VoteChoice))
    # The voter's own vote plus the proxies they carry at this session.
    weight: Mapped[int] = mapped_column(default=1)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    cast_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    motion: Mapped[Motion] = relationship(back_populates="ballots")
    voter: Mapped[User] = relationship(foreign_keys=[voter_id])

    __table_args__ = (
        # One vote per member per motion, whatever the method, even when two requests race.
        sa.UniqueConstraint("motion_id", "voter_id"),
        sa.CheckConstraint("weight >= 1", name="positive_weight"),
    )


class SecretBallotReceipt(db.Model):
    """That a person has voted in a secret ballot, and nothing else: no choice, no time, no order."""

    __tablename__ = "committee_secret_receipt"

    motion_id: Mapped[int] = mapped_column(
        sa.ForeignKey("committee_motion.id", ondelete="CASCADE"), primary_key=True
    )
    voter_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), primary_key=True)


class SecretTally(db.Model):
    """The running count of one choice in a secret ballot (weights added), with no trace of who chose it."""

    __tablename__ = "committee_secret_tally"

    motion_id: Mapped[int] = mapped_column(
        sa.ForeignKey("committee_motion.id", ondelete="CASCADE"), primary_key=True
    )
    choice: Mapped[VoteChoice] = mapped_column(enum_column(VoteChoice), primary_key=True)
    votes: Mapped[int] = mapped_column(default=0)

    __table_args__ = (sa.CheckConstraint("votes >= 0", name="non_negative_votes"),)
