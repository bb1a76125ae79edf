"""The ``[supply]`` table: district heating, the grid, heat pumps, boilers, cooling and PV.

Every default carries its source or is flagged as an assumption with the reason. The models
that use these numbers are in :mod:`smartcity.energy.supply` (delivery efficiencies, heat
pumps, PV) and :mod:`smartcity.energy.grid` (hourly grid intensity).
"""

from __future__ import annotations

from typing import Annotated, Literal

import numpy as np
from pydantic import BeforeValidator, Field, model_validator
from pydantic_core import PydanticCustomError

from smartcity.schema.distributions import uncertain_quantity
from smartcity.schema.quantities import ScenarioPath, StrictModel, quantity, trajectory

__all__ = [
    "DistrictHeatingSupply", "HeatNetwork", "Fuel", "SourceCycle", "DEFAULT_FUELS",
    "ElectricitySupply", "HeatingCurve", "HeatPumpSupply", "BoilerSupply",
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


class SourceCycle(StrictModel):
    """The yearly temperature cycle of a heat pump's source (seawater, treated wastewater).

    ``T(d) = mean + amplitude · cos(2π (d − warmest_day) / 365.25)``, d the day of the year.
    """

    mean: quantity("temperature", ge=-5.0, le=40.0) = Field(  # type: ignore[valid-type]
        description="Yearly mean temperature of the source [degC].")
    amplitude: quantity("temperature_difference", ge=0.0, le=20.0) = Field(  # type: ignore[valid-type]
        description="Half the seasonal swing [K].")
    warmest_day: quantity("day_of_year", ge=1.0, le=366.0) = Field(  # type: ignore[valid-type]
        description="Day of the year on which the source is warmest [d].")

    def at(self, day_of_year) -> np.ndarray:
        """Temperature on each day of the year (array-like, fractional days allowed). [degC]"""
        day = np.asarray(day_of_year, dtype=np.float64)
        return self.mean.canonical + self.amplitude.canonical * np.cos(
            2.0 * np.pi * (day - self.warmest_day.canonical) / 365.25)


class Fuel(StrictModel):
    """``[supply.district_heating.network.fuels.<fuel>]``: what burning a fuel for heat costs and emits."""

    price: trajectory("cost_per_energy", ge=-500.0, le=5000.0) = Field(  # type: ignore[valid-type]
        description="Price at the plant per MWh of fuel (lower heating value), by year [EUR/MWh]; "
                    "for waste, the gate fee received, negative.")
    tax: trajectory("cost_per_energy", ge=0.0, le=5000.0) = Field(  # type: ignore[valid-type]
        default=0.0, description="Energy and CO2 taxes per MWh of fuel for heat, by year [EUR/MWh].")
    emission_factor: uncertain_quantity("emission_factor", ge=0.0, le=1000.0) = Field(  # type: ignore[valid-type]
        description="Fossil CO2 per MWh of fuel [g/kWh] (waste: its fossil part).")
    renewable_share: quantity("dimensionless", ge=0.0, le=1.0) = Field(  # type: ignore[valid-type]
        default=0.0, description="Share of the fuel's energy that counts as renewable (biomass: 1) [1].")
    emissions_trading: bool = Field(
        default=True, description="True: plants burning the fuel pay the EU ETS allowance price on its CO2.")


def _fuel(price, tax, factor, renewable, price_note, tax_note, factor_note, trading=True) -> dict:
    return {
        "emissions_trading": trading,
        "price": {"year": [2000], "value": [price], "unit": "EUR/MWh", "assumption": True, "reason": price_note},
        "tax": {"year": [2000], "value": [tax], "unit": "EUR/MWh", "assumption": True, "reason": tax_note},
        "emission_factor": {"value": factor, "unit": "t/MWh", **factor_note},
        "renewable_share": {"value": renewable, "unit": "1", "assumption": True,
                            "reason": "biomass counts as renewable, fossil fuels do not; for waste the biogenic "
                                      "share of its energy (about half in Danish incineration)"},
    }


_IPCC = "IPCC 2006 Guidelines, vol. 2, ch. 2, table 2.2 (default CO2 factors of stationary combustion)"
_TAX_NOTE = ("Danish energy, CO2 and NOx taxes on fuels for heat are of the order of 20-35 EUR/MWh of fuel for "
             "fossil fuels (Skatteministeriet, afgiftssatser); one flat figure stands in for the year-by-year rates")

#: Default fuels of a district-heating network: prices, taxes, CO2 and renewable shares.
DEFAULT_FUELS = {
    "coal": _fuel(10.0, 25.0, 0.3406, 0.0,
                  "steam coal at a Danish port about 8-12 EUR/MWh in 2014-2020 (API2 60-90 USD/t)", _TAX_NOTE,
                  {"source": _IPCC + ": other bituminous coal 94.6 t/TJ"}),
    "natural_gas": _fuel(25.0, 30.0, 0.202, 0.0,
                         "wholesale natural gas (TTF) about 15-25 EUR/MWh in 2014-2020 plus transport", _TAX_NOTE,
                         {"source": _IPCC + ": natural gas 56.1 t/TJ"}),
    "fuel_oil": _fuel(40.0, 30.0, 0.267, 0.0,
                      "light fuel oil for peak boilers, about 35-50 EUR/MWh in 2014-2020", _TAX_NOTE,
                      {"source": _IPCC + ": gas/diesel oil 74.1 t/TJ"}),
    "biomass": _fuel(25.0, 0.0, 0.0, 1.0,
                     "wood chips and pellets for district heating about 20-30 EUR/MWh",
                     "biomass for heat is exempt from the Danish energy and CO2 taxes",
                     {"source": "IPCC 2006 Guidelines, vol. 2, ch. 2: CO2 of biomass combustion is reported "
                                "as a memo item, not counted in the energy sector"}),
    "waste": _fuel(-15.0, 10.0, 0.1332, 0.55,
                   "gate fee for incinerated waste, paid to the plant; the price is its negative",
                   "Danish waste-heat tax, of the order of 10 EUR/MWh of waste energy",
                   {"assumption": True,
                    "reason": "fossil CO2 of mixed municipal waste about 37 kg/GJ (the Danish inventory's "
                              "standard factor for the fossil part of waste is of this order; not verified)"},
                   trading=False),
    "electricity": _fuel(0.0, 0.0, 0.0, 0.0,
                         "unused: heat pumps and electric boilers pay the hourly electricity price",
                         "unused: see electricity_tax", {"assumption": True,
                                                         "reason": "grid electricity carries the grid's hourly "
                                                                   "intensity, not a fuel factor"}),
    "none": _fuel(0.0, 0.0, 0.0, 0.0, "no fuel", "no fuel",
                  {"assumption": True, "reason": "surplus heat, solar heat and storages burn nothing"}),
}


def _over_default_fuels(value):
    """Fuel tables given in a scenario, each over its fuel's defaults (:data:`DEFAULT_FUELS`)."""
    if not isinstance(value, dict):
        return value  # let pydantic refuse it
    merged = {name: dict(doc) for name, doc in DEFAULT_FUELS.items()}
    for name, given in value.items():
        if isinstance(given, Fuel):
            given = given.model_dump(exclude_unset=False)
        if name in merged and isinstance(given, dict):
            merged[name].update(given)
        else:
            merged[name] = given  # an unknown fuel or a malformed table: refused with its key
    return merged


class HeatNetwork(StrictModel):
    """``[supply.district_heating.network]``: the whole network a district is connected to.

    Read by :mod:`smartcity.energy.heat_supply`: the rest of the network's heat use (an annual
    total shaped by the weather), the network's temperatures and loss, the production units
    (a table file, schema ``heat_units``), fuels, prices and the CO2 allocation method.
    """

    units: ScenarioPath = Field(description="Table of the production units and storages (CSV or Parquet, "
                                            "schema smartcity/schemas/heat_units.toml).")
    rest_heat_delivered: uncertain_quantity("energy", ge=0.0, le=1e11) = Field(  # type: ignore[valid-type]
        description="Heat delivered in a year to the network's consumers outside the district [kWh/a; write the "
                    "unit, e.g. GWh]; shaped hourly by the weather (space heating by heating degree-hours, hot "
                    "water flat).")
    degree_hour_base: quantity("temperature", ge=5.0, le=25.0) = Field(  # type: ignore[valid-type]
        default={"value": 17.0, "unit": "degC",
                 "source": "the Danish degree-day base: DMI's graddage count 17 degC minus the daily mean "
                           "outdoor temperature"},
        description="Outdoor temperature above which the rest of the network needs no space heat [degC].")
    hot_water_share: quantity("dimensionless", ge=0.0, le=1.0) = Field(  # type: ignore[valid-type]
        default={"value": 0.25, "unit": "1", "assumption": True,
                 "reason": "hot water is about a quarter of the heat Danish district-heating customers use "
                           "(dwellings 20-30 %); flat over the year"},
        description="Share of the rest of the network's heat used for hot water (not weather-dependent) [1].")
    supply_temperature_cold: quantity("temperature", ge=40.0, le=130.0) = Field(  # type: ignore[valid-type]
        default={"value": 80.0, "unit": "degC", "assumption": True,
                 "reason": "Danish city networks send about 75-85 degC in winter; Aalborg's curve was not found"},
        description="Supply temperature at the design outdoor temperature (-12 degC) and below [degC].")
    supply_temperature_warm: quantity("temperature", ge=40.0, le=130.0) = Field(  # type: ignore[valid-type]
        default={"value": 70.0, "unit": "degC", "assumption": True,
                 "reason": "Danish city networks send about 65-75 degC in summer"},
        description="Supply temperature at 15 degC outdoors and above; linear in between [degC].")
    return_temperature: quantity("temperature", ge=10.0, le=90.0) = Field(  # type: ignore[valid-type]
        default={"value": 42.0, "unit": "degC", "assumption": True,
                 "reason": "Danish networks' yearly mean return temperature is about 40-45 degC (Danish "
                           "District Heating Association statistics, order of magnitude)"},
        description="Return temperature [degC].")
    pipe_depth: quantity("length", gt=0.0, le=5.0) = Field(  # type: ignore[valid-type]
        default={"value": 0.8, "unit": "m", "assumption": True,
                 "reason": "Danish distribution pipes lie with 0.6-1 m of cover"},
        description="Depth of the pipes below ground [m].")
    soil_diffusivity: quantity("diffusivity", gt=0.0, le=1.0) = Field(  # type: ignore[valid-type]
        default={"value": 0.05, "unit": "m2/d", "assumption": True,
                 "reason": "thermal diffusivity of moist soil about 0.5-0.8e-6 m2/s, 0.04-0.07 m2/d"},
        description="Thermal diffusivity of the soil [m2/d].")
    seawater: SourceCycle = Field(
        default_factory=lambda: SourceCycle.model_validate({
            "mean": {"value": 9.5, "unit": "degC", "assumption": True,
                     "reason": "the Limfjord at Aalborg: about 2 degC in February, 17 degC in August"},
            "amplitude": {"value": 7.5, "unit": "K", "assumption": True, "reason": "as the mean"},
            "warmest_day": {"value": 225.0, "unit": "d", "assumption": True,
                            "reason": "shallow fjord water peaks in early August"}}),
        description="Temperature cycle of seawater heat pumps' source.")
    wastewater: SourceCycle = Field(
        default_factory=lambda: SourceCycle.model_validate({
            "mean": {"value": 14.0, "unit": "degC", "assumption": True,
                     "reason": "treated wastewater of Aalborg's eastern plant, 8 degC in winter (nordjyske.dk "
                               "2021, FACTS); the summer figure reported (25 degC) is taken as a peak, the cycle "
                               "held at 8-20 degC"},
            "amplitude": {"value": 6.0, "unit": "K", "assumption": True, "reason": "as the mean"},
            "warmest_day": {"value": 220.0, "unit": "d", "assumption": True,
                            "reason": "sewage follows the air and the ground with a lag"}}),
        description="Temperature cycle of wastewater heat pumps' source.")
    heat_pump_efficiency_factor: uncertain_quantity("dimensionless", ge=0.5, le=2.0) = Field(  # type: ignore[valid-type]
        default={"value": 1.0, "unit": "1", "source": "nominal: the units table's Lorenz efficiencies as they are"},
        description="Factor on every heat pump's Lorenz efficiency (capped at 1) [1]: the heat pumps' COP as an "
                    "uncertain input.")
    surplus_heat_availability_factor: uncertain_quantity("dimensionless", ge=0.0, le=2.0) = Field(  # type: ignore[valid-type]
        default={"value": 1.0, "unit": "1", "source": "nominal: the units table's availabilities as they are"},
        description="Factor on the availability of every surplus-heat unit (capped at 1) [1]: how much surplus "
                    "heat the industry delivers, as an uncertain input.")
    electricity_price: trajectory("cost_per_energy", ge=-500.0, le=5000.0) = Field(  # type: ignore[valid-type]
        default={"year": [2013, 2014, 2015, 2016, 2017, 2018, 2019, 2020, 2021, 2022, 2023, 2024, 2030],
                 "value": [39.0, 30.8, 22.9, 26.7, 29.2, 44.0, 38.5, 21.3, 87.7, 211.0, 86.0, 69.0, 60.0],
                 "unit": "EUR/MWh",
                 "source": "Nord Pool day-ahead DK1 yearly mean prices 2013-2024 (approx., as published by "
                           "Energinet and Nord Pool)",
                 "assumption": True,
                 "reason": "2030 is a projection between the pre-2021 level and the 2023-2024 level"},
        description="Yearly mean day-ahead electricity price of the price area [EUR/MWh]; the hourly shape is "
                    "`electricity_price_profile`'s or the built-in one.")
    electricity_price_profile: ScenarioPath | None = Field(
        default=None,
        description="Energi Data Service 'Elspotprices' or 'DayAheadPrices' CSV export whose hourly shape is used "
                    "(scaled to the yearly mean); omitted = the grid-intensity shape of "
                    "smartcity.energy.grid.default_grid_shape, both being set by the marginal thermal plant.")
    profile_year: int | None = Field(default=None, ge=2000, le=2100,
                                     description="Year to take from `electricity_price_profile` [a].")
    electricity_tax: trajectory("cost_per_energy", ge=0.0, le=5000.0) = Field(  # type: ignore[valid-type]
        default={"year": [2014, 2020, 2021], "value": [60.0, 60.0, 20.0], "unit": "EUR/MWh", "assumption": True,
                 "reason": "taxes and grid tariffs paid on electricity for district heat: the electric-heating "
                           "tax was cut sharply under the 2020 climate agreement; order-of-magnitude figures"},
        description="Taxes and tariffs per MWh of electricity used by heat pumps and electric boilers [EUR/MWh].")
    co2_price: trajectory("cost_per_mass", ge=0.0, le=2000.0) = Field(  # type: ignore[valid-type]
        default={"year": [2013, 2014, 2015, 2016, 2017, 2018, 2019, 2020, 2021, 2022, 2023, 2024, 2030],
                 "value": [4.5, 6.0, 7.7, 5.3, 5.8, 15.5, 24.8, 24.8, 53.5, 80.9, 83.6, 65.0, 100.0],
                 "unit": "EUR/t",
                 "source": "EU ETS allowance yearly mean prices 2013-2024 (approx., EEX/ICE settlement averages)",
                 "assumption": True, "reason": "2030 is a projection"},
        description="Price of an EU ETS allowance, paid on fossil CO2 of CHP plants and boilers [EUR/t].")
    fuels: Annotated[dict[Literal["coal", "natural_gas", "fuel_oil", "biomass", "waste", "electricity", "none"], Fuel],
                     BeforeValidator(_over_default_fuels)] = Field(
        default_factory=lambda: {name: Fuel.model_validate(doc) for name, doc in DEFAULT_FUELS.items()},
        description="Price, tax, fossil CO2 and renewable share of each fuel; a fuel's table changes the keys it "
                    "gives and keeps the defaults of the others.")
    chp_tax_heat_efficiency: quantity("dimensionless", gt=0.0, le=2.0) = Field(  # type: ignore[valid-type]
        default={"value": 1.2, "unit": "1", "source": "Danish energy-tax laws on fuels for combined heat and "
                                                      "power, the 'V-formula': the taxed fuel for heat is the heat "
                                                      "produced divided by 1.2 (approx.; the E-formula is the "
                                                      "alternative)"},
        description="A CHP plant pays the fuel tax on heat / this efficiency of fuel, not on all its fuel [1].")
    allocation: Literal["200%", "125%", "energy"] = Field(
        default="200%",
        description="How a CHP plant's fuel is split between heat and power: the Danish district-heating "
                    "industry's 200 % method (heat declarations), Energinet's 125 % method, or by energy.")
    storage_window: quantity("time", ge=24.0, le=8760.0) = Field(  # type: ignore[valid-type]
        default={"value": 168.0, "unit": "h", "assumption": True,
                 "reason": "a week: heat is stored between the days of one weather spell (EnergyPLAN's market "
                           "strategy compares with a moving mean in the same way)"},
        description="Window of the moving mean the storage compares the marginal cost of heat with [h].")

    @model_validator(mode="after")
    def _temperatures(self) -> "HeatNetwork":
        cold, warm = self.supply_temperature_cold.canonical, self.supply_temperature_warm.canonical
        back = self.return_temperature.canonical
        if not back < min(cold, warm):
            raise PydanticCustomError(
                "network_temperatures", "the return temperature is not below the supply temperature",
                {"key": "return_temperature", "value": self.return_temperature.value,
                 "allowed": f"a temperature below both supply temperatures ({min(cold, warm):g} degC)"})
        return self


class DistrictHeatingSupply(StrictModel):
    """``[supply.district_heating]``: the district-heating network seen from the buildings.

    ``mode = "factor"`` (the default): delivered heat carries the year's ``emission_factor``.
    ``mode = "dispatch"``: the network's production is simulated hour by hour
    (:mod:`smartcity.energy.heat_supply`) from ``network``, and delivered heat carries the
    hourly CO2 the dispatch gives; ``emission_factor`` is then unused.
    """


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

    mode: Literal["factor", "dispatch"] = Field(
        default="factor",
        description="'factor': the CO2 of district heat is the emission_factor trajectory; 'dispatch': it is "
                    "computed hourly from the network's production units (network table required).")
    network: HeatNetwork | None = Field(default=None, description="The network, its units and prices "
                                                                  "(mode = 'dispatch').")

    @model_validator(mode="after")
    def _network_for_dispatch(self) -> "DistrictHeatingSupply":
        if self.mode == "dispatch" and self.network is None:
            raise PydanticCustomError(
                "missing_network", "mode 'dispatch' needs the network",
                {"key": "network", "allowed": "a [supply.district_heating.network] table with at least units and "
                                              "rest_heat_delivered"})
        return self


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
