"""Tests of the synthetic monitoring data: reproducible, consistent with the model run
(true savings are the model's), readable by the readers, problems reported."""

from __future__ import annotations

import functools
import json

import numpy as np
import pytest

from smartcity.monitoring import demo
from smartcity.monitoring import readers as md
from smartcity.monitoring.savings import typical_temperature
from smartcity.results import OutputExistsError


@functools.cache
def default_run():
    """The default baseline and lighthouse run, once per test session (a few seconds)."""
    from smartcity.run import default_scenarios, run_scenarios

    return run_scenarios(default_scenarios())


@functools.cache
def demo_data(seed: int = 5, problems: bool = False) -> demo.DemoData:
    return demo.make_demo(default_run(), seed=seed, problems=problems, last_year=2021)


def test_same_seed_same_data_other_seed_other_data():
    a, b = demo_data(5), demo.make_demo(default_run(), seed=5, last_year=2021)
    assert a.meters.equals(b.meters) and a.weather.equals(b.weather) and a.counts.equals(b.counts)
    c = demo.make_demo(default_run(), seed=6, last_year=2021)
    assert not a.meters["value"].equals(c.meters["value"])


def test_true_normalised_savings_are_the_models_savings():
    # On the reference year (the typical year and the run's weather) a signature sums to the
    # model's heat need per building over the substation efficiency, so the true normalised
    # savings of a Kildeparken meter are the model's savings (baseline scenario minus
    # lighthouse) of one building of its row.
    ds = default_run()
    data = demo_data()
    truth = data.truth["meters"]["DH-KP-FYR-01"]
    row = "kildeparken_fyrkildevej_ab"

    def need(scenario, year):
        one = ds.sel(scenario=scenario, year=year, building=row)
        return float(one["space_heating_need"] + one["hot_water_need"]) / float(one["building_count"]) / 0.97

    planned = need("baseline", 2021) - need("lighthouse", 2021)
    assert truth["savings"]["2021"]["normalised_savings_kWh"] == pytest.approx(planned, rel=1e-9)
    assert truth["baseline_year"] == 2016


def test_signature_reproduces_the_annual_need():
    ds = default_run()
    typical = typical_temperature().to_numpy()
    sigs = demo.building_signatures(ds, "aau_campus_1990", [2016], start_year=None, balance_point=15.0)
    one = ds.sel(scenario="lighthouse", year=2016, building="aau_campus_1990")
    annual = float(one["space_heating_need"] + one["hot_water_need"]) / float(one["building_count"]) / 0.97
    assert demo.expected_use(sigs[2016], typical).sum() == pytest.approx(annual, rel=1e-9)


def test_model_balance_point_is_plausible():
    assert 12.0 <= demo.model_balance_point(default_run()) <= 18.0


def test_files_follow_the_schemas_and_truth_is_written(tmp_path):
    written = demo.write_demo(demo_data(), tmp_path)
    assert sorted(p.name for p in written) == sorted(demo.DEMO_FILES)
    readings = md.read_meter_readings(tmp_path / "meters.csv")
    assert not readings.report.errors
    assert set(readings.meter_ids) == set(demo_data().truth["meters"])
    md.read_meter_map(tmp_path / "meter_map.csv", readings)
    weather = md.read_measured_weather(tmp_path / "weather.csv")
    assert len(weather.daily) == 6 * 365 + 2 and not weather.daily.isna().any()  # 2016 and 2020 are leap years
    md.read_traffic_counts(tmp_path / "counts.csv", "scenarios/aalborg-east/transport/links.csv")
    md.read_ridership(tmp_path / "ridership.csv", "scenarios/aalborg-east/transport/lines.csv")
    truth = json.loads((tmp_path / "truth.json").read_text())
    assert truth["seed"] == 5 and truth["meters"]["DH-AAU-01"]["resolution"] == "billing"
    with pytest.raises(OutputExistsError):
        demo.write_demo(demo_data(), tmp_path)
    demo.write_demo(demo_data(), tmp_path, force=True)


def test_injected_problems_are_reported(tmp_path):
    data = demo_data(5, True)
    demo.write_demo(data, tmp_path)
    report = md.read_meter_readings(tmp_path / "meters.csv").report
    found = {i.check for i in report}
    for check in ("duplicate_identical", "duplicate_conflicting", "negative", "unit_mix_up", "gap", "unsorted",
                  "end_not_after_start"):
        assert check in found, check
    flagged = [m for m, v in data.truth["meters"].items() if v["problems"]]
    assert len(flagged) == 7


def test_ar1_noise_statistics():
    e = demo.ar1_noise(np.random.default_rng(0), 200_000, 0.5, 2.0)
    assert e.std() == pytest.approx(2.0, rel=0.02)
    assert np.corrcoef(e[1:], e[:-1])[0, 1] == pytest.approx(0.5, abs=0.01)
    with pytest.raises(ValueError):
        demo.ar1_noise(np.random.default_rng(0), 10, 1.0, 1.0)
