"""A community's scorecard: only for its members and the Secretariat, as it shows confidential raw values."""

from flask import abort, make_response, render_template, request

from ...i18n import current_locale
from ...security import authorize
from ...services import action_item_indicator, communities, index_scorecards
from . import bp


@bp.get("/communities/<slug>/scorecard")
def scorecard(slug: str):
    """Pillar profile, indicators with raw values and medians, scores over time, weakest indicators.

    `version` and `period` pick an edition (default: the community's newest); others get 404, as do
    people outside the community, so a scorecard's existence is not revealed.
    """
    community = communities.get_by_slug(slug) or abort(404)
    authorize("results.view_scorecard", community, hide=True)
    version, period = request.args.get("version"), request.args.get("period")
    card = index_scorecards.scorecard(community, current_locale(), version, period)
    if card is None and (version or period):
        abort(404)
    shares = action_item_indicator.recent_shares(community)  # computed live, not from the stored run
    page = render_template("results/scorecard.html", community=community, card=card, shares=shares)
    response = make_response(page)
    response.cache_control.private = True
    response.cache_control.no_store = True  # confidential figures stay out of every cache
    return response
