"""The hourly heat dispatch: its kernel against the plain-Python reference, and the invariants
of every dispatch (energy balance, limits, merit order, storage)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smartcity.energy.heat_dispatch import OUTPUTS, HeatStorage, heat_dispatch, storage_loss_per_hour
from tests.energy.heat_systems import synthetic_network
from tests.energy.reference_heat_dispatch import reference_heat_dispatch

# Kernel and reference follow the same rule with different arithmetic: the threshold's moving
# mean (prefix sums against a sum per window) and the cheap capacity (summed in merit order
# against unit order) differ in the last bits. Both treat costs within 1e-9 of the threshold
# as equal to it, so these bits never decide a comparison; 1e-9 MW on flows of up to
# hundreds of MW is far above the rounding of either.
ATOL = 1e-9


def _system(draw, n_h, n_u):
    demand = draw(st.lists(st.floats(0.0, 100.0), min_size=n_h, max_size=n_h))
    capacity = draw(st.lists(st.lists(st.floats(0.0, 60.0), min_size=n_u, max_size=n_u), min_size=n_h, max_size=n_h))
    # costs from a small set, so that ties in the merit order and with the threshold occur; 0.1 and 0.7
    # have no exact binary form, so means of equal costs differ from them in the last bits
    cost = draw(st.lists(st.lists(st.sampled_from([-5.0, 0.0, 0.1, 0.7, 10.0, 10.0, 25.5, 40.0, 90.0]), min_size=n_u,
                                  max_size=n_u), min_size=n_h, max_size=n_h))
    must_run = draw(st.lists(st.booleans(), min_size=n_u, max_size=n_u))
    cap = draw(st.sampled_from([0.0, 10.0, 150.0]))
    storage = HeatStorage(cap, draw(st.sampled_from([5.0, 30.0])) if cap else 0.0,
                          draw(st.sampled_from([5.0, 30.0])) if cap else 0.0,
                          draw(st.sampled_from([0.0, 0.02, 0.5])), draw(st.floats(0.0, cap)) if cap else 0.0)
    return (np.array(demand), np.array(capacity).reshape(n_h, n_u), np.array(cost).reshape(n_h, n_u),
            np.array(must_run, dtype=bool), storage, draw(st.integers(1, 30)))


@st.composite
def systems(draw):
    return _system(draw, draw(st.integers(1, 48)), draw(st.integers(1, 6)))


def _run(system):
    demand, capacity, cost, must_run, storage, window = system
    return heat_dispatch(demand, capacity, cost, must_run, storage, window_hours=window)


def _reference(system):
    demand, capacity, cost, must_run, storage, window = system
    return reference_heat_dispatch(demand, capacity, cost, must_run, storage_mwh=storage.capacity_mwh,
                                   charge_mw=storage.charge_mw, discharge_mw=storage.discharge_mw,
                                   loss_per_day=storage.loss_per_day, initial_mwh=storage.initial_mwh,
                                   window_hours=window)


@settings(max_examples=300, deadline=None)
@given(systems())
def test_kernel_matches_the_plain_python_reference(system):
    got, want = _run(system), _reference(system)
    for key in OUTPUTS:
        np.testing.assert_allclose(got[key], want[key], rtol=0.0, atol=ATOL, equal_nan=True, err_msg=key)


def test_kernel_matches_the_reference_on_a_city_network_year():
    net = synthetic_network(hours=24 * 60)
    system = (net["demand"], net["capacity"], net["cost"], net["must_run"], net["storage"], 168)
    got, want = _run(system), _reference(system)
    for key in OUTPUTS:
        np.testing.assert_allclose(got[key], want[key], rtol=1e-12, atol=ATOL, equal_nan=True, err_msg=key)
    assert got["charge"].sum() > 0 and got["discharge"].sum() > 0  # the storage is used both ways


@settings(max_examples=300, deadline=None)
@given(systems())
def test_every_hour_balances_and_every_limit_holds(system):
    demand, capacity, cost, must_run, storage, _ = system
    d = _run(system)
    p = d["production"]
    # production + discharge - charge - dumped + unmet = demand, to 1e-9 relative
    supplied = p.sum(axis=1) + d["discharge"] - d["charge"] - d["dumped"] + d["unmet"]
    np.testing.assert_allclose(supplied, demand, rtol=1e-9, atol=1e-9)
    before = np.concatenate([[storage.initial_mwh], d["level"][:-1]])
    np.testing.assert_allclose(d["level"], before - d["loss"] + d["charge"] - d["discharge"], rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(d["loss"], before * storage_loss_per_hour(storage.loss_per_day), rtol=1e-12,
                               atol=1e-12)
    tol = 1e-9
    assert np.all(p >= -tol) and np.all(p <= capacity + tol)
    np.testing.assert_array_equal(p[:, must_run], capacity[:, must_run])  # must-run units run at capacity
    assert np.all(d["level"] >= -tol) and np.all(d["level"] <= storage.capacity_mwh + tol)
    assert np.all(d["charge"] <= storage.charge_mw + tol) and np.all(d["discharge"] <= storage.discharge_mw + tol)
    assert not np.any((d["charge"] > 0) & (d["discharge"] > 0))
    assert np.all(d["dumped"] >= 0) and np.all(d["unmet"] >= 0)
    assert not np.any((d["dumped"] > 0) & (d["unmet"] > 0))
    # heat is dumped only when must-run heat exceeds the demand and the storage takes no more
    for h in np.flatnonzero(d["dumped"] > tol):
        assert p[h, must_run].sum() > demand[h]
        room = min(storage.charge_mw, storage.capacity_mwh - (d["level"][h] - d["charge"][h]))
        assert d["charge"][h] == pytest.approx(room, abs=1e-9)
    # unmet demand only when every dispatchable unit runs at capacity and the storage gives what it can
    for h in np.flatnonzero(d["unmet"] > tol):
        np.testing.assert_allclose(p[h], capacity[h], atol=tol)


@settings(max_examples=300, deadline=None)
@given(systems())
def test_merit_order_no_dearer_unit_runs_while_a_cheaper_one_has_room(system):
    _, capacity, cost, must_run, _, _ = system
    p = _run(system)["production"]
    for h in range(p.shape[0]):
        for u in np.flatnonzero(~must_run):
            for v in np.flatnonzero(~must_run):
                if cost[h, u] < cost[h, v] and p[h, v] > 1e-9:
                    assert p[h, u] == pytest.approx(capacity[h, u], abs=1e-9), (h, u, v)


def test_a_hand_computed_day_and_night():
    """Night: cheap CHP heat charges the storage; day: the storage displaces the oil boiler."""
    demand = [50.0, 100.0]
    capacity = [[80.0, 100.0], [80.0, 100.0]]
    cost = [[20.0, 100.0], [20.0, 100.0]]  # CHP at 20, oil boiler at 100 EUR/MWh
    storage = HeatStorage(capacity_mwh=40.0, charge_mw=25.0, discharge_mw=30.0)
    d = heat_dispatch(demand, capacity, cost, [False, False], storage, window_hours=2)
    # reference costs: hour 0 needs only the CHP (20), hour 1 the oil boiler (100); threshold of both: 60
    assert d["reference_cost"].tolist() == [20.0, 100.0]
    assert d["threshold"].tolist() == [60.0, 60.0]
    # hour 0: CHP serves 50 and charges 25 more (charge power); hour 1: the 20 the CHP cannot
    # serve (100 - 80) come from the storage, which keeps 5
    assert d["production"].tolist() == [[75.0, 0.0], [80.0, 0.0]]
    assert d["charge"].tolist() == [25.0, 0.0]
    assert d["discharge"].tolist() == [0.0, 20.0]
    assert d["level"].tolist() == [25.0, 5.0]
    assert d["unmet"].tolist() == [0.0, 0.0]


def test_the_storage_lowers_the_cost_of_a_network_year():
    net = synthetic_network()
    args = (net["demand"], net["capacity"], net["cost"], net["must_run"])
    without = heat_dispatch(*args)
    with_storage = heat_dispatch(*args, net["storage"])

    def cost(d):
        return float((d["production"] * net["cost"]).sum())

    assert cost(with_storage) < cost(without)
    assert with_storage["dumped"].sum() < without["dumped"].sum()  # surplus heat is stored, not cooled away
    assert without["unmet"].sum() == 0.0 and with_storage["unmet"].sum() == 0.0


def test_demand_no_unit_can_meet_is_reported_not_created():
    d = heat_dispatch([10.0, 50.0], [[20.0], [20.0]], [[30.0], [30.0]], [False])
    assert d["unmet"].tolist() == [0.0, 30.0]
    assert d["production"][:, 0].tolist() == [10.0, 20.0]


def test_hours_without_a_dispatchable_unit_have_no_reference_cost():
    d = heat_dispatch([5.0, 5.0, 5.0], [[10.0, 0.0], [10.0, 4.0], [10.0, 0.0]], [[0.0, 50.0]] * 3, [True, False],
                      window_hours=1)
    assert np.isnan(d["reference_cost"][0]) and np.isnan(d["reference_cost"][2])
    assert d["reference_cost"][1] == 50.0
    assert np.isnan(d["threshold"][0]) and d["threshold"][1] == 50.0


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"demand_mw": [-1.0, 2.0]}, r"demand_mw\[0\] = -1.0: must be >= 0 \[MW\]"),
    ({"capacity_mw": [[1.0], [np.nan]]}, r"capacity_mw\[1, 0\] = nan: must be a finite number \[MW\]"),
    ({"capacity_mw": [[1.0], [1.0], [1.0]]}, r"capacity_mw: expected 2 hours \(rows\) as demand_mw, got 3"),
    ({"cost_eur_per_mwh": [[1.0, 2.0], [1.0, 2.0]]}, r"cost_eur_per_mwh: expected shape \(2, 1\)"),
    ({"must_run": [1]}, r"must_run: expected 1 booleans"),
    ({"window_hours": 0}, r"window_hours = 0: must be a whole number >= 1"),
    ({"window_hours": 2.5}, r"window_hours = 2.5"),
])
def test_bad_arguments_are_named(kwargs, message):
    args = {"demand_mw": [1.0, 2.0], "capacity_mw": [[1.0], [1.0]], "cost_eur_per_mwh": [[1.0], [1.0]],
            "must_run": [False]}
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        heat_dispatch(**args)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"capacity_mwh": -1.0}, r"storage.capacity_mwh = -1.0: must be >= 0 \[MWh\]"),
    ({"capacity_mwh": 10.0, "charge_mw": 0.0, "discharge_mw": 5.0}, r"storage.charge_mw = 0.0: a storage with a"),
    ({"capacity_mwh": 10.0, "charge_mw": 5.0, "discharge_mw": 0.0}, r"storage.discharge_mw = 0.0"),
    ({"loss_per_day": 1.0}, r"storage.loss_per_day = 1.0: must be < 1"),
    ({"capacity_mwh": 10.0, "charge_mw": 5.0, "discharge_mw": 5.0, "initial_mwh": 11.0},
     r"storage.initial_mwh = 11.0: must be <= 10"),
])
def test_bad_storages_are_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        HeatStorage(**kwargs)


def test_hand_computed_standing_loss_ties_and_surplus():
    """Three hours worked by hand from the rule (standing loss 50 %/h; a cost equal to the threshold)."""
    d = heat_dispatch([10.0, 20.0, 3.0], [[4.0, 10.0, 10.0], [4.0, 10.0, 10.0], [10.0, 0.0, 10.0]],
                      [[0.0, 20.0, 30.0], [0.0, 30.0, 40.0], [0.0, 10.0, 30.0]], [True, False, False],
                      HeatStorage(20.0, 6.0, 8.0, 1.0 - 0.5**24, 20.0), window_hours=2)
    # step A: hour 0 needs unit 1 (20), hour 1 unit 2 (40); hour 2 nothing, unit 2 is the next (30)
    np.testing.assert_allclose(d["reference_cost"], [20.0, 40.0, 30.0])
    np.testing.assert_allclose(d["threshold"], [30.0, 30.0, 35.0])
    # hour 0: half of 20 MWh lost; unit 1 serves 6 and charges 4 more (unit 2 at 30 is not below 30)
    # hour 1: half of 14 lost; only unit 1 (30 <= 30) is cheap: 6 MW from the storage, unit 1 serves 10
    # hour 2: half of 1 lost; 7 MW must-run surplus: 6 charged (charge power), 1 dumped
    np.testing.assert_allclose(d["production"], [[4.0, 10.0, 0.0], [4.0, 10.0, 0.0], [10.0, 0.0, 0.0]])
    np.testing.assert_allclose(d["charge"], [4.0, 0.0, 6.0])
    np.testing.assert_allclose(d["discharge"], [0.0, 6.0, 0.0])
    np.testing.assert_allclose(d["loss"], [10.0, 7.0, 0.5])
    np.testing.assert_allclose(d["level"], [14.0, 1.0, 6.5])
    np.testing.assert_allclose(d["dumped"], [0.0, 0.0, 1.0])


def test_hand_computed_no_threshold_equal_costs_and_a_weak_discharge():
    d = heat_dispatch([5.0, 10.0, 10.0], [[1.0, 0.0, 0.0], [2.0, 5.0, 5.0], [2.0, 3.0, 1.0]],
                      [[0.0, 10.0, 20.0], [0.0, 25.0, 25.0], [0.0, 5.0, 50.0]], [True, False, False],
                      HeatStorage(10.0, 5.0, 1.0, 0.0, 5.0), window_hours=1)
    # hour 0: no dispatchable capacity, so no threshold and no discharge: 4 MW unmet despite 5 MWh stored
    # hour 1: equal costs load the lower index first; hour 2: the storage gives 1 MW (its power), 3 unmet
    np.testing.assert_allclose(d["production"], [[1.0, 0.0, 0.0], [2.0, 5.0, 3.0], [2.0, 3.0, 1.0]])
    np.testing.assert_allclose(d["unmet"], [4.0, 0.0, 3.0])
    np.testing.assert_allclose(d["discharge"], [0.0, 0.0, 1.0])
    np.testing.assert_allclose(d["level"], [5.0, 5.0, 4.0])
    np.testing.assert_allclose(d["reference_cost"], [np.nan, 25.0, 50.0])


def test_equal_costs_never_charge_the_storage_whatever_the_rounding_of_their_mean():
    """A flat cost of 0.1 EUR/MWh: its moving mean is 0.1 only up to rounding, and nothing is cheaper."""
    d = heat_dispatch([10.0] * 5, [[50.0]] * 5, [[0.1]] * 5, [False], HeatStorage(100.0, 40.0, 40.0),
                      window_hours=3)
    assert d["charge"].tolist() == [0.0] * 5 and d["discharge"].tolist() == [0.0] * 5


def test_must_run_output_that_exactly_meets_the_demand_leaves_cheap_units_free_to_charge():
    d = heat_dispatch([10.0, 10.0, 70.0], [[10.0, 50.0, 50.0]] * 3, [[0.0, 5.0, 80.0]] * 3, [True, False, False],
                      HeatStorage(100.0, 30.0, 30.0), window_hours=5)
    # reference costs 5, 5, 80: threshold 30 in every hour; in hour 0 must-run = demand and unit 1 (5) charges
    assert d["threshold"].tolist() == [30.0, 30.0, 30.0]
    assert d["charge"][0] == 30.0 and d["production"][0].tolist() == [10.0, 30.0, 0.0]
    assert d["dumped"].tolist() == [0.0, 0.0, 0.0]


def test_rounding_leaves_no_unmet_heat_or_discharge():
    d = heat_dispatch([1.0], [[0.7, 0.3]], [[1.0, 2.0]], [False, False], HeatStorage(10.0, 5.0, 5.0, 0.0, 5.0))
    assert d["unmet"].tolist() == [0.0] and d["discharge"].tolist() == [0.0]


def test_a_network_without_units():
    d = heat_dispatch([0.0, 5.0], np.zeros((2, 0)), np.zeros((2, 0)), [])
    assert d["production"].shape == (2, 0) and d["unmet"].tolist() == [0.0, 5.0]
