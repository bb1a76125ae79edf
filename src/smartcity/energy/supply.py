"""Energy supply: from useful heat to final energy by carrier, rooftop PV, the hourly
electricity balance and the hourly carbon intensity of grid electricity.

Plain functions on hourly arrays (one value per hour, each the mean power over its
hour, so a power in kW is also the energy in kWh of that hour):

heat_pump_cop
    Coefficient of performance of air- and ground-source heat pumps from the sink and
    source temperatures (Staffell et al. 2012 regressions).
supply_temperature, ground_source_temperature
    Heat-pump sink (a heating curve) and ground-source temperatures.
delivery_efficiency, final_energy_by_system, final_energy
    Useful heat per heating system → final energy per system and per carrier.
district_heat_production
    Heat produced at the plants for a delivered amount, given the network loss.
pv_generation
    AC power of rooftop PV arrays (pvlib: Perez transposition, SAPM cell temperature,
    PVWatts DC and inverter models).
electricity_balance
    Hourly grid import and export with on-site generation and an optional battery.
read_energinet_co2
    Hourly CO2 intensity of grid power from an Energi Data Service export.
default_grid_shape, grid_intensity
    Hourly grid carbon intensity scaled to a yearly mean.

:class:`SupplySection` is the ``[supply]`` table of a scenario; every default carries its
source or is flagged as an assumption with the reason.

Carriers (:data:`CARRIERS`) are what a building buys: ``district_heat`` (heat delivered
at the building's substation), ``electricity``, ``natural_gas``, ``heating_oil`` and
``biomass`` (fuel energy at the net calorific value).

References
----------
.. [1] Staffell, I., Brett, D., Brandon, N., Hawkes, A. (2012). A review of domestic heat
   pump coefficient of performance. Energy & Environmental Science 5, 9291-9306.
   https://doi.org/10.1039/C2EE22653G
.. [2] Ruhnau, O., Hirth, L., Praktiknjo, A. (2019). Time series of heat demand and heat
   pump efficiency for energy system modeling. Scientific Data 6, 189.
   https://doi.org/10.1038/s41597-019-0199-y
.. [3] Dobos, A. P. (2014). PVWatts Version 5 Manual. NREL/TP-6A20-62641.
   https://doi.org/10.2172/1158421
.. [4] Energinet, Energi Data Service, dataset "CO2 Emission" (CO2Emis).
   https://www.energidataservice.dk/tso-electricity/CO2Emis
"""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import Literal

import numba
import numpy as np
import pandas as pd
import pvlib
from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from smartcity.errors import InputError
from smartcity.scenario.types import ScenarioPath, StrictModel, quantity, trajectory
from smartcity.uncertainty import uncertain_quantity
from smartcity.weather import Weather, solar_position

__all__ = [
    "CARRIERS",
    "HEATING_SYSTEMS",
    "CARRIER_OF_SYSTEM",
    "HEAT_PUMP_SYSTEMS",
    "HEAT_PUMP_KINDS",
    "COP_COEFFICIENTS",
    "COP_DELTA_T_RANGE_K",
    "PRICE_AREAS",
    "LOCAL_STANDARD_TIME",
    "GRID_SHAPE_PARAMETERS",
    "DistrictHeatingSupply",
    "ElectricitySupply",
    "HeatingCurve",
    "HeatPumpSupply",
    "BoilerSupply",
    "CoolingSupply",
    "PVSupply",
    "SupplySection",
    "heat_pump_cop",
    "supply_temperature",
    "ground_source_temperature",
    "delivery_efficiency",
    "final_energy_by_system",
    "final_energy",
    "district_heat_production",
    "pv_generation",
    "electricity_balance",
    "read_energinet_co2",
    "default_grid_shape",
    "grid_intensity",
    "warmup",
]

#: Energy carriers bought by buildings, in the order used for tables.
CARRIERS = ("district_heat", "electricity", "natural_gas", "heating_oil", "biomass")

#: Heating systems of the buildings schema (column ``heating_system``), in the row order
#: of the ``(n_systems, n_h)`` arrays of this module.
HEATING_SYSTEMS = (
    "district_heating",
    "heat_pump_air",
    "heat_pump_ground",
    "gas_boiler",
    "oil_boiler",
    "biomass_boiler",
    "electric_direct",
)

#: The carrier each heating system draws on.
CARRIER_OF_SYSTEM = {
    "district_heating": "district_heat",
    "heat_pump_air": "electricity",
    "heat_pump_ground": "electricity",
    "gas_boiler": "natural_gas",
    "oil_boiler": "heating_oil",
    "biomass_boiler": "biomass",
    "electric_direct": "electricity",
}

#: Heat-pump systems and their kind (heat source) for :func:`heat_pump_cop`.
HEAT_PUMP_SYSTEMS = {"heat_pump_air": "air", "heat_pump_ground": "ground"}

#: Kinds of heat pump by heat source.
HEAT_PUMP_KINDS = ("air", "ground")

#: Staffell et al. (2012) [1]_ COP regressions COP = c0 + c1 ΔT + c2 ΔT², ΔT in K.
COP_COEFFICIENTS = {"air": (6.81, -0.121, 0.000630), "ground": (8.77, -0.150, 0.000734)}

#: Range of ΔT = sink − source over which each regression was fitted; ΔT is clipped to it. [K]
COP_DELTA_T_RANGE_K = {"air": (15.0, 60.0), "ground": (20.0, 60.0)}

#: Electricity price areas of Denmark: DK1 (Jutland and Funen, Aalborg), DK2 (Zealand).
PRICE_AREAS = ("DK1", "DK2")

#: Danish local standard time (UTC+1, no daylight saving), the time of weather data.
LOCAL_STANDARD_TIME = "Etc/GMT-1"

_HOUR = pd.Timedelta(hours=1)
_HALF_HOUR = pd.Timedelta(minutes=30)
_DAYS_PER_YEAR = 365.25


# --------------------------------------------------------------------------------------
# Scenario section: [supply]
# --------------------------------------------------------------------------------------

_DH_FACTOR_REASON = (
    "Aalborg's district-heating CO2 factor was not found. Until the end of 2028 about 60 % of "
    "the city's district heat comes from the coal CHP plant Nordjyllandsværket, most of the rest "
    "from surplus heat (Aalborg Portland, Reno Nord waste incineration); the 2013-2028 values assume "
    "coal CHP heat at roughly 170-200 g/kWh for that share. Coal ends at the end of 2028, replaced by "
    "seawater and air-source heat pumps, an electric boiler, pit storage and surplus heat, hence the "
    "step from 2028 to 2029 to about Fjernvarme Fyn's 2023 level (a comparable system after coal), "
    "then a decline with the electricity grid. Replace with Aalborg Forsyning's declarations."
)

_EL_FACTOR_REASON = (
    "the values from 2020 on are a projection, not a source: a steady decline towards electricity "
    "from renewables by 2030 and a small residual afterwards. Replace with Energinet's declarations "
    "(location-based, DK1, hourly since 2022) for past years and Energinet's analysis assumptions "
    "for future years."
)


class DistrictHeatingSupply(StrictModel):
    """``[supply.district_heating]``: the district-heating network seen from the buildings."""

    emission_factor: trajectory("emission_factor", ge=0.0, le=2000.0) = Field(  # type: ignore[valid-type]
        default={
            "year": [2013, 2020, 2028, 2029, 2035, 2045],
            "value": [130.0, 125.0, 115.0, 55.0, 35.0, 15.0],
            "unit": "kg/MWh",
            "source": "comparison: Fjernvarme Fyn environmental declaration 2023, 55 kg CO2/MWh; coal exit "
                      "of Nordjyllandsværket at the end of 2028 (aalborgforsyning.dk 2021-2022)",
            "assumption": True,
            "reason": _DH_FACTOR_REASON,
        },
        description="CO2 per unit of heat delivered to the buildings' substations, by year [g/kWh].",
    )
    network_loss: quantity("dimensionless", ge=0.0, lt=1.0) = Field(  # type: ignore[valid-type]
        default={"value": 0.20, "unit": "1", "assumption": True,
                 "reason": "typical of Danish district-heating networks, which lose some 15-25 % of the heat "
                           "fed in; Aalborg's own figure was not found"},
        description="Share of the heat fed into the network that is lost before the substations [1]; "
                    "used to report heat production (the emission factor is per delivered heat).",
    )
    substation_efficiency: quantity("dimensionless", gt=0.0, le=1.0) = Field(  # type: ignore[valid-type]
        default={"value": 0.97, "unit": "1", "assumption": True,
                 "reason": "heat-exchanger substations lose a few percent of the heat they take from the "
                           "network (casing and pipe losses in the building's plant room)"},
        description="Useful heat per unit of district heat delivered to the substation [1].",
    )


class ElectricitySupply(StrictModel):
    """``[supply.electricity]``: the public grid."""

    emission_factor: trajectory("emission_factor", ge=0.0, le=2000.0) = Field(  # type: ignore[valid-type]
        default={
            "year": [2013, 2015, 2016, 2017, 2020, 2025, 2030, 2040, 2050],
            "value": [358.0, 192.0, 243.0, 190.0, 130.0, 80.0, 40.0, 20.0, 10.0],
            "unit": "g/kWh",
            "source": "Energinet environmental declaration of Danish electricity, 125 % method: 2013 358 "
                      "(approx.), 2015 192, 2016 243 (approx.), 2017 190 (approx.) g/kWh",
            "assumption": True,
            "reason": _EL_FACTOR_REASON,
        },
        description="Yearly mean CO2 intensity of grid electricity [g/kWh]; the hourly profile is scaled to it.",
    )
    hourly_profile: ScenarioPath | None = Field(
        default=None,
        description="Energi Data Service 'CO2 Emission' CSV export whose hourly shape is used (scaled to the "
                    "yearly mean); omitted = the built-in shape of smartcity.energy.supply.default_grid_shape.",
    )
    profile_year: int | None = Field(
        default=None, ge=2000, le=2100,
        description="Year to take from `hourly_profile` when the file holds several [a].",
    )
    price_area: Literal["DK1", "DK2"] = Field(
        default="DK1",
        description="Electricity price area whose rows are read from `hourly_profile` (Aalborg lies in DK1).",
    )


class HeatingCurve(StrictModel):
    """``[supply.heat_pumps.heating_curve]``: space-heating supply temperature against outdoor air.

    Linear between the two points, constant outside them.
    """

    supply_temperature_design: quantity("temperature", ge=20.0, le=90.0) = Field(  # type: ignore[valid-type]
        default={"value": 55.0, "unit": "degC", "assumption": True,
                 "reason": "radiator systems of existing Danish dwellings run at about 55 C on the coldest days; "
                           "floor heating and renovated buildings run colder"},
        description="Supply temperature at the design outdoor temperature [degC].",
    )
    outdoor_temperature_design: quantity("temperature", ge=-40.0, le=10.0) = Field(  # type: ignore[valid-type]
        default={"value": -12.0, "unit": "degC", "assumption": True,
                 "reason": "the Danish design outdoor temperature for heating (DS 418)"},
        description="Design outdoor temperature [degC].",
    )
    supply_temperature_mild: quantity("temperature", ge=15.0, le=90.0) = Field(  # type: ignore[valid-type]
        default={"value": 30.0, "unit": "degC", "assumption": True,
                 "reason": "lowest useful radiator supply temperature near the end of the heating season"},
        description="Supply temperature at the mild-weather outdoor temperature [degC].",
    )
    outdoor_temperature_mild: quantity("temperature", ge=0.0, le=25.0) = Field(  # type: ignore[valid-type]
        default={"value": 15.0, "unit": "degC", "assumption": True,
                 "reason": "outdoor temperature above which Danish buildings need little or no space heating"},
        description="Outdoor temperature at which the curve reaches its lowest supply temperature [degC].",
    )

    @model_validator(mode="after")
    def _points_in_order(self) -> "HeatingCurve":
        design, mild = self.outdoor_temperature_design.canonical, self.outdoor_temperature_mild.canonical
        if not design < mild:
            raise PydanticCustomError(
                "heating_curve_order", "the design outdoor temperature is not below the mild one",
                {"value": self.outdoor_temperature_design.value, "key": "outdoor_temperature_design",
                 "allowed": f"a temperature below outdoor_temperature_mild ({mild:g} degC)"},
            )
        return self


class HeatPumpSupply(StrictModel):
    """``[supply.heat_pumps]``: building heat pumps (COP from Staffell et al. 2012)."""

    correction_factor_air: quantity("dimensionless", gt=0.0, le=1.5) = Field(  # type: ignore[valid-type]
        default={"value": 0.85, "unit": "1",
                 "source": "Ruhnau, Hirth, Praktiknjo (2019), Scientific Data 6:189, "
                           "doi:10.1038/s41597-019-0199-y: correction from the Staffell regressions to "
                           "field-measured performance"},
        description="Real over regression COP of air-source heat pumps (defrost, pumps, cycling) [1].",
    )
    correction_factor_ground: quantity("dimensionless", gt=0.0, le=1.5) = Field(  # type: ignore[valid-type]
        default={"value": 0.85, "unit": "1",
                 "source": "Ruhnau, Hirth, Praktiknjo (2019), Scientific Data 6:189, "
                           "doi:10.1038/s41597-019-0199-y: correction from the Staffell regressions to "
                           "field-measured performance"},
        description="Real over regression COP of ground-source heat pumps [1].",
    )
    ground_temperature_mean: quantity("temperature", ge=-10.0, le=30.0) = Field(  # type: ignore[valid-type]
        default={"value": 7.0, "unit": "degC", "assumption": True,
                 "reason": "brine from a horizontal ground collector: about the annual mean air temperature "
                           "(8.3 C in the Danish typical year) less the collector's approach temperature"},
        description="Annual mean source temperature of ground-source heat pumps [degC].",
    )
    ground_temperature_amplitude: quantity("temperature_difference", ge=0.0, le=20.0) = Field(  # type: ignore[valid-type]
        default={"value": 5.0, "unit": "K", "assumption": True,
                 "reason": "the ~8 K seasonal swing of Danish monthly mean air temperature, damped at the "
                           "1-1.5 m depth of horizontal collectors"},
        description="Half the seasonal swing of the ground source temperature [K].",
    )
    ground_temperature_warmest_day: quantity("day_of_year", ge=1.0, le=366.0) = Field(  # type: ignore[valid-type]
        default={"value": 230.0, "unit": "d", "assumption": True,
                 "reason": "the ground at 1-1.5 m lags the air (warmest in late July) by about a month"},
        description="Day of the year on which the ground source is warmest [d].",
    )
    dhw_temperature: quantity("temperature", ge=30.0, le=90.0) = Field(  # type: ignore[valid-type]
        default={"value": 55.0, "unit": "degC", "assumption": True,
                 "reason": "domestic hot water stored at 55 C or more against Legionella"},
        description="Sink temperature for domestic hot water [degC].",
    )
    heating_curve: HeatingCurve = Field(default_factory=HeatingCurve,
                                        description="Space-heating sink temperature.")


class BoilerSupply(StrictModel):
    """``[supply.boilers]``: seasonal efficiencies of individual boilers (useful heat per fuel, NCV)."""

    gas_efficiency: quantity("dimensionless", gt=0.0, le=1.1) = Field(  # type: ignore[valid-type]
        default={"value": 0.95, "unit": "1", "assumption": True,
                 "reason": "condensing gas boilers, the common type in Denmark, reach 0.9-1.0 per net "
                           "calorific value over a season"},
        description="Useful heat per unit of natural gas [1].",
    )
    oil_efficiency: quantity("dimensionless", gt=0.0, le=1.1) = Field(  # type: ignore[valid-type]
        default={"value": 0.90, "unit": "1", "assumption": True,
                 "reason": "remaining Danish oil boilers are mostly older non-condensing units, 0.85-0.95"},
        description="Useful heat per unit of heating oil [1].",
    )
    biomass_efficiency: quantity("dimensionless", gt=0.0, le=1.1) = Field(  # type: ignore[valid-type]
        default={"value": 0.80, "unit": "1", "assumption": True,
                 "reason": "a mix of automatic pellet boilers (about 0.85) and older wood boilers (0.7-0.8)"},
        description="Useful heat per unit of biomass [1].",
    )


class CoolingSupply(StrictModel):
    """``[supply.cooling]``: electric cooling."""

    eer: quantity("dimensionless", gt=0.0, le=15.0) = Field(  # type: ignore[valid-type]
        default={"value": 3.0, "unit": "1", "assumption": True,
                 "reason": "seasonal energy efficiency ratio of small split units and older chillers, 3-5; "
                           "the low end because cooling is a small share of the district's demand"},
        description="Cooling delivered per unit of electricity (seasonal EER) [1].",
    )


class PVSupply(StrictModel):
    """``[supply.pv]``: rooftop PV systems (PVWatts models)."""

    system_losses: uncertain_quantity("dimensionless", ge=0.0, lt=1.0) = Field(  # type: ignore[valid-type]
        default={"value": 0.14, "unit": "1",
                 "source": "PVWatts Version 5 Manual (Dobos 2014, NREL/TP-6A20-62641): default total system "
                           "losses 14 % (soiling, shading, mismatch, wiring, ageing, availability)"},
        description="Share of DC energy lost between the modules and the inverter [1].",
    )
    temperature_coefficient: quantity("temperature_coefficient", ge=-0.02, le=0.0) = Field(  # type: ignore[valid-type]
        default={"value": -0.37, "unit": "%/K", "assumption": True,
                 "reason": "typical of current crystalline-silicon module datasheets (-0.30 to -0.45 %/K)"},
        description="Relative change of module DC power per kelvin of cell temperature [1/K].",
    )
    inverter_efficiency: quantity("dimensionless", gt=0.0, le=1.0) = Field(  # type: ignore[valid-type]
        default={"value": 0.96, "unit": "1",
                 "source": "PVWatts Version 5 Manual (Dobos 2014): nominal inverter efficiency 0.96"},
        description="Nominal inverter efficiency of the PVWatts inverter model [1].",
    )
    dc_ac_ratio: quantity("dimensionless", ge=0.5, le=3.0) = Field(  # type: ignore[valid-type]
        default={"value": 1.1, "unit": "1", "assumption": True,
                 "reason": "typical sizing of residential inverters; in Denmark clipping is rare at this ratio"},
        description="Module DC rating over inverter AC rating [1].",
    )
    mounting: Literal["close_mount", "open_rack"] = Field(
        default="close_mount",
        description="Cell-temperature model (SAPM): 'close_mount' for modules on pitched roofs, "
                    "'open_rack' for racks on flat roofs.",
    )


class SupplySection(StrictModel):
    """The ``[supply]`` table: how heat, cooling and electricity are supplied."""

    district_heating: DistrictHeatingSupply = Field(default_factory=DistrictHeatingSupply,
                                                    description="District-heating network.")
    electricity: ElectricitySupply = Field(default_factory=ElectricitySupply, description="Public grid.")
    heat_pumps: HeatPumpSupply = Field(default_factory=HeatPumpSupply, description="Building heat pumps.")
    boilers: BoilerSupply = Field(default_factory=BoilerSupply, description="Individual boilers.")
    cooling: CoolingSupply = Field(default_factory=CoolingSupply, description="Electric cooling.")
    pv: PVSupply = Field(default_factory=PVSupply, description="Rooftop PV.")


# --------------------------------------------------------------------------------------
# Argument checks
# --------------------------------------------------------------------------------------


def _first_bad(name: str, values: np.ndarray, bad: np.ndarray, requirement: str) -> None:
    """Raise ValueError naming the first element of ``values`` where ``bad`` is true."""
    if np.any(bad):
        index = np.unravel_index(int(np.argmax(bad)), bad.shape)
        where = f"[{', '.join(str(int(i)) for i in index)}]" if index else ""
        raise ValueError(f"{name}{where} = {values[index].item()!r}: {requirement}")


def _array(name: str, value, *, ndim: int | None = None, shape: tuple | None = None,
           nonneg: bool = False, unit: str = "") -> np.ndarray:
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name}: expected an array of numbers; {exc}") from None
    if ndim is not None and array.ndim != ndim:
        raise ValueError(f"{name}: expected a {ndim}-D array, got shape {array.shape}")
    if shape is not None and array.shape != shape:
        raise ValueError(f"{name}: expected shape {shape}, got {array.shape}")
    _first_bad(name, array, ~np.isfinite(array), f"must be a finite number [{unit}]")
    if nonneg:
        _first_bad(name, array, array < 0.0, f"must be >= 0 [{unit}]")
    return array


def _scalar(name: str, value, *, low: float | None = None, high: float | None = None,
            low_open: bool = False, unit: str = "") -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name} = {value!r}: expected a number [{unit}]")
    x = float(value)
    if not math.isfinite(x):
        raise ValueError(f"{name} = {value!r}: must be finite [{unit}]")
    if low is not None and (x <= low if low_open else x < low):
        raise ValueError(f"{name} = {value!r}: must be {'>' if low_open else '>='} {low:g} [{unit}]")
    if high is not None and x > high:
        raise ValueError(f"{name} = {value!r}: must be <= {high:g} [{unit}]")
    return x


def _section(params: SupplySection | None) -> SupplySection:
    if params is None:
        return SupplySection()
    if not isinstance(params, SupplySection):
        raise ValueError(f"params: expected a SupplySection or None, got {type(params).__name__}")
    return params


def _day_of_year(day_of_year, n_h: int) -> np.ndarray:
    if day_of_year is None:
        return 1.0 + np.arange(n_h, dtype=np.float64) // 24
    return _array("day_of_year", day_of_year, shape=(n_h,), unit="d")


# --------------------------------------------------------------------------------------
# Heat pumps
# --------------------------------------------------------------------------------------


def heat_pump_cop(sink_temperature_c, source_temperature_c, kind: str, *,
                  correction_factor: float = 1.0) -> np.ndarray:
    """Coefficient of performance of a heat pump from its sink and source temperatures.

    The quadratic regressions of Staffell et al. (2012) [1]_ on manufacturers' test data
    of domestic heat pumps, with ΔT = sink − source:

    * air source: COP = 6.81 − 0.121 ΔT + 0.000630 ΔT², fitted for ΔT = 15-60 K;
    * ground source: COP = 8.77 − 0.150 ΔT + 0.000734 ΔT², fitted for ΔT = 20-60 K.

    ΔT is clipped to the fitted range before the regression is evaluated: below it the
    COP stays at its value at the lower bound (the regressions are not meant for small
    lifts, and compressors do not gain further), above it at the value at 60 K (an air
    heat pump at −20 °C making 55 °C water would otherwise be extrapolated). Over the
    fitted ranges both regressions decrease monotonically with ΔT.

    The result is multiplied by ``correction_factor``, the ratio of real to regression
    performance. Field measurements fall below test data (defrosting, circulation pumps,
    on-off cycling); Ruhnau et al. (2019) [2]_ use 0.85, which is the scenario default
    (:class:`HeatPumpSupply`). The default here, 1, returns the regression itself.

    Parameters
    ----------
    sink_temperature_c : float or array_like
        Temperature of the heat delivered (flow temperature). [°C]
    source_temperature_c : float or array_like
        Temperature of the heat source: outdoor air or ground brine. [°C]
    kind : {'air', 'ground'}
        Heat source.
    correction_factor : float, default 1
        Real over regression COP, > 0. [-]

    Returns
    -------
    numpy.ndarray
        COP, broadcast shape of the two temperatures, float64. [-]

    Raises
    ------
    ValueError
        For an unknown kind, non-finite temperatures or a non-positive correction.

    References
    ----------
    .. [1] Staffell, I., Brett, D., Brandon, N., Hawkes, A. (2012). A review of domestic
       heat pump coefficient of performance. Energy & Environmental Science 5,
       9291-9306. https://doi.org/10.1039/C2EE22653G
    .. [2] Ruhnau, O., Hirth, L., Praktiknjo, A. (2019). Time series of heat demand and
       heat pump efficiency for energy system modeling. Scientific Data 6, 189.
       https://doi.org/10.1038/s41597-019-0199-y

    Examples
    --------
    >>> round(float(heat_pump_cop(35.0, 0.0, "air")), 5)  # ΔT = 35 K
    3.34675
    >>> round(float(heat_pump_cop(55.0, 10.0, "ground")), 5)  # ΔT = 45 K
    3.50635
    >>> heat_pump_cop([60.0, 70.0, 100.0], 0.0, "air").round(3).tolist()  # ΔT clipped at 60 K
    [1.818, 1.818, 1.818]
    """
    if kind not in COP_COEFFICIENTS:
        raise ValueError(f"kind = {kind!r}: must be one of {', '.join(HEAT_PUMP_KINDS)}")
    factor = _scalar("correction_factor", correction_factor, low=0.0, low_open=True, unit="-")
    sink = _array("sink_temperature_c", sink_temperature_c, unit="°C")
    source = _array("source_temperature_c", source_temperature_c, unit="°C")
    low, high = COP_DELTA_T_RANGE_K[kind]
    delta_t = np.clip(sink - source, low, high)
    c0, c1, c2 = COP_COEFFICIENTS[kind]
    return factor * (c0 + delta_t * (c1 + c2 * delta_t))


def supply_temperature(outdoor_temperature_c, *, design_supply_c: float = 55.0,
                       design_outdoor_c: float = -12.0, mild_supply_c: float = 30.0,
                       mild_outdoor_c: float = 15.0) -> np.ndarray:
    """Space-heating flow temperature from a linear heating curve.

    The curve runs from ``design_supply_c`` at ``design_outdoor_c`` to ``mild_supply_c``
    at ``mild_outdoor_c`` and is constant outside that interval. The defaults (55 °C at
    −12 °C, 30 °C at +15 °C) are an assumption for radiator systems in existing Danish
    buildings (see :class:`HeatingCurve`).

    Parameters
    ----------
    outdoor_temperature_c : float or array_like
        Outdoor air temperature. [°C]
    design_supply_c, mild_supply_c : float
        Flow temperatures at the two points of the curve. [°C]
    design_outdoor_c, mild_outdoor_c : float
        Outdoor temperatures of the two points, design < mild. [°C]

    Returns
    -------
    numpy.ndarray
        Flow temperature, same shape as ``outdoor_temperature_c``. [°C]

    Examples
    --------
    >>> supply_temperature([-20.0, -12.0, 1.5, 15.0, 25.0]).tolist()
    [55.0, 55.0, 42.5, 30.0, 30.0]
    """
    outdoor = _array("outdoor_temperature_c", outdoor_temperature_c, unit="°C")
    x0 = _scalar("design_outdoor_c", design_outdoor_c, unit="°C")
    x1 = _scalar("mild_outdoor_c", mild_outdoor_c, unit="°C")
    y0 = _scalar("design_supply_c", design_supply_c, unit="°C")
    y1 = _scalar("mild_supply_c", mild_supply_c, unit="°C")
    if not x0 < x1:
        raise ValueError(f"design_outdoor_c = {x0!r}: must be below mild_outdoor_c = {x1!r} [°C]")
    return np.interp(outdoor, [x0, x1], [y0, y1])


def ground_source_temperature(day_of_year, *, mean_c: float = 7.0, amplitude_k: float = 5.0,
                              warmest_day: float = 230.0) -> np.ndarray:
    """Source temperature of a ground-source heat pump over the year (an assumption).

    ``mean_c + amplitude_k · cos(2π (day_of_year − warmest_day) / 365.25)``: the ground at
    the depth of horizontal collectors follows the air temperature's annual cycle, damped
    and delayed. The defaults (7 °C mean, ±5 K, warmest on day 230) are flagged
    assumptions (see :class:`HeatPumpSupply`); the collector's draw-down in long cold
    spells is not modelled.

    Parameters
    ----------
    day_of_year : float or array_like
        Day of the year, 1 = 1 January (fractions allowed). [d]
    mean_c : float
        Annual mean source temperature. [°C]
    amplitude_k : float
        Half the seasonal swing, >= 0. [K]
    warmest_day : float
        Day of the year of the maximum. [d]

    Returns
    -------
    numpy.ndarray
        Source temperature, same shape as ``day_of_year``. [°C]
    """
    day = _array("day_of_year", day_of_year, unit="d")
    mean = _scalar("mean_c", mean_c, unit="°C")
    amplitude = _scalar("amplitude_k", amplitude_k, low=0.0, unit="K")
    peak = _scalar("warmest_day", warmest_day, unit="d")
    return mean + amplitude * np.cos(2.0 * np.pi * (day - peak) / _DAYS_PER_YEAR)


# --------------------------------------------------------------------------------------
# Final energy
# --------------------------------------------------------------------------------------


def delivery_efficiency(theta_e, params: SupplySection | None = None, *,
                        day_of_year=None) -> tuple[np.ndarray, np.ndarray]:
    """Useful heat per unit of final energy for each heating system and hour.

    ============================  ================================================
    system                        useful heat / final energy
    ============================  ================================================
    ``district_heating``          substation efficiency
    ``heat_pump_air``             COP(sink, outdoor air) × correction
    ``heat_pump_ground``          COP(sink, ground source) × correction
    ``gas_boiler``                gas boiler efficiency
    ``oil_boiler``                oil boiler efficiency
    ``biomass_boiler``            biomass boiler efficiency
    ``electric_direct``           1 (resistance heating)
    ============================  ================================================

    The heat-pump sink is the heating curve's flow temperature for space heating and the
    fixed DHW temperature for domestic hot water; the ground source follows
    :func:`ground_source_temperature`. All parameters come from ``params``.

    Parameters
    ----------
    theta_e : (n_h,) array_like
        Hourly outdoor air temperature. [°C]
    params : SupplySection, optional
        Supply parameters; default ``SupplySection()``.
    day_of_year : (n_h,) array_like, optional
        Day of the year of each hour, for the ground temperature; default: the hours
        start on 1 January at 00:00. [d]

    Returns
    -------
    space_heating, dhw : tuple of numpy.ndarray
        Each of shape (n_systems, n_h), rows in the order of :data:`HEATING_SYSTEMS`. [-]
    """
    p = _section(params)
    outdoor = _array("theta_e", theta_e, ndim=1, unit="°C")
    n_h = outdoor.shape[0]
    day = _day_of_year(day_of_year, n_h)
    hp = p.heat_pumps
    curve = hp.heating_curve
    sink_space = supply_temperature(
        outdoor,
        design_supply_c=curve.supply_temperature_design.canonical,
        design_outdoor_c=curve.outdoor_temperature_design.canonical,
        mild_supply_c=curve.supply_temperature_mild.canonical,
        mild_outdoor_c=curve.outdoor_temperature_mild.canonical,
    )
    sink_dhw = np.full(n_h, hp.dhw_temperature.canonical)
    ground = ground_source_temperature(
        day, mean_c=hp.ground_temperature_mean.canonical,
        amplitude_k=hp.ground_temperature_amplitude.canonical,
        warmest_day=hp.ground_temperature_warmest_day.canonical,
    )
    constant = {
        "district_heating": p.district_heating.substation_efficiency.canonical,
        "gas_boiler": p.boilers.gas_efficiency.canonical,
        "oil_boiler": p.boilers.oil_efficiency.canonical,
        "biomass_boiler": p.boilers.biomass_efficiency.canonical,
        "electric_direct": 1.0,
    }
    source = {"air": outdoor, "ground": ground}
    correction = {"air": hp.correction_factor_air.canonical, "ground": hp.correction_factor_ground.canonical}
    space = np.empty((len(HEATING_SYSTEMS), n_h))
    dhw = np.empty((len(HEATING_SYSTEMS), n_h))
    for i, system in enumerate(HEATING_SYSTEMS):
        if system in HEAT_PUMP_SYSTEMS:
            kind = HEAT_PUMP_SYSTEMS[system]
            space[i] = heat_pump_cop(sink_space, source[kind], kind, correction_factor=correction[kind])
            dhw[i] = heat_pump_cop(sink_dhw, source[kind], kind, correction_factor=correction[kind])
        else:
            space[i] = constant[system]
            dhw[i] = constant[system]
    return space, dhw


def _heat_array(name: str, value, n_h: int | None) -> np.ndarray:
    array = _array(name, value, ndim=2, nonneg=True, unit="kW")
    n_s = len(HEATING_SYSTEMS)
    if array.shape[0] != n_s or (n_h is not None and array.shape[1] != n_h):
        expected = f"({n_s}, {'n_h' if n_h is None else n_h})"
        raise ValueError(f"{name}: expected shape {expected}, one row per system of HEATING_SYSTEMS "
                         f"({', '.join(HEATING_SYSTEMS)}), got {array.shape}")
    return array


def final_energy_by_system(heat_by_system_kw, dhw_by_system_kw, theta_e,
                           params: SupplySection | None = None, *, day_of_year=None,
                           efficiency: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """Hourly final energy of each heating system for space heating and hot water.

    ``final = space_heat / efficiency_space + dhw / efficiency_dhw`` with the
    efficiencies of :func:`delivery_efficiency` (COPs for heat pumps).

    Parameters
    ----------
    heat_by_system_kw : (n_systems, n_h) array_like
        Useful space heat supplied by each system of :data:`HEATING_SYSTEMS`, >= 0. [kW]
    dhw_by_system_kw : (n_systems, n_h) array_like or None
        Useful heat for domestic hot water by system, >= 0; None for none. [kW]
    theta_e : (n_h,) array_like
        Outdoor air temperature. [°C]
    params : SupplySection, optional
        Supply parameters; default ``SupplySection()``.
    day_of_year : (n_h,) array_like, optional
        Day of the year of each hour (see :func:`delivery_efficiency`). [d]
    efficiency : tuple of two (n_systems, n_h) ndarray, optional
        ``delivery_efficiency(theta_e, params, day_of_year=day_of_year)`` if already
        computed (e.g. for several sectors of one year); default: computed here. [-]

    Returns
    -------
    numpy.ndarray
        Final energy, shape (n_systems, n_h), in the carrier of each system
        (:data:`CARRIER_OF_SYSTEM`). [kW]
    """
    heat = _heat_array("heat_by_system_kw", heat_by_system_kw, None)
    n_h = heat.shape[1]
    outdoor = _array("theta_e", theta_e, shape=(n_h,), unit="°C")
    if efficiency is None:
        efficiency = delivery_efficiency(outdoor, params, day_of_year=day_of_year)
    eff_space, eff_dhw = efficiency
    for name, eff in zip(("space heating", "dhw"), efficiency):
        if np.shape(eff) != heat.shape:
            raise ValueError(f"efficiency ({name}): expected shape {heat.shape}, got {np.shape(eff)}")
    final = heat / eff_space
    if dhw_by_system_kw is not None:
        final += _heat_array("dhw_by_system_kw", dhw_by_system_kw, n_h) / eff_dhw
    return final


def final_energy(heat_by_system_kw, dhw_by_system_kw, cooling_kw, theta_e,
                 params: SupplySection | None = None, *, day_of_year=None,
                 efficiency: tuple[np.ndarray, np.ndarray] | None = None) -> dict[str, np.ndarray]:
    """Hourly final energy by carrier for heating, hot water and cooling.

    Heating and hot water go through :func:`final_energy_by_system` and are summed by
    :data:`CARRIER_OF_SYSTEM`: district heating draws delivered heat / substation
    efficiency, heat pumps electricity = heat / COP(t), boilers fuel = heat / efficiency,
    direct electric heating electricity = heat. Cooling needs electricity = cooling /
    EER (``params.cooling.eer``, an assumption).

    Parameters
    ----------
    heat_by_system_kw : (n_systems, n_h) array_like
        Useful space heat by system, rows in the order of :data:`HEATING_SYSTEMS`. [kW]
    dhw_by_system_kw : (n_systems, n_h) array_like or None
        Useful domestic-hot-water heat by system; None for none. [kW]
    cooling_kw : (n_h,) array_like or None
        Cooling need, positive; None for none. [kW]
    theta_e : (n_h,) array_like
        Outdoor air temperature. [°C]
    params : SupplySection, optional
        Supply parameters; default ``SupplySection()``.
    day_of_year : (n_h,) array_like, optional
        Day of the year of each hour; default: the hours start on 1 January. [d]
    efficiency : tuple of two (n_systems, n_h) ndarray, optional
        ``delivery_efficiency(theta_e, params, day_of_year=day_of_year)`` if already
        computed (e.g. for several sectors of one year); default: computed here. [-]

    Returns
    -------
    dict of str to numpy.ndarray
        One (n_h,) array per carrier of :data:`CARRIERS` (all present, zeros if unused). [kW]

    Examples
    --------
    >>> n_h = 3
    >>> heat = np.zeros((len(HEATING_SYSTEMS), n_h))
    >>> heat[HEATING_SYSTEMS.index("gas_boiler")] = 9.5
    >>> final_energy(heat, None, None, [0.0, 0.0, 0.0])["natural_gas"].tolist()
    [10.0, 10.0, 10.0]
    """
    p = _section(params)
    by_system = final_energy_by_system(heat_by_system_kw, dhw_by_system_kw, theta_e, p,
                                       day_of_year=day_of_year, efficiency=efficiency)
    n_h = by_system.shape[1]
    result = {carrier: np.zeros(n_h) for carrier in CARRIERS}
    for i, system in enumerate(HEATING_SYSTEMS):
        result[CARRIER_OF_SYSTEM[system]] += by_system[i]
    if cooling_kw is not None:
        cooling = _array("cooling_kw", cooling_kw, shape=(n_h,), nonneg=True, unit="kW")
        result["electricity"] += cooling / p.cooling.eer.canonical
    return result


def district_heat_production(delivered_kw, network_loss: float) -> np.ndarray:
    """Heat fed into the district-heating network for a delivered amount.

    ``production = delivered / (1 − network_loss)``, the loss being a share of the heat
    fed in (:attr:`DistrictHeatingSupply.network_loss`).

    Parameters
    ----------
    delivered_kw : float or array_like
        Heat delivered to the substations. [kW]
    network_loss : float
        Share of the fed-in heat lost in the network, in [0, 1). [-]

    Returns
    -------
    numpy.ndarray
        Heat produced at the plants. [kW]

    Examples
    --------
    >>> float(district_heat_production(80.0, 0.2)[()])
    100.0
    """
    loss = _scalar("network_loss", network_loss, low=0.0, unit="-")
    if loss >= 1.0:
        raise ValueError(f"network_loss = {network_loss!r}: must be < 1 [-]")
    return _array("delivered_kw", delivered_kw, nonneg=True, unit="kW") / (1.0 - loss)


# --------------------------------------------------------------------------------------
# Rooftop PV
# --------------------------------------------------------------------------------------

_SAPM_MOUNTING = {"close_mount": "close_mount_glass_glass", "open_rack": "open_rack_glass_polymer"}


def pv_generation(weather: Weather, kwp, surface_tilt, surface_azimuth, *,
                  system_losses: float = 0.14, albedo: float = 0.2,
                  temperature_coefficient: float = -0.0037, inverter_efficiency: float = 0.96,
                  dc_ac_ratio: float = 1.1, mounting: str = "close_mount") -> np.ndarray:
    """Hourly AC power of rooftop PV arrays (PVWatts).

    The chain, all from pvlib at the mid-hour solar position of
    :func:`smartcity.weather.solar_position`:

    1. plane-of-array beam, sky-diffuse (Perez 1990) and ground-reflected irradiance
       (:func:`pvlib.irradiance.get_total_irradiance`);
    2. reflection losses at the glass: the physical incidence-angle modifier for the
       beam (:func:`pvlib.iam.physical`) and its integrals over the sky and the ground
       for the diffuse parts (:func:`pvlib.iam.marion_diffuse`), as PVWatts does;
    3. cell temperature by the Sandia (SAPM) model (:func:`pvlib.temperature.sapm_cell`)
       with the 'close_mount_glass_glass' parameters for modules close to a pitched roof
       or 'open_rack_glass_polymer' for racks;
    4. DC power by PVWatts (:func:`pvlib.pvsystem.pvwatts_dc`), reduced by
       ``system_losses`` (PVWatts' lumped losses);
    5. AC power by the PVWatts inverter model (:func:`pvlib.inverter.pvwatts`) with an AC
       rating of ``kwp / dc_ac_ratio``.

    A south-facing array tilted 35° on the built-in Aalborg reference year yields
    about 900 kWh/kWp per year (close mount), inside the 850-1,000 kWh/kWp reported for Danish
    rooftop PV.

    Parameters
    ----------
    weather : Weather
        Hourly weather (GHI, DNI, DHI, air temperature, wind speed) and location.
    kwp : float or (n_arrays,) array_like
        DC rating of each array at standard test conditions, >= 0. [kWp]
    surface_tilt : float or (n_arrays,) array_like
        Tilt from horizontal, 0-90. [deg]
    surface_azimuth : float or (n_arrays,) array_like
        Direction the array faces, N=0, E=90, S=180, W=270. [deg]
    system_losses : float, default 0.14
        Share of DC energy lost (soiling, shading, mismatch, wiring, ageing), in [0, 1). [-]
    albedo : float, default 0.2
        Ground reflectance, 0-1. [-]
    temperature_coefficient : float, default -0.0037
        Relative change of DC power per kelvin of cell temperature above 25 °C. [1/K]
    inverter_efficiency : float, default 0.96
        Nominal inverter efficiency, (0, 1]. [-]
    dc_ac_ratio : float, default 1.1
        DC rating over inverter AC rating, > 0. [-]
    mounting : {'close_mount', 'open_rack'}
        Cell-temperature parameters.

    Returns
    -------
    numpy.ndarray
        AC power, shape (n_h,) for scalar arguments, else (n_h, n_arrays); >= 0. [kW]

    Raises
    ------
    ValueError
        For out-of-range arguments or arrays of unequal length.

    References
    ----------
    .. [1] Dobos, A. P. (2014). PVWatts Version 5 Manual. NREL/TP-6A20-62641.
       https://doi.org/10.2172/1158421
    .. [2] King, D. L., Boyson, W. E., Kratochvil, J. A. (2004). Photovoltaic array
       performance model. SAND2004-3535, Sandia National Laboratories.
    .. [3] Perez, R., Ineichen, P., Seals, R., Michalsky, J., Stewart, R. (1990).
       Modeling daylight availability and irradiance components from direct and global
       irradiance. Solar Energy 44(5), 271-289.
    """
    if not isinstance(weather, Weather):
        raise ValueError(f"weather: expected a Weather, got {type(weather).__name__}")
    scalar_input = all(np.ndim(v) == 0 for v in (kwp, surface_tilt, surface_azimuth))
    ratings = np.atleast_1d(_array("kwp", kwp, nonneg=True, unit="kWp"))
    tilt = np.atleast_1d(_array("surface_tilt", surface_tilt, unit="deg"))
    azimuth = np.atleast_1d(_array("surface_azimuth", surface_azimuth, unit="deg"))
    for name, values, (low, high) in (("surface_tilt", tilt, (0.0, 90.0)),
                                      ("surface_azimuth", azimuth, (0.0, 360.0))):
        if values.ndim != 1:
            raise ValueError(f"{name}: expected a scalar or a 1-D array, got shape {values.shape}")
        _first_bad(name, values, (values < low) | (values > high), f"must be in [{low:g}, {high:g}] [deg]")
    sizes = {ratings.size, tilt.size, azimuth.size} - {1}
    if len(sizes) > 1 or ratings.ndim != 1:
        raise ValueError("kwp, surface_tilt and surface_azimuth: expected scalars or 1-D arrays of equal "
                         f"length, got shapes {ratings.shape}, {tilt.shape}, {azimuth.shape}")
    ratings, tilt, azimuth = np.broadcast_arrays(ratings, tilt, azimuth)
    losses = _scalar("system_losses", system_losses, low=0.0, unit="-")
    if losses >= 1.0:
        raise ValueError(f"system_losses = {system_losses!r}: must be < 1 [-]")
    albedo = _scalar("albedo", albedo, low=0.0, high=1.0, unit="-")
    gamma = _scalar("temperature_coefficient", temperature_coefficient, low=-0.02, high=0.0, unit="1/K")
    eta_inv = _scalar("inverter_efficiency", inverter_efficiency, low=0.0, low_open=True, high=1.0, unit="-")
    ratio = _scalar("dc_ac_ratio", dc_ac_ratio, low=0.0, low_open=True, unit="-")
    if mounting not in _SAPM_MOUNTING:
        raise ValueError(f"mounting = {mounting!r}: must be one of {', '.join(_SAPM_MOUNTING)}")

    sun = solar_position(weather)
    zenith = sun["zenith"].to_numpy()[:, None]
    solar_azimuth = sun["azimuth"].to_numpy()[:, None]
    mid_hour = weather.index + _HALF_HOUR
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        airmass = pvlib.atmosphere.get_relative_airmass(sun["apparent_zenith"].to_numpy())
        poa = pvlib.irradiance.get_total_irradiance(
            tilt[None, :], azimuth[None, :], zenith, solar_azimuth,
            weather.dni[:, None], weather.ghi[:, None], weather.dhi[:, None],
            dni_extra=pvlib.irradiance.get_extra_radiation(mid_hour.day_of_year.to_numpy())[:, None],
            airmass=airmass[:, None], albedo=albedo, model="perez")
        aoi = pvlib.irradiance.aoi(tilt[None, :], azimuth[None, :], zenith, solar_azimuth)
        iam_beam = pvlib.iam.physical(aoi)
    iam_diffuse = pvlib.iam.marion_diffuse("physical", tilt)

    def component(key: str) -> np.ndarray:
        values = np.broadcast_to(np.asarray(poa[key], dtype=np.float64), (weather.n_hours, tilt.size))
        return np.nan_to_num(values, nan=0.0, posinf=0.0, neginf=0.0).clip(min=0.0)

    beam, sky, ground = component("poa_direct"), component("poa_sky_diffuse"), component("poa_ground_diffuse")
    iam_beam = np.nan_to_num(np.asarray(iam_beam, dtype=np.float64), nan=0.0).clip(0.0, 1.0)
    effective = (beam * iam_beam + sky * np.asarray(iam_diffuse["sky"])[None, :]
                 + ground * np.asarray(iam_diffuse["ground"])[None, :])
    poa_global = beam + sky + ground

    sapm = pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"][_SAPM_MOUNTING[mounting]]
    temp_cell = pvlib.temperature.sapm_cell(poa_global, weather.temp_air[:, None],
                                            weather.wind_speed[:, None], **sapm)
    dc = pvlib.pvsystem.pvwatts_dc(effective, temp_cell, pdc0=ratings[None, :], gamma_pdc=gamma)
    dc = np.asarray(dc, dtype=np.float64).clip(min=0.0) * (1.0 - losses)
    inverter_dc_limit = ratings / ratio / eta_inv
    with np.errstate(divide="ignore", invalid="ignore"):
        ac = pvlib.inverter.pvwatts(dc, np.broadcast_to(inverter_dc_limit, dc.shape), eta_inv_nom=eta_inv)
    ac = np.nan_to_num(np.asarray(ac, dtype=np.float64), nan=0.0).clip(min=0.0)
    ac[:, ratings == 0.0] = 0.0
    return np.ascontiguousarray(ac[:, 0] if scalar_input else ac)


# --------------------------------------------------------------------------------------
# Electricity balance with an optional battery
# --------------------------------------------------------------------------------------


@numba.njit(cache=True)
def _battery_kernel(surplus, capacity, power, eta_charge, eta_discharge, state0,
                    charge, discharge, state):  # pragma: no cover - compiled
    """Greedy self-consumption battery.

    surplus : (n_h,) generation − demand [kW]; charge, discharge, state : (n_h,) outputs,
    filled in place: power from the bus into the battery, power from the battery to the
    bus [kW], and the stored energy at the end of each hour [kWh].
    """
    soc = state0
    for t in range(surplus.shape[0]):
        s = surplus[t]
        if s > 0.0:
            c = min(s, power, (capacity - soc) / eta_charge)
            if c < 0.0:
                c = 0.0
            soc = min(capacity, soc + c * eta_charge)
            charge[t] = c
        elif s < 0.0:
            d = min(-s, power, soc * eta_discharge)
            if d < 0.0:
                d = 0.0
            soc = max(0.0, soc - d / eta_discharge)
            discharge[t] = d
        state[t] = soc


def electricity_balance(demand_kw, generation_kw, battery_kwh: float = 0.0,
                        battery_power_kw: float | None = None, efficiency: float = 0.9, *,
                        initial_state_kwh: float = 0.0) -> dict[str, np.ndarray]:
    """Hourly grid import and export of a site with generation and an optional battery.

    Generation first covers the demand of the same hour (``self_consumed =
    min(demand, generation)``). With a battery, a greedy self-consumption rule follows:
    the surplus charges the battery and the deficit is covered from it, each limited by
    the battery's power and its free or stored energy; the battery never charges from
    or exports to the grid. Whatever remains is exported or imported.

    The round-trip ``efficiency`` is split equally between charging and discharging
    (√η each): storing ``c`` kWh from the bus adds ``c·√η`` to the state, taking ``d``
    kWh to the bus removes ``d/√η``. So, every hour,

        import − export = demand − generation + charge − discharge,

    and over the period the battery losses are Σcharge − Σdischarge − (final − initial
    state). One-hour steps: powers in kW are energies in kWh per hour.

    Parameters
    ----------
    demand_kw : (n_h,) array_like
        Electricity demand, >= 0. [kW]
    generation_kw : (n_h,) array_like
        On-site generation (e.g. :func:`pv_generation`), >= 0. [kW]
    battery_kwh : float, default 0
        Usable battery capacity, >= 0; 0 for no battery. [kWh]
    battery_power_kw : float, optional
        Charge and discharge power limit, > 0; default ``battery_kwh / 2`` (a battery
        that fills in two hours, typical of home batteries). [kW]
    efficiency : float, default 0.9
        Round-trip efficiency, (0, 1]. [-]
    initial_state_kwh : float, default 0
        Stored energy at the start, within [0, battery_kwh]. [kWh]

    Returns
    -------
    dict of str to numpy.ndarray
        Each (n_h,): ``import``, ``export``, ``self_consumed`` (generation used in the
        same hour on site), ``battery_charge``, ``battery_discharge`` [kW] and
        ``battery_state`` (stored energy at the end of each hour) [kWh].

    Examples
    --------
    >>> b = electricity_balance([1.0, 3.0], [3.0, 0.0], battery_kwh=10.0, battery_power_kw=5.0,
    ...                         efficiency=1.0)
    >>> b["export"].tolist(), b["import"].tolist(), b["battery_state"].tolist()
    ([0.0, 0.0], [0.0, 1.0], [2.0, 0.0])
    """
    demand = _array("demand_kw", demand_kw, ndim=1, nonneg=True, unit="kW")
    generation = _array("generation_kw", generation_kw, shape=demand.shape, nonneg=True, unit="kW")
    capacity = _scalar("battery_kwh", battery_kwh, low=0.0, unit="kWh")
    power = capacity / 2.0 if battery_power_kw is None else _scalar(
        "battery_power_kw", battery_power_kw, low=0.0, low_open=True, unit="kW")
    eta = _scalar("efficiency", efficiency, low=0.0, low_open=True, high=1.0, unit="-")
    state0 = _scalar("initial_state_kwh", initial_state_kwh, low=0.0, high=capacity, unit="kWh")

    n_h = demand.shape[0]
    self_consumed = np.minimum(demand, generation)
    surplus = generation - demand
    charge = np.zeros(n_h)
    discharge = np.zeros(n_h)
    state = np.full(n_h, state0)
    if capacity > 0.0 and n_h:
        eta_one_way = math.sqrt(eta)
        _battery_kernel(surplus, capacity, power, eta_one_way, eta_one_way, state0, charge, discharge, state)
    excess = np.maximum(surplus, 0.0)
    deficit = np.maximum(-surplus, 0.0)
    return {
        "import": np.maximum(deficit - discharge, 0.0),
        "export": np.maximum(excess - charge, 0.0),
        "self_consumed": self_consumed,
        "battery_charge": charge,
        "battery_discharge": discharge,
        "battery_state": state,
    }


# --------------------------------------------------------------------------------------
# Grid carbon intensity
# --------------------------------------------------------------------------------------

_ENERGINET_TIME = "Minutes5UTC"
_ENERGINET_AREA = "PriceArea"
_ENERGINET_VALUE = "CO2Emission"
_ENERGINET_COLUMNS = ("Minutes5UTC", "Minutes5DK", "PriceArea", "CO2Emission")
_MAX_INTENSITY = 2000.0  # [g/kWh]; more than any fuel mix can emit


def read_energinet_co2(path: str | Path, price_area: str = "DK1", year: int | None = None) -> pd.Series:
    """Hourly CO2 intensity of grid electricity from an Energi Data Service export.

    Reads a CSV export of Energinet's "CO2 Emission" dataset (``CO2Emis``; the forecast
    ``CO2EmisProg`` has the same columns) [1]_: one row per five minutes and price
    area, columns ``Minutes5UTC`` (start of the interval, UTC), ``Minutes5DK`` (the same
    in Danish clock time), ``PriceArea`` (``DK1``/``DK2``) and ``CO2Emission`` (g CO2 per
    kWh consumed). The dataset's data dictionary gives these columns; the layout of the
    file itself is an assumption, read leniently:

    * the separator is ``;`` if the header line contains one, else ``,`` (the API's
      ``download?format=csv`` writes commas; spreadsheets in Danish locale semicolons);
    * a decimal comma in a value is read as a decimal point;
    * times are ISO 8601 (``2023-01-01T00:00:00``, ``2023-01-01 00:00`` or with a
      trailing ``Z``); times without an offset are UTC, as the column name says;
    * rows may come in any order (the service lists the newest first); extra columns
      are ignored; a UTF-8 byte-order mark is allowed.

    Only ``Minutes5UTC`` is used for time (Danish clock time repeats an hour in
    October). Each five-minute value is assigned to its hour in Danish standard time
    (UTC+1, the time zone of :class:`~smartcity.weather.Weather`) and the values of an
    hour are averaged.

    Parameters
    ----------
    path : str or Path
        The CSV file.
    price_area : {'DK1', 'DK2'}
        Price area whose rows are read. Aalborg lies in DK1.
    year : int, optional
        Return only this year (standard time), which must then be complete (8760 or
        8784 hours). Without it, all hours from the first to the last in the file, which
        must have no gaps.

    Returns
    -------
    pandas.Series
        Hourly mean intensity [g/kWh], float64, indexed by the start of each hour in
        Danish standard time (``'Etc/GMT-1'``), named ``co2_g_per_kwh``.

    Raises
    ------
    InputError
        Naming the file, and the line and column where they apply: unreadable file,
        missing column, a line with the wrong number of fields, a time that is not ISO
        8601, a value that is not a number or is out of [0, 2000] g/kWh, no rows for
        the price area, the same time twice, or missing hours.

    References
    ----------
    .. [1] Energinet, Energi Data Service, "CO2 Emission" (CO2Emis).
       https://www.energidataservice.dk/tso-electricity/CO2Emis
    """
    path = Path(path)
    if price_area not in PRICE_AREAS:
        raise InputError("unknown price area", key="price_area", value=price_area,
                         allowed=" or ".join(PRICE_AREAS))
    if year is not None and (isinstance(year, bool) or not isinstance(year, (int, np.integer))):
        raise InputError("year must be an integer", key="year", value=year)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror or exc})", file=path) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not a UTF-8 text file (byte {exc.start})", file=path) from None

    lines = text.splitlines()
    header_at = next((i for i, line in enumerate(lines) if line.strip()), None)
    if header_at is None:
        raise InputError("empty file", file=path,
                         allowed="a header line with " + ", ".join(_ENERGINET_COLUMNS) + ", then data rows")
    delimiter = ";" if ";" in lines[header_at] else ","
    header = [name.strip().lstrip("\ufeff") for name in next(csv.reader([lines[header_at]], delimiter=delimiter))]
    for column in (_ENERGINET_TIME, _ENERGINET_AREA, _ENERGINET_VALUE):
        if column not in header:
            raise InputError("missing required column", file=path, row=header_at + 1, line=True,
                             column=column, allowed="the columns of the 'CO2 Emission' dataset: "
                             + ", ".join(_ENERGINET_COLUMNS))
    i_time, i_area, i_value = (header.index(c) for c in (_ENERGINET_TIME, _ENERGINET_AREA, _ENERGINET_VALUE))

    numbers = [i + 1 for i in range(header_at + 1, len(lines)) if lines[i].strip()]
    records = list(csv.reader((lines[n - 1] for n in numbers), delimiter=delimiter))
    for line_no, fields in zip(numbers, records):
        if len(fields) != len(header):
            raise InputError(f"expected {len(header)} fields separated by '{delimiter}', found {len(fields)}",
                             file=path, row=line_no, line=True, value=lines[line_no - 1][:80])
    if not records:
        raise InputError("no data rows", file=path, allowed="one row per five minutes and price area")
    line_of = np.asarray(numbers, dtype=np.int64)
    times_text = pd.Series([r[i_time].strip() for r in records], dtype=object)
    areas = np.asarray([r[i_area].strip() for r in records], dtype=object)
    values_text = pd.Series([r[i_value].strip() for r in records], dtype=object)

    values = pd.to_numeric(values_text.str.replace(",", ".", regex=False), errors="coerce").to_numpy(np.float64)
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size:
        i = int(bad[0])
        raise InputError("not a number" if values_text[i] else "missing value", file=path,
                         row=int(line_of[i]), line=True, column=_ENERGINET_VALUE, value=values_text[i],
                         allowed="a number of g CO2/kWh (decimal point or comma)")
    bad = np.flatnonzero((values < 0.0) | (values > _MAX_INTENSITY))
    if bad.size:
        i = int(bad[0])
        raise InputError("value out of range", file=path, row=int(line_of[i]), line=True,
                         column=_ENERGINET_VALUE, value=float(values[i]),
                         allowed=f"a number in [0, {_MAX_INTENSITY:g}] [g/kWh]")
    times = _parse_utc(times_text)
    bad = np.flatnonzero(times.isna().to_numpy())
    if bad.size:
        i = int(bad[0])
        raise InputError("not an ISO 8601 time", file=path, row=int(line_of[i]), line=True,
                         column=_ENERGINET_TIME, value=times_text[i],
                         allowed="e.g. 2023-01-01T00:00:00 or 2023-01-01 00:00 (UTC)")

    selected = np.flatnonzero(areas == price_area)
    if not selected.size:
        present = sorted(set(areas.tolist()))
        raise InputError("no rows for this price area", file=path, column=_ENERGINET_AREA, value=price_area,
                         allowed="a price area present in the file: " + ", ".join(present))
    utc = pd.DatetimeIndex(times.to_numpy()[selected])
    lines_sel = line_of[selected]
    order = np.argsort(utc.asi8, kind="stable")
    utc, lines_sel, vals = utc[order], lines_sel[order], values[selected][order]
    duplicated = np.flatnonzero(utc.duplicated())
    if duplicated.size:
        i = int(duplicated[0])
        raise InputError(f"the same time appears twice for {price_area}", file=path, row=int(lines_sel[i]),
                         line=True, column=_ENERGINET_TIME, value=utc[i].isoformat(),
                         allowed="one row per time and price area")

    hours = utc.tz_convert(LOCAL_STANDARD_TIME).floor("h")
    hourly = pd.Series(vals, index=hours).groupby(level=0).mean()
    if year is not None:
        n_hours = 8784 if _is_leap(int(year)) else 8760
        expected = pd.date_range(pd.Timestamp(year=int(year), month=1, day=1, tz=LOCAL_STANDARD_TIME),
                                 periods=n_hours, freq="h")
        hourly = hourly[hourly.index.year == int(year)]
        if hourly.empty:
            raise InputError(f"no data for {year} in {price_area}", file=path, column=_ENERGINET_TIME,
                             allowed=f"times from {hours[0].isoformat()} to {hours[-1].isoformat()} "
                                     "(Danish standard time)")
    else:
        expected = pd.date_range(hourly.index[0], hourly.index[-1], freq="h")
    missing = expected.difference(hourly.index)
    if len(missing):
        after = np.flatnonzero(hours > missing[0])
        where = {"row": int(lines_sel[after[0]]), "line": True} if after.size else {}
        raise InputError(
            f"{len(missing)} hour(s) without data for {price_area}, the first {missing[0].isoformat()} "
            "(Danish standard time)", file=path, column=_ENERGINET_TIME,
            allowed="every hour of the period" + (f" {year}" if year is not None else ""), **where)
    hourly = hourly.reindex(expected).astype(np.float64)
    hourly.index.name = "time"
    hourly.name = "co2_g_per_kwh"
    hourly.attrs.update({"units": "g/kWh", "price_area": price_area, "source": str(path)})
    return hourly


def _parse_utc(text: pd.Series) -> pd.Series:
    """ISO 8601 strings to UTC timestamps (naive strings are UTC); NaT where unreadable."""
    parsed = pd.to_datetime(text, format="ISO8601", utc=True, errors="coerce")
    if parsed.isna().any():  # mixed offsets or separators: parse the rest one by one
        rest = parsed.isna() & text.astype(bool)
        for i in np.flatnonzero(rest.to_numpy()):
            try:
                stamp = pd.Timestamp(text.iloc[i])
            except (ValueError, TypeError):
                continue
            parsed.iloc[i] = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    return parsed


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


#: Parameters of :func:`default_grid_shape` (relative amplitudes, days and hours).
GRID_SHAPE_PARAMETERS = {
    "seasonal_amplitude": 0.20,
    "peak_day": 15.0,
    "evening_amplitude": 0.10,
    "evening_hour": 18.0,
    "evening_width_h": 2.0,
    "night_amplitude": 0.05,
    "night_hour": 3.0,
    "night_width_h": 2.5,
    "solar_amplitude": 0.15,
    "solar_hour": 12.5,
    "solar_width_h": 2.5,
}


def default_grid_shape(index: pd.DatetimeIndex) -> np.ndarray:
    """Built-in hourly shape of the grid's carbon intensity, mean 1 (an assumption).

    No measured hourly series for Danish electricity ships with the package, so this
    shape is constructed; it should be replaced by a measured year (Energi Data Service,
    :func:`read_energinet_co2`) where one is at hand. Before normalisation to mean 1,

        s(t) = 1 + A_s cos(2π (d − d_peak) / 365.25)
                 + A_e g(h; 18 h, 2 h) − A_n g(h; 3 h, 2.5 h)
                 − A_pv w_summer(d) g(h; 12.5 h, 2.5 h),

    with d the day of the year, h the mid-hour clock hour of ``index``,
    g(h; μ, σ) = exp(−½ ((h − μ)/σ)²) on a 24-hour circle and
    w_summer = (1 − cos(2π (d − d_peak)/365.25)) / 2. The reasons, each a judgement
    rather than a fit (amplitudes in :data:`GRID_SHAPE_PARAMETERS`):

    * winter higher (A_s = 0.20, peak mid-January): combined heat and power plants on
      fossil and biomass fuels run for heat in winter and demand peaks then;
    * evening peak (A_e = 0.10 at 18 h): peak demand is met by thermal plants and
      imports once solar output has gone;
    * night trough (A_n = 0.05 at 3 h): low demand, so wind covers a larger share;
    * summer midday dip (A_pv = 0.15 at 12.5 h, weighted by summer): solar PV.

    Weather (wind, which drives most of the real variation in DK1) is not used: the
    built-in reference year has no synoptic wind variation.

    Parameters
    ----------
    index : pandas.DatetimeIndex
        Start of each hour (local time of the weather, e.g. ``Weather.index``).

    Returns
    -------
    numpy.ndarray
        Shape (len(index),), positive, mean exactly 1 up to rounding. [-]
    """
    if not isinstance(index, pd.DatetimeIndex):
        raise ValueError(f"index: expected a pandas.DatetimeIndex, got {type(index).__name__}")
    if len(index) == 0:
        raise ValueError("index: empty")
    p = GRID_SHAPE_PARAMETERS
    day = index.day_of_year.to_numpy(dtype=np.float64)
    hour = index.hour.to_numpy(dtype=np.float64) + index.minute.to_numpy(dtype=np.float64) / 60.0 + 0.5
    season = np.cos(2.0 * np.pi * (day - p["peak_day"]) / _DAYS_PER_YEAR)

    def bump(centre: float, width: float) -> np.ndarray:
        distance = (hour - centre + 12.0) % 24.0 - 12.0
        return np.exp(-0.5 * (distance / width) ** 2)

    shape = (1.0 + p["seasonal_amplitude"] * season
             + p["evening_amplitude"] * bump(p["evening_hour"], p["evening_width_h"])
             - p["night_amplitude"] * bump(p["night_hour"], p["night_width_h"])
             - p["solar_amplitude"] * 0.5 * (1.0 - season) * bump(p["solar_hour"], p["solar_width_h"]))
    shape = np.maximum(shape, 0.05)
    return shape / shape.mean()


def _align_hours(values: np.ndarray, n_h: int) -> np.ndarray:
    """Match an hourly year to ``n_h`` hours by position, dropping or repeating 29 February."""
    n = values.shape[0]
    feb29 = slice(59 * 24, 60 * 24)
    if n == n_h:
        return values
    if n == 8784 and n_h == 8760:
        return np.delete(values, np.arange(feb29.start, feb29.stop))
    if n == 8760 and n_h == 8784:
        return np.insert(values, feb29.start, values[58 * 24:59 * 24])
    raise ValueError(f"shape: {n} hourly values do not match the {n_h} hours of index")


def grid_intensity(year: int, annual_mean_g_per_kwh, index: pd.DatetimeIndex, shape=None) -> np.ndarray:
    """Hourly carbon intensity of grid electricity for one simulated year.

    ``intensity = annual_mean × shape / mean(shape)``: the time mean over the hours of
    ``index`` equals the year's value of the trajectory. Note that the mean weighted by
    a district's consumption differs from it (more so where the demand follows the
    shape, e.g. electric heating in winter), as it does in reality.

    Parameters
    ----------
    year : int
        Simulated year; selects the trajectory's value. [a]
    annual_mean_g_per_kwh : float or Trajectory
        Yearly mean intensity [g/kWh], or a trajectory (e.g.
        ``SupplySection().electricity.emission_factor``) evaluated at ``year``.
    index : pandas.DatetimeIndex
        Start of each hour of the simulated weather year (``Weather.index``).
    shape : array_like or pandas.Series, optional
        Hourly shape, e.g. a measured series from :func:`read_energinet_co2`; only its
        relative variation is used. Matched to ``index`` by position (hour of the year);
        a leap year's 29 February is dropped, or 28 February repeated, if the lengths
        differ by that day. Default :func:`default_grid_shape` (an assumption).

    Returns
    -------
    numpy.ndarray
        Hourly intensity, shape (len(index),), >= 0. [g/kWh]

    Examples
    --------
    >>> index = pd.date_range("2030-01-01", periods=8760, freq="h", tz="Etc/GMT-1")
    >>> round(float(grid_intensity(2030, 40.0, index).mean()), 9)
    40.0
    """
    if not isinstance(index, pd.DatetimeIndex):
        raise ValueError(f"index: expected a pandas.DatetimeIndex, got {type(index).__name__}")
    if hasattr(annual_mean_g_per_kwh, "at"):
        mean = float(np.asarray(annual_mean_g_per_kwh.at([year]), dtype=np.float64)[0])
    else:
        mean = _scalar("annual_mean_g_per_kwh", annual_mean_g_per_kwh, low=0.0, unit="g/kWh")
    if not (math.isfinite(mean) and mean >= 0.0):
        raise ValueError(f"annual mean intensity for {year} = {mean!r}: must be a number >= 0 [g/kWh]")
    if shape is None:
        values = default_grid_shape(index)
    else:
        raw = shape.to_numpy(dtype=np.float64) if isinstance(shape, pd.Series) else shape
        values = _align_hours(_array("shape", raw, ndim=1, nonneg=True), len(index))
    total = values.mean() if values.size else 0.0
    if not total > 0.0:
        raise ValueError("shape: all values are zero, so it cannot be scaled to a mean")
    return mean * (values / total)


def warmup() -> None:
    """Compile the battery kernel into numba's on-disk cache."""
    electricity_balance([1.0, 0.0, 2.0], [2.0, 1.0, 0.0], battery_kwh=1.0)
