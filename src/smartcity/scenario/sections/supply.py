"""The ``[supply]`` table: district heating, the grid, heat pumps, boilers, cooling and PV.

Every default carries its source or is flagged as an assumption with the reason. The models
that use these numbers are in :mod:`smartcity.energy.supply` (delivery efficiencies, heat
pumps, PV) and :mod:`smartcity.energy.grid` (hourly grid intensity).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from smartcity.schema.distributions import uncertain_quantity
from smartcity.schema.quantities import ScenarioPath, StrictModel, quantity, trajectory

__all__ = [
    "DistrictHeatingSupply", "ElectricitySupply", "HeatingCurve", "HeatPumpSupply", "BoilerSupply",
    "CoolingSupply", "PVSupply", "SupplySection", "PRICE_AREAS",
]

#: Electricity price areas of the Energi Data Service exports (Aalborg lies in DK1).
PRICE_AREAS = ("DK1", "DK2")

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
                    "yearly mean); omitted = the built-in shape of smartcity.energy.grid.default_grid_shape.",
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
