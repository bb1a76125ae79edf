"""Argument checks of the model functions: arrays and numbers, named in the message.

The public functions of the models check their arguments in Python before calling a
kernel, and raise :class:`ValueError` naming the argument, the first bad element, its
value and what is allowed, e.g. ``distance[1] = -2.0: must be >= 0 [km]``.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["first_bad", "number_array", "number"]


def first_bad(name: str, values: np.ndarray, bad: np.ndarray, requirement: str) -> None:
    """Raise ValueError naming the first element of ``values`` where ``bad`` is true."""
    if np.any(bad):
        index = np.unravel_index(int(np.argmax(bad)), bad.shape)
        where = f"[{', '.join(str(int(i)) for i in index)}]" if index else ""
        raise ValueError(f"{name}{where} = {values[index].item()!r}: {requirement}")


def number_array(name: str, value, *, ndim: int | None = None, shape: tuple | None = None,
                 nonneg: bool = False, unit: str = "") -> np.ndarray:
    """``value`` as a float64 array of finite numbers (and >= 0 with ``nonneg``) of ``ndim`` or ``shape``."""
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name}: expected an array of numbers; {exc}") from None
    if ndim is not None and array.ndim != ndim:
        raise ValueError(f"{name}: expected a {ndim}-D array, got shape {array.shape}")
    if shape is not None and array.shape != shape:
        raise ValueError(f"{name}: expected shape {shape}, got {array.shape}")
    first_bad(name, array, ~np.isfinite(array), f"must be a finite number [{unit}]")
    if nonneg:
        first_bad(name, array, array < 0.0, f"must be >= 0 [{unit}]")
    return array


def number(name: str, value, *, low: float | None = None, high: float | None = None,
           low_open: bool = False, unit: str = "") -> float:
    """``value`` as a finite float within ``[low, high]`` (``(low, high]`` with ``low_open``)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name} = {value!r}: expected a number [{unit}]")
    x = float(value)
    if not math.isfinite(x):
        raise ValueError(f"{name} = {value!r}: must be finite [{unit}]")
    if low is not None and (x <= low if low_open else x < low):
        raise ValueError(f"{name} = {value!r}: must be {'>' if low_open else '>='} {low:g} [{unit}]")
    if high is not None and x > high:
        raise ValueError(f"{name} = {value!r}: must be <= {high:g} [{unit}]")
    return x
