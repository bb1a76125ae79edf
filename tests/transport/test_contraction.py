"""Chains of two-neighbour nodes contracted for the all-or-nothing loading."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smartcity.errors import InputError
from smartcity.transport.assignment import all_or_nothing, assign
from smartcity.transport.contraction import contract, contractible_nodes
from smartcity.transport.network import Network, network_from_arrays
from tests.transport.reference_assignment import centroid_network, random_network, reference_all_or_nothing


def subdivided(network: Network, rng: np.random.Generator, share: float = 0.6, integer_costs: bool = False):
    """``network`` with a share of its links cut into chains of 1–3 new nodes.

    Two-way pairs (a link and its reverse) are cut through the same new nodes, so the
    new nodes are two-way chain nodes; other links become one-way chains. Each piece
    keeps the link's capacity and BPR parameters and gets a part of its free-flow time,
    so a chain's time at any flow is the link's. Links are listed as the network stores
    them; the first piece keeps its link's place and the others are appended, with the
    new nodes numbered after the network's.

    Returns
    -------
    (Network, pieces_of)
        The new network and, for each of the network's (stored) links, the positions of
        its pieces in the new network's link list as given (its file order).
    """
    tail, head = network.init_node.tolist(), network.term_node.tolist()
    t0 = network.free_flow_time
    if integer_costs:
        t0 = rng.integers(1, 20, network.n_links).astype(np.float64)
    pair_of = {}
    for e, (a, b) in enumerate(zip(tail, head)):
        pair_of.setdefault((a, b), []).append(e)
    init, term, time, capacity = list(tail), list(head), list(t0), list(network.capacity)
    pieces_of = [[e] for e in range(len(tail))]
    n_nodes = network.n_nodes
    cut = set()
    for e in range(len(tail)):
        a, b = tail[e], head[e]
        if e in cut or rng.random() > share or len(pair_of[(a, b)]) > 1:
            continue
        reverse = pair_of.get((b, a), [])
        reverse = [r for r in reverse if r not in cut][:1] if len(reverse) == 1 else []
        k = int(rng.integers(1, 4))
        new = list(range(n_nodes + 1, n_nodes + k + 1))
        n_nodes += k
        for link, path in [(e, [a, *new, b])] + [(r, [b, *new[::-1], a]) for r in reverse]:
            cut.add(link)
            if integer_costs:
                parts = np.diff(np.sort(np.concatenate([[0], rng.integers(0, int(time[link]) + 1, k), [time[link]]])))
            else:
                parts = time[link] * np.diff(np.sort(np.concatenate([[0.0], rng.random(k), [1.0]])))
            term[link], time[link] = path[1], float(parts[0])
            for i in range(1, len(path) - 1):
                init.append(path[i])
                term.append(path[i + 1])
                time.append(float(parts[i]))
                capacity.append(network.capacity[link])
                pieces_of[link].append(len(init) - 1)
    new_network = network_from_arrays(network.n_zones, n_nodes, init, term, capacity, time, b=0.15, power=4.0,
                                       first_thru_node=network.first_thru_node)
    return new_network, pieces_of


def as_given(network: Network, values: np.ndarray) -> np.ndarray:
    """Per-link values in the order the links were given (the network's file order)."""
    out = np.empty(network.n_links)
    out[network.file_order] = values
    return out


def test_contractible_nodes_of_a_small_network():
    # zones 1, 2; node 3 a two-way middle (1 <-> 3 <-> 4), node 4 a junction, node 5 a one-way
    # middle (4 -> 5 -> 2), node 6 a dead end (4 <-> 6) and node 7 with parallel links from 4
    init = [1, 3, 3, 4, 4, 5, 4, 6, 4, 4, 7, 2]
    term = [3, 1, 4, 3, 5, 2, 6, 4, 7, 7, 2, 4]
    net = network_from_arrays(2, 7, init, term, 100.0, 1.0)
    np.testing.assert_array_equal(contractible_nodes(net), [False, False, True, False, True, False, False])
    graph = contract(net)
    assert not graph.identity
    # 1->4 (via 3), 4->1 (via 3), 4->2 (via 5), 4->6, 6->4, 4->7 twice, 7->2, 2->4
    assert graph.n_links == 9
    np.testing.assert_array_equal(np.bincount(graph.member_of[graph.member_of >= 0]).max(), 2)
    # nothing contracted when zones may be passed through only as zones
    blocked = network_from_arrays(5, 7, init, term, 100.0, 1.0, first_thru_node=6)
    np.testing.assert_array_equal(contractible_nodes(blocked), [False] * 7)
    assert contract(blocked).identity


def test_a_cycle_of_chain_nodes_only_carries_nothing():
    # zones 1 <-> 2 and, apart, a two-way ring 3 - 4 - 5: every ring node is a chain node
    init = [1, 2, 3, 4, 4, 5, 5, 3]
    term = [2, 1, 4, 3, 5, 4, 3, 5]
    net = network_from_arrays(2, 5, init, term, 100.0, 1.0)
    graph = contract(net)
    assert graph.n_links == 2 and np.all(graph.member_of[net.init_node >= 3] == -1)
    flows = all_or_nothing(net, [[0.0, 10.0], [4.0, 0.0]], net.free_flow_time)
    np.testing.assert_array_equal(flows, [10.0, 4.0, 0, 0, 0, 0, 0, 0])


def test_zones_without_links_are_refused_as_unconnected_when_only_a_ring_remains():
    # every link is on a ring of chain nodes: nothing is left to search from the zones
    net = network_from_arrays(2, 5, [3, 4, 5], [4, 5, 3], 1.0, 1.0)
    assert contract(net).n_links == 0
    with pytest.raises(InputError, match="no path from zone 1 to zone 2"):
        all_or_nothing(net, [[0.0, 1.0], [0.0, 0.0]], net.free_flow_time)
    np.testing.assert_array_equal(all_or_nothing(net, [[0.0, 0.0], [0.0, 0.0]], net.free_flow_time), [0, 0, 0])


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), n_nodes=st.integers(4, 25), blocked=st.booleans())
def test_cutting_links_into_chains_changes_no_flow(seed, n_nodes, blocked):
    # With whole-number times every chain costs exactly its link, and the contracted network
    # is the original one link for link in the same order: the loadings are identical bits.
    rng = np.random.default_rng(seed)
    if blocked:
        net, demand = centroid_network(3, n_nodes, seed)
    else:
        net, demand = random_network(n_nodes, 3, seed)
    cut, pieces_of = subdivided(net, rng, integer_costs=True)
    piece_time = as_given(cut, cut.free_flow_time)
    whole_time = np.array([piece_time[pieces].sum() for pieces in pieces_of])
    flows_whole = all_or_nothing(net, demand, whole_time)
    flows_cut = as_given(cut, all_or_nothing(cut, demand, cut.free_flow_time))
    for e, pieces in enumerate(pieces_of):
        np.testing.assert_array_equal(flows_cut[pieces], flows_whole[e])


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), n_nodes=st.integers(4, 30))
def test_contracted_loading_matches_the_reference_on_the_whole_network(seed, n_nodes):
    # the numpy/scipy reference searches every node; times are random reals, so no ties
    rng = np.random.default_rng(seed)
    net, demand = centroid_network(4, n_nodes, seed)
    cut, _ = subdivided(net, rng)
    assert contractible_nodes(cut).any() or cut.n_links == net.n_links
    cost = cut.free_flow_time * rng.uniform(0.5, 2.0, cut.n_links)
    np.testing.assert_allclose(all_or_nothing(cut, demand, cost), reference_all_or_nothing(cut, demand, cost),
                               rtol=1e-12, atol=1e-9)


def test_equilibrium_of_a_network_with_chains_is_the_one_without():
    # A chain's pieces share the link's capacity and split its free-flow time, so in exact
    # arithmetic every iterate is the link's; rounding differs only in the last digits.
    rng = np.random.default_rng(7)
    net, demand = centroid_network(6, 40, 7)
    cut, pieces_of = subdivided(net, rng)
    assert contractible_nodes(cut).sum() >= 20
    whole = assign(net, demand, gap=1e-8)
    chained = assign(cut, demand, gap=1e-8)
    assert chained.iterations == whole.iterations
    flows = as_given(cut, chained.flows)
    for e, pieces in enumerate(pieces_of):
        np.testing.assert_allclose(flows[pieces], whole.flows[e], rtol=1e-7, atol=1e-6)
    np.testing.assert_allclose(chained.total_travel_time, whole.total_travel_time, rtol=1e-10)


def reference_contractible(network: Network) -> list[bool]:
    """Plain-Python reading of the rule: the neighbours in and out, node by node."""
    ins = [[] for _ in range(network.n_nodes + 1)]
    outs = [[] for _ in range(network.n_nodes + 1)]
    for a, b in zip(network.init_node.tolist(), network.term_node.tolist()):
        outs[a].append(b)
        ins[b].append(a)
    result = []
    for v in range(1, network.n_nodes + 1):
        if v <= network.n_zones or v < network.first_thru_node:
            result.append(False)
        elif len(ins[v]) == 1 and len(outs[v]) == 1:
            result.append(ins[v][0] != outs[v][0] and v not in ins[v] + outs[v])
        elif len(ins[v]) == 2 and len(outs[v]) == 2:
            result.append(sorted(ins[v]) == sorted(outs[v]) and len(set(ins[v])) == 2 and v not in ins[v])
        else:
            result.append(False)
    return result


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), n_nodes=st.integers(3, 30), extra=st.integers(0, 2))
def test_contractible_nodes_follow_the_rule(seed, n_nodes, extra):
    net, _ = random_network(n_nodes, 2, seed, extra_links=extra)
    cut, _ = subdivided(net, np.random.default_rng(seed))
    for network in (net, cut):
        np.testing.assert_array_equal(contractible_nodes(network), reference_contractible(network))
