"""Monte Carlo: scale factors, uncertain cost parameters, paired samples, Saltelli designs,
KPIs per sample, percentile tables, Sobol' indices of sweeps and the commands that show them."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from smartcity.errors import InputError, SmartcityError
from smartcity.kpi.uncertainty import (
    kpi_percentile_table,
    sensitivity_table,
    top_drivers,
)
from smartcity.run import load_inputs, run_scenarios
from smartcity.scenario import load_scenario
from smartcity.scenario.overrides import apply_scale_factors, with_overrides
from smartcity.sweep import _unit_design, kpi_values, plan_sweep, run_job
from smartcity.uncertainty import uncertain_inputs
from tests.conftest import FEEDBACK

REPO = Path(__file__).resolve().parents[1]
LIGHTHOUSE = REPO / "scenarios" / "aalborg-east" / "lighthouse.toml"
BASELINE = REPO / "scenarios" / "aalborg-east" / "baseline.toml"
EF = "supply.electricity.emission_factor"

GRID_FACTOR = """
[uncertainty.grid_after_2016]
key = "supply.electricity.emission_factor"
from_year = 2016
scale = { value = 1.0, unit = "1", distribution = "triangular", low = 0.5, mode = 1.0, high = 1.5, \
assumption = true, reason = "test" }
"""



@pytest.fixture
def pair(small_scenario: Path) -> tuple[Path, Path]:
    """A baseline with an uncertain grid factor and a scenario that adds an uncertain measure."""
    base = small_scenario
    base.write_text(base.read_text(encoding="utf-8") + GRID_FACTOR, encoding="utf-8")
    other = base.parent / "project.toml"
    other.write_text('[scenario]\nextends = "baseline.toml"\nname = "project"\n' + FEEDBACK, encoding="utf-8")
    return base, other


# --------------------------------------------------------------------------------------
# distributions on trajectories (scale factors) and on cost parameters
# --------------------------------------------------------------------------------------


def test_scale_factor_applies_from_its_year_and_nominal_is_identity(pair):
    base, _ = pair
    resolved = load_scenario(base)
    assert "uncertainty.grid_after_2016.scale" in uncertain_inputs(resolved.model)
    nominal = apply_scale_factors(resolved)
    plain = resolved.model.supply.electricity.emission_factor
    years = np.arange(2010, 2051)
    np.testing.assert_allclose(nominal.model.supply.electricity.emission_factor.at(years), plain.at(years),
                               rtol=0, atol=1e-9)  # factor 1: only points inserted at 2015/2016
    assert nominal.model.uncertainty == {}  # applied once, not again
    scaled = apply_scale_factors(with_overrides(resolved, {"uncertainty.grid_after_2016.scale": 1.4}))
    got = scaled.model.supply.electricity.emission_factor.at(years)
    expected = np.where(years >= 2016, 1.4, 1.0) * plain.at(years)
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    # the run uses the scaled factor: grid CO2 of 2016-2017 scales, 2015 stays
    a = run_scenarios([base], attribution=False)
    doc = with_overrides(resolved, {"uncertainty.grid_after_2016.scale": 1.4})
    b = run_scenarios([], inputs=load_inputs([doc]), attribution=False)
    el = {y: (float(a["co2"].sel(year=y, carrier="electricity").sum()),
              float(b["co2"].sel(year=y, carrier="electricity").sum())) for y in (2015, 2016, 2017)}
    assert el[2015][0] == pytest.approx(el[2015][1], rel=1e-12)
    for y in (2016, 2017):
        assert el[y][1] == pytest.approx(1.4 * el[y][0], rel=1e-9)


def test_bad_scale_factors_are_named(small_scenario):
    cases = {
        'key = "supply.electricity.emision_factor"': "did you mean",
        'key = "weather.ground_albedo"\nfrom_year = 2016': "only a trajectory",
        'key = "scenario.name"': "only",
    }
    for key, message in cases.items():
        text = small_scenario.read_text(encoding="utf-8") + (
            f'\n[uncertainty.bad]\n{key}\nscale = {{ value = 1.0, unit = "1", assumption = true, reason = "t" }}\n')
        path = small_scenario.parent / "bad.toml"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(InputError, match=message) as err:
            load_scenario(path)
        assert "uncertainty.bad" in str(err.value)
    # a factor that pushes a value out of its allowed range is refused when applied
    text = small_scenario.read_text(encoding="utf-8") + (
        '\n[uncertainty.albedo]\nkey = "weather.ground_albedo"\n'
        'scale = { value = 6.0, unit = "1", assumption = true, reason = "t" }\n')
    path = small_scenario.parent / "range.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match="key 'uncertainty.albedo.scale': the scale factor gives "
                                         "weather.ground_albedo a value the key does not allow"):
        load_inputs([path])


def test_value_of_time_carries_a_distribution():
    resolved = load_scenario(LIGHTHOUSE)
    inputs = uncertain_inputs(resolved.model)
    vot = inputs["transport.costs.value_of_time"]
    assert (vot.unit, vot.low, vot.mode, vot.high) == ("DKK/h", 70.0, 100.0, 130.0)
    assert resolved.model.transport.costs.value_of_time.canonical == 100.0  # nominal used in runs
    changed = with_overrides(resolved, {"transport.costs.value_of_time": 80.0})
    assert changed.model.transport.costs.value_of_time.value == 80.0
    assert changed.model.transport.costs.value_of_time.distribution is None
    from smartcity.scenario.sections.transport import CostParameters

    def value_of_time(**table):
        return CostParameters.model_validate({"value_of_time": {"unit": "DKK/h", "source": "t", **table}})

    with pytest.raises(ValueError, match="outside its distribution"):
        value_of_time(value=200.0, distribution="uniform", low=50.0, high=150.0)
    with pytest.raises(ValueError, match="low is outside the allowed range"):  # a value of time is >= 0
        value_of_time(value=1.0, distribution="uniform", low=-1.0, high=2.0)


# --------------------------------------------------------------------------------------
# plans: paired samples, Saltelli's design
# --------------------------------------------------------------------------------------


def test_samples_are_paired_across_scenarios(pair):
    base, other = pair
    plan = plan_sweep([base, other], samples=8)
    b, p = plan.scenarios
    assert b["uncertain"] == ["uncertainty.grid_after_2016.scale"]
    assert p["uncertain"] == ["measures.feedback.heat_saving_share", "uncertainty.grid_after_2016.scale"]
    # the shared input takes the same value in the same sample of both scenarios
    np.testing.assert_array_equal(b["sample_values"][0], p["sample_values"][1])
    # one scenario alone: the same draw as smartcity.uncertainty.sample
    from smartcity.uncertainty import sample

    alone = plan_sweep([other], samples=8).scenarios[0]
    frame = sample(uncertain_inputs(load_scenario(other).model), 8, method="lhs", seed=7)
    for key, values in zip(alone["uncertain"], alone["sample_values"]):
        np.testing.assert_array_equal(values, frame[key].to_numpy())
    # jobs: each sample runs both scenarios together; every task exactly once
    jobs = plan.jobs(range(plan.n_tasks), batch=3)
    tasks = sorted(i for job in jobs for entry in job["samples"] for i in entry["tasks"])
    assert tasks == list(range(plan.n_tasks)) and [len(j["samples"]) for j in jobs] == [3, 3, 2]


def test_saltelli_design_structure(pair):
    base, other = pair
    u = _unit_design(3, 8, "saltelli", seed=1)
    a, b, ab = u[:8], u[8:16], u[16:].reshape(3, 8, 3)
    for i in range(3):
        others = [j for j in range(3) if j != i]
        np.testing.assert_array_equal(ab[i][:, others], a[:, others])
        np.testing.assert_array_equal(ab[i][:, i], b[:, i])
    plan = plan_sweep([base, other], samples=4, design="saltelli")
    assert plan.n_samples == 4 * (2 + 2) and plan.shape == (2, 1, 16)
    with pytest.raises(InputError, match="power of 2"):
        plan_sweep([other], samples=6, design="saltelli")
    with pytest.raises(InputError, match="unknown sampling design"):
        plan_sweep([other], samples=4, design="grid")


# --------------------------------------------------------------------------------------
# jobs: KPIs per sample, equal to a direct run
# --------------------------------------------------------------------------------------


def test_job_records_the_kpis_of_a_direct_run_and_batches_do_not_matter(pair):
    base, other = pair
    plan = plan_sweep([base, other], samples=3, baseline="small")
    [job] = plan.jobs(range(plan.n_tasks), batch=3)
    records = {r["task"]: r for r in run_job(job)}
    singles = {r["task"]: r for k in range(3) for r in run_job({**job, "samples": [job["samples"][k]]})}
    for k in range(3):
        resolved = [with_overrides(load_scenario(path), plan._sampled(s, k)) for s, path in enumerate((base, other))]
        ds = run_scenarios([], inputs=load_inputs(resolved), attribution=False)
        expected = kpi_values(ds, [d["id"] for d in plan.kpis], plan.years, "small")
        for s in range(2):
            i = plan.task_id(s, 0, k)
            np.testing.assert_array_equal(records[i]["kpi"], expected[s])
            np.testing.assert_array_equal(singles[i]["kpi"], records[i]["kpi"])
            np.testing.assert_array_equal(records[i]["co2"], singles[i]["co2"])
    ids = [d["id"] for d in plan.kpis]
    # the project's "vs baseline" KPIs are paired differences with the same sample's baseline
    reduction = records[plan.task_id(1, 0, 1)]["kpi"][ids.index("co2_reduction_vs_baseline")]
    totals = [records[plan.task_id(s, 0, 1)]["kpi"][ids.index("co2_total")] for s in (0, 1)]
    np.testing.assert_allclose(reduction, totals[0] - totals[1], rtol=1e-9)


# --------------------------------------------------------------------------------------
# tables from a sweep store (a synthetic store: the statistics only)
# --------------------------------------------------------------------------------------


def _store(values: np.ndarray, design: str, inputs: list[str], base: int) -> xr.Dataset:
    """A Dataset shaped like open_sweep's: values (scenario, sample, kpi, year)."""
    n_s, n, n_k, n_y = values.shape
    return xr.Dataset(
        {"kpi_value": (("scenario", "point", "sample", "kpi", "year"), values[:, None]),
         "done": (("scenario", "point", "sample"), np.ones((n_s, 1, n), dtype=bool))},
        coords={"scenario": [f"s{i}" for i in range(n_s)], "point": [0], "point_label": ("point", ["nominal"]),
                "sample": ("sample", np.arange(n), {"design": design, "base_samples": base}),
                "year": [2020 + i for i in range(n_y)], "kpi": [f"k{i}" for i in range(n_k)],
                "kpi_name": ("kpi", [f"KPI {i}" for i in range(n_k)]), "kpi_unit": ("kpi", ["t/a"] * n_k),
                "input": inputs},
        attrs={"fingerprint": "f" * 64, "plan": json.dumps({"scenarios": [{"name": "s0", "sha256": "x"}]}),
               "runs": "[]", "baseline": ""})


def test_percentile_table_matches_numpy():
    rng = np.random.default_rng(3)
    values = rng.normal(100.0, 10.0, size=(1, 200, 2, 3))
    table = kpi_percentile_table(_store(values, "lhs", ["a"], 200), years=[2020, 2022])
    assert list(table.columns[:4]) == [("s0", "2020 mean"), ("s0", "2020 P10"), ("s0", "2020 P50"), ("s0", "2020 P90")]
    np.testing.assert_allclose(table[("s0", "2022 P90")].to_numpy(), np.percentile(values[0, :, :, 2], 90, axis=0))
    np.testing.assert_allclose(table[("s0", "2020 mean")].to_numpy(), values[0, :, :, 0].mean(axis=0))
    # a missing sample is not dropped: its percentiles are NaN
    values[0, 5, 0, 0] = np.nan
    table = kpi_percentile_table(_store(values, "lhs", ["a"], 200), years=[2020])
    assert np.isnan(table[("s0", "2020 P50")].iloc[0]) and np.isfinite(table[("s0", "2020 P50")].iloc[1])
    with pytest.raises(SmartcityError, match="not in the sweep"):
        kpi_percentile_table(_store(values, "lhs", ["a"], 200), years=[1999])


def test_sobol_indices_of_a_sweep_match_an_additive_model():
    """y = 2 x0 + x1 (+ 0 x2), inputs uniform on [0, 1]: S_i = ST_i = c_i^2 / sum c^2 = 0.8, 0.2, 0."""
    n, k = 1024, 3
    u = _unit_design(k, n, "saltelli", seed=5)
    y = 2.0 * u[:, 0] + u[:, 1]
    values = np.broadcast_to(y[None, :, None, None], (1, len(y), 1, 1)).copy()
    table = sensitivity_table(_store(values, "saltelli", ["x0", "x1", "x2"], n), "k0", n_bootstrap=200)
    assert list(table.index) == ["x0", "x1", "x2"]  # sorted by ST
    # Sobol' points, n = 1024: estimator error well below 0.02 for this smooth additive model
    np.testing.assert_allclose(table["ST"].to_numpy(), [0.8, 0.2, 0.0], atol=0.02)
    np.testing.assert_allclose(table["S1"].to_numpy(), [0.8, 0.2, 0.0], atol=0.02)
    drivers = top_drivers(_store(values, "saltelli", ["x0", "x1", "x2"], n), ["k0"], top=2, n_bootstrap=50)
    assert list(drivers["input"]) == ["x0", "x1"] and list(drivers["rank"]) == [1, 2]
    with pytest.raises(SmartcityError, match="Saltelli"):
        sensitivity_table(_store(values, "lhs", ["x0", "x1", "x2"], n), "k0")
    values[0, 3] = np.nan
    with pytest.raises(SmartcityError, match="have no value"):
        sensitivity_table(_store(values, "saltelli", ["x0", "x1", "x2"], n), "k0")


# --------------------------------------------------------------------------------------
# end to end: a Saltelli sweep, its KPI table, its sensitivity and the report
# --------------------------------------------------------------------------------------


def test_commands_on_a_saltelli_sweep(pair, tmp_path, capsys):
    pytest.importorskip("distributed")
    from smartcity.cli import main

    base, other = pair
    store = tmp_path / "mc.zarr"
    argv = ["sweep", str(base), str(other), "--samples", "4", "--design", "saltelli", "--baseline", "small",
            "--workers", "1", "-o", str(store)]
    assert main(argv) == 0
    capsys.readouterr()
    assert main(["kpi", str(store), "--format", "csv"]) == 0
    text = capsys.readouterr().out
    header = text.splitlines()[0]
    assert "project 2017 P90" in header and "small 2015 mean" in header
    frame = pd.read_csv(__import__("io").StringIO(text), comment="#")
    assert frame.loc[frame["id"] == "co2_reduction_vs_baseline", "small 2017 P50"].iloc[0] == 0.0
    assert main(["sensitivity", str(store), "--kpi", "co2_total", "-o", str(tmp_path / "s.csv")]) == 0
    sens = pd.read_csv(tmp_path / "s.csv")
    assert set(sens["input"]) == {"measures.feedback.heat_saving_share", "uncertainty.grid_after_2016.scale"}
    assert main(["sensitivity", str(store)]) == 0
    assert "Top drivers" in capsys.readouterr().out
    assert main(["sensitivity", str(store), "--kpi", "co2_total", "-o", str(tmp_path / "s.csv")]) == 2  # exists
    results = tmp_path / "results"
    assert main(["run", str(base), str(other), "-o", str(results)]) == 0
    assert main(["report", str(results), "--scenario", "project", "--baseline", "small", "--sweep", str(store),
                 "-o", str(tmp_path / "report")]) == 0
    page = (tmp_path / "report" / "report.html").read_text(encoding="utf-8")
    assert 'id="uncertainty"' in page and "sobol_tornado.png" in page and "co2_uncertainty.png" in page
    assert (tmp_path / "report" / "figures" / "sobol_tornado.png").stat().st_size > 0
