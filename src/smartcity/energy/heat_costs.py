"""Short-run marginal cost of heat of district-heating production units, hour by hour.

What one more MWh of heat costs each unit decides the merit order of
:func:`smartcity.energy.heat_dispatch.heat_dispatch`. Per MWh of heat:

fuel boilers
    ``(fuel price + fuel tax + CO2 price × emission factor) / efficiency + variable O&M``
electric boilers and heat pumps
    ``(electricity price + electricity tax) / (efficiency or COP) + variable O&M``
back-pressure CHP (and extraction CHP run heat-led, on its back-pressure line)
    the boiler's expression with the heat efficiency (heat per fuel), minus the power sold
    with the heat: ``power-to-heat ratio × electricity price``

so that a CHP plant's heat is cheap when power is dear and a heat pump's when power is
cheap, as in EnergyPLAN's market-economic dispatch [1]_. Prices are per MWh of the energy
bought (fuel at its lower heating value); a negative electricity price makes electric heat
earn money, which is what it does.

References
----------
.. [1] Lund, H., Thellufsen, J. Z. et al. (2021). EnergyPLAN - Advanced analysis of smart
   energy systems. Smart Energy 1, 100007. https://doi.org/10.1016/j.segy.2021.100007
"""

from __future__ import annotations

import numpy as np

from smartcity.checks import number, number_array

__all__ = ["fuel_cost_per_mwh_fuel", "boiler_heat_cost", "electric_heat_cost", "chp_heat_cost"]


def fuel_cost_per_mwh_fuel(fuel_price_eur_per_mwh, *, fuel_tax_eur_per_mwh=0.0, co2_price_eur_per_t=0.0,
                           emission_factor_t_per_mwh: float = 0.0) -> np.ndarray:
    """What burning one MWh of fuel costs: price, tax and the CO2 allowance. [EUR/MWh]

    Parameters
    ----------
    fuel_price_eur_per_mwh : float or (n_h,) array_like
        Fuel price at the plant, per MWh at the lower heating value. [EUR/MWh]
    fuel_tax_eur_per_mwh : float or (n_h,) array_like
        Energy and CO2 taxes on the fuel for heat, >= 0. [EUR/MWh]
    co2_price_eur_per_t : float or (n_h,) array_like
        Price of an emission allowance, >= 0. [EUR/t]
    emission_factor_t_per_mwh : float
        CO2 per MWh of fuel, >= 0 (natural gas: 0.202, the IPCC 2006 default of 56.1 t/TJ). [t/MWh]

    Examples
    --------
    >>> float(fuel_cost_per_mwh_fuel(30.0, fuel_tax_eur_per_mwh=5.0, co2_price_eur_per_t=80.0,
    ...                              emission_factor_t_per_mwh=0.2))
    51.0
    """
    price = number_array("fuel_price_eur_per_mwh", fuel_price_eur_per_mwh, unit="EUR/MWh")
    tax = number_array("fuel_tax_eur_per_mwh", fuel_tax_eur_per_mwh, nonneg=True, unit="EUR/MWh")
    co2 = number_array("co2_price_eur_per_t", co2_price_eur_per_t, nonneg=True, unit="EUR/t")
    factor = number("emission_factor_t_per_mwh", emission_factor_t_per_mwh, low=0.0, unit="t/MWh")
    return price + tax + co2 * factor


def boiler_heat_cost(fuel_cost_eur_per_mwh, efficiency: float, *, variable_om_eur_per_mwh: float = 0.0
                     ) -> np.ndarray:
    """Marginal cost of heat of a fuel boiler. [EUR/MWh heat]

    Parameters
    ----------
    fuel_cost_eur_per_mwh : float or (n_h,) array_like
        :func:`fuel_cost_per_mwh_fuel`. [EUR/MWh fuel]
    efficiency : float
        Heat per fuel (lower heating value), in (0, 1.1] (condensing boilers exceed 1). [1]
    variable_om_eur_per_mwh : float
        Variable operation and maintenance per MWh of heat, >= 0. [EUR/MWh]

    Examples
    --------
    >>> float(boiler_heat_cost(51.0, 0.85, variable_om_eur_per_mwh=2.0))
    62.0
    """
    cost = number_array("fuel_cost_eur_per_mwh", fuel_cost_eur_per_mwh, unit="EUR/MWh")
    eta = number("efficiency", efficiency, low=0.0, low_open=True, high=1.1, unit="1")
    om = number("variable_om_eur_per_mwh", variable_om_eur_per_mwh, low=0.0, unit="EUR/MWh")
    return cost / eta + om


def electric_heat_cost(electricity_price_eur_per_mwh, cop, *, electricity_tax_eur_per_mwh=0.0,
                       variable_om_eur_per_mwh: float = 0.0) -> np.ndarray:
    """Marginal cost of heat of a heat pump (``cop``) or an electric boiler (its efficiency). [EUR/MWh heat]

    Parameters
    ----------
    electricity_price_eur_per_mwh : float or (n_h,) array_like
        Hourly electricity price; may be negative. [EUR/MWh]
    cop : float or (n_h,) array_like
        Heat per electricity, > 0 (an electric boiler's efficiency, about 0.99). [1]
    electricity_tax_eur_per_mwh : float or (n_h,) array_like
        Taxes and tariffs on the electricity, >= 0. [EUR/MWh]
    variable_om_eur_per_mwh : float
        Per MWh of heat, >= 0. [EUR/MWh]

    Examples
    --------
    >>> electric_heat_cost([-10.0, 40.0, 100.0], 3.0, electricity_tax_eur_per_mwh=20.0).round(3).tolist()
    [3.333, 20.0, 40.0]
    """
    price = number_array("electricity_price_eur_per_mwh", electricity_price_eur_per_mwh, unit="EUR/MWh")
    cop = number_array("cop", cop, low=0.0, strict=True, unit="1")
    tax = number_array("electricity_tax_eur_per_mwh", electricity_tax_eur_per_mwh, nonneg=True, unit="EUR/MWh")
    om = number("variable_om_eur_per_mwh", variable_om_eur_per_mwh, low=0.0, unit="EUR/MWh")
    return (price + tax) / cop + om


def chp_heat_cost(fuel_cost_eur_per_mwh, heat_efficiency: float, power_to_heat: float,
                  electricity_price_eur_per_mwh, *, variable_om_eur_per_mwh: float = 0.0) -> np.ndarray:
    """Marginal cost of heat of a CHP plant run heat-led, net of the power sold with it. [EUR/MWh heat]

    Parameters
    ----------
    fuel_cost_eur_per_mwh : float or (n_h,) array_like
        :func:`fuel_cost_per_mwh_fuel` (for waste, the negative gate fee). [EUR/MWh fuel]
    heat_efficiency : float
        Heat per fuel, in (0, 1.1]. [1]
    power_to_heat : float
        Net power per heat on the back-pressure line (c_b), >= 0. [1]
    electricity_price_eur_per_mwh : float or (n_h,) array_like
        Hourly price the power is sold at. [EUR/MWh]
    variable_om_eur_per_mwh : float
        Per MWh of heat, >= 0. [EUR/MWh]

    Examples
    --------
    A coal plant: 40 MWh of heat and 36 of power per 100 MWh of coal (c_b = 0.9), coal with
    its allowance at 30 EUR/MWh, power at 50 or 120 EUR/MWh:

    >>> chp_heat_cost(30.0, 0.4, 0.9, [50.0, 120.0]).tolist()
    [30.0, -33.0]
    """
    eta = number("heat_efficiency", heat_efficiency, low=0.0, low_open=True, high=1.1, unit="1")
    ratio = number("power_to_heat", power_to_heat, low=0.0, unit="1")
    price = number_array("electricity_price_eur_per_mwh", electricity_price_eur_per_mwh, unit="EUR/MWh")
    return boiler_heat_cost(fuel_cost_eur_per_mwh, eta, variable_om_eur_per_mwh=variable_om_eur_per_mwh) - ratio * price
