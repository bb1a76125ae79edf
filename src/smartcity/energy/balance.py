"""Hourly electricity balance of a site: self-consumption of local generation, an optional
battery, grid import and export.
"""

from __future__ import annotations

import math

import numpy as np

from smartcity.checks import number, number_array
from smartcity.energy._kernels import battery_self_consumption

__all__ = ["electricity_balance", "warmup"]


def electricity_balance(demand_kw, generation_kw, battery_kwh: float = 0.0,
                        battery_power_kw: float | None = None, efficiency: float = 0.9, *,
                        initial_state_kwh: float = 0.0) -> dict[str, np.ndarray]:
    """Hourly grid import and export of a site with generation and an optional battery.

    Generation first covers the demand of the same hour (``self_consumed =
    min(demand, generation)``). With a battery, a greedy self-consumption rule follows:
    the surplus charges the battery and the deficit is covered from it, each limited by
    the battery's power and its free or stored energy; the battery never charges from
    or exports to the grid. Whatever remains is exported or imported.

    The round-trip ``efficiency`` is split equally between charging and discharging
    (√η each): storing ``c`` kWh from the bus adds ``c·√η`` to the state, taking ``d``
    kWh to the bus removes ``d/√η``. So, every hour,

        import − export = demand − generation + charge − discharge,

    and over the period the battery losses are Σcharge − Σdischarge − (final − initial
    state). One-hour steps: powers in kW are energies in kWh per hour.

    Parameters
    ----------
    demand_kw : (n_h,) array_like
        Electricity demand, >= 0. [kW]
    generation_kw : (n_h,) array_like
        On-site generation (e.g. :func:`pv_generation`), >= 0. [kW]
    battery_kwh : float, default 0
        Usable battery capacity, >= 0; 0 for no battery. [kWh]
    battery_power_kw : float, optional
        Charge and discharge power limit, > 0; default ``battery_kwh / 2`` (a battery
        that fills in two hours, typical of home batteries). [kW]
    efficiency : float, default 0.9
        Round-trip efficiency, (0, 1]. [-]
    initial_state_kwh : float, default 0
        Stored energy at the start, within [0, battery_kwh]. [kWh]

    Returns
    -------
    dict of str to numpy.ndarray
        Each (n_h,): ``import``, ``export``, ``self_consumed`` (generation used in the
        same hour on site), ``battery_charge``, ``battery_discharge`` [kW] and
        ``battery_state`` (stored energy at the end of each hour) [kWh].

    Examples
    --------
    >>> b = electricity_balance([1.0, 3.0], [3.0, 0.0], battery_kwh=10.0, battery_power_kw=5.0,
    ...                         efficiency=1.0)
    >>> b["export"].tolist(), b["import"].tolist(), b["battery_state"].tolist()
    ([0.0, 0.0], [0.0, 1.0], [2.0, 0.0])
    """
    demand = number_array("demand_kw", demand_kw, ndim=1, nonneg=True, unit="kW")
    generation = number_array("generation_kw", generation_kw, shape=demand.shape, nonneg=True, unit="kW")
    capacity = number("battery_kwh", battery_kwh, low=0.0, unit="kWh")
    power = capacity / 2.0 if battery_power_kw is None else number(
        "battery_power_kw", battery_power_kw, low=0.0, low_open=True, unit="kW")
    eta = number("efficiency", efficiency, low=0.0, low_open=True, high=1.0, unit="-")
    state0 = number("initial_state_kwh", initial_state_kwh, low=0.0, high=capacity, unit="kWh")

    n_h = demand.shape[0]
    self_consumed = np.minimum(demand, generation)
    surplus = generation - demand
    charge = np.zeros(n_h)
    discharge = np.zeros(n_h)
    state = np.full(n_h, state0)
    if capacity > 0.0 and n_h:
        eta_one_way = math.sqrt(eta)
        battery_self_consumption(surplus, capacity, power, eta_one_way, eta_one_way, state0, charge, discharge, state)
    excess = np.maximum(surplus, 0.0)
    deficit = np.maximum(-surplus, 0.0)
    return {
        "import": np.maximum(deficit - discharge, 0.0),
        "export": np.maximum(excess - charge, 0.0),
        "self_consumed": self_consumed,
        "battery_charge": charge,
        "battery_discharge": discharge,
        "battery_state": state,
    }


# --------------------------------------------------------------------------------------
# Grid carbon intensity
# --------------------------------------------------------------------------------------


def warmup() -> None:
    """Compile the battery kernel into numba's on-disk cache."""
    electricity_balance([1.0, 0.0, 2.0], [2.0, 1.0, 0.0], battery_kwh=1.0)
