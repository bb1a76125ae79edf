"""Savings of many meters over many reporting windows, with one baseline fit per meter.

Private module of :mod:`smartcity.monitoring.savings`: :func:`evaluate` takes the
windows (a meter and a reporting period each; a meter may have several, e.g. every
reporting year) and returns one row of the meter table per window. The readings are put
on day axes once (:func:`~smartcity.monitoring.aggregation._prepared`); the daily meters
sharing a baseline period are fitted together once, and the meters sharing a reporting
window are evaluated together (reporting fits, avoided energy, normalised savings);
billing meters are fitted one by one. Measured temperature is taken per window once, and
its gaps are reported once per window.
"""

from __future__ import annotations

from dataclasses import fields

import numpy as np
import pandas as pd

from smartcity.errors import InputError
from smartcity.monitoring import baseline as bl
from smartcity.monitoring import statistics as mv_stats
from smartcity.monitoring.aggregation import _prepared
from smartcity.monitoring.quality import DataQualityReport

#: Longest run of days without measured temperature filled by linear interpolation (a
#: choice: a few days of a smooth series); longer gaps leave their days' use missing. [d]
TEMPERATURE_GAP_FILL_DAYS = 3

_DAY = pd.Timedelta(days=1)
_ONE_DAY = np.timedelta64(1, "D")
# Columns of the meter table with units (suffix) -- the schema of savings_by_meter.csv.
METER_COLUMNS = [
    "meter_id", "carrier", "resolution", "baseline_start", "baseline_end", "reporting_start", "reporting_end",
    "model", "intercept_kWh_d", "heating_slope_kWh_Kd", "heating_balance_point_C", "cooling_slope_kWh_Kd",
    "cooling_balance_point_C", "n_baseline", "n_reporting", "cv_rmse", "nmbe", "autocorrelation",
    "data_sufficient", "meets_guideline14", "adjusted_baseline_kWh", "reporting_use_kWh", "avoided_energy_kWh",
    "avoided_uncertainty_kWh", "savings_fraction", "fsu", "fsu_guideline14", "normal_baseline_kWh",
    "normal_reporting_kWh", "normalised_savings_kWh", "normalised_uncertainty_kWh", "suspect_readings",
    "corrected_readings", "flags", "used_in_totals",
]
_PERIOD_KEYS = ("baseline_start", "baseline_end", "reporting_start", "reporting_end")


class _Temperatures:
    """Measured temperature of windows, each taken (and its gaps reported) once."""

    def __init__(self, temperature: pd.Series, report: DataQualityReport) -> None:
        self.temperature = temperature
        self.report = report
        self._cache: dict = {}

    def on(self, start, end, what: str | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Temperature of the days ``[start, end)`` with short gaps interpolated, and which
        days have one; raises InputError if the weather covers none of them."""
        key = (pd.Timestamp(start), pd.Timestamp(end))
        if key not in self._cache:
            dates = pd.date_range(key[0], key[1] - _DAY, freq="D", name="date")
            what = what or f"period {dates[0]:%Y-%m-%d} to {dates[-1]:%Y-%m-%d}"
            self._cache[key] = _temperature_on(self.temperature, dates, self.report, what)
        return self._cache[key]


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
        missing = np.flatnonzero(~known)
        first, last = dates[missing[0]], dates[missing[-1]]
        ends = ""
        if missing[-1] == len(dates) - 1 and temperature.index.max() < dates[-1]:
            ends = f"; the weather file ends {temperature.index.max():%Y-%m-%d}"
        elif missing[0] == 0 and temperature.index.min() > dates[0]:
            ends = f"; the weather file starts {temperature.index.min():%Y-%m-%d}"
        report.add("warning", "temperature_missing", what, (), f"{len(missing)} day(s) without measured "
                   f"temperature (first {first:%Y-%m-%d}, last {last:%Y-%m-%d}{ends})",
                   "those days' use counts as missing")
    return np.nan_to_num(filled.to_numpy(dtype=np.float64), nan=float(np.nanmean(filled))), known


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


def empty_row(meter: str, carrier: str, resolution: str, periods, flag: str) -> dict:
    """A meter-table row of a meter that is listed but not fitted, with its reason."""
    row = {c: np.nan for c in METER_COLUMNS}
    row.update(meter_id=meter, carrier=carrier, resolution=resolution, model="", flags=flag, used_in_totals=False,
               data_sufficient=False, meets_guideline14=False, n_baseline=0, n_reporting=0, suspect_readings=0,
               corrected_readings=0)
    row.update({k: periods[k] for k in _PERIOD_KEYS})
    return row


def _take(fit: bl.BaselineFit, index) -> bl.BaselineFit:
    """The fits of some meters (positions ``index``)."""
    index = np.asarray(index, dtype=np.int64)
    values = {}
    for f in fields(fit):
        v = getattr(fit, f.name)
        if f.name == "resolution":
            values[f.name] = v
        elif f.name == "meter_ids":
            values[f.name] = None if v is None else tuple(v[i] for i in index)
        else:
            values[f.name] = v[index]
    return bl.BaselineFit(**values)


def _window(matrix: np.ndarray, rows, axis_start: np.datetime64, start, end) -> np.ndarray:
    """Columns ``[start, end)`` (dates) of ``matrix`` rows, NaN outside the day axis."""
    s = int((np.datetime64(start, "D") - axis_start) / _ONE_DAY)
    e = int((np.datetime64(end, "D") - axis_start) / _ONE_DAY)
    out = np.full((len(rows), e - s), np.nan)
    a, b = max(s, 0), min(e, matrix.shape[1])
    if b > a:
        out[:, a - s:b - s] = matrix[np.asarray(rows, dtype=np.int64)][:, a:b]
    return out


def _window_rows(meters, fit_stats, avoided, g14, normal, n_days) -> pd.DataFrame:
    """Meter-table rows of fitted meters in one reporting window (arrays of equal length)."""
    normal_b, normal_r, normalised, normal_u = normal
    saved = np.asarray(avoided.avoided_energy, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        fsu_g14 = np.where(saved != 0, np.asarray(g14.uncertainty) / np.abs(saved), np.inf)
    columns = {"meter_id": np.asarray(meters, dtype=object), "carrier": ""}
    columns.update({k: np.asarray(v) for k, v in fit_stats.items()})
    columns.update(n_reporting=np.asarray(avoided.n_reporting, dtype=np.int64), reporting_days=n_days,
                   adjusted_baseline_kWh=avoided.adjusted_baseline, reporting_use_kWh=avoided.reporting_use,
                   avoided_energy_kWh=saved, avoided_uncertainty_kWh=avoided.uncertainty,
                   savings_fraction=avoided.savings_fraction, fsu=avoided.fractional_uncertainty,
                   fsu_guideline14=fsu_g14, normal_baseline_kWh=normal_b, normal_reporting_kWh=normal_r,
                   normalised_savings_kWh=normalised, normalised_uncertainty_kWh=normal_u)
    return pd.DataFrame(columns)


def evaluate(readings, temperature: pd.Series, periods: pd.DataFrame, windows: pd.DataFrame, *, typical: np.ndarray,
             confidence: float, min_days: int, min_periods: int, report: DataQualityReport):
    """Meter-table rows of every window and the monthly series of every meter.

    Parameters
    ----------
    readings : MeterReadings
    temperature : pandas.Series
        Measured daily mean temperature. [°C]
    periods : pandas.DataFrame
        Baseline periods (:func:`~smartcity.monitoring.periods.meter_periods`).
    windows : pandas.DataFrame
        ``meter_id``, ``reporting_start``, ``reporting_end`` and ``key`` (returned with
        the row) of each window; meters with a ``problem`` must not be in it.
    typical, confidence, min_days, min_periods
        As in :func:`~smartcity.monitoring.savings.meter_savings`.
    report : DataQualityReport
        Receives the issues of the day axes and of the weather.

    Returns
    -------
    rows : pandas.DataFrame
        One meter-table row per window, with ``key``, ``reporting_days`` and, for
        billing meters, ``reporting_days_covered``.
    monthly : list of pandas.DataFrame
        ``meter_id``, ``month``, ``measured_kWh``, ``baseline_kWh`` per meter.
    """
    prep = _prepared(readings)
    temps = _Temperatures(temperature, report)
    rows, monthly = [], []
    w = windows.join(periods[["baseline_start", "baseline_end"]], on="meter_id")
    daily_ids = pd.Index(prep.days.meter_ids)
    is_daily = w["meter_id"].isin(daily_ids).to_numpy()
    for (b_start, b_end), group in w[is_daily].groupby(["baseline_start", "baseline_end"], sort=False):
        r, m = _daily_group(group, b_start, b_end, prep.days, temps, typical, confidence, min_days)
        rows += r
        monthly += m
    billing = w[~is_daily]
    if len(billing):
        bill_ids = set(prep.bills.periods["meter_id"])
        for meter, group in billing.groupby("meter_id", sort=True):
            p = periods.loc[meter]
            if meter not in bill_ids:
                for _, win in group.iterrows():
                    rows.append(_keyed(empty_row(meter, "", "billing", _with(p, win), "no readings usable as days or "
                                                 "bills: not fitted"), win))
                continue
            r, m = _billing_meter(meter, p, group, prep.bills, temps, typical, confidence, min_periods)
            rows += r
            if m is not None:
                monthly.append(m)
    frames = [r for r in rows if isinstance(r, pd.DataFrame) and len(r)]
    singles = [r for r in rows if isinstance(r, dict)]
    if singles:
        frames.append(pd.DataFrame(singles))
    return (pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=[*METER_COLUMNS, "key"])), monthly


def _with(p, win) -> dict:
    return {"baseline_start": p["baseline_start"], "baseline_end": p["baseline_end"],
            "reporting_start": win["reporting_start"], "reporting_end": win["reporting_end"]}


def _keyed(row: dict, win) -> dict:
    row["key"] = win["key"]
    return row


def _daily_group(group: pd.DataFrame, b_start, b_end, days, temps: _Temperatures, typical, confidence, min_days):
    """Rows of the windows of daily meters sharing one baseline period, and their monthly series."""
    meters = sorted(pd.unique(group["meter_id"]))
    axis_start = np.datetime64(days.dates[0], "D")
    row_of = {m: k for k, m in enumerate(days.meter_ids)}
    rows_in_axis = [row_of[m] for m in meters]
    t_b, known_b = temps.on(b_start, b_end, f"baseline period {b_start:%Y-%m-%d} to {b_end - _DAY:%Y-%m-%d}")
    y_b = _window(days.energy_kWh, rows_in_axis, axis_start, b_start, b_end)
    y_b[:, ~known_b] = np.nan
    enough_b = np.isfinite(y_b).sum(axis=1) >= min_days
    out, monthly = [], []
    fitted = [m for m, ok in zip(meters, enough_b) if ok]
    position = {m: j for j, m in enumerate(fitted)}
    fit_b = bl.fit_daily(y_b[enough_b], t_b, meter_ids=fitted, min_days=min_days) if fitted else None
    for (r_start, r_end), wins in group.groupby(["reporting_start", "reporting_end"], sort=False):
        periods = {"baseline_start": b_start, "baseline_end": b_end, "reporting_start": r_start,
                   "reporting_end": r_end}
        t_r, known_r = temps.on(r_start, r_end, f"reporting period {r_start:%Y-%m-%d} to {r_end - _DAY:%Y-%m-%d}")
        ids = list(wins["meter_id"])
        y_r = _window(days.energy_kWh, [row_of[m] for m in ids], axis_start, r_start, r_end)
        y_r[:, ~known_r] = np.nan
        enough_r = np.isfinite(y_r).sum(axis=1) >= min_days
        keep = []
        for k, (meter, key) in enumerate(zip(ids, wins["key"])):
            if meter not in position:
                flag = f"too few baseline days (fewer than {min_days}): not fitted"
            elif not enough_r[k]:
                flag = f"too few reporting days (fewer than {min_days}): not fitted"
            else:
                keep.append(k)
                continue
            out.append({**empty_row(meter, "", "daily", periods, flag), "key": key})
        if not keep:
            continue
        sub = _take(fit_b, [position[ids[k]] for k in keep])
        y = y_r[keep]
        avoided = bl.avoided_energy(sub, t_r, y, confidence=confidence)
        g14 = bl.avoided_energy(sub, t_r, y, confidence=confidence, method="guideline14")
        fit_r = bl.fit_daily(y, t_r, meter_ids=sub.meter_ids, min_days=min_days)
        normal = _normalised(sub, fit_r, typical, confidence)
        keys = wins["key"].to_numpy()
        frame = _window_rows([ids[k] for k in keep], _fit_stats_rows(sub), avoided, g14, normal, len(t_r))
        out.append(frame.assign(**periods, resolution="daily", key=keys[keep]))
    if fit_b is not None:
        monthly.append(_daily_monthly(fitted, fit_b, days, [row_of[m] for m in fitted], b_start, temps))
    return out, monthly


def _daily_monthly(meters, fit_b, days, rows_in_axis, b_start, temps: _Temperatures) -> pd.DataFrame:
    """Measured use and the adjusted baseline per meter and month from the baseline start to
    the end of the day axis (days without a reading or a temperature left out of both)."""
    dates = days.dates[days.dates >= b_start]
    if not len(dates):
        return pd.DataFrame(columns=["meter_id", "month", "measured_kWh", "baseline_kWh"])
    axis_start = np.datetime64(days.dates[0], "D")
    end = dates[-1] + _DAY
    t, known = _temperature_on(temps.temperature, pd.date_range(dates[0], end - _DAY, freq="D"),
                               DataQualityReport(), "series")
    y = _window(days.energy_kWh, rows_in_axis, axis_start, dates[0], end)
    y[:, ~known] = np.nan
    valid = np.isfinite(y)
    pred = np.where(valid, bl.predict(fit_b, t), 0.0)
    month = dates.to_period("M")
    first = np.flatnonzero(np.r_[True, month[1:] != month[:-1]])
    count = np.add.reduceat(valid, first, axis=1)
    measured = np.where(count > 0, np.add.reduceat(np.where(valid, y, 0.0), first, axis=1), np.nan)
    baseline = np.where(count > 0, np.add.reduceat(pred, first, axis=1), np.nan)
    months = month[first].to_timestamp()
    return pd.DataFrame({"meter_id": np.repeat(np.asarray(meters, dtype=object), len(first)),
                         "month": np.tile(months.to_numpy(), len(meters)),
                         "measured_kWh": measured.ravel(), "baseline_kWh": baseline.ravel()})


def _billing_meter(meter, p, wins: pd.DataFrame, bills, temps: _Temperatures, typical, confidence, min_periods):
    """Rows of the windows of one billing meter and its monthly series."""
    start_day, end_day, energy = bills.for_meter(meter)
    dates = bills.dates
    last_end = max(wins["reporting_end"].max(), p["baseline_end"])
    span_start = min(dates[0], p["baseline_start"])
    span_end = max(dates[-1] + _DAY, last_end)
    offset = int((dates[0] - span_start) / _DAY)
    start_day, end_day = start_day + offset, end_day + offset
    t, known = temps.on(span_start, span_end, f"bills from {span_start:%Y-%m-%d} to {span_end - _DAY:%Y-%m-%d}")
    span = pd.date_range(span_start, span_end - _DAY, freq="D")
    bad = np.array([not known[a:b].all() for a, b in zip(start_day, end_day)], dtype=bool)
    energy = np.where(bad, np.nan, energy)
    s, e = span[start_day], span[end_day - 1] + _DAY
    rows = []
    inside_b = np.flatnonzero((s >= p["baseline_start"]) & (e <= p["baseline_end"]))
    fit_b = None
    if np.isfinite(energy[inside_b]).sum() >= min_periods:
        fit_b = bl.fit_billing(energy[inside_b], t, start_day[inside_b], end_day[inside_b], meter_ids=[meter],
                               min_periods=min_periods)
    for _, win in wins.iterrows():
        periods = _with(p, win)
        if fit_b is None:
            rows.append(_keyed(empty_row(meter, "", "billing", periods, f"too few baseline bills (fewer than "
                                         f"{min_periods}): not fitted"), win))
            continue
        ir = np.flatnonzero((s >= win["reporting_start"]) & (e <= win["reporting_end"]))
        if np.isfinite(energy[ir]).sum() < min_periods:
            rows.append(_keyed(empty_row(meter, "", "billing", periods, f"too few reporting bills (fewer than "
                                         f"{min_periods}): not fitted"), win))
            continue
        fit_r = bl.fit_billing(energy[ir], t, start_day[ir], end_day[ir], meter_ids=[meter], min_periods=min_periods)
        avoided = bl.avoided_energy(fit_b, t, energy[ir][None, :], start_day[ir], end_day[ir], confidence=confidence)
        g14 = bl.avoided_energy(fit_b, t, energy[ir][None, :], start_day[ir], end_day[ir], confidence=confidence,
                                method="guideline14")
        normal = _normalised(fit_b, fit_r, typical, confidence)
        frame = _window_rows([meter], _fit_stats_rows(fit_b), avoided, g14, normal,
                             int((win["reporting_end"] - win["reporting_start"]) / _DAY))
        covered = float(np.sum(np.where(np.isfinite(energy[ir]), end_day[ir] - start_day[ir], 0)))
        rows.append(frame.assign(**periods, resolution="billing", key=win["key"], reporting_days_covered=covered))
    if fit_b is None:
        return rows, None
    later = np.flatnonzero(s >= p["baseline_start"])
    pred = bl.predict(fit_b, t, start_day[later], end_day[later])[0]
    monthly = pd.DataFrame({"meter_id": meter, "month": s[later].to_period("M").to_timestamp(),
                            "measured_kWh": energy[later], "baseline_kWh": np.where(np.isfinite(energy[later]),
                                                                                    pred, np.nan)})
    return rows, monthly
