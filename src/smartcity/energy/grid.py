"""Grid electricity's hourly carbon intensity: Energi Data Service exports, a built-in hourly
shape, and the shape scaled to a year's mean intensity.

References
----------
.. [1] Energinet, Energi Data Service, dataset "CO2 Emission" (CO2Emis).
   https://www.energidataservice.dk/tso-electricity/CO2Emis
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pandas as pd

from smartcity.checks import number, number_array
from smartcity.errors import InputError

__all__ = ["PRICE_AREAS", "LOCAL_STANDARD_TIME", "GRID_SHAPE_PARAMETERS", "read_energinet_co2",
           "default_grid_shape", "grid_intensity"]

#: Electricity price areas of Denmark: DK1 (Jutland and Funen, Aalborg), DK2 (Zealand).
PRICE_AREAS = ("DK1", "DK2")

#: Danish local standard time (UTC+1, no daylight saving), the time of weather data.
LOCAL_STANDARD_TIME = "Etc/GMT-1"

_HOUR = pd.Timedelta(hours=1)
_HALF_HOUR = pd.Timedelta(minutes=30)
_DAYS_PER_YEAR = 365.25


_ENERGINET_TIME = "Minutes5UTC"
_ENERGINET_AREA = "PriceArea"
_ENERGINET_VALUE = "CO2Emission"
_ENERGINET_COLUMNS = ("Minutes5UTC", "Minutes5DK", "PriceArea", "CO2Emission")
_MAX_INTENSITY = 2000.0  # [g/kWh]; more than any fuel mix can emit


def read_energinet_co2(path: str | Path, price_area: str = "DK1", year: int | None = None) -> pd.Series:
    """Hourly CO2 intensity of grid electricity from an Energi Data Service export.

    Reads a CSV export of Energinet's "CO2 Emission" dataset (``CO2Emis``; the forecast
    ``CO2EmisProg`` has the same columns) [1]_: one row per five minutes and price
    area, columns ``Minutes5UTC`` (start of the interval, UTC), ``Minutes5DK`` (the same
    in Danish clock time), ``PriceArea`` (``DK1``/``DK2``) and ``CO2Emission`` (g CO2 per
    kWh consumed). The dataset's data dictionary gives these columns; the layout of the
    file itself is an assumption, read leniently:

    * the separator is ``;`` if the header line contains one, else ``,`` (the API's
      ``download?format=csv`` writes commas; spreadsheets in Danish locale semicolons);
    * a decimal comma in a value is read as a decimal point;
    * times are ISO 8601 (``2023-01-01T00:00:00``, ``2023-01-01 00:00`` or with a
      trailing ``Z``); times without an offset are UTC, as the column name says;
    * rows may come in any order (the service lists the newest first); extra columns
      are ignored; a UTF-8 byte-order mark is allowed.

    Only ``Minutes5UTC`` is used for time (Danish clock time repeats an hour in
    October). Each five-minute value is assigned to its hour in Danish standard time
    (UTC+1, the time zone of :class:`~smartcity.weather.Weather`) and the values of an
    hour are averaged.

    Parameters
    ----------
    path : str or Path
        The CSV file.
    price_area : {'DK1', 'DK2'}
        Price area whose rows are read. Aalborg lies in DK1.
    year : int, optional
        Return only this year (standard time), which must then be complete (8760 or
        8784 hours). Without it, all hours from the first to the last in the file, which
        must have no gaps.

    Returns
    -------
    pandas.Series
        Hourly mean intensity [g/kWh], float64, indexed by the start of each hour in
        Danish standard time (``'Etc/GMT-1'``), named ``co2_g_per_kwh``.

    Raises
    ------
    InputError
        Naming the file, and the line and column where they apply: unreadable file,
        missing column, a line with the wrong number of fields, a time that is not ISO
        8601, a value that is not a number or is out of [0, 2000] g/kWh, no rows for
        the price area, the same time twice, or missing hours.

    References
    ----------
    .. [1] Energinet, Energi Data Service, "CO2 Emission" (CO2Emis).
       https://www.energidataservice.dk/tso-electricity/CO2Emis
    """
    path = Path(path)
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
                         allowed="a header line with " + ", ".join(_ENERGINET_COLUMNS) + ", then data rows")
    delimiter = ";" if ";" in lines[header_at] else ","
    header = [name.strip().lstrip("\ufeff") for name in next(csv.reader([lines[header_at]], delimiter=delimiter))]
    for column in (_ENERGINET_TIME, _ENERGINET_AREA, _ENERGINET_VALUE):
        if column not in header:
            raise InputError("missing required column", file=path, row=header_at + 1, line=True,
                             column=column, allowed="the columns of the 'CO2 Emission' dataset: "
                             + ", ".join(_ENERGINET_COLUMNS))
    i_time, i_area, i_value = (header.index(c) for c in (_ENERGINET_TIME, _ENERGINET_AREA, _ENERGINET_VALUE))

    numbers = [i + 1 for i in range(header_at + 1, len(lines)) if lines[i].strip()]
    records = list(csv.reader((lines[n - 1] for n in numbers), delimiter=delimiter))
    for line_no, fields in zip(numbers, records):
        if len(fields) != len(header):
            raise InputError(f"expected {len(header)} fields separated by '{delimiter}', found {len(fields)}",
                             file=path, row=line_no, line=True, value=lines[line_no - 1][:80])
    if not records:
        raise InputError("no data rows", file=path, allowed="one row per five minutes and price area")
    line_of = np.asarray(numbers, dtype=np.int64)
    times_text = pd.Series([r[i_time].strip() for r in records], dtype=object)
    areas = np.asarray([r[i_area].strip() for r in records], dtype=object)
    values_text = pd.Series([r[i_value].strip() for r in records], dtype=object)

    values = pd.to_numeric(values_text.str.replace(",", ".", regex=False), errors="coerce").to_numpy(np.float64)
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size:
        i = int(bad[0])
        raise InputError("not a number" if values_text[i] else "missing value", file=path,
                         row=int(line_of[i]), line=True, column=_ENERGINET_VALUE, value=values_text[i],
                         allowed="a number of g CO2/kWh (decimal point or comma)")
    bad = np.flatnonzero((values < 0.0) | (values > _MAX_INTENSITY))
    if bad.size:
        i = int(bad[0])
        raise InputError("value out of range", file=path, row=int(line_of[i]), line=True,
                         column=_ENERGINET_VALUE, value=float(values[i]),
                         allowed=f"a number in [0, {_MAX_INTENSITY:g}] [g/kWh]")
    times = _parse_utc(times_text)
    bad = np.flatnonzero(times.isna().to_numpy())
    if bad.size:
        i = int(bad[0])
        raise InputError("not an ISO 8601 time", file=path, row=int(line_of[i]), line=True,
                         column=_ENERGINET_TIME, value=times_text[i],
                         allowed="e.g. 2023-01-01T00:00:00 or 2023-01-01 00:00 (UTC)")

    selected = np.flatnonzero(areas == price_area)
    if not selected.size:
        present = sorted(set(areas.tolist()))
        raise InputError("no rows for this price area", file=path, column=_ENERGINET_AREA, value=price_area,
                         allowed="a price area present in the file: " + ", ".join(present))
    utc = pd.DatetimeIndex(times.to_numpy()[selected])
    lines_sel = line_of[selected]
    order = np.argsort(utc.asi8, kind="stable")
    utc, lines_sel, vals = utc[order], lines_sel[order], values[selected][order]
    duplicated = np.flatnonzero(utc.duplicated())
    if duplicated.size:
        i = int(duplicated[0])
        raise InputError(f"the same time appears twice for {price_area}", file=path, row=int(lines_sel[i]),
                         line=True, column=_ENERGINET_TIME, value=utc[i].isoformat(),
                         allowed="one row per time and price area")

    hours = utc.tz_convert(LOCAL_STANDARD_TIME).floor("h")
    hourly = pd.Series(vals, index=hours).groupby(level=0).mean()
    if year is not None:
        n_hours = 8784 if _is_leap(int(year)) else 8760
        expected = pd.date_range(pd.Timestamp(year=int(year), month=1, day=1, tz=LOCAL_STANDARD_TIME),
                                 periods=n_hours, freq="h")
        hourly = hourly[hourly.index.year == int(year)]
        if hourly.empty:
            raise InputError(f"no data for {year} in {price_area}", file=path, column=_ENERGINET_TIME,
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
            "(Danish standard time)", file=path, column=_ENERGINET_TIME,
            allowed="every hour of the period" + (f" {year}" if year is not None else ""), **where)
    hourly = hourly.reindex(expected).astype(np.float64)
    hourly.index.name = "time"
    hourly.name = "co2_g_per_kwh"
    hourly.attrs.update({"units": "g/kWh", "price_area": price_area, "source": str(path)})
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


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


#: Parameters of :func:`default_grid_shape` (relative amplitudes, days and hours).
GRID_SHAPE_PARAMETERS = {
    "seasonal_amplitude": 0.20,
    "peak_day": 15.0,
    "evening_amplitude": 0.10,
    "evening_hour": 18.0,
    "evening_width_h": 2.0,
    "night_amplitude": 0.05,
    "night_hour": 3.0,
    "night_width_h": 2.5,
    "solar_amplitude": 0.15,
    "solar_hour": 12.5,
    "solar_width_h": 2.5,
}


def default_grid_shape(index: pd.DatetimeIndex) -> np.ndarray:
    """Built-in hourly shape of the grid's carbon intensity, mean 1 (an assumption).

    No measured hourly series for Danish electricity ships with the package, so this
    shape is constructed; it should be replaced by a measured year (Energi Data Service,
    :func:`read_energinet_co2`) where one is at hand. Before normalisation to mean 1,

        s(t) = 1 + A_s cos(2π (d − d_peak) / 365.25)
                 + A_e g(h; 18 h, 2 h) − A_n g(h; 3 h, 2.5 h)
                 − A_pv w_summer(d) g(h; 12.5 h, 2.5 h),

    with d the day of the year, h the mid-hour clock hour of ``index``,
    g(h; μ, σ) = exp(−½ ((h − μ)/σ)²) on a 24-hour circle and
    w_summer = (1 − cos(2π (d − d_peak)/365.25)) / 2. The reasons, each a judgement
    rather than a fit (amplitudes in :data:`GRID_SHAPE_PARAMETERS`):

    * winter higher (A_s = 0.20, peak mid-January): combined heat and power plants on
      fossil and biomass fuels run for heat in winter and demand peaks then;
    * evening peak (A_e = 0.10 at 18 h): peak demand is met by thermal plants and
      imports once solar output has gone;
    * night trough (A_n = 0.05 at 3 h): low demand, so wind covers a larger share;
    * summer midday dip (A_pv = 0.15 at 12.5 h, weighted by summer): solar PV.

    Weather (wind, which drives most of the real variation in DK1) is not used: the
    built-in reference year has no synoptic wind variation.

    Parameters
    ----------
    index : pandas.DatetimeIndex
        Start of each hour (local time of the weather, e.g. ``Weather.index``).

    Returns
    -------
    numpy.ndarray
        Shape (len(index),), positive, mean exactly 1 up to rounding. [-]
    """
    if not isinstance(index, pd.DatetimeIndex):
        raise ValueError(f"index: expected a pandas.DatetimeIndex, got {type(index).__name__}")
    if len(index) == 0:
        raise ValueError("index: empty")
    p = GRID_SHAPE_PARAMETERS
    day = index.day_of_year.to_numpy(dtype=np.float64)
    hour = index.hour.to_numpy(dtype=np.float64) + index.minute.to_numpy(dtype=np.float64) / 60.0 + 0.5
    season = np.cos(2.0 * np.pi * (day - p["peak_day"]) / _DAYS_PER_YEAR)

    def bump(centre: float, width: float) -> np.ndarray:
        distance = (hour - centre + 12.0) % 24.0 - 12.0
        return np.exp(-0.5 * (distance / width) ** 2)

    shape = (1.0 + p["seasonal_amplitude"] * season
             + p["evening_amplitude"] * bump(p["evening_hour"], p["evening_width_h"])
             - p["night_amplitude"] * bump(p["night_hour"], p["night_width_h"])
             - p["solar_amplitude"] * 0.5 * (1.0 - season) * bump(p["solar_hour"], p["solar_width_h"]))
    shape = np.maximum(shape, 0.05)
    return shape / shape.mean()


def _align_hours(values: np.ndarray, n_h: int) -> np.ndarray:
    """Match an hourly year to ``n_h`` hours by position, dropping or repeating 29 February."""
    n = values.shape[0]
    feb29 = slice(59 * 24, 60 * 24)
    if n == n_h:
        return values
    if n == 8784 and n_h == 8760:
        return np.delete(values, np.arange(feb29.start, feb29.stop))
    if n == 8760 and n_h == 8784:
        return np.insert(values, feb29.start, values[58 * 24:59 * 24])
    raise ValueError(f"shape: {n} hourly values do not match the {n_h} hours of index")


def grid_intensity(year: int, annual_mean_g_per_kwh, index: pd.DatetimeIndex, shape=None) -> np.ndarray:
    """Hourly carbon intensity of grid electricity for one simulated year.

    ``intensity = annual_mean × shape / mean(shape)``: the time mean over the hours of
    ``index`` equals the year's value of the trajectory. Note that the mean weighted by
    a district's consumption differs from it (more so where the demand follows the
    shape, e.g. electric heating in winter), as it does in reality.

    Parameters
    ----------
    year : int
        Simulated year; selects the trajectory's value. [a]
    annual_mean_g_per_kwh : float or Trajectory
        Yearly mean intensity [g/kWh], or a trajectory (e.g.
        ``SupplySection().electricity.emission_factor``) evaluated at ``year``.
    index : pandas.DatetimeIndex
        Start of each hour of the simulated weather year (``Weather.index``).
    shape : array_like or pandas.Series, optional
        Hourly shape, e.g. a measured series from :func:`read_energinet_co2`; only its
        relative variation is used. Matched to ``index`` by position (hour of the year);
        a leap year's 29 February is dropped, or 28 February repeated, if the lengths
        differ by that day. Default :func:`default_grid_shape` (an assumption).

    Returns
    -------
    numpy.ndarray
        Hourly intensity, shape (len(index),), >= 0. [g/kWh]

    Examples
    --------
    >>> index = pd.date_range("2030-01-01", periods=8760, freq="h", tz="Etc/GMT-1")
    >>> round(float(grid_intensity(2030, 40.0, index).mean()), 9)
    40.0
    """
    if not isinstance(index, pd.DatetimeIndex):
        raise ValueError(f"index: expected a pandas.DatetimeIndex, got {type(index).__name__}")
    if hasattr(annual_mean_g_per_kwh, "at"):
        mean = float(np.asarray(annual_mean_g_per_kwh.at([year]), dtype=np.float64)[0])
    else:
        mean = number("annual_mean_g_per_kwh", annual_mean_g_per_kwh, low=0.0, unit="g/kWh")
    if not (math.isfinite(mean) and mean >= 0.0):
        raise ValueError(f"annual mean intensity for {year} = {mean!r}: must be a number >= 0 [g/kWh]")
    if shape is None:
        values = default_grid_shape(index)
    else:
        raw = shape.to_numpy(dtype=np.float64) if isinstance(shape, pd.Series) else shape
        values = _align_hours(number_array("shape", raw, ndim=1, nonneg=True), len(index))
    total = values.mean() if values.size else 0.0
    if not total > 0.0:
        raise ValueError("shape: all values are zero, so it cannot be scaled to a mean")
    return mean * (values / total)
