"""Per-measure CO2 reduction and the marginal abatement cost curve.

What the run reports
--------------------
``smartcity run`` simulates each scenario without its measures ("none"), with all of them
("all") and with each measure alone ("add one"). For each year it stores

* ``co2_reduction_by_measure`` a_m = CO2(none) - CO2(m alone);
* ``co2_reduction_interaction`` I = [CO2(none) - CO2(all)] - sum_m a_m: what the measures
  do together beyond the sum of their single effects (negative when they overlap, e.g. a
  renovated flat needs less heat, so its smart thermostat saves less);

so the total reduction T = CO2(none) - CO2(all) = sum_m a_m + I.

Allocation of the interaction
-----------------------------
:func:`measure_contributions` reports a_m, shows I as a row of its own when it is not zero,
and allocates I to the measures in proportion to the size of their add-one reductions:

    c_m = a_m + I x |a_m| / sum_k |a_k|

so that sum_m c_m = T exactly. The rule depends on the single-measure runs only, not on an
order in which measures are added (unlike a sequential "add one after the other"
attribution), and it keeps the sign of a measure's own effect unless the interaction
outweighs it. Absolute values keep the weights positive when a measure raises CO2 on its
own. If every a_m is 0 while I is not, I is split equally.

Abatement curve
---------------
:func:`abatement_curve` orders the measures of one year by their cost per tonne:

* width ``abatement_t``: the allocated reduction c_m in the year [t/a];
* ``annual_cost_eur``: the measure's annual cost (``measure_annual_cost``: annualised
  investment at the discount rate plus O&M) minus its annual energy-cost savings applied
  alone (final-energy savings by carrier x ``data/energy_prices.toml``; grid electricity as
  import avoided and extra PV feed-in) [EUR/a];
* ``cost_eur_per_t`` = annual_cost_eur / abatement_t [EUR/t];
* ``cumulative_t``: the left edge of the bar, the abatement of all cheaper measures, and
  ``end_t`` = cumulative_t + abatement_t, its right edge [t/a].

Measures whose allocated reduction in the year is zero or negative have no meaningful cost
per tonne: they are left out of the curve and listed in ``curve.attrs["excluded"]`` (a
list of records with the same columns, cost per tonne NaN). The widths of the curve plus the
excluded reductions sum to the total reduction T; when nothing is excluded the curve's
right end is T.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from smartcity.errors import SmartcityError
from smartcity.kpi.definitions import load_prices
from smartcity.kpi.indicators import NotAvailable, energy_cost_by_measure

__all__ = ["allocate_interaction", "measure_contributions", "abatement_curve", "INTERACTION"]

#: Row label of the interaction remainder in :func:`measure_contributions`.
INTERACTION = "(interaction)"

_CURVE_COLUMNS = ["measure", "type", "abatement_t", "annual_cost_eur", "cost_eur_per_t", "cumulative_t", "end_t"]


def allocate_interaction(add_one: np.ndarray, interaction: float) -> np.ndarray:
    """Each measure's add-one reduction plus its share of the interaction.

    Parameters
    ----------
    add_one : numpy.ndarray
        Reduction of each measure applied alone, a_m. [t/a]
    interaction : float
        Interaction remainder I. [t/a]

    Returns
    -------
    numpy.ndarray
        c_m = a_m + I |a_m| / sum |a|; sums to sum(a) + I.

    Examples
    --------
    >>> allocate_interaction(np.array([30.0, 10.0]), -8.0).tolist()
    [24.0, 8.0]
    >>> allocate_interaction(np.array([0.0, 0.0]), 4.0).tolist()
    [2.0, 2.0]
    """
    a = np.asarray(add_one, dtype=np.float64)
    if a.size == 0:
        return a.copy()
    size = np.abs(a)
    total = size.sum()
    weights = size / total if total > 0 else np.full(a.size, 1.0 / a.size)
    return a + float(interaction) * weights


def _one(ds: xr.Dataset, scenario: str) -> xr.Dataset:
    names = [str(n) for n in ds["scenario"].values] if "scenario" in ds.dims else []
    if scenario not in names:
        raise SmartcityError(f"scenario '{scenario}' is not in the results; they hold {', '.join(names)}")
    return ds.sel(scenario=scenario, drop=True)


def _measures_of(one: xr.Dataset) -> list[str]:
    """The scenario's own measures (merged results hold the union over scenarios)."""
    if "measure" not in one.dims or "co2_reduction_by_measure" not in one:
        return []
    has = ~one["co2_reduction_by_measure"].isnull().all("year")
    return [str(m) for m in one["measure"].values[has.values]]


def _simulated_years(one: xr.Dataset) -> list[int]:
    valid = ~one["co2"].isnull().all(("sector", "carrier"))
    return [int(y) for y in one["year"].values[valid.values]]


def measure_contributions(ds: xr.Dataset, scenario: str) -> pd.DataFrame:
    """CO2 reduction of each measure and year: add-one, interaction and allocated.

    Parameters
    ----------
    ds : xarray.Dataset
        Results of ``smartcity run``.
    scenario : str
        The scenario.

    Returns
    -------
    pandas.DataFrame
        Indexed by (``year``, ``measure``): one row per measure and, in years where the
        interaction is not zero, a row :data:`INTERACTION`. Columns ``type``,
        ``add_one_t`` (a_m; the interaction row holds I) and ``allocated_t`` (c_m; 0 on
        the interaction row) [t/a]. Both columns sum, per year, to the total reduction
        T = CO2 without measures - CO2 with all, which ``attrs["total_t"]`` holds by year.
        Empty for a scenario without measures.
    """
    one = _one(ds, scenario)
    measures = _measures_of(one)
    years = _simulated_years(one)
    rows = []
    totals = {}
    for year in years:
        y = one.sel(year=year)
        total = float(y["co2_without_measures"]) - float(y["co2"].sum())
        totals[year] = total
        if not measures:
            continue
        add_one = y["co2_reduction_by_measure"].sel(measure=measures).values.astype(np.float64)
        interaction = float(y["co2_reduction_interaction"])
        allocated = allocate_interaction(add_one, interaction)
        types = y["measure_type"].sel(measure=measures).values if "measure_type" in y else [""] * len(measures)
        for m, t, a, c in zip(measures, types, add_one, allocated):
            rows.append((year, m, str(t), float(a), float(c)))
        if interaction != 0.0:
            rows.append((year, INTERACTION, "", interaction, 0.0))
    frame = pd.DataFrame(rows, columns=["year", "measure", "type", "add_one_t", "allocated_t"])
    frame = frame.set_index(["year", "measure"])
    frame.attrs["total_t"] = totals
    frame.attrs["scenario"] = scenario
    frame.attrs["method"] = "add-one with the interaction allocated in proportion to |add-one reduction|"
    return frame


def abatement_curve(ds: xr.Dataset, scenario: str, year: int | None = None, *,
                    prices: dict | None = None) -> pd.DataFrame:
    """Marginal abatement cost curve of a scenario's measures in one year.

    Parameters
    ----------
    ds : xarray.Dataset
        Results of ``smartcity run``.
    scenario : str
        The scenario.
    year : int, optional
        Year; default the scenario's last simulated year. [a]
    prices : dict, optional
        Carrier (and ``electricity_feed_in``) -> price [EUR/MWh]; default
        ``data/energy_prices.toml``.

    Returns
    -------
    pandas.DataFrame
        Columns ``measure``, ``type``, ``abatement_t`` [t/a], ``annual_cost_eur`` [EUR/a],
        ``cost_eur_per_t`` [EUR/t], ``cumulative_t`` (left edge) and ``end_t`` (right edge)
        [t/a], sorted by cost per tonne (ties by larger abatement first, then name).
        ``attrs``: ``excluded`` (measures with zero or negative abatement: a list of
        records with the same columns),
        ``total_t`` (the total reduction T of the year), ``year``, ``scenario``, ``units``.

    Raises
    ------
    SmartcityError
        The scenario or year is not in the results.
    """
    one = _one(ds, scenario)
    years = _simulated_years(one)
    if year is None:
        year = years[-1]
    if int(year) not in years:
        raise SmartcityError(f"year {year} is not in the results of scenario '{scenario}' "
                             f"(simulated: {years[0]}-{years[-1]})")
    year = int(year)
    prices = prices if prices is not None else load_prices().eur_per_mwh()
    contributions = measure_contributions(ds, scenario)
    total = contributions.attrs["total_t"][year]
    measures = _measures_of(one)
    if not measures:
        curve = pd.DataFrame({c: pd.Series(dtype=object if c in ("measure", "type") else np.float64)
                              for c in _CURVE_COLUMNS})
        curve.attrs.update(excluded=[], total_t=total, year=year, scenario=scenario, units=dict(_UNITS))
        return curve
    y = one.sel(year=year)
    part = contributions.loc[year].loc[measures]
    try:
        savings = energy_cost_by_measure(y, prices).sel(measure=measures).values
    except NotAvailable as exc:
        raise SmartcityError(f"the results lack '{exc}' (made by an older smartcity); "
                             "run the scenarios again") from None
    annual = y["measure_annual_cost"].sel(measure=measures).values - savings
    frame = pd.DataFrame({
        "measure": measures,
        "type": part["type"].to_numpy(dtype=object),
        "abatement_t": part["allocated_t"].to_numpy(dtype=np.float64),
        "annual_cost_eur": annual.astype(np.float64),
    })
    positive = frame["abatement_t"] > 0.0
    excluded = frame.loc[~positive].copy()
    excluded["cost_eur_per_t"] = np.nan
    excluded["cumulative_t"] = np.nan
    excluded["end_t"] = np.nan
    curve = frame.loc[positive].copy()
    curve["cost_eur_per_t"] = curve["annual_cost_eur"] / curve["abatement_t"]
    curve = curve.sort_values(["cost_eur_per_t", "abatement_t", "measure"], ascending=[True, False, True],
                              kind="stable").reset_index(drop=True)
    ends = curve["abatement_t"].cumsum().to_numpy()
    curve["cumulative_t"] = np.concatenate([[0.0], ends[:-1]]) if len(ends) else ends  # none active: empty
    curve["end_t"] = ends
    curve = curve[_CURVE_COLUMNS]
    curve.attrs.update(excluded=excluded[_CURVE_COLUMNS].to_dict("records"), total_t=total, year=year,
                       scenario=scenario, units=dict(_UNITS))
    return curve


_UNITS = {"abatement_t": "t/a", "annual_cost_eur": "EUR/a", "cost_eur_per_t": "EUR/t", "cumulative_t": "t/a",
          "end_t": "t/a"}
