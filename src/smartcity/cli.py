"""The ``smartcity`` command line.

Exit status: 0 success; 2 an expected error (bad input, refused overwrite) reported as one
line without a traceback; 1 an unexpected error (a bug), whose traceback goes to the log file
named in the message.
"""

from __future__ import annotations

import argparse
import logging
import os
import shlex
import sys
import time
import traceback
from pathlib import Path

import numpy as np

from smartcity import __version__
from smartcity.errors import SmartcityError

__all__ = ["main", "build_parser"]

log = logging.getLogger("smartcity")

RESULT_FILE = "results.nc"
LOG_FILE = "smartcity.log"


def _fallback_log_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "smartcity"


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with all subcommands."""
    parser = argparse.ArgumentParser(
        prog="smartcity",
        description="Energy and mobility models for the CO2 impact of smart-city districts.",
    )
    parser.add_argument("--version", action="version", version=f"smartcity {__version__}")
    # -v/-q are accepted before or after the command name.
    common = argparse.ArgumentParser(add_help=False)
    verbosity = common.add_mutually_exclusive_group()
    verbosity.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                           help="print progress details")
    verbosity.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS,
                           help="print only errors")
    for action in common._actions:
        parser._add_action(action)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p_run = sub.add_parser("run", parents=[common], help="run scenarios and write the results Dataset",
                           description="Run scenarios (default: the Aalborg East baseline and lighthouse).")
    p_run.add_argument("scenarios", nargs="*", metavar="SCENARIO", type=Path,
                       help="scenario TOML files (default: scenarios/aalborg-east/{baseline,lighthouse}.toml)")
    p_run.add_argument("-o", "--output", type=Path, default=Path("results"), metavar="DIR",
                       help="output folder (default: ./results)")
    p_run.add_argument("--force", action="store_true", help="replace results already in the output folder")

    p_val = sub.add_parser("validate", parents=[common], help="check scenario files and their tables",
                           description="Check scenario files, their parents, tables and weather files.")
    p_val.add_argument("files", nargs="+", metavar="FILE", type=Path, help="scenario TOML files")
    p_val.add_argument("--resolved", action="store_true",
                       help="print each resolved scenario (inheritance applied, defaults filled)")

    sub.add_parser("warmup", parents=[common], help="compile the numerical kernels into the on-disk cache",
                   description="Compile the numba kernels once so later runs start fast.")

    p_bld = sub.add_parser("building", parents=[common], help="simulate one building described element by element",
                           description="Simulate one building of a building TOML file (walls, windows, ventilation, "
                                       "setpoints) over a weather year with the district's 5R1C model; see "
                                       "scenarios/examples/single_building/.")
    p_bld.add_argument("file", type=Path, metavar="FILE", help="building TOML file")
    p_bld.add_argument("--weather", type=Path, metavar="FILE",
                       help="EPW or CSV weather file (default: the file's [weather] file, else the built-in "
                            "Aalborg reference year)")
    p_bld.add_argument("--json", action="store_true", help="print the results as JSON")

    p_bbr = sub.add_parser("bbr", parents=[common], help="turn a BBR extract into a buildings table",
                           description="Map a CSV extract of the Danish building register (BBR) to a buildings "
                                       "table with TABULA DK envelopes; buildings outside the model's scope "
                                       "(garages, industry, summer houses, unheated) are skipped and counted.")
    p_bbr.add_argument("extract", type=Path, metavar="EXTRACT", help="BBR extract (CSV)")
    p_bbr.add_argument("-o", "--output", type=Path, required=True, metavar="FILE", help="buildings table to write (CSV)")
    p_bbr.add_argument("--default-heating", default="district_heating", metavar="SYSTEM",
                       help="heating_system where byg056/byg057 do not tell (default: district_heating)")
    p_bbr.add_argument("--force", action="store_true", help="replace an existing output file")

    p_asg = sub.add_parser("assign", parents=[common], help="static user-equilibrium traffic assignment",
                           description="Assign a TNTP trip table to a TNTP network (BPR link costs) by "
                                       "bi-conjugate, conjugate or plain Frank-Wolfe until the relative gap "
                                       "is reached.")
    p_asg.add_argument("network", type=Path, metavar="NET", help="TNTP network file (*_net.tntp)")
    p_asg.add_argument("trips", type=Path, metavar="TRIPS", help="TNTP trip table (*_trips.tntp)")
    p_asg.add_argument("--algorithm", choices=("bfw", "cfw", "fw"), default="bfw",
                       help="bi-conjugate (default), conjugate or plain Frank-Wolfe")
    p_asg.add_argument("--gap", type=float, default=1e-5, help="target relative gap (default: 1e-5)")
    p_asg.add_argument("--max-iter", type=int, default=10000, metavar="N",
                       help="most iterations (default: 10000)")
    p_asg.add_argument("--toll-factor", type=float, default=0.0, metavar="F",
                       help="weight of the toll in the generalised cost (default: 0)")
    p_asg.add_argument("--distance-factor", type=float, default=0.0, metavar="F",
                       help="weight of the link length in the generalised cost (default: 0)")
    p_asg.add_argument("-o", "--output", type=Path, metavar="FILE",
                       help="write link flows (from, to, volume, cost) to this CSV file")
    p_asg.add_argument("--force", action="store_true", help="replace an existing output file")
    p_asg.add_argument("--json", action="store_true", help="print the results as JSON")

    p_kpi = sub.add_parser("kpi", parents=[common], help="KPI table of results or scenarios",
                           description="KPI table (energy, climate, mobility, economics, social reach; definitions "
                                       "in smartcity/data/kpis.toml) of results files (.nc) or scenario files "
                                       "(.toml, run first together with the root of their 'extends' chain). "
                                       "Several inputs give one table with a column per scenario. Default: the "
                                       "Aalborg East baseline and lighthouse, run.")
    p_kpi.add_argument("inputs", nargs="*", metavar="RESULT_OR_SCENARIO", type=Path,
                       help="results.nc files (or folders holding one) or scenario TOML files")
    p_kpi.add_argument("--format", metavar="FORMAT", default=None,
                       help="csv, md, latex, xlsx or html (default: from the -o suffix, else a table on screen)")
    p_kpi.add_argument("--years", metavar="YEARS", default=None,
                       help="comma-separated years, e.g. 2020,2025,2030 (default: base year and last year)")
    p_kpi.add_argument("--baseline", metavar="NAME", default="baseline",
                       help="reference scenario of the 'vs baseline' KPIs (default: baseline)")
    p_kpi.add_argument("--point", type=int, default=0, metavar="N",
                       help="grid point of a sweep store (default: 0, the first)")
    p_kpi.add_argument("-o", "--output", type=Path, metavar="FILE", help="write the table to FILE")
    p_kpi.add_argument("--force", action="store_true", help="replace an existing output file")

    p_sen = sub.add_parser("sensitivity", parents=[common], help="Sobol' indices of KPIs from a sweep store",
                           description="First-order (S1) and total (ST) Sobol' indices of headline KPIs with "
                                       "bootstrap intervals, from a sweep run with --design saltelli: the top "
                                       "drivers of each KPI, or every input for one --kpi.")
    p_sen.add_argument("store", type=Path, metavar="OUT.zarr", help="the sweep store")
    p_sen.add_argument("--kpi", action="append", default=None, metavar="ID",
                       help="KPI id (repeat for more; default: CO2, CO2 reductions, final energy, sustainable "
                            "mode share)")
    p_sen.add_argument("--year", type=int, default=None, metavar="YEAR", help="year (default: the last)")
    p_sen.add_argument("--scenario", metavar="NAME", default=None, help="scenario (default: the last)")
    p_sen.add_argument("--top", type=int, default=3, metavar="N",
                       help="inputs shown per KPI (default: 3; with one --kpi: all)")
    p_sen.add_argument("--point", type=int, default=0, metavar="N", help="grid point (default: 0)")
    p_sen.add_argument("-o", "--output", type=Path, metavar="FILE.csv", help="write the table as CSV")
    p_sen.add_argument("--force", action="store_true", help="replace an existing output file")

    p_cmp = sub.add_parser("compare", parents=[common], help="KPIs of scenarios side by side with differences",
                           description="KPIs of scenarios side by side in one year, with the difference of each "
                                       "to the first (B - A, absolute and in %). Inputs as for 'smartcity kpi'; "
                                       "default: the Aalborg East baseline and lighthouse, run.")
    p_cmp.add_argument("inputs", nargs="*", metavar="RESULT_OR_SCENARIO", type=Path,
                       help="results.nc files (or folders holding one) or scenario TOML files; the first "
                            "scenario is the reference A")
    p_cmp.add_argument("--year", metavar="YEAR", default=None, help="year (default: the last year in common)")
    p_cmp.add_argument("--format", metavar="FORMAT", default=None,
                       help="csv, md, latex, xlsx or html (default: from the -o suffix, else a table on screen)")
    p_cmp.add_argument("--baseline", metavar="NAME", default="baseline",
                       help="reference scenario of the 'vs baseline' KPIs (default: baseline)")
    p_cmp.add_argument("-o", "--output", type=Path, metavar="FILE", help="write the table to FILE")
    p_cmp.add_argument("--force", action="store_true", help="replace an existing output file")

    p_rep = sub.add_parser("report", parents=[common], help="HTML report with figures of one scenario",
                           description="Write an HTML report (CO2 trajectory, measure wedges, abatement cost "
                                       "curve, electricity balance, modal split, KPI table) of one scenario of a "
                                       "results file, or of a scenario file (run first with the root of its "
                                       "'extends' chain). Default: the Aalborg East lighthouse.")
    p_rep.add_argument("input", nargs="?", metavar="SCENARIO_OR_RESULT", type=Path, default=None,
                       help="a results.nc file (or a folder holding one) or a scenario TOML file")
    p_rep.add_argument("-o", "--output", type=Path, default=Path("report"), metavar="DIR",
                       help="report folder (default: ./report)")
    p_rep.add_argument("--scenario", metavar="NAME", default=None,
                       help="scenario to report on (default: the last one that is not the baseline)")
    p_rep.add_argument("--baseline", metavar="NAME", default="baseline",
                       help="scenario to compare with (default: baseline)")
    p_rep.add_argument("--sweep", type=Path, metavar="OUT.zarr", default=None,
                       help="a Monte Carlo sweep of the scenario: adds the uncertainty section (CO2 band, KPI "
                            "percentiles; Sobol' tornado chart and top drivers for --design saltelli)")
    p_rep.add_argument("--force", action="store_true", help="replace a report already in the folder")

    p_swp = sub.add_parser("sweep", parents=[common], help="run scenarios x grid points x samples on Dask",
                           description="Run every scenario at every grid point (the cartesian product of the "
                                       "--grid options) and Monte Carlo sample on Dask distributed (a local "
                                       "cluster, or a running scheduler), streaming the results to a Zarr store. "
                                       "Run again with the same arguments to resume an interrupted sweep: only "
                                       "the tasks not done are computed. Exit status 2 if a task failed.")
    p_swp.add_argument("scenarios", nargs="*", metavar="SCENARIO", type=Path, help="scenario TOML files")
    p_swp.add_argument("-o", "--output", type=Path, required=True, metavar="OUT.zarr", help="the Zarr store")
    p_swp.add_argument("--grid", action="append", default=[], metavar="KEY=V1,V2,...",
                       help="set a scenario key to each value (KEY=V1,V2), or scale a quantity or trajectory "
                            "by each factor (KEY*=F1,F2); repeat for more keys")
    p_swp.add_argument("--samples", type=int, default=0, metavar="N",
                       help="Monte Carlo samples of the scenarios' uncertain inputs (seeded with the first "
                            "scenario's scenario.seed; default: 0, the nominal values): N Latin hypercube points, "
                            "or the base size of Saltelli's design (--design saltelli)")
    p_swp.add_argument("--design", choices=("lhs", "saltelli"), default="lhs",
                       help="lhs: Latin hypercube (percentiles); saltelli: N (k + 2) runs for Sobol' indices of "
                            "k inputs, N a power of 2 (default: lhs)")
    p_swp.add_argument("--baseline", metavar="NAME", default="baseline",
                       help="reference scenario of the KPIs 'vs baseline' recorded per sample (default: baseline)")
    p_swp.add_argument("--workers", type=int, default=2, metavar="N",
                       help="worker processes of the local cluster (default: 2)")
    p_swp.add_argument("--scheduler", metavar="ADDRESS", default=None,
                       help="address of a running Dask scheduler, e.g. tcp://host:8786 (default: a local cluster)")
    p_swp.add_argument("--force", action="store_true",
                       help="discard a store that holds another sweep (or this one) and start afresh")
    p_swp.add_argument("--summary", action="store_true",
                       help="only print the summary of the store (no scenarios needed, nothing computed)")

    p_mon = sub.add_parser("monitor", parents=[common], help="measured savings and progress against the plan",
                           description="Turn measured data into weather-normalised savings (change-point baselines, "
                                       "ASHRAE Guideline 14 statistics) and progress against a scenario: tables and "
                                       "an HTML report. The scenario file runs together with the root of its "
                                       "'extends' chain (the baseline); a results file must hold both. Data problems "
                                       "are reported; unusable data stop with one line and exit status 2. See "
                                       "docs/monitoring.md; try it with 'smartcity monitor-demo'.")
    p_mon.add_argument("scenario", type=Path, metavar="SCENARIO",
                       help="scenario TOML file (e.g. lighthouse.toml) or results file (.nc) holding it and its baseline")
    p_mon.add_argument("--meters", type=Path, required=True, metavar="FILE", help="meter readings (CSV or Parquet)")
    p_mon.add_argument("--map", type=Path, metavar="FILE", help="meter map: meters to buildings and measure groups")
    p_mon.add_argument("--weather", type=Path, metavar="FILE",
                       help="measured weather (EPW, hourly weather CSV, or time,temperature_C); needed for the meters")
    p_mon.add_argument("--counts", type=Path, metavar="FILE", help="traffic counts per link and period")
    p_mon.add_argument("--ridership", type=Path, metavar="FILE", help="boardings per line and period")
    p_mon.add_argument("--typical-year", type=Path, metavar="FILE",
                       help="weather of the typical year for normalised savings (default: the reference year)")
    p_mon.add_argument("--baseline", metavar="START:END", default=None,
                       help="baseline period of every meter, e.g. 2016-01-01:2017-01-01 (END excluded; default: the "
                            "year before the start of each meter's measure group)")
    p_mon.add_argument("--reporting", metavar="START:END", default=None,
                       help="reporting period of every meter (default: the latest full calendar year; without "
                            "--baseline/--reporting every full year after the baseline is reported)")
    p_mon.add_argument("--confidence", type=float, default=0.95, metavar="P",
                       help="two-sided confidence level of the uncertainties (default: 0.95)")
    p_mon.add_argument("--scenario-name", metavar="NAME", default=None,
                       help="scenario of a results file to compare with (default: the last one that is not the "
                            "baseline)")
    p_mon.add_argument("-o", "--output", type=Path, default=Path("monitoring"), metavar="DIR",
                       help="report folder (default: ./monitoring)")
    p_mon.add_argument("--force", action="store_true", help="replace a report already in the folder")

    p_dem = sub.add_parser("monitor-demo", parents=[common], help="synthetic measured data to try 'smartcity monitor'",
                           description="Write synthetic meter readings, meter map, weather, traffic counts and "
                                       "ridership for the Aalborg East district, made from a run of the baseline and "
                                       "lighthouse scenarios with known savings and noise, and truth.json with the "
                                       "truth behind them.")
    p_dem.add_argument("-o", "--output", type=Path, required=True, metavar="DIR", help="folder for the files")
    p_dem.add_argument("--seed", type=int, default=1, metavar="N", help="seed of the random draws (default: 1)")
    p_dem.add_argument("--problems", action="store_true",
                       help="inject typical data problems (duplicates, a negative reading, a unit mix-up, ...)")
    p_dem.add_argument("--results", type=Path, metavar="FILE",
                       help="a results file of the default baseline and lighthouse (default: run them)")
    p_dem.add_argument("--force", action="store_true", help="replace demo files already in the folder")
    return parser


def _console(stderr: bool = False):
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    # A terminal sets its own width; a pipe or file gets lines wide enough for the tables.
    width = None if stream.isatty() else 120
    return Console(stderr=stderr, highlight=False, markup=False, soft_wrap=True, width=width)


def _cmd_validate(args) -> int:
    from smartcity.inputs import load_inputs

    failures = 0
    out = _console()
    for file in args.files:
        try:
            [inp] = load_inputs([file])
        except SmartcityError as exc:
            failures += 1
            print(f"error: {exc}", file=sys.stderr)
            continue
        model = inp.resolved.model
        if args.resolved:
            print(inp.resolved.to_toml())
        elif not args.quiet:
            out.print(
                f"ok: {file} (scenario '{model.name}', years {model.years[0]}-{model.years[-1]}, "
                f"{len(inp.buildings)} building rows, weather: {inp.weather.name})"
            )
    return 2 if failures else 0


def _cmd_warmup(args) -> int:
    from smartcity.energy import balance, thermal
    from smartcity.transport import assignment, transit

    start = time.perf_counter()
    thermal.warmup()
    balance.warmup()
    assignment.warmup()
    transit.warmup()
    if not args.quiet:
        print(f"kernels compiled and cached in {time.perf_counter() - start:.1f} s")
    return 0


def _cmd_building(args) -> int:
    from smartcity.energy import single_building
    from smartcity.run import run_building_file

    result = run_building_file(args.file, weather=args.weather)
    print(result.to_json() if args.json else single_building.format_result(result))
    return 0


def _cmd_bbr(args) -> int:
    from smartcity.energy import bbr

    result = bbr.import_bbr(args.extract, default_heating_system=args.default_heating)
    written = bbr.write_buildings_csv(result.buildings, args.output, force=args.force)
    if not args.quiet:
        print(f"{result.summary()}\nwrote {written}")
    return 0


def _cmd_assign(args) -> int:
    from smartcity.transport import assignment

    result, written = assignment.run_assignment_files(
        args.network, args.trips, algorithm=args.algorithm, gap=args.gap, max_iter=args.max_iter,
        toll_factor=args.toll_factor, distance_factor=args.distance_factor, output=args.output, force=args.force,
    )
    if args.json:
        print(assignment.format_summary(result, written, as_json=True))
    elif not args.quiet:
        print(assignment.format_summary(result, written))
    return 0


#: The KPIs (``data/kpis.toml``) of the summary ``smartcity run`` prints.
RUN_SUMMARY_KPIS = ("final_energy_total", "specific_heat_demand", "local_renewable_generation", "co2_total",
                    "co2_by_sector", "co2_reduction_vs_baseline_share", "modal_split", "clean_vehicle_share_vkm",
                    "transport_co2", "investment")


def _run_summary(ds):
    """The terminal summary of a run: the summary KPIs of each scenario in its base and last year, and
    each measure's share of the CO2 reduction in the last year (:func:`smartcity.kpi.measure_contributions`)."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    from smartcity.kpi import fmt_number, kpi_table, measure_contributions, rich_table

    parts = [rich_table(kpi_table(ds, ids=RUN_SUMMARY_KPIS, title="smartcity run: energy, CO2 and travel"))]
    for name in (str(n) for n in ds["scenario"].values):
        contributions = measure_contributions(ds, name)
        if contributions.empty:
            continue
        last = max(contributions.index.get_level_values("year"))
        rows = contributions.xs(last, level="year")
        table = Table(title=f"{name}: CO2 reduction by measure in {last}", title_justify="left")
        for header in ("measure", "type", "alone\n[t/a]", "share of the total\n[t/a]"):
            table.add_column(Text(header), justify="left" if header in ("measure", "type") else "right")
        for measure, row in rows.sort_values("allocated_t", ascending=False).iterrows():
            table.add_row(str(measure), str(row["type"]), fmt_number(row["add_one_t"]), fmt_number(row["allocated_t"]))
        table.caption = ("alone: each measure applied without the others; share of the total: the interaction "
                         "remainder allocated in proportion (smartcity.kpi.measure_contributions)")
        table.caption_justify = "left"
        parts.append(table)
    return Group(*parts)


def _cmd_run(args, command: str) -> int:
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from smartcity.results import check_output_folder, write_netcdf, write_text_atomic
    from smartcity.run import default_scenarios, load_inputs, run_scenarios

    paths = args.scenarios or default_scenarios()
    out_dir: Path = args.output
    result_path = check_output_folder(out_dir, RESULT_FILE, force=args.force)
    start = time.perf_counter()
    inputs = load_inputs(paths)
    show = not args.quiet and sys.stderr.isatty()
    with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                  console=_console(stderr=True), disable=not show, transient=True) as bar:
        task = bar.add_task("simulating", total=len(inputs))
        done = {"n": 0}

        def progress(label: str, fraction: float) -> None:
            bar.update(task, description=label, completed=done["n"] + fraction)
            if fraction >= 1.0:
                done["n"] += 1

        ds = run_scenarios(paths, command=command, progress=progress, inputs=inputs)
    try:
        written = write_netcdf(ds, result_path, force=args.force)
        for inp in inputs:  # re-runnable copies: paths relative to the output folder
            write_text_atomic(inp.resolved.to_toml(base=out_dir), out_dir / f"{inp.resolved.name}.resolved.toml",
                              force=True)
    except OSError as exc:
        raise SmartcityError(f"{out_dir}: cannot write results ({exc.strerror or exc})") from exc
    elapsed = time.perf_counter() - start
    log.info("wrote %s in %.2f s", written, elapsed)
    if not args.quiet:
        console = _console()
        console.print(_run_summary(ds))
        console.print(f"results: {written}  ({elapsed:.1f} s)")
    return 0


def _parse_years(text: str | None, option: str = "--years") -> list[int] | None:
    if text is None:
        return None
    years = []
    for part in text.split(","):
        part = part.strip()
        if not part.isdigit() or not 1900 <= int(part) <= 2200:
            raise SmartcityError(f"{option}: {part!r} is not a year; give years as 2020,2025,2030")
        years.append(int(part))
    return years


def _load_results(inputs: list[Path], quiet: bool, command: str) -> dict:
    """Label -> results Dataset of each input.

    A ``.nc`` file (or a folder holding ``results.nc``) is opened. Scenario files (``.toml``)
    are run first, grouped by the root of their ``extends`` chain: each group runs together
    with that root (the "without project" reference, e.g. ``baseline.toml``) so the KPIs
    against the baseline can be computed. Without inputs the default scenarios run.
    """
    from smartcity.inputs import default_scenarios
    from smartcity.results import open_result

    inputs = list(inputs) or default_scenarios()
    results: dict = {}
    groups: dict[Path, list[Path]] = {}
    order: list[tuple[str, object]] = []
    for path in inputs:
        path = Path(path)
        if path.is_dir() and (path / RESULT_FILE).is_file():
            path = path / RESULT_FILE
        if not path.exists():
            raise SmartcityError(f"{path}: no such file")
        if path.is_dir():
            raise SmartcityError(f"{path}: a folder without {RESULT_FILE}; give a results file (.nc) or a scenario "
                                 "file (.toml)")
        suffix = path.suffix.lower()
        if suffix == ".nc":
            try:
                ds = open_result(path)
            except (OSError, ValueError) as exc:
                raise SmartcityError(f"{path}: not a readable results file ({exc})") from None
            if "scenario" not in ds.dims or "co2" not in ds:
                raise SmartcityError(f"{path}: not a smartcity results file (no scenario dimension or co2)")
            order.append(("nc", (path, ds)))
        elif suffix == ".toml":
            from smartcity.scenario import load_scenario

            resolved = load_scenario(path)
            root = Path(resolved.files[-1]).resolve()
            if root not in groups:
                groups[root] = [root]
                order.append(("toml", root))
            if Path(resolved.path).resolve() not in groups[root]:
                groups[root].append(Path(resolved.path).resolve())
        else:
            raise SmartcityError(f"{path}: neither a results file (.nc) nor a scenario file (.toml)")
    for kind, item in order:
        if kind == "nc":
            path, ds = item
            label = path.parent.name if path.name == RESULT_FILE and path.parent.name else path.stem
        else:
            from smartcity.run import run_scenarios

            paths = groups[item]
            if not quiet and sys.stderr.isatty():
                print(f"running {', '.join(p.name for p in paths)} ...", file=sys.stderr)
            ds = run_scenarios(paths, command=command)
            label = item.parent.name or item.stem
        base, n = label, 2
        while label in results:
            label, n = f"{base}-{n}", n + 1
        results[label] = ds
    return results


def _emit_table(df, args) -> int:
    from smartcity.kpi import format_for, render_table, rich_table, write_table

    if args.output is not None:
        written = write_table(df, args.output, args.format, force=args.force)
        if not args.quiet:
            print(f"wrote {written}")
    elif args.format is None:
        _console().print(rich_table(df))
    else:
        sys.stdout.write(render_table(df, format_for(None, args.format)))
    return 0


def _check_table_output(args) -> None:
    """Refuse a bad format or an existing output before anything runs."""
    from smartcity.kpi import format_for

    fmt = format_for(args.output, args.format)
    if args.format is None and args.output is not None:
        args.format = fmt
    if fmt == "xlsx" and args.output is None:
        raise SmartcityError("the xlsx format needs an output file: add -o FILE.xlsx")
    if args.output is not None:
        if args.output.is_dir():
            raise SmartcityError(f"{args.output}: is a folder; give a file name with -o")
        if args.output.exists() and not args.force:
            raise SmartcityError(f"{args.output}: file already exists; pass --force to replace it")


def _cmd_kpi(args, command: str) -> int:
    from smartcity.kpi import kpi_table

    _check_table_output(args)
    years = _parse_years(args.years)
    from smartcity.results import is_sweep_store

    if any(is_sweep_store(p) for p in args.inputs):
        if len(args.inputs) != 1:
            raise SmartcityError("give one sweep store (OUT.zarr) alone: its KPI table has percentile columns")
        from smartcity.kpi.uncertainty import kpi_percentile_table
        from smartcity.sweep import open_sweep

        table = kpi_percentile_table(open_sweep(args.inputs[0]), years=years, point=args.point)
        return _emit_table(table, args)
    results = _load_results(args.inputs, args.quiet, command)
    return _emit_table(kpi_table(results, years=years, baseline=args.baseline), args)


def _cmd_sensitivity(args) -> int:
    from smartcity.kpi.uncertainty import (
        SENSITIVITY_KPIS,
        sensitivity_table,
        top_drivers,
    )
    from smartcity.sweep import open_sweep

    if args.output is not None and args.output.exists() and not args.force:
        raise SmartcityError(f"{args.output}: file already exists; pass --force to replace it")
    if args.top < 1:
        raise SmartcityError(f"--top must be at least 1; got {args.top}")
    ds = open_sweep(args.store)
    if args.kpi is not None and len(args.kpi) == 1:
        table = sensitivity_table(ds, args.kpi[0], year=args.year, scenario=args.scenario, point=args.point)
        title = (f"Sobol' indices of {table.attrs['name']} [{table.attrs['unit']}], {table.attrs['scenario']} "
                 f"{table.attrs['year']} (mean {table.attrs['mean']:,.4g}, sd {np.sqrt(table.attrs['variance']):,.4g}; "
                 f"{table.attrs['base_samples']} base samples, {table.attrs['confidence']:.0%} bootstrap intervals)")
        frame = table.reset_index()
    else:
        frame = top_drivers(ds, args.kpi or SENSITIVITY_KPIS, year=args.year, scenario=args.scenario,
                            point=args.point, top=args.top)
        if frame.empty:
            raise SmartcityError("none of the KPIs has values for this scenario in the sweep")
        title = "Top drivers by total Sobol' index (ST; S1 first order; sd: standard deviation of the KPI)"
        if args.output is None:  # on screen: the KPI's unit with its spread
            frame = frame.assign(sd=[f"{sd:,.4g} {unit}" for sd, unit in zip(frame["sd"], frame["unit"])])
            frame = frame[["kpi", "rank", "input", "ST", "ST_low", "ST_high", "S1", "sd"]]
    if args.output is not None:
        tmp = args.output.with_name(f".{args.output.name}.tmp")
        frame.to_csv(tmp, index=False, lineterminator="\n")
        tmp.replace(args.output)
        if not args.quiet:
            print(f"wrote {args.output}")
        return 0
    from rich.table import Table

    view = Table(title=title, title_justify="left")
    for column in frame.columns:
        view.add_column(str(column), justify="right" if frame[column].dtype.kind in "fiu" else "left")
    for _, row in frame.iterrows():
        view.add_row(*[f"{v:.3f}" if isinstance(v, float) else str(v) for v in row])
    _console().print(view)
    return 0


def _cmd_compare(args, command: str) -> int:
    from smartcity.kpi import compare_table

    _check_table_output(args)
    years = _parse_years(args.year, "--year")
    if years is not None and len(years) != 1:
        raise SmartcityError("--year: give one year")
    results = _load_results(args.inputs, args.quiet, command)
    table = compare_table(results, year=None if years is None else years[0], baseline=args.baseline)
    return _emit_table(table, args)


def _cmd_report(args, command: str) -> int:
    from smartcity.kpi import abatement_curve, kpi_table

    out: Path = args.output
    if out.exists() and not out.is_dir():
        raise SmartcityError(f"{out}: the report folder is a file; choose another folder with -o")
    if (out / "report.html").exists() and not args.force:
        raise SmartcityError(f"{out / 'report.html'}: a report already exists; pass --force to replace it or "
                             "choose another folder with -o")
    sweep = None
    if args.sweep is not None:
        from smartcity.sweep import open_sweep

        sweep = open_sweep(args.sweep)
    results = _load_results([] if args.input is None else [args.input], args.quiet, command)
    [ds] = results.values()
    names = [str(n) for n in ds["scenario"].values]
    scenario = args.scenario
    if scenario is None:
        others = [n for n in names if n != args.baseline]
        scenario = (others or names)[-1]
    elif scenario not in names:
        raise SmartcityError(f"--scenario {scenario}: not in the results; they hold {', '.join(names)}")
    kpis = kpi_table(ds, baseline=args.baseline)
    curve = abatement_curve(ds, scenario)
    try:
        from smartcity.report import write_report
    except ImportError as exc:  # pragma: no cover - the report module ships with the package
        raise SmartcityError(f"the report module is not available ({exc})") from None
    written = write_report(ds, scenario, args.output, baseline=args.baseline, kpis=kpis, curve=curve,
                           force=args.force, sweep=sweep)
    if not args.quiet:
        print(f"wrote {written}")
    return 0


def _cmd_sweep(args) -> int:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    from smartcity.sweep import _print_summary, open_sweep, plan_sweep, run_sweep

    if args.summary:
        _print_summary(open_sweep(args.output))
        return 0
    if not args.scenarios:
        raise SmartcityError("name the scenario files to sweep (or pass --summary to read a store)")
    if args.workers < 1:
        raise SmartcityError(f"--workers must be at least 1; got {args.workers}")
    if args.samples < 0:
        raise SmartcityError(f"--samples must be >= 0; got {args.samples}")
    if not args.verbose:  # the scheduler's and workers' start/stop chatter (set on importing distributed)
        import distributed  # noqa: F401

        logging.getLogger("distributed").setLevel(logging.WARNING)
    plan = plan_sweep(args.scenarios, args.grid, args.samples, design=args.design, baseline=args.baseline)
    show = not args.quiet and sys.stderr.isatty()
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=_console(stderr=True), disable=not show, transient=True) as bar:
        task = bar.add_task("sweep", total=None)

        def progress(finished: int, total: int) -> None:
            bar.update(task, completed=finished, total=total)

        def failure(i: int, message: str) -> None:  # one line each, as they happen
            line = f"failed: {plan.describe(i)}: {message}"
            if show:
                bar.console.print(line, markup=False, highlight=False, soft_wrap=True)
            else:
                print(line, file=sys.stderr, flush=True)

        try:
            report = run_sweep(args.scenarios, args.output, plan=plan, workers=args.workers,
                               scheduler=args.scheduler, force=args.force, on_progress=progress, on_failure=failure)
        except KeyboardInterrupt:
            print(f"interrupted; the finished tasks are kept in {args.output}: run the same command again to "
                  "resume", file=sys.stderr)
            return 130
    if not args.quiet:
        print(f"sweep {report.path}: {report.n_tasks} tasks, {report.already_done} done before, "
              f"{report.computed} computed, {len(report.failed)} failed in {report.wall_s:.1f} s")
        _print_summary(open_sweep(report.path))
    return 2 if report.failed else 0


def _cmd_monitor(args, command: str) -> int:
    """``smartcity monitor`` and ``smartcity monitor-demo``."""
    import pandas as pd

    from smartcity.monitoring import readers as md

    if args.command == "monitor-demo":
        from smartcity.monitoring import demo
        from smartcity.run import load_plan

        out: Path = args.output
        if out.exists() and not out.is_dir():
            raise SmartcityError(f"{out}: the output folder is a file; choose another folder with -o")
        taken = [out / n for n in demo.DEMO_FILES if (out / n).exists()]
        if taken and not args.force:
            raise SmartcityError(f"{taken[0]}: file already exists; pass --force to replace the demo files")
        if args.results is not None:
            source = args.results
            plan = load_plan(source, scenario="lighthouse")
        else:
            from smartcity.run import default_scenarios

            source = default_scenarios()[1]
            plan = load_plan(source, command=command)
        data = demo.make_demo(plan.results, seed=args.seed, problems=args.problems, scenario=plan.scenario,
                              baseline=plan.baseline, substation_efficiency=plan.substation_efficiency,
                              measure_start_years=plan.measure_start_years)
        written = demo.write_demo(data, out, force=args.force)
        if not args.quiet:
            print(f"wrote {len(written)} files to {out}; try:\n  smartcity monitor {source} "
                  f"--meters {out / 'meters.csv'} --map {out / 'meter_map.csv'} --weather {out / 'weather.csv'} "
                  f"--counts {out / 'counts.csv'} --ridership {out / 'ridership.csv'} -o {out / 'report'}")
        return 0

    from smartcity.run import load_plan
    from smartcity.monitoring.report import (
        check_report_target,
        monitoring_report,
        quality_summary,
    )
    from smartcity.monitoring.savings import typical_temperature

    def period(text, option):
        if text is None:
            return None
        parts = text.split(":")
        try:
            if len(parts) != 2:
                raise ValueError
            return tuple(np.datetime64(p.strip(), "D") for p in parts)
        except ValueError:
            raise SmartcityError(f"{option}: {text!r} is not a period; give START:END as ISO dates, e.g. "
                                 "2016-01-01:2017-01-01") from None

    baseline, reporting = period(args.baseline, "--baseline"), period(args.reporting, "--reporting")
    if not 0.0 < args.confidence < 1.0:
        raise SmartcityError(f"--confidence must lie strictly between 0 and 1; got {args.confidence}")
    if args.weather is None:
        raise SmartcityError("--weather FILE is needed: meter readings are weather-adjusted with the measured "
                             "outdoor temperature of the same days")
    readings = md.read_meter_readings(args.meters)
    weather = md.read_measured_weather(args.weather)
    typical = typical_temperature(args.typical_year)
    for report in (readings.report, weather.report):
        if len(report) and not args.quiet:
            print(quality_summary(report))
    check_report_target(args.output, args.force)
    plan = load_plan(args.scenario, scenario=args.scenario_name, command=command)
    buildings = plan.results["building"].to_series().rename("building_id").reset_index(drop=True).to_frame()
    meter_map = md.read_meter_map(args.map, readings, buildings) if args.map is not None else None
    links = None
    if args.counts is not None and "link_from_node" in plan.results:
        one = plan.results.sel(scenario=plan.scenario)
        links = pd.DataFrame({"from_node": one["link_from_node"].values, "to_node": one["link_to_node"].values})
    counts = md.read_traffic_counts(args.counts, links) if args.counts is not None else None
    lines = None
    if args.ridership is not None and "line" in plan.results.coords:
        lines = pd.DataFrame({"line": [str(v) for v in plan.results["line"].values]})
    rides = md.read_ridership(args.ridership, lines) if args.ridership is not None else None
    for report in (getattr(meter_map, "report", None), getattr(counts, "report", None), getattr(rides, "report", None)):
        if report is not None and len(report) and not args.quiet:
            print(quality_summary(report))
    page, summary = monitoring_report(plan, readings, weather, args.output, meter_map=meter_map, counts=counts,
                                      ridership=rides, typical=typical, baseline=baseline, reporting=reporting,
                                      confidence=args.confidence, force=args.force)
    if not args.quiet:
        print(summary)
        print(f"wrote {page}")
    return 0


def _log_path(args) -> Path:
    out = getattr(args, "output", None)
    if out is not None and Path(out).is_dir():
        return Path(out) / LOG_FILE
    return _fallback_log_dir() / LOG_FILE


def _write_log(path: Path, text: str) -> Path | None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(text)
        return path
    except OSError:
        return None


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``smartcity`` command; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    args.verbose = getattr(args, "verbose", False)
    args.quiet = getattr(args, "quiet", False)
    command = "smartcity " + shlex.join(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s: %(message)s", stream=sys.stderr)
    try:
        if args.command == "run":
            return _cmd_run(args, command)
        if args.command == "validate":
            return _cmd_validate(args)
        if args.command == "warmup":
            return _cmd_warmup(args)
        if args.command == "building":
            return _cmd_building(args)
        if args.command == "bbr":
            return _cmd_bbr(args)
        if args.command == "assign":
            return _cmd_assign(args)
        if args.command == "kpi":
            return _cmd_kpi(args, command)
        if args.command == "compare":
            return _cmd_compare(args, command)
        if args.command == "report":
            return _cmd_report(args, command)
        if args.command == "sweep":
            return _cmd_sweep(args)
        if args.command in ("monitor", "monitor-demo"):
            return _cmd_monitor(args, command)
        if args.command == "sensitivity":
            return _cmd_sensitivity(args)
        parser.error(f"unknown command {args.command}")  # pragma: no cover
    except SmartcityError as exc:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S")
        _write_log(_log_path(args), f"{stamp} {command}\n{traceback.format_exc()}\n")
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted; nothing was written under the final file names", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: keep the traceback, show one line
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S")
        where = _write_log(_log_path(args), f"{stamp} {command}\n{traceback.format_exc()}\n")
        hint = f"; the traceback is in {where}" if where else ""
        print(f"internal error: {type(exc).__name__}: {exc}{hint}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
