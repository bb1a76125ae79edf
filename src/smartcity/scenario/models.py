"""The scenario file's structure: pydantic models with ``extra="forbid"``.

Every field has a docstring-like ``description`` and, for numbers, a unit: in the key
name (``..._years``), in the description, or as an inline quantity
``{ value = 0.2, unit = "1", source = "..." }`` (see :class:`Quantity`).
"""

from __future__ import annotations

import typing
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, Strict, model_validator,
)
from pydantic_core import PydanticCustomError

from smartcity.units import UNITS, to_canonical

__all__ = [
    "Quantity", "quantity", "ScenarioPath", "ScenarioInfo", "WeatherSection", "BuildingsSection",
    "Scenario", "path_keys",
]


class PathMarker:
    """Marks a field whose string value is a file path, resolved relative to its scenario file."""

    def __repr__(self) -> str:  # pragma: no cover - cosmetic
        return "PathMarker()"


def _non_empty_path(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        raise PydanticCustomError("empty_path", "empty path", {"allowed": "a file name, relative to the scenario file"})
    return value


# Paths arrive as TOML strings: the only field type converted from another type.
ScenarioPath = Annotated[Path, PathMarker(), Strict(False), BeforeValidator(_non_empty_path)]


class _Strict(BaseModel):
    # strict: "2020" is not a year and true is not a seed; a wrong type is an error, never converted.
    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True, strict=True)


class Quantity(_Strict):
    """A number with its unit and where it comes from.

    Written in a scenario as an inline table, e.g.
    ``emission_factor = { value = 55, unit = "kg/MWh", source = "Fjernvarme Fyn 2023 declaration" }``
    or as a plain number in the key's canonical unit.
    """

    value: float = Field(description="The number, in `unit`.", allow_inf_nan=False)
    unit: str = Field(description="Unit of `value`; must belong to the key's dimension.")
    source: str | None = Field(default=None, description="Document, table and year the number comes from.")
    assumption: bool = Field(default=False, description="True if the number is an assumption (then give `reason`).")
    reason: str | None = Field(default=None, description="Why the assumption is made.")
    dimension: str = Field(default="dimensionless", exclude=True, description="Physical dimension (set by the key).")

    @property
    def canonical(self) -> float:
        """The value in the canonical unit of its dimension (see :mod:`smartcity.units`)."""
        return to_canonical(self.value, self.unit, self.dimension)

    @model_validator(mode="after")
    def _assumption_has_reason(self) -> "Quantity":
        if self.assumption and not self.reason:
            raise PydanticCustomError(
                "assumption_reason", "an assumption needs a reason",
                {"allowed": "assumption = true together with reason = \"...\""},
            )
        return self


def quantity(dimension: str, *, ge: float | None = None, le: float | None = None,
             gt: float | None = None, lt: float | None = None):
    """Annotated type for a scenario number of ``dimension``, range-checked in canonical units."""
    units = UNITS[dimension]
    canonical = next(iter(units))

    def before(v: Any) -> Any:
        if isinstance(v, bool):
            return v  # let pydantic reject it
        if isinstance(v, (int, float)):
            return {"value": v, "unit": canonical, "dimension": dimension}
        if isinstance(v, dict):
            if "dimension" in v:
                raise PydanticCustomError(
                    "unknown_quantity_key", "unknown key in a quantity",
                    {"value": "dimension", "allowed": "the keys value, unit, source, assumption, reason"},
                )
            unit = v.get("unit", canonical)
            if not isinstance(unit, str) or unit not in units:
                raise PydanticCustomError(
                    "unknown_unit", "unknown unit for this key",
                    {"value": unit, "allowed": ", ".join(repr(u) for u in units) + f" ({dimension})"},
                )
            return {**v, "unit": unit, "dimension": dimension}
        if isinstance(v, Quantity):
            return v
        return v

    def after(q: Quantity) -> Quantity:
        x = q.canonical
        bounds = []
        bad = False
        if ge is not None:
            bounds.append(f">= {ge:g}")
            bad |= x < ge
        if gt is not None:
            bounds.append(f"> {gt:g}")
            bad |= x <= gt
        if le is not None:
            bounds.append(f"<= {le:g}")
            bad |= x > le
        if lt is not None:
            bounds.append(f"< {lt:g}")
            bad |= x >= lt
        if bad:
            raise PydanticCustomError(
                "out_of_range", "value out of range",
                {"value": q.value, "allowed": "a number " + " and ".join(bounds) + f" [{canonical}]"},
            )
        return q

    return Annotated[Quantity, BeforeValidator(before), AfterValidator(after)]


def _source(text: str, **kw) -> dict:
    return {"source": text, **kw}


class ScenarioInfo(_Strict):
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


class WeatherSection(_Strict):
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


class BuildingsSection(_Strict):
    """The ``[buildings]`` table: the building stock and thermal-model settings."""

    table: ScenarioPath = Field(description="Buildings table (CSV or Parquet) with the 'buildings' schema.")
    warmup_hours: int = Field(
        default=168, ge=0, le=8760,
        description="Hours simulated before 1 January (taken from the end of the weather year) to set the initial state [h].",
    )


class Scenario(_Strict):
    """A resolved scenario: what one run simulates."""

    scenario: ScenarioInfo = Field(description="Identity, years and seed.")
    weather: WeatherSection = Field(default_factory=WeatherSection, description="Weather year.")
    buildings: BuildingsSection = Field(description="Building stock.")

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
