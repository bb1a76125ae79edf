"""Savings from measured meter readings: avoided energy use, normalised savings, CO2.

For every meter, a change-point baseline (:mod:`smartcity.monitoring.baseline`) is fitted
to its use in a **baseline period** and gives two savings figures (IPMVP Core Concepts
2016 [1]_, ASHRAE Guideline 14-2014 [2]_, CalTRACK 2.0 [3]_):

avoided energy use
    ``adjusted baseline - measured use`` in the **reporting period**: the baseline model
    driven by the reporting period's measured weather, summed over the days (or billing
    periods) with a usable reading, minus the measured use of those days. Its uncertainty
    is the regression prediction interval of
    :func:`~smartcity.monitoring.baseline.avoided_energy`.
normalised savings
    both periods on a typical year: a second model is fitted to the reporting period and
    ``normalised baseline use - normalised reporting use`` is computed on the daily mean
    temperatures of the typical year (default: the package's Aalborg reference year,
    :func:`smartcity.weather.reference_year`, the weather the scenario runs use, so
    normalised savings compare directly with the model's planned savings). Its
    uncertainty combines the coefficient uncertainty of both models,
    ``t * sqrt(k_b g' C_b g + k_r g' C_r g)``, with ``g`` the typical year's sums of (days,
    HDD, CDD) at each model's balance points, ``C`` a model's coefficient covariance and
    ``k = (1 + rho)/(1 - rho)`` for the residuals' lag-1 autocorrelation. The year's
    own weather noise does not enter: a normal year is a fixed input, not a measurement.

Daily models are used when a meter has readings of a day or shorter (hourly or daily
readings summed to days), billing models otherwise (CalTRACK's billing method).

Flags and totals
----------------
A meter is **flagged** when its baseline fails the criteria -- CalTRACK data sufficiency
(at least 365 days, at most 37 missing) or the Guideline 14 limits on CV(RMSE) and NMBE
(:data:`~smartcity.monitoring.statistics.GUIDELINE14_LIMITS`) -- or when its reporting
period misses more than a tenth of its days (a choice of this package, the same share as
CalTRACK's 37 of 365 for the baseline). Flagged meters keep their row in the meter table
with every statistic, but are **left out of the group totals and the grand total**: a
baseline that fails the criteria cannot verify savings (IPMVP [1]_), and a total that mixed
them in would carry an uncertainty it does not state. Each total says how many meters it
left out. Readings the readers marked ``suspect`` (a possible unit mix-up or spike) are
not used: their days count as missing, and the meter table says how many there were.

Uncertainties of a group total are the meter uncertainties (each weighted by its share of
the meter in the group) combined in quadrature. This assumes that the meters' baseline
errors are independent: each meter has its own model and residuals. Weather is common to
all meters, but it is a measured input, not an error of the models. Occupant behaviour
that drifts alike across buildings would correlate the errors and make the combined
uncertainty too small; the report states the assumption.

CO2 savings are the energy savings by carrier times the scenario's emission factor of the
reporting year (:func:`emission_factors`).

References
----------
.. [1] EVO (2016), International Performance Measurement and Verification Protocol, Core
   Concepts, §4 (Option C, whole facility) and §8 (uncertainty).
.. [2] ASHRAE Guideline 14-2014, Measurement of Energy, Demand, and Water Savings, §4.1.1
   (avoided energy use and normalised savings), §5.2 and Annex B.
.. [3] CalTRACK Methods 2.0 (2019), §2 (data sufficiency), §3 (daily and billing
   methods), §4 (avoided energy use), https://docs.caltrack.org.

Longer than the house limit of ~700 lines (about 740): periods, savings per meter, group
totals and CO2 are successive steps of one calculation that share its tables (the meter
table's columns and flags); the fits are in :mod:`~smartcity.monitoring.baseline`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from smartcity.errors import InputError
from smartcity.monitoring import baseline as bl
from smartcity.monitoring import statistics as mv_stats
from smartcity.monitoring.aggregation import billing_periods, daily_use
from smartcity.monitoring.quality import DataQualityReport
from smartcity.monitoring.readers import MeterMap, MeterReadings, daily_mean_temperature

__all__ = [
    "CARRIERS",
    "MAX_REPORTING_MISSING_SHARE",
    "TEMPERATURE_GAP_FILL_DAYS",
    "MeterSavings",
    "typical_temperature",
    "calendar_year",
    "meter_periods",
    "meter_savings",
    "group_savings",
    "emission_factors",
    "co2_savings",
]

#: Energy carriers of the meter readings schema.
CARRIERS = ("district_heat", "electricity", "natural_gas", "heating_oil", "biomass")
#: Largest share of a reporting period's days without a usable reading before the meter
#: is flagged (a choice: CalTRACK's baseline rule, 37 of 365 days, applied to reporting). [1]
MAX_REPORTING_MISSING_SHARE = 0.10
#: Longest run of days without measured temperature filled by linear interpolation (a
#: choice: a few days of a smooth series); longer gaps leave their days' use missing. [d]
TEMPERATURE_GAP_FILL_DAYS = 3

_DAY = pd.Timedelta(days=1)
# Columns of the meter table with units (suffix) -- the schema of savings_by_meter.csv.
_METER_COLUMNS = [
    "meter_id", "carrier", "resolution", "baseline_start", "baseline_end", "reporting_start", "reporting_end",
    "model", "intercept_kWh_d", "heating_slope_kWh_Kd", "heating_balance_point_C", "cooling_slope_kWh_Kd",
    "cooling_balance_point_C", "n_baseline", "n_reporting", "cv_rmse", "nmbe", "autocorrelation",
    "data_sufficient", "meets_guideline14", "adjusted_baseline_kWh", "reporting_use_kWh", "avoided_energy_kWh",
    "avoided_uncertainty_kWh", "savings_fraction", "fsu", "fsu_guideline14", "normal_baseline_kWh",
    "normal_reporting_kWh", "normalised_savings_kWh", "normalised_uncertainty_kWh", "suspect_readings",
    "flags", "used_in_totals",
]


@dataclass(frozen=True)
class MeterSavings:
    """Savings of many meters (:func:`meter_savings`).

    Attributes
    ----------
    table : pandas.DataFrame
        One row per meter (see the module notes; units in the column names):
        ``meter_id``, ``carrier``, ``resolution`` ('daily' or 'billing'), the periods
        (``baseline_start`` ... ``reporting_end``, ``[start, end)``), the baseline model
        (``model``, ``intercept_kWh_d``, slopes [kWh/(K d)], balance points [°C]),
        ``n_baseline`` and ``n_reporting`` (days or bills used), Guideline 14 statistics
        (``cv_rmse``, ``nmbe``, ``autocorrelation`` [1]), ``data_sufficient``,
        ``meets_guideline14``, avoided energy (``adjusted_baseline_kWh``,
        ``reporting_use_kWh``, ``avoided_energy_kWh``, ``avoided_uncertainty_kWh``,
        ``savings_fraction`` [1], ``fsu`` = uncertainty / savings [1],
        ``fsu_guideline14`` = the Annex B formula [1]), normalised savings
        (``normal_baseline_kWh``, ``normal_reporting_kWh``, ``normalised_savings_kWh``,
        ``normalised_uncertainty_kWh``), ``suspect_readings`` (not used), ``flags``
        (reasons, '; '-separated; empty if none) and ``used_in_totals``.
    monthly : pandas.DataFrame
        Measured use and the adjusted baseline per meter and month from the baseline
        start to the last reading: ``meter_id``, ``month`` (first day), ``period``
        ('baseline', 'between' or 'reporting'), ``measured_kWh`` and ``baseline_kWh``
        (the baseline model on the measured weather, over the same days or bills).
    confidence : float
        Two-sided confidence level of the uncertainties. [1]
    report : DataQualityReport
        Issues found while turning readings into days and bills, and meters without
        enough data.
    """

    table: pd.DataFrame
    monthly: pd.DataFrame
    confidence: float
    report: DataQualityReport


# --------------------------------------------------------------------------------------
# Periods and weather
# --------------------------------------------------------------------------------------

def typical_temperature(path: str | Path | None = None) -> pd.Series:
    """Daily mean temperature of the typical year used for normalised savings.

    Parameters
    ----------
    path : str or Path, optional
        A weather file (:func:`~smartcity.monitoring.readers.read_measured_weather`) of one
        typical year. Default: the built-in Aalborg reference year
        (:func:`smartcity.weather.reference_year`), the weather of the scenario runs.

    Returns
    -------
    pandas.Series
        Daily means, one per day of the year, no NaN. [°C]

    Raises
    ------
    InputError
        The file does not hold 365 or 366 days with a value each.
    """
    if path is None:
        from smartcity.weather import reference_year

        return daily_mean_temperature(reference_year())
    daily = daily_mean_temperature(path)
    if len(daily) not in (365, 366) or daily.isna().any():
        raise InputError("the typical-year weather must hold one whole year of daily means without gaps",
                         file=path, value=f"{len(daily)} days, {int(daily.isna().sum())} missing",
                         allowed="365 or 366 consecutive days with a temperature each")
    return daily


def calendar_year(year: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    """``[1 January, 1 January of the next year)`` of ``year``."""
    return pd.Timestamp(year=int(year), month=1, day=1), pd.Timestamp(year=int(year) + 1, month=1, day=1)


def _full_years(first: pd.Timestamp, last: pd.Timestamp, slack_days: int = 7) -> list[int]:
    """Calendar years inside ``[first, last)``, allowing ``slack_days`` missing at either end.

    A meter whose first reading is on 3 January or whose last day is 30 December
    still covers the year; the missing days count as missing, not as a shorter year.
    """
    first = first - pd.Timedelta(days=slack_days)
    last = last + pd.Timedelta(days=slack_days)
    y0 = first.year if first == pd.Timestamp(year=first.year, month=1, day=1) else first.year + 1
    return list(range(y0, last.year))


def meter_periods(readings: MeterReadings, meter_map: MeterMap | None = None, *,
                  measure_start_years: dict[str, int] | None = None, baseline=None,
                  reporting=None) -> pd.DataFrame:
    """Baseline and reporting period of each meter.

    Defaults: the baseline is the calendar year before the start year of the meter's
    measure group (a measure of the scenario with the group's name, via
    ``measure_start_years``), or else the meter's first full calendar year of
    readings; the reporting period is the meter's latest full calendar year of readings.

    Parameters
    ----------
    readings : MeterReadings
        The readings.
    meter_map : MeterMap, optional
        Gives each meter's ``measure_group`` (the first one if a meter has several).
    measure_start_years : dict of str to int, optional
        Start year of each measure group. [a]
    baseline, reporting : tuple of date-like, optional
        ``(start, end)``, end excluded, applied to every meter instead of the defaults.

    Returns
    -------
    pandas.DataFrame
        Index ``meter_id``; columns ``measure_group``, ``baseline_start``,
        ``baseline_end``, ``reporting_start``, ``reporting_end`` (Timestamps).

    Raises
    ------
    InputError
        A period whose end is not after its start, a reporting period that starts
        before the baseline ends, or a meter without a full calendar year for a default.
    """
    meters = readings.meters()
    groups = {}
    if meter_map is not None:
        groups = meter_map.data.groupby("meter_id", sort=False)["measure_group"].first().to_dict()
    starts = measure_start_years or {}
    explicit = {}
    for name, value in (("baseline", baseline), ("reporting", reporting)):
        if value is not None:
            a, b = (pd.Timestamp(v).normalize() for v in value)
            if b <= a:
                raise InputError(f"the {name} period ends before it starts", key=name, value=f"{a:%Y-%m-%d} to "
                                 f"{b:%Y-%m-%d}", allowed="START:END with END after START (END excluded)")
            explicit[name] = (a, b)
    rows = []
    for meter, info in meters.iterrows():
        group = groups.get(meter, "")
        years = _full_years(pd.Timestamp(info["first"]).ceil("D"), pd.Timestamp(info["last"]).floor("D"))
        if "baseline" in explicit:
            b = explicit["baseline"]
        elif group in starts:
            b = calendar_year(starts[group] - 1)
        elif years:
            b = calendar_year(years[0])
        else:
            raise InputError(f"meter {meter!r} has no full calendar year of readings for a default baseline",
                             key="baseline", allowed="give the periods explicitly (--baseline START:END)")
        if "reporting" in explicit:
            r = explicit["reporting"]
        elif years and years[-1] >= b[1].year:
            r = calendar_year(years[-1])
        else:
            raise InputError(f"meter {meter!r} has no full calendar year of readings after the baseline "
                             f"({b[0]:%Y-%m-%d} to {b[1]:%Y-%m-%d})", key="reporting",
                             allowed="readings for a full year after the baseline, or --reporting START:END")
        if r[0] < b[1]:
            raise InputError(f"the reporting period of meter {meter!r} starts before its baseline ends",
                             key="reporting", value=f"{r[0]:%Y-%m-%d}",
                             allowed=f"a start on or after {b[1]:%Y-%m-%d}")
        rows.append((meter, group, b[0], b[1], r[0], r[1]))
    return pd.DataFrame(rows, columns=["meter_id", "measure_group", "baseline_start", "baseline_end",
                                       "reporting_start", "reporting_end"]).set_index("meter_id")


def _temperature_on(temperature: pd.Series, dates: pd.DatetimeIndex, report: DataQualityReport,
                    what: str) -> tuple[np.ndarray, np.ndarray]:
    """Temperature on ``dates`` with short gaps interpolated; and which days have one.

    Raises InputError if the weather does not overlap the dates at all.
    """
    t = temperature.reindex(dates)
    if t.isna().all():
        first, last = temperature.index.min(), temperature.index.max()
        raise InputError(f"the measured weather does not cover the {what}", value=f"weather {first:%Y-%m-%d} to "
                         f"{last:%Y-%m-%d}", allowed=f"temperatures for {dates[0]:%Y-%m-%d} to {dates[-1]:%Y-%m-%d}")
    filled = t.interpolate(limit=TEMPERATURE_GAP_FILL_DAYS, limit_area="inside")
    n_filled = int(t.isna().sum() - filled.isna().sum())
    if n_filled:
        report.add("info", "temperature_filled", what, (), f"{n_filled} day(s) without measured temperature",
                   f"interpolated (gaps of up to {TEMPERATURE_GAP_FILL_DAYS} days)")
    known = filled.notna().to_numpy()
    if not known.all():
        report.add("warning", "temperature_missing", what, (), f"{int((~known).sum())} day(s) without measured "
                   "temperature in longer gaps or outside the weather file", "those days' use counts as missing")
    return np.nan_to_num(filled.to_numpy(dtype=np.float64), nan=float(np.nanmean(filled))), known


# --------------------------------------------------------------------------------------
# Savings per meter
# --------------------------------------------------------------------------------------

def _design_totals(fit: bl.BaselineFit, temperature: np.ndarray) -> np.ndarray:
    """Sums of (days, HDD, CDD) over ``temperature`` at each meter's balance points. (n, 3)"""
    t = np.asarray(temperature, dtype=np.float64)[None, :]
    with np.errstate(invalid="ignore"):
        hdd = np.where(np.isnan(fit.heating_balance_point[:, None]), 0.0,
                       np.maximum(fit.heating_balance_point[:, None] - t, 0.0)).sum(axis=1)
        cdd = np.where(np.isnan(fit.cooling_balance_point[:, None]), 0.0,
                       np.maximum(t - fit.cooling_balance_point[:, None], 0.0)).sum(axis=1)
    return np.column_stack([np.full(len(fit), t.shape[1], dtype=np.float64), hdd, cdd])


def _coefficient_variance(fit: bl.BaselineFit, g: np.ndarray) -> np.ndarray:
    """``k g' C g`` with the autocorrelation factor ``k = (1 + rho)/(1 - rho)``. [kWh2]"""
    rho = np.clip(np.nan_to_num(fit.autocorrelation), 0.0, 0.99)
    return (1.0 + rho) / (1.0 - rho) * np.einsum("mi,mij,mj->m", g, fit.covariance, g)


def _normalised(fit_b, fit_r, typical: np.ndarray, confidence: float):
    """Normalised use of both models, savings and their uncertainty. [kWh]"""
    normal_b = bl.normalised_use(fit_b, typical)
    normal_r = bl.normalised_use(fit_r, typical)
    variance = (_coefficient_variance(fit_b, _design_totals(fit_b, typical))
                + _coefficient_variance(fit_r, _design_totals(fit_r, typical)))
    dof = np.minimum(fit_b.n_obs - fit_b.n_params, fit_r.n_obs - fit_r.n_params)
    return normal_b, normal_r, normal_b - normal_r, mv_stats.student_t(confidence, dof) * np.sqrt(variance)


def _fit_stats_rows(fit: bl.BaselineFit) -> dict:
    return {
        "model": fit.model, "intercept_kWh_d": fit.intercept, "heating_slope_kWh_Kd": fit.heating_slope,
        "heating_balance_point_C": fit.heating_balance_point, "cooling_slope_kWh_Kd": fit.cooling_slope,
        "cooling_balance_point_C": fit.cooling_balance_point, "n_baseline": fit.n_obs, "cv_rmse": fit.cv_rmse,
        "nmbe": fit.nmbe, "autocorrelation": fit.autocorrelation, "data_sufficient": fit.data_sufficient,
        "meets_guideline14": fit.meets_guideline14,
    }


def _empty_row(meter: str, carrier: str, resolution: str, periods, flag: str) -> dict:
    row = {c: np.nan for c in _METER_COLUMNS}
    row.update(meter_id=meter, carrier=carrier, resolution=resolution, model="", flags=flag, used_in_totals=False,
               data_sufficient=False, meets_guideline14=False, n_baseline=0, n_reporting=0, suspect_readings=0)
    row.update({k: periods[k] for k in ("baseline_start", "baseline_end", "reporting_start", "reporting_end")})
    return row


def _daily_batch(meters, periods, use: pd.DataFrame, temperature, typical, confidence, report, min_days):
    """Rows and monthly series of daily meters sharing the same periods."""
    p = periods.loc[meters[0]]
    rows, monthly = [], []
    windows = {}
    for name in ("baseline", "reporting"):
        dates = pd.date_range(p[f"{name}_start"], p[f"{name}_end"] - _DAY, freq="D", name="date")
        t, known = _temperature_on(temperature, dates, report, f"{name} period {dates[0]:%Y-%m-%d} to "
                                   f"{dates[-1]:%Y-%m-%d}")
        values = np.array(use.reindex(index=dates, columns=meters).to_numpy(dtype=np.float64).T)
        values[:, ~known] = np.nan
        windows[name] = (dates, t, values)
    dates_b, t_b, y_b = windows["baseline"]
    dates_r, t_r, y_r = windows["reporting"]
    enough = (np.isfinite(y_b).sum(axis=1) >= min_days) & (np.isfinite(y_r).sum(axis=1) >= min_days)
    for k in np.flatnonzero(~enough):
        flag = ("too few baseline days" if np.isfinite(y_b[k]).sum() < min_days else "too few reporting days")
        rows.append(_empty_row(meters[k], "", "daily", p, f"{flag} (fewer than {min_days}): not fitted"))
    keep = np.flatnonzero(enough)
    if keep.size == 0:
        return rows, monthly
    ids = [meters[k] for k in keep]
    fit_b = bl.fit_daily(y_b[keep], t_b, meter_ids=ids, min_days=min_days)
    fit_r = bl.fit_daily(y_r[keep], t_r, meter_ids=ids, min_days=min_days)
    avoided = bl.avoided_energy(fit_b, t_r, y_r[keep], confidence=confidence)
    g14 = bl.avoided_energy(fit_b, t_r, y_r[keep], confidence=confidence, method="guideline14")
    normal_b, normal_r, normalised, normal_u = _normalised(fit_b, fit_r, typical, confidence)
    stats = _fit_stats_rows(fit_b)
    for j, meter in enumerate(ids):
        row = {k: (v[j].item() if hasattr(v[j], "item") else v[j]) for k, v in stats.items()}
        row.update(meter_id=meter, carrier="", resolution="daily",
                   n_reporting=int(avoided.n_reporting[j]), reporting_days=len(dates_r),
                   adjusted_baseline_kWh=avoided.adjusted_baseline[j], reporting_use_kWh=avoided.reporting_use[j],
                   avoided_energy_kWh=avoided.avoided_energy[j], avoided_uncertainty_kWh=avoided.uncertainty[j],
                   savings_fraction=avoided.savings_fraction[j], fsu=avoided.fractional_uncertainty[j],
                   fsu_guideline14=g14.uncertainty[j] / abs(avoided.avoided_energy[j])
                   if avoided.avoided_energy[j] else np.inf,
                   normal_baseline_kWh=normal_b[j], normal_reporting_kWh=normal_r[j],
                   normalised_savings_kWh=normalised[j], normalised_uncertainty_kWh=normal_u[j])
        row.update({k: p[k] for k in ("baseline_start", "baseline_end", "reporting_start", "reporting_end")})
        rows.append(row)
    # monthly measured vs adjusted baseline from the baseline start to the last day with data
    dates_all = use.index[use.index >= p["baseline_start"]]
    if len(dates_all):
        t_all, known = _temperature_on(temperature, dates_all, DataQualityReport(), "series")
        y_all = np.array(use.reindex(index=dates_all, columns=ids).to_numpy(dtype=np.float64).T)
        y_all[:, ~known] = np.nan
        pred = np.where(np.isfinite(y_all), bl.predict(fit_b, t_all), np.nan)
        month = dates_all.to_period("M").to_timestamp()
        for j, meter in enumerate(ids):
            frame = pd.DataFrame({"month": month, "measured_kWh": y_all[j], "baseline_kWh": pred[j]})
            frame = frame.groupby("month", sort=True).sum(min_count=1).reset_index()
            frame.insert(0, "meter_id", meter)
            monthly.append(frame)
    return rows, monthly


def _billing_meter(meter, periods, bills, temperature, typical, confidence, report, min_periods):
    """Row and monthly series of one billing meter."""
    p = periods.loc[meter]
    start_day, end_day, energy = bills.for_meter(meter)
    dates = bills.dates
    span = pd.date_range(min(dates[0], p["baseline_start"]), max(dates[-1], p["reporting_end"] - _DAY),
                         freq="D", name="date")
    offset = int((dates[0] - span[0]) / _DAY)
    start_day, end_day = start_day + offset, end_day + offset
    t, known = _temperature_on(temperature, span, report, f"bills of meter {meter}")
    bad = np.array([not known[a:b].all() for a, b in zip(start_day, end_day)], dtype=bool)
    energy = np.where(bad, np.nan, energy)
    s, e = span[start_day], span[end_day - 1] + _DAY
    fits = {}
    for name in ("baseline", "reporting"):
        inside = np.flatnonzero((s >= p[f"{name}_start"]) & (e <= p[f"{name}_end"]))
        if np.isfinite(energy[inside]).sum() < min_periods:
            return _empty_row(meter, "", "billing", p, f"too few {name} bills (fewer than {min_periods}): "
                              "not fitted"), None
        fits[name] = inside
    ib, ir = fits["baseline"], fits["reporting"]
    fit_b = bl.fit_billing(energy[ib], t, start_day[ib], end_day[ib], meter_ids=[meter], min_periods=min_periods)
    fit_r = bl.fit_billing(energy[ir], t, start_day[ir], end_day[ir], meter_ids=[meter], min_periods=min_periods)
    avoided = bl.avoided_energy(fit_b, t, energy[ir][None, :], start_day[ir], end_day[ir], confidence=confidence)
    g14 = bl.avoided_energy(fit_b, t, energy[ir][None, :], start_day[ir], end_day[ir], confidence=confidence,
                            method="guideline14")
    normal_b, normal_r, normalised, normal_u = _normalised(fit_b, fit_r, typical, confidence)
    row = {k: (v[0].item() if hasattr(v[0], "item") else v[0]) for k, v in _fit_stats_rows(fit_b).items()}
    row.update(meter_id=meter, carrier="", resolution="billing", n_reporting=int(avoided.n_reporting[0]),
               adjusted_baseline_kWh=avoided.adjusted_baseline[0], reporting_use_kWh=avoided.reporting_use[0],
               avoided_energy_kWh=avoided.avoided_energy[0], avoided_uncertainty_kWh=avoided.uncertainty[0],
               savings_fraction=avoided.savings_fraction[0], fsu=avoided.fractional_uncertainty[0],
               fsu_guideline14=g14.uncertainty[0] / abs(avoided.avoided_energy[0])
               if avoided.avoided_energy[0] else np.inf,
               normal_baseline_kWh=normal_b[0], normal_reporting_kWh=normal_r[0],
               normalised_savings_kWh=normalised[0], normalised_uncertainty_kWh=normal_u[0],
               reporting_days=int((p["reporting_end"] - p["reporting_start"]) / _DAY),
               reporting_days_covered=float(np.sum(np.where(np.isfinite(energy[ir]), end_day[ir] - start_day[ir], 0))))
    row.update({k: p[k] for k in ("baseline_start", "baseline_end", "reporting_start", "reporting_end")})
    later = np.flatnonzero(s >= p["baseline_start"])
    pred = bl.predict(fit_b, t, start_day[later], end_day[later])[0]
    monthly = pd.DataFrame({"meter_id": meter, "month": s[later].to_period("M").to_timestamp(),
                            "measured_kWh": energy[later], "baseline_kWh": np.where(np.isfinite(energy[later]),
                                                                                    pred, np.nan)})
    return row, monthly


def meter_savings(readings: MeterReadings, temperature, periods: pd.DataFrame, *, typical=None,
                  confidence: float = 0.95, min_days: int = 30, min_periods: int = 6) -> MeterSavings:
    """Avoided energy and normalised savings of every meter, with Guideline 14 statistics.

    Parameters
    ----------
    readings : MeterReadings
        From :func:`~smartcity.monitoring.readers.read_meter_readings`. Readings marked
        ``suspect`` are not used (their days count as missing).
    temperature : pandas.Series, MeasuredWeather, Weather or path
        Measured daily mean outdoor temperature covering both periods. [°C]
    periods : pandas.DataFrame
        From :func:`meter_periods` (index ``meter_id``).
    typical : pandas.Series or array_like, optional
        Daily mean temperature of the typical year (:func:`typical_temperature`). [°C]
    confidence : float
        Two-sided confidence level of the uncertainties. [1]
    min_days, min_periods : int
        Fewest days (daily meters) or bills (billing meters) with a value each period
        needs for a fit; a meter with fewer is listed, flagged and not fitted. [-]

    Returns
    -------
    MeterSavings

    Raises
    ------
    InputError
        The weather does not overlap a period at all; a bad option.
    """
    if not 0.0 < confidence < 1.0:
        raise InputError("confidence must lie strictly between 0 and 1", key="confidence", value=confidence)
    temperature = temperature if isinstance(temperature, pd.Series) else daily_mean_temperature(temperature)
    typical = np.asarray(typical_temperature() if typical is None else typical, dtype=np.float64)
    data = readings.data
    suspect = data["suspect"].to_numpy(dtype=bool)
    usable = replace(readings, data=data[~suspect].reset_index(drop=True)) if suspect.any() else readings
    n_suspect = data.loc[suspect].groupby("meter_id").size()
    carrier = data.groupby("meter_id")["carrier"].first()
    report = DataQualityReport(readings.report.source, readings.report.row_label)
    unknown = sorted(set(periods.index) - set(carrier.index))
    if unknown:
        raise InputError("periods given for meters without readings", key="periods", value=unknown[:5])

    rows, monthly = [], []
    days = daily_use(usable)
    report.extend(days.report.issues)
    daily_ids = [m for m in days.meter_ids if m in periods.index]
    daily_frame = days.to_frame()
    if daily_ids:
        key = periods.loc[daily_ids, ["baseline_start", "baseline_end", "reporting_start", "reporting_end"]]
        for _, members in key.groupby(list(key.columns), sort=False):
            r, m = _daily_batch(list(members.index), periods, daily_frame, temperature, typical, confidence, report,
                                min_days)
            rows += r
            monthly += m
    others = [m for m in periods.index if m not in set(daily_ids)]
    if others:
        bills = billing_periods(usable)
        report.extend(bills.report.issues)
        with_bills = set(bills.periods["meter_id"])
        for meter in others:
            if meter not in with_bills:
                rows.append(_empty_row(meter, "", "billing", periods.loc[meter], "no readings usable as days or "
                                       "bills: not fitted"))
                continue
            row, frame = _billing_meter(meter, periods, bills, temperature, typical, confidence, report, min_periods)
            rows.append(row)
            if frame is not None:
                monthly.append(frame)

    table = pd.DataFrame(rows)
    table["carrier"] = table["meter_id"].map(carrier)
    table["suspect_readings"] = table["meter_id"].map(n_suspect).fillna(0).astype(np.int64)
    table = _flag(table)
    for _, row in table.iterrows():
        if not row["used_in_totals"]:
            report.add("warning", "meter_flagged", row["meter_id"], (), row["flags"], "left out of the totals")
    table = table.reindex(columns=_METER_COLUMNS).sort_values("meter_id").reset_index(drop=True)
    series = (pd.concat(monthly, ignore_index=True) if monthly
              else pd.DataFrame(columns=["meter_id", "month", "measured_kWh", "baseline_kWh"]))
    series = _label_months(series, periods)
    return MeterSavings(table=table, monthly=series, confidence=confidence, report=report)


def _flag(table: pd.DataFrame) -> pd.DataFrame:
    """Add the criteria flags and ``used_in_totals``."""
    table = table.copy()
    flags = [[f] if isinstance(f, str) and f else [] for f in table.get("flags", pd.Series([""] * len(table)))]
    fitted = table["model"].fillna("").to_numpy() != ""
    covered = np.where(table["resolution"] == "billing", table.get("reporting_days_covered", np.nan),
                       table["n_reporting"])
    missing_share = 1.0 - np.asarray(covered, dtype=float) / np.asarray(table.get("reporting_days", np.nan),
                                                                           dtype=float)
    for i in range(len(table)):
        if not fitted[i]:
            continue
        if not table["data_sufficient"].iloc[i]:
            flags[i].append("baseline data insufficient (CalTRACK: 365 days, at most 37 missing)")
        if not table["meets_guideline14"].iloc[i]:
            flags[i].append(f"baseline fails Guideline 14 (CV(RMSE) {table['cv_rmse'].iloc[i]:.1%}, "
                            f"NMBE {table['nmbe'].iloc[i]:.2%})")
        if missing_share[i] > MAX_REPORTING_MISSING_SHARE:
            flags[i].append(f"{missing_share[i]:.0%} of the reporting period without a usable reading")
    table["flags"] = ["; ".join(f) for f in flags]
    table["used_in_totals"] = fitted & (table["flags"] == "")
    if "suspect_readings" in table:
        for i, n in enumerate(table["suspect_readings"].to_numpy()):
            if n:
                note = f"{n} suspect reading(s) not used"
                table.loc[table.index[i], "flags"] = "; ".join(p for p in (table["flags"].iloc[i], note) if p)
    return table


def _label_months(series: pd.DataFrame, periods: pd.DataFrame) -> pd.DataFrame:
    if series.empty:
        return series.assign(period=pd.Series(dtype=object))
    p = periods.reindex(series["meter_id"])
    month = pd.to_datetime(series["month"]).to_numpy()
    label = np.where(month < p["baseline_end"].to_numpy(), "baseline",
                     np.where(month >= p["reporting_start"].to_numpy(), "reporting", "between"))
    out = series.assign(period=label)
    return out[["meter_id", "month", "period", "measured_kWh", "baseline_kWh"]]


# --------------------------------------------------------------------------------------
# Groups and totals
# --------------------------------------------------------------------------------------

_SUMS = ["adjusted_baseline_kWh", "reporting_use_kWh", "avoided_energy_kWh", "normal_baseline_kWh",
         "normal_reporting_kWh", "normalised_savings_kWh"]
_QUADRATURE = ["avoided_uncertainty_kWh", "normalised_uncertainty_kWh"]


def _z68_over(confidence: float) -> float:
    """Ratio of the 68 % to the ``confidence`` normal quantile (for Guideline 14's 50 %-at-68 % test)."""
    from scipy.stats import norm

    return float(norm.ppf(0.84) / norm.ppf(0.5 + confidence / 2.0))


def group_savings(savings: MeterSavings, meter_map: MeterMap | None = None) -> pd.DataFrame:
    """Savings per measure group and carrier, and in total.

    Each meter counts with its ``share`` in each measure group of the meter map (shares
    of one meter in one group are added); meters without a map row form the group
    ``'(unmapped)'``. Flagged meters are left out (see the module notes). Sums are
    weighted sums; uncertainties are combined in quadrature, which assumes independent
    meter errors.

    Parameters
    ----------
    savings : MeterSavings
        From :func:`meter_savings`.
    meter_map : MeterMap, optional
        The meter map; without one every meter is in the group ``''``.

    Returns
    -------
    pandas.DataFrame
        One row per (``measure_group``, ``carrier``), then a row per carrier with group
        ``'(all)'``: ``meters`` (in the group), ``meters_used``, ``meters_left_out``,
        the summed kWh columns of the meter table, their uncertainties
        (``avoided_uncertainty_kWh``, ``normalised_uncertainty_kWh``), ``savings_fraction``
        (avoided / adjusted baseline [1]), ``fsu`` (avoided uncertainty / avoided [1])
        and ``meets_fsu_criterion`` (Guideline 14: the uncertainty at 68 % confidence is
        below 50 % of the savings).
    """
    table = savings.table
    if meter_map is not None:
        links = (meter_map.data.groupby(["meter_id", "measure_group"], sort=False)["share"].sum().reset_index())
    else:
        links = pd.DataFrame({"meter_id": table["meter_id"], "measure_group": "", "share": 1.0})
    mapped = set(links["meter_id"])
    extra = table.loc[~table["meter_id"].isin(mapped), "meter_id"]
    links = pd.concat([links, pd.DataFrame({"meter_id": extra, "measure_group": "(unmapped)", "share": 1.0})],
                      ignore_index=True)
    joined = links.merge(table, on="meter_id", how="inner")
    parts = [joined, joined.assign(measure_group="(all)")]
    joined = pd.concat(parts, ignore_index=True)
    z = _z68_over(savings.confidence)
    rows = []
    for (group, carrier), g in joined.groupby(["measure_group", "carrier"], sort=True):
        used = g[g["used_in_totals"]]
        w = used["share"].to_numpy(dtype=float)
        row = {"measure_group": group, "carrier": carrier, "meters": int(g["meter_id"].nunique()),
               "meters_used": int(used["meter_id"].nunique()),
               "meters_left_out": int(g.loc[~g["used_in_totals"], "meter_id"].nunique())}
        for c in _SUMS:
            row[c] = float(np.sum(w * used[c].to_numpy(dtype=float))) if len(used) else np.nan
        for c in _QUADRATURE:
            row[c] = float(np.sqrt(np.sum((w * used[c].to_numpy(dtype=float)) ** 2))) if len(used) else np.nan
        with np.errstate(divide="ignore", invalid="ignore"):
            row["savings_fraction"] = row["avoided_energy_kWh"] / row["adjusted_baseline_kWh"]
            row["fsu"] = row["avoided_uncertainty_kWh"] / abs(row["avoided_energy_kWh"])
        row["meets_fsu_criterion"] = bool(np.isfinite(row["fsu"]) and z * row["fsu"] < 0.5)
        rows.append(row)
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    order = out["measure_group"].eq("(all)").astype(int)
    return out.assign(_o=order).sort_values(["_o", "measure_group", "carrier"]).drop(columns="_o").reset_index(
        drop=True)


# --------------------------------------------------------------------------------------
# CO2
# --------------------------------------------------------------------------------------

def emission_factors(results, scenario: str, year: int) -> dict:
    """CO2 emission factor of each carrier in one year of a scenario run.

    ``district_heat``: the scenario's district-heating factor per delivered kWh
    (``district_heating_emission_factor``); ``electricity``: the annual mean of the
    scenario's hourly grid intensity (``grid_carbon_intensity``, the national factor
    before any local correction); fuels: the scenario's CO2 per final energy of the
    carrier (``co2 / final_energy`` over all sectors), else the package default
    (:func:`smartcity.emissions.fuel_factors`). A year outside the run takes the
    nearest simulated year.

    Parameters
    ----------
    results : xarray.Dataset
        Results of :func:`smartcity.run.run_scenarios`.
    scenario : str
        Scenario name.
    year : int
        Reporting year. [a]

    Returns
    -------
    dict
        ``{carrier: g/kWh}`` for :data:`CARRIERS`, plus ``'year'`` (the simulated year
        used). [g/kWh]
    """
    from smartcity import emissions

    one = results.sel(scenario=scenario)
    years = one["year"].to_numpy()
    used = int(years[np.argmin(np.abs(years - int(year)))])
    at = one.sel(year=used)
    factors: dict = {"year": used}
    factors["district_heat"] = float(at["district_heating_emission_factor"])
    factors["electricity"] = float(at["grid_carbon_intensity"].mean("hour"))
    defaults = emissions.fuel_factors(None)
    for carrier in ("natural_gas", "heating_oil", "biomass"):
        value = np.nan
        if carrier in at["carrier"].values:
            final = float(at["final_energy"].sel(carrier=carrier).sum())  # MWh
            co2 = float(at["co2"].sel(carrier=carrier).sum())  # t
            value = 1e3 * co2 / final if final > 0 else np.nan  # t/MWh -> g/kWh x 1e3
        factors[carrier] = value if np.isfinite(value) else float(defaults.get(carrier, np.nan))
    return factors


def co2_savings(groups: pd.DataFrame, factors: dict) -> pd.DataFrame:
    """CO2 savings of each group row from its energy savings and the carrier's factor.

    Parameters
    ----------
    groups : pandas.DataFrame
        From :func:`group_savings` (one row per group and carrier).
    factors : dict
        ``{carrier: g/kWh}`` (:func:`emission_factors`).

    Returns
    -------
    pandas.DataFrame
        ``groups`` with ``emission_factor_g_kWh``, ``avoided_co2_t``,
        ``avoided_co2_uncertainty_t``, ``normalised_co2_t`` and
        ``normalised_co2_uncertainty_t`` (1 t = 1e6 g). [t]
    """
    f = groups["carrier"].map(lambda c: factors.get(c, np.nan)).astype(float)
    return groups.assign(
        emission_factor_g_kWh=f,
        avoided_co2_t=groups["avoided_energy_kWh"] * f / 1e6,
        avoided_co2_uncertainty_t=groups["avoided_uncertainty_kWh"] * f / 1e6,
        normalised_co2_t=groups["normalised_savings_kWh"] * f / 1e6,
        normalised_co2_uncertainty_t=groups["normalised_uncertainty_kWh"] * f / 1e6,
    )
