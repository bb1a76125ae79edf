"""Hourly dispatch of a district-heating network's production units and heat storage.

Every hour, the heat fed into the network (the consumers' demand plus the network loss) is
produced by the units in a merit order of their short-run marginal cost of heat, must-run
units first, each within its hourly capacity; a heat storage (tank or pit) is charged when
heat is cheap and discharged when it is dear; heat no unit can make is reported as unmet,
never created. The marginal costs and capacities are inputs, so the kernel serves every unit
type alike: a CHP plant's cost already carries its credit for the electricity sold, a heat
pump's its electricity bill over the hour's COP, a surplus-heat source's capacity its hourly
availability.

The storage rule
----------------
Heat is "cheap" or "dear" against a moving threshold, as in EnergyPLAN's market strategy
for storages [1]_: first the hourly marginal cost of heat without storage is found
(``reference_cost``: the cost of the last unit the merit order needs in that hour); the
threshold of hour h is its mean over a window centred on h (``window_hours``, a week by
default, so that the storage moves heat between days of one weather spell). Then, hour by
hour:

1. the stored heat loses its standing loss (``loss_per_day``, compounded hourly);
2. must-run units (waste incineration, surplus heat that cannot be turned away) produce
   their whole capacity; what exceeds the demand charges the storage, and what the storage
   cannot take is ``dumped`` (cooled away);
3. otherwise the part of the demand that only units dearer than the threshold could serve
   (or nobody) is taken from the storage first, within its discharge power and content;
4. the merit order serves the rest; what it cannot serve is ``unmet``;
5. in an hour without discharge or unmet heat, units cheaper than the threshold run above
   the demand to charge the storage, within its charge power and free volume.

A storage never charges and discharges in the same hour, and charging and discharging
lose nothing (the pit and tank storages of district heating lose heat through their walls,
the standing loss). Two roundings are settled explicitly: a cost within 1e-9 (relative) of
the threshold counts as equal to it (:data:`TIE`), and demand left below 1e-12 of the
hour's after the units is no unmet heat (:data:`SNAP`). Must-run output that exactly meets
the demand leaves the cheap units free to charge. Every hour closes (to that rounding)::

    Σ_u production[h, u] + discharge[h] − charge[h] − dumped[h] + unmet[h] = demand[h]
    level[h] = level[h − 1] − loss[h] + charge[h] − discharge[h]

The plain-Python implementation of the same rule in ``tests/energy/reference_heat_dispatch.py``
is the independent reference of the tests and the speed ratio of the benchmarks.

References
----------
.. [1] Lund, H., Thellufsen, J. Z. et al. (2021). EnergyPLAN - Advanced analysis of smart
   energy systems. Smart Energy 1, 100007. https://doi.org/10.1016/j.segy.2021.100007 ;
   EnergyPLAN documentation, version 16 (Aalborg University, 2022), ch. 8 (market economic
   simulation, storage strategy).
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np

from smartcity.checks import number, number_array

__all__ = ["HeatStorage", "check_system", "heat_dispatch", "storage_loss_per_hour", "warmup", "OUTPUTS"]

#: Keys of the dictionary :func:`heat_dispatch` returns, in order.
OUTPUTS = ("production", "charge", "discharge", "level", "loss", "dumped", "unmet", "reference_cost", "threshold")

#: Default window of the storage threshold: one week. [h]
WEEK_HOURS = 168
#: Costs within this share of the threshold (at least this many EUR/MWh) count as equal to it, so that
#: the rounding of a mean of equal costs does not decide whether a unit charges the storage. [1]
TIE = 1e-9
#: Demand left below this share of the hour's demand after the units is rounding, not unmet heat. [1]
SNAP = 1e-12


@dataclass(frozen=True)
class HeatStorage:
    """A district-heating storage (tank or pit).

    Attributes
    ----------
    capacity_mwh : float
        Heat the storage holds when full, >= 0. [MWh]
    charge_mw, discharge_mw : float
        Most heat put in or taken out in one hour; > 0 when the storage has a capacity. [MW]
    loss_per_day : float
        Share of the stored heat lost in a day, in [0, 1). [1]
    initial_mwh : float
        Heat stored at the start, within [0, capacity_mwh]. [MWh]
    """

    capacity_mwh: float = 0.0
    charge_mw: float = 0.0
    discharge_mw: float = 0.0
    loss_per_day: float = 0.0
    initial_mwh: float = 0.0

    def __post_init__(self) -> None:
        capacity = number("storage.capacity_mwh", self.capacity_mwh, low=0.0, unit="MWh")
        for name in ("charge_mw", "discharge_mw"):
            power = number(f"storage.{name}", getattr(self, name), low=0.0, unit="MW")
            if capacity > 0.0 and power == 0.0:
                raise ValueError(f"storage.{name} = {power!r}: a storage with a capacity needs {name} > 0 [MW]")
        number("storage.loss_per_day", self.loss_per_day, low=0.0, high=1.0, unit="1")
        if self.loss_per_day >= 1.0:
            raise ValueError(f"storage.loss_per_day = {self.loss_per_day!r}: must be < 1 [1]")
        number("storage.initial_mwh", self.initial_mwh, low=0.0, high=capacity, unit="MWh")


def storage_loss_per_hour(loss_per_day: float) -> float:
    """Hourly share of the stored heat lost that compounds to ``loss_per_day`` over 24 h. [1]

    >>> round(1 - (1 - storage_loss_per_hour(0.1)) ** 24, 12)
    0.1
    """
    return 1.0 - (1.0 - loss_per_day) ** (1.0 / 24.0)


def check_system(demand_mw, capacity_mw, cost_eur_per_mwh, must_run
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The demand, capacities, costs and must-run flags of a heat system as checked arrays.

    Raises
    ------
    ValueError
        Naming the argument and its first bad element (see :func:`heat_dispatch`).
    """
    demand = number_array("demand_mw", demand_mw, ndim=1, nonneg=True, unit="MW")
    capacity = number_array("capacity_mw", capacity_mw, ndim=2, nonneg=True, unit="MW")
    n_h, n_u = capacity.shape
    if n_h != demand.shape[0]:
        raise ValueError(f"capacity_mw: expected {demand.shape[0]} hours (rows) as demand_mw, got {n_h}")
    cost = number_array("cost_eur_per_mwh", cost_eur_per_mwh, shape=(n_h, n_u), unit="EUR/MWh")
    flags = np.asarray(must_run)
    if flags.size == 0:
        flags = flags.astype(np.bool_)
    if flags.shape != (n_u,) or flags.dtype != np.bool_:
        raise ValueError(f"must_run: expected {n_u} booleans (one per unit), got {flags.dtype} of shape {flags.shape}")
    return demand, np.ascontiguousarray(capacity), np.ascontiguousarray(cost), flags


def heat_dispatch(demand_mw, capacity_mw, cost_eur_per_mwh, must_run, storage: HeatStorage | None = None, *,
                  window_hours: int = WEEK_HOURS) -> dict[str, np.ndarray]:
    """Dispatch the production units and the storage of a heat network hour by hour.

    Parameters
    ----------
    demand_mw : (n_h,) array_like
        Heat to feed into the network each hour (consumers plus network loss), >= 0. [MW]
    capacity_mw : (n_h, n_u) array_like
        Heat each unit can deliver each hour, >= 0 (0 before commissioning, after
        retirement and when unavailable). [MW]
    cost_eur_per_mwh : (n_h, n_u) array_like
        Each unit's short-run marginal cost of heat each hour; may be negative. [EUR/MWh]
    must_run : (n_u,) array_like of bool
        Units that produce their whole capacity whenever available.
    storage : HeatStorage, optional
        The network's heat storage; none by default.
    window_hours : int, default 168
        Length of the window of the storage threshold, centred on each hour, >= 1: the
        hours h − k … h + k with k = window_hours // 2 (169 hours for the default). [h]

    Returns
    -------
    dict of str to numpy.ndarray
        ``production`` (n_h, n_u) [MW]; each (n_h,): ``charge``, ``discharge`` [MW],
        ``level`` (stored heat at the end of the hour) [MWh], ``loss`` (standing loss of
        the storage) [MWh], ``dumped`` (must-run heat neither used nor stored), ``unmet``
        (demand no unit could serve) [MW], ``reference_cost`` (marginal cost of heat
        without storage; NaN in hours without a dispatchable unit) and ``threshold`` (its
        moving mean, NaN where the window holds no value) [EUR/MWh]. One-hour steps: MW
        are MWh per hour.

    Raises
    ------
    ValueError
        Naming the argument and its first bad element.

    Examples
    --------
    Waste incineration (must-run, 30 MW), a CHP plant (60 MW at 20 EUR/MWh) and an oil
    boiler (50 MW at 90 EUR/MWh), no storage:

    >>> d = heat_dispatch([20.0, 80.0, 120.0], [[30.0, 60.0, 50.0]] * 3, [[-5.0, 20.0, 90.0]] * 3,
    ...                   [True, False, False])
    >>> d["production"].tolist()
    [[30.0, 0.0, 0.0], [30.0, 50.0, 0.0], [30.0, 60.0, 30.0]]
    >>> d["dumped"].tolist(), d["unmet"].tolist()
    ([10.0, 0.0, 0.0], [0.0, 0.0, 0.0])
    """
    demand, capacity, cost, flags = check_system(demand_mw, capacity_mw, cost_eur_per_mwh, must_run)
    n_h, n_u = capacity.shape
    if isinstance(window_hours, bool) or not isinstance(window_hours, (int, np.integer)) or window_hours < 1:
        raise ValueError(f"window_hours = {window_hours!r}: must be a whole number >= 1 [h]")
    storage = storage if storage is not None else HeatStorage()

    out = {
        "production": np.zeros((n_h, n_u)),
        **{key: np.zeros(n_h) for key in OUTPUTS[1:]},
    }
    _dispatch_kernel(
        demand, capacity, cost, flags,
        float(storage.capacity_mwh), float(storage.charge_mw), float(storage.discharge_mw),
        storage_loss_per_hour(float(storage.loss_per_day)), float(storage.initial_mwh), int(window_hours) // 2,
        out["production"], out["charge"], out["discharge"], out["level"], out["loss"], out["dumped"],
        out["unmet"], out["reference_cost"], out["threshold"],
    )
    return out


@numba.njit(cache=True)
def _merit_order(cost_row, must_run, order):
    """Write the dispatchable units' indices into ``order`` by ascending cost (stable); return their count."""
    n = 0
    for u in range(cost_row.shape[0]):
        if must_run[u]:
            continue
        # insertion: after every unit of lower or equal cost, so ties keep the index order
        i = n
        while i > 0 and cost_row[order[i - 1]] > cost_row[u]:
            order[i] = order[i - 1]
            i -= 1
        order[i] = u
        n += 1
    return n


@numba.njit(cache=True)
def _dispatch_kernel(demand, capacity, cost, must_run, storage_mwh, charge_mw, discharge_mw, loss_per_hour,
                     initial_mwh, half_window, production, charge, discharge, level, loss, dumped, unmet,
                     reference_cost, threshold):
    n_h, n_u = capacity.shape
    orders = np.empty((n_h, n_u), np.int64)  # each hour's merit order, for both steps
    counts = np.empty(n_h, np.int64)

    # Step A: the marginal cost of heat without storage, and its centred moving mean
    for h in range(n_h):
        must = 0.0
        for u in range(n_u):
            if must_run[u]:
                must += capacity[h, u]
        remaining = max(demand[h] - must, 0.0)
        order = orders[h]
        n = _merit_order(cost[h], must_run, order)
        counts[h] = n
        last = -1
        first = -1
        for i in range(n):
            u = order[i]
            if capacity[h, u] > 0.0:
                if first < 0:
                    first = u
                if remaining > 0.0:
                    remaining -= min(capacity[h, u], remaining)
                    last = u
        if last >= 0:
            reference_cost[h] = cost[h, last]
        elif first >= 0:
            reference_cost[h] = cost[h, first]
        else:
            reference_cost[h] = np.nan
    total = np.zeros(n_h + 1)  # prefix sums of the non-NaN reference costs and their count
    count = np.zeros(n_h + 1, np.int64)
    for h in range(n_h):
        c = reference_cost[h]
        valid = not np.isnan(c)
        total[h + 1] = total[h] + (c if valid else 0.0)
        count[h + 1] = count[h] + (1 if valid else 0)
    for h in range(n_h):
        lo = max(0, h - half_window)
        hi = min(n_h - 1, h + half_window) + 1
        k = count[hi] - count[lo]
        threshold[h] = (total[hi] - total[lo]) / k if k > 0 else np.nan

    # Step B: hour by hour with the storage
    stored = initial_mwh
    for h in range(n_h):
        loss[h] = stored * loss_per_hour
        stored -= loss[h]
        must = 0.0
        for u in range(n_u):
            if must_run[u]:
                production[h, u] = capacity[h, u]
                must += capacity[h, u]
        if must > demand[h]:
            surplus = must - demand[h]
            put = max(min(surplus, charge_mw, storage_mwh - stored), 0.0)
            stored += put
            charge[h] = put
            dumped[h] = surplus - put
            level[h] = stored
            continue
        rest = demand[h] - must
        thr = threshold[h]
        has_threshold = not np.isnan(thr)
        tie = TIE * max(1.0, abs(thr)) if has_threshold else 0.0
        snap = SNAP * demand[h]
        order = orders[h]
        n = counts[h]
        if has_threshold:
            cheap = 0.0
            for i in range(n):
                u = order[i]
                if cost[h, u] <= thr + tie:
                    cheap += capacity[h, u]
            dear = rest - min(rest, cheap)
            if dear <= snap:
                dear = 0.0
            take = min(dear, discharge_mw, stored)
            if take > 0.0:
                stored -= take
                rest -= take
                discharge[h] = take
        for i in range(n):
            u = order[i]
            p = min(capacity[h, u], rest)
            production[h, u] = p
            rest -= p
        if rest <= snap:
            rest = 0.0
        unmet[h] = rest
        if has_threshold and discharge[h] == 0.0 and rest == 0.0:
            room = max(min(charge_mw, storage_mwh - stored), 0.0)
            put = 0.0
            for i in range(n):
                u = order[i]
                if room <= 0.0:
                    break
                if cost[h, u] < thr - tie:
                    add = min(capacity[h, u] - production[h, u], room)
                    production[h, u] += add
                    put += add
                    room -= add
            stored += put
            charge[h] = put
        level[h] = stored


def warmup() -> None:
    """Compile the dispatch kernel into numba's on-disk cache."""
    heat_dispatch([1.0, 2.0], [[1.0, 2.0], [1.0, 2.0]], [[0.0, 1.0], [0.0, 1.0]], [True, False],
                  HeatStorage(1.0, 1.0, 1.0, 0.01))
