"""Numba kernel of the change-point degree-day baselines.

Private module: :mod:`smartcity.monitoring.baseline` checks every argument and calls the
kernel with C-contiguous ``float64`` arrays (``int64`` for integers), so that one compiled
signature serves all calls and the on-disk cache.

The kernel fits, per meter, the candidate models of CalTRACK 2.0 (intercept only,
heating, cooling, heating and cooling) by weighted least squares over a grid of balance
points, and keeps the qualifying candidate with the highest adjusted R². The normal
equations have at most two slopes once the observations are centred on their weighted
means, so they are solved in closed form (Cramer's rule).
"""

from __future__ import annotations

import numba
import numpy as np

__all__ = [
    "INTERCEPT_ONLY",
    "HEATING",
    "COOLING",
    "HEATING_COOLING",
    "TIE_TOLERANCE",
    "fit_change_point_kernel",
]

#: Model codes written into the ``kind`` output.
INTERCEPT_ONLY, HEATING, COOLING, HEATING_COOLING = 0, 1, 2, 3

#: A candidate replaces the best one so far only if its adjusted R² is higher by more
#: than this; ties (e.g. two balance points below every temperature give the same fit)
#: go to the candidate met first: simpler models first, then lower balance points. [-]
TIE_TOLERANCE = 1e-12

#: Relative size below which a centred sum of squares counts as zero (the regressor is
#: constant over the observations, the candidate is not identifiable). [-]
_DEGENERATE = 1e-10

#: Relative variance below which the use counts as constant: a relative standard
#: deviation of 1e-12, far above rounding (~1e-16) and far below any metered variation. [-]
_CONSTANT = 1e-24


@numba.njit(cache=True, parallel=True)
def fit_change_point_kernel(
    use, weight, hdd, cdd, heating_points, cooling_points, t_critical,
    min_nonzero, min_total, separable,
    kind, coef, balance, grid_index, stderr, fit_stats,
):
    """Choose and fit a change-point model for each meter.

    Parameters
    ----------
    use : (n_meters, n_obs) float64
        Mean use per day of each observation (a day or a billing period); NaN where
        missing. [kWh/day]
    weight : (n_w, n_obs) float64, n_w in {1, n_meters}
        Weight of each observation: its number of days (1 for daily data). [day]
    hdd, cdd : (n_t, n_h, n_obs) and (n_t, n_c, n_obs) float64, n_t in {1, n_meters}
        Mean heating (cooling) degree days per day of each observation for each
        heating (cooling) balance point. [K]
    heating_points, cooling_points : (n_h,) and (n_c,) float64
        The balance points of the grid, increasing. [°C]
    t_critical : (n_obs + 1,) float64
        Critical value of Student's t for the slope test, by residual degrees of freedom
        (entry 0 unused); a slope qualifies if ``slope > t_critical[dof] * stderr``.
    min_nonzero : int64
        Least number of used observations with positive degree days for a balance point
        to be a candidate. [-]
    min_total : float64
        Least weighted sum of degree days over the used observations. [K day]
    separable : bool
        True if heating and cooling degree days of one observation are never both
        positive when the heating balance point is at most the cooling one (daily data:
        one temperature per observation); their cross products are then zero.

    Outputs (written in place)
    --------------------------
    kind : (n_meters,) int64
        Chosen model, one of the codes of this module.
    coef : (n_meters, 3) float64
        Intercept [kWh/day], heating slope and cooling slope [kWh/(K day)]; 0 when absent.
    balance : (n_meters, 2) float64
        Heating and cooling balance point [°C]; NaN when absent.
    grid_index : (n_meters, 2) int64
        Index of the chosen balance points in the grids; -1 when absent.
    stderr : (n_meters, 2) float64
        Standard errors of the heating and cooling slopes; NaN when absent.
    fit_stats : (n_meters, 5) float64
        Observations used, parameters, R², adjusted R² and the weighted sum of
        squared residuals [(kWh/day)² day].
    """
    n_meters, n_obs = use.shape
    n_h = heating_points.shape[0]
    n_c = cooling_points.shape[0]
    w_step = 1 if weight.shape[0] > 1 else 0  # row step: one row for all meters or one each
    t_step = 1 if hdd.shape[0] > 1 else 0
    for m in numba.prange(n_meters):
        w = weight[m * w_step]
        t_row = m * t_step
        y = use[m]

        # used observations and their weighted mean
        idx = np.empty(n_obs, np.int64)
        n = 0
        sw = 0.0
        swy = 0.0
        for i in range(n_obs):
            if np.isfinite(y[i]) and w[i] > 0.0:
                idx[n] = i
                n += 1
                sw += w[i]
                swy += w[i] * y[i]
        y_mean = swy / sw
        yc = np.empty(n)
        syy = 0.0
        swyy = 0.0
        for j in range(n):
            i = idx[j]
            yc[j] = y[i] - y_mean
            syy += w[i] * yc[j] * yc[j]
            swyy += w[i] * y[i] * y[i]
        if syy <= _CONSTANT * swyy:
            syy = 0.0  # constant use up to rounding: only the intercept-only model

        # centred sums per balance point: S_x = sum w x, S_xx = sum w (x - x_mean)^2,
        # S_xy = sum w (x - x_mean)(y - y_mean) = sum w x (y - y_mean)
        sh, shh, shy, ok_h = _grid_sums(hdd, t_row, w, idx, n, yc, sw, min_nonzero, min_total)
        sc, scc, scy, ok_c = _grid_sums(cdd, t_row, w, idx, n, yc, sw, min_nonzero, min_total)

        best_kind = INTERCEPT_ONLY
        best_adj = 0.0
        best_sse = syy
        best_k = -1
        best_j = -1
        best_bh = 0.0
        best_bc = 0.0
        best_se_h = np.nan
        best_se_c = np.nan
        if syy > 0.0:
            dof = n - 2
            if dof >= 1:
                for k in range(n_h):
                    if ok_h[k]:
                        b = shy[k] / shh[k]
                        sse = max(syy - b * shy[k], 0.0)
                        se = np.sqrt(sse / dof / shh[k])
                        adj = 1.0 - (sse / dof) / (syy / (n - 1))
                        if b > t_critical[dof] * se and b > 0.0 and adj > best_adj + TIE_TOLERANCE:
                            best_kind, best_adj, best_sse, best_k, best_j = HEATING, adj, sse, k, -1
                            best_bh, best_bc, best_se_h, best_se_c = b, 0.0, se, np.nan
                for k in range(n_c):
                    if ok_c[k]:
                        b = scy[k] / scc[k]
                        sse = max(syy - b * scy[k], 0.0)
                        se = np.sqrt(sse / dof / scc[k])
                        adj = 1.0 - (sse / dof) / (syy / (n - 1))
                        if b > t_critical[dof] * se and b > 0.0 and adj > best_adj + TIE_TOLERANCE:
                            best_kind, best_adj, best_sse, best_k, best_j = COOLING, adj, sse, -1, k
                            best_bh, best_bc, best_se_h, best_se_c = 0.0, b, np.nan, se
            dof = n - 3
            if dof >= 1:
                for k in range(n_h):
                    if not ok_h[k]:
                        continue
                    for jc in range(n_c):
                        if not ok_c[jc] or heating_points[k] > cooling_points[jc]:
                            continue
                        shc = -sh[k] * sc[jc] / sw
                        if not separable:
                            for j in range(n):
                                i = idx[j]
                                shc += w[i] * hdd[t_row, k, i] * cdd[t_row, jc, i]
                        det = shh[k] * scc[jc] - shc * shc
                        if det <= _DEGENERATE * shh[k] * scc[jc]:
                            continue
                        bh = (shy[k] * scc[jc] - shc * scy[jc]) / det
                        bc = (scy[jc] * shh[k] - shc * shy[k]) / det
                        if bh <= 0.0 or bc <= 0.0:
                            continue
                        sse = max(syy - bh * shy[k] - bc * scy[jc], 0.0)
                        s2 = sse / dof
                        se_h = np.sqrt(s2 * scc[jc] / det)
                        se_c = np.sqrt(s2 * shh[k] / det)
                        adj = 1.0 - s2 / (syy / (n - 1))
                        if (bh > t_critical[dof] * se_h and bc > t_critical[dof] * se_c
                                and adj > best_adj + TIE_TOLERANCE):
                            best_kind, best_adj, best_sse, best_k, best_j = (
                                HEATING_COOLING, adj, sse, k, jc)
                            best_bh, best_bc, best_se_h, best_se_c = bh, bc, se_h, se_c

        intercept = y_mean
        balance[m, 0] = np.nan
        balance[m, 1] = np.nan
        if best_k >= 0:
            intercept -= best_bh * sh[best_k] / sw
            balance[m, 0] = heating_points[best_k]
        if best_j >= 0:
            intercept -= best_bc * sc[best_j] / sw
            balance[m, 1] = cooling_points[best_j]
        n_params = 1 + (best_k >= 0) + (best_j >= 0)
        kind[m] = best_kind
        coef[m, 0] = intercept
        coef[m, 1] = best_bh
        coef[m, 2] = best_bc
        grid_index[m, 0] = best_k
        grid_index[m, 1] = best_j
        stderr[m, 0] = best_se_h
        stderr[m, 1] = best_se_c
        fit_stats[m, 0] = n
        fit_stats[m, 1] = n_params
        fit_stats[m, 2] = 0.0 if best_kind == INTERCEPT_ONLY else 1.0 - best_sse / syy
        fit_stats[m, 3] = best_adj
        fit_stats[m, 4] = best_sse


@numba.njit(cache=True)
def _grid_sums(dd, t_row, w, idx, n, yc, sw, min_nonzero, min_total):
    """Weighted sums of one meter's degree days for every balance point of a grid.

    Returns ``(s_x, s_xx, s_xy, ok)``, each of shape (n_points,): the weighted sum of
    the degree days, their centred sum of squares, their centred cross product with the
    use, and whether the balance point is a candidate (enough days with degree days,
    enough degree days, regressor not constant).
    """
    n_points = dd.shape[1]
    s_x = np.zeros(n_points)
    s_xx = np.zeros(n_points)
    s_xy = np.zeros(n_points)
    ok = np.zeros(n_points, np.bool_)
    for k in range(n_points):
        a = 0.0
        b = 0.0
        c = 0.0
        nonzero = 0
        for j in range(n):
            i = idx[j]
            x = dd[t_row, k, i]
            if x > 0.0:
                nonzero += 1
                a += w[i] * x
                b += w[i] * x * x
                c += w[i] * x * yc[j]
        s_x[k] = a
        s_xx[k] = b - a * a / sw
        s_xy[k] = c
        ok[k] = nonzero >= min_nonzero and a >= min_total and s_xx[k] > _DEGENERATE * b
    return s_x, s_xx, s_xy, ok
