"""Benchmarks of the variance-based sensitivity analysis (smartcity.uncertainty).

Run with ``pytest benchmarks/bench_uncertainty.py --benchmark-only`` (or through
``benchmarks/run.py``). Each benchmark stores ``samples`` (model evaluations: the
``n * (k + 2)`` rows of the Saltelli design) in ``extra_info``. Samples per second is
that number divided by the mean time.

- ``test_sobol_ishigami``: :func:`smartcity.uncertainty.sobol_indices` on the Ishigami
  function (3 inputs, uniform on [-pi, pi]). This is the case of
  ``tests/test_uncertainty.py::test_ishigami_indices_match_the_analytic_values``: n = 2**13
  base samples (40,960 evaluations), batches of 10,000 rows, and 1,000 bootstrap replicates
  for the confidence intervals. With ``--quick`` n is 2**11. The test checks the indices;
  this benchmark times them (about 1.5 s on the 2-core reference machine, almost all of
  it the bootstrap).
- ``test_sobol_ishigami_no_bootstrap``: the same without the bootstrap
  (``n_bootstrap=0``): design, evaluations and the point estimates only (about 10 ms).
"""

from __future__ import annotations

import os

import numpy as np

from smartcity.uncertainty import Distribution, sobol_indices

QUICK = os.environ.get("SMARTCITY_BENCH_QUICK") == "1"
N = 2**11 if QUICK else 2**13
SEED = 20140623
N_BOOTSTRAP = 1000
BATCH_SIZE = 10_000
PI_UNIFORM = Distribution(distribution="uniform", low=-np.pi, high=np.pi)
INPUTS = {"x1": PI_UNIFORM, "x2": PI_UNIFORM, "x3": PI_UNIFORM}
ISHIGAMI_S1 = np.array([0.3139, 0.4424, 0.0])


def ishigami(x: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    """Ishigami & Homma (1990); inputs as columns of ``x`` (as in tests/test_uncertainty.py)."""
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def _record(benchmark, n, n_bootstrap):
    benchmark.extra_info["samples"] = n * (len(INPUTS) + 2)
    benchmark.extra_info["n_base"] = n
    benchmark.extra_info["n_inputs"] = len(INPUTS)
    benchmark.extra_info["n_bootstrap"] = n_bootstrap


def test_sobol_ishigami(benchmark):
    result = benchmark(sobol_indices, ishigami, INPUTS, N, seed=SEED, batch_size=BATCH_SIZE,
                       n_bootstrap=N_BOOTSTRAP)
    _record(benchmark, N, N_BOOTSTRAP)
    # A sanity check, not the test: the analytic first-order indices, loosely.
    np.testing.assert_allclose(result["S1"], ISHIGAMI_S1, atol=0.05)
    assert result["S1_low"].notna().all()


def test_sobol_ishigami_no_bootstrap(benchmark):
    result = benchmark(sobol_indices, ishigami, INPUTS, N, seed=SEED, batch_size=BATCH_SIZE, n_bootstrap=0)
    _record(benchmark, N, 0)
    np.testing.assert_allclose(result["S1"], ISHIGAMI_S1, atol=0.05)
    assert result["S1_low"].isna().all()
