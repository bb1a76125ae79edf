"""Units of scenario quantities and their conversion to the canonical unit of a dimension.

The one unit system of the scenario language: scenario quantities, data files and the
transport model's cost parameters all refer to this table.

A scenario number is either a plain number, in the unit its key documents, or an inline
table ``{ value = 55, unit = "kg/MWh", source = "..." }``. The unit must belong to the
dimension the key expects; it is converted to that dimension's canonical unit (the first
entry of each table below). Conversion is ``canonical = value * factor + offset``.
"""

from __future__ import annotations

__all__ = ["UNITS", "CANONICAL", "DKK_PER_EUR", "to_canonical", "allowed_units"]

#: Danish kroner per euro: the ERM II central rate, to which Danmarks Nationalbank has held
#: the krone since 1 January 1999 (fluctuation band +-2.25 %). [DKK/EUR]
DKK_PER_EUR = 7.46038

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
    "currency_eur": {
        "EUR": (1.0, 0.0), "kEUR": (1e3, 0.0), "MEUR": (1e6, 0.0),
        "DKK": (1 / DKK_PER_EUR, 0.0), "MDKK": (1e6 / DKK_PER_EUR, 0.0),
    },
    "cost_per_area": {"EUR/m2": (1.0, 0.0), "DKK/m2": (1 / DKK_PER_EUR, 0.0)},
    "cost_per_power": {"EUR/kW": (1.0, 0.0), "DKK/kW": (1 / DKK_PER_EUR, 0.0), "EUR/kWp": (1.0, 0.0),
                       "DKK/kWp": (1 / DKK_PER_EUR, 0.0)},
    "cost_per_energy": {"EUR/MWh": (1.0, 0.0), "EUR/kWh": (1e3, 0.0), "DKK/MWh": (1 / DKK_PER_EUR, 0.0),
                        "DKK/kWh": (1e3 / DKK_PER_EUR, 0.0), "EUR/GJ": (3.6, 0.0), "DKK/GJ": (3.6 / DKK_PER_EUR, 0.0)},
    "cost_per_mass": {"EUR/t": (1.0, 0.0), "DKK/t": (1 / DKK_PER_EUR, 0.0)},
    "cost_per_item": {"EUR": (1.0, 0.0), "DKK": (1 / DKK_PER_EUR, 0.0)},
    "cost_per_year": {"EUR/a": (1.0, 0.0), "kEUR/a": (1e3, 0.0), "DKK/a": (1 / DKK_PER_EUR, 0.0)},
    "share_per_year": {"1/a": (1.0, 0.0), "%/a": (0.01, 0.0)},
    "mass_co2": {"t": (1.0, 0.0), "kg": (1e-3, 0.0), "kt": (1e3, 0.0), "Mt": (1e6, 0.0)},
    "power_per_area": {"W/m2": (1.0, 0.0)},
    "peak_power_per_area": {"kWp/m2": (1.0, 0.0), "Wp/m2": (1e-3, 0.0)},
    "storage_energy": {"kWh": (1.0, 0.0), "MWh": (1e3, 0.0)},
    "specific_yield": {"kWh/kWp": (1.0, 0.0)},
    "energy_per_distance": {"kWh/km": (1.0, 0.0), "kWh/100km": (0.01, 0.0), "Wh/km": (1e-3, 0.0)},
    "emission_per_distance": {"g/km": (1.0, 0.0), "kg/km": (1e3, 0.0)},
    "volume_per_distance": {"l/km": (1.0, 0.0), "l/100km": (0.01, 0.0)},
    "rate_per_person": {"1/d": (1.0, 0.0)},
    "angle": {"deg": (1.0, 0.0)},
    "storage_per_peak_power": {"kWh/kWp": (1.0, 0.0)},
    "cost_per_energy_storage": {"EUR/kWh": (1.0, 0.0), "DKK/kWh": (1 / DKK_PER_EUR, 0.0)},
    "cost_per_area_year": {"EUR/(m2 a)": (1.0, 0.0), "DKK/(m2 a)": (1 / DKK_PER_EUR, 0.0)},
    "cost_per_power_year": {"EUR/(kW a)": (1.0, 0.0), "DKK/(kW a)": (1 / DKK_PER_EUR, 0.0),
                            "EUR/(kWp a)": (1.0, 0.0), "DKK/(kWp a)": (1 / DKK_PER_EUR, 0.0)},
    "cost_per_energy_storage_year": {"EUR/(kWh a)": (1.0, 0.0), "DKK/(kWh a)": (1 / DKK_PER_EUR, 0.0)},
    "temperature_coefficient": {"1/K": (1.0, 0.0), "%/K": (0.01, 0.0)},
    "day_of_year": {"d": (1.0, 0.0)},
    "diffusivity": {"m2/d": (1.0, 0.0), "m2/s": (86400.0, 0.0)},
    # transport costs, in Danish kroner like the transport model and its zones table
    "cost_sensitivity": {"1/DKK": (1.0, 0.0), "1/EUR": (1.0 / DKK_PER_EUR, 0.0)},
    "value_of_time": {"DKK/h": (1.0, 0.0), "EUR/h": (DKK_PER_EUR, 0.0)},
    "cost_per_distance": {"DKK/km": (1.0, 0.0), "EUR/km": (DKK_PER_EUR, 0.0)},
    "cost_per_trip": {"DKK": (1.0, 0.0), "EUR": (DKK_PER_EUR, 0.0)},
    "days_per_year": {"d/a": (1.0, 0.0)},
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
