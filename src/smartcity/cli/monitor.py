"""Commands of measurement and verification: ``monitor`` and ``monitor-demo``."""

from __future__ import annotations

import logging
from pathlib import Path

from smartcity.errors import SmartcityError

log = logging.getLogger("smartcity")


def add_commands(sub, common) -> None:
    """Add this group's commands to the subparsers ``sub`` (``common``: the -v/-q options)."""
    p_mon = sub.add_parser("monitor", parents=[common], help="measured savings and progress against the plan",
                           description="Turn measured data into weather-normalised savings (change-point baselines, "
                                       "ASHRAE Guideline 14 statistics) and progress against a scenario: tables and "
                                       "an HTML report. The scenario file runs together with the root of its "
                                       "'extends' chain (the baseline); a results file must hold both. Data problems "
                                       "are reported; unusable data stop with one line and exit status 2. See "
                                       "docs/monitoring.md; try it with 'smartcity monitor-demo'.")
    p_mon.add_argument("scenario", type=Path, metavar="SCENARIO",
                       help="scenario TOML file (e.g. lighthouse.toml) or results file (.nc) "
                            "holding it and its baseline")
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
                            "last twelve months with enough data before each meter's measure date)")
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
    p_mon.set_defaults(handler=_cmd_monitor)
    p_dem.set_defaults(handler=_cmd_monitor)


def _plan(load_plan, path: Path, hint: str = " (choose with --scenario-name)", **options):
    """``load_plan(path, **options)``; a results file that does not hold the scenarios asked
    for is named in the message, followed by ``hint``."""
    from smartcity.errors import InputError

    try:
        return load_plan(path, **options)
    except InputError:
        raise
    except SmartcityError as exc:
        message = str(exc)
        if message.startswith("the results hold"):
            raise SmartcityError(f"{path}: {message}{hint}") from None
        raise


def _cmd_monitor(args, command: str) -> int:
    """``smartcity monitor`` and ``smartcity monitor-demo``."""
    import numpy as np
    import pandas as pd

    from smartcity.monitoring import readers as md

    if args.command == "monitor-demo":
        from smartcity.monitoring import demo
        from smartcity.run import load_plan

        out: Path = args.output
        if args.seed < 0:
            raise SmartcityError(f"--seed must be 0 or more; got {args.seed}")
        if out.exists() and not out.is_dir():
            raise SmartcityError(f"{out}: the output folder is a file; choose another folder with -o")
        taken = [out / n for n in demo.DEMO_FILES if (out / n).exists()]
        if taken and not args.force:
            raise SmartcityError(f"{taken[0]}: file already exists; pass --force to replace the demo files")
        if args.results is not None:
            source = args.results
            plan = _plan(load_plan, source, hint="", scenario="lighthouse", hourly=demo.DEMO_HOURLY)
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

    from smartcity.monitoring.levels import correct_unit_switches
    from smartcity.monitoring.report import (
        check_report_target,
        monitoring_report,
        quality_summary,
    )
    from smartcity.monitoring.savings import typical_temperature
    from smartcity.run import load_plan

    def period(text, option):
        if text is None:
            return None
        parts = text.split(":")
        try:
            if len(parts) != 2:
                raise ValueError
            start, end = (np.datetime64(p.strip(), "D") for p in parts)
        except ValueError:
            raise SmartcityError(f"{option}: {text!r} is not a period; give START:END as ISO dates, e.g. "
                                 "2016-01-01:2017-01-01") from None
        if end <= start:
            raise SmartcityError(f"{option}: the period {start} to {end} ends before it starts; give START:END "
                                 "with END after START (END excluded)")
        return start, end

    baseline, reporting = period(args.baseline, "--baseline"), period(args.reporting, "--reporting")
    if not 0.0 < args.confidence < 1.0:
        raise SmartcityError(f"--confidence must lie strictly between 0 and 1; got {args.confidence}")
    if args.weather is None:
        raise SmartcityError("--weather FILE is needed: meter readings are weather-adjusted with the measured "
                             "outdoor temperature of the same days")
    readings = md.read_meter_readings(args.meters)
    weather = md.read_measured_weather(args.weather)
    readings = correct_unit_switches(readings, weather.daily)  # its issues join the readings' report
    typical = typical_temperature(args.typical_year)
    for report in (readings.report, weather.report):
        if len(report) and not args.quiet:
            print(quality_summary(report))
    check_report_target(args.output, args.force)
    plan = _plan(load_plan, args.scenario, scenario=args.scenario_name, command=command)
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
