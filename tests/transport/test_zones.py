"""Zone systems (smartcity.transport.zones) and the default Aalborg East zone system.

Checks the cross-table validation (one InputError naming file, line and column per bad
input), the interpolation of zone figures between tabulated years, the numbering and link
attributes of the road network, network distances against hand-computed values, and that
the shipped tables in scenarios/aalborg-east/transport/ load, are connected, are what their
generator writes, are traceable to sources.csv and agree with buildings.csv.
"""

from __future__ import annotations

import csv
import importlib.util
import itertools
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from smartcity.errors import InputError
from smartcity.transport.zones import (
    MODES,
    distance_skim,
    link_modes,
    network_nodes,
    read_zone_system,
    road_network,
    zone_data,
)

REPO = Path(__file__).resolve().parents[2]
SCENARIO = REPO / "scenarios" / "aalborg-east"
TRANSPORT = SCENARIO / "transport"
GENERATOR = TRANSPORT / "make_transport.py"
TABLES = ("zones", "nodes", "links", "lines", "line_stops")


def shipped():
    return read_zone_system(*(TRANSPORT / f"{t}.csv" for t in TABLES))


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def write_csv(path: Path, rows: list[dict]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return path


# --------------------------------------------------------------------------------------
# A small system: zones x (internal, node 7), y (node 5), z (node 9) on a chain of
# junctions 20 - 21 - 22, with one bus line over the chain. The nodes table lists the
# nodes out of zone order so that the renumbering shows.
# --------------------------------------------------------------------------------------


def zone_row(zone, year, node, kind="external", pop=50.0, jobs=5.0, students=0.0, cars=400.0, parking=0.0,
             name=None):
    return {"zone": zone, "year": year, "name": name or zone.upper(), "kind": kind, "node": node,
            "population": pop, "jobs": jobs, "students": students, "cars_per_1000": cars,
            "parking_cost_dkk": parking}


def link(a, b, length, speed=50.0, lanes=1, capacity=1000.0, modes="car+bus+bike+walk", alpha=0.15, beta=4.0,
         toll=0.0, bus_lane=False):
    return {"from_node": a, "to_node": b, "name": f"{a}-{b}", "length_km": length, "free_speed_kmh": speed,
            "lanes": lanes, "capacity_veh_h": capacity, "alpha": alpha, "beta": beta, "modes": modes,
            "bus_lane": str(bus_lane).lower(), "toll_dkk": toll}


def two_way(a, b, length, **kw):
    return [link(a, b, length, **kw), link(b, a, length, **kw)]


def small_tables() -> dict[str, list[dict]]:
    connector = {"speed": 30.0, "capacity": 5000.0, "modes": "car+bike+walk"}
    return {
        "zones": [
            zone_row("x", 2020, 7, kind="internal", pop=100.0, jobs=10.0, students=0.0, cars=400.0, parking=0.0),
            zone_row("x", 2030, 7, kind="internal", pop=200.0, jobs=30.0, students=10.0, cars=500.0, parking=10.0),
            zone_row("y", 2020, 5, pop=50.0),
            zone_row("z", 2010, 9, pop=10.0),
            zone_row("z", 2020, 9, pop=30.0),
        ],
        "nodes": [{"node": n, "x_m": 556000.0 + 100 * n, "y_m": 6319000.0, "name": f"n{n}"}
                  for n in (20, 9, 7, 21, 5, 22)],
        "links": [
            *two_way(7, 20, 0.2, **connector),
            *two_way(5, 21, 0.3, **connector),
            *two_way(9, 22, 0.4, **connector),
            link(20, 21, 1.0, speed=50.0, lanes=2, capacity=1800.0, toll=5.0),
            link(21, 20, 1.0, speed=50.0, lanes=2, capacity=1800.0),
            *two_way(21, 22, 2.0, speed=80.0, capacity=1000.0, alpha=0.5, beta=2.0),
        ],
        "lines": [{"line": "L1", "name": "chain", "mode": "bus", "status": "existing", "vehicle": "bus_12m",
                   "powertrain": "diesel", "headway_peak_min": 10, "headway_offpeak_min": 20,
                   "peak_hours_per_day": 6, "offpeak_hours_per_day": 12, "speed_kmh": 20,
                   "dedicated_lane_share": 0, "capacity_per_vehicle": 80}],
        "line_stops": [{"line": "L1", "sequence": s, "node": n, "stop": "true"}
                       for s, n in ((1, 20), (2, 21), (3, 22))],
    }


def write_system(folder: Path, tables: dict[str, list[dict]]) -> dict[str, Path]:
    return {name: write_csv(folder / f"{name}.csv", rows) for name, rows in tables.items()}


def load(paths: dict[str, Path]):
    return read_zone_system(*(paths[t] for t in TABLES))


@pytest.fixture
def small(tmp_path):
    return load(write_system(tmp_path, small_tables()))


# --------------------------------------------------------------------------------------
# zone_data
# --------------------------------------------------------------------------------------


def test_zone_ids_in_table_order_and_centroids(small):
    assert small.zone_ids == ("x", "y", "z")
    np.testing.assert_array_equal(small.centroids, [7, 5, 9])


def test_zone_data_is_exact_at_tabulated_years(small):
    d = zone_data(small, 2030)
    assert d.loc["x", ["population", "jobs", "students", "cars_per_1000", "parking_cost_dkk"]].tolist() == \
        [200.0, 30.0, 10.0, 500.0, 10.0]
    assert zone_data(small, 2010).loc["z", "population"] == 10.0
    assert zone_data(small, 2020).loc["z", "population"] == 30.0


def test_zone_data_is_linear_between_tabulated_years(small):
    d = zone_data(small, 2024)
    assert d.loc["x", "population"] == pytest.approx(140.0)
    assert d.loc["x", "cars_per_1000"] == pytest.approx(440.0)
    assert d.loc["x", "parking_cost_dkk"] == pytest.approx(4.0)
    assert zone_data(small, 2012.5).loc["z", "population"] == pytest.approx(15.0)


def test_zone_data_is_constant_outside_tabulated_years(small):
    assert zone_data(small, 1990).loc["x", "population"] == 100.0
    assert zone_data(small, 2050).loc["x", "population"] == 200.0
    assert zone_data(small, 2050).loc["z", "population"] == 30.0
    assert zone_data(small, 1990).loc["y", "population"] == zone_data(small, 2090).loc["y", "population"] == 50.0


def test_zone_data_frame_layout(small):
    d = zone_data(small, 2025)
    assert list(d.index) == ["x", "y", "z"] and d.index.name == "zone"
    assert list(d.columns) == ["name", "kind", "population", "jobs", "students", "cars_per_1000",
                               "parking_cost_dkk"]
    assert d["kind"].tolist() == ["internal", "external", "external"]
    assert d.attrs["units"]["population"] == "persons"
    with pytest.raises(ValueError, match="year"):
        zone_data(small, float("nan"))


# --------------------------------------------------------------------------------------
# road_network
# --------------------------------------------------------------------------------------


def test_road_network_numbers_centroids_first_then_nodes_in_table_order(small):
    np.testing.assert_array_equal(network_nodes(small), [7, 5, 9, 20, 21, 22])
    net, rows = road_network(small, "car")
    assert (net.n_zones, net.n_nodes, net.first_thru_node, net.n_links) == (3, 6, 4, 10)
    number = {7: 1, 5: 2, 9: 3, 20: 4, 21: 5, 22: 6}
    links = small.links
    for k, r in enumerate(rows):
        assert net.init_node[k] == number[links["from_node"].iat[r]]
        assert net.term_node[k] == number[links["to_node"].iat[r]]
        assert net.length[k] == links["length_km"].iat[r]
        assert net.free_flow_time[k] == pytest.approx(links["length_km"].iat[r] / links["free_speed_kmh"].iat[r])
        assert net.capacity[k] == links["capacity_veh_h"].iat[r]
        assert net.b[k] == links["alpha"].iat[r] and net.power[k] == links["beta"].iat[r]
        assert net.toll[k] == links["toll_dkk"].iat[r]
    # the 20 -> 21 link: 1 km at 50 km/h = 0.02 h, toll 5 DKK
    k = int(np.flatnonzero((net.init_node == 4) & (net.term_node == 5))[0])
    assert (net.free_flow_time[k], net.toll[k], net.capacity[k]) == (pytest.approx(0.02), 5.0, 1800.0)
    assert sorted(rows.tolist()) == list(range(10))


def test_road_network_selects_the_mode_and_applies_the_capacity_factor(small):
    bus, rows = road_network(small, "bus")
    assert bus.n_links == 4 and set(rows.tolist()) == {6, 7, 8, 9}
    factor = np.ones(len(small.links))
    factor[6] = 0.5  # 20 -> 21 loses half its capacity (a bus lane takes a traffic lane)
    net, rows = road_network(small, "car", capacity_factor=factor)
    assert net.capacity[rows.tolist().index(6)] == 900.0
    with pytest.raises(ValueError, match="capacity_factor"):
        road_network(small, "car", capacity_factor=np.ones(3))
    with pytest.raises(ValueError, match="capacity_factor"):
        road_network(small, "car", capacity_factor=np.zeros(len(small.links)))
    with pytest.raises(ValueError, match="mode"):
        road_network(small, "tram")


# --------------------------------------------------------------------------------------
# distance_skim
# --------------------------------------------------------------------------------------


def grid_tables() -> dict[str, list[dict]]:
    """A 3 x 3 grid of junctions 11-19 (1 km links) with zones A (at 11), B (at 13), C (at 19)
    and D (next to both 11 and 13). Cars may not drive 12 -> 11; walkers may (walk links are
    undirected). 15 -> 18 exists for cars only in that direction."""
    nodes = [{"node": n, "x_m": 550000.0 + 1000 * ((n - 11) % 3), "y_m": 6300000.0 - 1000 * ((n - 11) // 3),
              "name": ""} for n in range(11, 20)]
    nodes += [{"node": n, "x_m": 549000.0, "y_m": 6301000.0 + n, "name": ""} for n in (1, 2, 3, 4)]
    links = []
    for a, b in ((11, 12), (12, 13), (14, 15), (15, 16), (17, 18), (18, 19),
                 (11, 14), (14, 17), (12, 15), (13, 16), (16, 19)):
        if (a, b) == (11, 12):
            links += [link(11, 12, 1.0, modes="car+walk"), link(12, 11, 1.0, modes="walk")]
        else:
            links += two_way(a, b, 1.0, modes="car+walk")
    links.append(link(15, 18, 1.0, modes="car"))
    for zone_node, junction, length in ((1, 11, 0.1), (2, 13, 0.1), (3, 19, 0.2), (4, 11, 0.05), (4, 13, 0.05)):
        links += two_way(zone_node, junction, length, modes="car+walk")
    zones = [zone_row(z, 2020, n, kind="internal" if z == "A" else "external") for z, n in
             (("A", 1), ("B", 2), ("C", 3), ("D", 4))]
    return {"zones": zones, "nodes": nodes, "links": links}


@pytest.fixture
def grid(tmp_path):
    paths = write_system(tmp_path, grid_tables())
    return read_zone_system(paths["zones"], paths["nodes"], paths["links"])


def test_walk_distances_on_a_grid_match_hand_computation(grid):
    d = distance_skim(grid, "walk")
    # off-diagonal: connectors + grid km; D is a centroid and is never passed through
    off = np.array([
        [0.0, 2.2, 4.3, 0.15],
        [2.2, 0.0, 2.3, 0.15],
        [4.3, 2.3, 0.0, 2.25],
        [0.15, 0.15, 2.25, 0.0],
    ])
    diagonal = 0.5 * np.array([0.15, 0.15, 2.25, 0.15])
    np.testing.assert_allclose(d, off + np.diag(diagonal), rtol=0, atol=1e-12)
    np.testing.assert_array_equal(d, d.T)


def test_car_distances_follow_link_directions(grid):
    d = distance_skim(grid, "car")
    assert d[0, 1] == pytest.approx(2.2)  # A -> 11 -> 12 -> 13 -> B
    assert d[1, 0] == pytest.approx(4.2)  # B -> 13 -> 12 -> 15 -> 14 -> 11 -> A: no car link 12 -> 11
    assert d[0, 2] == pytest.approx(4.3)
    assert d[0, 0] == pytest.approx(0.5 * 0.15)


def test_bike_skim_of_a_system_without_bike_links_is_infinite_off_the_diagonal(grid):
    d = distance_skim(grid, "bike")
    assert np.isinf(d).all()


# --------------------------------------------------------------------------------------
# Bad inputs: one InputError naming the file, the line and the column
# --------------------------------------------------------------------------------------


def _set(table, index, **values):
    def apply(t):
        t[table][index].update(values)
    return apply


def _append(table, row):
    def apply(t):
        t[table].append(row)
    return apply


def _delete(table, predicate):
    def apply(t):
        t[table][:] = [r for r in t[table] if not predicate(r)]
    return apply


def _only_lines(t):
    del t["line_stops"]


def _isolate_z(t):
    """z's connectors lead to a junction 23 that joins nothing else (cars and walkers stuck)."""
    t["nodes"].append({"node": 23, "x_m": 557000.0, "y_m": 6319000.0, "name": "island"})
    for r in t["links"]:
        if r["from_node"] == 22 and r["to_node"] == 9:
            r["from_node"] = 23
        if r["from_node"] == 9 and r["to_node"] == 22:
            r["to_node"] = 23


def _walk_island_z(t):
    """z reaches the others by car, but its only walk link leads to an island."""
    t["nodes"].append({"node": 23, "x_m": 557000.0, "y_m": 6319000.0, "name": "island"})
    for r in t["links"]:
        if 9 in (r["from_node"], r["to_node"]):
            r["modes"] = "car"
    t["links"].append(link(9, 23, 0.1, modes="walk"))


# (id, mutation, file, line of the bad row (None: no row), column, words of the message)
BAD = [
    ("name differs", _set("zones", 1, name="Other"), "zones", 3, "name", "different name"),
    ("kind differs", _set("zones", 1, kind="external"), "zones", 3, "kind", "different kind"),
    ("node differs", _set("zones", 1, node=20), "zones", 3, "node", "different node"),
    ("duplicate year", _set("zones", 4, year=2010), "zones", 6, "year", "two rows for the same year"),
    ("zone node unknown", _set("zones", 2, node=99), "zones", 4, "node", "not in the nodes table"),
    ("two zones on a node", _set("zones", 2, node=7), "zones", 4, "node", "centroid of zone 'x'"),
    ("negative population", _set("zones", 0, population=-1), "zones", 2, "population", "out of range"),
    ("no internal zone", lambda t: [t["zones"][i].update(kind="external") for i in (0, 1)], "zones", None,
     "kind",
     "no internal zone"),
    ("link from unknown node", _set("links", 6, from_node=99), "links", 8, "from_node", "not in the nodes table"),
    ("link to unknown node", _set("links", 6, to_node=98), "links", 8, "to_node", "not in the nodes table"),
    ("duplicate link", _append("links", link(20, 21, 3.0)), "links", 12, "to_node", "duplicate directed link 20 -> 21"),
    ("link to itself", _set("links", 6, to_node=20), "links", 8, "to_node", "to itself"),
    ("unknown mode", _set("links", 6, modes="car+tram"), "links", 8, "modes", "unknown or repeated mode"),
    ("empty mode", _set("links", 6, modes="car+"), "links", 8, "modes", "unknown or repeated mode"),
    ("repeated mode", _set("links", 6, modes="car+car"), "links", 8, "modes", "unknown or repeated mode"),
    ("stops of unknown line", _set("line_stops", 1, line="L9"), "line_stops", 3, "line", "not in the lines table"),
    ("line with one stop", _delete("line_stops", lambda r: r["sequence"] > 1), "lines", 2, "line",
     "has 1 stops"),
    ("line without stops table", _only_lines, "lines", 2, "line", "has 0 stops"),
    ("no bus link", _set("line_stops", 2, node=5), "line_stops", 4, "node",
     "no link allowing bus from node 21 to node 5"),
    ("no reverse bus link", lambda t: t["links"][7].update(modes="car+bike+walk"), "line_stops", 3, "node",
     "no link allowing bus back from node 21 to node 20"),
    ("stop node unknown", _set("line_stops", 0, node=99), "line_stops", 2, "node", "not in the nodes table"),
    ("sequence not increasing", _set("line_stops", 2, sequence=2), "line_stops", 4, "sequence", "does not increase"),
    ("more than 24 h", _set("lines", 0, offpeak_hours_per_day=19), "lines", 2, "offpeak_hours_per_day",
     "more than 24 h"),
    ("centroid without car link out", _set("links", 0, modes="bike+walk"), "zones", 2, "node",
     "no link allowing car leaving it"),
    ("centroid without car link in", _set("links", 3, modes="bike+walk"), "zones", 4, "node",
     "no link allowing car entering it"),
    ("centroid without walk link", lambda t: [t["links"][i].update(modes="car") for i in (4, 5)], "zones", 5,
     "node", "no link allowing walk at it"),
    ("pair not connected by car", _isolate_z, "zones", 5, "node", "zone 'z' cannot be reached from zone 'x' by car"),
    ("pair not connected on foot", _walk_island_z, "zones", 5, "node",
     "zone 'z' cannot be reached from zone 'x' by walk"),
]


@pytest.mark.parametrize(("mutate", "file", "line", "column", "words"), [b[1:] for b in BAD],
                         ids=[b[0] for b in BAD])
def test_bad_input_names_file_line_and_column(tmp_path, mutate, file, line, column, words):
    tables = small_tables()
    mutate(tables)
    paths = write_system(tmp_path, tables)
    with pytest.raises(InputError) as info:
        read_zone_system(paths["zones"], paths["nodes"], paths["links"], paths["lines"], paths.get("line_stops"))
    err, text = info.value, str(info.value)
    assert err.file == str(paths[file]) and str(paths[file]) in text
    assert err.column == column and f"column '{column}'" in text
    if line is not None:
        assert err.row == line and f"line {line}" in text
    assert words in text


def test_missing_table_names_the_scenario_key(tmp_path):
    paths = write_system(tmp_path, small_tables())
    with pytest.raises(InputError, match=r"scenario\.toml, key 'transport\.zones'"):
        read_zone_system(tmp_path / "nope.csv", paths["nodes"], paths["links"], scenario_file="scenario.toml")


def test_link_modes():
    assert link_modes("car+bus+bike+walk") == frozenset(MODES)
    assert link_modes(" bike + walk ") == frozenset({"bike", "walk"})
    for bad in ("", "car+", "tram", "car+car"):
        with pytest.raises(ValueError):
            link_modes(bad)


# --------------------------------------------------------------------------------------
# The shipped Aalborg East zone system
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def aalborg():
    return shipped()


def test_shipped_system_loads_with_plausible_size(aalborg):
    internal = zone_data(aalborg, 2020).query("kind == 'internal'").index
    assert 10 <= len(internal) <= 15 and aalborg.n_zones - len(internal) >= 6
    assert 40 <= len(aalborg.nodes) <= 80
    assert 100 <= len(aalborg.links) <= 250
    assert {"plusbus", "2"} <= set(aalborg.lines["line"])


def test_shipped_system_is_connected_for_car_and_walk(aalborg):
    for mode in ("car", "walk"):
        d = distance_skim(aalborg, mode)
        assert np.isfinite(d).all()
        assert (d[~np.eye(aalborg.n_zones, dtype=bool)] > 0).all()
        assert d.max() < 40.0, "zone system spans more than the municipality"
    walk = distance_skim(aalborg, "walk")
    np.testing.assert_array_equal(walk, walk.T)


def test_internal_zones_are_the_zones_of_the_buildings_table(aalborg):
    building_zones = {r["zone"] for r in read_csv(SCENARIO / "buildings.csv")}
    internal = set(zone_data(aalborg, 2020).query("kind == 'internal'").index)
    assert building_zones <= internal


def test_internal_population_is_the_dwellings_of_the_buildings_table(aalborg):
    """Residents = dwellings (count x dwellings_per_building, from the construction year on)
    x 30,000 / 14,000 persons per household; 1 per student dwelling."""
    dwellings = {r["building_id"]: int(r["value"]) for r in read_csv(SCENARIO / "buildings_sources.csv")
                 if r["field"] == "dwellings_per_building"}
    for year in (2014, 2025):
        expected: dict[str, float] = {}
        for r in read_csv(SCENARIO / "buildings.csv"):
            if r["building_id"] in dwellings and int(r["construction_year"]) <= year:
                per = 1.0 if r["building_id"].startswith("student_housing") else 30000 / 14000
                expected[r["zone"]] = expected.get(r["zone"], 0.0) + int(r["count"]) * dwellings[r["building_id"]] * per
        data = zone_data(aalborg, year)
        for zone, persons in expected.items():
            assert data.loc[zone, "population"] == pytest.approx(persons, abs=0.5), (zone, year)
        assert data.query("kind == 'internal'")["population"].sum() == pytest.approx(sum(expected.values()), abs=6)


def test_populations_add_up_to_the_municipality(aalborg):
    """FACTS.md: Aalborg municipality 221,082 inhabitants (July 2022), the city ~120,000."""
    data = zone_data(aalborg, 2022.5)
    assert data["population"].sum() == pytest.approx(221082, rel=0.01)
    city = data.drop(["e45_south", "e45_north", "hadsund_east"])["population"].sum()
    assert city == pytest.approx(120000, rel=0.03)


def test_hospital_jobs_move_from_hobrovej_in_2026(aalborg):
    before, after = zone_data(aalborg, 2025), zone_data(aalborg, 2026)
    assert zone_data(aalborg, 2020).loc["hospital", "jobs"] == 0
    assert after.loc["hospital", "jobs"] > 4000
    moved = (after.loc["hospital", "jobs"] - before.loc["hospital", "jobs"])
    assert after.loc["south", "jobs"] == pytest.approx(before.loc["south", "jobs"] - moved, abs=100)


def test_car_ownership_follows_the_national_trend(aalborg):
    """FACTS.md: 389 (2011) -> 466 (2021) cars per 1,000; estates and students below it."""
    d2014, d2020 = zone_data(aalborg, 2014), zone_data(aalborg, 2020)
    national_2014, national_2020 = 389 + 7.7 * 3, 389 + 7.7 * 9
    assert d2014.loc["east_centre", "cars_per_1000"] == pytest.approx(national_2014, abs=0.1)
    assert d2020.loc["kildeparken", "cars_per_1000"] < national_2020 < d2020.loc["sfh_north", "cars_per_1000"]
    assert d2020.loc["campus", "cars_per_1000"] < d2020.loc["kildeparken", "cars_per_1000"]
    assert (d2020["cars_per_1000"] >= d2014["cars_per_1000"]).all()


def test_plusbus_route_is_about_12_km_with_its_lane_on_about_three_quarters(aalborg):
    """FACTS.md: ~12 km, dedicated lane on ~3/4 of the route, ~34 min (~21 km/h)."""
    links = aalborg.links.set_index(["from_node", "to_node"])
    nodes = aalborg.line_stops.query("line == 'plusbus'")["node"].tolist()
    pairs = list(itertools.pairwise(nodes))
    length = sum(links.loc[p, "length_km"] for p in pairs)
    in_lane = sum(links.loc[p, "length_km"] for p in pairs if links.loc[p, "bus_lane"])
    assert length == pytest.approx(12.0, rel=0.25)
    assert in_lane / length == pytest.approx(0.75, abs=0.15)
    line = aalborg.lines.set_index("line").loc["plusbus"]
    assert (line["status"], line["mode"], line["vehicle"], line["powertrain"]) == \
        ("planned", "brt", "bus_24m", "electric")
    assert 12.0 / line["speed_kmh"] * 60 == pytest.approx(34.0, abs=1.0)
    assert aalborg.lines.set_index("line").loc["2", "status"] == "existing"


def row_key(table: str, row: dict[str, str]) -> str:
    return {"zones": row.get("zone"), "nodes": row.get("node"), "lines": row.get("line"),
            "line_stops": row.get("line"), "links": f"{row.get('from_node')}-{row.get('to_node')}"}[table]


def test_every_value_is_sourced_or_flagged():
    sources = read_csv(TRANSPORT / "sources.csv")
    assert sources, "sources.csv is empty"
    covered = {(r["file"], r["key"], r["column"]) for r in sources}
    for r in sources:
        assert r["source"].strip() and r["reason"].strip(), r
        assert r["assumption"] in ("true", "false"), r
        if r["assumption"] == "false":
            assert r["source"] != "assumption", f"unflagged row without a source: {r}"
    for table in TABLES:
        file = f"{table}.csv"
        rows = read_csv(TRANSPORT / file)
        for row in rows:
            key = row_key(table, row)
            for column in row:
                options = {(file, k, c) for k in (key, "*") for c in (column, "*")}
                assert options & covered, f"{file}: no source for row {key!r}, column {column!r}"
    assert {r["file"] for r in sources} == {f"{t}.csv" for t in TABLES}


def test_generator_reproduces_the_shipped_files(tmp_path):
    result = subprocess.run([sys.executable, str(GENERATOR), "--out-dir", str(tmp_path), "--quiet"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    for name in [f"{t}.csv" for t in TABLES] + ["sources.csv"]:
        assert (tmp_path / name).read_bytes() == (TRANSPORT / name).read_bytes(), \
            f"{name} differs from what make_transport.py writes; rerun it"


def test_generator_coordinates_agree_with_pyproj(monkeypatch):
    """The generator's Krueger series against PROJ (ETRS89 -> EPSG:25832), to 1 cm."""
    pyproj = pytest.importorskip("pyproj")
    spec = importlib.util.spec_from_file_location("make_transport", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "make_transport", module)  # dataclasses look the module up
    spec.loader.exec_module(module)
    to_utm = pyproj.Transformer.from_crs("EPSG:4258", "EPSG:25832", always_xy=True)
    for lat, lon in ((57.0482, 9.9226), (57.015, 9.985), (56.97, 9.86), (57.11, 10.0)):
        x, y = module.utm32(lat, lon)
        px, py = to_utm.transform(lon, lat)
        assert (x, y) == (pytest.approx(px, abs=0.01), pytest.approx(py, abs=0.01))
