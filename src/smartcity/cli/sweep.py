"""The ``sweep`` command: scenarios x grid points x samples on Dask, streamed to Zarr."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from smartcity.cli._common import console
from smartcity.errors import SmartcityError
from smartcity.writing import Terminated

log = logging.getLogger("smartcity")


def add_commands(sub, common) -> None:
    """Add this group's commands to the subparsers ``sub`` (``common``: the -v/-q options)."""
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
    p_swp.add_argument("--dashboard", action="store_true",
                       help="serve Dask's dashboard of the local cluster on a random local port (printed)")
    p_swp.add_argument("--force", action="store_true",
                       help="discard a sweep store this tool wrote that holds another sweep (or this one) and "
                            "start afresh (other folders are never deleted)")
    p_swp.add_argument("--summary", action="store_true",
                       help="only print the summary of the store (no scenarios needed, nothing computed)")
    p_swp.set_defaults(handler=_cmd_sweep)


def _cmd_sweep(args, command: str) -> int:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    from smartcity.sweep import _print_summary, _require_engine, open_sweep, plan_sweep, run_sweep

    _require_engine()  # before anything imports distributed: a missing extra is one line

    if args.summary:
        _print_summary(open_sweep(args.output))
        return 0
    if not args.scenarios:
        raise SmartcityError("name the scenario files to sweep (or pass --summary to read a store)")
    if args.workers < 1:
        raise SmartcityError(f"--workers must be at least 1; got {args.workers}")
    if args.scheduler is not None:
        _check_address(args.scheduler)
    if args.samples < 0:
        raise SmartcityError(f"--samples must be >= 0; got {args.samples}")
    if not args.verbose:  # the scheduler's and workers' chatter and warnings (set on importing distributed)
        import distributed  # noqa: F401

        logging.getLogger("distributed").setLevel(logging.ERROR)
    plan = plan_sweep(args.scenarios, args.grid, args.samples, design=args.design, baseline=args.baseline)
    from smartcity.scenario import load_scenario, scenario_warnings

    for path in args.scenarios:
        for line in scenario_warnings(load_scenario(path)):
            log.warning("%s", line)
    show = not args.quiet and sys.stderr.isatty()
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console(stderr=True), disable=not show, transient=True) as bar:
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
                               scheduler=args.scheduler, force=args.force, on_progress=progress, on_failure=failure,
                               dashboard=args.dashboard)
        except KeyboardInterrupt as exc:
            how = "terminated" if isinstance(exc, Terminated) else "interrupted"
            print(f"{how}; the finished tasks are kept in {args.output}: run the same command again to "
                  "resume", file=sys.stderr)
            return 143 if isinstance(exc, Terminated) else 130
    if not args.quiet:
        repaired = f" ({report.damaged} with damaged results computed again)" if report.damaged else ""
        print(f"sweep {report.path}: {report.n_tasks} tasks, {report.already_done} done before{repaired}, "
              f"{report.computed} computed, {len(report.failed)} failed in {report.wall_s:.1f} s")
        _print_summary(open_sweep(report.path))
    return 2 if report.failed else 0


def _check_address(address: str) -> None:
    """Refuse a ``--scheduler`` value that is not an address before anything is written."""
    from distributed.comm import parse_address
    from distributed.comm.addressing import parse_host_port

    try:
        _, location = parse_address(address)
        parse_host_port(location)
    except ValueError as exc:
        raise SmartcityError(f"--scheduler {address}: not a scheduler address ({exc}); give e.g. "
                             "tcp://host:8786") from None
