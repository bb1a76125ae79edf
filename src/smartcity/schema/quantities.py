"""Numbers of the scenario language: strict base model, sourced quantities, trajectories, file paths.

Every section of a scenario (``[weather]``, ``[buildings]``, ``[supply]``, ``[measures.*]``,
...) is a model derived from :class:`StrictModel`; numbers with units use :func:`quantity`
(or :func:`quantity_of` where the unit chooses among several dimensions); numbers that change
over the years use :func:`trajectory`; file paths use :data:`ScenarioPath`. The section models
live in :mod:`smartcity.scenario.sections` and data files (``data/*.toml``) use the same types.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import numpy as np
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    model_validator,
)
from pydantic_core import PydanticCustomError

from smartcity.schema.units import CANONICAL, UNITS, to_canonical

__all__ = [
    "PathMarker", "ScenarioPath", "StrictModel", "Quantity", "quantity", "quantity_of", "Trajectory", "trajectory",
    "Sourced", "require_source",
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


class StrictModel(BaseModel):
    """Base of every scenario section: unknown keys and wrong types are errors."""

    # strict: "2020" is not a year and true is not a seed; a wrong type is an error, never converted.
    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True, strict=True, defer_build=True)


class Quantity(StrictModel):
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
        """The value in the canonical unit of its dimension (see :mod:`smartcity.schema.units`)."""
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


def quantity_of(*dimensions: str, ge: float = 0.0):
    """Annotated :class:`Quantity` whose dimension is chosen by its unit among ``dimensions``.

    A plain number is in the canonical unit of the first dimension. Used for costs that
    may be given per m2, per building, per kW, ... (the unit says which); ``ge`` bounds the
    value in the canonical unit of the dimension its unit belongs to.
    """
    units = [u for d in dimensions for u in UNITS[d]]

    def before(v: Any) -> Any:
        if isinstance(v, bool):
            return v  # let pydantic reject it
        if isinstance(v, (int, float)):
            return {"value": v, "unit": CANONICAL[dimensions[0]], "dimension": dimensions[0]}
        if isinstance(v, dict):
            if "dimension" in v:
                raise PydanticCustomError(
                    "unknown_quantity_key", "unknown key in a quantity",
                    {"value": "dimension", "allowed": "the keys value, unit, source, assumption, reason"},
                )
            unit = v.get("unit", CANONICAL[dimensions[0]])
            for dim in dimensions:
                if isinstance(unit, str) and unit in UNITS[dim]:
                    return {**v, "unit": unit, "dimension": dim}
            raise PydanticCustomError("unknown_unit", "unknown unit for this key",
                                      {"value": unit, "allowed": ", ".join(repr(u) for u in units)})
        return v

    def after(q: Quantity) -> Quantity:
        if q.canonical < ge:
            raise PydanticCustomError("out_of_range", "value out of range",
                                      {"value": q.value, "allowed": f"a number >= {ge:g} [{q.unit}]"})
        return q

    return Annotated[Quantity, BeforeValidator(before), AfterValidator(after)]


class Trajectory(StrictModel):
    """A quantity that changes over the years, given at some years and interpolated linearly.

    Written as ``{ year = [2014, 2028, 2029, 2030], value = [300, 250, 90, 80], unit = "g/kWh",
    source = "..." }``. Between two given years the value is interpolated linearly; before
    the first and after the last it stays constant. A step (e.g. a plant closing at the end
    of 2028) is two consecutive years with different values.
    """

    year: list[int] = Field(min_length=1, description="Years at which the value is given, increasing. [a]")
    value: list[float] = Field(min_length=1, description="Values in `unit`, one per year.")
    unit: str = Field(description="Unit of the values; must belong to the key's dimension.")
    source: str | None = Field(default=None, description="Document, table and year the values come from.")
    assumption: bool = Field(default=False, description="True if the values are assumptions (then give `reason`).")
    reason: str | None = Field(default=None, description="Why the assumption is made.")
    dimension: str = Field(default="dimensionless", exclude=True, description="Physical dimension (set by the key).")

    @model_validator(mode="after")
    def _consistent(self) -> "Trajectory":
        if len(self.year) != len(self.value):
            raise PydanticCustomError(
                "trajectory_length", "year and value have different lengths",
                {"value": f"{len(self.year)} years, {len(self.value)} values", "allowed": "one value per year"},
            )
        if any(b <= a for a, b in zip(self.year, self.year[1:])):
            raise PydanticCustomError(
                "trajectory_order", "years are not strictly increasing",
                {"value": self.year, "allowed": "strictly increasing years", "key": "year"},
            )
        if any(v != v for v in self.value):
            raise PydanticCustomError("trajectory_nan", "a value is not a number", {"allowed": "finite numbers"})
        if self.assumption and not self.reason:
            raise PydanticCustomError(
                "assumption_reason", "an assumption needs a reason",
                {"allowed": "assumption = true together with reason = \"...\""},
            )
        return self

    def at(self, years) -> np.ndarray:
        """Values in the canonical unit of the dimension at ``years`` (array-like of int)."""
        factor, offset = UNITS[self.dimension][self.unit]
        canonical = np.asarray(self.value, dtype=np.float64) * factor + offset
        return np.interp(np.asarray(years, dtype=np.float64), np.asarray(self.year, dtype=np.float64), canonical)


def trajectory(dimension: str, *, ge: float | None = None, le: float | None = None):
    """Annotated type for a :class:`Trajectory` (or a plain constant number) of ``dimension``."""
    units = UNITS[dimension]
    canonical = next(iter(units))

    def before(v: Any) -> Any:
        if isinstance(v, bool):
            return v
        if isinstance(v, (int, float)):  # a constant
            return {"year": [2000], "value": [v], "unit": canonical, "dimension": dimension}
        if isinstance(v, dict):
            if "dimension" in v:
                raise PydanticCustomError("unknown_quantity_key", "unknown key in a trajectory",
                                          {"value": "dimension",
                                           "allowed": "year, value, unit, source, assumption, reason"})
            unit = v.get("unit", canonical)
            if not isinstance(unit, str) or unit not in units:
                raise PydanticCustomError(
                    "unknown_unit", "unknown unit for this key",
                    {"value": unit, "allowed": ", ".join(repr(u) for u in units) + f" ({dimension})"},
                )
            return {**v, "unit": unit, "dimension": dimension}
        return v

    def after(t: Trajectory) -> Trajectory:
        factor, offset = units[t.unit]
        for v in t.value:
            x = v * factor + offset
            if (ge is not None and x < ge) or (le is not None and x > le):
                bounds = " and ".join(b for b in (ge is not None and f">= {ge:g}",
                                                  le is not None and f"<= {le:g}") if b)
                raise PydanticCustomError("out_of_range", "value out of range",
                                          {"value": v, "allowed": f"numbers {bounds} [{canonical}]"})
        return t

    return Annotated[Trajectory, BeforeValidator(before), AfterValidator(after)]


def require_source(entry) -> None:
    """Refuse an entry without a ``source``, or an ``assumption`` without a ``reason``."""
    if entry.assumption and not (entry.reason and entry.reason.strip()):
        raise PydanticCustomError("assumption_reason", "an assumption needs a reason",
                                  {"allowed": 'assumption = true together with reason = "..."'})
    if not entry.assumption and not (entry.source and entry.source.strip()):
        raise PydanticCustomError("no_source", "the entry has no source",
                                  {"allowed": 'source = "..." or assumption = true with reason = "..."'})


class Sourced(StrictModel):
    """Base of a data-file entry: a source, or an assumption with its reason."""

    source: str | None = Field(default=None, description="Document, table and year the numbers come from.")
    assumption: bool = Field(default=False, description="True if the numbers are assumed; then give `reason`.")
    reason: str | None = Field(default=None, description="Why the assumption is made.")

    @model_validator(mode="after")
    def _traceable(self):
        require_source(self)
        return self
