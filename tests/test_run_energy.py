"""The default Aalborg East run: energy, CO2 by sector and year, and the measures' contributions."""

from __future__ import annotations

import numpy as np
import pytest

from smartcity.run import default_scenarios, load_inputs, run_scenarios


@pytest.fixture(scope="module")
def ds(default_run):
    return default_run


def test_both_scenarios_report_energy_and_co2_by_sector_and_year(ds):
    assert list(ds["scenario"].values) == ["baseline", "lighthouse"]
    assert list(ds["year"].values) == list(range(2014, 2031))
    assert set(ds["sector"].values) == {"residential", "tertiary", "municipal", "transport"}
    assert ds["co2"].dims == ("scenario", "year", "sector", "carrier")
    assert ds["co2"].attrs["units"] == "t yr-1" and ds["final_energy"].attrs["units"] == "MW h yr-1"
    assert (ds["co2"] >= 0).all() and (ds["final_energy"] >= 0).all()
    for sector in ("residential", "tertiary"):
        assert float(ds["co2"].sel(scenario="baseline", year=2014, sector=sector).sum()) > 0
    assert float(ds["final_energy"].sel(scenario="baseline", year=2014, carrier="district_heat").sum()) > 0
    assert float(ds["final_energy"].sel(scenario="baseline", year=2014, carrier="electricity").sum()) > 0


def test_lighthouse_emits_less_and_measures_explain_the_difference(ds):
    total = ds["co2"].sum(["sector", "carrier"])
    base, light = total.sel(scenario="baseline"), total.sel(scenario="lighthouse")
    # identical until the first measure starts (2016), lower every year after
    assert float(light.sel(year=2014)) == pytest.approx(float(base.sel(year=2014)), rel=1e-12)
    assert (light.sel(year=slice(2017, 2030)) < base.sel(year=slice(2017, 2030))).all()
    s = ds.sel(scenario="lighthouse")
    # the lighthouse differs from the baseline only by its measures, so the scenario
    # without measures is the baseline, and the reductions add up with the interaction term
    np.testing.assert_allclose(s["co2_without_measures"].values, base.values, rtol=1e-9)
    explained = s["co2_reduction_by_measure"].sum("measure") + s["co2_reduction_interaction"]
    np.testing.assert_allclose(explained.values, (base - light).values, rtol=1e-9, atol=1e-6)
    assert (s["co2_reduction_by_measure"].sel(year=2030) > 0).all()
    assert set(s["measure"].values) >= {"kildeparken_renovation", "rooftop_pv", "boilers_to_heat_pumps"}
    # the baseline has no measures
    assert bool(ds["co2_reduction_by_measure"].sel(scenario="baseline").isnull().all())


def test_renovation_lowers_heat_need_of_kildeparken(ds):
    kp = [b for b in ds["building"].values if str(b).startswith("kildeparken")]
    need = ds["space_heating_need"].sel(building=kp).sum("building")
    assert float(need.sel(scenario="lighthouse", year=2020)) < 0.75 * float(need.sel(scenario="baseline", year=2020))
    # before the first measure (2016) the two are equal
    assert (float(need.sel(scenario="lighthouse", year=2015))
            == pytest.approx(float(need.sel(scenario="baseline", year=2015))))


def test_coal_exit_is_a_visible_step_in_the_district_heating_factor(ds):
    """The lighthouse's coal exit at the end of 2028 (a supply measure); the baseline keeps the 2014 system."""
    factor = ds["district_heating_emission_factor"].sel(scenario="lighthouse")
    assert float(factor.sel(year=2029)) < 0.5 * float(factor.sel(year=2028))
    baseline = ds["district_heating_emission_factor"].sel(scenario="baseline")
    assert float(baseline.max()) < 1.01 * float(baseline.min())


def test_hourly_electricity_balance_closes(ds):
    # no batteries in the default scenarios: import - export = demand + charging - PV, every hour
    s = ds.sel(scenario="lighthouse", year=2030)
    np.testing.assert_allclose((s["grid_import"] - s["grid_export"]).values,
                               (s["electricity_demand"] + s["ev_charging"] + s["bus_charging"]
                                - s["pv_generation"]).values, atol=1e-6)
    assert float(s["pv_generation"].sum()) > 0 and float(ds["pv_generation"].sel(scenario="baseline").sum()) == 0


def test_annual_building_totals_match_hourly_district_sums(ds):
    s = ds.sel(scenario="lighthouse", year=2025)
    assert float(s["district_space_heating"].sum()) == pytest.approx(float(s["space_heating_need"].sum()), rel=1e-9)
    assert float(s["district_hot_water"].sum()) == pytest.approx(float(s["hot_water_need"].sum()), rel=1e-9)


def test_same_inputs_same_results():
    inputs = load_inputs(default_scenarios()[:1])
    a = run_scenarios([], inputs=inputs, command="a")
    b = run_scenarios([], inputs=inputs, command="a")
    for name in ("co2", "final_energy", "space_heating_need", "grid_import"):
        assert np.array_equal(a[name].values, b[name].values), name


def test_district_heat_production_includes_network_losses(ds):
    s = ds.sel(scenario="baseline", year=2020)
    delivered = float(s["final_energy"].sel(carrier="district_heat").sum())
    loss = float(s["network_heat_loss"]) / float(s["network_heat_loss"] + s["network_heat_delivered"])
    assert 0.18 < loss < 0.20  # the calibrated 20 % of the rest of the network, less with the district's heat
    assert float(s["district_heat_production"]) == pytest.approx(delivered / (1 - loss), rel=1e-9)


def test_local_lca_electricity_factor_runs_and_counts_pv(tmp_path, repo):
    import shutil

    folder = repo / "scenarios" / "aalborg-east"
    variant = tmp_path / "local.toml"
    variant.write_text(
        f'[scenario]\nextends = "{(folder / "lighthouse.toml").as_posix()}"\nname = "local"\n'
        'first_year = 2029\nlast_year = 2030\nbase_year = 2030\n'
        '[emissions]\nmethod = "lca"\nelectricity_factor = "local"\n', encoding="utf-8")
    ds_local = run_scenarios([variant], command="test")
    national = variant.with_name("national.toml")
    shutil.copy(variant, national)
    national.write_text(variant.read_text().replace('electricity_factor = "local"', 'electricity_factor = "national"')
                        .replace('name = "local"', 'name = "national"'))
    ds_national = run_scenarios([national], command="test")
    local = float(ds_local["co2"].sel(carrier="electricity").sum())
    nat = float(ds_national["co2"].sel(carrier="electricity").sum())
    assert local > 0 and nat > 0 and local != pytest.approx(nat)
    # heat carriers do not depend on the electricity method
    np.testing.assert_allclose(ds_local["co2"].sel(carrier="district_heat").values,
                               ds_national["co2"].sel(carrier="district_heat").values, rtol=1e-12)


def test_single_measure_explains_the_whole_reduction(small_scenario):
    small_scenario.write_text(small_scenario.read_text() + (
        '\n[measures.retrofit]\ntype = "envelope_renovation"\nstart_year = 2016\n'
        'ramp = { value = 50, unit = "%/a", assumption = true, reason = "test" }\n'
        'filter = { use = ["apartment_block"] }\nu_wall_w_m2k = 0.2\n'
        'investment = { value = 100, unit = "EUR/m2", assumption = true, reason = "test" }\nlifetime_years = 30\n'))
    s = run_scenarios([small_scenario], command="test").sel(scenario="small")
    total = s["co2"].sum(["sector", "carrier"])
    np.testing.assert_allclose(s["co2_reduction_by_measure"].sel(measure="retrofit").values,
                               (s["co2_without_measures"] - total).values, rtol=1e-12)
    assert float(s["co2_reduction_by_measure"].sel(year=2017, measure="retrofit")) > 0
    np.testing.assert_allclose(s["co2_reduction_interaction"].values, 0.0, atol=1e-9)
