"""Sweeps: scenarios x grid points x samples on Dask distributed, streamed to a Zarr store.

A sweep runs every combination of

* the given scenario files,
* the points of a grid: the cartesian product of ``--grid KEY=V1,V2,...`` (set a value) and
  ``--grid KEY*=F1,F2,...`` (scale a value) options, in the order given, and
* ``--samples N`` Monte Carlo samples: a Latin hypercube over the scenario's uncertain inputs
  (quantities with a ``distribution``, :func:`smartcity.uncertainty.uncertain_inputs`) seeded with
  the scenario's ``scenario.seed``; every grid point uses the same samples (common random
  numbers, so grid points differ only by the grid),

as one *task* each. A task applies its overrides to the resolved scenario
(:func:`with_overrides`), runs it with :func:`smartcity.run.run_scenarios` (``attribution=False``:
only the scenario with all its measures) and returns a compact result (:data:`RESULT_VARS`).
Tasks run on a :class:`distributed.LocalCluster` (one single-threaded worker process per
``workers``) or on a running Dask scheduler, and their results are written to a Zarr store as
they finish, so that an interrupted sweep resumes: run again with the same arguments and only
the tasks not done are computed.

Overrides
---------
Keys are dotted keys of the scenario (``supply.electricity.emission_factor``,
``weather.ground_albedo``, ``measures.wall_insulation.enabled``, ``scenario.seed``); defaults
not written in the file can be overridden too.

* ``KEY=V`` sets a value. For a quantity (a number with a unit) ``V`` is the new ``value`` *in
  the unit the scenario gives it*; the unit is kept, the ``source`` becomes ``"sweep grid
  point: KEY=V (nominal: ...)"`` and a distribution, if any, is dropped (the point fixes the
  value). A trajectory (values by year) cannot be set to one number: scale it. Other keys take
  ``V`` as it is: ``true``/``false`` are booleans, ``12`` an integer, ``0.5`` or ``1e3`` a
  number, anything else text.
* ``KEY*=F`` multiplies a quantity's value, every value of a trajectory or a plain number by
  ``F`` (in the unit the scenario gives it, so do not scale temperatures in degC).

In :func:`with_overrides` the same is written ``{"KEY": V}`` and ``{"KEY*": F}``. The changed
document is validated by the same pydantic model as a scenario file; a bad value is an
:class:`~smartcity.errors.InputError` naming the key and the value.

Store layout (``OUT.zarr``, Zarr format 3)
------------------------------------------
``task`` is the leading dimension of every array; task ``i`` is scenario ``s``, grid point
``p``, sample ``k`` with ``i = (s * n_points + p) * n_samples + k`` (``n_samples = 1`` without
``--samples``: the nominal values). Arrays are chunked one task per chunk and preallocated
with NaN:

=============== ==================================== =========
array           dimensions                           units
=============== ==================================== =========
co2             task, year, sector                   t/a
final_energy    task, year, carrier                  MWh/a
grid_import     task, year                           MWh/a
pv_generation   task, year                           MWh/a
mode_share      task, year, mode                     1
vehicle_km      task, year, vehicle, powertrain      km/a
done            task                                 bool: results written
failed          task                                 bool: the task failed (see attrs)
run             task                                 index into attrs ``runs`` of the run that
                                                     computed (or failed) the task, -1 none
duration        task                                 s, wall time of the task on its worker
=============== ==================================== =========

``year`` is the union of the scenarios' simulated years (NaN where a scenario does not
simulate a year); the transport variables are NaN for a scenario without transport model.
The group attributes hold ``smartcity_sweep`` (the plan: scenarios with their SHA-256, grid,
samples and sampled values, coordinate labels, and its ``fingerprint``), ``runs`` (one record
per invocation: time, engine, tasks submitted, computed, failed, wall time) and
``failures`` (task -> one-line message). :func:`open_sweep` reads it all back as an
:class:`xarray.Dataset` with dimensions ``(scenario, point, sample, year, ...)``.
"""

from __future__ import annotations

import copy
import datetime as _dt
import difflib
import hashlib
import itertools
import json
import math
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr
from pydantic import BaseModel, ValidationError

from smartcity.errors import InputError, SmartcityError
from smartcity.scenario import ResolvedScenario, load_scenario
from smartcity.scenario.types import Quantity, Trajectory

__all__ = [
    "GridAxis", "OverrideKeyError", "RESULT_VARS", "SweepPlan", "SweepReport", "compact_result",
    "open_sweep", "parse_grid", "parse_value", "plan_sweep", "run_sweep", "run_task", "summary_table",
    "with_overrides",
]

SCHEMA_VERSION = 1
SAMPLING = "lhs"

Value = float | int | str | bool

#: The compact result of a task: name -> (dimensions after ``task``, units, long name).
RESULT_VARS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "co2": (("year", "sector"), "t/a", "CO2 emissions by Covenant of Mayors sector (all carriers)"),
    "final_energy": (("year", "carrier"), "MWh/a", "final energy by carrier (all sectors), before local PV"),
    "grid_import": (("year",), "MWh/a", "electricity drawn from the grid by buildings and vehicle charging"),
    "pv_generation": (("year",), "MWh/a", "AC output of rooftop PV"),
    "mode_share": (("year", "mode"), "1", "modal split of the district's trips (NaN without transport model)"),
    "vehicle_km": (("year", "vehicle", "powertrain"), "km/a",
                   "vehicle-km by vehicle and powertrain (NaN without transport model)"),
}

_DISTRIBUTION_KEYS = ("distribution", "mean", "sd", "median", "sigma", "low", "mode", "high", "values",
                      "weights", "lower", "upper")


def _labels() -> dict[str, list[str]]:
    from smartcity import emissions
    from smartcity.transport.model import MODES, POWERTRAINS, VEHICLES

    return {"sector": list(emissions.SECTORS), "carrier": list(emissions.INVENTORY_CARRIERS),
            "mode": list(MODES), "vehicle": list(VEHICLES), "powertrain": list(POWERTRAINS)}


# --------------------------------------------------------------------------------------
# Overrides
# --------------------------------------------------------------------------------------


class OverrideKeyError(InputError):
    """An override names a key the scenario does not have, or one it cannot set that way."""


def parse_value(text: str) -> Value:
    """A value of ``KEY=V`` as typed: ``true``/``false``, an integer, a number, else text.

    Text may be quoted (``'"DK2"'``) to keep e.g. ``"12"`` a string.
    """
    t = text.strip()
    if len(t) >= 2 and t[0] == t[-1] and t[0] in "'\"":
        return t[1:-1]
    if t.lower() in ("true", "false"):
        return t.lower() == "true"
    if re.fullmatch(r"[+-]?\d+", t):
        return int(t)
    try:
        x = float(t)
    except ValueError:
        return t
    if not math.isfinite(x):
        raise InputError("not a finite number", value=text, allowed="a finite number")
    return x


@dataclass(frozen=True)
class GridAxis:
    """One ``--grid`` option: ``key``, ``op`` (``"="`` set or ``"*="`` scale) and its values."""

    key: str
    op: str
    values: tuple

    @property
    def override_key(self) -> str:
        """The key as :func:`with_overrides` takes it (``KEY*`` for scaling)."""
        return self.key + ("*" if self.op == "*=" else "")

    def label(self, value: Value) -> str:
        return f"{self.key}{self.op}{value}"


_GRID = re.compile(r"^\s*([A-Za-z0-9_.\-]+?)\s*(\*=|=)(.*)$")


def parse_grid(text: str) -> GridAxis:
    """Parse ``KEY=V1,V2,...`` or ``KEY*=F1,F2,...``.

    Raises
    ------
    InputError
        No ``=``, an empty key or value list, a non-numeric scale factor or repeated values.
    """
    match = _GRID.match(text)
    if not match or not match.group(1):
        raise InputError("not a grid option", value=text,
                         allowed="KEY=V1,V2,... (set) or KEY*=F1,F2,... (scale), e.g. "
                                 "supply.electricity.emission_factor*=0.8,1,1.2")
    key, op, rest = match.group(1), match.group(2), match.group(3)
    parts = [p for p in rest.split(",")]
    if not rest.strip() or any(not p.strip() for p in parts):
        raise InputError("empty value in a grid option", key=key, value=text, allowed="comma-separated values")
    values = tuple(parse_value(p) for p in parts)
    if op == "*=":
        bad = [v for v in values if isinstance(v, bool) or not isinstance(v, (int, float))]
        if bad:
            raise InputError("a scale factor must be a number", key=key, value=bad[0], allowed="numbers, e.g. 0.8,1.2")
        values = tuple(float(v) for v in values)
    if len(set(map(repr, values))) != len(values):
        raise InputError("a grid value repeats", key=key, value=text, allowed="distinct values")
    return GridAxis(key, op, values)


def _split_key(key: str) -> tuple[str, bool]:
    key = key.strip()
    scale = key.endswith("*")
    return (key[:-1] if scale else key), scale


def _locate(model: BaseModel, key: str, scale: bool) -> Any:
    """The validated object at ``key`` (a quantity, trajectory or plain value); checks the operation."""
    parts = key.split(".")
    if not key or any(not p for p in parts):
        raise OverrideKeyError("not a dotted key", key=key, allowed="e.g. supply.electricity.emission_factor")
    obj: Any = model
    for n, part in enumerate(parts):
        here = ".".join(parts[:n]) or "the scenario"
        if isinstance(obj, (Quantity, Trajectory)) and part in type(obj).model_fields:
            raise OverrideKeyError("give the quantity's key, not its parts", key=key,
                                   allowed=f"{'.'.join(parts[:n])}=V to set its value or {'.'.join(parts[:n])}*=F "
                                           "to scale it (the unit is kept)")
        if isinstance(obj, BaseModel):
            names = list(type(obj).model_fields)
            if part not in names:
                close = difflib.get_close_matches(part, names, n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                raise OverrideKeyError(f"unknown key{hint}", key=key, allowed=f"the keys of {here}: " + ", ".join(names))
            obj = getattr(obj, part)
        elif isinstance(obj, Mapping):
            if part not in obj:
                raise OverrideKeyError("unknown key", key=key,
                                       allowed=f"the keys of {here}: " + (", ".join(map(str, obj)) or "none"))
            obj = obj[part]
        elif isinstance(obj, (list, tuple)):
            if not part.isdigit() or int(part) >= len(obj):
                raise OverrideKeyError("not an index of the list", key=key, value=part,
                                       allowed=f"0 ... {len(obj) - 1}")
            obj = obj[int(part)]
        else:
            raise OverrideKeyError(f"{here} is a value, not a table", key=key)
    if isinstance(obj, BaseModel) and not isinstance(obj, (Quantity, Trajectory)) or isinstance(obj, (Mapping, list)):
        raise OverrideKeyError("is a table, not a value", key=key, allowed="a key inside it")
    if scale and not isinstance(obj, (Quantity, Trajectory)) and (isinstance(obj, bool) or not isinstance(obj, (int, float))):
        raise OverrideKeyError("only numbers can be scaled", key=key, value=obj, allowed=f"{key}=V to set it")
    if not scale and isinstance(obj, Trajectory):
        raise OverrideKeyError("is a trajectory (values by year); it cannot be set to one number", key=key,
                               allowed=f"{key}*=F to scale every value by F")
    return obj


def _number(x: Any, key: str, what: str) -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float, np.integer, np.floating)) or not math.isfinite(float(x)):
        raise InputError(f"{what} must be a finite number", key=key, value=x, allowed="a number")
    return float(x)


def _new_value(current: Any, key: str, scale: bool, value: Any, source: str) -> Any:
    label = f"{key}{'*=' if scale else '='}{value}"
    if isinstance(current, (Quantity, Trajectory)):
        table = current.model_dump(mode="json", exclude_none=True)
        for k in _DISTRIBUTION_KEYS:
            table.pop(k, None)
        if scale:
            f = _number(value, key, "a scale factor")
            table["value"] = [v * f for v in table["value"]] if isinstance(current, Trajectory) else table["value"] * f
        else:
            table["value"] = _number(value, key, "the value of a quantity")
        nominal = table.get("source")
        table["source"] = f"{source}: {label}" + (f" (nominal: {nominal})" if nominal else "")
        return table
    if scale:
        f = _number(value, key, "a scale factor")
        out = current * f
        return int(out) if isinstance(current, int) and float(out).is_integer() else float(out)
    if isinstance(value, (np.integer, np.floating)):
        value = value.item()
    return value


def with_overrides(resolved: ResolvedScenario, overrides: Mapping[str, Value], *,
                   source: str = "sweep grid point") -> ResolvedScenario:
    """The scenario with dotted keys of its merged document overridden, validated again.

    Parameters
    ----------
    resolved : ResolvedScenario
        A loaded scenario (:func:`smartcity.scenario.load_scenario`).
    overrides : Mapping[str, float or int or str or bool]
        ``{"KEY": V}`` sets a value, ``{"KEY*": F}`` scales it (see the module documentation):
        for a quantity ``V`` is the new value in the quantity's unit, which is kept, and the
        quantity's ``source`` records the override; a trajectory can only be scaled.
    source : str
        Start of the ``source`` recorded in overridden quantities.

    Returns
    -------
    ResolvedScenario
        Same files and origins; ``document`` and ``model`` changed.

    Raises
    ------
    OverrideKeyError
        A key the scenario does not have, a table, or setting a trajectory to one number.
    InputError
        A value the scenario model refuses (wrong type, out of range); names the key and value.
    """
    from smartcity.scenario.loading import _error_from_pydantic
    from smartcity.scenario.models import Scenario

    if not overrides:
        return resolved
    document = copy.deepcopy(resolved.document)
    targets: list[tuple[str, Any]] = []
    for raw_key, value in overrides.items():
        key, scale = _split_key(str(raw_key))
        current = _locate(resolved.model, key, scale)
        new = _new_value(current, key, scale, value, source)
        parts = key.split(".")
        holder: Any = document
        for n, part in enumerate(parts[:-1]):
            if isinstance(holder, list):
                holder = holder[int(part)]
                continue
            nxt = holder.get(part)
            if nxt is None:  # a section left at its defaults
                nxt = holder[part] = {}
            elif not isinstance(nxt, (dict, list)):
                raise OverrideKeyError("cannot set a key inside a value", key=key)  # pragma: no cover
            holder = nxt
        if isinstance(holder, list):
            holder[int(parts[-1])] = new
        else:
            holder[parts[-1]] = new
        targets.append((key, value))
    try:
        model = Scenario.model_validate(document)
    except ValidationError as exc:
        inner = _error_from_pydantic(exc, resolved.origins, resolved.path)
        where = inner.key or ""
        named = [(k, v) for k, v in targets if where == k or where.startswith(k + ".") or k.startswith(where + ".")]
        if len(named) == 1:
            key, value = named[0]
            raise InputError(f"override refused: {inner.problem}" + (f" (at {where})" if where != key else ""),
                             file=resolved.path, key=key, value=value, allowed=inner.allowed) from None
        listed = ", ".join(f"{k}={v!r}" for k, v in targets)
        raise InputError(f"overrides {listed} refused: {inner.problem}", file=resolved.path, key=inner.key,
                         allowed=inner.allowed) from None
    return ResolvedScenario(model=model, document=document, files=resolved.files, path=resolved.path,
                            origins=resolved.origins)


# --------------------------------------------------------------------------------------
# Plan
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SweepPlan:
    """The tasks of a sweep and what identifies them (see :func:`plan_sweep`)."""

    scenarios: list[dict]
    grid: list[GridAxis]
    samples: int
    years: list[int]
    labels: dict[str, list[str]]

    @property
    def points(self) -> list[tuple]:
        """Grid points: tuples of values, one per axis (one empty point without a grid)."""
        return list(itertools.product(*(axis.values for axis in self.grid)))

    @property
    def shape(self) -> tuple[int, int, int]:
        """(scenarios, grid points, samples per point)."""
        return len(self.scenarios), len(self.points), max(self.samples, 1)

    @property
    def n_tasks(self) -> int:
        return int(np.prod(self.shape))

    def to_json(self) -> dict:
        return {
            "schema": SCHEMA_VERSION, "sampling": SAMPLING, "samples": self.samples,
            "scenarios": self.scenarios, "years": self.years, "labels": self.labels,
            "grid": [{"key": a.key, "op": a.op, "values": list(a.values)} for a in self.grid],
        }

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the plan: same scenarios (and input files), grid and samples, same fingerprint."""
        return hashlib.sha256(json.dumps(self.to_json(), sort_keys=True).encode()).hexdigest()

    def task(self, i: int) -> dict:
        """The task ``i``: what a worker needs to run it (JSON-able)."""
        s, p, k = np.unravel_index(i, self.shape)
        sc = self.scenarios[s]
        point = self.points[p]
        grid = {axis.override_key: v for axis, v in zip(self.grid, point)}
        sample = {}
        if self.samples:
            sample = {key: col[k] for key, col in zip(sc["uncertain"], sc["sample_values"])}
        return {"id": int(i), "scenario": sc["path"], "name": sc["name"], "sha256": sc["sha256"],
                "point": int(p), "sample": int(k) if self.samples else None, "grid": grid,
                "sampled": sample, "years": self.years}

    def describe(self, i: int) -> str:
        """One line naming task ``i``'s parameters."""
        t = self.task(i)
        parts = [f"scenario {t['name']}"]
        parts += [axis.label(v) for axis, v in zip(self.grid, self.points[t["point"]])]
        if t["sample"] is not None:
            parts.append(f"sample {t['sample']}")
        return f"task {i} (" + ", ".join(parts) + ")"


def plan_sweep(scenarios: Sequence[str | Path], grid: Sequence[GridAxis | str] = (), samples: int = 0) -> SweepPlan:
    """Load the scenarios, check the grid keys and draw the samples.

    Raises
    ------
    InputError
        A bad scenario, a grid key a scenario does not have (or cannot set that way), a key
        given twice, ``samples`` for a scenario without uncertain inputs, or a grid key that is
        also an uncertain input.
    """
    from smartcity.uncertainty import sample as draw
    from smartcity.uncertainty import uncertain_inputs

    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 0:
        raise InputError("the number of samples must be an integer >= 0", value=samples)
    if not scenarios:
        raise SmartcityError("name at least one scenario file")
    axes = [parse_grid(g) if isinstance(g, str) else g for g in grid]
    keys = [a.key for a in axes]
    for key in keys:
        if keys.count(key) > 1:
            raise InputError("a key is given in two grid options", key=key, allowed="one --grid option per key")
    entries, names, years = [], {}, set()
    for path in scenarios:
        resolved = load_scenario(path)
        if resolved.name in names:
            raise InputError("two scenarios of one sweep have the same name", file=resolved.path,
                             key="scenario.name", value=resolved.name,
                             allowed=f"a name other than that of {names[resolved.name]}")
        names[resolved.name] = resolved.path
        for axis in axes:
            try:
                _locate(resolved.model, axis.key, axis.op == "*=")
            except InputError as exc:
                raise exc.located(file=resolved.path) from None
        model = resolved.model
        entry = {"path": str(resolved.path), "name": resolved.name, "sha256": resolved.sha256(),
                 "seed": int(model.scenario.seed), "years": list(model.years), "uncertain": [], "sample_values": []}
        if samples:
            inputs = uncertain_inputs(model)
            if not inputs:
                raise InputError(
                    f"--samples {samples} needs uncertain inputs, but scenario '{resolved.name}' has none",
                    file=resolved.path,
                    allowed="a quantity with a distribution, e.g. [supply.pv] system_losses = { value = 0.14, "
                            "unit = \"1\", distribution = \"triangular\", low = 0.10, mode = 0.14, high = 0.20 }")
            for axis in axes:
                if axis.key in inputs:
                    raise InputError("a grid key is also an uncertain input of the scenario (sampled)",
                                     file=resolved.path, key=axis.key,
                                     allowed="sweep it or sample it, not both: drop its distribution or the --grid")
            frame = draw(inputs, samples, method=SAMPLING, seed=model.scenario.seed)
            entry["uncertain"] = list(frame.columns)
            entry["sample_values"] = [[float(x) for x in frame[c]] for c in frame.columns]
        entries.append(entry)
        years.update(model.years)
    return SweepPlan(entries, axes, samples, sorted(years), _labels())


# --------------------------------------------------------------------------------------
# One task (runs on a worker)
# --------------------------------------------------------------------------------------


def compact_result(ds: xr.Dataset, years: Sequence[int] | None = None) -> dict[str, np.ndarray]:
    """The compact result (:data:`RESULT_VARS`) of a one-scenario results Dataset.

    ``years`` (default: the Dataset's) are the rows; years the Dataset lacks are NaN.
    """
    labels = _labels()
    s = ds.isel(scenario=0) if "scenario" in ds.dims else ds
    years = list(s["year"].values) if years is None else list(years)
    s = s.reindex(year=years)
    out = {
        "co2": s["co2"].sum("carrier", min_count=1).sel(sector=labels["sector"]).transpose("year", "sector"),
        "final_energy": s["final_energy"].sum("sector", min_count=1).sel(carrier=labels["carrier"])
        .transpose("year", "carrier"),
        "grid_import": s["grid_import"].sum("hour", min_count=1) / 1e3,
        "pv_generation": s["pv_generation"].sum("hour", min_count=1) / 1e3,
    }
    result = {k: np.asarray(v.values, dtype=np.float64) for k, v in out.items()}
    n = len(years)
    if "mode_share" in s:
        result["mode_share"] = np.asarray(s["mode_share"].sel(mode=labels["mode"]).transpose("year", "mode").values,
                                          dtype=np.float64)
        result["vehicle_km"] = np.asarray(
            s["vehicle_km"].sel(vehicle=labels["vehicle"], powertrain=labels["powertrain"])
            .transpose("year", "vehicle", "powertrain").values, dtype=np.float64)
    else:
        result["mode_share"] = np.full((n, len(labels["mode"])), np.nan)
        result["vehicle_km"] = np.full((n, len(labels["vehicle"]), len(labels["powertrain"])), np.nan)
    return result


def run_task(task: Mapping) -> dict[str, Any]:
    """Run one task of a plan (:meth:`SweepPlan.task`); returns its compact result and wall time.

    The scenario file is read from the task's path (on a multi-machine cluster it must be
    readable at the same path on every worker) and must still have the SHA-256 it had when
    the sweep was planned.
    """
    import tomli_w

    from smartcity.run import run_scenarios

    start = time.perf_counter()
    resolved = load_scenario(task["scenario"])
    if resolved.sha256() != task["sha256"]:
        raise InputError("the scenario or one of its input files differs from when the sweep was planned "
                         "(edited since, or another copy on this worker)", file=task["scenario"])
    resolved = with_overrides(resolved, task["grid"], source="sweep grid point")
    resolved = with_overrides(resolved, task["sampled"], source=f"sweep sample {task['sample']}")
    with tempfile.TemporaryDirectory(prefix="smartcity-sweep-") as tmp:
        path = Path(tmp) / resolved.path.name  # the merged document: no 'extends', paths absolute
        path.write_text(tomli_w.dumps(resolved.document), encoding="utf-8")
        ds = run_scenarios([path], command=f"smartcity sweep task {task['id']}", attribution=False)
    result = compact_result(ds, task["years"])
    result["duration"] = time.perf_counter() - start
    return result


def _run_task_reporting(task: Mapping) -> dict[str, Any]:
    """:func:`run_task`, an exception returned as ``{"error": message}`` (one line)."""
    try:
        return run_task(task)
    except Exception as exc:  # reported by the client with the task's parameters
        return {"error": _message(exc)}


# --------------------------------------------------------------------------------------
# Store
# --------------------------------------------------------------------------------------


def _require_engine() -> None:
    try:
        import distributed  # noqa: F401
        import zarr
    except ImportError as exc:
        raise SmartcityError(f"sweeps need dask[distributed] and zarr >= 3 ({exc}); install them with "
                             "pip install 'smartcity[dask]'") from None
    if int(zarr.__version__.split(".")[0]) < 3:
        raise SmartcityError(f"sweeps need zarr >= 3 (installed: {zarr.__version__}); pip install 'zarr>=3'")


def _is_store(path: Path) -> bool:
    return (path / "zarr.json").is_file()


def _create_store(path: Path, plan: SweepPlan):
    import zarr

    n, ny = plan.n_tasks, len(plan.years)
    sizes = {"year": ny, **{k: len(v) for k, v in plan.labels.items()}}
    group = zarr.open_group(str(path), mode="w")
    for name, (dims, units, long_name) in RESULT_VARS.items():
        shape = (n,) + tuple(sizes[d] for d in dims)
        arr = group.create_array(name, shape=shape, chunks=(1,) + shape[1:], dtype="f8", fill_value=np.nan,
                                 dimension_names=("task",) + dims)
        arr.attrs.update({"units": units, "long_name": long_name})
    for name, dtype, fill, units, long_name in (
        ("done", "bool", False, "-", "the task's results are written"),
        ("failed", "bool", False, "-", "the task failed in its last run (message in the group's 'failures')"),
        ("run", "i4", -1, "-", "index into the group's 'runs' of the run that computed or failed the task"),
        ("duration", "f8", np.nan, "s", "wall time of the task on its worker"),
    ):
        arr = group.create_array(name, shape=(n,), chunks=(1,), dtype=dtype, fill_value=fill,
                                 dimension_names=("task",), compressors=None)
        arr.attrs.update({"units": units, "long_name": long_name})
    group.attrs.update({"smartcity_sweep": {**plan.to_json(), "fingerprint": plan.fingerprint,
                                            "n_tasks": n, "shape": list(plan.shape)},
                        "runs": [], "failures": {}})
    return group


def _open_store(path: Path, plan: SweepPlan, force: bool):
    """The store for ``plan``: created, or reopened if it holds the same plan."""
    import zarr

    if path.exists():
        if not path.is_dir() or not _is_store(path):
            raise SmartcityError(f"{path}: exists and is not a Zarr store; choose another output with -o")
        group = zarr.open_group(str(path), mode="r+")
        meta = group.attrs.get("smartcity_sweep")
        if meta is not None and meta.get("fingerprint") == plan.fingerprint and not force:
            return group, True
        if not force:
            what = "another sweep (different scenarios, scenario or input files, grid or samples)" if meta else \
                "a Zarr store that is not a smartcity sweep"
            raise SmartcityError(f"{path}: holds {what}; pass --force to discard it and start afresh, or choose "
                                 "another output with -o")
        shutil.rmtree(path)
    return _create_store(path, plan), False


def _utc() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


# --------------------------------------------------------------------------------------
# Engine
# --------------------------------------------------------------------------------------


@dataclass
class SweepReport:
    """What one invocation of :func:`run_sweep` did."""

    path: Path
    n_tasks: int
    already_done: int
    computed: int
    failed: list[tuple[int, str]]
    wall_s: float
    resumed: bool

    @property
    def ok(self) -> bool:
        return not self.failed


def _message(exc: BaseException) -> str:
    text = str(exc) if isinstance(exc, SmartcityError) else f"{type(exc).__name__}: {exc}"
    return " ".join(text.split())


def run_sweep(scenarios: Sequence[str | Path], output: str | Path, *, grid: Sequence[GridAxis | str] = (),
              samples: int = 0, workers: int = 2, scheduler: str | None = None, force: bool = False,
              on_progress: Callable[[int, int], None] | None = None,
              on_failure: Callable[[int, str], None] | None = None, plan: SweepPlan | None = None) -> SweepReport:
    """Run (or resume) a sweep and stream its results to a Zarr store.

    Parameters
    ----------
    scenarios : sequence of path
        Scenario TOML files.
    output : path
        The Zarr store (a folder, conventionally ``*.zarr``).
    grid : sequence of GridAxis or str
        ``KEY=V1,V2,...`` / ``KEY*=F1,F2,...`` options; the grid is their cartesian product.
    samples : int
        Latin-hypercube samples of each scenario's uncertain inputs (0: nominal values only).
    workers : int
        Worker processes of the local cluster (ignored with ``scheduler``).
    scheduler : str, optional
        Address of a running Dask scheduler (``tcp://host:8786``) instead of a local cluster.
    force : bool
        Discard a store that holds another sweep (or restart this one from scratch).
    on_progress : callable, optional
        ``on_progress(finished, total)`` after each task of this run.
    on_failure : callable, optional
        ``on_failure(task, message)`` for each failed task.
    plan : SweepPlan, optional
        An already computed :func:`plan_sweep` of the same arguments.

    Returns
    -------
    SweepReport
    """
    _require_engine()
    from distributed import Client, LocalCluster, as_completed

    start = time.perf_counter()
    plan = plan or plan_sweep(scenarios, grid, samples)
    path = Path(output)
    group, resumed = _open_store(path, plan, force)
    done = np.asarray(group["done"][:], dtype=bool)
    pending = [i for i in range(plan.n_tasks) if not done[i]]
    runs = list(group.attrs.get("runs", []))
    run_index = len(runs)
    record = {"started_utc": _utc(), "engine": scheduler or f"LocalCluster({workers} workers)",
              "submitted": len(pending), "computed": 0, "failed": 0, "finished": False}
    group.attrs.update({"runs": runs + [record]})
    failures = dict(group.attrs.get("failures", {}))
    failed: list[tuple[int, str]] = []
    computed = 0
    if on_progress is not None:
        on_progress(0, len(pending))
    if pending:
        if scheduler is None:
            if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
                raise SmartcityError(f"--workers must be a positive integer; got {workers!r}")
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
        else:
            cluster = None
        try:
            try:
                client = Client(cluster if cluster is not None else scheduler, timeout="30s")
            except OSError as exc:
                raise SmartcityError(f"--scheduler {scheduler}: cannot connect ({exc})") from None
            with client:
                prefix = f"smartcity-sweep-{plan.fingerprint[:12]}"
                futures = {client.submit(_run_task_reporting, plan.task(i), key=f"{prefix}-{i}", pure=False): i
                           for i in pending}
                for n, future in enumerate(as_completed(futures), start=1):
                    i = futures[future]
                    result = future.result() if future.status == "finished" else None
                    if result is not None and "error" not in result:
                        for name in RESULT_VARS:
                            group[name][i] = result[name]
                        group["duration"][i] = float(result["duration"])
                        group["failed"][i] = False
                        group["run"][i] = run_index
                        group["done"][i] = True  # last: the results are complete
                        failures.pop(str(i), None)
                        computed += 1
                    else:
                        if result is not None:
                            message = result["error"]
                        else:  # the worker died (KilledWorker) or the task was lost
                            try:
                                message = _message(future.exception())
                            except Exception as err:  # cancelled
                                message = _message(err)
                        failed.append((i, message))
                        group["failed"][i] = True
                        group["run"][i] = run_index
                        failures[str(i)] = f"{plan.describe(i)}: {message}"
                        group.attrs.update({"failures": failures})
                        if on_failure is not None:
                            on_failure(i, message)
                    future.release()
                    if on_progress is not None:
                        on_progress(n, len(pending))
        finally:
            if cluster is not None:
                cluster.close()
    wall = time.perf_counter() - start
    record.update({"computed": computed, "failed": len(failed), "finished": True, "wall_s": round(wall, 3)})
    group.attrs.update({"runs": runs + [record], "failures": failures})
    return SweepReport(path, plan.n_tasks, plan.n_tasks - len(pending), computed, failed, wall, resumed)


# --------------------------------------------------------------------------------------
# Reading back
# --------------------------------------------------------------------------------------


def open_sweep(path: str | Path) -> xr.Dataset:
    """A sweep store as a Dataset with dimensions ``(scenario, point, sample, year, ...)``.

    Variables: the :data:`RESULT_VARS` (NaN for tasks not done), ``done``, ``failed``,
    ``duration``, ``task`` (the task index) and, with samples, ``sampled_value``
    (scenario, sample, input) with the sampled values in each quantity's unit. Coordinates:
    ``scenario`` (names), ``point`` (0...), one coordinate on ``point`` per grid key (named by
    the key; attribute ``operation`` "set" or "scale"), ``point_label`` and ``sample``. The
    attributes hold the plan, the runs and the failures (as JSON text).
    """
    _require_engine()
    import zarr

    path = Path(path)
    if not _is_store(path):
        raise SmartcityError(f"{path}: not a Zarr store")
    group = zarr.open_group(str(path), mode="r")
    meta = group.attrs.get("smartcity_sweep")
    if meta is None:
        raise SmartcityError(f"{path}: a Zarr store that is not a smartcity sweep")
    shape = tuple(meta["shape"])
    grid = [GridAxis(g["key"], g["op"], tuple(g["values"])) for g in meta["grid"]]
    points = list(itertools.product(*(a.values for a in grid)))
    lead = ("scenario", "point", "sample")
    data = {}
    for name, (dims, units, long_name) in RESULT_VARS.items():
        values = np.asarray(group[name][:])
        data[name] = (lead + dims, values.reshape(shape + values.shape[1:]), {"units": units, "long_name": long_name})
    for name in ("done", "failed", "duration"):
        arr = group[name]
        data[name] = (lead, np.asarray(arr[:]).reshape(shape), dict(arr.attrs))
    data["task"] = (lead, np.arange(int(np.prod(shape))).reshape(shape), {"units": "-", "long_name": "task index"})
    coords: dict[str, Any] = {
        "scenario": ("scenario", [s["name"] for s in meta["scenarios"]], {"units": "-", "long_name": "scenario name"}),
        "point": ("point", np.arange(shape[1]), {"units": "-", "long_name": "grid point"}),
        "point_label": ("point", [", ".join(a.label(v) for a, v in zip(grid, p)) or "nominal" for p in points],
                        {"units": "-", "long_name": "overrides of the grid point"}),
        "sample": ("sample", np.arange(shape[2]), {
            "units": "-", "long_name": "Latin hypercube sample" if meta["samples"] else "nominal values (no sampling)"}),
        "year": ("year", np.asarray(meta["years"], dtype=np.int64), {"units": "a", "long_name": "simulated year"}),
    }
    for dim, labels in meta["labels"].items():
        coords[dim] = (dim, labels, {"units": "-", "long_name": dim})
    for j, axis in enumerate(grid):
        values = [p[j] for p in points]
        coords[axis.key] = ("point", np.asarray(values, dtype=object if any(isinstance(v, str) for v in values)
                                                else None),
                            {"units": "-", "operation": "scale" if axis.op == "*=" else "set",
                             "long_name": f"grid value of {axis.key} ({'factor' if axis.op == '*=' else 'value'})"})
    if meta["samples"]:
        inputs = sorted({k for s in meta["scenarios"] for k in s["uncertain"]})
        values = np.full((shape[0], shape[2], len(inputs)), np.nan)
        for si, s in enumerate(meta["scenarios"]):
            for key, col in zip(s["uncertain"], s["sample_values"]):
                values[si, :, inputs.index(key)] = col
        coords["input"] = ("input", inputs, {"units": "-", "long_name": "uncertain input (dotted key)"})
        data["sampled_value"] = (("scenario", "sample", "input"), values, {
            "units": "-", "long_name": "sampled value of each uncertain input, in the unit of its quantity"})
    ds = xr.Dataset(data, coords=coords)
    ds.attrs.update({
        "title": "smartcity sweep results",
        "fingerprint": meta["fingerprint"],
        "plan": json.dumps({k: v for k, v in meta.items() if k != "fingerprint"}),
        "runs": json.dumps(group.attrs.get("runs", [])),
        "failures": json.dumps(group.attrs.get("failures", {})),
    })
    return ds


def summary_table(ds: xr.Dataset, year: int | None = None) -> pd.DataFrame:
    """Total CO2 by scenario and grid point in ``year`` (default: the last year): tasks done and,
    over the samples, mean, P10, P50 and P90 [t/a]."""
    year = int(ds["year"].values[-1]) if year is None else int(year)
    total = ds["co2"].sel(year=year).sum("sector", min_count=1)
    rows = []
    for s in ds["scenario"].values:
        for p in ds["point"].values:
            x = total.sel(scenario=s, point=p).values
            x = x[np.isfinite(x)]
            row = {"scenario": str(s), "point": str(ds["point_label"].values[p]),
                   "done": f"{int(ds['done'].sel(scenario=s, point=p).sum())}/{ds.sizes['sample']}"}
            if x.size:
                row.update({f"CO2 {year} mean [t/a]": x.mean(), "P10": np.percentile(x, 10),
                            "P50": np.percentile(x, 50), "P90": np.percentile(x, 90)})
            rows.append(row)
    return pd.DataFrame(rows)


def _print_summary(ds: xr.Dataset, stream=None) -> None:
    stream = stream or sys.stdout
    table = summary_table(ds)
    with pd.option_context("display.width", 200, "display.max_columns", 20, "display.max_colwidth", 60):
        stream.write(table.to_string(index=False, float_format=lambda x: f"{x:,.1f}") + "\n")
