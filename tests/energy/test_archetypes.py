"""Missing geometry and envelope values filled from the TABULA DK archetypes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from smartcity.energy import archetypes, bbr, profiles, thermal
from smartcity.energy.buildings import check_buildings
from smartcity.errors import InputError
from smartcity.schema.tables import load_schema, read_table

REPO = Path(__file__).resolve().parents[2]
SHIPPED_TABLE = REPO / "scenarios" / "aalborg-east" / "buildings.csv"

MINIMAL = """\
building_id,use,construction_year,count,heated_floor_area_m2,heating_system
ab_1970,apartment_block,1970,12,2400.0,district_heating
sfh_1935,single_family,1935,40,130.0,oil_boiler
th_2015,terraced_house,2015,25,95.5,heat_pump_air
office_1990,office,1990,1,3200.0,district_heating
school_2008,education,2008,1,5200.0,district_heating
shop_1960,retail,1960,3,800.0,gas_boiler
daycare_1975,daycare,1975,2,60.0,district_heating
hospital_1600,hospital,1600,1,25000.0,district_heating
"""


def _minimal(tmp_path: Path, text: str = MINIMAL) -> pd.DataFrame:
    path = tmp_path / "buildings.csv"
    path.write_text(text, encoding="utf-8")
    return read_table(path, "buildings")


def test_filled_columns_are_the_envelope():
    columns = archetypes.filled_columns()
    assert columns[0] == "room_height_m" and "ventilation_ach" in columns
    schema = load_schema("buildings").columns
    for name in columns:
        assert not schema[name].required
    # The coupled columns keep a default for rows whose air change is given.
    for name in archetypes.COUPLED_COLUMNS:
        assert schema[name].filled_by == archetypes.FILLER and schema[name].default is not None
    required = [c.name for c in schema.values() if c.required]
    assert required == ["building_id", "use", "construction_year", "heated_floor_area_m2", "heating_system"]


def test_minimal_table_is_completed(tmp_path):
    table = _minimal(tmp_path)
    assert table[archetypes.filled_columns()].isna().all().all()
    filled = archetypes.fill_archetype_defaults(table)
    assert filled.attrs == table.attrs and filled.attrs["source_lines"].tolist() == list(range(2, 10))
    assert table[archetypes.filled_columns()].isna().all().all()  # the input is not changed
    complete = check_buildings(
        thermal.fill_floor_perimeter(thermal.fill_glazing_panes(profiles.fill_use_defaults(filled))))
    assert list(complete.columns) == [c.name for c in load_schema("buildings").column]
    assert not complete.drop(columns="zone").isna().any().any()

    # Each row is the archetype of its use and period, scaled to its floor area.
    for _, row in filled.iterrows():
        expected = archetypes.archetype_row(row["use"], row["construction_year"], row["heated_floor_area_m2"])
        for name in archetypes.filled_columns():
            assert row[name] == pytest.approx(expected[name], rel=1e-9, abs=1e-12), (row["building_id"], name)

    # The completed table is a valid table of the schema (types and ranges).
    path = tmp_path / "completed.csv"
    complete.to_csv(path, index=False)
    again = read_table(path, "buildings")
    pd.testing.assert_frame_equal(again.drop(columns="zone"), complete.drop(columns="zone"), check_exact=False,
                                  rtol=1e-12)


def test_1970s_apartment_block_equals_the_tabula_row(tmp_path):
    filled = archetypes.fill_archetype_defaults(_minimal(tmp_path)).set_index("building_id")
    row = filled.loc["ab_1970"]
    expected = archetypes.archetype_row("apartment_block", 1970, 2400.0)
    assert expected["tabula_variant"] == "DK.N.AB.05.Gen.ReEx.001.001"
    a = archetypes.tabula_archetypes().loc["DK.N.AB.05.Gen.ReEx.001.001"]
    assert row["wall_area_m2"] == pytest.approx(a["wall_per_m2"] * 2400.0, rel=1e-12)
    assert row["u_roof_w_m2k"] == pytest.approx(0.33, rel=1e-12)
    assert row["ventilation_ach"] == pytest.approx(0.6, rel=1e-12)
    for name in archetypes.filled_columns():
        np.testing.assert_allclose(row[name], expected[name], rtol=1e-9, atol=1e-9, err_msg=name)
    # The columns with a schema default agree with the TABULA row where the two coincide.
    for name in ("frame_fraction", "shading_factor", "mass_area_factor", "heating_setpoint_c"):
        assert row[name] == pytest.approx(expected[name], rel=1e-12)
    # Transmission per m2 reproduces TABULA's h_Transmission.
    h_tr = (row["u_wall_w_m2k"] * row["wall_area_m2"] + row["u_roof_w_m2k"] * row["roof_area_m2"]
            + row["u_floor_w_m2k"] * row["ground_floor_area_m2"]
            + row["u_window_w_m2k"] * sum(row[f"window_area_{o}_m2"] for o in ("north", "east", "south", "west")))
    assert h_tr / 2400.0 == pytest.approx(a["h_transmission_w_m2k"], rel=1e-9)


def test_bbr_import_rows_are_reproduced(tmp_path):
    imported = bbr.import_bbr(REPO / "tests" / "data" / "bbr_extract_small.csv").buildings
    bare = imported.copy()
    for name in archetypes.filled_columns():
        bare[name] = np.nan
    filled = archetypes.fill_archetype_defaults(bare)
    dwellings = imported["use"].isin(["single_family", "terraced_house", "apartment_block"]).to_numpy()
    assert dwellings.any()
    # Tertiary rows of an import may use BBR's storeys; dwellings depend on use, year and area only.
    for name in archetypes.filled_columns():
        np.testing.assert_allclose(filled[name][dwellings], imported[name][dwellings], rtol=1e-9, atol=1e-9,
                                   err_msg=name)


def test_given_values_are_never_overwritten(tmp_path):
    text = MINIMAL.replace("heating_system\n", "heating_system,u_roof_w_m2k,wall_area_m2,ventilation_ach\n", 1)
    lines = text.splitlines()
    given = ["0.15,,", ",321.5,", "0.4,100.0,1.1", ",,", ",,0.3", "0.9,0.0,", ",,", ",,"]
    text = "\n".join([lines[0]] + [f"{line},{extra}" for line, extra in zip(lines[1:], given)]) + "\n"
    table = _minimal(tmp_path, text)
    filled = archetypes.fill_archetype_defaults(table)
    for name in archetypes.filled_columns():
        kept = table[name].notna().to_numpy()
        np.testing.assert_array_equal(filled[name][kept], table[name][kept])
        assert filled[name].notna().all()
    assert filled.loc[0, "u_roof_w_m2k"] == 0.15 and filled.loc[5, "wall_area_m2"] == 0.0
    # Air change given: room height and heat recovery take the schema default, not the archetype's.
    office = filled.set_index("building_id")
    assert office.loc["school_2008", "ventilation_ach"] == 0.3
    assert office.loc["school_2008", "room_height_m"] == 2.5
    assert office.loc["school_2008", "heat_recovery_efficiency"] == 0.0
    expected = archetypes.archetype_row("office", 1990, 3200.0)
    assert office.loc["office_1990", "room_height_m"] == expected["room_height_m"] == 2.8
    assert office.loc["office_1990", "heat_recovery_efficiency"] == pytest.approx(expected["heat_recovery_efficiency"])
    # Filling a completed table changes nothing.
    pd.testing.assert_frame_equal(archetypes.fill_archetype_defaults(filled), filled)


def test_shipped_table_is_unchanged():
    table = read_table(SHIPPED_TABLE, "buildings")
    assert not table[archetypes.filled_columns()].isna().any().any()
    filled = archetypes.fill_archetype_defaults(table)
    pd.testing.assert_frame_equal(filled, table, check_exact=True)
    assert filled.attrs == table.attrs


def test_frame_without_the_columns_and_blank_cells():
    table = pd.DataFrame({"use": ["single_family", "office"], "construction_year": [1965, 2012],
                          "heated_floor_area_m2": [150.0, 900.0], "g_window": ["", None]})
    filled = archetypes.fill_archetype_defaults(table)
    assert list(filled.columns[:4]) == list(table.columns)
    assert set(archetypes.filled_columns()) <= set(filled.columns)
    assert filled["g_window"].tolist() == [0.76, 0.35]


def test_errors_name_row_column_and_value(tmp_path):
    table = _minimal(tmp_path)
    with pytest.raises(InputError, match=r"line 2, column 'construction_year': column needed to fill values "
                                         r"from the archetypes is missing"):
        archetypes.fill_archetype_defaults(table.drop(columns="construction_year"))
    with pytest.raises(InputError, match=r"row 2, column 'heated_floor_area_m2': the archetype cannot be scaled"):
        archetypes.fill_archetype_defaults(pd.DataFrame({"use": ["office", "office"], "construction_year": [1990, 1990],
                                                         "heated_floor_area_m2": [100.0, np.nan]}))
    with pytest.raises(InputError, match=r"row 1, column 'use': no archetype for this use; got 'castle'"):
        archetypes.fill_archetype_defaults(pd.DataFrame({"use": ["castle"], "construction_year": [1990],
                                                         "heated_floor_area_m2": [100.0]}))
    with pytest.raises(InputError, match=r"row 1, column 'construction_year': no archetype"):
        archetypes.fill_archetype_defaults(pd.DataFrame({"use": ["office"], "construction_year": [1990.5],
                                                         "heated_floor_area_m2": [100.0]}))
    with pytest.raises(InputError, match=r"row 2, column 'u_wall_w_m2k': not a finite number; got 'lots'"):
        archetypes.fill_archetype_defaults(pd.DataFrame({"use": ["office", "office"], "construction_year": [1990, 1990],
                                                         "heated_floor_area_m2": [100.0, 100.0],
                                                         "u_wall_w_m2k": [0.3, "lots"]}))
    # Nothing to take from an archetype: no key column is needed.
    shipped = read_table(SHIPPED_TABLE, "buildings")
    keys_dropped = shipped.drop(columns=["construction_year"])
    pd.testing.assert_frame_equal(archetypes.fill_archetype_defaults(keys_dropped), keys_dropped)
