"""Small builders for index-engine tests: methodologies as plain data and long value tables."""

from typing import Any

import pandas as pd

from ports_network.index_engine import Methodology, load_methodology


def indicator(code: str, **fields: Any) -> dict[str, Any]:
    """A number indicator, higher better, goalposts 0–100, overridable."""
    data = {
        "code": code,
        "name": {"en": code},
        "unit": "u",
        "value_type": "number",
        "direction": "higher_better",
        "goalposts": {"lower": 0, "upper": 100},
    }
    data.update(fields)
    return data


def pillar(code: str, indicators: list[dict], **fields: Any) -> dict[str, Any]:
    """A pillar over indicators (arithmetic, coverage 0.75 by weight unless overridden)."""
    return {"code": code, "name": {"en": code}, "indicators": indicators, **fields}


def methodology(pillars: list[dict], **fields: Any) -> Methodology:
    """Load a methodology in English with these pillars."""
    return load_methodology(
        {"version": "t", "name": {"en": "Test"}, "locales": ["en"], "pillars": pillars, **fields}
    )


def values(rows: dict[tuple[Any, Any], dict[str, float]]) -> pd.DataFrame:
    """{(community, period): {indicator: value}} as the engine's long input table."""
    return pd.DataFrame(
        [
            (community, period, code, value)
            for (community, period), row in rows.items()
            for code, value in row.items()
        ],
        columns=["community", "period", "indicator", "value"],
    )
