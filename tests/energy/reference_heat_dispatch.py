"""A plain-Python reference of the hourly heat-dispatch rule of ``smartcity.energy.heat_dispatch``.

It loops over hours and units with Python floats (no numba; numpy only creates the output
arrays) and shares no code with the kernel. The tests and the benchmark use it as the
independent implementation. The rule, briefly:

- Merit order of an hour: the units that are not must-run, by cost ascending, ties by the
  smaller unit index.
- Step A, no storage: each hour, the must-run units give their whole capacity and the merit
  order covers the rest; the reference marginal cost c0[h] is the cost of the last loaded
  unit (of the first unit with capacity when none is loaded, NaN when none has capacity).
  The threshold thr[h] is the mean of the non-NaN c0 over [h - k, h + k], k = window // 2.
- Step B, hour by hour: standing loss first (lam = 1 - (1 - d) ** (1 / 24) of the level);
  must-run surplus charges the storage, the rest is dumped; otherwise the storage discharges
  what the units cheaper than or at thr cannot cover, the merit order covers the rest (what
  is left is unmet), and when nothing was discharged or unmet the units strictly cheaper
  than thr charge the storage with their spare capacity.
- Roundings: a cost within 1e-9 (relative, at least 1e-9 absolute) of thr counts as equal
  to it; demand left below 1e-12 of the hour's demand counts as served; the must-run
  surplus branch is taken only when the must-run output exceeds the demand.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["reference_heat_dispatch"]


def _merit_order(cost_h: list[float], must_run: list[bool]) -> list[int]:
    """Indices of the units that are not must-run, by cost ascending, ties by smaller index."""
    return sorted((u for u in range(len(must_run)) if not must_run[u]), key=lambda u: (cost_h[u], u))


def reference_heat_dispatch(
    demand,
    capacity,
    cost,
    must_run,
    *,
    storage_mwh=0.0,
    charge_mw=0.0,
    discharge_mw=0.0,
    loss_per_day=0.0,
    initial_mwh=0.0,
    window_hours=168,
) -> dict[str, np.ndarray]:
    """Dispatch heat units and a heat storage hour by hour (merit order with must-run units).

    Parameters
    ----------
    demand : array-like, shape (n_h,)
        Heat to feed into the network in each hour [MW], >= 0.
    capacity : array-like, shape (n_h, n_u)
        Heat each unit can deliver in each hour [MW], >= 0 (0 when out of service).
    cost : array-like, shape (n_h, n_u)
        Short-run marginal cost of heat of each unit in each hour [EUR/MWh], finite.
    must_run : array-like of bool, shape (n_u,)
        Whether each unit always produces its whole capacity.
    storage_mwh : float
        Storage capacity [MWh], >= 0.
    charge_mw : float
        Maximum charging power [MW], >= 0.
    discharge_mw : float
        Maximum discharging power [MW], >= 0.
    loss_per_day : float
        Standing loss of the storage [fraction of the level per day], in [0, 1).
    initial_mwh : float
        Storage level before the first hour [MWh], in [0, storage_mwh].
    window_hours : int
        Width of the centred window of the threshold [h], > 0; half-width k = window_hours // 2.

    Returns
    -------
    dict of str to numpy.ndarray
        float64 arrays: "production" (n_h, n_u) [MW]; "charge", "discharge" [MW], "level"
        (storage level at the end of each hour) [MWh], "loss" (standing loss in each hour)
        [MWh], "dumped", "unmet" [MW], "reference_cost" (c0, marginal cost without storage)
        and "threshold" (thr) [EUR/MWh], each (n_h,).
    """
    dem = [float(x) for x in demand]
    cap = [[float(x) for x in row] for row in capacity]
    cst = [[float(x) for x in row] for row in cost]
    mr_flag = [bool(x) for x in must_run]
    n_h = len(dem)
    n_u = len(mr_flag)
    storage_mwh = float(storage_mwh)
    charge_mw = float(charge_mw)
    discharge_mw = float(discharge_mw)
    lam = 1.0 - (1.0 - float(loss_per_day)) ** (1.0 / 24.0)
    k = int(window_hours) // 2
    orders = [_merit_order(cst[h], mr_flag) for h in range(n_h)]

    # Step A: reference marginal cost without storage, and the threshold
    c0 = [math.nan] * n_h
    for h in range(n_h):
        mr = 0.0
        for u in range(n_u):
            if mr_flag[u]:
                mr += cap[h][u]
        remaining = max(dem[h] - mr, 0.0)
        last = -1
        for u in orders[h]:
            if remaining == 0.0:
                break
            p = min(cap[h][u], remaining)
            if p > 0.0:
                last = u
            remaining -= p
        if last < 0:
            for u in orders[h]:
                if cap[h][u] > 0.0:
                    last = u
                    break
        if last >= 0:
            c0[h] = cst[h][last]
    thr = [math.nan] * n_h
    for h in range(n_h):
        total = 0.0
        count = 0
        for j in range(max(0, h - k), min(n_h - 1, h + k) + 1):
            if not math.isnan(c0[j]):
                total += c0[j]
                count += 1
        if count > 0:
            thr[h] = total / count

    # Step B: dispatch with the storage, hour by hour
    prod = [[0.0] * n_u for _ in range(n_h)]
    charge = [0.0] * n_h
    discharge = [0.0] * n_h
    level = [0.0] * n_h
    loss = [0.0] * n_h
    dumped = [0.0] * n_h
    unmet = [0.0] * n_h
    lev = float(initial_mwh)
    for h in range(n_h):
        loss[h] = lev * lam
        lev -= loss[h]
        p_h = prod[h]
        mr = 0.0
        for u in range(n_u):
            if mr_flag[u]:
                p_h[u] = cap[h][u]
                mr += cap[h][u]
        if mr > dem[h]:
            surplus = mr - dem[h]
            charge[h] = max(min(surplus, charge_mw, storage_mwh - lev), 0.0)
            lev += charge[h]
            dumped[h] = surplus - charge[h]
            level[h] = lev
            continue
        remaining = dem[h] - mr
        tie = 1e-9 * max(1.0, abs(thr[h])) if not math.isnan(thr[h]) else 0.0
        if not math.isnan(thr[h]):
            cheap = 0.0
            for u in range(n_u):
                if not mr_flag[u] and cst[h][u] <= thr[h] + tie:
                    cheap += cap[h][u]
            short = remaining - min(remaining, cheap)
            if short <= 1e-12 * dem[h]:
                short = 0.0
            discharge[h] = min(short, discharge_mw, lev)
            lev -= discharge[h]
            remaining -= discharge[h]
        for u in orders[h]:
            p = min(cap[h][u], remaining)
            p_h[u] = p
            remaining -= p
        unmet[h] = remaining if remaining > 1e-12 * dem[h] else 0.0
        if not math.isnan(thr[h]) and discharge[h] == 0.0 and unmet[h] == 0.0:
            room = max(min(charge_mw, storage_mwh - lev), 0.0)
            for u in orders[h]:
                if cst[h][u] < thr[h] - tie:
                    add = min(cap[h][u] - p_h[u], room)
                    p_h[u] += add
                    charge[h] += add
                    room -= add
            lev += charge[h]
        dumped[h] = 0.0
        level[h] = lev

    production = np.zeros((n_h, n_u), dtype=np.float64)
    for h in range(n_h):
        for u in range(n_u):
            production[h, u] = prod[h][u]
    return {
        "production": production,
        "charge": np.array(charge, dtype=np.float64),
        "discharge": np.array(discharge, dtype=np.float64),
        "level": np.array(level, dtype=np.float64),
        "loss": np.array(loss, dtype=np.float64),
        "dumped": np.array(dumped, dtype=np.float64),
        "unmet": np.array(unmet, dtype=np.float64),
        "reference_cost": np.array(c0, dtype=np.float64),
        "threshold": np.array(thr, dtype=np.float64),
    }
