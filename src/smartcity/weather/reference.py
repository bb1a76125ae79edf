"""The weather a scenario names: :func:`load_weather` picks a file reader or the built-in
Aalborg East reference year (:func:`reference_year`), which
:func:`generate_reference_year` makes from the monthly normals of
``smartcity/data/aalborg_normals.toml`` (``scripts/make_reference_year.py`` writes it to
``smartcity/data/aalborg_reference_year.csv``).

pvlib and SciPy are imported inside the generator's steps that call them.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import tomllib
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from smartcity.errors import InputError
from smartcity.weather.container import Weather, validate_weather
from smartcity.weather.io import TYPICAL_YEAR, read_epw, read_weather_csv
from smartcity.weather.solar import _day_of_year, _erbs, _solar_position_cached

__all__ = [
    "GENERATOR_VERSION",
    "REFERENCE_NAME",
    "load_weather",
    "reference_year",
    "reference_normals",
    "generate_reference_year",
]

REFERENCE_NAME = "Aalborg reference year (smartcity)"
GENERATOR_VERSION = 1
"""Version of :func:`generate_reference_year`'s method; bump it when the output changes."""

_DATA_PACKAGE = "smartcity"
_REFERENCE_FILE = "data/aalborg_reference_year.csv"
_NORMALS_FILE = "data/aalborg_normals.toml"


# --------------------------------------------------------------------------------------
# Dispatch and the built-in reference year
# --------------------------------------------------------------------------------------

def load_weather(path: str | Path | None) -> Weather:
    """Weather from a file, or the built-in reference year.

    Parameters
    ----------
    path : str, Path or None
        ``None`` for :func:`reference_year`; a ``.epw`` file for :func:`read_epw`; a
        ``.csv`` file for :func:`read_weather_csv` (suffixes in any case).

    Returns
    -------
    Weather

    Raises
    ------
    InputError
        For any other suffix, or any error of the reader.
    """
    if path is None:
        return reference_year()
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".epw":
        return read_epw(path)
    if suffix == ".csv":
        return read_weather_csv(path)
    raise InputError("unknown weather file type", file=path, value=path.suffix,
                     allowed="'.epw' (EnergyPlus weather file) or '.csv' "
                             "(see smartcity.weather.read_weather_csv)")


def reference_year() -> Weather:
    """The built-in Aalborg East reference year.

    Loads ``smartcity/data/aalborg_reference_year.csv``, written by
    ``scripts/make_reference_year.py`` from :func:`generate_reference_year` (see there
    for the method and sources). The file is read once per process; each call returns
    a new ``Weather`` whose ``data`` shares memory with the cached copy copy-on-write,
    so modifying it never changes what later calls return. The results compare equal
    and hash alike, so they work as cache keys.

    Returns
    -------
    Weather
        8760 hours of 2015 in ``Etc/GMT-1``, latitude 57.03, longitude 10.00,
        altitude 10 m.
    """
    cached = _reference_year_cached()
    return dataclasses.replace(cached, data=cached.data.copy(deep=False))


@functools.lru_cache(maxsize=1)
def _reference_year_cached() -> Weather:
    with resources.as_file(resources.files(_DATA_PACKAGE) / _REFERENCE_FILE) as path:
        return read_weather_csv(path)


@functools.lru_cache(maxsize=1)
def _normals_cached() -> dict:
    text = (resources.files(_DATA_PACKAGE) / _NORMALS_FILE).read_text(encoding="utf-8")
    return tomllib.loads(text)


def reference_normals() -> dict:
    """The monthly normals behind the reference year, as parsed from the package file.

    Returns
    -------
    dict
        Tables ``location``, ``temp_air`` [°C], ``ghi`` [kWh/m²],
        ``temp_air_daily_range`` [K], ``wind_speed`` [m/s], ``relative_humidity`` [%];
        monthly tables hold ``values`` (Jan-Dec), ``unit``, ``source`` and, where no
        cited figure exists, ``assumption`` and ``reason``. A fresh copy each call.
    """
    return _deep_copy(_normals_cached())


def _deep_copy(value):
    if isinstance(value, dict):
        return {k: _deep_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_deep_copy(v) for v in value]
    return value


# --------------------------------------------------------------------------------------
# The generator of the reference year
# --------------------------------------------------------------------------------------

# Parameters of the synthetic weather process (see generate_reference_year).
_CLEARNESS_MIN = 0.08         # hourly clear-sky index of a heavily overcast hour [-]
_CLEARNESS_MAX = 1.05         # hourly clear-sky index of a clear hour [-]
_CLOUD_DAILY_SPREAD = 1.3     # std of the daily cloud state in probit space [-]
_CLOUD_DAILY_PERSISTENCE = 0.5   # lag-1 autocorrelation, day to day [-]
_CLOUD_HOURLY_SPREAD = 0.6    # std of the hourly cloud perturbation in probit space [-]
_CLOUD_HOURLY_PERSISTENCE = 0.8  # lag-1 autocorrelation, hour to hour [-]
_CLEAR_SKY_CAP = 1.1          # GHI is kept below this multiple of clear-sky GHI [-]
_TEMP_DAILY_STD_MEAN = 2.2    # std of daily temperature anomalies, annual mean [K]
_TEMP_DAILY_STD_SEASONAL = 0.8   # ... plus this in mid-January, minus in mid-July [K]
_TEMP_DAILY_PERSISTENCE = 0.75   # lag-1 autocorrelation, day to day [-]
_TEMP_CLOUD_COUPLING = 1.0    # K per std of clearness: warmer clear summer days, colder
                              # clear winter days [K]
_TEMP_RANGE_CLOUD_FACTOR = 0.35  # relative change of the daily range per std of clearness
_TEMP_HOURLY_STD = 0.5        # std of hourly temperature noise [K]
_TEMP_HOURLY_PERSISTENCE = 0.9   # lag-1 autocorrelation, hour to hour [-]
_TEMP_MAX_AFTER_NOON = 2.0    # daily maximum this long after solar noon [h]


def generate_reference_year(seed: int = 20140623) -> Weather:
    r"""Generate the synthetic hourly Aalborg East reference year.

    A deterministic function of ``seed`` and the monthly normals in
    ``smartcity/data/aalborg_normals.toml`` (:func:`reference_normals`). The shipped
    :func:`reference_year` is this function's output for the default seed, rounded to
    0.01. It reproduces the monthly mean temperature and monthly global irradiation of
    the normals exactly, with plausible (not observed) hour-to-hour and day-to-day
    weather; use a measured file (DMI Design Reference Year, EPW) when the weather
    sequence itself matters.

    Method

    1. **Calendar.** The non-leap year 2015, hourly, index labels at the start of each
       hour in ``Etc/GMT-1``. Solar position at mid-hour (:func:`solar_position`,
       pvlib's NREL SPA [2]_).
    2. **Clear sky.** Ineichen-Perez clear-sky GHI [3]_ (:func:`pvlib.clearsky.ineichen`)
       with pvlib's monthly Linke turbidity climatology [4]_ for the site, interpolated
       linearly between mid-month days, Kasten-Young air mass [5]_, and the
       extraterrestrial irradiance of :func:`pvlib.irradiance.get_extra_radiation`.
    3. **Clouds.** A latent cloud state per hour,
       :math:`x = c_m + s_d z_d + s_h e_h`, where :math:`z_d` is a daily AR(1) process
       (lag-1 correlation 0.5, unit variance, :math:`s_d = 1.3`) and :math:`e_h` an
       hourly AR(1) process (0.8, unit variance, :math:`s_h = 0.6`). The hourly
       clear-sky index is :math:`k = k_{min} + (k_{max} - k_{min})\,\Phi(x)` with the
       standard normal CDF :math:`\Phi`, :math:`k_{min} = 0.08`, :math:`k_{max} = 1.05`.
       The monthly centre :math:`c_m = \sqrt{1 + s_d^2 + s_h^2}\,\Phi^{-1}(p_m)`
       makes the expected index equal the month's ratio of normal to clear-sky
       irradiation, :math:`p_m = (K_m - k_{min}) / (k_{max} - k_{min})`. Mixed days
       thus vary more from hour to hour than clear or overcast days.
    4. **Monthly irradiation.** GHI = clear-sky GHI × k, then scaled per month by the
       factor that makes the month's sum equal the normal, with each hour capped at
       1.1 × clear-sky GHI (the factor is found by fixed-point iteration; without a
       feasible cap the month is scaled uncapped). GHI is 0 when the sun is below the
       horizon at mid-hour.
    5. **Beam and diffuse.** DNI and DHI from GHI by the Erbs model [6]_
       (:func:`pvlib.irradiance.erbs`) with the mid-hour true zenith, so
       GHI = DNI cos(zenith) + DHI holds exactly.
    6. **Temperature.** (a) A smooth seasonal curve: a periodic cubic spline through
       mid-month values, iteratively corrected until its monthly means equal the
       normals (a mean-preserving interpolation in the spirit of [7]_). (b) A diurnal
       cycle with half the month's mean daily range as amplitude (scaled by
       1 + 0.35 z_d, within [0.3, 1.8], so clear days swing more), minimum at sunrise
       and maximum 2 h after solar noon (about 14:10-14:40 local standard time),
       joined by half-cosines; sunrise and solar noon from Spencer's declination and
       equation of time [8]_. (c) Daily anomalies, interpolated linearly between
       noons: an AR(1) process (lag-1 correlation 0.75) with standard deviation
       2.2 + 0.8 cos(2π(doy - 15)/365) K (3.0 K in January, 1.4 K in July), plus
       -1.0 K × cos(2π(doy - 15)/365) × z_d (clear days warmer in summer, colder in
       winter). (d) Hourly AR(1) noise (0.9, 0.5 K). (e) Each month's residual mean is
       subtracted so monthly means equal the normals exactly.
    7. **Wind and humidity.** Smooth seasonal curves through the monthly values of the
       normals file (step 6a), flagged there as assumptions.

    Random numbers come from :func:`numpy.random.default_rng` in a fixed order: daily
    cloud, hourly cloud, daily temperature, hourly temperature. A test checks that the
    shipped file still equals this function's output, so a change in pvlib or NumPy
    that alters the result is noticed.

    Parameters
    ----------
    seed : int
        Seed of the random number generator.

    Returns
    -------
    Weather
        8760 hours, not rounded; ``name`` :data:`REFERENCE_NAME`.

    References
    ----------
    .. [1] Monthly normals: Danish typical year, IWEC (ASHRAE International Weather for
       Energy Calculations) file for Copenhagen, monthly mean temperature and global
       horizontal irradiation computed from the hourly file; see the ``source`` of
       each series in ``aalborg_normals.toml``. Official alternative: DMI Technical
       Report 13-19, 2001-2010 Danish Design Reference Year (updated in DMI Report
       18-20).
    .. [2] Reda, I., Andreas, A. (2004). Solar position algorithm for solar radiation
       applications. Solar Energy 76(5), 577-589.
       https://doi.org/10.1016/j.solener.2003.12.003 (via
       :func:`pvlib.solarposition.get_solarposition`)
    .. [3] Ineichen, P., Perez, R. (2002). A new airmass independent formulation for
       the Linke turbidity coefficient. Solar Energy 73(3), 151-157.
       https://doi.org/10.1016/S0038-092X(02)00045-2
    .. [4] Remund, J., Wald, L., Lefèvre, M., Ranchin, T., Page, J. (2003). Worldwide
       Linke turbidity information. Proceedings of the ISES Solar World Congress 2003,
       Göteborg (via :func:`pvlib.clearsky.lookup_linke_turbidity`).
    .. [5] Kasten, F., Young, A. T. (1989). Revised optical air mass tables and
       approximation formula. Applied Optics 28(22), 4735-4738.
       https://doi.org/10.1364/AO.28.004735
    .. [6] Erbs, D. G., Klein, S. A., Duffie, J. A. (1982). Estimation of the diffuse
       radiation fraction for hourly, daily and monthly-average global radiation.
       Solar Energy 28(4), 293-302. https://doi.org/10.1016/0038-092X(82)90302-4
    .. [7] Rymes, M. D., Myers, D. R. (2001). Mean preserving algorithm for smoothly
       interpolating averaged data. Solar Energy 71(4), 225-231.
    .. [8] Spencer, J. W. (1971). Fourier series representation of the position of the
       sun. Search 2(5), 172.

    Examples
    --------
    >>> weather = generate_reference_year()
    >>> weather.n_hours
    8760
    >>> round(float(weather.data["ghi"].sum()) / 1000)  # annual irradiation [kWh/m²]
    980
    """
    normals = _normals_cached()
    site = normals["location"]
    latitude, longitude = float(site["latitude"]), float(site["longitude"])
    altitude = float(site["altitude"])
    index = pd.date_range(f"{TYPICAL_YEAR}-01-01", periods=8760, freq="h",
                          tz=site["tz"], name="time")
    month = index.month.to_numpy() - 1          # 0..11 per hour
    day = np.arange(8760) // 24                 # 0..364 per hour
    hour_mid = np.arange(8760) + 0.5            # mid-hour, hours since 1 Jan 00:00

    site_hours = Weather(data=pd.DataFrame(index=index), latitude=latitude,
                         longitude=longitude, altitude=altitude, name=REFERENCE_NAME)
    sun = _solar_position_cached(site_hours)
    doy = _day_of_year(index)

    rng = np.random.default_rng(seed)
    cloud_daily = _ar1(rng, 365, _CLOUD_DAILY_PERSISTENCE)
    cloud_hourly = _ar1(rng, 8760, _CLOUD_HOURLY_PERSISTENCE)
    temp_daily = _ar1(rng, 365, _TEMP_DAILY_PERSISTENCE)
    temp_hourly = _ar1(rng, 8760, _TEMP_HOURLY_PERSISTENCE)

    clear = _clear_sky_ghi(sun["apparent_zenith"].to_numpy(), doy, latitude, longitude,
                           altitude)
    ghi = _synthetic_ghi(clear, month, day, cloud_daily, cloud_hourly,
                         np.asarray(normals["ghi"]["values"], dtype=np.float64))
    dni, dhi = _erbs(ghi, sun["zenith"].to_numpy(), doy)

    seasonal_phase = np.cos(2.0 * np.pi * (np.arange(1, 366) - 15) / 365.0)
    temp_air = _synthetic_temperature(
        monthly_mean=np.asarray(normals["temp_air"]["values"], dtype=np.float64),
        monthly_range=np.asarray(normals["temp_air_daily_range"]["values"], dtype=np.float64),
        month=month, hour_mid=hour_mid, seasonal_phase=seasonal_phase,
        cloud_daily=cloud_daily, temp_daily=temp_daily, temp_hourly=temp_hourly,
        latitude=latitude, longitude=longitude, utc_offset=site_hours.utc_offset,
    )
    wind_speed = _smooth_monthly(np.asarray(normals["wind_speed"]["values"], float),
                                 month, hour_mid / 24.0)
    relative_humidity = _smooth_monthly(
        np.asarray(normals["relative_humidity"]["values"], float), month, hour_mid / 24.0)

    data = pd.DataFrame({
        "temp_air": temp_air, "ghi": ghi, "dni": dni, "dhi": dhi,
        "wind_speed": wind_speed, "relative_humidity": relative_humidity,
    }, index=index)
    source = (f"synthetic; smartcity.weather.generate_reference_year(seed={seed}), "
              f"generator version {GENERATOR_VERSION}, from the monthly normals in "
              f"smartcity/data/aalborg_normals.toml")
    weather = Weather(data=data, latitude=latitude, longitude=longitude,
                      altitude=altitude, name=REFERENCE_NAME, source=source)
    return validate_weather(weather)


def _ar1(rng: np.random.Generator, n: int, persistence: float) -> np.ndarray:
    """Stationary AR(1) series of unit variance: x[t] = r x[t-1] + sqrt(1 - r²) ε[t]."""
    shocks = rng.standard_normal(n)
    series = np.empty(n)
    series[0] = shocks[0]
    scale = math.sqrt(1.0 - persistence**2)
    for t in range(1, n):
        series[t] = persistence * series[t - 1] + scale * shocks[t]
    return series



def _clear_sky_ghi(apparent_zenith: np.ndarray, doy: np.ndarray, latitude: float,
                   longitude: float, altitude: float) -> np.ndarray:
    """Ineichen-Perez clear-sky GHI [W/m²] at the given mid-hour apparent zenith."""
    import pvlib

    mid_months = pd.DatetimeIndex(
        [pd.Timestamp(TYPICAL_YEAR, m, 15, tz="UTC") for m in range(1, 13)])
    turbidity_monthly = pvlib.clearsky.lookup_linke_turbidity(
        mid_months, latitude, longitude, interp_turbidity=False).to_numpy()
    mid_month_doy = mid_months.day_of_year.to_numpy().astype(float)
    turbidity = np.interp(doy, mid_month_doy, turbidity_monthly, period=365.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        airmass = pvlib.atmosphere.get_relative_airmass(apparent_zenith)
        airmass = pvlib.atmosphere.get_absolute_airmass(
            airmass, pvlib.atmosphere.alt2pres(altitude))
        clear = pvlib.clearsky.ineichen(
            apparent_zenith, airmass, turbidity, altitude=altitude,
            dni_extra=pvlib.irradiance.get_extra_radiation(doy))["ghi"]
    return np.nan_to_num(np.asarray(clear, dtype=np.float64), nan=0.0).clip(min=0.0)


def _synthetic_ghi(clear: np.ndarray, month: np.ndarray, day: np.ndarray,
                   cloud_daily: np.ndarray, cloud_hourly: np.ndarray,
                   monthly_kwh: np.ndarray) -> np.ndarray:
    """Hourly GHI [W/m²] from clear-sky GHI, the cloud processes and monthly sums."""
    from scipy.special import ndtr, ndtri

    clear_kwh = np.bincount(month, weights=clear, minlength=12) / 1000.0
    clearness = monthly_kwh / clear_kwh
    share = (clearness - _CLEARNESS_MIN) / (_CLEARNESS_MAX - _CLEARNESS_MIN)
    spread = math.sqrt(1.0 + _CLOUD_DAILY_SPREAD**2 + _CLOUD_HOURLY_SPREAD**2)
    centre = spread * ndtri(np.clip(share, 0.01, 0.99))
    latent = (centre[month] + _CLOUD_DAILY_SPREAD * cloud_daily[day]
              + _CLOUD_HOURLY_SPREAD * cloud_hourly)
    clear_sky_index = _CLEARNESS_MIN + (_CLEARNESS_MAX - _CLEARNESS_MIN) * ndtr(latent)
    ghi = clear * clear_sky_index
    for m in range(12):
        hours = month == m
        ghi[hours] = _scale_to_total(ghi[hours], _CLEAR_SKY_CAP * clear[hours],
                                     monthly_kwh[m] * 1000.0)
    return ghi


def _scale_to_total(values: np.ndarray, caps: np.ndarray, total: float) -> np.ndarray:
    """``min(f * values, caps)`` with the factor f that makes the sum equal ``total``.

    The capped sum is concave and increasing in f, so the fixed-point iteration
    f <- f * total / sum approaches the solution monotonically. If the caps cannot hold
    ``total``, the values are scaled without caps.
    """
    if caps.sum() <= total or values.sum() <= 0.0:
        return values * (total / values.sum()) if values.sum() > 0.0 else values
    factor = total / values.sum()
    for _ in range(200):
        capped_sum = np.minimum(factor * values, caps).sum()
        if abs(capped_sum - total) <= 1e-10 * total:
            break
        factor *= total / capped_sum
    return np.minimum(factor * values, caps)



def _smooth_monthly(monthly: np.ndarray, month: np.ndarray, t_days: np.ndarray) -> np.ndarray:
    """Smooth periodic curve whose means over each month equal ``monthly``.

    A periodic cubic spline through mid-month knots; the knot values are corrected by
    each month's error until the monthly means match (to 1e-9).

    Parameters
    ----------
    monthly : numpy.ndarray
        Twelve monthly means. [any unit]
    month : numpy.ndarray
        Month (0..11) of each sample.
    t_days : numpy.ndarray
        Time of each sample, days since 1 January 00:00 of a non-leap year. [d]
    """
    from scipy.interpolate import CubicSpline

    month_lengths = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], float)
    month_starts = np.concatenate([[0.0], np.cumsum(month_lengths)[:-1]])
    knots = np.append(month_starts + month_lengths / 2.0, month_starts[0] + 365.0
                      + month_lengths[0] / 2.0)
    counts = np.bincount(month, minlength=12)
    knot_values = np.array(monthly, dtype=np.float64)
    for _ in range(100):
        spline = CubicSpline(knots, np.append(knot_values, knot_values[0]),
                             bc_type="periodic", extrapolate="periodic")
        curve = spline(t_days)
        error = monthly - np.bincount(month, weights=curve, minlength=12) / counts
        if np.max(np.abs(error)) < 1e-9:
            break
        knot_values = knot_values + error
    return curve


def _synthetic_temperature(*, monthly_mean, monthly_range, month, hour_mid,
                           seasonal_phase, cloud_daily, temp_daily, temp_hourly,
                           latitude, longitude, utc_offset) -> np.ndarray:
    """Hourly air temperature [°C] (step 6 of :func:`generate_reference_year`)."""
    n_days = len(seasonal_phase)
    seasonal = _smooth_monthly(monthly_mean, month, hour_mid / 24.0)

    day_month = month[::24]
    half_range = 0.5 * monthly_range[day_month] * np.clip(
        1.0 + _TEMP_RANGE_CLOUD_FACTOR * cloud_daily, 0.3, 1.8)
    sunrise, noon = _sunrise_and_noon(np.arange(1, n_days + 1), latitude, longitude,
                                      utc_offset)
    diurnal = _diurnal_cycle(hour_mid, sunrise, noon + _TEMP_MAX_AFTER_NOON, half_range)

    daily_std = _TEMP_DAILY_STD_MEAN + _TEMP_DAILY_STD_SEASONAL * seasonal_phase
    daily_anomaly = daily_std * temp_daily - _TEMP_CLOUD_COUPLING * seasonal_phase * cloud_daily
    noons = 24.0 * np.arange(n_days) + 12.0
    anomaly = np.interp(hour_mid, noons, daily_anomaly)

    temp = seasonal + diurnal + anomaly + _TEMP_HOURLY_STD * temp_hourly
    residual = np.bincount(month, weights=temp, minlength=12) / np.bincount(month) - monthly_mean
    return temp - residual[month]


def _sunrise_and_noon(doy: np.ndarray, latitude: float, longitude: float,
                      utc_offset: float) -> tuple[np.ndarray, np.ndarray]:
    """Sunrise and solar noon [h, local standard time] per day (Spencer 1971)."""
    import pvlib

    declination = pvlib.solarposition.declination_spencer71(doy)          # [rad]
    equation_of_time = pvlib.solarposition.equation_of_time_spencer71(doy)  # [min]
    cos_half_day = -np.tan(np.radians(latitude)) * np.tan(declination)
    half_day = np.degrees(np.arccos(np.clip(cos_half_day, -1.0, 1.0))) / 15.0
    noon = 12.0 - equation_of_time / 60.0 - (longitude - 15.0 * utc_offset) / 15.0
    return noon - half_day, noon


def _diurnal_cycle(hour_mid: np.ndarray, t_min: np.ndarray, t_max: np.ndarray,
                   half_range: np.ndarray) -> np.ndarray:
    """Diurnal temperature deviation [K] from minima at ``t_min`` and maxima at
    ``t_max`` (hours of day, one per day) with amplitude ``half_range`` [K], joined by
    half-cosines. The first and last day are repeated beyond the year's ends."""
    n_days = len(t_min)
    days = np.arange(-1, n_days + 1)
    wrap = np.r_[n_days - 1, np.arange(n_days), 0]  # day -1 and day n reuse the ends
    times = np.column_stack([24.0 * days + t_min[wrap], 24.0 * days + t_max[wrap]]).ravel()
    values = np.column_stack([-half_range[wrap], half_range[wrap]]).ravel()
    k = np.searchsorted(times, hour_mid, side="right") - 1
    t0, t1, v0, v1 = times[k], times[k + 1], values[k], values[k + 1]
    weight = 0.5 * (1.0 - np.cos(np.pi * (hour_mid - t0) / (t1 - t0)))
    return v0 + (v1 - v0) * weight
