"""Applying the measures of one stage of the model chain to what the stage's model hands them.

The stages and the hooks are documented in :mod:`smartcity.scenario.sections.measures.base`;
the measures arrive as validated section objects (this module does not import them).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

__all__ = ["apply_stage"]

T = TypeVar("T")


def apply_stage(measures: Mapping[str, Any], stage: str, year: int, target: T) -> T:
    """Call ``apply(target, share)`` of every measure of ``stage`` in force in ``year``, in order.

    Measures whose share of the year is 0 (not started, disabled) are skipped.

    Returns
    -------
    The ``target``, changed by the hooks.
    """
    for measure in measures.values():
        if measure.stage == stage:
            share = measure.share(year)
            if share > 0.0:
                measure.apply(target, share)
    return target
