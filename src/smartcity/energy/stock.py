"""The building stock of a year with the measures of stage ``stock`` applied.

:func:`stock_in_year` returns the buildings standing in a year (``construction_year <=
year``) with the measures applied. Each row eligible for a measure (its
:meth:`~smartcity.scenario.sections.measures.StockMeasure.eligible` rows of the table as
built) is split into a treated part (``count × share``) and an untreated part (``count ×
(1 - share)``), so ``count`` becomes a float weight; the measure's ``apply`` hook changes
the treated copy. Rules:

1. **Order.** Measures are applied in the order of the scenario's table (a parent's
   measures first, then those a variant adds). Where two measures change the same
   column of the same buildings, the later one acts on the state the earlier one left
   (a U-value: the better of the two; a heating system: the later one's).
2. **Filters see the stock as built.** A filter (and a heating switch's ``from_systems``)
   selects by the columns of the buildings table, not by what earlier measures changed.
   A measure's eligible stock is therefore the same whatever the other measures do.
3. **Independence.** Measures are assumed independent across the eligible stock: the
   share treated by measure B is the same among the buildings treated by A as among
   those not treated by A.
4. **Improvements only.** A measure never makes a building worse (its hook keeps the better
   value). A treated part that ends up identical to its untreated part is not split off.
5. **Merging.** Parts of one original row that end up identical in every column are
   merged (their counts added), so the table grows only with the measures that are
   part-way through their ramp on a row.

Bookkeeping columns: ``source_building_id`` (the original row), ``measures`` (the
``+``-joined ids of the measures applied to every building of the part, in order; ``''``
for none) and a unique ``building_id``: the original id for an untreated part, else
``<source id>|<measures>`` (``#2``, ``#3``, ... appended in the rare case of two parts with
one label, e.g. two programmes with the same effect). Effect columns, added with a neutral
value if the table lacks them: ``heating_setback_k`` [K], ``heat_demand_factor`` and
``electricity_demand_factor`` [1] (multiply the row's space-heating need and appliance
electricity), ``pv_kwp`` [kWp per building], ``pv_tilt_deg`` and ``pv_azimuth_deg`` [deg;
N = 0, S = 180; meaningless where ``pv_kwp`` is 0] and ``battery_kwh`` [kWh per building].

:func:`units_in_service` gives what the measures have installed by the end of each year
(m2, buildings, kW, kWp, kWh), for their costs (:mod:`smartcity.economics`).

The stock model receives the measures (duck-typed section objects of
:mod:`smartcity.scenario.sections.measures`); it never imports the scenario package.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from smartcity.energy import glazing
from smartcity.schema.tables import SourceLines

__all__ = [
    "EFFECT_COLUMNS", "Columns", "stock_in_year", "stock_parts", "apply_measures_for_years", "units_in_service",
    "residential_floor_area_reached", "renovated_residential_floor_area",
]

StockMeasure = Any  # a measure of stage "stock" (smartcity.scenario.sections.measures.StockMeasure)

#: Columns a measure may write, with the neutral value a row gets if the table lacks them.
EFFECT_COLUMNS: dict[str, float] = {
    "heating_setback_k": 0.0,
    "heat_demand_factor": 1.0,
    "electricity_demand_factor": 1.0,
    "pv_kwp": 0.0,
    "pv_tilt_deg": 0.0,
    "pv_azimuth_deg": 180.0,
    "battery_kwh": 0.0,
}

# Internal columns of the frame while measures are applied.
_SRC = "_source_row"
_APPLIED = "_applied"


class Columns:
    """Parts of the stock while measures are applied: one array per column, in table order.

    Selecting, extending and changing a few dozen rows costs far less as arrays than as a
    DataFrame; :meth:`frame` makes the DataFrame once. ``parts[name] = value`` sets a
    column: an array of one value per part, or a scalar for all parts (text as Python
    objects, numbers as their NumPy type). Columns are replaced, never changed in place.
    """

    def __init__(self, columns: dict[str, np.ndarray], n: int) -> None:
        self.columns = columns
        self.n = n

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, name: str) -> np.ndarray:
        return self.columns[name]

    def __setitem__(self, name: str, value) -> None:
        if np.ndim(value) == 0:
            value = np.full(self.n, value, dtype=object if isinstance(value, str) else None)
        self.columns[name] = np.asarray(value)

    def take(self, rows: np.ndarray) -> Columns:
        """The parts selected by a boolean mask or an array of positions, in that order."""
        columns = {name: values[rows] for name, values in self.columns.items()}
        return Columns(columns, len(columns[_SRC]))

    def concat(self, other: Columns) -> Columns:
        """These parts followed by ``other``'s (same columns)."""
        columns = {name: np.concatenate([values, other.columns[name]]) for name, values in self.columns.items()}
        return Columns(columns, self.n + other.n)

    def copy(self) -> Columns:
        """The parts with copies of their arrays."""
        return Columns({name: values.copy() for name, values in self.columns.items()}, self.n)

    def frame(self) -> pd.DataFrame:
        """A DataFrame of the columns, each with its array's dtype; index 0..n-1."""
        return _frame(self.columns)


def _frame(columns: Mapping[str, np.ndarray]) -> pd.DataFrame:
    """A DataFrame of arrays, each column with its array's dtype (object stays object)."""
    index = pd.RangeIndex(len(next(iter(columns.values()), ())))
    return pd.DataFrame({name: pd.Series(values, index=index, dtype=values.dtype, copy=False)
                         for name, values in columns.items()}, index=index, copy=False)


def _rows_differ(a: Columns, b: Columns, columns: list[str]) -> np.ndarray:
    differ = np.zeros(len(a), dtype=bool)
    for name in columns:
        x = a[name]
        y = b[name]
        if x.dtype.kind == "f" or y.dtype.kind == "f":
            x = x.astype(np.float64)
            y = y.astype(np.float64)
            differ |= (x != y) & ~(np.isnan(x) & np.isnan(y))
        else:
            differ |= x != y
    return differ


def _merge_identical(parts: Columns, written: Iterable[str]) -> Columns:
    """Merge the parts of one original row that are identical in every column (counts added).

    ``parts`` are sorted by original row. Parts of one row differ at most in the
    ``written`` columns (those the measures may change) and ``count``, so the row and
    these columns decide which parts are identical (NaN equal to NaN).
    """
    rows = parts[_SRC]
    if not np.any(rows[1:] == rows[:-1]):  # every row in one part
        return parts
    codes = [pd.factorize(parts[name], use_na_sentinel=False)[0] for name in written if name in parts.columns]
    key = np.column_stack([rows, *codes])
    _, first_of_key, key_of_part = np.unique(key, axis=0, return_index=True, return_inverse=True)
    if len(first_of_key) == len(parts):
        return parts
    # number the groups in the order of their first part
    rank = np.empty(len(first_of_key), dtype=np.int64)
    rank[np.argsort(first_of_key, kind="stable")] = np.arange(len(first_of_key))
    codes = rank[key_of_part.reshape(-1)]
    first = np.sort(first_of_key)
    total = np.bincount(codes, weights=parts["count"])
    common: dict[int, tuple[str, ...]] = {}
    for code, applied in zip(codes.tolist(), parts[_APPLIED]):
        common[code] = applied if code not in common else tuple(m for m in common[code] if m in applied)
    out = parts.take(first)
    kept = codes[first]
    out["count"] = total[kept]
    out[_APPLIED] = _tuples([common[k] for k in kept.tolist()])
    return out


def _tuples(values: list[tuple]) -> np.ndarray:
    """A 1-D object array of tuples (``np.array`` would make a 2-D array of equal-length tuples)."""
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _plain(buildings: pd.DataFrame) -> pd.DataFrame:
    """A shallow copy without ``attrs`` (pandas deep-copies attrs on every operation)."""
    plain = buildings.copy(deep=False)
    plain.attrs = {}
    return plain


def _table_columns(plain: pd.DataFrame) -> dict[str, np.ndarray]:
    """The columns of a table without attrs as arrays; text columns as Python objects
    (:func:`_finish` restores the table's dtypes)."""
    columns = {}
    for name in plain.columns:
        series = plain[name]
        if isinstance(series.dtype, pd.StringDtype):
            series = series.astype(object)
        columns[name] = series.to_numpy()
    return columns


def _start(table: Mapping[str, np.ndarray], year: int) -> Columns:
    """The rows standing in ``year`` with the bookkeeping and effect columns added."""
    rows = np.flatnonzero(table["construction_year"] <= year)
    parts = Columns({name: values[rows] for name, values in table.items()}, len(rows))
    parts["count"] = parts["count"].astype(np.float64)
    for name, neutral in EFFECT_COLUMNS.items():
        if name not in parts.columns:
            parts[name] = np.full(len(rows), neutral)
    parts["source_building_id"] = parts["building_id"]
    parts[_SRC] = rows
    parts[_APPLIED] = _tuples([()] * len(rows))
    return parts


def _apply_all(table: Mapping[str, np.ndarray], measures: Mapping[str, StockMeasure], year: int,
               eligible: Mapping[str, np.ndarray]) -> tuple[Columns, dict[str, dict[str, float]]]:
    """Apply the measures; return the parts (internal columns kept) and the units in service.

    ``table`` is the buildings table's columns (:func:`_table_columns`) and ``eligible``
    each measure's eligible rows of it. The units are ``{measure id: {basis: Σ count ×
    share × units per building}}`` over the eligible rows standing in ``year``, for the
    bases of the measure's costs, and ``"buildings"``: the buildings in which something
    is installed.
    """
    parts = _start(table, year)
    in_service: dict[str, dict[str, float]] = {}
    for mid, measure in measures.items():
        bases = {measure.investment_basis} | ({measure.om_basis} - {None})
        in_service[mid] = dict.fromkeys(sorted(bases | {"buildings"}), 0.0)
        share = measure.share(year)
        if share <= 0.0 or len(parts) == 0:
            continue
        rows_eligible = eligible[mid][parts[_SRC]]
        if not rows_eligible.any():
            continue
        part = parts.take(rows_eligible)
        treated = part.copy()
        measure.apply(treated)
        weight = share * np.asarray(treated["count"], dtype=np.float64)
        for basis in bases:
            in_service[mid][basis] = float(np.sum(weight * measure.units_per_building(treated, basis)))
        installs = measure.units_per_building(treated, measure.investment_basis) > 0.0
        in_service[mid]["buildings"] = float(np.sum(weight[installs]))
        changed = _rows_differ(part, treated, list(measure.writes))
        if not changed.any():
            continue
        rows = np.flatnonzero(rows_eligible)[changed]
        treated = treated.take(changed)
        treated[_APPLIED] = _tuples([a + (mid,) for a in treated[_APPLIED]])
        if share >= 1.0:
            untouched = np.ones(len(parts), dtype=bool)
            untouched[rows] = False
            parts = parts.take(untouched).concat(treated)
        else:
            treated["count"] = treated["count"] * share
            count = parts["count"].copy()
            count[rows] = count[rows] * (1.0 - share)
            parts["count"] = count
            parts = parts.concat(treated)
    # Parts of one row stay in the order they were made; identical parts merge (this
    # gives the same result as merging after each measure, as identical parts are
    # treated alike from then on).
    parts = parts.take(parts["count"] > 0.0)  # parts without buildings (e.g. a share that underflows)
    parts = parts.take(np.argsort(parts[_SRC], kind="stable"))
    if "glazing_panes" in parts.columns:
        # New windows whose panes follow from their U-value, in a table that gives the panes
        # (where the table leaves them empty the thermal model derives them from the U-value).
        panes = np.asarray(parts["glazing_panes"], dtype=np.float64)
        given = ~np.isnan(np.asarray(table["glazing_panes"], dtype=np.float64))[parts[_SRC]]
        derive = np.isnan(panes) & given
        if derive.any():
            parts["glazing_panes"] = np.where(derive, glazing.default_panes(parts["u_window_w_m2k"]), panes)
    written = dict.fromkeys(name for measure in measures.values() for name in measure.writes)
    return _merge_identical(parts, written), in_service


def _eligible_rows(plain: pd.DataFrame, measures: Mapping[str, StockMeasure]) -> dict[str, np.ndarray]:
    return {mid: measure.eligible(plain) for mid, measure in measures.items()}


def _finish(frame: pd.DataFrame, buildings: pd.DataFrame) -> pd.DataFrame:
    """Labels, unique ids, column order, dtypes and attrs of the output."""
    labels = ["+".join(a) for a in frame[_APPLIED]]
    ids = [src if not label else f"{src}|{label}" for src, label in zip(frame["source_building_id"], labels)]
    seen: dict[str, int] = {}
    unique = []
    for name in ids:
        seen[name] = seen.get(name, 0) + 1
        unique.append(name if seen[name] == 1 else f"{name}#{seen[name]}")
    id_dtype = buildings["building_id"].dtype
    out = frame.copy()
    out["building_id"] = pd.Series(unique, index=out.index).astype(id_dtype)
    out["source_building_id"] = out["source_building_id"].astype(id_dtype)
    out["measures"] = pd.Series(labels, index=out.index).astype(id_dtype)
    source_rows = out[_SRC].to_numpy()
    order = list(buildings.columns) + [c for c in ("source_building_id", "measures", *EFFECT_COLUMNS)
                                       if c not in buildings.columns]
    out = out[order]
    for name in buildings.columns:
        dtype = np.float64 if name == "count" else buildings[name].dtype
        if out[name].dtype != dtype:
            out[name] = out[name].astype(dtype)
    for name in EFFECT_COLUMNS:
        if name not in buildings.columns:
            out[name] = out[name].astype(np.float64)
    out.attrs = dict(buildings.attrs)
    lines = buildings.attrs.get("source_lines")
    if lines is not None and len(lines) == len(buildings):
        out.attrs["source_lines"] = SourceLines(np.asarray(lines)[source_rows])  # each part: its original line
    return out


def stock_in_year(buildings: pd.DataFrame, measures: Mapping[str, StockMeasure], year: int) -> pd.DataFrame:
    """The building stock standing in ``year`` with the measures applied.

    Parameters
    ----------
    buildings : pandas.DataFrame
        The buildings table as read and completed (``schemas/buildings.toml``, use
        defaults filled in), one row per building or archetype, as built.
    measures : mapping of str to Measure
        Measure id -> measure, applied in this order; disabled measures are skipped.
    year : int
        Calendar year. [a]

    Returns
    -------
    pandas.DataFrame
        Rows with ``construction_year <= year``, split into treated and untreated parts
        (see the module docstring): every input column with its dtype except ``count``,
        which becomes a float64 weight (Σ count over the parts of an original row = its
        count); then ``source_building_id``, ``measures`` and the :data:`EFFECT_COLUMNS`
        the table lacked. ``building_id`` is unique. ``attrs`` are the input's;
        ``attrs["source_lines"]``, if present, gives each part the line of its original
        row. Index 0..n-1.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"building_id": ["a"], "use": ["single_family"], "construction_year": [1970],
    ...     "count": [10], "heated_floor_area_m2": [150.0], "u_wall_w_m2k": [1.2], "heating_system": ["oil_boiler"],
    ...     "zone": ["north"]})
    >>> from smartcity.scenario.sections.measures import HeatingSwitch
    >>> switch = HeatingSwitch.model_validate({"type": "heating_switch", "start_year": 2020,
    ...     "ramp": {"value": 10, "unit": "%/a"}, "from_systems": ["oil_boiler"], "to_system": "heat_pump_air",
    ...     "investment": {"value": 100000, "unit": "DKK"}, "lifetime_years": 20})
    >>> stock_in_year(table, {"oil_out": switch}, 2022)[["building_id", "count", "heating_system"]]
      building_id  count heating_system
    0           a    7.0     oil_boiler
    1   a|oil_out    3.0  heat_pump_air
    """
    active = _enabled(measures)
    plain = _plain(buildings)
    parts, _ = _apply_all(_table_columns(plain), active, int(year), _eligible_rows(plain, active))
    return _finish(parts.frame(), buildings)


def stock_parts(buildings: pd.DataFrame, measures: Mapping[str, StockMeasure], year: int) -> pd.DataFrame:
    """The parts of :func:`stock_in_year`, unlabelled: what the energy models need.

    Same rows in the same order and the same values as :func:`stock_in_year`, but without
    the labels (``building_id`` of the parts, ``measures``), dtypes and ``attrs`` of the
    output; ``_row`` is the row of ``buildings`` each part comes from. Cheaper: for
    simulating many variants of one stock.

    Returns
    -------
    pandas.DataFrame
        The table's columns (``count`` a float64 weight), the :data:`EFFECT_COLUMNS`,
        ``source_building_id`` and ``_row``; index 0..n-1.
    """
    active = _enabled(measures)
    plain = _plain(buildings)
    parts, _ = _apply_all(_table_columns(plain), active, int(year), _eligible_rows(plain, active))
    return _frame({"_row" if name == _SRC else name: values
                   for name, values in parts.columns.items() if name != _APPLIED})


def apply_measures_for_years(buildings: pd.DataFrame, measures: Mapping[str, StockMeasure],
                             years: Iterable[int]) -> dict[int, pd.DataFrame]:
    """:func:`stock_in_year` for each of ``years``; returns year -> stock."""
    return {int(y): stock_in_year(buildings, measures, int(y)) for y in years}


def _enabled(measures: Mapping[str, StockMeasure]) -> dict[str, StockMeasure]:
    return {mid: m for mid, m in measures.items() if m.enabled}


def units_in_service(buildings: pd.DataFrame, measures: Mapping[str, StockMeasure], first: int,
                     last: int) -> dict[str, dict[str, np.ndarray]]:
    """What each measure has installed by the end of each calendar year ``first`` ... ``last``.

    Units in service in year y: U(y) = Σ count × share(y) × units per building over the
    eligible rows standing in y, for the bases of the measure's investment and O&M cost
    (m2 of heated floor area, building, kW, kWp, kWh), and ``"buildings"``: the buildings in
    which something is installed.

    Returns
    -------
    dict
        ``{measure id: {basis: (last - first + 1,) array}}``; disabled measures are left out.
    """
    active = _enabled(measures)
    calendar = np.arange(first, last + 1)
    served: dict[str, dict[str, np.ndarray]] = {}
    if not active:
        return served
    plain = _plain(buildings)
    table = _table_columns(plain)
    eligible = _eligible_rows(plain, active)
    for i, year in enumerate(calendar):
        _, amounts = _apply_all(table, active, int(year), eligible)
        for mid, by_basis in amounts.items():
            for basis, value in by_basis.items():
                served.setdefault(mid, {}).setdefault(basis, np.zeros(len(calendar)))[i] = value
    return served


def _residential_area(buildings: pd.DataFrame, residential: np.ndarray, year: int) -> np.ndarray:
    """Heated floor area of each row's residential buildings standing in ``year`` (0 elsewhere). [m2]"""
    standing = buildings["construction_year"].to_numpy() <= year
    area = buildings["count"].to_numpy(dtype=np.float64) * buildings["heated_floor_area_m2"].to_numpy(dtype=np.float64)
    return np.where(standing & residential, area, 0.0)


def residential_floor_area_reached(buildings: pd.DataFrame, measures: Mapping[str, StockMeasure],
                                   residential: np.ndarray, years: list[int]) -> np.ndarray:
    """Residential heated floor area with each measure in service at the end of each year. (year, measure) [m2]

    The treated share of the eligible rows (as built) standing in the year, as for the
    costs (:func:`units_in_service`); ``residential`` marks the table's residential rows.
    """
    out = np.zeros((len(years), len(measures)))
    area = [_residential_area(buildings, residential, year) for year in years]
    for j, m in enumerate(measures.values()):
        eligible = m.eligible(buildings)
        for i, year in enumerate(years):
            out[i, j] = m.share(year) * float(area[i][eligible].sum())
    return out


def renovated_residential_floor_area(buildings: pd.DataFrame, measures: Mapping[str, StockMeasure],
                                     residential: np.ndarray, years: list[int]) -> np.ndarray:
    """Residential floor area reached by at least one of ``measures`` in each year. [m2]

    With the stock model's independence rule, a row reached by measures with shares s1,
    s2, ... is reached with share 1 - (1 - s1)(1 - s2)... (no double counting of flats that
    get both a new envelope and ventilation).
    """
    eligible = [m.eligible(buildings) for m in measures.values()]
    out = np.zeros(len(years))
    for i, year in enumerate(years):
        untouched = np.ones(len(buildings))
        for m, rows in zip(measures.values(), eligible):
            untouched = np.where(rows, untouched * (1.0 - m.share(year)), untouched)
        out[i] = float(np.sum(_residential_area(buildings, residential, year) * (1.0 - untouched)))
    return out
