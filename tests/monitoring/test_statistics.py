"""Tests of the M&V statistics against hand-computed examples."""

from __future__ import annotations

import math

import numpy as np
import pytest

from smartcity.errors import InputError
from smartcity.monitoring import statistics as mv

# Worked example (by hand), p = 2 parameters:
#   measured   y    = 100, 120,  90, 110, 130      mean(y) = 550 / 5 = 110
#   predicted  y_hat = 104, 115,  95, 108, 123
#   residuals  y - y_hat = -4, 5, -5, 2, 7         sum = 5, sum of squares = 119
#   CV(RMSE) = sqrt(119 / (5 - 2)) / 110 = sqrt(39.6667) / 110 = 6.298148 / 110 = 0.05725589
#   NMBE     = 5 / ((5 - 2) * 110) = 5 / 330 = 0.01515152
MEASURED = [100.0, 120.0, 90.0, 110.0, 130.0]
PREDICTED = [104.0, 115.0, 95.0, 108.0, 123.0]


def test_cv_rmse_and_nmbe_worked_example():
    assert mv.cv_rmse(MEASURED, PREDICTED, 2) == pytest.approx(0.05725589, abs=1e-8)
    assert mv.nmbe(MEASURED, PREDICTED, 2) == pytest.approx(0.01515152, abs=1e-8)
    # p = 1 (a calibrated simulation): sqrt(119 / 4) / 110 = 0.04958506; 5 / 440 = 0.01136364
    assert mv.cv_rmse(MEASURED, PREDICTED, 1) == pytest.approx(0.04958506, abs=1e-8)
    assert mv.nmbe(MEASURED, PREDICTED, 1) == pytest.approx(0.01136364, abs=1e-8)


def test_missing_pairs_are_skipped_and_rows_are_meters():
    measured = np.array([MEASURED + [np.nan], MEASURED + [140.0]])
    predicted = np.array([PREDICTED + [1e9], PREDICTED + [np.nan]])
    np.testing.assert_allclose(mv.cv_rmse(measured, predicted, [2, 2]), 0.05725589, atol=1e-8)
    np.testing.assert_allclose(mv.nmbe(measured, predicted, 2), 0.01515152, atol=1e-8)
    assert np.isnan(mv.cv_rmse([1.0, 2.0], [1.0, 2.0], 2))  # no residual degrees of freedom
    with pytest.raises(InputError, match="same shape"):
        mv.cv_rmse([1.0, 2.0, 3.0], [1.0, 2.0], 1)


def test_guideline14_limits():
    assert mv.meets_guideline14(0.14, -0.049, "monthly")
    assert not mv.meets_guideline14(0.16, 0.0, "monthly")
    assert not mv.meets_guideline14(0.10, 0.06, "monthly")
    np.testing.assert_array_equal(mv.meets_guideline14([0.29, 0.31, np.nan], [0.09, 0.0, 0.0], "hourly"),
                                  [True, False, False])
    assert mv.meets_guideline14(0.25, 0.0, limits=(0.3, 0.1))
    with pytest.raises(InputError, match="interval"):
        mv.meets_guideline14(0.1, 0.0, "weekly")


def test_lag1_autocorrelation_by_hand():
    # e = 1, -1, 1, -1: mean 0; sum e_t e_t+1 = -3; sum e^2 = 4 -> -0.75
    assert mv.lag1_autocorrelation([1.0, -1.0, 1.0, -1.0]) == pytest.approx(-0.75)
    # e = 1, 2, NaN, 3, 4: mean 2.5, deviations -1.5, -0.5, -, 0.5, 1.5; pairs across the
    # gap are left out: (0.75 + 0.75) / (2.25 + 0.25 + 0.25 + 2.25) = 1.5 / 5 = 0.3
    assert mv.lag1_autocorrelation([1.0, 2.0, np.nan, 3.0, 4.0]) == pytest.approx(0.3)
    assert np.isnan(mv.lag1_autocorrelation([1.0, 2.0]))
    rng = np.random.default_rng(1)
    x = np.zeros(20000)
    for i in range(1, x.size):  # AR(1) with rho = 0.6
        x[i] = 0.6 * x[i - 1] + rng.normal()
    assert mv.lag1_autocorrelation(x) == pytest.approx(0.6, abs=0.02)


def test_fractional_savings_uncertainty_by_hand():
    # CV = 0.1, F = 0.2, n = m = 365, rho = 0, p = 2, 95 %: t(0.975, 363) = 1.966521
    # sqrt((n/n')(1 + 2/n')/m) = sqrt(1 * 1.005479 / 365) = 0.0524856
    # dE/E = 1.966521 * 1.26 * 0.1 / 0.2 * 0.0524856 = 0.0650248
    t = mv.student_t(0.95, 363)
    assert t == pytest.approx(1.966521, abs=1e-6)
    fsu = mv.fractional_savings_uncertainty(0.1, 0.2, 365, 365, 0.0, n_params=2, confidence=0.95)
    assert fsu == pytest.approx(0.0650248, abs=1e-6)
    # rho = 0.5: n' = 365 * 0.5 / 1.5 = 121.667, n/n' = 3, 1 + 2/n' = 1.016438
    # sqrt(3 * 1.016438 / 365) = 0.0914018 -> dE/E = 1.966521 * 0.63 * 0.0914018 = 0.1132384
    fsu = mv.fractional_savings_uncertainty(0.1, 0.2, 365, 365, 0.5, n_params=2, confidence=0.95)
    assert fsu == pytest.approx(0.1132384, abs=1e-6)
    # absolute: dE = dE/E * F * E_baseline = 0.1132384 * 0.2 * 50000 = 1132.384 kWh
    assert mv.savings_uncertainty(0.1, 50000.0, 365, 365, 0.5, n_params=2) == pytest.approx(
        1132.384, abs=1e-2)
    # negative autocorrelation is taken as 0 (no credit for it)
    assert mv.fractional_savings_uncertainty(0.1, 0.2, 365, 365, -0.3, n_params=2) == pytest.approx(
        0.0650248, abs=1e-6)
    with pytest.raises(InputError, match="confidence"):
        mv.fractional_savings_uncertainty(0.1, 0.2, 365, 365, confidence=95)


def test_geh_worked_example():
    # M = 1200, C = 1000: sqrt(2 * 200^2 / 2200) = sqrt(36.3636) = 6.0302
    assert mv.geh(1200.0, 1000.0) == pytest.approx(math.sqrt(2 * 200**2 / 2200))
    assert mv.geh(1200.0, 1000.0) == pytest.approx(6.0302, abs=1e-4)
    assert mv.geh(0.0, 0.0) == 0.0
    # links: GEH 6.030, sqrt(2 * 10^2 / 210) = 0.976, 0, sqrt(2 * 100^2 / 900) = 4.714
    model = [1200.0, 100.0, 0.0, 500.0]
    count = [1000.0, 110.0, 0.0, 400.0]
    np.testing.assert_allclose(mv.geh(model, count), [6.0302, 0.9759, 0.0, 4.7140], atol=1e-4)
    assert mv.geh_share_below(model, count) == 0.75
    with pytest.raises(InputError, match="non-negative"):
        mv.geh(-1.0, 3.0)
