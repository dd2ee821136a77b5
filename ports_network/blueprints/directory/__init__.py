"""Directories of members of a community and of the network."""

from flask import Blueprint

from ...labels import label

bp = Blueprint("directory", __name__)


@bp.context_processor
def _template_helpers() -> dict:
    """Directory templates show translated enum labels (`label(value)`)."""
    return {"label": label}


from . import routes  # noqa: E402,F401 - registers the views on bp
