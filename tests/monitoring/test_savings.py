"""Tests of per-meter savings, group totals and CO2: recovery of known savings from
synthetic meters over many seeds, and small worked examples."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pytest

from smartcity.errors import InputError
from smartcity.monitoring import demo
from smartcity.monitoring import savings as sv
from smartcity.monitoring.quality import DataQualityReport
from smartcity.monitoring.readers import MeterMap, MeterReadings

N_SEEDS = 40
METERS_PER_SEED = 5
TRUE_BASELINE = demo.Signature(intercept=40.0, heating_slope=12.0, balance_point=15.0)


@functools.cache
def reference_daily() -> np.ndarray:
    """Daily means of the built-in reference year (the typical year). [°C]"""
    return sv.typical_temperature().to_numpy()


def readings_from_days(use: dict, dates: pd.DatetimeIndex) -> MeterReadings:
    """In-memory daily readings (one row per meter and day with a value)."""
    frames = []
    for meter, values in use.items():
        ok = np.isfinite(values)
        d = dates[ok]
        frames.append(pd.DataFrame({"meter_id": meter, "carrier": "district_heat", "start": d.values,
                                    "end": (d + pd.Timedelta(days=1)).values, "hours": 24.0,
                                    "energy_kWh": values[ok], "value": values[ok], "unit": "kWh",
                                    "row": np.arange(ok.sum()) + 2, "suspect": False}))
    data = pd.concat(frames, ignore_index=True)
    return MeterReadings(data=data, excluded=data.iloc[:0].assign(reason=""), report=DataQualityReport("memory"))


def synthetic_trial(seed: int):
    """A baseline year and a reporting year of ``METERS_PER_SEED`` meters with known savings."""
    rng = np.random.default_rng(seed)
    temperature = demo.synthetic_temperature([2016, 2017], rng, reference=reference_daily())
    use, truth = {}, {}
    typical = reference_daily()
    for k in range(METERS_PER_SEED):
        tb = TRUE_BASELINE.balance_point + rng.uniform(-1.0, 1.0)
        base = demo.Signature(TRUE_BASELINE.intercept, TRUE_BASELINE.heating_slope, tb)
        after = demo.Signature(0.95 * base.intercept, 0.5 * base.heating_slope, tb - 2.0)
        measured, _ = demo.synthetic_daily_use(rng, {2016: base, 2017: after}, temperature, cv=0.10)
        meter = f"M{k}"
        use[meter] = measured
        rep = (temperature.index.year == 2017) & np.isfinite(measured)
        t = temperature.to_numpy()
        truth[meter] = {
            "balance_point": tb,
            "avoided": float(np.sum(demo.expected_use(base, t[rep]) - demo.expected_use(after, t[rep]))),
            "normalised": float(np.sum(demo.expected_use(base, typical) - demo.expected_use(after, typical))),
        }
    return readings_from_days(use, temperature.index), temperature, truth


@pytest.fixture(scope="module")
def trials():
    rows = []
    for seed in range(N_SEEDS):
        readings, temperature, truth = synthetic_trial(seed)
        periods = sv.meter_periods(readings, baseline=("2016-01-01", "2017-01-01"),
                                   reporting=("2017-01-01", "2018-01-01"))
        result = sv.meter_savings(readings, temperature, periods, typical=reference_daily())
        for _, row in result.table.iterrows():
            t = truth[row["meter_id"]]
            rows.append({**row.to_dict(), "seed": seed, "true_balance_point": t["balance_point"],
                         "true_avoided": t["avoided"], "true_normalised": t["normalised"]})
    return pd.DataFrame(rows)


def test_avoided_energy_within_uncertainty_over_many_seeds(trials):
    # 200 meter-years (40 weather years x 5 meters), 10 % AR(1) noise (rho 0.5), missing days.
    # Coverage of the 95 % interval measured over 1,000 such meter-years (seeds 1000-1199):
    # 98.1 % for avoided energy (the noise-free truth leaves out the reporting noise the
    # interval also covers), 94.0 % for normalised savings; the acceptance bar is 90 %.
    error = np.abs(trials["avoided_energy_kWh"] - trials["true_avoided"])
    assert np.mean(error <= trials["avoided_uncertainty_kWh"]) >= 0.90


def test_normalised_savings_within_uncertainty_over_many_seeds(trials):
    error = np.abs(trials["normalised_savings_kWh"] - trials["true_normalised"])
    assert np.mean(error <= trials["normalised_uncertainty_kWh"]) >= 0.90


def test_balance_point_recovered_within_1_k(trials):
    # the grid step is 0.5 K, so the grid alone costs up to 0.25 K; over the 1,000
    # meter-years above 99.5 % were within 1 K and none further than 1.2 K
    miss = np.abs(trials["heating_balance_point_C"] - trials["true_balance_point"])
    assert np.mean(miss <= 1.0) >= 0.95
    assert miss.max() <= 2.0


def test_synthetic_meters_meet_the_criteria(trials):
    assert trials["used_in_totals"].mean() >= 0.95
    assert (trials["model"].isin(["heating", "heating_cooling"])).all()


def _one_seed():
    readings, temperature, truth = synthetic_trial(123)
    periods = sv.meter_periods(readings, baseline=("2016-01-01", "2017-01-01"), reporting=("2017-01-01", "2018-01-01"))
    return readings, temperature, periods, sv.meter_savings(readings, temperature, periods, typical=reference_daily())


def test_group_totals_weighted_by_share_and_combined_in_quadrature():
    readings, temperature, periods, result = _one_seed()
    table = result.table.set_index("meter_id")
    mapping = pd.DataFrame({"meter_id": ["M0", "M1", "M2", "M2", "M3"], "building_id": ["a", "b", "c", "d", "e"],
                            "group": "", "measure_group": ["g1", "g1", "g1", "g2", "g2"],
                            "share": [1.0, 1.0, 0.25, 0.75, 1.0], "row": [2, 3, 4, 5, 6]})
    groups = sv.group_savings(result, MeterMap(mapping, DataQualityReport())).set_index("measure_group")
    g1 = groups.loc["g1"]
    w = {"M0": 1.0, "M1": 1.0, "M2": 0.25}
    expected = sum(w[m] * table.loc[m, "avoided_energy_kWh"] for m in w)
    u = np.sqrt(sum((w[m] * table.loc[m, "avoided_uncertainty_kWh"]) ** 2 for m in w))
    assert g1["avoided_energy_kWh"] == pytest.approx(expected)
    assert g1["avoided_uncertainty_kWh"] == pytest.approx(u)
    assert groups.loc["(unmapped)", "meters"] == 1  # M4 has no map row
    total = groups.loc["(all)"]
    assert total["avoided_energy_kWh"] == pytest.approx(table["avoided_energy_kWh"].sum())
    assert total["meters"] == 5


def test_flagged_meter_is_listed_but_left_out_of_totals():
    readings, temperature, periods, _ = _one_seed()
    data = readings.data.copy()
    # 60 days of M0's reporting year marked suspect: they are not used and the meter is flagged
    rows = np.flatnonzero((data["meter_id"] == "M0") & (data["start"] >= "2017-03-01"))[:60]
    data.loc[rows, "suspect"] = True
    result = sv.meter_savings(MeterReadings(data, readings.excluded, readings.report), temperature, periods,
                              typical=reference_daily())
    m0 = result.table.set_index("meter_id").loc["M0"]
    assert not m0["used_in_totals"]
    assert "60 suspect reading(s) not used" in m0["flags"]
    assert "without a usable reading" in m0["flags"]
    total = sv.group_savings(result).set_index("measure_group").loc["(all)"]
    assert total["meters_left_out"] == 1 and total["meters_used"] == 4
    assert result.report.by_check("meter_flagged")


def test_co2_savings_worked_example():
    groups = pd.DataFrame({"measure_group": ["g"], "carrier": ["district_heat"], "avoided_energy_kWh": [100_000.0],
                           "avoided_uncertainty_kWh": [10_000.0], "normalised_savings_kWh": [120_000.0],
                           "normalised_uncertainty_kWh": [8_000.0]})
    out = sv.co2_savings(groups, {"district_heat": 120.0}).iloc[0]
    # 100,000 kWh x 120 g/kWh = 12,000,000 g = 12 t
    assert out["avoided_co2_t"] == pytest.approx(12.0)
    assert out["avoided_co2_uncertainty_t"] == pytest.approx(1.2)
    assert out["normalised_co2_t"] == pytest.approx(14.4)


def test_default_periods_follow_the_measure_start():
    readings, *_ = _one_seed()
    mapping = pd.DataFrame({"meter_id": ["M0"], "building_id": ["a"], "group": "", "measure_group": ["reno"],
                            "share": [1.0], "row": [2]})
    periods = sv.meter_periods(readings, MeterMap(mapping, DataQualityReport()), measure_start_years={"reno": 2017})
    assert periods.loc["M0", "baseline_start"] == pd.Timestamp("2016-01-01")
    assert periods.loc["M0", "reporting_start"] == pd.Timestamp("2017-01-01")
    with pytest.raises(InputError, match="reporting period"):
        sv.meter_periods(readings, baseline=("2017-01-01", "2018-01-01"), reporting=("2016-01-01", "2017-01-01"))


def test_weather_not_covering_the_period_is_an_error():
    readings, temperature, periods, _ = _one_seed()
    with pytest.raises(InputError, match="does not cover"):
        sv.meter_savings(readings, temperature[temperature.index.year == 2017], periods, typical=reference_daily())


def test_each_meter_is_fitted_once_per_period(monkeypatch):
    # a baseline year and two reporting years of five meters: one baseline fit (all meters
    # share the baseline) and one reporting fit per year -- the latest year, which is also
    # the reporting period, is not fitted again
    from smartcity.monitoring import _windows, progress

    rng = np.random.default_rng(8)
    temperature = demo.synthetic_temperature([2016, 2017, 2018], rng, reference=reference_daily())
    signatures = {2016: TRUE_BASELINE, 2017: TRUE_BASELINE, 2018: TRUE_BASELINE}
    use = {f"M{k}": demo.synthetic_daily_use(rng, signatures, temperature, cv=0.1)[0] for k in range(5)}
    readings = readings_from_days(use, temperature.index)
    periods = sv.meter_periods(readings)
    calls = []
    fit_daily = _windows.bl.fit_daily
    monkeypatch.setattr(_windows.bl, "fit_daily", lambda use, *a, **k: calls.append(len(use)) or fit_daily(use, *a,
                                                                                                           **k))
    meters, groups = progress.savings_by_year(readings, temperature, periods, None, typical=reference_daily())
    assert calls == [5, 5, 5]
    assert sorted(meters["year"].unique()) == [2017, 2018] and len(meters) == 10
    calls.clear()
    result, by_year = sv.savings_all_years(readings, temperature, periods, typical=reference_daily())
    assert calls == [5, 5, 5]
    latest = by_year[by_year["year"] == 2018].drop(columns="year").reset_index(drop=True)
    pd.testing.assert_frame_equal(result.table, latest)
