"""Baseline and reporting periods of each meter.

The **baseline** of a meter verifying a measure is, as in CalTRACK 2.0 (§2.1, data
sufficiency §2.2), the last twelve months before the measure date that have enough data:
the window ``[E - 12 months, E)`` with the latest month start ``E`` on or before the
measure date (1 January of the start year of the meter's measure group) in which at most
:data:`MAX_MISSING_DAYS` days have no usable reading. A meter whose data start in
February of the year before the measure still has its baseline in that year (31 days
missing); one whose data start later has none and is flagged. A meter without a measure
date (a control meter, or a measure group that is no measure of the scenario) takes its
first calendar year with enough data.

The **reporting period** is the meter's latest full calendar year of readings (seven
days missing at either end are allowed and count as missing) that starts on or after the
end of its baseline and its measure date; every such year is a reporting year of
:func:`smartcity.monitoring.progress.savings_by_year`.

A day counts as covered when readings of a day or shorter cover all its hours, or a bill
covers it (bills rounded to midnights); readings marked suspect do not count.

A meter without a baseline or a reporting period is not an error: it gets a ``problem``
and is listed, flagged and left out of the totals; only when no meter has both periods
is there nothing to report (:class:`~smartcity.errors.InputError`).
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from smartcity.errors import InputError
from smartcity.monitoring.aggregation import _prepared
from smartcity.monitoring.readers import MeterMap, MeterReadings

__all__ = ["MIN_BASELINE_DAYS", "MAX_MISSING_DAYS", "calendar_year", "meter_periods", "reporting_years"]

#: Days of a baseline period (CalTRACK §2.2: 365 days). [d]
MIN_BASELINE_DAYS = 365
#: Most days of a baseline period without a usable reading (CalTRACK §2.2). [d]
MAX_MISSING_DAYS = 37
#: Days missing at either end of a calendar year that still make it a full year of
#: readings (a first reading on 3 January). [d]
YEAR_SLACK_DAYS = 7

_PERIOD_COLUMNS = ["measure_group", "measure_start", "baseline_start", "baseline_end", "reporting_start",
                   "reporting_end", "problem"]


@functools.cache
def calendar_year(year: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    """``[1 January, 1 January of the next year)`` of ``year``."""
    return pd.Timestamp(year=int(year), month=1, day=1), pd.Timestamp(year=int(year) + 1, month=1, day=1)


def _full_years(first: pd.Timestamp, last: pd.Timestamp, slack_days: int = YEAR_SLACK_DAYS) -> list[int]:
    """Calendar years inside ``[first, last)``, allowing ``slack_days`` missing at either end."""
    slack = np.timedelta64(slack_days, "D")
    a = np.datetime64(first, "D") - slack
    b = np.datetime64(last, "D") + slack
    y0 = int(str(a.astype("datetime64[Y]"))) + (0 if a == a.astype("datetime64[Y]") else 1)
    return list(range(y0, int(str(b.astype("datetime64[Y]")))))


class _Coverage:
    """Covered days of every meter on one day axis, with cumulative sums for windows."""

    def __init__(self, readings: MeterReadings) -> None:
        prepared = _prepared(readings)
        days, bills = prepared.days, prepared.bills
        axes = [d for d in (days.dates, bills.dates) if len(d)]
        first = min(a[0] for a in axes) if axes else pd.Timestamp("2000-01-01")
        last = max(a[-1] for a in axes) if axes else first
        self.first = np.datetime64(first, "D")
        n_days = int((np.datetime64(last, "D") - self.first).astype(np.int64)) + 1
        ids = sorted(set(days.meter_ids) | set(bills.periods["meter_id"]))
        self.row = {m: k for k, m in enumerate(ids)}
        covered = np.zeros((len(ids), n_days), dtype=bool)
        if len(days.meter_ids):
            offset = int((np.datetime64(days.dates[0], "D") - self.first).astype(np.int64))
            rows = [self.row[m] for m in days.meter_ids]
            covered[rows, offset:offset + len(days.dates)] = np.isfinite(days.energy_kWh)
        if len(bills.periods):
            offset = int((np.datetime64(bills.dates[0], "D") - self.first).astype(np.int64))
            diff = np.zeros((len(ids), n_days + 1), dtype=np.int64)
            rows = np.array([self.row[m] for m in bills.periods["meter_id"]], dtype=np.int64)
            np.add.at(diff, (rows, offset + bills.periods["start_day"].to_numpy()), 1)
            np.add.at(diff, (rows, offset + bills.periods["end_day"].to_numpy()), -1)
            covered |= np.cumsum(diff, axis=1)[:, :n_days] > 0
        self.cum = np.concatenate([np.zeros((len(ids), 1), dtype=np.int64), np.cumsum(covered, axis=1)], axis=1)

    def missing(self, meter: str, start, end) -> np.ndarray:
        """Days of ``[start, end)`` (arrays of dates) without a covered day. [d]"""
        s = (np.asarray(start, dtype="datetime64[D]") - self.first).astype(np.int64)
        e = (np.asarray(end, dtype="datetime64[D]") - self.first).astype(np.int64)
        n = self.cum.shape[1] - 1
        k = self.row.get(meter)
        covered = 0 if k is None else self.cum[k, np.clip(e, 0, n)] - self.cum[k, np.clip(s, 0, n)]
        return (e - s) - covered


def _months_back(end: pd.Timestamp, first: pd.Timestamp) -> np.ndarray:
    """Month starts from ``end`` back to the first whose twelve months reach ``first``. [datetime64[D]]"""
    end_m = np.datetime64(end, "M")
    stop_m = np.datetime64(first, "M") + 12
    months = np.arange(end_m, min(stop_m, end_m) - 1, -1) if stop_m <= end_m else np.array([end_m])
    return months.astype("datetime64[D]")


def meter_periods(readings: MeterReadings, meter_map: MeterMap | None = None, *,
                  measure_start_years: dict[str, int] | None = None, baseline=None,
                  reporting=None) -> pd.DataFrame:
    """Baseline and reporting period of each meter (see the module notes).

    Parameters
    ----------
    readings : MeterReadings
        The readings.
    meter_map : MeterMap, optional
        Gives each meter's ``measure_group`` (the first one if a meter has several).
    measure_start_years : dict of str to int, optional
        Start year of each measure group; its 1 January is the measure date. [a]
    baseline, reporting : tuple of date-like, optional
        ``(start, end)``, end excluded, applied to every meter instead of the defaults.

    Returns
    -------
    pandas.DataFrame
        Index ``meter_id``; columns ``measure_group``, ``measure_start`` (the measure
        date; NaT without one), ``baseline_start``, ``baseline_end``,
        ``reporting_start``, ``reporting_end`` (Timestamps; NaT for a meter without
        them) and ``problem`` (why a meter has no periods; empty if it has them).

    Raises
    ------
    InputError
        A given period whose end is not after its start, a given reporting period that
        starts before the given baseline ends, or no meter with both periods.
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
    if len(explicit) == 2 and explicit["reporting"][0] < explicit["baseline"][1]:
        raise InputError("the reporting period starts before the baseline ends", key="reporting",
                         value=f"{explicit['reporting'][0]:%Y-%m-%d}",
                         allowed=f"a start on or after {explicit['baseline'][1]:%Y-%m-%d}")
    coverage = _Coverage(readings) if len(explicit) < 2 else None
    rows = []
    firsts = pd.DatetimeIndex(meters["first"]).ceil("D")
    lasts = pd.DatetimeIndex(meters["last"]).floor("D")
    for meter, first, last in zip(meters.index, firsts, lasts):
        group = groups.get(meter, "")
        measure = calendar_year(starts[group])[0] if group in starts else pd.NaT
        b, problem = _baseline(meter, group, measure, first, last, explicit, coverage)
        r = (pd.NaT, pd.NaT)
        if not problem:
            r, problem = _reporting(meter, measure, b, first, last, explicit)
        if problem:
            b = (pd.NaT, pd.NaT)
        rows.append((meter, group, measure, b[0], b[1], r[0], r[1], problem))
    table = pd.DataFrame(rows, columns=["meter_id", *_PERIOD_COLUMNS]).set_index("meter_id")
    for c in _PERIOD_COLUMNS[1:-1]:
        table[c] = pd.to_datetime(table[c])
    if len(table) and (table["problem"] != "").all():
        first = table.iloc[0]
        raise InputError(f"no meter has a baseline and a reporting period ({len(table)} meter(s); first, "
                         f"{table.index[0]!r}: {first['problem']})", key="periods",
                         allowed="readings covering twelve months before each measure and a full calendar year "
                                 "after it, or --baseline/--reporting START:END")
    return table


def _baseline(meter, group, measure, first, last, explicit, coverage) -> tuple[tuple, str]:
    """``((start, end), problem)`` of a meter's baseline."""
    if "baseline" in explicit:
        return explicit["baseline"], ""
    if not pd.isna(measure):
        ends = _months_back(measure, first)
        starts = (ends.astype("datetime64[M]") - 12).astype("datetime64[D]")
        ok = np.flatnonzero(coverage.missing(meter, starts, ends) <= MAX_MISSING_DAYS)
        if ok.size:
            return (pd.Timestamp(starts[ok[0]]), pd.Timestamp(ends[ok[0]])), ""
        return (pd.NaT, pd.NaT), (f"no twelve months with enough readings before its measure date "
                                  f"{measure:%Y-%m-%d} ('{group}'; CalTRACK: at most {MAX_MISSING_DAYS} of "
                                  f"{MIN_BASELINE_DAYS} days missing)")
    years = np.arange(first.year, last.year)
    if years.size:
        a = np.array([f"{y}-01-01" for y in years], dtype="datetime64[D]")
        b = np.array([f"{y + 1}-01-01" for y in years], dtype="datetime64[D]")
        ok = np.flatnonzero(coverage.missing(meter, a, b) <= MAX_MISSING_DAYS)
        if ok.size:
            return calendar_year(years[ok[0]]), ""
    return (pd.NaT, pd.NaT), (f"no calendar year with enough readings for a baseline (CalTRACK: at most "
                              f"{MAX_MISSING_DAYS} of {MIN_BASELINE_DAYS} days missing)")


def _reporting(meter, measure, b, first, last, explicit) -> tuple[tuple, str]:
    """``((start, end), problem)`` of a meter's reporting period, the latest full year by default."""
    earliest = b[1] if pd.isna(measure) else max(b[1], measure)
    if "reporting" in explicit:
        r = explicit["reporting"]
        if r[0] < b[1]:
            return (pd.NaT, pd.NaT), (f"the reporting period starts {r[0]:%Y-%m-%d}, before the baseline ends "
                                      f"({b[1]:%Y-%m-%d})")
        return r, ""
    years = [y for y in _full_years(first, last) if calendar_year(y)[0] >= earliest]
    if years:
        return calendar_year(years[-1]), ""
    return (pd.NaT, pd.NaT), (f"no full calendar year of readings after its baseline ({b[0]:%Y-%m-%d} to "
                              f"{b[1]:%Y-%m-%d})" + ("" if pd.isna(measure) else
                                                      f" and its measure date {measure:%Y-%m-%d}"))


def reporting_years(readings: MeterReadings, periods: pd.DataFrame) -> dict[str, list[int]]:
    """Every full calendar year of each meter's readings after its baseline and measure date.

    Parameters
    ----------
    readings : MeterReadings
    periods : pandas.DataFrame
        From :func:`meter_periods` (or any table with ``baseline_end``); meters with a
        ``problem`` get no year.

    Returns
    -------
    dict of str to list of int
        Reporting years per meter. [a]
    """
    meters = readings.meters()
    problem = periods["problem"] if "problem" in periods else pd.Series("", index=periods.index)
    ok = periods[(problem.fillna("") == "") & periods.index.isin(meters.index)]
    firsts = pd.DatetimeIndex(meters.loc[ok.index, "first"]).ceil("D")
    lasts = pd.DatetimeIndex(meters.loc[ok.index, "last"]).floor("D")
    measure = (ok["measure_start"] if "measure_start" in ok else ok["baseline_end"]).fillna(ok["baseline_end"])
    earliest = np.maximum(ok["baseline_end"].to_numpy(), measure.to_numpy())
    out = {}
    for meter, first, last, e in zip(ok.index, firsts, lasts, pd.DatetimeIndex(earliest)):
        out[meter] = [y for y in _full_years(first, last) if calendar_year(y)[0] >= e]
    return out
