"""Baseline periods by CalTRACK's rule (the last twelve months with enough data before the
measure date) and meters without one: flagged and left out, not the end of the run."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from smartcity.errors import InputError
from smartcity.monitoring import demo
from smartcity.monitoring import savings as sv
from smartcity.monitoring.quality import DataQualityReport
from smartcity.monitoring.readers import MeterMap
from tests.monitoring.test_savings import readings_from_days, reference_daily

BASE = demo.Signature(intercept=40.0, heating_slope=12.0, balance_point=15.0)
AFTER = demo.Signature(intercept=38.0, heating_slope=7.0, balance_point=13.5)


def meters(spans: dict, years=(2015, 2016, 2017, 2018), seed: int = 4):
    """Daily readings of meters ``{meter: (first day, last day, [(gap start, gap end), ...])}``
    with a measure in 2017 (no day missing at random), and their temperature."""
    rng = np.random.default_rng(seed)
    temperature = demo.synthetic_temperature(list(years), rng, reference=reference_daily())
    signatures = {y: (BASE if y < 2017 else AFTER) for y in years}
    use = {}
    for meter, (first, last, gaps) in spans.items():
        values, _ = demo.synthetic_daily_use(rng, signatures, temperature, cv=0.08, missing_share=0.0,
                                             outage_probability=0.0)
        days = temperature.index
        values[(days < pd.Timestamp(first)) | (days > pd.Timestamp(last))] = np.nan
        for a, b in gaps:
            values[(days >= pd.Timestamp(a)) & (days <= pd.Timestamp(b))] = np.nan
        use[meter] = values
    return readings_from_days(use, temperature.index), temperature


def group_map(ids, group="reno") -> MeterMap:
    frame = pd.DataFrame({"meter_id": ids, "building_id": "", "group": [f"g-{m}" for m in ids],
                          "measure_group": group, "share": 1.0, "row": np.arange(len(ids)) + 2})
    return MeterMap(frame, DataQualityReport("map"))


def test_baseline_is_the_last_twelve_months_with_enough_data_before_the_measure():
    readings, _ = meters({
        "FEB": ("2016-02-01", "2018-12-31", []),  # 31 days of 2016 missing: still enough
        "MAR": ("2016-03-01", "2018-12-31", []),  # 60 days missing: no baseline
        "OUTAGE": ("2015-01-01", "2018-12-31", [("2016-10-15", "2016-12-31")]),  # 2016 misses 78 days
    })
    periods = sv.meter_periods(readings, group_map(["FEB", "MAR", "OUTAGE"]), measure_start_years={"reno": 2017})
    feb = periods.loc["FEB"]
    assert (feb["baseline_start"], feb["baseline_end"]) == (pd.Timestamp("2016-01-01"), pd.Timestamp("2017-01-01"))
    assert (feb["reporting_start"], feb["reporting_end"]) == (pd.Timestamp("2018-01-01"), pd.Timestamp("2019-01-01"))
    assert feb["problem"] == "" and feb["measure_start"] == pd.Timestamp("2017-01-01")
    # the latest month start E with at most 37 of [E - 12 months, E) missing: 1 November 2016
    # misses 17 days of October, 1 December 2016 misses 47
    outage = periods.loc["OUTAGE"]
    assert outage["baseline_start"] == pd.Timestamp("2015-11-01")
    assert outage["baseline_end"] == pd.Timestamp("2016-11-01")
    assert outage["reporting_start"] == pd.Timestamp("2018-01-01")  # not before the measure date
    mar = periods.loc["MAR"]
    assert pd.isna(mar["baseline_start"]) and pd.isna(mar["reporting_start"])
    assert "no twelve months with enough readings before its measure date 2017-01-01" in mar["problem"]


def test_a_meter_without_a_measure_takes_its_first_calendar_year_with_enough_data():
    readings, _ = meters({"CTRL": ("2016-02-01", "2018-12-31", [])})
    periods = sv.meter_periods(readings)  # no map: no measure date
    ctrl = periods.loc["CTRL"]
    assert (ctrl["baseline_start"], ctrl["baseline_end"]) == (pd.Timestamp("2016-01-01"), pd.Timestamp("2017-01-01"))
    assert ctrl["reporting_start"] == pd.Timestamp("2018-01-01") and pd.isna(ctrl["measure_start"])


def test_a_meter_without_a_baseline_is_flagged_and_the_others_are_reported():
    readings, temperature = meters({
        "OK": ("2016-01-01", "2018-12-31", []),
        "LATE": ("2016-04-01", "2018-12-31", []),
    })
    periods = sv.meter_periods(readings, group_map(["OK", "LATE"]), measure_start_years={"reno": 2017})
    result, by_year = sv.savings_all_years(readings, temperature, periods, typical=reference_daily())
    table = result.table.set_index("meter_id")
    assert table.loc["OK", "used_in_totals"] and table.loc["OK", "model"] == "heating"
    late = table.loc["LATE"]
    assert not late["used_in_totals"] and late["model"] == "" and "no twelve months" in late["flags"]
    assert [i.subject for i in result.report.by_check("meter_flagged")] == ["LATE"]
    assert set(by_year["meter_id"]) == {"OK"} and sorted(by_year["year"]) == [2017, 2018]
    total = sv.group_savings(result).set_index("measure_group").loc["(all)"]
    assert total["meters_used"] == 1 and total["meters_left_out"] == 1


def test_no_meter_with_periods_is_an_input_error():
    readings, _ = meters({"LATE": ("2016-04-01", "2018-12-31", []), "LATER": ("2016-06-01", "2018-12-31", [])})
    with pytest.raises(InputError, match="no meter has a baseline and a reporting period.*'LATE'"):
        sv.meter_periods(readings, group_map(["LATE", "LATER"]), measure_start_years={"reno": 2017})


def test_given_periods_still_apply_to_every_meter():
    readings, _ = meters({"A": ("2016-01-01", "2018-12-31", []), "B": ("2016-04-01", "2018-12-31", [])})
    periods = sv.meter_periods(readings, baseline=("2016-01-01", "2017-01-01"), reporting=("2018-01-01", "2019-01-01"))
    assert (periods["problem"] == "").all()
    assert (periods["baseline_start"] == pd.Timestamp("2016-01-01")).all()
    with pytest.raises(InputError, match="reporting period starts before the baseline ends"):
        sv.meter_periods(readings, baseline=("2017-01-01", "2018-01-01"), reporting=("2016-01-01", "2017-01-01"))
