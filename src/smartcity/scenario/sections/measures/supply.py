"""Measures on the district-heating supply (stage ``supply``).

They act on the network of ``[supply.district_heating.network]`` (``mode = "dispatch"``)
through the year's :class:`smartcity.energy.district_heating.SupplyYear`, with the ramp
share ``s`` of the year::

    [measures.coal_chp_exit]
    type = "heat_units"
    start_year = 2029
    ramp = { value = 100, unit = "%", by_year = 2029, source = "..." }
    retire = ["njv3"]
    commission = ["seawater_hp", "air_hp"]
    investment = { value = 1500, unit = "MDKK", source = "..." }
    lifetime_years = 25

``heat_units``
    Units of the units table with status 'planned' in ``commission`` produce with ``s`` of
    their capacity (from their commissioning year in the table on); units in ``retire``
    keep ``1 − s`` of theirs.
``network_temperature_reduction``
    The network's supply and return temperatures fall by ``s × reduction``: the pipes
    lose less heat and heat pumps lift less.

Costs are one total investment for the whole measure, spent in proportion to the growth of
the ramp share (:mod:`smartcity.economics`), as for the transport measures.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from smartcity.errors import InputError
from smartcity.scenario.sections.measures.base import MeasureBase
from smartcity.schema.distributions import uncertain_quantity
from smartcity.schema.quantities import quantity

__all__ = ["SupplyMeasure", "HeatUnits", "NetworkTemperatureReduction", "SUPPLY_MEASURES"]


class SupplyMeasure(MeasureBase):
    """A measure on the district-heating network: one investment for the whole measure.

    It needs the network model (``supply.district_heating.mode = "dispatch"``), and the units
    it names must be in the network's units table (:meth:`check`).
    """

    investment: quantity("currency_eur", ge=0.0) = Field(  # type: ignore[valid-type]
        description="Investment of the whole measure at full effect (EUR, kEUR, MEUR, DKK, MDKK).")
    stage: ClassVar[str] = "supply"

    def check(self, key: str, inputs) -> None:
        """A supply measure needs the network model (its units table)."""
        if getattr(inputs, "heat_units", None) is None:
            raise InputError("a supply measure needs the district-heating network model", key=key,
                             allowed="supply.district_heating.mode = 'dispatch' with a network table, "
                                     "or no supply measures")


class HeatUnits(SupplyMeasure):
    """Production units of the network commissioned or retired."""

    type: Literal["heat_units"] = Field(description="Measure type.")
    commission: list[str] = Field(default_factory=list,
                                  description="Units of the units table (status 'planned') that start producing.")
    retire: list[str] = Field(default_factory=list, description="Units of the units table that stop producing.")

    @model_validator(mode="after")
    def _something(self) -> "HeatUnits":
        if not self.commission and not self.retire:
            raise PydanticCustomError("empty_measure", "the measure commissions and retires nothing",
                                      {"key": "commission", "allowed": "at least one unit in commission or retire"})
        both = sorted(set(self.commission) & set(self.retire))
        if both:
            raise PydanticCustomError("unit_twice", "a unit is both commissioned and retired",
                                      {"key": "retire", "value": both[0], "allowed": "each unit in one list only"})
        return self

    def check(self, key: str, inputs) -> None:
        super().check(key, inputs)
        units = inputs.heat_units
        status = dict(zip(units["unit"], units["status"]))
        for name, wanted in (("commission", "planned"), ("retire", None)):
            for unit in getattr(self, name):
                if unit not in status:
                    shown = ", ".join(repr(u) for u in list(status)[:30])
                    raise InputError("the network has no such unit", key=f"{key}.{name}", value=unit,
                                     allowed=f"one of {shown}")
                if wanted is not None and status[unit] != wanted:
                    raise InputError("only a planned unit can be commissioned", key=f"{key}.{name}", value=unit,
                                     allowed="a unit with status 'planned' in the units table")

    def apply(self, supply, share: float) -> None:
        for unit in self.commission:
            supply.commission_unit(unit, share)
        for unit in self.retire:
            supply.retire_unit(unit, share)


class NetworkTemperatureReduction(SupplyMeasure):
    """Lower supply and return temperatures in the whole network."""

    type: Literal["network_temperature_reduction"] = Field(description="Measure type.")
    reduction: uncertain_quantity("temperature_difference", gt=0.0, le=40.0) = Field(  # type: ignore[valid-type]
        description="How much the supply and return temperatures fall at full effect [K].")

    def apply(self, supply, share: float) -> None:
        supply.lower_network_temperatures(share * self.reduction.canonical)


SUPPLY_MEASURES: tuple[type[MeasureBase], ...] = (HeatUnits, NetworkTemperatureReduction)
