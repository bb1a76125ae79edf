"""Tests of progress against the plan on small worked examples: counted peak flows and
GEH per link, ridership ratios, planned savings of monitored buildings and the share of
the target reached."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from smartcity.errors import InputError
from smartcity.monitoring import progress as pg
from smartcity.monitoring.quality import DataQualityReport
from smartcity.monitoring.readers import MeterMap, Ridership, TrafficCounts


def small_run() -> xr.Dataset:
    """A hand-made run: two scenarios, two years, two links, one line, two building rows."""
    years = [2016, 2020]
    sc = ["baseline", "lighthouse"]
    flows = np.array([[[100.0, 400.0], [100.0, 400.0]], [[100.0, 400.0], [120.0, 380.0]]])  # (sc, year, link)
    boardings = np.array([[[1000.0], [1000.0]], [[1000.0], [1500.0]]])
    heat = np.array([[[10_000.0, 50_000.0]] * 2, [[10_000.0, 50_000.0], [6_000.0, 50_000.0]]])  # (sc, y, b)
    dhw = np.full((2, 2, 2), 1_000.0)
    resolved = ('[supply.district_heating]\nsubstation_efficiency = { value = 97, unit = "%" }\n'
                '[transport]\npeak_hour_share = { value = 0.1, unit = "1" }\n')
    return xr.Dataset(
        {
            "resolved_scenario": (("scenario",), [resolved, resolved]),
            "link_peak_flow": (("scenario", "year", "link"), flows, {"units": "veh/h"}),
            "link_from_node": (("scenario", "link"), [[1, 2], [1, 2]]),
            "link_to_node": (("scenario", "link"), [[2, 1], [2, 1]]),
            "line_boardings": (("scenario", "year", "line"), boardings, {"units": "1/d"}),
            "space_heating_need": (("scenario", "year", "building"), heat * 2, {"units": "kWh/a"}),
            "hot_water_need": (("scenario", "year", "building"), dhw * 2, {"units": "kWh/a"}),
            "building_count": (("scenario", "building"), [[2, 5], [2, 5]]),
            "district_heating_emission_factor": (("scenario", "year"), [[100.0, 80.0], [100.0, 80.0]]),
            "grid_carbon_intensity": (("scenario", "year", "hour"), np.full((2, 2, 3), 200.0)),
            "co2_reduction_by_measure": (("scenario", "year", "measure"), [[[0.0], [0.0]], [[0.0], [50.0]]]),
        },
        coords={"scenario": sc, "year": years, "link": ["1-2", "2-1"], "line": ["L1"], "building": ["a", "b"],
                "measure": ["reno"], "hour": [0, 1, 2], "carrier": ["district_heat"]},
    )


def small_plan(**kwargs) -> pg.Plan:
    values = dict(results=small_run(), scenario="lighthouse", baseline="baseline", measure_start_years={"reno": 2017},
                  substation_efficiency=1.0, peak_hour_share=0.1)
    values.update(kwargs)
    return pg.Plan(**values)


def counts_table(rows) -> TrafficCounts:
    frame = pd.DataFrame(rows, columns=["from_node", "to_node", "vehicle_class", "start", "end", "vehicles"])
    frame["start"] = pd.to_datetime(frame["start"])
    frame["end"] = pd.to_datetime(frame["end"])
    frame["hours"] = (frame["end"] - frame["start"]) / pd.Timedelta(hours=1)
    frame["flow_veh_h"] = frame["vehicles"] / frame["hours"]
    frame["row"] = np.arange(len(frame)) + 2
    return TrafficCounts(frame, frame.iloc[:0], DataQualityReport("counts"))


def test_geh_per_link_worked_example():
    # Link 1->2, 2020: two days of hourly counts; the busiest hours are 130 and 110, mean 120,
    # modelled 120 -> GEH 0. Link 2->1, 2020: a whole-day count of 3,000 veh x peak share
    # 0.1 = 300 veh/h against 380 modelled: GEH = sqrt(2 * 80**2 / 680) = 4.338.
    counts = counts_table([
        (1, 2, "car", "2020-09-07 07:00", "2020-09-07 08:00", 130.0),
        (1, 2, "car", "2020-09-07 16:00", "2020-09-07 17:00", 90.0),
        (1, 2, "car", "2020-09-08 07:00", "2020-09-08 08:00", 110.0),
        (2, 1, "all", "2020-09-07 00:00", "2020-09-08 00:00", 3000.0),
    ])
    links = pg.link_comparison(counts, small_plan()).set_index(["from_node", "to_node"])
    assert links.loc[(1, 2), "counted_flow_veh_h"] == pytest.approx(120.0)
    assert links.loc[(1, 2), "geh"] == pytest.approx(0.0)
    assert links.loc[(2, 1), "counted_flow_veh_h"] == pytest.approx(300.0)
    assert links.loc[(2, 1), "geh"] == pytest.approx(np.sqrt(2 * 80.0**2 / 680.0))
    assert links.loc[(2, 1), "vehicle_class"] == "all"
    summary = pg.geh_summary(links.reset_index())
    assert summary.loc[0, "share_geh_below_5"] == 1.0 and bool(summary.loc[0, "meets_85_percent"])


def test_car_counts_are_preferred_and_nearest_model_year_used():
    counts = counts_table([
        (1, 2, "all", "2019-09-07 07:00", "2019-09-07 08:00", 500.0),
        (1, 2, "car", "2019-09-07 07:00", "2019-09-07 08:00", 100.0),
    ])
    links = pg.link_comparison(counts, small_plan())
    assert len(links) == 1 and links.loc[0, "vehicle_class"] == "car"
    assert links.loc[0, "model_year"] == 2020 and links.loc[0, "modelled_flow_veh_h"] == 120.0


def test_unknown_counted_link_is_an_input_error():
    counts = counts_table([(1, 3, "car", "2020-09-07 07:00", "2020-09-07 08:00", 100.0)])
    with pytest.raises(InputError, match="not in the run's network"):
        pg.link_comparison(counts, small_plan())


def test_ridership_ratio_worked_example():
    # 2020: 55,800 boardings in 31 days = 1,800 per day against 1,500 modelled: ratio 1.2,
    # difference 300; 2016: 31,000 in 31 days = 1,000 per day against 1,000.
    data = pd.DataFrame({"line": ["L1", "L1"], "day_type": ["all", "all"],
                         "start": pd.to_datetime(["2016-03-01", "2020-03-01"]),
                         "end": pd.to_datetime(["2016-04-01", "2020-04-01"]), "days": [31.0, 31.0],
                         "boardings": [31_000.0, 46_500.0 * 1.2], "row": [2, 3]})
    data["boardings_per_day"] = data["boardings"] / data["days"]
    table = pg.ridership_comparison(Ridership(data, data.iloc[:0], DataQualityReport()), small_plan())
    row = table.set_index("year").loc[2020]
    assert row["counted_boardings_per_day"] == pytest.approx(1800.0)
    assert row["ratio"] == pytest.approx(1.2)
    assert row["difference"] == pytest.approx(300.0)


def test_planned_savings_and_share_of_target():
    # Building a: (10,000 + 1,000) x 2 / 2 = 11,000 kWh per building without the project and
    # (6,000 + 1,000) x 2 / 2 = 7,000 with it in 2020: planned saving 4,000 kWh per meter.
    mapping = pd.DataFrame({"meter_id": ["M1", "M2", "M3"], "building_id": ["a", "a", "b"], "group": "",
                            "measure_group": ["reno", "reno", "control"], "share": [1.0, 0.5, 1.0],
                            "row": [2, 3, 4]})
    meter_map = MeterMap(mapping, DataQualityReport())
    carriers = {"M1": "district_heat", "M2": "district_heat", "M3": "district_heat"}
    plan = small_plan()
    planned = pg.planned_savings(plan, meter_map, carriers, [2020])
    by_meter = planned.set_index("meter_id")["planned_savings_kWh"]
    assert by_meter["M1"] == pytest.approx(4000.0)
    assert by_meter["M2"] == pytest.approx(2000.0)
    assert by_meter["M3"] == pytest.approx(0.0)
    meters = pd.DataFrame({"meter_id": ["M1", "M2", "M3"], "year": 2020, "used_in_totals": [True, False, True]})
    groups = pd.DataFrame({"measure_group": ["reno", "control", "(all)"], "carrier": "district_heat", "year": 2020,
                           "normalised_savings_kWh": [3000.0, 0.0, 3000.0],
                           "normalised_uncertainty_kWh": [300.0, 100.0, 316.0],
                           "avoided_energy_kWh": [2800.0, 10.0, 2810.0],
                           "avoided_uncertainty_kWh": [400.0, 90.0, 410.0]})
    table = pg.energy_progress(plan, meters, groups, planned)
    heat = table[table["kpi"] == "heat_savings_normalised"].set_index("item")
    # M2 is left out of the measured total, so the planned figure leaves it out too
    assert heat.loc["reno", "planned"] == pytest.approx(4.0)  # MWh/a
    assert heat.loc["reno", "share_of_target"] == pytest.approx(0.75)
    co2 = table[table["kpi"] == "co2_savings_normalised"].set_index("item")
    assert co2.loc["reno", "measured"] == pytest.approx(3000.0 * 80.0 / 1e6)  # t/a at 80 g/kWh in 2020
    estimated = table[table["kpi"] == "co2_reduction_by_measure"].set_index("item")
    assert estimated.loc["reno", "basis"] == "estimated"
    assert estimated.loc["reno", "measured"] == pytest.approx(0.75 * 50.0)


def test_plan_from_results_reads_the_resolved_scenario():
    ds = small_run()
    plan = pg.plan_from_results(ds)
    assert plan.scenario == "lighthouse" and plan.baseline == "baseline"
    assert plan.substation_efficiency == pytest.approx(0.97) and plan.peak_hour_share == pytest.approx(0.10)
    with pytest.raises(Exception, match="no scenario 'other'"):
        pg.plan_from_results(ds, "other")
    # without a [transport] table there is no peak hour; without the resolved scenario no plan
    without = '[supply.district_heating]\nsubstation_efficiency = 0.9\n'
    no_transport = ds.assign(resolved_scenario=("scenario", [without, without]))
    plan = pg.plan_from_results(no_transport)
    assert plan.substation_efficiency == 0.9 and np.isnan(plan.peak_hour_share)
    with pytest.raises(Exception, match="hold no resolved scenario"):
        pg.plan_from_results(ds.drop_vars("resolved_scenario"))


def test_a_map_without_building_rows_gives_no_planned_savings_and_no_crash():
    # a map of groups only (allowed), or one whose only building-mapped meter has no readings
    mapping = pd.DataFrame({"meter_id": ["M1", "M2"], "building_id": ["", "a"], "group": ["estate-3", ""],
                            "measure_group": ["reno", "reno"], "share": [1.0, 1.0], "row": [2, 3]})
    meter_map = MeterMap(mapping, DataQualityReport())
    plan = small_plan()
    planned = pg.planned_savings(plan, meter_map, {"M1": "district_heat"}, [2020])  # M2 was excluded
    assert planned.empty and planned["planned_savings_kWh"].dtype == np.float64
    meters = pd.DataFrame({"meter_id": ["M1"], "year": 2020, "used_in_totals": [True]})
    groups = pd.DataFrame({"measure_group": ["reno", "(all)"], "carrier": "district_heat", "year": 2020,
                           "normalised_savings_kWh": [3000.0, 3000.0], "normalised_uncertainty_kWh": [300.0, 300.0],
                           "avoided_energy_kWh": [2800.0, 2800.0], "avoided_uncertainty_kWh": [400.0, 400.0]})
    table = pg.energy_progress(plan, meters, groups, planned)
    heat = table[table["kpi"] == "heat_savings_normalised"].set_index("item")
    assert heat.loc["reno", "measured"] == pytest.approx(3.0) and np.isnan(heat.loc["reno", "planned"])
    assert np.isnan(heat.loc["reno", "share_of_target"])
