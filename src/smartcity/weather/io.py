"""Reading and writing hourly weather files: EnergyPlus weather (EPW) files and the
package's simple CSV form (see :func:`read_weather_csv`).

Every reader returns a validated :class:`~smartcity.weather.container.Weather`. A CSV file
with GHI only gets DNI and DHI from the Erbs decomposition of
:mod:`smartcity.weather.solar`; pvlib is imported only when a file is read.
"""

from __future__ import annotations

import dataclasses
import io
import re
import zoneinfo
from datetime import timedelta, timezone
from pathlib import Path

import numpy as np
import pandas as pd

from smartcity.errors import InputError
from smartcity.schema.files import check_regular_file
from smartcity.weather.container import COLUMNS, OPTIONAL_COLUMNS, UNITS, Weather, _row, validate_weather
from smartcity.weather.solar import _day_of_year, _erbs, solar_position

__all__ = [
    "DEFAULT_WIND_SPEED",
    "DEFAULT_RELATIVE_HUMIDITY",
    "TYPICAL_YEAR",
    "read_epw",
    "read_weather_csv",
    "write_weather_csv",
]

# Filled in by the readers when a file has no wind speed or humidity. Assumption:
# typical Danish annual means; the energy models barely depend on them.
DEFAULT_WIND_SPEED = 5.0  # [m/s]
DEFAULT_RELATIVE_HUMIDITY = 80.0  # [%]

# The calendar year given to typical-year data (EPW files, the reference year). Any
# non-leap year works; 2015 starts on a Thursday.
TYPICAL_YEAR = 2015

_EPW_HEADER_LINES = 8

#: The pvlib column (:func:`pvlib.iotools.read_epw`) of each optional column of an EPW file
#: and the EPW data dictionary's missing-value code: a value at or above it is missing.
#: Horizontal infrared radiation (EPW field 13, Wh/m² over the hour = mean W/m²): 9999;
#: dew-point temperature (field 8) [°C]: 99.9; opaque sky cover (field 24) [tenths]: 99.
#: Source: EnergyPlus Auxiliary Programs, "Weather Converter Program", "EnergyPlus Weather
#: File (EPW) Data Dictionary", U.S. Department of Energy.
_EPW_OPTIONAL = {
    "ir_horizontal": ("ghi_infrared", 9999.0),
    "temp_dew": ("temp_dew", 99.9),
    "opaque_sky_cover": ("opaque_sky_cover", 99.0),
}


# --------------------------------------------------------------------------------------
# Readers and writer
# --------------------------------------------------------------------------------------

def read_epw(path: str | Path) -> Weather:
    """Read an EnergyPlus weather (EPW) file.

    The file is parsed by :func:`pvlib.iotools.read_epw`. Typical-year files mix
    months of different years, so every row gets the same calendar year: 2015, or 2016
    if the file holds 29 February. EPW rows are stamped at the END of their hour
    (hour 1 = 00:00-01:00); pvlib labels that row 00:00, which is this package's
    start-of-hour convention, so no further shift is applied. The index gets the
    file's UTC offset as a fixed-offset zone (``'Etc/GMT-1'`` for +1).

    Besides :data:`~smartcity.weather.container.COLUMNS`, the data get the optional
    columns ``ir_horizontal`` (horizontal infrared radiation from the sky, field 13,
    Wh/m² over the hour read as the hour's mean [W/m²]), ``temp_dew`` (dew-point
    temperature, field 8 [°C]) and ``opaque_sky_cover`` (field 24 [tenths]) [1]_. The
    missing-value codes of the data dictionary (9999, 99.9 and 99, and anything above)
    become NaN.

    Parameters
    ----------
    path : str or Path
        The ``.epw`` file.

    Returns
    -------
    Weather
        ``name`` is the file's city, ``source`` the path.

    Raises
    ------
    InputError
        If the file cannot be read or parsed, or fails :func:`validate_weather`
        (errors then name the file line).

    References
    ----------
    .. [1] EnergyPlus Auxiliary Programs, "Weather Converter Program", section
       "EnergyPlus Weather File (EPW) Data Dictionary". U.S. Department of Energy.
    .. [2] :func:`pvlib.iotools.read_epw`.
    """
    import pvlib

    path = Path(path)
    text = _read_text(path)
    data_lines = text.splitlines()[_EPW_HEADER_LINES:]
    year = TYPICAL_YEAR + 1 if _has_february_29(data_lines) else TYPICAL_YEAR
    try:
        raw, meta = pvlib.iotools.read_epw(io.StringIO(text), coerce_year=year)
        latitude = float(meta["latitude"])
        longitude = float(meta["longitude"])
        altitude = float(meta["altitude"])
        utc_offset = float(meta["TZ"])
    except (ValueError, KeyError, IndexError, TypeError, OverflowError) as exc:
        raise InputError(f"not a readable EPW file ({type(exc).__name__}: {exc})",
                         file=path,
                         allowed="an EnergyPlus weather file: 8 header lines "
                                 "(LOCATION first) and 35 comma-separated fields per "
                                 "hour") from exc
    first_line = _EPW_HEADER_LINES + 1
    data = pd.DataFrame({column: _numbers(raw[column], column, path, first_line=first_line)
                         for column in COLUMNS}, index=raw.index)
    for column, (pvlib_column, missing) in _EPW_OPTIONAL.items():
        if pvlib_column in raw.columns:
            values = _numbers(raw[pvlib_column], column, path, first_line=first_line)
            data[column] = np.where(values >= missing, np.nan, values)
    data.index = data.index.tz_convert(_fixed_offset_zone(utc_offset))
    data.index.name = "time"
    city = str(meta.get("city", "")).strip()
    weather = Weather(data=data, latitude=latitude, longitude=longitude,
                      altitude=altitude, name=city or path.stem, source=str(path))
    return validate_weather(weather, file=path, first_line=first_line)


def _has_february_29(data_lines: list[str]) -> bool:
    """Whether any EPW data line is dated 29 February."""
    for line in data_lines:
        fields = line.split(",", 3)
        if len(fields) >= 3 and fields[1].strip().lstrip("0") == "2" \
                and fields[2].strip() == "29":
            return True
    return False


def read_weather_csv(path: str | Path) -> Weather:
    """Read hourly weather from a simple CSV file.

    Format::

        # name = Aalborg reference year (smartcity)
        # latitude = 57.03
        # longitude = 10.0
        # altitude = 10
        # tz = Etc/GMT-1
        time,temp_air,ghi,dni,dhi,wind_speed,relative_humidity
        2015-01-01T00:00,1.23,0.0,0.0,0.0,5.9,90.1
        ...

    * Leading lines starting with ``#`` are comments; those of the form
      ``# key = value`` set metadata: ``latitude`` [deg north], ``longitude``
      [deg east], ``altitude`` [m], ``tz``, ``name``, ``source`` (other keys are
      ignored). ``latitude``, ``longitude`` and ``altitude`` may instead be columns
      holding one constant value. Latitude and longitude are required; altitude
      defaults to 0 m.
    * ``time``: ISO 8601, the START of each hour in local standard time, one row per
      hour of one year (8760, or 8784 in a leap year). Either all times carry the same
      UTC offset (``2015-01-01T00:00+01:00``) or none does and ``tz`` gives the
      zone. ``tz`` must have a fixed offset: ``Etc/GMT-1`` (= UTC+1, note the sign),
      ``UTC``, ``+01:00``.
    * Required columns ``time``, ``temp_air`` [°C], ``ghi`` [W/m²]. Optional ``dni``
      and ``dhi`` [W/m²], given together; without them GHI is split into DNI and DHI
      by the Erbs model [1]_ (:func:`pvlib.irradiance.erbs`) at the mid-hour solar
      position. Optional ``wind_speed`` [m/s] and ``relative_humidity`` [%]; missing
      ones are filled with :data:`DEFAULT_WIND_SPEED` (5 m/s) and
      :data:`DEFAULT_RELATIVE_HUMIDITY` (80 %), an assumption.
    * Optional ``ir_horizontal`` [W/m²], ``temp_dew`` [°C] and ``opaque_sky_cover``
      [tenths] (:data:`~smartcity.weather.container.OPTIONAL_COLUMNS`) are kept when
      present; an empty cell is a missing hour (NaN).

    Parameters
    ----------
    path : str or Path
        The ``.csv`` file.

    Returns
    -------
    Weather
        ``name`` from the ``name`` metadata (default: file stem); ``source`` is the
        ``source`` metadata followed by the path, or just the path.

    Raises
    ------
    InputError
        If the file cannot be read, a required column or metadata item is missing, a
        value is not a number, or the data fail :func:`validate_weather`.

    References
    ----------
    .. [1] Erbs, D. G., Klein, S. A., Duffie, J. A. (1982). Estimation of the diffuse
       radiation fraction for hourly, daily and monthly-average global radiation.
       Solar Energy 28(4), 293-302. https://doi.org/10.1016/0038-092X(82)90302-4
    """
    path = Path(path)
    text = _read_text(path)
    meta, meta_lines, n_comment_lines = _parse_comment_header(text, path)
    try:
        table = pd.read_csv(io.StringIO(text), skiprows=n_comment_lines, dtype=str,
                            skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise InputError(f"not a readable CSV table ({exc})", file=path) from exc
    table.columns = [str(c).strip() for c in table.columns]
    first_data_line = n_comment_lines + 2  # comment lines, then the header line

    for column in ("time", "temp_air", "ghi"):
        if column not in table.columns:
            raise InputError("missing required column", file=path, column=column,
                             allowed="columns time, temp_air, ghi (dni and dhi, "
                                     "wind_speed, relative_humidity optional)")
    has_dni, has_dhi = "dni" in table.columns, "dhi" in table.columns
    if has_dni != has_dhi:
        raise InputError("dni and dhi must be given together (or both left out)",
                         file=path, column="dhi" if has_dni else "dni")

    location = {}
    for key in ("latitude", "longitude", "altitude"):
        location[key] = _location_value(key, meta, meta_lines, table, path)
    if location["latitude"] is None or location["longitude"] is None:
        missing = "latitude" if location["latitude"] is None else "longitude"
        raise InputError("missing location", file=path, key=missing,
                         allowed=f"a comment line '# {missing} = <deg>' before the "
                                 f"header, or a column '{missing}'")
    if location["altitude"] is None:
        location["altitude"] = 0.0

    index = _parse_times(table["time"], meta.get("tz"), path)
    columns = {}
    for column in ("temp_air", "ghi", "dni", "dhi", "wind_speed", "relative_humidity"):
        if column in table.columns:
            columns[column] = _numbers(table[column], column, path)
    n = len(index)
    columns.setdefault("wind_speed", np.full(n, DEFAULT_WIND_SPEED))
    columns.setdefault("relative_humidity", np.full(n, DEFAULT_RELATIVE_HUMIDITY))
    if not has_dni:
        columns["dni"] = np.zeros(n)  # replaced below, after validation of the index
        columns["dhi"] = np.zeros(n)
    data = pd.DataFrame({c: columns[c] for c in COLUMNS}, index=index)
    for column in OPTIONAL_COLUMNS:
        if column in table.columns:
            data[column] = _numbers(table[column], column, path)

    if "source" in meta:
        source = f"{meta['source']} (file {path})"
    else:
        source = str(path)
    weather = Weather(data=data, latitude=location["latitude"],
                      longitude=location["longitude"], altitude=location["altitude"],
                      name=meta.get("name", path.stem), source=source)
    if not has_dni:
        validate_weather(weather, file=path, first_line=first_data_line)  # index and GHI first
        sun = solar_position(weather)
        dni, dhi = _erbs(weather.ghi, sun["zenith"].to_numpy(), _day_of_year(index))
        data = data.assign(dni=dni, dhi=dhi)
        weather = dataclasses.replace(weather, data=data)
    return validate_weather(weather, file=path, first_line=first_data_line)


def write_weather_csv(weather: Weather, path: str | Path, *, decimals: int = 2,
                      comments: list[str] | None = None,
                      metadata: dict[str, object] | None = None) -> Path:
    """Write weather in the CSV form read by :func:`read_weather_csv`.

    Times are written without offset (``2015-01-01T00:00``) and the zone as a ``tz``
    metadata line, which keeps the file small. Those of the optional columns
    (:data:`~smartcity.weather.container.OPTIONAL_COLUMNS`) that the data hold are
    written after the others, a missing hour (NaN) as an empty cell.

    Parameters
    ----------
    weather : Weather
        The weather to write.
    path : str or Path
        Output file; overwritten if it exists.
    decimals : int
        Values are rounded to this many decimals.
    comments : list of str, optional
        Free-text comment lines written first (without ``=`` signs after a leading
        word, so they are not read back as metadata).
    metadata : dict, optional
        Extra ``# key = value`` lines written after name, location, tz and source.

    Returns
    -------
    Path
        The written file.
    """
    path = Path(path)
    lines = [f"# {' '.join(text.split())}" for text in (comments or [])]
    header = {
        "name": weather.name,
        "latitude": weather.latitude,
        "longitude": weather.longitude,
        "altitude": weather.altitude,
        "tz": weather.tz,
        "source": weather.source,
    }
    header.update(metadata or {})
    lines += [f"# {key} = {' '.join(str(value).split())}" for key, value in header.items()]
    columns = list(COLUMNS) + [c for c in OPTIONAL_COLUMNS if c in weather.data.columns]
    table = weather.data[columns].round(decimals) + 0.0  # + 0.0 turns -0.0 into 0.0
    times = weather.data.index.strftime("%Y-%m-%dT%H:%M")
    table.insert(0, "time", times)
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write("\n".join(lines) + "\n")
        table.to_csv(handle, index=False, lineterminator="\n")
    return path


def _read_text(path: Path) -> str:
    """The file's text, or an InputError naming the file."""
    if path.exists():  # a device or pipe would be read without end
        check_regular_file(path, what="weather file")
    try:
        return path.read_text(encoding="utf-8-sig", errors="replace")
    except FileNotFoundError as exc:
        raise InputError("file not found", file=path) from exc
    except OSError as exc:
        raise InputError(f"cannot read file ({exc.strerror or exc})", file=path) from exc


_META_LINE = re.compile(r"^#\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$")


def _parse_comment_header(text: str, path: Path) -> tuple[dict, dict, int]:
    """Metadata of the leading comment lines.

    Returns the ``{key: value}`` strings, ``{key: line number}`` and the number of
    leading comment or blank lines.
    """
    meta, meta_lines = {}, {}
    n_lines = 0
    for n_lines, line in enumerate(text.splitlines()):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            break
        match = _META_LINE.match(stripped)
        if match:
            meta[match.group(1).lower()] = match.group(2)
            meta_lines[match.group(1).lower()] = n_lines + 1
    else:
        raise InputError("no table after the comment lines", file=path,
                         allowed="a header line with at least time, temp_air, ghi")
    return meta, meta_lines, n_lines


def _location_value(key: str, meta: dict, meta_lines: dict, table: pd.DataFrame,
                    path: Path) -> float | None:
    """Latitude, longitude or altitude from a metadata line or a constant column."""
    if key in meta:
        try:
            return float(meta[key])
        except ValueError as exc:
            raise InputError("not a number", file=path, key=key, row=meta_lines[key],
                             line=True, value=meta[key]) from exc
    if key in table.columns:
        values = _numbers(table[key], key, path)
        if values.size == 0 or np.isnan(values[0]) or np.any(values != values[0]):
            raise InputError("location column must hold one constant number", file=path,
                             column=key)
        return float(values[0])
    return None


def _numbers(column: pd.Series, name: str, path: Path,
             first_line: int | None = None) -> np.ndarray:
    """Column as float64; empty cells become NaN, text is an error naming its row."""
    values = pd.to_numeric(column, errors="coerce").to_numpy(dtype=np.float64)
    not_numbers = np.flatnonzero(np.isnan(values) & column.notna().to_numpy())
    if not_numbers.size:
        i = int(not_numbers[0])
        unit = UNITS.get(name, "m" if name == "altitude" else "deg")
        raise InputError("not a number", file=path, column=name, value=column.iloc[i],
                         allowed=f"a number [{unit}]",
                         **_row(i, first_line))
    return values


_OFFSET_SUFFIX = re.compile(r"(Z|[+-]\d{2}:?\d{2})$")


def _parse_times(column: pd.Series, tz_text: str | None, path: Path) -> pd.DatetimeIndex:
    """ISO 8601 strings to a DatetimeIndex in a fixed-offset local standard time."""
    text = column.fillna("").astype(str).str.strip()
    suffixes = text.str.extract(_OFFSET_SUFFIX.pattern, expand=False).fillna("")
    differs = np.flatnonzero((suffixes != suffixes.iloc[0]).to_numpy()) if len(text) else []
    if len(differs):
        i = int(differs[0])
        raise InputError("UTC offset differs from the first row's", file=path,
                         row=i + 1, column="time", value=text.iloc[i],
                         allowed="one fixed offset for all rows (local standard time, "
                                 "no daylight saving)")
    times = pd.to_datetime(text, format="ISO8601", errors="coerce")
    bad = np.flatnonzero(times.isna().to_numpy())
    if bad.size:
        i = int(bad[0])
        raise InputError("not an ISO 8601 time", file=path, row=i + 1, column="time",
                         value=text.iloc[i], allowed="e.g. 2015-01-01T00:00 or "
                                                     "2015-01-01T00:00+01:00")
    index = pd.DatetimeIndex(times, name="time")

    zone = None
    if tz_text is not None:
        zone = _zone_from_text(tz_text, path)
    if index.tz is None:
        if zone is None:
            raise InputError("time zone unknown", file=path, column="time",
                             allowed="a comment line '# tz = Etc/GMT-1' (UTC+1) or UTC "
                                     "offsets in the times, e.g. 2015-01-01T00:00+01:00")
        index = index.tz_localize(zone)
    elif zone is not None:
        index = index.tz_convert(zone)
    else:
        offset = index[0].utcoffset().total_seconds() / 3600.0 if len(index) else 0.0
        index = index.tz_convert(_fixed_offset_zone(offset))
    return index


def _zone_from_text(text: str, path: Path):
    """A fixed-offset time zone from ``'Etc/GMT-1'``, ``'UTC'`` or ``'+01:00'``."""
    match = re.fullmatch(r"(?:UTC|GMT)?\s*([+-])(\d{1,2})(?::?(\d{2}))?", text.strip())
    if match:
        sign = 1 if match.group(1) == "+" else -1
        hours = int(match.group(2)) + int(match.group(3) or 0) / 60.0
        return _fixed_offset_zone(sign * hours)
    try:
        zone = zoneinfo.ZoneInfo(text.strip())
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise InputError("unknown time zone", file=path, key="tz", value=text,
                         allowed="a fixed-offset zone such as Etc/GMT-1 (UTC+1) or "
                                 "+01:00") from exc
    winter = pd.Timestamp("2015-01-15", tz=zone).utcoffset()
    summer = pd.Timestamp("2015-07-15", tz=zone).utcoffset()
    if winter != summer:
        raise InputError("time zone has daylight saving time", file=path, key="tz",
                         value=text, allowed="local standard time with a fixed offset, "
                                             "e.g. Etc/GMT-1 for Denmark")
    return text.strip()


def _fixed_offset_zone(hours: float):
    """``'Etc/GMT-1'`` for UTC+1 (whole hours), else a :class:`datetime.timezone`."""
    if hours == 0:
        return "UTC"
    if float(hours).is_integer() and abs(hours) <= 14:
        return f"Etc/GMT{-int(hours):+d}"
    return timezone(timedelta(hours=hours))
