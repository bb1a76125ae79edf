"""Side by side on this machine: smartcity's and AequilibraE's bi-conjugate Frank-Wolfe on Sioux Falls.

Usage::

    pip install -e ".[bench,compare]"                       # compare = aequilibrae==1.7.2
    python benchmarks/bench_aequilibrae.py                   # table on stdout
    python benchmarks/bench_aequilibrae.py --json out.json   # and the rows as JSON
    python benchmarks/bench_aequilibrae.py --gaps 1e-4 1e-5 --repeats 5
    python benchmarks/bench_aequilibrae.py --synthetic all --gaps 1e-5 --repeats 2   # larger networks

The module is also collected by ``benchmarks/run.py`` (pytest-benchmark, one benchmark per
engine and gap) in the full run only: it is skipped with ``--quick`` and, with a message,
when aequilibrae is not installed.

What is compared
----------------
Both solve the TNTP Sioux Falls network (``tests/data/tntp/SiouxFalls``, the files the
tests read; source and terms in its ``PROVENANCE.md``) with the BPR parameters of the file
(b = 0.15, power = 4), the same trip table, on one core, to relative gaps 1e-4, 1e-5 and 1e-6:

- smartcity: :func:`smartcity.transport.assignment.assign` with ``algorithm="bfw"``, numba
  limited to one thread (``numba.set_num_threads(1)``) and, for reference, two threads.
  Sioux Falls (24 zones × 76 links) is below the kernels' parallel threshold, so both use
  the serial all-or-nothing kernel and should time alike. Timed warm: the first call
  (compilation, or loading from numba's cache) is excluded; the time is the whole
  ``assign`` call.
- AequilibraE: ``TrafficAssignment`` with ``set_algorithm("bfw")``, ``set_cores(1)`` (called
  before ``set_algorithm``: the algorithm object copies the core count when it is made, and
  set afterwards its own vector operations keep running on every core), BPR with
  ``alpha = b`` and ``beta = power`` from the links, ``max_iter`` 10,000. The graph is
  built from the TNTP links as a DataFrame (``Graph.network``, ``prepare_graph`` on the
  24 centroids) and the demand is an in-memory ``AequilibraeMatrix``: no project, no file
  is written. Only ``assignment.execute()`` is timed; excluded are importing aequilibrae,
  building and preparing the graph, creating the matrix, setting up the
  ``TrafficAssignment`` and ``TrafficClass`` (a new pair for every timed run), one short
  warm-up assignment, and reading the results afterwards. Progress bars are off
  (``AEQ_SHOW_PROGRESS=FALSE``) and the ``aequilibrae`` logger does not propagate while
  timed (without a project it has no handler of its own; inside pytest the root logger's
  capture handlers would otherwise format every iteration's line).
- Centroids: TNTP forbids paths through nodes numbered below ``<FIRST THRU NODE>``;
  AequilibraE blocks all centroids or none (``set_blocked_centroid_flows``). Sioux Falls
  has first thru node 1, so nothing is blocked in either; a network whose rule cannot be
  expressed that way is refused.

Relative gaps
-------------
smartcity's gap at flows x is ``(x·c(x) − y·c(x)) / x·c(x)`` with ``y`` the all-or-nothing
loading on the costs ``c(x)`` of x itself. AequilibraE's ``rgap`` after iteration k is
``|c(x_{k-1})·x_k − c(x_{k-1})·y_{k-1}| / c(x_{k-1})·x_k``: the costs and the all-or-nothing
loading are those of the previous iterate, the flows the new one's (``check_convergence``
runs before the costs are refreshed). The definitions differ, so each engine's final flows
are also scored with smartcity's definition (``gap_common``), and the smartcity time to
reach the gap AequilibraE actually achieved in that definition is reported as the
equal-accuracy comparison.

Scores of the final flows: link-flow RMSE against the best-known flows
(``SiouxFalls_flow.tntp``) and the Beckmann objective (best known 4,231,335.287).

Larger networks (``--synthetic``)
---------------------------------
Seeded synthetic networks of ``benchmarks/city_network.py`` with the zone, node and link
counts of the public TNTP networks at which the assignment's lead over AequilibraE was
measured to shrink (Anaheim-like: 38 zones, 416 nodes, 914 links; Chicago-Sketch-like: 387
zones, 933 nodes, 2,950 links; Winnipeg-like: 147 zones, 1,052 nodes, 2,836 links; a
1,000-node, 2,500-link network with 100 zones) and the city size (865 zones, about 13,000
nodes and 29,000 links, 6.6 % of the zone pairs with trips). Only the sizes are those
networks'; the streets are a random planar graph (the spanning tree makes some link counts
a little higher than asked). Zones are centroids that paths do not pass through, so
AequilibraE blocks centroid flows. Each engine runs bi-conjugate Frank-Wolfe on one core to
each gap; the rows give the time, the iterations, the time per iteration, each engine's
final Beckmann objective and its gap in smartcity's definition. A synthetic network has
no best-known flows: the RMSE column is against the other engine's flows.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import logging
import os
import platform
import statistics
import sys
import time
import warnings
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd

from smartcity.transport.assignment import (
    all_or_nothing,
    assign,
    beckmann_objective,
    link_times,
)
from smartcity.transport.network import (
    read_tntp_flows,
    read_tntp_network,
    read_tntp_trips,
)

ROOT = Path(__file__).resolve().parents[1]

QUICK = os.environ.get("SMARTCITY_BENCH_QUICK") == "1"
SIOUX_FALLS = ROOT / "tests" / "data" / "tntp" / "SiouxFalls"
GAPS = (1e-4, 1e-5, 1e-6)
MAX_ITER = 10_000
AEQ_REPEATS = 3                  # timed AequilibraE runs per gap (script)
SMARTCITY_MIN_REPEATS = 5        # timed smartcity runs per gap: at least this many ...
SMARTCITY_MIN_SECONDS = 1.0      # ... and until this much time is spent (at most 200 runs)
SMARTCITY_1 = "smartcity_1_thread"
SMARTCITY_2 = "smartcity_2_threads"
AEQ = "aequilibrae_1_core"
ENGINES = (SMARTCITY_1, SMARTCITY_2, AEQ)


# --------------------------------------------------------------------------------------
# Inputs and scores
# --------------------------------------------------------------------------------------


def aequilibrae_missing() -> str | None:
    """Why AequilibraE cannot be used (None when it imports)."""
    os.environ.setdefault("AEQ_SHOW_PROGRESS", "FALSE")  # read once, when aequilibrae is imported
    try:
        import aequilibrae.paths  # noqa: F401
        from aequilibrae.matrix import AequilibraeMatrix  # noqa: F401
    except ImportError as exc:
        return f"aequilibrae is not installed ({exc}); pip install -e '.[compare]'"
    from aequilibrae.utils import python_signal

    python_signal.show_status = False  # also when aequilibrae was imported before, with bars on
    return None


def load_sioux_falls():
    """Network, demand, best-known flows in the network's link order."""
    net = read_tntp_network(SIOUX_FALLS / "SiouxFalls_net.tntp")
    demand = read_tntp_trips(SIOUX_FALLS / "SiouxFalls_trips.tntp", net.n_zones)
    best = read_tntp_flows(SIOUX_FALLS / "SiouxFalls_flow.tntp")
    volume = {(int(a), int(b)): float(v) for a, b, v in zip(best["from"], best["to"], best["volume"])}
    best_flows = np.array([volume[(int(a), int(b))] for a, b in zip(net.init_node, net.term_node)])
    return net, demand, best_flows


def common_gap(net, demand, flows) -> float:
    """smartcity's relative gap of ``flows``: costs and all-or-nothing loading at the flows themselves."""
    x = np.asarray(flows, dtype=np.float64)
    cost = link_times(net, x)
    y = all_or_nothing(net, demand, cost)
    total = float(x @ cost)
    return (total - float(y @ cost)) / total


def scores(net, demand, flows, best_flows) -> dict:
    return {
        "gap_common": common_gap(net, demand, flows),
        "rmse_vs_best_veh": float(np.sqrt(np.mean((np.asarray(flows) - best_flows) ** 2))),
        "beckmann_objective": beckmann_objective(net, flows),
    }


# --------------------------------------------------------------------------------------
# The two engines
# --------------------------------------------------------------------------------------


@contextlib.contextmanager
def numba_threads(n: int):
    """Run with ``n`` numba threads, restoring the previous number afterwards."""
    import numba

    if n > numba.config.NUMBA_NUM_THREADS:
        raise RuntimeError(f"{n} numba threads asked, {numba.config.NUMBA_NUM_THREADS} available")
    previous = numba.get_num_threads()
    numba.set_num_threads(n)
    try:
        yield
    finally:
        numba.set_num_threads(previous)


def run_smartcity(net, demand, gap):
    """One timed smartcity assignment: (seconds, AssignmentResult)."""
    start = time.perf_counter()
    result = assign(net, demand, algorithm="bfw", gap=gap, max_iter=MAX_ITER)
    return time.perf_counter() - start, result


class AequilibraeModel:
    """AequilibraE's graph and demand for a TNTP network, built once (not timed)."""

    def __init__(self, net, demand, cores: int = 1):
        reason = aequilibrae_missing()
        if reason:
            raise RuntimeError(reason)
        from aequilibrae.matrix import AequilibraeMatrix
        from aequilibrae.paths import Graph

        if net.first_thru_node == 1:
            block = False
        elif net.first_thru_node == net.n_zones + 1:
            block = True
        else:
            raise ValueError(f"first thru node {net.first_thru_node}: AequilibraE blocks all {net.n_zones} "
                             "centroids or none, which cannot express this TNTP rule")
        self.cores = cores
        self.link_ids = np.arange(1, net.n_links + 1)  # AequilibraE link i is smartcity link i - 1
        links = pd.DataFrame({
            "link_id": self.link_ids, "a_node": net.init_node, "b_node": net.term_node,
            "direction": np.ones(net.n_links, dtype=np.int8), "free_flow_time": net.free_flow_time,
            "capacity": net.capacity, "b": net.b, "power": net.power,
        })
        centroids = np.arange(1, net.n_zones + 1, dtype=np.int64)
        with quiet_aequilibrae():
            graph = Graph()
            graph.network = links
            graph.prepare_graph(centroids)
            graph.set_graph("free_flow_time")
            graph.set_skimming([])
            graph.set_blocked_centroid_flows(block)
            matrix = AequilibraeMatrix()
            matrix.create_empty(memory_only=True, zones=net.n_zones, matrix_names=["demand"])
            matrix.index[:] = centroids
            matrix.matrices[:, :, 0] = demand
            matrix.computational_view(["demand"])
        self.graph, self.matrix, self.blocked = graph, matrix, block

    def assignment(self, gap: float, max_iter: int = MAX_ITER):
        """A new TrafficAssignment ready to execute (not timed)."""
        from aequilibrae.paths import TrafficAssignment, TrafficClass

        with quiet_aequilibrae():
            assig = TrafficAssignment()
            assig.set_classes([TrafficClass("car", self.graph, self.matrix)])
            assig.set_cores(self.cores)  # before set_algorithm, which copies the core count
            assig.set_vdf("BPR")
            assig.set_vdf_parameters({"alpha": "b", "beta": "power"})
            assig.set_capacity_field("capacity")
            assig.set_time_field("free_flow_time")
            assig.set_algorithm("bfw")
        assig.max_iter = int(max_iter)
        assig.rgap_target = float(gap)
        if assig.assignment.cores != self.cores:
            raise RuntimeError(f"AequilibraE runs on {assig.assignment.cores} cores, not {self.cores}")
        return assig

    def flows(self, assig) -> np.ndarray:
        """Final link flows in smartcity's link order."""
        with quiet_aequilibrae():
            table = assig.results()
        return table["demand_tot"].reindex(self.link_ids).to_numpy(dtype=np.float64)

    def warmup(self) -> None:
        with quiet_aequilibrae():
            self.assignment(1e-4, max_iter=3).execute()


@contextlib.contextmanager
def quiet_aequilibrae():
    """Keep the aequilibrae logger's per-iteration records out of other handlers (pytest's capture) and stderr,
    and ignore the deprecation warnings of its pandas and numpy calls (the test suite turns warnings into errors)."""
    logger = logging.getLogger("aequilibrae")
    previous = logger.propagate
    sink = logging.NullHandler()
    logger.propagate = False
    logger.addHandler(sink)  # else logging's last resort prints the warm-up's "RGap was NOT reached"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            warnings.simplefilter("ignore", FutureWarning)
            yield
    finally:
        logger.removeHandler(sink)
        logger.propagate = previous


def run_aequilibrae(model: AequilibraeModel, gap: float):
    """One timed AequilibraE assignment: (seconds of execute(), the TrafficAssignment)."""
    assig = model.assignment(gap)
    with quiet_aequilibrae():
        start = time.perf_counter()
        assig.execute()
        seconds = time.perf_counter() - start
    return seconds, assig


# --------------------------------------------------------------------------------------
# The comparison (script)
# --------------------------------------------------------------------------------------


def _timing(times: list[float]) -> dict:
    return {"time_median_s": statistics.median(times), "time_min_s": min(times), "runs": len(times)}


def _smartcity_rows(net, demand, best_flows, gap, threads) -> dict:
    with numba_threads(threads):
        run_smartcity(net, demand, gap)  # warm: compile or load the kernels, touch the buffers
        times, spent = [], 0.0
        while len(times) < SMARTCITY_MIN_REPEATS or (spent < SMARTCITY_MIN_SECONDS and len(times) < 200):
            seconds, result = run_smartcity(net, demand, gap)
            times.append(seconds)
            spent += seconds
    row = {"engine": SMARTCITY_1 if threads == 1 else SMARTCITY_2, "target_gap": gap,
           "iterations": result.iterations, "gap_reported": result.gap, "converged": result.converged}
    row.update(scores(net, demand, result.flows, best_flows))
    row.update(_timing(times))
    return row


def compare(gaps=GAPS, repeats: int = AEQ_REPEATS, two_threads: bool = True) -> dict:
    """Run the comparison; return a JSON-friendly dict with one row per engine and gap."""
    import numba

    net, demand, best_flows = load_sioux_falls()
    model = AequilibraeModel(net, demand, cores=1)
    model.warmup()
    load_before = os.getloadavg()
    rows = []
    for gap in gaps:
        sc1 = _smartcity_rows(net, demand, best_flows, gap, 1)
        rows.append(sc1)
        if two_threads and numba.config.NUMBA_NUM_THREADS >= 2:
            rows.append(_smartcity_rows(net, demand, best_flows, gap, 2))
        times = []
        for _ in range(repeats):
            seconds, assig = run_aequilibrae(model, gap)
            times.append(seconds)
        flows = model.flows(assig)
        aeq = {"engine": AEQ, "target_gap": gap, "iterations": int(assig.assignment.iter),
               "gap_reported": float(assig.assignment.rgap),
               "converged": bool(assig.assignment.rgap <= gap)}
        aeq.update(scores(net, demand, flows, best_flows))
        aeq.update(_timing(times))
        aeq["speed_ratio_vs_smartcity_1_thread"] = aeq["time_median_s"] / sc1["time_median_s"]
        aeq["speed_ratio_min_times"] = aeq["time_min_s"] / sc1["time_min_s"]
        # equal accuracy: smartcity stopped at the gap AequilibraE's final flows reach in smartcity's definition
        equal = _smartcity_rows(net, demand, best_flows, aeq["gap_common"], 1)
        equal["engine"] = SMARTCITY_1 + "_to_aequilibrae_common_gap"
        equal["target_gap"] = gap
        equal["stopping_gap"] = aeq["gap_common"]
        aeq["speed_ratio_equal_accuracy"] = aeq["time_median_s"] / equal["time_median_s"]
        rows += [aeq, equal]
    versions = {"python": platform.python_version(), "numba": numba.__version__, "numpy": np.__version__}
    for dist in ("smartcity", "aequilibrae"):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = None
    return {
        "benchmark": "sioux_falls_bfw_smartcity_vs_aequilibrae",
        "datetime": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": {"platform": platform.platform(), "processor": platform.processor() or platform.machine(),
                    "cpu_count": os.cpu_count(), "load_average_before": load_before,
                    "load_average_after": os.getloadavg()},
        "versions": versions,
        "network": {"zones": net.n_zones, "nodes": net.n_nodes, "links": net.n_links,
                    "trips": float(demand.sum()), "first_thru_node": net.first_thru_node,
                    "centroid_flows_blocked": model.blocked},
        "best_known": {"beckmann_objective": beckmann_objective(net, best_flows)},
        "notes": {
            "smartcity_time": "whole assign() call, warm (first call excluded); median and min of the runs",
            "aequilibrae_time": "assignment.execute() only; excluded: import, graph and matrix building, "
                                "TrafficAssignment/TrafficClass set-up (new pair per run), one warm-up "
                                "assignment of 3 iterations, reading results; no project, progress bars off, "
                                "logger not propagating",
            "gap_reported": "each engine's own stopping value; AequilibraE's rgap uses the previous iterate's "
                            "costs and all-or-nothing loading with the new flows",
            "gap_common": "smartcity's definition on the final flows of each engine",
            "speed_ratio_vs_smartcity_1_thread": "AequilibraE median / smartcity one-thread median, same target gap",
            "speed_ratio_min_times": "the same with the fastest run of each (less sensitive to other load)",
            "speed_ratio_equal_accuracy": "AequilibraE median / smartcity one-thread median when smartcity stops "
                                          "at the common-definition gap AequilibraE reached",
        },
        "rows": rows,
    }


#: Synthetic networks: name -> (zones, road nodes, links asked, share of zone pairs with trips,
#: trips [veh/h]). The trips load each network to a total travel time about 1.3–1.6 times the
#: free-flow one (measured with ``total_travel_time / (flows · free_flow_time)`` at gap 1e-5).
SYNTHETIC = {
    "anaheim-size": (38, 378, 914, 1.0, 6_000.0),
    "1000-nodes": (100, 900, 2_500, 1.0, 6_000.0),
    "chicago-sketch-size": (387, 546, 2_950, 1.0, 7_000.0),
    "winnipeg-size": (147, 905, 2_836, 1.0, 6_000.0),
    "city": (865, 12_100, 28_400, 0.066, 12_000.0),
}


def synthetic_network(name: str):
    """The seeded synthetic network ``name`` of :data:`SYNTHETIC` and its trips."""
    if str(ROOT) not in sys.path:  # run as a script: the repository's root holds the benchmarks package
        sys.path.insert(0, str(ROOT))
    from benchmarks.city_network import city_network

    zones, road_nodes, links, share, trips = SYNTHETIC[name]
    return city_network(zones, road_nodes, links, share, total_trips=trips)


def compare_synthetic(names, gaps, repeats: int) -> dict:
    """Both engines on the synthetic networks ``names``: one row per network, gap and engine."""
    import numba

    rows, load_before = [], os.getloadavg()
    for name in names:
        net, demand = synthetic_network(name)
        model = AequilibraeModel(net, demand, cores=1)
        model.warmup()
        for gap in gaps:
            with numba_threads(1):
                assign(net, demand, algorithm="bfw", gap=gap, max_iter=3)  # load the kernels, touch the buffers
                timed = [run_smartcity(net, demand, gap) for _ in range(repeats)]
            result = timed[-1][1]
            aeq_timed = [run_aequilibrae(model, gap) for _ in range(repeats)]
            assig = aeq_timed[-1][1]
            aeq_flows = model.flows(assig)
            size = {"network": name, "zones": net.n_zones, "nodes": net.n_nodes, "links": net.n_links,
                    "od_pairs_with_trips": int(np.count_nonzero(demand)), "target_gap": gap}
            ours = dict(size, engine=SMARTCITY_1, iterations=result.iterations, gap_reported=result.gap,
                        gap_common=common_gap(net, demand, result.flows),
                        beckmann_objective=beckmann_objective(net, result.flows),
                        rmse_vs_other_veh=float(np.sqrt(np.mean((result.flows - aeq_flows) ** 2))),
                        **_timing([t for t, _ in timed]))
            theirs = dict(size, engine=AEQ, iterations=int(assig.assignment.iter),
                          gap_reported=float(assig.assignment.rgap), gap_common=common_gap(net, demand, aeq_flows),
                          beckmann_objective=beckmann_objective(net, aeq_flows),
                          rmse_vs_other_veh=ours["rmse_vs_other_veh"], **_timing([t for t, _ in aeq_timed]))
            for row in (ours, theirs):
                row["time_per_iteration_s"] = row["time_median_s"] / max(row["iterations"], 1)
            theirs["speed_ratio"] = theirs["time_median_s"] / ours["time_median_s"]
            theirs["speed_ratio_per_iteration"] = theirs["time_per_iteration_s"] / ours["time_per_iteration_s"]
            rows += [ours, theirs]
            print(format_synthetic({"rows": [ours, theirs]}, header=not rows[:-2]), flush=True)
    return {
        "benchmark": "synthetic_networks_bfw_smartcity_vs_aequilibrae",
        "datetime": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": {"platform": platform.platform(), "cpu_count": os.cpu_count(),
                    "load_average_before": load_before, "load_average_after": os.getloadavg()},
        "versions": {"numba": numba.__version__, "aequilibrae": metadata.version("aequilibrae")},
        "notes": {"time": "median of the runs; smartcity the whole assign() call on one numba thread, "
                          "AequilibraE execute() only on one core",
                  "speed_ratio": "AequilibraE median / smartcity median; per iteration: the same per iteration"},
        "rows": rows,
    }


def format_synthetic(report: dict, header: bool = True) -> str:
    head = (f"{'network':<20} {'zones':>5} {'nodes':>6} {'links':>6} {'gap':>6} {'engine':<19} {'iter':>5} "
            f"{'median s':>9} {'s/iter':>8} {'gap (common)':>12} {'Beckmann':>17} {'RMSE':>7} {'AEQ/this':>9} "
            f"{'per it.':>8}")
    lines = [head, "-" * len(head)] if header else []
    rows = report["rows"]
    for ours, theirs in zip(rows[::2], rows[1::2]):
        for r in (ours, theirs):
            ratio = f"{theirs['speed_ratio']:.1f}×" if r is ours else ""
            per = f"{theirs['speed_ratio_per_iteration']:.1f}×" if r is ours else ""
            lines.append(
                f"{r['network']:<20} {r['zones']:>5} {r['nodes']:>6} {r['links']:>6} {r['target_gap']:>6.0e} "
                f"{r['engine']:<19} {r['iterations']:>5} {r['time_median_s']:>9.3f} "
                f"{r['time_per_iteration_s']:>8.4f} {r['gap_common']:>12.2e} {r['beckmann_objective']:>17,.1f} "
                f"{r['rmse_vs_other_veh']:>7.2f} {ratio:>9} {per:>8}")
    return "\n".join(lines)


def format_table(report: dict) -> str:
    best = report["best_known"]["beckmann_objective"]
    head = (f"{'gap':>6} {'engine':<44} {'iter':>5} {'gap (own)':>10} {'gap (common)':>12} "
            f"{'median s':>9} {'min s':>9} {'RMSE veh':>9} {'Beckmann':>15} {'Δ best':>9} "
            f"{'AEQ/this':>9} {'(min)':>7}")
    lines = [head, "-" * len(head)]
    by_gap: dict[float, list] = {}
    for row in report["rows"]:
        by_gap.setdefault(row["target_gap"], []).append(row)
    for gap, rows in by_gap.items():
        aeq = next((r for r in rows if r["engine"] == AEQ), None)
        for r in rows:
            ratio = ratio_min = ""
            if aeq is not None and r["engine"] != AEQ:
                ratio = f"{aeq['time_median_s'] / r['time_median_s']:,.0f}×"
                ratio_min = f"{aeq['time_min_s'] / r['time_min_s']:,.0f}×"
            name = r["engine"]
            if "stopping_gap" in r:
                name = f"smartcity_1_thread, stops at {r['stopping_gap']:.2e}"
            lines.append(
                f"{gap:>6.0e} {name:<44} {r['iterations']:>5} {r['gap_reported']:>10.2e} {r['gap_common']:>12.2e} "
                f"{r['time_median_s']:>9.4f} {r['time_min_s']:>9.4f} {r['rmse_vs_best_veh']:>9.2f} "
                f"{r['beckmann_objective']:>15,.1f} {r['beckmann_objective'] - best:>+9.2f} {ratio:>9} {ratio_min:>7}")
    m, v = report["machine"], report["versions"]
    lines += [
        "",
        f"best-known Beckmann objective {best:,.3f}; Δ best = objective − best known",
        ("AEQ/this = AequilibraE median time / this row's median time, (min) the same with the fastest runs; "
         "one core each unless marked"),
        (f"aequilibrae {v['aequilibrae']}, numba {v['numba']}, numpy {v['numpy']}, Python {v['python']}; "
         f"{m['cpu_count']} CPUs, load average before {m['load_average_before'][0]:.2f}, "
         f"after {m['load_average_after'][0]:.2f}"),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    parser.add_argument("--gaps", type=float, nargs="+", default=list(GAPS),
                        help="relative gaps (default: %(default)s)")
    parser.add_argument("--repeats", type=int, default=AEQ_REPEATS, help="timed AequilibraE runs per gap")
    parser.add_argument("--no-two-threads", action="store_true", help="skip the smartcity two-thread rows")
    parser.add_argument("--synthetic", nargs="+", metavar="NAME", choices=[*SYNTHETIC, "all"],
                        help=f"instead of Sioux Falls, the synthetic networks ({', '.join(SYNTHETIC)}, or all)")
    args = parser.parse_args(argv)
    reason = aequilibrae_missing()
    if reason:
        print(f"bench_aequilibrae: skipped: {reason}")
        return 0
    if args.synthetic:
        names = list(SYNTHETIC) if "all" in args.synthetic else args.synthetic
        report = compare_synthetic(names, args.gaps, max(1, args.repeats))
    else:
        report = compare(args.gaps, max(1, args.repeats), two_threads=not args.no_two_threads)
        print(format_table(report))
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        print(f"results: {args.json}")
    return 0


# --------------------------------------------------------------------------------------
# pytest-benchmark (benchmarks/run.py, full run only)
# --------------------------------------------------------------------------------------

try:
    import pytest
except ImportError:  # the script needs no pytest
    pytest = None

if pytest is not None:

    @pytest.fixture(scope="module")
    def sioux_falls_aeq():
        if QUICK:
            pytest.skip("AequilibraE comparison: full run only (seconds per gap), not --quick")
        reason = aequilibrae_missing()
        if reason:
            pytest.skip(f"AequilibraE comparison skipped: {reason}")
        net, demand, best_flows = load_sioux_falls()
        model = AequilibraeModel(net, demand, cores=1)
        model.warmup()
        return net, demand, best_flows, model

    def _record(benchmark, net, engine, gap, iterations, gap_reported, extra):
        benchmark.extra_info.update({
            "comparison": f"sioux_falls_bfw_gap_{gap:g}", "engine": engine, "target_gap": gap,
            "iterations": int(iterations), "gap_reported": float(gap_reported),
            "link_iterations": net.n_links * int(iterations), "n_links": net.n_links, "n_zones": net.n_zones,
        })
        benchmark.extra_info.update(extra)

    @pytest.mark.parametrize("engine", ENGINES)
    @pytest.mark.parametrize("gap", GAPS, ids=lambda g: f"{g:.0e}")
    def test_sioux_falls_vs_aequilibrae(benchmark, sioux_falls_aeq, gap, engine):
        """One engine to one relative gap; run.py prints the AequilibraE / smartcity ratio of each gap."""
        net, demand, best_flows, model = sioux_falls_aeq
        if engine == AEQ:
            runs = []

            def setup():
                runs.append(model.assignment(gap))
                return (runs[-1],), {}

            def execute(assig):
                with quiet_aequilibrae():
                    assig.execute()

            benchmark.pedantic(execute, setup=setup, rounds=2 if gap < 1e-5 else 3, iterations=1)
            assig = runs[-1]
            flows = model.flows(assig)
            _record(benchmark, net, engine, gap, assig.assignment.iter, assig.assignment.rgap,
                    scores(net, demand, flows, best_flows))
            return
        import numba

        threads = 1 if engine == SMARTCITY_1 else 2
        if threads > numba.config.NUMBA_NUM_THREADS:
            pytest.skip(f"{threads} numba threads asked, {numba.config.NUMBA_NUM_THREADS} available")
        with numba_threads(threads):
            assign(net, demand, algorithm="bfw", gap=gap, max_iter=5)  # compile or load before timing
            result = benchmark(assign, net, demand, algorithm="bfw", gap=gap, max_iter=MAX_ITER)
        _record(benchmark, net, engine, gap, result.iterations, result.gap,
                scores(net, demand, result.flows, best_flows))
        assert result.converged


if __name__ == "__main__":
    sys.exit(main())
