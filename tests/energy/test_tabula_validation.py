"""The 5R1C model against TABULA DK's published space-heating need of its archetypes.

Every TABULA DK existing-state example building (``DK.N.<SFH|TH|AB>.<period>.Gen.ReEx.001.001``,
ten construction periods from <=1850 to 2011-) is simulated as one buildings-table row
built by :func:`smartcity.energy.archetypes.archetype_row` at TABULA's reference area A_C_Ref,
through the district path (:func:`smartcity.energy.thermal.simulate_stock`), on the
built-in Aalborg reference year, with TABULA's own method values: internal gains phi_int
3 W/m2, air change n_air_use + n_air_infiltration, heat capacity c_m 45 Wh/(m2 K), 20 degC,
frame fraction F_f and shading F_sh,vert (TABULA's constant F_w is replaced by the glazing's
angular transmittance hour by hour), b-factors and the thermal-bridge surcharge on the
whole envelope. The heating need per m2 of A_C_Ref is compared with TABULA's q_h_nd. The
TABULA values come from ``tabula_DK.csv`` (2014) through the package's copy, which
tests/energy/test_bbr.py checks against that file.

Why +-25 %: TABULA's q_h_nd is a seasonal balance (the EN ISO 13790 seasonal method as
adapted by TABULA): 246 heating days at a mean 4.2 degC (3,887 K d to 20 degC), a gain
utilisation factor eta = f(gain/loss ratio, time constant), fixed heating-season
irradiation per orientation, and a temperature reduction factor F_red_temp (0.81-1.01 for
these buildings) for night set-back and partly heated rooms. The hourly model has none of
these: it heats to the setpoint in every hour of the hourly reference year (233 days with a
daily mean below 12 degC, mean 4.4 degC, 3,633 K d to 20 degC: 7 % fewer than TABULA's), with
the sun of each hour, and its use of the gains follows from the 5R1C dynamics. Both methods
use the same transmission heat transfer coefficients (checked below; ventilation differs by
2 %: rho c = 0.34 vs 0.333 Wh/(m3 K)), so what remains are the
differences of climate data and method, which +-25 % bounds. Errors of units, area basis
(A_C_Ref vs gross area: 15 %), b-factors or thermal bridges could hide in that band, so they
are caught by tighter checks: identical H_tr per m2, median ratio within 10 % of 1, and the
same ranking of the 30 archetypes.
Observed on this reference year: ratio ours / TABULA 0.92-1.09 at a constant 20 degC
(median 1.02; 0.90-1.12, median 1.03, with a constant window factor F_w, without the
envelope's sun and sky and with the floor to the outdoor air rather than the ground), and
0.81-0.95 when TABULA's F_red_temp is applied as a lower effective setpoint; the old, leaky
houses come out high at 20 degC because F_red_temp is lowest for them. TABULA's method
leaves out the sun on walls and roof and the radiation to the sky, and takes the ground as
a b-factor; the model keeps the sun and the sky (they nearly cancel over the heating season,
see the last test) and the ground's inertia (smartcity.energy.ground).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import spearmanr

from smartcity import weather as weather_mod
from smartcity.energy import thermal
from smartcity.energy.archetypes import archetype_row, tabula_archetypes

TOLERANCE = 0.25
USE_OF_TYPE = {"SFH": "single_family", "TH": "terraced_house", "AB": "apartment_block"}
# TABULA's heating-season climate (tabula_DK.csv: Theta_e over HeatingDays).
TABULA_THETA_E_C = 4.2


def _rows(temperature_reduction: bool) -> pd.DataFrame:
    archetypes = tabula_archetypes()
    rows = []
    for code, a in archetypes.iterrows():
        year = int(a["year_first"]) if a["year_first"] > 1600 else 1800
        row = archetype_row(USE_OF_TYPE[a["building_type"]], year, a["a_ref_m2"])
        assert row["tabula_variant"] == code
        if temperature_reduction:
            # TABULA multiplies the season's losses by F_red_temp; with its mean outdoor
            # temperature that is the same loss as a constant, lower setpoint.
            row["heating_setpoint_c"] = TABULA_THETA_E_C + a["f_red_temp"] * (a["theta_i_c"] - TABULA_THETA_E_C)
        row["building_id"] = code
        rows.append(row)
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def comparison() -> dict[bool, pd.DataFrame]:
    weather = weather_mod.reference_year()
    irradiance = thermal.facade_weather(weather, albedo=0.2)
    archetypes = tabula_archetypes()
    out = {}
    for reduced in (False, True):
        table = _rows(reduced)
        # No time index: constant gains and setpoint, as in TABULA's method (no use profiles).
        result = thermal.simulate_stock(table, weather.temp_air, irradiance)
        ours = result.heating_wh / 1e3 / table["heated_floor_area_m2"].to_numpy()
        tabula = archetypes.loc[table["building_id"], "q_h_nd_kwh_m2"].to_numpy()
        out[reduced] = pd.DataFrame({"tabula_q_h_nd": tabula, "ours": ours, "ratio": ours / tabula},
                                    index=table["building_id"])
    return out


def test_heat_transfer_coefficients_equal_tabula():
    """Same area basis, b-factors and thermal bridges: H_tr per m2 of A_C_Ref is TABULA's."""
    table = _rows(False)
    inputs = thermal.thermal_inputs_from_table(table)
    archetypes = tabula_archetypes().loc[table["building_id"]]
    h_tr = (inputs["h_tr_w"] + inputs["h_tr_op"]) / inputs["floor_area"]
    np.testing.assert_allclose(h_tr, archetypes["h_transmission_w_m2k"], rtol=1e-12)
    # Ventilation: TABULA uses rho c = 0.34 Wh/(m3 K), ISO 13790 1200 J/(m3 K) = 0.333: 2 % less.
    h_ve_tabula = 0.34 * (archetypes["n_air_use_ach"] + archetypes["n_air_infiltration_ach"]) * 2.5
    np.testing.assert_allclose(inputs["h_ve"] / inputs["floor_area"], h_ve_tabula / 0.34 * (1200 / 3600), rtol=1e-12)


CODES = list(tabula_archetypes().index)


@pytest.mark.parametrize("code", CODES, ids=[c[5:12].rstrip(".") for c in CODES])
def test_heating_need_within_25_percent_of_tabula(comparison, code):
    row = comparison[False].loc[code]
    assert abs(row["ratio"] - 1.0) <= TOLERANCE, (
        f"{code}: ours {row['ours']:.1f} kWh/m2, TABULA q_h_nd {row['tabula_q_h_nd']:.1f} kWh/m2, "
        f"ratio {row['ratio']:.3f}")


@pytest.mark.parametrize("code", CODES, ids=[c[5:12].rstrip(".") for c in CODES])
def test_heating_need_with_tabula_temperature_reduction_within_25_percent(comparison, code):
    row = comparison[True].loc[code]
    assert abs(row["ratio"] - 1.0) <= TOLERANCE, (
        f"{code}: ours {row['ours']:.1f} kWh/m2, TABULA q_h_nd {row['tabula_q_h_nd']:.1f} kWh/m2, "
        f"ratio {row['ratio']:.3f}")


def test_archetypes_rank_as_in_tabula(comparison):
    """Beyond the band: the model orders the 30 archetypes as TABULA does."""
    for reduced, frame in comparison.items():
        rho = spearmanr(frame["ours"], frame["tabula_q_h_nd"]).statistic
        assert rho > 0.95, (reduced, rho)


def test_no_systematic_bias_beyond_climate(comparison):
    """Median ratio at 20 degC within 10 % of 1: no unit or area-basis error hides in the band."""
    assert abs(float(np.median(comparison[False]["ratio"])) - 1.0) < 0.10


def test_the_sun_on_walls_and_roof_and_the_sky_move_the_need_toward_tabula(comparison):
    """The opaque elements' sun (ISO 13790 §11.3.4) lowers the heating need, the radiation of
    walls, roof and windows to the sky (§11.3.5) raises it; on this reference year the
    walls' and roof's sun takes about 5 % off, their sky adds about 5 %, the windows' sky
    1.5 %, and together they take the median ratio from 1.032 (windows only,
    angle-dependent glazing) to 1.028. The check: each term acts in its direction on every
    archetype, and the full model's median sits nearer TABULA's than the windows-only one."""
    weather = weather_mod.reference_year()
    facade = thermal.facade_weather(weather, albedo=0.2)
    table = _rows(False)
    area = table["heated_floor_area_m2"].to_numpy()
    dark = {"absorptance_wall": 0.0, "absorptance_roof": 0.0}
    need = {}
    for label, rows, drivers in (
            ("windows", table, facade.window),
            ("windows' sky", table.assign(**dark, emissivity_envelope=0.0), facade),
            ("sun", table.assign(emissivity_envelope=0.0), facade),
            ("sky", table.assign(**dark), facade),
            ("both", table, facade)):
        need[label] = thermal.simulate_stock(rows, weather.temp_air, drivers).heating_wh / area
    assert np.all(need["windows' sky"] > need["windows"])
    assert np.all(need["sun"] < need["windows' sky"]) and np.all(need["sky"] > need["windows' sky"])
    np.testing.assert_allclose(need["both"] / 1e3, comparison[False]["ours"].to_numpy(), rtol=1e-12)
    tabula = comparison[False]["tabula_q_h_nd"].to_numpy()
    assert abs(np.median(need["both"] / 1e3 / tabula) - 1.0) < abs(np.median(need["windows"] / 1e3 / tabula) - 1.0)
