"""Write the built-in Aalborg East reference year to the package data.

Usage::

    python scripts/make_reference_year.py [--seed 20140623] [--output PATH]

Runs :func:`smartcity.weather.generate_reference_year` (its docstring documents the
method and sources) and writes ``src/smartcity/data/aalborg_reference_year.csv`` in
the CSV form of :func:`smartcity.weather.read_weather_csv`, rounded to 0.01. Rerun it
after changing the generator or ``src/smartcity/data/aalborg_normals.toml`` (and bump
``GENERATOR_VERSION`` when the output changes); the test suite checks that the file
equals the generator's output.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from smartcity import weather as weather_module

DEFAULT_SEED = 20140623
DEFAULT_OUTPUT = (Path(__file__).resolve().parents[1]
                  / "src" / "smartcity" / "data" / "aalborg_reference_year.csv")

COMMENTS = [
    "Aalborg reference year (smartcity): synthetic hourly weather for Aalborg East, Denmark.",
    "Written by scripts/make_reference_year.py from smartcity.weather.generate_reference_year;",
    "do not edit by hand. Monthly means of temperature and sums of global irradiation",
    "reproduce the normals in smartcity/data/aalborg_normals.toml; the hour-to-hour weather",
    "is synthetic. Each time is the START of its hour in local standard time (tz below,",
    "no daylight saving); values are means over the hour. Units: temp_air [degC];",
    "ghi, dni, dhi [W/m2]; wind_speed [m/s]; relative_humidity [%].",
]


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                        help=f"random seed (default {DEFAULT_SEED})")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT,
                        help="output CSV file (default: the package data file)")
    args = parser.parse_args(argv)

    weather = weather_module.generate_reference_year(seed=args.seed)
    path = weather_module.write_weather_csv(
        weather, args.output, decimals=2, comments=COMMENTS,
        metadata={"seed": args.seed,
                  "generator_version": weather_module.GENERATOR_VERSION,
                  "normals": "smartcity/data/aalborg_normals.toml"},
    )
    print(f"wrote {path} ({path.stat().st_size / 1e3:.0f} kB, {weather.n_hours} hours)")
    return path


if __name__ == "__main__":
    main()
