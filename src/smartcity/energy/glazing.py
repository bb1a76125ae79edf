"""Angle-dependent solar transmittance of window glazing: the share of the irradiance on a
facade that passes 1, 2 or 3 panes of clear glass, relative to normal incidence.

A window's g-value (total solar energy transmittance, EN 410) is measured at normal
incidence. At oblique incidence more is reflected at each glass surface and the path
through the glass is longer, so less passes; a constant reduction factor misses that the
high summer sun strikes a south facade at steep incidence while the low winter sun
strikes it nearly head-on. This module follows the optics of glass covers of Duffie and
Beckman [1]_ (sections 5.1-5.3): Fresnel reflection of unpolarised light at the surfaces
of parallel panes with all inter-reflections, and Bouguer absorption along the refracted
path. The result, normalised to normal incidence, multiplies the beam by its angle of
incidence and the diffuse parts (sky dome, horizon band, ground) by their hemispherical
averages, integrated by Marion's method [2]_ with :func:`pvlib.iam.marion_integrate`.
The beam and diffuse parts of the plane irradiance come from
:func:`smartcity.weather.plane_irradiance_components`.

Assumption: the angular profile of clear glass is applied to the whole g-value, i.e. the
secondary heat gain from absorbed radiation is taken to fall off with angle as the direct
transmittance does, and low-emissivity coatings, frames and shading are not modelled
here. Coated glazing falls off somewhat faster at grazing incidence than clear glass.

pvlib is imported inside the function that calls it, so importing this module stays light.

References
----------
.. [1] Duffie, J. A., Beckman, W. A. (2013). Solar Engineering of Thermal Processes,
   4th ed. Wiley, Hoboken NJ. Sections 5.1 (reflection), 5.2 (absorption),
   5.3 (optical properties of cover systems) and 5.4 (diffuse radiation).
.. [2] Marion, B. (2017). Numerical method for angle-of-incidence correction factors
   for diffuse radiation incident photovoltaic modules. Solar Energy 147, 344-348.
   https://doi.org/10.1016/j.solener.2017.03.027
"""

from __future__ import annotations

import functools

import numpy as np

from smartcity.checks import first_bad, number, number_array

__all__ = [
    "PANES",
    "GLASS_REFRACTIVE_INDEX",
    "GLASS_EXTINCTION_PER_M",
    "PANE_THICKNESS_M",
    "WINDOW_PANES_U_LIMITS",
    "angular_transmittance",
    "diffuse_transmittance",
    "transmitted_irradiance",
    "window_irradiance",
    "default_panes",
]

#: Glazing pane counts the model knows: single, double and triple glazing. [-]
PANES = (1, 2, 3)

#: Refractive index of soda-lime window glass in the solar spectrum, Duffie & Beckman
#: (2013) section 5.1, the value of their examples. [-]
GLASS_REFRACTIVE_INDEX = 1.526

#: Extinction coefficient of the glass [1/m]. Assumption: ordinary float glass, between
#: the about 4 1/m of "water-white" (low-iron) glass and the about 32 1/m of glass with a
#: greenish edge given by Duffie & Beckman (2013) section 5.2.
GLASS_EXTINCTION_PER_M = 16.0

#: Thickness of each pane [m]. Assumption: 4 mm, the usual pane of Danish insulating
#: glass units (4-16-4 double, 4-12-4-12-4 triple).
PANE_THICKNESS_M = 0.004

#: Window U-value limits [W/(m2 K)] of the default pane count: U >= 4.0 -> 1 pane,
#: 1.2 < U < 4.0 -> 2 panes, U <= 1.2 -> 3 panes. Assumption: the limits sit between the
#: typical window U-values of single glazing (4.5-5.8), double glazing including low-e
#: units (1.2-3.0) and triple glazing (0.5-1.2 W/(m2 K)), ranges as tabled for windows
#: and glazing in ISO 10077-1 and the Danish DS 418; a window of exactly 1.2 is counted as
#: triple glazing, the more common case among new Danish windows.
WINDOW_PANES_U_LIMITS = (4.0, 1.2)

#: Below this angle of incidence [rad] the Fresnel formulas (0/0 at normal incidence) are
#: replaced by their normal-incidence limit; the reflectances differ from the limit by a
#: relative amount of order angle**2 (here < 1e-16), less than float64 rounding.
_SMALL_ANGLE_RAD = 1e-8

#: Diffuse regions of :func:`pvlib.iam.marion_integrate`, in the order returned.
_DIFFUSE_REGIONS = ("sky", "horizon", "ground")

#: Keys of the irradiance components of :func:`smartcity.weather.plane_irradiance_components`.
_COMPONENTS = ("beam", "sky", "horizon", "ground", "aoi")


def angular_transmittance(aoi, panes, *, refractive_index: float = GLASS_REFRACTIVE_INDEX,
                          extinction_per_m: float = GLASS_EXTINCTION_PER_M,
                          thickness_m: float = PANE_THICKNESS_M) -> np.ndarray:
    """Solar transmittance of parallel glass panes at an angle of incidence, relative to
    normal incidence.

    With the refraction angle θ2 from Snell's law, sin θ2 = sin θ1 / n, the Fresnel
    reflectances of the two polarisations at one surface are (Duffie & Beckman [1]_
    eqs. 5.1.1-5.1.2)

    r⊥ = sin²(θ2 − θ1) / sin²(θ2 + θ1),   r∥ = tan²(θ2 − θ1) / tan²(θ2 + θ1),

    both ((n − 1)/(n + 1))² at normal incidence. N panes have 2N surfaces; with all
    inter-reflections each polarisation passes the fraction (1 − r)/(1 + (2N − 1) r)
    (eq. 5.3.2), and unpolarised radiation the mean of the two, τ_r. The glass absorbs
    along the refracted path, τ_a = exp(−N K L / cos θ2) (eq. 5.2.2), and τ ≈ τ_r τ_a
    (eq. 5.3.1). The result is τ(θ1)/τ(0): 1 at normal incidence, falling to exactly 0
    at grazing incidence (|aoi| >= 90°, the sun behind or in the plane).

    More panes always transmit less, τ_N+1(θ) < τ_N(θ). Relative to normal incidence they
    also fall off faster with the default glass, but not with weakly absorbing glass
    (K L below about 0.05 per pane): near Brewster's angle (about 57°) the parallel
    polarisation passes almost without reflection whatever the number of panes, so the
    relative transmittance of triple glazing there can exceed that of double glazing.

    Parameters
    ----------
    aoi : float or array_like
        Angle of incidence from the plane's normal, finite; only its magnitude matters. [deg]
    panes : int or array_like of int
        Number of panes, each one of :data:`PANES`; broadcasts against ``aoi``. [-]
    refractive_index : float, default :data:`GLASS_REFRACTIVE_INDEX`
        Refractive index of the glass, >= 1. [-]
    extinction_per_m : float, default :data:`GLASS_EXTINCTION_PER_M`
        Extinction coefficient K of the glass, >= 0. [1/m]
    thickness_m : float, default :data:`PANE_THICKNESS_M`
        Thickness L of each pane, >= 0. [m]

    Returns
    -------
    numpy.ndarray
        τ(aoi)/τ(0) in [0, 1], float64, of the broadcast shape of ``aoi`` and ``panes``
        (0-d for scalars). [-]

    Raises
    ------
    ValueError
        For a pane count not in :data:`PANES`, a non-finite angle or material
        properties out of range.

    References
    ----------
    .. [1] Duffie, J. A., Beckman, W. A. (2013). Solar Engineering of Thermal Processes,
       4th ed. Wiley. Sections 5.1-5.3.

    Examples
    --------
    >>> angular_transmittance([0.0, 30.0, 60.0, 90.0], 2).round(3)
    array([1.   , 0.99 , 0.872, 0.   ])
    """
    theta1, count = _angles_and_panes(aoi, panes)
    glass = _glass(refractive_index, extinction_per_m, thickness_m)
    grazing = theta1 >= 0.5 * np.pi
    tau = _tau(np.where(grazing, 0.0, theta1), count, *glass)  # grazing set to 0 below
    ratio = np.clip(tau / _tau(np.zeros_like(theta1), count, *glass), 0.0, 1.0)  # clip: rounding near 0°
    return np.where(grazing, 0.0, ratio)


def diffuse_transmittance(panes: int, surface_tilt: float = 90.0) -> dict[str, float]:
    """Transmittance of isotropic diffuse radiation from the sky dome, the horizon band
    and the ground, relative to normal incidence.

    The averages of :func:`angular_transmittance` (default glass) over each region seen
    by a plane of tilt ``surface_tilt``, weighted by the cosine of the angle of incidence
    (isotropic radiance), by Marion's numerical integration [1]_ as implemented in
    :func:`pvlib.iam.marion_integrate`: ``'sky'`` the dome above the horizon, ``'horizon'``
    the band within 0.5° of the horizon, ``'ground'`` the ground below it. A region the
    plane does not see (the ground from a horizontal plane) gets 0. Cached per argument.

    Parameters
    ----------
    panes : int
        Number of panes, one of :data:`PANES`. [-]
    surface_tilt : float, default 90
        Tilt of the plane from horizontal, 0-180 (90 = vertical facade). [deg]

    Returns
    -------
    dict of str to float
        ``{"sky": ..., "horizon": ..., "ground": ...}``, each in [0, 1]. [-]

    Raises
    ------
    ValueError
        For a pane count not in :data:`PANES` or a tilt out of range.

    References
    ----------
    .. [1] Marion, B. (2017). Numerical method for angle-of-incidence correction factors
       for diffuse radiation incident photovoltaic modules. Solar Energy 147, 344-348.
       https://doi.org/10.1016/j.solener.2017.03.027
    .. [2] Duffie, J. A., Beckman, W. A. (2013). Solar Engineering of Thermal Processes,
       4th ed. Wiley. Section 5.4 (transmittance for diffuse radiation).

    Examples
    --------
    >>> {k: round(v, 3) for k, v in diffuse_transmittance(2).items()}
    {'sky': 0.887, 'horizon': 0.937, 'ground': 0.887}
    """
    count = _pane_count(panes)
    tilt = number("surface_tilt", surface_tilt, low=0.0, high=180.0, unit="deg")
    return dict(_diffuse_cached(count, tilt))


@functools.lru_cache(maxsize=64)
def _diffuse_cached(panes: int, surface_tilt: float) -> tuple[tuple[str, float], ...]:
    import pvlib

    transmittance = functools.partial(angular_transmittance, panes=panes)
    return tuple((region, float(pvlib.iam.marion_integrate(transmittance, surface_tilt, region)))
                 for region in _DIFFUSE_REGIONS)


def transmitted_irradiance(components: dict, panes: int, surface_tilt=90.0) -> np.ndarray:
    """Irradiance on planes weighted by the angular transmittance of their glazing.

    beam · τ(aoi) + sky · τ_sky + horizon · τ_horizon + ground · τ_ground, with τ of
    :func:`angular_transmittance` and the diffuse averages of
    :func:`diffuse_transmittance` (both relative to normal incidence), clipped at 0.
    Multiplied by the glazing's (normal-incidence) g-value and the glazed area it gives
    the solar heat gain through the window. The beam part includes the circumsolar
    diffuse, which comes from the sun's direction.

    Parameters
    ----------
    components : dict of str to array_like
        ``"beam"``, ``"sky"``, ``"horizon"``, ``"ground"`` [W/m²] and ``"aoi"`` [deg], of
        equal shape (n_hours, n_planes), as returned by
        :func:`smartcity.weather.plane_irradiance_components`.
    panes : int
        Number of panes, one of :data:`PANES`. [-]
    surface_tilt : float or (n_planes,) array_like, default 90
        Tilt of each plane, 0-180; must be the tilt the components were computed for. [deg]

    Returns
    -------
    numpy.ndarray
        Transmitted irradiance relative to normal-incidence transmittance, >= 0, shape
        of ``components["beam"]``, float64, C-contiguous. [W/m²]

    Raises
    ------
    ValueError
        For missing or non-finite components, components of unequal shape, a pane count
        not in :data:`PANES` or a tilt out of range.

    References
    ----------
    .. [1] Duffie, J. A., Beckman, W. A. (2013). Solar Engineering of Thermal Processes,
       4th ed. Wiley. Sections 5.3-5.4.

    Examples
    --------
    >>> from smartcity.weather import plane_irradiance_components, reference_year
    >>> parts = plane_irradiance_components(reference_year(), 90, [0, 90, 180, 270])
    >>> transmitted_irradiance(parts, 2).shape
    (8760, 4)
    """
    parts = _checked_components(components)
    count = _pane_count(panes)
    n_planes = parts["beam"].shape[1]
    tilts = number_array("surface_tilt", surface_tilt, low=0.0, high=180.0, unit="deg")
    if tilts.ndim > 1 or tilts.size not in (1, n_planes):
        raise ValueError(f"surface_tilt: expected a scalar or {n_planes} values (one per plane), "
                         f"got shape {tilts.shape}")
    tilts = np.broadcast_to(np.atleast_1d(tilts), (n_planes,))
    factors = {region: np.empty(n_planes) for region in _DIFFUSE_REGIONS}
    for tilt in np.unique(tilts):
        diffuse = diffuse_transmittance(count, float(tilt))
        for region in _DIFFUSE_REGIONS:
            factors[region][tilts == tilt] = diffuse[region]
    transmitted = parts["beam"] * angular_transmittance(parts["aoi"], count)
    for region in _DIFFUSE_REGIONS:
        transmitted += parts[region] * factors[region][None, :]
    return np.ascontiguousarray(transmitted.clip(min=0.0), dtype=np.float64)


def window_irradiance(components: dict, surface_tilt=90.0) -> np.ndarray:
    """:func:`transmitted_irradiance` for every pane count of :data:`PANES`, side by side.

    Parameters
    ----------
    components : dict of str to array_like
        Irradiance components of n_planes planes, as for :func:`transmitted_irradiance`.
    surface_tilt : float or (n_planes,) array_like, default 90
        Tilt of each plane, 0-180. [deg]

    Returns
    -------
    numpy.ndarray
        Shape (n_hours, len(PANES) * n_planes), float64, C-contiguous: the planes for
        1 pane, then for 2 panes, then for 3; column ``k * n_planes + j`` is plane ``j``
        glazed with ``PANES[k]`` panes. [W/m²]

    Raises
    ------
    ValueError
        As :func:`transmitted_irradiance`.

    References
    ----------
    .. [1] Duffie, J. A., Beckman, W. A. (2013). Solar Engineering of Thermal Processes,
       4th ed. Wiley. Sections 5.3-5.4.

    Examples
    --------
    >>> from smartcity.weather import plane_irradiance_components, reference_year
    >>> parts = plane_irradiance_components(reference_year(), 90, [0, 90, 180, 270])
    >>> window_irradiance(parts).shape
    (8760, 12)
    """
    blocks = [transmitted_irradiance(components, panes, surface_tilt) for panes in PANES]
    return np.ascontiguousarray(np.concatenate(blocks, axis=1), dtype=np.float64)


def default_panes(u_window_w_m2k) -> np.ndarray:
    """Pane count of windows from their U-value, by :data:`WINDOW_PANES_U_LIMITS`.

    Parameters
    ----------
    u_window_w_m2k : float or array_like
        Thermal transmittance of each window, > 0. [W/(m2 K)]

    Returns
    -------
    numpy.ndarray
        int64 pane count (1, 2 or 3) of the shape of ``u_window_w_m2k``. [-]

    Raises
    ------
    ValueError
        For a U-value that is not a finite positive number.

    References
    ----------
    .. [1] ISO 10077-1:2017. Thermal performance of windows, doors and shutters --
       Calculation of thermal transmittance -- Part 1: General.
    .. [2] DS 418:2011. Beregning af bygningers varmetab (calculation of heat loss from
       buildings). Danish Standards.

    Examples
    --------
    >>> default_panes([5.0, 2.7, 1.4, 1.2, 0.8])
    array([1, 2, 2, 3, 3])
    """
    u = number_array("u_window_w_m2k", u_window_w_m2k, low=0.0, strict=True, unit="W/(m2 K)")
    single, triple = WINDOW_PANES_U_LIMITS
    return np.where(u >= single, 1, np.where(u > triple, 2, 3)).astype(np.int64)


# --------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------

def _glass(refractive_index, extinction_per_m, thickness_m) -> tuple[float, float]:
    """Checked glass properties: refractive index n [-] and K L per pane [-]."""
    n = number("refractive_index", refractive_index, low=1.0, unit="-")
    k = number("extinction_per_m", extinction_per_m, low=0.0, unit="1/m")
    thickness = number("thickness_m", thickness_m, low=0.0, unit="m")
    return n, k * thickness


def _tau(theta1: np.ndarray, panes: np.ndarray, n: float, kl: float) -> np.ndarray:
    """Transmittance τ = τ_r τ_a [-] of ``panes`` panes at incidence θ1 in [0, π/2) [rad],
    Duffie & Beckman (2013) eqs. 5.1.1-5.3.2; ``kl`` is K L of one pane [-]."""
    r_perp, r_par, theta2 = _fresnel(theta1, n)
    tau_r = 0.5 * (_pane_stack(r_perp, panes) + _pane_stack(r_par, panes))
    return tau_r * np.exp(-panes * kl / np.cos(theta2))


def _fresnel(theta1: np.ndarray, n: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Reflectances r⊥, r∥ [-] of one surface and refraction angle θ2 [rad] at incidence
    θ1 in [0, π/2] [rad], with the normal-incidence limit for tiny θ1."""
    theta2 = np.arcsin(np.sin(theta1) / n)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        r_perp = np.sin(theta2 - theta1) ** 2 / np.sin(theta2 + theta1) ** 2
        r_par = np.tan(theta2 - theta1) ** 2 / np.tan(theta2 + theta1) ** 2
    near_normal = theta1 < _SMALL_ANGLE_RAD
    r_normal = ((n - 1.0) / (n + 1.0)) ** 2
    return np.where(near_normal, r_normal, r_perp), np.where(near_normal, r_normal, r_par), theta2


def _pane_stack(r, panes):
    """Transmittance [-] of ``panes`` non-absorbing panes (2 * panes surfaces of
    reflectance ``r``) with all inter-reflections, Duffie & Beckman (2013) eq. 5.3.2."""
    return (1.0 - r) / (1.0 + (2.0 * panes - 1.0) * r)


def _cover_transmittance(aoi, panes, *, refractive_index: float = GLASS_REFRACTIVE_INDEX,
                         extinction_per_m: float = GLASS_EXTINCTION_PER_M,
                         thickness_m: float = PANE_THICKNESS_M) -> np.ndarray:
    """Un-normalised transmittance τ [-] of the panes at incidence ``aoi`` [deg]; 0 at and
    beyond grazing incidence. :func:`angular_transmittance` is τ(aoi)/τ(0)."""
    theta1, count = _angles_and_panes(aoi, panes)
    glass = _glass(refractive_index, extinction_per_m, thickness_m)
    grazing = theta1 >= 0.5 * np.pi
    return np.where(grazing, 0.0, _tau(np.where(grazing, 0.0, theta1), count, *glass))


def _reflection_transmittance(aoi, panes, refractive_index: float = GLASS_REFRACTIVE_INDEX) -> np.ndarray:
    """Un-normalised transmittance τ_r [-] of non-absorbing panes (mean of the two
    polarisations) at incidence ``aoi`` [deg]; 0 at and beyond grazing incidence."""
    return _cover_transmittance(aoi, panes, refractive_index=refractive_index, extinction_per_m=0.0)


def _fresnel_reflectances(aoi, refractive_index: float = GLASS_REFRACTIVE_INDEX) -> tuple[np.ndarray, np.ndarray]:
    """Reflectances (r⊥, r∥) [-] of one air-glass surface at incidence ``aoi`` in [0, 90) [deg]."""
    theta1 = np.radians(np.abs(number_array("aoi", aoi, unit="deg")))
    r_perp, r_par, _ = _fresnel(theta1, _glass(refractive_index, 0.0, 0.0)[0])
    return r_perp, r_par


def _angles_and_panes(aoi, panes) -> tuple[np.ndarray, np.ndarray]:
    """|aoi| in radians and the pane counts as float64, broadcast to a common shape."""
    theta1 = np.radians(np.abs(number_array("aoi", aoi, unit="deg")))
    count = _pane_counts(panes)
    try:
        theta1, count = np.broadcast_arrays(theta1, count)
    except ValueError:
        raise ValueError(f"aoi and panes: shapes {theta1.shape} and {count.shape} do not broadcast") from None
    return theta1, count.astype(np.float64)


def _pane_counts(panes) -> np.ndarray:
    """``panes`` as an int64 array, every value one of :data:`PANES`."""
    values = np.asarray(panes)
    if values.dtype == bool or values.dtype.kind not in "iuf":
        raise ValueError(f"panes = {panes!r}: expected a pane count, one of {', '.join(map(str, PANES))}")
    first_bad("panes", values, ~np.isin(values, PANES), f"must be one of {', '.join(map(str, PANES))} [-]")
    return values.astype(np.int64)


def _pane_count(panes) -> int:
    """A single pane count of :data:`PANES`."""
    if np.ndim(panes) != 0:
        raise ValueError(f"panes: expected a single pane count, got shape {np.shape(panes)}")
    return int(_pane_counts(panes))


def _checked_components(components) -> dict[str, np.ndarray]:
    """The five irradiance components as finite float64 2-D arrays of equal shape."""
    if not isinstance(components, dict):
        raise ValueError(f"components: expected a dict with keys {', '.join(_COMPONENTS)}, "
                         f"got {type(components).__name__}")
    missing = [key for key in _COMPONENTS if key not in components]
    if missing:
        raise ValueError(f"components: missing {', '.join(missing)} (expected {', '.join(_COMPONENTS)})")
    shape = np.shape(components["beam"])
    if len(shape) != 2:
        raise ValueError(f"components['beam']: expected shape (n_hours, n_planes), got {shape}")
    return {key: number_array(f"components['{key}']", components[key], shape=shape,
                              unit="deg" if key == "aoi" else "W/m2")
            for key in _COMPONENTS}
