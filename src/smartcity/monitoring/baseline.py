"""Weather-normalised baselines: change-point degree-day models of metered use.

A meter's use per day is explained by the outdoor temperature through one of four
candidate models (CalTRACK 2.0 [1]_, the change-point models of ASHRAE Guideline 14 and
its Inverse Model Toolkit [2]_):

=================  =====================================================
intercept only     ``use = b0``
heating            ``use = b0 + bh * HDD(Tbh)``
cooling            ``use = b0 + bc * CDD(Tbc)``
heating + cooling  ``use = b0 + bh * HDD(Tbh) + bc * CDD(Tbc)``, Tbh <= Tbc
=================  =====================================================

with ``HDD(T) = max(T - t_mean, 0)`` and ``CDD(T) = max(t_mean - T, 0)`` per day [K day]
for the day's mean outdoor temperature ``t_mean``. Each candidate is fitted by (weighted)
least squares for every balance point of a grid; it qualifies if all its slopes are
positive and significant (two-sided p-value of the slope's t-test below ``p_max``, 0.1
as in CalTRACK), and the qualifying candidate with the highest adjusted R² is chosen.
The intercept-only model always qualifies. The intercept itself is not required to be
positive (CalTRACK constrains only the slopes).

Balance-point grid: 8-22 °C for heating and 14-30 °C for cooling in 0.5 K steps
(:data:`DEFAULT_HEATING_BALANCE_POINTS`, :data:`DEFAULT_COOLING_BALANCE_POINTS`). The
search is exhaustive on the grid, so the grid error (at most 0.25 K) stays below the
statistical uncertainty of a balance point fitted on a year of daily data (about
0.5-1 K); the whole search costs a few thousand small closed-form solves per meter. Pass
an empty grid to exclude heating or cooling models (e.g. a district-heating meter).

Daily data follow the CalTRACK daily method; billing data (monthly or irregular
periods) its billing method: use per day of each period against the period's mean
degree days per day, weighted by the period's days.

Functions
---------
fit_daily, fit_billing
    Fit baselines for many meters at once (a numba kernel, meters in parallel).
predict
    Baseline use for any temperature series: the adjusted baseline of a reporting period
    or the use in a typical year (:func:`normalised_use`).
avoided_energy
    Adjusted baseline minus measured use in a reporting period, with its Guideline 14
    uncertainty.
warmup
    Compile the kernel into numba's on-disk cache.

References
----------
.. [1] CalTRACK Methods, version 2.0 (2019), §2 (data sufficiency: 365-day baseline,
   at most 37 days missing) and §3 (daily and billing methods),
   https://docs.caltrack.org.
.. [2] ASHRAE Guideline 14-2014, Measurement of Energy, Demand, and Water Savings, §5.2
   and Annex D; J. K. Kissock, J. S. Haberl and D. E. Claridge (2003), Inverse Modeling
   Toolkit: numerical algorithms, ASHRAE Transactions 109(2), 425-434.
.. [3] EVO (2022), International Performance Measurement and Verification Protocol
   (IPMVP), Core Concepts, Option C (whole facility).

Longer than the house limit of ~700 lines (about 730): the daily and the billing fits share
one numba kernel, its design sums and the Guideline 14 covariance; apart, each half would
import the other's private pieces.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
from scipy import stats

from smartcity.errors import InputError
from smartcity.monitoring import _kernels
from smartcity.monitoring import statistics as mv_stats

__all__ = [
    "MODEL_KINDS",
    "DEFAULT_HEATING_BALANCE_POINTS",
    "DEFAULT_COOLING_BALANCE_POINTS",
    "BaselineFit",
    "AvoidedEnergy",
    "fit_daily",
    "fit_billing",
    "predict",
    "normalised_use",
    "avoided_energy",
    "warmup",
]

#: Names of the candidate models, indexed by :attr:`BaselineFit.kind`.
MODEL_KINDS = ("intercept_only", "heating", "cooling", "heating_cooling")
#: Default grid of heating balance points. [°C]
DEFAULT_HEATING_BALANCE_POINTS = np.arange(8.0, 22.0 + 1e-9, 0.5)
#: Default grid of cooling balance points. [°C]
DEFAULT_COOLING_BALANCE_POINTS = np.arange(14.0, 30.0 + 1e-9, 0.5)

# Units and long names of the per-meter results (BaselineFit.to_dataset).
_META = {
    "kind": ("1", "chosen model (index into MODEL_KINDS)"),
    "intercept": ("kWh/day", "base use per day"),
    "heating_slope": ("kWh/(K day)", "use per heating degree day"),
    "cooling_slope": ("kWh/(K day)", "use per cooling degree day"),
    "heating_balance_point": ("degC", "heating balance-point temperature"),
    "cooling_balance_point": ("degC", "cooling balance-point temperature"),
    "heating_p_value": ("1", "two-sided p-value of the heating slope"),
    "cooling_p_value": ("1", "two-sided p-value of the cooling slope"),
    "r_squared": ("1", "coefficient of determination"),
    "adj_r_squared": ("1", "adjusted coefficient of determination"),
    "n_obs": ("1", "observations used in the fit"),
    "n_params": ("1", "parameters of the chosen model"),
    "residual_std": ("kWh/day", "standard deviation of the residuals per day"),
    "cv_rmse": ("1", "CV(RMSE) of the use per observation"),
    "nmbe": ("1", "normalised mean bias error"),
    "autocorrelation": ("1", "lag-1 autocorrelation of the residuals"),
    "n_days": ("day", "days spanned by the baseline data"),
    "n_missing_days": ("day", "days without a use value"),
    "data_sufficient": ("1", "baseline meets the data-sufficiency rules"),
    "meets_guideline14": ("1", "CV(RMSE) and NMBE within ASHRAE Guideline 14 limits"),
}


@dataclass(frozen=True)
class BaselineFit:
    """Fitted baselines of many meters; every attribute is an array of shape (n_meters,).

    Attributes
    ----------
    kind : int8 ndarray
        Chosen model, an index into :data:`MODEL_KINDS` (see :attr:`model`).
    intercept : ndarray
        Base use b0. [kWh/day]
    heating_slope, cooling_slope : ndarray
        bh and bc; 0 when the model has no such term. [kWh/(K day)]
    heating_balance_point, cooling_balance_point : ndarray
        Tbh and Tbc; NaN when the model has no such term. [°C]
    heating_p_value, cooling_p_value : ndarray
        Two-sided p-values of the slopes' t-tests; NaN when absent. [1]
    r_squared, adj_r_squared : ndarray
        (Weighted) R² and adjusted R²; 0 for the intercept-only model. [1]
    n_obs, n_params : int64 ndarray
        Observations (days or periods) used and model parameters (1 to 3). [-]
    residual_std : ndarray
        ``sqrt(sum(w r**2) / (n - p))`` of the residuals r of use per day, weights w
        in days: the standard deviation of one day's use about the model. [kWh/day]
    cv_rmse, nmbe : ndarray
        Guideline 14 CV(RMSE) and NMBE of the use per observation (a day's or a
        period's use), with ``n - p`` degrees of freedom. [1]
    autocorrelation : ndarray
        Lag-1 autocorrelation of the residuals per observation. [1]
    n_days, n_missing_days : int64 ndarray
        Days spanned by the data and days without a use value. [day]
    data_sufficient : bool ndarray
        ``n_days >= min_baseline_days`` and ``n_missing_days <= max_missing_days``
        (CalTRACK: 365 and 37).
    meets_guideline14 : bool ndarray
        CV(RMSE) and \\|NMBE\\| within :data:`~smartcity.monitoring.statistics.GUIDELINE14_LIMITS`
        for the data interval (daily, or monthly for billing data).
    covariance : ndarray, shape (n_meters, 3, 3)
        Covariance of (intercept, heating slope, cooling slope) at the chosen balance
        points, ``s**2 (X' W X)**-1`` with ``s = residual_std``; rows and columns of
        absent terms are 0. [units of the coefficients squared]
    resolution : str
        ``"daily"`` or ``"billing"``.
    meter_ids : tuple or None
        Meter labels, if given.
    """

    kind: np.ndarray
    intercept: np.ndarray
    heating_slope: np.ndarray
    cooling_slope: np.ndarray
    heating_balance_point: np.ndarray
    cooling_balance_point: np.ndarray
    heating_p_value: np.ndarray
    cooling_p_value: np.ndarray
    r_squared: np.ndarray
    adj_r_squared: np.ndarray
    n_obs: np.ndarray
    n_params: np.ndarray
    residual_std: np.ndarray
    cv_rmse: np.ndarray
    nmbe: np.ndarray
    autocorrelation: np.ndarray
    n_days: np.ndarray
    n_missing_days: np.ndarray
    data_sufficient: np.ndarray
    meets_guideline14: np.ndarray
    covariance: np.ndarray
    resolution: str = "daily"
    meter_ids: tuple | None = None

    def __len__(self) -> int:
        return len(self.kind)

    @property
    def model(self) -> np.ndarray:
        """Name of each meter's chosen model (see :data:`MODEL_KINDS`)."""
        return np.asarray(MODEL_KINDS, dtype=object)[self.kind]

    @property
    def meets_criteria(self) -> np.ndarray:
        """Data sufficient and within the Guideline 14 limits."""
        return self.data_sufficient & self.meets_guideline14

    def summary(self, meter) -> dict:
        """One meter's results as a dict of Python scalars.

        Parameters
        ----------
        meter : int or label
            Position of the meter, or its label in ``meter_ids``.
        """
        i = self._position(meter)
        out = {"meter": self.meter_ids[i] if self.meter_ids else i, "model": MODEL_KINDS[self.kind[i]]}
        for f in fields(self):
            if f.name not in ("resolution", "meter_ids", "kind", "covariance"):
                out[f.name] = getattr(self, f.name)[i].item()
        out["resolution"] = self.resolution
        return out

    def to_dataset(self):
        """The results as an ``xarray.Dataset`` with dimension ``meter``.

        Every variable carries ``units`` and ``long_name`` attributes.
        """
        import xarray as xr

        meters = list(self.meter_ids) if self.meter_ids else np.arange(len(self))
        data = {
            name: ("meter", getattr(self, name), {"units": units, "long_name": long_name})
            for name, (units, long_name) in _META.items()
        }
        return xr.Dataset(data, coords={"meter": meters},
                          attrs={"resolution": self.resolution, "model_kinds": list(MODEL_KINDS)})

    def _position(self, meter) -> int:
        if self.meter_ids is not None and meter in self.meter_ids:
            return self.meter_ids.index(meter)
        if isinstance(meter, (int, np.integer)) and -len(self) <= meter < len(self):
            return int(meter) % len(self)
        raise InputError("unknown meter", value=meter,
                         allowed=f"a position 0..{len(self) - 1} or one of meter_ids")


@dataclass(frozen=True)
class AvoidedEnergy:
    """Avoided energy use of many meters in a reporting period; arrays of shape (n_meters,).

    Attributes
    ----------
    adjusted_baseline : ndarray
        Baseline use predicted for the reporting period's weather, over the days (or
        periods) with a measured value. [kWh]
    reporting_use : ndarray
        Measured use over the same days. [kWh]
    avoided_energy : ndarray
        ``adjusted_baseline - reporting_use``. [kWh]
    savings_fraction : ndarray
        ``avoided_energy / adjusted_baseline``. [1]
    uncertainty : ndarray
        Half-width of the ``confidence`` interval of the avoided energy. [kWh]
    fractional_uncertainty : ndarray
        ``uncertainty / |avoided_energy|``. [1]
    n_reporting : int64 ndarray
        Days (or periods) with a measured value, m. [-]
    confidence : float
        Two-sided confidence level of ``uncertainty``. [1]
    method : str
        How ``uncertainty`` was computed: ``"regression"`` or ``"guideline14"``.
    """

    adjusted_baseline: np.ndarray
    reporting_use: np.ndarray
    avoided_energy: np.ndarray
    savings_fraction: np.ndarray
    uncertainty: np.ndarray
    fractional_uncertainty: np.ndarray
    n_reporting: np.ndarray
    confidence: float
    method: str


def fit_daily(use, temperature, *, heating_balance_points=None, cooling_balance_points=None,
              p_max=0.1, min_days=30, min_nonzero_days=10, min_total_degree_days=20.0,
              min_baseline_days=365, max_missing_days=37, meter_ids=None) -> BaselineFit:
    """Fit daily change-point baselines (CalTRACK 2.0 daily method) to many meters.

    Parameters
    ----------
    use : array_like, shape (n_meters, n_days) or (n_days,)
        Metered use per day; NaN for a missing day (skipped in the fit). [kWh/day]
    temperature : array_like, shape (n_days,) or (n_meters, n_days)
        Daily mean outdoor temperature, one weather station for all meters or one row
        per meter; no NaN. [°C]
    heating_balance_points, cooling_balance_points : array_like, optional
        Increasing grids of balance points searched; empty to exclude the heating (or
        cooling) models. Defaults: 8-22 °C and 14-30 °C in 0.5 K steps. [°C]
    p_max : float
        Largest two-sided p-value of a slope for its model to qualify. [1]
    min_days : int
        Fewest days with a value a meter needs; fewer raise :class:`InputError`. [day]
    min_nonzero_days : int
        Fewest used days with positive degree days for a balance point to be a
        candidate (after CalTRACK's rule for daily data). [day]
    min_total_degree_days : float
        Fewest degree days summed over the used days for a balance point. [K day]
    min_baseline_days, max_missing_days : int
        Data-sufficiency rule reported in :attr:`BaselineFit.data_sufficient`
        (CalTRACK: 365 days, at most 37 missing). [day]
    meter_ids : sequence, optional
        Labels of the meters.

    Returns
    -------
    BaselineFit

    Notes
    -----
    With one temperature row per meter, the degree days of every balance point are held
    for every meter (``8 * n_meters * n_days * n_points`` bytes, about 180 MB for 1,000
    meter-years on the default grids); with one station they are computed once.
    """
    y = _use_matrix(use, "use")
    n_meters, n_days = y.shape
    meter_ids = _meter_ids(meter_ids, n_meters)
    temp = _temperature(temperature, n_meters, n_days)
    hp, cp = _grids(heating_balance_points, cooling_balance_points)
    hdd = np.ascontiguousarray(np.maximum(hp[None, :, None] - temp[:, None, :], 0.0))
    cdd = np.ascontiguousarray(np.maximum(temp[:, None, :] - cp[None, :, None], 0.0))
    weight = np.ones((1, n_days))
    _check_enough(y, min_days, "days", meter_ids)
    n_missing = np.isnan(y).sum(axis=1)
    sufficient = (n_days >= min_baseline_days) & (n_missing <= max_missing_days)
    return _fit(y, weight, hdd, cdd, hp, cp, True, p_max, min_nonzero_days,
                min_total_degree_days, np.full(n_meters, n_days), n_missing, sufficient,
                "daily", meter_ids)


def fit_billing(use, temperature, period_start, period_end, *, heating_balance_points=None,
                cooling_balance_points=None, p_max=0.1, min_periods=6, min_nonzero_periods=3,
                min_total_degree_days=20.0, min_baseline_days=365, max_missing_days=37,
                meter_ids=None) -> BaselineFit:
    """Fit billing-period change-point baselines (CalTRACK 2.0 billing method).

    Each period's use per day is regressed on its mean heating and cooling degree days
    per day, by least squares weighted by the period's days.

    Parameters
    ----------
    use : array_like, shape (n_meters, n_periods) or (n_periods,)
        Metered use of each period; NaN for a missing reading. [kWh]
    temperature : array_like, shape (n_days,) or (n_meters, n_days)
        Daily mean outdoor temperature covering all periods; no NaN. [°C]
    period_start, period_end : array_like of int, shape (n_periods,)
        First day and one past the last day of each period, as indices into
        ``temperature``; periods in time order, not overlapping. [day]
    heating_balance_points, cooling_balance_points, p_max, meter_ids
        As in :func:`fit_daily`.
    min_periods : int
        Fewest periods with a value a meter needs; fewer raise :class:`InputError`. [-]
    min_nonzero_periods : int
        Fewest used periods with positive mean degree days for a balance point (a
        choice of this package: CalTRACK's rule counts days of daily data). [-]
    min_total_degree_days : float
        Fewest degree days summed over the used periods' days. [K day]
    min_baseline_days, max_missing_days : int
        Data-sufficiency rule: days from the first period's start to the last period's
        end, and days in gaps between periods or in periods without a value. [day]

    Returns
    -------
    BaselineFit
        Intercept and slopes are per day; ``cv_rmse``, ``nmbe`` and ``autocorrelation``
        refer to the periods' use [kWh].
    """
    total = _use_matrix(use, "use")
    n_meters, n_periods = total.shape
    meter_ids = _meter_ids(meter_ids, n_meters)
    temp = _temperature(temperature, n_meters, None)
    start, end = _periods(period_start, period_end, n_periods, temp.shape[1])
    hp, cp = _grids(heating_balance_points, cooling_balance_points)
    days = (end - start).astype(float)
    hdd = _period_means(np.maximum(hp[None, :, None] - temp[:, None, :], 0.0), start, end)
    cdd = _period_means(np.maximum(temp[:, None, :] - cp[None, :, None], 0.0), start, end)
    _check_enough(total, min_periods, "periods", meter_ids)
    span = int(end[-1] - start[0])
    n_missing = span - np.where(np.isnan(total), 0, days[None, :]).sum(axis=1).astype(np.int64)
    sufficient = (span >= min_baseline_days) & (n_missing <= max_missing_days)
    return _fit(total / days, days[None, :], hdd, cdd, hp, cp, False, p_max,
                min_nonzero_periods, min_total_degree_days, np.full(n_meters, span),
                n_missing, sufficient, "billing", meter_ids)


def predict(fit: BaselineFit, temperature, period_start=None, period_end=None) -> np.ndarray:
    """Baseline use of each meter for a temperature series.

    Parameters
    ----------
    fit : BaselineFit
        Fitted baselines.
    temperature : array_like, shape (n_days,) or (n_meters, n_days)
        Daily mean outdoor temperature, e.g. of a reporting period (the adjusted
        baseline) or of a typical year (normalised use); no NaN. [°C]
    period_start, period_end : array_like of int, shape (n_periods,), optional
        Periods (first day, one past the last) to sum the daily use over. [day]

    Returns
    -------
    ndarray
        Use per day, shape (n_meters, n_days) [kWh/day]; with periods, use per period,
        shape (n_meters, n_periods) [kWh].
    """
    return _predict(fit, _design_sums(fit, temperature, period_start, period_end))


def normalised_use(fit: BaselineFit, temperature) -> np.ndarray:
    """Total baseline use of each meter over a temperature series, e.g. a typical year.

    Parameters
    ----------
    fit : BaselineFit
        Fitted baselines.
    temperature : array_like, shape (n_days,) or (n_meters, n_days)
        Daily mean outdoor temperature of the normal (typical) year. [°C]

    Returns
    -------
    ndarray, shape (n_meters,)
        Weather-normalised use (CalTRACK's normal-year use). [kWh]
    """
    return predict(fit, temperature).sum(axis=1)


def avoided_energy(fit: BaselineFit, temperature, use, period_start=None, period_end=None,
                   *, confidence=0.95, method="regression") -> AvoidedEnergy:
    """Avoided energy use in a reporting period and its uncertainty.

    The adjusted baseline (the baseline model on the reporting period's weather) minus
    the measured use, both over the days (or periods) with a measured value (IPMVP
    Option C [3]_; CalTRACK §4 [1]_).

    Parameters
    ----------
    fit : BaselineFit
        Baselines from :func:`fit_daily` (daily reporting data) or :func:`fit_billing`
        (reporting periods required).
    temperature : array_like, shape (n_days,) or (n_meters, n_days)
        Daily mean outdoor temperature of the reporting period. [°C]
    use : array_like, shape (n_meters, n_days) or (n_meters, n_periods)
        Measured use per day [kWh/day] or per period [kWh]; NaN where missing.
    period_start, period_end : array_like of int, optional
        Reporting periods for billing data (see :func:`fit_billing`). [day]
    confidence : float
        Two-sided confidence level of the uncertainty. [1]
    method : {"regression", "guideline14"}
        ``"regression"``: the prediction interval of the summed baseline,
        ``t * sqrt(k (s**2 D + g' C g))`` with ``D`` the reporting days, ``g`` the
        reporting sums of (1, HDD, CDD), ``C`` the coefficient covariance, ``s`` the
        residual standard deviation per day, ``k = (1 + rho)/(1 - rho)`` for the
        residuals' lag-1 autocorrelation rho >= 0 and t with ``n - p`` degrees of
        freedom [4]_. ``"guideline14"``: the Guideline 14 Annex B formula
        (:func:`~smartcity.monitoring.statistics.savings_uncertainty`). The default is
        the regression interval because it holds its confidence level: in 2,000
        simulated daily heating baselines (a year of baseline, a year of reporting, 10 %
        noise) a 95 % interval held the true savings in 95 % of trials (94 % with AR(1)
        noise, rho = 0.4), the Guideline 14 one in 92 % (91 %).

    Returns
    -------
    AvoidedEnergy

    References
    ----------
    .. [4] T. A. Reddy and D. E. Claridge (2000), Uncertainty of "measured" energy savings
       from statistical baseline models, HVAC&R Research 6(1), 3-20.
    """
    billing = period_start is not None or period_end is not None
    if billing != (fit.resolution == "billing"):
        raise InputError("reporting data must have the baseline's resolution",
                         value="billing periods" if billing else "daily values",
                         allowed=f"{fit.resolution} data (period_start and period_end for billing)")
    if method not in ("regression", "guideline14"):
        raise InputError("unknown uncertainty method", key="method", value=method,
                         allowed="'regression' or 'guideline14'")
    measured = _use_matrix(use, "use")
    design = _design_sums(fit, temperature, period_start, period_end)
    predicted = _predict(fit, design)
    if measured.shape != predicted.shape:
        raise InputError("reporting use does not match the meters and the days (or periods)",
                         key="use", value=measured.shape, allowed=f"shape {predicted.shape}")
    valid = ~np.isnan(measured)
    m = valid.sum(axis=1)
    if np.any(m == 0):
        raise InputError("a meter has no reporting value", key="use",
                         value=int(np.argmax(m == 0)), allowed="at least one value per meter")
    adjusted = np.where(valid, predicted, 0.0).sum(axis=1)
    reporting = np.where(valid, measured, 0.0).sum(axis=1)
    saved = adjusted - reporting
    if method == "guideline14":
        uncertainty = mv_stats.savings_uncertainty(
            fit.cv_rmse, adjusted, fit.n_obs, m, fit.autocorrelation,
            n_params=fit.n_params, confidence=confidence)
    else:
        g = np.where(valid[..., None], design, 0.0).sum(axis=1)  # (n_meters, 3)
        rho = np.clip(np.nan_to_num(fit.autocorrelation), 0.0, 0.99)
        variance = ((1.0 + rho) / (1.0 - rho)) * (
            fit.residual_std ** 2 * g[:, 0] + np.einsum("mi,mij,mj->m", g, fit.covariance, g))
        t = mv_stats.student_t(confidence, fit.n_obs - fit.n_params)
        uncertainty = t * np.sqrt(variance)
    with np.errstate(divide="ignore", invalid="ignore"):
        fraction = saved / adjusted
        relative = uncertainty / np.abs(saved)
    return AvoidedEnergy(adjusted, reporting, saved, fraction, np.asarray(uncertainty),
                         relative, m, confidence, method)


def warmup() -> None:
    """Compile the baseline kernel into numba's on-disk cache (a tiny fit)."""
    temp = 8.0 + 10.0 * np.sin(np.linspace(0.0, 2.0 * np.pi, 60))
    use = 50.0 + 4.0 * np.maximum(15.0 - temp, 0.0) + np.linspace(-1.0, 1.0, 60)
    fit_daily(use, temp, min_days=10)


# -- internals ---------------------------------------------------------------------------

def _fit(y, weight, hdd, cdd, hp, cp, separable, p_max, min_nonzero, min_total,
         n_days, n_missing, sufficient, resolution, meter_ids) -> BaselineFit:
    """Run the kernel and derive the reported statistics."""
    if not 0.0 < p_max < 1.0:
        raise InputError("p_max must lie strictly between 0 and 1", key="p_max", value=p_max)
    n_meters, n_obs = y.shape
    dof = np.arange(n_obs + 1)
    t_critical = np.full(n_obs + 1, np.inf)
    t_critical[1:] = stats.t.ppf(1.0 - p_max / 2.0, dof[1:])
    kind = np.empty(n_meters, np.int64)
    coef = np.empty((n_meters, 3))
    balance = np.empty((n_meters, 2))
    grid_index = np.empty((n_meters, 2), np.int64)
    stderr = np.empty((n_meters, 2))
    fit_stats = np.empty((n_meters, 5))
    _kernels.fit_change_point_kernel(
        y, np.ascontiguousarray(weight), hdd, cdd, hp, cp, t_critical,
        np.int64(min_nonzero), float(min_total), bool(separable),
        kind, coef, balance, grid_index, stderr, fit_stats)

    n_used = fit_stats[:, 0].astype(np.int64)
    n_params = fit_stats[:, 1].astype(np.int64)
    rows = np.arange(n_meters) if hdd.shape[0] > 1 else np.zeros(n_meters, np.int64)
    x = np.stack(np.broadcast_arrays(1.0, _chosen(hdd, rows, grid_index[:, 0]),
                                     _chosen(cdd, rows, grid_index[:, 1])), axis=-1)
    fitted = np.matmul(x, coef[:, :, None])[..., 0]
    w = np.broadcast_to(weight, y.shape)
    measured_obs, fitted_obs = w * y, w * fitted  # use per observation (day or period)
    residual_variance = fit_stats[:, 4] / (n_used - n_params)
    present = np.column_stack([np.ones(n_meters, bool), grid_index >= 0])
    covariance = _covariance(x, w, np.isfinite(y), present, residual_variance)
    slopes = coef[:, 1:]
    with np.errstate(divide="ignore", invalid="ignore"):
        t_value = slopes / stderr
        p_value = 2.0 * stats.t.sf(t_value, np.maximum(n_used - n_params, 1)[:, None])
    cv = mv_stats.cv_rmse(measured_obs, fitted_obs, n_params)
    bias = mv_stats.nmbe(measured_obs, fitted_obs, n_params)
    return BaselineFit(
        kind=kind.astype(np.int8),
        intercept=coef[:, 0].copy(),
        heating_slope=coef[:, 1].copy(),
        cooling_slope=coef[:, 2].copy(),
        heating_balance_point=balance[:, 0].copy(),
        cooling_balance_point=balance[:, 1].copy(),
        heating_p_value=np.where(np.isnan(stderr[:, 0]), np.nan, p_value[:, 0]),
        cooling_p_value=np.where(np.isnan(stderr[:, 1]), np.nan, p_value[:, 1]),
        r_squared=fit_stats[:, 2].copy(),
        adj_r_squared=fit_stats[:, 3].copy(),
        n_obs=n_used,
        n_params=n_params,
        residual_std=np.sqrt(residual_variance),
        cv_rmse=np.asarray(cv),
        nmbe=np.asarray(bias),
        autocorrelation=np.asarray(mv_stats.lag1_autocorrelation(measured_obs - fitted_obs)),
        n_days=np.asarray(n_days, dtype=np.int64),
        n_missing_days=np.asarray(n_missing, dtype=np.int64),
        data_sufficient=np.asarray(sufficient, dtype=bool),
        meets_guideline14=np.asarray(mv_stats.meets_guideline14(
            cv, bias, "daily" if resolution == "daily" else "monthly")),
        covariance=covariance,
        resolution=resolution,
        meter_ids=meter_ids,
    )


def _design_sums(fit, temperature, period_start, period_end):
    """Days, HDD and CDD at each meter's balance points, per day or summed per period.

    Returns an array of shape (n_meters, n_days or n_periods, 3): (days, HDD, CDD)
    [day, K day, K day]; HDD (CDD) is 0 for a model without heating (cooling).
    """
    temp = _temperature(temperature, len(fit), None)
    hbp = fit.heating_balance_point[:, None]
    cbp = fit.cooling_balance_point[:, None]
    with np.errstate(invalid="ignore"):
        hdd = np.where(np.isnan(hbp), 0.0, np.maximum(hbp - temp, 0.0))
        cdd = np.where(np.isnan(cbp), 0.0, np.maximum(temp - cbp, 0.0))
    design = np.stack(np.broadcast_arrays(1.0, hdd, cdd), axis=-1)
    if period_start is None and period_end is None:
        return design
    start, end = _periods(period_start, period_end, None, temp.shape[1])
    zeros = np.zeros((design.shape[0], 1, 3))
    cum = np.concatenate([zeros, np.cumsum(design, axis=1)], axis=1)
    return cum[:, end] - cum[:, start]


def _predict(fit, design):
    """Use from design sums: b0 * days + bh * HDD + bc * CDD."""
    coef = np.stack([fit.intercept, fit.heating_slope, fit.cooling_slope], axis=1)
    return np.einsum("mti,mi->mt", design, coef)


def _covariance(x, weight, valid, coef_present, residual_variance):
    """``s**2 (X' W X)**-1`` per meter over its used observations, 0 for absent terms."""
    w = np.where(valid, weight, 0.0)
    xtwx = np.matmul((x * w[..., None]).transpose(0, 2, 1), x)
    # an absent term has a zero column: put 1 on its diagonal to invert the rest
    eye = np.eye(3, dtype=bool)[None]
    xtwx = np.where(eye & ~coef_present[:, None, :], 1.0, xtwx)
    keep = coef_present[:, :, None] & coef_present[:, None, :]
    return np.where(keep, np.linalg.inv(xtwx), 0.0) * residual_variance[:, None, None]


def _chosen(dd, rows, k):
    """Degree days at each meter's chosen balance point; zeros where there is none."""
    out = np.zeros((len(k), dd.shape[2]))
    has = k >= 0
    out[has] = dd[rows[has], k[has], :]
    return out


def _period_means(daily, start, end):
    """Mean over each period of the last axis of ``daily``."""
    zeros = np.zeros(daily.shape[:-1] + (1,))
    cum = np.concatenate([zeros, np.cumsum(daily, axis=-1)], axis=-1)
    return np.ascontiguousarray((cum[..., end] - cum[..., start]) / (end - start))


def _use_matrix(use, key):
    y = np.array(use, dtype=float, ndmin=1)
    if y.ndim == 1:
        y = y[None, :]
    if y.ndim != 2:
        raise InputError("use must be an array of shape (n_meters, n_days)", key=key,
                         value=f"{y.ndim} dimensions")
    if y.size == 0:
        raise InputError("no use values", key=key, value=y.shape,
                         allowed="at least one meter and one day")
    if np.isinf(y).any():
        raise InputError("use must be finite (NaN marks a missing value)", key=key,
                         value=float(y[np.isinf(y)][0]))
    return np.ascontiguousarray(y)


def _temperature(temperature, n_meters, n_days):
    t = np.array(temperature, dtype=float, ndmin=1)
    if t.ndim == 1:
        t = t[None, :]
    if t.ndim != 2 or t.shape[0] not in (1, n_meters) or t.shape[1] == 0:
        raise InputError("temperature must have shape (n_days,) or (n_meters, n_days)",
                         key="temperature", value=t.shape, allowed=f"n_meters = {n_meters}")
    if n_days is not None and t.shape[1] != n_days:
        raise InputError("temperature and use must have the same number of days",
                         key="temperature", value=t.shape[1], allowed=f"{n_days} days")
    bad = ~np.isfinite(t)
    if bad.any():
        day = int(np.argwhere(bad)[0, -1])
        raise InputError(f"temperature is missing or not finite on day {day}",
                         key="temperature", value=float(t[bad][0]),
                         allowed="a value for every day (fill gaps before fitting)")
    return np.ascontiguousarray(t)


def _grids(heating, cooling):
    out = []
    for name, points, default in (("heating_balance_points", heating, DEFAULT_HEATING_BALANCE_POINTS),
                                  ("cooling_balance_points", cooling, DEFAULT_COOLING_BALANCE_POINTS)):
        p = np.array(default if points is None else points, dtype=float, ndmin=1)
        if p.ndim != 1 or not np.isfinite(p).all() or np.any(np.diff(p) <= 0):
            raise InputError("balance points must be finite and increasing", key=name,
                             value=p.tolist(), allowed="e.g. numpy.arange(8, 22.5, 0.5) [°C]")
        out.append(np.ascontiguousarray(p))
    return out


def _periods(start, end, n_periods, n_days):
    if start is None or end is None:
        raise InputError("billing periods need both period_start and period_end")
    start = np.array(start, ndmin=1)
    end = np.array(end, ndmin=1)
    if start.ndim != 1 or start.shape != end.shape or start.size == 0:
        raise InputError("period_start and period_end must be 1-D arrays of equal length",
                         key="period_start", value=(start.shape, end.shape))
    if not (np.issubdtype(start.dtype, np.integer) and np.issubdtype(end.dtype, np.integer)):
        raise InputError("period bounds must be integer day indices", key="period_start",
                         value=str(start.dtype))
    if n_periods is not None and start.size != n_periods:
        raise InputError("one period per use column is needed", key="period_start",
                         value=start.size, allowed=f"{n_periods} periods")
    if np.any(start < 0) or np.any(end > n_days) or np.any(end <= start):
        raise InputError("periods must satisfy 0 <= start < end <= days of temperature",
                         key="period_start", allowed=f"end <= {n_days}")
    if np.any(start[1:] < end[:-1]):
        raise InputError("periods must be in time order and must not overlap", key="period_start")
    return start.astype(np.int64), end.astype(np.int64)


def _check_enough(y, least, what, meter_ids):
    if least < 2:
        raise InputError(f"the least number of {what} must be at least 2", key=f"min_{what}",
                         value=least, allowed=">= 2")
    counts = np.isfinite(y).sum(axis=1)
    if np.any(counts < least):
        i = int(np.argmax(counts < least))
        name = meter_ids[i] if meter_ids is not None else i
        raise InputError(f"meter {name!r} has too few {what} with a use value",
                         key="use", value=int(counts[i]), allowed=f">= {least} {what}")


def _meter_ids(meter_ids, n_meters):
    if meter_ids is None:
        return None
    ids = tuple(meter_ids)
    if len(ids) != n_meters:
        raise InputError("one meter id per meter is needed", key="meter_ids",
                         value=len(ids), allowed=f"{n_meters} ids")
    return ids

