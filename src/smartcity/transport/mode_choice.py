"""Mode choice: generalised cost per mode, multinomial and nested logit, constant calibration.

The third stage of the four-stage model. Each mode of :data:`MODES` has a generalised cost
(:func:`generalised_cost`): in-vehicle time, waiting time as a function of the headway
(:func:`waiting_time`) and access and egress time, each weighted and valued at the value
of time, plus running cost per km, parking and fares. Utilities ``V = ASC - theta * GC``
(:func:`cost_utilities`) give the shares of a multinomial logit (:func:`logit_shares`) or a
nested logit with car, public-transport and active nests (:func:`nested_logit_shares`). The
alternative-specific constants are calibrated so that the predicted aggregate shares
reproduce observed ones (:func:`calibrate_constants`), e.g. the Aalborg split of
:data:`smartcity.scenario.sections.transport.AALBORG_MODE_SHARES`. :func:`logsum` is the
expected maximum utility, fed back to trip distribution as a composite cost.

The cost parameters are the scenario's (:class:`smartcity.scenario.sections.transport.CostParameters`,
every default sourced or flagged as an assumption), passed in by the caller.

References
----------
.. [1] Ben-Akiva, M. and Lerman, S. R. (1985). Discrete Choice Analysis. MIT Press:
   chapter 5 (multinomial logit), chapter 10 (nested logit).
.. [2] Train, K. (2009). Discrete Choice Methods with Simulation, 2nd ed., Cambridge
   University Press, doi:10.1017/CBO9780511805271: sections 3.7 (calibrating constants to
   aggregate shares) and 4.2 (nested logit).
.. [3] Ortúzar, J. de D. and Willumsen, L. G. (2011). Modelling Transport, 4th ed., Wiley:
   section 5.5.3 (generalised cost), section 7.7 (wait time as half the headway).
.. [4] Wardman, M. (2004). Public transport values of time. Transport Policy 11(4),
   363-377, doi:10.1016/j.tranpol.2004.05.001 (walk and wait time weights).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from smartcity.errors import InputError
from smartcity.schema.vocabulary import MODES
from smartcity.transport.demand import ConvergenceError

__all__ = [
    "MODES",
    "NESTS",
    "mode_index",
    "mode_vector",
    "waiting_time",
    "generalised_cost",
    "cost_utilities",
    "logit_shares",
    "nested_logit_shares",
    "logsum",
    "calibrate_constants",
]

#: Default nest of each mode for the nested logit.
NESTS: dict[str, str] = {
    "car_driver": "car", "car_passenger": "car",
    "bus": "public_transport", "brt": "public_transport",
    "bike": "active", "ebike": "active", "walk": "active",
}

def _at(index) -> str:
    """``[i, j]`` text of an array index (empty for a scalar)."""
    return "[" + ", ".join(str(int(i)) for i in index) + "]" if len(index) else ""


# --------------------------------------------------------------------------------------
# Modes and argument checks
# --------------------------------------------------------------------------------------


def mode_index(mode: str, modes: Sequence[str] = MODES) -> int:
    """Position of ``mode`` in ``modes``; an :class:`InputError` names an unknown mode."""
    if mode not in modes:
        raise InputError("unknown mode", key="mode", value=mode, allowed=", ".join(modes))
    return list(modes).index(mode)


def mode_vector(values: Mapping[str, float] | Sequence[float], name: str = "values",
                modes: Sequence[str] = MODES) -> np.ndarray:
    """Values by mode as an array in the order of ``modes``; absent modes are 0.

    Parameters
    ----------
    values : mapping or sequence
        ``{mode: value}`` (absent modes are 0; quantities count with their canonical value) or
        one value per mode in the order of ``modes``.
    name : str
        Name of the argument, for the error message.

    Raises
    ------
    InputError
        An unknown mode, or a sequence of the wrong length.
    """
    if isinstance(values, Mapping):
        out = np.zeros(len(modes))
        for mode, value in values.items():
            if mode not in modes:
                raise InputError("unknown mode", key=name, value=mode, allowed=", ".join(modes))
            out[list(modes).index(mode)] = getattr(value, "canonical", value)
        return out
    out = np.asarray(values, dtype=np.float64)
    if out.shape != (len(modes),):
        raise InputError(f"expected one value per mode ({len(modes)}), got shape {out.shape}", key=name,
                         allowed=", ".join(modes))
    return out


def _non_negative(name: str, value) -> np.ndarray:
    array = np.asarray(value, dtype=np.float64)
    bad = ~np.isfinite(array) | (array < 0.0)
    if bad.any():
        index = np.unravel_index(int(np.argmax(bad)), array.shape) if array.ndim else ()
        raise ValueError(f"{name}{_at(index)} = {float(array[index])!r}: "
                         "must be a finite number >= 0")
    return array


def _utilities(value, name: str = "utilities") -> np.ndarray:
    v = np.asarray(value, dtype=np.float64)
    if v.ndim == 0 or v.shape[-1] == 0:
        raise ValueError(f"{name}: expected an array whose last axis holds the alternatives, got shape {v.shape}")
    bad = np.isnan(v) | (v == np.inf)
    if bad.any():
        index = np.unravel_index(int(np.argmax(bad)), v.shape)
        raise ValueError(f"{name}{_at(index)} = {float(v[index])!r}: must be a finite number "
                         "(or -inf for an unavailable alternative)")
    none = np.all(v == -np.inf, axis=-1)
    if none.any():
        index = np.unravel_index(int(np.argmax(none)), none.shape) if none.ndim else ()
        raise ValueError(f"{name}{_at(index)}: every alternative is unavailable (-inf)")
    return v


def _lse(v: np.ndarray) -> np.ndarray:
    """log(sum(exp(v))) over the last axis, stable; -inf where all entries are -inf."""
    top = np.max(v, axis=-1, keepdims=True)
    safe = np.where(np.isfinite(top), top, 0.0)
    with np.errstate(divide="ignore"):
        return np.log(np.sum(np.exp(v - safe), axis=-1)) + safe[..., 0]


# --------------------------------------------------------------------------------------
# Generalised cost
# --------------------------------------------------------------------------------------


def waiting_time(headway, max_wait: float) -> np.ndarray:
    """Mean waiting time at a stop: half the headway, capped.

    Parameters
    ----------
    headway : array_like
        Time between departures, > 0. [h]
    max_wait : float
        Cap, > 0 (the scenario's ``transport.costs.max_wait``, 15 min by default). [h]

    Returns
    -------
    ndarray
        ``min(headway / 2, max_wait)``. [h]

    References
    ----------
    .. [1] Ortúzar and Willumsen (2011), Modelling Transport, 4th ed., section 7.7:
       with random passenger arrivals the mean wait is half the headway.

    Examples
    --------
    >>> waiting_time([10 / 60, 60 / 60], max_wait=0.25).round(4).tolist()  # 10 and 60 min headways
    [0.0833, 0.25]
    """
    headway = np.asarray(headway, dtype=np.float64)
    bad = ~np.isfinite(headway) | (headway <= 0.0)
    if bad.any():
        index = np.unravel_index(int(np.argmax(bad)), headway.shape) if headway.ndim else ()
        raise ValueError(f"headway{_at(index)} = {float(headway[index])!r}: "
                         "must be a finite number > 0 [h]")
    cap = float(max_wait)
    if not (math.isfinite(cap) and cap > 0.0):
        raise ValueError(f"max_wait = {max_wait!r}: must be a finite number > 0 [h]")
    return np.minimum(0.5 * headway, cap)


def generalised_cost(mode: str, in_vehicle_time, *, distance=0.0, headway=None, access_egress_time=0.0,
                     parking_cost=0.0, parameters) -> np.ndarray:
    """Generalised cost of a trip by ``mode``, in money.

    ``GC = VoT (t_iv + w_wait t_wait + w_access t_access) + money``, where money is the
    running cost per km times the distance (car driver; car passenger with its share;
    bike, e-bike), parking (car driver), or the fare (bus, BRT). The waiting time of bus
    and BRT is :func:`waiting_time` of the headway; other modes have none.

    Parameters
    ----------
    mode : str
        One of :data:`MODES`.
    in_vehicle_time : array_like
        Time in the vehicle, or on the bike or on foot, >= 0. [h]
    distance : array_like, default 0
        Trip distance, >= 0. [km]
    headway : array_like, optional
        Time between departures, > 0; required for bus and BRT. [h]
    access_egress_time : array_like, default 0
        Walking to and from the vehicle or stop, >= 0. [h]
    parking_cost : array_like, default 0
        Parking charge per car-driver trip, >= 0. [DKK]
    parameters : CostParameters
        The scenario's ``transport.costs``
        (:class:`smartcity.scenario.sections.transport.CostParameters`).

    Returns
    -------
    ndarray
        Generalised cost, broadcast over the arguments. [DKK]

    Raises
    ------
    InputError
        Unknown mode, or no headway for bus or BRT.
    ValueError
        A negative or non-finite argument (the message names it).

    References
    ----------
    .. [1] Ortúzar and Willumsen (2011), Modelling Transport, 4th ed., section 5.5.3.
    .. [2] Wardman (2004), Transport Policy 11(4), 363-377 (walk and wait weights).

    Examples
    --------
    >>> from smartcity.scenario.sections.transport import CostParameters
    >>> costs = CostParameters()  # 100 DKK/h, 0.9 DKK/km, ...
    >>> float(generalised_cost("car_driver", 0.25, distance=10.0, parameters=costs))  # 15 min + 10 km
    34.0
    """
    mode_index(mode)
    p = parameters
    t_iv = _non_negative("in_vehicle_time", in_vehicle_time)
    km = _non_negative("distance", distance)
    t_access = _non_negative("access_egress_time", access_egress_time)
    parking = _non_negative("parking_cost", parking_cost)
    vot = p.value_of_time.canonical
    time = t_iv + p.access_weight.canonical * t_access
    money = np.zeros(np.broadcast_shapes(t_iv.shape, km.shape))
    if mode in ("bus", "brt"):
        if headway is None:
            raise InputError("a headway is needed for a public-transport mode", key="headway", value=mode,
                             allowed="headway > 0 [h]")
        time = time + p.wait_weight.canonical * waiting_time(headway, p.max_wait.canonical)
        money = money + p.fare.canonical
    elif mode == "car_driver":
        money = money + p.car_cost_per_km.canonical * km + parking
    elif mode == "car_passenger":
        money = money + p.car_passenger_cost_share.canonical * p.car_cost_per_km.canonical * km
    elif mode == "ebike":
        money = money + p.ebike_cost_per_km.canonical * km
    elif mode == "bike":
        money = money + p.bike_cost_per_km.canonical * km
    return vot * time + money


def cost_utilities(generalised_costs, cost_sensitivity: float, asc=None) -> np.ndarray:
    """Systematic utilities ``V = ASC - theta * GC``.

    Parameters
    ----------
    generalised_costs : (..., n_modes) array_like
        Generalised cost of each mode, finite, or +inf for an unavailable mode. [DKK]
    cost_sensitivity : float
        ``theta`` > 0, the utility of one DKK. [1/DKK]
    asc : (n_modes,) array_like, optional
        Alternative-specific constants; default 0. [-]

    Returns
    -------
    (..., n_modes) ndarray
        Utilities; -inf for unavailable modes. [-]
    """
    gc = np.asarray(generalised_costs, dtype=np.float64)
    if np.isnan(gc).any() or (gc == -np.inf).any():
        raise ValueError("generalised_costs: must be numbers (or +inf for an unavailable mode)")
    if not (math.isfinite(cost_sensitivity) and cost_sensitivity > 0):
        raise ValueError(f"cost_sensitivity = {cost_sensitivity!r}: must be a finite number > 0 [1/DKK]")
    v = -cost_sensitivity * gc
    if asc is not None:
        v = v + np.asarray(asc, dtype=np.float64)
    return v


# --------------------------------------------------------------------------------------
# Logit models
# --------------------------------------------------------------------------------------


def logit_shares(utilities) -> np.ndarray:
    """Multinomial logit choice probabilities.

    ``P_k = exp(V_k) / sum_j exp(V_j)``, computed as ``exp(V_k - logsumexp(V))`` so that
    large utilities do not overflow.

    Parameters
    ----------
    utilities : (..., n_alternatives) array_like
        Systematic utilities; -inf marks an unavailable alternative. [-]

    Returns
    -------
    (..., n_alternatives) ndarray
        Shares in [0, 1] summing to 1 over the last axis. [-]

    Raises
    ------
    ValueError
        NaN or +inf utilities, or a choice where every alternative is -inf.

    References
    ----------
    .. [1] Ben-Akiva and Lerman (1985), Discrete Choice Analysis, section 5.2.

    Examples
    --------
    >>> logit_shares([0.0, np.log(3.0)]).round(6).tolist()
    [0.25, 0.75]
    """
    v = _utilities(utilities)
    return np.exp(v - _lse(v)[..., None])


def _nest_structure(n: int, nests, nest_scale) -> tuple[list[np.ndarray], np.ndarray]:
    """Member indices of each nest and the scale of each nest."""
    if nests is None:
        nests = [NESTS[m] for m in MODES] if n == len(MODES) else list(range(n))
    labels = list(nests)
    if len(labels) != n:
        raise ValueError(f"nests: expected one nest label per alternative ({n}), got {len(labels)}")
    names = list(dict.fromkeys(labels))
    members = [np.array([i for i, label in enumerate(labels) if label == name]) for name in names]
    if isinstance(nest_scale, Mapping):
        unknown = [k for k in nest_scale if k not in names]
        if unknown:
            raise InputError("unknown nest", key="nest_scale", value=unknown[0], allowed=", ".join(map(str, names)))
        scales = np.array([float(nest_scale.get(name, 1.0)) for name in names])
    else:
        scales = np.broadcast_to(np.asarray(nest_scale, dtype=np.float64), (len(names),)).copy()
    bad = ~np.isfinite(scales) | (scales <= 0.0) | (scales > 1.0)
    if bad.any():
        i = int(np.argmax(bad))
        raise ValueError(f"nest_scale of nest {names[i]!r} = {scales[i]!r}: must be in (0, 1] "
                         "(1 is the multinomial logit)")
    return members, scales


def _nested(v: np.ndarray, nests, nest_scale) -> tuple[np.ndarray, np.ndarray]:
    """Shares and logsum of a two-level nested logit."""
    members, scales = _nest_structure(v.shape[-1], nests, nest_scale)
    inclusive = np.empty(v.shape[:-1] + (len(members),))
    conditional = []
    for m, (idx, scale) in enumerate(zip(members, scales)):
        scaled = v[..., idx] / scale
        lse = _lse(scaled)
        inclusive[..., m] = scale * lse
        safe = np.where(np.isfinite(lse), lse, 0.0)
        conditional.append(np.where(np.isfinite(lse)[..., None], np.exp(scaled - safe[..., None]), 0.0))
    total = _lse(inclusive)
    upper = np.exp(inclusive - total[..., None])
    shares = np.empty_like(v)
    for m, idx in enumerate(members):
        shares[..., idx] = upper[..., m, None] * conditional[m]
    return shares, total


def nested_logit_shares(utilities, nests=None, nest_scale=1.0) -> np.ndarray:
    """Two-level nested logit choice probabilities.

    ``P_k = P(k | m) P(m)`` with ``P(k | m) = exp(V_k / l_m) / sum_{j in m} exp(V_j / l_m)``,
    ``P(m) = exp(I_m) / sum_n exp(I_n)`` and inclusive value
    ``I_m = l_m ln sum_{j in m} exp(V_j / l_m)``. With every ``l_m = 1`` this is the
    multinomial logit.

    Parameters
    ----------
    utilities : (..., n_alternatives) array_like
        Systematic utilities; -inf marks an unavailable alternative. [-]
    nests : sequence, optional
        Nest label of each alternative. Default: :data:`NESTS` for the seven
        :data:`MODES` (car, public transport, active), else one nest per alternative.
    nest_scale : float, sequence or mapping, default 1
        Scale ``l_m`` in (0, 1] of each nest (one number for all, one per nest in order of
        first appearance, or ``{label: scale}`` with 1 for absent nests); smaller means
        alternatives in the nest are closer substitutes. [-]

    Returns
    -------
    (..., n_alternatives) ndarray
        Shares summing to 1 over the last axis. [-]

    References
    ----------
    .. [1] Ben-Akiva and Lerman (1985), Discrete Choice Analysis, section 10.3.
    .. [2] Train (2009), Discrete Choice Methods with Simulation, section 4.2.
    """
    return _nested(_utilities(utilities), nests, nest_scale)[0]


def logsum(utilities, nests=None, nest_scale=1.0) -> np.ndarray:
    """Expected maximum utility (logsum) of a choice, for feedback to distribution.

    ``ln sum_k exp(V_k)`` for the multinomial logit (``nests=None`` and scale 1), or
    ``ln sum_m exp(I_m)`` for the nested logit (see :func:`nested_logit_shares`). Divided
    by the cost sensitivity and negated it is a composite generalised cost.

    Parameters
    ----------
    utilities : (..., n_alternatives) array_like
        Systematic utilities. [-]
    nests, nest_scale
        As for :func:`nested_logit_shares`.

    Returns
    -------
    (...) ndarray
        Logsum. [-]

    References
    ----------
    .. [1] Ben-Akiva and Lerman (1985), Discrete Choice Analysis, section 10.3 (expected
       maximum utility); Williams, H. C. W. L. (1977), Environment and Planning A 9(3),
       285-344, doi:10.1068/a090285.

    Examples
    --------
    >>> round(float(logsum([0.0, 0.0])), 9) == round(float(np.log(2.0)), 9)
    True
    """
    v = _utilities(utilities)
    if nests is None and not isinstance(nest_scale, Mapping) and np.all(np.asarray(nest_scale) == 1.0):
        return _lse(v)
    return _nested(v, nests, nest_scale)[1]


def calibrate_constants(utilities_without_asc, observed_shares, weights=None, *, nests=None, nest_scale=None,
                        tol: float = 1e-10, max_iter: int = 10_000) -> np.ndarray:
    """Alternative-specific constants that reproduce observed aggregate shares.

    Repeats ``ASC_k += l_k ln(S_k / P_k)`` with ``S`` the observed and ``P`` the predicted
    weighted aggregate shares (``l_k`` the scale of the nest of ``k``, 1 for the
    multinomial logit), until every share matches to ``tol``. Alternatives with an
    observed share of zero get ``-inf``. The constants are shifted so that the first
    alternative with a positive share has 0.

    Parameters
    ----------
    utilities_without_asc : (n_modes,) or (n_segments, n_modes) array_like
        Utilities of each segment (e.g. origin-destination pair) without constants. [-]
    observed_shares : (n_modes,) array_like or mapping
        Observed shares >= 0 summing to 1 (tolerance 1e-6); a mapping ``{mode: share}``
        (absent modes 0; quantities count with their canonical value) for the seven
        :data:`MODES`, e.g. the scenario's ``transport.observed_mode_shares``. [-]
    weights : (n_segments,) array_like, optional
        Trips of each segment, >= 0 with a positive sum; default equal. [trips/d]
    nests, nest_scale : optional
        Nested logit structure (see :func:`nested_logit_shares`); default multinomial.
    tol : float, default 1e-10
        Largest allowed absolute difference between predicted and observed shares. [-]
    max_iter : int, default 10000
        Most iterations. [-]

    Returns
    -------
    (n_modes,) ndarray
        Constants to add to the utilities. [-]

    Raises
    ------
    InputError
        Shares that are negative, not finite or do not sum to 1, or an unknown mode; the
        message names ``observed_shares``.
    ValueError
        Bad utilities or weights, or a mode with a positive observed share that is
        unavailable in every segment.
    ConvergenceError
        The shares do not match within ``max_iter`` iterations.

    References
    ----------
    .. [1] Train (2009), Discrete Choice Methods with Simulation, section 3.7.1.
    """
    v = _utilities(utilities_without_asc, "utilities_without_asc")
    v = v[None, :] if v.ndim == 1 else v
    if v.ndim != 2:
        raise ValueError(f"utilities_without_asc: expected shape (n_modes,) or (n_segments, n_modes), got {v.shape}")
    n_seg, n = v.shape
    if isinstance(observed_shares, Mapping):
        if n != len(MODES):
            raise ValueError(f"observed_shares: a mapping by mode needs {len(MODES)} alternatives, got {n}")
        s = mode_vector(observed_shares, "observed_shares")
    else:
        s = np.asarray(observed_shares, dtype=np.float64)
        if s.shape != (n,):
            raise InputError(f"expected {n} shares, got shape {s.shape}", key="observed_shares")
    if not np.isfinite(s).all() or (s < 0).any():
        raise InputError("shares must be finite numbers >= 0", key="observed_shares", value=s.tolist(),
                         allowed="shares in [0, 1] summing to 1")
    if abs(s.sum() - 1.0) > 1e-6:
        raise InputError("shares do not sum to 1", key="observed_shares", value=float(s.sum()),
                         allowed="shares summing to 1 (within 1e-6)")
    s = s / s.sum()
    w = np.ones(n_seg) if weights is None else np.asarray(weights, dtype=np.float64)
    if w.shape != (n_seg,):
        raise ValueError(f"weights: expected shape ({n_seg},), got {w.shape}")
    _non_negative("weights", w)
    if not w.sum() > 0:
        raise ValueError("weights: all zero; at least one segment needs trips")
    w = w / w.sum()
    positive = s > 0
    available = (w[:, None] * np.isfinite(v)).sum(axis=0) > 0
    if (positive & ~available).any():
        k = int(np.argmax(positive & ~available))
        raise ValueError(f"observed_shares[{k}] = {s[k]!r} > 0 but alternative {k} is unavailable (-inf) in every "
                         "segment with weight")
    if not (isinstance(tol, (int, float)) and 0 < tol < 1):
        raise ValueError(f"tol = {tol!r}: must be a number in (0, 1)")
    nested = nests is not None or nest_scale is not None
    scale = 1.0 if nest_scale is None else nest_scale
    if nested:
        members, scales = _nest_structure(n, nests, scale)
        damping = np.empty(n)
        for idx, lam in zip(members, scales):
            damping[idx] = lam
    else:
        damping = np.ones(n)
    asc = np.where(positive, 0.0, -np.inf)
    # Segments without any alternative that has a positive share cannot be predicted.
    usable = (np.isfinite(v) & positive[None, :]).any(axis=1)
    v_use, w_use = v[usable], w[usable] / w[usable].sum()
    error = math.inf
    for _ in range(int(max_iter)):
        u = v_use + asc
        p = nested_logit_shares(u, nests, scale) if nested else logit_shares(u)
        predicted = w_use @ p
        error = float(np.max(np.abs(predicted - s)))
        if error <= tol:
            reference = asc[int(np.argmax(positive))]
            return asc - reference
        with np.errstate(divide="ignore"):
            step = np.where(positive, damping * np.log(s / np.where(positive, predicted, 1.0)), 0.0)
        asc = asc + step
    raise ConvergenceError(f"calibrate_constants: the predicted shares still differ from the observed ones by "
                           f"{error:.3g} after {max_iter} iterations (tol {tol:g}); raise max_iter or check for "
                           "modes that are nearly unavailable")
