"""Buildings table from a BBR extract (Bygnings- og Boligregistret, the Danish building register).

:func:`read_bbr` turns a CSV extract of BBR buildings into a table of the ``buildings``
schema (``smartcity/schemas/buildings.toml``), one row per BBR building:

* the use code (byg021) selects the schema's ``use`` and, for dwellings, the TABULA DK
  building type (single-family house SFH, terraced house TH, apartment block AB);
* the construction year (byg026) selects the TABULA DK construction period, whose
  existing-state example building (``DK.N.<type>.<period>.Gen.ReEx.001.001``) gives the
  envelope: U-values, g-value, envelope and window area per m2 of floor, window shares by
  orientation, air change, internal gains, heat capacity
  (:func:`smartcity.energy.archetypes.archetype_row`). Dwellings are that example scaled
  to the building's floor area (envelope areas in proportion), as in
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

Longer than the house limit of ~700 lines (about 780): some 250 of them are the BBR code
lists, kept beside the reader that checks every cell against them; the archetypes the rows
are built from are in :mod:`smartcity.energy.archetypes`.
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

from smartcity.energy.archetypes import TABULA_TYPE_OF_USE, TERTIARY, archetype_code, archetype_row, tabula_archetypes
from smartcity.errors import InputError
from smartcity.schema.files import check_regular_file

__all__ = [
    "USE_CODES",
    "USE_OF_CODE",
    "SKIP_REASON_OF_CODE",
    "HEATING_INSTALLATION_CODES",
    "HEATING_MEDIUM_CODES",
    "SUPPLEMENTARY_HEAT_CODES",
    "FIELDS",
    "BBRImport",
    "read_bbr",
    "import_bbr",
    "heating_system_of",
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
    if path.exists() and not path.is_dir():
        check_regular_file(path, what="BBR extract")  # a device or pipe would be read without end
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
        TABULA archetypes (:func:`~smartcity.energy.archetypes.archetypes_from_tabula`); default the shipped ones.

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
        if use not in (*TABULA_TYPE_OF_USE, *TERTIARY):
            raise InputError("unknown use", key=f"use_of_code[{code}]", value=use,
                             allowed="one of " + ", ".join([*TABULA_TYPE_OF_USE, *TERTIARY]))
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
            code = archetype_code(TABULA_TYPE_OF_USE[use], year, table)
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
    from smartcity.writing import write_text_atomic

    text = buildings.to_csv(index=False, float_format="%.12g", lineterminator="\n")
    return write_text_atomic(text, path, force=force)
