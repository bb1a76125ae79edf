"""Solar geometry and irradiance with pvlib [1]_: the solar position at mid-hour, the
Erbs decomposition of GHI into DNI and DHI, and the irradiance on tilted planes.

pvlib is imported inside the functions that call it, so that importing
:mod:`smartcity.weather` stays light.

References
----------
.. [1] Holmgren, W. F., Hansen, C. W., Mikofski, M. A. (2018). pvlib python: a python
   package for modeling solar energy systems. Journal of Open Source Software 3(29),
   884. https://doi.org/10.21105/joss.00884
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from smartcity.errors import InputError
from smartcity.weather.container import Weather

__all__ = ["solar_position", "plane_irradiance", "plane_irradiance_components"]

_HALF_HOUR = pd.Timedelta(minutes=30)
_TRANSPOSITION_MODELS = ("isotropic", "klucher", "haydavies", "reindl", "king",
                         "perez", "perez-driesse")
#: Sky-diffuse models whose pvlib function cannot split the sky diffuse into parts.
_MODELS_WITHOUT_COMPONENTS = ("klucher", "king")


# --------------------------------------------------------------------------------------
# Solar geometry and plane-of-array irradiance
# --------------------------------------------------------------------------------------

def solar_position(weather: Weather) -> pd.DataFrame:
    """Solar position at the middle of each hour.

    Computed by :func:`pvlib.solarposition.get_solarposition` (NREL SPA, numpy) at
    index + 30 min, with the pressure of the site's altitude, and returned on the
    weather's index (start-of-hour labels). Cached per weather.

    Parameters
    ----------
    weather : Weather
        Location and hours.

    Returns
    -------
    pandas.DataFrame
        Columns ``apparent_zenith``, ``zenith``, ``apparent_elevation``,
        ``elevation``, ``azimuth`` (N=0, E=90) [deg] and ``equation_of_time`` [min].

    References
    ----------
    .. [1] Reda, I., Andreas, A. (2004). Solar position algorithm for solar radiation
       applications. Solar Energy 76(5), 577-589.
       https://doi.org/10.1016/j.solener.2003.12.003
    """
    return _solar_position_cached(weather).copy(deep=False)


@functools.lru_cache(maxsize=8)
def _solar_position_cached(weather: Weather) -> pd.DataFrame:
    import pvlib

    index = weather.data.index
    sun = pvlib.solarposition.get_solarposition(
        index + _HALF_HOUR, weather.latitude, weather.longitude, altitude=weather.altitude)
    sun.index = index
    return sun


def plane_irradiance(weather: Weather, surface_tilt, surface_azimuth, albedo: float = 0.2,
                     model: str = "perez") -> np.ndarray:
    """Total (global) irradiance on tilted planes.

    Beam, sky-diffuse (by ``model``) and ground-reflected irradiance summed by
    :func:`pvlib.irradiance.get_total_irradiance`, at the mid-hour solar position.
    The true (not refraction-corrected) zenith is used, as in the Erbs decomposition,
    so that with the isotropic model a horizontal plane receives exactly GHI. The
    Perez model [1]_ gets the extraterrestrial irradiance and the Kasten-Young
    relative air mass [2]_ it needs. Its horizon-plane result equals GHI except at
    zenith angles above 85°, where the model floors cos(zenith) at cos(85°) and so
    gives a few percent less diffuse (negligible over a year). Night and undefined
    values are 0; the result is clipped at 0.

    Parameters
    ----------
    weather : Weather
        Hourly GHI, DNI, DHI and location.
    surface_tilt : float or array_like
        Tilt of each plane from horizontal, 0-180 (90 = vertical wall). [deg]
    surface_azimuth : float or array_like
        Direction each plane faces, N=0, E=90, S=180, W=270, in [0, 360]. [deg]
        Scalars and 1-D arrays of equal length broadcast against each other.
    albedo : float
        Ground reflectance, 0-1. [-]
    model : str
        Sky-diffuse model of :func:`pvlib.irradiance.get_sky_diffuse`: ``'perez'``
        (default), ``'isotropic'``, ``'haydavies'``, ``'reindl'``, ``'klucher'``,
        ``'king'`` or ``'perez-driesse'``.

    Returns
    -------
    numpy.ndarray
        Plane-of-array global irradiance, shape (n_hours, n_planes), float64,
        C-contiguous; n_planes = 1 for scalar inputs. [W/m²]

    Raises
    ------
    InputError
        For angles or albedo out of range, arrays of unequal length, or an unknown
        model.

    References
    ----------
    .. [1] Perez, R., Ineichen, P., Seals, R., Michalsky, J., Stewart, R. (1990).
       Modeling daylight availability and irradiance components from direct and
       global irradiance. Solar Energy 44(5), 271-289.
       https://doi.org/10.1016/0038-092X(90)90055-H
    .. [2] Kasten, F., Young, A. T. (1989). Revised optical air mass tables and
       approximation formula. Applied Optics 28(22), 4735-4738.
       https://doi.org/10.1364/AO.28.004735
    .. [3] :func:`pvlib.irradiance.get_total_irradiance`,
       :func:`pvlib.irradiance.get_extra_radiation`,
       :func:`pvlib.atmosphere.get_relative_airmass`.

    Examples
    --------
    >>> from smartcity.weather import reference_year
    >>> weather = reference_year()
    >>> walls = plane_irradiance(weather, 90, [0, 90, 180, 270])
    >>> walls.shape
    (8760, 4)
    """
    import pvlib

    tilt, _, inputs = _plane_inputs(weather, surface_tilt, surface_azimuth, albedo, model)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        total = pvlib.irradiance.get_total_irradiance(**inputs)
    poa = np.broadcast_to(np.asarray(total["poa_global"], dtype=np.float64),
                          (weather.n_hours, tilt.size))
    poa = np.nan_to_num(poa, nan=0.0, posinf=0.0, neginf=0.0).clip(min=0.0)
    return np.ascontiguousarray(poa)


def plane_irradiance_components(weather: Weather, surface_tilt, surface_azimuth, albedo: float = 0.2,
                                model: str = "perez") -> dict[str, np.ndarray]:
    """Irradiance on tilted planes split by the direction it comes from, and the beam's
    angle of incidence.

    The same transposition as :func:`plane_irradiance` (mid-hour solar position, true
    zenith, extraterrestrial irradiance and Kasten-Young air mass for the Perez
    models [1]_, by :func:`pvlib.irradiance.get_total_irradiance`), but with the sky
    diffuse split into the parts that the anisotropic models add up: the isotropic
    sky dome, the circumsolar disc and the horizon band. The parts are what an
    angle-dependent transmittance needs (e.g. window glazing,
    :mod:`smartcity.energy.glazing`):

    * ``beam`` -- direct beam plus circumsolar diffuse: the circumsolar part comes from
      the sun's direction, so it reaches the plane at the beam's angle of incidence;
    * ``sky`` -- isotropic sky-dome diffuse;
    * ``horizon`` -- horizon-band diffuse (Perez models, Reindl); the Perez horizon
      band can be negative (a darkened horizon under some skies) and keeps its sign;
    * ``ground`` -- ground-reflected diffuse (isotropic, ``albedo`` times GHI).

    The models of pvlib without a split, ``'klucher'`` and ``'king'``, put their whole
    sky diffuse into ``sky`` (``horizon`` is then 0 and ``beam`` the direct beam
    only). Where pvlib floors a model's total sky diffuse at 0 (Perez, Perez-Driesse),
    its parts are set to 0 too, so that beam + sky + horizon + ground is the
    ``poa_global`` of pvlib, i.e. :func:`plane_irradiance` before its clipping at 0.
    Non-finite values (night, undefined air mass) are 0. The parts are not clipped.

    Parameters
    ----------
    weather : Weather
        Hourly GHI, DNI, DHI and location.
    surface_tilt : float or array_like
        Tilt of each plane from horizontal, 0-180 (90 = vertical wall). [deg]
    surface_azimuth : float or array_like
        Direction each plane faces, N=0, E=90, S=180, W=270, in [0, 360]. [deg]
        Scalars and 1-D arrays of equal length broadcast against each other.
    albedo : float
        Ground reflectance, 0-1. [-]
    model : str
        Sky-diffuse model, as for :func:`plane_irradiance`.

    Returns
    -------
    dict of str to numpy.ndarray
        ``"beam"``, ``"sky"``, ``"horizon"``, ``"ground"`` [W/m²] and ``"aoi"``, the
        angle between the sun's direction and each plane's normal, 0-180 (above 90
        the sun is behind the plane) [deg]; each of shape (n_hours, n_planes),
        float64, C-contiguous; n_planes = 1 for scalar inputs.

    Raises
    ------
    InputError
        For angles or albedo out of range, arrays of unequal length, or an unknown
        model.

    References
    ----------
    .. [1] Perez, R., Ineichen, P., Seals, R., Michalsky, J., Stewart, R. (1990).
       Modeling daylight availability and irradiance components from direct and
       global irradiance. Solar Energy 44(5), 271-289.
       https://doi.org/10.1016/0038-092X(90)90055-H
    .. [2] Duffie, J. A., Beckman, W. A. (2013). Solar Engineering of Thermal
       Processes, 4th ed., Wiley, section 2.16 (anisotropic sky models: isotropic,
       circumsolar and horizon-brightening parts).
    .. [3] :func:`pvlib.irradiance.get_total_irradiance`, :func:`pvlib.irradiance.aoi`.

    Examples
    --------
    >>> from smartcity.weather import reference_year
    >>> parts = plane_irradiance_components(reference_year(), 90, [0, 90, 180, 270])
    >>> sorted(parts), parts["beam"].shape
    (['aoi', 'beam', 'ground', 'horizon', 'sky'], (8760, 4))
    """
    import pvlib

    tilt, _, inputs = _plane_inputs(weather, surface_tilt, surface_azimuth, albedo, model)
    split = model not in _MODELS_WITHOUT_COMPONENTS
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        total = pvlib.irradiance.get_total_irradiance(**inputs, diffuse_components=split)
        aoi = pvlib.irradiance.aoi(inputs["surface_tilt"], inputs["surface_azimuth"],
                                   inputs["solar_zenith"], inputs["solar_azimuth"])
    shape = (weather.n_hours, tilt.size)

    def part(name: str) -> np.ndarray:
        if name not in total:
            return np.zeros(shape)
        values = np.broadcast_to(np.asarray(total[name], dtype=np.float64), shape)
        return np.nan_to_num(values, nan=0.0, posinf=0.0, neginf=0.0)

    if split:
        sky, circumsolar, horizon = part("poa_isotropic"), part("poa_circumsolar"), part("poa_horizon")
        floored = part("poa_sky_diffuse") == 0.0  # pvlib floored the total sky diffuse at 0
        sky[floored] = circumsolar[floored] = horizon[floored] = 0.0
    else:
        sky, circumsolar, horizon = part("poa_sky_diffuse"), np.zeros(shape), np.zeros(shape)
    parts = {"beam": part("poa_direct") + circumsolar, "sky": sky, "horizon": horizon,
             "ground": part("poa_ground_diffuse"),
             "aoi": np.broadcast_to(np.asarray(aoi, dtype=np.float64), shape)}
    return {name: np.ascontiguousarray(values, dtype=np.float64) for name, values in parts.items()}


def _plane_inputs(weather: Weather, surface_tilt, surface_azimuth, albedo, model: str
                  ) -> tuple[np.ndarray, np.ndarray, dict]:
    """Checked plane angles and the keyword arguments of
    :func:`pvlib.irradiance.get_total_irradiance` (hours along axis 0, planes along axis 1)."""
    import pvlib

    tilt = _plane_angles(surface_tilt, "surface_tilt", 0.0, 180.0)
    azimuth = _plane_angles(surface_azimuth, "surface_azimuth", 0.0, 360.0)
    if tilt.size != azimuth.size and 1 not in (tilt.size, azimuth.size):
        raise InputError("surface_tilt and surface_azimuth differ in length",
                         value=(tilt.size, azimuth.size),
                         allowed="scalars or 1-D arrays of equal length")
    tilt, azimuth = np.broadcast_arrays(tilt, azimuth)
    if not (isinstance(albedo, (int, float, np.number)) and 0.0 <= albedo <= 1.0):
        raise InputError("albedo out of range", key="albedo", value=albedo,
                         allowed="a number in [0, 1]")
    if model not in _TRANSPOSITION_MODELS:
        raise InputError("unknown sky-diffuse model", key="model", value=model,
                         allowed=", ".join(_TRANSPOSITION_MODELS))

    sun = _solar_position_cached(weather)
    zenith = sun["zenith"].to_numpy()[:, None]
    solar_azimuth = sun["azimuth"].to_numpy()[:, None]
    doy = _day_of_year(weather.data.index)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        airmass = pvlib.atmosphere.get_relative_airmass(sun["apparent_zenith"].to_numpy())
    inputs = {"surface_tilt": tilt[None, :], "surface_azimuth": azimuth[None, :],
              "solar_zenith": zenith, "solar_azimuth": solar_azimuth,
              "dni": weather.dni[:, None], "ghi": weather.ghi[:, None], "dhi": weather.dhi[:, None],
              "dni_extra": pvlib.irradiance.get_extra_radiation(doy)[:, None],
              "airmass": airmass[:, None], "albedo": albedo, "model": model}
    return tilt, azimuth, inputs


def _plane_angles(values, name: str, low: float, high: float) -> np.ndarray:
    """Angles as a 1-D float64 array, checked against [low, high]."""
    try:
        angles = np.atleast_1d(np.asarray(values, dtype=np.float64))
    except (TypeError, ValueError) as exc:
        raise InputError("not a number", key=name, value=values) from exc
    if angles.ndim != 1:
        raise InputError("must be a scalar or a 1-D array", key=name,
                         value=f"array of shape {angles.shape}")
    bad = np.flatnonzero(~((angles >= low) & (angles <= high)))
    if bad.size:
        raise InputError(f"angle out of range at position {int(bad[0])}", key=name,
                         value=float(angles[bad[0]]), allowed=f"[{low:g}, {high:g}] [deg]")
    return angles


def _day_of_year(index: pd.DatetimeIndex) -> np.ndarray:
    """Day of year (1..366) of each label, as float64 for pvlib."""
    return index.day_of_year.to_numpy().astype(np.float64)


# --------------------------------------------------------------------------------------
# Decomposition of global horizontal irradiance
# --------------------------------------------------------------------------------------

def _erbs(ghi: np.ndarray, zenith: np.ndarray, doy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """DNI and DHI [W/m²] from GHI by the Erbs model; GHI = DNI cos(zenith) + DHI."""
    import pvlib

    with np.errstate(divide="ignore", invalid="ignore"):
        parts = pvlib.irradiance.erbs(ghi, zenith, doy)
    dni = np.nan_to_num(np.asarray(parts["dni"], dtype=np.float64), nan=0.0)
    dhi = np.nan_to_num(np.asarray(parts["dhi"], dtype=np.float64), nan=0.0)
    return dni, dhi
