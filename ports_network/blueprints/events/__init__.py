"""Events: the public calendar and event pages, the iCalendar feed, participation statistics; organising
events and their programme; registering; the organisers' list of registrations and attendance."""

from datetime import datetime

from flask import Blueprint
from flask_babel import format_date, format_time

from ...labels import label
from ...markdown import render
from ...models import Event
from ...services import time_zones
from ..committees import local_time

bp = Blueprint("events", __name__)


ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
         (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))  # fmt: skip


def roman(number: int) -> str:
    """An edition number as the network writes it (8 -> VIII)."""
    digits = []
    for value, letters in ROMAN:
        count, number = divmod(number, value)
        digits.append(letters * count)
    return "".join(digits)


@bp.app_template_global()
def event_day(event: Event) -> str:
    """The day an event starts, where it takes place (the portal's home page lists the next events)."""
    return format_date(time_zones.in_zone(event.starts_at, event.time_zone).date(), "medium")


def local_clock(moment: datetime, zone_name: str) -> str:
    """Only the wall-clock time of a moment in a zone (the end of a session on the day it started)."""
    return format_time(time_zones.in_zone(moment, zone_name).replace(tzinfo=None), "short", rebase=False)


@bp.context_processor
def _template_helpers() -> dict:
    """Event templates show enum labels, local times, edition numbers and sanitised markdown."""
    return {
        "label": label,
        "local_time": local_time,
        "local_clock": local_clock,
        "markdown": render,
        "roman": roman,
    }


from . import manage, programme, registrations, routes  # noqa: E402,F401 - registers the views on bp
