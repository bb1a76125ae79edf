"""Building blocks of scenario models: strict base model, sourced quantities, file paths.

Every section of a scenario (``[weather]``, ``[buildings]``, ``[supply]``, ``[measures.*]``,
...) is a model derived from :class:`StrictModel`; numbers with units use :func:`quantity`;
file paths use :data:`ScenarioPath`. Domain modules define their own section models with
these, and :mod:`smartcity.scenario.models` assembles them into the scenario.
"""

from __future__ import annotations

import functools
import tomllib
from importlib import resources
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
    ValidationError,
    model_validator,
)
from pydantic_core import PydanticCustomError

from smartcity.errors import InputError
from smartcity.units import UNITS, to_canonical

__all__ = [
    "PathMarker", "ScenarioPath", "StrictModel", "Quantity", "quantity", "Trajectory", "trajectory",
    "data_file_error", "parse_data_file",
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
    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True, strict=True)


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
                                          {"value": "dimension", "allowed": "year, value, unit, source, assumption, reason"})
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
                bounds = " and ".join(b for b in (ge is not None and f">= {ge:g}", le is not None and f"<= {le:g}") if b)
                raise PydanticCustomError("out_of_range", "value out of range",
                                          {"value": v, "allowed": f"numbers {bounds} [{canonical}]"})
        return t

    return Annotated[Trajectory, BeforeValidator(before), AfterValidator(after)]


def data_file_error(exc: ValidationError, file: str) -> InputError:
    """The first validation error of a data file (e.g. ``data/use_profiles.toml``) as an InputError."""
    err = exc.errors(include_url=False)[0]
    ctx = err.get("ctx") or {}
    loc = [str(p) for p in err["loc"]] + ([str(ctx["key"])] if "key" in ctx else [])
    key = ".".join(loc) or None
    if err["type"] == "extra_forbidden":
        return InputError("unknown key", file=file, key=key)
    if err["type"] == "missing":
        return InputError("required key is missing", file=file, key=key, allowed="add the key")
    value = ctx.get("value", err.get("input"))
    if isinstance(value, dict):  # a whole table: the key already says which
        return InputError(err["msg"], file=file, key=key, allowed=ctx.get("allowed"))
    return InputError(err["msg"], file=file, key=key, value=value, allowed=ctx.get("allowed"))


def parse_data_file(model: type[BaseModel], text: str, file: str):
    """Parse the TOML ``text`` of a data file into ``model``; errors name the file and key."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"not valid TOML ({exc})", file=file) from None
    try:
        return model.model_validate(document)
    except ValidationError as exc:
        raise data_file_error(exc, file) from None


def read_data_file(model: type[BaseModel], path, shipped: str, what: str):
    """Read and check a data file into ``model``: ``path``, or the shipped one.

    Parameters
    ----------
    model : pydantic model class
        The file's structure.
    path : str or Path or None
        A TOML file laid out as the shipped one; None for the shipped file
        ``smartcity/<shipped>``, parsed once and cached.
    shipped : str
        Path of the shipped file inside the package, e.g. ``"data/vehicles.toml"``.
    what : str
        What the file holds, for the message when it cannot be read (e.g. "vehicles").

    Raises
    ------
    InputError
        An unreadable file, invalid TOML or content; the message names the file and key.
    """
    if path is None:
        return _shipped_data_file(model, shipped)
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read the {what} file ({exc.strerror or exc})", file=path) from None
    return parse_data_file(model, text, str(path))


@functools.cache
def _shipped_data_file(model: type[BaseModel], shipped: str):
    source = resources.files("smartcity").joinpath(shipped)
    return parse_data_file(model, source.read_text(encoding="utf-8"), f"smartcity/{shipped}")


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
