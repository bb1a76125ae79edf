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
readings summed to days), billing models otherwise (CalTRACK's billing method). The
periods come from :mod:`smartcity.monitoring.periods`; each meter's baseline is fitted
once however many reporting periods it has (:func:`savings_all_years`; the fitting is in
:mod:`smartcity.monitoring._windows`).

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
left out. A meter without a baseline or a reporting period (its ``problem`` in the
periods) is listed with that reason as its flag, unfitted, and left out too. Readings the
readers marked ``suspect`` (a possible unit mix-up or spike) are not used: their days
count as missing, and the meter table says how many there were; readings corrected for a
silent unit switch (:mod:`smartcity.monitoring.levels`) are used, and the table says how
many there were (``corrected_readings``).

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
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from smartcity.errors import InputError
from smartcity.monitoring import _windows
from smartcity.monitoring._windows import TEMPERATURE_GAP_FILL_DAYS
from smartcity.monitoring.aggregation import _prepared
from smartcity.monitoring.periods import calendar_year, meter_periods, reporting_years
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
    "reporting_years",
    "meter_savings",
    "savings_all_years",
    "group_savings",
    "emission_factors",
    "co2_savings",
]

#: Energy carriers of the meter readings schema.
CARRIERS = ("district_heat", "electricity", "natural_gas", "heating_oil", "biomass")
#: Largest share of a reporting period's days without a usable reading before the meter
#: is flagged (a choice: CalTRACK's baseline rule, 37 of 365 days, applied to reporting). [1]
MAX_REPORTING_MISSING_SHARE = 0.10
_METER_COLUMNS = _windows.METER_COLUMNS


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
        ``normalised_uncertainty_kWh``), ``suspect_readings`` (not used),
        ``corrected_readings`` (corrected for a unit switch and used), ``flags``
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
        From :func:`meter_periods` (index ``meter_id``); a meter with a ``problem`` (no
        periods) is listed, flagged with it and not fitted.
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
    return savings_all_years(readings, temperature, periods, typical=typical, confidence=confidence,
                             min_days=min_days, min_periods=min_periods, years=())[0]


def savings_all_years(readings: MeterReadings, temperature, periods: pd.DataFrame, *, typical=None,
                      confidence: float = 0.95, min_days: int = 30, min_periods: int = 6,
                      years=None) -> tuple[MeterSavings, pd.DataFrame]:
    """:func:`meter_savings` of each meter's reporting period and of every reporting year.

    Each meter's baseline is fitted once and each reporting window once: the latest year,
    usually the reporting period itself, is not computed twice.

    Parameters
    ----------
    readings, temperature, periods, typical, confidence, min_days, min_periods
        As in :func:`meter_savings`.
    years : iterable of int or dict of str to list of int, optional
        Reporting years: the same for every meter, or per meter; default every full
        calendar year of each meter's readings after its baseline and measure date
        (:func:`~smartcity.monitoring.periods.reporting_years`); ``()`` for none. [a]

    Returns
    -------
    savings : MeterSavings
        The meter table of each meter's reporting period (``periods``).
    by_year : pandas.DataFrame
        The meter tables of the reporting years, with a ``year`` column (meters with a
        ``problem`` have no row).
    """
    if not 0.0 < confidence < 1.0:
        raise InputError("confidence must lie strictly between 0 and 1", key="confidence", value=confidence)
    temperature = temperature if isinstance(temperature, pd.Series) else daily_mean_temperature(temperature)
    typical = np.asarray(typical_temperature() if typical is None else typical, dtype=np.float64)
    data = readings.data
    carrier = data.groupby("meter_id")["carrier"].first()
    unknown = sorted(set(periods.index) - set(carrier.index))
    if unknown:
        raise InputError("periods given for meters without readings", key="periods", value=unknown[:5])
    suspect = data["suspect"].to_numpy(dtype=bool)
    n_suspect = data.loc[suspect].groupby("meter_id").size()
    corrected = data["corrected"].to_numpy(dtype=bool) if "corrected" in data else np.zeros(len(data), dtype=bool)
    n_corrected = data.loc[corrected].groupby("meter_id").size()
    report = DataQualityReport(readings.report.source, readings.report.row_label)
    prep = _prepared(readings)
    report.extend(prep.days.report.issues)
    if not set(periods.index) <= set(prep.days.meter_ids):
        report.extend(prep.bills.report.issues)

    periods = _with_problems(periods)
    ok = periods[periods["problem"] == ""]
    windows = [pd.DataFrame({"meter_id": ok.index, "reporting_start": ok["reporting_start"].to_numpy(),
                             "reporting_end": ok["reporting_end"].to_numpy(), "year": 0})]
    if years is None:
        years = reporting_years(readings, ok)
    if isinstance(years, dict):
        per_meter = years
    else:
        years = [int(y) for y in years]
        per_meter = {m: years for m in ok.index}
    listed = [(m, y) for m, ys in per_meter.items() if m in ok.index for y in ys]
    if listed:
        starts = [calendar_year(y) for _, y in listed]
        windows.append(pd.DataFrame({"meter_id": [m for m, _ in listed], "reporting_start": [a for a, _ in starts],
                                     "reporting_end": [b for _, b in starts], "year": [y for _, y in listed]}))
    windows = pd.concat(windows, ignore_index=True)
    # one evaluation per meter and window; the key names it
    windows["key"] = pd.factorize(pd.MultiIndex.from_frame(windows[["meter_id", "reporting_start",
                                                                   "reporting_end"]]))[0]
    unique = windows.drop_duplicates("key")
    rows, monthly = _windows.evaluate(readings, temperature, periods, unique[["meter_id", "reporting_start",
                                                                              "reporting_end", "key"]],
                                      typical=typical, confidence=confidence, min_days=min_days,
                                      min_periods=min_periods, report=report)
    by_key = rows.set_index("key")

    def table_of(selected: pd.DataFrame) -> pd.DataFrame:
        table = by_key.loc[selected["key"].to_numpy()].reset_index(drop=True) if len(selected) else \
            pd.DataFrame(columns=[*_METER_COLUMNS, "reporting_days"])
        table["carrier"] = table["meter_id"].map(carrier)
        table["suspect_readings"] = table["meter_id"].map(n_suspect).fillna(0).astype(np.int64)
        table["corrected_readings"] = table["meter_id"].map(n_corrected).fillna(0).astype(np.int64)
        return _flag(table)

    main = table_of(windows[windows["year"] == 0])
    problems = periods[periods["problem"] != ""]
    if len(problems):
        extra = pd.DataFrame([_windows.empty_row(m, carrier.get(m, ""), "", p, p["problem"])
                              for m, p in problems.iterrows()])
        extra["suspect_readings"] = extra["meter_id"].map(n_suspect).fillna(0).astype(np.int64)
        extra["corrected_readings"] = extra["meter_id"].map(n_corrected).fillna(0).astype(np.int64)
        main = pd.concat([main, extra], ignore_index=True) if len(main) else extra
    for meter, flags in main.loc[~main["used_in_totals"].astype(bool), ["meter_id", "flags"]].itertuples(index=False):
        report.add("warning", "meter_flagged", meter, (), flags, "left out of the totals")
    main = main.reindex(columns=_METER_COLUMNS).sort_values("meter_id").reset_index(drop=True)
    series = (pd.concat(monthly, ignore_index=True) if monthly
              else pd.DataFrame(columns=["meter_id", "month", "measured_kWh", "baseline_kWh"]))
    series = _label_months(series, periods)
    by_year = pd.DataFrame(columns=[*_METER_COLUMNS, "year"])
    yearly = windows[windows["year"] != 0]
    if len(yearly):
        by_year = table_of(yearly).reindex(columns=_METER_COLUMNS).assign(year=yearly["year"].to_numpy())
        by_year = by_year.sort_values(["year", "meter_id"]).reset_index(drop=True)
    return MeterSavings(table=main, monthly=series, confidence=confidence, report=report), by_year


def _with_problems(periods: pd.DataFrame) -> pd.DataFrame:
    """``periods`` with a ``problem`` column (periods made by hand may have none)."""
    if "problem" in periods:
        return periods.assign(problem=periods["problem"].fillna("").astype(str))
    return periods.assign(problem="")


def _flag(table: pd.DataFrame) -> pd.DataFrame:
    """Add the criteria flags and ``used_in_totals``."""
    table = table.copy()
    given = table["flags"].to_numpy(dtype=object) if "flags" in table else np.full(len(table), "", dtype=object)
    flags = [[f] if isinstance(f, str) and f else [] for f in given]
    fitted = table["model"].fillna("").to_numpy() != ""
    covered = np.where(table["resolution"] == "billing", table.get("reporting_days_covered", np.nan),
                       table["n_reporting"])
    missing_share = 1.0 - np.asarray(covered, dtype=float) / np.asarray(table.get("reporting_days", np.nan),
                                                                           dtype=float)
    sufficient = table["data_sufficient"].to_numpy()
    meets = table["meets_guideline14"].to_numpy()
    for i in np.flatnonzero(fitted):
        if not sufficient[i]:
            flags[i].append("baseline data insufficient (CalTRACK: 365 days, at most 37 missing)")
        if not meets[i]:
            flags[i].append(f"baseline fails Guideline 14 (CV(RMSE) {table['cv_rmse'].iloc[i]:.1%}, "
                            f"NMBE {table['nmbe'].iloc[i]:.2%})")
        if missing_share[i] > MAX_REPORTING_MISSING_SHARE:
            flags[i].append(f"{missing_share[i]:.0%} of the reporting period without a usable reading")
    used = fitted & np.array([not f for f in flags], dtype=bool)
    for column, note in (("suspect_readings", "{n} suspect reading(s) not used"),
                         ("corrected_readings", "{n} reading(s) corrected for a unit switch")):
        if column in table:
            for i, n in enumerate(table[column].to_numpy()):
                if n:
                    flags[i].append(note.format(n=n))
    table["flags"] = ["; ".join(f) for f in flags]
    table["used_in_totals"] = used
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
