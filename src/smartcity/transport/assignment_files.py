"""``smartcity assign``: a TNTP network and trip table in, the equilibrium's summary and link flows out.

Functions
---------
run_assignment_files
    Read the files, check the options, assign, write the flows CSV atomically.
format_summary
    The scalar results as text lines or JSON.
"""

from __future__ import annotations

import math
import time
from dataclasses import replace

from smartcity.errors import InputError
from smartcity.transport.assignment import AssignmentResult, assign

__all__ = ["run_assignment_files", "format_summary"]


def run_assignment_files(
    network_file,
    trips_file,
    *,
    algorithm: str = "bfw",
    gap: float = 1e-5,
    max_iter: int = 10000,
    toll_factor: float = 0.0,
    distance_factor: float = 0.0,
    output=None,
    force: bool = False,
):
    """Read TNTP network and trips, assign, and optionally write the link flows.

    Parameters
    ----------
    network_file, trips_file : str or Path
        TNTP network (``*_net.tntp``) and trip table (``*_trips.tntp``).
    output : str or Path, optional
        CSV file for the link flows (from, to, volume, cost), written atomically.
    force : bool
        Replace an existing ``output``.
    algorithm, gap, max_iter, toll_factor, distance_factor
        As for :func:`assign`.

    Returns
    -------
    (AssignmentResult, Path or None)
        The result and the file written.

    Raises
    ------
    InputError
        For bad files or options (an option's message names it).
    """
    from smartcity.transport.network import read_tntp_network, read_tntp_trips
    from smartcity.writing import write_text_atomic

    for option, value in (("--gap", gap), ("--toll-factor", toll_factor), ("--distance-factor", distance_factor)):
        if not (isinstance(value, (int, float)) and math.isfinite(value) and value >= 0):
            raise InputError("must be a finite number >= 0", key=option, value=value, allowed="e.g. 1e-5")
    if isinstance(max_iter, bool) or not isinstance(max_iter, int) or max_iter < 1:
        raise InputError("must be an integer >= 1", key="--max-iter", value=max_iter, allowed="e.g. 10000")
    reading_start = time.perf_counter()
    network = read_tntp_network(network_file)
    demand = read_tntp_trips(trips_file, network.n_zones)
    reading_time = time.perf_counter() - reading_start
    try:
        result = assign(network, demand, algorithm=algorithm, gap=gap, max_iter=max_iter,
                        toll_factor=toll_factor, distance_factor=distance_factor)
    except InputError as exc:
        raise exc.located(file=trips_file) from None
    except ValueError as exc:
        raise InputError(str(exc)) from None
    result = replace(result, setup_time=result.setup_time + reading_time)
    written = None
    if output is not None:
        written = write_text_atomic(result.link_csv(network), output, force=force)
    return result, written


def format_summary(result: AssignmentResult, written=None, *, as_json: bool = False) -> str:
    """The scalar results as text lines or as JSON."""
    if as_json:
        import json

        summary = result.summary()
        summary["output"] = None if written is None else str(written)
        return json.dumps(summary, indent=2)
    lines = [
        f"algorithm:                {result.algorithm}",
        f"iterations:               {result.iterations}",
        f"relative gap:             {result.gap:.3e}" + ("" if result.converged else "  (not converged)"),
        f"total system travel time: {result.total_travel_time:,.3f}",
        f"Beckmann objective:       {result.beckmann_objective:,.3f}",
        f"solve time:               {result.wall_time:.3f} s",
        f"set-up time:              {result.setup_time:.3f} s (reading, checking, loading the kernels)",
    ]
    if written is not None:
        lines.append(f"link flows:               {written}")
    return "\n".join(lines)
