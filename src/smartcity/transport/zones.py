"""Zone systems: zones, nodes, links and transit lines read from tables and cross-checked.

A zone system is five tables with declared schemas (``smartcity/schemas/*.toml``):

``zones``
    One row per zone and tabulated year: centroid node, residents, workplaces, study
    places, car ownership and parking cost. Values are interpolated linearly between a
    zone's tabulated years and held constant outside them (:func:`zone_data`).
``nodes``
    Zone centroids and junctions with ETRS89 / UTM 32N (EPSG:25832) coordinates.
``links``
    Directed links with length, free speed, lanes, capacity, BPR parameters, the allowed
    modes (``'+'``-separated subset of car, bus, bike, walk), a bus-lane flag and a toll.
``lines``, ``line_stops`` (optional)
    Bus and BRT lines and the nodes each passes; lines run in both directions.

:func:`read_zone_system` reads and cross-checks them; every problem is an
:class:`~smartcity.errors.InputError` naming the file, the row, the column, the value and
what is allowed. :func:`road_network` turns the links of one mode into a
:class:`~smartcity.transport.network.Network` with the zone centroids numbered first, and
:func:`distance_skim` gives the shortest network distance between zone centroids.

Conventions
-----------
- Paths may start and end at a zone centroid but never pass through one (the network's
  ``first_thru_node``), so centroid connectors cannot be used as short cuts.
- Walking and cycling may use a link in either direction: their links are undirected in
  :func:`distance_skim` and in the connectivity checks. Car and bus links are directed.
- The intrazonal distance (diagonal of the skim) is half the distance to the nearest
  other zone centroid, a common convention for zones of similar size [1]_.

References
----------
.. [1] Ortúzar, J. de D. and Willumsen, L. G. (2011). Modelling Transport, 4th ed., Wiley,
   doi:10.1002/9781119993308, §7 (intrazonal trips and costs).
.. [2] Bureau of Public Roads (1964). Traffic Assignment Manual. U.S. Department of
   Commerce, Urban Planning Division (the BPR link-performance function, alpha 0.15,
   beta 4).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from smartcity.errors import InputError
from smartcity.schema.tables import load_schema, read_table, row_location
from smartcity.transport.network import Network, network_from_arrays

__all__ = [
    "MODES",
    "ZONE_VALUES",
    "ZoneSystem",
    "distance_skim",
    "link_modes",
    "network_nodes",
    "read_zone_system",
    "road_network",
    "zone_data",
]

#: Modes a link may allow, as written in the links table's ``modes`` column.
MODES: tuple[str, ...] = ("car", "bus", "bike", "walk")

#: Modes whose links may be used in both directions.
UNDIRECTED_MODES: tuple[str, ...] = ("bike", "walk")

#: Zone columns interpolated between tabulated years by :func:`zone_data`, with units.
ZONE_VALUES: dict[str, str] = {
    "population": "persons",
    "jobs": "workplaces",
    "students": "study places",
    "cars_per_1000": "cars per 1000 residents",
    "parking_cost_dkk": "DKK per car trip",
}

_MODES_ALLOWED = "'+'-separated modes, each of " + ", ".join(repr(m) for m in MODES) + " at most once"


@dataclass(frozen=True, eq=False)
class ZoneSystem:
    """A checked zone system: the tables as read, and the zones in table order.

    Attributes
    ----------
    zones, nodes, links : pandas.DataFrame
        The tables as read by :func:`smartcity.schema.tables.read_table` (schema columns, defaults
        filled, ``attrs`` naming the source file and lines).
    lines, line_stops : pandas.DataFrame or None
        The transit tables, or None when not given.
    zone_ids : tuple of str
        Zone identifiers in order of first appearance in the zones table; zone ``k``
        (0-based) is node ``k + 1`` of the networks built here.
    """

    zones: pd.DataFrame
    nodes: pd.DataFrame
    links: pd.DataFrame
    lines: pd.DataFrame | None
    line_stops: pd.DataFrame | None
    zone_ids: tuple[str, ...]
    year_frames: dict = field(default_factory=dict, repr=False)
    """Zone data by year already computed by :func:`zone_data` users (shared, read-only frames)."""

    @property
    def n_zones(self) -> int:
        """Number of zones. [-]"""
        return len(self.zone_ids)

    @property
    def centroids(self) -> np.ndarray:
        """Centroid node (nodes-table number) of each zone, in zone order. [-]"""
        first = self.zones.drop_duplicates("zone").set_index("zone")["node"]
        return first.loc[list(self.zone_ids)].to_numpy(dtype=np.int64)


# --------------------------------------------------------------------------------------
# Reading and checks
# --------------------------------------------------------------------------------------


def link_modes(text: str) -> frozenset[str]:
    """The set of modes in a ``modes`` cell such as ``"car+bus+bike+walk"``.

    Raises
    ------
    ValueError
        If a token is empty, unknown or repeated.
    """
    tokens = [t.strip() for t in str(text).split("+")]
    if any(t not in MODES for t in tokens) or len(set(tokens)) != len(tokens):
        raise ValueError(f"modes {text!r}: expected {_MODES_ALLOWED}")
    return frozenset(tokens)


def _fail(frame: pd.DataFrame, i: int, column: str, problem: str, value, allowed: str) -> InputError:
    return InputError(problem, column=column, value=value, allowed=allowed, **row_location(frame, i))


def _check_zones(zones: pd.DataFrame) -> tuple[str, ...]:
    seen: dict[tuple[str, int], int] = {}
    first: dict[str, int] = {}
    columns = {name: zones[name].to_numpy() for name in ("name", "kind", "node")}
    for i, (zone, year) in enumerate(zip(zones["zone"].to_numpy(), zones["year"].to_numpy())):
        if zone == "":
            raise _fail(zones, i, "zone", "empty zone identifier", zone, "a non-empty text")
        if (zone, int(year)) in seen:
            where = row_location(zones, seen[(zone, int(year))])
            raise _fail(zones, i, "year", f"zone '{zone}' has two rows for the same year "
                        f"(the other is row {where['row']})", int(year), "one row per zone and year")
        seen[(zone, int(year))] = i
        if zone not in first:
            first[zone] = i
            continue
        j = first[zone]
        for column, values in columns.items():
            a, b = values[j], values[i]
            if a != b:
                value = int(b) if column == "node" else b
                raise _fail(zones, i, column, f"zone '{zone}' has a different {column} in another year "
                            f"(row {row_location(zones, j)['row']})", value,
                            f"the same {column} in all rows of a zone: {a.item() if hasattr(a, 'item') else a!r}")
    if not (zones["kind"] == "internal").any():
        raise InputError("no internal zone", file=zones.attrs.get("source_file"), column="kind",
                         allowed="at least one zone of kind 'internal' (the studied district)")
    return tuple(first)


def _check_nodes_known(frame: pd.DataFrame, column: str, known: set[int], what: str) -> None:
    for i, node in enumerate(frame[column]):
        if int(node) not in known:
            raise _fail(frame, i, column, f"{what} is not in the nodes table", int(node),
                        "a node of the nodes table")


def _check_centroids(zones: pd.DataFrame, zone_ids: tuple[str, ...]) -> None:
    owner: dict[int, str] = {}
    for i, (zone, node) in enumerate(zip(zones["zone"], zones["node"])):
        node = int(node)
        if node in owner and owner[node] != zone:
            raise _fail(zones, i, "node", f"zone '{zone}' has the centroid of zone '{owner[node]}'", node,
                        "a node that is the centroid of no other zone")
        owner[node] = zone


def _check_links(links: pd.DataFrame) -> list[frozenset[str]]:
    modes = []
    seen: dict[tuple[int, int], int] = {}
    for i, (a, b, text) in enumerate(zip(links["from_node"], links["to_node"], links["modes"])):
        a, b = int(a), int(b)
        if a == b:
            raise _fail(links, i, "to_node", f"link from node {a} to itself", b, "a node other than from_node")
        if (a, b) in seen:
            other = row_location(links, seen[(a, b)])["row"]
            raise _fail(links, i, "to_node", f"duplicate directed link {a} -> {b} (also row {other})", b,
                        "one row per direction of a road")
        seen[(a, b)] = i
        try:
            modes.append(link_modes(text))
        except ValueError:
            raise _fail(links, i, "modes", "unknown or repeated mode", text, _MODES_ALLOWED) from None
    return modes


def _empty(schema: str) -> pd.DataFrame:
    return pd.DataFrame({c.name: pd.Series(dtype=object) for c in load_schema(schema).column})


def _check_lines(lines: pd.DataFrame, stops: pd.DataFrame, bus_links: set[tuple[int, int]]) -> None:
    for i, (peak, offpeak) in enumerate(zip(lines["peak_hours_per_day"], lines["offpeak_hours_per_day"])):
        if peak + offpeak > 24.0 + 1e-9:
            raise _fail(lines, i, "offpeak_hours_per_day",
                        f"peak ({peak:g} h) and off-peak hours add up to more than 24 h a day", float(offpeak),
                        f"at most {24.0 - peak:g} h/d with {peak:g} peak hours")
    known = set(lines["line"])
    last: dict[str, tuple[int, int]] = {}  # line -> (row index, node) of its previous row
    n_stops = dict.fromkeys(known, 0)
    for i, (line, sequence, node, stop) in enumerate(
            zip(stops["line"], stops["sequence"], stops["node"], stops["stop"])):
        if line not in known:
            raise _fail(stops, i, "line", "stop of a line that is not in the lines table", line,
                        "a line of the lines table")
        node = int(node)
        if line in last:
            j, previous = last[line]
            if sequence <= stops["sequence"].iat[j]:
                raise _fail(stops, i, "sequence", f"sequence of line '{line}' does not increase",
                            int(sequence), f"a sequence above {int(stops['sequence'].iat[j])}")
            if (previous, node) not in bus_links:
                raise _fail(stops, i, "node", f"line '{line}': no link allowing bus from node {previous} "
                            f"to node {node}", node, "a node joined to the previous one by a bus link")
            if (node, previous) not in bus_links:
                raise _fail(stops, i, "node", f"line '{line}': no link allowing bus back from node {node} "
                            f"to node {previous} (lines run in both directions)", node,
                            "a node joined to the previous one by bus links in both directions")
        last[line] = (i, node)
        n_stops[line] += bool(stop)
    for i, line in enumerate(lines["line"]):
        if n_stops[line] < 2:
            raise _fail(lines, i, "line", f"line '{line}' has {n_stops[line]} stops in the line_stops table",
                        line, "at least 2 rows with stop = true in the line_stops table")


def _check_access(system: ZoneSystem, modes: list[frozenset[str]]) -> None:
    """Every centroid has car links in and out and a walk link; every pair is connected."""
    zones = system.zones
    first_row = {z: int(np.flatnonzero((zones["zone"] == z).to_numpy())[0]) for z in system.zone_ids}
    start = system.links["from_node"].to_numpy()
    end = system.links["to_node"].to_numpy()
    car = np.array(["car" in m for m in modes], dtype=bool)
    walk = np.array(["walk" in m for m in modes], dtype=bool)
    for zone, node in zip(system.zone_ids, system.centroids):
        problems = [
            ("car", "leaving", car & (start == node)),
            ("car", "entering", car & (end == node)),
            ("walk", "at", walk & ((start == node) | (end == node))),
        ]
        for mode, side, mask in problems:
            if not mask.any():
                raise _fail(zones, first_row[zone], "node", f"centroid of zone '{zone}' has no link allowing "
                            f"{mode} {side} it", int(node), f"a centroid with {mode} connectors in the links table")
    for mode in ("car", "walk"):
        bad = _first_unreachable(system, mode)
        if bad is not None:
            i, j = bad
            a, b = system.zone_ids[i], system.zone_ids[j]
            raise _fail(zones, first_row[b], "node",
                        f"zone '{b}' cannot be reached from zone '{a}' by {mode} over the links",
                        int(system.centroids[j]), f"links allowing {mode} that join every pair of zone centroids")


def read_zone_system(zones, nodes, links, lines=None, line_stops=None, *, scenario_file=None,
                     key_prefix: str = "transport") -> ZoneSystem:
    """Read the tables of a zone system and cross-check them.

    Parameters
    ----------
    zones, nodes, links : str or Path
        Tables with the ``zones``, ``nodes`` and ``links`` schemas (CSV or Parquet).
    lines, line_stops : str or Path, optional
        Tables with the ``lines`` and ``line_stops`` schemas.
    scenario_file : str or Path, optional
        Scenario file that refers to the tables, named when a table file is missing.
    key_prefix : str
        Scenario key of the tables; a missing zones table is reported at
        ``<key_prefix>.zones``.

    Returns
    -------
    ZoneSystem

    Raises
    ------
    InputError
        Naming the file, row, column, value and what is allowed, for a bad value in any
        table or: a zone whose name, kind or node differs between its years; a duplicate
        (zone, year); no internal zone; a zone, link or stop node missing from the nodes
        table; two zones on one node; a duplicate directed link, a link from a node to
        itself; an unknown or repeated mode in ``modes``; more than 24 service hours a day;
        line stops of an unknown line, a line with fewer than 2 stops, a sequence that does
        not increase, consecutive nodes without a bus link either way; a centroid without
        car links in and out or without a walk link; a pair of zones not connected by car or
        on foot.
    """
    def table(path, name):
        return read_table(path, name, scenario_file=scenario_file, scenario_key=f"{key_prefix}.{name}")

    zones_t, nodes_t, links_t = table(zones, "zones"), table(nodes, "nodes"), table(links, "links")
    lines_t = None if lines is None else table(lines, "lines")
    stops_t = None if line_stops is None else table(line_stops, "line_stops")

    zone_ids = _check_zones(zones_t)
    known = {int(n) for n in nodes_t["node"]}
    _check_nodes_known(zones_t, "node", known, "centroid node")
    _check_centroids(zones_t, zone_ids)
    _check_nodes_known(links_t, "from_node", known, "from_node")
    _check_nodes_known(links_t, "to_node", known, "to_node")
    modes = _check_links(links_t)
    if lines_t is not None or stops_t is not None:
        # one table without the other: every line lacks stops, or every stop lacks its line
        lines_c = _empty("lines") if lines_t is None else lines_t
        stops_c = _empty("line_stops") if stops_t is None else stops_t
        _check_nodes_known(stops_c, "node", known, "stop node")
        bus = {(int(a), int(b)) for a, b, m in zip(links_t["from_node"], links_t["to_node"], modes) if "bus" in m}
        _check_lines(lines_c, stops_c, bus)
    system = ZoneSystem(zones_t, nodes_t, links_t, lines_t, stops_t, zone_ids)
    _check_access(system, modes)
    return system


# --------------------------------------------------------------------------------------
# Zone data by year
# --------------------------------------------------------------------------------------


def zone_data(system: ZoneSystem, year: float) -> pd.DataFrame:
    """Zone figures at a year: linear between tabulated years, constant outside them.

    Parameters
    ----------
    system : ZoneSystem
    year : float
        Year. [a]

    Returns
    -------
    pandas.DataFrame
        Indexed by zone (table order) with columns ``name``, ``kind``, ``population``
        [persons], ``jobs`` [workplaces], ``students`` [study places], ``cars_per_1000``
        [cars per 1000 residents] and ``parking_cost_dkk`` [DKK per car trip];
        ``attrs["units"]`` maps the numeric columns to their units.

    Examples
    --------
    A zone tabulated with 100 residents in 2020 and 200 in 2030 has 150 in 2025, 100 in
    2010 and 200 in 2040.
    """
    year = float(year)
    if not np.isfinite(year):
        raise ValueError(f"year = {year!r}: must be a finite number")
    out = {c: np.empty(system.n_zones) for c in ZONE_VALUES}
    names, kinds = [], []
    groups = dict(tuple(system.zones.groupby("zone", sort=False)))
    for k, zone in enumerate(system.zone_ids):
        rows = groups[zone].sort_values("year")
        years = rows["year"].to_numpy(dtype=np.float64)
        for column in ZONE_VALUES:
            out[column][k] = np.interp(year, years, rows[column].to_numpy(dtype=np.float64))
        names.append(rows["name"].iat[0])
        kinds.append(rows["kind"].iat[0])
    frame = pd.DataFrame({"name": names, "kind": kinds, **out},
                         index=pd.Index(list(system.zone_ids), name="zone"))
    frame.attrs["units"] = dict(ZONE_VALUES)
    frame.attrs["year"] = year
    return frame


# --------------------------------------------------------------------------------------
# Networks and skims
# --------------------------------------------------------------------------------------


def network_nodes(system: ZoneSystem) -> np.ndarray:
    """Nodes-table number of each network node: zone centroids first, in zone order.

    Network node ``k`` (1-based) of :func:`road_network` and :func:`distance_skim` is node
    ``network_nodes(system)[k - 1]`` of the nodes table: the zone centroids are nodes
    1 … ``n_zones``, the other nodes follow in the nodes table's order.
    """
    centroids = system.centroids
    others = system.nodes["node"].to_numpy(dtype=np.int64)
    others = others[~np.isin(others, centroids)]
    return np.concatenate([centroids, others])


def _renumber(system: ZoneSystem) -> dict[int, int]:
    return {int(node): k + 1 for k, node in enumerate(network_nodes(system))}


def _mode_mask(system: ZoneSystem, mode: str) -> np.ndarray:
    if mode not in MODES:
        raise ValueError(f"mode = {mode!r}: must be one of {', '.join(MODES)}")
    return np.array([mode in link_modes(m) for m in system.links["modes"]], dtype=bool)


def road_network(system: ZoneSystem, mode: str = "car", *, capacity_factor=None) -> tuple[Network, np.ndarray]:
    """The directed links allowing ``mode`` as a :class:`Network`.

    Parameters
    ----------
    system : ZoneSystem
    mode : str
        One of :data:`MODES`.
    capacity_factor : (n_links_of_table,) array_like, optional
        Multiplier of each table link's capacity, > 0 (e.g. < 1 where a bus lane takes a
        traffic lane). [-]

    Returns
    -------
    network : Network
        Zone centroids are nodes 1 … ``n_zones`` in zone order, the other nodes follow
        (:func:`network_nodes`); ``first_thru_node = n_zones + 1``. Free-flow time in hours
        (length_km / free_speed_kmh), length in km, capacity in veh/h, ``b`` = alpha,
        ``power`` = beta, toll in DKK, speed in km/h.
    link_rows : (n_links,) int64 ndarray
        Row (0-based) of the links table of each network link, in the network's order.
    """
    links = system.links
    factor = np.ones(len(links))
    if capacity_factor is not None:
        factor = np.asarray(capacity_factor, dtype=np.float64)
        if factor.shape != (len(links),):
            raise ValueError(f"capacity_factor: expected shape ({len(links)},), one factor per link, "
                             f"got {factor.shape}")
        if not np.all(np.isfinite(factor) & (factor > 0)):
            raise ValueError("capacity_factor: every factor must be a finite number > 0")
    rows = np.flatnonzero(_mode_mask(system, mode))
    number = _renumber(system)
    sel = links.iloc[rows]
    length = sel["length_km"].to_numpy(dtype=np.float64)
    speed = sel["free_speed_kmh"].to_numpy(dtype=np.float64)
    network = network_from_arrays(
        system.n_zones, len(number),
        [number[int(a)] for a in sel["from_node"]], [number[int(b)] for b in sel["to_node"]],
        sel["capacity_veh_h"].to_numpy(dtype=np.float64) * factor[rows], length / speed,
        b=sel["alpha"].to_numpy(dtype=np.float64), power=sel["beta"].to_numpy(dtype=np.float64),
        length=length, toll=sel["toll_dkk"].to_numpy(dtype=np.float64), speed=speed,
        first_thru_node=system.n_zones + 1,
    )
    return network, rows[network.file_order].astype(np.int64)


def _mode_links(system: ZoneSystem, mode: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Start and end (network numbers) and length [km] of the links allowing ``mode``, both ways
    for the modes of :data:`UNDIRECTED_MODES`."""
    links = system.links
    mask = _mode_mask(system, mode)
    number = _renumber(system)
    start = np.array([number[int(a)] for a in links["from_node"]], dtype=np.int64)[mask]
    end = np.array([number[int(b)] for b in links["to_node"]], dtype=np.int64)[mask]
    length = links["length_km"].to_numpy(dtype=np.float64)[mask]
    if mode in UNDIRECTED_MODES:
        start, end = np.concatenate([start, end]), np.concatenate([end, start])
        length = np.concatenate([length, length])
    return start, end, length


def _first_unreachable(system: ZoneSystem, mode: str) -> tuple[int, int] | None:
    """The first (origin, destination) pair of zones, in row order, not joined by ``mode``, or None.

    A search over the links allowing ``mode`` from each centroid; as in the skims, paths do
    not pass through other zones' centroids (nodes 1 ... n_zones of the network numbering).
    """
    start, end, _ = _mode_links(system, mode)
    n = system.n_zones
    following: dict[int, list[int]] = {}
    for a, b in zip(start.tolist(), end.tolist()):
        following.setdefault(a, []).append(b)
    for origin in range(1, n + 1):
        seen = {origin}
        frontier = [origin]
        while frontier:
            node = frontier.pop()
            if node != origin and node <= n:
                continue  # a centroid is a destination, not a through node
            for nxt in following.get(node, ()):
                if nxt not in seen:
                    seen.add(nxt)
                    frontier.append(nxt)
        for destination in range(1, n + 1):
            if destination != origin and destination not in seen:
                return origin - 1, destination - 1
    return None


def _centroid_distances(system: ZoneSystem, mode: str) -> np.ndarray:
    """Shortest distances between centroids [km], diagonal 0, inf where unreachable."""
    from smartcity.transport.assignment import shortest_paths  # the numba kernels load with the model

    start, end, length = _mode_links(system, mode)
    number = _renumber(system)
    network = network_from_arrays(system.n_zones, len(number), start, end, 1.0, length, length=length,
                                  first_thru_node=system.n_zones + 1)
    dist, _ = shortest_paths(network, network.length)
    dist = dist[:, : system.n_zones]
    if mode in UNDIRECTED_MODES:  # equal both ways but for the order of the sums: make it exact
        dist = np.minimum(dist, dist.T)
    return dist


def distance_skim(system: ZoneSystem, mode: str) -> np.ndarray:
    """Shortest network distance between zone centroids over the links allowing ``mode``.

    Walk and bike links are used in both directions (the skim is then exactly symmetric);
    car and bus links only in theirs.
    Paths do not pass through other zones' centroids. The diagonal is the intrazonal
    distance, half the distance to the nearest other zone centroid [1]_.

    Parameters
    ----------
    system : ZoneSystem
    mode : str
        One of :data:`MODES`.

    Returns
    -------
    (n_zones, n_zones) float64 ndarray
        Distance from zone ``i`` to zone ``j`` at ``[i, j]``, zones in ``system.zone_ids``
        order; inf where not connected (and on the diagonal of a single zone). [km]
    """
    dist = _centroid_distances(system, mode)
    others = np.where(np.eye(system.n_zones, dtype=bool), np.inf, dist)
    np.fill_diagonal(dist, 0.5 * others.min(axis=1))
    return dist
