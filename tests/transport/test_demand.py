"""Trip generation and gravity distribution (smartcity.transport.demand)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from smartcity.errors import InputError
from smartcity.transport import _kernels
from smartcity.transport.demand import (
    PURPOSES,
    ConvergenceError,
    calibrate_gravity,
    deterrence,
    furness,
    load_trip_rates,
    mean_trip_length,
    trip_productions_attractions,
)
from tests.transport.reference_demand import reference_furness


def zone_system(n: int = 6, seed: int = 3, size_km: float = 40.0):
    """Zones on a square with straight-line distances (+1 km intrazonal); seeded."""
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0.0, size_km, (n, 2))
    distance = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1)) + 1.0
    population = rng.uniform(500, 5000, n)
    jobs = rng.uniform(100, 4000, n)
    students = np.where(rng.uniform(size=n) < 0.5, rng.uniform(0, 3000, n), 0.0)
    students[0] = 1000.0
    return population, jobs, students, distance


# --------------------------------------------------------------------------------------
# Trip rates and generation
# --------------------------------------------------------------------------------------


def test_shipped_rates_add_up_to_the_travel_survey_total():
    rates = load_trip_rates()
    assert rates.total_trips_per_person.value == 2.9
    assert "Travel Survey" in rates.total_trips_per_person.source
    assert list(rates.purpose) == list(PURPOSES)
    total = sum(rates.purpose[p].production.per_person for p in PURPOSES)
    assert total == pytest.approx(2.9, rel=1e-12)
    for purpose in rates.purpose.values():  # every table is sourced or a flagged assumption
        for table in (purpose.production, purpose.attraction):
            assert table.source or (table.assumption and table.reason)


def test_generation_totals_and_balance():
    population, jobs, students, _ = zone_system()
    p, a = trip_productions_attractions(population, jobs, students)
    assert p.shape == a.shape == (len(PURPOSES), len(population))
    assert p.sum() == pytest.approx(2.9 * population.sum(), rel=1e-12)
    np.testing.assert_allclose(a.sum(axis=1), p.sum(axis=1), rtol=1e-12)
    assert (p >= 0).all() and (a >= 0).all()
    # Education trips end only where there are study places.
    k = PURPOSES.index("home_education")
    assert np.all(a[k][students == 0] == 0)


def test_generation_without_residents_has_no_trips():
    p, a = trip_productions_attractions([0.0, 0.0], [10.0, 5.0], [1.0, 0.0])
    assert p.sum() == 0 and a.sum() == 0


def test_generation_with_nowhere_to_work_is_an_error():
    with pytest.raises(ValueError, match="home_work"):
        trip_productions_attractions([100.0, 50.0], [0.0, 0.0], [10.0, 0.0])


@pytest.mark.parametrize("name", ["population", "jobs", "students"])
def test_generation_rejects_negative_or_nan_input(name):
    args = {"population": [10.0, 20.0], "jobs": [5.0, 5.0], "students": [1.0, 0.0]}
    args[name] = [1.0, -3.0]
    with pytest.raises(ValueError, match=rf"{name}\[1\]"):
        trip_productions_attractions(**args)
    args[name] = [np.nan, 1.0]
    with pytest.raises(ValueError, match=rf"{name}\[0\]"):
        trip_productions_attractions(**args)


def test_generation_rejects_different_lengths():
    with pytest.raises(ValueError, match="jobs"):
        trip_productions_attractions([1.0, 2.0], [1.0], [0.0, 0.0])


def _rates_text() -> str:
    from importlib import resources

    return resources.files("smartcity").joinpath("data/trip_rates.toml").read_text(encoding="utf-8")


def test_rates_file_that_does_not_add_up_is_rejected(tmp_path):
    path = tmp_path / "rates.toml"
    path.write_text(_rates_text().replace("per_person = 1.65", "per_person = 1.75"), encoding="utf-8")
    with pytest.raises(InputError, match="do not add up") as info:
        load_trip_rates(path)
    assert "rates.toml" in str(info.value)


def test_rates_file_with_unsourced_entry_is_rejected(tmp_path):
    path = tmp_path / "rates.toml"
    text = _rates_text().replace('per_job = 1.0\nunit = "1/d"\nassumption = true', 'per_job = 1.0\nunit = "1/d"', 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match="no source"):
        load_trip_rates(path)


def test_rates_file_with_unknown_purpose_is_rejected(tmp_path):
    path = tmp_path / "rates.toml"
    path.write_text(_rates_text().replace("[purpose.home_work]", "[purpose.home_wrok]")
                    .replace("purpose.home_work.", "purpose.home_wrok."), encoding="utf-8")
    with pytest.raises(InputError, match="home_wrok"):
        load_trip_rates(path)


# --------------------------------------------------------------------------------------
# Deterrence
# --------------------------------------------------------------------------------------


def test_deterrence_forms():
    c = np.array([1.0, 2.0, 10.0])
    np.testing.assert_allclose(deterrence(c, "exponential", 0.2), np.exp(-0.2 * c))
    np.testing.assert_allclose(deterrence(c, "power", 2.0), c**-2.0)
    np.testing.assert_allclose(deterrence(c, "combined", 0.1, alpha=1.5), c**-1.5 * np.exp(-0.1 * c))


def test_deterrence_bad_inputs():
    with pytest.raises(InputError, match="function"):
        deterrence([1.0], "gamma")
    with pytest.raises(ValueError, match=r"cost\[1\]"):
        deterrence([1.0, np.nan])
    with pytest.raises(ValueError, match=r"cost\[0\].*power"):
        deterrence([0.0, 1.0], "power", 1.0)
    with pytest.raises(ValueError, match="beta"):
        deterrence([1.0], beta=-1.0)


# --------------------------------------------------------------------------------------
# Furness
# --------------------------------------------------------------------------------------


@st.composite
def gravity_inputs(draw, allow_zeros: bool = False, zero_pairs: bool = False, max_zones: int = 8):
    """Productions, attractions with the same total, and a deterrence matrix.

    ``allow_zeros``: zones without productions or attractions; ``zero_pairs``: some
    deterrence values zero (forbidden pairs, possibly an infeasible pattern).
    """
    n = draw(st.integers(1, max_zones))
    m = draw(st.integers(1, max_zones))
    low = 0.0 if allow_zeros else 0.1
    values = st.floats(low, 1e4, allow_nan=False, allow_infinity=False)
    p = draw(hnp.arrays(np.float64, n, elements=values))
    a = draw(hnp.arrays(np.float64, m, elements=values))
    if allow_zeros:
        p[0] = max(p[0], 1.0)
        a[-1] = max(a[-1], 1.0)
    cost = draw(hnp.arrays(np.float64, (n, m), elements=st.floats(0.0, 30.0)))
    beta = draw(st.floats(0.0, 0.3))
    a = a * (p.sum() / a.sum())
    f = np.exp(-beta * cost)
    if zero_pairs:
        f[draw(hnp.arrays(np.bool_, (n, m), elements=st.integers(0, 4).map(lambda k: k == 4)))] = 0.0
    return p, a, f


@settings(max_examples=150, deadline=None)
@given(gravity_inputs())
def test_furness_matches_rows_and_columns(inputs):
    p, a, f = inputs
    t = furness(p, a, f)
    total = p.sum()
    assert np.max(np.abs(t.sum(axis=1) - p)) <= 1e-9 * total
    assert np.max(np.abs(t.sum(axis=0) - a)) <= 1e-9 * total
    assert (t >= 0).all()
    assert t.sum() == pytest.approx(total, rel=1e-9)  # demand is conserved


@settings(max_examples=100, deadline=None)
@given(gravity_inputs(allow_zeros=True))
def test_furness_handles_zero_rows_and_columns(inputs):
    p, a, f = inputs
    t = furness(p, a, f)
    total = p.sum()
    assert np.max(np.abs(t.sum(axis=1) - p)) <= 1e-9 * total
    assert np.max(np.abs(t.sum(axis=0) - a)) <= 1e-9 * total
    assert np.all(t[p == 0] == 0) and np.all(t[:, a == 0] == 0)


def test_furness_without_deterrence_is_the_product_of_margins():
    p = np.array([10.0, 30.0, 60.0])
    a = np.array([50.0, 25.0, 25.0])
    t = furness(p, a, np.ones((3, 3)))
    np.testing.assert_allclose(t, np.outer(p, a) / 100.0, rtol=1e-12)


def test_furness_all_zero_gives_zero_matrix():
    assert furness([0.0, 0.0], [0.0, 0.0], np.ones((2, 2))).sum() == 0.0


def test_furness_bad_inputs():
    f = np.ones((2, 2))
    with pytest.raises(ValueError, match=r"productions\[1\]"):
        furness([1.0, -1.0], [0.0, 0.0], f)
    with pytest.raises(ValueError, match=r"deterrence\[0, 1\]"):
        furness([1.0, 1.0], [1.0, 1.0], [[1.0, np.nan], [1.0, 1.0]])
    with pytest.raises(ValueError, match="totals must match"):
        furness([1.0, 1.0], [1.0, 2.0], f)
    with pytest.raises(ValueError, match="deterrence: expected shape"):
        furness([1.0, 1.0], [1.0, 1.0], np.ones((3, 2)))
    with pytest.raises(ValueError, match=r"productions\[0\].*cannot be placed"):
        furness([1.0, 1.0], [1.0, 1.0], [[0.0, 0.0], [1.0, 1.0]])


def test_furness_unreachable_attraction_is_an_error():
    with pytest.raises(ValueError, match=r"attractions\[0\].*cannot be placed"):
        furness([1.0, 1.0], [1.0, 1.0], [[0.0, 1.0], [0.0, 1.0]])
    # a zone that cannot be reached but has no trips is harmless
    t = furness([1.0, 1.0], [2.0, 0.0], [[1.0, 0.0], [1.0, 0.0]])
    np.testing.assert_allclose(t, [[1.0, 0.0], [1.0, 0.0]], rtol=1e-12)


def _unreachable(p, a, f) -> bool:
    """A zone with trips whose deterrence is zero towards every zone with trips opposite."""
    rows = np.array([p[i] > 0 and not any(f[i, j] > 0 and a[j] > 0 for j in range(len(a))) for i in range(len(p))])
    cols = np.array([a[j] > 0 and not any(f[i, j] > 0 and p[i] > 0 for i in range(len(p))) for j in range(len(a))])
    return bool(rows.any() or cols.any())


@settings(max_examples=300, deadline=None)
@given(gravity_inputs(allow_zeros=True, zero_pairs=True, max_zones=12), st.sampled_from([1e-6, 1e-10, 1e-12]))
def test_furness_kernel_matches_numpy_reference(inputs, tol):
    # Same stopping rule: the same number of sweeps; the sums differ only in their order of
    # additions, so the matrices agree to rounding (4e-15 relative on 20,000 random cases).
    p, a, f = inputs
    max_iter = 2000
    try:
        expected, expected_sweeps = reference_furness(p, a, f, tol=tol, max_iter=max_iter)
    except ConvergenceError:
        error = ValueError if _unreachable(p, a, f) else ConvergenceError
        with pytest.raises(error):
            furness(p, a, f, tol=tol, max_iter=max_iter)
        return
    assert not _unreachable(p, a, f)
    trips, sweeps, residual, overflow = _kernels.furness_kernel(p, a, f, float(p.sum()), tol, max_iter)
    assert not overflow and sweeps == expected_sweeps and residual <= tol
    np.testing.assert_allclose(trips, expected, rtol=1e-12, atol=0.0)
    np.testing.assert_array_equal(furness(p, a, f, tol=tol, max_iter=max_iter), trips)
    assert np.all(trips[p == 0] == 0) and np.all(trips[:, a == 0] == 0) and np.all(trips[f == 0] == 0)


@pytest.mark.parametrize(("p", "a", "f", "max_iter", "message"), [
    # origin 0 may only go to destination 0, whose attraction is too small: the factors overflow
    ([5.0, 1.0], [1.0, 5.0], [[1.0, 0.0], [1.0, 1.0]], 1000, "overflowed after 441 sweeps"),
    # two blocks whose totals differ: the row sums stay 0.571 of the total off (until the
    # factors overflow, after 442 sweeps)
    ([5.0, 1.0, 1.0], [1.0, 3.0, 3.0], [[1.0, 0.0, 0.0], [0.0, 1.0, 1.0], [0.0, 1.0, 1.0]], 100,
     "by 0.571 of the total after 100 sweeps"),
    ([5.0, 1.0, 1.0], [1.0, 3.0, 3.0], [[1.0, 0.0, 0.0], [0.0, 1.0, 1.0], [0.0, 1.0, 1.0]], 1000,
     "overflowed after 442 sweeps"),
])
def test_furness_infeasible_pattern_fails_as_the_reference(p, a, f, max_iter, message):
    with pytest.raises(ConvergenceError, match=message):
        reference_furness(p, a, np.array(f), max_iter=max_iter)
    with pytest.raises(ConvergenceError, match=message):
        furness(p, a, f, max_iter=max_iter)


def test_furness_reports_non_convergence():
    # Origin 0 may only go to destination 0, whose attraction is too small: infeasible.
    f = np.array([[1.0, 0.0], [1.0, 1.0]])
    with pytest.raises(ConvergenceError, match="infeasible"):
        furness([5.0, 1.0], [1.0, 5.0], f, max_iter=100_000)
    # A feasible problem stopped early names the residual and the sweeps.
    f = np.array([[1.0, 0.01], [0.01, 1.0]])
    with pytest.raises(ConvergenceError, match="after 1 sweeps"):
        furness([5.0, 1.0], [1.0, 5.0], f, max_iter=1)


# --------------------------------------------------------------------------------------
# Calibration
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("function", ["exponential", "power", "combined"])
def test_calibration_reaches_the_survey_mean_trip_length(function):
    population, jobs, students, distance = zone_system(n=8, seed=11, size_km=60.0)
    p, a = trip_productions_attractions(population, jobs, students)
    productions, attractions = p.sum(axis=0), a.sum(axis=0)
    target = 13.1  # Danish National Travel Survey mean trip length [km]
    beta = calibrate_gravity(productions, attractions, distance, distance, target, function=function, alpha=0.5)
    t = furness(productions, attractions, deterrence(distance, function, beta, alpha=0.5))
    assert mean_trip_length(t, distance) == pytest.approx(target, rel=1e-6)
    assert beta > 0


def test_calibration_with_a_time_cost():
    population, jobs, students, distance = zone_system(n=6, seed=5)
    cost_min = distance / 40.0 * 60.0 + 5.0  # 40 km/h plus 5 min terminal time
    p, a = trip_productions_attractions(population, jobs, students)
    beta = calibrate_gravity(p[0], a[0], cost_min, distance, 15.0)
    t = furness(p[0], a[0], deterrence(cost_min, beta=beta))
    assert mean_trip_length(t, distance) == pytest.approx(15.0, rel=1e-6)


def test_calibration_target_out_of_reach():
    population, jobs, students, distance = zone_system()
    p, a = trip_productions_attractions(population, jobs, students)
    unconstrained = mean_trip_length(np.outer(p[0], a[0]), distance)
    with pytest.raises(ValueError, match="above the mean trip length without deterrence"):
        calibrate_gravity(p[0], a[0], distance, distance, unconstrained * 1.5)
    with pytest.raises(ValueError, match="target_mean_km"):
        calibrate_gravity(p[0], a[0], distance, distance, -1.0)
    bad = distance.copy()
    bad[0, 1] = np.nan
    with pytest.raises(ValueError, match=r"cost\[0, 1\]"):
        calibrate_gravity(p[0], a[0], bad, distance, 10.0)
    with pytest.raises(ValueError, match="tol"):
        calibrate_gravity(p[0], a[0], distance, distance, 10.0, tol=2.0)
    with pytest.raises(ValueError, match="max_iter"):
        calibrate_gravity(p[0], a[0], distance, distance, 10.0, max_iter=0)
    with pytest.raises(ValueError, match="totals must match"):
        calibrate_gravity(p[0], 2.0 * a[0], distance, distance, 10.0)


def test_calibration_matches_public_furness():
    # The calibration balances through a path without the argument checks: its mean trip
    # length at the calibrated beta is that of the public functions.
    population, jobs, students, distance = zone_system(n=7, seed=2, size_km=50.0)
    p, a = trip_productions_attractions(population, jobs, students)
    cost = distance / 40.0 * 60.0 + 5.0
    for function in ("exponential", "power", "combined"):
        beta = calibrate_gravity(p, a, cost, distance, 12.0, function=function, alpha=0.5)
        f = deterrence(cost, function, beta, alpha=0.5)
        trips = sum(furness(pk, ak, f, tol=1e-12, max_iter=100_000) for pk, ak in zip(p, a))
        assert mean_trip_length(trips, distance) == pytest.approx(12.0, rel=1e-6)
