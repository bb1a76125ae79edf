"""Day types of an hourly time index: weekdays, and weekends with the Danish public holidays.

The use profiles (:mod:`smartcity.energy.profiles`) and the charging shapes
(:mod:`smartcity.transport.charging`) have a weekday and a weekend form; which one an hour
takes is decided here. Monday to Friday are weekdays; Saturday, Sunday and, by default,
the Danish public holidays (:func:`danish_public_holidays`) are weekend days. Day and hour
are read in the index's own time zone. :class:`DayTypes` also counts the weekdays and
weekend days of each calendar year the index touches, so that shapes can be normalised per
calendar year.

Functions
---------
danish_public_holidays
    The public holidays of a year.
weekend_mask
    Which hours of an index take the weekend form.
day_types
    The :class:`DayTypes` of an index, built once per distinct index.
"""

from __future__ import annotations

import datetime as dt
import functools

import numpy as np
import pandas as pd

__all__ = ["DayTypes", "danish_public_holidays", "day_types", "weekend_mask"]

_HOURS_PER_DAY = 24


def _easter_sunday(year: int) -> dt.date:
    """Gregorian Easter Sunday (anonymous Gregorian computus, Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    weekday = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * weekday) // 451
    month, day = divmod(h + weekday - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


@functools.cache
def danish_public_holidays(year: int) -> tuple[dt.date, ...]:
    """Danish public holidays (helligdage) of ``year`` that can fall on a weekday.

    New Year's Day, Maundy Thursday, Good Friday, Easter Sunday and Monday, General
    Prayer Day (4th Friday after Easter, until 2023), Ascension Day, Whit Sunday and
    Monday, Christmas Day and Boxing Day. Constitution Day (5 June) and Christmas Eve are
    customary days off, not public holidays, and are not included.

    Parameters
    ----------
    year : int
        Calendar year. [a]

    Returns
    -------
    tuple of datetime.date
        In calendar order.

    References
    ----------
    .. [1] Bekendtgørelse af lov om søgnehelligdagsfred (the Danish public-holiday act);
       Lov nr. 140 af 28. februar 2023 abolishing General Prayer Day from 2024.

    Examples
    --------
    >>> [d.isoformat() for d in danish_public_holidays(2015)][:5]
    ['2015-01-01', '2015-04-02', '2015-04-03', '2015-04-05', '2015-04-06']
    """
    easter = _easter_sunday(year)
    offsets = [-3, -2, 0, 1] + ([26] if year <= 2023 else []) + [39, 49, 50]
    days = [dt.date(year, 1, 1)] + [easter + dt.timedelta(days=o) for o in offsets]
    days += [dt.date(year, 12, 25), dt.date(year, 12, 26)]
    return tuple(sorted(days))


def _wall_clock(index) -> pd.DatetimeIndex:
    """The index as naive local times, checked to be whole hours."""
    if not isinstance(index, pd.DatetimeIndex):
        raise ValueError(f"index: expected a pandas.DatetimeIndex, got {type(index).__name__}")
    if len(index) == 0:
        raise ValueError("index: at least one hour is needed")
    local = index.tz_localize(None) if index.tz is not None else index
    if index.hasnans:
        raise ValueError("index: contains missing timestamps (NaT)")
    off = np.flatnonzero(local != local.floor("h"))
    if off.size:
        raise ValueError(f"index[{int(off[0])}] = {index[int(off[0])]}: timestamps must be whole hours")
    return local


def _weekend_days(days: pd.DatetimeIndex, public_holidays: bool) -> np.ndarray:
    """True for Saturdays, Sundays and (optionally) Danish public holidays; ``days`` at midnight."""
    weekend = np.asarray(days.day_of_week >= 5)
    if public_holidays:
        years = np.unique(days.year)
        holidays = np.array([d for y in years for d in danish_public_holidays(int(y))], dtype="datetime64[D]")
        weekend |= np.isin(days.to_numpy().astype("datetime64[D]"), holidays)
    return weekend


class DayTypes:
    """Hour of day, day type and calendar-year day counts of an hourly index.

    Parameters
    ----------
    index : pandas.DatetimeIndex
        Whole hours. [h]
    public_holidays : bool
        Count Danish public holidays as weekend days.
    """

    def __init__(self, index, public_holidays: bool) -> None:
        local = _wall_clock(index)
        self.timestamps = index.asi8
        self.n_hours = len(local)
        self.hour = np.asarray(local.hour, dtype=np.int64)
        days = local.floor("D")
        self.weekend = _weekend_days(days, public_holidays)
        # position of each hour in a weekday array followed by a weekend array
        self.slot = self.hour + np.where(self.weekend, _HOURS_PER_DAY, 0)
        years = np.asarray(local.year, dtype=np.int64)
        self.years, self.year_of_hour = np.unique(years, return_inverse=True)
        self.weekday_days = np.empty(len(self.years))
        self.weekend_days = np.empty(len(self.years))
        for k, year in enumerate(self.years):
            calendar = pd.date_range(f"{year}-01-01", f"{year}-12-31", freq="D")
            weekend = _weekend_days(calendar, public_holidays)
            self.weekend_days[k] = weekend.sum()
            self.weekday_days[k] = len(calendar) - weekend.sum()
        self._normalised: dict[tuple, np.ndarray] = {}

    def values(self, weekday: np.ndarray, weekend: np.ndarray) -> np.ndarray:
        """(n_h,) value of the day-type's 24-hour array at each hour."""
        return np.concatenate([weekday, weekend])[self.slot]

    def year_totals(self, weekday: np.ndarray, weekend: np.ndarray) -> np.ndarray:
        """(n_h,) sum of the profile over the calendar year of each hour."""
        totals = self.weekday_days * weekday.sum() + self.weekend_days * weekend.sum()
        return totals[self.year_of_hour]

    def year_hours(self) -> np.ndarray:
        """(n_h,) number of hours in the calendar year of each hour."""
        return (_HOURS_PER_DAY * (self.weekday_days + self.weekend_days))[self.year_of_hour]

    def normalised(self, weekday: np.ndarray, weekend: np.ndarray, *, mean: bool) -> np.ndarray:
        """(n_h,) the day shapes at each hour, scaled to a mean (``mean``) or a sum of 1 over each
        calendar year; computed once per pair of shapes (a run asks per use and year), returned as a copy."""
        key = (weekday.dtype.str, weekday.tobytes(), weekend.tobytes(), mean)
        if key not in self._normalised:
            if len(self._normalised) > 256:
                self._normalised.clear()
            raw = self.values(weekday, weekend)
            totals = self.year_totals(weekday, weekend)
            self._normalised[key] = raw * self.year_hours() / totals if mean else raw / totals
        return self._normalised[key].copy()


_DAY_TYPES: dict[tuple, DayTypes] = {}


def day_types(index, public_holidays: bool) -> DayTypes:
    """The calendar of an index, built once per distinct index (a run asks for it per use and year).

    Calendars are found by the index's length, first and last timestamps and time zone,
    and used only if all timestamps are equal.
    """
    if not isinstance(index, pd.DatetimeIndex) or len(index) == 0:
        return DayTypes(index, public_holidays)  # raises the right error
    timestamps = index.asi8
    key = (len(timestamps), int(timestamps[0]), int(timestamps[-1]), str(index.tz), bool(public_holidays))
    calendar = _DAY_TYPES.get(key)
    if calendar is None or not np.array_equal(calendar.timestamps, timestamps):
        if len(_DAY_TYPES) > 16:
            _DAY_TYPES.clear()
        calendar = _DAY_TYPES[key] = DayTypes(index, public_holidays)
    return calendar


def weekend_mask(index: pd.DatetimeIndex, *, public_holidays: bool = True) -> np.ndarray:
    """Which hours take the weekend profile.

    Parameters
    ----------
    index : pandas.DatetimeIndex
        Hourly timestamps; day and hour are read in the index's own time zone.
    public_holidays : bool, default True
        Count Danish public holidays (:func:`danish_public_holidays`) as weekend days.

    Returns
    -------
    (n_h,) bool ndarray
        True on Saturdays, Sundays and (optionally) public holidays.
    """
    return day_types(index, public_holidays).weekend.copy()
