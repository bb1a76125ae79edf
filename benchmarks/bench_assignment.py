"""Benchmarks of the static user-equilibrium assignment.

Run with ``pytest benchmarks/bench_assignment.py --benchmark-only`` (or through
``benchmarks/run.py``). Each benchmark stores ``link_iterations`` (links × iterations)
in ``extra_info``; link-iterations per second is that number over the mean time.

- ``test_sioux_falls_bfw``: bi-conjugate Frank-Wolfe on Sioux Falls (the TNTP files in
  ``tests/data/tntp/SiouxFalls``) to a relative gap of 1e-5.
- ``test_grid_bfw``: the same on a seeded grid (2,400 links, 400 zones) to 1e-4
  (1e-3 with ``--quick``).
- ``test_grid_fw_kernel`` and ``test_grid_fw_reference``: Frank-Wolfe for a fixed number
  of iterations with the numba kernels and with the numpy/scipy reference of the tests
  (scipy Dijkstra, paths walked back in Python), an in-run baseline for a ratio floor.
- ``test_city_all_or_nothing`` and ``test_city_fw``: one all-or-nothing loading at free-flow
  times, and five Frank-Wolfe iterations, on one thread on the seeded city network of
  ``benchmarks/city_network.py`` (865 zones, 12,965 nodes, 28,400 links, 6.6 % of the
  zone pairs with trips): the size at which the assignment's lead over AequilibraE was
  lost.
- ``test_assignment_first_call_compile``: a fresh interpreter with an empty numba cache, importing
  the package and compiling the assignment kernels.
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

from benchmarks.city_network import city_network  # noqa: E402
from smartcity.transport.assignment import all_or_nothing, assign  # noqa: E402
from smartcity.transport.network import read_tntp_network, read_tntp_trips  # noqa: E402
from tests.transport.reference_assignment import grid_network, reference_frank_wolfe  # noqa: E402

QUICK = os.environ.get("SMARTCITY_BENCH_QUICK") == "1"
SIOUX_FALLS = ROOT / "tests" / "data" / "tntp" / "SiouxFalls"
GRID_SIDE = 25  # 25 x 25 nodes, 2,400 directed links
GRID_ZONES = 400
SEED = 20130401
FW_ITERATIONS = 10
GRID_GAP = 1e-3 if QUICK else 1e-4
FW_ITERATIONS_REFERENCE = 1 if QUICK else 2


@pytest.fixture(scope="module")
def grid():
    return grid_network(GRID_SIDE, GRID_ZONES, SEED)


def _record(benchmark, network, result_iterations, **extra):
    benchmark.extra_info["link_iterations"] = network.n_links * result_iterations
    benchmark.extra_info["n_links"] = network.n_links
    benchmark.extra_info["n_zones"] = network.n_zones
    benchmark.extra_info["iterations"] = result_iterations
    benchmark.extra_info.update(extra)


def test_sioux_falls_bfw(benchmark):
    net = read_tntp_network(SIOUX_FALLS / "SiouxFalls_net.tntp")
    demand = read_tntp_trips(SIOUX_FALLS / "SiouxFalls_trips.tntp", net.n_zones)
    assign(net, demand, max_iter=5)  # compile or load from the cache before timing
    result = benchmark(assign, net, demand, algorithm="bfw", gap=1e-5)
    _record(benchmark, net, result.iterations, gap=result.gap)
    assert result.converged


def test_grid_bfw(benchmark, grid):
    net, demand = grid
    assign(net, demand, max_iter=2)
    result = benchmark.pedantic(assign, args=(net, demand), kwargs={"algorithm": "bfw", "gap": GRID_GAP},
                                rounds=1 if QUICK else 3, iterations=1)
    _record(benchmark, net, result.iterations, gap=result.gap)
    assert result.converged


def test_grid_fw_kernel(benchmark, grid):
    net, demand = grid
    assign(net, demand, max_iter=2)
    result = benchmark(assign, net, demand, algorithm="fw", gap=0.0, max_iter=FW_ITERATIONS)
    _record(benchmark, net, FW_ITERATIONS)
    assert result.iterations == FW_ITERATIONS


@pytest.fixture(scope="module")
def city():
    return city_network()


def _one_thread(function, *args, **kwargs):
    previous = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        return function(*args, **kwargs)
    finally:
        numba.set_num_threads(previous)


def test_city_all_or_nothing(benchmark, city):
    net, demand = city
    all_or_nothing(net, demand, net.free_flow_time)
    flows = benchmark.pedantic(_one_thread, args=(all_or_nothing, net, demand, net.free_flow_time),
                               rounds=3, iterations=1)
    _record(benchmark, net, 1, trees=int(np.count_nonzero(demand.sum(axis=1))))
    assert flows.sum() > 0


def test_city_fw(benchmark, city):
    net, demand = city
    result = benchmark.pedantic(_one_thread, args=(assign, net, demand),
                                kwargs={"algorithm": "fw", "gap": 0.0, "max_iter": 5}, rounds=1, iterations=1)
    _record(benchmark, net, 5)
    assert result.iterations == 5


def test_grid_fw_reference(benchmark, grid):
    net, demand = grid
    result = benchmark.pedantic(lambda: reference_frank_wolfe(net, demand, FW_ITERATIONS_REFERENCE),
                                rounds=1, iterations=1)
    _record(benchmark, net, FW_ITERATIONS_REFERENCE)
    assert result["flows"].shape == (net.n_links,)


_COLD_START = """
import json, time
t0 = time.perf_counter()
from smartcity.transport import assignment
t1 = time.perf_counter()
assignment.warmup()
t2 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "compile_s": t2 - t1}))
"""


def test_assignment_first_call_compile(benchmark):
    timings = {}

    def cold_start():
        with tempfile.TemporaryDirectory() as cache:
            env = dict(os.environ, NUMBA_CACHE_DIR=cache)
            done = subprocess.run([sys.executable, "-c", _COLD_START], env=env, capture_output=True, text=True,
                                  check=True)
        timings.update(json.loads(done.stdout.strip().splitlines()[-1]))

    benchmark.pedantic(cold_start, rounds=1, iterations=1)
    benchmark.extra_info.update(timings)
    assert timings["compile_s"] > 0.0
