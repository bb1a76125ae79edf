"""TNTP reader and the Network's forward star."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from smartcity.errors import InputError
from smartcity.transport.network import (
    network_from_arrays,
    read_tntp_flows,
    read_tntp_network,
    read_tntp_trips,
)

SIOUX_FALLS = Path(__file__).resolve().parents[1] / "data" / "tntp" / "SiouxFalls"

HEADER = """<NUMBER OF ZONES> {zones}
<NUMBER OF NODES> {nodes}
<FIRST THRU NODE> {first}
<NUMBER OF LINKS> {links}
<END OF METADATA>

~ init_node term_node capacity length free_flow_time b power speed toll link_type ;
"""

LINKS = [
    "3 1 100 1 1 0.15 4 0 0 1 ;",
    "1 2 100 1 1 0.15 4 0 0 1 ;",
    "2 3 200 2 2 0.15 4 0 0 1 ;",
    "1 3 300 3 3 0.15 4 0 0 1 ;",
]


def write_net(tmp_path, links=LINKS, zones=2, nodes=3, first=1, n_links=None, header=None) -> Path:
    text = (header if header is not None else HEADER.format(
        zones=zones, nodes=nodes, first=first, links=len(links) if n_links is None else n_links))
    path = tmp_path / "net.tntp"
    path.write_text(text + "\n".join(links) + "\n", encoding="utf-8")
    return path


def write_trips(tmp_path, body: str, zones: int = 2, total: float | None = None) -> Path:
    head = f"<NUMBER OF ZONES> {zones}\n"
    if total is not None:
        head += f"<TOTAL OD FLOW> {total}\n"
    path = tmp_path / "trips.tntp"
    path.write_text(head + "<END OF METADATA>\n\n" + body, encoding="utf-8")
    return path


def test_small_network_is_sorted_into_a_forward_star(tmp_path):
    net = read_tntp_network(write_net(tmp_path))
    assert (net.n_zones, net.n_nodes, net.first_thru_node, net.n_links) == (2, 3, 1, 4)
    np.testing.assert_array_equal(net.init_node, [1, 1, 2, 3])
    np.testing.assert_array_equal(net.term_node, [2, 3, 3, 1])
    np.testing.assert_array_equal(net.first_out, [0, 2, 3, 4])
    np.testing.assert_array_equal(net.file_order, [1, 3, 2, 0])  # stable: file order within a node
    np.testing.assert_array_equal(net.capacity, [100, 300, 200, 100])
    for name in ("capacity", "length", "free_flow_time", "b", "power", "speed", "toll"):
        assert getattr(net, name).dtype == np.float64
    for name in ("init_node", "term_node", "link_type", "first_out", "file_order"):
        assert getattr(net, name).dtype == np.int64
    for u in range(net.n_nodes):
        assert np.all(net.init_node[net.first_out[u]:net.first_out[u + 1]] == u + 1)


def test_trips_are_read_into_a_matrix(tmp_path):
    body = "Origin 1\n 1 : 0.0; 2 : 10.5;\n\nOrigin 2\n   1 :  3; 2 : 0;\n"
    demand = read_tntp_trips(write_trips(tmp_path, body, total=13.5), 2)
    np.testing.assert_array_equal(demand, [[0.0, 10.5], [3.0, 0.0]])


def test_a_second_entry_for_a_pair_is_refused(tmp_path):
    # the same pair twice, even on separate 'Origin' blocks, would silently keep only the last value
    for body in ("Origin 1\n 2 : 10.5; 2 : 3;\n", "Origin 1\n 2 : 10.5;\nOrigin 1\n 2 : 3;\n"):
        with pytest.raises(InputError, match=r"line \d+: a second entry for the trips from zone 1 to zone 2"):
            read_tntp_trips(write_trips(tmp_path, body), 2)


def test_sioux_falls_files():
    net = read_tntp_network(SIOUX_FALLS / "SiouxFalls_net.tntp")
    assert (net.n_zones, net.n_nodes, net.n_links, net.first_thru_node) == (24, 24, 76, 1)
    np.testing.assert_array_equal(net.file_order, np.arange(76))  # the file is sorted by tail node
    assert np.all(net.b == 0.15) and np.all(net.power == 4.0)
    demand = read_tntp_trips(SIOUX_FALLS / "SiouxFalls_trips.tntp", net.n_zones)
    assert demand.shape == (24, 24)
    assert demand.sum() == pytest.approx(360_600.0)
    flows = read_tntp_flows(SIOUX_FALLS / "SiouxFalls_flow.tntp")
    assert list(flows.columns) == ["from", "to", "volume", "cost"]
    assert len(flows) == 76
    np.testing.assert_array_equal(flows["from"].to_numpy(), net.init_node)
    np.testing.assert_array_equal(flows["to"].to_numpy(), net.term_node)


# --------------------------------------------------------------------------------------
# Bad inputs: one test each; the message names the file and the line
# --------------------------------------------------------------------------------------


def test_link_to_unknown_node(tmp_path):
    links = LINKS[:2] + ["2 7 200 2 2 0.15 4 0 0 1 ;"] + LINKS[3:]
    path = write_net(tmp_path, links)
    with pytest.raises(InputError, match=r"net\.tntp, line 10: link to an unknown node.*got 7\.0"):
        read_tntp_network(path)


def test_zero_capacity(tmp_path):
    links = LINKS[:3] + ["1 3 0 3 3 0.15 4 0 0 1 ;"]
    with pytest.raises(InputError, match=r"net\.tntp, line 11, column 'capacity': capacity must be positive"):
        read_tntp_network(write_net(tmp_path, links))


def test_negative_capacity(tmp_path):
    links = ["3 1 -5 1 1 0.15 4 0 0 1 ;"] + LINKS[1:]
    with pytest.raises(InputError, match=r"line 8, column 'capacity'.*got -5\.0"):
        read_tntp_network(write_net(tmp_path, links))


def test_negative_demand(tmp_path):
    path = write_trips(tmp_path, "Origin 1\n 1 : 0.0; 2 : 10.5;\nOrigin 2\n 1 : -3.0; 2 : 0;\n")
    with pytest.raises(InputError, match=r"trips\.tntp, line 7: negative demand from zone 2 to zone 1; got -3\.0"):
        read_tntp_trips(path, 2)


def test_malformed_header_without_end(tmp_path):
    path = tmp_path / "net.tntp"
    path.write_text("<NUMBER OF ZONES> 2\n<NUMBER OF NODES> 3\n" + "\n".join(LINKS), encoding="utf-8")
    with pytest.raises(InputError, match=r"net\.tntp, line 3: malformed header"):
        read_tntp_network(path)


def test_malformed_header_missing_tag(tmp_path):
    header = "<NUMBER OF ZONES> 2\n<NUMBER OF NODES> 3\n<NUMBER OF LINKS> 4\n<END OF METADATA>\n"
    with pytest.raises(InputError, match=r"net\.tntp: malformed header: <FIRST THRU NODE> is missing"):
        read_tntp_network(write_net(tmp_path, header=header))


def test_malformed_header_value(tmp_path):
    header = HEADER.format(zones="two", nodes=3, first=1, links=4)
    with pytest.raises(InputError, match=r"line 1: malformed header: <NUMBER OF ZONES> must be an integer"):
        read_tntp_network(write_net(tmp_path, header=header))


def test_link_count_mismatch(tmp_path):
    path = write_net(tmp_path, n_links=5)
    with pytest.raises(InputError, match=r"net\.tntp, line 4: <NUMBER OF LINKS> says 5 but the file holds 4"):
        read_tntp_network(path)


def test_trip_zone_count_mismatch(tmp_path):
    path = write_trips(tmp_path, "Origin 1\n 2 : 1.0;\n", zones=3)
    with pytest.raises(InputError, match=r"trips\.tntp, line 1: <NUMBER OF ZONES> differs"):
        read_tntp_trips(path, 2)


def test_trip_total_mismatch(tmp_path):
    path = write_trips(tmp_path, "Origin 1\n 2 : 1.0;\n", total=5.0)
    with pytest.raises(InputError, match=r"line 2: <TOTAL OD FLOW> differs"):
        read_tntp_trips(path, 2)


def test_unknown_destination(tmp_path):
    path = write_trips(tmp_path, "Origin 1\n 3 : 1.0;\n")
    with pytest.raises(InputError, match=r"line 5: unknown destination zone"):
        read_tntp_trips(path, 2)


def test_short_link_line(tmp_path):
    links = LINKS[:3] + ["1 3 300 ;"]
    with pytest.raises(InputError, match=r"line 11: a link line needs 10 columns"):
        read_tntp_network(write_net(tmp_path, links))


def test_bad_flow_line(tmp_path):
    path = tmp_path / "flow.tntp"
    path.write_text("From To Volume Cost\n1 2 3.0 4.0\n1 x 3 4\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"flow\.tntp, line 3: a flow line must be four numbers"):
        read_tntp_flows(path)


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="absent.tntp: TNTP file not found"):
        read_tntp_network(tmp_path / "absent.tntp")


def test_network_from_arrays_names_bad_value():
    with pytest.raises(ValueError, match=r"capacity\[1\] = 0\.0: must be > 0"):
        network_from_arrays(1, 2, [1, 2], [2, 1], [1.0, 0.0], [1.0, 1.0])
    with pytest.raises(ValueError, match=r"term_node\[0\] = 3: unknown node"):
        network_from_arrays(1, 2, [1], [3], [1.0], [1.0])
