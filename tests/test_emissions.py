"""Tests of emission factors and the Covenant of Mayors inventory, :mod:`smartcity.emissions`.

Reference values: IPCC 2006 default factors as listed in the project's fact sheet
(natural gas 0.202, heating oil/diesel 0.267, gasoline 0.249 t CO2/MWh; biomass 0 under
IPCC if sustainably harvested); the local electricity factor formula of the Covenant of
Mayors guidebook, EFE = [(TCE − LPE − GEP) × NEEFE + CO2LPE + CO2GEP] / TCE, evaluated by
hand; inventory totals computed by hand from energy × factor.
"""

from __future__ import annotations

import tomllib
from importlib import resources

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from smartcity.emissions import (
    FUEL_CARRIERS,
    METHODS,
    SECTOR_OF_USE,
    SECTORS,
    carrier_factors,
    emission_factor_table,
    fuel_factor,
    fuel_factors,
    inventory,
    local_electricity_factor,
)
from smartcity.scenario import quantities
from smartcity.scenario.sections.emissions import EmissionsSection
from smartcity.scenario.sections.supply import SupplySection

# --------------------------------------------------------------------------------------
# Factors
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("carrier", "g_per_kwh"),
    [("natural_gas", 202.0), ("heating_oil", 267.0), ("diesel", 267.0), ("gasoline", 249.0),
     ("biomass", 0.0), ("solar_pv", 0.0)],
)
def test_ipcc_factors_match_the_facts(carrier, g_per_kwh):
    assert fuel_factor(carrier, "ipcc") == pytest.approx(g_per_kwh, abs=1e-9)


def test_lca_factors_exceed_ipcc():
    for carrier in FUEL_CARRIERS + ("solar_pv",):
        assert fuel_factor(carrier, "lca") > fuel_factor(carrier, "ipcc") - 1e-12, carrier


def test_every_shipped_factor_is_sourced_or_flagged():
    text = resources.files("smartcity").joinpath("data/emission_factors.toml").read_text(encoding="utf-8")
    document = tomllib.loads(text)
    assert set(FUEL_CARRIERS) <= set(document)
    for carrier, entry in document.items():
        assert entry.get("name"), carrier
        for method in METHODS:
            raw = entry[method]
            sourced = bool(raw.get("source", "").strip())
            flagged = raw.get("assumption") is True and bool(raw.get("reason", "").strip())
            assert sourced or flagged, f"{carrier}.{method} has neither a source nor a flagged assumption"
    table = emission_factor_table()
    for carrier, by_method in table.items():
        for method, q in by_method.items():
            assert q.source or (q.assumption and q.reason), f"{carrier}.{method}"


def test_fuel_factor_rejects_unknown():
    with pytest.raises(ValueError, match="carrier = 'electricity': no shipped factor"):
        fuel_factor("electricity")
    with pytest.raises(ValueError, match="method = 'gpc'"):
        fuel_factor("natural_gas", "gpc")


def test_emissions_section_defaults_and_overrides():
    section = EmissionsSection()
    assert (section.method, section.electricity_factor) == ("ipcc", "national")
    assert fuel_factors(section) == {c: fuel_factor(c, "ipcc") for c in FUEL_CARRIERS}
    assert quantities(section) == []  # no numbers unless overridden

    custom = EmissionsSection.model_validate({
        "method": "lca",
        "electricity_factor": "local",
        "fuel_factors": {"natural_gas": {"value": 56.8, "unit": "kg/GJ", "source": "test declaration"}},
    })
    factors = fuel_factors(custom)
    assert factors["natural_gas"] == pytest.approx(56.8 * 3.6)
    assert factors["diesel"] == fuel_factor("diesel", "lca")
    for key, q in quantities(custom):
        assert q.source or (q.assumption and q.reason), key

    with pytest.raises(ValidationError, match="'ipcc' or 'lca'"):
        EmissionsSection.model_validate({"method": "gpc"})
    with pytest.raises(ValidationError, match="unknown unit"):
        EmissionsSection.model_validate({"fuel_factors": {"biomass": {"value": 1.0, "unit": "kWh"}}})
    with pytest.raises(ValidationError, match="extra"):
        EmissionsSection.model_validate({"fuel_factors": {"coal": 340.0}})


def test_carrier_factors_for_the_inventory():
    dh = SupplySection().district_heating.emission_factor.at([2030])[0]
    factors = carrier_factors(None, dh)
    assert set(factors) == {"district_heat", *FUEL_CARRIERS}
    assert factors["district_heat"] == dh


# --------------------------------------------------------------------------------------
# Local electricity factor
# --------------------------------------------------------------------------------------


def test_local_electricity_factor_hand_example():
    # TCE 1,000 MWh, local PV 100 MWh at 30 g/kWh, green purchases 50 MWh at 0, national 300:
    # [(1,000 − 100 − 50) × 300 + 100 × 30 + 0] / 1,000 = (255,000 + 3,000) / 1,000 = 258 g/kWh.
    efe = local_electricity_factor(300.0, 100e3, 1000e3, local_production_g_per_kwh=30.0,
                                   green_purchases_kwh=50e3)
    assert efe == pytest.approx(258.0, rel=1e-12)
    # No local production: the national factor.
    assert local_electricity_factor(300.0, 0.0, 1000.0) == pytest.approx(300.0)
    # Hourly national factors give hourly local factors.
    hourly = local_electricity_factor(np.array([100.0, 200.0]), 250.0, 1000.0)
    np.testing.assert_allclose(hourly, [75.0, 150.0])


def test_local_electricity_factor_net_exporter():
    # Local 1,500 at 30 g/kWh and green 500 at 0 for a consumption of 1,000: (45,000 + 0) / 2,000.
    efe = local_electricity_factor(300.0, 1500.0, 1000.0, local_production_g_per_kwh=30.0,
                                   green_purchases_kwh=500.0)
    assert efe == pytest.approx(22.5)
    with pytest.raises(ValueError, match="total_electricity_kwh = 0"):
        local_electricity_factor(300.0, 0.0, 0)


@given(st.floats(0.0, 800.0), st.floats(0.0, 1.0), st.floats(0.0, 100.0))
@settings(max_examples=60, deadline=None)
def test_local_factor_between_local_and_national(national, share, local_factor):
    efe = local_electricity_factor(national, share * 1000.0, 1000.0, local_production_g_per_kwh=local_factor)
    assert min(national, local_factor) - 1e-9 <= efe <= max(national, local_factor) + 1e-9


# --------------------------------------------------------------------------------------
# Inventory
# --------------------------------------------------------------------------------------


def test_inventory_hand_computed():
    final = {
        "residential": {
            "electricity": np.array([2.0, 4.0, 0.0]),       # kW in three hours
            "district_heat": np.array([10.0, 10.0, 20.0]),  # 40 kWh
            "natural_gas": 1000.0,                           # kWh in the year
        },
        "municipal": {"electricity": 500.0, "biomass": 200.0},
        "transport": {"diesel": np.array([100.0, 0.0, 50.0])},
    }
    grid = np.array([100.0, 50.0, 400.0])
    factors = {"district_heat": 80.0, "natural_gas": 202.0, "biomass": 0.0, "diesel": 267.0}
    table = inventory(final, grid, factors)
    assert table.attrs["units"] == "t"
    assert table.index.tolist() == ["municipal", "residential", "transport"]  # SECTORS order
    assert table.columns.tolist() == ["district_heat", "electricity", "natural_gas", "biomass", "diesel"]
    # Residential electricity: 2·100 + 4·50 + 0·400 = 400 g; district heat 40·80 = 3,200 g;
    # gas 1,000·202 = 202,000 g. Municipal electricity: 500 × mean(grid) = 500 × 183.33 g.
    # Transport diesel: 150·267 = 40,050 g.
    expected = pd.DataFrame(
        [[0.0, 500.0 * grid.mean(), 0.0, 0.0, 0.0],
         [3200.0, 400.0, 202000.0, 0.0, 0.0],
         [0.0, 0.0, 0.0, 0.0, 40050.0]],
        index=table.index, columns=table.columns) / 1e6
    pd.testing.assert_frame_equal(table, expected, rtol=1e-12)
    assert table.to_numpy().sum() == pytest.approx((400 + 3200 + 202000 + 500 * grid.mean() + 40050) / 1e6)


def test_inventory_single_sector_and_hourly_factors():
    table = inventory({"electricity": [1.0, 1.0], "district_heat": [2.0, 4.0]}, 100.0,
                      {"district_heat": np.array([50.0, 25.0])}, sector="tertiary")
    assert table.index.tolist() == ["tertiary"]
    assert table.loc["tertiary", "electricity"] == pytest.approx(200.0 / 1e6)
    assert table.loc["tertiary", "district_heat"] == pytest.approx((2 * 50 + 4 * 25) / 1e6)


@given(st.lists(st.floats(0.0, 100.0), min_size=1, max_size=48), st.floats(0.0, 500.0), st.floats(0.0, 3.0))
@settings(max_examples=50, deadline=None)
def test_inventory_is_linear_in_energy(energy, factor, scale):
    hourly = np.array(energy)
    one = inventory({"natural_gas": hourly}, 0.0, {"natural_gas": factor}, sector="residential")
    scaled = inventory({"natural_gas": scale * hourly}, 0.0, {"natural_gas": factor}, sector="residential")
    assert scaled.iloc[0, 0] == pytest.approx(scale * one.iloc[0, 0], rel=1e-12, abs=1e-15)
    assert one.iloc[0, 0] == pytest.approx(hourly.sum() * factor / 1e6, rel=1e-12, abs=1e-15)


@pytest.mark.parametrize(
    ("final", "grid", "factors", "match"),
    [({"industry": {"electricity": 1.0}}, 100.0, {}, "sector 'industry': must be one of"),
     ({"residential": {"coal": 1.0}}, 100.0, {}, "carrier 'coal': must be one of"),
     ({"residential": {"natural_gas": 1.0}}, 100.0, {}, "carrier 'natural_gas': no emission factor"),
     ({"residential": {"electricity": 1.0}}, 100.0, {"electricity": 5.0}, "grid_intensity_g_per_kwh"),
     ({"residential": {"electricity": [1.0, 2.0]}}, [1.0, 2.0, 3.0], {}, "2 hourly energies but 3"),
     ({"residential": {"electricity": -1.0}}, 100.0, {}, "energy must be >= 0")],
)
def test_inventory_rejects_bad_input(final, grid, factors, match):
    with pytest.raises(ValueError, match=match):
        inventory(final, grid, factors)


def test_every_building_use_has_a_sector():
    schema = tomllib.loads(resources.files("smartcity").joinpath("schemas/buildings.toml").read_text("utf-8"))
    uses = next(c["allowed"] for c in schema["column"] if c["name"] == "use")
    assert set(SECTOR_OF_USE) == set(uses)
    assert set(SECTOR_OF_USE.values()) <= set(SECTORS) - {"transport"}
    assert SECTOR_OF_USE["daycare"] == "municipal"
    assert SECTOR_OF_USE["apartment_block"] == "residential"
