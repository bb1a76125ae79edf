"""The run orchestrator: scenario files -> models -> one results Dataset.

This is the single place that assembles the model chain from a scenario; the models
themselves are plain functions in their modules. The chain:

1. resolve and validate every scenario and read and check every table and file it names
   (all inputs are checked before anything is computed, so bad input never leaves
   partial results);
2. weather year and plane-of-array irradiance on the window orientations (pvlib);
3. for each simulated year, the building stock standing that year with the scenario's
   measures applied (:func:`smartcity.energy.measures.stock_in_year`), simulated as an
   energy system (:func:`smartcity.energy.system.simulate_energy_year`: 5R1C heating and
   cooling, hot water, appliances, supply, PV and the electricity balance); a stock equal
   to the previous year's is not simulated again;
4. CO2 by Covenant of Mayors sector and carrier (:func:`smartcity.emissions.inventory`) with
   the year's emission factors and the hourly grid intensity;
5. the contribution of each measure: the scenario is also run without measures and with
   each measure alone ("add one"); the reduction of each measure alone and the interaction
   remainder (all measures together minus the sum of the single ones) are reported;
6. assembly into one :class:`xarray.Dataset` with units, long names and provenance, with
   what :mod:`smartcity.kpi` needs beyond the models' outputs: each measure's savings by
   carrier and of grid import/export, O&M cost and residential floor area reached; the
   floor area reached by renovation measures (overlaps counted once); the residents of
   the transport model's internal zones.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from smartcity import emissions
from smartcity import weather as weather_mod
from smartcity.energy import profiles, supply, thermal
from smartcity.energy.archetypes import fill_archetype_defaults
from smartcity.energy.buildings import check_buildings
from smartcity.energy.measures import (
    DISCOUNT_RATE,
    check_measures,
    measure_costs,
    stock_parts,
    treated_share,
)
from smartcity.energy.system import (
    BUILDING_SECTORS,
    EnergyYear,
    PVCache,
    simulate_energy_year,
)
from smartcity.errors import InputError, SmartcityError
from smartcity.results import provenance_attrs
from smartcity.scenario import ResolvedScenario, load_scenario
from smartcity.scenario.overrides import apply_scale_factors
from smartcity.tables import read_table
from smartcity.transport import fleet as fleet_mod
from smartcity.transport import zones as zones_mod
from smartcity.transport.measures import (
    SmartCharging,
    check_transport_measures,
    is_transport_measure,
    transport_measure_costs,
)
from smartcity.transport.model import (
    MODES,
    POWERTRAINS,
    VEHICLES,
    DistrictTransport,
    TransportEnergy,
    transport_energy,
)

__all__ = [
    "RunCache", "ScenarioInputs", "load_inputs", "run_scenarios", "default_scenarios", "heating_degree_days",
    "HEATING_DEGREE_DAY_BASE_C", "RENOVATION_TYPES",
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
    grid_shape: pd.Series | None = None
    zone_system: zones_mod.ZoneSystem | None = None


class _LRU:
    """A small least-recently-used mapping (bounded memory for results kept between runs)."""

    def __init__(self, size: int | None) -> None:
        self.size = size
        self._items: dict = {}

    def get(self, key, make: Callable[[], object]):
        if key in self._items:
            value = self._items.pop(key)
        else:
            value = make()
            if self.size is not None and len(self._items) >= self.size:
                self._items.pop(next(iter(self._items)))
        self._items[key] = value
        return value


def _json_key(model) -> str:
    return hashlib.sha256(model.model_dump_json().encode()).hexdigest()


class RunCache:
    """What runs of variants of the same scenarios can share (one per process, e.g. a sweep worker).

    Many runs that differ only in some values (Monte Carlo samples, grid points) read the
    same files and share most intermediate results. Everything here is keyed by the content
    it depends on, so a hit returns exactly what would be computed:

    * weather years, buildings tables (as read, completed and checked) and zone systems, by file;
    * plane-of-array irradiance, by weather year and ground albedo;
    * the transport model calibrated to the base year, by its section (including costs and
      value of time), zone system and base year (each run then applies its own measures);
    * the energy system of a stock in a year, by the stock, the supply section without its
      emission factors (used after the simulation only), the weather and the warm-up;
      at most ``max_energy_years`` are kept (least recently used dropped; None: all).

    Objects used in keys by identity (weather years, zone systems) are kept alive by the
    cache, so an identity is never reused for another object while the cache exists.
    """

    def __init__(self, max_energy_years: int | None = None, max_transport_models: int | None = 4) -> None:
        self.weather: dict[str | None, weather_mod.Weather] = {}
        self.tables: dict[tuple, pd.DataFrame] = {}
        self.zone_systems: dict[tuple, zones_mod.ZoneSystem] = {}
        self.irradiance: dict[tuple, np.ndarray] = {}
        self.transport = _LRU(max_transport_models)
        self.energy = _LRU(max_energy_years)
        self._objects: dict[int, object] = {}

    def ref(self, obj) -> int:
        """An identity key for ``obj``, valid while the cache exists."""
        self._objects.setdefault(id(obj), obj)
        return id(obj)


def _file_key(path) -> tuple:
    path = Path(path)
    stat = path.stat()
    return (str(path.resolve()), stat.st_mtime_ns, stat.st_size)


def load_inputs(paths: Sequence[str | Path | ResolvedScenario], *, cache: RunCache | None = None) -> list[ScenarioInputs]:
    """Resolve the scenarios and read and check all their inputs.

    Parameters
    ----------
    paths : sequence of path or ResolvedScenario
        Scenario files, or scenarios already resolved (e.g. with overrides).
    cache : RunCache, optional
        Reuse files already read by earlier calls.

    Raises
    ------
    InputError
        On the first bad file, key, row or value; names it.
    """
    inputs = []
    names: dict[str, Path] = {}
    cache = cache if cache is not None else RunCache()
    weather_cache = cache.weather
    for path in paths:
        resolved = apply_scale_factors(path if isinstance(path, ResolvedScenario) else load_scenario(path))
        if resolved.name in names:
            raise InputError(
                "two scenarios of one run have the same name", file=resolved.path, key="scenario.name",
                value=resolved.name, allowed=f"a name other than that of {names[resolved.name]}",
            )
        names[resolved.name] = resolved.path
        model = resolved.model
        weather_file = None if model.weather.file is None else str(model.weather.file)
        if model.weather.file is not None and not model.weather.file.is_file():
            raise InputError("weather file not found", file=resolved.path, key="weather.file",
                             value=str(model.weather.file), allowed="an existing .epw or .csv file")
        if weather_file not in weather_cache:
            weather_cache[weather_file] = weather_mod.load_weather(model.weather.file)
        table_key = _file_key(model.buildings.table) if model.buildings.table.is_file() else None
        if table_key is None or table_key not in cache.tables:
            buildings = read_table(
                model.buildings.table, "buildings", scenario_file=resolved.path, scenario_key="buildings.table",
            )
            buildings = check_buildings(profiles.fill_use_defaults(fill_archetype_defaults(buildings)))
            if table_key is not None:
                cache.tables[table_key] = buildings
        else:
            buildings = cache.tables[table_key]
        building_measures, transport_measures = _split(_enabled(model.measures))
        check_measures(buildings, building_measures, file=str(resolved.path))
        buildings.attrs = {}  # row locations served the checks; pandas would copy them in every step
        zone_system = None
        if model.transport is not None:
            t = model.transport
            files = [f for f in (t.zones, t.nodes, t.links, t.lines, t.line_stops) if f is not None]
            system_key = tuple(_file_key(f) if Path(f).is_file() else (str(f),) for f in files)
            zone_system = cache.zone_systems.get(system_key)
            if zone_system is None:
                zone_system = zones_mod.read_zone_system(t.zones, t.nodes, t.links, t.lines, t.line_stops,
                                                         scenario_file=resolved.path)
                cache.zone_systems[system_key] = zone_system
            check_transport_measures(transport_measures, zone_system.zone_ids, zone_system.lines,
                                     file=str(resolved.path))
            for frame in (zone_system.zones, zone_system.nodes, zone_system.links, zone_system.lines,
                          zone_system.line_stops):
                if frame is not None:
                    frame.attrs = {}  # row locations served the checks; pandas would copy them in every step
        elif transport_measures:
            raise InputError("a transport measure needs the transport model", file=resolved.path,
                             key=f"measures.{next(iter(transport_measures))}",
                             allowed="a [transport] table with zones, nodes and links, or no transport measures")
        grid_shape = None
        electricity = model.supply.electricity
        if electricity.hourly_profile is not None:
            if not electricity.hourly_profile.is_file():
                raise InputError("hourly grid-intensity file not found", file=resolved.path,
                                 key="supply.electricity.hourly_profile", value=str(electricity.hourly_profile),
                                 allowed="an existing CSV export of Energi Data Service's CO2 emission dataset")
            grid_shape = supply.read_energinet_co2(electricity.hourly_profile, electricity.price_area,
                                                   electricity.profile_year)
            if len(grid_shape) not in (8760, 8784):
                raise InputError(
                    "hourly grid-intensity series is not one whole year", file=electricity.hourly_profile,
                    value=f"{len(grid_shape)} hours",
                    allowed="8760 or 8784 hourly values (one calendar year; choose it with supply.electricity.profile_year)",
                )
        inputs.append(ScenarioInputs(resolved, weather_cache[weather_file], buildings, grid_shape, zone_system))
    return inputs


def _enabled(measures: Mapping) -> dict:
    return {mid: m for mid, m in measures.items() if m.enabled}


def _split(measures: Mapping) -> tuple[dict, dict]:
    """Building measures and transport measures, each in scenario order."""
    return ({mid: m for mid, m in measures.items() if not is_transport_measure(m)},
            {mid: m for mid, m in measures.items() if is_transport_measure(m)})


@dataclass(frozen=True)
class _YearResult:
    energy: EnergyYear
    co2_t: np.ndarray  # (sector, carrier) of emissions.SECTORS x emissions.INVENTORY_CARRIERS [t/a]
    final_mwh: np.ndarray  # (sector, carrier) [MWh/a]
    grid_intensity: np.ndarray  # (n_h,) [g/kWh]
    grid_import_kw: np.ndarray  # (n_h,) buildings and charging after PV and batteries [kW]
    grid_export_kw: np.ndarray  # (n_h,) [kW]
    transport: TransportEnergy | None = None


class _ScenarioModel:
    """The models of one scenario, ready to simulate any year under any subset of its measures."""

    def __init__(self, inp: ScenarioInputs, cache: RunCache | None = None) -> None:
        model = inp.resolved.model
        self.inp = inp
        self.model = model
        self.weather = inp.weather
        self.cache = cache if cache is not None else RunCache()
        albedo = model.weather.ground_albedo.canonical
        weather_key = self.cache.ref(inp.weather)
        self.irradiance = self.cache.irradiance.get((weather_key, albedo))
        if self.irradiance is None:
            self.irradiance = self.cache.irradiance[(weather_key, albedo)] = weather_mod.plane_irradiance(
                inp.weather, thermal.WINDOW_TILT_DEG, np.asarray(thermal.WINDOW_AZIMUTHS_DEG), albedo=albedo)
        self.pv_cache = PVCache(inp.weather, model.supply, albedo)
        # what the energy system of a stock depends on besides the stock (emission factors only after it)
        supply_doc = model.supply.model_dump(mode="json", exclude={"electricity": {"emission_factor"},
                                                                     "district_heating": {"emission_factor"}})
        self._energy_context = (weather_key, albedo, model.buildings.warmup_hours, len(inp.buildings),
                                hashlib.sha256(repr(supply_doc).encode()).hexdigest())
        self._grid: dict[int, np.ndarray] = {}
        self._measure_json: dict[int, tuple] = {}
        self.transport = None
        if inp.zone_system is not None:
            _, transport_measures = _split(_enabled(model.measures))
            key = (_json_key(model.transport), self.cache.ref(inp.zone_system), model.scenario.base_year)
            calibrated = self.cache.transport.get(key, lambda: DistrictTransport(
                model.transport, inp.zone_system, {}, model.scenario.base_year, file=str(inp.resolved.path)))
            self.transport = calibrated.with_measures(transport_measures)
            self.vehicles = fleet_mod.load_vehicle_data()

    def grid_intensity(self, year: int) -> np.ndarray:
        if year not in self._grid:
            self._grid[year] = supply.grid_intensity(year, self.model.supply.electricity.emission_factor,
                                                     self.weather.index, shape=self.inp.grid_shape)
        return self._grid[year]

    def _stock_key(self, measures: Mapping, year: int, built: int) -> tuple:
        """What the stock standing in ``year`` under ``measures`` depends on (see :func:`stock_parts`):
        the table, the ``built`` rows standing by then and the measures in force, in order, with
        their shares and parameters. Equal keys, equal stocks (also across scenarios and samples)."""
        in_force = []
        for mid, m in measures.items():
            share = treated_share(m, year)
            if share > 0.0:
                if id(m) not in self._measure_json:
                    self._measure_json[id(m)] = (m, m.model_dump_json())  # kept: the id stays this measure's
                in_force.append((mid, share, self._measure_json[id(m)][1]))
        return (self.cache.ref(self.inp.buildings), built, tuple(in_force))

    def simulate(self, measures: Mapping, years: Sequence[int]) -> list[_YearResult]:
        """Energy, travel and CO2 of each year with ``measures`` applied.

        The stock changes only when a building is built or a measure's treated share
        changes; years in which neither happens reuse the previous year's energy system,
        and a stock already simulated (under another set of measures) is not simulated
        again. Emissions are always computed with the year's factors.
        """
        building_measures, transport_measures = _split(measures)
        results = []
        last_state, last_energy = None, None
        built = self.inp.buildings["construction_year"].to_numpy()
        fleet = None
        if self.transport is not None:
            fleet = self.transport.car_fleet(transport_measures, years, self.vehicles)
        for year in years:
            state = (int(np.sum(built <= year)),) + tuple(treated_share(m, year) for m in building_measures.values())
            if state != last_state:
                last_energy = self.cache.energy.get(
                    (self._stock_key(building_measures, year, state[0]), self._energy_context),
                    lambda: simulate_energy_year(
                        stock_parts(self.inp.buildings, building_measures, year), len(self.inp.buildings),
                        self.weather, self.irradiance, self.model.supply, self.pv_cache,
                        warmup_hours=self.model.buildings.warmup_hours,
                    ))
                last_state = state
            travel = None
            if self.transport is not None:
                travel = transport_energy(self.transport, self.transport.simulate_year(transport_measures, year),
                                          transport_measures, year, fleet, self.vehicles, self.weather.index)
            results.append(self._emissions(last_energy, travel, transport_measures, year))
        return results

    def _charging(self, energy: EnergyYear, travel: TransportEnergy, measures: Mapping, year: int,
                  grid: np.ndarray) -> np.ndarray:
        """Hourly EV charging after smart charging (if a measure is in force). [kW]

        The flexible share of each day's charging moves to the hours with the lowest grid
        intensity (``grid_carbon``) or the largest PV output above the buildings'
        consumption (``pv_surplus``; at night, the hours of lowest consumption), never above
        the peak power of uncontrolled charging.
        """
        ev = travel.ev_charging_kw
        for m in measures.values():
            share = treated_share(m, year)
            if isinstance(m, SmartCharging) and share > 0.0:
                if m.signal == "grid_carbon":
                    signal = grid
                else:  # PV output above the buildings' consumption: the larger, the better
                    signal = -(energy.pv_generation_kw - energy.electricity_demand_kw)
                # within the power the chargers already draw at their annual peak
                ev = fleet_mod.smart_charging(ev, share * m.flexible_share.canonical, signal,
                                              max_power_kw=float(travel.ev_charging_kw.max()))
        return ev

    def _emissions(self, energy: EnergyYear, travel: TransportEnergy | None, transport_measures: Mapping,
                   year: int) -> _YearResult:
        section = self.model.emissions
        grid = self.grid_intensity(year)
        dh = float(self.model.supply.district_heating.emission_factor.at([year])[0])
        factors = emissions.carrier_factors(section, dh)
        sectors, carriers = emissions.SECTORS, emissions.INVENTORY_CARRIERS
        n_h = len(self.weather.index)
        if travel is not None:
            ev = self._charging(energy, travel, transport_measures, year, grid)
            travel = travel.with_ev_charging(ev)
            charging = ev + travel.bus_charging_kw
            demand = energy.electricity_demand_kw + charging
            balance = supply.electricity_balance(demand, energy.pv_generation_kw, battery_kwh=energy.battery_kwh)
            grid_import, grid_export = balance["import"], balance["export"]
            share = np.divide(grid_import, demand, out=np.zeros(n_h), where=demand > 0)
        else:
            charging = np.zeros(n_h)
            demand = energy.electricity_demand_kw
            grid_import, grid_export = energy.grid_import_kw, energy.grid_export_kw
            share = np.divide(grid_import, demand, out=np.zeros(n_h), where=demand > 0)
        final_kw: dict[str, dict[str, object]] = {}
        inventory_energy = {}
        for sector in BUILDING_SECTORS:
            by_carrier = dict(energy.final_energy_kw[sector])
            final_kw[sector] = dict(by_carrier)
            if section.electricity_factor == "national":
                by_carrier["electricity"] = by_carrier["electricity"] * share
            inventory_energy[sector] = by_carrier
        if travel is not None:
            fuels = {c: kwh for c, kwh in travel.fuel_kwh.items() if kwh > 0.0}
            final_kw["transport"] = {**fuels, "electricity": charging}
            inventory_energy["transport"] = {**fuels, "electricity": charging * share
                                             if section.electricity_factor == "national" else charging}
        if section.electricity_factor == "local":
            pv_factor = emissions.fuel_factor("solar_pv", section.method)  # 0 under IPCC, life cycle under LCA
            grid = emissions.local_electricity_factor(
                grid, float(energy.pv_generation_kw.sum()), float(demand.sum()),
                local_production_g_per_kwh=pv_factor)
        table = emissions.inventory(inventory_energy, grid, factors)
        co2 = np.zeros((len(sectors), len(carriers)))
        final = np.zeros_like(co2)
        for i, sector in enumerate(sectors):
            for j, carrier in enumerate(carriers):
                if sector in table.index and carrier in table.columns:
                    co2[i, j] = float(table.loc[sector, carrier])
                if carrier in final_kw.get(sector, {}):
                    final[i, j] = float(np.sum(final_kw[sector][carrier])) / 1e3
        return _YearResult(energy, co2, final, np.asarray(grid, dtype=np.float64) * np.ones(n_h),
                           grid_import, grid_export, travel)


def _simulate_scenario(inp: ScenarioInputs, progress: Progress | None, attribution: bool = True,
                       cache: RunCache | None = None) -> xr.Dataset:
    model = inp.resolved.model
    years = model.years
    measures = _enabled(model.measures)
    sm = _ScenarioModel(inp, cache)
    variants: list[tuple[str, dict]] = [("all", measures)]
    if measures and attribution:
        variants += [("none", {})] + [(mid, {mid: m}) for mid, m in measures.items()]
    runs: dict[str, list[_YearResult]] = {}
    for k, (label, subset) in enumerate(variants):
        same = "all" in runs and subset.keys() == measures.keys()  # one measure: "alone" is "all"
        runs[label] = runs["all"] if same else sm.simulate(subset, years)
        if progress is not None:
            progress(f"{model.name}: {label}", (k + 1) / len(variants))
    main = runs["all"]
    ds = _energy_dataset(inp, years, main)
    if sm.transport is not None:
        ds = ds.merge(_transport_dataset(sm.transport, years, main))
        ds = ds.assign(residents=("year", _residents(sm.transport, years), _RESIDENTS_ATTRS))
    ds = ds.assign(renovated_residential_floor_area=(
        "year", _renovated_floor_area(inp.buildings, _split(measures)[0], years), _RENOVATED_ATTRS))
    if not attribution:
        return ds
    if measures:
        return ds.merge(_measure_dataset(inp, years, measures, runs))
    total = np.array([r.co2_t.sum() for r in main])
    return ds.assign(
        co2_without_measures=("year", total, _WITHOUT_ATTRS),
        co2_reduction_interaction=("year", np.zeros(len(years)), _INTERACTION_ATTRS),
    )


_RESIDENTS_ATTRS = {
    "units": "1", "long_name": "residents of the district: population of the transport model's internal zones "
                               "(only with a transport model, like the other travel variables: NaN for a scenario "
                               "without one in results that hold both)"}
_RENOVATED_ATTRS = {
    "units": "m2", "long_name": "heated floor area of residential buildings reached by at least one envelope "
                                "renovation or ventilation heat-recovery measure (measures independent across the "
                                "eligible stock)"}
#: Building-measure types whose reach counts as "renovated" for the social-reach KPIs.
RENOVATION_TYPES = ("envelope_renovation", "ventilation_heat_recovery")


def _residents(transport: DistrictTransport, years: list[int]) -> np.ndarray:
    """Population of the internal zones in each year (zone data as the transport model used it). [persons]"""
    out = []
    for year in years:
        frame = transport._zone_data(year)  # cached by the model for the years it simulated
        out.append(float(frame.loc[frame["kind"] == "internal", "population"].sum()))
    return np.asarray(out, dtype=np.float64)


def _residential_rows(buildings: pd.DataFrame) -> np.ndarray:
    return np.array([emissions.SECTOR_OF_USE[u] == "residential" for u in buildings["use"]], dtype=bool)


def _residential_area(buildings: pd.DataFrame, year: int) -> np.ndarray:
    """Heated floor area of each row's residential buildings standing in ``year`` (0 elsewhere). [m2]"""
    standing = buildings["construction_year"].to_numpy() <= year
    area = buildings["count"].to_numpy(dtype=np.float64) * buildings["heated_floor_area_m2"].to_numpy(dtype=np.float64)
    return np.where(standing & _residential_rows(buildings), area, 0.0)


def _measure_floor_area(buildings: pd.DataFrame, measures: Mapping, years: list[int]) -> np.ndarray:
    """Residential heated floor area with each measure in service at the end of each year. (year, measure) [m2]

    As in :func:`smartcity.energy.measures.measure_costs`: the treated share of the eligible
    rows (as built) standing in the year; transport measures reach no floor area.
    """
    out = np.zeros((len(years), len(measures)))
    area = [_residential_area(buildings, year) for year in years]
    for j, m in enumerate(measures.values()):
        if is_transport_measure(m):
            continue
        eligible = m._eligible(buildings)
        for i, year in enumerate(years):
            out[i, j] = treated_share(m, year) * float(area[i][eligible].sum())
    return out


def _renovated_floor_area(buildings: pd.DataFrame, measures: Mapping, years: list[int]) -> np.ndarray:
    """Residential floor area reached by at least one renovation measure (:data:`RENOVATION_TYPES`). [m2]

    With the stock model's independence rule, a row reached by renovation measures with
    shares s1, s2, ... is reached with share 1 - (1 - s1)(1 - s2)... (no double counting of
    flats that get both a new envelope and ventilation).
    """
    chosen = [m for m in measures.values() if m.type in RENOVATION_TYPES]
    eligible = [m._eligible(buildings) for m in chosen]
    out = np.zeros(len(years))
    for i, year in enumerate(years):
        untouched = np.ones(len(buildings))
        for m, rows in zip(chosen, eligible):
            untouched = np.where(rows, untouched * (1.0 - treated_share(m, year)), untouched)
        out[i] = float(np.sum(_residential_area(buildings, year) * (1.0 - untouched)))
    return out


_WITHOUT_ATTRS = {"units": "t/a", "long_name": "CO2 with none of the scenario's measures"}
_CARRIER = {c: j for j, c in enumerate(emissions.INVENTORY_CARRIERS)}
_INTERACTION_ATTRS = {"units": "t/a",
                      "long_name": "CO2 reduction of all measures together minus the sum of the single ones"}


def _stack(results: list[_YearResult], attr: str) -> np.ndarray:
    return np.stack([getattr(r.energy, attr) for r in results])


def _energy_dataset(inp: ScenarioInputs, years: list[int], results: list[_YearResult]) -> xr.Dataset:
    model = inp.resolved.model
    weather = inp.weather
    b = inp.buildings
    n_hours = len(weather.index)
    yb, yh = ("year", "building"), ("year", "hour")
    hdd = heating_degree_days(weather.data["temp_air"])
    data = {
        "co2": (("year", "sector", "carrier"), np.stack([r.co2_t for r in results]), {
            "units": "t/a", "long_name": "CO2 emissions by Covenant of Mayors sector and carrier"}),
        "final_energy": (("year", "sector", "carrier"), np.stack([r.final_mwh for r in results]), {
            "units": "MWh/a", "long_name": "final energy by sector and carrier, before local PV"}),
        "space_heating_need": (yb, _stack(results, "building_space_heating_kwh"), {
            "units": "kWh/a", "long_name": "annual space-heating need of all buildings of the row (0 before construction)",
            "model": "ISO 13790 Annex C 5R1C hourly"}),
        "space_cooling_need": (yb, _stack(results, "building_cooling_kwh"), {
            "units": "kWh/a", "long_name": "annual space-cooling need of all buildings of the row",
            "model": "ISO 13790 Annex C 5R1C hourly"}),
        "hot_water_need": (yb, _stack(results, "building_dhw_kwh"), {
            "units": "kWh/a", "long_name": "annual domestic hot-water heat need of all buildings of the row"}),
        "appliance_electricity": (yb, _stack(results, "building_electricity_kwh"), {
            "units": "kWh/a", "long_name": "annual appliance and lighting electricity of all buildings of the row"}),
        "peak_space_heating": (yb, _stack(results, "building_peak_heating_kw"), {
            "units": "kW", "long_name": "peak space-heating power of one building of the row"}),
        "heated_floor_area": (yb, _stack(results, "building_floor_area_m2"), {
            "units": "m2", "long_name": "heated floor area of all buildings of the row standing in the year"}),
        "district_space_heating": (("year", "heating_system", "hour"), _stack(results, "space_heating_by_system_kw"), {
            "units": "kW", "long_name": "hourly space-heating need of the district by heating system"}),
        "district_space_cooling": (yh, _stack(results, "cooling_kw"), {
            "units": "kW", "long_name": "hourly space-cooling need of the district"}),
        "district_hot_water": (yh, _stack(results, "dhw_kw"), {
            "units": "kW", "long_name": "hourly domestic hot-water heat need of the district"}),
        "electricity_demand": (yh, _stack(results, "electricity_demand_kw"), {
            "units": "kW", "long_name": "hourly electricity consumption of the buildings (heat pumps, cooling, "
                                        "appliances, lighting)"}),
        "pv_generation": (yh, _stack(results, "pv_generation_kw"), {
            "units": "kW", "long_name": "hourly AC output of rooftop PV"}),
        "grid_import": (yh, np.stack([r.grid_import_kw for r in results]), {
            "units": "kW", "long_name": "hourly electricity drawn from the grid by buildings and vehicle charging"}),
        "grid_export": (yh, np.stack([r.grid_export_kw for r in results]), {
            "units": "kW", "long_name": "hourly PV electricity fed into the grid"}),
        "grid_carbon_intensity": (yh, np.stack([r.grid_intensity for r in results]), {
            "units": "g/kWh", "long_name": "hourly carbon intensity applied to grid electricity"}),
        "pv_capacity": (("year",), np.array([r.energy.pv_capacity_kwp for r in results]), {
            "units": "kWp", "long_name": "installed rooftop PV"}),
        "district_heat_production": (("year",), np.array([r.final_mwh[:, _CARRIER["district_heat"]].sum()
                                                          for r in results])
                                     / (1.0 - model.supply.district_heating.network_loss.canonical), {
            "units": "MWh/a", "long_name": "district heat produced for the district's buildings, network losses included"}),
        "district_heating_emission_factor": (("year",),
                                             model.supply.district_heating.emission_factor.at(years), {
            "units": "g/kWh", "long_name": "CO2 per kWh of district heat delivered"}),
        "building_count": (("building",), b["count"].to_numpy(dtype=np.int64), {
            "units": "1", "long_name": "number of buildings the row stands for"}),
        "building_use": (("building",), b["use"].to_numpy(dtype=str), {
            "units": "-", "long_name": "main use of the building"}),
        "building_sector": (("building",), np.array([emissions.SECTOR_OF_USE[u] for u in b["use"]], dtype=str), {
            "units": "-", "long_name": "Covenant of Mayors sector of the building"}),
        "building_heating_system": (("building",), b["heating_system"].to_numpy(dtype=str), {
            "units": "-", "long_name": "space-heating system of the building as built"}),
        "construction_year": (("building",), b["construction_year"].to_numpy(dtype=np.int64), {
            "units": "a", "long_name": "year of construction"}),
        "outdoor_air_temperature": (("hour",), weather.temp_air, {
            "units": "degC", "long_name": "outdoor air temperature of the weather year", "source": weather.source}),
        "global_horizontal_irradiance": (("hour",), weather.ghi, {
            "units": "W/m2", "long_name": "global horizontal irradiance of the weather year", "source": weather.source}),
        "heating_degree_days": ((), hdd, {
            "units": "K d", "long_name": f"heating degree days of the weather year, base {HEATING_DEGREE_DAY_BASE_C:g} "
                                         "degC, from daily means"}),
        "scenario_sha256": ((), inp.resolved.sha256(), {
            "units": "-", "long_name": "SHA-256 of the resolved scenario with each input file replaced by its content hash"}),
        "scenario_seed": ((), np.int64(model.scenario.seed), {
            "units": "1", "long_name": "seed of the scenario's random draws"}),
        "scenario_description": ((), model.scenario.description, {
            "units": "-", "long_name": "description of the scenario"}),
        "resolved_scenario": ((), inp.resolved.to_toml(), {
            "units": "-", "long_name": "the resolved scenario (TOML) that produced these results"}),
        "weather_name": ((), weather.name, {"units": "-", "long_name": "weather year used"}),
    }
    coords = {
        "year": ("year", np.asarray(years, dtype=np.int64), {"units": "a", "long_name": "simulated year"}),
        "building": ("building", b["building_id"].to_numpy(dtype=str), {
            "units": "-", "long_name": "building (or archetype row) identifier"}),
        "heating_system": ("heating_system", np.asarray(supply.HEATING_SYSTEMS, dtype=str), {
            "units": "-", "long_name": "space-heating system"}),
        "sector": ("sector", np.asarray(emissions.SECTORS, dtype=str), {
            "units": "-", "long_name": "Covenant of Mayors sector"}),
        "carrier": ("carrier", np.asarray(emissions.INVENTORY_CARRIERS, dtype=str), {
            "units": "-", "long_name": "final energy carrier"}),
        "hour": ("hour", np.arange(n_hours, dtype=np.int64), {
            "units": "h", "long_name": "hour of the weather year (0 = 1 January 00:00-01:00 local standard time)"}),
    }
    return xr.Dataset(data, coords=coords)


def _transport_dataset(transport: DistrictTransport, years: list[int], results: list[_YearResult]) -> xr.Dataset:
    """Travel, fleet and charging of each year (all measures in force)."""
    travel = [r.transport for r in results]
    trips = [t.year for t in travel]
    system = transport.system
    links = system.links
    lines = system.lines
    days = transport.section.days_per_year.canonical
    ym, yh = ("year", "mode"), ("year", "hour")
    counted = np.stack([t.trips for t in trips])
    data = {
        "trips": (ym, counted, {"units": "1/d", "long_name": "trips per average day by main mode, counted for the "
                                "district (trips with one end outside count with transport.transboundary_share)"}),
        "mode_share": (ym, counted / counted.sum(axis=1, keepdims=True), {
            "units": "1", "long_name": "modal split: share of the district's trips by main mode"}),
        "passenger_km": (ym, np.stack([t.passenger_km for t in trips]) * days, {
            "units": "km/a", "long_name": "passenger-km by mode, counted for the district"}),
        "passenger_km_by_zone": (("year", "zone", "mode"), np.stack([t.passenger_km_by_zone for t in trips]) * days, {
            "units": "km/a", "long_name": "passenger-km by origin zone and mode, counted for the district"}),
        "vehicle_km": (("year", "vehicle", "powertrain"), np.stack([t.vehicle_km for t in travel]), {
            "units": "km/a", "long_name": "vehicle-km by vehicle and powertrain (cars: district share of trips; "
                                          "buses: service of the lines inside the district)"}),
        "car_fleet": (("year", "powertrain"), np.stack([t.car_fleet for t in travel]), {
            "units": "1", "long_name": "cars owned by the district's residents by powertrain (stock turnover model)"}),
        "bus_fleet": (("year", "vehicle", "powertrain"), np.stack([t.bus_fleet for t in travel]), {
            "units": "1", "long_name": "buses the lines in service need in the peak, by class and powertrain "
                                       "(whole lines; the car row is 0)"}),
        "ev_charging": (yh, np.stack([t.ev_charging_kw for t in travel]), {
            "units": "kW", "long_name": "hourly charging of electric cars (after smart charging)"}),
        "bus_charging": (yh, np.stack([t.bus_charging_kw for t in travel]), {
            "units": "kW", "long_name": "hourly charging of electric buses (depot and opportunity)"}),
        "transport_feedback_iterations": (("year",), np.array([t.feedback_iterations for t in trips], dtype=np.int64), {
            "units": "1", "long_name": "passes of the feedback between assignment and distribution/mode choice"}),
        "transport_feedback_change": (("year",), np.array([t.feedback_change for t in trips]), {
            "units": "1", "long_name": "relative change of the car-time skim in the last feedback pass"}),
        "link_peak_flow": (("year", "link"), np.stack([t.link_peak_flow for t in trips]), {
            "units": "veh/h", "long_name": "car flow on each link in the peak hour (user equilibrium)"}),
        "link_from_node": (("link",), links["from_node"].to_numpy(dtype=np.int64), {
            "units": "-", "long_name": "from-node of the link"}),
        "link_to_node": (("link",), links["to_node"].to_numpy(dtype=np.int64), {
            "units": "-", "long_name": "to-node of the link"}),
        "mode_share_observed": (("mode",), transport.calibration["target_shares"], {
            "units": "1", "long_name": "observed modal split of all trips the base year is calibrated to"}),
        "mode_share_calibrated": (("mode",), transport.calibration["modelled_shares"], {
            "units": "1", "long_name": "modelled modal split of all trips in the base year after calibration"}),
    }
    coords = {
        "mode": ("mode", np.asarray(MODES, dtype=str), {"units": "-", "long_name": "main mode of the trip"}),
        "zone": ("zone", np.asarray(transport.zone_ids, dtype=str), {"units": "-", "long_name": "transport zone"}),
        "vehicle": ("vehicle", np.asarray(VEHICLES, dtype=str), {"units": "-", "long_name": "vehicle class"}),
        "powertrain": ("powertrain", np.asarray(POWERTRAINS, dtype=str), {"units": "-", "long_name": "powertrain"}),
        "link": ("link", np.array([f"{a}-{b}" for a, b in zip(links["from_node"], links["to_node"])], dtype=str), {
            "units": "-", "long_name": "link of the road network (from-to node)"}),
    }
    if lines is not None:
        data.update({
            "line_boardings": (("year", "line"), np.stack([t.line_boardings for t in trips]), {
                "units": "1/d", "long_name": "boardings per average day on each public-transport line by trips with "
                                             "an end in the district"}),
            "line_passenger_km": (("year", "line"), np.stack([t.line_passenger_km for t in trips]) * days, {
                "units": "km/a", "long_name": "passenger-km on each line by trips with an end in the district"}),
            "line_vehicle_km": (("year", "line"), np.stack([t.line_vehicle_km for t in trips])
                                * transport.section.service_days_per_year.canonical, {
                "units": "km/a", "long_name": "bus-km operated on each line inside the district"}),
        })
        coords["line"] = ("line", lines["line"].to_numpy(dtype=str), {"units": "-", "long_name": "public-transport line"})
    return xr.Dataset(data, coords=coords)


def _measure_dataset(inp: ScenarioInputs, years: list[int], measures: dict, runs: dict) -> xr.Dataset:
    ids = list(measures)
    total = lambda results: np.array([r.co2_t.sum() for r in results])  # noqa: E731
    final = lambda results: np.array([r.final_mwh.sum() for r in results])  # noqa: E731
    by_carrier = lambda results: np.stack([r.final_mwh.sum(axis=0) for r in results])  # noqa: E731
    imported = lambda results: np.array([r.grid_import_kw.sum() / 1e3 for r in results])  # noqa: E731
    exported = lambda results: np.array([r.grid_export_kw.sum() / 1e3 for r in results])  # noqa: E731
    without = total(runs["none"])
    reduction = np.stack([without - total(runs[m]) for m in ids], axis=1)
    saving = np.stack([final(runs["none"]) - final(runs[m]) for m in ids], axis=1)
    saving_by_carrier = np.stack([by_carrier(runs["none"]) - by_carrier(runs[m]) for m in ids], axis=1)
    import_saving = np.stack([imported(runs["none"]) - imported(runs[m]) for m in ids], axis=1)
    export_increase = np.stack([exported(runs[m]) - exported(runs["none"]) for m in ids], axis=1)
    interaction = (without - total(runs["all"])) - reduction.sum(axis=1)
    building_measures, transport_measures = _split(measures)
    costs = pd.concat([
        measure_costs(inp.buildings, building_measures, years),
        transport_measure_costs(transport_measures, years, discount_rate=DISCOUNT_RATE),
    ], ignore_index=True)
    costs = costs.assign(spent_eur=costs["investment_eur"] + costs["reinvestment_eur"])
    investment = costs.pivot(index="year", columns="measure", values="spent_eur").reindex(index=years, columns=ids)
    annual = costs.pivot(index="year", columns="measure", values="annual_cost_eur").reindex(index=years, columns=ids)
    om = costs.pivot(index="year", columns="measure", values="om_eur").reindex(index=years, columns=ids)
    ym = ("year", "measure")
    return xr.Dataset(
        {
            "co2_without_measures": (("year",), without, _WITHOUT_ATTRS),
            "co2_reduction_by_measure": (ym, reduction, {
                "units": "t/a", "long_name": "CO2 reduction of each measure applied alone (add-one attribution)"}),
            "co2_reduction_interaction": (("year",), interaction, _INTERACTION_ATTRS),
            "final_energy_saving_by_measure": (ym, saving, {
                "units": "MWh/a", "long_name": "final energy (before local PV) saved by each measure applied alone"}),
            "final_energy_saving_by_measure_carrier": (("year", "measure", "carrier"), saving_by_carrier, {
                "units": "MWh/a", "long_name": "final energy (before local PV) saved by each measure applied alone, "
                                               "by carrier (all sectors)"}),
            "grid_import_saving_by_measure": (ym, import_saving, {
                "units": "MWh/a", "long_name": "grid electricity import avoided by each measure applied alone "
                                               "(after local PV and batteries)"}),
            "grid_export_increase_by_measure": (ym, export_increase, {
                "units": "MWh/a", "long_name": "increase of PV electricity fed into the grid by each measure applied "
                                               "alone"}),
            "measure_residential_floor_area": (ym, _measure_floor_area(inp.buildings, measures, years), {
                "units": "m2", "long_name": "heated floor area of residential buildings with the measure in service "
                                            "at the end of the year (0 for transport measures)"}),
            "measure_investment": (ym, investment.to_numpy(dtype=np.float64), {
                "units": "EUR/a", "long_name": "investment and reinvestment spent in the calendar year on each measure "
                                               "(constant prices)"}),
            "measure_annual_cost": (ym, annual.to_numpy(dtype=np.float64), {
                "units": "EUR/a", "long_name": "annualised investment plus operation and maintenance of each measure"}),
            "measure_om_cost": (ym, om.to_numpy(dtype=np.float64), {
                "units": "EUR/a", "long_name": "operation and maintenance of each measure (part of measure_annual_cost)"}),
            "measure_type": (("measure",), np.array([measures[m].type for m in ids], dtype=str), {
                "units": "-", "long_name": "type of the measure"}),
        },
        coords={"measure": ("measure", np.array(ids, dtype=str), {"units": "-", "long_name": "measure identifier"})},
    )


def run_scenarios(
    paths: Sequence[str | Path], *, command: str | None = None, progress: Progress | None = None,
    inputs: list[ScenarioInputs] | None = None, attribution: bool = True, cache: RunCache | None = None,
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
    attribution : bool
        If false, each scenario is simulated only with all its measures (no "without
        measures" and no single-measure runs): the result then lacks the attribution
        variables (``co2_without_measures``, ``co2_reduction_*``, ``*_by_measure*``) and the
        per-measure cost and reach variables (``measure_*``). Used by sweeps.
    cache : RunCache, optional
        Files and intermediate results shared with other runs of this process (sweeps).

    Returns
    -------
    xarray.Dataset
    """
    cache = cache if cache is not None else RunCache()
    inputs = inputs if inputs is not None else load_inputs(paths, cache=cache)
    parts = [_simulate_scenario(inp, progress, attribution, cache) for inp in inputs]
    names = [inp.resolved.name for inp in inputs]
    ds = xr.concat(parts, dim=pd.Index(names, name="scenario"), join="outer", data_vars="all",
                   coords="different", compat="equals", combine_attrs="override")
    ds.attrs.clear()
    ds["scenario"].attrs.update({"units": "-", "long_name": "scenario name"})
    ds.attrs.update(provenance_attrs(command))
    ds.attrs["scenarios"] = ", ".join(names)
    return ds
