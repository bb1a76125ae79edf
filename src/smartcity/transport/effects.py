"""What measures change in the transport model: the effects of stages ``demand`` and ``transport``.

A measure of stage ``demand`` or ``transport`` (:mod:`smartcity.scenario.sections.measures`)
does not reach into the model: its ``apply(effects, share)`` hook calls the methods of the
effects object the model hands it for the year, which records the changes in the order the
measures come. The model then reads them back:

* :class:`TravelEffects` (stage ``demand``): lines opened and the lines they replace, road
  capacity given to buses, cycling times, parking charges, car ownership — the inputs of the
  four-step model (:class:`smartcity.transport.model.DistrictTransport`);
* :class:`FleetEffects` (stage ``transport``): the battery-electric share of new cars and
  the electrified share of each line's buses (fleet and bus energy).

Changes of one kind apply in the order they were recorded, starting from the model's own
value, so the result does not depend on how the effects are stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

__all__ = ["TravelEffects", "FleetEffects"]


@dataclass
class TravelEffects:
    """Changes of the four-step model's inputs in one year (stage ``demand``).

    Attributes
    ----------
    lines : dict of str to float
        Lines in service -> factor on their departures (1 for the existing lines).
    capacity_reductions : list of (str, float)
        (line, share) of car capacity taken on the line's links with a bus lane. [1]
    bike_time : list of (sequence of str or None, float)
        (zones, factor) on the cycling time of trips with an end in the zones (None: all). [1]
    parking : list of (sequence of str, float)
        (zones, charge) added per car-driver trip ending in the zones. [DKK]
    car_ownership : list of (sequence of str or None, float)
        (zones, factor) on cars per resident (None: every internal zone). [1]
    """

    lines: dict[str, float] = field(default_factory=dict)
    capacity_reductions: list[tuple[str, float]] = field(default_factory=list)
    bike_time: list[tuple[Sequence[str] | None, float]] = field(default_factory=list)
    parking: list[tuple[Sequence[str], float]] = field(default_factory=list)
    car_ownership: list[tuple[Sequence[str] | None, float]] = field(default_factory=list)

    def open_line(self, line: str, departures: float, *, replaces: Sequence[str] = ()) -> None:
        """Run ``line`` with its departures scaled by ``departures`` (> 0); stop the lines it replaces."""
        for old in replaces:
            self.lines.pop(old, None)
        self.lines[line] = departures

    def reduce_bus_lane_capacity(self, line: str, share: float) -> None:
        """Take ``share`` of the car capacity of the links with a bus lane on ``line``'s route. [1]"""
        self.capacity_reductions.append((line, share))

    def scale_bike_time(self, zones: Sequence[str] | None, factor: float) -> None:
        """Multiply the cycling time (bike, e-bike) of trips with an end in ``zones`` (None: all) by ``factor``."""
        self.bike_time.append((zones, factor))

    def add_parking_cost(self, zones: Sequence[str], amount_dkk: float) -> None:
        """Add ``amount_dkk`` to the parking cost of car-driver trips ending in ``zones``. [DKK]"""
        self.parking.append((zones, amount_dkk))

    def scale_car_ownership(self, zones: Sequence[str] | None, factor: float) -> None:
        """Multiply cars per resident in ``zones`` (None: every internal zone) by ``factor``."""
        self.car_ownership.append((zones, factor))

    def lines_in_service(self) -> tuple[tuple[str, float], ...]:
        """((line, factor on departures), ...) sorted by line: a key of the lines' skims and service."""
        return tuple(sorted(self.lines.items()))

    def capacity_key(self) -> tuple[tuple[str, float], ...]:
        """((line, share), ...) sorted: a key of the road network with the bus lanes' capacity taken."""
        return tuple(sorted(self.capacity_reductions))


@dataclass
class FleetEffects:
    """Changes of the vehicles in one year (stage ``transport``).

    Attributes
    ----------
    bev_sales_increases : list of float
        Additions to the battery-electric share of new cars. [1]
    electrified : list of (sequence of str or None, float)
        (lines, share) of the lines' diesel bus-km run by battery-electric buses (None: all lines). [1]
    """

    bev_sales_increases: list[float] = field(default_factory=list)
    electrified: list[tuple[Sequence[str] | None, float]] = field(default_factory=list)

    def raise_bev_sales_share(self, increase: float) -> None:
        """Add ``increase`` to the battery-electric share of new cars (the sum is capped at 1). [1]"""
        self.bev_sales_increases.append(increase)

    def electrify_bus_lines(self, lines: Sequence[str] | None, share: float) -> None:
        """Run ``share`` of the diesel bus-km of ``lines`` (None: all) with battery-electric buses. [1]"""
        self.electrified.append((lines, share))

    def bev_sales_share(self, national: float) -> float:
        """The battery-electric share of new cars from the national one, the increases added in order. [1]"""
        share = national
        for increase in self.bev_sales_increases:
            share += increase
        return share

    def electrified_share(self, line_ids: np.ndarray) -> np.ndarray:
        """(n_lines,) share of each line's bus-km on battery-electric buses (the largest that applies). [1]"""
        out = np.zeros(len(line_ids))
        for lines, share in self.electrified:
            covered = np.ones(len(line_ids), dtype=bool) if lines is None else np.isin(line_ids, list(lines))
            out = np.where(covered, np.maximum(out, share), out)
        return out
