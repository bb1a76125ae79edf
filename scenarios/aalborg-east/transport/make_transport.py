#!/usr/bin/env python
"""Build the default Aalborg East (postcode 9220) transport zone system.

Writes six files next to this script (or into ``--out-dir``), with the columns of the
schemas in ``src/smartcity/schemas/`` in schema order:

``zones.csv``
    12 internal zones (the estates and areas of ``../buildings.csv``, the AAU campus, the
    new university hospital, Aalborg Portland) and 9 external zones (the rest of Aalborg
    and beyond), one row per zone and tabulated year.
``nodes.csv``
    Zone centroids (nodes 1-21) and junctions of the main roads (nodes 101-), EPSG:25832.
``links.csv``
    Directed links of a simplified main-road network (E45 with the Aalborg exits, the
    approach roads to the city centre, the roads of Aalborg Øst), centroid connectors and
    bike/walk paths; both directions of every two-way road.
``lines.csv``, ``line_stops.csv``
    The +BUS BRT line (planned: a scenario measure opens it), the old line 2 it replaced,
    and two other bus lines serving the district.
``sources.csv``
    One row per (file, key, column): the value, its unit, the source, whether it is an
    assumption, and the reason. ``key`` is the row's zone, node, ``from-to`` link, line,
    or ``*`` for every row of the file.

Residents of the internal zones are the dwellings of ``../buildings.csv`` (count x
``dwellings_per_building`` of ``../buildings_sources.csv``, from the construction year on)
times persons per dwelling, so the zones stay consistent with the buildings table: rerun
this script when that table changes. Node positions are approximate (see sources.csv) and
given as latitude/longitude, converted to ETRS89 / UTM 32N with the Krueger series below.

The build is deterministic; running it twice gives identical bytes.

Usage::

    python scenarios/aalborg-east/transport/make_transport.py [--out-dir DIR]
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
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCENARIO = HERE.parent
REPO_ROOT = HERE.parents[2]
SCHEMA_DIR = REPO_ROOT / "src" / "smartcity" / "schemas"
BUILDINGS = SCENARIO / "buildings.csv"
BUILDINGS_SOURCES = SCENARIO / "buildings_sources.csv"
TABLES = ("zones", "nodes", "links", "lines", "line_stops")
SOURCES_FILE = "sources.csv"
SOURCES_COLUMNS = ["file", "key", "column", "value", "unit", "source", "assumption", "reason"]

# --------------------------------------------------------------------------------------
# Sources (documents cited in sources.csv)
# --------------------------------------------------------------------------------------
SRC_ASSUMPTION = "assumption"
SRC_FACTS_PLACE = (
    "FACTS.md, Place (Statistics Denmark via aalborg.dk / trap.lex.dk): Aalborg municipality "
    "221,082 inhabitants (July 2022); the city ~120,000"
)
SRC_POPULATION_SERIES = (
    "Statistics Denmark, population on 1 January, as quoted by de.wikipedia 'Aalborg Kommune' "
    "(2013: 203,448; 2018: 213,558; 2023: 222,571) and trap.lex.dk 'Aalborg Kommunes befolkning "
    "og boliger' (2017: 211,937; DST projection 2017: 241,742 in 2045, +14 %)"
)
SRC_EAST_AALBORG = (
    "Aalborg Kommune press release (pressemeddelelse.dk, 'Aalborg Kommune inviterer 25.000 "
    "indbyggere i det oestlige Aalborg ...', c. 2022): eastern Aalborg has over 14,000 "
    "households with 30,000 inhabitants"
)
SRC_BUILDINGS = (
    "scenarios/aalborg-east/buildings.csv (count, use, construction_year, zone, "
    "heated_floor_area_m2) and buildings_sources.csv (dwellings_per_building)"
)
SRC_BUILDINGS_GROSS = (
    "scenarios/aalborg-east/README.md: heated_floor_area_m2 is TABULA's A_C_Ref = 0.85 x "
    "gross floor area in every DK variant"
)
SRC_SCHOOLS = (
    "buildings_sources.csv, schools_1970s: 4 public schools of 7,000 m2 gross, ~600 pupils "
    "each (assumption of the buildings table)"
)
SRC_AAU_STUDENTS = (
    "aau.dk 'Noegletal - studerende' (ordinary full-time students on 1 October): Campus "
    "Aalborg 2014 15,808, 2020 16,600, 2022 15,301, 2023 14,805; SUND (health) 2023 1,909"
)
SRC_AAU_STAFF = (
    "aau.dk 'Noegletal - ansatte': over 3,800 monthly-paid staff (~3,434 FTE, 2018-2022), "
    "SUND 337 FTE (2022); en.wikipedia 'Aalborg University' (2013): 2,062 academic and "
    "1,483 administrative staff"
)
SRC_AAU_POSITION = "en.wikipedia 'Aalborg University': campus coordinates 57deg00'54\"N 9deg59'06\"E"
SRC_NAU_OPENING = (
    "upday.com / Ritzau (March 2025): first patients move into the new Aalborg University "
    "Hospital 26 Jan - 8 Feb 2026; the region's central store and Steno Diabetes Center "
    "(since summer 2024) already operate; byghospitalsbyen.rn.dk 'Anlaegsprojekter': AAU's "
    "Faculty of Health (SUND) started in its new building next to the hospital in February 2023"
)
SRC_AUH_STAFF = (
    "aalborguh.rn.dk 'Noegletal': Aalborg University Hospital 7,153 full-time positions "
    "(March 2023) on all its sites; beds 1 Feb 2024: Aalborg 558 of 733"
)
SRC_AUH_SYD = (
    "de.wikipedia 'Aalborg Universitetshospital': Aalborg Sygehus Syd (Hobrovej) at "
    "57deg2'16\"N 9deg54'31\"E; trap.lex.dk 'Aalborg Universitetshospital': Aalborg Sygehus on "
    "Hobrovej; byghospitalsbyen.rn.dk (2013): Medicinerhuset and Onkologien at Aalborg "
    "Sygehus Syd stay in use for some years"
)
SRC_NAU_SITE = (
    "regioner.dk 'Aabent Hospital paa Nyt Aalborg Universitetshospital 2025': Hospitalsbyen 1, "
    "9260 Gistrup (Aalborg Oest); byghospitalsbyen.rn.dk: ~3,500 parking spaces east and "
    "south of the hospital"
)
SRC_PORTLAND = (
    "trap.lex.dk 'Aalborg Portland A/S': about 720 employees in Denmark; slks.dk "
    "'Industrihistoriens Danmarkskort: Aalborg Portland': Roerdalsvej 44, by the Limfjord "
    "about 5 km east of Aalborg"
)
SRC_CARS = (
    "FACTS.md, Transport (Statistics Denmark): 389 passenger cars per 1,000 inhabitants in "
    "Denmark in 2011, 466 in 2021"
)
SRC_E45_EXITS = (
    "nordjyske.dk (20 April 2021) 'Otte uger med vejarbejde paa E45 naer tunnelen' "
    "(Vejdirektoratet): ramps 23 Kridtsvinget, 24 Oe. Uttrup Vej, 25 Humlebakken, 26 Aalborg "
    "Oe, 27 Aalborg C, 28 Aalborg S south of the Limfjord tunnel; nordjyske.dk: exits 21 "
    "Noerresundby N and 22 Noerresundby C north of it"
)
SRC_TUNNEL = (
    "da.wikipedia (2007) 'Limfjordstunnelen': six-lane motorway (E45) tunnel opened 6 May 1969, "
    "57deg3'25\"N 9deg57'26\"E"
)
SRC_NSUNDBYGRENEN = (
    "da.wikipedia 'Noerresundbygrenen': ~500 m motorway feeder north of the Limfjord tunnel, "
    "exit 22 Noerresundby C, 57.06417 N 9.94444 E"
)
SRC_TUNNEL_DETOUR = (
    "bt.dk (December 2022), police notice: with the Limfjord tunnel closed, traffic uses "
    "Hjoerringvej, Vesterbro, Oester Alle, Gasvaerksvej and Oester Uttrup Vej"
)
SRC_ASTRUPSTIEN = (
    "byplanlab.dk, Byplanmoede 2018, excursion 10 'Kickstart forstaden': Astrupstien, the new "
    "main street (path) of eastern Aalborg; Tornhoej's new district centre and renewed tunnel link"
)
SRC_PLUSBUS = (
    "FACTS.md, Transport: +BUS opened 23 Sep 2023, Vaeddeloebsbanen - city centre - AAU, "
    "extended to Aalborg University Hospital: ~12 km, 22 stations, ~34 min end to end, "
    "dedicated lane on ~3/4 of the route, 4-8 departures/hour, 24 m battery-electric buses "
    "(Solaris Urbino 24, 150-200 passengers); +25 % passengers over the old line 2"
)
SRC_PLUSBUS_ROUTE = (
    "nordjyske.dk (February 2017) '270 mio. statskroner til +Bus-projektet' (from aalborg.dk): "
    "23 planned stops Marina (Fjordparken), Vesterkaeret, Haraldslund, Vestbyen Station, "
    "Borgergade, Oesteraa, Boulevarden, J.F. Kennedys Plads, Politigaarden, Karolinelund, "
    "Bornholmsgade S, Humlebakken, Danalien, Groenlands Torv, Scoresbysundvej, Pendlerpladsen, "
    "Gigantium, Pontoppidanstraede, Universitetet, Frederik Bajers Vej, Selma Lagerloefs Vej "
    "(AAU bus terminal), Servicebyen, Aalborg Universitetshospital; own lane between the railway "
    "station and the hospital, towards Vestbyen shared with delivery traffic; 13 minutes saved "
    "east-west compared with the buses of the time"
)
SRC_PLUSBUS_VEHICLE = (
    "byensejendom.dk / dansk-byudvikling.dk (2023), Aalborg Kommune press release: room for 153 "
    "passengers in each bus; relieves the busy line 2; 11 km to the AAU bus terminal, the "
    "hospital adds 2 stations and ~1 km"
)
SRC_OLD_LINES = (
    "nordjyske.dk 'Mange smaa aendringer' (Aalborg timetable change, mid-2000s): metrobus 6 "
    "runs Lindholm station - Universitetet via the tunnel, its peak service reduced from every "
    "10 to every 20 minutes; line 18 extended to Aalborg Oest (Stenbjergvej, Oester Uttrup, "
    "the technical college)"
)
SRC_BUS_TENDER = (
    "evp.dk 'Aalborg august 2021': the 2021 tender of Aalborg's city buses (operator Tide Bus, "
    "10 years) includes 97 ordinary electric buses besides the BRT buses"
)
SRC_BPR = (
    "Bureau of Public Roads (1964), Traffic Assignment Manual, U.S. Department of Commerce: "
    "BPR function with alpha 0.15, beta 4 (the classic default)"
)
SRC_ORTUZAR = "Ortuzar & Willumsen (2011), Modelling Transport, 4th ed., ch. 6-7 (zoning, centroid connectors)"


@dataclass(frozen=True)
class Prov:
    """Where a value comes from."""

    source: str
    assumption: bool
    reason: str


def cited(source: str, reason: str) -> Prov:
    """A value taken (or derived without further assumptions) from a source."""
    return Prov(source, False, reason)


def assumed(reason: str, source: str = SRC_ASSUMPTION) -> Prov:
    """A flagged assumption, optionally with the document that informs it."""
    return Prov(source, True, reason)


def assumed_from(source: str, reason: str) -> Prov:
    """A flagged assumption informed by a document (arguments in the order of :func:`cited`)."""
    return Prov(source, True, reason)


# --------------------------------------------------------------------------------------
# Coordinates: latitude/longitude (ETRS89 ~ WGS84 at this accuracy) to UTM zone 32N
# --------------------------------------------------------------------------------------
GRS80_A = 6378137.0
GRS80_F = 1.0 / 298.257222101
UTM_K0 = 0.9996
UTM32_LON0 = 9.0
UTM_FALSE_EASTING = 500000.0


def utm32(lat: float, lon: float) -> tuple[float, float]:
    """ETRS89 / UTM zone 32N (EPSG:25832) easting and northing [m] of a point [deg].

    Krueger's series to fourth order in the third flattening (Karney 2011, J. Geodesy 85,
    475-485, eqs. 7-11): sub-millimetre within the zone.
    """
    n = GRS80_F / (2.0 - GRS80_F)
    big_a = GRS80_A / (1.0 + n) * (1.0 + n**2 / 4.0 + n**4 / 64.0)
    alpha = (
        n / 2.0 - 2.0 / 3.0 * n**2 + 5.0 / 16.0 * n**3 + 41.0 / 180.0 * n**4,
        13.0 / 48.0 * n**2 - 3.0 / 5.0 * n**3 + 557.0 / 1440.0 * n**4,
        61.0 / 240.0 * n**3 - 103.0 / 140.0 * n**4,
        49561.0 / 161280.0 * n**4,
    )
    phi = math.radians(lat)
    lam = math.radians(lon - UTM32_LON0)
    e = 2.0 * math.sqrt(n) / (1.0 + n)
    t = math.sinh(math.atanh(math.sin(phi)) - e * math.atanh(e * math.sin(phi)))
    xi1 = math.atan2(t, math.cos(lam))
    eta1 = math.atanh(math.sin(lam) / math.sqrt(1.0 + t * t))
    xi, eta = xi1, eta1
    for j, a in enumerate(alpha, start=1):
        xi += a * math.sin(2 * j * xi1) * math.cosh(2 * j * eta1)
        eta += a * math.cos(2 * j * xi1) * math.sinh(2 * j * eta1)
    return UTM_FALSE_EASTING + UTM_K0 * big_a * eta, UTM_K0 * big_a * xi


# --------------------------------------------------------------------------------------
# Zones
# --------------------------------------------------------------------------------------
STANDARD_YEARS = (2014, 2020, 2025, 2030)
YEAR_SPAN = (2014, 2030)
RESIDENTIAL_USES = ("single_family", "terraced_house", "apartment_block")

# Persons per dwelling: eastern Aalborg's 30,000 inhabitants in 14,000 households.
PERSONS_PER_DWELLING = 30000.0 / 14000.0
PERSONS_PER_STUDENT_DWELLING = 1.0
REF_TO_GROSS = 0.85

# Workplaces per m2 of gross floor area, by use (tertiary rows of buildings.csv).
GROSS_M2_PER_JOB = {"office": 25.0, "retail": 50.0, "daycare": 45.0}
JOBS_PER_SCHOOL = 60.0
PUPILS_PER_SCHOOL = 600.0

# Aalborg municipality, 1 January (Statistics Denmark), and the 2017 projection's growth.
MUNICIPALITY = {2013: 203448.0, 2017: 211937.0, 2018: 213558.0, 2023: 222571.0}
PROJECTION_2017_2045 = (211937.0, 241742.0)
MUNICIPALITY_2022 = 221082.0
CITY_2022 = 120000.0
EAST_AALBORG = 30000.0
EAST_AALBORG_YEAR = 2022

# AAU (Campus Aalborg students on 1 October; the east campus share is an assumption).
AAU_CAMPUS_AALBORG_STUDENTS = {2014: 15808.0, 2020: 16600.0, 2022: 15301.0, 2023: 14805.0}
AAU_SUND_STUDENTS = 1909.0
AAU_STAFF = {2014: 3545.0, 2020: 3800.0}
AAU_AALBORG_SHARE = 0.85
AAU_EAST_SHARE = 0.85
AAU_SUND_STAFF = 340.0
SUND_MOVE_YEAR = 2023

# Aalborg University Hospital.
AUH_FTE = 7153.0
AUH_AALBORG_BED_SHARE = 558.0 / 733.0
AUH_MOVING_SHARE = 0.8
NAU_EARLY_JOBS = 400.0  # Steno Diabetes Center and the central store, before the main move
NAU_EARLY_YEAR = 2025
NAU_MOVE_YEAR = 2026
PORTLAND_JOBS = 650.0

CARS_2011, CARS_2021 = 389.0, 466.0
CENTRE_PARKING_DKK = 20.0


@dataclass(frozen=True)
class Zone:
    zone: str
    name: str
    kind: str
    lat: float
    lon: float
    car_factor: float
    car_reason: str


INTERNAL = [
    Zone("kildeparken", "Kildeparken", "internal", 57.0335, 9.9880, 0.6, "social-housing estate"),
    Zone("sallingsundvej", "Sallingsundvej/Tambosundvej", "internal", 57.0385, 10.0020, 0.6, "social-housing estate"),
    Zone("smedegaard", "Smedegaard", "internal", 57.0280, 10.0085, 0.6, "social-housing estate"),
    Zone("tornhoej", "Tornhøj and Tornhøjgårdparken", "internal", 57.0245, 10.0205, 0.6, "social-housing estate"),
    Zone("hvalpsundvej", "Hvalpsundvej/Oddesundvej", "internal", 57.0400, 10.0150, 0.6,
         "social-housing terraced houses"),
    Zone("sfh_north", "Single-family houses, north (Øster Uttrup, Nørre Tranders)", "internal", 57.0445, 9.9905,
         1.2, "owner-occupied detached houses"),
    Zone("sfh_south", "Single-family and terraced houses, south (Sønder Tranders)", "internal", 57.0175, 10.0120,
         1.2, "owner-occupied detached and terraced houses"),
    Zone("east_centre", "Aalborg Øst district centre (schools, offices, shops)", "internal", 57.0300, 9.9995,
         1.0, "no residents; national rate kept for completeness"),
    Zone("campus", "Aalborg University main campus and student housing", "internal", 57.0150, 9.9850,
         0.3, "student housing; students own few cars"),
    Zone("business_park", "NOVI science park and business area", "internal", 57.0185, 9.9760,
         1.0, "no residents; national rate kept for completeness"),
    Zone("hospital", "Aalborg University Hospital (Hospitalsbyen)", "internal", 57.0060, 9.9960,
         1.0, "no residents; national rate kept for completeness"),
    Zone("portland", "Aalborg Portland (Rørdal)", "internal", 57.0480, 10.0080,
         1.0, "no residents; national rate kept for completeness"),
]
EXTERNAL = [
    Zone("east_other", "Rest of eastern Aalborg (dwellings not in buildings.csv)", "external", 57.0355, 10.0330,
         0.9, "mixed housing of eastern Aalborg"),
    Zone("centre", "Aalborg city centre (Midtbyen)", "external", 57.0475, 9.9205, 0.6, "dense centre, flats"),
    Zone("vejgaard", "Vejgaard, Østbyen and Grønlandskvarteret", "external", 57.0395, 9.9440,
         0.8, "inner suburbs, mostly flats"),
    Zone("west", "Vestbyen and Hasseris (west)", "external", 57.0480, 9.8880, 0.9, "inner west and villa suburb"),
    Zone("south", "Aalborg south and south-west (Hobrovej, Skalborg, City Syd, Gug)", "external", 57.0280, 9.9060,
         1.0, "suburbs"),
    Zone("north", "Nørresundby and Lindholm", "external", 57.0625, 9.9170, 0.9, "town north of the fjord"),
    Zone("e45_south", "Beyond: E45 south (Svenstrup, Nibe, rest of Jutland)", "external", 56.9300, 9.8400,
         1.15, "towns and countryside"),
    Zone("e45_north", "Beyond: E45 north (Vodskov, Vadum, Hals, Vendsyssel)", "external", 57.1350, 10.0450,
         1.15, "towns and countryside"),
    Zone("hadsund_east", "Beyond: Hadsundvej east (Klarup, Storvorde, Gistrup)", "external", 57.0150, 10.0900,
         1.15, "towns and countryside"),
]
ZONES = INTERNAL + EXTERNAL

# External zones in 2022: residents, workplaces, study places (all assumptions, see reasons).
EXTERNAL_2022 = {
    # zone: (population, jobs, students)
    "centre": (15000.0, 30000.0, 8000.0),
    "vejgaard": (20000.0, 6000.0, 6000.0),
    "west": (25000.0, 12000.0, 5000.0),
    "south": (8000.0, 12000.0, 2500.0),
    "north": (22000.0, 9000.0, 4000.0),
    "e45_south": (40000.0, 12000.0, 6000.0),
    "e45_north": (36082.0, 10000.0, 5500.0),
    "hadsund_east": (25000.0, 6000.0, 4000.0),
    "east_other": (None, 2000.0, 3000.0),
}


def municipality(year: int) -> float:
    """Aalborg municipality's residents on 1 January of a year from 2013 on.

    Linear between the known years, then growing at the rate of the 2017 projection.
    """
    known = sorted(MUNICIPALITY)
    if year < known[0]:
        raise ValueError(f"no population figure before {known[0]}")
    if year <= known[-1]:
        below = max(y for y in known if y <= year)
        above = min(y for y in known if y >= year)
        if below == above:
            return MUNICIPALITY[below]
        w = (year - below) / (above - below)
        return MUNICIPALITY[below] + w * (MUNICIPALITY[above] - MUNICIPALITY[below])
    start, end = PROJECTION_2017_2045
    rate = (end / start) ** (1.0 / (2045 - 2017))
    return MUNICIPALITY[known[-1]] * rate ** (year - known[-1])


def growth(year: int) -> float:
    """Municipal population at ``year`` relative to July 2022 (FACTS). [-]"""
    return municipality(year) / MUNICIPALITY_2022


def cars_national(year: int) -> float:
    """Cars per 1,000 inhabitants: the 2011-2021 line, extended beyond 2021."""
    return CARS_2011 + (CARS_2021 - CARS_2011) * (year - 2011) / 10.0


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@dataclass(frozen=True)
class BuildingRow:
    building_id: str
    use: str
    year: int
    count: int
    gross_m2: float
    zone: str
    dwellings: int


def load_buildings(buildings: Path = BUILDINGS, sources: Path = BUILDINGS_SOURCES) -> list[BuildingRow]:
    """Rows of the buildings table with their dwellings per building."""
    dwellings = {r["building_id"]: int(r["value"]) for r in read_csv(sources)
                 if r["field"] == "dwellings_per_building"}
    out = []
    for r in read_csv(buildings):
        use = r["use"]
        if use in RESIDENTIAL_USES and r["building_id"] not in dwellings:
            raise ValueError(f"{r['building_id']}: no dwellings_per_building in {sources}")
        out.append(BuildingRow(
            r["building_id"], use, int(r["construction_year"]), int(r["count"]),
            float(r["heated_floor_area_m2"]) / REF_TO_GROSS, r["zone"], dwellings.get(r["building_id"], 0),
        ))
    return out


def is_student_housing(b: BuildingRow) -> bool:
    return b.building_id.startswith("student_housing")


def residents(buildings: list[BuildingRow], zone: str, year: int) -> float:
    total = 0.0
    for b in buildings:
        if b.zone == zone and b.use in RESIDENTIAL_USES and b.year <= year:
            per = PERSONS_PER_STUDENT_DWELLING if is_student_housing(b) else PERSONS_PER_DWELLING
            total += b.count * b.dwellings * per
    return total


def building_jobs_students(buildings: list[BuildingRow], zone: str, year: int) -> tuple[float, float]:
    """Workplaces and study places of the tertiary rows (AAU and hospital rows excluded)."""
    jobs = students = 0.0
    for b in buildings:
        if b.zone != zone or b.year > year or zone in ("campus", "hospital"):
            continue
        if b.use in GROSS_M2_PER_JOB:
            jobs += b.count * b.gross_m2 / GROSS_M2_PER_JOB[b.use]
        elif b.use == "education" and b.building_id.startswith("schools"):
            jobs += b.count * JOBS_PER_SCHOOL
            students += b.count * PUPILS_PER_SCHOOL
    return jobs, students


def step_value(table: dict[int, float], year: int) -> float:
    """The value of the last tabulated year at or before ``year`` (the first before it)."""
    keys = [y for y in sorted(table) if y <= year]
    return table[keys[-1]] if keys else table[min(table)]


def aau(year: int) -> tuple[float, float, float, float]:
    """(campus jobs, campus students, hospital-site SUND jobs, SUND students) at a year."""
    moved = year >= SUND_MOVE_YEAR
    staff = step_value(AAU_STAFF, year) * AAU_AALBORG_SHARE * AAU_EAST_SHARE
    students = step_value(AAU_CAMPUS_AALBORG_STUDENTS, year) * AAU_EAST_SHARE
    sund_jobs = AAU_SUND_STAFF if moved else 0.0
    sund_students = AAU_SUND_STUDENTS if moved else 0.0
    return staff - sund_jobs, students - sund_students, sund_jobs, sund_students


def auh_aalborg_jobs() -> float:
    return AUH_FTE * AUH_AALBORG_BED_SHARE


def nau_jobs(year: int) -> float:
    """Hospital workplaces at the new site besides AAU SUND."""
    if year >= NAU_MOVE_YEAR:
        return NAU_EARLY_JOBS + AUH_MOVING_SHARE * auh_aalborg_jobs()
    return NAU_EARLY_JOBS if year >= NAU_EARLY_YEAR else 0.0


def zone_years(zone: str, buildings: list[BuildingRow]) -> list[int]:
    """Tabulated years of a zone: the standard years plus the years things change."""
    years = set(STANDARD_YEARS)
    residential = [b for b in buildings if b.use in RESIDENTIAL_USES]
    built = {b.year for b in residential if YEAR_SPAN[0] < b.year <= YEAR_SPAN[1] and b.zone == zone}
    years |= built
    if zone == "campus":
        years |= {2022, SUND_MOVE_YEAR}
    if zone == "hospital":
        years |= {SUND_MOVE_YEAR - 1, SUND_MOVE_YEAR, NAU_EARLY_YEAR - 1, NAU_MOVE_YEAR - 1, NAU_MOVE_YEAR}
    if zone == "south":
        years |= {NAU_MOVE_YEAR - 1, NAU_MOVE_YEAR}
    return sorted(years)


def zone_values(z: Zone, year: int, buildings: list[BuildingRow]) -> dict[str, float]:
    """Population, jobs, students, cars per 1,000 and parking cost of a zone at a year."""
    g = growth(year)
    if z.kind == "internal":
        population = residents(buildings, z.zone, year)
        jobs, students = building_jobs_students(buildings, z.zone, year)
        campus_jobs, campus_students, sund_jobs, sund_students = aau(year)
        if z.zone == "campus":
            jobs, students = jobs + campus_jobs, students + campus_students
        elif z.zone == "hospital":
            jobs, students = sund_jobs + nau_jobs(year), sund_students
        elif z.zone == "portland":
            jobs = PORTLAND_JOBS
    else:
        pop22, jobs22, students22 = EXTERNAL_2022[z.zone]
        if z.zone == "east_other":
            internal = sum(residents(buildings, i.zone, EAST_AALBORG_YEAR) for i in INTERNAL)
            population = (EAST_AALBORG - internal) * g
        else:
            population = pop22 * g
        jobs, students = jobs22 * g, students22 * g
        if z.zone == "south" and year < NAU_MOVE_YEAR:
            jobs += auh_aalborg_jobs()
        elif z.zone == "south":
            jobs += (1.0 - AUH_MOVING_SHARE) * auh_aalborg_jobs()
    return {
        "population": float(round(population)),
        "jobs": float(round(jobs)),
        "students": float(round(students)),
        "cars_per_1000": round(cars_national(year) * z.car_factor, 1),
        "parking_cost_dkk": CENTRE_PARKING_DKK if z.zone == "centre" else 0.0,
    }


# --------------------------------------------------------------------------------------
# Nodes
# --------------------------------------------------------------------------------------
APPROX = assumed(
    "approximate position (+-300 m) placed from the street layout of the area, as latitude/"
    "longitude, converted to EPSG:25832; replace with surveyed junctions (e.g. GeoDanmark or "
    "OpenStreetMap) for detailed work"
)


def exit_prov(precision_m: int) -> Prov:
    return assumed_from(SRC_E45_EXITS, f"exit named in the source; position approximate (+-{precision_m} m)")


@dataclass(frozen=True)
class Node:
    node: int
    name: str
    lat: float
    lon: float
    prov: Prov = APPROX


ROAD_NODES = [
    Node(101, "E45 exit 21 Nørresundby N", 57.0780, 9.9530, exit_prov(300)),
    Node(102, "E45 exit 22 Nørresundby C (Nørresundbygrenen)", 57.0642, 9.9444,
         cited(SRC_NSUNDBYGRENEN, "coordinates of the source")),
    Node(103, "E45 exit 23 Kridtsvinget (south end of the Limfjord tunnel)", 57.0500, 9.9605,
         assumed_from(SRC_E45_EXITS + "; " + SRC_TUNNEL, "exit named in the source, ~0.8 km south of the tunnel's "
                      "coordinates; position approximate")),
    Node(104, "E45 exit 24 Øster Uttrup Vej / Gasværksvej", 57.0425, 9.9650, exit_prov(300)),
    Node(105, "E45 exit 25 Humlebakken", 57.0355, 9.9672, exit_prov(300)),
    Node(106, "E45 exit 26 Aalborg Ø / Hadsundvej (Pendlerpladsen)", 57.0285, 9.9700,
         assumed_from(SRC_E45_EXITS + "; " + SRC_PLUSBUS_ROUTE, "exit and +BUS stop named in the sources; position "
                      "approximate (+-300 m)")),
    Node(107, "E45 exit 27 Aalborg C", 57.0130, 9.9560, exit_prov(500)),
    Node(108, "E45 exit 28 Aalborg S", 57.0010, 9.9050, exit_prov(500)),
    Node(109, "E45 north (towards Vodskov, Frederikshavn)", 57.0950, 9.9750),
    Node(110, "E45 south (exit 29 Svenstrup, towards Aarhus)", 56.9800, 9.8750),
    Node(111, "Nytorv / Østerå (city centre)", 57.0482, 9.9226),
    Node(112, "Boulevarden", 57.0458, 9.9195),
    Node(113, "J.F. Kennedys Plads (railway and bus station)", 57.0430, 9.9175),
    Node(114, "Limfjordsbroen south (Vesterbro)", 57.0515, 9.9222),
    Node(115, "Limfjordsbroen north (Nørresundby centre)", 57.0585, 9.9222),
    Node(116, "Hjørringvej north (Nørresundby)", 57.0700, 9.9300),
    Node(117, "Kastetvej / Haraldslund (Vestbyen)", 57.0510, 9.8950),
    Node(118, "Væddeløbsbanen / Marina (Vestre Fjordpark)", 57.0545, 9.8780),
    Node(119, "Hobrovej / Aalborg Sygehus Syd", 57.0378, 9.9086,
         cited(SRC_AUH_SYD, "coordinates of the hospital in the source")),
    Node(120, "Hobrovej / Skalborg (City Syd)", 57.0150, 9.8950),
    Node(121, "Sønderbro / Sohngårdsholmsvej / Hadsundvej", 57.0390, 9.9265),
    Node(122, "Jyllandsgade / Karolinelund", 57.0440, 9.9290),
    Node(123, "Østerbro / Østre Allé", 57.0470, 9.9360),
    Node(124, "Bornholmsgade / Humlebakken", 57.0410, 9.9400),
    Node(125, "Humlebakken / Danalien", 57.0372, 9.9475),
    Node(126, "Grønlands Torv (Hadsundvej)", 57.0335, 9.9555),
    Node(127, "Sohngårdsholmsvej / Gugvej", 57.0300, 9.9330),
    Node(128, "Gugvej / Gug", 57.0150, 9.9330),
    Node(129, "Østre Allé / Gasværksvej", 57.0485, 9.9480),
    Node(130, "Borgergade / Vesterbro", 57.0490, 9.9165),
    Node(131, "Øster Uttrup Vej / Fyrkildevej", 57.0420, 9.9845),
    Node(132, "Øster Uttrup Vej / Rørdalsvej", 57.0440, 10.0050),
    Node(133, "Øster Uttrup Vej east / Nørre Tranders", 57.0415, 10.0270),
    Node(134, "Humlebakken / Fyrkildevej (Kildeparken)", 57.0345, 9.9795),
    Node(135, "Astrupstien (Aalborg Øst centre)", 57.0310, 9.9960),
    Node(136, "Hadsundvej / Gigantium", 57.0268, 9.9790),
    Node(137, "Hadsundvej / Smedegaard", 57.0248, 10.0005),
    Node(138, "Hadsundvej / Tornhøj", 57.0220, 10.0200),
    Node(139, "Hadsundvej / Sønder Tranders", 57.0185, 10.0440),
    Node(140, "Sallingsundvej / Egnsvej", 57.0355, 10.0040),
    Node(141, "Hvalpsundvej / Nørre Tranders Vej", 57.0385, 10.0190),
    Node(142, "Universitetsboulevarden / Pontoppidanstræde", 57.0215, 9.9840),
    Node(143, "Universitetet (Fredrik Bajers Vej)", 57.0165, 9.9880,
         assumed_from(SRC_AAU_POSITION, "approximate: next to the campus coordinates of the source")),
    Node(144, "Selma Lagerløfs Vej (AAU bus terminal)", 57.0150, 9.9945),
    Node(145, "Niels Jernes Vej (NOVI)", 57.0185, 9.9735),
    Node(146, "Servicebyen", 57.0105, 9.9960),
    Node(147, "Aalborg Universitetshospital (bus terminal)", 57.0075, 9.9985,
         assumed_from(SRC_PLUSBUS_VEHICLE, "approximate: ~1 km beyond the AAU bus terminal as the +BUS extension")),
    Node(148, "Selma Lagerløfs Vej north / Sønder Tranders Vej", 57.0190, 10.0060),
    Node(149, "Hadsundvej east (towards Klarup)", 57.0150, 10.0750),
]


def centroid_node(k: int) -> int:
    """Node of the k-th zone (0-based): zone centroids are nodes 1 ... n_zones."""
    return k + 1


def all_nodes() -> list[Node]:
    def where(z: Zone) -> Prov:
        if z.zone in FAR_ZONES:
            return assumed(f"zone '{z.zone}' stands for the towns and countryside of the municipality in its "
                           "direction (and the traffic beyond): placed so that the road distance from the city "
                           "centre (~13-15 km) is about the population-weighted distance of those towns")
        return assumed(f"centre of gravity of the zone '{z.zone}', placed approximately (+-500 m)")

    centroids = [Node(centroid_node(k), f"Centroid: {z.name}", z.lat, z.lon, where(z)) for k, z in enumerate(ZONES)]
    return centroids + ROAD_NODES


# --------------------------------------------------------------------------------------
# Links
# --------------------------------------------------------------------------------------
CURVATURE = 1.1
ALL_MODES = "car+bus+bike+walk"
CONNECTOR_MODES = "car+bike+walk"
BIKE_WALK = "bike+walk"
MOTOR = "car+bus"


@dataclass(frozen=True)
class RoadClass:
    free_speed_kmh: float
    lanes: int
    capacity_per_lane: float
    reason: str


ROAD_CLASSES = {
    "motorway": RoadClass(110.0, 2, 1800.0, "E45 around Aalborg: 2 lanes per direction, 110 km/h assumed "
                          "limit near the city; ~1,800 veh/h/lane, a usual planning capacity of a motorway lane"),
    "tunnel": RoadClass(80.0, 3, 1800.0, "Limfjord tunnel: six lanes (source), i.e. 3 per direction; 80 km/h "
                        "assumed tunnel limit; ~1,800 veh/h/lane"),
    "feeder": RoadClass(60.0, 1, 1500.0, "motorway feeder or ramp: 1 lane, 60 km/h; ~1,500 veh/h (ramp "
                        "capacity below a motorway lane)"),
    "arterial": RoadClass(50.0, 2, 900.0, "urban arterial with signals: 2 lanes per direction, 50 km/h urban "
                          "limit; ~900 veh/h/lane (about half the saturation flow at signals)"),
    "arterial_60": RoadClass(60.0, 2, 900.0, "suburban arterial (Hadsundvej, Hobrovej outside the centre): "
                             "2 lanes per direction, 60 km/h; ~900 veh/h/lane at signals"),
    "street": RoadClass(50.0, 1, 800.0, "urban collector street: 1 lane per direction, 50 km/h; ~800 veh/h "
                        "(signals and crossings)"),
    "centre": RoadClass(40.0, 1, 600.0, "city-centre street: 1 lane per direction, 40 km/h; ~600 veh/h "
                        "(pedestrian crossings, buses, loading)"),
    "rural": RoadClass(80.0, 1, 1200.0, "two-lane rural road: 1 lane per direction, 80 km/h Danish rural "
                       "limit; ~1,200 veh/h per direction"),
    "path": RoadClass(20.0, 1, 1000.0, "bike and walk path: no cars; speed and capacity only fill the "
                      "required columns (20 km/h cycling speed)"),
    "connector": RoadClass(30.0, 1, 5000.0, "centroid connector: stands for the local streets of the zone; "
                           "30 km/h; 5,000 veh/h so that it never constrains the assignment"),
    "connector_far": RoadClass(70.0, 1, 5000.0, "connector of a zone beyond the city: stands for the roads "
                               "to the towns of the zone; 70 km/h; 5,000 veh/h (never constraining)"),
}


@dataclass(frozen=True)
class Segment:
    a: int
    b: int
    name: str
    road_class: str
    modes: str
    bus_lane: bool = False


def S(a, b, name, road_class, modes=ALL_MODES, bus_lane=False) -> Segment:
    return Segment(a, b, name, road_class, modes, bus_lane)


ROADS = [
    # E45 Nordjyske Motorvej with the Aalborg exits, north to south
    S(109, 101, "E45", "motorway", MOTOR),
    S(101, 102, "E45", "motorway", MOTOR),
    S(102, 103, "E45 Limfjordstunnelen", "tunnel", MOTOR),
    S(103, 104, "E45", "motorway", MOTOR),
    S(104, 105, "E45", "motorway", MOTOR),
    S(105, 106, "E45", "motorway", MOTOR),
    S(106, 107, "E45", "motorway", MOTOR),
    S(107, 108, "E45", "motorway", MOTOR),
    S(108, 110, "E45", "motorway", MOTOR),
    # motorway feeders
    S(115, 102, "Nørresundbygrenen", "feeder", MOTOR),
    S(116, 101, "Hjørringvej to exit 21", "feeder", MOTOR),
    S(129, 103, "Kridtsvinget", "feeder", MOTOR),
    S(128, 107, "Road from Gug to exit 27 (approximate)", "feeder", MOTOR),
    S(120, 108, "Hobrovej to exit 28", "feeder", MOTOR),
    # Nørresundby and the fjord crossing
    S(114, 115, "Limfjordsbroen", "arterial"),
    S(115, 116, "Hjørringvej", "arterial"),
    # west and centre (+BUS west section: no own lane)
    S(118, 117, "Skydebanevej / Kastetvej", "street"),
    S(117, 130, "Kastetvej", "street"),
    S(130, 111, "Borgergade / Østerågade", "centre"),
    S(130, 114, "Vesterbro north", "arterial"),
    S(130, 112, "Vesterbro", "arterial"),
    S(114, 111, "Strandvejen / Østerågade", "centre"),
    S(111, 112, "Boulevarden", "centre"),
    S(112, 113, "Boulevarden / J.F. Kennedys Plads", "centre"),
    S(113, 119, "Hobrovej", "arterial"),
    S(119, 120, "Hobrovej", "arterial_60"),
    S(113, 121, "Sønderbro", "arterial"),
    S(111, 123, "Østerbro", "arterial"),
    S(123, 129, "Østre Allé", "arterial"),
    S(129, 104, "Gasværksvej", "arterial"),
    S(122, 123, "Østerbro - Jyllandsgade", "street", CONNECTOR_MODES),
    S(121, 126, "Hadsundvej", "arterial"),
    S(121, 127, "Sohngårdsholmsvej", "street"),
    S(127, 128, "Gugvej", "street"),
    # +BUS corridor with its own lane from the railway station to the hospital
    S(113, 122, "Jyllandsgade", "street", bus_lane=True),
    S(122, 124, "Jyllandsgade / Bornholmsgade", "street", bus_lane=True),
    S(124, 125, "Humlebakken", "street", bus_lane=True),
    S(125, 126, "Danalien / Grønlands Torv", "street", bus_lane=True),
    S(126, 106, "Hadsundvej", "arterial_60", bus_lane=True),
    S(106, 136, "Hadsundvej", "arterial_60", bus_lane=True),
    S(136, 142, "Universitetsboulevarden", "street", bus_lane=True),
    S(142, 143, "Universitetsboulevarden", "street", bus_lane=True),
    S(143, 144, "Fredrik Bajers Vej", "street", bus_lane=True),
    S(144, 146, "Selma Lagerløfs Vej", "street", bus_lane=True),
    S(146, 147, "Hospitalsbyen", "street", bus_lane=True),
    # Humlebakken across the E45 into Aalborg Øst
    S(124, 105, "Humlebakken", "street"),
    S(105, 134, "Humlebakken", "street"),
    # Aalborg Øst
    S(104, 131, "Øster Uttrup Vej", "street"),
    S(131, 132, "Øster Uttrup Vej", "street"),
    S(132, 133, "Øster Uttrup Vej", "street"),
    S(131, 134, "Fyrkildevej", "street"),
    S(134, 136, "Fyrkildevej / Willy Brandts Vej", "street"),
    S(134, 140, "Egnsvej", "street"),
    S(132, 140, "Rørdalsvej / Sallingsundvej", "street"),
    S(140, 141, "Nørre Tranders Vej", "street"),
    S(141, 133, "Nørre Tranders Vej", "street"),
    S(140, 137, "Egnsvej", "street"),
    S(141, 138, "Tornhøjvej (approximate)", "street"),
    S(133, 139, "Road Nørre - Sønder Tranders (approximate)", "street"),
    S(136, 137, "Hadsundvej", "arterial_60"),
    S(137, 138, "Hadsundvej", "arterial_60"),
    S(138, 139, "Hadsundvej", "arterial_60"),
    S(139, 149, "Hadsundvej", "rural"),
    S(142, 145, "Niels Bohrs Vej / Niels Jernes Vej", "street"),
    S(144, 148, "Selma Lagerløfs Vej", "street"),
    S(148, 138, "Selma Lagerløfs Vej", "street"),
    # bike and walk paths
    S(136, 135, "Astrupstien", "path", BIKE_WALK),
    S(135, 140, "Astrupstien", "path", BIKE_WALK),
    S(135, 138, "Astrupstien (Kickstart Tornhøj tunnel)", "path", BIKE_WALK),
]

# Centroid connectors: zone -> [(road node, modes)].
CONNECTORS = {
    "kildeparken": [(134, CONNECTOR_MODES), (135, BIKE_WALK)],
    "sallingsundvej": [(140, CONNECTOR_MODES)],
    "smedegaard": [(137, CONNECTOR_MODES), (135, BIKE_WALK)],
    "tornhoej": [(138, CONNECTOR_MODES)],
    "hvalpsundvej": [(141, CONNECTOR_MODES)],
    "sfh_north": [(131, CONNECTOR_MODES), (132, CONNECTOR_MODES)],
    "sfh_south": [(148, CONNECTOR_MODES), (139, CONNECTOR_MODES)],
    "east_centre": [(137, CONNECTOR_MODES), (135, BIKE_WALK)],
    "campus": [(143, CONNECTOR_MODES), (144, CONNECTOR_MODES)],
    "business_park": [(145, CONNECTOR_MODES)],
    "hospital": [(147, CONNECTOR_MODES)],
    "portland": [(132, CONNECTOR_MODES)],
    "east_other": [(133, CONNECTOR_MODES), (139, CONNECTOR_MODES)],
    "centre": [(111, CONNECTOR_MODES), (130, CONNECTOR_MODES)],
    "vejgaard": [(124, CONNECTOR_MODES), (125, CONNECTOR_MODES)],
    "west": [(117, CONNECTOR_MODES)],
    "south": [(119, CONNECTOR_MODES), (120, CONNECTOR_MODES), (128, CONNECTOR_MODES)],
    "north": [(115, CONNECTOR_MODES), (116, CONNECTOR_MODES)],
    "e45_south": [(110, "car"), (120, CONNECTOR_MODES)],
    "e45_north": [(109, "car"), (116, CONNECTOR_MODES)],
    "hadsund_east": [(149, CONNECTOR_MODES)],
}
FAR_ZONES = ("e45_south", "e45_north", "hadsund_east")
ALPHA, BETA = 0.15, 4.0


def distance_km(a: Node, b: Node) -> float:
    (xa, ya), (xb, yb) = utm32(a.lat, a.lon), utm32(b.lat, b.lon)
    return math.hypot(xb - xa, yb - ya) / 1000.0


def segments() -> list[Segment]:
    """Roads and paths, then the centroid connectors."""
    out = list(ROADS)
    for k, z in enumerate(ZONES):
        for node, modes in CONNECTORS[z.zone]:
            cls = "connector_far" if z.zone in FAR_ZONES else "connector"
            out.append(Segment(centroid_node(k), node, f"Connector {z.zone}", cls, modes))
    return out


def link_rows() -> list[dict[str, object]]:
    """Both directions of every segment."""
    nodes = {n.node: n for n in all_nodes()}
    rows = []
    for s in segments():
        rc = ROAD_CLASSES[s.road_class]
        length = round(max(CURVATURE * distance_km(nodes[s.a], nodes[s.b]), 0.05), 3)
        for a, b in ((s.a, s.b), (s.b, s.a)):
            rows.append({
                "from_node": a, "to_node": b, "name": s.name, "length_km": length,
                "free_speed_kmh": rc.free_speed_kmh, "lanes": rc.lanes,
                "capacity_veh_h": rc.lanes * rc.capacity_per_lane, "alpha": ALPHA, "beta": BETA,
                "modes": s.modes, "bus_lane": s.bus_lane, "toll_dkk": 0.0,
            })
    return rows


# --------------------------------------------------------------------------------------
# Lines
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Line:
    values: dict[str, object]
    route: list[tuple[int, bool]]  # (node, stop)
    prov: dict[str, Prov]


PEAK_HOURS, OFFPEAK_HOURS = 6.0, 12.0
PLUSBUS_KM, PLUSBUS_MIN, LINE2_EXTRA_MIN = 12.0, 34.0, 13.0

SERVICE_HOURS = {
    "peak_hours_per_day": assumed("two 3-hour peaks (6-9 and 14-17) on weekdays"),
    "offpeak_hours_per_day": assumed("service from about 5 to 23 h: 18 h a day, 12 of them off-peak"),
}


def lines() -> list[Line]:
    plusbus = Line(
        {"line": "plusbus", "name": "+BUS: Væddeløbsbanen - city centre - AAU - Aalborg University Hospital",
         "mode": "brt", "status": "planned", "vehicle": "bus_24m", "powertrain": "electric",
         "headway_peak_min": 7.5, "headway_offpeak_min": 15.0,
         "peak_hours_per_day": PEAK_HOURS, "offpeak_hours_per_day": OFFPEAK_HOURS,
         "speed_kmh": round(PLUSBUS_KM / (PLUSBUS_MIN / 60.0), 1), "dedicated_lane_share": 0.75,
         "capacity_per_vehicle": 153.0},
        [(118, True), (117, True), (130, True), (111, True), (112, True), (113, True), (122, True), (124, True),
         (125, True), (126, True), (106, True), (136, True), (142, True), (143, True), (144, True), (146, True),
         (147, True)],
        {
            "name": cited(SRC_PLUSBUS, "terminals of the source"),
            "mode": cited(SRC_PLUSBUS, "bus rapid transit"),
            "status": cited(SRC_PLUSBUS, "opened 23 Sep 2023, after the 2014 base year: a scenario measure opens it"),
            "vehicle": cited(SRC_PLUSBUS, "24 m buses"),
            "powertrain": cited(SRC_PLUSBUS, "battery-electric buses"),
            "headway_peak_min": cited(SRC_PLUSBUS, "8 departures an hour at most: 60/8 = 7.5 min"),
            "headway_offpeak_min": cited(SRC_PLUSBUS, "4 departures an hour at least: 60/4 = 15 min"),
            "speed_kmh": cited(SRC_PLUSBUS, f"~{PLUSBUS_KM:g} km in ~{PLUSBUS_MIN:g} min end to end"),
            "dedicated_lane_share": cited(SRC_PLUSBUS, "dedicated lane on ~3/4 of the route"),
            "capacity_per_vehicle": cited(SRC_PLUSBUS_VEHICLE, "153 passengers per bus (FACTS: 150-200)"),
            **SERVICE_HOURS,
        },
    )
    line2 = Line(
        {"line": "2", "name": "Line 2 (replaced by +BUS): Vestbyen - city centre - Aalborg Øst - AAU",
         "mode": "bus", "status": "existing", "vehicle": "bus_18m", "powertrain": "diesel",
         "headway_peak_min": 6.0, "headway_offpeak_min": 12.0,
         "peak_hours_per_day": PEAK_HOURS, "offpeak_hours_per_day": OFFPEAK_HOURS,
         "speed_kmh": round(PLUSBUS_KM / ((PLUSBUS_MIN + LINE2_EXTRA_MIN) / 60.0), 1),
         "dedicated_lane_share": 0.0, "capacity_per_vehicle": 110.0},
        [(117, True), (130, True), (111, True), (112, True), (113, True), (122, True), (124, True), (125, True),
         (126, True), (106, True), (136, True), (142, True), (143, True), (144, True)],
        {
            "name": cited(SRC_PLUSBUS_VEHICLE, "the busy line 2 that +BUS relieves; route assumed along the +BUS "
                          "corridor from Vestbyen to the AAU bus terminal"),
            "mode": cited(SRC_PLUSBUS_VEHICLE, "ordinary city bus"),
            "status": cited(SRC_PLUSBUS, "ran in the base year; a measure closes it when +BUS opens"),
            "vehicle": assumed("articulated 18 m buses assumed for Aalborg's busiest line"),
            "powertrain": assumed("diesel city buses before the 2021 tender's electric buses", SRC_BUS_TENDER),
            "headway_peak_min": assumed("10 departures an hour in the peak, above +BUS's 8 with smaller buses"),
            "headway_offpeak_min": assumed("5 departures an hour off-peak"),
            "speed_kmh": assumed(f"+BUS's ~{PLUSBUS_MIN:g} min plus the {LINE2_EXTRA_MIN:g} min +BUS saves "
                                 f"east-west, over the same ~{PLUSBUS_KM:g} km", SRC_PLUSBUS_ROUTE),
            "dedicated_lane_share": assumed("ran in mixed traffic before the +BUS lane was built"),
            "capacity_per_vehicle": assumed("~110 passengers (seated and standing) in an 18 m articulated bus"),
            **SERVICE_HOURS,
        },
    )
    line6 = Line(
        {"line": "6", "name": "Line 6: Nørresundby - Limfjord tunnel - Aalborg Øst - AAU",
         "mode": "bus", "status": "existing", "vehicle": "bus_12m", "powertrain": "diesel",
         "headway_peak_min": 20.0, "headway_offpeak_min": 30.0,
         "peak_hours_per_day": PEAK_HOURS, "offpeak_hours_per_day": OFFPEAK_HOURS,
         "speed_kmh": 22.0, "dedicated_lane_share": 0.0, "capacity_per_vehicle": 80.0},
        [(115, True), (102, False), (103, False), (104, False), (131, True), (134, True), (136, True), (142, True),
         (143, True)],
        {
            "name": cited(SRC_OLD_LINES, "metrobus 6 Lindholm - Universitetet via the tunnel; line number and "
                          "route as in the mid-2000s, simplified (starts at Nørresundby centre)"),
            "mode": cited(SRC_OLD_LINES, "city bus"),
            "status": assumed("assumed still to run in the base year with this route", SRC_OLD_LINES),
            "vehicle": assumed("standard 12 m city bus"),
            "powertrain": assumed("diesel city buses before the 2021 tender's electric buses", SRC_BUS_TENDER),
            "headway_peak_min": assumed_from(SRC_OLD_LINES, "every 20 minutes in the peak after the mid-2000s "
                                             "change, assumed unchanged in the base year"),
            "headway_offpeak_min": assumed("every 30 minutes off-peak"),
            "speed_kmh": assumed("22 km/h: faster than city lines thanks to the motorway section"),
            "dedicated_lane_share": assumed("mixed traffic"),
            "capacity_per_vehicle": assumed("~80 passengers (seated and standing) in a 12 m bus"),
            **SERVICE_HOURS,
        },
    )
    line18 = Line(
        {"line": "18", "name": "Line 18: city centre - Østre Allé - Øster Uttrup Vej - Aalborg Øst (Tornhøj)",
         "mode": "bus", "status": "existing", "vehicle": "bus_12m", "powertrain": "diesel",
         "headway_peak_min": 15.0, "headway_offpeak_min": 30.0,
         "peak_hours_per_day": PEAK_HOURS, "offpeak_hours_per_day": OFFPEAK_HOURS,
         "speed_kmh": 18.0, "dedicated_lane_share": 0.0, "capacity_per_vehicle": 80.0},
        [(113, True), (112, True), (111, True), (123, True), (129, True), (104, False), (131, True), (132, True),
         (140, True), (137, True), (138, True)],
        {
            "name": cited(SRC_OLD_LINES, "line 18 extended to Aalborg Øst via Øster Uttrup; route simplified "
                          "and assumed to continue to Tornhøj"),
            "mode": cited(SRC_OLD_LINES, "city bus"),
            "status": assumed("assumed still to run in the base year with this route", SRC_OLD_LINES),
            "vehicle": assumed("standard 12 m city bus"),
            "powertrain": assumed("diesel city buses before the 2021 tender's electric buses", SRC_BUS_TENDER),
            "headway_peak_min": assumed("every 15 minutes in the peak"),
            "headway_offpeak_min": assumed("every 30 minutes off-peak"),
            "speed_kmh": assumed("18 km/h, a typical scheduled speed of a Danish city bus in mixed traffic"),
            "dedicated_lane_share": assumed("mixed traffic"),
            "capacity_per_vehicle": assumed("~80 passengers (seated and standing) in a 12 m bus"),
            **SERVICE_HOURS,
        },
    )
    return [plusbus, line2, line6, line18]


# --------------------------------------------------------------------------------------
# Tables and sources
# --------------------------------------------------------------------------------------
def load_schema(name: str) -> list[dict]:
    with open(SCHEMA_DIR / f"{name}.toml", "rb") as f:
        return tomllib.load(f)["column"]


def fmt(value: object) -> str:
    """Text of a value as written to the CSVs."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(float(f"{value:.12g}"))
    return str(value)


def render(columns: list[str], rows: list[dict[str, object]]) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(columns)
    for r in rows:
        w.writerow([fmt(r[c]) for c in columns])
    return out.getvalue()


def check(name: str, rows: list[dict[str, object]]) -> None:
    """Fail before writing anything if a value breaks the schema's ranges or allowed values."""
    for r in rows:
        for col in load_schema(name):
            x = r[col["name"]]
            if "allowed" in col and x not in col["allowed"]:
                raise ValueError(f"{name}: {col['name']}={x!r} not in {col['allowed']}")
            if col["dtype"] in ("int", "float"):
                lo, hi = col.get("min"), col.get("max")
                if (lo is not None and (x < lo or (col.get("min_exclusive") and x == lo))) or (
                        hi is not None and x > hi):
                    raise ValueError(f"{name}: {col['name']}={x!r} outside [{lo}, {hi}]")


class Sources:
    """Rows of sources.csv."""

    def __init__(self) -> None:
        self.rows: list[list[str]] = []

    def add(self, file: str, key: str, column: str, value: object, unit: str, prov: Prov) -> None:
        self.rows.append([file, key, column, fmt(value), unit, prov.source, fmt(prov.assumption), prov.reason])

    def text(self) -> str:
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\n")
        w.writerow(SOURCES_COLUMNS)
        w.writerows(self.rows)
        return out.getvalue()


IDENT = cited(SRC_ORTUZAR, "identifier chosen for this table (no figure)")


def build(buildings: list[BuildingRow]) -> tuple[dict[str, str], dict[str, object]]:
    """Texts of all files, and a few totals for the summary."""
    src = Sources()
    # ---- zones ----------------------------------------------------------------------
    zone_rows = []
    for k, z in enumerate(ZONES):
        years = zone_years(z.zone, buildings)
        values = {y: zone_values(z, y, buildings) for y in years}
        for y in years:
            zone_rows.append({"zone": z.zone, "year": y, "name": z.name, "kind": z.kind,
                              "node": centroid_node(k), **values[y]})
        series = {c: "; ".join(f"{y}: {fmt(values[y][c])}" for y in years) for c in values[years[0]]}
        zone_sources(src, z, series, values)
    f = "zones.csv"
    src.add(f, "*", "zone", "-", "-", IDENT)
    src.add(f, "*", "year", ", ".join(map(str, STANDARD_YEARS)), "a", assumed(
        "tabulated years: the 2014 base year of the strategy, 2020, 2025, 2030, plus the years a zone "
        "changes (construction years of buildings.csv rows after 2014, AAU SUND's and the hospital's "
        "moves); values are interpolated linearly between them"))
    src.add(f, "*", "name", "-", "-", IDENT)
    src.add(f, "*", "kind", "internal / external", "-", cited(SRC_FACTS_PLACE, "internal: the estates and areas "
            "of buildings.csv, the AAU campus, the hospital and Aalborg Portland (the district of FACTS.md); "
            "external: the rest of Aalborg municipality"))
    src.add(f, "*", "node", "1-21", "-", assumed("zone centroids are nodes 1-21 in zone order (nodes.csv)"))
    # ---- nodes ----------------------------------------------------------------------
    node_rows = []
    f = "nodes.csv"
    for n in all_nodes():
        x, y = utm32(n.lat, n.lon)
        node_rows.append({"node": n.node, "x_m": float(round(x)), "y_m": float(round(y)), "name": n.name})
        src.add(f, str(n.node), "*", f"{n.lat:.4f} N {n.lon:.4f} E", "deg", n.prov)
    src.add(f, "*", "node", "-", "-", assumed("numbering: zone centroids 1-21, junctions 101-149"))
    src.add(f, "*", "x_m", "-", "m", cited("Karney (2011), J. Geodesy 85, 475-485 (Krueger series)",
            "easting from the node's latitude/longitude, ETRS89 / UTM 32N (EPSG:25832), rounded to 1 m"))
    src.add(f, "*", "y_m", "-", "m", cited("Karney (2011), J. Geodesy 85, 475-485 (Krueger series)",
            "northing from the node's latitude/longitude, ETRS89 / UTM 32N (EPSG:25832), rounded to 1 m"))
    src.add(f, "*", "name", "-", "-", IDENT)
    # ---- links ----------------------------------------------------------------------
    links = link_rows()
    links_sources(src)
    # ---- lines ----------------------------------------------------------------------
    line_rows, stop_rows = [], []
    line_units = {c["name"]: c["unit"] for c in load_schema("lines")}
    for line in lines():
        line_rows.append(line.values)
        lid = str(line.values["line"])
        for c, p in line.prov.items():
            src.add("lines.csv", lid, c, line.values[c], line_units[c], p)
        for seq, (node, stop) in enumerate(line.route, start=1):
            stop_rows.append({"line": lid, "sequence": seq, "node": node, "stop": stop})
        route_prov = (cited(SRC_PLUSBUS_ROUTE, "route over the network's nodes along the planned stops; each stop "
                            "node stands for one or more of the 22 stations")
                      if lid == "plusbus" else assumed("route simplified to the network's main roads"))
        src.add("line_stops.csv", lid, "*", " ".join(str(n) for n, _ in line.route), "-", route_prov)
    src.add("lines.csv", "*", "line", "-", "-", IDENT)
    src.add("line_stops.csv", "*", "sequence", "-", "-", IDENT)

    tables = {"zones": zone_rows, "nodes": node_rows, "links": links, "lines": line_rows, "line_stops": stop_rows}
    texts = {}
    for name, rows in tables.items():
        check(name, rows)
        texts[f"{name}.csv"] = render([c["name"] for c in load_schema(name)], rows)
    texts[SOURCES_FILE] = src.text()
    totals = {"zones": len(ZONES), "nodes": len(node_rows), "links": len(links), "lines": len(line_rows),
              "zone_rows": zone_rows}
    return texts, totals


def zone_sources(src: Sources, z: Zone, series: dict[str, str], values: dict[int, dict[str, float]]) -> None:
    f, key = "zones.csv", z.zone
    ppd = fmt(round(PERSONS_PER_DWELLING, 4))
    if z.kind == "internal":
        if z.zone == "campus":
            pop = assumed(f"student dwellings of buildings.csv from their construction year x "
                          f"{fmt(PERSONS_PER_STUDENT_DWELLING)} student per dwelling (35 m2 units)", SRC_BUILDINGS)
        elif all(v["population"] == 0 for v in values.values()):
            pop = cited(SRC_BUILDINGS, "no dwellings in the zone")
        else:
            pop = assumed(f"dwellings of buildings.csv from their construction year x {ppd} persons per dwelling "
                          f"(eastern Aalborg's 30,000 inhabitants / 14,000 households, {SRC_EAST_AALBORG}); "
                          f"differences by dwelling type are not modelled", SRC_BUILDINGS)
        src.add(f, key, "population", series["population"], "persons", pop)
        if z.zone == "campus":
            jobs = assumed(f"AAU staff ({fmt(AAU_STAFF[2014])} in 2013, >3,800 since 2018) x {AAU_AALBORG_SHARE} in "
                           f"Aalborg (Campus Aalborg's share of the students, 0.79-0.85) x {AAU_EAST_SHARE} on the "
                           f"east campus (CREATE and other city sites excluded), minus {fmt(AAU_SUND_STAFF)} SUND "
                           f"staff at the hospital from {SUND_MOVE_YEAR}", SRC_AAU_STAFF)
            students = assumed(f"Campus Aalborg students x {AAU_EAST_SHARE} on the east campus, minus SUND's "
                               f"{fmt(AAU_SUND_STUDENTS)} at the hospital from {SUND_MOVE_YEAR}; held after 2023 "
                               f"(FACTS.md: 20,000+ AAU students in all)", SRC_AAU_STUDENTS)
        elif z.zone == "hospital":
            jobs = assumed(
                f"0 before {SUND_MOVE_YEAR}; AAU SUND staff {fmt(AAU_SUND_STAFF)} from {SUND_MOVE_YEAR}; + "
                f"{fmt(NAU_EARLY_JOBS)} for Steno Diabetes Center and the central store from {NAU_EARLY_YEAR} "
                f"(assumption); + {AUH_MOVING_SHARE} x the Aalborg hospital's {fmt(round(auh_aalborg_jobs()))} "
                f"FTE (7,153 FTE x 558/733 beds in Aalborg) from {NAU_MOVE_YEAR}, the rest staying at Hobrovej. "
                f"Note: buildings.csv dates the hospital buildings 2021-2022; the move is 2026",
                SRC_NAU_OPENING + "; " + SRC_AUH_STAFF)
            students = cited(SRC_AAU_STUDENTS + "; " + SRC_NAU_OPENING,
                             f"AAU SUND's {fmt(AAU_SUND_STUDENTS)} students in the new faculty building from "
                             f"{SUND_MOVE_YEAR} (2023 count, held)")
        elif z.zone == "portland":
            jobs = assumed(f"{fmt(PORTLAND_JOBS)}: most of the ~720 Danish employees work at the Rørdal plant",
                           SRC_PORTLAND)
            students = cited(SRC_PORTLAND, "no schools")
        else:
            jobs = assumed(
                "tertiary rows of buildings.csv from their construction year: gross area (heated area / "
                f"{REF_TO_GROSS}) / m2 per workplace (office {fmt(GROSS_M2_PER_JOB['office'])}, retail "
                f"{fmt(GROSS_M2_PER_JOB['retail'])}, daycare {fmt(GROSS_M2_PER_JOB['daycare'])}); schools "
                f"{fmt(JOBS_PER_SCHOOL)} staff each; workplaces in homes not counted",
                SRC_BUILDINGS + "; " + SRC_BUILDINGS_GROSS)
            students = assumed(f"schools of buildings.csv x {fmt(PUPILS_PER_SCHOOL)} pupils; daycare "
                               "children are not study places", SRC_SCHOOLS)
        src.add(f, key, "jobs", series["jobs"], "workplaces", jobs)
        src.add(f, key, "students", series["students"], "study places", students)
    else:
        pop22, jobs22, students22 = EXTERNAL_2022[z.zone]
        start, end = PROJECTION_2017_2045
        rate = round(100.0 * ((end / start) ** (1.0 / (2045 - 2017)) - 1.0), 2)
        scale = (f"scaled by Aalborg municipality's population relative to July 2022 (interpolated 1 January "
                 f"figures to 2023, then the DST 2017 projection's {fmt(rate)} %/yr)")
        if z.zone == "east_other":
            pop = assumed(f"eastern Aalborg's 30,000 inhabitants minus the residents of the internal zones in "
                          f"{EAST_AALBORG_YEAR} (the dwellings of eastern Aalborg that buildings.csv does not hold), "
                          f"{scale}",
                          SRC_EAST_AALBORG + "; " + SRC_POPULATION_SERIES)
        else:
            pop = assumed(f"{fmt(pop22)} in 2022, {scale}; the city (~120,000) minus eastern Aalborg (30,000) "
                          "split between centre 15,000, Vejgaard/Østbyen 20,000, west 25,000, south 8,000 and "
                          "Nørresundby 22,000; the rest of the municipality (221,082 - 120,000) between E45 south "
                          "40,000, E45 north 36,082 and Hadsundvej east 25,000",
                          SRC_FACTS_PLACE + "; " + SRC_POPULATION_SERIES)
        jobs_reason = (f"{fmt(jobs22)} workplaces in 2022, {scale}; about 0.5 workplaces per inhabitant in "
                       "the municipality, concentrated in the centre; replace with Statistics Denmark's "
                       "workplace statistics (RAS)")
        if z.zone == "south":
            jobs_reason += (f"; plus Aalborg University Hospital's {fmt(round(auh_aalborg_jobs()))} Aalborg FTE "
                            f"(Hobrovej) until {NAU_MOVE_YEAR - 1}, of which {1 - AUH_MOVING_SHARE:.1f} stay after "
                            "the move to the new hospital (the Reberbansgade site in the centre is counted here)")
        src.add(f, key, "population", series["population"], "persons", pop)
        src.add(f, key, "jobs", series["jobs"], "workplaces",
                assumed(jobs_reason, SRC_AUH_STAFF if z.zone == "south" else SRC_ASSUMPTION))
        src.add(f, key, "students", series["students"], "study places", assumed(
            f"{fmt(students22)} study places in 2022 ({scale}): pupils (about 15 % of residents) plus colleges "
            "(UCN, upper secondary schools, AAU's city-centre sites in the centre zone)"))
    national = (f"national rate {fmt(CARS_2011)} (2011) to {fmt(CARS_2021)} (2021), linear and extended "
                f"beyond 2021")
    src.add(f, key, "cars_per_1000", series["cars_per_1000"], "cars per 1000 residents",
            assumed(f"{national}, x {z.car_factor} for a {z.car_reason}", SRC_CARS))
    parking = (assumed(f"{fmt(CENTRE_PARKING_DKK)} DKK per car trip: paid parking in Aalborg's centre, about 2 h "
                       "at ~10 DKK/h") if z.zone == "centre" else
               assumed("free parking (hospital: Danish public hospitals' parking is free of charge)" if z.zone ==
                       "hospital" else "free parking"))
    src.add(f, key, "parking_cost_dkk", series["parking_cost_dkk"], "DKK per car trip", parking)


def links_sources(src: Sources) -> None:
    f = "links.csv"
    src.add(f, "*", "from_node", "-", "-", assumed(
        "simplified main-road network: junctions of the main roads as nodes, each two-way road as two links; "
        "centroid connectors stand for the local streets", SRC_ORTUZAR))
    src.add(f, "*", "to_node", "-", "-", assumed("as from_node; the E45 exits are those of the source",
                                                 SRC_E45_EXITS + "; " + SRC_TUNNEL_DETOUR))
    src.add(f, "*", "name", "-", "-", assumed(
        "road names from the sources where named (E45 exits, Limfjordstunnelen, Nørresundbygrenen, the "
        "tunnel detour Vesterbro - Øster Allé - Gasværksvej - Øster Uttrup Vej, the +BUS stops, Astrupstien); "
        "'(approximate)' marks links whose road is assumed", SRC_E45_EXITS + "; " + SRC_PLUSBUS_ROUTE))
    src.add(f, "*", "length_km", fmt(CURVATURE), "km", assumed(
        f"straight-line distance between the (approximate) node coordinates x {fmt(CURVATURE)} for the bends "
        "of the road, at least 0.05 km"))
    for c, unit, attr in (("free_speed_kmh", "km/h", "free_speed_kmh"), ("lanes", "-", "lanes"),
                          ("capacity_veh_h", "veh/h", "capacity_per_lane")):
        value = "; ".join(f"{name} {fmt(getattr(rc, attr))}" for name, rc in ROAD_CLASSES.items())
        reasons = " | ".join(f"{name}: {rc.reason}" for name, rc in ROAD_CLASSES.items())
        what = {"free_speed_kmh": "speed limit of the road class",
                "lanes": "lanes per direction of the road class",
                "capacity_veh_h": "capacity per lane of the road class x lanes"}[c]
        src.add(f, "*", c, value, unit, assumed(f"{what} (class of each link in make_transport.py ROADS): {reasons}"))
    src.add(f, "*", "alpha", fmt(ALPHA), "1", cited(SRC_BPR, "classic BPR default, not calibrated for Aalborg"))
    src.add(f, "*", "beta", fmt(BETA), "1", cited(SRC_BPR, "classic BPR default, not calibrated for Aalborg"))
    src.add(f, "*", "modes", "-", "-", assumed(
        "E45 and its feeders car+bus; urban roads car+bus+bike+walk (Danish urban roads have cycle tracks "
        "or allow cycling); centroid connectors car+bike+walk; Astrupstien and some connectors bike+walk; "
        "far-zone connectors to the motorway car only", SRC_ASTRUPSTIEN))
    src.add(f, "*", "bus_lane", "Jyllandsgade - Hospitalsbyen", "-", cited(
        SRC_PLUSBUS_ROUTE, "the +BUS lane between the railway station (J.F. Kennedys Plads) and the hospital; "
        "the west section has no lane of its own. Capacities are those before the lane was built; a scenario "
        "measure reduces them with road_network(capacity_factor=...)"))
    src.add(f, "*", "toll_dkk", "0", "DKK", assumed("no road tolls or road charges in Aalborg: Danish tolls are "
                                                    "only on the Great Belt and Øresund bridges; the E45 and the "
                                                    "Limfjord tunnel are free"))


# --------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------
def write_atomically(files: dict[Path, str]) -> None:
    """Write every file to a temporary sibling first, then rename them all into place."""
    tmp: list[tuple[str, Path]] = []
    try:
        for path, text in files.items():
            fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            tmp.append((name, path))
            os.chmod(name, 0o644)  # mkstemp creates 0600; the tables are meant to be read by all
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


def summary(totals: dict[str, object]) -> str:
    rows = totals["zone_rows"]
    head = (f"{totals['zones']} zones, {totals['nodes']} nodes, {totals['links']} directed links, "
            f"{totals['lines']} lines")
    lines_out = [head]
    for year in (2014, 2025, 2030):
        latest: dict[str, dict] = {}
        for r in rows:  # type: ignore[union-attr]
            if r["year"] <= year:
                latest[r["zone"]] = r
        internal = [r for r in latest.values() if r["kind"] == "internal"]
        lines_out.append(
            f"  {year}: internal population {sum(r['population'] for r in internal):,.0f}, jobs "
            f"{sum(r['jobs'] for r in internal):,.0f}, students {sum(r['students'] for r in internal):,.0f}; "
            f"all zones population {sum(r['population'] for r in latest.values()):,.0f}")
    return "\n".join(lines_out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out-dir", type=Path, default=HERE,
                        help="folder for the CSV files (default: next to this script)")
    parser.add_argument("--buildings", type=Path, default=BUILDINGS,
                        help="buildings table (default: ../buildings.csv)")
    parser.add_argument("--buildings-sources", type=Path, default=BUILDINGS_SOURCES,
                        help="its sources table with dwellings_per_building (default: ../buildings_sources.csv)")
    parser.add_argument("--quiet", action="store_true", help="do not print the summary")
    args = parser.parse_args(argv)
    for path in (args.buildings, args.buildings_sources):
        if not path.is_file():
            print(f"error: file not found: {path}", file=sys.stderr)
            return 2
    if not args.out_dir.is_dir():
        print(f"error: output folder not found: {args.out_dir}", file=sys.stderr)
        return 2
    texts, totals = build(load_buildings(args.buildings, args.buildings_sources))
    write_atomically({args.out_dir / name: text for name, text in texts.items()})
    if not args.quiet:
        print(summary(totals))
    return 0


if __name__ == "__main__":
    sys.exit(main())
