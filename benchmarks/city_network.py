"""A seeded synthetic city road network of the size of a real city model, for benchmarks.

The network is planar like a street network. Road nodes are random points in a square.
The streets are the Delaunay edges of those points: a minimum spanning tree (every node
reachable) plus the shortest other edges up to the link count asked for. Streets run both
ways. Arterials are the edges longer than the 90th percentile: 1,800 veh/h at 50 km/h,
against 600 veh/h at 30 km/h for the rest (BPR, b = 0.15, power 4; free-flow time in
minutes).

Zones are separate centroid nodes, numbered first and not passed through
(``first_thru_node = n_zones + 1``). Each has 2–4 two-way connectors to its nearest road
nodes, of high capacity, timed by their length at 20 km/h, as centroid connectors are in
city models.

Demand is a gravity model. The zones' trip ends are lognormal, the deterrence is
exp(-0.1 x free-flow minutes between centroids), and only ``od_share`` of the pairs (the
largest) carry trips. The default size is 865 zones, 12,965 nodes and 29,464 links (the
spanning tree needs more streets than the 28,400 asked for), with 6.6 % of the pairs
carrying trips: the size and sparsity of the city network the performance issue measured.

All sizes are assumptions of a benchmark, not data of a city.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import minimum_spanning_tree
from scipy.spatial import Delaunay, cKDTree

from smartcity.transport.network import Network, network_from_arrays

__all__ = ["city_network"]


def city_network(n_zones: int = 865, n_road_nodes: int = 12_100, n_links: int = 28_400, od_share: float = 0.066,
                 total_trips: float = 250_000.0, seed: int = 20261207) -> tuple[Network, np.ndarray]:
    """A city road network and a peak-hour trip matrix.

    Parameters
    ----------
    n_zones : int
        Zones (centroid nodes). [-]
    n_road_nodes : int
        Road nodes (intersections and shape points). [-]
    n_links : int
        Directed links wanted in total, connectors included (the result is within a few
        links). [-]
    od_share : float
        Share of zone pairs with trips. [-]
    total_trips : float
        Trips in the matrix. [veh/h]
    seed : int
        Seed of every random draw. [-]

    Returns
    -------
    (Network, numpy.ndarray)
        The network (nodes 1 … n_zones are the zones) and the (n_zones, n_zones) demand.
    """
    rng = np.random.default_rng(seed)
    side_km = np.sqrt(n_road_nodes / 30.0)  # about 30 road nodes per km2, a city's density
    points = rng.uniform(0.0, side_km, (n_road_nodes, 2))
    triangles = Delaunay(points).simplices
    edges = np.sort(np.concatenate([triangles[:, [0, 1]], triangles[:, [1, 2]], triangles[:, [0, 2]]]), axis=1)
    edges = np.unique(edges, axis=0)
    length = np.linalg.norm(points[edges[:, 0]] - points[edges[:, 1]], axis=1)

    connectors_per_zone = rng.integers(2, 5, n_zones)
    n_streets = max((n_links - 2 * int(connectors_per_zone.sum())) // 2, n_road_nodes - 1)
    graph = coo_matrix((length, (edges[:, 0], edges[:, 1])), shape=(n_road_nodes, n_road_nodes))
    tree = minimum_spanning_tree(graph).tocoo()
    in_tree = set(zip(np.minimum(tree.row, tree.col).tolist(), np.maximum(tree.row, tree.col).tolist()))
    chosen = np.array([(a, b) in in_tree for a, b in edges.tolist()])
    others = np.flatnonzero(~chosen)
    extra = others[np.argsort(length[others], kind="stable")[: n_streets - int(chosen.sum())]]
    chosen[extra] = True
    streets, street_km = edges[chosen], length[chosen]

    arterial = street_km > np.quantile(street_km, 0.9)
    capacity = np.where(arterial, 1800.0, 600.0)
    minutes = street_km / np.where(arterial, 50.0, 30.0) * 60.0

    # Zone centroids among the road nodes; connectors to the nearest road nodes.
    centroids = rng.uniform(0.0, side_km, (n_zones, 2))
    nearest_km, nearest = cKDTree(points).query(centroids, k=4)
    zone_of = np.repeat(np.arange(n_zones), connectors_per_zone)
    rank = np.concatenate([np.arange(k) for k in connectors_per_zone])
    road = nearest[zone_of, rank]
    connector_km = np.maximum(nearest_km[zone_of, rank], 0.05)

    zone_ids = zone_of + 1
    road_ids = road + n_zones + 1
    a = np.concatenate([streets[:, 0] + n_zones + 1, streets[:, 1] + n_zones + 1, zone_ids, road_ids])
    b = np.concatenate([streets[:, 1] + n_zones + 1, streets[:, 0] + n_zones + 1, road_ids, zone_ids])
    cap = np.concatenate([capacity, capacity, np.full(2 * zone_of.size, 10_000.0)])
    fft = np.concatenate([minutes, minutes, np.repeat(connector_km / 20.0 * 60.0, 2)])
    km = np.concatenate([street_km, street_km, connector_km, connector_km])
    network = network_from_arrays(n_zones, n_zones + n_road_nodes, a, b, cap, fft, b=0.15, power=4.0,
                                  length=km, first_thru_node=n_zones + 1)

    trip_ends = rng.lognormal(0.0, 0.8, n_zones)
    distance = np.linalg.norm(centroids[:, None, :] - centroids[None, :, :], axis=2)
    weight = np.outer(trip_ends, trip_ends) * np.exp(-0.1 * distance / 30.0 * 60.0)
    np.fill_diagonal(weight, 0.0)
    keep = weight >= np.quantile(weight[weight > 0], 1.0 - od_share * n_zones / (n_zones - 1))
    demand = np.where(keep, weight, 0.0)
    demand *= total_trips / demand.sum()
    return network, demand
