"""Charging of electric vehicles: hourly load of uncontrolled charging and smart charging.

With the charging shares and day shapes of ``smartcity/data/vehicles.toml``
(:func:`~smartcity.transport.vehicles.load_vehicle_data`):

1. **Charging load** (:func:`charging_profile`, :func:`ev_charging_load`,
   :func:`bus_charging_load`): hourly power of uncontrolled charging, from the shares of
   the charging energy at home, at work and in public (cars) or at the depot and by
   opportunity charging (buses) and a weekday and a weekend shape for each location.
2. **Smart charging** (:func:`smart_charging`): the flexible part of the load of each
   window (a day by default) moved to the hours with the lowest signal, e.g. grid carbon
   intensity.
3. **Charging measures** (:class:`ChargingEffects`): the hourly charging of one year, which
   measures of stage ``charging`` shift.

Functions
---------
charging_profile
    Hourly weights of a charging location, summing to 1 over each calendar year.
ev_charging_load, bus_charging_load
    Hourly charging power for an annual charging energy.
smart_charging
    Re-dispatch of the flexible part of a load to the hours with the lowest signal.

References
----------
.. [1] Sørensen, Å. L., Lindberg, K. B., Sartori, I. and Andresen, I. (2021). Analysis of
   residential EV energy flexibility potential based on real-world charging reports and
   smart meter data. Energy and Buildings (2021), Elsevier, open access.
.. [2] Hecht, C., Figgener, J., Li, X., Zhang, L. and Sauer, D. U. (2023). Standard load
   profiles for electric vehicle charging stations in Germany based on representative,
   empirical data. Energies 16(6), 2619, doi:10.3390/en16062619.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from smartcity.checks import number_array
from smartcity.energy.day_types import weekend_mask
from smartcity.errors import InputError
from smartcity.transport.vehicles import BUS_LOCATIONS, EV_LOCATIONS, LOCATIONS, VehicleData, load_vehicle_data

__all__ = [
    "ChargingEffects",
    "bus_charging_load",
    "charging_profile",
    "ev_charging_load",
    "smart_charging",
]


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
    annual = number_array("annual_kwh", annual_kwh, low=0.0)
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
    load = number_array("load_kw", load_kw, low=0.0)
    if load.ndim != 1:
        raise ValueError(f"load_kw: expected a 1-D array of hourly values, got shape {load.shape}")
    n = load.shape[0]
    signal = np.asarray(signal, dtype=np.float64)
    if signal.shape != (n,):
        raise ValueError(f"signal: expected shape ({n},) like load_kw, got {signal.shape}")
    if not np.isfinite(signal).all():
        i = int(np.argmax(~np.isfinite(signal)))
        raise ValueError(f"signal[{i}] = {float(signal[i])!r}: must be finite")
    flexible = number_array("flexible_share", flexible_share, low=0.0, high=1.0)
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
        cap = number_array("max_power_kw", max_power_kw, low=0.0)
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
