"""The index indicator the platform computes itself: the share of a community's committee action items
closed on time in a period (`action_items_on_time` in the default methodology).

Counted: the community's items due in the period, cancelled ones left out, and of those still open only
the ones whose due date has passed (an item not yet due cannot be late). On time: done with a completion
date on or before the due date. A community with no such item has no value (nothing is imputed).
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from ..extensions import db
from ..models import ActionItem, ActionItemStatus, PortCommunity
from ..models.action_item import PENDING_STATES
from ..models.base import utcnow

CODE = "action_items_on_time"
PERIOD = re.compile(r"(\d{4})(?:-Q([1-4]))?")


def period_bounds(period: str) -> tuple[date, date]:
    """The first and last day of a data-call period ("2025" or "2025-Q2")."""
    match = PERIOD.fullmatch(period.strip())
    if match is None:
        raise ValueError(f"not a period: {period!r}")
    year, quarter = int(match.group(1)), match.group(2)
    if quarter is None:
        return date(year, 1, 1), date(year, 12, 31)
    first_month = 3 * (int(quarter) - 1) + 1
    last_month = first_month + 2
    return date(year, first_month, 1), date(year, last_month, calendar.monthrange(year, last_month)[1])


@dataclass(frozen=True)
class OnTimeShare:
    """Items counted and items closed on time in a period; `value` is the percentage (None: no item)."""

    period: str
    counted: int
    on_time: int

    @property
    def value(self) -> float | None:
        """The share closed on time, in percent, rounded to one decimal."""
        return round(100 * self.on_time / self.counted, 1) if self.counted else None


def on_time_share(community: PortCommunity, period: str, today: date | None = None) -> OnTimeShare:
    """The community's share of action items closed on time among those due in the period."""
    start, end = period_bounds(period)
    today = today or utcnow().date()
    rows = db.session.execute(
        sa.select(ActionItem.status, ActionItem.due_date, ActionItem.completed_on).where(
            ActionItem.community_id == community.id,
            ActionItem.due_date >= start,
            ActionItem.due_date <= end,
            ActionItem.status != ActionItemStatus.CANCELLED,
        )
    ).all()
    counted = on_time = 0
    for status, due, completed in rows:
        if status in PENDING_STATES and due >= today:
            continue  # not due yet: neither late nor on time
        counted += 1
        on_time += status == ActionItemStatus.DONE and completed is not None and completed <= due
    return OnTimeShare(period, counted, on_time)


def computed_values(period: str, community: PortCommunity, codes: set[str]) -> dict[str, tuple[float, str]]:
    """The values the platform computes for a submission, by indicator code: (value, explanation)."""
    if CODE not in codes:
        return {}
    share = on_time_share(community, period)
    if share.value is None:
        return {}
    explanation = _(
        "Computed by the platform: %(on_time)d of %(counted)d committee action items due in %(period)s "
        "were closed on time.",
        on_time=share.on_time,
        counted=share.counted,
        period=period,
    )
    return {CODE: (share.value, explanation)}


def recent_shares(community: PortCommunity, today: date | None = None) -> list[OnTimeShare]:
    """This year's and last year's shares, for the follow-up page and the scorecard."""
    year = (today or utcnow().date()).year
    return [on_time_share(community, str(y), today) for y in (year, year - 1)]
