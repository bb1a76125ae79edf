"""Numba kernels of the static traffic assignment and of the gravity distribution.

Private module: the public functions in :mod:`smartcity.transport.assignment` and
:mod:`smartcity.transport.demand` check every argument and then call these kernels with
C-contiguous ``float64``/``int64`` arrays.

Nodes are 0-based here (node ``i`` of the file is ``i - 1``). The network is a forward
star: the links leaving node ``u`` are ``first_out[u]`` to ``first_out[u + 1] - 1``, with
``tail[e]`` and ``head[e]`` their end nodes. Nodes ``0 … n_blocked - 1`` (zone centroids
below the first through node) may start or end a path but never lie inside one.
"""

from __future__ import annotations

import numba
import numpy as np

__all__ = [
    "MAX_CHUNKS",
    "SCRATCH_BYTES",
    "n_chunks",
    "shortest_paths_kernel",
    "shortest_paths_serial_kernel",
    "PARALLEL_MIN_WORK",
    "all_or_nothing_kernel",
    "all_or_nothing_serial_kernel",
    "line_search_kernel",
]

#: Upper bound on the number of origin chunks (units of parallel work). [-]
MAX_CHUNKS = 32

#: Memory allowed for the per-chunk link-flow buffers. [bytes]
SCRATCH_BYTES = 256 * 2**20

#: Smallest origins × links for which the all-or-nothing loading runs in parallel;
#: below it the thread pool's start-up costs more than it saves. [-]
PARALLEL_MIN_WORK = 100_000


@numba.njit(cache=True)
def n_chunks(n_origins, n_links):
    """Number of origin chunks of the all-or-nothing kernel.

    Depends on the problem size only, never on the number of threads, so that the
    per-chunk link flows are added in the same order (same bits) on any machine.

    Returns
    -------
    int
        Between 1 and :data:`MAX_CHUNKS`, at most one per origin, and few enough that
        the ``n_chunks × n_links`` buffers stay within :data:`SCRATCH_BYTES`.
    """
    by_memory = SCRATCH_BYTES // (8 * max(n_links, 1))
    return max(1, min(n_origins, MAX_CHUNKS, by_memory))


@numba.njit(cache=True)
def _heap_push(keys, nodes, size, key, node):
    """Insert (key, node) into the binary min-heap of ``size`` items; return the new size."""
    i = size
    while i > 0:
        parent = (i - 1) >> 1
        if keys[parent] <= key:
            break
        keys[i] = keys[parent]
        nodes[i] = nodes[parent]
        i = parent
    keys[i] = key
    nodes[i] = node
    return size + 1


@numba.njit(cache=True)
def _heap_pop(keys, nodes, size):
    """Remove the top of the heap (read it first); return the new size."""
    size -= 1
    if size == 0:
        return 0
    key = keys[size]
    node = nodes[size]
    i = 0
    while True:
        child = 2 * i + 1
        if child >= size:
            break
        if child + 1 < size and keys[child + 1] < keys[child]:
            child += 1
        if keys[child] >= key:
            break
        keys[i] = keys[child]
        nodes[i] = nodes[child]
        i = child
    keys[i] = key
    nodes[i] = node
    return size


@numba.njit(cache=True)
def _dijkstra(origin, first_out, head, cost, n_blocked, dist, pred, order, done, heap_keys, heap_nodes, target,
              n_targets):  # fmt: skip
    """Shortest-path tree from ``origin`` (Dijkstra with a lazy binary heap).

    Fills ``dist`` (n_nodes,) with the path costs (inf if unreachable), ``pred``
    (n_nodes,) with the last link of each path (-1 for the origin and unreachable
    nodes) and ``order`` with the nodes in the order they were settled; ``done`` is
    (n_nodes,) bool scratch; the heap arrays hold at least ``n_links + 1`` items.
    With ``n_targets`` >= 1 the search stops once that many nodes marked in ``target``
    (n_nodes,) bool are settled: their paths and every settled node's are final, the
    rest of ``dist`` and ``pred`` is tentative. With -1 it builds the whole tree.

    Returns
    -------
    int
        Number of settled nodes, the valid length of ``order``.
    """
    dist[:] = np.inf
    pred[:] = -1
    done[:] = False
    dist[origin] = 0.0
    size = _heap_push(heap_keys, heap_nodes, 0, 0.0, origin)
    n_settled = 0
    while size > 0:
        key = heap_keys[0]
        u = heap_nodes[0]
        size = _heap_pop(heap_keys, heap_nodes, size)
        if done[u]:
            continue
        done[u] = True
        order[n_settled] = u
        n_settled += 1
        if target[u]:
            n_targets -= 1
            if n_targets == 0:
                break  # every destination asked for is settled
        if u < n_blocked and u != origin:
            continue  # a zone centroid: a path may end here but not go on
        for e in range(first_out[u], first_out[u + 1]):
            v = head[e]
            candidate = key + cost[e]
            if candidate < dist[v]:
                dist[v] = candidate
                pred[v] = e
                size = _heap_push(heap_keys, heap_nodes, size, candidate, v)
    return n_settled


@numba.njit(cache=True, parallel=True)
def shortest_paths_kernel(first_out, head, cost, origins, n_blocked, dist, pred):
    """Shortest-path trees from many origins, in parallel over origins.

    Parameters
    ----------
    first_out : (n_nodes + 1,) int64
    head : (n_links,) int64
    cost : (n_links,) float64, >= 0
    origins : (n_o,) int64, 0-based nodes
    n_blocked : int
        Nodes below this index are not passed through.
    dist : (n_o, n_nodes) float64, output
        Path costs; inf where unreachable.
    pred : (n_o, n_nodes) int64, output
        Last link of each shortest path; -1 at the origin and where unreachable.
    """
    for k in numba.prange(origins.shape[0]):
        _tree(k, first_out, head, cost, origins, n_blocked, dist, pred)


@numba.njit(cache=True)
def shortest_paths_serial_kernel(first_out, head, cost, origins, n_blocked, dist, pred):
    """:func:`shortest_paths_kernel` on one thread, for small problems (no thread start-up)."""
    for k in range(origins.shape[0]):
        _tree(k, first_out, head, cost, origins, n_blocked, dist, pred)


@numba.njit(cache=True)
def _tree(k, first_out, head, cost, origins, n_blocked, dist, pred):
    """The shortest-path tree of origin ``k`` into row ``k`` of ``dist`` and ``pred``."""
    n_nodes = first_out.shape[0] - 1
    n_links = head.shape[0]
    order = np.empty(n_nodes, dtype=np.int64)
    done = np.empty(n_nodes, dtype=np.bool_)
    heap_keys = np.empty(n_links + 1, dtype=np.float64)
    heap_nodes = np.empty(n_links + 1, dtype=np.int64)
    target = np.zeros(n_nodes, dtype=np.bool_)  # the whole tree: no destination to stop at
    _dijkstra(origins[k], first_out, head, cost, n_blocked, dist[k], pred[k], order, done, heap_keys, heap_nodes,
              target, -1)


@numba.njit(cache=True)
def _load_chunk(c, first_out, tail, head, cost, demand, n_blocked, n_chunk, buffers, unreachable):
    """All-or-nothing loading of the origins of chunk ``c`` into ``buffers[c]``."""
    n_nodes = first_out.shape[0] - 1
    n_links = head.shape[0]
    n_zones = demand.shape[0]
    start = (c * n_zones) // n_chunk
    stop = ((c + 1) * n_zones) // n_chunk
    buffer = buffers[c]
    buffer[:] = 0.0
    dist = np.empty(n_nodes, dtype=np.float64)
    pred = np.empty(n_nodes, dtype=np.int64)
    order = np.empty(n_nodes, dtype=np.int64)
    done = np.empty(n_nodes, dtype=np.bool_)
    load = np.zeros(n_nodes, dtype=np.float64)
    heap_keys = np.empty(n_links + 1, dtype=np.float64)
    heap_nodes = np.empty(n_links + 1, dtype=np.int64)
    target = np.zeros(n_nodes, dtype=np.bool_)
    for o in range(start, stop):
        unreachable[o] = -1
        n_targets = 0
        for d in range(n_zones):
            if demand[o, d] > 0.0 and d != o:
                target[d] = True
                n_targets += 1
        if n_targets == 0:
            continue
        # The tree stops once the origin's destinations are settled (about a third of the
        # nodes of a city network): their paths are final, and only settled nodes are loaded.
        n_settled = _dijkstra(o, first_out, head, cost, n_blocked, dist, pred, order, done,
                              heap_keys, heap_nodes, target, n_targets)
        for d in range(n_zones):
            target[d] = False
        for d in range(n_zones):
            trips = demand[o, d]
            if trips > 0.0 and d != o:
                if pred[d] < 0:
                    if unreachable[o] < 0:
                        unreachable[o] = d
                else:
                    load[d] += trips
        # Reverse settling order visits every node after all nodes below it in the tree.
        for i in range(n_settled - 1, 0, -1):
            v = order[i]
            trips = load[v]
            if trips != 0.0:
                e = pred[v]
                buffer[e] += trips
                load[tail[e]] += trips
                load[v] = 0.0
        load[o] = 0.0


@numba.njit(cache=True, parallel=True)
def all_or_nothing_kernel(first_out, tail, head, cost, demand, n_blocked, n_chunk, buffers, flows, unreachable):
    """All-or-nothing loading of a trip matrix on the shortest paths of ``cost``.

    Origins are split into ``n_chunk`` contiguous chunks (see :func:`n_chunks`); each
    chunk loads its origins' trips into its own row of ``buffers`` (chunks run in
    parallel), and the rows are then added in chunk order, so the flows do not depend
    on the number of threads. Each origin's trips are pushed down its shortest-path
    tree in reverse settling order, so every link is touched once per origin.

    Parameters
    ----------
    first_out : (n_nodes + 1,) int64
    tail, head : (n_links,) int64
    cost : (n_links,) float64, >= 0
    demand : (n_zones, n_zones) float64, >= 0
        Trips between zones (zones are nodes 0 … n_zones - 1).
    n_blocked : int
        Nodes below this index are not passed through.
    n_chunk : int
        Number of origin chunks, the first dimension of ``buffers``.
    buffers : (n_chunk, n_links) float64, scratch
    flows : (n_links,) float64, output
        Link flows.
    unreachable : (n_zones,) int64, output
        For each origin, the first destination with positive demand and no path;
        -1 if there is none.
    """
    for c in numba.prange(n_chunk):
        _load_chunk(c, first_out, tail, head, cost, demand, n_blocked, n_chunk, buffers, unreachable)
    for e in numba.prange(head.shape[0]):
        total = 0.0
        for c in range(n_chunk):
            total += buffers[c, e]
        flows[e] = total


@numba.njit(cache=True)
def all_or_nothing_serial_kernel(first_out, tail, head, cost, demand, n_blocked, n_chunk, buffers, flows,
                                 unreachable):
    """:func:`all_or_nothing_kernel` on the calling thread, with the same bits.

    For small problems, where waking the thread pool costs more than the work.
    """
    for c in range(n_chunk):
        _load_chunk(c, first_out, tail, head, cost, demand, n_blocked, n_chunk, buffers, unreachable)
    for e in range(head.shape[0]):
        total = 0.0
        for c in range(n_chunk):
            total += buffers[c, e]
        flows[e] = total


@numba.njit(cache=True)
def _directional_derivative(step, x, d, t0, b, capacity, power, fixed):
    """Slope of the Beckmann objective at ``x + step d`` along ``d`` and its derivative."""
    slope = 0.0
    curvature = 0.0
    for e in range(x.shape[0]):
        if d[e] == 0.0:
            continue
        flow = max(x[e] + step * d[e], 0.0)
        ratio = flow / capacity[e]
        p = power[e]
        if p == 0.0:
            time = t0[e] * (1.0 + b[e])
            derivative = 0.0
        else:
            ratio_p1 = ratio ** (p - 1.0)
            time = t0[e] * (1.0 + b[e] * ratio_p1 * ratio)
            derivative = t0[e] * b[e] * p * ratio_p1 / capacity[e]
        slope += d[e] * (time + fixed[e])
        curvature += d[e] * d[e] * derivative
    return slope, curvature


@numba.njit(cache=True)
def line_search_kernel(x, d, t0, b, capacity, power, fixed, max_step):
    """Exact line search of the Beckmann objective along ``d`` on [0, ``max_step``].

    The objective is convex along ``d``, so its minimum is where the slope
    sum(d * cost(x + step d)) crosses zero. Newton steps on the slope, kept inside a
    shrinking bracket by bisection, find it to machine precision.

    Parameters
    ----------
    x, d : (n_links,) float64
        Current flows and direction. [vehicles per time unit]
    t0, b, capacity, power : (n_links,) float64
        BPR parameters.
    fixed : (n_links,) float64
        Flow-independent part of the generalised cost.
    max_step : float
        Largest step (1 for a convex combination with the target).

    Returns
    -------
    float
        The step in [0, max_step].
    """
    g_low, _ = _directional_derivative(0.0, x, d, t0, b, capacity, power, fixed)
    if g_low >= 0.0:
        return 0.0
    g_high, _ = _directional_derivative(max_step, x, d, t0, b, capacity, power, fixed)
    if g_high <= 0.0:
        return max_step
    low = 0.0
    high = max_step
    step = max_step * g_low / (g_low - g_high)  # secant start
    for _ in range(200):
        slope, curvature = _directional_derivative(step, x, d, t0, b, capacity, power, fixed)
        if slope == 0.0:
            return step
        if slope < 0.0:
            low = step
        else:
            high = step
        if high - low <= 1e-15 * max_step:
            break
        candidate = step - slope / curvature if curvature > 0.0 else -1.0
        if not (low < candidate < high):
            candidate = 0.5 * (low + high)
        if candidate == step:
            break
        step = candidate
    return step


# --------------------------------------------------------------------------------------
# Sums of link values along shortest-path trees
# --------------------------------------------------------------------------------------

__all__ += ["path_sums_kernel", "path_sums_serial_kernel"]


@numba.njit(cache=True)
def _path_sums_tree(origin, pred, tail, head, values, out, state, stack):
    """Sums of ``values`` along the tree ``pred`` of one origin into ``out``.

    A memoised walk back: from each node whose sum is not known yet, follow the
    predecessor links up to a node whose sum is known (the origin, an earlier node or
    an unreachable node), then unwind the walk adding one link value per step, so that
    every node is summed once, O(n_nodes × k). The sum at a node is its parent's sum
    plus the value of the last link, the same additions in the same order as Dijkstra's
    ``dist[v] = dist[u] + cost[e]``.

    Parameters
    ----------
    origin : int
        0-based origin node; its sums are 0.
    pred : (n_nodes,) int64
        Last link of each path; -1 at the origin and at unreachable nodes (NaN sums).
    tail, head : (n_links,) int64
    values : (n_links, k) float64
    out : (n_nodes, k) float64, output
    state : (n_nodes,) int8, scratch
    stack : (n_nodes,) int64, scratch

    Returns
    -------
    int
        -1, or the first node at which ``pred`` is not a tree rooted at ``origin``
        (a link that does not end at the node, or a cycle).
    """
    n_nodes = pred.shape[0]
    n_links = head.shape[0]
    k = values.shape[1]
    state[:] = 0  # 0 not summed, 1 summed, 2 unreachable
    state[origin] = 1
    for j in range(k):
        out[origin, j] = 0.0
    for v in range(n_nodes):
        if state[v] != 0:
            continue
        depth = 0
        u = v
        while state[u] == 0:
            e = pred[u]
            if e < 0:
                state[u] = 2
                for j in range(k):
                    out[u, j] = np.nan
                break
            if e >= n_links or head[e] != u or depth == n_nodes - 1:
                return u
            stack[depth] = u
            depth += 1
            u = tail[e]
        unreachable = state[u] == 2
        while depth > 0:
            depth -= 1
            w = stack[depth]
            if unreachable:
                state[w] = 2
                for j in range(k):
                    out[w, j] = np.nan
            else:
                e = pred[w]
                p = tail[e]
                state[w] = 1
                for j in range(k):
                    out[w, j] = out[p, j] + values[e, j]
    return -1


@numba.njit(cache=True, parallel=True)
def path_sums_kernel(pred, tail, head, values, origins, out, errors):
    """Sums of link values along the shortest-path trees of many origins, in parallel.

    Parameters
    ----------
    pred : (n_o, n_nodes) int64
        Trees from :func:`shortest_paths_kernel`.
    tail, head : (n_links,) int64
    values : (n_links, k) float64
    origins : (n_o,) int64, 0-based nodes
    out : (n_o, n_nodes, k) float64, output
        Sum of ``values`` over the links of the path to each node; 0 at the origin,
        NaN where unreachable.
    errors : (n_o,) int64, output
        -1, or the first node where a row of ``pred`` is not a tree (see
        :func:`_path_sums_tree`).
    """
    n_nodes = pred.shape[1]
    for i in numba.prange(origins.shape[0]):
        state = np.empty(n_nodes, dtype=np.int8)
        stack = np.empty(n_nodes, dtype=np.int64)
        errors[i] = _path_sums_tree(origins[i], pred[i], tail, head, values, out[i], state, stack)


@numba.njit(cache=True)
def path_sums_serial_kernel(pred, tail, head, values, origins, out, errors):
    """:func:`path_sums_kernel` on the calling thread (for small problems)."""
    n_nodes = pred.shape[1]
    state = np.empty(n_nodes, dtype=np.int8)
    stack = np.empty(n_nodes, dtype=np.int64)
    for i in range(origins.shape[0]):
        errors[i] = _path_sums_tree(origins[i], pred[i], tail, head, values, out[i], state, stack)


# --------------------------------------------------------------------------------------
# Doubly constrained trip distribution
# --------------------------------------------------------------------------------------

__all__ += ["furness_kernel"]


@numba.njit(cache=True)
def _row_sums(deterrence, column_factors, out):
    """``out = deterrence @ column_factors``: (n, m) @ (m,) into (n,)."""
    n, m = deterrence.shape
    for i in range(n):
        total = 0.0
        for j in range(m):
            total += deterrence[i, j] * column_factors[j]
        out[i] = total


@numba.njit(cache=True, error_model="numpy")
def furness_kernel(productions, attractions, deterrence, total, tol, max_iter):
    """Balance a deterrence matrix to row and column totals (Furness sweeps).

    Starting from column factors ``s_j = 1`` where ``attractions[j] > 0`` (else 0), each
    sweep sets the row factors ``r_i = P_i / sum_j f_ij s_j`` and then the column factors
    ``s_j = A_j / sum_i r_i f_ij`` (0 for a zone without productions or attractions), and
    stops when ``max_i |r_i sum_j f_ij s_j - P_i| / total <= tol``. Divisions by zero give
    inf (numpy's error model), which ends the sweeps as an overflow.

    Parameters
    ----------
    productions : (n,) float64, >= 0
    attractions : (m,) float64, >= 0
    deterrence : (n, m) float64, >= 0, C-contiguous
    total : float
        Sum of the productions, > 0 (the scale of the error).
    tol : float
        Relative tolerance on the row sums, in (0, 1).
    max_iter : int
        Most sweeps, >= 1.

    Returns
    -------
    trips : (n, m) float64
        ``r_i f_ij s_j`` of the last sweep (zeros after an overflow).
    sweeps : int
        Sweeps done.
    error : float
        Largest row-sum difference over ``total`` after the last complete sweep (inf if
        none completed).
    overflow : bool
        A row or column factor became inf or NaN (at sweep ``sweeps``).
    """
    n, m = deterrence.shape
    row = np.zeros(n)  # r
    column = np.empty(m)  # s
    row_sums = np.empty(n)  # f @ s
    column_sums = np.empty(m)  # f.T @ r
    trips = np.zeros((n, m))
    for j in range(m):
        column[j] = 1.0 if attractions[j] > 0.0 else 0.0
    _row_sums(deterrence, column, row_sums)
    error = np.inf
    sweeps = 0
    while sweeps < max_iter:
        sweeps += 1
        finite = True
        for i in range(n):
            row[i] = productions[i] / row_sums[i] if productions[i] > 0.0 else 0.0
            finite &= np.isfinite(row[i])
        column_sums[:] = 0.0
        for i in range(n):
            r = row[i]
            for j in range(m):
                column_sums[j] += r * deterrence[i, j]
        for j in range(m):
            column[j] = attractions[j] / column_sums[j] if attractions[j] > 0.0 else 0.0
            finite &= np.isfinite(column[j])
        if not finite:
            return trips, sweeps, error, True
        _row_sums(deterrence, column, row_sums)
        error = 0.0
        for i in range(n):
            difference = abs(row[i] * row_sums[i] - productions[i])
            if difference > error or difference != difference:  # NaN propagates, as np.max
                error = difference
        error /= total
        if error <= tol:
            break
    for i in range(n):
        for j in range(m):
            trips[i, j] = row[i] * deterrence[i, j] * column[j]
    return trips, sweeps, error, False
