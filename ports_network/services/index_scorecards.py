"""A community's scorecard: its pillar profile, every indicator with raw value, score and medians, its
scores over time and its weakest indicators, read from the stored rows of a current run.

Scorecards carry raw values, confidential ones included: the views show them only to the community's
members and the Secretariat (`results.view_scorecard`). Medians of confidential values that the engine
withheld (too few communities to hide one port's figure) are marked as withheld, never filled in.
"""

from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa

from ..extensions import db
from ..index_engine import INDEX_CODE, Methodology, Node, localized
from ..index_engine.methodology import walk
from ..models import (
    PeerGroup,
    PortCommunity,
    ScoreRun,
    StoredMedian,
    StoredRank,
    StoredScore,
    peer_group_member,
)
from . import index_public, methodologies
from .index_public import Edition

WEAKEST = 5


@dataclass(frozen=True)
class Median:
    """A network or peer-group median of one code; `withheld` when the engine hid a confidential value."""

    value: float | None
    score: float | None
    withheld: bool = False


NO_MEDIAN = Median(None, None)


@dataclass(frozen=True)
class ProfileLine:
    """A pillar (or the composite) of the profile: the community's score and the two medians."""

    code: str
    name: str
    score: float | None
    status: str
    network: Median
    peer: Median


@dataclass(frozen=True)
class IndicatorLine:
    """One indicator in the scorecard table."""

    code: str
    name: str
    pillar: str
    unit: str
    confidential: bool
    value: float | None
    score: float | None
    status: str
    network: Median
    peer: Median


@dataclass(frozen=True)
class SeriesLine:
    """The composite's or a pillar's score in each period of the run (None where not computed)."""

    code: str
    name: str
    scores: tuple[float | None, ...]


@dataclass(frozen=True)
class RankLine:
    """The community's rank in the period, its interval and how many communities were ranked."""

    composite: float | None
    rank: int | None
    rank_low: int | None
    rank_high: int | None
    ranked: int


@dataclass(frozen=True)
class Scorecard:
    """Everything the scorecard page shows for one community, version and period."""

    community: PortCommunity
    edition: Edition
    editions: tuple[Edition, ...]  # every edition the community appears in, newest first
    peer_group: str | None
    rank: RankLine
    profile: tuple[ProfileLine, ...]  # the composite first, then the pillars
    indicators: tuple[IndicatorLine, ...]
    periods: tuple[str, ...]
    series: tuple[SeriesLine, ...]
    weakest: tuple[IndicatorLine, ...]

    @property
    def indicator_groups(self) -> list[tuple[str, list[IndicatorLine]]]:
        """The indicator lines grouped by pillar, in the methodology's order."""
        groups: dict[str, list[IndicatorLine]] = {}
        for line in self.indicators:
            groups.setdefault(line.pillar, []).append(line)
        return list(groups.items())


def community_editions(community: PortCommunity) -> list[Edition]:
    """The published editions (current runs only) in which the community has a result, newest first."""
    rows = db.session.execute(
        sa.select(StoredRank.run_id, StoredRank.period)
        .where(StoredRank.community_id == community.id, StoredRank.run_id.in_(index_public.current_run_ids()))
        .distinct()
    )
    present = set(rows.all())
    return [e for e in index_public.published_editions() if (e.run_id, e.period) in present]


def _choose(editions: list[Edition], version: str | None, period: str | None) -> Edition | None:
    for edition in editions:
        if (version is None or edition.version == version) and (period is None or edition.period == period):
            return edition
    return None


def _peer_group(community: PortCommunity) -> tuple[str, dict[str, str]] | None:
    row = db.session.execute(
        sa.select(PeerGroup.code, PeerGroup.name)
        .join(peer_group_member, peer_group_member.c.peer_group_id == PeerGroup.id)
        .where(peer_group_member.c.community_id == community.id)
    ).first()
    return (row[0], row[1]) if row is not None else None


def _medians(run_id: int, period: str, group: str | None, confidential: set[str]) -> dict:
    rows = db.session.execute(
        sa.select(
            StoredMedian.peer_group_code,
            StoredMedian.code,
            StoredMedian.median_value,
            StoredMedian.median_score,
            StoredMedian.count,
        )
        .where(StoredMedian.run_id == run_id, StoredMedian.period == period)
        .where(sa.or_(StoredMedian.peer_group_code.is_(None), StoredMedian.peer_group_code == group))
    )
    return {
        (group_code, code): Median(
            value, score, withheld=value is None and count > 0 and code in confidential
        )
        for group_code, code, value, score, count in rows
    }


def _rank_line(run_id: int, period: str, community: PortCommunity) -> RankLine:
    row = db.session.execute(
        sa.select(StoredRank.composite, StoredRank.rank, StoredRank.rank_low, StoredRank.rank_high).where(
            StoredRank.run_id == run_id, StoredRank.period == period, StoredRank.community_id == community.id
        )
    ).one()
    ranked = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(StoredRank)
        .where(StoredRank.run_id == run_id, StoredRank.period == period, StoredRank.rank.is_not(None))
    )
    return RankLine(*row, ranked=ranked or 0)


def _scores(run_id: int, community: PortCommunity) -> dict[tuple[str, str], tuple]:
    rows = db.session.execute(
        sa.select(
            StoredScore.period, StoredScore.code, StoredScore.value, StoredScore.score, StoredScore.status
        ).where(StoredScore.run_id == run_id, StoredScore.community_id == community.id)
    )
    return {(period, code): (value, score, status) for period, code, value, score, status in rows}


@dataclass(frozen=True)
class _Sheet:
    """What a scorecard is built from: the methodology, the stored rows, the reader's language."""

    methodology: Methodology
    locale: str
    period: str
    periods: tuple[str, ...]
    scores: dict[tuple[str, str], tuple]
    medians: dict[tuple[str | None, str], Median]
    group_code: str | None

    def text(self, value: Mapping[str, str]) -> str:
        return localized(value, self.locale, self.methodology.locales)

    def medians_of(self, code: str) -> tuple[Median, Median]:
        network = self.medians.get((None, code), NO_MEDIAN)
        peer = self.medians.get((self.group_code, code), NO_MEDIAN) if self.group_code else NO_MEDIAN
        return network, peer

    def nodes(self) -> list[tuple[str, str]]:
        pillars = [(pillar.code, self.text(pillar.name)) for pillar in self.methodology.pillars]
        return [(INDEX_CODE, self.text(self.methodology.name)), *pillars]


def _profile(sheet: _Sheet) -> tuple[ProfileLine, ...]:
    lines = []
    for code, name in sheet.nodes():
        _value, score, status = sheet.scores.get((sheet.period, code), (None, None, "not_computed"))
        lines.append(ProfileLine(code, name, score, status, *sheet.medians_of(code)))
    return tuple(lines)


def _indicator_lines(sheet: _Sheet) -> tuple[IndicatorLine, ...]:
    lines = []
    for pillar in sheet.methodology.pillars:
        for item, _depth in walk(pillar):
            if isinstance(item, Node):
                continue
            value, score, status = sheet.scores.get((sheet.period, item.code), (None, None, "missing"))
            lines.append(
                IndicatorLine(
                    item.code,
                    sheet.text(item.name),
                    sheet.text(pillar.name),
                    item.unit,
                    item.confidential,
                    value,
                    score,
                    status,
                    *sheet.medians_of(item.code),
                )
            )
    return tuple(lines)


def _series(sheet: _Sheet) -> tuple[SeriesLine, ...]:
    return tuple(
        SeriesLine(
            code,
            name,
            tuple(sheet.scores.get((period, code), (None, None, ""))[1] for period in sheet.periods),
        )
        for code, name in sheet.nodes()
    )


def _sheet(community: PortCommunity, edition: Edition, locale: str, group_code: str | None) -> _Sheet:
    methodology = methodologies.load_engine_methodology(methodologies.get(edition.version))
    confidential = {indicator.code for indicator in methodology.indicators if indicator.confidential}
    run = db.session.get(ScoreRun, edition.run_id)
    return _Sheet(
        methodology=methodology,
        locale=locale,
        period=edition.period,
        periods=tuple(run.periods) if run is not None else (edition.period,),
        scores=_scores(edition.run_id, community),
        medians=_medians(edition.run_id, edition.period, group_code, confidential),
        group_code=group_code,
    )


def scorecard(
    community: PortCommunity, locale: str, version: str | None = None, period: str | None = None
) -> Scorecard | None:
    """The community's scorecard for an edition (default: its newest), or None when there is none."""
    editions = community_editions(community)
    edition = _choose(editions, version, period)
    if edition is None:
        return None
    group = _peer_group(community)
    sheet = _sheet(community, edition, locale, group[0] if group else None)
    indicators = _indicator_lines(sheet)
    return Scorecard(
        community=community,
        edition=edition,
        editions=tuple(editions),
        peer_group=sheet.text(group[1]) if group else None,
        rank=_rank_line(edition.run_id, edition.period, community),
        profile=_profile(sheet),
        indicators=indicators,
        periods=sheet.periods,
        series=_series(sheet),
        weakest=weakest(indicators),
    )


def weakest(indicators: tuple[IndicatorLine, ...], count: int = WEAKEST) -> tuple[IndicatorLine, ...]:
    """The lowest-scored indicators; among equal scores, the one furthest below the network median first."""

    def key(line: IndicatorLine) -> tuple[float, float]:
        score = line.score or 0.0
        network = line.network.score if line.network.score is not None else score
        return score, score - network

    return tuple(sorted((line for line in indicators if line.score is not None), key=key)[:count])
