"""The default Aalborg East buildings table (scenarios/aalborg-east/buildings.csv).

Checks that the shipped table is what its build script produces, that it satisfies the
buildings schema, that every value is traceable to a source or a flagged assumption, and
that district totals are plausible.
"""

from __future__ import annotations

import csv
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SCENARIO = REPO_ROOT / "scenarios" / "aalborg-east"
SCRIPT = SCENARIO / "make_buildings.py"
BUILDINGS = SCENARIO / "buildings.csv"
SOURCES = SCENARIO / "buildings_sources.csv"
SCHEMA = REPO_ROOT / "src" / "smartcity" / "schemas" / "buildings.toml"
TABULA = SCENARIO / "tabula" / "tabula_DK.csv"

# building_id is the row's key: the only field that needs no source.
IDENTIFIER_FIELDS = {"building_id"}


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def schema_columns() -> list[dict]:
    with open(SCHEMA, "rb") as f:
        return tomllib.load(f)["column"]


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    return read_csv(BUILDINGS)


@pytest.fixture(scope="module")
def sources() -> dict[tuple[str, str], dict[str, str]]:
    out: dict[tuple[str, str], dict[str, str]] = {}
    for r in read_csv(SOURCES):
        key = (r["building_id"], r["field"])
        assert key not in out, f"duplicate source row {key}"
        out[key] = r
    return out


# --------------------------------------------------------------------------------------
# Reproducibility
# --------------------------------------------------------------------------------------
def test_regenerating_reproduces_shipped_files_byte_for_byte(tmp_path: Path) -> None:
    # No --tabula: the script's default, the repository's copy of the TABULA file (TABULA).
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--out-dir", str(tmp_path), "--quiet"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for name in ("buildings.csv", "buildings_sources.csv"):
        assert (tmp_path / name).read_bytes() == (SCENARIO / name).read_bytes(), (
            f"{name} differs from the script's output: regenerate it with "
            f"python scenarios/aalborg-east/make_buildings.py"
        )
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "buildings.csv", "buildings_sources.csv"
    ], "temporary files left behind"


def test_script_reports_missing_tabula_file(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--tabula", str(tmp_path / "absent.csv"),
         "--out-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "TABULA file not found" in result.stderr
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------------------
# Schema
# --------------------------------------------------------------------------------------
def test_columns_are_the_schema_columns_in_order() -> None:
    with open(BUILDINGS, newline="", encoding="utf-8") as f:
        header = next(csv.reader(f))
    assert header == [c["name"] for c in schema_columns()]


def test_every_value_satisfies_the_schema(rows: list[dict[str, str]]) -> None:
    problems = []
    for i, row in enumerate(rows, start=2):  # line 1 is the header
        for col in schema_columns():
            name, text = col["name"], row[col["name"]]
            where = f"line {i} ({row['building_id']}), {name}={text!r}"
            if col["dtype"] == "int":
                try:
                    value: object = int(text)
                except ValueError:
                    problems.append(f"{where}: not an int")
                    continue
            elif col["dtype"] == "float":
                try:
                    value = float(text)
                except ValueError:
                    problems.append(f"{where}: not a float")
                    continue
                if value != value:  # NaN
                    problems.append(f"{where}: missing")
                    continue
            else:
                value = text
            if "allowed" in col and value not in col["allowed"]:
                problems.append(f"{where}: not one of {col['allowed']}")
            lo, hi = col.get("min"), col.get("max")
            if lo is not None:
                exclusive = col.get("min_exclusive", False)
                if value < lo or (exclusive and value == lo):  # type: ignore[operator]
                    problems.append(f"{where}: below {lo}")
            if hi is not None and value > hi:  # type: ignore[operator]
                problems.append(f"{where}: above {hi}")
    assert not problems, "\n".join(problems)


def test_building_id_unique_and_nonempty(rows: list[dict[str, str]]) -> None:
    ids = [r["building_id"] for r in rows]
    assert all(ids)
    assert len(ids) == len(set(ids))


def test_table_has_a_planner_sized_number_of_rows(rows: list[dict[str, str]]) -> None:
    assert 20 <= len(rows) <= 40
    uses = {r["use"] for r in rows}
    assert uses == {
        "single_family", "terraced_house", "apartment_block", "office", "education",
        "hospital", "retail", "daycare",
    }


# --------------------------------------------------------------------------------------
# Traceability
# --------------------------------------------------------------------------------------
def test_every_value_has_a_source_or_a_flagged_assumption(
    rows: list[dict[str, str]], sources: dict[tuple[str, str], dict[str, str]]
) -> None:
    missing, unjustified, mismatched = [], [], []
    for row in rows:
        for name, text in row.items():
            if name in IDENTIFIER_FIELDS:
                continue
            src = sources.get((row["building_id"], name))
            if src is None:
                missing.append((row["building_id"], name))
                continue
            assert src["assumption"] in ("true", "false")
            has_source = src["source"].strip() not in ("", "assumption")
            flagged = src["assumption"] == "true" and src["reason"].strip() != ""
            if not (has_source or flagged):
                unjustified.append((row["building_id"], name))
            if src["value"] != text:
                mismatched.append((row["building_id"], name, text, src["value"]))
    assert not missing, f"no source row for {missing}"
    assert not unjustified, f"neither a source nor a flagged assumption: {unjustified}"
    assert not mismatched, f"sources value differs from the table: {mismatched}"


def test_sources_refer_to_existing_buildings(
    rows: list[dict[str, str]], sources: dict[tuple[str, str], dict[str, str]]
) -> None:
    ids = {r["building_id"] for r in rows} | {"*"}
    assert {bid for bid, _ in sources} <= ids


def test_every_row_states_its_dwellings(
    rows: list[dict[str, str]], sources: dict[tuple[str, str], dict[str, str]]
) -> None:
    residential = {"single_family", "terraced_house", "apartment_block"}
    for row in rows:
        if row["use"] in residential:
            assert int(sources[(row["building_id"], "dwellings_per_building")]["value"]) >= 1


# --------------------------------------------------------------------------------------
# Plausibility
# --------------------------------------------------------------------------------------
def dwellings(row: dict[str, str], sources: dict[tuple[str, str], dict[str, str]]) -> int:
    return int(row["count"]) * int(sources[(row["building_id"], "dwellings_per_building")]["value"])


def test_kildeparken_has_1000_to_1100_dwellings(
    rows: list[dict[str, str]], sources: dict[tuple[str, str], dict[str, str]]
) -> None:
    # abhim.dk / nordjyske.dk: Kildeparken ~1,000-1,100 dwellings, Fyrkildevej alone 420.
    kp = [r for r in rows if r["building_id"].startswith("kildeparken")]
    assert kp and all(r["zone"] == "kildeparken" for r in kp)
    total = sum(dwellings(r, sources) for r in kp)
    assert 1000 <= total <= 1100
    fyrkildevej = [r for r in kp if "fyrkildevej" in r["building_id"]]
    assert sum(dwellings(r, sources) for r in fyrkildevej) == 420


def test_sallingsundvej_has_about_400_dwellings(
    rows: list[dict[str, str]], sources: dict[tuple[str, str], dict[str, str]]
) -> None:
    rs = [r for r in rows if r["building_id"].startswith("sallingsundvej")]
    assert sum(dwellings(r, sources) for r in rs) == 400


def test_district_floor_areas_are_plausible(
    rows: list[dict[str, str]], sources: dict[tuple[str, str], dict[str, str]]
) -> None:
    residential_uses = {"single_family", "terraced_house", "apartment_block"}
    area = lambda r: int(r["count"]) * float(r["heated_floor_area_m2"])  # noqa: E731
    residential = sum(area(r) for r in rows if r["use"] in residential_uses)
    total = sum(area(r) for r in rows)
    n_dwellings = sum(dwellings(r, sources) for r in rows if r["use"] in residential_uses)
    # Dwellings: Kildeparken + Sallingsundvej alone are ~1,400 (sources); the district
    # (postcode 9220, ~15,000-20,000 inhabitants at ~2 persons per dwelling plus student
    # housing) should hold roughly 5,000-10,000 dwellings.
    assert 5000 <= n_dwellings <= 10000
    # Residential heated floor area: 5,000-10,000 dwellings x 60-110 m2 mean reference area
    # (TABULA DK examples: 57-82 m2 per flat, 85-153 m2 per house) -> 0.3-1.1 million m2;
    # the mean per dwelling must lie inside that same 60-110 m2 band.
    assert 300_000 <= residential <= 1_100_000
    assert 60 <= residential / n_dwellings <= 110
    # Whole district: residential plus AAU's main campus (~170,000 m2 gross, trap.lex.dk)
    # and the new university hospital (170,000 m2 + psychiatry and Steno, rn.dk) plus
    # schools, daycare, offices and retail -> 0.6-1.6 million m2; tertiary 25-55% of it.
    assert 600_000 <= total <= 1_600_000
    assert 0.25 <= (total - residential) / total <= 0.55


def test_campus_and_hospital_areas_match_their_sources(rows: list[dict[str, str]]) -> None:
    gross = lambda r: int(r["count"]) * float(r["heated_floor_area_m2"]) / 0.85  # noqa: E731
    campus = sum(gross(r) for r in rows if r["building_id"].startswith("aau_campus"))
    assert campus == pytest.approx(170_000, rel=1e-9)  # trap.lex.dk: ~170,000 m2 gross
    hospital = sum(
        gross(r) for r in rows if r["building_id"] in ("hospital_main", "hospital_service_house")
    )
    assert hospital == pytest.approx(170_000, rel=1e-9)  # rn.dk: 170,000 m2 incl. service house


def h_transmission_per_m2(row: dict[str, str]) -> float:
    """sum(U*A) / A_f from the table's columns [W/(m2 K)]; thermal bridges are in u_wall."""
    f = lambda k: float(row[k])  # noqa: E731
    windows = sum(f(f"window_area_{o}_m2") for o in ("north", "east", "south", "west"))
    h = (
        f("u_wall_w_m2k") * f("wall_area_m2")
        + f("u_roof_w_m2k") * f("roof_area_m2")
        + f("u_floor_w_m2k") * f("ground_floor_area_m2")
        + f("u_window_w_m2k") * windows
    )
    return h / f("heated_floor_area_m2")


def test_1970s_blocks_keep_tabula_heat_transfer_coefficient(
    rows: list[dict[str, str]], sources: dict[tuple[str, str], dict[str, str]]
) -> None:
    # No change is made to the TABULA envelope of these rows (the table describes the
    # buildings before the Kildeparken 2020 and other renovations, which are scenario
    # measures), so sum(U*A)/A_f must equal TABULA's h_Transmission. The thermal-bridge
    # term delta_U x (whole envelope area) is carried by u_wall, which keeps the sum exact.
    tabula = {r["Code_BuildingVariant"]: r for r in read_csv(TABULA)}
    blocks = [
        r for r in rows
        if r["use"] == "apartment_block" and 1961 <= int(r["construction_year"]) <= 1978
    ]
    assert len(blocks) >= 4
    for row in blocks:
        code = sources[(row["building_id"], "tabula_variant")]["value"]
        assert code in ("DK.N.AB.05.Gen.ReEx.001.001", "DK.N.AB.06.Gen.ReEx.001.001")
        expected = float(tabula[code]["h_Transmission"])
        assert h_transmission_per_m2(row) == pytest.approx(expected, rel=1e-9), row["building_id"]


def test_all_residential_rows_keep_tabula_heat_transfer_and_ventilation(
    rows: list[dict[str, str]], sources: dict[tuple[str, str], dict[str, str]]
) -> None:
    tabula = {r["Code_BuildingVariant"]: r for r in read_csv(TABULA)}
    for row in rows:
        if row["use"] not in ("single_family", "terraced_house", "apartment_block"):
            continue
        t = tabula[sources[(row["building_id"], "tabula_variant")]["value"]]
        assert h_transmission_per_m2(row) == pytest.approx(float(t["h_Transmission"]), rel=1e-9)
        # TABULA: h_ve = 0.34 Wh/(m3 K) x (n_air_use + n_air_infiltration) x h_room
        h_ve = 0.34 * float(row["ventilation_ach"]) * float(row["room_height_m"])
        assert h_ve == pytest.approx(float(t["h_Ventilation"]), rel=1e-9)
        assert float(row["heat_capacity_j_m2k"]) == float(t["c_m"]) * 3600.0


def test_heat_supply_is_mostly_district_heating(rows: list[dict[str, str]]) -> None:
    area: dict[str, float] = {}
    for r in rows:
        a = int(r["count"]) * float(r["heated_floor_area_m2"])
        area[r["heating_system"]] = area.get(r["heating_system"], 0.0) + a
    assert area["district_heating"] / sum(area.values()) > 0.9
    assert {"gas_boiler", "oil_boiler", "heat_pump_air", "heat_pump_ground"} <= set(area)


def test_cooling_only_where_intended(rows: list[dict[str, str]]) -> None:
    for r in rows:
        cooled = float(r["cooling_setpoint_c"]) < 50
        intended = r["use"] in ("office", "education", "hospital", "retail")
        assert cooled == intended, r["building_id"]
        assert float(r["heating_setpoint_c"]) == 20.0
