"""Public community pages, requests to join, invitations and member management."""

from flask import Blueprint

from ...labels import label

bp = Blueprint("communities", __name__)


@bp.context_processor
def _template_helpers() -> dict:
    """Community templates show translated enum labels (`label(value)`)."""
    return {"label": label}


from . import invitations, manage, routes  # noqa: E402,F401 - registers the views on bp
