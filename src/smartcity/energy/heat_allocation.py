"""The fuel of combined heat and power plants split between heat and power.

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

References
----------
.. [1] Bekendtgørelse om fjernvarmedeklaration, BEK nr. 2251 af 29/12/2020 (Energistyrelsen):
   fuel mix, renewable share and emissions of district heat on the heat bills.
.. [2] Fjernvarme Fyn, Varedeklaration 2019-2020 and 2023: emissions split between power and
   heat by the 200 % method, "as the industry standard" (``../shared/FACTS.md``).
.. [3] Energinet, Miljødeklarationer for el (environmental declarations of electricity),
   125 % method for CHP (``../shared/FACTS.md``).
"""

from __future__ import annotations

import numpy as np

from smartcity.checks import first_bad, number_array

__all__ = ["ALLOCATION_METHODS", "HEAT_EFFICIENCY", "fuel_to_heat"]

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
