"""Per-measure decomposition and the marginal abatement cost curve."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smartcity.errors import SmartcityError
from smartcity.kpi import (
    INTERACTION,
    abatement_curve,
    allocate_interaction,
    load_prices,
    measure_contributions,
)
from smartcity.kpi.indicators import energy_cost_by_measure

finite = st.floats(min_value=-1e5, max_value=1e5, allow_nan=False, allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(st.lists(finite, min_size=1, max_size=15), finite)
def test_allocation_sums_to_the_total_and_is_order_independent(add_one, interaction):
    a = np.array(add_one)
    c = allocate_interaction(a, interaction)
    scale = np.abs(a).sum() + abs(interaction)
    assert c.sum() == pytest.approx(a.sum() + interaction, rel=1e-9, abs=1e-12 * max(scale, 1.0))
    order = np.argsort(-a, kind="stable")
    assert np.allclose(allocate_interaction(a[order], interaction), c[order], rtol=1e-12, atol=1e-9)


def test_allocation_without_interaction_is_add_one():
    a = np.array([3.0, -1.0, 5.0])
    assert allocate_interaction(a, 0.0).tolist() == a.tolist()


def total_reduction(ds, scenario):
    s = ds.sel(scenario=scenario)
    return (s["co2_without_measures"] - s["co2"].sum(("sector", "carrier"))).to_series()


def test_contributions_sum_to_the_total_reduction_each_year(default_run):
    table = measure_contributions(default_run, "lighthouse")
    totals = total_reduction(default_run, "lighthouse")
    shown_interaction = 0
    for year, total in totals.items():
        part = table.loc[int(year)]
        assert part["add_one_t"].sum() == pytest.approx(total, rel=1e-9, abs=1e-6)
        assert part["allocated_t"].sum() == pytest.approx(total, rel=1e-9, abs=1e-6)
        interaction = float(default_run["co2_reduction_interaction"].sel(scenario="lighthouse", year=year))
        if interaction != 0.0:
            shown_interaction += 1
            assert part.loc[INTERACTION, "add_one_t"] == pytest.approx(interaction)
            assert part.loc[INTERACTION, "allocated_t"] == 0.0
        else:
            assert INTERACTION not in part.index
    assert shown_interaction > 0  # the lighthouse's measures overlap
    measures = [m for m in table.loc[2030].index if m != INTERACTION]
    assert measures == [str(m) for m in default_run["measure"].values]


def test_baseline_has_no_contributions(default_run):
    table = measure_contributions(default_run, "baseline")
    assert table.empty
    assert all(v == pytest.approx(0.0, abs=1e-9) for v in table.attrs["total_t"].values())


def test_abatement_curve_is_sorted_and_its_widths_sum_to_the_total(default_run):
    curve = abatement_curve(default_run, "lighthouse")
    total = float(total_reduction(default_run, "lighthouse").loc[2030])
    assert list(curve.columns) == ["measure", "type", "abatement_t", "annual_cost_eur", "cost_eur_per_t",
                                   "cumulative_t", "end_t"]
    assert curve.attrs["year"] == 2030 and curve.attrs["total_t"] == pytest.approx(total)
    assert (np.diff(curve["cost_eur_per_t"].to_numpy()) >= 0).all()
    assert (curve["abatement_t"] > 0).all()
    excluded = sum(r["abatement_t"] for r in curve.attrs["excluded"])
    assert curve["abatement_t"].sum() + excluded == pytest.approx(total, rel=1e-9)
    # bars touch: each starts where the previous ends, the first at 0
    assert curve["cumulative_t"].iloc[0] == 0.0
    assert np.allclose(curve["cumulative_t"].to_numpy()[1:], curve["end_t"].to_numpy()[:-1])
    assert curve["end_t"].iloc[-1] == pytest.approx(total - excluded, rel=1e-9)
    assert np.allclose(curve["cost_eur_per_t"], curve["annual_cost_eur"] / curve["abatement_t"])


def test_curve_cost_is_annual_cost_minus_energy_cost_savings(default_run):
    curve = abatement_curve(default_run, "lighthouse", 2025).set_index("measure")
    one = default_run.sel(scenario="lighthouse", year=2025)
    savings = energy_cost_by_measure(one, load_prices().eur_per_mwh()).to_series()
    annual = one["measure_annual_cost"].to_series()
    for m, row in curve.iterrows():
        assert row["annual_cost_eur"] == pytest.approx(annual[m] - savings[m])
    # PV saves grid electricity at the retail price: cheaper than free
    assert curve.loc["rooftop_pv", "annual_cost_eur"] < 0


def test_measures_without_positive_abatement_are_listed_not_drawn(default_run):
    ds = default_run.copy(deep=True)
    red = ds["co2_reduction_by_measure"]
    idx = dict(scenario="lighthouse", year=2030, measure="smart_charging")
    red.loc[idx] = -50.0
    ds["co2_reduction_interaction"].loc[dict(scenario="lighthouse", year=2030)] += 50.0 + float(
        default_run["co2_reduction_by_measure"].sel(**idx))  # keep the total
    curve = abatement_curve(ds, "lighthouse", 2030)
    assert "smart_charging" not in set(curve["measure"])
    [excluded] = curve.attrs["excluded"]
    assert excluded["measure"] == "smart_charging" and excluded["abatement_t"] < 0
    assert np.isnan(excluded["cost_eur_per_t"])
    total = float(total_reduction(default_run, "lighthouse").loc[2030])
    assert curve["abatement_t"].sum() + excluded["abatement_t"] == pytest.approx(total, rel=1e-9)


def test_scenario_without_measures_gives_an_empty_curve(default_run):
    curve = abatement_curve(default_run, "baseline")
    assert curve.empty and curve.attrs["excluded"] == []


def test_unknown_scenario_or_year_is_refused(default_run):
    with pytest.raises(SmartcityError, match="scenario 'nope' is not in the results"):
        abatement_curve(default_run, "nope")
    with pytest.raises(SmartcityError, match="year 2040 is not in the results"):
        abatement_curve(default_run, "lighthouse", 2040)


def test_small_district_curve(small_run):
    curve = abatement_curve(small_run, "small_light", 2017)
    assert set(curve["measure"]) | {r["measure"] for r in curve.attrs["excluded"]} == {"reno", "feedback"}
    table = measure_contributions(small_run, "small_light")
    for year, total in table.attrs["total_t"].items():
        assert table.loc[year]["allocated_t"].sum() == pytest.approx(total, rel=1e-9, abs=1e-9)
