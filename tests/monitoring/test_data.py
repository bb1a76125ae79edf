"""Measured-data readers: schemas, unit conversion, data-quality report, aggregation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smartcity import weather
from smartcity.energy.supply import CARRIERS
from smartcity.errors import InputError
from smartcity.monitoring.aggregation import billing_periods, daily_use
from smartcity.monitoring.quality import DataQualityReport
from smartcity.monitoring.readers import (
    ENERGY_UNIT_TO_KWH,
    daily_mean_temperature,
    read_measured_weather,
    read_meter_map,
    read_meter_readings,
    read_ridership,
    read_traffic_counts,
)
from smartcity.schema.tables import load_schema, schema_markdown
from smartcity.schema.units import UNITS

REPO = Path(__file__).resolve().parents[2]
TRANSPORT = REPO / "scenarios" / "aalborg-east" / "transport"
HEADER = "meter_id,carrier,start,end,value,unit\n"


def write(tmp_path: Path, text: str, name: str = "readings.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def readings_file(tmp_path: Path, rows: list[str], name: str = "readings.csv") -> Path:
    return write(tmp_path, HEADER + "\n".join(rows) + "\n", name)


def hourly_rows(meter: str, day: str, values, carrier: str = "electricity", unit: str = "kWh") -> list[str]:
    t0 = pd.Timestamp(day)
    return [f"{meter},{carrier},{t0 + pd.Timedelta(hours=h):%Y-%m-%dT%H:%M},"
            f"{t0 + pd.Timedelta(hours=h + 1):%Y-%m-%dT%H:%M},{v},{unit}" for h, v in enumerate(values)]


def checks(report: DataQualityReport) -> dict[str, list]:
    found: dict[str, list] = {}
    for issue in report:
        found.setdefault(issue.check, []).append(issue)
    return found


# --------------------------------------------------------------------------------------
# Schemas
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["meter_readings", "meter_map", "traffic_counts", "ridership", "measured_weather"])
def test_schemas_load_and_document_every_column(name):
    schema = load_schema(name)
    text = schema_markdown(schema)
    for column in schema.column:
        assert f"`{column.name}`" in text


def test_meter_schema_uses_the_package_carriers_and_energy_units():
    columns = load_schema("meter_readings").columns
    assert tuple(columns["carrier"].allowed) == CARRIERS
    assert set(columns["unit"].allowed) <= set(UNITS["energy"])


def test_link_and_line_ids_match_the_zone_system_schemas():
    counts, links = load_schema("traffic_counts").columns, load_schema("links").columns
    assert counts["from_node"].dtype == links["from_node"].dtype == "int"
    assert counts["to_node"].dtype == links["to_node"].dtype == "int"
    assert load_schema("ridership").columns["line"].dtype == load_schema("lines").columns["line"].dtype


# --------------------------------------------------------------------------------------
# Good meter files
# --------------------------------------------------------------------------------------

def test_hourly_readings_sum_to_daily_use(tmp_path):
    values = np.arange(48, dtype=float)
    rows = hourly_rows("EL-1", "2021-01-04", values)
    r = read_meter_readings(readings_file(tmp_path, rows))
    assert len(r.data) == 48 and r.excluded.empty and len(r.report) == 0
    assert list(r.data.columns) == ["meter_id", "carrier", "start", "end", "hours", "energy_kWh", "value",
                                    "unit", "row", "suspect", "corrected"]
    assert (r.data["hours"] == 1.0).all()
    assert r.data["row"].tolist() == list(range(2, 50))  # CSV lines, header = line 1
    meter_ids, dates, use = daily_use(r)
    assert meter_ids == ("EL-1",)
    assert list(dates) == [pd.Timestamp("2021-01-04"), pd.Timestamp("2021-01-05")]
    np.testing.assert_allclose(use, [[values[:24].sum(), values[24:].sum()]])


def test_daily_readings(tmp_path):
    rows = [f"DH-1,district_heat,2021-01-{d:02d},2021-01-{d + 1:02d},{d}.5,MWh" for d in range(1, 11)]
    r = read_meter_readings(readings_file(tmp_path, rows))
    result = daily_use(r)
    assert result.energy_kWh.shape == (1, 10)
    np.testing.assert_allclose(result.energy_kWh[0], [(d + 0.5) * 1000 for d in range(1, 11)])
    assert (result.covered_hours == 24).all()
    assert len(result.report) == 0
    wide = result.to_frame()
    assert wide.loc["2021-01-03", "DH-1"] == pytest.approx(3500.0)


def test_monthly_bills_with_irregular_spans(tmp_path):
    rows = [
        "DH-2,district_heat,2021-01-04,2021-02-02,12.0,MWh",     # 29 days
        "DH-2,district_heat,2021-02-02,2021-03-05,10.5,MWh",     # 31 days
        "DH-2,district_heat,2021-03-05,2021-04-01T08:00,30,GJ",  # read at 08:00: rounds to 1 April
    ]
    r = read_meter_readings(readings_file(tmp_path, rows))
    assert len(r.report) == 1 and r.report.issues[0].check == "unit_change"
    bills = billing_periods(r)
    assert bills.dates[0] == pd.Timestamp("2021-01-04")
    p = bills.periods
    assert p["start_day"].tolist() == [0, 29, 60]
    assert p["end_day"].tolist() == [29, 60, 87]
    np.testing.assert_allclose(p["days"], [29, 31, 27 + 8 / 24])
    np.testing.assert_allclose(p["energy_kWh"], [12000, 10500, 30 * 1e9 / 3.6e6])
    start_day, end_day, energy = bills.for_meter("DH-2")
    assert end_day[-1] <= len(bills.dates)
    # Bills are not split into days: daily_use leaves them to billing_periods.
    daily = daily_use(r)
    assert daily.meter_ids == ()
    assert [i.check for i in daily.report] == ["not_daily"]


@pytest.mark.parametrize("unit, factor", [("kWh", 1.0), ("Wh", 1e-3), ("MWh", 1e3), ("GWh", 1e6),
                                          ("MJ", 1e6 / 3.6e6), ("GJ", 1e9 / 3.6e6)])
def test_unit_conversion_to_kwh(tmp_path, unit, factor):
    r = read_meter_readings(readings_file(tmp_path, [f"M,electricity,2021-01-01,2021-01-02,2.5,{unit}"]))
    assert r.data["energy_kWh"].iloc[0] == pytest.approx(2.5 * factor, rel=1e-12)
    assert ENERGY_UNIT_TO_KWH[unit] == pytest.approx(factor, rel=1e-12)


def test_gj_is_exactly_277_78_kwh():
    assert ENERGY_UNIT_TO_KWH["GJ"] == pytest.approx(277.7777777777778, rel=1e-15)


def test_utc_offsets_are_converted_to_local_standard_time(tmp_path):
    rows = ["M,electricity,2021-07-01T00:00+02:00,2021-07-01T01:00+02:00,1,kWh",
            "M,electricity,2021-07-01T00:00Z,2021-07-01T01:00Z,1,kWh"]
    r = read_meter_readings(readings_file(tmp_path, rows))
    assert r.data["start"].tolist() == [pd.Timestamp("2021-06-30T23:00"), pd.Timestamp("2021-07-01T01:00")]
    assert r.data["start"].dt.tz is None


def test_whole_days_of_a_clock_with_an_offset_stay_calendar_days(tmp_path):
    # a daily export in Danish local time: summer days run from 00:00+02:00, and the days of
    # the change to and from summer time are 23 and 25 hours long; all are calendar days
    rows = ["M,district_heat,2021-07-01T00:00+02:00,2021-07-02T00:00+02:00,10,kWh",
            "M,district_heat,2021-07-02T00:00+02:00,2021-07-03T00:00+02:00,11,kWh",
            "M,district_heat,2021-03-28T00:00+01:00,2021-03-29T00:00+02:00,12,kWh",
            "M,district_heat,2021-10-31T00:00+02:00,2021-11-01T00:00+01:00,13,kWh",
            "M,district_heat,2021-08-01T00:00+02:00,2021-09-01T00:00+02:00,300,kWh"]
    r = read_meter_readings(readings_file(tmp_path, rows))
    assert not r.report.errors and not r.report.by_check("overlap")
    assert r.data["start"].tolist() == [pd.Timestamp(d) for d in ("2021-03-28", "2021-07-01", "2021-07-02",
                                                                  "2021-08-01", "2021-10-31")]
    assert r.data["hours"].tolist() == [24.0, 24.0, 24.0, 31 * 24.0, 24.0]
    days = daily_use(r)
    assert [i.rows for i in days.report.by_check("not_daily")] == [(6,)]  # only the monthly bill
    day = days.to_frame()["M"]
    assert day["2021-07-01"] == 10 and day["2021-03-28"] == 12 and day["2021-10-31"] == 13
    # an hourly reading with an offset is still converted to standard time
    hourly = read_meter_readings(readings_file(tmp_path, ["M,electricity,2021-07-01T00:00+02:00,"
                                                          "2021-07-01T01:00+02:00,1,kWh"], "hourly.csv"))
    assert hourly.data["start"].iloc[0] == pd.Timestamp("2021-06-30T23:00")


def test_daily_weather_with_offsets_is_read_as_daily_means(tmp_path):
    path = write(tmp_path, "time,temperature_C\n2021-07-01T00:00+02:00,17.5\n2021-07-02T00:00+02:00,18.0\n"
                           "2021-07-03T00:00+02:00,16.0\n", "weather.csv")
    weather = read_measured_weather(path)
    assert weather.daily.index.tolist() == [pd.Timestamp(d) for d in ("2021-07-01", "2021-07-02", "2021-07-03")]
    assert weather.daily.tolist() == [17.5, 18.0, 16.0] and weather.hours is None and not len(weather.report)


def test_ridership_of_weekdays_with_offsets_counts_whole_days(tmp_path):
    path = write(tmp_path, "line,day_type,date,start,end,boardings\n"
                           "2,weekday,,2021-06-01T00:00+02:00,2021-07-01T00:00+02:00,22000\n", "ridership.csv")
    rides = read_ridership(path)
    assert rides.data["days"].iloc[0] == 22 and rides.data["boardings_per_day"].iloc[0] == pytest.approx(1000.0)


def test_dates_and_date_times_may_be_mixed(tmp_path):
    rows = ["M,electricity,2021-01-01,2021-01-01T12:00,1,kWh", "M,electricity,2021-01-01 12:00,2021-01-02,1,kWh"]
    r = read_meter_readings(readings_file(tmp_path, rows))
    assert r.data["hours"].tolist() == [12.0, 12.0]
    np.testing.assert_allclose(daily_use(r).energy_kWh, [[2.0]])


def test_parquet_rows_are_numbered_from_one(tmp_path):
    pytest.importorskip("pyarrow")
    frame = pd.DataFrame({"meter_id": ["M", "M"], "carrier": ["electricity"] * 2,
                          "start": ["2021-01-01", "2021-01-03"], "end": ["2021-01-02", "2021-01-04"],
                          "value": [1.0, 2.0], "unit": ["kWh", "kWh"]})
    path = tmp_path / "readings.parquet"
    frame.to_parquet(path)
    r = read_meter_readings(path)
    assert r.data["row"].tolist() == [1, 2]
    assert r.report.row_label == "row"
    assert r.report.by_check("gap")[0].rows == (1, 2)


# --------------------------------------------------------------------------------------
# Bad data: each case is reported
# --------------------------------------------------------------------------------------

def test_gap_is_reported_and_left_missing(tmp_path):
    rows = ["M,electricity,2021-01-01,2021-01-02,5,kWh", "M,electricity,2021-01-04,2021-01-05,5,kWh"]
    r = read_meter_readings(readings_file(tmp_path, rows))
    (gap,) = r.report.by_check("gap")
    assert gap.severity == "warning" and gap.subject == "M" and gap.rows == (2, 3)
    assert "2021-01-02 to 2021-01-04" in gap.problem and "2 days" in gap.problem
    assert len(r.data) == 2
    assert np.isnan(daily_use(r).energy_kWh[0, 1:3]).all()


def test_inclusive_end_dates_get_a_hint(tmp_path):
    rows = ["M,district_heat,2021-01-01,2021-01-31,5,MWh", "M,district_heat,2021-02-01,2021-02-28,5,MWh"]
    r = read_meter_readings(readings_file(tmp_path, rows))
    (gap,) = r.report.by_check("gap")
    assert "inclusive" in gap.problem


def test_identical_duplicate_is_kept_once(tmp_path):
    rows = ["M,electricity,2021-01-01,2021-01-02,5,kWh", "M,electricity,2021-01-01,2021-01-02,0.005,MWh"]
    r = read_meter_readings(readings_file(tmp_path, rows))
    (dup,) = r.report.by_check("duplicate_identical")
    assert dup.severity == "warning" and dup.rows == (2, 3) and "kept once" in dup.action
    assert r.data["row"].tolist() == [2]
    assert r.excluded["row"].tolist() == [3]
    assert r.excluded["reason"].tolist() == ["identical duplicate"]


def test_conflicting_duplicate_is_left_out(tmp_path):
    rows = ["M,electricity,2021-01-01,2021-01-02,5,kWh", "M,electricity,2021-01-01,2021-01-02,7,kWh",
            "M,electricity,2021-01-02,2021-01-03,6,kWh"]
    r = read_meter_readings(readings_file(tmp_path, rows))
    (dup,) = r.report.by_check("duplicate_conflicting")
    assert dup.severity == "error" and dup.rows == (2, 3) and "5, 7 kWh" in dup.problem
    assert r.data["row"].tolist() == [4]
    assert sorted(r.excluded["row"]) == [2, 3]


def test_overlap_excludes_the_meter(tmp_path):
    rows = ["A,district_heat,2021-01-01,2021-02-03,10,MWh", "A,district_heat,2021-02-01,2021-03-01,9,MWh",
            "A,district_heat,2021-03-01,2021-04-01,8,MWh", "B,district_heat,2021-01-01,2021-02-01,10,MWh"]
    r = read_meter_readings(readings_file(tmp_path, rows))
    (overlap,) = r.report.by_check("overlap")
    assert overlap.severity == "error" and overlap.subject == "A" and overlap.rows == (2, 3)
    assert "meter excluded" in overlap.action
    (excluded,) = r.report.by_check("meter_excluded")
    assert excluded.rows == (2, 3, 4)
    assert r.meter_ids == ("B",)
    assert set(r.excluded["row"]) == {2, 3, 4}


def test_negative_reading_is_left_out(tmp_path):
    rows = ["M,electricity,2021-01-01,2021-01-02,5,kWh", "M,electricity,2021-01-02,2021-01-03,-5,kWh",
            "M,electricity,2021-01-03,2021-01-04,5,kWh"]
    r = read_meter_readings(readings_file(tmp_path, rows))
    (neg,) = r.report.by_check("negative")
    assert neg.severity == "error" and neg.rows == (3,) and "-5 kWh" in neg.problem
    assert r.data["row"].tolist() == [2, 4]
    assert len(r.report.by_check("gap")) == 1  # the left-out period is now missing
    assert np.isnan(daily_use(r).energy_kWh[0, 1])


@pytest.mark.parametrize("end", ["2021-01-01", "2020-12-31"])
def test_end_not_after_start_is_left_out(tmp_path, end):
    rows = ["M,electricity,2021-01-02,2021-01-03,5,kWh", f"M,electricity,2021-01-01,{end},5,kWh"]
    r = read_meter_readings(readings_file(tmp_path, rows))
    (bad,) = r.report.by_check("end_not_after_start")
    assert bad.severity == "error" and bad.rows == (3,)
    assert r.excluded["reason"].tolist() == ["end not after start"]


def test_unit_mix_up_at_a_unit_change(tmp_path):
    # The meter switched its label to MWh but the values stayed in kWh.
    rows = [f"M,district_heat,2021-{m:02d}-01,2021-{m + 1:02d}-01,{v},kWh" for m, v in [(1, 14000), (2, 12500)]]
    rows.append("M,district_heat,2021-03-01,2021-04-01,11000,MWh")
    r = read_meter_readings(readings_file(tmp_path, rows))
    (mix,) = r.report.by_check("unit_mix_up")
    assert mix.severity == "warning" and mix.rows == (3, 4) and "kWh" in mix.problem
    assert r.data["suspect"].tolist() == [False, False, True]
    assert not r.report.by_check("unit_change")


def test_consistent_unit_change_is_info(tmp_path):
    rows = ["M,district_heat,2021-01-01,2021-02-01,14000,kWh", "M,district_heat,2021-02-01,2021-03-01,12.5,MWh"]
    r = read_meter_readings(readings_file(tmp_path, rows))
    (change,) = r.report.by_check("unit_change")
    assert change.severity == "info" and "kWh to MWh" in change.problem
    assert not r.data["suspect"].any()


def test_spike_above_100_times_the_median(tmp_path):
    values = [10.0] * 9 + [10.0 * 1000]  # a reading in Wh mislabelled as kWh, or a meter fault
    rows = [f"M,electricity,2021-01-{d + 1:02d},2021-01-{d + 2:02d},{v},kWh" for d, v in enumerate(values)]
    r = read_meter_readings(readings_file(tmp_path, rows))
    (spike,) = r.report.by_check("spike")
    assert spike.severity == "warning" and spike.rows == (11,) and "1e+03 x" in spike.problem
    assert r.data["suspect"].tolist() == [False] * 9 + [True]
    assert len(r.data) == 10  # kept


def test_no_spike_below_the_factor(tmp_path):
    values = [10.0] * 9 + [900.0]
    rows = [f"M,electricity,2021-01-{d + 1:02d},2021-01-{d + 2:02d},{v},kWh" for d, v in enumerate(values)]
    assert not read_meter_readings(readings_file(tmp_path, rows)).report.by_check("spike")


def test_mixed_carriers_exclude_the_meter(tmp_path):
    rows = ["M,electricity,2021-01-01,2021-01-02,5,kWh", "M,natural_gas,2021-01-02,2021-01-03,5,kWh",
            "N,electricity,2021-01-01,2021-01-02,5,kWh"]
    r = read_meter_readings(readings_file(tmp_path, rows))
    (mixed,) = r.report.by_check("mixed_carriers")
    assert mixed.severity == "error" and mixed.rows == (2, 3)
    assert r.meter_ids == ("N",)


def test_rows_out_of_order_are_sorted(tmp_path):
    rows = ["M,electricity,2021-01-02,2021-01-03,6,kWh", "M,electricity,2021-01-01,2021-01-02,5,kWh"]
    r = read_meter_readings(readings_file(tmp_path, rows))
    (unsorted,) = r.report.by_check("unsorted")
    assert unsorted.severity == "info" and unsorted.rows == (3,)
    assert r.data["row"].tolist() == [3, 2]
    assert not r.report.by_check("gap") and not r.report.by_check("overlap")


def test_report_table_and_text(tmp_path):
    rows = ["M,electricity,2021-01-01,2021-01-02,5,kWh", "M,electricity,2021-01-04,2021-01-05,-1,kWh",
            "M,electricity,2021-01-05,2021-01-06,5,kWh"]
    report = read_meter_readings(readings_file(tmp_path, rows)).report
    frame = report.to_frame()
    assert list(frame.columns) == ["severity", "check", "subject", "rows", "problem", "action"]
    assert set(frame["check"]) == {"negative", "gap"}
    text = str(report)
    assert text.splitlines()[0].endswith("3 rows read; 1 error, 1 warning, 0 infos")
    assert "negative" in text.splitlines()[1]  # errors first
    assert "line 3" in text
    assert "more issues" in report.summary(max_issues=1)


# Every input row ends up either in data or in excluded, exactly once, and every excluded
# row is named by the report.
_meters = st.sampled_from(["A", "B", "C"])
_row = st.tuples(_meters, st.sampled_from(["electricity", "district_heat"]), st.integers(0, 20),
                 st.integers(-2, 6), st.sampled_from([5.0, -1.0, 0.0, 7.5, 5000.0]),
                 st.sampled_from(["kWh", "MWh", "GJ"]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(_row, min_size=1, max_size=25))
def test_no_row_is_dropped_silently(tmp_path, rows):
    day0 = pd.Timestamp("2021-01-01")
    lines = [f"{m},{c},{day0 + pd.Timedelta(days=s):%Y-%m-%d},{day0 + pd.Timedelta(days=s + n):%Y-%m-%d},{v},{u}"
             for m, c, s, n, v, u in rows]
    path = readings_file(tmp_path, lines, name="property.csv")
    try:
        r = read_meter_readings(path)
    except InputError as exc:
        assert "no usable meter reading" in str(exc)
        return
    all_lines = set(range(2, len(rows) + 2))
    used, dropped = r.data["row"].tolist(), r.excluded["row"].tolist()
    assert sorted(used + dropped) == sorted(all_lines)
    assert set(dropped) <= r.report.rows_named()
    assert (r.excluded["reason"] != "").all()
    # What is kept is consistent: positive periods, no negative energy, no overlaps.
    assert (r.data["hours"] > 0).all() and (r.data["energy_kWh"] >= 0).all()
    for _, meter in r.data.groupby("meter_id"):
        assert (meter["start"].to_numpy()[1:] >= meter["end"].to_numpy()[:-1]).all()
        assert meter["carrier"].nunique() == 1


# --------------------------------------------------------------------------------------
# Unusable input: InputError naming file, row, column and value
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize("row, column, value", [
    ("M,electricity,2021-01-01,01/02/2021,1,kWh", "end", "01/02/2021"),
    ("M,electricity,2021-13-01,2021-01-02,1,kWh", "start", "2021-13-01"),
    ("M,electricity,,2021-01-02,1,kWh", "start", ""),
    ("M,electricity,2021-01-01,2021-01-02,1,kwh", "unit", "kwh"),
    ("M,electricity,2021-01-01,2021-01-02,1,m3", "unit", "m3"),
    ("M,gas,2021-01-01,2021-01-02,1,kWh", "carrier", "gas"),
    ("M,electricity,2021-01-01,2021-01-02,n/a,kWh", "value", "n/a"),
    (",electricity,2021-01-01,2021-01-02,1,kWh", "meter_id", ""),
    ("M,electricity,2021-01-01T00:00+01:00,2021-01-02T00:00,1,kWh", "end", "2021-01-02T00:00"),
])
def test_bad_cell_names_file_line_column_value(tmp_path, row, column, value):
    path = readings_file(tmp_path, ["M,electricity,2021-01-01,2021-01-02,1,kWh", row])
    with pytest.raises(InputError) as info:
        read_meter_readings(path)
    error = info.value
    assert error.file == str(path) and error.row == 3 and error.line and error.column == column
    assert str(error.value) == value
    assert "readings.csv, line 3, column" in str(error)


@pytest.mark.parametrize("text, problem", [("", "table is empty"), (HEADER, "no data rows"),
                                           ("meter_id,start,end,value,unit\n", "required column is missing")])
def test_empty_or_incomplete_file(tmp_path, text, problem):
    with pytest.raises(InputError, match=problem):
        read_meter_readings(write(tmp_path, text))


def test_no_usable_reading_is_an_error(tmp_path):
    path = readings_file(tmp_path, ["M,electricity,2021-01-02,2021-01-01,1,kWh"])
    with pytest.raises(InputError, match="no usable meter reading.*end_not_after_start"):
        read_meter_readings(path)


# --------------------------------------------------------------------------------------
# Aggregation
# --------------------------------------------------------------------------------------

def test_partial_day_is_nan_and_reported(tmp_path):
    rows = hourly_rows("M", "2021-01-04", [1.0] * 24) + hourly_rows("M", "2021-01-05", [1.0] * 20)
    r = read_meter_readings(readings_file(tmp_path, rows))
    result = daily_use(r)
    assert result.energy_kWh[0, 0] == 24.0 and np.isnan(result.energy_kWh[0, 1])
    assert result.covered_hours[0].tolist() == [24.0, 20.0]
    (partial,) = result.report.by_check("partial_day")
    assert partial.severity == "warning" and "20 of 24 h" in partial.problem
    assert partial.rows == tuple(range(26, 46))


def test_daily_use_window_and_unpacking(tmp_path):
    rows = [f"M,electricity,2021-01-{d:02d},2021-01-{d + 1:02d},{d},kWh" for d in range(1, 11)]
    rows += hourly_rows("H", "2021-01-03", [0.5] * 24)
    r = read_meter_readings(readings_file(tmp_path, rows))
    meter_ids, dates, use = daily_use(r, start="2021-01-02", end="2021-01-05")
    assert meter_ids == ("H", "M")
    assert list(dates.strftime("%d")) == ["02", "03", "04"]
    np.testing.assert_allclose(use, [[np.nan, 12.0, np.nan], [2.0, 3.0, 4.0]])
    with pytest.raises(ValueError):
        daily_use(r, start="2021-01-05", end="2021-01-05")


def test_billing_window(tmp_path):
    rows = [f"M,natural_gas,2021-{m:02d}-01,2021-{m + 1:02d}-01,{m},MWh" for m in range(1, 7)]
    r = read_meter_readings(readings_file(tmp_path, rows))
    bills = billing_periods(r, start="2021-02-01", end="2021-05-01")
    assert bills.periods["energy_kWh"].tolist() == [2000.0, 3000.0, 4000.0]
    assert bills.periods["start_day"].tolist() == [0, 28, 59]
    assert len(bills.dates) == 89


# --------------------------------------------------------------------------------------
# Meter map
# --------------------------------------------------------------------------------------

def test_meter_map_checks_readings_and_buildings(tmp_path):
    readings = read_meter_readings(readings_file(tmp_path, [
        "M1,district_heat,2021-01-01,2021-02-01,1,MWh", "M2,district_heat,2021-01-01,2021-02-01,1,MWh"]))
    path = write(tmp_path, "meter_id,building_id,group,measure_group,share\n"
                           "M1,b1,,renovation-2017,0.6\nM1,b2,,renovation-2017,0.4\nM3,,estate-east,control,1\n",
                 "map.csv")
    buildings = pd.DataFrame({"building_id": ["b1", "b2"]})
    m = read_meter_map(path, readings=readings, buildings=buildings)
    assert m.data["share"].tolist() == [0.6, 0.4, 1.0]
    assert m.data["measure_group"].tolist() == ["renovation-2017", "renovation-2017", "control"]
    found = checks(m.report)
    assert found["unmapped"][0].subject == "M2" and found["unmapped"][0].severity == "warning"
    assert found["no_readings"][0].subject == "M3"


def test_meter_map_defaults(tmp_path):
    m = read_meter_map(write(tmp_path, "meter_id,building_id\nM1,b1\n", "map.csv"))
    assert m.data.loc[0, "share"] == 1.0 and m.data.loc[0, "measure_group"] == ""


@pytest.mark.parametrize("text, column, problem", [
    ("meter_id,building_id,share\nM1,b1,0.7\nM1,b9,0.3\n", "building_id", "unknown building"),
    ("meter_id,building_id,share\nM1,b1,0.7\nM1,b2,0.5\n", "share", "add up to 1.2"),
    ("meter_id,building_id,group\nM1,b1,\nM1,,\n", "building_id", "neither a building nor a group"),
    ("meter_id,building_id\nM1,b1\nM1,b1\n", "meter_id", "appear twice"),
    ("meter_id,building_id,share\nM1,b1,1\nM2,b2,1.5\n", "share", "value out of range"),
])
def test_meter_map_errors_name_the_row(tmp_path, text, column, problem):
    buildings = pd.DataFrame({"building_id": ["b1", "b2"]})
    with pytest.raises(InputError, match=problem) as info:
        read_meter_map(write(tmp_path, text, "map.csv"), buildings=buildings)
    assert info.value.row == 3 and info.value.column == column


# --------------------------------------------------------------------------------------
# Traffic counts and ridership
# --------------------------------------------------------------------------------------

COUNT_HEADER = "from_node,to_node,vehicle_class,date,start,end,vehicles\n"


def test_traffic_counts_give_hourly_flows(tmp_path):
    path = write(tmp_path, COUNT_HEADER
                 + "109,101,all,,2021-03-02T07:00,2021-03-02T08:00,1200\n"
                 + "109,101,all,,2021-03-02T08:00,2021-03-02T08:15,400\n"
                 + "101,109,car,2021-03-02,,,15000\n", "counts.csv")
    counts = read_traffic_counts(path, links=TRANSPORT / "links.csv")
    data = counts.data
    assert list(data.columns) == ["from_node", "to_node", "vehicle_class", "start", "end", "hours", "vehicles",
                                  "flow_veh_h", "row"]
    assert data["flow_veh_h"].tolist() == [15000 / 24, 1200.0, 1600.0]
    assert data["hours"].tolist() == [24.0, 1.0, 0.25]
    assert len(counts.report) == 0


def test_traffic_count_problems_are_reported(tmp_path):
    path = write(tmp_path, COUNT_HEADER
                 + "109,101,all,,2021-03-02T07:00,2021-03-02T08:00,1200\n"
                 + "109,101,all,,2021-03-02T07:00,2021-03-02T08:00,1200\n"
                 + "109,101,all,,2021-03-02T08:00,2021-03-02T09:00,-4\n"
                 + "109,101,all,,2021-03-02T09:00,2021-03-02T10:00,900\n"
                 + "109,101,all,,2021-03-02T09:00,2021-03-02T10:00,950\n"
                 + "109,101,all,2021-03-02,,,15000\n", "counts.csv")
    counts = read_traffic_counts(path)
    found = checks(counts.report)
    assert found["duplicate_identical"][0].rows == (2, 3)
    assert found["negative"][0].rows == (4,)
    assert found["duplicate_conflicting"][0].rows == (5, 6)
    assert found["overlap"][0].severity == "warning"
    assert sorted(counts.data["row"].tolist() + counts.excluded["row"].tolist()) == list(range(2, 8))


@pytest.mark.parametrize("row, column", [
    ("1,2,all,,2021-03-02T07:00,2021-03-02T08:00,5", "to_node"),
    ("109,101,all,2021-03-02,2021-03-02T07:00,,5", "date"),
    ("109,101,all,,2021-03-02T07:00,,5", "end"),
    ("109,101,all,,,,5", "start"),
    ("109,101,bike,,2021-03-02T07:00,2021-03-02T08:00,5", "vehicle_class"),
])
def test_traffic_count_errors(tmp_path, row, column):
    path = write(tmp_path, COUNT_HEADER + "109,101,all,2021-03-01,,,5\n" + row + "\n", "counts.csv")
    with pytest.raises(InputError) as info:
        read_traffic_counts(path, links=TRANSPORT / "links.csv")
    assert info.value.row == 3 and info.value.column == column and "counts.csv" in str(info.value)


RIDER_HEADER = "line,day_type,date,start,end,boardings\n"


def test_ridership_per_day(tmp_path):
    path = write(tmp_path, RIDER_HEADER
                 + "plusbus,weekday,,2024-03-01,2024-04-01,290000\n"   # 21 weekdays in March 2024
                 + "plusbus,all,2024-03-05,,,13000\n"
                 + "6,sunday,,2024-03-01,2024-04-01,2500\n", "riders.csv")  # 5 Sundays
    r = read_ridership(path, lines=TRANSPORT / "lines.csv")
    per_day = dict(zip(zip(r.data["line"], r.data["day_type"]), r.data["boardings_per_day"]))
    assert per_day[("plusbus", "weekday")] == pytest.approx(290000 / 21)
    assert per_day[("plusbus", "all")] == 13000
    assert per_day[("6", "sunday")] == 500
    assert len(r.report) == 0


def test_ridership_problems_and_errors(tmp_path):
    path = write(tmp_path, RIDER_HEADER + "2,saturday,,2024-03-04,2024-03-09,100\n"
                 + "2,all,2024-03-04,,,-5\n2,all,2024-03-05,,,50\n", "riders.csv")
    r = read_ridership(path)
    found = checks(r.report)
    assert found["no_such_day"][0].rows == (2,) and found["negative"][0].rows == (3,)
    unknown = write(tmp_path, RIDER_HEADER + "2,all,2024-03-05,,,50\n99,all,2024-03-05,,,50\n", "unknown.csv")
    with pytest.raises(InputError, match="unknown line") as info:
        read_ridership(unknown, lines=TRANSPORT / "lines.csv")
    assert info.value.row == 3 and info.value.column == "line" and info.value.value == "99"
    hours = write(tmp_path, RIDER_HEADER + "2,weekday,,2024-03-04T06:00,2024-03-05T06:00,50\n", "hours.csv")
    with pytest.raises(InputError, match="needs whole days"):
        read_ridership(hours)


# --------------------------------------------------------------------------------------
# Measured weather
# --------------------------------------------------------------------------------------

def test_daily_temperature_csv_with_missing_days(tmp_path):
    path = write(tmp_path, "time,temperature_C\n2021-01-01,1.0\n2021-01-02,-2.5\n2021-01-05,3.0\n", "t.csv")
    measured = read_measured_weather(path)
    daily = measured.daily
    assert daily.name == "temperature_C" and daily.index.name == "date" and daily.attrs["units"] == "°C"
    assert len(daily) == 5 and daily.iloc[1] == -2.5 and daily.iloc[2:4].isna().all()
    (missing,) = measured.report.by_check("missing_days")
    assert missing.subject == "2021-01-03 to 2021-01-04" and missing.severity == "warning"


def test_hourly_observations_need_20_hours(tmp_path):
    times = pd.date_range("2021-01-01", periods=24 + 19, freq="h")
    text = "time,temperature_C\n" + "".join(f"{t:%Y-%m-%dT%H:%M},{i % 5}\n" for i, t in enumerate(times))
    text += "2021-01-01T00:30,3\n"  # a second observation in the first hour: averaged with it
    measured = read_measured_weather(write(tmp_path, text, "t.csv"))
    hourly_first_day = [i % 5 for i in range(24)]
    hourly_first_day[0] = (0 + 3) / 2
    assert measured.daily.iloc[0] == pytest.approx(np.mean(hourly_first_day))
    assert np.isnan(measured.daily.iloc[1])
    assert measured.hours.tolist() == [24.0, 19.0]
    (partial,) = measured.report.by_check("partial_day")
    assert partial.subject == "2021-01-02" and "19 of 24" in partial.problem


def test_temperature_errors(tmp_path):
    mixed = write(tmp_path, "time,temperature_C\n2021-01-01,1\n2021-01-02T00:00,1\n", "mixed.csv")
    with pytest.raises(InputError, match="dates and date-times mixed") as info:
        read_measured_weather(mixed)
    assert info.value.row == 3
    hot = write(tmp_path, "time,temperature_C\n2021-01-01,85\n", "hot.csv")
    with pytest.raises(InputError, match="out of range"):
        read_measured_weather(hot)
    with pytest.raises(InputError, match="unknown weather file type"):
        read_measured_weather(tmp_path / "t.txt")


def test_weather_csv_and_weather_object_give_the_reference_monthly_means(tmp_path):
    # The built-in reference year reproduces the monthly means of the Danish typical year
    # (IWEC Copenhagen); the daily means must keep them.
    normals = [1.5, 0.2, 2.9, 6.2, 11.4, 14.7, 16.6, 17.0, 12.3, 9.7, 5.1, 1.6]
    year = weather.reference_year()
    from_object = daily_mean_temperature(year)
    path = weather.write_weather_csv(year, tmp_path / "year.csv", decimals=6)
    from_file = daily_mean_temperature(path)
    assert len(from_object) == 365
    np.testing.assert_allclose(from_file.to_numpy(), from_object.to_numpy(), atol=1e-6)
    monthly = from_object.groupby(from_object.index.month).mean()
    np.testing.assert_allclose(monthly.to_numpy(), normals, atol=0.005)  # the shipped year holds 0.01 K steps
