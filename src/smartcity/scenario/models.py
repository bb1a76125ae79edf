"""The scenario file's structure: pydantic models with ``extra="forbid"``.

Every field has a docstring-like ``description`` and, for numbers, a unit: in the key
name (``..._years``), in the description, or as an inline quantity
``{ value = 0.2, unit = "1", source = "..." }`` (see :class:`Quantity`).
"""

from __future__ import annotations

import typing
from typing import Annotated, Any

from pydantic import BaseModel, Field, model_validator
from pydantic_core import PydanticCustomError

from smartcity.emissions import EmissionsSection
from smartcity.energy.measures import BUILDING_MEASURE_CLASSES, MeasureId, measure_union
from smartcity.energy.supply import SupplySection
from smartcity.scenario.overrides import ScaleFactor, check_scale_factors
from smartcity.scenario.types import (
    PathMarker,
    Quantity,
    ScenarioPath,
    StrictModel,
    quantity,
)
from smartcity.transport.measures import TRANSPORT_MEASURE_CLASSES
from smartcity.transport.model import TransportSection

#: The ``[measures]`` section: measure id -> building or transport measure, in this order.
ScenarioMeasures = dict[MeasureId, measure_union(BUILDING_MEASURE_CLASSES + TRANSPORT_MEASURE_CLASSES)]

__all__ = [
    "Quantity", "quantity", "ScenarioPath", "ScenarioInfo", "WeatherSection", "BuildingsSection",
    "Scenario", "path_keys",
]


class ScenarioInfo(StrictModel):
    """The ``[scenario]`` table: identity, time span and seed."""

    name: str = Field(
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", max_length=64,
        description="Short name used in results and file names (letters, digits, '_', '.', '-').",
    )
    description: str = Field(default="", description="One or two sentences for people.")
    base_year: int = Field(ge=1990, le=2100, description="Base year of the emission inventory [a]; must be simulated.")
    first_year: int = Field(ge=1990, le=2100, description="First simulated year [a].")
    last_year: int = Field(ge=1990, le=2100, description="Last simulated year [a].")
    year_step: int = Field(default=1, ge=1, le=50, description="Step between simulated years [a].")
    seed: int = Field(default=0, ge=0, le=2**63 - 1, description="Seed of every random draw of the run.")
    extends: str | None = Field(
        default=None, description="Parent scenario file (relative to this file) whose keys this file overrides.",
    )

    @model_validator(mode="after")
    def _years_consistent(self) -> "ScenarioInfo":
        if self.last_year < self.first_year:
            raise PydanticCustomError(
                "years_order", "last_year is before first_year",
                {"value": self.last_year, "allowed": f"a year >= first_year ({self.first_year})", "key": "last_year"},
            )
        if (self.last_year - self.first_year) % self.year_step:
            raise PydanticCustomError(
                "year_step", "last_year is not reached in steps of year_step from first_year",
                {"value": self.last_year, "key": "last_year",
                 "allowed": f"first_year + a multiple of year_step ({self.first_year} + k x {self.year_step})"},
            )
        if self.base_year not in self.years:
            raise PydanticCustomError(
                "base_year", "base_year is not one of the simulated years",
                {"value": self.base_year, "allowed": f"one of {self.years[0]}..{self.years[-1]} step {self.year_step}",
                 "key": "base_year"},
            )
        return self

    @property
    def years(self) -> list[int]:
        """Simulated years [a]."""
        return list(range(self.first_year, self.last_year + 1, self.year_step))


class WeatherSection(StrictModel):
    """The ``[weather]`` table: which weather year drives the models."""

    file: ScenarioPath | None = Field(
        default=None,
        description="EPW or CSV weather file (relative to the scenario file); omitted = built-in Aalborg reference year.",
    )
    ground_albedo: quantity("dimensionless", ge=0.0, le=1.0) = Field(  # type: ignore[valid-type]
        default={"value": 0.2, "unit": "1", "assumption": True,
                 "reason": "common default for grass and built surroundings (pvlib's default albedo)"},
        description="Ground reflectance for irradiance on tilted surfaces [1].",
    )


class BuildingsSection(StrictModel):
    """The ``[buildings]`` table: the building stock and thermal-model settings."""

    table: ScenarioPath = Field(description="Buildings table (CSV or Parquet) with the 'buildings' schema.")
    warmup_hours: int = Field(
        default=168, ge=0, le=8760,
        description="Hours simulated before 1 January (taken from the end of the weather year) to set the initial state [h].",
    )


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
        default=None, description="Zones, network, lines and parameters of the transport model (omitted: no transport).")
    measures: ScenarioMeasures = Field(default_factory=dict,
                                       description="Dated measures on the building stock and on transport, by identifier.")
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


def _model_of(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_of(arg)
        if found is not None:
            return found
    return None


def path_keys(model: type[BaseModel] = Scenario, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Key paths of all path-valued fields (``'*'`` stands for any key of a mapping)."""
    keys: list[tuple[str, ...]] = []
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if any(isinstance(m, PathMarker) for m in field.metadata) or _is_path_annotation(annotation):
            keys.append(prefix + (name,))
            continue
        if typing.get_origin(annotation) is dict:
            sub = _model_of(typing.get_args(annotation)[1])
            if sub is not None:
                keys.extend(path_keys(sub, prefix + (name, "*")))
            continue
        sub = _model_of(annotation)
        if sub is not None and sub is not Quantity:
            keys.extend(path_keys(sub, prefix + (name,)))
    return keys
