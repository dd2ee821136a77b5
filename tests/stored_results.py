"""Stored index results for fast tests: score given values and store them as a run, skipping the data cycle.

`services.index_results.compute_run` scores published submissions; this helper feeds the same engine
and the same storing code with values made up on the spot, so read-side tests can build any situation
(values, periods, peer groups) without data calls and submissions. Its fixtures (`version`, `communities`,
`run`) are registered for every test by the root conftest.
"""

from collections.abc import Mapping

import pandas as pd
import pytest

from ports_network.extensions import db
from ports_network.models import MethodologyVersion, PeerGroup, PortCommunity, ScoreRun
from ports_network.services import index_results, methodologies

from . import factories

Values = Mapping[tuple[PortCommunity, str], Mapping[str, float | None]]


def indicator_values(version: MethodologyVersion, quality: float) -> dict[str, float]:
    """A value for every indicator of the version: quality 0 sits on the worst goalpost, 1 on the best."""
    methodology = methodologies.load_engine_methodology(version)
    values = {}
    for indicator in methodology.indicators:
        low, high = indicator.goalposts.lower, indicator.goalposts.upper
        share = quality if indicator.direction != "lower_better" else 1 - quality
        value = low + share * (high - low)
        if indicator.band is not None:  # target band: quality 1 is the middle of the band
            middle = (indicator.band.lower + indicator.band.upper) / 2
            value = low + quality * (middle - low)
        if indicator.value_type in ("rubric", "boolean"):
            value = float(round(value))
        values[indicator.code] = round(value, 4)
    return values


def peer_group(code: str, communities: list[PortCommunity]) -> PeerGroup:
    """A stored peer group of these communities."""
    group = PeerGroup(code=code, name={"en": f"Group {code}", "es": f"Grupo {code}"}, communities=communities)
    db.session.add(group)
    db.session.commit()
    return group


def _long_table(values: Values) -> pd.DataFrame:
    rows = [
        (community.id, period, code, value)
        for (community, period), by_code in values.items()
        for code, value in by_code.items()
    ]
    return pd.DataFrame(rows, columns=["community", "period", "indicator", "value"])


def store_run(version: MethodologyVersion, values: Values, *, draws: int = 20, seed: int = 7) -> ScoreRun:
    """Score `values` ((community, period) -> {indicator code: value}) and store them as a new run."""
    methodology = methodologies.load_engine_methodology(version)
    results, uncertainty = index_results.score_runs(methodology, _long_table(values), draws=draws, seed=seed)
    periods = sorted({period for _community, period in values})
    run = ScoreRun(
        methodology_version_id=version.id, reason="publish", draws=draws, seed=seed, periods=periods
    )
    db.session.add(run)
    db.session.flush()
    index_results.store_results(run, results, uncertainty)
    db.session.commit()
    return run


SECRET = 98765.4321  # a confidential raw value distinctive enough to search for in any response
SECRET_CODE = "waiting_time"  # confidential in the default methodology


def example_run(
    version: MethodologyVersion, communities: list[PortCommunity], periods: tuple[str, ...] = ("2023", "2024")
) -> ScoreRun:
    """A run where the first community is best and each next one worse, improving a little every period;
    the first community's confidential waiting time in the last period is SECRET."""
    values: dict = {}
    for position, community in enumerate(communities):
        for step, period in enumerate(periods):
            quality = min(1.0, 0.9 - 0.8 * position / max(len(communities), 2) + 0.02 * step)
            values[(community, period)] = indicator_values(version, quality)
    values[(communities[0], periods[-1])][SECRET_CODE] = SECRET
    return store_run(version, values)


@pytest.fixture
def version() -> MethodologyVersion:
    """The shipped default methodology version (2.0, frozen)."""
    return factories.default_methodology()


@pytest.fixture
def communities(community, other_community) -> list[PortCommunity]:
    """Three communities in the order of example_run: best (the personas' own) to worst."""
    return [
        community,
        other_community,
        factories.CommunityFactory(name="Cartagena community", slug="cartagena"),
    ]


@pytest.fixture
def run(version, communities) -> ScoreRun:
    """The example run of the three communities for 2023 and 2024."""
    return example_run(version, communities)
