"""One building described element by element, simulated with the ISO 13790 5R1C model.

A building file (TOML) lists the heated floor area and air volume, the opaque elements
and windows with their areas and U-values, the windows' g-values and orientations, the
ventilation, internal gains, heat capacity and setpoints. :func:`load_building` reads and
checks it, :func:`thermal_inputs` turns it into the arrays of
:func:`smartcity.energy.thermal.simulate_5r1c` (the model the district run uses), and
:func:`simulate_building` runs a weather year through it.

File layout (every key is documented in the models below; units in brackets)::

    [building]                  # floor area, air volume, gains, capacity, setpoints
    [ventilation]               # infiltration, ventilation, heat recovery
    [[opaque]]                  # one table per opaque element: name, area, u, b
    [[window]]                  # one table per window: name, area, u, g, tilt, azimuth, in
    [[thermal_bridge]]          # optional linear thermal bridges: name, length, psi
    [weather]                   # optional: file (EPW or CSV), ground_albedo

Opaque areas are GROSS: the area of an element includes the windows that name it with
``in = "<element name>"``; those windows are deducted from it for its transmission, and
their total area must not exceed it. A window without ``in`` is deducted from no element
(give the net area of the element it sits in).

Each window is its own plane: its irradiance is computed for its tilt and azimuth
(:func:`smartcity.weather.plane_irradiance`), so roof windows and skewed facades need no
approximation. Not modelled, as in the district run: solar gains on opaque elements,
long-wave radiation to the sky, and shading that varies with the sun's position.

References
----------
.. [1] ISO 13790:2008, Energy performance of buildings — Calculation of energy use for
   space heating and cooling: §8.3 (transmission, H = sum b U A + sum psi l), §9.3
   (ventilation), §11.3-11.4 (solar gains, A_sol = F_sh g (1 - F_F) A_w with
   g = F_w g_n, F_w = 0.9), §12 (C_m, A_m) and Annex C (5R1C).
.. [2] ISO 13789:2017, Thermal performance of buildings — Transmission and ventilation
   heat transfer coefficients (temperature adjustment factor b).
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import numpy as np
from pydantic import BaseModel, Field, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from smartcity import weather as weather_mod
from smartcity.energy import thermal
from smartcity.errors import InputError
from smartcity.scenario.loading import read_toml
from smartcity.scenario.models import WeatherSection
from smartcity.scenario.types import StrictModel

__all__ = [
    "OpaqueElement",
    "Window",
    "ThermalBridge",
    "Ventilation",
    "BuildingSection",
    "BuildingFile",
    "BuildingResult",
    "WARMUP_HOURS",
    "load_building",
    "check_building",
    "heat_transfer_coefficients",
    "thermal_inputs",
    "simulate_building",
    "run_building_file",
    "format_result",
]

#: Warm-up before 1 January, as in the district run's default. [h]
WARMUP_HOURS = 168
_NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
_NAME_TEXT = "a name of letters, digits, '_', '.', '-' (at most 64 characters)"

Finite = Annotated[float, Field(allow_inf_nan=False)]
Name = Annotated[str, Field(pattern=_NAME_PATTERN, min_length=1, max_length=64)]


# --------------------------------------------------------------------------------------
# The file's structure
# --------------------------------------------------------------------------------------


class OpaqueElement(StrictModel):
    """One ``[[opaque]]`` table: a wall, roof, floor or door of the thermal envelope."""

    name: Name = Field(description=f"Name of the element, unique among the opaque elements ({_NAME_TEXT}).")
    area: Finite = Field(
        gt=0.0, le=1e6,
        description="Gross area, including the windows that name this element with `in`. [m2]",
    )
    u: Finite = Field(gt=0.0, le=10.0, description="Thermal transmittance U. [W/(m2 K)]")
    b: Finite = Field(
        default=1.0, ge=0.0, le=1.0,
        description="Temperature adjustment factor b: 1 towards outdoor air, less towards the "
                    "ground or an unheated space (ISO 13789), e.g. 0.5. [1]",
    )


class Window(StrictModel):
    """One ``[[window]]`` table: a glazed element and its plane."""

    name: Name = Field(description=f"Name of the window, unique among the windows ({_NAME_TEXT}).")
    area: Finite = Field(gt=0.0, le=1e6, description="Window area, frame included. [m2]")
    u: Finite = Field(gt=0.0, le=10.0, description="Thermal transmittance U_w, glazing and frame. [W/(m2 K)]")
    g: Finite = Field(ge=0.0, le=1.0, description="Total solar energy transmittance of the glazing at normal incidence, g_n. [1]")
    tilt: Finite = Field(default=90.0, ge=0.0, le=180.0, description="Tilt of the window plane from horizontal; 90 = vertical. [deg]")
    azimuth: Finite = Field(ge=0.0, le=360.0, description="Direction the window faces: N = 0, E = 90, S = 180, W = 270. [deg]")
    frame_fraction: Finite = Field(
        default=0.3, ge=0.0, lt=1.0,
        description="Frame area fraction F_F of the window area (TABULA DK method value 0.3). [1]",
    )
    shading_factor: Finite = Field(
        default=1.0, ge=0.0, le=1.0,
        description="Shading reduction factor F_sh for external obstacles, overhangs and "
                    "blinds; 1 = unshaded (TABULA DK uses 0.6 for vertical windows). [1]",
    )
    incidence_factor: Finite = Field(
        default=0.9, ge=0.0, le=1.0,
        description="Correction F_w of g_n for non-normal incidence (ISO 13790 §11.4.2: 0.9). [1]",
    )
    host: Name | None = Field(
        default=None, alias="in",
        description="Name of the opaque element the window sits in (key `in`); its area is "
                    "then deducted from that element's gross area.",
    )

    @property
    def solar_aperture(self) -> float:
        """Effective collecting area A_sol = A F_sh F_w g_n (1 - F_F). [m2]"""
        return self.area * self.shading_factor * self.incidence_factor * self.g * (1.0 - self.frame_fraction)


class ThermalBridge(StrictModel):
    """One ``[[thermal_bridge]]`` table: a linear thermal bridge."""

    name: Name = Field(description=f"Name of the thermal bridge ({_NAME_TEXT}).")
    length: Finite = Field(gt=0.0, le=1e5, description="Length. [m]")
    psi: Finite = Field(
        ge=-1.0, le=5.0,
        description="Linear thermal transmittance psi (may be negative with external "
                    "dimensions). [W/(m K)]",
    )


class Ventilation(StrictModel):
    """The ``[ventilation]`` table: air exchanged with outdoors."""

    infiltration: Finite = Field(ge=0.0, le=20.0, description="Air change by infiltration (never heat-recovered). [1/h]")
    ventilation: Finite = Field(
        default=0.0, ge=0.0, le=20.0,
        description="Intended air change by natural or mechanical ventilation, averaged over "
                    "the year. [1/h]",
    )
    heat_recovery: Finite = Field(
        default=0.0, ge=0.0, le=0.95,
        description="Temperature efficiency of the heat recovery on `ventilation` (0 without). [1]",
    )


class BuildingSection(StrictModel):
    """The ``[building]`` table: the zone's size, gains, capacity and controls."""

    name: Name = Field(description=f"Short name of the building, shown in the results ({_NAME_TEXT}).")
    description: str = Field(default="", description="One or two sentences for people.")
    source: str = Field(default="", description="Where the description of the building comes from.")
    floor_area: Finite = Field(gt=0.0, le=1e6, description="Conditioned (heated) floor area A_f. [m2]")
    room_height: Finite | None = Field(
        default=None, ge=1.5, le=20.0,
        description="Mean clear room height; air volume = floor_area x room_height. Give this "
                    "or `air_volume`. [m]",
    )
    air_volume: Finite | None = Field(
        default=None, gt=0.0, le=1e7,
        description="Heated air volume. Give this or `room_height`. [m3]",
    )
    internal_gains: Finite = Field(
        ge=0.0, le=1e7,
        description="Internal heat gains of the whole building (people, appliances, "
                    "lighting), constant over the year. [W]",
    )
    heat_capacity: Finite = Field(
        default=165000.0, ge=10000.0, le=1e6,
        description="Internal heat capacity C_m per m2 of floor area (ISO 13790 Table 12: "
                    "medium 165,000). [J/(m2 K)]",
    )
    mass_area_factor: Finite = Field(
        default=2.5, ge=1.0, le=thermal.A_T_PER_FLOOR_AREA,
        description="Effective mass area A_m per m2 of floor area (ISO 13790 Table 12: medium "
                    "2.5). [1]",
    )
    heating_setpoint: Finite = Field(default=20.0, ge=5.0, le=30.0, description="Air temperature below which the building is heated. [°C]")
    cooling_setpoint: Finite = Field(
        default=26.0, ge=15.0, le=50.0,
        description="Air temperature above which the building is cooled; with "
                    "`max_cooling_power = 0` the hours above it are reported as unmet. [°C]",
    )
    max_heating_power: Finite | None = Field(
        default=None, ge=0.0, le=1e9, description="Heating power available; omitted = unlimited. [W]",
    )
    max_cooling_power: Finite | None = Field(
        default=None, ge=0.0, le=1e9,
        description="Cooling power available; omitted = unlimited, 0 = no cooling system. [W]",
    )
    thermal_bridge_delta_u: Finite = Field(
        default=0.0, ge=0.0, le=2.0,
        description="Thermal-bridge surcharge on the whole envelope area (opaque gross areas "
                    "plus windows not in an element), as in TABULA. [W/(m2 K)]",
    )

    @model_validator(mode="after")
    def _volume_given_once(self) -> "BuildingSection":
        if (self.room_height is None) == (self.air_volume is None):
            both = self.room_height is not None
            raise PydanticCustomError(
                "air_volume", "give exactly one of room_height and air_volume",
                {"key": "air_volume" if both else "room_height",
                 "value": self.air_volume if both else None,
                 "allowed": "either room_height [m] or air_volume [m3], not both" if both
                 else "room_height [m] or air_volume [m3]"},
            )
        return self

    @property
    def volume(self) -> float:
        """Heated air volume. [m3]"""
        return self.air_volume if self.air_volume is not None else self.floor_area * self.room_height


class BuildingFile(StrictModel):
    """A building file: one thermal zone described element by element."""

    building: BuildingSection = Field(description="Floor area, air volume, gains, capacity, setpoints.")
    ventilation: Ventilation = Field(description="Infiltration, ventilation and heat recovery.")
    opaque: list[OpaqueElement] = Field(min_length=1, description="Opaque elements of the envelope.")
    window: list[Window] = Field(default_factory=list, description="Windows, each with its own plane.")
    thermal_bridge: list[ThermalBridge] = Field(default_factory=list, description="Linear thermal bridges.")
    weather: WeatherSection = Field(
        default_factory=WeatherSection,
        description="Weather file (relative to the building file) and ground albedo.",
    )


# --------------------------------------------------------------------------------------
# Reading and checking
# --------------------------------------------------------------------------------------


def _key_text(loc: tuple) -> str:
    """('window', 1, 'u') -> 'window[2].u' (1-based, as a person counts the tables)."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part + 1}]"
        else:
            text += ("." if text else "") + str(part)
    return text


def _model_at(loc: tuple) -> type[BaseModel] | None:
    """The model class that holds the key at ``loc``."""
    from smartcity.scenario.models import _model_of

    model: type[BaseModel] | None = BuildingFile
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        if model is None or part not in model.model_fields:
            return None
        model = _model_of(model.model_fields[part].annotation)
    return model


def _field_of(loc: tuple):
    model = _model_at(loc)
    if model is None or not loc or isinstance(loc[-1], int):
        return None
    for name, info in model.model_fields.items():
        if loc[-1] in (name, info.alias):
            return info
    return None


def _unit_of(loc: tuple) -> str:
    info = _field_of(loc)
    match = re.search(r"\[([^\]]+)\]\s*$", (info.description or "") if info else "")
    return f" [{match.group(1)}]" if match else ""


def _element_name(document: dict, loc: tuple) -> str:
    """' (window 'south')' for a key inside a named array entry, else ''."""
    if len(loc) >= 2 and isinstance(loc[1], int) and isinstance(document.get(loc[0]), list):
        items = document[loc[0]]
        if loc[1] < len(items) and isinstance(items[loc[1]], dict):
            name = items[loc[1]].get("name")
            if isinstance(name, str):
                return f" ({loc[0].replace('_', ' ')} '{name}')"
    return ""


def _error_from_validation(exc: ValidationError, file: Path, document: dict) -> InputError:
    """The first pydantic error as an InputError naming the file, key, value and what is allowed."""
    errors = exc.errors(include_url=False)
    errors.sort(key=lambda e: {"extra_forbidden": 0, "missing": 2}.get(e["type"], 1))
    err = errors[0]
    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    ctx = err.get("ctx") or {}
    if "key" in ctx:
        loc = loc + (ctx["key"],)
    key = _key_text(loc) or None
    where = _element_name(document, loc)
    kind = err["type"]
    if kind == "extra_forbidden":
        model = _model_at(loc)
        names = [info.alias or name for name, info in model.model_fields.items()] if model else []
        problem = "unknown key" + where
        close = difflib.get_close_matches(str(loc[-1]), names, n=1)
        if close:
            problem += f" (did you mean '{close[0]}'?)"
        return InputError(problem, file=file, key=key, allowed=("the keys " + ", ".join(names)) if names else None)
    if kind == "missing":
        info = _field_of(loc)
        described = info.description if info is not None else None
        return InputError("required key is missing" + where, file=file, key=key,
                          allowed=f"add the key ({described})" if described else "add the key")
    value = ctx.get("value", err.get("input"))
    if isinstance(value, dict) and "value" in value:
        value = value["value"]
    shown = {} if value is None or isinstance(value, dict) else {"value": value}
    allowed = ctx.get("allowed")
    problem = err["msg"] + where
    if allowed is None:
        ranges = ("greater_than", "greater_than_equal", "less_than", "less_than_equal")
        problem = ("value out of range" if kind in ranges else "invalid value") + where
        allowed = re.sub(r"^(Input|Value) should (be|have) ", "", err["msg"])
        allowed = re.sub(r"a valid dictionary or instance of \w+", "a table", allowed)
        allowed = re.sub(r"^a valid list$", "an array of tables ([[...]])", allowed)
        if kind == "string_pattern_mismatch":
            allowed = _NAME_TEXT
        elif kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal", "finite_number"):
            allowed = "a number " + allowed + _unit_of(loc)
    return InputError(problem, file=file, key=key, allowed=allowed, **shown)


def check_unique_names(model: BuildingFile, file: Path | None = None) -> None:
    """Names must be unique among the opaque elements, among the windows and among the thermal bridges."""
    for section in ("opaque", "window", "thermal_bridge"):
        seen: set[str] = set()
        for i, item in enumerate(getattr(model, section)):
            if item.name in seen:
                raise InputError(f"duplicate {section.replace('_', ' ')} name", file=file,
                                 key=f"{section}[{i + 1}].name", value=item.name,
                                 allowed=f"a name used by no other [[{section}]] table")
            seen.add(item.name)


def check_window_hosts(model: BuildingFile, file: Path | None = None) -> None:
    """A window's ``in`` must name an opaque element, and the windows in an element must fit in it.

    Opaque areas are gross: the windows that name an element are part of its area, so
    neither one window nor all of them together may exceed it.
    """
    areas = {o.name: o.area for o in model.opaque}
    index = {o.name: j for j, o in enumerate(model.opaque)}
    hosted: dict[str, list[Window]] = {}
    for i, w in enumerate(model.window):
        if w.host is None:
            continue
        if w.host not in areas:
            raise InputError(f"window '{w.name}' names an opaque element that does not exist",
                             file=file, key=f"window[{i + 1}].in", value=w.host,
                             allowed="the name of an [[opaque]] element: " + ", ".join(repr(n) for n in areas))
        if w.area > areas[w.host]:
            raise InputError(
                f"window '{w.name}' is larger than opaque element '{w.host}' it sits in (opaque areas are "
                "gross, windows included)", file=file, key=f"window[{i + 1}].area", value=w.area,
                allowed=f"at most opaque[{index[w.host] + 1}].area = {areas[w.host]:g} [m2]",
            )
        hosted.setdefault(w.host, []).append(w)
    for host, windows in hosted.items():
        total = sum(w.area for w in windows)
        if total > areas[host] * (1.0 + 1e-12):
            names = ", ".join(f"'{w.name}'" for w in windows)
            raise InputError(
                f"the windows in opaque element '{host}' ({names}) total {total:g} m2, more than its "
                "gross area (opaque areas include their windows)", file=file,
                key=f"opaque[{index[host] + 1}].area", value=areas[host],
                allowed=f"at least {total:g} [m2], or smaller windows",
            )


def check_setpoints(model: BuildingFile, file: Path | None = None) -> None:
    """The heating setpoint must not exceed the cooling setpoint."""
    b = model.building
    if b.heating_setpoint > b.cooling_setpoint:
        raise InputError("heating setpoint above the cooling setpoint", file=file,
                         key="building.heating_setpoint", value=b.heating_setpoint,
                         allowed=f"at most building.cooling_setpoint = {b.cooling_setpoint:g} [°C]")


def check_envelope(model: BuildingFile, file: Path | None = None) -> None:
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


def check_building(model: BuildingFile, file: Path | None = None) -> BuildingFile:
    """Run every rule across keys; returns the model so calls chain."""
    for check in (check_unique_names, check_window_hosts, check_setpoints, check_envelope):
        check(model, file)
    return model


def load_building(path: str | Path) -> BuildingFile:
    """Read and check a building file.

    Parameters
    ----------
    path : str or Path
        A building TOML file. ``weather.file`` is relative to it.

    Returns
    -------
    BuildingFile
        The validated description, ``weather.file`` an absolute path.

    Raises
    ------
    InputError
        Bad TOML, unknown key, wrong type or range, a window in an unknown or too small
        element, duplicate names, setpoints in the wrong order, an envelope the 5R1C
        model cannot represent, a missing weather file; the message names the file, the
        key, the value and what is allowed.
    """
    path = Path(path).resolve()
    if not path.exists():
        raise InputError("building file not found", file=path)
    document = read_toml(path)
    weather_doc = document.get("weather")
    if isinstance(weather_doc, dict) and isinstance(weather_doc.get("file"), str) and weather_doc["file"].strip():
        weather_doc = dict(weather_doc, file=str((path.parent / weather_doc["file"]).resolve()))
        document = dict(document, weather=weather_doc)
    try:
        model = BuildingFile.model_validate(document)
    except ValidationError as exc:
        raise _error_from_validation(exc, path, document) from None
    weather_file = model.weather.file
    if weather_file is not None and not Path(weather_file).is_file():
        raise InputError("weather file not found", file=path, key="weather.file", value=str(weather_file),
                         allowed="an existing .epw or .csv file, relative to the building file")
    return check_building(model, path)


# --------------------------------------------------------------------------------------
# Model inputs and simulation
# --------------------------------------------------------------------------------------


def heat_transfer_coefficients(model: BuildingFile) -> dict[str, float]:
    """Heat transfer coefficients of the building.

    Returns
    -------
    dict
        ``h_tr_w`` = sum U_w A_w [W/K]; ``h_tr_op`` = sum b U (A - windows in it) +
        thermal_bridge_delta_u x envelope area + sum psi l [W/K]; ``h_ve`` = 1200 J/(m3 K)
        / 3600 s x volume x (infiltration + ventilation (1 - heat_recovery)) [W/K];
        ``envelope_area`` = opaque gross areas + windows in no element [m2].
    """
    hosted: dict[str, float] = {}
    loose = 0.0
    h_tr_w = 0.0
    for w in model.window:
        h_tr_w += w.u * w.area
        if w.host is None:
            loose += w.area
        else:
            hosted[w.host] = hosted.get(w.host, 0.0) + w.area
    h_tr_op = 0.0
    for o in model.opaque:
        net = max(o.area - hosted.get(o.name, 0.0), 0.0)
        h_tr_op += o.b * o.u * net
    envelope_area = sum(o.area for o in model.opaque) + loose
    h_tr_op += model.building.thermal_bridge_delta_u * envelope_area
    h_tr_op += sum(t.psi * t.length for t in model.thermal_bridge)
    v = model.ventilation
    air_change = v.infiltration + v.ventilation * (1.0 - v.heat_recovery)
    h_ve = thermal.AIR_HEAT_CAPACITY_J_M3K / 3600.0 * model.building.volume * air_change
    return {"h_tr_w": h_tr_w, "h_tr_op": h_tr_op, "h_ve": h_ve, "envelope_area": envelope_area}


def thermal_inputs(model: BuildingFile, weather: weather_mod.Weather) -> dict[str, Any]:
    """The keyword arguments of :func:`smartcity.energy.thermal.simulate_5r1c` for one building.

    Every window is one orientation: ``irradiance`` has one column per window, computed
    on its plane (tilt, azimuth) with :func:`smartcity.weather.plane_irradiance`, and
    ``solar_aperture`` holds that window's A F_sh F_w g_n (1 - F_F). Without windows, one
    zero column.

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
        irradiance = weather_mod.plane_irradiance(
            weather, np.array([w.tilt for w in model.window]), np.array([w.azimuth for w in model.window]),
            albedo=model.weather.ground_albedo.canonical,
        )
        aperture = np.array([[w.solar_aperture for w in model.window]])
    else:
        irradiance = np.zeros((n_h, 1))
        aperture = np.zeros((1, 1))
    unlimited = np.inf
    return {
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
    }


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
        Annual energy balance: heat lost through the windows, the opaque elements and by
        ventilation, internal and solar gains, change of stored heat. [kWh]
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


def simulate_building(model: BuildingFile, weather: weather_mod.Weather | None = None) -> BuildingResult:
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
            "stored_heat_change": kwh("stored_heat_change_wh"),
        },
        thermal=res,
    )


def run_building_file(path: str | Path, weather: str | Path | None = None) -> BuildingResult:
    """Read a building file and simulate it.

    Parameters
    ----------
    path : str or Path
        The building TOML file.
    weather : str or Path, optional
        EPW or CSV weather file replacing the file's ``weather.file``.

    Returns
    -------
    BuildingResult

    Raises
    ------
    InputError
        See :func:`load_building` and :func:`smartcity.weather.load_weather`.
    """
    model = load_building(path)
    if weather is not None:
        weather_path = Path(weather)
        if not weather_path.is_file():
            raise InputError("weather file not found", value=str(weather_path),
                             allowed="an existing .epw or .csv file")
        return simulate_building(model, weather_mod.load_weather(weather_path))
    return simulate_building(model)


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
        ("gains: internal", f"{b['internal_gains']:,.0f} kWh"),
        ("gains: solar", f"{b['solar_gains']:,.0f} kWh"),
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
