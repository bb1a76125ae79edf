"""Hourly space heating and cooling of buildings: the ISO 13790 5R1C model.

The simple hourly method of ISO 13790:2008 (Annex C) represents a thermal zone by five
thermal resistances and one capacitance: outdoor air, indoor air, a central surface node
and the building mass, linked by the windows, the ventilation and the opaque envelope.
Heating and cooling power per hour follow §C.4.2: the free-floating air temperature is
computed first, and if it lies outside the setpoints the power that brings it back to
the violated setpoint is applied, capped at the system's power.

Functions
---------
simulate_5r1c
    Many buildings from explicit physical parameters, on hourly weather and schedules.
thermal_inputs_from_table
    Map a buildings table (``schemas/buildings.toml``) to the parameters above, with
    constant schedules or, given the weather's time index, hourly schedules by use
    (:mod:`smartcity.energy.profiles`).
simulate_stock
    Both in one call.
facade_weather
    The sun on windows, walls and roof and the sky temperature, for :func:`simulate_stock`.
warmup
    Compile the numba kernel into its on-disk cache.

References
----------
.. [1] ISO 13790:2008, Energy performance of buildings — Calculation of energy use for
   space heating and cooling, Annex C (simple hourly method) and §12 (dynamic
   parameters). ISO 52016-1:2017 replaced it with a multi-node hourly method.

Longer than the house limit of ~700 lines (about 810), about half of them docstrings: the
argument checks of :func:`simulate_5r1c` and the mapping of a buildings table to its
parameters belong to the one model; the kernel is in :mod:`smartcity.energy._kernels`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from smartcity.checks import first_bad
from smartcity.energy import glazing, ground, profiles
from smartcity.errors import InputError
from smartcity.schema.tables import load_schema

__all__ = [
    "WINDOW_ORIENTATIONS",
    "WINDOW_AZIMUTHS_DEG",
    "WINDOW_TILT_DEG",
    "WINDOW_IRRADIANCE_COLUMNS",
    "H_IS_W_M2K",
    "H_MS_W_M2K",
    "A_T_PER_FLOOR_AREA",
    "CONVECTIVE_SHARE",
    "GLASS_EMISSIVITY",
    "AIR_HEAT_CAPACITY_J_M3K",
    "ThermalResult",
    "simulate_5r1c",
    "thermal_inputs_from_table",
    "fill_glazing_panes",
    "fill_floor_perimeter",
    "simulate_stock",
    "FacadeWeather",
    "facade_weather",
    "window_irradiance",
    "warmup",
]

#: Window orientations of a buildings table, in the order of the irradiance columns.
WINDOW_ORIENTATIONS = ("north", "east", "south", "west")
#: Surface azimuth of each orientation, clockwise from north (pvlib convention). [deg]
WINDOW_AZIMUTHS_DEG = (0.0, 90.0, 180.0, 270.0)
#: Tilt of the window planes (vertical). [deg]
WINDOW_TILT_DEG = 90.0
#: Columns of the window irradiance of a buildings table: each orientation for each pane
#: count of :data:`smartcity.energy.glazing.PANES`, in blocks of pane count. [-]
WINDOW_IRRADIANCE_COLUMNS = len(glazing.PANES) * len(WINDOW_ORIENTATIONS)

#: Heat transfer coefficient between air and surface nodes h_is (ISO 13790 §7.2.2.2). [W/(m2 K)]
H_IS_W_M2K = 3.45
#: Heat transfer coefficient between mass and surface nodes h_ms (ISO 13790 §12.2.2). [W/(m2 K)]
H_MS_W_M2K = 9.1
#: Area of all surfaces facing the zone per floor area, A_t / A_f (ISO 13790 §7.2.2.2). [-]
A_T_PER_FLOOR_AREA = 4.5
#: Share of the internal gains given to the air node, phi_ia = 0.5 phi_int (ISO 13790 eq. C.1). [-]
CONVECTIVE_SHARE = 0.5
#: External surface resistance of walls and roofs, R_se (ISO 6946:2017 Table 7). [m2 K/W]
R_SE_M2K_W = 0.04
#: External radiative heat transfer coefficient per unit emissivity, h_r = 5 eps (ISO 13790
#: §11.4.6, the standard's first approximation, about 10 °C mean surface and sky). [W/(m2 K)]
H_R_PER_EMISSIVITY_W_M2K = 5.0
#: Form factor between an element and the sky F_r: 1 for an unshaded horizontal roof, 0.5 for
#: an unshaded vertical wall (ISO 13790 §11.4.6). [-]
SKY_FORM_FACTOR_ROOF = 1.0
SKY_FORM_FACTOR_WALL = 0.5
#: Long-wave emissivity of the outer glass surface of a window: uncoated soda-lime glass,
#: corrected emissivity (EN 673:2011 Annex A; low-e coatings sit on the inner faces). [-]
GLASS_EMISSIVITY = 0.837
#: Planes of the opaque elements of a buildings table: walls facing the
#: :data:`WINDOW_ORIENTATIONS` (a table gives one wall area, split equally between them:
#: assumption, a plan with four equal facades) and a roof, taken flat (tilt 0; assumption:
#: a pitched roof's faces together receive about the horizontal's irradiance). [deg]
OPAQUE_TILTS_DEG = (90.0, 90.0, 90.0, 90.0, 0.0)
OPAQUE_AZIMUTHS_DEG = (0.0, 90.0, 180.0, 270.0, 180.0)
#: Volumetric heat capacity of air, rho_a c_a (ISO 13790 §9.3.1). [J/(m3 K)]
AIR_HEAT_CAPACITY_J_M3K = 1200.0


@dataclass(frozen=True)
class ThermalResult:
    """Results of a 5R1C simulation.

    Per-building values are for ONE building of a row (multiply by the row's weight,
    the table's ``count``, for the row's total); the hourly group sums are weighted.
    Energies are sums of hourly powers over the simulated hours (warm-up excluded).

    Attributes
    ----------
    heating_wh : (n_b,) ndarray
        Space-heating need. [Wh]
    cooling_wh : (n_b,) ndarray
        Space-cooling need, positive. [Wh]
    peak_heating_w : (n_b,) ndarray
        Highest hourly heating power. [W]
    peak_cooling_w : (n_b,) ndarray
        Highest hourly cooling power, positive. [W]
    unmet_heating_hours : (n_b,) int64 ndarray
        Hours in which the heating power limit kept the air below its setpoint. [h]
    unmet_cooling_hours : (n_b,) int64 ndarray
        Hours in which the cooling power limit kept the air above its setpoint; with
        ``max_cooling_w = 0`` (no cooling system), the overheating hours. [h]
    window_transmission_wh : (n_b,) ndarray
        Heat lost through the windows, H_tr_w (theta_s - theta_e), plus the share
        H_tr_w / (9.1 A_t) of the internal and solar gains that ISO 13790 eq. (C.3)
        does not deliver to the zone (it falls on the glazing and leaves). [Wh]
    opaque_transmission_wh : (n_b,) ndarray
        Heat lost through the opaque envelope, H_tr_em (theta_m - theta_e). [Wh]
    ventilation_wh : (n_b,) ndarray
        Heat lost by ventilation, H_ve (theta_air - theta_sup). [Wh]
    internal_gains_wh : (n_b,) ndarray
        Internal heat gains. [Wh]
    solar_gains_wh : (n_b,) ndarray
        Solar heat gains through the windows. [Wh]
    opaque_solar_gains_wh : (n_b,) ndarray
        Solar heat absorbed by walls and roof that reaches the zone, alpha R_se U A I
        (ISO 13790 §11.3.4). [Wh]
    sky_loss_wh : (n_b,) ndarray
        Heat radiated from walls and roof to the sky beyond what the air takes, F_r R_se U
        A h_r (theta_e - theta_sky) (ISO 13790 §11.3.5), a loss. [Wh]
    stored_heat_change_wh : (n_b,) ndarray
        Change of heat stored in the mass, C_m (theta_m,end - theta_m,start). [Wh]
    heating_by_group_w : (n_groups, n_h) ndarray
        Hourly heating power of each group, weighted sum over its buildings. [W]
    cooling_by_group_w : (n_groups, n_h) ndarray
        Hourly cooling power of each group, positive, weighted sum. [W]

    Notes
    -----
    The air and surface nodes hold no heat, so for every building
    ``heating - cooling + internal + solar + opaque solar - sky - window - opaque -
    ventilation = stored``
    up to rounding; :attr:`balance_residual_wh` returns the left side minus the right.
    """

    heating_wh: np.ndarray
    cooling_wh: np.ndarray
    peak_heating_w: np.ndarray
    peak_cooling_w: np.ndarray
    unmet_heating_hours: np.ndarray
    unmet_cooling_hours: np.ndarray
    window_transmission_wh: np.ndarray
    opaque_transmission_wh: np.ndarray
    ventilation_wh: np.ndarray
    internal_gains_wh: np.ndarray
    solar_gains_wh: np.ndarray
    stored_heat_change_wh: np.ndarray
    opaque_solar_gains_wh: np.ndarray
    sky_loss_wh: np.ndarray
    heating_by_group_w: np.ndarray
    cooling_by_group_w: np.ndarray

    @property
    def balance_residual_wh(self) -> np.ndarray:
        """Energy-balance residual per building, zero up to rounding. [Wh]"""
        return (
            self.heating_wh
            - self.cooling_wh
            + self.internal_gains_wh
            + self.solar_gains_wh
            + self.opaque_solar_gains_wh
            - self.sky_loss_wh
            - self.window_transmission_wh
            - self.opaque_transmission_wh
            - self.ventilation_wh
            - self.stored_heat_change_wh
        )

    def as_dict(self) -> dict[str, np.ndarray]:
        """The fields as a dict of arrays."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


# --------------------------------------------------------------------------------------
# Argument checks
# --------------------------------------------------------------------------------------


def _float_array(name: str, value, ndim: int) -> np.ndarray:
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name}: expected an array of numbers; {exc}") from None
    if array.ndim != ndim:
        raise ValueError(f"{name}: expected a {ndim}-D array, got shape {array.shape}")
    # The kernel is compiled for C-contiguous writeable arrays: always pass those.
    return np.require(array, dtype=np.float64, requirements=["C", "W", "A"])


def _per_building(name, value, n_b, *, low=None, strict=False, allow_inf=False, unit=""):
    array = _float_array(name, np.broadcast_to(value, (n_b,)) if np.ndim(value) == 0 else value, 1)
    if array.shape != (n_b,):
        raise ValueError(
            f"{name}: expected shape ({n_b},) (one value per building), got {array.shape}"
        )
    bad = np.isnan(array) if allow_inf else ~np.isfinite(array)
    first_bad(name, array, bad, "must be a finite number" if not allow_inf else "must not be NaN")
    if low is not None:
        bad = array <= low if strict else array < low
        first_bad(name, array, bad, f"must be {'>' if strict else '>='} {low:g} [{unit}]")
    return array


def _index_array(name: str, value, n_b: int, n_max: int | None, what: str) -> np.ndarray:
    """Check an index per building; ``n_max=None`` only requires >= 0."""
    array = np.asarray(value)
    if array.ndim == 0:
        array = np.broadcast_to(array, (n_b,))
    if array.shape != (n_b,):
        raise ValueError(
            f"{name}: expected shape ({n_b},) (one value per building), got {array.shape}"
        )
    if array.dtype.kind not in "iu":
        integral = array.dtype.kind == "f" and np.all(np.isfinite(array))
        if not (integral and np.all(array == np.round(array))):
            raise ValueError(f"{name}: expected integers, got dtype {array.dtype}")
    array = np.require(array.astype(np.int64), dtype=np.int64, requirements=["C", "W", "A"])
    if n_max is None:
        first_bad(name, array, array < 0, f"must be an index of {what}, >= 0")
    else:
        bad = (array < 0) | (array >= n_max)
        first_bad(name, array, bad, f"must be an index of {what} in [0, {n_max - 1}]")
    return array


def _schedule(name: str, value, n_h: int, n_s: int | None, *, unit: str) -> np.ndarray:
    array = np.asarray(value, dtype=np.float64)
    if array.ndim == 1:
        array = array[None, :]
    if array.ndim != 2 or array.shape[1] not in (1, n_h):
        raise ValueError(
            f"{name}: expected shape (n_schedules, {n_h}) or (n_schedules, 1) for constant "
            f"schedules, got {np.shape(value)}"
        )
    if n_s is not None and array.shape[0] != n_s:
        raise ValueError(
            f"{name}: expected {n_s} schedules (rows) like internal_gains, got {array.shape[0]}"
        )
    array = np.require(np.broadcast_to(array, (array.shape[0], n_h)), np.float64, ["C", "W", "A"])
    first_bad(name, array, ~np.isfinite(array), f"must be a finite number [{unit}]")
    return array


def _nonneg_int(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise ValueError(f"{name} = {value!r}: must be an integer >= 0")
    return int(value)


# --------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------


def simulate_5r1c(
    *,
    floor_area,
    h_tr_w,
    h_tr_op,
    h_ve,
    c_m,
    a_m,
    theta_e,
    irradiance,
    solar_aperture,
    internal_gains,
    heating_setpoint,
    cooling_setpoint,
    max_heating_w=np.inf,
    max_cooling_w=np.inf,
    schedule_index=0,
    group_index=0,
    weight=1.0,
    n_groups=None,
    warmup_hours=168,
    a_t=None,
    h_is=H_IS_W_M2K,
    convective_share=CONVECTIVE_SHARE,
    opaque_irradiance=None,
    opaque_aperture=None,
    sky_loss_coefficient=None,
    sky_temperature_difference=None,
    ground_conductance=None,
    ground_swing_ratio=None,
    ground_mean_temperature=None,
    ground_swing=None,
) -> ThermalResult:
    """Simulate the hourly heating and cooling need of buildings with ISO 13790 5R1C.

    Each building is one thermal zone of the simple hourly method of ISO 13790 Annex C.
    Every hour the free-floating state is computed from the mass temperature of the
    previous hour; if the air temperature is below the heating setpoint (above the
    cooling setpoint), the power that brings it to the setpoint is applied, capped at
    the building's maximum power (§C.4.2), and the state is recomputed with it. The
    series is treated as periodic: its last ``warmup_hours`` hours are simulated first,
    starting from the mass at the heating setpoint of hour 0, to set the initial state.

    Buildings run in parallel (numba); results do not depend on the number of threads.
    Memory is O(n_b + n_groups × n_h).

    Parameters
    ----------
    floor_area : (n_b,) array_like
        Conditioned floor area A_f of one building. [m2]
    h_tr_w : (n_b,) array_like
        Transmission heat transfer coefficient of the windows, H_tr_w = sum U A. [W/K]
    h_tr_op : (n_b,) array_like
        Transmission heat transfer coefficient of the opaque elements H_tr_op (walls,
        roof, floor, thermal bridges). Split into H_tr_em and H_tr_ms as in ISO 13790
        §12.2.2: 1/H_tr_em = 1/H_tr_op - 1/H_tr_ms, so it must be below
        H_tr_ms = 9.1 W/(m2 K) × a_m. [W/K]
    h_ve : (n_b,) array_like
        Ventilation heat transfer coefficient, heat recovery already applied,
        rho_a c_a q (1 - eta). [W/K]
    c_m : (n_b,) array_like
        Internal heat capacity C_m of one building. [J/K]
    a_m : (n_b,) array_like
        Effective mass area A_m, at most A_t (``a_t``, default 4.5 × floor_area). [m2]
    theta_e : (n_h,) array_like
        Hourly outdoor air temperature, also used as supply air temperature. [°C]
    irradiance : (n_h, n_o) array_like
        Hourly irradiance on the plane of each window orientation, e.g. the order of
        :data:`WINDOW_ORIENTATIONS`. [W/m2]
    solar_aperture : (n_b, n_o) array_like
        Effective solar collecting area per orientation: window area × g-value ×
        reduction factor (frame, shading, incidence). [m2]
    internal_gains : (n_s, n_h) or (n_s, 1) array_like
        Internal heat gains per floor area for each schedule; a single column means
        constant over time, a 1-D array one schedule. [W/m2]
    heating_setpoint : (n_s, n_h) or (n_s, 1) array_like
        Air temperature below which the building is heated. [°C]
    cooling_setpoint : (n_s, n_h) or (n_s, 1) array_like
        Air temperature above which the building is cooled, >= heating setpoint; use
        a high value (e.g. 50) for no cooling. [°C]
    max_heating_w : (n_b,) array_like or float, default inf
        Heating power available, >= 0. [W]
    max_cooling_w : (n_b,) array_like or float, default inf
        Cooling power available, >= 0. [W]
    schedule_index : (n_b,) array_like of int or int, default 0
        Schedule (row of the schedule arrays) of each building. [-]
    group_index : (n_b,) array_like of int or int, default 0
        Group of each building for the hourly sums (zone, carrier, use, ...). [-]
    weight : (n_b,) array_like or float, default 1
        Number of identical buildings each row stands for, >= 0; weights the hourly
        group sums only. [-]
    n_groups : int, optional
        Number of groups; default ``max(group_index) + 1``. [-]
    warmup_hours : int, default 168
        Hours simulated before the series to set the initial mass temperature. [h]
    a_t : (n_b,) array_like, optional
        Area of all surfaces facing the zone A_t, at least ``a_m``; default
        :data:`A_T_PER_FLOOR_AREA` × ``floor_area`` (ISO 13790 §7.2.2.2). [m2]
    h_is : (n_b,) array_like or float, default :data:`H_IS_W_M2K`
        Heat transfer coefficient between the air and surface nodes, > 0 (ISO 13790
        §7.2.2.2: 3.45). [W/(m2 K)]
    convective_share : (n_b,) array_like or float, default :data:`CONVECTIVE_SHARE`
        Share of the internal gains that heats the air directly, in [0, 1] (ISO 13790
        (C.1): 0.5); the rest is radiated to the surfaces and the mass as the sun's
        gains are. [-]
    opaque_irradiance : (n_h, n_p) array_like, optional
        Hourly total irradiance on the planes of the opaque elements (walls, roof). [W/m2]
    opaque_aperture : (n_b, n_p) array_like, optional
        Effective solar collecting area of the opaque elements on each plane,
        alpha R_se U A (ISO 13790 §11.3.4); given with ``opaque_irradiance``. [m2]
    sky_loss_coefficient : (n_b,) array_like, optional
        F_r R_se U A h_r summed over the opaque elements (ISO 13790 §11.3.5), >= 0; given
        with ``sky_temperature_difference``. [W/K]
    sky_temperature_difference : (n_h,) array_like, optional
        Outdoor air minus effective sky temperature, theta_e - theta_sky. [K]
    ground_conductance : (n_b,) array_like, optional
        The part H_g of ``h_tr_op`` that leads to the ground (the ground floor's U A, U with
        the ground's effect), in [0, h_tr_op]; it exchanges heat with the ground-side
        temperature ``ground_mean_temperature + ground_swing_ratio × ground_swing`` instead
        of the outdoor air (ISO 13370; :mod:`smartcity.energy.ground`). Give the four
        ``ground_*`` arguments together or none (then the whole of ``h_tr_op`` sees
        ``theta_e``). [W/K]
    ground_swing_ratio : (n_b,) array_like, optional
        H_pe / H_g of each building's floor, >= 0 (:func:`smartcity.energy.ground.ground_parameters`). [-]
    ground_mean_temperature : float, optional
        Annual mean outdoor air temperature. [°C]
    ground_swing : (n_h,) array_like, optional
        Annual swing of the ground-side temperature per unit ratio
        (:func:`smartcity.energy.ground.ground_swing`). [K]

    Returns
    -------
    ThermalResult
        Per-building energies, peaks, unmet hours and energy-balance terms, and hourly
        heating and cooling by group.

    Raises
    ------
    ValueError
        If an argument has the wrong shape or a value out of range; the message names
        the argument, the index and the value.

    See Also
    --------
    simulate_stock : the same from a buildings table.

    Notes
    -----
    H_tr_is = h_is × A_t (the standard: 3.45 W/(m2 K) × 4.5 A_f), H_tr_ms = 9.1 W/(m2 K) ×
    A_m. Gains are split as in eqs. (C.1)-(C.3): the convective share of the internal
    gains (the standard: half) to the air node, the rest and the solar gains to the mass
    and surface nodes by area; the share H_tr_w / (9.1 A_t) is lost through the glazing.
    The solar gains phi_sol of (C.2)-(C.3) are, as in ISO 13790 §11.3.2, those through the
    windows plus those absorbed by the opaque elements minus their radiation to the sky. With
    the ``ground_*`` arguments, the floor's share H_g / H_tr_op of H_tr_em sees the ground-side
    temperature theta_gr,b(t) instead of theta_e, i.e. H_tr_em H_g / H_tr_op (theta_gr - theta_e)
    flows into the mass node (ISO 13790 §8.3 puts the ground floor in H_tr_em; theta_gr from
    ISO 13370, :mod:`smartcity.energy.ground`). The air temperature is the
    controlled temperature. Because it is affine in the heating power, the power that
    reaches a setpoint is computed exactly as (theta_set - theta_air,0) divided by the
    slope, which equals the interpolation with 10 W/m2 of §C.4.2.

    References
    ----------
    .. [1] ISO 13790:2008, Energy performance of buildings — Calculation of energy use
       for space heating and cooling, Annex C, eqs. (C.1)-(C.11) and §C.4.2; §12.2.2
       for H_tr_em and H_tr_ms.

    Examples
    --------
    >>> import numpy as np
    >>> n_h = 48
    >>> r = simulate_5r1c(
    ...     floor_area=[100.0], h_tr_w=[40.0], h_tr_op=[80.0], h_ve=[30.0],
    ...     c_m=[165e3 * 100], a_m=[250.0], theta_e=np.zeros(n_h),
    ...     irradiance=np.zeros((n_h, 4)), solar_aperture=np.zeros((1, 4)),
    ...     internal_gains=[[0.0]], heating_setpoint=[[20.0]], cooling_setpoint=[[26.0]],
    ...     warmup_hours=24 * 60)
    >>> # steady state: (H_ve + 1/(1/H_tr_is + 1/(H_tr_w + H_tr_op))) x 20 K
    >>> round(float(r.peak_heating_w[0]), 1)
    2827.8
    """
    n_b = np.size(floor_area)
    a_f = _per_building("floor_area", floor_area, n_b, low=0.0, strict=True, unit="m2")
    h_tr_w = _per_building("h_tr_w", h_tr_w, n_b, low=0.0, unit="W/K")
    h_tr_op = _per_building("h_tr_op", h_tr_op, n_b, low=0.0, unit="W/K")
    h_ve = _per_building("h_ve", h_ve, n_b, low=0.0, unit="W/K")
    c_m = _per_building("c_m", c_m, n_b, low=0.0, strict=True, unit="J/K")
    a_m = _per_building("a_m", a_m, n_b, low=0.0, strict=True, unit="m2")
    max_heating_w = _per_building(
        "max_heating_w", max_heating_w, n_b, low=0.0, allow_inf=True, unit="W"
    )
    max_cooling_w = _per_building(
        "max_cooling_w", max_cooling_w, n_b, low=0.0, allow_inf=True, unit="W"
    )
    weight = _per_building("weight", weight, n_b, low=0.0, unit="-")
    if n_b == 0:
        raise ValueError("floor_area: at least one building is needed")

    if a_t is None:
        a_t = A_T_PER_FLOOR_AREA * a_f
    a_t = _per_building("a_t", a_t, n_b, low=0.0, strict=True, unit="m2")
    h_is = _per_building("h_is", h_is, n_b, low=0.0, strict=True, unit="W/(m2 K)")
    convective_share = _per_building("convective_share", convective_share, n_b, low=0.0, unit="-")
    first_bad("convective_share", convective_share, convective_share > 1.0, "must be <= 1 [-]")
    first_bad(
        "a_m", a_m, a_m > a_t,
        "the mass area must not exceed A_t, the area of all surfaces facing the zone (default "
        "4.5 x floor_area; more than all the gains would go to the mass) [m2]",
    )
    # (C.3): the surface node's share of the gains must not be negative.
    gain_shares = a_m / a_t + h_tr_w / (H_MS_W_M2K * a_t)
    first_bad(
        "h_tr_w", h_tr_w, gain_shares > 1.0,
        "with a_m, it sends more than all the gains out of the zone (A_m/A_t + "
        "H_tr_w/(9.1 A_t) > 1, ISO 13790 eq. C.3); check the window U-values and areas [W/K]",
    )
    h_tr_ms = H_MS_W_M2K * a_m
    first_bad(
        "h_tr_op", h_tr_op, h_tr_op >= h_tr_ms,
        "must be below H_tr_ms = 9.1 W/(m2 K) x a_m, since 1/H_tr_em = 1/H_tr_op - "
        "1/H_tr_ms (ISO 13790 §12.2.2); increase a_m or check the U-values [W/K]",
    )
    # 1/H_tr_em = 1/H_tr_op - 1/H_tr_ms, written so that H_tr_op = 0 gives 0.
    h_tr_em = np.ascontiguousarray(h_tr_op * h_tr_ms / (h_tr_ms - h_tr_op))
    h_tr_is = np.ascontiguousarray(h_is * a_t)

    theta_e = _float_array("theta_e", theta_e, 1)
    n_h = theta_e.shape[0]
    if n_h == 0:
        raise ValueError("theta_e: at least one hour is needed")
    first_bad("theta_e", theta_e, ~np.isfinite(theta_e), "must be a finite number [°C]")
    irradiance = _float_array("irradiance", irradiance, 2)
    if irradiance.shape[0] != n_h:
        raise ValueError(
            f"irradiance: expected shape ({n_h}, n_orientations) (one row per hour of "
            f"theta_e), got {irradiance.shape}"
        )
    n_o = irradiance.shape[1]
    first_bad("irradiance", irradiance, ~np.isfinite(irradiance), "must be a finite number [W/m2]")
    first_bad("irradiance", irradiance, irradiance < 0.0, "must be >= 0 [W/m2]")
    solar_aperture = _float_array("solar_aperture", solar_aperture, 2)
    if solar_aperture.shape != (n_b, n_o):
        raise ValueError(
            f"solar_aperture: expected shape ({n_b}, {n_o}) (buildings x orientations of "
            f"irradiance), got {solar_aperture.shape}"
        )
    first_bad(
        "solar_aperture", solar_aperture, ~np.isfinite(solar_aperture),
        "must be a finite number [m2]",
    )
    first_bad("solar_aperture", solar_aperture, solar_aperture < 0.0, "must be >= 0 [m2]")
    if (opaque_irradiance is None) != (opaque_aperture is None):
        raise ValueError("opaque_irradiance and opaque_aperture: give both or neither")
    if opaque_irradiance is not None:
        opaque_irradiance = _float_array("opaque_irradiance", opaque_irradiance, 2)
        if opaque_irradiance.shape[0] != n_h:
            raise ValueError(f"opaque_irradiance: expected shape ({n_h}, n_planes), got {opaque_irradiance.shape}")
        first_bad("opaque_irradiance", opaque_irradiance, ~np.isfinite(opaque_irradiance) | (opaque_irradiance < 0.0),
                  "must be a finite number >= 0 [W/m2]")
        opaque_aperture = _float_array("opaque_aperture", opaque_aperture, 2)
        if opaque_aperture.shape != (n_b, opaque_irradiance.shape[1]):
            raise ValueError(f"opaque_aperture: expected shape ({n_b}, {opaque_irradiance.shape[1]}) (buildings x "
                             f"planes of opaque_irradiance), got {opaque_aperture.shape}")
        first_bad("opaque_aperture", opaque_aperture, ~np.isfinite(opaque_aperture) | (opaque_aperture < 0.0),
                  "must be a finite number >= 0 [m2]")
    if (sky_loss_coefficient is None) != (sky_temperature_difference is None):
        raise ValueError("sky_loss_coefficient and sky_temperature_difference: give both or neither")
    if sky_loss_coefficient is not None:
        sky_loss_coefficient = _per_building("sky_loss_coefficient", sky_loss_coefficient, n_b, low=0.0, unit="W/K")
        sky_temperature_difference = _float_array("sky_temperature_difference", sky_temperature_difference, 1)
        if sky_temperature_difference.shape != (n_h,):
            raise ValueError(f"sky_temperature_difference: expected shape ({n_h},) (one value per hour of "
                             f"theta_e), got {sky_temperature_difference.shape}")
        first_bad("sky_temperature_difference", sky_temperature_difference, ~np.isfinite(sky_temperature_difference),
                  "must be a finite number [K]")

    ground = (ground_conductance, ground_swing_ratio, ground_mean_temperature, ground_swing)
    if any(g is None for g in ground) and not all(g is None for g in ground):
        raise ValueError("ground_conductance, ground_swing_ratio, ground_mean_temperature and ground_swing: "
                         "give all four or none")
    mass_drivers, mass_coefficients = np.zeros((n_h, 0)), np.zeros((n_b, 0))
    if ground_conductance is not None:
        ground_conductance = _per_building("ground_conductance", ground_conductance, n_b, low=0.0, unit="W/K")
        first_bad("ground_conductance", ground_conductance, ground_conductance > h_tr_op * (1.0 + 1e-12),
                  "must not exceed h_tr_op, of which it is the part through the ground [W/K]")
        ground_swing_ratio = _per_building("ground_swing_ratio", ground_swing_ratio, n_b, low=0.0, unit="-")
        if not np.isfinite(ground_mean_temperature):
            raise ValueError(f"ground_mean_temperature = {ground_mean_temperature!r}: must be a finite number [°C]")
        ground_swing = _float_array("ground_swing", ground_swing, 1)
        if ground_swing.shape != (n_h,):
            raise ValueError(f"ground_swing: expected shape ({n_h},) (one value per hour of theta_e), "
                             f"got {ground_swing.shape}")
        first_bad("ground_swing", ground_swing, ~np.isfinite(ground_swing), "must be a finite number [K]")
        # The floor's share H_g / H_tr_op of H_tr_em sees theta_gr instead of theta_e: heat
        # H_tr_em H_g / H_tr_op (theta_gr - theta_e) flows into the mass node.
        share = np.divide(ground_conductance, h_tr_op, out=np.zeros(n_b), where=h_tr_op > 0.0)
        k = h_tr_em * np.minimum(share, 1.0)
        mass_drivers = np.ascontiguousarray(np.column_stack([float(ground_mean_temperature) - theta_e, ground_swing]))
        mass_coefficients = np.ascontiguousarray(np.column_stack([k, k * ground_swing_ratio]))

    internal_gains = _schedule("internal_gains", internal_gains, n_h, None, unit="W/m2")
    n_s = internal_gains.shape[0]
    first_bad("internal_gains", internal_gains, internal_gains < 0.0, "must be >= 0 [W/m2]")
    heating_setpoint = _schedule("heating_setpoint", heating_setpoint, n_h, n_s, unit="°C")
    cooling_setpoint = _schedule("cooling_setpoint", cooling_setpoint, n_h, n_s, unit="°C")
    first_bad(
        "heating_setpoint", heating_setpoint, heating_setpoint > cooling_setpoint,
        "must not exceed the cooling setpoint of the same schedule and hour [°C]",
    )

    schedule_index = _index_array("schedule_index", schedule_index, n_b, n_s, "the schedules")
    if n_groups is None:
        checked = _index_array("group_index", group_index, n_b, None, "the groups")
        n_groups = int(np.max(checked)) + 1
    if isinstance(n_groups, bool) or not isinstance(n_groups, (int, np.integer)) or n_groups < 1:
        raise ValueError(f"n_groups = {n_groups!r}: must be an integer >= 1")
    n_groups = int(n_groups)
    group_index = _index_array("group_index", group_index, n_b, n_groups, "the groups")
    warmup_hours = _nonneg_int("warmup_hours", warmup_hours)

    out = {
        "heating_wh": np.zeros(n_b),
        "cooling_wh": np.zeros(n_b),
        "peak_heating_w": np.zeros(n_b),
        "peak_cooling_w": np.zeros(n_b),
        "unmet_heating_hours": np.zeros(n_b, dtype=np.int64),
        "unmet_cooling_hours": np.zeros(n_b, dtype=np.int64),
    }
    import numba  # the kernel and its compiler load on the first simulation, not with the module

    from smartcity.energy import _kernels

    balance = np.zeros((n_b, len(_kernels.BALANCE_TERMS)))
    heating_by_group = np.zeros((n_groups, n_h))
    cooling_by_group = np.zeros((n_groups, n_h))
    # One chunk of work: run it on this thread alone (waking idle threads for it costs more
    # than the simulation of a small stock); the results do not depend on the threads.
    threads = numba.get_num_threads()
    if threads > 1 and _kernels.n_chunks(n_b, n_groups, n_h) == 1:
        numba.set_num_threads(1)
    # The opaque elements' sun and sky are more columns of phi_sol: planes of the opaque
    # elements, and the sky as a "plane" whose driver is -(theta_e - theta_sky).
    drivers = [irradiance] + ([opaque_irradiance] if opaque_irradiance is not None else []) + (
        [-sky_temperature_difference[:, None]] if sky_loss_coefficient is not None else [])
    apertures = [solar_aperture] + ([opaque_aperture] if opaque_irradiance is not None else []) + (
        [sky_loss_coefficient[:, None]] if sky_loss_coefficient is not None else [])
    all_drivers = np.ascontiguousarray(np.concatenate(drivers, axis=1)) if len(drivers) > 1 else irradiance
    all_apertures = np.ascontiguousarray(np.concatenate(apertures, axis=1)) if len(apertures) > 1 else solar_aperture
    try:
        _kernels.simulate_5r1c_kernel(
            h_tr_w, h_tr_em, h_tr_ms, h_tr_is, h_ve, c_m, a_m, a_t, a_f, convective_share,
            max_heating_w, max_cooling_w, schedule_index, group_index, weight,
            theta_e, all_drivers, all_apertures, mass_drivers, mass_coefficients,
            internal_gains, heating_setpoint, cooling_setpoint,
            n_groups, warmup_hours,
            out["heating_wh"], out["cooling_wh"], out["peak_heating_w"], out["peak_cooling_w"],
            out["unmet_heating_hours"], out["unmet_cooling_hours"], balance,
            heating_by_group, cooling_by_group,
        )  # fmt: skip
    finally:
        numba.set_num_threads(threads)
    terms = {f"{name}_wh": balance[:, i].copy() for i, name in enumerate(_kernels.BALANCE_TERMS)}
    # The kernel's solar term is the net phi_sol; its parts from the hourly sums.
    terms["solar_gains_wh"] = solar_aperture @ irradiance.sum(axis=0)
    terms["opaque_solar_gains_wh"] = (opaque_aperture @ opaque_irradiance.sum(axis=0) if opaque_irradiance is not None
                                      else np.zeros(n_b))
    terms["sky_loss_wh"] = (sky_loss_coefficient * sky_temperature_difference.sum() if sky_loss_coefficient is not None
                            else np.zeros(n_b))
    return ThermalResult(
        **out, **terms, heating_by_group_w=heating_by_group, cooling_by_group_w=cooling_by_group
    )


@functools.cache
def _schema_defaults() -> dict[str, object]:
    """Column defaults of the buildings schema (read once)."""
    return {c.name: c.default for c in load_schema("buildings").column if c.default is not None}


_TABLE_COLUMNS = (
    "heated_floor_area_m2",
    "room_height_m",
    "wall_area_m2",
    "roof_area_m2",
    "ground_floor_area_m2",
    *(f"window_area_{o}_m2" for o in WINDOW_ORIENTATIONS),
    "u_wall_w_m2k",
    "u_roof_w_m2k",
    "u_floor_w_m2k",
    "u_window_w_m2k",
    "g_window",
    "frame_fraction",
    "shading_factor",
    "absorptance_wall",
    "absorptance_roof",
    "emissivity_envelope",
    "surface_area_factor",
    "surface_heat_transfer_w_m2k",
    "internal_gains_convective_share",
    "ground_conductivity_w_mk",
    "ground_heat_capacity_j_m3k",
    "heat_capacity_j_m2k",
    "mass_area_factor",
    "ventilation_ach",
    "heat_recovery_efficiency",
    "internal_gains_w_m2",
    "heating_setpoint_c",
    "cooling_setpoint_c",
    "count",
)


def _numbers_and_blanks(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """A column's numbers (NaN where not a number) and where its cells are empty (missing, or
    blank text) for a filler to complete."""
    given = pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64)
    empty = np.array(series.isna(), dtype=bool)  # a writable copy
    if not pd.api.types.is_numeric_dtype(series):  # text cells: a blank one is empty too
        empty |= series.astype(str).str.strip().eq("").to_numpy()
    return given, empty


def _glazing_panes(buildings: pd.DataFrame, u_window: np.ndarray) -> np.ndarray:
    """Pane count of each row: the ``glazing_panes`` column, or where it is absent or empty
    the default of the row's window U-value (:func:`smartcity.energy.glazing.default_panes`)."""
    panes = glazing.default_panes(u_window)
    if "glazing_panes" not in buildings.columns:
        return panes
    series = buildings["glazing_panes"]
    given, empty = _numbers_and_blanks(series)
    bad = ~empty & ~np.isin(given, np.asarray(glazing.PANES, dtype=np.float64))
    if bad.any():
        row = int(np.argmax(bad))
        raise InputError("not a pane count the glazing model knows", row=row + 1, column="glazing_panes",
                         value=series.iloc[row], allowed=", ".join(str(n) for n in glazing.PANES) + " or empty")
    return np.where(empty, panes, np.nan_to_num(given)).astype(np.int64)


def fill_glazing_panes(buildings: pd.DataFrame) -> pd.DataFrame:
    """A copy of a buildings table with every ``glazing_panes`` cell given.

    Parameters
    ----------
    buildings : pandas.DataFrame
        Buildings table (``schemas/buildings.toml``) with ``u_window_w_m2k`` given (after
        :func:`smartcity.energy.archetypes.fill_archetype_defaults`).

    Returns
    -------
    pandas.DataFrame
        ``attrs`` kept; ``glazing_panes`` (int64) as given, and where absent or empty
        :func:`smartcity.energy.glazing.default_panes` of the row's window U-value.

    Raises
    ------
    InputError
        A pane count that is not one of :data:`smartcity.energy.glazing.PANES`.
    """
    u_window = pd.to_numeric(buildings["u_window_w_m2k"], errors="coerce").to_numpy(dtype=np.float64)
    out = buildings.copy()  # attrs (source file and lines) included
    out["glazing_panes"] = _glazing_panes(buildings, u_window)
    return out


def _floor_perimeter(buildings: pd.DataFrame, area: np.ndarray) -> np.ndarray:
    """Exposed ground-floor perimeter of each row: the ``floor_perimeter_m`` column, or where
    it is absent or empty that of a 2:1 rectangle of the ground floor area, 3 sqrt(2 A)."""
    default = 3.0 * np.sqrt(2.0 * np.maximum(area, 0.0))
    if "floor_perimeter_m" not in buildings.columns:
        return default
    series = buildings["floor_perimeter_m"]
    given, empty = _numbers_and_blanks(series)
    bad = ~empty & ~(np.isfinite(given) & (given >= 0.0))
    if bad.any():
        row = int(np.argmax(bad))
        raise InputError("not a perimeter", row=row + 1, column="floor_perimeter_m", value=series.iloc[row],
                         allowed="a finite number >= 0 [m] or empty")
    return np.where(empty, default, given)


def fill_floor_perimeter(buildings: pd.DataFrame) -> pd.DataFrame:
    """A copy of a buildings table with every ``floor_perimeter_m`` cell given.

    Parameters
    ----------
    buildings : pandas.DataFrame
        Buildings table (``schemas/buildings.toml``) with ``ground_floor_area_m2`` given
        (after :func:`smartcity.energy.archetypes.fill_archetype_defaults`).

    Returns
    -------
    pandas.DataFrame
        ``attrs`` kept; ``floor_perimeter_m`` as given, and where absent or empty the
        perimeter of a 2:1 rectangle of the row's ground floor area, 3 sqrt(2 A) [m].
    """
    area = pd.to_numeric(buildings["ground_floor_area_m2"], errors="coerce").to_numpy(dtype=np.float64)
    out = buildings.copy()  # attrs (source file and lines) included
    out["floor_perimeter_m"] = _floor_perimeter(buildings, area)
    return out


def thermal_inputs_from_table(
    buildings: pd.DataFrame, index: pd.DatetimeIndex | None = None
) -> dict[str, np.ndarray]:
    """Map a buildings table to the keyword arguments of :func:`simulate_5r1c`.

    ``opaque_aperture`` and ``sky_loss_coefficient`` go to :func:`simulate_5r1c` together with
    the opaque planes' irradiance and the sky temperature difference of a
    :class:`FacadeWeather` (:func:`simulate_stock` does it); without those, leave them out.

    Parameters
    ----------
    buildings : pandas.DataFrame
        One row per building (or per ``count`` identical buildings) with the columns of
        ``smartcity/schemas/buildings.toml``. Columns with a default in the schema
        may be missing; the default is used. Missing values of the columns filled from
        use profiles (``internal_gains_w_m2``, ``heating_setback_k``) take the default
        of the row's ``use`` (:func:`smartcity.energy.profiles.fill_use_defaults`).
    index : pandas.DatetimeIndex, optional
        The simulated hours, e.g. the weather's index. If given, the schedules are
        hourly by use (:func:`smartcity.energy.profiles.hourly_schedules`): internal
        gains shaped by use, weekday and weekend with the row's annual mean, and the
        heating setpoint lowered by ``heating_setback_k`` in the use's setback hours.
        Without it the schedules are constant and ``heating_setback_k`` is not used.

    Returns
    -------
    dict
        ``floor_area`` [m2], ``h_tr_w`` = U_window × window area [W/K], ``h_tr_op`` =
        U_wall A_wall + U_roof A_roof + U_floor A_floor [W/K], ``h_ve`` = ach × A_f ×
        room height × 1200 J/(m3 K) / 3600 s × (1 - heat recovery efficiency) [W/K],
        ``c_m`` = heat capacity per floor area × A_f [J/K], ``a_m`` = mass area factor ×
        A_f [m2], ``solar_aperture`` (n_b, :data:`WINDOW_IRRADIANCE_COLUMNS`) = window
        area × g_n × (1 - frame fraction) × shading factor per orientation of
        :data:`WINDOW_ORIENTATIONS`, in the block of the row's pane count
        (``glazing_panes``, or :func:`smartcity.energy.glazing.default_panes` of its
        window U-value) and 0 elsewhere [m2], ``a_t`` = surface area factor × A_f [m2],
        ``h_is`` [W/(m2 K)], ``convective_share`` [-], ``opaque_aperture`` (n_b, 2) =
        absorptance × R_se × U × A of the walls (split equally between the four
        orientations: on the mean irradiance of their planes) and the roof [m2], ``sky_loss_coefficient`` = h_r R_se
        (eps (F_r,wall U_wall A_wall + F_r,roof U_roof A_roof) + eps_glass F_r,wall H_tr_w)
        [W/K], ``ground_conductance`` = U_floor A_floor [W/K] and ``ground_swing_ratio`` =
        H_pe / H_g of the floor (:func:`smartcity.energy.ground.ground_parameters`, perimeter
        ``floor_perimeter_m`` or 3 sqrt(2 A_floor)) [-], unlimited
        ``max_heating_w`` and ``max_cooling_w`` [W], ``weight`` = count [-], and the
        schedules ``internal_gains`` [W/m2], ``heating_setpoint`` and
        ``cooling_setpoint`` [°C] with ``schedule_index`` (n_b,). Without ``index``:
        one constant schedule of shape (n_s, 1) per distinct (internal gains, heating
        setpoint, cooling setpoint); with it: one hourly schedule of shape (n_s, n_h)
        per distinct (use, internal gains, heating setpoint, setback, cooling setpoint).

    Raises
    ------
    InputError
        If a column is missing and has no default, or holds a non-numeric or
        non-finite value (the message names the column and the 1-based row), or a
        value to fill from the use profiles has no ``use`` to take it from.
    ValueError
        If ``index`` is not a DatetimeIndex of whole hours.

    References
    ----------
    .. [1] ISO 13790:2008, §8.3 (transmission), §9.3 (ventilation, rho_a c_a = 1200
       J/(m3 K)), §11.3.3 (effective solar collecting area of glazing, here without the
       constant F_w), §12.2.2 (H_tr_ms, H_tr_em) and §12.3.1.2, Table 12 (C_m and A_m).
    .. [2] ISO 13790:2008, Annex G (internal gains by use), via
       :mod:`smartcity.energy.profiles`.
    """
    filled = ["internal_gains_w_m2"] if index is None else ["internal_gains_w_m2", "heating_setback_k"]
    buildings = profiles.fill_use_defaults(buildings, filled)
    defaults = _schema_defaults()
    n_b = len(buildings)
    col: dict[str, np.ndarray] = {}
    for name in _TABLE_COLUMNS:
        if name in buildings.columns:
            series = buildings[name]
            if series.dtype == np.float64:
                values = series.to_numpy()
            else:  # non-numbers become NaN here and are reported below with the original value
                values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64)
        elif name in defaults:
            values = np.full(n_b, float(defaults[name]))
        else:
            raise InputError(
                "the buildings table has no such column, and it has no default",
                column=name,
                allowed="a column of schemas/buildings.toml",
            )
        bad = ~np.isfinite(values)
        if np.any(bad):
            row = int(np.argmax(bad))
            raise InputError(
                "must be a finite number",
                row=row + 1,
                column=name,
                value=buildings[name].iloc[row],
            )
        col[name] = values

    a_f = col["heated_floor_area_m2"]
    window_areas = np.column_stack([col[f"window_area_{o}_m2"] for o in WINDOW_ORIENTATIONS])
    h_tr_w = col["u_window_w_m2k"] * window_areas.sum(axis=1)
    h_tr_op = (
        col["u_wall_w_m2k"] * col["wall_area_m2"]
        + col["u_roof_w_m2k"] * col["roof_area_m2"]
        + col["u_floor_w_m2k"] * col["ground_floor_area_m2"]
    )
    volume = a_f * col["room_height_m"]
    h_ve = (
        AIR_HEAT_CAPACITY_J_M3K / 3600.0 * col["ventilation_ach"] * volume
        * (1.0 - col["heat_recovery_efficiency"])
    )  # fmt: skip
    panes = _glazing_panes(buildings, col["u_window_w_m2k"])
    # ISO 13790 §11.3.3 without F_w: g_n (1 - F_F) F_sh A_w; the angle dependence is in the
    # irradiance of the row's block of pane count (smartcity.energy.glazing.window_irradiance)
    per_window_area = col["g_window"] * (1.0 - col["frame_fraction"]) * col["shading_factor"]
    n_o = len(WINDOW_ORIENTATIONS)
    solar_aperture = np.zeros((n_b, len(glazing.PANES) * n_o))
    block = np.searchsorted(np.asarray(glazing.PANES), panes)
    solar_aperture[np.arange(n_b)[:, None], block[:, None] * n_o + np.arange(n_o)] = (
        window_areas * per_window_area[:, None])

    # ISO 13790 §11.3.4: A_sol = alpha R_se U A of each opaque element (walls split between the
    # four orientations), §11.3.5: the sky term F_r R_se U A h_r with h_r = 5 eps, of every
    # element facing the outdoor air, the (vertical) windows included.
    wall = col["absorptance_wall"] * R_SE_M2K_W * col["u_wall_w_m2k"] * col["wall_area_m2"]
    roof = col["absorptance_roof"] * R_SE_M2K_W * col["u_roof_w_m2k"] * col["roof_area_m2"]
    # The walls are split equally between the four orientations: their gain is alpha R_se U A
    # times the mean irradiance of the four walls' planes (FacadeWeather.opaque's first column).
    opaque_aperture = np.column_stack([wall, roof])
    sky_loss_coefficient = H_R_PER_EMISSIVITY_W_M2K * R_SE_M2K_W * (
        col["emissivity_envelope"] * (SKY_FORM_FACTOR_WALL * col["u_wall_w_m2k"] * col["wall_area_m2"]
                                      + SKY_FORM_FACTOR_ROOF * col["u_roof_w_m2k"] * col["roof_area_m2"])
        + GLASS_EMISSIVITY * SKY_FORM_FACTOR_WALL * h_tr_w)

    # ISO 13370: the floor's U A leads to the ground, whose annual swing is H_pe / H_g of the outdoor one.
    perimeter = _floor_perimeter(buildings, col["ground_floor_area_m2"])
    ground_conductance, ground_swing_ratio = ground.ground_parameters(
        col["u_floor_w_m2k"], col["ground_floor_area_m2"], perimeter,
        col["ground_conductivity_w_mk"], col["ground_heat_capacity_j_m3k"])

    if index is not None:
        schedules = profiles.hourly_schedules(buildings, index)
    else:
        combos = np.column_stack(
            [col["internal_gains_w_m2"], col["heating_setpoint_c"], col["cooling_setpoint_c"]]
        )
        if n_b:
            unique, schedule_index = np.unique(combos, axis=0, return_inverse=True)
        else:
            unique, schedule_index = np.zeros((0, 3)), np.zeros(0, dtype=np.int64)
        schedules = {
            "internal_gains": unique[:, 0:1].copy(),
            "heating_setpoint": unique[:, 1:2].copy(),
            "cooling_setpoint": unique[:, 2:3].copy(),
            "schedule_index": np.asarray(schedule_index, dtype=np.int64).reshape(n_b),
        }
    return {
        "floor_area": a_f,
        "h_tr_w": h_tr_w,
        "h_tr_op": h_tr_op,
        "h_ve": h_ve,
        "c_m": col["heat_capacity_j_m2k"] * a_f,
        "a_m": col["mass_area_factor"] * a_f,
        "max_heating_w": np.full(n_b, np.inf),
        "max_cooling_w": np.full(n_b, np.inf),
        "solar_aperture": solar_aperture,
        "a_t": col["surface_area_factor"] * a_f,
        "h_is": col["surface_heat_transfer_w_m2k"],
        "convective_share": col["internal_gains_convective_share"],
        "opaque_aperture": opaque_aperture,
        "sky_loss_coefficient": sky_loss_coefficient,
        "ground_conductance": ground_conductance,
        "ground_swing_ratio": ground_swing_ratio,
        **schedules,
        "weight": col["count"],
    }


@dataclass(frozen=True)
class FacadeWeather:
    """The hourly drivers of the solar and sky terms of a buildings table (:func:`facade_weather`).

    Attributes
    ----------
    window : (n_h, WINDOW_IRRADIANCE_COLUMNS) ndarray
        Irradiance each glazing transmits on the facades (:func:`window_irradiance`). [W/m2]
    opaque : (n_h, 2) ndarray
        Total irradiance on the planes :data:`OPAQUE_TILTS_DEG`, :data:`OPAQUE_AZIMUTHS_DEG`:
        the mean of the four walls' planes (a table splits its walls equally between them), and
        the roof's. [W/m2]
    sky_temperature_difference : (n_h,) ndarray
        Outdoor air minus effective sky temperature (:func:`smartcity.weather.sky_temperature`). [K]
    ground_mean_temperature : float
        Annual mean outdoor air temperature (:func:`smartcity.energy.ground.ground_swing`). [°C]
    ground_swing : (n_h,) ndarray
        Annual swing of the ground-side temperature of a floor per unit H_pe / H_g
        (:func:`smartcity.energy.ground.ground_swing`). [K]
    """

    window: np.ndarray
    opaque: np.ndarray
    sky_temperature_difference: np.ndarray
    ground_mean_temperature: float
    ground_swing: np.ndarray


def facade_weather(weather, albedo: float = 0.2) -> FacadeWeather:
    """The sun on the windows, walls and roof of a buildings table, the sky above them and the ground's swing.

    Parameters
    ----------
    weather : smartcity.weather.Weather
        The weather year.
    albedo : float
        Ground reflectance. [-]

    Returns
    -------
    FacadeWeather
    """
    from smartcity import weather as weather_mod

    planes = weather_mod.plane_irradiance(weather, np.asarray(OPAQUE_TILTS_DEG), np.asarray(OPAQUE_AZIMUTHS_DEG),
                                          albedo=albedo)
    opaque = np.ascontiguousarray(np.column_stack([planes[:, :4].mean(axis=1), planes[:, 4]]))
    sky = np.ascontiguousarray(weather.temp_air - weather_mod.sky_temperature(weather), dtype=np.float64)
    mean, swing = ground.ground_swing(np.asarray(weather.temp_air, dtype=np.float64))
    return FacadeWeather(window_irradiance(weather, albedo), opaque, sky, mean, swing)


def window_irradiance(weather, albedo: float = 0.2) -> np.ndarray:
    """The irradiance each glazing transmits on the facades of a buildings table.

    Parameters
    ----------
    weather : smartcity.weather.Weather
        The weather year.
    albedo : float
        Ground reflectance. [-]

    Returns
    -------
    numpy.ndarray
        (n_h, :data:`WINDOW_IRRADIANCE_COLUMNS`): for each pane count of
        :data:`smartcity.energy.glazing.PANES`, the irradiance transmitted on vertical
        planes facing :data:`WINDOW_ORIENTATIONS`, relative to normal incidence
        (:func:`smartcity.energy.glazing.window_irradiance` of
        :func:`smartcity.weather.plane_irradiance_components`). [W/m2]
    """
    from smartcity import weather as weather_mod

    components = weather_mod.plane_irradiance_components(
        weather, WINDOW_TILT_DEG, np.asarray(WINDOW_AZIMUTHS_DEG), albedo=albedo)
    return glazing.window_irradiance(components, WINDOW_TILT_DEG)


def simulate_stock(
    buildings: pd.DataFrame,
    theta_e,
    irradiance,
    group_index=None,
    n_groups: int = 1,
    warmup_hours: int = 168,
    index: pd.DatetimeIndex | None = None,
) -> ThermalResult:
    """Simulate a buildings table with the 5R1C model.

    Parameters
    ----------
    buildings : pandas.DataFrame
        Buildings table (``schemas/buildings.toml``), see
        :func:`thermal_inputs_from_table`.
    theta_e : (n_h,) array_like
        Hourly outdoor air temperature. [°C]
    irradiance : FacadeWeather or (n_h, n_panes x 4) array_like
        The hourly sun on windows, walls and roof, the sky and the ground's swing
        (:func:`facade_weather`); or only the window part (then neither the walls and roof
        gain from the sun nor the envelope loses heat to the sky, and the floor loses heat to
        the outdoor air rather than to the ground): the irradiance transmitted by
        the glazing of each pane count of
        :data:`smartcity.energy.glazing.PANES` (in blocks) on vertical planes facing north,
        east, south and west (:data:`WINDOW_ORIENTATIONS`, azimuths
        :data:`WINDOW_AZIMUTHS_DEG`, tilt :data:`WINDOW_TILT_DEG`), relative to normal
        incidence: :func:`smartcity.energy.glazing.window_irradiance` of
        :func:`smartcity.weather.plane_irradiance_components`. [W/m2]
    group_index : (n_b,) array_like of int, optional
        Group of each row for the hourly sums; default all in group 0. [-]
    n_groups : int, default 1
        Number of groups. [-]
    warmup_hours : int, default 168
        Hours simulated before the series to set the initial state. [h]
    index : pandas.DatetimeIndex, optional
        Time of each hour of ``theta_e`` (the weather's index). If given, internal
        gains and heating setpoints follow hourly schedules by use; otherwise they are
        constant. See :func:`thermal_inputs_from_table`.

    Returns
    -------
    ThermalResult
        As :func:`simulate_5r1c`; group sums are weighted by the table's ``count``.

    Raises
    ------
    ValueError
        If ``irradiance`` does not have a column per pane count and orientation, or
        ``index`` does not have one timestamp per hour of ``theta_e``.

    References
    ----------
    .. [1] ISO 13790:2008, Annex C and §C.4.2.
    """
    facade = irradiance if isinstance(irradiance, FacadeWeather) else None
    irradiance = np.asarray(irradiance.window if facade is not None else irradiance, dtype=np.float64)
    if irradiance.ndim != 2 or irradiance.shape[1] != WINDOW_IRRADIANCE_COLUMNS:
        raise ValueError(
            f"irradiance: expected shape (n_hours, {WINDOW_IRRADIANCE_COLUMNS}): the orientations "
            f"{', '.join(WINDOW_ORIENTATIONS)} for each pane count {glazing.PANES} "
            f"(smartcity.energy.glazing.window_irradiance), got {irradiance.shape}"
        )
    if index is not None and len(index) != np.size(theta_e):
        raise ValueError(
            f"index: expected {np.size(theta_e)} timestamps (one per hour of theta_e), got {len(index)}"
        )
    inputs = thermal_inputs_from_table(buildings, index)
    opaque_aperture = inputs.pop("opaque_aperture")
    sky_loss_coefficient = inputs.pop("sky_loss_coefficient")
    ground_conductance = inputs.pop("ground_conductance")
    ground_swing_ratio = inputs.pop("ground_swing_ratio")
    envelope = {} if facade is None else {
        "opaque_irradiance": facade.opaque, "opaque_aperture": opaque_aperture,
        "sky_loss_coefficient": sky_loss_coefficient,
        "sky_temperature_difference": facade.sky_temperature_difference,
        "ground_conductance": ground_conductance, "ground_swing_ratio": ground_swing_ratio,
        "ground_mean_temperature": facade.ground_mean_temperature, "ground_swing": facade.ground_swing}
    return simulate_5r1c(
        **inputs,
        **envelope,
        theta_e=theta_e,
        irradiance=irradiance,
        group_index=0 if group_index is None else group_index,
        n_groups=n_groups,
        warmup_hours=warmup_hours,
    )


def warmup() -> None:
    """Compile the 5R1C kernel into numba's on-disk cache (a tiny simulation)."""
    n_h = 24
    simulate_5r1c(
        floor_area=[100.0, 150.0],
        h_tr_w=[40.0, 50.0],
        h_tr_op=[80.0, 120.0],
        h_ve=[30.0, 0.0],
        c_m=[165e3 * 100.0, 165e3 * 150.0],
        a_m=[250.0, 375.0],
        theta_e=np.linspace(-5.0, 5.0, n_h),
        irradiance=np.full((n_h, len(WINDOW_ORIENTATIONS)), 50.0),
        solar_aperture=np.ones((2, len(WINDOW_ORIENTATIONS))),
        internal_gains=[[3.0]],
        heating_setpoint=[[20.0]],
        cooling_setpoint=[[26.0]],
        max_heating_w=[np.inf, 2000.0],
        max_cooling_w=[np.inf, 0.0],
        group_index=[0, 1],
        warmup_hours=n_h,
    )
