"""Costs of measures: investment when units are installed, reinvestment, O&M and annualised cost.

Every measure pays its ``investment`` per unit installed: m2 of heated floor area, a
building, a kW, kWp or kWh, or the whole measure (transport and supply measures, whose units
in service are their ramp share). :func:`measure_costs` turns the units in service at the
end of each calendar year into the yearly cost table of a measure:

* installed in year y: U(y) - U(y - 1) (never negative);
* investment: unit cost × installed; reinvestment in y: unit cost × Σ_k installed(y - k ×
  lifetime), k >= 1 (renewal after the service life, as long as the measure stays);
* operation and maintenance: ``om_share_per_year`` × unit cost × U(y), or
  ``om_cost_per_year`` × the units in service of its own basis;
* annualised: CRF(discount rate, lifetime) × unit cost × U(y), the equivalent annual cost of
  the installations kept in service; annual cost = annualised + O&M.

Costs are in euros at constant prices; DKK are converted at the fixed ERM II central rate
(:data:`smartcity.schema.units.DKK_PER_EUR`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from smartcity.schema.units import DKK_PER_EUR

__all__ = ["DISCOUNT_RATE", "COST_COLUMNS", "capital_recovery_factor", "measure_costs", "cost_table"]

#: Real discount rate for annualising investments: the Danish Ministry of Finance's
#: socio-economic discount rate for years 0-35 (Finansministeriet, "Dokumentationsnotat -
#: den samfundsøkonomiske diskonteringsrente", 7 January 2021: 3.5 %, lowered from 4 %). [1/a]
DISCOUNT_RATE = 0.035

_COST_UNITS = {
    "measure": "-", "type": "-", "year": "a", "installed_unit": "-",
    "buildings_installed": "1", "buildings_in_service": "1", "units_installed": "installed_unit",
    "units_in_service": "installed_unit", "investment_eur": "EUR", "reinvestment_eur": "EUR", "om_eur": "EUR",
    "annualised_eur": "EUR", "annual_cost_eur": "EUR",
}
_COST_LONG_NAMES = {
    "installed_unit": "what the investment is paid per: m2 of heated floor area, building, kW, kWp, kWh or the "
                      "whole measure",
    "buildings_installed": "buildings in which the measure first installs something in the year (may be fractional)",
    "buildings_in_service": "buildings with the measure installed at the end of the year",
    "units_installed": "units first installed in the year, in installed_unit",
    "units_in_service": "units in service at the end of the year, in installed_unit",
    "investment_eur": "investment in the units first installed in the year",
    "reinvestment_eur": "replacement of units installed lifetime_years (or a multiple) earlier",
    "om_eur": "operation and maintenance of the units in service",
    "annualised_eur": "capital recovery factor x investment of the units in service",
    "annual_cost_eur": "annualised_eur + om_eur",
}
#: Columns of a cost table, in order.
COST_COLUMNS: tuple[str, ...] = tuple(_COST_UNITS)


def capital_recovery_factor(discount_rate: float, lifetime_years: float) -> float:
    """Annuity per unit of investment: r / (1 - (1 + r)^-n); 1/n for r = 0.

    Parameters
    ----------
    discount_rate : float
        Real discount rate, > -1. [1/a]
    lifetime_years : float
        Service life, > 0. [a]

    Returns
    -------
    float
        [1/a]

    Examples
    --------
    >>> round(capital_recovery_factor(0.035, 40), 6)
    0.046827
    >>> capital_recovery_factor(0.0, 20)
    0.05
    """
    r = float(discount_rate)
    n = float(lifetime_years)
    if not math.isfinite(r) or r <= -1.0:
        raise ValueError(f"discount_rate must be a finite number > -1, got {discount_rate!r}")
    if not math.isfinite(n) or n <= 0.0:
        raise ValueError(f"lifetime_years must be > 0, got {lifetime_years!r}")
    if r == 0.0:
        return 1.0 / n
    return r / (1.0 - (1.0 + r) ** -n)


def measure_costs(measure_id: str, measure, years: Iterable[int], first: int,
                  served: Mapping[str, np.ndarray], *, discount_rate: float = DISCOUNT_RATE,
                  cost_share: float = 1.0) -> list[dict]:
    """Rows of the cost table of one measure.

    Parameters
    ----------
    measure_id : str
        The measure's id.
    measure : measure model
        Has ``type``, ``investment`` (a quantity), ``lifetime_years``, ``om_share_per_year``,
        optionally ``om_cost_per_year``, and ``investment_basis`` and ``om_basis``.
    years : iterable of int
        Years to report, each within the calendar of ``served``. [a]
    first : int
        The calendar year of ``served[...][0]``; the year before any installation. [a]
    served : mapping of str to ndarray
        Units in service at the end of each calendar year from ``first``, by basis: the
        investment's basis, the O&M cost's basis (if any) and ``"buildings"`` (buildings
        with the measure installed; zeros for measures not on buildings).
    discount_rate : float
        Real discount rate for ``annualised_eur``. [1/a]
    cost_share : float
        Share of the measure's money borne by the district, in [0, 1] (a measure on the
        district-heating network serves the whole network). [1]

    Returns
    -------
    list of dict
        One row per year with the columns :data:`COST_COLUMNS`.
    """
    basis = measure.investment_basis
    unit_cost = measure.investment.canonical * cost_share
    units = served[basis]
    installed = np.maximum(np.diff(units, prepend=0.0), 0.0)  # no negative float noise
    buildings_served = served["buildings"]
    buildings_new = np.maximum(np.diff(buildings_served, prepend=0.0), 0.0)
    crf = capital_recovery_factor(discount_rate, measure.lifetime_years)
    om_share = 0.0 if measure.om_share_per_year is None else measure.om_share_per_year.canonical
    om_cost = getattr(measure, "om_cost_per_year", None)
    rows = []
    for year in years:
        i = int(year) - first
        earlier = [i - k * measure.lifetime_years for k in range(1, i // measure.lifetime_years + 1)]
        om = om_share * unit_cost * units[i]
        if om_cost is not None:
            om += om_cost.canonical * cost_share * served[measure.om_basis][i]
        annualised = crf * unit_cost * units[i]
        rows.append({
            "measure": measure_id, "type": measure.type, "year": int(year), "installed_unit": basis,
            "buildings_installed": buildings_new[i], "buildings_in_service": buildings_served[i],
            "units_installed": installed[i], "units_in_service": units[i],
            "investment_eur": unit_cost * installed[i],
            "reinvestment_eur": unit_cost * float(sum(installed[j] for j in earlier)),
            "om_eur": om, "annualised_eur": annualised, "annual_cost_eur": annualised + om,
        })
    return rows


def cost_table(rows: list[dict], *, discount_rate: float = DISCOUNT_RATE) -> pd.DataFrame:
    """Rows of :func:`measure_costs` as a table with dtypes, ``units`` and ``long_names`` in ``attrs``."""
    columns = list(COST_COLUMNS)
    table = pd.DataFrame(rows, columns=columns)
    table = table.astype({"year": np.int64} | {c: np.float64 for c in columns[4:]})
    table.attrs = {"units": dict(_COST_UNITS), "long_names": dict(_COST_LONG_NAMES),
                   "discount_rate": float(discount_rate), "dkk_per_eur": DKK_PER_EUR}
    return table


def share_in_service(measure, first: int, last: int) -> dict[str, np.ndarray]:
    """Units in service of a measure paid as a whole (basis ``"measure"``): its ramp share each year.

    Returns
    -------
    dict
        ``{"measure": share by calendar year from first to last, "buildings": zeros}``.
    """
    share = np.array([measure.share(int(y)) for y in range(first, last + 1)])
    return {"measure": share, "buildings": np.zeros(len(share))}
