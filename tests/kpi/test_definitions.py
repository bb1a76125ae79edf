"""KPI definitions, prices and primary energy factors: data files and the function registry."""

from __future__ import annotations

import tomllib
from importlib import resources

import pytest

from smartcity.emissions import INVENTORY_CARRIERS
from smartcity.errors import InputError
from smartcity.kpi import (
    REGISTRY,
    load_definitions,
    load_prices,
    load_primary_energy_factors,
)
from smartcity.kpi.definitions import CATEGORIES, PRICED_CARRIERS


def test_every_kpi_id_has_a_function_and_every_function_an_id():
    ids = [k.id for k in load_definitions().kpi]
    assert len(ids) == len(set(ids))
    assert set(ids) == set(REGISTRY), (
        f"ids without function: {sorted(set(ids) - set(REGISTRY))}; "
        f"functions without id: {sorted(set(REGISTRY) - set(ids))}")


def test_definitions_cover_the_issue_list():
    d = load_definitions().by_id()
    categories = {k.category for k in d.values()}
    assert categories == set(CATEGORIES)
    for required in ("final_energy_by_sector", "final_energy_by_carrier", "specific_heat_demand", "energy_savings",
                     "energy_savings_share", "primary_energy", "renewable_self_supply", "local_renewable_generation",
                     "peak_electric_load", "peak_electric_load_reduction", "peak_heat_load",
                     "peak_heat_load_reduction_share", "co2_by_sector", "co2_per_capita", "co2_reduction_vs_baseline",
                     "co2_reduction_vs_base_year", "co2_cumulative_reduction", "modal_split", "vehicle_km",
                     "clean_vehicle_share_vkm", "clean_vehicle_share_fleet", "transport_final_energy",
                     "transport_co2", "public_transport_ridership", "investment", "energy_cost",
                     "energy_cost_savings", "simple_payback", "net_present_value", "abatement_cost",
                     "dwellings_renovated", "residents_reached", "residents_reached_share"):
        assert required in d, required
    assert d["co2_total"].better == "lower" and d["co2_reduction_vs_baseline"].better == "higher"
    frameworks = {f.framework for k in d.values() for f in k.frameworks}
    assert frameworks == {"SCIS", "CITYkeys", "Covenant of Mayors"}


def test_definitions_file_holds_no_code():
    text = resources.files("smartcity").joinpath("data/kpis.toml").read_text(encoding="utf-8")
    doc = tomllib.loads(text)
    allowed = {"id", "name", "unit", "category", "better", "items", "omit_zero_items", "frameworks", "description"}
    for entry in doc["kpi"]:
        assert set(entry) <= allowed
        assert "lambda" not in str(entry) and "eval" not in str(entry.get("id"))


def test_prices_and_factors_cover_every_carrier_of_the_results():
    prices = load_prices().eur_per_mwh()
    factors = load_primary_energy_factors().factors()
    assert set(INVENTORY_CARRIERS) <= set(prices) and set(INVENTORY_CARRIERS) <= set(factors)
    assert set(PRICED_CARRIERS) == set(INVENTORY_CARRIERS)
    assert "electricity_feed_in" in prices
    assert all(v > 0 for v in prices.values())
    assert factors["electricity"] == pytest.approx(1.9)
    assert factors["district_heat"] == pytest.approx(0.85)
    # DKK/kWh converted at the ERM II rate: 2.10 DKK/kWh = 281.5 EUR/MWh
    assert prices["electricity"] == pytest.approx(2.10 / 7.46038 * 1000)


@pytest.mark.parametrize("loader", [load_prices, load_primary_energy_factors])
def test_every_shipped_number_is_sourced_or_flagged(loader):
    model = loader()
    for name in type(model).model_fields:
        entry = getattr(model, name)
        q = next(iter(entry.__dict__.values()))
        assert q.source or (q.assumption and q.reason), name
    params = load_definitions().parameters
    for q in (params.mean_dwelling_floor_area, params.persons_per_dwelling):
        assert q.source or (q.assumption and q.reason)


def test_a_price_without_source_names_file_and_key(tmp_path):
    text = resources.files("smartcity").joinpath("data/energy_prices.toml").read_text(encoding="utf-8")
    doc = tomllib.loads(text)
    lines = []
    for carrier, entry in doc.items():
        q = entry["price"]
        extra = "" if carrier == "diesel" else ', source = "test"'
        lines.append(f'[{carrier}]\nprice = {{ value = {q["value"]}, unit = "{q["unit"]}"{extra} }}\n')
    path = tmp_path / "prices.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(InputError, match=r"prices.toml, key 'diesel.price': the number has no source"):
        load_prices(path)


def test_a_price_in_a_wrong_unit_is_refused(tmp_path):
    text = resources.files("smartcity").joinpath("data/energy_prices.toml").read_text(encoding="utf-8")
    path = tmp_path / "prices.toml"
    path.write_text(text.replace('value = 2.10, unit = "DKK/kWh"', 'value = 2.10, unit = "DKK/l"', 1), encoding="utf-8")
    with pytest.raises(InputError, match="unknown unit"):
        load_prices(path)


def test_duplicate_kpi_id_is_refused(tmp_path):
    text = resources.files("smartcity").joinpath("data/kpis.toml").read_text(encoding="utf-8")
    path = tmp_path / "kpis.toml"
    path.write_text(text.replace('id = "co2_by_sector"', 'id = "co2_total"', 1), encoding="utf-8")
    with pytest.raises(InputError, match="a KPI id appears twice"):
        load_definitions(path)
