"""COP of large heat pumps from the Lorenz cycle between gliding sink and source streams."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy.integrate import quad

from smartcity.energy.large_heat_pump import KELVIN, large_heat_pump_cop, log_mean_temperature_k, lorenz_cop


@settings(max_examples=200, deadline=None)
@given(st.floats(-20.0, 120.0), st.floats(0.0, 60.0))
@example(0.0, 1e-5).via("a glide that log(t_out / t_in) resolved to 7 digits only")
def test_the_log_mean_temperature_is_heat_over_entropy(inlet, glide):
    """A stream heated from T1 to T2 takes Q = C (T2 - T1) with entropy dS = C dT / T: Q / S = T_lm."""
    t1, t2 = inlet + KELVIN, inlet + glide + KELVIN
    entropy, _ = quad(lambda t: 1.0 / t, t1, t2, epsabs=0.0, epsrel=1e-13)  # relative accuracy, also for tiny glides
    expected = (t2 - t1) / entropy if t2 > t1 else t1
    assert float(log_mean_temperature_k(inlet, inlet + glide)) == pytest.approx(expected, rel=1e-9)


def test_without_glides_the_lorenz_cop_is_the_carnot_cop():
    assert float(lorenz_cop(70.0, 70.0, 5.0, 5.0)) == pytest.approx((70 + KELVIN) / 65.0, rel=1e-12)


@settings(max_examples=200, deadline=None)
@given(st.floats(20.0, 60.0), st.floats(5.0, 40.0), st.floats(-15.0, 15.0), st.floats(0.0, 8.0))
def test_the_lorenz_cop_lies_between_the_carnot_cops_of_the_stream_ends(return_c, glide, source_c, cooling):
    supply_c = return_c + glide
    cop = float(lorenz_cop(return_c, supply_c, source_c, source_c - cooling))
    best = (return_c + KELVIN) / (return_c - source_c)  # the sink's coldest end over the source's warmest
    worst = (supply_c + KELVIN) / (supply_c - (source_c - cooling))
    assert worst <= cop <= best


def test_the_cop_rises_with_a_warmer_source_and_a_lower_supply_temperature():
    sources = np.array([0.0, 5.0, 10.0, 15.0])
    cop = large_heat_pump_cop(80.0, 45.0, sources, 3.0, 0.55)
    assert np.all(np.diff(cop) > 0)
    assert float(large_heat_pump_cop(70.0, 40.0, 5.0, 3.0, 0.55)) > float(large_heat_pump_cop(80.0, 40.0, 5.0, 3.0,
                                                                                                0.55))
    # the efficiency scales the ideal COP
    assert float(large_heat_pump_cop(80.0, 45.0, 5.0, 3.0, 0.5)) == pytest.approx(
        0.5 * float(lorenz_cop(45.0, 80.0, 5.0, 2.0)), rel=1e-12)


def test_hourly_sources_give_hourly_cops():
    # a wastewater source at 8 C in winter and 25 C in summer
    # (Aalborg's eastern treatment plant, aalborgforsyning.dk 2021)
    cop = large_heat_pump_cop(75.0, 40.0, np.array([8.0, 25.0]), 4.0, 0.55)
    assert cop.shape == (2,) and cop[1] > cop[0] > 1.0


@pytest.mark.parametrize(("call", "message"), [
    (lambda: lorenz_cop(80.0, 40.0, 5.0, 2.0), r"sink_out_c = 40.0: must be >= sink_in_c"),
    (lambda: lorenz_cop(40.0, 80.0, 5.0, 8.0), r"source_out_c = 8.0: must be <= source_in_c"),
    (lambda: lorenz_cop(40.0, 50.0, 60.0, 55.0), r"source_in_c = 60.0: the source's mean temperature must be below"),
    (lambda: large_heat_pump_cop(80.0, 45.0, 5.0, -1.0, 0.5), r"source_cooling_k = -1.0: must be >= 0 \[K\]"),
    (lambda: large_heat_pump_cop(80.0, 45.0, 5.0, 3.0, 0.0), r"lorenz_efficiency = 0.0: must be > 0"),
    (lambda: large_heat_pump_cop(80.0, 45.0, 5.0, 3.0, 1.5), r"lorenz_efficiency = 1.5: must be <= 1"),
    (lambda: large_heat_pump_cop(90.0, 60.0, -30.0, 3.0, 0.2), r"lorenz_efficiency x COP_Lorenz = 0.65\d*: below 1"),
])
def test_bad_arguments_are_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()
