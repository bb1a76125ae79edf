"""The results Dataset: its schema as data, provenance and atomic NetCDF files.

A run produces one :class:`xarray.Dataset` with named dimensions (``scenario``, ``year``,
``hour``, ``building``, ...). Every coordinate and variable is declared once in
``smartcity/data/results.toml`` (:func:`schema`): its dimensions, UDUNITS-2 units, long
name and, where one exists, its CF standard name. :func:`dataset` builds a Dataset from
values with the declared dimensions and attributes, :func:`check_dataset` validates one
against the declaration, and :mod:`smartcity.sweep` keeps the variables declared with a
``sweep`` table. The Dataset's attributes hold the provenance (package and library
versions, command, UTC time) and per-scenario variables hold each resolved scenario's
SHA-256, seed and text, so a table made from a result can be traced to the scenario files
and inputs that produced it.

Files are written atomically: to a hidden temporary file in the target folder, flushed to
disk, then moved to the final name in one step. An interrupted or killed run leaves no file
under the final name, and an existing result is never replaced unless ``force=True``.
"""

from __future__ import annotations

import datetime as _dt
import functools
import os
import sys
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from smartcity.errors import OutputExistsError, SmartcityError
from smartcity.writing import write_bytes_atomic

__all__ = [
    "ENGINE", "Declared", "schema", "attributes", "dataset", "provenance_attrs", "check_dataset", "write_netcdf",
    "open_result", "is_sweep_store", "OutputExistsError", "check_output_folder", "GROUPS",
    "HEATING_DEGREE_DAY_BASE_C", "heating_degree_days", "energy_results", "transport_results",
    "attribution_results", "no_attribution_results",
]

#: NetCDF-4 through the netCDF C library: opens a results file 3-4x faster than h5netcdf
#: (79 variables, ~12 MB: 0.22 s against 0.85 s) and writes it in half the time.
ENGINE = "netcdf4"
_SCHEMA_FILE = "data/results.toml"
#: Groups of results variables (``data/results.toml``): a Dataset holding one variable of a group holds all.
GROUPS = ("run", "energy", "transport", "lines", "supply", "attribution", "measures")


@dataclass(frozen=True)
class Declared:
    """A coordinate or variable of the results as ``data/results.toml`` declares it."""

    name: str
    dims: tuple[str, ...]
    dtype: str
    units: str
    long_name: str
    group: str
    standard_name: str | None = None
    extra: tuple[tuple[str, str], ...] = ()
    sweep: dict | None = None

    @property
    def attrs(self) -> dict[str, str]:
        """``units``, ``long_name``, ``standard_name`` (where declared) and further attributes."""
        out = {"units": self.units, "long_name": self.long_name}
        if self.standard_name:
            out["standard_name"] = self.standard_name
        out.update(self.extra)
        return out


_KEYS = {"name", "dims", "dtype", "units", "long_name", "group", "standard_name", "sweep"}


@functools.cache
def schema() -> tuple[dict[str, Declared], dict[str, Declared]]:
    """The declared coordinates and variables, by name, in file order.

    Raises
    ------
    ValueError
        A malformed declaration (unknown group or dtype, a dimension that is not a coordinate).
    """
    text = resources.files("smartcity").joinpath(_SCHEMA_FILE).read_text(encoding="utf-8")
    document = tomllib.loads(text)
    tables: list[dict[str, Declared]] = []
    for kind in ("coordinate", "variable"):
        found: dict[str, Declared] = {}
        for entry in document.get(kind, []):
            dims = (entry["name"],) if kind == "coordinate" else tuple(entry["dims"])
            extra = tuple((k, str(v)) for k, v in entry.items() if k not in _KEYS)
            declared = Declared(entry["name"], dims, entry["dtype"], entry["units"], entry["long_name"],
                                entry["group"], entry.get("standard_name"), extra, entry.get("sweep"))
            if declared.group not in GROUPS or declared.dtype not in ("str", "int", "float"):
                raise ValueError(f"{_SCHEMA_FILE}: {kind} {declared.name!r}: group or dtype not allowed")
            if declared.name in found:
                raise ValueError(f"{_SCHEMA_FILE}: {kind} {declared.name!r} is declared twice")
            found[declared.name] = declared
        tables.append(found)
    coordinates, variables = tables
    for v in variables.values():
        unknown = [d for d in v.dims if d not in coordinates]
        if unknown:
            raise ValueError(f"{_SCHEMA_FILE}: variable {v.name!r} has dimensions that are no coordinate: {unknown}")
    return coordinates, variables


def attributes(name: str) -> dict[str, str]:
    """The declared attributes of a coordinate or variable (``units``, ``long_name``, ...)."""
    coordinates, variables = schema()
    declared = variables.get(name) or coordinates.get(name)
    if declared is None:
        raise KeyError(f"{name!r} is not declared in smartcity/{_SCHEMA_FILE}")
    return declared.attrs


def dataset(values: Mapping[str, Any], coords: Mapping[str, Any], *,
            attrs: Mapping[str, Mapping[str, str]] | None = None) -> xr.Dataset:
    """A Dataset of declared variables: dimensions and attributes from the schema.

    Parameters
    ----------
    values : mapping of str to array_like
        Variable name -> values, in the declared dimension order.
    coords : mapping of str to array_like
        Coordinate name -> labels.
    attrs : mapping, optional
        Further attributes of some variables (e.g. the weather's ``source``).
    """
    coordinates, variables = schema()
    extra = attrs or {}
    data = {name: (variables[name].dims, value, {**variables[name].attrs, **extra.get(name, {})})
            for name, value in values.items()}
    return xr.Dataset(data, coords={name: (name, labels, coordinates[name].attrs) for name, labels in coords.items()})


def provenance_attrs(command: str | None = None, now: _dt.datetime | None = None) -> dict[str, str]:
    """Run-level provenance attributes.

    Parameters
    ----------
    command : str, optional
        The command line; defaults to ``sys.argv`` joined by spaces.
    now : datetime, optional
        Creation time (UTC); defaults to now.

    Returns
    -------
    dict
        ``smartcity_version``, versions of the numerical libraries, ``command``,
        ``created_utc`` (ISO 8601) and ``python_version``.
    """
    import numba
    import pandas
    import pvlib

    from smartcity import __version__

    now = now or _dt.datetime.now(_dt.timezone.utc)
    return {
        "title": "smartcity run results",
        "smartcity_version": __version__,
        "command": command if command is not None else " ".join(Path(sys.argv[0]).name.split() + sys.argv[1:]),
        "created_utc": now.replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "python_version": sys.version.split()[0],
        "library_versions": (
            f"numpy {np.__version__}; pandas {pandas.__version__}; xarray {xr.__version__}; "
            f"numba {numba.__version__}; pvlib {pvlib.__version__}"
        ),
        "Conventions": "CF-1.10",
    }


def check_dataset(ds: xr.Dataset) -> None:
    """Validate a results Dataset against its declaration (``data/results.toml``).

    Every variable and coordinate must carry ``units`` and ``long_name``; a declared one must
    have its declared dimensions (after a leading ``scenario``) and attributes; a Dataset
    holding one variable of a group must hold all of the group.

    Raises
    ------
    ValueError
        Naming the variable and what differs from the declaration.
    """
    coordinates, variables = schema()
    for name, var in list(ds.data_vars.items()) + list(ds.coords.items()):
        missing = [a for a in ("units", "long_name") if a not in var.attrs]
        if missing:
            raise ValueError(f"results variable '{name}' has no {' or '.join(missing)} attribute")
        declared = variables.get(name) if name in ds.data_vars else coordinates.get(name)
        if declared is None:
            continue
        dims = tuple(d for d in var.dims if d != "scenario" or declared.name == "scenario")
        if dims != declared.dims:
            raise ValueError(f"results variable '{name}' has dimensions {var.dims}; declared {declared.dims}")
        for key, value in declared.attrs.items():
            if var.attrs.get(key) != value:
                raise ValueError(f"results variable '{name}' has {key} {var.attrs.get(key)!r}; declared {value!r}")
    present = {variables[n].group for n in ds.data_vars if n in variables}
    for group in present:
        absent = [n for n, v in variables.items() if v.group == group and n not in ds.data_vars]
        if absent:
            raise ValueError(f"results hold variables of group '{group}' but not {', '.join(absent)}")


def _encoding(ds: xr.Dataset) -> dict:
    enc = {}
    for name, var in ds.data_vars.items():
        if var.dtype.kind in "fiu" and var.size > 1024:
            enc[name] = {"zlib": True, "complevel": 4, "shuffle": True}
    return enc


def write_netcdf(ds: xr.Dataset, path: str | Path, *, force: bool = False) -> Path:
    """Write ``ds`` to ``path`` atomically.

    Parameters
    ----------
    ds : xarray.Dataset
        The results; checked with :func:`check_dataset` first.
    path : str or Path
        Final file name (``.nc``); its folder is created if needed.
    force : bool
        Replace an existing file. Without it an existing file is an error.

    Returns
    -------
    Path
        The written file.

    Raises
    ------
    OutputExistsError
        ``path`` exists and ``force`` is false (nothing is written).
    """
    check_dataset(ds)
    path = Path(path)
    exists = f"{path}: a result already exists; pass --force to replace it or choose another output folder"
    if path.exists() and not force:
        raise OutputExistsError(exists)
    # Encoded in memory first: a full disk then fails in a plain write with one clear error,
    # not inside the HDF5 library.
    data = ds.to_netcdf(engine=ENGINE, encoding=_encoding(ds))
    return write_bytes_atomic(data, path, force=force, what="the results")


def is_sweep_store(path: str | Path) -> bool:
    """True if ``path`` is a Zarr store folder (a sweep's output, or another Zarr store)."""
    path = Path(path)
    return path.is_dir() and (path / "zarr.json").is_file()


def open_result(path: str | Path, *, hourly: Iterable[str] | None = None) -> xr.Dataset:
    """Open a results file written by :func:`write_netcdf` (loaded into memory, file closed).

    Parameters
    ----------
    path : str or Path
        The results file.
    hourly : iterable of str, optional
        The variables with an ``hour`` dimension to load; the others are left out. Default:
        every variable. The hourly series are nearly all of a file (99 % of the default
        run's 70 MB in memory), so a reader of annual results loads in a fifth of the time.

    Returns
    -------
    xarray.Dataset
    """
    with xr.open_dataset(path, engine=ENGINE) as ds:
        if hourly is not None:
            keep = set(hourly)
            ds = ds.drop_vars([k for k, v in ds.data_vars.items() if "hour" in v.dims and k not in keep])
        return ds.load()


def check_output_folder(folder: str | Path, result_name: str, *, force: bool = False) -> Path:
    """Check, without writing anything, that results can be written to ``folder``.

    Raises
    ------
    SmartcityError
        The folder is a file, lies under a file, cannot be written, or already holds a
        result (without ``force``); or the result name is taken by a folder.
    """
    folder = Path(folder)
    target = folder / result_name
    if folder.exists() and not folder.is_dir():
        raise SmartcityError(f"{folder}: the output folder is a file; choose another folder with -o")
    if target.is_dir():
        raise SmartcityError(f"{target}: a folder has the result's name; choose another output folder with -o")
    if target.exists() and not force:
        raise OutputExistsError(
            f"{target}: a result already exists; pass --force to replace it or choose another folder with -o"
        )
    existing = folder
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise SmartcityError(f"{folder}: cannot create the output folder, {existing} is a file")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise SmartcityError(f"{folder}: no permission to write in {existing}")
    return target


# --------------------------------------------------------------------------------------
# A scenario's results: the model outputs as the declared variables
# --------------------------------------------------------------------------------------

#: Base temperature of Danish heating degree days [°C] (DMI "graddage", base 17 °C).
HEATING_DEGREE_DAY_BASE_C = 17.0


def heating_degree_days(temp_air, base_c: float = HEATING_DEGREE_DAY_BASE_C) -> float:
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


def _stack(results, attr: str) -> np.ndarray:
    return np.stack([getattr(r.energy, attr) for r in results])


def energy_results(resolved, weather, buildings, years: list[int], results, renovated_floor_area) -> xr.Dataset:
    """The energy, CO2, building and weather variables of one scenario (group ``energy``).

    Parameters
    ----------
    resolved : ResolvedScenario
        The scenario (its hash, seed, description and text go into the results).
    weather : Weather
        The weather year.
    buildings : pandas.DataFrame
        The buildings table as read and completed.
    years : list of int
        Simulated years. [a]
    results : list
        One result per year of the orchestrator (``energy``: the year's EnergyYear, ``co2_t``
        and ``final_mwh`` by sector and carrier, ``grid_intensity``, ``grid_import_kw``,
        ``grid_export_kw``, ``supply``: the year's SupplyYear).
    renovated_floor_area : (n_years,) array_like
        Residential floor area reached by renovation measures. [m2]
    """
    from smartcity import emissions
    from smartcity.energy.supply import HEATING_SYSTEMS

    dh = emissions.INVENTORY_CARRIERS.index("district_heat")
    b = buildings
    model = resolved.model
    values = {
        "co2": np.stack([r.co2_t for r in results]),
        "final_energy": np.stack([r.final_mwh for r in results]),
        "space_heating_need": _stack(results, "building_space_heating_kwh"),
        "space_cooling_need": _stack(results, "building_cooling_kwh"),
        "hot_water_need": _stack(results, "building_dhw_kwh"),
        "appliance_electricity": _stack(results, "building_electricity_kwh"),
        "peak_space_heating": _stack(results, "building_peak_heating_kw"),
        "heated_floor_area": _stack(results, "building_floor_area_m2"),
        "district_space_heating": _stack(results, "space_heating_by_system_kw"),
        "district_space_cooling": _stack(results, "cooling_kw"),
        "district_hot_water": _stack(results, "dhw_kw"),
        "electricity_demand": _stack(results, "electricity_demand_kw"),
        "pv_generation": _stack(results, "pv_generation_kw"),
        "grid_import": np.stack([r.grid_import_kw for r in results]),
        "grid_export": np.stack([r.grid_export_kw for r in results]),
        "grid_carbon_intensity": np.stack([r.grid_intensity for r in results]),
        "pv_capacity": np.array([r.energy.pv_capacity_kwp for r in results]),
        "district_heat_production": np.array([r.final_mwh[:, dh].sum() / (1.0 - r.supply.network_loss)
                                              for r in results]),
        "district_heating_emission_factor": np.array([r.supply.district_heat_factor for r in results]),
        "building_count": b["count"].to_numpy(dtype=np.int64),
        "building_use": b["use"].to_numpy(dtype=str),
        "building_sector": np.array([emissions.SECTOR_OF_USE[u] for u in b["use"]], dtype=str),
        "building_heating_system": b["heating_system"].to_numpy(dtype=str),
        "construction_year": b["construction_year"].to_numpy(dtype=np.int64),
        "outdoor_air_temperature": weather.temp_air,
        "global_horizontal_irradiance": weather.ghi,
        "heating_degree_days": heating_degree_days(weather.data["temp_air"]),
        "scenario_sha256": resolved.sha256(),
        "scenario_seed": np.int64(model.scenario.seed),
        "scenario_description": model.scenario.description,
        "resolved_scenario": resolved.to_toml(),
        "weather_name": weather.name,
        "renovated_residential_floor_area": np.asarray(renovated_floor_area, dtype=np.float64),
    }
    coords = {
        "year": np.asarray(years, dtype=np.int64),
        "building": b["building_id"].to_numpy(dtype=str),
        "heating_system": np.asarray(HEATING_SYSTEMS, dtype=str),
        "sector": np.asarray(emissions.SECTORS, dtype=str),
        "carrier": np.asarray(emissions.INVENTORY_CARRIERS, dtype=str),
        "hour": np.arange(len(weather.index), dtype=np.int64),
    }
    weather_source = {"source": weather.source}
    return dataset(values, coords, attrs={"outdoor_air_temperature": weather_source,
                                          "global_horizontal_irradiance": weather_source})


def supply_results(units, results) -> xr.Dataset:
    """The district-heating network's dispatch of each year, all measures in force (group ``supply``).

    Parameters
    ----------
    units : pandas.DataFrame
        The network's units table (:func:`smartcity.energy.heat_supply.read_heat_units`).
    results : list
        The orchestrator's result of each year; ``network`` is the year's NetworkYear with
        its hourly series.
    """
    from smartcity.energy.district_heating import producers as producing

    producers = producing(units)
    nets = [r.network for r in results]
    values = {
        "heat_unit_kind": producers["kind"].to_numpy(dtype=str),
        "heat_unit_production": np.stack([n.production_mwh for n in nets]),
        "heat_unit_fuel": np.stack([n.fuel_mwh for n in nets]),
        "heat_unit_electricity": np.stack([n.electricity_mwh for n in nets]),
        "heat_unit_power": np.stack([n.power_mwh for n in nets]),
        "heat_unit_co2": np.stack([n.co2_t for n in nets]),
        "heat_unit_cost": np.stack([n.cost_eur for n in nets]),
        "network_heat_delivered": np.array([n.delivered_mwh for n in nets]),
        "network_heat_loss": np.array([n.loss_mwh for n in nets]),
        "network_heat_unmet": np.array([n.unmet_mwh for n in nets]),
        "network_heat_dumped": np.array([n.dumped_mwh for n in nets]),
        "district_heat_renewable_share": np.array([n.renewable_share for n in nets]),
        "district_heat_surplus_share": np.array([n.surplus_share for n in nets]),
        "district_heating_hourly_factor": np.stack([n.factor_g_per_kwh for n in nets]),
        "heat_production": np.stack([n.hourly["production_mw"] for n in nets]),
        "heat_storage_level": np.stack([n.hourly["storage_level_mwh"] for n in nets]),
        "network_heat_demand": np.stack([n.hourly["demand_mw"] + n.hourly["loss_mw"] for n in nets]),
    }
    return dataset(values, {"heat_unit": producers["unit"].to_numpy(dtype=str)})


def transport_results(transport, years: list[int], results) -> xr.Dataset:
    """Travel, fleet and charging of each year, all measures in force (groups ``transport``, ``lines``).

    Parameters
    ----------
    transport : DistrictTransport
        The scenario's transport model (its zone system, section, calibration and zone data).
    years : list of int
        Simulated years. [a]
    results : list
        The orchestrator's result of each year; ``transport`` is the year's TransportEnergy.
    """
    from smartcity.schema.vocabulary import MODES, POWERTRAINS, VEHICLES

    travel = [r.transport for r in results]
    trips = [t.year for t in travel]
    links = transport.system.links
    lines = transport.system.lines
    days = transport.section.days_per_year.canonical
    counted = np.stack([t.trips for t in trips])
    values = {
        "trips": counted,
        "mode_share": counted / counted.sum(axis=1, keepdims=True),
        "passenger_km": np.stack([t.passenger_km for t in trips]) * days,
        "passenger_km_by_zone": np.stack([t.passenger_km_by_zone for t in trips]) * days,
        "vehicle_km": np.stack([t.vehicle_km for t in travel]),
        "car_fleet": np.stack([t.car_fleet for t in travel]),
        "bus_fleet": np.stack([t.bus_fleet for t in travel]),
        "ev_charging": np.stack([t.ev_charging_kw for t in travel]),
        "bus_charging": np.stack([t.bus_charging_kw for t in travel]),
        "transport_feedback_iterations": np.array([t.feedback_iterations for t in trips], dtype=np.int64),
        "transport_feedback_change": np.array([t.feedback_change for t in trips]),
        "link_peak_flow": np.stack([t.link_peak_flow for t in trips]),
        "link_from_node": links["from_node"].to_numpy(dtype=np.int64),
        "link_to_node": links["to_node"].to_numpy(dtype=np.int64),
        "mode_share_observed": transport.calibration["target_shares"],
        "mode_share_calibrated": transport.calibration["modelled_shares"],
        "residents": np.asarray([_residents(transport, year) for year in years], dtype=np.float64),
    }
    coords = {
        "mode": np.asarray(MODES, dtype=str),
        "zone": np.asarray(transport.zone_ids, dtype=str),
        "vehicle": np.asarray(VEHICLES, dtype=str),
        "powertrain": np.asarray(POWERTRAINS, dtype=str),
        "link": np.array([f"{a}-{b}" for a, b in zip(links["from_node"], links["to_node"])], dtype=str),
    }
    if lines is not None:
        values.update({
            "line_boardings": np.stack([t.line_boardings for t in trips]),
            "line_passenger_km": np.stack([t.line_passenger_km for t in trips]) * days,
            "line_vehicle_km": np.stack([t.line_vehicle_km for t in trips])
            * transport.section.service_days_per_year.canonical,
        })
        coords["line"] = lines["line"].to_numpy(dtype=str)
    return dataset(values, coords)


def _residents(transport, year: int) -> float:
    """Population of the internal zones in ``year`` (zone data as the transport model used it). [persons]"""
    frame = transport.zone_data(year)
    return float(frame.loc[frame["kind"] == "internal", "population"].sum())


def attribution_results(years: list[int], measures: Mapping, runs: Mapping[str, list], costs,
                        floor_area: np.ndarray) -> xr.Dataset:
    """Each measure's contribution, costs and reach (groups ``attribution`` and ``measures``).

    Parameters
    ----------
    years : list of int
        Simulated years. [a]
    measures : mapping of str to measure
        The scenario's measures in force, in order.
    runs : mapping of str to list
        The orchestrator's yearly results with every measure (``"all"``), none (``"none"``) and
        each measure alone (its id).
    costs : pandas.DataFrame
        :func:`smartcity.run.measure_costs` of the measures.
    floor_area : (n_years, n_measures) ndarray
        Residential floor area with each measure in service. [m2]
    """
    ids = list(measures)

    def total(results):
        return np.array([r.co2_t.sum() for r in results])

    def final(results):
        return np.array([r.final_mwh.sum() for r in results])

    def by_carrier(results):
        return np.stack([r.final_mwh.sum(axis=0) for r in results])

    def imported(results):
        return np.array([r.grid_import_kw.sum() / 1e3 for r in results])

    def exported(results):
        return np.array([r.grid_export_kw.sum() / 1e3 for r in results])

    without = total(runs["none"])
    reduction = np.stack([without - total(runs[m]) for m in ids], axis=1)
    costs = costs.assign(spent_eur=costs["investment_eur"] + costs["reinvestment_eur"])

    def by_measure(column):
        return costs.pivot(index="year", columns="measure", values=column).reindex(index=years, columns=ids) \
            .to_numpy(dtype=np.float64)

    values = {
        "co2_without_measures": without,
        "co2_reduction_by_measure": reduction,
        "co2_reduction_interaction": (without - total(runs["all"])) - reduction.sum(axis=1),
        "final_energy_saving_by_measure": np.stack([final(runs["none"]) - final(runs[m]) for m in ids], axis=1),
        "final_energy_saving_by_measure_carrier": np.stack(
            [by_carrier(runs["none"]) - by_carrier(runs[m]) for m in ids], axis=1),
        "grid_import_saving_by_measure": np.stack([imported(runs["none"]) - imported(runs[m]) for m in ids], axis=1),
        "grid_export_increase_by_measure": np.stack([exported(runs[m]) - exported(runs["none"]) for m in ids],
                                                    axis=1),
        "measure_residential_floor_area": floor_area,
        "measure_investment": by_measure("spent_eur"),
        "measure_annual_cost": by_measure("annual_cost_eur"),
        "measure_om_cost": by_measure("om_eur"),
        "measure_type": np.array([measures[m].type for m in ids], dtype=str),
    }
    return dataset(values, {"measure": np.array(ids, dtype=str)})


def no_attribution_results(years: list[int], results) -> xr.Dataset:
    """Attribution of a scenario without measures: nothing to attribute (group ``attribution``)."""
    return dataset({"co2_without_measures": np.array([r.co2_t.sum() for r in results]),
                    "co2_reduction_interaction": np.zeros(len(years))}, {})
