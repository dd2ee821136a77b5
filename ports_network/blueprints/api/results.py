"""Public API views of the index: published editions, an edition's ranking, a methodology version.

Everything here is public, like the results pages: composite and pillar scores and rank intervals,
never a raw value, so confidential figures cannot leak (they stay in the members' scorecards).
"""

from flask import abort, jsonify

from ...i18n import current_locale
from ...security import requires
from ...services import index_public, methodologies
from ...services.index_public import Edition, Ranking
from . import bp
from .serialize import when


def _edition(edition: Edition) -> dict:
    return {
        "version": edition.version,
        "title": edition.title,
        "period": edition.period,
        "run_id": edition.run_id,
        "computed_at": when(edition.computed_at),
    }


def _ranking(ranking: Ranking) -> dict:
    codes = [pillar.code for pillar in ranking.pillars]
    return {
        **_edition(ranking.edition),
        "methodology_checksum": ranking.checksum,
        "draws": ranking.draws,
        "pillars": [{"code": pillar.code, "name": pillar.name} for pillar in ranking.pillars],
        "rows": [
            {
                "community": {"id": row.community_id, "name": row.name, "slug": row.slug},
                "country": row.country,
                "composite": row.composite,
                "rank": row.rank,
                "median_rank": row.median_rank,
                "rank_interval": [row.rank_low, row.rank_high],
                "status": row.status,
                "pillars": dict(zip(codes, row.pillars, strict=True)),
            }
            for row in ranking.rows
        ],
    }


@bp.get("/results")
@requires("results.view")
def result_list():
    """The published editions (methodology version × period), newest period first."""
    return jsonify(editions=[_edition(edition) for edition in index_public.published_editions()])


@bp.get("/results/<version>/<period>")
@requires("results.view")
def result(version: str, period: str):
    """An edition's ranking: composite, rank with its 5–95 % interval, and pillar scores per community."""
    ranking = index_public.ranking(version, period, current_locale()) or abort(404)
    return jsonify(_ranking(ranking))


@bp.get("/methodologies/<version>")
@requires("results.view")
def methodology(version: str):
    """A frozen (or published) methodology version's document, as the engine reads it."""
    page = index_public.methodology_page(version, current_locale()) or abort(404)
    row = methodologies.find(page.version) or abort(404)
    return jsonify(
        version=row.version,
        title=row.title,
        status=row.status.value,
        frozen_at=when(row.frozen_at),
        checksum=row.checksum,
        document=methodologies.export_methodology(row),
    )
