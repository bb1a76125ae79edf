"""Dated building measures: the part of the stock they reach each year, what they change, what they cost.

A scenario names its measures in a table, ``[measures.<id>]``, so that a variant can
override one key of one measure::

    [measures.kildeparken_renovation]
    type = "envelope_renovation"
    description = "Kildeparken 2020: new facades, roofs and windows"
    start_year = 2017
    ramp = { value = 25, unit = "%/a", source = "..." }      # 25 % of the eligible stock per year
    filter = { zone = ["kildeparken"], use = ["apartment_block", "terraced_house"],
               construction_year = [1961, 1978], heating_system = ["district_heating"] }
    u_wall_w_m2k = { value = 0.15, unit = "W/(m2 K)", source = "..." }
    u_window_w_m2k = { value = 0.9, unit = "W/(m2 K)", source = "..." }
    investment = { value = 2500, unit = "DKK/m2", source = "..." }
    lifetime_years = 40
    om_share_per_year = { value = 0.5, unit = "%/a", source = "..." }

Measure types: ``envelope_renovation``, ``ventilation_heat_recovery``, ``heating_switch``,
``smart_thermostat``, ``smart_meter_feedback``, ``rooftop_pv`` and ``battery`` (one
model each below).

Ramp
----
A ramp gives the share of the eligible stock treated by the end of a year, written as a
quantity so that a variant replaces it whole:

* ``ramp = { value = 25, unit = "%/a" }`` (also ``{ share_per_year = ... }``): the share
  grows by the rate each year from ``start_year`` on, capped at 1:
  ``share(y) = min(1, (y - start_year + 1) × rate)``;
* ``ramp = { value = 100, unit = "%", by_year = 2020 }`` (also ``{ target_share = 1.0,
  by_year = 2020 }``): the share grows linearly from ``start_year`` and reaches the target
  in ``by_year``: ``share(y) = target × min(1, (y - start_year + 1) / (by_year - start_year + 1))``.

Before ``start_year`` the share is 0. A building treated in a year counts as treated for
the whole of that year (the stock of a year is simulated in one state).

Stock model
-----------
:func:`stock_in_year` returns the buildings standing in a year (``construction_year <=
year``) with the measures applied. Each row eligible for a measure is split into a
treated part (``count × share``) and an untreated part (``count × (1 - share)``), so
``count`` becomes a float weight. Rules:

1. **Order.** Measures are applied in the order of the scenario's table (a parent's
   measures first, then those a variant adds). Where two measures change the same
   column of the same buildings, the later one acts on the state the earlier one left
   (a U-value: the better of the two; a heating system: the later one's).
2. **Filters see the stock as built.** A filter (and a heating switch's ``from_systems``)
   selects by the columns of the buildings table, not by what earlier measures changed.
   A measure's eligible stock is therefore the same whatever the other measures do.
3. **Independence.** Measures are assumed independent across the eligible stock: the
   share treated by measure B is the same among the buildings treated by A as among
   those not treated by A.
4. **Improvements only.** A measure never makes a building worse: U-values and air
   change rates become the smaller, heat-recovery efficiencies and setbacks the larger of
   the building's and the measure's value. A treated part that ends up identical to its
   untreated part is not split off.
5. **Merging.** Parts of one original row that end up identical in every column are
   merged (their counts added), so the table grows only with the measures that are
   part-way through their ramp on a row.

Bookkeeping columns: ``source_building_id`` (the original row), ``measures`` (the
``+``-joined ids of the measures applied to every building of the part, in order; ``''``
for none) and a unique ``building_id``: the original id for an untreated part, else
``<source id>|<measures>`` (``#2``, ``#3``, ... appended in the rare case of two parts with
one label, e.g. two programmes with the same effect). Effect columns, added with a neutral value if the table lacks
them: ``heating_setback_k`` [K], ``heat_demand_factor`` and ``electricity_demand_factor``
[1] (multiply the row's space-heating need and appliance electricity),
``pv_kwp`` [kWp per building], ``pv_tilt_deg`` and ``pv_azimuth_deg`` [deg; N = 0,
S = 180; meaningless where ``pv_kwp`` is 0] and ``battery_kwh`` [kWh per building].

Costs
-----
:func:`measure_costs` prices the installations year by year: the units (m2 of heated
floor area, buildings, kW, kWp or kWh, as the investment's unit says) in service are
``Σ count × share × units per building`` over the eligible stock standing in the year;
what is installed in a year is the increase over the previous calendar year. Investment
is paid when a unit is first installed and again every ``lifetime_years`` as long as the
measure stays in the stock (``reinvestment_eur``). Costs are in euros at constant prices;
DKK are converted at the fixed ERM II central rate (:data:`smartcity.units.DKK_PER_EUR`).
"""

from __future__ import annotations

import math
import re
import typing
from collections.abc import Iterable, Mapping
from typing import Annotated, Any, ClassVar, Literal, Union

import numpy as np
import pandas as pd
from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    ValidationError,
    WrapValidator,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from smartcity.errors import InputError
from smartcity.scenario.types import Quantity, StrictModel, quantity
from smartcity.tables import load_schema
from smartcity.uncertainty import uncertain_quantity
from smartcity.units import CANONICAL, DKK_PER_EUR, UNITS

__all__ = [
    "BuildingFilter", "Ramp", "EnvelopeRenovation", "VentilationHeatRecovery", "HeatingSwitch",
    "SmartThermostat", "SmartMeterFeedback", "RooftopPV", "Battery", "Measure", "MeasureId",
    "MeasuresSection", "MEASURE_TYPES", "EFFECT_COLUMNS", "DISCOUNT_RATE", "treated_share",
    "stock_in_year", "apply_measures_for_years", "measure_costs", "capital_recovery_factor",
    "check_measures", "measure_union", "BUILDING_MEASURE_CLASSES",
]

#: Real discount rate for annualising investments: the Danish Ministry of Finance's
#: socio-economic discount rate for years 0-35 (Finansministeriet, "Dokumentationsnotat -
#: den samfundsøkonomiske diskonteringsrente", 7 January 2021: 3.5 %, lowered from 4 %). [1/a]
DISCOUNT_RATE = 0.035

#: Columns a measure may write, with the neutral value a row gets if the table lacks them.
EFFECT_COLUMNS: dict[str, float] = {
    "heating_setback_k": 0.0,
    "heat_demand_factor": 1.0,
    "electricity_demand_factor": 1.0,
    "pv_kwp": 0.0,
    "pv_tilt_deg": 0.0,
    "pv_azimuth_deg": 180.0,
    "battery_kwh": 0.0,
}

_SCHEMA = load_schema("buildings")
_USES: tuple[str, ...] = tuple(_SCHEMA.columns["use"].allowed or ())
_SYSTEMS: tuple[str, ...] = tuple(_SCHEMA.columns["heating_system"].allowed or ())
_MIN_SETPOINT_C = float(_SCHEMA.columns["heating_setpoint_c"].min or 5.0)

# Internal columns of the frame while measures are applied.
_SRC = "_source_row"
_APPLIED = "_applied"


def _one_of(values: Iterable[str]) -> str:
    return "one of " + ", ".join(repr(v) for v in values)


# --------------------------------------------------------------------------------------
# Scenario types
# --------------------------------------------------------------------------------------

def _quantity_of(*dimensions: str, ge: float = 0.0):
    """Annotated :class:`Quantity` whose dimension is chosen by its unit among ``dimensions``.

    A plain number is in the canonical unit of the first dimension. Used for costs that
    may be given per m2, per building, per kW, ... (the unit says which).
    """
    units = [u for d in dimensions for u in UNITS[d]]

    def before(v: Any) -> Any:
        if isinstance(v, bool):
            return v  # let pydantic reject it
        if isinstance(v, (int, float)):
            return {"value": v, "unit": CANONICAL[dimensions[0]], "dimension": dimensions[0]}
        if isinstance(v, dict):
            if "dimension" in v:
                raise PydanticCustomError(
                    "unknown_quantity_key", "unknown key in a quantity",
                    {"value": "dimension", "allowed": "the keys value, unit, source, assumption, reason"},
                )
            unit = v.get("unit", CANONICAL[dimensions[0]])
            for dim in dimensions:
                if isinstance(unit, str) and unit in UNITS[dim]:
                    return {**v, "unit": unit, "dimension": dim}
            raise PydanticCustomError("unknown_unit", "unknown unit for this key",
                                      {"value": unit, "allowed": ", ".join(repr(u) for u in units)})
        return v

    def after(q: Quantity) -> Quantity:
        if q.canonical < ge:
            raise PydanticCustomError("out_of_range", "value out of range",
                                      {"value": q.value, "allowed": f"a number >= {ge:g} [{q.unit}]"})
        return q

    return Annotated[Quantity, BeforeValidator(before), AfterValidator(after)]


class Ramp(Quantity):
    """How fast a measure reaches its eligible stock: a share per year, or a target share by a year.

    Written as a quantity, ``{ value = 25, unit = "%/a" }`` or ``{ value = 100, unit = "%",
    by_year = 2020 }``; the forms ``{ share_per_year = ... }`` and ``{ target_share = ...,
    by_year = ... }`` are read as the same.
    """

    by_year: int | None = Field(
        default=None, ge=1900, le=2100,
        description="Year in which the target share is reached (target form only; not with a unit per year). [a]",
    )

    @property
    def is_rate(self) -> bool:
        """True for a share per year, False for a target share by ``by_year``."""
        return self.dimension == "share_per_year"

    @model_validator(mode="after")
    def _form(self) -> "Ramp":
        x = self.canonical
        if self.is_rate:
            if self.by_year is not None:
                raise PydanticCustomError(
                    "ramp_form", "by_year belongs to a target share, not to a share per year",
                    {"key": "by_year", "value": self.by_year,
                     "allowed": "a share per year without by_year, or a target share (unit '1' or '%') with by_year"},
                )
            if not 0.0 < x <= 1.0:
                raise PydanticCustomError("out_of_range", "value out of range",
                                          {"value": self.value, "allowed": "a share per year > 0 and <= 1 [1/a] (100 %/a)"})
        else:
            if self.by_year is None:
                raise PydanticCustomError(
                    "ramp_form", "a target share needs by_year",
                    {"key": "by_year", "allowed": "the year in which the target share is reached, e.g. by_year = 2020"},
                )
            if not 0.0 <= x <= 1.0:
                raise PydanticCustomError("out_of_range", "target share out of range",
                                          {"value": self.value, "allowed": "a share >= 0 and <= 1 [1] (100 %)"})
        return self


_RAMP_UNITS = {u: "share_per_year" for u in UNITS["share_per_year"]} | {u: "dimensionless" for u in UNITS["dimensionless"]}
_RAMP_ALLOWED = ("{ value = ..., unit = '%/a' or '1/a' } for a share per year, or "
                 "{ value = ..., unit = '%' or '1', by_year = ... } for a target share by a year")


def _ramp_before(v: Any) -> Any:
    if not isinstance(v, dict):
        return v  # let pydantic reject it
    v = dict(v)
    if "dimension" in v:
        raise PydanticCustomError("unknown_quantity_key", "unknown key in a ramp",
                                  {"value": "dimension", "allowed": "value, unit, by_year, source, assumption, reason"})
    nested = [k for k in ("share_per_year", "target_share") if k in v]
    if nested:
        if len(nested) == 2 or "value" in v or "unit" in v:
            raise PydanticCustomError(
                "ramp_form", "a ramp has two forms at once (a variant cannot remove its parent's ramp keys; "
                "write ramps as { value = ..., unit = ... }, which a variant replaces whole)",
                {"value": ", ".join(sorted(k for k in v if k in ("share_per_year", "target_share", "value", "unit"))),
                 "allowed": _RAMP_ALLOWED},
            )
        key = nested[0]
        inner = v.pop(key)
        default_unit = "1/a" if key == "share_per_year" else "1"
        if isinstance(inner, dict):
            inner = {"unit": default_unit, **inner}
        elif isinstance(inner, (int, float)) and not isinstance(inner, bool):
            inner = {"value": inner, "unit": default_unit}
        else:
            raise PydanticCustomError("ramp_form", f"{key} must be a number or a quantity",
                                      {"key": key, "value": inner, "allowed": _RAMP_ALLOWED})
        if _RAMP_UNITS.get(inner.get("unit")) != ("share_per_year" if key == "share_per_year" else "dimensionless"):
            units = UNITS["share_per_year"] if key == "share_per_year" else UNITS["dimensionless"]
            raise PydanticCustomError("unknown_unit", "unknown unit for this key",
                                      {"key": key, "value": inner.get("unit"), "allowed": _one_of(units)})
        v.update(inner)
    if "unit" not in v:
        raise PydanticCustomError("ramp_form", "a ramp needs a unit", {"allowed": _RAMP_ALLOWED})
    unit = v["unit"]
    if not isinstance(unit, str) or unit not in _RAMP_UNITS:
        raise PydanticCustomError("unknown_unit", "unknown unit for a ramp",
                                  {"value": unit, "allowed": _one_of(_RAMP_UNITS)})
    return {**v, "dimension": _RAMP_UNITS[unit]}


RampField = Annotated[Ramp, BeforeValidator(_ramp_before)]


class BuildingFilter(StrictModel):
    """Which rows of the buildings table a measure may treat (all given conditions must hold).

    A key left out does not restrict; an empty list is refused (it would select nothing).
    The filter reads the table as built, not as changed by other measures.
    """

    use: list[str] | None = Field(default=None, description="Uses to include (schema values of `use`).")
    zone: list[str] | None = Field(default=None, description="Zones to include (values of the table's `zone`).")
    heating_system: list[str] | None = Field(
        default=None, description="Heating systems to include (schema values of `heating_system`).")
    construction_year: list[int] | None = Field(
        default=None, description="[first, last] construction year to include, both inclusive. [a]")
    building_id: list[str] | None = Field(default=None, description="Rows to include, by `building_id`.")

    @field_validator("use", "zone", "heating_system", "construction_year", "building_id")
    @classmethod
    def _not_empty(cls, v: list | None, info) -> list | None:
        if v is not None and len(v) == 0:
            raise PydanticCustomError(
                "empty_filter", "an empty list selects no building",
                {"value": [], "allowed": f"at least one value, or leave '{info.field_name}' out to select every "
                                         f"{info.field_name.replace('_', ' ')}"},
            )
        return v

    @field_validator("use")
    @classmethod
    def _known_uses(cls, v: list[str] | None) -> list[str] | None:
        for item in v or ():
            if item not in _USES:
                raise PydanticCustomError("value_not_allowed", "unknown use in the filter",
                                          {"value": item, "allowed": _one_of(_USES)})
        return v

    @field_validator("heating_system")
    @classmethod
    def _known_systems(cls, v: list[str] | None) -> list[str] | None:
        for item in v or ():
            if item not in _SYSTEMS:
                raise PydanticCustomError("value_not_allowed", "unknown heating system in the filter",
                                          {"value": item, "allowed": _one_of(_SYSTEMS)})
        return v

    @field_validator("construction_year")
    @classmethod
    def _year_range(cls, v: list[int] | None) -> list[int] | None:
        if v is not None and (len(v) != 2 or v[0] > v[1]):
            raise PydanticCustomError("year_range", "construction_year takes [first, last]",
                                      {"value": v, "allowed": "two years, the first not after the last, e.g. [1961, 1978]"})
        return v

    def mask(self, buildings: pd.DataFrame) -> np.ndarray:
        """Boolean array: which rows of ``buildings`` the filter selects."""
        keep = np.ones(len(buildings), dtype=bool)
        for name in ("use", "zone", "heating_system", "building_id"):
            values = getattr(self, name)
            if values is not None:
                keep &= buildings[name].isin(values).to_numpy()
        if self.construction_year is not None:
            year = buildings["construction_year"].to_numpy()
            keep &= (year >= self.construction_year[0]) & (year <= self.construction_year[1])
        return keep


class _MeasureBase(StrictModel):
    """Fields every measure has."""

    description: str = Field(default="", description="What the measure is, for people.")
    enabled: bool = Field(default=True, description="False switches the measure off (a variant can disable a parent's measure).")
    start_year: int = Field(ge=1900, le=2100, description="First year in which buildings are treated. [a]")
    ramp: RampField = Field(
        description="Share of the eligible stock treated: per year ({ value, unit = '%/a' }) or a target by a "
                    "year ({ value, unit = '%', by_year }). [1/a or 1]",
    )
    filter: BuildingFilter = Field(default_factory=BuildingFilter,
                                   description="The rows of the buildings table the measure may treat (as built).")
    lifetime_years: int = Field(ge=1, le=100, description="Service life; the investment recurs after it. [a]")
    om_share_per_year: quantity("share_per_year", ge=0.0, le=1.0) | None = Field(  # type: ignore[valid-type]
        default=None, description="Operation and maintenance per year as a share of the investment in service. [1/a]",
    )

    #: dimension of a cost quantity -> unit installed ('m2', 'building', 'kW', 'kWp', 'kWh').
    _basis_of: ClassVar[dict[str, str]] = {}
    #: columns the measure may change.
    _writes: ClassVar[tuple[str, ...]] = ()

    @model_validator(mode="after")
    def _consistent(self) -> "_MeasureBase":
        if not self.ramp.is_rate and self.ramp.by_year < self.start_year:
            raise PydanticCustomError(
                "ramp_years", "ramp.by_year is before start_year",
                {"key": "ramp", "value": self.ramp.by_year, "allowed": f"a year >= start_year ({self.start_year})"},
            )
        if self.om_share_per_year is not None and getattr(self, "om_cost_per_year", None) is not None:
            raise PydanticCustomError(
                "om_twice", "give operation and maintenance once",
                {"key": "om_cost_per_year", "allowed": "om_share_per_year or om_cost_per_year, not both"},
            )
        return self

    # -- what subclasses provide -------------------------------------------------------
    def _eligible(self, buildings: pd.DataFrame) -> np.ndarray:
        """Rows of the table (as built) the measure may treat."""
        return self.filter.mask(buildings)

    def _apply(self, treated: _Parts) -> None:  # pragma: no cover - abstract
        """Change the treated copy of the eligible rows in place."""
        raise NotImplementedError

    def _units_per_building(self, treated: _Parts, basis: str) -> np.ndarray:
        """Units installed per building of the treated rows (after :meth:`_apply`)."""
        if basis == "building":
            return np.ones(len(treated))
        if basis == "m2":
            return np.asarray(treated["heated_floor_area_m2"], dtype=np.float64)
        raise ValueError(f"{type(self).__name__} has no cost basis {basis!r}")  # pragma: no cover

    # -- costs ---------------------------------------------------------------------------
    @property
    def investment_basis(self) -> str:
        """What the investment is paid per: 'm2' (heated floor area), 'building', 'kW', 'kWp' or 'kWh'."""
        return self._basis_of[self.investment.dimension]

    @property
    def om_basis(self) -> str | None:
        """What ``om_cost_per_year`` is paid per, or None if it is not given."""
        om = getattr(self, "om_cost_per_year", None)
        return None if om is None else self._basis_of[om.dimension]


def _set_better(treated: _Parts, column: str, value: float | None, better) -> None:
    if value is not None:
        treated[column] = better(np.asarray(treated[column], dtype=np.float64), value)


class EnvelopeRenovation(_MeasureBase):
    """Insulation of walls, roof and floor, new windows, and air-tightness.

    Only the values given change; each becomes the better of the building's value and
    the measure's (U-values and the air change rate the smaller), except ``g_window``,
    which new glazing sets. Investment per m2 of heated floor area or per building.

    Notes
    -----
    For scale: the Kildeparken 2020 renovation cost about DKK 1.5 bn (abhim.dk,
    nordjyske.dk, 2017) for the estate's ~72,900 m2 of heated floor area in the default
    table, about DKK 20,600 per m2. That was a full renovation of the estate, not only its
    envelope; the energy share has to be separated before it is used as ``investment``.

    References
    ----------
    .. [1] Himmerland Boligforening / nordjyske.dk (2017): Kildeparken 2020, DKK 1.5 bn.
    """

    type: Literal["envelope_renovation"] = Field(description="Measure type.")
    u_wall_w_m2k: uncertain_quantity("heat_transfer_coefficient", gt=0.0, le=6.0) | None = Field(  # type: ignore[valid-type]
        default=None, description="New U-value of the walls, thermal bridges included. [W/(m2 K)]")
    u_roof_w_m2k: uncertain_quantity("heat_transfer_coefficient", gt=0.0, le=6.0) | None = Field(  # type: ignore[valid-type]
        default=None, description="New U-value of the roof or top-floor ceiling. [W/(m2 K)]")
    u_floor_w_m2k: uncertain_quantity("heat_transfer_coefficient", gt=0.0, le=6.0) | None = Field(  # type: ignore[valid-type]
        default=None, description="New effective U-value of the ground floor (reduction factor b included). [W/(m2 K)]")
    u_window_w_m2k: uncertain_quantity("heat_transfer_coefficient", gt=0.0, le=6.0) | None = Field(  # type: ignore[valid-type]
        default=None, description="New U-value of the windows, glazing and frame. [W/(m2 K)]")
    g_window: quantity("dimensionless", ge=0.0, le=1.0) | None = Field(  # type: ignore[valid-type]
        default=None, description="Total solar energy transmittance of the new glazing. [1]")
    ventilation_ach: quantity("air_change_rate", ge=0.0, le=20.0) | None = Field(  # type: ignore[valid-type]
        default=None, description="Air change rate after sealing (ventilation plus infiltration). [1/h]")
    investment: _quantity_of("cost_per_area", "cost_per_item") = Field(  # type: ignore[valid-type]
        description="Investment per m2 of heated floor area (EUR/m2, DKK/m2) or per building (EUR, DKK).")
    om_cost_per_year: _quantity_of("cost_per_area_year", "cost_per_year") | None = Field(  # type: ignore[valid-type]
        default=None, description="Operation and maintenance per m2 and year (EUR/(m2 a)) or per building and year (EUR/a).")

    _basis_of: ClassVar[dict[str, str]] = {
        "cost_per_area": "m2", "cost_per_item": "building", "cost_per_area_year": "m2", "cost_per_year": "building",
    }
    _ELEMENTS: ClassVar[tuple[str, ...]] = (
        "u_wall_w_m2k", "u_roof_w_m2k", "u_floor_w_m2k", "u_window_w_m2k", "g_window", "ventilation_ach")
    _writes: ClassVar[tuple[str, ...]] = _ELEMENTS

    @model_validator(mode="after")
    def _changes_something(self) -> "EnvelopeRenovation":
        if all(getattr(self, name) is None for name in self._ELEMENTS):
            raise PydanticCustomError("nothing_changed", "an envelope renovation changes nothing",
                                      {"allowed": "at least one of " + ", ".join(self._ELEMENTS)})
        return self

    def _apply(self, treated: _Parts) -> None:
        for name in ("u_wall_w_m2k", "u_roof_w_m2k", "u_floor_w_m2k", "u_window_w_m2k", "ventilation_ach"):
            q = getattr(self, name)
            _set_better(treated, name, None if q is None else q.canonical, np.minimum)
        if self.g_window is not None:
            treated["g_window"] = self.g_window.canonical


class VentilationHeatRecovery(_MeasureBase):
    """Mechanical ventilation with heat recovery.

    ``heat_recovery_efficiency`` becomes the larger of the building's and the measure's
    (the thermal model applies it to the whole air change); ``ventilation_ach``, if
    given, becomes the air change rate of the ventilated building. Investment per m2 of
    heated floor area or per building.
    """

    type: Literal["ventilation_heat_recovery"] = Field(description="Measure type.")
    heat_recovery_efficiency: quantity("dimensionless", ge=0.0, le=0.95) = Field(  # type: ignore[valid-type]
        description="Temperature efficiency of the heat recovery, as a share of the whole air change. [1]")
    ventilation_ach: quantity("air_change_rate", ge=0.0, le=20.0) | None = Field(  # type: ignore[valid-type]
        default=None, description="Air change rate with the new ventilation (ventilation plus infiltration). [1/h]")
    investment: _quantity_of("cost_per_area", "cost_per_item") = Field(  # type: ignore[valid-type]
        description="Investment per m2 of heated floor area (EUR/m2, DKK/m2) or per building (EUR, DKK).")
    om_cost_per_year: _quantity_of("cost_per_area_year", "cost_per_year") | None = Field(  # type: ignore[valid-type]
        default=None, description="Operation and maintenance per m2 and year (EUR/(m2 a)) or per building and year (EUR/a).")

    _basis_of: ClassVar[dict[str, str]] = EnvelopeRenovation._basis_of
    _writes: ClassVar[tuple[str, ...]] = ("heat_recovery_efficiency", "ventilation_ach")

    def _apply(self, treated: _Parts) -> None:
        _set_better(treated, "heat_recovery_efficiency", self.heat_recovery_efficiency.canonical, np.maximum)
        if self.ventilation_ach is not None:
            treated["ventilation_ach"] = self.ventilation_ach.canonical


class HeatingSwitch(_MeasureBase):
    """Replacement of the heating system, e.g. oil or gas boilers by district heating or heat pumps.

    Treats the rows whose heating system (as built) is one of ``from_systems`` and that
    pass the filter; sets ``heating_system`` to ``to_system``. Investment per building, or
    per kW of heating power sized as ``design_heat_load`` × heated floor area.
    """

    type: Literal["heating_switch"] = Field(description="Measure type.")
    from_systems: list[str] = Field(description="Heating systems replaced (schema values of `heating_system`).")
    to_system: str = Field(description="The new heating system (a schema value of `heating_system`).")
    design_heat_load: quantity("power_per_area", gt=0.0, le=500.0) | None = Field(  # type: ignore[valid-type]
        default=None,
        description="Heating power installed per m2 of heated floor area; needed for costs per kW. [W/m2]",
    )
    investment: _quantity_of("cost_per_item", "cost_per_power") = Field(  # type: ignore[valid-type]
        description="Investment per building (EUR, DKK) or per kW of heating power (EUR/kW, DKK/kW).")
    om_cost_per_year: _quantity_of("cost_per_year", "cost_per_power_year") | None = Field(  # type: ignore[valid-type]
        default=None, description="Operation and maintenance per building and year (EUR/a) or per kW and year (EUR/(kW a)).")

    _basis_of: ClassVar[dict[str, str]] = {
        "cost_per_item": "building", "cost_per_power": "kW", "cost_per_year": "building", "cost_per_power_year": "kW",
    }
    _writes: ClassVar[tuple[str, ...]] = ("heating_system",)

    @field_validator("from_systems")
    @classmethod
    def _known_from(cls, v: list[str]) -> list[str]:
        if not v:
            raise PydanticCustomError("empty_filter", "an empty list selects no building",
                                      {"value": [], "allowed": "at least one heating system to replace"})
        for item in v:
            if item not in _SYSTEMS:
                raise PydanticCustomError("value_not_allowed", "unknown heating system",
                                          {"value": item, "allowed": _one_of(_SYSTEMS)})
        return v

    @field_validator("to_system")
    @classmethod
    def _known_to(cls, v: str) -> str:
        if v not in _SYSTEMS:
            raise PydanticCustomError("value_not_allowed", "unknown heating system",
                                      {"value": v, "allowed": _one_of(_SYSTEMS)})
        return v

    @model_validator(mode="after")
    def _switch_consistent(self) -> "HeatingSwitch":
        if self.to_system in self.from_systems:
            raise PydanticCustomError("switch_to_itself", "to_system is also in from_systems",
                                      {"key": "from_systems", "value": self.to_system,
                                       "allowed": "heating systems other than to_system"})
        if "kW" in (self.investment_basis, self.om_basis) and self.design_heat_load is None:
            raise PydanticCustomError("missing_design_load", "costs per kW need design_heat_load",
                                      {"key": "design_heat_load",
                                       "allowed": "design_heat_load = { value = ..., unit = \"W/m2\", source = ... }"})
        return self

    def _eligible(self, buildings: pd.DataFrame) -> np.ndarray:
        return self.filter.mask(buildings) & buildings["heating_system"].isin(self.from_systems).to_numpy()

    def _apply(self, treated: _Parts) -> None:
        treated["heating_system"] = self.to_system

    def _units_per_building(self, treated: _Parts, basis: str) -> np.ndarray:
        if basis == "kW":
            area = np.asarray(treated["heated_floor_area_m2"], dtype=np.float64)
            return self.design_heat_load.canonical * area / 1e3
        return super()._units_per_building(treated, basis)


class SmartThermostat(_MeasureBase):
    """Room thermostats that lower the heating setpoint and/or set it back at night and when away.

    ``heating_setpoint_change_k`` is added to ``heating_setpoint_c`` (not below the
    schema's 5 °C); the column ``heating_setback_k``, which the hourly setpoint schedules
    read, becomes the larger of the row's setback and the measure's. The saving is not a number of the measure: the
    hourly model computes it from the lower indoor temperature. Investment per building
    or per m2 of heated floor area (the table has no dwelling counts: for a block of
    flats, the cost per building is the cost per dwelling × dwellings per block).
    """

    type: Literal["smart_thermostat"] = Field(description="Measure type.")
    heating_setpoint_change_k: quantity("temperature_difference", ge=-5.0, le=0.0) | None = Field(  # type: ignore[valid-type]
        default=None, description="Change of the heating setpoint, <= 0, e.g. -0.5. [K]")
    heating_setback_k: quantity("temperature_difference", ge=0.0, le=15.0) | None = Field(  # type: ignore[valid-type]
        default=None, description="Setback of the heating setpoint outside occupied hours. [K]")
    investment: _quantity_of("cost_per_item", "cost_per_area") = Field(  # type: ignore[valid-type]
        description="Investment per building (EUR, DKK) or per m2 of heated floor area (EUR/m2, DKK/m2).")
    om_cost_per_year: _quantity_of("cost_per_year", "cost_per_area_year") | None = Field(  # type: ignore[valid-type]
        default=None, description="Operation and maintenance per building and year (EUR/a) or per m2 and year (EUR/(m2 a)).")

    _basis_of: ClassVar[dict[str, str]] = {
        "cost_per_item": "building", "cost_per_area": "m2", "cost_per_year": "building", "cost_per_area_year": "m2",
    }
    _writes: ClassVar[tuple[str, ...]] = ("heating_setpoint_c", "heating_setback_k")

    @model_validator(mode="after")
    def _changes_something(self) -> "SmartThermostat":
        if self.heating_setpoint_change_k is None and self.heating_setback_k is None:
            raise PydanticCustomError("nothing_changed", "a smart thermostat changes nothing",
                                      {"allowed": "heating_setpoint_change_k and/or heating_setback_k"})
        return self

    def _apply(self, treated: _Parts) -> None:
        if self.heating_setpoint_change_k is not None:
            setpoint = np.asarray(treated["heating_setpoint_c"], dtype=np.float64)
            treated["heating_setpoint_c"] = np.maximum(setpoint + self.heating_setpoint_change_k.canonical,
                                                       _MIN_SETPOINT_C)
        if self.heating_setback_k is not None:  # an empty (not yet filled) cell counts as none
            treated["heating_setback_k"] = np.fmax(np.asarray(treated["heating_setback_k"], dtype=np.float64),
                                                   self.heating_setback_k.canonical)


class SmartMeterFeedback(_MeasureBase):
    """Smart meters with consumption feedback (in-home display, app): a behavioural saving.

    Multiplies the row's ``heat_demand_factor`` by (1 - ``heat_saving_share``) and
    ``electricity_demand_factor`` by (1 - ``electricity_saving_share``); the energy model
    multiplies the space-heating need and the appliance electricity of the row by them.
    Investment per building or per m2 of heated floor area.

    Notes
    -----
    Reviews of feedback trials report savings of about 5-15 % for direct (real-time)
    feedback [1]_, about 7 % of electricity for households actively using an in-home
    display [2]_, and a wide spread by feedback type, region and period, with savings
    fading over time unless feedback is kept up [3]_. Savings in large roll-outs without
    active engagement are at the low end of these ranges. A scenario should give the
    source of its shares or flag them as assumptions.

    References
    ----------
    .. [1] Darby, S. (2006). The effectiveness of feedback on energy consumption. A review
       for DEFRA of the literature on metering, billing and direct displays.
       Environmental Change Institute, University of Oxford.
    .. [2] Faruqui, A., Sergici, S., Sharif, A. (2010). The impact of informational
       feedback on energy consumption - A survey of the experimental evidence. Energy
       35(4), 1598-1608. doi:10.1016/j.energy.2009.07.042
    .. [3] Zangheri, P., Serrenho, T., Bertoldi, P. (2019). Energy savings from feedback
       systems: a meta-studies' review. Energies 12(19), 3788. doi:10.3390/en12193788
    """

    type: Literal["smart_meter_feedback"] = Field(description="Measure type.")
    heat_saving_share: uncertain_quantity("dimensionless", ge=0.0, lt=1.0) | None = Field(  # type: ignore[valid-type]
        default=None, description="Saving on space heating of a treated building. [1]")
    electricity_saving_share: uncertain_quantity("dimensionless", ge=0.0, lt=1.0) | None = Field(  # type: ignore[valid-type]
        default=None, description="Saving on appliance electricity of a treated building. [1]")
    investment: _quantity_of("cost_per_item", "cost_per_area") = Field(  # type: ignore[valid-type]
        description="Investment per building (EUR, DKK) or per m2 of heated floor area (EUR/m2, DKK/m2).")
    om_cost_per_year: _quantity_of("cost_per_year", "cost_per_area_year") | None = Field(  # type: ignore[valid-type]
        default=None, description="Operation and maintenance per building and year (EUR/a) or per m2 and year (EUR/(m2 a)).")

    _basis_of: ClassVar[dict[str, str]] = SmartThermostat._basis_of
    _writes: ClassVar[tuple[str, ...]] = ("heat_demand_factor", "electricity_demand_factor")

    @model_validator(mode="after")
    def _changes_something(self) -> "SmartMeterFeedback":
        if self.heat_saving_share is None and self.electricity_saving_share is None:
            raise PydanticCustomError("nothing_changed", "smart-meter feedback saves nothing",
                                      {"allowed": "heat_saving_share and/or electricity_saving_share"})
        return self

    def _apply(self, treated: _Parts) -> None:
        for share, column in ((self.heat_saving_share, "heat_demand_factor"),
                              (self.electricity_saving_share, "electricity_demand_factor")):
            if share is not None:
                treated[column] = np.asarray(treated[column], dtype=np.float64) * (1.0 - share.canonical)


class RooftopPV(_MeasureBase):
    """Rooftop photovoltaics: ``pv_kwp = peak_power_per_area × usable_roof_share × roof_area_m2``.

    Sets ``pv_kwp`` (per building), ``pv_tilt_deg`` and ``pv_azimuth_deg`` of the treated
    rows (a later PV measure on the same roofs replaces the array). ``peak_power_per_area``
    is the rating per m2 of module, i.e. the module efficiency at standard test conditions
    × 1 kW/m2 (0.2 kWp/m2 for 20 % modules); ``usable_roof_share`` is module area per m2 of
    the table's ``roof_area_m2``. Investment per kWp.
    """

    type: Literal["rooftop_pv"] = Field(description="Measure type.")
    peak_power_per_area: quantity("peak_power_per_area", gt=0.0, le=0.4) = Field(  # type: ignore[valid-type]
        description="Peak power per m2 of module at standard test conditions. [kWp/m2]")
    usable_roof_share: quantity("dimensionless", gt=0.0, le=1.0) = Field(  # type: ignore[valid-type]
        description="Module area per m2 of roof_area_m2 (setbacks, shading, pitch and orientation included). [1]")
    tilt_deg: quantity("angle", ge=0.0, le=90.0) = Field(  # type: ignore[valid-type]
        default={"value": 35.0, "unit": "deg", "assumption": True,
                 "reason": "typical pitch of Danish roofs, close to the yield-optimal tilt; no roof survey"},
        description="Module tilt from horizontal. [deg]")
    azimuth_deg: quantity("angle", ge=0.0, lt=360.0) = Field(  # type: ignore[valid-type]
        default={"value": 180.0, "unit": "deg", "assumption": True,
                 "reason": "south-facing roof side; no roof survey"},
        description="Direction the modules face, N = 0, E = 90, S = 180, W = 270. [deg]")
    investment: _quantity_of("cost_per_power") = Field(  # type: ignore[valid-type]
        description="Investment per kWp (EUR/kWp, DKK/kWp).")
    om_cost_per_year: _quantity_of("cost_per_power_year") | None = Field(  # type: ignore[valid-type]
        default=None, description="Operation and maintenance per kWp and year (EUR/(kWp a)).")

    _basis_of: ClassVar[dict[str, str]] = {"cost_per_power": "kWp", "cost_per_power_year": "kWp"}
    _writes: ClassVar[tuple[str, ...]] = ("pv_kwp", "pv_tilt_deg", "pv_azimuth_deg")

    def _apply(self, treated: _Parts) -> None:
        roof = np.asarray(treated["roof_area_m2"], dtype=np.float64)
        treated["pv_kwp"] = self.peak_power_per_area.canonical * self.usable_roof_share.canonical * roof
        treated["pv_tilt_deg"] = self.tilt_deg.canonical
        treated["pv_azimuth_deg"] = self.azimuth_deg.canonical

    def _units_per_building(self, treated: _Parts, basis: str) -> np.ndarray:
        if basis == "kWp":
            return np.asarray(treated["pv_kwp"], dtype=np.float64)
        return super()._units_per_building(treated, basis)


class Battery(_MeasureBase):
    """Stationary batteries: ``battery_kwh`` per building, fixed or per kWp of the building's PV.

    With ``capacity_per_pv_kwp`` the capacity follows the row's ``pv_kwp`` as left by the
    measures before this one: list the PV measure first. Investment per kWh.
    """

    type: Literal["battery"] = Field(description="Measure type.")
    capacity_per_building: quantity("storage_energy", gt=0.0, le=100000.0) | None = Field(  # type: ignore[valid-type]
        default=None, description="Usable capacity per building. [kWh]")
    capacity_per_pv_kwp: quantity("storage_per_peak_power", gt=0.0, le=20.0) | None = Field(  # type: ignore[valid-type]
        default=None, description="Usable capacity per kWp of the building's PV. [kWh/kWp]")
    investment: _quantity_of("cost_per_energy_storage") = Field(  # type: ignore[valid-type]
        description="Investment per kWh of capacity (EUR/kWh, DKK/kWh).")
    om_cost_per_year: _quantity_of("cost_per_energy_storage_year") | None = Field(  # type: ignore[valid-type]
        default=None, description="Operation and maintenance per kWh and year (EUR/(kWh a)).")

    _basis_of: ClassVar[dict[str, str]] = {"cost_per_energy_storage": "kWh", "cost_per_energy_storage_year": "kWh"}
    _writes: ClassVar[tuple[str, ...]] = ("battery_kwh",)

    @model_validator(mode="after")
    def _one_size(self) -> "Battery":
        if (self.capacity_per_building is None) == (self.capacity_per_pv_kwp is None):
            raise PydanticCustomError("battery_size", "give the battery size once",
                                      {"key": "capacity_per_building",
                                       "allowed": "capacity_per_building [kWh] or capacity_per_pv_kwp [kWh/kWp], one of them"})
        return self

    def _apply(self, treated: _Parts) -> None:
        if self.capacity_per_building is not None:
            treated["battery_kwh"] = self.capacity_per_building.canonical
        else:
            pv_kwp = np.asarray(treated["pv_kwp"], dtype=np.float64)
            treated["battery_kwh"] = self.capacity_per_pv_kwp.canonical * pv_kwp

    def _units_per_building(self, treated: _Parts, basis: str) -> np.ndarray:
        if basis == "kWh":
            return np.asarray(treated["battery_kwh"], dtype=np.float64)
        return super()._units_per_building(treated, basis)


BUILDING_MEASURE_CLASSES = (EnvelopeRenovation, VentilationHeatRecovery, HeatingSwitch, SmartThermostat, SmartMeterFeedback,
            RooftopPV, Battery)
#: Measure type -> model.
MEASURE_TYPES: dict[str, type[_MeasureBase]] = {
    typing.get_args(cls.model_fields["type"].annotation)[0]: cls for cls in BUILDING_MEASURE_CLASSES
}


def measure_union(classes: tuple[type, ...]):
    """Annotated union of measure models chosen by their ``type`` key.

    Errors name the scenario's keys: a missing or unknown ``type`` lists the allowed
    types, and the measure type pydantic adds to error locations is removed.
    """
    types = {typing.get_args(cls.model_fields["type"].annotation)[0]: cls for cls in classes}

    def check_type(v: Any) -> Any:
        if isinstance(v, dict):
            if "type" not in v:
                raise PydanticCustomError("missing_measure_type", "a measure needs a type",
                                          {"key": "type", "allowed": _one_of(types)})
            if v["type"] not in types:
                raise PydanticCustomError("unknown_measure_type", "unknown measure type",
                                          {"key": "type", "value": v["type"], "allowed": _one_of(types)})
        return v

    def without_type_in_location(v: Any, handler) -> Any:
        try:
            return handler(v)
        except ValidationError as exc:
            details = []
            for err in exc.errors(include_url=False):
                loc = err["loc"]
                if loc and loc[0] in types:
                    loc = loc[1:]
                details.append(InitErrorDetails(type=PydanticCustomError(err["type"], err["msg"], err.get("ctx")),
                                                loc=loc, input=err["input"]))
            raise ValidationError.from_exception_data(exc.title, details) from None

    return Annotated[
        Union[classes],  # type: ignore[valid-type]
        Field(discriminator="type"),
        BeforeValidator(check_type),
        WrapValidator(without_type_in_location),
    ]


#: One building measure: a model chosen by its ``type``.
Measure = measure_union(BUILDING_MEASURE_CLASSES)


def _check_id(v: Any) -> Any:
    if isinstance(v, str) and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}", v):
        raise PydanticCustomError("measure_id", "invalid measure id",
                                  {"value": v, "allowed": "up to 64 letters, digits, '_', '.', '-', starting with a letter or digit"})
    return v


#: A measure's id (the key of its table): letters, digits, '_', '.', '-'.
MeasureId = Annotated[str, AfterValidator(_check_id)]

#: The ``[measures]`` section: measure id -> measure, applied in this order.
MeasuresSection = dict[MeasureId, Measure]


# --------------------------------------------------------------------------------------
# Ramp and stock
# --------------------------------------------------------------------------------------

def treated_share(measure: _MeasureBase, year: int) -> float:
    """Share of a measure's eligible stock treated by the end of ``year``.

    Parameters
    ----------
    measure : Measure
        The measure.
    year : int
        Calendar year. [a]

    Returns
    -------
    float
        In [0, 1]; 0 before ``start_year`` and for a disabled measure.

    Examples
    --------
    >>> m = EnvelopeRenovation.model_validate({
    ...     "type": "envelope_renovation", "start_year": 2017, "ramp": {"value": 25, "unit": "%/a"},
    ...     "u_wall_w_m2k": 0.15, "investment": 100.0, "lifetime_years": 40})
    >>> [treated_share(m, y) for y in (2016, 2017, 2018, 2020, 2030)]
    [0.0, 0.25, 0.5, 1.0, 1.0]
    """
    if not measure.enabled or year < measure.start_year:
        return 0.0
    ramp = measure.ramp
    done = int(year) - measure.start_year + 1
    if ramp.is_rate:
        return float(min(1.0, done * ramp.canonical))
    span = ramp.by_year - measure.start_year + 1
    return float(ramp.canonical * min(1.0, done / span))


class _Parts:
    """Parts of the stock while measures are applied: one array per column, in table order.

    Selecting, extending and changing a few dozen rows costs far less as arrays than as a
    DataFrame; :meth:`frame` makes the DataFrame once. ``parts[name] = value`` sets a
    column: an array of one value per part, or a scalar for all parts (text as Python
    objects, numbers as their NumPy type). Columns are replaced, never changed in place.
    """

    def __init__(self, columns: dict[str, np.ndarray], n: int) -> None:
        self.columns = columns
        self.n = n

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, name: str) -> np.ndarray:
        return self.columns[name]

    def __setitem__(self, name: str, value) -> None:
        if np.ndim(value) == 0:
            value = np.full(self.n, value, dtype=object if isinstance(value, str) else None)
        self.columns[name] = np.asarray(value)

    def take(self, rows: np.ndarray) -> _Parts:
        """The parts selected by a boolean mask or an array of positions, in that order."""
        columns = {name: values[rows] for name, values in self.columns.items()}
        return _Parts(columns, len(columns[_SRC]))

    def concat(self, other: _Parts) -> _Parts:
        """These parts followed by ``other``'s (same columns)."""
        columns = {name: np.concatenate([values, other.columns[name]]) for name, values in self.columns.items()}
        return _Parts(columns, self.n + other.n)

    def copy(self) -> _Parts:
        """The parts with copies of their arrays."""
        return _Parts({name: values.copy() for name, values in self.columns.items()}, self.n)

    def frame(self) -> pd.DataFrame:
        """A DataFrame of the columns, each with its array's dtype; index 0..n-1."""
        return _frame(self.columns)


def _frame(columns: Mapping[str, np.ndarray]) -> pd.DataFrame:
    """A DataFrame of arrays, each column with its array's dtype (object stays object)."""
    index = pd.RangeIndex(len(next(iter(columns.values()), ())))
    return pd.DataFrame({name: pd.Series(values, index=index, dtype=values.dtype, copy=False)
                         for name, values in columns.items()}, index=index, copy=False)


def _rows_differ(a: _Parts, b: _Parts, columns: list[str]) -> np.ndarray:
    differ = np.zeros(len(a), dtype=bool)
    for name in columns:
        x = a[name]
        y = b[name]
        if x.dtype.kind == "f" or y.dtype.kind == "f":
            x = x.astype(np.float64)
            y = y.astype(np.float64)
            differ |= (x != y) & ~(np.isnan(x) & np.isnan(y))
        else:
            differ |= x != y
    return differ


def _merge_identical(parts: _Parts, written: Iterable[str]) -> _Parts:
    """Merge the parts of one original row that are identical in every column (counts added).

    ``parts`` are sorted by original row. Parts of one row differ at most in the
    ``written`` columns (those the measures may change) and ``count``, so the row and
    these columns decide which parts are identical (NaN equal to NaN).
    """
    rows = parts[_SRC]
    if not np.any(rows[1:] == rows[:-1]):  # every row in one part
        return parts
    codes = [pd.factorize(parts[name], use_na_sentinel=False)[0] for name in written if name in parts.columns]
    key = np.column_stack([rows, *codes])
    _, first_of_key, key_of_part = np.unique(key, axis=0, return_index=True, return_inverse=True)
    if len(first_of_key) == len(parts):
        return parts
    # number the groups in the order of their first part
    rank = np.empty(len(first_of_key), dtype=np.int64)
    rank[np.argsort(first_of_key, kind="stable")] = np.arange(len(first_of_key))
    codes = rank[key_of_part.reshape(-1)]
    first = np.sort(first_of_key)
    total = np.bincount(codes, weights=parts["count"])
    common: dict[int, tuple[str, ...]] = {}
    for code, applied in zip(codes.tolist(), parts[_APPLIED]):
        common[code] = applied if code not in common else tuple(m for m in common[code] if m in applied)
    out = parts.take(first)
    kept = codes[first]
    out["count"] = total[kept]
    out[_APPLIED] = _tuples([common[k] for k in kept.tolist()])
    return out


def _tuples(values: list[tuple]) -> np.ndarray:
    """A 1-D object array of tuples (``np.array`` would make a 2-D array of equal-length tuples)."""
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _plain(buildings: pd.DataFrame) -> pd.DataFrame:
    """A shallow copy without ``attrs`` (pandas deep-copies attrs on every operation)."""
    plain = buildings.copy(deep=False)
    plain.attrs = {}
    return plain


def _table_columns(plain: pd.DataFrame) -> dict[str, np.ndarray]:
    """The columns of a table without attrs as arrays; text columns as Python objects
    (:func:`_finish` restores the table's dtypes)."""
    columns = {}
    for name in plain.columns:
        series = plain[name]
        if isinstance(series.dtype, pd.StringDtype):
            series = series.astype(object)
        columns[name] = series.to_numpy()
    return columns


def _start(table: Mapping[str, np.ndarray], year: int) -> _Parts:
    """The rows standing in ``year`` with the bookkeeping and effect columns added."""
    rows = np.flatnonzero(table["construction_year"] <= year)
    parts = _Parts({name: values[rows] for name, values in table.items()}, len(rows))
    parts["count"] = parts["count"].astype(np.float64)
    for name, neutral in EFFECT_COLUMNS.items():
        if name not in parts.columns:
            parts[name] = np.full(len(rows), neutral)
    parts["source_building_id"] = parts["building_id"]
    parts[_SRC] = rows
    parts[_APPLIED] = _tuples([()] * len(rows))
    return parts


def _apply_all(table: Mapping[str, np.ndarray], measures: Mapping[str, _MeasureBase], year: int,
               eligible: Mapping[str, np.ndarray]) -> tuple[_Parts, dict[str, dict[str, float]]]:
    """Apply the measures; return the parts (internal columns kept) and the units in service.

    ``table`` is the buildings table's columns (:func:`_table_columns`) and ``eligible``
    each measure's eligible rows of it. The units are ``{measure id: {basis: Σ count ×
    share × units per building}}`` over the eligible rows standing in ``year``, for the
    bases of the measure's costs, and ``"buildings"``: the buildings in which something
    is installed.
    """
    parts = _start(table, year)
    in_service: dict[str, dict[str, float]] = {}
    for mid, measure in measures.items():
        bases = {measure.investment_basis} | ({measure.om_basis} - {None})
        in_service[mid] = dict.fromkeys(sorted(bases | {"buildings"}), 0.0)
        share = treated_share(measure, year)
        if share <= 0.0 or len(parts) == 0:
            continue
        rows_eligible = eligible[mid][parts[_SRC]]
        if not rows_eligible.any():
            continue
        part = parts.take(rows_eligible)
        treated = part.copy()
        measure._apply(treated)
        weight = share * np.asarray(treated["count"], dtype=np.float64)
        for basis in bases:
            in_service[mid][basis] = float(np.sum(weight * measure._units_per_building(treated, basis)))
        installs = measure._units_per_building(treated, measure.investment_basis) > 0.0
        in_service[mid]["buildings"] = float(np.sum(weight[installs]))
        changed = _rows_differ(part, treated, list(measure._writes))
        if not changed.any():
            continue
        rows = np.flatnonzero(rows_eligible)[changed]
        treated = treated.take(changed)
        treated[_APPLIED] = _tuples([a + (mid,) for a in treated[_APPLIED]])
        if share >= 1.0:
            untouched = np.ones(len(parts), dtype=bool)
            untouched[rows] = False
            parts = parts.take(untouched).concat(treated)
        else:
            treated["count"] = treated["count"] * share
            count = parts["count"].copy()
            count[rows] = count[rows] * (1.0 - share)
            parts["count"] = count
            parts = parts.concat(treated)
    # Parts of one row stay in the order they were made; identical parts merge (this
    # gives the same result as merging after each measure, as identical parts are
    # treated alike from then on).
    parts = parts.take(parts["count"] > 0.0)  # parts without buildings (e.g. a share that underflows)
    parts = parts.take(np.argsort(parts[_SRC], kind="stable"))
    written = dict.fromkeys(name for measure in measures.values() for name in measure._writes)
    return _merge_identical(parts, written), in_service


def _eligible_rows(plain: pd.DataFrame, measures: Mapping[str, _MeasureBase]) -> dict[str, np.ndarray]:
    return {mid: measure._eligible(plain) for mid, measure in measures.items()}


def _finish(frame: pd.DataFrame, buildings: pd.DataFrame) -> pd.DataFrame:
    """Labels, unique ids, column order, dtypes and attrs of the output."""
    labels = ["+".join(a) for a in frame[_APPLIED]]
    ids = [src if not label else f"{src}|{label}" for src, label in zip(frame["source_building_id"], labels)]
    seen: dict[str, int] = {}
    unique = []
    for name in ids:
        seen[name] = seen.get(name, 0) + 1
        unique.append(name if seen[name] == 1 else f"{name}#{seen[name]}")
    id_dtype = buildings["building_id"].dtype
    out = frame.copy()
    out["building_id"] = pd.Series(unique, index=out.index).astype(id_dtype)
    out["source_building_id"] = out["source_building_id"].astype(id_dtype)
    out["measures"] = pd.Series(labels, index=out.index).astype(id_dtype)
    source_rows = out[_SRC].to_numpy()
    order = list(buildings.columns) + [c for c in ("source_building_id", "measures", *EFFECT_COLUMNS)
                                       if c not in buildings.columns]
    out = out[order]
    for name in buildings.columns:
        dtype = np.float64 if name == "count" else buildings[name].dtype
        if out[name].dtype != dtype:
            out[name] = out[name].astype(dtype)
    for name in EFFECT_COLUMNS:
        if name not in buildings.columns:
            out[name] = out[name].astype(np.float64)
    out.attrs = dict(buildings.attrs)
    lines = buildings.attrs.get("source_lines")
    if isinstance(lines, (list, tuple)) and len(lines) == len(buildings):
        out.attrs["source_lines"] = [lines[i] for i in source_rows]  # each part points at its original line
    return out


def stock_in_year(buildings: pd.DataFrame, measures: Mapping[str, _MeasureBase], year: int) -> pd.DataFrame:
    """The building stock standing in ``year`` with the measures applied.

    Parameters
    ----------
    buildings : pandas.DataFrame
        The buildings table as read and completed (``schemas/buildings.toml``, use
        defaults filled in), one row per building or archetype, as built.
    measures : mapping of str to Measure
        Measure id -> measure, applied in this order; disabled measures are skipped.
    year : int
        Calendar year. [a]

    Returns
    -------
    pandas.DataFrame
        Rows with ``construction_year <= year``, split into treated and untreated parts
        (see the module docstring): every input column with its dtype except ``count``,
        which becomes a float64 weight (Σ count over the parts of an original row = its
        count); then ``source_building_id``, ``measures`` and the :data:`EFFECT_COLUMNS`
        the table lacked. ``building_id`` is unique. ``attrs`` are the input's;
        ``attrs["source_lines"]``, if present, gives each part the line of its original
        row. Index 0..n-1.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"building_id": ["a"], "use": ["single_family"], "construction_year": [1970],
    ...     "count": [10], "heated_floor_area_m2": [150.0], "u_wall_w_m2k": [1.2], "heating_system": ["oil_boiler"],
    ...     "zone": ["north"]})
    >>> switch = HeatingSwitch.model_validate({"type": "heating_switch", "start_year": 2020,
    ...     "ramp": {"value": 10, "unit": "%/a"}, "from_systems": ["oil_boiler"], "to_system": "heat_pump_air",
    ...     "investment": {"value": 100000, "unit": "DKK"}, "lifetime_years": 20})
    >>> stock_in_year(table, {"oil_out": switch}, 2022)[["building_id", "count", "heating_system"]]
      building_id  count heating_system
    0           a    7.0     oil_boiler
    1   a|oil_out    3.0  heat_pump_air
    """
    active = _enabled(measures)
    plain = _plain(buildings)
    parts, _ = _apply_all(_table_columns(plain), active, int(year), _eligible_rows(plain, active))
    return _finish(parts.frame(), buildings)


def stock_parts(buildings: pd.DataFrame, measures: Mapping[str, _MeasureBase], year: int) -> pd.DataFrame:
    """The parts of :func:`stock_in_year`, unlabelled: what the energy models need.

    Same rows in the same order and the same values as :func:`stock_in_year`, but without
    the labels (``building_id`` of the parts, ``measures``), dtypes and ``attrs`` of the
    output; ``_row`` is the row of ``buildings`` each part comes from. Cheaper: for
    simulating many variants of one stock.

    Returns
    -------
    pandas.DataFrame
        The table's columns (``count`` a float64 weight), the :data:`EFFECT_COLUMNS`,
        ``source_building_id`` and ``_row``; index 0..n-1.
    """
    active = _enabled(measures)
    plain = _plain(buildings)
    parts, _ = _apply_all(_table_columns(plain), active, int(year), _eligible_rows(plain, active))
    return _frame({"_row" if name == _SRC else name: values
                   for name, values in parts.columns.items() if name != _APPLIED})


def apply_measures_for_years(buildings: pd.DataFrame, measures: Mapping[str, _MeasureBase],
                             years: Iterable[int]) -> dict[int, pd.DataFrame]:
    """:func:`stock_in_year` for each of ``years``; returns year -> stock."""
    return {int(y): stock_in_year(buildings, measures, int(y)) for y in years}


def _enabled(measures: Mapping[str, _MeasureBase]) -> dict[str, _MeasureBase]:
    return {mid: m for mid, m in measures.items() if m.enabled}


def check_measures(buildings: pd.DataFrame, measures: Mapping[str, _MeasureBase], *,
                   file: str | None = None) -> None:
    """Check the measures against a buildings table; raise on what would silently do nothing.

    A filter value of ``zone`` or ``building_id`` that the table does not have (likely a
    typing error), and an enabled measure that selects no row of the table, are errors.

    Raises
    ------
    InputError
        Naming the scenario file (if given), the key, the value and what is allowed.
    """
    for mid, measure in measures.items():
        if not measure.enabled:
            continue
        for name in ("zone", "building_id"):
            present = list(dict.fromkeys(buildings[name].tolist()))
            for value in getattr(measure.filter, name) or ():
                if value not in present:
                    shown = ", ".join(repr(v) for v in present[:20]) + (", ..." if len(present) > 20 else "")
                    raise InputError(f"the buildings table has no such {name.replace('_', ' ')}", file=file,
                                     key=f"measures.{mid}.filter.{name}", value=value, allowed=f"one of {shown}")
        if not measure._eligible(buildings).any():
            raise InputError("the measure selects no building of the table", file=file, key=f"measures.{mid}.filter",
                             allowed="a filter that some rows pass, or enabled = false")


# --------------------------------------------------------------------------------------
# Costs
# --------------------------------------------------------------------------------------

def capital_recovery_factor(discount_rate: float, lifetime_years: float) -> float:
    """Annuity per unit of investment: r / (1 - (1 + r)^-n); 1/n for r = 0.

    Parameters
    ----------
    discount_rate : float
        Real discount rate, > -1. [1/a]
    lifetime_years : float
        Service life, > 0. [a]

    Returns
    -------
    float
        [1/a]

    Examples
    --------
    >>> round(capital_recovery_factor(0.035, 40), 6)
    0.046827
    >>> capital_recovery_factor(0.0, 20)
    0.05
    """
    r = float(discount_rate)
    n = float(lifetime_years)
    if not math.isfinite(r) or r <= -1.0:
        raise ValueError(f"discount_rate must be a finite number > -1, got {discount_rate!r}")
    if not math.isfinite(n) or n <= 0.0:
        raise ValueError(f"lifetime_years must be > 0, got {lifetime_years!r}")
    if r == 0.0:
        return 1.0 / n
    return r / (1.0 - (1.0 + r) ** -n)


_COST_UNITS = {
    "measure": "-", "type": "-", "year": "a", "installed_unit": "-",
    "buildings_installed": "1", "buildings_in_service": "1", "units_installed": "installed_unit",
    "units_in_service": "installed_unit", "investment_eur": "EUR", "reinvestment_eur": "EUR", "om_eur": "EUR",
    "annualised_eur": "EUR", "annual_cost_eur": "EUR",
}
_COST_LONG_NAMES = {
    "installed_unit": "what the investment is paid per: m2 of heated floor area, building, kW, kWp or kWh",
    "buildings_installed": "buildings in which the measure first installs something in the year (may be fractional)",
    "buildings_in_service": "buildings with the measure installed at the end of the year",
    "units_installed": "units first installed in the year, in installed_unit",
    "units_in_service": "units in service at the end of the year, in installed_unit",
    "investment_eur": "investment in the units first installed in the year",
    "reinvestment_eur": "replacement of units installed lifetime_years (or a multiple) earlier",
    "om_eur": "operation and maintenance of the units in service",
    "annualised_eur": "capital recovery factor x investment of the units in service",
    "annual_cost_eur": "annualised_eur + om_eur",
}


def measure_costs(buildings: pd.DataFrame, measures: Mapping[str, _MeasureBase], years: Iterable[int], *,
                  discount_rate: float = DISCOUNT_RATE) -> pd.DataFrame:
    """Installations and costs of each measure in each year.

    Parameters
    ----------
    buildings : pandas.DataFrame
        The buildings table as read and completed, as built (see :func:`stock_in_year`).
    measures : mapping of str to Measure
        Measure id -> measure (disabled measures are left out).
    years : iterable of int
        Calendar years to report. Each year's installations are those since the previous
        calendar year, whether or not that year is reported. [a]
    discount_rate : float, default :data:`DISCOUNT_RATE`
        Real discount rate for ``annualised_eur``. [1/a]

    Returns
    -------
    pandas.DataFrame
        One row per (measure, year) in measure order, then year, with columns
        ``measure``, ``type``, ``year``, ``installed_unit``, ``buildings_installed``,
        ``buildings_in_service``, ``units_installed``, ``units_in_service``,
        ``investment_eur``, ``reinvestment_eur``, ``om_eur``, ``annualised_eur``,
        ``annual_cost_eur``. ``attrs`` hold ``units``, ``long_names``,
        ``discount_rate`` and ``dkk_per_eur``.

    Notes
    -----
    Units in service in year y: U(y) = Σ count × share(y) × units per building over the
    eligible rows standing in y. Installed in y: U(y) - U(y - 1). Investment: unit cost ×
    installed; reinvestment in y: unit cost × Σ_k installed(y - k × lifetime), k >= 1.
    O&M: ``om_share_per_year`` × unit cost × U(y), or ``om_cost_per_year`` × the units in
    service of its own basis. Annualised: CRF(discount_rate, lifetime) × unit cost × U(y),
    the equivalent annual cost of the installations kept in service.
    """
    years = sorted({int(y) for y in years})
    columns = list(_COST_UNITS)
    active = _enabled(measures)
    rows: list[dict] = []
    if years and active:
        first = min(min(years), min(m.start_year for m in active.values())) - 1
        calendar = np.arange(first, years[-1] + 1)
        plain = _plain(buildings)
        table = _table_columns(plain)
        eligible = _eligible_rows(plain, active)
        served: dict[str, dict[str, np.ndarray]] = {}
        for i, year in enumerate(calendar):
            _, amounts = _apply_all(table, active, int(year), eligible)
            for mid, by_basis in amounts.items():
                for basis, value in by_basis.items():
                    served.setdefault(mid, {}).setdefault(basis, np.zeros(len(calendar)))[i] = value
        for mid, m in active.items():
            basis = m.investment_basis
            unit_cost = m.investment.canonical
            units = served[mid][basis]
            installed = np.maximum(np.diff(units, prepend=0.0), 0.0)  # no negative float noise
            buildings_served = served[mid]["buildings"]
            buildings_new = np.maximum(np.diff(buildings_served, prepend=0.0), 0.0)
            crf = capital_recovery_factor(discount_rate, m.lifetime_years)
            om_share = 0.0 if m.om_share_per_year is None else m.om_share_per_year.canonical
            om_cost = getattr(m, "om_cost_per_year", None)
            for year in years:
                i = year - first
                earlier = [i - k * m.lifetime_years for k in range(1, i // m.lifetime_years + 1)]
                om = om_share * unit_cost * units[i]
                if om_cost is not None:
                    om += om_cost.canonical * served[mid][m.om_basis][i]
                annualised = crf * unit_cost * units[i]
                rows.append({
                    "measure": mid, "type": m.type, "year": year, "installed_unit": basis,
                    "buildings_installed": buildings_new[i], "buildings_in_service": buildings_served[i],
                    "units_installed": installed[i], "units_in_service": units[i],
                    "investment_eur": unit_cost * installed[i],
                    "reinvestment_eur": unit_cost * float(sum(installed[j] for j in earlier)),
                    "om_eur": om, "annualised_eur": annualised, "annual_cost_eur": annualised + om,
                })
    table = pd.DataFrame(rows, columns=columns)
    table = table.astype({"year": np.int64} | {c: np.float64 for c in columns[4:]})
    table.attrs = {"units": dict(_COST_UNITS), "long_names": dict(_COST_LONG_NAMES),
                   "discount_rate": float(discount_rate), "dkk_per_eur": DKK_PER_EUR}
    return table
