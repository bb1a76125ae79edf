"""Tests of ``smartcity monitor`` and ``smartcity monitor-demo``: one end-to-end run on
demo data checked against the truth, bad measured data through the command (report
printed; unusable data: one line, exit status 2, nothing written), refused overwrite."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from smartcity.cli import main
from smartcity.results import write_netcdf
from tests.monitoring.test_demo import default_run


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory):
    """Demo data (with problems) and the run they were made from, as files."""
    folder = tmp_path_factory.mktemp("demo")
    write_netcdf(default_run(), folder / "results.nc")
    assert main(["monitor-demo", "-o", str(folder), "--seed", "7", "--problems", "--results",
                 str(folder / "results.nc"), "-q"]) == 0
    return folder


def _args(folder, out, *extra):
    return ["monitor", str(folder / "results.nc"), "--meters", str(folder / "meters.csv"),
            "--map", str(folder / "meter_map.csv"), "--weather", str(folder / "weather.csv"),
            "--counts", str(folder / "counts.csv"), "--ridership", str(folder / "ridership.csv"),
            "-o", str(out), *extra]


@pytest.fixture(scope="module")
def monitored(demo_folder, tmp_path_factory):
    out = tmp_path_factory.mktemp("mon") / "report"
    import contextlib
    import io

    text = io.StringIO()
    with contextlib.redirect_stdout(text):
        status = main(_args(demo_folder, out))
    return status, out, text.getvalue()


def test_end_to_end_writes_tables_and_report(monitored):
    status, out, printed = monitored
    assert status == 0
    for name in ("report.html", "tables.md", "tables/savings_by_meter.csv", "tables/progress.csv",
                 "tables/links_geh.csv", "tables/ridership.csv", "tables/data_quality.csv",
                 "figures/geh_scatter.png", "figures/cumulative_savings_1.png", "figures/measured_vs_baseline_1.png"):
        assert (out / name).exists(), name
    page = (out / "report.html").read_text()
    assert "Progress against the plan" in page and "Data quality" in page
    # the quality report of the injected problems is printed
    for check in ("duplicate_conflicting", "negative", "unit_mix_up", "end_not_after_start"):
        assert check in printed, check
    assert "wrote" in printed


def test_estimates_recover_the_truth(monitored, demo_folder):
    _, out, _ = monitored
    truth = json.loads((demo_folder / "truth.json").read_text())["meters"]
    table = pd.read_csv(out / "tables" / "savings_by_meter.csv")
    clean = table[table["meter_id"].map(lambda m: not truth[m]["problems"])]
    year = str(pd.Timestamp(clean["reporting_start"].iloc[0]).year)
    true_normal = clean["meter_id"].map(lambda m: truth[m]["savings"][year]["normalised_savings_kWh"])
    inside = np.abs(clean["normalised_savings_kWh"] - true_normal) <= clean["normalised_uncertainty_kWh"]
    # 15 clean meters: 90 % coverage per meter leaves at most a few outside (P(>=4 of 15) < 6 %)
    assert inside.sum() >= len(clean) - 3
    daily = clean[clean["resolution"] == "daily"]
    true_tb = daily["meter_id"].map(lambda m: truth[m]["balance_point_C"])
    assert (np.abs(daily["heating_balance_point_C"] - true_tb) <= 1.0).mean() >= 0.9
    # the meter with the unit mix-up is flagged and left out of the totals
    mixed = [m for m, v in truth.items() if "unit_mix_up" in v["problems"]]
    row = table.set_index("meter_id").loc[mixed[0]]
    assert "suspect" in row["flags"]


def test_progress_shows_planned_and_measured(monitored):
    _, out, _ = monitored
    progress = pd.read_csv(out / "tables" / "progress.csv")
    reno = progress[(progress["kpi"] == "heat_savings_normalised") & (progress["item"] == "kildeparken_renovation")]
    assert len(reno) >= 4
    # measured normalised savings against the model's savings of the same buildings
    assert reno["share_of_target"].between(0.9, 1.1).all()
    geh = pd.read_csv(out / "tables" / "geh_summary.csv")
    assert (geh["share_geh_below_5"] >= 0.7).all()


def test_existing_report_is_not_overwritten(monitored, demo_folder, capsys):
    _, out, _ = monitored
    before = (out / "report.html").stat().st_mtime_ns
    assert main(_args(demo_folder, out, "-q")) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--force" in err[0]
    assert (out / "report.html").stat().st_mtime_ns == before


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("text, message", [
    ("meter_id,carrier,start,end,value,unit\nM1,district_heat,2021-13-01,2021-01-02,5,kWh\n", "ISO 8601"),
    ("meter_id,carrier,start,end,value,unit\nM1,district_heat,2021-01-01,2021-01-02,-5,kWh\n"
     "M1,district_heat,2021-01-02,2021-01-03,-4,kWh\n", "no usable meter reading"),
    ("meter_id,carrier,start,end,value,unit\nM1,steam,2021-01-01,2021-01-02,5,kWh\n", "carrier"),
    ("meter_id,carrier,start,end,value,unit\nM1,district_heat,2021-01-01,2021-01-02,5,kW\n", "unit"),
])
def test_unusable_meter_file_one_line_exit_2_nothing_written(tmp_path, capsys, text, message):
    meters = _write(tmp_path / "meters.csv", text)
    weather = _write(tmp_path / "weather.csv", "time,temperature_C\n2021-01-01,3.0\n")
    out = tmp_path / "report"
    status = main(["monitor", "lighthouse.toml", "--meters", str(meters), "--weather", str(weather), "-o", str(out)])
    err = capsys.readouterr().err.strip().splitlines()
    assert status == 2
    assert len(err) == 1 and err[0].startswith("error:") and message in err[0]
    assert "meters.csv" in err[0] or "--" in err[0]
    assert not out.exists()


def test_bad_readings_are_reported_before_an_unusable_weather_file(tmp_path, capsys):
    # duplicates, a gap, rows out of order, a unit change: reported, then the weather fails
    meters = _write(tmp_path / "meters.csv", "meter_id,carrier,start,end,value,unit\n"
                    "M1,district_heat,2021-01-03,2021-01-04,5,kWh\n"
                    "M1,district_heat,2021-01-01,2021-01-02,5,kWh\n"
                    "M1,district_heat,2021-01-01,2021-01-02,5,kWh\n"
                    "M1,district_heat,2021-01-06,2021-01-07,0.005,MWh\n")
    weather = _write(tmp_path / "weather.csv", "time,temperature_C\n2021-01-01,300.0\n")
    out = tmp_path / "report"
    status = main(["monitor", "lighthouse.toml", "--meters", str(meters), "--weather", str(weather), "-o", str(out)])
    captured = capsys.readouterr()
    assert status == 2 and len(captured.err.strip().splitlines()) == 1 and "temperature_C" in captured.err
    assert not out.exists()


def test_quality_report_is_printed_for_usable_but_doubtful_data(tmp_path, capsys):
    meters = _write(tmp_path / "meters.csv", "meter_id,carrier,start,end,value,unit\n"
                    "M1,district_heat,2021-01-03,2021-01-04,5,kWh\n"
                    "M1,district_heat,2021-01-01,2021-01-02,5,kWh\n"
                    "M1,district_heat,2021-01-01,2021-01-02,5,kWh\n"
                    "M1,district_heat,2021-01-06,2021-01-07,5,MWh\n")
    weather = _write(tmp_path / "weather.csv", "time,temperature_C\n2021-01-01,3.0\n")
    out = tmp_path / "report"
    # the scenario file does not exist: the command stops there, after printing the report
    status = main(["monitor", str(tmp_path / "missing.toml"), "--meters", str(meters), "--weather", str(weather),
                   "-o", str(out)])
    captured = capsys.readouterr()
    for check in ("duplicate_identical", "gap", "unsorted", "unit_mix_up"):
        assert check in captured.out, check
    assert status == 2 and len(captured.err.strip().splitlines()) == 1
    assert not out.exists()


def test_weather_is_required_and_periods_are_checked(tmp_path, capsys):
    meters = _write(tmp_path / "meters.csv", "meter_id,carrier,start,end,value,unit\n"
                    "M1,district_heat,2021-01-01,2021-01-02,5,kWh\n")
    assert main(["monitor", "x.toml", "--meters", str(meters), "-o", str(tmp_path / "r")]) == 2
    assert "--weather" in capsys.readouterr().err
    assert main(["monitor", "x.toml", "--meters", str(meters), "--weather", str(meters), "--baseline", "2016",
                 "-o", str(tmp_path / "r")]) == 2
    assert "START:END" in capsys.readouterr().err
    assert not (tmp_path / "r").exists()


# --------------------------------------------------------------------------------------
# Problems found in hardening: each run on three demo meters of 2016-2019
# --------------------------------------------------------------------------------------

SUBSET = ("DH-KP-RAV-02", "DH-KP-RAV-03", "DH-SFH-02")


def _subset(demo_folder, folder, *, meters=SUBSET, map_rows=None, weather_until="2019-12-31", edit=None):
    """Demo readings of ``meters`` up to 2019, their map (or ``map_rows``) and the weather, as files."""
    folder.mkdir(parents=True, exist_ok=True)
    readings = pd.read_csv(demo_folder / "meters.csv", dtype=str, keep_default_na=False)
    readings = readings[readings["meter_id"].isin(meters) & (readings["start"] < "2020-01-01")]
    if edit is not None:
        readings = edit(readings.reset_index(drop=True))
    readings.to_csv(folder / "meters.csv", index=False)
    if map_rows is None:
        full = pd.read_csv(demo_folder / "meter_map.csv", dtype=str, keep_default_na=False)
        map_rows = full[full["meter_id"].isin(meters)]
    pd.DataFrame(map_rows).to_csv(folder / "meter_map.csv", index=False)
    weather = pd.read_csv(demo_folder / "weather.csv", dtype=str)
    weather[weather["time"] <= weather_until].to_csv(folder / "weather.csv", index=False)
    return folder


def _run(demo_folder, folder, capsys, *extra):
    status = main(["monitor", str(demo_folder / "results.nc"), "--meters", str(folder / "meters.csv"), "--map",
                   str(folder / "meter_map.csv"), "--weather", str(folder / "weather.csv"), "-o",
                   str(folder / "report"), *extra])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_a_map_of_groups_only_gives_measured_savings_without_planned_ones(demo_folder, tmp_path, capsys):
    rows = [{"meter_id": m, "building_id": "", "group": f"block-{k}", "measure_group": g, "share": 1.0}
            for k, (m, g) in enumerate(zip(SUBSET, ("kildeparken_renovation",) * 2 + ("control",)))]
    folder = _subset(demo_folder, tmp_path / "groups", map_rows=rows)
    status, out, err = _run(demo_folder, folder, capsys)
    assert status == 0, err
    assert "district_heat: avoided" in out and "nan" not in out
    progress = pd.read_csv(folder / "report" / "tables" / "progress.csv")
    heat = progress[progress["kpi"] == "heat_savings_normalised"]
    assert len(heat) and heat["planned"].isna().all() and heat["measured"].notna().all()


def test_the_only_meter_on_a_building_excluded_by_an_overlapping_bill(demo_folder, tmp_path, capsys):
    rows = [{"meter_id": "DH-KP-RAV-02", "building_id": "kildeparken_ravn_blaa_ab", "group": "",
             "measure_group": "kildeparken_renovation", "share": 1.0}]
    rows += [{"meter_id": m, "building_id": "", "group": "blocks", "measure_group": "control", "share": 1.0}
             for m in SUBSET[1:]]

    def monthly_bill(readings):
        bill = pd.DataFrame([{"meter_id": "DH-KP-RAV-02", "carrier": "district_heat", "start": "2018-03-01",
                              "end": "2018-04-01", "value": "15.2", "unit": "MWh"}])
        return pd.concat([readings, bill], ignore_index=True)

    folder = _subset(demo_folder, tmp_path / "bill", map_rows=rows, edit=monthly_bill)
    status, out, err = _run(demo_folder, folder, capsys)
    assert status == 0, err
    assert "overlap" in out and "meter_excluded" in out
    table = pd.read_csv(folder / "report" / "tables" / "savings_by_meter.csv")
    assert "DH-KP-RAV-02" not in set(table["meter_id"]) and len(table) == 2


def test_daily_exports_with_utc_offsets_keep_their_calendar_days(demo_folder, tmp_path, capsys):
    plain = _subset(demo_folder, tmp_path / "plain")

    def with_offsets(readings):
        def stamp(day):
            summer = f"{day[:4]}-03-27" <= day < f"{day[:4]}-10-30"  # about Danish summer time: +02:00
            return f"{day}T00:00{'+02:00' if summer else '+01:00'}"
        return readings.assign(start=readings["start"].map(stamp), end=readings["end"].map(stamp))

    offsets = _subset(demo_folder, tmp_path / "offsets", edit=with_offsets)
    assert "2018-07-01T00:00+02:00" in (offsets / "meters.csv").read_text()
    status, out, err = _run(demo_folder, plain, capsys)
    assert status == 0, err
    status, out, err = _run(demo_folder, offsets, capsys)
    assert status == 0, err
    assert "not_daily" not in out and "nan" not in out and "0 left out of the totals" in out
    a = pd.read_csv(plain / "report" / "tables" / "savings_by_meter.csv")
    b = pd.read_csv(offsets / "report" / "tables" / "savings_by_meter.csv")
    assert b["used_in_totals"].all()
    assert np.allclose(a["normalised_savings_kWh"], b["normalised_savings_kWh"], rtol=1e-9)


def test_weather_ending_early_is_said_once_and_no_total_is_not_nan(demo_folder, tmp_path, capsys):
    folder = _subset(demo_folder, tmp_path / "short", weather_until="2019-06-30")
    status, out, err = _run(demo_folder, folder, capsys)
    assert status == 0, err
    assert "nan" not in out.lower()
    assert "no total: all 3 meter(s) are left out of the totals" in out
    assert "more than 10% of the reporting period without a usable reading" in out
    said = [line for line in out.splitlines() if "warning temperature_missing" in line]
    assert len(said) == 1 and "the weather file ends 2019-06-30" in said[0]
    quality = pd.read_csv(folder / "report" / "tables" / "data_quality.csv")
    missing = quality[quality["check"] == "temperature_missing"]
    assert len(missing) == 1 and missing["subject"].iloc[0] == "reporting period 2019-01-01 to 2019-12-31"


def test_a_meter_without_a_baseline_year_is_left_out_not_fatal(demo_folder, tmp_path, capsys):
    def late_start(readings):
        late = (readings["meter_id"] == "DH-KP-RAV-03") & (readings["start"] < "2016-04-01")
        return readings[~late]

    folder = _subset(demo_folder, tmp_path / "late", edit=late_start)
    status, out, err = _run(demo_folder, folder, capsys)
    assert status == 0, err
    assert "1 left out of the totals" in out and "no twelve months with enough readings" in out
    table = pd.read_csv(folder / "report" / "tables" / "savings_by_meter.csv").set_index("meter_id")
    assert not table.loc["DH-KP-RAV-03", "used_in_totals"] and table["used_in_totals"].sum() == 2

    def all_late(readings):
        return readings[readings["start"] >= "2016-04-01"]

    folder = _subset(demo_folder, tmp_path / "all_late", meters=SUBSET[:2], edit=all_late)
    status, out, err = _run(demo_folder, folder, capsys)
    assert status == 2 and len(err.strip().splitlines()) == 1 and "no meter has a baseline" in err
    assert not (folder / "report").exists()


def test_a_silent_unit_switch_is_printed_with_its_lines(demo_folder, tmp_path, capsys):
    def switch(readings):
        later = (readings["meter_id"] == "DH-SFH-02") & (readings["start"] >= "2019-03-01")
        readings.loc[later, "value"] = (readings.loc[later, "value"].astype(float) / 1000).map(lambda v: f"{v:.6g}")
        return readings

    folder = _subset(demo_folder, tmp_path / "switch", edit=switch)
    status, out, err = _run(demo_folder, folder, capsys)
    assert status == 0, err
    first = pd.read_csv(folder / "meters.csv").query("meter_id == 'DH-SFH-02' and start >= '2019-03-01'").index[0]
    said = [line for line in out.splitlines() if "warning unit_switch" in line]
    assert len(said) == 1 and f"lines {first + 2}, " in said[0] and "likely in MWh" in said[0]
    table = pd.read_csv(folder / "report" / "tables" / "savings_by_meter.csv").set_index("meter_id")
    assert "corrected for a unit switch" in table.loc["DH-SFH-02", "flags"]
    assert table.loc["DH-SFH-02", "used_in_totals"]


def test_one_line_messages_name_the_option_or_file(demo_folder, tmp_path, capsys):
    meters = _write(tmp_path / "meters.csv", "meter_id,carrier,start,end,value,unit\n"
                    + "m" * 300 + ",district_heat,2021-01-01,2021-01-02,-5,kWh\n")
    weather = _write(tmp_path / "weather.csv", "time,temperature_C\n2021-01-01,3.0\n")
    results = str(demo_folder / "results.nc")
    cases = [
        (["monitor", results, "--meters", str(meters), "--weather", str(weather), "--baseline",
          "2017-01-01:2016-01-01"], ("--baseline", "2017-01-01 to 2016-01-01", "ends before it starts")),
        (["monitor", results, "--meters", str(meters), "--weather", str(weather)],
         ("meters.csv", "no usable meter reading", "m" * 37 + "...")),
        (["monitor", results, "--meters", str(demo_folder / "meters.csv"), "--weather",
          str(demo_folder / "weather.csv"), "--scenario-name", "nope"],
         ("results.nc: the results hold no scenario 'nope'", "--scenario-name")),
        (["monitor-demo", "-o", str(tmp_path / "demo"), "--seed", "-1", "--results", results], ("--seed", "got -1")),
    ]
    for argv, expected in cases:
        status = main([*argv, "-o", str(tmp_path / "report")] if argv[0] == "monitor" else argv)
        err = capsys.readouterr().err.strip().splitlines()
        assert status == 2 and len(err) == 1, (argv, err)
        for fragment in expected:
            assert fragment in err[0], (fragment, err[0])
        assert "m" * 40 not in err[0]
    assert not (tmp_path / "report").exists() and not (tmp_path / "demo").exists()
