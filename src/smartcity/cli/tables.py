"""Commands that tabulate and report results: ``kpi``, ``compare``, ``report``, ``sensitivity``."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from smartcity.cli._common import RESULT_FILE, console
from smartcity.errors import SmartcityError

log = logging.getLogger("smartcity")


def add_commands(sub, common) -> None:
    """Add this group's commands to the subparsers ``sub`` (``common``: the -v/-q options)."""
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
    p_kpi.add_argument("--baseline", metavar="NAME", default=None,
                       help="reference scenario of the 'vs baseline' KPIs (default: baseline, if the results have it)")
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
    p_cmp.add_argument("--baseline", metavar="NAME", default=None,
                       help="reference scenario of the 'vs baseline' KPIs (default: baseline, if the results have it)")
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
    p_rep.add_argument("--baseline", metavar="NAME", default=None,
                       help="scenario to compare with (default: baseline, if the results have it)")
    p_rep.add_argument("--sweep", type=Path, metavar="OUT.zarr", default=None,
                       help="a Monte Carlo sweep of the scenario: adds the uncertainty section (CO2 band, KPI "
                            "percentiles; Sobol' tornado chart and top drivers for --design saltelli)")
    p_rep.add_argument("--force", action="store_true", help="replace a report already in the folder")
    p_kpi.set_defaults(handler=_cmd_kpi)
    p_sen.set_defaults(handler=_cmd_sensitivity)
    p_cmp.set_defaults(handler=_cmd_compare)
    p_rep.set_defaults(handler=_cmd_report)


def _parse_years(text: str | None, option: str = "--years") -> list[int] | None:
    if text is None:
        return None
    years = []
    for part in text.split(","):
        part = part.strip()
        if not part.isdigit():  # whether the results hold the year is checked with the results
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
    from smartcity.results import open_result
    from smartcity.shipped import default_scenarios

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


def _baseline(results: dict, asked: str | None) -> str:
    """The reference scenario: the one asked for, which the results must hold, or ``baseline``."""
    names = list(dict.fromkeys(str(n) for ds in results.values() for n in ds["scenario"].values))
    if asked is None:
        return "baseline"
    if asked not in names:
        raise SmartcityError(f"--baseline {asked}: no such scenario in the results; they hold {', '.join(names)}")
    return asked


def _emit_table(df, args) -> int:
    from smartcity.kpi import format_for, render_table, rich_table, write_table

    if args.output is not None:
        written = write_table(df, args.output, args.format, force=args.force)
        if not args.quiet:
            print(f"wrote {written}")
    elif args.format is None:
        console().print(rich_table(df))
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
    return _emit_table(kpi_table(results, years=years, baseline=_baseline(results, args.baseline)), args)


def _cmd_compare(args, command: str) -> int:
    from smartcity.kpi import compare_table

    _check_table_output(args)
    years = _parse_years(args.year, "--year")
    if years is not None and len(years) != 1:
        raise SmartcityError("--year: give one year")
    results = _load_results(args.inputs, args.quiet, command)
    if years is not None:
        for label, ds in results.items():
            simulated = [int(y) for y in ds["year"].values]
            if years[0] not in simulated:
                where = "" if len(results) == 1 else f" of {label}"
                raise SmartcityError(f"--year {years[0]}: not a year of the results{where} (simulated years: "
                                     f"{simulated[0]}-{simulated[-1]})")
    table = compare_table(results, year=None if years is None else years[0],
                          baseline=_baseline(results, args.baseline))
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
    args.baseline = _baseline(results, args.baseline)
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


def _cmd_sensitivity(args, command: str) -> int:
    import numpy as np

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
        from smartcity.writing import write_bytes_atomic

        write_bytes_atomic(frame.to_csv(index=False, lineterminator="\n").encode("utf-8"), args.output,
                           force=args.force, what="the table")
        if not args.quiet:
            print(f"wrote {args.output}")
        return 0
    from rich.table import Table

    view = Table(title=title, title_justify="left")
    for column in frame.columns:
        view.add_column(str(column), justify="right" if frame[column].dtype.kind in "fiu" else "left")
    for _, row in frame.iterrows():
        view.add_row(*[f"{v:.3f}" if isinstance(v, float) else str(v) for v in row])
    console().print(view)
    return 0
