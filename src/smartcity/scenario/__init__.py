"""Scenario files: TOML with inheritance, validated into the section models of :mod:`.sections`.

* :mod:`~smartcity.scenario.loading` — reading, ``extends`` inheritance, paths, validation:
  :func:`load_scenario` gives a :class:`ResolvedScenario`;
* :mod:`~smartcity.scenario.models` — :class:`Scenario`, the section models assembled;
* :mod:`~smartcity.scenario.sections` — one model per scenario table, measures by stage;
* :mod:`~smartcity.scenario.keys` and :mod:`~smartcity.scenario.overrides` — dotted keys,
  overrides and scale factors (sweeps, Monte Carlo samples).
"""

from __future__ import annotations

from smartcity.scenario.loading import ResolvedScenario, load_scenario, quantities, read_toml, scenario_warnings
from smartcity.scenario.models import Scenario
from smartcity.schema.quantities import Quantity

__all__ = ["ResolvedScenario", "Scenario", "Quantity", "load_scenario", "quantities", "read_toml", "scenario_warnings"]
