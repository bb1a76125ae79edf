"""Benchmarks of the ISO 13790 5R1C thermal model.

Run with ``pytest benchmarks/bench_thermal.py --benchmark-only``. Each benchmark stores
``building_hours`` in ``extra_info``; building-hours per second is that number divided
by the mean (or min) time in the JSON report (``--benchmark-json``).

- ``test_kernel_one_thread``: the warm kernel on one numba thread (target: at least
  60 million building-hours per second), on stocks with every term a buildings table
  gives (window blocks by glazing, sun on walls and roof, radiation to the sky, the
  floor's ground).
- ``test_kernel_all_threads``: the same on all numba threads.
- ``test_numpy_reference``: the plain numpy reference of the tests, on a smaller stock,
  as an in-run baseline (compare as a ratio; machines are noisy).
- ``test_first_call_compile``: a fresh interpreter with an empty numba cache, importing
  the package and compiling the kernel, as a planner's first run feels it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numba
import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from smartcity.energy.thermal import simulate_5r1c  # noqa: E402
from tests.energy.reference_5r1c import random_stock, reference_5r1c  # noqa: E402

QUICK = os.environ.get("SMARTCITY_BENCH_QUICK") == "1"
N_BUILDINGS = 500 if QUICK else 2000
N_HOURS = 8760
N_BUILDINGS_REFERENCE = 100 if QUICK else 200
SEED = 20140623


def _as_from_a_table(stock):
    """The random stock's walls as a buildings table gives them: split equally between the four
    orientations, so one aperture on the mean irradiance of the four walls' planes (see
    smartcity.energy.thermal.thermal_inputs_from_table), and the roof."""
    irradiance, aperture = stock["opaque_irradiance"], stock["opaque_aperture"]
    return {**stock,
            "opaque_irradiance": np.ascontiguousarray(np.column_stack([irradiance[:, :4].mean(axis=1),
                                                                       irradiance[:, 4]])),
            "opaque_aperture": np.ascontiguousarray(np.column_stack([aperture[:, :4].sum(axis=1), aperture[:, 4]]))}


@pytest.fixture(scope="module")
def stock():
    # the terms a buildings table has: windows by glazing, walls and roof, sky, ground
    return _as_from_a_table(random_stock(N_BUILDINGS, N_HOURS, SEED, envelope=True))


def _record(benchmark, n_buildings, n_hours, threads):
    benchmark.extra_info["building_hours"] = n_buildings * n_hours
    benchmark.extra_info["n_buildings"] = n_buildings
    benchmark.extra_info["n_hours"] = n_hours
    benchmark.extra_info["threads"] = threads


def test_kernel_one_thread(benchmark, stock):
    simulate_5r1c(**stock)  # compile or load from the cache before timing
    previous = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        result = benchmark(simulate_5r1c, **stock)
    finally:
        numba.set_num_threads(previous)
    _record(benchmark, N_BUILDINGS, N_HOURS, 1)
    assert result.heating_wh.shape == (N_BUILDINGS,)


def test_kernel_all_threads(benchmark, stock):
    simulate_5r1c(**stock)
    result = benchmark(simulate_5r1c, **stock)
    _record(benchmark, N_BUILDINGS, N_HOURS, numba.get_num_threads())
    assert result.heating_wh.shape == (N_BUILDINGS,)


def test_numpy_reference(benchmark):
    small = _as_from_a_table(random_stock(N_BUILDINGS_REFERENCE, N_HOURS, SEED, envelope=True))
    result = benchmark.pedantic(lambda: reference_5r1c(**small), rounds=2, iterations=1)
    _record(benchmark, N_BUILDINGS_REFERENCE, N_HOURS, 1)
    assert result["heating_wh"].shape == (N_BUILDINGS_REFERENCE,)


_COLD_START = """
import json, time
t0 = time.perf_counter()
from smartcity.energy import thermal
t1 = time.perf_counter()
thermal.warmup()
t2 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "compile_s": t2 - t1}))
"""


def test_first_call_compile(benchmark):
    timings = {}

    def cold_start():
        with tempfile.TemporaryDirectory() as cache:
            env = dict(os.environ, NUMBA_CACHE_DIR=cache)
            done = subprocess.run(
                [sys.executable, "-c", _COLD_START],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
        timings.update(json.loads(done.stdout.strip().splitlines()[-1]))

    benchmark.pedantic(cold_start, rounds=1, iterations=1)
    benchmark.extra_info.update(timings)
    assert timings["compile_s"] > 0.0
