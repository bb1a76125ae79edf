"""Scenario files: TOML with inheritance, validated into pydantic models."""

from smartcity.scenario.loading import ResolvedScenario, load_scenario, quantities, read_toml
from smartcity.scenario.models import Quantity, Scenario

__all__ = ["ResolvedScenario", "Scenario", "Quantity", "load_scenario", "quantities", "read_toml"]
