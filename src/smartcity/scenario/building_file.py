"""A building file: one building described element by element (the ``smartcity building`` input).

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

:func:`load_building` reads and checks a file; the model that simulates it is
:mod:`smartcity.energy.single_building`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from smartcity.errors import InputError
from smartcity.scenario.sections.general import WeatherSection
from smartcity.schema.files import input_error, read_toml
from smartcity.schema.quantities import StrictModel

__all__ = [
    "OpaqueElement", "Window", "ThermalBridge", "Ventilation", "BuildingSection", "BuildingFile",
    "load_building", "check_building",
]

_NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
_NAME_TEXT = "a name of letters, digits, '_', '.', '-' (at most 64 characters)"
#: ISO 13790:2008 §7.2.2.2: the area of all surfaces facing the zone is A_t = 4.5 A_f, which
#: bounds the effective mass area A_m. [1]
_A_T_PER_FLOOR_AREA = 4.5

Finite = Annotated[float, Field(allow_inf_nan=False)]
Name = Annotated[str, Field(pattern=_NAME_PATTERN, min_length=1, max_length=64)]


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
    tilt: Finite | None = Field(
        default=None, ge=0.0, le=180.0,
        description="Tilt of the outer surface from horizontal (90 = wall, 0 = flat roof). Given, an element "
                    "with b = 1 gains the sun absorbed on it and loses heat radiated to the sky (ISO 13790 "
                    "§11.3.4-11.3.5); left out, neither (a floor, a ventilated roof, a shaded wall). [deg]",
    )
    azimuth: Finite = Field(
        default=180.0, ge=0.0, le=360.0,
        description="Direction the outer surface faces: N = 0, E = 90, S = 180, W = 270 (with `tilt`). [deg]",
    )
    absorptance: Finite = Field(
        default=0.6, ge=0.0, le=1.0,
        description="Solar absorptance of the outer surface (ISO 52016-1:2017 Annex B default for a "
                    "medium colour: 0.6). [1]",
    )
    emissivity: Finite = Field(
        default=0.9, ge=0.0, le=1.0,
        description="Long-wave emissivity of the outer surface (ISO 13790 §11.4.6: 0.9). [1]",
    )
    perimeter: Finite | None = Field(
        default=None, gt=0.0, le=1e5,
        description="Exposed perimeter of a floor on the ground (give it on floors only). Given, the element's "
                    "b U A leads to the "
                    "ground, which smooths and delays the outdoor temperature (ISO 13370:2017, slab on ground; "
                    "b U is then its U with the ground); left out, to the outdoor air. [m]",
    )
    ground_conductivity: Finite = Field(
        default=2.0, gt=0.0, le=10.0,
        description="Thermal conductivity of the ground under a floor with a `perimeter` (ISO 13370:2017 "
                    "Table 7: 2.0 when the soil is unknown). [W/(m K)]",
    )
    ground_heat_capacity: Finite = Field(
        default=2.0e6, gt=0.0, le=1e7,
        description="Volumetric heat capacity of that ground (ISO 13370:2017 Table 7: 2.0e6 when the soil is "
                    "unknown). [J/(m3 K)]",
    )


class Window(StrictModel):
    """One ``[[window]]`` table: a glazed element and its plane."""

    name: Name = Field(description=f"Name of the window, unique among the windows ({_NAME_TEXT}).")
    area: Finite = Field(gt=0.0, le=1e6, description="Window area, frame included. [m2]")
    u: Finite = Field(gt=0.0, le=10.0, description="Thermal transmittance U_w, glazing and frame. [W/(m2 K)]")
    g: Finite = Field(ge=0.0, le=1.0,
                      description="Total solar energy transmittance of the glazing at normal incidence, g_n. [1]")
    tilt: Finite = Field(default=90.0, ge=0.0, le=180.0,
                         description="Tilt of the window plane from horizontal; 90 = vertical. [deg]")
    azimuth: Finite = Field(ge=0.0, le=360.0,
                            description="Direction the window faces: N = 0, E = 90, S = 180, W = 270. [deg]")
    frame_fraction: Finite = Field(
        default=0.3, ge=0.0, lt=1.0,
        description="Frame area fraction F_F of the window area (TABULA DK method value 0.3). [1]",
    )
    shading_factor: Finite = Field(
        default=1.0, ge=0.0, le=1.0,
        description="Shading reduction factor F_sh for external obstacles, overhangs and "
                    "blinds; 1 = unshaded (TABULA DK uses 0.6 for vertical windows). [1]",
    )
    panes: int | None = Field(
        default=None, ge=1, le=3,
        description="Number of glass panes (1, 2 or 3): the angle dependence of the solar "
                    "transmittance, hour by hour (smartcity.energy.glazing). Default: from `u` "
                    "(U >= 4.0 one pane, U <= 1.2 three, two between). [1]",
    )
    host: Name | None = Field(
        default=None, alias="in",
        description="Name of the opaque element the window sits in (key `in`); its area is "
                    "then deducted from that element's gross area.",
    )

    @model_validator(mode="before")
    @classmethod
    def _incidence_is_computed(cls, data):
        if isinstance(data, dict) and "incidence_factor" in data:
            raise PydanticCustomError(
                "incidence_factor_computed",
                "incidence_factor is no longer given: the glazing's transmittance follows the sun's angle "
                "hour by hour", {"allowed": "`panes` (1, 2 or 3) in place of `incidence_factor`"})
        return data

    @property
    def solar_aperture(self) -> float:
        """Effective collecting area at normal incidence A_sol = A F_sh g_n (1 - F_F) (ISO 13790
        §11.3.3 without F_w: the angle dependence is in the transmitted irradiance). [m2]"""
        return self.area * self.shading_factor * self.g * (1.0 - self.frame_fraction)


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

    infiltration: Finite = Field(ge=0.0, le=20.0,
                                 description="Air change by infiltration (never heat-recovered). [1/h]")
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
        default=2.5, ge=1.0, le=_A_T_PER_FLOOR_AREA,
        description="Effective mass area A_m per m2 of floor area (ISO 13790 Table 12: medium "
                    "2.5). [1]",
    )
    heating_setpoint: Finite = Field(default=20.0, ge=5.0, le=30.0,
                                     description="Air temperature below which the building is heated. [°C]")
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


def _key_text(loc: tuple) -> str:
    """('window', 1, 'u') -> 'window[2].u' (1-based, as a person counts the tables)."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part + 1}]"
        else:
            text += ("." if text else "") + str(part)
    return text


def _element_name(document: dict, loc: tuple) -> str:
    """' (window 'south')' for a key inside a named array entry, else ''."""
    if len(loc) >= 2 and isinstance(loc[1], int) and isinstance(document.get(loc[0]), list):
        items = document[loc[0]]
        if loc[1] < len(items) and isinstance(items[loc[1]], dict):
            name = items[loc[1]].get("name")
            if isinstance(name, str):
                return f" ({loc[0].replace('_', ' ')} '{name}')"
    return ""


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


def check_building(model: BuildingFile, file: Path | None = None) -> BuildingFile:
    """Run every rule across keys of the file; returns the model so calls chain.

    Whether the 5R1C network can represent the envelope is the model's check
    (:func:`smartcity.energy.single_building.check_envelope`), made before it simulates.
    """
    for check in (check_unique_names, check_window_hosts, check_setpoints):
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
        element, duplicate names, setpoints in the wrong order, a missing weather file;
        the message names the file, the key, the value and what is allowed.
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
        raise input_error(exc, file=path, model=BuildingFile, key_text=_key_text,
                          context=lambda loc: _element_name(document, loc)) from None
    weather_file = model.weather.file
    if weather_file is not None and not Path(weather_file).is_file():
        raise InputError("weather file not found", file=path, key="weather.file", value=str(weather_file),
                         allowed="an existing .epw or .csv file, relative to the building file")
    return check_building(model, path)
