"""Dotted keys of a scenario: finding the value a key names, and checking what may be done to it.

``locate(model, "supply.electricity.emission_factor", scale=True)`` returns the validated
object at a dotted key and refuses keys that do not exist, tables, the parts of a quantity,
and operations the value does not allow (a trajectory can only be scaled, text cannot be).
Used by overrides (:mod:`smartcity.scenario.overrides`), scale factors and sweeps.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from smartcity.errors import InputError
from smartcity.schema.quantities import Quantity, Trajectory

__all__ = ["OverrideKeyError", "Value", "parse_value", "is_number_table", "split_key", "locate",
           "check_scale_factors"]

Value = float | int | str | bool


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


def is_number_table(obj: Any) -> bool:
    """True for a quantity, a trajectory or another model of a number with ``value`` and ``unit``."""
    return isinstance(obj, (Quantity, Trajectory)) or (
        isinstance(obj, BaseModel) and {"value", "unit"} <= set(type(obj).model_fields))


def split_key(key: str) -> tuple[str, bool]:
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
        if is_number_table(obj) and part in type(obj).model_fields:
            raise OverrideKeyError("give the quantity's key, not its parts", key=key,
                                   allowed=f"{'.'.join(parts[:n])}=V to set its value or {'.'.join(parts[:n])}*=F "
                                           "to scale it (the unit is kept)")
        if isinstance(obj, BaseModel):
            names = list(type(obj).model_fields)
            if part not in names:
                close = difflib.get_close_matches(part, names, n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                raise OverrideKeyError(f"unknown key{hint}", key=key,
                                       allowed=f"the keys of {here}: " + ", ".join(names))
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
    if isinstance(obj, BaseModel) and not is_number_table(obj) or isinstance(obj, (Mapping, list)):
        raise OverrideKeyError("is a table, not a value", key=key, allowed="a key inside it")
    if scale and not is_number_table(obj) and (isinstance(obj, bool) or not isinstance(obj, (int, float))):
        raise OverrideKeyError("only numbers can be scaled", key=key, value=obj, allowed=f"{key}=V to set it")
    if not scale and isinstance(obj, Trajectory):
        raise OverrideKeyError("is a trajectory (values by year); it cannot be set to one number", key=key,
                               allowed=f"{key}*=F to scale every value by F")
    return obj


def check_scale_factors(model: BaseModel, factors: Mapping) -> str | None:
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
        if not is_number_table(target):
            return f"{name}.key: only a trajectory or a quantity can carry a scale factor ({factor.key})"
        if factor.key.startswith("uncertainty."):
            return f"{name}.key: a scale factor cannot scale another one ({factor.key})"
        if factor.from_year is not None and not isinstance(target, Trajectory):
            return f"{name}.from_year: only a trajectory (values by year) can be scaled from a year on ({factor.key})"
        if factor.key in seen:
            return f"{name}.key: {factor.key} is already scaled by uncertainty.{seen[factor.key]}"
        seen[factor.key] = name
    return None
