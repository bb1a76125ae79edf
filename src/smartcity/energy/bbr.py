"""Buildings table from a BBR extract (Bygnings- og Boligregistret, the Danish building register).

:func:`read_bbr` turns a CSV extract of BBR buildings into a table of the ``buildings``
schema (``smartcity/schemas/buildings.toml``), one row per BBR building:

* the use code (byg021) selects the schema's ``use`` and, for dwellings, the TABULA DK
  building type (single-family house SFH, terraced house TH, apartment block AB);
* the construction year (byg026) selects the TABULA DK construction period, whose
  existing-state example building (``DK.N.<type>.<period>.Gen.ReEx.001.001``) gives the
  envelope: U-values, g-value, envelope and window area per m2 of floor, window shares by
  orientation, air change, internal gains, heat capacity. Dwellings are that example
  scaled to the building's floor area (envelope areas in proportion), as in
  ``scenarios/aalborg-east/make_buildings.py``; tertiary buildings get a box geometry
  from their floor area and storeys with the envelope of the TABULA apartment block of
  the same period (TABULA has no tertiary types);
* the heating installation (byg056) and heating medium (byg057) give ``heating_system``.

Accepted columns
----------------
Column names are matched without regard to case, spaces, '_' or '-', and with æ, ø, å
written as ae, oe, aa. Each field accepts its official BBR name, the ``bygNNN`` prefix
alone (also followed by any text, e.g. ``byg026_opfoerelsesaar``), or a Danish short form:

=========================================  ===================================================
official BBR name                          also accepted
=========================================  ===================================================
``id_lokalId`` (optional)                  ``building_id``, ``id``, ``bygning_id``
``byg021BygningensAnvendelse`` (required)  ``byg021``, ``anvendelse``, ``anvendelseskode``
``byg026Opførelsesår`` (required)          ``byg026``, ``opførelsesår``
``byg038SamletBygningsareal``              ``byg038``, ``samlet_bygningsareal``, ``samlet_areal``
``byg039BygningensSamledeBoligAreal``      ``byg039``, ``boligareal``, ``samlet_boligareal``
``byg040BygningensSamledeErhvervsAreal``   ``byg040``, ``erhvervsareal``, ``samlet_erhvervsareal``
``byg041BebyggetAreal``                    ``byg041``, ``bebygget_areal``
``byg054AntalEtager``                      ``byg054``, ``antal_etager``, ``etager``
``byg056Varmeinstallation``                ``byg056``, ``varmeinstallation``
``byg057Opvarmningsmiddel``                ``byg057``, ``opvarmningsmiddel``
``byg058SupplerendeVarme``                 ``byg058``, ``supplerende_varme`` (codes checked only)
=========================================  ===================================================

Without ``id_lokalId`` a building is named after its line (``bbr-line-<n>``). Other columns
are ignored. The delimiter may be ',' or ';' (with ';', a decimal comma is
accepted); the file may be UTF-8 or Windows-1252 text.

Rows
----
* Buildings outside the model's scope are **skipped and counted by reason**, since a
  municipal extract holds every registered building: outbuildings (9xx: garages,
  carports, sheds), agriculture, industry and utilities (2xx), transport and storage
  (31x, 323), leisure (5xx: summer houses, sports halls), some institutions (443
  barracks, 444 prisons, 449/490 others, 451 shelters), unknown use (999), buildings
  with no heating installation (byg056 = 9), buildings without a construction year, and
  tertiary buildings without any floor area. :attr:`BBRImport.skipped` lists each with
  its line and reason.
* Values that are not BBR codes or not numbers stop the import with an
  :class:`~smartcity.errors.InputError` naming the line, the column, the value and the
  allowed codes: they mean the extract or its columns are not what they seem.
* Missing values are filled and counted (:attr:`BBRImport.filled`): a dwelling without a
  floor area gets the TABULA example's area; a building without a usable heating code
  gets ``default_heating_system``; a construction year before 1600 is set to 1600 (the
  schema's lowest year, same TABULA period).

Floor area: TABULA's reference area A_C_Ref is 0.85 x the Danish gross heated area
(A_C_National); BBR areas are gross, so ``heated_floor_area_m2`` = 0.85 x gross, where
gross = byg039 + byg040 (dwelling plus business area) if either is given, else byg038,
else byg041 x byg054.

References
----------
.. [1] BBR code lists (kodelister), Bygnings- og Boligregistret, teknik.bbr.dk:
   BygAnvendelse (byg021), Varmeinstallation (byg056), Opvarmningsmiddel (byg057),
   SupplerendeVarme (byg058).
.. [2] TABULA/EPISCOPE building typology, Denmark: tabula_DK.csv (2014); Wittchen, K. B.,
   Kragh, J. (2012). Danish building typologies. Participation in the TABULA project.
   SBi 2012:01, Danish Building Research Institute.
.. [3] Loga, T., Stein, B., Diefenbach, N. (2016). TABULA building typologies in 20
   European countries. Energy and Buildings 132, 4-12.
   https://doi.org/10.1016/j.enbuild.2016.06.094
"""

from __future__ import annotations

import csv
import functools
import io
import logging
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

import numpy as np
import pandas as pd

from smartcity.errors import InputError

__all__ = [
    "USE_CODES",
    "USE_OF_CODE",
    "SKIP_REASON_OF_CODE",
    "HEATING_INSTALLATION_CODES",
    "HEATING_MEDIUM_CODES",
    "SUPPLEMENTARY_HEAT_CODES",
    "FIELDS",
    "TertiaryGeometry",
    "TERTIARY",
    "BBRImport",
    "read_bbr",
    "import_bbr",
    "heating_system_of",
    "tabula_archetypes",
    "archetypes_from_tabula",
    "archetype_code",
    "archetype_row",
    "write_buildings_csv",
]

log = logging.getLogger("smartcity")

# --------------------------------------------------------------------------------------
# BBR code lists [1]
# --------------------------------------------------------------------------------------

#: byg021 BygAnvendelse: every code of the list, with its Danish name (codes marked
#: "udfases" are being phased out but still occur in older registrations).
USE_CODES: dict[int, str] = {
    110: "Stuehus til landbrugsejendom",
    120: "Fritliggende enfamiliehus",
    121: "Sammenbygget enfamiliehus",
    122: "Fritliggende enfamiliehus i tæt-lav bebyggelse",
    130: "(udfases) Række-, kæde- eller dobbelthus",
    131: "Række-, kæde- og klyngehus",
    132: "Dobbelthus",
    140: "Etagebolig-bygning, flerfamiliehus eller to-familiehus",
    150: "Kollegium",
    160: "Boligbygning til døgninstitution",
    185: "Anneks i tilknytning til helårsbolig",
    190: "Anden bygning til helårsbeboelse",
    210: "(udfases) Bygning til erhvervsmæssig produktion vedr. landbrug, gartneri, råstofudvinding",
    211: "Stald til svin",
    212: "Stald til kvæg, får mv.",
    213: "Stald til fjerkræ",
    214: "Minkhal",
    215: "Væksthus",
    216: "Lade til foder, afgrøder mv.",
    217: "Maskinhus, garage mv.",
    218: "Lade til halm, hø mv.",
    219: "Anden bygning til landbrug mv.",
    220: "(udfases) Bygning til erhvervsmæssig produktion vedr. industri, håndværk",
    221: "Bygning til industri med integreret produktionsapparat",
    222: "Bygning til industri uden integreret produktionsapparat",
    223: "Værksted",
    229: "Anden bygning til produktion",
    230: "(udfases) El-, gas-, vand- eller varmeværk, forbrændingsanstalt",
    231: "Bygning til energiproduktion",
    232: "Bygning til energidistribution",
    233: "Bygning til vandforsyning",
    234: "Bygning til håndtering af affald og spildevand",
    239: "Anden bygning til energiproduktion og forsyning",
    290: "(udfases) Anden bygning til landbrug, industri etc.",
    310: "(udfases) Transport- og garageanlæg",
    311: "Bygning til jernbane- og busdrift",
    312: "Bygning til luftfart",
    313: "Bygning til parkering- og transportanlæg",
    314: "Bygning til parkering af flere end to køretøjer i tilknytning til boliger",
    315: "Havneanlæg",
    319: "Andet transportanlæg",
    320: "(udfases) Bygning til kontor, handel, lager, herunder offentlig administration",
    321: "Bygning til kontor",
    322: "Bygning til detailhandel",
    323: "Bygning til lager",
    324: "Butikscenter",
    325: "Tankstation",
    329: "Anden bygning til kontor, handel og lager",
    330: "(udfases) Bygning til hotel, restaurant, vaskeri, frisør og anden servicevirksomhed",
    331: "Hotel, kro eller konferencecenter med overnatning",
    332: "Bed & breakfast mv.",
    333: "Restaurant, café og konferencecenter uden overnatning",
    334: "Privat servicevirksomhed som frisør, vaskeri, netcafé mv.",
    339: "Anden bygning til serviceerhverv",
    390: "(udfases) Anden bygning til transport, handel etc.",
    410: "(udfases) Bygning til biograf, teater, udstilling, bibliotek, museum, kirke o.lign.",
    411: "Biograf, teater, koncertsted mv.",
    412: "Museum",
    413: "Bibliotek",
    414: "Kirke eller anden bygning til trosudøvelse",
    415: "Forsamlingshus",
    416: "Forlystelsespark",
    419: "Anden bygning til kulturelle formål",
    420: "(udfases) Bygning til undervisning og forskning",
    421: "Grundskole",
    422: "Universitet",
    429: "Anden bygning til undervisning og forskning",
    430: "(udfases) Bygning til hospital, sygehjem, fødeklinik o.lign.",
    431: "Hospital og sygehus",
    432: "Hospice, behandlingshjem mv.",
    433: "Sundhedscenter, lægehus, fødeklinik mv.",
    439: "Anden bygning til sundhedsformål",
    440: "(udfases) Bygning til daginstitution",
    441: "Daginstitution",
    442: "Servicefunktion på døgninstitution",
    443: "Kaserne",
    444: "Fængsel, arresthus mv.",
    449: "Anden bygning til institutionsformål",
    451: "Beskyttelsesrum",
    490: "(udfases) Bygning til anden institution, herunder kaserne, fængsel o.lign.",
    510: "Sommerhus",
    520: "(udfases) Bygning til feriekoloni, vandrehjem o.lign.",
    521: "Feriecenter, center til campingplads mv.",
    522: "Bygning med ferielejligheder til erhvervsmæssig udlejning",
    523: "Bygning med ferielejligheder til eget brug",
    529: "Anden bygning til ferieformål",
    530: "(udfases) Bygning i forbindelse med idrætsudøvelse",
    531: "Klubhus i forbindelse med fritid og idræt",
    532: "Svømmehal",
    533: "Idrætshal",
    534: "Tribune i forbindelse med stadion",
    535: "Bygning til træning og opstaldning af heste",
    539: "Anden bygning til idrætsformål",
    540: "Kolonihavehus",
    585: "Anneks i tilknytning til fritids- og sommerhus",
    590: "Anden bygning til fritidsformål",
    910: "Garage",
    920: "Carport",
    930: "Udhus",
    940: "Drivhus",
    950: "Fritliggende overdækning",
    960: "Fritliggende udestue",
    970: "Tiloversbleven landbrugsbygning",
    990: "Faldefærdig bygning",
    999: "Ukendt bygning",
}


def _codes(*ranges: tuple[int, int] | int) -> list[int]:
    out = []
    for r in ranges:
        lo, hi = (r, r) if isinstance(r, int) else r
        out += [c for c in USE_CODES if lo <= c <= hi]
    return out


#: byg021 code -> ``use`` of the buildings schema. Dwellings map to the TABULA type of
#: their use; tertiary codes to the schema use whose occupancy is the closest proxy
#: (daytime public buildings such as culture and clinics -> office; hotels, restaurants
#: and private services -> retail; 24-hour care -> hospital).
USE_OF_CODE: dict[int, str] = {
    **{c: "single_family" for c in (110, 120, 122, 185, 190)},
    **{c: "terraced_house" for c in (121, 130, 131, 132)},
    **{c: "apartment_block" for c in (140, 150, 160)},
    **{c: "office" for c in (320, 321, 329, *_codes((410, 415), 419), 433)},
    **{c: "retail" for c in (322, 324, 325, *_codes((330, 339)), 390)},
    **{c: "education" for c in _codes((420, 429))},
    **{c: "hospital" for c in (430, 431, 432, 439, 442)},
    **{c: "daycare" for c in (440, 441)},
}

#: byg021 code -> why buildings of that use are skipped (every code not in USE_OF_CODE).
SKIP_REASON_OF_CODE: dict[int, str] = {
    **{c: "agriculture, industry or utility building (2xx)" for c in _codes((200, 299))},
    **{c: "transport building (31x)" for c in _codes((310, 319))},
    323: "storage building (323)",
    416: "amusement park (416)",
    **{c: "institution without a matching use (443, 444, 449, 451, 490)" for c in (443, 444, 449, 451, 490)},
    **{c: "leisure building: summer house, holiday or sports (5xx)" for c in _codes((500, 599))},
    **{c: "outbuilding: garage, carport, shed, greenhouse (9xx)" for c in _codes((900, 998))},
    999: "unknown use (999)",
}

#: byg056 Varmeinstallation.
HEATING_INSTALLATION_CODES: dict[int, str] = {
    1: "Fjernvarme/blokvarme",
    2: "Centralvarme med én fyringsenhed",
    3: "Ovn til fast og flydende brændsel",
    5: "Varmepumpe",
    6: "Centralvarme med to fyringsenheder",
    7: "Elvarme",
    8: "Gasradiator",
    9: "Ingen varmeinstallation",
    99: "Blandet (registreret på enheder)",
}

#: byg057 Opvarmningsmiddel.
HEATING_MEDIUM_CODES: dict[int, str] = {
    1: "Elektricitet",
    2: "Gasværksgas",
    3: "Flydende brændsel (olie, petroleum, flaskegas)",
    4: "Fast brændsel (kul, koks, brænde mm.)",
    6: "Halm",
    7: "Naturgas",
    9: "Andet",
}

#: byg058 SupplerendeVarme (read and checked; the model simulates the main system only).
SUPPLEMENTARY_HEAT_CODES: dict[int, str] = {
    0: "Ikke oplyst",
    1: "Varmepumpe",
    2: "Brændeovne og lignende med skorsten",
    3: "Biopejse og lignende uden skorsten",
    4: "Solvarmeanlæg",
    5: "Pejs",
    6: "Gasradiator",
    7: "Elvarme",
    10: "Biogasanlæg",
    80: "Andet",
    90: "Bygningen har ingen supplerende varme",
}

_MEDIUM_NAMES = {1: "electricity", 2: "town gas", 3: "liquid fuel", 4: "solid fuel", 6: "straw",
                 7: "natural gas", 9: "another medium"}

# Heating medium -> system of a boiler or stove that burns it.
_SYSTEM_OF_MEDIUM = {
    1: "electric_direct",  # electric boiler or stove: electricity used directly
    2: "gas_boiler",
    3: "oil_boiler",  # liquid fuel: heating oil, paraffin, bottled gas
    4: "biomass_boiler",  # solid fuel: today mostly wood and pellets in Danish homes
    6: "biomass_boiler",  # straw
    7: "gas_boiler",
}


def heating_system_of(installation: int | None, medium: int | None) -> tuple[str | None, str]:
    """The schema's ``heating_system`` for a BBR heating installation and medium.

    Parameters
    ----------
    installation : int or None
        byg056 Varmeinstallation code, None if not given.
    medium : int or None
        byg057 Opvarmningsmiddel code, None if not given.

    Returns
    -------
    (str or None, str)
        The system, or None if the codes do not determine it (the caller fills a
        default), and a short explanation. ``installation = 9`` (no heating
        installation) returns ``("none", ...)``.

    Notes
    -----
    1 district heating -> ``district_heating``; 5 heat pump -> ``heat_pump_air`` (BBR does
    not tell air from ground source; air-to-water is the common Danish retrofit); 7
    electric heating -> ``electric_direct``; 8 gas radiator -> ``gas_boiler`` (gas
    carrier); 2, 6 central heating and 3 stoves -> by the medium: 1 electricity ->
    ``electric_direct``, 2 town gas and 7 natural gas -> ``gas_boiler``, 3 liquid fuel
    -> ``oil_boiler``, 4 solid fuel and 6 straw -> ``biomass_boiler``; 99 (registered on
    the building's units) and no installation code -> by the medium alone.

    Examples
    --------
    >>> heating_system_of(2, 7)
    ('gas_boiler', 'central heating burning natural gas')
    >>> heating_system_of(1, None)[0]
    'district_heating'
    """
    fixed = {1: ("district_heating", "district heating"),
             5: ("heat_pump_air", "heat pump (air source assumed)"),
             7: ("electric_direct", "electric heating"),
             8: ("gas_boiler", "gas radiator"),
             9: ("none", "no heating installation")}
    if installation in fixed:
        return fixed[installation]
    what = {2: "central heating", 6: "central heating", 3: "stove", 99: "mixed installations",
            None: "no installation code"}[installation]
    if medium in _SYSTEM_OF_MEDIUM:
        return _SYSTEM_OF_MEDIUM[medium], f"{what} burning {_MEDIUM_NAMES[medium]}"
    return None, f"{what} with {'medium 9 (other)' if medium == 9 else 'no heating medium'}"


# --------------------------------------------------------------------------------------
# Columns of an extract
# --------------------------------------------------------------------------------------

#: field -> (official BBR name, other accepted names).
FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "id": ("id_lokalId", ("building_id", "id", "bygning_id")),
    "use": ("byg021BygningensAnvendelse", ("byg021", "anvendelse", "anvendelseskode")),
    "year": ("byg026Opførelsesår", ("byg026", "opførelsesår")),
    "total_area": ("byg038SamletBygningsareal", ("byg038", "samlet_bygningsareal", "samlet_areal")),
    "dwelling_area": ("byg039BygningensSamledeBoligAreal", ("byg039", "boligareal", "samlet_boligareal")),
    "business_area": ("byg040BygningensSamledeErhvervsAreal", ("byg040", "erhvervsareal", "samlet_erhvervsareal")),
    "footprint": ("byg041BebyggetAreal", ("byg041", "bebygget_areal")),
    "storeys": ("byg054AntalEtager", ("byg054", "antal_etager", "etager")),
    "installation": ("byg056Varmeinstallation", ("byg056", "varmeinstallation")),
    "medium": ("byg057Opvarmningsmiddel", ("byg057", "opvarmningsmiddel")),
    "supplementary": ("byg058SupplerendeVarme", ("byg058", "supplerende_varme")),
}


def _normalise(name: str) -> str:
    text = unicodedata.normalize("NFC", name.strip().lower())
    for a, b in (("æ", "ae"), ("ø", "oe"), ("å", "aa")):
        text = text.replace(a, b)
    return re.sub(r"[^a-z0-9]", "", text)


@functools.cache
def _column_lookup() -> dict[str, str]:
    lookup = {}
    for key, (official, others) in FIELDS.items():
        for name in (official, *others):
            lookup[_normalise(name)] = key
    return lookup


def _field_of_column(name: str) -> str | None:
    norm = _normalise(name)
    found = _column_lookup().get(norm)
    if found is not None:
        return found
    match = re.match(r"^(byg0\d\d)", norm)  # e.g. byg026_opfoerelsesaar
    return _column_lookup().get(match.group(1)) if match else None


def _read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError("BBR extract not found", file=path) from None
    except IsADirectoryError:
        raise InputError("is a folder, not a BBR extract", file=path, allowed="a .csv file") from None
    except OSError as exc:
        raise InputError(f"cannot read the BBR extract ({exc.strerror or exc})", file=path) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _read_cells(path: Path) -> tuple[list[str], list[tuple[int, list[str]]], str]:
    """Header, (line, cells) of each non-blank row, and the delimiter."""
    text = _read_text(path)
    lines = text.splitlines()
    first = next((ln for ln in lines if ln.strip()), None)
    if first is None:
        raise InputError("the BBR extract is empty", file=path, allowed="a header line and one line per building")
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise InputError(f"not a readable CSV file ({exc})", file=path) from None
    numbered = [(n + 1, [c.strip() for c in r]) for n, r in enumerate(records) if any(c.strip() for c in r)]
    header_line, header = numbered[0]
    while header and header[-1] == "":
        header.pop()
    rows = []
    for line, cells in numbered[1:]:
        while len(cells) > len(header) and cells[-1] == "":
            cells.pop()
        if len(cells) != len(header):
            raise InputError(f"line has {len(cells)} cells but the header has {len(header)}", file=path,
                             row=line, line=True, allowed=f"one cell per header column, separated by '{delimiter}'")
        rows.append((line, cells))
    return header, rows, delimiter


# --------------------------------------------------------------------------------------
# TABULA DK archetypes [2]
# --------------------------------------------------------------------------------------

_ARCHETYPE_COLUMNS = (
    "code", "building_type", "year_first", "year_last", "a_ref_m2", "ref_to_gross", "room_height_m",
    "wall_per_m2", "roof_per_m2", "floor_per_m2", "window_per_m2",
    "share_north", "share_east", "share_south", "share_west",
    "u_wall_w_m2k", "delta_u_tb_w_m2k", "u_roof_w_m2k", "u_floor_w_m2k", "u_window_w_m2k",
    "g_window", "solar_reduction_factor", "c_m_wh_m2k", "n_air_use_ach", "n_air_infiltration_ach",
    "phi_int_w_m2", "theta_i_c", "f_red_temp", "h_transmission_w_m2k", "q_h_nd_kwh_m2",
)


def archetypes_from_tabula(path: str | Path) -> pd.DataFrame:
    """Envelope and operating values of the TABULA DK existing-state example buildings.

    Reads the TABULA data set (``tabula_DK.csv``) and returns, for every variant
    ``DK.N.<SFH|TH|AB>.<period>.Gen.ReEx.001.001``, its values per m2 of reference area
    A_C_Ref, so that a building of any floor area can be scaled from it.

    Parameters
    ----------
    path : str or Path
        The TABULA DK CSV file.

    Returns
    -------
    pandas.DataFrame
        Indexed by variant code; columns: ``building_type`` (SFH, TH, AB), ``year_first``,
        ``year_last``, ``a_ref_m2`` (A_C_Ref), ``ref_to_gross`` (A_C_Ref / A_C_National),
        ``room_height_m``; areas per m2 of A_C_Ref: ``wall_per_m2`` (opaque walls and
        doors), ``roof_per_m2``, ``floor_per_m2``, ``window_per_m2``; window shares
        ``share_north`` ... ``share_west``; ``u_wall_w_m2k`` (walls and doors, thermal
        bridges excluded), ``delta_u_tb_w_m2k`` (thermal-bridge surcharge on the whole
        envelope), ``u_roof_w_m2k`` and ``u_floor_w_m2k`` (area-weighted U x b),
        ``u_window_w_m2k``; ``g_window``, ``solar_reduction_factor`` = (1 - F_f) F_sh,vert
        F_w; ``c_m_wh_m2k``, ``n_air_use_ach``, ``n_air_infiltration_ach``,
        ``phi_int_w_m2``, ``theta_i_c``; TABULA's own results ``f_red_temp``,
        ``h_transmission_w_m2k`` and ``q_h_nd_kwh_m2``.

    Raises
    ------
    InputError
        If the file lacks a column, or the element areas and U-values do not reproduce
        TABULA's h_Transmission (not the expected data set).
    """
    path = Path(path)
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read the TABULA file ({exc})", file=path) from None
    if "Code_BuildingVariant" not in table.columns:
        raise InputError("not a TABULA data set", file=path, column="Code_BuildingVariant")
    pattern = re.compile(r"^DK\.N\.(SFH|TH|AB)\.\d\d\.Gen\.ReEx\.001\.001$")
    rows = []
    for _, row in table[table["Code_BuildingVariant"].str.match(pattern)].iterrows():

        def num(key: str, row=row) -> float:
            if key not in row.index:
                raise InputError("column missing in the TABULA data set", file=path, column=key)
            text = row[key].strip()
            return float(text) if text not in ("", "nan", "NaN") else 0.0

        def elements(name: str, n: int) -> tuple[float, float]:
            area = h = 0.0
            for i in range(1, n + 1):
                a = num(f"A_Calc_{name}_{i}")
                area += a
                h += a * num(f"U_Actual_{name}_{i}") * num(f"b_Transmission_{name}_{i}")
            return area, h

        code = row["Code_BuildingVariant"]
        a_roof, h_roof = elements("Roof", 2)
        a_wall, h_wall = elements("Wall", 3)
        a_floor, h_floor = elements("Floor", 2)
        a_door = num("A_Calc_Door_1")  # doors are opaque: counted with the walls (b = 1)
        a_wall += a_door
        h_wall += a_door * num("U_Actual_Door_1")
        a_window = h_window = 0.0
        for i in (1, 2):
            a = num(f"A_Calc_Window_{i}")
            a_window += a
            h_window += a * num(f"U_Actual_Window_{i}")
        orient = np.array([num(f"A_Calc_Window_{o}") for o in ("North", "East", "South", "West")])
        shares = orient / orient.sum() if orient.sum() > 0 else np.full(4, 0.25)
        a_ref = num("A_C_Ref")
        delta_u = num("delta_U_ThermalBridging")
        a_env = a_roof + a_wall + a_floor + a_window
        h_check = (h_roof + h_wall + h_floor + h_window + delta_u * a_env) / a_ref
        if not math.isclose(h_check, num("h_Transmission"), rel_tol=1e-9):
            raise InputError(f"{code}: sum U b A / A_C_Ref = {h_check:.6g} W/(m2 K) differs from TABULA's "
                             "h_Transmission; not the expected TABULA DK data set", file=path)
        rows.append({
            "code": code,
            "building_type": code.split(".")[2],
            "year_first": int(num("Year1_Building")),
            "year_last": int(num("Year2_Building")),
            "a_ref_m2": a_ref,
            "ref_to_gross": a_ref / num("A_C_National"),
            "room_height_m": num("h_room"),
            "wall_per_m2": a_wall / a_ref,
            "roof_per_m2": a_roof / a_ref,
            "floor_per_m2": a_floor / a_ref,
            "window_per_m2": a_window / a_ref,
            "share_north": shares[0], "share_east": shares[1], "share_south": shares[2], "share_west": shares[3],
            "u_wall_w_m2k": h_wall / a_wall,
            "delta_u_tb_w_m2k": delta_u,
            "u_roof_w_m2k": h_roof / a_roof,
            "u_floor_w_m2k": h_floor / a_floor,
            "u_window_w_m2k": h_window / a_window,
            "g_window": num("g_gl_n_Window_1"),
            "solar_reduction_factor": (1.0 - num("F_f")) * num("F_sh_vert") * num("F_w"),
            "c_m_wh_m2k": num("c_m"),
            "n_air_use_ach": num("n_air_use"),
            "n_air_infiltration_ach": num("n_air_infiltration"),
            "phi_int_w_m2": num("phi_int"),
            "theta_i_c": num("theta_i"),
            "f_red_temp": num("F_red_temp"),
            "h_transmission_w_m2k": num("h_Transmission"),
            "q_h_nd_kwh_m2": num("q_h_nd"),
        })
    if not rows:
        raise InputError("no DK.N.<type>.<period>.Gen.ReEx.001.001 variants found", file=path)
    frame = pd.DataFrame(rows, columns=list(_ARCHETYPE_COLUMNS))
    return frame.sort_values(["building_type", "year_first"]).set_index("code")


# The output of archetypes_from_tabula for the TABULA DK data set (tabula_DK.csv, 2014),
# written with Python's shortest exact float repr; tests/energy/test_bbr.py checks it
# against the file.
_ARCHETYPES_CSV = """\
code,building_type,year_first,year_last,a_ref_m2,ref_to_gross,room_height_m,wall_per_m2,roof_per_m2,floor_per_m2,window_per_m2,share_north,share_east,share_south,share_west,u_wall_w_m2k,delta_u_tb_w_m2k,u_roof_w_m2k,u_floor_w_m2k,u_window_w_m2k,g_window,solar_reduction_factor,c_m_wh_m2k,n_air_use_ach,n_air_infiltration_ach,phi_int_w_m2,theta_i_c,f_red_temp,h_transmission_w_m2k,q_h_nd_kwh_m2
DK.N.AB.01.Gen.ReEx.001.001,AB,0,1850,371.45,0.85,2.5,1.1142818683537488,0.5963117512451205,0.5413918427783012,0.15533719208507202,0.3223570190641248,0.0,0.6776429809358752,0.0,2.382435370862527,0.15,0.2,0.47638333990637705,2.7,0.76,0.378,45.0,0.4,0.4,3.0,20.0,0.8562538080804799,3.8123857575856035,325.47725105380795
DK.N.AB.02.Gen.ReEx.001.001,AB,1851,1930,480.25,0.85,2.5,0.8308172826652785,0.6309213951067153,0.40395627277459656,0.19593961478396668,0.0,0.5111583421891606,0.0,0.48884165781083955,0.62,0.15,0.37999999999999995,0.26,2.7,0.76,0.378,45.0,0.4,0.4,3.0,20.0,0.9267277459656429,1.698167621030713,172.64540282868361
DK.N.AB.03.Gen.ReEx.001.001,AB,1931,1950,2341.75,0.85,2.5,0.6473790968292943,0.23742927297960928,0.23742927297960928,0.18302551510622397,0.32781147923471765,0.18408772748483435,0.42627158189454034,0.0618292113859076,1.2,0.15,1.9000000000000001,0.605095541401274,2.8,0.76,0.378,45.0,0.4,0.4,3.0,20.0,0.9140033718227948,2.079898845316156,201.7148183964752
DK.N.AB.04.Gen.ReEx.001.001,AB,1951,1960,311.95,0.85,2.5,0.8847571726238179,0.52251963455682,0.47122936368007695,0.18240102580541753,0.0351493848857645,0.4165202108963093,0.070298769771529,0.4780316344463972,1.6,0.1,0.6,0.3846153846153846,2.8,0.76,0.378,45.0,0.4,0.2,3.0,20.0,0.895760702939738,2.6271789118078583,229.82882018193834
DK.N.AB.05.Gen.ReEx.001.001,AB,1961,1972,1360.0,0.85,2.5,0.5404411764705882,0.39338235294117646,0.39338235294117646,0.2536764705882353,0.4057971014492754,0.0,0.5942028985507246,0.0,0.508,0.1,0.33,0.49295774647887325,2.7,0.76,0.378,45.0,0.4,0.2,3.0,20.0,0.9352901373929853,1.4412958782104393,129.6157072043748
DK.N.AB.06.Gen.ReEx.001.001,AB,1973,1978,1955.0,0.85,2.5,0.2987212276214834,0.24040920716112532,0.24040920716112532,0.38588235294117645,0.013255567338282077,0.27014846235418877,0.013255567338282077,0.703340402969247,0.5723116438356165,0.1,0.18999999999999997,0.20769088857580925,2.8,0.76,0.378,45.0,0.4,0.2,3.0,20.0,0.9345472341409952,1.4635829757701433,125.58068191236529
DK.N.AB.07.Gen.ReEx.001.001,AB,1979,1998,2496.45,0.85,2.5,0.44863706463177716,0.3132448076268301,0.3020288810110357,0.1713633359370306,0.14258999532491817,0.12225338943431509,0.37868162692847124,0.35647498831229546,0.34,0.05,0.18999999999999997,0.18999999999999997,2.7,0.76,0.378,45.0,0.4,0.1,3.0,20.0,0.9706116685693684,0.7938833143063152,77.0133368744116
DK.N.AB.08.Gen.ReEx.001.001,AB,1999,2006,2486.25,0.85,2.5,0.318552036199095,0.244947209653092,0.23931623931623933,0.20633484162895926,0.4183235867446394,0.056530214424951264,0.4666666666666667,0.05847953216374269,0.3,0.0,0.18999999999999997,0.11194029850746269,1.6,0.63,0.378,45.0,0.4,0.1,3.0,20.0,1.0000969541433107,0.49903045856689404,53.9926191166166
DK.N.AB.09.Gen.ReEx.001.001,AB,2007,2010,656.1999999999999,0.8499999999999999,2.5,0.5623285583663518,0.23773239865894547,0.2468759524535203,0.3172813166717464,0.0,0.505283381364073,0.29779058597502406,0.196926032660903,0.24000000000000002,0.0,0.18999999999999997,0.07,1.6,0.63,0.378,45.0,0.4,0.1,3.0,20.0,0.9794940566900335,0.7050594330996648,62.138402474015386
DK.N.AB.10.Gen.ReEx.001.001,AB,2011,9999,6987.849999999999,0.85,2.5,0.4440135377834384,0.15026080983421225,0.13328849359960504,0.2713710225605873,0.40183515266571745,0.18272425249169436,0.29647207720297425,0.11896851763961398,0.18000000000000002,0.0,0.1,0.07,1.05,0.35,0.378,45.0,0.4,0.1,3.0,20.0,1.011078171397497,0.38921828602502917,49.34456433949774
DK.N.SFH.01.Gen.ReEx.001.001,SFH,0,1850,131.75,0.85,2.5,1.1081593927893738,1.1764705882352942,0.9639468690702088,0.2049335863377609,0.3074074074074074,0.044444444444444446,0.16666666666666666,0.48148148148148145,0.33313432835820894,0.06791208791208792,0.6,0.5,2.8,0.76,0.378,45.0,0.4,0.2,3.0,20.0,0.8544876377127645,2.3653708686170662,196.48087777841903
DK.N.SFH.02.Gen.ReEx.001.001,SFH,1851,1930,95.2,0.85,2.5,1.0294117647058822,0.9873949579831932,0.6932773109243697,0.15861344537815125,0.16556291390728478,0.33112582781456956,0.13245033112582782,0.3708609271523179,1.6,0.1,0.6,0.5172413793103449,2.7,0.76,0.378,45.0,0.4,0.2,3.0,20.0,0.8228928812904472,3.3132135612865836,263.507944995808
DK.N.SFH.03.Gen.ReEx.001.001,SFH,1931,1950,119.0,0.85,2.5,0.9159663865546218,0.7478991596638656,0.7394957983193278,0.18235294117647058,0.33640552995391704,0.0,0.663594470046083,0.0,1.369633027522936,0.15,1.5,0.5172413793103449,2.7,0.76,0.378,45.0,0.4,0.4,3.0,20.0,0.8120301844875881,3.639094465372356,291.5523407072202
DK.N.SFH.04.Gen.ReEx.001.001,SFH,1951,1960,90.1,0.85,2.5,1.120976692563818,1.1764705882352942,1.1764705882352942,0.3129855715871254,0.06028368794326241,0.1453900709219858,0.24113475177304963,0.5531914893617021,1.0,0.15,0.37999999999999995,0.26,2.8,0.76,0.378,45.0,0.4,0.4,3.0,20.0,0.8227229004809471,3.3183129855715876,262.27721254828583
DK.N.SFH.05.Gen.ReEx.001.001,SFH,1961,1972,153.0,0.85,2.5,0.7908496732026143,1.1764705882352942,1.0457516339869282,0.22032679738562091,0.19376854599406526,0.23382789317507416,0.36824925816023735,0.20415430267062312,0.6,0.15,0.3,0.21999999999999997,2.8,0.76,0.378,45.0,0.4,0.4,3.0,20.0,0.8613519607843138,2.159441176470588,191.1142470430174
DK.N.SFH.06.Gen.ReEx.001.001,SFH,1973,1978,117.3,0.85,2.5,0.8269394714407502,1.1167945439045184,1.0059676044330776,0.19011082693947146,0.0,0.22869955156950675,0.07174887892376683,0.6995515695067265,0.3,0.15,0.3,0.1,2.7,0.76,0.378,45.0,0.4,0.4,3.0,20.0,0.8777337311736289,1.6679880647911338,159.22554258250508
DK.N.SFH.07.Gen.ReEx.001.001,SFH,1979,1998,121.55,0.85,2.5,1.0201563142739614,1.1764705882352942,1.0037021801727684,0.20320855614973263,0.06477732793522267,0.2591093117408907,0.3036437246963563,0.3724696356275303,0.48,0.1,0.10999999999999999,0.165,1.5,0.63,0.378,45.0,0.4,0.2,3.0,20.0,0.8856711915535446,1.4298642533936652,127.44537611907288
DK.N.SFH.08.Gen.ReEx.001.001,SFH,1999,2006,148.75,0.85,2.5,0.7865546218487395,0.8067226890756303,0.6050420168067226,0.18420168067226889,0.18248175182481752,0.13868613138686128,0.3795620437956204,0.2992700729927007,0.12,0.0,0.11,0.07,1.9000000000000001,0.63,0.378,45.0,0.4,0.1,3.0,20.0,0.9849075630252101,0.5754621848739495,60.46351106799041
DK.N.SFH.09.Gen.ReEx.001.001,SFH,2007,2010,145.35,0.85,2.5,1.0319917440660475,1.1764705882352942,1.0251117991056071,0.16993464052287582,0.20647773279352225,0.016194331983805668,0.6072874493927126,0.17004048582995954,0.16,0.0,0.10999999999999999,0.06,1.5,0.63,0.378,45.0,0.4,0.1,3.0,20.0,0.97781217750258,0.6109391124871001,62.59675779790017
DK.N.SFH.10.Gen.ReEx.001.001,SFH,2011,9999,151.29999999999998,0.8499999999999999,2.5,1.0072703238598812,1.1764705882352942,1.1764705882352942,0.22141440846001326,0.3611940298507463,0.03880597014925373,0.3283582089552239,0.2716417910447761,0.18,0.0,0.10999999999999999,0.05,1.3,0.64,0.378,45.0,0.4,0.1,3.0,20.0,0.9685234633179114,0.6573826834104429,65.23365327021642
DK.N.TH.01.Gen.ReEx.001.001,TH,0,1850,92.64999999999999,0.8499999999999999,2.5,0.35617916891527257,0.9498111171073935,0.7123583378305451,0.10577441985968701,0.07142857142857142,0.4591836734693877,0.0,0.4693877551020407,1.0545454545454545,0.1,0.6,0.17,2.8,0.76,0.378,45.0,0.4,0.2,3.0,20.0,0.880827486958086,1.5751753912574205,145.83238996630124
DK.N.TH.02.Gen.ReEx.001.001,TH,1851,1930,117.3,0.85,2.5,0.5029838022165388,0.555839727195226,0.41602728047740833,0.12958226768968456,0.0,0.5263157894736842,0.0,0.4736842105263158,1.5,0.1,1.5,0.7499999999999999,2.7,0.76,0.378,45.0,0.4,0.2,3.0,20.0,0.8529809605001422,2.4105711849957374,204.73111494255738
DK.N.TH.03.Gen.ReEx.001.001,TH,1931,1950,95.2,0.85,2.5,0.31512605042016806,0.7878151260504201,0.6512605042016807,0.13865546218487393,0.0,0.5454545454545455,0.0,0.4545454545454546,1.6,0.1,0.2,0.4676258992805756,2.7,0.76,0.378,45.0,0.4,0.2,3.0,20.0,0.8823344517663181,1.5299664470104588,139.5225051814931
DK.N.TH.04.Gen.ReEx.001.001,TH,1951,1960,86.7,0.85,2.5,0.4382929642445213,1.0380622837370241,0.6689734717416378,0.19261822376009224,0.0,0.5149700598802395,0.0,0.48502994011976047,0.67,0.1,0.37999999999999995,0.2542372881355932,2.7,0.76,0.378,45.0,0.4,0.2,3.0,20.0,0.8795979382115093,1.612061853654722,141.63030460338388
DK.N.TH.05.Gen.ReEx.001.001,TH,1961,1972,85.85,0.85,2.5,0.43098427489807806,0.8503203261502621,0.5824111822947001,0.4344787419918462,0.21715817694369974,0.0,0.7828418230563003,0.0,0.67,0.1,0.3,0.3,2.8,0.76,0.378,45.0,0.4,0.2,3.0,20.0,0.8611687051058047,2.1649388468258595,153.9315860808196
DK.N.TH.06.Gen.ReEx.001.001,TH,1973,1978,110.5,0.85,2.5,0.19909502262443438,0.8597285067873304,0.5882352941176471,0.15294117647058822,0.0,0.39644970414201186,0.0,0.6035502958579881,0.3,0.1,0.6,0.23500000000000001,2.8,0.76,0.378,45.0,0.4,0.2,3.0,20.0,0.8892654600301659,1.3220361990950225,122.49112751789534
DK.N.TH.07.Gen.ReEx.001.001,TH,1979,1998,85.0,0.85,2.5,0.35294117647058826,0.6235294117647059,0.5058823529411764,0.15176470588235294,0.4108527131782946,0.0,0.5891472868217055,0.0,0.3,0.05,0.20000000000000004,0.09,2.8,0.76,0.378,45.0,0.4,0.1,3.0,20.0,0.9434470588235294,0.7827647058823529,74.73655797237043
DK.N.TH.08.Gen.ReEx.001.001,TH,1999,2006,101.14999999999999,0.85,2.5,0.3756796836381612,0.5239742956005933,0.33613445378151263,0.19476025704399408,0.4365482233502538,0.0,0.5634517766497462,0.0,0.3,0.0,0.20000000000000004,0.07,1.5,0.63,0.378,45.0,0.4,0.1,3.0,20.0,0.9933662876915472,0.5331685615422639,56.68631490825214
DK.N.TH.09.Gen.ReEx.001.001,TH,2007,2010,110.5,0.85,2.5,0.5429864253393665,1.1764705882352942,1.0678733031674208,0.27511312217194567,0.0,0.5164473684210527,0.0,0.48355263157894735,0.23999999999999996,0.0,0.12,0.07,1.4999999999999998,0.63,0.378,45.0,0.4,0.1,3.0,20.0,0.9482171945701358,0.7589140271493212,69.66749807575624
DK.N.TH.10.Gen.ReEx.001.001,TH,2011,9999,131.75,0.85,2.5,1.092979127134725,0.5882352941176471,0.5032258064516129,0.25958254269449715,0.3742690058479532,0.1871345029239766,0.43859649122807015,0.0,0.16,0.0,0.11999999999999998,0.06,0.8,0.4,0.378,45.0,0.4,0.1,3.0,20.0,1.0033351043643264,0.4833244781783681,55.531922102263835
"""


@functools.cache
def _archetypes_cached() -> pd.DataFrame:
    return pd.read_csv(io.StringIO(_ARCHETYPES_CSV), index_col="code")


def tabula_archetypes() -> pd.DataFrame:
    """The TABULA DK existing-state archetypes shipped with the package.

    Returns
    -------
    pandas.DataFrame
        As :func:`archetypes_from_tabula` for the TABULA DK data set (2014); a copy.
    """
    return _archetypes_cached().copy()


_TYPE_OF_USE = {"single_family": "SFH", "terraced_house": "TH", "apartment_block": "AB"}


def archetype_code(building_type: str, year: int, archetypes: pd.DataFrame | None = None) -> str:
    """Code of the TABULA variant of ``building_type`` (SFH, TH, AB) whose period holds ``year``."""
    table = tabula_archetypes() if archetypes is None else archetypes
    hit = table[(table["building_type"] == building_type) & (table["year_first"] <= year)
                & (table["year_last"] >= year)]
    if len(hit) == 0:
        raise ValueError(f"no TABULA DK variant of type {building_type!r} covers the year {year}")
    return str(hit.index[0])


@dataclass(frozen=True)
class TertiaryGeometry:
    """Assumptions for a tertiary use (TABULA has none), as in the Aalborg East default table.

    Attributes
    ----------
    room_height_m : float
        Clear room height. [m]
    depth_m : float
        Depth of the box plan (long facades face north and south). [m]
    window_to_wall : float
        Window share of the facade area. [1]
    storeys : int
        Storeys when BBR gives neither byg054 nor a footprint. [-]
    m2_per_person : float
        Floor area per occupant while in use. [m2]
    occupied_hours : float
        Hours in use per year. [h]
    gains_occupied_w_m2, gains_unoccupied_w_m2 : float
        Internal gains in and out of use. [W/m2]
    cooling_setpoint_c : float
        Cooling setpoint; 50 = not cooled. [°C]
    """

    room_height_m: float
    depth_m: float
    window_to_wall: float
    storeys: int
    m2_per_person: float
    occupied_hours: float
    gains_occupied_w_m2: float
    gains_unoccupied_w_m2: float
    cooling_setpoint_c: float


#: Assumptions per tertiary use: operating values of EN 16798-1 / ISO 13790 Annex G type
#: and plan depths and glazing typical of Danish buildings (flagged as assumptions in the
#: Aalborg East default table, which uses the same values).
TERTIARY: dict[str, TertiaryGeometry] = {
    "office": TertiaryGeometry(2.8, 15.0, 0.40, 3, 10.0, 2600.0, 20.0, 2.0, 26.0),
    "education": TertiaryGeometry(3.0, 15.0, 0.25, 2, 5.0, 2200.0, 25.0, 2.0, 26.0),
    "hospital": TertiaryGeometry(3.0, 20.0, 0.30, 3, 10.0, 8760.0, 10.0, 10.0, 26.0),
    "retail": TertiaryGeometry(3.5, 35.0, 0.15, 1, 15.0, 3640.0, 20.0, 2.0, 26.0),
    "daycare": TertiaryGeometry(2.7, 12.0, 0.25, 1, 4.0, 2500.0, 15.0, 2.0, 50.0),
}
_STOREY_OVER_ROOM_M = 0.5  # slab and ceiling void: storey height = room height + 0.5 m
_PERSON_LPS = 7.0  # EN 16798-1 category II, l/s per person
_BUILDING_LPS_M2 = 0.7  # EN 16798-1 category II, low-polluting building, l/(s m2)
_J_PER_WH = 3600.0


def archetype_row(use: str, construction_year: int, heated_floor_area_m2: float | None = None, *,
                  storeys: int | None = None, archetypes: pd.DataFrame | None = None) -> dict[str, object]:
    """Envelope and operating columns of a buildings-table row from the TABULA DK archetypes.

    Parameters
    ----------
    use : str
        The schema's ``use``.
    construction_year : int
        Year of construction; selects the TABULA period. [a]
    heated_floor_area_m2 : float, optional
        Heated floor area (TABULA reference-area basis). Dwellings: default the TABULA
        example's A_C_Ref; required for tertiary uses. [m2]
    storeys : int, optional
        Storeys of a tertiary building; default :data:`TERTIARY`'s. [-]
    archetypes : pandas.DataFrame, optional
        Default :func:`tabula_archetypes`.

    Returns
    -------
    dict
        The schema columns ``use`` ... ``cooling_setpoint_c`` (all but ``building_id``,
        ``count``, ``heating_system``, ``zone``), plus ``tabula_variant``.

    Notes
    -----
    Dwellings: the TABULA example scaled by A_f / A_C_Ref, keeping its envelope areas per
    m2, window shares and U-values, so H_tr per m2 equals TABULA's h_Transmission (the
    thermal-bridge surcharge on the whole envelope is carried by the walls); TABULA's
    method values for air change (n_air_use + n_air_infiltration), internal gains,
    setpoint and heat capacity; no cooling.

    Tertiary uses: a box of ``storeys`` storeys and the use's plan depth (narrower if the
    footprint is small), with the envelope of the TABULA apartment block of the same
    period; ventilation of EN 16798-1 category II over the use's operating hours with
    heat recovery 0.75 (built 2006 or later) or 0.6, plus the block's infiltration;
    medium heat capacity (ISO 13790 Table 12).
    """
    table = tabula_archetypes() if archetypes is None else archetypes
    if use in _TYPE_OF_USE:
        code = archetype_code(_TYPE_OF_USE[use], construction_year, table)
        a = table.loc[code]
        a_f = float(a["a_ref_m2"]) if heated_floor_area_m2 is None else float(heated_floor_area_m2)
        env_per_m2 = a["wall_per_m2"] + a["roof_per_m2"] + a["floor_per_m2"] + a["window_per_m2"]
        window = a["window_per_m2"] * a_f
        return {
            "use": use,
            "construction_year": int(construction_year),
            "heated_floor_area_m2": a_f,
            "room_height_m": float(a["room_height_m"]),
            "wall_area_m2": a["wall_per_m2"] * a_f,
            "roof_area_m2": a["roof_per_m2"] * a_f,
            "ground_floor_area_m2": a["floor_per_m2"] * a_f,
            "window_area_north_m2": a["share_north"] * window,
            "window_area_east_m2": a["share_east"] * window,
            "window_area_south_m2": a["share_south"] * window,
            "window_area_west_m2": a["share_west"] * window,
            "u_wall_w_m2k": a["u_wall_w_m2k"] + a["delta_u_tb_w_m2k"] * env_per_m2 / a["wall_per_m2"],
            "u_roof_w_m2k": float(a["u_roof_w_m2k"]),
            "u_floor_w_m2k": float(a["u_floor_w_m2k"]),
            "u_window_w_m2k": float(a["u_window_w_m2k"]),
            "g_window": float(a["g_window"]),
            "solar_reduction_factor": float(a["solar_reduction_factor"]),
            "heat_capacity_j_m2k": a["c_m_wh_m2k"] * _J_PER_WH,
            "mass_area_factor": 2.5,
            "ventilation_ach": a["n_air_use_ach"] + a["n_air_infiltration_ach"],
            "heat_recovery_efficiency": 0.0,
            "internal_gains_w_m2": float(a["phi_int_w_m2"]),
            "heating_setpoint_c": float(a["theta_i_c"]),
            "cooling_setpoint_c": 50.0,
            "tabula_variant": code,
        }
    if use not in TERTIARY:
        raise ValueError(f"use {use!r}: expected one of {', '.join([*_TYPE_OF_USE, *TERTIARY])}")
    if heated_floor_area_m2 is None or not heated_floor_area_m2 > 0:
        raise ValueError(f"heated_floor_area_m2 = {heated_floor_area_m2!r}: a tertiary building needs a floor area > 0")
    p = TERTIARY[use]
    code = archetype_code("AB", construction_year, table)
    a = table.loc[code]
    a_f = float(heated_floor_area_m2)
    gross = a_f / a["ref_to_gross"]
    n_storeys = max(1, int(storeys)) if storeys else p.storeys
    footprint = gross / n_storeys
    depth = min(p.depth_m, math.sqrt(footprint))  # a small footprint becomes a square
    length = footprint / depth
    storey_h = p.room_height_m + _STOREY_OVER_ROOM_M
    facade_ns = length * n_storeys * storey_h  # each long facade (north, south)
    facade_ew = depth * n_storeys * storey_h  # each short facade (east, west)
    north = south = p.window_to_wall * facade_ns
    east = west = p.window_to_wall * facade_ew
    a_wall = (1.0 - p.window_to_wall) * 2.0 * (facade_ns + facade_ew)
    a_env = a_wall + 2.0 * footprint + north + south + east + west
    q_mech = _PERSON_LPS / p.m2_per_person + _BUILDING_LPS_M2  # l/(s m2) in use
    n_mech = q_mech * 3.6 / p.room_height_m * p.occupied_hours / 8760.0
    n_inf = float(a["n_air_infiltration_ach"])
    eta = 0.75 if construction_year >= 2006 else 0.6
    share = p.occupied_hours / 8760.0
    return {
        "use": use,
        "construction_year": int(construction_year),
        "heated_floor_area_m2": a_f,
        "room_height_m": p.room_height_m,
        "wall_area_m2": a_wall,
        "roof_area_m2": footprint,
        "ground_floor_area_m2": footprint,
        "window_area_north_m2": north,
        "window_area_east_m2": east,
        "window_area_south_m2": south,
        "window_area_west_m2": west,
        "u_wall_w_m2k": a["u_wall_w_m2k"] + a["delta_u_tb_w_m2k"] * a_env / a_wall,
        "u_roof_w_m2k": float(a["u_roof_w_m2k"]),
        "u_floor_w_m2k": float(a["u_floor_w_m2k"]),
        "u_window_w_m2k": float(a["u_window_w_m2k"]),
        "g_window": float(a["g_window"]),
        "solar_reduction_factor": float(a["solar_reduction_factor"]),
        "heat_capacity_j_m2k": 165000.0,
        "mass_area_factor": 2.5,
        "ventilation_ach": n_mech + n_inf,
        "heat_recovery_efficiency": eta * n_mech / (n_mech + n_inf),
        "internal_gains_w_m2": p.gains_occupied_w_m2 * share + p.gains_unoccupied_w_m2 * (1.0 - share),
        "heating_setpoint_c": 20.0,
        "cooling_setpoint_c": p.cooling_setpoint_c,
        "tabula_variant": code,
    }


# --------------------------------------------------------------------------------------
# Reading an extract
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BBRImport:
    """The result of :func:`import_bbr`.

    Attributes
    ----------
    buildings : pandas.DataFrame
        The buildings table (schema ``buildings``, columns in schema order); its
        ``attrs["source_lines"]`` gives each row's line in the extract.
    skipped : pandas.DataFrame
        One row per skipped building: ``line``, ``building_id``, ``use_code``, ``reason``.
    filled : dict
        What was filled in, and for how many buildings.
    tabula_variant : pandas.Series
        TABULA variant each row's envelope comes from, indexed like ``buildings``.
    """

    buildings: pd.DataFrame
    skipped: pd.DataFrame
    filled: dict[str, int] = field(default_factory=dict)
    tabula_variant: pd.Series | None = None

    def summary(self) -> str:
        """A few lines for people: rows written, skipped by reason, values filled."""
        n_in = len(self.buildings) + len(self.skipped)
        lines = [f"{len(self.buildings)} of {n_in} BBR buildings mapped to the buildings table"]
        if len(self.skipped):
            lines.append(f"skipped {len(self.skipped)}:")
            for reason, n in self.skipped["reason"].value_counts(sort=True).items():
                lines.append(f"  {n:6d}  {reason}")
        if self.filled:
            lines.append("filled in:")
            for what, n in self.filled.items():
                lines.append(f"  {n:6d}  {what}")
        return "\n".join(lines)


def _parse_int(text: str, *, file, line, column, allowed) -> int | None:
    """A code or count: '' -> None; '120', '120.0' -> 120; else InputError."""
    if text == "":
        return None
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value != int(value):
        raise InputError("not a whole number", file=file, row=line, line=True, column=column, value=text,
                         allowed=allowed)
    return int(value)


def _parse_area(text: str, *, file, line, column, decimal_comma) -> float | None:
    """An area: '' or 0 -> None (BBR writes 0 for unknown); negative or text -> InputError."""
    if text == "":
        return None
    number = text.replace(",", ".") if decimal_comma else text
    try:
        value = float(number)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise InputError("not an area", file=file, row=line, line=True, column=column, value=text,
                         allowed="a number >= 0 [m2] (empty or 0 if unknown)")
    return value if value > 0 else None


def _code_list(codes: Mapping[int, str]) -> str:
    return ", ".join(str(c) for c in codes)


def import_bbr(path: str | Path, *, default_heating_system: str = "district_heating",
               use_of_code: Mapping[int, str] | None = None,
               archetypes: pd.DataFrame | None = None) -> BBRImport:
    """Read a BBR extract into a buildings table, with what was skipped and filled.

    Parameters
    ----------
    path : str or Path
        CSV extract, one line per BBR building; accepted columns in the module docstring.
    default_heating_system : str, default ``"district_heating"``
        ``heating_system`` of buildings whose byg056/byg057 codes do not determine one
        (empty, 99 without a medium, central heating with medium 9). The default suits
        district-heating areas such as Aalborg East; elsewhere pass the area's typical
        system.
    use_of_code : mapping, optional
        byg021 code -> schema ``use``, replacing :data:`USE_OF_CODE`; codes not in it are
        skipped.
    archetypes : pandas.DataFrame, optional
        TABULA archetypes (:func:`archetypes_from_tabula`); default the shipped ones.

    Returns
    -------
    BBRImport

    Raises
    ------
    InputError
        Missing file or required column, a column given twice, a value that is not a
        BBR code or not a number, a year after 2100, duplicate building ids; the message
        names the file, the line, the column, the value and what is allowed.
    """
    from smartcity.energy.buildings import check_buildings
    from smartcity.schema.tables import check_table, load_schema

    path = Path(path)
    schema = load_schema("buildings")
    allowed_systems = schema.columns["heating_system"].allowed
    if default_heating_system not in allowed_systems:
        raise InputError("unknown heating system", key="default_heating_system", value=default_heating_system,
                         allowed="one of " + ", ".join(allowed_systems))
    mapping = dict(USE_OF_CODE if use_of_code is None else use_of_code)
    for code, use in mapping.items():
        if use not in (*_TYPE_OF_USE, *TERTIARY):
            raise InputError("unknown use", key=f"use_of_code[{code}]", value=use,
                             allowed="one of " + ", ".join([*_TYPE_OF_USE, *TERTIARY]))
    table = tabula_archetypes() if archetypes is None else archetypes

    header, rows, delimiter = _read_cells(path)
    columns: dict[str, int] = {}
    for i, name in enumerate(header):
        key = _field_of_column(name)
        if key is None:
            continue
        if key in columns:
            raise InputError("two columns hold the same BBR field", file=path, column=name,
                             value=f"'{header[columns[key]]}' and '{name}'",
                             allowed=f"one column for {FIELDS[key][0]}")
        columns[key] = i
    for key in ("use", "year"):
        if key not in columns:
            official, others = FIELDS[key]
            raise InputError("required column is missing", file=path, column=official,
                             allowed=f"a column named {official} (or {', '.join(others)})")

    def cell(cells: list[str], key: str) -> str:
        return cells[columns[key]] if key in columns else ""

    out: list[dict] = []
    lines: list[int] = []
    variants: list[str] = []
    skipped: list[dict] = []
    filled: Counter = Counter()
    seen_ids: dict[str, int] = {}
    use_allowed = "a BBR BygAnvendelse code: " + _code_list(USE_CODES)
    def name(key: str) -> str:
        return header[columns[key]]

    for line, cells in rows:
        bid = cell(cells, "id") or f"bbr-line-{line}"
        if bid in seen_ids:
            raise InputError("duplicate building id", file=path, row=line, line=True, column=name("id"),
                             value=bid, allowed=f"ids that appear once (also on line {seen_ids[bid]})")
        seen_ids[bid] = line

        use_code = _parse_int(cell(cells, "use"), file=path, line=line, column=name("use"), allowed=use_allowed)
        if use_code is None or use_code not in USE_CODES:
            raise InputError("not a BBR use code" if use_code is not None else "empty use code", file=path,
                             row=line, line=True, column=name("use"), value=cell(cells, "use"), allowed=use_allowed)
        installation = medium = None
        if "installation" in columns:
            installation = _parse_int(cell(cells, "installation"), file=path, line=line, column=name("installation"),
                                      allowed="a byg056 code: " + _code_list(HEATING_INSTALLATION_CODES))
            if installation is not None and installation not in HEATING_INSTALLATION_CODES:
                raise InputError("not a BBR heating installation code", file=path, row=line, line=True,
                                 column=name("installation"), value=cell(cells, "installation"),
                                 allowed="a byg056 Varmeinstallation code: " + _describe(HEATING_INSTALLATION_CODES))
        if "medium" in columns:
            medium = _parse_int(cell(cells, "medium"), file=path, line=line, column=name("medium"),
                                allowed="a byg057 code: " + _code_list(HEATING_MEDIUM_CODES))
            if medium is not None and medium not in HEATING_MEDIUM_CODES:
                raise InputError("not a BBR heating medium code", file=path, row=line, line=True,
                                 column=name("medium"), value=cell(cells, "medium"),
                                 allowed="a byg057 Opvarmningsmiddel code: " + _describe(HEATING_MEDIUM_CODES))
        if "supplementary" in columns:
            extra = _parse_int(cell(cells, "supplementary"), file=path, line=line, column=name("supplementary"),
                               allowed="a byg058 code: " + _code_list(SUPPLEMENTARY_HEAT_CODES))
            if extra is not None and extra not in SUPPLEMENTARY_HEAT_CODES:
                raise InputError("not a BBR supplementary heat code", file=path, row=line, line=True,
                                 column=name("supplementary"), value=cell(cells, "supplementary"),
                                 allowed="a byg058 SupplerendeVarme code: " + _describe(SUPPLEMENTARY_HEAT_CODES))
        year = _parse_int(cell(cells, "year"), file=path, line=line, column=name("year"),
                          allowed="a year, e.g. 1975 [a]")
        if year is not None and year > 2100:
            raise InputError("construction year after 2100", file=path, row=line, line=True, column=name("year"),
                             value=cell(cells, "year"), allowed="a year up to 2100 [a]")
        areas = {}
        for key in ("total_area", "dwelling_area", "business_area", "footprint"):
            if key in columns:
                areas[key] = _parse_area(cell(cells, key), file=path, line=line, column=name(key),
                                         decimal_comma=delimiter == ";")
        n_storeys = None
        if "storeys" in columns:
            n_storeys = _parse_int(cell(cells, "storeys"), file=path, line=line, column=name("storeys"),
                                   allowed="a whole number of storeys >= 0")
            if n_storeys is not None and n_storeys < 0:
                raise InputError("negative number of storeys", file=path, row=line, line=True,
                                 column=name("storeys"), value=cell(cells, "storeys"), allowed="a whole number >= 0")

        def skip(reason: str) -> None:
            skipped.append({"line": line, "building_id": bid, "use_code": use_code, "reason": reason})

        use = mapping.get(use_code)
        if use is None:
            skip(SKIP_REASON_OF_CODE.get(use_code, f"use code {use_code} not mapped"))
            continue
        system, _why = heating_system_of(installation, medium)
        if system == "none":
            skip("no heating installation (byg056 = 9)")
            continue
        if year is None:
            skip("no construction year (byg026)")
            continue

        # Gross heated area: dwelling + business area, else the total, else footprint x storeys.
        parts = [areas.get("dwelling_area"), areas.get("business_area")]
        if any(p is not None for p in parts):
            gross = sum(p for p in parts if p is not None)
        elif areas.get("total_area") is not None:
            gross = areas["total_area"]
        elif areas.get("footprint") is not None and n_storeys:
            gross = areas["footprint"] * n_storeys
        else:
            gross = None
        if year < 1600:
            filled["construction year before 1600 set to 1600 (schema minimum; TABULA period <= 1850)"] += 1
            year = 1600
        if system is None:
            filled[f"heating system from neither byg056 nor byg057: {default_heating_system} (default)"] += 1
            system = default_heating_system
        if use in TERTIARY:
            if gross is None:
                skip("tertiary building without floor area (byg038/039/040/041)")
                continue
            ref_to_gross = table.loc[archetype_code("AB", year, table), "ref_to_gross"]
            if not n_storeys and areas.get("footprint"):
                n_storeys = max(1, round(gross / areas["footprint"]))
            values = archetype_row(use, year, gross * ref_to_gross, storeys=n_storeys or None, archetypes=table)
        else:
            code = archetype_code(_TYPE_OF_USE[use], year, table)
            if gross is None:
                filled["dwelling without floor area: the TABULA example's area"] += 1
                a_f = None
            else:
                a_f = gross * table.loc[code, "ref_to_gross"]
            values = archetype_row(use, year, a_f, archetypes=table)
        variants.append(values.pop("tabula_variant"))
        out.append({"building_id": bid, **values, "count": 1, "heating_system": system, "zone": ""})
        lines.append(line)

    if not out:
        raise InputError("no building of the extract could be mapped (all skipped)", file=path,
                         allowed="an extract with heated dwellings or tertiary buildings")
    # Schema columns this module does not set are left to the schema (default or filler).
    frame = pd.DataFrame(out)
    frame = frame[[c.name for c in schema.column if c.name in frame.columns]]
    buildings = check_table(frame, schema, file=path, lines=np.asarray(lines))
    check_buildings(buildings)
    skipped_frame = pd.DataFrame(skipped, columns=["line", "building_id", "use_code", "reason"])
    result = BBRImport(buildings=buildings, skipped=skipped_frame, filled=dict(filled),
                       tabula_variant=pd.Series(variants, index=buildings.index, name="tabula_variant"))
    return result


def _describe(codes: Mapping[int, str]) -> str:
    return ", ".join(f"{c} ({text})" for c, text in codes.items())


def read_bbr(path: str | Path, *, default_heating_system: str = "district_heating") -> pd.DataFrame:
    """Read a BBR extract into a table of the ``buildings`` schema.

    Parameters
    ----------
    path : str or Path
        CSV extract, one line per BBR building (columns in the module docstring).
    default_heating_system : str, default ``"district_heating"``
        Used where the heating codes are missing or undetermined.

    Returns
    -------
    pandas.DataFrame
        Columns of ``schemas/buildings.toml`` in order, one row per mapped building.
        ``attrs["bbr_skipped"]`` is the number of skipped buildings and
        ``attrs["bbr_filled"]`` what was filled in (see :func:`import_bbr` for the lists).

    Raises
    ------
    InputError
        See :func:`import_bbr`.
    """
    result = import_bbr(path, default_heating_system=default_heating_system)
    if len(result.skipped):
        log.warning("%s: skipped %d of %d BBR buildings outside the model's scope (use import_bbr "
                    "for the list)", path, len(result.skipped), len(result.skipped) + len(result.buildings))
    frame = result.buildings
    frame.attrs["bbr_skipped"] = len(result.skipped)
    frame.attrs["bbr_filled"] = dict(result.filled)
    return frame


def write_buildings_csv(buildings: pd.DataFrame, path: str | Path, *, force: bool = False) -> Path:
    """Write a buildings table as CSV atomically (a temporary file renamed into place).

    Floats are written with 12 significant digits. An existing file is replaced only
    with ``force``.
    """
    from smartcity.results import write_text_atomic

    text = buildings.to_csv(index=False, float_format="%.12g", lineterminator="\n")
    return write_text_atomic(text, path, force=force)
