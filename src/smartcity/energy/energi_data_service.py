"""Hourly series from CSV exports of Energinet's Energi Data Service.

One reader serves the datasets the models use, each described by a :class:`Dataset`: the
grid's CO2 intensity (``CO2Emis``, five-minute values) and the day-ahead electricity price
(``Elspotprices``, hourly until 30 September 2025; ``DayAheadPrices``, quarter-hourly since).
The datasets' data dictionaries give their columns [1]_ [2]_ [3]_; the layout of the file
itself is an assumption, read leniently:

* the separator is ``;`` if the header line contains one, else ``,`` (the API's
  ``download?format=csv`` writes commas; spreadsheets in Danish locale semicolons);
* a decimal comma in a value is read as a decimal point;
* times are ISO 8601 (``2023-01-01T00:00:00``, ``2023-01-01 00:00`` or with a trailing
  ``Z``); times without an offset are UTC, as the column names say;
* rows may come in any order (the service lists the newest first); extra columns are
  ignored; a UTF-8 byte-order mark is allowed.

Only the UTC time column is used (Danish clock time repeats an hour in October). Each value
is assigned to its hour in Danish standard time (UTC+1, the time zone of
:class:`~smartcity.weather.Weather`) and the values of an hour are averaged.

References
----------
.. [1] Energinet, Energi Data Service, "CO2 Emission" (CO2Emis).
   https://www.energidataservice.dk/tso-electricity/CO2Emis
.. [2] Energinet, Energi Data Service, "Elspot Prices" (Elspotprices).
   https://www.energidataservice.dk/tso-electricity/Elspotprices
.. [3] Energinet, Energi Data Service, "Day-Ahead Prices" (DayAheadPrices).
   https://www.energidataservice.dk/tso-electricity/DayAheadPrices
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from smartcity.errors import InputError

__all__ = ["Dataset", "CO2_EMISSION", "ELSPOT_PRICES", "DAY_AHEAD_PRICES", "PRICE_AREAS", "LOCAL_STANDARD_TIME",
           "read_hourly", "read_spot_prices"]

#: Electricity price areas of Denmark: DK1 (Jutland and Funen, Aalborg), DK2 (Zealand).
PRICE_AREAS = ("DK1", "DK2")

#: Danish local standard time (UTC+1, no daylight saving), the time of weather data.
LOCAL_STANDARD_TIME = "Etc/GMT-1"


@dataclass(frozen=True)
class Dataset:
    """What the reader needs to know of one Energi Data Service dataset.

    Attributes
    ----------
    title : str
        The dataset's name on the service, for messages.
    columns : tuple of str
        Its columns, for messages.
    time, value : str
        The UTC time column and the value column read.
    quantity : str
        What a value is, with its unit, for messages (e.g. ``g CO2/kWh``).
    unit : str
        Unit of the series (``attrs["units"]``).
    low, high : float
        Plausible range of a value; outside it the file is refused. [unit]
    interval : str
        The rows' time step, for messages.
    name : str
        Name of the returned series.
    """

    title: str
    columns: tuple[str, ...]
    time: str
    value: str
    quantity: str
    unit: str
    low: float
    high: float
    interval: str
    name: str


CO2_EMISSION = Dataset("CO2 Emission", ("Minutes5UTC", "Minutes5DK", "PriceArea", "CO2Emission"), "Minutes5UTC",
                       "CO2Emission", "g CO2/kWh", "g/kWh", 0.0, 2000.0,  # more than any fuel mix can emit
                       "five minutes", "co2_g_per_kwh")
# Prices: a plausibility range well outside the harmonised price limits of the European day-ahead market
ELSPOT_PRICES = Dataset("Elspot Prices", ("HourUTC", "HourDK", "PriceArea", "SpotPriceDKK", "SpotPriceEUR"),
                        "HourUTC", "SpotPriceEUR", "EUR/MWh", "EUR/MWh", -1000.0, 10000.0, "hour",
                        "price_eur_per_mwh")
DAY_AHEAD_PRICES = Dataset("Day-Ahead Prices", ("TimeUTC", "TimeDK", "PriceArea", "DayAheadPriceDKK",
                                                "DayAheadPriceEUR"),
                           "TimeUTC", "DayAheadPriceEUR", "EUR/MWh", "EUR/MWh", -1000.0, 10000.0, "quarter hour",
                           "price_eur_per_mwh")


def read_spot_prices(path: str | Path, price_area: str = "DK1", year: int | None = None) -> pd.Series:
    """Hourly day-ahead electricity price from an Energi Data Service export.

    Reads either dataset: ``Elspotprices`` (hourly, column ``SpotPriceEUR``) or
    ``DayAheadPrices`` (quarter-hourly, ``DayAheadPriceEUR``; averaged to hours), told
    apart by their columns. See :func:`read_hourly` for the rest.

    Returns
    -------
    pandas.Series
        Hourly mean price [EUR/MWh], named ``price_eur_per_mwh``, indexed by the start of
        each hour in Danish standard time.
    """
    return read_hourly(path, (ELSPOT_PRICES, DAY_AHEAD_PRICES), price_area=price_area, year=year)


def read_hourly(path: str | Path, datasets: Dataset | Sequence[Dataset], price_area: str = "DK1",
                year: int | None = None) -> pd.Series:
    """Hourly means of one price area from a CSV export of a dataset.

    Parameters
    ----------
    path : str or Path
        The CSV file.
    datasets : Dataset or sequence of Dataset
        The dataset the file holds, or the datasets it may hold: the first whose time and
        value columns are both in the header is read.
    price_area : {'DK1', 'DK2'}
        Price area whose rows are read. Aalborg lies in DK1.
    year : int, optional
        Return only this year (standard time), which must then be complete (8760 or
        8784 hours). Without it, all hours from the first to the last in the file, which
        must have no gaps.

    Returns
    -------
    pandas.Series
        Hourly means, float64, indexed by the start of each hour in Danish standard time
        (``'Etc/GMT-1'``), named by the dataset; ``attrs``: ``units``, ``price_area``,
        ``source``.

    Raises
    ------
    InputError
        Naming the file, and the line and column where they apply: unreadable file,
        missing column, a line with the wrong number of fields, a time that is not ISO
        8601, a value that is not a number or is out of the dataset's range, no rows for
        the price area, the same time twice, or missing hours.
    """
    path = Path(path)
    datasets = (datasets,) if isinstance(datasets, Dataset) else tuple(datasets)
    if price_area not in PRICE_AREAS:
        raise InputError("unknown price area", key="price_area", value=price_area,
                         allowed=" or ".join(PRICE_AREAS))
    if year is not None and (isinstance(year, bool) or not isinstance(year, (int, np.integer))):
        raise InputError("year must be an integer", key="year", value=year)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror or exc})", file=path) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not a UTF-8 text file (byte {exc.start})", file=path) from None

    lines = text.splitlines()
    header_at = next((i for i, line in enumerate(lines) if line.strip()), None)
    if header_at is None:
        raise InputError("empty file", file=path,
                         allowed="a header line with " + ", ".join(datasets[0].columns) + ", then data rows")
    delimiter = ";" if ";" in lines[header_at] else ","
    header = [name.strip().lstrip("\ufeff") for name in next(csv.reader([lines[header_at]], delimiter=delimiter))]
    data = next((d for d in datasets if d.time in header and d.value in header), datasets[0])
    for column in (data.time, "PriceArea", data.value):
        if column not in header:
            titles = " or ".join(f"'{d.title}'" for d in datasets)
            raise InputError("missing required column", file=path, row=header_at + 1, line=True,
                             column=column, allowed=f"the columns of the {titles} dataset: "
                             + "; ".join(", ".join(d.columns) for d in datasets))
    i_time, i_area, i_value = (header.index(c) for c in (data.time, "PriceArea", data.value))

    numbers = [i + 1 for i in range(header_at + 1, len(lines)) if lines[i].strip()]
    records = list(csv.reader((lines[n - 1] for n in numbers), delimiter=delimiter))
    for line_no, fields in zip(numbers, records):
        if len(fields) != len(header):
            raise InputError(f"expected {len(header)} fields separated by '{delimiter}', found {len(fields)}",
                             file=path, row=line_no, line=True, value=lines[line_no - 1][:80])
    if not records:
        raise InputError("no data rows", file=path, allowed=f"one row per {data.interval} and price area")
    line_of = np.asarray(numbers, dtype=np.int64)
    times_text = pd.Series([r[i_time].strip() for r in records], dtype=object)
    areas = np.asarray([r[i_area].strip() for r in records], dtype=object)
    values_text = pd.Series([r[i_value].strip() for r in records], dtype=object)

    values = pd.to_numeric(values_text.str.replace(",", ".", regex=False), errors="coerce").to_numpy(np.float64)
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size:
        i = int(bad[0])
        raise InputError("not a number" if values_text[i] else "missing value", file=path,
                         row=int(line_of[i]), line=True, column=data.value, value=values_text[i],
                         allowed=f"a number of {data.quantity} (decimal point or comma)")
    bad = np.flatnonzero((values < data.low) | (values > data.high))
    if bad.size:
        i = int(bad[0])
        raise InputError("value out of range", file=path, row=int(line_of[i]), line=True,
                         column=data.value, value=float(values[i]),
                         allowed=f"a number in [{data.low:g}, {data.high:g}] [{data.unit}]")
    times = _parse_utc(times_text)
    bad = np.flatnonzero(times.isna().to_numpy())
    if bad.size:
        i = int(bad[0])
        raise InputError("not an ISO 8601 time", file=path, row=int(line_of[i]), line=True,
                         column=data.time, value=times_text[i],
                         allowed="e.g. 2023-01-01T00:00:00 or 2023-01-01 00:00 (UTC)")

    selected = np.flatnonzero(areas == price_area)
    if not selected.size:
        present = sorted(set(areas.tolist()))
        raise InputError("no rows for this price area", file=path, column="PriceArea", value=price_area,
                         allowed="a price area present in the file: " + ", ".join(present))
    utc = pd.DatetimeIndex(times.to_numpy()[selected])
    lines_sel = line_of[selected]
    order = np.argsort(utc.asi8, kind="stable")
    utc, lines_sel, vals = utc[order], lines_sel[order], values[selected][order]
    duplicated = np.flatnonzero(utc.duplicated())
    if duplicated.size:
        i = int(duplicated[0])
        raise InputError(f"the same time appears twice for {price_area}", file=path, row=int(lines_sel[i]),
                         line=True, column=data.time, value=utc[i].isoformat(),
                         allowed="one row per time and price area")

    hours = utc.tz_convert(LOCAL_STANDARD_TIME).floor("h")
    hourly = pd.Series(vals, index=hours).groupby(level=0).mean()
    if year is not None:
        n_hours = 8784 if is_leap(int(year)) else 8760
        expected = pd.date_range(pd.Timestamp(year=int(year), month=1, day=1, tz=LOCAL_STANDARD_TIME),
                                 periods=n_hours, freq="h")
        hourly = hourly[hourly.index.year == int(year)]
        if hourly.empty:
            raise InputError(f"no data for {year} in {price_area}", file=path, column=data.time,
                             allowed=f"times from {hours[0].isoformat()} to {hours[-1].isoformat()} "
                                     "(Danish standard time)")
    else:
        expected = pd.date_range(hourly.index[0], hourly.index[-1], freq="h")
    missing = expected.difference(hourly.index)
    if len(missing):
        after = np.flatnonzero(hours > missing[0])
        where = {"row": int(lines_sel[after[0]]), "line": True} if after.size else {}
        raise InputError(
            f"{len(missing)} hour(s) without data for {price_area}, the first {missing[0].isoformat()} "
            "(Danish standard time)", file=path, column=data.time,
            allowed="every hour of the period" + (f" {year}" if year is not None else ""), **where)
    hourly = hourly.reindex(expected).astype(np.float64)
    hourly.index.name = "time"
    hourly.name = data.name
    hourly.attrs.update({"units": data.unit, "price_area": price_area, "source": str(path)})
    return hourly


def _parse_utc(text: pd.Series) -> pd.Series:
    """ISO 8601 strings to UTC timestamps (naive strings are UTC); NaT where unreadable."""
    parsed = pd.to_datetime(text, format="ISO8601", utc=True, errors="coerce")
    if parsed.isna().any():  # mixed offsets or separators: parse the rest one by one
        rest = parsed.isna() & text.astype(bool)
        for i in np.flatnonzero(rest.to_numpy()):
            try:
                stamp = pd.Timestamp(text.iloc[i])
            except (ValueError, TypeError):
                continue
            parsed.iloc[i] = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    return parsed


def is_leap(year: int) -> bool:
    """Whether ``year`` has 29 February."""
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
