"""The scenario file's structure: the section models assembled into :class:`Scenario`.

Every field has a docstring-like ``description`` and, for numbers, a unit: in the key
name (``..._years``), in the description, or as an inline quantity
``{ value = 0.2, unit = "1", source = "..." }`` (see :class:`Quantity`).
"""

from __future__ import annotations

import typing
from typing import Annotated, Any

from pydantic import BaseModel, Field, model_validator
from pydantic_core import PydanticCustomError

from smartcity.scenario.keys import check_scale_factors
from smartcity.scenario.sections.emissions import EmissionsSection
from smartcity.scenario.sections.general import BuildingsSection, ScenarioInfo, WeatherSection
from smartcity.scenario.sections.measures import MEASURE_TYPES, Measure, MeasureId
from smartcity.scenario.sections.supply import SupplySection
from smartcity.scenario.sections.transport import TransportSection
from smartcity.scenario.sections.uncertainty import ScaleFactor
from smartcity.schema.files import model_of
from smartcity.schema.quantities import PathMarker, Quantity, StrictModel

#: The ``[measures]`` section: measure id -> measure of a registered type, in this order.
ScenarioMeasures = dict[MeasureId, Measure]

__all__ = ["Scenario", "ScenarioMeasures", "path_keys"]


class Scenario(StrictModel):
    """A resolved scenario: what one run simulates."""

    scenario: ScenarioInfo = Field(description="Identity, years and seed.")
    weather: WeatherSection = Field(default_factory=WeatherSection, description="Weather year.")
    buildings: BuildingsSection = Field(description="Building stock.")
    supply: SupplySection = Field(default_factory=SupplySection,
                                  description="District heating, grid electricity, heat pumps, boilers, cooling, PV.")
    emissions: EmissionsSection = Field(default_factory=EmissionsSection,
                                        description="Emission-factor method and overrides.")
    transport: TransportSection | None = Field(
        default=None,
        description="Zones, network, lines and parameters of the transport model (omitted: no transport).")
    measures: ScenarioMeasures = Field(default_factory=dict,
                                       description="Dated measures on the building stock and on transport, "
                                                   "by identifier.")
    uncertainty: dict[MeasureId, ScaleFactor] = Field(
        default_factory=dict,
        description="Scale factors on trajectories or quantities, by name (nominal value applied in every run; "
                    "a distribution makes the factor an uncertain input of sweeps and Monte Carlo runs).")

    @model_validator(mode="after")
    def _scale_factors_apply(self) -> "Scenario":
        problem = check_scale_factors(self, self.uncertainty)
        if problem is not None:
            where, text = problem.split(": ", 1)
            raise PydanticCustomError("scale_factor", text, {"key": f"uncertainty.{where}",
                                                             "allowed": "the dotted key of a trajectory or quantity"})
        return self

    @property
    def name(self) -> str:
        return self.scenario.name

    @property
    def years(self) -> list[int]:
        return self.scenario.years


def _is_path_annotation(annotation: Any) -> bool:
    if typing.get_origin(annotation) is Annotated:
        args = typing.get_args(annotation)
        if any(isinstance(m, PathMarker) for m in args[1:]):
            return True
        return _is_path_annotation(args[0])
    return any(_is_path_annotation(a) for a in typing.get_args(annotation))


def path_keys(model: type[BaseModel] = Scenario, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Key paths of all path-valued fields (``'*'`` stands for any key of a mapping)."""
    keys: list[tuple[str, ...]] = []
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if any(isinstance(m, PathMarker) for m in field.metadata) or _is_path_annotation(annotation):
            keys.append(prefix + (name,))
            continue
        if typing.get_origin(annotation) is dict:
            value = typing.get_args(annotation)[1]
            # a measure's model is chosen by its type: the paths of every registered type
            subs = list(MEASURE_TYPES.values()) if value == Measure else [model_of(value)]
            for sub in subs:
                if sub is not None:
                    keys.extend(k for k in path_keys(sub, prefix + (name, "*")) if k not in keys)
            continue
        sub = model_of(annotation)
        if sub is not None and sub is not Quantity:
            keys.extend(path_keys(sub, prefix + (name,)))
    return keys
