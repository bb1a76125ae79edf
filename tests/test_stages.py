"""Measures with stages: the registry, and a new measure as one class plus its registration.

A measure of stage ``supply`` written here — one class, registered — is read from a
scenario file, applied by the orchestrator in its stage, attributed (alone, together,
interaction) and costed exactly like the shipped ones.
"""

from __future__ import annotations

from typing import ClassVar, Literal

import numpy as np
import pytest
from pydantic import Field

from smartcity.errors import InputError
from smartcity.run import load_inputs, run_scenarios
from smartcity.scenario import load_scenario
from smartcity.scenario.sections.measures import (
    MEASURE_TYPES,
    STAGES,
    MeasureBase,
    of_stage,
    register_measure,
)
from smartcity.schema.quantities import quantity

CO2 = ("sector", "carrier")


class CleanerDistrictHeat(MeasureBase):
    """Test measure: the district heat's CO2 factor falls by ``reduction`` × the year's share."""

    type: Literal["cleaner_district_heat"] = Field(description="Measure type.")
    reduction: quantity("dimensionless", ge=0.0, le=1.0) = Field(  # type: ignore[valid-type]
        description="Share of the CO2 factor of delivered district heat removed at full effect. [1]")
    investment: quantity("currency_eur", ge=0.0) = Field(description="Investment of the whole measure.")  # type: ignore[valid-type]
    stage: ClassVar[str] = "supply"

    def apply(self, supply, share: float) -> None:
        supply.scale_district_heat_factor(1.0 - share * self.reduction.canonical)


@pytest.fixture
def registered():
    register_measure(CleanerDistrictHeat)
    yield CleanerDistrictHeat
    MEASURE_TYPES.pop("cleaner_district_heat")


SUPPLY_MEASURE = """
[measures.heat_plan]
type = "cleaner_district_heat"
start_year = 2016
ramp = { value = 50, unit = "%/a", assumption = true, reason = "test" }
reduction = { value = 40, unit = "%", assumption = true, reason = "test" }
investment = { value = 2, unit = "MEUR", assumption = true, reason = "test" }
lifetime_years = 20
"""

FEEDBACK = """
[measures.feedback]
type = "smart_meter_feedback"
start_year = 2015
ramp = { value = 100, unit = "%", by_year = 2015, assumption = true, reason = "test" }
heat_saving_share = { value = 10, unit = "%", assumption = true, reason = "test" }
investment = { value = 100, unit = "EUR", assumption = true, reason = "test" }
lifetime_years = 10
"""


def variant(small_scenario, text: str, name: str):
    path = small_scenario.parent / f"{name}.toml"
    path.write_text(f'[scenario]\nextends = "baseline.toml"\nname = "{name}"\n' + text, encoding="utf-8")
    return path


def test_every_registered_measure_has_a_stage_and_its_hook():
    for name, cls in MEASURE_TYPES.items():
        assert cls.stage in STAGES, name
        assert cls.apply is not MeasureBase.__dict__.get("apply"), name
    assert {cls.stage for cls in MEASURE_TYPES.values()} == {"stock", "demand", "transport", "charging", "supply"}


def test_registration_refuses_what_is_not_a_measure(registered):
    with pytest.raises(TypeError, match="already registered"):
        class Other(CleanerDistrictHeat):
            pass
        register_measure(Other)
    with pytest.raises(TypeError, match="not a measure class"):
        register_measure(int)

    class NoStage(MeasureBase):
        type: Literal["no_stage"] = Field(description="Measure type.")

    with pytest.raises(TypeError, match="stage"):
        register_measure(NoStage)


def test_an_unregistered_type_is_refused_naming_the_registered_ones(small_scenario):
    path = variant(small_scenario, SUPPLY_MEASURE, "plan")
    with pytest.raises(InputError, match="unknown measure type") as info:
        load_scenario(path)
    assert "measures.heat_plan.type" in str(info.value) and "'rooftop_pv'" in str(info.value)


def test_a_registered_supply_measure_is_read_checked_and_dumped(small_scenario, registered):
    resolved = load_scenario(variant(small_scenario, SUPPLY_MEASURE, "plan"))
    measure = resolved.model.measures["heat_plan"]
    assert isinstance(measure, CleanerDistrictHeat) and of_stage(resolved.model.measures, "supply") == {
        "heat_plan": measure}
    assert [measure.share(y) for y in (2015, 2016, 2017)] == [0.0, 0.5, 1.0]
    assert 'type = "cleaner_district_heat"' in resolved.to_toml()
    bad = variant(small_scenario, SUPPLY_MEASURE.replace("value = 40", "value = 140"), "bad")
    with pytest.raises(InputError, match="value out of range") as info:
        load_scenario(bad)
    assert "measures.heat_plan.reduction" in str(info.value)
    typo = variant(small_scenario, SUPPLY_MEASURE.replace("reduction =", "reducton ="), "typo")
    with pytest.raises(InputError, match="did you mean 'reduction'"):
        load_scenario(typo)


def test_supply_stage_runs_attributes_and_costs(small_scenario, registered):
    plan = variant(small_scenario, SUPPLY_MEASURE + FEEDBACK, "plan")
    ds = run_scenarios([small_scenario, plan], command="test")
    base, s = ds.sel(scenario="small"), ds.sel(scenario="plan")
    factor = base["district_heating_emission_factor"].values
    # the supply stage scales the year's factor by 1 - share x 40 %: shares 0, 0.5, 1 in 2015-2017
    np.testing.assert_allclose(s["district_heating_emission_factor"].values, factor * [1.0, 0.8, 0.6], rtol=1e-12)
    # district heat's CO2 is its delivered heat times the factor, in every year
    dh = s["co2"].sel(carrier="district_heat").sum("sector").values
    delivered = s["final_energy"].sel(carrier="district_heat").sum("sector").values  # [MWh/a]
    np.testing.assert_allclose(dh, delivered * s["district_heating_emission_factor"].values / 1e3, rtol=1e-9)
    # attribution: alone, the measure removes exactly its share of the district heat's CO2 without measures
    without = base["co2"].sel(carrier="district_heat").sum("sector").values  # the same stock, no measures
    alone = s["co2_reduction_by_measure"].sel(measure="heat_plan").values
    np.testing.assert_allclose(alone, without * [0.0, 0.2, 0.4], rtol=1e-9)
    # the two measures interact (cleaner heat is worth less when less heat is used): the remainder is negative
    interaction = s["co2_reduction_interaction"].values
    assert interaction[0] == pytest.approx(0.0, abs=1e-9) and (interaction[1:] < 0).all()
    total = s["co2_without_measures"].values - s["co2"].sum(CO2).values
    np.testing.assert_allclose(s["co2_reduction_by_measure"].sum("measure").values + interaction, total, rtol=1e-9)
    # costs: one investment for the whole measure, in proportion to the growth of its share
    np.testing.assert_allclose(s["measure_investment"].sel(measure="heat_plan").values, [0.0, 1e6, 1e6])
    assert s["measure_type"].sel(measure="heat_plan").item() == "cleaner_district_heat"


def test_a_sweep_task_applies_the_supply_stage_without_attribution(small_scenario, registered):
    plan = variant(small_scenario, SUPPLY_MEASURE, "plan")
    inputs = load_inputs([plan])
    ds = run_scenarios([plan], inputs=inputs, attribution=False)
    assert "co2_reduction_by_measure" not in ds
    trajectory = inputs[0].resolved.model.supply.district_heating.emission_factor
    np.testing.assert_allclose(ds["district_heating_emission_factor"].sel(scenario="plan").values,
                               trajectory.at([2015, 2016, 2017]) * [1.0, 0.8, 0.6], rtol=1e-12)
