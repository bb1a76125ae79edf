"""Static user-equilibrium traffic assignment with BPR link costs.

Trips between zones are assigned to a road network so that no traveller can lower their
generalised cost by changing route (Wardrop's first principle). Link travel time follows
the BPR function t = t0 (1 + b (x / c) ** p); the generalised cost adds tolls and distance,

    cost = time + toll_factor × toll + distance_factor × length,

and the equilibrium minimises the Beckmann objective sum over links of the integral of
the cost from 0 to the link flow.

Three descent methods are offered, each with an exact line search on the Beckmann
objective and each all-or-nothing loading done by a parallel numba kernel:

- ``"fw"``: Frank-Wolfe [1]_;
- ``"cfw"``: conjugate Frank-Wolfe [2]_;
- ``"bfw"``: bi-conjugate Frank-Wolfe [2]_ (the default; several times fewer iterations
  than Frank-Wolfe at tight gaps).

They stop when the relative gap

    (sum(x · cost) − sum(x_AoN · cost)) / sum(x · cost)

falls to ``gap``, where ``x_AoN`` is the all-or-nothing loading on the current costs.

Each all-or-nothing loading searches one shortest-path tree per origin with demand, on the
network with its chains of two-neighbour nodes contracted into single links
(:mod:`~smartcity.transport.contraction`; the same shortest paths, loaded onto the whole
network's links) and stopped once the origin's last destination is settled.

Functions
---------
assign
    Equilibrium link flows of a :class:`~smartcity.transport.network.Network`.
all_or_nothing
    One all-or-nothing loading on given link costs.
shortest_paths
    Shortest-path costs and trees from chosen origins.
path_sums
    Sums of link values (times, distances, counts) along those trees.
link_times, beckmann_objective
    The BPR cost and its integral.
warmup
    Compile the numba kernels into their on-disk cache.

References
----------
.. [1] M. Frank, P. Wolfe (1956), An algorithm for quadratic programming. Naval Research
   Logistics Quarterly 3, 95–110. https://doi.org/10.1002/nav.3800030109
.. [2] M. Mitradjieva, P. O. Lindberg (2013), The stiff is moving — conjugate direction
   Frank-Wolfe methods with applications to traffic assignment. Transportation Science
   47(2), 280–293. https://doi.org/10.1287/trsc.1120.0409
.. [3] Y. Sheffi (1985), Urban Transportation Networks: Equilibrium Analysis with
   Mathematical Programming Methods. Prentice-Hall (Beckmann objective, ch. 3 and 5).
"""

from __future__ import annotations

import time
import typing
from dataclasses import dataclass, field

import numpy as np

from smartcity.errors import InputError
from smartcity.transport import _kernels
from smartcity.transport.contraction import contract
from smartcity.transport.network import Network

if typing.TYPE_CHECKING:  # pandas is imported where a table is made: `smartcity assign` starts without it
    import pandas as pd

__all__ = [
    "ALGORITHMS",
    "AssignmentResult",
    "assign",
    "all_or_nothing",
    "shortest_paths",
    "path_sums",
    "link_times",
    "beckmann_objective",
    "warmup",
]

#: Names of the assignment algorithms.
ALGORITHMS = ("fw", "cfw", "bfw")

#: Largest weight of the previous target in a conjugate direction, 1 − delta of [2]. [-]
_MAX_CONJUGATE_WEIGHT = 1.0 - 1e-6


@dataclass(frozen=True, eq=False)
class AssignmentResult:
    """Equilibrium of a static assignment; link arrays follow the network's link order.

    Attributes
    ----------
    flows : (n_links,) ndarray
        Link flows. [vehicles per time unit of the demand]
    times : (n_links,) ndarray
        BPR travel times at those flows. [the network's time unit]
    costs : (n_links,) ndarray
        Generalised costs, times plus weighted toll and length. [time unit]
    iterations : int
        Number of all-or-nothing loadings after the initial free-flow one. [-]
    gap : float
        Relative gap of the returned flows. [-]
    converged : bool
        Whether ``gap`` reached the requested gap within ``max_iter`` iterations.
    beckmann_objective : float
        Sum over links of the integral of the generalised cost from 0 to the flow.
        [vehicles × time unit]
    total_travel_time : float
        Total system travel time, sum of flows × times. [vehicles × time unit]
    wall_time : float
        Wall-clock time of the solve: the free-flow loading and the iterations. [s]
    gap_history : (iterations,) ndarray
        Relative gap at each iteration. [-]
    objective_history : (iterations,) ndarray
        Beckmann objective at each iteration. [vehicles × time unit]
    algorithm : str
        ``"fw"``, ``"cfw"`` or ``"bfw"``.
    setup_time : float
        Wall-clock time before the solve: checking the demand, the per-network buffers and,
        once per process, loading the compiled kernels (plus reading the files when run by
        :func:`~smartcity.transport.assignment_files.run_assignment_files`). [s]
    """

    flows: np.ndarray
    times: np.ndarray
    costs: np.ndarray
    iterations: int
    gap: float
    converged: bool
    beckmann_objective: float
    total_travel_time: float
    wall_time: float
    gap_history: np.ndarray = field(repr=False)
    objective_history: np.ndarray = field(repr=False)
    algorithm: str = "bfw"
    setup_time: float = 0.0

    def link_columns(self, network: Network) -> dict[str, np.ndarray]:
        """Link flows in the network file's link order, one entry per link.

        Columns: ``link``, the link's 1-based position in the network file (which tells
        parallel links apart), then the TNTP flow-file columns ``from``, ``to``, ``volume``
        [vehicles per time unit] and ``cost`` [the network's time unit].
        """
        in_file = np.empty(network.n_links, dtype=np.int64)
        in_file[network.file_order] = np.arange(network.n_links)  # stored index of the file's k-th link
        return {
            "link": np.arange(1, network.n_links + 1),
            "from": network.init_node[in_file], "to": network.term_node[in_file],
            "volume": self.flows[in_file], "cost": self.costs[in_file],
        }

    def link_table(self, network: Network) -> pd.DataFrame:
        """:meth:`link_columns` as a table."""
        import pandas as pd

        return pd.DataFrame(self.link_columns(network))

    def link_csv(self, network: Network) -> str:
        """:meth:`link_columns` as CSV text: a header line, then integers and floats to 10 digits."""
        columns = self.link_columns(network)
        rows = zip(*(columns[name].tolist() for name in columns))
        return ",".join(columns) + "\n" + "".join(f"{k},{a},{b},{v:.10g},{c:.10g}\n" for k, a, b, v, c in rows)

    def summary(self) -> dict[str, object]:
        """The scalar results as a JSON-friendly dict."""
        return {
            "algorithm": self.algorithm,
            "iterations": self.iterations,
            "relative_gap": self.gap,
            "converged": self.converged,
            "total_travel_time": self.total_travel_time,
            "beckmann_objective": self.beckmann_objective,
            "solve_time_s": self.wall_time,
            "setup_time_s": self.setup_time,
        }


# --------------------------------------------------------------------------------------
# Link cost functions
# --------------------------------------------------------------------------------------


def link_times(network: Network, flows) -> np.ndarray:
    """BPR travel times t0 (1 + b (x / c) ** p) of all links. [the network's time unit]

    Parameters
    ----------
    network : Network
    flows : (n_links,) array_like
        Link flows, >= 0. [vehicles per time unit]
    """
    x = np.asarray(flows, dtype=np.float64)
    return network.free_flow_time * (1.0 + network.b * (x / network.capacity) ** network.power)


def _slopes(network: Network, x: np.ndarray) -> np.ndarray:
    """d time / d flow of every link (the diagonal Hessian of the Beckmann objective)."""
    p = network.power
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = x / network.capacity
        slope = network.free_flow_time * network.b * p * ratio ** (p - 1.0) / network.capacity
    return np.where(p == 0.0, 0.0, slope)


def beckmann_objective(network: Network, flows, fixed_cost=0.0) -> float:
    """Beckmann objective: sum over links of the integral of the cost from 0 to the flow.

    For the BPR function the integral is t0 x + t0 b c / (p + 1) (x / c) ** (p + 1),
    plus ``fixed_cost × x`` for a flow-independent cost part.

    Parameters
    ----------
    network : Network
    flows : (n_links,) array_like
        Link flows, >= 0. [vehicles per time unit]
    fixed_cost : float or (n_links,) array_like
        Flow-independent cost (weighted toll and length). [time unit]

    Returns
    -------
    float
        [vehicles × time unit]
    """
    x = np.asarray(flows, dtype=np.float64)
    t0, b, c, p = network.free_flow_time, network.b, network.capacity, network.power
    integral = t0 * x + t0 * b * c / (p + 1.0) * (x / c) ** (p + 1.0) + np.asarray(fixed_cost) * x
    return float(integral.sum())


# --------------------------------------------------------------------------------------
# Argument checks and kernels
# --------------------------------------------------------------------------------------


def _check_demand(network: Network, demand) -> np.ndarray:
    try:
        array = np.asarray(demand, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"demand: expected a matrix of numbers; {exc}") from None
    n = network.n_zones
    if array.shape != (n, n):
        raise ValueError(f"demand: expected shape ({n}, {n}) (zones × zones), got {array.shape}")
    bad = ~np.isfinite(array) | (array < 0)
    if np.any(bad):
        o, d = np.unravel_index(int(np.argmax(bad)), bad.shape)
        raise ValueError(f"demand[{o}, {d}] (zone {o + 1} to zone {d + 1}) = {array[o, d].item()!r}: "
                         "must be a finite number >= 0")
    return np.ascontiguousarray(array)


def _check_cost(network: Network, cost) -> np.ndarray:
    array = np.ascontiguousarray(cost, dtype=np.float64)
    if array.shape != (network.n_links,):
        raise ValueError(f"cost: expected shape ({network.n_links},) (one per link), got {array.shape}")
    bad = ~np.isfinite(array) | (array < 0)
    if np.any(bad):
        i = int(np.argmax(bad))
        raise ValueError(f"cost[{i}] = {array[i].item()!r}: must be a finite number >= 0")
    return array


def _tail_head(network: Network) -> tuple[np.ndarray, np.ndarray]:
    return network.init_node - 1, network.term_node - 1


def _loader(network: Network):
    """The all-or-nothing loading of ``network``: a function (cost, demand) -> (flows, unreachable).

    The trees are searched on the network with its chains of two-neighbour nodes
    contracted (:mod:`~smartcity.transport.contraction`); the per-chunk buffers are made
    once, here.
    """
    graph = contract(network)
    n_chunk = _kernels.n_chunks(network.n_zones, graph.n_links)
    buffers = np.empty((n_chunk, graph.n_links), dtype=np.float64)
    parallel = network.n_zones * graph.n_links >= _kernels.PARALLEL_MIN_WORK
    kernel = _kernels.all_or_nothing_kernel if parallel else _kernels.all_or_nothing_serial_kernel
    n_blocked = network.first_thru_node - 1

    def load(cost: np.ndarray, demand: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        flows = np.empty(graph.n_links, dtype=np.float64)
        unreachable = np.empty(network.n_zones, dtype=np.int64)
        kernel(graph.first_out, graph.tail, graph.head, graph.link_cost(cost), demand, n_blocked, n_chunk, buffers,
               flows, unreachable)
        return graph.link_flows(flows), unreachable

    return load


def _raise_unreachable(unreachable: np.ndarray, demand: np.ndarray) -> None:
    origins = np.flatnonzero(unreachable >= 0)
    if origins.size:
        o = int(origins[0])
        d = int(unreachable[o])
        raise InputError(
            f"no path from zone {o + 1} to zone {d + 1}, which have demand {demand[o, d]:g} "
            f"({origins.size} origin zone(s) reach not all their destinations)",
            allowed="a network in which every pair of zones with positive demand is connected",
        )


def all_or_nothing(network: Network, demand, cost) -> np.ndarray:
    """Load all trips on the shortest paths of ``cost`` (numba, parallel over origins).

    Parameters
    ----------
    network : Network
    demand : (n_zones, n_zones) array_like
        Trips, >= 0. [vehicles per time unit]
    cost : (n_links,) array_like
        Link costs, >= 0. [time unit]

    Returns
    -------
    (n_links,) ndarray
        Link flows; the same bits on any number of threads. [vehicles per time unit]

    Raises
    ------
    InputError
        If a pair of zones with positive demand is not connected.
    """
    matrix = _check_demand(network, demand)
    flows, unreachable = _loader(network)(_check_cost(network, cost), matrix)
    _raise_unreachable(unreachable, matrix)
    return flows


def shortest_paths(network: Network, cost, origins=None) -> tuple[np.ndarray, np.ndarray]:
    """Shortest-path costs and trees (Dijkstra, numba, parallel over origins).

    Paths do not pass through zone nodes below the network's first through node.

    Parameters
    ----------
    network : Network
    cost : (n_links,) array_like
        Link costs, >= 0. [time unit]
    origins : array_like of int, optional
        Origin nodes, 1-based (default: all zones).

    Returns
    -------
    dist : (n_origins, n_nodes) ndarray
        Path costs to every node (inf where unreachable). [time unit]
    pred : (n_origins, n_nodes) int64 ndarray
        Index of the last link of each path (-1 at the origin and where unreachable).
    """
    cost = _check_cost(network, cost)
    if origins is None:
        origins = np.arange(1, network.n_zones + 1)
    nodes = np.atleast_1d(np.asarray(origins, dtype=np.int64))
    bad = (nodes < 1) | (nodes > network.n_nodes)
    if np.any(bad):
        i = int(np.argmax(bad))
        raise ValueError(f"origins[{i}] = {int(nodes[i])}: unknown node; nodes are 1 … {network.n_nodes}")
    dist = np.empty((nodes.size, network.n_nodes), dtype=np.float64)
    pred = np.empty((nodes.size, network.n_nodes), dtype=np.int64)
    _, head = _tail_head(network)
    parallel = nodes.size * network.n_links >= _kernels.PARALLEL_MIN_WORK
    kernel = _kernels.shortest_paths_kernel if parallel else _kernels.shortest_paths_serial_kernel
    kernel(network.first_out, head, cost, np.ascontiguousarray(nodes - 1), network.first_thru_node - 1, dist, pred)
    return dist, pred


def path_sums(network: Network, pred, origins, values) -> np.ndarray:
    """Sums of link values along shortest-path trees (numba, O(n_nodes) per origin).

    With the trees of :func:`shortest_paths`, this skims any additive link attribute
    (time components, distance, number of boardings, ...) on the paths those trees
    hold; summing the link costs themselves gives back ``dist`` to the last bit.

    Parameters
    ----------
    network : Network
    pred : (n_origins, n_nodes) array_like of int
        The ``pred`` of :func:`shortest_paths` for the same ``origins``.
    origins : array_like of int, or None
        Origin nodes, 1-based, one per row of ``pred`` (None: all zones, as in
        :func:`shortest_paths`).
    values : (n_links,) or (n_links, k) array_like
        Values per link in the network's (sorted) link order. [any additive unit]

    Returns
    -------
    (n_origins, n_nodes) or (n_origins, n_nodes, k) ndarray
        Sum of ``values`` over the links of the path from each origin to each node:
        0 at the origin, NaN where the node is unreachable. [unit of ``values``]

    Raises
    ------
    ValueError
        Bad shapes, an unknown origin, or a row of ``pred`` that is not a tree rooted at
        its origin (a link that does not end at its node, or a cycle).

    Examples
    --------
    >>> from smartcity.transport.network import network_from_arrays
    >>> net = network_from_arrays(1, 3, [1, 2], [2, 3], [1.0, 1.0], [0.5, 0.25], length=[2.0, 3.0])
    >>> dist, pred = shortest_paths(net, net.free_flow_time, [1])
    >>> path_sums(net, pred, [1], net.length).tolist()
    [[0.0, 2.0, 5.0]]
    """
    if origins is None:
        origins = np.arange(1, network.n_zones + 1)
    nodes = np.atleast_1d(np.asarray(origins, dtype=np.int64))
    if nodes.ndim != 1:
        raise ValueError(f"origins: expected a 1-D array of nodes, got shape {nodes.shape}")
    bad = (nodes < 1) | (nodes > network.n_nodes)
    if np.any(bad):
        i = int(np.argmax(bad))
        raise ValueError(f"origins[{i}] = {int(nodes[i])}: unknown node; nodes are 1 … {network.n_nodes}")
    trees = np.ascontiguousarray(pred, dtype=np.int64)
    if trees.shape != (nodes.size, network.n_nodes):
        raise ValueError(f"pred: expected shape ({nodes.size}, {network.n_nodes}) (origins × nodes), "
                         f"got {trees.shape}")
    array = np.asarray(values, dtype=np.float64)
    if array.ndim not in (1, 2) or array.shape[0] != network.n_links:
        raise ValueError(f"values: expected shape ({network.n_links},) or ({network.n_links}, k) "
                         f"(one row per link), got {array.shape}")
    matrix = np.ascontiguousarray(array.reshape(network.n_links, -1))
    out = np.empty((nodes.size, network.n_nodes, matrix.shape[1]), dtype=np.float64)
    errors = np.empty(nodes.size, dtype=np.int64)
    tail, head = _tail_head(network)
    parallel = nodes.size > 1 and out.size >= _kernels.PARALLEL_MIN_WORK
    kernel = _kernels.path_sums_kernel if parallel else _kernels.path_sums_serial_kernel
    kernel(trees, tail, head, matrix, np.ascontiguousarray(nodes - 1), out, errors)
    rows = np.flatnonzero(errors >= 0)
    if rows.size:
        i = int(rows[0])
        v = int(errors[i])
        raise ValueError(f"pred[{i}, {v}] = {int(trees[i, v])}: not a shortest-path tree from origin "
                         f"{int(nodes[i])} (the link does not end at node {v + 1}, or the path back "
                         "from it runs in a cycle)")
    return out[..., 0] if array.ndim == 1 else out


# --------------------------------------------------------------------------------------
# Equilibrium
# --------------------------------------------------------------------------------------


def _conjugate_target(y, x, hessian, s_prev):
    """Target of conjugate Frank-Wolfe, eqs. (16)-(18) of [2]."""
    d_prev = s_prev - x
    numerator = float(np.dot(d_prev * hessian, y - x))
    denominator = float(np.dot(d_prev * hessian, y - s_prev))
    alpha = 0.0
    if denominator != 0.0 and np.isfinite(numerator) and np.isfinite(denominator):
        alpha = numerator / denominator
        alpha = _MAX_CONJUGATE_WEIGHT if alpha > _MAX_CONJUGATE_WEIGHT else max(alpha, 0.0)
    return alpha * s_prev + (1.0 - alpha) * y


def _biconjugate_target(y, x, hessian, s_prev, s_prev2, step_prev):
    """Target of bi-conjugate Frank-Wolfe, §4 of [2]; None when it is not defined.

    The new direction s − x is made conjugate (with respect to the diagonal Hessian
    at x) to s_prev − x and to the previous direction restated at x,
    step_prev s_prev + (1 − step_prev) s_prev2 − x; the weights of y, s_prev and
    s_prev2 are 1, nu and mu, normalised, with mu and nu kept >= 0.
    """
    if not 0.0 < step_prev < 1.0:
        return None
    d_bar = s_prev - x
    d_bar2 = step_prev * s_prev - x + (1.0 - step_prev) * s_prev2
    hd2 = d_bar2 * hessian
    hd = d_bar * hessian
    mu_den = float(np.dot(hd2, s_prev2 - s_prev))
    nu_den = float(np.dot(hd, d_bar))
    if mu_den == 0.0 or nu_den == 0.0 or not (np.isfinite(mu_den) and np.isfinite(nu_den)):
        return None
    mu = max(-float(np.dot(hd2, y - x)) / mu_den, 0.0)
    nu = max(-float(np.dot(hd, y - x)) / nu_den + mu * step_prev / (1.0 - step_prev), 0.0)
    if not (np.isfinite(mu) and np.isfinite(nu)):
        return None
    beta0 = 1.0 / (1.0 + mu + nu)
    return beta0 * y + (nu * beta0) * s_prev + (mu * beta0) * s_prev2


def assign(
    network: Network,
    demand,
    *,
    algorithm: str = "bfw",
    gap: float = 1e-5,
    max_iter: int = 10000,
    toll_factor: float = 0.0,
    distance_factor: float = 0.0,
) -> AssignmentResult:
    """Static user equilibrium by (conjugate, bi-conjugate) Frank-Wolfe.

    Parameters
    ----------
    network : Network
        Road network with BPR parameters.
    demand : (n_zones, n_zones) array_like
        Trips from zone ``i + 1`` to zone ``j + 1``, >= 0. [vehicles per time unit]
    algorithm : {"bfw", "cfw", "fw"}
        Bi-conjugate, conjugate or plain Frank-Wolfe.
    gap : float
        Stop when the relative gap falls to this value, >= 0. [-]
    max_iter : int
        Most all-or-nothing iterations after the free-flow loading, >= 1. [-]
    toll_factor : float
        Weight of the toll in the generalised cost, >= 0. [time unit per money unit]
    distance_factor : float
        Weight of the length in the generalised cost, >= 0. [time unit per length unit]

    Returns
    -------
    AssignmentResult
        Flows and costs of the last iterate, whose relative gap is ``result.gap``.

    Raises
    ------
    ValueError
        Naming a bad argument.
    InputError
        If a pair of zones with positive demand is not connected (names the zones).

    Examples
    --------
    Two parallel roads of equal free-flow time, one with half the capacity:

    >>> from smartcity.transport.network import network_from_arrays
    >>> net = network_from_arrays(2, 2, [1, 1], [2, 2], [1000.0, 500.0], [10.0, 10.0])
    >>> result = assign(net, [[0.0, 1500.0], [0.0, 0.0]], gap=1e-10)
    >>> [round(float(v), 3) for v in result.flows]
    [1000.0, 500.0]
    """
    if algorithm not in ALGORITHMS:
        raise ValueError(f"algorithm = {algorithm!r}: must be one of {', '.join(ALGORITHMS)}")
    for name, value in (("gap", gap), ("toll_factor", toll_factor), ("distance_factor", distance_factor)):
        if not (isinstance(value, (int, float, np.floating, np.integer)) and np.isfinite(value) and value >= 0):
            raise ValueError(f"{name} = {value!r}: must be a finite number >= 0")
    if isinstance(max_iter, bool) or not isinstance(max_iter, (int, np.integer)) or max_iter < 1:
        raise ValueError(f"max_iter = {max_iter!r}: must be an integer >= 1")
    setup_start = time.perf_counter()
    load_kernels()
    matrix = _check_demand(network, demand)
    fixed = toll_factor * network.toll + distance_factor * network.length
    t0 = network.free_flow_time
    load = _loader(network)
    start = time.perf_counter()

    def loading(cost):
        return load(cost, matrix)[0]

    free_flow_cost = _check_cost(network, t0 + fixed)
    x, unreachable = load(free_flow_cost, matrix)
    _raise_unreachable(unreachable, matrix)

    gaps: list[float] = []
    objectives: list[float] = []
    s_prev = s_prev2 = None
    step_prev = 1.0
    relative_gap = np.inf
    iterations = 0
    while True:
        times = link_times(network, x)
        cost = times + fixed
        total_cost = float(np.dot(x, cost))
        objectives.append(beckmann_objective(network, x, fixed))
        if total_cost <= 0.0:  # no trips, or all on free links: already an equilibrium
            relative_gap = 0.0
            gaps.append(0.0)
            break
        y = loading(cost)
        relative_gap = (total_cost - float(np.dot(y, cost))) / total_cost
        gaps.append(relative_gap)
        iterations += 1
        if relative_gap <= gap or iterations >= max_iter:
            break
        target = None
        if algorithm != "fw" and s_prev is not None:
            hessian = _slopes(network, x)
            if algorithm == "bfw" and s_prev2 is not None:
                target = _biconjugate_target(y, x, hessian, s_prev, s_prev2, step_prev)
            if target is None:
                target = _conjugate_target(y, x, hessian, s_prev)
            if float(np.dot(target - x, cost)) >= 0.0:  # not a descent direction: restart
                target = None
                s_prev2 = None
        if target is None:
            target = y
        direction = target - x
        step = _kernels.line_search_kernel(x, direction, t0, network.b, network.capacity, network.power,
                                           np.ascontiguousarray(fixed, dtype=np.float64), 1.0)
        x = np.maximum(x + step * direction, 0.0)
        s_prev2, s_prev, step_prev = s_prev, target, step
    times = link_times(network, x)
    return AssignmentResult(
        flows=x,
        times=times,
        costs=times + fixed,
        iterations=iterations,
        gap=float(relative_gap),
        converged=bool(relative_gap <= gap),
        beckmann_objective=beckmann_objective(network, x, fixed),
        total_travel_time=float(np.dot(x, times)),
        wall_time=time.perf_counter() - start,
        gap_history=np.asarray(gaps, dtype=np.float64),
        objective_history=np.asarray(objectives, dtype=np.float64),
        algorithm=algorithm,
        setup_time=start - setup_start,
    )


#: Whether this process has loaded the compiled kernels (see :func:`load_kernels`).
_kernels_loaded = False


def load_kernels() -> None:
    """Load the compiled kernels once per process, so that a solve's time is the solve's.

    Numba loads a kernel from its on-disk cache (or compiles it) at its first call; this
    makes that first call on a two-zone network.
    """
    global _kernels_loaded
    if not _kernels_loaded:
        _kernels_loaded = True  # set first: the warm-up's own assignment must not come back here
        warmup()


def warmup() -> None:
    """Compile the assignment kernels (or load them from the on-disk cache)."""
    from smartcity.transport.network import network_from_arrays

    net = network_from_arrays(2, 3, [1, 3, 3, 2], [3, 2, 1, 3], [10.0, 10.0, 10.0, 10.0], [1.0, 1.0, 1.0, 1.0])
    assign(net, [[0.0, 5.0], [5.0, 0.0]], max_iter=3)
    # the tiny assignment converges at once and loads on one thread: the parallel loading and
    # the line search are loaded here too, so a first large assignment times only its solve
    tail, head = _tail_head(net)
    buffers = np.zeros((1, net.n_links))
    _kernels.all_or_nothing_kernel(net.first_out, tail, head, net.free_flow_time, np.ones((2, 2)), 0, 1, buffers,
                                   np.empty(net.n_links), np.empty(2, dtype=np.int64))
    _kernels.line_search_kernel(np.ones(net.n_links), np.ones(net.n_links), net.free_flow_time, net.b,
                                net.capacity, net.power, np.zeros(net.n_links), 1.0)
    shortest_paths(net, net.free_flow_time)
    dist, pred = np.empty((1, net.n_nodes)), np.empty((1, net.n_nodes), dtype=np.int64)
    _kernels.shortest_paths_kernel(net.first_out, head, net.free_flow_time, np.zeros(1, dtype=np.int64), 0, dist, pred)
