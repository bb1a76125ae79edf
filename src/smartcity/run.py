"""The run orchestrator: scenario files -> models -> one results Dataset.

This is the single place that assembles the model chain from a scenario; the models
themselves are plain functions in their modules. The chain:

1. resolve and validate every scenario and read and check every table and file it names
   (all inputs are checked before anything is computed, so bad input never leaves
   partial results);
2. weather year and plane-of-array irradiance on the window orientations (pvlib);
3. for each simulated year, the building stock standing that year with the scenario's
   measures applied (:func:`smartcity.energy.stock.stock_in_year`), simulated as an
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

from smartcity import economics, emissions
from smartcity import weather as weather_mod
from smartcity.energy import balance, grid, single_building, stock, thermal
from smartcity.energy.district_heating import SupplyYear, supply_year
from smartcity.energy.supply import HEATING_SYSTEMS
from smartcity.energy.system import (
    BUILDING_SECTORS,
    EnergyYear,
    PVCache,
    simulate_energy_year,
)
from smartcity.errors import InputError, SmartcityError
from smartcity.inputs import RunCache, ScenarioInputs, default_scenarios, enabled_measures, load_inputs
from smartcity.results import provenance_attrs
from smartcity.scenario import load_scenario
from smartcity.scenario.building_file import load_building
from smartcity.scenario.sections.measures import of_stage
from smartcity.stages import apply_stage
from smartcity.transport import fleet as fleet_mod
from smartcity.transport.model import (
    MODES,
    POWERTRAINS,
    VEHICLES,
    DistrictTransport,
    TransportEnergy,
    transport_energy,
)

__all__ = [
    "run_building_file", "load_plan", "measure_costs", "RunCache", "ScenarioInputs", "load_inputs", "run_scenarios", "default_scenarios", "heating_degree_days",
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


def _json_key(model) -> str:
    return hashlib.sha256(model.model_dump_json().encode()).hexdigest()


def travel_measures(measures: Mapping) -> dict:
    """The measures of the transport model (stages ``demand``, ``transport``, ``charging``), in order."""
    return {mid: m for mid, m in measures.items() if m.stage in ("demand", "transport", "charging")}


@dataclass(frozen=True)
class _YearResult:
    energy: EnergyYear
    co2_t: np.ndarray  # (sector, carrier) of emissions.SECTORS x emissions.INVENTORY_CARRIERS [t/a]
    final_mwh: np.ndarray  # (sector, carrier) [MWh/a]
    grid_intensity: np.ndarray  # (n_h,) [g/kWh]
    grid_import_kw: np.ndarray  # (n_h,) buildings and charging after PV and batteries [kW]
    grid_export_kw: np.ndarray  # (n_h,) [kW]
    supply: SupplyYear  # the year's district-heating factor and network loss
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
            key = (_json_key(model.transport), self.cache.ref(inp.zone_system), model.scenario.base_year)
            calibrated = self.cache.transport.get(key, lambda: DistrictTransport(
                model.transport, inp.zone_system, {}, model.scenario.base_year, file=str(inp.resolved.path)))
            self.transport = calibrated.with_measures(travel_measures(enabled_measures(model.measures)))
            self.vehicles = fleet_mod.load_vehicle_data()

    def grid_intensity(self, year: int) -> np.ndarray:
        if year not in self._grid:
            self._grid[year] = grid.grid_intensity(year, self.model.supply.electricity.emission_factor,
                                                   self.weather.index, shape=self.inp.grid_shape)
        return self._grid[year]

    def _stock_key(self, measures: Mapping, year: int, built: int) -> tuple:
        """What the stock standing in ``year`` under ``measures`` depends on (see :func:`stock.stock_parts`):
        the table, the ``built`` rows standing by then and the measures in force, in order, with
        their shares and parameters. Equal keys, equal stocks (also across scenarios and samples)."""
        in_force = []
        for mid, m in measures.items():
            share = m.share(year)
            if share > 0.0:
                if id(m) not in self._measure_json:
                    self._measure_json[id(m)] = (m, m.model_dump_json())  # kept: the id stays this measure's
                in_force.append((mid, share, self._measure_json[id(m)][1]))
        return (self.cache.ref(self.inp.buildings), built, tuple(in_force))

    def simulate(self, measures: Mapping, years: Sequence[int]) -> list[_YearResult]:
        """Energy, travel and CO2 of each year with ``measures`` applied, stage by stage.

        Each year goes through the stages of :data:`smartcity.scenario.sections.measures.STAGES`:
        ``stock`` (the building stock with its measures, simulated as an energy system),
        ``demand`` and ``transport`` (the transport model and its vehicles), ``charging`` (the
        hourly charging load, :meth:`_account`) and ``supply`` (the year's supply,
        :func:`smartcity.energy.district_heating.supply_year`); then the CO2 inventory.

        The stock changes only when a building is built or a measure's treated share
        changes; years in which neither happens reuse the previous year's energy system,
        and a stock already simulated (under another set of measures) is not simulated
        again. Emissions are always computed with the year's factors.
        """
        stock_measures = of_stage(measures, "stock")
        on_travel = travel_measures(measures)
        results = []
        last_state, last_energy = None, None
        built = self.inp.buildings["construction_year"].to_numpy()
        cars = None
        if self.transport is not None:
            cars = self.transport.car_fleet(on_travel, years, self.vehicles)
        for year in years:
            state = (int(np.sum(built <= year)),) + tuple(m.share(year) for m in stock_measures.values())
            if state != last_state:
                last_energy = self.cache.energy.get(
                    (self._stock_key(stock_measures, year, state[0]), self._energy_context),
                    lambda: simulate_energy_year(
                        stock.stock_parts(self.inp.buildings, stock_measures, year), len(self.inp.buildings),
                        self.weather, self.irradiance, self.model.supply, self.pv_cache,
                        warmup_hours=self.model.buildings.warmup_hours,
                    ))
                last_state = state
            travel = None
            if self.transport is not None:
                travel = transport_energy(self.transport, self.transport.simulate_year(on_travel, year),
                                          on_travel, year, cars, self.vehicles, self.weather.index)
            supply_state = supply_year(self.model.supply, year, measures)
            results.append(self._account(last_energy, travel, measures, supply_state, year))
        return results

    def _account(self, energy: EnergyYear, travel: TransportEnergy | None, measures: Mapping,
                 supply_state: SupplyYear, year: int) -> _YearResult:
        """The year's charging (stage ``charging``), electricity balance and CO2 inventory."""
        grid_kw = self.grid_intensity(year)
        n_h = len(self.weather.index)
        if travel is not None:
            charging = apply_stage(measures, "charging", year, fleet_mod.ChargingEffects(
                travel.ev_charging_kw, grid_kw, energy.pv_generation_kw - energy.electricity_demand_kw))
            travel = travel.with_ev_charging(charging.ev_kw)
            charging_kw = charging.ev_kw + travel.bus_charging_kw
            demand = energy.electricity_demand_kw + charging_kw
            site = balance.electricity_balance(demand, energy.pv_generation_kw, battery_kwh=energy.battery_kwh)
            grid_import, grid_export = site["import"], site["export"]
        else:
            demand = energy.electricity_demand_kw
            grid_import, grid_export = energy.grid_import_kw, energy.grid_export_kw
        share = np.divide(grid_import, demand, out=np.zeros(n_h), where=demand > 0)
        final_kw: dict[str, dict] = {sector: energy.final_energy_kw[sector] for sector in BUILDING_SECTORS}
        if travel is not None:
            fuels = {c: kwh for c, kwh in travel.fuel_kwh.items() if kwh > 0.0}
            final_kw["transport"] = {**fuels, "electricity": charging_kw}
        co2, final, intensity = emissions.account_year(
            self.model.emissions, final_kw, grid_kw, supply_state.district_heat_factor, import_share=share,
            local_pv_kwh=float(energy.pv_generation_kw.sum()), electricity_kwh=float(demand.sum()))
        return _YearResult(energy, co2, final, intensity, grid_import, grid_export, supply_state, travel)


def _simulate_scenario(inp: ScenarioInputs, progress: Progress | None, attribution: bool = True,
                       cache: RunCache | None = None) -> xr.Dataset:
    model = inp.resolved.model
    years = model.years
    measures = enabled_measures(model.measures)
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
        "year", _renovated_floor_area(inp.buildings, of_stage(measures, "stock"), years), _RENOVATED_ATTRS))
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


def _measure_floor_area(buildings: pd.DataFrame, measures: Mapping, years: list[int]) -> np.ndarray:
    """Residential heated floor area with each measure in service at the end of each year. (year, measure) [m2]

    As for the costs: the treated share of the eligible rows (as built) standing in the
    year (:func:`stock.residential_floor_area_reached`); measures not on the stock reach no
    floor area.
    """
    out = np.zeros((len(years), len(measures)))
    on_stock = [j for j, m in enumerate(measures.values()) if m.stage == "stock"]
    if on_stock:
        chosen = {mid: m for j, (mid, m) in enumerate(measures.items()) if j in on_stock}
        out[:, on_stock] = stock.residential_floor_area_reached(buildings, chosen, _residential_rows(buildings), years)
    return out


def _renovated_floor_area(buildings: pd.DataFrame, measures: Mapping, years: list[int]) -> np.ndarray:
    """Residential floor area reached by at least one renovation measure (:data:`RENOVATION_TYPES`). [m2]"""
    chosen = {mid: m for mid, m in measures.items() if m.type in RENOVATION_TYPES}
    return stock.renovated_residential_floor_area(buildings, chosen, _residential_rows(buildings), years)


def measure_costs(buildings: pd.DataFrame, measures: Mapping, years: Sequence[int], *,
                  discount_rate: float = economics.DISCOUNT_RATE) -> pd.DataFrame:
    """Installations and costs of each measure in each year (:func:`smartcity.economics.cost_table`).

    Measures on the stock are paid per unit installed on the buildings they reach
    (:func:`stock.units_in_service`); the others as a whole, in proportion to their ramp
    share (:func:`economics.share_in_service`).
    """
    years = sorted({int(y) for y in years})
    active = enabled_measures(measures)
    rows: list[dict] = []
    if years and active:
        first = min(min(years), min(m.start_year for m in active.values())) - 1
        served = stock.units_in_service(buildings, of_stage(active, "stock"), first, years[-1])
        for mid, m in active.items():
            units = served[mid] if m.stage == "stock" else economics.share_in_service(m, first, years[-1])
            rows += economics.measure_costs(mid, m, years, first, units, discount_rate=discount_rate)
    return economics.cost_table(rows, discount_rate=discount_rate)


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
                                                          / (1.0 - r.supply.network_loss) for r in results]), {
            "units": "MWh/a", "long_name": "district heat produced for the district's buildings, network losses included"}),
        "district_heating_emission_factor": (("year",), np.array([r.supply.district_heat_factor for r in results]), {
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
        "heating_system": ("heating_system", np.asarray(HEATING_SYSTEMS, dtype=str), {
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
    costs = measure_costs(inp.buildings, measures, years)
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


def run_building_file(path: str | Path, weather: str | Path | None = None) -> single_building.BuildingResult:
    """Read a building file and simulate it.

    Parameters
    ----------
    path : str or Path
        The building TOML file.
    weather : str or Path, optional
        EPW or CSV weather file replacing the file's ``weather.file``.

    Returns
    -------
    smartcity.energy.single_building.BuildingResult

    Raises
    ------
    InputError
        See :func:`smartcity.scenario.building_file.load_building`,
        :func:`smartcity.energy.single_building.check_envelope` and
        :func:`smartcity.weather.load_weather`.
    """
    model = load_building(path)
    single_building.check_envelope(model, Path(path).resolve())
    if weather is not None:
        weather_path = Path(weather)
        if not weather_path.is_file():
            raise InputError("weather file not found", value=str(weather_path),
                             allowed="an existing .epw or .csv file")
        return single_building.simulate_building(model, weather_mod.load_weather(weather_path))
    return single_building.simulate_building(model)


def load_plan(path: str | Path, *, scenario: str | None = None, baseline: str = "baseline",
              command: str | None = None):
    """The plan monitored from a scenario file (run with the root of its ``extends`` chain) or a results file.

    Parameters
    ----------
    path : str or Path
        A scenario TOML file, or a results file (``.nc``, or a folder holding
        ``results.nc``).
    scenario : str, optional
        Scenario monitored (results files holding several).
    baseline : str
        Name of the baseline scenario in a results file.
    command : str, optional
        Command line recorded in the run's provenance.

    Returns
    -------
    smartcity.monitoring.progress.Plan

    Raises
    ------
    SmartcityError
        Not a scenario or results file; the run's inputs are bad (InputError).
    """
    from smartcity.monitoring.progress import plan_from_results
    from smartcity.results import open_result

    path = Path(path)
    if path.is_dir() and (path / "results.nc").is_file():
        path = path / "results.nc"
    if not path.is_file():
        raise SmartcityError(f"{path}: no such file (give a scenario .toml or a results .nc file)")
    suffix = path.suffix.lower()
    if suffix == ".nc":
        try:
            results = open_result(path)
        except (OSError, ValueError) as exc:
            raise SmartcityError(f"{path}: not a readable results file ({exc})") from None
        return plan_from_results(results, scenario, baseline)
    if suffix != ".toml":
        raise SmartcityError(f"{path}: neither a scenario file (.toml) nor a results file (.nc)")
    resolved = load_scenario(path)
    root = Path(resolved.files[-1]).resolve()
    if root == Path(resolved.path).resolve():
        raise SmartcityError(f"{path}: the scenario extends no baseline; name a scenario that extends one "
                             "(e.g. lighthouse.toml), or a results file holding both")
    results = run_scenarios([root, Path(resolved.path).resolve()], command=command)
    root_name = str(results["scenario"].values[0])
    return plan_from_results(results, resolved.name, root_name)
