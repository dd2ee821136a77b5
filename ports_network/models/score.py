"""Stored results of the Competitiveness Index: peer groups, score runs and what each run computed.

Scores are computed when data is published (or the Secretariat recomputes the history under another
methodology version) and stored, so pages read them instead of running the engine per request. Every
run is kept; the newest run of each methodology version is its current one.
"""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import TimestampMixin, UTCDateTime, utcnow
from .community import PortCommunity
from .methodology import MethodologyVersion
from .user import User

peer_group_member = sa.Table(
    "peer_group_member",
    db.metadata,
    sa.Column(
        "peer_group_id", sa.ForeignKey("peer_group.id", ondelete="CASCADE"), index=True, nullable=False
    ),
    # A community is in at most one peer group (its key here): its peer medians are those of that group.
    sa.Column("community_id", sa.ForeignKey("port_community.id", ondelete="CASCADE"), primary_key=True),
)


class PeerGroup(TimestampMixin, db.Model):
    """Communities compared with each other (by size, sub-region ...), defined by the Secretariat."""

    __tablename__ = "peer_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[dict[str, str]] = mapped_column(sa.JSON)  # {locale: text}
    description: Mapped[dict[str, str] | None] = mapped_column(sa.JSON)

    communities: Mapped[list[PortCommunity]] = relationship(
        secondary=peer_group_member, order_by=PortCommunity.name
    )


class ScoreRun(db.Model):
    """One computation of the index over every published period of a methodology version."""

    __tablename__ = "score_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    methodology_version_id: Mapped[int] = mapped_column(sa.ForeignKey("methodology_version.id"), index=True)
    reason: Mapped[str] = mapped_column(sa.String(32))  # publish, recompute
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    draws: Mapped[int]  # Monte-Carlo draws behind the rank intervals
    seed: Mapped[int]
    periods: Mapped[list[str]] = mapped_column(sa.JSON)
    duration_ms: Mapped[int | None]

    methodology_version: Mapped[MethodologyVersion] = relationship()
    created_by: Mapped[User | None] = relationship()


class StoredScore(db.Model):
    """A score of one community in one period: an indicator (with its raw value) or a node of the tree."""

    __tablename__ = "index_score"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(sa.ForeignKey("score_run.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(sa.String(16))
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("port_community.id"))
    code: Mapped[str] = mapped_column(sa.String(64))
    kind: Mapped[str] = mapped_column(sa.String(16))  # indicator, sub_pillar, pillar, index
    parent: Mapped[str | None] = mapped_column(sa.String(64))
    value: Mapped[float | None] = mapped_column(sa.Float)
    score: Mapped[float | None] = mapped_column(sa.Float)
    coverage: Mapped[float | None] = mapped_column(sa.Float)
    status: Mapped[str] = mapped_column(sa.String(16))
    confidential: Mapped[bool] = mapped_column(default=False)

    __table_args__ = (sa.Index("ix_index_score_run_period", "run_id", "period", "community_id"),)


class StoredRank(db.Model):
    """A community's composite, rank and Monte-Carlo rank interval in one period of a run."""

    __tablename__ = "index_rank"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(sa.ForeignKey("score_run.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(sa.String(16))
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("port_community.id"))
    composite: Mapped[float | None] = mapped_column(sa.Float)
    rank: Mapped[int | None]
    median_rank: Mapped[float | None] = mapped_column(sa.Float)
    rank_low: Mapped[int | None]  # 5th percentile of the Monte-Carlo ranks (best end)
    rank_high: Mapped[int | None]  # 95th percentile (worst end)
    status: Mapped[str] = mapped_column(sa.String(16))

    community: Mapped[PortCommunity] = relationship()

    __table_args__ = (sa.Index("ix_index_rank_run_period", "run_id", "period"),)


class StoredMedian(db.Model):
    """The median value and score of one indicator or node across the network or a peer group."""

    __tablename__ = "index_median"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(sa.ForeignKey("score_run.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(sa.String(16))
    peer_group_code: Mapped[str | None] = mapped_column(sa.String(40))  # None: the whole network
    code: Mapped[str] = mapped_column(sa.String(64))
    kind: Mapped[str] = mapped_column(sa.String(16))
    median_value: Mapped[float | None] = mapped_column(sa.Float)  # withheld (None) when confidential
    median_score: Mapped[float | None] = mapped_column(sa.Float)
    count: Mapped[int]

    __table_args__ = (sa.Index("ix_index_median_run_period", "run_id", "period"),)
