"""Cells of measured-data tables: identifiers, ISO 8601 times and periods, day axes, and
the text that names times in messages.

Times
-----
Times are ISO 8601 dates (``2021-03-01``, midnight at the start of the day) or date-times
(``2021-03-01T13:00`` or ``2021-03-01 13:00``). A period is ``[start, end)``: the end is
the moment the next period starts, so a January bill ends ``2021-02-01``. Times without a
UTC offset are local standard time of the district, as in the package's weather data
(UTC+1 in Denmark, :data:`LOCAL_STANDARD_UTC_OFFSET_H`, no daylight saving); times with an
offset (``2021-07-01T00:00+02:00``, ``Z``) are converted to it. A file must give an offset
on every date-time or on none. Naive times exported in daylight-saving local time show
up as a duplicate hour in October and a gap in March, both reported. All times returned
are naive ``datetime64`` in local standard time.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from smartcity.errors import InputError
from smartcity.schema.tables import row_location

__all__ = ["LOCAL_STANDARD_UTC_OFFSET_H"]


#: Offset of the district's local standard time from UTC (Denmark: CET, UTC+1; daylight
#: saving is not applied). [h]
LOCAL_STANDARD_UTC_OFFSET_H = 1.0

_DAY = np.timedelta64(1, "D")
_HOUR_NS = 3_600_000_000_000
_DAY_NS = 24 * _HOUR_NS
_TIME_ALLOWED = ("an ISO 8601 date or date-time, e.g. 2021-01-31, 2021-01-31T13:00 (local standard "
                 "time) or 2021-07-01T13:00+02:00")
_DATE_ONLY = r"\d{4}-\d{2}-\d{2}"
_DATE_PREFIX = r"\d{4}-\d{2}-\d{2}(?:[T ].*)?"
_OFFSET_SUFFIX = r"(?:Z|[+-]\d{2}(?::?\d{2})?)$"


# --------------------------------------------------------------------------------------
# Cells: row errors, identifiers, text
# --------------------------------------------------------------------------------------

def _fail(frame: pd.DataFrame, i: int, column: str, problem: str, value, allowed: str | None = None) -> InputError:
    """An InputError at row ``i`` (0-based) of a table read by
    :func:`~smartcity.monitoring.quality._read`."""
    return InputError(problem, column=column, value=value, allowed=allowed, **row_location(frame, i))


def _require_text(frame: pd.DataFrame, column: str, what: str) -> None:
    """A non-empty identifier in every row of ``column``."""
    empty = np.flatnonzero(frame[column].to_numpy(dtype=object) == "")
    if empty.size:
        raise _fail(frame, int(empty[0]), column, "empty value", "", f"a non-empty {what}")


def _text_series(column: pd.Series) -> pd.Series:
    """Text cells as a Series with vectorised string methods (Arrow strings when available)."""
    values = column.to_numpy(dtype=object)
    try:
        return pd.Series(values, dtype="string[pyarrow]")
    except ImportError:
        return pd.Series(values, dtype=object)


def _as_ids(values) -> np.ndarray:
    return np.asarray(values, dtype=object)


# --------------------------------------------------------------------------------------
# Times and periods
# --------------------------------------------------------------------------------------

def _parse_times(frame: pd.DataFrame, columns: list[str], utc_offset_h: float,
                 skip: np.ndarray | None = None) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """ISO 8601 cells of ``columns`` as naive local standard times.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table as read by :func:`~smartcity.schema.tables.read_table`.
    columns : list of str
        Text columns holding times.
    utc_offset_h : float
        Offset of local standard time from UTC, applied to times with an offset. [h]
    skip : dict of str to numpy.ndarray, optional
        Per column, rows not to parse (left NaT), e.g. empty optional cells.

    Returns
    -------
    dict
        Per column: times (``datetime64[ns]``) and whether each cell was a date only.

    Raises
    ------
    InputError
        At the first cell that is not an ISO 8601 date or date-time, or that has a UTC
        offset when others have none (or the reverse).
    """
    skip = skip or {}
    parsed, style = {}, []  # style: (column, date-time cells, cells with an offset)
    for column in columns:
        text = _text_series(frame[column])
        use = ~skip.get(column, np.zeros(len(text), dtype=bool))
        well_formed = text.str.fullmatch(_DATE_PREFIX).fillna(False).to_numpy(dtype=bool)
        bad = np.flatnonzero(use & ~well_formed)
        if bad.size:
            i = int(bad[0])
            raise _fail(frame, i, column, "not an ISO 8601 date or time", text.iloc[i], _TIME_ALLOWED)
        date_only = text.str.fullmatch(_DATE_ONLY).fillna(False).to_numpy(dtype=bool) & use
        has_offset = (use & ~date_only
                      & text.str.slice(10).str.contains(_OFFSET_SUFFIX, regex=True).fillna(False).to_numpy(dtype=bool))
        times = np.full(len(text), np.datetime64("NaT"), dtype="datetime64[ns]")
        naive = use & ~has_offset
        if naive.any():
            values = pd.to_datetime(text[naive], format="ISO8601", errors="coerce")
            times[naive] = values.to_numpy(dtype="datetime64[ns]")
        if has_offset.any():
            values = pd.to_datetime(text[has_offset], format="ISO8601", errors="coerce", utc=True)
            local = values.dt.tz_convert(None) + pd.Timedelta(hours=utc_offset_h)
            times[has_offset] = local.to_numpy(dtype="datetime64[ns]")
        bad = np.flatnonzero(use & np.isnat(times))
        if bad.size:
            i = int(bad[0])
            raise _fail(frame, i, column, "not an ISO 8601 date or time", text.iloc[i], _TIME_ALLOWED)
        style.append((column, use & ~date_only, has_offset))
        parsed[column] = (times, date_only)
    reference = next((offset[np.argmax(dt)] for _, dt, offset in style if dt.any()), None)
    mismatch = [(int(np.argmax(dt & (offset != reference))), column) for column, dt, offset in style
                if (dt & (offset != reference)).any()]
    if mismatch:
        i, column = min(mismatch)
        raise _fail(frame, i, column, "UTC offset given on some times but not on others", frame[column].iloc[i],
                    "a UTC offset on every date-time of the file, or on none (local standard time)")
    return parsed


def _date_or_period(frame: pd.DataFrame, utc_offset_h: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Start and end of each row from ``date`` (a whole day) or ``start`` and ``end``.

    Returns start, end (``datetime64[ns]``) and whether both fall on midnight (whole days).
    """
    date = frame["date"].to_numpy(dtype=object)
    given = {c: np.array([str(v).strip() != "" for v in frame[c]], dtype=bool) for c in ("date", "start", "end")}
    both = np.flatnonzero(given["date"] & (given["start"] | given["end"]))
    if both.size:
        i = int(both[0])
        raise _fail(frame, i, "date", "both a date and a start or end are given", date[i],
                    "either a date (a whole day) or start and end")
    for column, other in (("start", "end"), ("end", "start")):
        lone = np.flatnonzero(~given["date"] & ~given[column])
        if lone.size:
            i = int(lone[0])
            problem = "no date and no start" if column == "start" else "a start but no end"
            raise _fail(frame, i, column, problem, "",
                        f"a date, or both start and end (ISO 8601); {other} alone is not a period")
    times = _parse_times(frame, ["date", "start", "end"], utc_offset_h,
                         skip={c: ~given[c] for c in ("date", "start", "end")})
    day, day_is_date = times["date"]
    not_date = np.flatnonzero(given["date"] & ~day_is_date)
    if not_date.size:
        i = int(not_date[0])
        raise _fail(frame, i, "date", "not a date", date[i], "an ISO 8601 date such as 2021-03-01")
    start = np.where(given["date"], day, times["start"][0])
    end = np.where(given["date"], day + _DAY, times["end"][0])
    whole_days = (start == start.astype("datetime64[D]")) & (end == end.astype("datetime64[D]"))
    return start, end, whole_days


def _time_text(t) -> str:
    """A time as ``2021-01-05`` at midnight, else ``2021-01-05 13:00``."""
    t = pd.Timestamp(t)
    if t == t.normalize():
        return t.strftime("%Y-%m-%d")
    return t.strftime("%Y-%m-%d %H:%M") if t.second == 0 else t.isoformat(sep=" ")


def _period_text(start, end) -> str:
    return f"{_time_text(start)} to {_time_text(end)}"


def _duration_text(ns: int) -> str:
    hours = ns / _HOUR_NS
    if hours >= 48 and hours % 24 == 0:
        return f"{hours / 24:g} days"
    return f"{hours:g} h" if hours < 48 else f"{hours / 24:.1f} days"


# --------------------------------------------------------------------------------------
# Day axes
# --------------------------------------------------------------------------------------

def _day(value) -> np.datetime64 | None:
    if value is None:
        return None
    return np.datetime64(pd.Timestamp(value).normalize().to_datetime64(), "ns")


def _date_axis(first, stop) -> pd.DatetimeIndex:
    """Consecutive days from ``first`` up to, not including, ``stop`` (naive, ns)."""
    if first is None or stop is None or np.datetime64(stop, "D") <= np.datetime64(first, "D"):
        return pd.DatetimeIndex(np.array([], dtype="datetime64[ns]"), name="date")
    days = np.arange(np.datetime64(first, "D"), np.datetime64(stop, "D"), _DAY)
    return pd.DatetimeIndex(days.astype("datetime64[ns]"), name="date", freq="D")


def _within_day(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Whether each period lies within one calendar day (it may end at the next midnight)."""
    day = start.astype("datetime64[D]").astype("datetime64[ns]")
    return end <= day + _DAY
