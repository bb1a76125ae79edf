"""Heat supply of buildings: from useful heat to final energy by heating system and carrier.

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

The parameters come from the scenario's ``[supply]`` table
(:class:`smartcity.scenario.sections.supply.SupplySection`, every default sourced or
flagged). Rooftop PV is :mod:`smartcity.energy.pv`, the hourly electricity balance
:mod:`smartcity.energy.balance`, the grid's hourly carbon intensity :mod:`smartcity.energy.grid`.

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
"""

from __future__ import annotations

import numpy as np

from smartcity.checks import number, number_array

__all__ = [
    "CARRIERS",
    "HEATING_SYSTEMS",
    "CARRIER_OF_SYSTEM",
    "HEAT_PUMP_SYSTEMS",
    "HEAT_PUMP_KINDS",
    "COP_COEFFICIENTS",
    "COP_DELTA_T_RANGE_K",
    "heat_pump_cop",
    "supply_temperature",
    "ground_source_temperature",
    "delivery_efficiency",
    "final_energy_by_system",
    "final_energy",
    "district_heat_production",
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

_DAYS_PER_YEAR = 365.25


def _day_of_year(day_of_year, n_h: int) -> np.ndarray:
    if day_of_year is None:
        return 1.0 + np.arange(n_h, dtype=np.float64) // 24
    return number_array("day_of_year", day_of_year, shape=(n_h,), unit="d")


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
    factor = number("correction_factor", correction_factor, low=0.0, low_open=True, unit="-")
    sink = number_array("sink_temperature_c", sink_temperature_c, unit="°C")
    source = number_array("source_temperature_c", source_temperature_c, unit="°C")
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
    outdoor = number_array("outdoor_temperature_c", outdoor_temperature_c, unit="°C")
    x0 = number("design_outdoor_c", design_outdoor_c, unit="°C")
    x1 = number("mild_outdoor_c", mild_outdoor_c, unit="°C")
    y0 = number("design_supply_c", design_supply_c, unit="°C")
    y1 = number("mild_supply_c", mild_supply_c, unit="°C")
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
    day = number_array("day_of_year", day_of_year, unit="d")
    mean = number("mean_c", mean_c, unit="°C")
    amplitude = number("amplitude_k", amplitude_k, low=0.0, unit="K")
    peak = number("warmest_day", warmest_day, unit="d")
    return mean + amplitude * np.cos(2.0 * np.pi * (day - peak) / _DAYS_PER_YEAR)


# --------------------------------------------------------------------------------------
# Final energy
# --------------------------------------------------------------------------------------


def delivery_efficiency(theta_e, params, *,
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
    params : SupplySection
        The scenario's ``[supply]`` table (:class:`smartcity.scenario.sections.supply.SupplySection`).
    day_of_year : (n_h,) array_like, optional
        Day of the year of each hour, for the ground temperature; default: the hours
        start on 1 January at 00:00. [d]

    Returns
    -------
    space_heating, dhw : tuple of numpy.ndarray
        Each of shape (n_systems, n_h), rows in the order of :data:`HEATING_SYSTEMS`. [-]
    """
    p = params
    outdoor = number_array("theta_e", theta_e, ndim=1, unit="°C")
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
    array = number_array(name, value, ndim=2, nonneg=True, unit="kW")
    n_s = len(HEATING_SYSTEMS)
    if array.shape[0] != n_s or (n_h is not None and array.shape[1] != n_h):
        expected = f"({n_s}, {'n_h' if n_h is None else n_h})"
        raise ValueError(f"{name}: expected shape {expected}, one row per system of HEATING_SYSTEMS "
                         f"({', '.join(HEATING_SYSTEMS)}), got {array.shape}")
    return array


def final_energy_by_system(heat_by_system_kw, dhw_by_system_kw, theta_e,
                           params, *, day_of_year=None,
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
    params : SupplySection
        The scenario's ``[supply]`` table (:class:`smartcity.scenario.sections.supply.SupplySection`).
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
    outdoor = number_array("theta_e", theta_e, shape=(n_h,), unit="°C")
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
                 params, *, day_of_year=None,
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
    params : SupplySection
        The scenario's ``[supply]`` table (:class:`smartcity.scenario.sections.supply.SupplySection`).
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
    p = params
    by_system = final_energy_by_system(heat_by_system_kw, dhw_by_system_kw, theta_e, p,
                                       day_of_year=day_of_year, efficiency=efficiency)
    n_h = by_system.shape[1]
    result = {carrier: np.zeros(n_h) for carrier in CARRIERS}
    for i, system in enumerate(HEATING_SYSTEMS):
        result[CARRIER_OF_SYSTEM[system]] += by_system[i]
    if cooling_kw is not None:
        cooling = number_array("cooling_kw", cooling_kw, shape=(n_h,), nonneg=True, unit="kW")
        result["electricity"] += cooling / p.cooling.eer.canonical
    return result


def district_heat_production(delivered_kw, network_loss: float) -> np.ndarray:
    """Heat fed into the district-heating network for a delivered amount.

    ``production = delivered / (1 − network_loss)``, the loss being a share of the heat
    fed in (the scenario's ``supply.district_heating.network_loss``).

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
    loss = number("network_loss", network_loss, low=0.0, unit="-")
    if loss >= 1.0:
        raise ValueError(f"network_loss = {network_loss!r}: must be < 1 [-]")
    return number_array("delivered_kw", delivered_kw, nonneg=True, unit="kW") / (1.0 - loss)
