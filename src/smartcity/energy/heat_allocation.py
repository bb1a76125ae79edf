"""The CO2 of district heat: CHP fuel split between heat and power, and the hourly factor.

A CHP plant burns one fuel for two products; how much of the fuel, and so of the CO2, the
heat carries is a convention, and the district-heat CO2 factor depends on it more than on
most physics. Three conventions are in use in Denmark:

``"200%"``
    The district-heating industry's method of the heat declarations: the heat is counted as
    made with an efficiency of 200 % (as a heat pump with a COP of 2 would), so it carries
    fuel equal to half the heat; the power carries the rest [1]_ [2]_.
``"125%"``
    The same with an efficiency of 125 %; Energinet's electricity declarations use it, so
    that it is the convention under which CHP power enters the grid factor [3]_.
``"energy"``
    In proportion to the energy of the products: the heat carries the fuel times
    heat / (heat + power).

The heat never carries more than the whole fuel, and a plant in bypass (making heat and no
power) has all of its fuel on the heat under every method.

:func:`district_heat_co2` turns an hourly dispatch (:mod:`smartcity.energy.heat_dispatch`)
into the CO2 of the heat delivered each hour: each unit's fuel on its heat (by the method)
times the fuel's factor, and each heat pump's and electric boiler's electricity times the
hour's grid intensity. Heat put into the storage takes the intensity of the hour's
production along; heat taken out carries the storage's mean intensity (its standing loss
loses heat, not CO2, so the intensity of what stays rises). Must-run heat that is cooled
away leaves its CO2 on the heat delivered in that hour. Over a year, the CO2 delivered plus
what ends in the storage equals what was produced plus what the storage held at the start.

References
----------
.. [1] Bekendtgørelse om fjernvarmedeklaration, BEK nr. 2251 af 29/12/2020 (Energistyrelsen):
   fuel mix, renewable share and emissions of district heat on the heat bills.
.. [2] Fjernvarme Fyn, Varedeklaration 2019-2020 and 2023 (fjernvarmefyn.dk): emissions
   split between power and heat by the 200 % method, "as the industry standard".
.. [3] Energinet, Miljødeklarationer for el (environmental declarations of electricity),
   125 % method for CHP.
"""

from __future__ import annotations

from collections.abc import Mapping

import numba
import numpy as np

from smartcity.checks import first_bad, number, number_array

__all__ = ["ALLOCATION_METHODS", "HEAT_EFFICIENCY", "fuel_to_heat", "district_heat_co2", "carry_through_storage",
           "warmup"]

#: The conventions :func:`fuel_to_heat` knows.
ALLOCATION_METHODS = ("200%", "125%", "energy")

#: Efficiency the heat is counted with by each efficiency method. [1]
HEAT_EFFICIENCY = {"200%": 2.0, "125%": 1.25}


def fuel_to_heat(fuel_mwh, heat_mwh, power_mwh, method: str = "200%") -> np.ndarray:
    """The part of CHP fuel the heat carries.

    Only for units that make heat and power together: a boiler's or a heat-only plant's
    fuel is all on its heat, whatever the method.

    Parameters
    ----------
    fuel_mwh, heat_mwh, power_mwh : array_like
        Fuel burnt (lower heating value), heat delivered and net power produced, >= 0, in
        the same shape (e.g. hours × units). [MWh]
    method : {"200%", "125%", "energy"}
        The convention; see the module documentation.

    Returns
    -------
    numpy.ndarray
        Fuel on the heat, within [0, fuel]; the power carries ``fuel − fuel_on_heat``. [MWh]

    Raises
    ------
    ValueError
        An unknown method, a negative or non-finite amount, or shapes that differ.

    Examples
    --------
    An extraction plant burning 100 MWh of coal for 40 MWh of power and 50 MWh of heat:

    >>> [float(fuel_to_heat(100.0, 50.0, 40.0, m)) for m in ALLOCATION_METHODS]
    [25.0, 40.0, 55.55555555555556]
    """
    if method not in ALLOCATION_METHODS:
        raise ValueError(f"method = {method!r}: expected one of {', '.join(ALLOCATION_METHODS)}")
    fuel = number_array("fuel_mwh", fuel_mwh, nonneg=True, unit="MWh")
    heat = number_array("heat_mwh", heat_mwh, shape=fuel.shape, nonneg=True, unit="MWh")
    power = number_array("power_mwh", power_mwh, shape=fuel.shape, nonneg=True, unit="MWh")
    first_bad("heat_mwh + power_mwh", heat + power, (heat + power > 0.0) & (fuel == 0.0),
              "products without fuel: a CHP plant's heat and power need fuel_mwh > 0")
    if method == "energy":
        products = heat + power
        share = np.divide(heat, products, out=np.zeros_like(heat), where=products > 0.0)
        return fuel * share
    # heat without power (bypass, heat-only operation) carries the whole fuel, as under the energy method
    on_heat = np.minimum(heat / HEAT_EFFICIENCY[method], fuel)
    return np.where(power > 0.0, on_heat, np.where(heat > 0.0, fuel, 0.0))


def _per_unit(name: str, value, n_h: int, n_u: int, unit: str) -> np.ndarray:
    """A per-unit value, constant ``(n_u,)`` or hourly ``(n_h, n_u)``, as ``(n_h, n_u)``."""
    array = number_array(name, value, nonneg=True, unit=unit)
    if array.shape not in ((n_u,), (n_h, n_u)):
        raise ValueError(f"{name}: expected {n_u} values (one per unit) or {n_h} x {n_u} hourly values, "
                         f"got shape {array.shape}")
    return np.broadcast_to(array, (n_h, n_u))


def district_heat_co2(dispatch: Mapping[str, np.ndarray], *, fuel_per_heat, power_per_heat, fuel_factor_t_per_mwh,
                      electricity_per_heat, grid_t_per_mwh, method: str = "200%", initial_mwh: float = 0.0,
                      initial_factor_t_per_mwh: float | None = None) -> dict[str, np.ndarray]:
    """Hourly CO2 of the heat a network delivers, from its dispatch.

    Parameters
    ----------
    dispatch : mapping
        :func:`smartcity.energy.heat_dispatch.heat_dispatch`'s result: ``production``
        (n_h, n_u), ``charge``, ``discharge``, ``level``, ``dumped`` and ``unmet`` (n_h,). [MW], [MWh]
    fuel_per_heat : (n_u,) or (n_h, n_u) array_like
        Fuel burnt per heat produced (1 / heat efficiency; 0 for units burning nothing), >= 0. [1]
    power_per_heat : (n_u,) array_like
        Net power per heat of CHP units (c_b), 0 for the others, >= 0. [1]
    fuel_factor_t_per_mwh : (n_u,) array_like
        CO2 per MWh of fuel (waste: its fossil part), >= 0. [t/MWh]
    electricity_per_heat : (n_u,) or (n_h, n_u) array_like
        Electricity used per heat (1 / COP of heat pumps, 1 / efficiency of electric
        boilers, 0 for the others), >= 0. [1]
    grid_t_per_mwh : (n_h,) array_like
        CO2 intensity of grid electricity each hour, >= 0. [t/MWh]
    method : {"200%", "125%", "energy"}
        How CHP fuel is split (:func:`fuel_to_heat`).
    initial_mwh : float
        Heat in the storage at the start (the dispatch's storage ``initial_mwh``), >= 0. [MWh]
    initial_factor_t_per_mwh : float, optional
        CO2 per MWh of that heat; default the year's mean intensity of production. [t/MWh]

    Returns
    -------
    dict of str to numpy.ndarray
        ``unit_co2`` (n_h, n_u): CO2 on each unit's heat [t]; each (n_h,): ``produced_co2``
        and ``delivered_co2`` (after the storage) [t], ``stored_co2`` (at the end of the
        hour) [t], ``factor`` (delivered CO2 per MWh of heat served; NaN in hours serving
        none) [t/MWh].

    Examples
    --------
    One hour, a coal CHP plant (fuel 2.5 × heat, power 0.9 × heat, 0.34 t/MWh) and a heat
    pump (COP 3) on a 0.2 t/MWh grid, 50 MW each:

    >>> d = {"production": np.array([[50.0, 50.0]]), "charge": np.zeros(1), "discharge": np.zeros(1),
    ...      "level": np.zeros(1), "dumped": np.zeros(1), "unmet": np.zeros(1)}
    >>> co2 = district_heat_co2(d, fuel_per_heat=[2.5, 0.0], power_per_heat=[0.9, 0.0],
    ...                         fuel_factor_t_per_mwh=[0.34, 0.0], electricity_per_heat=[0.0, 1 / 3],
    ...                         grid_t_per_mwh=[0.2])
    >>> co2["unit_co2"].round(3).tolist(), co2["factor"].round(4).tolist()
    ([[8.5, 3.333]], [0.1183])
    """
    production = number_array("production", dispatch["production"], ndim=2, nonneg=True, unit="MW")
    n_h, n_u = production.shape
    series = {key: number_array(key, dispatch[key], shape=(n_h,), nonneg=True, unit="MW")
              for key in ("charge", "discharge", "level", "dumped", "unmet")}
    fuel = production * _per_unit("fuel_per_heat", fuel_per_heat, n_h, n_u, "1")
    power = production * _per_unit("power_per_heat", power_per_heat, n_h, n_u, "1")
    factor = number_array("fuel_factor_t_per_mwh", fuel_factor_t_per_mwh, shape=(n_u,), nonneg=True, unit="t/MWh")
    electricity = production * _per_unit("electricity_per_heat", electricity_per_heat, n_h, n_u, "1")
    grid = number_array("grid_t_per_mwh", grid_t_per_mwh, shape=(n_h,), nonneg=True, unit="t/MWh")
    stored0 = number("initial_mwh", initial_mwh, low=0.0, unit="MWh")
    chp = power > 0.0
    on_heat = np.where(chp, fuel_to_heat(np.where(chp, fuel, 1.0), production, power, method), fuel)
    unit_co2 = on_heat * factor + electricity * grid[:, None]
    produced = unit_co2.sum(axis=1)
    heat = production.sum(axis=1)
    if initial_factor_t_per_mwh is None:
        total_heat = heat.sum()
        initial_factor = produced.sum() / total_heat if total_heat > 0.0 else 0.0
    else:
        initial_factor = number("initial_factor_t_per_mwh", initial_factor_t_per_mwh, low=0.0, unit="t/MWh")
    intensity = np.divide(produced, heat, out=np.zeros(n_h), where=heat > 0.0)

    delivered = np.empty(n_h)
    stored = np.empty(n_h)
    carry_through_storage(series["charge"], series["discharge"], series["level"], intensity, produced,
                          stored0 * initial_factor, delivered, stored)
    charge, discharge = series["charge"], series["discharge"]
    served = heat + discharge - charge - series["dumped"]
    return {
        "unit_co2": unit_co2,
        "produced_co2": produced,
        "delivered_co2": delivered,
        "stored_co2": stored,
        "factor": np.divide(delivered, served, out=np.full(n_h, np.nan), where=served > 1e-12 * np.maximum(heat, 1.0)),
    }


@numba.njit(cache=True)
def carry_through_storage(charge, discharge, level, intensity, produced, carbon, delivered, stored):
    """Carry the CO2 of stored heat from the hour it is produced to the hour it is delivered.

    Sequential (each hour's stored intensity depends on the last): the heat charged takes
    the hour's production ``intensity`` along; a discharge takes the storage's share
    ``discharge / (level + discharge)`` of its CO2 (all of it when emptied, to the last bit).
    Fills ``delivered`` (CO2 on the heat served in the hour) and ``stored`` (CO2 in the
    storage at the end of the hour) [t]; ``carbon`` is the CO2 in the storage at the start [t].
    The plain-Python loop in ``tests/energy/test_heat_allocation.py`` is its reference.
    """
    for h in range(charge.shape[0]):
        into = charge[h] * intensity[h]
        carbon += into
        out = 0.0
        if discharge[h] > 0.0:
            share = discharge[h] / (level[h] + discharge[h])  # of the content just before the discharge
            out = carbon if share >= 1.0 - 1e-12 else carbon * share
            carbon -= out
        delivered[h] = produced[h] - into + out
        stored[h] = carbon


def warmup() -> None:
    """Compile the storage kernel into numba's on-disk cache."""
    one = np.ones(2)
    carry_through_storage(one, one, one, one, one, 0.0, np.empty(2), np.empty(2))
