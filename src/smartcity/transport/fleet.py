"""Vehicle fleets: car stock turnover, energy per vehicle-km and charging load.

Plain functions on arrays, with the figures of ``smartcity/data/vehicles.toml``
(:func:`load_vehicle_data`), every one sourced or flagged as an assumption:

1. **Car fleet** (:func:`car_fleet`): a vintage (cohort) stock-turnover model. The stock of
   the first year is split by powertrain with given shares and spread over ages with the
   steady-state age distribution of a Weibull survival function; each following year every
   cohort survives with the conditional survival probability of its age, and new sales fill
   the gap to the target stock, split into battery-electric, diesel and gasoline cars by the
   year's sales shares (Danish figures by default, :func:`sales_shares`).
2. **Energy** (:func:`car_energy`, :func:`bus_energy`): final energy by carrier (at the
   tank or at the charger) for given vehicle-km, from fuel use in litres per 100 km times
   the fuel's lower heating value, or electricity use in kWh per 100 km at the charger.
3. **Charging load** (:func:`charging_profile`, :func:`ev_charging_load`,
   :func:`bus_charging_load`): hourly power of uncontrolled charging, from the shares of
   the charging energy at home, at work and in public (cars) or at the depot and by
   opportunity charging (buses) and a weekday and a weekend shape for each location.
4. **Smart charging** (:func:`smart_charging`): the flexible part of the load of each
   window (a day by default) moved to the hours with the lowest signal, e.g. grid carbon
   intensity.

Car powertrains are :data:`CAR_POWERTRAINS`; plug-in hybrids count as gasoline cars (the
data file says why). Buses are :data:`BUS_VEHICLES` × :data:`BUS_POWERTRAINS`.

Functions
---------
load_vehicle_data
    Read and check a vehicles file (the shipped one is cached).
sales_shares
    Battery-electric share of new car sales and diesel share of the others, per year.
survival
    Probability that a car reaches a given age.
car_fleet
    Stock, sales and retirements by powertrain and year.
car_energy, bus_energy
    Final energy by carrier and vehicle-km by powertrain.
charging_profile
    Hourly weights of a charging location, summing to 1 over each calendar year.
ev_charging_load, bus_charging_load
    Hourly charging power for an annual charging energy.
smart_charging
    Re-dispatch of the flexible part of a load to the hours with the lowest signal.

References
----------
.. [1] Andersen, F. M., Larsen, H. V. and Skovgaard, M. (2007). A European model for the
   number of end-of-life vehicles. International Journal of Automotive Technology and
   Management 7(4), 343-355: vintages of cars with Weibull lifetimes (DTU).
.. [2] Held, M., Rosat, N., Georges, G., Pengg, H. and Boulouchos, K. (2021). Lifespans of
   passenger cars in Europe: empirical modelling of fleet turnover dynamics. European
   Transport Research Review 13, doi:10.1186/s12544-020-00464-0.
.. [3] IPCC (2006). 2006 IPCC Guidelines for National Greenhouse Gas Inventories,
   Volume 2 (Energy), Table 1.2 (net calorific values) and Table 2.2 (CO2 factors).
.. [4] Sørensen, Å. L., Lindberg, K. B., Sartori, I. and Andresen, I. (2021). Analysis of
   residential EV energy flexibility potential based on real-world charging reports and
   smart meter data. Energy and Buildings (2021), Elsevier, open access.
.. [5] Hecht, C., Figgener, J., Li, X., Zhang, L. and Sauer, D. U. (2023). Standard load
   profiles for electric vehicle charging stations in Germany based on representative,
   empirical data. Energies 16(6), 2619, doi:10.3390/en16062619.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

import numpy as np
import pandas as pd
from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from smartcity.checks import number_array
from smartcity.energy.profiles import weekend_mask
from smartcity.errors import InputError
from smartcity.schema.files import read_data_file
from smartcity.schema.quantities import Sourced, StrictModel

__all__ = [
    "ChargingEffects",
    "BUS_LOCATIONS",
    "BUS_POWERTRAINS",
    "BUS_VEHICLES",
    "CAR_CARRIERS",
    "CAR_POWERTRAINS",
    "EV_LOCATIONS",
    "LOCATIONS",
    "MAX_AGE",
    "CarFleet",
    "Consumption",
    "DayShape",
    "VehicleData",
    "bus_charging_load",
    "bus_energy",
    "car_energy",
    "car_fleet",
    "charging_profile",
    "ev_charging_load",
    "load_vehicle_data",
    "sales_shares",
    "smart_charging",
    "survival",
]

#: Car powertrains, in the order of the last axis of the fleet arrays. Plug-in hybrids and
#: hybrids are counted as gasoline cars.
CAR_POWERTRAINS: tuple[str, ...] = ("gasoline", "diesel", "bev")
#: Energy carrier of each car powertrain (the carriers of :mod:`smartcity.emissions`).
CAR_CARRIERS: dict[str, str] = {"gasoline": "gasoline", "diesel": "diesel", "bev": "electricity"}
#: Bus types: 12 m solo, 18 m articulated, 24 m double-articulated (as +BUS Aalborg).
BUS_VEHICLES: tuple[str, ...] = ("bus_12m", "bus_18m", "bus_24m")
#: Bus powertrains.
BUS_POWERTRAINS: tuple[str, ...] = ("diesel", "electric")
#: Where cars charge.
EV_LOCATIONS: tuple[str, ...] = ("home", "work", "public")
#: How buses charge: overnight at the depot, or during service at end stops.
BUS_LOCATIONS: tuple[str, ...] = ("depot", "opportunity")
#: Every charging location with a profile.
LOCATIONS: tuple[str, ...] = EV_LOCATIONS + BUS_LOCATIONS
#: Oldest age class of the cohort model; cars older than this are all retired. With the
#: shipped survival function about 1e-11 of a cohort reach it. [a]
MAX_AGE = 50

_VEHICLES_FILE = "data/vehicles.toml"
_HOURS_PER_DAY = 24
_SUM_TOL = 1e-6

_NonNegative = Annotated[float, Field(ge=0.0, allow_inf_nan=False)]


# --------------------------------------------------------------------------------------
# The vehicles file
# --------------------------------------------------------------------------------------




def _shares_add_up(entry: StrictModel, names: tuple[str, ...]) -> None:
    total = sum(getattr(entry, name) for name in names)
    if abs(total - 1.0) > _SUM_TOL:
        raise PydanticCustomError("shares_sum", "the shares do not add up to 1",
                                  {"value": total, "allowed": f"{' + '.join(names)} = 1 (within {_SUM_TOL:g})"})


class Fuel(Sourced):
    """Lower heating value of a liquid fuel."""

    kwh_per_litre: float = Field(gt=0.0, allow_inf_nan=False, description="Net calorific value. [kWh/l]")
    unit: Literal["kWh/l"] = Field(description="Unit: 'kWh/l'.")


class Consumption(Sourced):
    """Energy use of a vehicle per distance: litres of fuel or kWh of electricity per 100 km."""

    carrier: Literal["gasoline", "diesel", "electricity"] = Field(description="Energy carrier.")
    litres_per_100km: float | None = Field(default=None, gt=0.0, allow_inf_nan=False,
                                           description="Fuel use, for a fuel carrier. [l/100 km]")
    kwh_per_100km: float | None = Field(default=None, gt=0.0, allow_inf_nan=False,
                                        description="Electricity at the charger, for electricity. [kWh/100 km]")

    @model_validator(mode="after")
    def _one_unit(self):
        fuel = self.carrier != "electricity"
        given = "litres_per_100km" if fuel else "kwh_per_100km"
        other = "kwh_per_100km" if fuel else "litres_per_100km"
        if getattr(self, given) is None or getattr(self, other) is not None:
            raise PydanticCustomError("consumption_unit", "the consumption does not match the carrier",
                                      {"value": self.carrier, "allowed": f"{given} = <number > 0> (and no {other})"})
        return self

    def kwh_per_km(self, fuels: Fuels) -> float:
        """Final energy per vehicle-km at the tank or the charger. [kWh/km]"""
        if self.carrier == "electricity":
            return self.kwh_per_100km / 100.0
        return self.litres_per_100km / 100.0 * getattr(fuels, self.carrier).kwh_per_litre


class Fuels(StrictModel):
    """Heating values of the liquid fuels."""

    gasoline: Fuel = Field(description="Motor gasoline. [kWh/l]")
    diesel: Fuel = Field(description="Diesel (gas/diesel oil). [kWh/l]")


class SharePoint(Sourced):
    """A share in one year, a point of a trajectory."""

    year: int = Field(ge=1900, le=2200, description="Calendar year. [a]")
    value: float = Field(ge=0.0, le=1.0, allow_inf_nan=False, description="Share. [-]")


class _Lifetime(Sourced):
    value: float = Field(gt=0.0, le=100.0, allow_inf_nan=False, description="Mean lifetime of a new car. [a]")
    unit: Literal["a"] = Field(description="Unit: 'a' (years).")


class _Shape(Sourced):
    value: float = Field(gt=0.0, le=20.0, allow_inf_nan=False, description="Weibull shape parameter. [-]")
    unit: Literal["1"] = Field(description="Unit: '1' (dimensionless).")


class Survival(StrictModel):
    """Weibull survival function of cars: ``S(a) = exp(-(a / scale)^shape)``."""

    distribution: Literal["weibull"] = Field(description="Form of the survival function.")
    mean_lifetime: _Lifetime = Field(description="Mean lifetime of a new car. [a]")
    shape: _Shape = Field(description="Weibull shape parameter. [-]")

    @property
    def scale(self) -> float:
        """Weibull scale parameter, ``mean / Gamma(1 + 1/shape)``. [a]"""
        return self.mean_lifetime.value / math.gamma(1.0 + 1.0 / self.shape.value)

    def log_probability(self, ages) -> np.ndarray:
        """``log S(a)`` at ``ages`` (array_like, >= 0). [-]"""
        return -((np.asarray(ages, dtype=np.float64) / self.scale) ** self.shape.value)


class FleetStart(Sourced):
    """Shares of the car stock by powertrain at the end of one year."""

    year: int = Field(ge=1900, le=2200, description="Year whose end-of-year stock the shares describe. [a]")
    gasoline: float = Field(ge=0.0, le=1.0, allow_inf_nan=False, description="Gasoline (and hybrid) cars. [-]")
    diesel: float = Field(ge=0.0, le=1.0, allow_inf_nan=False, description="Diesel cars. [-]")
    bev: float = Field(ge=0.0, le=1.0, allow_inf_nan=False, description="Battery-electric cars. [-]")

    @model_validator(mode="after")
    def _adds_up(self):
        _shares_add_up(self, CAR_POWERTRAINS)
        return self


class CarData(StrictModel):
    """Cars: consumption by powertrain, survival, the first stock and the sales trajectories."""

    bev_sales_share: list[SharePoint] = Field(min_length=1, description="BEV share of new car sales. [-]")
    diesel_share_of_ice_sales: list[SharePoint] = Field(
        min_length=1, description="Diesel share of the new cars that are not battery-electric. [-]")
    gasoline: Consumption = Field(description="Gasoline car (plug-in hybrids included). [l/100 km]")
    diesel: Consumption = Field(description="Diesel car. [l/100 km]")
    bev: Consumption = Field(description="Battery-electric car, at the charger. [kWh/100 km]")
    survival: Survival = Field(description="Survival function of cars.")
    fleet_start: FleetStart = Field(description="Stock shares at the end of the first year of the shipped data.")

    @model_validator(mode="after")
    def _consistent(self):
        for name in ("bev_sales_share", "diesel_share_of_ice_sales"):
            years = [p.year for p in getattr(self, name)]
            if any(b <= a for a, b in itertools.pairwise(years)):
                raise PydanticCustomError("trajectory_order", "years are not strictly increasing",
                                          {"value": years, "allowed": "strictly increasing years", "key": name})
        for name in CAR_POWERTRAINS:
            carrier = getattr(self, name).carrier
            if carrier != CAR_CARRIERS[name]:
                raise PydanticCustomError("wrong_carrier", "wrong carrier for the powertrain",
                                          {"value": carrier, "allowed": repr(CAR_CARRIERS[name]),
                                           "key": f"{name}.carrier"})
        return self


class BusPowertrains(StrictModel):
    """Consumption of one bus type by powertrain."""

    diesel: Consumption = Field(description="Diesel bus. [l/100 km]")
    electric: Consumption = Field(description="Battery-electric bus, at the charger. [kWh/100 km]")

    @model_validator(mode="after")
    def _carriers(self):
        for name, carrier in (("diesel", "diesel"), ("electric", "electricity")):
            if getattr(self, name).carrier != carrier:
                raise PydanticCustomError("wrong_carrier", "wrong carrier for the powertrain",
                                          {"value": getattr(self, name).carrier, "allowed": repr(carrier),
                                           "key": f"{name}.carrier"})
        return self


class Buses(StrictModel):
    """Consumption of every bus type of :data:`BUS_VEHICLES`."""

    bus_12m: BusPowertrains = Field(description="12 m solo city bus.")
    bus_18m: BusPowertrains = Field(description="18 m articulated bus.")
    bus_24m: BusPowertrains = Field(description="24 m double-articulated bus.")


class EvShares(Sourced):
    """Shares of the cars' charging energy by location."""

    home: float = Field(ge=0.0, le=1.0, allow_inf_nan=False, description="At home. [-]")
    work: float = Field(ge=0.0, le=1.0, allow_inf_nan=False, description="At the workplace. [-]")
    public: float = Field(ge=0.0, le=1.0, allow_inf_nan=False, description="At public chargers. [-]")

    @model_validator(mode="after")
    def _adds_up(self):
        _shares_add_up(self, EV_LOCATIONS)
        return self


class BusShares(Sourced):
    """Shares of the buses' charging energy: overnight at the depot or during service."""

    depot: float = Field(ge=0.0, le=1.0, allow_inf_nan=False, description="At the depot. [-]")
    opportunity: float = Field(ge=0.0, le=1.0, allow_inf_nan=False, description="At end stops in service. [-]")

    @model_validator(mode="after")
    def _adds_up(self):
        _shares_add_up(self, BUS_LOCATIONS)
        return self


class DayShape(Sourced):
    """Hourly shape of the charging of one location on weekdays and weekend days."""

    weekday: list[_NonNegative] = Field(min_length=24, max_length=24,
                                        description="Relative power by hour of a weekday, 0 = 00:00-01:00. [-]")
    weekend: list[_NonNegative] = Field(min_length=24, max_length=24,
                                        description="Relative power by hour of a weekend day or holiday. [-]")
    weekend_day_energy: float = Field(ge=0.0, le=10.0, allow_inf_nan=False,
                                      description="Energy of a weekend day relative to a weekday. [-]")

    @model_validator(mode="after")
    def _some_charging(self):
        if not sum(self.weekday) > 0.0:
            raise PydanticCustomError("empty_shape", "the shape is all zero",
                                      {"allowed": "at least one hour > 0", "key": "weekday"})
        if self.weekend_day_energy > 0.0 and not sum(self.weekend) > 0.0:
            raise PydanticCustomError("empty_shape", "the shape is all zero but weekend_day_energy > 0",
                                      {"allowed": "at least one hour > 0, or weekend_day_energy = 0", "key": "weekend"})
        return self

    def days(self) -> tuple[np.ndarray, np.ndarray]:
        """(weekday, weekend) energy per hour of a day, a weekday summing to 1. [-]"""
        weekday = np.asarray(self.weekday, dtype=np.float64)
        weekend = np.asarray(self.weekend, dtype=np.float64)
        weekend = weekend / weekend.sum() * self.weekend_day_energy if self.weekend_day_energy > 0.0 else weekend * 0.0
        return weekday / weekday.sum(), weekend


class ChargingProfiles(StrictModel):
    """A :class:`DayShape` for every location of :data:`LOCATIONS`."""

    home: DayShape = Field(description="Home charging.")
    work: DayShape = Field(description="Workplace charging.")
    public: DayShape = Field(description="Public charging.")
    depot: DayShape = Field(description="Bus depot charging.")
    opportunity: DayShape = Field(description="Bus opportunity charging.")


class Charging(StrictModel):
    """Charging shares by location and hourly shapes."""

    ev_shares: EvShares = Field(description="Cars' charging energy by location. [-]")
    bus_shares: BusShares = Field(description="Buses' charging energy by location. [-]")
    profile: ChargingProfiles = Field(description="Hourly shapes by location.")


class VehicleData(StrictModel):
    """The vehicles file: fuels, cars, buses and charging."""

    fuels: Fuels = Field(description="Heating values of the liquid fuels.")
    cars: CarData = Field(description="Car consumption, survival, first stock and sales shares.")
    buses: Buses = Field(description="Bus consumption by type and powertrain.")
    charging: Charging = Field(description="Charging shares and profiles.")

    def car_kwh_per_km(self) -> np.ndarray:
        """(n_powertrains,) final energy per vehicle-km of :data:`CAR_POWERTRAINS`. [kWh/km]"""
        return np.array([getattr(self.cars, p).kwh_per_km(self.fuels) for p in CAR_POWERTRAINS])

    def bus_kwh_per_km(self, vehicle: str, powertrain: str) -> float:
        """Final energy per vehicle-km of a bus type and powertrain. [kWh/km]"""
        return self.bus_consumption(vehicle, powertrain).kwh_per_km(self.fuels)

    def bus_consumption(self, vehicle: str, powertrain: str) -> Consumption:
        """The :class:`Consumption` entry of a bus type and powertrain."""
        if vehicle not in BUS_VEHICLES:
            raise InputError("unknown bus type", key="vehicle", value=vehicle, allowed=", ".join(BUS_VEHICLES))
        if powertrain not in BUS_POWERTRAINS:
            raise InputError("unknown bus powertrain", key="powertrain", value=powertrain,
                             allowed=", ".join(BUS_POWERTRAINS))
        return getattr(getattr(self.buses, vehicle), powertrain)




def load_vehicle_data(path: str | Path | None = None) -> VehicleData:
    """Read and check a vehicles file.

    Parameters
    ----------
    path : str or Path, optional
        A TOML file laid out as ``smartcity/data/vehicles.toml``. Default: that shipped
        file, read once and cached.

    Returns
    -------
    VehicleData

    Raises
    ------
    InputError
        Unreadable or invalid TOML, an unknown or missing key, a consumption that is not
        > 0 or does not match its carrier, shares outside [0, 1] or (stock, charging
        locations) not adding up to 1, trajectory years not increasing, a charging shape
        of 24 values that is all zero, or an entry with neither a source nor an assumption
        with a reason; the message names the file and key.
    """
    return read_data_file(VehicleData, path, _VEHICLES_FILE, "vehicles")


# --------------------------------------------------------------------------------------
# Argument checks
# --------------------------------------------------------------------------------------


def _array(name: str, value, *, low: float = 0.0, high: float | None = None) -> np.ndarray:
    """A float array with every value finite and within [low, high]."""
    return number_array(name, value, low=low, high=high)


def _per_year(name: str, value, n: int, *, high: float | None = None) -> np.ndarray:
    """A scalar or (n,) array as an (n,) array of finite values in [0, high]."""
    array = _array(name, value, high=high)
    if array.ndim == 0:
        return np.full(n, float(array))
    if array.shape != (n,):
        raise ValueError(f"{name}: expected a number or shape ({n},) (one value per year), got {array.shape}")
    return array


def _years(years) -> np.ndarray:
    array = np.asarray(years)
    if array.ndim != 1 or array.size == 0 or not np.issubdtype(array.dtype, np.integer):
        raise ValueError(f"years: expected a non-empty 1-D array of integers, got {array!r}")
    if array.size > 1 and not np.all(np.diff(array) == 1):
        i = int(np.argmax(np.diff(array) != 1))
        raise ValueError(f"years[{i + 1}] = {int(array[i + 1])}: years must be consecutive "
                         f"(follow {int(array[i])} with {int(array[i]) + 1})")
    return array.astype(np.int64)


def _fleet_shares(name: str, value) -> np.ndarray:
    """Shares by powertrain from a mapping or an (n_powertrains,) array, adding up to 1."""
    if isinstance(value, Mapping):
        unknown = [k for k in value if k not in CAR_POWERTRAINS]
        if unknown:
            raise ValueError(f"{name}: unknown powertrain {unknown[0]!r}; known: {', '.join(CAR_POWERTRAINS)}")
        value = [value.get(p, 0.0) for p in CAR_POWERTRAINS]
    shares = _array(name, value, high=1.0)
    if shares.shape != (len(CAR_POWERTRAINS),):
        raise ValueError(f"{name}: expected shape ({len(CAR_POWERTRAINS)},) for {', '.join(CAR_POWERTRAINS)}, "
                         f"got {shares.shape}")
    if abs(shares.sum() - 1.0) > _SUM_TOL:
        raise ValueError(f"{name}: the shares add up to {shares.sum()!r}, must add up to 1")
    return shares


# --------------------------------------------------------------------------------------
# Car fleet
# --------------------------------------------------------------------------------------


def sales_shares(years, data: VehicleData | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Battery-electric share of new car sales and diesel share of the other new cars.

    Linear interpolation between the points of the vehicles file, constant before the
    first and after the last point.

    Parameters
    ----------
    years : array_like of int
        Calendar years. [a]
    data : VehicleData, optional
        Default: :func:`load_vehicle_data` (Danish sales 2015-2025, flagged projection to
        100 % battery-electric in 2035).

    Returns
    -------
    bev, diesel_of_ice : ndarray
        Shares with the shape of ``years``. [-]

    Examples
    --------
    >>> bev, diesel = sales_shares([2020, 2024])
    >>> bev.tolist()
    [0.07, 0.515]
    """
    data = load_vehicle_data() if data is None else data
    years = np.asarray(years, dtype=np.float64)

    def at(points: list[SharePoint]) -> np.ndarray:
        return np.interp(years, [p.year for p in points], [p.value for p in points])

    return at(data.cars.bev_sales_share), at(data.cars.diesel_share_of_ice_sales)


def survival(ages, data: VehicleData | None = None) -> np.ndarray:
    """Probability that a new car is still on the road at a given age.

    ``S(a) = exp(-(a / scale)^shape)``, a Weibull survival function with the mean lifetime
    and shape of the vehicles file (15.1 years, shape 3.0).

    Parameters
    ----------
    ages : array_like
        Ages, >= 0. [a]
    data : VehicleData, optional
        Default: :func:`load_vehicle_data`.

    Returns
    -------
    ndarray
        ``S(a)`` with the shape of ``ages``, 1 at age 0. [-]

    References
    ----------
    .. [1] Held et al. (2021), European Transport Research Review 13: Weibull survival of
       European car fleets.
    """
    data = load_vehicle_data() if data is None else data
    return np.exp(data.cars.survival.log_probability(_array("ages", ages)))


@dataclass(frozen=True)
class CarFleet:
    """Car stock, sales and retirements by year and powertrain.

    Attributes
    ----------
    years : (n_years,) ndarray of int
        Calendar years. [a]
    stock : (n_years, n_powertrains) ndarray
        Cars on the road at the end of each year, by :data:`CAR_POWERTRAINS`. [cars]
    sales : (n_years, n_powertrains) ndarray
        New cars added during each year; zero in the first year, whose stock is given. [cars/a]
    retired : (n_years, n_powertrains) ndarray
        Cars retired during each year; zero in the first year. [cars/a]
    """

    years: np.ndarray
    stock: np.ndarray
    sales: np.ndarray
    retired: np.ndarray

    @property
    def powertrains(self) -> tuple[str, ...]:
        """Names of the last axis, :data:`CAR_POWERTRAINS`."""
        return CAR_POWERTRAINS

    @property
    def total(self) -> np.ndarray:
        """(n_years,) cars on the road at the end of each year. [cars]"""
        return self.stock.sum(axis=1)

    @property
    def shares(self) -> np.ndarray:
        """(n_years, n_powertrains) share of each powertrain in the stock; 0 without cars. [-]"""
        total = self.total[:, None]
        return np.divide(self.stock, total, out=np.zeros_like(self.stock), where=total > 0.0)


def car_fleet(years, cars_total, bev_sales_share=None, *, data: VehicleData | None = None,
              diesel_share_of_ice_sales=None, initial_shares=None) -> CarFleet:
    """Car stock by powertrain with a vintage (cohort) stock-turnover model.

    The stock at the end of the first year is ``cars_total[0]`` split by
    ``initial_shares``, with each powertrain's cars spread over ages 0..:data:`MAX_AGE`
    in proportion to the survival function (the steady-state age distribution). Each
    following year

    1. every cohort of age ``a`` keeps the fraction ``S(a + 1) / S(a)`` of its cars (the
       conditional survival probability); the rest, and all cars of age :data:`MAX_AGE`,
       are retired;
    2. new sales = ``max(0, cars_total - survivors)``: they fill the gap to the target
       stock. A fleet that shrinks faster than cars retire keeps its survivors (no early
       scrappage), so the stock then exceeds the target;
    3. sales are split into ``bev = b``, ``diesel = (1 - b) d`` and
       ``gasoline = (1 - b)(1 - d)`` with the year's BEV share ``b`` and diesel share of
       the other new cars ``d``; they enter at age 0.

    Parameters
    ----------
    years : (n_years,) array_like of int
        Consecutive calendar years; the stock is at the end of each year. [a]
    cars_total : float or (n_years,) array_like
        Target number of cars on the road at the end of each year, >= 0. [cars]
    bev_sales_share : float or (n_years,) array_like, optional
        Battery-electric share of the new cars of each year, in [0, 1]. Default: the Danish
        trajectory of the vehicles file (:func:`sales_shares`). [-]
    data : VehicleData, optional
        Default: :func:`load_vehicle_data`.
    diesel_share_of_ice_sales : float or (n_years,) array_like, optional
        Diesel share of the new cars that are not battery-electric, in [0, 1]. Default: the
        Danish trajectory of the vehicles file. [-]
    initial_shares : mapping or (n_powertrains,) array_like, optional
        Shares of :data:`CAR_POWERTRAINS` in the stock at the end of the first year, adding
        up to 1. Default: the file's ``fleet_start`` (Denmark at the end of 2015: gasoline
        69.67 %, diesel 30 %, BEV 0.33 %), which requires ``years`` to start in that year.

    Returns
    -------
    CarFleet
        ``stock[i] = stock[i-1] - retired[i] + sales[i]`` for ``i >= 1``; the stock adds up
        to ``cars_total`` in every year in which the survivors do not exceed it.

    Raises
    ------
    ValueError
        Years not consecutive integers, a negative or non-finite total, a share outside
        [0, 1], arrays of the wrong length, initial shares that do not add up to 1, or the
        default initial shares with years that do not start in their year.

    Notes
    -----
    Simplifications: every powertrain has the same survival function and, in the first
    year, the same age distribution (in reality diesel cars were younger in 2015, and
    BEVs nearly all new); imported used cars count as new sales (they are a noticeable
    part of Danish BEV additions since 2023); no early scrappage.

    References
    ----------
    .. [1] Andersen, Larsen and Skovgaard (2007), Int. J. Automotive Technology and
       Management 7(4), 343-355: vintage model with Weibull lifetimes.
    .. [2] Held et al. (2021), European Transport Research Review 13: fleet turnover.

    Examples
    --------
    >>> fleet = car_fleet(range(2015, 2021), 2.4e6)
    >>> bool(np.allclose(fleet.total, 2.4e6))
    True
    >>> fleet.stock.shape
    (6, 3)
    """
    data = load_vehicle_data() if data is None else data
    years = _years(years)
    n = years.size
    total = _per_year("cars_total", cars_total, n)
    default_bev, default_diesel = sales_shares(years, data)
    bev = default_bev if bev_sales_share is None else _per_year("bev_sales_share", bev_sales_share, n, high=1.0)
    diesel = (default_diesel if diesel_share_of_ice_sales is None
              else _per_year("diesel_share_of_ice_sales", diesel_share_of_ice_sales, n, high=1.0))
    if initial_shares is None:
        start = data.cars.fleet_start
        if int(years[0]) != start.year:
            raise ValueError(f"initial_shares: the default shares describe the stock at the end of {start.year}, "
                             f"but years start in {int(years[0])}; start the years in {start.year} (and drop "
                             "the earlier ones from the result) or pass initial_shares")
        initial = np.array([getattr(start, p) for p in CAR_POWERTRAINS])
    else:
        initial = _fleet_shares("initial_shares", initial_shares)

    ages = np.arange(MAX_AGE + 1, dtype=np.float64)
    log_s = data.cars.survival.log_probability(ages)
    alive = np.exp(log_s)
    # Fraction of each age class retired during the year; the oldest class retires entirely.
    leaving = np.ones(MAX_AGE + 1)
    leaving[:-1] = -np.expm1(log_s[1:] - log_s[:-1])

    n_p = len(CAR_POWERTRAINS)
    stock = np.zeros((n, n_p))
    sales = np.zeros((n, n_p))
    retired = np.zeros((n, n_p))
    cohorts = np.outer(alive / alive.sum(), initial * total[0])  # (n_ages, n_powertrains)
    stock[0] = cohorts.sum(axis=0)
    for i in range(1, n):
        leaving_cars = cohorts * leaving[:, None]
        retired[i] = leaving_cars.sum(axis=0)
        survivors = cohorts - leaving_cars
        new = max(0.0, total[i] - survivors.sum())
        sales[i] = new * np.array([(1.0 - bev[i]) * (1.0 - diesel[i]), (1.0 - bev[i]) * diesel[i], bev[i]])
        cohorts = np.vstack([sales[i][None, :], survivors[:-1]])
        stock[i] = cohorts.sum(axis=0)
    for array in (years, stock, sales, retired):
        array.flags.writeable = False
    return CarFleet(years=years, stock=stock, sales=sales, retired=retired)


# --------------------------------------------------------------------------------------
# Energy
# --------------------------------------------------------------------------------------


def _out(array: np.ndarray):
    return float(array) if array.ndim == 0 else array


def car_energy(vkm, shares, data: VehicleData | None = None) -> dict[str, dict[str, object]]:
    """Final energy by carrier and vehicle-km by powertrain of a car fleet.

    Every car is assumed to drive the same distance whatever its powertrain, so the
    vehicle-km split like the stock (a simplification: new cars, and so BEVs, tend to
    drive more than old ones).

    Parameters
    ----------
    vkm : float or (n_years,) array_like
        Vehicle-km driven by the fleet, >= 0. [km/a]
    shares : (n_powertrains,) or (n_years, n_powertrains) array_like
        Shares of :data:`CAR_POWERTRAINS` in the fleet, each row adding up to 1 (e.g.
        :attr:`CarFleet.shares`). [-]
    data : VehicleData, optional
        Default: :func:`load_vehicle_data` (gasoline 0.58, diesel 0.50, BEV 0.19 kWh/km).

    Returns
    -------
    dict
        ``{"energy": {carrier: kWh}, "vkm": {powertrain: km}}``: final energy at the tank
        or charger of ``"gasoline"``, ``"diesel"`` and ``"electricity"`` [kWh/a] and
        vehicle-km of each powertrain [km/a]; floats for a scalar ``vkm`` and one row of
        shares, else arrays of the broadcast shape.

    Raises
    ------
    ValueError
        Negative or non-finite values, shares that do not add up to 1, or shapes that do
        not broadcast.

    Examples
    --------
    >>> result = car_energy(10_000.0, [0.7, 0.3, 0.0])
    >>> round(result["energy"]["gasoline"] + result["energy"]["diesel"])  # kWh/a
    5535
    """
    data = load_vehicle_data() if data is None else data
    vkm = _array("vkm", vkm)
    shares = _array("shares", shares, high=1.0)
    if shares.ndim not in (1, 2) or shares.shape[-1] != len(CAR_POWERTRAINS):
        raise ValueError(f"shares: expected shape ({len(CAR_POWERTRAINS)},) or (n_years, "
                         f"{len(CAR_POWERTRAINS)}), got {shares.shape}")
    off = np.abs(shares.sum(axis=-1) - 1.0) > _SUM_TOL
    if off.any():
        row = int(np.argmax(off)) if shares.ndim == 2 else 0
        raise ValueError(f"shares{f'[{row}]' if shares.ndim == 2 else ''}: the shares add up to "
                         f"{float(np.atleast_2d(shares)[row].sum())!r}, must add up to 1")
    try:
        by_powertrain = vkm[..., None] * shares
    except ValueError:
        raise ValueError(f"vkm of shape {vkm.shape} and shares of shape {shares.shape} do not broadcast") from None
    energy_per_km = data.car_kwh_per_km()
    energy = {carrier: np.zeros(by_powertrain.shape[:-1]) for carrier in dict.fromkeys(CAR_CARRIERS.values())}
    for k, powertrain in enumerate(CAR_POWERTRAINS):
        energy[CAR_CARRIERS[powertrain]] = energy[CAR_CARRIERS[powertrain]] + by_powertrain[..., k] * energy_per_km[k]
    return {"energy": {c: _out(e) for c, e in energy.items()},
            "vkm": {p: _out(by_powertrain[..., k]) for k, p in enumerate(CAR_POWERTRAINS)}}


def bus_energy(vkm, vehicle: str, powertrain: str, data: VehicleData | None = None) -> dict[str, dict[str, object]]:
    """Final energy of buses of one type and powertrain.

    Parameters
    ----------
    vkm : float or array_like
        Vehicle-km driven, >= 0 (e.g. per year). [km/a]
    vehicle : str
        One of :data:`BUS_VEHICLES`.
    powertrain : str
        One of :data:`BUS_POWERTRAINS`.
    data : VehicleData, optional
        Default: :func:`load_vehicle_data` (12 m: diesel 3.68, electric 1.3 kWh/km).

    Returns
    -------
    dict
        ``{"energy": {carrier: kWh}, "vkm": {powertrain: km}}`` with the one carrier of the
        powertrain (``"diesel"`` or ``"electricity"``). [kWh/a], [km/a]

    Raises
    ------
    InputError
        Unknown vehicle or powertrain.
    ValueError
        Negative or non-finite vehicle-km.

    Examples
    --------
    >>> bus_energy(1000.0, "bus_12m", "electric")["energy"]
    {'electricity': 1300.0}
    """
    data = load_vehicle_data() if data is None else data
    consumption = data.bus_consumption(vehicle, powertrain)
    vkm = _array("vkm", vkm)
    return {"energy": {consumption.carrier: _out(vkm * consumption.kwh_per_km(data.fuels))},
            "vkm": {powertrain: _out(vkm.copy())}}


# --------------------------------------------------------------------------------------
# Charging
# --------------------------------------------------------------------------------------


@functools.cache
def _day_counts(year: int) -> tuple[int, int]:
    """(weekdays, weekend days and Danish public holidays) of a calendar year."""
    days = pd.date_range(f"{year}-01-01", f"{year}-12-31", freq="D")
    weekend = int(weekend_mask(days).sum())
    return len(days) - weekend, weekend


def _calendar_years(index: pd.DatetimeIndex) -> tuple[np.ndarray, np.ndarray]:
    """Distinct calendar years of the (local) index and the position of each hour's year."""
    years = np.asarray(index.year, dtype=np.int64)
    return np.unique(years, return_inverse=True)


def charging_profile(location: str, index: pd.DatetimeIndex, data: VehicleData | None = None) -> np.ndarray:
    """Hourly weights of the charging energy of one location, 1 over each calendar year.

    The weekday or weekend shape of the location (Saturdays, Sundays and Danish public
    holidays take the weekend shape, scaled by ``weekend_day_energy``) at each hour of the
    index, divided by the sum of the shapes over all days of the hour's calendar year. The
    weights of a complete calendar year of hours add up to 1; for part of a year they add
    up to that part's share of the annual energy. Hours are read in the index's own time
    zone (give local time: a UTC index shifts the profile by one or two hours); in a local
    index with daylight-saving time the missing spring hour and the repeated autumn hour
    cancel.

    Parameters
    ----------
    location : str
        One of :data:`LOCATIONS`: ``"home"`` (evening peak 17-22), ``"work"`` (7-16,
        little on weekends), ``"public"`` (spread over the day), ``"depot"`` (buses,
        22:00-05:00) or ``"opportunity"`` (buses, in service 06:00-23:00).
    index : pandas.DatetimeIndex
        Hourly timestamps (whole hours), e.g. one year. [h]
    data : VehicleData, optional
        Default: :func:`load_vehicle_data`.

    Returns
    -------
    (n_h,) ndarray
        Share of the year's charging energy in each hour, >= 0. [1/h]

    Raises
    ------
    InputError
        Unknown location.
    ValueError
        ``index`` is not a non-empty DatetimeIndex of whole hours.

    References
    ----------
    .. [1] Sørensen et al. (2021), Energy and Buildings (home charging in Norway).
    .. [2] Hecht et al. (2023), Energies 16(6), 2619 (public and workplace charging).

    Examples
    --------
    >>> index = pd.date_range("2023-01-01", periods=8760, freq="h")
    >>> round(float(charging_profile("home", index).sum()), 12)
    1.0
    """
    data = load_vehicle_data() if data is None else data
    if location not in LOCATIONS:
        raise InputError("unknown charging location", key="location", value=location,
                         allowed=", ".join(LOCATIONS))
    weekday, weekend = getattr(data.charging.profile, location).days()
    is_weekend = weekend_mask(index)  # checks the index
    hour = np.asarray(index.hour, dtype=np.int64)
    raw = np.where(is_weekend, weekend[hour], weekday[hour])
    years, year_of_hour = _calendar_years(index)
    totals = np.array([n_weekday * weekday.sum() + n_weekend * weekend.sum()
                       for n_weekday, n_weekend in (_day_counts(int(y)) for y in years)])
    return raw / totals[year_of_hour]


def _annual_per_hour(annual_kwh, index: pd.DatetimeIndex) -> np.ndarray:
    years, year_of_hour = _calendar_years(index)
    annual = _array("annual_kwh", annual_kwh)
    if annual.ndim == 0:
        return np.full(len(index), float(annual))
    if annual.shape != years.shape:
        raise ValueError(f"annual_kwh: expected a number or one value per calendar year of the index "
                         f"({', '.join(str(y) for y in years)}), got shape {annual.shape}")
    return annual[year_of_hour]


def _split_load(annual_kwh, index, shares: dict[str, float], data: VehicleData) -> np.ndarray:
    weekend_mask(index)  # checks the index
    annual = _annual_per_hour(annual_kwh, index)
    load = np.zeros(len(index))
    for location, share in shares.items():
        if share > 0.0:
            load += share * charging_profile(location, index, data)
    return annual * load


def ev_charging_load(annual_kwh, index: pd.DatetimeIndex, data: VehicleData | None = None) -> np.ndarray:
    """Hourly power of uncontrolled car charging for an annual charging energy.

    ``P(t) = E_year × Σ_loc share_loc × w_loc(t)`` with the shares at home, at work and in
    public of the vehicles file (65 / 10 / 25 %, flagged) and the weights of
    :func:`charging_profile`.

    Parameters
    ----------
    annual_kwh : float or (n_years,) array_like
        Charging energy at the charger per calendar year, >= 0: one number for every year,
        or one per calendar year of the index in increasing order (e.g.
        ``car_energy(...)["energy"]["electricity"]``). [kWh/a]
    index : pandas.DatetimeIndex
        Hourly timestamps (whole hours, local time). [h]
    data : VehicleData, optional
        Default: :func:`load_vehicle_data`.

    Returns
    -------
    (n_h,) ndarray
        Charging power, i.e. kWh in each hour. [kW]

    Examples
    --------
    >>> index = pd.date_range("2023-01-01", periods=8760, freq="h")
    >>> round(float(ev_charging_load(2000.0, index).sum()), 6)
    2000.0
    """
    data = load_vehicle_data() if data is None else data
    shares = data.charging.ev_shares
    return _split_load(annual_kwh, index, {loc: getattr(shares, loc) for loc in EV_LOCATIONS}, data)


def bus_charging_load(annual_kwh, index: pd.DatetimeIndex, data: VehicleData | None = None) -> np.ndarray:
    """Hourly power of battery-electric bus charging for an annual charging energy.

    Split between overnight depot charging (22:00-05:00) and opportunity charging during
    service (06:00-23:00) with the shares of the vehicles file (75 / 25 %, flagged).

    Parameters
    ----------
    annual_kwh : float or (n_years,) array_like
        Charging energy per calendar year, >= 0 (e.g. from :func:`bus_energy`). [kWh/a]
    index : pandas.DatetimeIndex
        Hourly timestamps (whole hours, local time). [h]
    data : VehicleData, optional
        Default: :func:`load_vehicle_data`.

    Returns
    -------
    (n_h,) ndarray
        Charging power. [kW]
    """
    data = load_vehicle_data() if data is None else data
    shares = data.charging.bus_shares
    return _split_load(annual_kwh, index, {loc: getattr(shares, loc) for loc in BUS_LOCATIONS}, data)


# --------------------------------------------------------------------------------------
# Smart charging
# --------------------------------------------------------------------------------------


def smart_charging(load_kw, flexible_share, signal, *, window_hours: int = 24, max_power_kw=None) -> np.ndarray:
    """Move the flexible part of a charging load to the hours with the lowest signal.

    The load is cut into consecutive windows of ``window_hours`` starting at the first
    hour (days, if the load starts at midnight); a last, shorter window takes the remaining
    hours. In each window the fixed part ``(1 - flexible_share) × load`` stays where it is;
    the flexible energy ``Σ flexible_share × load`` is placed on the window's hours in
    increasing order of ``signal`` (ties: earliest hour first), each hour filled up to its
    headroom before the next one is used. The headroom of an hour is
    ``max(max_power_kw, load) - fixed``: total charging power up to ``max_power_kw``, but
    never less than the hour had before (so the original schedule stays possible). This
    greedy filling minimises ``Σ load × signal`` in each window for the given headroom,
    so that sum never increases.

    Energy never leaves its window: charging is shifted within the day, not across days.

    Parameters
    ----------
    load_kw : (n_h,) array_like
        Uncontrolled charging power, >= 0. [kW]
    flexible_share : float or (n_h,) array_like
        Share of each hour's load that may be moved, in [0, 1]. [-]
    signal : (n_h,) array_like
        What to minimise, finite: e.g. grid carbon intensity [g/kWh], a price [DKK/kWh],
        or minus the local PV surplus [kW].
    window_hours : int, default 24
        Length of the windows, >= 1. [h]
    max_power_kw : float or (n_h,) array_like, optional
        Highest total charging power of an hour after the shift, >= 0. Default: no cap, so
        all the flexible energy of a window goes into its one cheapest hour — fine for
        carbon accounting, unrealistic for a grid; the window's peak load (as many
        chargers as are busy at the peak) is a sensible cap. [kW]

    Returns
    -------
    (n_h,) ndarray
        Shifted charging power, >= 0, with the same energy in each window (to rounding). [kW]

    Raises
    ------
    ValueError
        Negative or non-finite values, a share outside [0, 1], arrays of different lengths,
        or ``window_hours`` not an integer >= 1.

    Examples
    --------
    >>> smart_charging([0.0, 4.0, 2.0, 0.0], 0.5, [300.0, 400.0, 100.0, 100.0], window_hours=4).tolist()
    [0.0, 2.0, 4.0, 0.0]
    >>> smart_charging([0.0, 4.0, 2.0, 0.0], 1.0, [300.0, 400.0, 100.0, 100.0], window_hours=4,
    ...                max_power_kw=4.0).tolist()
    [0.0, 0.0, 4.0, 2.0]
    """
    load = _array("load_kw", load_kw)
    if load.ndim != 1:
        raise ValueError(f"load_kw: expected a 1-D array of hourly values, got shape {load.shape}")
    n = load.shape[0]
    signal = np.asarray(signal, dtype=np.float64)
    if signal.shape != (n,):
        raise ValueError(f"signal: expected shape ({n},) like load_kw, got {signal.shape}")
    if not np.isfinite(signal).all():
        i = int(np.argmax(~np.isfinite(signal)))
        raise ValueError(f"signal[{i}] = {float(signal[i])!r}: must be finite")
    flexible = _array("flexible_share", flexible_share, high=1.0)
    if flexible.ndim not in (0, 1) or (flexible.ndim == 1 and flexible.shape != (n,)):
        raise ValueError(f"flexible_share: expected a number or shape ({n},), got {flexible.shape}")
    if isinstance(window_hours, bool) or not isinstance(window_hours, (int, np.integer)) or window_hours < 1:
        raise ValueError(f"window_hours = {window_hours!r}: must be an integer >= 1")
    if n == 0:
        return load.copy()

    width = int(window_hours)
    n_windows = -(-n // width)
    pad = n_windows * width - n
    movable = flexible * load
    fixed = load - movable
    energy = np.pad(movable, (0, pad)).reshape(n_windows, width).sum(axis=1)  # [kWh] per window
    real = np.pad(np.ones(n, dtype=bool), (0, pad)).reshape(n_windows, width)
    if max_power_kw is None:
        # No cap: any hour can take the window's whole flexible energy.
        headroom = np.where(real, energy[:, None], 0.0)
    else:
        cap = _array("max_power_kw", max_power_kw)
        if cap.ndim not in (0, 1) or (cap.ndim == 1 and cap.shape != (n,)):
            raise ValueError(f"max_power_kw: expected a number or shape ({n},), got {cap.shape}")
        room = np.maximum(np.maximum(cap, load) - fixed, 0.0)
        headroom = np.pad(room, (0, pad)).reshape(n_windows, width)
    cost = np.pad(signal, (0, pad), constant_values=np.inf).reshape(n_windows, width)

    order = np.argsort(cost, axis=1, kind="stable")  # cheapest first, ties by earliest hour
    room_sorted = np.take_along_axis(headroom, order, axis=1)
    taken_before = np.zeros_like(room_sorted)
    np.cumsum(room_sorted[:, :-1], axis=1, out=taken_before[:, 1:])
    placed_sorted = np.clip(energy[:, None] - taken_before, 0.0, room_sorted)
    placed = np.empty_like(placed_sorted)
    np.put_along_axis(placed, order, placed_sorted, axis=1)
    return fixed + placed.ravel()[:n]


class ChargingEffects:
    """The hourly charging of electric cars in one year and what measures of stage ``charging`` do to it.

    A measure's ``apply(charging, share)`` hook calls :meth:`shift`; :attr:`ev_kw` is the
    charging after every shift, in the order the measures come.

    Parameters
    ----------
    ev_kw : (n_h,) ndarray
        Uncontrolled hourly charging of electric cars. [kW]
    grid_intensity : (n_h,) ndarray
        Hourly carbon intensity of grid electricity (the ``grid_carbon`` signal). [g/kWh]
    pv_surplus_kw : (n_h,) ndarray
        Local PV output above the buildings' consumption (negative when below; the
        ``pv_surplus`` signal: the larger, the better). [kW]
    """

    SIGNALS = ("grid_carbon", "pv_surplus")

    def __init__(self, ev_kw: np.ndarray, grid_intensity: np.ndarray, pv_surplus_kw: np.ndarray) -> None:
        self.uncontrolled_kw = ev_kw
        self.ev_kw = ev_kw
        self._signals = {"grid_carbon": grid_intensity, "pv_surplus": pv_surplus_kw}

    def shift(self, flexible_share: float, signal: str) -> None:
        """Move ``flexible_share`` of each day's charging to the best hours of ``signal``.

        The flexible share of each day's charging moves to the hours with the lowest grid
        intensity (``grid_carbon``) or the largest PV output above the buildings'
        consumption (``pv_surplus``; at night, the hours of lowest consumption), never above
        the peak power of uncontrolled charging (:func:`smart_charging`).
        """
        if signal not in self._signals:
            raise ValueError(f"signal = {signal!r}: must be one of {', '.join(self.SIGNALS)}")
        # the PV surplus is maximised: minimise its negative
        values = self._signals[signal] if signal == "grid_carbon" else -self._signals[signal]
        # within the power the chargers already draw at their annual peak
        self.ev_kw = smart_charging(self.ev_kw, flexible_share, values,
                                    max_power_kw=float(self.uncontrolled_kw.max()))

