"""Heat loss of a buried network: the ground temperature (Kusuda and Achenbach) and the loss coefficient."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smartcity.energy.heat_network import (
    AnnualCycle,
    annual_cycle,
    calibrate_loss_coefficient,
    ground_temperature,
    network_heat_loss,
)
from smartcity.weather import reference_year

cycles = st.builds(AnnualCycle, st.floats(-5.0, 25.0), st.floats(0.0, 20.0), st.floats(0.0, 365.0))


@settings(max_examples=100, deadline=None)
@given(cycles, st.floats(0.2, 3.0), st.floats(0.02, 0.1))
def test_ground_temperature_solves_the_heat_equation(cycle, depth, alpha):
    """dT/dt = alpha d2T/dz2 (the diffusion the solution is derived from), by central differences."""
    hours = 24 * 40
    dz = 0.01
    upper, mid, lower = (ground_temperature(cycle, hours, z, alpha) for z in (depth - dz, depth, depth + dz))
    d2t_dz2 = (upper - 2.0 * mid + lower) / dz**2
    dt_dt = np.gradient(mid, 1.0 / 24.0)  # [K/d]
    # truncation of the differences: dz^2/12 x A k^4 in depth (k = sqrt(pi / (365 alpha)) <= 0.66 /m) times
    # alpha, below 4e-6 K/d; (1/24 d)^2/6 x A (2 pi/365)^3 in time, below 1e-7 K/d; against rates up to ~0.3 K/d
    inner = slice(1, -1)
    np.testing.assert_allclose(dt_dt[inner], alpha * d2t_dz2[inner], atol=1e-5)


def test_at_the_surface_the_ground_follows_the_air_cycle_and_deep_down_keeps_the_mean():
    cycle = AnnualCycle(8.0, 8.5, 20.0)
    t = (np.arange(8760) + 0.5) / 24.0
    np.testing.assert_allclose(ground_temperature(cycle, 8760, 0.0, 0.05),
                               8.0 - 8.5 * np.cos(2 * np.pi * (t - 20.0) / 365.0), atol=1e-12)
    # at 30 m the cycle is damped by exp(-30 x sqrt(pi / 18.25)) = 4e-6
    np.testing.assert_allclose(ground_temperature(cycle, 8760, 30.0, 0.05), 8.0, atol=1e-4)


def test_the_soil_damps_and_delays_the_cycle_more_with_depth():
    cycle = AnnualCycle(8.0, 8.5, 20.0)
    shallow, deep = (ground_temperature(cycle, 8760, z, 0.05) for z in (0.5, 1.5))
    assert np.ptp(deep) < np.ptp(shallow) < 2 * 8.5
    assert np.argmin(deep) > np.argmin(shallow) > 20 * 24
    # at 1 m in a soil of 0.05 m2/d: damping exp(-1 x sqrt(pi / 18.25)) = 0.66, lag 0.5 x sqrt(365 / (0.05 pi)) = 24.1 d
    one_metre = ground_temperature(cycle, 8760, 1.0, 0.05)
    assert np.ptp(one_metre) / 2 == pytest.approx(8.5 * np.exp(-np.sqrt(np.pi / 18.25)), rel=1e-4)
    assert np.argmin(one_metre) / 24 == pytest.approx(20.0 + 0.5 * np.sqrt(365 / (np.pi * 0.05)), abs=0.05)


def test_the_annual_cycle_of_the_aalborg_reference_year():
    cycle = annual_cycle(reference_year().temp_air)
    # the shipped reference year: annual mean about 8 C (DMI normals for Aalborg), coldest in January or February
    assert 6.5 < cycle.mean_c < 9.5
    assert 5.0 < cycle.amplitude_k < 10.0
    assert 5.0 < cycle.coldest_day < 50.0
    assert cycle.mean_c == pytest.approx(float(np.mean(reference_year().temp_air)), abs=0.05)


def test_the_loss_follows_the_mean_water_temperature_above_the_ground():
    ground = np.array([2.0, 6.0, 12.0])
    loss = network_heat_loss(80.0, 40.0, ground, 0.5)
    np.testing.assert_allclose(loss, 0.5 * (60.0 - ground))
    # 10 K lower supply and return: 10 K x 0.5 MW/K less every hour
    np.testing.assert_allclose(loss - network_heat_loss(70.0, 30.0, ground, 0.5), 5.0)
    # hourly supply temperatures broadcast with the ground's hours; no loss where the water is colder
    np.testing.assert_allclose(network_heat_loss([80.0, 70.0, 10.0], [40.0, 40.0, 10.0], ground, 0.5),
                               [29.0, 24.5, 0.0])


def test_a_calibrated_coefficient_loses_the_share_it_was_calibrated_for():
    ground = ground_temperature(annual_cycle(reference_year().temp_air), 8760, 1.0, 0.05)
    delivered = 1.2e6  # MWh: the order of Aalborg's network (about 500,000 GJ in a normal October)
    ua = calibrate_loss_coefficient(delivered, 0.18, 78.0, 42.0, ground)
    loss = network_heat_loss(78.0, 42.0, ground, ua).sum()
    assert loss / (delivered + loss) == pytest.approx(0.18, rel=1e-12)
    assert calibrate_loss_coefficient(delivered, 0.0, 78.0, 42.0, ground) == 0.0
    # the loss is larger in winter, when the ground is colder
    hourly = network_heat_loss(78.0, 42.0, ground, ua)
    assert hourly[:744].mean() > hourly[4344:5088].mean()


@pytest.mark.parametrize(("call", "message"), [
    (lambda: network_heat_loss(40.0, 50.0, [5.0], 1.0), r"return_c\[0\] = 50.0: must be <= supply_c\[0\] = 40.0"),
    (lambda: network_heat_loss(80.0, 40.0, [5.0], -1.0), r"loss_coefficient_mw_per_k = -1.0: must be >= 0"),
    (lambda: network_heat_loss(80.0, 40.0, [np.nan], 1.0), r"ground_c\[0\] = nan: must be a finite number"),
    (lambda: ground_temperature(AnnualCycle(8, 8, 20), 10, -1.0, 0.05), r"depth_m = -1.0: must be >= 0 \[m\]"),
    (lambda: ground_temperature(AnnualCycle(8, 8, 20), 10, 1.0, 0.0), r"diffusivity_m2_per_day = 0.0: must be > 0"),
    (lambda: ground_temperature(AnnualCycle(8, 8, 20), 0, 1.0, 0.05), r"n_hours = 0: must be a whole number"),
    (lambda: annual_cycle(np.zeros(100)), r"temp_air_c: 100 hours; the annual cycle needs a whole year"),
    (lambda: AnnualCycle(8.0, -1.0, 20.0), r"cycle.amplitude_k = -1.0: must be >= 0 \[K\]"),
    (lambda: network_heat_loss([80.0, 70.0], 40.0, [5.0, 5.0, 5.0], 1.0),
     r"supply_c: expected one value or 3 hourly values as ground_c, got shape \(2,\)"),
    (lambda: calibrate_loss_coefficient(1.0, 1.0, 80.0, 40.0, [5.0]), r"loss_share = 1.0: must be < 1"),
    (lambda: calibrate_loss_coefficient(1.0, 0.1, 5.0, 5.0, [10.0]), r"the water is never warmer than the ground"),
])
def test_bad_arguments_are_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()
