"""The district-heating network as a model: units table, demand, loss, costs, dispatch, CO2, calibration."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from smartcity.energy import grid, heat_costs
from smartcity.energy.district_heating import service_years, supply_year, units_in_service
from smartcity.energy.heat_supply import HeatNetworkModel, demand_shape, read_heat_units, supply_temperature
from smartcity.errors import InputError
from smartcity.scenario import load_scenario
from smartcity.weather import reference_year

REPO = Path(__file__).resolve().parents[2]
AALBORG = REPO / "scenarios" / "aalborg-east"
UNITS = AALBORG / "district_heating" / "units.csv"

#: Units commissioned by the lighthouse's supply measures, and the unit they retire.
CONVERSION = ("portland_extension", "wastewater_hp", "e_boiler", "heat_storage_2021", "seawater_hp", "air_hp",
              "pit_storage")


@pytest.fixture(scope="module")
def aalborg():
    """The shipped baseline's network model, its units and the reference weather year."""
    model = load_scenario(AALBORG / "baseline.toml").model
    dh = model.supply.district_heating
    units = read_heat_units(dh.network.units)
    weather = reference_year()
    return HeatNetworkModel(dh.network, units, weather, dh.network_loss.canonical), units, weather


def _shares(units, year, converted=False):
    shares = units_in_service(service_years(units), year)
    if converted:
        shares.update({u: 1.0 for u in CONVERSION}, njv3=0.0)
    return shares


def _grid(weather, mean):
    return grid.grid_intensity(2030, mean, weather.index)


# -- the units table ---------------------------------------------------------------------


def test_the_shipped_units_table_reads_and_every_row_cites_a_source():
    units = read_heat_units(UNITS)
    assert len(units) == 12 and units["unit"].is_unique
    assert (units["source"].str.len() > 20).all()
    assert set(units.loc[units["status"] == "planned", "unit"]) == set(CONVERSION)


def _units_file(tmp_path, old, new):
    text = UNITS.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "units.csv"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize("old, new, expected", [
    ("chp,existing,1998,2100,", "chp,existing,1998,1990,",
     "line 2, column 'retired': the unit is retired before it is commissioned; got 1990"),
    ("chp,existing,1998,2100,420,", "chp,existing,1998,2100,-420,",
     "line 2, column 'heat_capacity_mw': value out of range; got -420"),
    ("storage,planned,2023,2100,50,", "storage,planned,2023,2100,0,",
     "column 'heat_capacity_mw': a storage needs a charge and discharge power; got 0.0"),
    ("chp,existing,1998,2100,420,coal,", "chp,existing,1998,2100,420,electricity,",
     "column 'fuel': a chp unit cannot use this fuel; got 'electricity'"),
    (",seawater,0.5,3,", ",,0.5,3,", "column 'heat_source': a heat pump needs a heat source"),
    ("420,coal,0.48,0.88,", "420,coal,0.48,0,", "column 'power_to_heat': a chp unit makes power; got 0.0"),
    ("pit_storage,Pit heat storage,storage,planned,2027,2100,150,none,1,0,,0.5,3,0.0,false,1,12000,",
     "pit_storage,Pit heat storage,storage,planned,2027,2100,150,none,1,0,,0.5,3,0.0,false,1,0,",
     "column 'storage_mwh': a storage needs a volume; got 0.0"),
])
def test_bad_units_are_refused_naming_file_line_and_column(tmp_path, old, new, expected):
    path = _units_file(tmp_path, old, new)
    with pytest.raises(InputError) as info:
        read_heat_units(path)
    assert str(info.value).startswith(str(path)) and expected in str(info.value)


# -- demand, temperatures, loss ------------------------------------------------------------


def test_demand_shape_sums_to_one_and_follows_the_cold():
    weather = reference_year()
    temp = weather.data["temp_air"].to_numpy()
    shape = demand_shape(temp, 17.0, 0.25)
    assert shape.sum() == pytest.approx(1.0, rel=1e-12) and (shape >= 0.25 / temp.size - 1e-18).all()
    january, july = shape[: 31 * 24].sum(), shape[181 * 24: 212 * 24].sum()
    # July needs hot water (a quarter of the year's heat spread flat: 31/365 x 0.25) and a little heat on
    # cool days
    hot_water = 0.25 * 31 * 24 / temp.size
    assert hot_water <= july < 1.5 * hot_water and january > 4 * july
    assert demand_shape(temp, 17.0, 1.0) == pytest.approx(np.full(temp.size, 1.0 / temp.size))


def test_supply_temperature_follows_the_outdoor_temperature():
    assert supply_temperature([-30.0, -12.0, 15.0, 25.0], 80.0, 70.0).tolist() == [80.0, 80.0, 70.0, 70.0]


def test_network_loss_is_the_calibrated_share_at_nominal_temperatures_and_falls_with_them(aalborg):
    model, units, weather = aalborg
    shares = _shares(units, 2014)
    nothing = np.zeros(weather.n_hours)
    base = model.dispatch(2014, shares, nothing, _grid(weather, 300.0))
    # without the district the network is the calibrated one: 20 % of the heat fed in is lost
    assert base.loss_share == pytest.approx(0.20, rel=1e-9)
    cooler = model.dispatch(2014, shares, nothing, _grid(weather, 300.0), lowered_k=10.0)
    assert cooler.loss_mwh < 0.9 * base.loss_mwh


# -- costs ------------------------------------------------------------------------------------


def test_hourly_costs_are_those_of_the_heat_cost_functions(aalborg):
    """The array form of the merit order's costs against smartcity.energy.heat_costs, unit by unit."""
    model, units, weather = aalborg
    net = model.network
    year = 2030
    loss, electricity, _ = model._temperature_dependent(0.0)
    cost = model._cost(year, electricity)
    price = model.electricity_price(year)
    co2_price = float(net.co2_price.at([year])[0])
    el_tax = float(net.electricity_tax.at([year])[0])
    producers = units[units["kind"] != "storage"].reset_index(drop=True)
    for j, u in producers.iterrows():
        om = u["variable_cost_eur_per_mwh"]
        if u["kind"] in ("chp", "waste_chp", "boiler"):
            fuel = net.fuels[u["fuel"]]
            tax = float(fuel.tax.at([year])[0])
            chp = u["kind"] != "boiler"
            per_fuel = heat_costs.fuel_cost_per_mwh_fuel(
                float(fuel.price.at([year])[0]), fuel_tax_eur_per_mwh=0.0 if chp else tax,
                co2_price_eur_per_t=co2_price if fuel.emissions_trading else 0.0,
                emission_factor_t_per_mwh=fuel.emission_factor.canonical / 1e3)
            if chp:
                expected = heat_costs.chp_heat_cost(per_fuel, u["heat_efficiency"], u["power_to_heat"], price,
                                                    variable_om_eur_per_mwh=om + tax / 1.2)
            else:
                expected = heat_costs.boiler_heat_cost(per_fuel, u["heat_efficiency"], variable_om_eur_per_mwh=om)
        elif u["kind"] in ("heat_pump", "electric_boiler"):
            expected = heat_costs.electric_heat_cost(price, 1.0 / electricity[:, j], electricity_tax_eur_per_mwh=el_tax,
                                                     variable_om_eur_per_mwh=om)
        else:
            expected = np.full(weather.n_hours, om)
        np.testing.assert_allclose(cost[:, j], expected, rtol=1e-12, atol=1e-9, err_msg=u["unit"])


def test_the_heat_pumps_cop_rises_when_the_network_runs_colder(aalborg):
    model, units, _ = aalborg
    _, warm, _ = model._temperature_dependent(0.0)
    _, cold, _ = model._temperature_dependent(10.0)
    hp = (units[units["kind"] != "storage"]["kind"] == "heat_pump").to_numpy()
    assert (cold[:, hp] < warm[:, hp]).all()  # less electricity per heat


# -- dispatch and CO2 -------------------------------------------------------------------------


@pytest.mark.parametrize("year, converted", [(2014, False), (2030, True)])
def test_every_hour_closes_and_the_co2_is_conserved(aalborg, year, converted):
    """Σ production + discharge − charge − dumped + unmet = demand + loss each hour, to 1e-9."""
    model, units, weather = aalborg
    district = np.full(weather.n_hours, 10.0)
    net = model.dispatch(year, _shares(units, year, converted), district, _grid(weather, 40.0), hourly=True)
    h = net.hourly
    left = h["production_mw"].sum(axis=1) + h["storage_discharge_mw"] - h["storage_charge_mw"] - h["dumped_mw"] \
        + h["unmet_mw"]
    np.testing.assert_allclose(left, h["demand_mw"] + h["loss_mw"], rtol=1e-9)
    assert net.unmet_mwh == 0.0
    # the CO2 produced reaches the consumers but for what the storage holds at the end (bounded by
    # its volume at the dearest intensity of the year)
    produced = float(net.co2_t.sum())
    bound = 12000.0 * 0.5 if converted else 0.0
    assert abs(net.delivered_co2_t - produced) <= bound + 1e-9 * produced
    # the district's hours weigh the hourly factor as the network does
    assert np.all(net.factor_g_per_kwh >= 0.0)


def test_the_base_year_matches_the_published_figures(aalborg):
    """2014 against FACTS: a normal October's production ~500,000 GJ (139 GWh); Nordjyllandsværket
    ~60 % of the heat ("a little under two thirds"), Aalborg Portland ~20 %. Tolerances: October
    within 2 % (the calibration's target, with the district's own use of about 8 GWh in October
    taken as 7 GWh here), the shares within 3 percentage points of the published round figures."""
    model, units, weather = aalborg
    district = np.full(weather.n_hours, 11.0)
    net = model.dispatch(2014, _shares(units, 2014), district, _grid(weather, 300.0), hourly=True)
    fed = net.hourly["production_mw"].sum(axis=1)
    october = weather.index.month == 10
    assert fed[october].sum() / 1e3 == pytest.approx(139.0, rel=0.02)
    share = dict(zip(units[units["kind"] != "storage"]["unit"], net.production_mwh / net.production_mwh.sum()))
    assert share["njv3"] == pytest.approx(0.60, abs=0.03)
    assert share["portland"] == pytest.approx(0.20, abs=0.03)
    assert share["njv3"] < 2 / 3 < share["njv3"] + share["portland"] + share["reno_nord"]
    # coal CHP heat by the 200 % method: half the heat's worth of coal at 0.34 t/MWh = 170 g/kWh produced
    assert 120.0 < net.annual_factor_g_per_kwh < 170.0


def test_the_conversion_cuts_the_factor_and_raises_the_renewable_share(aalborg):
    model, units, weather = aalborg
    district = np.full(weather.n_hours, 10.0)
    before = model.dispatch(2030, _shares(units, 2030), district, _grid(weather, 40.0))
    after = model.dispatch(2030, _shares(units, 2030, converted=True), district, _grid(weather, 40.0))
    assert after.annual_factor_g_per_kwh < 0.4 * before.annual_factor_g_per_kwh
    assert after.renewable_share > before.renewable_share + 0.2
    assert after.surplus_share > before.surplus_share


def test_a_dispatch_is_reused_only_for_the_same_inputs(aalborg):
    model, units, weather = aalborg
    shares, g = _shares(units, 2020), _grid(weather, 100.0)
    a = model.dispatch(2020, shares, np.full(weather.n_hours, 10.0), g)
    assert model.dispatch(2020, shares, np.full(weather.n_hours, 10.0), g) is a
    b = model.dispatch(2020, shares, np.full(weather.n_hours, 12.0), g)
    assert b is not a and b.delivered_mwh == pytest.approx(a.delivered_mwh + 2.0 * weather.n_hours)


# -- the supply stage ------------------------------------------------------------------------


def test_supply_measures_commission_and_retire_units_within_their_years():
    resolved = load_scenario(AALBORG / "lighthouse.toml")
    model = resolved.model
    units = read_heat_units(model.supply.district_heating.network.units)
    years = service_years(units)
    for year, expected in ((2020, {"njv3": 1.0, "portland_extension": 0.0, "seawater_hp": 0.0}),
                           (2023, {"njv3": 1.0, "portland_extension": 0.6, "wastewater_hp": 1.0}),
                           (2029, {"njv3": 0.0, "seawater_hp": 1.0, "pit_storage": 1.0, "portland_extension": 1.0})):
        state = supply_year(model.supply, year, model.measures, years)
        for unit, share in expected.items():
            assert state.in_service[unit] == pytest.approx(share), (year, unit)


def test_a_planned_unit_is_not_commissioned_before_its_year():
    resolved = load_scenario(AALBORG / "lighthouse.toml")
    model = resolved.model
    years = service_years(read_heat_units(model.supply.district_heating.network.units))
    state = supply_year(model.supply, 2020, {}, years)
    state.commission_unit("seawater_hp", 1.0)  # in the table from 2026
    assert state.in_service["seawater_hp"] == 0.0
    with pytest.raises(ValueError, match="not a unit of the network"):
        state.retire_unit("nowhere", 1.0)


def test_factor_mode_keeps_the_trajectory():
    """The follower district has no network model: its factor is its trajectory's."""
    resolved = load_scenario(REPO / "scenarios" / "essen-follower" / "baseline.toml")
    supply = resolved.model.supply
    assert supply.district_heating.mode == "factor"
    state = supply_year(supply, 2020, {})
    assert state.units is None
    assert state.district_heat_factor == float(supply.district_heating.emission_factor.at([2020])[0])
    with pytest.raises(ValueError, match="no network model"):
        state.retire_unit("njv3", 1.0)


def test_units_in_service_by_status_and_years():
    frame = pd.DataFrame({"unit": ["a", "b", "c"], "status": ["existing", "existing", "planned"],
                          "commissioned": [2000, 2020, 2000], "retired": [2025, 2100, 2100]})
    years = service_years(frame)
    assert units_in_service(years, 2019) == {"a": 1.0, "b": 0.0, "c": 0.0}
    assert units_in_service(years, 2026) == {"a": 0.0, "b": 1.0, "c": 0.0}


@pytest.mark.parametrize("year", [2014, 2025, 2030])
def test_the_rule_is_near_the_least_cost_dispatch_on_aalborgs_systems(year):
    """The merit order and its storage rule against the optimum of the same year (PyPSA + HiGHS).

    Targets of the design: cost within 3 % of the optimum, CO2 within 5 %. Measured with the
    built-in price shape: 2014 0.00 %, 2025 0.7 %, 2030 2.4 % (cost); CO2 0.0, 0.0, 2.5 %.
    The optimum cannot cost more than the rule (the rule is a feasible point of the program);
    1e-7 allows for the solver's tolerance.
    """
    from smartcity.energy.heat_dispatch import heat_dispatch
    from smartcity.energy.heat_dispatch_lp import dispatch_cost, optimal_heat_dispatch
    from tests.energy.heat_systems import aalborg_year

    network, system, g = aalborg_year(year)
    args = (system["demand"], system["capacity"], system["cost"], system["must_run"], system["storage"])
    rule = heat_dispatch(*args, window_hours=168)
    best = optimal_heat_dispatch(*args, final_mwh=float(rule["level"][-1]))
    rule_cost, best_cost = dispatch_cost(rule, system["cost"]), dispatch_cost(best, system["cost"])
    assert best_cost <= rule_cost * (1 + 1e-7)
    assert rule_cost <= 1.03 * best_cost
    rule_co2 = network.evaluate(system, rule, g).delivered_co2_t
    best_co2 = network.evaluate(system, best, g).delivered_co2_t
    assert rule_co2 == pytest.approx(best_co2, rel=0.05)


def test_a_temperature_reduction_measure_lowers_the_network_temperatures():
    from smartcity.scenario.sections.measures import NetworkTemperatureReduction

    measure = NetworkTemperatureReduction.model_validate({
        "type": "network_temperature_reduction", "start_year": 2025, "lifetime_years": 30,
        "ramp": {"value": 50, "unit": "%/a"}, "reduction": {"value": 10, "unit": "K"},
        "investment": {"value": 10, "unit": "MDKK"}})
    model = load_scenario(AALBORG / "baseline.toml").model
    years = service_years(read_heat_units(model.supply.district_heating.network.units))
    assert supply_year(model.supply, 2024, {"cooler": measure}, years).temperature_reduction_k == 0.0
    assert supply_year(model.supply, 2025, {"cooler": measure}, years).temperature_reduction_k == pytest.approx(5.0)
    assert supply_year(model.supply, 2030, {"cooler": measure}, years).temperature_reduction_k == pytest.approx(10.0)


def test_the_uncertain_factors_scale_heat_pumps_and_surplus_heat(aalborg):
    model, units, weather = aalborg
    network = model.network
    weaker = network.model_copy(update={
        "heat_pump_efficiency_factor": network.heat_pump_efficiency_factor.model_copy(update={"value": 0.8}),
        "surplus_heat_availability_factor": network.surplus_heat_availability_factor.model_copy(update={"value": 0.5}),
    })
    other = HeatNetworkModel(weaker, units, weather, 0.2)
    _, base_el, _ = model._temperature_dependent(0.0)
    _, weak_el, _ = other._temperature_dependent(0.0)
    hp = (units[units["kind"] != "storage"]["kind"] == "heat_pump").to_numpy()
    np.testing.assert_allclose(weak_el[:, hp], base_el[:, hp] / 0.8, rtol=1e-12)  # COP scales with the efficiency
    surplus = (units[units["kind"] != "storage"]["kind"] == "surplus_heat").to_numpy()
    np.testing.assert_allclose(other._capacity[:, surplus], 0.5 * model._capacity[:, surplus], rtol=1e-12)


def test_retiring_and_commissioning_one_unit_does_not_depend_on_the_measures_order():
    model = load_scenario(AALBORG / "baseline.toml").model
    years = service_years(read_heat_units(model.supply.district_heating.network.units))
    first = supply_year(model.supply, 2030, {}, years)
    first.retire_unit("seawater_hp", 1.0)
    first.commission_unit("seawater_hp", 1.0)
    second = supply_year(model.supply, 2030, {}, years)
    second.commission_unit("seawater_hp", 1.0)
    second.retire_unit("seawater_hp", 1.0)
    assert first.in_service["seawater_hp"] == second.in_service["seawater_hp"] == 0.0
    half = supply_year(model.supply, 2030, {}, years)
    half.retire_unit("njv3", 0.5)
    half.retire_unit("njv3", 0.5)
    assert half.in_service["njv3"] == 0.25
