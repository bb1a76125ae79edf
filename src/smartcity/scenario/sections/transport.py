"""The ``[transport]`` table: the zone system, the network, the model's parameters and costs.

Every default number carries a source or is flagged as an assumption with its reason. The
model that uses them is :mod:`smartcity.transport.model`; money is in Danish kroner there,
so the cost parameters' canonical units are DKK (:mod:`smartcity.schema.units`: dimensions
``value_of_time``, ``cost_per_distance``, ``cost_per_trip``; euros are converted at the
fixed ERM II central rate).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field, field_validator
from pydantic_core import PydanticCustomError

from smartcity.schema.distributions import uncertain_quantity
from smartcity.schema.quantities import Quantity, ScenarioPath, StrictModel, quantity, require_source
from smartcity.schema.vocabulary import MODES

__all__ = ["TransportSection", "CostParameters", "AALBORG_MODE_SHARES", "parameter"]


def _param(value: float, unit: str, reason: str | None = None, source: str | None = None) -> dict:
    if source is not None:
        return {"value": value, "unit": unit, "source": source}
    return {"value": value, "unit": unit, "assumption": True, "reason": reason}


def _traceable(q):
    require_source(q)
    return q


def parameter(dimension: str):
    """Annotated type of a cost parameter: a quantity of ``dimension``, >= 0, that may carry a
    distribution (which makes it an uncertain input of sweeps) and must give its source or be
    flagged as an assumption with a reason."""
    return Annotated[uncertain_quantity(dimension, ge=0.0), AfterValidator(_traceable)]


class CostParameters(StrictModel):
    """Parameters of the generalised cost, with units and provenance."""

    value_of_time: parameter("value_of_time") = Field(  # type: ignore[valid-type]
        default=_param(100.0, "DKK/h", reason="order of magnitude of the Danish unit price of non-work travel time "
                       "in Transportøkonomiske Enhedspriser (DTU Management for the Ministry of Transport; "
                       "version 2.0, May 2022, in 2022 prices), roughly 90-110 DKK/h in recent versions; the "
                       "figure could not be read here: replace it with the sheet 'Værdisætning af tid'"),
        description="Value of in-vehicle travel time. [DKK/h]")
    wait_weight: parameter("dimensionless") = Field(  # type: ignore[valid-type]
        default=_param(1.5, "1", reason="Wardman (2004, doi:10.1016/j.tranpol.2004.05.001) finds waiting time "
                       "valued at about 1.5 times in-vehicle time in British studies; taken over for Denmark"),
        description="Weight of waiting time relative to in-vehicle time. [-]")
    access_weight: parameter("dimensionless") = Field(  # type: ignore[valid-type]
        default=_param(1.7, "1", reason="Wardman (2004) finds walking time to and from stops valued at about "
                       "1.7 times in-vehicle time; taken over for Denmark and applied to every mode's access"),
        description="Weight of access and egress time relative to in-vehicle time. [-]")
    max_wait: parameter("time") = Field(  # type: ignore[valid-type]
        default=_param(15.0, "min", reason="above headways of about 30 min passengers consult the timetable and "
                       "time their arrival; half the headway is capped at 15 min"),
        description="Cap of the waiting time (half the headway). [h]")
    car_cost_per_km: parameter("cost_per_distance") = Field(  # type: ignore[valid-type]
        default=_param(0.9, "DKK/km", reason="fuel only, the marginal cost a driver perceives: the Danish "
                       "fuel-price comparison bilviden.dk gives 74-92 DKK per 100 km for petrol cars (quarter not "
                       "dated), Vejdirektoratet's October 2022 price level about 1.2 DKK/km; pump prices 12.7-14.5 "
                       "DKK/l in 2019-2023 apart from the 2022 peak (DrivkraftDanmark via Ekstra Bladet, B.T.)"),
        description="Running cost of a car perceived per km driven. [DKK/km]")
    car_passenger_cost_share: parameter("dimensionless") = Field(  # type: ignore[valid-type]
        default=_param(0.0, "1", reason="passengers in Danish households seldom share fuel costs with the driver"),
        description="Share of the car running cost borne by a passenger. [-]")
    ebike_cost_per_km: parameter("cost_per_distance") = Field(  # type: ignore[valid-type]
        default=_param(0.1, "DKK/km", reason="electricity of about 1 kWh/100 km at 2-3 DKK/kWh plus battery wear"),
        description="Running cost of an e-bike per km. [DKK/km]")
    bike_cost_per_km: parameter("cost_per_distance") = Field(  # type: ignore[valid-type]
        default=_param(0.0, "DKK/km", reason="the marginal cost of cycling is negligible for the choice"),
        description="Running cost of a bicycle per km. [DKK/km]")
    fare: parameter("cost_per_trip") = Field(  # type: ignore[valid-type]
        default=_param(15.0, "DKK", reason="mean fare paid per bus trip in Aalborg, below the 24 DKK cash "
                       "ticket for two zones (Nordjyllands Trafikselskab: 22 -> 24 DKK in January 2020, "
                       "transportnyhederne.dk 7 January 2020; single tickets unchanged in January 2024, "
                       "kollektivtrafik.dk) because travel-card and season-ticket trips cost less; NT's revenue "
                       "per trip was not found"),
        description="Fare per bus or BRT trip. [DKK]")



#: Observed trip shares of Aalborg by mode: car ~52 % and bike ~14 % are published figures,
#: the split within car and bike and the rest are flagged assumptions. [-]
AALBORG_MODE_SHARES: dict[str, dict] = {
    "car_driver": _param(0.40, "1", reason="of the published ~52 % car share, about three quarters as driver "
                         "(car occupancy around 1.3 on Danish urban trips)"),
    "car_passenger": _param(0.12, "1", reason="the rest of the published ~52 % car share (dutchcycling.nl, approx.)"),
    "bus": _param(0.08, "1", reason="public transport ~12 % of trips, the remainder after car, bike and walk; "
                  "two thirds on ordinary bus lines"),
    "brt": _param(0.04, "1", reason="one third of public-transport trips on the +BUS line through Aalborg "
                  "East (opened 2023, about 13,500 passengers per weekday); zero before 2023"),
    "bike": _param(0.12, "1", reason="of the published ~14 % bike share (dutchcycling.nl, approx.; 15 % in "
                   "Aarhus, Odense and Aalborg in 2021, Statistics Denmark), six sevenths on conventional bikes"),
    "ebike": _param(0.02, "1", reason="the rest of the ~14 % bike share; e-bikes were some 10-20 % of Danish "
                    "bike sales around 2020"),
    "walk": _param(0.22, "1", reason="walking is about a fifth of trips in Danish towns (TU); set so that the "
                   "shares add up to 1"),
}




def _observed_default() -> dict[str, dict]:
    return {mode: dict(entry) for mode, entry in AALBORG_MODE_SHARES.items()}


class TransportSection(StrictModel):
    """The ``[transport]`` table: the zone system, the network and the model's parameters."""

    zones: ScenarioPath = Field(description="Zones table (schema 'zones'): residents, jobs, study places, "
                                            "cars per year.")
    nodes: ScenarioPath = Field(description="Nodes table (schema 'nodes').")
    links: ScenarioPath = Field(description="Links table (schema 'links'): roads, paths, capacities, modes.")
    lines: ScenarioPath | None = Field(default=None, description="Public-transport lines (schema 'lines').")
    line_stops: ScenarioPath | None = Field(default=None,
                                            description="Routes and stops of the lines (schema 'line_stops').")
    mean_trip_length: quantity("length", gt=0.0) = Field(  # type: ignore[valid-type]
        default={"value": 13.1, "unit": "km", "source": "Danish National Travel Survey (TU) 2006-2017, DTU "
                 "Management, Center for Transport Analytics: 13.1 km average trip"},
        description="Mean trip length the gravity model is calibrated to in the base year. [km]")
    observed_mode_shares: dict[str, quantity("dimensionless", ge=0.0, le=1.0)] = Field(  # type: ignore[valid-type]
        default_factory=_observed_default,
        description="Observed shares of trips by mode in the base year "
                    "(the modes of smartcity.schema.vocabulary.MODES; "
                    "absent modes 0; they must add up to 1). [1]")
    costs: CostParameters = Field(default_factory=CostParameters,
                                  description="Value of time, time weights, running costs and fares.")
    cost_sensitivity: quantity("cost_sensitivity", gt=0.0) = Field(  # type: ignore[valid-type]
        default={"value": 0.024, "unit": "1/DKK", "assumption": True, "reason": "a time coefficient of about "
                 "-0.04 per minute, typical of urban mode-choice models (Ortuzar and Willumsen 2011, ch. 4-5), "
                 "at a value of time of 100 DKK/h: 0.04 / (100/60) = 0.024 per DKK"},
        description="Scale theta of the logit: utility per DKK of generalised cost. [1/DKK]")
    car_availability_saturation: quantity("dimensionless", gt=0.0, le=2.0) = Field(  # type: ignore[valid-type]
        default=_param(0.6, "1", reason="cars per resident at which nearly every trip-maker has a car at hand; "
                               "saturation levels of car-ownership forecasts are 0.6-0.65 cars per person"),
        description="Cars per resident at which every trip has a car available; "
                    "below it the share is proportional. [1]")
    peak_hour_share: quantity("dimensionless", gt=0.0, le=1.0) = Field(  # type: ignore[valid-type]
        default=_param(0.10, "1", reason="the busiest hour of urban Danish roads carries about a tenth of the "
                               "daily traffic (the 30th-hour factor of road design is 0.09-0.12)"),
        description="Share of the daily car-driver trips in the assigned peak hour. [1]")
    congested_share: quantity("dimensionless", ge=0.0, le=1.0) = Field(  # type: ignore[valid-type]
        default=_param(0.35, "1", reason="about four peak hours of some 9 % of daily traffic each; car times of "
                               "the other trips are free-flow times"),
        description="Share of car trips that meet peak-hour travel times. [1]")
    walk_speed: quantity("speed", gt=0.0) = Field(  # type: ignore[valid-type]
        default={"value": 5.0, "unit": "km/h", "assumption": True,
                 "reason": "usual walking speed of adults in transport models (about 1.4 m/s)"},
        description="Walking speed. [km/h]")
    bike_speed: quantity("speed", gt=0.0) = Field(  # type: ignore[valid-type]
        default={"value": 15.0, "unit": "km/h", "assumption": True,
                 "reason": "mean speed of urban utility cycling in Danish cities including stops, 15-16 km/h"},
        description="Speed of conventional bikes. [km/h]")
    ebike_speed: quantity("speed", gt=0.0) = Field(  # type: ignore[valid-type]
        default={"value": 20.0, "unit": "km/h", "assumption": True,
                 "reason": "pedelecs assist up to 25 km/h; mean urban speeds some 20-30 % above conventional bikes"},
        description="Speed of e-bikes. [km/h]")
    intrazonal_car_speed: quantity("speed", gt=0.0) = Field(  # type: ignore[valid-type]
        default={"value": 30.0, "unit": "km/h", "assumption": True,
                 "reason": "local streets inside a zone, 30-50 km/h limits with junctions"},
        description="Car speed of trips within a zone. [km/h]")
    car_access_time: quantity("time", ge=0.0) = Field(  # type: ignore[valid-type]
        default={"value": 3.0, "unit": "min", "assumption": True,
                 "reason": "walking to and from the parked car at both ends"},
        description="Access and egress walking time of a car trip. [h]")
    transfer_penalty: quantity("time", ge=0.0) = Field(  # type: ignore[valid-type]
        default={"value": 5.0, "unit": "min", "assumption": True,
                 "reason": "penalty per transfer beyond its walking and waiting time; reviews (Wardman 2004) find "
                           "5-10 minutes of in-vehicle time"},
        description="Extra generalised time of a transfer between lines. [h]")
    brt_quality_bonus: quantity("time", ge=0.0) = Field(  # type: ignore[valid-type]
        default={"value": 5.0, "unit": "min", "assumption": True,
                 "reason": "BRT with dedicated lanes, level boarding and stations is preferred to a bus of equal "
                           "times (a 'rail factor' of a few minutes); not estimated for +BUS"},
        description="In-vehicle time a BRT trip is preferred by over a bus trip of equal times. [h]")
    transboundary_share: quantity("dimensionless", ge=0.0, le=1.0) = Field(  # type: ignore[valid-type]
        default={"value": 0.5, "unit": "1", "source": "GPC (WRI, C40, ICLEI 2014), chapter 7.3, induced activity "
                 "approach: half of the trips with one end in the territory"},
        description="Share of a trip with one end outside the district counted for the district. [1]")
    days_per_year: quantity("days_per_year", gt=0.0, le=366.0) = Field(  # type: ignore[valid-type]
        default={"value": 365.0, "unit": "d/a", "source": "Danish National Travel Survey (TU): trips per person "
                 "per day are averages over all days of the year, weekends and holidays included"},
        description="Days per year the average day's trips are multiplied by. [d/a]")
    service_days_per_year: quantity("days_per_year", gt=0.0, le=366.0) = Field(  # type: ignore[valid-type]
        default={"value": 310.0, "unit": "d/a", "assumption": True, "reason": "the lines table gives weekday "
                 "service; about 250 weekdays at full service plus Saturdays at some 60 % and Sundays and "
                 "holidays at some 45 % of the weekday bus-km, typical of Danish city timetables: "
                 "250 + 52 x 0.6 + 63 x 0.45 = 309"},
        description="Weekday-equivalent days of bus service per year (bus-km per weekday x this). [d/a]")
    feedback_tolerance: float = Field(default=1e-3, gt=0.0, lt=1.0,
                                      description="Stop the feedback when the car-time skim changes by less "
                                                  "(relative RMS). [1]")
    max_feedback_iterations: int = Field(default=60, ge=1, le=1000, description="Most feedback passes. [1]")
    assignment_gap: float = Field(default=1e-4, gt=0.0, lt=1.0, description="Relative gap of each assignment. [1]")

    @field_validator("observed_mode_shares")
    @classmethod
    def _shares(cls, v: dict[str, Quantity]) -> dict[str, Quantity]:
        for mode in v:
            if mode not in MODES:
                raise PydanticCustomError("value_not_allowed", "unknown mode",
                                          {"value": mode, "allowed": ", ".join(MODES)})
        total = sum(q.canonical for q in v.values())
        if abs(total - 1.0) > 1e-6:
            raise PydanticCustomError("shares_sum", "the shares do not add up to 1",
                                      {"value": round(total, 9), "allowed": "shares adding up to 1 (100 %)"})
        return v
