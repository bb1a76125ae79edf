"""The merit-order dispatch against the least-cost dispatch of the same system (a linear program, PyPSA)."""

from __future__ import annotations

import numpy as np
import pytest

from smartcity.energy.heat_dispatch import HeatStorage, heat_dispatch
from smartcity.energy.heat_dispatch_lp import dispatch_cost, optimal_heat_dispatch
from tests.energy.heat_systems import synthetic_network


@pytest.fixture(scope="module")
def fortnight():
    net = synthetic_network(hours=24 * 14)
    args = (net["demand"], net["capacity"], net["cost"], net["must_run"])
    return net, args


def test_without_a_storage_the_merit_order_is_the_optimum(fortnight):
    net, args = fortnight
    rule, best = heat_dispatch(*args), optimal_heat_dispatch(*args)
    # HiGHS solves to a relative gap of ~1e-7 (its default tolerances); the merit order is exact
    assert dispatch_cost(rule, net["cost"]) == pytest.approx(dispatch_cost(best, net["cost"]), rel=1e-6)
    np.testing.assert_allclose(best["production"].sum(axis=1), rule["production"].sum(axis=1), rtol=1e-6, atol=1e-5)


def test_with_a_storage_the_optimum_costs_at_most_what_the_rule_does(fortnight):
    net, args = fortnight
    rule = heat_dispatch(*args, net["storage"])
    best = optimal_heat_dispatch(*args, net["storage"], final_mwh=float(rule["level"][-1]))
    rule_cost, best_cost = dispatch_cost(rule, net["cost"]), dispatch_cost(best, net["cost"])
    assert best_cost <= rule_cost * (1 + 1e-7)  # the rule's dispatch is a feasible point of the program
    assert float(best["objective"]) == pytest.approx(best_cost, rel=1e-9)
    # the optimum's hours balance and respect the same limits
    supplied = best["production"].sum(axis=1) + best["discharge"] - best["charge"] - best["dumped"] + best["unmet"]
    np.testing.assert_allclose(supplied, net["demand"], rtol=1e-6, atol=1e-5)
    assert np.all(best["production"] <= net["capacity"] + 1e-5)
    np.testing.assert_allclose(best["production"][:, net["must_run"]], net["capacity"][:, net["must_run"]], atol=1e-5)
    assert best["level"].max() <= net["storage"].capacity_mwh + 1e-5
    assert best["level"][-1] == pytest.approx(rule["level"][-1], abs=1e-5)
    # the gap the rule leaves (reported in the README for a whole year by benchmarks/bench_heat_dispatch.py)
    assert rule_cost / best_cost - 1 < 0.25


def test_unserved_heat_is_the_last_resort_of_the_optimum_too():
    best = optimal_heat_dispatch([10.0, 50.0], [[20.0], [20.0]], [[30.0], [30.0]], [False],
                                 HeatStorage(100.0, 20.0, 20.0, 0.0, 0.0))
    # 60 MWh wanted, 40 producible (the storage, ending empty, only moves heat): 20 unserved at the value of lost
    # heat, whichever hour the program books them in (both cost the same)
    assert best["unmet"].sum() == pytest.approx(20.0, abs=1e-6)
    assert float(best["objective"]) == pytest.approx(40.0 * 30.0 + 20.0 * 10_000.0, rel=1e-9)
