"""The cost-optimal dispatch of a heat network, as a linear program: the yardstick of the merit order.

:func:`smartcity.energy.heat_dispatch.heat_dispatch` dispatches hour by hour with a
documented rule for the storage, as EnergyPLAN does; it cannot see the whole year. The
same system as a linear program over the whole year, solved with PyPSA [1]_ (linopy and
HiGHS), gives the least cost any dispatch could reach, so the rule's cost can be measured
against it (``smartcity[optimal]`` installs PyPSA; the run never needs it).

The program has the rule's physics and nothing more: one heat bus; each unit a generator
with its hourly capacity and marginal cost, must-run units fixed at their capacity; a
cooler that may take, at no cost, as much heat as the must-run units make beyond the
demand (the rule's ``dumped``: no unit runs in order to cool its heat away, even at a
negative cost); unserved heat at a value
of lost load; the storage with its charge and discharge power, volume, standing loss and
lossless charging, starting from the rule's initial content. So that the optimum cannot
win by emptying the storage the rule leaves full, the storage ends the period with what the
rule left in it. The rule's dispatch is then a feasible point of the program, and the
optimum costs at most as much.

References
----------
.. [1] Brown, T., Hörsch, J., Schlachtberger, D. (2018). PyPSA: Python for Power System
   Analysis. Journal of Open Research Software 6(1), 4. https://doi.org/10.5334/jors.188
"""

from __future__ import annotations

import logging

import numpy as np

from smartcity.checks import number, number_array
from smartcity.energy.heat_dispatch import HeatStorage, check_system, storage_loss_per_hour

__all__ = ["VALUE_OF_LOST_HEAT", "optimal_heat_dispatch", "dispatch_cost"]

#: Cost of heat no unit serves, in the program and in :func:`dispatch_cost`: far above any
#: unit's cost, so that the optimum serves all it can. [EUR/MWh]
VALUE_OF_LOST_HEAT = 10_000.0


def dispatch_cost(dispatch: dict, cost_eur_per_mwh) -> float:
    """Total cost of a dispatch: units at their marginal costs, unserved heat at :data:`VALUE_OF_LOST_HEAT`. [EUR]"""
    cost = number_array("cost_eur_per_mwh", cost_eur_per_mwh, ndim=2, unit="EUR/MWh")
    return float((dispatch["production"] * cost).sum() + VALUE_OF_LOST_HEAT * dispatch["unmet"].sum())


def optimal_heat_dispatch(demand_mw, capacity_mw, cost_eur_per_mwh, must_run, storage: HeatStorage | None = None, *,
                          final_mwh: float | None = None) -> dict[str, np.ndarray]:
    """The least-cost dispatch of the units and storage over all hours at once (PyPSA, HiGHS).

    Parameters
    ----------
    demand_mw, capacity_mw, cost_eur_per_mwh, must_run, storage
        As for :func:`smartcity.energy.heat_dispatch.heat_dispatch`.
    final_mwh : float, optional
        Heat the storage must hold at the end, in [0, capacity]; default its initial
        content. [MWh]

    Returns
    -------
    dict of str to numpy.ndarray
        ``production`` (n_h, n_u), ``charge``, ``discharge``, ``level``, ``dumped``,
        ``unmet`` (n_h,) as :func:`~smartcity.energy.heat_dispatch.heat_dispatch` gives
        them [MW], [MWh], and ``objective`` (0-d) [EUR].

    Raises
    ------
    ImportError
        PyPSA is not installed (``pip install "smartcity[optimal]"``).
    RuntimeError
        The solver did not reach an optimum.
    """
    try:
        import pypsa
    except ImportError as exc:  # pragma: no cover - the extra is part of the test install
        raise ImportError('the optimal dispatch needs PyPSA: pip install "smartcity[optimal]"') from exc

    demand, capacity, cost, flags = check_system(demand_mw, capacity_mw, cost_eur_per_mwh, must_run)
    n_h, n_u = capacity.shape
    storage = storage if storage is not None else HeatStorage()
    final = storage.initial_mwh if final_mwh is None else number("final_mwh", final_mwh, low=0.0,
                                                                  high=storage.capacity_mwh, unit="MWh")

    pypsa.options.api.legacy_string_dtype = True  # PyPSA's current behaviour, said explicitly
    network = pypsa.Network()
    network.set_snapshots(np.arange(n_h))
    network.add("Bus", "heat", carrier="heat")
    network.add("Load", "demand", bus="heat", p_set=demand)
    peak = max(float(demand.max(initial=0.0)), float(capacity.sum(axis=1).max(initial=0.0)), 1.0)
    names = [f"unit_{u}" for u in range(n_u)]
    for u, name in enumerate(names):
        p_nom = max(float(capacity[:, u].max(initial=0.0)), 1e-6)
        available = capacity[:, u] / p_nom
        network.add("Generator", name, bus="heat", p_nom=p_nom, p_max_pu=available,
                    p_min_pu=available if flags[u] else 0.0, marginal_cost=cost[:, u])
    surplus = np.maximum(capacity[:, flags].sum(axis=1) - demand, 0.0)  # must-run heat the demand cannot take
    network.add("Generator", "cooler", bus="heat", p_nom=peak, p_min_pu=-surplus / peak, p_max_pu=0.0,
                marginal_cost=0.0)
    network.add("Generator", "unserved", bus="heat", p_nom=peak, marginal_cost=VALUE_OF_LOST_HEAT)
    has_storage = storage.capacity_mwh > 0.0
    if has_storage:
        at_end = np.full(n_h, np.nan)
        at_end[-1] = final
        network.add("StorageUnit", "storage", bus="heat", p_nom=storage.discharge_mw,
                    p_min_pu=-storage.charge_mw / storage.discharge_mw, p_max_pu=1.0,
                    max_hours=storage.capacity_mwh / storage.discharge_mw,
                    standing_loss=storage_loss_per_hour(storage.loss_per_day), efficiency_store=1.0,
                    efficiency_dispatch=1.0, state_of_charge_initial=storage.initial_mwh,
                    cyclic_state_of_charge=False, state_of_charge_set=at_end)

    quiet = [logging.getLogger(name) for name in ("pypsa", "linopy")]
    levels = [logger.level for logger in quiet]
    for logger in quiet:
        logger.setLevel(logging.ERROR)
    try:
        status, condition = network.optimize(solver_name="highs", solver_options={"output_flag": False},
                                             include_objective_constant=False, progress=False)
    finally:
        for logger, level in zip(quiet, levels):
            logger.setLevel(level)
    if status != "ok":
        raise RuntimeError(f"the optimal heat dispatch did not solve: {status}, {condition}")

    p = network.generators_t.p
    production = np.column_stack([p[name].to_numpy() for name in names]) if n_u else np.zeros((n_h, 0))
    if has_storage:
        flow = network.storage_units_t.p["storage"].to_numpy()
        level = network.storage_units_t.state_of_charge["storage"].to_numpy()
    else:
        flow = level = np.zeros(n_h)
    return {
        "production": np.maximum(production, 0.0),
        "charge": np.maximum(-flow, 0.0),
        "discharge": np.maximum(flow, 0.0),
        "level": np.maximum(level, 0.0),  # the solver's tolerance leaves -1e-14 on an empty storage
        "dumped": np.maximum(-p["cooler"].to_numpy(), 0.0),
        "unmet": np.maximum(p["unserved"].to_numpy(), 0.0),
        "objective": np.asarray(float(network.objective)),
    }
