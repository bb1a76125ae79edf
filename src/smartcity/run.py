"""The run orchestrator: scenario files -> models, stage by stage -> one results Dataset.

This is the single place that assembles the model chain from a scenario; the models
themselves are plain functions and classes in their modules, which receive validated
sections and arrays. The chain:

1. :func:`smartcity.inputs.load_inputs` resolves and validates every scenario and reads and
   checks every table and file it names, and each measure against them (all inputs are
   checked before anything is computed, so bad input never leaves partial results);
2. the weather year, the sun on windows, walls and roof (pvlib, angle-dependent glazing) and the sky;
3. for each simulated year, the stages of :data:`smartcity.scenario.sections.measures.STAGES`:
   ``stock`` (the building stock standing that year with its measures,
   :func:`smartcity.energy.stock.stock_parts`, simulated as an energy system:
   :func:`smartcity.energy.system.simulate_energy_year`), ``demand`` and ``transport`` (the
   four-step model and the vehicles, :mod:`smartcity.transport.model`), ``charging``
   (:class:`smartcity.transport.charging.ChargingEffects`) and ``supply``
   (:func:`smartcity.energy.district_heating.supply_year`); a stock equal to one simulated
   before is not simulated again;
4. the year's electricity balance with vehicle charging and its CO2 by Covenant of Mayors
   sector and carrier (:func:`smartcity.emissions.account_year`);
5. the contribution of each measure: the scenario is also run without measures and with
   each measure alone ("add one"); its costs (:func:`measure_costs`) and reach;
6. the results Dataset (:mod:`smartcity.results`: the declared variables, units and provenance).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from smartcity import economics, emissions, results
from smartcity import weather as weather_mod
from smartcity.energy import balance, grid, single_building, stock, thermal
from smartcity.energy.district_heating import SupplyYear, service_years, supply_year
from smartcity.energy.heat_supply import HeatNetworkModel, NetworkYear
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
from smartcity.transport.charging import ChargingEffects
from smartcity.transport.model import (
    DistrictTransport,
    TransportEnergy,
    transport_energy,
)
from smartcity.transport.vehicles import load_vehicle_data

__all__ = [
    "run_scenarios", "run_building_file", "dispatch_year", "load_plan", "measure_costs", "RunCache", "ScenarioInputs",
    "load_inputs", "default_scenarios", "RENOVATION_TYPES", "supply_cost_shares",
]

Progress = Callable[[str, float], None]


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
    network: NetworkYear | None = None  # the district-heating network's dispatch (mode "dispatch")


class _ScenarioModel:
    """The models of one scenario, ready to simulate any year under any subset of its measures."""

    def __init__(self, inp: ScenarioInputs, cache: RunCache | None = None, transport: bool = True) -> None:
        model = inp.resolved.model
        self.inp = inp
        self.model = model
        self.weather = inp.weather
        self.cache = cache if cache is not None else RunCache()
        albedo = model.weather.ground_albedo.canonical
        weather_key = self.cache.ref(inp.weather)
        self.irradiance = self.cache.irradiance.get((weather_key, albedo))
        if self.irradiance is None:
            self.irradiance = self.cache.irradiance[(weather_key, albedo)] = thermal.facade_weather(
                inp.weather, albedo)
        self.pv_cache = PVCache(inp.weather, model.supply, albedo)
        # what the energy system of a stock depends on besides the stock (emission factors and the
        # district-heating network only after it)
        supply_doc = model.supply.model_dump(mode="json", exclude={
            "electricity": {"emission_factor"}, "district_heating": {"emission_factor", "mode", "network"}})
        self._energy_context = (weather_key, albedo, model.buildings.warmup_hours, len(inp.buildings),
                                hashlib.sha256(repr(supply_doc).encode()).hexdigest())
        self._grid: dict[int, np.ndarray] = {}
        self._measure_json: dict[int, tuple] = {}
        self.network = None
        self._unit_years = None
        if inp.heat_units is not None:
            self._unit_years = service_years(inp.heat_units)
            dh = model.supply.district_heating
            key = (dh.network.model_dump_json(), dh.network_loss.canonical, self.cache.ref(inp.heat_units),
                   weather_key, None if inp.price_shape is None else self.cache.ref(inp.price_shape))
            self.network = self.cache.networks.get(key, lambda: HeatNetworkModel(
                dh.network, inp.heat_units, inp.weather, dh.network_loss.canonical, inp.price_shape))
        self.transport = None
        self._cars: dict[tuple, dict] = {}  # by the travel measures in force and the years
        self._travel: dict[tuple, TransportEnergy] = {}  # ... and the year
        if inp.zone_system is not None and transport:
            key = (_json_key(model.transport), self.cache.ref(inp.zone_system), model.scenario.base_year)
            calibrated = self.cache.transport.get(key, lambda: DistrictTransport(
                model.transport, inp.zone_system, {}, model.scenario.base_year, file=str(inp.resolved.path)))
            self.transport = calibrated.with_measures(travel_measures(enabled_measures(model.measures)))
            self.vehicles = load_vehicle_data()

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

    def simulate(self, measures: Mapping, years: Sequence[int], hourly_supply: bool = False) -> list[_YearResult]:
        """Energy, travel and CO2 of each year with ``measures`` applied, stage by stage.

        Each year goes through the stages of :data:`smartcity.scenario.sections.measures.STAGES`:
        ``stock`` (the building stock with its measures, simulated as an energy system),
        ``demand`` and ``transport`` (the transport model and its vehicles), ``charging`` (the
        hourly charging load, :meth:`_account`) and ``supply`` (the year's supply,
        :func:`smartcity.energy.district_heating.supply_year`); then the CO2 inventory.

        Variants with the same travel measures (every building or supply measure alone) share
        their travel and vehicles. The stock changes only when a building is built or a
        measure's treated share changes; years in which neither happens reuse the previous year's energy system,
        and a stock already simulated (under another set of measures) is not simulated
        again. Emissions are always computed with the year's factors. ``hourly_supply`` keeps
        the hourly series of the district-heating network's dispatch (``mode = "dispatch"``).
        """
        stock_measures = of_stage(measures, "stock")
        on_travel = travel_measures(measures)
        results = []
        last_state, last_energy = None, None
        built = self.inp.buildings["construction_year"].to_numpy()
        cars = None
        travel_key = (tuple(on_travel), tuple(int(y) for y in years))  # same travel measures, same travel
        if self.transport is not None and travel_key not in self._cars:
            self._cars[travel_key] = self.transport.car_fleet(on_travel, years, self.vehicles)
        cars = self._cars.get(travel_key)
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
                travel = self._travel.get(travel_key + (year,))
                if travel is None:
                    travel = self._travel[travel_key + (year,)] = transport_energy(
                        self.transport, self.transport.simulate_year(on_travel, year), on_travel, year, cars,
                        self.vehicles, self.weather.index)
            supply_state = supply_year(self.model.supply, year, measures, self._unit_years)
            results.append(self._account(last_energy, travel, measures, supply_state, year, hourly_supply))
        return results

    def _account(self, energy: EnergyYear, travel: TransportEnergy | None, measures: Mapping,
                 supply_state: SupplyYear, year: int, hourly_supply: bool = False) -> _YearResult:
        """The year's charging (stage ``charging``), district-heating dispatch, electricity balance and CO2."""
        grid_kw = self.grid_intensity(year)
        n_h = len(self.weather.index)
        if travel is not None:
            charging = apply_stage(measures, "charging", year, ChargingEffects(
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
        network = None
        district_heat_factor = supply_state.district_heat_factor
        if self.network is not None:
            district_kw = sum(np.asarray(energy.final_energy_kw[s].get("district_heat", 0.0)) for s in BUILDING_SECTORS)
            network = self.network.dispatch(year, supply_state.in_service, np.broadcast_to(district_kw, (n_h,)) / 1e3,
                                            grid_kw, lowered_k=supply_state.temperature_reduction_k,
                                            hourly=hourly_supply)
            district_heat_factor = network.factor_g_per_kwh
            supply_state.district_heat_factor = network.annual_factor_g_per_kwh
            supply_state.network_loss = network.loss_share
        co2, final, intensity = emissions.account_year(
            self.model.emissions, final_kw, grid_kw, district_heat_factor, import_share=share,
            local_pv_kwh=float(energy.pv_generation_kw.sum()), electricity_kwh=float(demand.sum()))
        return _YearResult(energy, co2, final, intensity, grid_import, grid_export, supply_state, travel, network)


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
        runs[label] = runs["all"] if same else sm.simulate(subset, years, hourly_supply=label == "all")
        if progress is not None:
            progress(f"{model.name}: {label}", (k + 1) / len(variants))
    main = runs["all"]
    if sm.network is not None:
        _check_heat_met(inp, years, main)
    renovated = _renovated_floor_area(inp.buildings, of_stage(measures, "stock"), years)
    ds = results.energy_results(inp.resolved, inp.weather, inp.buildings, years, main, renovated)
    if sm.transport is not None:
        ds = ds.merge(results.transport_results(sm.transport, years, main))
    if sm.network is not None:
        ds = ds.merge(results.supply_results(inp.heat_units, main))
    if not attribution:
        return ds
    if not measures:
        return ds.merge(results.no_attribution_results(years, main))
    return ds.merge(results.attribution_results(
        years, measures, runs, measure_costs(inp.buildings, measures, years,
                                             cost_share=supply_cost_shares(measures, years, main)),
        _measure_floor_area(inp.buildings, measures, years)))


def _check_heat_met(inp: ScenarioInputs, years: Sequence[int], main: list[_YearResult]) -> None:
    """Refuse a scenario whose district-heating units cannot meet the network's demand in some year."""
    for year, r in zip(years, main):
        net = r.network
        if net.unmet_mwh > 1e-9 * (net.delivered_mwh + net.loss_mwh):
            short = net.hourly["unmet_mw"]
            hour = int(np.argmax(short))
            raise InputError(
                f"the network's units cannot meet its heat demand in {year}: {net.unmet_mwh:,.0f} MWh unmet, "
                f"{short[hour]:,.1f} MW short in hour {hour}", file=inp.resolved.path,
                key="supply.district_heating.network.units",
                allowed="units (with the year's measures) whose available capacity covers the peak of the "
                        "network's demand and loss, e.g. a peak boiler")


#: Building-measure types whose reach counts as "renovated" for the social-reach KPIs.
RENOVATION_TYPES = ("envelope_renovation", "ventilation_heat_recovery")


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
                  discount_rate: float = economics.DISCOUNT_RATE,
                  cost_share: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Installations and costs of each measure in each year (:func:`smartcity.economics.cost_table`).

    Measures on the stock are paid per unit installed on the buildings they reach
    (:func:`stock.units_in_service`); the others as a whole, in proportion to their ramp
    share (:func:`economics.share_in_service`). ``cost_share`` gives the share of a
    measure's money the district bears (default 1): a measure on the district-heating
    network serves the whole network (:func:`supply_cost_shares`).
    """
    years = sorted({int(y) for y in years})
    active = enabled_measures(measures)
    rows: list[dict] = []
    if years and active:
        first = min(min(years), min(m.start_year for m in active.values())) - 1
        served = stock.units_in_service(buildings, of_stage(active, "stock"), first, years[-1])
        for mid, m in active.items():
            units = served[mid] if m.stage == "stock" else economics.share_in_service(m, first, years[-1])
            share = 1.0 if cost_share is None else float(cost_share.get(mid, 1.0))
            rows += economics.measure_costs(mid, m, years, first, units, discount_rate=discount_rate,
                                            cost_share=share)
    return economics.cost_table(rows, discount_rate=discount_rate)


def supply_cost_shares(measures: Mapping, years: Sequence[int], main: Sequence[_YearResult]) -> dict[str, float]:
    """The district's share of the costs of each measure on the district-heating network. [1]

    A supply measure (a heat pump, the coal exit) serves every consumer of the network; the
    district bears the share of its costs that its district-heat use is of the heat the
    network delivers, in the first simulated year in which the measure acts (the last
    simulated year if none), with all the scenario's measures in force.
    """
    dh = emissions.INVENTORY_CARRIERS.index("district_heat")
    shares = {}
    for mid, m in measures.items():
        if m.stage != "supply" or main[0].network is None:
            continue
        acting = [i for i, y in enumerate(years) if y >= m.start_year]
        r = main[acting[0] if acting else len(years) - 1]
        delivered = r.network.delivered_mwh
        shares[mid] = float(r.final_mwh[:, dh].sum()) / delivered if delivered > 0.0 else 0.0
    return shares


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
    ds["scenario"].attrs.update(results.attributes("scenario"))
    ds.attrs.update(provenance_attrs(command))
    ds.attrs["scenarios"] = ", ".join(names)
    return ds


def dispatch_year(path: str | Path, year: int | None = None) -> tuple[ScenarioInputs, int, NetworkYear]:
    """The district-heating network of a scenario in one year, all its measures in force.

    The buildings are simulated for the year (their hourly district-heat use joins the rest
    of the network's demand) and the network dispatched with its hourly series.

    Parameters
    ----------
    path : str or Path
        Scenario file with ``supply.district_heating.mode = "dispatch"``.
    year : int, optional
        A simulated year of the scenario; default its last. [a]

    Returns
    -------
    tuple
        The scenario's inputs, the year and its :class:`~smartcity.energy.heat_supply.NetworkYear`.

    Raises
    ------
    InputError
        Bad inputs, a scenario without the network model, a year it does not simulate.
    """
    inp = load_inputs([path])[0]
    model = inp.resolved.model
    if inp.heat_units is None:
        raise InputError("the scenario has no district-heating network model", file=inp.resolved.path,
                         key="supply.district_heating.mode", value=model.supply.district_heating.mode,
                         allowed="'dispatch' with a [supply.district_heating.network] table")
    years = list(model.years)
    year = years[-1] if year is None else year
    if year not in years:
        raise InputError("the scenario does not simulate this year", file=inp.resolved.path, key="--year",
                         value=year, allowed=f"one of {years[0]}-{years[-1]} in steps of {model.scenario.year_step}")
    sm = _ScenarioModel(inp, transport=False)  # the network sees the buildings' heat, not the travel
    main = sm.simulate(enabled_measures(model.measures), [year], hourly_supply=True)
    _check_heat_met(inp, [year], main)
    return inp, year, main[0].network


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
              command: str | None = None, hourly=None):
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
    hourly : iterable of str, optional
        The hourly results read from a results file (see
        :func:`smartcity.results.open_result`); default
        :data:`smartcity.monitoring.progress.PLAN_HOURLY`, what monitoring uses.

    Returns
    -------
    smartcity.monitoring.progress.Plan

    Raises
    ------
    SmartcityError
        Not a scenario or results file; the run's inputs are bad (InputError).
    """
    from smartcity.monitoring.progress import PLAN_HOURLY, plan_from_results
    from smartcity.results import open_result

    path = Path(path)
    if path.is_dir() and (path / "results.nc").is_file():
        path = path / "results.nc"
    if not path.is_file():
        raise SmartcityError(f"{path}: no such file (give a scenario .toml or a results .nc file)")
    suffix = path.suffix.lower()
    if suffix == ".nc":
        try:
            results = open_result(path, hourly=PLAN_HOURLY if hourly is None else hourly)
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
