"""Vehicle fleets: car stock turnover and final energy per vehicle-km.

Plain functions on arrays, with the figures of ``smartcity/data/vehicles.toml``
(:func:`~smartcity.transport.vehicles.load_vehicle_data`), every one sourced or flagged as
an assumption:

1. **Car fleet** (:func:`car_fleet`): a vintage (cohort) stock-turnover model. The stock of
   the first year is split by powertrain with given shares and spread over ages with the
   steady-state age distribution of a Weibull survival function; each following year every
   cohort survives with the conditional survival probability of its age, and new sales fill
   the gap to the target stock, split into battery-electric, diesel and gasoline cars by the
   year's sales shares (Danish figures by default, :func:`sales_shares`).
2. **Energy** (:func:`car_energy`, :func:`bus_energy`): final energy by carrier (at the
   tank or at the charger) for given vehicle-km, from fuel use in litres per 100 km times
   the fuel's lower heating value, or electricity use in kWh per 100 km at the charger.

The hourly charging load of that electricity is :mod:`smartcity.transport.charging`.

Functions
---------
sales_shares
    Battery-electric share of new car sales and diesel share of the others, per year.
survival
    Probability that a car reaches a given age.
car_fleet
    Stock, sales and retirements by powertrain and year.
car_energy, bus_energy
    Final energy by carrier and vehicle-km by powertrain.

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
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from smartcity.checks import number_array
from smartcity.transport.vehicles import (
    CAR_CARRIERS,
    CAR_POWERTRAINS,
    MAX_AGE,
    SHARE_TOLERANCE,
    SharePoint,
    VehicleData,
    load_vehicle_data,
)

__all__ = [
    "CarFleet",
    "bus_energy",
    "car_energy",
    "car_fleet",
    "sales_shares",
    "survival",
]


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
    if abs(shares.sum() - 1.0) > SHARE_TOLERANCE:
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
    off = np.abs(shares.sum(axis=-1) - 1.0) > SHARE_TOLERANCE
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
        One of :data:`~smartcity.transport.vehicles.BUS_VEHICLES`.
    powertrain : str
        One of :data:`~smartcity.transport.vehicles.BUS_POWERTRAINS`.
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
