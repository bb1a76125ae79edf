"""A plain numpy/scipy static assignment, and seeded networks for it.

The reference uses :func:`scipy.sparse.csgraph.dijkstra` for the shortest paths, walks
each origin-destination path back through the predecessor nodes to load its trips, and
runs Frank-Wolfe with a bisection line search. It shares no code with the numba kernels
and is used to check them (and as the slow baseline in the benchmarks). It ignores the
first-through-node rule, so use it on networks with ``first_thru_node = 1``.

``grid_network`` and ``random_network`` make seeded networks and trip tables.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from smartcity.transport.network import Network, network_from_arrays

__all__ = ["reference_shortest_paths", "reference_all_or_nothing", "reference_frank_wolfe",
           "grid_network", "random_network", "centroid_network"]


def _cheapest_links(network: Network, cost: np.ndarray):
    """Sparse matrix of the cheapest link per node pair, and that link's index."""
    tail = network.init_node - 1
    head = network.term_node - 1
    order = np.lexsort((cost, head, tail))  # by pair, cheapest first
    first = np.ones(order.size, dtype=bool)
    first[1:] = (tail[order][1:] != tail[order][:-1]) | (head[order][1:] != head[order][:-1])
    keep = order[first]
    n = network.n_nodes
    # csgraph drops explicit zeros: a tiny positive cost stands for a free link.
    weights = np.where(cost[keep] > 0, cost[keep], 1e-300)
    matrix = csr_matrix((weights, (tail[keep], head[keep])), shape=(n, n))
    link_of = {(int(tail[e]), int(head[e])): int(e) for e in keep}
    return matrix, link_of


def reference_shortest_paths(network: Network, cost, origins) -> np.ndarray:
    """Shortest-path costs (n_origins, n_nodes) from 1-based ``origins``."""
    matrix, _ = _cheapest_links(network, np.asarray(cost, dtype=np.float64))
    return dijkstra(matrix, directed=True, indices=np.asarray(origins) - 1)


def reference_all_or_nothing(network: Network, demand, cost) -> np.ndarray:
    """Link flows of loading every trip on its shortest path of ``cost``."""
    cost = np.asarray(cost, dtype=np.float64)
    matrix, link_of = _cheapest_links(network, cost)
    flows = np.zeros(network.n_links)
    n_zones = network.n_zones
    _, predecessors = dijkstra(matrix, directed=True, indices=np.arange(n_zones), return_predecessors=True)
    for o in range(n_zones):
        for d in range(n_zones):
            trips = demand[o, d]
            if trips <= 0 or o == d:
                continue
            node = d
            while node != o:
                parent = predecessors[o, node]
                if parent < 0:
                    raise ValueError(f"no path from zone {o + 1} to zone {d + 1}")
                flows[link_of[(int(parent), int(node))]] += trips
                node = parent
    return flows


def _times(network: Network, x: np.ndarray) -> np.ndarray:
    return network.free_flow_time * (1 + network.b * (x / network.capacity) ** network.power)


def reference_frank_wolfe(network: Network, demand, iterations: int) -> dict[str, object]:
    """Frank-Wolfe for a fixed number of iterations (bisection line search, 60 halvings)."""
    x = reference_all_or_nothing(network, demand, network.free_flow_time)
    gap = np.inf
    for _ in range(iterations):
        t = _times(network, x)
        y = reference_all_or_nothing(network, demand, t)
        gap = (x @ t - y @ t) / (x @ t)
        d = y - x
        low, high = 0.0, 1.0
        if d @ _times(network, x + d) <= 0:
            low = 1.0
        else:
            for _ in range(60):
                mid = 0.5 * (low + high)
                if d @ _times(network, x + mid * d) < 0:
                    low = mid
                else:
                    high = mid
        x = x + low * d
    return {"flows": x, "gap": gap}


def grid_network(side: int, n_zones: int, seed: int, trips_per_zone: float = 300.0):
    """A ``side × side`` grid of two-way links with random BPR parameters and trips.

    Zones are the first ``n_zones`` nodes (row by row); every node may be passed
    through (``first_thru_node = 1``). Returns (network, demand).
    """
    rng = np.random.default_rng(seed)
    ids = np.arange(side * side).reshape(side, side) + 1
    pairs = [(ids[i, j], ids[i, j + 1]) for i in range(side) for j in range(side - 1)]
    pairs += [(ids[i, j], ids[i + 1, j]) for i in range(side - 1) for j in range(side)]
    a = np.array(pairs)
    init = np.concatenate([a[:, 0], a[:, 1]])
    term = np.concatenate([a[:, 1], a[:, 0]])
    n = init.size
    length = rng.uniform(0.5, 2.0, n)
    network = network_from_arrays(
        n_zones, side * side, init, term, rng.uniform(300.0, 1500.0, n), length * rng.uniform(1.0, 2.0, n),
        b=0.15, power=4.0, length=length,
    )
    demand = rng.exponential(trips_per_zone / n_zones, (n_zones, n_zones))
    demand[rng.random((n_zones, n_zones)) < 0.3] = 0.0
    np.fill_diagonal(demand, 0.0)
    return network, demand


def random_network(n_nodes: int, n_zones: int, seed: int, extra_links: int = 3, first_thru_node: int = 1):
    """A random strongly connected network: a ring plus random chords, random trips.

    Returns (network, demand).
    """
    rng = np.random.default_rng(seed)
    ring = np.arange(1, n_nodes + 1)
    init = [ring, np.roll(ring, -1), rng.integers(1, n_nodes + 1, extra_links * n_nodes)]
    term = [np.roll(ring, -1), ring, rng.integers(1, n_nodes + 1, extra_links * n_nodes)]
    init, term = np.concatenate(init), np.concatenate(term)
    keep = init != term
    init, term = init[keep], term[keep]
    n = init.size
    network = network_from_arrays(
        n_zones, n_nodes, init, term, rng.uniform(50.0, 500.0, n), rng.uniform(0.5, 5.0, n),
        b=0.15, power=4.0, first_thru_node=first_thru_node,
    )
    demand = rng.uniform(0.0, 50.0, (n_zones, n_zones))
    np.fill_diagonal(demand, 0.0)
    return network, demand


def centroid_network(n_zones: int, n_intersections: int, seed: int, extra_links: int = 3):
    """Zone centroids (nodes 1 … n_zones) joined two-way to a random strongly connected
    road network of intersections; paths may not pass through the centroids
    (``first_thru_node = n_zones + 1``). Returns (network, demand).
    """
    rng = np.random.default_rng(seed)
    roads, _ = random_network(n_intersections, 1, seed, extra_links)
    offset = n_zones
    zones = np.arange(1, n_zones + 1)
    attach = offset + 1 + rng.integers(0, n_intersections, n_zones)
    init = np.concatenate([roads.init_node + offset, zones, attach])
    term = np.concatenate([roads.term_node + offset, attach, zones])
    n_connectors = 2 * n_zones
    capacity = np.concatenate([roads.capacity, np.full(n_connectors, 1e5)])
    time = np.concatenate([roads.free_flow_time, np.full(n_connectors, 0.1)])
    network = network_from_arrays(n_zones, n_zones + n_intersections, init, term, capacity, time,
                                  b=0.15, power=4.0, first_thru_node=n_zones + 1)
    demand = rng.uniform(0.0, 50.0, (n_zones, n_zones))
    demand[rng.random((n_zones, n_zones)) < 0.2] = 0.0
    np.fill_diagonal(demand, 0.0)
    return network, demand
