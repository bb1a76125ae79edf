"""Generalised cost, logit models and constant calibration (smartcity.transport.mode_choice)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from pydantic import ValidationError

from smartcity.errors import InputError
from smartcity.scenario.sections.transport import CostParameters, TransportSection
from smartcity.schema.units import DKK_PER_EUR
from smartcity.transport.demand import (
    calibrate_gravity,
    deterrence,
    furness,
    mean_trip_length,
    trip_productions_attractions,
)
from smartcity.transport.mode_choice import (
    MODES,
    NESTS,
    calibrate_constants,
    cost_utilities,
    generalised_cost,
    logit_shares,
    logsum,
    mode_vector,
    nested_logit_shares,
    waiting_time,
)

#: The default cost parameters and observed Aalborg split of a scenario's [transport] table.
COSTS = CostParameters()
AALBORG_MODE_SHARES = TransportSection.model_validate(
    {"zones": "z.csv", "nodes": "n.csv", "links": "l.csv"}).observed_mode_shares

utility_arrays = hnp.arrays(
    np.float64,
    hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=7),
    elements=st.floats(-50.0, 50.0),
)


# --------------------------------------------------------------------------------------
# Generalised cost
# --------------------------------------------------------------------------------------


def test_waiting_time_is_half_the_headway_capped():
    np.testing.assert_allclose(waiting_time([0.1, 0.5, 2.0], COSTS.max_wait.canonical), [0.05, 0.25, 0.25])  # 15 min
    np.testing.assert_allclose(waiting_time(1.0, max_wait=1.0), 0.5)
    with pytest.raises(ValueError, match="headway"):
        waiting_time([0.1, 0.0], 0.25)


def test_generalised_cost_by_mode():
    p = CostParameters()
    vot = p.value_of_time.value  # DKK/h
    car = generalised_cost("car_driver", 0.25, distance=10.0, parking_cost=20.0, access_egress_time=0.05,
                           parameters=COSTS)
    assert float(car) == pytest.approx(vot * (0.25 + 1.7 * 0.05) + 0.9 * 10.0 + 20.0)
    passenger = generalised_cost("car_passenger", 0.25, distance=10.0, parameters=COSTS)
    assert float(passenger) == pytest.approx(vot * 0.25)
    bus = generalised_cost("bus", 0.3, headway=10 / 60, access_egress_time=0.1, parameters=COSTS)
    assert float(bus) == pytest.approx(vot * (0.3 + 1.5 * 5 / 60 + 1.7 * 0.1) + 15.0)
    assert float(generalised_cost("walk", 0.5, parameters=COSTS)) == pytest.approx(vot * 0.5)
    assert float(generalised_cost("ebike", 0.2, distance=4.0, parameters=COSTS)) == pytest.approx(vot * 0.2 + 0.4)
    # Arrays broadcast: one cost per origin-destination pair.
    assert generalised_cost("bike", np.ones((3, 4)), distance=np.ones((3, 4)), parameters=COSTS).shape == (3, 4)


def test_value_of_time_in_euro_is_converted():
    euro = CostParameters.model_validate({"value_of_time": {"value": 10.0, "unit": "EUR/h", "source": "test"}})
    assert float(generalised_cost("walk", 1.0, parameters=euro)) == pytest.approx(10.0 * DKK_PER_EUR)


def test_cost_parameters_are_sourced_and_checked():
    p = CostParameters()
    for name in CostParameters.model_fields:
        entry = getattr(p, name)
        assert entry.source or (entry.assumption and entry.reason)
    with pytest.raises(ValidationError, match="unknown unit"):
        CostParameters.model_validate({"value_of_time": {"value": 10.0, "unit": "DKK/min", "source": "test"}})
    with pytest.raises(ValidationError, match="reason"):
        CostParameters.model_validate({"wait_weight": {"value": 1.0, "unit": "1", "assumption": True}})
    with pytest.raises(ValidationError, match="no source"):
        CostParameters.model_validate({"wait_weight": {"value": 1.0, "unit": "1"}})


def test_generalised_cost_bad_inputs():
    with pytest.raises(InputError, match="unknown mode.*'tram'") as info:
        generalised_cost("tram", 0.2, parameters=COSTS)
    assert "mode" in str(info.value)
    with pytest.raises(InputError, match="headway"):
        generalised_cost("brt", 0.2, parameters=COSTS)
    with pytest.raises(ValueError, match="in_vehicle_time"):
        generalised_cost("car_driver", np.nan, parameters=COSTS)
    with pytest.raises(ValueError, match=r"distance\[1\]"):
        generalised_cost("car_driver", 0.2, distance=[1.0, -2.0], parameters=COSTS)


# --------------------------------------------------------------------------------------
# Logit
# --------------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(utility_arrays, st.floats(-1e3, 1e3))
def test_logit_shares_sum_to_one_and_ignore_a_common_constant(v, shift):
    shares = logit_shares(v)
    assert np.all(shares >= 0)
    np.testing.assert_allclose(shares.sum(axis=-1), 1.0, rtol=0, atol=1e-12)
    np.testing.assert_allclose(logit_shares(v + shift), shares, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(logsum(v + shift), logsum(v) + shift, rtol=1e-9, atol=1e-9)


def test_logit_is_stable_for_large_utilities():
    shares = logit_shares([1000.0, 1000.0 + np.log(3.0), -1000.0])
    np.testing.assert_allclose(shares, [0.25, 0.75, 0.0], atol=1e-12)
    assert float(logsum([1000.0, 1000.0])) == pytest.approx(1000.0 + np.log(2.0))


def test_unavailable_alternative_gets_zero_share():
    shares = logit_shares([[0.0, -np.inf, 0.0]])
    np.testing.assert_allclose(shares, [[0.5, 0.0, 0.5]])


def test_logit_bad_utilities():
    with pytest.raises(ValueError, match=r"utilities\[1\]"):
        logit_shares([0.0, np.nan])
    with pytest.raises(ValueError, match="unavailable"):
        logit_shares([-np.inf, -np.inf])
    with pytest.raises(ValueError, match="utilities"):
        logit_shares([0.0, np.inf])


@settings(max_examples=150, deadline=None)
@given(hnp.arrays(np.float64, st.tuples(st.integers(1, 5), st.just(len(MODES))), elements=st.floats(-20, 20)))
def test_nested_logit_with_scale_one_is_the_multinomial_logit(v):
    np.testing.assert_allclose(nested_logit_shares(v, nest_scale=1.0), logit_shares(v), rtol=1e-12, atol=1e-15)
    nests = [NESTS[m] for m in MODES]
    np.testing.assert_allclose(logsum(v, nests=nests, nest_scale=1.0), logsum(v), rtol=1e-12, atol=1e-12)


@settings(max_examples=150, deadline=None)
@given(hnp.arrays(np.float64, len(MODES), elements=st.floats(-20, 20)), st.floats(0.05, 1.0))
def test_nested_logit_shares_sum_to_one(v, scale):
    shares = nested_logit_shares(v, nest_scale=scale)
    assert shares.sum() == pytest.approx(1.0, abs=1e-12)
    assert float(logsum(v, nests=list(NESTS.values()), nest_scale=scale)) >= v.max() - 1e-12


def test_nested_logit_by_hand():
    # Two nests {0, 1} with scale 0.5 and {2} with scale 1; utilities 0, 0, 0.
    v = np.zeros(3)
    inclusive = 0.5 * np.log(2.0)  # 0.5 ln(e^0 + e^0)
    upper = np.exp(inclusive) / (np.exp(inclusive) + 1.0)
    expected = [upper / 2, upper / 2, 1 - upper]
    np.testing.assert_allclose(nested_logit_shares(v, nests=["a", "a", "b"], nest_scale={"a": 0.5}), expected)
    assert float(logsum(v, nests=["a", "a", "b"], nest_scale=[0.5, 1.0])) == pytest.approx(
        np.log(np.exp(inclusive) + 1.0))
    # Closer substitutes in nest a: a better alternative 0 draws more from 1 than from 2.
    base = nested_logit_shares(v, nests=["a", "a", "b"], nest_scale=0.5)
    better = nested_logit_shares([0.5, 0.0, 0.0], nests=["a", "a", "b"], nest_scale=0.5)
    assert base[1] - better[1] > base[2] - better[2]


def test_nested_logit_bad_scale_and_nests():
    with pytest.raises(ValueError, match="nest_scale"):
        nested_logit_shares(np.zeros(len(MODES)), nest_scale=1.5)
    with pytest.raises(ValueError, match="nest_scale"):
        nested_logit_shares(np.zeros(len(MODES)), nest_scale=0.0)
    with pytest.raises(ValueError, match="nests"):
        nested_logit_shares(np.zeros(3), nests=["a", "b"])
    with pytest.raises(InputError, match="unknown nest"):
        nested_logit_shares(np.zeros(3), nests=["a", "a", "b"], nest_scale={"c": 0.5})


# --------------------------------------------------------------------------------------
# Calibration of constants
# --------------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 30))
def test_calibration_reproduces_observed_shares(seed, n_segments):
    rng = np.random.default_rng(seed)
    n = 5
    v = rng.normal(0.0, 2.0, (n_segments, n))
    observed = rng.dirichlet(np.ones(n))
    weights = rng.uniform(0.1, 10.0, n_segments)
    asc = calibrate_constants(v, observed, weights)
    predicted = (weights / weights.sum()) @ logit_shares(v + asc)
    np.testing.assert_allclose(predicted, observed, atol=1e-6)
    assert asc[0] == 0.0


def test_calibration_of_a_nested_logit():
    rng = np.random.default_rng(4)
    v = rng.normal(0.0, 1.0, (20, len(MODES)))
    observed = mode_vector(AALBORG_MODE_SHARES)
    scales = {"car": 0.6, "public_transport": 0.5, "active": 0.8}
    asc = calibrate_constants(v, observed, nest_scale=scales)
    predicted = nested_logit_shares(v + asc, nest_scale=scales).mean(axis=0)
    np.testing.assert_allclose(predicted, observed, atol=1e-6)


def test_calibration_with_a_mode_that_is_not_observed():
    v = np.zeros((3, 3))
    asc = calibrate_constants(v, [0.7, 0.0, 0.3])
    assert asc[1] == -np.inf
    np.testing.assert_allclose(logit_shares(v + asc).mean(axis=0), [0.7, 0.0, 0.3], atol=1e-10)


def test_calibration_bad_inputs():
    v = np.zeros((2, 3))
    with pytest.raises(InputError, match="do not sum to 1") as info:
        calibrate_constants(v, [0.5, 0.3, 0.1])
    assert "observed_shares" in str(info.value)
    with pytest.raises(InputError, match="observed_shares"):
        calibrate_constants(v, [1.2, -0.2, 0.0])
    with pytest.raises(InputError, match="observed_shares"):
        calibrate_constants(v, [0.5, 0.5])
    with pytest.raises(InputError, match="unknown mode.*'tram'"):
        calibrate_constants(np.zeros(len(MODES)), {"car_driver": 0.5, "tram": 0.5})
    with pytest.raises(ValueError, match=r"utilities_without_asc\[0, 1\]"):
        calibrate_constants([[0.0, np.nan, 0.0]], [0.2, 0.3, 0.5])
    with pytest.raises(ValueError, match="weights"):
        calibrate_constants(v, [0.2, 0.3, 0.5], weights=[1.0, -1.0])
    with pytest.raises(ValueError, match="unavailable"):
        calibrate_constants([[0.0, -np.inf, 0.0]], [0.2, 0.3, 0.5])


def test_aalborg_shares_are_sourced_and_add_up():
    shares = mode_vector(AALBORG_MODE_SHARES)
    assert shares.sum() == pytest.approx(1.0, abs=1e-12)
    assert AALBORG_MODE_SHARES["car_driver"].value + AALBORG_MODE_SHARES["car_passenger"].value == pytest.approx(0.52)
    assert AALBORG_MODE_SHARES["bike"].value + AALBORG_MODE_SHARES["ebike"].value == pytest.approx(0.14)
    for entry in AALBORG_MODE_SHARES.values():
        assert entry.source or (entry.assumption and entry.reason)


# --------------------------------------------------------------------------------------
# Example: a small synthetic Aalborg-like zone system
# --------------------------------------------------------------------------------------

# Speeds of the synthetic network [km/h] and access/egress walks [h]: illustrative
# values for a test, not model defaults.
_SPEED = {"car_driver": 35.0, "car_passenger": 35.0, "bus": 20.0, "brt": 26.0, "bike": 15.0, "ebike": 20.0,
          "walk": 5.0}
_ACCESS = {"car_driver": 3 / 60, "car_passenger": 3 / 60, "bus": 8 / 60, "brt": 10 / 60}
_HEADWAY = {"bus": 20 / 60, "brt": 10 / 60}


def _synthetic_city(brt_headway: float = 10 / 60):
    """Seven zones on a 10 km square, trips per day and the generalised cost of each mode."""
    rng = np.random.default_rng(2023)
    n = 7
    xy = rng.uniform(0.0, 10.0, (n, 2))
    distance = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1)) * 1.25 + 0.8  # network detour
    population = rng.uniform(2000, 9000, n)
    jobs = rng.uniform(500, 6000, n)
    students = np.zeros(n)
    students[2] = 20000.0  # a university campus
    p, a = trip_productions_attractions(population, jobs, students)
    productions, attractions = p.sum(axis=0), a.sum(axis=0)
    beta = calibrate_gravity(productions, attractions, distance, distance, 4.5)
    trips = furness(productions, attractions, deterrence(distance, beta=beta))
    headway = dict(_HEADWAY, brt=brt_headway)
    costs = np.stack([
        generalised_cost(m, distance / _SPEED[m], distance=distance, headway=headway.get(m),
                         access_egress_time=_ACCESS.get(m, 0.0), parking_cost=5.0 if m == "car_driver" else 0.0,
                         parameters=COSTS)
        for m in MODES
    ], axis=-1)
    return trips, distance, costs


def test_example_reproduces_the_aalborg_modal_split():
    trips, distance, costs = _synthetic_city()
    assert mean_trip_length(trips, distance) == pytest.approx(4.5, rel=1e-6)
    theta = 0.03  # utility per DKK [1/DKK]; illustrative for the test
    v = cost_utilities(costs, theta).reshape(-1, len(MODES))
    weights = trips.ravel()
    asc = calibrate_constants(v, AALBORG_MODE_SHARES, weights)
    shares = logit_shares(v + asc)
    split = dict(zip(MODES, weights @ shares / weights.sum()))
    assert split["car_driver"] + split["car_passenger"] == pytest.approx(0.52, abs=1e-6)
    assert split["bike"] + split["ebike"] == pytest.approx(0.14, abs=1e-6)
    for mode in MODES:
        assert split[mode] == pytest.approx(AALBORG_MODE_SHARES[mode].value, abs=1e-6)
    # Short trips are walked more than long ones.
    walk = shares[:, MODES.index("walk")].reshape(trips.shape)
    assert walk[distance < 3].mean() > walk[distance > 8].mean()
    # A more frequent BRT, with the calibrated constants, wins trips.
    _, _, faster = _synthetic_city(brt_headway=5 / 60)
    v_new = cost_utilities(faster, theta).reshape(-1, len(MODES))
    new_split = weights @ logit_shares(v_new + asc) / weights.sum()
    assert new_split[MODES.index("brt")] > split["brt"]
    # Logsums rise with the better service (the composite cost falls).
    assert np.all(logsum(v_new + asc) >= logsum(v + asc) - 1e-12)
