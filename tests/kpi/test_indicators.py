"""KPI values against the result variables they come from, and the variables run.py adds for them."""

from __future__ import annotations

import numpy as np
import pytest

from smartcity.economics import DISCOUNT_RATE
from smartcity.kpi import (
    kpi_table,
    load_definitions,
    load_prices,
    load_primary_energy_factors,
)


@pytest.fixture(scope="module")
def table(default_run):
    return kpi_table(default_run, years=[2014, 2020, 2030])


def value(table, row_id, scenario, year):
    return float(table.xs(row_id, level="id")[(scenario, year)].iloc[0])


def test_climate_kpis_follow_the_inventory(default_run, table):
    for scenario in ("baseline", "lighthouse"):
        co2 = default_run["co2"].sel(scenario=scenario)
        for year in (2014, 2030):
            assert value(table, "co2_total", scenario, year) == pytest.approx(float(co2.sel(year=year).sum()))
            assert value(table, "co2_by_sector.transport", scenario, year) == pytest.approx(
                float(co2.sel(year=year, sector="transport").sum()))
    base = value(table, "co2_total", "baseline", 2030)
    light = value(table, "co2_total", "lighthouse", 2030)
    assert value(table, "co2_reduction_vs_baseline", "lighthouse", 2030) == pytest.approx(base - light)
    assert value(table, "co2_reduction_vs_baseline_share", "lighthouse", 2030) == pytest.approx(
        100 * (base - light) / base)
    assert value(table, "co2_reduction_vs_baseline", "baseline", 2030) == 0.0
    first = value(table, "co2_total", "lighthouse", 2014)  # base year 2014
    assert value(table, "co2_reduction_vs_base_year", "lighthouse", 2030) == pytest.approx(first - light)
    # cumulative reduction: the yearly reductions summed (year_step 1)
    yearly = (default_run["co2"].sel(scenario="baseline") - default_run["co2"].sel(scenario="lighthouse")).sum(
        ("sector", "carrier"))
    assert value(table, "co2_cumulative_reduction", "lighthouse", 2030) == pytest.approx(float(yearly.sum()))
    residents = float(default_run["residents"].sel(scenario="lighthouse", year=2030))
    assert value(table, "co2_per_capita", "lighthouse", 2030) == pytest.approx(light / residents)


def test_energy_kpis(default_run, table):
    s = default_run.sel(scenario="lighthouse", year=2030)
    factors = load_primary_energy_factors().factors()
    fe = s["final_energy"].sum("sector").to_series()
    grid = float(s["grid_import"].sum()) / 1e3
    expected = grid * 1.9 + sum(fe[c] * factors[c] for c in fe.index if c != "electricity")
    assert value(table, "primary_energy", "lighthouse", 2030) == pytest.approx(expected)
    pv = float(s["pv_generation"].sum()) / 1e3
    assert value(table, "local_renewable_generation", "lighthouse", 2030) == pytest.approx(pv)
    assert value(table, "renewable_self_supply", "lighthouse", 2030) == pytest.approx(100 * pv / fe["electricity"])
    assert value(table, "peak_electric_load", "lighthouse", 2030) == pytest.approx(float(s["grid_import"].max()))
    heat = (s["space_heating_need"].sum() + s["hot_water_need"].sum()) / s["heated_floor_area"].sum()
    assert value(table, "specific_heat_demand", "lighthouse", 2030) == pytest.approx(float(heat))
    assert value(table, "energy_savings", "lighthouse", 2030) == pytest.approx(
        value(table, "final_energy_total", "baseline", 2030) - value(table, "final_energy_total", "lighthouse", 2030))
    rows = [i for i in table.index.get_level_values("id") if i.startswith("final_energy_by_carrier.")]
    assert sum(value(table, r, "lighthouse", 2030) for r in rows) == pytest.approx(
        value(table, "final_energy_total", "lighthouse", 2030))


def test_economic_kpis(default_run, table):
    prices = load_prices().eur_per_mwh()
    s = default_run.sel(scenario="lighthouse")
    y = s.sel(year=2030)
    fe = y["final_energy"].sum("sector").to_series()
    cost = (float(y["grid_import"].sum()) / 1e3 * prices["electricity"]
            - float(y["grid_export"].sum()) / 1e3 * prices["electricity_feed_in"]
            + sum(fe[c] * prices[c] for c in fe.index if c != "electricity"))
    assert value(table, "energy_cost", "lighthouse", 2030) == pytest.approx(cost)
    invested = float(s["measure_investment"].sel(year=slice(None, 2030)).sum())
    assert value(table, "investment", "lighthouse", 2030) == pytest.approx(invested)
    assert value(table, "investment", "baseline", 2030) == 0.0
    savings = value(table, "energy_cost_savings", "lighthouse", 2030)
    om = float(y["measure_om_cost"].sum())
    net = savings - om  # the supply measures' operation can outweigh the district's energy-cost savings
    assert value(table, "simple_payback", "lighthouse", 2030) == (pytest.approx(invested / net) if net > 0 else np.inf)
    annual = value(table, "measure_annual_cost", "lighthouse", 2030)
    reduction = value(table, "co2_reduction_vs_baseline", "lighthouse", 2030)
    assert value(table, "abatement_cost", "lighthouse", 2030) == pytest.approx((annual - savings) / reduction)
    assert np.isnan(value(table, "simple_payback", "baseline", 2030))  # nothing invested
    assert np.isnan(value(table, "abatement_cost", "baseline", 2030))  # nothing reduced
    # NPV: (savings - annual cost) discounted to the base year, summed
    base_cost = kpi_table(default_run, years=list(range(2014, 2031)))
    npv = 0.0
    for year in range(2014, 2031):
        net = value(base_cost, "energy_cost_savings", "lighthouse", year) - value(
            base_cost, "measure_annual_cost", "lighthouse", year)
        npv += net / (1 + DISCOUNT_RATE) ** (year - 2014)
    assert value(table, "net_present_value", "lighthouse", 2030) == pytest.approx(npv)


def test_mobility_kpis(default_run, table):
    s = default_run.sel(scenario="lighthouse", year=2030)
    modes = [i for i in table.index.get_level_values("id") if i.startswith("modal_split.")]
    assert sum(value(table, m, "lighthouse", 2030) for m in modes) == pytest.approx(100.0)
    vkm = s["vehicle_km"]
    assert value(table, "clean_vehicle_share_vkm", "lighthouse", 2030) == pytest.approx(
        100 * float(vkm.sel(powertrain="electric").sum() / vkm.sum()))
    assert value(table, "public_transport_ridership", "lighthouse", 2030) == pytest.approx(
        float(s["line_boardings"].sum()))
    ids = set(table.index.get_level_values("id"))
    assert "vehicle_km.bus/gasoline" not in ids  # petrol buses run nowhere: left out
    assert "vehicle_km.brt/electric" in ids


def test_social_reach(default_run, table):
    params = load_definitions().parameters
    area = float(default_run["renovated_residential_floor_area"].sel(scenario="lighthouse", year=2030))
    dwellings = area / params.mean_dwelling_floor_area.canonical
    assert value(table, "dwellings_renovated", "lighthouse", 2030) == pytest.approx(dwellings)
    assert value(table, "residents_reached", "lighthouse", 2030) == pytest.approx(dwellings * 2.14)
    assert value(table, "dwellings_renovated", "baseline", 2030) == 0.0
    assert 0 < value(table, "residents_reached_share", "lighthouse", 2030) < 100


def test_renovated_area_counts_overlapping_measures_once(default_run):
    s = default_run.sel(scenario="lighthouse")
    reach = s["measure_residential_floor_area"]
    renovation = [str(m) for m, t in zip(s["measure"].values, s["measure_type"].values)
                  if t in ("envelope_renovation", "ventilation_heat_recovery")]
    union = s["renovated_residential_floor_area"]
    assert (union <= reach.sel(measure=renovation).sum("measure") + 1e-6).all()
    assert (union >= reach.sel(measure=renovation).max("measure") - 1e-6).all()
    residential = s["heated_floor_area"].where(s["building_sector"] == "residential", 0.0).sum("building")
    assert (union <= residential + 1e-6).all()
    transport = [str(m) for m, t in zip(s["measure"].values, s["measure_type"].values) if t == "brt_line"]
    assert float(reach.sel(measure=transport).sum()) == 0.0


def test_per_measure_carrier_savings_add_up(default_run):
    s = default_run.sel(scenario="lighthouse")
    by_carrier = s["final_energy_saving_by_measure_carrier"].sum("carrier")
    assert np.allclose(by_carrier, s["final_energy_saving_by_measure"], rtol=1e-9, atol=1e-6)
    assert (s["measure_om_cost"] <= s["measure_annual_cost"] + 1e-6).all()
    pv = s["grid_export_increase_by_measure"].sel(measure="rooftop_pv", year=2030)
    assert float(pv) > 0.0
    for name in ("residents", "renovated_residential_floor_area", "final_energy_saving_by_measure_carrier",
                 "grid_import_saving_by_measure", "grid_export_increase_by_measure", "measure_om_cost",
                 "measure_residential_floor_area"):
        assert default_run[name].attrs["units"] and default_run[name].attrs["long_name"]


def test_residents_are_the_internal_zones(default_run):
    people = default_run["residents"].sel(scenario="lighthouse")
    assert (people > 10_000).all() and (people < 30_000).all()


def test_district_without_transport_has_empty_mobility_and_residents(small_run):
    table = kpi_table(small_run, baseline="small")
    assert "residents" not in small_run  # a travel variable: only with a transport model
    for row_id in ("modal_split", "vehicle_km", "clean_vehicle_share_vkm", "public_transport_ridership",
                   "transport_co2", "co2_per_capita", "residents"):
        assert table.xs(row_id, level="id").isna().all(axis=None), row_id
    assert value(table, "co2_reduction_vs_baseline", "small", 2017) == 0.0
    assert value(table, "co2_reduction_vs_baseline", "small_light", 2017) > 0.0
    assert value(table, "dwellings_renovated", "small_light", 2017) == pytest.approx(
        10 * 2400 / load_definitions().parameters.mean_dwelling_floor_area.canonical)
    assert value(table, "residents_reached_share", "small_light", 2017) == pytest.approx(
        100 * 10 * 2400 / (10 * 2400 + 40 * 140))


def test_without_a_baseline_the_comparisons_are_empty(small_run):
    table = kpi_table(small_run)  # no scenario is called "baseline"
    assert np.isnan(value(table, "co2_reduction_vs_baseline", "small_light", 2017))
    assert not np.isnan(value(table, "co2_reduction_vs_base_year", "small_light", 2017))
    assert np.isnan(value(table, "energy_cost_savings", "small_light", 2017))


def test_each_kpi_is_computed_once_per_view_and_views_do_not_share(small_run):
    from smartcity.kpi import REGISTRY, NotAvailable, scenario_results

    definitions = load_definitions()
    view = scenario_results(small_run, "small_light", baseline="small", prices=load_prices().eur_per_mwh(),
                            factors=load_primary_energy_factors().factors(), parameters=definitions.parameters)
    first = REGISTRY["energy_cost_savings"](view)
    assert REGISTRY["energy_cost_savings"](view) is first  # kept, not recomputed
    base = view.on_baseline()
    assert view.on_baseline() is base and base.memo is not view.memo
    # the baseline view computed its own energy cost; the scenario's is a different figure
    assert not REGISTRY["energy_cost"](base).identical(REGISTRY["energy_cost"](view))
    # a KPI that is not available stays not available when asked again
    for _ in range(2):
        with pytest.raises(NotAvailable):
            REGISTRY["modal_split"](view)
    # the kept results equal a fresh computation on a new view
    fresh = scenario_results(small_run, "small_light", baseline="small", prices=load_prices().eur_per_mwh(),
                             factors=load_primary_energy_factors().factors(), parameters=definitions.parameters)
    assert fresh.memo == {}
    assert REGISTRY["energy_cost_savings"](fresh).identical(first)
