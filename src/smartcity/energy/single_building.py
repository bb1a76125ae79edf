"""One building described element by element, simulated with the ISO 13790 5R1C model.

A building file (TOML) lists the heated floor area and air volume, the opaque elements
and windows with their areas and U-values, the windows' g-values and orientations, the
ventilation, internal gains, heat capacity and setpoints
(:mod:`smartcity.scenario.building_file` reads and checks it); :func:`check_envelope` checks
that the 5R1C network can represent it, :func:`thermal_inputs` turns it into the arrays of
:func:`smartcity.energy.thermal.simulate_5r1c` (the model the district run uses), and
:func:`simulate_building` runs a weather year through it.

Each window is its own plane: its irradiance is computed for its tilt and azimuth, and
its glazing transmits the beam by the hour's angle of incidence and the diffuse light by
its hemispherical average (:mod:`smartcity.energy.glazing`), so roof windows and skewed
facades need no approximation. Opaque elements with a ``tilt`` gain the sun absorbed on
them, and they and the windows lose heat radiated to the sky (ISO 13790 §11.3.4-11.3.5),
as in the district run. Not modelled: shading that varies with the sun's position.

References
----------
.. [1] ISO 13790:2008, Energy performance of buildings — Calculation of energy use for
   space heating and cooling: §8.3 (transmission, H = sum b U A + sum psi l), §9.3
   (ventilation), §11.3-11.4 (solar gains, A_sol = F_sh g_n (1 - F_F) A_w, the standard's
   constant F_w replaced by the glazing's angular transmittance), §12 (C_m, A_m) and
   Annex C (5R1C).
.. [2] ISO 13789:2017, Thermal performance of buildings — Transmission and ventilation
   heat transfer coefficients (temperature adjustment factor b).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from smartcity import weather as weather_mod
from smartcity.energy import glazing, ground, thermal
from smartcity.errors import InputError

__all__ = [
    "BuildingResult", "WARMUP_HOURS", "check_envelope", "heat_transfer_coefficients", "thermal_inputs",
    "simulate_building", "format_result",
]

#: Warm-up before 1 January, as in the district run's default. [h]
WARMUP_HOURS = 168


def check_envelope(model, file: Path | None = None) -> None:
    """The envelope must suit the 5R1C network for the floor area and mass area given.

    ISO 13790 §12.2.2 needs H_tr_op < 9.1 W/(m2 K) x A_m, and eq. (C.3) needs
    A_m/A_t + H_tr_w/(9.1 A_t) <= 1 with A_t = 4.5 A_f.
    """
    h = heat_transfer_coefficients(model)
    b = model.building
    a_m = b.mass_area_factor * b.floor_area
    h_tr_ms = thermal.H_MS_W_M2K * a_m
    if h["h_tr_op"] < 0.0:
        raise InputError("the opaque heat transfer coefficient is negative (negative psi values "
                         "outweigh the elements)", file=file, key="thermal_bridge",
                         value=round(h["h_tr_op"], 3), allowed="sum b U A + delta_U A + sum psi l >= 0 [W/K]")
    if h["h_tr_op"] >= h_tr_ms:
        raise InputError(
            "opaque envelope heat loss too large for the floor area (ISO 13790 §12.2.2 needs "
            "sum b U A + thermal bridges < 9.1 W/(m2 K) x mass_area_factor x floor_area)",
            file=file, key="building.floor_area", value=b.floor_area,
            allowed=f"an opaque H below {h_tr_ms:,.1f} W/K (it is {h['h_tr_op']:,.1f} W/K); check "
                    "the areas, U-values, floor_area and mass_area_factor",
        )
    a_t = thermal.A_T_PER_FLOOR_AREA * b.floor_area
    if a_m / a_t + h["h_tr_w"] / (thermal.H_MS_W_M2K * a_t) > 1.0:
        raise InputError(
            "window heat loss too large for the floor area (ISO 13790 eq. C.3 needs "
            "A_m/A_t + U_w A_w / (9.1 A_t) <= 1)", file=file, key="window",
            value=round(h["h_tr_w"], 3),
            allowed=f"sum U A of the windows at most {(1.0 - a_m / a_t) * thermal.H_MS_W_M2K * a_t:,.1f} W/K; "
                    "smaller windows or U-values, a larger floor_area or a smaller mass_area_factor",
        )


def _net_areas(model) -> dict[str, float]:
    """Each opaque element's area without the windows that name it with ``in``. [m2]"""
    hosted: dict[str, float] = {}
    for w in model.window:
        if w.host is not None:
            hosted[w.host] = hosted.get(w.host, 0.0) + w.area
    return {o.name: max(o.area - hosted.get(o.name, 0.0), 0.0) for o in model.opaque}


def heat_transfer_coefficients(model) -> dict[str, float]:
    """Heat transfer coefficients of the building.

    Returns
    -------
    dict
        ``h_tr_w`` = sum U_w A_w [W/K]; ``h_tr_op`` = sum b U (A - windows in it) +
        thermal_bridge_delta_u x envelope area + sum psi l [W/K]; ``h_ve`` = 1200 J/(m3 K)
        / 3600 s x volume x (infiltration + ventilation (1 - heat_recovery)) [W/K];
        ``envelope_area`` = opaque gross areas + windows in no element [m2].
    """
    h_tr_w = sum(w.u * w.area for w in model.window)
    loose = sum(w.area for w in model.window if w.host is None)
    net = _net_areas(model)
    h_tr_op = sum(o.b * o.u * net[o.name] for o in model.opaque)
    envelope_area = sum(o.area for o in model.opaque) + loose
    h_tr_op += model.building.thermal_bridge_delta_u * envelope_area
    h_tr_op += sum(t.psi * t.length for t in model.thermal_bridge)
    v = model.ventilation
    air_change = v.infiltration + v.ventilation * (1.0 - v.heat_recovery)
    h_ve = thermal.AIR_HEAT_CAPACITY_J_M3K / 3600.0 * model.building.volume * air_change
    return {"h_tr_w": h_tr_w, "h_tr_op": h_tr_op, "h_ve": h_ve, "envelope_area": envelope_area}


def thermal_inputs(model, weather: weather_mod.Weather) -> dict[str, Any]:
    """The keyword arguments of :func:`smartcity.energy.thermal.simulate_5r1c` for one building.

    Every window is one orientation: ``irradiance`` has one column per window, the
    irradiance its glazing transmits on its plane (tilt, azimuth), relative to normal
    incidence (:func:`smartcity.energy.glazing.transmitted_irradiance` of
    :func:`smartcity.weather.plane_irradiance_components`), and ``solar_aperture`` holds
    that window's A F_sh g_n (1 - F_F). Without windows, one zero column.

    Parameters
    ----------
    model : BuildingFile
        A checked building (:func:`load_building`).
    weather : Weather
        The weather year.

    Returns
    -------
    dict
        ``floor_area``, ``h_tr_w``, ``h_tr_op``, ``h_ve``, ``c_m``, ``a_m``,
        ``max_heating_w``, ``max_cooling_w`` as (1,) arrays, ``theta_e`` (n_h,),
        ``irradiance`` (n_h, n_windows), ``solar_aperture`` (1, n_windows),
        ``internal_gains`` [W/m2], ``heating_setpoint`` and ``cooling_setpoint`` as (1, 1).
    """
    b = model.building
    h = heat_transfer_coefficients(model)
    n_h = weather.n_hours
    if model.window:
        components = weather_mod.plane_irradiance_components(
            weather, np.array([w.tilt for w in model.window]), np.array([w.azimuth for w in model.window]),
            albedo=model.weather.ground_albedo.canonical,
        )
        columns = []
        for k, w in enumerate(model.window):
            panes = w.panes if w.panes is not None else int(glazing.default_panes([w.u])[0])
            own = {name: part[:, k:k + 1] for name, part in components.items()}
            columns.append(glazing.transmitted_irradiance(own, panes, w.tilt)[:, 0])
        irradiance = np.ascontiguousarray(np.column_stack(columns))
        aperture = np.array([[w.solar_aperture for w in model.window]])
    else:
        irradiance = np.zeros((n_h, 1))
        aperture = np.zeros((1, 1))
    unlimited = np.inf
    return {**_opaque_sun_and_sky(model, weather), **_ground(model, weather), **{
        "floor_area": np.array([b.floor_area]),
        "h_tr_w": np.array([h["h_tr_w"]]),
        "h_tr_op": np.array([h["h_tr_op"]]),
        "h_ve": np.array([h["h_ve"]]),
        "c_m": np.array([b.heat_capacity * b.floor_area]),
        "a_m": np.array([b.mass_area_factor * b.floor_area]),
        "max_heating_w": np.array([unlimited if b.max_heating_power is None else b.max_heating_power]),
        "max_cooling_w": np.array([unlimited if b.max_cooling_power is None else b.max_cooling_power]),
        "theta_e": weather.temp_air,
        "irradiance": irradiance,
        "solar_aperture": aperture,
        "internal_gains": np.array([[b.internal_gains / b.floor_area]]),
        "heating_setpoint": np.array([[b.heating_setpoint]]),
        "cooling_setpoint": np.array([[b.cooling_setpoint]]),
    }}


def _ground(model, weather: weather_mod.Weather) -> dict[str, Any]:
    """The floors on the ground (opaque elements with a ``perimeter``, ISO 13370): the
    ``ground_*`` arguments of :func:`smartcity.energy.thermal.simulate_5r1c` with H_g = sum b U A
    and the ratio sum H_pe / sum H_g (:mod:`smartcity.energy.ground`); empty without such floors."""
    floors = [o for o in model.opaque if o.perimeter is not None and o.b * o.u > 0.0]
    if not floors:
        return {}
    net = _net_areas(model)
    h_g, ratio = ground.ground_parameters(
        [o.b * o.u for o in floors], [net[o.name] for o in floors], [o.perimeter for o in floors],
        [o.ground_conductivity for o in floors], [o.ground_heat_capacity for o in floors])
    mean, swing = ground.ground_swing(np.asarray(weather.temp_air, dtype=np.float64))
    return {"ground_conductance": np.array([h_g.sum()]),
            "ground_swing_ratio": np.array([np.sum(ratio * h_g) / h_g.sum() if h_g.sum() > 0 else 0.0]),
            "ground_mean_temperature": mean, "ground_swing": swing}


def _opaque_sun_and_sky(model, weather: weather_mod.Weather) -> dict[str, Any]:
    """The sun on the opaque elements with a ``tilt`` and ``b = 1``, and the radiation to the
    sky of those and of every window (ISO 13790 §11.3.4-11.3.5): ``opaque_irradiance``,
    ``opaque_aperture`` alpha R_se U A (net of the windows in the element),
    ``sky_loss_coefficient`` sum F_r R_se U A h_r with h_r = 5 eps (glass:
    :data:`~smartcity.energy.thermal.GLASS_EMISSIVITY`) and the sky form factor
    F_r = (1 + cos tilt) / 2 (1 for a flat roof, 0.5 for a wall, as ISO 13790 §11.4.6), and
    ``sky_temperature_difference``; empty for a building without either."""
    exposed = [o for o in model.opaque if o.tilt is not None and o.b == 1.0]
    if not exposed and not model.window:
        return {}
    net = _net_areas(model)
    tilt = np.array([o.tilt for o in exposed] + [w.tilt for w in model.window])
    conductance = np.array([o.u * net[o.name] for o in exposed]
                           + [w.u * w.area for w in model.window])  # U A [W/K]
    emissivity = np.array([o.emissivity for o in exposed] + [thermal.GLASS_EMISSIVITY] * len(model.window))
    form = (1.0 + np.cos(np.radians(tilt))) / 2.0
    out = {
        "sky_loss_coefficient": np.array([np.sum(form * thermal.R_SE_M2K_W * conductance
                                                 * thermal.H_R_PER_EMISSIVITY_W_M2K * emissivity)]),
        "sky_temperature_difference": np.ascontiguousarray(weather.temp_air - weather_mod.sky_temperature(weather)),
    }
    if exposed:
        n = len(exposed)
        out["opaque_irradiance"] = weather_mod.plane_irradiance(
            weather, tilt[:n], np.array([o.azimuth for o in exposed]), albedo=model.weather.ground_albedo.canonical)
        out["opaque_aperture"] = (np.array([o.absorptance for o in exposed]) * thermal.R_SE_M2K_W
                                  * conductance[:n])[None, :]
    return out


@dataclass(frozen=True)
class BuildingResult:
    """Annual results of one building.

    Attributes
    ----------
    name : str
        The building's name.
    floor_area_m2 : float
        Heated floor area. [m2]
    weather : str
        Name of the weather year.
    heating_kwh, cooling_kwh : float
        Space heating and cooling need over the year (cooling positive). [kWh]
    peak_heating_w, peak_cooling_w : float
        Highest hourly heating and cooling power. [W]
    unmet_heating_hours, unmet_cooling_hours : int
        Hours with the air below the heating setpoint (above the cooling setpoint)
        because the power limit was reached; without a cooling system
        (``max_cooling_power = 0``), the hours above the cooling setpoint. [h]
    has_cooling : bool
        False if ``max_cooling_power = 0``.
    heat_transfer_w_k : dict
        ``h_tr_w``, ``h_tr_op``, ``h_ve``. [W/K]
    balance_kwh : dict
        Annual energy balance: heat lost through the windows (``window_transmission``), the
        opaque elements (``opaque_transmission``), by ``ventilation`` and by radiation to the
        sky (``sky_loss``); ``internal_gains``, solar gains through the windows
        (``solar_gains``) and absorbed by the opaque elements (``opaque_solar_gains``);
        ``stored_heat_change``. [kWh]
    thermal : ThermalResult
        The model's full result.
    """

    name: str
    floor_area_m2: float
    weather: str
    heating_kwh: float
    cooling_kwh: float
    peak_heating_w: float
    peak_cooling_w: float
    unmet_heating_hours: int
    unmet_cooling_hours: int
    has_cooling: bool
    heat_transfer_w_k: dict[str, float]
    balance_kwh: dict[str, float]
    thermal: thermal.ThermalResult = field(repr=False, compare=False)

    def as_dict(self) -> dict[str, Any]:
        """Plain numbers, for JSON; per-m2 values added."""
        return {
            "building": self.name,
            "weather": self.weather,
            "floor_area_m2": self.floor_area_m2,
            "heating_kwh": self.heating_kwh,
            "heating_kwh_per_m2": self.heating_kwh / self.floor_area_m2,
            "cooling_kwh": self.cooling_kwh,
            "cooling_kwh_per_m2": self.cooling_kwh / self.floor_area_m2,
            "peak_heating_w": self.peak_heating_w,
            "peak_cooling_w": self.peak_cooling_w,
            "unmet_heating_hours": self.unmet_heating_hours,
            "unmet_cooling_hours": self.unmet_cooling_hours,
            "has_cooling": self.has_cooling,
            "heat_transfer_w_k": dict(self.heat_transfer_w_k),
            "balance_kwh": dict(self.balance_kwh),
        }

    def to_json(self) -> str:
        """The results as a JSON object (see :meth:`as_dict`)."""
        return json.dumps(self.as_dict(), indent=2)


def simulate_building(model, weather: weather_mod.Weather | None = None) -> BuildingResult:
    """Simulate one building over a weather year with the 5R1C model.

    Parameters
    ----------
    model : BuildingFile
        A checked building (:func:`load_building`).
    weather : Weather, optional
        The weather year; default the building file's ``weather.file``, or the built-in
        Aalborg reference year if it has none.

    Returns
    -------
    BuildingResult

    References
    ----------
    .. [1] ISO 13790:2008, Annex C and §C.4.2 (via :func:`smartcity.energy.thermal.simulate_5r1c`).
    """
    if weather is None:
        weather = weather_mod.load_weather(model.weather.file)
    inputs = thermal_inputs(model, weather)
    res = thermal.simulate_5r1c(**inputs, warmup_hours=WARMUP_HOURS)
    kwh = lambda name: float(getattr(res, name)[0]) / 1e3  # noqa: E731
    return BuildingResult(
        name=model.building.name,
        floor_area_m2=model.building.floor_area,
        weather=weather.name,
        heating_kwh=kwh("heating_wh"),
        cooling_kwh=kwh("cooling_wh"),
        peak_heating_w=float(res.peak_heating_w[0]),
        peak_cooling_w=float(res.peak_cooling_w[0]),
        unmet_heating_hours=int(res.unmet_heating_hours[0]),
        unmet_cooling_hours=int(res.unmet_cooling_hours[0]),
        has_cooling=bool(inputs["max_cooling_w"][0] > 0.0),
        heat_transfer_w_k={k: float(inputs[k][0]) for k in ("h_tr_w", "h_tr_op", "h_ve")},
        balance_kwh={
            "window_transmission": kwh("window_transmission_wh"),
            "opaque_transmission": kwh("opaque_transmission_wh"),
            "ventilation": kwh("ventilation_wh"),
            "internal_gains": kwh("internal_gains_wh"),
            "solar_gains": kwh("solar_gains_wh"),
            "opaque_solar_gains": kwh("opaque_solar_gains_wh"),
            "sky_loss": kwh("sky_loss_wh"),
            "stored_heat_change": kwh("stored_heat_change_wh"),
        },
        thermal=res,
    )


def format_result(result: BuildingResult) -> str:
    """The results as aligned plain text."""
    area = result.floor_area_m2
    unmet_cooling = ("unmet cooling hours" if result.has_cooling
                     else "hours above the cooling setpoint")
    rows = [
        ("heating need", f"{result.heating_kwh:,.0f} kWh", f"{result.heating_kwh / area:,.1f} kWh/m2"),
        ("cooling need", f"{result.cooling_kwh:,.0f} kWh", f"{result.cooling_kwh / area:,.1f} kWh/m2"),
        ("peak heating", f"{result.peak_heating_w:,.0f} W", f"{result.peak_heating_w / area:,.1f} W/m2"),
        ("peak cooling", f"{result.peak_cooling_w:,.0f} W", f"{result.peak_cooling_w / area:,.1f} W/m2"),
        ("unmet heating hours", f"{result.unmet_heating_hours:,d} h", ""),
        (unmet_cooling, f"{result.unmet_cooling_hours:,d} h", ""),
    ]
    b = result.balance_kwh
    balance = [
        ("losses: windows", f"{b['window_transmission']:,.0f} kWh"),
        ("losses: opaque elements", f"{b['opaque_transmission']:,.0f} kWh"),
        ("losses: ventilation", f"{b['ventilation']:,.0f} kWh"),
        ("losses: radiation to the sky", f"{b['sky_loss']:,.0f} kWh"),
        ("gains: internal", f"{b['internal_gains']:,.0f} kWh"),
        ("gains: solar through windows", f"{b['solar_gains']:,.0f} kWh"),
        ("gains: solar on opaque elements", f"{b['opaque_solar_gains']:,.0f} kWh"),
    ]
    h = result.heat_transfer_w_k
    width = max(len(r[0]) for r in rows + balance)
    value_width = max(len(r[1]) for r in rows + balance)
    lines = [
        f"building '{result.name}', {area:,.1f} m2 heated floor area, weather: {result.weather}",
        f"H_tr_w {h['h_tr_w']:,.1f} W/K, H_tr_op {h['h_tr_op']:,.1f} W/K, H_ve {h['h_ve']:,.1f} W/K",
        "",
    ]
    lines += [f"{label:<{width}}  {value:>{value_width}}  {extra}".rstrip() for label, value, extra in rows]
    lines.append("")
    lines += [f"{label:<{width}}  {value:>{value_width}}" for label, value in balance]
    return "\n".join(lines)
