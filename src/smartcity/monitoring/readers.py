"""Readers of measured data: meter readings, the meter map, traffic counts, ridership and
outdoor temperature, read with declared schemas and checked for data problems.

Each reader takes a CSV or Parquet file with a schema of ``smartcity/schemas/`` (read by
:func:`smartcity.schema.tables.read_table`), converts units explicitly and returns the usable
rows together with a :class:`~smartcity.monitoring.quality.DataQualityReport`. Nothing is
dropped silently: every row of the file is either in the result's ``data`` or in its
``excluded`` table, and every excluded row is named by an issue of the report. Fatal and
reported problems and their severities are described in
:mod:`smartcity.monitoring.quality`; times and periods in
:mod:`smartcity.monitoring.parsing`.

Longer than the house limit of ~700 lines (about 770): the five readers stay in one module
so that a caller, the ``monitor`` command among them, finds every reader of measured data
in one namespace; what they share is in :mod:`~smartcity.monitoring.parsing` and
:mod:`~smartcity.monitoring.quality`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from smartcity.errors import InputError
from smartcity.monitoring.parsing import (
    _DAY_NS,
    _HOUR_NS,
    LOCAL_STANDARD_UTC_OFFSET_H,
    _as_ids,
    _date_axis,
    _date_or_period,
    _fail,
    _local_days,
    _parse_times,
    _period_text,
    _require_text,
    _text_codes,
    _time_text,
)
from smartcity.monitoring.quality import (
    DataQualityReport,
    _check_count_duplicates_and_overlaps,
    _check_days_of_type,
    _check_mixed_carriers,
    _check_negative,
    _check_overlaps_and_gaps,
    _check_periods,
    _check_spikes,
    _check_units,
    _check_unsorted,
    _CheckedRows,
    _Exclusions,
    _first_error,
    _read,
    _resolve_duplicates,
    _sorted_groups,
    _usable_rows,
)
from smartcity.schema.tables import load_schema, read_table
from smartcity.schema.units import UNITS

__all__ = [
    "ENERGY_UNIT_TO_KWH",
    "MeterReadings",
    "read_meter_readings",
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


#: Factor from each unit of the meter readings schema to kWh, taken from
#: :data:`smartcity.schema.units.UNITS` (1 GJ = 1e9 J / 3.6e6 J/kWh = 277.78 kWh). [kWh/unit]
ENERGY_UNIT_TO_KWH: dict[str, float] = {
    unit: UNITS["energy"][unit][0] for unit in load_schema("meter_readings").columns["unit"].allowed
}


# --------------------------------------------------------------------------------------
# Meter readings
# --------------------------------------------------------------------------------------

_READING_COLUMNS = ["meter_id", "carrier", "start", "end", "hours", "energy_kWh", "value", "unit", "row", "suspect",
                    "corrected"]


@dataclass(frozen=True)
class MeterReadings(_CheckedRows):
    """Meter readings as read by :func:`read_meter_readings`.

    Attributes
    ----------
    data : pandas.DataFrame
        The usable readings, sorted by ``meter_id`` and ``start``. Columns:
        ``meter_id`` (str; a categorical of the file's meter ids), ``carrier`` (str),
        ``start``, ``end`` (naive datetime64, local standard time; period
        ``[start, end)``), ``hours`` (length of the period
        [h]), ``energy_kWh`` (energy in the period [kWh]), ``value`` and ``unit`` (as in
        the file), ``row`` (CSV line or Parquet row), ``suspect`` (bool: a warning names
        the row as a possible unit error; kept), ``corrected`` (bool: ``energy_kWh`` was
        corrected for a silent unit switch, :mod:`smartcity.monitoring.levels`).
    excluded : pandas.DataFrame
        The rows left out, same columns plus ``reason`` (str).
    report : DataQualityReport
        Every issue found.
    levels_checked : bool
        Whether :func:`~smartcity.monitoring.levels.correct_unit_switches` has been
        applied (it needs the weather, which the reader does not have).
    """

    levels_checked: bool = False

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
        cached = self.__dict__.get("_meters")
        if cached is not None:
            return cached.copy()
        grouped = self.data.groupby("meter_id", sort=True)
        span_h = (grouped["end"].max() - grouped["start"].min()) / pd.Timedelta(hours=1)
        table = pd.DataFrame({
            "carrier": grouped["carrier"].first(),
            "first": grouped["start"].min(),
            "last": grouped["end"].max(),
            "readings": grouped.size(),
            "median_hours": grouped["hours"].median(),
            "coverage": grouped["hours"].sum() / span_h,
            "energy_kWh": grouped["energy_kWh"].sum(),
        })
        object.__setattr__(self, "_meters", table)  # the readings do not change: made once
        return table.copy()


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
    wall: dict = {}
    times = _parse_times(frame, ["start", "end"], utc_offset_h, wall_clock=wall)
    start, start_is_date = times["start"]
    end, end_is_date = times["end"]
    local = _local_days(wall)
    if local.any():  # whole days of a clock with an offset stay whole days
        start, end = np.where(local, wall["start"], start), np.where(local, wall["end"], end)
        start_is_date, end_is_date = start_is_date | local, end_is_date | local
    # meters as integer codes in name order: the checks group by them, messages use the names
    codes, names = _text_codes(frame, "meter_id", sort=True)
    meter = names[codes]
    carrier_codes, carrier_names = _text_codes(frame, "carrier")
    carrier = carrier_names[carrier_codes]
    unit_codes, unit_names = _text_codes(frame, "unit")
    unit = unit_names[unit_codes]
    value = frame["value"].to_numpy(dtype=np.float64)
    energy = value * np.array([ENERGY_UNIT_TO_KWH[u] for u in unit_names], dtype=np.float64)[unit_codes]
    hours = (end - start).astype(np.int64) / _HOUR_NS
    n = len(frame)
    out = _Exclusions(n)
    suspect = np.zeros(n, dtype=bool)

    _check_periods(start, end, meter, rows, out, report)
    _check_negative(value, lambda i: unit[i], meter, rows, start, end, out, report, "reading")

    _check_mixed_carriers(meter, carrier, rows, out, report, codes=codes, carrier_codes=carrier_codes)
    by_period = np.lexsort((end, start, codes))  # every row by meter, start, end; ties in file order
    keys = pd.DataFrame({"meter_id": codes, "start": start, "end": end})
    _resolve_duplicates(keys, energy, meter, rows, lambda i: "the period " + _period_text(start[i], end[i]),
                        out, report, "kWh", order=by_period)
    kept = np.flatnonzero(out.kept)
    _check_unsorted(meter, start, rows, kept, report, codes=codes)
    _check_overlaps_and_gaps(meter, start, end, start_is_date, end_is_date, rows, kept, out, report, codes=codes,
                             order=by_period)

    kept = np.flatnonzero(out.kept)
    order = _sorted_groups(meter, start, end, kept, codes=codes, order=by_period)
    rate = np.divide(energy, hours, out=np.full(n, np.nan), where=hours > 0)  # [kWh/h]
    _check_units(order, meter, unit, rate, rows, start, ENERGY_UNIT_TO_KWH, suspect, report, codes=codes,
                 unit_codes=unit_codes)
    _check_spikes(order, meter, unit, value, rate, rows, start, end, spike_factor, suspect, report, codes=codes)

    meter_ids = pd.Categorical.from_codes(codes, categories=pd.Index(np.asarray(names, dtype=object), dtype=object))
    columns = {"meter_id": meter_ids, "carrier": frame["carrier"].array, "start": start, "end": end,
               "hours": hours, "energy_kWh": energy, "value": value, "unit": frame["unit"].array, "row": rows,
               "suspect": suspect, "corrected": np.zeros(n, dtype=bool)}
    table = pd.DataFrame(columns, columns=_READING_COLUMNS)
    data, excluded = _usable_rows(table, order, out, report, "meter reading",
                                  "readings with end after start, non-negative values and no overlapping periods")
    return MeterReadings(data=data, excluded=excluded, report=report)


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
    uneven = totals[(totals > 1.0 + 1e-9) | (totals < 1.0 - 1e-9)]
    for m, total in uneven.items():
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
        with_readings = set(str(m) for m in pd.unique(table["meter_id"]))
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

def _reference_table(table, name: str) -> pd.DataFrame:
    """The ``'links'`` or ``'lines'`` table: given, read from its file with the schema of
    that name, or taken from the zone system that holds it as an attribute of that name."""
    if hasattr(table, name) and not isinstance(table, pd.DataFrame):
        table = getattr(table, name)
    if not isinstance(table, pd.DataFrame):
        table = read_table(table, name)
    return table


@dataclass(frozen=True)
class TrafficCounts(_CheckedRows):
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
        table = _reference_table(links, "links")
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
    order = _check_count_duplicates_and_overlaps(subjects, start, end, vehicles, "veh", rows, out, report)
    flow = np.divide(vehicles, hours, out=np.full(len(frame), np.nan), where=hours > 0)
    table = pd.DataFrame({"from_node": from_node, "to_node": to_node, "vehicle_class": vehicle_class,
                          "start": start, "end": end, "hours": hours, "vehicles": vehicles,
                          "flow_veh_h": flow, "row": rows})
    data, excluded = _usable_rows(table, order, out, report, "traffic count",
                                  "counts with end after start and non-negative vehicles",
                                  sort_by=["from_node", "to_node", "vehicle_class", "start", "end", "row"])
    return TrafficCounts(data=data, excluded=excluded, report=report)


@dataclass(frozen=True)
class Ridership(_CheckedRows):
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
        lines = _reference_table(lines, "lines")
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
    _check_days_of_type(days, day_type, subjects, rows, start, end, out, report)
    order = _check_count_duplicates_and_overlaps(subjects, start, end, boardings, "pax", rows, out, report)
    per_day = np.divide(boardings, days, out=np.full(len(frame), np.nan), where=days > 0)
    table = pd.DataFrame({"line": line, "day_type": day_type, "start": start, "end": end, "days": days,
                          "boardings": boardings, "boardings_per_day": per_day, "row": rows})
    data, excluded = _usable_rows(table, order, out, report, "ridership count",
                                  "counts with end after start and non-negative boardings")
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
      ``temperature_C``. If every ``time`` is a date, or every ``time`` is midnight of
      the clock it is written in (``2021-07-01T00:00+02:00``), the rows are daily means
      of those calendar days; otherwise
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
    wall: dict = {}
    time, is_date = _parse_times(frame, ["time"], utc_offset_h, wall_clock=wall)["time"]
    if is_date.any() and not is_date.all():
        i = int(np.flatnonzero(is_date != is_date[0])[0])
        raise _fail(frame, i, "time", "dates and date-times mixed", frame["time"].iloc[i],
                    "all dates (daily means) or all date-times (observations)")
    clock = np.where(np.isnat(wall["time"]), time, wall["time"])
    if not is_date.any() and (clock == clock.astype("datetime64[D]").astype("datetime64[ns]")).all():
        # every time is midnight of the clock that wrote it: daily means, one per calendar day
        time, is_date = clock, np.ones(len(time), dtype=bool)
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
