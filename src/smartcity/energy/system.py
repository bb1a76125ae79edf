"""The district's building energy system in one year: needs, supply and the electricity balance.

One call chains the building models for the stock standing in a year (measures already
applied, see :func:`smartcity.energy.stock.stock_in_year`):

1. space heating and cooling need, hourly, from the ISO 13790 5R1C model
   (:mod:`smartcity.energy.thermal`) with the hourly schedules of each use;
2. domestic hot water and appliance/lighting electricity from the use profiles
   (:mod:`smartcity.energy.profiles`);
3. final energy by carrier from the heating systems (:mod:`smartcity.energy.supply`:
   district heating, heat pumps with hourly COP, boilers, direct electric, cooling);
4. rooftop PV and batteries against the district's hourly electricity demand: what is
   consumed on site, imported and exported.

Everything is summed inside the models by Covenant of Mayors sector and heating system, so
memory is O(sectors × systems × hours), not buildings × hours. Emissions are computed
from the result by :func:`smartcity.emissions.inventory` (see :mod:`smartcity.run`).

Electricity from local PV and batteries is balanced at district level (one virtual meter):
the hourly import is shared between sectors in proportion to their hourly consumption.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from smartcity.emissions import SECTOR_OF_USE
from smartcity.energy import balance as balance_mod
from smartcity.energy import profiles, supply, thermal
from smartcity.energy import pv as pv_mod
from smartcity.weather import Weather

__all__ = ["BUILDING_SECTORS", "EnergyYear", "simulate_energy_year", "PVCache"]

#: Covenant of Mayors sectors of buildings, in inventory order.
BUILDING_SECTORS = ("municipal", "tertiary", "residential")

_KWH_PER_WH = 1e-3


@dataclass(frozen=True)
class EnergyYear:
    """Energy of the district's buildings in one year.

    Hourly arrays have one value per hour of the weather year [kW, i.e. kWh per hour];
    per-building arrays follow the rows of the original buildings table (all rows, zero
    where a building is not standing).
    """

    final_energy_kw: dict[str, dict[str, np.ndarray]]
    """``{sector: {carrier: (n_h,)}}``: final energy before local PV; electricity includes
    heat pumps, direct electric heating, cooling and appliances/lighting. [kW]"""
    electricity_import_kw: dict[str, np.ndarray]
    """``{sector: (n_h,)}``: grid electricity of each sector after PV and batteries. [kW]"""
    space_heating_by_system_kw: np.ndarray
    """(n_systems, n_h) space-heating need by heating system (:data:`supply.HEATING_SYSTEMS`). [kW]"""
    dhw_kw: np.ndarray
    """(n_h,) hot-water heat need. [kW]"""
    cooling_kw: np.ndarray
    """(n_h,) space-cooling need. [kW]"""
    electricity_demand_kw: np.ndarray
    """(n_h,) electricity consumption of all buildings. [kW]"""
    pv_generation_kw: np.ndarray
    """(n_h,) AC output of rooftop PV. [kW]"""
    grid_import_kw: np.ndarray
    """(n_h,) electricity drawn from the grid. [kW]"""
    grid_export_kw: np.ndarray
    """(n_h,) PV electricity fed into the grid. [kW]"""
    building_space_heating_kwh: np.ndarray
    """(n_rows,) annual space-heating need of each row (all its buildings). [kWh/a]"""
    building_cooling_kwh: np.ndarray
    """(n_rows,) annual space-cooling need of each row. [kWh/a]"""
    building_dhw_kwh: np.ndarray
    """(n_rows,) annual hot-water heat need of each row. [kWh/a]"""
    building_electricity_kwh: np.ndarray
    """(n_rows,) annual appliance and lighting electricity of each row. [kWh/a]"""
    building_peak_heating_kw: np.ndarray
    """(n_rows,) largest hourly space-heating power of one building of the row. [kW]"""
    building_floor_area_m2: np.ndarray
    """(n_rows,) heated floor area of each row's standing buildings. [m2]"""
    pv_capacity_kwp: float
    """Installed rooftop PV. [kWp]"""
    battery_kwh: float = 0.0
    """Usable battery capacity of the buildings. [kWh]"""


class PVCache:
    """AC output of 1 kWp of PV per (tilt, azimuth), computed once per weather year."""

    def __init__(self, weather: Weather, params, albedo: float) -> None:
        self.weather = weather
        self.params = params
        self.albedo = albedo
        self._per_kwp: dict[tuple[float, float], np.ndarray] = {}

    def per_kwp(self, tilt: float, azimuth: float) -> np.ndarray:
        """Hourly AC output of 1 kWp at this orientation. [kW/kWp]"""
        key = (round(float(tilt), 6), round(float(azimuth), 6))
        if key not in self._per_kwp:
            pv = self.params.pv
            self._per_kwp[key] = pv_mod.pv_generation(
                self.weather, 1.0, key[0], key[1], system_losses=pv.system_losses.canonical,
                albedo=self.albedo, temperature_coefficient=pv.temperature_coefficient.canonical,
                inverter_efficiency=pv.inverter_efficiency.canonical, dc_ac_ratio=pv.dc_ac_ratio.canonical,
                mounting=pv.mounting,
            )
        return self._per_kwp[key]


def _by_source(stock: pd.DataFrame, values: np.ndarray, n_rows: int) -> np.ndarray:
    """Sum per-part values back onto the rows of the original table."""
    return np.bincount(stock["_row"].to_numpy(), weights=values, minlength=n_rows)


def simulate_energy_year(
    stock: pd.DataFrame,
    n_rows: int,
    weather: Weather,
    irradiance: thermal.FacadeWeather,
    params,
    pv_cache: PVCache,
    *,
    warmup_hours: int = 168,
) -> EnergyYear:
    """Simulate the building energy system of one year.

    Parameters
    ----------
    stock : pandas.DataFrame
        Buildings standing in the year with measures applied and use defaults filled, plus
        a column ``_row``: the row of the original table each part comes from (0..n_rows-1).
        ``count`` may be fractional (a weight).
    n_rows : int
        Rows of the original table.
    weather : Weather
        The weather year.
    irradiance : smartcity.energy.thermal.FacadeWeather
        The sun on the windows (through each glazing), walls and roof, and the sky
        (:func:`smartcity.energy.thermal.facade_weather`).
    params : SupplySection
        The scenario's ``[supply]`` table (:class:`smartcity.scenario.sections.supply.SupplySection`).
    pv_cache : PVCache
        PV output per kWp by orientation for this weather.
    warmup_hours : int
        Thermal model warm-up. [h]

    Returns
    -------
    EnergyYear
    """
    if len(stock):
        stock = profiles.fill_use_defaults(stock)  # filled once; the models below find nothing left to fill
    index = weather.index
    n_h = len(index)
    theta_e = weather.temp_air
    systems = supply.HEATING_SYSTEMS
    n_sys = len(systems)
    n_groups = len(BUILDING_SECTORS) * n_sys
    sector_idx = np.array([BUILDING_SECTORS.index(SECTOR_OF_USE[u]) for u in stock["use"]], dtype=np.int64)
    system_idx = np.array([systems.index(s) for s in stock["heating_system"]], dtype=np.int64)
    group = sector_idx * n_sys + system_idx
    count = stock["count"].to_numpy(dtype=np.float64)
    heat_factor = stock["heat_demand_factor"].to_numpy(dtype=np.float64)
    el_factor = stock["electricity_demand_factor"].to_numpy(dtype=np.float64)
    day_of_year = index.day_of_year.to_numpy()

    # 1. space heating and cooling; feedback savings (heat_demand_factor) scale the annual and hourly
    #    heating and cooling need of the treated parts (behaviour), not the peak power of one building
    if len(stock):
        weighted = stock.assign(count=count * heat_factor)
        res = thermal.simulate_stock(weighted, theta_e, irradiance, group_index=group, n_groups=n_groups,
                                     warmup_hours=warmup_hours, index=index)
        heat_groups = res.heating_by_group_w / 1e3
        cool_groups = res.cooling_by_group_w / 1e3
        row_heat = res.heating_wh * _KWH_PER_WH * count * heat_factor
        row_cool = res.cooling_wh * _KWH_PER_WH * count * heat_factor
        row_peak = res.peak_heating_w / 1e3
    else:
        heat_groups = cool_groups = np.zeros((n_groups, n_h))
        row_heat = row_cool = row_peak = np.zeros(0)

    # 2. hot water and appliance/lighting electricity, by the hourly shape of each use
    dhw_per_building = profiles.annual_dhw_kwh(stock) if len(stock) else np.zeros(0)
    el_per_building = profiles.annual_electricity_kwh(stock) if len(stock) else np.zeros(0)
    dhw_groups = profiles.district_hourly(stock, count, dhw_per_building, profiles.dhw_shape, index,
                                          group, n_groups) if len(stock) else np.zeros((n_groups, n_h))
    el_groups = profiles.district_hourly(stock, count * el_factor, el_per_building, profiles.electricity_shape,
                                         index, group, n_groups) if len(stock) else np.zeros((n_groups, n_h))

    # 3. final energy by sector and carrier
    final: dict[str, dict[str, np.ndarray]] = {}
    efficiency = supply.delivery_efficiency(theta_e, params, day_of_year=day_of_year)
    for s, sector in enumerate(BUILDING_SECTORS):
        rows = slice(s * n_sys, (s + 1) * n_sys)
        carriers = supply.final_energy(heat_groups[rows], dhw_groups[rows], cool_groups[rows].sum(axis=0),
                                       theta_e, params, day_of_year=day_of_year, efficiency=efficiency)
        carriers["electricity"] = carriers["electricity"] + el_groups[rows].sum(axis=0)
        final[sector] = carriers

    # 4. PV and batteries against the district's electricity demand
    demand = sum(final[s]["electricity"] for s in BUILDING_SECTORS)
    pv = np.zeros(n_h)
    kwp = count * stock["pv_kwp"].to_numpy(dtype=np.float64) if len(stock) else np.zeros(0)
    if kwp.sum() > 0:
        tilt = stock["pv_tilt_deg"].to_numpy(dtype=np.float64)
        azimuth = stock["pv_azimuth_deg"].to_numpy(dtype=np.float64)
        on = (kwp > 0) & ~np.isnan(tilt) & ~np.isnan(azimuth)  # an orientation left empty has no output
        orientations, array_of = np.unique(np.column_stack([tilt[on], azimuth[on]]), axis=0, return_inverse=True)
        array_of = array_of.reshape(-1)
        for k, (t, a) in enumerate(orientations):  # by tilt, then azimuth
            pv = pv + np.sum(kwp[on][array_of == k]) * pv_cache.per_kwp(t, a)
    battery = float(np.sum(count * stock["battery_kwh"].to_numpy(dtype=np.float64))) if len(stock) else 0.0
    balance = balance_mod.electricity_balance(demand, pv, battery_kwh=battery)
    share = np.divide(balance["import"], demand, out=np.zeros(n_h), where=demand > 0)
    imports = {s: final[s]["electricity"] * share for s in BUILDING_SECTORS}

    rows_of = stock["_row"].to_numpy() if len(stock) else np.zeros(0, dtype=np.int64)
    peak = np.zeros(n_rows)
    if len(stock):
        np.maximum.at(peak, rows_of, row_peak)
    area = stock["heated_floor_area_m2"].to_numpy(dtype=np.float64) * count if len(stock) else np.zeros(0)
    return EnergyYear(
        final_energy_kw=final,
        electricity_import_kw=imports,
        space_heating_by_system_kw=heat_groups.reshape(len(BUILDING_SECTORS), n_sys, n_h).sum(axis=0),
        dhw_kw=dhw_groups.sum(axis=0),
        cooling_kw=cool_groups.sum(axis=0),
        electricity_demand_kw=demand,
        pv_generation_kw=pv,
        grid_import_kw=balance["import"],
        grid_export_kw=balance["export"],
        building_space_heating_kwh=_by_source(stock, row_heat, n_rows) if len(stock) else np.zeros(n_rows),
        building_cooling_kwh=_by_source(stock, row_cool, n_rows) if len(stock) else np.zeros(n_rows),
        building_dhw_kwh=_by_source(stock, count * dhw_per_building, n_rows) if len(stock) else np.zeros(n_rows),
        building_electricity_kwh=(_by_source(stock, count * el_factor * el_per_building, n_rows)
                                  if len(stock) else np.zeros(n_rows)),
        building_peak_heating_kw=peak,
        building_floor_area_m2=_by_source(stock, area, n_rows) if len(stock) else np.zeros(n_rows),
        pv_capacity_kwp=float(kwp.sum()),
        battery_kwh=battery,
    )
