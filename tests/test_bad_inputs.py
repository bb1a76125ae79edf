"""Bad input through every command: exit status 2, one ``error:`` line, nothing written.

The command line promises (``smartcity.cli``): on bad input a command exits with status 2 and
prints exactly one line on stderr, starting with ``error: ``, that names the file and the key,
row or line (or the command-line option at fault), with the value and what is allowed; it
prints no traceback and writes nothing: no file is created or changed in the output folder,
the sweep store or the ``-o`` file. Exit status 1 is kept for bugs ("internal error").

Each case below builds one bad input in ``tmp_path`` (from copies of the shipped scenarios and
of ``tests/data``), runs ``smartcity.cli.main`` in-process and checks all of that. "Nothing
written" is checked on everything the case can touch: the listing (names, sizes and mtimes) of
``tmp_path`` -- the inputs, the output locations and the working folder, where the default
outputs go -- and of the shared results file and sweep stores must be the same before and
after. The commands that read results share one small results file and two small sweep
stores, built once for the module.

No case simulates anything: bad input must be refused before a model runs. Should one slip
through, stubs stop the simulation, the cluster of a sweep and the report writer at once
(exit status 1, "internal error: AssertionError: ..."), so a regression fails fast instead of
running a district for minutes. Two inputs that could hang or exhaust memory in-process (a
parent scenario that is a FIFO or /dev/zero) run as a real process with a time limit and a
memory limit.

argparse usage errors (a misspelt option, ``--gap abc``) print a usage line and an error line,
so they are not cases here.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
import sys
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest

from smartcity.cli import main
from tests.conftest import FEEDBACK, REPO, SMALL_BASELINE, TEST_DATA
from tests.kpi.conftest import SMALL_LIGHT

DISTRICT = REPO / "scenarios" / "aalborg-east"
REFERENCE_WEATHER = REPO / "src" / "smartcity" / "data" / "aalborg_reference_year.csv"
HOUSE = REPO / "scenarios" / "examples" / "single_building" / "detached_house_1973_1978.toml"
SIOUX_FALLS = TEST_DATA / "tntp" / "SiouxFalls"
BBR_EXTRACT = TEST_DATA / "bbr_extract_small.csv"
GRID_CO2_SAMPLE = TEST_DATA / "energinet_co2_sample.csv"

#: Longest error line accepted: enough for a message that lists the allowed keys or values.
MAX_LINE = 1200


#: A valid envelope renovation of the small district, edited by the measure cases.
RENOVATION = """
[measures.reno]
type = "envelope_renovation"
start_year = 2016
ramp = { value = 100, unit = "%", by_year = 2016, assumption = true, reason = "t" }
filter = { use = ["apartment_block"] }
u_wall_w_m2k = 0.18
investment = { value = 2000, unit = "DKK/m2", assumption = true, reason = "t" }
lifetime_years = 40
"""

#: A scale factor on the ground albedo, edited by the uncertainty cases.
ALBEDO_FACTOR = """
[uncertainty.f]
key = "weather.ground_albedo"
scale = { value = 1.0, unit = "1", assumption = true, reason = "t" }
"""

#: Meter readings, measured weather and meter map that ``monitor`` reads without complaint.
METERS = ("meter_id,carrier,start,end,value,unit\n"
          "M1,district_heat,2021-01-01,2021-01-02,5,kWh\n"
          "M1,district_heat,2021-01-02,2021-01-03,6,kWh\n")
MEASURED = "time,temperature_C\n2021-01-01,3.0\n2021-01-02,2.0\n"
METER_MAP = "meter_id,building_id,group,measure_group,share\nM1,block_1970,,reno,1\n"


# --------------------------------------------------------------------------------------
# Cases
# --------------------------------------------------------------------------------------

Fragment = str | re.Pattern


@dataclasses.dataclass(frozen=True)
class Case:
    """One bad input: how to build it and what the error line must say.

    ``where``: the file name, key or option the line must name (any one of several);
    ``expect``: further text (or patterns) the line must hold, e.g. the key, line, value and
    problem; ``absent``: text it must not hold (e.g. a long value echoed whole).
    """

    id: str
    build: Callable[[Env], list]
    where: tuple[str, ...]
    expect: tuple[Fragment, ...] = ()
    absent: tuple[str, ...] = ()
    process: bool = False  # run as a real process with a time and memory limit

    @property
    def command(self) -> str:
        return self.id.split("-", 1)[0] if not self.id.startswith("monitor-demo") else "monitor-demo"


CASES: list[Case] = []


def case(id: str, where: str | tuple[str, ...], *expect: Fragment, absent: tuple[str, ...] = (), **options):
    """Register the decorated function (env -> command line) as a case."""
    def register(build):
        assert id not in {c.id for c in CASES}, id
        CASES.append(Case(id, build, (where,) if isinstance(where, str) else where, expect, absent, **options))
        return build
    return register


def edit(path: Path, old: str, new: str) -> Path:
    """Replace the first ``old`` in the file by ``new`` (``old`` must be there)."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def regex(pattern: str) -> re.Pattern:
    return re.compile(pattern)


class Env:
    """The folder a case builds its input in, with copies of the repository's data."""

    def __init__(self, root: Path, request: pytest.FixtureRequest) -> None:
        self.root = root
        self._request = request
        self.shared: list[Path] = []  # module-wide files the case uses (snapshotted too)

    def write(self, name: str, text: str | bytes) -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    # scenarios and tables ------------------------------------------------------------

    def small(self) -> Path:
        """``small/baseline.toml`` with its buildings table (three rows, no transport); its path."""
        folder = self.root / "small"
        if not (folder / "baseline.toml").exists():
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copy(TEST_DATA / "buildings_small.csv", folder / "buildings.csv")
            (folder / "baseline.toml").write_text(SMALL_BASELINE, encoding="utf-8")
        return folder / "baseline.toml"

    def child(self, body: str, name: str = "bad.toml") -> Path:
        """A scenario in the small district's folder that extends its baseline with ``body``."""
        self.small()
        return self.write(f"small/{name}", f'[scenario]\nextends = "baseline.toml"\n{body}')

    def table(self) -> Path:
        """The small district's buildings table."""
        return self.small().parent / "buildings.csv"

    def district(self) -> Path:
        """A copy of the Aalborg East scenarios with their tables; the folder."""
        target = self.root / "aalborg-east"
        if not target.exists():
            for name in ("baseline.toml", "lighthouse.toml", "buildings.csv", "district_heating/units.csv",
                         *(f"transport/{t}.csv" for t in ("zones", "nodes", "links", "lines", "line_stops"))):
                (target / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(DISTRICT / name, target / name)
        return target

    def weather_csv(self, change: Callable[[str], str]) -> Path:
        """The reference weather year as a CSV file of the small baseline, changed; the baseline."""
        base = self.small()
        text = change(REFERENCE_WEATHER.read_text(encoding="utf-8"))
        self.write("small/weather.csv", text)
        edit(base, "[weather]\n", '[weather]\nfile = "weather.csv"\n')
        return base

    def epw(self, change: Callable[[list[str]], list[str]] = lambda lines: lines, name: str = "weather.epw") -> Path:
        """The reference weather year as an EPW file (8 header lines, 35 fields an hour), changed."""
        rows = [line.split(",") for line in REFERENCE_WEATHER.read_text(encoding="utf-8").splitlines()
                if line[:1].isdigit()]
        header = ["LOCATION,Aalborg Test,-,DNK,smartcity test,061030,57.03,10.00,1.0,10.0", "DESIGN CONDITIONS,0",
                  "TYPICAL/EXTREME PERIODS,0", "GROUND TEMPERATURES,0", "HOLIDAYS/DAYLIGHT SAVINGS,No,0,0,0",
                  "COMMENTS 1,written by tests/test_bad_inputs.py", "COMMENTS 2,",
                  "DATA PERIODS,1,1,Data,Thursday, 1/ 1,12/31"]
        flags = "?9?9?9?9E0?9?9?9?9?9?9?9?9?9?9?9?9?9?9?9*9*9?9?9?9"
        lines = []
        for time, temp, ghi, dni, dhi, wind, rh in rows:
            month, day, hour = int(time[5:7]), int(time[8:10]), int(time[11:13])
            fields = [2015, month, day, hour + 1, 60, flags, temp, f"{float(temp) - 2:.2f}", rh, 101325, 0, 0, 300,
                      ghi, dni, dhi, 0, 0, 0, 0, 180, wind, 5, 5, 9999, 77777, 9, 999999999, 0, 0, 0, 88, 0.2, 0, 1]
            lines.append(",".join(str(f) for f in fields))
        return self.write(name, "\n".join(change(header + lines)) + "\n")

    def house(self) -> Path:
        """A copy of the example building file."""
        self.root.mkdir(parents=True, exist_ok=True)
        path = self.root / "house.toml"
        shutil.copy(HOUSE, path)
        return path

    def tntp(self) -> tuple[Path, Path]:
        """Copies of the Sioux Falls network and trip table."""
        self.root.mkdir(parents=True, exist_ok=True)
        net, trips = self.root / "net.tntp", self.root / "trips.tntp"
        shutil.copy(SIOUX_FALLS / "SiouxFalls_net.tntp", net)
        shutil.copy(SIOUX_FALLS / "SiouxFalls_trips.tntp", trips)
        return net, trips

    def extract(self) -> Path:
        """A copy of the small BBR extract."""
        self.root.mkdir(parents=True, exist_ok=True)
        path = self.root / "extract.csv"
        shutil.copy(BBR_EXTRACT, path)
        return path

    def monitoring(self, meters: str = METERS, weather: str = MEASURED, meter_map: str = METER_MAP,
                   meters_name: str = "meters.csv", weather_name: str = "weather.csv") -> list[str]:
        """Measured data files; the ``monitor`` command line of the shared results without ``-o``."""
        m = self.write(meters_name, meters)
        w = self.write(weather_name, weather)
        self.write("map.csv", meter_map)
        return ["monitor", self.results, "--meters", m, "--weather", w]

    # shared results ------------------------------------------------------------------

    def _shared(self, fixture: str) -> Path:
        path = self._request.getfixturevalue(fixture)
        self.shared.append(path)
        return path

    @property
    def results(self) -> Path:
        """Results of the small district: scenarios 'baseline' and 'lighthouse', 2015-2017."""
        return self._shared("results_file")

    @property
    def store(self) -> Path:
        """A sweep store with Saltelli's design (scenario 'uncertain', one uncertain input)."""
        return self._shared("saltelli_store")

    @property
    def lhs_store(self) -> Path:
        """A sweep store with a Latin hypercube (same scenario)."""
        return self._shared("lhs_store")


# --------------------------------------------------------------------------------------
# Module fixtures: one results file and two sweep stores
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shared_district(tmp_path_factory) -> Path:
    """The small district as the shared results were made from it: baseline, lighthouse, uncertain."""
    folder = tmp_path_factory.mktemp("bad_inputs_district")
    shutil.copy(TEST_DATA / "buildings_small.csv", folder / "buildings.csv")
    baseline = SMALL_BASELINE.replace('name = "small"', 'name = "baseline"')
    (folder / "baseline.toml").write_text(baseline, encoding="utf-8")
    (folder / "lighthouse.toml").write_text(SMALL_LIGHT.replace('name = "small_light"', 'name = "lighthouse"'),
                                            encoding="utf-8")
    (folder / "uncertain.toml").write_text(baseline.replace('name = "baseline"', 'name = "uncertain"') + FEEDBACK,
                                           encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def results_file(shared_district, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bad_inputs_results") / "out"
    assert main(["run", "-q", str(shared_district / "baseline.toml"), str(shared_district / "lighthouse.toml"),
                 "-o", str(out)]) == 0
    return out / "results.nc"


@pytest.fixture(scope="module")
def sweep_cluster():
    """An in-process Dask cluster (threads): the stores are built in seconds, not in a process pool."""
    pytest.importorskip("distributed")
    pytest.importorskip("zarr")
    import logging

    from distributed import LocalCluster

    quiet = logging.getLogger("distributed")
    level = quiet.level
    quiet.setLevel(logging.WARNING)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the cluster's port and shutdown notices
            with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
                yield cluster.scheduler_address
    finally:
        quiet.setLevel(level)


def _store(name: str, design: str, district: Path, scheduler: str, factory) -> Path:
    from smartcity.sweep import run_sweep

    path = factory.mktemp(f"bad_inputs_{name}") / f"{name}.zarr"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = run_sweep([district / "uncertain.toml"], path, samples=2, design=design, scheduler=scheduler)
    assert report.ok and report.computed == report.n_tasks, report
    return path


@pytest.fixture(scope="module")
def saltelli_store(shared_district, sweep_cluster, tmp_path_factory) -> Path:
    return _store("saltelli", "saltelli", shared_district, sweep_cluster, tmp_path_factory)


@pytest.fixture(scope="module")
def lhs_store(shared_district, sweep_cluster, tmp_path_factory) -> Path:
    return _store("lhs", "lhs", shared_district, sweep_cluster, tmp_path_factory)


@pytest.fixture(scope="module")
def log_home(tmp_path_factory) -> Path:
    """XDG_CACHE_HOME of the cases: the log of an internal error stays out of the user's cache."""
    return tmp_path_factory.mktemp("bad_inputs_cache")


# ======================================================================================
# validate: scenario files (syntax, keys, types, ranges, extends, sections)
# ======================================================================================


def _validate_child(id: str, body: str, *expect: Fragment, absent: tuple[str, ...] = ()) -> None:
    """``validate`` of a child scenario of the small district (``bad.toml``) with ``body``."""
    @case(f"validate-{id}", "bad.toml", *expect, absent=absent)
    def build(env):
        return ["validate", env.child(body)]


def _validate_file(id: str, text: str | bytes, *expect: Fragment, absent: tuple[str, ...] = ()) -> None:
    """``validate`` of ``bad.toml`` holding ``text`` (next to the small baseline)."""
    @case(f"validate-{id}", "bad.toml", *expect, absent=absent)
    def build(env):
        env.small()
        return ["validate", env.write("small/bad.toml", text)]


_validate_file("toml-syntax", '[scenario]\nname = "x\n', "line 2", "invalid TOML")
_validate_file("toml-duplicate-key", '[scenario]\nname = "a"\nname = "b"\n', "line 3", "invalid TOML")
_validate_file("toml-table-header", "[scenario\nname = 'a'\n", "line 1", "invalid TOML")
# A byte-order mark (as Windows editors write) is either read past or named; the unknown key after it is the error.
_validate_file("toml-bom", b"\xef\xbb\xbf" + b'[scenario]\nextends = "baseline.toml"\ncolour = "red"\n',
               regex(r"scenario\.colour|byte.order mark|BOM"))
_validate_file("toml-not-utf8", '[scenario]\nname = "café"\n'.encode("latin-1"), "UTF-8")
_validate_file("toml-binary", b"\x00\x01\x02\xff\xfe garbage", regex(r"UTF-8|invalid TOML"))
_validate_file("empty-file", "", "key 'scenario'", "required key is missing")
_validate_file("scenario-not-a-table", "scenario = 5\n", "key 'scenario'", "got 5")
_validate_file("missing-buildings-section",
               '[scenario]\nname = "s"\nbase_year = 2015\nfirst_year = 2015\nlast_year = 2016\n',
               "key 'buildings'", "required key is missing")
_validate_child("unknown-key", 'colour = "red"\n', "key 'scenario.colour'", "unknown key", "allowed: the keys")
_validate_child("unknown-section", '[wether]\nfile = "x.epw"\n', "key 'wether'", "did you mean 'weather'")
_validate_child("misspelt-key", '[buildings]\ntabel = "x.csv"\n', "key 'buildings.tabel'", "did you mean 'table'")
_validate_child("seed-as-text", 'seed = "abc"\n', "key 'scenario.seed'", "got 'abc'", "integer")
_validate_child("year-as-float", "base_year = 2015.0\n", "key 'scenario.base_year'", "got 2015.0")
_validate_child("seed-as-bool", "seed = true\n", "key 'scenario.seed'", "got True")
_validate_child("seed-negative", "seed = -1\n", "key 'scenario.seed'", "got -1", "0")
_validate_child("year-out-of-range", "base_year = 1800\n", "key 'scenario.base_year'", "got 1800", "1990")
_validate_child("last-year-before-first", "last_year = 2010\n", "key 'scenario.last_year'", "got 2010", "first_year")
_validate_child("year-step-misses-last", "last_year = 2030\nyear_step = 7\n", "key 'scenario.last_year'",
                "year_step")
_validate_child("year-step-zero", "year_step = 0\n", "key 'scenario.year_step'", "got 0")
_validate_child("base-year-not-simulated", "base_year = 2030\n", "key 'scenario.base_year'", "got 2030",
                "2015..2017")
_validate_child("name-with-space", 'name = "has space"\n', "key 'scenario.name'", "got 'has space'")
# A very long value is shortened in the message (to about 80 characters), not echoed whole.
_validate_child("name-very-long", f'name = "{"n" * 300}"\n', "key 'scenario.name'", "64", absent=("n" * 100,))
_validate_child("seed-very-long-text", f'seed = "{"9" * 500}"\n', "key 'scenario.seed'", absent=("9" * 100,))
_validate_child("warmup-too-long", "[buildings]\nwarmup_hours = 9000\n", "key 'buildings.warmup_hours'",
                "got 9000", "8760")
_validate_child("albedo-out-of-range", "[weather]\nground_albedo = 1.5\n", "key 'weather.ground_albedo'", "got 1.5",
                "<= 1")
_validate_child("albedo-unknown-unit", '[weather]\nground_albedo = { value = 0.2, unit = "furlong" }\n',
                "key 'weather.ground_albedo'", "unknown unit", "'furlong'", "'%'")
_validate_child("assumption-without-reason",
                '[weather]\nground_albedo = { value = 0.2, unit = "1", assumption = true }\n',
                "key 'weather.ground_albedo'", "an assumption needs a reason")
_validate_child("quantity-as-text", '[weather]\nground_albedo = "high"\n', "key 'weather.ground_albedo'", "got 'high'")
_validate_child("quantity-value-as-text", '[weather]\nground_albedo = { value = "0.3", unit = "1", source = "s" }\n',
                "key 'weather.ground_albedo.value'", "got '0.3'")
_validate_child("table-missing", '[buildings]\ntable = "missing.csv"\n', "key 'buildings.table'", "missing.csv",
                "not found")
_validate_child("table-empty-path", '[buildings]\ntable = ""\n', "key 'buildings.table'", "empty path")
_validate_child("table-is-a-folder", '[buildings]\ntable = "."\n', "key 'buildings.table'", "folder")
_validate_child("weather-file-missing", '[weather]\nfile = "none.epw"\n', "key 'weather.file'", "none.epw",
                "not found")
_validate_child("emissions-method", '[emissions]\nmethod = "magic"\n', "key 'emissions.method'", "'magic'", "'ipcc'")


@case("validate-scenario-file-missing", "nope.toml", "not found")
def _(env):
    env.root.mkdir(parents=True)
    return ["validate", env.root / "nope.toml"]


@case("validate-folder-as-scenario", "scenarios.d", "folder")
def _(env):
    (env.root / "scenarios.d").mkdir(parents=True)
    return ["validate", env.root / "scenarios.d"]


@case("validate-second-file-bad", "bad.toml", "key 'scenario.colour'")
def _(env):
    # the first file is fine ("ok:" on stdout); the error line names the second
    return ["validate", env.small(), env.child('colour = "red"\n')]


# extends -------------------------------------------------------------------------------

_validate_file("extends-missing-parent", '[scenario]\nextends = "nowhere.toml"\n', "key 'scenario.extends'",
               "nowhere.toml", "not found")
_validate_file("extends-itself", '[scenario]\nextends = "bad.toml"\n', "key 'scenario.extends'", "extends cycle",
               "bad.toml -> bad.toml")
_validate_file("extends-number", "[scenario]\nextends = 5\n", "key 'scenario.extends'", "got 5")
_validate_file("extends-empty", '[scenario]\nextends = ""\n', "key 'scenario.extends'", "got ''")
_validate_file("extends-folder", '[scenario]\nextends = "."\n', "key 'scenario.extends'", "folder")


@case("validate-extends-cycle", "a.toml", "key 'scenario.extends'", "extends cycle", "a.toml -> b.toml -> a.toml")
def _(env):
    env.small()
    env.write("small/b.toml", '[scenario]\nextends = "a.toml"\n')
    return ["validate", env.write("small/a.toml", '[scenario]\nextends = "b.toml"\n')]


@case("validate-extends-broken-parent", "parent.toml", "line 2", "invalid TOML")
def _(env):
    env.small()
    env.write("small/parent.toml", '[scenario]\nname = "x\n')
    return ["validate", env.write("small/child.toml", '[scenario]\nextends = "parent.toml"\n')]


@case("validate-extends-dev-zero", "bad.toml", "key 'scenario.extends'", "/dev/zero", process=True)
def _(env):
    # an endless device as the parent: refused by its kind, never read into memory
    env.small()
    return ["validate", env.write("small/bad.toml", '[scenario]\nextends = "/dev/zero"\n')]


@case("validate-extends-fifo", "bad.toml", "key 'scenario.extends'", "pipe.toml", process=True)
def _(env):
    # a named pipe as the parent: refused by its kind, never opened (opening it would wait for a writer)
    env.small()
    os.mkfifo(env.root / "small" / "pipe.toml")
    return ["validate", env.write("small/bad.toml", '[scenario]\nextends = "pipe.toml"\n')]


# measures --------------------------------------------------------------------------------

_validate_child("measure-not-a-table", "[measures]\nx = 5\n", "key 'measures.x'", "got 5")
_validate_child("measure-unknown-type", '[measures.x]\ntype = "teleport"\n', "key 'measures.x.type'", "'teleport'",
                "'envelope_renovation'")
_validate_child("measure-type-misspelt-key", RENOVATION.replace("type = ", "typ = "), "measures.reno.typ",
                "did you mean 'type'")
_validate_child("measure-unknown-key-close", RENOVATION + "u_wal_w_m2k = 0.2\n", "key 'measures.reno.u_wal_w_m2k'",
                "unknown key", "did you mean 'u_wall_w_m2k'", "allowed: the keys")
_validate_child("measure-unknown-key", RENOVATION + 'colour = "red"\n', "key 'measures.reno.colour'", "unknown key",
                "allowed: the keys", "u_wall_w_m2k")
_validate_child("measure-unknown-key-very-long", RENOVATION + f"{'k' * 200} = 1\n", "measures.reno.", "unknown key",
                absent=("k" * 100,))
_validate_child("measure-u-value-negative", RENOVATION.replace("u_wall_w_m2k = 0.18", "u_wall_w_m2k = -0.18"),
                "key 'measures.reno.u_wall_w_m2k'", "got -0.18", "> 0")
_validate_child("measure-ramp-unit", RENOVATION.replace('unit = "%", by_year', 'unit = "kg", by_year'),
                "key 'measures.reno.ramp'", "'kg'", "'%/a'")
_validate_child("measure-ramp-unknown-key", RENOVATION.replace("by_year = 2016", "by_yr = 2016"),
                "key 'measures.reno.ramp.by_yr'", "did you mean 'by_year'")
_validate_child("measure-ramp-as-text", RENOVATION.replace(
    'ramp = { value = 100, unit = "%", by_year = 2016, assumption = true, reason = "t" }', 'ramp = "fast"'),
    "key 'measures.reno.ramp'", "got 'fast'")
_validate_child("measure-filter-unknown-use", RENOVATION.replace('use = ["apartment_block"]', 'use = ["castle"]'),
                "key 'measures.reno.filter.use'", "'castle'", "'apartment_block'")
_validate_child("measure-filter-unknown-key", RENOVATION.replace("filter = { use", "filter = { usage"),
                "key 'measures.reno.filter.usage'", "did you mean 'use'")
_validate_child("measure-lifetime-zero", RENOVATION.replace("lifetime_years = 40", "lifetime_years = 0"),
                "key 'measures.reno.lifetime_years'", "got 0")
_validate_child("measure-investment-unit", RENOVATION.replace('unit = "DKK/m2"', 'unit = "DKK/kWh"'),
                "key 'measures.reno.investment'", "'DKK/kWh'", "'DKK/m2'")
_validate_child("measure-investment-missing", RENOVATION.replace(
    'investment = { value = 2000, unit = "DKK/m2", assumption = true, reason = "t" }\n', ""),
    "key 'measures.reno.investment'", "required key is missing")
_validate_child("measure-id-with-space", RENOVATION.replace("[measures.reno]", '[measures."has space"]'),
                "measures.has space", "'has space'")
_validate_child("measure-enabled-as-text", RENOVATION + 'enabled = "yes"\n', "key 'measures.reno.enabled'",
                "got 'yes'")
_validate_child("measure-heating-system", '[measures.sw]\ntype = "heating_switch"\nstart_year = 2016\n'
                'ramp = { value = 8, unit = "%/a", assumption = true, reason = "t" }\nfrom_systems = ["oil_boiler"]\n'
                'to_system = "fusion"\ninvestment = { value = 1, unit = "DKK", assumption = true, reason = "t" }\n'
                "lifetime_years = 18\n", "key 'measures.sw.to_system'", "'fusion'", "'heat_pump_air'")
_validate_child("measure-pv-tilt", '[measures.pv]\ntype = "rooftop_pv"\nstart_year = 2016\n'
                'ramp = { value = 10, unit = "%/a", assumption = true, reason = "t" }\n'
                'peak_power_per_area = { value = 0.18, unit = "kWp/m2", assumption = true, reason = "t" }\n'
                'usable_roof_share = { value = 40, unit = "%", assumption = true, reason = "t" }\n'
                'tilt_deg = { value = 120, unit = "deg", assumption = true, reason = "t" }\n'
                'azimuth_deg = { value = 180, unit = "deg", assumption = true, reason = "t" }\n'
                'investment = { value = 8000, unit = "DKK/kWp", assumption = true, reason = "t" }\n'
                "lifetime_years = 25\n", "key 'measures.pv.tilt_deg'", "got 120", "90")
_validate_child("measure-share-out-of-range", FEEDBACK.replace(
    'value = 3, unit = "%", distribution = "triangular", low = 1, mode = 3, high = 5,', 'value = 300, unit = "%",'),
    "key 'measures.feedback.heat_saving_share'", "got 300", "< 1")
_validate_child("measure-distribution-bounds", FEEDBACK.replace("low = 1, mode = 3, high = 5", "low = 5, mode = 3, "
                                                                "high = 1"),
                "key 'measures.feedback.heat_saving_share.high'", "low")
_validate_child("measure-unknown-distribution",
                FEEDBACK.replace('"triangular", low = 1, mode = 3', '"cauchy", low = 1'),
                "key 'measures.feedback.heat_saving_share.distribution'", "'cauchy'", "'triangular'")
_validate_child("measure-transport-without-model", '[measures.chargers]\ntype = "ev_incentive"\nstart_year = 2016\n'
                'ramp = { value = 10, unit = "%/a", assumption = true, reason = "t" }\n'
                'bev_sales_share_increase = { value = 5, unit = "%", assumption = true, reason = "t" }\n'
                'investment = { value = 1, unit = "MDKK", assumption = true, reason = "t" }\nlifetime_years = 10\n',
                "key 'measures.chargers'", "transport model")
_validate_child("measure-zone-not-in-table", RENOVATION.replace('use = ["apartment_block"]', 'zone = ["nowhere"]'),
                "key 'measures.reno.filter.zone'", "'nowhere'", "'estate'")

# uncertainty -------------------------------------------------------------------------------

_validate_child("uncertainty-key-misspelt", ALBEDO_FACTOR.replace("weather.ground_albedo",
                                                                  "supply.electricity.emision_factor"),
                "key 'uncertainty.f.key'", "emision_factor", "did you mean 'emission_factor'")
# a misspelt key names the key and the table, it does not echo the whole resolved scenario
_validate_child("uncertainty-key-misspelt-section", ALBEDO_FACTOR.replace("weather.ground_albedo",
                                                                          "suply.electricity.emission_factor"),
                "key 'uncertainty.f.key'", "suply", absent=("ScenarioInfo", "base_year=", "'scenario': {"))
_validate_child("uncertainty-key-of-a-table", ALBEDO_FACTOR.replace("weather.ground_albedo", "supply.electricity"),
                "key 'uncertainty.f.key'", "supply.electricity", "table")
_validate_child("uncertainty-key-of-text", ALBEDO_FACTOR.replace("weather.ground_albedo", "scenario.name"),
                "key 'uncertainty.f.key'", "scenario.name", "numbers")
_validate_child("uncertainty-scale-negative", ALBEDO_FACTOR.replace("value = 1.0", "value = -1.0"),
                "key 'uncertainty.f.scale'", "got -1.0", "> 0")
_validate_child("uncertainty-from-year-on-quantity", ALBEDO_FACTOR.replace("key = ", "from_year = 2016\nkey = "),
                "key 'uncertainty.f.from_year'", "trajectory")
_validate_child("uncertainty-scale-missing", '[uncertainty.f]\nkey = "weather.ground_albedo"\n',
                "key 'uncertainty.f.scale'", "required key is missing")
_validate_child("uncertainty-unknown-key", ALBEDO_FACTOR + "factor = 2\n", "key 'uncertainty.f.factor'",
                "unknown key", "scale")
_validate_child("uncertainty-same-key-twice", ALBEDO_FACTOR + ALBEDO_FACTOR.replace("uncertainty.f", "uncertainty.g"),
                "key 'uncertainty.g.key'", "already scaled")
_validate_child("uncertainty-distribution-bounds", ALBEDO_FACTOR.replace(
    'value = 1.0, unit = "1",', 'value = 1.0, unit = "1", distribution = "uniform", low = 2, high = 1,'),
    "key 'uncertainty.f.scale.high'", "low")
_validate_child("uncertainty-scales-a-factor",
                ALBEDO_FACTOR.replace('"weather.ground_albedo"', '"uncertainty.f.scale"'),
                "key 'uncertainty.f.key'", "another")
# the factor's nominal value takes the albedo (0.2) to 2.0, out of its range [0, 1]
_validate_child("uncertainty-scaled-out-of-range", ALBEDO_FACTOR.replace("value = 1.0", "value = 10.0"),
                "key 'uncertainty.f.scale'", "gives weather.ground_albedo a value", "<= 1")

# supply, emissions ---------------------------------------------------------------------------

_validate_child("supply-unknown-mode", '[supply.district_heating]\nmode = "magic"\n',
                "key 'supply.district_heating.mode'", "'magic'", "'dispatch'")
_validate_child("supply-unknown-key", "[supply.electricity]\nemision_factor = 3\n",
                "key 'supply.electricity.emision_factor'", "did you mean 'emission_factor'")
_validate_child("supply-dispatch-without-network", '[supply.district_heating]\nmode = "dispatch"\n',
                "key 'supply.district_heating.network'", "dispatch")
_validate_child("supply-price-area", '[supply.electricity]\nprice_area = "DK9"\n',
                "key 'supply.electricity.price_area'", "'DK9'", "'DK1'")
_validate_child("supply-emission-factor-shape",
                '[supply.electricity]\nemission_factor = { value = -5, unit = "g/kWh", year = 2015, source = "s" }\n',
                "supply.electricity.emission_factor")
_validate_child("supply-hourly-profile-missing", '[supply.electricity]\nhourly_profile = "nope.csv"\n',
                "key 'supply.electricity.hourly_profile'", "nope.csv", "not found")


@case("validate-supply-hourly-profile-short", "co2.csv", "not one whole year", "8760")
def _(env):
    env.small()
    shutil.copy(GRID_CO2_SAMPLE, env.root / "small" / "co2.csv")
    return ["validate", env.child('[supply.electricity]\nhourly_profile = "co2.csv"\n')]


def _validate_district(id: str, file: str, old: str, new: str, where: str, *expect: Fragment,
                       scenario: str = "lighthouse.toml") -> None:
    """``validate`` of the Aalborg East scenario ``scenario`` with ``old`` replaced by ``new`` in ``file``."""
    @case(f"validate-{id}", where, *expect)
    def build(env):
        folder = env.district()
        edit(folder / file, old, new)
        return ["validate", folder / scenario]


_validate_district("measure-brt-unknown-key", "lighthouse.toml", 'line = "plusbus"', 'line = "plusbus"\nlin = "x"',
                   "lighthouse.toml", "key 'measures.plusbus.lin'", "did you mean 'line'", "allowed: the keys")
_validate_district("measure-heat-units-unknown-key", "lighthouse.toml", 'retire = ["njv3"]',
                   'retire = ["njv3"]\nretired = ["x"]', "lighthouse.toml", "key 'measures.coal_chp_exit.retired'",
                   "did you mean 'retire'", "allowed: the keys")
_validate_district("measure-ev-unknown-key", "lighthouse.toml", 'type = "ev_incentive"',
                   'type = "ev_incentive"\nbev_share = 3', "lighthouse.toml",
                   "key 'measures.ev_charging_points.bev_share'", "allowed: the keys", "bev_sales_share_increase")
_validate_district("measure-unknown-heat-unit", "lighthouse.toml", 'retire = ["njv3"]', 'retire = ["njv9"]',
                   "lighthouse.toml", "key 'measures.coal_chp_exit.retire'", "'njv9'", "'njv3'")
_validate_district("measure-commission-existing-unit", "lighthouse.toml", 'commission = ["portland_extension"]',
                   'commission = ["portland"]', "lighthouse.toml", "key 'measures.portland_surplus_heat.commission'",
                   "'portland'", "planned")
_validate_district("measure-heat-units-nothing", "lighthouse.toml", 'commission = ["portland_extension"]',
                   "commission = []", "lighthouse.toml", "measures.portland_surplus_heat", "nothing")
_validate_district("measure-parking-unknown-zone", "lighthouse.toml", 'zones = ["campus", "hospital", "east_centre"]',
                   'zones = ["campus", "nowhere"]', "lighthouse.toml", "key 'measures.parking_management.zones'",
                   "'nowhere'", "'campus'")
_validate_district("measure-parking-no-zone", "lighthouse.toml", 'zones = ["campus", "hospital", "east_centre"]',
                   "zones = []", "lighthouse.toml", "key 'measures.parking_management.zones'", "got []")
_validate_district("measure-brt-existing-line", "lighthouse.toml", 'line = "plusbus"', 'line = "6"',
                   "lighthouse.toml", "key 'measures.plusbus.line'", "got '6'", "planned")
_validate_district("measure-bus-unknown-line", "lighthouse.toml", 'lines = ["6", "18"]', 'lines = ["6", "99"]',
                   "lighthouse.toml", "key 'measures.bus_electrification.lines'", "'99'", "'plusbus'")
_validate_district("measure-charging-signal", "lighthouse.toml", 'signal = "pv_surplus"', 'signal = "moon"',
                   "lighthouse.toml", "key 'measures.smart_charging.signal'", "'moon'", "'grid_carbon'")
_validate_district("supply-measure-without-network", "baseline.toml", 'mode = "dispatch"', 'mode = "factor"',
                   "lighthouse.toml", "key 'measures.portland_surplus_heat'", "network")
_validate_district("supply-network-unknown-key", "baseline.toml", 'units = "district_heating/units.csv"',
                   'units = "district_heating/units.csv"\nunit_table = "x"', "baseline.toml",
                   "key 'supply.district_heating.network.unit_table'", "unknown key", "allowed: the keys")
_validate_district("supply-network-loss", "baseline.toml", 'network_loss = { value = 20, unit = "%"',
                   'network_loss = { value = 120, unit = "%"', "baseline.toml",
                   "key 'supply.district_heating.network_loss'", "got 120")
_validate_district("supply-rest-heat-unit", "baseline.toml", 'rest_heat_delivered = { value = 1417, unit = "GWh"',
                   'rest_heat_delivered = { value = 1417, unit = "GW"', "baseline.toml",
                   "key 'supply.district_heating.network.rest_heat_delivered'", "'GW'", "'GWh'")
_validate_district("uncertainty-key-misspelt-district", "baseline.toml", 'key = "supply.electricity.emission_factor"',
                   'key = "supply.electricty.emission_factor"', "baseline.toml",
                   "key 'uncertainty.grid_factor_after_2020.key'", "did you mean 'electricity'",
                   scenario="baseline.toml")
_validate_district("transport-unknown-key", "baseline.toml", 'zones = "transport/zones.csv"',
                   'zones = "transport/zones.csv"\nzone_file = "x"', "baseline.toml", "key 'transport.zone_file'",
                   "unknown key", scenario="baseline.toml")
_validate_district("transport-value-of-time-unit", "baseline.toml", 'value = 100, unit = "DKK/h"',
                   'value = 100, unit = "DKK/km"', "baseline.toml", "key 'transport.costs.value_of_time'", "'DKK/km'",
                   "'DKK/h'", scenario="baseline.toml")
_validate_district("transport-trip-length-negative", "baseline.toml", 'value = 7.5, unit = "km"',
                   'value = -7.5, unit = "km"', "baseline.toml", "key 'transport.mean_trip_length'", "got -7.5",
                   scenario="baseline.toml")
_validate_district("transport-table-missing", "baseline.toml", 'zones = "transport/zones.csv"',
                   'zones = "transport/zone.csv"', "baseline.toml", "key 'transport.zones'", "zone.csv", "not found",
                   scenario="baseline.toml")
_validate_district("heat-units-table-missing", "baseline.toml", 'units = "district_heating/units.csv"',
                   'units = "district_heating/nope.csv"', "baseline.toml",
                   "key 'supply.district_heating.network.units'", "nope.csv", scenario="baseline.toml")


# ======================================================================================
# run: tables (buildings, transport, heat units), weather files, the output folder
# ======================================================================================


def _run_small(id: str, change: Callable[[Env], Path], where: str, *expect: Fragment,
               absent: tuple[str, ...] = ()) -> None:
    """``run`` of the small baseline after ``change(env)`` (which returns the scenario to run)."""
    @case(f"run-{id}", where, *expect, absent=absent)
    def build(env):
        return ["run", change(env), "-o", env.root / "out"]


def _table(old: str, new: str) -> Callable[[Env], Path]:
    def change(env):
        edit(env.table(), old, new)
        return env.small()
    return change


def _table_text(change_text: Callable[[str], str]) -> Callable[[Env], Path]:
    def change(env):
        table = env.table()
        table.write_text(change_text(table.read_text(encoding="utf-8")), encoding="utf-8")
        return env.small()
    return change


def _drop_column(name: str) -> Callable[[str], str]:
    def drop(text):
        lines = [line.split(",") for line in text.splitlines()]
        i = lines[0].index(name)
        return "\n".join(",".join(cells[:i] + cells[i + 1:]) for cells in lines) + "\n"
    return drop


def _add_column(name: str, *values: str) -> Callable[[str], str]:
    """A column ``name`` at the end of the table with a value per row."""
    def add(text):
        lines = text.splitlines()
        return "\n".join([lines[0] + "," + name] + [line + "," + v for line, v in zip(lines[1:], values)]) + "\n"
    return add


_run_small("buildings-replaced-column", _table("u_roof_w_m2k", "solar_reduction_factor"), "buildings.csv",
           "column 'solar_reduction_factor'", "no longer read", "frame_fraction")
_run_small("buildings-four-panes", _table_text(_add_column("glazing_panes", "2", "4", "2")), "buildings.csv",
           "line 3", "column 'glazing_panes'", "got 4", "<= 3")
_run_small("buildings-absorptance", _table_text(_add_column("absorptance_wall", "0.6", "0.6", "1.5")),
           "buildings.csv", "line 4", "column 'absorptance_wall'", "got 1.5")
_run_small("buildings-floor-perimeter", _table_text(_add_column("floor_perimeter_m", "", "-12", "40")),
           "buildings.csv", "line 3", "column 'floor_perimeter_m'", "got -12", ">= 0")
_run_small("buildings-ground-conductivity", _table_text(_add_column("ground_conductivity_w_mk", "2", "2", "0")),
           "buildings.csv", "line 4", "column 'ground_conductivity_w_mk'", "got 0", "> 0")
_run_small("buildings-convective-share", _table_text(_add_column("internal_gains_convective_share", "-0.1", "", "")),
           "buildings.csv", "line 2", "column 'internal_gains_convective_share'", "got -0.1")
_run_small("buildings-mass-area-above-surface-area",
           _table_text(_add_column("surface_area_factor", "2.0", "4.5", "4.5")), "buildings.csv", "line 2",
           "column 'mass_area_factor'", "surface_area_factor = 2")
_run_small("buildings-negative-area", _table(",10,2400,", ",10,-2400,"), "buildings.csv", "line 2",
           "column 'heated_floor_area_m2'", "got -2400", "> 0")
_run_small("buildings-not-a-number", _table(",0.6,0.3,0.4,", ",abc,0.3,0.4,"), "buildings.csv", "line 3",
           "column 'u_wall_w_m2k'", "got 'abc'")
_run_small("buildings-not-an-integer", _table(",40,140,", ",40.5,140,"), "buildings.csv", "line 3", "column 'count'",
           "got 40.5")
_run_small("buildings-infinite", _table(",10,2400,", ",10,inf,"), "buildings.csv", "line 2",
           "column 'heated_floor_area_m2'", "'inf'")
_run_small("buildings-empty-cell", _table(",10,2400,", ",10,,"), "buildings.csv", "line 2",
           "column 'heated_floor_area_m2'")
_run_small("buildings-heating-system", _table("gas_boiler", "coal_stove"), "buildings.csv", "line 3",
           "column 'heating_system'", "got 'coal_stove'", "'district_heating'")
_run_small("buildings-use", _table("single_family", "castle"), "buildings.csv", "line 3", "column 'use'",
           "'castle'", "'apartment_block'")
_run_small("buildings-duplicate-id", _table("house_1965", "block_1970"), "buildings.csv", "line 3",
           "column 'building_id'", "'block_1970'")
_run_small("buildings-construction-year", _table("single_family,1965,", "single_family,2999,"), "buildings.csv",
           "line 3", "column 'construction_year'", "got 2999", "2100")
_run_small("buildings-g-value", _table(",2.5,0.63,", ",2.5,1.63,"), "buildings.csv", "line 2", "column 'g_window'",
           "got 1.63")
_run_small("buildings-setpoints-crossed", _table(",21,26,district_heating", ",21,18,district_heating"),
           "buildings.csv", "line 4", "column 'heating_setpoint_c'", "cooling_setpoint_c")
_run_small("buildings-heating-system-very-long", _table("gas_boiler", "x" * 300), "buildings.csv", "line 3",
           "column 'heating_system'", absent=("x" * 100,))
_run_small("buildings-unknown-column", _table("u_roof_w_m2k", "u_rooof_w_m2k"), "buildings.csv",
           "column 'u_rooof_w_m2k'", "unknown column")
_run_small("buildings-missing-column", _table_text(_drop_column("heated_floor_area_m2")), "buildings.csv",
           "column 'heated_floor_area_m2'", "required column is missing")
_run_small("buildings-extra-cell", _table("district_heating,estate", "district_heating,estate,surplus"),
           "buildings.csv", "line 2", "26", "25")
_run_small("buildings-unclosed-quote", _table("block_1970,", '"block_1970,'), "buildings.csv", "line 2")
_run_small("buildings-semicolons", _table_text(lambda text: text.replace(",", ";")), "buildings.csv", "line 1", "';'")
_run_small("buildings-no-rows", _table_text(lambda text: text.splitlines()[0] + "\n"), "buildings.csv", "no data rows")
_run_small("buildings-empty-file", _table_text(lambda text: ""), "buildings.csv", "empty")


@case("run-buildings-not-utf8", "buildings.csv", "UTF-8")
def _(env):
    table = env.table()
    table.write_bytes(table.read_bytes().replace(b"estate", b"est\xe9te"))
    return ["run", env.small(), "-o", env.root / "out"]


@case("run-buildings-unsupported-format", "b.xls", "'.xls'", "'.csv'")
def _(env):
    env.write("small/b.xls", "x")
    return ["run", edit(env.small(), 'table = "buildings.csv"', 'table = "b.xls"'), "-o", env.root / "out"]


@case("run-buildings-not-parquet", "b.parquet", "Parquet")
def _(env):
    env.write("small/b.parquet", "not parquet")
    return ["run", edit(env.small(), 'table = "buildings.csv"', 'table = "b.parquet"'), "-o", env.root / "out"]


# weather files -------------------------------------------------------------------------

def _run_weather(id: str, change: Callable[[str], str], *expect: Fragment) -> None:
    """``run`` of the small baseline with the reference year as ``weather.csv``, changed."""
    @case(f"run-weather-{id}", "weather.csv", *expect)
    def build(env):
        return ["run", env.weather_csv(change), "-o", env.root / "out"]


def _sub(old: str, new: str) -> Callable[[str], str]:
    def change(text):
        assert old in text, old
        return text.replace(old, new, 1)
    return change


# line 20 of the file is 2015-01-01T02:00 (17 comment and header lines)
_run_weather("missing-value", _sub("2015-01-01T02:00,2.15,", "2015-01-01T02:00,,"), "line 20", "column 'temp_air'",
             "missing value")
_run_weather("text", _sub("2015-01-01T02:00,2.15,", "2015-01-01T02:00,warm,"), regex(r"line 20|row 3"),
             "column 'temp_air'", "'warm'")
_run_weather("out-of-range", _sub("2015-01-01T02:00,2.15,", "2015-01-01T02:00,99.9,"), "line 20",
             "column 'temp_air'", "got 99.9", "[-60, 60]")
_run_weather("too-short", lambda text: "\n".join(text.splitlines()[:500]) + "\n", "got 483", "8760")
_run_weather("bad-time", _sub("2015-01-01T02:00,", "2015-13-01T02:00,"), regex(r"line 20|row 3"), "column 'time'",
             "'2015-13-01T02:00'")
_run_weather("time-step", _sub("2015-01-01T02:00,", "2015-01-01T02:30,"), "line 20", "column 'time'", "1 hour")
_run_weather("no-time-zone", _sub("# tz = Etc/GMT-1\n", ""), "time zone", "tz")
_run_weather("daylight-saving", _sub("# tz = Etc/GMT-1", "# tz = Europe/Copenhagen"), "key 'tz'",
             "'Europe/Copenhagen'", "Etc/GMT-1")
_run_weather("unknown-time-zone", _sub("# tz = Etc/GMT-1", "# tz = Mars/Olympus"), "key 'tz'", "'Mars/Olympus'")
_run_weather("no-latitude", _sub("# latitude = 57.03\n", ""), "key 'latitude'", "latitude")
_run_weather("latitude-text", _sub("# latitude = 57.03", "# latitude = north"), "key 'latitude'", "line 9",
             "'north'")
_run_weather("latitude-out-of-range", _sub("# latitude = 57.03", "# latitude = 157.03"), "key 'latitude'",
             "157.03", "90")
_run_weather("missing-column", _sub("time,temp_air,ghi,", "time,temp_air,global,"), "column 'ghi'", "missing")
_run_weather("dni-without-dhi", _sub("time,temp_air,ghi,dni,dhi,", "time,temp_air,ghi,dni,dhx,"), "dhi", "dni")
_run_weather("empty", lambda text: "", "no table")


@case("run-weather-unknown-type", "weather.txt", "'.txt'", "'.epw'")
def _(env):
    env.small()
    env.write("small/weather.txt", "time,temp_air,ghi\n")
    return ["run", edit(env.small(), "[weather]\n", '[weather]\nfile = "weather.txt"\n'), "-o", env.root / "out"]


def _run_epw(id: str, change: Callable[[list[str]], list[str]], *expect: Fragment) -> None:
    """``run`` of the small baseline with the reference year as ``weather.epw``, changed."""
    @case(f"run-epw-{id}", "weather.epw", *expect)
    def build(env):
        env.epw(change, name="small/weather.epw")
        return ["run", edit(env.small(), "[weather]\n", '[weather]\nfile = "weather.epw"\n'), "-o", env.root / "out"]


def _epw_field(line: int, field: int, value: str) -> Callable[[list[str]], list[str]]:
    def change(lines):
        fields = lines[line - 1].split(",")
        fields[field] = value
        lines[line - 1] = ",".join(fields)
        return lines
    return change


_run_epw("garbage", lambda lines: ["garbage"], "EPW")
_run_epw("bad-location", _epw_field(1, 6, "north"), "EPW", regex(r"line 1\b|LOCATION|latitude"))
_run_epw("bad-data-line", _epw_field(29, 6, "warm"), "line 29", "column 'temp_air'")
_run_epw("truncated", lambda lines: lines[:8 + 5000], "got 5000")

# transport tables and heat units (Aalborg East) ---------------------------------------------------


def _run_district(id: str, file: str, old: str, new: str, *expect: Fragment) -> None:
    """``run`` of the Aalborg East baseline and lighthouse with ``old`` replaced by ``new`` in ``file``."""
    @case(f"run-{id}", Path(file).name, *expect)
    def build(env):
        folder = env.district()
        edit(folder / file, old, new)
        return ["run", folder / "baseline.toml", folder / "lighthouse.toml", "-o", env.root / "out"]


_run_district("links-unknown-node", "transport/links.csv", "109,101,E45,", "109,9999,E45,", "line 2",
              "column 'to_node'", "9999")
_run_district("links-zero-capacity", "transport/links.csv", "109,101,E45,2.547,110,2,3600,",
              "109,101,E45,2.547,110,2,0,", "line 2", "column 'capacity_veh_h'", "got 0")
_run_district("links-unknown-mode", "transport/links.csv", "0.15,4,car+bus,false,0", "0.15,4,car+tram,false,0",
              "line 2", "column 'modes'", "'car+tram'")
_run_district("links-bus-lane", "transport/links.csv", "0.15,4,car+bus,false,0", "0.15,4,car+bus,maybe,0",
              "line 2", "column 'bus_lane'", "'maybe'")
_run_district("links-self-loop", "transport/links.csv", "109,101,E45,", "101,101,E45,", "line 2",
              "column 'to_node'", "itself")
_run_district("links-duplicate", "transport/links.csv", "101,109,E45,", "109,101,E45,", "line 3",
              "column 'to_node'", "duplicate")
_run_district("zones-negative-population", "transport/zones.csv", "kildeparken,2014,Kildeparken,internal,1,2209,",
              "kildeparken,2014,Kildeparken,internal,1,-5,", "line 2", "column 'population'", "got -5")
_run_district("zones-kind", "transport/zones.csv", "kildeparken,2014,Kildeparken,internal,",
              "kildeparken,2014,Kildeparken,galactic,", "line 2", "column 'kind'", "'galactic'", "'internal'")
_run_district("zones-node-changes", "transport/zones.csv", "kildeparken,2014,Kildeparken,internal,1,",
              "kildeparken,2014,Kildeparken,internal,999,", "column 'node'", "kildeparken")
_run_district("zones-cars", "transport/zones.csv", ",247.3,0", ",2470.3,0", "line 2", "column 'cars_per_1000'",
              "2470.3", "1500")
_run_district("nodes-duplicate", "transport/nodes.csv", "2,560805,", "1,560805,", "line 3", "column 'node'")
_run_district("nodes-coordinate-text", "transport/nodes.csv", "1,559964,", "1,east,", "line 2", "column 'x_m'",
              "'east'")
_run_district("lines-mode", "transport/lines.csv", ",brt,planned,", ",zeppelin,planned,", "line 2", "column 'mode'",
              "'zeppelin'", "'brt'")
_run_district("lines-headway", "transport/lines.csv", "bus_24m,electric,7.5,", "bus_24m,electric,-7.5,", "line 2",
              "column 'headway_peak_min'", "-7.5")
_run_district("lines-vehicle", "transport/lines.csv", "bus_24m,electric,", "bus_99m,electric,", "line 2",
              "column 'vehicle'", "'bus_99m'", "'bus_12m'")
_run_district("line-stops-node", "transport/line_stops.csv", "plusbus,1,118,true", "plusbus,1,9118,true", "line 2",
              "column 'node'", "9118")
_run_district("line-stops-line", "transport/line_stops.csv", "plusbus,1,118,true", "nobus,1,118,true", "line 2",
              "column 'line'", "'nobus'")
_run_district("line-stops-sequence", "transport/line_stops.csv", "plusbus,2,117,true", "plusbus,1,117,true",
              "line 3", "column 'sequence'")
_run_district("line-stops-stop", "transport/line_stops.csv", "plusbus,1,118,true", "plusbus,1,118,perhaps",
              "line 2", "column 'stop'", "'perhaps'")
_run_district("units-retired-before-built", "district_heating/units.csv", "chp,existing,1998,2100,",
              "chp,existing,1998,1990,", "line 2", "column 'retired'", "1990")
_run_district("units-negative-capacity", "district_heating/units.csv", "chp,existing,1998,2100,420,",
              "chp,existing,1998,2100,-420,", "line 2", "column 'heat_capacity_mw'", "-420")
_run_district("units-storage-without-power", "district_heating/units.csv", "storage,planned,2023,2100,50,",
              "storage,planned,2023,2100,0,", "column 'heat_capacity_mw'", "storage")
_run_district("units-kind", "district_heating/units.csv", ",chp,existing,1998,", ",fusion,existing,1998,", "line 2",
              "column 'kind'", "'fusion'", "'chp'")
_run_district("units-fuel", "district_heating/units.csv", ",420,coal,", ",420,unobtainium,", "line 2",
              "column 'fuel'", "'unobtainium'", "'coal'")
_run_district("units-efficiency", "district_heating/units.csv", ",420,coal,0.48,", ",420,coal,4.8,", "line 2",
              "column 'heat_efficiency'", "4.8")
_run_district("units-must-run", "district_heating/units.csv", "3.0,false,0.9", "3.0,sometimes,0.9", "line 2",
              "column 'must_run'", "'sometimes'")
_run_district("units-duplicate", "district_heating/units.csv", "reno_nord,", "njv3,", "line 3", "column 'unit'",
              "'njv3'")
_run_district("units-status", "district_heating/units.csv", "chp,existing,1998", "chp,ancient,1998", "line 2",
              "column 'status'", "'ancient'")
_run_district("measure-unknown-zone", "lighthouse.toml", 'zones = ["campus", "hospital", "east_centre"]',
              'zones = ["campus", "nowhere"]', "key 'measures.parking_management.zones'", "'nowhere'")

# the output folder -------------------------------------------------------------------------------------


@case("run-output-is-a-file", "afile", "file", "-o")
def _(env):
    env.write("afile", "keep")
    return ["run", env.small(), "-o", env.root / "afile"]


@case("run-output-under-a-file", "afile", "file")
def _(env):
    env.write("afile", "keep")
    return ["run", env.small(), "-o", env.root / "afile" / "sub"]


@case("run-results-exist", "results.nc", "--force")
def _(env):
    # refused before anything runs; no results, resolved copies or log file are added to the folder
    env.write("out/results.nc", "keep")
    return ["run", env.small(), "-o", env.root / "out"]


@case("run-output-name-too-long", "ooooo", regex(r"too long|cannot"))
def _(env):
    return ["run", env.small(), "-o", env.root / ("o" * 300)]


@case("run-default-output-exists", "results.nc", "--force")
def _(env):
    # without -o the results go to ./results, which holds results already
    env.write("results/results.nc", "keep")
    return ["run", env.small()]


@case("run-same-scenario-twice", "baseline.toml", "key 'scenario.name'", "got 'small'")
def _(env):
    return ["run", env.small(), env.small(), "-o", env.root / "out"]


@case("run-second-scenario-bad", "bad.toml", "key 'scenario.colour'")
def _(env):
    return ["run", env.small(), env.child('colour = "red"\n'), "-o", env.root / "out"]


@case("run-scenario-missing", "none.toml", "not found")
def _(env):
    env.root.mkdir(parents=True)
    return ["run", env.root / "none.toml", "-o", env.root / "out"]


@case("run-hourly-profile-short", "co2.csv", "not one whole year")
def _(env):
    env.small()
    shutil.copy(GRID_CO2_SAMPLE, env.root / "small" / "co2.csv")
    return ["run", env.child('[supply.electricity]\nhourly_profile = "co2.csv"\n'), "-o", env.root / "out"]


# ======================================================================================
# building: building files and their weather
# ======================================================================================


def _building(id: str, old: str, new: str, *expect: Fragment, options: tuple = ()) -> None:
    """``building`` of the example house with ``old`` replaced by ``new``."""
    @case(f"building-{id}", "house.toml", *expect)
    def build(env):
        return ["building", edit(env.house(), old, new), *options]


_building("toml-syntax", "[ventilation]", "[ventilation", "line", "invalid TOML")
_building("unknown-key", "room_height = 2.5", "room_heigth = 2.5", "key 'building.room_heigth'",
          "did you mean 'room_height'")
_building("unknown-section", "[building]", "[bilding]", "key 'bilding'", "did you mean 'building'")
_building("unknown-array", "[[opaque]]", "[[opaqe]]", "key 'opaqe'", "did you mean 'opaque'")
_building("negative-area", "floor_area = 117.3", "floor_area = -117.3", "key 'building.floor_area'", "got -117.3")
_building("missing-key", "floor_area = 117.3", "# floor area unknown", "key 'building.floor_area'",
          "required key is missing")
_building("u-value-text", "u = 0.3                       # [W/(m2 K)] TABULA U_Actual_Wall_1", 'u = "low"',
          "key 'opaque[1].u'", "got 'low'")
_building("window-in-unknown-element", 'in = "wall_1"', 'in = "wall_9"', "key 'window[1].in'", "'wall_9'", "'wall_1'")
_building("duplicate-element", 'name = "wall_2"', 'name = "wall_1"', "key 'opaque[2].name'", "'wall_1'")
_building("window-larger-than-wall", "area = 15.6", "area = 150.6", "key 'window[3].area'", "got 150.6", "94.3")
_building("setpoints-crossed", "cooling_setpoint = 26.0", "cooling_setpoint = 16.0", "key 'building.heating_setpoint'",
          "cooling_setpoint")
_building("tilt-out-of-range", "tilt = 90.0                   # [deg] vertical", "tilt = 190.0",
          "key 'window[1].tilt'", "got 190.0", "180")
_building("g-value-out-of-range", "g = 0.76                      # [1]", "g = 1.76", "key 'window[1].g'", "got 1.76")
_building("infiltration-negative", "infiltration = 0.4", "infiltration = -0.4", "key 'ventilation.infiltration'",
          "got -0.4")
_building("heat-recovery-too-high", "heat_recovery = 0.0", "heat_recovery = 2.0", "key 'ventilation.heat_recovery'",
          "got 2.0", "0.95")
_building("weather-file-missing", '# file = "my_weather.epw"', 'file = "my_weather.epw"', "key 'weather.file'",
          "my_weather.epw", "not found")


@case("building-not-utf8", "house.toml", "UTF-8")
def _(env):
    house = env.house()
    house.write_bytes(house.read_bytes() + "\n# café\n".encode("latin-1"))
    return ["building", house]


@case("building-file-missing", "nope.toml", "not found")
def _(env):
    env.root.mkdir(parents=True)
    return ["building", env.root / "nope.toml", "--json"]


@case("building-weather-option-missing", ("none.epw", "--weather"), "not found")
def _(env):
    return ["building", env.house(), "--weather", env.root / "none.epw"]


@case("building-weather-option-bad", "w.epw", "EPW")
def _(env):
    return ["building", env.house(), "--weather", env.write("w.epw", "garbage\n")]


@case("building-weather-option-short", "w.csv", "8760")
def _(env):
    text = REFERENCE_WEATHER.read_text(encoding="utf-8")
    return ["building", env.house(), "--weather", env.write("w.csv", "\n".join(text.splitlines()[:100]) + "\n")]


# ======================================================================================
# supply: the district-heating dispatch of one scenario
# ======================================================================================


@case("supply-no-network", "baseline.toml", "key 'supply.district_heating.mode'", "'factor'", "'dispatch'")
def _(env):
    return ["supply", env.small(), "-o", env.root / "out"]


@case("supply-year-not-simulated", ("--year", "baseline.toml"), "2040", "2014")
def _(env):
    return ["supply", env.district() / "baseline.toml", "--year", "2040", "-o", env.root / "out"]


@case("supply-year-negative", ("--year", "baseline.toml"), "-5", "2014")
def _(env):
    return ["supply", env.district() / "baseline.toml", "--year", "-5"]


@case("supply-scenario-missing", "none.toml", "not found")
def _(env):
    env.root.mkdir(parents=True)
    return ["supply", env.root / "none.toml", "-o", env.root / "out"]


@case("supply-bad-scenario", "bad.toml", "key 'scenario.colour'")
def _(env):
    return ["supply", env.child('colour = "red"\n'), "-o", env.root / "out"]


@case("supply-bad-units-table", "units.csv", "line 2", "column 'kind'", "'fusion'")
def _(env):
    folder = env.district()
    edit(folder / "district_heating" / "units.csv", ",chp,existing,1998,", ",fusion,existing,1998,")
    return ["supply", folder / "lighthouse.toml", "--year", "2030", "-o", env.root / "out"]


@case("supply-output-is-a-file", "afile", "file")
def _(env):
    env.write("afile", "keep")
    return ["supply", env.district() / "baseline.toml", "-o", env.root / "afile"]


@case("supply-output-exists", "supply.csv", "--force")
def _(env):
    # refused before the dispatch runs; nothing (not even a log file) is added to the folder
    env.write("out/supply.csv", "keep")
    return ["supply", env.district() / "baseline.toml", "-o", env.root / "out"]


@case("supply-figures-name-taken", "figures", "-o")
def _(env):
    env.write("out/figures", "keep")
    return ["supply", env.district() / "baseline.toml", "-o", env.root / "out"]


# ======================================================================================
# bbr: extracts of the building register
# ======================================================================================


def _bbr(id: str, change: Callable[[Path], object], *expect: Fragment, where: str = "extract.csv",
         options: tuple = ()) -> None:
    """``bbr`` of the small extract after ``change(extract)``; writes (would write) ``buildings.csv``."""
    @case(f"bbr-{id}", where, *expect)
    def build(env):
        extract = env.extract()
        change(extract)
        return ["bbr", extract, "-o", env.root / "buildings.csv", *options]


def _extract(old: str, new: str) -> Callable[[Path], object]:
    return lambda path: edit(path, old, new)


_bbr("year-text", _extract("sfh-1975-dh,120,1975,", "sfh-1975-dh,120,19x5,"), "line 2",
     "column 'byg026Opførelsesår'", "'19x5'")
_bbr("year-after-2100", _extract("sfh-1975-dh,120,1975,", "sfh-1975-dh,120,2975,"), "line 2",
     "column 'byg026Opførelsesår'", "2975", "2100")
_bbr("area-text", _extract("sfh-1975-dh,120,1975,138,", "sfh-1975-dh,120,1975,big,"), "line 2",
     "column 'byg038SamletBygningsareal'", "'big'")
_bbr("duplicate-id", _extract("sfh-1967-gas,", "sfh-1975-dh,"), "line 3", "column 'id_lokalId'", "'sfh-1975-dh'")
_bbr("missing-column", _extract("byg026Opførelsesår", "byg999Foo"), "column 'byg026Opførelsesår'", "missing")
_bbr("duplicate-field", _extract("byg058SupplerendeVarme", "byg026_opfoerelsesaar"), "column 'byg026_opfoerelsesaar'",
     "byg026Opførelsesår")
_bbr("heating-code", _extract("sfh-1975-dh,120,1975,138,138,0,138,1,1,", "sfh-1975-dh,120,1975,138,138,0,138,1,77,"),
     "line 2", "column 'byg056Varmeinstallation'", "'77'", "Fjernvarme")
_bbr("medium-code", _extract("180,180,,180,1,2,7,2", "180,180,,180,1,2,77,2"), "line 3",
     "column 'byg057Opvarmningsmiddel'", "'77'")
_bbr("supplementary-code", _extract("180,180,,180,1,2,7,2", "180,180,,180,1,2,7,77"), "line 3",
     "column 'byg058SupplerendeVarme'", "'77'")
_bbr("negative-storeys", _extract("180,180,,180,1,2,7,2", "180,180,,180,-1,2,7,2"), "line 3",
     "column 'byg054AntalEtager'", "'-1'")
_bbr("extra-cells", _extract("sfh-1975-dh,120,1975,138,138,0,138,1,1,,0",
                            "sfh-1975-dh,120,1975,138,138,0,138,1,1,,0,5,6"), "line 2", "13", "11")
_bbr("empty", lambda path: path.write_text("", encoding="utf-8"), "empty")
_bbr("no-building", lambda path: path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n",
                                                 encoding="utf-8"), "no building")
_bbr("default-heating", lambda path: None, "'fusion'", "district_heating", where="--default-heating",
     options=("--default-heating", "fusion"))


@case("bbr-extract-missing", "none.csv", "not found")
def _(env):
    env.root.mkdir(parents=True)
    return ["bbr", env.root / "none.csv", "-o", env.root / "buildings.csv"]


@case("bbr-extract-is-a-folder", "extracts", "folder")
def _(env):
    (env.root / "extracts").mkdir(parents=True)
    return ["bbr", env.root / "extracts", "-o", env.root / "buildings.csv"]


@case("bbr-output-exists", "buildings.csv", "--force")
def _(env):
    env.write("buildings.csv", "keep")
    return ["bbr", env.extract(), "-o", env.root / "buildings.csv"]


@case("bbr-output-is-a-folder", "tables", "folder", "-o")
def _(env):
    (env.root / "tables").mkdir(parents=True)
    return ["bbr", env.extract(), "-o", env.root / "tables"]


@case("bbr-output-under-a-file", "afile", "file")
def _(env):
    env.write("afile", "keep")
    return ["bbr", env.extract(), "-o", env.root / "afile" / "buildings.csv"]


@case("bbr-output-name-too-long", "bbbbb", regex(r"too long|cannot"))
def _(env):
    return ["bbr", env.extract(), "-o", env.root / ("b" * 300 + ".csv")]


@case("bbr-output-folder-read-only", "/sys/buildings.csv", regex(r"[Pp]ermission denied"))
def _(env):
    # sysfs refuses new files even to root (file permissions would not stop root)
    return ["bbr", env.extract(), "-o", "/sys/buildings.csv"]


# ======================================================================================
# assign: TNTP networks, trip tables and options
# ======================================================================================


def _assign(id: str, file: str, old: str, new: str, *expect: Fragment) -> None:
    """``assign`` of Sioux Falls with ``old`` replaced by ``new`` in ``net.tntp`` or ``trips.tntp``."""
    @case(f"assign-{id}", file, *expect)
    def build(env):
        net, trips = env.tntp()
        edit(env.root / file, old, new)
        return ["assign", net, trips, "--max-iter", "5", "-o", env.root / "flows.csv"]


_assign("network-no-end-of-metadata", "net.tntp", "<END OF METADATA>", "<END>", "line 10", "END OF METADATA")
_assign("network-nodes-text", "net.tntp", "<NUMBER OF NODES> 24", "<NUMBER OF NODES> many", "line 2",
        "<NUMBER OF NODES>", "'many'")
_assign("network-nodes-missing", "net.tntp", "<NUMBER OF NODES> 24", "", "<NUMBER OF NODES>", "missing")
_assign("network-more-zones-than-nodes", "net.tntp", "<NUMBER OF ZONES> 24", "<NUMBER OF ZONES> 30", "line 1",
        "<NUMBER OF ZONES>", "30")
_assign("network-short-link-line", "net.tntp", "\t1\t2\t25900.20064\t6\t6\t0.15\t4\t0\t0\t1\t;",
        "\t1\t2\t25900.20064\t6\t;", "line 10", "10 columns")
_assign("network-link-text", "net.tntp", "\t1\t2\t25900.20064\t", "\t1\t2\tbig\t", "line 10", "numbers", "big")
_assign("network-link-unknown-node", "net.tntp", "\t1\t2\t25900.20064\t", "\t1\t99\t25900.20064\t", "line 10",
        "term_node", "99", "24")
_assign("network-link-zero-capacity", "net.tntp", "\t1\t2\t25900.20064\t", "\t1\t2\t0\t", "line 10",
        "column 'capacity'", "got 0")
_assign("network-link-count", "net.tntp", "<NUMBER OF LINKS> 76", "<NUMBER OF LINKS> 77", "line 4", "77", "76")
_assign("trips-zone-count", "trips.tntp", "<NUMBER OF ZONES> 24", "<NUMBER OF ZONES> 23", "line 1", "got 23", "24")
_assign("trips-unknown-origin", "trips.tntp", "Origin \t1 ", "Origin \t99 ", "line 6", "origin", "got 99")
_assign("trips-unknown-destination", "trips.tntp", "    2 :    100.0;", "   99 :    100.0;", "line 7", "destination",
        "got 99")
_assign("trips-negative", "trips.tntp", "    2 :    100.0;", "    2 :   -100.0;", "line 7", "negative", "-100")
_assign("trips-bad-pair", "trips.tntp", "    2 :    100.0;", "    2 =    100.0;", "line 7", "destination : trips")
_assign("trips-total-differs", "trips.tntp", "<TOTAL OD FLOW> 360600.0", "<TOTAL OD FLOW> 1.0", "line 2",
        "<TOTAL OD FLOW>", "360600")
_assign("trips-total-text", "trips.tntp", "<TOTAL OD FLOW> 360600.0", "<TOTAL OD FLOW> lots", "line 2",
        "<TOTAL OD FLOW>", "'lots'")
_assign("trips-pairs-before-origin", "trips.tntp", "Origin \t1 \n", "", "line 6", "Origin")
_assign("trips-pair-twice", "trips.tntp", "    2 :    100.0;", "    2 :    100.0;    2 :    100.0;", "line 7",
        "second entry", "zone 1 to zone 2")


@case("assign-network-unreachable-zones", ("net.tntp", "trips.tntp"), "no path", "zone 1")
def _(env):
    # no zone may be passed through: every pair of zones with demand is disconnected
    net, trips = env.tntp()
    edit(net, "<FIRST THRU NODE> 1", "<FIRST THRU NODE> 25")
    return ["assign", net, trips, "--max-iter", "5", "-o", env.root / "flows.csv"]


def _assign_option(id: str, option: str, value: str, *expect: Fragment) -> None:
    @case(f"assign-{id}", option, value, *expect)
    def build(env):
        net, trips = env.tntp()
        return ["assign", net, trips, option, value, "-o", env.root / "flows.csv"]


_assign_option("gap-negative", "--gap", "-1", ">= 0")
_assign_option("gap-nan", "--gap", "nan", ">= 0")
_assign_option("gap-infinite", "--gap", "inf", ">= 0")
_assign_option("max-iter-zero", "--max-iter", "0", ">= 1")
_assign_option("toll-factor-negative", "--toll-factor", "-2", ">= 0")
_assign_option("distance-factor-nan", "--distance-factor", "nan", ">= 0")


@case("assign-network-missing", "none_net.tntp", regex(r"not found|No such file"))
def _(env):
    _, trips = env.tntp()
    return ["assign", env.root / "none_net.tntp", trips]


@case("assign-trips-missing", "none_trips.tntp", regex(r"not found|No such file"))
def _(env):
    net, _ = env.tntp()
    return ["assign", net, env.root / "none_trips.tntp"]


@case("assign-network-binary", "net.tntp", "line 1")
def _(env):
    net, trips = env.tntp()
    net.write_bytes(b"\x00\xff" * 50)
    return ["assign", net, trips]


@case("assign-output-exists", "flows.csv", "--force")
def _(env):
    net, trips = env.tntp()
    env.write("flows.csv", "keep")
    return ["assign", net, trips, "--max-iter", "5", "-o", env.root / "flows.csv"]


@case("assign-output-is-a-folder", "flows", "folder", "-o")
def _(env):
    net, trips = env.tntp()
    (env.root / "flows").mkdir()
    return ["assign", net, trips, "--max-iter", "5", "-o", env.root / "flows"]


@case("assign-output-under-a-file", "afile", "file")
def _(env):
    net, trips = env.tntp()
    env.write("afile", "keep")
    return ["assign", net, trips, "--max-iter", "5", "-o", env.root / "afile" / "flows.csv"]


# ======================================================================================
# kpi, compare, report: results files, scenario files and options
# ======================================================================================


def _renamed_results(env: Env, name: str = "other.nc") -> Path:
    """A copy of the shared results whose scenarios are 'a' and 'b' (no 'baseline')."""
    import xarray as xr

    with xr.open_dataset(env.results) as ds:
        copy = ds.load().assign_coords(scenario=["a", "b"])
    path = env.root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    copy.to_netcdf(path)
    return path


def _bad_results(env: Env, kind: str) -> Path:
    env.root.mkdir(parents=True, exist_ok=True)
    if kind == "missing":
        return env.root / "missing.nc"
    if kind == "broken":
        return env.write("broken.nc", b"not netcdf")
    if kind == "empty":
        return env.write("empty.nc", b"")
    if kind == "foreign":
        import xarray as xr

        xr.Dataset({"x": ("t", [1.0, 2.0])}).to_netcdf(env.root / "foreign.nc")
        return env.root / "foreign.nc"
    if kind == "folder":
        (env.root / "runs").mkdir()
        return env.root / "runs"
    if kind == "csv":
        return env.write("table.csv", "a,b\n1,2\n")
    if kind == "toml":
        env.small()
        return env.write("small/broken.toml", "[scenario\n")
    raise AssertionError(kind)


_RESULT_INPUTS = {
    "missing": ("missing.nc", "no such file"),
    "broken": ("broken.nc", "not a readable results file"),
    "empty": ("empty.nc", "not a readable results file"),
    "foreign": ("foreign.nc", "not a smartcity results file"),
    "folder": ("runs", "results.nc"),
    "csv": ("table.csv", ".nc"),
    "toml": ("broken.toml", "invalid TOML"),
}

for _kind, (_where, _expect) in _RESULT_INPUTS.items():
    for _command in ("kpi", "compare", "report"):
        if _command != "kpi" and _kind in ("empty", "csv"):
            continue  # the same reader as kpi's: two representatives suffice

        @case(f"{_command}-input-{_kind}", _where, _expect)
        def _(env, _kind=_kind, _command=_command):
            out = ["-o", env.root / ("report" if _command == "report" else "table.md")]
            return [_command, _bad_results(env, _kind), *out]


def _table_option(command: str, id: str, options: tuple, where: str | tuple, *expect: Fragment,
                  setup: Callable[[Env], object] | None = None) -> None:
    """``kpi`` or ``compare`` of the shared results with bad ``options`` ({tmp} is the case's folder)."""
    @case(f"{command}-{id}", where, *expect)
    def build(env):
        env.root.mkdir(parents=True, exist_ok=True)
        if setup is not None:
            setup(env)
        return [command, env.results, *[str(o).replace("{tmp}", str(env.root)) for o in options]]


for _command in ("kpi", "compare"):
    _table_option(_command, "format-unknown", ("--format", "docx"), "docx", "csv", "xlsx")
    _table_option(_command, "suffix-unknown", ("-o", "{tmp}/table.pdf"), "table.pdf", "'.pdf'", "--format")
    _table_option(_command, "xlsx-to-screen", ("--format", "xlsx"), "-o", "xlsx")
    _table_option(_command, "output-exists", ("-o", "{tmp}/table.csv"), "table.csv", "--force",
                  setup=lambda env: env.write("table.csv", "keep"))
    _table_option(_command, "output-is-a-folder", ("--format", "csv", "-o", "{tmp}/tables"), "tables", "folder",
                  setup=lambda env: (env.root / "tables").mkdir())
    _table_option(_command, "output-under-a-file", ("-o", "{tmp}/afile/table.csv"), "afile", "file",
                  setup=lambda env: env.write("afile", "keep"))
    # a format that contradicts the file's suffix is refused, not written under the wrong name
    _table_option(_command, "format-contradicts-suffix", ("--format", "csv", "-o", "{tmp}/table.md"),
                  ("table.md", "--format"), regex(r"csv.*md|md.*csv|suffix"))
    _table_option(_command, "baseline-unknown", ("--baseline", "nobody"), "--baseline", "nobody",
                  "baseline", "lighthouse")

_table_option("kpi", "years-not-simulated", ("--years", "2014"), "--years", "2014", "2015-2017")
_table_option("kpi", "years-text", ("--years", "20x0"), "--years", "'20x0'")
_table_option("kpi", "years-empty", ("--years", ""), "--years", "''")
_table_option("kpi", "years-out-of-range", ("--years", "1800"), "--years", "1800")
_table_option("compare", "year-out-of-range", ("--year", "1800"), "--year", "1800", regex(r"--year\b"),
              regex(r"\b(1[0-9]{3}|2[0-9]{3}) ?(-|–|\.\.|to|and) ?(1[0-9]{3}|2[0-9]{3})\b"))
_table_option("compare", "year-not-simulated", ("--year", "2030"), "--year", "2030", "2015-2017", regex(r"--year\b"))
_table_option("compare", "two-years", ("--year", "2015,2016"), "--year", "one year")
_table_option("compare", "year-text", ("--year", "last"), "--year", "'last'")


@case("kpi-point-not-in-store", ("--point", "lhs.zarr"), "5")
def _(env):
    return ["kpi", env.lhs_store, "--point", "5"]


@case("kpi-store-and-results", ("OUT.zarr", "saltelli.zarr", "results.nc"), "one sweep store")
def _(env):
    return ["kpi", env.store, env.results]


@case("kpi-years-not-in-store", ("--years", "lhs.zarr"), "2030", "2015-2017")
def _(env):
    return ["kpi", env.lhs_store, "--years", "2030"]


@case("report-output-is-a-file", "afile", "file", "-o")
def _(env):
    env.write("afile", "keep")
    return ["report", env.results, "-o", env.root / "afile"]


@case("report-exists", "report.html", "--force")
def _(env):
    # refused at once; no figures and no log file are added to the folder
    env.write("rep/report.html", "keep")
    return ["report", env.results, "-o", env.root / "rep"]


@case("report-default-folder-exists", "report.html", "--force")
def _(env):
    # without -o the report goes to ./report, which holds one already
    env.write("report/report.html", "keep")
    return ["report", env.results]


@case("report-scenario-unknown", "--scenario", "nope", "baseline", "lighthouse")
def _(env):
    return ["report", env.results, "-o", env.root / "rep", "--scenario", "nope"]


@case("report-baseline-unknown", "--baseline", "nobody", "lighthouse")
def _(env):
    return ["report", env.results, "-o", env.root / "rep", "--baseline", "nobody"]


@case("report-sweep-missing", "none.zarr", "Zarr")
def _(env):
    return ["report", env.results, "-o", env.root / "rep", "--sweep", env.root / "none.zarr"]


@case("report-sweep-not-a-store", "notes", "Zarr")
def _(env):
    (env.root / "notes").mkdir(parents=True)
    return ["report", env.results, "-o", env.root / "rep", "--sweep", env.root / "notes"]


# ======================================================================================
# sensitivity: sweep stores and options
# ======================================================================================


@case("sensitivity-store-missing", "none.zarr", "Zarr")
def _(env):
    env.root.mkdir(parents=True)
    return ["sensitivity", env.root / "none.zarr"]


@case("sensitivity-not-a-store", "notes", "Zarr")
def _(env):
    (env.root / "notes").mkdir(parents=True)
    return ["sensitivity", env.root / "notes"]


@case("sensitivity-results-file", "results.nc", "Zarr")
def _(env):
    return ["sensitivity", env.results]


@case("sensitivity-broken-store", "broken.zarr", "damaged")
def _(env):
    env.write("broken.zarr/zarr.json", "{broken")
    return ["sensitivity", env.root / "broken.zarr"]


@case("sensitivity-not-saltelli", "lhs.zarr", "saltelli")
def _(env):
    return ["sensitivity", env.lhs_store]


def _sensitivity(id: str, options: tuple, where: str | tuple, *expect: Fragment,
                 setup: Callable[[Env], object] | None = None) -> None:
    @case(f"sensitivity-{id}", where, *expect)
    def build(env):
        env.root.mkdir(parents=True, exist_ok=True)
        if setup is not None:
            setup(env)
        return ["sensitivity", env.store, *[str(o).replace("{tmp}", str(env.root)) for o in options]]


_sensitivity("kpi-unknown", ("--kpi", "nonsense"), ("--kpi", "saltelli.zarr"), "'nonsense'", "co2_total")
_sensitivity("one-of-two-kpis-unknown", ("--kpi", "nonsense", "--kpi", "co2_total"), ("--kpi", "saltelli.zarr"),
             "'nonsense'")
_sensitivity("year-not-in-store", ("--year", "2030"), ("--year", "saltelli.zarr"), "2030", "2015-2017")
_sensitivity("year-out-of-range", ("--year", "1800"), ("--year", "saltelli.zarr"), "1800", "2015-2017")
_sensitivity("scenario-unknown", ("--scenario", "nope"), ("--scenario", "saltelli.zarr"), "'nope'", "uncertain")
_sensitivity("point-not-in-store", ("--point", "3"), ("--point", "saltelli.zarr"), "3")
_sensitivity("point-negative", ("--point", "-1"), ("--point", "saltelli.zarr"), "-1")
_sensitivity("top-zero", ("--top", "0"), "--top", "got 0", "1")
_sensitivity("output-exists", ("-o", "{tmp}/s.csv"), "s.csv", "--force", setup=lambda env: env.write("s.csv", "keep"))
_sensitivity("output-under-a-file", ("-o", "{tmp}/afile/s.csv"), "afile", "file",
             setup=lambda env: env.write("afile", "keep"))
_sensitivity("output-is-a-folder", ("-o", "{tmp}/tables", "--force"), "tables", "folder",
             setup=lambda env: (env.root / "tables").mkdir())


# ======================================================================================
# sweep: options, grids, scenarios and stores
# ======================================================================================


def _sweep(id: str, options: tuple, where: str | tuple, *expect: Fragment, scenario: str = "small",
           setup: Callable[[Env], object] | None = None) -> None:
    """``sweep`` of a scenario of the small district into ``{tmp}/out.zarr`` with ``options``."""
    @case(f"sweep-{id}", where, *expect)
    def build(env):
        if scenario == "small":
            path = env.small()
        elif scenario == "uncertain":
            path = edit(env.small(), "[buildings]", FEEDBACK + "\n[buildings]")
        else:
            path = env.child(scenario)
        if setup is not None:
            setup(env)
        options_ = [str(o).replace("{tmp}", str(env.root)) for o in options]
        return ["sweep", path, *options_, *([] if "-o" in options else ["-o", env.root / "out.zarr"])]


_sweep("workers-zero", ("--workers", "0"), "--workers", "got 0", "1")
_sweep("samples-negative", ("--samples", "-1"), "--samples", "got -1", "0")
_sweep("samples-without-uncertain-inputs", ("--samples", "4"), ("baseline.toml", "--samples"), "'small'",
       "distribution")
_sweep("saltelli-not-power-of-two", ("--samples", "3", "--design", "saltelli"), "--samples", "got 3", "power of 2",
       scenario="uncertain")
_sweep("grid-not-an-option", ("--grid", "nokey"), "--grid", "'nokey'", "KEY=V1,V2")
_sweep("grid-no-values", ("--grid", "weather.ground_albedo="), ("--grid", "weather.ground_albedo"), "empty")
_sweep("grid-empty-value", ("--grid", "weather.ground_albedo=0.1,,0.2"), ("--grid", "weather.ground_albedo"), "empty")
_sweep("grid-scale-by-text", ("--grid", "weather.ground_albedo*=x"), ("--grid", "weather.ground_albedo"), "'x'",
       "number")
_sweep("grid-value-repeats", ("--grid", "weather.ground_albedo=0.1,0.1"), ("--grid", "weather.ground_albedo"),
       "repeats")
_sweep("grid-not-finite", ("--grid", "weather.ground_albedo=inf"), ("--grid", "weather.ground_albedo"), "'inf'",
       "finite")
_sweep("grid-key-twice", ("--grid", "weather.ground_albedo=0.1", "--grid", "weather.ground_albedo=0.2"),
       ("--grid", "weather.ground_albedo"), "two")
_sweep("grid-unknown-key", ("--grid", "weather.ground_albdo=0.1,0.2"), "baseline.toml", "key 'weather.ground_albdo'",
       "did you mean 'ground_albedo'")
_sweep("grid-value-out-of-range", ("--grid", "weather.ground_albedo=0.1,1.5"), "baseline.toml",
       "key 'weather.ground_albedo'", "got 1.5", "<= 1")
# a value of the wrong type is refused when the sweep is planned, not task by task
_sweep("grid-integer-key-text", ("--grid", "scenario.seed=1,abc"), "baseline.toml", "key 'scenario.seed'", "'abc'",
       "integer")
_sweep("grid-hours-text", ("--grid", "buildings.warmup_hours=abc"), "baseline.toml", "key 'buildings.warmup_hours'",
       "'abc'")
_sweep("grid-quantity-text", ("--grid", "weather.ground_albedo=abc"), "baseline.toml", "key 'weather.ground_albedo'",
       "'abc'")
_sweep("grid-name-number", ("--grid", "scenario.name=1,2"), "baseline.toml", "key 'scenario.name'", "1")
_sweep("grid-trajectory-set", ("--grid", "supply.electricity.emission_factor=100"), "baseline.toml",
       "key 'supply.electricity.emission_factor'", "*=")
_sweep("grid-table", ("--grid", "supply.electricity=1"), "baseline.toml", "key 'supply.electricity'", "table")
_sweep("grid-scale-text", ("--grid", "scenario.name*=2"), "baseline.toml", "key 'scenario.name'", "'small'")
_sweep("grid-also-sampled", ("--samples", "2", "--grid", "measures.feedback.heat_saving_share=2,4"), "baseline.toml",
       "key 'measures.feedback.heat_saving_share'", "uncertain", scenario="uncertain")
# a misspelt scale-factor key names the key, it does not echo the whole resolved scenario
_sweep("grid-scale-factor-key-misspelt", ("--grid", "uncertainty.f.key=weather.ground_albdo"), "bad.toml",
       "key 'uncertainty.f.key'", "ground_albdo", scenario=ALBEDO_FACTOR)
_sweep("grid-unknown-scale-factor", ("--grid", "uncertainty.g.scale=2"), "bad.toml", "key 'uncertainty.g.scale'",
       "f", scenario=ALBEDO_FACTOR)
_sweep("output-is-a-file", ("-o", "{tmp}/afile"), "afile", "Zarr", setup=lambda env: env.write("afile", "keep"))
_sweep("output-folder-not-a-store", ("-o", "{tmp}/notes"), "notes", "Zarr",
       setup=lambda env: env.write("notes/a.txt", "keep"))
_sweep("scheduler-address", ("--scheduler", "nonsense"), "--scheduler", "nonsense")


@case("sweep-no-scenario", "--summary", "scenario")
def _(env):
    env.root.mkdir(parents=True)
    return ["sweep", "-o", env.root / "out.zarr"]


@case("sweep-scenario-missing", "none.toml", "not found")
def _(env):
    env.root.mkdir(parents=True)
    return ["sweep", env.root / "none.toml", "-o", env.root / "out.zarr"]


@case("sweep-scenario-broken", "bad.toml", "line 1", "invalid TOML")
def _(env):
    return ["sweep", env.write("bad.toml", "[scenario\n"), "-o", env.root / "out.zarr"]


@case("sweep-same-scenario-twice", "baseline.toml", "key 'scenario.name'", "'small'")
def _(env):
    return ["sweep", env.small(), env.small(), "-o", env.root / "out.zarr"]


@case("sweep-store-of-another-sweep", "saltelli.zarr", "--force")
def _(env):
    # the shared store holds another sweep: refused, and the store is left as it is
    return ["sweep", env.small(), "-o", env.store]


@case("sweep-summary-missing", "none.zarr", "Zarr")
def _(env):
    env.root.mkdir(parents=True)
    return ["sweep", "--summary", "-o", env.root / "none.zarr"]


@case("sweep-summary-broken", "broken.zarr", "damaged")
def _(env):
    env.write("broken.zarr/zarr.json", "{broken")
    return ["sweep", "--summary", "-o", env.root / "broken.zarr"]


# ======================================================================================
# monitor: meter readings, meter maps, measured weather, periods, the plan
# ======================================================================================


def _monitor(id: str, where: str | tuple, *expect: Fragment, options: tuple = (), absent: tuple[str, ...] = (),
             extra: dict[str, str] | None = None, **files) -> None:
    """``monitor`` of the shared results with measured data (``files``: the texts that differ from the
    usable ones; ``extra``: more files by name, e.g. traffic counts)."""
    @case(f"monitor-{id}", where, *expect, absent=absent)
    def build(env):
        argv = env.monitoring(**files)
        for name, text in (extra or {}).items():
            env.write(name, text)
        return [*argv, *[str(o).replace("{tmp}", str(env.root)) for o in options], "-o", env.root / "report"]


def _text(base: str, old: str, new: str) -> str:
    assert old in base, old
    return base.replace(old, new, 1)


_monitor("meters-bad-date", "meters.csv", "line 2", "column 'start'", "'2021-13-01'",
         meters=_text(METERS, "2021-01-01,2021-01-02", "2021-13-01,2021-01-02"))
_monitor("meters-carrier", "meters.csv", "line 2", "column 'carrier'", "'steam'", "'district_heat'",
         meters=_text(METERS, "district_heat", "steam"))
_monitor("meters-unit", "meters.csv", "line 2", "column 'unit'", "'kW'", "'kWh'",
         meters=_text(METERS, ",5,kWh", ",5,kW"))
_monitor("meters-value-text", "meters.csv", "line 2", "column 'value'", "'five'",
         meters=_text(METERS, ",5,kWh", ",five,kWh"))
_monitor("meters-all-negative", "meters.csv", "no usable", "negative",
         meters=METERS.replace(",5,kWh", ",-5,kWh").replace(",6,kWh", ",-6,kWh"))
_monitor("meters-missing-column", "meters.csv", "column 'end'", "missing",
         meters="meter_id,carrier,start,value,unit\nM1,district_heat,2021-01-01,5,kWh\n")
_monitor("meters-empty", "meters.csv", "empty", meters="")
_monitor("meters-no-rows", "meters.csv", "no data rows", meters=METERS.splitlines()[0] + "\n")
_monitor("meters-empty-id", "meters.csv", "line 2", "column 'meter_id'",
         meters=_text(METERS, "M1,district_heat,2021-01-01", ",district_heat,2021-01-01"))
_monitor("meters-semicolons", "meters.csv", "line 1", "';'", meters=METERS.replace(",", ";"))
_monitor("meters-unsupported-format", "meters.xlsx", "'.xlsx'", meters_name="meters.xlsx")
_monitor("meters-id-very-long", "meters.csv", "no usable", absent=("m" * 100,),
         meters=METERS.replace("M1,", "m" * 300 + ",").replace(",5,kWh", ",-5,kWh").replace(",6,kWh", ",-6,kWh"))
_monitor("weather-out-of-range", "weather.csv", "line 2", "column 'temperature_C'", "got 300",
         weather=_text(MEASURED, "3.0", "300.0"))
_monitor("weather-bad-time", "weather.csv", "line 2", "column 'time'", "'yesterday'",
         weather=_text(MEASURED, "2021-01-01,", "yesterday,"))
_monitor("weather-dates-and-times", "weather.csv", "line 3", "column 'time'", "mixed",
         weather=_text(MEASURED, "2021-01-02,", "2021-01-02T12:00,"))
_monitor("weather-unknown-type", "weather.txt", "'.txt'", weather_name="weather.txt")
_monitor("weather-unknown-column", "weather.csv", "column 'temp'", "temperature_C", weather="time,temp\n2021-01-01,3\n")
_monitor("weather-empty", "weather.csv", "empty", weather="")
_monitor("weather-epw-garbage", "w.epw", "EPW", weather="garbage\n", weather_name="w.epw")
_monitor("map-unknown-building", "map.csv", "line 2", "column 'building_id'", "'castle'",
         options=("--map", "{tmp}/map.csv"), meter_map=_text(METER_MAP, "block_1970", "castle"))
_monitor("map-neither-building-nor-group", "map.csv", "line 2", "column 'building_id'",
         options=("--map", "{tmp}/map.csv"), meter_map=_text(METER_MAP, "M1,block_1970,", "M1,,"))
_monitor("map-share-out-of-range", "map.csv", "line 2", "column 'share'", "got 1.5",
         options=("--map", "{tmp}/map.csv"), meter_map=_text(METER_MAP, ",reno,1", ",reno,1.5"))
_monitor("map-shares-above-one", "map.csv", "line 3", "column 'share'", "'M1'",
         options=("--map", "{tmp}/map.csv"), meter_map=METER_MAP + "M1,house_1965,,reno,0.6\n")
_monitor("map-same-meter-twice", "map.csv", "line 3", "column 'meter_id'", "'M1'",
         options=("--map", "{tmp}/map.csv"),
         meter_map=_text(METER_MAP, ",reno,1", ",reno,0.4") + "M1,block_1970,,reno,0.4\n")
_monitor("map-unknown-column", "map.csv", "column 'meter'", options=("--map", "{tmp}/map.csv"),
         meter_map="meter,building_id\nM1,block_1970\n")
_monitor("map-missing", "nomap.csv", "not found", options=("--map", "{tmp}/nomap.csv"))
_monitor("typical-year-missing", "none.csv", "not found", options=("--typical-year", "{tmp}/none.csv"))
_monitor("typical-year-short", "weather.csv", "365", options=("--typical-year", "{tmp}/weather.csv"))
_monitor("baseline-not-a-period", "--baseline", "'2016'", "START:END", options=("--baseline", "2016"))
_monitor("baseline-reversed", "--baseline", "2017-01-01", "2016-01-01", options=("--baseline", "2017-01-01:2016-01-01"))
_monitor("reporting-bad-date", "--reporting", "2020-13-01", options=("--reporting", "2020-01-01:2020-13-01"))
_monitor("confidence-above-one", "--confidence", "1.5", options=("--confidence", "1.5"))
_monitor("confidence-zero", "--confidence", "got 0", options=("--confidence", "0"))
_monitor("confidence-nan", "--confidence", "nan", options=("--confidence", "nan"))
_monitor("scenario-name-unknown", ("--scenario-name", "results.nc"), "'nope'", "lighthouse",
         options=("--scenario-name", "nope"))
_monitor("no-full-year-of-readings", ("--baseline", "meters.csv"), "'M1'", "full calendar year")
_monitor("counts-vehicle-class", "counts.csv", "line 2", "column 'vehicle_class'", "'tram'",
         options=("--counts", "{tmp}/counts.csv"),
         extra={"counts.csv": "from_node,to_node,vehicle_class,date,start,end,vehicles\n1,2,tram,2021-01-01,,,500\n"})
_monitor("counts-vehicles-text", "counts.csv", "line 2", "column 'vehicles'", "'many'",
         options=("--counts", "{tmp}/counts.csv"),
         extra={"counts.csv": "from_node,to_node,vehicle_class,date,start,end,vehicles\n1,2,all,2021-01-01,,,many\n"})
_monitor("ridership-day-type", "ridership.csv", "line 2", "column 'day_type'", "'holiday'",
         options=("--ridership", "{tmp}/ridership.csv"),
         extra={"ridership.csv": "line,day_type,date,start,end,boardings\n2,holiday,2021-01-01,,,500\n"})


@case("monitor-weather-missing-option", "--weather", "FILE")
def _(env):
    argv = env.monitoring()
    return argv[:-2] + ["-o", env.root / "report"]


@case("monitor-meters-missing", "none.csv", "not found")
def _(env):
    argv = env.monitoring()
    return [*argv[:3], env.root / "none.csv", *argv[4:], "-o", env.root / "report"]


@case("monitor-scenario-missing", "none.toml", "no such file")
def _(env):
    argv = env.monitoring()
    return ["monitor", env.root / "none.toml", *argv[2:], "-o", env.root / "report"]


@case("monitor-scenario-not-a-scenario", "meters.csv", ".toml")
def _(env):
    argv = env.monitoring()
    return ["monitor", env.root / "meters.csv", *argv[2:], "-o", env.root / "report"]


@case("monitor-results-broken", "broken.nc", "not a readable results file")
def _(env):
    argv = env.monitoring()
    return ["monitor", env.write("broken.nc", b"xx"), *argv[2:], "-o", env.root / "report"]


@case("monitor-results-without-baseline", ("other.nc", "--scenario-name"), "'baseline'")
def _(env):
    argv = env.monitoring()
    return ["monitor", _renamed_results(env), *argv[2:], "-o", env.root / "report"]


@case("monitor-scenario-extends-nothing", "baseline.toml", "extends")
def _(env):
    argv = env.monitoring()
    return ["monitor", env.small(), *argv[2:], "-o", env.root / "report"]


@case("monitor-scenario-bad", "bad.toml", "key 'scenario.colour'")
def _(env):
    argv = env.monitoring()
    return ["monitor", env.child('colour = "red"\n'), *argv[2:], "-o", env.root / "report"]


@case("monitor-output-is-a-file", "afile", "file", "-o")
def _(env):
    argv = env.monitoring()
    env.write("afile", "keep")
    return [*argv, "-o", env.root / "afile"]


@case("monitor-report-exists", "report.html", "--force")
def _(env):
    # refused before anything is computed; nothing (not even a log file) is added to the folder
    argv = env.monitoring()
    env.write("report/report.html", "keep")
    return [*argv, "-o", env.root / "report"]


@case("monitor-default-folder-exists", "report.html", "--force")
def _(env):
    # without -o the report goes to ./monitoring, which holds one already
    argv = env.monitoring()
    env.write("monitoring/report.html", "keep")
    return argv


# ======================================================================================
# monitor-demo: the output folder and the results it starts from
# ======================================================================================


@case("monitor-demo-output-is-a-file", "afile", "file", "-o")
def _(env):
    env.write("afile", "keep")
    return ["monitor-demo", "-o", env.root / "afile", "--results", env.results]


@case("monitor-demo-files-exist", "meters.csv", "--force")
def _(env):
    env.write("demo/meters.csv", "keep")
    return ["monitor-demo", "-o", env.root / "demo", "--results", env.results]


@case("monitor-demo-results-missing", "none.nc", "no such file")
def _(env):
    env.root.mkdir(parents=True)
    return ["monitor-demo", "-o", env.root / "demo", "--results", env.root / "none.nc"]


@case("monitor-demo-results-broken", "broken.nc", "not a readable results file")
def _(env):
    return ["monitor-demo", "-o", env.root / "demo", "--results", env.write("broken.nc", b"xx")]


@case("monitor-demo-results-without-baseline", "other.nc", "'baseline'")
def _(env):
    return ["monitor-demo", "-o", env.root / "demo", "--results", _renamed_results(env)]


@case("monitor-demo-seed-negative", "--seed", "-1")
def _(env):
    return ["monitor-demo", "-o", env.root / "demo", "--seed", "-1", "--results", env.results]


# ======================================================================================
# The test
# ======================================================================================


def _snapshot(roots: list[Path]) -> dict[str, tuple]:
    """Every file and folder under ``roots``: kind, size and modification time."""
    seen: dict[str, tuple] = {}
    for root in roots:
        if not root.exists():
            seen[str(root)] = ("absent",)
            continue
        for entry in [root, *root.rglob("*")]:
            st = entry.lstat()
            kind = "dir" if entry.is_dir() and not entry.is_symlink() else "file"
            seen[str(entry)] = (kind, st.st_mode, None if kind == "dir" else st.st_size, st.st_mtime_ns)
    return seen


def _changes(before: dict, after: dict) -> list[str]:
    out = [f"created {p}" for p in sorted(after.keys() - before.keys())]
    out += [f"removed {p}" for p in sorted(before.keys() - after.keys())]
    out += [f"changed {p}" for p in sorted(before.keys() & after.keys()) if before[p] != after[p]]
    return out


def _run_in_process(argv: list[str], capsys) -> tuple[object, str]:
    capsys.readouterr()
    try:
        status = main(argv)
    except SystemExit as exc:  # an argparse error: not a case of this module
        status = f"SystemExit({exc.code})"
    except Exception as exc:  # main must turn every error into a status: report what escaped
        status = f"exception escaped main(): {type(exc).__name__}: {exc}"
    return status, capsys.readouterr().err


def _limit_memory() -> None:  # pragma: no cover - runs in the child process
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (3 * 2**30, 3 * 2**30))


def _run_process(argv: list[str], cwd: Path, log_home: Path) -> tuple[object, str]:
    """The command as a real process: 20 s at most, 3 GiB of address space (so it cannot hang or eat the
    machine's memory)."""
    code = "import sys; from smartcity.cli import main; sys.exit(main(sys.argv[1:]))"
    env = {**os.environ, "XDG_CACHE_HOME": str(log_home), "PYTHONWARNINGS": "ignore"}
    try:
        proc = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, cwd=cwd, env=env,
                              timeout=20, preexec_fn=_limit_memory)
    except subprocess.TimeoutExpired as exc:
        return "timed out after 20 s", (exc.stderr or b"").decode(errors="replace") if isinstance(
            exc.stderr, bytes) else (exc.stderr or "")
    return proc.returncode, proc.stderr


def _stop(what: str):
    def stub(*args, **kwargs):
        raise AssertionError(f"{what} started: the bad input was not refused before it")
    return stub


@pytest.fixture
def no_models(monkeypatch):
    """Stubs for everything that takes long: a case that reaches one fails at once with exit status 1."""
    import smartcity.report
    import smartcity.run

    monkeypatch.setattr(smartcity.run, "run_scenarios", _stop("a simulation"))
    monkeypatch.setattr(smartcity.run._ScenarioModel, "simulate", _stop("a simulation"))
    monkeypatch.setattr(smartcity.report, "write_report", _stop("writing the report"))
    try:
        import distributed
    except ImportError:  # pragma: no cover - sweeps are then refused anyway
        return
    monkeypatch.setattr(distributed, "LocalCluster", _stop("the sweep's local cluster"))


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_exits_2_with_one_line_and_writes_nothing(case, tmp_path, request, capsys, monkeypatch, log_home):
    work = tmp_path / "work"
    env = Env(work, request)
    argv = [str(a) for a in case.build(env)]
    work.mkdir(exist_ok=True)
    monkeypatch.chdir(work)  # default outputs (./results, ./report, ./monitoring) land under the snapshot
    monkeypatch.setenv("XDG_CACHE_HOME", str(log_home))
    roots = [work, *env.shared]
    before = _snapshot(roots)
    if case.process:
        status, err = _run_process(argv, work, log_home)
    else:
        request.getfixturevalue("no_models")
        status, err = _run_in_process(argv, capsys)
    after = _snapshot(roots)

    shown = f"smartcity {' '.join(argv)}\nexit status {status}\nstderr:\n{err}"
    lines = [line for line in err.splitlines() if line.strip()]
    assert status == 2, shown
    assert "Traceback" not in err, shown
    assert len(lines) == 1, f"expected one line on stderr\n{shown}"
    line = lines[0]
    assert line.startswith("error: "), shown
    assert any(where in line for where in case.where), f"the line names none of {case.where}\n{shown}"
    for fragment in case.expect:
        if isinstance(fragment, re.Pattern):
            assert fragment.search(line), f"no match for /{fragment.pattern}/\n{shown}"
        else:
            assert fragment in line, f"{fragment!r} missing\n{shown}"
    for fragment in case.absent:
        assert fragment not in line, f"{fragment[:20]!r}... should not be in the line\n{shown}"
    assert len(line) <= MAX_LINE, f"line of {len(line)} characters\n{shown}"
    assert not re.search(r"\bnp\.(int|float|str_|bool_)\w*\(", line), f"a numpy repr instead of the value\n{shown}"
    changes = _changes(before, after)
    assert not changes, "files changed:\n  " + "\n  ".join(changes) + f"\n{shown}"


def test_every_command_has_cases():
    """Bad input of each command that reads input is covered (``warmup`` reads none)."""
    from smartcity.cli import build_parser

    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    covered = {c.command for c in CASES}
    assert set(commands) - covered == {"warmup"}
    assert len(CASES) >= 160
