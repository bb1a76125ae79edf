"""Uncertain inputs of the scenario language: distributions on quantities.

A scenario number that is genuinely uncertain carries a distribution beside its nominal value,
in the same inline table and in the same unit::

    rebound = { value = 0.8, unit = "1", distribution = "triangular", low = 0.7, mode = 0.8,
                high = 0.9, source = "..." }
    grid_factor_2030 = { value = 80, unit = "g/kWh", distribution = "normal", mean = 80, sd = 15,
                         assumption = true, reason = "..." }

The nominal ``value`` is always required: it is what a run without uncertainty uses. Keys typed
with :func:`uncertain_quantity` accept such tables as well as plain quantities.

Distributions (parameters in the unit of the quantity; :class:`Distribution`):

========== ============================ ==============================================
kind       parameters                   notes
========== ============================ ==============================================
normal     ``mean``, ``sd``             ``sd > 0``
lognormal  ``median``, ``sigma``        ``median > 0``; ``sigma > 0`` is the standard
                                        deviation of ``ln X`` (see below)
triangular ``low``, ``mode``, ``high``  ``low <= mode <= high``, ``low < high``
uniform    ``low``, ``high``            ``low < high``
discrete   ``values``, ``weights``      weights >= 0 summing to 1 (omitted: equal)
========== ============================ ==============================================

Every kind also accepts ``lower`` and ``upper``, the range the variable may take (in the same
unit). A bounded distribution (triangular, uniform, discrete) must lie inside it; the unbounded
ones (normal, lognormal) are *truncated* to it, and are refused if the truncation would cut off
more than :data:`MAX_TRUNCATED_MASS` of the declared distribution (the given mean and sd would
then no longer describe what is sampled). :func:`uncertain_quantity` sets ``lower``/``upper``
from the key's allowed range, so a share can never be sampled above 1.

The lognormal is given by its median and the standard deviation ``sigma`` of its logarithm
(``ln X ~ N(ln median, sigma)``; geometric standard deviation ``exp(sigma)``), the usual form of
multiplicative uncertainty ranges. From a mean ``m`` and standard deviation ``s`` of ``X``:
``sigma = sqrt(ln(1 + (s/m)**2))`` and ``median = m / sqrt(1 + (s/m)**2)``.

Validating a distribution needs no statistics library (the normal and lognormal tails are
computed with :func:`math.erfc`); :meth:`DistributionFields.dist` and
:meth:`DistributionFields.ppf` import :mod:`scipy.stats` when they are called. Sampling,
percentiles and Sobol' indices are in :mod:`smartcity.uncertainty`.

References
----------
.. [1] McKay, M. D., Beckman, R. J., Conover, W. J. (1979). A comparison of three methods for
   selecting values of input variables in the analysis of output from a computer code.
   Technometrics 21(2), 239-245.
.. [2] Owen, A. B. (1998). Scrambling Sobol' and Niederreiter-Xing points. Journal of
   Complexity 14(4), 466-489.
.. [3] Saltelli, A., Annoni, P., Azzini, I., Campolongo, F., Ratto, M., Tarantola, S. (2010).
   Variance based sensitivity analysis of model output. Design and estimator for the total
   sensitivity index. Computer Physics Communications 181(2), 259-270.
.. [4] Jansen, M. J. W. (1999). Analysis of variance designs for model output. Computer
   Physics Communications 117(1-2), 35-43.
.. [5] Ishigami, T., Homma, T. (1990). An importance quantification technique in uncertainty
   analysis for computer models. Proc. ISUMA '90, 398-403.
.. [6] Efron, B., Tibshirani, R. J. (1993). An Introduction to the Bootstrap. Chapman & Hall.
"""

from __future__ import annotations

import math
import typing
from collections.abc import Mapping
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import AfterValidator, BaseModel, BeforeValidator, Field, model_validator
from pydantic_core import PydanticCustomError

from smartcity.schema.quantities import Quantity, StrictModel, quantity
from smartcity.schema.units import UNITS

__all__ = [
    "KINDS", "MAX_TRUNCATED_MASS", "Distribution", "DistributionFields", "UncertainQuantity", "uncertain_quantity",
    "uncertain_inputs",
]

Kind = Literal["normal", "lognormal", "triangular", "uniform", "discrete"]

#: Parameters of each kind: (required, optional). ``lower``/``upper`` are accepted by all.
KINDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "normal": (("mean", "sd"), ()),
    "lognormal": (("median", "sigma"), ()),
    "triangular": (("low", "mode", "high"), ()),
    "uniform": (("low", "high"), ()),
    "discrete": (("values",), ("weights",)),
}
_PARAMETERS = ("mean", "sd", "median", "sigma", "low", "mode", "high", "values", "weights")

#: Largest share of a normal or lognormal distribution that truncation to the allowed range
#: may cut off (1 %); beyond it the declared parameters misdescribe the sampled distribution.
MAX_TRUNCATED_MASS = 0.01

#: Tolerance on the sum of discrete weights (they are typed by hand, e.g. 0.3 + 0.3 + 0.4).
_WEIGHT_SUM_TOL = 1e-6


def _error(kind: str, message: str, key: str | None = None, value: Any = None, allowed: str | None = None):
    ctx: dict[str, Any] = {}
    if key is not None:
        ctx["key"] = key
    if value is not None:
        ctx["value"] = value
    if allowed is not None:
        ctx["allowed"] = allowed
    return PydanticCustomError(kind, message, ctx)


class DistributionFields(StrictModel):
    """The distribution keys shared by :class:`Distribution`, :class:`UncertainQuantity` and other
    numbers with a ``value`` that may be uncertain (e.g. the transport model's cost parameters)."""

    distribution: Kind | None = Field(
        default=None, description="Kind of distribution: normal, lognormal, triangular, uniform or discrete.")
    mean: float | None = Field(default=None, allow_inf_nan=False, description="Mean of a normal distribution.")
    sd: float | None = Field(default=None, allow_inf_nan=False,
                             description="Standard deviation of a normal distribution (> 0).")
    median: float | None = Field(default=None, allow_inf_nan=False, description="Median of a lognormal (> 0).")
    sigma: float | None = Field(default=None, allow_inf_nan=False,
                                description="Standard deviation of ln X of a lognormal (> 0).")
    low: float | None = Field(default=None, allow_inf_nan=False, description="Lower end (triangular, uniform).")
    mode: float | None = Field(default=None, allow_inf_nan=False, description="Most likely value (triangular).")
    high: float | None = Field(default=None, allow_inf_nan=False, description="Upper end (triangular, uniform).")
    values: list[float] | None = Field(default=None, min_length=1, description="Possible values (discrete).")
    weights: list[float] | None = Field(
        default=None, min_length=1, description="Probabilities of `values`, >= 0 and summing to 1 (discrete).")
    lower: float | None = Field(default=None, allow_inf_nan=False,
                                description="Smallest value the variable may take (normal/lognormal: truncated).")
    upper: float | None = Field(default=None, allow_inf_nan=False,
                                description="Largest value the variable may take (normal/lognormal: truncated).")

    @model_validator(mode="after")
    def _check_distribution(self):
        kind = self.distribution
        given = [p for p in _PARAMETERS if getattr(self, p) is not None]
        if kind is None:
            extra = given + [p for p in ("lower", "upper") if getattr(self, p) is not None]
            if extra:
                raise _error("parameter_without_distribution",
                             f"'{extra[0]}' is a distribution parameter, but no distribution is given",
                             key=extra[0], allowed='add distribution = "normal" | "lognormal" | "triangular" | '
                                                   '"uniform" | "discrete", or remove the parameter')
            return self
        required, optional = KINDS[kind]
        for p in given:
            if p not in required + optional:
                raise _error("wrong_parameter", f"'{p}' is not a parameter of a {kind} distribution", key=p,
                             allowed=", ".join(required + optional + ("lower", "upper")))
        for p in required:
            if getattr(self, p) is None:
                raise _error("missing_parameter", f"a {kind} distribution needs '{p}'", key=p,
                             allowed="the keys " + ", ".join(required))
        if self.lower is not None and self.upper is not None and not self.lower < self.upper:
            raise _error("bad_range", "lower must be below upper", key="upper", value=self.upper,
                         allowed=f"a number > {self.lower:g}")
        if kind == "normal" and not self.sd > 0:
            raise _error("bad_parameter", "sd must be positive", key="sd", value=self.sd, allowed="a number > 0")
        if kind == "lognormal":
            if not self.median > 0:
                raise _error("bad_parameter", "median must be positive", key="median", value=self.median,
                             allowed="a number > 0")
            if not self.sigma > 0:
                raise _error("bad_parameter", "sigma must be positive", key="sigma", value=self.sigma,
                             allowed="a number > 0 (standard deviation of ln X)")
        if kind in ("triangular", "uniform") and not self.low < self.high:
            raise _error("bad_parameter", "low must be below high", key="high", value=self.high,
                         allowed=f"a number > low = {self.low:g}")
        if kind == "triangular" and not self.low <= self.mode <= self.high:
            raise _error("bad_parameter", "mode must lie between low and high", key="mode", value=self.mode,
                         allowed=f"low <= mode <= high, i.e. {self.low:g} ... {self.high:g}")
        if kind == "discrete":
            values = np.asarray(self.values, dtype=np.float64)
            if not np.all(np.isfinite(values)):
                raise _error("bad_parameter", "values must be finite numbers", key="values", value=self.values)
            if self.weights is not None:
                w = np.asarray(self.weights, dtype=np.float64)
                if len(w) != len(values):
                    raise _error("bad_parameter", "weights and values have different lengths", key="weights",
                                 value=f"{len(w)} weights, {len(values)} values", allowed="one weight per value")
                if not np.all(np.isfinite(w)) or np.any(w < 0):
                    raise _error("bad_parameter", "weights must be >= 0", key="weights", value=self.weights,
                                 allowed="numbers >= 0 summing to 1")
                if abs(w.sum() - 1.0) > _WEIGHT_SUM_TOL:
                    raise _error("bad_parameter", "weights do not sum to 1", key="weights",
                                 value=f"sum {w.sum():.9g}", allowed="numbers >= 0 summing to 1")
        self._check_range()
        return self

    def _check_range(self) -> None:
        lo, hi = self.lower, self.upper
        if lo is None and hi is None:
            return
        lo = -math.inf if lo is None else lo
        hi = math.inf if hi is None else hi
        rng = f"{lo:g} ... {hi:g}"
        kind = self.distribution
        if kind in ("triangular", "uniform"):
            for p in ("low", "high"):
                x = getattr(self, p)
                if not lo <= x <= hi:
                    raise _error("out_of_range", f"{p} is outside the allowed range", key=p, value=x,
                                 allowed=f"a number in {rng}")
        elif kind == "discrete":
            for x in self.values:
                if not lo <= x <= hi:
                    raise _error("out_of_range", "a value in 'values' is outside the allowed range",
                                 key="values", value=x,
                                 allowed=f"numbers in {rng}")
        else:
            cut = self._tail_mass(lo, hi)
            if not cut <= MAX_TRUNCATED_MASS:
                raise _error("too_truncated",
                             f"{cut:.1%} of the {kind} distribution lies outside the allowed range {rng}",
                             key="sd" if kind == "normal" else "sigma",
                             allowed=f"a distribution with at most {MAX_TRUNCATED_MASS:.0%} outside {rng} "
                                     "(narrow it, or use a triangular or uniform distribution)")

    # ----------------------------------------------------------------------------------
    def _require(self) -> str:
        if self.distribution is None:
            raise ValueError("this quantity has no distribution (it is certain): give distribution = ...")
        return self.distribution

    def _tail_mass(self, lo: float, hi: float) -> float:
        """Probability of a normal or lognormal below ``lo`` plus above ``hi`` (before truncation)."""
        if self.distribution == "normal":
            loc, scale = self.mean, self.sd
        else:  # lognormal: ln X ~ N(ln median, sigma); X <= 0 has probability 0
            loc, scale = math.log(self.median), self.sigma
            lo = math.log(lo) if lo > 0.0 else -math.inf
            hi = math.log(hi) if hi > 0.0 else -math.inf
        below = 0.5 * math.erfc(-(lo - loc) / (scale * math.sqrt(2.0))) if lo > -math.inf else 0.0
        above = 0.5 * math.erfc((hi - loc) / (scale * math.sqrt(2.0))) if hi < math.inf else 0.0
        return below + above

    def _base(self):
        """The declared continuous distribution, before truncation (a frozen :mod:`scipy.stats` object)."""
        from scipy import stats

        kind = self.distribution
        if kind == "normal":
            return stats.norm(loc=self.mean, scale=self.sd)
        if kind == "lognormal":
            return stats.lognorm(s=self.sigma, scale=self.median)
        if kind == "triangular":
            width = self.high - self.low
            return stats.triang(c=(self.mode - self.low) / width, loc=self.low, scale=width)
        if kind == "uniform":
            return stats.uniform(loc=self.low, scale=self.high - self.low)
        raise AssertionError(kind)  # pragma: no cover

    def _truncation(self) -> tuple[float, float] | None:
        """Truncation bounds of a normal or lognormal, or None if it is not truncated."""
        if self.distribution not in ("normal", "lognormal"):
            return None
        lo = -math.inf if self.lower is None else self.lower
        hi = math.inf if self.upper is None else self.upper
        base = self._base()
        if base.cdf(lo) == 0.0 and base.sf(hi) == 0.0:
            return None
        return lo, hi

    def _discrete_table(self) -> tuple[np.ndarray, np.ndarray]:
        """Distinct values with positive probability, sorted, and their cumulative probabilities."""
        values = np.asarray(self.values, dtype=np.float64)
        n = len(values)
        w = np.full(n, 1.0 / n) if self.weights is None else np.asarray(self.weights, dtype=np.float64)
        keep = w > 0
        xs, inverse = np.unique(values[keep], return_inverse=True)
        p = np.bincount(inverse, weights=w[keep], minlength=len(xs))
        return xs, np.cumsum(p / p.sum())

    def dist(self):
        """The distribution as a frozen :mod:`scipy.stats` object, in the quantity's unit.

        Returns
        -------
        scipy.stats frozen distribution
            ``norm``, ``truncnorm`` (normal truncated to ``lower``/``upper``), ``lognorm`` (or a
            truncated lognormal), ``triang``, ``uniform`` or ``rv_discrete``.
        """
        kind = self._require()
        from scipy import stats

        if kind == "discrete":
            xs, cum = self._discrete_table()
            return stats.rv_discrete(values=(xs, np.diff(cum, prepend=0.0)))
        trunc = self._truncation()
        if trunc is None:
            return self._base()
        lo, hi = trunc
        if kind == "normal":
            return stats.truncnorm((lo - self.mean) / self.sd, (hi - self.mean) / self.sd,
                                   loc=self.mean, scale=self.sd)
        return _truncated(self._base(), lo, hi)

    def ppf(self, u) -> np.ndarray:
        """Inverse CDF: the value [unit of the quantity] at cumulative probability ``u``, vectorised.

        Parameters
        ----------
        u : array_like
            Probabilities in [0, 1].

        Returns
        -------
        numpy.ndarray
            Same shape as ``u``; for a discrete distribution the smallest listed value whose
            cumulative probability reaches ``u``.
        """
        kind = self._require()
        u = np.asarray(u, dtype=np.float64)
        if kind == "discrete":
            xs, cum = self._discrete_table()
            idx = np.searchsorted(cum, u, side="left")
            return xs[np.minimum(idx, len(xs) - 1)]
        trunc = self._truncation()
        base = self._base()
        if trunc is None:
            return base.ppf(u)
        lo, hi = trunc
        # Inverse CDF of the truncated distribution from the base one (e.g. Devroye 1986, ch. 2).
        f_lo, f_hi = base.cdf(lo), base.cdf(hi)
        return np.clip(base.ppf(f_lo + u * (f_hi - f_lo)), lo, hi)

    def support(self) -> tuple[float, float]:
        """Smallest and largest value the distribution can take [unit of the quantity]."""
        kind = self._require()
        if kind == "discrete":
            xs, _ = self._discrete_table()
            return float(xs[0]), float(xs[-1])
        if kind in ("triangular", "uniform"):
            return float(self.low), float(self.high)
        a, b = (-math.inf, math.inf) if kind == "normal" else (0.0, math.inf)  # normal, lognormal
        return (max(a, -math.inf if self.lower is None else self.lower),
                min(b, math.inf if self.upper is None else self.upper))

    def distribution_parameters(self) -> dict[str, Any]:
        """The distribution keys that are set (``distribution`` and its parameters)."""
        names = ("distribution",) + _PARAMETERS + ("lower", "upper")
        return {p: getattr(self, p) for p in names if getattr(self, p) is not None}


def _truncated(base, lo: float, hi: float):
    """A frozen continuous distribution: ``base`` truncated to [lo, hi]."""
    from scipy import stats

    f_lo, f_hi = float(base.cdf(lo)), float(base.cdf(hi))
    mass = f_hi - f_lo

    class _Truncated(stats.rv_continuous):
        # The base is captured by the closure: scipy rebuilds the instance when freezing.
        def _pdf(self, x):
            return base.pdf(x) / mass

        def _cdf(self, x):
            return (base.cdf(x) - f_lo) / mass

        def _ppf(self, q):
            return np.clip(base.ppf(f_lo + q * mass), lo, hi)

    return _Truncated(a=lo, b=hi, name="truncated")()


class Distribution(DistributionFields):
    """A probability distribution of one uncertain input, parameters in its unit.

    Written as e.g. ``{ distribution = "triangular", low = 0.7, mode = 0.8, high = 0.9 }``,
    ``{ distribution = "normal", mean = 80, sd = 15 }``, ``{ distribution = "lognormal",
    median = 1.0, sigma = 0.2 }``, ``{ distribution = "uniform", low = 0, high = 1 }`` or
    ``{ distribution = "discrete", values = [0.3, 0.5], weights = [0.4, 0.6] }``; see the module
    documentation for the parameters and the ``lower``/``upper`` range.

    Examples
    --------
    >>> d = Distribution(distribution="triangular", low=0.7, mode=0.8, high=0.9)
    >>> float(d.ppf(0.5))
    0.8
    """

    distribution: Kind = Field(description="Kind of distribution: normal, lognormal, triangular, uniform or discrete.")


class UncertainQuantity(Quantity, DistributionFields):
    """A :class:`~smartcity.schema.quantities.Quantity` that may carry a distribution.

    The nominal ``value`` (used when uncertainty is off) is always given; the distribution keys
    (:class:`Distribution`) are in ``unit``. Without ``distribution`` it is a plain quantity.
    """

    @property
    def uncertain(self) -> bool:
        """True if a distribution is given."""
        return self.distribution is not None

    @property
    def uncertainty(self) -> Distribution | None:
        """The distribution alone (parameters in ``unit``), or None for a certain quantity."""
        if self.distribution is None:
            return None
        return Distribution(**self.distribution_parameters())

    def to_canonical(self, x) -> np.ndarray:
        """Values ``x`` in ``unit`` converted to the canonical unit of the dimension (vectorised)."""
        factor, offset = UNITS[self.dimension][self.unit]
        return np.asarray(x, dtype=np.float64) * factor + offset

    @model_validator(mode="after")
    def _nominal_in_support(self) -> UncertainQuantity:
        if self.distribution is None:
            return self
        lo, hi = self.support()
        if not lo <= self.value <= hi:
            raise _error("nominal_outside", "the nominal 'value' lies outside its distribution", key="value",
                         value=self.value, allowed=f"a value in {lo:g} ... {hi:g}")
        return self


def uncertain_quantity(dimension: str, *, ge: float | None = None, le: float | None = None,
                       gt: float | None = None, lt: float | None = None):
    """Annotated type for a scenario number of ``dimension`` that may carry a distribution.

    Accepts what :func:`smartcity.schema.quantities.quantity` accepts (a plain number in the
    canonical unit, or ``{ value, unit, source, ... }``), and additionally the distribution keys
    of :class:`Distribution`. The nominal value is range-checked as in ``quantity``; the key's
    range (``ge``/``gt``/``le``/``lt``, canonical unit) becomes the distribution's
    ``lower``/``upper`` (converted to the quantity's unit, intersected with any given by hand):
    a bounded distribution must lie inside, a normal or lognormal is truncated to it.

    Parameters
    ----------
    dimension : str
        Key of :data:`smartcity.schema.units.UNITS`.
    ge, le, gt, lt : float, optional
        Allowed range in the canonical unit of ``dimension``.

    Returns
    -------
    typing.Annotated
        ``Annotated[UncertainQuantity, ...]`` for a pydantic field.
    """
    _, plain_before, plain_after = typing.get_args(quantity(dimension, ge=ge, le=le, gt=gt, lt=lt))
    canonical_lo = max((b for b in (ge, gt) if b is not None), default=None)
    canonical_hi = min((b for b in (le, lt) if b is not None), default=None)

    def before(v: Any) -> Any:
        if isinstance(v, Quantity) and not isinstance(v, UncertainQuantity):
            v = v.model_dump()  # 'dimension' is excluded; the key sets it
        if isinstance(v, UncertainQuantity):
            return v
        v = plain_before.func(v)
        if isinstance(v, dict) and v.get("distribution") is not None and v["unit"] in UNITS[dimension]:
            factor, offset = UNITS[dimension][v["unit"]]  # factor > 0 for every unit

            def local(x):
                return None if x is None else (x - offset) / factor

            lo, hi = local(canonical_lo), local(canonical_hi)
            user_lo, user_hi = v.get("lower"), v.get("upper")
            if lo is not None and isinstance(user_lo, (int, float)) and not isinstance(user_lo, bool):
                lo = max(lo, user_lo)
            if hi is not None and isinstance(user_hi, (int, float)) and not isinstance(user_hi, bool):
                hi = min(hi, user_hi)
            if lo is not None:
                v = {**v, "lower": float(lo)}
            if hi is not None:
                v = {**v, "upper": float(hi)}
        return v

    def after(q: UncertainQuantity) -> UncertainQuantity:
        plain_after.func(q)
        return q

    return Annotated[UncertainQuantity, BeforeValidator(before), AfterValidator(after)]


def uncertain_inputs(model: Any, prefix: str = "") -> dict[str, UncertainQuantity]:
    """All quantities (and other values, :class:`DistributionFields`) with a distribution inside a
    (scenario) model, by dotted key.

    Walks pydantic models, dicts and lists; e.g. ``{"supply.grid.factor": UncertainQuantity}``.
    """
    found: dict[str, UncertainQuantity] = {}
    if isinstance(model, DistributionFields) and not isinstance(model, Distribution):
        if model.distribution is not None:
            found[prefix] = model
        return found
    if isinstance(model, BaseModel):
        items = ((name, getattr(model, name)) for name in type(model).model_fields)
    elif isinstance(model, Mapping):
        items = ((str(k), v) for k, v in model.items())
    elif isinstance(model, (list, tuple)):
        items = ((str(i), v) for i, v in enumerate(model))
    else:
        return found
    for name, value in items:
        found.update(uncertain_inputs(value, f"{prefix}.{name}" if prefix else name))
    return found
