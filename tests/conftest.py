"""Shared fixtures: paths and a small self-contained scenario folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
TEST_DATA = Path(__file__).resolve().parent / "data"

SMALL_BASELINE = """\
[scenario]
name = "small"
description = "three building rows for tests"
base_year = 2015
first_year = 2015
last_year = 2017
seed = 7

[weather]
ground_albedo = { value = 0.2, unit = "1", assumption = true, reason = "test" }

[buildings]
table = "buildings.csv"
warmup_hours = 48
"""


#: A measure of the small district whose saving carries a distribution (an uncertain input for sweeps).
FEEDBACK = """
[measures.feedback]
type = "smart_meter_feedback"
start_year = 2015
ramp = { value = 50, unit = "%/a", assumption = true, reason = "test" }
heat_saving_share = { value = 3, unit = "%", distribution = "triangular", low = 1, mode = 3, high = 5, \
assumption = true, reason = "test" }
investment = { value = 10, unit = "DKK/m2", assumption = true, reason = "test" }
lifetime_years = 10
"""


@pytest.fixture
def repo() -> Path:
    return REPO


@pytest.fixture
def small_scenario(tmp_path: Path) -> Path:
    """A folder with ``baseline.toml`` and ``buildings.csv``; returns the scenario path."""
    shutil.copy(TEST_DATA / "buildings_small.csv", tmp_path / "buildings.csv")
    path = tmp_path / "baseline.toml"
    path.write_text(SMALL_BASELINE, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def default_run():
    """Results of the shipped baseline and lighthouse scenarios (run once per session)."""
    from smartcity.run import default_scenarios, run_scenarios

    return run_scenarios(default_scenarios(), command="test")


@pytest.fixture(scope="module")
def small_results(tmp_path_factory):
    """A results file of the small district (scenarios 'small' and 'small_light') and its scenario files."""
    from smartcity.cli import main
    from tests.kpi.conftest import write_small_district

    folder = tmp_path_factory.mktemp("small_results")
    base, light = write_small_district(folder / "district")
    assert main(["run", "-q", str(base), str(light), "-o", str(folder / "out")]) == 0
    return folder / "out" / "results.nc", base, light
