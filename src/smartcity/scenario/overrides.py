"""Changing a resolved scenario by dotted keys: overrides and the scenario's scale factors.

``with_overrides(resolved, {"KEY": V, "KEY*": F})`` sets or scales values of the merged
scenario document and validates it again, so a changed value is checked exactly like one
written in the file (used by sweeps and Monte Carlo samples).

``[uncertainty.<name>]`` tables of a scenario (:class:`ScaleFactor`) name a trajectory or a
quantity by its dotted key and carry a factor on it, optionally only from a year on, e.g.::

    [uncertainty.grid_factor_after_2020]
    key = "supply.electricity.emission_factor"
    from_year = 2021
    scale = { value = 1.0, unit = "1", distribution = "triangular", low = 0.6, mode = 1.0, high = 1.5,
              assumption = true, reason = "..." }

The factor's nominal ``value`` (usually 1) is used in ordinary runs; its distribution makes
it an uncertain input (``uncertainty.grid_factor_after_2020.scale``) that sweeps and Monte
Carlo runs sample. :func:`apply_scale_factors` returns the scenario with every factor applied
(what the models simulate).
"""

from __future__ import annotations

import copy
import dataclasses
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
from pydantic import ValidationError

from smartcity.errors import InputError
from smartcity.scenario.keys import (
    OverrideKeyError,
    Value,
    check_scale_factors,
    is_number_table,
    locate,
    parse_value,
    split_key,
)
from smartcity.scenario.loading import ResolvedScenario, _absolutise_paths, scenario_error
from smartcity.scenario.models import Scenario
from smartcity.scenario.sections.uncertainty import ScaleFactor
from smartcity.schema.quantities import Trajectory

__all__ = ["OverrideKeyError", "ScaleFactor", "Value", "apply_scale_factors", "check_scale_factors", "locate",
           "parse_value", "with_overrides"]

_DISTRIBUTION_KEYS = ("distribution", "mean", "sd", "median", "sigma", "low", "mode", "high", "values",
                      "weights", "lower", "upper")


def _number(x: Any, key: str, what: str) -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float, np.integer, np.floating)) or not math.isfinite(float(x)):
        raise InputError(f"{what} must be a finite number", key=key, value=x, allowed="a number")
    return float(x)


def _scaled_trajectory(table: dict, f: float, from_year: int | None) -> dict:
    """A trajectory's table with its values scaled by ``f`` (only in years >= ``from_year``, if given).

    With ``from_year`` the years ``from_year - 1`` and ``from_year`` become points of the
    trajectory (valued as the linear interpolation gave them), so that the years before keep
    their values exactly and the factor applies from ``from_year`` on.
    """
    years = np.asarray(table["year"], dtype=np.int64)
    values = np.asarray(table["value"], dtype=np.float64)
    if from_year is None:
        return {**table, "value": [float(v) * f for v in values]}
    points = np.union1d(years, [from_year - 1, from_year])
    interpolated = np.interp(points, years, values)
    scaled = np.where(points >= from_year, interpolated * f, interpolated)
    return {**table, "year": [int(y) for y in points], "value": [float(v) for v in scaled]}


def _new_value(current: Any, key: str, scale: bool, value: Any, source: str, from_year: int | None = None) -> Any:
    label = f"{key}{'*=' if scale else '='}{value}" + (f" from {from_year}" if from_year is not None else "")
    if is_number_table(current):
        table = current.model_dump(mode="json", exclude_none=True)
        for k in _DISTRIBUTION_KEYS:
            table.pop(k, None)
        if scale:
            f = _number(value, key, "a scale factor")
            if isinstance(current, Trajectory):
                table = _scaled_trajectory(table, f, from_year)
            else:
                table["value"] = table["value"] * f
        else:
            table["value"] = _number(value, key, "the value of a quantity")
        nominal = table.get("source")
        table["source"] = f"{source}: {label}" + (f" (nominal: {nominal})" if nominal else "")
        if table.get("assumption") and not table.get("reason"):  # pragma: no cover - validated before
            table["reason"] = "see source"
        return table
    if scale:
        f = _number(value, key, "a scale factor")
        out = current * f
        return int(out) if isinstance(current, int) and float(out).is_integer() else float(out)
    if isinstance(value, (np.integer, np.floating)):
        value = value.item()
    return value


def with_overrides(resolved: ResolvedScenario, overrides: Mapping[str, Value], *,
                   source: str = "sweep grid point", from_years: Mapping[str, int] | None = None) -> ResolvedScenario:
    """The scenario with dotted keys of its merged document overridden, validated again.

    Parameters
    ----------
    resolved : ResolvedScenario
        A loaded scenario (:func:`smartcity.scenario.load_scenario`).
    overrides : Mapping[str, float or int or str or bool]
        ``{"KEY": V}`` sets a value, ``{"KEY*": F}`` scales it (see the module documentation):
        for a quantity ``V`` is the new value in the quantity's unit, which is kept, and the
        quantity's ``source`` records the override; a trajectory can only be scaled.
    source : str
        Start of the ``source`` recorded in overridden quantities.
    from_years : Mapping[str, int], optional
        For a scaled trajectory (key as in ``overrides``, with its ``*``): scale only the
        years from this one on.

    Returns
    -------
    ResolvedScenario
        Same files and origins; ``document`` and ``model`` changed.

    Raises
    ------
    OverrideKeyError
        A key the scenario does not have, a table, or setting a trajectory to one number.
    InputError
        A value the scenario model refuses (wrong type, out of range); names the key and value.
    """
    if not overrides:
        return resolved
    document = copy.deepcopy(resolved.document)
    targets: list[tuple[str, Any]] = []
    for raw_key, value in overrides.items():
        key, scale = split_key(str(raw_key))
        current = locate(resolved.model, key, scale)
        new = _new_value(current, key, scale, value, source, (from_years or {}).get(str(raw_key)))
        parts = key.split(".")
        holder: Any = document
        for part in parts[:-1]:
            if isinstance(holder, list):
                holder = holder[int(part)]
                continue
            nxt = holder.get(part)
            if nxt is None:  # a section left at its defaults
                nxt = holder[part] = {}
            elif not isinstance(nxt, (dict, list)):
                raise OverrideKeyError("cannot set a key inside a value", key=key)  # pragma: no cover
            holder = nxt
        if isinstance(holder, list):
            holder[int(parts[-1])] = new
        else:
            holder[parts[-1]] = new
        targets.append((key, value))
    _absolutise_paths(document, resolved.path)  # a file set by an override is relative to the scenario file
    try:
        model = Scenario.model_validate(document)
    except ValidationError as exc:
        inner = scenario_error(exc, document, resolved.origins, resolved.path)
        where = inner.key or ""
        named = [(k, v) for k, v in targets if where == k or where.startswith(k + ".") or k.startswith(where + ".")]
        if len(named) == 1:
            key, value = named[0]
            raise InputError(f"override refused: {inner.problem}" + (f" (at {where})" if where != key else ""),
                             file=resolved.path, key=key, value=value, allowed=inner.allowed) from None
        listed = ", ".join(f"{k}={v!r}" for k, v in targets)
        raise InputError(f"overrides {listed} refused: {inner.problem}", file=resolved.path, key=inner.key,
                         allowed=inner.allowed) from None
    return ResolvedScenario(model=model, document=document, files=resolved.files, path=resolved.path,
                            origins=resolved.origins)


def apply_scale_factors(resolved: ResolvedScenario) -> ResolvedScenario:
    """The scenario with its ``[uncertainty]`` scale factors applied (and removed), validated again.

    A scaled value must still be allowed for its key (e.g. a share stays <= 1); if not, the
    error names the factor. Without scale factors the scenario is returned as it is.
    """
    factors = resolved.model.uncertainty
    if not factors:
        return resolved
    overrides = {f"{factor.key}*": factor.scale.canonical for factor in factors.values()}
    from_years = {f"{factor.key}*": factor.from_year for factor in factors.values() if factor.from_year is not None}
    # with_overrides copies the document and locates the keys in the model (which still has the
    # factors: the keys they scale are the same); validated once, without the [uncertainty] table
    without = dataclasses.replace(resolved, document={k: v for k, v in resolved.document.items()
                                                      if k != "uncertainty"})
    names = ", ".join(f"uncertainty.{n}" for n in factors)
    try:
        out = with_overrides(without, overrides, from_years=from_years, source=f"scaled by {names}")
    except InputError as exc:
        named = [n for n, factor in factors.items() if exc.key is not None and
                 (exc.key == factor.key or exc.key.startswith(factor.key + "."))]
        key = f"uncertainty.{named[0]}.scale" if len(named) == 1 else exc.key
        raise InputError(f"the scale factor gives {exc.key} a value the key does not allow: {exc.problem}",
                         file=resolved.path, key=key, value=exc.value if exc.has_value else None,
                         allowed=exc.allowed) from None
    return out

