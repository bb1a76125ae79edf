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


def _in(unit: str) -> str:
    return f" [{unit}]" if unit else ""


def number_array(name: str, value, *, ndim: int | None = None, shape: tuple | None = None,
                 low: float | None = None, high: float | None = None, strict: bool = False,
                 nonneg: bool = False, positive_sum: bool = False, unit: str = "") -> np.ndarray:
    """``value`` as a float64 array of finite numbers of ``ndim`` or ``shape``.

    Parameters
    ----------
    name : str
        The argument's name, for the message.
    value : array_like
        The argument.
    ndim, shape : optional
        Required number of dimensions or shape.
    low, high : float, optional
        Bounds: every value >= ``low`` (> with ``strict``) and <= ``high``.
    nonneg : bool
        Shorthand for ``low = 0``.
    positive_sum : bool
        At least one value must be > 0.
    unit : str
        Unit of the values, for the message.

    Raises
    ------
    ValueError
        Naming the argument, the first bad element and its value, e.g.
        ``distance[1] = -2.0: must be >= 0 [km]``.
    """
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name}: expected an array of numbers; {exc}") from None
    if ndim is not None and array.ndim != ndim:
        raise ValueError(f"{name}: expected a {ndim}-D array, got shape {array.shape}")
    if shape is not None and array.shape != shape:
        raise ValueError(f"{name}: expected shape {shape}, got {array.shape}")
    first_bad(name, array, ~np.isfinite(array), f"must be a finite number{_in(unit)}")
    if nonneg and low is None:
        low = 0.0
    if low is not None:
        first_bad(name, array, array <= low if strict else array < low,
                  f"must be {'>' if strict else '>='} {low:g}{_in(unit)}")
    if high is not None:
        first_bad(name, array, array > high, f"must be <= {high:g}{_in(unit)}")
    if positive_sum and not array.sum() > 0.0:
        raise ValueError(f"{name}: all values are zero; at least one must be > 0")
    return array


def number(name: str, value, *, low: float | None = None, high: float | None = None,
           low_open: bool = False, unit: str = "") -> float:
    """``value`` as a finite float within ``[low, high]`` (``(low, high]`` with ``low_open``)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name} = {value!r}: expected a number{_in(unit)}")
    x = float(value)
    if not math.isfinite(x):
        raise ValueError(f"{name} = {value!r}: must be finite{_in(unit)}")
    if low is not None and (x <= low if low_open else x < low):
        raise ValueError(f"{name} = {value!r}: must be {'>' if low_open else '>='} {low:g}{_in(unit)}")
    if high is not None and x > high:
        raise ValueError(f"{name} = {value!r}: must be <= {high:g}{_in(unit)}")
    return x
