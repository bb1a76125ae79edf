"""Measures on the building stock (stage ``stock``): envelope, ventilation, heating system,
thermostats, consumption feedback, rooftop PV and batteries.

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

Each measure reaches a share of its eligible stock each year (the ramp of
:mod:`smartcity.scenario.sections.measures.base`); the stock model
(:mod:`smartcity.energy.stock`) splits each eligible row into a treated and an untreated
part and calls the measure's :meth:`~StockMeasure.apply` on the treated copy. Rules: a
filter reads the table as built; a measure never makes a building worse (U-values and air
change rates become the smaller, heat-recovery efficiencies and setbacks the larger of the
building's and the measure's value); where two measures change the same column, the later
one acts on the state the earlier one left.
"""

from __future__ import annotations

from typing import ClassVar, Literal

import numpy as np
from pydantic import Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from smartcity.errors import InputError
from smartcity.scenario.sections.measures.base import MeasureBase, one_of
from smartcity.schema.distributions import uncertain_quantity
from smartcity.schema.quantities import StrictModel, quantity, quantity_of
from smartcity.schema.table_schemas import load_schema

__all__ = [
    "BuildingFilter", "StockMeasure", "EnvelopeRenovation", "VentilationHeatRecovery", "HeatingSwitch",
    "SmartThermostat", "SmartMeterFeedback", "RooftopPV", "Battery", "STOCK_MEASURES",
]

_SCHEMA = load_schema("buildings")
_USES: tuple[str, ...] = tuple(_SCHEMA.columns["use"].allowed or ())
_SYSTEMS: tuple[str, ...] = tuple(_SCHEMA.columns["heating_system"].allowed or ())
_MIN_SETPOINT_C = float(_SCHEMA.columns["heating_setpoint_c"].min or 5.0)


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
                                          {"value": item, "allowed": one_of(_USES)})
        return v

    @field_validator("heating_system")
    @classmethod
    def _known_systems(cls, v: list[str] | None) -> list[str] | None:
        for item in v or ():
            if item not in _SYSTEMS:
                raise PydanticCustomError("value_not_allowed", "unknown heating system in the filter",
                                          {"value": item, "allowed": one_of(_SYSTEMS)})
        return v

    @field_validator("construction_year")
    @classmethod
    def _year_range(cls, v: list[int] | None) -> list[int] | None:
        if v is not None and (len(v) != 2 or v[0] > v[1]):
            raise PydanticCustomError("year_range", "construction_year takes [first, last]",
                                      {"value": v,
                                       "allowed": "two years, the first not after the last, e.g. [1961, 1978]"})
        return v

    def mask(self, buildings) -> np.ndarray:
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


class StockMeasure(MeasureBase):
    """A measure on the building stock: it treats a share of the rows its filter selects.

    Hooks used by the stock model (:mod:`smartcity.energy.stock`), which splits each
    eligible row into a treated and an untreated part:

    * :meth:`eligible` — the rows of the buildings table (as built) the measure may treat;
    * :meth:`apply` — change the treated copy of the eligible rows in place (``treated`` maps
      column names to arrays, one value per part; assign whole columns);
    * :meth:`units_per_building` — units installed per building of the treated rows, for
      the investment's basis;
    * ``writes`` — the columns the measure may change.
    """

    filter: BuildingFilter = Field(default_factory=BuildingFilter,
                                   description="The rows of the buildings table the measure may treat (as built).")

    stage: ClassVar[str] = "stock"
    #: columns the measure may change.
    writes: ClassVar[tuple[str, ...]] = ()

    def eligible(self, buildings) -> np.ndarray:
        """Boolean array: the rows of ``buildings`` (as built) the measure may treat."""
        return self.filter.mask(buildings)

    def apply(self, treated) -> None:  # pragma: no cover - abstract
        """Change the treated copy of the eligible rows in place."""
        raise NotImplementedError

    def units_per_building(self, treated, basis: str) -> np.ndarray:
        """Units installed per building of the treated rows (after :meth:`apply`)."""
        if basis == "building":
            return np.ones(len(treated))
        if basis == "m2":
            return np.asarray(treated["heated_floor_area_m2"], dtype=np.float64)
        raise ValueError(f"{type(self).__name__} has no cost basis {basis!r}")  # pragma: no cover

    def check(self, key: str, inputs) -> None:
        """A filter value of ``zone`` or ``building_id`` the table lacks (likely a typing error), and
        an enabled measure that selects no row of the table, are errors."""
        buildings = inputs.buildings
        if not self.enabled:
            return
        for name in ("zone", "building_id"):
            present = list(dict.fromkeys(buildings[name].tolist()))
            for value in getattr(self.filter, name) or ():
                if value not in present:
                    shown = ", ".join(repr(v) for v in present[:20]) + (", ..." if len(present) > 20 else "")
                    raise InputError(f"the buildings table has no such {name.replace('_', ' ')}",
                                     key=f"{key}.filter.{name}", value=value, allowed=f"one of {shown}")
        if not self.eligible(buildings).any():
            raise InputError("the measure selects no building of the table", key=f"{key}.filter",
                             allowed="a filter that some rows pass, or enabled = false")


def _set_better(treated, column: str, value: float | None, better) -> None:
    if value is not None:
        treated[column] = better(np.asarray(treated[column], dtype=np.float64), value)


class EnvelopeRenovation(StockMeasure):
    """Insulation of walls, roof and floor, new windows, and air-tightness.

    Only the values given change; each becomes the better of the building's value and
    the measure's (U-values and the air change rate the smaller), except ``g_window`` and
    ``glazing_panes``, which new glazing sets (the pane count, if not given, follows from
    the new windows' U-value). Investment per m2 of heated floor area or per building.

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
    glazing_panes: int | None = Field(
        default=None, ge=1, le=3,
        description="Glass panes of the new glazing (1, 2 or 3). Default, where the windows' U-value changes: "
                    "from the new U-value (smartcity.energy.glazing.default_panes). [1]")
    ventilation_ach: quantity("air_change_rate", ge=0.0, le=20.0) | None = Field(  # type: ignore[valid-type]
        default=None, description="Air change rate after sealing (ventilation plus infiltration). [1/h]")
    investment: quantity_of("cost_per_area", "cost_per_item") = Field(  # type: ignore[valid-type]
        description="Investment per m2 of heated floor area (EUR/m2, DKK/m2) or per building (EUR, DKK).")
    om_cost_per_year: quantity_of("cost_per_area_year", "cost_per_year") | None = Field(  # type: ignore[valid-type]
        default=None,
        description="Operation and maintenance per m2 and year (EUR/(m2 a)) or per building and year (EUR/a).")

    _basis_of: ClassVar[dict[str, str]] = {
        "cost_per_area": "m2", "cost_per_item": "building", "cost_per_area_year": "m2", "cost_per_year": "building",
    }
    _ELEMENTS: ClassVar[tuple[str, ...]] = (
        "u_wall_w_m2k", "u_roof_w_m2k", "u_floor_w_m2k", "u_window_w_m2k", "g_window", "glazing_panes",
        "ventilation_ach")
    writes: ClassVar[tuple[str, ...]] = _ELEMENTS

    @model_validator(mode="after")
    def _changes_something(self) -> "EnvelopeRenovation":
        if all(getattr(self, name) is None for name in self._ELEMENTS):
            raise PydanticCustomError("nothing_changed", "an envelope renovation changes nothing",
                                      {"allowed": "at least one of " + ", ".join(self._ELEMENTS)})
        return self

    def apply(self, treated) -> None:
        u_before = np.array(treated["u_window_w_m2k"], dtype=np.float64)
        for name in ("u_wall_w_m2k", "u_roof_w_m2k", "u_floor_w_m2k", "u_window_w_m2k", "ventilation_ach"):
            q = getattr(self, name)
            _set_better(treated, name, None if q is None else q.canonical, np.minimum)
        if self.g_window is not None:
            treated["g_window"] = self.g_window.canonical
        if self.u_window_w_m2k is not None:  # only windows the measure improves are new
            replaced = np.asarray(treated["u_window_w_m2k"], dtype=np.float64) < u_before
        else:
            replaced = np.ones(len(u_before), dtype=bool)
        if "glazing_panes" in treated.columns:  # a table read by its schema has the column
            # the new windows' panes: the measure's, or else as their U-value says (left empty here)
            new = np.nan if self.glazing_panes is None else float(self.glazing_panes)
            treated["glazing_panes"] = np.where(replaced, new, np.asarray(treated["glazing_panes"], dtype=float))


class VentilationHeatRecovery(StockMeasure):
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
    investment: quantity_of("cost_per_area", "cost_per_item") = Field(  # type: ignore[valid-type]
        description="Investment per m2 of heated floor area (EUR/m2, DKK/m2) or per building (EUR, DKK).")
    om_cost_per_year: quantity_of("cost_per_area_year", "cost_per_year") | None = Field(  # type: ignore[valid-type]
        default=None,
        description="Operation and maintenance per m2 and year (EUR/(m2 a)) or per building and year (EUR/a).")

    _basis_of: ClassVar[dict[str, str]] = EnvelopeRenovation._basis_of
    writes: ClassVar[tuple[str, ...]] = ("heat_recovery_efficiency", "ventilation_ach")

    def apply(self, treated) -> None:
        _set_better(treated, "heat_recovery_efficiency", self.heat_recovery_efficiency.canonical, np.maximum)
        if self.ventilation_ach is not None:
            treated["ventilation_ach"] = self.ventilation_ach.canonical


class HeatingSwitch(StockMeasure):
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
    investment: quantity_of("cost_per_item", "cost_per_power") = Field(  # type: ignore[valid-type]
        description="Investment per building (EUR, DKK) or per kW of heating power (EUR/kW, DKK/kW).")
    om_cost_per_year: quantity_of("cost_per_year", "cost_per_power_year") | None = Field(  # type: ignore[valid-type]
        default=None,
        description="Operation and maintenance per building and year (EUR/a) or per kW and year (EUR/(kW a)).")

    _basis_of: ClassVar[dict[str, str]] = {
        "cost_per_item": "building", "cost_per_power": "kW", "cost_per_year": "building", "cost_per_power_year": "kW",
    }
    writes: ClassVar[tuple[str, ...]] = ("heating_system",)

    @field_validator("from_systems")
    @classmethod
    def _known_from(cls, v: list[str]) -> list[str]:
        if not v:
            raise PydanticCustomError("empty_filter", "an empty list selects no building",
                                      {"value": [], "allowed": "at least one heating system to replace"})
        for item in v:
            if item not in _SYSTEMS:
                raise PydanticCustomError("value_not_allowed", "unknown heating system",
                                          {"value": item, "allowed": one_of(_SYSTEMS)})
        return v

    @field_validator("to_system")
    @classmethod
    def _known_to(cls, v: str) -> str:
        if v not in _SYSTEMS:
            raise PydanticCustomError("value_not_allowed", "unknown heating system",
                                      {"value": v, "allowed": one_of(_SYSTEMS)})
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

    def eligible(self, buildings) -> np.ndarray:
        return self.filter.mask(buildings) & buildings["heating_system"].isin(self.from_systems).to_numpy()

    def apply(self, treated) -> None:
        treated["heating_system"] = self.to_system

    def units_per_building(self, treated, basis: str) -> np.ndarray:
        if basis == "kW":
            area = np.asarray(treated["heated_floor_area_m2"], dtype=np.float64)
            return self.design_heat_load.canonical * area / 1e3
        return super().units_per_building(treated, basis)


class SmartThermostat(StockMeasure):
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
    investment: quantity_of("cost_per_item", "cost_per_area") = Field(  # type: ignore[valid-type]
        description="Investment per building (EUR, DKK) or per m2 of heated floor area (EUR/m2, DKK/m2).")
    om_cost_per_year: quantity_of("cost_per_year", "cost_per_area_year") | None = Field(  # type: ignore[valid-type]
        default=None,
        description="Operation and maintenance per building and year (EUR/a) or per m2 and year (EUR/(m2 a)).")

    _basis_of: ClassVar[dict[str, str]] = {
        "cost_per_item": "building", "cost_per_area": "m2", "cost_per_year": "building", "cost_per_area_year": "m2",
    }
    writes: ClassVar[tuple[str, ...]] = ("heating_setpoint_c", "heating_setback_k")

    @model_validator(mode="after")
    def _changes_something(self) -> "SmartThermostat":
        if self.heating_setpoint_change_k is None and self.heating_setback_k is None:
            raise PydanticCustomError("nothing_changed", "a smart thermostat changes nothing",
                                      {"allowed": "heating_setpoint_change_k and/or heating_setback_k"})
        return self

    def apply(self, treated) -> None:
        if self.heating_setpoint_change_k is not None:
            setpoint = np.asarray(treated["heating_setpoint_c"], dtype=np.float64)
            treated["heating_setpoint_c"] = np.maximum(setpoint + self.heating_setpoint_change_k.canonical,
                                                       _MIN_SETPOINT_C)
        if self.heating_setback_k is not None:  # an empty (not yet filled) cell counts as none
            treated["heating_setback_k"] = np.fmax(np.asarray(treated["heating_setback_k"], dtype=np.float64),
                                                   self.heating_setback_k.canonical)


class SmartMeterFeedback(StockMeasure):
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
    investment: quantity_of("cost_per_item", "cost_per_area") = Field(  # type: ignore[valid-type]
        description="Investment per building (EUR, DKK) or per m2 of heated floor area (EUR/m2, DKK/m2).")
    om_cost_per_year: quantity_of("cost_per_year", "cost_per_area_year") | None = Field(  # type: ignore[valid-type]
        default=None,
        description="Operation and maintenance per building and year (EUR/a) or per m2 and year (EUR/(m2 a)).")

    _basis_of: ClassVar[dict[str, str]] = SmartThermostat._basis_of
    writes: ClassVar[tuple[str, ...]] = ("heat_demand_factor", "electricity_demand_factor")

    @model_validator(mode="after")
    def _changes_something(self) -> "SmartMeterFeedback":
        if self.heat_saving_share is None and self.electricity_saving_share is None:
            raise PydanticCustomError("nothing_changed", "smart-meter feedback saves nothing",
                                      {"allowed": "heat_saving_share and/or electricity_saving_share"})
        return self

    def apply(self, treated) -> None:
        for share, column in ((self.heat_saving_share, "heat_demand_factor"),
                              (self.electricity_saving_share, "electricity_demand_factor")):
            if share is not None:
                treated[column] = np.asarray(treated[column], dtype=np.float64) * (1.0 - share.canonical)


class RooftopPV(StockMeasure):
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
    investment: quantity_of("cost_per_power") = Field(  # type: ignore[valid-type]
        description="Investment per kWp (EUR/kWp, DKK/kWp).")
    om_cost_per_year: quantity_of("cost_per_power_year") | None = Field(  # type: ignore[valid-type]
        default=None, description="Operation and maintenance per kWp and year (EUR/(kWp a)).")

    _basis_of: ClassVar[dict[str, str]] = {"cost_per_power": "kWp", "cost_per_power_year": "kWp"}
    writes: ClassVar[tuple[str, ...]] = ("pv_kwp", "pv_tilt_deg", "pv_azimuth_deg")

    def apply(self, treated) -> None:
        roof = np.asarray(treated["roof_area_m2"], dtype=np.float64)
        treated["pv_kwp"] = self.peak_power_per_area.canonical * self.usable_roof_share.canonical * roof
        treated["pv_tilt_deg"] = self.tilt_deg.canonical
        treated["pv_azimuth_deg"] = self.azimuth_deg.canonical

    def units_per_building(self, treated, basis: str) -> np.ndarray:
        if basis == "kWp":
            return np.asarray(treated["pv_kwp"], dtype=np.float64)
        return super().units_per_building(treated, basis)


class Battery(StockMeasure):
    """Stationary batteries: ``battery_kwh`` per building, fixed or per kWp of the building's PV.

    With ``capacity_per_pv_kwp`` the capacity follows the row's ``pv_kwp`` as left by the
    measures before this one: list the PV measure first. Investment per kWh.
    """

    type: Literal["battery"] = Field(description="Measure type.")
    capacity_per_building: quantity("storage_energy", gt=0.0, le=100000.0) | None = Field(  # type: ignore[valid-type]
        default=None, description="Usable capacity per building. [kWh]")
    capacity_per_pv_kwp: quantity("storage_per_peak_power", gt=0.0, le=20.0) | None = Field(  # type: ignore[valid-type]
        default=None, description="Usable capacity per kWp of the building's PV. [kWh/kWp]")
    investment: quantity_of("cost_per_energy_storage") = Field(  # type: ignore[valid-type]
        description="Investment per kWh of capacity (EUR/kWh, DKK/kWh).")
    om_cost_per_year: quantity_of("cost_per_energy_storage_year") | None = Field(  # type: ignore[valid-type]
        default=None, description="Operation and maintenance per kWh and year (EUR/(kWh a)).")

    _basis_of: ClassVar[dict[str, str]] = {"cost_per_energy_storage": "kWh", "cost_per_energy_storage_year": "kWh"}
    writes: ClassVar[tuple[str, ...]] = ("battery_kwh",)

    @model_validator(mode="after")
    def _one_size(self) -> "Battery":
        if (self.capacity_per_building is None) == (self.capacity_per_pv_kwp is None):
            raise PydanticCustomError("battery_size", "give the battery size once",
                                      {"key": "capacity_per_building",
                                       "allowed": "capacity_per_building [kWh] or capacity_per_pv_kwp [kWh/kWp], "
                                                  "one of them"})
        return self

    def apply(self, treated) -> None:
        if self.capacity_per_building is not None:
            treated["battery_kwh"] = self.capacity_per_building.canonical
        else:
            pv_kwp = np.asarray(treated["pv_kwp"], dtype=np.float64)
            treated["battery_kwh"] = self.capacity_per_pv_kwp.canonical * pv_kwp

    def units_per_building(self, treated, basis: str) -> np.ndarray:
        if basis == "kWh":
            return np.asarray(treated["battery_kwh"], dtype=np.float64)
        return super().units_per_building(treated, basis)


STOCK_MEASURES = (EnvelopeRenovation, VentilationHeatRecovery, HeatingSwitch, SmartThermostat, SmartMeterFeedback,
                  RooftopPV, Battery)
