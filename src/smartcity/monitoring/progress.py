"""Progress against the plan: measured savings, counts and ridership beside the scenario.

The **plan** is a run of the scenario and its "without project" baseline
(:func:`smartcity.run.load_plan`: a scenario run, or a results file). Every table here keeps the two
sides apart: columns named ``planned_*`` or ``modelled_*`` come from the run, columns named
``measured_*`` or ``counted_*`` from the data, and ``estimated_*`` are model figures
scaled by a measured ratio.

Energy
    For each measure group of the meter map and each reporting year, the **planned
    savings** of the monitored buildings are the model's: for every meter mapped to a
    building row of the run, ``share x`` (heat need of the row's average building in the
    baseline scenario ``-`` in the scenario) in that year, space heating plus hot water
    (``space_heating_need + hot_water_need`` over ``building_count``), divided by the
    substation efficiency for district-heat meters (meters measure delivered heat). The
    run uses the reference year, so the comparable **measured** figure is the normalised
    savings on that year (:mod:`smartcity.monitoring.savings`). The share of the target
    reached is measured / planned; it is the M&V *realisation rate*. The estimated CO2
    reduction of a scenario measure whose id is a measure group is the realisation
    rate times the model's reduction of that measure alone (``co2_reduction_by_measure``).
    Meters of other carriers than district heat have no planned figure (the run reports
    electricity and fuels per row only through the heat need).
Traffic
    ``link_peak_flow`` is the car flow of each directed link in the assigned peak hour of
    an average day [veh/h]. A count is turned into a counted peak-hour flow per link and
    year: counts of an hour or less give the flow of their hour, and the mean over the
    counted days of each day's busiest counted hour is taken; counts of a whole day (or
    longer) give their mean daily traffic times the scenario's ``peak_hour_share``. Car
    counts are used where a link has them, else counts of all vehicles (flagged). The GEH
    statistic per link and the share of links with GEH < 5 follow DMRB / TAG [1]_ [2]_.
Ridership
    ``line_boardings`` are the model's boardings per average day by trips with an end in
    the district; counted boardings per day of a line and year (periods weighted by their
    days) are set beside them with their ratio and difference. The model's boardings
    leave out trips that neither start nor end in the district, so a ratio above 1 is
    expected on lines that run beyond it.

References
----------
.. [1] Design Manual for Roads and Bridges (DMRB), Volume 12, Section 2, Part 1,
   Traffic Appraisal in Urban Areas (1996), §4.4 (the GEH statistic).
.. [2] UK Department for Transport, TAG unit M3.1, Highway Assignment Modelling (2020),
   §3.3 (GEH < 5 on more than 85 % of counted links).
.. [3] EVO (2016), IPMVP Core Concepts (realisation of expected savings).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from smartcity.errors import InputError, SmartcityError
from smartcity.monitoring import statistics as mv_stats
from smartcity.monitoring.quality import DataQualityReport
from smartcity.monitoring.readers import MeterMap, MeterReadings, Ridership, TrafficCounts
from smartcity.monitoring.savings import (
    MeterSavings,
    calendar_year,
    emission_factors,
    group_savings,
    savings_all_years,
)

__all__ = [
    "GEH_THRESHOLD",
    "GEH_TARGET_SHARE",
    "Plan",
    "plan_from_results",
    "savings_by_year",
    "groups_by_year",
    "planned_savings",
    "energy_progress",
    "link_comparison",
    "geh_summary",
    "ridership_comparison",
    "district_kpis",
]

#: GEH below which a link's modelled flow counts as matching its count [1]_. [sqrt(veh/h)]
GEH_THRESHOLD = 5.0
#: Share of counted links that should have GEH below the threshold (TAG M3.1 [2]_). [1]
GEH_TARGET_SHARE = 0.85


#: The hourly results monitoring reads (the rest of a results file's hourly series is left
#: unread): the grid's hourly intensity, whose annual mean is the electricity factor, and the
#: outdoor temperature the demo's meters respond to.
PLAN_HOURLY = ("grid_carbon_intensity", "outdoor_air_temperature")


@dataclass(frozen=True)
class Plan:
    """The planned trajectory: a run and what monitoring needs from its scenario.

    Attributes
    ----------
    results : xarray.Dataset
        Results holding ``scenario`` and ``baseline``.
    scenario, baseline : str
        Scenario names.
    measure_start_years : dict of str to int
        Start year of each measure of the scenario. [a]
    substation_efficiency : float
        Useful heat per delivered district heat. [1]
    peak_hour_share : float
        Share of daily car traffic in the assigned peak hour. [1]
    """

    results: object
    scenario: str
    baseline: str
    measure_start_years: dict
    substation_efficiency: float
    peak_hour_share: float


def _quantity_value(node) -> float:
    """A scenario quantity as a fraction: ``{value, unit}`` tables in '1' or '%', or a number (NaN: absent)."""
    if isinstance(node, dict) and "value" in node:
        value = float(node["value"])
        return value / 100.0 if str(node.get("unit", "1")).strip() == "%" else value
    if isinstance(node, (int, float)):
        return float(node)
    return float("nan")


def plan_from_results(results, scenario: str | None = None, baseline: str = "baseline") -> Plan:
    """The plan of a results Dataset (its stored resolved scenario gives the parameters).

    Parameters
    ----------
    results : xarray.Dataset
        Results of :func:`smartcity.run.run_scenarios` with the baseline in them.
    scenario : str, optional
        The scenario monitored; default the last one that is not ``baseline``.
    baseline : str
        The "without project" scenario.

    Raises
    ------
    SmartcityError
        A named scenario is not in the results.
    """
    names = [str(s) for s in results["scenario"].values]
    if baseline not in names:
        raise SmartcityError(f"the results hold no baseline scenario '{baseline}' (they hold {', '.join(names)}); "
                             "planned savings need the scenario and its baseline")
    if scenario is None:
        others = [n for n in names if n != baseline]
        if not others:
            raise SmartcityError(f"the results hold only the baseline '{baseline}'; name the scenario monitored")
        scenario = others[-1]
    elif scenario not in names:
        raise SmartcityError(f"the results hold no scenario '{scenario}' (they hold {', '.join(names)})")
    doc = {}
    if "resolved_scenario" in results:
        try:
            doc = tomllib.loads(str(results["resolved_scenario"].sel(scenario=scenario).item()))
        except tomllib.TOMLDecodeError:
            doc = {}
    starts = {k: int(v["start_year"]) for k, v in doc.get("measures", {}).items()
              if isinstance(v, dict) and "start_year" in v}
    # the resolved scenario holds every default, so these keys are there (a table without a
    # [transport] section has no peak hour: NaN, and counts cannot be compared)
    dh = doc.get("supply", {}).get("district_heating", {}).get("substation_efficiency")
    ph = (doc.get("transport") or {}).get("peak_hour_share")
    if dh is None:
        raise SmartcityError(f"the results of scenario '{scenario}' hold no resolved scenario with "
                             "supply.district_heating.substation_efficiency; run the scenario again")
    return Plan(results=results, scenario=scenario, baseline=baseline, measure_start_years=starts,
                substation_efficiency=_quantity_value(dh), peak_hour_share=_quantity_value(ph))


# --------------------------------------------------------------------------------------
# Energy
# --------------------------------------------------------------------------------------

def savings_by_year(readings: MeterReadings, temperature, periods: pd.DataFrame, meter_map: MeterMap | None,
                    *, typical=None, confidence: float = 0.95, years=None):
    """Savings of every full calendar year after each meter's baseline.

    Parameters
    ----------
    readings, temperature, typical, confidence
        As in :func:`~smartcity.monitoring.savings.meter_savings`.
    periods : pandas.DataFrame
        Baseline periods (:func:`~smartcity.monitoring.savings.meter_periods`); the
        reporting columns are replaced by each year.
    meter_map : MeterMap or None
        Measure groups.
    years : iterable of int, optional
        Reporting years of every meter (those after its baseline); default every full
        calendar year of each meter's readings after its baseline and measure date. [a]

    Returns
    -------
    meters : pandas.DataFrame
        The meter tables of all years, with a ``year`` column.
    groups : pandas.DataFrame
        :func:`~smartcity.monitoring.savings.group_savings` of every year, with ``year``.
    """
    if years is not None:
        years = [int(y) for y in years]
        years = {m: [y for y in years if calendar_year(y)[0] >= p["baseline_end"]]
                 for m, p in periods.iterrows() if not p.get("problem", "")}
    _, meters = savings_all_years(readings, temperature, periods, typical=typical, confidence=confidence,
                                  years=years)
    return meters, groups_by_year(meters, meter_map, confidence)


def groups_by_year(meters: pd.DataFrame, meter_map: MeterMap | None, confidence: float) -> pd.DataFrame:
    """:func:`~smartcity.monitoring.savings.group_savings` of each year of a meter table.

    Parameters
    ----------
    meters : pandas.DataFrame
        Meter tables of several reporting years with a ``year`` column
        (:func:`~smartcity.monitoring.savings.savings_all_years`).
    meter_map : MeterMap or None
        Measure groups.
    confidence : float
        Two-sided confidence level of the meters' uncertainties. [1]

    Returns
    -------
    pandas.DataFrame
        The group tables of all years, with ``year``; empty without meters.
    """
    if meters.empty:
        return pd.DataFrame()
    groups = []
    for year, table in meters.groupby("year", sort=True):
        savings = MeterSavings(table=table.drop(columns="year").reset_index(drop=True), monthly=pd.DataFrame(),
                               confidence=confidence, report=DataQualityReport())
        groups.append(group_savings(savings, meter_map).assign(year=int(year)))
    return pd.concat(groups, ignore_index=True)


def planned_savings(plan: Plan, meter_map: MeterMap, carriers: dict, years) -> pd.DataFrame:
    """The model's savings of each monitored meter's buildings per year.

    Parameters
    ----------
    plan : Plan
    meter_map : MeterMap
        Meters with ``building_id`` (rows of the run) and ``measure_group``.
    carriers : dict of str to str
        Carrier of each meter; only district-heat meters get a planned figure.
    years : iterable of int
        Years. [a]

    Returns
    -------
    pandas.DataFrame
        ``meter_id``, ``measure_group``, ``year``, ``planned_baseline_kWh`` and
        ``planned_scenario_kWh`` (delivered heat of the meter's share of its building's
        row average on the reference year, without / with the project) and
        ``planned_savings_kWh``. [kWh]
    """
    ds = plan.results
    known = set(str(b) for b in ds["building"].values)
    links = meter_map.data[(meter_map.data["building_id"] != "") & meter_map.data["building_id"].isin(known)]
    links = links[links["meter_id"].map(carriers).eq("district_heat")]
    columns = ["meter_id", "measure_group", "year", "planned_baseline_kWh", "planned_scenario_kWh",
               "planned_savings_kWh"]
    if links.empty:  # no district-heat meter on a building row of the run (a map of groups only)
        return _empty_planned(columns)
    rows = []
    sim_years = ds["year"].to_numpy()
    for year in years:
        y = int(sim_years[np.argmin(np.abs(sim_years - int(year)))])
        per = {}
        for name in (plan.baseline, plan.scenario):
            one = ds.sel(scenario=name, year=y)
            need = (one["space_heating_need"] + one["hot_water_need"]) / one["building_count"]
            per[name] = need.to_series() / plan.substation_efficiency
        frame = links[["meter_id", "measure_group"]].assign(
            year=int(year),
            planned_baseline_kWh=_planned_use(links, per[plan.baseline]),
            planned_scenario_kWh=_planned_use(links, per[plan.scenario]))
        rows.append(frame)
    if not rows:
        return _empty_planned(columns)
    out = pd.concat(rows, ignore_index=True)
    out["planned_savings_kWh"] = out["planned_baseline_kWh"] - out["planned_scenario_kWh"]
    return out.groupby(["meter_id", "measure_group", "year"], as_index=False).sum()[columns]


def _planned_use(links: pd.DataFrame, per_building: pd.Series) -> np.ndarray:
    """``share x`` the building row's use of each map row. [kWh]"""
    use = links["building_id"].map(per_building).to_numpy(dtype=np.float64)
    return links["share"].to_numpy(dtype=np.float64) * use


def _empty_planned(columns: list[str]) -> pd.DataFrame:
    """A planned-savings table without rows, its columns typed (text, year, kWh)."""
    return pd.DataFrame({c: pd.Series(dtype=object if c in ("meter_id", "measure_group") else
                                      ("int64" if c == "year" else np.float64)) for c in columns})


def energy_progress(plan: Plan, meters: pd.DataFrame, groups: pd.DataFrame, planned: pd.DataFrame) -> pd.DataFrame:
    """Planned against measured savings and CO2 per measure group and year.

    The planned figure of a group and year sums the meters that are in its measured
    total (flagged meters are left out of both).

    Parameters
    ----------
    plan : Plan
    meters, groups : pandas.DataFrame
        :func:`savings_by_year`'s meter and group tables.
    planned : pandas.DataFrame
        :func:`planned_savings`.

    Returns
    -------
    pandas.DataFrame
        Long table: ``kpi``, ``item`` (measure group or measure), ``unit``, ``year``,
        ``planned`` (modelled), ``measured`` (measured or, for ``basis='estimated'``,
        estimated), ``uncertainty`` (half-width at the savings' confidence), ``basis``
        and ``share_of_target`` (measured / planned [1]).
    """
    columns = ["kpi", "item", "unit", "year", "planned", "measured", "uncertainty", "basis", "share_of_target"]
    if groups.empty:
        return pd.DataFrame(columns=columns)
    used = meters.loc[meters["used_in_totals"].astype(bool), ["meter_id", "year"]]
    plan_used = planned.merge(used, on=["meter_id", "year"], how="inner")
    by_group = plan_used.groupby(["measure_group", "year"])["planned_savings_kWh"].sum()
    by_year = plan_used.groupby("year")["planned_savings_kWh"].sum()
    ds = plan.results
    measures = set(str(m) for m in ds["measure"].values) if "measure" in ds.dims else set()
    rows = []
    factors = {}  # per year
    for _, g in groups[groups["carrier"] == "district_heat"].iterrows():
        group, year = g["measure_group"], int(g["year"])
        p_kwh = float(by_year.get(year, np.nan)) if group == "(all)" else float(by_group.get((group, year), np.nan))
        if year not in factors:
            factors[year] = emission_factors(ds, plan.scenario, year)["district_heat"]
        factor = factors[year]
        measured = g["normalised_savings_kWh"]
        share = measured / p_kwh if p_kwh and np.isfinite(p_kwh) else np.nan
        rows.append(("heat_savings_normalised", group, "MWh/a", year, p_kwh / 1e3, measured / 1e3,
                     g["normalised_uncertainty_kWh"] / 1e3, "measured", share))
        rows.append(("heat_avoided_energy", group, "MWh/a", year, np.nan, g["avoided_energy_kWh"] / 1e3,
                     g["avoided_uncertainty_kWh"] / 1e3, "measured", np.nan))
        rows.append(("co2_savings_normalised", group, "t/a", year, p_kwh * factor / 1e6, measured * factor / 1e6,
                     g["normalised_uncertainty_kWh"] * factor / 1e6, "measured", share))
        if group in measures and np.isfinite(share):
            one = ds.sel(scenario=plan.scenario)
            years = one["year"].to_numpy()
            y = int(years[np.argmin(np.abs(years - year))])
            modelled = float(one["co2_reduction_by_measure"].sel(measure=group, year=y))
            rel_u = g["normalised_uncertainty_kWh"] / abs(measured) if measured else np.nan
            rows.append(("co2_reduction_by_measure", group, "t/a", year, modelled, share * modelled,
                         abs(share * modelled) * rel_u, "estimated", share))
    return pd.DataFrame(rows, columns=columns)


def district_kpis(plan: Plan, years, ids=("co2_total", "co2_reduction_vs_baseline", "energy_savings",
                                           "public_transport_ridership")) -> pd.DataFrame:
    """Planned district KPIs of the scenario from :func:`smartcity.kpi.kpi_table`.

    Returns
    -------
    pandas.DataFrame
        ``kpi``, ``name``, ``unit``, ``year``, ``planned`` (modelled, the scenario) and
        ``without_project`` (the baseline scenario).
    """
    from smartcity.kpi import kpi_table

    sim = set(int(y) for y in plan.results["year"].values)
    years = sorted(set(int(y) for y in years) & sim)
    if not years:
        return pd.DataFrame(columns=["kpi", "name", "unit", "year", "planned", "without_project"])
    table = kpi_table(plan.results, ids=list(ids), years=years, baseline=plan.baseline)
    rows = []
    for (kpi_id, name, unit), values in table.iterrows():
        if kpi_id not in ids:
            continue
        for year in years:
            rows.append((kpi_id, name, unit, year, float(values[(plan.scenario, year)]),
                         float(values[(plan.baseline, year)])))
    return pd.DataFrame(rows, columns=["kpi", "name", "unit", "year", "planned", "without_project"])


# --------------------------------------------------------------------------------------
# Transport
# --------------------------------------------------------------------------------------

def _counted_peak(counts: pd.DataFrame, peak_hour_share: float) -> pd.DataFrame:
    """Counted peak-hour flow per link, vehicle class and year."""
    data = counts.copy()
    data["year"] = pd.DatetimeIndex(data["start"]).year
    data["day"] = pd.DatetimeIndex(data["start"]).normalize()
    short = data["hours"] <= 1.0 + 1e-9
    rows = []
    keys = ["from_node", "to_node", "vehicle_class", "year"]
    for key, g in data[short].groupby(keys, sort=True):
        busiest = g.groupby("day")["flow_veh_h"].max()
        rows.append((*key, float(busiest.mean()), len(busiest), "busiest counted hour, mean over days"))
    for key, g in data[~short].groupby(keys, sort=True):
        daily = float((g["vehicles"].sum() / g["hours"].sum()) * 24.0)
        rows.append((*key, daily * peak_hour_share, int(round(g["hours"].sum() / 24.0)),
                     f"mean daily traffic x peak_hour_share {peak_hour_share:g}"))
    frame = pd.DataFrame(rows, columns=keys + ["counted_flow_veh_h", "days", "basis"])
    # prefer hourly counts over converted daily ones for the same link, class and year
    frame["_rank"] = frame["basis"].str.startswith("busiest").map({True: 0, False: 1})
    return frame.sort_values(keys + ["_rank"]).drop_duplicates(keys).drop(columns="_rank")


def link_comparison(counts: TrafficCounts, plan: Plan) -> pd.DataFrame:
    """Modelled against counted peak-hour car flows per link and year, with GEH.

    Returns
    -------
    pandas.DataFrame
        ``from_node``, ``to_node``, ``year``, ``vehicle_class`` (counts used: 'car', or
        'all' where a link has no car counts), ``days`` counted, ``basis`` (how the
        counted peak flow was formed), ``counted_flow_veh_h`` (measured),
        ``modelled_flow_veh_h`` (the run's ``link_peak_flow`` of the nearest simulated
        year), ``model_year``, ``geh`` and ``geh_below_5``. [veh/h]

    Raises
    ------
    InputError
        A counted link is not in the run's network.
    """
    ds = plan.results.sel(scenario=plan.scenario)
    if "link_peak_flow" not in ds:
        raise InputError("the run has no transport model, so counts cannot be compared",
                         key="transport", allowed="a scenario with a [transport] section")
    peak = _counted_peak(counts.data, plan.peak_hour_share)
    cars = peak[peak["vehicle_class"] == "car"]
    others = peak[peak["vehicle_class"] == "all"]
    have = set(zip(cars["from_node"], cars["to_node"], cars["year"]))
    extra = others[[k not in have for k in zip(others["from_node"], others["to_node"], others["year"])]]
    chosen = pd.concat([cars, extra], ignore_index=True)
    index = {(int(a), int(b)): i for i, (a, b) in enumerate(zip(ds["link_from_node"].values,
                                                                 ds["link_to_node"].values))}
    years = ds["year"].to_numpy()
    modelled, model_year = [], []
    for a, b, year in zip(chosen["from_node"], chosen["to_node"], chosen["year"]):
        if (int(a), int(b)) not in index:
            raise InputError("counted link is not in the run's network", key="from_node/to_node",
                             value=f"{a} -> {b}", allowed="a directed link of the scenario's links table")
        y = int(years[np.argmin(np.abs(years - year))])
        modelled.append(float(ds["link_peak_flow"].sel(year=y).values[index[(int(a), int(b))]]))
        model_year.append(y)
    out = chosen.assign(modelled_flow_veh_h=modelled, model_year=model_year)
    out["geh"] = mv_stats.geh(out["modelled_flow_veh_h"].to_numpy(), out["counted_flow_veh_h"].to_numpy()) \
        if len(out) else np.zeros(0)
    out["geh_below_5"] = out["geh"] < GEH_THRESHOLD
    cols = ["from_node", "to_node", "year", "vehicle_class", "days", "basis", "counted_flow_veh_h",
            "modelled_flow_veh_h", "model_year", "geh", "geh_below_5"]
    return out[cols].sort_values(["year", "from_node", "to_node"]).reset_index(drop=True)


def geh_summary(links: pd.DataFrame) -> pd.DataFrame:
    """Per year: links compared, share with GEH < 5 and whether TAG's 85 % is met."""
    rows = []
    for year, g in links.groupby("year", sort=True):
        share = mv_stats.geh_share_below(g["modelled_flow_veh_h"].to_numpy(), g["counted_flow_veh_h"].to_numpy(),
                                         GEH_THRESHOLD)
        rows.append((int(year), len(g), share, share > GEH_TARGET_SHARE, float(g["geh"].median()),
                     float(g["geh"].max())))
    return pd.DataFrame(rows, columns=["year", "links", "share_geh_below_5", "meets_85_percent", "median_geh",
                                       "max_geh"])


def ridership_comparison(ridership: Ridership, plan: Plan) -> pd.DataFrame:
    """Counted against modelled boardings per line, year and day type.

    Returns
    -------
    pandas.DataFrame
        ``line``, ``year``, ``day_type``, ``days`` counted, ``counted_boardings_per_day``
        (measured; periods weighted by their days), ``modelled_boardings_per_day``
        (the run's average day), ``model_year``, ``ratio`` (counted / modelled [1]) and
        ``difference`` (counted - modelled). [pax/d]
    """
    ds = plan.results.sel(scenario=plan.scenario)
    if "line_boardings" not in ds:
        raise InputError("the run has no public-transport lines, so ridership cannot be compared",
                         key="transport.lines", allowed="a scenario with a lines table")
    data = ridership.data.assign(year=pd.DatetimeIndex(ridership.data["start"]).year)
    years = ds["year"].to_numpy()
    lines = set(str(v) for v in ds["line"].values)
    rows = []
    for (line, year, day_type), g in data.groupby(["line", "year", "day_type"], sort=True):
        if line not in lines:
            raise InputError("counted line is not in the run", key="line", value=line,
                             allowed=", ".join(sorted(lines)))
        days = float(g["days"].sum())
        counted = float(g["boardings"].sum() / days) if days > 0 else np.nan
        y = int(years[np.argmin(np.abs(years - year))])
        modelled = float(ds["line_boardings"].sel(line=line, year=y))
        ratio = counted / modelled if modelled > 0 else np.nan
        rows.append((line, int(year), day_type, days, counted, modelled, y, ratio, counted - modelled))
    return pd.DataFrame(rows, columns=["line", "year", "day_type", "days", "counted_boardings_per_day",
                                       "modelled_boardings_per_day", "model_year", "ratio", "difference"])


