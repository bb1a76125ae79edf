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
