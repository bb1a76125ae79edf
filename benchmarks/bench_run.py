"""End-to-end benchmarks of the default run (Aalborg East baseline + lighthouse, all years).

DESIGN target: under 10 s warm on 2 cores. Measured here without writing files (the
writing is benchmarked separately) and, as a planner feels it, as a fresh process with an
empty compilation cache.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from smartcity.results import write_netcdf
from smartcity.run import default_scenarios, load_inputs, run_scenarios

QUICK = os.environ.get("SMARTCITY_BENCH_QUICK") == "1"


@pytest.fixture(scope="module")
def inputs():
    loaded = load_inputs(default_scenarios())
    run_scenarios([], inputs=loaded, command="benchmark")  # compile and warm caches
    return loaded


def test_default_run_warm(benchmark, inputs):
    """Simulation and Dataset assembly of the default scenarios, inputs already loaded."""
    n_rows = sum(len(i.buildings) for i in inputs)
    n_years = sum(len(i.resolved.model.years) for i in inputs)
    ds = benchmark(run_scenarios, [], inputs=inputs, command="benchmark")
    benchmark.extra_info["building_rows"] = n_rows
    benchmark.extra_info["scenario_years"] = n_years
    assert float(ds["space_heating_need"].sum()) > 0


def test_default_run_load_and_simulate(benchmark, inputs):
    """Loading and checking every input, then simulating (what `smartcity run` does before writing)."""
    benchmark(run_scenarios, default_scenarios(), command="benchmark")


def test_write_results(benchmark, inputs, tmp_path):
    ds = run_scenarios([], inputs=inputs, command="benchmark")
    counter = iter(range(10**6))
    benchmark(lambda: write_netcdf(ds, tmp_path / f"r{next(counter)}.nc"))


@pytest.mark.skipif(QUICK, reason="a cold start compiles the kernels: minutes of CI time for one number")
def test_default_run_cold_process(benchmark):
    """`smartcity run` in a new process with an empty numba cache: imports, compilation, run, write."""
    repo = Path(__file__).resolve().parents[1]

    def cold():
        with tempfile.TemporaryDirectory() as tmp:
            env = dict(os.environ, NUMBA_CACHE_DIR=str(Path(tmp) / "numba"))
            subprocess.run([sys.executable, "-m", "smartcity", "run", "-q", "-o", str(Path(tmp) / "out")],
                           check=True, env=env, cwd=repo)

    benchmark.pedantic(cold, rounds=1, iterations=1)
