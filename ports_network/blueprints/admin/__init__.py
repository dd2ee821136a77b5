"""The Technical Secretariat's administration of the network."""

from flask import Blueprint

from ...labels import label

bp = Blueprint("admin", __name__)


@bp.context_processor
def _template_helpers() -> dict:
    """Administration templates show translated enum labels (`label(value)`)."""
    return {"label": label}


from . import peer_groups, routes, screens  # noqa: E402,F401 - registers the views on bp
