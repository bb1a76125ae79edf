"""Data quality of measured data: the :class:`DataQualityReport` and the checks the readers
of :mod:`smartcity.monitoring.readers` run on their rows.

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

The checks work on arrays of one table: each row's subject (a meter, a link and vehicle
class, a line and day type), its period ``[start, end)``, its amount and its file row.
Rows left out are marked in an ``_Exclusions`` with the first reason found; a reader then
splits its table into the usable rows and the rows left out with their reason.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np
import pandas as pd

from smartcity.errors import InputError
from smartcity.monitoring.parsing import _DAY_NS, _duration_text, _period_text, _time_text, _times_text
from smartcity.schema.tables import read_table

__all__ = ["SEVERITIES", "Issue", "DataQualityReport"]


#: Severities of an :class:`Issue`, most serious first.
SEVERITIES = ("error", "warning", "info")


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
# Rows of a table: read, kept and left out
# --------------------------------------------------------------------------------------

def _read(path: str | Path, schema: str) -> tuple[pd.DataFrame, np.ndarray, DataQualityReport]:
    """The checked table, each row's file row (CSV line or Parquet row) and an empty report."""
    path = Path(path)
    frame = read_table(path, schema)
    lines = frame.attrs.get("source_lines")
    if lines is not None:
        rows, label = np.asarray(lines), "line"
    else:
        rows, label = np.arange(1, len(frame) + 1, dtype=np.int64), "row"
    return frame, rows, DataQualityReport(path, label, n_rows=len(frame))


class _Exclusions:
    """Which rows are left out and why (first reason wins)."""

    def __init__(self, n: int) -> None:
        self.reason = np.full(n, "", dtype=object)
        self._kept = np.ones(n, dtype=bool)

    @property
    def kept(self) -> np.ndarray:
        return self._kept.copy()

    def exclude(self, index, reason: str) -> None:
        index = np.asarray(index, dtype=np.int64)
        index = index[self._kept[index]]
        self.reason[index] = reason
        self._kept[index] = False


@dataclass(frozen=True)
class _CheckedRows:
    """The rows of a file as read and checked: the result of a reader of periods.

    Attributes
    ----------
    data : pandas.DataFrame
        The usable rows.
    excluded : pandas.DataFrame
        The rows left out, same columns plus ``reason`` (str).
    report : DataQualityReport
        Every issue found.
    """

    data: pd.DataFrame
    excluded: pd.DataFrame
    report: DataQualityReport


def _usable_rows(table: pd.DataFrame, order: np.ndarray, out: _Exclusions, report: DataQualityReport,
                 what: str, allowed: str, sort_by: list[str] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The kept rows of ``table`` in ``order`` (then sorted by ``sort_by``, if given) and the
    rows left out with their ``reason``; an InputError naming the first error if no row is kept."""
    data = table.iloc[order]
    if sort_by is not None:
        data = data.sort_values(sort_by)
    data = data.reset_index(drop=True)
    if data.empty:
        raise InputError(f"no usable {what}: all {len(table)} rows were left out ({_first_error(report)})",
                         file=report.source, allowed=allowed)
    excluded = table[~out.kept].assign(reason=out.reason[~out.kept]).reset_index(drop=True)
    return data, excluded


# --------------------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------------------

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


def _duplicate_groups(keys: pd.DataFrame, kept: np.ndarray, order: np.ndarray | None) -> list[np.ndarray]:
    """Rows ``kept`` that share their keys with another, as groups in file order, the groups
    in the order of their first row. ``order``: all rows sorted by the keys (ties in file
    order), if at hand."""
    if order is None:
        sub = keys.iloc[kept].reset_index(drop=True)
        dup = sub.duplicated(keep=False).to_numpy()
        if not dup.any():
            return []
        index = kept[dup]
        group_ids = sub[dup].groupby(list(sub.columns), sort=False, dropna=False).ngroup().to_numpy()
        return [index[group_ids == g] for g in np.unique(group_ids)]
    mask = np.zeros(len(keys), dtype=bool)
    mask[kept] = True
    o = order[mask[order]]
    same = np.ones(max(len(o) - 1, 0), dtype=bool)
    for column in keys.columns:
        v = keys[column].to_numpy()[o]
        same &= v[1:] == v[:-1]
    if not same.any():
        return []
    starts = np.flatnonzero(np.r_[True, ~same])
    stops = np.r_[starts[1:], len(o)]
    several = stops - starts > 1
    groups = [o[a:b] for a, b in zip(starts[several], stops[several])]
    return sorted(groups, key=lambda g: g[0])


def _resolve_duplicates(keys: pd.DataFrame, amount: np.ndarray, subjects: np.ndarray, rows: np.ndarray,
                        describe, out: _Exclusions, report: DataQualityReport, unit: str,
                        order: np.ndarray | None = None) -> None:
    """Rows of the same subject and period among the kept rows.

    Identical amounts (relative difference <= 1e-9): the first row is kept, the others
    left out (warning). Different amounts: all of them are left out (error), since which
    one is right cannot be told. ``describe(i)`` names the period of row ``i``. ``order``:
    every row sorted by ``keys``, ties in file order (made once by a caller that has it).
    """
    kept = np.flatnonzero(out.kept)
    if kept.size == 0:
        return
    for members in _duplicate_groups(keys, kept, order):  # each in file order
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


def _codes(subjects: np.ndarray, codes: np.ndarray | None) -> np.ndarray:
    """Integer codes of the subjects in name order (given, or made here)."""
    return codes if codes is not None else pd.factorize(subjects, sort=True)[0]


def _sorted_groups(subjects: np.ndarray, start: np.ndarray, end: np.ndarray, index: np.ndarray,
                   codes: np.ndarray | None = None, order: np.ndarray | None = None) -> np.ndarray:
    """``index`` ordered by subject, start, end and file order (``codes``: the subjects as
    integers in name order, ``order``: every row so ordered, if at hand)."""
    if order is not None:
        mask = np.zeros(len(start), dtype=bool)
        mask[index] = True
        return order[mask[order]]
    codes = codes[index] if codes is not None else pd.factorize(subjects[index], sort=True)[0]
    order = np.lexsort((index, end[index], start[index], codes))
    return index[order]


def _overlaps(subjects: np.ndarray, start: np.ndarray, end: np.ndarray, index: np.ndarray,
              codes: np.ndarray | None = None, order: np.ndarray | None = None):
    """Overlapping and gap pairs among rows ``index`` of each subject.

    Returns
    -------
    order : numpy.ndarray
        ``index`` sorted by subject, start, end.
    overlaps, gaps : list of (earlier row index, later row index)
        Pairs in ``order`` where the later period starts before (overlap) or after (gap)
        the latest end of the subject's earlier periods.
    """
    codes = _codes(subjects, codes)
    order = _sorted_groups(subjects, start, end, index, codes, order)
    if order.size < 2:
        return order, [], []
    s = start[order].astype(np.int64)
    e = end[order].astype(np.int64)
    subj = codes[order]
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


def _check_mixed_carriers(meter: np.ndarray, carrier: np.ndarray, rows: np.ndarray, out: _Exclusions,
                          report: DataQualityReport, codes: np.ndarray | None = None,
                          carrier_codes: np.ndarray | None = None) -> None:
    """Exclude meters whose rows name several carriers: which rows belong to the meter cannot be told."""
    codes = _codes(meter, codes)
    carrier_codes = pd.factorize(carrier)[0] if carrier_codes is None else carrier_codes
    pairs = np.unique(codes.astype(np.int64) * (carrier_codes.max(initial=0) + 1) + carrier_codes)
    per_meter = np.bincount(pairs // (carrier_codes.max(initial=0) + 1), minlength=codes.max(initial=-1) + 1)
    for code in np.flatnonzero(per_meter > 1):
        index = np.flatnonzero(codes == code)
        m = meter[index[0]]
        parts = []
        for c in pd.unique(carrier[index]):
            these = rows[index[carrier[index] == c]]
            parts.append(f"{c} ({_rows_text(tuple(these), report.row_label, limit=3)})")
        report.add("error", "mixed_carriers", m, rows[index], "the meter's rows name several carriers: "
                   + "; ".join(parts), "meter excluded (fix the carrier or the meter id)")
        out.exclude(index, "meter with mixed carriers")


def _check_unsorted(meter: np.ndarray, start: np.ndarray, rows: np.ndarray, kept: np.ndarray,
                    report: DataQualityReport, codes: np.ndarray | None = None) -> None:
    """Rows ``kept`` of a meter out of time order in the file: harmless, they are sorted (info)."""
    codes = _codes(meter, codes)[kept]
    by_meter = np.argsort(codes, kind="stable")  # each meter's rows in file order
    c, t = codes[by_meter], start[kept][by_meter].astype(np.int64)
    backwards = np.zeros(len(kept), dtype=bool)
    backwards[by_meter] = np.r_[False, (c[1:] == c[:-1]) & (t[1:] < t[:-1])]
    for code in pd.unique(codes[backwards]):
        first = int(kept[backwards & (codes == code)][0])
        m = meter[first]
        report.add("info", "unsorted", m, [rows[first]],
                   f"rows not in time order (the reading from {_time_text(start[first])} comes after a later one)",
                   "sorted by start")


def _check_overlaps_and_gaps(meter: np.ndarray, start: np.ndarray, end: np.ndarray, start_is_date: np.ndarray,
                             end_is_date: np.ndarray, rows: np.ndarray, kept: np.ndarray, out: _Exclusions,
                             report: DataQualityReport, codes: np.ndarray | None = None,
                             order: np.ndarray | None = None) -> None:
    """Overlapping readings of a meter among rows ``kept`` (error: the meter is excluded, its
    energy would be counted twice) and gaps between them (warning: left missing)."""
    _, overlaps, gaps = _overlaps(meter, start, end, kept, codes, order)
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
    gaps = [(i, k) for i, k in gaps if meter[k] not in excluded_meters]
    if not gaps:
        return
    before, after = np.array(gaps, dtype=np.int64).T
    texts = _times_text(np.concatenate([end[before], start[after]]))
    for j, (i, k) in enumerate(gaps):
        missing = int((start[k] - end[i]).astype(np.int64))
        hint = ""
        if missing == _DAY_NS and end_is_date[i] and start_is_date[k]:
            hint = " (if end dates in the file are inclusive, add one day: end is the start of the next period)"
        report.add("warning", "gap", meter[k], [rows[i], rows[k]],
                   f"no reading from {texts[j]} to {texts[len(gaps) + j]} ({_duration_text(missing)}){hint}",
                   "left missing")


def _check_days_of_type(days: np.ndarray, day_type: np.ndarray, subjects: np.ndarray, rows: np.ndarray,
                        start: np.ndarray, end: np.ndarray, out: _Exclusions, report: DataQualityReport) -> None:
    """Leave out kept ridership periods without a day of their day type; one error per subject."""
    none = np.flatnonzero(out.kept & (days <= 0))
    for subject in pd.unique(subjects[none]):
        index = none[subjects[none] == subject]
        i = int(index[0])
        report.add("error", "no_such_day", subject, rows[index],
                   f"{len(index)} period(s) without a day of type {day_type[i]!r} (first: "
                   f"{_period_text(start[i], end[i])})", "left out")
        out.exclude(index, "no day of the day type")


def _check_count_duplicates_and_overlaps(subjects: np.ndarray, start: np.ndarray, end: np.ndarray,
                                         amount: np.ndarray, unit: str, rows: np.ndarray, out: _Exclusions,
                                         report: DataQualityReport) -> np.ndarray:
    """Duplicate counts of a subject and period (:func:`_resolve_duplicates`) and overlapping
    periods of a subject among the kept rows (warning: both kept).

    Returns
    -------
    numpy.ndarray
        The kept rows ordered by subject, start, end and file order.
    """
    keys = pd.DataFrame({"subject": subjects, "start": start, "end": end})
    _resolve_duplicates(keys, amount, subjects, rows, lambda i: "the period " + _period_text(start[i], end[i]),
                        out, report, unit)
    kept = np.flatnonzero(out.kept)
    _, overlaps, _ = _overlaps(subjects, start, end, kept)
    for i, k in overlaps:
        report.add("warning", "overlap", subjects[k], [rows[i], rows[k]],
                   f"period {_period_text(start[k], end[k])} overlaps {_period_text(start[i], end[i])}",
                   "both kept (each is a count of its own period; do not add them up)")
    return _sorted_groups(subjects, start, end, kept)


def _check_units(order, meter, unit, rate, rows, start, to_kwh, suspect, report, codes=None,
                 unit_codes=None) -> None:
    """Report unit changes of a meter; a jump by about the conversion factor is a mix-up.

    At a change from unit a to unit b the energy per hour of the reading after the change
    over the one before is r. If the values were still in unit a, r would be about
    F = factor(b) / factor(a); the change is called a possible mix-up when r is nearer
    to F than to 1 on a log scale. ``to_kwh`` gives each unit's factor to kWh.
    """
    if order.size < 2:
        return
    m = _codes(meter, codes)[order]
    u = (pd.factorize(unit)[0] if unit_codes is None else unit_codes)[order]
    change = np.flatnonzero((m[1:] == m[:-1]) & (u[1:] != u[:-1])) + 1
    for k in change:
        i, j = int(order[k - 1]), int(order[k])
        factor = to_kwh[unit[j]] / to_kwh[unit[i]]
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


def _check_spikes(order, meter, unit, value, rate, rows, start, end, spike_factor, suspect, report,
                  codes=None) -> None:
    """Report readings whose energy per hour is far above the meter's median."""
    if order.size == 0:
        return
    m = _codes(meter, codes)[order]
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


def _first_error(report: DataQualityReport) -> str:
    """``'2 errors; first: negative (M1, line 3): ...'`` for messages."""
    errors = report.errors
    if not errors:
        return "no errors"
    first = errors[0]
    subject = first.subject if len(first.subject) <= 40 else first.subject[:37] + "..."  # a message is one line
    where = ", ".join(p for p in (subject, _rows_text(first.rows, report.row_label, limit=3)) if p)
    return (f"{len(errors)} error{'s' if len(errors) > 1 else ''}; first: {first.check} ({where}): "
            f"{first.problem}")
