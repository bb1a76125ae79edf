"""Benchmarks of the change-point baselines of measurement and verification.

Run with ``pytest benchmarks/bench_monitoring.py --benchmark-only``. Each benchmark
stores ``meter_years`` in ``extra_info`` (one meter-year: 365 daily values of one meter);
meter-years per second is that number divided by the mean time in the JSON report.

- ``test_baseline_fit_one_thread``: :func:`smartcity.monitoring.baseline.fit_daily` on
  1,000 seeded synthetic meters (200 with ``SMARTCITY_BENCH_QUICK=1``) and one weather
  station, warm, on one numba thread (target: at least 100 meter-years per second), with
  the default grids (29 heating and 33 cooling balance points).
- ``test_baseline_numpy_reference``: the plain numpy reference of the tests on a few
  meters of the same kind, as an in-run baseline (compare as a ratio).
- ``test_monitor_command``: the whole ``smartcity monitor`` command, in the process, on
  1,000 realistic daily district-heating meters x 3 years (200 with
  ``SMARTCITY_BENCH_QUICK=1``; :func:`smartcity.monitoring.realistic.realistic_meters`,
  1.07 million readings, a measure in 2017): reading the meter file, weather and map,
  the checks, one baseline fit per meter and one reporting fit per meter and year,
  progress against the default lighthouse run and the written report folder (tables,
  figures, page). Target: at least 1,000 meter-years per second. The results file of the
  default run is made once in the setup, and the command runs once before the timing
  (numba cache, imports).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numba
import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from smartcity.monitoring import baseline as bl  # noqa: E402
from tests.monitoring.reference_baseline import (  # noqa: E402
    random_meters,
    reference_degree_days,
    reference_fit,
    seasonal_temperature,
)

QUICK = os.environ.get("SMARTCITY_BENCH_QUICK") == "1"
N_METERS = 200 if QUICK else 1000
YEARS = (2016, 2017, 2018)
N_METERS_REFERENCE = 3 if QUICK else 8
SEED = 20140623


@pytest.fixture(scope="module")
def meters():
    rng = np.random.default_rng(SEED)
    temperature = seasonal_temperature(rng, mean=12.0, amplitude=11.0)
    use, _ = random_meters(rng, temperature, N_METERS)
    return use, temperature


def _record(benchmark, n_meters, threads):
    benchmark.extra_info["meter_years"] = n_meters
    benchmark.extra_info["n_meters"] = n_meters
    benchmark.extra_info["n_days"] = 365
    benchmark.extra_info["threads"] = threads


def test_baseline_fit_one_thread(benchmark, meters):
    use, temperature = meters
    bl.fit_daily(use[:2], temperature)  # compile or load from the cache before timing
    previous = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        fit = benchmark(bl.fit_daily, use, temperature)
    finally:
        numba.set_num_threads(previous)
    _record(benchmark, N_METERS, 1)
    assert len(fit) == N_METERS


def test_baseline_numpy_reference(benchmark, meters):
    use, temperature = meters
    heating, cooling = bl.DEFAULT_HEATING_BALANCE_POINTS, bl.DEFAULT_COOLING_BALANCE_POINTS

    def fit_all():
        hdd = reference_degree_days(temperature, heating)
        cdd = reference_degree_days(temperature, cooling, heating=False)
        return [reference_fit(u, 1.0, hdd, cdd, heating, cooling)
                for u in use[:N_METERS_REFERENCE]]

    fits = benchmark.pedantic(fit_all, rounds=2, iterations=1)
    _record(benchmark, N_METERS_REFERENCE, 1)
    assert len(fits) == N_METERS_REFERENCE


@pytest.fixture(scope="module")
def monitor_files(tmp_path_factory):
    """The default run's results file and the meter, map and weather files of the command."""
    from smartcity.monitoring.realistic import realistic_meters
    from smartcity.results import write_netcdf
    from smartcity.run import default_scenarios, run_scenarios

    folder = tmp_path_factory.mktemp("monitor")
    write_netcdf(run_scenarios(default_scenarios()), folder / "results.nc")
    data = realistic_meters(N_METERS, seed=SEED, years=YEARS, building_id="kildeparken_fyrkildevej_ab")
    data.meters.to_csv(folder / "meters.csv", index=False)
    data.meter_map.to_csv(folder / "meter_map.csv", index=False)
    data.weather.to_csv(folder / "weather.csv", index=False)
    return folder


def test_monitor_command(benchmark, monitor_files):
    from smartcity.cli import main

    folder = monitor_files
    argv = ["monitor", str(folder / "results.nc"), "--meters", str(folder / "meters.csv"), "--map",
            str(folder / "meter_map.csv"), "--weather", str(folder / "weather.csv"), "-o", str(folder / "report"),
            "--force", "-q"]
    assert main(argv) == 0  # imports, numba cache, the operating system's file cache
    status = benchmark.pedantic(main, args=(argv,), rounds=2 if QUICK else 3, iterations=1)
    assert status == 0 and (folder / "report" / "report.html").exists()
    benchmark.extra_info["meter_years"] = N_METERS * len(YEARS)
    benchmark.extra_info["n_meters"] = N_METERS
    benchmark.extra_info["years"] = len(YEARS)
    benchmark.extra_info["readings"] = (folder / "meters.csv").read_bytes().count(b"\n") - 1
