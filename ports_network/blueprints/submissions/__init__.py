"""The Competitiveness Index's data collection: data calls, submissions and their review, spreadsheets,
publication of results."""

from flask import Blueprint

bp = Blueprint("submissions", __name__)

from . import calls, methodologies, publication, routes, spreadsheets  # noqa: E402,F401 - registers the views on bp
