"""The illustrative follower district (scenarios/essen-follower/).

Checks that the replication district built only from the shared schema validates and runs,
that its generated inputs (buildings table, weather year) are what their scripts write,
that every figure is sourced or flagged, and that it really differs from Aalborg East in
stock, climate and supply mix.
"""

from __future__ import annotations

import csv
import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

from smartcity.results import check_dataset, open_result, write_netcdf
from smartcity.run import run_scenarios
from smartcity.scenario import load_scenario, quantities
from smartcity.weather import read_weather_csv

REPO = Path(__file__).resolve().parents[1]
FOLDER = REPO / "scenarios" / "essen-follower"
BASELINE = FOLDER / "baseline.toml"
PROJECT = FOLDER / "replication.toml"
WEATHER = FOLDER / "essen_reference_year.csv"
AALBORG = REPO / "scenarios" / "aalborg-east" / "baseline.toml"
YEARS = list(range(2014, 2031))


def load_script(name: str):
    """Import a generator script of the follower folder as a module (once per session)."""
    qualified = f"essen_follower_{name}"
    if qualified not in sys.modules:
        spec = importlib.util.spec_from_file_location(qualified, FOLDER / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[qualified] = module  # dataclasses look their module up while it executes
        try:
            spec.loader.exec_module(module)
        except BaseException:
            del sys.modules[qualified]
            raise
    return sys.modules[qualified]


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def result():
    return run_scenarios([BASELINE, PROJECT], command="pytest tests/test_follower.py")


# --------------------------------------------------------------------------------------
# Scenario files
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", [BASELINE, PROJECT], ids=["baseline", "replication"])
def test_scenarios_validate_and_every_quantity_is_sourced_or_flagged(path):
    r = load_scenario(path)
    assert "illustrative" in r.model.scenario.description.lower()
    for key, q in quantities(r.model):
        assert q.source or (q.assumption and q.reason), f"{path.name}: {key} has neither source nor flag"


def test_project_extends_baseline_with_measures():
    base, project = load_scenario(BASELINE), load_scenario(PROJECT)
    assert [f.name for f in project.files] == ["replication.toml", "baseline.toml"]
    assert not base.model.measures and len(project.model.measures) >= 3
    assert project.model.weather.file == WEATHER and project.model.buildings.table == FOLDER / "buildings.csv"


def test_names_and_years_fit_the_consortium_view():
    # the run summary and the KPI tables find each results' reference scenario by the name
    # 'baseline'; the default KPI years (every base year and last year) must be simulated
    # in every district
    base, project = load_scenario(BASELINE), load_scenario(PROJECT)
    aalborg = load_scenario(AALBORG)
    assert base.name == "baseline" and project.name not in ("baseline", "lighthouse")
    for r in (base, project):
        assert r.model.scenario.base_year == aalborg.model.scenario.base_year
        assert r.model.years == aalborg.model.years == YEARS


def test_supply_mix_and_climate_differ_from_aalborg_east():
    ours, theirs = load_scenario(BASELINE).model, load_scenario(AALBORG).model
    for year in (2014, 2020, 2030):
        assert ours.supply.electricity.emission_factor.at(year) != theirs.supply.electricity.emission_factor.at(year)
        assert (ours.supply.district_heating.emission_factor.at(year)
                != theirs.supply.district_heating.emission_factor.at(year))
    assert ours.supply.boilers.gas_efficiency.canonical != theirs.supply.boilers.gas_efficiency.canonical
    assert theirs.weather.file is None and ours.weather.file == WEATHER


# --------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------
def test_runs_and_gives_energy_and_co2_for_every_year(result, tmp_path):
    assert list(result["scenario"].values) == ["baseline", "replication"]
    assert list(result["year"].values) == YEARS
    for name in ("co2", "final_energy"):
        total = result[name].sum(["sector", "carrier"])
        assert np.isfinite(total.values).all() and (total.values > 0).all(), name
    # buildings only: no transport model in the follower
    assert float(result["co2"].sel(sector="transport").sum()) == 0.0
    check_dataset(result)  # every variable has units and a long name
    path = write_netcdf(result, tmp_path / "results.nc")
    assert open_result(path)["co2"].sizes["scenario"] == 2


def test_project_emits_less_than_baseline_once_measures_start(result):
    project = load_scenario(PROJECT).model
    start = min(m.start_year for m in project.measures.values())
    co2 = result["co2"].sum(["sector", "carrier"])
    base, proj = co2.sel(scenario="baseline"), co2.sel(scenario="replication")
    for year in YEARS:
        b, p = float(base.sel(year=year)), float(proj.sel(year=year))
        if year < start:
            assert p == pytest.approx(b, rel=1e-9), year
        else:
            assert p < b, year
    assert float(proj.sel(year=2030)) < 0.8 * float(base.sel(year=2030))


def test_gas_dominates_the_follower_final_energy(result):
    heat = result["final_energy"].sel(scenario="baseline", year=2014).sum("sector")
    assert float(heat.sel(carrier="natural_gas")) > 0.5 * float(heat.sum())


# --------------------------------------------------------------------------------------
# Generated inputs
# --------------------------------------------------------------------------------------
def test_weather_file_equals_its_generator_output(tmp_path):
    make_weather = load_script("make_weather")
    out = tmp_path / "weather.csv"
    assert make_weather.main(["--output", str(out), "--quiet"]) == 0
    assert out.read_bytes() == WEATHER.read_bytes(), (
        "essen_reference_year.csv differs from the generator's output: regenerate it with "
        "python scenarios/essen-follower/make_weather.py")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["weather.csv"], "temporary files left behind"


def test_weather_reproduces_its_normals_and_every_series_is_sourced():
    make_weather = load_script("make_weather")
    normals = make_weather.normals()
    weather = read_weather_csv(WEATHER)
    assert weather.n_hours == 8760 and weather.latitude == normals["location"]["latitude"]
    month = weather.data.index.month
    temp = weather.data["temp_air"].groupby(month).mean().to_numpy()
    ghi = weather.data["ghi"].groupby(month).sum().to_numpy() / 1000.0
    np.testing.assert_allclose(temp, normals["temp_air"]["values"], atol=0.01)
    np.testing.assert_allclose(ghi, normals["ghi"]["values"], rtol=1e-3)
    for key in ("temp_air", "ghi", "temp_air_daily_range", "wind_speed", "relative_humidity"):
        series = normals[key]
        assert len(series["values"]) == 12 and series["source"], key
        assert not series["assumption"] or series["reason"], key
    # a climate of its own: milder winters and more winter sun than the Aalborg year
    from smartcity.weather import reference_year
    aalborg = reference_year()
    assert temp[0] > aalborg.data["temp_air"][aalborg.data.index.month == 1].mean() + 0.5
    assert ghi.sum() > aalborg.data["ghi"].sum() / 1000.0


def test_irradiation_from_sunshine_is_plausible():
    # Angstroem-Prescott with FAO-56 defaults: Germany's annual GHI is about 950-1,250 kWh/m2
    make_weather = load_script("make_weather")
    ghi = make_weather.monthly_irradiation()
    assert 950 < sum(ghi) < 1150 and ghi.index(max(ghi)) in (4, 5, 6)


def test_buildings_table_equals_its_generator_output(tmp_path):
    make_buildings = load_script("make_buildings")
    assert make_buildings.main(["--out-dir", str(tmp_path), "--quiet"]) == 0
    for name in ("buildings.csv", "buildings_sources.csv"):
        assert (tmp_path / name).read_bytes() == (FOLDER / name).read_bytes(), (
            f"{name} differs from the script's output: regenerate it with "
            "python scenarios/essen-follower/make_buildings.py")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["buildings.csv", "buildings_sources.csv"]


def test_every_building_value_is_sourced_or_flagged_illustrative():
    rows = read_csv(FOLDER / "buildings.csv")
    sources = {(r["building_id"], r["field"]): r for r in read_csv(FOLDER / "buildings_sources.csv")}
    assert ("*", "district") in sources and sources[("*", "district")]["source"] == "illustrative"
    for row in rows:
        for field, value in row.items():
            if field == "building_id":
                continue
            src = sources.get((row["building_id"], field))
            assert src is not None, f"{row['building_id']}.{field} has no source row"
            assert src["value"] == value, f"{row['building_id']}.{field}: sources file disagrees"
    for key, src in sources.items():
        assert src["source"], key
        assert src["assumption"] in ("true", "false"), key
        if src["assumption"] == "true" or src["source"] == "illustrative":
            assert src["assumption"] == "true" and src["reason"], key


def test_stock_is_mostly_gas_heated_post_war_flats():
    rows = read_csv(FOLDER / "buildings.csv")
    area = [(r["use"], r["heating_system"], int(r["construction_year"]),
             int(r["count"]) * float(r["heated_floor_area_m2"])) for r in rows]
    total = sum(a for *_, a in area)
    gas = sum(a for u, s, y, a in area if s == "gas_boiler")
    postwar_flats = sum(a for u, s, y, a in area if u == "apartment_block" and 1949 <= y <= 1972)
    assert gas > 0.6 * total and postwar_flats > 0.5 * total
    # Aalborg East, by contrast, is almost all on district heating
    aalborg = read_csv(REPO / "scenarios" / "aalborg-east" / "buildings.csv")
    dh = sum(int(r["count"]) * float(r["heated_floor_area_m2"]) for r in aalborg
             if r["heating_system"] == "district_heating")
    assert dh > 0.9 * sum(int(r["count"]) * float(r["heated_floor_area_m2"]) for r in aalborg)


def test_follower_appears_in_the_consortium_table(result, default_run):
    from smartcity.kpi import kpi_table

    table = kpi_table({"aalborg-east": default_run, "essen-follower": result}, years=[2014, 2030])
    scenarios = list(dict.fromkeys(table.columns.get_level_values("scenario")))
    # names two districts share are told apart by the district's label
    assert scenarios == ["aalborg-east/baseline", "lighthouse", "essen-follower/baseline", "replication"]
    co2 = table.xs("co2_total", level="id")
    assert float(co2[("replication", 2030)].iloc[0]) < float(co2[("essen-follower/baseline", 2030)].iloc[0])
    assert float(co2[("essen-follower/baseline", 2030)].iloc[0]) == pytest.approx(
        float(result["co2"].sel(scenario="baseline", year=2030).sum()))
