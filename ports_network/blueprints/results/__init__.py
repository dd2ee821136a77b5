"""Results of the Competitiveness Index: public ranking, methodology, downloads, community scorecards."""

from flask import Blueprint

from .formatting import number_text, score_text, sparkline_points

bp = Blueprint("results", __name__)
bp.add_app_template_filter(score_text, "index_score")
bp.add_app_template_filter(number_text, "index_number")
bp.add_app_template_global(sparkline_points, "sparkline_points")

from . import routes, scorecard  # noqa: E402,F401 - registers the views on bp
