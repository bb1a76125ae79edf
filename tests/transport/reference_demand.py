"""A plain numpy Furness balancing (iterative proportional fitting).

The reference alternates whole-vector row and column factors with numpy matrix-vector
products, with the stopping rule of :func:`smartcity.transport.demand.furness` (largest
row-sum difference over the total at most ``tol``) and the same treatment of zones
without productions or attractions (zero factors, zero rows and columns). It shares no
code with the numba kernel and is used to check it (and as the slow baseline in timings).
It does not check its arguments.
"""

from __future__ import annotations

import math

import numpy as np

from smartcity.transport.demand import ConvergenceError

__all__ = ["reference_furness"]


def reference_furness(productions, attractions, deterrence, tol: float = 1e-10,
                      max_iter: int = 10_000) -> tuple[np.ndarray, int]:
    """Trip matrix (n, m) and the number of sweeps of the Furness balancing.

    Raises :class:`ConvergenceError` when the factors overflow (message "overflowed after
    k sweeps") or the rows do not match within ``max_iter`` sweeps.
    """
    p = np.asarray(productions, dtype=np.float64)
    a = np.asarray(attractions, dtype=np.float64)
    f = np.asarray(deterrence, dtype=np.float64)
    total = p.sum()
    if total == 0.0:
        return np.zeros_like(f), 0
    s = (a > 0).astype(np.float64)
    error = math.inf
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for sweep in range(1, max_iter + 1):
            r = np.where(p > 0, p / (f @ s), 0.0)
            s = np.where(a > 0, a / (f.T @ r), 0.0)
            if not (np.isfinite(r).all() and np.isfinite(s).all()):
                raise ConvergenceError(f"reference furness: the balancing factors overflowed after {sweep} sweeps")
            error = float(np.max(np.abs(r * (f @ s) - p))) / total
            if error <= tol:
                return r[:, None] * f * s[None, :], sweep
    raise ConvergenceError(f"reference furness: the row sums still differ by {error:.3g} of the total "
                           f"after {max_iter} sweeps")
