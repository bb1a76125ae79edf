"""Benchmarks of the district transport model of the shipped lighthouse scenario (Aalborg East).

The model is built as ``smartcity run`` and ``tests/transport/test_model.py`` build it: the
scenario's inputs (``load_inputs`` on ``scenarios/aalborg-east/lighthouse.toml``) and its
enabled travel measures (``travel_measures(enabled_measures(model.measures))``). Timings are warm: the
module fixture builds the model once and simulates the timed years once, so numba
compilation (or loading from its cache) is excluded. Each benchmark stores the feedback
iterations (each one a demand pass, an equilibrium assignment and the car skims) in
``extra_info["feedback_iterations"]``.

- ``test_transport_calibration``: constructing ``DistrictTransport``, which calibrates the
  mode constants and the gravity parameter in the base year inside the feedback loop
  (5 rounds; 1 with ``--quick``).
- ``test_transport_year_without_measures`` and ``test_transport_year_all_measures``: one
  year (the scenario's last) without measures and with every transport measure in force.
  ``simulate_year`` keeps each year's result, so the timed call first drops that year's
  entry; the road network and the public-transport skims of the measures in force stay
  cached, as they do across the years of a run (they are built once per model and set of
  lines: some 10-15 ms more on first use).
"""

from __future__ import annotations

import os

import pytest

from smartcity.inputs import default_scenarios, enabled_measures, load_inputs
from smartcity.run import travel_measures
from smartcity.transport.model import DistrictTransport

QUICK = os.environ.get("SMARTCITY_BENCH_QUICK") == "1"


@pytest.fixture(scope="module")
def lighthouse():
    inp = load_inputs([default_scenarios()[1]])[0]
    model = inp.resolved.model
    measures = travel_measures(enabled_measures(model.measures))
    args = (model.transport, inp.zone_system, measures, model.scenario.base_year)
    transport = DistrictTransport(*args)  # compile or load the kernels, warm the caches
    year = max(model.years)
    for subset in ({}, measures):
        transport.simulate_year(subset, year)
    return args, transport, measures, year


def _record(benchmark, transport, feedback_iterations, **extra):
    benchmark.extra_info["feedback_iterations"] = int(feedback_iterations)
    benchmark.extra_info["n_zones"] = transport.n_zones
    benchmark.extra_info["n_links"] = transport.n_links
    benchmark.extra_info["n_lines"] = transport.n_lines
    benchmark.extra_info.update(extra)


def _solve_year(transport, measures, year):
    """simulate_year without its per-state result cache (the networks and skims stay cached)."""
    transport._years.pop(transport.state(measures, year), None)
    return transport.simulate_year(measures, year)


def test_transport_calibration(benchmark, lighthouse):
    args, _, _, _ = lighthouse
    transport = benchmark.pedantic(DistrictTransport, args=args, rounds=1 if QUICK else 5, iterations=1)
    _record(benchmark, transport, transport.calibration["feedback_iterations"], year=int(args[3]))
    assert transport.beta > 0


def test_transport_year_without_measures(benchmark, lighthouse):
    _, transport, _, year = lighthouse
    result = benchmark(_solve_year, transport, {}, year)
    _record(benchmark, transport, result.feedback_iterations, year=year, measures=[])
    assert result.feedback_change < transport.section.feedback_tolerance


def test_transport_year_all_measures(benchmark, lighthouse):
    _, transport, measures, year = lighthouse
    result = benchmark(_solve_year, transport, measures, year)
    _record(benchmark, transport, result.feedback_iterations, year=year, measures=list(measures))
    assert result.feedback_change < transport.section.feedback_tolerance
