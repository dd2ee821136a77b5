"""Governance bodies: their pages, seats, sessions with the board pack and calendar invitation, the agenda."""

from datetime import datetime

from flask import Blueprint
from flask_babel import format_date, format_time

from ...labels import label
from ...markdown import render
from ...services import time_zones

bp = Blueprint("committees", __name__)


def local_time(moment: datetime, zone_name: str) -> str:
    """A moment as wall-clock date and time in a zone, in the active locale ("Mar 10, 2026, 10:00 AM")."""
    local = time_zones.in_zone(moment, zone_name).replace(tzinfo=None)
    # Babel would convert to the platform's zone (UTC): the wall-clock time is formatted without rebasing.
    return f"{format_date(local.date(), 'medium')}, {format_time(local, 'short', rebase=False)}"


@bp.context_processor
def _template_helpers() -> dict:
    """Committee templates show enum labels, local times and sanitised markdown."""
    return {"label": label, "local_time": local_time, "markdown": render}


from . import agenda, live, motions, routes, sessions, votes  # noqa: E402,F401 - registers the views on bp
