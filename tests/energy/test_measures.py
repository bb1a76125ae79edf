"""Dated building measures: ramps, filters, the split stock, costs and validation."""

from __future__ import annotations

import tomllib
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from smartcity.economics import DISCOUNT_RATE, capital_recovery_factor
from smartcity.energy import stock as M
from smartcity.energy import thermal
from smartcity.energy.buildings import check_buildings
from smartcity.energy.stock import EFFECT_COLUMNS, stock_in_year
from smartcity.energy.thermal import thermal_inputs_from_table
from smartcity.errors import InputError
from smartcity.run import measure_costs
from smartcity.scenario.models import ScenarioMeasures as MeasuresSection
from smartcity.scenario.sections.measures import EnvelopeRenovation, of_stage, treated_share
from smartcity.schema.quantities import StrictModel
from smartcity.schema.tables import read_table
from smartcity.schema.units import DKK_PER_EUR

REPO = Path(__file__).resolve().parents[2]
SMALL = REPO / "tests" / "data" / "buildings_small.csv"
DISTRICT = REPO / "scenarios" / "aalborg-east" / "buildings.csv"

SECTION = TypeAdapter(MeasuresSection)


def measures(doc: dict) -> dict:
    """Validate a ``[measures]`` table given as a dict."""
    return SECTION.validate_python(doc)


def check_measures(buildings: pd.DataFrame, ms: dict) -> None:
    """Each measure's check hook against the table (as the run does on loading a scenario)."""
    for mid, m in ms.items():
        m.check(f"measures.{mid}", SimpleNamespace(buildings=buildings, zone_system=None))


def one(**fields) -> EnvelopeRenovation:
    """One measure from keyword fields (an envelope renovation unless ``type`` says otherwise; None drops a key)."""
    doc = {"type": "envelope_renovation", "start_year": 2017, "ramp": {"value": 25, "unit": "%/a"},
           "u_wall_w_m2k": 0.15, "investment": {"value": 100.0, "unit": "EUR/m2"}, "lifetime_years": 40}
    doc.update(fields)
    return measures({"m": {k: v for k, v in doc.items() if v is not None}})["m"]


@pytest.fixture(scope="module")
def small() -> pd.DataFrame:
    # block_1970 (district heating, zone 'estate'), house_1965 (gas, 'houses'), office_2005 ('centre')
    return read_table(SMALL, "buildings")


def table(small: pd.DataFrame, rows: list[dict]) -> pd.DataFrame:
    """Rows built from the small table's first row with the given fields changed; dtypes kept."""
    base = small.iloc[[0] * len(rows)].reset_index(drop=True)
    for i, changes in enumerate(rows):
        for name, value in changes.items():
            base.loc[i, name] = value
    base["building_id"] = [r.get("building_id", f"row{i}") for i, r in enumerate(rows)]
    return base.astype(small.dtypes.to_dict())


# --------------------------------------------------------------------------------------
# Ramps
# --------------------------------------------------------------------------------------

def test_share_per_year_starts_in_start_year_and_is_capped():
    m = one(start_year=2017, ramp={"value": 30, "unit": "%/a"})
    shares = [treated_share(m, y) for y in range(2014, 2023)]
    assert shares[:3] == [0.0, 0.0, 0.0]                       # before start_year
    assert shares[3:7] == pytest.approx([0.3, 0.6, 0.9, 1.0])  # 2017..2020, capped at 1
    assert shares[7:] == [1.0, 1.0]


def test_target_share_by_year_is_linear_from_start_year():
    m = one(start_year=2017, ramp={"value": 60, "unit": "%", "by_year": 2020})
    assert [treated_share(m, y) for y in range(2015, 2023)] == pytest.approx(
        [0.0, 0.0, 0.15, 0.30, 0.45, 0.60, 0.60, 0.60])


def test_target_in_its_start_year_is_reached_at_once():
    m = one(start_year=2020, ramp={"target_share": 1.0, "by_year": 2020})
    assert [treated_share(m, y) for y in (2019, 2020, 2021)] == [0.0, 1.0, 1.0]


def test_both_spellings_of_a_ramp_are_the_same():
    a = one(ramp={"share_per_year": {"value": 25, "unit": "%/a", "source": "plan"}})
    b = one(ramp={"value": 25, "unit": "%/a", "source": "plan"})
    c = one(ramp={"target_share": 1.0, "by_year": 2020})
    d = one(ramp={"value": 1.0, "unit": "1", "by_year": 2020})
    assert a == b and c == d
    assert [treated_share(a, y) for y in range(2016, 2022)] == [treated_share(c, y) for y in range(2016, 2022)]


def test_disabled_measure_treats_nothing(small):
    m = one(enabled=False, start_year=2000, ramp={"value": 100, "unit": "%/a"})
    assert treated_share(m, 2030) == 0.0
    out = stock_in_year(small, {"m": m}, 2030)
    assert (out["measures"] == "").all() and len(out) == len(small)


# --------------------------------------------------------------------------------------
# Filters
# --------------------------------------------------------------------------------------

def test_kildeparken_filter_selects_the_estate_blocks_and_courtyard_houses():
    district = read_table(DISTRICT, "buildings")
    m = one(filter={"zone": ["kildeparken"], "use": ["apartment_block", "terraced_house"],
                    "construction_year": [1961, 1978], "heating_system": ["district_heating"]})
    selected = set(district["building_id"][m.filter.mask(district)])
    assert selected == {"kildeparken_fyrkildevej_ab", "kildeparken_ravn_blaa_ab", "kildeparken_courtyard_th"}
    # the estate's daycare is in the zone but not of the uses
    assert "daycare_1970s" in set(district["building_id"][district["zone"] == "kildeparken"])


def test_each_filter_key_restricts(small):
    cases = {
        "use": (["single_family", "office"], {"house_1965", "office_2005"}),
        "zone": (["estate"], {"block_1970"}),
        "heating_system": (["gas_boiler"], {"house_1965"}),
        "construction_year": ([1965, 1972], {"block_1970", "house_1965"}),
        "building_id": (["office_2005"], {"office_2005"}),
    }
    for key, (values, expected) in cases.items():
        m = one(filter={key: values})
        assert set(small["building_id"][m.filter.mask(small)]) == expected, key
    assert one().filter.mask(small).all()  # no filter: every row


def test_measure_treats_only_filtered_rows(small):
    m = one(start_year=2015, ramp={"value": 50, "unit": "%/a"}, filter={"zone": ["houses"]})
    out = stock_in_year(small, {"m": m}, 2015)
    treated = out[out["measures"] == "m"]
    assert list(treated["source_building_id"]) == ["house_1965"]
    assert treated["count"].iloc[0] == pytest.approx(20.0)


# --------------------------------------------------------------------------------------
# The stock of a year
# --------------------------------------------------------------------------------------

def test_no_measure_gives_the_standing_stock(small):
    for year in (1960, 1970, 2004, 2005, 2030):
        out = stock_in_year(small, {}, year)
        expected = small[small["construction_year"] <= year].reset_index(drop=True)
        expected = expected.astype({"count": np.float64})
        pd.testing.assert_frame_equal(out[list(small.columns)], expected)
        assert (out["source_building_id"] == out["building_id"]).all()
        assert (out["measures"] == "").all()
        for name, neutral in EFFECT_COLUMNS.items():  # added where the table lacks them
            if name not in small.columns:
                assert out[name].dtype == np.float64 and (out[name] == neutral).all()


def test_output_keeps_dtypes_attrs_and_points_parts_at_their_lines(small):
    m = one(start_year=2015, ramp={"value": 40, "unit": "%/a"})
    out = stock_in_year(small, {"m": m}, 2015)
    for name in small.columns:
        assert out[name].dtype == (np.float64 if name == "count" else small[name].dtype), name
    assert out.attrs["source_file"] == small.attrs["source_file"]
    lines = dict(zip(small["building_id"], small.attrs["source_lines"]))
    assert list(out.attrs["source_lines"]) == [lines[s] for s in out["source_building_id"]]
    assert list(small.attrs["source_lines"]) == [2, 3, 4]  # the input is left alone
    assert out["building_id"].is_unique
    assert list(out.index) == list(range(len(out)))


def test_treated_and_untreated_parts(small):
    m = one(start_year=2016, ramp={"value": 25, "unit": "%/a"}, u_roof_w_m2k=0.1, u_window_w_m2k=0.9)
    out = stock_in_year(small, {"kp": m}, 2017).set_index("building_id")
    assert out.loc["block_1970", "count"] == pytest.approx(5.0)
    assert out.loc["block_1970|kp", "count"] == pytest.approx(5.0)
    assert out.loc["block_1970|kp", "measures"] == "kp"
    assert out.loc["block_1970|kp", "source_building_id"] == "block_1970"


def test_only_given_u_values_change_and_never_for_the_worse(small):
    m = one(start_year=2015, ramp={"value": 100, "unit": "%/a"}, u_wall_w_m2k=0.3, u_window_w_m2k=1.0)
    out = stock_in_year(small, {"env": m}, 2015).set_index("source_building_id")
    before = small.set_index("building_id")
    for b in ("block_1970", "house_1965"):
        assert out.loc[b, "u_wall_w_m2k"] == 0.3 and out.loc[b, "u_window_w_m2k"] == 1.0
        for col in ("u_roof_w_m2k", "u_floor_w_m2k", "g_window", "ventilation_ach", "heat_recovery_efficiency"):
            assert out.loc[b, col] == before.loc[b, col], (b, col)
        assert out.loc[b, "measures"] == "env"
    # the office's walls (0.25) are better than the target: kept; its windows (1.4) improved
    assert out.loc["office_2005", "u_wall_w_m2k"] == 0.25 and out.loc["office_2005", "u_window_w_m2k"] == 1.0


def test_new_windows_set_their_panes(small):
    # A table that gives the panes: replaced windows take the measure's panes, or the new
    # U-value's (1.0: three panes); windows the measure does not improve keep theirs.
    given = thermal.fill_glazing_panes(small)
    assert list(given["glazing_panes"]) == [2, 2, 2]  # U 2.5, 2.6, 1.4
    every = {"start_year": 2015, "ramp": {"value": 100, "unit": "%/a"}}
    out = stock_in_year(given, {"env": one(**every, u_window_w_m2k=1.0)}, 2015).set_index("source_building_id")
    assert (out["glazing_panes"] == 3).all() and out["glazing_panes"].dtype == np.int64
    out = stock_in_year(given, {"env": one(**every, u_window_w_m2k=1.0, glazing_panes=2)}, 2015)
    assert (out["glazing_panes"] == 2).all()
    out = stock_in_year(given, {"env": one(**every, u_window_w_m2k=2.55)}, 2015).set_index("source_building_id")
    assert out.loc["house_1965", "u_window_w_m2k"] == 2.55 and out.loc["house_1965", "glazing_panes"] == 2
    assert out.loc["office_2005", "u_window_w_m2k"] == 1.4 and out.loc["office_2005", "glazing_panes"] == 2
    # Windows the measure does not improve keep their panes, also against the measure's count.
    triple = given.assign(glazing_panes=[2, 2, 3], u_window_w_m2k=[2.5, 2.6, 0.8])
    out = stock_in_year(triple, {"env": one(**every, u_window_w_m2k=1.0, glazing_panes=2)}, 2015)
    out = out.set_index("source_building_id")
    assert out.loc["office_2005", "glazing_panes"] == 3 and out.loc["house_1965", "glazing_panes"] == 2
    # A table without panes keeps them empty: the thermal model derives them from the U-value.
    out = stock_in_year(small, {"env": one(**every, u_window_w_m2k=1.0)}, 2015)
    assert out["glazing_panes"].isna().all()
    inputs = thermal_inputs_from_table(out)["solar_aperture"]
    assert (inputs[:, :8] == 0.0).all() and (inputs[:, 8:].sum(axis=1) > 0).all()  # the three-pane block


def test_a_renovation_a_row_already_meets_does_not_split_it(small):
    m = one(start_year=2015, ramp={"value": 30, "unit": "%/a"}, u_wall_w_m2k=0.3, filter={"use": ["office"]})
    out = stock_in_year(small, {"env": m}, 2015)
    assert list(out["building_id"]) == list(small["building_id"])
    # ... but its cost is counted: the filter chose the row
    cost = measure_costs(small, {"env": m}, [2015])
    assert cost["units_in_service"].iloc[0] == pytest.approx(0.3 * 2 * 5000.0)


def test_ventilation_heat_recovery(small):
    m = one(type="ventilation_heat_recovery", start_year=2015, ramp={"value": 100, "unit": "%/a"},
            heat_recovery_efficiency=0.7, ventilation_ach=0.5, u_wall_w_m2k=None)
    out = stock_in_year(small, {"v": m}, 2015).set_index("source_building_id")
    assert out.loc["block_1970", "heat_recovery_efficiency"] == 0.7
    assert out.loc["office_2005", "heat_recovery_efficiency"] == 0.75  # better already
    assert (out["ventilation_ach"] == 0.5).all()


def test_heating_switch_reads_the_stock_as_built(small):
    switch = {"type": "heating_switch", "start_year": 2015, "ramp": {"value": 50, "unit": "%/a"},
              "from_systems": ["gas_boiler"], "to_system": "heat_pump_air",
              "investment": {"value": 60000, "unit": "DKK"}, "lifetime_years": 20}
    later = {"type": "smart_thermostat", "start_year": 2015, "ramp": {"value": 100, "unit": "%/a"},
             "filter": {"heating_system": ["gas_boiler"]}, "heating_setpoint_change_k": -1.0,
             "investment": {"value": 200, "unit": "EUR"}, "lifetime_years": 10}
    out = stock_in_year(small, measures({"hp": switch, "thermo": later}), 2015)
    houses = out[out["source_building_id"] == "house_1965"].set_index("building_id")
    assert houses.loc["house_1965|thermo", "heating_system"] == "gas_boiler"
    assert houses.loc["house_1965|hp+thermo", "heating_system"] == "heat_pump_air"
    # the thermostat's filter saw the house as built (gas): it also treats the converted half
    assert houses["heating_setpoint_c"].tolist() == [19.0, 19.0]
    assert houses["count"].tolist() == pytest.approx([20.0, 20.0])
    assert set(out.loc[out["source_building_id"] != "house_1965", "measures"]) == {""}


def test_independence_of_measures(small):
    a = one(start_year=2015, ramp={"value": 30, "unit": "%/a"}, u_wall_w_m2k=0.2)
    b = one(type="smart_meter_feedback", start_year=2015, ramp={"value": 40, "unit": "%/a"},
            u_wall_w_m2k=None, heat_saving_share={"value": 3, "unit": "%"}, investment={"value": 100, "unit": "EUR"})
    out = stock_in_year(small, {"a": a, "b": b}, 2015)
    block = out[out["source_building_id"] == "block_1970"].set_index("measures")["count"]
    assert block.to_dict() == pytest.approx({"": 10 * 0.7 * 0.6, "a": 10 * 0.3 * 0.6, "b": 10 * 0.7 * 0.4,
                                             "a+b": 10 * 0.3 * 0.4})


def test_overwritten_parts_merge_and_keep_the_measures_common_to_them(small):
    to_dh = {"type": "heating_switch", "start_year": 2015, "ramp": {"value": 50, "unit": "%/a"},
             "from_systems": ["gas_boiler"], "to_system": "district_heating",
             "investment": {"value": 1000, "unit": "EUR"}, "lifetime_years": 30}
    to_hp = dict(to_dh, to_system="heat_pump_air", ramp={"value": 20, "unit": "%/a"})
    out = stock_in_year(small, measures({"dh": to_dh, "hp": to_hp}), 2015)
    houses = out[out["source_building_id"] == "house_1965"].set_index("building_id")
    # the heat-pump switch overrides district heating in the 10 % treated by both
    assert houses["count"].to_dict() == pytest.approx({"house_1965": 16.0, "house_1965|dh": 16.0, "house_1965|hp": 8.0})
    assert houses.loc["house_1965|hp", "heating_system"] == "heat_pump_air"


def test_identical_alternatives_merge_with_unique_ids(small):
    # two programmes with the same effect: the part treated by either is one row
    a = one(start_year=2015, ramp={"value": 50, "unit": "%/a"}, u_wall_w_m2k=0.2, filter={"zone": ["estate"]})
    b = one(start_year=2015, ramp={"value": 50, "unit": "%/a"}, u_wall_w_m2k=0.2, filter={"zone": ["estate"]})
    out = stock_in_year(small, {"a": a, "b": b}, 2015)
    block = out[out["source_building_id"] == "block_1970"]
    assert len(block) == 2 and block["count"].tolist() == pytest.approx([2.5, 7.5])
    assert block["u_wall_w_m2k"].tolist() == [0.5, 0.2]
    assert out["building_id"].is_unique


def test_parts_with_the_same_empty_cells_merge(small):
    # the part treated by a (b changes nothing more) and the part treated by b keep an empty wall
    # U-value and get the same roof: one row again
    plain = small.assign(u_wall_w_m2k=np.nan)
    a = one(start_year=2015, ramp={"value": 50, "unit": "%/a"}, u_wall_w_m2k=None, u_roof_w_m2k=0.1)
    b = one(start_year=2015, ramp={"value": 100, "unit": "%/a"}, u_wall_w_m2k=None, u_roof_w_m2k=0.1)
    out = stock_in_year(plain, {"a": a, "b": b}, 2015)
    assert out["building_id"].tolist() == ["block_1970", "house_1965", "office_2005"]  # no measure common to both
    assert out["count"].tolist() == [10.0, 40.0, 2.0]
    assert out["u_wall_w_m2k"].isna().all() and (out["u_roof_w_m2k"] == 0.1).all()


def test_smart_thermostat_writes_the_setback_column_creating_it(small):
    plain = small.drop(columns=[c for c in ("heating_setback_k",) if c in small.columns])
    m = one(type="smart_thermostat", start_year=2015, ramp={"value": 100, "unit": "%/a"}, u_wall_w_m2k=None,
            heating_setpoint_change_k=-0.5, heating_setback_k=3.0, investment={"value": 250, "unit": "EUR"})
    out = stock_in_year(plain, {"t": m}, 2015).set_index("source_building_id")
    assert out["heating_setback_k"].tolist() == [3.0, 3.0, 3.0]
    assert out.loc["office_2005", "heating_setpoint_c"] == 20.5
    assert out.loc["block_1970", "heating_setpoint_c"] == 19.5
    # a row with a larger setback keeps it
    plain["heating_setback_k"] = [0.0, 5.0, 1.0]
    out = stock_in_year(plain, {"t": m}, 2015).set_index("source_building_id")
    assert out["heating_setback_k"].tolist() == [3.0, 5.0, 3.0]


def test_smart_meter_factors_multiply(small):
    doc = {"type": "smart_meter_feedback", "start_year": 2015, "ramp": {"value": 100, "unit": "%/a"},
           "heat_saving_share": 0.02, "electricity_saving_share": {"value": 4, "unit": "%"},
           "investment": {"value": 100, "unit": "EUR"}, "lifetime_years": 10}
    out = stock_in_year(small, measures({"m1": doc, "m2": dict(doc, electricity_saving_share=0.1)}), 2015)
    assert out["heat_demand_factor"].tolist() == pytest.approx([0.98 * 0.98] * 3)
    assert out["electricity_demand_factor"].tolist() == pytest.approx([0.96 * 0.9] * 3)
    assert set(out["measures"]) == {"m1+m2"}


def test_rooftop_pv_sizes_arrays_from_the_roof(small):
    m = one(type="rooftop_pv", start_year=2015, ramp={"value": 100, "unit": "%/a"}, u_wall_w_m2k=None,
            peak_power_per_area={"value": 200, "unit": "Wp/m2"}, usable_roof_share=0.4,
            investment={"value": 9000, "unit": "DKK/kWp"}, lifetime_years=25)
    out = stock_in_year(small, {"pv": m}, 2015)
    assert out["pv_kwp"].to_numpy() == pytest.approx(0.2 * 0.4 * small["roof_area_m2"].to_numpy())
    assert (out["pv_tilt_deg"] == 35.0).all() and (out["pv_azimuth_deg"] == 180.0).all()
    assert m.tilt_deg.assumption and m.azimuth_deg.assumption  # flagged defaults
    cost = measure_costs(small, {"pv": m}, [2015]).iloc[0]
    assert cost["installed_unit"] == "kWp"
    assert cost["units_installed"] == pytest.approx((out["pv_kwp"] * out["count"]).sum())
    assert cost["investment_eur"] == pytest.approx(cost["units_installed"] * 9000 / DKK_PER_EUR)


def test_battery_per_kwp_follows_the_pv_before_it(small):
    pv = {"type": "rooftop_pv", "start_year": 2015, "ramp": {"value": 50, "unit": "%/a"},
          "peak_power_per_area": 0.2, "usable_roof_share": 0.5, "filter": {"use": ["single_family"]},
          "investment": {"value": 1200, "unit": "EUR/kWp"}, "lifetime_years": 25}
    battery = {"type": "battery", "start_year": 2015, "ramp": {"value": 20, "unit": "%/a"},
               "filter": {"use": ["single_family"]}, "capacity_per_pv_kwp": {"value": 1.5, "unit": "kWh/kWp"},
               "investment": {"value": 600, "unit": "EUR/kWh"}, "lifetime_years": 12}
    ms = measures({"pv": pv, "bat": battery})
    out = stock_in_year(small, ms, 2015).set_index("building_id")
    assert out.loc["house_1965|pv+bat", "battery_kwh"] == pytest.approx(1.5 * 0.2 * 0.5 * 140)
    assert out.loc["house_1965|pv+bat", "count"] == pytest.approx(40 * 0.5 * 0.2)
    assert "house_1965|bat" not in out.index  # no PV, no battery: nothing installed, no split
    cost = measure_costs(small, ms, [2015]).set_index("measure")
    assert cost.loc["bat", "units_installed"] == pytest.approx(4 * 1.5 * 14.0)
    assert cost.loc["bat", "buildings_installed"] == pytest.approx(4.0)


def test_battery_per_building(small):
    m = one(type="battery", start_year=2015, ramp={"value": 100, "unit": "%/a"}, u_wall_w_m2k=None,
            capacity_per_building={"value": 10, "unit": "kWh"}, investment={"value": 4000, "unit": "DKK/kWh"},
            lifetime_years=12)
    out = stock_in_year(small, {"b": m}, 2015)
    assert (out["battery_kwh"] == 10.0).all()


def test_stock_is_simulation_ready(small):
    ms = measures({
        "env": {"type": "envelope_renovation", "start_year": 2015, "ramp": {"value": 30, "unit": "%/a"},
                "u_wall_w_m2k": 0.2, "u_window_w_m2k": 0.9, "ventilation_ach": 0.4,
                "investment": 200.0, "lifetime_years": 40},
        "thermo": {"type": "smart_thermostat", "start_year": 2015, "ramp": {"value": 30, "unit": "%/a"},
                   "heating_setpoint_change_k": -1.0, "investment": 100.0, "lifetime_years": 10},
    })
    out = stock_in_year(small, ms, 2016)
    check_buildings(out)
    inputs = thermal_inputs_from_table(out)
    base = thermal_inputs_from_table(small)
    assert inputs["weight"].sum() == pytest.approx(base["weight"].sum())
    assert (inputs["weight"] * inputs["h_tr_op"]).sum() < (base["weight"] * base["h_tr_op"]).sum()


# --------------------------------------------------------------------------------------
# Conservation (property test)
# --------------------------------------------------------------------------------------

def _random_measures(draw_specs) -> dict:
    doc = {}
    for i, (kind, start, rate, target, span, zone) in enumerate(draw_specs):
        ramp = ({"value": rate, "unit": "1/a"} if target is None
                else {"value": target, "unit": "1", "by_year": start + span})
        common = {"start_year": start, "ramp": ramp, "lifetime_years": 15}
        if zone is not None:
            common["filter"] = {"zone": [zone]}
        doc[f"m{i}"] = {
            "env": {"type": "envelope_renovation", "u_wall_w_m2k": 0.2 + 0.1 * (i % 3), "investment": 100.0},
            "switch": {"type": "heating_switch", "from_systems": ["gas_boiler", "oil_boiler"],
                       "to_system": ["district_heating", "heat_pump_air"][i % 2], "investment": 5000.0},
            "thermo": {"type": "smart_thermostat", "heating_setpoint_change_k": -0.5, "investment": 100.0},
            "meter": {"type": "smart_meter_feedback", "heat_saving_share": 0.03, "investment": 100.0},
            "pv": {"type": "rooftop_pv", "peak_power_per_area": 0.2, "usable_roof_share": 0.3 + 0.1 * (i % 2),
                   "investment": 1000.0},
            "battery": {"type": "battery", "capacity_per_pv_kwp": 1.0, "investment": 500.0},
        }[kind] | common
    return measures(doc)


row_spec = st.tuples(st.integers(1, 500), st.integers(1950, 2025), st.sampled_from(["gas_boiler", "district_heating",
                                                                                    "oil_boiler"]),
                     st.sampled_from(["a", "b"]))
measure_spec = st.tuples(
    st.sampled_from(["env", "switch", "thermo", "meter", "pv", "battery"]), st.integers(2010, 2025),
    st.floats(0.01, 1.0), st.one_of(st.none(), st.floats(0.0, 1.0)), st.integers(0, 8),
    st.one_of(st.none(), st.sampled_from(["a", "b"])),
)


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(row_spec, min_size=1, max_size=6), specs=st.lists(measure_spec, max_size=5),
       year=st.integers(2005, 2035))
def test_counts_are_conserved_per_original_row(small, rows, specs, year):
    stock = table(small, [{"count": c, "construction_year": y, "heating_system": h, "zone": z}
                          for c, y, h, z in rows])
    ms = _random_measures(specs)
    out = stock_in_year(stock, ms, year)
    standing = stock[stock["construction_year"] <= year]
    totals = out.groupby("source_building_id")["count"].sum()
    assert set(totals.index) == set(standing["building_id"])
    for bid, count in zip(standing["building_id"], standing["count"]):
        assert totals[bid] == pytest.approx(count, rel=1e-12)
    assert (out["count"] > 0).all()
    assert out["building_id"].is_unique
    assert (out["construction_year"] <= year).all()
    # every part of a row carries the row's own fixed columns
    src = stock.set_index("building_id").loc[out["source_building_id"]]
    for col in ("construction_year", "heated_floor_area_m2", "roof_area_m2", "use", "zone"):
        assert (src[col].to_numpy() == out[col].to_numpy()).all()
    # measures treat exactly their share of each eligible row
    for mid, m in ms.items():
        share = treated_share(m, year)
        changed = out["measures"].str.split("+").apply(lambda ids, mid=mid: mid in ids)
        assert out.loc[changed, "count"].sum() <= share * standing["count"].sum() * (1 + 1e-12) + 1e-9


@settings(max_examples=40, deadline=None)
@given(count=st.integers(1, 1000), starts=st.lists(st.integers(2010, 2020), min_size=1, max_size=4),
       rates=st.lists(st.floats(0.01, 1.0), min_size=4, max_size=4), year=st.integers(2009, 2025))
def test_parts_have_the_product_of_independent_shares(small, count, starts, rates, year):
    # setpoint changes of -0.1, -0.2, -0.4, -0.8 K: every subset of measures gives its own setpoint
    ms = measures({f"t{i}": {"type": "smart_thermostat", "start_year": s, "ramp": {"value": rates[i], "unit": "1/a"},
                             "heating_setpoint_change_k": -0.1 * 2 ** i, "investment": 1.0, "lifetime_years": 10}
                   for i, s in enumerate(starts)})
    stock = table(small, [{"count": count}])
    out = stock_in_year(stock, ms, year).set_index("measures")["count"]
    shares = {mid: treated_share(m, year) for mid, m in ms.items()}
    expected: dict[str, float] = {"": float(count)}
    for mid, s in shares.items():
        if s == 0.0:
            continue
        nxt: dict[str, float] = {}
        for label, c in expected.items():
            for part, w in ((label, c * (1 - s)), ("+".join(filter(None, [label, mid])), c * s)):
                if w > 0:
                    nxt[part] = w
        expected = nxt
    assert out.to_dict() == pytest.approx(expected, rel=1e-12)


# --------------------------------------------------------------------------------------
# Costs
# --------------------------------------------------------------------------------------

def test_investment_over_the_years_is_unit_cost_times_units_treated(small):
    ms = measures({"env": {"type": "envelope_renovation", "start_year": 2016, "ramp": {"value": 30, "unit": "%/a"},
                           "u_wall_w_m2k": 0.2, "investment": {"value": 2500, "unit": "DKK/m2"},
                           "lifetime_years": 40}})
    years = range(2014, 2031)
    cost = measure_costs(small, ms, years)
    assert list(cost["year"]) == list(years) and cost["year"].dtype == np.int64
    floor = (small["heated_floor_area_m2"] * small["count"]).sum()  # every row is eligible; office built 2005
    assert cost["units_in_service"].iloc[-1] == pytest.approx(floor, rel=1e-12)
    assert cost["investment_eur"].sum() == pytest.approx(2500 / DKK_PER_EUR * floor, rel=1e-9)
    assert cost["investment_eur"].sum() * DKK_PER_EUR == pytest.approx(2500 * floor, rel=1e-9)
    by_year = cost.set_index("year")
    assert by_year.loc[2015, "investment_eur"] == 0.0
    assert by_year.loc[2016, "units_installed"] == pytest.approx(0.3 * floor)
    assert by_year.loc[2019, "units_installed"] == pytest.approx(0.1 * floor)
    assert by_year.loc[2020, "investment_eur"] == pytest.approx(0.0, abs=1e-6)
    assert by_year.loc[2016, "buildings_installed"] == pytest.approx(0.3 * small["count"].sum())
    assert cost["installed_unit"].unique().tolist() == ["m2"]
    assert cost.attrs["units"]["investment_eur"] == "EUR" and cost.attrs["discount_rate"] == DISCOUNT_RATE


def test_new_buildings_join_a_running_measure(small):
    # an all-stock measure running 2000-2009 reaches the office when it is built (2005)
    ms = measures({"m": {"type": "smart_meter_feedback", "start_year": 2000, "ramp": {"value": 10, "unit": "%/a"},
                         "heat_saving_share": 0.02, "investment": {"value": 150, "unit": "EUR"},
                         "lifetime_years": 50}})
    cost = measure_costs(small, ms, range(2000, 2012)).set_index("year")
    assert cost.loc[2005, "buildings_installed"] == pytest.approx(0.1 * 50 + 0.6 * 2)
    assert cost["investment_eur"].sum() == pytest.approx(150 * 52)


def test_reinvestment_om_and_annualised_costs(small):
    ms = measures({"t": {"type": "smart_thermostat", "start_year": 2015, "ramp": {"value": 50, "unit": "%/a"},
                         "heating_setback_k": 2.0, "investment": {"value": 200, "unit": "EUR"}, "lifetime_years": 5,
                         "om_share_per_year": {"value": 2, "unit": "%/a"}}})
    cost = measure_costs(small, ms, range(2015, 2026), discount_rate=0.05).set_index("year")
    n = small["count"].sum()  # 52 buildings; all standing
    assert cost.loc[2015, "investment_eur"] == pytest.approx(200 * n / 2)
    assert cost.loc[2020, "reinvestment_eur"] == pytest.approx(200 * n / 2)  # 2015's half, 5 years on
    assert cost.loc[2021, "reinvestment_eur"] == pytest.approx(200 * n / 2)
    assert cost.loc[2025, "reinvestment_eur"] == pytest.approx(200 * n / 2)  # second replacement
    assert cost.loc[2019, "reinvestment_eur"] == 0.0
    assert cost.loc[2017, "om_eur"] == pytest.approx(0.02 * 200 * n)
    crf = capital_recovery_factor(0.05, 5)
    assert cost.loc[2017, "annualised_eur"] == pytest.approx(crf * 200 * n)
    assert cost.loc[2017, "annual_cost_eur"] == pytest.approx(crf * 200 * n + 0.02 * 200 * n)


def test_om_per_unit_and_heating_power(small):
    ms = measures({"hp": {"type": "heating_switch", "start_year": 2015, "ramp": {"value": 100, "unit": "%/a"},
                          "from_systems": ["gas_boiler"], "to_system": "heat_pump_air",
                          "design_heat_load": {"value": 50, "unit": "W/m2"},
                          "investment": {"value": 7460.38, "unit": "DKK/kW"},
                          "om_cost_per_year": {"value": 80, "unit": "EUR/a"}, "lifetime_years": 20}})
    cost = measure_costs(small, ms, [2015]).iloc[0]
    kw = 40 * 140 * 50 / 1000  # 40 houses of 140 m2 at 50 W/m2
    assert cost["installed_unit"] == "kW"
    assert cost["units_installed"] == pytest.approx(kw)
    assert cost["investment_eur"] == pytest.approx(1000 * kw)
    assert cost["om_eur"] == pytest.approx(80 * 40)


def test_capital_recovery_factor():
    assert capital_recovery_factor(0.0, 20) == pytest.approx(0.05)
    # annuity: paying the factor for n years at rate r repays 1
    r, n = 0.035, 40
    assert capital_recovery_factor(r, n) * sum((1 + r) ** -k for k in range(1, n + 1)) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="discount_rate"):
        capital_recovery_factor(-1.0, 10)


def test_costs_of_nothing_is_an_empty_table(small):
    cost = measure_costs(small, {}, range(2015, 2020))
    assert len(cost) == 0 and "investment_eur" in cost.columns


# --------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------

BASE = {"type": "envelope_renovation", "start_year": 2017, "ramp": {"value": 25, "unit": "%/a"},
        "u_wall_w_m2k": 0.15, "investment": {"value": 2500, "unit": "DKK/m2"}, "lifetime_years": 40}


def error_of(doc: dict) -> dict:
    with pytest.raises(ValidationError) as info:
        measures({"kp": doc})
    errors = info.value.errors(include_url=False)
    assert len(errors) == 1, errors
    return errors[0]


def where(err: dict) -> str:
    """The key the scenario loader reports: the location plus ctx['key']."""
    loc = [str(p) for p in err["loc"]]
    return ".".join(loc + ([err["ctx"]["key"]] if "key" in (err.get("ctx") or {}) else []))


@pytest.mark.parametrize("change, key, text", [
    ({"type": "loft_conversion"}, "kp.type", "unknown measure type"),
    ({"type": None}, "kp.type", "a measure needs a type"),
    ({"ramp": {"target_share": 1.5, "by_year": 2020}}, "kp.ramp", "target share out of range"),
    ({"ramp": {"value": 120, "unit": "%", "by_year": 2020}}, "kp.ramp", "target share out of range"),
    ({"ramp": {"target_share": 1.0, "by_year": 2016}}, "kp.ramp", "ramp.by_year is before start_year"),
    ({"ramp": {"value": 10, "unit": "%"}}, "kp.ramp.by_year", "a target share needs by_year"),
    ({"ramp": {"value": 10, "unit": "%/a", "by_year": 2020}}, "kp.ramp.by_year", "by_year belongs to a target share"),
    ({"ramp": {"share_per_year": 0.1, "target_share": 1.0, "by_year": 2020}}, "kp.ramp", "two forms"),
    ({"ramp": {"value": 0, "unit": "%/a"}}, "kp.ramp", "value out of range"),
    ({"filter": {"zone": []}}, "kp.filter.zone", "an empty list selects no building"),
    ({"filter": {"use": ["villa"]}}, "kp.filter.use", "unknown use"),
    ({"filter": {"heating_system": ["coal_stove"]}}, "kp.filter.heating_system", "unknown heating system"),
    ({"filter": {"construction_year": [1978, 1961]}}, "kp.filter.construction_year", "[first, last]"),
    ({"filter": {"age": [1, 2]}}, "kp.filter.age", "Extra inputs"),
    ({"investment": {"value": 10, "unit": "EUR/kWh"}}, "kp.investment", "unknown unit"),
    ({"investment": -1.0}, "kp.investment", "value out of range"),
    ({"u_wall_w_m2k": 0.0}, "kp.u_wall_w_m2k", "value out of range"),
    ({"u_wall_w_m2k": None}, "kp", "changes nothing"),
    ({"om_share_per_year": 0.01, "om_cost_per_year": 2.0}, "kp.om_cost_per_year", "once"),
    ({"lifetime_years": 0}, "kp.lifetime_years", "greater than or equal to 1"),
    ({"start_year": "2017"}, "kp.start_year", "valid integer"),
])
def test_bad_measures_are_refused_naming_the_key(change, key, text):
    doc = {k: v for k, v in (BASE | change).items() if v is not None}
    err = error_of(doc)
    assert where(err) == key
    assert text in err["msg"]


def test_bad_type_specific_fields():
    switch = {"type": "heating_switch", "start_year": 2015, "ramp": {"value": 10, "unit": "%/a"},
              "from_systems": ["oil_boiler"], "to_system": "district_heating", "investment": 1000.0,
              "lifetime_years": 20}
    assert where(error_of(switch | {"to_system": "oil_boiler"})) == "kp.from_systems"
    assert where(error_of(switch | {"from_systems": []})) == "kp.from_systems"
    assert where(error_of(switch | {"investment": {"value": 500, "unit": "EUR/kW"}})) == "kp.design_heat_load"
    battery = {"type": "battery", "start_year": 2015, "ramp": {"value": 10, "unit": "%/a"},
               "investment": {"value": 500, "unit": "EUR/kWh"}, "lifetime_years": 12}
    assert "once" in error_of(battery)["msg"]
    assert "once" in error_of(battery | {"capacity_per_building": 10.0, "capacity_per_pv_kwp": 1.0})["msg"]
    assert where(error_of({"type": "smart_thermostat", "start_year": 2015, "ramp": {"value": 10, "unit": "%/a"},
                           "heating_setpoint_change_k": 1.0, "investment": 1.0, "lifetime_years": 5})) == \
        "kp.heating_setpoint_change_k"


def test_bad_measure_id():
    with pytest.raises(ValidationError, match="invalid measure id"):
        measures({"kp|2020": BASE})


def test_measures_round_trip_through_toml_as_a_scenario_section():
    class Holder(StrictModel):
        measures: MeasuresSection = {}

    text = """
[measures.kildeparken_renovation]
type = "envelope_renovation"
description = "Kildeparken 2020"
start_year = 2017
ramp = { share_per_year = { value = 25, unit = "%/a", source = "plan" } }
filter = { zone = ["kildeparken"], construction_year = [1961, 1978] }
u_wall_w_m2k = { value = 0.15, unit = "W/(m2 K)", source = "design" }
investment = { value = 2500, unit = "DKK/m2", source = "budget" }
lifetime_years = 40
om_share_per_year = { value = 0.5, unit = "%/a", assumption = true, reason = "typical" }

[measures.pv]
type = "rooftop_pv"
start_year = 2018
ramp = { target_share = 0.5, by_year = 2030 }
peak_power_per_area = { value = 200, unit = "Wp/m2" }
usable_roof_share = 0.4
investment = { value = 9000, unit = "DKK/kWp" }
lifetime_years = 25
"""
    model = Holder.model_validate(tomllib.loads(text))
    assert list(model.measures) == ["kildeparken_renovation", "pv"]
    again = Holder.model_validate(model.model_dump(mode="json", exclude_none=True))
    assert again == model
    assert Holder().measures == {}


def test_check_measures_against_the_table(small):
    check_measures(small, {"m": one(filter={"zone": ["estate"]})})
    with pytest.raises(InputError, match=r"key 'measures.m.filter.zone': the buildings table has no such zone"):
        check_measures(small, {"m": one(filter={"zone": ["kildeparken"]})})
    with pytest.raises(InputError, match="selects no building"):
        check_measures(small, {"m": one(filter={"zone": ["estate"], "use": ["office"]})})
    check_measures(small, {"m": one(enabled=False, filter={"zone": ["nowhere"]})})  # disabled: not checked


@pytest.mark.parametrize("year", [2014, 2016, 2019, 2025, 2030])
def test_stock_parts_are_the_labelled_stock_without_labels(year):
    """stock_parts (the simulation's fast path) has the rows, order and values of stock_in_year."""
    from smartcity.run import enabled_measures, load_inputs

    root = Path(__file__).resolve().parents[2]
    [inp] = load_inputs([root / "scenarios" / "aalborg-east" / "lighthouse.toml"])
    measures = of_stage(enabled_measures(inp.resolved.model.measures), "stock")
    labelled = M.stock_in_year(inp.buildings, measures, year)
    parts = M.stock_parts(inp.buildings, measures, year)
    assert len(parts) == len(labelled)
    rows = {bid: i for i, bid in enumerate(inp.buildings["building_id"])}
    np.testing.assert_array_equal(parts["_row"].to_numpy(), labelled["source_building_id"].map(rows).to_numpy())
    for column in [c for c in labelled.columns if c not in ("building_id", "measures")]:
        a, b = parts[column].to_numpy(), labelled[column].to_numpy()
        if a.dtype.kind in "fiu" and b.dtype.kind in "fiu":
            np.testing.assert_array_equal(a.astype(np.float64), b.astype(np.float64), err_msg=column)
        else:
            assert [str(x) for x in a] == [str(x) for x in b], column
