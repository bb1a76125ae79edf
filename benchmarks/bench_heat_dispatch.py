"""Benchmarks of the hourly heat dispatch of a district-heating network.

The system is the seeded synthetic city network of ``tests/energy/heat_systems.py``: one
year (8,760 hours) of a weather-shaped demand, ten production units (two must-run) and a
pit storage. Each benchmark stores ``unit_hours`` (hours × units dispatched) in
``extra_info``; unit-hours per second is that number over the mean time.

- ``test_heat_dispatch_year``: :func:`smartcity.energy.heat_dispatch.heat_dispatch` on the
  whole year, warm (target: <= 5 ms for ten units and a storage).
- ``test_heat_dispatch_python_reference``: the plain-Python reference of the tests on the
  first weeks of the same year, as an in-run baseline (compare as a ratio).
- ``test_heat_dispatch_against_the_optimum``: the least-cost dispatch of the same year as a
  linear program (:func:`smartcity.energy.heat_dispatch_lp.optimal_heat_dispatch`, PyPSA and
  HiGHS; three weeks with ``--quick``), timed once; ``extra_info`` holds both costs and the
  rule's excess cost over the optimum (target: within 3 %).
- ``test_aalborg_dispatch_against_the_optimum``: the same comparison on the shipped Aalborg
  network (``scenarios/aalborg-east``, the lighthouse's units in service) in 2014, 2025 and
  2030 (2030 only with ``--quick``), the district's use taken as a flat 10 MW; ``extra_info``
  holds the excess cost and the CO2 of both (targets: cost within 3 %, CO2 within 5 %).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from smartcity.energy.heat_dispatch import heat_dispatch  # noqa: E402
from smartcity.energy.heat_dispatch_lp import dispatch_cost, optimal_heat_dispatch  # noqa: E402
from tests.energy.heat_systems import aalborg_year, synthetic_network  # noqa: E402
from tests.energy.reference_heat_dispatch import reference_heat_dispatch  # noqa: E402

QUICK = os.environ.get("SMARTCITY_BENCH_QUICK") == "1"
REFERENCE_HOURS = 336 if QUICK else 1344


def _record(benchmark, hours, units):
    benchmark.extra_info["unit_hours"] = hours * units
    benchmark.extra_info["hours"] = hours
    benchmark.extra_info["units"] = units


def test_heat_dispatch_year(benchmark):
    net = synthetic_network()
    args = (net["demand"], net["capacity"], net["cost"], net["must_run"], net["storage"])
    heat_dispatch(*args)  # compile or load from the cache before timing
    result = benchmark(heat_dispatch, *args)
    _record(benchmark, *net["capacity"].shape)
    assert result["unmet"].sum() == 0.0


def test_heat_dispatch_python_reference(benchmark):
    net = synthetic_network(hours=REFERENCE_HOURS)
    s = net["storage"]
    result = benchmark.pedantic(
        reference_heat_dispatch, args=(net["demand"], net["capacity"], net["cost"], net["must_run"]),
        kwargs={"storage_mwh": s.capacity_mwh, "charge_mw": s.charge_mw, "discharge_mw": s.discharge_mw,
                "loss_per_day": s.loss_per_day, "initial_mwh": s.initial_mwh},
        rounds=2 if QUICK else 3, iterations=1)
    _record(benchmark, *net["capacity"].shape)
    assert result["unmet"].sum() == 0.0


def test_heat_dispatch_against_the_optimum(benchmark):
    net = synthetic_network(hours=24 * 21 if QUICK else 8760)
    args = (net["demand"], net["capacity"], net["cost"], net["must_run"], net["storage"])
    rule = heat_dispatch(*args)
    best = benchmark.pedantic(optimal_heat_dispatch, args=args, kwargs={"final_mwh": float(rule["level"][-1])},
                              rounds=1, iterations=1)
    rule_cost, best_cost = dispatch_cost(rule, net["cost"]), dispatch_cost(best, net["cost"])
    benchmark.extra_info.update(hours=len(net["demand"]), rule_cost_eur=rule_cost, optimal_cost_eur=best_cost,
                                excess_cost=rule_cost / best_cost - 1.0)
    assert best_cost <= rule_cost * (1 + 1e-7)


AALBORG_YEARS = (2030,) if QUICK else (2014, 2025, 2030)


def test_aalborg_dispatch_against_the_optimum(benchmark):
    for year in AALBORG_YEARS:
        network, system, g = aalborg_year(year)
        args = (system["demand"], system["capacity"], system["cost"], system["must_run"], system["storage"])
        rule = heat_dispatch(*args)
        if year == AALBORG_YEARS[-1]:
            best = benchmark.pedantic(optimal_heat_dispatch, args=args, kwargs={"final_mwh": float(rule["level"][-1])},
                                      rounds=1, iterations=1)
        else:
            best = optimal_heat_dispatch(*args, final_mwh=float(rule["level"][-1]))
        rule_cost, best_cost = dispatch_cost(rule, system["cost"]), dispatch_cost(best, system["cost"])
        rule_co2 = network.evaluate(system, rule, g).delivered_co2_t
        best_co2 = network.evaluate(system, best, g).delivered_co2_t
        benchmark.extra_info[str(year)] = {
            "rule_cost_eur": rule_cost, "optimal_cost_eur": best_cost, "excess_cost": rule_cost / best_cost - 1.0,
            "rule_co2_t": rule_co2, "optimal_co2_t": best_co2, "co2_difference": rule_co2 / best_co2 - 1.0}
        assert best_cost <= rule_cost * (1 + 1e-7)
