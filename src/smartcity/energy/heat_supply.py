"""A district-heating network's year, hour by hour: its demand, loss, units, dispatch and CO2.

The network a district is connected to (``[supply.district_heating.network]``, read by
:class:`HeatNetworkModel`) is simulated as one system:

* **demand**: the district's own hourly district-heat use (from the building model) plus
  the rest of the network, an annual total shaped by the weather year: space heating in
  proportion to heating degree-hours of the 24-hour mean outdoor temperature below the
  degree-day base, hot water flat;
* **loss**: ``UA · (mean water temperature − ground temperature)``
  (:mod:`smartcity.energy.heat_network`), the supply temperature following the outdoor
  temperature between a cold and a warm value; ``UA`` is calibrated once so that the
  network loses the scenario's ``network_loss`` share of the heat fed in for the rest of
  the network at the nominal temperatures;
* **units** (table ``heat_units``): each unit's hourly capacity (in service, availability,
  solar heat by irradiance) and short-run marginal cost of heat
  (:mod:`smartcity.energy.heat_costs`: fuel with tax and CO2 allowance, CHP credited with the
  hourly electricity price, heat pumps with their hourly COP
  (:mod:`smartcity.energy.large_heat_pump`) and electric boilers paying it); storages
  are pooled into one;
* **dispatch**: the merit-order kernel :func:`smartcity.energy.heat_dispatch.heat_dispatch`;
* **CO2**: :func:`smartcity.energy.heat_allocation.district_heat_co2`, the CHP fuel split by
  the chosen method, heat pumps and electric boilers at the grid's hourly intensity, CO2
  carried through the storage; the district's heat carries each hour's factor.

The measures of stage ``supply`` change the units in service and the network temperatures
through :class:`smartcity.energy.district_heating.SupplyYear` (its ``units`` shares and
``temperature_reduction_k``) before the year is dispatched.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from smartcity.energy import grid, heat_costs, heat_network
from smartcity.energy.district_heating import COMBUSTION, ELECTRIC, read_heat_units
from smartcity.energy.district_heating import producers as producing
from smartcity.energy.heat_allocation import district_heat_co2
from smartcity.energy.heat_dispatch import HeatStorage, heat_dispatch
from smartcity.energy.large_heat_pump import large_heat_pump_cop
from smartcity.errors import InputError

__all__ = ["read_heat_units", "HeatNetworkModel", "NetworkYear", "HOURLY", "demand_shape", "supply_temperature",
           "COMBUSTION", "ELECTRIC", "DESIGN_OUTDOOR_C", "WARM_OUTDOOR_C"]

#: Outdoor temperatures between which the supply temperature goes from its cold to its warm value. [°C]
DESIGN_OUTDOOR_C = -12.0
WARM_OUTDOOR_C = 15.0
#: Dispatches (without their hourly series) kept for reuse.
MAX_KEPT_DISPATCHES = 512
#: Irradiance at which a solar collector field delivers its rated heat. [W/m²]
SOLAR_RATED_W_M2 = 1000.0

#: The hourly series of a dispatch kept on request (:meth:`HeatNetworkModel.dispatch` with ``hourly=True``).
HOURLY = ("production_mw", "storage_charge_mw", "storage_discharge_mw", "storage_level_mwh", "demand_mw", "loss_mw",
          "unmet_mw", "dumped_mw")


@dataclass(frozen=True)
class NetworkYear:
    """The dispatch of a network in one year and the CO2 of its heat.

    Attributes
    ----------
    factor_g_per_kwh : (n_h,) ndarray
        CO2 per unit of heat delivered to the consumers each hour (network mean, after the
        storage; the network loss is carried by the heat delivered). [g/kWh]
    production_mwh, fuel_mwh, co2_t, electricity_mwh, power_mwh, cost_eur : (n_u,) ndarray
        Per producing unit (storages excluded) over the year: heat fed in, fuel burnt, CO2 on
        its heat, grid electricity used, power produced, short-run cost. [MWh], [MWh], [t],
        [MWh], [MWh], [EUR]
    delivered_mwh, loss_mwh, unmet_mwh, dumped_mwh : float
        Over the year: heat delivered to all the network's consumers, lost in the pipes, not
        made by any unit, made by must-run units and cooled away. [MWh]
    delivered_co2_t : float
        CO2 of the heat delivered over the year. [t]
    renewable_mwh, surplus_mwh : float
        Heat from renewable energy (biomass and the biogenic part of waste, solar heat, the
        ambient heat of heat pumps) and industrial surplus heat over the year. [MWh]
    hourly : dict of str to ndarray, optional
        With ``hourly=True``: ``production_mw`` (n_h, n_u) [MW], ``storage_level_mwh``
        [MWh], ``storage_charge_mw``, ``storage_discharge_mw``, ``demand_mw`` (delivered to
        consumers), ``loss_mw``, ``unmet_mw``, ``dumped_mw`` (n_h,) [MW]. Each hour
        ``Σ production + discharge − charge − dumped + unmet = demand + loss``.
    """

    factor_g_per_kwh: np.ndarray
    production_mwh: np.ndarray
    fuel_mwh: np.ndarray
    co2_t: np.ndarray
    electricity_mwh: np.ndarray
    power_mwh: np.ndarray
    cost_eur: np.ndarray
    delivered_mwh: float
    loss_mwh: float
    unmet_mwh: float
    dumped_mwh: float
    delivered_co2_t: float
    renewable_mwh: float
    surplus_mwh: float
    hourly: dict | None = None

    @property
    def annual_factor_g_per_kwh(self) -> float:
        """CO2 per unit of heat delivered over the year. [g/kWh]"""
        return self.delivered_co2_t / self.delivered_mwh * 1e3 if self.delivered_mwh > 0.0 else 0.0

    @property
    def loss_share(self) -> float:
        """Share of the heat fed in that the pipes lose. [1]"""
        fed = self.delivered_mwh + self.loss_mwh
        return self.loss_mwh / fed if fed > 0.0 else 0.0

    @property
    def renewable_share(self) -> float:
        """Share of the heat produced that is renewable. [1]"""
        produced = float(self.production_mwh.sum())
        return self.renewable_mwh / produced if produced > 0.0 else 0.0

    @property
    def surplus_share(self) -> float:
        """Share of the heat produced that is industrial surplus heat. [1]"""
        produced = float(self.production_mwh.sum())
        return self.surplus_mwh / produced if produced > 0.0 else 0.0


@dataclass(frozen=True)
class _YearSystem:
    """What a year's dispatch needs that does not depend on the district's demand."""

    rest_mw: np.ndarray
    loss_mw: np.ndarray
    capacity: np.ndarray
    cost: np.ndarray
    must_run: np.ndarray
    storage: HeatStorage
    fuel_per_heat: np.ndarray
    power_per_heat: np.ndarray
    fuel_factor: np.ndarray
    electricity_per_heat: np.ndarray
    renewable_per_heat: np.ndarray
    surplus: np.ndarray


class HeatNetworkModel:
    """A district-heating network over one weather year, ready to dispatch any simulated year.

    Parameters
    ----------
    network : HeatNetwork
        The scenario's ``[supply.district_heating.network]`` table.
    units : pandas.DataFrame
        The units table (:func:`read_heat_units`).
    weather : Weather
        The weather year of the simulation.
    network_loss : float
        Share of the heat fed in that the network loses at its nominal temperatures (the
        rest of the network's demand), in [0, 1). [1]
    price_shape : (n_h,) array_like, optional
        Hourly shape of the electricity price (only its variation is used); default the
        grid-intensity shape :func:`smartcity.energy.grid.default_grid_shape`.
    """

    def __init__(self, network, units: pd.DataFrame, weather, network_loss: float, price_shape=None) -> None:
        self.network = network
        self.units = units.reset_index(drop=True)
        self.names = tuple(self.units["unit"])
        index = weather.index
        self.n_h = len(index)
        temp = weather.data["temp_air"].to_numpy(dtype=np.float64)
        self.temp_air_c = temp
        self.ghi = weather.data["ghi"].to_numpy(dtype=np.float64)
        self.rest_shape = demand_shape(temp, network.degree_hour_base.canonical, network.hot_water_share.canonical)
        self.supply_c = supply_temperature(temp, network.supply_temperature_cold.canonical,
                                           network.supply_temperature_warm.canonical)
        self.return_c = network.return_temperature.canonical
        self.ground_c = heat_network.ground_temperature(
            heat_network.annual_cycle(temp), self.n_h, network.pipe_depth.canonical,
            network.soil_diffusivity.canonical)
        rest = network.rest_heat_delivered.canonical / 1e3  # [MWh]
        self.loss_coefficient = (heat_network.calibrate_loss_coefficient(
            rest, network_loss, self.supply_c, self.return_c, self.ground_c) if rest > 0.0 else 0.0)
        day = (np.arange(self.n_h) + 0.5) / 24.0 + 1.0  # day of the year at the middle of each hour [d]
        self.source_c = {"air": temp, "seawater": network.seawater.at(day), "wastewater": network.wastewater.at(day)}
        if price_shape is None:
            shape = grid.default_grid_shape(index)
        else:
            raw = price_shape.to_numpy(dtype=np.float64) if isinstance(price_shape, pd.Series) else price_shape
            shape = grid.align_hours(np.asarray(raw, dtype=np.float64), self.n_h)
        self.price_shape = shape / shape.mean()
        producers = producing(self.units)
        kind = producers["kind"].to_numpy(dtype=str)
        eta = producers["heat_efficiency"].to_numpy(dtype=np.float64)
        self._producers = producers
        self._combustion = np.isin(kind, COMBUSTION)
        self._heat_pump = kind == "heat_pump"
        self._electric_boiler = kind == "electric_boiler"
        self._fuel_per_heat = np.where(self._combustion, 1.0 / eta, 0.0)
        self._power_per_heat = np.where(np.isin(kind, ("chp", "waste_chp")),
                                        producers["power_to_heat"].to_numpy(dtype=np.float64), 0.0)
        fuels = [network.fuels[f] for f in producers["fuel"]]
        self._fuel_factor = np.where(self._combustion, [f.emission_factor.canonical / 1e3 for f in fuels], 0.0)
        self._must_run = producers["must_run"].to_numpy(dtype=bool)
        self._surplus = kind == "surplus_heat"
        # hourly capacity at full service: nominal × availability, solar heat by irradiance [MW]
        availability = producers["availability"].to_numpy(dtype=np.float64)
        availability = np.where(kind == "surplus_heat",
                                np.minimum(availability * network.surplus_heat_availability_factor.canonical, 1.0),
                                availability)
        self._capacity = np.broadcast_to(producers["heat_capacity_mw"].to_numpy(dtype=np.float64) * availability,
                                         (self.n_h, len(producers))).copy()
        solar = kind == "solar_thermal"
        self._capacity[:, solar] *= np.clip(self.ghi / SOLAR_RATED_W_M2, 0.0, 1.0)[:, None]
        self._renewable_fuel = np.where(self._combustion, [f.renewable_share.canonical for f in fuels], 0.0)
        self._renewable_fuel[solar] = 1.0
        self._by_temperature: dict[float, tuple] = {}
        self._fixed_costs: dict[int, np.ndarray] = {}
        self._variable_cost = producers["variable_cost_eur_per_mwh"].to_numpy(dtype=np.float64)
        self._rest_mw = network.rest_heat_delivered.canonical / 1e3 * self.rest_shape
        stores = self.units[self.units["kind"] == "storage"]
        self._stores = (tuple(stores["unit"]), stores["storage_mwh"].to_numpy(dtype=np.float64),
                        stores["heat_capacity_mw"].to_numpy(dtype=np.float64),
                        stores["storage_loss_per_day"].to_numpy(dtype=np.float64))
        self._dispatched: dict[tuple, NetworkYear] = {}

    def electricity_price(self, year: int) -> np.ndarray:
        """Hourly electricity price of ``year``: the year's mean times the shape. [EUR/MWh]"""
        return float(self.network.electricity_price.at([year])[0]) * self.price_shape

    def _temperature_dependent(self, lowered_k: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Network loss (n_h,) [MW], electricity per heat and renewable share of heat (n_h, n_u) [1]
        at the network temperatures lowered by ``lowered_k``."""
        found = self._by_temperature.get(lowered_k)
        if found is None:
            supply_c, return_c = self.supply_c - lowered_k, self.return_c - lowered_k
            loss = heat_network.network_heat_loss(supply_c, return_c, self.ground_c, self.loss_coefficient)
            electricity = np.zeros(self._capacity.shape)
            renewable = np.broadcast_to(self._renewable_fuel, self._capacity.shape).copy()
            eta = self._producers["heat_efficiency"].to_numpy(dtype=np.float64)
            electricity[:, self._electric_boiler] = 1.0 / eta[self._electric_boiler]
            for j in np.flatnonzero(self._heat_pump):
                unit = self._producers.iloc[j]
                efficiency = min(float(unit["lorenz_efficiency"]) * self.network.heat_pump_efficiency_factor.canonical,
                                 1.0)
                try:
                    cop = large_heat_pump_cop(supply_c, return_c, self.source_c[unit["heat_source"]],
                                              float(unit["source_cooling_k"]), efficiency)
                except ValueError as exc:
                    raise InputError(
                        f"heat pump '{unit['unit']}' cannot run at the network's temperatures"
                        + (f" lowered by {lowered_k:g} K" if lowered_k else "") + f" ({exc})",
                        file=self.network.units, column="lorenz_efficiency", value=efficiency,
                        allowed="a source colder than the network's return and a Lorenz efficiency (times "
                                "heat_pump_efficiency_factor) that gives a COP >= 1; a smaller temperature "
                                "reduction") from None
                electricity[:, j] = 1.0 / cop
                renewable[:, j] = 1.0 - 1.0 / cop  # the ambient heat
            found = self._by_temperature[lowered_k] = (loss, electricity, renewable)
        return found

    def _cost(self, year: int, electricity_per_heat: np.ndarray) -> np.ndarray:
        """Each unit's short-run marginal cost of heat each hour of ``year`` (n_h, n_u). [EUR/MWh]

        :mod:`smartcity.energy.heat_costs` in array form: a fuel unit's cost at a zero
        electricity price is its :func:`~smartcity.energy.heat_costs.boiler_heat_cost` (fuel
        price, tax and allowance over the heat efficiency, plus the variable cost; a CHP plant
        pays the fuel tax on heat / ``chp_tax_heat_efficiency`` only); a CHP plant is
        credited with the power per heat times the hour's price
        (:func:`~smartcity.energy.heat_costs.chp_heat_cost`); heat pumps and electric boilers
        pay the hour's price and tax times their electricity per heat
        (:func:`~smartcity.energy.heat_costs.electric_heat_cost`); the others their variable
        cost (the price of surplus heat).
        """
        fixed = self._fixed_costs.get(year)
        if fixed is None:
            net = self.network
            co2_price = float(net.co2_price.at([year])[0])
            fixed = self._fixed_costs[year] = self._variable_cost.copy()
            chp_tax_efficiency = net.chp_tax_heat_efficiency.canonical
            for j in np.flatnonzero(self._combustion):
                fuel = net.fuels[self._producers["fuel"].iat[j]]
                tax = float(fuel.tax.at([year])[0])
                chp = self._power_per_heat[j] > 0.0  # taxed on its heat only (the V-formula)
                per_fuel = heat_costs.fuel_cost_per_mwh_fuel(
                    float(fuel.price.at([year])[0]), fuel_tax_eur_per_mwh=0.0 if chp else tax,
                    co2_price_eur_per_t=co2_price if fuel.emissions_trading else 0.0,
                    emission_factor_t_per_mwh=float(self._fuel_factor[j]))
                # the variable cost (which may be negative) and a CHP plant's tax on its heat come on top
                fixed[j] += float(heat_costs.boiler_heat_cost(per_fuel, 1.0 / self._fuel_per_heat[j]))
                fixed[j] += tax / chp_tax_efficiency if chp else 0.0
        price = self.electricity_price(year)
        el_tax = float(self.network.electricity_tax.at([year])[0])
        return (fixed[None, :] - price[:, None] * self._power_per_heat[None, :]
                + (price + el_tax)[:, None] * electricity_per_heat)

    def _state(self, year: int, shares: Mapping[str, float], lowered_k: float) -> tuple:
        """What a year's system depends on: the year, each unit's share in service, the lowering. [a, 1, K]"""
        return int(year), tuple(float(shares.get(u, 0.0)) for u in self.names), float(lowered_k)

    def _system(self, state: tuple, shares: Mapping[str, float]) -> _YearSystem:
        year, _, lowered_k = state
        loss, electricity, renewable = self._temperature_dependent(lowered_k)
        share = np.array([float(shares.get(u, 0.0)) for u in self._producers["unit"]])
        return _YearSystem(
            self._rest_mw, loss, self._capacity * share[None, :], self._cost(year, electricity), self._must_run,
            self._storage(shares), self._fuel_per_heat, self._power_per_heat, self._fuel_factor, electricity,
            renewable, self._surplus)

    def _storage(self, shares: Mapping[str, float]) -> HeatStorage:
        """The storages in service pooled into one, half full at the start of the year."""
        names, volume_mwh, power_mw, loss_per_day = self._stores
        share = np.array([float(shares.get(u, 0.0)) for u in names])
        volume = float(np.sum(volume_mwh * share))
        if volume <= 0.0:
            return HeatStorage()
        power = float(np.sum(power_mw * share))
        return HeatStorage(volume, power, power, float(np.sum(loss_per_day * volume_mwh * share) / volume),
                           0.5 * volume)

    def dispatch(self, year: int, shares: Mapping[str, float], district_mw, grid_g_per_kwh, *,
                 lowered_k: float = 0.0, hourly: bool = False) -> NetworkYear:
        """Dispatch the network in ``year`` with the district's hourly district-heat use.

        Parameters
        ----------
        year : int
            Simulated year (prices, taxes). [a]
        shares : mapping of str to float
            Share of each unit's capacity in service
            (:func:`smartcity.energy.district_heating.units_in_service` after the year's measures). [1]
        district_mw : (n_h,) array_like
            The district's district heat delivered to its substations each hour. [MW]
        grid_g_per_kwh : (n_h,) array_like
            Hourly CO2 intensity of grid electricity. [g/kWh]
        lowered_k : float
            Reduction of the supply and return temperatures below the nominal ones. [K]
        hourly : bool
            Keep the hourly series (:data:`HOURLY`) in the result.

        Notes
        -----
        Results without the hourly series are kept by the year, the units in service, the
        temperatures and the contents of the two hourly inputs, so that variants of a run
        which differ in neither (a transport measure alone, say) dispatch once.
        """
        state = self._state(year, shares, lowered_k)
        district = np.ascontiguousarray(district_mw, dtype=np.float64)
        grid_g = np.ascontiguousarray(grid_g_per_kwh, dtype=np.float64)
        key = state + (hashlib.sha256(district.tobytes() + grid_g.tobytes()).digest(),)
        done = None if hourly else self._dispatched.get(key)
        if done is None:
            done = self._dispatch(self._system(state, shares), district, grid_g, hourly)
            self._dispatched[key] = replace(done, hourly=None) if hourly else done
            while len(self._dispatched) > MAX_KEPT_DISPATCHES:
                self._dispatched.pop(next(iter(self._dispatched)))
        return done

    def _dispatch(self, system: _YearSystem, district: np.ndarray, grid_g_per_kwh: np.ndarray,
                  hourly: bool) -> NetworkYear:
        fed = system.rest_mw + district + system.loss_mw
        d = heat_dispatch(fed, system.capacity, system.cost, system.must_run, system.storage,
                          window_hours=int(round(self.network.storage_window.canonical)))
        return self._evaluate(system, district, grid_g_per_kwh, d, hourly)

    def year_system(self, year: int, shares: Mapping[str, float], district_mw, *, lowered_k: float = 0.0) -> dict:
        """The year's system as the dispatch sees it, for another dispatcher (the optimum of
        :mod:`smartcity.energy.heat_dispatch_lp`) and :meth:`evaluate`.

        Returns
        -------
        dict
            ``demand`` (n_h,) heat to feed in, consumers and loss [MW]; ``capacity``,
            ``cost`` (n_h, n_u) [MW], [EUR/MWh]; ``must_run`` (n_u,); ``storage``
            (HeatStorage); ``district`` (n_h,) [MW]; ``system`` (for :meth:`evaluate`).
        """
        state = self._state(year, shares, lowered_k)
        system = self._system(state, shares)
        district = np.ascontiguousarray(district_mw, dtype=np.float64)
        return {"demand": system.rest_mw + district + system.loss_mw, "capacity": system.capacity,
                "cost": system.cost, "must_run": system.must_run, "storage": system.storage, "district": district,
                "system": system}

    def evaluate(self, year_system: dict, dispatch: Mapping[str, np.ndarray], grid_g_per_kwh, *,
                 hourly: bool = False) -> NetworkYear:
        """The CO2, fuel, cost and shares of any dispatch of a :meth:`year_system`. [various]"""
        return self._evaluate(year_system["system"], year_system["district"],
                              np.ascontiguousarray(grid_g_per_kwh, dtype=np.float64), dispatch, hourly)

    def _evaluate(self, system: _YearSystem, district: np.ndarray, grid_g_per_kwh: np.ndarray,
                  d: Mapping[str, np.ndarray], hourly: bool) -> NetworkYear:
        demand = system.rest_mw + district
        fed = demand + system.loss_mw
        co2 = district_heat_co2(d, fuel_per_heat=system.fuel_per_heat, power_per_heat=system.power_per_heat,
                                fuel_factor_t_per_mwh=system.fuel_factor,
                                electricity_per_heat=system.electricity_per_heat,
                                grid_t_per_mwh=grid_g_per_kwh / 1e3, method=self.network.allocation,
                                initial_mwh=system.storage.initial_mwh)
        production = d["production"]
        # all CO2 of the network is on the heat its consumers receive: the loss is carried by what is delivered
        consumers = np.maximum(fed - d["unmet"] - system.loss_mw, 0.0)
        delivered_co2 = co2["delivered_co2"]
        total = float(consumers.sum())
        mean = float(delivered_co2.sum() / total) if total > 0.0 else 0.0
        factor = np.divide(delivered_co2, consumers, out=np.full(self.n_h, mean), where=consumers > 1e-9 * fed)
        series = None
        if hourly:
            series = {"production_mw": production, "storage_charge_mw": d["charge"],
                      "storage_discharge_mw": d["discharge"], "storage_level_mwh": d["level"], "demand_mw": demand,
                      "loss_mw": system.loss_mw, "unmet_mw": d["unmet"], "dumped_mw": d["dumped"]}
        return NetworkYear(
            factor_g_per_kwh=factor * 1e3,
            production_mwh=production.sum(axis=0),
            fuel_mwh=(production * system.fuel_per_heat).sum(axis=0),
            co2_t=co2["unit_co2"].sum(axis=0),
            electricity_mwh=(production * system.electricity_per_heat).sum(axis=0),
            power_mwh=production.sum(axis=0) * system.power_per_heat,
            cost_eur=(production * system.cost).sum(axis=0),
            delivered_mwh=total,
            loss_mwh=float(system.loss_mw.sum()),
            unmet_mwh=float(d["unmet"].sum()),
            dumped_mwh=float(d["dumped"].sum()),
            delivered_co2_t=float(delivered_co2.sum()),
            renewable_mwh=float((production * system.renewable_per_heat).sum()),
            surplus_mwh=float(production[:, system.surplus].sum()),
            hourly=series,
        )


def demand_shape(temp_air_c, base_c: float, hot_water_share: float) -> np.ndarray:
    """Hourly shape of a network's heat use, summing to 1 over the year. [1]

    Space heating in proportion to the degree-hours of the trailing 24-hour mean outdoor
    temperature below ``base_c`` (buildings respond to the day's weather, not the hour's),
    hot water flat: ``shape = (1 − w) · dh / Σ dh + w / n_h``.

    Examples
    --------
    >>> s = demand_shape(np.r_[np.full(24, 0.0), np.full(24, 20.0)], 17.0, 0.25)
    >>> round(float(s.sum()), 12), bool(s[:24].min() > s[-1])
    (1.0, True)
    """
    temp = np.asarray(temp_air_c, dtype=np.float64)
    daily = pd.Series(temp).rolling(24, min_periods=1).mean().to_numpy()
    degree_hours = np.maximum(base_c - daily, 0.0)
    total = degree_hours.sum()
    space = degree_hours / total if total > 0.0 else np.full(temp.shape, 1.0 / temp.size)
    return (1.0 - hot_water_share) * space + hot_water_share / temp.size


def supply_temperature(temp_air_c, cold_c: float, warm_c: float) -> np.ndarray:
    """Supply temperature following the outdoor temperature: ``cold_c`` at −12 °C and below,
    ``warm_c`` at 15 °C and above, linear in between. [°C]

    >>> supply_temperature([-20.0, 1.5, 30.0], 80.0, 70.0).tolist()
    [80.0, 75.0, 70.0]
    """
    return np.interp(np.asarray(temp_air_c, dtype=np.float64), [DESIGN_OUTDOOR_C, WARM_OUTDOOR_C], [cold_c, warm_c])
