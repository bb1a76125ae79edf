"""Key performance indicators of smartcity results: definitions, tables, decomposition.

* The KPIs are data: ``data/kpis.toml`` lists each indicator (id, name, unit, better
  direction, SCIS / CITYkeys / Covenant of Mayors references, description); each id is a
  function in :mod:`smartcity.kpi.indicators` (:data:`REGISTRY`).
* :func:`kpi_table` computes them for one or several results (a column per scenario and
  year; several results give the consortium view) and :func:`compare_table` puts scenarios
  side by side with their differences; :func:`write_table` writes csv, md, latex, xlsx or
  html with units and a provenance footer.
* :func:`measure_contributions` and :func:`abatement_curve` attribute the CO2 reduction to
  the measures (add-one, interaction allocated in proportion) and order them by cost per
  tonne (:mod:`smartcity.kpi.decomposition`).

Prices per carrier are in ``data/energy_prices.toml`` and primary energy factors in
``data/primary_energy_factors.toml``, every number sourced or flagged.
"""

from __future__ import annotations

from smartcity.kpi.decomposition import (
    INTERACTION,
    abatement_curve,
    allocate_interaction,
    measure_contributions,
)
from smartcity.kpi.definitions import (
    EnergyPrices,
    KPIDefinition,
    KPIFile,
    PrimaryEnergyFactors,
    load_definitions,
    load_prices,
    load_primary_energy_factors,
)
from smartcity.kpi.indicators import (
    REGISTRY,
    NotAvailable,
    ScenarioResults,
    scenario_results,
)
from smartcity.kpi.tables import (
    FORMATS,
    compare_table,
    default_years,
    fmt_number,
    footer_lines,
    format_for,
    kpi_table,
    render_table,
    rich_table,
    write_table,
)

__all__ = [
    "REGISTRY", "NotAvailable", "ScenarioResults", "scenario_results",
    "KPIDefinition", "KPIFile", "EnergyPrices", "PrimaryEnergyFactors",
    "load_definitions", "load_prices", "load_primary_energy_factors",
    "kpi_table", "compare_table", "render_table", "write_table", "rich_table", "footer_lines", "format_for",
    "default_years", "fmt_number", "FORMATS",
    "measure_contributions", "abatement_curve", "allocate_interaction", "INTERACTION",
]
