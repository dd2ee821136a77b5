"""Session times: the zones offered and wall-clock time to UTC, across clock changes."""

from datetime import UTC, datetime

import pytest

from ports_network.services import time_zones


def test_the_choices_are_the_americas_and_utc():
    names = time_zones.zone_names()
    assert names[0] == "UTC"
    assert {"America/Lima", "America/Caracas", "America/Sao_Paulo", "America/Mexico_City"} <= set(names)
    assert all(name == "UTC" or name.startswith("America/") for name in names)
    assert not time_zones.is_known("Europe/Madrid")


def test_wall_clock_time_becomes_utc():
    assert time_zones.to_utc(datetime(2026, 3, 10, 10, 0), "America/Lima") == datetime(
        2026, 3, 10, 15, 0, tzinfo=UTC
    )


def test_a_time_the_clock_skips_is_refused():
    # Chile moves its clocks from 00:00 to 01:00 on the first Sunday of September.
    with pytest.raises(ValueError):
        time_zones.to_utc(datetime(2026, 9, 6, 0, 30), "America/Santiago")


def test_a_zone_outside_the_choices_is_refused():
    with pytest.raises(ValueError):
        time_zones.to_utc(datetime(2026, 3, 10, 10, 0), "Europe/Madrid")


def test_a_moment_is_shown_as_the_zone_wall_clock():
    moment = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
    assert time_zones.in_zone(moment, "America/Lima").strftime("%H:%M") == "10:00"
