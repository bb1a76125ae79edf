"""Typical use profiles: hourly internal gains, setpoints, hot water and electricity by use.

Every building use of the buildings table (``schemas/buildings.toml``, column ``use``) has a
profile in ``smartcity/data/use_profiles.toml``: default values for the table's columns
marked ``filled_by = "use_profiles"`` (mean internal gains, heating setback, hot water and
appliance electricity per m2), the occupied and setback hours of a weekday and of a
weekend day, and 24-hour relative shapes of internal gains, hot water and electricity.
Every number in the file has a source or is flagged as an assumption with a reason.

The day type comes from the time index (:mod:`smartcity.energy.day_types`): Monday to
Friday are weekdays; Saturday, Sunday and, by default, the Danish public holidays use the
weekend profile. Clock hours are those of the index's own time zone; the weather readers
give local standard time, so in summer the schedules run one hour early against the
daylight-saving clock.

Shapes are normalised per calendar year: the hourly internal gains average to the row's
``internal_gains_w_m2`` over each calendar year the index touches, and the hourly fractions
of hot water and electricity sum to 1 over each calendar year. For an index covering one
full year (as the weather years do) these are the mean and sum over the index itself; a
shorter index receives its share of the year.

Functions
---------
load_use_profiles
    Read and check the profiles file (the shipped one is cached).
default_values
    Default column values per use, as a table.
fill_use_defaults
    Complete the missing ``filled_by = "use_profiles"`` values of a buildings table.
hourly_schedules
    Internal gains and heating and cooling setpoints per hour, one schedule per distinct
    combination, for :func:`smartcity.energy.thermal.simulate_5r1c`.
annual_dhw_kwh, dhw_shape, annual_electricity_kwh, electricity_shape
    Annual energy of one building of each row and the hourly fraction of it by use.
district_hourly
    Hourly sums by group, built use by use (memory does not grow with buildings x hours).
gains_shape, occupancy, setback_hours
    The pieces, for one use or one index.

References
----------
.. [1] ISO 13790:2008, Energy performance of buildings — Calculation of energy use for
   space heating and cooling, Annex G, Tables G.8 (dwellings) and G.9 (offices).
.. [2] SBi-anvisning 213, Bygningers energibehov (Be18 calculation rules), Danish
   Building Research Institute: internal gains (section 7.1), hot water 250 l/(m2 a) in
   dwellings and 100 l/(m2 a) in other buildings.
.. [3] TABULA/EPISCOPE Denmark building typology, national calculation method
   (internal gains 3 W/m2 in dwellings).
.. [4] EN 16147:2017 and Commission Regulation (EU) No 814/2013, Annex III: tapping cycle M.

Longer than the house limit of ~700 lines (about 830): the profiles file, the defaults it
fills and the hourly shapes and schedules built from it are one data set read one way; the
day types are in :mod:`smartcity.energy.day_types`.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from smartcity.energy.day_types import DayTypes, day_types
from smartcity.errors import InputError
from smartcity.schema.files import read_data_file
from smartcity.schema.quantities import Sourced, StrictModel
from smartcity.schema.tables import load_schema, row_location

__all__ = [
    "FILLER",
    "DefaultValue",
    "HourRanges",
    "DayShape",
    "UseProfile",
    "UseProfiles",
    "load_use_profiles",
    "filled_columns",
    "default_values",
    "fill_use_defaults",
    "gains_shape",
    "occupancy",
    "setback_hours",
    "hourly_schedules",
    "annual_dhw_kwh",
    "hourly_shape",
    "dhw_shape",
    "annual_electricity_kwh",
    "electricity_shape",
    "district_hourly",
]

#: Value of ``filled_by`` in ``schemas/buildings.toml`` for the columns filled here.
FILLER = "use_profiles"

_PROFILES_FILE = "data/use_profiles.toml"
_HOURS_PER_DAY = 24


# --------------------------------------------------------------------------------------
# The profiles file
# --------------------------------------------------------------------------------------


class _Sourced(Sourced):
    """An entry of the use-profiles file: its source or assumption, and an optional note."""

    note: str | None = Field(default=None, description="Alternatives and cross-checks.")


class DefaultValue(_Sourced):
    """Default of a buildings-table column for one use, with its unit and source."""

    value: float = Field(allow_inf_nan=False, description="The value, in `unit`.")
    unit: str = Field(description="Unit; must be the unit of the column in schemas/buildings.toml.")


class HourRanges(_Sourced):
    """Hours of a day as ``[start, end)`` pairs of clock hours, e.g. ``[[0, 6], [22, 24]]``."""

    hours: list[list[int]] = Field(description="Pairs [start, end) with 0 <= start < end <= 24, not overlapping.")

    @model_validator(mode="after")
    def _ranges(self) -> HourRanges:
        covered = np.zeros(_HOURS_PER_DAY, dtype=bool)
        for pair in self.hours:
            if len(pair) != 2 or not 0 <= pair[0] < pair[1] <= _HOURS_PER_DAY:
                raise PydanticCustomError(
                    "hour_range", "not an hour range",
                    {"value": pair, "allowed": "[start, end) with 0 <= start < end <= 24"},
                )
            if covered[pair[0]:pair[1]].any():
                raise PydanticCustomError(
                    "hour_overlap", "hour ranges overlap",
                    {"value": pair, "allowed": "ranges that do not overlap"},
                )
            covered[pair[0]:pair[1]] = True
        return self

    def mask(self) -> np.ndarray:
        """(24,) bool array, true in the listed hours."""
        covered = np.zeros(_HOURS_PER_DAY, dtype=bool)
        for start, end in self.hours:
            covered[start:end] = True
        return covered


class DayShape(_Sourced):
    """A 24-hour relative shape; value ``i`` belongs to the hour ``i:00``-``i+1:00``."""

    values: list[float] = Field(min_length=24, max_length=24, description="24 values >= 0; only ratios matter.")
    unit: Literal["1"] = Field(description="Relative values: '1'.")

    @model_validator(mode="after")
    def _non_negative(self) -> DayShape:
        for i, v in enumerate(self.values):
            if not (math.isfinite(v) and v >= 0.0):
                raise PydanticCustomError(
                    "shape_value", "shape value must be a finite number >= 0",
                    {"value": v, "allowed": f"a number >= 0 (hour {i})"},
                )
        return self

    def array(self) -> np.ndarray:
        """(24,) float array of the values."""
        return np.asarray(self.values, dtype=np.float64)


class UseProfile(StrictModel):
    """Typical profile of one building use."""

    description: str = Field(description="What the use covers.")
    internal_gains_w_m2: DefaultValue = Field(description="Annual mean internal heat gains. [W/m2]")
    heating_setback_k: DefaultValue = Field(description="Heating setpoint reduction in the setback hours. [K]")
    dhw_kwh_m2: DefaultValue = Field(description="Annual domestic hot water heat need. [kWh/(m2 a)]")
    electricity_kwh_m2: DefaultValue = Field(description="Annual appliance and lighting electricity. [kWh/(m2 a)]")
    occupied_weekday: HourRanges = Field(description="Hours in use, Monday to Friday.")
    occupied_weekend: HourRanges = Field(description="Hours in use, weekends and public holidays.")
    setback_weekday: HourRanges = Field(description="Hours with the reduced heating setpoint, Monday to Friday.")
    setback_weekend: HourRanges = Field(description="Hours with the reduced heating setpoint, weekends and holidays.")
    gains_weekday: DayShape = Field(description="Relative internal gains, Monday to Friday.")
    gains_weekend: DayShape = Field(description="Relative internal gains, weekends and holidays.")
    dhw_weekday: DayShape = Field(description="Relative hot water draw, Monday to Friday.")
    dhw_weekend: DayShape = Field(description="Relative hot water draw, weekends and holidays.")
    electricity_weekday: DayShape = Field(description="Relative electricity use, Monday to Friday.")
    electricity_weekend: DayShape = Field(description="Relative electricity use, weekends and holidays.")

    @model_validator(mode="after")
    def _consistent(self) -> UseProfile:
        columns = load_schema("buildings").columns
        for name in _DEFAULT_FIELDS:
            entry: DefaultValue = getattr(self, name)
            column = columns[name]
            if entry.unit != column.unit:
                raise PydanticCustomError(
                    "profile_unit", "wrong unit",
                    {"value": entry.unit, "allowed": repr(column.unit), "key": name},
                )
            low = column.min if column.min is not None else -math.inf
            high = column.max if column.max is not None else math.inf
            if not low <= entry.value <= high:
                raise PydanticCustomError(
                    "out_of_range", "value out of range",
                    {"value": entry.value, "allowed": column.allowed_text(), "key": name},
                )
        for kind in ("gains", "dhw", "electricity"):
            if sum(getattr(self, f"{kind}_weekday").values) + sum(getattr(self, f"{kind}_weekend").values) <= 0.0:
                raise PydanticCustomError(
                    "zero_shape", "the weekday and weekend shapes are both zero",
                    {"allowed": "at least one value > 0", "key": f"{kind}_weekday"},
                )
        return self

    def shape(self, kind: str) -> tuple[np.ndarray, np.ndarray]:
        """(weekday, weekend) 24-hour arrays of ``kind``: gains, dhw, electricity, occupied or setback."""
        weekday, weekend = getattr(self, f"{kind}_weekday"), getattr(self, f"{kind}_weekend")
        if isinstance(weekday, HourRanges):
            return weekday.mask(), weekend.mask()
        return weekday.array(), weekend.array()


class UseProfiles(StrictModel):
    """The profiles file: one :class:`UseProfile` per use of the buildings schema."""

    use: dict[str, UseProfile] = Field(description="Profiles by use, one for every allowed value of the column 'use'.")

    @model_validator(mode="before")
    @classmethod
    def _every_use(cls, data):
        # Checked before the profiles themselves, so a misspelt use is named as such.
        uses = data.get("use") if isinstance(data, dict) else None
        if not isinstance(uses, dict):
            return data
        allowed = load_schema("buildings").columns["use"].allowed
        unknown = [u for u in uses if u not in allowed]
        if unknown:
            raise PydanticCustomError(
                "unknown_use", "unknown use",
                {"value": unknown[0], "allowed": "the uses of schemas/buildings.toml: " + ", ".join(allowed)},
            )
        missing = [u for u in allowed if u not in uses]
        if missing:
            raise PydanticCustomError(
                "missing_use", "a use of the buildings schema has no profile",
                {"value": missing[0], "allowed": "a [use.<name>] table for each of " + ", ".join(allowed)},
            )
        return data


# The UseProfile fields that hold defaults of buildings-table columns.
_DEFAULT_FIELDS = ("internal_gains_w_m2", "heating_setback_k", "dhw_kwh_m2", "electricity_kwh_m2")




def load_use_profiles(path: str | Path | None = None) -> UseProfiles:
    """Read and check a use-profiles file.

    Parameters
    ----------
    path : str or Path, optional
        A TOML file laid out as ``smartcity/data/use_profiles.toml``. Default: that
        shipped file, read once and cached.

    Returns
    -------
    UseProfiles
        ``.use[name]`` is the :class:`UseProfile` of each use of the buildings schema.

    Raises
    ------
    InputError
        Unreadable or invalid TOML, an unknown or missing key or use, a wrong unit, a
        default outside the range of its buildings-table column, a shape that is not 24
        non-negative numbers, an hour range outside 0-24, or an entry with neither a
        source nor an assumption with a reason. The message names the file and key.
    """
    return read_data_file(UseProfiles, path, _PROFILES_FILE, "use-profiles")


def filled_columns() -> list[str]:
    """Columns of the buildings schema with ``filled_by = "use_profiles"``, in schema order."""
    return [c.name for c in load_schema("buildings").column if c.filled_by == FILLER]


def default_values(profiles: UseProfiles | None = None) -> pd.DataFrame:
    """Default column values by use.

    Parameters
    ----------
    profiles : UseProfiles, optional
        Default: :func:`load_use_profiles`.

    Returns
    -------
    pandas.DataFrame
        Index ``use``, one column per :func:`filled_columns` entry: ``internal_gains_w_m2``
        [W/m2], ``heating_setback_k`` [K], ``dhw_kwh_m2`` and ``electricity_kwh_m2``
        [kWh/(m2 a)].
    """
    profiles = load_use_profiles() if profiles is None else profiles
    rows = {use: {c: getattr(p, c).value for c in filled_columns()} for use, p in profiles.use.items()}
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=filled_columns())
    frame.index.name = "use"
    return frame


# --------------------------------------------------------------------------------------
# Buildings tables
# --------------------------------------------------------------------------------------


def _missing(values: pd.Series) -> np.ndarray:
    """True where a cell is empty: NaN, None or blank text."""
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return np.isnan(values.to_numpy(dtype=np.float64))
    return np.array(
        [v is None or (isinstance(v, str) and not v.strip()) or (isinstance(v, (float, np.floating)) and np.isnan(v))
         for v in values.to_numpy(dtype=object)],
        dtype=bool,
    )


def _uses(buildings: pd.DataFrame, rows: np.ndarray | None, column: str | None,
          profiles: UseProfiles) -> np.ndarray:
    """The ``use`` of each row as str array, checked for ``rows`` (default: all)."""
    if "use" not in buildings.columns:
        raise InputError(
            "the buildings table has no 'use' column to take typical values from",
            column=column or "use",
            allowed=f"values in column '{column}' or a 'use' column" if column else "a 'use' column",
        )
    uses = buildings["use"].to_numpy(dtype=object)
    check = np.arange(len(uses)) if rows is None else np.flatnonzero(rows)
    for i in check:
        if uses[i] not in profiles.use:
            raise InputError(
                "use has no profile", column="use", value=uses[i],
                allowed="one of " + ", ".join(repr(u) for u in profiles.use), **row_location(buildings, int(i)),
            )
    return uses


def fill_use_defaults(buildings: pd.DataFrame, columns: Sequence[str] | None = None, *,
                      profiles: UseProfiles | None = None) -> pd.DataFrame:
    """Complete the missing use-profile values of a buildings table.

    Parameters
    ----------
    buildings : pandas.DataFrame
        Buildings table (``schemas/buildings.toml``). Needs a ``use`` column where a value
        is missing.
    columns : sequence of str, optional
        Columns to complete; default all of :func:`filled_columns`
        (``internal_gains_w_m2`` [W/m2], ``heating_setback_k`` [K], ``dhw_kwh_m2`` and
        ``electricity_kwh_m2`` [kWh/(m2 a)]).
    profiles : UseProfiles, optional
        Default: :func:`load_use_profiles`.

    Returns
    -------
    pandas.DataFrame
        A copy, ``attrs`` included, in which every empty cell (NaN, None, blank) of these
        columns holds the default of the row's use; absent columns are added at the end.
        Given values are kept.

    Raises
    ------
    InputError
        A value is missing and the table has no ``use`` column, or the row's use has no
        profile, or a given value is not a number.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> table = pd.DataFrame({"use": ["office", "single_family"], "internal_gains_w_m2": [np.nan, 4.0]})
    >>> fill_use_defaults(table)[["internal_gains_w_m2", "heating_setback_k"]].to_numpy().tolist()
    [[7.34, 4.0], [4.0, 0.0]]
    """
    profiles = load_use_profiles() if profiles is None else profiles
    allowed = filled_columns()
    columns = allowed if columns is None else list(columns)
    for name in columns:
        if name not in allowed:
            raise ValueError(f"columns: {name!r} is not filled from use profiles; allowed: {', '.join(allowed)}")
    out = buildings.copy()
    out.attrs = copy.deepcopy(buildings.attrs)
    n_b = len(out)
    for name in columns:
        if name in out.columns:
            series = out[name]
            if series.dtype == np.float64:  # numbers already: only NaN is empty
                numbers = series.to_numpy(dtype=np.float64, copy=True)
                missing = np.isnan(numbers)
                if not missing.any():
                    continue
            else:
                missing = _missing(series)
                numbers = np.array(pd.to_numeric(series.where(~missing), errors="coerce"), dtype=np.float64)
                bad = np.isnan(numbers) & ~missing
                if bad.any():
                    i = int(np.argmax(bad))
                    raise InputError("not a number", column=name, value=series.iloc[i],
                                     allowed="a number or an empty cell", **row_location(buildings, i))
        else:
            missing = np.ones(n_b, dtype=bool)
            numbers = np.full(n_b, np.nan)
        if missing.any():
            uses = _uses(out, missing, name, profiles)
            defaults = {use: getattr(p, name).value for use, p in profiles.use.items()}
            numbers[missing] = [defaults[u] for u in uses[missing]]
        out[name] = numbers
    return out


# --------------------------------------------------------------------------------------
# Shapes by use
# --------------------------------------------------------------------------------------


def _profile(use: str, profiles: UseProfiles) -> UseProfile:
    try:
        return profiles.use[use]
    except (KeyError, TypeError):
        raise InputError("use has no profile", column="use", value=use,
                         allowed="one of " + ", ".join(repr(u) for u in profiles.use)) from None


def _normalised(use: str, kind: str, calendar: DayTypes, profiles: UseProfiles, *, mean: bool) -> np.ndarray:
    weekday, weekend = _profile(use, profiles).shape(kind)
    return calendar.normalised(weekday, weekend, mean=mean)


def gains_shape(use: str, index: pd.DatetimeIndex, *, public_holidays: bool = True,
                profiles: UseProfiles | None = None) -> np.ndarray:
    """Relative internal gains of a use per hour, averaging 1 over each calendar year.

    Parameters
    ----------
    use : str
        A use of the buildings schema.
    index : pandas.DatetimeIndex
        Hourly timestamps (local time of the index).
    public_holidays : bool, default True
        Danish public holidays take the weekend profile.
    profiles : UseProfiles, optional
        Default: :func:`load_use_profiles`.

    Returns
    -------
    (n_h,) ndarray
        Multiply by the mean gains [W/m2] for the hourly gains [W/m2]. [-]

    References
    ----------
    .. [1] ISO 13790:2008, Annex G, Tables G.8 and G.9.
    """
    profiles = load_use_profiles() if profiles is None else profiles
    return _normalised(use, "gains", day_types(index, public_holidays), profiles, mean=True)


def occupancy(use: str, index: pd.DatetimeIndex, *, public_holidays: bool = True,
              profiles: UseProfiles | None = None) -> np.ndarray:
    """Whether a building of ``use`` is in use in each hour.

    Parameters
    ----------
    use : str
        A use of the buildings schema.
    index : pandas.DatetimeIndex
        Hourly timestamps (local time of the index).
    public_holidays : bool, default True
        Danish public holidays take the weekend hours.
    profiles : UseProfiles, optional
        Default: :func:`load_use_profiles`.

    Returns
    -------
    (n_h,) bool ndarray
        True in the use's ``occupied_weekday`` / ``occupied_weekend`` hours.
    """
    profiles = load_use_profiles() if profiles is None else profiles
    calendar = day_types(index, public_holidays)
    return calendar.values(*_profile(use, profiles).shape("occupied"))


def setback_hours(use: str, index: pd.DatetimeIndex, *, public_holidays: bool = True,
                  profiles: UseProfiles | None = None) -> np.ndarray:
    """Whether the heating setpoint of ``use`` is lowered in each hour.

    Parameters
    ----------
    use : str
        A use of the buildings schema.
    index : pandas.DatetimeIndex
        Hourly timestamps (local time of the index).
    public_holidays : bool, default True
        Danish public holidays take the weekend hours.
    profiles : UseProfiles, optional
        Default: :func:`load_use_profiles`.

    Returns
    -------
    (n_h,) bool ndarray
        True in the use's ``setback_weekday`` / ``setback_weekend`` hours, in which
        :func:`hourly_schedules` lowers the setpoint by ``heating_setback_k``.

    References
    ----------
    .. [1] ISO 13790:2008, §13 (set-points; intermittent heating with set-back periods).
    """
    profiles = load_use_profiles() if profiles is None else profiles
    calendar = day_types(index, public_holidays)
    return calendar.values(*_profile(use, profiles).shape("setback"))


def hourly_shape(use: str, index: pd.DatetimeIndex, kind: Literal["dhw", "electricity"], *,
                 public_holidays: bool = True, profiles: UseProfiles | None = None) -> np.ndarray:
    """Fraction of the annual hot water heat need (``kind="dhw"``) or appliance and lighting
    electricity (``kind="electricity"``) of ``use`` in each hour.

    Parameters
    ----------
    use : str
        A use of the buildings schema.
    index : pandas.DatetimeIndex
        Hourly timestamps (local time of the index).
    kind : {"dhw", "electricity"}
        Which day shapes of the use profiles.
    public_holidays : bool, default True
        Danish public holidays take the weekend profile.
    profiles : UseProfiles, optional
        Default: :func:`load_use_profiles`.

    Returns
    -------
    (n_h,) ndarray
        Sums to 1 over each calendar year (over the index, if it is one full year).
        Multiply by an annual energy [kWh] for the energy of each hour [kWh], i.e. the
        mean power [kW]. [1/h]

    References
    ----------
    .. [1] EN 16147:2017, tapping cycle M (timing of the residential draw-offs).
    .. [2] SBi-anvisning 213 (Be18), section 7.1.4: appliances in the use time only.
    """
    if kind not in ("dhw", "electricity"):
        raise ValueError(f"kind = {kind!r}: must be 'dhw' or 'electricity'")
    profiles = load_use_profiles() if profiles is None else profiles
    return _normalised(use, kind, day_types(index, public_holidays), profiles, mean=False)


def dhw_shape(use: str, index: pd.DatetimeIndex, **options) -> np.ndarray:
    """:func:`hourly_shape` of the hot water heat need. [1/h]"""
    return hourly_shape(use, index, "dhw", **options)


def electricity_shape(use: str, index: pd.DatetimeIndex, **options) -> np.ndarray:
    """:func:`hourly_shape` of the appliance and lighting electricity. [1/h]"""
    return hourly_shape(use, index, "electricity", **options)


# --------------------------------------------------------------------------------------
# Schedules for the thermal model
# --------------------------------------------------------------------------------------


def _numbers(buildings: pd.DataFrame, name: str, *, default: float | None = None, low: float | None = None,
             unit: str = "") -> np.ndarray:
    """A numeric column (or its schema default) checked to be finite and >= low."""
    if name not in buildings.columns:
        if default is None:
            raise InputError("the buildings table has no such column, and it has no default", column=name,
                             allowed="a column of schemas/buildings.toml")
        return np.full(len(buildings), float(default))
    series = buildings[name]
    if series.dtype == np.float64:
        values = series.to_numpy()
    else:
        values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64)
    bad = ~np.isfinite(values) | ((values < low) if low is not None else False)
    if np.any(bad):
        i = int(np.argmax(bad))
        allowed = "a finite number" + (f" >= {low:g}" if low is not None else "") + (f" [{unit}]" if unit else "")
        raise InputError("not an allowed number", column=name, value=buildings[name].iloc[i], allowed=allowed,
                         **row_location(buildings, i))
    return values


def hourly_schedules(buildings: pd.DataFrame, index: pd.DatetimeIndex, *, public_holidays: bool = True,
                     profiles: UseProfiles | None = None) -> dict[str, np.ndarray]:
    """Hourly internal gains and setpoints of a buildings table, one schedule per distinct row.

    Rows share a schedule when they have the same use, mean internal gains, heating
    setpoint, heating setback and cooling setpoint, so memory is O(n_s × n_h) with n_s
    the number of distinct combinations (at most the number of rows).

    Parameters
    ----------
    buildings : pandas.DataFrame
        Buildings table (``schemas/buildings.toml``) with a ``use`` column. Missing
        ``internal_gains_w_m2`` and ``heating_setback_k`` values take the use's default
        (:func:`fill_use_defaults`); absent setpoint columns take the schema default.
    index : pandas.DatetimeIndex
        The hours to simulate, e.g. the weather's index (local time of the index).
    public_holidays : bool, default True
        Danish public holidays take the weekend profile.
    profiles : UseProfiles, optional
        Default: :func:`load_use_profiles`.

    Returns
    -------
    dict
        ``internal_gains`` (n_s, n_h): the use's gains shape scaled so that its mean over
        each calendar year equals the row's ``internal_gains_w_m2`` [W/m2];
        ``heating_setpoint`` (n_s, n_h): the row's ``heating_setpoint_c``, lowered by
        ``heating_setback_k`` in the use's setback hours [°C]; ``cooling_setpoint``
        (n_s, n_h): the row's ``cooling_setpoint_c`` [°C]; ``schedule_index`` (n_b,)
        int64: the schedule of each row. These are the schedule arguments of
        :func:`smartcity.energy.thermal.simulate_5r1c`.

    Raises
    ------
    InputError
        No ``use`` column, a use without profile, or a non-finite or negative value;
        the message names the column and row.
    ValueError
        ``index`` is not a non-empty DatetimeIndex of whole hours.

    References
    ----------
    .. [1] ISO 13790:2008, §13 (intermittent heating: the set-point schedule) and Annex G.
    """
    profiles = load_use_profiles() if profiles is None else profiles
    calendar = day_types(index, public_holidays)
    table = fill_use_defaults(buildings, ["internal_gains_w_m2", "heating_setback_k"], profiles=profiles)
    uses = _uses(table, None, None, profiles)
    defaults = {c.name: c.default for c in load_schema("buildings").column}
    gains = _numbers(table, "internal_gains_w_m2", low=0.0, unit="W/m2")
    heating = _numbers(table, "heating_setpoint_c", default=defaults["heating_setpoint_c"], unit="degC")
    setback = _numbers(table, "heating_setback_k", low=0.0, unit="K")
    cooling = _numbers(table, "cooling_setpoint_c", default=defaults["cooling_setpoint_c"], unit="degC")

    names = list(profiles.use)
    codes = np.array([names.index(u) for u in uses], dtype=np.float64)
    keys = np.column_stack([codes, gains, heating, setback, cooling])
    if len(keys):
        unique, schedule_index = np.unique(keys, axis=0, return_inverse=True)
    else:
        unique, schedule_index = np.zeros((0, 5)), np.zeros(0, dtype=np.int64)
    n_s, n_h = len(unique), calendar.n_hours
    internal_gains = np.empty((n_s, n_h))
    heating_setpoint = np.empty((n_s, n_h))
    cooling_setpoint = np.empty((n_s, n_h))
    per_use: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    for s, (code, gain, heat, reduction, cool) in enumerate(unique):
        if int(code) not in per_use:
            use = names[int(code)]
            lowered = calendar.values(*profiles.use[use].shape("setback")).astype(np.float64)
            per_use[int(code)] = (_normalised(use, "gains", calendar, profiles, mean=True), lowered)
        shape, lowered = per_use[int(code)]
        internal_gains[s] = gain * shape
        heating_setpoint[s] = heat - reduction * lowered
        cooling_setpoint[s] = cool
    return {
        "internal_gains": internal_gains,
        "heating_setpoint": heating_setpoint,
        "cooling_setpoint": cooling_setpoint,
        "schedule_index": np.asarray(schedule_index, dtype=np.int64).reshape(len(keys)),
    }


# --------------------------------------------------------------------------------------
# Hot water and electricity
# --------------------------------------------------------------------------------------


def _annual(buildings: pd.DataFrame, column: str, profiles: UseProfiles | None) -> np.ndarray:
    table = fill_use_defaults(buildings, [column], profiles=profiles)
    per_m2 = _numbers(table, column, low=0.0, unit="kWh/(m2 a)")
    area = _numbers(table, "heated_floor_area_m2", low=0.0, unit="m2")
    return per_m2 * area


def annual_dhw_kwh(buildings: pd.DataFrame, *, profiles: UseProfiles | None = None) -> np.ndarray:
    """Annual domestic hot water heat need of one building of each row.

    Parameters
    ----------
    buildings : pandas.DataFrame
        Buildings table; missing ``dhw_kwh_m2`` values take the use's default.
    profiles : UseProfiles, optional
        Default: :func:`load_use_profiles`.

    Returns
    -------
    (n_b,) ndarray
        ``dhw_kwh_m2`` × ``heated_floor_area_m2``: heat tapped at the draw-offs, without
        storage and circulation losses. Multiply by ``count`` for the row. [kWh/a]

    References
    ----------
    .. [1] SBi-anvisning 213 (Be18): 250 l/(m2 a) in dwellings, 100 l/(m2 a) in other
       buildings, heated from 10 to 55 °C.
    """
    return _annual(buildings, "dhw_kwh_m2", profiles)


def annual_electricity_kwh(buildings: pd.DataFrame, *, profiles: UseProfiles | None = None) -> np.ndarray:
    """Annual appliance and lighting electricity of one building of each row.

    Parameters
    ----------
    buildings : pandas.DataFrame
        Buildings table; missing ``electricity_kwh_m2`` values take the use's default.
    profiles : UseProfiles, optional
        Default: :func:`load_use_profiles`.

    Returns
    -------
    (n_b,) ndarray
        ``electricity_kwh_m2`` × ``heated_floor_area_m2``; heating, cooling, fans and hot
        water excluded. Multiply by ``count`` for the row. [kWh/a]

    References
    ----------
    .. [1] SBi-anvisning 213 (Be18), section 7.1.4 (appliances and lighting).
    """
    return _annual(buildings, "electricity_kwh_m2", profiles)


def district_hourly(
    buildings: pd.DataFrame,
    weights,
    per_building_kwh,
    shape_fn: Callable[[str, pd.DatetimeIndex], np.ndarray],
    index: pd.DatetimeIndex,
    group_index=None,
    n_groups: int = 1,
) -> np.ndarray:
    """Hourly energy of groups of rows, each row following the shape of its use.

    The rows' weighted energies are summed by group for one use at a time and spread
    over the hours with that use's shape, so memory is O(n_groups × n_h) whatever the
    number of buildings.

    Parameters
    ----------
    buildings : pandas.DataFrame
        Buildings table with a ``use`` column (n_b rows).
    weights : (n_b,) array_like
        Buildings each row stands for, e.g. ``count``, >= 0. [-]
    per_building_kwh : (n_b,) array_like
        Energy of one building of each row in a year, >= 0, e.g. from
        :func:`annual_dhw_kwh` or :func:`annual_electricity_kwh`. [kWh/a]
    shape_fn : callable
        ``shape_fn(use, index)`` returns the (n_h,) fraction of the annual energy in
        each hour, e.g. :func:`dhw_shape` or :func:`electricity_shape`. [1/h]
    index : pandas.DatetimeIndex
        The hours (n_h).
    group_index : (n_b,) array_like of int, optional
        Group of each row, in [0, n_groups); default all in group 0. [-]
    n_groups : int, default 1
        Number of groups. [-]

    Returns
    -------
    (n_groups, n_h) ndarray
        Energy of each group in each hour, i.e. its mean power over the hour. [kW]

    Examples
    --------
    >>> import pandas as pd
    >>> index = pd.date_range("2015-01-01", periods=8760, freq="h", tz="Etc/GMT-1")
    >>> table = pd.DataFrame({"use": ["office", "apartment_block"], "heated_floor_area_m2": [1000.0, 2000.0]})
    >>> kw = district_hourly(table, [1, 3], annual_dhw_kwh(table), dhw_shape, index)
    >>> round(float(kw.sum()), 6)  # 1 x 1000 m2 x 5.2 + 3 x 2000 m2 x 13.1 kWh
    83800.0
    """
    n_b = len(buildings)
    weights = _row_vector("weights", weights, n_b)
    energy = _row_vector("per_building_kwh", per_building_kwh, n_b)
    if isinstance(n_groups, bool) or not isinstance(n_groups, (int, np.integer)) or n_groups < 1:
        raise ValueError(f"n_groups = {n_groups!r}: must be an integer >= 1")
    if group_index is None:
        groups = np.zeros(n_b, dtype=np.int64)
    else:
        groups = np.asarray(group_index)
        if groups.shape != (n_b,) or groups.dtype.kind not in "iu":
            raise ValueError(f"group_index: expected ({n_b},) integers, got shape {groups.shape}, dtype {groups.dtype}")
        bad = (groups < 0) | (groups >= n_groups)
        if bad.any():
            i = int(np.argmax(bad))
            raise ValueError(f"group_index[{i}] = {int(groups[i])}: must be in [0, {n_groups - 1}]")
        groups = groups.astype(np.int64)
    n_h = day_types(index, True).n_hours  # checks the index once per index
    if "use" not in buildings.columns:
        raise InputError("the buildings table has no 'use' column", column="use", allowed="a 'use' column")
    uses = buildings["use"].to_numpy(dtype=object)
    out = np.zeros((int(n_groups), n_h))
    for use in pd.unique(uses):
        rows = uses == use
        totals = np.bincount(groups[rows], weights=weights[rows] * energy[rows], minlength=int(n_groups))
        used = np.flatnonzero(totals)
        if not used.size:
            continue
        shape = np.asarray(shape_fn(use, index), dtype=np.float64)
        if shape.shape != (n_h,):
            raise ValueError(f"shape_fn({use!r}, index): expected shape ({n_h},), got {shape.shape}")
        out[used] += totals[used, None] * shape[None, :]
    return out


def _row_vector(name: str, value, n_b: int) -> np.ndarray:
    array = np.asarray(value, dtype=np.float64)
    if array.shape != (n_b,):
        raise ValueError(f"{name}: expected shape ({n_b},) (one value per row), got {array.shape}")
    bad = ~np.isfinite(array) | (array < 0.0)
    if bad.any():
        i = int(np.argmax(bad))
        raise ValueError(f"{name}[{i}] = {float(array[i])!r}: must be a finite number >= 0")
    return array
