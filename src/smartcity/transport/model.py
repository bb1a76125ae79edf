"""The district's travel in a year: the four-step model with feedback between its steps.

One call of :meth:`DistrictTransport.simulate_year` chains, for the zone data of the year
and the transport measures in force:

1. **skims**: network distances for walking and cycling (:func:`zones.distance_skim`),
   public-transport skims of the ordinary bus lines and of the lines including BRT
   (:mod:`smartcity.transport.transit`), car times and distances on the road network;
2. **generation** (:func:`demand.trip_productions_attractions`): daily trips by purpose;
3. **distribution**: a doubly constrained gravity model per purpose (:func:`demand.furness`)
   whose deterrence ``exp(-beta C)`` acts on the composite cost ``C = -logsum / theta`` of
   all modes, so that a better bus or bike link attracts trips;
4. **mode choice**: a multinomial logit over :data:`mode_choice.MODES` on generalised cost
   (:func:`mode_choice.cost_utilities`), with two segments per origin: trips with a car
   available (a share ``min(1, cars per resident / saturation)``) and trips without;
5. **assignment**: the peak hour's car-driver trips on the road network by bi-conjugate
   Frank-Wolfe (:func:`assignment.assign`) to a stated relative gap;
6. **feedback**: the car time skim for the next pass blends peak and free-flow times and is
   averaged over the passes (method of successive averages, MSA) until its relative change
   falls below ``feedback_tolerance``.

The base year is also the calibration year: the alternative-specific constants are set so
that the modelled shares of all trips reproduce the observed split, and the gravity
parameter so that the mean trip length is the travel survey's; both are then kept for every
other year and variant. The +BUS line did not run in the base year; its constant is the bus
constant plus ``brt_quality_bonus`` of in-vehicle time.

Only trips with an end in the district are loaded on the roads and lines: the network is
a skeleton of the district's main roads and lines, which would otherwise have to carry the
whole city's traffic; trips between external zones stay in the distribution and the
calibration (the observed split is the city's) but travel on streets and lines outside the
model. Line boardings are therefore the district's riders, not a line's whole ridership.

Trips are counted for the district by the *induced activity* rule of the Global Protocol
for Community-Scale GHG Inventories (GPC 2014, chapter 7): trips with both ends in internal
zones count whole, trips with one end outside count with ``transboundary_share`` (one half),
trips between external zones do not count (and are not assigned, see above). Bus service
is counted where it runs: the bus-km of each line inside the district (the part of its route
nearest to internal zones), over ``service_days_per_year`` weekday-equivalent days.

References
----------
.. [1] Ortúzar, J. de D. and Willumsen, L. G. (2011). Modelling Transport, 4th ed., Wiley:
   chapter 1.5 (the four-stage model and its feedback), chapter 7 (distribution), chapter
   11 (equilibrium), section 7.7 (composite costs).
.. [2] Boyce, D., Ralevic-Dekic, B. and Bar-Gera, H. (2004). Convergence of traffic
   assignments: how much is enough? Journal of Transportation Engineering 130(1), 49-55
   (feedback by successive averages of the skims).
.. [3] WRI, C40 and ICLEI (2014). Global Protocol for Community-Scale Greenhouse Gas
   Emission Inventories (GPC), version 1.0, chapter 7.3: induced activity approach.

Longer than the house limit of ~700 lines (about 740): :class:`DistrictTransport` is where the
four steps, their feedback, the fleet and the measures' effects meet; each step's model is
in its own module (demand, mode_choice, assignment, transit, fleet, charging) and this one
only joins them.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from smartcity.errors import InputError
from smartcity.schema.vocabulary import MODES, POWERTRAINS, VEHICLES
from smartcity.stages import apply_stage
from smartcity.transport import charging, demand, fleet, mode_choice, transit, zones
from smartcity.transport.assignment import assign, path_sums, shortest_paths
from smartcity.transport.demand import ConvergenceError
from smartcity.transport.effects import FleetEffects, TravelEffects
from smartcity.transport.vehicles import CAR_POWERTRAINS, VehicleData

__all__ = ["DistrictTransport", "TransportYear", "TransportEnergy", "transport_energy", "fleet_effects",
           "MODES", "VEHICLES", "POWERTRAINS"]


_M = {m: i for i, m in enumerate(MODES)}


@dataclass(frozen=True)
class TransportYear:
    """Travel of one year (an average day) under one set of measures.

    Trip and kilometre totals count the district's share of each trip (see the module
    notes); line and link loads count the trips with an end in the district.
    """

    trips: np.ndarray
    """(n_modes,) trips per day by mode, district share. [trips/d]"""
    passenger_km: np.ndarray
    """(n_modes,) passenger-km per day by mode, district share. [km/d]"""
    passenger_km_by_zone: np.ndarray
    """(n_zones, n_modes) passenger-km per day by origin zone and mode, district share. [km/d]"""
    car_vehicle_km: float
    """Car vehicle-km per day of the car-driver trips, district share. [km/d]"""
    cars: float
    """Cars owned by the residents of the internal zones. [cars]"""
    line_boardings: np.ndarray
    """(n_lines,) boardings per day of each line of the lines table by trips with an end in the
    district. [boardings/d]"""
    line_passenger_km: np.ndarray
    """(n_lines,) passenger-km per day on each line by trips with an end in the district. [km/d]"""
    line_vehicle_km: np.ndarray
    """(n_lines,) bus-km per weekday of each line in service within the district (see
    :meth:`DistrictTransport.district_route_share`). [km/d]"""
    line_vehicles: np.ndarray
    """(n_lines,) buses each line in service needs in the peak (whole line). [vehicles]"""
    link_peak_flow: np.ndarray
    """(n_links,) car flow of the peak hour on each link of the links table. [veh/h]"""
    link_peak_time: np.ndarray
    """(n_links,) peak-hour car travel time of each link (NaN where cars may not drive). [h]"""
    feedback_iterations: int
    feedback_change: float
    mode_shares_all_trips: np.ndarray = field(repr=False)
    """(n_modes,) shares of all modelled trips (what the calibration matches in the base year). [1]"""
    all_trips: float = 0.0
    """All modelled trips per day, between any zones. [trips/d]"""
    mean_trip_km: float = 0.0
    """Mean network distance of all modelled trips (what the calibration matches in the base year). [km]"""


@dataclass(frozen=True)
class _State:
    """What the demand model depends on in a year: the shares of the demand measures."""

    year: int
    shares: tuple[float, ...]


class DistrictTransport:
    """The transport model of one scenario's district, calibrated in its base year.

    Parameters
    ----------
    section : TransportSection
        The scenario's ``[transport]`` table
        (:class:`smartcity.scenario.sections.transport.TransportSection`).
    system : zones.ZoneSystem
        The validated zone system (zones, nodes, links, lines).
    measures : mapping of str to transport measure
        All enabled transport measures of the scenario, in scenario order.
    base_year : int
        Calibration year (no measure in force is assumed then). [a]
    file : str, optional
        The scenario file, named in errors.

    Raises
    ------
    InputError
        If the base year cannot be calibrated: an observed mode that no pair of zones can
        use, or a mean trip length the zone system cannot reach.
    ConvergenceError
        If the calibration or the feedback does not converge.
    """

    def __init__(self, section: Any, system: zones.ZoneSystem, measures: Mapping[str, Any],
                 base_year: int, *, file: str | None = None) -> None:
        self.file = file
        self.section = section
        self.system = system
        self.measures = dict(measures)
        self.base_year = int(base_year)
        self.zone_ids = list(system.zone_ids)
        n = len(self.zone_ids)
        self.n_zones = n
        kinds = zones.zone_data(system, base_year)["kind"].to_numpy()
        internal = kinds == "internal"
        self.internal = internal
        tb = section.transboundary_share.canonical
        self.accounting = np.where(internal[:, None] & internal[None, :], 1.0,
                                   np.where(internal[:, None] | internal[None, :], tb, 0.0))
        # trips loaded on the network: those with an end in the district (see the module notes)
        self.loaded = (internal[:, None] | internal[None, :]).astype(np.float64)
        self.walk_km = zones.distance_skim(system, "walk")
        self.bike_km = zones.distance_skim(system, "bike")
        c = section.costs
        self.vot = c.value_of_time.canonical  # DKK/h
        self.theta = section.cost_sensitivity.canonical
        self.lines = system.lines if system.lines is not None else None
        self.n_lines = 0 if self.lines is None else len(self.lines)
        links = system.links
        self.n_links = len(links)
        self._bus_lane = links["bus_lane"].to_numpy(dtype=bool)
        self._route_links: dict[str, np.ndarray] = {}
        if self.lines is not None:
            pairs = {(int(a), int(b)): i for i, (a, b) in enumerate(zip(links["from_node"], links["to_node"]))}
            for line, stops in system.line_stops.groupby("line", sort=False):
                nodes = stops.sort_values("sequence")["node"].to_numpy()
                rows = [pairs[(int(a), int(b))] for a, b in zip(nodes[:-1], nodes[1:])]
                rows += [pairs[(int(b), int(a))] for a, b in zip(nodes[:-1], nodes[1:]) if (int(b), int(a)) in pairs]
                self._route_links[str(line)] = np.array(sorted(set(rows)), dtype=np.int64)
        self.route_share = self._district_route_share()
        self._demand_measures = {mid: m for mid, m in self.measures.items() if m.stage == "demand"}
        self._travel_effects: dict[_State, TravelEffects] = {}
        self._networks: dict[tuple, tuple] = {}
        self._transit: dict[tuple, tuple] = {}
        self._services: dict[tuple, pd.DataFrame] = {}
        self._years: dict[_State, TransportYear] = {}
        self._zone_frames: dict[int, pd.DataFrame] = system.year_frames  # shared by the models of one system
        self._shapes: dict[tuple, np.ndarray] = {}
        self.asc = np.zeros(len(MODES))
        self.beta = 0.0
        self.calibration: dict[str, Any] = {}
        self._calibrate()

    def _district_route_share(self) -> dict[str, float]:
        """Share of each line's route length inside the district. [1]

        A route segment (between consecutive nodes of the line) is inside when the zone
        centroid nearest to its midpoint is an internal zone.
        """
        if self.lines is None:
            return {}
        nodes = self.system.nodes.set_index("node")
        xy = nodes[["x_m", "y_m"]].to_numpy(dtype=np.float64)
        row = {int(n): i for i, n in enumerate(nodes.index)}
        centres = xy[[row[int(n)] for n in self.system.centroids]]
        length = {(int(a), int(b)): float(km) for a, b, km in
                  zip(self.system.links["from_node"], self.system.links["to_node"], self.system.links["length_km"])}
        share = {}
        for line, stops in self.system.line_stops.groupby("line", sort=False):
            route = stops.sort_values("sequence")["node"].to_numpy(dtype=np.int64)
            inside = total = 0.0
            for a, b in zip(route[:-1], route[1:]):
                km = length.get((int(a), int(b)), length.get((int(b), int(a)), 0.0))
                middle = 0.5 * (xy[row[int(a)]] + xy[row[int(b)]])
                nearest = int(np.argmin(((centres - middle) ** 2).sum(axis=1)))
                total += km
                inside += km if self.internal[nearest] else 0.0
            share[str(line)] = inside / total if total > 0 else 0.0
        return share

    # -- states and cached pieces -----------------------------------------------------
    def zone_data(self, year: int) -> pd.DataFrame:
        """Zone data of ``year`` (residents, jobs, cars, ...), kept for the years simulated."""
        if year not in self._zone_frames:
            self._zone_frames[year] = zones.zone_data(self.system, year)
        return self._zone_frames[year]

    def state(self, measures: Mapping[str, Any], year: int) -> _State:
        """The demand-relevant state of ``year`` under ``measures`` (a subset of the scenario's)."""
        shares = tuple(m.share(year) if mid in measures else 0.0 for mid, m in self._demand_measures.items())
        return _State(int(year), shares)

    def _effects(self, state: _State) -> TravelEffects:
        """What the demand measures in force change in the state's year (their hooks, in scenario order)."""
        if state not in self._travel_effects:
            effects = TravelEffects()
            if self.lines is not None:
                effects.lines.update({str(line): 1.0 for line, status in zip(self.lines["line"], self.lines["status"])
                                      if status == "existing"})
            for m, share in zip(self._demand_measures.values(), state.shares):
                if share > 0.0:
                    m.apply(effects, share)
            self._travel_effects[state] = effects
        return self._travel_effects[state]

    def _lines_state(self, effects: TravelEffects) -> tuple[tuple[str, float], ...]:
        """Lines in service and the factor on their departures: ((line, factor), ...)."""
        return () if self.lines is None else effects.lines_in_service()

    def _network(self, key):
        if key not in self._networks:
            factor = np.ones(self.n_links)
            for line, reduction in key:
                rows = self._route_links[line]
                rows = rows[self._bus_lane[rows]]
                factor[rows] *= 1.0 - reduction
            network, rows = zones.road_network(self.system, "car", capacity_factor=factor)
            self._networks[key] = (network, rows)
        return self._networks[key]

    def _headways(self, lines_state) -> dict[str, tuple[float, float]]:
        """Peak and off-peak headways of the lines in service, departures scaled by their factor. [min]"""
        rows = self.lines.set_index("line")
        return {line: (float(rows.loc[line, "headway_peak_min"]) / factor,
                       float(rows.loc[line, "headway_offpeak_min"]) / factor) for line, factor in lines_state}

    def _service(self, lines_state) -> pd.DataFrame:
        """Route lengths, departures and bus-km per day of the lines (``transit.line_service``)."""
        if lines_state not in self._services:
            self._services[lines_state] = transit.line_service(
                self.lines, self.system.line_stops, self.system.links, headway_override=self._headways(lines_state))
        return self._services[lines_state]

    def _transit_skims(self, lines_state):
        """Skims of the ordinary bus lines and of all lines (with BRT), and their graphs."""
        if lines_state not in self._transit:
            s = self.section
            c = s.costs
            mode = dict(zip(self.lines["line"], self.lines["mode"]))
            headway = self._headways(lines_state)
            result = []
            for used in ([ln for ln, _ in lines_state if mode[ln] == "bus"], [ln for ln, _ in lines_state]):
                if not used:
                    result.append(None)
                    continue
                graph = transit.build_transit_graph(
                    self.system.links, self.lines, self.system.line_stops, self.system.centroids, period="day",
                    walk_speed_kmh=s.walk_speed.canonical, wait_weight=c.wait_weight.canonical,
                    access_weight=c.access_weight.canonical, max_wait_h=c.max_wait.canonical,
                    transfer_penalty_h=s.transfer_penalty.canonical, headway_override=headway, lines_used=used)
                result.append((graph, transit.transit_skims(graph)))
            self._transit[lines_state] = tuple(result)
        return self._transit[lines_state]

    # -- the model ---------------------------------------------------------------------
    def _car_skim(self, network, link_time):
        n = self.n_zones
        dist, pred = shortest_paths(network, link_time)
        time = dist[:, :n].copy()
        km = path_sums(network, pred, np.arange(1, n + 1), network.length)[:, :n].copy()
        diag = np.diag(self.walk_km)
        np.fill_diagonal(km, diag)
        np.fill_diagonal(time, diag / self.section.intrazonal_car_speed.canonical)
        return time, km

    def _generalised_costs(self, car_time, car_km, pt, zone_frame, effects: TravelEffects) -> np.ndarray:
        """(n, n, n_modes) generalised cost [DKK]; inf where a mode is unavailable."""
        s = self.section
        c = s.costs
        n = self.n_zones
        vot = self.vot
        gc = np.full((n, n, len(MODES)), np.inf)
        access = c.access_weight.canonical * s.car_access_time.canonical
        km_cost = c.car_cost_per_km.canonical
        parking = zone_frame["parking_cost_dkk"].to_numpy(dtype=np.float64).copy()
        bike_factor = np.ones((n, n))
        for zones_, amount in effects.parking:
            parking[np.isin(self.zone_ids, zones_)] += amount
        for zones_, factor in effects.bike_time:
            ends = np.ones(n, dtype=bool) if zones_ is None else np.isin(self.zone_ids, zones_)
            touched = ends[:, None] | ends[None, :]
            bike_factor = np.where(touched, bike_factor * factor, bike_factor)
        # car_time holds the route's tolls as time at the value of time (the passenger shares the route)
        gc[..., _M["car_driver"]] = vot * (car_time + access) + km_cost * car_km + parking[None, :]
        gc[..., _M["car_passenger"]] = (vot * (car_time + access)
                                        + c.car_passenger_cost_share.canonical * km_cost * car_km)
        bus, with_brt = pt
        fare = c.fare.canonical
        if bus is not None:
            sk = bus[1]
            gc[..., _M["bus"]] = np.where(sk.available, vot * np.where(sk.available, sk.generalised_time_h, 0.0) + fare,
                                           np.inf)
        if with_brt is not None:
            sk = with_brt[1]
            brt_ivt = np.nan_to_num(sk.ivt_by_mode_h["brt"])
            uses_brt = sk.available & (brt_ivt > 0.0)
            # the bonus in proportion to the part of the ride on the BRT
            bonus = s.brt_quality_bonus.canonical * np.divide(brt_ivt, np.nan_to_num(sk.ivt_h),
                                                              out=np.zeros_like(brt_ivt), where=uses_brt)
            gc[..., _M["brt"]] = np.where(uses_brt, vot * (np.where(uses_brt, sk.generalised_time_h, 0.0) - bonus)
                                          + fare, np.inf)
        gc[..., _M["bike"]] = vot * self.bike_km / s.bike_speed.canonical * bike_factor + \
            c.bike_cost_per_km.canonical * self.bike_km
        gc[..., _M["ebike"]] = vot * self.bike_km / s.ebike_speed.canonical * bike_factor + \
            c.ebike_cost_per_km.canonical * self.bike_km
        gc[..., _M["walk"]] = vot * self.walk_km / s.walk_speed.canonical
        return gc

    def _car_available(self, zone_frame, effects: TravelEffects) -> tuple[np.ndarray, np.ndarray]:
        """Cars per resident of each zone after car sharing, and the share of trips with a car at hand."""
        per_resident = zone_frame["cars_per_1000"].to_numpy(dtype=np.float64) / 1000.0
        for zones_, factor in effects.car_ownership:
            inside = self.internal if zones_ is None else np.isin(self.zone_ids, zones_)
            per_resident = np.where(inside, per_resident * factor, per_resident)
        return per_resident, np.minimum(1.0, per_resident / self.section.car_availability_saturation.canonical)

    def _choice(self, gc, available, asc):
        """Mode shares (n, n, n_modes) and the composite cost (n, n) [DKK] of both car segments."""
        utility = np.where(np.isfinite(gc), asc - self.theta * np.where(np.isfinite(gc), gc, 0.0), -np.inf)
        no_car = utility.copy()
        no_car[..., _M["car_driver"]] = -np.inf
        share_car = mode_choice.logit_shares(utility)
        share_none = mode_choice.logit_shares(no_car)
        a = available[:, None, None]
        shares = a * share_car + (1.0 - a) * share_none
        ls = available[:, None] * mode_choice.logsum(utility) + (1.0 - available[:, None]) * mode_choice.logsum(no_car)
        return shares, utility, no_car, -ls / self.theta

    def _distribute(self, productions, attractions, composite):
        f = np.exp(-self.beta * (composite - composite.min()))
        return np.stack([demand.furness(p, a, f) for p, a in zip(productions, attractions)]).sum(axis=0)

    def _solve(self, state: _State, *, calibrate: bool = False) -> TransportYear:
        s = self.section
        effects = self._effects(state)
        zone_frame = self.zone_data(state.year)
        productions, attractions = demand.trip_productions_attractions(
            zone_frame["population"].to_numpy(np.float64), zone_frame["jobs"].to_numpy(np.float64),
            zone_frame["students"].to_numpy(np.float64))
        per_resident, available = self._car_available(zone_frame, effects)
        lines_state = self._lines_state(effects)
        pt = self._transit_skims(lines_state) if lines_state else (None, None)
        network, link_rows = self._network(effects.capacity_key())
        t0 = network.free_flow_time
        toll_h = network.toll / self.vot  # tolls as time at the value of time [h]
        w = s.congested_share.canonical
        # start from free flow when calibrating, else from the calibrated base year's skims: the same
        # start for every year and variant, so results do not depend on the order they are computed in
        car_time, car_km = self._car_skim(network, t0 + toll_h) if calibrate else self._start
        change = math.inf
        iterations = 0
        result = None
        trips = shares = None
        for k in range(1, s.max_feedback_iterations + 1):
            gc = self._generalised_costs(car_time, car_km, pt, zone_frame, effects)
            if calibrate:
                self._calibrate_step(gc, available, productions, attractions, car_km, lines_state)
            shares, _, _, composite = self._choice(gc, available, self.asc)
            trips = self._distribute(productions, attractions, composite)
            vehicles = trips * shares[..., _M["car_driver"]] * s.peak_hour_share.canonical * self.loaded
            np.fill_diagonal(vehicles, 0.0)
            result = assign(network, vehicles, algorithm="bfw", gap=s.assignment_gap, toll_factor=1.0 / self.vot)
            new_time, new_km = self._car_skim(network, w * result.times + (1.0 - w) * t0 + toll_h)
            step = 1.0 / k
            updated = car_time + step * (new_time - car_time)
            change = float(np.linalg.norm(new_time - car_time) / max(np.linalg.norm(car_time), 1e-300))
            car_time, car_km = updated, car_km + step * (new_km - car_km)
            iterations = k
            if change < s.feedback_tolerance and (not calibrate or self._calibrated):
                break
        else:
            if calibrate and not self._calibrated:
                raise ConvergenceError(
                    f"transport calibration for {state.year}: the mode constants and the gravity parameter still "
                    f"change after {s.max_feedback_iterations} feedback passes; raise "
                    "transport.max_feedback_iterations")
            if not (change < s.feedback_tolerance):
                raise ConvergenceError(
                    f"transport feedback for {state.year}: the car-time skim still changes by {change:.3g} "
                    f"after {s.max_feedback_iterations} passes (tolerance {s.feedback_tolerance:g}); raise "
                    "transport.max_feedback_iterations or check the network's capacities")
        self._last_skims = (car_time, car_km)
        return self._year_result(state, trips, shares, car_km, pt, lines_state, per_resident, zone_frame,
                                 result, network, link_rows, iterations, change)

    def _year_result(self, state, trips, shares, car_km, pt, lines_state, per_resident, zone_frame, result,
                     network, link_rows, iterations, change) -> TransportYear:
        n = self.n_zones
        by_mode = trips[..., None] * shares
        counted = by_mode * self.accounting[..., None]
        distance = np.zeros((n, n, len(MODES)))
        distance[..., _M["car_driver"]] = car_km
        distance[..., _M["car_passenger"]] = car_km
        bus, with_brt = pt
        if bus is not None:
            distance[..., _M["bus"]] = np.nan_to_num(bus[1].distance_km)
        if with_brt is not None:
            distance[..., _M["brt"]] = np.nan_to_num(with_brt[1].distance_km)
        distance[..., _M["bike"]] = self.bike_km
        distance[..., _M["ebike"]] = self.bike_km
        distance[..., _M["walk"]] = self.walk_km
        # pairs a mode cannot serve have no trips by it (an unreachable distance is inf or NaN)
        pkm_zone = np.where(counted > 0.0, counted * np.where(np.isfinite(distance), distance, 0.0), 0.0).sum(axis=1)
        boardings = np.zeros(self.n_lines)
        line_pkm = np.zeros(self.n_lines)
        line_vkm = np.zeros(self.n_lines)
        line_buses = np.zeros(self.n_lines)
        if self.lines is not None and lines_state:
            index = {str(line): i for i, line in enumerate(self.lines["line"])}
            for part, mode in ((bus, "bus"), (with_brt, "brt")):
                if part is None:
                    continue
                load = transit.transit_load(part[0], by_mode[..., _M[mode]] * self.loaded)
                for line, row in load.iterrows():
                    boardings[index[str(line)]] += float(row["boardings"])
                    line_pkm[index[str(line)]] += float(row["passenger_km"])
            service = self._service(lines_state)
            for line, _ in lines_state:
                line_vkm[index[line]] = float(service.loc[line, "vehicle_km_per_day"]) * self.route_share[line]
                line_buses[index[line]] = float(service.loc[line, "vehicles_required"])
        flow = np.zeros(self.n_links)
        time = np.full(self.n_links, np.nan)
        flow[link_rows] = result.flows
        time[link_rows] = result.times
        population = zone_frame["population"].to_numpy(np.float64)
        all_trips = by_mode.sum(axis=(0, 1))
        return TransportYear(
            trips=counted.sum(axis=(0, 1)),
            passenger_km=pkm_zone.sum(axis=0),
            passenger_km_by_zone=pkm_zone,
            car_vehicle_km=float((counted[..., _M["car_driver"]] * car_km).sum()),
            cars=float((population * per_resident)[self.internal].sum()),
            line_boardings=boardings,
            line_passenger_km=line_pkm,
            line_vehicle_km=line_vkm,
            line_vehicles=line_buses,
            link_peak_flow=flow,
            link_peak_time=time,
            feedback_iterations=iterations,
            feedback_change=change,
            mode_shares_all_trips=all_trips / all_trips.sum(),
            all_trips=float(trips.sum()),
            mean_trip_km=float((trips * car_km).sum() / trips.sum()),
        )

    # -- calibration -------------------------------------------------------------------
    def _targets(self, lines_state) -> np.ndarray:
        observed = {m: q.canonical for m, q in self.section.observed_mode_shares.items()}
        target = np.array([observed.get(m, 0.0) for m in MODES])
        mode = {} if self.lines is None else dict(zip(self.lines["line"].astype(str), self.lines["mode"]))
        has_brt = any(mode.get(str(ln)) == "brt" for ln, _ in lines_state)
        if not has_brt:  # no BRT in the base year: its share was bus travel then
            target[_M["bus"]] += target[_M["brt"]]
            target[_M["brt"]] = 0.0
        return target

    def _calibrate_step(self, gc, available, productions, attractions, car_km, lines_state) -> None:
        """One pass of the base-year calibration: constants to the observed split, beta to the mean length."""
        target = self._targets(lines_state)
        previous = (self.asc.copy(), self.beta)
        # constants on the current trip matrix, both car segments as weighted segments
        shares, utility, no_car, composite = self._choice(gc, available, self.asc)
        trips = self._distribute(productions, attractions, composite) if self.beta > 0 or self._trips is None \
            else self._trips
        base = np.concatenate([(utility - self.asc).reshape(-1, len(MODES)),
                               (no_car - self.asc).reshape(-1, len(MODES))])
        weights = np.concatenate([(trips * available[:, None]).ravel(), (trips * (1.0 - available[:, None])).ravel()])
        keep = weights > 0
        for k, mode in enumerate(MODES):
            if target[k] > 0 and not np.isfinite(base[keep][:, k]).any():
                raise InputError("an observed mode cannot be chosen between any zones in the base year",
                                 file=self.file, key=f"transport.observed_mode_shares.{mode}", value=float(target[k]),
                                 allowed="0 for a mode the model does not serve, "
                                         "or lines, links or paths that serve it")
        asc = mode_choice.calibrate_constants(base[keep], target, weights[keep], tol=1e-9)
        self.asc = np.where(np.isfinite(asc), asc, 0.0)
        self.asc[_M["brt"]] = self.asc[_M["bus"]]  # the BRT's own advantage is its bonus time in the cost
        _, _, _, composite = self._choice(gc, available, self.asc)
        composite = composite - composite.min()
        target_km = self.section.mean_trip_length.canonical / 1000.0
        try:
            self.beta = demand.calibrate_gravity(productions, attractions, composite, car_km, target_km)
        except ValueError as exc:  # a target outside what the zone system can reach
            raise InputError(f"the gravity model cannot be calibrated to this mean trip length ({exc})",
                             file=self.file, key="transport.mean_trip_length", value=target_km,
                             allowed="a mean trip length the zones can produce [km]") from None
        self._trips = self._distribute(productions, attractions, composite)
        moved = float(np.max(np.abs(self.asc - previous[0])))
        self._calibrated = moved < 1e-6 and abs(self.beta - previous[1]) <= 1e-6 * max(self.beta, 1e-12)

    def _calibrate(self) -> None:
        self._trips = None
        self._calibrated = False
        base = self.state({}, self.base_year)
        result = self._solve(base, calibrate=True)
        self._start = self._last_skims
        self._years[base] = result
        lines_state = self._lines_state(self._effects(base))
        self.calibration = {
            "target_shares": self._targets(lines_state),
            "modelled_shares": result.mode_shares_all_trips,
            "asc": self.asc.copy(),
            "beta_per_dkk": self.beta,
            "feedback_iterations": result.feedback_iterations,
        }

    # -- fleet -------------------------------------------------------------------------
    def cars(self, measures: Mapping[str, Any], year: int) -> float:
        """Cars owned by the residents of the internal zones in ``year``. [cars]"""
        state = self.state(measures, year)
        frame = self.zone_data(year)
        per_resident, _ = self._car_available(frame, self._effects(state))
        return float((frame["population"].to_numpy(np.float64) * per_resident)[self.internal].sum())

    def car_fleet(self, measures: Mapping[str, Any], years, data: VehicleData) -> dict[int, np.ndarray]:
        """Cars of the district by powertrain (:data:`POWERTRAINS`) at the end of each year. [cars]

        A stock-turnover model (:func:`fleet.car_fleet`) over the calendar years from the
        first of ``years`` (or the start of the vehicle data, if earlier) to the last, with
        the national battery-electric share of new cars raised by the measures of stage
        ``transport`` in force (:func:`fleet_effects`).
        The data's start composition (Denmark, end of 2015) is used for an earlier first year.
        """
        start = data.cars.fleet_start
        first = min(int(min(years)), int(start.year))
        calendar = np.arange(first, int(max(years)) + 1)
        bev, diesel = fleet.sales_shares(calendar, data)
        bev = np.array([fleet_effects(measures, int(y)).bev_sales_share(b) for b, y in zip(bev, calendar)],
                       dtype=np.float64)
        total = np.array([self.cars(measures, int(y)) for y in calendar])
        stock = fleet.car_fleet(calendar, total, np.minimum(bev, 1.0), data=data, diesel_share_of_ice_sales=diesel,
                                initial_shares={p: getattr(start, p) for p in CAR_POWERTRAINS}).stock
        return {int(y): stock[i] for i, y in enumerate(calendar)}

    def charging_shape(self, kind: str, index: pd.DatetimeIndex, data: VehicleData) -> np.ndarray:
        """Hourly charging load of 1 kWh a year of electric cars ("ev") or buses ("bus"). [kW/kWh]

        :func:`charging.ev_charging_load` and :func:`charging.bus_charging_load` of 1 kWh, kept for
        the weather year (the load is proportional to the energy).
        """
        key = (kind, index[0], len(index), id(data))
        if key not in self._shapes:
            load = charging.ev_charging_load if kind == "ev" else charging.bus_charging_load
            self._shapes[key] = load(1.0, index, data)
        return self._shapes[key]

    # -- public ------------------------------------------------------------------------
    def with_measures(self, measures: Mapping[str, Any]) -> "DistrictTransport":
        """The same calibrated model with other transport measures (calibration is without measures).

        Skims, networks and line services already computed are shared (they are keyed by what
        they depend on); the years simulated are not (they depend on the measures).
        """
        if self.measures:
            raise ValueError("with_measures needs a model built without measures")
        other = copy.copy(self)
        other.measures = dict(measures)
        other._demand_measures = {mid: m for mid, m in other.measures.items() if m.stage == "demand"}
        other._travel_effects = {}
        base = self.state({}, self.base_year)
        other._years = {other.state({}, self.base_year): self._years[base]}
        return other

    def simulate_year(self, measures: Mapping[str, Any], year: int) -> TransportYear:
        """Travel in ``year`` with ``measures`` (a subset of the scenario's transport measures) in force.

        Years and measure sets with the same demand-relevant state are computed once.
        """
        state = self.state(measures, year)
        if state not in self._years:
            self._years[state] = self._solve(state)
        return self._years[state]


@dataclass(frozen=True)
class TransportEnergy:
    """Vehicle-km, fleet, energy and charging of one year. Yearly totals unless hourly."""

    year: TransportYear
    vehicle_km: np.ndarray
    """(n_vehicles, n_powertrains) vehicle-km of :data:`VEHICLES` by :data:`POWERTRAINS`. [km/a]"""
    car_fleet: np.ndarray
    """(n_powertrains,) cars of the district by powertrain at the end of the year. [cars]"""
    bus_fleet: np.ndarray
    """(n_vehicles, n_powertrains) buses of the lines in service by class and powertrain (car row 0). [buses]"""
    fuel_kwh: dict[str, float]
    """``{"gasoline": ..., "diesel": ...}`` final energy of liquid fuels. [kWh/a]"""
    ev_charging_kw: np.ndarray
    """(n_h,) hourly charging of electric cars. [kW]"""
    bus_charging_kw: np.ndarray
    """(n_h,) hourly charging of electric buses. [kW]"""

    def with_ev_charging(self, ev_kw: np.ndarray) -> "TransportEnergy":
        """The same year with another EV charging profile (e.g. after smart charging)."""
        return TransportEnergy(self.year, self.vehicle_km, self.car_fleet, self.bus_fleet, self.fuel_kwh, ev_kw,
                               self.bus_charging_kw)


def transport_energy(transport: DistrictTransport, travel: TransportYear, measures: Mapping[str, Any], year: int,
                     car_stock: Mapping[int, np.ndarray], data: VehicleData, index: pd.DatetimeIndex
                     ) -> TransportEnergy:
    """Vehicle-km by powertrain, fuel and charging energy of a year's travel.

    Car vehicle-km (the district's share of car-driver trips) are split by the district
    fleet's powertrain shares, assuming every car drives as far (see :func:`fleet.car_energy`);
    buses run the lines' service with the line's vehicle and powertrain, a share of the
    diesel bus-km moved to electric buses by the measures of stage ``transport``
    (:func:`fleet_effects`). Electricity becomes
    hourly charging load (:func:`charging.ev_charging_load`, :func:`charging.bus_charging_load`).

    Parameters
    ----------
    transport : DistrictTransport
    travel : TransportYear
        The year's travel (:meth:`DistrictTransport.simulate_year`).
    measures : mapping
        Transport measures in force (those of stage ``transport`` act here).
    year : int
        Calendar year. [a]
    car_stock : mapping of int to (3,) ndarray
        :meth:`DistrictTransport.car_fleet`. [cars]
    data : VehicleData
    index : pandas.DatetimeIndex
        Hours of the weather year. [-]
    """
    days = transport.section.days_per_year.canonical
    stock = np.asarray(car_stock[int(year)], dtype=np.float64)
    shares = stock / stock.sum() if stock.sum() > 0 else np.array([1.0, 0.0, 0.0])
    car_vkm = travel.car_vehicle_km * days
    cars = fleet.car_energy(car_vkm, shares, data)
    vkm = np.zeros((len(VEHICLES), len(POWERTRAINS)))
    buses = np.zeros((len(VEHICLES), len(POWERTRAINS)))
    pt = {"gasoline": 0, "diesel": 1, "bev": 2, "electric": 2}
    for p, km in cars["vkm"].items():
        vkm[0, pt[p]] += km
    energy = {"gasoline": 0.0, "diesel": 0.0, "electricity": 0.0}
    for carrier, kwh in cars["energy"].items():
        energy[carrier] += kwh
    ev_kwh = cars["energy"].get("electricity", 0.0)
    bus_kwh = 0.0
    lines = transport.lines
    if lines is not None:
        electrified = fleet_effects(measures, year).electrified_share(lines["line"].to_numpy())
        for i, row in enumerate(lines.itertuples(index=False)):
            km = travel.line_vehicle_km[i] * transport.section.service_days_per_year.canonical
            kind = VEHICLES.index("brt" if row.mode == "brt" else "bus")
            electric = 1.0 if row.powertrain == "electric" else electrified[i]
            buses[kind, pt["electric"]] += travel.line_vehicles[i] * electric
            buses[kind, pt["diesel"]] += travel.line_vehicles[i] * (1.0 - electric)
            if km <= 0.0:
                continue
            split = {"diesel": km * (1.0 - electric), "electric": km * electric}
            for powertrain, part in split.items():
                if part <= 0.0:
                    continue
                used = fleet.bus_energy(part, row.vehicle, powertrain, data)
                vkm[kind, pt[powertrain]] += part
                for carrier, kwh in used["energy"].items():
                    energy[carrier] += kwh
                    if carrier == "electricity":
                        bus_kwh += kwh
    return TransportEnergy(
        year=travel,
        vehicle_km=vkm,
        car_fleet=stock.copy(),
        bus_fleet=buses,
        fuel_kwh={"gasoline": energy["gasoline"], "diesel": energy["diesel"]},
        ev_charging_kw=ev_kwh * transport.charging_shape("ev", index, data),
        bus_charging_kw=bus_kwh * transport.charging_shape("bus", index, data),
    )


def fleet_effects(measures: Mapping[str, Any], year: int) -> FleetEffects:
    """What the measures of stage ``transport`` in force change in the vehicles of ``year``.

    Each measure's ``apply(effects, share)`` hook is called in scenario order with its share
    of the year (measures not yet started are skipped).
    """
    return apply_stage(measures, "transport", year, FleetEffects())

