"""Static user-equilibrium assignment: published Sioux Falls figures, analytic
equilibria, the numba kernels against scipy, determinism, and the command line."""

from __future__ import annotations

import json
from pathlib import Path

import numba
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smartcity.cli import main
from smartcity.errors import InputError
from smartcity.transport import _kernels, assignment
from smartcity.transport.assignment import (
    all_or_nothing,
    assign,
    beckmann_objective,
    link_times,
    shortest_paths,
)
from smartcity.transport.network import (
    network_from_arrays,
    read_tntp_flows,
    read_tntp_network,
    read_tntp_trips,
)
from tests.transport.reference_assignment import (
    centroid_network,
    random_network,
    reference_all_or_nothing,
    reference_frank_wolfe,
    reference_shortest_paths,
)

SIOUX_FALLS = Path(__file__).resolve().parents[1] / "data" / "tntp" / "SiouxFalls"

# Best-known Beckmann objective of Sioux Falls (TNTP). Units follow the flow file: link
# flows in vehicles per hour (the trip table is 1/10 of the published daily flows, read
# as hourly) times free-flow times in the file's time unit of 0.01 h, integrated over the
# flow: sum over links of t0 x + t0 b c / (p + 1) (x / c) ** (p + 1). Evaluating that
# integral at the flows of SiouxFalls_flow.tntp gives 4,231,335.287 to the last digit,
# and sum(x * cost) of the file gives the total system travel time 7,480,225.345.
SIOUX_FALLS_OBJECTIVE = 4_231_335.287
SIOUX_FALLS_TSTT = 7_480_225.35


@pytest.fixture(scope="module")
def sioux_falls():
    net = read_tntp_network(SIOUX_FALLS / "SiouxFalls_net.tntp")
    demand = read_tntp_trips(SIOUX_FALLS / "SiouxFalls_trips.tntp", net.n_zones)
    best = read_tntp_flows(SIOUX_FALLS / "SiouxFalls_flow.tntp")
    return net, demand, best


def test_objective_convention_matches_the_best_known_flows(sioux_falls):
    net, _, best = sioux_falls
    x = best["volume"].to_numpy()
    assert beckmann_objective(net, x) == pytest.approx(SIOUX_FALLS_OBJECTIVE, rel=1e-9)
    assert float(x @ link_times(net, x)) == pytest.approx(SIOUX_FALLS_TSTT, rel=1e-8)
    np.testing.assert_allclose(link_times(net, x), best["cost"].to_numpy(), rtol=1e-9)


SIOUX_FALLS_GAPS = (1e-4, 1e-5, 1e-6)


@pytest.fixture(scope="module")
def sioux_falls_bfw(sioux_falls):
    """Bi-conjugate Frank-Wolfe on Sioux Falls to each of SIOUX_FALLS_GAPS."""
    net, demand, _ = sioux_falls
    return {gap: assign(net, demand, algorithm="bfw", gap=gap) for gap in SIOUX_FALLS_GAPS}


@pytest.mark.parametrize("gap", SIOUX_FALLS_GAPS)
def test_sioux_falls_bfw_objective_is_within_the_gap_bound(sioux_falls, sioux_falls_bfw, gap):
    """At relative gap g the Beckmann objective is at most g x TSTT above the optimum.

    The objective f is convex and its gradient is the link times c(x). So for the
    all-or-nothing loading y on c(x), f* >= f(x) + c(x) . (y - x), which gives
    f(x) - f* <= TSTT - SPTT = g TSTT. This is the duality gap that the relative gap
    measures. The gap is recomputed here from the flows, not taken from the solver.
    """
    net, demand, _ = sioux_falls
    result = sioux_falls_bfw[gap]
    x = result.flows
    times = link_times(net, x)
    tstt = float(x @ times)
    sptt = float(all_or_nothing(net, demand, times) @ times)
    assert result.converged and (tstt - sptt) / tstt <= gap
    assert result.gap == pytest.approx((tstt - sptt) / tstt, rel=1e-6)
    excess = beckmann_objective(net, x) - SIOUX_FALLS_OBJECTIVE
    # Slack for SIOUX_FALLS_OBJECTIVE's rounding to 1e-3 and for the rounding of sums of
    # ~1e5 per link: 1e-9 x objective = 0.004, against bounds of 7 to 700.
    slack = 1e-9 * SIOUX_FALLS_OBJECTIVE
    assert excess <= tstt - sptt + slack
    assert excess >= -slack  # cannot beat the optimum
    assert result.beckmann_objective == pytest.approx(beckmann_objective(net, x), rel=1e-12)
    assert result.total_travel_time == pytest.approx(tstt, rel=1e-12)
    assert result.gap_history.shape == (result.iterations,)
    assert result.gap_history[-1] == result.gap


def test_sioux_falls_bfw_flows_approach_the_best_known_flows(sioux_falls, sioux_falls_bfw):
    _, _, best = sioux_falls
    rmse = [float(np.sqrt(np.mean((sioux_falls_bfw[gap].flows - best["volume"].to_numpy()) ** 2)))
            for gap in SIOUX_FALLS_GAPS]
    # The equilibrium link flows are unique (link times strictly increase with flow), so a
    # tighter gap brings the flows closer to the best-known ones.
    assert rmse[0] > rmse[1] > rmse[2]
    # The objective bound gives no usable bound on the RMSE. Near the optimum the excess
    # f - f* is ~ sum t'(x*) dx^2 / 2, and t' is down to 7e-7 on the least loaded links,
    # which allows hundreds of vehicles. So the 3-vehicle bound is measured, not derived.
    # At gaps 1e-4 / 1e-5 / 1e-6 this solver is 25.2 / 5.2 / 1.55 vehicles from the
    # best-known flows (80 / 295 / 727 iterations). AequilibraE 1.7.2's bfw is 23.4 / 4.0 /
    # 0.99 (README, FACTS.md): two correct solvers differ by up to ~1.6x at the same gap.
    # 3 vehicles (0.03 % of the mean link flow of 11,547) leaves 2x room over 1.55 and 3x
    # over 0.99. It fails flows that are a decade of gap less converged than reported (5.2
    # at 1e-5). It also fails flows of a wrong cost function or demand: 11 vehicles with
    # 100 extra trips on one of the 528 OD pairs, 110 with BPR b 5 % too high.
    assert rmse[-1] <= 3.0


@pytest.mark.parametrize("algorithm", ["fw", "cfw", "bfw"])
def test_sioux_falls_all_algorithms_reach_a_loose_gap(sioux_falls, algorithm):
    net, demand, _ = sioux_falls
    result = assign(net, demand, algorithm=algorithm, gap=1e-3)
    assert result.converged
    assert result.beckmann_objective == pytest.approx(SIOUX_FALLS_OBJECTIVE, rel=1e-3)


def test_bfw_needs_fewer_iterations_than_fw(sioux_falls):
    net, demand, _ = sioux_falls
    fw = assign(net, demand, algorithm="fw", gap=1e-4)
    bfw = assign(net, demand, algorithm="bfw", gap=1e-4)
    assert bfw.iterations < fw.iterations / 3


def test_fw_objective_decreases_monotonically(sioux_falls):
    net, demand, _ = sioux_falls
    result = assign(net, demand, algorithm="fw", gap=0.0, max_iter=200)
    assert result.iterations == 200 and not result.converged
    steps = np.diff(result.objective_history)
    # An exact line search never increases the objective; allow rounding of the sum.
    assert np.all(steps <= 1e-12 * SIOUX_FALLS_OBJECTIVE)


def test_fw_objective_decreases_on_a_random_network():
    net, demand = random_network(30, 10, seed=3)
    result = assign(net, demand, algorithm="fw", gap=0.0, max_iter=100)
    assert np.all(np.diff(result.objective_history) <= 1e-12 * result.objective_history[0])


# --------------------------------------------------------------------------------------
# Analytic equilibria
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("algorithm", ["fw", "cfw", "bfw"])
def test_two_parallel_links(algorithm):
    # Linear BPR (power 1): t1 = 10 + 0.1 x1, t2 = 20 + 0.05 x2, 600 trips.
    # Equal times: 10 + 0.1 x1 = 20 + 0.05 (600 - x1) -> x1 = 800/3, both at 36.67.
    net = network_from_arrays(2, 2, [1, 1], [2, 2], [100.0, 400.0], [10.0, 20.0], b=1.0, power=1.0)
    result = assign(net, [[0.0, 600.0], [0.0, 0.0]], algorithm=algorithm, gap=1e-10)
    np.testing.assert_allclose(result.flows, [800 / 3, 1000 / 3], rtol=1e-6)
    np.testing.assert_allclose(result.times, [110 / 3, 110 / 3], rtol=1e-6)


def test_two_parallel_links_one_unused():
    # t2 at zero flow (50) exceeds t1 at full flow (10 + 0.1 * 300 = 40): all on link 1.
    net = network_from_arrays(2, 2, [1, 1], [2, 2], [100.0, 400.0], [10.0, 50.0], b=1.0, power=1.0)
    result = assign(net, [[0.0, 300.0], [0.0, 0.0]], gap=1e-12)
    np.testing.assert_allclose(result.flows, [300.0, 0.0], atol=1e-9)
    assert result.gap == 0.0


def braess_network(with_bridge: bool):
    # Zones 1 (origin) and 2 (destination), intersections 3 and 4 (zones are not passed
    # through). O->3 and 4->D: t = 1 + x/100 (linear BPR); 3->D and O->4: 50; 3->4: 1.
    init, term = [1, 3, 1, 4], [3, 2, 4, 2]
    t0, b, cap = [1.0, 50.0, 50.0, 1.0], [1.0, 0.0, 0.0, 1.0], [100.0, 1.0, 1.0, 100.0]
    if with_bridge:
        init, term, t0, b, cap = init + [3], term + [4], t0 + [1.0], b + [0.0], cap + [1.0]
    return network_from_arrays(2, 4, init, term, cap, t0, b=b, power=1.0, first_thru_node=3)


@pytest.mark.parametrize("algorithm", ["fw", "cfw", "bfw"])
def test_braess_paradox(algorithm):
    # 6,000 trips. Without the bridge: 3,000 on each route, 1 + 30 + 50 = 81 each.
    # With it: routes O-3-D and O-4-D carry f, O-3-4-D carries 6000 - 2f; equal costs
    # 51 + (6000 - f)/100 = 2 + 2 (6000 - f)/100 + 1 give f = 1,200: every trip costs 99.
    demand = [[0.0, 6000.0], [0.0, 0.0]]
    before = assign(braess_network(False), demand, algorithm=algorithm, gap=1e-10)
    np.testing.assert_allclose(before.flows, [3000, 3000, 3000, 3000], rtol=1e-6)
    assert before.total_travel_time == pytest.approx(6000 * 81, rel=1e-6)
    after = assign(braess_network(True), demand, algorithm=algorithm, gap=1e-9, max_iter=100000)
    # stored order is by from-node: 1->3, 1->4, 3->2, 3->4, 4->2
    np.testing.assert_allclose(after.flows, [4800, 1200, 1200, 3600, 4800], rtol=1e-4)
    assert after.total_travel_time == pytest.approx(6000 * 99, rel=1e-5)


def test_tolls_and_distance_shift_the_equilibrium():
    # Two equal links; a toll on link 1 weighted by toll_factor acts as 5 extra minutes.
    net = network_from_arrays(2, 2, [1, 1], [2, 2], [100.0, 100.0], [10.0, 10.0], b=1.0, power=1.0,
                              toll=[5.0, 0.0], length=[1.0, 3.0])
    demand = [[0.0, 200.0], [0.0, 0.0]]
    # 10 + 0.1 x1 + 5 = 10 + 0.1 (200 - x1) -> x1 = 75
    tolled = assign(net, demand, toll_factor=1.0, gap=1e-12)
    np.testing.assert_allclose(tolled.flows, [75.0, 125.0], rtol=1e-8)
    np.testing.assert_allclose(tolled.costs - tolled.times, [5.0, 0.0])
    # distance_factor 2.5: link 2 costs 5 more than link 1 -> x1 = 125
    by_distance = assign(net, demand, distance_factor=2.5, gap=1e-12)
    np.testing.assert_allclose(by_distance.flows, [125.0, 75.0], rtol=1e-8)


# --------------------------------------------------------------------------------------
# Kernels against scipy and numpy
# --------------------------------------------------------------------------------------


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n_nodes=st.integers(2, 60), extra=st.integers(0, 4))
def test_shortest_paths_match_scipy(seed, n_nodes, extra):
    net, _ = random_network(n_nodes, 1, seed, extra_links=extra)
    rng = np.random.default_rng(seed)
    cost = rng.uniform(0.01, 10.0, net.n_links)
    origins = np.arange(1, n_nodes + 1)
    dist, pred = shortest_paths(net, cost, origins)
    np.testing.assert_allclose(dist, reference_shortest_paths(net, cost, origins), rtol=1e-12)
    # the trees are consistent with the costs
    for k in range(n_nodes):
        reached = pred[k] >= 0
        links = pred[k][reached]
        np.testing.assert_allclose(dist[k][reached], dist[k][net.init_node[links] - 1] + cost[links], rtol=1e-12)


def test_shortest_paths_with_unreachable_nodes():
    net = network_from_arrays(1, 3, [1], [2], [1.0], [2.0])
    dist, pred = shortest_paths(net, net.free_flow_time, [1, 3])
    np.testing.assert_array_equal(dist, [[0.0, 2.0, np.inf], [np.inf, np.inf, 0.0]])
    np.testing.assert_array_equal(pred, [[-1, 0, -1], [-1, -1, -1]])


def test_paths_do_not_pass_through_zones_below_first_thru_node():
    # 1->2->3 costs 2 but node 2 is a zone; 1->4->3 costs 10.
    kwargs = {"b": 0.0, "power": 1.0}
    args = (3, 4, [1, 2, 1, 4], [2, 3, 4, 3], [1.0] * 4, [1.0, 1.0, 5.0, 5.0])
    free = network_from_arrays(*args, first_thru_node=1, **kwargs)
    blocked = network_from_arrays(*args, first_thru_node=4, **kwargs)
    assert shortest_paths(free, free.free_flow_time, [1])[0][0, 2] == 2.0
    dist, _ = shortest_paths(blocked, blocked.free_flow_time, [1])
    np.testing.assert_array_equal(dist[0], [0.0, 1.0, 10.0, 5.0])  # 2 is reached, not passed
    demand = np.zeros((3, 3))
    demand[0, 2] = 7.0
    np.testing.assert_array_equal(all_or_nothing(blocked, demand, blocked.free_flow_time),
                                  [0, 7, 0, 7])  # 1-2, 1-4, 2-3, 4-3


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n_nodes=st.integers(3, 40), n_zones=st.integers(1, 12))
def test_all_or_nothing_matches_reference(seed, n_nodes, n_zones):
    n_zones = min(n_zones, n_nodes)
    net, demand = random_network(n_nodes, n_zones, seed)
    cost = np.random.default_rng(seed + 1).uniform(0.01, 10.0, net.n_links)  # ties have probability 0
    np.testing.assert_allclose(all_or_nothing(net, demand, cost), reference_all_or_nothing(net, demand, cost),
                               rtol=1e-10, atol=1e-9)


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), share=st.floats(0.02, 0.5))
def test_trees_stopped_at_the_last_destination_load_as_whole_trees(seed, share):
    # Sparse demand: each origin's tree stops once its destinations are settled (nearby
    # ones first), and the flows are still the reference's, which builds every whole tree.
    net, demand = centroid_network(30, 120, seed=seed % 1000)
    rng = np.random.default_rng(seed)
    demand = np.where(rng.random(demand.shape) < share, demand, 0.0)
    cost = rng.uniform(0.01, 10.0, net.n_links)  # ties have probability 0
    np.testing.assert_allclose(all_or_nothing(net, demand, cost), reference_all_or_nothing(net, demand, cost),
                               rtol=1e-10, atol=1e-9)


def test_all_or_nothing_conserves_trips_at_zones():
    net, demand = centroid_network(25, 60, seed=11)
    flows = all_or_nothing(net, demand, net.free_flow_time)
    inflow = np.bincount(net.term_node - 1, weights=flows, minlength=net.n_nodes)
    outflow = np.bincount(net.init_node - 1, weights=flows, minlength=net.n_nodes)
    no_diagonal = demand - np.diag(np.diag(demand))
    np.testing.assert_allclose(inflow[: net.n_zones], no_diagonal.sum(axis=0), rtol=1e-12)
    np.testing.assert_allclose(outflow[: net.n_zones], no_diagonal.sum(axis=1), rtol=1e-12)
    # intersections pass everything on
    np.testing.assert_allclose(inflow[net.n_zones:], outflow[net.n_zones:], rtol=1e-12, atol=1e-9)


def test_frank_wolfe_matches_reference():
    net, demand = random_network(40, 12, seed=5)
    result = assign(net, demand, algorithm="fw", gap=0.0, max_iter=21)
    reference = reference_frank_wolfe(net, demand, iterations=20)
    np.testing.assert_allclose(result.flows, reference["flows"], rtol=1e-6, atol=1e-6)
    assert result.gap_history[-2] == pytest.approx(reference["gap"], rel=1e-6)


@pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="needs 2 numba threads")
def test_results_are_bitwise_identical_on_1_and_2_threads():
    net, demand = centroid_network(200, 400, seed=2)
    assert net.n_zones * net.n_links >= _kernels.PARALLEL_MIN_WORK  # the parallel kernel runs
    previous = numba.get_num_threads()
    runs = []
    try:
        for threads in (1, 2):
            numba.set_num_threads(threads)
            runs.append((all_or_nothing(net, demand, net.free_flow_time),
                         assign(net, demand, gap=1e-6, max_iter=50).flows))
    finally:
        numba.set_num_threads(previous)
    for one, two in zip(runs[0], runs[1]):
        assert one.tobytes() == two.tobytes()


def test_serial_and_parallel_kernels_give_the_same_bits():
    net, demand = centroid_network(40, 80, seed=4)
    tail, head = net.init_node - 1, net.term_node - 1
    n_chunk = _kernels.n_chunks(net.n_zones, net.n_links)
    assert n_chunk > 1
    outputs = []
    for kernel in (_kernels.all_or_nothing_kernel, _kernels.all_or_nothing_serial_kernel):
        buffers = np.empty((n_chunk, net.n_links))
        flows = np.empty(net.n_links)
        unreachable = np.empty(net.n_zones, dtype=np.int64)
        kernel(net.first_out, tail, head, net.free_flow_time, demand, net.first_thru_node - 1, n_chunk, buffers,
               flows, unreachable)
        assert np.all(unreachable == -1)
        outputs.append(flows)
    assert outputs[0].tobytes() == outputs[1].tobytes()


# --------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------


def test_disconnected_pair_names_the_zones():
    net = network_from_arrays(3, 3, [1, 2], [2, 1], [1.0, 1.0], [1.0, 1.0])
    demand = np.zeros((3, 3))
    demand[1, 2] = 4.0
    with pytest.raises(InputError, match=r"no path from zone 2 to zone 3, which have demand 4"):
        assign(net, demand)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"algorithm": "msa"}, r"algorithm = 'msa': must be one of fw, cfw, bfw"),
    ({"gap": -1.0}, r"gap = -1\.0: must be a finite number >= 0"),
    ({"gap": float("nan")}, r"gap = nan"),
    ({"max_iter": 0}, r"max_iter = 0: must be an integer >= 1"),
    ({"toll_factor": -2.0}, r"toll_factor = -2\.0"),
    ({"distance_factor": float("inf")}, r"distance_factor = inf"),
])
def test_bad_arguments(kwargs, message):
    net = network_from_arrays(2, 2, [1], [2], [1.0], [1.0])
    with pytest.raises(ValueError, match=message):
        assign(net, [[0.0, 1.0], [0.0, 0.0]], **kwargs)


def test_bad_demand():
    net = network_from_arrays(2, 2, [1], [2], [1.0], [1.0])
    with pytest.raises(ValueError, match=r"demand\[1, 0\] \(zone 2 to zone 1\) = -1\.0"):
        assign(net, [[0.0, 1.0], [-1.0, 0.0]])
    with pytest.raises(ValueError, match=r"expected shape \(2, 2\)"):
        assign(net, np.zeros((3, 3)))


def test_no_demand_is_an_equilibrium():
    net = network_from_arrays(2, 2, [1], [2], [1.0], [1.0])
    result = assign(net, np.zeros((2, 2)))
    assert result.converged and result.iterations == 0
    np.testing.assert_array_equal(result.flows, [0.0])


# --------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------

BRAESS_NET = """<NUMBER OF ZONES> 2
<NUMBER OF NODES> 4
<FIRST THRU NODE> 3
<NUMBER OF LINKS> 5
<END OF METADATA>
~ init term capacity length fft b power speed toll type ;
1 3 100 1 1 1 1 0 0 1 ;
3 2 1 1 50 0 1 0 0 1 ;
1 4 1 1 50 0 1 0 0 1 ;
4 2 100 1 1 1 1 0 0 1 ;
3 4 1 1 1 0 1 0 0 1 ;
"""

BRAESS_TRIPS = """<NUMBER OF ZONES> 2
<TOTAL OD FLOW> 6000
<END OF METADATA>
Origin 1
  2 : 6000;
"""


@pytest.fixture
def braess_files(tmp_path):
    net, trips = tmp_path / "braess_net.tntp", tmp_path / "braess_trips.tntp"
    net.write_text(BRAESS_NET, encoding="utf-8")
    trips.write_text(BRAESS_TRIPS, encoding="utf-8")
    return net, trips


def test_cli_assign_writes_flows(braess_files, tmp_path, capsys):
    net, trips = braess_files
    out = tmp_path / "flows.csv"
    assert main(["assign", str(net), str(trips), "--gap", "1e-9", "--max-iter", "100000", "-o", str(out)]) == 0
    text = capsys.readouterr().out
    for label in ("iterations:", "relative gap:", "total system travel time: 594,0", "Beckmann objective:",
                  "solve time:", "set-up time:"):
        assert label in text
    table = pd.read_csv(out)
    assert list(table.columns) == ["link", "from", "to", "volume", "cost"]
    np.testing.assert_array_equal(table["link"], [1, 2, 3, 4, 5])
    # in the file's order: 1-3, 3-2, 1-4, 4-2 and the bridge 3-4
    np.testing.assert_allclose(table["volume"], [4800, 1200, 1200, 4800, 3600], rtol=1e-4)
    np.testing.assert_array_equal(table["from"], [1, 3, 1, 4, 3])
    # no overwrite without --force
    assert main(["assign", str(net), str(trips), "-o", str(out)]) == 2
    assert "already exists" in capsys.readouterr().err


def test_cli_assign_json(braess_files, capsys):
    net, trips = braess_files
    assert main(["assign", str(net), str(trips), "--algorithm", "fw", "--max-iter", "3", "--json"]) == 3
    captured = capsys.readouterr()
    summary = json.loads(captured.out)
    assert summary["algorithm"] == "fw" and summary["iterations"] == 3 and summary["converged"] is False
    assert set(summary) >= {"relative_gap", "total_travel_time", "beckmann_objective", "solve_time_s",
                            "setup_time_s"}
    assert captured.err.startswith("warning: stopped at --max-iter 3 with a relative gap of ")


def test_cli_assign_stopped_by_max_iter_says_so_and_exits_3(braess_files, tmp_path, capsys):
    net, trips = braess_files
    out = tmp_path / "flows.csv"
    assert main(["assign", str(net), str(trips), "--max-iter", "2", "-o", str(out)]) == 3
    captured = capsys.readouterr()
    assert "(not converged)" in captured.out
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and "above --gap 1e-05" in lines[0] and "not an equilibrium" in lines[0]
    assert len(pd.read_csv(out)) == 5  # the flows asked for are still written
    # reaching the gap is exit 0 and silent on stderr
    assert main(["assign", str(net), str(trips), "--gap", "1e-3", "-q"]) == 0
    assert capsys.readouterr().err == ""


PARALLEL_NET = """<NUMBER OF ZONES> 2
<NUMBER OF NODES> 3
<FIRST THRU NODE> 1
<NUMBER OF LINKS> 4
<END OF METADATA>
~ init term capacity length fft b power speed toll type ;
3 2 1000 1 1 0 1 0 0 1 ;
1 3 100 1 1 1 1 0 0 1 ;
1 3 100 1 1 1 1 0 0 1 ;
2 1 1000 1 1 0 1 0 0 1 ;
"""


def test_cli_assign_flows_keep_the_files_link_order_and_tell_parallel_links_apart(tmp_path):
    # links 2 and 3 are parallel (same from and to); the file is not sorted by from-node
    net, trips, out = tmp_path / "p_net.tntp", tmp_path / "p_trips.tntp", tmp_path / "flows.csv"
    net.write_text(PARALLEL_NET, encoding="utf-8")
    trips.write_text("<NUMBER OF ZONES> 2\n<END OF METADATA>\nOrigin 1\n 2 : 100;\n", encoding="utf-8")
    assert main(["assign", str(net), str(trips), "--gap", "1e-9", "-q", "-o", str(out)]) == 0
    table = pd.read_csv(out)
    np.testing.assert_array_equal(table["link"], [1, 2, 3, 4])
    np.testing.assert_array_equal(table["from"], [3, 1, 1, 2])
    np.testing.assert_array_equal(table["to"], [2, 3, 3, 1])
    # the two parallel links (same congestion function) share the 100 trips; the link home carries none
    np.testing.assert_allclose(table["volume"], [100.0, 50.0, 50.0, 0.0], atol=1e-6)


def test_the_solve_time_leaves_out_loading_the_kernels(monkeypatch):
    # a clock that only the (fake) kernel loading moves: all of its 100 s must land in the set-up
    clock = [0.0]
    monkeypatch.setattr(assignment.time, "perf_counter", lambda: clock[0])
    monkeypatch.setattr(assignment, "_kernels_loaded", False)
    monkeypatch.setattr(assignment, "warmup", lambda: clock.__setitem__(0, clock[0] + 100.0))
    net = network_from_arrays(2, 2, [1, 1], [2, 2], [1000.0, 500.0], [10.0, 10.0])
    result = assignment.assign(net, [[0.0, 1500.0], [0.0, 0.0]])
    assert (result.setup_time, result.wall_time) == (100.0, 0.0)
    assert assignment.assign(net, [[0.0, 1500.0], [0.0, 0.0]]).setup_time == 0.0  # once per process


def test_cli_assign_bad_input_is_one_line(braess_files, capsys):
    net, trips = braess_files
    net.write_text(BRAESS_NET.replace("3 4 1 1 1 0 1", "3 9 1 1 1 0 1"), encoding="utf-8")
    assert main(["assign", str(net), str(trips)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "braess_net.tntp, line 11: link to an unknown node" in err
    net.write_text(BRAESS_NET, encoding="utf-8")
    assert main(["assign", str(net), str(trips), "--gap", "-1"]) == 2
    assert "key '--gap': must be a finite number >= 0; got -1.0" in capsys.readouterr().err


def test_the_flows_csv_is_what_pandas_writes(braess_files):
    net = read_tntp_network(braess_files[0])
    result = assign(net, read_tntp_trips(braess_files[1], net.n_zones), max_iter=3)
    expected = result.link_table(net).to_csv(index=False, float_format="%.10g", lineterminator="\n")
    assert result.link_csv(net) == expected
