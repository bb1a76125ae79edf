"""Write the weather year of the illustrative Essen follower district.

Writes ``essen_reference_year.csv`` next to this script (or to ``--output``): a synthetic
hourly year for western Essen (Germany) in the CSV form of
:func:`smartcity.weather.read_weather_csv`, rounded to 0.01.

The year is made by the same generator as the built-in Aalborg reference year,
:func:`smartcity.weather.generate_reference_year` (its docstring documents the method),
fed with the monthly normals of Essen assembled below instead of
``smartcity/data/aalborg_normals.toml``. Every series names its source or is flagged as
an assumption with the reason; the district is illustrative (see README.md).

- **Temperature.** The monthly mean of the daily maximum and minimum from a climate
  table for Essen (wetter.de, DWD data; its annual mean 9.6 degC is the 1961-1990
  normal), shifted uniformly by the difference to the 1991-2020 annual normal of
  Essen-Bredeney, about 10.6 degC (DWD, quoted by WAZ). The mean daily range is
  maximum minus minimum of the same table.
- **Global irradiation.** Monthly sums from the same table's sunshine duration by the
  Angstroem-Prescott relation with the FAO-56 default coefficients (a = 0.25, b = 0.50),
  extraterrestrial radiation and day length for the site's latitude, day by day
  (Allen et al. 1998, FAO Irrigation and Drainage Paper 56, eqs. 21-25, 34-35).
- **Wind and humidity.** Typical inland values, flagged; the energy models barely use
  them.

Deterministic: the same seed and package versions give the same bytes.
``tests/test_follower.py`` checks that the shipped file equals this script's output.

Usage::

    python scenarios/essen-follower/make_weather.py [--output PATH] [--seed N]
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import os
import sys
import tempfile
from pathlib import Path
from unittest import mock

from smartcity import weather as weather_module
from smartcity.weather import reference as reference_module

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "essen_reference_year.csv"
SEED = 20160201  # any fixed seed; the date REPLICATE (Essen a follower city) started
NAME = "Essen follower reference year (smartcity, illustrative)"

MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)  # non-leap year 2015

# --------------------------------------------------------------------------------------
# Inputs, with their sources
# --------------------------------------------------------------------------------------
LOCATION = {
    "name": "Essen (illustrative follower district)",
    "latitude": 51.455,   # [deg north]
    "longitude": 6.985,   # [deg east]
    "altitude": 70.0,     # [m above sea level]
    "tz": "Etc/GMT-1",    # local standard time (CET, UTC+1), no daylight saving
    "approximate": True,
    "source": "illustrative: approximate position of Essen's inner western districts, read off a "
              "map to about 0.02 deg; altitude approx. (the district itself is illustrative)",
}

SRC_CLIMATE_TABLE = (
    "wetter.de 'Klima fuer Essen' (climate table from DWD data): mean daily maximum and "
    "minimum temperature and mean daily sunshine duration by month; annual mean 9.6 degC, "
    "i.e. the 1961-1990 normal"
)
SRC_NORMAL_1991_2020 = (
    "WAZ (Funke Medien) 2025 'Wetter in Essen 2024', quoting DWD meteorologist "
    "T. Kesseler-Lauterkorn: the current climate mean of Essen-Bredeney is about 10.6 degC "
    "(1991-2020); 2023 was 1.3 K above 1991-2020 and 2.3 K above 1961-1990"
)
SRC_FAO56 = (
    "Allen, R. G., Pereira, L. S., Raes, D., Smith, M. (1998). Crop evapotranspiration. "
    "FAO Irrigation and Drainage Paper 56, eqs. 21-25 (extraterrestrial radiation), "
    "34 (daylight hours) and 35 (Angstroem: a_s = 0.25, b_s = 0.50 where no calibration "
    "is available)"
)

#: Mean daily maximum and minimum air temperature, Jan-Dec [degC] (SRC_CLIMATE_TABLE).
T_MAX_C = (3.9, 5.1, 8.3, 12.4, 17.1, 20.0, 21.6, 21.6, 18.4, 14.0, 8.1, 4.9)
T_MIN_C = (-0.3, 0.0, 2.2, 4.8, 8.7, 11.5, 13.2, 13.3, 11.1, 7.9, 3.5, 0.9)
#: Mean daily sunshine duration, Jan-Dec [h/d] (SRC_CLIMATE_TABLE).
SUNSHINE_H_PER_DAY = (1.4, 2.7, 3.3, 4.9, 6.2, 6.1, 6.0, 5.9, 4.5, 3.6, 1.9, 1.3)
#: Annual mean air temperature of Essen-Bredeney, 1991-2020 [degC] (SRC_NORMAL_1991_2020).
ANNUAL_MEAN_1991_2020_C = 10.6
#: Angstroem-Prescott coefficients (FAO-56 defaults) [1].
ANGSTROM_A, ANGSTROM_B = 0.25, 0.50
#: Solar constant [MJ m-2 min-1] (FAO-56 eq. 21).
SOLAR_CONSTANT = 0.0820

WIND_SPEED_M_S = (4.2, 4.0, 4.0, 3.6, 3.3, 3.1, 3.1, 3.0, 3.1, 3.4, 3.7, 4.1)
RELATIVE_HUMIDITY_PCT = (86, 83, 79, 74, 73, 74, 75, 76, 80, 84, 87, 87)


def monthly_mean_temperature() -> list[float]:
    """Monthly mean air temperature [degC], Jan-Dec, rounded to 0.01 K."""
    mid = [(hi + lo) / 2.0 for hi, lo in zip(T_MAX_C, T_MIN_C)]
    annual = sum(t * d for t, d in zip(mid, MONTH_DAYS)) / 365.0
    shift = ANNUAL_MEAN_1991_2020_C - annual
    return [round(t + shift, 2) for t in mid]


def temperature_shift() -> float:
    """Shift from the 1961-1990 table to the 1991-2020 annual normal [K]."""
    mid = [(hi + lo) / 2.0 for hi, lo in zip(T_MAX_C, T_MIN_C)]
    return ANNUAL_MEAN_1991_2020_C - sum(t * d for t, d in zip(mid, MONTH_DAYS)) / 365.0


def monthly_daily_range() -> list[float]:
    """Mean daily temperature range (maximum minus minimum) [K], Jan-Dec."""
    return [round(hi - lo, 2) for hi, lo in zip(T_MAX_C, T_MIN_C)]


def monthly_irradiation(latitude: float = LOCATION["latitude"]) -> list[float]:
    """Monthly global horizontal irradiation [kWh/m2], Jan-Dec, rounded to 0.1.

    Angstroem-Prescott, day by day over the non-leap year: R_s = (a + b n/N) R_a with
    the month's mean sunshine duration n, the day length N and the extraterrestrial
    radiation R_a of FAO-56 (MJ/m2 per day; 3.6 MJ = 1 kWh).
    """
    phi = math.radians(latitude)
    sums = [0.0] * 12
    day = 0
    for month, n_days in enumerate(MONTH_DAYS):
        for _ in range(n_days):
            day += 1
            dr = 1.0 + 0.033 * math.cos(2.0 * math.pi * day / 365.0)
            delta = 0.409 * math.sin(2.0 * math.pi * day / 365.0 - 1.39)
            ws = math.acos(-math.tan(phi) * math.tan(delta))
            ra = (24.0 * 60.0 / math.pi) * SOLAR_CONSTANT * dr * (
                ws * math.sin(phi) * math.sin(delta)
                + math.cos(phi) * math.cos(delta) * math.sin(ws))
            n_max = 24.0 / math.pi * ws
            rs = (ANGSTROM_A + ANGSTROM_B * SUNSHINE_H_PER_DAY[month] / n_max) * ra
            sums[month] += rs / 3.6
    return [round(s, 1) for s in sums]


def normals() -> dict:
    """The monthly normals, in the layout of ``smartcity/data/aalborg_normals.toml``.

    Every series has a ``source``; series that are not a cited figure carry
    ``assumption = True`` and a ``reason``.
    """
    shift = temperature_shift()
    return {
        "location": dict(LOCATION),
        "temp_air": {
            "unit": "degC",
            "quantity": "monthly mean air temperature",
            "values": monthly_mean_temperature(),
            "source": f"{SRC_CLIMATE_TABLE}; {SRC_NORMAL_1991_2020}",
            "assumption": True,
            "reason": f"monthly mean = (mean daily maximum + mean daily minimum) / 2 of the "
                      f"1961-1990 table, shifted uniformly by {shift:+.2f} K so that the annual "
                      f"mean equals the 1991-2020 normal of about "
                      f"{ANNUAL_MEAN_1991_2020_C} degC; the 1991-2020 monthly values were not "
                      f"at hand",
        },
        "ghi": {
            "unit": "kWh/m2",
            "quantity": "monthly global horizontal irradiation",
            "values": monthly_irradiation(),
            "source": f"{SRC_CLIMATE_TABLE} (sunshine duration); {SRC_FAO56}",
            "assumption": True,
            "reason": "derived, not measured: the Angstroem-Prescott relation with FAO-56's "
                      "uncalibrated default coefficients turns the monthly sunshine duration "
                      "into irradiation (typical error some 10 %); no measured monthly "
                      "irradiation for Essen was at hand",
        },
        "temp_air_daily_range": {
            "unit": "K",
            "quantity": "mean daily temperature range (daily maximum minus daily minimum)",
            "values": monthly_daily_range(),
            "source": SRC_CLIMATE_TABLE,
            "assumption": False,
        },
        "wind_speed": {
            "unit": "m/s",
            "quantity": "monthly mean wind speed at 10 m",
            "values": list(WIND_SPEED_M_S),
            "source": "illustrative",
            "assumption": True,
            "reason": "typical inland values for the Ruhr area (windier winters), not from a "
                      "cited table; the energy models barely use wind speed",
        },
        "relative_humidity": {
            "unit": "%",
            "quantity": "monthly mean relative humidity",
            "values": list(RELATIVE_HUMIDITY_PCT),
            "source": "illustrative",
            "assumption": True,
            "reason": "typical values of a temperate Central European climate (humid "
                      "winters), not from a cited table; the energy models barely use "
                      "humidity",
        },
    }


def generate(seed: int = SEED) -> weather_module.Weather:
    """The hourly year: ``generate_reference_year`` run on the Essen normals.

    The generator reads its normals from the package (``_normals_cached``); it is pointed
    at :func:`normals` for the duration of the call. The result is checked against the
    normals, so a change of the generator that bypasses them is caught here.
    """
    data = normals()
    with mock.patch.object(reference_module, "_normals_cached", lambda: data):
        generated = weather_module.generate_reference_year(seed=seed)
    check(generated, data)
    source = (f"synthetic; smartcity.weather.generate_reference_year(seed={seed}), generator "
              f"version {weather_module.GENERATOR_VERSION}, from the monthly normals of "
              f"scenarios/essen-follower/make_weather.py (illustrative)")
    return dataclasses.replace(generated, name=NAME, source=source)


def check(weather: weather_module.Weather, data: dict) -> None:
    """Fail unless the weather's place and monthly means and sums are the normals'."""
    site = data["location"]
    if (weather.latitude, weather.longitude) != (site["latitude"], site["longitude"]):
        raise RuntimeError("the generator did not use the Essen normals (location differs)")
    month = weather.data.index.month
    temp = weather.data["temp_air"].groupby(month).mean().to_numpy()
    ghi = weather.data["ghi"].groupby(month).sum().to_numpy() / 1000.0
    for m in range(12):
        if abs(temp[m] - data["temp_air"]["values"][m]) > 1e-6 or \
                abs(ghi[m] - data["ghi"]["values"][m]) > 1e-6:
            raise RuntimeError(f"month {m + 1}: the generated weather does not reproduce the "
                               "Essen normals")


COMMENTS = [
    "Essen follower reference year (smartcity): ILLUSTRATIVE synthetic hourly weather for a",
    "follower district in western Essen, Germany. Written by",
    "scenarios/essen-follower/make_weather.py with smartcity.weather.generate_reference_year;",
    "do not edit by hand. Monthly means of temperature and sums of global irradiation",
    "reproduce the normals of that script (each series sourced or flagged there); the",
    "hour-to-hour weather is synthetic. Each time is the START of its hour in local standard",
    "time (tz below, no daylight saving); values are means over the hour. Units: temp_air",
    "[degC]; ghi, dni, dhi [W/m2]; wind_speed [m/s]; relative_humidity [%].",
]


def default_permissions(path: str | Path) -> None:
    """Give a temporary file the permissions a normally created file would have."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


def write(path: Path, seed: int = SEED) -> Path:
    """Generate and write the weather file atomically (temporary file, then rename)."""
    weather = generate(seed)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        weather_module.write_weather_csv(
            weather, tmp, decimals=2, comments=COMMENTS,
            metadata={"seed": seed, "generator_version": weather_module.GENERATOR_VERSION,
                      "normals": "scenarios/essen-follower/make_weather.py"},
        )
        default_permissions(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT,
                        help="output CSV (default: essen_reference_year.csv next to this script)")
    parser.add_argument("--seed", type=int, default=SEED, help=f"random seed (default {SEED})")
    parser.add_argument("--quiet", action="store_true", help="print nothing")
    args = parser.parse_args(argv)
    if not args.output.parent.is_dir():
        print(f"error: output folder not found: {args.output.parent}", file=sys.stderr)
        return 2
    path = write(args.output, args.seed)
    if not args.quiet:
        data = normals()
        print(f"wrote {path} ({path.stat().st_size / 1e3:.0f} kB)")
        print(f"  annual mean temperature "
              f"{sum(t * d for t, d in zip(data['temp_air']['values'], MONTH_DAYS)) / 365:.2f} degC, "
              f"global irradiation {sum(data['ghi']['values']):.0f} kWh/m2")
    return 0


if __name__ == "__main__":
    sys.exit(main())
