"""Latency of the everyday commands, each as a new process (what a planner waits for).

Targets (DESIGN, with a warm numba cache on the 2-core reference machine): ``smartcity --help``
<= 0.3 s, ``smartcity validate`` of both shipped scenarios <= 1.0 s, ``smartcity kpi
results.nc`` <= 2 s and ``smartcity compare results.nc`` <= 2 s. No test asserts seconds:
the figures go into the benchmark JSON and the README's performance table. The results file
is the default run's, written once in the setup; the numba cache is warmed first.

``test_python_startup`` times ``python -c pass``, the floor under every command;
``test_numba_startup`` importing numba and starting its CPU target (which imports its array
and linear-algebra support, and with it scipy.linalg), the floor under every command that
runs a compiled kernel. ``test_assign_sioux_falls`` is ``smartcity assign`` of Sioux Falls to
the default gap; its own report splits the solve from the set-up.

The commands run as a planner's Python runs them: writing and reusing the bytecode cache
(``PYTHONDONTWRITEBYTECODE`` is removed from their environment; with it every start
compiles the package's ~50 modules again, about 0.15 s). Every xarray operation imports dask
when dask is installed (xarray asks whether an array is a dask array); ``dask_installed`` in
each record says whether it was, since that costs ``kpi`` and ``compare`` about 0.45 s.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SCENARIOS = [str(REPO / "scenarios" / "aalborg-east" / f) for f in ("baseline.toml", "lighthouse.toml")]
QUICK = os.environ.get("SMARTCITY_BENCH_QUICK") == "1"


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "smartcity", *args]


ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run(argv: list[str]) -> None:
    subprocess.run(argv, check=True, cwd=REPO, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> str:
    """The default run's results file (the numba cache warmed on the way)."""
    run(command("warmup", "-q"))
    out = tmp_path_factory.mktemp("cli") / "results"
    run(command("run", "-q", "-o", str(out)))
    return str(out / "results.nc")


def _time(benchmark, argv: list[str]) -> None:
    run(argv)  # a first call fills the operating system's file cache
    benchmark.pedantic(run, args=(argv,), rounds=3 if QUICK else 7, iterations=1)
    benchmark.extra_info["command"] = " ".join(argv[2:])
    benchmark.extra_info["dask_installed"] = importlib.util.find_spec("dask") is not None


def test_python_startup(benchmark):
    _time(benchmark, [sys.executable, "-c", "pass"])


def test_numba_startup(benchmark):
    _time(benchmark, [sys.executable, "-c", "import numba; from numba.core.registry import cpu_target; "
                                            "cpu_target.target_context.refresh()"])


def test_assign_sioux_falls(benchmark, tmp_path):
    run(command("warmup", "-q"))
    tntp = REPO / "tests" / "data" / "tntp" / "SiouxFalls"
    _time(benchmark, command("assign", str(tntp / "SiouxFalls_net.tntp"), str(tntp / "SiouxFalls_trips.tntp"),
                             "-q", "--force", "-o", str(tmp_path / "flows.csv")))


def test_help(benchmark):
    _time(benchmark, command("--help"))


def test_validate_both_shipped_scenarios(benchmark):
    _time(benchmark, command("validate", "-q", *SCENARIOS))


def test_kpi_of_a_results_file(benchmark, results):
    _time(benchmark, command("kpi", results))


def test_compare_of_a_results_file(benchmark, results):
    _time(benchmark, command("compare", results))
