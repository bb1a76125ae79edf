"""Public transport: path sums against a naive walk-back, hand-computed skims, loading and
line service on small networks, and properties on random networks (scipy reference)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from smartcity.errors import InputError
from smartcity.transport import _kernels
from smartcity.transport.assignment import path_sums, shortest_paths
from smartcity.transport.network import network_from_arrays
from smartcity.transport.transit import (
    COMPONENTS,
    LINK_KINDS,
    TRANSFER_PENALTY_H,
    build_transit_graph,
    line_service,
    transit_load,
    transit_skims,
)
from tests.transport.reference_assignment import random_network

# Weights of every hand computation below (the defaults of CostParameters and the module).
WAIT_WEIGHT, ACCESS_WEIGHT, MAX_WAIT_H, WALK_SPEED = 1.5, 1.7, 0.25, 5.0
PARAMS = {"wait_weight": WAIT_WEIGHT, "access_weight": ACCESS_WEIGHT, "max_wait_h": MAX_WAIT_H,
          "transfer_penalty_h": 5 / 60, "walk_speed_kmh": WALK_SPEED}

LINE_COLUMNS = ["line", "mode", "headway_peak_min", "headway_offpeak_min", "peak_hours_per_day",
                "offpeak_hours_per_day", "speed_kmh", "vehicle", "powertrain", "capacity_per_vehicle"]


def links_table(rows):
    """Links from (from, to, km, modes) rows, with a column that the module ignores."""
    table = pd.DataFrame(rows, columns=["from_node", "to_node", "length_km", "modes"])
    table["lanes"] = 1
    return table


def lines_table(rows):
    """Lines from (line, mode, headway_peak, headway_offpeak, peak_h, offpeak_h, speed) rows."""
    return pd.DataFrame([row + ("12m", "diesel", 80) for row in rows], columns=LINE_COLUMNS)


def stops_table(line, nodes, stops):
    return pd.DataFrame({"line": line, "sequence": np.arange(len(nodes)) * 10 + 10, "node": nodes,
                         "stop": stops})


# --------------------------------------------------------------------------------------
# path_sums
# --------------------------------------------------------------------------------------


def naive_path_sums(network, pred, origins, values):
    """Walk every path back from its node to the origin, adding link values."""
    values = np.asarray(values, dtype=np.float64)
    out = np.full((len(origins), network.n_nodes) + values.shape[1:], np.nan)
    tail = network.init_node - 1
    for i, origin in enumerate(origins):
        for v in range(network.n_nodes):
            if v == origin - 1:
                out[i, v] = 0.0
                continue
            if pred[i, v] < 0:
                continue
            total = np.zeros(values.shape[1:])
            u = v
            while u != origin - 1:
                e = pred[i, u]
                total = total + values[e]
                u = tail[e]
            out[i, v] = total
    return out


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n_nodes=st.integers(2, 40), first_thru=st.integers(1, 8),
       k=st.sampled_from([None, 1, 3]))
def test_path_sums_match_a_naive_walk_back(seed, n_nodes, first_thru, k):
    n_zones = min(first_thru, n_nodes)
    net, _ = random_network(n_nodes, n_zones, seed, extra_links=2, first_thru_node=min(first_thru, n_nodes + 1))
    rng = np.random.default_rng(seed)
    cost = rng.uniform(0.01, 10.0, net.n_links)
    origins = rng.choice(np.arange(1, n_nodes + 1), size=rng.integers(1, n_nodes + 1), replace=False)
    values = rng.normal(size=net.n_links if k is None else (net.n_links, k))
    dist, pred = shortest_paths(net, cost, origins)
    sums = path_sums(net, pred, origins, values)
    assert sums.shape == dist.shape + (() if k is None else (k,))
    np.testing.assert_allclose(sums, naive_path_sums(net, pred, origins, values), rtol=1e-12, atol=1e-12)
    # the link costs themselves give back the Dijkstra distances, to the last bit
    again = path_sums(net, pred, origins, cost)
    assert np.array_equal(again, np.where(np.isinf(dist), np.nan, dist), equal_nan=True)


def test_path_sums_zero_at_origin_nan_where_unreachable():
    # 1 -> 2 -> 3, node 4 has no incoming link
    net = network_from_arrays(1, 4, [1, 2, 4], [2, 3, 1], [1.0] * 3, [1.0, 2.0, 1.0], length=[5.0, 7.0, 1.0])
    _, pred = shortest_paths(net, net.free_flow_time, [1, 3])
    sums = path_sums(net, pred, [1, 3], net.length)
    np.testing.assert_array_equal(sums[0], [0.0, 5.0, 12.0, np.nan])
    np.testing.assert_array_equal(sums[1], [np.nan, np.nan, 0.0, np.nan])
    # all zones by default, as shortest_paths
    _, pred_zones = shortest_paths(net, net.free_flow_time)
    np.testing.assert_array_equal(path_sums(net, pred_zones, None, net.length), sums[:1])


def test_path_sums_serial_and_parallel_kernels_give_the_same_bits():
    net, _ = random_network(60, 30, seed=9)
    origins = np.arange(1, 31)
    _, pred = shortest_paths(net, net.free_flow_time, origins)
    values = np.random.default_rng(1).normal(size=(net.n_links, 4))
    outputs = []
    for kernel in (_kernels.path_sums_kernel, _kernels.path_sums_serial_kernel):
        out = np.empty((30, net.n_nodes, 4))
        errors = np.empty(30, dtype=np.int64)
        kernel(pred, net.init_node - 1, net.term_node - 1, values, origins - 1, out, errors)
        assert np.all(errors == -1)
        outputs.append(out)
    assert outputs[0].tobytes() == outputs[1].tobytes()


def test_path_sums_refuses_what_is_not_a_tree():
    net = network_from_arrays(1, 3, [1, 2, 3], [2, 3, 2], [1.0] * 3, [1.0] * 3)  # links 1-2, 2-3, 3-2
    with pytest.raises(ValueError, match=r"pred\[0, 1\] = 1: not a shortest-path tree from origin 1"):
        path_sums(net, [[-1, 1, 1]], [1], net.length)  # link 1 (2 -> 3) does not end at node 2
    with pytest.raises(ValueError, match=r"not a shortest-path tree.*cycle"):
        path_sums(net, [[-1, 2, 1]], [1], net.length)  # 2 <- 3 <- 2
    with pytest.raises(ValueError, match=r"pred: expected shape \(1, 3\)"):
        path_sums(net, [[-1, 0]], [1], net.length)
    with pytest.raises(ValueError, match=r"values: expected shape \(3,\)"):
        path_sums(net, [[-1, 0, 1]], [1], [1.0])
    with pytest.raises(ValueError, match=r"origins\[0\] = 4: unknown node"):
        path_sums(net, [[-1, 0, 1]], [4], net.length)


# --------------------------------------------------------------------------------------
# A corridor with one line
# --------------------------------------------------------------------------------------


def corridor():
    """Nodes 101-105 in a row, 1 km apart (links listed one way, some backwards); node 201
    hangs off 105 by a car-only link. Bus A stops at 101, 103 and 105 at 20 km/h, every
    10 min in the peak (6 h) and 40 min off-peak (12 h). Zones at 101, 105, 103, 102, 201."""
    links = links_table([
        (101, 102, 1.0, "car+bus+walk"),
        (103, 102, 1.0, "car+bus+bike+walk"),
        (103, 104, 1.0, "bus+walk"),
        (105, 104, 1.0, "car+bus+walk"),
        (105, 201, 1.0, "car"),
    ])
    lines = lines_table([("A", "bus", 10.0, 40.0, 6.0, 12.0, 20.0)])
    stops = stops_table("A", [101, 102, 103, 104, 105], [True, False, True, False, True])
    return links, lines, stops, [101, 105, 103, 102, 201]


def test_corridor_skims_by_hand():
    links, lines, stops, zones = corridor()
    skims = transit_skims(build_transit_graph(links, lines, stops, zones, **PARAMS))
    wait = 5 / 60  # half of the 10 min peak headway
    # 101 -> 105: board, 4 km at 20 km/h; the same backwards
    for o, d in ((0, 1), (1, 0)):
        assert skims.ivt_h[o, d] == pytest.approx(0.2)
        assert skims.wait_h[o, d] == pytest.approx(wait)
        assert skims.walk_h[o, d] == 0.0
        assert skims.boardings[o, d] == 1 and skims.transfers[o, d] == 0
        assert skims.distance_km[o, d] == pytest.approx(4.0)
        assert skims.generalised_time_h[o, d] == pytest.approx(0.2 + WAIT_WEIGHT * wait)
    assert skims.ivt_by_mode_h["bus"][0, 1] == pytest.approx(0.2)
    assert skims.ivt_by_mode_h["brt"][0, 1] == 0.0
    # 101 -> 103: 2 km
    assert skims.generalised_time_h[0, 2] == pytest.approx(0.1 + WAIT_WEIGHT * wait)
    # 102 -> 105: walk 1 km to 103 (not back to 101), ride 2 km
    assert skims.walk_h[3, 1] == pytest.approx(0.2)
    assert skims.ivt_h[3, 1] == pytest.approx(0.1)
    assert skims.generalised_time_h[3, 1] == pytest.approx(ACCESS_WEIGHT * 0.2 + WAIT_WEIGHT * wait + 0.1)
    # 102 -> 103 are 1 km apart, yet the path boards: walk back to 101 and ride 2 km
    # (cheaper than boarding at 103 and walking back 2 km from 105)
    assert skims.available[3, 2]
    assert skims.boardings[3, 2] == 1 and skims.ivt_h[3, 2] == pytest.approx(0.1)
    assert skims.walk_h[3, 2] == pytest.approx(0.2)
    assert skims.generalised_time_h[3, 2] == pytest.approx(ACCESS_WEIGHT * 0.2 + WAIT_WEIGHT * wait + 0.1)
    # 201 is reached by car only; no pair is available on the diagonal
    assert not skims.available[4].any() and not skims.available[:, 4].any()
    assert not np.diag(skims.available).any()
    assert skims.available.sum() == 4 * 3
    assert np.isinf(skims.generalised_time_h[~skims.available]).all()
    assert np.isnan(skims.ivt_h[~skims.available]).all()
    assert (skims.boardings[skims.available] == 1).all()


@pytest.mark.parametrize(("period", "wait"), [
    ("peak", 5 / 60),  # 10 min / 2
    ("offpeak", 15 / 60),  # 40 min / 2 = 20 min, capped at 15 min
    # 36 departures in the 6 peak hours + 18 in the 12 off-peak hours: one every 20 min
    ("day", 10 / 60),
])
def test_wait_by_period(period, wait):
    links, lines, stops, zones = corridor()
    graph = build_transit_graph(links, lines, stops, zones, period=period, **PARAMS)
    skims = transit_skims(graph)
    assert graph.wait_h[0] == pytest.approx(wait)
    assert skims.wait_h[0, 1] == pytest.approx(wait)
    assert skims.generalised_time_h[0, 1] == pytest.approx(0.2 + WAIT_WEIGHT * wait)


def test_max_wait_caps_the_wait():
    links, lines, stops, zones = corridor()
    graph = build_transit_graph(links, lines, stops, zones, **{**PARAMS, "max_wait_h": 0.05})
    assert transit_skims(graph).wait_h[0, 1] == pytest.approx(0.05)


def test_default_parameters_are_those_of_mode_choice():
    links, lines, stops, zones = corridor()
    graph = build_transit_graph(links, lines, stops, zones)
    assert (graph.wait_weight, graph.access_weight, graph.max_wait_h) == (WAIT_WEIGHT, ACCESS_WEIGHT, MAX_WAIT_H)
    assert graph.transfer_penalty_h == TRANSFER_PENALTY_H and graph.walk_speed_kmh == WALK_SPEED


def test_corridor_load_by_hand():
    links, lines, stops, zones = corridor()
    graph = build_transit_graph(links, lines, stops, zones, **PARAMS)
    trips = np.zeros((5, 5))
    trips[0, 1] = 100.0  # 101 -> 105, forward, 4 km
    trips[1, 0] = 50.0  # backward, 4 km
    trips[0, 2] = 30.0  # 101 -> 103, 2 km
    trips[3, 1] = 20.0  # 102 -> 105, boards at 103, 2 km
    trips[0, 0] = 999.0  # diagonal: not loaded
    load = transit_load(graph, trips)
    assert list(load.index) == ["A"] and load.loc["A", "mode"] == "bus"
    row = load.loc["A"]
    assert row["boardings"] == 200.0 and row["first_boardings"] == 200.0 and row["transfer_boardings"] == 0.0
    assert row["passenger_km"] == pytest.approx(100 * 4 + 50 * 4 + 30 * 2 + 20 * 2)
    assert row["passenger_hours"] == pytest.approx(700 / 20)
    assert row["max_load_forward"] == 130.0  # 101-103 carries 100 + 30, 103-105 carries 100 + 20
    assert row["max_load_backward"] == 50.0


def test_load_refuses_trips_without_a_path():
    links, lines, stops, zones = corridor()
    graph = build_transit_graph(links, lines, stops, zones)
    trips = np.zeros((5, 5))
    trips[0, 4] = 3.0
    with pytest.raises(InputError, match="no path from zone 1 to zone 5"):
        transit_load(graph, trips)
    with pytest.raises(ValueError, match=r"expected shape \(5, 5\)"):
        transit_load(graph, np.zeros((4, 4)))


def test_line_service_by_hand():
    links, lines, stops, _ = corridor()
    service = line_service(lines, stops, links)
    row = service.loc["A"]
    assert row["mode"] == "bus" and row["n_stops"] == 3
    assert row["route_length_km"] == 4.0
    assert row["running_time_min"] == pytest.approx(12.0)  # 4 km at 20 km/h
    assert row["departures_per_day"] == pytest.approx(6 * 60 / 10 + 12 * 60 / 40)  # 54 per direction
    assert row["vehicle_km_per_day"] == pytest.approx(2 * 54 * 4.0)
    assert row["vehicles_required"] == 3  # ceil(2 x 12 x 1.15 / 10) = ceil(2.76)
    assert row["vehicle"] == "12m" and row["powertrain"] == "diesel" and row["capacity_per_vehicle"] == 80
    assert line_service(lines, stops, links, layover_share=0.0).loc["A", "vehicles_required"] == 3  # 2.4
    # an exact multiple is not rounded up: 2 x 20 min x 1.15 / 23 min = 2
    slow = line_service(lines, stops, links, speed_override={"A": 12.0}, headway_override={"A": 23.0})
    assert slow.loc["A", "running_time_min"] == pytest.approx(20.0)
    assert slow.loc["A", "vehicles_required"] == 2
    assert slow.loc["A", "departures_per_day"] == pytest.approx(18 * 60 / 23)


def test_peak_only_line():
    links, lines, stops, zones = corridor()
    lines.loc[0, ["headway_offpeak_min", "offpeak_hours_per_day"]] = [np.nan, 0.0]
    service = line_service(lines, stops, links)
    assert service.loc["A", "departures_per_day"] == pytest.approx(36.0)
    assert np.isnan(service.loc["A", "headway_offpeak_min"])
    assert build_transit_graph(links, lines, stops, zones, period="peak").lines == ("A",)
    offpeak = build_transit_graph(links, lines, stops, zones, period="offpeak")
    assert offpeak.lines == () and not transit_skims(offpeak).available.any()
    day = build_transit_graph(links, lines, stops, zones, period="day")
    assert day.headway_h[0] == pytest.approx(10 / 60)  # 36 departures in 6 h


# --------------------------------------------------------------------------------------
# Two parallel lines
# --------------------------------------------------------------------------------------


def parallel_lines():
    """Nodes 10-11-12, 2 km apart. Bus A every 10 min at 20 km/h and BRT B every 30 min
    at 40 km/h both run 10 -> 12 (no stop at 11). Zones at 10 and 12."""
    links = links_table([(10, 11, 2.0, "car+bus+walk"), (11, 12, 2.0, "car+bus+walk")])
    lines = lines_table([("A", "bus", 10.0, 20.0, 6.0, 12.0, 20.0), ("B", "brt", 30.0, 30.0, 6.0, 12.0, 40.0)])
    stops = pd.concat([stops_table("A", [10, 11, 12], [True, False, True]),
                       stops_table("B", [10, 11, 12], [True, False, True])])
    return links, lines, stops, [10, 12]


def test_parallel_lines_take_the_best_route():
    links, lines, stops, zones = parallel_lines()
    graph = build_transit_graph(links, lines, stops, zones, **PARAMS)
    assert graph.lines == ("A", "B") and graph.line_modes == ("bus", "brt")
    skims = transit_skims(graph)
    # A: 1.5 x 5 min + 4 km / 20 km/h = 0.325 h; B: 1.5 x 15 min + 4 km / 40 km/h = 0.475 h
    assert skims.generalised_time_h[0, 1] == pytest.approx(0.325)
    assert skims.ivt_by_mode_h["bus"][0, 1] == pytest.approx(0.2)
    assert skims.ivt_by_mode_h["brt"][0, 1] == 0.0
    load = transit_load(graph, [[0.0, 60.0], [40.0, 0.0]])
    assert load["boardings"].tolist() == [100.0, 0.0]
    assert load["max_load_forward"].tolist() == [60.0, 0.0]
    assert load["max_load_backward"].tolist() == [40.0, 0.0]
    assert load["mode"].tolist() == ["bus", "brt"]


def test_headway_override_changes_the_wait():
    links, lines, stops, zones = parallel_lines()
    # B every 6 min: wait 3 min, 1.5 x 0.05 + 0.1 = 0.175 h, better than A
    graph = build_transit_graph(links, lines, stops, zones, headway_override={"B": 6.0}, **PARAMS)
    assert graph.headway_h.tolist() == pytest.approx([10 / 60, 6 / 60])
    skims = transit_skims(graph)
    assert skims.wait_h[0, 1] == pytest.approx(0.05)
    assert skims.ivt_by_mode_h["brt"][0, 1] == pytest.approx(0.1)
    assert skims.ivt_by_mode_h["bus"][0, 1] == 0.0
    assert skims.generalised_time_h[0, 1] == pytest.approx(0.175)
    # a number holds for every period, a pair sets the peak and the off-peak headway
    day = build_transit_graph(links, lines, stops, zones, period="day", headway_override={"B": 6.0})
    assert day.headway_h[1] == pytest.approx(0.1)
    pair = {"B": (6.0, 12.0)}
    assert build_transit_graph(links, lines, stops, zones, headway_override=pair).headway_h[1] == pytest.approx(0.1)
    offpeak = build_transit_graph(links, lines, stops, zones, period="offpeak", headway_override=pair)
    assert offpeak.headway_h[1] == pytest.approx(0.2)
    # 6 peak h every 6 min + 12 off-peak h every 12 min: 120 departures in 18 h, one every 9 min
    day = build_transit_graph(links, lines, stops, zones, period="day", headway_override=pair)
    assert day.headway_h[1] == pytest.approx(0.15)
    service = line_service(lines, stops, links, headway_override=pair)
    assert service.loc["B", "departures_per_day"] == pytest.approx(120.0)
    assert service.loc["B", "vehicle_km_per_day"] == pytest.approx(2 * 120 * 4.0)
    # the tables are not changed
    assert lines["headway_peak_min"].tolist() == [10.0, 30.0]


def test_speed_override_and_lines_used():
    links, lines, stops, zones = parallel_lines()
    faster = transit_skims(build_transit_graph(links, lines, stops, zones, speed_override={"A": 40.0}, **PARAMS))
    assert faster.generalised_time_h[0, 1] == pytest.approx(0.125 + 0.1)
    only_brt = build_transit_graph(links, lines, stops, zones, lines_used=["B"], **PARAMS)
    assert only_brt.lines == ("B",)
    assert transit_skims(only_brt).generalised_time_h[0, 1] == pytest.approx(0.475)
    bus_lines = lines.loc[lines["mode"] == "bus", "line"]
    assert build_transit_graph(links, lines, stops, zones, lines_used=bus_lines).lines == ("A",)
    none = build_transit_graph(links, lines, stops, zones, lines_used=[])
    assert not transit_skims(none).available.any()
    assert transit_load(none, np.zeros((2, 2))).empty


# --------------------------------------------------------------------------------------
# A transfer
# --------------------------------------------------------------------------------------


def transfer_case():
    """Bus A 301-302-303 (1 km links) at 20 km/h every 10 min; BRT B 306-307-308 (1.5 km
    links, no walking) at 30 km/h every 20 min, stops at 306 and 308; 303 and 306 are
    250 m apart on foot. Zones at 301 and 308."""
    links = links_table([
        (301, 302, 1.0, "car+bus+walk"), (302, 303, 1.0, "car+bus+walk"), (306, 303, 0.25, "walk"),
        (306, 307, 1.5, "bus"), (307, 308, 1.5, "bus"),
    ])
    lines = lines_table([("A", "bus", 10.0, 10.0, 6.0, 12.0, 20.0), ("B", "brt", 20.0, 20.0, 6.0, 12.0, 30.0)])
    stops = pd.concat([stops_table("B", [306, 307, 308], [True, False, True]),
                       stops_table("A", [301, 302, 303], [True, True, True])])
    return links, lines, stops, [301, 308]


@pytest.mark.parametrize("penalty", [5 / 60, 0.0])
def test_transfer_by_hand(penalty):
    links, lines, stops, zones = transfer_case()
    graph = build_transit_graph(links, lines, stops, zones, **{**PARAMS, "transfer_penalty_h": penalty})
    skims = transit_skims(graph)
    for o, d in ((0, 1), (1, 0)):
        assert skims.boardings[o, d] == 2 and skims.transfers[o, d] == 1
        assert skims.ivt_h[o, d] == pytest.approx(0.1 + 0.1)  # 2 km at 20, 3 km at 30 km/h
        assert skims.wait_h[o, d] == pytest.approx(5 / 60 + 10 / 60)
        assert skims.walk_h[o, d] == pytest.approx(0.05)  # 250 m at 5 km/h
        assert skims.distance_km[o, d] == pytest.approx(5.0)
        assert skims.transfer_penalty_h[o, d] == pytest.approx(penalty)
        assert skims.ivt_by_mode_h["bus"][o, d] == pytest.approx(0.1)
        assert skims.ivt_by_mode_h["brt"][o, d] == pytest.approx(0.1)
        expected = 0.2 + WAIT_WEIGHT * 0.25 + ACCESS_WEIGHT * 0.05 + penalty
        assert skims.generalised_time_h[o, d] == pytest.approx(expected)
    load = transit_load(graph, [[0.0, 10.0], [4.0, 0.0]])
    assert load.loc["A", "first_boardings"] == 10.0 and load.loc["A", "transfer_boardings"] == 4.0
    assert load.loc["B", "first_boardings"] == 4.0 and load.loc["B", "transfer_boardings"] == 10.0
    assert load["boardings"].sum() == 28.0  # 14 trips, each boarding twice
    assert load["first_boardings"].sum() == 14.0
    assert load.loc["A", "passenger_km"] == pytest.approx(14 * 2.0)
    assert load.loc["B", "passenger_km"] == pytest.approx(14 * 3.0)
    assert load.loc["A", "max_load_forward"] == 10.0 and load.loc["A", "max_load_backward"] == 4.0


def test_graph_link_arrays():
    links, lines, stops, zones = transfer_case()
    graph = build_transit_graph(links, lines, stops, zones)
    net = graph.network
    assert graph.cost is net.free_flow_time
    assert graph.components.shape == (net.n_links, len(COMPONENTS))
    kind = np.asarray(LINK_KINDS)[graph.kind]
    boarding = np.isin(kind, ["first_boarding", "transfer_boarding"])
    np.testing.assert_array_equal(graph.component("boardings"), boarding)
    np.testing.assert_array_equal(graph.component("transfers"), kind == "transfer_boarding")
    on_line = np.isin(kind, ["first_boarding", "transfer_boarding", "in_vehicle", "stay_aboard", "alighting"])
    np.testing.assert_array_equal(graph.line >= 0, on_line)
    np.testing.assert_array_equal(graph.mode >= 0, on_line)
    np.testing.assert_array_equal(graph.direction >= 0, on_line)
    assert set(graph.mode[graph.line == graph.lines.index("B")]) == {1}
    ride = kind == "in_vehicle"
    assert graph.component("distance_km")[ride].sum() == pytest.approx(2 * (2.0 + 3.0))
    assert graph.component("distance_km")[~ride].sum() == 0.0
    # zones: nodes 1 and 2, not passed through
    assert net.n_zones == 2 and net.first_thru_node == 3
    assert set(kind[net.init_node <= 2]) == {"access_connector"}
    assert set(kind[net.term_node <= 2]) == {"egress_connector"}


# --------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------


def test_bad_tables():
    links, lines, stops, zones = corridor()
    with pytest.raises(InputError, match="column 'speed_kmh': lines table: the column 'speed_kmh' is missing"):
        build_transit_graph(links, lines.drop(columns="speed_kmh"), stops, zones)
    bad = lines.assign(mode="tram")
    with pytest.raises(InputError, match=r"row 1, column 'mode': lines table: unknown mode; got 'tram'"):
        build_transit_graph(links, bad, stops, zones)
    with pytest.raises(InputError, match=r"row 1, column 'headway_peak_min'.*got 0\.0"):
        build_transit_graph(links, lines.assign(headway_peak_min=0.0), stops, zones)
    with pytest.raises(InputError, match=r"row 1, column 'speed_kmh'"):
        line_service(lines.assign(speed_kmh=-1.0), stops, links)
    with pytest.raises(InputError, match=r"row 4, column 'node': line_stops table: no link joins node 103"):
        build_transit_graph(links, lines, stops.assign(node=[101, 102, 103, 105, 104]), zones)
    with pytest.raises(InputError, match="at least two stops"):
        build_transit_graph(links, lines, stops.assign(stop=[True, False, False, False, False]), zones)
    with pytest.raises(InputError, match="row 2, column 'sequence'.*appears twice"):
        build_transit_graph(links, lines, stops.assign(sequence=[1, 1, 2, 3, 4]), zones)
    with pytest.raises(InputError, match="row 3, column 'line'.*not in the lines table; got 'X'"):
        build_transit_graph(links, lines, stops.assign(line=["A", "A", "X", "A", "A"]), zones)
    with pytest.raises(InputError, match="row 2, column 'node': line_stops table: the node is not on any link"):
        build_transit_graph(links, lines, stops.assign(node=[101, 999, 103, 104, 105]), zones)
    with pytest.raises(InputError, match="zone 2: its centroid node is on no link; got 999"):
        build_transit_graph(links, lines, stops, [101, 999])
    with pytest.raises(InputError, match="key 'lines_used': unknown line; got 'Z'"):
        build_transit_graph(links, lines, stops, zones, lines_used=["A", "Z"])
    with pytest.raises(InputError, match="key 'headway_override': unknown line; got 'Z'"):
        build_transit_graph(links, lines, stops, zones, headway_override={"Z": 5.0})
    with pytest.raises(InputError, match=r"key 'speed_override.A': must be a finite number > 0; got 0"):
        build_transit_graph(links, lines, stops, zones, speed_override={"A": 0})
    with pytest.raises(InputError, match=r"key 'headway_override.A': must be a finite number > 0; got \(5, -1\)"):
        build_transit_graph(links, lines, stops, zones, headway_override={"A": (5, -1)})
    with pytest.raises(InputError, match=r"key 'speed_override.A': must be a finite number > 0; got \(5, 6\)"):
        build_transit_graph(links, lines, stops, zones, speed_override={"A": (5, 6)})
    with pytest.raises(ValueError, match="period = 'night'"):
        build_transit_graph(links, lines, stops, zones, period="night")
    with pytest.raises(ValueError, match="walk_speed_kmh = 0"):
        build_transit_graph(links, lines, stops, zones, walk_speed_kmh=0)


# --------------------------------------------------------------------------------------
# Random networks
# --------------------------------------------------------------------------------------


def random_transit(seed: int):
    """A grid of streets (some without walking, links stored in random directions), 1-4
    lines on self-avoiding walks over it, random stops, headways, speeds and zones."""
    rng = np.random.default_rng(seed)
    side = int(rng.integers(2, 6))
    ids = np.arange(side * side).reshape(side, side) * 3 + 7  # not contiguous
    pairs = [(ids[i, j], ids[i, j + 1]) for i in range(side) for j in range(side - 1)]
    pairs += [(ids[i, j], ids[i + 1, j]) for i in range(side - 1) for j in range(side)]
    flip = rng.random(len(pairs)) < 0.5
    rows = [((b, a) if f else (a, b)) + (float(rng.uniform(0.1, 1.0)),
                                         "car+bus+walk" if rng.random() < 0.8 else "car+bus")
            for (a, b), f in zip(pairs, flip)]
    links = links_table(rows)
    lines, stops = [], []
    for k in range(int(rng.integers(1, 5))):
        i, j = rng.integers(side, size=2)
        route = [(int(i), int(j))]
        for _ in range(int(rng.integers(1, 2 * side))):
            y, x = route[-1]
            steps = [(y + dy, x + dx) for dy, dx in ((0, 1), (1, 0), (0, -1), (-1, 0))
                     if 0 <= y + dy < side and 0 <= x + dx < side and (y + dy, x + dx) not in route]
            if not steps:
                break
            route.append(steps[int(rng.integers(len(steps)))])
        if len(route) < 2:
            continue
        flags = rng.random(len(route)) < 0.6
        flags[[0, -1]] = True
        name = f"L{k}"
        lines.append((name, "brt" if rng.random() < 0.4 else "bus", float(rng.uniform(3, 40)),
                      float(rng.uniform(3, 60)), 6.0, 12.0, float(rng.uniform(10, 40))))
        stops.append(stops_table(name, [int(ids[y, x]) for y, x in route], flags))
    n_zones = int(rng.integers(2, min(side * side, 6) + 1))
    zones = rng.choice(ids.ravel(), n_zones, replace=True)
    params = {"wait_weight": float(rng.uniform(1, 3)), "access_weight": float(rng.uniform(1, 3)),
              "max_wait_h": float(rng.uniform(0.05, 0.5)), "transfer_penalty_h": float(rng.uniform(0, 0.2)),
              "walk_speed_kmh": float(rng.uniform(3, 6))}
    if not lines:
        lines.append(("L0", "bus", 10.0, 10.0, 6.0, 12.0, 20.0))
        stops.append(stops_table("L0", [int(ids[0, 0]), int(ids[0, 1])], [True, True]))
    return links, lines_table(lines), pd.concat(stops), zones, params


def reference_generalised_time(graph):
    """Zone-to-zone generalised time by scipy: each zone split into an origin (its
    outgoing links) and a destination copy (its incoming links), so no path passes
    through a zone."""
    net = graph.network
    n, z = net.n_nodes, net.n_zones
    tail, head = net.init_node - 1, net.term_node - 1
    head = np.where(head < z, n + head, head)
    order = np.lexsort((graph.cost, head, tail))
    first = np.ones(order.size, dtype=bool)
    first[1:] = (tail[order][1:] != tail[order][:-1]) | (head[order][1:] != head[order][:-1])
    keep = order[first]
    weights = np.where(graph.cost[keep] > 0, graph.cost[keep], 1e-300)
    matrix = csr_matrix((weights, (tail[keep], head[keep])), shape=(n + z, n + z))
    return dijkstra(matrix, directed=True, indices=np.arange(z))[:, n:]


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), period=st.sampled_from(["peak", "offpeak", "day"]))
def test_skims_are_weighted_sums_of_their_components(seed, period):
    links, lines, stops, zones, params = random_transit(seed)
    graph = build_transit_graph(links, lines, stops, zones, period=period, **params)
    skims = transit_skims(graph)
    ok = skims.available
    expected = (skims.ivt_h + params["wait_weight"] * skims.wait_h + params["access_weight"] * skims.walk_h
                + params["transfer_penalty_h"] * skims.transfers)
    np.testing.assert_allclose(skims.generalised_time_h[ok], expected[ok], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(skims.transfer_penalty_h[ok], params["transfer_penalty_h"] * skims.transfers[ok])
    assert (skims.boardings[ok] >= 1).all() and (skims.ivt_h[ok] > 0).all()
    np.testing.assert_array_equal(skims.transfers[ok], skims.boardings[ok] - 1)
    np.testing.assert_allclose(skims.ivt_by_mode_h["bus"][ok] + skims.ivt_by_mode_h["brt"][ok], skims.ivt_h[ok],
                               rtol=1e-12)
    assert (skims.wait_h[ok] <= skims.boardings[ok] * params["max_wait_h"] * (1 + 1e-12)).all()
    # an independent shortest-path computation agrees
    reference = reference_generalised_time(graph)
    np.fill_diagonal(reference, np.inf)
    np.testing.assert_array_equal(np.isfinite(reference), ok)
    np.testing.assert_allclose(skims.generalised_time_h[ok], reference[ok], rtol=1e-12)

    # loading: every trip boards once first; boardings, passenger-km and -hours add up
    trips = np.where(ok, np.random.default_rng(seed).uniform(0, 20, ok.shape), 0.0)
    load = transit_load(graph, trips)
    assert list(load.index) == list(graph.lines)
    total = trips.sum()
    assert load["first_boardings"].sum() == pytest.approx(total, rel=1e-12)
    assert load["boardings"].sum() >= load["first_boardings"].sum() * (1 - 1e-12)
    assert load["boardings"].sum() == pytest.approx((trips * np.nan_to_num(skims.boardings)).sum(), rel=1e-12)
    assert load["passenger_km"].sum() == pytest.approx((trips * np.nan_to_num(skims.distance_km)).sum(), rel=1e-12)
    assert load["passenger_hours"].sum() == pytest.approx((trips * np.nan_to_num(skims.ivt_h)).sum(), rel=1e-12)
    assert (load["max_load_forward"] <= total * (1 + 1e-12)).all()
