"""Tests of energy supply: :mod:`smartcity.energy.supply`, ``pv``, ``balance`` and ``grid``.

Reference values:

* heat-pump COP: the Staffell et al. (2012) regressions as written in the project's fact
  sheet (air 6.81 − 0.121ΔT + 0.000630ΔT², ground 8.77 − 0.150ΔT + 0.000734ΔT²),
  evaluated by hand here; tolerance 1e-12 (same arithmetic, different order);
* PV yield: 850-1,000 kWh/kWp per year for south-facing Danish rooftop PV
  (solcelleforening.dk, byggeriogenergi.dk); the built-in reference year has ~980
  kWh/m² of global horizontal irradiation, close to the Danish mean;
* ``tests/data/energinet_co2_sample.csv``: a hand-made sample in the layout of the Energi
  Data Service "CO2 Emission" export (semicolon-separated, decimal comma, newest first),
  three hours (2022-12-31 23:00 to 2023-01-01 01:55 UTC) of five-minute values for DK1
  and DK2, built so that the hourly means are DK1 130, 95.5, 60.25 and DK2 210, 180,
  150 g/kWh.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from smartcity.energy import supply
from smartcity.energy.balance import electricity_balance
from smartcity.energy.grid import default_grid_shape, grid_intensity, read_energinet_co2
from smartcity.energy.pv import pv_generation
from smartcity.energy.supply import (
    CARRIER_OF_SYSTEM,
    CARRIERS,
    HEATING_SYSTEMS,
    delivery_efficiency,
    district_heat_production,
    final_energy,
    final_energy_by_system,
    ground_source_temperature,
    heat_pump_cop,
    supply_temperature,
)
from smartcity.errors import InputError
from smartcity.scenario import quantities
from smartcity.scenario.sections.supply import SupplySection
from smartcity.weather import reference_year

DEFAULTS = SupplySection()

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "energinet_co2_sample.csv"
N_SYSTEMS = len(HEATING_SYSTEMS)


def staffell_air(dt):
    return 6.81 - 0.121 * dt + 0.000630 * dt**2


def staffell_ground(dt):
    return 8.77 - 0.150 * dt + 0.000734 * dt**2


@pytest.fixture(scope="module")
def weather():
    return reference_year()


# --------------------------------------------------------------------------------------
# Heat pumps
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("delta_t", [15.0, 20.0, 27.5, 35.0, 45.0, 60.0])
def test_air_cop_matches_staffell(delta_t):
    sink = 35.0
    assert heat_pump_cop(sink, sink - delta_t, "air") == pytest.approx(staffell_air(delta_t), abs=1e-12)


@pytest.mark.parametrize("delta_t", [20.0, 30.0, 42.0, 50.0, 60.0])
def test_ground_cop_matches_staffell(delta_t):
    sink = 55.0
    assert heat_pump_cop(sink, sink - delta_t, "ground") == pytest.approx(staffell_ground(delta_t), abs=1e-12)


def test_cop_delta_t_clipped_to_fitted_range():
    # Air: 15-60 K; ground: 20-60 K. Outside, the value at the bound.
    assert heat_pump_cop(30.0, 25.0, "air") == pytest.approx(staffell_air(15.0))
    assert heat_pump_cop(55.0, -25.0, "air") == pytest.approx(staffell_air(60.0))
    assert heat_pump_cop(30.0, 20.0, "ground") == pytest.approx(staffell_ground(20.0))
    assert heat_pump_cop(90.0, 0.0, "ground") == pytest.approx(staffell_ground(60.0))


def test_cop_correction_factor_and_arrays():
    sink = np.array([35.0, 45.0, 55.0])
    source = np.array([[-5.0], [5.0]])  # broadcast (2, 3)
    cop = heat_pump_cop(sink, source, "air", correction_factor=0.85)
    assert cop.shape == (2, 3)
    np.testing.assert_allclose(cop, 0.85 * staffell_air(sink - source), rtol=1e-14)


@pytest.mark.parametrize("kind", ["air", "ground"])
def test_cop_decreases_with_delta_t(kind):
    delta_t = np.linspace(0.0, 80.0, 801)
    cop = heat_pump_cop(delta_t, 0.0, kind)
    assert np.all(np.diff(cop) <= 0.0)
    low, high = supply.COP_DELTA_T_RANGE_K[kind]
    inside = (delta_t[1:] > low) & (delta_t[1:] <= high)
    assert np.all(np.diff(cop)[inside] < 0.0)  # strictly inside the fitted range


@given(st.floats(-30.0, 30.0), st.floats(0.1, 30.0), st.sampled_from(["air", "ground"]))
@settings(max_examples=60, deadline=None)
def test_cop_monotone_in_source_and_sink(source, lift, kind):
    assert heat_pump_cop(40.0, source + lift, kind) >= heat_pump_cop(40.0, source, kind)
    assert heat_pump_cop(40.0 + lift, source, kind) <= heat_pump_cop(40.0, source, kind)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"kind": "water"}, "kind = 'water'"),
     ({"kind": "air", "correction_factor": 0.0}, "correction_factor = 0.0: must be > 0"),
     ({"kind": "air", "sink_temperature_c": [35.0, np.nan]}, r"sink_temperature_c\[1\] = nan")],
)
def test_cop_rejects_bad_arguments(kwargs, match):
    args = {"sink_temperature_c": 35.0, "source_temperature_c": 0.0} | kwargs
    with pytest.raises(ValueError, match=match):
        heat_pump_cop(**args)


def test_heating_curve_and_ground_temperature():
    assert supply_temperature([-30.0, -12.0, 1.5, 15.0, 30.0]).tolist() == [55.0, 55.0, 42.5, 30.0, 30.0]
    days = np.arange(1.0, 366.0)
    ground = ground_source_temperature(days)
    assert days[np.argmax(ground)] == 230.0
    assert ground.mean() == pytest.approx(7.0, abs=0.05)
    assert ground.max() - ground.min() == pytest.approx(10.0, abs=1e-3)
    with pytest.raises(ValueError, match="design_outdoor_c"):
        supply_temperature(0.0, design_outdoor_c=20.0, mild_outdoor_c=15.0)


# --------------------------------------------------------------------------------------
# Final energy
# --------------------------------------------------------------------------------------


def random_demand(seed: int, n_h: int = 240):
    rng = np.random.default_rng(seed)
    heat = rng.uniform(0.0, 50.0, (N_SYSTEMS, n_h)) * (rng.random((N_SYSTEMS, 1)) > 0.2)
    dhw = rng.uniform(0.0, 5.0, (N_SYSTEMS, n_h))
    cooling = rng.uniform(0.0, 10.0, n_h)
    theta_e = rng.uniform(-20.0, 30.0, n_h)
    return heat, dhw, cooling, theta_e


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_final_energy_conserves_heat(seed):
    heat, dhw, cooling, theta_e = random_demand(seed)
    eff_space, eff_dhw = delivery_efficiency(theta_e, DEFAULTS)
    space_only = final_energy_by_system(heat, None, theta_e, DEFAULTS)
    dhw_only = final_energy_by_system(np.zeros_like(dhw), dhw, theta_e, DEFAULTS)
    # Back-converted, final energy gives the useful heat again.
    np.testing.assert_allclose(space_only * eff_space, heat, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(dhw_only * eff_dhw, dhw, rtol=1e-12, atol=1e-12)
    both = final_energy_by_system(heat, dhw, theta_e, DEFAULTS)
    np.testing.assert_allclose(both, space_only + dhw_only, rtol=1e-12, atol=1e-12)

    by_carrier = final_energy(heat, dhw, cooling, theta_e, DEFAULTS)
    assert tuple(by_carrier) == CARRIERS
    eer = SupplySection().cooling.eer.canonical
    for carrier in CARRIERS:
        rows = [i for i, s in enumerate(HEATING_SYSTEMS) if CARRIER_OF_SYSTEM[s] == carrier]
        expected = both[rows].sum(axis=0) + (cooling / eer if carrier == "electricity" else 0.0)
        np.testing.assert_allclose(by_carrier[carrier], expected, rtol=1e-12, atol=1e-12)
    # Total useful heat and cooling = Σ final × efficiency (COP, EER).
    delivered = (space_only * eff_space + dhw_only * eff_dhw).sum() + cooling.sum()
    assert delivered == pytest.approx(heat.sum() + dhw.sum() + cooling.sum(), rel=1e-12)


def test_final_energy_with_precomputed_efficiency_is_the_same():
    heat, dhw, cooling, theta_e = random_demand(5, n_h=48)
    p = SupplySection()
    day = np.repeat([1.0, 2.0], 24)
    efficiency = delivery_efficiency(theta_e, p, day_of_year=day)
    given = final_energy(heat, dhw, cooling, theta_e, p, day_of_year=day, efficiency=efficiency)
    computed = final_energy(heat, dhw, cooling, theta_e, p, day_of_year=day)
    for carrier in CARRIERS:
        np.testing.assert_array_equal(given[carrier], computed[carrier])
    with pytest.raises(ValueError, match=r"efficiency \(dhw\): expected shape \(7, 48\)"):
        final_energy_by_system(heat, dhw, theta_e, p, efficiency=(efficiency[0], efficiency[1][:, :2]))


def test_final_energy_per_system_efficiencies():
    n_h = 2
    theta_e = np.array([-12.0, 15.0])
    heat = np.zeros((N_SYSTEMS, n_h))
    heat[:] = 10.0
    p = SupplySection()
    final = final_energy_by_system(heat, None, theta_e, p)
    row = {s: final[i] for i, s in enumerate(HEATING_SYSTEMS)}
    np.testing.assert_allclose(row["district_heating"], 10.0 / 0.97)
    np.testing.assert_allclose(row["gas_boiler"], 10.0 / 0.95)
    np.testing.assert_allclose(row["oil_boiler"], 10.0 / 0.90)
    np.testing.assert_allclose(row["biomass_boiler"], 10.0 / 0.80)
    np.testing.assert_allclose(row["electric_direct"], 10.0)
    # Air source: sink 55 °C at −12 °C (ΔT 67 → clipped to 60), 30 °C at 15 °C (ΔT 15).
    cop_air = 0.85 * np.array([staffell_air(60.0), staffell_air(15.0)])
    np.testing.assert_allclose(row["heat_pump_air"], 10.0 / cop_air, rtol=1e-12)
    # Ground source on 1 January: 7 + 5 cos(2π (1 − 230) / 365.25) °C.
    ground = 7.0 + 5.0 * math.cos(2.0 * math.pi * (1.0 - 230.0) / 365.25)
    cop_ground = 0.85 * np.array([staffell_ground(55.0 - ground), staffell_ground(max(30.0 - ground, 20.0))])
    np.testing.assert_allclose(row["heat_pump_ground"], 10.0 / cop_ground, rtol=1e-12)


def test_final_energy_uses_scenario_parameters():
    p = SupplySection.model_validate({"boilers": {"gas_efficiency": 0.5}, "cooling": {"eer": 2.0}})
    heat = np.zeros((N_SYSTEMS, 1))
    heat[HEATING_SYSTEMS.index("gas_boiler")] = 1.0
    result = final_energy(heat, None, [4.0], [0.0], p)
    assert result["natural_gas"].tolist() == [2.0]
    assert result["electricity"].tolist() == [2.0]


def test_final_energy_rejects_bad_shapes():
    heat, dhw, cooling, theta_e = random_demand(4, n_h=5)
    with pytest.raises(ValueError, match=r"heat_by_system_kw: expected shape \(7, n_h\)"):
        final_energy(heat[:3], dhw, cooling, theta_e, DEFAULTS)
    with pytest.raises(ValueError, match=r"theta_e: expected shape \(5,\)"):
        final_energy(heat, dhw, cooling, theta_e[:4], DEFAULTS)
    with pytest.raises(ValueError, match=r"dhw_by_system_kw: expected shape \(7, 5\)"):
        final_energy(heat, dhw[:, :2], cooling, theta_e, DEFAULTS)
    bad = heat.copy()
    bad[2, 3] = -1.0
    with pytest.raises(ValueError, match=r"heat_by_system_kw\[2, 3\] = -1.0: must be >= 0"):
        final_energy(bad, dhw, cooling, theta_e, DEFAULTS)
    with pytest.raises(ValueError, match=r"cooling_kw"):
        final_energy(heat, dhw, cooling[:2], theta_e, DEFAULTS)


def test_district_heat_production():
    assert district_heat_production([80.0, 0.0], 0.2).tolist() == [100.0, 0.0]
    with pytest.raises(ValueError, match="network_loss"):
        district_heat_production(1.0, 1.0)


# --------------------------------------------------------------------------------------
# Rooftop PV
# --------------------------------------------------------------------------------------


def test_pv_yield_south_35_in_danish_range(weather):
    # Danish south-facing rooftop PV: 850-1,000 kWh/kWp per year (see module docstring).
    ac = pv_generation(weather, 1.0, 35.0, 180.0)
    assert ac.shape == (weather.n_hours,)
    assert 850.0 <= ac.sum() <= 1000.0
    assert ac.min() >= 0.0
    assert ac.max() <= 1.0 / 1.1 + 1e-12  # inverter AC rating = kWp / dc_ac_ratio
    assert np.all(ac[weather.ghi == 0.0] == 0.0)


def test_pv_arrays_orientation_and_scaling(weather):
    ac = pv_generation(weather, [1.0, 2.0, 1.0, 0.0], [35.0, 35.0, 35.0, 35.0], [180.0, 180.0, 0.0, 90.0])
    assert ac.shape == (weather.n_hours, 4)
    np.testing.assert_allclose(ac[:, 1], 2.0 * ac[:, 0], rtol=1e-12)  # far below clipping
    assert ac[:, 2].sum() < 0.75 * ac[:, 0].sum()  # north-facing yields much less
    assert np.all(ac[:, 3] == 0.0)
    # An open rack runs cooler than modules close to the roof.
    assert pv_generation(weather, 1.0, 35.0, 180.0, mounting="open_rack").sum() > ac[:, 0].sum()
    # Fewer losses, more energy, in proportion below clipping.
    lossless = pv_generation(weather, 1.0, 35.0, 180.0, system_losses=0.0, dc_ac_ratio=0.5)
    lossy = pv_generation(weather, 1.0, 35.0, 180.0, system_losses=0.5, dc_ac_ratio=0.5)
    assert lossy.sum() < lossless.sum()


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"surface_tilt": 95.0}, r"surface_tilt\[0\] = 95.0: must be in \[0, 90\]"),
     ({"kwp": -1.0}, r"kwp = -1.0: must be >= 0"),
     ({"system_losses": 1.0}, "system_losses"),
     ({"mounting": "floating"}, "mounting"),
     ({"kwp": [1.0, 2.0], "surface_azimuth": [180.0, 90.0, 0.0]}, "equal length")],
)
def test_pv_rejects_bad_arguments(weather, kwargs, match):
    args = {"kwp": 1.0, "surface_tilt": 35.0, "surface_azimuth": 180.0} | kwargs
    with pytest.raises(ValueError, match=match):
        pv_generation(weather, **args)


# --------------------------------------------------------------------------------------
# Electricity balance
# --------------------------------------------------------------------------------------


def reference_balance(demand, generation, capacity, power, efficiency, state0=0.0):
    """Plain-Python greedy self-consumption battery (obviously-correct reference)."""
    eta = math.sqrt(efficiency)
    soc = state0
    out = {k: [] for k in ("import", "export", "self_consumed", "battery_charge", "battery_discharge",
                           "battery_state")}
    for d, g in zip(demand, generation):
        charge = discharge = 0.0
        if g > d and capacity > 0:
            charge = min(g - d, power, (capacity - soc) / eta)
            soc = min(capacity, soc + charge * eta)
        elif d > g and capacity > 0:
            discharge = min(d - g, power, soc * eta)
            soc = max(0.0, soc - discharge / eta)
        out["self_consumed"].append(min(d, g))
        out["import"].append(max(d - g, 0.0) - discharge)
        out["export"].append(max(g - d, 0.0) - charge)
        out["battery_charge"].append(charge)
        out["battery_discharge"].append(discharge)
        out["battery_state"].append(soc)
    return {k: np.array(v) for k, v in out.items()}


hours = st.integers(1, 72)


@st.composite
def balance_case(draw):
    n = draw(hours)
    values = st.floats(0.0, 20.0, allow_nan=False, allow_infinity=False)
    demand = np.array(draw(st.lists(values, min_size=n, max_size=n)))
    generation = np.array(draw(st.lists(values, min_size=n, max_size=n)))
    capacity = draw(st.sampled_from([0.0, 0.5, 5.0, 13.5]) | st.floats(0.0, 30.0))
    power = draw(st.none() | st.floats(0.1, 10.0))
    efficiency = draw(st.floats(0.5, 1.0))
    state0 = draw(st.floats(0.0, 1.0)) * capacity
    return demand, generation, capacity, power, efficiency, state0


@given(balance_case())
@settings(max_examples=150, deadline=None)
def test_electricity_balance_invariants(case):
    demand, generation, capacity, power, efficiency, state0 = case
    b = electricity_balance(demand, generation, capacity, power, efficiency, initial_state_kwh=state0)
    charge, discharge, state = b["battery_charge"], b["battery_discharge"], b["battery_state"]
    tol = 1e-9
    # Energy balance at the grid connection, hour by hour.
    np.testing.assert_allclose(b["import"] - b["export"], demand - generation + charge - discharge, atol=tol)
    assert np.all(b["self_consumed"] <= np.minimum(demand, generation) + tol)
    for key in ("import", "export", "self_consumed", "battery_charge", "battery_discharge"):
        assert np.all(b[key] >= 0.0), key
    assert np.all(b["import"] * b["export"] == 0.0)  # never both in one hour
    assert np.all((state >= 0.0) & (state <= capacity + tol))
    limit = capacity / 2.0 if power is None else power
    assert np.all(charge <= limit + tol) and np.all(discharge <= limit + tol)
    # Battery losses: what went in minus what came out minus the stored change, >= 0.
    losses = charge.sum() - discharge.sum() - (state[-1] - state0)
    assert losses >= -1e-9
    if efficiency == 1.0:
        assert losses == pytest.approx(0.0, abs=1e-9)
    # Import − export over the period = demand − generation + losses + stored change.
    net = b["import"].sum() - b["export"].sum()
    assert net == pytest.approx(demand.sum() - generation.sum() + losses + state[-1] - state0, abs=1e-8)
    # Kernel against the plain-Python reference.
    ref = reference_balance(demand, generation, capacity, capacity / 2.0 if power is None else power,
                            efficiency, state0)
    for key, values in ref.items():
        np.testing.assert_allclose(b[key], values, atol=1e-9, err_msg=key)


def test_battery_raises_self_consumption():
    demand = np.tile([0.5] * 12 + [2.0] * 12, 7)
    generation = np.tile([0.0] * 6 + [3.0] * 6 + [0.0] * 12, 7)
    without = electricity_balance(demand, generation)
    with_battery = electricity_balance(demand, generation, battery_kwh=10.0, battery_power_kw=3.0)
    assert without["battery_state"].max() == 0.0
    assert with_battery["import"].sum() < without["import"].sum()
    assert with_battery["export"].sum() < without["export"].sum()


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"battery_kwh": -1.0}, "battery_kwh = -1.0"),
     ({"battery_kwh": 1.0, "battery_power_kw": 0.0}, "battery_power_kw = 0.0"),
     ({"efficiency": 1.5}, "efficiency = 1.5"),
     ({"battery_kwh": 1.0, "initial_state_kwh": 2.0}, "initial_state_kwh = 2.0"),
     ({"generation_kw": [1.0]}, r"generation_kw: expected shape \(2,\)")],
)
def test_electricity_balance_rejects_bad_arguments(kwargs, match):
    args = {"demand_kw": [1.0, 2.0], "generation_kw": [0.0, 3.0]} | kwargs
    with pytest.raises(ValueError, match=match):
        electricity_balance(**args)


# --------------------------------------------------------------------------------------
# Energi Data Service reader
# --------------------------------------------------------------------------------------


def write(tmp_path, text: str, name: str = "co2.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_read_sample_dk1_and_dk2():
    dk1 = read_energinet_co2(SAMPLE)
    assert dk1.name == "co2_g_per_kwh"
    assert str(dk1.index.tz) == "Etc/GMT-1"
    assert dk1.index[0] == pd.Timestamp("2023-01-01 00:00", tz="Etc/GMT-1")  # 23:00 UTC = 00:00 UTC+1
    assert dk1.tolist() == pytest.approx([130.0, 95.5, 60.25], abs=1e-12)
    assert dk1.attrs["units"] == "g/kWh"
    dk2 = read_energinet_co2(SAMPLE, price_area="DK2")
    assert dk2.tolist() == pytest.approx([210.0, 180.0, 150.0], abs=1e-12)


def test_read_comma_separated_iso_times(tmp_path):
    text = ["Minutes5UTC,Minutes5DK,PriceArea,CO2Emission"]
    for k in range(24):
        t = pd.Timestamp("2023-06-01T00:00:00") + pd.Timedelta(minutes=5 * k)
        z = "Z" if k % 2 else ""
        text.append(f"{t:%Y-%m-%dT%H:%M:%S}{z},{t:%Y-%m-%dT%H:%M:%S},DK1,{100 + k}")
    series = read_energinet_co2(write(tmp_path, "\ufeff" + "\n".join(text) + "\n"))
    assert series.index.tolist() == [pd.Timestamp("2023-06-01 01:00", tz="Etc/GMT-1"),
                                     pd.Timestamp("2023-06-01 02:00", tz="Etc/GMT-1")]
    assert series.tolist() == [105.5, 117.5]


def sample_lines() -> list[str]:
    return SAMPLE.read_text(encoding="utf-8").splitlines()


def test_read_missing_column(tmp_path):
    lines = sample_lines()
    lines[0] = "Minutes5UTC;Minutes5DK;PriceArea;CO2"
    with pytest.raises(InputError, match=r"co2.csv, line 1, column 'CO2Emission': missing required column"):
        read_energinet_co2(write(tmp_path, "\n".join(lines)))


def test_read_non_numeric_value(tmp_path):
    lines = sample_lines()
    lines[5] = lines[5].rsplit(";", 1)[0] + ";n/a"
    with pytest.raises(InputError, match=r"line 6, column 'CO2Emission': not a number; got 'n/a'"):
        read_energinet_co2(write(tmp_path, "\n".join(lines)))
    lines[5] = lines[5].rsplit(";", 1)[0] + ";"
    with pytest.raises(InputError, match=r"line 6, column 'CO2Emission': missing value"):
        read_energinet_co2(write(tmp_path, "\n".join(lines)))
    lines[5] = lines[5].rsplit(";", 1)[0] + ";-3"
    with pytest.raises(InputError, match=r"line 6, column 'CO2Emission': value out of range; got -3.0"):
        read_energinet_co2(write(tmp_path, "\n".join(lines)))


def test_read_bad_time_and_field_count(tmp_path):
    lines = sample_lines()
    lines[3] = "yesterday;" + lines[3].split(";", 1)[1]
    with pytest.raises(InputError, match=r"line 4, column 'Minutes5UTC': not an ISO 8601 time; got 'yesterday'"):
        read_energinet_co2(write(tmp_path, "\n".join(lines)))
    lines = sample_lines()
    lines[7] += ";extra"
    with pytest.raises(InputError, match=r"line 8: expected 4 fields separated by ';', found 5"):
        read_energinet_co2(write(tmp_path, "\n".join(lines)))


def test_read_wrong_price_area(tmp_path):
    only_dk2 = [line for line in sample_lines() if ";DK1;" not in line]
    with pytest.raises(InputError, match=r"column 'PriceArea': no rows for this price area; got 'DK1'; "
                                         r"allowed: a price area present in the file: DK2"):
        read_energinet_co2(write(tmp_path, "\n".join(only_dk2)))
    with pytest.raises(InputError, match=r"key 'price_area': unknown price area; got 'SE3'"):
        read_energinet_co2(SAMPLE, price_area="SE3")


def test_read_gap(tmp_path):
    # Drop the middle hour (00:00-00:55 UTC = 01:00 standard time) for DK1.
    lines = [line for line in sample_lines() if not (line.startswith("2023-01-01 00:") and ";DK1;" in line)]
    path = write(tmp_path, "\n".join(lines))
    with pytest.raises(InputError, match=r"column 'Minutes5UTC': 1 hour\(s\) without data for DK1, "
                                         r"the first 2023-01-01T01:00:00\+01:00"):
        read_energinet_co2(path)
    assert read_energinet_co2(path, price_area="DK2").size == 3  # DK2 is complete


def test_read_year_must_be_complete_and_present():
    with pytest.raises(InputError, match=r"8757 hour\(s\) without data for DK1, the first 2023-01-01T03:00"):
        read_energinet_co2(SAMPLE, year=2023)
    with pytest.raises(InputError, match="no data for 2019 in DK1"):
        read_energinet_co2(SAMPLE, year=2019)


def test_read_full_year(tmp_path):
    # A complete year of hourly rows (one per hour is enough: the mean of one value).
    utc = pd.date_range("2022-12-31 23:00", periods=8760, freq="h", tz="UTC")
    rows = [f"{t:%Y-%m-%dT%H:%M:%S},DK1,{(i % 24) * 10}" for i, t in enumerate(utc)]
    path = write(tmp_path, "Minutes5UTC,PriceArea,CO2Emission\n" + "\n".join(rows))
    series = read_energinet_co2(path, year=2023)
    assert len(series) == 8760 and series.index[0] == pd.Timestamp("2023-01-01", tz="Etc/GMT-1")
    assert series.iloc[:3].tolist() == [0.0, 10.0, 20.0]


def test_read_duplicate_and_missing_file(tmp_path):
    lines = sample_lines()
    lines.append(lines[2])
    with pytest.raises(InputError, match=r"line 74, column 'Minutes5UTC': the same time appears twice for DK1"):
        read_energinet_co2(write(tmp_path, "\n".join(lines)))
    with pytest.raises(InputError, match="nope.csv: cannot read the file"):
        read_energinet_co2(tmp_path / "nope.csv")
    with pytest.raises(InputError, match="empty file"):
        read_energinet_co2(write(tmp_path, "\n\n", "empty.csv"))


# --------------------------------------------------------------------------------------
# Grid intensity
# --------------------------------------------------------------------------------------


def year_index(year: int) -> pd.DatetimeIndex:
    n = 8784 if year % 4 == 0 else 8760
    return pd.date_range(f"{year}-01-01", periods=n, freq="h", tz="Etc/GMT-1")


@pytest.mark.parametrize("year", [2013, 2014, 2015, 2022, 2028, 2029, 2030, 2060])
def test_grid_intensity_mean_equals_trajectory(year):
    trajectory = SupplySection().electricity.emission_factor
    intensity = grid_intensity(year, trajectory, year_index(year))
    expected = float(trajectory.at([year])[0])
    assert intensity.mean() == pytest.approx(expected, rel=1e-9, abs=1e-9)
    assert intensity.min() > 0.0


def test_default_grid_shape_is_documented_shape():
    index = year_index(2030)
    shape = pd.Series(default_grid_shape(index), index=index)
    assert shape.mean() == pytest.approx(1.0, rel=1e-12)
    by_month = shape.groupby(shape.index.month).mean()
    assert by_month[1] > 1.1 > 0.9 > by_month[7]  # winter above, summer below the mean
    by_hour = shape.groupby(shape.index.hour).mean()
    assert by_hour.idxmax() in (17, 18)  # evening peak
    summer = shape[shape.index.month == 7]
    summer_hour = summer.groupby(summer.index.hour).mean()
    assert summer_hour[12] < summer_hour[3] < summer_hour[18]  # solar dip below the night trough


def test_grid_intensity_from_measured_series(tmp_path):
    measured = pd.Series(np.linspace(50.0, 150.0, 8784), index=year_index(2024))  # a leap year
    index = year_index(2030)
    intensity = grid_intensity(2030, 40.0, index, shape=measured)
    assert intensity.shape == (8760,)
    assert intensity.mean() == pytest.approx(40.0, rel=1e-12)
    kept = np.delete(measured.to_numpy(), np.arange(59 * 24, 60 * 24))  # 29 February dropped
    np.testing.assert_allclose(intensity, 40.0 * kept / kept.mean(), rtol=1e-12)
    back = grid_intensity(2032, 40.0, year_index(2032), shape=intensity)  # 28 February repeated
    assert back.shape == (8784,)
    np.testing.assert_allclose(back[59 * 24:60 * 24], back[58 * 24:59 * 24])
    with pytest.raises(ValueError, match="do not match"):
        grid_intensity(2030, 40.0, index, shape=np.ones(100))
    with pytest.raises(ValueError, match="all values are zero"):
        grid_intensity(2030, 40.0, index, shape=np.zeros(8760))


# --------------------------------------------------------------------------------------
# Scenario section
# --------------------------------------------------------------------------------------


def test_every_supply_default_is_sourced_or_flagged():
    found = quantities(SupplySection())
    assert len(found) >= 20
    for key, q in found:
        assert q.source or (q.assumption and q.reason), f"supply.{key} has neither a source nor a flagged assumption"


def test_supply_defaults_follow_the_facts():
    s = SupplySection()
    el = s.electricity.emission_factor
    np.testing.assert_allclose(el.at([2013, 2015, 2016, 2017]), [358.0, 192.0, 243.0, 190.0])
    dh = s.district_heating.emission_factor
    before, after = dh.at([2028, 2029])
    assert before - after > 40.0  # visible step at the coal exit at the end of 2028
    assert after == pytest.approx(55.0)  # the Fjernvarme Fyn 2023 comparison
    assert dh.assumption and "not found" in dh.reason
    assert s.electricity.price_area == "DK1"
    assert s.pv.system_losses.canonical == pytest.approx(0.14)
    assert s.pv.temperature_coefficient.canonical == pytest.approx(-0.0037)


def test_supply_section_validation():
    s = SupplySection.model_validate({
        "district_heating": {"emission_factor": {"year": [2020, 2030], "value": [0.1, 0.05], "unit": "t/MWh",
                                                 "source": "test"}},
        "electricity": {"hourly_profile": "co2.csv", "profile_year": 2023, "price_area": "DK2"},
        "heat_pumps": {"heating_curve": {"supply_temperature_design": {"value": 318.15, "unit": "K",
                                                                      "source": "test"}}},
    })
    assert s.district_heating.emission_factor.at([2025])[0] == pytest.approx(75.0)
    assert s.heat_pumps.heating_curve.supply_temperature_design.canonical == pytest.approx(45.0)
    assert s.electricity.hourly_profile.name == "co2.csv"
    with pytest.raises(ValidationError, match="extra"):
        SupplySection.model_validate({"boilers": {"coal_efficiency": 0.8}})
    with pytest.raises(ValidationError, match="value out of range"):
        SupplySection.model_validate({"district_heating": {"network_loss": 1.2}})
    with pytest.raises(ValidationError, match="DK1"):
        SupplySection.model_validate({"electricity": {"price_area": "DK3"}})
    with pytest.raises(ValidationError, match="design outdoor temperature is not below"):
        SupplySection.model_validate({"heat_pumps": {"heating_curve": {"outdoor_temperature_design": 5.0,
                                                                       "outdoor_temperature_mild": 2.0}}})
