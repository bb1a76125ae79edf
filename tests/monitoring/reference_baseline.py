"""A plain numpy/scipy change-point baseline, and synthetic meters for it.

The reference fits every candidate model of every meter with ``numpy.linalg.lstsq`` on
an explicit design matrix (rows scaled by the square root of the weights), takes the
slopes' standard errors from ``inv(X' W X)`` and their p-values from
``scipy.stats.t.sf``, and keeps the qualifying candidate with the highest adjusted R²,
scanning candidates in the order the kernel does (intercept only, heating, cooling,
heating + cooling; balance points increasing) with the same tie tolerance. It shares no
code with :mod:`smartcity.monitoring._kernels` and is used to check it (and as the slow
baseline in the benchmarks).
"""

from __future__ import annotations

import numpy as np
from scipy import stats

__all__ = [
    "reference_fit",
    "reference_degree_days",
    "random_meters",
    "seasonal_temperature",
    "ar1",
]

TIE_TOLERANCE = 1e-12  # the rule of the kernel: replace the best only if higher by more


def reference_degree_days(temperature, points, start=None, end=None, *, heating=True):
    """Degree days per day, shape (n_points, n_obs); period means if start/end given."""
    t = np.asarray(temperature, dtype=float)
    per_day = np.array([np.maximum(p - t, 0.0) if heating else np.maximum(t - p, 0.0)
                        for p in points]).reshape(len(points), t.size)
    if start is None:
        return per_day
    return np.array([[row[a:b].mean() for a, b in zip(start, end)] for row in per_day]
                    ).reshape(len(points), len(start))


def _ols(y, w, columns):
    """Weighted least squares; returns coefficients, SSE, slope std errors, dof."""
    x = np.column_stack([np.ones_like(y)] + columns)
    sw = np.sqrt(w)
    coef, *_ = np.linalg.lstsq(x * sw[:, None], y * sw, rcond=None)
    resid = y - x @ coef
    sse = float(np.sum(w * resid**2))
    dof = len(y) - x.shape[1]
    cov = sse / dof * np.linalg.inv(x.T @ (x * w[:, None]))
    return coef, sse, np.sqrt(np.diag(cov))[1:], dof


def reference_fit(use, weight, hdd, cdd, heating_points, cooling_points, *, p_max=0.1,
                  min_nonzero=10, min_total=20.0):
    """Fit one meter; ``hdd``/``cdd`` of shape (n_points, n_obs). Returns a dict."""
    use = np.asarray(use, dtype=float)
    weight = np.broadcast_to(np.asarray(weight, dtype=float), use.shape)
    ok = np.isfinite(use) & (weight > 0)
    y, w = use[ok], weight[ok]
    n = len(y)
    sst = float(np.sum(w * (y - np.average(y, weights=w)) ** 2)) if np.ptp(y) > 0 else 0.0

    def usable(x):
        return (np.count_nonzero(x > 0) >= min_nonzero and np.sum(w * x) >= min_total
                and np.ptp(x) > 0)

    heat = [(k, hdd[k][ok]) for k in range(len(heating_points)) if usable(hdd[k][ok])]
    cool = [(j, cdd[j][ok]) for j in range(len(cooling_points)) if usable(cdd[j][ok])]
    candidates = [("intercept_only", None, None, [])]
    candidates += [("heating", k, None, [x]) for k, x in heat]
    candidates += [("cooling", None, j, [x]) for j, x in cool]
    candidates += [("heating_cooling", k, j, [xh, xc]) for k, xh in heat for j, xc in cool
                   if heating_points[k] <= cooling_points[j]]

    best = {"model": "intercept_only", "adj_r_squared": 0.0, "intercept": float(np.average(y, weights=w)),
            "heating_slope": 0.0, "cooling_slope": 0.0, "heating_balance_point": np.nan,
            "cooling_balance_point": np.nan, "r_squared": 0.0}
    for model, k, j, columns in candidates[1:]:
        if sst <= 0 or n - 1 - len(columns) < 1:
            continue
        coef, sse, se, dof = _ols(y, w, columns)
        slopes = coef[1:]
        p_values = 2 * stats.t.sf(slopes / np.where(se > 0, se, np.nan), dof)
        p_values = np.where(se > 0, p_values, 0.0)
        if np.any(slopes <= 0) or np.any(p_values >= p_max):
            continue
        adj = 1 - (sse / dof) / (sst / (n - 1))
        if adj > best["adj_r_squared"] + TIE_TOLERANCE:
            best = {
                "model": model, "adj_r_squared": adj, "intercept": coef[0],
                "heating_slope": coef[1] if k is not None else 0.0,
                "cooling_slope": coef[-1] if j is not None else 0.0,
                "heating_balance_point": heating_points[k] if k is not None else np.nan,
                "cooling_balance_point": cooling_points[j] if j is not None else np.nan,
                "r_squared": 1 - sse / sst,
            }
    return best


def seasonal_temperature(rng, n_days=365, mean=8.0, amplitude=9.0, noise=2.5):
    """Daily mean temperature: an annual cosine (coldest mid-January) plus AR(1) noise. [°C]"""
    day = np.arange(n_days)
    return mean - amplitude * np.cos(2 * np.pi * (day - 15) / 365) + ar1(rng, n_days, 0.7, noise)


def ar1(rng, n, phi, sd, size=()):
    """Stationary AR(1) series with lag-1 correlation ``phi`` and marginal std ``sd``."""
    size = tuple(np.atleast_1d(size)) if size != () else ()
    x = np.empty(size + (n,))
    x[..., 0] = rng.normal(0.0, sd, size)
    innovations = rng.normal(0.0, sd * np.sqrt(1 - phi**2), size + (n,))
    for i in range(1, n):
        x[..., i] = phi * x[..., i - 1] + innovations[..., i]
    return x


def random_meters(rng, temperature, n_meters, *, missing=0.05, noise=0.1):
    """Use per day of meters with random models (all four kinds) and missing days.

    Returns ``(use, truth)``: use of shape (n_meters, n_days) [kWh/day] with NaN for
    missing days, and a dict of the true parameters per meter.
    """
    t = np.asarray(temperature, dtype=float)
    kinds = rng.integers(0, 4, n_meters)
    b0 = rng.uniform(20, 200, n_meters)
    tbh = rng.uniform(10, 18, n_meters)
    tbc = np.maximum(tbh + rng.uniform(1, 6, n_meters), rng.uniform(16, 22, n_meters))
    bh = np.where((kinds == 1) | (kinds == 3), rng.uniform(1, 10, n_meters), 0.0)
    bc = np.where((kinds == 2) | (kinds == 3), rng.uniform(1, 10, n_meters), 0.0)
    mean_use = b0[:, None] + bh[:, None] * np.maximum(tbh[:, None] - t, 0) \
        + bc[:, None] * np.maximum(t - tbc[:, None], 0)
    use = mean_use + rng.normal(0.0, 1.0, mean_use.shape) * noise * mean_use.mean(axis=1, keepdims=True)
    use[rng.random(use.shape) < missing] = np.nan
    truth = {"kind": kinds, "intercept": b0, "heating_slope": bh, "cooling_slope": bc,
             "heating_balance_point": tbh, "cooling_balance_point": tbc}
    return use, truth
