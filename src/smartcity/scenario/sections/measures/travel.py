"""Measures on travel (stages ``demand``, ``transport`` and ``charging``).

Transport measures sit in the scenario's ``[measures.<id>]`` tables beside the building
measures and share their dating: a ``start_year`` and a ``ramp``, whose share ``s`` of the
year scales the measure's effect::

    [measures.plusbus]
    type = "brt_line"
    start_year = 2023
    ramp = { value = 100, unit = "%", by_year = 2023, source = "..." }
    line = "plusbus"                       # a planned line of the lines table
    replaces = ["2"]                       # existing lines it replaces
    car_capacity_reduction = { value = 50, unit = "%", source = "..." }
    investment = { value = 510, unit = "MDKK", source = "..." }
    lifetime_years = 30

Stage ``demand`` (the four-step model's inputs; hook ``apply(travel, s)`` on the year's
:class:`smartcity.transport.effects.TravelEffects`):

``brt_line``
    The planned line runs with its departures scaled by ``s`` (headway / s) and the lines
    it replaces stop from the first year with s > 0; links with ``bus_lane = true`` on its
    route lose ``s × car_capacity_reduction`` of their car capacity (road space taken
    from cars).
``cycle_infrastructure``
    Cycling time of trips with an end in ``zones`` (all trips if omitted) falls by
    ``s × bike_time_saving`` (cycle superhighways, priority at junctions, direct routes).
``parking_pricing``
    Car drivers pay ``s × parking_cost`` more per trip ending in ``zones``.
``car_sharing``
    Cars per resident in ``zones`` (all internal zones if omitted) fall by
    ``s × car_ownership_reduction``: fewer trips have a car available and the district's
    fleet is smaller.

Stage ``transport`` (vehicles; hook ``apply(fleet, s)`` on the year's
:class:`smartcity.transport.effects.FleetEffects`):

``ev_incentive``
    The battery-electric share of new cars bought by the district rises by
    ``s × bev_sales_share_increase`` (chargers, parking and tax incentives), capped at 1.
``bus_electrification``
    A share ``s`` of the diesel bus-km of ``lines`` (all lines if omitted) runs on
    battery-electric buses.

Stage ``charging`` (hook ``apply(charging, s)`` on the year's
:class:`smartcity.transport.charging.ChargingEffects`):

``smart_charging``
    A share ``s × flexible_share`` of the EV charging energy of each day moves to the
    hours with the lowest grid carbon intensity or the largest local PV surplus.

Costs are one total investment for the whole measure, spent in proportion to the growth of
the ramp share, renewed after ``lifetime_years``, with operation and maintenance as a share
of the investment in service (:mod:`smartcity.economics`).
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from smartcity.errors import InputError
from smartcity.scenario.sections.measures.base import MeasureBase
from smartcity.schema.distributions import uncertain_quantity
from smartcity.schema.quantities import quantity

__all__ = [
    "TravelMeasure", "BRTLine", "CycleInfrastructure", "ParkingPricing", "CarSharing", "EVIncentive",
    "BusElectrification", "SmartCharging", "TRAVEL_MEASURES",
]


def _not_empty(cls, v: list[str] | None, info) -> list[str] | None:
    if v is not None and len(v) == 0:
        raise PydanticCustomError("empty_filter", "an empty list selects nothing",
                                  {"value": [], "allowed": f"at least one value, or leave '{info.field_name}' out"})
    return v


def _known(values, allowed: list, key: str, what: str) -> None:
    """Raise an InputError for the first of ``values`` that is not in ``allowed``."""
    for value in values or ():
        if value not in allowed:
            shown = ", ".join(repr(v) for v in allowed[:30]) or "none"
            raise InputError(f"the transport model has no such {what}", key=key, value=value,
                             allowed=f"one of {shown}")


class TravelMeasure(MeasureBase):
    """A measure of the transport model: one investment for the whole measure.

    Its zones and lines must exist in the scenario's zone system (:meth:`check`).
    """

    investment: quantity("currency_eur", ge=0.0) = Field(  # type: ignore[valid-type]
        description="Investment of the whole measure at full effect (EUR, kEUR, MEUR, DKK, MDKK).")

    def check(self, key: str, inputs) -> None:
        """The zones and lines the measure names must exist in the zone system; a measure of the
        transport model needs one."""
        system = inputs.zone_system
        if system is None:
            raise InputError("a transport measure needs the transport model", key=key,
                             allowed="a [transport] table with zones, nodes and links, or no transport measures")
        zones = list(system.zone_ids)
        lines = [] if system.lines is None else system.lines["line"].tolist()
        for name in ("zones",):
            if hasattr(self, name):
                _known(getattr(self, name), zones, f"{key}.{name}", "zone")
        if hasattr(self, "lines"):
            _known(self.lines, lines, f"{key}.lines", "line")

    @staticmethod
    def _line_status(inputs) -> dict[str, str]:
        lines = inputs.zone_system.lines
        return {} if lines is None else dict(zip(lines["line"], lines["status"]))


class BRTLine(TravelMeasure):
    """A bus-rapid-transit line opens, replacing existing lines and taking road space from cars."""

    type: Literal["brt_line"] = Field(description="Measure type.")
    line: str = Field(description="The planned line of the lines table (status 'planned') that opens.")
    replaces: list[str] = Field(default_factory=list, description="Existing lines that stop when it opens.")
    car_capacity_reduction: quantity("dimensionless", ge=0.0, lt=1.0) = Field(  # type: ignore[valid-type]
        description="Share of the car capacity removed on the line's links with a bus lane. [1]")
    stage: ClassVar[str] = "demand"

    def check(self, key: str, inputs) -> None:
        super().check(key, inputs)
        status = self._line_status(inputs)
        _known([self.line], list(status), f"{key}.line", "line")
        _known(self.replaces, list(status), f"{key}.replaces", "line")
        if status.get(self.line) != "planned":
            raise InputError("a BRT measure opens a planned line", key=f"{key}.line", value=self.line,
                             allowed="a line with status 'planned' in the lines table")
        for old in self.replaces:
            if status.get(old) != "existing" or old == self.line:
                raise InputError("a BRT measure replaces existing lines", key=f"{key}.replaces", value=old,
                                 allowed="lines with status 'existing' in the lines table")

    def apply(self, travel, share: float) -> None:
        travel.open_line(self.line, share, replaces=self.replaces)
        travel.reduce_bus_lane_capacity(self.line, share * self.car_capacity_reduction.canonical)


class CycleInfrastructure(TravelMeasure):
    """Cycle superhighways, junction priority and direct routes: faster cycling."""

    type: Literal["cycle_infrastructure"] = Field(description="Measure type.")
    bike_time_saving: uncertain_quantity("dimensionless", ge=0.0, lt=1.0) = Field(  # type: ignore[valid-type]
        description="Reduction of the cycling time (bike and e-bike) of the trips concerned. [1]")
    zones: list[str] | None = Field(default=None, description="Trips with an end in these zones (default all).")
    stage: ClassVar[str] = "demand"
    _zones = field_validator("zones")(_not_empty)

    def apply(self, travel, share: float) -> None:
        travel.scale_bike_time(self.zones, 1.0 - share * self.bike_time_saving.canonical)


class ParkingPricing(TravelMeasure):
    """Parking charges (or less free parking) at the destinations."""

    type: Literal["parking_pricing"] = Field(description="Measure type.")
    zones: list[str] = Field(min_length=1, description="Zones whose car trips pay the charge at arrival.")
    parking_cost: quantity("cost_per_trip", ge=0.0) = Field(  # type: ignore[valid-type]
        description="Extra parking cost per car-driver trip ending in the zones (DKK or EUR). [DKK]")
    stage: ClassVar[str] = "demand"

    def apply(self, travel, share: float) -> None:
        travel.add_parking_cost(self.zones, share * self.parking_cost.canonical)


class CarSharing(TravelMeasure):
    """Car sharing and car-free housing: fewer privately owned cars."""

    type: Literal["car_sharing"] = Field(description="Measure type.")
    car_ownership_reduction: uncertain_quantity("dimensionless", ge=0.0, lt=1.0) = Field(  # type: ignore[valid-type]
        description="Reduction of cars per resident in the zones. [1]")
    zones: list[str] | None = Field(default=None, description="Zones concerned (default all internal zones).")
    stage: ClassVar[str] = "demand"
    _zones = field_validator("zones")(_not_empty)

    def apply(self, travel, share: float) -> None:
        travel.scale_car_ownership(self.zones, 1.0 - share * self.car_ownership_reduction.canonical)


class EVIncentive(TravelMeasure):
    """Chargers and local incentives: more battery-electric cars among new cars."""

    type: Literal["ev_incentive"] = Field(description="Measure type.")
    bev_sales_share_increase: uncertain_quantity("dimensionless", ge=0.0, le=1.0) = Field(  # type: ignore[valid-type]
        description="Increase of the battery-electric share of new cars (absolute, capped at 1). [1]")
    stage: ClassVar[str] = "transport"

    def apply(self, fleet, share: float) -> None:
        fleet.raise_bev_sales_share(share * self.bev_sales_share_increase.canonical)


class BusElectrification(TravelMeasure):
    """Diesel buses replaced by battery-electric ones."""

    type: Literal["bus_electrification"] = Field(description="Measure type.")
    lines: list[str] | None = Field(default=None, description="Lines concerned (default all).")
    stage: ClassVar[str] = "transport"
    _lines = field_validator("lines")(_not_empty)

    def apply(self, fleet, share: float) -> None:
        fleet.electrify_bus_lines(self.lines, share)


class SmartCharging(TravelMeasure):
    """Controlled charging of electric cars: flexible energy moves to low-carbon or PV hours."""

    type: Literal["smart_charging"] = Field(description="Measure type.")
    flexible_share: quantity("dimensionless", ge=0.0, le=1.0) = Field(  # type: ignore[valid-type]
        description="Share of each day's EV charging energy that may move within the day. [1]")
    signal: Literal["grid_carbon", "pv_surplus"] = Field(
        default="grid_carbon", description="What the charging follows: the hourly grid carbon intensity or local "
                                           "PV output above the buildings' consumption.")
    stage: ClassVar[str] = "charging"

    def apply(self, charging, share: float) -> None:
        charging.shift(share * self.flexible_share.canonical, self.signal)


TRAVEL_MEASURES = (BRTLine, CycleInfrastructure, ParkingPricing, CarSharing, EVIncentive, BusElectrification,
                   SmartCharging)
