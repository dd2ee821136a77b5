"""Action items: follow-up pages per body, community and owner; creating, changing and updating items."""

from flask import Blueprint

from ...labels import label
from ...markdown import render

bp = Blueprint("action_items", __name__)


@bp.context_processor
def _template_helpers() -> dict:
    """Action item templates show enum labels and sanitised markdown."""
    return {"label": label, "markdown": render}


from . import routes  # noqa: E402,F401 - registers the views on bp
