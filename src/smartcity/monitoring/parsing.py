"""Cells of measured-data tables: identifiers, ISO 8601 times and periods, day axes, and
the text that names times in messages.

Times
-----
Times are ISO 8601 dates (``2021-03-01``, midnight at the start of the day) or date-times
(``2021-03-01T13:00`` or ``2021-03-01 13:00``). A period is ``[start, end)``: the end is
the moment the next period starts, so a January bill ends ``2021-02-01``. Times without a
UTC offset are local standard time of the district, as in the package's weather data
(UTC+1 in Denmark, :data:`LOCAL_STANDARD_UTC_OFFSET_H`, no daylight saving); times with an
offset (``2021-07-01T13:00+02:00``, ``Z``) are converted to it. A file must give an offset
on every date-time or on none. Naive times exported in daylight-saving local time show
up as a duplicate hour in October and a gap in March, both reported. All times returned
are naive ``datetime64`` in local standard time.

One exception keeps calendar days whole: a reading (or a weather row) whose times all
carry an offset and all fall on midnight of that offset -- a daily or monthly export in
summer time, ``2021-07-01T00:00+02:00`` to ``2021-07-02T00:00+02:00`` -- is read on the
calendar it was written in (2021-07-01 to 2021-07-02), not as 23:00 to 23:00 standard
time; the days at the changes of daylight saving time, 23 and 25 hours long, count as
whole days.
"""

from __future__ import annotations

import re

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
    empty = np.flatnonzero((frame[column] == "").to_numpy(dtype=bool, na_value=False))
    if empty.size:
        raise _fail(frame, int(empty[0]), column, "empty value", "", f"a non-empty {what}")


def _text_series(column: pd.Series) -> pd.Series:
    """Text cells as a Series with vectorised string methods (Arrow strings when available)."""
    values = column.to_numpy(dtype=object)
    try:
        return pd.Series(values, dtype="string[pyarrow]")
    except ImportError:
        return pd.Series(values, dtype=object)


def _text_codes(frame: pd.DataFrame, column: str, sort: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """``(codes, texts)`` of a text column: each row's code and the distinct texts (object),
    from the reader (:class:`~smartcity.schema.tables.TextCodes`) or made here; with
    ``sort`` the texts are in sorted order."""
    known = frame.attrs.get("text_codes")
    found = known.get(column, len(frame)) if known is not None else None
    if found is None:
        codes, texts = pd.factorize(frame[column], sort=sort)
        return codes, np.asarray(texts, dtype=object)
    codes, texts = found
    if sort:
        order = np.argsort(texts.astype(str), kind="stable")
        rank = np.empty(len(order), dtype=np.int64)
        rank[order] = np.arange(len(order))
        return rank[codes], texts[order]
    return codes, texts


def _as_ids(values) -> np.ndarray:
    """Text cells as an object array; a column of few distinct values is converted once per value."""
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.StringDtype) and not values.hasnans:
        codes, uniques = pd.factorize(values)
        return np.asarray(uniques, dtype=object)[codes]
    return np.asarray(values, dtype=object)


# --------------------------------------------------------------------------------------
# Times and periods
# --------------------------------------------------------------------------------------

_OFFSET = re.compile(r"(Z|([+-])(\d{2}):?(\d{2})?)$")


def _offset_hours(text: str) -> float:
    """UTC offset of an ISO 8601 date-time text that ends in one (``Z``, ``+02``, ``+02:00``). [h]"""
    match = _OFFSET.search(text)
    if match.group(1) == "Z":
        return 0.0
    hours = int(match.group(3)) + int(match.group(4) or 0) / 60.0
    return hours if match.group(2) == "+" else -hours


def _parse_times(frame: pd.DataFrame, columns: list[str], utc_offset_h: float,
                 skip: np.ndarray | None = None, wall_clock: dict | None = None
                 ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """ISO 8601 cells of ``columns`` as naive local standard times.

    Each distinct text is checked and parsed once (a column of a million daily readings
    holds a few thousand dates).

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
    wall_clock : dict, optional
        Filled per column with the times of cells with a UTC offset as written, without
        converting the offset (the clock time of the place that wrote them); NaT for
        cells without an offset and skipped cells.

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
        cells = frame[column]
        use = ~skip.get(column, np.zeros(len(cells), dtype=bool))
        if cells.hasnans:
            codes, uniques = pd.factorize(pd.Series(cells.to_numpy(dtype=object)).fillna("").astype(str))
        else:
            codes, uniques = _text_codes(frame, column)
        text = pd.Series(np.asarray(uniques, dtype=object), dtype=object).astype(str)
        used = np.zeros(len(text), dtype=bool)
        used[codes[use]] = True
        well_formed = text.str.fullmatch(_DATE_PREFIX).to_numpy(dtype=bool)
        bad = np.flatnonzero(use & ~well_formed[codes])
        if bad.size:
            i = int(bad[0])
            raise _fail(frame, i, column, "not an ISO 8601 date or time", cells.iloc[i], _TIME_ALLOWED)
        date_only = text.str.fullmatch(_DATE_ONLY).to_numpy(dtype=bool)
        has_offset = ~date_only & text.str.slice(10).str.contains(_OFFSET_SUFFIX, regex=True).to_numpy(dtype=bool)
        times = np.full(len(text), np.datetime64("NaT"), dtype="datetime64[ns]")
        wall = np.full(len(text), np.datetime64("NaT"), dtype="datetime64[ns]")
        naive = used & ~has_offset
        if naive.any():
            values = pd.to_datetime(text[naive], format="ISO8601", errors="coerce")
            times[naive] = values.to_numpy(dtype="datetime64[ns]")
        offset = used & has_offset
        if offset.any():
            values = pd.to_datetime(text[offset], format="ISO8601", errors="coerce", utc=True)
            utc = values.dt.tz_convert(None)
            local = utc + pd.Timedelta(hours=utc_offset_h)
            times[offset] = local.to_numpy(dtype="datetime64[ns]")
            hours = np.array([_offset_hours(t) for t in text[offset]], dtype=np.float64)
            wall[offset] = (utc.to_numpy(dtype="datetime64[ns]")
                            + np.round(hours * 3600.0).astype("timedelta64[s]").astype("timedelta64[ns]"))
        bad = np.flatnonzero(use & np.isnat(times[codes]))
        if bad.size:
            i = int(bad[0])
            raise _fail(frame, i, column, "not an ISO 8601 date or time", cells.iloc[i], _TIME_ALLOWED)
        row_times = np.where(use, times[codes], np.datetime64("NaT"))
        row_date_only = date_only[codes] & use
        row_offset = has_offset[codes] & use
        if wall_clock is not None:
            wall_clock[column] = np.where(use, wall[codes], np.datetime64("NaT"))
        style.append((column, use & ~row_date_only, row_offset))
        parsed[column] = (row_times, row_date_only)
    reference = next((offset[np.argmax(dt)] for _, dt, offset in style if dt.any()), None)
    if reference is None or (not reference and not any(offset.any() for _, _, offset in style)):
        return parsed  # no date-time, or none with an offset
    mismatch = [(int(np.argmax(dt & (offset != reference))), column) for column, dt, offset in style
                if (dt & (offset != reference)).any()]
    if mismatch:
        i, column = min(mismatch)
        raise _fail(frame, i, column, "UTC offset given on some times but not on others", frame[column].iloc[i],
                    "a UTC offset on every date-time of the file, or on none (local standard time)")
    return parsed


def _local_days(wall: dict, columns=("start", "end")) -> np.ndarray:
    """Rows whose times all carry a UTC offset and fall on midnight of the clock that wrote
    them: whole days of that clock's calendar (``wall`` from :func:`_parse_times`).

    A daily export in Danish summer time runs from 00:00+02:00 to 00:00+02:00, which is
    23:00 to 23:00 in standard time; such rows are read on the writer's calendar, so the
    day stays a day (23 or 25 hours long at the changes of daylight saving time).
    """
    rows = np.ones(len(wall[columns[0]]), dtype=bool)
    for column in columns:
        w = wall[column]
        rows &= ~np.isnat(w) & (w == w.astype("datetime64[D]").astype("datetime64[ns]"))
    return rows


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
    wall: dict = {}
    times = _parse_times(frame, ["date", "start", "end"], utc_offset_h,
                         skip={c: ~given[c] for c in ("date", "start", "end")}, wall_clock=wall)
    day, day_is_date = times["date"]
    not_date = np.flatnonzero(given["date"] & ~day_is_date)
    if not_date.size:
        i = int(not_date[0])
        raise _fail(frame, i, "date", "not a date", date[i], "an ISO 8601 date such as 2021-03-01")
    local = _local_days(wall)  # whole days of a clock with an offset stay whole days
    start = np.where(given["date"], day, np.where(local, wall["start"], times["start"][0]))
    end = np.where(given["date"], day + _DAY, np.where(local, wall["end"], times["end"][0]))
    whole_days = (start == start.astype("datetime64[D]")) & (end == end.astype("datetime64[D]"))
    return start, end, whole_days


def _time_text(t) -> str:
    """A time as ``2021-01-05`` at midnight, else ``2021-01-05 13:00``."""
    seconds = str(np.datetime64(t, "ns").astype("datetime64[s]"))  # 2021-01-05T13:00:00
    if seconds.endswith("T00:00:00") and np.datetime64(t, "ns") == np.datetime64(seconds):
        return seconds[:10]
    if seconds.endswith(":00"):
        return f"{seconds[:10]} {seconds[11:16]}"
    return pd.Timestamp(t).isoformat(sep=" ")


def _times_text(times: np.ndarray) -> list[str]:
    """:func:`_time_text` of many times at once."""
    t = np.asarray(times, dtype="datetime64[ns]")
    seconds = np.datetime_as_string(t.astype("datetime64[s]"))
    whole = t == t.astype("datetime64[s]")
    out = []
    for text, exact, value in zip(seconds.tolist(), whole.tolist(), t):
        if text.endswith("T00:00:00") and exact:
            out.append(text[:10])
        elif text.endswith(":00"):
            out.append(f"{text[:10]} {text[11:16]}")
        else:
            out.append(_time_text(value))
    return out


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
