"""Number formatting and chart geometry for the results templates (presentation only, no queries)."""

from collections.abc import Sequence
from functools import lru_cache

from babel.numbers import get_decimal_symbol
from flask_babel import format_decimal
from jinja2 import pass_context
from jinja2.runtime import Context

from ...i18n import current_locale

DASH = "—"


@lru_cache(maxsize=16)
def _decimal_symbol(locale: str) -> str:
    return get_decimal_symbol(locale)


@pass_context
def score_text(context: Context, value: float | None) -> str:
    """A 0–100 score with one decimal in the reader's notation; a dash when there is none.

    Cheaper than Babel's full formatting (and the locale comes from the template's globals), which
    matters on a page with hundreds of scores.
    """
    if value is None:
        return DASH
    locale = context.get("current_locale") or current_locale()
    return f"{value:.1f}".replace(".", _decimal_symbol(locale))


def number_text(value: float | None) -> str:
    """A raw value with grouping and up to four decimals; a dash when there is none."""
    if value is None:
        return DASH
    return format_decimal(value, format="#,##0.####")


def sparkline_points(scores: Sequence[float | None], width: float = 120, height: float = 24) -> list[str]:
    """SVG polyline point lists for 0–100 scores over evenly spaced periods, one list per unbroken stretch."""
    step = width / max(len(scores) - 1, 1)
    stretches: list[list[str]] = [[]]
    for position, score in enumerate(scores):
        if score is None:
            stretches.append([])
            continue
        y = height - 2 - (height - 4) * score / 100
        stretches[-1].append(f"{position * step:.1f},{y:.1f}")
    return [" ".join(points) for points in stretches if points]
