"""A seeded synthetic city road network of the size of a real city model, for benchmarks.

The network is planar like a street network: a mesh of intersections whose streets carry
shape points, with zone centroids attached by connectors.

- Counts. Streets run both ways and every zone has one or two connectors (two links each),
  so the node and link counts fix the number of independent cycles of the street graph:
  road edges (street pieces) E = (links − connector links) / 2, cycles = E − road nodes + 1.
  At the default size (12,100 road nodes, 28,400 links) that is about 800 cycles: the
  streets form a mesh of about 1,600 intersections of mean degree three, and the other
  road nodes are shape points along the streets (about six per street). This is what the
  counts of a city model's network imply when its links are two-way; a network with many
  one-way links would have more cycles and fewer shape points.
- Intersections are random points in a square (about 30 road nodes per km²); streets are
  the Delaunay edges of a minimum spanning tree plus the shortest other edges up to the
  street count. Each street gets shape points in proportion to its length (a multinomial
  draw) and is cut into equal pieces. Arterials are the streets longer than the 90th
  percentile: 1,800 veh/h at 50 km/h, against 600 veh/h at 30 km/h (BPR, b = 0.15,
  power 4; free-flow time in minutes). Road nodes are numbered in a random order, as
  node numbers in real files carry no locality.
- Zones are separate centroid nodes, numbered first and not passed through
  (``first_thru_node = n_zones + 1``), each with 1–2 two-way connectors to its nearest
  road nodes, of high capacity, timed by their length at 20 km/h.
- Demand is a gravity model: the zones' trip ends are lognormal, the deterrence is
  exp(-0.1 × free-flow minutes between centroids), and only ``od_share`` of the pairs
  (the largest) carry trips. The default, 865 zones with 6.6 % of the pairs carrying
  trips, is the size and sparsity of the city network the performance issue measured;
  the default number of trips loads the network to a total travel time about 1.5 times
  the free-flow one.

All sizes are assumptions of a benchmark, not data of a city.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import minimum_spanning_tree
from scipy.spatial import Delaunay, cKDTree

from smartcity.transport.network import Network, network_from_arrays

__all__ = ["city_network"]

#: Default peak-hour trips of the city network. [veh/h]
TRIPS = 12_000.0


def city_network(n_zones: int = 865, n_road_nodes: int = 12_100, n_links: int = 28_400, od_share: float = 0.066,
                 total_trips: float = TRIPS, seed: int = 20261208) -> tuple[Network, np.ndarray]:
    """A city road network and a peak-hour trip matrix.

    Parameters
    ----------
    n_zones : int
        Zones (centroid nodes). [-]
    n_road_nodes : int
        Road nodes (intersections and shape points). [-]
    n_links : int
        Directed links wanted in total, connectors included (more when a spanning tree
        needs more). [-]
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
    connectors_per_zone = rng.integers(1, 3, n_zones)
    n_edges = max((n_links - 2 * int(connectors_per_zone.sum())) // 2, n_road_nodes - 1)
    n_cycles = n_edges - n_road_nodes + 1
    # a mesh of mean degree 3 has 1.5 streets per intersection: streets − intersections + 1 = cycles
    n_intersections = int(np.clip(2 * (n_cycles - 1), min(3, n_road_nodes), n_road_nodes))
    n_shape = n_road_nodes - n_intersections
    n_streets = n_edges - n_shape

    side_km = np.sqrt(n_road_nodes / 30.0)  # about 30 road nodes per km2, a city's density
    corners = rng.uniform(0.0, side_km, (n_intersections, 2))
    triangles = Delaunay(corners).simplices
    edges = np.sort(np.concatenate([triangles[:, [0, 1]], triangles[:, [1, 2]], triangles[:, [0, 2]]]), axis=1)
    edges = np.unique(edges, axis=0)
    length = np.linalg.norm(corners[edges[:, 0]] - corners[edges[:, 1]], axis=1)
    graph = coo_matrix((length, (edges[:, 0], edges[:, 1])), shape=(n_intersections, n_intersections))
    tree = minimum_spanning_tree(graph).tocoo()
    in_tree = set(zip(np.minimum(tree.row, tree.col).tolist(), np.maximum(tree.row, tree.col).tolist()))
    chosen = np.array([(a, b) in in_tree for a, b in edges.tolist()])
    others = np.flatnonzero(~chosen)
    extra = others[np.argsort(length[others], kind="stable")[: max(n_streets - int(chosen.sum()), 0)]]
    chosen[extra] = True
    streets, street_km = edges[chosen], length[chosen]
    arterial = street_km > np.quantile(street_km, 0.9)

    # Shape points along the streets; each street becomes a chain of equal pieces.
    shape_points = rng.multinomial(n_shape, street_km / street_km.sum())
    points = [corners]
    tails, heads, piece_km, piece_arterial = [], [], [], []
    next_node = n_intersections
    for (a, b), km, k, main in zip(streets.tolist(), street_km.tolist(), shape_points.tolist(), arterial.tolist()):
        chain = [a, *range(next_node, next_node + k), b]
        if k:
            share = np.arange(1, k + 1)[:, None] / (k + 1)
            points.append(corners[a] + share * (corners[b] - corners[a]))
        next_node += k
        tails += chain[:-1]
        heads += chain[1:]
        piece_km += [km / (k + 1)] * (k + 1)
        piece_arterial += [main] * (k + 1)
    points = np.concatenate(points)
    piece_km = np.array(piece_km)
    piece_arterial = np.array(piece_arterial)
    capacity = np.where(piece_arterial, 1800.0, 600.0)
    minutes = piece_km / np.where(piece_arterial, 50.0, 30.0) * 60.0
    number = rng.permutation(n_road_nodes) + n_zones + 1  # road node i is node number[i]
    tails, heads = number[np.array(tails)], number[np.array(heads)]

    # Zone centroids among the road nodes; connectors to the nearest road nodes.
    centroids = rng.uniform(0.0, side_km, (n_zones, 2))
    nearest_km, nearest = cKDTree(points).query(centroids, k=2)
    zone_of = np.repeat(np.arange(n_zones), connectors_per_zone)
    rank = np.concatenate([np.arange(k) for k in connectors_per_zone])
    road = number[nearest[zone_of, rank]]
    connector_km = np.maximum(nearest_km[zone_of, rank], 0.05)

    zone_ids = zone_of + 1
    a = np.concatenate([tails, heads, zone_ids, road])
    b = np.concatenate([heads, tails, road, zone_ids])
    cap = np.concatenate([capacity, capacity, np.full(2 * zone_of.size, 10_000.0)])
    fft = np.concatenate([minutes, minutes, np.repeat(connector_km / 20.0 * 60.0, 2)])
    km = np.concatenate([piece_km, piece_km, connector_km, connector_km])
    network = network_from_arrays(n_zones, n_zones + n_road_nodes, a, b, cap, fft, b=0.15, power=4.0,
                                  length=km, first_thru_node=n_zones + 1)

    trip_ends = rng.lognormal(0.0, 0.8, n_zones)
    distance = np.linalg.norm(centroids[:, None, :] - centroids[None, :, :], axis=2)
    weight = np.outer(trip_ends, trip_ends) * np.exp(-0.1 * distance / 30.0 * 60.0)
    np.fill_diagonal(weight, 0.0)
    # od_share of all n² pairs, so of the n (n - 1) pairs between different zones a little more
    keep = weight >= np.quantile(weight[weight > 0], max(0.0, 1.0 - od_share * n_zones / (n_zones - 1)))
    demand = np.where(keep, weight, 0.0)
    demand *= total_trips / demand.sum()
    return network, demand
