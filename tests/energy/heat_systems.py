"""Heat networks for the dispatch tests and benchmarks: seeded synthetic ones and Aalborg's.

:func:`synthetic_network` builds one year of a city network of the size of Aalborg's
(peak about 500 MW): a weather-shaped demand and ten production units of the kinds the
dispatch must handle (must-run waste and surplus heat, a CHP plant whose heat cost follows
the electricity price, heat pumps and an electric boiler paying it over their COP, and
fuel boilers for the peak), with a pit storage. The figures are round orders of magnitude
for a synthetic test case, not data of any network. :func:`aalborg_year` is the shipped
Aalborg network of the lighthouse scenario in one year.
"""

from __future__ import annotations

import numpy as np

from smartcity.energy.heat_dispatch import HeatStorage

HOURS = 8760

#: name, capacity [MW], must run, base cost [EUR/MWh], sensitivity of the cost to the electricity price [1]
UNITS = (
    ("waste_chp", 60.0, True, -10.0, 0.0),
    ("surplus_heat", 80.0, True, 5.0, 0.0),
    ("coal_chp", 250.0, False, 45.0, -0.45),
    ("seawater_heat_pump", 100.0, False, 5.0, 1.0 / 3.0),
    ("air_heat_pump", 60.0, False, 8.0, 1.0 / 2.6),
    ("electric_boiler", 80.0, False, 2.0, 1.0),
    ("wood_chip_boiler", 40.0, False, 40.0, 0.0),
    ("gas_boiler", 120.0, False, 75.0, 0.0),
    ("gas_boiler_reserve", 100.0, False, 78.0, 0.0),
    ("oil_boiler", 150.0, False, 110.0, 0.0),
)


def synthetic_network(seed: int = 2028, hours: int = HOURS) -> dict:
    """Demand, capacities, costs, must-run flags and a storage of a synthetic city network.

    Returns
    -------
    dict
        ``demand`` (hours,) [MW], ``capacity`` and ``cost`` (hours, 10) [MW], [EUR/MWh],
        ``must_run`` (10,) bool, ``storage`` (:class:`HeatStorage`, 15 GWh pit) and
        ``names`` of the units.
    """
    rng = np.random.default_rng(seed)
    t = np.arange(hours)
    season = np.cos(2.0 * np.pi * t / HOURS)  # 1 in January, -1 in July
    daily = np.sin(2.0 * np.pi * (t % 24 - 6) / 24.0)
    outdoor = 8.0 - 9.0 * season + 3.0 * daily + rng.normal(0.0, 2.0, hours).cumsum() * 0.05
    demand = np.maximum(60.0 + 18.0 * np.maximum(16.0 - outdoor, 0.0) + 15.0 * daily, 40.0)
    price = np.clip(55.0 + 25.0 * daily + rng.normal(0.0, 20.0, hours), -20.0, 300.0)  # EUR/MWh of electricity
    n_u = len(UNITS)
    capacity = np.empty((hours, n_u))
    cost = np.empty((hours, n_u))
    for u, (_, mw, _, base, per_price) in enumerate(UNITS):
        capacity[:, u] = mw
        cost[:, u] = base + per_price * price
    capacity[:, 1] *= np.clip(0.75 + 0.25 * rng.standard_normal(hours), 0.0, 1.0)  # surplus heat availability
    capacity[:, 4] *= np.clip((outdoor + 15.0) / 25.0, 0.3, 1.0)  # air source: less output in frost
    capacity[4000:4700, 2] = 0.0  # the CHP plant's summer revision
    return {
        "demand": demand,
        "capacity": capacity,
        "cost": cost,
        "must_run": np.array([u[2] for u in UNITS]),
        "storage": HeatStorage(capacity_mwh=15000.0, charge_mw=150.0, discharge_mw=150.0, loss_per_day=0.005,
                               initial_mwh=5000.0),
        "names": [u[0] for u in UNITS],
    }


def aalborg_year(year: int, district_mw: float = 10.0):
    """The lighthouse's Aalborg network in ``year`` (its supply measures in force), the district's use flat.

    Returns
    -------
    tuple
        The :class:`~smartcity.energy.heat_supply.HeatNetworkModel`, its
        :meth:`~smartcity.energy.heat_supply.HeatNetworkModel.year_system` and the year's
        hourly grid intensity [g/kWh].
    """
    from pathlib import Path

    from smartcity.energy import grid
    from smartcity.energy.district_heating import service_years, supply_year
    from smartcity.energy.heat_supply import HeatNetworkModel, read_heat_units
    from smartcity.scenario import load_scenario
    from smartcity.weather import reference_year

    root = Path(__file__).resolve().parents[2]
    model = load_scenario(root / "scenarios" / "aalborg-east" / "lighthouse.toml").model
    dh = model.supply.district_heating
    units = read_heat_units(dh.network.units)
    weather = reference_year()
    network = HeatNetworkModel(dh.network, units, weather, dh.network_loss.canonical)
    state = supply_year(model.supply, year, model.measures, service_years(units))
    system = network.year_system(year, state.in_service, np.full(weather.n_hours, district_mw))
    return network, system, grid.grid_intensity(year, model.supply.electricity.emission_factor, weather.index)
