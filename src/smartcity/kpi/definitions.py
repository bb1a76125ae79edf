"""The KPI data files: definitions, energy prices and primary energy factors.

Three shipped TOML files, read and checked with the scenario machinery (strict pydantic
models, errors name the file and key):

* ``data/kpis.toml``: one ``[[kpi]]`` table per indicator (id, name, unit, category,
  better direction, framework references, description) and the ``[parameters]`` of the
  social-reach KPIs;
* ``data/energy_prices.toml``: end-user price per kWh of each carrier (and the PV feed-in
  price);
* ``data/primary_energy_factors.toml``: primary energy per kWh delivered, by carrier.

Every number is a quantity with its unit and a ``source``, or ``assumption = true`` with a
``reason``; the models below refuse a number with neither.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from smartcity.schema.files import read_data_file
from smartcity.schema.quantities import Quantity, StrictModel, quantity

__all__ = [
    "FrameworkRef", "KPIDefinition", "KPIParameters", "KPIFile", "EnergyPrices", "PrimaryEnergyFactors",
    "load_definitions", "load_prices", "load_primary_energy_factors", "CATEGORIES", "FRAMEWORKS",
    "PRICED_CARRIERS",
]

KPIS_FILE = "data/kpis.toml"
PRICES_FILE = "data/energy_prices.toml"
FACTORS_FILE = "data/primary_energy_factors.toml"

#: KPI categories, in table order.
CATEGORIES = ("energy", "climate", "mobility", "economics", "social")
#: Frameworks a KPI may reference.
FRAMEWORKS = ("SCIS", "CITYkeys", "Covenant of Mayors")
#: Carriers with a price and a primary energy factor (those of the results' ``carrier`` dimension).
PRICED_CARRIERS = ("district_heat", "electricity", "natural_gas", "heating_oil", "biomass", "gasoline", "diesel")


def _traceable(q: Quantity | None) -> Quantity | None:
    if q is not None and not q.assumption and not (q.source and q.source.strip()):
        raise PydanticCustomError("no_source", "the number has no source",
                                  {"allowed": 'source = "..." or assumption = true with reason = "..."'})
    return q


class FrameworkRef(StrictModel):
    """A KPI's counterpart in a framework."""

    framework: Literal["SCIS", "CITYkeys", "Covenant of Mayors"] = Field(description="Framework.")
    indicator: str = Field(min_length=1, description="The indicator's name in the framework.")
    verified: bool = Field(description="True if the name was checked against the framework's document.")


class KPIDefinition(StrictModel):
    """One ``[[kpi]]`` table."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64, description="Identifier; the function's name.")
    name: str = Field(min_length=1, description="Name for people.")
    unit: str = Field(min_length=1, description="Unit of the value.")
    category: Literal["energy", "climate", "mobility", "economics", "social"] = Field(description="Category.")
    better: Literal["lower", "higher", "neutral"] = Field(description="Desirable direction.")
    items: str | None = Field(default=None, description="What a breakdown KPI is split by.")
    omit_zero_items: bool = Field(default=False, description="Leave out items that are zero in every column.")
    frameworks: list[FrameworkRef] = Field(description="References in SCIS, CITYkeys, Covenant of Mayors.")
    description: str = Field(min_length=1, description="How the KPI is computed.")


class KPIParameters(StrictModel):
    """``[parameters]``: figures of the social-reach KPIs."""

    mean_dwelling_floor_area: quantity("area", gt=0.0, le=1000.0) = Field(  # type: ignore[valid-type]
        description="Mean heated floor area of a renovated dwelling. [m2]")
    persons_per_dwelling: quantity("dimensionless", gt=0.0, le=20.0) = Field(  # type: ignore[valid-type]
        description="Mean number of residents of a dwelling. [1]")

    _sourced = field_validator("mean_dwelling_floor_area", "persons_per_dwelling")(_traceable)


class KPIFile(StrictModel):
    """The whole ``kpis.toml``."""

    parameters: KPIParameters = Field(description="Parameters of the social-reach KPIs.")
    kpi: list[KPIDefinition] = Field(min_length=1, description="The KPIs, in table order.")

    @model_validator(mode="after")
    def _unique(self) -> "KPIFile":
        seen: set[str] = set()
        for k in self.kpi:
            if k.id in seen:
                raise PydanticCustomError("duplicate_kpi", "a KPI id appears twice",
                                          {"value": k.id, "allowed": "each id once"})
            seen.add(k.id)
        return self

    def by_id(self) -> dict[str, KPIDefinition]:
        """KPI id -> definition, in file order."""
        return {k.id: k for k in self.kpi}


_PRICE = quantity("cost_per_energy", ge=0.0, le=1e5)
_FACTOR = quantity("dimensionless", ge=0.0, le=10.0)


class _Price(StrictModel):
    price: _PRICE = Field(description="End-user price per kWh of delivered energy. [EUR/MWh]")  # type: ignore[valid-type]

    _sourced = field_validator("price")(_traceable)


class EnergyPrices(StrictModel):
    """``energy_prices.toml``: price of each carrier. Values in EUR/MWh via ``.eur_per_mwh``."""

    district_heat: _Price = Field(description="District heat, variable tariff.")
    electricity: _Price = Field(description="Grid electricity drawn.")
    electricity_feed_in: _Price = Field(description="PV electricity fed into the grid.")
    natural_gas: _Price = Field(description="Natural gas.")
    heating_oil: _Price = Field(description="Heating oil.")
    biomass: _Price = Field(description="Solid biomass (wood pellets).")
    gasoline: _Price = Field(description="Motor gasoline.")
    diesel: _Price = Field(description="Diesel.")

    def eur_per_mwh(self) -> dict[str, float]:
        """Carrier (and ``electricity_feed_in``) -> price. [EUR/MWh]"""
        return {name: getattr(self, name).price.canonical for name in type(self).model_fields}


class _Factor(StrictModel):
    factor: _FACTOR = Field(description="Primary energy per unit of delivered energy. [1]")  # type: ignore[valid-type]

    _sourced = field_validator("factor")(_traceable)


class PrimaryEnergyFactors(StrictModel):
    """``primary_energy_factors.toml``: factor of each carrier."""

    district_heat: _Factor = Field(description="Delivered district heat.")
    electricity: _Factor = Field(description="Grid electricity drawn.")
    natural_gas: _Factor = Field(description="Natural gas.")
    heating_oil: _Factor = Field(description="Heating oil.")
    biomass: _Factor = Field(description="Solid biomass.")
    gasoline: _Factor = Field(description="Motor gasoline.")
    diesel: _Factor = Field(description="Diesel.")

    def factors(self) -> dict[str, float]:
        """Carrier -> factor. [1]"""
        return {name: getattr(self, name).factor.canonical for name in type(self).model_fields}


def load_definitions(path: str | Path | None = None) -> KPIFile:
    """The KPI definitions: ``path`` laid out as ``data/kpis.toml``, or the shipped file (cached)."""
    return read_data_file(KPIFile, path, KPIS_FILE, "KPI definitions")


def load_prices(path: str | Path | None = None) -> EnergyPrices:
    """Energy prices: ``path`` laid out as ``data/energy_prices.toml``, or the shipped file (cached)."""
    return read_data_file(EnergyPrices, path, PRICES_FILE, "energy prices")


def load_primary_energy_factors(path: str | Path | None = None) -> PrimaryEnergyFactors:
    """Primary energy factors: ``path`` laid out as ``data/primary_energy_factors.toml``, or the shipped file."""
    return read_data_file(PrimaryEnergyFactors, path, FACTORS_FILE, "primary energy factors")
