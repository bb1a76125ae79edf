"""The KPI functions: one per ``[[kpi]]`` id of ``data/kpis.toml``.

Each function takes the results of one scenario (:class:`ScenarioResults`) and returns an
:class:`xarray.DataArray` over ``year`` (a single figure) or over ``year`` and ``item`` (a
breakdown, e.g. by sector). :data:`REGISTRY` maps each KPI id to its function; the
definitions file and the registry must name the same ids (tested).

A function raises :class:`NotAvailable` when the results lack what it needs (no transport
model, no baseline scenario, results of an older version without a variable); the table
shows an empty cell then.

KPIs build on each other (the payback on the cost savings, these on the energy cost of the
scenario and of its baseline): each function's result is kept on its
:class:`ScenarioResults` (``memo``), so a table computes every KPI of a scenario once.

Conventions: energy in MWh/a from the results' ``final_energy`` (before local PV) or from
hourly kW series summed over the hours (kWh) / 1000; grid electricity "drawn" is
``grid_import`` (after PV, batteries and smart charging); money in EUR at constant prices.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
import xarray as xr

from smartcity.economics import DISCOUNT_RATE
from smartcity.errors import SmartcityError
from smartcity.kpi.definitions import KPIParameters

__all__ = ["ScenarioResults", "NotAvailable", "REGISTRY", "kpi", "scenario_results", "energy_cost_by_measure",
           "SUSTAINABLE_MODES"]

#: Modes counted as walking, cycling and public transport.
SUSTAINABLE_MODES = ("walk", "bike", "ebike", "bus", "brt")


class NotAvailable(Exception):
    """The results lack what a KPI needs; its cells stay empty."""


@dataclass(frozen=True)
class ScenarioResults:
    """One scenario's results and everything the KPI functions need.

    Attributes
    ----------
    name : str
        Scenario name.
    ds : xarray.Dataset
        The scenario's results (``scenario`` dimension selected away), all years.
    baseline : xarray.Dataset or None
        The baseline scenario's results from the same run, or None.
    base_year : int
        The scenario's base year (``scenario.base_year``). [a]
    year_step : int
        Calendar years one simulated year stands for. [a]
    years : numpy.ndarray
        The years simulated for this scenario (a subset of ``ds.year`` when results of
        scenarios with different years are merged). [a]
    prices : dict
        Carrier (and ``electricity_feed_in``) -> end-user price. [EUR/MWh]
    factors : dict
        Carrier -> primary energy factor. [1]
    parameters : KPIParameters
        Social-reach parameters.
    memo : dict
        KPI id -> its result (or the :class:`NotAvailable` raised) for this view; filled by
        the functions of :data:`REGISTRY`. The results must not be changed in place.
    """

    name: str
    ds: xr.Dataset
    baseline: xr.Dataset | None
    base_year: int
    year_step: int
    years: np.ndarray
    prices: dict
    factors: dict
    parameters: KPIParameters
    memo: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def var(self, name: str) -> xr.DataArray:
        """A result variable, or :class:`NotAvailable`."""
        if name not in self.ds:
            raise NotAvailable(name)
        return self.ds[name]

    def on_baseline(self) -> "ScenarioResults":
        """The same view of the baseline (which has no baseline of its own)."""
        if self.baseline is None:
            raise NotAvailable("baseline")
        if "on_baseline" not in self.memo:  # one view, so that its KPIs are computed once
            self.memo["on_baseline"] = replace(self, ds=self.baseline, baseline=None)
        return self.memo["on_baseline"]

    @property
    def has_transport(self) -> bool:
        return "mode_share" in self.ds and not bool(self.ds["mode_share"].isnull().all())

    def need_transport(self) -> None:
        if not self.has_transport:
            raise NotAvailable("transport model")


def _resolved_info(ds: xr.Dataset) -> tuple[int | None, int]:
    """Base year and year step from the resolved scenario text of one scenario."""
    if "resolved_scenario" not in ds:
        return None, 1
    try:
        doc = tomllib.loads(str(ds["resolved_scenario"].values))
    except tomllib.TOMLDecodeError:
        return None, 1
    info = doc.get("scenario", {})
    return info.get("base_year"), int(info.get("year_step", 1))


def scenario_results(ds: xr.Dataset, scenario: str, *, baseline: str | None = "baseline", prices: dict,
                     factors: dict, parameters: KPIParameters) -> ScenarioResults:
    """Select one scenario (and its baseline) of a results Dataset for the KPI functions.

    Raises
    ------
    SmartcityError
        ``scenario`` is not in the results.
    """
    names = [str(n) for n in ds["scenario"].values]
    if scenario not in names:
        raise SmartcityError(f"scenario '{scenario}' is not in the results; they hold {', '.join(names)}")
    one = ds.sel(scenario=scenario, drop=True)
    valid = ~one["co2"].isnull().all(("sector", "carrier"))
    years = one["year"].values[valid.values]
    base = None
    if baseline is not None and baseline in names:
        base = ds.sel(scenario=baseline, drop=True)
    base_year, step = _resolved_info(one)
    if base_year is None:
        base_year = int(years[0]) if len(years) else int(one["year"].values[0])
    return ScenarioResults(scenario, one, base, int(base_year), step, years, prices, factors, parameters)


#: KPI id -> function.
REGISTRY: dict[str, Callable[[ScenarioResults], xr.DataArray]] = {}


def kpi(func: Callable[[ScenarioResults], xr.DataArray]) -> Callable[[ScenarioResults], xr.DataArray]:
    """Register ``func`` under its name as a KPI id; its result is kept in ``ScenarioResults.memo``."""
    name = func.__name__

    @functools.wraps(func)
    def kept(r: ScenarioResults) -> xr.DataArray:
        if name not in r.memo:
            try:
                r.memo[name] = func(r)
            except NotAvailable as exc:
                r.memo[name] = exc
        result = r.memo[name]
        if isinstance(result, NotAvailable):
            raise result
        return result

    REGISTRY[name] = kept
    return kept


def _items(da: xr.DataArray, dim: str) -> xr.DataArray:
    return da.rename({dim: "item"}).assign_coords(item=[str(v) for v in da[dim].values])


def _share(part: xr.DataArray, whole: xr.DataArray) -> xr.DataArray:
    """100 x part / whole; NaN where the whole is 0."""
    return 100.0 * part / whole.where(whole != 0)


def _hourly_mwh(da: xr.DataArray) -> xr.DataArray:
    return da.sum("hour") / 1e3


def _weights(r: ScenarioResults) -> xr.DataArray:
    """Calendar years each year of ``ds.year`` stands for (0 where not simulated)."""
    years = r.ds["year"].values
    return xr.DataArray(np.where(np.isin(years, r.years), float(r.year_step), 0.0), coords={"year": years},
                        dims="year")


# --------------------------------------------------------------------------------------
# Energy
# --------------------------------------------------------------------------------------


@kpi
def final_energy_total(r: ScenarioResults) -> xr.DataArray:
    return r.var("final_energy").sum(("sector", "carrier"))


@kpi
def final_energy_by_sector(r: ScenarioResults) -> xr.DataArray:
    return _items(r.var("final_energy").sum("carrier"), "sector")


@kpi
def final_energy_by_carrier(r: ScenarioResults) -> xr.DataArray:
    return _items(r.var("final_energy").sum("sector"), "carrier")


@kpi
def specific_heat_demand(r: ScenarioResults) -> xr.DataArray:
    heat = (r.var("space_heating_need") + r.var("hot_water_need")).sum("building")  # kWh/a
    area = r.var("heated_floor_area").sum("building")
    return heat / area.where(area > 0)


@kpi
def energy_savings(r: ScenarioResults) -> xr.DataArray:
    return final_energy_total(r.on_baseline()) - final_energy_total(r)


@kpi
def energy_savings_share(r: ScenarioResults) -> xr.DataArray:
    return _share(energy_savings(r), final_energy_total(r.on_baseline()))


@kpi
def primary_energy(r: ScenarioResults) -> xr.DataArray:
    by_carrier = r.var("final_energy").sum("sector")
    total = _hourly_mwh(r.var("grid_import")) * _factor(r, "electricity")
    for carrier in by_carrier["carrier"].values:
        if str(carrier) != "electricity":
            total = total + by_carrier.sel(carrier=carrier, drop=True) * _factor(r, str(carrier))
    return total


def _factor(r: ScenarioResults, carrier: str) -> float:
    if carrier not in r.factors:
        raise SmartcityError(f"carrier '{carrier}' has no primary energy factor in data/primary_energy_factors.toml")
    return r.factors[carrier]


@kpi
def renewable_self_supply(r: ScenarioResults) -> xr.DataArray:
    electricity = r.var("final_energy").sel(carrier="electricity", drop=True).sum("sector")
    return _share(local_renewable_generation(r), electricity)


@kpi
def local_renewable_generation(r: ScenarioResults) -> xr.DataArray:
    return _hourly_mwh(r.var("pv_generation"))


@kpi
def peak_electric_load(r: ScenarioResults) -> xr.DataArray:
    return r.var("grid_import").max("hour")


@kpi
def peak_electric_load_reduction(r: ScenarioResults) -> xr.DataArray:
    return peak_electric_load(r.on_baseline()) - peak_electric_load(r)


@kpi
def peak_electric_load_reduction_share(r: ScenarioResults) -> xr.DataArray:
    return _share(peak_electric_load_reduction(r), peak_electric_load(r.on_baseline()))


@kpi
def peak_heat_load(r: ScenarioResults) -> xr.DataArray:
    return (r.var("district_space_heating").sum("heating_system") + r.var("district_hot_water")).max("hour")


@kpi
def peak_heat_load_reduction(r: ScenarioResults) -> xr.DataArray:
    return peak_heat_load(r.on_baseline()) - peak_heat_load(r)


@kpi
def peak_heat_load_reduction_share(r: ScenarioResults) -> xr.DataArray:
    return _share(peak_heat_load_reduction(r), peak_heat_load(r.on_baseline()))


# --------------------------------------------------------------------------------------
# Climate
# --------------------------------------------------------------------------------------


@kpi
def co2_total(r: ScenarioResults) -> xr.DataArray:
    return r.var("co2").sum(("sector", "carrier"))


@kpi
def co2_by_sector(r: ScenarioResults) -> xr.DataArray:
    return _items(r.var("co2").sum("carrier"), "sector")


@kpi
def co2_per_capita(r: ScenarioResults) -> xr.DataArray:
    people = residents(r)
    return co2_total(r) / people.where(people > 0)


@kpi
def co2_reduction_vs_baseline(r: ScenarioResults) -> xr.DataArray:
    return co2_total(r.on_baseline()) - co2_total(r)


@kpi
def co2_reduction_vs_baseline_share(r: ScenarioResults) -> xr.DataArray:
    return _share(co2_reduction_vs_baseline(r), co2_total(r.on_baseline()))


def _base_year_co2(r: ScenarioResults) -> float:
    if r.base_year not in r.years:
        raise NotAvailable("base year")
    return float(co2_total(r).sel(year=r.base_year))


@kpi
def co2_reduction_vs_base_year(r: ScenarioResults) -> xr.DataArray:
    return _base_year_co2(r) - co2_total(r)


@kpi
def co2_reduction_vs_base_year_share(r: ScenarioResults) -> xr.DataArray:
    base = _base_year_co2(r)
    return 100.0 * co2_reduction_vs_base_year(r) / base if base else co2_total(r) * np.nan


@kpi
def co2_cumulative_reduction(r: ScenarioResults) -> xr.DataArray:
    return (co2_reduction_vs_baseline(r).fillna(0.0) * _weights(r)).cumsum("year")


@kpi
def district_heating_co2_factor(r: ScenarioResults) -> xr.DataArray:
    return r.var("district_heating_emission_factor")


@kpi
def district_heating_renewable_share(r: ScenarioResults) -> xr.DataArray:
    return 100.0 * r.var("district_heat_renewable_share")


@kpi
def district_heating_surplus_share(r: ScenarioResults) -> xr.DataArray:
    return 100.0 * r.var("district_heat_surplus_share")


# --------------------------------------------------------------------------------------
# Mobility
# --------------------------------------------------------------------------------------


@kpi
def modal_split(r: ScenarioResults) -> xr.DataArray:
    r.need_transport()
    return _items(100.0 * r.var("mode_share"), "mode")


@kpi
def sustainable_mode_share(r: ScenarioResults) -> xr.DataArray:
    r.need_transport()
    share = r.var("mode_share")
    modes = [m for m in share["mode"].values if str(m) in SUSTAINABLE_MODES]
    return 100.0 * share.sel(mode=modes).sum("mode")


@kpi
def vehicle_km(r: ScenarioResults) -> xr.DataArray:
    r.need_transport()
    vkm = r.var("vehicle_km").stack(item=("vehicle", "powertrain"))
    labels = [f"{v}/{p}" for v, p in vkm["item"].values]
    return vkm.drop_vars(["item", "vehicle", "powertrain"]).assign_coords(item=labels)


@kpi
def clean_vehicle_share_vkm(r: ScenarioResults) -> xr.DataArray:
    r.need_transport()
    vkm = r.var("vehicle_km").sum("vehicle")
    return _share(vkm.sel(powertrain="electric", drop=True), vkm.sum("powertrain"))


@kpi
def clean_vehicle_share_fleet(r: ScenarioResults) -> xr.DataArray:
    r.need_transport()
    fleet = r.var("car_fleet")
    return _share(fleet.sel(powertrain="electric", drop=True), fleet.sum("powertrain"))


@kpi
def transport_final_energy(r: ScenarioResults) -> xr.DataArray:
    r.need_transport()
    return r.var("final_energy").sel(sector="transport", drop=True).sum("carrier")


@kpi
def transport_co2(r: ScenarioResults) -> xr.DataArray:
    r.need_transport()
    return r.var("co2").sel(sector="transport", drop=True).sum("carrier")


@kpi
def public_transport_ridership(r: ScenarioResults) -> xr.DataArray:
    r.need_transport()
    return r.var("line_boardings").sum("line")


# --------------------------------------------------------------------------------------
# Economics
# --------------------------------------------------------------------------------------


def _measure_sum(r: ScenarioResults, name: str) -> xr.DataArray:
    """A per-measure variable summed over the measures (0 for a scenario without measures)."""
    if "measure" not in r.ds.dims or name not in r.ds:
        if "co2_without_measures" in r.ds:  # results with measure bookkeeping but no measures
            return xr.zeros_like(r.ds["co2_without_measures"])
        raise NotAvailable(name)
    return r.ds[name].sum("measure", skipna=True)


@kpi
def investment(r: ScenarioResults) -> xr.DataArray:
    return (_measure_sum(r, "measure_investment") * (_weights(r) > 0)).cumsum("year")


@kpi
def measure_annual_cost(r: ScenarioResults) -> xr.DataArray:
    return _measure_sum(r, "measure_annual_cost")


def _price(r: ScenarioResults, carrier: str) -> float:
    if carrier not in r.prices:
        raise SmartcityError(f"carrier '{carrier}' has no price in data/energy_prices.toml")
    return r.prices[carrier]


@kpi
def energy_cost(r: ScenarioResults) -> xr.DataArray:
    by_carrier = r.var("final_energy").sum("sector")
    total = (_hourly_mwh(r.var("grid_import")) * _price(r, "electricity")
             - _hourly_mwh(r.var("grid_export")) * _price(r, "electricity_feed_in"))
    for carrier in by_carrier["carrier"].values:
        if str(carrier) != "electricity":
            total = total + by_carrier.sel(carrier=carrier, drop=True) * _price(r, str(carrier))
    return total


@kpi
def energy_cost_savings(r: ScenarioResults) -> xr.DataArray:
    return energy_cost(r.on_baseline()) - energy_cost(r)


@kpi
def simple_payback(r: ScenarioResults) -> xr.DataArray:
    invested = investment(r)
    net = energy_cost_savings(r) - _measure_sum(r, "measure_om_cost")
    years = xr.where(net > 0, invested / net.where(net > 0), np.inf)
    return years.where(invested > 0)


@kpi
def net_present_value(r: ScenarioResults) -> xr.DataArray:
    net = (energy_cost_savings(r) - measure_annual_cost(r)).fillna(0.0) * _weights(r)
    discount = (1.0 + DISCOUNT_RATE) ** -(r.ds["year"] - r.base_year)
    return (net * discount).cumsum("year")


@kpi
def abatement_cost(r: ScenarioResults) -> xr.DataArray:
    reduction = co2_reduction_vs_baseline(r)
    return (measure_annual_cost(r) - energy_cost_savings(r)) / reduction.where(reduction > 0)


def energy_cost_by_measure(one: xr.Dataset, prices: dict) -> xr.DataArray:
    """Annual energy-cost savings of each measure applied alone. (year, measure) [EUR/a]

    Final-energy savings by carrier (``final_energy_saving_by_measure_carrier``) at the
    carrier prices, except electricity: the grid import avoided
    (``grid_import_saving_by_measure``) at the electricity price plus the extra PV fed into
    the grid (``grid_export_increase_by_measure``) at the feed-in price.

    Raises
    ------
    NotAvailable
        Results of a version without these variables.
    """
    for name in ("final_energy_saving_by_measure_carrier", "grid_import_saving_by_measure",
                 "grid_export_increase_by_measure"):
        if name not in one:
            raise NotAvailable(name)
    saving = one["final_energy_saving_by_measure_carrier"]
    total = (one["grid_import_saving_by_measure"] * prices["electricity"]
             + one["grid_export_increase_by_measure"] * prices["electricity_feed_in"])
    for carrier in saving["carrier"].values:
        if str(carrier) != "electricity":
            if str(carrier) not in prices:
                raise SmartcityError(f"carrier '{carrier}' has no price in data/energy_prices.toml")
            total = total + saving.sel(carrier=carrier, drop=True) * prices[str(carrier)]
    return total


# --------------------------------------------------------------------------------------
# Social reach
# --------------------------------------------------------------------------------------


@kpi
def residents(r: ScenarioResults) -> xr.DataArray:
    people = r.var("residents")
    if bool(people.isnull().all()):
        raise NotAvailable("residents")
    return people


@kpi
def dwellings_renovated(r: ScenarioResults) -> xr.DataArray:
    return r.var("renovated_residential_floor_area") / r.parameters.mean_dwelling_floor_area.canonical


@kpi
def residents_reached(r: ScenarioResults) -> xr.DataArray:
    return dwellings_renovated(r) * r.parameters.persons_per_dwelling.canonical


@kpi
def residents_reached_share(r: ScenarioResults) -> xr.DataArray:
    residential = r.var("building_sector") == "residential"
    area = r.var("heated_floor_area").where(residential, 0.0).sum("building")
    return _share(r.var("renovated_residential_floor_area"), area)
