"""Meter readings on a day axis for baselines: :func:`daily_use` sums readings of a day or
shorter into energy per meter and day; :func:`billing_periods` turns longer readings
(bills, monthly or weekly reads) into periods on a common day axis.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from smartcity.monitoring.parsing import _as_ids, _date_axis, _day, _period_text, _within_day
from smartcity.monitoring.quality import DataQualityReport
from smartcity.monitoring.readers import MeterReadings

__all__ = ["DailyUse", "daily_use", "BillingPeriods", "billing_periods"]


@dataclass(frozen=True)
class DailyUse:
    """Energy per meter and day from readings of a day or shorter (:func:`daily_use`).

    Unpacks as ``meter_ids, dates, energy_kWh = daily_use(readings)``.

    Attributes
    ----------
    meter_ids : tuple of str
        Meters with at least one reading of a day or shorter, sorted.
    dates : pandas.DatetimeIndex
        Consecutive days (midnight, local standard time).
    energy_kWh : numpy.ndarray
        Energy per meter and day, shape (n_meters, n_days), NaN where the day is not
        fully covered by readings. [kWh/d]
    covered_hours : numpy.ndarray
        Hours of each day covered by readings of a day or shorter, shape (n_meters,
        n_days). [h]
    report : DataQualityReport
        Partial days and readings that cannot be split into days.
    """

    meter_ids: tuple[str, ...]
    dates: pd.DatetimeIndex
    energy_kWh: np.ndarray
    covered_hours: np.ndarray
    report: DataQualityReport = field(repr=False)

    def __iter__(self):
        return iter((self.meter_ids, self.dates, self.energy_kWh))

    def to_frame(self) -> pd.DataFrame:
        """Energy per day as a table: index ``date``, one column per meter. [kWh/d]"""
        return pd.DataFrame(self.energy_kWh.T, index=self.dates, columns=list(self.meter_ids))


def daily_use(readings: MeterReadings, start=None, end=None) -> DailyUse:
    """Energy per meter and calendar day from hourly, daily or other sub-daily readings.

    Readings that lie within one calendar day (a daily reading ends at the next midnight)
    are summed per day. A day is complete when those readings cover all its 24 hours
    (local standard time has no 23- or 25-hour days); a partly covered day is NaN and
    reported (``partial_day``, warning). Readings that cross midnight, such as bills or
    readings taken at 08:00 each morning, are not split: the days they cover are NaN and
    they are reported (``not_daily``, info); use :func:`billing_periods` for them.

    Parameters
    ----------
    readings : MeterReadings
        As returned by :func:`~smartcity.monitoring.readers.read_meter_readings`.
    start : date-like, optional
        First day (included). Default: the first day with a reading.
    end : date-like, optional
        Day after the last day (excluded). Default: the day after the last reading.

    Returns
    -------
    DailyUse
        ``meter_ids``, ``dates``, ``energy_kWh`` (n_meters, n_days) [kWh/d] with NaN for
        missing or partial days, ``covered_hours`` [h] and ``report``.

    Raises
    ------
    ValueError
        If ``end`` is not after ``start``.
    """
    data = readings.data
    report = DataQualityReport(readings.report.source, readings.report.row_label)
    s = data["start"].to_numpy(dtype="datetime64[ns]")
    e = data["end"].to_numpy(dtype="datetime64[ns]")
    codes, names = pd.factorize(data["meter_id"])
    names = np.asarray(names, dtype=object)
    rows = data["row"].to_numpy()
    fine = _within_day(s, e)

    for code in pd.unique(codes[~fine]):
        m = names[code]
        index = np.flatnonzero(~fine & (codes == code))
        report.add("info", "not_daily", m, rows[index],
                   f"{len(index)} reading(s) cross midnight (first: {_period_text(s[index[0]], e[index[0]])}) "
                   "and cannot be split into days", "their days are NaN here; see billing_periods")

    first_day = _day(start) if start is not None else (s[fine].min().astype("datetime64[D]") if fine.any() else None)
    end_day = _day(end) if end is not None else (
        (e[fine] - np.timedelta64(1, "ns")).max().astype("datetime64[D]") + 1 if fine.any() else None)
    meter_ids = tuple(sorted(names[np.unique(codes[fine])]))
    if start is not None and end is not None and first_day >= end_day:
        raise ValueError(f"end = {end!r} must be after start = {start!r} (whole days)")
    dates = _date_axis(first_day, end_day)
    n_days = len(dates)
    energy = np.zeros((len(meter_ids), n_days))
    covered = np.zeros((len(meter_ids), n_days))
    if n_days and meter_ids:
        day_index = ((s.astype("datetime64[D]") - dates[0].to_datetime64().astype("datetime64[D]"))
                     .astype(np.int64))
        use = fine & (day_index >= 0) & (day_index < n_days)
        meter_index = pd.Index(meter_ids).get_indexer(names)[codes]
        flat = meter_index[use] * n_days + day_index[use]
        hours = data["hours"].to_numpy(dtype=np.float64)
        energy = np.bincount(flat, weights=data["energy_kWh"].to_numpy()[use],
                             minlength=energy.size).reshape(energy.shape)
        covered = np.bincount(flat, weights=hours[use], minlength=covered.size).reshape(covered.shape)
        complete = np.abs(covered - 24.0) < 1e-6
        partial = (covered > 0) & ~complete
        for k in np.flatnonzero(partial.any(axis=1)):
            days = np.flatnonzero(partial[k])
            on_days = use & (meter_index == k) & np.isin(day_index, days)
            first = days[0]
            report.add("warning", "partial_day", meter_ids[k], rows[on_days],
                       f"{len(days)} day(s) only partly covered by readings (first: "
                       f"{dates[first]:%Y-%m-%d} with {covered[k, first]:g} of 24 h)",
                       "those days are NaN")
        energy = np.where(complete, energy, np.nan)
    return DailyUse(meter_ids=meter_ids, dates=dates, energy_kWh=energy, covered_hours=covered, report=report)


@dataclass(frozen=True)
class BillingPeriods:
    """Readings longer than a day as periods on a common day axis (:func:`billing_periods`).

    Attributes
    ----------
    dates : pandas.DatetimeIndex
        Consecutive days (midnight, local standard time); ``start_day`` and ``end_day``
        index into it.
    periods : pandas.DataFrame
        One row per reading, sorted by meter and start. Columns ``meter_id``,
        ``carrier``, ``start``, ``end`` (as read), ``start_day`` and ``end_day`` (int:
        the period covers ``dates[start_day:end_day]``; start and end rounded to the
        nearest midnight), ``days`` (exact length of the period [d]), ``energy_kWh``
        (energy in the period [kWh]), ``row`` (file row).
    report : DataQualityReport
        Readings that cross midnight but round to less than one day.
    """

    dates: pd.DatetimeIndex
    periods: pd.DataFrame
    report: DataQualityReport = field(repr=False)

    def for_meter(self, meter_id: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(start_day, end_day, energy_kWh)`` arrays of one meter's periods."""
        rows = self.periods[self.periods["meter_id"] == meter_id]
        return (rows["start_day"].to_numpy(dtype=np.int64), rows["end_day"].to_numpy(dtype=np.int64),
                rows["energy_kWh"].to_numpy(dtype=np.float64))


def billing_periods(readings: MeterReadings, start=None, end=None) -> BillingPeriods:
    """Readings that cross midnight (bills, monthly or weekly reads) as day-index periods.

    Readings within one calendar day are left to :func:`daily_use`. Each other reading's
    start and end are rounded to the nearest midnight (a reading taken at 08:00 belongs
    to that day, one at 20:00 to the next); one that then covers no whole day is left
    out and reported (``short_period``, info).

    Parameters
    ----------
    readings : MeterReadings
        As returned by :func:`~smartcity.monitoring.readers.read_meter_readings`.
    start : date-like, optional
        First day of the axis; periods starting earlier are not returned.
    end : date-like, optional
        Day after the last day of the axis; periods ending later are not returned.

    Returns
    -------
    BillingPeriods
        ``dates``, ``periods`` (see :class:`BillingPeriods`) and ``report``.
    """
    data = readings.data
    report = DataQualityReport(readings.report.source, readings.report.row_label)
    s = data["start"].to_numpy(dtype="datetime64[ns]")
    e = data["end"].to_numpy(dtype="datetime64[ns]")
    coarse = ~_within_day(s, e)
    half_day = np.timedelta64(12, "h")
    s_day = (s + half_day).astype("datetime64[D]")
    e_day = (e + half_day).astype("datetime64[D]")
    short = coarse & (e_day <= s_day)
    meter = _as_ids(data["meter_id"])
    rows = data["row"].to_numpy()
    for m in pd.unique(meter[short]):
        index = np.flatnonzero(short & (meter == m))
        report.add("info", "short_period", m, rows[index],
                   f"{len(index)} reading(s) cross midnight but cover less than a day when rounded to "
                   f"midnights (first: {_period_text(s[index[0]], e[index[0]])})", "not used as billing periods")
    use = coarse & ~short
    if start is not None:
        use &= s_day >= np.datetime64(_day(start), "D")
    if end is not None:
        use &= e_day <= np.datetime64(_day(end), "D")
    first = np.datetime64(_day(start), "D") if start is not None else (s_day[use].min() if use.any() else None)
    last = np.datetime64(_day(end), "D") if end is not None else (e_day[use].max() if use.any() else None)
    dates = _date_axis(first, last)
    periods = pd.DataFrame({
        "meter_id": meter[use],
        "carrier": _as_ids(data["carrier"])[use],
        "start": s[use],
        "end": e[use],
        "start_day": (s_day[use] - first).astype(np.int64) if first is not None else np.zeros(0, np.int64),
        "end_day": (e_day[use] - first).astype(np.int64) if first is not None else np.zeros(0, np.int64),
        "days": data["hours"].to_numpy()[use] / 24.0,
        "energy_kWh": data["energy_kWh"].to_numpy()[use],
        "row": rows[use],
    })
    return BillingPeriods(dates=dates, periods=periods.reset_index(drop=True), report=report)


@dataclass(frozen=True)
class _Prepared:
    """The readings a baseline uses (none marked suspect) on day axes, made once per readings."""

    usable: MeterReadings
    days: DailyUse
    bills: BillingPeriods


def _prepared(readings: MeterReadings) -> _Prepared:
    """:class:`_Prepared` of ``readings``, kept on the (immutable) readings object for reuse."""
    cached = readings.__dict__.get("_prepared")
    if cached is not None:
        return cached
    data = readings.data
    suspect = data["suspect"].to_numpy(dtype=bool)
    usable = MeterReadings(data=data[~suspect].reset_index(drop=True), excluded=readings.excluded,
                           report=readings.report) if suspect.any() else readings
    prepared = _Prepared(usable=usable, days=daily_use(usable), bills=billing_periods(usable))
    object.__setattr__(readings, "_prepared", prepared)
    return prepared
