"""Grid electricity's hourly carbon intensity: Energi Data Service exports, a built-in hourly
shape, and the shape scaled to a year's mean intensity.

References
----------
.. [1] Energinet, Energi Data Service, dataset "CO2 Emission" (CO2Emis).
   https://www.energidataservice.dk/tso-electricity/CO2Emis
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from smartcity.checks import number, number_array
from smartcity.energy.energi_data_service import CO2_EMISSION, LOCAL_STANDARD_TIME, PRICE_AREAS, read_hourly

__all__ = ["PRICE_AREAS", "LOCAL_STANDARD_TIME", "GRID_SHAPE_PARAMETERS", "read_energinet_co2",
           "default_grid_shape", "grid_intensity", "align_hours"]

_DAYS_PER_YEAR = 365.25


def read_energinet_co2(path: str | Path, price_area: str = "DK1", year: int | None = None) -> pd.Series:
    """Hourly CO2 intensity of grid electricity from an Energi Data Service export.

    Reads a CSV export of Energinet's "CO2 Emission" dataset (``CO2Emis``; the forecast
    ``CO2EmisProg`` has the same columns) [1]_: one row per five minutes and price area,
    columns ``Minutes5UTC`` (start of the interval, UTC), ``Minutes5DK`` (the same in
    Danish clock time), ``PriceArea`` (``DK1``/``DK2``) and ``CO2Emission`` (g CO2 per kWh
    consumed), with :func:`smartcity.energy.energi_data_service.read_hourly` (the file
    layouts it accepts and its checks are described there).

    Parameters
    ----------
    path : str or Path
        The CSV file.
    price_area : {'DK1', 'DK2'}
        Price area whose rows are read. Aalborg lies in DK1.
    year : int, optional
        Return only this year (standard time), which must then be complete (8760 or
        8784 hours). Without it, all hours from the first to the last in the file, which
        must have no gaps.

    Returns
    -------
    pandas.Series
        Hourly mean intensity [g/kWh], float64, indexed by the start of each hour in
        Danish standard time (``'Etc/GMT-1'``), named ``co2_g_per_kwh``.

    Raises
    ------
    InputError
        Naming the file, and the line and column where they apply: unreadable file,
        missing column, a line with the wrong number of fields, a time that is not ISO
        8601, a value that is not a number or is out of [0, 2000] g/kWh, no rows for
        the price area, the same time twice, or missing hours.
    """
    return read_hourly(path, CO2_EMISSION, price_area=price_area, year=year)


#: Parameters of :func:`default_grid_shape` (relative amplitudes, days and hours).
GRID_SHAPE_PARAMETERS = {
    "seasonal_amplitude": 0.20,
    "peak_day": 15.0,
    "evening_amplitude": 0.10,
    "evening_hour": 18.0,
    "evening_width_h": 2.0,
    "night_amplitude": 0.05,
    "night_hour": 3.0,
    "night_width_h": 2.5,
    "solar_amplitude": 0.15,
    "solar_hour": 12.5,
    "solar_width_h": 2.5,
}


def default_grid_shape(index: pd.DatetimeIndex) -> np.ndarray:
    """Built-in hourly shape of the grid's carbon intensity, mean 1 (an assumption).

    No measured hourly series for Danish electricity ships with the package, so this
    shape is constructed; it should be replaced by a measured year (Energi Data Service,
    :func:`read_energinet_co2`) where one is at hand. Before normalisation to mean 1,

        s(t) = 1 + A_s cos(2π (d − d_peak) / 365.25)
                 + A_e g(h; 18 h, 2 h) − A_n g(h; 3 h, 2.5 h)
                 − A_pv w_summer(d) g(h; 12.5 h, 2.5 h),

    with d the day of the year, h the mid-hour clock hour of ``index``,
    g(h; μ, σ) = exp(−½ ((h − μ)/σ)²) on a 24-hour circle and
    w_summer = (1 − cos(2π (d − d_peak)/365.25)) / 2. The reasons, each a judgement
    rather than a fit (amplitudes in :data:`GRID_SHAPE_PARAMETERS`):

    * winter higher (A_s = 0.20, peak mid-January): combined heat and power plants on
      fossil and biomass fuels run for heat in winter and demand peaks then;
    * evening peak (A_e = 0.10 at 18 h): peak demand is met by thermal plants and
      imports once solar output has gone;
    * night trough (A_n = 0.05 at 3 h): low demand, so wind covers a larger share;
    * summer midday dip (A_pv = 0.15 at 12.5 h, weighted by summer): solar PV.

    Weather (wind, which drives most of the real variation in DK1) is not used: the
    built-in reference year has no synoptic wind variation.

    Parameters
    ----------
    index : pandas.DatetimeIndex
        Start of each hour (local time of the weather, e.g. ``Weather.index``).

    Returns
    -------
    numpy.ndarray
        Shape (len(index),), positive, mean exactly 1 up to rounding. [-]
    """
    if not isinstance(index, pd.DatetimeIndex):
        raise ValueError(f"index: expected a pandas.DatetimeIndex, got {type(index).__name__}")
    if len(index) == 0:
        raise ValueError("index: empty")
    p = GRID_SHAPE_PARAMETERS
    day = index.day_of_year.to_numpy(dtype=np.float64)
    hour = index.hour.to_numpy(dtype=np.float64) + index.minute.to_numpy(dtype=np.float64) / 60.0 + 0.5
    season = np.cos(2.0 * np.pi * (day - p["peak_day"]) / _DAYS_PER_YEAR)

    def bump(centre: float, width: float) -> np.ndarray:
        distance = (hour - centre + 12.0) % 24.0 - 12.0
        return np.exp(-0.5 * (distance / width) ** 2)

    shape = (1.0 + p["seasonal_amplitude"] * season
             + p["evening_amplitude"] * bump(p["evening_hour"], p["evening_width_h"])
             - p["night_amplitude"] * bump(p["night_hour"], p["night_width_h"])
             - p["solar_amplitude"] * 0.5 * (1.0 - season) * bump(p["solar_hour"], p["solar_width_h"]))
    shape = np.maximum(shape, 0.05)
    return shape / shape.mean()


def align_hours(values: np.ndarray, n_h: int) -> np.ndarray:
    """Match an hourly year to ``n_h`` hours by position, dropping or repeating 29 February."""
    n = values.shape[0]
    feb29 = slice(59 * 24, 60 * 24)
    if n == n_h:
        return values
    if n == 8784 and n_h == 8760:
        return np.delete(values, np.arange(feb29.start, feb29.stop))
    if n == 8760 and n_h == 8784:
        return np.insert(values, feb29.start, values[58 * 24:59 * 24])
    raise ValueError(f"shape: {n} hourly values do not match the {n_h} hours of index")


def grid_intensity(year: int, annual_mean_g_per_kwh, index: pd.DatetimeIndex, shape=None) -> np.ndarray:
    """Hourly carbon intensity of grid electricity for one simulated year.

    ``intensity = annual_mean × shape / mean(shape)``: the time mean over the hours of
    ``index`` equals the year's value of the trajectory. Note that the mean weighted by
    a district's consumption differs from it (more so where the demand follows the
    shape, e.g. electric heating in winter), as it does in reality.

    Parameters
    ----------
    year : int
        Simulated year; selects the trajectory's value. [a]
    annual_mean_g_per_kwh : float or Trajectory
        Yearly mean intensity [g/kWh], or a trajectory (e.g.
        ``SupplySection().electricity.emission_factor``) evaluated at ``year``.
    index : pandas.DatetimeIndex
        Start of each hour of the simulated weather year (``Weather.index``).
    shape : array_like or pandas.Series, optional
        Hourly shape, e.g. a measured series from :func:`read_energinet_co2`; only its
        relative variation is used. Matched to ``index`` by position (hour of the year);
        a leap year's 29 February is dropped, or 28 February repeated, if the lengths
        differ by that day. Default :func:`default_grid_shape` (an assumption).

    Returns
    -------
    numpy.ndarray
        Hourly intensity, shape (len(index),), >= 0. [g/kWh]

    Examples
    --------
    >>> index = pd.date_range("2030-01-01", periods=8760, freq="h", tz="Etc/GMT-1")
    >>> round(float(grid_intensity(2030, 40.0, index).mean()), 9)
    40.0
    """
    if not isinstance(index, pd.DatetimeIndex):
        raise ValueError(f"index: expected a pandas.DatetimeIndex, got {type(index).__name__}")
    if hasattr(annual_mean_g_per_kwh, "at"):
        mean = float(np.asarray(annual_mean_g_per_kwh.at([year]), dtype=np.float64)[0])
    else:
        mean = number("annual_mean_g_per_kwh", annual_mean_g_per_kwh, low=0.0, unit="g/kWh")
    if not (math.isfinite(mean) and mean >= 0.0):
        raise ValueError(f"annual mean intensity for {year} = {mean!r}: must be a number >= 0 [g/kWh]")
    if shape is None:
        values = default_grid_shape(index)
    else:
        raw = shape.to_numpy(dtype=np.float64) if isinstance(shape, pd.Series) else shape
        values = align_hours(number_array("shape", raw, ndim=1, nonneg=True), len(index))
    total = values.mean() if values.size else 0.0
    if not total > 0.0:
        raise ValueError("shape: all values are zero, so it cannot be scaled to a mean")
    return mean * (values / total)
