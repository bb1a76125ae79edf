"""Build the buildings table of the illustrative Essen follower district.

Writes two files next to this script (or into ``--out-dir``):

``buildings.csv``
    One row per archetype with ``count`` identical buildings, columns exactly as
    ``src/smartcity/schemas/buildings.toml`` in schema order.
``buildings_sources.csv``
    One row per (building_id or ``*``, field): value, unit, source, whether it is an
    assumption, and the reason (the layout of ``scenarios/aalborg-east``). Figures made up
    for the illustration have the source ``illustrative``.

**The district is illustrative.** It stands for a type of follower-city district (a
dense post-war quarter of a Ruhr city, mostly gas-heated blocks of flats of the 1950s and
1960s), not for a surveyed place: every count, construction year, dwelling size and
heating system below is made up and flagged as such. It is built only from what the
package ships for any district: the buildings schema, the TABULA DK archetypes of
:func:`smartcity.energy.archetypes.archetype_row` (the envelope of the Danish building of the
same period and type stands in for the German one, flagged) and the use profiles of
``smartcity/data/use_profiles.toml``.

Deterministic (no random numbers); the table is checked with the package's own reader
(:func:`smartcity.schema.tables.read_table`, :func:`smartcity.energy.buildings.check_buildings`)
before anything is written, and both files are written through temporary files.

Usage::

    python scenarios/essen-follower/make_buildings.py [--out-dir DIR] [--quiet]
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import os
import sys
import tempfile
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from smartcity.energy.archetypes import archetype_row, fill_archetype_defaults, tabula_archetypes
from smartcity.energy.buildings import check_buildings
from smartcity.energy.glazing import default_panes
from smartcity.energy.profiles import fill_use_defaults
from smartcity.schema.tables import load_schema, read_table

HERE = Path(__file__).resolve().parent
BUILDINGS_FILE = "buildings.csv"
SOURCES_FILE = "buildings_sources.csv"
SOURCES_COLUMNS = ["building_id", "field", "value", "unit", "source", "assumption", "reason"]
SIGNIFICANT_DIGITS = 12

ILLUSTRATIVE = "illustrative"
TABULA_CITE = (
    "TABULA/EPISCOPE DK typology (tabula_DK.csv, 2014), variant {code}, as shipped in "
    "smartcity.energy.archetypes (archetype_row)"
)
PROXY = (
    "the Danish TABULA archetype of the same type and construction period stands in for the "
    "German building: no German typology is in the shared data (TABULA DE would replace it); "
    "existing state as built, before any later renovation"
)
USE_PROFILES = "smartcity/data/use_profiles.toml"


@dataclass(frozen=True)
class Prov:
    source: str
    assumption: bool
    reason: str


def illustrative(reason: str) -> Prov:
    return Prov(ILLUSTRATIVE, True, reason)


@dataclass(frozen=True)
class Row:
    """One archetype row of the illustrative district (all of it made up, see reasons)."""

    building_id: str
    use: str
    year: int
    count: int
    heating_system: str
    zone: str
    why: str                      # what the row stands for
    dwellings: int = 1            # dwellings per building (blocks of flats)
    gross_m2_per_dwelling: float | None = None   # blocks of flats
    gross_m2: float | None = None                # tertiary buildings, per building
    storeys: int | None = None                   # tertiary buildings


# --------------------------------------------------------------------------------------
# The district: ~4,400 dwellings, mostly blocks of flats of 1950-1970, mostly gas-heated
# --------------------------------------------------------------------------------------
ROWS: tuple[Row, ...] = (
    Row("gruenderzeit_ab_gas", "apartment_block", 1905, 45, "gas_boiler", "inner",
        "pre-1918 perimeter blocks (Gruenderzeit) that survived the war, gas central or "
        "floor-by-floor gas heating", dwellings=8, gross_m2_per_dwelling=75.0),
    Row("postwar_1950s_ab_gas", "apartment_block", 1955, 110, "gas_boiler", "postwar",
        "post-war reconstruction blocks of the 1950s (three to four storeys, small flats), "
        "gas floor-by-floor heating (Gasetagenheizung) or gas central heating",
        dwellings=12, gross_m2_per_dwelling=60.0),
    Row("postwar_1950s_ab_oil", "apartment_block", 1955, 20, "oil_boiler", "postwar",
        "the same 1950s blocks still on oil central heating", dwellings=12,
        gross_m2_per_dwelling=60.0),
    Row("postwar_1950s_ab_storage", "apartment_block", 1958, 12, "electric_direct", "postwar",
        "1950s blocks heated by electric night-storage heaters (Nachtspeicherheizung)",
        dwellings=12, gross_m2_per_dwelling=60.0),
    Row("estate_1960s_ab_gas", "apartment_block", 1966, 50, "gas_boiler", "estate",
        "1960s housing-company estate of larger blocks, gas central heating", dwellings=18,
        gross_m2_per_dwelling=70.0),
    Row("estate_1960s_ab_dh", "apartment_block", 1968, 30, "district_heating", "estate",
        "1960s high-rise blocks connected to the city's district-heating network",
        dwellings=24, gross_m2_per_dwelling=70.0),
    Row("infill_1990s_ab_gas", "apartment_block", 1994, 15, "gas_boiler", "inner",
        "1990s infill blocks with condensing gas boilers", dwellings=16,
        gross_m2_per_dwelling=75.0),
    Row("colony_th_1920s_gas", "terraced_house", 1922, 160, "gas_boiler", "houses",
        "terraced houses of a 1920s miners' colony (Zechensiedlung), gas heating"),
    Row("postwar_th_1950s_gas", "terraced_house", 1956, 220, "gas_boiler", "houses",
        "1950s terraced houses, gas heating"),
    Row("postwar_th_1950s_oil", "terraced_house", 1956, 40, "oil_boiler", "houses",
        "1950s terraced houses still on oil heating"),
    Row("sfh_1970s_gas", "single_family", 1975, 90, "gas_boiler", "houses",
        "detached houses of the 1970s on the district's edge, gas heating"),
    Row("schools_1960s", "education", 1964, 3, "gas_boiler", "centre",
        "primary and secondary schools", gross_m2=6000.0, storeys=3),
    Row("daycare_1970s", "daycare", 1974, 5, "gas_boiler", "estate",
        "daycare centres (Kitas)", gross_m2=600.0, storeys=1),
    Row("high_street_retail_1950s", "retail", 1957, 12, "gas_boiler", "centre",
        "shops, supermarkets and services along the high street", gross_m2=1200.0,
        storeys=2),
    Row("offices_1990s", "office", 1995, 4, "district_heating", "centre",
        "offices and public services", gross_m2=3000.0, storeys=3),
)

ZONE_REASON = "neighbourhood label of the illustrative district (no transport model uses it)"


# --------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------
def rnd(x: float) -> float:
    return float(f"{x:.{SIGNIFICANT_DIGITS}g}")


def fmt(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(rnd(value))
    return str(value)


#: Columns the table takes at the schema's default, the standard's value cited in the schema's
#: description; flagged where the default stands in for a survey of the buildings.
STANDARD_DEFAULTS = {
    "absorptance_wall": "no survey of the facades' colours: the standard's default for a medium colour",
    "absorptance_roof": "no survey of the roofs' colours: the standard's default for a medium colour",
    "emissivity_envelope": "",
    "surface_area_factor": "",
    "surface_heat_transfer_w_m2k": "",
    "internal_gains_convective_share": "",
    "ground_conductivity_w_mk": "no survey of the soil: the standard's value for an unknown soil",
    "ground_heat_capacity_j_m3k": "no survey of the soil: the standard's value for an unknown soil",
}


def use_profiles() -> dict:
    text = (resources.files("smartcity") / "data" / "use_profiles.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)["use"]


def build_row(row: Row, schema: list, profiles: dict) -> tuple[dict, dict, list]:
    """Values (schema order), provenance per column and extra provenance rows of one row."""
    archetypes = tabula_archetypes()
    ref_to_gross = None
    extra: list[tuple[str, object, str, Prov]] = []
    if row.use == "apartment_block":
        probe = archetype_row(row.use, row.year, archetypes=archetypes)
        ref_to_gross = float(archetypes.loc[probe["tabula_variant"], "ref_to_gross"])
        a_f = row.dwellings * row.gross_m2_per_dwelling * ref_to_gross
        arche = archetype_row(row.use, row.year, a_f, archetypes=archetypes)
        area_prov = illustrative(
            f"dwellings per block x gross m2 per dwelling x TABULA's reference-to-gross factor "
            f"A_C_Ref/A_C_National = {row.dwellings} x {fmt(row.gross_m2_per_dwelling)} x "
            f"{fmt(ref_to_gross)}; envelope areas scale with it (TABULA's area per m2)")
        extra.append(("dwellings_per_building", row.dwellings, "-", illustrative(
            "block size of the illustrative district")))
        extra.append(("gross_m2_per_dwelling", row.gross_m2_per_dwelling, "m2", illustrative(
            "typical flat size of the period in a German city (small post-war flats), "
            "not from a cited table")))
    elif row.use in ("terraced_house", "single_family"):
        arche = archetype_row(row.use, row.year, archetypes=archetypes)
        area_prov = Prov(TABULA_CITE.format(code=arche["tabula_variant"]), True,
                         f"A_C_Ref of the TABULA example house; {PROXY}")
        extra.append(("dwellings_per_building", 1, "-", illustrative("one dwelling per house")))
    else:
        probe = archetype_row("apartment_block", row.year, archetypes=archetypes)
        ref_to_gross = float(archetypes.loc[probe["tabula_variant"], "ref_to_gross"])
        a_f = row.gross_m2 * ref_to_gross
        arche = archetype_row(row.use, row.year, a_f, storeys=row.storeys, archetypes=archetypes)
        area_prov = illustrative(
            f"gross floor area {fmt(row.gross_m2)} m2 per building (illustrative) x TABULA's "
            f"reference-to-gross factor {fmt(ref_to_gross)} (the residential rows' basis)")
        extra.append(("gross_floor_area_m2", row.gross_m2, "m2", illustrative(
            f"size of one {row.use} building of the illustrative district")))
        extra.append(("storeys", row.storeys, "-", illustrative(
            "storeys of the box geometry of smartcity.energy.archetypes.archetype_row")))
    code = str(arche["tabula_variant"])
    cite = TABULA_CITE.format(code=code)
    if row.use in ("apartment_block", "terraced_house", "single_family"):
        envelope_reason = f"TABULA existing-state values (archetype_row); {PROXY}"
    else:
        envelope_reason = (
            "tertiary box geometry and operation of smartcity.energy.archetypes.archetype_row "
            "(TERTIARY assumptions of the Aalborg East table: plan depth, glazing, EN 16798-1 "
            "category II ventilation, occupied-hour gains) with the envelope of the TABULA "
            f"apartment block of the period; {PROXY}")
    extra.append(("tabula_variant", code, "-", Prov(cite, True, PROXY)))
    extra.append(("represents", row.why, "-", illustrative("what the row stands for")))

    values: dict[str, object] = {}
    prov: dict[str, Prov] = {}
    for col in schema:
        name = col["name"]
        if name == "building_id":
            values[name] = row.building_id
        elif name == "use":
            values[name] = row.use
            prov[name] = illustrative(row.why)
        elif name == "construction_year":
            values[name] = row.year
            prov[name] = illustrative(
                f"representative year of the period (TABULA DK period of {code})")
        elif name == "count":
            values[name] = row.count
            prov[name] = illustrative("number of buildings of the illustrative district")
        elif name == "heated_floor_area_m2":
            values[name] = float(arche[name])
            prov[name] = area_prov
        elif name == "heating_system":
            values[name] = row.heating_system
            prov[name] = illustrative(
                "supply mix of the illustrative district: mostly individual gas heating, some "
                "oil, electric night-storage heaters and district heating, as is common in "
                "German post-war quarters")
        elif name == "zone":
            values[name] = row.zone
            prov[name] = illustrative(ZONE_REASON)
        elif col.get("filled_by") == "use_profiles":
            entry = profiles[row.use][name]
            values[name] = entry["value"]
            reason = (f"typical value of the use '{row.use}' ({USE_PROFILES}), Danish figures "
                      "applied to the follower district")
            if entry.get("reason"):
                reason += f"; {entry['reason']}"
            prov[name] = Prov(entry.get("source") or "assumption", True, reason)
        elif name in STANDARD_DEFAULTS:
            values[name] = col["default"]
            reason = STANDARD_DEFAULTS[name]
            prov[name] = Prov(col["description"], bool(reason), reason or "the standard's value")
        elif name == "glazing_panes":
            values[name] = int(default_panes([float(arche["u_window_w_m2k"])])[0])
            prov[name] = Prov(cite, True, "TABULA gives the window's U-value, not its panes: pane count from the "
                                          "window U-value (smartcity.energy.glazing.default_panes); " + PROXY)
        elif name == "floor_perimeter_m" and name not in arche:
            values[name] = 3.0 * math.sqrt(2.0 * float(arche["ground_floor_area_m2"]))
            prov[name] = Prov(cite, True, "TABULA gives no plan outline: the perimeter of a 2:1 rectangle of the "
                                          "ground floor area, 3 sqrt(2 A) (the buildings schema's default); " + PROXY)
        elif name in arche:
            values[name] = arche[name]
            prov[name] = Prov(cite, True, envelope_reason)
        else:  # pragma: no cover - the schema grew a column this script does not know
            raise ValueError(f"{row.building_id}: no value for the schema column {name!r}")
    return values, prov, extra


def build(schema: list) -> list[tuple[dict, dict, list]]:
    profiles = use_profiles()
    return [build_row(row, schema, profiles) for row in ROWS]


def render(rows: list[tuple[dict, dict, list]], schema: list) -> tuple[str, str]:
    names = [c["name"] for c in schema]
    units = {c["name"]: c["unit"] for c in schema}
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(names)
    for values, _, _ in rows:
        w.writerow([fmt(values[n]) for n in names])

    src = io.StringIO()
    ws = csv.writer(src, lineterminator="\n")
    ws.writerow(SOURCES_COLUMNS)
    ws.writerow(["*", "district", "Essen follower district (illustrative)", "-", ILLUSTRATIVE,
                 "true", ("an illustrative replication district built only from the shared "
                 "schema: every count, year, size and heating system is made up to stand for "
                 "a type of district (dense, mostly gas-heated post-war blocks of flats in a "
                 "Ruhr city), not for a surveyed place")])
    ws.writerow(["*", "baseline_state", "as built (TABULA existing state)", "-", ILLUSTRATIVE,
                 "true", ("rows describe buildings as built; renovations belong in the "
                 "scenarios' dated measures (many such buildings have had new windows since, "
                 "so the baseline heat need is on the high side)")])
    for values, prov, extra in rows:
        bid = str(values["building_id"])
        for n in names:
            if n == "building_id":
                continue
            p = prov[n]
            ws.writerow([bid, n, fmt(values[n]), units[n], p.source, fmt(p.assumption), p.reason])
        for name, value, unit, p in extra:
            ws.writerow([bid, name, fmt(value), unit, p.source, fmt(p.assumption), p.reason])
    return out.getvalue(), src.getvalue()


def check(table_text: str, folder: Path) -> None:
    """Read the table back with the package's reader and checks (raises InputError)."""
    fd, name = tempfile.mkstemp(prefix=".check.", suffix=".csv", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(table_text)
        table = read_table(name, "buildings")
        check_buildings(fill_use_defaults(fill_archetype_defaults(table)))
    finally:
        os.unlink(name)


def default_permissions(path: str | Path) -> None:
    """Give a temporary file the permissions a normally created file would have."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


def write_atomically(files: dict[Path, str]) -> None:
    tmp: list[tuple[str, Path]] = []
    try:
        for path, text in files.items():
            fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            tmp.append((name, path))
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
                f.write(text)
        for name, path in tmp:
            default_permissions(name)
            os.replace(name, path)
    finally:
        for name, _ in tmp:
            if os.path.exists(name):
                os.unlink(name)


def summary(rows: list[tuple[dict, dict, list]]) -> str:
    n = sum(int(v["count"]) for v, _, _ in rows)
    dwellings = sum(int(v["count"]) * int(x) for v, _, extra in rows
                    for name, x, _, _ in extra if name == "dwellings_per_building")
    area: dict[str, float] = {}
    by_system: dict[str, float] = {}
    for v, _, _ in rows:
        a = int(v["count"]) * float(v["heated_floor_area_m2"])
        area[str(v["use"])] = area.get(str(v["use"]), 0.0) + a
        by_system[str(v["heating_system"])] = by_system.get(str(v["heating_system"]), 0.0) + a
    total = sum(area.values())
    lines = [f"{len(rows)} rows, {n} buildings, {dwellings} dwellings"]
    lines += [f"  {u:16s} {a:12,.0f} m2" for u, a in area.items()]
    lines.append(f"  {'total':16s} {total:12,.0f} m2 heated floor area")
    lines += [f"  {s:16s} {100 * a / total:5.1f} % of the floor area" for s, a in by_system.items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out-dir", type=Path, default=HERE,
                        help="folder for buildings.csv and buildings_sources.csv "
                             "(default: next to this script)")
    parser.add_argument("--quiet", action="store_true", help="do not print the summary")
    args = parser.parse_args(argv)
    if not args.out_dir.is_dir():
        print(f"error: output folder not found: {args.out_dir}", file=sys.stderr)
        return 2
    schema = [c.model_dump() for c in load_schema("buildings").column]
    rows = build(schema)
    table, sources = render(rows, schema)
    check(table, args.out_dir)
    write_atomically({args.out_dir / BUILDINGS_FILE: table, args.out_dir / SOURCES_FILE: sources})
    if not args.quiet:
        print(summary(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
