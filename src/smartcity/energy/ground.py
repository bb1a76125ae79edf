"""Heat loss through a ground floor with the ground's thermal inertia (ISO 13370).

The ground under a building smooths and delays the outdoor temperature: a floor on the
ground does not lose more heat on a cold night, and loses most a month or so after the
coldest weeks, not in them. ISO 13370 describes the heat flow through a slab-on-ground
floor by a steady part and an annual periodic part,

    Phi(t) = H_g (theta_i - theta_e,mean) + H_pe theta_e,amp cos(omega (t - t_min - beta)),

with the steady-state coefficient H_g = U A (U including the effect of the ground) and the
external periodic coefficient H_pe = 0.37 P lambda ln(delta / d_t + 1) (ISO 13370:2017
Annex H, H.4.2; slab on ground without edge insulation). The outdoor temperature enters
only through its annual mean and first harmonic. The 5R1C model takes this as a
ground-side boundary temperature of the floor,

    theta_gr(t) = theta_e,mean - (H_pe / H_g) theta_e,amp cos(omega (t - t_min - beta)),

so that H_g (theta_i - theta_gr(t)) is ISO 13370's heat flow for any indoor temperature.
The internal periodic term (H_pi) is left out: the indoor temperature enters hour by hour
through theta_i itself.

U of a buildings table is TABULA's U x b (floor construction and ground). The equivalent
thickness d_t that ISO 13370's steady-state formula needs to give that U on the floor's
characteristic dimension B' = A / (P / 2) is found by inverting the formula
(:func:`equivalent_thickness`), so the steady part stays exactly the table's, and a floor
insulated by a measure (lower U) gets a larger d_t and a smaller periodic part.

Functions
---------
penetration_depth
    The periodic penetration depth of the annual cycle in the ground.
slab_u_value
    ISO 13370's steady-state U of a slab on ground.
equivalent_thickness
    The inverse: d_t giving a U.
periodic_coefficient
    H_pe of a slab on ground.
annual_harmonic
    The annual mean, amplitude and coldest hour of an hourly temperature series.
ground_swing
    The hourly swing of the ground-side temperature, shared by all floors.
ground_parameters
    H_g and H_pe / H_g of the floors of a buildings table.

References
----------
.. [1] ISO 13370:2017, Thermal performance of buildings — Heat transfer via the ground —
   Calculation methods: §7.2 (slab on ground, U from B' and d_t), Annex H (periodic heat
   transfer coefficients, H.4.2; periodic penetration depth), Table 7 (thermal properties
   of the ground; lambda = 2.0 W/(m K), rho c = 2.0 MJ/(m3 K) when the soil is unknown).
.. [2] ISO 13790:2008, §8.3 and Annex C: the ground floor's heat transfer coefficient in
   H_tr_em.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "SECONDS_PER_YEAR",
    "HOURS_PER_YEAR",
    "PHASE_LAG_MONTHS",
    "PERIODIC_COEFFICIENT_FACTOR",
    "GROUND_CONDUCTIVITY_W_MK",
    "GROUND_HEAT_CAPACITY_J_M3K",
    "SURFACE_RESISTANCES_M2K_W",
    "penetration_depth",
    "slab_u_value",
    "equivalent_thickness",
    "periodic_coefficient",
    "annual_harmonic",
    "ground_swing",
    "ground_parameters",
]

#: Length of the annual cycle. [s]
SECONDS_PER_YEAR = 365.0 * 86400.0
#: Length of the annual cycle. [h]
HOURS_PER_YEAR = 8760.0
#: Lag of the floor's periodic heat flow behind the outdoor temperature. [month]
#: Assumption: one month, the order of ISO 13370's phase differences for a slab on ground;
#: the heat need moves by well under 1 % between half a month and two (test_ground.py).
PHASE_LAG_MONTHS = 1.0
#: Factor of H_pe = 0.37 P lambda ln(delta / d_t + 1) (ISO 13370:2017, H.4.2). [-]
PERIODIC_COEFFICIENT_FACTOR = 0.37
#: Thermal conductivity of the ground when the soil is unknown (ISO 13370:2017 Table 7). [W/(m K)]
GROUND_CONDUCTIVITY_W_MK = 2.0
#: Volumetric heat capacity of that ground (ISO 13370:2017 Table 7). [J/(m3 K)]
GROUND_HEAT_CAPACITY_J_M3K = 2.0e6
#: Internal (heat flow downwards) plus external surface resistance, R_si + R_se of ISO 13370:
#: lambda times it is the smallest equivalent thickness a floor can have (no construction, no
#: wall). [m2 K/W]
SURFACE_RESISTANCES_M2K_W = 0.17 + 0.04


def penetration_depth(conductivity, heat_capacity):
    """Periodic penetration depth of the annual temperature cycle in the ground.

    Parameters
    ----------
    conductivity : array_like
        Thermal conductivity of the ground lambda, > 0. [W/(m K)]
    heat_capacity : array_like
        Volumetric heat capacity of the ground rho c, > 0. [J/(m3 K)]

    Returns
    -------
    numpy.ndarray
        delta = sqrt(T lambda / (pi rho c)) with T = 365 days = 3.1536e7 s; 3.2 m for the
        default ground. [m]

    References
    ----------
    .. [1] ISO 13370:2017, Annex H (periodic penetration depth).
    """
    return np.sqrt(SECONDS_PER_YEAR * np.asarray(conductivity, dtype=np.float64)
                   / (np.pi * np.asarray(heat_capacity, dtype=np.float64)))


def slab_u_value(characteristic_dimension, thickness, conductivity):
    """Steady-state U of a slab-on-ground floor, the ground included (ISO 13370 §7.2).

    Parameters
    ----------
    characteristic_dimension : array_like
        B' = A / (P / 2), > 0. [m]
    thickness : array_like
        Total equivalent thickness d_t = w + lambda (R_si + R_f + R_se), > 0. [m]
    conductivity : array_like
        Thermal conductivity of the ground lambda, > 0. [W/(m K)]

    Returns
    -------
    numpy.ndarray
        U = 2 lambda / (pi B' + d_t) ln(pi B' / d_t + 1) if d_t < B' (uninsulated and
        moderately insulated floors), else lambda / (0.457 B' + d_t). [W/(m2 K)]
    """
    b = np.asarray(characteristic_dimension, dtype=np.float64)
    d = np.asarray(thickness, dtype=np.float64)
    lam = np.asarray(conductivity, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        thin = 2.0 * lam / (np.pi * b + d) * np.log(np.pi * b / d + 1.0)
        thick = lam / (0.457 * b + d)
    return np.where(d < b, thin, thick)


def equivalent_thickness(u_value, characteristic_dimension, conductivity):
    """The equivalent thickness d_t for which :func:`slab_u_value` equals a given U.

    U falls strictly with d_t (to infinity as d_t goes to 0), so each U > 0 has one d_t:
    in closed form on the insulated branch, by bisection in log d_t on the other.

    Parameters
    ----------
    u_value : array_like
        Steady-state U of the floor with the ground, > 0. [W/(m2 K)]
    characteristic_dimension : array_like
        B' = A / (P / 2), > 0. [m]
    conductivity : array_like
        Thermal conductivity of the ground lambda, > 0. [W/(m K)]

    Returns
    -------
    numpy.ndarray
        d_t, relative accuracy 1e-12. [m]
    """
    u, b, lam = np.broadcast_arrays(*(np.asarray(v, dtype=np.float64) for v in
                                      (u_value, characteristic_dimension, conductivity)))
    # The insulated branch holds from d_t = B', where it gives lambda / (1.457 B') (the other
    # branch gives 1.4e-4 less there: the standard's 0.457 is rounded); at or below that U,
    # d_t = lambda / U - 0.457 B'.
    insulated = u <= lam / (1.457 * b)
    with np.errstate(divide="ignore"):
        d = np.where(insulated, lam / u - 0.457 * b, 0.0)
    thin = ~insulated
    if thin.any():
        lo = np.full(int(thin.sum()), -60.0)  # log d_t bounds: d_t in (e^-60 m, B')
        hi = np.log(b[thin])
        for _ in range(80):  # interval of about 60 shrinks below 1e-12 relative
            mid = 0.5 * (lo + hi)
            too_thin = slab_u_value(b[thin], np.exp(mid), lam[thin]) > u[thin]
            lo = np.where(too_thin, mid, lo)
            hi = np.where(too_thin, hi, mid)
        d[thin] = np.exp(0.5 * (lo + hi))
    return d


def periodic_coefficient(perimeter, thickness, conductivity, depth):
    """External periodic heat transfer coefficient H_pe of a slab on ground.

    Parameters
    ----------
    perimeter : array_like
        Exposed perimeter of the floor P. [m]
    thickness : array_like
        Total equivalent thickness d_t, > 0. [m]
    conductivity : array_like
        Thermal conductivity of the ground lambda. [W/(m K)]
    depth : array_like
        Periodic penetration depth delta (:func:`penetration_depth`). [m]

    Returns
    -------
    numpy.ndarray
        H_pe = 0.37 P lambda ln(delta / d_t + 1). [W/K]

    References
    ----------
    .. [1] ISO 13370:2017, Annex H, H.4.2 (slab on ground without edge insulation, or with
       all-over insulation).
    """
    return PERIODIC_COEFFICIENT_FACTOR * np.asarray(perimeter, dtype=np.float64) * np.asarray(
        conductivity, dtype=np.float64) * np.log(np.asarray(depth, dtype=np.float64) / thickness + 1.0)


def annual_harmonic(theta_e) -> tuple[float, float, float]:
    """Annual mean, amplitude and coldest hour of an hourly temperature series.

    The least-squares fit theta_e(t) ~ mean - amplitude cos(omega (t - t_min)) with
    omega = 2 pi / 8760 h and t the hour of the series from 0. It is what ISO 13370 asks of
    the climate (the annual mean and the amplitude of the monthly means, and the coldest
    month), taken from the hours rather than the months.

    Parameters
    ----------
    theta_e : (n_h,) array_like
        Hourly outdoor air temperature, at least one year. [°C]

    Raises
    ------
    ValueError
        If the series is shorter than a year (8,760 hours).

    Returns
    -------
    mean : float
        Annual mean. [°C]
    amplitude : float
        Amplitude of the annual cycle, >= 0. [K]
    coldest_hour : float
        Hour of the series at which the cycle is coldest, in [0, 8760). [h]
    """
    theta = np.asarray(theta_e, dtype=np.float64)
    if theta.ndim != 1 or theta.size < HOURS_PER_YEAR:
        raise ValueError(f"theta_e: expected at least a year of hours ({HOURS_PER_YEAR:.0f}) for the annual "
                         f"cycle, got shape {theta.shape}")
    omega_t = 2.0 * np.pi / HOURS_PER_YEAR * np.arange(theta.size)
    basis = np.column_stack([np.ones(theta.size), np.cos(omega_t), np.sin(omega_t)])
    (mean, a, b), *_ = np.linalg.lstsq(basis, theta, rcond=None)
    # a cos + b sin = -amplitude cos(omega t - phi_min) with phi_min the coldest phase.
    amplitude = float(np.hypot(a, b))
    coldest = (np.arctan2(-b, -a) % (2.0 * np.pi)) / (2.0 * np.pi) * HOURS_PER_YEAR
    return float(mean), amplitude, float(coldest)


def ground_swing(theta_e, lag_months: float = PHASE_LAG_MONTHS) -> tuple[float, np.ndarray]:
    """The annual mean outdoor temperature and the ground-side swing of a floor per unit H_pe / H_g.

    Parameters
    ----------
    theta_e : (n_h,) array_like
        Hourly outdoor air temperature, at least one year. [°C]
    lag_months : float, default :data:`PHASE_LAG_MONTHS`
        Lag of the floor's periodic heat flow behind the outdoor temperature. [month]

    Returns
    -------
    mean : float
        Annual mean outdoor temperature theta_e,mean. [°C]
    swing : (n_h,) ndarray
        -theta_e,amp cos(omega (t - t_min - beta)): a floor with H_pe / H_g = r sees the
        ground-side temperature theta_e,mean + r swing(t). [K]
    """
    mean, amplitude, coldest = annual_harmonic(theta_e)
    lag_hours = lag_months * HOURS_PER_YEAR / 12.0
    t = np.arange(np.size(theta_e), dtype=np.float64)
    swing = -amplitude * np.cos(2.0 * np.pi / HOURS_PER_YEAR * (t - coldest - lag_hours))
    return mean, swing


def ground_parameters(u_value, area, perimeter, conductivity=GROUND_CONDUCTIVITY_W_MK,
                      heat_capacity=GROUND_HEAT_CAPACITY_J_M3K) -> tuple[np.ndarray, np.ndarray]:
    """Steady-state coefficient H_g and periodic ratio H_pe / H_g of ground floors.

    Parameters
    ----------
    u_value : (n_b,) array_like
        Steady-state U of the floor with the ground (a table's U x b), >= 0. [W/(m2 K)]
    area : (n_b,) array_like
        Floor area on the ground A, >= 0. [m2]
    perimeter : (n_b,) array_like
        Exposed perimeter P, >= 0. [m]
    conductivity : array_like, default :data:`GROUND_CONDUCTIVITY_W_MK`
        Thermal conductivity of the ground. [W/(m K)]
    heat_capacity : array_like, default :data:`GROUND_HEAT_CAPACITY_J_M3K`
        Volumetric heat capacity of the ground. [J/(m3 K)]

    Returns
    -------
    h_g : (n_b,) ndarray
        H_g = U A. [W/K]
    ratio : (n_b,) ndarray
        H_pe / H_g with d_t from :func:`equivalent_thickness`, at least lambda (R_si + R_se)
        (a U above what the slab formula gives for a floor without construction is the
        ground's and the edge's: the swing of such a bare floor is kept); at most 1 (the
        ground never swings more than the air); 0 where H_g or P is 0 (no exposed edge). [-]
    """
    u, a, p, lam, rc = np.broadcast_arrays(*(np.asarray(v, dtype=np.float64) for v in
                                             (u_value, area, perimeter, conductivity, heat_capacity)))
    h_g = u * a
    ratio = np.zeros(h_g.shape)
    on_ground = (h_g > 0.0) & (p > 0.0)
    if on_ground.any():
        b = a[on_ground] / (0.5 * p[on_ground])
        d_t = np.maximum(equivalent_thickness(u[on_ground], b, lam[on_ground]),
                         lam[on_ground] * SURFACE_RESISTANCES_M2K_W)
        h_pe = periodic_coefficient(p[on_ground], d_t, lam[on_ground],
                                    penetration_depth(lam[on_ground], rc[on_ground]))
        ratio[on_ground] = np.minimum(h_pe / h_g[on_ground], 1.0)
    return h_g, ratio
