"""Tests of smartcity.weather.sky (effective sky temperature) and of the optional weather
columns it reads (``ir_horizontal``, ``temp_dew``, ``opaque_sky_cover``)."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from smartcity import weather as W
from smartcity.errors import InputError
from smartcity.weather import sky

#: Stefan-Boltzmann constant [W/(m² K⁴)], CODATA 2018, written out independently of the module.
SIGMA = 5.670374419e-8


# --------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def ref() -> W.Weather:
    return W.reference_year()


def with_columns(weather: W.Weather, **columns) -> W.Weather:
    """A validated copy of ``weather`` whose data get (or replace) the given columns."""
    data = weather.data.assign(**{name: np.broadcast_to(np.asarray(values, dtype=np.float64),
                                                       (weather.n_hours,)).copy()
                                  for name, values in columns.items()})
    return W.validate_weather(dataclasses.replace(weather, data=data))


def constant_weather(ref: W.Weather, **columns) -> W.Weather:
    """The reference year's location and hours with constant (or given) columns."""
    base = {"temp_air": 10.0, "ghi": 0.0, "dni": 0.0, "dhi": 0.0, "wind_speed": 3.0,
            "relative_humidity": 80.0}
    base.update(columns)
    return with_columns(ref, **base)


def clark_allen_kimball(t_air: float, t_dew: float, cover: float) -> float:
    """Sky temperature [°C] written out from the published formulas, independently of sky.py.

    Clark & Allen (1978): eps_clear = 0.787 + 0.764 ln(T_dp / 273), T_dp in K;
    Kimball et al. (1982) via Walton (1983) / EnergyPlus:
    eps = eps_clear (1 + 0.0224 N - 0.0035 N^2 + 0.00028 N^3), N in tenths;
    theta_sky = eps^(1/4) T_air - 273.15, T_air in K.
    """
    eps_clear = 0.787 + 0.764 * math.log((t_dew + 273.15) / 273.0)
    eps = eps_clear * (1.0 + 0.0224 * cover - 0.0035 * cover**2 + 0.00028 * cover**3)
    return eps**0.25 * (t_air + 273.15) - 273.15


def write_epw(path: Path, weather: W.Weather, ir: np.ndarray, dew: np.ndarray, cover: np.ndarray) -> Path:
    """``weather`` as an EPW file (8 header lines, 35 fields an hour) with the given raw
    infrared (field 13), dew point (field 8) and opaque sky cover (field 24), codes included."""
    header = [
        f"LOCATION,Sky Test,-,DNK,smartcity test,061030,{weather.latitude:.2f},"
        f"{weather.longitude:.2f},{weather.utc_offset:.1f},{weather.altitude:.1f}",
        "DESIGN CONDITIONS,0", "TYPICAL/EXTREME PERIODS,0", "GROUND TEMPERATURES,0",
        "HOLIDAYS/DAYLIGHT SAVINGS,No,0,0,0", "COMMENTS 1,written by tests/test_sky.py", "COMMENTS 2,",
        "DATA PERIODS,1,1,Data,Thursday, 1/ 1,12/31",
    ]
    flags = "?9?9?9?9E0?9?9?9?9?9?9?9?9?9?9?9?9?9?9?9*9*9?9?9?9"
    rows = []
    for i, ts in enumerate(weather.index):
        fields = [2015, ts.month, ts.day, ts.hour + 1, 60, flags,
                  f"{weather.temp_air[i]:.2f}", f"{dew[i]:g}", f"{weather.relative_humidity[i]:.2f}",
                  101325, 0, 0, f"{ir[i]:g}",
                  f"{weather.ghi[i]:.2f}", f"{weather.dni[i]:.2f}", f"{weather.dhi[i]:.2f}", 0, 0, 0, 0,
                  180, f"{weather.wind_speed[i]:.2f}", 10, f"{cover[i]:g}", 9999, 77777, 9, 999999999,
                  0, 0, 0, 88, 0.2, 0, 1]
        assert len(fields) == 35
        rows.append(",".join(str(f) for f in fields))
    path.write_text("\n".join(header + rows) + "\n", encoding="utf-8")
    return path


# --------------------------------------------------------------------------------------
# method 1: horizontal infrared
# --------------------------------------------------------------------------------------

def test_infrared_gives_back_the_black_body_temperature(ref):
    theta = np.linspace(-60.0, 40.0, ref.n_hours)
    ir = SIGMA * (273.15 + theta) ** 4
    # tolerance 1e-9 K: a 4th power and a 4th root in float64 at ~300 K lose ~1e-13 K
    np.testing.assert_allclose(sky.sky_temperature_from_infrared(ir), theta, rtol=0.0, atol=1e-9)
    weather = with_columns(ref, ir_horizontal=ir)
    result = sky.sky_temperature(weather)
    np.testing.assert_allclose(result, theta, rtol=0.0, atol=1e-9)  # same reason as above
    assert result.dtype == np.float64 and result.shape == (ref.n_hours,) and result.flags.c_contiguous
    assert sky.sky_temperature_method(weather) == "horizontal_infrared"


# --------------------------------------------------------------------------------------
# method 2: dew point and cloud cover
# --------------------------------------------------------------------------------------

def test_clark_allen_kimball_by_hand():
    # the formulas evaluated by hand (T_air 10 °C, T_dp 5 °C):
    #   eps_clear = 0.787 + 0.764 ln(278.15 / 273) = 0.801282...
    #   N = 0:  eps = eps_clear, theta_sky = eps^(1/4) 283.15 - 273.15 = -5.256 °C
    #   N = 10: factor 1 + 0.224 - 0.35 + 0.28 = 1.154, theta_sky = 4.510 °C
    # tolerance 1e-3 K: the hand values above are rounded to 3 decimals
    clear, overcast = sky.sky_temperature_from_dew_point(10.0, 5.0, [0.0, 10.0])
    assert clear == pytest.approx(-5.256, abs=1e-3)
    assert overcast == pytest.approx(4.510, abs=1e-3)
    # and against the formulas written out in this file: same arithmetic, so 1e-9 K
    # covers the float64 round-off of a different evaluation order
    assert clear == pytest.approx(clark_allen_kimball(10.0, 5.0, 0.0), abs=1e-9)
    assert overcast == pytest.approx(clark_allen_kimball(10.0, 5.0, 10.0), abs=1e-9)
    eps = sky.sky_emissivity(5.0, [0.0, 10.0])
    assert eps[1] / eps[0] == pytest.approx(1.154, rel=1e-12)  # exact polynomial value, round-off only


def test_magnus_dew_point():
    # Magnus with the Alduchov & Eskridge coefficients, written out: at 100 % the dew
    # point is the air temperature; 20 °C / 50 % gives 9.26 °C (tolerance: float64 round-off,
    # and 0.01 K for the rounded hand value)
    assert sky.dew_point_temperature(20.0, 100.0) == pytest.approx(20.0, abs=1e-9)
    gamma = math.log(0.5) + 17.625 * 20.0 / (243.04 + 20.0)
    assert sky.dew_point_temperature(20.0, 50.0) == pytest.approx(243.04 * gamma / (17.625 - gamma), abs=1e-9)
    assert sky.dew_point_temperature(20.0, 50.0) == pytest.approx(9.26, abs=0.01)
    # 0 % (allowed by LIMITS) is raised to 1 %: finite, and the sky temperature stays finite
    assert np.isfinite(sky.sky_temperature_from_dew_point(-60.0, sky.dew_point_temperature(-60.0, 0.0), 0.0))


def test_method_2_on_a_weather_uses_the_columns(ref):
    weather = constant_weather(ref, temp_air=10.0, temp_dew=5.0,
                               opaque_sky_cover=np.where(np.arange(ref.n_hours) % 2, 10.0, 0.0))
    assert sky.sky_temperature_method(weather) == "dew_point_and_cloud_cover"
    result = sky.sky_temperature(weather)
    # tolerance 1e-9 K: the same formulas, float64 round-off only
    np.testing.assert_allclose(result[:2], [clark_allen_kimball(10.0, 5.0, 0.0),
                                            clark_allen_kimball(10.0, 5.0, 10.0)], rtol=0.0, atol=1e-9)


def test_clear_dry_winter_night_and_humid_overcast_hour(ref):
    # A clear, dry winter night (-5 °C, 60 %, no cloud): published clear-sky depressions
    # for cold dry nights are some 15-30 K (ISO 13790 takes 11 K as a mean over all
    # skies); the dew point comes from the Magnus formula here (no temp_dew column).
    night = constant_weather(ref, temp_air=-5.0, relative_humidity=60.0, opaque_sky_cover=0.0)
    depression = night.temp_air - sky.sky_temperature(night)
    assert np.all((depression > 15.0) & (depression < 30.0))
    # A fully overcast humid hour: the cloud base radiates nearly at the air temperature.
    # The bound is 6 K rather than 5 K: the Kimball factor at N = 10 (1.154) gives the
    # Clark-Allen sky an emissivity of about 0.92 at 5 °C, i.e. 5.6 K below the air; at
    # 15 °C it is 3.4 K.
    for temp_air in (5.0, 15.0):
        overcast = constant_weather(ref, temp_air=temp_air, relative_humidity=95.0, opaque_sky_cover=10.0)
        depression = overcast.temp_air - sky.sky_temperature(overcast)
        assert np.all((depression > 0.0) & (depression < 6.0))


# --------------------------------------------------------------------------------------
# method 3: the reference year (cloud cover estimated from the clearness)
# --------------------------------------------------------------------------------------

def test_reference_year_mean_depression_is_near_iso_13790(ref):
    # ISO 13790 §11.4.6 takes a mean air-sky difference of 11 K for intermediate zones.
    # The check is loose (6-16 K) because the reference year has no cloud observations:
    # the cover is estimated from the clearness of synthetic daytime GHI (Kasten & Czeplak
    # inverted) and the night only gets the day's mean, so the mean depression can be off
    # by a few kelvin.
    assert sky.sky_temperature_method(ref) == "dew_point_and_clearness"
    theta_sky = sky.sky_temperature(ref)
    depression = ref.temp_air - theta_sky
    assert 6.0 < depression.mean() < 16.0
    assert np.all(np.isfinite(theta_sky))
    assert np.all(depression > -1.0)  # the bound of test_missing_infrared_falls_back_hour_by_hour
    cover = sky.estimate_opaque_sky_cover(ref)
    assert np.all((cover >= 0.0) & (cover <= 10.0))
    # Aalborg is cloudy: a mean estimated cover of 5-9 tenths (the estimate is rough)
    assert 5.0 < cover.mean() < 9.0


def test_cover_from_clearness_inverts_kasten_czeplak():
    n_tenths = np.linspace(0.0, 10.0, 41)
    clearness = 1.0 - 0.75 * (n_tenths * 0.8 / 8.0) ** 3.4  # tenths to octas: x 8/10
    # tolerance 1e-9 tenths: a power and its inverse power in float64
    np.testing.assert_allclose(sky.opaque_sky_cover_from_clearness(clearness), n_tenths, rtol=0.0, atol=1e-9)


def test_night_hours_carry_the_daylight_mean(ref):
    cover = sky.estimate_opaque_sky_cover(ref)
    sun = W.solar_position(ref)
    daylight = sun["apparent_elevation"].to_numpy() >= 5.0
    day = np.arange(ref.n_hours) // 24
    for d in (0, 100, 200, 354):  # every day of Aalborg's year has daylight hours above 5°
        hours = day == d
        assert (hours & daylight).any()
        # exact: the night value is the mean of the day's daylight values (tolerance: round-off)
        np.testing.assert_allclose(cover[hours & ~daylight], cover[hours & daylight].mean(), rtol=1e-12)


# --------------------------------------------------------------------------------------
# missing infrared: hour-by-hour fallback
# --------------------------------------------------------------------------------------

def test_missing_infrared_falls_back_hour_by_hour(ref):
    n = ref.n_hours
    ir = SIGMA * (ref.temp_air + 273.15 - 12.0) ** 4  # a sky 12 K below the air
    hour = np.arange(n)
    ir[hour % 7 == 3] = np.nan      # missing (9999 in the file)
    ir[hour % 11 == 5] = 0.0        # a 0 written for missing: below the 40 W/m² floor
    cover = np.where(hour % 5 == 0, np.nan, 4.0)
    weather = with_columns(ref, ir_horizontal=ir, opaque_sky_cover=cover)
    methods = sky.sky_temperature_method_by_hour(weather)
    no_ir = np.isnan(ir) | (ir == 0.0)
    assert np.all(methods[~no_ir] == "horizontal_infrared")
    assert np.all(methods[no_ir & ~np.isnan(cover)] == "dew_point_and_cloud_cover")
    assert np.all(methods[no_ir & np.isnan(cover)] == "dew_point_and_clearness")
    assert sky.sky_temperature_method(weather) == "horizontal_infrared"

    theta_sky = sky.sky_temperature(weather)
    assert np.all(np.isfinite(theta_sky))
    # tolerance 1e-9 K: float64 round-off of the 4th power and root (as above)
    np.testing.assert_allclose(theta_sky[~no_ir], ref.temp_air[~no_ir] - 12.0, rtol=0.0, atol=1e-9)
    # each fallback hour is what the weather without infrared gives for it (same code path, exact)
    without_ir = sky.sky_temperature(with_columns(ref, opaque_sky_cover=cover))
    np.testing.assert_array_equal(theta_sky[no_ir], without_ir[no_ir])
    # Never more than 1 K above the air. The emissivity models make the sky warmer than the
    # air only when eps_sky > 1, i.e. for an overcast sky with a dew point above ~30 °C;
    # 1 K is reached at a dew point of ~34 °C, about the highest ever observed. (Measured
    # infrared can exceed sigma T_air^4 under low clouds warmer than the air, e.g. in an
    # inversion, but rarely by more than a kelvin or two; this weather has none.)
    assert np.all(theta_sky <= ref.temp_air + 1.0)


# --------------------------------------------------------------------------------------
# reading: EPW and CSV with the optional columns
# --------------------------------------------------------------------------------------

def test_epw_optional_columns_round_trip(tmp_path, ref):
    n = ref.n_hours
    hour = np.arange(n)
    ir = np.round(SIGMA * (ref.temp_air + 273.15 - 10.0) ** 4, 0)
    ir[hour % 13 == 0] = 9999.0
    dew = np.round(ref.temp_air - 3.0, 1)
    dew[hour % 17 == 0] = 99.9
    cover = (hour % 11).astype(float)          # 0..10
    cover[hour % 19 == 0] = 99.0
    weather = W.read_epw(write_epw(tmp_path / "sky.epw", ref, ir, dew, cover))

    assert set(W.OPTIONAL_COLUMNS) <= set(weather.data.columns)
    assert (W.UNITS["ir_horizontal"], W.UNITS["temp_dew"], W.UNITS["opaque_sky_cover"]) == ("W/m²", "°C", "tenths")
    # Wh/m² over the hour is read as the hour's mean in W/m²: the same number (exact)
    expected = {"ir_horizontal": np.where(ir >= 9999, np.nan, ir),
                "temp_dew": np.where(dew >= 99.9, np.nan, dew),
                "opaque_sky_cover": np.where(cover >= 99, np.nan, cover)}
    for column, values in expected.items():
        np.testing.assert_array_equal(weather.data[column].to_numpy(), values, err_msg=column)
    for column in W.COLUMNS:  # the required columns as before (1e-9: the file holds 2 decimals of ref's)
        np.testing.assert_allclose(weather.data[column], ref.data[column].round(2), rtol=0.0, atol=1e-9)

    # the sky temperature of the file: infrared where present, else the cloud cover; where
    # both are missing, the clearness estimate
    methods = sky.sky_temperature_method_by_hour(weather)
    assert np.all((methods == "horizontal_infrared") == (hour % 13 != 0))
    assert np.all(methods[(hour % 13 == 0) & (hour % 19 != 0)] == "dew_point_and_cloud_cover")
    assert np.all(methods[(hour % 13 == 0) & (hour % 19 == 0)] == "dew_point_and_clearness")
    assert np.all(np.isfinite(sky.sky_temperature(weather)))

    # CSV round trip keeps the optional columns, a missing hour as an empty cell
    path = W.write_weather_csv(weather, tmp_path / "sky.csv")
    back = W.read_weather_csv(path)
    for column, values in expected.items():  # 2 decimals written; these values have at most 1 (exact)
        np.testing.assert_array_equal(back.data[column].to_numpy(), values, err_msg=column)


def test_optional_columns_absent_elsewhere_and_checked_where_present(tmp_path, ref):
    assert not set(W.OPTIONAL_COLUMNS) & set(ref.data.columns)
    back = W.read_weather_csv(W.write_weather_csv(ref, tmp_path / "plain.csv"))
    assert not set(W.OPTIONAL_COLUMNS) & set(back.data.columns)
    with pytest.raises(InputError, match="opaque_sky_cover"):
        with_columns(ref, opaque_sky_cover=11.0)
    with pytest.raises(InputError, match="ir_horizontal"):
        with_columns(ref, ir_horizontal=-1.0)
    with_columns(ref, temp_dew=np.nan)  # NaN marks missing hours: allowed


# --------------------------------------------------------------------------------------
# property: monotone in dew point and cloud cover (method 2)
# --------------------------------------------------------------------------------------

@settings(max_examples=50, deadline=None)
@given(temp_air=st.floats(-30.0, 35.0),
       dews=st.tuples(st.floats(-50.0, 30.0), st.floats(-50.0, 30.0)),
       covers=st.tuples(st.floats(0.0, 10.0), st.floats(0.0, 10.0)))
def test_sky_temperature_grows_with_dew_point_and_cover(ref, temp_air, dews, covers):
    dew_low, dew_high = sorted(dews)
    cover_low, cover_high = sorted(covers)
    assume(dew_high - dew_low > 1e-3 and cover_high - cover_low > 1e-3)
    # four hours: (low, low), (high, low), (low, high), (high, high); the rest as hour 0
    temp_dew = np.full(ref.n_hours, dew_low)
    cover = np.full(ref.n_hours, cover_low)
    temp_dew[[1, 3]] = dew_high
    cover[[2, 3]] = cover_high
    data = ref.data.assign(temp_air=temp_air, temp_dew=temp_dew, opaque_sky_cover=cover)
    weather = dataclasses.replace(ref, data=data)
    theta = sky.sky_temperature(weather)
    assert sky.sky_temperature_method(weather) == "dew_point_and_cloud_cover"
    # strictly increasing: d theta / d T_dp and d theta / d N are positive everywhere
    # (the cloud polynomial's derivative 0.0224 - 0.007 N + 0.00084 N² has no real root)
    assert theta[1] > theta[0] and theta[3] > theta[2]  # dew point
    assert theta[2] > theta[0] and theta[3] > theta[1]  # cover
