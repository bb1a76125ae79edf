"""Units of scenario quantities and their conversion to the canonical unit of a dimension.

A scenario number is either a plain number, in the unit its key documents, or an inline
table ``{ value = 55, unit = "kg/MWh", source = "..." }``. The unit must belong to the
dimension the key expects; it is converted to that dimension's canonical unit (the first
entry of each table below). Conversion is ``canonical = value * factor + offset``.
"""

from __future__ import annotations

__all__ = ["UNITS", "CANONICAL", "to_canonical", "allowed_units"]

# dimension -> {unit: (factor, offset)}; the first unit is the canonical one.
UNITS: dict[str, dict[str, tuple[float, float]]] = {
    "dimensionless": {"1": (1.0, 0.0), "%": (0.01, 0.0)},
    "temperature": {"degC": (1.0, 0.0), "K": (1.0, -273.15)},
    "temperature_difference": {"K": (1.0, 0.0)},
    "energy": {
        "kWh": (1.0, 0.0), "Wh": (1e-3, 0.0), "MWh": (1e3, 0.0), "GWh": (1e6, 0.0),
        "J": (1.0 / 3.6e6, 0.0), "kJ": (1.0 / 3.6e3, 0.0), "MJ": (1.0 / 3.6, 0.0),
        "GJ": (1e3 / 3.6, 0.0), "TJ": (1e6 / 3.6, 0.0),
    },
    "power": {"kW": (1.0, 0.0), "W": (1e-3, 0.0), "MW": (1e3, 0.0)},
    "area": {"m2": (1.0, 0.0), "km2": (1e6, 0.0), "ha": (1e4, 0.0)},
    "length": {"m": (1.0, 0.0), "km": (1e3, 0.0)},
    "time": {"h": (1.0, 0.0), "min": (1.0 / 60.0, 0.0), "s": (1.0 / 3600.0, 0.0), "d": (24.0, 0.0)},
    "duration_years": {"a": (1.0, 0.0)},
    "emission_factor": {
        "g/kWh": (1.0, 0.0), "kg/MWh": (1.0, 0.0), "t/MWh": (1e3, 0.0), "kg/kWh": (1e3, 0.0),
        "t/GJ": (3.6e3, 0.0), "kg/GJ": (3.6, 0.0),
    },
    "air_change_rate": {"1/h": (1.0, 0.0)},
    "heat_transfer_coefficient": {"W/(m2 K)": (1.0, 0.0)},
    "specific_energy": {"kWh/m2": (1.0, 0.0), "MJ/m2": (1.0 / 3.6, 0.0)},
    "speed": {"km/h": (1.0, 0.0), "m/s": (3.6, 0.0)},
    "currency_eur": {"EUR": (1.0, 0.0), "kEUR": (1e3, 0.0), "MEUR": (1e6, 0.0)},
}

CANONICAL: dict[str, str] = {dim: next(iter(units)) for dim, units in UNITS.items()}


def allowed_units(dimension: str) -> list[str]:
    """Units accepted for ``dimension``, canonical first."""
    return list(UNITS[dimension])


def to_canonical(value: float, unit: str, dimension: str) -> float:
    """Convert ``value`` in ``unit`` to the canonical unit of ``dimension``.

    Parameters
    ----------
    value : float
        Number in ``unit``.
    unit : str
        Unit string, exactly as listed in :data:`UNITS` (case-sensitive: ``MWh`` is not ``mWh``).
    dimension : str
        Key of :data:`UNITS`.

    Returns
    -------
    float
        The value in ``CANONICAL[dimension]``.

    Raises
    ------
    KeyError
        If the unit does not belong to the dimension.

    Examples
    --------
    >>> to_canonical(0.055, "t/MWh", "emission_factor")
    55.0
    >>> to_canonical(293.15, "K", "temperature")
    20.0
    """
    factor, offset = UNITS[dimension][unit]
    return value * factor + offset
