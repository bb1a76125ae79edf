"""Dated transport measures: what they change in the transport model and what they cost.

Transport measures sit in the scenario's ``[measures.<id>]`` tables beside the building
measures and share their dating: a ``start_year`` and a ``ramp`` (see
:mod:`smartcity.energy.measures`), whose share :func:`~smartcity.energy.measures.treated_share`
scales the measure's effect in each year::

    [measures.plusbus]
    type = "brt_line"
    start_year = 2023
    ramp = { value = 100, unit = "%", by_year = 2023, source = "..." }
    line = "plusbus"                       # a planned line of the lines table
    replaces = ["2"]                       # existing lines it replaces
    car_capacity_reduction = { value = 50, unit = "%", source = "..." }
    investment = { value = 510, unit = "MDKK", source = "..." }
    lifetime_years = 30

Types and effects (``s`` = the year's ramp share):

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
    Cars per resident in ``zones`` fall by ``s × car_ownership_reduction``: fewer trips
    have a car available and the district's fleet is smaller.
``ev_incentive``
    The battery-electric share of new cars bought by the district rises by
    ``s × bev_sales_share_increase`` (chargers, parking and tax incentives), capped at 1.
``bus_electrification``
    A share ``s`` of the diesel bus-km of ``lines`` (all lines if omitted) runs on
    battery-electric buses.
``smart_charging``
    A share ``s × flexible_share`` of the EV charging energy of each day moves to the
    hours with the lowest grid carbon intensity or the largest local PV surplus.

Costs are one total investment for the whole measure, spent in proportion to the growth of
the ramp share, renewed after ``lifetime_years``, with operation and maintenance as a share
of the investment in service (:func:`transport_measure_costs`).
"""

from __future__ import annotations

import typing
from collections.abc import Iterable, Mapping
from typing import ClassVar, Literal

import numpy as np
import pandas as pd
from pydantic import Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from smartcity.energy.measures import RampField, capital_recovery_factor, treated_share
from smartcity.errors import InputError
from smartcity.scenario.types import StrictModel, quantity
from smartcity.uncertainty import uncertain_quantity
from smartcity.units import DKK_PER_EUR

__all__ = [
    "BRTLine", "CycleInfrastructure", "ParkingPricing", "CarSharing", "EVIncentive", "BusElectrification",
    "SmartCharging", "TRANSPORT_MEASURE_CLASSES", "TRANSPORT_MEASURE_TYPES", "is_transport_measure",
    "transport_measure_costs", "check_transport_measures",
]


class _TransportMeasure(StrictModel):
    """Fields every transport measure has."""

    description: str = Field(default="", description="What the measure is, for people.")
    enabled: bool = Field(default=True, description="False switches the measure off.")
    start_year: int = Field(ge=1900, le=2100, description="First year in which the measure acts. [a]")
    ramp: RampField = Field(
        description="Share of the full effect reached: per year ({ value, unit = '%/a' }) or a target by a year "
                    "({ value, unit = '%', by_year }). [1/a or 1]")
    investment: quantity("currency_eur", ge=0.0) = Field(  # type: ignore[valid-type]
        description="Investment of the whole measure at full effect (EUR, kEUR, MEUR, DKK, MDKK).")
    lifetime_years: int = Field(ge=1, le=100, description="Service life; the investment recurs after it. [a]")
    om_share_per_year: quantity("share_per_year", ge=0.0, le=1.0) | None = Field(  # type: ignore[valid-type]
        default=None, description="Operation and maintenance per year as a share of the investment in service. [1/a]")

    #: whether the measure changes trip making (distribution, mode choice, assignment).
    changes_demand: ClassVar[bool] = False

    @model_validator(mode="after")
    def _ramp_after_start(self) -> "_TransportMeasure":
        if not self.ramp.is_rate and self.ramp.by_year < self.start_year:
            raise PydanticCustomError(
                "ramp_years", "ramp.by_year is before start_year",
                {"key": "ramp", "value": self.ramp.by_year, "allowed": f"a year >= start_year ({self.start_year})"})
        return self


def _not_empty(cls, v: list[str] | None, info) -> list[str] | None:
    if v is not None and len(v) == 0:
        raise PydanticCustomError("empty_filter", "an empty list selects nothing",
                                  {"value": [], "allowed": f"at least one value, or leave '{info.field_name}' out"})
    return v


class BRTLine(_TransportMeasure):
    """A bus-rapid-transit line opens, replacing existing lines and taking road space from cars."""

    type: Literal["brt_line"] = Field(description="Measure type.")
    line: str = Field(description="The planned line of the lines table (status 'planned') that opens.")
    replaces: list[str] = Field(default_factory=list, description="Existing lines that stop when it opens.")
    car_capacity_reduction: quantity("dimensionless", ge=0.0, lt=1.0) = Field(  # type: ignore[valid-type]
        description="Share of the car capacity removed on the line's links with a bus lane. [1]")
    changes_demand: ClassVar[bool] = True


class CycleInfrastructure(_TransportMeasure):
    """Cycle superhighways, junction priority and direct routes: faster cycling."""

    type: Literal["cycle_infrastructure"] = Field(description="Measure type.")
    bike_time_saving: uncertain_quantity("dimensionless", ge=0.0, lt=1.0) = Field(  # type: ignore[valid-type]
        description="Reduction of the cycling time (bike and e-bike) of the trips concerned. [1]")
    zones: list[str] | None = Field(default=None, description="Trips with an end in these zones (default all).")
    changes_demand: ClassVar[bool] = True
    _zones = field_validator("zones")(_not_empty)


class ParkingPricing(_TransportMeasure):
    """Parking charges (or less free parking) at the destinations."""

    type: Literal["parking_pricing"] = Field(description="Measure type.")
    zones: list[str] = Field(min_length=1, description="Zones whose car trips pay the charge at arrival.")
    parking_cost: quantity("cost_per_item", ge=0.0) = Field(  # type: ignore[valid-type]
        description="Extra parking cost per car-driver trip ending in the zones (EUR or DKK).")
    changes_demand: ClassVar[bool] = True


class CarSharing(_TransportMeasure):
    """Car sharing and car-free housing: fewer privately owned cars."""

    type: Literal["car_sharing"] = Field(description="Measure type.")
    car_ownership_reduction: uncertain_quantity("dimensionless", ge=0.0, lt=1.0) = Field(  # type: ignore[valid-type]
        description="Reduction of cars per resident in the zones. [1]")
    zones: list[str] | None = Field(default=None, description="Zones concerned (default all internal zones).")
    changes_demand: ClassVar[bool] = True
    _zones = field_validator("zones")(_not_empty)


class EVIncentive(_TransportMeasure):
    """Chargers and local incentives: more battery-electric cars among new cars."""

    type: Literal["ev_incentive"] = Field(description="Measure type.")
    bev_sales_share_increase: uncertain_quantity("dimensionless", ge=0.0, le=1.0) = Field(  # type: ignore[valid-type]
        description="Increase of the battery-electric share of new cars (absolute, capped at 1). [1]")


class BusElectrification(_TransportMeasure):
    """Diesel buses replaced by battery-electric ones."""

    type: Literal["bus_electrification"] = Field(description="Measure type.")
    lines: list[str] | None = Field(default=None, description="Lines concerned (default all).")
    _lines = field_validator("lines")(_not_empty)


class SmartCharging(_TransportMeasure):
    """Controlled charging of electric cars: flexible energy moves to low-carbon or PV hours."""

    type: Literal["smart_charging"] = Field(description="Measure type.")
    flexible_share: quantity("dimensionless", ge=0.0, le=1.0) = Field(  # type: ignore[valid-type]
        description="Share of each day's EV charging energy that may move within the day. [1]")
    signal: Literal["grid_carbon", "pv_surplus"] = Field(
        default="grid_carbon", description="What the charging follows: the hourly grid carbon intensity or local "
                                           "PV output above the buildings' consumption.")


TRANSPORT_MEASURE_CLASSES = (BRTLine, CycleInfrastructure, ParkingPricing, CarSharing, EVIncentive,
                             BusElectrification, SmartCharging)
#: Measure type -> model.
TRANSPORT_MEASURE_TYPES: dict[str, type[_TransportMeasure]] = {
    typing.get_args(cls.model_fields["type"].annotation)[0]: cls for cls in TRANSPORT_MEASURE_CLASSES
}


def is_transport_measure(measure) -> bool:
    """True for a transport measure, False for a building measure."""
    return isinstance(measure, _TransportMeasure)


def check_transport_measures(measures: Mapping, zones: Iterable[str], lines: pd.DataFrame | None, *,
                             file: str | None = None) -> None:
    """Check the zones and lines transport measures name against the zone system.

    Raises
    ------
    InputError
        Naming the key, the unknown value and what is allowed.
    """
    zones = list(zones)
    line_ids = [] if lines is None else lines["line"].tolist()
    status = {} if lines is None else dict(zip(lines["line"], lines["status"]))

    def known(values, allowed, key, what):
        for value in values or ():
            if value not in allowed:
                shown = ", ".join(repr(v) for v in allowed[:30]) or "none"
                raise InputError(f"the transport model has no such {what}", file=file, key=key, value=value,
                                 allowed=f"one of {shown}")

    for mid, m in measures.items():
        if not m.enabled or not is_transport_measure(m):
            continue
        if isinstance(m, (CycleInfrastructure, ParkingPricing, CarSharing)):
            known(m.zones, zones, f"measures.{mid}.zones", "zone")
        if isinstance(m, BusElectrification):
            known(m.lines, line_ids, f"measures.{mid}.lines", "line")
        if isinstance(m, BRTLine):
            known([m.line], line_ids, f"measures.{mid}.line", "line")
            known(m.replaces, line_ids, f"measures.{mid}.replaces", "line")
            if status.get(m.line) != "planned":
                raise InputError("a BRT measure opens a planned line", file=file, key=f"measures.{mid}.line",
                                 value=m.line, allowed="a line with status 'planned' in the lines table")
            for old in m.replaces:
                if status.get(old) != "existing" or old == m.line:
                    raise InputError("a BRT measure replaces existing lines", file=file,
                                     key=f"measures.{mid}.replaces", value=old,
                                     allowed="lines with status 'existing' in the lines table")


_COST_COLUMNS = (
    "measure", "type", "year", "installed_unit", "buildings_installed", "buildings_in_service", "units_installed",
    "units_in_service", "investment_eur", "reinvestment_eur", "om_eur", "annualised_eur", "annual_cost_eur",
)


def transport_measure_costs(measures: Mapping, years: Iterable[int], *, discount_rate: float) -> pd.DataFrame:
    """Investment and annual cost of each transport measure in each year.

    The columns are those of :func:`smartcity.energy.measures.measure_costs`, with
    ``installed_unit = "measure"``: the units in service are the ramp share (1 = the whole
    measure); buildings columns are 0.

    Parameters
    ----------
    measures : mapping of str to measure
        Measure id -> transport measure (others and disabled ones are left out).
    years : iterable of int
        Years to report; each year's installations are those since the previous calendar year. [a]
    discount_rate : float
        Real discount rate for the annualised investment. [1/a]

    Returns
    -------
    pandas.DataFrame
        One row per (measure, year). [EUR]
    """
    years = sorted({int(y) for y in years})
    rows = []
    active = {mid: m for mid, m in measures.items() if m.enabled and is_transport_measure(m)}
    for mid, m in active.items():
        first = min([m.start_year] + years) - 1
        calendar = np.arange(first, (years[-1] if years else first) + 1)
        share = np.array([treated_share(m, int(y)) for y in calendar])
        installed = np.maximum(np.diff(share, prepend=0.0), 0.0)
        cost = m.investment.canonical
        crf = capital_recovery_factor(discount_rate, m.lifetime_years)
        om_share = 0.0 if m.om_share_per_year is None else m.om_share_per_year.canonical
        for year in years:
            i = year - first
            earlier = [i - k * m.lifetime_years for k in range(1, i // m.lifetime_years + 1)]
            annualised = crf * cost * share[i]
            om = om_share * cost * share[i]
            rows.append({
                "measure": mid, "type": m.type, "year": year, "installed_unit": "measure",
                "buildings_installed": 0.0, "buildings_in_service": 0.0,
                "units_installed": installed[i], "units_in_service": share[i],
                "investment_eur": cost * installed[i], "reinvestment_eur": cost * float(installed[earlier].sum()),
                "om_eur": om, "annualised_eur": annualised, "annual_cost_eur": annualised + om,
            })
    table = pd.DataFrame(rows, columns=list(_COST_COLUMNS))
    table = table.astype({"year": np.int64} | {c: np.float64 for c in _COST_COLUMNS[4:]})
    table.attrs = {"discount_rate": float(discount_rate), "dkk_per_eur": DKK_PER_EUR}
    return table
