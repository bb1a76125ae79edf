"""Public transport: line service, a two-layer transit graph, skims and loading.

Bus and BRT lines run on the street network in both directions. From the line tables this
module derives

1. the service of each line (:func:`line_service`): route length, running time,
   departures, vehicle-km per day and the vehicles needed for the peak headway, the
   inputs of the vehicle energy and CO2 accounts;
2. a transit graph (:func:`build_transit_graph`) on which a public-transport trip is a
   path that walks to a stop, waits, rides, possibly transfers, and walks on;
3. zone-to-zone skims on that graph (:func:`transit_skims`): generalised time and its
   components, the level-of-service inputs of mode choice;
4. the loading of a public-transport trip matrix (:func:`transit_load`): boardings,
   passenger-km and the heaviest link load of each line.

The assignment is a *best-route* (shortest generalised path, all-or-nothing) transit
assignment: each trip takes the one path of least generalised time, with a waiting time of
half the headway (capped) at every boarding. It is simpler than the frequency-based
assignment of Spiess and Florian [2]_, in which a traveller at a stop boards the first of
a set of attractive lines ("common lines", whose combined frequency shortens the wait) and
the trips split between them in proportion to their frequencies. With one line per
corridor, as in a district model, the two coincide; where lines overlap, the best-route
assignment puts all trips on the single best line and overstates the wait. See Ortúzar and
Willumsen [1]_ (chapter 10) for both.

The graph
---------
Nodes (1-based, as in :class:`~smartcity.transport.network.Network`):

- ``1 … n_zones``: the zones. A trip starts at its zone and ends at its zone; paths do not
  pass through zones (``first_thru_node = n_zones + 1``).
- layer 0, one node per street node: the street *before the first boarding*.
- layer 1, one node per street node: the street *after an alighting*.
- per line, direction and stop a *departure* node (entered by boarding, left by the
  in-vehicle link to the next stop) and an *arrival* node (entered by the in-vehicle
  link, left by alighting or by staying aboard to the departure node of the same stop).

Links, by kind (:data:`LINK_KINDS`):

=====================  ===================================  ==================================
kind                   from → to                            generalised time [h]
=====================  ===================================  ==================================
``access_connector``   zone → its street node in layer 0    0
``access_walk``        layer 0 → layer 0, walk links, both  access_weight × length / walk_speed
                       directions
``first_boarding``     layer 0 at a stop → departure node   wait_weight × wait
``in_vehicle``         departure → arrival of the next stop segment length / line speed
``stay_aboard``        arrival → departure, same stop       0
``alighting``          arrival node → layer 1 at the stop   0
``egress_walk``        layer 1 → layer 1 (egress, walking   access_weight × length / walk_speed
                       between stops to transfer)
``transfer_boarding``  layer 1 at a stop → departure node   wait_weight × wait + transfer
                                                            penalty
``egress_connector``   its street node in layer 1 → zone    0
=====================  ===================================  ==================================

Layer 1 is reached only by alighting, and alighting only after an in-vehicle link, so
every path from a zone to another zone boards at least once and rides at least one
segment: an origin-destination pair within walking distance still gets a path by public
transport (or none, if no line serves it); walking all the way is the walk mode's
business, not this one's.

The wait at a boarding is ``min(headway / 2, max_wait)`` (random passenger arrivals,
Ortúzar and Willumsen [1]_ section 7.7, as in
:func:`smartcity.transport.mode_choice.waiting_time`), with the headway of the chosen
period.

Functions
---------
line_service
    Route length, running time, departures, vehicle-km and fleet per line.
build_transit_graph
    The two-layer graph of a period, as a :class:`TransitGraph`.
transit_skims
    Zone-to-zone generalised time and components (:class:`TransitSkims`).
transit_load
    Boardings, passenger-km and the heaviest load of each line for a trip matrix.
warmup
    Compile the numba kernels used here.

References
----------
.. [1] Ortúzar, J. de D. and Willumsen, L. G. (2011). Modelling Transport, 4th ed., Wiley,
   doi:10.1002/9781119993308: chapter 10 (public-transport assignment, best-route and
   frequency-based), section 7.7 (waiting time as half the headway).
.. [2] Spiess, H. and Florian, M. (1989). Optimal strategies: a new assignment model for
   transit networks. Transportation Research Part B 23(2), 83-102,
   doi:10.1016/0191-2615(89)90034-9.
.. [3] Wardman, M. (2004). Public transport values of time. Transport Policy 11(4),
   363-377, doi:10.1016/j.tranpol.2004.05.001 (weights of walk and wait time, transfer
   penalties).

Longer than the house limit of ~700 lines (about 1050): reading the lines, line service,
the two-layer graph, skims and loading are the stages of one frequency-based model that
pass private arrays (lines, streets, routes) from one to the next; the path searches are
in :mod:`smartcity.transport.assignment`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from smartcity.errors import InputError
from smartcity.transport.assignment import all_or_nothing, path_sums, shortest_paths
from smartcity.transport.network import Network, network_from_arrays

__all__ = [
    "COMPONENTS",
    "LAYOVER_SHARE",
    "LINK_KINDS",
    "PERIODS",
    "PT_MODES",
    "TRANSFER_PENALTY_H",
    "WALK_SPEED_KMH",
    "TransitGraph",
    "TransitSkims",
    "build_transit_graph",
    "line_service",
    "transit_load",
    "transit_skims",
    "warmup",
]

#: Public-transport modes of a line (the ``mode`` column of the lines table).
PT_MODES: tuple[str, ...] = ("bus", "brt")

#: Periods of :func:`build_transit_graph`.
PERIODS: tuple[str, ...] = ("peak", "offpeak", "day")

#: Link kinds of the transit graph, indexed by :attr:`TransitGraph.kind`.
LINK_KINDS: tuple[str, ...] = (
    "access_connector", "access_walk", "first_boarding", "in_vehicle", "stay_aboard", "alighting",
    "egress_walk", "transfer_boarding", "egress_connector",
)
_ACCESS, _WALK0, _BOARD0, _RIDE, _STAY, _ALIGHT, _WALK1, _BOARD1, _EGRESS = range(len(LINK_KINDS))

#: Per-link components of the generalised time, the columns of :attr:`TransitGraph.components`:
#: in-vehicle time [h], waiting time [h], walking time [h], boardings [-], transfers
#: (boardings after the first) [-], in-vehicle distance [km], in-vehicle time on bus and on
#: BRT lines [h].
COMPONENTS: tuple[str, ...] = ("ivt_h", "wait_h", "walk_h", "boardings", "transfers", "distance_km",
                               "ivt_bus_h", "ivt_brt_h")

#: Layover and recovery time at the termini as a share of the running time. [-]
#: Assumption: 10-20 % is the usual planning allowance for urban bus lines (recovery time
#: for delays plus the drivers' breaks); 15 % is the middle of that range, to be replaced
#: by the operator's figure.
LAYOVER_SHARE = 0.15

#: Penalty per transfer, in equivalent in-vehicle time. [h]
#: Assumption: 5 min. Wardman (2004) reviews British interchange penalties of about
#: 5-10 min of in-vehicle time on top of the extra walking and waiting (which this model
#: counts separately); the low end is taken for short urban transfers.
TRANSFER_PENALTY_H = 5.0 / 60.0

#: Walking speed. [km/h]
#: Assumption: 5 km/h, the usual planning value for adult walking (about 1.4 m/s).
WALK_SPEED_KMH = 5.0

#: Weight of waiting time relative to in-vehicle time. [-]
#: Wardman (2004, doi:10.1016/j.tranpol.2004.05.001): about 1.5 in British studies; the default
#: of the scenario's ``transport.costs.wait_weight``.
WAIT_WEIGHT = 1.5

#: Weight of walking time to and from stops relative to in-vehicle time. [-]
#: Wardman (2004): about 1.7; the default of the scenario's ``transport.costs.access_weight``.
ACCESS_WEIGHT = 1.7

#: Cap of the waiting time (half the headway). [h]
#: Assumption: 15 min; above headways of about 30 min passengers time their arrival. The
#: default of the scenario's ``transport.costs.max_wait``.
MAX_WAIT_H = 0.25

_LINK_CAPACITY = 1e12  # the transit graph is not congested; network_from_arrays wants > 0


# --------------------------------------------------------------------------------------
# Reading the tables into arrays
# --------------------------------------------------------------------------------------


def _py(value):
    """A numpy scalar as the plain Python value (for error messages)."""
    return value.item() if isinstance(value, np.generic) else value


def _column(table: pd.DataFrame, name: str, what: str) -> np.ndarray:
    try:
        return table[name].to_numpy()
    except KeyError:
        raise InputError(f"{what} table: the column '{name}' is missing", column=name) from None


def _ints(table: pd.DataFrame, name: str, what: str) -> np.ndarray:
    raw = _column(table, name, what)
    if raw.dtype.kind in "iu":
        return raw.astype(np.int64, copy=False)
    try:
        values = np.asarray(raw, dtype=np.float64)
    except (TypeError, ValueError):
        values = np.asarray(pd.to_numeric(pd.Series(raw), errors="coerce"), dtype=np.float64)
    bad = ~np.isfinite(values) | (values != np.round(values))
    if bad.any():
        i = int(np.argmax(bad))
        raise InputError(f"{what} table: expected an integer", row=i + 1, column=name, value=_py(raw[i]))
    return values.astype(np.int64)


def _floats(table: pd.DataFrame, name: str, what: str, *, positive: bool = False, where=None,
            unit: str = "") -> np.ndarray:
    """A float column, finite and >= 0 (> 0 with ``positive``) on the rows of ``where``."""
    raw = _column(table, name, what)
    try:
        values = np.asarray(raw, dtype=np.float64)
    except (TypeError, ValueError):
        values = np.asarray(pd.to_numeric(pd.Series(raw), errors="coerce"), dtype=np.float64)
    bad = ~np.isfinite(values) | ((values <= 0.0) if positive else (values < 0.0))
    if where is not None:
        bad &= where
    if bad.any():
        i = int(np.argmax(bad))
        sign = ">" if positive else ">="
        raise InputError(f"{what} table: expected a finite number {sign} 0", row=i + 1, column=name,
                         value=_py(raw[i]), allowed=f"a number {sign} 0 {unit}".strip())
    return values


def _names(table: pd.DataFrame, name: str, what: str) -> np.ndarray:
    return np.asarray(_column(table, name, what), dtype=object)


@dataclass(frozen=True)
class _Lines:
    """The lines table as arrays, in table order."""

    name: np.ndarray  # (n,) object
    mode: np.ndarray  # (n,) int64, index into PT_MODES
    headway_peak_min: np.ndarray
    headway_offpeak_min: np.ndarray
    peak_hours: np.ndarray
    offpeak_hours: np.ndarray
    speed_kmh: np.ndarray
    index: pd.Index


def _read_lines(lines: pd.DataFrame) -> _Lines:
    what = "lines"
    name = _names(lines, "line", what)
    index = pd.Index(name)
    if not index.is_unique:
        i = int(np.argmax(index.duplicated()))
        raise InputError("lines table: a line appears twice", row=i + 1, column="line", value=_py(name[i]))
    modes = _names(lines, "mode", what)
    mode = pd.Index(PT_MODES).get_indexer(modes)
    if (mode < 0).any():
        i = int(np.argmax(mode < 0))
        raise InputError("lines table: unknown mode", row=i + 1, column="mode", value=_py(modes[i]),
                         allowed=", ".join(PT_MODES))
    peak_hours = _floats(lines, "peak_hours_per_day", what, unit="[h/day]")
    offpeak_hours = _floats(lines, "offpeak_hours_per_day", what, unit="[h/day]")
    return _Lines(
        name=name,
        mode=mode.astype(np.int64),
        headway_peak_min=_floats(lines, "headway_peak_min", what, positive=True, where=peak_hours > 0,
                                 unit="[min] (where peak_hours_per_day > 0)"),
        headway_offpeak_min=_floats(lines, "headway_offpeak_min", what, positive=True, where=offpeak_hours > 0,
                                    unit="[min] (where offpeak_hours_per_day > 0)"),
        peak_hours=peak_hours,
        offpeak_hours=offpeak_hours,
        speed_kmh=_floats(lines, "speed_kmh", what, positive=True, unit="[km/h]"),
        index=index,
    )


def _override(lines: _Lines, override, name: str, unit: str, *, pairs: bool = False) -> tuple[np.ndarray,
                                                                                            np.ndarray]:
    """(positions, values) of an override dict; unknown lines and bad values raise.

    With ``pairs``, a value is a number or a (peak, off-peak) pair and ``values`` is
    (n, 2); otherwise a number and ``values`` is (n,).
    """
    if not override:
        return np.empty(0, dtype=np.int64), np.empty((0, 2) if pairs else 0)
    keys = list(override)
    where = lines.index.get_indexer(keys)
    for key, i in zip(keys, where):
        if i < 0:
            raise InputError("unknown line", key=name, value=key, allowed="a line of the lines table")
    rows = []
    for key in keys:
        value = override[key]
        try:
            number = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            number = np.full(3, np.nan)  # reported below
        if pairs and number.ndim == 0:
            number = np.array([number, number])
        shape = (2,) if pairs else ()
        if number.shape != shape or not (np.isfinite(number).all() and (number > 0.0).all()):
            allowed = f"> 0 {unit}, or a (peak, off-peak) pair of them" if pairs else f"> 0 {unit}"
            raise InputError("must be a finite number > 0", key=f"{name}.{key}", value=_py(value), allowed=allowed)
        rows.append(number)
    return where.astype(np.int64), np.array(rows, dtype=np.float64).reshape((len(keys), 2) if pairs else len(keys))


def _headways(lines: _Lines, headway_override) -> tuple[np.ndarray, np.ndarray]:
    """Peak and off-peak headways [min] after the override."""
    peak, offpeak = lines.headway_peak_min, lines.headway_offpeak_min
    where, values = _override(lines, headway_override, "headway_override", "[min]", pairs=True)
    if where.size:
        peak, offpeak = peak.copy(), offpeak.copy()
        peak[where] = values[:, 0]
        offpeak[where] = values[:, 1]
    return peak, offpeak


def _departures(lines: _Lines, peak_min: np.ndarray, offpeak_min: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Departures per direction in the peak and off-peak periods of a day. [-]"""
    with np.errstate(divide="ignore", invalid="ignore"):
        peak = np.where(lines.peak_hours > 0, lines.peak_hours * 60.0 / peak_min, 0.0)
        offpeak = np.where(lines.offpeak_hours > 0, lines.offpeak_hours * 60.0 / offpeak_min, 0.0)
    return peak, offpeak


@dataclass(frozen=True)
class _Streets:
    """The links table as arrays: compact street nodes and walk links."""

    node_ids: np.ndarray  # (n_streets,) sorted original node ids
    walk_a: np.ndarray  # (n_walk,) compact street index, one per undirected walk pair
    walk_b: np.ndarray
    walk_km: np.ndarray
    pair_key: np.ndarray  # sorted undirected keys a * n_streets + b (a < b) of all links
    pair_km: np.ndarray  # shortest link length of each key

    def index(self, nodes: np.ndarray) -> np.ndarray:
        """Compact indices of original node ids (-1 where unknown)."""
        if self.node_ids.size == 0:
            return np.full(nodes.shape, -1, dtype=np.int64)
        at = np.minimum(np.searchsorted(self.node_ids, nodes), self.node_ids.size - 1)
        return np.where(self.node_ids[at] == nodes, at, -1)


def _read_streets(links: pd.DataFrame) -> _Streets:
    what = "links"
    a_id = _ints(links, "from_node", what)
    b_id = _ints(links, "to_node", what)
    length = _floats(links, "length_km", what, unit="[km]")
    modes = _column(links, "modes", what)
    walk = np.fromiter((isinstance(m, str) and "walk" in m.split("+") for m in modes), dtype=bool,
                       count=len(modes))
    node_ids, inverse = np.unique(np.concatenate([a_id, b_id]), return_inverse=True)
    n = node_ids.size
    a, b = inverse[: a_id.size], inverse[a_id.size:]
    low, high = np.minimum(a, b), np.maximum(a, b)
    key = low * n + high
    order = np.lexsort((length, key))  # by pair, shortest first
    first = np.ones(order.size, dtype=bool)
    first[1:] = key[order][1:] != key[order][:-1]
    pair_key, pair_km = key[order][first], length[order][first]
    # walking goes both ways on any link that allows it; one pair per street segment
    keep = walk & (low != high)
    w_order = np.lexsort((length[keep], key[keep]))
    w_key = key[keep][w_order]
    w_first = np.ones(w_key.size, dtype=bool)
    w_first[1:] = w_key[1:] != w_key[:-1]
    return _Streets(
        node_ids=node_ids,
        walk_a=low[keep][w_order][w_first],
        walk_b=high[keep][w_order][w_first],
        walk_km=length[keep][w_order][w_first],
        pair_key=pair_key,
        pair_km=pair_km,
    )


@dataclass(frozen=True)
class _Routes:
    """The stops of every line (table order of lines), in sequence order."""

    line: np.ndarray  # (n_stops,) index into the lines table
    street: np.ndarray  # (n_stops,) compact street index
    km: np.ndarray  # (n_stops,) distance from the first node of the line [km]
    route_km: np.ndarray  # (n_lines,) one-direction length [km]
    n_stops: np.ndarray  # (n_lines,)


def _read_routes(line_stops: pd.DataFrame, lines: _Lines, streets: _Streets) -> _Routes:
    what = "line_stops"
    names = _names(line_stops, "line", what)
    line = lines.index.get_indexer(names)
    if (line < 0).any():
        i = int(np.argmax(line < 0))
        raise InputError("line_stops table: the line is not in the lines table", row=i + 1, column="line",
                         value=_py(names[i]))
    sequence = _ints(line_stops, "sequence", what)
    node_ids = _ints(line_stops, "node", what)
    raw_stop = _column(line_stops, "stop", what)
    if raw_stop.dtype == bool:
        stop = raw_stop
    else:
        flags = pd.Series(raw_stop)
        bad = ~flags.isin([True, False, 0, 1])
        if bad.any():
            i = int(np.argmax(bad.to_numpy()))
            raise InputError("line_stops table: expected true or false", row=i + 1, column="stop",
                             value=_py(raw_stop[i]))
        stop = flags.astype(bool).to_numpy()
    street = streets.index(node_ids)
    if (street < 0).any():
        i = int(np.argmax(street < 0))
        raise InputError("line_stops table: the node is not on any link", row=i + 1, column="node",
                         value=int(node_ids[i]), allowed="a from_node or to_node of the links table")
    order = np.lexsort((sequence, line))
    line, sequence, street, stop = line[order], sequence[order], street[order], stop[order]
    same = line[1:] == line[:-1]
    repeated = same & (sequence[1:] == sequence[:-1])
    if repeated.any():
        j = int(np.argmax(repeated)) + 1
        raise InputError("line_stops table: a sequence number appears twice in the line", row=int(order[j]) + 1,
                         column="sequence", value=int(sequence[j]))
    n = streets.node_ids.size
    a, b = street[:-1][same], street[1:][same]
    query = np.minimum(a, b) * n + np.maximum(a, b)
    at = np.minimum(np.searchsorted(streets.pair_key, query), max(streets.pair_key.size - 1, 0))
    found = streets.pair_key[at] == query if streets.pair_key.size else np.zeros(query.size, dtype=bool)
    if not found.all():
        j = int(np.argmax(~found))
        row = int(order[np.flatnonzero(same)[j] + 1])
        raise InputError(f"line_stops table: no link joins node {int(streets.node_ids[a[j]])} to the next node "
                         "of the line", row=row + 1, column="node", value=int(streets.node_ids[b[j]]),
                         allowed="consecutive nodes of a line joined by a link of the links table")
    step = np.zeros(line.size)
    step[1:][same] = streets.pair_km[at]
    total = np.cumsum(step)
    start = np.ones(line.size, dtype=bool)
    start[1:] = ~same
    km = total - total[np.maximum.accumulate(np.where(start, np.arange(line.size), 0))]
    n_lines = lines.name.size
    route_km = np.zeros(n_lines)
    end = np.ones(line.size, dtype=bool)
    end[:-1] = ~same
    route_km[line[end]] = km[end]
    n_stops = np.bincount(line[stop], minlength=n_lines)
    few = n_stops < 2
    if few.any():
        i = int(np.argmax(few))
        raise InputError("line_stops table: a line needs at least two stops (stop = true)", column="stop",
                         value=str(lines.name[i]))
    return _Routes(line=line[stop], street=street[stop], km=km[stop], route_km=route_km, n_stops=n_stops)


# --------------------------------------------------------------------------------------
# Line service
# --------------------------------------------------------------------------------------


def line_service(
    lines: pd.DataFrame,
    line_stops: pd.DataFrame,
    links: pd.DataFrame,
    *,
    layover_share: float = LAYOVER_SHARE,
    headway_override: Mapping[str, float | tuple[float, float]] | None = None,
    speed_override: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Route length, running time, departures, vehicle-km and peak fleet of each line.

    Parameters
    ----------
    lines : DataFrame
        Columns ``line``, ``mode`` (bus or brt), ``headway_peak_min``,
        ``headway_offpeak_min`` [min], ``peak_hours_per_day``, ``offpeak_hours_per_day``
        [h/day] and ``speed_kmh`` (scheduled commercial speed, stops included) [km/h];
        ``vehicle``, ``powertrain`` and ``capacity_per_vehicle`` are copied when present.
        A headway may be missing where its period has 0 hours.
    line_stops : DataFrame
        Columns ``line``, ``sequence`` (increasing along the line), ``node`` and ``stop``
        (bool); consecutive nodes are joined by a link of ``links``.
    links : DataFrame
        Columns ``from_node``, ``to_node`` and ``length_km`` [km]. The route follows the
        shortest link between consecutive nodes, in either direction.
    layover_share : float
        Layover and recovery time at the termini as a share of the running time, >= 0;
        default :data:`LAYOVER_SHARE` (0.15, an assumption). [-]
    headway_override : dict, optional
        ``{line: headway [min]}`` replaces the peak and the off-peak headway of a line;
        ``{line: (peak, offpeak) [min]}`` replaces each.
    speed_override : dict, optional
        ``{line: speed [km/h]}``: replaces ``speed_kmh``.

    Returns
    -------
    DataFrame
        Indexed by ``line`` in table order, with columns

        - ``mode``: bus or brt;
        - ``n_stops``: stops of the line [-];
        - ``route_length_km``: length of one direction [km];
        - ``running_time_min``: route_length_km / speed_kmh, one direction [min];
        - ``headway_peak_min``, ``headway_offpeak_min``, ``speed_kmh``: after the overrides;
        - ``departures_per_day``: per direction, peak_hours × 60 / headway_peak +
          offpeak_hours × 60 / headway_offpeak [1/day];
        - ``vehicle_km_per_day``: both directions, 2 × departures × route length [km/day];
        - ``vehicles_required``: vehicles to run the peak headway,
          ceil(2 × running_time × (1 + layover_share) / headway_peak) (0 for a line without
          peak service; the ratio is rounded to 1e-9 first so that an exact multiple is
          not pushed up by rounding) [-];
        - ``vehicle``, ``powertrain``, ``capacity_per_vehicle``: copied from ``lines``.

    Raises
    ------
    InputError
        A missing column, an unknown mode or line, a non-positive speed or headway, a line
        with fewer than two stops, consecutive nodes that no link joins.

    Examples
    --------
    >>> links = pd.DataFrame({"from_node": [1, 2], "to_node": [2, 3], "length_km": [2.0, 2.0],
    ...                       "modes": "car+bus+walk"})
    >>> lines = pd.DataFrame({"line": ["1"], "mode": ["bus"], "headway_peak_min": [10.0],
    ...                       "headway_offpeak_min": [20.0], "peak_hours_per_day": [6.0],
    ...                       "offpeak_hours_per_day": [12.0], "speed_kmh": [20.0]})
    >>> stops = pd.DataFrame({"line": "1", "sequence": [1, 2, 3], "node": [1, 2, 3], "stop": True})
    >>> service = line_service(lines, stops, links)
    >>> service.loc["1", ["route_length_km", "running_time_min", "departures_per_day",
    ...                   "vehicle_km_per_day"]].tolist()
    [4.0, 12.0, 72.0, 576.0]
    >>> int(service.loc["1", "vehicles_required"])  # ceil(2 x 12 min x 1.15 / 10 min)
    3
    """
    if not (math.isfinite(layover_share) and layover_share >= 0.0):
        raise ValueError(f"layover_share = {layover_share!r}: must be a finite number >= 0")
    table = _read_lines(lines)
    routes = _read_routes(line_stops, table, _read_streets(links))
    peak_min, offpeak_min = _headways(table, headway_override)
    speed = table.speed_kmh.copy()
    where, values = _override(table, speed_override, "speed_override", "[km/h]")
    speed[where] = values
    peak, offpeak = _departures(table, peak_min, offpeak_min)
    departures = peak + offpeak
    running_min = routes.route_km / speed * 60.0
    with np.errstate(divide="ignore", invalid="ignore"):
        cycles = np.where(table.peak_hours > 0, 2.0 * running_min * (1.0 + layover_share) / peak_min, 0.0)
    service = pd.DataFrame(
        {
            "mode": np.asarray(PT_MODES, dtype=object)[table.mode],
            "n_stops": routes.n_stops,
            "route_length_km": routes.route_km,
            "running_time_min": running_min,
            "headway_peak_min": np.where(table.peak_hours > 0, peak_min, np.nan),
            "headway_offpeak_min": np.where(table.offpeak_hours > 0, offpeak_min, np.nan),
            "speed_kmh": speed,
            "departures_per_day": departures,
            "vehicle_km_per_day": 2.0 * departures * routes.route_km,
            "vehicles_required": np.ceil(np.round(cycles, 9)).astype(np.int64),
        },
        index=pd.Index(table.name, name="line"),
    )
    for name in ("vehicle", "powertrain", "capacity_per_vehicle"):
        if name in lines.columns:
            service[name] = lines[name].to_numpy()
    return service


# --------------------------------------------------------------------------------------
# The transit graph
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class TransitGraph:
    """The two-layer public-transport graph of one period (see the module notes).

    Link arrays follow the link order of :attr:`network` (sorted by from-node).

    Attributes
    ----------
    network : Network
        The graph: zones are nodes 1 … ``n_zones`` and are not passed through;
        ``free_flow_time`` is the generalised time of each link and ``length`` its
        walking or in-vehicle length. [h], [km]
    cost : (n_links,) ndarray
        Generalised time of each link (the same array as ``network.free_flow_time``):
        in-vehicle time + wait_weight × wait + access_weight × walk + transfer_penalty per
        transfer boarding. [h]
    components : (n_links, len(COMPONENTS)) ndarray
        Per-link components named by :data:`COMPONENTS` (unweighted times).
    kind : (n_links,) int64 ndarray
        Index into :data:`LINK_KINDS`. [-]
    line : (n_links,) int64 ndarray
        Index into :attr:`lines` of boarding, in-vehicle, stay-aboard and alighting links;
        -1 for the others. [-]
    mode : (n_links,) int64 ndarray
        Index into :data:`PT_MODES` of the link's line; -1 for links of no line. [-]
    direction : (n_links,) int64 ndarray
        0 along increasing ``sequence``, 1 against it; -1 for links of no line. [-]
    lines : tuple of str
        The lines in the graph (used, and running in the period), in table order.
    line_modes : tuple of str
        Mode of each line of :attr:`lines`.
    headway_h : (n_lines_in_graph,) ndarray
        Headway of each line in the period. [h]
    wait_h : (n_lines_in_graph,) ndarray
        Waiting time at each boarding of each line, min(headway / 2, max_wait). [h]
    speed_kmh : (n_lines_in_graph,) ndarray
        Commercial speed of each line. [km/h]
    zone_nodes : (n_zones,) int64 ndarray
        Street node of each zone's centroid (ids of the links table). [-]
    period : str
        ``"peak"``, ``"offpeak"`` or ``"day"``.
    wait_weight, access_weight, transfer_penalty_h, max_wait_h, walk_speed_kmh : float
        The parameters the graph was built with. [-], [-], [h], [h], [km/h]
    """

    network: Network
    cost: np.ndarray
    components: np.ndarray
    kind: np.ndarray
    line: np.ndarray
    mode: np.ndarray
    direction: np.ndarray
    lines: tuple[str, ...]
    line_modes: tuple[str, ...]
    headway_h: np.ndarray
    wait_h: np.ndarray
    speed_kmh: np.ndarray
    zone_nodes: np.ndarray
    period: str
    wait_weight: float
    access_weight: float
    transfer_penalty_h: float
    max_wait_h: float
    walk_speed_kmh: float

    @property
    def n_zones(self) -> int:
        """Number of zones. [-]"""
        return self.network.n_zones

    def component(self, name: str) -> np.ndarray:
        """One column of :attr:`components` by its name in :data:`COMPONENTS`."""
        return self.components[:, COMPONENTS.index(name)]


def _check_weight(name: str, value: float, *, positive: bool = False) -> float:
    number = float(value)
    if not math.isfinite(number) or (number <= 0.0 if positive else number < 0.0):
        raise ValueError(f"{name} = {value!r}: must be a finite number {'>' if positive else '>='} 0")
    return number


def build_transit_graph(
    links: pd.DataFrame,
    lines: pd.DataFrame,
    line_stops: pd.DataFrame,
    zone_nodes,
    *,
    period: str = "peak",
    walk_speed_kmh: float = WALK_SPEED_KMH,
    wait_weight: float = WAIT_WEIGHT,
    access_weight: float = ACCESS_WEIGHT,
    max_wait_h: float = MAX_WAIT_H,
    transfer_penalty_h: float = TRANSFER_PENALTY_H,
    headway_override: Mapping[str, float | tuple[float, float]] | None = None,
    speed_override: Mapping[str, float] | None = None,
    lines_used: Iterable[str] | None = None,
) -> TransitGraph:
    """Build the two-layer transit graph of a period (see the module notes).

    Parameters
    ----------
    links : DataFrame
        Street links: ``from_node``, ``to_node`` (ids), ``length_km`` [km] and ``modes``
        ('+'-separated); people walk both ways on every link whose modes include
        ``walk``.
    lines, line_stops : DataFrame
        As in :func:`line_service`.
    zone_nodes : (n_zones,) array_like of int
        Street node of each zone's centroid, in zone order; must be a node of ``links``.
    period : {"peak", "offpeak", "day"}
        Headway used for the wait: the peak or off-peak headway, or for ``"day"`` the
        departure-weighted mean headway, service hours / departures (the headway of a
        regular service with the day's departures). Lines with no service hours in the
        period are left out.
    walk_speed_kmh : float
        Walking speed, > 0; default :data:`WALK_SPEED_KMH`. [km/h]
    wait_weight, access_weight : float
        Weights of waiting and walking time relative to in-vehicle time, >= 0; default
        :data:`WAIT_WEIGHT` and :data:`ACCESS_WEIGHT` (1.5 and 1.7). [-]
    max_wait_h : float
        Cap of the waiting time, > 0; default :data:`MAX_WAIT_H` (15 min). [h]
    transfer_penalty_h : float
        Penalty per transfer boarding, >= 0; default :data:`TRANSFER_PENALTY_H` (5 min, an
        assumption). [h]
    headway_override : dict, optional
        ``{line: headway [min]}`` replaces the peak and the off-peak headway of a line,
        ``{line: (peak, offpeak) [min]}`` each of them (a measure that changes the
        frequency); lines not in the graph are ignored. The tables are not changed.
    speed_override : dict, optional
        ``{line: speed [km/h]}``: replaces a line's ``speed_kmh``.
    lines_used : iterable of str, optional
        The lines to include (default all), e.g. only the bus lines for a scenario
        without the BRT.

    Returns
    -------
    TransitGraph

    Raises
    ------
    InputError
        Bad tables (see :func:`line_service`), a zone node that is on no link, an
        unknown line in ``lines_used`` or an override.
    ValueError
        An unknown period or a bad weight, speed or penalty.
    """
    if period not in PERIODS:
        raise ValueError(f"period = {period!r}: must be one of {', '.join(PERIODS)}")
    wait_weight = _check_weight("wait_weight", wait_weight)
    access_weight = _check_weight("access_weight", access_weight)
    max_wait_h = _check_weight("max_wait_h", max_wait_h, positive=True)
    transfer_penalty_h = _check_weight("transfer_penalty_h", transfer_penalty_h)
    walk_speed_kmh = _check_weight("walk_speed_kmh", walk_speed_kmh, positive=True)

    table = _read_lines(lines)
    streets = _read_streets(links)
    routes = _read_routes(line_stops, table, streets)
    zone_ids = np.atleast_1d(np.asarray(zone_nodes, dtype=np.int64))
    if zone_ids.ndim != 1 or zone_ids.size == 0:
        raise ValueError(f"zone_nodes: expected a 1-D array with one node per zone, got shape {zone_ids.shape}")
    zone_street = streets.index(zone_ids)
    if (zone_street < 0).any():
        z = int(np.argmax(zone_street < 0))
        raise InputError(f"zone {z + 1}: its centroid node is on no link", key="zone_nodes",
                         value=int(zone_ids[z]), allowed="a from_node or to_node of the links table")

    # headway and speed of each line in the period
    peak_min, offpeak_min = _headways(table, headway_override)
    speed = table.speed_kmh.copy()
    where, values = _override(table, speed_override, "speed_override", "[km/h]")
    speed[where] = values
    if period == "peak":
        running = table.peak_hours > 0
        headway = peak_min / 60.0
    elif period == "offpeak":
        running = table.offpeak_hours > 0
        headway = offpeak_min / 60.0
    else:
        dep_peak, dep_offpeak = _departures(table, peak_min, offpeak_min)
        departures = dep_peak + dep_offpeak
        running = departures > 0
        with np.errstate(divide="ignore", invalid="ignore"):
            headway = (table.peak_hours + table.offpeak_hours) / departures
    used = running
    if lines_used is not None:
        names = list(lines_used) if not isinstance(lines_used, str) else [lines_used]
        at = table.index.get_indexer(names)
        if (at < 0).any():
            i = int(np.argmax(at < 0))
            raise InputError("unknown line", key="lines_used", value=_py(names[i]),
                             allowed="a line of the lines table")
        chosen = np.zeros(table.name.size, dtype=bool)
        chosen[at] = True
        used = used & chosen
    graph_line = np.cumsum(used) - 1  # table index -> graph line index
    line_headway = headway[used]
    line_wait = np.minimum(0.5 * line_headway, max_wait_h)
    line_speed = speed[used]
    line_mode = table.mode[used]

    # stops of the lines in the graph
    keep = used[routes.line]
    s_line = graph_line[routes.line[keep]]
    s_street = routes.street[keep]
    s_km = routes.km[keep]
    n_s = s_line.size
    n_zones = zone_ids.size
    n_streets = streets.node_ids.size
    layer0 = n_zones  # 0-based node of street s in layer 0: layer0 + s
    layer1 = n_zones + n_streets
    route0 = n_zones + 2 * n_streets  # departure node of (direction d, stop i): route0 + 2 (d n_s + i)
    n_nodes = route0 + 4 * n_s

    def dep(d, i):
        return route0 + 2 * (d * n_s + i)

    def arr(d, i):
        return route0 + 2 * (d * n_s + i) + 1

    pair = np.flatnonzero(s_line[1:] == s_line[:-1])  # stop i and its successor i + 1
    has_prev = np.zeros(n_s, dtype=bool)
    has_prev[pair + 1] = True
    has_next = np.zeros(n_s, dtype=bool)
    has_next[pair] = True
    inner = np.flatnonzero(has_prev & has_next)
    first = np.flatnonzero(has_next)  # may board here going forward / alight here going backward
    last = np.flatnonzero(has_prev)  # may board here going backward / alight here going forward
    seg_km = s_km[pair + 1] - s_km[pair]
    seg_h = seg_km / line_speed[s_line[pair]]
    walk_h = streets.walk_km / walk_speed_kmh
    zones = np.arange(n_zones)

    # (from, to, kind, line, direction, km, [component values]) per block of links
    blocks = [
        (zones, layer0 + zone_street, _ACCESS, None, -1),
        (layer0 + streets.walk_a, layer0 + streets.walk_b, _WALK0, None, -1),
        (layer0 + streets.walk_b, layer0 + streets.walk_a, _WALK0, None, -1),
        (layer0 + s_street[first], dep(0, first), _BOARD0, first, 0),
        (layer0 + s_street[last], dep(1, last), _BOARD0, last, 1),
        (dep(0, pair), arr(0, pair + 1), _RIDE, pair, 0),
        (dep(1, pair + 1), arr(1, pair), _RIDE, pair, 1),
        (arr(0, inner), dep(0, inner), _STAY, inner, 0),
        (arr(1, inner), dep(1, inner), _STAY, inner, 1),
        (arr(0, last), layer1 + s_street[last], _ALIGHT, last, 0),
        (arr(1, first), layer1 + s_street[first], _ALIGHT, first, 1),
        (layer1 + streets.walk_a, layer1 + streets.walk_b, _WALK1, None, -1),
        (layer1 + streets.walk_b, layer1 + streets.walk_a, _WALK1, None, -1),
        (layer1 + s_street[first], dep(0, first), _BOARD1, first, 0),
        (layer1 + s_street[last], dep(1, last), _BOARD1, last, 1),
        (layer1 + zone_street, zones, _EGRESS, None, -1),
    ]
    sizes = [block[0].size for block in blocks]
    init = np.concatenate([block[0] for block in blocks]) + 1
    term = np.concatenate([block[1] for block in blocks]) + 1
    kind = np.repeat(np.arange(len(blocks)), sizes)
    kind = np.array([block[2] for block in blocks], dtype=np.int64)[kind]
    direction = np.concatenate([np.full(size, block[4], dtype=np.int64) for size, block in zip(sizes, blocks)])
    line = np.concatenate([np.full(size, -1, dtype=np.int64) if block[3] is None else s_line[block[3]]
                           for size, block in zip(sizes, blocks)])
    n_links = init.size
    components = np.zeros((n_links, len(COMPONENTS)))
    is_walk = (kind == _WALK0) | (kind == _WALK1)
    components[is_walk, 2] = np.tile(walk_h, 4)  # walk blocks in the order a→b, b→a, a→b, b→a
    is_ride = kind == _RIDE
    ride_h = np.tile(seg_h, 2)
    ride_km = np.tile(seg_km, 2)
    components[is_ride, 0] = ride_h
    components[is_ride, 5] = ride_km
    ride_mode = line_mode[line[is_ride]]
    components[is_ride, 6] = np.where(ride_mode == 0, ride_h, 0.0)
    components[is_ride, 7] = np.where(ride_mode == 1, ride_h, 0.0)
    is_board = (kind == _BOARD0) | (kind == _BOARD1)
    components[is_board, 1] = line_wait[line[is_board]]
    components[is_board, 3] = 1.0
    components[kind == _BOARD1, 4] = 1.0
    cost = (components[:, 0] + wait_weight * components[:, 1] + access_weight * components[:, 2]
            + transfer_penalty_h * components[:, 4])
    length = np.zeros(n_links)
    length[is_walk] = np.tile(streets.walk_km, 4)
    length[is_ride] = ride_km
    mode = np.full(n_links, -1, dtype=np.int64)
    on_line = line >= 0
    mode[on_line] = line_mode[line[on_line]]

    network = network_from_arrays(n_zones, n_nodes, init, term, _LINK_CAPACITY, cost, b=0.0, power=1.0,
                                  length=length, first_thru_node=n_zones + 1)
    order = network.file_order
    return TransitGraph(
        network=network,
        cost=network.free_flow_time,
        components=np.ascontiguousarray(components[order]),
        kind=kind[order],
        line=line[order],
        mode=mode[order],
        direction=direction[order],
        lines=tuple(str(name) for name in table.name[used]),
        line_modes=tuple(PT_MODES[m] for m in line_mode),
        headway_h=line_headway,
        wait_h=line_wait,
        speed_kmh=line_speed,
        zone_nodes=zone_ids,
        period=period,
        wait_weight=wait_weight,
        access_weight=access_weight,
        transfer_penalty_h=transfer_penalty_h,
        max_wait_h=max_wait_h,
        walk_speed_kmh=walk_speed_kmh,
    )


# --------------------------------------------------------------------------------------
# Skims and loading
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class TransitSkims:
    """Zone-to-zone level of service by public transport; every array is (n_zones, n_zones).

    Entry ``[i, j]`` is the path from zone ``i + 1`` to zone ``j + 1``. Where no path
    exists, and on the diagonal, ``available`` is False, ``generalised_time_h`` is +inf
    and the components are NaN.

    Attributes
    ----------
    generalised_time_h : ndarray
        The path's generalised time, ivt_h + wait_weight × wait_h + access_weight × walk_h
        + transfer_penalty_h × transfers (the Dijkstra cost). [h]
    ivt_h : ndarray
        In-vehicle time. [h]
    wait_h : ndarray
        Waiting time at all boardings, unweighted, without transfer penalties. [h]
    walk_h : ndarray
        Walking time (access, egress and between stops to transfer), unweighted. [h]
    boardings : ndarray
        Number of boardings (>= 1 where available). [-]
    transfers : ndarray
        Boardings after the first, boardings − 1. [-]
    transfer_penalty_h : ndarray
        Transfer penalties of the path, transfers × the graph's penalty. [h]
    ivt_by_mode_h : dict of str to ndarray
        In-vehicle time on ``"bus"`` and on ``"brt"`` lines (both keys always present). [h]
    distance_km : ndarray
        In-vehicle distance. [km]
    available : bool ndarray
        True where a path exists between different zones. [-]
    """

    generalised_time_h: np.ndarray
    ivt_h: np.ndarray
    wait_h: np.ndarray
    walk_h: np.ndarray
    boardings: np.ndarray
    transfers: np.ndarray
    transfer_penalty_h: np.ndarray
    ivt_by_mode_h: dict[str, np.ndarray]
    distance_km: np.ndarray
    available: np.ndarray


def transit_skims(graph: TransitGraph) -> TransitSkims:
    """Skims of the shortest generalised-time paths between all zones.

    Dijkstra from every zone (:func:`~smartcity.transport.assignment.shortest_paths`) on
    the generalised link times, then the components summed along the same trees
    (:func:`~smartcity.transport.assignment.path_sums`): a best-route skim, every path
    boarding at least once.

    Parameters
    ----------
    graph : TransitGraph

    Returns
    -------
    TransitSkims
    """
    network = graph.network
    n = graph.n_zones
    origins = np.arange(1, n + 1)
    dist, pred = shortest_paths(network, graph.cost, origins)
    sums = path_sums(network, pred, origins, graph.components)[:, :n, :]
    available = np.isfinite(dist[:, :n])
    np.fill_diagonal(available, False)
    generalised = np.where(available, dist[:, :n], np.inf)
    sums[~available] = np.nan
    column = {name: sums[:, :, k] for k, name in enumerate(COMPONENTS)}
    return TransitSkims(
        generalised_time_h=generalised,
        ivt_h=column["ivt_h"],
        wait_h=column["wait_h"],
        walk_h=column["walk_h"],
        boardings=column["boardings"],
        transfers=column["transfers"],
        transfer_penalty_h=column["transfers"] * graph.transfer_penalty_h,
        ivt_by_mode_h={"bus": column["ivt_bus_h"], "brt": column["ivt_brt_h"]},
        distance_km=column["distance_km"],
        available=available,
    )


def transit_load(graph: TransitGraph, trips) -> pd.DataFrame:
    """Load a public-transport trip matrix on the best routes and sum it up by line.

    Each trip takes the path of :func:`transit_skims` (all-or-nothing loading by
    :func:`~smartcity.transport.assignment.all_or_nothing`, numba, one tree per origin).
    Trips on the diagonal are not loaded.

    Parameters
    ----------
    graph : TransitGraph
    trips : (n_zones, n_zones) array_like
        Public-transport trips from zone ``i + 1`` to zone ``j + 1``, >= 0.
        [trips per period, e.g. per peak hour or per day]

    Returns
    -------
    DataFrame
        Indexed by ``line`` (the lines of the graph), with columns

        - ``mode``: bus or brt;
        - ``boardings``: all boardings [trips per period];
        - ``first_boardings``: boardings at the start of a trip; they add up to the trips
          loaded [trips per period];
        - ``transfer_boardings``: boardings after a transfer [trips per period];
        - ``passenger_km``: trips × in-vehicle km on the line [passenger-km per period];
        - ``passenger_hours``: trips × in-vehicle time on the line [passenger-h per period];
        - ``max_load_forward``, ``max_load_backward``: largest number of passengers on one
          segment between stops, along and against increasing ``sequence``
          [trips per period].

    Raises
    ------
    InputError
        Trips between zones that no public-transport path joins (``available`` False).
    ValueError
        A trip matrix of the wrong shape, or with negative or non-finite entries.
    """
    flows = all_or_nothing(graph.network, trips, graph.cost)
    n_lines = len(graph.lines)
    kind, line = graph.kind, graph.line

    def by_line(mask, weights):
        return np.bincount(line[mask], weights=weights[mask], minlength=n_lines)[:n_lines]

    first = by_line(kind == _BOARD0, flows)
    transfer = by_line(kind == _BOARD1, flows)
    ride = kind == _RIDE
    distance = graph.components[:, COMPONENTS.index("distance_km")]
    ivt = graph.components[:, COMPONENTS.index("ivt_h")]
    max_load = np.zeros(2 * n_lines)
    np.maximum.at(max_load, 2 * line[ride] + graph.direction[ride], flows[ride])
    return pd.DataFrame(
        {
            "mode": list(graph.line_modes),
            "boardings": first + transfer,
            "first_boardings": first,
            "transfer_boardings": transfer,
            "passenger_km": by_line(ride, flows * distance),
            "passenger_hours": by_line(ride, flows * ivt),
            "max_load_forward": max_load[0::2],
            "max_load_backward": max_load[1::2],
        },
        index=pd.Index(list(graph.lines), name="line", dtype=object),
    )


def warmup() -> None:
    """Compile the kernels used here (or load them from the on-disk cache)."""
    links = pd.DataFrame({"from_node": [1, 2], "to_node": [2, 3], "length_km": [1.0, 1.0], "modes": "walk+bus"})
    lines = pd.DataFrame({"line": ["w"], "mode": ["bus"], "headway_peak_min": [10.0],
                          "headway_offpeak_min": [10.0], "peak_hours_per_day": [1.0],
                          "offpeak_hours_per_day": [1.0], "speed_kmh": [20.0]})
    stops = pd.DataFrame({"line": "w", "sequence": [1, 2, 3], "node": [1, 2, 3], "stop": True})
    graph = build_transit_graph(links, lines, stops, [1, 3])
    transit_skims(graph)
    transit_load(graph, [[0.0, 1.0], [1.0, 0.0]])
