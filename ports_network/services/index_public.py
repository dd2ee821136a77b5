"""The public side of the index results: published editions, the ranking with rank intervals, the pillar
charts and the methodology page, all read from the stored rows of each version's current run.

Only what a current run stored is shown, and a run covers published data only. The public ranking
carries composite and pillar scores, never a raw value, so confidential figures cannot leak from here
(community scorecards, for members and the Secretariat, are in `index_scorecards`).
"""

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..index_engine import Coverage, Indicator, Methodology, Node, localized
from ..models import Country, MethodologyVersion, PortCommunity, ScoreRun, StoredRank, StoredScore
from . import methodologies

PILLAR = "pillar"
Localize = Callable[[Mapping[str, str]], str]  # {locale: text} -> the text in the reader's language

DIRECTIONS = {
    "higher_better": _l("Higher is better"),
    "lower_better": _l("Lower is better"),
    "target_band": _l("Best inside a target band"),
}
AGGREGATIONS = {"arithmetic": _l("Weighted arithmetic mean"), "geometric": _l("Weighted geometric mean")}
TRANSFORMS = {"none": _l("None"), "log": _l("Natural logarithm")}
VALUE_TYPES = {
    "number": _l("Number"),
    "percentage": _l("Percentage"),
    "rubric": _l("Rubric level"),
    "boolean": _l("Yes (1) or no (0)"),
}


@dataclass(frozen=True)
class Edition:
    """One methodology version × period with published results: what a results page shows."""

    version: str
    title: str
    period: str
    run_id: int
    computed_at: datetime


@dataclass(frozen=True)
class PillarHeading:
    """A pillar of the version: its code and name in the reader's language."""

    code: str
    name: str


@dataclass(frozen=True, slots=True)
class RankingRow:
    """A community's line in the ranking: composite, rank with its 5–95 % interval, pillar scores."""

    community_id: int
    name: str
    slug: str
    country: str
    composite: float | None
    rank: int | None
    median_rank: float | None
    rank_low: int | None
    rank_high: int | None
    status: str
    pillars: tuple[float | None, ...]  # in the order of Ranking.pillars


@dataclass(frozen=True)
class Ranking:
    """The ranking of one edition; rows ranked first (best first), then those not computed."""

    edition: Edition
    title: str  # the methodology's name in the reader's language
    checksum: str
    draws: int
    pillars: tuple[PillarHeading, ...]
    rows: tuple[RankingRow, ...]
    ranked: int  # how many communities have a rank: the scale of the rank-interval bars

    def position(self, rank: float) -> float:
        """Where a rank sits on a 0–100 scale from the best (0) to the last rank (100)."""
        return 0.0 if self.ranked <= 1 else round(100 * (rank - 1) / (self.ranked - 1), 2)


@dataclass(frozen=True, slots=True)
class Bar:
    """One community's bar in a pillar chart."""

    name: str
    slug: str
    score: float


@dataclass(frozen=True)
class PillarChart:
    """One pillar's scores, best first; communities whose pillar was not computed are listed apart."""

    code: str
    name: str
    bars: tuple[Bar, ...]
    not_computed: tuple[str, ...]


def current_run_ids() -> sa.Select:
    """Subquery: the id of the current run of each methodology version (its newest, as in index_results)."""
    return sa.select(sa.func.max(ScoreRun.id)).group_by(ScoreRun.methodology_version_id)


def published_editions() -> list[Edition]:
    """Every version × period that has a current run, newest period first (then newest run)."""
    rows = db.session.execute(
        sa.select(
            MethodologyVersion.version,
            MethodologyVersion.title,
            ScoreRun.id,
            ScoreRun.created_at,
            ScoreRun.periods,
        )
        .join(MethodologyVersion, MethodologyVersion.id == ScoreRun.methodology_version_id)
        .where(ScoreRun.id.in_(current_run_ids()))
    )
    editions = [
        Edition(version, title, period, run_id, created_at)
        for version, title, run_id, created_at, periods in rows
        for period in periods or ()
    ]
    return sorted(editions, key=lambda e: (e.period, e.run_id), reverse=True)


def communities_changed_at() -> datetime | None:
    """When any community last changed: with the run, it says whether a cached results page is still true."""
    return db.session.scalar(sa.select(sa.func.max(PortCommunity.updated_at)))


def current_run(version: str) -> tuple[ScoreRun, MethodologyVersion] | None:
    """The current (newest) run of a methodology version with the version's row, in one query."""
    row = db.session.execute(
        sa.select(ScoreRun, MethodologyVersion)
        .join(MethodologyVersion, MethodologyVersion.id == ScoreRun.methodology_version_id)
        .where(MethodologyVersion.version == version)
        .order_by(ScoreRun.id.desc())
        .limit(1)
    ).first()
    return (row[0], row[1]) if row is not None else None


def edition_of(run: ScoreRun, version: MethodologyVersion, period: str) -> Edition | None:
    """The edition of a run for a period, or None when the run did not publish that period."""
    if period not in (run.periods or ()):
        return None
    return Edition(version.version, version.title, period, run.id, run.created_at)


def pillar_headings(methodology: Methodology, locale: str) -> tuple[PillarHeading, ...]:
    """The version's pillars with their names in `locale`."""
    return tuple(
        PillarHeading(pillar.code, localized(pillar.name, locale, methodology.locales))
        for pillar in methodology.pillars
    )


@lru_cache(maxsize=512)
def country_name(alpha2: str, locale: str) -> str:
    """A country's name in `locale` (cached: the ranking names the same few countries again and again)."""
    return Country(alpha2=alpha2).name_in(locale)


def _pillar_scores(run_id: int, period: str) -> dict[int, dict[str, float | None]]:
    rows = db.session.execute(
        sa.select(StoredScore.community_id, StoredScore.code, StoredScore.score).where(
            StoredScore.run_id == run_id, StoredScore.period == period, StoredScore.kind == PILLAR
        )
    )
    scores: dict[int, dict[str, float | None]] = {}
    for community_id, code, score in rows:
        scores.setdefault(community_id, {})[code] = score
    return scores


def _rank_rows(
    run_id: int, period: str, locale: str, pillars: Mapping[int, Mapping], codes: list[str]
) -> Iterator[RankingRow]:
    rows = db.session.execute(
        sa.select(
            StoredRank.community_id,
            PortCommunity.name,
            PortCommunity.slug,
            Country.alpha2,
            StoredRank.composite,
            StoredRank.rank,
            StoredRank.median_rank,
            StoredRank.rank_low,
            StoredRank.rank_high,
            StoredRank.status,
        )
        .join(PortCommunity, PortCommunity.id == StoredRank.community_id)
        .join(Country, Country.id == PortCommunity.country_id)
        .where(StoredRank.run_id == run_id, StoredRank.period == period)
    )
    for community_id, name, slug, alpha2, *numbers, status in rows:
        by_code = pillars.get(community_id, {})
        pillar_scores = tuple(by_code.get(code) for code in codes)
        yield RankingRow(
            community_id, name, slug, country_name(alpha2, locale), *numbers, status, pillar_scores
        )


def ranking(version: str, period: str, locale: str) -> Ranking | None:
    """The published ranking of an edition in three queries, or None when it was not published."""
    found = current_run(version)
    edition = edition_of(*found, period) if found else None
    if edition is None:
        return None
    run, version_row = found
    methodology = methodologies.load_engine_methodology(version_row)
    headings = pillar_headings(methodology, locale)
    scores = _pillar_scores(run.id, period)
    rows = _rank_rows(run.id, period, locale, scores, [heading.code for heading in headings])
    ordered = sorted(rows, key=lambda row: (row.rank is None, row.rank or 0, row.name.casefold()))
    ranked = sum(row.rank is not None for row in ordered)
    title = localized(methodology.name, locale, methodology.locales)
    return Ranking(edition, title, version_row.checksum, run.draws, headings, tuple(ordered), ranked)


def pillar_charts(ranking: Ranking) -> list[PillarChart]:
    """Per pillar, the communities' scores sorted best first (from the ranking: no further query)."""
    charts = []
    for position, heading in enumerate(ranking.pillars):
        scored = [(row.pillars[position], row) for row in ranking.rows]
        bars = sorted(
            (Bar(row.name, row.slug, score) for score, row in scored if score is not None),
            key=lambda bar: (-bar.score, bar.name.casefold()),
        )
        missing = tuple(row.name for score, row in scored if score is None)
        charts.append(PillarChart(heading.code, heading.name, tuple(bars), missing))
    return charts


# --- The methodology page ------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorPage:
    """Everything the methodology says about one indicator, in words for the reader."""

    code: str
    name: str
    definition: str
    unit: str
    value_type: str
    direction: str
    goalposts: tuple[float, float]
    band: tuple[float, float] | None
    transform: str
    weight: float
    share: float  # the weight as a share of its siblings'
    confidential: bool
    rubric: tuple[tuple[str, str], ...]  # (level, meaning)


@dataclass(frozen=True)
class NodePage:
    """A pillar or sub-pillar: its rule and its children (nodes or indicators)."""

    code: str
    name: str
    description: str
    weight: float
    share: float
    aggregation: str
    coverage: str
    geometric_floor: float | None
    children: tuple["NodePage | IndicatorPage", ...]


@dataclass(frozen=True)
class MethodologyPage:
    """A methodology version as a readable tree, generated from its stored document."""

    version: str
    title: str
    description: str
    checksum: str
    frozen: bool
    frozen_at: datetime | None
    aggregation: str
    coverage: str
    geometric_floor: float | None
    pillars: tuple[NodePage, ...]
    indicator_count: int


def _coverage_text(coverage: Coverage) -> str:
    share = f"{coverage.min_share * 100:g}"
    if coverage.basis.value == "count":
        return _("computed when at least %(share)s %% of its components have a score", share=share)
    return _(
        "computed when the components with a score carry at least %(share)s %% of its weight", share=share
    )


def _transform_text(indicator: Indicator) -> str:
    transform = indicator.transform
    if transform.kind.value == "cap":
        return _("Capped at %(at)s", at=f"{transform.at:g}")
    return str(TRANSFORMS[transform.kind.value])


def _indicator_page(indicator: Indicator, share: float, text: Localize) -> IndicatorPage:
    rubric = tuple((str(level), text(meaning)) for level, meaning in indicator.rubric.items())
    band = indicator.band
    return IndicatorPage(
        code=indicator.code,
        name=text(indicator.name),
        definition=text(indicator.definition),
        unit=indicator.unit,
        value_type=str(VALUE_TYPES[indicator.value_type.value]),
        direction=str(DIRECTIONS[indicator.direction.value]),
        goalposts=(indicator.goalposts.lower, indicator.goalposts.upper),
        band=(band.lower, band.upper) if band else None,
        transform=_transform_text(indicator),
        weight=indicator.weight,
        share=share,
        confidential=indicator.confidential,
        rubric=rubric,
    )


def _children(node: Node, text: Localize) -> tuple["NodePage | IndicatorPage", ...]:
    total = sum(child.weight for child in node.children) or 1.0
    return tuple(
        _node_page(child, child.weight / total, text)
        if isinstance(child, Node)
        else _indicator_page(child, child.weight / total, text)
        for child in node.children
    )


def _rule(node: Node) -> dict[str, Any]:
    """How a node combines its children, in words: the aggregation, the coverage rule and any floor."""
    geometric = node.aggregation.value == "geometric"
    return {
        "aggregation": str(AGGREGATIONS[node.aggregation.value]),
        "coverage": _coverage_text(node.coverage),
        "geometric_floor": node.geometric_floor if geometric else None,
    }


def _node_page(node: Node, share: float, text: Localize) -> NodePage:
    return NodePage(
        code=node.code,
        name=text(node.name),
        description=text(node.description),
        weight=node.weight,
        share=share,
        children=_children(node, text),
        **_rule(node),
    )


def _is_public(version: MethodologyVersion) -> bool:
    """A frozen version, or one with published results; drafts stay with the Secretariat."""
    if version.is_frozen:
        return True
    return db.session.scalar(sa.select(sa.exists().where(ScoreRun.methodology_version_id == version.id)))


def methodology_page(version: str, locale: str, *, drafts: bool = False) -> MethodologyPage | None:
    """The methodology of a published or frozen version as a tree (drafts too with `drafts`), else None."""
    row = methodologies.find(version)
    if row is None or not (drafts or _is_public(row)):
        return None
    methodology = methodologies.load_engine_methodology(row)

    def text(value: Mapping[str, str]) -> str:
        return localized(value, locale, methodology.locales)

    return MethodologyPage(
        version=row.version,
        title=text(methodology.name),
        description=text(methodology.description),
        checksum=row.checksum,
        frozen=row.is_frozen,
        frozen_at=row.frozen_at,
        pillars=_children(methodology.root, text),  # type: ignore[arg-type] - the root's children are pillars
        indicator_count=len(methodology.indicators),
        **_rule(methodology.root),
    )
