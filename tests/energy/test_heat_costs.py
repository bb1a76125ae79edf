"""Marginal cost of heat by unit type, and the merit order it gives the dispatch."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smartcity.energy.heat_costs import boiler_heat_cost, chp_heat_cost, electric_heat_cost, fuel_cost_per_mwh_fuel
from smartcity.energy.heat_dispatch import heat_dispatch
from smartcity.energy.large_heat_pump import large_heat_pump_cop

prices = st.floats(-50.0, 500.0)


@settings(max_examples=200, deadline=None)
@given(st.floats(-30.0, 100.0), st.floats(0.2, 1.05), prices)
def test_a_chp_plant_without_power_costs_what_a_boiler_does(fuel_cost, eta, price):
    assert float(chp_heat_cost(fuel_cost, eta, 0.0, price)) == pytest.approx(float(boiler_heat_cost(fuel_cost, eta)))


@settings(max_examples=200, deadline=None)
@given(prices, st.floats(1.0, 6.0), st.floats(0.1, 1.2))
def test_power_moves_the_heat_costs_of_chp_and_heat_pumps_in_opposite_directions(price, cop, ratio):
    step = 10.0
    chp = chp_heat_cost(30.0, 0.45, ratio, [price, price + step])
    pump = electric_heat_cost([price, price + step], cop)
    assert chp[1] - chp[0] == pytest.approx(-ratio * step)  # each MWh of heat sells `ratio` MWh of power
    assert pump[1] - pump[0] == pytest.approx(step / cop)  # and the heat pump buys 1 / COP


def test_the_fuel_cost_adds_tax_and_allowances():
    gas = fuel_cost_per_mwh_fuel([25.0, 40.0], fuel_tax_eur_per_mwh=10.0, co2_price_eur_per_t=[80.0, 100.0],
                                 emission_factor_t_per_mwh=0.202)
    np.testing.assert_allclose(gas, [25.0 + 10.0 + 80.0 * 0.202, 40.0 + 10.0 + 100.0 * 0.202])
    # waste: the plant is paid to take it (a negative price), no allowance for the biogenic part
    assert float(fuel_cost_per_mwh_fuel(-15.0)) == -15.0


def test_the_electricity_price_decides_between_the_chp_plant_and_the_heat_pump():
    """Cheap power: the heat pump runs; dear power: the CHP plant (its power pays for its heat)."""
    price = np.array([10.0, 200.0])  # EUR/MWh of electricity in two hours
    cop = large_heat_pump_cop(80.0, 45.0, 6.0, 3.0, 0.55)  # about 3.2
    # coal at 35 EUR/MWh with allowances at 80 EUR/t (0.34 t/MWh: IPCC 2006 default 94.6 t/TJ): heat at
    # 138 - 0.8 x price EUR/MWh; the heat pump's at price / 3.2
    cost = np.column_stack([chp_heat_cost(fuel_cost_per_mwh_fuel(35.0, co2_price_eur_per_t=80.0,
                                                                  emission_factor_t_per_mwh=0.34), 0.45, 0.8, price),
                            electric_heat_cost(price, cop)])
    d = heat_dispatch([60.0, 60.0], [[100.0, 100.0]] * 2, cost, [False, False])
    assert d["production"].tolist() == [[0.0, 60.0], [60.0, 0.0]]


@pytest.mark.parametrize(("call", "message"), [
    (lambda: boiler_heat_cost(50.0, 0.0), r"efficiency = 0.0: must be > 0 \[1\]"),
    (lambda: boiler_heat_cost(50.0, 0.9, variable_om_eur_per_mwh=-1.0),
     r"variable_om_eur_per_mwh = -1.0: must be >= 0"),
    (lambda: electric_heat_cost(50.0, [3.0, 0.0]), r"cop\[1\] = 0.0: must be > 0"),
    (lambda: electric_heat_cost(np.nan, 3.0), r"electricity_price_eur_per_mwh = nan: must be a finite number"),
    (lambda: chp_heat_cost(30.0, 0.4, -0.1, 50.0), r"power_to_heat = -0.1: must be >= 0"),
    (lambda: fuel_cost_per_mwh_fuel(30.0, co2_price_eur_per_t=-5.0), r"co2_price_eur_per_t = -5.0: must be >= 0"),
    (lambda: fuel_cost_per_mwh_fuel(30.0, emission_factor_t_per_mwh=-0.1), r"emission_factor_t_per_mwh = -0.1"),
])
def test_bad_arguments_are_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()
