"""Heat lost by a buried district-heating network, from its water and ground temperatures.

The pipes lose heat through their insulation to the soil around them in proportion to the
difference between the water and the undisturbed ground at pipe depth: with a supply and a
return pipe, the loss is ``UA · ((T_supply − T_ground) + (T_return − T_ground)) / 2``, i.e.
proportional to the mean water temperature above the ground's. The network's loss
coefficient ``UA`` is rarely known; :func:`calibrate_loss_coefficient` finds it from a
known annual loss (share of the heat fed in), so that temperature changes (a lower supply
temperature, colder ground in winter) move the loss as they do in the pipes.

The ground temperature at depth follows the weather's annual cycle, damped and delayed by
the soil (Kusuda and Achenbach [1]_): a sinusoid fitted to the daily mean air temperature
(mean, amplitude, day of the minimum) is propagated to depth ``z`` with the soil's
thermal diffusivity ``α``::

    T(z, t) = T_mean − A · exp(−z·√(π / (P·α))) · cos(2π/P · (t − t_min − z/2 · √(P / (π·α))))

with period ``P`` = 365 days. The air's amplitude stands in for the surface's (snow and
vegetation are neglected).

References
----------
.. [1] Kusuda, T., Achenbach, P. R. (1965). Earth temperature and thermal diffusivity at
   selected stations in the United States. ASHRAE Transactions 71(1), 61-75.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from smartcity.checks import number, number_array

__all__ = ["AnnualCycle", "annual_cycle", "ground_temperature", "network_heat_loss", "calibrate_loss_coefficient"]

HOURS_PER_DAY = 24
#: Period of the annual cycle. [d]
YEAR_DAYS = 365.0


@dataclass(frozen=True)
class AnnualCycle:
    """A sinusoid through the daily mean air temperature of a year.

    Attributes
    ----------
    mean_c : float
        Annual mean. [°C]
    amplitude_k : float
        Half the difference between the warmest and coldest day of the sinusoid, >= 0. [K]
    coldest_day : float
        Day of the year of the minimum, counted from 0 at the start of the series. [d]
    """

    mean_c: float
    amplitude_k: float
    coldest_day: float

    def __post_init__(self) -> None:
        number("cycle.mean_c", self.mean_c, low=-90.0, high=60.0, unit="°C")
        number("cycle.amplitude_k", self.amplitude_k, low=0.0, unit="K")
        number("cycle.coldest_day", self.coldest_day, unit="d")


def annual_cycle(temp_air_c) -> AnnualCycle:
    """Least-squares sinusoid with a period of 365 days through the daily means of hourly air temperatures.

    Parameters
    ----------
    temp_air_c : (n_h,) array_like
        Hourly air temperature of one year from its first hour, at least 24 × 365 values. [°C]

    Returns
    -------
    AnnualCycle

    Examples
    --------
    >>> days = (np.arange(365 * 24) + 0.5) / 24.0  # the middle of each hour
    >>> c = annual_cycle(8.0 - 8.5 * np.cos(2 * np.pi * (days - 20.0) / 365.0))
    >>> round(c.mean_c, 6), round(c.amplitude_k, 3), round(c.coldest_day, 3)  # daily means damp by 1e-5
    (8.0, 8.5, 20.0)
    """
    temp = number_array("temp_air_c", temp_air_c, ndim=1, low=-90.0, high=60.0, unit="°C")
    n_days = temp.shape[0] // HOURS_PER_DAY
    if n_days < YEAR_DAYS:
        raise ValueError(f"temp_air_c: {temp.shape[0]} hours; the annual cycle needs a whole year (8760 or more)")
    daily = temp[: n_days * HOURS_PER_DAY].reshape(n_days, HOURS_PER_DAY).mean(axis=1)
    day = np.arange(n_days) + 0.5  # the mean of the middles of hours 0..23, as in ground_temperature [d]
    omega = 2.0 * np.pi / YEAR_DAYS
    design = np.column_stack([np.ones(n_days), np.cos(omega * day), np.sin(omega * day)])
    (mean, a, b), *_ = np.linalg.lstsq(design, daily, rcond=None)
    amplitude = math.hypot(a, b)
    # a·cos(ωt) + b·sin(ωt) = −A·cos(ω(t − t_min)) with A = √(a² + b²)
    coldest = (math.atan2(-b, -a) / omega) % YEAR_DAYS if amplitude > 0.0 else 0.0
    return AnnualCycle(float(mean), float(amplitude), float(coldest))


def ground_temperature(cycle: AnnualCycle, n_hours: int, depth_m: float, diffusivity_m2_per_day: float) -> np.ndarray:
    """Hourly undisturbed ground temperature at a depth (Kusuda and Achenbach).

    Parameters
    ----------
    cycle : AnnualCycle
        The air temperature's annual cycle (:func:`annual_cycle`).
    n_hours : int
        Hours from the start of the series, >= 1. [h]
    depth_m : float
        Depth below the surface, >= 0 (district-heating pipes lie at about 0.6-1.5 m). [m]
    diffusivity_m2_per_day : float
        Thermal diffusivity of the soil, > 0. [m²/d]

    Returns
    -------
    numpy.ndarray
        (n_hours,) temperature. [°C]

    Examples
    --------
    Deep down the ground keeps the annual mean:

    >>> g = ground_temperature(AnnualCycle(8.0, 8.5, 20.0), 8760, 30.0, 0.05)  # damped by 4e-6
    >>> bool(np.all(np.abs(g - 8.0) < 1e-4))
    True
    """
    if isinstance(n_hours, bool) or not isinstance(n_hours, (int, np.integer)) or n_hours < 1:
        raise ValueError(f"n_hours = {n_hours!r}: must be a whole number >= 1 [h]")
    depth = number("depth_m", depth_m, low=0.0, unit="m")
    alpha = number("diffusivity_m2_per_day", diffusivity_m2_per_day, low=0.0, low_open=True, unit="m2/d")
    t = (np.arange(n_hours) + 0.5) / HOURS_PER_DAY  # the middle of each hour [d]
    damping = math.exp(-depth * math.sqrt(math.pi / (YEAR_DAYS * alpha)))
    lag = depth / 2.0 * math.sqrt(YEAR_DAYS / (math.pi * alpha))
    phase = 2.0 * np.pi / YEAR_DAYS * (t - cycle.coldest_day - lag)
    return cycle.mean_c - cycle.amplitude_k * damping * np.cos(phase)


def network_heat_loss(supply_c, return_c, ground_c, loss_coefficient_mw_per_k: float) -> np.ndarray:
    """Hourly heat lost by the pipes of a network. [MW]

    Parameters
    ----------
    supply_c, return_c : float or (n_h,) array_like
        Supply and return water temperature, return <= supply. [°C]
    ground_c : (n_h,) array_like
        Ground temperature at pipe depth (:func:`ground_temperature`). [°C]
    loss_coefficient_mw_per_k : float
        The network's loss per kelvin of mean water temperature above the ground, >= 0. [MW/K]

    Returns
    -------
    numpy.ndarray
        (n_h,) loss; 0 in an hour whose water is not warmer than the ground. [MW]

    Examples
    --------
    >>> network_heat_loss(80.0, 45.0, [5.0, 10.0], 0.4).tolist()
    [23.0, 21.0]
    """
    ground = number_array("ground_c", ground_c, ndim=1, low=-50.0, high=50.0, unit="°C")
    supply, back = (_hourly_or_constant(name, value, ground.shape)
                    for name, value in (("supply_c", supply_c), ("return_c", return_c)))
    above = back > supply
    if np.any(above):
        h = int(np.argmax(above))
        raise ValueError(f"return_c[{h}] = {float(back[h])!r}: must be <= supply_c[{h}] = {float(supply[h])!r} [°C]")
    ua = number("loss_coefficient_mw_per_k", loss_coefficient_mw_per_k, low=0.0, unit="MW/K")
    return ua * np.maximum((supply + back) / 2.0 - ground, 0.0)


def _hourly_or_constant(name: str, value, shape: tuple) -> np.ndarray:
    array = number_array(name, value, low=0.0, high=200.0, unit="°C")
    if array.ndim != 0 and array.shape != shape:
        raise ValueError(f"{name}: expected one value or {shape[0]} hourly values as ground_c, got shape {array.shape}")
    return np.broadcast_to(array, shape)


def calibrate_loss_coefficient(delivered_mwh: float, loss_share: float, supply_c, return_c, ground_c) -> float:
    """The loss coefficient that loses ``loss_share`` of the heat fed in over the given hours.

    The heat fed in is delivered + lost, so the loss over the hours is
    ``delivered × share / (1 − share)``.

    Parameters
    ----------
    delivered_mwh : float
        Heat delivered to the substations over the hours, > 0. [MWh]
    loss_share : float
        Share of the heat fed in that is lost, in [0, 1). [1]
    supply_c, return_c, ground_c
        As for :func:`network_heat_loss`, over the same hours. [°C]

    Returns
    -------
    float
        Loss coefficient. [MW/K]

    Examples
    --------
    >>> ua = calibrate_loss_coefficient(8000.0, 0.2, 80.0, 45.0, [5.0, 10.0])
    >>> loss = network_heat_loss(80.0, 45.0, [5.0, 10.0], ua).sum()
    >>> round(float(loss / (8000.0 + loss)), 12)
    0.2
    """
    delivered = number("delivered_mwh", delivered_mwh, low=0.0, low_open=True, unit="MWh")
    share = number("loss_share", loss_share, low=0.0, high=1.0, unit="1")
    if share >= 1.0:
        raise ValueError(f"loss_share = {loss_share!r}: must be < 1 [1]")
    kelvin_hours = network_heat_loss(supply_c, return_c, ground_c, 1.0).sum()
    if share > 0.0 and not kelvin_hours > 0.0:
        raise ValueError("supply_c, return_c: the water is never warmer than the ground, so no loss coefficient "
                         f"gives a loss share of {share:g}")
    return float(delivered * share / (1.0 - share) / kelvin_hours) if share > 0.0 else 0.0
