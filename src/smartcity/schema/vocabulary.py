"""Names the scenario language, the models and the results share: modes, vehicles, powertrains.

Keys of scenario tables (``[transport.observed_mode_shares]``) and axes of result arrays use
these names; the models index their arrays in this order.
"""

from __future__ import annotations

__all__ = ["MODES", "VEHICLES", "POWERTRAINS"]

#: Main modes of a trip, in the order of the last axis of utility and share arrays.
MODES: tuple[str, ...] = ("car_driver", "car_passenger", "bus", "brt", "bike", "ebike", "walk")

#: Vehicle classes of the vehicle-km results.
VEHICLES: tuple[str, ...] = ("car", "bus", "brt")

#: Powertrains of the vehicle-km and fleet results (battery-electric cars are "electric").
POWERTRAINS: tuple[str, ...] = ("gasoline", "diesel", "electric")

