"""Tests of the angular solar transmittance of window glazing, :mod:`smartcity.energy.glazing`."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smartcity.energy import glazing as G
from smartcity.weather import plane_irradiance, plane_irradiance_components, reference_year

# Rounding near normal incidence: τ(θ)/τ(0) is flat there (slope ~ θ), so two nearby angles
# can come out in the wrong order by a few units in the last place of float64.
ROUNDING = 1e-12

angles = st.floats(0.0, 90.0, allow_nan=False)
panes = st.sampled_from(G.PANES)
extinction = st.floats(0.0, 40.0)


@pytest.fixture(scope="module")
def walls() -> dict[str, np.ndarray]:
    return plane_irradiance_components(reference_year(), 90, [0, 90, 180, 270])


@pytest.fixture(scope="module")
def wall_totals() -> np.ndarray:
    return plane_irradiance(reference_year(), 90, [0, 90, 180, 270])


# --------------------------------------------------------------------------------------
# optics of the panes
# --------------------------------------------------------------------------------------

def test_duffie_beckman_example_5_1_1():
    # Duffie & Beckman (2013) Example 5.1.1: non-absorbing glass, n = 1.526, θ = 60°.
    # The book prints 3 digits (0.185, 0.001, 0.842, 0.76), so 0.002 covers its rounding.
    r_perp, r_par = G._fresnel_reflectances(60.0, 1.526)
    assert r_perp == pytest.approx(0.185, abs=0.002)
    assert r_par == pytest.approx(0.001, abs=0.002)
    assert G._reflection_transmittance(60.0, 1, 1.526) == pytest.approx(0.842, abs=0.002)
    assert G._reflection_transmittance(60.0, 2, 1.526) == pytest.approx(0.76, abs=0.002)


def test_normal_incidence_is_the_limit_of_the_fresnel_formulas():
    # At θ = 0 both reflectances are ((n-1)/(n+1))²; the formulas approach it as θ²,
    # so at 1e-4° (1.7e-6 rad) they agree with the limit to ~1e-12.
    limit = ((1.526 - 1.0) / (1.526 + 1.0)) ** 2
    at_zero = G._fresnel_reflectances(0.0, 1.526)
    near_zero = G._fresnel_reflectances(1e-4, 1.526)
    for r0, r1 in zip(at_zero, near_zero):
        assert r0 == limit
        assert r1 == pytest.approx(limit, rel=1e-9)
    # a single non-absorbing pane at normal incidence: (1 - r) / (1 + r), eq. 5.3.2 with N = 1
    assert G._reflection_transmittance(0.0, 1, 1.526) == pytest.approx((1 - limit) / (1 + limit), rel=1e-15)


@settings(max_examples=200, deadline=None)
@given(a=angles, b=angles, n=panes, k=extinction)
def test_angular_transmittance_invariants(a, b, n, k):
    lo, hi = sorted((a, b))
    t_lo, t_hi = G.angular_transmittance([lo, hi], n, extinction_per_m=k)
    assert 0.0 <= t_hi <= 1.0 and 0.0 <= t_lo <= 1.0
    assert t_hi <= t_lo + ROUNDING  # non-increasing in the angle of incidence
    if n < max(G.PANES):
        # one more pane never lets more through, at any angle, for any glass
        more = G._cover_transmittance(lo, n + 1, extinction_per_m=k)
        assert more <= G._cover_transmittance(lo, n, extinction_per_m=k)


@settings(max_examples=200, deadline=None)
@given(a=angles, n=st.sampled_from(G.PANES[:-1]))
def test_more_panes_fall_off_faster_with_the_default_glass(a, n):
    assert G.angular_transmittance(a, n + 1) <= G.angular_transmittance(a, n) + ROUNDING


def test_weakly_absorbing_triple_glazing_falls_off_slower_near_brewster():
    # Physics, not a bug: at Brewster's angle (arctan 1.526 = 56.8°) the parallel polarisation
    # is not reflected, whatever the number of panes, so relative to its lower normal-incidence
    # transmittance triple glazing keeps more there than double, unless absorption (which grows
    # with the number of panes and the path length) outweighs it, as with the default glass.
    low_iron = 4.0  # [1/m], Duffie & Beckman (2013) section 5.2
    double, triple = (G.angular_transmittance(53.0, n, extinction_per_m=low_iron) for n in (2, 3))
    assert triple > double
    assert G.angular_transmittance(53.0, 3) < G.angular_transmittance(53.0, 2)


@pytest.mark.parametrize("n", G.PANES)
def test_angular_transmittance_end_points(n):
    assert G.angular_transmittance(0.0, n) == 1.0
    # grazing incidence and the sun behind the plane transmit nothing, exactly
    np.testing.assert_array_equal(G.angular_transmittance([90.0, 120.0, 180.0, -95.0], n), 0.0)
    # the magnitude of the angle is what matters
    assert G.angular_transmittance(-40.0, n) == G.angular_transmittance(40.0, n)


def test_angular_transmittance_broadcasts_and_raises_no_warning():
    aoi = np.linspace(0.0, 100.0, 11).reshape(11, 1)
    count = np.array([[1, 2, 3]])
    with np.errstate(all="raise"):  # the function must handle 0/0 etc. itself
        table = G.angular_transmittance(aoi, count)
    assert table.shape == (11, 3) and table.dtype == np.float64
    for j, n in enumerate(G.PANES):
        np.testing.assert_array_equal(table[:, j], G.angular_transmittance(aoi[:, 0], n))
    assert G.angular_transmittance(30.0, 2).shape == ()
    assert G.angular_transmittance(np.zeros((2, 3, 4)), 2).shape == (2, 3, 4)


def test_angular_transmittance_rejects_bad_input():
    with pytest.raises(ValueError, match=r"panes = 4: must be one of 1, 2, 3"):
        G.angular_transmittance(30.0, 4)
    with pytest.raises(ValueError, match=r"panes\[1\] = 0"):
        G.angular_transmittance(30.0, [2, 0])
    with pytest.raises(ValueError, match="panes"):
        G.angular_transmittance(30.0, True)
    with pytest.raises(ValueError, match="aoi"):
        G.angular_transmittance([10.0, np.nan], 2)
    with pytest.raises(ValueError, match="refractive_index"):
        G.angular_transmittance(30.0, 2, refractive_index=0.9)
    with pytest.raises(ValueError, match="do not broadcast"):
        G.angular_transmittance([10.0, 20.0], [1, 2, 3])


def test_absorption_lowers_oblique_transmittance():
    # Absorption grows with the refracted path 1/cos θ2, so clearer glass keeps more at 60°.
    clear = G.angular_transmittance(60.0, 2, extinction_per_m=4.0)
    green = G.angular_transmittance(60.0, 2, extinction_per_m=32.0)
    assert green < clear
    non_absorbing = G._reflection_transmittance(60.0, 2) / G._reflection_transmittance(0.0, 2)
    assert G.angular_transmittance(60.0, 2, extinction_per_m=0.0) == pytest.approx(non_absorbing, rel=1e-14)


# --------------------------------------------------------------------------------------
# diffuse radiation
# --------------------------------------------------------------------------------------

def isotropic_sky_average_vertical(n: int, steps: int = 1500) -> float:
    """cos(aoi)-weighted mean of τ over the sky seen by a vertical plane, by a midpoint
    rule on (zenith, azimuth) of the sky, independent of Marion's grid."""
    zenith = (np.arange(steps) + 0.5) * (0.5 * np.pi / steps)
    azimuth = (np.arange(2 * steps) + 0.5) * (np.pi / (2 * steps)) - 0.5 * np.pi  # the half in front
    z, psi = np.meshgrid(zenith, azimuth, indexing="ij")
    cos_aoi = np.sin(z) * np.cos(psi)  # plane normal horizontal, at psi = 0
    weight = cos_aoi * np.sin(z)  # times the solid-angle element sin z dz dpsi
    tau = G.angular_transmittance(np.degrees(np.arccos(np.clip(cos_aoi, -1.0, 1.0))), n)
    return float((tau * weight).sum() / weight.sum())


@pytest.mark.parametrize("n", G.PANES)
def test_diffuse_sky_against_direct_integration(n):
    # Marion's method uses a 1° grid; the two quadratures differ by far less than 0.5 %.
    diffuse = G.diffuse_transmittance(n, 90.0)
    assert diffuse["sky"] == pytest.approx(isotropic_sky_average_vertical(n), rel=0.005)
    # a vertical plane sees the ground as the mirror image of the sky
    assert diffuse["ground"] == pytest.approx(diffuse["sky"], rel=1e-9)


@pytest.mark.parametrize("n", G.PANES)
@pytest.mark.parametrize("tilt", [90.0, 45.0, 0.0])
def test_diffuse_against_brandemuehl_beckman_effective_angles(n, tilt):
    # Duffie & Beckman (2013) eqs. 5.4.1-5.4.2 (Brandemuehl & Beckman 1980): the angle at
    # which the beam transmittance equals the diffuse one. It is a single fit over covers of
    # various refractive index, absorption and number, so for one particular cover it
    # holds to about a percent or two; 3 % allows for that.
    sky_angle = 59.7 - 0.1388 * tilt + 0.001497 * tilt**2
    diffuse = G.diffuse_transmittance(n, tilt)
    assert diffuse["sky"] == pytest.approx(G.angular_transmittance(sky_angle, n), rel=0.03)
    if tilt == 90.0:
        # The ground's effective angle grows as the tilt falls (65° at 60°, 69° at 45°), where
        # τ falls by 2-5 % per degree, so there the fit's error of a degree or two is several
        # percent; a facade (the use here) sees the ground at 60°, where 3 % holds.
        ground_angle = 90.0 - 0.5788 * tilt + 0.002693 * tilt**2
        assert diffuse["ground"] == pytest.approx(G.angular_transmittance(ground_angle, n), rel=0.03)


def test_diffuse_transmittance_regions():
    flat = G.diffuse_transmittance(2, 0.0)
    assert flat["ground"] == 0.0  # a horizontal plane does not see the ground
    assert flat["horizon"] < 0.05  # ... and sees the horizon band at grazing incidence
    wall = G.diffuse_transmittance(2, 90.0)
    assert set(wall) == {"sky", "horizon", "ground"}
    assert all(0.0 < v < 1.0 for v in wall.values())
    # more panes, less diffuse transmittance
    assert G.diffuse_transmittance(3)["sky"] < wall["sky"] < G.diffuse_transmittance(1)["sky"]
    with pytest.raises(ValueError, match="surface_tilt"):
        G.diffuse_transmittance(2, 190.0)
    with pytest.raises(ValueError, match="panes"):
        G.diffuse_transmittance(5)


# --------------------------------------------------------------------------------------
# a real year
# --------------------------------------------------------------------------------------

def test_transmitted_never_exceeds_the_plane_irradiance(walls, wall_totals):
    # Every factor is <= 1, and the Perez horizon band (which can be negative) is small;
    # 1e-9 W/m² allows for rounding.
    for n in G.PANES:
        transmitted = G.transmitted_irradiance(walls, n)
        assert transmitted.shape == wall_totals.shape and transmitted.dtype == np.float64
        assert transmitted.flags.c_contiguous
        assert np.all(transmitted >= 0.0)
        assert np.all(transmitted <= wall_totals + 1e-9)


def test_south_facade_factor_and_its_seasons(walls, wall_totals):
    south = 2
    transmitted = G.transmitted_irradiance(walls, 2)[:, south]
    total = wall_totals[:, south]
    # double glazing, annual: most irradiance arrives within 60° of the normal (τ/τ0 > 0.87)
    assert 0.80 < transmitted.sum() / total.sum() < 0.95
    month = reference_year().data.index.month.to_numpy()
    summer, winter = np.isin(month, (6, 7)), np.isin(month, (12, 1))
    summer_factor = transmitted[summer].sum() / total[summer].sum()
    winter_factor = transmitted[winter].sum() / total[winter].sum()
    # the high summer sun strikes the south facade at steep incidence, the low winter sun nearly head-on
    assert summer_factor < winter_factor - 0.05


def test_window_irradiance_blocks(walls):
    table = G.window_irradiance(walls)
    assert table.shape == (8760, len(G.PANES) * 4) and table.flags.c_contiguous and table.dtype == np.float64
    for k, n in enumerate(G.PANES):
        np.testing.assert_array_equal(table[:, 4 * k:4 * (k + 1)], G.transmitted_irradiance(walls, n))
    # more panes transmit less, every hour and plane
    assert np.all(np.diff(table.reshape(8760, len(G.PANES), 4), axis=1) <= 1e-9)


def test_transmitted_irradiance_with_a_tilt_per_plane():
    weather = reference_year()
    both = plane_irradiance_components(weather, [90.0, 30.0], [180.0, 180.0])
    together = G.transmitted_irradiance(both, 2, [90.0, 30.0])
    for j, tilt in enumerate((90.0, 30.0)):
        alone = plane_irradiance_components(weather, tilt, 180.0)
        np.testing.assert_allclose(together[:, j], G.transmitted_irradiance(alone, 2, tilt)[:, 0], rtol=1e-12)


def test_transmitted_irradiance_rejects_bad_components(walls):
    with pytest.raises(ValueError, match="missing aoi"):
        G.transmitted_irradiance({k: v for k, v in walls.items() if k != "aoi"}, 2)
    with pytest.raises(ValueError, match="shape"):
        G.transmitted_irradiance({**walls, "sky": walls["sky"][:, :2]}, 2)
    with pytest.raises(ValueError, match="surface_tilt"):
        G.transmitted_irradiance(walls, 2, [90.0, 90.0])
    with pytest.raises(ValueError, match="panes"):
        G.transmitted_irradiance(walls, 4)


def test_default_panes():
    panes_of = G.default_panes([5.0, 2.7, 1.4, 1.2, 0.8])
    np.testing.assert_array_equal(panes_of, [1, 2, 2, 3, 3])
    assert panes_of.dtype == np.int64
    assert G.default_panes(4.0) == 1  # the limits belong to the lower pane count's side as documented
    with pytest.raises(ValueError, match="u_window_w_m2k"):
        G.default_panes([1.0, 0.0])


def test_importing_the_module_does_not_import_pvlib():
    code = "import smartcity.energy.glazing, sys; print('pvlib' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
