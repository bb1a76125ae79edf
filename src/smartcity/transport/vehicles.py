"""The vehicles file: fuels, consumption, car survival and sales, charging shares and shapes.

``smartcity/data/vehicles.toml`` (or a file laid out like it) read by
:func:`load_vehicle_data` into :class:`VehicleData`, every figure sourced or flagged as an
assumption and checked on load: consumption per 100 km by powertrain and carrier, lower
heating values of the liquid fuels, the Weibull survival function and the first stock of
cars, the trajectories of the battery-electric and diesel shares of new car sales, and the
shares and hourly day shapes of charging by location. The models that use them are
:mod:`smartcity.transport.fleet` (stock turnover, energy) and
:mod:`smartcity.transport.charging` (hourly charging load).

Car powertrains are :data:`CAR_POWERTRAINS`; plug-in hybrids count as gasoline cars (the
data file says why). Buses are :data:`BUS_VEHICLES` × :data:`BUS_POWERTRAINS`.

References
----------
.. [1] IPCC (2006). 2006 IPCC Guidelines for National Greenhouse Gas Inventories,
   Volume 2 (Energy), Table 1.2 (net calorific values).
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path
from typing import Annotated, Literal

import numpy as np
from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from smartcity.errors import InputError
from smartcity.schema.files import read_data_file
from smartcity.schema.quantities import Sourced, StrictModel

__all__ = [
    "BUS_LOCATIONS",
    "BUS_POWERTRAINS",
    "BUS_VEHICLES",
    "CAR_CARRIERS",
    "CAR_POWERTRAINS",
    "EV_LOCATIONS",
    "LOCATIONS",
    "MAX_AGE",
    "SHARE_TOLERANCE",
    "Consumption",
    "DayShape",
    "SharePoint",
    "VehicleData",
    "load_vehicle_data",
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
#: Tolerance of shares that must add up to 1. [-]
SHARE_TOLERANCE = 1e-6

_NonNegative = Annotated[float, Field(ge=0.0, allow_inf_nan=False)]


# --------------------------------------------------------------------------------------
# The vehicles file
# --------------------------------------------------------------------------------------




def _shares_add_up(entry: StrictModel, names: tuple[str, ...]) -> None:
    total = sum(getattr(entry, name) for name in names)
    if abs(total - 1.0) > SHARE_TOLERANCE:
        raise PydanticCustomError("shares_sum", "the shares do not add up to 1",
                                  {"value": total, "allowed": f"{' + '.join(names)} = 1 (within {SHARE_TOLERANCE:g})"})


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
