"""District heating seen from the district: the year's CO2 factor of delivered heat and the
network loss, or the network's units in service, and what measures of stage ``supply``
change in them.

With ``mode = "factor"``, the heat a district draws carries the year's factor of the
scenario's trajectory (``supply.district_heating.emission_factor``, per heat delivered to
the substations), and the heat produced for it is the delivered heat over (1 − network
loss). With ``mode = "dispatch"``, :class:`SupplyYear` holds the share of each production
unit in service and the lowering of the network temperatures, and the orchestrator
(:mod:`smartcity.run`) dispatches the network with them
(:meth:`smartcity.energy.heat_supply.HeatNetworkModel.dispatch`). Measures of stage
``supply`` act on :class:`SupplyYear` through its methods. The network's units table is read
and checked here (:func:`read_heat_units`), without the dispatch's kernels, so that
validating a scenario stays light.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from smartcity.errors import InputError
from smartcity.schema.tables import read_table, row_location
from smartcity.stages import apply_stage

__all__ = ["SupplyYear", "supply_year", "service_years", "units_in_service", "read_heat_units", "producers",
           "COMBUSTION", "ELECTRIC"]

#: Kinds of unit that burn a fuel.
COMBUSTION = ("chp", "waste_chp", "boiler")
#: Kinds of unit that use grid electricity.
ELECTRIC = ("heat_pump", "electric_boiler")
#: Fuel a unit of each kind may use (a kind absent here burns nothing: fuel 'none').
_FUELS_OF = {"chp": ("coal", "natural_gas", "fuel_oil", "biomass"), "waste_chp": ("waste",),
             "boiler": ("natural_gas", "fuel_oil", "biomass", "coal"), "heat_pump": ("electricity",),
             "electric_boiler": ("electricity",)}


@dataclass
class SupplyYear:
    """The energy supply of the district in one year (stage ``supply``).

    Attributes
    ----------
    year : int
        Calendar year. [a]
    district_heat_factor : float
        CO2 per unit of district heat delivered to the substations. [g/kWh]
    network_loss : float
        Share of the heat fed into the district-heating network lost before the substations. [1]
    units : dict of str to float, optional
        Share of each production unit of the network built: in service before retirements
        (``mode = "dispatch"``; None otherwise). [1]
    kept : dict of str to float
        Share of each unit's capacity left by the retirements of the year's measures. [1]
    unit_years : dict of str to (str, int, int)
        Status and first and last year each unit can produce (:func:`service_years`). [a]
    temperature_reduction_k : float
        How much the network's supply and return temperatures are lowered. [K]
    """

    year: int
    district_heat_factor: float
    network_loss: float
    units: dict[str, float] | None = None
    kept: dict[str, float] = field(default_factory=dict)
    unit_years: dict[str, tuple[str, int, int]] = field(default_factory=dict)
    temperature_reduction_k: float = 0.0

    def commission_unit(self, unit: str, share: float) -> None:
        """Put ``share`` of a planned unit's capacity in service (within its years). [1]"""
        _, first, last = self._years(unit)
        if first <= self.year <= last:
            self.units[unit] = max(self.units[unit], _share(share))

    def retire_unit(self, unit: str, share: float) -> None:
        """Take ``share`` of a unit's capacity out of service (whatever the order of the measures). [1]"""
        self._years(unit)
        self.kept[unit] = self.kept.get(unit, 1.0) * (1.0 - _share(share))

    @property
    def in_service(self) -> dict[str, float]:
        """Share of each unit's capacity in service: built (or commissioned) times kept. [1]"""
        return {u: built * self.kept.get(u, 1.0) for u, built in self.units.items()}

    def lower_network_temperatures(self, kelvin: float) -> None:
        """Lower the network's supply and return temperatures by ``kelvin`` (>= 0). [K]"""
        if not kelvin >= 0.0:
            raise ValueError(f"kelvin = {kelvin!r}: must be a number >= 0 [K]")
        self.temperature_reduction_k += kelvin

    def _years(self, unit: str) -> tuple[str, int, int]:
        if self.units is None:
            raise ValueError("the supply has no network model (supply.district_heating.mode = 'factor')")
        if unit not in self.units:
            raise ValueError(f"unit {unit!r}: not a unit of the network")
        return self.unit_years[unit]

    def scale_district_heat_factor(self, factor: float) -> None:
        """Multiply the CO2 factor of delivered district heat by ``factor`` (>= 0). [1]"""
        if not factor >= 0.0:
            raise ValueError(f"factor = {factor!r}: must be a number >= 0")
        self.district_heat_factor *= factor

    def scale_network_loss(self, factor: float) -> None:
        """Multiply the network loss by ``factor`` (>= 0; the loss stays below 1). [1]"""
        if not 0.0 <= factor * self.network_loss < 1.0:
            raise ValueError(f"factor = {factor!r}: the network loss must stay in [0, 1)")
        self.network_loss *= factor


def producers(units: pd.DataFrame) -> pd.DataFrame:
    """The rows of a units table that produce heat (all but the storages), in table order."""
    return units[units["kind"] != "storage"]


def service_years(units) -> dict[str, tuple[str, int, int]]:
    """Status, commissioning and retirement year of each unit of a units table (a DataFrame)."""
    return {u: (str(s), int(a), int(b)) for u, s, a, b in zip(
        units["unit"], units["status"], units["commissioned"], units["retired"])}


def units_in_service(years: dict[str, tuple[str, int, int]], year: int) -> dict[str, float]:
    """Share of each unit in service in ``year`` before measures: existing units within their
    years 1, the others 0 (``years``: :func:`service_years`). [1]

    >>> units_in_service({"coal": ("existing", 1998, 2028), "hp": ("planned", 2025, 2100)}, 2029)
    {'coal': 0.0, 'hp': 0.0}
    """
    return {u: 1.0 if status == "existing" and first <= year <= last else 0.0
            for u, (status, first, last) in years.items()}


def _share(share: float) -> float:
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"share = {share!r}: must be in [0, 1]")
    return float(share)


def supply_year(supply, year: int, measures, unit_years=None) -> SupplyYear:
    """The supply of ``year`` under the scenario's ``[supply]`` table with the ``supply`` measures in force.

    Parameters
    ----------
    supply : SupplySection
        The scenario's ``[supply]`` table (:class:`smartcity.scenario.sections.supply.SupplySection`).
    year : int
        Calendar year. [a]
    measures : mapping of str to measure
        Measures in force; those of stage ``supply`` with a share > 0 in ``year`` apply, in order.
    unit_years : dict, optional
        :func:`service_years` of the network's units table (``mode = "dispatch"``).
    """
    dh = supply.district_heating
    state = SupplyYear(int(year), float(dh.emission_factor.at([year])[0]), dh.network_loss.canonical)
    if unit_years is not None:
        state.units = units_in_service(unit_years, year)
        state.unit_years = unit_years
    return apply_stage(measures, "supply", year, state)


def read_heat_units(path: str | Path, *, scenario_file=None, scenario_key: str | None = None) -> pd.DataFrame:
    """Read and check a table of production units (schema ``heat_units``).

    Besides each value's type and range, a unit must be retired no earlier than it is
    commissioned, burn a fuel its kind can burn, a CHP unit make power, a heat pump (and
    only a heat pump) name its heat source, and a storage needs a volume and a charge power.

    Raises
    ------
    InputError
        Naming the file, line, column, value and what is allowed.
    """
    units = read_table(path, "heat_units", scenario_file=scenario_file, scenario_key=scenario_key)
    for i, row in enumerate(units.itertuples(index=False)):
        where = row_location(units, i)
        if row.retired < row.commissioned:
            raise InputError("the unit is retired before it is commissioned", column="retired", value=row.retired,
                             allowed=f"a year >= commissioned ({row.commissioned})", **where)
        fuels = _FUELS_OF.get(row.kind, ("none",))
        if row.fuel not in fuels:
            raise InputError(f"a {row.kind} unit cannot use this fuel", column="fuel", value=row.fuel,
                             allowed="one of " + ", ".join(repr(f) for f in fuels), **where)
        if row.kind in ("chp", "waste_chp") and not row.power_to_heat > 0.0:
            raise InputError(f"a {row.kind} unit makes power", column="power_to_heat", value=row.power_to_heat,
                             allowed="a number > 0 [1] (net power per heat on the back-pressure line); a unit "
                                     "without power is a 'boiler'", **where)
        if (row.kind == "heat_pump") != (row.heat_source != ""):
            raise InputError("a heat pump needs a heat source, and only a heat pump has one", column="heat_source",
                             value=row.heat_source,
                             allowed="'air', 'seawater' or 'wastewater' for a heat pump, empty otherwise", **where)
        if row.kind == "storage":
            if not row.storage_mwh > 0.0:
                raise InputError("a storage needs a volume", column="storage_mwh", value=row.storage_mwh,
                                 allowed="a number > 0 [MWh]", **where)
            if not row.heat_capacity_mw > 0.0:
                raise InputError("a storage needs a charge and discharge power", column="heat_capacity_mw",
                                 value=row.heat_capacity_mw, allowed="a number > 0 [MW]", **where)
        elif row.storage_mwh != 0.0:
            raise InputError("only a storage has a storage volume", column="storage_mwh", value=row.storage_mwh,
                             allowed="0 for a unit of kind " + repr(row.kind), **where)
    units.attrs = {"source_file": units.attrs.get("source_file"), "source_lines": units.attrs.get("source_lines")}
    return units
