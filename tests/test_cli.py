"""The command line: exit codes, messages, outputs (run in-process and as a real process)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from smartcity import __version__
from smartcity.cli import main
from smartcity.results import open_result


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "smartcity", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=600)


def test_version(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert __version__ in capsys.readouterr().out


def test_validate_ok(small_scenario, capsys):
    assert main(["validate", str(small_scenario)]) == 0
    assert "ok:" in capsys.readouterr().out


def test_validate_resolved_prints_toml(small_scenario, capsys):
    assert main(["validate", "--resolved", str(small_scenario)]) == 0
    out = capsys.readouterr().out
    assert 'name = "small"' in out and "warmup_hours = 48" in out and 'table = "buildings.csv"' in out


def test_validate_shipped_scenarios(repo):
    files = sorted(str(p) for p in (repo / "scenarios").glob("*/*.toml"))
    proc = run_cli("validate", *files)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("ok:") == len(files)


@pytest.mark.parametrize(
    "body, expected",
    [
        ('[scenario]\nname = "x\n', "invalid TOML"),
        ('[scenario]\nextends = "baseline.toml"\ncolour = "red"\n', "key 'scenario.colour': unknown key"),
        ('[scenario]\nextends = "baseline.toml"\nseed = "abc"\n', "key 'scenario.seed': invalid value; got 'abc'"),
        ('[scenario]\nextends = "baseline.toml"\n[weather]\nground_albedo = { value = 1, unit = "lm" }\n',
         "unknown unit for this key; got 'lm'"),
        ('[scenario]\nextends = "bad.toml"\n', "extends cycle"),
        ('[scenario]\nextends = "baseline.toml"\n[buildings]\ntable = "missing.csv"\n', "table file not found"),
    ],
    ids=["syntax", "unknown-key", "wrong-type", "unknown-unit", "cycle", "missing-table"],
)
def test_validate_broken_file_exits_2_with_one_line(small_scenario, body, expected):
    bad = small_scenario.parent / "bad.toml"
    bad.write_text(body, encoding="utf-8")
    proc = run_cli("validate", str(bad))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert "bad.toml" in lines[0]
    assert expected in lines[0]


def test_validate_negative_area_in_table(small_scenario):
    table = small_scenario.parent / "buildings.csv"
    table.write_text(table.read_text().replace(",10,2400,", ",10,-2400,"))
    proc = run_cli("validate", str(small_scenario))
    assert proc.returncode == 2
    assert proc.stderr.strip() == (
        f"error: {table}, line 2, column 'heated_floor_area_m2': value out of range; got -2400; "
        "allowed: a number > 0 and <= 1000000 [m2]"
    )


def test_run_writes_results_and_refuses_to_overwrite(small_scenario, tmp_path):
    out = tmp_path / "out"
    proc = run_cli("run", str(small_scenario), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "small" in proc.stdout and "results:" in proc.stdout
    result = out / "results.nc"
    ds = open_result(result)
    assert list(ds["scenario"].values) == ["small"]
    assert list(ds["year"].values) == [2015, 2016, 2017]
    assert ds["space_heating_need"].attrs["units"] == "kW h yr-1"
    assert len(ds["scenario_sha256"].sel(scenario="small").item()) == 64
    assert ds.attrs["command"].startswith("smartcity run")
    assert (out / "small.resolved.toml").exists()
    assert float(ds["space_heating_need"].sum()) > 0
    before = result.read_bytes()

    again = run_cli("run", str(small_scenario), "-o", str(out))
    assert again.returncode == 2
    assert "already exists" in again.stderr and "--force" in again.stderr and "Traceback" not in again.stderr
    assert result.read_bytes() == before

    forced = run_cli("run", str(small_scenario), "-o", str(out), "--force")
    assert forced.returncode == 0, forced.stderr


def test_run_same_scenario_same_results(small_scenario, tmp_path):
    a = run_cli("run", "-q", str(small_scenario), "-o", str(tmp_path / "a"))
    b = run_cli("run", "-q", str(small_scenario), "-o", str(tmp_path / "b"))
    assert a.returncode == 0 and b.returncode == 0
    da, db = open_result(tmp_path / "a" / "results.nc"), open_result(tmp_path / "b" / "results.nc")
    for name in da.data_vars:
        assert np.array_equal(da[name].values, db[name].values), name


def test_run_bad_input_writes_nothing(small_scenario, tmp_path):
    table = small_scenario.parent / "buildings.csv"
    table.write_text(table.read_text().replace("gas_boiler", "peat_stove"))
    out = tmp_path / "out"
    proc = run_cli("run", str(small_scenario), "-o", str(out))
    assert proc.returncode == 2
    assert "peat_stove" in proc.stderr and "Traceback" not in proc.stderr
    assert not out.exists()


def test_unexpected_error_exits_1_with_log(small_scenario, tmp_path, monkeypatch, capsys):
    import smartcity.run as run_mod

    def boom(*args, **kwargs):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(run_mod, "run_scenarios", boom)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    status = main(["run", str(small_scenario), "-o", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert status == 1
    assert "internal error: RuntimeError: simulated bug" in err and "Traceback" not in err
    log = tmp_path / "cache" / "smartcity" / "smartcity.log"
    assert "Traceback" in log.read_text()


def test_warmup(capsys):
    assert main(["warmup"]) == 0
    assert "compiled" in capsys.readouterr().out


def test_buildings_enter_the_stock_in_their_construction_year(small_scenario, tmp_path):
    # The office row is built in 2016: nothing from it in 2015, its need from 2016 on.
    table = small_scenario.parent / "buildings.csv"
    table.write_text(table.read_text().replace("office,2005,", "office,2016,"))
    assert main(["run", "-q", str(small_scenario), "-o", str(tmp_path / "out")]) == 0
    ds = open_result(tmp_path / "out" / "results.nc").sel(scenario="small")
    office = ds["space_heating_need"].sel(building="office_2005")
    assert float(office.sel(year=2015)) == 0.0 and float(office.sel(year=2016)) > 0.0
    assert float(ds["heated_floor_area"].sel(year=2015).sum()) < float(ds["heated_floor_area"].sel(year=2016).sum())
    # the other rows do not depend on the office
    others = ds["space_heating_need"].drop_sel(building="office_2005")
    assert np.array_equal(others.sel(year=2015).values, others.sel(year=2016).values)
    # district hourly sums equal the per-building annual totals
    total = float(ds["district_space_heating"].sel(year=2016).sum())  # kWh (1-hour steps, kW)
    assert total == pytest.approx(float(ds["space_heating_need"].sel(year=2016).sum()), rel=1e-9)


def test_run_with_no_building_standing_yet(small_scenario, tmp_path):
    table = small_scenario.parent / "buildings.csv"
    text = table.read_text()
    for year in ("1972", "1965", "2005"):
        text = text.replace(f",{year},", ",2030,")
    table.write_text(text)
    assert main(["run", "-q", str(small_scenario), "-o", str(tmp_path / "out")]) == 0
    ds = open_result(tmp_path / "out" / "results.nc")
    assert float(ds["space_heating_need"].sum()) == 0.0


def test_output_folder_that_is_a_file_is_refused_before_running(small_scenario, tmp_path, capsys):
    afile = tmp_path / "afile"
    afile.write_text("x")
    for target in (afile, afile / "sub"):
        assert main(["run", "-q", str(small_scenario), "-o", str(target)]) == 2
        assert "Traceback" not in capsys.readouterr().err
    assert afile.read_text() == "x"


def test_resolved_copies_next_to_results_run_again(small_scenario, tmp_path):
    out = tmp_path / "out"
    assert main(["run", "-q", str(small_scenario), "-o", str(out)]) == 0
    assert main(["validate", "-q", str(out / "small.resolved.toml")]) == 0
    assert main(["run", "-q", str(out / "small.resolved.toml"), "-o", str(tmp_path / "again")]) == 0
    a = open_result(out / "results.nc")
    b = open_result(tmp_path / "again" / "results.nc")
    assert np.array_equal(a["space_heating_need"].values, b["space_heating_need"].values)
    assert a["scenario_sha256"].values.tolist() == b["scenario_sha256"].values.tolist()


def test_results_files_are_readable_by_others(small_scenario, tmp_path):
    out = tmp_path / "out"
    assert main(["run", "-q", str(small_scenario), "-o", str(out)]) == 0
    assert (out / "results.nc").stat().st_mode & 0o044 == 0o044


def test_missing_weather_file_names_the_scenario_key(small_scenario, capsys):
    text = small_scenario.read_text().replace("[weather]\n", '[weather]\nfile = "none.epw"\n')
    small_scenario.write_text(text)
    assert main(["validate", str(small_scenario)]) == 2
    err = capsys.readouterr().err
    assert "baseline.toml, key 'weather.file': weather file not found" in err


def _rewrite(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    "case, expected",
    [
        ("negative-u", "column 'u_wall_w_m2k': value out of range; got -0.5"),
        ("unknown-heating-system", "column 'heating_system': value not allowed; got 'coal_stove'"),
        ("nan-in-weather", "column 'temp_air': missing value (NaN)"),
        ("short-hourly-series", "hourly grid-intensity series is not one whole year"),
        ("unknown-measure-zone", "measures.retrofit"),
    ],
)
def test_bad_energy_inputs_exit_2_and_write_nothing(small_scenario, tmp_path, case, expected):
    folder = small_scenario.parent
    if case == "negative-u":
        _rewrite(folder / "buildings.csv", ",0.5,0.25,", ",-0.5,0.25,")
    elif case == "unknown-heating-system":
        _rewrite(folder / "buildings.csv", "gas_boiler", "coal_stove")
    elif case == "nan-in-weather":
        from smartcity import weather as W

        ref = W.reference_year()
        data = ref.data.copy()
        data.iloc[10, data.columns.get_loc("temp_air")] = float("nan")
        import dataclasses

        W.write_weather_csv(dataclasses.replace(ref, data=data), folder / "weather.csv")
        _rewrite(small_scenario, "[weather]\n", '[weather]\nfile = "weather.csv"\n')
    elif case == "short-hourly-series":
        import shutil

        shutil.copy(Path(__file__).parent / "data" / "energinet_co2_sample.csv", folder / "co2.csv")
        small_scenario.write_text(small_scenario.read_text() + '\n[supply.electricity]\nhourly_profile = "co2.csv"\n')
    elif case == "unknown-measure-zone":
        small_scenario.write_text(small_scenario.read_text() + (
            '\n[measures.retrofit]\ntype = "envelope_renovation"\nstart_year = 2016\n'
            'ramp = { value = 10, unit = "%/a", assumption = true, reason = "test" }\n'
            'filter = { zone = ["nowhere"] }\nu_wall_w_m2k = 0.2\n'
            'investment = { value = 100, unit = "EUR/m2", assumption = true, reason = "test" }\nlifetime_years = 30\n'))
    out = tmp_path / "out"
    proc = run_cli("run", str(small_scenario), "-o", str(out))
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert expected in proc.stderr
    assert not out.exists()


@pytest.fixture
def district(tmp_path: Path) -> Path:
    """A copy of the shipped Aalborg East scenario folder (scenarios, buildings and transport tables)."""
    import shutil

    source = Path(__file__).resolve().parents[1] / "scenarios" / "aalborg-east"
    target = tmp_path / "aalborg-east"
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("*.py", "*.md", "__pycache__"))
    return target


@pytest.mark.parametrize(
    "case, expected",
    [
        ("link-to-unknown-node", "links.csv, line 2, column 'to_node'"),
        ("zero-capacity", "links.csv, line 2, column 'capacity_veh_h': value out of range; got 0"),
        ("negative-population", "zones.csv, line 2, column 'population': value out of range"),
        ("measure-zone-unknown", "key 'measures.parking_management.zones': the transport model has no such zone"),
        ("brt-opens-existing-line", "key 'measures.plusbus.line': a BRT measure opens a planned line"),
    ],
)
def test_bad_transport_inputs_exit_2_and_write_nothing(district, tmp_path, case, expected):
    links, zones_csv, light = district / "transport" / "links.csv", district / "transport" / "zones.csv", \
        district / "lighthouse.toml"
    if case == "link-to-unknown-node":
        _rewrite(links, "109,101,E45,", "109,9999,E45,")
    elif case == "zero-capacity":
        _rewrite(links, "109,101,E45,2.547,110,2,3600,", "109,101,E45,2.547,110,2,0,")
    elif case == "negative-population":
        _rewrite(zones_csv, "kildeparken,2014,Kildeparken,internal,1,2209,",
                 "kildeparken,2014,Kildeparken,internal,1,-5,")
    elif case == "measure-zone-unknown":
        _rewrite(light, 'zones = ["campus", "hospital", "east_centre"]', 'zones = ["campus", "nowhere"]')
    elif case == "brt-opens-existing-line":
        _rewrite(light, 'line = "plusbus"', 'line = "6"')
    out = tmp_path / "out"
    proc = run_cli("run", str(district / "baseline.toml"), str(light), "-o", str(out))
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert expected in proc.stderr, proc.stderr
    assert not out.exists()


def test_transport_measure_without_transport_model_is_refused(small_scenario, tmp_path):
    small_scenario.write_text(small_scenario.read_text() + (
        '\n[measures.chargers]\ntype = "ev_incentive"\nstart_year = 2016\n'
        'ramp = { value = 10, unit = "%/a", assumption = true, reason = "test" }\n'
        'bev_sales_share_increase = { value = 5, unit = "%", assumption = true, reason = "test" }\n'
        'investment = { value = 1, unit = "MDKK", assumption = true, reason = "test" }\nlifetime_years = 10\n'))
    out = tmp_path / "out"
    proc = run_cli("run", str(small_scenario), "-o", str(out))
    assert proc.returncode == 2, proc.stderr
    assert "key 'measures.chargers': a transport measure needs the transport model" in proc.stderr
    assert not out.exists()


# --------------------------------------------------------------------------------------
# kpi, compare, report
# --------------------------------------------------------------------------------------



def one_error_line(capsys) -> str:
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in err, err
    return lines[0]


def test_kpi_writes_each_format(small_results, tmp_path, capsys):
    import pandas as pd

    result, _, _ = small_results
    for suffix in ("csv", "md", "tex", "xlsx", "html"):
        out = tmp_path / f"kpi.{suffix}"
        assert main(["kpi", str(result), "--baseline", "small", "-o", str(out)]) == 0
        assert out.stat().st_size > 0
    frame = pd.read_csv(tmp_path / "kpi.csv", comment="#")
    assert list(frame.columns) == ["id", "name", "unit", "small 2015", "small 2017", "small_light 2015",
                                   "small_light 2017"]
    row = frame.set_index("id").loc["co2_reduction_vs_baseline"]
    assert row["small_light 2017"] > 0 and row["small 2017"] == 0
    assert "wrote" in capsys.readouterr().out


def test_kpi_prints_a_table_or_a_format(small_results, capsys):
    result, _, _ = small_results
    assert main(["kpi", str(result), "--years", "2016,2017"]) == 0
    out = capsys.readouterr().out
    assert "smartcity KPIs" in out and "CO2 emissions" in out and "2016" in out and "SHA-256" in out
    assert main(["kpi", str(result.parent), "--format", "md"]) == 0  # a folder holding results.nc
    out = capsys.readouterr().out
    assert out.startswith("**smartcity KPIs**") and "| CO2 emissions | t/a |" in out


def test_kpi_runs_a_scenario_file_with_the_root_of_its_chain(small_results, capsys):
    _, _, light = small_results
    assert main(["kpi", str(light), "--baseline", "small", "--format", "csv", "--years", "2017"]) == 0
    out = capsys.readouterr().out
    header = out.splitlines()[0]
    assert header == "id,name,unit,small 2017,small_light 2017"  # 'small' (baseline.toml) was run too
    assert "# small_light: scenario 'small_light' of district" in out


@pytest.mark.parametrize("args, expected", [
    (["--format", "docx"], "unknown table format 'docx'"),
    (["--years", "2014"], "year 2014 is not in the results (simulated years: 2015-2017)"),
    (["--years", "20x0"], "--years: '20x0' is not a year"),
    (["-o", "{tmp}/kpi.pdf"], "cannot tell the table format from the suffix '.pdf'"),
    (["--format", "xlsx"], "the xlsx format needs an output file"),
], ids=["format", "year", "bad-year", "suffix", "xlsx-to-screen"])
def test_kpi_bad_options_exit_2_with_one_line(small_results, tmp_path, capsys, args, expected):
    result, _, _ = small_results
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    assert main(["kpi", str(result), *args]) == 2
    assert expected in one_error_line(capsys)
    assert list(tmp_path.iterdir()) == []


def test_kpi_bad_inputs_exit_2_with_one_line(small_results, tmp_path, capsys):
    result, _, _ = small_results
    assert main(["kpi", str(tmp_path / "missing.nc")]) == 2
    assert "missing.nc: no such file" in one_error_line(capsys)
    other = tmp_path / "table.csv"
    other.write_text("a,b\n1,2\n", encoding="utf-8")
    assert main(["kpi", str(other)]) == 2
    assert "neither a results file (.nc) nor a scenario file (.toml)" in one_error_line(capsys)
    broken = tmp_path / "broken.nc"
    broken.write_bytes(b"not netcdf")
    assert main(["kpi", str(broken)]) == 2
    assert "not a readable results file" in one_error_line(capsys)
    out = tmp_path / "kpi.csv"
    out.write_text("keep", encoding="utf-8")
    assert main(["kpi", str(result), "-o", str(out)]) == 2
    assert "already exists; pass --force" in one_error_line(capsys)
    assert out.read_text(encoding="utf-8") == "keep"
    assert main(["kpi", str(result), "-o", str(out), "--force"]) == 0
    assert out.read_text(encoding="utf-8").startswith("id,name,unit")


def test_kpi_error_as_a_real_process(small_results, tmp_path):
    result, _, _ = small_results
    proc = run_cli("kpi", str(result), "--format", "pdf")
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == ["error: unknown table format 'pdf'; "
                                                "allowed: csv, md, latex, xlsx, html"]


def test_compare_side_by_side(small_results, tmp_path, capsys):
    result, _, _ = small_results
    assert main(["compare", str(result), "--year", "2017", "--baseline", "small", "--format", "md"]) == 0
    out = capsys.readouterr().out
    assert "| KPI | unit | small | small_light | small_light - small | small_light - small [%] |" in out
    assert main(["compare", str(result), "-o", str(tmp_path / "cmp.html")]) == 0
    assert "<table" in (tmp_path / "cmp.html").read_text(encoding="utf-8")
    capsys.readouterr()
    assert main(["compare", str(result), "--year", "2030"]) == 2
    assert "--year 2030: not a year of the results (simulated years: 2015-2017)" in one_error_line(capsys)


def test_compare_two_results_files(small_results, tmp_path, capsys):
    result, _, _ = small_results
    assert main(["compare", str(result), str(result), "--format", "csv", "--year", "2016"]) == 0
    header = capsys.readouterr().out.splitlines()[0]
    assert header == ("id,name,unit,out/small,out/small_light,out/small_light - out/small,"
                      "out/small_light - out/small [%],out-2/small,out-2/small - out/small,out-2/small - out/small [%],"
                      "out-2/small_light,out-2/small_light - out/small,out-2/small_light - out/small [%]")


def test_report_passes_kpis_and_curve(small_results, tmp_path, monkeypatch, capsys):
    import pandas as pd

    import smartcity.report

    calls = {}

    def fake(ds, scenario, out_dir, *, baseline="baseline", kpis=None, curve=None, force=False, sweep=None):
        calls.update(scenario=scenario, baseline=baseline, kpis=kpis, curve=curve, force=force)
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / "report.html").write_text("<html></html>", encoding="utf-8")
        return out_dir / "report.html"

    monkeypatch.setattr(smartcity.report, "write_report", fake)
    result, _, _ = small_results
    assert main(["report", str(result), "-o", str(tmp_path / "rep"), "--baseline", "small"]) == 0
    assert calls["scenario"] == "small_light" and calls["baseline"] == "small" and calls["force"] is False
    assert isinstance(calls["kpis"], pd.DataFrame) and "co2_total" in calls["kpis"].index.get_level_values("id")
    assert set(calls["curve"].columns) >= {"measure", "abatement_t", "cost_eur_per_t", "cumulative_t"}
    assert "wrote" in capsys.readouterr().out
    assert main(["report", str(result), "-o", str(tmp_path / "rep")]) == 2
    assert "a report already exists; pass --force" in one_error_line(capsys)
    assert main(["report", str(result), "-o", str(tmp_path / "rep2"), "--scenario", "nope"]) == 2
    assert "--scenario nope: not in the results" in one_error_line(capsys)


def test_report_writes_a_real_report(small_results, tmp_path):
    result, _, _ = small_results
    assert main(["report", "-q", str(result), "-o", str(tmp_path / "rep"), "--baseline", "small"]) == 0
    page = (tmp_path / "rep" / "report.html").read_text(encoding="utf-8")
    assert "small_light" in page


@pytest.mark.parametrize(
    "case, expected",
    [
        ("retired-before-built", "units.csv, line 2, column 'retired': the unit is retired before it is commissioned"),
        ("negative-capacity", "units.csv, line 2, column 'heat_capacity_mw': value out of range; got -420"),
        ("storage-without-power", "column 'heat_capacity_mw': a storage needs a charge and discharge power"),
        ("no-unit-meets-the-demand",
         "key 'supply.district_heating.network.units': the network's units cannot meet its heat demand in 2014"),
        ("measure-unknown-unit", "key 'measures.coal_chp_exit.retire': the network has no such unit; got 'njv9'"),
        ("supply-measure-without-network",
         "key 'measures.portland_surplus_heat': a supply measure needs the district-heating network model"),
        ("dispatch-without-network", "key 'supply.district_heating.network': mode 'dispatch' needs the network"),
        ("temperatures-too-low", "column 'lorenz_efficiency': heat pump 'wastewater_hp' cannot run at the network's "
                                 "temperatures lowered by 40 K"),
    ],
)
def test_bad_supply_inputs_exit_2_and_write_nothing(district, tmp_path, case, expected):
    units, base, light = (district / "district_heating" / "units.csv", district / "baseline.toml",
                          district / "lighthouse.toml")
    scenarios = [base, light]
    if case == "retired-before-built":
        _rewrite(units, "chp,existing,1998,2100,", "chp,existing,1998,1990,")
    elif case == "negative-capacity":
        _rewrite(units, "chp,existing,1998,2100,420,", "chp,existing,1998,2100,-420,")
    elif case == "storage-without-power":
        _rewrite(units, "storage,planned,2023,2100,50,", "storage,planned,2023,2100,0,")
    elif case == "no-unit-meets-the-demand":
        _rewrite(units, "boiler,existing,1980,2100,200,", "boiler,existing,1980,2100,0,")
        _rewrite(units, "boiler,existing,1980,2100,300,", "boiler,existing,1980,2100,0,")
        _rewrite(units, "chp,existing,1998,2100,420,", "chp,existing,1998,2100,200,")
        scenarios = [base]
    elif case == "measure-unknown-unit":
        _rewrite(light, 'retire = ["njv3"]', 'retire = ["njv9"]')
    elif case == "supply-measure-without-network":
        _rewrite(base, 'mode = "dispatch"', 'mode = "factor"')
    elif case == "temperatures-too-low":
        light.write_text(light.read_text(encoding="utf-8") + (
            '\n[measures.cold_network]\ntype = "network_temperature_reduction"\nstart_year = 2025\n'
            'ramp = { value = 100, unit = "%", by_year = 2025, source = "test" }\n'
            'reduction = { value = 40, unit = "K", source = "test" }\n'
            'investment = { value = 1, unit = "MDKK", source = "test" }\nlifetime_years = 30\n'), encoding="utf-8")
    elif case == "dispatch-without-network":
        text = base.read_text(encoding="utf-8")
        start = text.index("[supply.district_heating.network]")
        base.write_text(text[:start] + text[text.index("\n\n", start):], encoding="utf-8")
        scenarios = [base]
    out = tmp_path / "out"
    proc = run_cli("run", *map(str, scenarios), "-o", str(out))
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert expected in proc.stderr, proc.stderr
    assert not out.exists()


def test_supply_prints_the_dispatch_and_writes_its_figures(repo, tmp_path):
    out = tmp_path / "supply"
    proc = run_cli("supply", str(repo / "scenarios" / "aalborg-east" / "lighthouse.toml"), "--year", "2030",
                   "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    for text in ("district-heating dispatch of 'lighthouse' in 2030", "seawater_hp", "heat_pump",
                 "CO2 factor of delivered heat [g/kWh]", "renewable share [%]"):
        assert text in proc.stdout, text
    table = pd.read_csv(out / "supply.csv", index_col="unit")
    assert table.loc["njv3", "heat [GWh/a]"] == 0.0 and table.loc["seawater_hp", "heat [GWh/a]"] > 100.0
    # supply.csv writes 6 significant digits (%.6g): each share is off by up to 5e-5 points
    assert table["share [%]"].sum() == pytest.approx(100.0, abs=5e-5 * len(table))
    for name in ("heat_week_winter", "heat_week_summer", "heat_duration"):
        assert (out / "figures" / f"{name}.png").stat().st_size > 10_000, name


@pytest.mark.parametrize("args, expected", [
    (["scenarios/essen-follower/baseline.toml"],
     "key 'supply.district_heating.mode': the scenario has no district-heating network model; got 'factor'"),
    (["scenarios/aalborg-east/baseline.toml", "--year", "2040"],
     "key '--year': the scenario does not simulate this year"),
])
def test_supply_refuses_what_it_cannot_dispatch(repo, tmp_path, args, expected):
    out = tmp_path / "supply"
    proc = run_cli("supply", *[str(repo / a) if a.endswith(".toml") else a for a in args], "-o", str(out))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert expected in proc.stderr, proc.stderr
    assert not out.exists()
