"""Road networks and trip tables in the TNTP text format.

The TNTP format (Transportation Networks for Research, Bar-Gera et al.) stores a network
as a metadata header followed by one line per link, and a trip table as ``Origin`` blocks
of ``destination : trips;`` pairs. Lines starting with ``~`` are comments and ``;`` ends a
record.

Functions
---------
read_tntp_network
    A ``*_net.tntp`` file as a :class:`Network` (links sorted by from-node, forward star).
read_tntp_trips
    A ``*_trips.tntp`` file as a dense (zones × zones) matrix of trips.
read_tntp_flows
    A ``*_flow.tntp`` file (best-known link flows) as a table.

References
----------
.. [1] Transportation Networks for Research Core Team, *Transportation Networks for
   Research*, https://github.com/bstabler/TransportationNetworks (format description
   and the Sioux Falls network).
"""

from __future__ import annotations

import re
import typing
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from smartcity.errors import InputError
from smartcity.schema.files import check_regular_file

if typing.TYPE_CHECKING:  # pandas is imported where a table is made: `smartcity assign` starts without it
    import pandas as pd

__all__ = ["Network", "network_from_arrays", "read_tntp_network", "read_tntp_trips", "read_tntp_flows"]

#: Columns of a TNTP link line, in order.
LINK_COLUMNS = (
    "init_node", "term_node", "capacity", "length", "free_flow_time",
    "b", "power", "speed", "toll", "link_type",
)

_TAG = re.compile(r"^<([^>]+)>(.*)$")


@dataclass(frozen=True, eq=False)
class Network:
    """A directed road network with BPR volume-delay functions.

    Nodes are numbered 1 … ``n_nodes`` as in the file; zones are nodes 1 … ``n_zones``.
    Links are stored sorted by from-node (stably, so a sorted file keeps its order) and
    ``first_out`` is the forward star: the links leaving node ``i`` (1-based) are
    ``first_out[i - 1]`` to ``first_out[i] - 1``.

    Attributes
    ----------
    n_zones : int
        Number of zones (origins and destinations of trips). [-]
    n_nodes : int
        Number of nodes. [-]
    first_thru_node : int
        Nodes numbered below this one are zone centroids that paths may start or end at
        but not pass through. [-]
    init_node, term_node : (n_links,) int64 ndarray
        From- and to-node of each link, 1-based. [-]
    capacity : (n_links,) float64 ndarray
        Capacity in the BPR function. [vehicles per time unit of the demand]
    length : (n_links,) float64 ndarray
        Length. [the file's distance unit]
    free_flow_time : (n_links,) float64 ndarray
        Free-flow travel time t0. [the file's time unit]
    b, power : (n_links,) float64 ndarray
        BPR parameters: t = t0 (1 + b (x / capacity) ** power). [-]
    speed : (n_links,) float64 ndarray
        Speed limit (informative). [the file's speed unit]
    toll : (n_links,) float64 ndarray
        Toll. [the file's money unit]
    link_type : (n_links,) int64 ndarray
        Link type code. [-]
    first_out : (n_nodes + 1,) int64 ndarray
        Forward-star pointers into the link arrays. [-]
    file_order : (n_links,) int64 ndarray
        Position of each stored link in its file (0-based). [-]
    """

    n_zones: int
    n_nodes: int
    first_thru_node: int
    init_node: np.ndarray
    term_node: np.ndarray
    capacity: np.ndarray
    length: np.ndarray
    free_flow_time: np.ndarray
    b: np.ndarray
    power: np.ndarray
    speed: np.ndarray
    toll: np.ndarray
    link_type: np.ndarray
    first_out: np.ndarray
    file_order: np.ndarray

    @property
    def n_links(self) -> int:
        """Number of links. [-]"""
        return int(self.init_node.shape[0])

    def links(self) -> pd.DataFrame:
        """The links as a table with the TNTP column names."""
        import pandas as pd

        return pd.DataFrame({name: getattr(self, name) for name in LINK_COLUMNS})


def network_from_arrays(
    n_zones: int,
    n_nodes: int,
    init_node,
    term_node,
    capacity,
    free_flow_time,
    *,
    b=0.15,
    power=4.0,
    length=None,
    toll=0.0,
    speed=0.0,
    link_type=1,
    first_thru_node: int = 1,
) -> Network:
    """Build a :class:`Network` from link arrays (scalars are broadcast).

    Parameters
    ----------
    n_zones, n_nodes : int
        Number of zones and of nodes; zones are nodes 1 … ``n_zones``. [-]
    init_node, term_node : array_like of int
        From- and to-node of each link, 1-based. [-]
    capacity : array_like
        BPR capacity, > 0. [vehicles per time unit]
    free_flow_time : array_like
        Free-flow travel time, >= 0. [time unit]
    b, power : array_like
        BPR parameters, >= 0. [-]
    length : array_like, optional
        Link length, >= 0 (default: the free-flow time, as in the TNTP test networks).
    toll : array_like
        Toll, >= 0. [money unit]
    speed : array_like
        Speed limit (informative).
    link_type : array_like of int
        Link type code. [-]
    first_thru_node : int
        Paths may not pass through nodes numbered below this one. [-]

    Raises
    ------
    ValueError
        Naming the first bad value.
    """
    init = np.asarray(init_node, dtype=np.int64).ravel()
    term = np.asarray(term_node, dtype=np.int64).ravel()
    n = init.shape[0]
    if term.shape != (n,):
        raise ValueError(f"term_node: expected shape ({n},) like init_node, got {term.shape}")
    if not 1 <= n_zones <= n_nodes:
        raise ValueError(f"n_zones = {n_zones}: must be between 1 and n_nodes = {n_nodes}")
    if not 1 <= first_thru_node <= n_nodes + 1:
        raise ValueError(f"first_thru_node = {first_thru_node}: must be between 1 and {n_nodes + 1}")

    def floats(name, value, low, strict):
        array = np.array(np.broadcast_to(np.asarray(value, dtype=np.float64), (n,)), dtype=np.float64)
        bad = ~np.isfinite(array) | ((array <= low) if strict else (array < low))
        if np.any(bad):
            i = int(np.argmax(bad))
            raise ValueError(f"{name}[{i}] = {array[i].item()!r}: must be {'>' if strict else '>='} {low:g}")
        return array

    for name, nodes in (("init_node", init), ("term_node", term)):
        bad = (nodes < 1) | (nodes > n_nodes)
        if np.any(bad):
            i = int(np.argmax(bad))
            raise ValueError(f"{name}[{i}] = {int(nodes[i])}: unknown node; nodes are 1 … {n_nodes}")
    fft = floats("free_flow_time", free_flow_time, 0.0, False)
    columns = {
        "capacity": floats("capacity", capacity, 0.0, True),
        "length": fft.copy() if length is None else floats("length", length, 0.0, False),
        "free_flow_time": fft,
        "b": floats("b", b, 0.0, False),
        "power": floats("power", power, 0.0, False),
        "speed": floats("speed", speed, -np.inf, False) if np.ndim(speed) else np.full(n, float(speed)),
        "toll": floats("toll", toll, 0.0, False),
    }
    types = np.array(np.broadcast_to(np.asarray(link_type, dtype=np.int64), (n,)))
    order = np.argsort(init, kind="stable")
    counts = np.bincount(init - 1, minlength=n_nodes)
    first_out = np.zeros(n_nodes + 1, dtype=np.int64)
    np.cumsum(counts, out=first_out[1:])
    return Network(
        n_zones=int(n_zones),
        n_nodes=int(n_nodes),
        first_thru_node=int(first_thru_node),
        init_node=np.ascontiguousarray(init[order]),
        term_node=np.ascontiguousarray(term[order]),
        link_type=np.ascontiguousarray(types[order]),
        first_out=first_out,
        file_order=order.astype(np.int64),
        **{k: np.ascontiguousarray(v[order]) for k, v in columns.items()},
    )


# --------------------------------------------------------------------------------------
# TNTP text
# --------------------------------------------------------------------------------------


def _read_lines(path: Path) -> list[str]:
    check_regular_file(path, what="TNTP file")
    try:
        return path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror or exc})", file=path) from None


def _metadata(path: Path, lines: list[str]) -> tuple[dict[str, tuple[str, int]], int]:
    """Parse the ``<TAG> value`` header; return {TAG: (value, line)} and the first data line index."""
    tags: dict[str, tuple[str, int]] = {}
    for index, raw in enumerate(lines):
        text = raw.strip()
        if not text or text.startswith("~"):
            continue
        match = _TAG.match(text)
        if match is None:
            raise InputError(
                "malformed header: expected '<TAG> value' lines ending with <END OF METADATA>",
                file=path, row=index + 1, line=True, value=text[:60],
            )
        tag = match.group(1).strip().upper()
        if tag == "END OF METADATA":
            return tags, index + 1
        tags[tag] = (match.group(2).strip(), index + 1)
    raise InputError("malformed header: no <END OF METADATA> line", file=path)


def _int_tag(path: Path, tags: dict, tag: str, *, required: bool = True, low: int = 1) -> int | None:
    if tag not in tags:
        if not required:
            return None
        raise InputError(f"malformed header: <{tag}> is missing", file=path)
    text, line = tags[tag]
    try:
        value = int(float(text.split()[0].rstrip(";")))
    except (ValueError, IndexError):
        raise InputError(f"malformed header: <{tag}> must be an integer", file=path, row=line, line=True,
                         value=text) from None
    if value < low:
        raise InputError(f"malformed header: <{tag}> must be >= {low}", file=path, row=line, line=True,
                         value=value)
    return value


def _records(lines: list[str], start: int):
    """Yield (line number, text) of the data records, comments and ``;`` removed."""
    for index in range(start, len(lines)):
        text = lines[index].split("~", 1)[0].replace(";", " ").strip()
        if text:
            yield index + 1, text


def read_tntp_network(path: str | Path) -> Network:
    """Read a TNTP network file (``*_net.tntp``).

    Parameters
    ----------
    path : str or Path
        The file.

    Returns
    -------
    Network
        Links sorted by from-node; ``file_order`` maps them back to the file.

    Raises
    ------
    InputError
        Naming the file and line: malformed header, a link count that differs from
        <NUMBER OF LINKS>, a link to a node outside 1 … <NUMBER OF NODES>, a capacity
        that is not positive, a negative time, length, toll or BPR parameter.
    """
    path = Path(path)
    lines = _read_lines(path)
    tags, start = _metadata(path, lines)
    n_zones = _int_tag(path, tags, "NUMBER OF ZONES")
    n_nodes = _int_tag(path, tags, "NUMBER OF NODES")
    first_thru = _int_tag(path, tags, "FIRST THRU NODE")
    n_links = _int_tag(path, tags, "NUMBER OF LINKS")
    if n_zones > n_nodes:
        raise InputError(f"malformed header: <NUMBER OF ZONES> exceeds <NUMBER OF NODES> = {n_nodes}",
                         file=path, row=tags["NUMBER OF ZONES"][1], line=True, value=n_zones)
    rows, line_of = [], []
    for line, text in _records(lines, start):
        fields = text.split()
        if len(fields) < len(LINK_COLUMNS):
            raise InputError(f"a link line needs {len(LINK_COLUMNS)} columns ({' '.join(LINK_COLUMNS)})",
                             file=path, row=line, line=True, value=text[:80])
        try:
            rows.append([float(v) for v in fields[: len(LINK_COLUMNS)]])
        except ValueError:
            raise InputError("a link line must hold numbers", file=path, row=line, line=True,
                             value=text[:80]) from None
        line_of.append(line)
    if len(rows) != n_links:
        raise InputError(
            f"<NUMBER OF LINKS> says {n_links} but the file holds {len(rows)} link lines",
            file=path, row=tags["NUMBER OF LINKS"][1], line=True,
        )
    data = np.array(rows, dtype=np.float64).reshape(len(rows), len(LINK_COLUMNS))
    col = {name: data[:, i] for i, name in enumerate(LINK_COLUMNS)}
    for name in ("init_node", "term_node"):
        nodes = col[name]
        bad = (nodes != np.round(nodes)) | (nodes < 1) | (nodes > n_nodes)
        if np.any(bad):
            i = int(np.argmax(bad))
            raise InputError(f"link to an unknown node (column {name})", file=path, row=line_of[i], line=True,
                             value=nodes[i].item(), allowed=f"a node number 1 … {n_nodes}")
    checks = (("capacity", True, "> 0"), ("free_flow_time", False, ">= 0"), ("length", False, ">= 0"),
              ("b", False, ">= 0"), ("power", False, ">= 0"), ("toll", False, ">= 0"))
    for name, strict, allowed in checks:
        values = col[name]
        bad = ~np.isfinite(values) | ((values <= 0) if strict else (values < 0))
        if np.any(bad):
            i = int(np.argmax(bad))
            what = "capacity must be positive" if name == "capacity" else f"{name} must not be negative"
            raise InputError(what, file=path, row=line_of[i], line=True, column=name, value=values[i].item(),
                             allowed=allowed)
    return network_from_arrays(
        n_zones, n_nodes, col["init_node"].astype(np.int64), col["term_node"].astype(np.int64),
        col["capacity"], col["free_flow_time"], b=col["b"], power=col["power"], length=col["length"],
        toll=col["toll"], speed=col["speed"], link_type=col["link_type"].astype(np.int64),
        first_thru_node=first_thru,
    )


def read_tntp_trips(path: str | Path, n_zones: int) -> np.ndarray:
    """Read a TNTP trip table (``*_trips.tntp``).

    Parameters
    ----------
    path : str or Path
        The file.
    n_zones : int
        Number of zones of the network; the file's <NUMBER OF ZONES> must agree. [-]

    Returns
    -------
    (n_zones, n_zones) float64 ndarray
        Trips from origin ``i + 1`` to destination ``j + 1`` at ``[i, j]``.
        [vehicles per time unit]

    Raises
    ------
    InputError
        Naming the file and line: malformed header, a zone count that differs from
        ``n_zones``, a zone outside 1 … ``n_zones``, a negative or non-numeric demand,
        pairs before the first ``Origin`` line, a second entry for the same pair of zones,
        a total that differs from <TOTAL OD FLOW>.
    """
    path = Path(path)
    lines = _read_lines(path)
    tags, start = _metadata(path, lines)
    declared = _int_tag(path, tags, "NUMBER OF ZONES")
    if declared != n_zones:
        raise InputError(f"<NUMBER OF ZONES> differs from the network's {n_zones} zones", file=path,
                         row=tags["NUMBER OF ZONES"][1], line=True, value=declared)
    demand = np.zeros((n_zones, n_zones), dtype=np.float64)
    seen = np.zeros((n_zones, n_zones), dtype=bool)
    origin = None
    for index in range(start, len(lines)):
        line = index + 1
        text = lines[index].split("~", 1)[0].strip()
        if not text:
            continue
        if text.lower().startswith("origin"):
            parts = text.split()
            try:
                origin = int(parts[1])
            except (IndexError, ValueError):
                raise InputError("an 'Origin' line needs a zone number", file=path, row=line, line=True,
                                 value=text) from None
            if not 1 <= origin <= n_zones:
                raise InputError("unknown origin zone", file=path, row=line, line=True, value=origin,
                                 allowed=f"1 … {n_zones}")
            continue
        if origin is None:
            raise InputError("destination pairs before the first 'Origin' line", file=path, row=line, line=True,
                             value=text[:60])
        for pair in text.split(";"):
            pair = pair.strip()
            if not pair:
                continue
            parts = pair.split(":")
            try:
                if len(parts) != 2:
                    raise ValueError
                dest, value = int(parts[0]), float(parts[1])
            except ValueError:
                raise InputError("expected 'destination : trips;' pairs", file=path, row=line, line=True,
                                 value=pair) from None
            if not 1 <= dest <= n_zones:
                raise InputError(f"unknown destination zone (origin {origin})", file=path, row=line, line=True,
                                 value=dest, allowed=f"1 … {n_zones}")
            if not np.isfinite(value) or value < 0:
                raise InputError(f"negative demand from zone {origin} to zone {dest}", file=path, row=line,
                                 line=True, value=value, allowed=">= 0")
            if seen[origin - 1, dest - 1]:
                raise InputError(f"a second entry for the trips from zone {origin} to zone {dest}", file=path,
                                 row=line, line=True, value=pair, allowed="one 'destination : trips' per origin")
            seen[origin - 1, dest - 1] = True
            demand[origin - 1, dest - 1] = value
    if "TOTAL OD FLOW" in tags:
        text, line = tags["TOTAL OD FLOW"]
        try:
            total = float(text.split()[0])
        except (ValueError, IndexError):
            raise InputError("malformed header: <TOTAL OD FLOW> must be a number", file=path, row=line,
                             line=True, value=text) from None
        if not np.isclose(demand.sum(), total, rtol=1e-6, atol=1e-6):
            raise InputError(f"<TOTAL OD FLOW> differs from the sum of the trips, {demand.sum():.6g}",
                             file=path, row=line, line=True, value=total)
    return demand


def read_tntp_flows(path: str | Path) -> pd.DataFrame:
    """Read a TNTP link-flow file (``*_flow.tntp``: From, To, Volume, Cost).

    Returns
    -------
    DataFrame
        Columns ``from``, ``to`` (int64 node numbers), ``volume`` [vehicles per time
        unit] and ``cost`` [the network's time unit], in the file's order.

    Raises
    ------
    InputError
        Naming the file and line of a row that is not four numbers.
    """
    path = Path(path)
    lines = _read_lines(path)
    rows = []
    for line, text in _records(lines, 0):
        fields = text.split()
        if fields[0].lower() == "from":
            continue
        try:
            if len(fields) != 4:
                raise ValueError
            rows.append((int(fields[0]), int(fields[1]), float(fields[2]), float(fields[3])))
        except ValueError:
            raise InputError("a flow line must be four numbers: from to volume cost", file=path, row=line,
                             line=True, value=text[:80]) from None
    import pandas as pd

    frame = pd.DataFrame(rows, columns=["from", "to", "volume", "cost"])
    return frame.astype({"from": np.int64, "to": np.int64, "volume": np.float64, "cost": np.float64})
