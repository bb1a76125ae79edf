"""The :class:`Weather` container: one year of hourly weather at one place, its
columns, units and plausible limits, and :func:`validate_weather`.

A :class:`Weather` holds one year of hourly data in local standard time (a fixed UTC
offset, no daylight saving). Each index label is the START of its hour and each value
is the mean over that hour. Columns and units:

=====================  ======  ==============================================
column                 unit    meaning
=====================  ======  ==============================================
``temp_air``           °C      outdoor air temperature
``ghi``                W/m²    global horizontal irradiance
``dni``                W/m²    direct (beam) normal irradiance
``dhi``                W/m²    diffuse horizontal irradiance
``wind_speed``         m/s     wind speed at 10 m
``relative_humidity``  %       relative humidity
=====================  ======  ==============================================

Optional columns, kept when the source has them (:func:`~smartcity.weather.read_epw`
always adds them; the CSV reader when the file has them); NaN marks a missing hour:

=====================  ======  ==============================================
column                 unit    meaning
=====================  ======  ==============================================
``ir_horizontal``      W/m²    long-wave (infrared) irradiance from the sky on a
                               horizontal plane (EPW: Wh/m² over the hour)
``temp_dew``           °C      dew-point temperature
``opaque_sky_cover``   tenths  opaque sky cover, 0 (clear) to 10 (overcast)
=====================  ======  ==============================================
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from smartcity.errors import InputError

__all__ = ["COLUMNS", "OPTIONAL_COLUMNS", "UNITS", "LIMITS", "Weather", "validate_weather"]

COLUMNS = ("temp_air", "ghi", "dni", "dhi", "wind_speed", "relative_humidity")
"""Columns of :attr:`Weather.data`, in this order."""

OPTIONAL_COLUMNS = ("ir_horizontal", "temp_dew", "opaque_sky_cover")
"""Columns :attr:`Weather.data` may also hold, after :data:`COLUMNS`; NaN marks a missing hour."""

UNITS = {
    "temp_air": "°C",
    "ghi": "W/m²",
    "dni": "W/m²",
    "dhi": "W/m²",
    "wind_speed": "m/s",
    "relative_humidity": "%",
    "ir_horizontal": "W/m²",
    "temp_dew": "°C",
    "opaque_sky_cover": "tenths",
}
"""Unit of each column of :attr:`Weather.data` (:data:`COLUMNS` and :data:`OPTIONAL_COLUMNS`)."""

# Plausible ranges checked by validate_weather: (lowest, highest) per column.
LIMITS = {
    "temp_air": (-60.0, 60.0),
    "ghi": (0.0, 1500.0),
    "dni": (0.0, 1500.0),
    "dhi": (0.0, 1500.0),
    "wind_speed": (0.0, 60.0),
    "relative_humidity": (0.0, 100.0),
    # [W/m²] assumption: a black body at the highest air temperature above (60 °C) emits
    # 700 W/m²; 1000 W/m² leaves a margin for measured values.
    "ir_horizontal": (0.0, 1000.0),
    # [°C] the dew-point range of the EPW data dictionary (EnergyPlus Auxiliary Programs,
    # "Weather Converter Program"), capped at the highest air temperature above.
    "temp_dew": (-70.0, 60.0),
    # [tenths] 0 = clear to 10 = overcast, as in the EPW data dictionary.
    "opaque_sky_cover": (0.0, 10.0),
}

_HOUR = pd.Timedelta(hours=1)


# --------------------------------------------------------------------------------------
# The Weather container
# --------------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False, repr=False)
class Weather:
    """One year of hourly weather at one place.

    Build it with a reader (:func:`load_weather`, :func:`read_epw`,
    :func:`read_weather_csv`, :func:`reference_year`), which also validates it; a
    hand-built ``Weather`` can be checked with :func:`validate_weather`.

    Treat a ``Weather`` as immutable: do not modify ``data`` in place (copy it with
    ``data.copy()`` and build a new ``Weather`` with :func:`dataclasses.replace`).
    Two ``Weather`` objects are equal when their location, name, source and data are
    equal; equal objects hash alike, so a ``Weather`` can be a cache key.

    Parameters
    ----------
    data : pandas.DataFrame
        Hourly values with a tz-aware :class:`pandas.DatetimeIndex` in local standard
        time (fixed offset, e.g. ``'Etc/GMT-1'`` for UTC+1); each label is the start of
        its hour. Columns :data:`COLUMNS`: ``temp_air`` [°C], ``ghi``, ``dni``, ``dhi``
        [W/m²], ``wind_speed`` [m/s], ``relative_humidity`` [%], all float64; optionally
        also :data:`OPTIONAL_COLUMNS`: ``ir_horizontal`` [W/m²], ``temp_dew`` [°C],
        ``opaque_sky_cover`` [tenths], float64 with NaN for missing hours.
    latitude : float
        Latitude, north positive. [deg]
    longitude : float
        Longitude, east positive. [deg]
    altitude : float
        Height above sea level. [m]
    name : str
        Short description, e.g. ``"Aalborg reference year (smartcity)"``.
    source : str
        File path or description of how the data were made.
    """

    data: pd.DataFrame
    latitude: float
    longitude: float
    altitude: float
    name: str = "weather"
    source: str = ""

    @property
    def index(self) -> pd.DatetimeIndex:
        """Start of each hour, local standard time."""
        return self.data.index

    @property
    def n_hours(self) -> int:
        """Number of hours (8760, or 8784 in a leap year)."""
        return len(self.data)

    @property
    def tz(self) -> str:
        """Time zone of the index, e.g. ``'Etc/GMT-1'``."""
        return str(self.data.index.tz)

    @property
    def utc_offset(self) -> float:
        """Offset of local standard time from UTC. [h]"""
        return self.data.index[0].utcoffset().total_seconds() / 3600.0

    @property
    def hour_of_year(self) -> np.ndarray:
        """Hours since 1 January 00:00 of the first timestamp's year (int64). [h]"""
        index = self.data.index
        new_year = pd.Timestamp(year=index[0].year, month=1, day=1, tz=index.tz)
        return ((index - new_year) // _HOUR).to_numpy(dtype=np.int64)

    @property
    def temp_air(self) -> np.ndarray:
        """Outdoor air temperature (read-only float64 array). [°C]"""
        return self._column("temp_air")

    @property
    def ghi(self) -> np.ndarray:
        """Global horizontal irradiance (read-only float64 array). [W/m²]"""
        return self._column("ghi")

    @property
    def dni(self) -> np.ndarray:
        """Direct normal irradiance (read-only float64 array). [W/m²]"""
        return self._column("dni")

    @property
    def dhi(self) -> np.ndarray:
        """Diffuse horizontal irradiance (read-only float64 array). [W/m²]"""
        return self._column("dhi")

    @property
    def wind_speed(self) -> np.ndarray:
        """Wind speed (read-only float64 array). [m/s]"""
        return self._column("wind_speed")

    @property
    def relative_humidity(self) -> np.ndarray:
        """Relative humidity (read-only float64 array). [%]"""
        return self._column("relative_humidity")

    def _column(self, name: str) -> np.ndarray:
        values = self.data[name].to_numpy(dtype=np.float64)
        if values.flags.writeable:  # a fresh copy; make it read-only like the views
            values.flags.writeable = False
        return values

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Weather):
            return NotImplemented
        if self is other:
            return True
        same_meta = (
            (self.latitude, self.longitude, self.altitude, self.name, self.source)
            == (other.latitude, other.longitude, other.altitude, other.name, other.source)
        )
        return same_meta and self.data.equals(other.data)

    def __hash__(self) -> int:
        first = self.data.index[0] if len(self.data) else None
        return hash((self.latitude, self.longitude, self.altitude, self.name,
                     self.n_hours, first))

    def __repr__(self) -> str:
        start = self.data.index[0] if len(self.data) else None
        return (f"Weather(name={self.name!r}, latitude={self.latitude}, "
                f"longitude={self.longitude}, altitude={self.altitude}, "
                f"n_hours={self.n_hours}, start={start}, source={self.source!r})")


# --------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------

def validate_weather(weather: Weather, file: str | Path | None = None, *,
                     first_line: int | None = None) -> Weather:
    """Check that weather is one complete, plausible year of hourly data.

    Checks, in order: location in range; all :data:`COLUMNS` present; 8760 or 8784
    rows; a tz-aware index that steps by exactly one hour; numeric values without
    NaN; each column inside :data:`LIMITS` (temperature [-60, 60] °C, irradiance
    [0, 1500] W/m², wind speed [0, 60] m/s, relative humidity [0, 100] %). Those of
    :data:`OPTIONAL_COLUMNS` that are present must be numeric and inside :data:`LIMITS`
    (infrared irradiance [0, 1000] W/m², dew point [-70, 60] °C, opaque sky cover
    [0, 10] tenths) but may be NaN, which marks a missing hour.

    Parameters
    ----------
    weather : Weather
        The weather to check.
    file : str or Path, optional
        File the data came from, named in error messages.
    first_line : int, optional
        Line of ``file`` that holds the first data row. If given, errors name the file
        line; otherwise they name the 1-based data row (header = row 0).

    Returns
    -------
    Weather
        ``weather`` itself, so calls can be chained.

    Raises
    ------
    InputError
        On the first failed check, naming the file, the row or line, the timestamp,
        the column, the value and what is allowed.
    """
    data = weather.data
    if not isinstance(data, pd.DataFrame):
        raise InputError("weather data must be a pandas DataFrame", file=file,
                         value=type(data).__name__)

    for key, (low, high) in {"latitude": (-90.0, 90.0), "longitude": (-180.0, 180.0),
                             "altitude": (-500.0, 9000.0)}.items():
        value = getattr(weather, key)
        if not (isinstance(value, (int, float, np.number)) and low <= value <= high):
            raise InputError("location out of range", file=file, key=key, value=value,
                             allowed=f"a number in [{low:g}, {high:g}]")

    for column in COLUMNS:
        if column not in data.columns:
            raise InputError("missing required column", file=file, column=column,
                             allowed="columns " + ", ".join(COLUMNS))

    n_rows = len(data)
    if n_rows not in (8760, 8784):
        raise InputError("wrong number of hourly rows", file=file, value=n_rows,
                         allowed="8760 rows (8784 in a leap year): one per hour of one year")

    index = data.index
    if not isinstance(index, pd.DatetimeIndex) or index.tz is None:
        raise InputError("time index must be time-zone aware timestamps", file=file,
                         column="time", allowed="ISO 8601 times in local standard time")
    steps = index[1:] - index[:-1]
    bad = np.flatnonzero(steps != _HOUR)
    if bad.size:
        i = int(bad[0]) + 1
        raise InputError(f"time step from the previous row is {steps[i - 1]}, not 1 hour, "
                         f"at {index[i].isoformat()}", file=file, column="time",
                         value=str(index[i]), allowed="consecutive hours in increasing order",
                         **_row(i, first_line))

    for column in COLUMNS:
        try:
            values = data[column].to_numpy(dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise InputError(f"values are not numbers ({exc})", file=file,
                             column=column) from exc
        low, high = LIMITS[column]
        allowed = f"a number in [{low:g}, {high:g}] [{UNITS[column]}]"
        missing = np.flatnonzero(np.isnan(values))
        if missing.size:
            i = int(missing[0])
            raise InputError(f"missing value (NaN) at {index[i].isoformat()}", file=file,
                             column=column, value=float(values[i]), allowed=allowed,
                             **_row(i, first_line))
        outside = np.flatnonzero((values < low) | (values > high))
        if outside.size:
            i = int(outside[0])
            raise InputError(f"value out of range at {index[i].isoformat()}", file=file,
                             column=column, value=float(values[i]), allowed=allowed,
                             **_row(i, first_line))

    for column in OPTIONAL_COLUMNS:
        if column not in data.columns:
            continue
        try:
            values = data[column].to_numpy(dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise InputError(f"values are not numbers ({exc})", file=file,
                             column=column) from exc
        low, high = LIMITS[column]
        outside = np.flatnonzero((values < low) | (values > high))  # NaN (missing) passes
        if outside.size:
            i = int(outside[0])
            raise InputError(f"value out of range at {index[i].isoformat()}", file=file,
                             column=column, value=float(values[i]),
                             allowed=f"a number in [{low:g}, {high:g}] [{UNITS[column]}], "
                                     f"or empty (NaN) for a missing hour",
                             **_row(i, first_line))
    return weather


def _row(i: int, first_line: int | None) -> dict:
    """Location keywords of InputError for data row ``i`` (0-based)."""
    if first_line is None:
        return {"row": i + 1}
    return {"row": first_line + i, "line": True}
