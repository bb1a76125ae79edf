"""Measured data: meter readings, the meter map, traffic counts, ridership and outdoor
temperature, read with declared schemas and checked for data problems.

Each reader takes a CSV or Parquet file with a schema of ``smartcity/schemas/`` (read by
:func:`smartcity.schema.tables.read_table`), converts units explicitly and returns the usable
rows together with a :class:`DataQualityReport`. Nothing is dropped silently: every row
of the file is either in the result's ``data`` or in its ``excluded`` table, and every
excluded row is named by an issue of the report.

Two kinds of problems are distinguished:

* **Fatal** -- the file cannot be read as intended: a missing or unknown column, a value
  that is not a number, a time that is not ISO 8601, a unit or carrier that is not
  allowed, an unknown link or line, an empty file, or no usable row at all. These raise
  :class:`~smartcity.errors.InputError` naming the file, the line (CSV, header = line 1)
  or row (Parquet), the column, the value and what is allowed.
* **Reported** -- the file reads, but some data are doubtful: gaps, overlaps, duplicates,
  negative readings, periods that end before they start, rows out of order, unit changes,
  spikes. Each becomes an :class:`Issue` with a severity:

  ``error``
      data left out: the rows named (or the whole meter) are in ``excluded``;
  ``warning``
      data kept but doubtful, or missing: check the rows named;
  ``info``
      handled without loss (rows sorted, a unit change converted).

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

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import numpy as np
import pandas as pd

from smartcity.errors import InputError
from smartcity.schema.tables import load_schema, read_table
from smartcity.schema.units import UNITS

__all__ = [
    "LOCAL_STANDARD_UTC_OFFSET_H",
    "ENERGY_UNIT_TO_KWH",
    "SEVERITIES",
    "Issue",
    "DataQualityReport",
    "MeterReadings",
    "read_meter_readings",
    "DailyUse",
    "daily_use",
    "BillingPeriods",
    "billing_periods",
    "MeterMap",
    "read_meter_map",
    "TrafficCounts",
    "read_traffic_counts",
    "Ridership",
    "read_ridership",
    "MeasuredWeather",
    "read_measured_weather",
    "daily_mean_temperature",
]

#: Offset of the district's local standard time from UTC (Denmark: CET, UTC+1; daylight
#: saving is not applied). [h]
LOCAL_STANDARD_UTC_OFFSET_H = 1.0

#: Factor from each unit of the meter readings schema to kWh, taken from
#: :data:`smartcity.schema.units.UNITS` (1 GJ = 1e9 J / 3.6e6 J/kWh = 277.78 kWh). [kWh/unit]
ENERGY_UNIT_TO_KWH: dict[str, float] = {
    unit: UNITS["energy"][unit][0] for unit in load_schema("meter_readings").columns["unit"].allowed
}

#: Severities of an :class:`Issue`, most serious first.
SEVERITIES = ("error", "warning", "info")

_DAY = np.timedelta64(1, "D")
_HOUR_NS = 3_600_000_000_000
_DAY_NS = 24 * _HOUR_NS
_TIME_ALLOWED = ("an ISO 8601 date or date-time, e.g. 2021-01-31, 2021-01-31T13:00 (local standard "
                 "time) or 2021-07-01T13:00+02:00")
_DATE_ONLY = r"\d{4}-\d{2}-\d{2}"
_DATE_PREFIX = r"\d{4}-\d{2}-\d{2}(?:[T ].*)?"
_OFFSET_SUFFIX = r"(?:Z|[+-]\d{2}(?::?\d{2})?)$"


# --------------------------------------------------------------------------------------
# The data quality report
# --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Issue:
    """One problem found in measured data.

    Attributes
    ----------
    severity : str
        ``'error'`` (data left out), ``'warning'`` (kept but doubtful, or missing) or
        ``'info'`` (handled without loss).
    check : str
        Short name of the check, e.g. ``'gap'``, ``'overlap'``, ``'negative'``.
    subject : str
        What the issue concerns: a meter id, a link ``'101->102 car'``, a line, a day;
        empty for the file as a whole.
    rows : tuple of int
        Rows of the file concerned: CSV lines (header = line 1) or Parquet rows (first
        data row = 1).
    problem : str
        What is wrong.
    action : str
        What was done about it, e.g. ``'kept once'``, ``'left out'``, ``'meter excluded'``.
    """

    severity: str
    check: str
    subject: str
    rows: tuple[int, ...]
    problem: str
    action: str

    def format(self, row_label: str = "line") -> str:
        """One line of text: severity, check, subject, rows, problem and action."""
        where = ", ".join(part for part in (self.subject, _rows_text(self.rows, row_label)) if part)
        return f"{self.severity:<7} {self.check:<21} {where}: {self.problem}; {self.action}"


def _rows_text(rows: tuple[int, ...], label: str, limit: int = 6) -> str:
    """``'lines 5, 6, 9'`` or ``'lines 5, 6, ... (120 in all)'``."""
    if not rows:
        return ""
    shown = ", ".join(str(r) for r in rows[:limit])
    more = f", ... ({len(rows)} in all)" if len(rows) > limit else ""
    return f"{label}{'s' if len(rows) > 1 else ''} {shown}{more}"


class DataQualityReport:
    """Every problem found while reading or aggregating measured data.

    Parameters
    ----------
    source : str
        The file the issues refer to.
    row_label : str
        ``'line'`` when rows are CSV lines (header = line 1), ``'row'`` for Parquet rows.
    n_rows : int, optional
        Data rows in the file.

    Examples
    --------
    >>> report = DataQualityReport("meters.csv")
    >>> report.add("warning", "gap", "M1", (3, 4), "no reading for 2 days", "left missing")
    >>> print(report.summary())
    meters.csv: 0 errors, 1 warning, 0 infos
      warning gap                   M1, lines 3, 4: no reading for 2 days; left missing
    """

    def __init__(self, source: str | Path = "", row_label: str = "line", n_rows: int | None = None) -> None:
        self.source = str(source)
        self.row_label = row_label
        self.n_rows = n_rows
        self._issues: list[Issue] = []

    def add(self, severity: str, check: str, subject: str, rows, problem: str, action: str) -> None:
        """Record an issue; ``rows`` are file rows (any iterable of int)."""
        if severity not in SEVERITIES:
            raise ValueError(f"severity = {severity!r}; allowed: {', '.join(SEVERITIES)}")
        rows = tuple(sorted({int(r) for r in rows}))
        self._issues.append(Issue(severity, check, str(subject), rows, problem, action))

    def extend(self, issues) -> None:
        """Add issues already made (e.g. of another report on the same file)."""
        self._issues.extend(issues)

    @property
    def issues(self) -> tuple[Issue, ...]:
        """All issues in the order found."""
        return tuple(self._issues)

    @property
    def errors(self) -> tuple[Issue, ...]:
        """Issues whose data were left out."""
        return tuple(i for i in self._issues if i.severity == "error")

    @property
    def warnings(self) -> tuple[Issue, ...]:
        """Issues whose data were kept but are doubtful, or missing."""
        return tuple(i for i in self._issues if i.severity == "warning")

    @property
    def infos(self) -> tuple[Issue, ...]:
        """Issues handled without loss."""
        return tuple(i for i in self._issues if i.severity == "info")

    def by_check(self, check: str) -> tuple[Issue, ...]:
        """The issues of one check, e.g. ``'gap'``."""
        return tuple(i for i in self._issues if i.check == check)

    def rows_named(self) -> set[int]:
        """Every file row some issue names."""
        return {r for i in self._issues for r in i.rows}

    def __len__(self) -> int:
        return len(self._issues)

    def __iter__(self) -> Iterator[Issue]:
        return iter(self._issues)

    def to_frame(self) -> pd.DataFrame:
        """The issues as a table.

        Returns
        -------
        pandas.DataFrame
            One row per issue, columns ``severity``, ``check``, ``subject``, ``rows``
            (tuple of file rows), ``problem``, ``action``.
        """
        columns = ["severity", "check", "subject", "rows", "problem", "action"]
        return pd.DataFrame([[getattr(i, c) for c in columns] for i in self._issues], columns=columns)

    def summary(self, max_issues: int | None = 20) -> str:
        """Counts by severity and the issues, most serious first, one line each.

        Parameters
        ----------
        max_issues : int or None
            Issues listed at most; None lists all.
        """
        counts = {s: sum(i.severity == s for i in self._issues) for s in SEVERITIES}
        head = ", ".join(f"{n} {s}{'' if n == 1 else 's'}" for s, n in counts.items())
        rows = f"{self.n_rows} rows read; " if self.n_rows is not None else ""
        lines = [f"{self.source or 'data'}: {rows}{head}"]
        ordered = sorted(self._issues, key=lambda i: SEVERITIES.index(i.severity))
        shown = ordered if max_issues is None else ordered[:max_issues]
        lines += ["  " + i.format(self.row_label) for i in shown]
        if len(shown) < len(ordered):
            lines.append(f"  ... {len(ordered) - len(shown)} more issues (see report.to_frame())")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary(max_issues=50)

    def __repr__(self) -> str:
        counts = ", ".join(f"{s}s={sum(i.severity == s for i in self._issues)}" for s in SEVERITIES)
        return f"DataQualityReport(source={self.source!r}, {counts})"


# --------------------------------------------------------------------------------------
# Shared helpers: reading, times, row bookkeeping
# --------------------------------------------------------------------------------------

def _read(path: str | Path, schema: str) -> tuple[pd.DataFrame, np.ndarray, DataQualityReport]:
    """The checked table, each row's file row (CSV line or Parquet row) and an empty report."""
    path = Path(path)
    frame = read_table(path, schema)
    lines = frame.attrs.get("source_lines")
    if lines is not None:
        rows, label = np.asarray(lines, dtype=np.int64), "line"
        # An array, not a list: pandas deep-copies attrs on every column access.
        frame.attrs["source_lines"] = rows
    else:
        rows, label = np.arange(1, len(frame) + 1, dtype=np.int64), "row"
    return frame, rows, DataQualityReport(path, label, n_rows=len(frame))


def _fail(frame: pd.DataFrame, i: int, column: str, problem: str, value, allowed: str | None = None) -> InputError:
    """An InputError at row ``i`` (0-based) of a table read by :func:`_read`."""
    lines = frame.attrs.get("source_lines")
    where = {"row": int(lines[i]), "line": True} if lines is not None else {"row": i + 1}
    return InputError(problem, file=frame.attrs.get("source_file"), column=column, value=value,
                      allowed=allowed, **where)


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


class _Exclusions:
    """Which rows are left out and why (first reason wins)."""

    def __init__(self, n: int) -> None:
        self.reason = np.full(n, "", dtype=object)

    @property
    def kept(self) -> np.ndarray:
        return self.reason == ""

    def exclude(self, index, reason: str) -> None:
        index = np.asarray(index, dtype=np.int64)
        index = index[self.reason[index] == ""]
        self.reason[index] = reason


def _check_periods(start: np.ndarray, end: np.ndarray, subjects: np.ndarray, rows: np.ndarray,
                   out: _Exclusions, report: DataQualityReport) -> None:
    """Leave out rows whose end is not after their start; one error per subject."""
    bad = np.flatnonzero(~(end > start))
    for subject in pd.unique(subjects[bad]):
        index = bad[subjects[bad] == subject]
        i = int(index[0])
        kind = "ends at its start" if end[i] == start[i] else "ends before it starts"
        report.add("error", "end_not_after_start", subject, rows[index],
                   f"{len(index)} period(s) with end <= start (first: {_period_text(start[i], end[i])}, {kind})",
                   "left out")
        out.exclude(index, "end not after start")


def _check_negative(amount: np.ndarray, unit_text, subjects: np.ndarray, rows: np.ndarray, start, end,
                    out: _Exclusions, report: DataQualityReport, what: str) -> None:
    """Leave out rows with a negative amount; one error per subject."""
    bad = np.flatnonzero(amount < 0)
    for subject in pd.unique(subjects[bad]):
        index = bad[subjects[bad] == subject]
        i = int(index[np.argmin(amount[index])])
        report.add("error", "negative", subject, rows[index],
                   f"{len(index)} negative {what}(s) (lowest {amount[i]:g} {unit_text(i)} for "
                   f"{_period_text(start[i], end[i])})",
                   "left out (the period counts as missing)")
        out.exclude(index, f"negative {what}")


def _resolve_duplicates(keys: pd.DataFrame, amount: np.ndarray, subjects: np.ndarray, rows: np.ndarray,
                        describe, out: _Exclusions, report: DataQualityReport, unit: str) -> None:
    """Rows of the same subject and period among the kept rows.

    Identical amounts (relative difference <= 1e-9): the first row is kept, the others
    left out (warning). Different amounts: all of them are left out (error), since which
    one is right cannot be told. ``describe(i)`` names the period of row ``i``.
    """
    kept = np.flatnonzero(out.kept)
    if kept.size == 0:
        return
    sub = keys.iloc[kept].reset_index(drop=True)
    dup = sub.duplicated(keep=False).to_numpy()
    if not dup.any():
        return
    index = kept[dup]
    group_ids = sub[dup].groupby(list(sub.columns), sort=False, dropna=False).ngroup().to_numpy()
    for g in np.unique(group_ids):
        members = index[group_ids == g]  # in file order
        values = amount[members]
        i = int(members[0])
        period = describe(i)
        if np.allclose(values, values[0], rtol=1e-9, atol=0.0):
            report.add("warning", "duplicate_identical", subjects[i], rows[members],
                       f"{len(members)} rows for {period} with the same value "
                       f"{values[0]:g} {unit}", f"kept once ({report.row_label} {rows[i]})")
            out.exclude(members[1:], "identical duplicate")
        else:
            listed = ", ".join(f"{v:g}" for v in values)
            report.add("error", "duplicate_conflicting", subjects[i], rows[members],
                       f"{len(members)} rows for {period} with different values "
                       f"({listed} {unit})", "all left out (the period counts as missing)")
            out.exclude(members, "conflicting duplicate")


def _sorted_groups(subjects: np.ndarray, start: np.ndarray, end: np.ndarray, index: np.ndarray) -> np.ndarray:
    """``index`` ordered by subject, start, end and file order."""
    codes = pd.factorize(subjects[index], sort=True)[0]
    order = np.lexsort((index, end[index], start[index], codes))
    return index[order]


def _overlaps(subjects: np.ndarray, start: np.ndarray, end: np.ndarray, index: np.ndarray):
    """Overlapping and gap pairs among rows ``index`` of each subject.

    Returns
    -------
    order : numpy.ndarray
        ``index`` sorted by subject, start, end.
    overlaps, gaps : list of (earlier row index, later row index)
        Pairs in ``order`` where the later period starts before (overlap) or after (gap)
        the latest end of the subject's earlier periods.
    """
    order = _sorted_groups(subjects, start, end, index)
    if order.size < 2:
        return order, [], []
    s = start[order].astype(np.int64)
    e = end[order].astype(np.int64)
    subj = subjects[order]
    new_group = np.r_[True, subj[1:] != subj[:-1]]
    group_id = np.cumsum(new_group)
    running = pd.Series(e).groupby(group_id).cummax().to_numpy()
    previous_end = np.r_[np.iinfo(np.int64).min, running[:-1]]
    same = ~new_group
    overlaps, gaps = [], []
    for k in np.flatnonzero(same & (s < previous_end)):
        j = k - 1
        while e[j] <= s[k]:  # the earlier period that reaches past this start
            j -= 1
        overlaps.append((int(order[j]), int(order[k])))
    for k in np.flatnonzero(same & (s > previous_end)):
        j = k - 1
        while e[j] != previous_end[k]:
            j -= 1
        gaps.append((int(order[j]), int(order[k])))
    return order, overlaps, gaps


def _as_ids(values) -> np.ndarray:
    return np.asarray(values, dtype=object)


# --------------------------------------------------------------------------------------
# Meter readings
# --------------------------------------------------------------------------------------

_READING_COLUMNS = ["meter_id", "carrier", "start", "end", "hours", "energy_kWh", "value", "unit", "row", "suspect"]


@dataclass(frozen=True)
class MeterReadings:
    """Meter readings as read by :func:`read_meter_readings`.

    Attributes
    ----------
    data : pandas.DataFrame
        The usable readings, sorted by ``meter_id`` and ``start``. Columns:
        ``meter_id`` (str), ``carrier`` (str), ``start``, ``end`` (naive datetime64,
        local standard time; period ``[start, end)``), ``hours`` (length of the period
        [h]), ``energy_kWh`` (energy in the period [kWh]), ``value`` and ``unit`` (as in
        the file), ``row`` (CSV line or Parquet row), ``suspect`` (bool: a warning names
        the row as a possible unit error; kept).
    excluded : pandas.DataFrame
        The rows left out, same columns plus ``reason`` (str).
    report : DataQualityReport
        Every issue found.
    """

    data: pd.DataFrame
    excluded: pd.DataFrame
    report: DataQualityReport

    @property
    def meter_ids(self) -> tuple[str, ...]:
        """Meters with usable readings, sorted."""
        return tuple(pd.unique(self.data["meter_id"]))

    def meters(self) -> pd.DataFrame:
        """One row per usable meter.

        Returns
        -------
        pandas.DataFrame
            Index ``meter_id``; columns ``carrier``, ``first`` (earliest start),
            ``last`` (latest end), ``readings`` (count), ``median_hours`` (typical
            reading length [h]), ``coverage`` (share of ``[first, last)`` covered by
            readings [-]), ``energy_kWh`` (total [kWh]).
        """
        grouped = self.data.groupby("meter_id", sort=True)
        span_h = (grouped["end"].max() - grouped["start"].min()) / pd.Timedelta(hours=1)
        return pd.DataFrame({
            "carrier": grouped["carrier"].first(),
            "first": grouped["start"].min(),
            "last": grouped["end"].max(),
            "readings": grouped.size(),
            "median_hours": grouped["hours"].median(),
            "coverage": grouped["hours"].sum() / span_h,
            "energy_kWh": grouped["energy_kWh"].sum(),
        })


def read_meter_readings(path: str | Path, *, utc_offset_h: float = LOCAL_STANDARD_UTC_OFFSET_H,
                        spike_factor: float = 100.0) -> MeterReadings:
    """Read measured meter readings and check them.

    The file follows the ``meter_readings`` schema: ``meter_id``, ``carrier``, ``start``,
    ``end`` (period ``[start, end)``, ISO 8601, see the module notes on times), ``value``
    and ``unit`` (kWh, Wh, MWh, GWh, MJ or GJ; converted to kWh by
    :data:`ENERGY_UNIT_TO_KWH`). Readings may be hourly, daily or billing periods of any
    length, mixed, in any order.

    Checks and what is done (see :class:`Issue` for the severities):

    ==========================  ========  ==============================================
    check                       severity  action
    ==========================  ========  ==============================================
    ``end_not_after_start``     error     row left out
    ``negative``                error     row left out (period counts as missing)
    ``mixed_carriers``          error     meter excluded (a meter measures one carrier)
    ``duplicate_identical``     warning   same meter and period, same energy: kept once
    ``duplicate_conflicting``   error     same meter and period, different energy: all
                                          those rows left out
    ``overlap``                 error     periods of a meter overlap: meter excluded,
                                          since the energy would be counted twice
    ``gap``                     warning   no reading between two periods: left missing
    ``unsorted``                info      rows of a meter out of time order: sorted
    ``unit_change``             info      a meter changes unit: converted to kWh
    ``unit_mix_up``             warning   at a unit change the energy per hour jumps by
                                          about the conversion factor (the values may
                                          still be in the old unit): kept, ``suspect``
    ``spike``                   warning   energy per hour above ``spike_factor`` x the
                                          meter's median: kept, ``suspect``
    ==========================  ========  ==============================================

    Parameters
    ----------
    path : str or Path
        CSV or Parquet file.
    utc_offset_h : float
        Offset of the district's local standard time from UTC, applied to times given
        with an offset. [h]
    spike_factor : float
        A reading whose energy per hour exceeds this multiple of the meter's median
        energy per hour is reported as a possible unit error (meters with at least
        three readings and a positive median). [-]

    Returns
    -------
    MeterReadings
        ``data`` (usable readings), ``excluded`` (rows left out, with ``reason``) and
        ``report``.

    Raises
    ------
    InputError
        The file cannot be read, a column is missing or unknown, a value is not a finite
        number, a unit or carrier is not allowed, a meter id is empty, a time is not ISO
        8601 or the UTC offsets are inconsistent (naming the file, line, column and
        value), or no reading is usable.

    Examples
    --------
    A meter read at the start of each month (the file's text)::

        meter_id,carrier,start,end,value,unit
        DH-17,district_heat,2021-01-01,2021-02-01,14.2,MWh
        DH-17,district_heat,2021-02-01,2021-03-01,12.9,MWh
    """
    if not spike_factor > 1.0:
        raise ValueError(f"spike_factor = {spike_factor!r}; allowed: a number > 1 [-]")
    frame, rows, report = _read(path, "meter_readings")
    _require_text(frame, "meter_id", "meter identifier")
    times = _parse_times(frame, ["start", "end"], utc_offset_h)
    start, start_is_date = times["start"]
    end, end_is_date = times["end"]
    meter = _as_ids(frame["meter_id"])
    carrier = _as_ids(frame["carrier"])
    unit = _as_ids(frame["unit"])
    value = frame["value"].to_numpy(dtype=np.float64)
    energy = value * np.array([ENERGY_UNIT_TO_KWH[u] for u in unit], dtype=np.float64)
    hours = (end - start).astype(np.int64) / _HOUR_NS
    n = len(frame)
    out = _Exclusions(n)
    suspect = np.zeros(n, dtype=bool)

    _check_periods(start, end, meter, rows, out, report)
    _check_negative(value, lambda i: unit[i], meter, rows, start, end, out, report, "reading")

    # A meter measures one carrier; with several, which rows belong to it cannot be told.
    carriers_per_meter = pd.Series(carrier).groupby(meter).nunique()
    for m in carriers_per_meter.index[carriers_per_meter.to_numpy() > 1]:
        index = np.flatnonzero(meter == m)
        parts = []
        for c in pd.unique(carrier[index]):
            these = rows[index[carrier[index] == c]]
            parts.append(f"{c} ({_rows_text(tuple(these), report.row_label, limit=3)})")
        report.add("error", "mixed_carriers", m, rows[index], "the meter's rows name several carriers: "
                   + "; ".join(parts), "meter excluded (fix the carrier or the meter id)")
        out.exclude(index, "meter with mixed carriers")

    keys = pd.DataFrame({"meter_id": meter, "start": start, "end": end})
    _resolve_duplicates(keys, energy, meter, rows, lambda i: "the period " + _period_text(start[i], end[i]),
                        out, report, "kWh")

    # Rows of a meter out of time order in the file: harmless, they are sorted.
    kept = np.flatnonzero(out.kept)
    backwards = pd.Series(start[kept]).groupby(meter[kept]).diff().to_numpy() < np.timedelta64(0, "ns")
    for m in pd.unique(meter[kept][backwards]):
        first = int(kept[backwards & (meter[kept] == m)][0])
        report.add("info", "unsorted", m, [rows[first]],
                   f"rows not in time order (the reading from {_time_text(start[first])} comes after a later one)",
                   "sorted by start")

    _, overlaps, gaps = _overlaps(meter, start, end, kept)
    excluded_meters = []
    for i, k in overlaps:
        report.add("error", "overlap", meter[k], [rows[i], rows[k]],
                   f"period {_period_text(start[k], end[k])} overlaps {_period_text(start[i], end[i])}",
                   "meter excluded (energy would be counted twice)")
        if meter[k] not in excluded_meters:
            excluded_meters.append(meter[k])
    for m in excluded_meters:
        index = kept[meter[kept] == m]
        report.add("error", "meter_excluded", m, rows[index],
                   f"all {len(index)} remaining readings of a meter with overlapping periods",
                   "left out (fix the overlapping periods)")
        out.exclude(index, "meter with overlapping periods")
    for i, k in gaps:
        if meter[k] in excluded_meters:
            continue
        missing = int((start[k] - end[i]).astype(np.int64))
        hint = ""
        if missing == _DAY_NS and end_is_date[i] and start_is_date[k]:
            hint = " (if end dates in the file are inclusive, add one day: end is the start of the next period)"
        report.add("warning", "gap", meter[k], [rows[i], rows[k]],
                   f"no reading from {_period_text(end[i], start[k])} ({_duration_text(missing)}){hint}",
                   "left missing")

    kept = np.flatnonzero(out.kept)
    order = _sorted_groups(meter, start, end, kept)
    rate = np.divide(energy, hours, out=np.full(n, np.nan), where=hours > 0)  # [kWh/h]
    _check_units(order, meter, unit, rate, rows, start, suspect, report)
    _check_spikes(order, meter, unit, value, rate, rows, start, end, spike_factor, suspect, report)

    columns = {"meter_id": meter, "carrier": carrier, "start": start, "end": end, "hours": hours,
               "energy_kWh": energy, "value": value, "unit": unit, "row": rows, "suspect": suspect}
    table = pd.DataFrame(columns, columns=_READING_COLUMNS)
    data = table.iloc[order].reset_index(drop=True)
    excluded = table[~out.kept].assign(reason=out.reason[~out.kept]).reset_index(drop=True)
    if data.empty:
        raise InputError(f"no usable meter reading: all {n} rows were left out ({_first_error(report)})",
                         file=report.source,
                         allowed="readings with end after start, non-negative values and no overlapping periods")
    return MeterReadings(data=data, excluded=excluded, report=report)


def _first_error(report: DataQualityReport) -> str:
    """``'2 errors; first: negative (M1, line 3): ...'`` for messages."""
    errors = report.errors
    if not errors:
        return "no errors"
    first = errors[0]
    where = ", ".join(p for p in (first.subject, _rows_text(first.rows, report.row_label, limit=3)) if p)
    return (f"{len(errors)} error{'s' if len(errors) > 1 else ''}; first: {first.check} ({where}): "
            f"{first.problem}")


def _check_units(order, meter, unit, rate, rows, start, suspect, report) -> None:
    """Report unit changes of a meter; a jump by about the conversion factor is a mix-up.

    At a change from unit a to unit b the energy per hour of the reading after the change
    over the one before is r. If the values were still in unit a, r would be about
    F = factor(b) / factor(a); the change is called a possible mix-up when r is nearer
    to F than to 1 on a log scale.
    """
    if order.size < 2:
        return
    m, u = meter[order], unit[order]
    change = np.flatnonzero((m[1:] == m[:-1]) & (u[1:] != u[:-1])) + 1
    for k in change:
        i, j = int(order[k - 1]), int(order[k])
        factor = ENERGY_UNIT_TO_KWH[unit[j]] / ENERGY_UNIT_TO_KWH[unit[i]]
        ratio = rate[j] / rate[i] if rate[i] > 0 and rate[j] > 0 else math.nan
        if math.isfinite(ratio) and abs(math.log(ratio / factor)) < abs(math.log(ratio)):
            report.add("warning", "unit_mix_up", meter[j], [rows[i], rows[j]],
                       f"unit changes from {unit[i]} to {unit[j]} at {_time_text(start[j])} and the energy per "
                       f"hour jumps x{ratio:.3g}, close to the conversion factor x{factor:.4g}: the values "
                       f"may still be in {unit[i]}", "converted as labelled; kept and marked suspect")
            suspect[j] = True
        else:
            report.add("info", "unit_change", meter[j], [rows[i], rows[j]],
                       f"unit changes from {unit[i]} to {unit[j]} at {_time_text(start[j])}",
                       "both converted to kWh")


def _check_spikes(order, meter, unit, value, rate, rows, start, end, spike_factor, suspect, report) -> None:
    """Report readings whose energy per hour is far above the meter's median."""
    if order.size == 0:
        return
    m = meter[order]
    r = pd.Series(rate[order])
    median = r.groupby(m).transform("median").to_numpy()
    count = r.groupby(m).transform("size").to_numpy()
    with np.errstate(invalid="ignore"):
        spike = (count >= 3) & (median > 0) & (r.to_numpy() > spike_factor * median)
    for k in np.flatnonzero(spike):
        i = int(order[k])
        report.add("warning", "spike", meter[i], [rows[i]],
                   f"reading of {value[i]:g} {unit[i]} for {_period_text(start[i], end[i])} is "
                   f"{rate[i] / median[k]:.3g} x the meter's median energy per hour: possibly a wrong unit",
                   "kept and marked suspect")
        suspect[i] = True


# --------------------------------------------------------------------------------------
# Aggregation for baselines
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
        As returned by :func:`read_meter_readings`.
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
    meter = _as_ids(data["meter_id"])
    rows = data["row"].to_numpy()
    fine = _within_day(s, e)

    for m in pd.unique(meter[~fine]):
        index = np.flatnonzero(~fine & (meter == m))
        report.add("info", "not_daily", m, rows[index],
                   f"{len(index)} reading(s) cross midnight (first: {_period_text(s[index[0]], e[index[0]])}) "
                   "and cannot be split into days", "their days are NaN here; see billing_periods")

    first_day = _day(start) if start is not None else (s[fine].min().astype("datetime64[D]") if fine.any() else None)
    end_day = _day(end) if end is not None else (
        (e[fine] - np.timedelta64(1, "ns")).max().astype("datetime64[D]") + 1 if fine.any() else None)
    meter_ids = tuple(sorted(pd.unique(meter[fine])))
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
        meter_index = pd.Index(meter_ids).get_indexer(meter)
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
        As returned by :func:`read_meter_readings`.
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


# --------------------------------------------------------------------------------------
# Meter map
# --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class MeterMap:
    """The meter map as read by :func:`read_meter_map`.

    Attributes
    ----------
    data : pandas.DataFrame
        Columns ``meter_id``, ``building_id``, ``group``, ``measure_group`` (str, empty
        if not given), ``share`` (fraction of the meter's energy attributed [-]),
        ``row`` (file row).
    report : DataQualityReport
        Unmapped meters, mapped meters without readings, shares below 1.
    """

    data: pd.DataFrame
    report: DataQualityReport


def read_meter_map(path: str | Path, readings: MeterReadings | pd.DataFrame | None = None,
                   buildings: pd.DataFrame | str | Path | None = None) -> MeterMap:
    """Read the meter map and check it against the readings and the buildings.

    Parameters
    ----------
    path : str or Path
        CSV or Parquet file with the ``meter_map`` schema.
    readings : MeterReadings or pandas.DataFrame, optional
        Readings (or any table with a ``meter_id`` column). A meter with readings but no
        map row is reported (``unmapped``, warning: its energy is attributed to nothing);
        a mapped meter without readings is reported (``no_readings``, info).
    buildings : pandas.DataFrame, str or Path, optional
        The buildings table (or its file, read with the ``buildings`` schema); every
        non-empty ``building_id`` of the map must be in it.

    Returns
    -------
    MeterMap

    Raises
    ------
    InputError
        Naming the row: an empty meter id, a row with neither building_id nor group, the
        same meter and building/group twice, shares of one meter adding up to more than
        1, or a building_id not in the buildings table.
    """
    frame, rows, report = _read(path, "meter_map")
    _require_text(frame, "meter_id", "meter identifier")
    meter = _as_ids(frame["meter_id"])
    building = _as_ids(frame["building_id"])
    group = _as_ids(frame["group"])
    neither = np.flatnonzero((building == "") & (group == ""))
    if neither.size:
        raise _fail(frame, int(neither[0]), "building_id", "the row names neither a building nor a group", "",
                    "a building_id of the buildings table, a group name, or both")
    twice = frame.duplicated(["meter_id", "building_id", "group"]).to_numpy()
    if twice.any():
        i = int(np.argmax(twice))
        raise _fail(frame, i, "meter_id", "the same meter and building/group appear twice", meter[i],
                    "one row per meter and building or group")
    share = frame["share"].to_numpy(dtype=np.float64)
    totals = pd.Series(share).groupby(meter, sort=False).sum()
    for m, total in totals.items():
        index = np.flatnonzero(meter == m)
        if total > 1.0 + 1e-9:
            raise _fail(frame, int(index[-1]), "share", f"the shares of meter {m!r} add up to {total:g}", total,
                        "shares of one meter adding up to at most 1")
        if total < 1.0 - 1e-9:
            report.add("info", "share_below_one", m, rows[index],
                       f"shares add up to {total:g}", f"{1 - total:g} of the meter's energy is attributed to nothing")

    if buildings is not None:
        if not isinstance(buildings, pd.DataFrame):
            buildings = read_table(buildings, "buildings")
        known = set(buildings["building_id"].astype(str))
        unknown = np.flatnonzero((building != "") & ~np.isin(building, list(known)))
        if unknown.size:
            i = int(unknown[0])
            raise _fail(frame, i, "building_id", "unknown building", building[i],
                        "a building_id of the buildings table")

    if readings is not None:
        table = readings.data if isinstance(readings, MeterReadings) else readings
        with_readings = set(table["meter_id"].astype(str))
        for m in sorted(with_readings - set(meter)):
            report.add("warning", "unmapped", m, (), "meter has readings but no row in the meter map",
                       "its energy is attributed to no building or group")
        for m in pd.unique(meter[~np.isin(meter, list(with_readings))]):
            report.add("info", "no_readings", m, rows[meter == m], "mapped meter has no usable readings",
                       "nothing to attribute")

    data = pd.DataFrame({"meter_id": meter, "building_id": building, "group": group,
                         "measure_group": _as_ids(frame["measure_group"]), "share": share, "row": rows})
    return MeterMap(data=data, report=report)


# --------------------------------------------------------------------------------------
# Traffic counts and ridership
# --------------------------------------------------------------------------------------

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


def _links_table(links) -> pd.DataFrame:
    if hasattr(links, "links") and not isinstance(links, pd.DataFrame):
        links = links.links
    if not isinstance(links, pd.DataFrame):
        links = read_table(links, "links")
    return links


def _report_overlaps(subjects, start, end, rows, kept, report, what) -> None:
    """Overlapping periods of the same subject: reported, both kept."""
    _, overlaps, _ = _overlaps(subjects, start, end, kept)
    for i, k in overlaps:
        report.add("warning", "overlap", subjects[k], [rows[i], rows[k]],
                   f"period {_period_text(start[k], end[k])} overlaps {_period_text(start[i], end[i])}",
                   f"both kept (each is a {what} of its own period; do not add them up)")


@dataclass(frozen=True)
class TrafficCounts:
    """Traffic counts as read by :func:`read_traffic_counts`.

    Attributes
    ----------
    data : pandas.DataFrame
        Usable counts sorted by link, vehicle class and start. Columns ``from_node``,
        ``to_node`` (int: the directed link), ``vehicle_class`` (str), ``start``,
        ``end`` (naive datetime64, local standard time), ``hours`` (length [h]),
        ``vehicles`` (counted [veh]), ``flow_veh_h`` (mean flow over the period
        [veh/h]), ``row`` (file row).
    excluded : pandas.DataFrame
        Rows left out, same columns plus ``reason``.
    report : DataQualityReport
        Every issue found.
    """

    data: pd.DataFrame
    excluded: pd.DataFrame
    report: DataQualityReport


def read_traffic_counts(path: str | Path, links=None, *,
                        utc_offset_h: float = LOCAL_STANDARD_UTC_OFFSET_H) -> TrafficCounts:
    """Read measured traffic counts per directed link and period.

    Each row gives ``from_node`` and ``to_node`` (a directed link of the links table),
    ``vehicle_class`` (all, car, bus or truck), either ``date`` (a whole-day count) or
    ``start`` and ``end`` (period ``[start, end)``), and ``vehicles`` counted [veh]. The
    mean flow over the period is ``vehicles / hours`` [veh/h].

    Reported: ``end_not_after_start`` and ``negative`` (error, row left out),
    ``duplicate_identical`` (warning, kept once), ``duplicate_conflicting`` (error, all
    left out), ``overlap`` (warning, same link and class: both kept, e.g. a daily total
    beside hourly counts).

    Parameters
    ----------
    path : str or Path
        CSV or Parquet file with the ``traffic_counts`` schema.
    links : pandas.DataFrame, str, Path or ZoneSystem, optional
        The links table (or its file, or a zone system holding it); every counted link
        must be in it.
    utc_offset_h : float
        Offset of local standard time from UTC, for times given with an offset. [h]

    Returns
    -------
    TrafficCounts

    Raises
    ------
    InputError
        Naming file, row, column and value: unreadable file or value, a row with both or
        neither of date and start/end, a time that is not ISO 8601, a link not in the
        links table, or no usable count.
    """
    frame, rows, report = _read(path, "traffic_counts")
    start, end, _ = _date_or_period(frame, utc_offset_h)
    from_node = frame["from_node"].to_numpy(dtype=np.int64)
    to_node = frame["to_node"].to_numpy(dtype=np.int64)
    vehicle_class = _as_ids(frame["vehicle_class"])
    if links is not None:
        table = _links_table(links)
        known = set(zip(table["from_node"].astype(np.int64), table["to_node"].astype(np.int64)))
        for i, pair in enumerate(zip(from_node, to_node)):
            if (int(pair[0]), int(pair[1])) not in known:
                raise _fail(frame, i, "to_node", "unknown link: no such (from_node, to_node) in the links table",
                            f"{pair[0]} -> {pair[1]}",
                            "a directed link (from_node -> to_node) of the links table")
    subjects = np.array([f"{a}->{b} {c}" for a, b, c in zip(from_node, to_node, vehicle_class)], dtype=object)
    vehicles = frame["vehicles"].to_numpy(dtype=np.float64)
    hours = (end - start).astype(np.int64) / _HOUR_NS
    out = _Exclusions(len(frame))
    _check_periods(start, end, subjects, rows, out, report)
    _check_negative(vehicles, lambda i: "veh", subjects, rows, start, end, out, report, "count")
    keys = pd.DataFrame({"subject": subjects, "start": start, "end": end})
    _resolve_duplicates(keys, vehicles, subjects, rows, lambda i: "the period " + _period_text(start[i], end[i]),
                        out, report, "veh")
    kept = np.flatnonzero(out.kept)
    _report_overlaps(subjects, start, end, rows, kept, report, "count")
    order = _sorted_groups(subjects, start, end, kept)
    flow = np.divide(vehicles, hours, out=np.full(len(frame), np.nan), where=hours > 0)
    table = pd.DataFrame({"from_node": from_node, "to_node": to_node, "vehicle_class": vehicle_class,
                          "start": start, "end": end, "hours": hours, "vehicles": vehicles,
                          "flow_veh_h": flow, "row": rows})
    data = table.iloc[order].sort_values(["from_node", "to_node", "vehicle_class", "start", "end", "row"])
    data = data.reset_index(drop=True)
    if data.empty:
        raise InputError(f"no usable traffic count: all {len(frame)} rows were left out ({_first_error(report)})",
                         file=report.source,
                         allowed="counts with end after start and non-negative vehicles")
    excluded = table[~out.kept].assign(reason=out.reason[~out.kept]).reset_index(drop=True)
    return TrafficCounts(data=data, excluded=excluded, report=report)


@dataclass(frozen=True)
class Ridership:
    """Ridership as read by :func:`read_ridership`.

    Attributes
    ----------
    data : pandas.DataFrame
        Usable counts sorted by line, day type and start. Columns ``line`` (str),
        ``day_type`` (str), ``start``, ``end`` (naive datetime64, local standard time),
        ``days`` (days of the day type in the period [d]), ``boardings`` (counted
        [pax]), ``boardings_per_day`` (mean over those days [pax/d]), ``row``.
    excluded : pandas.DataFrame
        Rows left out, same columns plus ``reason``.
    report : DataQualityReport
        Every issue found.
    """

    data: pd.DataFrame
    excluded: pd.DataFrame
    report: DataQualityReport


_WEEKMASK = {"weekday": "1111100", "saturday": "0000010", "sunday": "0000001"}


def read_ridership(path: str | Path, lines=None, *,
                   utc_offset_h: float = LOCAL_STANDARD_UTC_OFFSET_H) -> Ridership:
    """Read measured boardings per public transport line and period.

    Each row gives ``line`` (of the lines table), ``day_type``, either ``date`` or
    ``start`` and ``end`` (period ``[start, end)``), and ``boardings`` [pax]. With
    ``day_type`` 'all' the boardings per day are ``boardings / (hours / 24)``; with
    'weekday' (Monday-Friday), 'saturday' or 'sunday' they are divided by the number of
    such days in the period, which must then be whole days. Public holidays are not
    recognised.

    Reported: ``end_not_after_start``, ``negative`` and ``no_such_day`` (no day of the
    day type in the period) as errors (row left out), ``duplicate_identical`` (warning,
    kept once), ``duplicate_conflicting`` (error, all left out), ``overlap`` (warning,
    same line and day type: both kept).

    Parameters
    ----------
    path : str or Path
        CSV or Parquet file with the ``ridership`` schema.
    lines : pandas.DataFrame, str, Path or ZoneSystem, optional
        The lines table (or its file, or a zone system holding it); every line must be
        in it.
    utc_offset_h : float
        Offset of local standard time from UTC, for times given with an offset. [h]

    Returns
    -------
    Ridership

    Raises
    ------
    InputError
        Naming file, row, column and value: unreadable file or value, an empty line, a
        row with both or neither of date and start/end, a time that is not ISO 8601, a
        day type other than 'all' on a period that is not whole days, a line not in the
        lines table, or no usable count.
    """
    frame, rows, report = _read(path, "ridership")
    _require_text(frame, "line", "line identifier")
    start, end, whole_days = _date_or_period(frame, utc_offset_h)
    line = _as_ids(frame["line"])
    day_type = _as_ids(frame["day_type"])
    if lines is not None:
        if hasattr(lines, "lines") and not isinstance(lines, pd.DataFrame):
            lines = lines.lines
        if not isinstance(lines, pd.DataFrame):
            lines = read_table(lines, "lines")
        known = set(lines["line"].astype(str))
        unknown = np.flatnonzero(~np.isin(line, list(known)))
        if unknown.size:
            i = int(unknown[0])
            raise _fail(frame, i, "line", "unknown line", line[i], "a line of the lines table: "
                        + ", ".join(sorted(known)))
    partial = np.flatnonzero((day_type != "all") & ~whole_days)
    if partial.size:
        i = int(partial[0])
        raise _fail(frame, i, "start", f"day_type {day_type[i]!r} needs whole days", frame["start"].iloc[i],
                    "ISO 8601 dates for start and end (or a date), or day_type 'all'")
    boardings = frame["boardings"].to_numpy(dtype=np.float64)
    days = (end - start).astype(np.int64) / _DAY_NS
    for kind, mask in _WEEKMASK.items():
        these = (day_type == kind) & (end > start)
        if these.any():
            days[these] = np.busday_count(start[these].astype("datetime64[D]"), end[these].astype("datetime64[D]"),
                                          weekmask=mask)
    subjects = np.array([f"{a} {b}" if b != "all" else a for a, b in zip(line, day_type)], dtype=object)
    out = _Exclusions(len(frame))
    _check_periods(start, end, subjects, rows, out, report)
    _check_negative(boardings, lambda i: "pax", subjects, rows, start, end, out, report, "count")
    none = np.flatnonzero(out.kept & (days <= 0))
    for subject in pd.unique(subjects[none]):
        index = none[subjects[none] == subject]
        i = int(index[0])
        report.add("error", "no_such_day", subject, rows[index],
                   f"{len(index)} period(s) without a day of type {day_type[i]!r} (first: "
                   f"{_period_text(start[i], end[i])})", "left out")
        out.exclude(index, "no day of the day type")
    keys = pd.DataFrame({"subject": subjects, "start": start, "end": end})
    _resolve_duplicates(keys, boardings, subjects, rows, lambda i: "the period " + _period_text(start[i], end[i]),
                        out, report, "pax")
    kept = np.flatnonzero(out.kept)
    _report_overlaps(subjects, start, end, rows, kept, report, "count")
    order = _sorted_groups(subjects, start, end, kept)
    per_day = np.divide(boardings, days, out=np.full(len(frame), np.nan), where=days > 0)
    table = pd.DataFrame({"line": line, "day_type": day_type, "start": start, "end": end, "days": days,
                          "boardings": boardings, "boardings_per_day": per_day, "row": rows})
    data = table.iloc[order].reset_index(drop=True)
    if data.empty:
        raise InputError(f"no usable ridership count: all {len(frame)} rows were left out ({_first_error(report)})",
                         file=report.source,
                         allowed="counts with end after start and non-negative boardings")
    excluded = table[~out.kept].assign(reason=out.reason[~out.kept]).reset_index(drop=True)
    return Ridership(data=data, excluded=excluded, report=report)


# --------------------------------------------------------------------------------------
# Measured weather
# --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class MeasuredWeather:
    """Daily mean outdoor temperature from measured weather (:func:`read_measured_weather`).

    Attributes
    ----------
    daily : pandas.Series
        Daily mean air temperature, indexed by consecutive dates (``date``, midnight,
        local standard time) from the first to the last day with data; NaN for missing
        and partial days. ``attrs['units'] = '°C'``. [°C]
    hours : pandas.Series or None
        Hours with data per day, same index; None for daily input. [h]
    report : DataQualityReport
        Missing days, partial days, duplicate times.
    """

    daily: pd.Series
    hours: pd.Series | None
    report: DataQualityReport


def _daily_series(values, dates: pd.DatetimeIndex) -> pd.Series:
    series = pd.Series(np.asarray(values, dtype=np.float64), index=dates, name="temperature_C")
    series.index.name = "date"
    series.attrs.update(units="°C", long_name="daily mean outdoor air temperature")
    return series


def _from_weather(weather) -> MeasuredWeather:
    """Daily means of a complete :class:`~smartcity.weather.Weather` year (its own local time)."""
    index = weather.data.index.tz_localize(None)
    temp = pd.Series(weather.temp_air, index=index)
    grouped = temp.groupby(index.normalize())
    hours = grouped.size()
    dates = pd.DatetimeIndex(hours.index, name="date").as_unit("ns")
    report = DataQualityReport(weather.source, "row", n_rows=len(temp))
    return MeasuredWeather(daily=_daily_series(grouped.mean().to_numpy(), dates),
                           hours=pd.Series(hours.to_numpy(dtype=np.float64), index=dates, name="hours"),
                           report=report)


def _csv_header(path: Path) -> list[str]:
    """Cells of the first line that is neither blank nor a ``#`` comment."""
    try:
        with open(path, encoding="utf-8-sig", errors="replace") as handle:
            for line in handle:
                if line.strip() and not line.lstrip().startswith("#"):
                    return [cell.strip() for cell in line.split(",")]
    except OSError:
        return []  # read_table names the problem
    return []


def read_measured_weather(path: str | Path, *, min_hours: int = 20,
                          utc_offset_h: float = LOCAL_STANDARD_UTC_OFFSET_H) -> MeasuredWeather:
    """Daily mean outdoor temperature from a measured weather file.

    Accepted files:

    * ``.epw`` -- an EnergyPlus weather file (also DMI's Design Reference Year in EPW
      form), read by :func:`smartcity.weather.read_epw`;
    * ``.csv`` with a ``ghi`` column -- the package's hourly weather CSV, read by
      :func:`smartcity.weather.read_weather_csv` (one complete year);
    * ``.csv`` or ``.parquet`` with the ``measured_weather`` schema: ``time`` and
      ``temperature_C``. If every ``time`` is a date the rows are daily means; otherwise
      every ``time`` must be a date-time and each row one observation (hourly means, or
      sub-hourly observations): the observations of each hour are averaged, and the
      daily mean is the mean of the hours with data when there are at least
      ``min_hours`` of them.

    Reported: ``missing_days`` (warning: days between the first and last without any
    data, NaN), ``partial_day`` (warning: fewer than ``min_hours`` hours, NaN),
    ``duplicate_identical`` (warning: kept once), ``duplicate_conflicting`` (error: all
    left out).

    Parameters
    ----------
    path : str or Path
        The weather file.
    min_hours : int
        Hours with data a day needs for its mean (1-24). [h]
    utc_offset_h : float
        Offset of local standard time from UTC, for times given with an offset
        (``measured_weather`` files only; EPW and weather CSV files use their own). [h]

    Returns
    -------
    MeasuredWeather
        ``daily`` [°C], ``hours`` [h] and ``report``.

    Raises
    ------
    InputError
        An unknown file type, an unreadable file, a time that is not ISO 8601, a mix of
        dates and date-times, a temperature outside [-60, 60] °C (naming file, line,
        column and value), or no usable value.
    """
    from smartcity import weather as weather_module

    if not 1 <= min_hours <= 24:
        raise ValueError(f"min_hours = {min_hours}; allowed: 1 to 24 [h]")
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".epw":
        return _from_weather(weather_module.read_epw(path))
    if suffix == ".csv" and "ghi" in _csv_header(path):
        return _from_weather(weather_module.read_weather_csv(path))
    if suffix not in (".csv", ".parquet", ".pq"):
        raise InputError("unknown weather file type", file=path, value=path.suffix,
                         allowed="'.epw', '.csv' (hourly weather CSV or time,temperature_C) or '.parquet'")

    frame, rows, report = _read(path, "measured_weather")
    time, is_date = _parse_times(frame, ["time"], utc_offset_h)["time"]
    if is_date.any() and not is_date.all():
        i = int(np.flatnonzero(is_date != is_date[0])[0])
        raise _fail(frame, i, "time", "dates and date-times mixed", frame["time"].iloc[i],
                    "all dates (daily means) or all date-times (observations)")
    temperature = frame["temperature_C"].to_numpy(dtype=np.float64)
    out = _Exclusions(len(frame))
    subject = np.array([_time_text(t) for t in time], dtype=object)
    keys = pd.DataFrame({"time": time})
    _resolve_duplicates(keys, temperature, subject, rows, lambda i: "the time " + _time_text(time[i]),
                        out, report, "°C")
    kept = out.kept
    if not kept.any():
        raise InputError(f"no usable temperature: all rows were left out ({_first_error(report)})", file=path)
    day = time.astype("datetime64[D]")
    first, last = day[kept].min(), day[kept].max()
    dates = _date_axis(first, last + 1)
    day_index = (day - first).astype(np.int64)
    if is_date.all():
        daily = np.full(len(dates), np.nan)
        daily[day_index[kept]] = temperature[kept]
        hours = None
    else:
        hour = time.astype("datetime64[h]")
        hourly = pd.Series(temperature[kept]).groupby(hour[kept]).mean()
        hour_day = (hourly.index.to_numpy().astype("datetime64[D]") - first).astype(np.int64)
        count = np.bincount(hour_day, minlength=len(dates)).astype(np.float64)
        total = np.bincount(hour_day, weights=hourly.to_numpy(), minlength=len(dates))
        daily = np.divide(total, count, out=np.full(len(dates), np.nan), where=count >= min_hours)
        for k in np.flatnonzero((count > 0) & (count < min_hours)):
            report.add("warning", "partial_day", f"{dates[k]:%Y-%m-%d}", rows[kept & (day_index == k)],
                       f"temperature for {count[k]:g} of 24 hours, fewer than {min_hours}", "daily mean NaN")
        hours = pd.Series(count, index=dates, name="hours")
    present = np.zeros(len(dates), dtype=bool)
    present[day_index[kept]] = True
    missing = np.flatnonzero(~present)
    if missing.size:
        runs = np.split(missing, np.flatnonzero(np.diff(missing) > 1) + 1)
        for run in runs:
            a, b = dates[run[0]], dates[run[-1]]
            span = f"{a:%Y-%m-%d}" if len(run) == 1 else f"{a:%Y-%m-%d} to {b:%Y-%m-%d}"
            report.add("warning", "missing_days", span, (), f"no temperature for {len(run)} day(s)",
                       "daily mean NaN")
    return MeasuredWeather(daily=_daily_series(daily, dates), hours=hours, report=report)


def daily_mean_temperature(weather_or_path, *, min_hours: int = 20) -> pd.Series:
    """Daily mean outdoor air temperature indexed by date.

    Parameters
    ----------
    weather_or_path : Weather, MeasuredWeather, str or Path
        A :class:`~smartcity.weather.Weather` (days in its own local standard time), a
        result of :func:`read_measured_weather`, or a file for it.
    min_hours : int
        Hours with data a day needs for its mean, for files of observations. [h]

    Returns
    -------
    pandas.Series
        Daily mean temperature, name ``temperature_C``, index ``date`` (consecutive
        days); NaN for missing or partial days (their report is in
        :func:`read_measured_weather`'s result). [°C]
    """
    if isinstance(weather_or_path, MeasuredWeather):
        return weather_or_path.daily
    if isinstance(weather_or_path, (str, Path)):
        return read_measured_weather(weather_or_path, min_hours=min_hours).daily
    if hasattr(weather_or_path, "data") and hasattr(weather_or_path, "temp_air"):
        return _from_weather(weather_or_path).daily
    raise TypeError(f"weather_or_path: expected a Weather, MeasuredWeather or file path, "
                    f"got {type(weather_or_path).__name__}")
