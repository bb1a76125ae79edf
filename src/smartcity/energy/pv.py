"""Rooftop PV: hourly AC power of arrays on any plane (pvlib: Perez transposition, SAPM cell
temperature, PVWatts DC and inverter models).

References
----------
.. [1] Dobos, A. P. (2014). PVWatts Version 5 Manual. NREL/TP-6A20-62641.
   https://doi.org/10.2172/1158421
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pvlib

from smartcity.checks import first_bad, number, number_array
from smartcity.weather import Weather, solar_position

__all__ = ["pv_generation"]

_HALF_HOUR = pd.Timedelta(minutes=30)
_SAPM_MOUNTING = {"close_mount": "close_mount_glass_glass", "open_rack": "open_rack_glass_polymer"}


def pv_generation(weather: Weather, kwp, surface_tilt, surface_azimuth, *,
                  system_losses: float = 0.14, albedo: float = 0.2,
                  temperature_coefficient: float = -0.0037, inverter_efficiency: float = 0.96,
                  dc_ac_ratio: float = 1.1, mounting: str = "close_mount") -> np.ndarray:
    """Hourly AC power of rooftop PV arrays (PVWatts).

    The chain, all from pvlib at the mid-hour solar position of
    :func:`smartcity.weather.solar_position`:

    1. plane-of-array beam, sky-diffuse (Perez 1990) and ground-reflected irradiance
       (:func:`pvlib.irradiance.get_total_irradiance`);
    2. reflection losses at the glass: the physical incidence-angle modifier for the
       beam (:func:`pvlib.iam.physical`) and its integrals over the sky and the ground
       for the diffuse parts (:func:`pvlib.iam.marion_diffuse`), as PVWatts does;
    3. cell temperature by the Sandia (SAPM) model (:func:`pvlib.temperature.sapm_cell`)
       with the 'close_mount_glass_glass' parameters for modules close to a pitched roof
       or 'open_rack_glass_polymer' for racks;
    4. DC power by PVWatts (:func:`pvlib.pvsystem.pvwatts_dc`), reduced by
       ``system_losses`` (PVWatts' lumped losses);
    5. AC power by the PVWatts inverter model (:func:`pvlib.inverter.pvwatts`) with an AC
       rating of ``kwp / dc_ac_ratio``.

    A south-facing array tilted 35° on the built-in Aalborg reference year yields
    about 900 kWh/kWp per year (close mount), inside the 850-1,000 kWh/kWp reported for Danish
    rooftop PV.

    Parameters
    ----------
    weather : Weather
        Hourly weather (GHI, DNI, DHI, air temperature, wind speed) and location.
    kwp : float or (n_arrays,) array_like
        DC rating of each array at standard test conditions, >= 0. [kWp]
    surface_tilt : float or (n_arrays,) array_like
        Tilt from horizontal, 0-90. [deg]
    surface_azimuth : float or (n_arrays,) array_like
        Direction the array faces, N=0, E=90, S=180, W=270. [deg]
    system_losses : float, default 0.14
        Share of DC energy lost (soiling, shading, mismatch, wiring, ageing), in [0, 1). [-]
    albedo : float, default 0.2
        Ground reflectance, 0-1. [-]
    temperature_coefficient : float, default -0.0037
        Relative change of DC power per kelvin of cell temperature above 25 °C. [1/K]
    inverter_efficiency : float, default 0.96
        Nominal inverter efficiency, (0, 1]. [-]
    dc_ac_ratio : float, default 1.1
        DC rating over inverter AC rating, > 0. [-]
    mounting : {'close_mount', 'open_rack'}
        Cell-temperature parameters.

    Returns
    -------
    numpy.ndarray
        AC power, shape (n_h,) for scalar arguments, else (n_h, n_arrays); >= 0. [kW]

    Raises
    ------
    ValueError
        For out-of-range arguments or arrays of unequal length.

    References
    ----------
    .. [1] Dobos, A. P. (2014). PVWatts Version 5 Manual. NREL/TP-6A20-62641.
       https://doi.org/10.2172/1158421
    .. [2] King, D. L., Boyson, W. E., Kratochvil, J. A. (2004). Photovoltaic array
       performance model. SAND2004-3535, Sandia National Laboratories.
    .. [3] Perez, R., Ineichen, P., Seals, R., Michalsky, J., Stewart, R. (1990).
       Modeling daylight availability and irradiance components from direct and global
       irradiance. Solar Energy 44(5), 271-289.
    """
    if not isinstance(weather, Weather):
        raise ValueError(f"weather: expected a Weather, got {type(weather).__name__}")
    scalar_input = all(np.ndim(v) == 0 for v in (kwp, surface_tilt, surface_azimuth))
    ratings = np.atleast_1d(number_array("kwp", kwp, nonneg=True, unit="kWp"))
    tilt = np.atleast_1d(number_array("surface_tilt", surface_tilt, unit="deg"))
    azimuth = np.atleast_1d(number_array("surface_azimuth", surface_azimuth, unit="deg"))
    for name, values, (low, high) in (("surface_tilt", tilt, (0.0, 90.0)),
                                      ("surface_azimuth", azimuth, (0.0, 360.0))):
        if values.ndim != 1:
            raise ValueError(f"{name}: expected a scalar or a 1-D array, got shape {values.shape}")
        first_bad(name, values, (values < low) | (values > high), f"must be in [{low:g}, {high:g}] [deg]")
    sizes = {ratings.size, tilt.size, azimuth.size} - {1}
    if len(sizes) > 1 or ratings.ndim != 1:
        raise ValueError("kwp, surface_tilt and surface_azimuth: expected scalars or 1-D arrays of equal "
                         f"length, got shapes {ratings.shape}, {tilt.shape}, {azimuth.shape}")
    ratings, tilt, azimuth = np.broadcast_arrays(ratings, tilt, azimuth)
    losses = number("system_losses", system_losses, low=0.0, unit="-")
    if losses >= 1.0:
        raise ValueError(f"system_losses = {system_losses!r}: must be < 1 [-]")
    albedo = number("albedo", albedo, low=0.0, high=1.0, unit="-")
    gamma = number("temperature_coefficient", temperature_coefficient, low=-0.02, high=0.0, unit="1/K")
    eta_inv = number("inverter_efficiency", inverter_efficiency, low=0.0, low_open=True, high=1.0, unit="-")
    ratio = number("dc_ac_ratio", dc_ac_ratio, low=0.0, low_open=True, unit="-")
    if mounting not in _SAPM_MOUNTING:
        raise ValueError(f"mounting = {mounting!r}: must be one of {', '.join(_SAPM_MOUNTING)}")

    sun = solar_position(weather)
    zenith = sun["zenith"].to_numpy()[:, None]
    solar_azimuth = sun["azimuth"].to_numpy()[:, None]
    mid_hour = weather.index + _HALF_HOUR
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        airmass = pvlib.atmosphere.get_relative_airmass(sun["apparent_zenith"].to_numpy())
        poa = pvlib.irradiance.get_total_irradiance(
            tilt[None, :], azimuth[None, :], zenith, solar_azimuth,
            weather.dni[:, None], weather.ghi[:, None], weather.dhi[:, None],
            dni_extra=pvlib.irradiance.get_extra_radiation(mid_hour.day_of_year.to_numpy())[:, None],
            airmass=airmass[:, None], albedo=albedo, model="perez")
        aoi = pvlib.irradiance.aoi(tilt[None, :], azimuth[None, :], zenith, solar_azimuth)
        iam_beam = pvlib.iam.physical(aoi)
    iam_diffuse = pvlib.iam.marion_diffuse("physical", tilt)

    def component(key: str) -> np.ndarray:
        values = np.broadcast_to(np.asarray(poa[key], dtype=np.float64), (weather.n_hours, tilt.size))
        return np.nan_to_num(values, nan=0.0, posinf=0.0, neginf=0.0).clip(min=0.0)

    beam, sky, ground = component("poa_direct"), component("poa_sky_diffuse"), component("poa_ground_diffuse")
    iam_beam = np.nan_to_num(np.asarray(iam_beam, dtype=np.float64), nan=0.0).clip(0.0, 1.0)
    effective = (beam * iam_beam + sky * np.asarray(iam_diffuse["sky"])[None, :]
                 + ground * np.asarray(iam_diffuse["ground"])[None, :])
    poa_global = beam + sky + ground

    sapm = pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"][_SAPM_MOUNTING[mounting]]
    temp_cell = pvlib.temperature.sapm_cell(poa_global, weather.temp_air[:, None],
                                            weather.wind_speed[:, None], **sapm)
    dc = pvlib.pvsystem.pvwatts_dc(effective, temp_cell, pdc0=ratings[None, :], gamma_pdc=gamma)
    dc = np.asarray(dc, dtype=np.float64).clip(min=0.0) * (1.0 - losses)
    inverter_dc_limit = ratings / ratio / eta_inv
    with np.errstate(divide="ignore", invalid="ignore"):
        ac = pvlib.inverter.pvwatts(dc, np.broadcast_to(inverter_dc_limit, dc.shape), eta_inv_nom=eta_inv)
    ac = np.nan_to_num(np.asarray(ac, dtype=np.float64), nan=0.0).clip(min=0.0)
    ac[:, ratings == 0.0] = 0.0
    return np.ascontiguousarray(ac[:, 0] if scalar_input else ac)
