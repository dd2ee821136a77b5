"""Minutes of governance sessions: the draft and its versions, amendments, approval, the locked document."""

from flask import Blueprint

from ...labels import label
from ...markdown import render
from ..committees import local_time

bp = Blueprint("minutes", __name__)


@bp.context_processor
def _template_helpers() -> dict:
    """Minutes templates show enum labels, local times and sanitised markdown."""
    return {"label": label, "local_time": local_time, "markdown": render}


from . import amendments, routes  # noqa: E402,F401 - registers the views on bp
