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
import difflib
import math
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import BaseModel, Field, ValidationError

from smartcity.errors import InputError
from smartcity.scenario.types import Quantity, StrictModel, Trajectory

if TYPE_CHECKING:
    from smartcity.scenario.loading import ResolvedScenario

__all__ = ["OverrideKeyError", "ScaleFactor", "Value", "apply_scale_factors", "check_scale_factors", "locate", "parse_value",
           "with_overrides"]

Value = float | int | str | bool

_DISTRIBUTION_KEYS = ("distribution", "mean", "sd", "median", "sigma", "low", "mode", "high", "values",
                      "weights", "lower", "upper")


class OverrideKeyError(InputError):
    """An override names a key the scenario does not have, or one it cannot set that way."""


def parse_value(text: str) -> Value:
    """A value of ``KEY=V`` as typed: ``true``/``false``, an integer, a number, else text.

    Text may be quoted (``'"DK2"'``) to keep e.g. ``"12"`` a string.
    """
    t = text.strip()
    if len(t) >= 2 and t[0] == t[-1] and t[0] in "'\"":
        return t[1:-1]
    if t.lower() in ("true", "false"):
        return t.lower() == "true"
    if re.fullmatch(r"[+-]?\d+", t):
        return int(t)
    try:
        x = float(t)
    except ValueError:
        return t
    if not math.isfinite(x):
        raise InputError("not a finite number", value=text, allowed="a finite number")
    return x


def _is_number_table(obj: Any) -> bool:
    """True for a quantity, a trajectory or another model of a number with ``value`` and ``unit``."""
    return isinstance(obj, (Quantity, Trajectory)) or (
        isinstance(obj, BaseModel) and {"value", "unit"} <= set(type(obj).model_fields))


def _split_key(key: str) -> tuple[str, bool]:
    key = key.strip()
    scale = key.endswith("*")
    return (key[:-1] if scale else key), scale


def locate(model: BaseModel, key: str, scale: bool) -> Any:
    """The validated object at ``key`` (a quantity, trajectory or plain value); checks the operation."""
    parts = key.split(".")
    if not key or any(not p for p in parts):
        raise OverrideKeyError("not a dotted key", key=key, allowed="e.g. supply.electricity.emission_factor")
    obj: Any = model
    for n, part in enumerate(parts):
        here = ".".join(parts[:n]) or "the scenario"
        if _is_number_table(obj) and part in type(obj).model_fields:
            raise OverrideKeyError("give the quantity's key, not its parts", key=key,
                                   allowed=f"{'.'.join(parts[:n])}=V to set its value or {'.'.join(parts[:n])}*=F "
                                           "to scale it (the unit is kept)")
        if isinstance(obj, BaseModel):
            names = list(type(obj).model_fields)
            if part not in names:
                close = difflib.get_close_matches(part, names, n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                raise OverrideKeyError(f"unknown key{hint}", key=key, allowed=f"the keys of {here}: " + ", ".join(names))
            obj = getattr(obj, part)
        elif isinstance(obj, Mapping):
            if part not in obj:
                raise OverrideKeyError("unknown key", key=key,
                                       allowed=f"the keys of {here}: " + (", ".join(map(str, obj)) or "none"))
            obj = obj[part]
        elif isinstance(obj, (list, tuple)):
            if not part.isdigit() or int(part) >= len(obj):
                raise OverrideKeyError("not an index of the list", key=key, value=part,
                                       allowed=f"0 ... {len(obj) - 1}")
            obj = obj[int(part)]
        else:
            raise OverrideKeyError(f"{here} is a value, not a table", key=key)
    if isinstance(obj, BaseModel) and not _is_number_table(obj) or isinstance(obj, (Mapping, list)):
        raise OverrideKeyError("is a table, not a value", key=key, allowed="a key inside it")
    if scale and not _is_number_table(obj) and (isinstance(obj, bool) or not isinstance(obj, (int, float))):
        raise OverrideKeyError("only numbers can be scaled", key=key, value=obj, allowed=f"{key}=V to set it")
    if not scale and isinstance(obj, Trajectory):
        raise OverrideKeyError("is a trajectory (values by year); it cannot be set to one number", key=key,
                               allowed=f"{key}*=F to scale every value by F")
    return obj


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
    if _is_number_table(current):
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
    from smartcity.scenario.loading import ResolvedScenario, _error_from_pydantic
    from smartcity.scenario.models import Scenario

    if not overrides:
        return resolved
    document = copy.deepcopy(resolved.document)
    targets: list[tuple[str, Any]] = []
    for raw_key, value in overrides.items():
        key, scale = _split_key(str(raw_key))
        current = locate(resolved.model, key, scale)
        new = _new_value(current, key, scale, value, source, (from_years or {}).get(str(raw_key)))
        parts = key.split(".")
        holder: Any = document
        for n, part in enumerate(parts[:-1]):
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
    try:
        model = Scenario.model_validate(document)
    except ValidationError as exc:
        inner = _error_from_pydantic(exc, resolved.origins, resolved.path)
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


# --------------------------------------------------------------------------------------
# Scale factors of a scenario ([uncertainty.<name>])
# --------------------------------------------------------------------------------------


def _scale_type():
    from smartcity.uncertainty import uncertain_quantity

    return uncertain_quantity("dimensionless", gt=0.0)


class ScaleFactor(StrictModel):
    """``[uncertainty.<name>]``: a factor on a trajectory or quantity of the scenario.

    The factor's nominal value is applied in every run; with a distribution it is an
    uncertain input of sweeps and Monte Carlo runs (key ``uncertainty.<name>.scale``).
    """

    key: str = Field(description="Dotted key of the trajectory or quantity, e.g. "
                                 "'supply.electricity.emission_factor'.")
    from_year: int | None = Field(default=None, ge=1990, le=2100,
                                  description="Scale a trajectory only from this year on [a] (default: every year).")
    scale: _scale_type() = Field(  # type: ignore[valid-type]
        description="The factor [1]: nominal value (usually 1), unit, source, and optionally a distribution.")
    description: str = Field(default="", description="What the factor stands for.")


def check_scale_factors(model: BaseModel, factors: Mapping[str, ScaleFactor]) -> str | None:
    """``None`` if every factor names a trajectory or quantity of ``model``; else the first problem.

    Returns
    -------
    str or None
        ``"<name>: <problem>"`` for the first factor whose key cannot be scaled.
    """
    seen: dict[str, str] = {}
    for name, factor in factors.items():
        try:
            target = locate(model, factor.key, scale=True)
        except OverrideKeyError as exc:
            return f"{name}.key: {exc.problem} ({factor.key})"
        if not _is_number_table(target):
            return f"{name}.key: only a trajectory or a quantity can carry a scale factor ({factor.key})"
        if factor.key.startswith("uncertainty."):
            return f"{name}.key: a scale factor cannot scale another one ({factor.key})"
        if factor.from_year is not None and not isinstance(target, Trajectory):
            return f"{name}.from_year: only a trajectory (values by year) can be scaled from a year on ({factor.key})"
        if factor.key in seen:
            return f"{name}.key: {factor.key} is already scaled by uncertainty.{seen[factor.key]}"
        seen[factor.key] = name
    return None


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
        raise InputError(f"a scale factor gives a value the key does not allow: {exc.problem}",
                         file=resolved.path, key=exc.key, value=exc.value if exc.has_value else None,
                         allowed=exc.allowed) from None
    return out

