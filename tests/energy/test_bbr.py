"""BBR extract -> buildings table: code mappings, TABULA envelopes, skipped rows, bad rows, CLI."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from smartcity import weather as weather_mod
from smartcity.cli import main
from smartcity.energy import archetypes, bbr, thermal
from smartcity.energy.buildings import check_buildings
from smartcity.errors import InputError
from smartcity.schema.tables import load_schema, read_table

REPO = Path(__file__).resolve().parents[2]
EXTRACT = REPO / "tests" / "data" / "bbr_extract_small.csv"
DEFAULT_TABLE = REPO / "scenarios" / "aalborg-east" / "buildings.csv"
TABULA = REPO / "scenarios" / "aalborg-east" / "tabula" / "tabula_DK.csv"

HEADER = ("id_lokalId,byg021BygningensAnvendelse,byg026Opførelsesår,byg038SamletBygningsareal,"
          "byg054AntalEtager,byg056Varmeinstallation,byg057Opvarmningsmiddel,byg058SupplerendeVarme")


@pytest.fixture(scope="module")
def imported() -> bbr.BBRImport:
    return bbr.import_bbr(EXTRACT)


def write(tmp_path: Path, text: str, name: str = "extract.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


# --------------------------------------------------------------------------------------
# Archetypes
# --------------------------------------------------------------------------------------


def test_shipped_archetypes_equal_the_tabula_file():
    derived = archetypes.archetypes_from_tabula(TABULA)
    shipped = archetypes.tabula_archetypes()
    assert list(shipped.index) == list(derived.index)
    assert len(shipped) == 30  # SFH, TH, AB x 10 periods
    pd.testing.assert_frame_equal(shipped, derived, check_dtype=False, rtol=1e-15, atol=0.0)


def test_residential_row_reproduces_tabula_h_transmission():
    """sum U A / A_f of a scaled row equals TABULA's h_Transmission (area basis, b, thermal bridges)."""
    table = archetypes.tabula_archetypes()
    for code, a in table.iterrows():
        use = {"SFH": "single_family", "TH": "terraced_house", "AB": "apartment_block"}[a["building_type"]]
        for scale in (1.0, 2.7):
            row = archetypes.archetype_row(use, int(a["year_last"]) if a["year_last"] < 3000 else 2020,
                                    a["a_ref_m2"] * scale)
            assert row["tabula_variant"] == code
            h = thermal.thermal_inputs_from_table(pd.DataFrame([row]))
            per_m2 = (h["h_tr_w"][0] + h["h_tr_op"][0]) / row["heated_floor_area_m2"]
            assert per_m2 == pytest.approx(a["h_transmission_w_m2k"], rel=1e-12), code


@pytest.mark.parametrize("kind, year, code", [
    ("SFH", 1850, "DK.N.SFH.01.Gen.ReEx.001.001"), ("SFH", 1851, "DK.N.SFH.02.Gen.ReEx.001.001"),
    ("TH", 1978, "DK.N.TH.06.Gen.ReEx.001.001"), ("AB", 2010, "DK.N.AB.09.Gen.ReEx.001.001"),
    ("AB", 2024, "DK.N.AB.10.Gen.ReEx.001.001"), ("SFH", 1600, "DK.N.SFH.01.Gen.ReEx.001.001"),
])
def test_period_boundaries(kind, year, code):
    assert archetypes.archetype_code(kind, year) == code


# --------------------------------------------------------------------------------------
# The small extract: one row per mapping branch
# --------------------------------------------------------------------------------------

EXPECTED = {  # building_id: (use, TABULA variant, heating_system, heated floor area [m2])
    "sfh-1975-dh": ("single_family", "SFH.06", "district_heating", 138 * 0.85),
    "sfh-1967-gas": ("single_family", "SFH.05", "gas_boiler", 180 * 0.85),
    "farmhouse-1920-oil": ("single_family", "SFH.02", "oil_boiler", 160 * 0.85),
    "rowhouse-1982-hp": ("terraced_house", "TH.07", "heat_pump_air", 100 * 0.85),
    "doublehouse-2008-el": ("terraced_house", "TH.09", "electric_direct", 130 * 0.85),
    "flats-1972-dh": ("apartment_block", "AB.05", "district_heating", (1500 + 100) * 0.85),  # byg039 + byg040
    "dormitory-1935-wood": ("apartment_block", "AB.03", "biomass_boiler", 300 * 3 * 0.85),  # byg041 x byg054
    "sfh-2003-unknown": ("single_family", "SFH.08", "district_heating", 148.75),  # filled: TABULA area, default
    "office-2005-dh": ("office", "AB.08", "district_heating", 5000 * 0.85),
    "supermarket-2004-gasrad": ("retail", "AB.08", "gas_boiler", 1800 * 0.85),
    "school-1975-dh": ("education", "AB.06", "district_heating", 7000 * 0.85),
    "psychiatry-2021-dh": ("hospital", "AB.10", "district_heating", 26000 * 0.85),
    "daycare-1975-other": ("daycare", "AB.06", "district_heating", 700 * 0.85),  # medium 9: default
    "rowhouse-1580-dh": ("terraced_house", "TH.01", "district_heating", 109 * 0.85),  # year set to 1600
}


def test_each_mapping_branch(imported):
    b = imported.buildings.set_index("building_id")
    assert sorted(b.index) == sorted(EXPECTED)
    variants = dict(zip(imported.buildings["building_id"], imported.tabula_variant))
    for bid, (use, variant, system, area) in EXPECTED.items():
        assert b.loc[bid, "use"] == use, bid
        assert variants[bid] == f"DK.N.{variant}.Gen.ReEx.001.001", bid
        assert b.loc[bid, "heating_system"] == system, bid
        assert b.loc[bid, "heated_floor_area_m2"] == pytest.approx(area, rel=1e-12), bid
    assert b.loc["rowhouse-1580-dh", "construction_year"] == 1600
    assert (b["count"] == 1).all()


def test_skipped_and_filled_are_reported(imported):
    skipped = imported.skipped.set_index("building_id")
    assert skipped["reason"].to_dict() == {
        "garage-1975": "outbuilding: garage, carport, shed, greenhouse (9xx)",
        "summerhouse-1970": "leisure building: summer house, holiday or sports (5xx)",
        "sfh-1950-unheated": "no heating installation (byg056 = 9)",
        "factory-1990": "agriculture, industry or utility building (2xx)",
        "office-1990-no-area": "tertiary building without floor area (byg038/039/040/041)",
    }
    assert skipped.loc["garage-1975", "line"] == 15  # header is line 1
    assert sorted(imported.filled.values()) == [1, 1, 2]
    text = imported.summary()
    assert "14 of 19 BBR buildings" in text and "skipped 5" in text and "filled in" in text


def test_read_bbr_returns_a_valid_buildings_table(caplog):
    frame = bbr.read_bbr(EXTRACT)
    assert list(frame.columns) == [c.name for c in load_schema("buildings").column]
    assert frame.attrs["bbr_skipped"] == 5
    assert "skipped 5 of 19" in caplog.text
    check_buildings(frame)


def test_rows_equal_the_default_district_table(imported):
    """Same TABULA derivation and tertiary assumptions as scenarios/aalborg-east/make_buildings.py."""
    ours = imported.buildings.set_index("building_id")
    default = read_table(DEFAULT_TABLE, "buildings").set_index("building_id")
    pairs = {
        "sfh-1975-dh": "sfh_1973_1978_dh", "flats-1972-dh": "sallingsundvej_ab",
        "office-2005-dh": "offices_science_park", "supermarket-2004-gasrad": "retail_supermarkets_2000s",
        "school-1975-dh": "schools_1970s", "psychiatry-2021-dh": "hospital_psychiatry",
        "daycare-1975-other": "daycare_1970s",
    }
    numeric = [c for c in ours.columns if ours[c].dtype.kind == "f" and c in default.columns
               and ours[c].notna().all()]
    assert "u_wall_w_m2k" in numeric and "ventilation_ach" in numeric
    for mine, theirs in pairs.items():
        np.testing.assert_allclose(ours.loc[mine, numeric].to_numpy(dtype=float),
                                   default.loc[theirs, numeric].to_numpy(dtype=float), rtol=1e-9,
                                   err_msg=f"{mine} vs {theirs}")
        assert ours.loc[mine, "use"] == default.loc[theirs, "use"]


def test_imported_table_simulates():
    frame = bbr.read_bbr(EXTRACT)
    w = weather_mod.reference_year()
    irr = thermal.window_irradiance(w)
    res = thermal.simulate_stock(frame, w.temp_air, irr)
    per_m2 = res.heating_wh / 1e3 / frame["heated_floor_area_m2"].to_numpy()
    assert np.all((per_m2 > 5) & (per_m2 < 400))


# --------------------------------------------------------------------------------------
# Column names, delimiters, encodings
# --------------------------------------------------------------------------------------


def test_short_column_names_semicolons_and_windows_1252(tmp_path):
    text = ("ID;BYG021;Opførelsesår;samlet_bygningsareal;byg056;byg057;byg032YdervæggensMateriale\n"
            "a;120;1975;138,0;2;3;1\n"
            "b;140;1999;2 925;1;;1\n")
    with pytest.raises(InputError, match=r"line 3, column 'samlet_bygningsareal': not an area; got '2 925'"):
        bbr.import_bbr(write(tmp_path, text, encoding="cp1252"))
    frame = bbr.read_bbr(write(tmp_path, text.replace("2 925", "2925"), encoding="cp1252"))
    assert frame["heated_floor_area_m2"].tolist() == pytest.approx([117.3, 2925 * 0.85])
    assert frame["heating_system"].tolist() == ["oil_boiler", "district_heating"]


@pytest.mark.parametrize("installation, medium, expected", [
    (1, 7, "district_heating"), (2, 1, "electric_direct"), (2, 2, "gas_boiler"), (6, 7, "gas_boiler"),
    (2, 3, "oil_boiler"), (2, 4, "biomass_boiler"), (3, 6, "biomass_boiler"), (5, None, "heat_pump_air"),
    (7, None, "electric_direct"), (8, None, "gas_boiler"), (9, None, "none"), (99, 3, "oil_boiler"),
    (None, 7, "gas_boiler"), (99, None, None), (2, 9, None), (None, None, None),
])
def test_heating_codes(installation, medium, expected):
    assert bbr.heating_system_of(installation, medium)[0] == expected


def test_every_use_code_is_mapped_or_skipped_with_a_reason():
    assert set(bbr.USE_OF_CODE) | set(bbr.SKIP_REASON_OF_CODE) == set(bbr.USE_CODES)
    assert not set(bbr.USE_OF_CODE) & set(bbr.SKIP_REASON_OF_CODE)
    assert set(bbr.USE_OF_CODE.values()) == set(load_schema("buildings").columns["use"].allowed)


# --------------------------------------------------------------------------------------
# Bad rows: InputError naming line, column, value, allowed codes
# --------------------------------------------------------------------------------------

BAD_ROWS = [
    ("unknown-use-code", "x2,777,1975,100,1,1,,", "column 'byg021BygningensAnvendelse': not a BBR use code; got '777'",
     "110, 120, 121"),
    ("text-use-code", "x2,villa,1975,100,1,1,,", "column 'byg021BygningensAnvendelse': not a whole number",
     "BygAnvendelse"),
    ("empty-use-code", "x2,,1975,100,1,1,,", "empty use code", "120"),
    ("unknown-installation", "x2,120,1975,100,1,4,,", "column 'byg056Varmeinstallation': not a BBR heating "
     "installation code; got '4'", "1 (Fjernvarme/blokvarme)"),
    ("unknown-medium", "x2,120,1975,100,1,2,5,", "column 'byg057Opvarmningsmiddel'", "7 (Naturgas)"),
    ("unknown-supplementary", "x2,120,1975,100,1,1,,8", "column 'byg058SupplerendeVarme'", "4 (Solvarmeanlæg)"),
    ("negative-area", "x2,120,1975,-100,1,1,,", "column 'byg038SamletBygningsareal': not an area; got '-100'",
     ">= 0 [m2]"),
    ("year-text", "x2,120,ca. 1975,100,1,1,,", "column 'byg026Opførelsesår': not a whole number", "a year"),
    ("year-future", "x2,120,2200,100,1,1,,", "construction year after 2100", "up to 2100"),
    ("duplicate-id", "x1,120,1975,100,1,1,,", "duplicate building id; got 'x1'", "line 2"),
    ("cell-count", "x2,120,1975", "line has 3 cells but the header has 8", "one cell per header column"),
]


@pytest.mark.parametrize("row, where, allowed", [c[1:] for c in BAD_ROWS], ids=[c[0] for c in BAD_ROWS])
def test_bad_row_names_line_column_value_and_allowed(tmp_path, row, where, allowed):
    path = write(tmp_path, f"{HEADER}\nx1,120,1975,138,1,1,,\n{row}\n")
    with pytest.raises(InputError) as info:
        bbr.import_bbr(path)
    message = str(info.value)
    assert message.startswith(f"{path}, line 3")
    assert where in message and allowed in message


@pytest.mark.parametrize("header, expected", [
    ("id,byg026Opførelsesår,byg038", "column 'byg021BygningensAnvendelse': required column is missing"),
    ("id,byg021,byg026,byg038,byg038SamletBygningsareal", "two columns hold the same BBR field"),
])
def test_bad_header(tmp_path, header, expected):
    cells = ",".join(["1"] * len(header.split(",")))
    with pytest.raises(InputError, match=expected):
        bbr.import_bbr(write(tmp_path, f"{header}\n{cells}\n"))


def test_extract_with_nothing_to_map(tmp_path):
    with pytest.raises(InputError, match="no building of the extract could be mapped"):
        bbr.import_bbr(write(tmp_path, f"{HEADER}\ng,910,1975,40,1,,,\n"))
    with pytest.raises(InputError, match="empty"):
        bbr.import_bbr(write(tmp_path, "\n\n"))
    with pytest.raises(InputError, match="not found"):
        bbr.import_bbr(tmp_path / "missing.csv")


# --------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------


def test_cli_writes_a_loadable_table_and_refuses_to_overwrite(tmp_path, capsys):
    out = tmp_path / "buildings.csv"
    assert main(["bbr", str(EXTRACT), "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "14 of 19 BBR buildings" in printed and f"wrote {out}" in printed
    table = read_table(out, "buildings")
    check_buildings(table)
    assert len(table) == 14 and sorted(p.name for p in tmp_path.iterdir()) == ["buildings.csv"]
    assert main(["bbr", str(EXTRACT), "-o", str(out)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert main(["bbr", str(EXTRACT), "-o", str(out), "--force", "--default-heating", "gas_boiler"]) == 0
    assert (read_table(out, "buildings")["heating_system"] == "gas_boiler").sum() == 4  # 2 filled + 2 gas


def test_cli_bad_extract_exits_2(tmp_path, capsys):
    path = write(tmp_path, f"{HEADER}\nx1,777,1975,138,1,1,,\n")
    assert main(["bbr", str(path), "-o", str(tmp_path / "b.csv")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "line 2" in err and "'777'" in err
    assert not (tmp_path / "b.csv").exists()
    assert main(["bbr", str(EXTRACT), "-o", str(tmp_path / "b.csv"), "--default-heating", "coal"]) == 2
    assert "unknown heating system" in capsys.readouterr().err
