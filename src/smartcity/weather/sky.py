"""Effective sky temperature: the temperature of a black sky that would send down the
long-wave (infrared) irradiance of the real sky, for the heat a building envelope loses
by thermal radiation to the sky (ISO 13790:2008 [1]_ §11.3.5 and ISO 52016-1:2017 [2]_:
Φ_r = R_se U A h_r (θ_e − θ_sky), weighted by the form factor F_r).

:func:`sky_temperature` takes, hour by hour, the first of these that the weather allows:

1. ``"horizontal_infrared"`` -- the measured or modelled horizontal infrared irradiance
   from the sky IR (column ``ir_horizontal`` of an EPW file): the sky temperature is
   that of a black body emitting IR, θ_sky = (IR / σ)^(1/4) − 273.15.
2. ``"dew_point_and_cloud_cover"`` -- the sky emissivity ε_sky of Clark and Allen [3]_
   (clear sky, from the dew point) with the cloud correction of Kimball et al. [4]_ as
   used by Walton [5]_ and EnergyPlus [6]_ (from the opaque sky cover); then
   IR = ε_sky σ T_air⁴ and θ_sky = ε_sky^(1/4) T_air − 273.15. The dew point is the
   weather's (column ``temp_dew``) or, where it has none, the Magnus formula [7]_
   applied to the air temperature and relative humidity.
3. ``"dew_point_and_clearness"`` -- as 2, with the opaque sky cover ESTIMATED from the
   clearness of the sky by day (:func:`estimate_opaque_sky_cover`), for weather without
   cloud observations, such as the package's synthetic reference year and the CSV form.

Hours without a usable infrared value (missing, NaN) take method 2, and hours without a
sky cover too take method 3. :func:`sky_temperature_method` names the method used for
most hours, :func:`sky_temperature_method_by_hour` the method of each hour.

pvlib is imported only by the clearness estimate of method 3.

References
----------
.. [1] ISO 13790:2008. Energy performance of buildings -- Calculation of energy use for
   space heating and cooling. §11.3.5 (thermal radiation to the sky) and §11.4.6
   (the mean difference between the air and the sky temperature).
.. [2] ISO 52016-1:2017. Energy performance of buildings -- Energy needs for heating
   and cooling, internal temperatures and sensible and latent heat loads -- Part 1:
   Calculation procedures (thermal radiation to the sky).
.. [3] Clark, G., Allen, C. (1978). The estimation of atmospheric radiation for clear
   and cloudy skies. Proceedings of the 2nd National Passive Solar Conference
   (AS/ISES), Philadelphia, 675-678.
.. [4] Kimball, B. A., Idso, S. B., Aase, J. K. (1982). A model of thermal radiation
   from partly cloudy and overcast skies. Water Resources Research 18(4), 931-936.
   https://doi.org/10.1029/WR018i004p00931
.. [5] Walton, G. N. (1983). Thermal Analysis Research Program reference manual
   (TARP). NBSIR 83-2655, National Bureau of Standards, Washington DC.
.. [6] EnergyPlus Engineering Reference, "Outside surface heat balance", section
   "Sky radiation modeling" (emissivity of the sky from the dew point and the opaque
   sky cover). U.S. Department of Energy.
.. [7] Alduchov, O. A., Eskridge, R. E. (1996). Improved Magnus form approximation of
   saturation vapor pressure. Journal of Applied Meteorology 35(4), 601-609.
   https://doi.org/10.1175/1520-0450(1996)035<0601:IMFAOS>2.0.CO;2
.. [8] Kasten, F., Czeplak, G. (1980). Solar and terrestrial radiation dependent on the
   amount and type of cloud. Solar Energy 24(2), 177-189.
   https://doi.org/10.1016/0038-092X(80)90391-6
.. [9] Tiesinga, E., Mohr, P. J., Newell, D. B., Taylor, B. N. (2021). CODATA
   recommended values of the fundamental physical constants: 2018. Reviews of Modern
   Physics 93, 025010. https://doi.org/10.1103/RevModPhys.93.025010
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from smartcity.errors import InputError
from smartcity.weather.container import Weather
from smartcity.weather.solar import _day_of_year, _solar_position_cached

__all__ = [
    "SKY_TEMPERATURE_METHODS",
    "STEFAN_BOLTZMANN",
    "ZERO_CELSIUS",
    "sky_temperature",
    "sky_temperature_method",
    "sky_temperature_method_by_hour",
    "estimate_opaque_sky_cover",
    "sky_temperature_from_infrared",
    "sky_temperature_from_dew_point",
    "sky_emissivity",
    "dew_point_temperature",
    "opaque_sky_cover_from_clearness",
]

SKY_TEMPERATURE_METHODS = ("horizontal_infrared", "dew_point_and_cloud_cover", "dew_point_and_clearness")
"""Names of the methods of :func:`sky_temperature`, in order of preference."""

#: Stefan-Boltzmann constant [W/(m² K⁴)], CODATA 2018 (Tiesinga et al. 2021).
STEFAN_BOLTZMANN = 5.670374419e-8
#: 0 °C in kelvin [K] (definition of the Celsius scale).
ZERO_CELSIUS = 273.15

#: Clear-sky emissivity of Clark & Allen (1978), ε_clear = A + B ln(T_dp / T_REF): A [-].
_CLARK_ALLEN_A = 0.787
#: Clark & Allen (1978): B [-].
_CLARK_ALLEN_B = 0.764
#: Clark & Allen (1978): the reference temperature T_REF [K] (273, not 273.15, as published).
_CLARK_ALLEN_T_REF = 273.0
#: Cloud factor of Kimball et al. (1982) as used by Walton (1983) and EnergyPlus,
#: 1 + c1 N + c2 N² + c3 N³ with N the opaque sky cover [tenths]: (c1, c2, c3) [-].
_KIMBALL_CLOUD = (0.0224, -0.0035, 0.00028)

#: Magnus formula, coefficients of Alduchov & Eskridge (1996) over water: a [-].
_MAGNUS_A = 17.625
#: Magnus formula, Alduchov & Eskridge (1996): b [°C].
_MAGNUS_B = 243.04
#: [%] assumption: relative humidity is raised to this floor before the Magnus formula,
#: whose dew point goes to −b (−243 °C) as the humidity goes to 0; 1 % is below outdoor
#: humidities measured even in deserts, and keeps the emissivity positive at −60 °C.
_MIN_RELATIVE_HUMIDITY = 1.0

#: [W/m²] assumption: a horizontal infrared value below this is taken as missing (e.g. a 0
#: written for "no data"): it is the emission of a black body at 163 K (−110 °C), well
#: below the downward long-wave irradiance of the coldest clear skies on Earth (of the
#: order of 100 W/m² in the Antarctic winter).
_MIN_INFRARED = 40.0

#: Relation of Kasten & Czeplak (1980) between the clear-sky index and the cloud amount,
#: G / G_clear = 1 − K (N / 8)^P with N in octas: K [-].
_KASTEN_CZEPLAK_K = 0.75
#: Kasten & Czeplak (1980): P [-].
_KASTEN_CZEPLAK_P = 3.4
#: [deg] assumption: the clearness G / G_clear of an hour whose mid-hour apparent solar
#: elevation is below this is not used (clear-sky models and the hourly mean of GHI
#: against a mid-hour clear sky are least reliable at low sun). 5° rather than 10°:
#: at Aalborg (57° N) the sun stays below 10° all day for about four weeks around the
#: winter solstice, whereas above 5° it reaches at least two hours a day.
_MIN_SOLAR_ELEVATION = 5.0

_HALF_HOUR = pd.Timedelta(minutes=30)
_DAY = pd.Timedelta(days=1)


# --------------------------------------------------------------------------------------
# Sky temperature of a Weather
# --------------------------------------------------------------------------------------

def sky_temperature(weather: Weather) -> np.ndarray:
    """Hourly effective sky temperature θ_sky.

    Each hour takes the first method the weather allows (see the module's docstring
    and :data:`SKY_TEMPERATURE_METHODS`):

    1. ``"horizontal_infrared"``: from the column ``ir_horizontal`` [W/m²] by
       :func:`sky_temperature_from_infrared`, where it holds a value (not NaN and at
       least 40 W/m², lower values being taken as missing-data markers);
    2. ``"dew_point_and_cloud_cover"``: from the air temperature, the dew point and the
       column ``opaque_sky_cover`` [tenths] by :func:`sky_temperature_from_dew_point`
       (Clark & Allen [1]_ with the cloud factor of Kimball et al. [2]_, as in
       EnergyPlus [3]_), where the sky cover holds a value. The dew point is the column
       ``temp_dew`` [°C] where it holds a value, otherwise the Magnus formula of
       :func:`dew_point_temperature`;
    3. ``"dew_point_and_clearness"``: as 2, with the opaque sky cover ESTIMATED from the
       clearness of the sky by :func:`estimate_opaque_sky_cover` (Kasten & Czeplak [4]_
       inverted, daylight hours carried over the night). This is a rough estimate: it
       tells clear from overcast days, but not low from high or thin clouds, and the
       night gets the day's mean cover.

    Parameters
    ----------
    weather : Weather
        Hourly ``temp_air`` [°C] and ``relative_humidity`` [%]; optionally
        ``ir_horizontal`` [W/m²], ``temp_dew`` [°C], ``opaque_sky_cover`` [tenths]; for
        method 3 also ``ghi`` [W/m²] and the location.

    Returns
    -------
    numpy.ndarray
        Effective sky temperature, shape (n_hours,), float64, C-contiguous. [°C]

    See Also
    --------
    sky_temperature_method, sky_temperature_method_by_hour

    References
    ----------
    .. [1] Clark, G., Allen, C. (1978). The estimation of atmospheric radiation for
       clear and cloudy skies. Proceedings of the 2nd National Passive Solar
       Conference (AS/ISES), Philadelphia, 675-678.
    .. [2] Kimball, B. A., Idso, S. B., Aase, J. K. (1982). A model of thermal radiation
       from partly cloudy and overcast skies. Water Resources Research 18(4), 931-936.
       https://doi.org/10.1029/WR018i004p00931
    .. [3] EnergyPlus Engineering Reference, "Outside surface heat balance", section
       "Sky radiation modeling". U.S. Department of Energy.
    .. [4] Kasten, F., Czeplak, G. (1980). Solar and terrestrial radiation dependent on
       the amount and type of cloud. Solar Energy 24(2), 177-189.
       https://doi.org/10.1016/0038-092X(80)90391-6

    Examples
    --------
    >>> from smartcity.weather import reference_year
    >>> weather = reference_year()
    >>> theta_sky = sky_temperature(weather)
    >>> theta_sky.shape, sky_temperature_method(weather)
    ((8760,), 'dew_point_and_clearness')
    >>> bool(8.0 < float((weather.temp_air - theta_sky).mean()) < 14.0)  # [K]
    True
    """
    codes = _method_codes(weather)
    temp_air = weather.temp_air
    theta_sky = np.empty(weather.n_hours, dtype=np.float64)

    infrared = codes == 0
    if infrared.any():
        theta_sky[infrared] = sky_temperature_from_infrared(_optional(weather, "ir_horizontal")[infrared])

    rest = ~infrared
    if rest.any():
        temp_dew = _optional(weather, "temp_dew")
        no_dew = np.isnan(temp_dew)
        if no_dew.any():
            temp_dew = np.where(no_dew, dew_point_temperature(temp_air, weather.relative_humidity), temp_dew)
        cover = _optional(weather, "opaque_sky_cover")
        if (codes == 2).any():
            cover = np.where(codes == 2, estimate_opaque_sky_cover(weather), cover)
        theta_sky[rest] = sky_temperature_from_dew_point(temp_air[rest], temp_dew[rest], cover[rest])
    return np.ascontiguousarray(theta_sky)


def sky_temperature_method(weather: Weather) -> str:
    """The method :func:`sky_temperature` uses for most hours of ``weather``.

    Parameters
    ----------
    weather : Weather
        The weather.

    Returns
    -------
    str
        One of :data:`SKY_TEMPERATURE_METHODS`: ``"horizontal_infrared"``,
        ``"dew_point_and_cloud_cover"`` or ``"dew_point_and_clearness"``; on a tie the
        preferred one. Hours may mix methods (e.g. an EPW file with some infrared values
        missing); :func:`sky_temperature_method_by_hour` tells each hour's.
    """
    counts = np.bincount(_method_codes(weather), minlength=len(SKY_TEMPERATURE_METHODS))
    return SKY_TEMPERATURE_METHODS[int(np.argmax(counts))]


def sky_temperature_method_by_hour(weather: Weather) -> np.ndarray:
    """The method :func:`sky_temperature` uses for each hour.

    Parameters
    ----------
    weather : Weather
        The weather.

    Returns
    -------
    numpy.ndarray
        Shape (n_hours,), strings of :data:`SKY_TEMPERATURE_METHODS`.
    """
    return np.asarray(SKY_TEMPERATURE_METHODS)[_method_codes(weather)]


def estimate_opaque_sky_cover(weather: Weather) -> np.ndarray:
    """Opaque sky cover ESTIMATED from the clearness of the sky by day.

    An hour whose mid-hour apparent solar elevation is at least 5° gets the cover of
    :func:`opaque_sky_cover_from_clearness` (Kasten & Czeplak [1]_ inverted) of its
    clear-sky index kt = GHI / GHI_clear, with GHI_clear the Ineichen-Perez clear-sky
    GHI [2]_ at mid-hour (:meth:`pvlib.location.Location.get_clearsky`, Linke turbidity
    from pvlib's monthly climatology). Every other hour (low sun, night) gets the mean
    cover of the day's hours that have one (day = calendar day in local standard time).
    A day without such hours (none at Aalborg; north of about 61° the days around the
    winter solstice) gets the mean of the last day before it that has them, and days at
    the start of the year that of the last such day of the year (the year is taken as
    cyclic, as a typical year is). Why 5° and not 10°: see ``_MIN_SOLAR_ELEVATION``.

    This is an estimate, and a rough one: the relation was fitted to total cloud amount
    and is used here for the opaque cover, and low-sun and night hours only get the
    day's mean.

    Parameters
    ----------
    weather : Weather
        Hourly ``ghi`` [W/m²] and the location.

    Returns
    -------
    numpy.ndarray
        Opaque sky cover, shape (n_hours,), float64, in [0, 10]. [tenths]

    Raises
    ------
    InputError
        If no hour of the weather has the sun at least 5° high.

    References
    ----------
    .. [1] Kasten, F., Czeplak, G. (1980). Solar and terrestrial radiation dependent on
       the amount and type of cloud. Solar Energy 24(2), 177-189.
       https://doi.org/10.1016/0038-092X(80)90391-6
    .. [2] Ineichen, P., Perez, R. (2002). A new airmass independent formulation for the
       Linke turbidity coefficient. Solar Energy 73(3), 151-157.
       https://doi.org/10.1016/S0038-092X(02)00045-2
    """
    import pvlib

    index = weather.index
    mid = index + _HALF_HOUR
    sun = _solar_position_cached(weather).set_axis(mid)  # a new frame: the cache is unchanged
    location = pvlib.location.Location(weather.latitude, weather.longitude, tz="UTC",
                                       altitude=weather.altitude)
    # The Linke turbidity (pvlib's monthly climatology, interpolated between mid-months)
    # and the extraterrestrial irradiance are given from the day of year: pvlib's own
    # defaults take it from the times by an attribute that pandas deprecates.
    doy = _day_of_year(mid)
    mid_months = pd.DatetimeIndex([pd.Timestamp(index[0].year, m, 15, tz="UTC") for m in range(1, 13)])
    monthly = pvlib.clearsky.lookup_linke_turbidity(mid_months, weather.latitude, weather.longitude,
                                                    interp_turbidity=False).to_numpy()
    turbidity = np.interp(doy, _day_of_year(mid_months), monthly, period=365.0)
    clear = location.get_clearsky(mid, model="ineichen", solar_position=sun, linke_turbidity=turbidity,
                                  dni_extra=pvlib.irradiance.get_extra_radiation(doy))
    clear_ghi = np.asarray(clear["ghi"], dtype=np.float64)

    daylight = (sun["apparent_elevation"].to_numpy() >= _MIN_SOLAR_ELEVATION) & (clear_ghi > 0.0)
    if not daylight.any():
        raise InputError("no hour with the sun high enough to estimate the cloud cover from the clearness",
                         allowed=f"weather with some hours of solar elevation >= {_MIN_SOLAR_ELEVATION:g} deg")
    hourly = np.full(weather.n_hours, np.nan)
    hourly[daylight] = opaque_sky_cover_from_clearness(weather.ghi[daylight] / clear_ghi[daylight])

    day = np.asarray((index - index[0].normalize()) // _DAY, dtype=np.int64)
    n_days = int(day[-1]) + 1
    counts = np.bincount(day[daylight], minlength=n_days)
    sums = np.bincount(day[daylight], weights=hourly[daylight], minlength=n_days)
    has = counts > 0
    daily = np.where(has, sums / np.maximum(counts, 1), np.nan)
    # each day without daylight hours takes the last day before it with some (cyclic)
    last_with = np.maximum.accumulate(np.where(has, np.arange(n_days), -1))
    last_with = np.where(last_with < 0, np.flatnonzero(has)[-1], last_with)
    daily = daily[last_with]
    return np.where(daylight, hourly, daily[day])


# --------------------------------------------------------------------------------------
# The formulas, on arrays
# --------------------------------------------------------------------------------------

def sky_temperature_from_infrared(ir_horizontal) -> np.ndarray:
    """Sky temperature of a black body emitting the horizontal infrared irradiance.

    θ_sky = (IR / σ)^(1/4) − 273.15, with σ the Stefan-Boltzmann constant of CODATA
    2018 [1]_.

    Parameters
    ----------
    ir_horizontal : array_like
        Horizontal infrared (long-wave) irradiance from the sky, > 0. [W/m²]

    Returns
    -------
    numpy.ndarray
        Effective sky temperature, float64. [°C]

    References
    ----------
    .. [1] Tiesinga, E., Mohr, P. J., Newell, D. B., Taylor, B. N. (2021). CODATA
       recommended values of the fundamental physical constants: 2018. Reviews of
       Modern Physics 93, 025010. https://doi.org/10.1103/RevModPhys.93.025010

    Examples
    --------
    >>> round(float(sky_temperature_from_infrared(300.0)), 1)  # [°C]
    -3.5
    """
    ir = np.asarray(ir_horizontal, dtype=np.float64)
    return (ir / STEFAN_BOLTZMANN) ** 0.25 - ZERO_CELSIUS


def sky_emissivity(temp_dew, opaque_sky_cover) -> np.ndarray:
    """Effective emissivity of the sky from the dew point and the opaque sky cover.

    ε_sky = (0.787 + 0.764 ln(T_dp / 273)) (1 + 0.0224 N − 0.0035 N² + 0.00028 N³),
    the clear-sky emissivity of Clark & Allen [1]_ times the cloud factor of Kimball et
    al. [2]_ as used by Walton [3]_ and EnergyPlus [4]_; T_dp is the dew point [K] and
    N the opaque sky cover [tenths]. The factor grows with N (from 1 at N = 0 to 1.154
    at N = 10), and ε_sky with T_dp; ε_sky can slightly exceed 1 for a humid
    overcast sky (dew point above about 30 °C).

    Parameters
    ----------
    temp_dew : array_like
        Dew-point temperature. [°C]
    opaque_sky_cover : array_like
        Opaque sky cover, 0 (clear) to 10 (overcast). [tenths]

    Returns
    -------
    numpy.ndarray
        Sky emissivity, float64, broadcast shape of the inputs. [-]

    References
    ----------
    .. [1] Clark, G., Allen, C. (1978). The estimation of atmospheric radiation for
       clear and cloudy skies. Proceedings of the 2nd National Passive Solar
       Conference (AS/ISES), Philadelphia, 675-678.
    .. [2] Kimball, B. A., Idso, S. B., Aase, J. K. (1982). A model of thermal radiation
       from partly cloudy and overcast skies. Water Resources Research 18(4), 931-936.
       https://doi.org/10.1029/WR018i004p00931
    .. [3] Walton, G. N. (1983). Thermal Analysis Research Program reference manual
       (TARP). NBSIR 83-2655, National Bureau of Standards, Washington DC.
    .. [4] EnergyPlus Engineering Reference, "Outside surface heat balance", section
       "Sky radiation modeling". U.S. Department of Energy.
    """
    t_dew = np.asarray(temp_dew, dtype=np.float64) + ZERO_CELSIUS
    n = np.asarray(opaque_sky_cover, dtype=np.float64)
    clear = _CLARK_ALLEN_A + _CLARK_ALLEN_B * np.log(t_dew / _CLARK_ALLEN_T_REF)
    c1, c2, c3 = _KIMBALL_CLOUD
    return clear * (1.0 + n * (c1 + n * (c2 + n * c3)))


def sky_temperature_from_dew_point(temp_air, temp_dew, opaque_sky_cover) -> np.ndarray:
    """Sky temperature from the air temperature, the dew point and the opaque sky cover.

    IR = ε_sky σ T_air⁴ with ε_sky of :func:`sky_emissivity` (Clark & Allen [1]_,
    Kimball et al. [2]_), so θ_sky = ε_sky^(1/4) T_air − 273.15 with T_air in K. The
    result grows with the dew point and with the cover.

    Parameters
    ----------
    temp_air : array_like
        Air temperature. [°C]
    temp_dew : array_like
        Dew-point temperature. [°C]
    opaque_sky_cover : array_like
        Opaque sky cover, 0 (clear) to 10 (overcast). [tenths]

    Returns
    -------
    numpy.ndarray
        Effective sky temperature, float64, broadcast shape of the inputs. [°C]

    References
    ----------
    .. [1] Clark, G., Allen, C. (1978). The estimation of atmospheric radiation for
       clear and cloudy skies. Proceedings of the 2nd National Passive Solar
       Conference (AS/ISES), Philadelphia, 675-678.
    .. [2] Kimball, B. A., Idso, S. B., Aase, J. K. (1982). A model of thermal radiation
       from partly cloudy and overcast skies. Water Resources Research 18(4), 931-936.
       https://doi.org/10.1029/WR018i004p00931

    Examples
    --------
    >>> clear, overcast = sky_temperature_from_dew_point(10.0, 5.0, [0.0, 10.0])
    >>> round(float(clear), 1), round(float(overcast), 1)
    (-5.3, 4.5)
    """
    t_air = np.asarray(temp_air, dtype=np.float64) + ZERO_CELSIUS
    return sky_emissivity(temp_dew, opaque_sky_cover) ** 0.25 * t_air - ZERO_CELSIUS


def dew_point_temperature(temp_air, relative_humidity) -> np.ndarray:
    """Dew point from the air temperature and the relative humidity (Magnus formula).

    γ = ln(RH / 100) + a θ / (b + θ), θ_dp = b γ / (a − γ), with the coefficients of
    Alduchov & Eskridge [1]_ over water, a = 17.625, b = 243.04 °C. The humidity is
    first raised to at least 1 % (the formula's dew point goes to −243 °C as the
    humidity goes to 0) and capped at 100 %.

    Parameters
    ----------
    temp_air : array_like
        Air temperature. [°C]
    relative_humidity : array_like
        Relative humidity. [%]

    Returns
    -------
    numpy.ndarray
        Dew-point temperature, float64, broadcast shape of the inputs. [°C]

    References
    ----------
    .. [1] Alduchov, O. A., Eskridge, R. E. (1996). Improved Magnus form approximation
       of saturation vapor pressure. Journal of Applied Meteorology 35(4), 601-609.
       https://doi.org/10.1175/1520-0450(1996)035<0601:IMFAOS>2.0.CO;2

    Examples
    --------
    >>> round(float(dew_point_temperature(20.0, 50.0)), 2)
    9.26
    """
    theta = np.asarray(temp_air, dtype=np.float64)
    rh = np.clip(np.asarray(relative_humidity, dtype=np.float64), _MIN_RELATIVE_HUMIDITY, 100.0)
    gamma = np.log(rh / 100.0) + _MAGNUS_A * theta / (_MAGNUS_B + theta)
    return _MAGNUS_B * gamma / (_MAGNUS_A - gamma)


def opaque_sky_cover_from_clearness(clearness) -> np.ndarray:
    """Sky cover from the clear-sky index, by the relation of Kasten & Czeplak inverted.

    Kasten & Czeplak [1]_ give G / G_clear = 1 − 0.75 (N / 8)^3.4 with N the cloud
    amount in octas; inverted and converted to tenths, N = 10 ((1 − kt) / 0.75)^(1/3.4)
    with kt = G / G_clear first clipped to [0.25, 1] (so N is in [0, 10]).

    Parameters
    ----------
    clearness : array_like
        Clear-sky index kt, the global horizontal irradiance over its clear-sky value. [-]

    Returns
    -------
    numpy.ndarray
        Sky cover, float64, in [0, 10]. [tenths]

    References
    ----------
    .. [1] Kasten, F., Czeplak, G. (1980). Solar and terrestrial radiation dependent on
       the amount and type of cloud. Solar Energy 24(2), 177-189.
       https://doi.org/10.1016/0038-092X(80)90391-6

    Examples
    --------
    >>> opaque_sky_cover_from_clearness([1.2, 1.0, 0.25, 0.0]).tolist()
    [0.0, 0.0, 10.0, 10.0]
    """
    kt = np.clip(np.asarray(clearness, dtype=np.float64), 1.0 - _KASTEN_CZEPLAK_K, 1.0)
    octas = 8.0 * ((1.0 - kt) / _KASTEN_CZEPLAK_K) ** (1.0 / _KASTEN_CZEPLAK_P)
    return octas * 10.0 / 8.0


# --------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------

def _optional(weather: Weather, column: str) -> np.ndarray:
    """An optional column as float64, or all NaN if the weather has none."""
    if column in weather.data.columns:
        return weather.data[column].to_numpy(dtype=np.float64)
    return np.full(weather.n_hours, np.nan)


def _method_codes(weather: Weather) -> np.ndarray:
    """Index into :data:`SKY_TEMPERATURE_METHODS` of each hour's method (int64)."""
    ir = _optional(weather, "ir_horizontal")
    has_ir = ~np.isnan(ir) & (np.nan_to_num(ir, nan=0.0) >= _MIN_INFRARED)
    has_cover = ~np.isnan(_optional(weather, "opaque_sky_cover"))
    return np.where(has_ir, 0, np.where(has_cover, 1, 2)).astype(np.int64)
