"""One building from a TOML file: reading, checks, the same 5R1C path as the district, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smartcity import weather as weather_mod
from smartcity.cli import main
from smartcity.energy import glazing, thermal
from smartcity.energy import single_building as sb
from smartcity.errors import InputError
from smartcity.run import run_building_file
from smartcity.scenario.building_file import load_building

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "scenarios" / "examples" / "single_building" / "detached_house_1973_1978.toml"

# TABULA DK.N.SFH.06.Gen.ReEx.001.001: h_Transmission [W/(m2 K)] x A_C_Ref [m2], and
# h_Ventilation 0.34 Wh/(m3 K) x 0.8 1/h x 2.5 m (TABULA's rho c is 0.34 Wh/(m3 K); the
# model uses ISO 13790's 1200 J/(m3 K) = 0.3333 Wh/(m3 K)).
TABULA_SFH06_H_TR_W_K = 1.6679880647911338 * 117.3

BOX = """\
[building]
name = "box"
floor_area = 100.0
room_height = 2.5
internal_gains = 300.0
heating_setpoint = 20.0
cooling_setpoint = 26.0

[ventilation]
infiltration = 0.3
ventilation = 0.5
heat_recovery = 0.8

[[opaque]]
name = "walls"
area = 140.0
u = 0.3

[[opaque]]
name = "roof"
area = 100.0
u = 0.15

[[opaque]]
name = "floor"
area = 100.0
u = 0.2
b = 0.6
perimeter = 40.0
"""

FOUR_WINDOWS = "".join(
    f"""
[[window]]
name = "{name}"
in = "walls"
area = {area}
u = 1.2
g = 0.6
azimuth = {azimuth}
frame_fraction = 0.25
shading_factor = 0.8
"""
    for name, area, azimuth in (("north", 4.0, 0), ("east", 5.0, 90), ("south", 12.0, 180), ("west", 3.0, 270))
)


def write(tmp_path: Path, text: str, name: str = "building.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def reference_year():
    return weather_mod.reference_year()


# --------------------------------------------------------------------------------------
# The example file
# --------------------------------------------------------------------------------------


def test_example_reproduces_tabula_heat_transfer():
    model = load_building(EXAMPLE)
    h = sb.heat_transfer_coefficients(model)
    assert h["h_tr_w"] + h["h_tr_op"] == pytest.approx(TABULA_SFH06_H_TR_W_K, rel=1e-12)
    assert h["envelope_area"] == pytest.approx(368.3)  # TABULA: roof 131 + walls 97 + floor 118 + windows 22.3
    assert h["h_ve"] == pytest.approx(1200.0 / 3600.0 * 0.8 * 117.3 * 2.5)


def test_example_runs_and_is_plausible(reference_year):
    result = sb.simulate_building(load_building(EXAMPLE), reference_year)
    per_m2 = result.heating_kwh / result.floor_area_m2
    # TABULA's seasonal method: 159 kWh/m2 (see the TABULA validation test for the tolerance).
    assert 0.75 * 159.2 < per_m2 < 1.25 * 159.2
    assert result.cooling_kwh == 0.0 and not result.has_cooling
    assert result.unmet_heating_hours == 0
    assert 0 < result.unmet_cooling_hours < 500  # hours above 26 degC without cooling
    assert abs(float(result.thermal.balance_residual_wh[0])) < 1e-6 * result.heating_kwh * 1e3


# --------------------------------------------------------------------------------------
# Same arrays and results as the district path
# --------------------------------------------------------------------------------------


def test_same_result_as_buildings_table_row(tmp_path, reference_year):
    """Four vertical windows: identical to a buildings-table row simulated by simulate_stock."""
    model = load_building(write(tmp_path, BOX + FOUR_WINDOWS))
    single = sb.simulate_building(model, reference_year)

    window_area = {"north": 4.0, "east": 5.0, "south": 12.0, "west": 3.0}
    row = {
        "building_id": "box", "use": "office", "construction_year": 2000, "count": 1,
        "heated_floor_area_m2": 100.0, "room_height_m": 2.5,
        "wall_area_m2": 140.0 - sum(window_area.values()),  # the table's wall area is net
        "roof_area_m2": 100.0, "ground_floor_area_m2": 100.0, "floor_perimeter_m": 40.0,
        **{f"window_area_{o}_m2": a for o, a in window_area.items()},
        "u_wall_w_m2k": 0.3, "u_roof_w_m2k": 0.15, "u_floor_w_m2k": 0.2 * 0.6, "u_window_w_m2k": 1.2,
        "g_window": 0.6, "frame_fraction": 0.25, "shading_factor": 0.8,
        "glazing_panes": 3,  # the file's windows (U 1.2) default to three panes
        # the file's opaque elements have no tilt: no sun on them and no sky loss of theirs
        "absorptance_wall": 0.0, "absorptance_roof": 0.0, "emissivity_envelope": 0.0,
        "heat_capacity_j_m2k": 165000.0, "mass_area_factor": 2.5,
        # the table applies heat recovery to the whole air change: give the equivalent
        "ventilation_ach": 0.8, "heat_recovery_efficiency": 0.5 * 0.8 / 0.8,
        "internal_gains_w_m2": 3.0, "heating_setpoint_c": 20.0, "cooling_setpoint_c": 26.0,
    }
    table = pd.DataFrame([row])
    irradiance = thermal.facade_weather(reference_year, albedo=0.2)
    district = thermal.simulate_stock(table, reference_year.temp_air, irradiance, warmup_hours=sb.WARMUP_HOURS)

    for name in ("heating_wh", "cooling_wh", "peak_heating_w", "peak_cooling_w", "solar_gains_wh",
                 "window_transmission_wh", "opaque_transmission_wh", "ventilation_wh", "sky_loss_wh"):
        assert getattr(single.thermal, name)[0] == pytest.approx(getattr(district, name)[0], rel=1e-9), name
    assert single.heating_kwh > 0 and single.cooling_kwh > 0


def test_each_window_has_its_own_plane(tmp_path, reference_year):
    text = BOX + """
[[window]]
name = "roof_light"
in = "roof"
area = 2.0
u = 1.4
g = 0.5
tilt = 35.0
azimuth = 200.0
shading_factor = 0.7

[[window]]
name = "skylight"
area = 1.0
u = 1.4
g = 0.5
tilt = 0.0
azimuth = 0.0
"""
    model = load_building(write(tmp_path, text))
    inputs = sb.thermal_inputs(model, reference_year)
    assert inputs["irradiance"].shape == (8760, 2)
    assert inputs["solar_aperture"].shape == (1, 2)
    # Each window's plane, through its glazing (U 1.4: two panes), at the plane's own tilt.
    for k, (tilt, azimuth) in enumerate([(35.0, 200.0), (0.0, 0.0)]):
        parts = weather_mod.plane_irradiance_components(reference_year, tilt, azimuth, albedo=0.2)
        np.testing.assert_allclose(inputs["irradiance"][:, k], glazing.transmitted_irradiance(parts, 2, tilt)[:, 0])
        total = weather_mod.plane_irradiance(reference_year, tilt, azimuth, albedo=0.2)[:, 0]
        assert np.all(inputs["irradiance"][:, k] <= total + 1e-9)
    # A_sol = A F_sh g_n (1 - F_F) at normal incidence, defaults F_F 0.3, F_sh 1
    np.testing.assert_allclose(inputs["solar_aperture"][0], [2.0 * 0.7 * 0.5 * 0.7, 1.0 * 0.5 * 0.7])
    # The roof light is deducted from the roof, the skylight from nothing (but it is envelope).
    h = sb.heat_transfer_coefficients(model)
    assert h["h_tr_op"] == pytest.approx(140.0 * 0.3 + (100.0 - 2.0) * 0.15 + 100.0 * 0.2 * 0.6)
    assert h["envelope_area"] == pytest.approx(140.0 + 100.0 + 100.0 + 1.0)
    # A tilted south-west window collects more than a north one of the same aperture.
    assert inputs["irradiance"][:, 0].sum() > weather_mod.plane_irradiance(reference_year, 90.0, 0.0)[:, 0].sum()


def test_sun_on_walls_and_roof_and_the_sky(tmp_path, reference_year, capsys):
    # A south wall (with the south window in it) and a flat roof exposed; the floor (b < 1)
    # and elements without a tilt are not. Hand calculation of ISO 13790 §11.3.4-11.3.5 /
    # ISO 52016-1's sky term: A_sol = alpha R_se U A_net, Phi_r = F_r R_se U A_net h_r dtheta
    # with h_r = 5 eps, F_r = 1 (roof) and 0.5 (wall).
    text = (BOX.replace('name = "walls"\narea = 140.0\nu = 0.3',
                        'name = "walls"\narea = 140.0\nu = 0.3\ntilt = 90.0\nazimuth = 180.0\nabsorptance = 0.4')
               .replace('name = "roof"\narea = 100.0\nu = 0.15', 'name = "roof"\narea = 100.0\nu = 0.15\ntilt = 0.0')
               .replace('b = 0.6', 'b = 0.6\ntilt = 0.0') + FOUR_WINDOWS)
    model = load_building(write(tmp_path, text))
    result = sb.simulate_building(model, reference_year)
    walls_net, roof = 0.3 * (140.0 - 24.0), 0.15 * 100.0  # U A [W/K], 24 m2 of windows in the walls
    dtheta = reference_year.temp_air - weather_mod.sky_temperature(reference_year)
    wall_sun = weather_mod.plane_irradiance(reference_year, 90.0, 180.0, albedo=0.2)[:, 0].sum()
    roof_sun = weather_mod.plane_irradiance(reference_year, 0.0, 180.0, albedo=0.2)[:, 0].sum()
    expected_sun = 0.04 * (0.4 * walls_net * wall_sun + 0.6 * roof * roof_sun) / 1e3  # [kWh]
    windows = 1.2 * 24.0  # U A of the four vertical windows [W/K], glass emissivity 0.837
    expected_sky = 0.04 * 5.0 * (0.9 * (0.5 * walls_net + 1.0 * roof) + 0.837 * 0.5 * windows) * dtheta.sum() / 1e3
    # 1e-9: the same sums, in another order.
    assert result.balance_kwh["opaque_solar_gains"] == pytest.approx(expected_sun, rel=1e-9)
    assert result.balance_kwh["sky_loss"] == pytest.approx(expected_sky, rel=1e-9)
    assert abs(float(result.thermal.balance_residual_wh[0])) < 1e-6 * result.heating_kwh * 1e3
    # The same box without tilts: no sun on the opaque elements, the windows' sky loss only.
    plain = sb.simulate_building(load_building(write(tmp_path, BOX + FOUR_WINDOWS, "plain.toml")), reference_year)
    assert plain.balance_kwh["opaque_solar_gains"] == 0.0
    assert plain.balance_kwh["sky_loss"] == pytest.approx(0.04 * 5.0 * 0.837 * 0.5 * windows * dtheta.sum() / 1e3,
                                                          rel=1e-9)
    # ... and the command shows them apart, in text and JSON.
    path = write(tmp_path, text, "exposed.toml")
    assert main(["building", str(path)]) == 0
    out = capsys.readouterr().out
    assert "gains: solar on opaque elements" in out and "losses: radiation to the sky" in out
    assert main(["building", str(path), "--json"]) == 0
    balance = json.loads(capsys.readouterr().out)["balance_kwh"]
    assert {"solar_gains", "opaque_solar_gains", "sky_loss"} <= set(balance)


def test_thermal_bridges_and_air_volume(tmp_path):
    text = BOX.replace("room_height = 2.5", "air_volume = 300.0").replace(
        "cooling_setpoint = 26.0", "cooling_setpoint = 26.0\nthermal_bridge_delta_u = 0.05") + """
[[thermal_bridge]]
name = "balcony"
length = 10.0
psi = 0.4
"""
    h = sb.heat_transfer_coefficients(load_building(write(tmp_path, text)))
    assert h["h_tr_op"] == pytest.approx(140 * 0.3 + 100 * 0.15 + 100 * 0.2 * 0.6 + 0.05 * 340.0 + 4.0)
    assert h["h_ve"] == pytest.approx(1200.0 / 3600.0 * 300.0 * (0.3 + 0.5 * 0.2))


def test_power_limits_give_unmet_hours(tmp_path, reference_year):
    limited = BOX + FOUR_WINDOWS.replace("area = 12.0", "area = 40.0")
    limited = limited.replace("cooling_setpoint = 26.0",
                              "cooling_setpoint = 26.0\nmax_heating_power = 1000.0\nmax_cooling_power = 0.0")
    result = sb.simulate_building(load_building(write(tmp_path, limited)), reference_year)
    assert result.unmet_heating_hours > 0
    assert result.peak_heating_w == pytest.approx(1000.0)
    assert result.cooling_kwh == 0.0 and not result.has_cooling
    assert result.unmet_cooling_hours > 0
    assert "hours above the cooling setpoint" in sb.format_result(result)


@settings(max_examples=15, deadline=None)
@given(u_low=st.floats(0.05, 2.0), factor=st.floats(1.01, 3.0))
def test_heating_need_grows_with_u_value(tmp_path_factory, reference_year, u_low, factor):
    folder = tmp_path_factory.mktemp("u")
    needs = []
    for u in (u_low, u_low * factor):
        model = load_building(write(folder, BOX.replace("u = 0.3", f"u = {u!r}")))
        needs.append(sb.simulate_building(model, reference_year).heating_kwh)
    assert needs[1] > needs[0]


# --------------------------------------------------------------------------------------
# Bad input: InputError naming file, key, value
# --------------------------------------------------------------------------------------

BAD_CASES = [
    ("negative-u", BOX.replace("u = 0.3", "u = -0.3"), "key 'opaque[1].u'", "got -0.3"),
    ("window-larger-than-wall", BOX + FOUR_WINDOWS.replace("area = 12.0", "area = 150.0"),
     "key 'window[3].area'", "larger than opaque element 'walls'"),
    ("windows-larger-than-wall", BOX + FOUR_WINDOWS.replace("area = 12.0", "area = 130.0"),
     "key 'opaque[1].area'", "'north', 'east', 'south', 'west') total 142 m2"),
    ("unknown-key", BOX.replace("b = 0.6", "b = 0.6\ncolour = \"red\""), "key 'opaque[3].colour'", "unknown key"),
    ("misspelt-key", BOX.replace("infiltration", "infiltraton"), "did you mean 'infiltration'", "unknown key"),
    ("unknown-host", BOX + FOUR_WINDOWS.replace('in = "walls"', 'in = "wal"', 1), "key 'window[1].in'",
     "does not exist"),
    ("volume-twice", BOX.replace("room_height = 2.5", "room_height = 2.5\nair_volume = 250.0"),
     "key 'building.air_volume'", "exactly one"),
    ("volume-missing", BOX.replace("room_height = 2.5\n", ""), "key 'building.room_height'", "exactly one"),
    ("duplicate-name", BOX.replace('name = "roof"', 'name = "walls"'), "key 'opaque[2].name'", "duplicate"),
    ("setpoints", BOX.replace("heating_setpoint = 20.0", "heating_setpoint = 27.0"),
     "key 'building.heating_setpoint'", "above the cooling setpoint"),
    ("text-for-number", BOX.replace("floor_area = 100.0", 'floor_area = "100"'), "key 'building.floor_area'",
     "got '100'"),
    ("g-out-of-range", BOX + FOUR_WINDOWS.replace("g = 0.6", "g = 1.6", 1), "key 'window[1].g'", "got 1.6"),
    ("incidence-factor", BOX + FOUR_WINDOWS.replace("g = 0.6", "g = 0.6\nincidence_factor = 0.9", 1),
     "key 'window[1]'", "`panes` (1, 2 or 3) in place of `incidence_factor`"),
    ("negative-perimeter", BOX.replace("perimeter = 40.0", "perimeter = -40.0"), "key 'opaque[3].perimeter'",
     "got -40.0"),
    ("zero-ground-conductivity", BOX.replace("perimeter = 40.0", "perimeter = 40.0\nground_conductivity = 0"),
     "key 'opaque[3].ground_conductivity'", "got 0"),
    ("four-panes", BOX + FOUR_WINDOWS.replace("g = 0.6", "g = 0.6\npanes = 4", 1), "key 'window[1].panes'", "got 4"),
    ("missing-section", BOX.split("[ventilation]")[0] + BOX.split("heat_recovery = 0.8\n")[1],
     "key 'ventilation'", "required key is missing"),
    ("no-opaque", BOX.split("[[opaque]]")[0], "key 'opaque'", "required key is missing"),
    ("bad-toml", BOX.replace("floor_area = 100.0", "floor_area = "), "invalid TOML", "line"),
    ("missing-weather", BOX + '[weather]\nfile = "nowhere.epw"\n', "key 'weather.file'", "not found"),
    ("too-leaky", BOX.replace("u = 0.3", "u = 9.0").replace("floor_area = 100.0", "floor_area = 50.0"),
     "key 'building.floor_area'", "ISO 13790"),
]


@pytest.mark.parametrize("text, where, what", [c[1:] for c in BAD_CASES], ids=[c[0] for c in BAD_CASES])
def test_bad_input_names_file_key_and_value(tmp_path, text, where, what):
    path = write(tmp_path, text)
    with pytest.raises(InputError) as info:
        sb.check_envelope(load_building(path), path)  # the file's checks, then whether 5R1C can represent it
    message = str(info.value)
    assert str(path) in message
    assert where in message and what in message


@pytest.mark.parametrize("text, where, what", [BAD_CASES[0][1:], BAD_CASES[1][1:]], ids=["negative-u", "window"])
def test_cli_bad_input_exits_2_with_one_line(tmp_path, capsys, text, where, what):
    assert main(["building", str(write(tmp_path, text))]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and where in err and "\n" not in err


# --------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------


def test_cli_text_and_json(capsys):
    assert main(["building", str(EXAMPLE)]) == 0
    out = capsys.readouterr().out
    for label in ("heating need", "cooling need", "peak heating", "peak cooling", "unmet heating hours"):
        assert label in out
    assert main(["building", str(EXAMPLE), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["building"] == "detached_house_1973_1978"
    assert set(data) >= {"heating_kwh", "cooling_kwh", "peak_heating_w", "peak_cooling_w",
                         "unmet_heating_hours", "unmet_cooling_hours"}
    assert data["heating_kwh_per_m2"] == pytest.approx(data["heating_kwh"] / 117.3)


def test_weather_file_relative_to_building_file_and_cli_override(tmp_path, capsys, reference_year):
    weather_mod.write_weather_csv(reference_year, tmp_path / "year.csv")
    path = write(tmp_path, BOX + FOUR_WINDOWS + '[weather]\nfile = "year.csv"\n')
    default = run_building_file(write(tmp_path, BOX + FOUR_WINDOWS, "plain.toml"))
    from_file = run_building_file(path)
    assert from_file.heating_kwh == pytest.approx(default.heating_kwh, rel=1e-3)  # CSV rounded to 0.01
    assert main(["building", str(path.with_name("plain.toml")), "--weather", str(tmp_path / "year.csv"),
                 "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["heating_kwh"] == pytest.approx(from_file.heating_kwh, rel=1e-12)
    assert main(["building", str(path), "--weather", str(tmp_path / "none.epw")]) == 2
    assert "weather file not found" in capsys.readouterr().err
