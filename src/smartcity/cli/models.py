"""Commands that run the models: ``run``, ``validate``, ``warmup``, ``building``, ``bbr``, ``assign``."""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

from smartcity.cli._common import RESULT_FILE, console
from smartcity.errors import InputError, SmartcityError

log = logging.getLogger("smartcity")

#: Exit status of ``smartcity assign`` when ``--max-iter`` stopped it above ``--gap``.
NOT_CONVERGED = 3


def add_commands(sub, common) -> None:
    """Add this group's commands to the subparsers ``sub`` (``common``: the -v/-q options)."""
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
    p_wrm = sub.add_parser("warmup", parents=[common], help="compile the numerical kernels into the on-disk cache",
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
    p_sup = sub.add_parser("supply", parents=[common], help="dispatch a scenario's district-heating network for a year",
                           description="Simulate the scenario's buildings and its district-heating network "
                                       "(supply.district_heating.mode = 'dispatch') in one year with all its "
                                       "measures; print the dispatch by unit and write the figures (a winter and a "
                                       "summer week of production with the storage, the heat duration curve) and "
                                       "the table as CSV.")
    p_sup.add_argument("scenario", type=Path, metavar="SCENARIO", help="scenario TOML file")
    p_sup.add_argument("--year", type=int, metavar="Y", help="simulated year (default: the scenario's last)")
    p_sup.add_argument("-o", "--output", type=Path, metavar="DIR",
                       help="folder for the figures and supply.csv (default: none are written)")
    p_sup.add_argument("--force", action="store_true", help="replace figures and table already in the folder")
    p_bbr = sub.add_parser("bbr", parents=[common], help="turn a BBR extract into a buildings table",
                           description="Map a CSV extract of the Danish building register (BBR) to a buildings "
                                       "table with TABULA DK envelopes; buildings outside the model's scope "
                                       "(garages, industry, summer houses, unheated) are skipped and counted.")
    p_bbr.add_argument("extract", type=Path, metavar="EXTRACT", help="BBR extract (CSV)")
    p_bbr.add_argument("-o", "--output", type=Path, required=True, metavar="FILE",
                       help="buildings table to write (CSV)")
    p_bbr.add_argument("--default-heating", default="district_heating", metavar="SYSTEM",
                       help="heating_system where byg056/byg057 do not tell (default: district_heating)")
    p_bbr.add_argument("--force", action="store_true", help="replace an existing output file")
    p_asg = sub.add_parser("assign", parents=[common], help="static user-equilibrium traffic assignment",
                           description="Assign a TNTP trip table to a TNTP network (BPR link costs) by "
                                       "bi-conjugate, conjugate or plain Frank-Wolfe until the relative gap "
                                       "is reached. Exit status 3 if --max-iter stopped it first (the "
                                       "results are still printed and written).")
    p_asg.add_argument("network", type=Path, metavar="NET", help="TNTP network file (*_net.tntp)")
    p_asg.add_argument("trips", type=Path, metavar="TRIPS", help="TNTP trip table (*_trips.tntp)")
    p_asg.add_argument("--algorithm", choices=("bfw", "cfw", "fw"), default="bfw",
                       help="bi-conjugate (default), conjugate or plain Frank-Wolfe")
    p_asg.add_argument("--gap", type=float, default=1e-5, help="target relative gap (default: 1e-5)")
    p_asg.add_argument("--max-iter", type=int, default=10000, metavar="N",
                       help="most iterations; stopping here above --gap exits with status 3 (default: 10000)")
    p_asg.add_argument("--toll-factor", type=float, default=0.0, metavar="F",
                       help="weight of the toll in the generalised cost (default: 0)")
    p_asg.add_argument("--distance-factor", type=float, default=0.0, metavar="F",
                       help="weight of the link length in the generalised cost (default: 0)")
    p_asg.add_argument("-o", "--output", type=Path, metavar="FILE",
                       help="write link flows (link, from, to, volume, cost; the network file's link order) to "
                            "this CSV file")
    p_asg.add_argument("--force", action="store_true", help="replace an existing output file")
    p_asg.add_argument("--json", action="store_true", help="print the results as JSON")
    p_run.set_defaults(handler=_cmd_run)
    p_val.set_defaults(handler=_cmd_validate)
    p_wrm.set_defaults(handler=_cmd_warmup)
    p_bld.set_defaults(handler=_cmd_building)
    p_bbr.set_defaults(handler=_cmd_bbr)
    p_sup.set_defaults(handler=_cmd_supply)
    p_asg.set_defaults(handler=_cmd_assign)


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


def warn_about(inputs) -> None:
    """Log what the scenarios probably did not mean (:func:`smartcity.scenario.scenario_warnings`)."""
    from smartcity.scenario import scenario_warnings

    for inp in inputs:
        for line in scenario_warnings(inp.resolved):
            log.warning("%s", line)


def _cmd_run(args, command: str) -> int:
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from smartcity.results import check_output_folder, write_netcdf
    from smartcity.run import default_scenarios, load_inputs, run_scenarios
    from smartcity.writing import folder_lock, write_text_atomic

    paths = args.scenarios or default_scenarios()
    out_dir: Path = args.output
    check_output_folder(out_dir, RESULT_FILE, force=args.force)
    start = time.perf_counter()
    inputs = load_inputs(paths)
    warn_about(inputs)
    with folder_lock(out_dir):
        # Again, now that the folder is ours: another run may have finished meanwhile.
        result_path = check_output_folder(out_dir, RESULT_FILE, force=args.force)
        show = not args.quiet and sys.stderr.isatty()
        with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                      console=console(stderr=True), disable=not show, transient=True) as bar:
            task = bar.add_task("simulating", total=len(inputs))
            done = {"n": 0}

            def progress(label: str, fraction: float) -> None:
                bar.update(task, description=label, completed=done["n"] + fraction)
                if fraction >= 1.0:
                    done["n"] += 1

            ds = run_scenarios(paths, command=command, progress=progress, inputs=inputs)
        written = write_netcdf(ds, result_path, force=args.force)
        try:
            for inp in inputs:  # re-runnable copies: paths relative to the output folder
                write_text_atomic(inp.resolved.to_toml(base=out_dir),
                                  out_dir / f"{inp.resolved.name}.resolved.toml", force=True)
        except BaseException:
            if not args.force:  # all or nothing (with --force the earlier result is already replaced)
                written.unlink(missing_ok=True)
            raise
    elapsed = time.perf_counter() - start
    log.info("wrote %s in %.2f s", written, elapsed)
    if not args.quiet:
        screen = console()
        screen.print(_run_summary(ds))
        screen.print(f"results: {written}  ({elapsed:.1f} s)")
    return 0


def _cmd_validate(args, command: str) -> int:
    from smartcity.inputs import RunCache, load_inputs

    failures = 0
    cache = RunCache()  # files shared by the scenarios (weather, tables, zone system) are read once
    for file in args.files:
        try:
            [inp] = load_inputs([file], cache=cache)
        except SmartcityError as exc:
            failures += 1
            print(f"error: {exc}", file=sys.stderr)
            continue
        warn_about([inp])
        model = inp.resolved.model
        if args.resolved:
            print(inp.resolved.to_toml())
        elif not args.quiet:
            console().print(
                f"ok: {file} (scenario '{model.name}', years {model.years[0]}-{model.years[-1]}, "
                f"{len(inp.buildings)} building rows, weather: {inp.weather.name})"
            )
    return 2 if failures else 0


def _cmd_warmup(args, command: str) -> int:
    from smartcity.energy import balance, heat_allocation, heat_dispatch, thermal
    from smartcity.transport import assignment, transit

    start = time.perf_counter()
    thermal.warmup()
    balance.warmup()
    heat_dispatch.warmup()
    heat_allocation.warmup()
    assignment.warmup()
    transit.warmup()
    if not args.quiet:
        print(f"kernels compiled and cached in {time.perf_counter() - start:.1f} s")
    return 0


def _cmd_building(args, command: str) -> int:
    from smartcity.energy import single_building
    from smartcity.run import run_building_file

    result = run_building_file(args.file, weather=args.weather)
    print(result.to_json() if args.json else single_building.format_result(result))
    return 0


def _cmd_supply(args, command: str) -> int:
    from smartcity.report.html import check_folder, write_folder
    from smartcity.report.supply import SUPPLY_FIGURES, dispatch_summary, network_totals, write_supply_figures
    from smartcity.run import dispatch_year

    outputs = ["figures", "supply.csv"]
    if args.output is not None:
        check_folder(args.output, outputs, force=args.force, what="a supply summary", folders=("figures",))
    inp, year, net = dispatch_year(args.scenario, args.year)
    warn_about([inp])
    name = inp.resolved.model.name
    table = dispatch_summary(net, inp.heat_units)
    if not args.quiet:
        shown = table.copy()
        for column in shown.columns[1:]:
            shown[column] = shown[column].map(lambda x: f"{x:,.1f}" if abs(x) < 100 else f"{x:,.0f}")
        shown.columns = ["kind", "heat GWh", "share %", "hours", "fuel GWh", "el. GWh", "power GWh", "CO2 t",
                         "cost kEUR"]
        print(f"district-heating dispatch of '{name}' in {year} ({inp.resolved.path})")
        print(shown.to_string())
        for label, value in network_totals(net).items():
            print(f"{label:>40}: {value:,.1f}")
    if args.output is not None:
        def build(folder):
            write_supply_figures(net, inp.heat_units, inp.weather.index, folder / "figures", title=f"{name} {year}")
            table.to_csv(folder / "supply.csv", float_format="%.6g")

        write_folder(args.output, outputs, build, force=args.force, what="a supply summary", folders=("figures",))
        if not args.quiet:
            print(f"wrote {args.output / 'supply.csv'} and {len(SUPPLY_FIGURES)} figures in {args.output / 'figures'}")
    return 0


def _cmd_bbr(args, command: str) -> int:
    from smartcity.energy import bbr

    try:
        result = bbr.import_bbr(args.extract, default_heating_system=args.default_heating)
    except InputError as exc:
        if exc.key != "default_heating_system":
            raise
        raise InputError(exc.problem, key="--default-heating", value=args.default_heating,
                         allowed=exc.allowed) from None
    written = bbr.write_buildings_csv(result.buildings, args.output, force=args.force)
    if not args.quiet:
        print(f"{result.summary()}\nwrote {written}")
    return 0


def _cmd_assign(args, command: str) -> int:
    from smartcity.transport import assignment_files

    result, written = assignment_files.run_assignment_files(
        args.network, args.trips, algorithm=args.algorithm, gap=args.gap, max_iter=args.max_iter,
        toll_factor=args.toll_factor, distance_factor=args.distance_factor, output=args.output, force=args.force,
    )
    if args.json:
        print(assignment_files.format_summary(result, written, as_json=True))
    elif not args.quiet:
        print(assignment_files.format_summary(result, written))
    if not result.converged:
        print(f"warning: stopped at --max-iter {args.max_iter} with a relative gap of {result.gap:.3e}, above "
              f"--gap {args.gap:g}: the flows{' written' if written else ''} are not an equilibrium "
              f"(exit status {NOT_CONVERGED})", file=sys.stderr)
        return NOT_CONVERGED
    return 0


#: The KPIs (``data/kpis.toml``) of the summary ``smartcity run`` prints.
