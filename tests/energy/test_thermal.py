"""Tests of the ISO 13790 5R1C thermal model, :mod:`smartcity.energy.thermal`."""

from __future__ import annotations

import functools

import numba
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smartcity.energy import _kernels, glazing
from smartcity.energy.thermal import (
    WINDOW_AZIMUTHS_DEG,
    WINDOW_IRRADIANCE_COLUMNS,
    WINDOW_ORIENTATIONS,
    WINDOW_TILT_DEG,
    ThermalResult,
    simulate_5r1c,
    simulate_stock,
    thermal_inputs_from_table,
    warmup,
)
from smartcity.errors import InputError

from .reference_5r1c import random_stock, random_weather, reference_5r1c

# Start of the simulated fortnight, hour of the year: mid-June has heating at night,
# cooling on sunny afternoons and power limits binding both ways; January binds heating.
JUNE = 24 * 170
JANUARY = 0
TWO_WEEKS = 24 * 14

FLOAT_FIELDS = [
    "heating_wh",
    "cooling_wh",
    "peak_heating_w",
    "peak_cooling_w",
    "window_transmission_wh",
    "opaque_transmission_wh",
    "ventilation_wh",
    "internal_gains_wh",
    "solar_gains_wh",
    "stored_heat_change_wh",
    "heating_by_group_w",
    "cooling_by_group_w",
]


# --------------------------------------------------------------------------------------
# Kernel against the numpy reference
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seed", "start_hour", "warmup_hours"),
    [(11, JUNE, 168), (12, JANUARY, 168), (13, JUNE, 500)],  # 500 > n_h: warm-up wraps
)
def test_kernel_matches_reference(seed, start_hour, warmup_hours):
    stock = random_stock(150, TWO_WEEKS, seed, start_hour=start_hour, warmup_hours=warmup_hours)
    result = simulate_5r1c(**stock)
    expected = reference_5r1c(**stock)

    # The inputs exercise every branch of §C.4.2.
    assert (expected["unmet_heating_hours"] > 0).any()
    if start_hour == JUNE:
        assert (expected["cooling_wh"] > 0).sum() >= 10
        assert (expected["unmet_cooling_hours"] > 0).any()
        assert ((expected["heating_wh"] > 0) & (expected["cooling_wh"] > 0)).any()

    # Tolerance 1e-9 relative: the kernel evaluates the same equations in another
    # algebraic arrangement (the exact linear form of §C.4.2 instead of the 10 W/m2
    # interpolation, per-building coefficients folded out of the hour loop, balance
    # terms from sums of the node equations), so the two differ by floating-point
    # rounding only, observed around 1e-14. Any modelling difference (a wrong
    # coefficient, a mass temperature taken from the wrong hour) shows up far above that.
    # The absolute part, 1e-9 of the field's largest value, covers entries that are
    # zero up to rounding (e.g. cooling of a building that is barely cooled).
    for name in FLOAT_FIELDS:
        got = getattr(result, name)
        want = expected[name]
        assert got.shape == want.shape, name
        np.testing.assert_allclose(
            got, want, rtol=1e-9, atol=1e-9 * np.max(np.abs(want)), err_msg=name
        )
    # Unmet hours are counts: equal exactly (no hour sits on a power limit).
    np.testing.assert_array_equal(result.unmet_heating_hours, expected["unmet_heating_hours"])
    np.testing.assert_array_equal(result.unmet_cooling_hours, expected["unmet_cooling_hours"])


ENVELOPE_FIELDS = [*FLOAT_FIELDS, "opaque_solar_gains_wh", "sky_loss_wh"]


@pytest.mark.parametrize(("seed", "start_hour"), [(14, JUNE), (15, JANUARY)])
def test_kernel_matches_reference_with_the_envelope_terms(seed, start_hour):
    # Surface area and coefficient per building, convective share of the internal gains,
    # the sun on walls and roof and their radiation to the sky: the same 1e-9 as above.
    stock = random_stock(150, TWO_WEEKS, seed, start_hour=start_hour, envelope=True)
    result = simulate_5r1c(**stock)
    expected = reference_5r1c(**stock)
    assert (expected["opaque_solar_gains_wh"] > 0).all() and (expected["sky_loss_wh"] > 0).all()
    for name in ENVELOPE_FIELDS:
        got, want = getattr(result, name), expected[name]
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-9 * np.max(np.abs(want)), err_msg=name)
    np.testing.assert_array_equal(result.unmet_heating_hours, expected["unmet_heating_hours"])
    # The balance closes with the new terms (same bound as test_energy_balance_closes).
    scale = result.heating_wh + result.cooling_wh + result.internal_gains_wh + result.solar_gains_wh
    assert np.all(np.abs(result.balance_residual_wh) <= 1e-9 * scale)


def test_the_standards_constants_are_the_defaults():
    # A_t = 4.5 A_f, h_is = 3.45, half the internal gains convective: given explicitly, the
    # same bits as left out.
    stock = random_stock(40, TWO_WEEKS, seed=16, start_hour=JANUARY)
    plain = simulate_5r1c(**stock)
    explicit = simulate_5r1c(**stock, a_t=4.5 * stock["floor_area"], h_is=3.45, convective_share=0.5)
    for name in FLOAT_FIELDS:
        np.testing.assert_array_equal(getattr(plain, name), getattr(explicit, name), err_msg=name)


@pytest.mark.parametrize(("name", "value", "message"), [
    ("a_t", lambda s: 0.5 * s["a_m"], "the mass area must not exceed A_t"),
    ("h_is", lambda s: 0.0, "must be > 0"),
    ("convective_share", lambda s: 1.2, "must be <= 1"),
    ("sky_loss_coefficient", lambda s: np.ones(len(s["floor_area"])), "give both or neither"),
])
def test_envelope_arguments_are_checked(name, value, message):
    stock = random_stock(5, 48, seed=17)
    with pytest.raises(ValueError, match=message):
        simulate_5r1c(**{**stock, name: value(stock)})


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 50), more=st.floats(1.0, 3.0))
def test_sun_on_walls_lowers_heating_and_the_sky_raises_it(seed, more):
    # In two January weeks (heating in every hour, as in the tests above) more absorbed sun
    # can only lower the heating need, more radiation to the sky only raise it.
    stock = random_stock(20, TWO_WEEKS, seed, start_hour=JANUARY, envelope=True)
    base = simulate_5r1c(**stock).heating_wh
    sunnier = simulate_5r1c(**{**stock, "opaque_aperture": stock["opaque_aperture"] * more}).heating_wh
    colder_sky = simulate_5r1c(**{**stock, "sky_loss_coefficient": stock["sky_loss_coefficient"] * more}).heating_wh
    assert np.all(sunnier <= base * (1.0 + 1e-12) + 1e-9)
    assert np.all(colder_sky >= base * (1.0 - 1e-12) - 1e-9)


def test_group_sums_add_up_to_weighted_building_totals():
    stock = random_stock(120, TWO_WEEKS, seed=21, start_hour=JUNE)
    result = simulate_5r1c(**stock)
    group, weight, n_groups = stock["group_index"], stock["weight"], stock["n_groups"]
    weighted = np.bincount(group, weight * result.heating_wh, n_groups)
    np.testing.assert_allclose(result.heating_by_group_w.sum(axis=1), weighted, rtol=1e-12)
    weighted = np.bincount(group, weight * result.cooling_wh, n_groups)
    np.testing.assert_allclose(result.cooling_by_group_w.sum(axis=1), weighted, rtol=1e-12)


# --------------------------------------------------------------------------------------
# Physics
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("start_hour", [JANUARY, JUNE])
def test_energy_balance_closes(start_hour):
    stock = random_stock(150, TWO_WEEKS, seed=31, start_hour=start_hour)
    result = simulate_5r1c(**stock)
    # heating - cooling + internal + solar - window - opaque - ventilation = stored.
    # The air and surface nodes hold no heat, so the balance is exact but for rounding;
    # 1e-6 of the largest term leaves a wide margin over the ~1e-14 observed.
    terms = np.abs(
        np.stack([getattr(result, n) for n in FLOAT_FIELDS if n.endswith("_wh")])
    ).max(axis=0)
    assert np.all(np.abs(result.balance_residual_wh) <= 1e-6 * terms)
    assert np.all(np.abs(result.stored_heat_change_wh) < terms)


def _one_building(theta_e, setpoint_h, setpoint_c, n_h=48, warmup_hours=24 * 60, **over):
    args = dict(
        floor_area=[120.0],
        h_tr_w=[45.0],
        h_tr_op=[95.0],
        h_ve=[40.0],
        c_m=[165e3 * 120.0],
        a_m=[2.5 * 120.0],
        theta_e=np.full(n_h, theta_e),
        irradiance=np.zeros((n_h, 4)),
        solar_aperture=np.full((1, 4), 3.0),
        internal_gains=[[0.0]],
        heating_setpoint=[[setpoint_h]],
        cooling_setpoint=[[setpoint_c]],
        warmup_hours=warmup_hours,
    )
    args.update(over)
    return args


@pytest.mark.parametrize(
    ("theta_e", "setpoint_h", "setpoint_c", "delta"),
    [(-5.0, 20.0, 26.0, 25.0), (35.0, 20.0, 26.0, -9.0)],
)
def test_steady_state_power(theta_e, setpoint_h, setpoint_c, delta):
    args = _one_building(theta_e, setpoint_h, setpoint_c)
    result = simulate_5r1c(**args)
    h_tr_w, h_tr_op, h_ve = 45.0, 95.0, 40.0
    h_tr_is = 3.45 * 4.5 * 120.0
    # In the 5R1C network the envelope (H_tr_w + H_tr_op, in parallel once the mass
    # is in equilibrium) is reached from the controlled air node through the
    # air-surface coupling H_tr_is, in series; ventilation acts on the air directly.
    h_total = h_ve + 1.0 / (1.0 / h_tr_is + 1.0 / (h_tr_w + h_tr_op))
    expected = h_total * abs(delta)
    # Tolerance: after 60 days of warm-up at constant conditions the mass temperature
    # is within exp(-1440 h / tau), tau = C_m / H ~ 50 h, of equilibrium, i.e. exact
    # to rounding; 1e-9 relative.
    hourly = result.heating_by_group_w[0] if delta > 0 else result.cooling_by_group_w[0]
    np.testing.assert_allclose(hourly, expected, rtol=1e-9)
    assert (result.cooling_wh[0] if delta > 0 else result.heating_wh[0]) == 0.0
    np.testing.assert_allclose(result.stored_heat_change_wh, 0.0, atol=1e-6)


def test_steady_state_equals_ua_sum_with_perfect_surface_coupling():
    # With H_tr_is -> infinity the surface node sits at the air temperature, and the
    # steady heating power is the familiar (H_tr_w + H_tr_op + H_ve)(theta_set - theta_e).
    h_tr_w, h_tr_op, h_ve, h_tr_ms = 45.0, 95.0, 40.0, 9.1 * 300.0
    n_h, n_b = 24, 1
    one = np.ones(n_b)
    heating = np.zeros(n_b)
    outputs = dict(
        heating_wh=heating,
        cooling_wh=np.zeros(n_b),
        peak_heating_w=np.zeros(n_b),
        peak_cooling_w=np.zeros(n_b),
        unmet_heating_hours=np.zeros(n_b, dtype=np.int64),
        unmet_cooling_hours=np.zeros(n_b, dtype=np.int64),
        balance_wh=np.zeros((n_b, 6)),
        heating_by_group_w=np.zeros((1, n_h)),
        cooling_by_group_w=np.zeros((1, n_h)),
    )
    _kernels.simulate_5r1c_kernel(
        h_tr_w * one,
        h_tr_op * h_tr_ms / (h_tr_ms - h_tr_op) * one,
        h_tr_ms * one,
        1e12 * one,  # H_tr_is
        h_ve * one,
        165e3 * 120.0 * one,
        300.0 * one,
        540.0 * one,
        120.0 * one,
        0.5 * one,  # convective share of the internal gains
        np.inf * one,
        np.inf * one,
        np.zeros(n_b, dtype=np.int64),
        np.zeros(n_b, dtype=np.int64),
        one,
        np.full(n_h, -5.0),
        np.zeros((n_h, 4)),
        np.zeros((n_b, 4)),
        np.zeros((n_h, 0)),  # no drivers of the mass node
        np.zeros((n_b, 0)),
        np.zeros((1, n_h)),
        np.full((1, n_h), 20.0),
        np.full((1, n_h), 26.0),
        1,
        24 * 60,
        *outputs.values(),
    )
    # Deviation from the UA sum is (H_tr_w + H_tr_op) / H_tr_is ~ 1e-10 relative.
    np.testing.assert_allclose(
        outputs["heating_by_group_w"][0], (h_tr_w + h_tr_op + h_ve) * 25.0, rtol=1e-8
    )


def test_no_ventilation_is_the_limit_of_small_ventilation():
    stock = random_stock(20, TWO_WEEKS, seed=41, start_hour=JANUARY)
    stock["h_ve"] = np.zeros(20)
    result = simulate_5r1c(**stock)
    stock["h_ve"] = np.full(20, 1e-9)
    expected = reference_5r1c(**stock)  # the standard's formulas divide by H_ve
    np.testing.assert_allclose(result.heating_wh, expected["heating_wh"], rtol=1e-7)
    assert np.all(result.ventilation_wh == 0.0)
    assert np.all(np.isfinite(result.balance_residual_wh))


def test_power_limits_are_respected():
    stock = random_stock(150, TWO_WEEKS, seed=51, start_hour=JUNE)
    result = simulate_5r1c(**stock)
    assert np.all(result.peak_heating_w <= stock["max_heating_w"])
    assert np.all(result.peak_cooling_w <= stock["max_cooling_w"])
    assert np.all(result.unmet_heating_hours[np.isinf(stock["max_heating_w"])] == 0)
    assert np.all(result.unmet_cooling_hours[np.isinf(stock["max_cooling_w"])] == 0)
    # Without a cooling system, the unmet cooling hours are the overheating hours.
    no_cooling = (stock["max_cooling_w"] == 0.0) & (result.unmet_cooling_hours > 0)
    assert no_cooling.any()
    assert np.all(result.cooling_wh[stock["max_cooling_w"] == 0.0] == 0.0)


# --------------------------------------------------------------------------------------
# Properties (hypothesis)
# --------------------------------------------------------------------------------------


@functools.cache
def _winter(seed: int):
    # Two January weeks: the outdoor air stays below every heating setpoint drawn
    # below, the regime in which insulation and heat recovery can only help. (With
    # warm spells above the indoor temperature, insulation also keeps free heat out,
    # and the heating need can rise.)
    theta_e, irradiance = random_weather(TWO_WEEKS, seed, start_hour=JANUARY)
    return theta_e, _by_panes(irradiance)


def _by_panes(irradiance):
    """Facade irradiance as a buildings table takes it: one block per pane count (the same
    irradiance for each here)."""
    return np.tile(irradiance, (1, len(glazing.PANES)))


def _fraction(low, high):
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


@st.composite
def building_rows(draw):
    area = draw(_fraction(60.0, 5000.0))
    row = {
        "heated_floor_area_m2": area,
        "room_height_m": draw(_fraction(2.4, 3.5)),
        "wall_area_m2": area * draw(_fraction(0.3, 1.5)),
        "roof_area_m2": area * draw(_fraction(0.1, 1.0)),
        "ground_floor_area_m2": area * draw(_fraction(0.1, 1.0)),
        "u_wall_w_m2k": draw(_fraction(0.1, 1.5)),
        "u_roof_w_m2k": draw(_fraction(0.1, 1.0)),
        "u_floor_w_m2k": draw(_fraction(0.1, 1.0)),
        "u_window_w_m2k": draw(_fraction(0.7, 3.0)),
        "g_window": draw(_fraction(0.3, 0.8)),
        # C_m of ISO 13790 Table 12, very light (80 kJ/m2K) to very heavy (370 kJ/m2K).
        "heat_capacity_j_m2k": draw(_fraction(80e3, 370e3)),
        "mass_area_factor": draw(_fraction(2.5, 3.5)),
        "ventilation_ach": draw(_fraction(0.2, 1.5)),
        "heat_recovery_efficiency": draw(_fraction(0.0, 0.9)),
        "internal_gains_w_m2": draw(_fraction(0.0, 10.0)),
        "heating_setpoint_c": draw(_fraction(18.0, 22.0)),
        "cooling_setpoint_c": draw(_fraction(24.0, 30.0)),
        "count": draw(st.integers(1, 10)),
    }
    for orientation in WINDOW_ORIENTATIONS:
        row[f"window_area_{orientation}_m2"] = area * draw(_fraction(0.0, 0.08))
    return row


@settings(max_examples=40, deadline=None)
@given(row=building_rows(), factor=_fraction(0.1, 1.0), seed=st.integers(0, 3))
def test_lower_u_values_never_raise_heating(row, factor, seed):
    better = dict(row)
    for name in ("u_wall_w_m2k", "u_roof_w_m2k", "u_floor_w_m2k", "u_window_w_m2k"):
        better[name] = row[name] * factor
    theta_e, irradiance = _winter(seed)
    result = simulate_stock(pd.DataFrame([row, better]), theta_e, irradiance)
    # Relative 1e-12 absorbs rounding when factor == 1.
    assert result.heating_wh[1] <= result.heating_wh[0] * (1.0 + 1e-12) + 1e-9


@settings(max_examples=40, deadline=None)
@given(row=building_rows(), more=_fraction(0.0, 0.9), seed=st.integers(0, 3))
def test_more_heat_recovery_never_raises_heating(row, more, seed):
    better = dict(row)
    better["heat_recovery_efficiency"] = max(row["heat_recovery_efficiency"], more)
    theta_e, irradiance = _winter(seed)
    result = simulate_stock(pd.DataFrame([row, better]), theta_e, irradiance)
    assert result.heating_wh[1] <= result.heating_wh[0] * (1.0 + 1e-12) + 1e-9


@settings(max_examples=25, deadline=None)
@given(
    n_buildings=st.integers(1, 60),
    seed=st.integers(0, 2**32 - 1),
    start_hour=st.sampled_from([JANUARY, 24 * 100, JUNE]),
)
def test_outputs_are_non_negative(n_buildings, seed, start_hour):
    stock = random_stock(n_buildings, 24 * 7, seed, start_hour=start_hour, warmup_hours=48)
    result = simulate_5r1c(**stock)
    for name in (
        "heating_wh",
        "cooling_wh",
        "peak_heating_w",
        "peak_cooling_w",
        "unmet_heating_hours",
        "unmet_cooling_hours",
        "internal_gains_wh",
        "solar_gains_wh",
        "heating_by_group_w",
        "cooling_by_group_w",
    ):
        assert np.all(getattr(result, name) >= 0), name
    assert np.all(result.unmet_heating_hours + result.unmet_cooling_hours <= 24 * 7)


@pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="needs 2 numba threads")
@settings(max_examples=10, deadline=None)
@given(n_buildings=st.integers(1, 300), seed=st.integers(0, 2**32 - 1))
def test_results_do_not_depend_on_thread_count(n_buildings, seed):
    stock = random_stock(n_buildings, 24 * 7, seed, start_hour=JUNE, warmup_hours=48)
    previous = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = simulate_5r1c(**stock).as_dict()
        numba.set_num_threads(2)
        two = simulate_5r1c(**stock).as_dict()
    finally:
        numba.set_num_threads(previous)
    for name in one:
        assert one[name].dtype == two[name].dtype
        assert one[name].tobytes() == two[name].tobytes(), name  # bitwise


# --------------------------------------------------------------------------------------
# Argument checks
# --------------------------------------------------------------------------------------


def _set(name, index, value):
    def change(stock):
        array = np.array(stock[name], dtype=float)
        array[index] = value
        stock[name] = array

    return change


def _replace(name, value):
    def change(stock):
        stock[name] = value(stock) if callable(value) else value

    return change


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (_set("floor_area", 3, -5.0), r"floor_area\[3\] = -5\.0"),
        (_set("floor_area", 2, np.nan), r"floor_area\[2\] = nan"),
        (_set("a_m", 4, 1e9), r"a_m\[4\] = 1000000000\.0.*A_t"),
        (_set("h_tr_op", 1, 1e9), r"h_tr_op\[1\] = .*H_tr_ms"),
        (_set("h_ve", 0, -1.0), r"h_ve\[0\] = -1\.0"),
        (_set("c_m", 0, 0.0), r"c_m\[0\] = 0\.0"),
        (_set("max_heating_w", 2, np.nan), r"max_heating_w\[2\]"),
        (_set("weight", 2, -1.0), r"weight\[2\]"),
        (_set("theta_e", 5, np.nan), r"theta_e\[5\] = nan"),
        (_set("heating_setpoint", (1, 7), 60.0), r"heating_setpoint\[1, 7\] = 60\.0.*cooling"),
        (_set("internal_gains", (0, 3), -2.0), r"internal_gains\[0, 3\] = -2\.0"),
        (_set("irradiance", (9, 2), -1.0), r"irradiance\[9, 2\] = -1\.0"),
        (_replace("irradiance", lambda s: s["irradiance"][:-1]), r"irradiance: expected shape"),
        (_replace("irradiance", lambda s: s["irradiance"][:, 0]), r"irradiance: expected a 2-D"),
        (_replace("solar_aperture", lambda s: s["solar_aperture"][:, :3]), r"solar_aperture: exp"),
        (_replace("cooling_setpoint", lambda s: s["cooling_setpoint"][:2]), r"cooling_setpoint: e"),
        (_replace("schedule_index", lambda s: np.full(8, 6)), r"schedule_index\[0\] = 6"),
        (_replace("group_index", lambda s: np.full(8, 7)), r"group_index\[0\] = 7"),
        (_replace("group_index", lambda s: np.full(8, 0.5)), r"group_index: expected integers"),
        (_replace("group_index", lambda s: np.full(8, -1)), r"group_index\[0\] = -1"),
        (_replace("n_groups", 0), r"n_groups = 0"),
        (_replace("warmup_hours", -1), r"warmup_hours = -1"),
        (_replace("h_tr_w", lambda s: s["h_tr_w"] * 1e4), r"h_tr_w\[0\] = .*C\.3"),
    ],
)
def test_bad_arguments_raise_value_error_naming_them(change, match):
    stock = random_stock(8, 48, seed=61, warmup_hours=24)
    change(stock)
    with pytest.raises(ValueError, match=match):
        simulate_5r1c(**stock)


def test_errors_name_the_first_bad_building():
    stock = random_stock(8, 48, seed=62, warmup_hours=24)
    stock["floor_area"] = stock["floor_area"].copy()
    stock["floor_area"][[5, 6]] = -1.0
    with pytest.raises(ValueError, match=r"floor_area\[5\] = -1\.0: must be > 0"):
        simulate_5r1c(**stock)


# --------------------------------------------------------------------------------------
# Buildings table
# --------------------------------------------------------------------------------------


def _table():
    return pd.DataFrame(
        {
            "building_id": ["a", "b", "c"],
            "heated_floor_area_m2": [100.0, 200.0, 150.0],
            "room_height_m": [2.5, 3.0, 2.5],
            "wall_area_m2": [120.0, 160.0, 100.0],
            "roof_area_m2": [60.0, 100.0, 75.0],
            "ground_floor_area_m2": [60.0, 100.0, 75.0],
            "window_area_north_m2": [2.0, 10.0, 3.0],
            "window_area_east_m2": [4.0, 0.0, 3.0],
            "window_area_south_m2": [10.0, 20.0, 3.0],
            "window_area_west_m2": [4.0, 10.0, 3.0],
            "u_wall_w_m2k": [0.5, 0.3, 0.2],
            "u_roof_w_m2k": [0.3, 0.2, 0.15],
            "u_floor_w_m2k": [0.4, 0.3, 0.2],
            "u_window_w_m2k": [2.5, 1.5, 1.0],
            "g_window": [0.6, 0.5, 0.5],
            "ventilation_ach": [0.5, 0.6, 0.5],
            "heat_recovery_efficiency": [0.0, 0.8, 0.0],
            "internal_gains_w_m2": [3.0, 5.0, 3.0],
            "heating_setpoint_c": [20.0, 21.0, 20.0],
            "count": [10, 1, 4],
        }
    )


def test_table_mapping():
    inputs = thermal_inputs_from_table(_table())
    np.testing.assert_allclose(inputs["floor_area"], [100.0, 200.0, 150.0])
    np.testing.assert_allclose(inputs["h_tr_w"], [2.5 * 20.0, 1.5 * 40.0, 1.0 * 12.0])
    np.testing.assert_allclose(
        inputs["h_tr_op"],
        [
            0.5 * 120 + 0.3 * 60 + 0.4 * 60,
            0.3 * 160 + 0.2 * 100 + 0.3 * 100,
            0.2 * 100 + 0.15 * 75 + 0.2 * 75,
        ],
    )
    # H_ve = rho_a c_a / 3600 x ach x volume x (1 - eta): 1200/3600 x 0.5 x 250 = 41.67 W/K.
    air = 1200.0 / 3600.0
    np.testing.assert_allclose(
        inputs["h_ve"], [air * 0.5 * 250.0, air * 0.6 * 600.0 * 0.2, air * 0.5 * 375.0]
    )
    # Schema defaults fill missing columns: 165 kJ/(m2 K), mass area factor 2.5, frame
    # fraction 0.3 and shading factor 0.6, cooling setpoint 26 °C.
    np.testing.assert_allclose(inputs["c_m"], [165e3 * 100.0, 165e3 * 200.0, 165e3 * 150.0])
    np.testing.assert_allclose(inputs["a_m"], [250.0, 500.0, 375.0])
    # A_sol = A g_n (1 - F_F) F_sh in the block of the row's pane count, from its window
    # U-value (2.5: two panes, 1.5: two, 1.0: three), zero elsewhere.
    aperture = inputs["solar_aperture"]
    assert aperture.shape == (3, WINDOW_IRRADIANCE_COLUMNS)
    areas = _table()[[f"window_area_{o}_m2" for o in WINDOW_ORIENTATIONS]].to_numpy()
    expected = np.zeros_like(aperture)
    for row, (panes, g) in enumerate([(2, 0.6), (2, 0.5), (3, 0.5)]):
        block = glazing.PANES.index(panes) * 4
        expected[row, block:block + 4] = areas[row] * g * 0.7 * 0.6
    np.testing.assert_allclose(aperture, expected, rtol=1e-15)
    # A given pane count wins over the U-value's; a count the model does not know is refused.
    table = _table().assign(glazing_panes=[1, np.nan, 2])
    given = thermal_inputs_from_table(table)["solar_aperture"]
    assert given[0, :4].sum() > 0 and given[2, 4:8].sum() > 0 and given[1, 4:8].sum() > 0
    with pytest.raises(InputError, match="row 2, column 'glazing_panes'.*4"):
        thermal_inputs_from_table(_table().assign(glazing_panes=[1, 4, 2]))
    np.testing.assert_allclose(inputs["weight"], [10.0, 1.0, 4.0])
    assert np.all(np.isinf(inputs["max_heating_w"])) and np.all(np.isinf(inputs["max_cooling_w"]))
    # Rows a and c share gains and setpoints, hence one schedule.
    index = inputs["schedule_index"]
    assert index[0] == index[2] != index[1]
    assert inputs["internal_gains"].shape == (2, 1)
    assert inputs["heating_setpoint"][index[1], 0] == 21.0
    assert inputs["cooling_setpoint"][index[0], 0] == 26.0


def test_table_errors_name_column_and_row():
    table = _table().drop(columns="u_wall_w_m2k")
    with pytest.raises(InputError, match="column 'u_wall_w_m2k'"):
        thermal_inputs_from_table(table)
    table = _table()
    table.loc[1, "ventilation_ach"] = np.nan
    with pytest.raises(InputError, match="row 2, column 'ventilation_ach'"):
        thermal_inputs_from_table(table)


def test_simulate_stock_end_to_end():
    theta_e, irradiance = random_weather(TWO_WEEKS, seed=71, start_hour=JANUARY)
    irradiance = _by_panes(irradiance)
    result = simulate_stock(_table(), theta_e, irradiance, group_index=[0, 1, 0], n_groups=2)
    assert isinstance(result, ThermalResult)
    assert result.heating_by_group_w.shape == (2, TWO_WEEKS)
    assert np.all(result.heating_wh > 0)
    # Row a (leaky, no heat recovery) needs more heat per m2 than row b.
    per_m2 = result.heating_wh / np.array([100.0, 200.0, 150.0])
    assert per_m2[0] > per_m2[1]
    np.testing.assert_allclose(
        result.heating_by_group_w.sum(axis=1),
        [10 * result.heating_wh[0] + 4 * result.heating_wh[2], result.heating_wh[1]],
        rtol=1e-12,
    )
    with pytest.raises(ValueError, match=r"irradiance: expected shape \(n_hours, 12\)"):
        simulate_stock(_table(), theta_e, irradiance[:, :4])


def test_orientation_constants():
    assert WINDOW_ORIENTATIONS == ("north", "east", "south", "west")
    assert WINDOW_AZIMUTHS_DEG == (0.0, 90.0, 180.0, 270.0)
    assert WINDOW_TILT_DEG == 90.0


def test_chunk_count_depends_on_problem_size_only():
    assert _kernels.n_chunks(1, 1, 8760) == 1
    assert _kernels.n_chunks(2000, 1, 8760) == _kernels.MAX_CHUNKS
    # Many groups: fewer chunks so the per-chunk arrays stay within the memory budget.
    n = _kernels.n_chunks(2000, 200, 8760)
    assert 1 <= n < _kernels.MAX_CHUNKS
    assert n * 16 * (200 + 1) * 8760 <= _kernels.SCRATCH_BYTES


def test_warmup_runs():
    warmup()
