"""Names the scenario language shares with the models: modes of travel.

Keys of scenario tables (``[transport.observed_mode_shares]``) and axes of result arrays use
these names; the models index their arrays in this order.
"""

from __future__ import annotations

__all__ = ["MODES"]

#: Main modes of a trip, in the order of the last axis of utility and share arrays.
MODES: tuple[str, ...] = ("car_driver", "car_passenger", "bus", "brt", "bike", "ebike", "walk")
