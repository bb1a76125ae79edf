"""Fixtures of the KPI tests: a small district without transport, with one measure."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import SMALL_BASELINE, TEST_DATA

SMALL_LIGHT = """\
[scenario]
extends = "baseline.toml"
name = "small_light"

[measures.reno]
type = "envelope_renovation"
start_year = 2016
ramp = { value = 100, unit = "%", by_year = 2016, assumption = true, reason = "test" }
filter = { use = ["apartment_block"] }
u_wall_w_m2k = { value = 0.18, unit = "W/(m2 K)", assumption = true, reason = "test" }
u_window_w_m2k = { value = 1.2, unit = "W/(m2 K)", assumption = true, reason = "test" }
investment = { value = 2000, unit = "DKK/m2", assumption = true, reason = "test" }
lifetime_years = 40

[measures.feedback]
type = "smart_meter_feedback"
start_year = 2015
ramp = { value = 50, unit = "%/a", assumption = true, reason = "test" }
heat_saving_share = { value = 3, unit = "%", assumption = true, reason = "test" }
electricity_saving_share = { value = 3, unit = "%", assumption = true, reason = "test" }
investment = { value = 10, unit = "DKK/m2", assumption = true, reason = "test" }
lifetime_years = 10
"""


def write_small_district(folder: Path) -> tuple[Path, Path]:
    """``baseline.toml`` (scenario 'small', no transport, no measures) and ``light.toml`` extending it."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(TEST_DATA / "buildings_small.csv", folder / "buildings.csv")
    base = folder / "baseline.toml"
    base.write_text(SMALL_BASELINE, encoding="utf-8")
    light = folder / "light.toml"
    light.write_text(SMALL_LIGHT, encoding="utf-8")
    return base, light


@pytest.fixture(scope="session")
def small_district(tmp_path_factory) -> tuple[Path, Path]:
    return write_small_district(tmp_path_factory.mktemp("small_district"))


@pytest.fixture(scope="session")
def small_run(small_district):
    """Results of the small district: 'small' (no measures) and 'small_light' (two measures), 2015-2017."""
    from smartcity.run import run_scenarios

    return run_scenarios(list(small_district), command="test")
