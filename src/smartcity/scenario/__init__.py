"""Scenario files: TOML with inheritance, validated into pydantic models.

The names below are loaded on first use, so that model modules can import the building
blocks of :mod:`smartcity.scenario.types` without importing the whole scenario assembly.
"""

from __future__ import annotations

import importlib

__all__ = ["ResolvedScenario", "Scenario", "Quantity", "load_scenario", "quantities", "read_toml"]

_HOME = {
    "ResolvedScenario": "smartcity.scenario.loading",
    "load_scenario": "smartcity.scenario.loading",
    "quantities": "smartcity.scenario.loading",
    "read_toml": "smartcity.scenario.loading",
    "Scenario": "smartcity.scenario.models",
    "Quantity": "smartcity.scenario.types",
}


def __getattr__(name: str):
    if name in _HOME:
        return getattr(importlib.import_module(_HOME[name]), name)
    raise AttributeError(f"module 'smartcity.scenario' has no attribute {name!r}")
