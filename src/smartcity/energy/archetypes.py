"""Missing geometry and envelope values of a buildings table, filled from archetypes.

The columns of ``schemas/buildings.toml`` marked ``filled_by = "archetypes"`` (room height,
envelope areas, window areas by orientation, U-values, g-value, air change and heat
recovery) may be absent from a buildings table or have empty cells.
:func:`fill_archetype_defaults` completes them from the archetype of the row's ``use`` and
``construction_year``, scaled to its ``heated_floor_area_m2``: the row that
:func:`smartcity.energy.bbr.archetype_row` builds from the TABULA DK example buildings
(dwellings: the TABULA example of the construction period scaled to the floor area;
tertiary uses: a box of the use's default storeys and plan depth with the envelope of the
TABULA apartment block of the period). So a table needs only ``building_id``, ``use``,
``construction_year``, ``count``, ``heated_floor_area_m2`` and ``heating_system``; any value
given is kept.

Room height and heat recovery go with the air change: where a row's ``ventilation_ach`` is
taken from the archetype, a missing ``room_height_m`` or ``heat_recovery_efficiency`` is the
archetype's too (the archetype's air change is defined for its room height and its heat
recovery); where ``ventilation_ach`` is given, they take the schema default (2.5 m, 0).

References
----------
.. [1] TABULA/EPISCOPE building typology, Denmark: tabula_DK.csv (2014); Wittchen, K. B.,
   Kragh, J. (2012). Danish building typologies. SBi 2012:01, Danish Building Research
   Institute. See :mod:`smartcity.energy.bbr`.
"""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd

from smartcity.energy.bbr import archetype_row, tabula_archetypes
from smartcity.errors import InputError
from smartcity.schema.tables import load_schema, row_location

__all__ = ["FILLER", "COUPLED_COLUMNS", "KEY_COLUMNS", "filled_columns", "fill_archetype_defaults"]

#: Value of ``filled_by`` in ``schemas/buildings.toml`` for the columns filled here.
FILLER = "archetypes"

#: Columns that take the archetype's value only where the row's air change does too.
COUPLED_COLUMNS = ("room_height_m", "heat_recovery_efficiency")

#: Columns that select and scale the archetype of a row.
KEY_COLUMNS = ("use", "construction_year", "heated_floor_area_m2")


def filled_columns() -> list[str]:
    """Columns of the buildings schema with ``filled_by = "archetypes"``, in schema order."""
    return [c.name for c in load_schema("buildings").column if c.filled_by == FILLER]


def _missing(series: pd.Series) -> np.ndarray:
    values = series.to_numpy(dtype=object)
    return np.array([v is None or (isinstance(v, str) and not v.strip())
                     or (isinstance(v, (float, np.floating)) and np.isnan(v)) for v in values], dtype=bool)


def _numbers(buildings: pd.DataFrame, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Values of a column as floats and the mask of its empty cells (all empty if absent)."""
    n = len(buildings)
    if name not in buildings.columns:
        return np.full(n, np.nan), np.ones(n, dtype=bool)
    series = buildings[name]
    missing = _missing(series)
    numbers = np.array(pd.to_numeric(series.where(~missing), errors="coerce"), dtype=np.float64)
    bad = ~np.isfinite(numbers) & ~missing
    if bad.any():
        i = int(np.argmax(bad))
        raise InputError("not a finite number", column=name, value=series.iloc[i],
                         allowed="a number or an empty cell", **row_location(buildings, i))
    return numbers, missing


def _keys(buildings: pd.DataFrame, i: int) -> tuple[str, int, float]:
    """``use``, ``construction_year`` and ``heated_floor_area_m2`` of row ``i``, checked."""
    schema = load_schema("buildings").columns
    where = row_location(buildings, i)
    for name in KEY_COLUMNS:
        if name not in buildings.columns:
            raise InputError("column needed to fill values from the archetypes is missing", column=name,
                             value=None, allowed=schema[name].allowed_text(), **where)
    use = buildings["use"].iloc[i]
    allowed_uses = schema["use"].allowed or []
    if not isinstance(use, str) or use.strip() not in allowed_uses:
        raise InputError("no archetype for this use", column="use", value=use,
                         allowed=schema["use"].allowed_text(), **where)
    year = pd.to_numeric(pd.Series([buildings["construction_year"].iloc[i]]), errors="coerce").iloc[0]
    col = schema["construction_year"]
    if not (np.isfinite(year) and float(year).is_integer() and col.min <= year <= col.max):
        raise InputError("no archetype for this construction year", column="construction_year",
                         value=buildings["construction_year"].iloc[i], allowed=col.allowed_text(), **where)
    area = pd.to_numeric(pd.Series([buildings["heated_floor_area_m2"].iloc[i]]), errors="coerce").iloc[0]
    col = schema["heated_floor_area_m2"]
    if not (np.isfinite(area) and col.min < area <= col.max):
        raise InputError("the archetype cannot be scaled to this floor area", column="heated_floor_area_m2",
                         value=buildings["heated_floor_area_m2"].iloc[i], allowed=col.allowed_text(), **where)
    return use.strip(), int(year), float(area)


def fill_archetype_defaults(buildings: pd.DataFrame, *, archetypes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Complete the missing archetype values of a buildings table.

    Parameters
    ----------
    buildings : pandas.DataFrame
        Buildings table (``schemas/buildings.toml``), e.g. from
        :func:`smartcity.schema.tables.read_table`. Rows with a value to fill from the archetype
        need ``use``, ``construction_year`` [a] and ``heated_floor_area_m2`` [m2].
    archetypes : pandas.DataFrame, optional
        Default :func:`smartcity.energy.bbr.tabula_archetypes`.

    Returns
    -------
    pandas.DataFrame
        A copy, ``attrs`` included, in which every empty cell (NaN, None, blank) of the
        columns of :func:`filled_columns` holds the value of
        :func:`smartcity.energy.bbr.archetype_row` for the row's use, construction year
        and floor area (areas in m2, U-values in W/(m2 K), air change in 1/h); a missing
        ``room_height_m`` or ``heat_recovery_efficiency`` takes the archetype's value only
        if the row's ``ventilation_ach`` does, else the schema default. Absent columns
        are added at the end. Given values are kept.

    Raises
    ------
    InputError
        A value must be taken from the archetype and ``use``, ``construction_year`` or
        ``heated_floor_area_m2`` is missing or not valid, or a given value of a filled
        column is not a finite number. The message names the row, column and value.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"use": ["apartment_block"], "construction_year": [1970],
    ...                       "heated_floor_area_m2": [1360.0], "u_roof_w_m2k": [0.2]})
    >>> filled = fill_archetype_defaults(table)
    >>> round(float(filled["wall_area_m2"].iloc[0]), 3), float(filled["u_roof_w_m2k"].iloc[0])
    (735.0, 0.2)
    """
    schema = load_schema("buildings").columns
    table = tabula_archetypes() if archetypes is None else archetypes
    columns = filled_columns()
    out = buildings.copy()
    out.attrs = copy.deepcopy(buildings.attrs)
    n = len(out)
    numbers, missing = {}, {}
    for name in columns:
        numbers[name], missing[name] = _numbers(buildings, name)
    own = [name for name in columns if name not in COUPLED_COLUMNS]
    ventilation_filled = missing.get("ventilation_ach", np.zeros(n, dtype=bool))
    from_archetype = {name: missing[name] if name not in COUPLED_COLUMNS else missing[name] & ventilation_filled
                      for name in columns}
    need = np.zeros(n, dtype=bool)
    for name in own:
        need |= missing[name]
    rows: dict[tuple[str, int, float], dict[str, object]] = {}
    for i in np.flatnonzero(need):
        key = _keys(buildings, int(i))
        if key not in rows:
            rows[key] = archetype_row(key[0], key[1], key[2], archetypes=table)
        values = rows[key]
        for name in columns:
            if from_archetype[name][i]:
                numbers[name][i] = float(values[name])
    for name in columns:
        rest = missing[name] & ~from_archetype[name]
        if rest.any():
            default = schema[name].default
            if default is None:  # not reached for the shipped schema: only coupled columns get here
                raise ValueError(f"column {name!r} has no default to fall back on")
            numbers[name][rest] = float(default)
        out[name] = numbers[name]
    return out
