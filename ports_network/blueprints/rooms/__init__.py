"""Discussion rooms: HTTP pages (work without JavaScript) and the Socket.IO events for live chat."""

from flask import Blueprint

from ...markdown import render

bp = Blueprint("rooms", __name__)
bp.add_app_template_filter(render, "markdown")

from . import routes  # noqa: E402,F401 - registers the views on bp
