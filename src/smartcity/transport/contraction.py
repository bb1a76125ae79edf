"""Chains of two-neighbour road nodes contracted into single links, for the all-or-nothing loading.

A road node whose only neighbours are two other nodes, reached by one link each way (a
two-way street's shape point or a minor junction's middle), or by one link in and one out (a
one-way street), never branches: every shortest path through it continues to the other
neighbour. A chain of such nodes between two other nodes is therefore travelled whole or not
at all, and can be searched as one link whose cost is the sum of its links' costs and whose
all-or-nothing flow is each of its links' flow. The shortest paths are the same; where two
paths cost exactly the same (or within rounding of the chain's summed cost), the one
loaded may differ from the one the whole network's search would pick. City networks have many such nodes (46 % of
the nodes of the benchmarks' synthetic city network); AequilibraE compresses its graphs the
same way [1]_. The contracted network has the same nodes (the contracted ones simply have no
links) so that zones and node numbers stay as they are.

Zone nodes and nodes that may not be passed through are never contracted. Links on a cycle
of contracted nodes only are unreachable from every other node and carry no flow.

Functions
---------
contract
    The contracted network of a :class:`~smartcity.transport.network.Network`.

References
----------
.. [1] AequilibraE documentation, "Path computation: graph compression" (link chains
   between nodes of degree two are compressed before shortest paths are computed),
   https://www.aequilibrae.com.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np

from smartcity.transport.network import Network

__all__ = ["Contraction", "contract", "contractible_nodes"]


@dataclass(frozen=True)
class Contraction:
    """A network with its chains of two-neighbour nodes as single links.

    Attributes
    ----------
    first_out : (n_nodes + 1,) int64 ndarray
        Forward-star pointers of the contracted links. [-]
    tail, head : (n_contracted,) int64 ndarray
        0-based end nodes of the contracted links, sorted by tail. [-]
    members : (n_members,) int64 ndarray
        The network's links that make up the contracted links, chain after chain, each
        chain in travel order. [-]
    offsets : (n_contracted,) int64 ndarray
        Start of each contracted link's chain in ``members``. [-]
    member_of : (n_links,) int64 ndarray
        The contracted link each network link belongs to; -1 for links on a cycle of
        contracted nodes only. [-]
    identity : bool
        True when no node was contracted: the contracted links are the network's links.
    """

    first_out: np.ndarray
    tail: np.ndarray
    head: np.ndarray
    members: np.ndarray
    offsets: np.ndarray
    member_of: np.ndarray
    identity: bool

    @property
    def n_links(self) -> int:
        """Number of contracted links. [-]"""
        return int(self.tail.shape[0])

    def link_cost(self, cost: np.ndarray) -> np.ndarray:
        """Cost of each contracted link: the sum of its chain's costs. [the cost's unit]"""
        if self.identity:
            return cost
        return np.add.reduceat(cost[self.members], self.offsets)

    def link_flows(self, flows: np.ndarray) -> np.ndarray:
        """The network's link flows from the contracted links' flows (0 off every chain). [veh/time]"""
        if self.identity:
            return flows
        out = np.zeros(self.member_of.shape[0])
        on_chain = self.member_of >= 0
        out[on_chain] = flows[self.member_of[on_chain]]
        return out


def contractible_nodes(network: Network) -> np.ndarray:
    """Which nodes only pass traffic between two neighbours.

    A node is contractible when it is neither a zone nor a node that may not be passed
    through, and either has one link in from a node ``a`` and one link out to a node
    ``b``, or one link in from and one link out to each of two nodes ``a`` and ``b``;
    in both cases ``a != b`` and neither is the node itself.

    Returns
    -------
    (n_nodes,) bool ndarray
    """
    tail = network.init_node - 1
    head = network.term_node - 1
    by_head = np.argsort(head, kind="stable")
    in_first = np.searchsorted(head[by_head], np.arange(network.n_nodes + 1)).astype(np.int64)
    keep_below = max(network.n_zones, network.first_thru_node - 1)
    return _contractible(network.first_out, head, in_first, np.ascontiguousarray(tail[by_head]), keep_below)


def contract(network: Network) -> Contraction:
    """The network with every chain of contractible nodes (:func:`contractible_nodes`) as one link.

    Returns
    -------
    Contraction
        With ``identity`` True (and the network's own links) when no node is contractible.
    """
    head = network.term_node - 1
    contractible = contractible_nodes(network)
    if not contractible.any():
        tail = network.init_node - 1
        every = np.arange(network.n_links, dtype=np.int64)
        return Contraction(network.first_out, tail, head, every, every, every, identity=True)
    kept_out = ~contractible[network.init_node - 1]  # links that start a chain, in forward-star order
    starts = np.flatnonzero(kept_out).astype(np.int64)
    start_nodes = (network.init_node[starts] - 1).astype(np.int64)
    members = np.empty(network.n_links, dtype=np.int64)
    offsets = np.empty(starts.shape[0], dtype=np.int64)
    member_of = np.full(network.n_links, -1, dtype=np.int64)
    ends, n_members = _chains(network.first_out, head, contractible, starts, start_nodes, members, offsets,
                              member_of)
    first_out = np.searchsorted(start_nodes, np.arange(network.n_nodes + 1)).astype(np.int64)
    return Contraction(first_out, start_nodes, ends, members[:n_members], offsets, member_of, identity=False)


@numba.njit(cache=True)
def _contractible(first_out, head, in_first, in_tail, keep_below):
    """:func:`contractible_nodes` on the forward star and the reverse star (``in_first``, ``in_tail``)."""
    n_nodes = first_out.shape[0] - 1
    result = np.zeros(n_nodes, dtype=np.bool_)
    for v in range(keep_below, n_nodes):
        n_out = first_out[v + 1] - first_out[v]
        n_in = in_first[v + 1] - in_first[v]
        if n_in == 1 and n_out == 1:
            a = in_tail[in_first[v]]
            b = head[first_out[v]]
            result[v] = a != b and a != v and b != v
        elif n_in == 2 and n_out == 2:
            a1 = in_tail[in_first[v]]
            a2 = in_tail[in_first[v] + 1]
            b1 = head[first_out[v]]
            b2 = head[first_out[v] + 1]
            same = (a1 == b1 and a2 == b2) or (a1 == b2 and a2 == b1)
            result[v] = same and a1 != a2 and a1 != v and a2 != v
    return result


@numba.njit(cache=True)
def _chains(first_out, head, contractible, starts, start_nodes, members, offsets, member_of):
    """Follow each link ``starts[k]`` (leaving kept node ``start_nodes[k]``) through contractible
    nodes to the next kept node; fill ``members``, ``offsets`` and ``member_of``.

    Returns
    -------
    (ends, n_members)
        The kept node each chain ends at, and the number of links on chains.
    """
    ends = np.empty(starts.shape[0], dtype=np.int64)
    position = 0
    for k in range(starts.shape[0]):
        offsets[k] = position
        e = starts[k]
        came_from = start_nodes[k]
        while True:
            members[position] = e
            member_of[e] = k
            position += 1
            v = head[e]
            if not contractible[v]:
                break
            # on: the one link out (one way), or the one of two that does not lead back
            first = first_out[v]
            if first_out[v + 1] - first == 2 and head[first] == came_from:
                e = first + 1
            else:
                e = first
            came_from = v
        ends[k] = head[e]
    return ends, position
