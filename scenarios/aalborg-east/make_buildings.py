#!/usr/bin/env python
"""Build the default Aalborg East (postcode 9220) buildings table.

Writes two files next to this script (or into ``--out-dir``):

``buildings.csv``
    One row per (estate or area, archetype) with ``count`` identical buildings, columns
    exactly as ``src/smartcity/schemas/buildings.toml`` in schema order.
``buildings_sources.csv``
    One row per (building_id or ``*``, field): the value, its unit, the source it comes from,
    whether it is an assumption, and the reason. Every count and property of
    ``buildings.csv`` is traceable through it.

Residential archetypes come from the Danish TABULA/EPISCOPE typology (existing-state
example buildings ``DK.N.<type>.<period>.Gen.ReEx.001.001``). Apartment blocks are scaled
from TABULA's example building to the assumed block size, keeping TABULA's envelope area
per m² of floor, its window shares by orientation and its U-values, so the transmission heat
transfer coefficient per m² equals TABULA's ``h_Transmission``. Tertiary buildings (TABULA
has none) get a box geometry and the envelope of the TABULA apartment block of the same
construction period; all of that is flagged as assumption.

The build is deterministic (no random numbers); running it twice gives identical bytes.

The TABULA file is the repository's copy, ``tabula/tabula_DK.csv`` next to this script
(its source and terms in ``tabula/PROVENANCE.md``).

Usage::

    python scenarios/aalborg-east/make_buildings.py
    python scenarios/aalborg-east/make_buildings.py --tabula path/to/tabula_DK.csv --out-dir /tmp/x
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import math
import os
import sys
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
DEFAULT_TABULA = HERE / "tabula" / "tabula_DK.csv"
SCHEMA_PATH = REPO_ROOT / "src" / "smartcity" / "schemas" / "buildings.toml"
USE_PROFILES_PATH = REPO_ROOT / "src" / "smartcity" / "data" / "use_profiles.toml"
BUILDINGS_FILE = "buildings.csv"
SOURCES_FILE = "buildings_sources.csv"
SOURCES_COLUMNS = ["building_id", "field", "value", "unit", "source", "assumption", "reason"]

# Floats are written with 12 significant digits: short enough to read, exact enough that
# sum(U*A)/A_f reproduces TABULA's h_Transmission to ~1e-12.
SIGNIFICANT_DIGITS = 12
HOURS_PER_YEAR = 8760.0
J_PER_WH = 3600.0
# Air change per hour from l/(s m2) of floor and room height h [m]: q * 3.6 / h.
LPS_M2_TO_M3H_M2 = 3.6

# --------------------------------------------------------------------------------------
# Sources (documents cited in buildings_sources.csv)
# --------------------------------------------------------------------------------------
TABULA_CITE = "TABULA/EPISCOPE DK typology, variant {code} (tabula_DK.csv), 2014"
SRC_KILDEPARKEN = (
    "abhim.dk / nordjyske.dk (2017): Kildeparken ~1,000-1,100 dwellings from the 1970s, "
    "renovated 'Kildeparken 2020' for ~DKK 1.5 bn; Fyrkildevej alone 420 dwellings"
)
SRC_KILDEPARKEN_COWI = (
    "cowi.dk news 'Renovering giver boligomraade i Aalborg oest nyt image': Kildeparken "
    "consists of 73 blocks and 155 courtyard houses (gaardhuse), ~1,000 dwellings"
)
SRC_KILDEPARKEN_BUILT = (
    "kingo.biz news 2016 'Kingo skaber plads til nyt moderne byrum i Kildeparken': "
    "Kildeparken built by Himmerland Boligforening in the early 1970s"
)
SRC_KILDEPARKEN_STOREYS = (
    "transform.dk 'Kildeparken - Revitalisering af Fyrkildevej': Kildeparken's "
    "characteristic two-storey blocks"
)
SRC_SALLINGSUND = (
    "abhim.dk 2017 'En bydel i rivende udvikling': ~400 dwellings on Sallingsundvej and "
    "Tambosundvej (Himmerland Boligforening)"
)
SRC_TORNHOEJ = (
    "abhim.dk 2019 'Foerste spadestik paa Tornhoejgaardparken': Tornhoej built up with a "
    "large number of dwellings since the 1970s"
)
SRC_AALBORG_EAST_1960S = (
    "abhim.dk 2019 'Foerste spadestik paa Tornhoejgaardparken': eastern Aalborg was "
    "planned in the 1960s and built up since the 1970s"
)
SRC_TORNHOEJGAARDPARKEN = (
    "danskboligbyg.dk 2019 '1. spadestik til Tornhoejgaardparken i Aalborg': ~12,000 m2 "
    "gross, 90 social + 24 private flats, a Lidl store and a cafe, handed over summer 2021"
)
SRC_HVALPSUNDVEJ = (
    "dansk-byudvikling.dk 2024 'Almene boliger i Aalborg Oest skal renoveres for naesten "
    "500 millioner': Himmerland afd. 20 Hvalpsundvej 164 dwellings (151 family + 13 youth), "
    "afd. 24 Oddesundvej, both row/detached houses built 1982-83, renovation DKK ~222 m "
    "and ~270 m"
)
SRC_AAU = (
    "trap.lex.dk 'Aalborg Universitet': main campus in Aalborg Oest ~170,000 m2 gross; the "
    "oldest buildings are one storey, from 1974, flat roofs; newer buildings since 2005 "
    "three storeys with glass, steel and slate facades"
)
SRC_FACTS_PLACE = (
    "FACTS.md, Place (aalborg.dk / trap.lex.dk): Aalborg East (postcode 9220) holds AAU's "
    "main campus (20,000+ students), the new Aalborg University Hospital, social housing "
    "estates (Kildeparken, Smedegaard, Tornhoej) and single-family areas"
)
SRC_NAU = (
    "byghospitalsbyen.rn.dk 'Om byggeriet' (Region Nordjylland): new university hospital "
    "170,000 m2 incl. a 20,000 m2 service house for non-clinical services; psychiatry "
    "26,000 m2; Steno Diabetes Center ~8,000 m2"
)
SRC_NAU_PERIOD = (
    "vibyggerforlivet.dk 'Nyt Aalborg Universitetshospital': project period 2010-2022; "
    "psychiatry first stage 2016-2021; AAU faculty of health new building 25,000 m2"
)
SRC_ISO13790_T12 = "ISO 13790:2008 Table 12 (medium class: C_m 165,000 J/(m2 K), A_m 2.5 A_f)"
SRC_EN16798 = (
    "EN 16798-1:2019 Annex B, category II (7 l/s per person + 0.7 l/s per m2 for a "
    "low-polluting building; winter 20 degC, summer 26 degC operative)"
)
SRC_ASSUMPTION = "assumption"


@dataclass(frozen=True)
class Prov:
    """Where a value comes from."""

    source: str
    assumption: bool
    reason: str


def tab(code: str, reason: str) -> Prov:
    """A value read (or derived without further assumptions) from a TABULA variant."""
    return Prov(TABULA_CITE.format(code=code), False, reason)


def assumed(reason: str, source: str = SRC_ASSUMPTION) -> Prov:
    """A flagged assumption, optionally with the document that informs it."""
    return Prov(source, True, reason)


#: Window U-values [W/(m2 K)] at and above which glazing counts one pane, and at and below
#: which three (two between): the rule of smartcity.energy.glazing.default_panes.
PANES_U_LIMITS = (4.0, 1.2)
PANES_REASON = ("TABULA gives the window's U-value and g-value, not its panes: pane count from the window "
                "U-value as smartcity.energy.glazing.default_panes derives it (U >= 4.0 one pane, U <= 1.2 "
                "three, two between)")


def panes_of_window(u_window: float) -> int:
    """Glass panes of a window of U-value ``u_window`` [W/(m2 K)] by :data:`PANES_U_LIMITS`."""
    single, triple = PANES_U_LIMITS
    return 1 if u_window >= single else (3 if u_window <= triple else 2)


# --------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------
def rnd(x: float) -> float:
    """Round to SIGNIFICANT_DIGITS significant digits (deterministic, repr-stable)."""
    return float(f"{x:.{SIGNIFICANT_DIGITS}g}")


def fmt(value: object) -> str:
    """Text of a value as written to the CSVs."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(rnd(value))
    return str(value)


def load_schema(path: Path = SCHEMA_PATH) -> list[dict]:
    with open(path, "rb") as f:
        return tomllib.load(f)["column"]


def load_tabula(path: Path) -> dict[str, dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return {row["Code_BuildingVariant"]: row for row in csv.DictReader(f)}


def num(row: dict[str, str], key: str) -> float:
    text = row.get(key, "")
    return float(text) if text not in ("", "nan", "NaN") else 0.0


def tabula_variant(tabula: dict[str, dict[str, str]], kind: str, year: int) -> str:
    """Code of the existing-state example variant of building type ``kind`` for ``year``."""
    for code, row in tabula.items():
        if (
            code.startswith(f"DK.N.{kind}.")
            and code.endswith(".Gen.ReEx.001.001")
            and num(row, "Year1_Building") <= year <= num(row, "Year2_Building")
        ):
            return code
    raise ValueError(f"no TABULA DK variant of type {kind!r} covers construction year {year}")


@dataclass(frozen=True)
class Envelope:
    """Envelope of one TABULA variant, per its own reference floor area."""

    code: str
    a_ref: float  # A_C_Ref [m2]
    ref_to_gross: float  # A_C_Ref / A_C_National [-]
    a_roof: float
    h_roof: float  # sum U*b*A [W/K]
    a_wall: float  # opaque walls incl. doors
    h_wall: float  # sum U*b*A of walls and doors, thermal bridges excluded [W/K]
    a_floor: float
    h_floor: float
    a_window: float
    h_window: float
    window_shares: tuple[float, float, float, float]  # north, east, south, west
    delta_u_tb: float  # delta_U_ThermalBridging [W/(m2 K)], on the whole envelope area
    h_transmission: float  # TABULA's h_Transmission [W/(m2 K)] per A_C_Ref

    @property
    def a_envelope(self) -> float:
        return self.a_roof + self.a_wall + self.a_floor + self.a_window


def envelope(tabula: dict[str, dict[str, str]], code: str) -> Envelope:
    """Read the envelope of a TABULA variant and check it against TABULA's own H_tr."""
    row = tabula[code]

    def elements(name: str, n: int) -> tuple[float, float]:
        area = h = 0.0
        for i in range(1, n + 1):
            a = num(row, f"A_Calc_{name}_{i}")
            area += a
            h += a * num(row, f"U_Actual_{name}_{i}") * num(row, f"b_Transmission_{name}_{i}")
        return area, h

    a_roof, h_roof = elements("Roof", 2)
    a_wall, h_wall = elements("Wall", 3)
    a_floor, h_floor = elements("Floor", 2)
    a_door = num(row, "A_Calc_Door_1")
    a_wall += a_door  # doors are opaque: counted with the walls (TABULA: b = 1)
    h_wall += a_door * num(row, "U_Actual_Door_1")
    a_window = h_window = 0.0
    for i in (1, 2):
        a = num(row, f"A_Calc_Window_{i}")
        a_window += a
        h_window += a * num(row, f"U_Actual_Window_{i}")
    if num(row, "A_Calc_Window_Horizontal") > 0:
        raise ValueError(f"{code}: horizontal windows are not supported by the buildings schema")
    orient = [num(row, f"A_Calc_Window_{o}") for o in ("North", "East", "South", "West")]
    total = sum(orient)
    # Orientation areas can differ from A_Calc_Window_1 by rounding (SFH.05: 0.01 m2); keep
    # TABULA's shares and its total window area, which is what its H_tr uses.
    shares = tuple(a / total for a in orient) if total > 0 else (0.25, 0.25, 0.25, 0.25)
    a_ref = num(row, "A_C_Ref")
    env = Envelope(
        code=code,
        a_ref=a_ref,
        ref_to_gross=a_ref / num(row, "A_C_National"),
        a_roof=a_roof,
        h_roof=h_roof,
        a_wall=a_wall,
        h_wall=h_wall,
        a_floor=a_floor,
        h_floor=h_floor,
        a_window=a_window,
        h_window=h_window,
        window_shares=shares,  # type: ignore[arg-type]
        delta_u_tb=num(row, "delta_U_ThermalBridging"),
        h_transmission=num(row, "h_Transmission"),
    )
    h_check = (
        h_roof + h_wall + h_floor + h_window + env.delta_u_tb * env.a_envelope
    ) / a_ref
    if abs(h_check / env.h_transmission - 1.0) > 1e-9:
        raise ValueError(
            f"{code}: sum U*b*A / A_C_Ref = {h_check} differs from TABULA's h_Transmission "
            f"{env.h_transmission}; the file is not the expected TABULA DK table"
        )
    return env


# --------------------------------------------------------------------------------------
# Rows
# --------------------------------------------------------------------------------------
@dataclass
class Building:
    values: dict[str, object]
    prov: dict[str, Prov]
    extra: list[tuple[str, object, str, Prov]] = field(default_factory=list)


USE_OF_KIND = {"SFH": "single_family", "TH": "terraced_house", "AB": "apartment_block"}
KIND_NAME = {"SFH": "single-family house", "TH": "terraced house", "AB": "apartment block"}

DH_ESTATE = assumed(
    "Aalborg East lies in Aalborg Forsyning's district-heating area; social-housing "
    "estates and tertiary buildings are taken as connected (no per-building supply data)"
)
NO_COOLING = assumed(
    "Danish dwellings are not mechanically cooled; 50 degC disables cooling in the model"
)


def residential(
    tabula: dict[str, dict[str, str]],
    *,
    building_id: str,
    kind: str,
    year: int,
    year_prov: Prov,
    count: int,
    count_prov: Prov,
    zone: str,
    zone_prov: Prov,
    heating_system: str = "district_heating",
    heating_prov: Prov = DH_ESTATE,
    dwellings_per_building: int = 1,
    dwellings_prov: Prov | None = None,
    gross_m2_per_dwelling: float | None = None,
    gross_prov: Prov | None = None,
) -> Building:
    """A TABULA residential archetype; apartment blocks scaled to the given block size."""
    code = tabula_variant(tabula, kind, year)
    row = tabula[code]
    env = envelope(tabula, code)
    t = lambda reason: tab(code, reason)  # noqa: E731
    extra: list[tuple[str, object, str, Prov]] = [
        ("tabula_variant", code, "-", t("existing-state example building of the period")),
    ]
    if gross_m2_per_dwelling is None:
        a_f = env.a_ref
        scale = 1.0
        area_prov = t("A_C_Ref of the example building (TABULA reference area)")
        dwellings_per_building = int(num(row, "n_Apartment")) if kind == "AB" else 1
        if dwellings_prov is None:
            dwellings_prov = t("one dwelling per house (n_Apartment)")
    else:
        a_f = dwellings_per_building * gross_m2_per_dwelling * env.ref_to_gross
        scale = a_f / env.a_ref
        area_prov = assumed(
            f"dwellings per building x gross m2 per dwelling x TABULA's reference-to-gross "
            f"factor A_C_Ref/A_C_National = {dwellings_per_building} x "
            f"{fmt(gross_m2_per_dwelling)} x {fmt(env.ref_to_gross)}; scale factor to the "
            f"TABULA example ({fmt(env.a_ref)} m2) = {fmt(scale)}"
        )
        assert gross_prov is not None and dwellings_prov is not None
        extra.append(("gross_m2_per_dwelling", gross_m2_per_dwelling, "m2", gross_prov))
    extra.append(("dwellings_per_building", dwellings_per_building, "-", dwellings_prov))
    scaled = f" x scale {fmt(scale)}" if scale != 1.0 else ""
    north, east, south, west = (s * env.a_window * scale for s in env.window_shares)
    a_wall = env.a_wall * scale
    u_wall = (env.h_wall + env.delta_u_tb * env.a_envelope) / env.a_wall
    c_m = num(row, "c_m")
    f_f, f_sh = num(row, "F_f"), num(row, "F_sh_vert")
    n_inf, n_use = num(row, "n_air_infiltration"), num(row, "n_air_use")

    values: dict[str, object] = {
        "building_id": building_id,
        "use": USE_OF_KIND[kind],
        "construction_year": year,
        "count": count,
        "heated_floor_area_m2": a_f,
        "room_height_m": num(row, "h_room"),
        "wall_area_m2": a_wall,
        "roof_area_m2": env.a_roof * scale,
        "ground_floor_area_m2": env.a_floor * scale,
        "floor_perimeter_m": 3.0 * math.sqrt(2.0 * env.a_floor * scale),
        "window_area_north_m2": north,
        "window_area_east_m2": east,
        "window_area_south_m2": south,
        "window_area_west_m2": west,
        "u_wall_w_m2k": u_wall,
        "u_roof_w_m2k": env.h_roof / env.a_roof,
        "u_floor_w_m2k": env.h_floor / env.a_floor,
        "u_window_w_m2k": env.h_window / env.a_window,
        "g_window": num(row, "g_gl_n_Window_1"),
        "glazing_panes": panes_of_window(env.h_window / env.a_window),
        "frame_fraction": f_f,
        "shading_factor": f_sh,
        "heat_capacity_j_m2k": c_m * J_PER_WH,
        "mass_area_factor": 2.5,
        "ventilation_ach": n_inf + n_use,
        "heat_recovery_efficiency": 0.0,
        "internal_gains_w_m2": num(row, "phi_int"),
        "heating_setpoint_c": num(row, "theta_i"),
        "cooling_setpoint_c": 50.0,
        "heating_system": heating_system,
        "zone": zone,
    }
    prov = {
        "use": t(f"TABULA building type {kind} ({KIND_NAME[kind]})"),
        "construction_year": year_prov,
        "count": count_prov,
        "heated_floor_area_m2": area_prov,
        "room_height_m": t("h_room"),
        "wall_area_m2": t(f"A_Calc_Wall_1..3 + A_Calc_Door_1{scaled}"),
        "roof_area_m2": t(f"A_Calc_Roof_1..2{scaled}"),
        "ground_floor_area_m2": t(f"A_Calc_Floor_1..2{scaled}"),
        "floor_perimeter_m": assumed(
            "TABULA gives no plan outline: the perimeter of a 2:1 rectangle of the ground floor area, "
            "3 sqrt(2 A) (the buildings schema's default); a long slab block has more"),
        "window_area_north_m2": t(f"A_Calc_Window_1..2 x TABULA's north share{scaled}"),
        "window_area_east_m2": t(f"A_Calc_Window_1..2 x TABULA's east share{scaled}"),
        "window_area_south_m2": t(f"A_Calc_Window_1..2 x TABULA's south share{scaled}"),
        "window_area_west_m2": t(f"A_Calc_Window_1..2 x TABULA's west share{scaled}"),
        "u_wall_w_m2k": t(
            "sum(U_Actual_Wall_i x b_Transmission_Wall_i x A_i) / A_wall + "
            f"delta_U_ThermalBridging ({fmt(env.delta_u_tb)}) x whole envelope area / wall "
            f"area of the TABULA example ({fmt(env.a_envelope)} / {fmt(env.a_wall)} m2): "
            "TABULA puts "
            "delta_U on every envelope element; the schema has no thermal-bridge column, so "
            "the whole thermal-bridge loss is carried by the walls and H_tr equals TABULA's"
        ),
        "u_roof_w_m2k": t("area-weighted U_Actual_Roof_i x b_Transmission_Roof_i"),
        "u_floor_w_m2k": t("area-weighted U_Actual_Floor_i x b_Transmission_Floor_i (b to soil)"),
        "u_window_w_m2k": t("area-weighted U_Actual_Window_i"),
        "g_window": t("g_gl_n_Window_1"),
        "glazing_panes": assumed(PANES_REASON, t("area-weighted U_Actual_Window_i").source),
        "frame_fraction": t("F_f (TABULA DK method value)"),
        "shading_factor": t("F_sh_vert (TABULA DK method value; TABULA's F_w is computed hour by hour instead)"),
        "heat_capacity_j_m2k": t(f"c_m {fmt(c_m)} Wh/(m2 K) x 3600 J/Wh"),
        "mass_area_factor": Prov(
            SRC_ISO13790_T12,
            False,
            "medium class, consistent with TABULA DK's c_m 45 Wh/(m2 K) = 162,000 J/(m2 K)",
        ),
        "ventilation_ach": t(
            f"n_air_infiltration {fmt(n_inf)} + n_air_use {fmt(n_use)} 1/h (TABULA method)"
        ),
        "heat_recovery_efficiency": t(
            "existing state: natural or exhaust ventilation, no heat recovery in TABULA's h_ve"
        ),
        "internal_gains_w_m2": t("phi_int (TABULA method value for Danish dwellings)"),
        "heating_setpoint_c": t("theta_i (TABULA method internal temperature)"),
        "cooling_setpoint_c": NO_COOLING,
        "heating_system": heating_prov,
        "zone": zone_prov,
    }
    return Building(values, prov, extra)


@dataclass(frozen=True)
class UseParams:
    """Operating assumptions of a tertiary use (all flagged as assumptions)."""

    room_height_m: float
    m2_per_person: float
    occupied_hours: float  # per year
    gains_occupied_w_m2: float
    gains_unoccupied_w_m2: float
    cooling_setpoint_c: float


USE_PARAMS = {
    "office": UseParams(2.8, 10.0, 2600.0, 20.0, 2.0, 26.0),
    "education": UseParams(3.0, 5.0, 2200.0, 25.0, 2.0, 26.0),
    "hospital": UseParams(3.0, 10.0, 8760.0, 10.0, 10.0, 26.0),
    "retail": UseParams(3.5, 15.0, 3640.0, 20.0, 2.0, 26.0),
    "daycare": UseParams(2.7, 4.0, 2500.0, 15.0, 2.0, 50.0),
}
STOREY_OVER_ROOM_HEIGHT_M = 0.5  # slab and ceiling void: storey height = room height + 0.5 m
PERSON_LPS = 7.0  # EN 16798-1 cat II, l/s per person
BUILDING_LPS_M2 = 0.7  # EN 16798-1 cat II, low-polluting building, l/s per m2


def heat_recovery_of_plant(year: int) -> float:
    """Temperature efficiency of the ventilation heat exchanger by construction year."""
    return 0.75 if year >= 2006 else 0.6


def tertiary(
    tabula: dict[str, dict[str, str]],
    *,
    building_id: str,
    use: str,
    use_prov: Prov,
    year: int,
    year_prov: Prov,
    count: int,
    count_prov: Prov,
    gross_m2: float,
    gross_prov: Prov,
    storeys: int,
    depth_m: float,
    window_to_wall: float,
    zone: str,
    zone_prov: Prov,
    geometry_reason: str,
) -> Building:
    """A tertiary archetype: box geometry, envelope of the TABULA block of the same period."""
    code = tabula_variant(tabula, "AB", year)
    row = tabula[code]
    env = envelope(tabula, code)
    p = USE_PARAMS[use]
    a_f = gross_m2 * env.ref_to_gross
    footprint = gross_m2 / storeys
    length = footprint / depth_m
    storey_h = p.room_height_m + STOREY_OVER_ROOM_HEIGHT_M
    facade_ns = length * storeys * storey_h  # each of the two long (north, south) facades
    facade_ew = depth_m * storeys * storey_h  # each of the two short (east, west) facades
    north = south = window_to_wall * facade_ns
    east = west = window_to_wall * facade_ew
    a_wall = (1.0 - window_to_wall) * 2.0 * (facade_ns + facade_ew)
    a_window = north + south + east + west
    a_env = a_wall + 2.0 * footprint + a_window
    u_wall_plain = env.h_wall / env.a_wall
    u_wall = u_wall_plain + env.delta_u_tb * a_env / a_wall
    q_mech = PERSON_LPS / p.m2_per_person + BUILDING_LPS_M2  # l/(s m2) while in operation
    n_mech = q_mech * LPS_M2_TO_M3H_M2 / p.room_height_m * p.occupied_hours / HOURS_PER_YEAR
    n_inf = num(row, "n_air_infiltration")
    eta_plant = heat_recovery_of_plant(year)
    plant_age = "built 2006 or later" if year >= 2006 else "older plant, cross-flow exchanger"
    frac = p.occupied_hours / HOURS_PER_YEAR
    gains = p.gains_occupied_w_m2 * frac + p.gains_unoccupied_w_m2 * (1.0 - frac)
    f_f, f_sh = num(row, "F_f"), num(row, "F_sh_vert")

    values: dict[str, object] = {
        "building_id": building_id,
        "use": use,
        "construction_year": year,
        "count": count,
        "heated_floor_area_m2": a_f,
        "room_height_m": p.room_height_m,
        "wall_area_m2": a_wall,
        "roof_area_m2": footprint,
        "ground_floor_area_m2": footprint,
        "floor_perimeter_m": 2.0 * (length + depth_m),
        "window_area_north_m2": north,
        "window_area_east_m2": east,
        "window_area_south_m2": south,
        "window_area_west_m2": west,
        "u_wall_w_m2k": u_wall,
        "u_roof_w_m2k": env.h_roof / env.a_roof,
        "u_floor_w_m2k": env.h_floor / env.a_floor,
        "u_window_w_m2k": env.h_window / env.a_window,
        "g_window": num(row, "g_gl_n_Window_1"),
        "glazing_panes": panes_of_window(env.h_window / env.a_window),
        "frame_fraction": f_f,
        "shading_factor": f_sh,
        "heat_capacity_j_m2k": 165000.0,
        "mass_area_factor": 2.5,
        "ventilation_ach": n_mech + n_inf,
        "heat_recovery_efficiency": eta_plant * n_mech / (n_mech + n_inf),
        "internal_gains_w_m2": gains,
        "heating_setpoint_c": 20.0,
        "cooling_setpoint_c": p.cooling_setpoint_c,
        "heating_system": "district_heating",
        "zone": zone,
    }
    proxy = (
        f"TABULA has no tertiary types: envelope of the TABULA DK apartment block of the "
        f"same construction period ({code}) as a proxy for the Danish building regulations "
        f"in force when built"
    )
    geom = (
        f"box geometry: {storeys} storey(s), depth {fmt(depth_m)} m, long facades facing "
        f"north/south, storey height = room height + {fmt(STOREY_OVER_ROOM_HEIGHT_M)} m, "
        f"window-to-wall ratio {fmt(window_to_wall)}; {geometry_reason}"
    )
    pc = TABULA_CITE.format(code=code)
    prov = {
        "use": use_prov,
        "construction_year": year_prov,
        "count": count_prov,
        "heated_floor_area_m2": Prov(
            gross_prov.source,
            gross_prov.assumption,
            f"gross floor area {fmt(gross_m2)} m2 per building x TABULA DK's "
            f"reference-to-gross factor A_C_Ref/A_C_National {fmt(env.ref_to_gross)} "
            f"(same floor-area basis as the residential rows); gross area: {gross_prov.reason}",
        ),
        "room_height_m": assumed(f"typical clear room height of {use} buildings"),
        "wall_area_m2": assumed(geom),
        "roof_area_m2": assumed(f"footprint = gross floor area / storeys; {geom}"),
        "ground_floor_area_m2": assumed(f"footprint = gross floor area / storeys; {geom}"),
        "floor_perimeter_m": assumed(f"2 x (length + depth) of the footprint; {geom}"),
        "window_area_north_m2": assumed(geom),
        "window_area_east_m2": assumed(geom),
        "window_area_south_m2": assumed(geom),
        "window_area_west_m2": assumed(geom),
        "u_wall_w_m2k": assumed(
            f"{proxy}: wall U {fmt(u_wall_plain)} + delta_U_ThermalBridging "
            f"{fmt(env.delta_u_tb)} x envelope area / wall area (as for the residential rows)",
            pc,
        ),
        "u_roof_w_m2k": assumed(f"{proxy}: area-weighted U x b of the roof", pc),
        "u_floor_w_m2k": assumed(f"{proxy}: area-weighted U x b of the ground floor", pc),
        "u_window_w_m2k": assumed(f"{proxy}: window U", pc),
        "g_window": assumed(f"{proxy}: g_gl_n_Window_1", pc),
        "glazing_panes": assumed(PANES_REASON, pc),
        "frame_fraction": assumed("TABULA DK method frame fraction F_f applied to tertiary glazing as well", pc),
        "shading_factor": assumed("TABULA DK method shading factor F_sh_vert applied to tertiary glazing as well",
                                  pc),
        "heat_capacity_j_m2k": assumed(
            "medium class assumed for tertiary buildings (no data on their construction)",
            SRC_ISO13790_T12,
        ),
        "mass_area_factor": assumed(
            "medium class assumed for tertiary buildings", SRC_ISO13790_T12
        ),
        "ventilation_ach": assumed(
            f"time-averaged mechanical ventilation {fmt(q_mech)} l/(s m2) ({fmt(PERSON_LPS)} "
            f"l/s per person at {fmt(p.m2_per_person)} m2/person + {fmt(BUILDING_LPS_M2)} "
            f"l/(s m2)) x 3.6 / room height x {fmt(p.occupied_hours)} h/8760 h = "
            f"{fmt(n_mech)} 1/h, plus infiltration n_air_infiltration {fmt(n_inf)} 1/h of "
            f"{code}; operating hours are a typical value for {use} buildings",
            SRC_EN16798,
        ),
        "heat_recovery_efficiency": assumed(
            f"plant efficiency {fmt(eta_plant)} ({plant_age}) "
            f"weighted by the mechanical share of the air change ({fmt(n_mech)} of "
            f"{fmt(n_mech + n_inf)} 1/h), since the schema applies the efficiency to the "
            "whole air change and infiltration is not recovered"
        ),
        "internal_gains_w_m2": assumed(
            f"occupied {fmt(p.gains_occupied_w_m2)} W/m2 (people at {fmt(p.m2_per_person)} "
            f"m2/person, appliances, lighting) for {fmt(p.occupied_hours)} h/yr and "
            f"{fmt(p.gains_unoccupied_w_m2)} W/m2 otherwise, averaged over the year; "
            "ISO 13790 Annex G / EN 16798-1 style typical values"
        ),
        "heating_setpoint_c": assumed("category II winter minimum", SRC_EN16798),
        "cooling_setpoint_c": (
            assumed("category II summer maximum", SRC_EN16798)
            if p.cooling_setpoint_c < 50
            else assumed(
                "daycare buildings in Denmark are not mechanically cooled; 50 disables cooling"
            )
        ),
        "heating_system": DH_ESTATE,
        "zone": zone_prov,
    }
    extra = [
        ("tabula_variant", code, "-", assumed(proxy, pc)),
        ("gross_floor_area_m2", gross_m2, "m2", gross_prov),
    ]
    return Building(values, prov, extra)


# --------------------------------------------------------------------------------------
# The district
# --------------------------------------------------------------------------------------
def district(tabula: dict[str, dict[str, str]]) -> list[Building]:
    """All archetype rows of the Aalborg East default stock."""
    b: list[Building] = []
    R = lambda **kw: b.append(residential(tabula, **kw))  # noqa: E731
    T = lambda **kw: b.append(tertiary(tabula, **kw))  # noqa: E731

    zone_estate = lambda name: assumed(  # noqa: E731
        f"transport zone = the estate ({name}); zone boundaries are placeholders until the "
        "transport zoning is defined"
    )
    zone_area = lambda what: assumed(  # noqa: E731
        f"transport zone placeholder for {what}; to be replaced by the transport zoning"
    )
    social_m2 = assumed(
        "80 m2 gross per dwelling: typical Danish social family flat (not in the sources); "
        "TABULA's 1961-1978 examples have 67-82 m2 gross per apartment"
    )

    # ---- Kildeparken (Himmerland Boligforening), early 1970s ---------------------------
    kp_year = Prov(
        SRC_KILDEPARKEN_BUILT,
        True,
        "'early 1970s': 1972 taken as the representative year (TABULA period 1961-1972)",
    )
    kp_block = assumed(
        "12 dwellings per two-storey block: (~1,030 dwellings - 155 courtyard houses) / 73 "
        "blocks = ~12; Fyrkildevej 420 = 35 blocks x 12",
        f"{SRC_KILDEPARKEN_COWI}; {SRC_KILDEPARKEN_STOREYS}",
    )
    R(
        building_id="kildeparken_fyrkildevej_ab",
        kind="AB",
        year=1972,
        year_prov=kp_year,
        count=35,
        count_prov=Prov(
            SRC_KILDEPARKEN,
            True,
            "Fyrkildevej 420 dwellings (source) / 12 dwellings per block (assumption) = 35 blocks",
        ),
        dwellings_per_building=12,
        dwellings_prov=kp_block,
        gross_m2_per_dwelling=80.0,
        gross_prov=social_m2,
        zone="kildeparken",
        zone_prov=zone_estate("Kildeparken"),
    )
    R(
        building_id="kildeparken_ravn_blaa_ab",
        kind="AB",
        year=1972,
        year_prov=kp_year,
        count=38,
        count_prov=Prov(
            f"{SRC_KILDEPARKEN_COWI}; {SRC_KILDEPARKEN}",
            True,
            "Ravnkildevej and Blaakildevej blocks: 73 blocks in Kildeparken (source) - 35 on "
            "Fyrkildevej = 38 blocks of 12 dwellings = 456 dwellings; Kildeparken total "
            "420 + 456 + 155 = 1,031 dwellings, inside the ~1,000-1,100 of the sources",
        ),
        dwellings_per_building=12,
        dwellings_prov=kp_block,
        gross_m2_per_dwelling=80.0,
        gross_prov=social_m2,
        zone="kildeparken",
        zone_prov=zone_estate("Kildeparken"),
    )
    R(
        building_id="kildeparken_courtyard_th",
        kind="TH",
        year=1972,
        year_prov=kp_year,
        count=155,
        count_prov=Prov(SRC_KILDEPARKEN_COWI, False, "155 courtyard houses (gaardhuse)"),
        zone="kildeparken",
        zone_prov=zone_estate("Kildeparken"),
    )

    # ---- other 1970s social-housing estates ---------------------------------------------
    block20 = assumed(
        "20 dwellings per block (TABULA's 1961-1978 examples have 24-28 apartments in 3-5 "
        "storeys); the block size does not change the heat need per m2"
    )
    R(
        building_id="sallingsundvej_ab",
        kind="AB",
        year=1970,
        year_prov=assumed(
            "construction year not in the sources; 1970 assumed from the district's "
            "development (planned in the 1960s, built up from around 1970)",
            SRC_AALBORG_EAST_1960S,
        ),
        count=20,
        count_prov=Prov(
            SRC_SALLINGSUND, True, "~400 dwellings (source) / 20 per block (assumption)"
        ),
        dwellings_per_building=20,
        dwellings_prov=block20,
        gross_m2_per_dwelling=80.0,
        gross_prov=social_m2,
        zone="sallingsundvej",
        zone_prov=zone_estate("Sallingsundvej/Tambosundvej"),
    )
    R(
        building_id="smedegaard_ab",
        kind="AB",
        year=1975,
        year_prov=assumed(
            "construction year not in the sources; mid-1970s assumed like the other estates "
            "of the district (TABULA period 1973-1978)",
            SRC_AALBORG_EAST_1960S,
        ),
        count=25,
        count_prov=assumed(
            "Smedegaard's dwelling count is not in the sources: 500 dwellings assumed (between "
            "Sallingsundvej's ~400 and Kildeparken's ~1,000, the estates of the same "
            "programme) = 25 blocks of 20; replace with the BBR count",
            SRC_FACTS_PLACE,
        ),
        dwellings_per_building=20,
        dwellings_prov=block20,
        gross_m2_per_dwelling=80.0,
        gross_prov=social_m2,
        zone="smedegaard",
        zone_prov=zone_estate("Smedegaard"),
    )
    R(
        building_id="tornhoej_ab",
        kind="AB",
        year=1976,
        year_prov=Prov(
            SRC_TORNHOEJ,
            True,
            "'since the 1970s': 1976 taken as the representative year (TABULA period 1973-1978)",
        ),
        count=30,
        count_prov=assumed(
            "Tornhoej's dwelling count is not in the sources: 600 dwellings assumed "
            "('a large number of dwellings since the 1970s') = 30 blocks of 20; replace "
            "with the BBR count",
            SRC_TORNHOEJ,
        ),
        dwellings_per_building=20,
        dwellings_prov=block20,
        gross_m2_per_dwelling=80.0,
        gross_prov=social_m2,
        zone="tornhoej",
        zone_prov=zone_estate("Tornhoej"),
    )
    R(
        building_id="tornhoejgaardparken_ab",
        kind="AB",
        year=2021,
        year_prov=Prov(SRC_TORNHOEJGAARDPARKEN, False, "handed over summer 2021"),
        count=1,
        count_prov=Prov(
            SRC_TORNHOEJGAARDPARKEN, True, "the 114 flats represented as one building"
        ),
        dwellings_per_building=114,
        dwellings_prov=Prov(SRC_TORNHOEJGAARDPARKEN, False, "90 social + 24 private flats"),
        gross_m2_per_dwelling=80.0,
        gross_prov=social_m2,
        zone="tornhoej",
        zone_prov=zone_estate("Tornhoej"),
    )
    hvalp_year = Prov(SRC_HVALPSUNDVEJ, False, "built 1982-83 (TABULA period 1979-1998)")
    R(
        building_id="hvalpsundvej_th",
        kind="TH",
        year=1982,
        year_prov=hvalp_year,
        count=164,
        count_prov=Prov(
            SRC_HVALPSUNDVEJ,
            True,
            "164 dwellings (source), row and detached houses all represented by the TABULA "
            "terraced house",
        ),
        zone="hvalpsundvej",
        zone_prov=zone_estate("Hvalpsundvej/Oddesundvej"),
    )
    R(
        building_id="oddesundvej_th",
        kind="TH",
        year=1982,
        year_prov=hvalp_year,
        count=200,
        count_prov=assumed(
            "dwelling count not in the source: 164 x renovation budget ratio 270/222 = ~200 "
            "(same architectural concept and period as Hvalpsundvej)",
            SRC_HVALPSUNDVEJ,
        ),
        zone="hvalpsundvej",
        zone_prov=zone_estate("Hvalpsundvej/Oddesundvej"),
    )

    # ---- student housing near the campus ------------------------------------------------
    student_m2 = assumed("35 m2 gross per youth/student dwelling (typical Danish ungdomsbolig)")
    R(
        building_id="student_housing_2000s_ab",
        kind="AB",
        year=2003,
        year_prov=assumed("built around the campus in the 2000s (TABULA period 1999-2006)"),
        count=15,
        count_prov=assumed(
            "600 student dwellings of the 2000s near AAU's main campus assumed (20,000+ "
            "students study there; counts not in the sources) = 15 blocks of 40",
            SRC_FACTS_PLACE,
        ),
        dwellings_per_building=40,
        dwellings_prov=assumed("40 student dwellings per block"),
        gross_m2_per_dwelling=35.0,
        gross_prov=student_m2,
        zone="campus",
        zone_prov=zone_area("student housing at the campus"),
    )
    R(
        building_id="student_housing_2010s_ab",
        kind="AB",
        year=2015,
        year_prov=assumed("built around the campus after 2010 (TABULA period 2011-)"),
        count=8,
        count_prov=assumed(
            "400 student dwellings after 2010 near AAU's main campus assumed (counts not in "
            "the sources) = 8 blocks of 50",
            SRC_FACTS_PLACE,
        ),
        dwellings_per_building=50,
        dwellings_prov=assumed("50 student dwellings per block"),
        gross_m2_per_dwelling=35.0,
        gross_prov=student_m2,
        zone="campus",
        zone_prov=zone_area("student housing at the campus"),
    )

    # ---- owner-occupied terraced and single-family houses --------------------------------
    R(
        building_id="terraced_1970s_th",
        kind="TH",
        year=1976,
        year_prov=assumed("1970s private terraced-house areas (TABULA period 1973-1978)"),
        count=300,
        count_prov=assumed(
            "300 private terraced houses assumed (no count in the sources); replace with the "
            "BBR count by postcode 9220"
        ),
        zone="sfh_south",
        zone_prov=zone_area("the southern low-rise residential areas"),
    )
    sfh_total = (
        "2,400 detached houses in postcode 9220 assumed (~35% of the ~6,700 dwellings of this "
        "table, a share typical of Danish suburban districts with large social-housing "
        "estates); the split by period follows the district's build-up (planned in the "
        "1960s, built mainly 1965-1998, ~20% after 1998) and the split by heating system "
        "assumes ~90% district heating (Aalborg East is in the district-heating area); none "
        "of it is from BBR - replace with BBR counts by postcode, period and heat source"
    )
    sfh_rows = [
        # id suffix, year, count, heating system, zone
        ("1961_1972_dh", 1967, 620, "district_heating", "sfh_north"),
        ("1961_1972_gas", 1967, 50, "gas_boiler", "sfh_north"),
        ("1961_1972_oil", 1967, 30, "oil_boiler", "sfh_north"),
        ("1973_1978_dh", 1975, 540, "district_heating", "sfh_south"),
        ("1973_1978_gas", 1975, 40, "gas_boiler", "sfh_south"),
        ("1973_1978_hp_air", 1975, 20, "heat_pump_air", "sfh_south"),
        ("1979_1998_dh", 1988, 560, "district_heating", "sfh_south"),
        ("1979_1998_hp_air", 1988, 40, "heat_pump_air", "sfh_south"),
        ("1999_2006_dh", 2003, 200, "district_heating", "sfh_north"),
        ("2007_2010_dh", 2008, 100, "district_heating", "sfh_north"),
        ("2011_dh", 2015, 150, "district_heating", "sfh_north"),
        ("2011_hp_ground", 2015, 50, "heat_pump_ground", "sfh_north"),
    ]
    for suffix, year, count, heating, zone in sfh_rows:
        individual = heating != "district_heating"
        R(
            building_id=f"sfh_{suffix}",
            kind="SFH",
            year=year,
            year_prov=assumed("middle of the TABULA construction period of the row"),
            count=count,
            count_prov=assumed(sfh_total, SRC_FACTS_PLACE),
            heating_system=heating,
            heating_prov=assumed(
                (
                    "individual heating outside the district-heating network: share of the "
                    "period's houses assumed (gas/oil in older houses, heat pumps in newer "
                    "or converted ones)"
                )
                if individual
                else "connected to Aalborg's district heating (Aalborg East is in the "
                "district-heating area)"
            ),
            zone=zone,
            zone_prov=zone_area("the northern/southern single-family areas"),
        )

    # ---- Aalborg University main campus -------------------------------------------------
    aau_use = Prov(SRC_FACTS_PLACE, False, "Aalborg University main campus")
    aau_split = (
        "campus ~170,000 m2 gross (source) split by period as an assumption: 80,000 m2 "
        "one-storey 1970s buildings, 40,000 m2 1979-2004, 50,000 m2 since 2005, in "
        "buildings of 5,000 m2"
    )
    for bid, year, count, storeys, depth, wwr, yr_reason, g_reason in [
        ("aau_campus_1974", 1974, 16, 1, 20.0, 0.25, "oldest buildings from 1974 (source)",
         "one-storey brick buildings with flat roofs (source)"),
        ("aau_campus_1990", 1990, 8, 2, 18.0, 0.30,
         "buildings of 1979-2004 represented by 1990 (assumption)", "two storeys assumed"),
        ("aau_campus_2010", 2010, 10, 3, 18.0, 0.45,
         "buildings since 2005 represented by 2010 (assumption)",
         "three storeys with glass facades (source); window ratio assumed"),
    ]:
        T(
            building_id=bid,
            use="education",
            use_prov=aau_use,
            year=year,
            year_prov=Prov(SRC_AAU, year != 1974, yr_reason),
            count=count,
            count_prov=Prov(SRC_AAU, True, aau_split),
            gross_m2=5000.0,
            gross_prov=Prov(SRC_AAU, True, aau_split),
            storeys=storeys,
            depth_m=depth,
            window_to_wall=wwr,
            zone="campus",
            zone_prov=zone_area("AAU's main campus"),
            geometry_reason=g_reason,
        )
    T(
        building_id="aau_health_faculty",
        use="education",
        use_prov=Prov(SRC_NAU_PERIOD, False, "AAU faculty of health next to the new hospital"),
        year=2022,
        year_prov=assumed("completed with the hospital (project period to 2022)", SRC_NAU_PERIOD),
        count=1,
        count_prov=Prov(SRC_NAU_PERIOD, False, "one faculty building"),
        gross_m2=25000.0,
        gross_prov=Prov(
            SRC_NAU_PERIOD,
            False,
            "25,000 m2 new building (the 2012 competition brief gave 17,000 m2)",
        ),
        storeys=4,
        depth_m=18.0,
        window_to_wall=0.40,
        zone="hospital",
        zone_prov=zone_area("the new university hospital site"),
        geometry_reason="four storeys assumed",
    )

    # ---- new Aalborg University Hospital ------------------------------------------------
    nau_year = assumed("completed at the end of the project period 2010-2022", SRC_NAU_PERIOD)
    T(
        building_id="hospital_main",
        use="hospital",
        use_prov=Prov(SRC_NAU, False, "new Aalborg University Hospital (somatic)"),
        year=2022,
        year_prov=nau_year,
        count=1,
        count_prov=Prov(SRC_NAU, True, "the hospital complex represented as one building"),
        gross_m2=150000.0,
        gross_prov=Prov(SRC_NAU, False, "170,000 m2 incl. the 20,000 m2 service house"),
        storeys=6,
        depth_m=30.0,
        window_to_wall=0.35,
        zone="hospital",
        zone_prov=zone_area("the new university hospital site"),
        geometry_reason="six storeys and a 30 m deep plan assumed",
    )
    T(
        building_id="hospital_service_house",
        use="office",
        use_prov=Prov(SRC_NAU, True, "service house for non-clinical services, modelled as office"),
        year=2022,
        year_prov=nau_year,
        count=1,
        count_prov=Prov(SRC_NAU, False, "one service house"),
        gross_m2=20000.0,
        gross_prov=Prov(SRC_NAU, False, "service house 20,000 m2"),
        storeys=3,
        depth_m=20.0,
        window_to_wall=0.30,
        zone="hospital",
        zone_prov=zone_area("the new university hospital site"),
        geometry_reason="three storeys assumed",
    )
    T(
        building_id="hospital_psychiatry",
        use="hospital",
        use_prov=Prov(SRC_NAU, False, "psychiatric hospital at the new university hospital"),
        year=2021,
        year_prov=Prov(
            SRC_NAU_PERIOD, True, "first stage 2016-2021; later stages assumed the same"
        ),
        count=1,
        count_prov=Prov(SRC_NAU, False, "one psychiatry complex"),
        gross_m2=26000.0,
        gross_prov=Prov(SRC_NAU, False, "psychiatry 26,000 m2 in total"),
        storeys=3,
        depth_m=20.0,
        window_to_wall=0.30,
        zone="hospital",
        zone_prov=zone_area("the new university hospital site"),
        geometry_reason="three storeys assumed",
    )
    T(
        building_id="steno_diabetes_center",
        use="hospital",
        use_prov=Prov(SRC_NAU, True, "Steno Diabetes Center (outpatient), modelled as hospital"),
        year=2022,
        year_prov=nau_year,
        count=1,
        count_prov=Prov(SRC_NAU, False, "one building"),
        gross_m2=8000.0,
        gross_prov=Prov(SRC_NAU, False, "~8,000 m2"),
        storeys=3,
        depth_m=18.0,
        window_to_wall=0.35,
        zone="hospital",
        zone_prov=zone_area("the new university hospital site"),
        geometry_reason="three storeys assumed",
    )

    # ---- schools, daycare, offices, retail (no counts in the sources) --------------------
    T(
        building_id="schools_1970s",
        use="education",
        use_prov=assumed("public schools (folkeskoler) serving the district"),
        year=1975,
        year_prov=assumed("built with the 1970s estates (TABULA period 1973-1978)"),
        count=4,
        count_prov=assumed(
            "4 public schools assumed for ~6,700 dwellings (a Danish school typically "
            "serves 1,500-2,500 dwellings)"
        ),
        gross_m2=7000.0,
        gross_prov=assumed("7,000 m2 gross per school (~600 pupils at ~12 m2/pupil)"),
        storeys=2,
        depth_m=15.0,
        window_to_wall=0.25,
        zone="east_centre",
        zone_prov=zone_area("the district centre (schools spread over the estates)"),
        geometry_reason="two storeys assumed",
    )
    T(
        building_id="daycare_1970s",
        use="daycare",
        use_prov=assumed("daycare institutions of the estates"),
        year=1975,
        year_prov=assumed("built with the 1970s estates (TABULA period 1973-1978)"),
        count=8,
        count_prov=assumed("8 daycare institutions of the 1970s assumed (no count in the sources)"),
        gross_m2=700.0,
        gross_prov=assumed("700 m2 gross per institution (~80 children)"),
        storeys=1,
        depth_m=12.0,
        window_to_wall=0.25,
        zone="kildeparken",
        zone_prov=zone_area("the social-housing estates"),
        geometry_reason="one storey assumed",
    )
    T(
        building_id="daycare_2010s",
        use="daycare",
        use_prov=assumed("newer daycare institutions"),
        year=2015,
        year_prov=assumed("built after 2010 (TABULA period 2011-)"),
        count=4,
        count_prov=assumed("4 daycare institutions built after 2010 assumed"),
        gross_m2=800.0,
        gross_prov=assumed("800 m2 gross per institution (~90 children)"),
        storeys=1,
        depth_m=12.0,
        window_to_wall=0.30,
        zone="sfh_north",
        zone_prov=zone_area("the newer residential areas"),
        geometry_reason="one storey assumed",
    )
    T(
        building_id="offices_science_park",
        use="office",
        use_prov=assumed("offices of the science park and companies next to the campus"),
        year=2005,
        year_prov=assumed("built around 2000-2006 (TABULA period 1999-2006)"),
        count=8,
        count_prov=assumed("8 office buildings assumed (no count in the sources)"),
        gross_m2=5000.0,
        gross_prov=assumed("5,000 m2 gross per building (40,000 m2 in all)"),
        storeys=3,
        depth_m=15.0,
        window_to_wall=0.40,
        zone="business_park",
        zone_prov=zone_area("the science park / business area next to the campus"),
        geometry_reason="three storeys assumed",
    )
    T(
        building_id="offices_1980s",
        use="office",
        use_prov=assumed("local offices, clinics and public services"),
        year=1985,
        year_prov=assumed("built in the 1980s (TABULA period 1979-1998)"),
        count=6,
        count_prov=assumed("6 office buildings assumed (no count in the sources)"),
        gross_m2=2500.0,
        gross_prov=assumed("2,500 m2 gross per building"),
        storeys=2,
        depth_m=14.0,
        window_to_wall=0.30,
        zone="east_centre",
        zone_prov=zone_area("the district centre"),
        geometry_reason="two storeys assumed",
    )
    T(
        building_id="retail_centres_1970s",
        use="retail",
        use_prov=assumed("local shopping centres of the 1970s estates"),
        year=1975,
        year_prov=assumed("built with the 1970s estates (TABULA period 1973-1978)"),
        count=3,
        count_prov=assumed("3 local centres assumed (no count in the sources)"),
        gross_m2=4000.0,
        gross_prov=assumed("4,000 m2 gross per centre"),
        storeys=1,
        depth_m=40.0,
        window_to_wall=0.15,
        zone="east_centre",
        zone_prov=zone_area("the district centre"),
        geometry_reason="one storey assumed",
    )
    T(
        building_id="retail_supermarkets_2000s",
        use="retail",
        use_prov=assumed("stand-alone supermarkets"),
        year=2004,
        year_prov=assumed("built around 2000-2006 (TABULA period 1999-2006)"),
        count=4,
        count_prov=assumed("4 supermarkets assumed (no count in the sources)"),
        gross_m2=1800.0,
        gross_prov=assumed("1,800 m2 gross per store"),
        storeys=1,
        depth_m=35.0,
        window_to_wall=0.15,
        zone="east_centre",
        zone_prov=zone_area("the district centre"),
        geometry_reason="one storey assumed",
    )
    T(
        building_id="tornhoejgaardparken_retail",
        use="retail",
        use_prov=Prov(SRC_TORNHOEJGAARDPARKEN, False, "a Lidl store and a cafe"),
        year=2021,
        year_prov=Prov(SRC_TORNHOEJGAARDPARKEN, False, "handed over summer 2021"),
        count=1,
        count_prov=Prov(SRC_TORNHOEJGAARDPARKEN, False, "one retail unit"),
        gross_m2=12000.0 - 114 * 80.0,
        gross_prov=assumed(
            "12,000 m2 gross of the project (source) - 114 flats x 80 m2 (assumption) = "
            "2,880 m2",
            SRC_TORNHOEJGAARDPARKEN,
        ),
        storeys=1,
        depth_m=30.0,
        window_to_wall=0.25,
        zone="tornhoej",
        zone_prov=zone_estate("Tornhoej"),
        geometry_reason="one storey assumed",
    )
    return b


def with_use_profiles(buildings: list[Building], schema: list[dict],
                      path: Path = USE_PROFILES_PATH) -> list[Building]:
    """Set the columns filled from use profiles that a row leaves open to its use's default.

    The value and its source come from the use-profiles file, so the table states every
    value the model uses; columns in the schema order.
    """
    with open(path, "rb") as f:
        profiles = tomllib.load(f)["use"]
    names = [c["name"] for c in schema]
    out = []
    for bld in buildings:
        values, prov = dict(bld.values), dict(bld.prov)
        for col in schema:
            name = col["name"]
            if col.get("filled_by") != "use_profiles" or name in values:
                continue
            entry = profiles[values["use"]][name]
            values[name] = entry["value"]
            reason = f"typical value of the use '{values['use']}' (src/smartcity/data/use_profiles.toml)"
            if entry.get("reason"):
                reason += f"; {entry['reason']}"
            prov[name] = Prov(entry.get("source") or SRC_ASSUMPTION, bool(entry.get("assumption", False)), reason)
        out.append(Building({n: values[n] for n in names if n in values}, prov, bld.extra))
    return out


#: Columns the table takes at the schema's default, the standard's value, each cited in the
#: schema's description; flagged where the default stands in for a survey of the buildings.
STANDARD_DEFAULTS = {
    "absorptance_wall": "no survey of the facades' colours: the standard's default for a medium colour",
    "absorptance_roof": "no survey of the roofs' colours: the standard's default for a medium colour",
    "emissivity_envelope": "",
    "surface_area_factor": "",
    "surface_heat_transfer_w_m2k": "",
    "internal_gains_convective_share": "",
    "ground_conductivity_w_mk": "no survey of the soil under the estates: the standard's value for an unknown soil",
    "ground_heat_capacity_j_m3k": "no survey of the soil under the estates: the standard's value for an unknown soil",
}


def with_standard_defaults(buildings: list[Building], schema: list[dict]) -> list[Building]:
    """Set the columns of :data:`STANDARD_DEFAULTS` to the schema default, citing its source."""
    names = [c["name"] for c in schema]
    columns = {c["name"]: c for c in schema}
    out = []
    for bld in buildings:
        values, prov = dict(bld.values), dict(bld.prov)
        for name, reason in STANDARD_DEFAULTS.items():
            if name not in values:
                values[name] = columns[name]["default"]
                prov[name] = Prov(columns[name]["description"], bool(reason), reason or "the standard's value")
        out.append(Building({n: values[n] for n in names if n in values}, prov, bld.extra))
    return out


# --------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------
def check_against_schema(buildings: list[Building], schema: list[dict]) -> None:
    """Fail loudly before writing anything if a value breaks the schema."""
    names = [c["name"] for c in schema]
    seen: set[str] = set()
    for bld in buildings:
        v = bld.values
        if list(v) != names:
            raise ValueError(f"{v.get('building_id')}: columns differ from the schema")
        if v["building_id"] in seen:
            raise ValueError(f"duplicate building_id {v['building_id']!r}")
        seen.add(str(v["building_id"]))
        for col in schema:
            x = v[col["name"]]
            if "allowed" in col and x not in col["allowed"]:
                raise ValueError(f"{v['building_id']}: {col['name']}={x!r} not in {col['allowed']}")
            if col["dtype"] in ("int", "float"):
                x = rnd(float(x))  # type: ignore[arg-type]
                lo, hi = col.get("min"), col.get("max")
                if lo is not None and (x < lo or (col.get("min_exclusive") and x == lo)):
                    raise ValueError(f"{v['building_id']}: {col['name']}={x} below {lo}")
                if hi is not None and x > hi:
                    raise ValueError(f"{v['building_id']}: {col['name']}={x} above {hi}")
        missing = [n for n in names if n != "building_id" and n not in bld.prov]
        if missing:
            raise ValueError(f"{v['building_id']}: no source for {missing}")


def render(
    buildings: list[Building], schema: list[dict], tabula_path: Path
) -> tuple[str, str]:
    """Text of buildings.csv and buildings_sources.csv."""
    names = [c["name"] for c in schema]
    units = {c["name"]: c["unit"] for c in schema}
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(names)
    for bld in buildings:
        w.writerow([fmt(bld.values[n]) for n in names])

    src = io.StringIO()
    ws = csv.writer(src, lineterminator="\n")
    ws.writerow(SOURCES_COLUMNS)
    digest = hashlib.sha256(tabula_path.read_bytes()).hexdigest()
    ws.writerow([
        "*", "tabula_file_sha256", digest, "-", "TABULA/EPISCOPE DK typology (tabula_DK.csv), 2014",
        "false", "SHA-256 of the TABULA file the table was built from",
    ])
    ws.writerow([
        "*", "storey_over_room_height_m", fmt(STOREY_OVER_ROOM_HEIGHT_M), "m", SRC_ASSUMPTION,
        "true", "tertiary box geometry: storey height = room height + slab and ceiling void",
    ])
    ws.writerow([
        "*", "baseline_state", "as built (TABULA existing state)", "-", SRC_KILDEPARKEN, "true",
        "rows describe buildings before later renovations (e.g. Kildeparken 2020, the "
        "Sallingsundvej/Tambosundvej and Hvalpsundvej/Oddesundvej renovations); those belong "
        "in the scenarios' dated measures so that years before them are represented",
    ])
    for bld in buildings:
        bid = str(bld.values["building_id"])
        for n in names:
            if n == "building_id":
                continue
            p = bld.prov[n]
            ws.writerow([bid, n, fmt(bld.values[n]), units[n], p.source,
                         fmt(p.assumption), p.reason])
        for name, value, unit, p in bld.extra:
            ws.writerow([bid, name, fmt(value), unit, p.source, fmt(p.assumption), p.reason])
    return out.getvalue(), src.getvalue()


def write_atomically(files: dict[Path, str]) -> None:
    """Write every file to a temporary sibling first, then rename them all into place."""
    tmp: list[tuple[str, Path]] = []
    try:
        for path, text in files.items():
            fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            tmp.append((name, path))
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
                f.write(text)
                f.flush()
                os.fsync(f.fileno())
        for name, path in tmp:
            os.replace(name, path)
    finally:
        for name, _ in tmp:
            if os.path.exists(name):
                os.unlink(name)


def summary(buildings: list[Building]) -> str:
    n = sum(int(b.values["count"]) for b in buildings)  # type: ignore[arg-type]
    area: dict[str, float] = {}
    for b in buildings:
        u = str(b.values["use"])
        a = int(b.values["count"]) * float(b.values["heated_floor_area_m2"])
        area[u] = area.get(u, 0.0) + a
    dwellings = sum(
        int(b.values["count"]) * int(v)  # type: ignore[arg-type]
        for b in buildings
        for name, v, _, _ in b.extra
        if name == "dwellings_per_building"
    )
    lines = [f"{len(buildings)} rows, {n} buildings, {dwellings} dwellings"]
    lines += [f"  {u:16s} {a:12,.0f} m2" for u, a in area.items()]
    lines.append(f"  {'total':16s} {sum(area.values()):12,.0f} m2 heated floor area")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tabula", type=Path, default=DEFAULT_TABULA,
                        help="TABULA DK CSV (default: tabula/tabula_DK.csv next to this script)")
    parser.add_argument("--out-dir", type=Path, default=HERE,
                        help="folder for buildings.csv and buildings_sources.csv "
                        "(default: next to this script)")
    parser.add_argument("--quiet", action="store_true", help="do not print the summary")
    args = parser.parse_args(argv)
    if not args.tabula.is_file():
        print(f"error: TABULA file not found: {args.tabula}", file=sys.stderr)
        return 2
    if not args.out_dir.is_dir():
        print(f"error: output folder not found: {args.out_dir}", file=sys.stderr)
        return 2
    schema = load_schema()
    tabula = load_tabula(args.tabula)
    buildings = with_standard_defaults(with_use_profiles(district(tabula), schema), schema)
    check_against_schema(buildings, schema)
    table, sources = render(buildings, schema, args.tabula)
    write_atomically({args.out_dir / BUILDINGS_FILE: table, args.out_dir / SOURCES_FILE: sources})
    if not args.quiet:
        print(summary(buildings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
