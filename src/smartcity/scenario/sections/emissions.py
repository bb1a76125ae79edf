"""The ``[emissions]`` table: how final energy becomes CO2 (method, electricity factor, fuel factors).

The inventory itself is :mod:`smartcity.emissions`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from smartcity.schema.quantities import StrictModel, quantity

__all__ = ["FuelFactorOverrides", "EmissionsSection", "EMISSION_FACTOR"]

#: A fuel's CO2 per unit of final energy, as the scenario and ``data/emission_factors.toml`` give it. [g/kWh]
EMISSION_FACTOR = quantity("emission_factor", ge=0.0, le=2000.0)

class FuelFactorOverrides(StrictModel):
    """``[emissions.fuel_factors]``: local fuel factors replacing the shipped ones.

    Each key is optional; an omitted carrier uses ``data/emission_factors.toml`` for the
    scenario's method. Give a value with its unit and source, e.g.
    ``natural_gas = { value = 0.204, unit = "t/MWh", source = "Energistyrelsen 2020" }``.
    """

    natural_gas: EMISSION_FACTOR | None = Field(default=None, description="Natural gas [g/kWh].")  # type: ignore[valid-type]
    heating_oil: EMISSION_FACTOR | None = Field(default=None, description="Heating oil [g/kWh].")  # type: ignore[valid-type]
    biomass: EMISSION_FACTOR | None = Field(default=None, description="Solid biomass [g/kWh].")  # type: ignore[valid-type]
    gasoline: EMISSION_FACTOR | None = Field(default=None, description="Motor gasoline [g/kWh].")  # type: ignore[valid-type]
    diesel: EMISSION_FACTOR | None = Field(default=None, description="Diesel [g/kWh].")  # type: ignore[valid-type]


class EmissionsSection(StrictModel):
    """The ``[emissions]`` table: how final energy becomes CO2."""

    method: Literal["ipcc", "lca"] = Field(
        default="ipcc",
        description="Emission factors: 'ipcc' (direct combustion CO2, the Covenant of Mayors default) or "
                    "'lca' (life cycle, supply chain included).",
    )
    electricity_factor: Literal["national", "local"] = Field(
        default="national",
        description="Grid electricity factor: 'national' (the [supply.electricity] intensity) or 'local' "
                    "(corrected for local renewable production, Covenant of Mayors formula).",
    )
    fuel_factors: FuelFactorOverrides = Field(default_factory=FuelFactorOverrides,
                                              description="Overrides of the shipped fuel factors.")
