"""A scenario's inputs, read and checked before anything is computed.

:func:`load_inputs` resolves each scenario and reads and checks every table and file it
names: the weather year, the buildings table (completed from archetypes and use defaults),
the transport zone system, the grid's hourly profile, and each measure against them (its
``check`` hook). Bad input stops here with one :class:`~smartcity.errors.InputError`, before
any model runs; ``smartcity validate`` is this step alone, so it loads no model (no numba
kernel, pvlib or xarray).

:class:`RunCache` keeps what runs of variants of the same scenarios share (sweeps).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from smartcity import weather as weather_mod
from smartcity.energy import grid, profiles, thermal
from smartcity.energy.archetypes import fill_archetype_defaults
from smartcity.energy.buildings import check_buildings
from smartcity.errors import InputError
from smartcity.scenario import ResolvedScenario, load_scenario
from smartcity.scenario.overrides import apply_scale_factors
from smartcity.schema.tables import read_table
from smartcity.shipped import default_scenarios
from smartcity.transport import zones as zones_mod

__all__ = ["ScenarioInputs", "RunCache", "load_inputs", "default_scenarios"]


@dataclass(frozen=True)
class ScenarioInputs:
    """Everything one scenario reads, validated."""

    resolved: ResolvedScenario
    weather: weather_mod.Weather
    buildings: pd.DataFrame
    grid_shape: pd.Series | None = None
    zone_system: zones_mod.ZoneSystem | None = None
    heat_units: pd.DataFrame | None = None
    price_shape: pd.Series | None = None


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
      at most ``max_energy_years`` are kept (least recently used dropped; None: all);
    * the district-heating network model (its weather-shaped demand, loss and the units'
      hourly capacities and costs of each year dispatched), by its section, units table,
      weather year and price shape (the last four kept).

    Objects used in keys by identity (weather years, zone systems) are kept alive by the
    cache, so an identity is never reused for another object while the cache exists.
    """

    def __init__(self, max_energy_years: int | None = None, max_transport_models: int | None = 4) -> None:
        self.weather: dict[str | None, weather_mod.Weather] = {}
        self.tables: dict[tuple, pd.DataFrame] = {}
        self.zone_systems: dict[tuple, zones_mod.ZoneSystem] = {}
        self.irradiance: dict[tuple, object] = {}  # (weather, albedo) -> thermal.FacadeWeather
        self.transport = _LRU(max_transport_models)
        self.energy = _LRU(max_energy_years)
        self.networks = _LRU(4)
        self._objects: dict[int, object] = {}

    def ref(self, obj) -> int:
        """An identity key for ``obj``, valid while the cache exists."""
        self._objects.setdefault(id(obj), obj)
        return id(obj)


def _file_key(path) -> tuple:
    path = Path(path)
    stat = path.stat()
    return (str(path.resolve()), stat.st_mtime_ns, stat.st_size)


def load_inputs(paths: Sequence[str | Path | ResolvedScenario], *,
                cache: RunCache | None = None) -> list[ScenarioInputs]:
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
            filled = profiles.fill_use_defaults(fill_archetype_defaults(buildings))
            buildings = check_buildings(thermal.fill_floor_perimeter(thermal.fill_glazing_panes(filled)))
            if table_key is not None:
                cache.tables[table_key] = buildings
        else:
            buildings = cache.tables[table_key]
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
        heat_units, price_shape = _read_network(resolved, cache)
        checked = _CheckInputs(buildings, zone_system, heat_units)
        for mid, measure in enabled_measures(model.measures).items():
            try:
                measure.check(f"measures.{mid}", checked)
            except InputError as exc:
                raise exc.located(file=resolved.path) from None
        # row locations served the checks; pandas would copy them in every step
        buildings.attrs = {}
        if zone_system is not None:
            for frame in (zone_system.zones, zone_system.nodes, zone_system.links, zone_system.lines,
                          zone_system.line_stops):
                if frame is not None:
                    frame.attrs = {}
        grid_shape = None
        electricity = model.supply.electricity
        if electricity.hourly_profile is not None:
            if not electricity.hourly_profile.is_file():
                raise InputError("hourly grid-intensity file not found", file=resolved.path,
                                 key="supply.electricity.hourly_profile", value=str(electricity.hourly_profile),
                                 allowed="an existing CSV export of Energi Data Service's CO2 emission dataset")
            grid_shape = grid.read_energinet_co2(electricity.hourly_profile, electricity.price_area,
                                                   electricity.profile_year)
            if len(grid_shape) not in (8760, 8784):
                raise InputError(
                    "hourly grid-intensity series is not one whole year", file=electricity.hourly_profile,
                    value=f"{len(grid_shape)} hours",
                    allowed="8760 or 8784 hourly values (one calendar year; choose it with "
                            "supply.electricity.profile_year)",
                )
        inputs.append(ScenarioInputs(resolved, weather_cache[weather_file], buildings, grid_shape, zone_system,
                                     heat_units, price_shape))
    return inputs


def _read_network(resolved: ResolvedScenario, cache: RunCache) -> tuple[pd.DataFrame | None, pd.Series | None]:
    """The district-heating network's units table and electricity-price shape (``mode = "dispatch"``)."""
    dh = resolved.model.supply.district_heating
    if dh.mode != "dispatch":
        return None, None
    from smartcity.energy import energi_data_service
    from smartcity.energy.district_heating import read_heat_units

    network = dh.network
    key = ("heat_units",) + (_file_key(network.units) if network.units.is_file() else (str(network.units),))
    units = cache.tables.get(key)
    if units is None:
        units = read_heat_units(network.units, scenario_file=resolved.path,
                                scenario_key="supply.district_heating.network.units")
        cache.tables[key] = units
    price = None
    if network.electricity_price_profile is not None:
        path = network.electricity_price_profile
        if not path.is_file():
            raise InputError("electricity price file not found", file=resolved.path,
                             key="supply.district_heating.network.electricity_price_profile", value=str(path),
                             allowed="an existing CSV export of Energi Data Service's Elspotprices or DayAheadPrices")
        area = resolved.model.supply.electricity.price_area
        price_key = ("prices", area, network.profile_year) + _file_key(path)
        price = cache.tables.get(price_key)
        if price is None:
            price = cache.tables[price_key] = energi_data_service.read_spot_prices(path, area, network.profile_year)
        if len(price) not in (8760, 8784):
            raise InputError("hourly electricity-price series is not one whole year", file=path,
                             value=f"{len(price)} hours",
                             allowed="8760 or 8784 hourly values (one calendar year; choose it with "
                                     "supply.district_heating.network.profile_year)")
        if not float(price.mean()) > 0.0:
            raise InputError("the electricity prices' mean is not positive, so they give no shape", file=path,
                             value=f"mean {float(price.mean()):g} EUR/MWh", allowed="a year with a positive mean")
    return units, price


def enabled_measures(measures: Mapping) -> dict:
    return {mid: m for mid, m in measures.items() if m.enabled}


@dataclass(frozen=True)
class _CheckInputs:
    """What a measure's ``check`` hook checks it against."""

    buildings: pd.DataFrame
    zone_system: zones_mod.ZoneSystem | None
    heat_units: pd.DataFrame | None = None
