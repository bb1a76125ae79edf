"""Uncertainty of the KPIs from a sweep store: percentile tables and Sobol' sensitivity.

A Monte Carlo sweep (``smartcity sweep SCENARIO... --samples N``, :mod:`smartcity.sweep`)
records the headline KPIs (those with one value per year) of every scenario, grid point and
sample. This module turns them into

* :func:`kpi_percentile_table`: the KPI table with P10, P50 and P90 (and the mean) over the
  samples for each scenario and year, written by the same writers as the deterministic
  table (:func:`smartcity.kpi.write_table`);
* :func:`sensitivity_table`: first-order and total Sobol' indices of one KPI with bootstrap
  intervals, from a sweep run with Saltelli's design (``--design saltelli``);
* :func:`top_drivers`: the inputs with the largest total index for each headline KPI.

Failed or missing samples are never dropped silently: a percentile over samples with a
missing value is NaN, and the Sobol' estimators refuse incomplete designs.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np
import pandas as pd
import xarray as xr

from smartcity import __version__
from smartcity.errors import SmartcityError
from smartcity.uncertainty import percentiles, sobol_from_outputs

__all__ = ["SENSITIVITY_KPIS", "kpi_percentile_table", "sensitivity_table", "top_drivers"]

#: KPIs whose drivers the report and ``smartcity sensitivity`` show by default.
SENSITIVITY_KPIS = ("co2_total", "co2_reduction_vs_baseline", "co2_reduction_vs_base_year_share",
                    "final_energy_total", "sustainable_mode_share")


def _require_kpis(ds: xr.Dataset) -> None:
    if "kpi_value" not in ds:
        raise _refusal(ds, "the sweep store holds no KPIs (made by an older smartcity): run the sweep again")


def _refusal(ds: xr.Dataset, text: str) -> SmartcityError:
    """An error naming the sweep store ``ds`` was read from (:func:`smartcity.sweep.open_sweep`)."""
    store = ds.attrs.get("store")
    return SmartcityError(f"{store}: {text}" if store else text)


def _years(ds: xr.Dataset, years: Sequence[int] | None) -> list[int]:
    have = [int(y) for y in ds["year"].values]
    if years is None:
        return [have[0], have[-1]] if len(have) > 1 else have
    missing = [y for y in years if int(y) not in have]
    if missing:
        raise _refusal(ds, f"year {missing[0]} is not in the sweep (it holds {have[0]}-{have[-1]})")
    return [int(y) for y in years]


def _point(ds: xr.Dataset, point: int) -> int:
    if not 0 <= int(point) < ds.sizes["point"]:
        raise _refusal(ds, f"grid point {point} is not in the sweep (it has {ds.sizes['point']}; --point 0 to "
                           f"{ds.sizes['point'] - 1})")
    return int(point)


def kpi_percentile_table(ds: xr.Dataset, *, ids: Sequence[str] | None = None, years: Sequence[int] | None = None,
                         point: int = 0, q: Sequence[float] = (10, 50, 90)) -> pd.DataFrame:
    """Headline KPIs over the Monte Carlo samples: mean and percentiles per scenario and year.

    Parameters
    ----------
    ds : xarray.Dataset
        A sweep store opened with :func:`smartcity.sweep.open_sweep`.
    ids : sequence of str, optional
        The KPIs of the table, in this order (default: every KPI the sweep records).
    years : sequence of int, optional
        Years of the columns (default: the first and last year of the sweep). [a]
    point : int
        Grid point (default: the first, or the only one).
    q : sequence of float
        Percentiles [%].

    Returns
    -------
    pandas.DataFrame
        Index (``id``, ``name``, ``unit``) as :func:`smartcity.kpi.kpi_table`; columns
        (``scenario``, ``"<year> <statistic>"``) with statistics ``mean`` and ``P10``,
        ``P50``, ``P90``; ``attrs`` for the table writers (footer with the store's
        fingerprint, samples and design).
    """
    _require_kpis(ds)
    point = _point(ds, point)
    years = _years(ds, years)
    if ids is not None:
        recorded = [str(x) for x in ds["kpi"].values]
        unknown = [i for i in ids if i not in recorded]
        if unknown:
            raise _refusal(ds, f"KPI {unknown[0]!r} is not recorded by the sweep; it records {', '.join(recorded)}")
        ds = ds.sel(kpi=list(ids))
    values = ds["kpi_value"].isel(point=point).sel(year=years)  # (scenario, sample, kpi, year)
    n = ds.sizes["sample"]
    stats = percentiles(values, q, dim="sample")  # (percentile, scenario, kpi, year)
    mean = values.mean("sample", skipna=False)
    labels = [f"P{x:g}" for x in q]
    columns, cells = [], []
    for s in ds["scenario"].values:
        for y in years:
            columns.append((str(s), f"{y} mean"))
            cells.append(mean.sel(scenario=s, year=y).values)
            for label, qq in zip(labels, q):
                columns.append((str(s), f"{y} {label}"))
                cells.append(stats.sel(percentile=qq, scenario=s, year=y).values)
    index = pd.MultiIndex.from_arrays(
        [ds["kpi"].values.astype(str), ds["kpi_name"].values.astype(str), ds["kpi_unit"].values.astype(str)],
        names=["id", "name", "unit"])
    frame = pd.DataFrame(np.column_stack(cells) if cells else np.empty((len(index), 0)), index=index,
                         columns=pd.MultiIndex.from_tuples(columns, names=["scenario", "year"]))
    done = int(ds["done"].isel(point=point).sum())
    design = ds["sample"].attrs.get("design", "lhs")
    point_label = str(ds["point_label"].values[point])
    created = pd.Timestamp.now("UTC").strftime("%Y-%m-%dT%H:%M:%SZ")
    plan = json.loads(ds.attrs.get("plan", "{}"))
    runs = json.loads(ds.attrs.get("runs", "[]"))
    what = (f"sweep {ds.attrs.get('fingerprint', '')[:12]} ({n} samples, {design} design, grid point {point_label}, "
            f"{done} of {n * ds.sizes['scenario']} runs done)")
    provenance = [{"column": sc["name"], "scenario": sc["name"], "results": what, "smartcity_version": __version__,
                   "scenario_sha256": sc.get("sha256", ""),
                   "results_created_utc": runs[-1].get("started_utc", "") if runs else ""}
                  for sc in plan.get("scenarios", [])]
    frame.attrs.update(
        title="smartcity KPIs: Monte Carlo mean and percentiles over the samples",
        footer=what, provenance=provenance, created_utc=created, baseline=ds.attrs.get("baseline", ""),
        years=years, rows={},
    )
    return frame


def _design_outputs(ds: xr.Dataset, kpi: str, year: int, scenario: str, point: int):
    plan_inputs = [str(x) for x in ds["input"].values] if "input" in ds.coords else []
    base = int(ds["sample"].attrs.get("base_samples", 0))
    if ds["sample"].attrs.get("design") != "saltelli" or not base:
        raise _refusal(ds, "Sobol' indices need a sweep with Saltelli's design: smartcity sweep ... "
                           "--samples N --design saltelli")
    k = len(plan_inputs)
    y = ds["kpi_value"].sel(kpi=kpi, year=year, scenario=scenario).isel(point=point).values
    if y.shape[0] != base * (k + 2):
        raise _refusal(ds, f"the sweep's {y.shape[0]} samples are not a Saltelli design of {base} x ({k} + 2)")
    if not np.all(np.isfinite(y)):
        raise _refusal(ds, f"{int(np.sum(~np.isfinite(y)))} of {y.size} runs of {scenario} have no value of "
                             f"{kpi} in {year} (failed or not done; or not available): finish the sweep first")
    return y[:base], y[base:2 * base], y[2 * base:].reshape(k, base), plan_inputs


def sensitivity_table(ds: xr.Dataset, kpi: str = "co2_total", *, year: int | None = None,
                      scenario: str | None = None, point: int = 0, n_bootstrap: int = 1000,
                      confidence: float = 0.95, seed: int = 0) -> pd.DataFrame:
    """First-order and total Sobol' indices of one KPI, sorted by the total index.

    Estimators of :func:`smartcity.uncertainty.sobol_from_outputs` (Saltelli et al. 2010;
    Jansen 1999) on the ``A``, ``B`` and ``A_B^(i)`` runs of the sweep, with percentile
    bootstrap intervals.

    Parameters
    ----------
    ds : xarray.Dataset
        A sweep store (:func:`smartcity.sweep.open_sweep`) made with ``design="saltelli"``.
    kpi : str
        Headline KPI id (e.g. ``co2_total``).
    year : int, optional
        Year (default: the last). [a]
    scenario : str, optional
        Scenario (default: the last of the sweep).
    point : int
        Grid point.
    n_bootstrap, confidence, seed
        Bootstrap replicates, level of the intervals and seed of the resampling.

    Returns
    -------
    pandas.DataFrame
        Index ``input`` (dotted keys); columns ``S1``, ``S1_low``, ``S1_high``, ``ST``,
        ``ST_low``, ``ST_high`` [1]; ``attrs``: kpi, name, unit, year, scenario, variance and
        mean of the KPI over ``A`` and ``B``.

    Raises
    ------
    SmartcityError
        Not a Saltelli design, an unknown KPI, scenario or year, or runs without a value.
    """
    _require_kpis(ds)
    point = _point(ds, point)
    ids = [str(x) for x in ds["kpi"].values]
    if kpi not in ids:
        raise _refusal(ds, f"KPI {kpi!r} is not recorded by the sweep; it records {', '.join(ids)}")
    names = [str(s) for s in ds["scenario"].values]
    scenario = names[-1] if scenario is None else scenario
    if scenario not in names:
        raise _refusal(ds, f"scenario {scenario!r} is not in the sweep; it holds {', '.join(names)}")
    year = int(ds["year"].values[-1]) if year is None else int(year)
    _years(ds, [year])
    ya, yb, yab, inputs = _design_outputs(ds, kpi, year, scenario, point)
    if np.var(np.concatenate([ya, yb])) == 0.0:
        table = pd.DataFrame(0.0, index=pd.Index(inputs, name="input"),
                             columns=["S1", "S1_low", "S1_high", "ST", "ST_low", "ST_high"])
    else:
        table = sobol_from_outputs(ya, yb, yab, names=inputs, n_bootstrap=n_bootstrap, confidence=confidence,
                                   seed=seed).rename_axis("input")
    table = table.sort_values("ST", ascending=False, kind="stable")
    row = ids.index(kpi)
    both = np.concatenate([ya, yb])
    table.attrs.update(kpi=kpi, name=str(ds["kpi_name"].values[row]), unit=str(ds["kpi_unit"].values[row]),
                       year=year, scenario=scenario, variance=float(np.var(both)), mean=float(np.mean(both)),
                       base_samples=len(ya), confidence=confidence)
    return table


def top_drivers(ds: xr.Dataset, kpis: Sequence[str] = SENSITIVITY_KPIS, *, year: int | None = None,
                scenario: str | None = None, point: int = 0, top: int = 3, n_bootstrap: int = 200,
                seed: int = 0) -> pd.DataFrame:
    """The ``top`` inputs by total Sobol' index for each KPI (those the sweep records).

    Returns
    -------
    pandas.DataFrame
        One row per (KPI, rank): ``kpi``, ``name``, ``unit``, ``rank``, ``input``, ``ST``,
        ``ST_low``, ``ST_high``, ``S1`` [1] and ``sd``, the standard deviation of the KPI over
        the samples [unit of the KPI]. KPIs without values for the scenario (e.g. "vs baseline"
        without a baseline in the sweep) are left out.
    """
    rows = []
    recorded = [str(x) for x in ds["kpi"].values]
    if kpis is not SENSITIVITY_KPIS:  # asked for by name: each must be there
        unknown = [k for k in kpis if k not in recorded]
        if unknown:
            raise _refusal(ds, f"KPI {unknown[0]!r} is not recorded by the sweep; it records {', '.join(recorded)}")
    for kpi in kpis:
        if kpi not in recorded:
            continue
        try:
            table = sensitivity_table(ds, kpi, year=year, scenario=scenario, point=point,
                                      n_bootstrap=n_bootstrap, seed=seed)
        except SmartcityError as exc:
            if "have no value" in str(exc):
                continue
            raise
        for rank, (name, r) in enumerate(table.head(top).iterrows(), start=1):
            rows.append({"kpi": kpi, "name": table.attrs["name"], "unit": table.attrs["unit"], "rank": rank,
                         "input": name, "ST": r["ST"], "ST_low": r["ST_low"], "ST_high": r["ST_high"],
                         "S1": r["S1"], "sd": float(np.sqrt(table.attrs["variance"]))})
    out = pd.DataFrame(rows, columns=["kpi", "name", "unit", "rank", "input", "ST", "ST_low", "ST_high", "S1", "sd"])
    return out
