"""Sweeps: scenarios x grid points x samples on Dask distributed, streamed to a Zarr store.

A sweep runs every combination of

* the given scenario files,
* the points of a grid: the cartesian product of ``--grid KEY=V1,V2,...`` (set a value) and
  ``--grid KEY*=F1,F2,...`` (scale a value) options, in the order given, and
* ``--samples N`` Monte Carlo samples of the scenarios' uncertain inputs (values with a
  ``distribution``, :func:`smartcity.uncertainty.uncertain_inputs`): a Latin hypercube
  (``design="lhs"``) or Saltelli's design for Sobol' indices (``design="saltelli"``, N (k + 2)
  samples), drawn once for the union of the scenarios' inputs and seeded with the first
  scenario's ``scenario.seed`` (:func:`plan_sweep`); a shared input takes the same quantile in
  the same sample of every scenario, and every grid point uses the same samples (common random
  numbers, so scenarios and grid points differ only by what differs),

as one *task* each. A task applies its overrides to the resolved scenario
(:func:`with_overrides`) and is run by :func:`smartcity.run.run_scenarios` (``attribution=False``:
only the scenario with all its measures) together with the other scenarios of its sample, so
that it records its compact result (:data:`RESULT_VARS`) and its headline KPIs, those against
the baseline included (:func:`kpi_values`). Workers take *jobs* (a grid point and up to 16
samples, :meth:`SweepPlan.jobs`) and keep what samples share in a
:class:`smartcity.run.RunCache`. Jobs run on a :class:`distributed.LocalCluster` (one
single-threaded worker process per ``workers``) or on a running Dask scheduler, and their
results are written to a Zarr store as they finish, so that an interrupted sweep resumes: run
again with the same arguments and only the tasks not done are computed.

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
with NaN. The arrays and their units (UDUNITS) come from the ``[variable.sweep]`` tables of
``smartcity/data/results.toml`` (:data:`RESULT_VARS`):

=============== ==================================== =========
array           dimensions                           units
=============== ==================================== =========
co2             task, year, sector                   t yr-1
final_energy    task, year, carrier                  MW h yr-1
grid_import     task, year                           MW h yr-1
pv_generation   task, year                           MW h yr-1
mode_share      task, year, mode                     1
vehicle_km      task, year, vehicle, powertrain      km yr-1
kpi_value       task, kpi, year                      headline KPIs, units in the plan's ``kpis``
done            task                                 bool: results written
failed          task                                 bool: the task failed (see attrs)
run             task                                 index into attrs ``runs`` of the run that
                                                     computed (or failed) the task, -1 none
duration        task                                 s, wall time of the task on its worker
=============== ==================================== =========

``year`` is the union of the scenarios' simulated years (NaN where a scenario does not
simulate a year); the transport variables are NaN for a scenario without transport model.
The group attributes hold ``smartcity_sweep`` (the plan: scenarios with their SHA-256, grid,
design, samples, uncertain inputs and sampled values, baseline, KPIs, coordinate labels, and
its ``fingerprint``), ``runs`` (one record
per invocation: time, engine, tasks submitted, computed, failed, wall time) and
``failures`` (task -> one-line message). :func:`open_sweep` reads it all back as an
:class:`xarray.Dataset` with dimensions ``(scenario, point, sample, year, ...)``.

Longer than the house limit of ~700 lines (about 930): the plan, the job a worker runs, the
Zarr store and the engine share the store layout and the plan's fingerprint, which must
agree for an interrupted sweep to resume; one module keeps that contract in one place.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import itertools
import json
import logging
import re
import shutil
import sys
import time
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from smartcity.errors import InputError, SmartcityError
from smartcity.results import is_sweep_store
from smartcity.scenario import load_scenario
from smartcity.scenario.overrides import (
    OverrideKeyError,
    Value,
    locate,
    parse_value,
    with_overrides,
)
from smartcity.writing import folder_lock

log = logging.getLogger("smartcity")

__all__ = [
    "GridAxis", "OverrideKeyError", "RESULT_VARS", "SweepPlan", "SweepReport", "compact_result",
    "is_sweep_store", "open_sweep", "parse_grid", "parse_value", "plan_sweep", "run_sweep", "run_task", "summary_table",
    "with_overrides",
]

SCHEMA_VERSION = 2


def _result_vars() -> dict[str, tuple[tuple[str, ...], str, str]]:
    """The compact result of a task: name -> (dimensions after ``task``, units, long name).

    The variables of ``data/results.toml`` with a ``sweep`` table, their declared dimensions
    less those the sweep sums over (:func:`smartcity.results.schema`).
    """
    from smartcity.results import schema

    _, variables = schema()
    return {name: (tuple(d for d in v.dims if d not in v.sweep["sum"]), v.sweep["units"], v.sweep["long_name"])
            for name, v in variables.items() if v.sweep is not None}


#: The compact result of a task: name -> (dimensions after ``task``, units, long name).
RESULT_VARS: dict[str, tuple[tuple[str, ...], str, str]] = _result_vars()


def _labels() -> dict[str, list[str]]:
    from smartcity import emissions
    from smartcity.transport.model import MODES, POWERTRAINS, VEHICLES

    return {"sector": list(emissions.SECTORS), "carrier": list(emissions.INVENTORY_CARRIERS),
            "mode": list(MODES), "vehicle": list(VEHICLES), "powertrain": list(POWERTRAINS)}


# --------------------------------------------------------------------------------------
# Overrides
# --------------------------------------------------------------------------------------


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
        raise InputError("not a grid option", key="--grid", value=text,
                         allowed="KEY=V1,V2,... (set) or KEY*=F1,F2,... (scale), e.g. "
                                 "supply.electricity.emission_factor*=0.8,1,1.2")
    key, op, rest = match.group(1), match.group(2), match.group(3)
    parts = [p for p in rest.split(",")]
    if not rest.strip() or any(not p.strip() for p in parts):
        raise InputError("empty value in a grid option", key=key, value=text, allowed="comma-separated values")
    try:
        values = tuple(parse_value(p) for p in parts)
    except InputError as exc:
        raise exc.located(key=f"--grid {key}") from None
    if op == "*=":
        bad = [v for v in values if isinstance(v, bool) or not isinstance(v, (int, float))]
        if bad:
            raise InputError("a scale factor must be a number", key=key, value=bad[0], allowed="numbers, e.g. 0.8,1.2")
        values = tuple(float(v) for v in values)
    if len(set(map(repr, values))) != len(values):
        raise InputError("a grid value repeats", key=key, value=text, allowed="distinct values")
    return GridAxis(key, op, values)


# --------------------------------------------------------------------------------------
# Plan
# --------------------------------------------------------------------------------------

#: Sampling designs of ``--samples N``: a Latin hypercube of N points, or Saltelli's design for
#: Sobol' indices with N base points (N (k + 2) runs for k uncertain inputs; N a power of 2).
DESIGNS = ("lhs", "saltelli")


@dataclass(frozen=True)
class SweepPlan:
    """The tasks of a sweep and what identifies them (see :func:`plan_sweep`)."""

    scenarios: list[dict]
    grid: list[GridAxis]
    samples: int
    years: list[int]
    labels: dict[str, list[str]]
    design: str = "lhs"
    inputs: list[str] = field(default_factory=list)
    baseline: str | None = None
    kpis: list[dict] = field(default_factory=list)

    @property
    def points(self) -> list[tuple]:
        """Grid points: tuples of values, one per axis (one empty point without a grid)."""
        return list(itertools.product(*(axis.values for axis in self.grid)))

    @property
    def n_samples(self) -> int:
        """Sample rows per grid point: N (lhs), N (k + 2) (saltelli) or 1 (nominal values)."""
        if not self.samples:
            return 1
        return self.samples * (len(self.inputs) + 2) if self.design == "saltelli" else self.samples

    @property
    def shape(self) -> tuple[int, int, int]:
        """(scenarios, grid points, samples per point)."""
        return len(self.scenarios), len(self.points), self.n_samples

    @property
    def n_tasks(self) -> int:
        return int(np.prod(self.shape))

    def to_json(self) -> dict:
        return {
            "schema": SCHEMA_VERSION, "sampling": self.design, "samples": self.samples,
            "inputs": list(self.inputs), "baseline": self.baseline, "kpis": self.kpis,
            "scenarios": self.scenarios, "years": self.years, "labels": self.labels,
            "grid": [{"key": a.key, "op": a.op, "values": list(a.values)} for a in self.grid],
        }

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the plan: same scenarios (and input files), grid and samples, same fingerprint."""
        return hashlib.sha256(json.dumps(self.to_json(), sort_keys=True).encode()).hexdigest()

    def _sampled(self, s: int, k: int) -> dict:
        sc = self.scenarios[s]
        if not self.samples:
            return {}
        return {key: col[k] for key, col in zip(sc["uncertain"], sc["sample_values"])}

    def task(self, i: int) -> dict:
        """The task ``i``: scenario, grid point and sample (JSON-able)."""
        s, p, k = (int(x) for x in np.unravel_index(i, self.shape))
        sc = self.scenarios[s]
        point = self.points[p]
        grid = {axis.override_key: v for axis, v in zip(self.grid, point)}
        return {"id": int(i), "scenario": sc["path"], "name": sc["name"], "sha256": sc["sha256"],
                "point": p, "sample": k if self.samples else None, "grid": grid,
                "sampled": self._sampled(s, k), "years": self.years}

    def task_id(self, s: int, p: int, k: int) -> int:
        return int(np.ravel_multi_index((s, p, k), self.shape))

    def jobs(self, pending: Sequence[int], batch: int = 1) -> list[dict]:
        """Units of work for the workers: one grid point and up to ``batch`` samples, all scenarios.

        The scenarios of one sample run together (as one ``smartcity run``), so KPIs against
        the baseline are computed on the worker; a job holds every sample of its point with a
        task in ``pending``.
        """
        todo = set(int(i) for i in pending)
        out = []
        for p in range(self.shape[1]):
            ks = [k for k in range(self.shape[2]) if any(self.task_id(s, p, k) in todo for s in range(self.shape[0]))]
            for start in range(0, len(ks), max(int(batch), 1)):
                chunk = ks[start:start + max(int(batch), 1)]
                out.append({
                    "point": p,
                    "grid": {axis.override_key: v for axis, v in zip(self.grid, self.points[p])},
                    "scenarios": [{"path": sc["path"], "name": sc["name"], "sha256": sc["sha256"]}
                                  for sc in self.scenarios],
                    "samples": [{"sample": k if self.samples else None,
                                 "tasks": [self.task_id(s, p, k) for s in range(self.shape[0])],
                                 "sampled": [self._sampled(s, k) for s in range(self.shape[0])]} for k in chunk],
                    "years": self.years, "baseline": self.baseline, "kpis": [d["id"] for d in self.kpis],
                })
        return out

    def describe(self, i: int) -> str:
        """One line naming task ``i``'s parameters."""
        t = self.task(i)
        parts = [f"scenario {t['name']}"]
        parts += [axis.label(v) for axis, v in zip(self.grid, self.points[t["point"]])]
        if t["sample"] is not None:
            parts.append(f"sample {t['sample']}")
        return f"task {i} (" + ", ".join(parts) + ")"


def headline_kpis(definitions=None) -> list[dict]:
    """The KPIs a sweep records for every task: those with one value per year (no breakdown)."""
    from smartcity.kpi import load_definitions

    definitions = definitions or load_definitions()
    return [{"id": d.id, "name": d.name, "unit": d.unit, "better": d.better} for d in definitions.kpi
            if d.items is None]


def _unit_design(k: int, n: int, design: str, seed: int) -> np.ndarray:
    """Points in the unit cube, one column per uncertain input (sorted keys): ``(rows, k)``.

    ``lhs``: ``n`` Latin-hypercube rows. ``saltelli``: the rows of ``A``, ``B`` and the
    ``k`` matrices ``A_B^(i)`` (``A`` with column ``i`` from ``B``), ``n`` each, from one
    ``2k``-dimensional scrambled Sobol' sample (as :func:`smartcity.uncertainty.sobol_design`).
    """
    from smartcity.uncertainty import unit_sample

    if design == "lhs":
        return unit_sample(k, n, method="lhs", seed=seed)
    u = unit_sample(2 * k, n, method="sobol", seed=seed)
    a, b = u[:, :k], u[:, k:]
    blocks = [a, b]
    for i in range(k):
        ab = a.copy()
        ab[:, i] = b[:, i]
        blocks.append(ab)
    return np.vstack(blocks)


def plan_sweep(scenarios: Sequence[str | Path], grid: Sequence[GridAxis | str] = (), samples: int = 0, *,
               design: str = "lhs", baseline: str | None = "baseline") -> SweepPlan:
    """Load the scenarios, check the grid keys and draw the samples.

    Samples are drawn once for the union of the scenarios' uncertain inputs (unit-cube column
    by sorted key, seeded by the first scenario's ``scenario.seed``) and mapped through each
    scenario's own distribution: scenarios that share an input use the same quantile of it in
    the same sample (common random numbers), so differences between scenarios are paired.

    Parameters
    ----------
    scenarios : sequence of path
        Scenario files; names must differ.
    grid : sequence of GridAxis or str
        Grid options (``KEY=V1,V2`` or ``KEY*=F1,F2``).
    samples : int
        0: nominal values; else the Latin-hypercube size (``design="lhs"``) or the base size N
        of Saltelli's design (``design="saltelli"``, N a power of 2, N (k + 2) samples).
    design : {"lhs", "saltelli"}
        Sampling design.
    baseline : str or None
        Scenario the KPIs "vs baseline" refer to (absent from the sweep: those KPIs are NaN).

    Raises
    ------
    InputError
        A bad scenario, a grid key a scenario does not have (or cannot set that way), a key
        given twice, ``samples`` for scenarios without uncertain inputs, a grid key that is
        also an uncertain input, an unknown design or a Saltelli size that is not a power of 2.
    """
    from smartcity.uncertainty import uncertain_inputs

    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 0:
        raise InputError("the number of samples must be an integer >= 0", value=samples)
    if design not in DESIGNS:
        raise InputError("unknown sampling design", key="--design", value=design, allowed=", ".join(DESIGNS))
    if design == "saltelli" and samples and (samples & (samples - 1)):
        raise InputError("Saltelli's design needs a power of 2 of base samples", key="--samples", value=samples,
                         allowed="e.g. 32, 64, 128 (each gives N (k + 2) runs for k uncertain inputs)")
    if not scenarios:
        raise SmartcityError("name at least one scenario file")
    axes = [parse_grid(g) if isinstance(g, str) else g for g in grid]
    keys = [a.key for a in axes]
    for key in keys:
        if keys.count(key) > 1:
            raise InputError("a key is given in two grid options", key=key, allowed="one --grid option per key")
    entries, names, years, found = [], {}, set(), []
    for path in scenarios:
        resolved = load_scenario(path)
        if resolved.name in names:
            raise InputError("two scenarios of one sweep have the same name", file=resolved.path,
                             key="scenario.name", value=resolved.name,
                             allowed=f"a name other than that of {names[resolved.name]}")
        names[resolved.name] = resolved.path
        for axis in axes:
            try:
                locate(resolved.model, axis.key, axis.op == "*=")
                for value in axis.values:  # each value as the tasks will set it: refused now, not per task
                    with_overrides(resolved, {axis.override_key: value}, source="sweep grid point")
            except InputError as exc:
                raise exc.located(file=resolved.path) from None
        model = resolved.model
        entry = {"path": str(resolved.path), "name": resolved.name, "sha256": resolved.sha256(),
                 "seed": int(model.scenario.seed), "years": list(model.years), "uncertain": [], "sample_values": []}
        inputs = uncertain_inputs(model) if samples else {}
        for axis in axes:
            if axis.key in inputs:
                raise InputError("a grid key is also an uncertain input of the scenario (sampled)",
                                 file=resolved.path, key=axis.key,
                                 allowed="sweep it or sample it, not both: drop its distribution or the --grid")
        found.append((resolved, inputs))
        entries.append(entry)
        years.update(model.years)
    union = sorted({k for _, inputs in found for k in inputs})
    if samples:
        if not union:
            listed = ", ".join(f"'{r.name}'" for r, _ in found)
            raise InputError(
                f"--samples {samples} needs uncertain inputs, but scenario {listed} has none",
                file=found[0][0].path,
                allowed="a quantity with a distribution, e.g. [supply.pv] system_losses = { value = 0.14, "
                        "unit = \"1\", distribution = \"triangular\", low = 0.10, mode = 0.14, high = 0.20 }")
        u = _unit_design(len(union), samples, design, entries[0]["seed"])
        for entry, (_, inputs) in zip(entries, found):
            entry["uncertain"] = [k for k in union if k in inputs]
            entry["sample_values"] = [[float(x) for x in inputs[k].ppf(u[:, union.index(k)])]
                                      for k in entry["uncertain"]]
    return SweepPlan(entries, axes, samples, sorted(years), _labels(), design=design, inputs=union,
                     baseline=baseline, kpis=headline_kpis())


# --------------------------------------------------------------------------------------
# One job (runs on a worker)
# --------------------------------------------------------------------------------------


def compact_result(ds: xr.Dataset, years: Sequence[int] | None = None) -> dict[str, np.ndarray]:
    """The compact result (:data:`RESULT_VARS`) of a one-scenario results Dataset.

    ``years`` (default: the Dataset's) are the rows; years the Dataset lacks are NaN.
    """
    from smartcity.results import schema

    labels = _labels()
    _, declared = schema()
    s = ds.isel(scenario=0) if "scenario" in ds.dims else ds
    years = list(s["year"].values) if years is None else list(years)
    s = s.reindex(year=years)
    sizes = {"year": len(years), **{dim: len(v) for dim, v in labels.items()}}
    result = {}
    for name, (dims, _, _) in RESULT_VARS.items():
        if name not in s:  # e.g. travel without a transport model
            result[name] = np.full(tuple(sizes[d] for d in dims), np.nan)
            continue
        sweep = declared[name].sweep
        value = s[name].sum(list(sweep["sum"]), min_count=1) if sweep["sum"] else s[name]
        if "divisor" in sweep:
            value = value / sweep["divisor"]
        value = value.sel({d: labels[d] for d in dims if d in labels}).transpose(*dims)
        result[name] = np.asarray(value.values, dtype=np.float64)
    return result


def kpi_values(ds: xr.Dataset, kpis: Sequence[str], years: Sequence[int], baseline: str | None) -> np.ndarray:
    """The headline KPIs of every scenario of a results Dataset: ``(scenario, kpi, year)``.

    KPIs that need what a sweep run does not compute (e.g. measure costs without the
    attribution runs) or a missing baseline are NaN.
    """
    from smartcity.kpi import kpi_table, load_definitions

    definitions = load_definitions()
    wanted = [d for d in definitions.kpi if d.id in set(kpis)]
    table = kpi_table(ds, years=[y for y in years if y in set(ds["year"].values.tolist())], baseline=baseline,
                      definitions=definitions.model_copy(update={"kpi": wanted}))
    row_of = {str(k): i for i, k in enumerate(table.index.get_level_values("id"))}
    cells = table.to_numpy(dtype=np.float64)
    names = [str(n) for n in ds["scenario"].values]
    column = [(names.index(str(s)), list(years).index(int(y))) for s, y in table.columns]
    out = np.full((len(names), len(kpis), len(years)), np.nan)
    for j, kpi in enumerate(kpis):
        if kpi in row_of:
            for (s, y), value in zip(column, cells[row_of[kpi]]):
                out[s, j, y] = value
    return out


#: Scenarios and shared intermediate results of this worker process (see :class:`smartcity.run.RunCache`).
_WORKER: dict[str, Any] = {}


#: glibc's mallopt parameters and the value set on sweep workers [bytes].
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD, _MALLOC_THRESHOLD = -1, -3, 32 * 2**20


def _allocate_from_the_heap() -> None:
    """Keep the hourly arrays of a run on the heap (glibc only; elsewhere nothing happens).

    Dask's nanny starts workers with ``MALLOC_TRIM_THRESHOLD_=65536``, which also freezes
    glibc's mmap threshold at 128 KiB: every hourly array of a year (8,760 values) is then
    mapped and unmapped anew, and a lighthouse sample takes ~1.6 s instead of ~1.2 s on this
    machine. Both thresholds at 32 MiB restore the speed (results do not change).
    """
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(_M_MMAP_THRESHOLD, _MALLOC_THRESHOLD)
        libc.mallopt(_M_TRIM_THRESHOLD, _MALLOC_THRESHOLD)
    except (OSError, AttributeError):  # not glibc
        pass


def _worker_state():
    from smartcity.run import RunCache

    if "cache" not in _WORKER:
        import numba

        numba.set_num_threads(1)  # one worker per core: its kernels run on its own thread
        _allocate_from_the_heap()
        # bounded: a sweep visits many stocks once; keep what samples share (years before the measures)
        _WORKER["cache"] = RunCache(max_energy_years=48, max_transport_models=4)
        _WORKER["scenarios"] = {}
    return _WORKER["cache"], _WORKER["scenarios"]


def _scenario(path: str, sha256: str, loaded: dict):
    resolved = loaded.get((path, sha256))
    if resolved is None:
        resolved = load_scenario(path)
        if resolved.sha256() != sha256:
            raise InputError("the scenario or one of its input files differs from when the sweep was planned "
                             "(edited since, or another copy on this worker)", file=path)
        loaded[(path, sha256)] = resolved
    return resolved


def run_job(job: Mapping) -> list[dict[str, Any]]:
    """Run one job of a plan (:meth:`SweepPlan.jobs`): each sample's scenarios run together.

    Returns one record per task: ``{"task": i, <RESULT_VARS>, "kpi": (kpi, year), "duration"}``
    or ``{"task": i, "error": message}`` (a sample's failure fails its tasks, not the job's
    other samples). Files read and intermediate results are shared between the job's samples
    and with later jobs on the same worker (:class:`smartcity.run.RunCache`); on a
    multi-machine cluster scenario files must be readable at the same path on every worker.
    """
    from smartcity.run import load_inputs, run_scenarios

    cache, loaded = _worker_state()
    out: list[dict[str, Any]] = []
    for entry in job["samples"]:
        start = time.perf_counter()
        try:
            resolved = []
            for sc, sampled in zip(job["scenarios"], entry["sampled"]):
                r = with_overrides(_scenario(sc["path"], sc["sha256"], loaded), job["grid"], source="sweep grid point")
                resolved.append(with_overrides(r, sampled, source=f"sweep sample {entry['sample']}"))
            inputs = load_inputs(resolved, cache=cache)
            ds = run_scenarios([], inputs=inputs, attribution=False, cache=cache,
                               command="smartcity sweep job")
            kpis = kpi_values(ds, job["kpis"], job["years"], job["baseline"])
        except Exception as exc:  # reported by the client with the task's parameters
            message = _message(exc)
            out.extend({"task": i, "error": message} for i in entry["tasks"])
            continue
        duration = (time.perf_counter() - start) / len(entry["tasks"])
        for s, i in enumerate(entry["tasks"]):
            record = compact_result(ds.isel(scenario=[s]), job["years"])
            record.update(task=i, kpi=kpis[s], duration=duration)
            out.append(record)
    return out


def run_task(task: Mapping) -> dict[str, Any]:
    """Run one task of a plan (:meth:`SweepPlan.task`) alone; returns its compact result and wall time."""
    job = {"grid": task["grid"], "scenarios": [{"path": task["scenario"], "name": task["name"],
                                                "sha256": task["sha256"]}],
           "samples": [{"sample": task["sample"], "tasks": [task["id"]], "sampled": [task["sampled"]]}],
           "years": task["years"], "baseline": None, "kpis": []}
    [record] = run_job(job)
    if "error" in record:
        raise SmartcityError(record["error"])
    return record


# --------------------------------------------------------------------------------------
# Store
# --------------------------------------------------------------------------------------


def _require_engine() -> None:
    try:
        import cryptography  # noqa: F401  (the local cluster's TLS credentials)
        import distributed  # noqa: F401
        import zarr
    except ImportError as exc:
        raise SmartcityError(f"sweeps need dask[distributed], zarr >= 3 and cryptography ({exc}); install them with "
                             "pip install 'smartcity[dask]'") from None
    if int(zarr.__version__.split(".")[0]) < 3:
        raise SmartcityError(f"sweeps need zarr >= 3 (installed: {zarr.__version__}); pip install 'zarr>=3'")


#: Per-task arrays added to stores written by earlier versions: name -> (dtype, fill, units, long name).
_TASK_ARRAYS = {"checksum": ("i8", -1, "-", "CRC-32 of the task's results as written (checked on reading and "
                                           "resuming; -1: not known)")}


def _add_task_array(group, name: str, n: int, dtype=None, fill=None, units=None, long_name=None) -> None:
    if dtype is None:
        dtype, fill, units, long_name = _TASK_ARRAYS[name]
    arr = group.create_array(name, shape=(n,), chunks=(1,), dtype=dtype, fill_value=fill,
                             dimension_names=("task",), compressors=None)
    arr.attrs.update({"units": units, "long_name": long_name})


def _create_store(path: Path, plan: SweepPlan):
    import zarr

    n, ny = plan.n_tasks, len(plan.years)
    sizes = {"year": ny, **{k: len(v) for k, v in plan.labels.items()}}
    # "w-": create in the (empty, locked) folder; "w" would delete and re-create the folder and so drop its lock
    group = zarr.open_group(str(path), mode="w-")
    for name, (dims, units, long_name) in RESULT_VARS.items():
        shape = (n,) + tuple(sizes[d] for d in dims)
        arr = group.create_array(name, shape=shape, chunks=(1,) + shape[1:], dtype="f8", fill_value=np.nan,
                                 dimension_names=("task",) + dims)
        arr.attrs.update({"units": units, "long_name": long_name})
    if plan.kpis:
        shape = (n, len(plan.kpis), ny)
        arr = group.create_array("kpi_value", shape=shape, chunks=(1,) + shape[1:], dtype="f8", fill_value=np.nan,
                                 dimension_names=("task", "kpi", "year"))
        arr.attrs.update({"units": "see kpi_unit", "long_name": "headline KPIs (smartcity.kpi, data/kpis.toml)"})
    for name, dtype, fill, units, long_name in (
        ("done", "bool", False, "-", "the task's results are written"),
        ("failed", "bool", False, "-", "the task failed in its last run (message in the group's 'failures')"),
        ("run", "i4", -1, "-", "index into the group's 'runs' of the run that computed or failed the task"),
        ("duration", "f8", np.nan, "s", "wall time of the task on its worker"),
        ("checksum",) + _TASK_ARRAYS["checksum"],
    ):
        _add_task_array(group, name, n, dtype, fill, units, long_name)
    group.attrs.update({"smartcity_sweep": {**plan.to_json(), "fingerprint": plan.fingerprint,
                                            "n_tasks": n, "shape": list(plan.shape)},
                        "runs": [], "failures": {}})
    return group


def _open_store(path: Path, plan: SweepPlan, force: bool):
    """The store for ``plan``: created in the (locked, existing) folder ``path``, or reopened if
    it holds the same plan. With ``force`` only a store this tool wrote is discarded."""
    if not is_sweep_store(path):
        return _create_store(path, plan), False
    meta = _store_meta(path)
    if meta is not None and meta.get("fingerprint") == plan.fingerprint and not force:
        group = _open_group(path, "r+")
        if "checksum" not in group:  # a store written before checksums were kept
            _add_task_array(group, "checksum", plan.n_tasks)
        return group, True
    if meta is None:
        raise SmartcityError(f"{path}: a Zarr store that is not a smartcity sweep; it is left as it is: remove "
                             "it yourself or choose another output with -o")
    if not force:
        raise SmartcityError(f"{path}: holds another sweep (different scenarios, scenario or input files, grid "
                             "or samples); pass --force to discard it and start afresh, or choose another output "
                             "with -o")
    for child in path.iterdir():  # the folder itself stays: it carries the lock
        shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
    return _create_store(path, plan), False


def _open_group(path: Path, mode: str):
    """Open the store's group; unreadable metadata is an error naming the store."""
    import zarr

    try:
        return zarr.open_group(str(path), mode=mode)
    except Exception as exc:  # broken zarr.json (JSONDecodeError), wrong format, ...
        raise SmartcityError(f"{path}: cannot read the sweep store's metadata ({_message(exc)}); the store is "
                             "damaged: run the sweep again with -o to another store") from None


def _store_meta(path: Path) -> dict | None:
    """The plan attribute of the store at ``path`` (None: a Zarr store this tool did not write)."""
    return _open_group(path, "r").attrs.get("smartcity_sweep")


def _stored_row(values) -> np.ndarray:
    """A task's row as the store keeps it: float64 with one NaN bit pattern (Zarr does not keep a
    chunk that is all fill value, and reads it back as its own NaN, whatever NaN was written)."""
    row = np.asarray(values, dtype=np.float64)
    return np.where(np.isnan(row), np.nan, row)


def _task_checksum(rows: Sequence[np.ndarray]) -> int:
    """CRC-32 of one task's results (one row of each result array, in store order)."""
    crc = 0
    for row in rows:
        crc = zlib.crc32(np.ascontiguousarray(_stored_row(row), dtype="<f8").tobytes(), crc)
    return crc


def _result_arrays(group) -> list[str]:
    return list(RESULT_VARS) + (["kpi_value"] if "kpi_value" in group else [])


def _read_rows(group, name: str, tasks: Sequence[int]) -> tuple[dict[int, np.ndarray], set[int]]:
    """Rows ``tasks`` of the array ``name``, and the tasks whose chunk cannot be read."""
    arr = group[name]
    try:
        whole = np.asarray(arr[:])
        return {i: whole[i] for i in tasks}, set()
    except Exception:  # a damaged chunk somewhere: read row by row to find it
        rows, bad = {}, set()
        for i in tasks:
            try:
                rows[i] = np.asarray(arr[i])
            except Exception:
                bad.add(i)
        return rows, bad


def _done_and_damaged(group) -> tuple[np.ndarray, list[int]]:
    """Which tasks are done, and which of those have results missing or changed since they were
    written (a deleted or corrupted chunk: the checksum does not match)."""
    n = int(group["done"].shape[0])
    rows, bad = _read_rows(group, "done", range(n))
    done = np.array([bool(rows.get(i, False)) for i in range(n)])
    if "checksum" not in group:  # written before checksums were kept
        return done, []
    finished = [int(i) for i in np.flatnonzero(done)]
    sums, bad_sums = _read_rows(group, "checksum", finished)
    damaged = set(bad_sums)
    values = {}
    for name in _result_arrays(group):
        values[name], unreadable = _read_rows(group, name, finished)
        damaged |= unreadable
    for i in finished:
        if i in damaged or int(sums[i]) == -1:  # -1: written before checksums were kept
            continue
        if _task_checksum([values[name][i] for name in values]) != int(sums[i]):
            damaged.add(i)
    return done, sorted(damaged)


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
    damaged: int = 0

    @property
    def ok(self) -> bool:
        return not self.failed


def _message(exc: BaseException) -> str:
    text = str(exc) if isinstance(exc, SmartcityError) else f"{type(exc).__name__}: {exc}"
    return " ".join(text.split())


def _batch_size(plan: SweepPlan, n_pending: int, workers: int) -> int:
    """Samples per job: about eight jobs per worker (load balance and resume granularity),
    at most 16 samples (a job's results are written when it finishes)."""
    per_sample = max(plan.shape[0], 1)
    return int(min(16, max(1, n_pending // per_sample // (8 * max(workers, 1)))))


def run_sweep(scenarios: Sequence[str | Path], output: str | Path, *, grid: Sequence[GridAxis | str] = (),
              samples: int = 0, workers: int = 2, scheduler: str | None = None, force: bool = False,
              on_progress: Callable[[int, int], None] | None = None,
              on_failure: Callable[[int, str], None] | None = None, plan: SweepPlan | None = None,
              design: str = "lhs", baseline: str | None = "baseline", batch: int | None = None,
              dashboard: bool = False) -> SweepReport:
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
        Samples of the scenarios' uncertain inputs (0: nominal values only); see ``design``.
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
    design : {"lhs", "saltelli"}
        Sampling design (:func:`plan_sweep`).
    baseline : str or None
        Reference scenario of the KPIs "vs baseline".
    batch : int, optional
        Samples per job (default: :func:`_batch_size`); results are identical for any batch.
    dashboard : bool
        Serve Dask's dashboard of the local cluster on a random local port (logged).

    Returns
    -------
    SweepReport
    """
    _require_engine()
    start = time.perf_counter()
    plan = plan or plan_sweep(scenarios, grid, samples, design=design, baseline=baseline)
    path = Path(output)
    if path.exists() and not (path.is_dir() and (is_sweep_store(path) or not any(path.iterdir()))):
        raise SmartcityError(f"{path}: exists and is not a Zarr store; choose another output with -o")
    with folder_lock(path, what="the sweep store"):
        fresh = not is_sweep_store(path)
        try:
            return _run_locked(plan, path, start, workers=workers, scheduler=scheduler, force=force,
                               on_progress=on_progress, on_failure=on_failure, batch=batch, dashboard=dashboard)
        except SmartcityError:  # refused before any task ran (e.g. no scheduler there): leave nothing behind
            if fresh:
                for child in path.iterdir():
                    shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
            raise


def _run_locked(plan: SweepPlan, path: Path, start: float, *, workers, scheduler, force, on_progress, on_failure,
                batch, dashboard) -> SweepReport:
    """:func:`run_sweep` once the store's folder is locked."""
    from distributed import Client, as_completed

    group, resumed = _open_store(path, plan, force)
    done, damaged = _done_and_damaged(group)
    for i in damaged:  # recomputed below
        group["done"][i] = False
        done[i] = False
    if damaged:
        log.warning("%s: %d finished task(s) had missing or damaged results (%s); they are computed again",
                    path, len(damaged), ", ".join(map(str, damaged[:5])) + (", ..." if len(damaged) > 5 else ""))
    pending = [i for i in range(plan.n_tasks) if not done[i]]
    pending_set = set(pending)
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
            cluster = _local_cluster(workers, dashboard=dashboard)
            if dashboard:
                log.warning("the Dask dashboard of this sweep: %s", cluster.dashboard_link)
        else:
            cluster = None
        try:
            try:
                client = Client(cluster if cluster is not None else scheduler, timeout="30s")
            except OSError as exc:
                raise SmartcityError(f"--scheduler {scheduler}: cannot connect ({exc})") from None
            with client:
                prefix = f"smartcity-sweep-{plan.fingerprint[:12]}"
                n_workers = workers if scheduler is None else max(len(client.scheduler_info().get("workers", {})), 1)
                jobs = plan.jobs(pending, batch=batch or _batch_size(plan, len(pending), n_workers))
                futures = {client.submit(run_job, job, key=f"{prefix}-{n}", pure=False): job
                           for n, job in enumerate(jobs)}
                finished = 0
                for future in as_completed(futures):
                    job = futures[future]
                    ids = [i for entry in job["samples"] for i in entry["tasks"]]
                    try:
                        results = future.result()
                    except Exception as exc:  # the worker died (KilledWorker) or the job was lost
                        results = [{"task": i, "error": _message(exc)} for i in ids]
                    for result in results:
                        i = int(result["task"])
                        if i not in pending_set:
                            continue
                        finished += 1
                        if "error" not in result:
                            rows = []
                            for name in _result_arrays(group):
                                row = _stored_row(result["kpi" if name == "kpi_value" else name])
                                group[name][i] = row
                                rows.append(row)
                            group["checksum"][i] = _task_checksum(rows)
                            group["duration"][i] = float(result["duration"])
                            group["failed"][i] = False
                            group["run"][i] = run_index
                            group["done"][i] = True  # last: the results are complete
                            failures.pop(str(i), None)
                            computed += 1
                        else:
                            message = result["error"]
                            failed.append((i, message))
                            group["failed"][i] = True
                            group["run"][i] = run_index
                            failures[str(i)] = f"{plan.describe(i)}: {message}"
                            group.attrs.update({"failures": failures})
                            if on_failure is not None:
                                on_failure(i, message)
                    future.release()
                    if on_progress is not None:
                        on_progress(finished, len(pending))
        finally:
            if cluster is not None:
                cluster.close()
    wall = time.perf_counter() - start
    record.update({"computed": computed, "failed": len(failed), "finished": True, "wall_s": round(wall, 3)})
    group.attrs.update({"runs": runs + [record], "failures": failures})
    return SweepReport(path, plan.n_tasks, plan.n_tasks - len(pending), computed, failed, wall, resumed,
                       damaged=len(damaged))


def _local_cluster(workers: int, dashboard: bool = False):
    """A local Dask cluster that only this process can use.

    The scheduler and workers talk TLS with temporary credentials, so other local users
    cannot submit tasks to it; they listen on 127.0.0.1 only. Without ``dashboard`` the
    scheduler's web server (which Dask always starts) gets a random port and serves no page
    (no dashboard, status, metrics or API routes); with it, the dashboard is on a random
    local port (see ``cluster.dashboard_link``).
    """
    import warnings

    import dask
    from distributed import LocalCluster

    web = {} if dashboard else {"distributed.scheduler.http.routes": [], "distributed.worker.http.routes": []}
    with warnings.catch_warnings(), dask.config.set(web):
        if not log.isEnabledFor(logging.INFO):
            warnings.simplefilter("ignore")  # Dask's own port and shutdown warnings, shown with -v
        return LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, security=True,
                            host="127.0.0.1", dashboard_address="127.0.0.1:0" if dashboard else None,
                            scheduler_kwargs={"dashboard": dashboard, "dashboard_address": "127.0.0.1:0"})


# --------------------------------------------------------------------------------------
# Reading back
# --------------------------------------------------------------------------------------


def _read_array(group, name: str, path: Path) -> np.ndarray:
    """A whole array of the store; a chunk that cannot be read is an error naming the store."""
    try:
        return np.asarray(group[name][:])
    except Exception as exc:  # a corrupted chunk (codec error), a missing array
        raise SmartcityError(f"{path}: cannot read the array '{name}' of the sweep store ({_message(exc)}); "
                             "run the same sweep command again to compute damaged tasks anew") from None


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

    from smartcity.results import attributes

    path = Path(path)
    if not is_sweep_store(path):
        raise SmartcityError(f"{path}: not a Zarr store")
    group = _open_group(path, "r")
    meta = group.attrs.get("smartcity_sweep")
    if meta is None:
        raise SmartcityError(f"{path}: a Zarr store that is not a smartcity sweep")
    _, damaged = _done_and_damaged(group)
    if damaged:
        listed = ", ".join(map(str, damaged[:5])) + (", ..." if len(damaged) > 5 else "")
        raise SmartcityError(f"{path}: the results of {len(damaged)} finished task(s) are missing or damaged "
                             f"(task {listed}); run the same sweep command again to compute them anew")
    shape = tuple(meta["shape"])
    grid = [GridAxis(g["key"], g["op"], tuple(g["values"])) for g in meta["grid"]]
    points = list(itertools.product(*(a.values for a in grid)))
    lead = ("scenario", "point", "sample")
    data = {}
    for name, (dims, units, long_name) in RESULT_VARS.items():
        values = _read_array(group, name, path)
        data[name] = (lead + dims, values.reshape(shape + values.shape[1:]), {"units": units, "long_name": long_name})
    kpis = meta.get("kpis", [])
    if kpis and "kpi_value" in group:
        values = _read_array(group, "kpi_value", path)
        data["kpi_value"] = (lead + ("kpi", "year"), values.reshape(shape + values.shape[1:]),
                       {"long_name": "headline KPIs (smartcity.kpi); units in kpi_unit"})
    for name in ("done", "failed", "duration"):
        data[name] = (lead, _read_array(group, name, path).reshape(shape), dict(group[name].attrs))
    data["task"] = (lead, np.arange(int(np.prod(shape))).reshape(shape), {"units": "-", "long_name": "task index"})
    coords: dict[str, Any] = {
        "scenario": ("scenario", [s["name"] for s in meta["scenarios"]], {"units": "-", "long_name": "scenario name"}),
        "point": ("point", np.arange(shape[1]), {"units": "-", "long_name": "grid point"}),
        "point_label": ("point", [", ".join(a.label(v) for a, v in zip(grid, p)) or "nominal" for p in points],
                        {"units": "-", "long_name": "overrides of the grid point"}),
        "sample": ("sample", np.arange(shape[2]), {
            "units": "-", "design": meta.get("sampling", "lhs"),
            "long_name": ({"lhs": "Latin hypercube sample", "saltelli": "row of Saltelli's design: A, B, then A_B(i) "
                           "for each input in the order of 'input' (base size in the attribute 'base_samples')"}
                          [meta.get("sampling", "lhs")] if meta["samples"] else "nominal values (no sampling)"),
            "base_samples": int(meta["samples"])}),
        "year": ("year", np.asarray(meta["years"], dtype=np.int64), attributes("year")),
    }
    for dim, labels in meta["labels"].items():
        coords[dim] = (dim, labels, {"units": "-", "long_name": dim})
    if kpis:
        coords["kpi"] = ("kpi", [d["id"] for d in kpis], {"units": "-", "long_name": "KPI id (data/kpis.toml)"})
        coords["kpi_name"] = ("kpi", [d["name"] for d in kpis], {"units": "-", "long_name": "KPI name"})
        coords["kpi_unit"] = ("kpi", [d["unit"] for d in kpis], {"units": "-", "long_name": "unit of the KPI"})
    for j, axis in enumerate(grid):
        values = [p[j] for p in points]
        coords[axis.key] = ("point", np.asarray(values, dtype=object if any(isinstance(v, str) for v in values)
                                                else None),
                            {"units": "-", "operation": "scale" if axis.op == "*=" else "set",
                             "long_name": f"grid value of {axis.key} ({'factor' if axis.op == '*=' else 'value'})"})
    if meta["samples"]:
        inputs = meta.get("inputs") or sorted({k for s in meta["scenarios"] for k in s["uncertain"]})
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
        "store": str(path),
        "fingerprint": meta["fingerprint"],
        "baseline": meta.get("baseline") or "",
        "plan": json.dumps({k: v for k, v in meta.items() if k != "fingerprint"}),
        "runs": json.dumps(group.attrs.get("runs", [])),
        "failures": json.dumps(group.attrs.get("failures", {})),
    })
    return ds


def summary_table(ds: xr.Dataset, year: int | None = None) -> pd.DataFrame:
    """Total CO2 by scenario and grid point in ``year`` (default: the last year): the tasks done and,
    over the samples, the mean, P10, P50 and P90 of the KPI ``co2_total``
    (:func:`smartcity.kpi.uncertainty.kpi_percentile_table`). [t/a]"""
    from smartcity.kpi.uncertainty import kpi_percentile_table

    year = int(ds["year"].values[-1]) if year is None else int(year)
    rows = []
    for p in ds["point"].values:
        table = kpi_percentile_table(ds, ids=["co2_total"], years=[year], point=int(p))
        unit = table.index.get_level_values("unit")[0]
        for s in ds["scenario"].values:
            row = {"scenario": str(s), "point": str(ds["point_label"].values[p]),
                   "done": f"{int(ds['done'].sel(scenario=s, point=p).sum())}/{ds.sizes['sample']}"}
            for label, value in table[str(s)].iloc[0].items():
                statistic = label.split(" ", 1)[1]
                row[f"CO2 {year} {statistic} [{unit}]" if statistic == "mean" else statistic] = value
            rows.append(row)
    return pd.DataFrame(rows)


def _print_summary(ds: xr.Dataset, stream=None) -> None:
    from smartcity.kpi import fmt_number

    stream = stream or sys.stdout
    table = summary_table(ds)
    with pd.option_context("display.width", 200, "display.max_columns", 20, "display.max_colwidth", 60):
        stream.write(table.to_string(index=False, float_format=fmt_number) + "\n")
