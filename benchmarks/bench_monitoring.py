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
