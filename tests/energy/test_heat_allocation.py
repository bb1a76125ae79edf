"""The split of CHP fuel between heat and power under the three Danish conventions."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smartcity.energy.heat_allocation import ALLOCATION_METHODS, fuel_to_heat

amounts = st.floats(0.0, 1e4)


@st.composite
def plants(draw):
    """A CHP hour: fuel, and heat and power with a total efficiency of 40-105 % (condensing)."""
    fuel = draw(st.floats(1.0, 1e4))
    total = fuel * draw(st.floats(0.4, 1.05))
    heat_share = draw(st.floats(0.0, 1.0))
    return fuel, total * heat_share, total * (1.0 - heat_share)


@settings(max_examples=300, deadline=None)
@given(plants())
def test_the_heat_carries_a_part_of_the_fuel_and_the_methods_rank(plant):
    fuel, heat, power = plant
    split = {m: float(fuel_to_heat(fuel, heat, power, m)) for m in ALLOCATION_METHODS}
    for m, on_heat in split.items():
        assert 0.0 <= on_heat <= fuel, m
    # counting the heat at 200 % efficiency puts less fuel on it than at 125 %
    assert split["200%"] <= split["125%"]
    # the energy method gives the heat its share of the products
    assert split["energy"] == pytest.approx(fuel * heat / (heat + power) if heat + power else 0.0, rel=1e-12)


@settings(max_examples=200, deadline=None)
@given(plants(), st.floats(50.0, 400.0))
def test_under_the_efficiency_methods_the_heat_factor_does_not_depend_on_the_plant(plant, fuel_factor):
    """200 %: heat emits half the fuel's factor per MWh, 125 %: 80 %, whatever the plant's efficiencies."""
    fuel, heat, power = plant
    if heat < 1e-6 * fuel:
        return
    for method, ratio in (("200%", 0.5), ("125%", 0.8)):
        on_heat = float(fuel_to_heat(fuel, heat, power, method))
        if on_heat < fuel:  # not capped by the fuel
            assert on_heat * fuel_factor / heat == pytest.approx(ratio * fuel_factor, rel=1e-12)


def test_an_extraction_plant_by_hand():
    # 100 MWh coal -> 40 MWh power + 50 MWh heat
    fuel, heat, power = 100.0, 50.0, 40.0
    assert fuel_to_heat(fuel, heat, power, "200%") == 25.0  # 50 / 2
    assert fuel_to_heat(fuel, heat, power, "125%") == 40.0  # 50 / 1.25
    assert fuel_to_heat(fuel, heat, power, "energy") == pytest.approx(100.0 * 50.0 / 90.0)


def test_a_plant_in_bypass_puts_all_its_fuel_on_the_heat_under_every_method():
    for method in ALLOCATION_METHODS:
        assert fuel_to_heat(100.0, 95.0, 0.0, method) == 100.0, method
        assert fuel_to_heat(100.0, 0.0, 0.0, method) == 0.0, method  # no products: nothing to carry
    # with some power the efficiency methods apply, capped by the fuel (a condensing plant above 100 %)
    assert fuel_to_heat(100.0, 95.0, 1.0, "125%") == 76.0
    assert fuel_to_heat([100.0], [130.0], [1.0], "125%").tolist() == [100.0]


def test_arrays_of_hours_and_units_keep_their_shape():
    fuel = np.array([[100.0, 0.0], [50.0, 10.0]])
    heat = np.array([[50.0, 0.0], [25.0, 9.0]])
    power = np.array([[40.0, 0.0], [20.0, 0.0]])
    out = fuel_to_heat(fuel, heat, power)
    assert out.shape == (2, 2)
    np.testing.assert_array_equal(out, [[25.0, 0.0], [12.5, 10.0]])  # the last hour in bypass: all fuel on heat


@pytest.mark.parametrize(("args", "method", "message"), [
    ((100.0, 50.0, 40.0), "50%", r"method = '50%': expected one of 200%, 125%, energy"),
    ((-1.0, 50.0, 40.0), "200%", r"fuel_mwh = -1.0: must be >= 0 \[MWh\]"),
    ((100.0, np.inf, 40.0), "200%", r"heat_mwh = inf: must be a finite number"),
    (([1.0, 2.0], [1.0], [1.0, 1.0]), "200%", r"heat_mwh: expected shape \(2,\)"),
    (([1.0, 0.0], [1.0, 2.0], [0.0, 1.0]), "energy", r"heat_mwh \+ power_mwh\[1\] = 3.0: products without fuel"),
])
def test_bad_arguments_are_named(args, method, message):
    with pytest.raises(ValueError, match=message):
        fuel_to_heat(*args, method=method)
