"""The ``[scenario]``, ``[weather]`` and ``[buildings]`` tables: identity and years, weather year, stock."""

from __future__ import annotations

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from smartcity.schema.quantities import ScenarioPath, StrictModel, quantity

__all__ = ["ScenarioInfo", "WeatherSection", "BuildingsSection"]


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
    drop: list[str] | None = Field(
        default=None,
        description="Dotted keys of tables or values inherited through 'extends' that this scenario does not "
                    "have, e.g. [\"transport\", \"measures.plusbus\"]; applied before this file's own keys.",
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
        description="EPW or CSV weather file (relative to the scenario file); "
                    "omitted = built-in Aalborg reference year.",
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
        description="Hours simulated before 1 January (taken from the end of the weather year) "
                    "to set the initial state [h].",
    )
