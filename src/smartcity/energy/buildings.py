"""The building stock table: rules across columns that a per-column schema cannot state.

Each rule is one ``check_*`` function that raises :class:`~smartcity.errors.InputError`
naming the file, line, column, value and what is allowed; :func:`check_buildings` runs
them all. They run when a scenario is loaded, so a stock the thermal model cannot
simulate is refused before anything is computed. The checks of the 5R1C network take the
table's thermal parameters (:func:`~smartcity.energy.thermal.thermal_inputs_from_table`),
which :func:`check_buildings` maps once for all of them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from smartcity.energy.thermal import H_MS_W_M2K, thermal_inputs_from_table
from smartcity.errors import InputError
from smartcity.schema.tables import row_location

__all__ = ["check_buildings", "check_setpoints", "check_mass_area", "check_mass_coupling", "check_window_gain_share"]


def _first(mask: np.ndarray) -> int | None:
    return int(np.argmax(mask)) if mask.any() else None


def check_setpoints(buildings: pd.DataFrame) -> None:
    """The heating setpoint must not exceed the cooling setpoint."""
    i = _first(buildings["heating_setpoint_c"].to_numpy() > buildings["cooling_setpoint_c"].to_numpy())
    if i is not None:
        raise InputError(
            "heating setpoint above the cooling setpoint", column="heating_setpoint_c",
            value=float(buildings["heating_setpoint_c"].iloc[i]),
            allowed=f"at most cooling_setpoint_c = {buildings['cooling_setpoint_c'].iloc[i]:g} [degC]",
            **row_location(buildings, i),
        )


def check_mass_coupling(buildings: pd.DataFrame, params: dict | None = None) -> None:
    """Opaque transmission H_tr_op must stay below H_tr_ms = 9.1 W/(m2 K) x A_m (ISO 13790 §12.2.2).

    Otherwise 1/H_tr_em = 1/H_tr_op - 1/H_tr_ms has no positive solution: the envelope
    is too large or too poorly insulated for the floor area and mass given.
    """
    params = thermal_inputs_from_table(buildings) if params is None else params
    h_tr_ms = H_MS_W_M2K * params["a_m"]
    i = _first(params["h_tr_op"] >= h_tr_ms)
    if i is not None:
        raise InputError(
            "opaque envelope heat loss too large for the floor area (ISO 13790 §12.2.2 needs "
            "U_wall A_wall + U_roof A_roof + U_floor A_floor < 9.1 W/(m2 K) x mass_area_factor x floor area)",
            column="wall_area_m2", value=float(buildings["wall_area_m2"].iloc[i]),
            allowed=f"an opaque H below {h_tr_ms[i]:,.0f} W/K (it is {params['h_tr_op'][i]:,.0f} W/K); "
                    "check areas, U-values, heated_floor_area_m2 and mass_area_factor",
            **row_location(buildings, i),
        )


def check_mass_area(buildings: pd.DataFrame, params: dict | None = None) -> None:
    """The effective mass area A_m must not exceed A_t, the area of all surfaces facing the
    zone (ISO 13790 §7.2.2.2, §12.3.1.2): more than all the gains would go to the mass."""
    params = thermal_inputs_from_table(buildings) if params is None else params
    i = _first(params["a_m"] > params["a_t"])
    if i is not None:
        raise InputError(
            "the mass area exceeds the area of all surfaces facing the zone (ISO 13790 needs A_m <= A_t)",
            column="mass_area_factor", value=float(params["a_m"][i] / params["floor_area"][i]),
            allowed=f"at most surface_area_factor = {params['a_t'][i] / params['floor_area'][i]:g} [1]",
            **row_location(buildings, i),
        )


def check_window_gain_share(buildings: pd.DataFrame, params: dict | None = None) -> None:
    """A_m/A_t + H_tr_w/(9.1 A_t) must not exceed 1 (ISO 13790 eq. C.3).

    Larger window transmission would send more than all of the gains out of the zone.
    """
    params = thermal_inputs_from_table(buildings) if params is None else params
    a_t = params["a_t"]  # surface_area_factor x floor area
    share = params["a_m"] / a_t + params["h_tr_w"] / (H_MS_W_M2K * a_t)
    i = _first(share > 1.0)
    if i is not None:
        raise InputError(
            "window heat loss too large for the floor area (ISO 13790 eq. C.3 needs "
            "A_m/A_t + U_window A_window / (9.1 A_t) <= 1)",
            column="u_window_w_m2k", value=float(buildings["u_window_w_m2k"].iloc[i]),
            allowed="smaller windows or U-values, or a larger heated floor area",
            **row_location(buildings, i),
        )


def check_buildings(buildings: pd.DataFrame) -> pd.DataFrame:
    """Run every rule; returns the table unchanged so calls chain."""
    if len(buildings) == 0:
        return buildings
    check_setpoints(buildings)
    params = thermal_inputs_from_table(buildings)  # once for the three checks of the 5R1C network
    for check in (check_mass_area, check_mass_coupling, check_window_gain_share):
        check(buildings, params)
    return buildings
