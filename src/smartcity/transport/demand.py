"""Travel demand: trip generation and doubly constrained gravity distribution.

The first two stages of the four-stage model, as plain functions on arrays:

1. **Generation** (:func:`trip_productions_attractions`): daily trips produced and
   attracted by each zone for four purposes, from residents, jobs and study places with the
   rates of ``smartcity/data/trip_rates.toml`` (:func:`load_trip_rates`). The per-resident
   rates add up to the 2.9 trips per person per day of the Danish National Travel Survey;
   attractions are scaled to the productions of their purpose.
2. **Distribution** (:func:`furness`): a doubly constrained gravity model
   ``T_ij = a_i P_i b_j A_j f(c_ij)`` balanced by iterative proportional fitting, with a
   deterrence function ``f`` (:func:`deterrence`) whose parameter is calibrated so that the
   mean trip length matches a target (:func:`calibrate_gravity`), e.g. the 13.1 km of the
   survey.

Functions
---------
load_trip_rates
    Read and check a trip-rates file (the shipped one is cached).
trip_productions_attractions
    Productions and balanced attractions per purpose and zone.
deterrence
    Exponential, power or combined (Tanner) deterrence function of a cost matrix.
furness
    Doubly constrained trip matrix by iterative proportional fitting.
mean_trip_length
    Trip-weighted mean of a distance (or cost) matrix.
calibrate_gravity
    Deterrence parameter that reproduces a target mean trip length.
warmup
    Compile the numba kernel of :func:`furness`.

References
----------
.. [1] Ortúzar, J. de D. and Willumsen, L. G. (2011). Modelling Transport, 4th ed., Wiley,
   doi:10.1002/9781119993308: chapter 6 (trip generation) and chapter 7 (trip
   distribution, the gravity model, the Furness method and its convergence).
.. [2] Hyman, G. M. (1969). The calibration of trip distribution models. Environment and
   Planning A 1(1), 105-112, doi:10.1068/a010105.
.. [3] Christiansen, H. and Baescu, O. (2019). The Danish National Travel Survey, annual
   statistical report TU 2006-2017, DTU Management, Center for Transport Analytics.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError
from scipy.optimize import brentq

from smartcity.checks import number_array
from smartcity.errors import InputError, SmartcityError
from smartcity.schema.files import read_data_file
from smartcity.schema.quantities import Sourced, StrictModel
from smartcity.transport import _kernels

__all__ = [
    "PURPOSES",
    "ConvergenceError",
    "RateSet",
    "PurposeRates",
    "TripRates",
    "load_trip_rates",
    "trip_productions_attractions",
    "deterrence",
    "furness",
    "mean_trip_length",
    "calibrate_gravity",
    "warmup",
]

#: Trip purposes, in the order of the first axis of the generation arrays.
PURPOSES: tuple[str, ...] = ("home_work", "home_education", "home_other", "non_home_based")

_RATES_FILE = "data/trip_rates.toml"


def _at(index) -> str:
    """``[i, j]`` text of an array index (empty for a scalar)."""
    return "[" + ", ".join(str(int(i)) for i in index) + "]" if len(index) else ""


class ConvergenceError(SmartcityError, RuntimeError):
    """An iterative method did not reach its tolerance within its iteration limit.

    An expected failure of the inputs (e.g. a network whose capacities make the feedback
    oscillate): the command line reports it in one line and exits with status 2.
    """


# --------------------------------------------------------------------------------------
# The trip-rates file
# --------------------------------------------------------------------------------------




class RateSet(Sourced):
    """Daily trips per resident, per job and per study place of a zone."""

    per_person: float = Field(default=0.0, ge=0.0, allow_inf_nan=False, description="Trips per resident. [1/d]")
    per_job: float = Field(default=0.0, ge=0.0, allow_inf_nan=False, description="Trips per workplace. [1/d]")
    per_student: float = Field(default=0.0, ge=0.0, allow_inf_nan=False, description="Trips per study place. [1/d]")
    unit: Literal["1/d"] = Field(description="Unit of the rates: '1/d'.")


class PurposeRates(StrictModel):
    """Production and attraction rates of one trip purpose."""

    description: str = Field(description="Which trips the purpose covers.")
    production: RateSet = Field(description="Rates of the trips produced by a zone. [1/d]")
    attraction: RateSet = Field(description="Rates of the trips attracted by a zone (only ratios matter). [1/d]")


class TotalRate(Sourced):
    """A sourced number of trips per person per day."""

    value: float = Field(gt=0.0, allow_inf_nan=False, description="Trips per person per day. [1/d]")
    unit: Literal["1/d"] = Field(description="Unit: '1/d'.")


class TripRates(StrictModel):
    """The trip-rates file: a total per resident and the rates of every purpose."""

    total_trips_per_person: TotalRate = Field(description="All trips per resident per day. [1/d]")
    purpose: dict[str, PurposeRates] = Field(description="Rates by purpose, one for each of PURPOSES.")

    @model_validator(mode="before")
    @classmethod
    def _every_purpose(cls, data):
        purposes = data.get("purpose") if isinstance(data, dict) else None
        if isinstance(purposes, dict):
            unknown = [p for p in purposes if p not in PURPOSES]
            if unknown:
                raise PydanticCustomError("unknown_purpose", "unknown purpose",
                                          {"value": unknown[0], "allowed": ", ".join(PURPOSES)})
            missing = [p for p in PURPOSES if p not in purposes]
            if missing:
                raise PydanticCustomError("missing_purpose", "a purpose has no rates",
                                          {"value": missing[0], "allowed": "a [purpose.<name>] table for each of "
                                           + ", ".join(PURPOSES)})
        return data

    @model_validator(mode="after")
    def _adds_up(self) -> TripRates:
        total = sum(self.purpose[p].production.per_person for p in PURPOSES)
        if not math.isclose(total, self.total_trips_per_person.value, rel_tol=1e-9, abs_tol=1e-12):
            raise PydanticCustomError(
                "rates_total", "the per-person production rates do not add up to total_trips_per_person",
                {"value": total, "allowed": f"rates adding up to {self.total_trips_per_person.value:g} [1/d]",
                 "key": "production.per_person"},
            )
        return self

    def matrices(self) -> tuple[np.ndarray, np.ndarray]:
        """(production, attraction) rates, each (n_purposes, 3) for (person, job, student). [1/d]"""
        def rows(kind: str) -> np.ndarray:
            return np.array([[getattr(self.purpose[p], kind).per_person, getattr(self.purpose[p], kind).per_job,
                              getattr(self.purpose[p], kind).per_student] for p in PURPOSES])
        return rows("production"), rows("attraction")




def load_trip_rates(path: str | Path | None = None) -> TripRates:
    """Read and check a trip-rates file.

    Parameters
    ----------
    path : str or Path, optional
        A TOML file laid out as ``smartcity/data/trip_rates.toml``. Default: that shipped
        file, read once and cached.

    Returns
    -------
    TripRates

    Raises
    ------
    InputError
        Unreadable or invalid TOML, an unknown or missing key or purpose, a negative rate,
        per-person production rates that do not add up to ``total_trips_per_person``, or an
        entry with neither a source nor an assumption with a reason; the message names the
        file and key.
    """
    return read_data_file(TripRates, path, _RATES_FILE, "trip-rates")


# --------------------------------------------------------------------------------------
# Argument checks
# --------------------------------------------------------------------------------------


def _vector(name: str, value, n: int | None = None, *, positive_sum: bool = False) -> np.ndarray:
    """A 1-D array of ``n`` finite values >= 0."""
    return number_array(name, value, ndim=1, shape=None if n is None else (n,), nonneg=True,
                        positive_sum=positive_sum)


def _matrix(name: str, value, n: int, m: int, *, low: float = 0.0, strict: bool = False) -> np.ndarray:
    """An (n, m) array of finite values >= ``low`` (> with ``strict``)."""
    return number_array(name, value, shape=(n, m), low=low, strict=strict)


# --------------------------------------------------------------------------------------
# Generation
# --------------------------------------------------------------------------------------


def trip_productions_attractions(population, jobs, students, rates: TripRates | None = None
                                 ) -> tuple[np.ndarray, np.ndarray]:
    """Daily trips produced and attracted by each zone, per purpose, attractions balanced.

    Parameters
    ----------
    population : (n_zones,) array_like
        Residents of each zone, >= 0. [persons]
    jobs : (n_zones,) array_like
        Workplaces located in each zone, >= 0. [jobs]
    students : (n_zones,) array_like
        Places at schools and universities located in each zone, >= 0. [students]
    rates : TripRates, optional
        Default: :func:`load_trip_rates` (the shipped ``trip_rates.toml``).

    Returns
    -------
    productions, attractions : (n_purposes, n_zones) ndarray
        Trips per day of each purpose of :data:`PURPOSES`. The attractions of each purpose
        are scaled so that they add up to its productions; a purpose without productions
        has zero attractions. [trips/d]

    Raises
    ------
    ValueError
        Arrays of different lengths, or a negative or non-finite value (the message names
        the argument and index); or a purpose with productions but no zone that attracts it.

    References
    ----------
    .. [1] Ortúzar and Willumsen (2011), Modelling Transport, 4th ed., section 6.4 (trip
       rates) and section 7.2 (balancing productions and attractions).
    .. [2] Danish National Travel Survey (TU) 2006-2017: 2.9 trips per person per day.

    Examples
    --------
    >>> p, a = trip_productions_attractions([1000, 0], [0, 500], [0, 100])
    >>> float(p.sum())  # 2.9 trips per resident per day
    2900.0
    >>> bool(np.allclose(p.sum(axis=1), a.sum(axis=1)))
    True
    """
    population = _vector("population", population)
    n = population.shape[0]
    jobs = _vector("jobs", jobs, n)
    students = _vector("students", students, n)
    rates = load_trip_rates() if rates is None else rates
    production_rates, attraction_rates = rates.matrices()
    base = np.vstack([population, jobs, students])  # (3, n_zones)
    productions = production_rates @ base
    attractions = attraction_rates @ base
    for k, purpose in enumerate(PURPOSES):
        total_p, total_a = productions[k].sum(), attractions[k].sum()
        if total_p == 0.0:
            attractions[k] = 0.0
        elif total_a == 0.0:
            raise ValueError(f"purpose {purpose!r}: {total_p:g} trips/d are produced but no zone attracts them; "
                             "give the zones jobs, students or residents as its attraction rates require")
        else:
            attractions[k] *= total_p / total_a
    return productions, attractions


# --------------------------------------------------------------------------------------
# Distribution
# --------------------------------------------------------------------------------------

_FUNCTIONS = ("exponential", "power", "combined")


def deterrence(cost, function: str = "exponential", beta: float = 0.1, alpha: float = 0.0) -> np.ndarray:
    """Deterrence (impedance) function of a generalised cost.

    ``exponential``: ``f = exp(-beta c)``; ``power``: ``f = c^-beta``; ``combined``
    (Tanner): ``f = c^-alpha exp(-beta c)``.

    Parameters
    ----------
    cost : array_like
        Generalised cost, distance or time between zones, finite and >= 0; > 0 for the
        power function and for the combined function with ``alpha != 0``. [any unit, e.g. min]
    function : {"exponential", "power", "combined"}
        Form of the function.
    beta : float
        Exponential parameter (power exponent for ``power``), finite and >= 0.
        [1/unit of cost; - for power]
    alpha : float, default 0
        Power exponent of ``combined``. [-]

    Returns
    -------
    ndarray
        ``f`` with the shape of ``cost``, in (0, 1] for the exponential function. [-]

    References
    ----------
    .. [1] Ortúzar and Willumsen (2011), Modelling Transport, 4th ed., section 7.4.1,
       equations (7.16)-(7.18).

    Examples
    --------
    >>> deterrence([0.0, 10.0], beta=0.1).round(4).tolist()
    [1.0, 0.3679]
    """
    if function not in _FUNCTIONS:
        raise InputError("unknown deterrence function", key="function", value=function,
                         allowed=", ".join(_FUNCTIONS))
    cost = np.asarray(cost, dtype=np.float64)
    for name, value in (("beta", beta), ("alpha", alpha)):
        if not (isinstance(value, (int, float, np.floating, np.integer)) and math.isfinite(value) and value >= 0):
            raise ValueError(f"{name} = {value!r}: must be a finite number >= 0")
    needs_positive = function == "power" or (function == "combined" and alpha != 0.0)
    bad = ~np.isfinite(cost) | ((cost <= 0.0) if needs_positive else (cost < 0.0))
    if bad.any():
        index = np.unravel_index(int(np.argmax(bad)), cost.shape) if cost.ndim else ()
        rule = "> 0" if needs_positive else ">= 0"
        raise ValueError(f"cost{_at(index)} = {float(cost[index])!r}: must be a finite number {rule}"
                         + (f" for the {function} function" if needs_positive else ""))
    if function == "exponential":
        return np.exp(-beta * cost)
    if function == "power":
        return cost ** (-float(beta))
    return cost ** (-float(alpha)) * np.exp(-beta * cost)


def furness(productions, attractions, deterrence, tol: float = 1e-10, max_iter: int = 10_000) -> np.ndarray:
    """Doubly constrained gravity model by iterative proportional fitting (Furness).

    Finds ``T_ij = r_i f_ij s_j`` whose row sums are the productions and column sums the
    attractions, alternately scaling rows and columns. Zones without productions get zero
    rows and zones without attractions zero columns.

    Parameters
    ----------
    productions : (n,) array_like
        Trips produced by each origin zone, >= 0. [trips/d]
    attractions : (m,) array_like
        Trips attracted by each destination zone, >= 0, with the same total as the
        productions (relative difference <= 1e-9). [trips/d]
    deterrence : (n, m) array_like
        Deterrence ``f_ij`` >= 0, e.g. from :func:`deterrence`; zero forbids the pair. [-]
    tol : float, default 1e-10
        Stop when no row sum differs from its production by more than ``tol`` times the
        total (the column sums are then exact to rounding). [-]
    max_iter : int, default 10000
        Most row-and-column sweeps. [-]

    Returns
    -------
    (n, m) ndarray
        Trip matrix. [trips/d]

    Raises
    ------
    ValueError
        A bad array (negative, non-finite, wrong shape), totals that differ, or a zone whose
        trips cannot be placed because all its pairs with positive demand have ``f = 0``.
    ConvergenceError
        The rows do not match within ``max_iter`` sweeps (e.g. a pattern of zeros in the
        deterrence matrix that makes the constraints infeasible).

    References
    ----------
    .. [1] Furness, K. P. (1965). Time function iteration. Traffic Engineering and Control
       7(7), 458-460.
    .. [2] Ortúzar and Willumsen (2011), Modelling Transport, 4th ed., section 7.3.3.

    Examples
    --------
    >>> t = furness([10.0, 20.0], [15.0, 15.0], [[1.0, 0.5], [0.5, 1.0]])
    >>> t.sum(axis=1).round(9).tolist(), t.sum(axis=0).round(9).tolist()
    ([10.0, 20.0], [15.0, 15.0])
    """
    p = _vector("productions", productions)
    a = _vector("attractions", attractions)
    f = _matrix("deterrence", deterrence, p.shape[0], a.shape[0])
    _check_iterations(tol, max_iter)
    return _balance(np.ascontiguousarray(p), np.ascontiguousarray(a), np.ascontiguousarray(f), tol, max_iter,
                    p.sum(), a.sum())


def _check_iterations(tol, max_iter) -> None:
    """Check the ``tol`` and ``max_iter`` of :func:`furness`."""
    if not (isinstance(tol, (int, float)) and 0.0 < tol < 1.0):
        raise ValueError(f"tol = {tol!r}: must be a number in (0, 1)")
    if isinstance(max_iter, bool) or not isinstance(max_iter, (int, np.integer)) or max_iter < 1:
        raise ValueError(f"max_iter = {max_iter!r}: must be an integer >= 1")


def _balance(p: np.ndarray, a: np.ndarray, f: np.ndarray, tol: float, max_iter: int, total_p: float,
             total_a: float) -> np.ndarray:
    """:func:`furness` on arrays already checked, for repeated calls on the same inputs.

    ``p``, ``a`` and ``f`` are C-contiguous ``float64`` arrays that passed :func:`_vector`
    and :func:`_matrix`, ``tol`` and ``max_iter`` passed :func:`_check_iterations`, and
    ``total_p`` and ``total_a`` are the sums of ``p`` and ``a``. Checks what depends on the
    combination of the arrays (equal totals, every zone with trips reachable), runs the
    kernel and raises its failures as :func:`furness` documents.
    """
    if not math.isclose(total_p, total_a, rel_tol=1e-9, abs_tol=0.0):
        raise ValueError(f"productions sum to {total_p!r} but attractions to {total_a!r}: the totals must match "
                         "(scale the attractions to the productions)")
    if total_p == 0.0:
        return np.zeros_like(f)
    trips, sweeps, error, overflow = _kernels.furness_kernel(p, a, f, float(total_p), float(tol), int(max_iter))
    if overflow:
        if sweeps == 1:
            # A zone with trips and no reachable partner (f @ (a > 0) or (p > 0) @ f zero where it has
            # trips) makes a factor of the first sweep divide by zero; it is looked for only then.
            _check_reachable(p, a, f)
        raise ConvergenceError(f"furness: the balancing factors overflowed after {sweeps} sweeps; zeros in "
                               "the deterrence matrix make the constraints infeasible, or its values span "
                               "too many orders of magnitude (e.g. a very large beta)")
    if not error <= tol:
        raise ConvergenceError(f"furness: the row sums still differ from the productions by {error:.3g} of the "
                               f"total after {max_iter} sweeps (tol {tol:g}); check the deterrence matrix for "
                               "zeros that make the constraints infeasible, or raise max_iter")
    return trips


def _check_reachable(p: np.ndarray, a: np.ndarray, f: np.ndarray) -> None:
    """Raise ValueError naming the first zone with trips that has no partner to send them to.

    That is a zone whose deterrence is zero towards every zone with trips on the other side.
    """
    reach_rows = (f * (a > 0)[None, :]).sum(axis=1)
    reach_cols = (f * (p > 0)[:, None]).sum(axis=0)
    for name, values, reach in (("productions", p, reach_rows), ("attractions", a, reach_cols)):
        stuck = (values > 0) & (reach == 0)
        if stuck.any():
            i = int(np.argmax(stuck))
            raise ValueError(f"{name}[{i}] = {values[i]!r} cannot be placed: its deterrence is zero towards every "
                             "zone with trips on the other side")


def mean_trip_length(trips, distance) -> float:
    """Trip-weighted mean of ``distance`` (or of any cost matrix).

    Parameters
    ----------
    trips : (n, m) array_like
        Trip matrix, >= 0 with a positive total. [trips/d]
    distance : (n, m) array_like
        Distance between zones, >= 0. [km]

    Returns
    -------
    float
        ``sum(T d) / sum(T)``. [km]
    """
    t = np.asarray(trips, dtype=np.float64)
    if t.ndim != 2:
        raise ValueError(f"trips: expected a 2-D matrix, got shape {t.shape}")
    t = _matrix("trips", t, *t.shape)
    d = _matrix("distance", distance, *t.shape)
    total = t.sum()
    if not total > 0.0:
        raise ValueError("trips: the matrix is all zero; the mean trip length is undefined")
    return float((t * d).sum() / total)


def calibrate_gravity(productions, attractions, cost, distance, target_mean_km: float, *,
                      function: str = "exponential", alpha: float = 0.0, rtol: float = 1e-6,
                      tol: float = 1e-12, max_iter: int = 100_000) -> float:
    """Deterrence parameter ``beta`` whose gravity model has the target mean trip length.

    A one-dimensional root search (Brent's method) on ``beta`` for the equation
    ``mean_trip_length(furness(P, A, deterrence(cost, function, beta, alpha)), distance) =
    target``, the condition Hyman's method solves by secant steps. The mean trip length
    falls as ``beta`` grows from 0 (no deterrence) towards the shortest-distance matching
    of the productions and attractions.

    Parameters
    ----------
    productions, attractions : (n,), (m,) array_like
        As for :func:`furness`; or (k, n) and (k, m) for k purposes balanced separately
        with the same deterrence, whose trips together have the target mean. [trips/d]
    cost : (n, m) array_like
        Generalised cost the deterrence acts on (equal to ``distance`` for a pure distance
        model). [any unit]
    distance : (n, m) array_like
        Distance between zones. [km]
    target_mean_km : float
        Target mean trip length, e.g. 13.1 km of the Danish National Travel Survey. [km]
    function : {"exponential", "power", "combined"}
        Deterrence function (:func:`deterrence`); ``beta`` is calibrated, ``alpha`` fixed.
    alpha : float, default 0
        Power exponent of the combined function. [-]
    rtol : float, default 1e-6
        Required relative accuracy of the mean trip length. [-]
    tol, max_iter
        Passed to :func:`furness`.

    Returns
    -------
    float
        ``beta`` >= 0. [1/unit of cost; - for power]

    Raises
    ------
    ValueError
        Bad arrays, or a target outside the range the model can reach (above the mean
        without deterrence, ``beta = 0``, or below the mean at the largest ``beta`` tried);
        the message gives the range.
    ConvergenceError
        The root search or a Furness balancing does not converge.

    References
    ----------
    .. [1] Hyman, G. M. (1969). The calibration of trip distribution models. Environment
       and Planning A 1(1), 105-112, doi:10.1068/a010105.
    .. [2] Ortúzar and Willumsen (2011), Modelling Transport, 4th ed., section 7.5.
    """
    p_rows = np.asarray(productions, dtype=np.float64)
    a_rows = np.asarray(attractions, dtype=np.float64)
    if p_rows.ndim == 2 and a_rows.ndim == 2 and p_rows.shape[0] == a_rows.shape[0]:
        ps = [_vector(f"productions[{k}]", row) for k, row in enumerate(p_rows)]
        a_s = [_vector(f"attractions[{k}]", row, ps[0].shape[0]) for k, row in enumerate(a_rows)]
        if not sum(float(row.sum()) for row in ps) > 0:
            raise ValueError("productions: all zero; at least one zone must produce trips")
    else:
        ps, a_s = [_vector("productions", productions, positive_sum=True)], [_vector("attractions", attractions)]
    p, a = ps[0], a_s[0]
    cost = _matrix("cost", cost, p.shape[0], a.shape[0])
    distance = _matrix("distance", distance, p.shape[0], a.shape[0])
    if not (isinstance(target_mean_km, (int, float)) and math.isfinite(target_mean_km) and target_mean_km > 0):
        raise ValueError(f"target_mean_km = {target_mean_km!r}: must be a finite number > 0 [km]")
    if function not in _FUNCTIONS:
        raise InputError("unknown deterrence function", key="function", value=function,
                         allowed=", ".join(_FUNCTIONS))
    deterrence(cost, function, 0.0, alpha)  # checks cost > 0 where needed
    _check_iterations(tol, max_iter)
    # Costs (log costs for the power function) shifted per row, f = exp(-beta shifted): the
    # row factors absorb the shift, so a large beta does not underflow.
    if function == "exponential":
        shifted = cost - cost.min(axis=1, keepdims=True)
    elif function == "power":
        log_cost = np.log(cost)
        shifted = log_cost - log_cost.min(axis=1, keepdims=True)
    scale = 1.0 / max(float(np.max(cost) - np.min(cost)), 1e-300) if function != "power" else 1.0
    purposes = [(np.ascontiguousarray(pk), np.ascontiguousarray(ak), pk.sum(), ak.sum()) for pk, ak in zip(ps, a_s)]

    def mean(beta: float) -> float:
        if function == "combined":
            f = deterrence(cost, "combined", beta, alpha)
            f = _matrix("deterrence", f / np.maximum(f.max(axis=1, keepdims=True), 1e-300), *cost.shape)
        else:  # exp(-beta shifted) with beta, shifted >= 0 lies in [0, 1]: nothing to check
            f = np.exp(-beta * shifted)
        trips = sum(_balance(pk, ak, f, tol, max_iter, total_p, total_a) for pk, ak, total_p, total_a in purposes)
        total = trips.sum()
        if not (math.isfinite(total) and total > 0.0):
            return mean_trip_length(trips, distance)  # raises, naming the bad value
        return float((trips * distance).sum() / total)

    upper_mean = mean(0.0)
    if abs(upper_mean - target_mean_km) <= rtol * target_mean_km:
        return 0.0
    if target_mean_km > upper_mean:
        raise ValueError(f"target_mean_km = {target_mean_km!r} is above the mean trip length without deterrence "
                         f"({upper_mean:.6g} km, beta = 0); the model cannot reach it")
    hi = scale
    hi_mean = mean(hi)
    for _ in range(60):
        if hi_mean < target_mean_km:
            break
        hi *= 2.0
        try:
            hi_mean = mean(hi)
        except ConvergenceError:
            break
    if not hi_mean < target_mean_km:
        raise ValueError(f"target_mean_km = {target_mean_km!r} is below the shortest mean trip length the model "
                         f"reaches ({hi_mean:.6g} km at beta = {hi:g}); check the distances and the target")
    beta, result = brentq(lambda b: mean(b) - target_mean_km, 0.0, hi, xtol=1e-14 * hi, rtol=1e-14,
                          maxiter=200, full_output=True, disp=False)
    achieved = mean(beta)
    if not result.converged or abs(achieved - target_mean_km) > rtol * target_mean_km:
        raise ConvergenceError(f"calibrate_gravity: reached a mean trip length of {achieved:.9g} km against the "
                               f"target {target_mean_km:.9g} km (rtol {rtol:g}) at beta = {beta:.9g}")
    return float(beta)


def warmup() -> None:
    """Compile the kernel of :func:`furness` (or load it from the on-disk cache)."""
    furness([1.0, 2.0], [2.0, 1.0], [[1.0, 0.5], [0.5, 1.0]])
