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


# --------------------------------------------------------------------------------------
# CO2 of the heat delivered, hour by hour
# --------------------------------------------------------------------------------------

from smartcity.energy.heat_allocation import district_heat_co2  # noqa: E402
from smartcity.energy.heat_dispatch import HeatStorage, heat_dispatch  # noqa: E402
from tests.energy.heat_systems import synthetic_network  # noqa: E402

#: Per unit of the synthetic network (tests/energy/heat_systems.py): fuel per heat, power per heat,
#: CO2 per MWh of fuel [t/MWh], electricity per heat. Waste: fossil part 0.4 of 0.33 t/MWh (illustrative).
SYNTHETIC_UNITS = np.array([
    (1 / 0.85, 0.25, 0.4 * 0.33, 0.0),  # waste CHP
    (0.0, 0.0, 0.0, 0.0),  # surplus heat
    (1 / 0.45, 0.8, 0.341, 0.0),  # coal CHP
    (0.0, 0.0, 0.0, 1 / 3.2),  # seawater heat pump
    (0.0, 0.0, 0.0, 1 / 2.6),  # air heat pump
    (0.0, 0.0, 0.0, 1 / 0.99),  # electric boiler
    (1 / 0.9, 0.0, 0.0, 0.0),  # wood chips (biogenic: 0)
    (1 / 0.95, 0.0, 0.202, 0.0),  # gas boiler
    (1 / 0.92, 0.0, 0.202, 0.0),  # gas boiler, reserve
    (1 / 0.9, 0.0, 0.267, 0.0),  # oil boiler
])


def _co2(dispatch, grid, method="200%", initial_mwh=0.0, **kwargs):
    fuel, power, factor, electricity = SYNTHETIC_UNITS.T
    return district_heat_co2(dispatch, fuel_per_heat=fuel, power_per_heat=power, fuel_factor_t_per_mwh=factor,
                             electricity_per_heat=electricity, grid_t_per_mwh=grid, method=method,
                             initial_mwh=initial_mwh, **kwargs)


def test_the_storage_moves_co2_between_hours_but_loses_none():
    net = synthetic_network()
    d = heat_dispatch(net["demand"], net["capacity"], net["cost"], net["must_run"], net["storage"])
    grid = 0.05 + 0.25 * np.random.default_rng(1).random(len(net["demand"]))
    co2 = _co2(d, grid, initial_mwh=net["storage"].initial_mwh, initial_factor_t_per_mwh=0.1)
    start = net["storage"].initial_mwh * 0.1
    # delivered + what ends in the storage = produced + what it held at the start
    assert co2["delivered_co2"].sum() + co2["stored_co2"][-1] == pytest.approx(co2["produced_co2"].sum() + start,
                                                                               rel=1e-12)
    assert np.all(co2["stored_co2"] >= 0.0)
    assert not np.allclose(co2["delivered_co2"], co2["produced_co2"])  # the storage does shift CO2


def test_without_a_storage_each_hour_delivers_what_it_produced():
    net = synthetic_network(hours=24 * 30)
    d = heat_dispatch(net["demand"], net["capacity"], net["cost"], net["must_run"])
    co2 = _co2(d, np.full(len(net["demand"]), 0.15))
    np.testing.assert_allclose(co2["delivered_co2"], co2["produced_co2"], rtol=1e-12)
    served = net["demand"] - d["unmet"]
    np.testing.assert_allclose(co2["factor"], co2["produced_co2"] / served, rtol=1e-12)


def test_heat_from_the_storage_carries_the_intensity_it_was_charged_with():
    """Hour 0: a heat pump on a clean grid charges 10 MWh; hour 1: a gas boiler and the storage serve."""
    d = heat_dispatch([10.0, 30.0], [[30.0, 20.0], [30.0, 20.0]], [[5.0, 60.0], [80.0, 60.0]], [False, False],
                      HeatStorage(10.0, 10.0, 10.0), window_hours=2)
    assert d["charge"].tolist() == [10.0, 0.0] and d["discharge"].tolist() == [0.0, 10.0]
    co2 = district_heat_co2(d, fuel_per_heat=[0.0, 1 / 0.95], power_per_heat=[0.0, 0.0],
                            fuel_factor_t_per_mwh=[0.0, 0.202], electricity_per_heat=[1 / 3.0, 0.0],
                            grid_t_per_mwh=[0.03, 0.3])
    # hour 0: 20 MWh of heat-pump heat at 0.01 t/MWh, half of it stored
    assert co2["factor"][0] == pytest.approx(0.01)
    assert co2["stored_co2"].tolist() == pytest.approx([0.1, 0.0])
    # hour 1: 20 MWh of gas heat at 0.202 / 0.95 t/MWh and the 10 stored at 0.01
    assert co2["delivered_co2"][1] == pytest.approx(20 * 0.202 / 0.95 + 0.1)
    assert co2["factor"][1] == pytest.approx((20 * 0.202 / 0.95 + 0.1) / 30)


def test_the_chp_method_changes_the_heat_factor_as_the_conventions_rank():
    net = synthetic_network(hours=24 * 30)
    d = heat_dispatch(net["demand"], net["capacity"], net["cost"], net["must_run"])
    grid = np.full(len(net["demand"]), 0.15)
    total = {m: _co2(d, grid, m)["delivered_co2"].sum() for m in ALLOCATION_METHODS}
    assert total["200%"] < total["125%"]
    assert total["200%"] < total["energy"]


def test_a_heat_pump_network_emits_the_grid_over_the_cop():
    d = {"production": np.array([[40.0], [40.0]]), "charge": np.zeros(2), "discharge": np.zeros(2),
         "level": np.zeros(2), "dumped": np.zeros(2), "unmet": np.zeros(2)}
    co2 = district_heat_co2(d, fuel_per_heat=[0.0], power_per_heat=[0.0], fuel_factor_t_per_mwh=[0.0],
                            electricity_per_heat=np.array([[1 / 3.0], [1 / 2.0]]), grid_t_per_mwh=[0.3, 0.1])
    np.testing.assert_allclose(co2["factor"], [0.1, 0.05])


def test_co2_inputs_are_checked():
    d = {"production": np.ones((2, 1)), "charge": np.zeros(2), "discharge": np.zeros(2), "level": np.zeros(2),
         "dumped": np.zeros(2), "unmet": np.zeros(2)}
    args = {"fuel_per_heat": [1.0], "power_per_heat": [0.0], "fuel_factor_t_per_mwh": [0.2],
            "electricity_per_heat": [0.0], "grid_t_per_mwh": [0.1, 0.1]}
    with pytest.raises(ValueError, match=r"fuel_per_heat: expected 1 values \(one per unit\) or 2 x 1 hourly"):
        district_heat_co2(d, **{**args, "fuel_per_heat": [1.0, 2.0]})
    with pytest.raises(ValueError, match=r"grid_t_per_mwh\[1\] = -0.1: must be >= 0"):
        district_heat_co2(d, **{**args, "grid_t_per_mwh": [0.1, -0.1]})
    with pytest.raises(ValueError, match=r"method = 'x'"):
        district_heat_co2(d, **{**args, "power_per_heat": [0.5]}, method="x")


def _carry_reference(charge, discharge, level, intensity, produced, carbon):
    """Plain Python: the CO2 carried through the storage, hour by hour (reference of the numba kernel)."""
    delivered, stored = [], []
    for h in range(len(charge)):
        into = charge[h] * intensity[h]
        carbon += into
        out = 0.0
        if discharge[h] > 0.0:
            share = discharge[h] / (level[h] + discharge[h])
            out = carbon if share >= 1.0 - 1e-12 else carbon * share
            carbon -= out
        delivered.append(produced[h] - into + out)
        stored.append(carbon)
    return np.array(delivered), np.array(stored)


def test_the_storage_kernel_matches_its_plain_python_reference():
    """Same operations in the same order: equal to the last bit on the synthetic year."""
    from smartcity.energy.heat_allocation import carry_through_storage

    net = synthetic_network()
    d = heat_dispatch(net["demand"], net["capacity"], net["cost"], net["must_run"], net["storage"])
    rng = np.random.default_rng(3)
    intensity = rng.random(len(net["demand"]))
    produced = d["production"].sum(axis=1) * intensity
    delivered, stored = np.empty(len(intensity)), np.empty(len(intensity))
    carry_through_storage(d["charge"], d["discharge"], d["level"], intensity, produced, 12.5, delivered, stored)
    ref_delivered, ref_stored = _carry_reference(d["charge"], d["discharge"], d["level"], intensity, produced, 12.5)
    np.testing.assert_array_equal(delivered, ref_delivered)
    np.testing.assert_array_equal(stored, ref_stored)
