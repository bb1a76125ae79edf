"""Realistic synthetic district-heating meters with known savings, for tests and benchmarks.

:func:`realistic_meters` makes daily readings of many district-heating meters, harder to
fit than the demo's (:mod:`smartcity.monitoring.demo`) in the ways real meters are:

* balance points spread over 12-18 °C, lowered after the measure;
* a **lagged response**: use follows an exponentially smoothed outdoor temperature (the
  building's thermal mass), time constant 0.5-2 days, while the baselines regress on the
  day's own mean;
* AR(1) noise of 5-12 % of the mean daily use with lag-1 correlation 0.4-0.7;
* gaps: days missing at random and outages of 3-20 days;
* identical duplicate rows, and optionally one **silent unit switch**: from a day in the
  last year on, one meter's values are in MWh while its unit column still says kWh.

The truth behind the data (per meter: the signature of each year, the true avoided
energy over the days with a reading, the true normalised savings on the typical year and
the baseline use they are compared with) comes along, so that the savings error of
``smartcity monitor`` can be scored. Every spread below is an assumption of a plausible
range, not a measurement.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.signal import lfilter

from smartcity.monitoring.demo import synthetic_temperature

__all__ = ["RealisticMeters", "lagged_temperature", "realistic_meters"]

#: Range of the balance points before the measure (assumption: Danish multi-family and
#: public buildings). [°C]
BALANCE_POINTS_C = (12.0, 18.0)
#: Range of the time constant of the lagged response (assumption: light to heavy
#: buildings). [d]
LAG_DAYS = (0.5, 2.0)
#: Range of the noise sd as a share of the mean daily use, and of its lag-1
#: correlation (assumption: metered blocks and public buildings). [1]
NOISE_CV = (0.05, 0.12)
NOISE_AR1 = (0.4, 0.7)
#: Range of the share of space heating saved by the measure, and the fall of the balance
#: point for a measure that saved all of it (as in the demo). [1], [K]
SAVED_SHARE = (0.15, 0.45)
BALANCE_SHIFT_K = 4.0


@dataclass(frozen=True)
class RealisticMeters:
    """Readings, weather, meter map and truth of :func:`realistic_meters`.

    Attributes
    ----------
    meters : pandas.DataFrame
        Rows of the ``meter_readings`` schema (``start``/``end`` as ISO dates).
    weather : pandas.DataFrame
        Rows of the ``measured_weather`` schema (daily means). [°C]
    meter_map : pandas.DataFrame
        Rows of the ``meter_map`` schema: every meter in ``measure_group``.
    truth : pandas.DataFrame
        One row per meter and reporting year: ``meter_id``, ``year``,
        ``balance_point_C`` (before the measure), ``lag_days``, ``avoided_energy_kWh``
        (over the days with a reading), ``normalised_savings_kWh`` (typical year),
        ``baseline_use_kWh`` (the baseline signature on the typical year) and
        ``unit_switch`` (bool).
    unit_switch : dict
        ``meter_id`` and ``first_day`` of the silent unit switch; empty without one.
    """

    meters: pd.DataFrame
    weather: pd.DataFrame
    meter_map: pd.DataFrame
    truth: pd.DataFrame
    unit_switch: dict


def lagged_temperature(temperature, lag_days) -> np.ndarray:
    """Exponentially smoothed daily temperature ``Te[d] = a Te[d-1] + (1 - a) T[d]``.

    Parameters
    ----------
    temperature : array_like, shape (n_days,)
        Daily mean outdoor temperature. [°C]
    lag_days : array_like, shape (n,)
        Time constant of each building, ``a = exp(-1 / lag)``. [d]

    Returns
    -------
    numpy.ndarray, shape (n, n_days)
        Smoothed temperature per building, started at the first day's value. [°C]
    """
    t = np.asarray(temperature, dtype=np.float64)
    a = np.exp(-1.0 / np.asarray(lag_days, dtype=np.float64))
    out = np.empty((len(a), len(t)))
    for i, ai in enumerate(a):
        out[i] = lfilter([1.0 - ai], [1.0, -ai], t - t[0]) + t[0]
    return out


def _use(intercept, slope, balance, t_eff):
    return intercept[:, None] + slope[:, None] * np.maximum(balance[:, None] - t_eff, 0.0)


def realistic_meters(n_meters: int = 60, *, seed: int = 1, years=(2016, 2017, 2018), measure_year: int = 2017,
                     measure_group: str = "kildeparken_renovation", unit_switch: bool = True,
                     duplicates: int = 3, typical=None, building_id: str = "") -> RealisticMeters:
    """Daily readings of district-heating meters with a measure, and the truth.

    Parameters
    ----------
    n_meters : int
        Meters. [-]
    seed : int
        Seed of every random draw.
    years : sequence of int
        Consecutive calendar years of readings; the years from ``measure_year`` on are
        after the measure. [a]
    measure_year : int
        First year after the measure (the measure group's start year). [a]
    measure_group : str
        Measure group of every meter in the map.
    unit_switch : bool
        Whether one meter's values switch silently to MWh in the last year.
    duplicates : int
        Identical duplicate rows added. [-]
    typical : array_like, optional
        Daily means of the typical year; default the package's reference year. [°C]
    building_id : str
        ``building_id`` of every map row; empty: each meter is its own group.

    Returns
    -------
    RealisticMeters
    """
    if typical is None:
        from smartcity.monitoring.savings import typical_temperature

        typical = typical_temperature().to_numpy()
    typical = np.asarray(typical, dtype=np.float64)
    rng = np.random.default_rng(seed)
    years = [int(y) for y in years]
    weather = synthetic_temperature(years, rng, reference=typical)
    dates = weather.index
    t = weather.to_numpy()
    year_of = dates.year.to_numpy()
    n, n_days = int(n_meters), len(dates)

    tb = rng.uniform(*BALANCE_POINTS_C, n)
    lag = rng.uniform(*LAG_DAYS, n)
    heating = np.exp(rng.normal(np.log(40.0), 0.6, n))  # kWh/(K d): blocks of different size
    base = heating * rng.uniform(2.0, 6.0, n)  # hot water and losses, kWh/d
    saved = rng.uniform(*SAVED_SHARE, n)
    after = (0.95 * base, heating * (1.0 - saved), tb - BALANCE_SHIFT_K * saved)
    before = (base, heating, tb)
    t_eff = lagged_temperature(t, lag)
    t_typ = lagged_temperature(np.concatenate([typical[-30:], typical]), lag)[:, 30:]

    treated = year_of >= measure_year
    expected = np.where(treated[None, :], _use(*after, t_eff), _use(*before, t_eff))
    cv = rng.uniform(*NOISE_CV, n)
    phi = rng.uniform(*NOISE_AR1, n)
    noise = np.empty((n, n_days))
    for i in range(n):
        u = rng.standard_normal(n_days) * np.sqrt(1.0 - phi[i] ** 2)
        u[0] = rng.standard_normal()
        noise[i] = lfilter([1.0], [1.0, -phi[i]], u)
    measured = np.maximum(expected + noise * (cv * expected.mean(axis=1))[:, None], 0.0)
    missing = rng.random((n, n_days)) < 0.005
    for i in range(n):
        for _ in range(rng.poisson(0.6 * len(years))):
            length = int(rng.integers(3, 21))
            start = int(rng.integers(0, n_days - length))
            missing[i, start:start + length] = True
    measured[missing] = np.nan

    normal_base = _use(*before, t_typ).sum(axis=1)
    normal_after = _use(*after, t_typ).sum(axis=1)
    ids = [f"DH-{k + 1:04d}" for k in range(n)]
    truth = []
    for y in years:
        if y < measure_year:
            continue
        these = (year_of == y)[None, :] & np.isfinite(measured)
        avoided = np.where(these, _use(*before, t_eff) - expected, 0.0).sum(axis=1)
        for i in range(n):
            truth.append((ids[i], y, tb[i], lag[i], avoided[i], normal_base[i] - normal_after[i], normal_base[i]))
    truth = pd.DataFrame(truth, columns=["meter_id", "year", "balance_point_C", "lag_days", "avoided_energy_kWh",
                                         "normalised_savings_kWh", "baseline_use_kWh"])

    values = np.round(measured, 2)
    switch = {}
    if unit_switch and n:
        i = int(rng.integers(0, n))
        last = np.flatnonzero(year_of == years[-1])
        first = int(last[0] + rng.integers(30, len(last) - 60))
        values[i, first:] = np.round(measured[i, first:] / 1000.0, 5)  # MWh, labelled kWh
        switch = {"meter_id": ids[i], "first_day": f"{dates[first]:%Y-%m-%d}"}
    truth["unit_switch"] = truth["meter_id"] == switch.get("meter_id")

    meter_index, day_index = np.nonzero(np.isfinite(values))
    day_text = np.asarray(dates.strftime("%Y-%m-%d"), dtype=object)
    next_text = np.asarray((dates + pd.Timedelta(days=1)).strftime("%Y-%m-%d"), dtype=object)
    meters = pd.DataFrame({"meter_id": np.asarray(ids, dtype=object)[meter_index], "carrier": "district_heat",
                           "start": day_text[day_index], "end": next_text[day_index],
                           "value": values[meter_index, day_index], "unit": "kWh"})
    if duplicates:
        extra = meters.iloc[rng.choice(len(meters), int(duplicates), replace=False)]
        meters = pd.concat([meters, extra], ignore_index=True)
    meter_map = pd.DataFrame({"meter_id": ids, "building_id": building_id,
                              "group": "" if building_id else [f"block-{k + 1:04d}" for k in range(n)],
                              "measure_group": measure_group, "share": 1.0})
    weather_rows = pd.DataFrame({"time": day_text, "temperature_C": np.round(t, 2)})
    return RealisticMeters(meters=meters, weather=weather_rows, meter_map=meter_map, truth=truth,
                           unit_switch=switch)
