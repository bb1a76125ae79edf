"""The run orchestrator: scenario files -> models -> one results Dataset.

This is the single place that assembles the model chain from a scenario; the models
themselves are plain functions in their modules. The chain today:

1. resolve and validate every scenario and read every table it names (all inputs are
   checked before anything is computed, so bad input never leaves partial results);
2. weather year and plane-of-array irradiance on the window orientations (pvlib);
3. hourly ISO 13790 5R1C thermal simulation of the building stock for each simulated year
   (a stock that does not change between years is simulated once and reused);
4. assembly into one :class:`xarray.Dataset` with units, long names and provenance.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from smartcity import weather as weather_mod
from smartcity.energy import thermal
from smartcity.energy.buildings import check_buildings
from smartcity.results import provenance_attrs
from smartcity.scenario import ResolvedScenario, load_scenario
from smartcity.tables import load_schema, read_table

__all__ = [
    "ScenarioInputs", "load_inputs", "run_scenarios", "default_scenarios", "heating_degree_days",
    "HEATING_DEGREE_DAY_BASE_C",
]

#: Base temperature of Danish heating degree days [°C] (DMI "graddage", base 17 °C).
HEATING_DEGREE_DAY_BASE_C = 17.0

Progress = Callable[[str, float], None]


def heating_degree_days(temp_air: pd.Series, base_c: float = HEATING_DEGREE_DAY_BASE_C) -> float:
    """Heating degree days from daily mean temperatures, as DMI's "graddage".

    Parameters
    ----------
    temp_air : pandas.Series
        Hourly outdoor air temperature on a DatetimeIndex. [°C]
    base_c : float
        Base temperature. [°C]

    Returns
    -------
    float
        Sum over days of max(0, base - daily mean temperature). [K d]
    """
    daily = temp_air.groupby(temp_air.index.date).mean().to_numpy()
    return float(np.maximum(base_c - daily, 0.0).sum())


def default_scenarios() -> list[Path]:
    """The shipped Aalborg East baseline and lighthouse scenario files."""
    here = Path(__file__).resolve()
    candidates = [Path.cwd() / "scenarios" / "aalborg-east"] + [
        parent / "scenarios" / "aalborg-east" for parent in here.parents
    ]
    for folder in candidates:
        if (folder / "baseline.toml").exists() and (folder / "lighthouse.toml").exists():
            return [folder / "baseline.toml", folder / "lighthouse.toml"]
    from smartcity.errors import SmartcityError

    raise SmartcityError(
        "the default scenarios (scenarios/aalborg-east/baseline.toml and lighthouse.toml) were not found; "
        "run from the project folder or name scenario files"
    )


@dataclass(frozen=True)
class ScenarioInputs:
    """Everything one scenario reads, validated."""

    resolved: ResolvedScenario
    weather: weather_mod.Weather
    buildings: pd.DataFrame


def load_inputs(paths: Sequence[str | Path]) -> list[ScenarioInputs]:
    """Resolve the scenarios and read and check all their inputs.

    Raises
    ------
    InputError
        On the first bad file, key, row or value; names it.
    """
    inputs = []
    names: dict[str, Path] = {}
    weather_cache: dict[str | None, weather_mod.Weather] = {}
    for path in paths:
        resolved = load_scenario(path)
        if resolved.name in names:
            from smartcity.errors import InputError

            raise InputError(
                "two scenarios of one run have the same name", file=resolved.path, key="scenario.name",
                value=resolved.name, allowed=f"a name other than that of {names[resolved.name]}",
            )
        names[resolved.name] = resolved.path
        model = resolved.model
        weather_file = None if model.weather.file is None else str(model.weather.file)
        if model.weather.file is not None and not model.weather.file.is_file():
            from smartcity.errors import InputError

            raise InputError("weather file not found", file=resolved.path, key="weather.file",
                             value=str(model.weather.file), allowed="an existing .epw or .csv file")
        if weather_file not in weather_cache:
            weather_cache[weather_file] = weather_mod.load_weather(model.weather.file)
        buildings = check_buildings(read_table(
            model.buildings.table, "buildings", scenario_file=resolved.path, scenario_key="buildings.table",
        ))
        inputs.append(ScenarioInputs(resolved, weather_cache[weather_file], buildings))
    return inputs


def _stock_hash(buildings: pd.DataFrame) -> str:
    return hashlib.sha256(pd.util.hash_pandas_object(buildings, index=True).to_numpy().tobytes()).hexdigest()


def _heating_systems() -> list[str]:
    return list(load_schema("buildings").columns["heating_system"].allowed)


def _simulate_scenario(inp: ScenarioInputs, progress: Progress | None) -> xr.Dataset:
    model = inp.resolved.model
    years = model.years
    weather = inp.weather
    n_hours = weather.data.shape[0]
    irradiance = weather_mod.plane_irradiance(
        weather, thermal.WINDOW_TILT_DEG, np.asarray(thermal.WINDOW_AZIMUTHS_DEG),
        albedo=model.weather.ground_albedo.canonical,
    )
    systems = _heating_systems()
    cache: dict[str, thermal.ThermalResult | None] = {}
    n_b = len(inp.buildings)
    shape_b = (len(years), n_b)
    heating = np.empty(shape_b)
    cooling = np.empty(shape_b)
    peak_heating = np.empty(shape_b)
    peak_cooling = np.empty(shape_b)
    unmet = np.empty(shape_b)
    district_heating = np.empty((len(years), len(systems), n_hours))
    district_cooling = np.empty((len(years), n_hours))
    theta_e = weather.data["temp_air"].to_numpy(dtype=np.float64)
    built_year = inp.buildings["construction_year"].to_numpy()
    count_all = inp.buildings["count"].to_numpy(dtype=np.float64)
    for k, year in enumerate(years):
        # The stock standing in `year`; measures that change buildings by year plug in here.
        exists = built_year <= year
        stock = inp.buildings[exists]
        key = _stock_hash(stock)
        if key not in cache and len(stock) == 0:
            cache[key] = None
        elif key not in cache:
            group = pd.Categorical(stock["heating_system"], categories=systems).codes.astype(np.int64)
            cache[key] = thermal.simulate_stock(
                stock, theta_e, irradiance, group_index=group, n_groups=len(systems),
                warmup_hours=model.buildings.warmup_hours,
            )
        res = cache[key]
        count = count_all[exists]
        for out in (heating, cooling, peak_heating, peak_cooling, unmet, district_heating, district_cooling):
            out[k] = 0.0  # rows not yet built contribute nothing
        if res is not None:
            heating[k, exists] = res.heating_wh * count / 1e3
            cooling[k, exists] = res.cooling_wh * count / 1e3
            peak_heating[k, exists] = res.peak_heating_w / 1e3
            peak_cooling[k, exists] = res.peak_cooling_w / 1e3
            unmet[k, exists] = res.unmet_heating_hours
            district_heating[k] = res.heating_by_group_w / 1e3
            district_cooling[k] = res.cooling_by_group_w.sum(axis=0) / 1e3
        if progress is not None:
            progress(f"{model.name}: {year}", (k + 1) / len(years))

    b = inp.buildings
    area = b["heated_floor_area_m2"].to_numpy(dtype=np.float64) * count_all
    area_by_year = np.where(built_year[None, :] <= np.asarray(years)[:, None], area[None, :], 0.0)
    dims_yb = ("year", "building")
    hdd = heating_degree_days(weather.data["temp_air"])
    ds = xr.Dataset(
        {
            "space_heating_need": (dims_yb, heating, {
                "units": "kWh/a", "long_name": "annual space-heating need of all buildings of the row (0 before construction)",
                "model": "ISO 13790 Annex C 5R1C hourly"}),
            "space_cooling_need": (dims_yb, cooling, {
                "units": "kWh/a", "long_name": "annual space-cooling need of all buildings of the row",
                "model": "ISO 13790 Annex C 5R1C hourly"}),
            "peak_space_heating": (dims_yb, peak_heating, {
                "units": "kW", "long_name": "peak space-heating power of one building of the row"}),
            "peak_space_cooling": (dims_yb, peak_cooling, {
                "units": "kW", "long_name": "peak space-cooling power of one building of the row"}),
            "unmet_heating_hours": (dims_yb, unmet, {
                "units": "h", "long_name": "hours in which the heating power cap left the setpoint unmet"}),
            "district_space_heating": (("year", "heating_system", "hour"), district_heating, {
                "units": "kW", "long_name": "hourly space-heating need of the district by heating system"}),
            "district_space_cooling": (("year", "hour"), district_cooling, {
                "units": "kW", "long_name": "hourly space-cooling need of the district"}),
            "heated_floor_area": (dims_yb, area_by_year, {
                "units": "m2", "long_name": "heated floor area of all buildings of the row standing in the year"}),
            "construction_year": (("building",), built_year.astype(np.int64), {
                "units": "a", "long_name": "year of construction"}),
            "building_count": (("building",), b["count"].to_numpy(dtype=np.int64), {
                "units": "1", "long_name": "number of buildings the row stands for"}),
            "building_use": (("building",), b["use"].to_numpy(dtype=str), {
                "units": "-", "long_name": "main use of the building"}),
            "building_heating_system": (("building",), b["heating_system"].to_numpy(dtype=str), {
                "units": "-", "long_name": "space-heating system of the building"}),
            "outdoor_air_temperature": (("hour",), theta_e, {
                "units": "degC", "long_name": "outdoor air temperature of the weather year",
                "source": weather.source}),
            "global_horizontal_irradiance": (("hour",), weather.data["ghi"].to_numpy(dtype=np.float64), {
                "units": "W/m2", "long_name": "global horizontal irradiance of the weather year",
                "source": weather.source}),
            "heating_degree_days": ((), hdd, {
                "units": "K d", "long_name": f"heating degree days of the weather year, base {HEATING_DEGREE_DAY_BASE_C:g} degC"}),
            "scenario_sha256": ((), inp.resolved.sha256(), {
                "units": "-", "long_name": "SHA-256 of the resolved scenario with each input file replaced by its content hash"}),
            "scenario_seed": ((), np.int64(model.scenario.seed), {
                "units": "1", "long_name": "seed of the scenario's random draws"}),
            "scenario_description": ((), model.scenario.description, {
                "units": "-", "long_name": "description of the scenario"}),
            "resolved_scenario": ((), inp.resolved.to_toml(), {
                "units": "-", "long_name": "the resolved scenario (TOML) that produced these results"}),
            "weather_name": ((), weather.name, {"units": "-", "long_name": "weather year used"}),
        },
        coords={
            "year": ("year", np.asarray(years, dtype=np.int64), {"units": "a", "long_name": "simulated year"}),
            "building": ("building", b["building_id"].to_numpy(dtype=str), {
                "units": "-", "long_name": "building (or archetype row) identifier"}),
            "heating_system": ("heating_system", np.asarray(systems, dtype=str), {
                "units": "-", "long_name": "space-heating system"}),
            "hour": ("hour", np.arange(n_hours, dtype=np.int64), {
                "units": "h", "long_name": "hour of the weather year (0 = 1 January 00:00-01:00 local standard time)"}),
        },
    )
    return ds


def run_scenarios(
    paths: Sequence[str | Path], *, command: str | None = None, progress: Progress | None = None,
    inputs: list[ScenarioInputs] | None = None,
) -> xr.Dataset:
    """Run scenarios and return one Dataset with a ``scenario`` dimension.

    Parameters
    ----------
    paths : sequence of path
        Scenario TOML files.
    command : str, optional
        Command line recorded in the provenance.
    progress : callable, optional
        Called as ``progress(label, fraction_of_scenario_done)``.
    inputs : list of ScenarioInputs, optional
        Already-loaded inputs (skips loading ``paths``).

    Returns
    -------
    xarray.Dataset
    """
    inputs = inputs if inputs is not None else load_inputs(paths)
    parts = [_simulate_scenario(inp, progress) for inp in inputs]
    names = [inp.resolved.name for inp in inputs]
    ds = xr.concat(parts, dim=pd.Index(names, name="scenario"), join="outer", data_vars="all",
                   coords="different", compat="equals", combine_attrs="override")
    ds.attrs.clear()
    ds["scenario"].attrs.update({"units": "-", "long_name": "scenario name"})
    ds.attrs.update(provenance_attrs(command))
    ds.attrs["scenarios"] = ", ".join(names)
    return ds
