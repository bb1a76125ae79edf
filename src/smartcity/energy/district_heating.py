"""District heating seen from the district: the year's CO2 factor of delivered heat and the
network loss, and what measures of stage ``supply`` change in them.

Without a model of the network's production, the heat a district draws carries the year's
factor of the scenario's trajectory (``supply.district_heating.emission_factor``, per heat
delivered to the substations), and the heat produced for it is the delivered heat over
(1 − network loss). Measures of stage ``supply`` act on :class:`SupplyYear` through its
methods; the orchestrator (:mod:`smartcity.run`) reads the year's values back for the CO2
inventory and the heat production.
"""

from __future__ import annotations

from dataclasses import dataclass

from smartcity.stages import apply_stage

__all__ = ["SupplyYear", "supply_year"]


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
    """

    year: int
    district_heat_factor: float
    network_loss: float

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


def supply_year(supply, year: int, measures) -> SupplyYear:
    """The supply of ``year`` under the scenario's ``[supply]`` table with the ``supply`` measures in force.

    Parameters
    ----------
    supply : SupplySection
        The scenario's ``[supply]`` table (:class:`smartcity.scenario.sections.supply.SupplySection`).
    year : int
        Calendar year. [a]
    measures : mapping of str to measure
        Measures in force; those of stage ``supply`` with a share > 0 in ``year`` apply, in order.
    """
    dh = supply.district_heating
    state = SupplyYear(int(year), float(dh.emission_factor.at([year])[0]), dh.network_loss.canonical)
    return apply_stage(measures, "supply", year, state)
