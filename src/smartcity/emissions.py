"""CO2 emissions of final energy: emission factors and a Covenant of Mayors inventory.

A Covenant of Mayors baseline emission inventory [1]_ counts the CO2 of the final energy
used on the territory in municipal, tertiary and residential buildings and in transport
(industry in the EU emissions trading system, such as Aalborg Portland, stays outside).
Each carrier's energy is multiplied by its emission factor:

* fuels (natural gas, heating oil, biomass, gasoline, diesel): a yearly factor from
  ``data/emission_factors.toml``, by method (:func:`fuel_factor`), or an override from
  the scenario's ``[emissions.fuel_factors]``;
* grid electricity: the hourly carbon intensity (hourly energy × hourly factor, summed),
  national or corrected for local renewable production
  (:func:`local_electricity_factor`);
* district heat: the yearly factor per delivered heat of the ``[supply]`` table.

Two methods are offered, as in the guidebook: ``"ipcc"`` (direct CO2 of combustion,
IPCC 2006 default factors; sustainably harvested biomass and local renewable electricity
count as zero) and ``"lca"`` (life-cycle emissions including the fuel supply chain).
The electricity and district-heating factors are whatever the ``[supply]`` table gives
for either method.

References
----------
.. [1] Bertoldi, P. et al. (2010). How to develop a Sustainable Energy Action Plan
   (SEAP) - Guidebook, Part II: Baseline Emission Inventory. Publications Office of the
   European Union. Updated factors: Koffi, B. et al. (2017). Covenant of Mayors for
   Climate and Energy: Default emission factors for local emission inventories.
   EUR 28718 EN. https://doi.org/10.2760/290197
.. [2] IPCC (2006). 2006 IPCC Guidelines for National Greenhouse Gas Inventories,
   Volume 2 (Energy), Table 2.2.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from importlib import resources

import numpy as np
import pandas as pd
from pydantic import TypeAdapter, ValidationError

from smartcity.energy.supply import CARRIERS
from smartcity.errors import InputError
from smartcity.schema.quantities import Quantity, quantity

__all__ = [
    "SECTORS",
    "SECTOR_OF_USE",
    "METHODS",
    "FUEL_CARRIERS",
    "INVENTORY_CARRIERS",
    "emission_factor_table",
    "fuel_factor",
    "fuel_factors",
    "carrier_factors",
    "local_electricity_factor",
    "inventory",
    "account_year",
]

#: Covenant of Mayors sectors of an inventory, in the guidebook's order.
SECTORS = ("municipal", "tertiary", "residential", "transport")

#: Covenant of Mayors sector of each building use of the buildings schema (column ``use``).
#:
#: * dwellings (``single_family``, ``terraced_house``, ``apartment_block``) →
#:   residential, social housing included (housing associations are not the municipality);
#: * ``office``, ``retail`` → tertiary;
#: * ``hospital`` → tertiary: Aalborg University Hospital belongs to the North Denmark
#:   Region, not to the municipality;
#: * ``education`` → tertiary: in Aalborg East this is mainly Aalborg University (a state
#:   institution). Municipal schools (folkeskoler) are municipal buildings; they need a use
#:   of their own to be counted there (flagged simplification);
#: * ``daycare`` → municipal: Danish daycare institutions are mostly run or funded by the
#:   municipality (flagged: private institutions exist).
SECTOR_OF_USE = {
    "single_family": "residential",
    "terraced_house": "residential",
    "apartment_block": "residential",
    "office": "tertiary",
    "retail": "tertiary",
    "hospital": "tertiary",
    "education": "tertiary",
    "daycare": "municipal",
}

#: Emission-factor methods.
METHODS = ("ipcc", "lca")

#: Carriers whose factors come from ``data/emission_factors.toml``.
FUEL_CARRIERS = ("natural_gas", "heating_oil", "biomass", "gasoline", "diesel")

#: Every carrier :func:`inventory` knows, in table order.
INVENTORY_CARRIERS = CARRIERS + ("gasoline", "diesel")

_FACTORS_FILE = "data/emission_factors.toml"
_EMISSION_FACTOR = quantity("emission_factor", ge=0.0, le=2000.0)
_G_PER_T = 1e6


@functools.lru_cache(maxsize=1)
def emission_factor_table() -> dict[str, dict[str, Quantity]]:
    """The shipped factors: ``{carrier: {"ipcc": Quantity, "lca": Quantity}}``.

    Carriers are those of :data:`FUEL_CARRIERS` plus ``solar_pv`` (local renewable
    electricity, for :func:`local_electricity_factor`). Each quantity carries its source
    or is flagged as an assumption with a reason; ``Quantity.canonical`` is in g/kWh.
    """
    text = resources.files("smartcity").joinpath(_FACTORS_FILE).read_text(encoding="utf-8")
    document = tomllib.loads(text)
    adapter = TypeAdapter(_EMISSION_FACTOR)
    table: dict[str, dict[str, Quantity]] = {}
    for carrier, entry in document.items():
        table[carrier] = {}
        for method in METHODS:
            try:
                table[carrier][method] = adapter.validate_python(entry[method])
            except (KeyError, ValidationError) as exc:
                raise InputError(f"bad emission factor ({exc})", file=_FACTORS_FILE,
                                 key=f"{carrier}.{method}") from None
    return table


def fuel_factor(carrier: str, method: str = "ipcc") -> float:
    """Shipped emission factor of a fuel or of local PV electricity.

    Parameters
    ----------
    carrier : str
        One of :data:`FUEL_CARRIERS` or ``"solar_pv"``.
    method : {'ipcc', 'lca'}
        Emission-factor method.

    Returns
    -------
    float
        CO2 per unit of final energy. [g/kWh]

    Examples
    --------
    >>> fuel_factor("natural_gas")
    202.0
    >>> fuel_factor("biomass", "ipcc")
    0.0
    """
    if method not in METHODS:
        raise ValueError(f"method = {method!r}: must be one of {', '.join(METHODS)}")
    table = emission_factor_table()
    if carrier not in table:
        raise ValueError(f"carrier = {carrier!r}: no shipped factor; known: {', '.join(table)} "
                         "(electricity and district heat come from the [supply] table)")
    return table[carrier][method].canonical


def fuel_factors(section=None) -> dict[str, float]:
    """Factors of all :data:`FUEL_CARRIERS` for a scenario: shipped by method, or overridden.

    Parameters
    ----------
    section : EmissionsSection, optional
        The scenario's ``[emissions]`` table
        (:class:`smartcity.scenario.sections.emissions.EmissionsSection`); None: the shipped
        IPCC factors.

    Returns
    -------
    dict of str to float
        ``{carrier: factor}``. [g/kWh]
    """
    method = "ipcc" if section is None else section.method
    result = {}
    for carrier in FUEL_CARRIERS:
        override = None if section is None else getattr(section.fuel_factors, carrier)
        result[carrier] = override.canonical if override is not None else fuel_factor(carrier, method)
    return result


def carrier_factors(section, district_heat_g_per_kwh) -> dict[str, object]:
    """Factors of every non-electricity carrier, ready for :func:`inventory`.

    Parameters
    ----------
    section : EmissionsSection or None
        The ``[emissions]`` table (None: the shipped IPCC factors).
    district_heat_g_per_kwh : float or (n_h,) array_like
        District-heating factor per delivered heat for the year, e.g.
        the scenario's ``supply.district_heating.emission_factor.at([year])[0]``. [g/kWh]

    Returns
    -------
    dict
        ``{carrier: factor}`` for ``district_heat`` and :data:`FUEL_CARRIERS`. [g/kWh]
    """
    factors: dict[str, object] = {"district_heat": district_heat_g_per_kwh}
    factors.update(fuel_factors(section))
    return factors


def local_electricity_factor(national_g_per_kwh, local_renewable_kwh, total_electricity_kwh, *,
                             local_production_g_per_kwh: float = 0.0, green_purchases_kwh: float = 0.0,
                             green_purchases_g_per_kwh: float = 0.0):
    """Local emission factor of electricity (Covenant of Mayors guidebook, Part II).

        EFE = [(TCE − LPE − GEP) × NEEFE + CO2LPE + CO2GEP] / TCE

    with TCE the total electricity consumption of the territory, LPE the local
    electricity production counted (renewable installations not in the EU ETS, such as
    rooftop PV), GEP certified green electricity bought by the local authority, NEEFE the
    national factor, CO2LPE = LPE × ``local_production_g_per_kwh`` and CO2GEP = GEP ×
    ``green_purchases_g_per_kwh``. All terms are implemented; GEP and both CO2 terms are 0
    unless given (under the IPCC method local PV emits nothing; under LCA pass
    ``fuel_factor("solar_pv", "lca")``).

    A net exporter (LPE + GEP > TCE) gets the factor of its local and green electricity,
    (CO2LPE + CO2GEP) / (LPE + GEP): exports earn no credit and the factor never falls
    below that of the local production.

    Parameters
    ----------
    national_g_per_kwh : float or array_like
        National (or regional) factor NEEFE; an array gives one local factor per
        element, e.g. per hour. [g/kWh]
    local_renewable_kwh : float
        Local production LPE over the period, >= 0. [kWh]
    total_electricity_kwh : float
        Consumption TCE over the same period, > 0. [kWh]
    local_production_g_per_kwh : float, default 0
        Emission factor of the local production. [g/kWh]
    green_purchases_kwh : float, default 0
        Certified green electricity GEP bought by the local authority, >= 0. [kWh]
    green_purchases_g_per_kwh : float, default 0
        Emission factor of the green purchases. [g/kWh]

    Returns
    -------
    float or numpy.ndarray
        Local factor EFE, same shape as ``national_g_per_kwh``. [g/kWh]

    Examples
    --------
    >>> local_electricity_factor(200.0, 250.0, 1000.0)  # (750 × 200 + 0) / 1000
    150.0
    """
    national = np.asarray(national_g_per_kwh, dtype=np.float64)
    if not np.all(np.isfinite(national)) or np.any(national < 0.0):
        raise ValueError("national_g_per_kwh: must be finite numbers >= 0 [g/kWh]")
    values = {}
    for name, value, positive in (("local_renewable_kwh", local_renewable_kwh, False),
                                  ("total_electricity_kwh", total_electricity_kwh, True),
                                  ("local_production_g_per_kwh", local_production_g_per_kwh, False),
                                  ("green_purchases_kwh", green_purchases_kwh, False),
                                  ("green_purchases_g_per_kwh", green_purchases_g_per_kwh, False)):
        x = float(value)
        if not np.isfinite(x) or x < 0.0 or (positive and x == 0.0):
            raise ValueError(f"{name} = {value!r}: must be a finite number {'>' if positive else '>='} 0")
        values[name] = x
    tce = values["total_electricity_kwh"]
    lpe = values["local_renewable_kwh"]
    gep = values["green_purchases_kwh"]
    co2 = lpe * values["local_production_g_per_kwh"] + gep * values["green_purchases_g_per_kwh"]
    if lpe + gep > tce:
        result = np.full_like(national, co2 / (lpe + gep))
    else:
        result = ((tce - lpe - gep) * national + co2) / tce
    return float(result) if result.ndim == 0 else result


def _emitted_grams(carrier: str, energy, factor) -> float:
    """Σ energy × factor: hourly with hourly, or totals; see :func:`inventory`."""
    e = np.asarray(energy, dtype=np.float64)
    f = np.asarray(factor, dtype=np.float64)
    for name, a in (("energy", e), ("factor", f)):
        if a.ndim > 1:
            raise ValueError(f"{carrier}: {name} must be a number or a 1-D hourly array, got shape {a.shape}")
        if not np.all(np.isfinite(a)):
            raise ValueError(f"{carrier}: {name} must be finite")
    if np.any(e < 0.0):
        raise ValueError(f"{carrier}: energy must be >= 0 [kWh]")
    if np.any(f < 0.0):
        raise ValueError(f"{carrier}: emission factor must be >= 0 [g/kWh]")
    if e.ndim == 1 and f.ndim == 1:
        if e.shape != f.shape:
            raise ValueError(f"{carrier}: {e.shape[0]} hourly energies but {f.shape[0]} hourly factors")
        return float(np.dot(e, f))
    if e.ndim == 1:
        return float(e.sum() * f)
    if f.ndim == 1:
        return float(e * f.mean()) if f.size else 0.0
    return float(e * f)


def inventory(final_energy: Mapping, grid_intensity_g_per_kwh, factors: Mapping,
              sector: str | None = None) -> pd.DataFrame:
    """CO2 emissions by Covenant of Mayors sector and carrier.

    For each sector and carrier, emissions = Σ energy × factor:

    * hourly energy (a 1-D array of hourly kW, i.e. kWh per hour) with an hourly factor
      (electricity's ``grid_intensity_g_per_kwh``): Σ_t e_t f_t;
    * hourly energy with a yearly factor (fuels, district heat): (Σ_t e_t) × f;
    * a yearly total energy [kWh] with an hourly factor: total × the time mean of the
      factor (an approximation: the hourly weighting is lost; pass hourly energy where
      it exists).

    Parameters
    ----------
    final_energy : mapping
        ``{sector: {carrier: energy}}``, or ``{carrier: energy}`` for one ``sector``.
        Energy is a 1-D array of hourly values [kW] or a yearly total [kWh]. Sectors from
        :data:`SECTORS`; carriers from :data:`INVENTORY_CARRIERS`.
    grid_intensity_g_per_kwh : float or (n_h,) array_like
        Carbon intensity of grid electricity (national, local or hourly, e.g.
        :func:`smartcity.energy.grid.grid_intensity`). [g/kWh]
    factors : mapping
        ``{carrier: factor}`` for every other carrier used, e.g. from
        :func:`carrier_factors`; a factor is a number or an hourly array. [g/kWh]
    sector : str, optional
        If given, ``final_energy`` holds the carriers of this one sector.

    Returns
    -------
    pandas.DataFrame
        Emissions [t CO2], index ``sector`` (the sectors given, in :data:`SECTORS`
        order), columns ``carrier`` (the carriers used, in :data:`INVENTORY_CARRIERS`
        order); ``attrs["units"] == "t"``.

    Raises
    ------
    ValueError
        For an unknown sector or carrier, a missing factor, a factor for electricity in
        ``factors`` (it is ``grid_intensity_g_per_kwh``), negative or non-finite values,
        or hourly arrays of different lengths.

    Examples
    --------
    >>> table = inventory({"electricity": [1.0, 2.0], "natural_gas": 1000.0}, [100.0, 400.0],
    ...                   {"natural_gas": 202.0}, sector="residential")
    >>> table.loc["residential"].tolist()  # (100 + 800) g and 202,000 g
    [0.0009, 0.202]
    """
    if sector is not None:
        final_energy = {sector: final_energy}
    if not isinstance(final_energy, Mapping):
        raise ValueError(f"final_energy: expected a mapping, got {type(final_energy).__name__}")
    if "electricity" in factors:
        raise ValueError("factors: electricity has no entry here; its factor is grid_intensity_g_per_kwh")
    unknown = [s for s in final_energy if s not in SECTORS]
    if unknown:
        raise ValueError(f"sector {unknown[0]!r}: must be one of {', '.join(SECTORS)}")
    used: dict[str, dict[str, float]] = {}
    for name in SECTORS:
        if name not in final_energy:
            continue
        by_carrier = final_energy[name]
        if not isinstance(by_carrier, Mapping):
            raise ValueError(f"final_energy[{name!r}]: expected a mapping of carrier to energy")
        used[name] = {}
        for carrier, energy in by_carrier.items():
            if carrier not in INVENTORY_CARRIERS:
                raise ValueError(f"sector {name!r}, carrier {carrier!r}: must be one of "
                                 f"{', '.join(INVENTORY_CARRIERS)}")
            if carrier == "electricity":
                factor = grid_intensity_g_per_kwh
            elif carrier in factors:
                factor = factors[carrier]
            else:
                raise ValueError(f"sector {name!r}, carrier {carrier!r}: no emission factor in factors "
                                 f"(given: {', '.join(factors) or 'none'})")
            used[name][carrier] = _emitted_grams(f"{name}.{carrier}", energy, factor) / _G_PER_T
    columns = [c for c in INVENTORY_CARRIERS if any(c in row for row in used.values())]
    table = pd.DataFrame(
        [[used[s].get(c, 0.0) for c in columns] for s in used],
        index=pd.Index(list(used), name="sector"), columns=pd.Index(columns, name="carrier"), dtype=np.float64,
    )
    table.attrs["units"] = "t"
    table.attrs["long_name"] = "CO2 emissions by Covenant of Mayors sector and energy carrier"
    return table


def account_year(section, final_kw: Mapping[str, Mapping], grid_intensity_g_per_kwh, district_heat_g_per_kwh: float,
                 *, import_share, local_pv_kwh: float = 0.0, electricity_kwh: float = 0.0
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """CO2 and final energy of one year by Covenant of Mayors sector and carrier.

    The electricity of every sector is counted as drawn from the grid in each hour's
    share ``import_share`` (the rest is local PV, directly or through batteries): with the
    ``national`` electricity factor only that share carries the grid's hourly intensity; with
    ``local`` all electricity carries the local factor of the guidebook
    (:func:`local_electricity_factor`: the grid's intensity corrected for the local PV
    production, at the PV factor of the method). Fuels carry :func:`fuel_factors`, district
    heat the year's factor.

    Parameters
    ----------
    section : EmissionsSection or None
        The scenario's ``[emissions]`` table (None: IPCC factors, national electricity).
    final_kw : mapping
        ``{sector: {carrier: energy}}``, final energy before local PV: hourly arrays [kW] or
        yearly totals [kWh] (see :func:`inventory`).
    grid_intensity_g_per_kwh : (n_h,) array_like
        Hourly carbon intensity of grid electricity. [g/kWh]
    district_heat_g_per_kwh : float
        CO2 per unit of delivered district heat in the year. [g/kWh]
    import_share : (n_h,) array_like
        Share of each hour's electricity consumption drawn from the grid, in [0, 1]. [1]
    local_pv_kwh, electricity_kwh : float
        Local PV production and the electricity consumption of the year (``local`` factor). [kWh]

    Returns
    -------
    co2 : (n_sectors, n_carriers) ndarray
        CO2 of :data:`SECTORS` by :data:`INVENTORY_CARRIERS`. [t/a]
    final : (n_sectors, n_carriers) ndarray
        Final energy before local PV. [MWh/a]
    grid : (n_h,) ndarray
        The hourly factor applied to electricity. [g/kWh]
    """
    national = section is None or section.electricity_factor == "national"
    factors = carrier_factors(section, district_heat_g_per_kwh)
    counted: dict[str, dict] = {}
    for sector, by_carrier in final_kw.items():
        counted[sector] = dict(by_carrier)
        if national and "electricity" in by_carrier:
            counted[sector]["electricity"] = by_carrier["electricity"] * import_share
    grid = grid_intensity_g_per_kwh
    if not national:
        method = "ipcc" if section is None else section.method
        pv_factor = fuel_factor("solar_pv", method)  # 0 under IPCC, life cycle under LCA
        grid = local_electricity_factor(grid, local_pv_kwh, electricity_kwh, local_production_g_per_kwh=pv_factor)
    table = inventory(counted, grid, factors)
    co2 = np.zeros((len(SECTORS), len(INVENTORY_CARRIERS)))
    final = np.zeros_like(co2)
    for i, sector in enumerate(SECTORS):
        for j, carrier in enumerate(INVENTORY_CARRIERS):
            if sector in table.index and carrier in table.columns:
                co2[i, j] = float(table.loc[sector, carrier])
            if carrier in final_kw.get(sector, {}):
                final[i, j] = float(np.sum(final_kw[sector][carrier])) / 1e3
    n_h = np.shape(import_share)[0]
    return co2, final, np.asarray(grid, dtype=np.float64) * np.ones(n_h)

