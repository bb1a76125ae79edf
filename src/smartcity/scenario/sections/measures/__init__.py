"""The ``[measures]`` section: dated measures by id, each a registered type with a stage.

:data:`MEASURE_TYPES` maps each ``type`` written in a scenario to its model class. A measure
type is registered with :func:`register_measure` (the registrations of the shipped types
are at the end of this module); a scenario's measure tables are validated against the
registry when the scenario is read (:data:`Measure`), so a type registered later — by a
plug-in or a test — is accepted by the next scenario read. See
:mod:`smartcity.scenario.sections.measures.base` for the stages and the hooks.
"""

from __future__ import annotations

import difflib
import typing
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import ValidationError, WrapValidator
from pydantic_core import InitErrorDetails, PydanticCustomError

from smartcity.scenario.sections.measures.base import (
    STAGES,
    MeasureBase,
    MeasureId,
    Ramp,
    RampField,
    one_of,
    treated_share,
)
from smartcity.scenario.sections.measures.stock import (
    STOCK_MEASURES,
    Battery,
    BuildingFilter,
    EnvelopeRenovation,
    HeatingSwitch,
    RooftopPV,
    SmartMeterFeedback,
    SmartThermostat,
    StockMeasure,
    VentilationHeatRecovery,
)
from smartcity.scenario.sections.measures.supply import (
    SUPPLY_MEASURES,
    HeatUnits,
    NetworkTemperatureReduction,
    SupplyMeasure,
)
from smartcity.scenario.sections.measures.travel import (
    TRAVEL_MEASURES,
    BRTLine,
    BusElectrification,
    CarSharing,
    CycleInfrastructure,
    EVIncentive,
    ParkingPricing,
    SmartCharging,
    TravelMeasure,
)

__all__ = [
    "STAGES", "MEASURE_TYPES", "Measure", "MeasureBase", "MeasureId", "Ramp", "RampField", "register_measure",
    "measure_class", "of_stage", "treated_share",
    "StockMeasure", "BuildingFilter", "EnvelopeRenovation", "VentilationHeatRecovery", "HeatingSwitch",
    "SmartThermostat", "SmartMeterFeedback", "RooftopPV", "Battery",
    "TravelMeasure", "BRTLine", "CycleInfrastructure", "ParkingPricing", "CarSharing", "EVIncentive",
    "BusElectrification", "SmartCharging", "SupplyMeasure", "HeatUnits", "NetworkTemperatureReduction",
]

#: Measure type (the ``type`` key of a measure table) -> model class, in registration order.
MEASURE_TYPES: dict[str, type[MeasureBase]] = {}


def register_measure(cls: type[MeasureBase]) -> type[MeasureBase]:
    """Register a measure class under the literal of its ``type`` field; returns the class.

    Raises
    ------
    TypeError
        Not a :class:`MeasureBase`, no ``type`` literal, a stage not in :data:`STAGES`, or a
        type already registered by another class.
    """
    if not (isinstance(cls, type) and issubclass(cls, MeasureBase)):
        raise TypeError(f"{cls!r} is not a measure class (a subclass of MeasureBase)")
    field = cls.model_fields.get("type")
    literal = typing.get_args(field.annotation) if field is not None else ()
    if len(literal) != 1 or not isinstance(literal[0], str):
        raise TypeError(f"{cls.__name__} needs a field type: Literal['<name>']")
    if cls.stage not in STAGES:
        raise TypeError(f"{cls.__name__}.stage = {cls.stage!r}: must be one of {', '.join(STAGES)}")
    name = literal[0]
    if MEASURE_TYPES.get(name, cls) is not cls:
        raise TypeError(f"measure type {name!r} is already registered by {MEASURE_TYPES[name].__name__}")
    MEASURE_TYPES[name] = cls
    return cls


def measure_class(document: Any) -> type[MeasureBase] | None:
    """The registered class of a measure table (its ``type`` key), or None."""
    if isinstance(document, Mapping):
        return MEASURE_TYPES.get(document.get("type"))  # type: ignore[arg-type]
    return None


def of_stage(measures: Mapping[str, MeasureBase], stage: str) -> dict[str, MeasureBase]:
    """The measures of one stage, in scenario order."""
    if stage not in STAGES:
        raise ValueError(f"stage {stage!r}: must be one of {', '.join(STAGES)}")
    return {mid: m for mid, m in measures.items() if m.stage == stage}


def _validate_measure(value: Any, handler) -> MeasureBase:
    """A measure table -> the model of its registered type; errors at the measure's keys."""
    if isinstance(value, MeasureBase):
        return value
    if not isinstance(value, Mapping):
        raise PydanticCustomError("model_type", "a measure is a table", {"allowed": "a [measures.<id>] table"})
    if "type" not in value:
        close = difflib.get_close_matches("type", [k for k in value if isinstance(k, str)], n=1)
        if close:  # a misspelt 'type': name the key as written
            raise PydanticCustomError("missing_measure_type",
                                      "unknown key (did you mean 'type'?); a measure needs a type",
                                      {"key": close[0], "allowed": one_of(MEASURE_TYPES)})
        raise PydanticCustomError("missing_measure_type", "a measure needs a type",
                                  {"key": "type", "allowed": one_of(MEASURE_TYPES)})
    cls = MEASURE_TYPES.get(value["type"]) if isinstance(value["type"], str) else None
    if cls is None:
        raise PydanticCustomError("unknown_measure_type", "unknown measure type",
                                  {"key": "type", "value": value["type"], "allowed": one_of(MEASURE_TYPES)})
    try:
        return cls.model_validate(value)
    except ValidationError as exc:
        details = [InitErrorDetails(type=PydanticCustomError(err["type"], err["msg"], err.get("ctx")),
                                    loc=err["loc"], input=err["input"]) for err in exc.errors(include_url=False)]
        raise ValidationError.from_exception_data(exc.title, details) from None


#: One measure: the model of its registered ``type``, chosen when the scenario is validated.
Measure = Annotated[Any, WrapValidator(_validate_measure)]


for _cls in STOCK_MEASURES + TRAVEL_MEASURES + SUPPLY_MEASURES:
    register_measure(_cls)
