"""A synthetic national building stock of Denmark, simulated hour by hour in chunks.

Usage::

    python benchmarks/national_stock.py -o /tmp/dk                    # 3,000,000 buildings, this process
    python benchmarks/national_stock.py --buildings 200000 -o /tmp/dk  # a smaller stock
    python benchmarks/national_stock.py --workers 2 -o /tmp/dk         # on a Dask LocalCluster
    python benchmarks/national_stock.py --scheduler tcp://HOST:8786 -o /shared/dk   # several machines
    python benchmarks/national_stock.py --write-table /tmp/dk.parquet  # the buildings table, to time the reader

The job: every building of the stock through the hourly ISO 13790 5R1C model of
:mod:`smartcity.energy.thermal` for one weather year (the built-in Aalborg reference
year, for the whole country: an assumption of the benchmark), with

- per building: annual heating and cooling need [kWh] and peak heating load [kW], written
  as a Parquet dataset (one part per chunk, ``annual/part-NNNNNNNNN.parquet`` named by
  its first building);
- hourly totals of the final energy by carrier (district heat, electricity, natural gas,
  heating oil, biomass) and of the heating need, by municipality-like group: the 5R1C
  kernel sums each building's hourly heating and cooling into its (group × heating
  system) row, so memory does not grow with the stock; final energy follows from those
  sums with the default ``[supply]`` efficiencies and hourly heat-pump COPs
  (:func:`smartcity.energy.supply.final_energy`), written as ``hourly.nc``
  (group × carrier × hour, kWh per hour).

Chunks of buildings are independent tasks. The stock is defined in fixed blocks of
:data:`BLOCK` buildings, each drawn from its own seed, so a chunk of any size draws the same
buildings, and the totals are the same (to rounding, 1e-9 relative) whatever the chunking
and wherever the chunks run. On Dask each task returns its group sums and writes its own
Parquet part; the client adds the sums in chunk order.

The stock
---------
Counts, areas and heating shares are taken from published figures where there are any;
the rest are assumptions of a benchmark, flagged as such in :data:`SEGMENTS`:

- houses: 1,244,339 single-family houses of all kinds in BBR (the minister's answer to
  the Danish Parliament, reported by Bygtek, 1 February 2024), of which 1,137,091
  detached ("parcelhuse", Statistics Denmark, "Bag tallene", 8 July 2024; the rest are
  modelled as terraced houses); their floor areas: 710,359 below 155 m², 476,099 from 155
  to 250 m² and 57,881 above 250 m², mean 155 m² (Bygtek 2024);
- holiday homes: about 220,000 (Statistics Denmark 2024), modelled as small detached
  houses (80 m², an assumption) heated all year (an assumption: many are not);
- apartment blocks: the 2,806,291 occupied dwellings of 2023 (Den Store Danske, from
  Statistics Denmark) less the houses leave about 1.56 million flats of 79 m² on average
  (Statistics Denmark, Nyt, 1 January 2019); 12 flats per block is an assumption;
- non-residential: the rest of the 3,000,000 buildings (the size the benchmark asks for),
  with floor areas that give the rest of Denmark's 535.8 million m² heated area
  (Statistics Denmark, Nyt, 1 January 2022); their split by use is an assumption;
- construction period: three quarters of the buildings built before 1979 (Tommerup and
  Svendsen, Energy and Buildings 38, 2006); the split between the TABULA DK periods
  within before and after 1979 in proportion to the periods' lengths is an assumption;
- heating systems by their share of the heated area on 1 January 2022 (Statistics
  Denmark, Nyt): district heating 55.3 %, natural gas 17.7 %, oil 9.6 %, electric 6.0 %,
  heat pumps 5.4 % (here 4/5 air, 1/5 ground: an assumption), the remaining 6.0 %
  biomass (an assumption), drawn per building with those probabilities;
- 98 municipality-like groups (Denmark's 98 municipalities since 2007, KL), with sizes
  drawn from a lognormal distribution (an assumption).

Envelopes come from the TABULA DK archetypes (:func:`smartcity.energy.archetypes.archetype_row`):
dwellings scale their archetype per m² of floor area; non-residential buildings are the
tertiary boxes of the archetype module in 12 size classes (their floor area is the class's).

The figures for the README come from ``/usr/bin/time -v`` around this script (wall time
and maximum resident set size); it also prints its own timing per stage.
"""

from __future__ import annotations

import argparse
import functools
import math
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]

#: Buildings per generation block: each block is drawn from its own seed. [-]
BLOCK = 10_000

#: Buildings of the national stock (the size the performance issue asks for). [-]
N_BUILDINGS = 3_000_000

#: Municipality-like groups. [-]
N_GROUPS = 98

#: Default buildings per chunk (task). [-]
CHUNK = 100_000

SEED = 20261208


@dataclass(frozen=True)
class Segment:
    """One kind of building of the stock.

    Attributes
    ----------
    name : str
    use : str
        The buildings table's ``use``.
    count : float
        Buildings of this kind; the last segment takes the rest of :data:`N_BUILDINGS`. [-]
    areas_m2 : tuple of float
        Floor areas to draw from (with ``area_weights``). [m2]
    area_weights : tuple of float
        Probability of each area. [-]
    source : str
        Where the count and areas come from, or why they are assumed.
    """

    name: str
    use: str
    count: float
    areas_m2: tuple[float, ...]
    area_weights: tuple[float, ...]
    source: str


_HOUSE_WEIGHTS = (710_359, 476_099, 57_881)  # Bygtek 2024 (BBR): houses below 155, 155-250, above 250 m2
_HOUSE_AREAS = (113.0, 200.0, 300.0)  # the classes' means: assumptions that give the mean of 155 m2
_HOUSES = 1_244_339  # Bygtek 2024 (BBR)
_FLATS = 2_806_291 - _HOUSES  # occupied dwellings 2023 (Den Store Danske) less the houses
_FLAT_M2 = 79.0  # Statistics Denmark, Nyt 2019-01-01: mean flat
_FLATS_PER_BLOCK = 12  # assumption
_HOLIDAY_HOMES = 220_000  # Statistics Denmark 2024
_HOLIDAY_M2 = 80.0  # assumption
_HEATED_AREA_M2 = 535.8e6  # Statistics Denmark, Nyt 2022-01-01: heated floor area of all buildings
_TERTIARY_CLASSES = tuple(float(a) for a in np.geomspace(40.0, 4000.0, 12).round(0))


def _tertiary_area_weights() -> tuple[float, ...]:
    """Probabilities of the non-residential size classes, falling as a power of the area, with
    the exponent that makes their mean the rest of the heated area per non-residential building."""
    residential = _HOUSES * 155.0 + _HOLIDAY_HOMES * _HOLIDAY_M2 + _FLATS * _FLAT_M2
    n_rest = N_BUILDINGS - _HOUSES - _HOLIDAY_HOMES - _FLATS / _FLATS_PER_BLOCK
    target = (_HEATED_AREA_M2 - residential) / n_rest
    areas = np.array(_TERTIARY_CLASSES)
    low, high = 0.0, 5.0
    for _ in range(60):  # bisection on the exponent: the mean falls as it grows
        alpha = 0.5 * (low + high)
        weights = areas ** -alpha
        if (weights * areas).sum() / weights.sum() > target:
            low = alpha
        else:
            high = alpha
    return tuple((weights / weights.sum()).tolist())


_TERTIARY_WEIGHTS = _tertiary_area_weights()
_REST = "share of the rest: assumption; sizes: the rest of the heated area"

#: The stock's kinds of building, with sources (see the module docstring).
SEGMENTS = (
    Segment("detached houses", "single_family", 1_137_091, _HOUSE_AREAS, _HOUSE_WEIGHTS,
            "Statistics Denmark, Bag tallene 2024-07-08 (parcelhuse); areas: Bygtek 2024-02-01 (BBR)"),
    Segment("terraced and other houses", "terraced_house", _HOUSES - 1_137_091, _HOUSE_AREAS, _HOUSE_WEIGHTS,
            "Bygtek 2024-02-01 (1,244,339 single-family houses) less the detached; areas as the detached"),
    Segment("holiday homes", "single_family", _HOLIDAY_HOMES, (_HOLIDAY_M2,), (1.0,),
            "Statistics Denmark 2024 (about 220,000); 80 m2 and heating all year: assumptions"),
    Segment("apartment blocks", "apartment_block", _FLATS / _FLATS_PER_BLOCK, (_FLATS_PER_BLOCK * _FLAT_M2,), (1.0,),
            "dwellings 2023 (Den Store Danske) less houses = flats of 79 m2 (Statistics Denmark 2019); "
            "12 flats per block: assumption"),
    Segment("offices", "office", 0.35, _TERTIARY_CLASSES, _TERTIARY_WEIGHTS, _REST),
    Segment("shops", "retail", 0.35, _TERTIARY_CLASSES, _TERTIARY_WEIGHTS, _REST),
    Segment("schools", "education", 0.15, _TERTIARY_CLASSES, _TERTIARY_WEIGHTS, _REST),
    Segment("day-care", "daycare", 0.12, _TERTIARY_CLASSES, _TERTIARY_WEIGHTS, _REST),
    Segment("hospitals and care", "hospital", 0.03, _TERTIARY_CLASSES, _TERTIARY_WEIGHTS, _REST),
)

#: Heating systems and their probability (Statistics Denmark, Nyt, heated area 2022-01-01).
HEATING_SHARES = {
    "district_heating": 0.553, "gas_boiler": 0.177, "oil_boiler": 0.096, "electric_direct": 0.060,
    "heat_pump_air": 0.054 * 0.8, "heat_pump_ground": 0.054 * 0.2, "biomass_boiler": 0.060,
}

#: TABULA DK periods (first year, last year) and the year a building of the period gets. [a]
PERIODS = ((1800, 1850), (1851, 1930), (1931, 1950), (1951, 1960), (1961, 1972), (1973, 1978),
           (1979, 1998), (1999, 2006), (2007, 2010), (2011, 2020))
_BEFORE_1979 = 0.75  # Tommerup and Svendsen 2006: share of the buildings built before 1979


def period_weights() -> np.ndarray:
    """Probability of each of :data:`PERIODS`: 75 % before 1979, by period length within each side."""
    length = np.array([b - a + 1 for a, b in PERIODS], dtype=np.float64)
    before = np.array([b < 1979 for _, b in PERIODS])
    return np.where(before, _BEFORE_1979 * length / length[before].sum(),
                    (1.0 - _BEFORE_1979) * length / length[~before].sum())


def segment_weights(n_buildings: int) -> np.ndarray:
    """Probability of each segment for a stock of ``n_buildings``: the sourced counts scaled to the
    stock's size, the rest shared by the non-residential segments."""
    counts = np.array([s.count for s in SEGMENTS], dtype=np.float64)
    fixed = counts >= 1.0
    shares = np.where(fixed, counts / N_BUILDINGS, 0.0)
    rest = 1.0 - shares.sum()
    shares[~fixed] = rest * counts[~fixed] / counts[~fixed].sum()
    return shares


@functools.cache
def _archetypes() -> dict[tuple[int, int, int], dict]:
    """Archetype rows of every (segment, period, area class), at the class's floor area (made once)."""
    from smartcity.energy.archetypes import archetype_row

    rows = {}
    for s, segment in enumerate(SEGMENTS):
        for p, (first, last) in enumerate(PERIODS):
            year = (first + last) // 2
            for a, area in enumerate(segment.areas_m2):
                rows[(s, p, a)] = archetype_row(segment.use, year, area)
    return rows


def group_weights(seed: int = SEED) -> np.ndarray:
    """Share of the buildings in each municipality-like group (lognormal sizes: an assumption)."""
    rng = np.random.default_rng([seed, 0])
    size = rng.lognormal(0.0, 0.7, N_GROUPS)
    return size / size.sum()


def block(b: int, n_buildings: int = N_BUILDINGS, seed: int = SEED) -> pd.DataFrame:
    """The buildings of generation block ``b`` (rows ``b × BLOCK`` … up to ``n_buildings``) as a buildings table.

    Columns: the archetype columns of :func:`~smartcity.energy.archetypes.archetype_row`,
    ``building_id``, ``count`` (1), ``heating_system`` and ``group`` (0 … 97).
    """
    start = b * BLOCK
    n = min(BLOCK, n_buildings - start)
    rng = np.random.default_rng([seed, 1, b])
    segment = rng.choice(len(SEGMENTS), size=n, p=segment_weights(n_buildings))
    period = rng.choice(len(PERIODS), size=n, p=period_weights())
    area_class = np.zeros(n, dtype=np.int64)
    for s, seg in enumerate(SEGMENTS):
        here = segment == s
        weights = np.asarray(seg.area_weights or [1.0] * len(seg.areas_m2), dtype=np.float64)
        area_class[here] = rng.choice(len(seg.areas_m2), size=int(here.sum()), p=weights / weights.sum())
    systems = list(HEATING_SHARES)
    shares = np.array(list(HEATING_SHARES.values()))
    system = rng.choice(len(systems), size=n, p=shares / shares.sum())
    group = rng.choice(N_GROUPS, size=n, p=group_weights(seed))
    # dwellings: the archetype scaled per m2 to a floor area spread ±20 % around the class's
    from smartcity.energy.archetypes import TABULA_TYPE_OF_USE

    dwelling = np.array([s.use in TABULA_TYPE_OF_USE for s in SEGMENTS])
    spread = np.where(dwelling[segment], rng.uniform(0.8, 1.2, n), 1.0)
    archetypes = _archetypes()
    keys = list(zip(segment.tolist(), period.tolist(), area_class.tolist()))
    distinct = sorted(set(keys))
    where = {k: i for i, k in enumerate(distinct)}
    template = pd.DataFrame([archetypes[k] for k in distinct])
    table = template.iloc[[where[k] for k in keys]].reset_index(drop=True)
    scaled = ["heated_floor_area_m2", "wall_area_m2", "roof_area_m2", "ground_floor_area_m2",
              "window_area_north_m2", "window_area_east_m2", "window_area_south_m2", "window_area_west_m2"]
    for column in scaled:
        table[column] = table[column].to_numpy() * spread
    if "floor_perimeter_m" in table:
        table["floor_perimeter_m"] = table["floor_perimeter_m"].to_numpy() * np.sqrt(spread)
    table.insert(0, "building_id", [f"B{i:07d}" for i in range(start, start + n)])
    table["count"] = 1.0
    table["heating_system"] = np.array(systems)[system]
    table["group"] = group
    return table


def rows(start: int, stop: int, n_buildings: int = N_BUILDINGS, seed: int = SEED) -> pd.DataFrame:
    """Buildings ``start`` … ``stop - 1`` of the stock, whatever blocks they fall in."""
    first, last = start // BLOCK, (stop - 1) // BLOCK
    frames = [block(b, n_buildings, seed) for b in range(first, last + 1)]
    table = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    return table.iloc[start - first * BLOCK: stop - first * BLOCK].reset_index(drop=True)


def prepared(table: pd.DataFrame) -> pd.DataFrame:
    """The table as a run reads it: use defaults, glazing panes and floor perimeters filled."""
    from smartcity.energy import profiles, thermal

    return thermal.fill_floor_perimeter(thermal.fill_glazing_panes(profiles.fill_use_defaults(table)))


@functools.cache
def weather_inputs():
    """(weather, facade weather) of the built-in reference year, made once per process."""
    from smartcity.energy import thermal
    from smartcity.weather import load_weather

    weather = load_weather(None)
    return weather, thermal.facade_weather(weather)


def simulate_chunk(start: int, stop: int, n_buildings: int = N_BUILDINGS, seed: int = SEED,
                   out: str | None = None) -> tuple[np.ndarray, np.ndarray, dict]:
    """Simulate buildings ``start`` … ``stop - 1``.

    Returns
    -------
    (heating, cooling, info)
        Hourly heating and cooling need by (group × heating system), shape
        (N_GROUPS × n_systems, n_h) [kWh per hour]; ``info`` with the chunk's row count and
        seconds spent. With ``out``, the per-building annual results are written to
        ``out/annual/part-{start:09d}.parquet``.
    """
    from smartcity.energy import supply, thermal

    t0 = time.perf_counter()
    table = prepared(rows(start, stop, n_buildings, seed))
    systems = supply.HEATING_SYSTEMS
    system = np.array([systems.index(s) for s in table["heating_system"]], dtype=np.int64)
    group = table["group"].to_numpy(dtype=np.int64)
    weather, facade = weather_inputs()
    n = len(table)
    heating = np.zeros((N_GROUPS, len(systems), len(weather.index)))
    cooling = np.zeros_like(heating)
    annual = {name: np.zeros(n) for name in ("heating_kwh", "cooling_kwh", "peak_heating_kw")}
    t1 = time.perf_counter()
    # One kernel call per heating system with the groups as its hourly sums: 98 groups keep the
    # kernel's per-thread accumulators small enough to run on every thread (98 × 7 would not).
    for s in range(len(systems)):
        here = np.flatnonzero(system == s)
        if here.size == 0:
            continue
        result = thermal.simulate_stock(table.iloc[here], weather.temp_air, facade, group_index=group[here],
                                        n_groups=N_GROUPS, index=weather.index)
        heating[:, s] = result.heating_by_group_w / 1e3
        cooling[:, s] = result.cooling_by_group_w / 1e3
        annual["heating_kwh"][here] = result.heating_wh / 1e3
        annual["cooling_kwh"][here] = result.cooling_wh / 1e3
        annual["peak_heating_kw"][here] = result.peak_heating_w / 1e3
    t2 = time.perf_counter()
    if out is not None:
        frame = pd.DataFrame({
            "building_id": table["building_id"].to_numpy(), "use": table["use"].to_numpy(),
            "group": group, "heating_system": table["heating_system"].to_numpy(),
            "heated_floor_area_m2": table["heated_floor_area_m2"].to_numpy(), **annual,
        })
        folder = Path(out) / "annual"
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".part-{start:09d}.{os.getpid()}.tmp"
        frame.to_parquet(tmp, index=False)
        tmp.replace(folder / f"part-{start:09d}.parquet")
    info = {"rows": int(stop - start), "prepare_s": t1 - t0, "simulate_s": t2 - t1,
            "write_s": time.perf_counter() - t2}
    return heating.reshape(N_GROUPS * len(systems), -1), cooling.reshape(N_GROUPS * len(systems), -1), info


def chunks(n_buildings: int, chunk: int) -> list[tuple[int, int]]:
    """(start, stop) of each chunk of ``chunk`` buildings (the last one shorter)."""
    return [(s, min(s + chunk, n_buildings)) for s in range(0, n_buildings, max(1, chunk))]


def run(n_buildings: int = N_BUILDINGS, chunk: int = CHUNK, *, out: str | None = None, client=None,
        seed: int = SEED, progress: bool = False) -> dict:
    """The whole stock, chunk by chunk, here or on a Dask ``client``.

    Returns
    -------
    dict
        ``heating`` and ``cooling`` (N_GROUPS × n_systems, n_h) [kWh per hour], ``final``
        (N_GROUPS, n_carriers, n_h) [kWh per hour], ``carriers``, timing per stage.
    """
    from smartcity.energy import supply

    if out is not None and any((Path(out) / "annual").glob("part-*.parquet")):
        # parts of another chunking would overlap this run's and count buildings twice
        raise FileExistsError(f"{Path(out) / 'annual'} holds the parts of an earlier run: choose an empty folder")
    parts = chunks(n_buildings, chunk)
    heating = cooling = None
    stats = {"prepare_s": 0.0, "simulate_s": 0.0, "write_s": 0.0}
    t0 = time.perf_counter()
    if client is None:
        results = (simulate_chunk(a, b, n_buildings, seed, out) for a, b in parts)
    else:
        futures = [client.submit(simulate_chunk, a, b, n_buildings, seed, out, pure=False) for a, b in parts]
        results = (f.result() for f in futures)  # added in chunk order: the same sums on any cluster
    for k, (heat, cool, info) in enumerate(results):
        heating = heat if heating is None else heating + heat
        cooling = cool if cooling is None else cooling + cool
        for key in stats:
            stats[key] += info[key]
        if progress:
            print(f"  chunk {k + 1}/{len(parts)}: {parts[k][1]:,} buildings, "
                  f"{time.perf_counter() - t0:.0f} s", flush=True)
    weather, _ = weather_inputs()
    from smartcity.scenario.sections.supply import SupplySection

    params = SupplySection()
    n_sys = len(supply.HEATING_SYSTEMS)
    carriers = None
    finals = []
    for g in range(N_GROUPS):
        rows_g = slice(g * n_sys, (g + 1) * n_sys)
        by_carrier = supply.final_energy(heating[rows_g], None, cooling[rows_g].sum(axis=0), weather.temp_air,
                                         params, day_of_year=weather.index.day_of_year.to_numpy())
        carriers = carriers or list(by_carrier)
        finals.append([by_carrier[c] for c in carriers])
    return {"heating": heating, "cooling": cooling, "final": np.array(finals), "carriers": carriers,
            "seconds": time.perf_counter() - t0, **stats}


def write_hourly(result: dict, out: str | Path) -> Path:
    """The hourly totals as ``out/hourly.nc``: final energy by group × carrier × hour, heating need by group."""
    import xarray as xr

    from smartcity.energy import supply

    weather, _ = weather_inputs()
    n_sys = len(supply.HEATING_SYSTEMS)
    heat_need = result["heating"].reshape(N_GROUPS, n_sys, -1).sum(axis=1)
    ds = xr.Dataset(
        {"final_energy": (("group", "carrier", "time"), result["final"], {"units": "kWh h-1"}),
         "heating_need": (("group", "time"), heat_need, {"units": "kWh h-1"})},
        coords={"group": np.arange(N_GROUPS), "carrier": result["carriers"], "time": weather.index.tz_localize(None)
                if weather.index.tz is not None else weather.index},
        attrs={"title": "synthetic national building stock of Denmark (benchmark)"},
    )
    path = Path(out) / "hourly.nc"
    tmp = path.with_name(f".hourly.nc.{os.getpid()}.tmp")
    ds.to_netcdf(tmp)
    tmp.replace(path)
    return path


def write_table(path: str | Path, n_buildings: int = N_BUILDINGS, seed: int = SEED) -> Path:
    """The whole stock as one buildings-table Parquet file (the reader's columns only), block by block."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    writer = None
    for b in range(math.ceil(n_buildings / BLOCK)):
        table = block(b, n_buildings, seed).drop(columns=["group", "tabula_variant"])
        batch = pa.Table.from_pandas(table, preserve_index=False)
        if writer is None:
            writer = pq.ParquetWriter(path, batch.schema)
        writer.write_table(batch)
    writer.close()
    return Path(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--buildings", type=int, default=N_BUILDINGS, help="buildings (default: %(default)s)")
    parser.add_argument("--chunk", type=int, default=CHUNK, help="buildings per task (default: %(default)s)")
    parser.add_argument("-o", "--output", type=Path, help="folder for annual/ and hourly.nc")
    parser.add_argument("--workers", type=int, help="run on a Dask LocalCluster of this many worker processes")
    parser.add_argument("--threads-per-worker", type=int, default=1)
    parser.add_argument("--scheduler", help="address of a running Dask scheduler (several machines)")
    parser.add_argument("--write-table", type=Path, metavar="FILE.parquet",
                        help="only write the stock as a buildings table and time reading it back")
    args = parser.parse_args(argv)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    if args.output is not None and any((args.output / "annual").glob("part-*.parquet")):
        parser.error(f"{args.output / 'annual'} holds the parts of an earlier run: choose an empty folder")
    if args.write_table is not None:
        from smartcity.schema.tables import read_table

        t0 = time.perf_counter()
        write_table(args.write_table, args.buildings)
        t1 = time.perf_counter()
        table = read_table(args.write_table, "buildings")
        t2 = time.perf_counter()
        size_mb = args.write_table.stat().st_size / 1e6
        print(f"wrote {args.buildings:,} buildings to {args.write_table} ({size_mb:.0f} MB) in {t1 - t0:.1f} s; "
              f"read and checked them with the buildings schema in {t2 - t1:.1f} s "
              f"({len(table):,} rows)")
        return 0
    client = cluster = None
    if args.scheduler or args.workers:
        from dask.distributed import Client, LocalCluster

        if args.scheduler:
            client = Client(args.scheduler)
        else:
            cluster = LocalCluster(n_workers=args.workers, threads_per_worker=args.threads_per_worker,
                                   processes=True, dashboard_address=None)
            client = Client(cluster)
    try:
        t0 = time.perf_counter()
        result = run(args.buildings, args.chunk, out=None if args.output is None else str(args.output),
                     client=client, progress=True)
        if args.output is not None:
            write_hourly(result, args.output)
        seconds = time.perf_counter() - t0
    finally:
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
    total = result["final"].sum(axis=(0, 2))
    print(f"{args.buildings:,} buildings × 8,760 h in {seconds:.1f} s "
          f"({args.buildings * 8760 / seconds / 1e6:.0f} M building-hours/s end to end); "
          f"in the tasks: preparing tables {result['prepare_s']:.1f} s, 5R1C {result['simulate_s']:.1f} s, "
          f"writing {result['write_s']:.1f} s")
    print("final energy, GWh/a: " + ", ".join(f"{c} {v / 1e6:,.0f}" for c, v in zip(result["carriers"], total)))
    print(f"heating need {result['heating'].sum() / 1e6:,.0f} GWh/a")
    return 0


if __name__ == "__main__":
    sys.exit(main())
