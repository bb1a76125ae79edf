"""The HTML report of one scenario.

:func:`write_report` turns a results Dataset (``smartcity run``) into a folder a planner can
open in any browser, without network access::

    out_dir/report.html          inline CSS, no scripts, no external resources
    out_dir/figures/<name>.png   the figures the page shows (:mod:`smartcity.report.figures`)
    out_dir/figures/<name>.svg   the same figures as vector graphics (linked under each figure)

The page holds, for one scenario and the baseline it is compared with: a header that traces
it to the run (scenario name and description, year span, resolved-scenario SHA-256, package
version, time of the run); the key figures (the KPI table given, or :data:`REPORT_KPIS` of
:func:`smartcity.kpi.kpi_table`); the CO2 trajectory, the measures' wedges and their
marginal abatement cost curve (:func:`smartcity.kpi.abatement_curve`), the hourly electricity
balance of the last year, the modal split; with a sweep, the uncertainty; and the key inputs
with their units and sources, read from the resolved scenario stored in the results.

Figures that need something the results do not hold (no baseline, no measures, no transport)
are left out with a note saying why.

Output is deterministic: the same Dataset gives the same figure files and the same HTML
bytes, apart from the one line that states when the report was written. Files are written
atomically (:func:`smartcity.report.html.write_folder`): the figures folder is moved into
place first and ``report.html`` last, so an interrupted report never leaves a partial
``report.html``, and an existing report is only replaced with ``force=True``.
"""

from __future__ import annotations

import datetime as _dt
import html
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from smartcity.errors import SmartcityError
from smartcity.kpi import abatement_curve, kpi_table
from smartcity.report.figures import (
    measure_colors,
    plot_abatement_curve,
    plot_co2_trajectory,
    plot_electricity_duration,
    plot_grid_import_heatmap,
    plot_measure_wedges,
    plot_modal_split,
    plot_tornado,
    plot_uncertainty_band,
    save_figure,
)
from smartcity.report.html import PAGE_CSS, figure_html, note, table_html, write_folder
from smartcity.report.supply import (
    WINTER_WEEK_DAY,
    heat_unit_colors,
    plot_district_heat_factor,
    plot_heat_duration,
    plot_heat_week,
    week_starting,
)

__all__ = ["write_report", "key_inputs", "scenario_quantities", "REPORT_FILE", "FIGURE_FOLDER", "REPORT_KPIS"]

#: The KPIs (``data/kpis.toml``) of the report's key figures when no KPI table is given.
REPORT_KPIS = ("co2_total", "co2_by_sector", "co2_reduction_vs_baseline", "co2_reduction_vs_baseline_share",
               "co2_reduction_vs_base_year_share", "co2_cumulative_reduction", "final_energy_total",
               "energy_savings_share", "local_renewable_generation", "sustainable_mode_share", "investment",
               "abatement_cost")

#: Name of the report page inside the output folder.
REPORT_FILE = "report.html"
#: Folder of the figure files, relative to the report page.
FIGURE_FOLDER = "figures"


# --------------------------------------------------------------------------------------------
# tables from the results
# --------------------------------------------------------------------------------------------


def _select(ds: xr.Dataset, scenario: str) -> xr.Dataset:
    if "scenario" not in ds.dims:
        raise SmartcityError("the results have no 'scenario' dimension; pass the Dataset written by smartcity run")
    names = [str(s) for s in ds["scenario"].values]
    if scenario not in names:
        raise SmartcityError(f"scenario '{scenario}' is not in the results; they hold: {', '.join(names)}")
    return ds.sel(scenario=scenario)


def _measures_of(one: xr.Dataset) -> list[str]:
    """The measures of one scenario (others' measures are NaN after the run's outer join)."""
    if "co2_reduction_by_measure" not in one or "measure" not in one.dims:
        return []
    red = one["co2_reduction_by_measure"]
    keep = red.notnull().any("year").to_numpy()
    return [str(m) for m, k in zip(one["measure"].values, keep) if k]


def _total(one: xr.Dataset) -> pd.Series:
    return one["co2"].sum(("sector", "carrier")).to_pandas()


def _short_hash(ds: xr.Dataset, scenario: str) -> str:
    if "scenario_sha256" not in ds:
        return "unknown"
    return str(ds["scenario_sha256"].sel(scenario=scenario).item())[:12]


# --------------------------------------------------------------------------------------------
# inputs and sources from the resolved scenario
# --------------------------------------------------------------------------------------------


def _is_quantity(node: object) -> bool:
    return isinstance(node, dict) and "unit" in node and ("value" in node or "year" in node)


def _fmt_value(value: object) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return format(value, ",.12g") if isinstance(value, float) else f"{value}"
    if isinstance(value, list):
        return ", ".join(_fmt_value(v) for v in value)
    return str(value)


def _quantity_row(key: str, q: dict) -> dict:
    if "year" in q and isinstance(q.get("value"), list):
        value = "; ".join(f"{y}: {_fmt_value(v)}" for y, v in zip(q["year"], q["value"]))
    else:
        value = _fmt_value(q.get("value"))
        if "by_year" in q:
            value += f" (by {q['by_year']})"
    source = str(q.get("source", "")).strip()
    assumption = bool(q.get("assumption", False))
    if assumption and q.get("reason"):
        source = f"{source}; assumption: {q['reason']}" if source else f"assumption: {q['reason']}"
    elif assumption:
        source = f"{source}; assumption" if source else "assumption"
    if "distribution" in q:
        source += f" (uncertain: {q['distribution']})" if isinstance(q["distribution"], str) else " (uncertain)"
    return {"input": key, "value": value, "unit": str(q.get("unit", "")), "source": source or "not given",
            "assumption": assumption}


def scenario_quantities(resolved_toml: str) -> pd.DataFrame:
    """Every quantity of a resolved scenario with its value, unit and source.

    Parameters
    ----------
    resolved_toml : str
        The resolved scenario (the results' ``resolved_scenario`` variable).

    Returns
    -------
    pandas.DataFrame
        Columns ``input`` (dotted key), ``value`` (text; trajectories as ``year: value``),
        ``unit``, ``source`` (the source, or ``"assumption: <reason>"``) and ``assumption``
        (bool), in the file's order.

    Raises
    ------
    SmartcityError
        The text is not TOML.
    """
    try:
        doc = tomllib.loads(resolved_toml)
    except tomllib.TOMLDecodeError as exc:
        raise SmartcityError(f"the resolved scenario in the results is not valid TOML: {exc}") from None
    rows: list[dict] = []

    def walk(node: object, path: str) -> None:
        if _is_quantity(node):
            rows.append(_quantity_row(path, node))
        elif isinstance(node, dict):
            for k, v in node.items():
                walk(v, f"{path}.{k}" if path else str(k))

    walk(doc, "")
    return pd.DataFrame(rows, columns=["input", "value", "unit", "source", "assumption"])


def key_inputs(resolved_toml: str) -> pd.DataFrame:
    """The key inputs of a resolved scenario for the report's "inputs and sources" section.

    Parameters
    ----------
    resolved_toml : str
        The resolved scenario (the results' ``resolved_scenario`` variable).

    Returns
    -------
    pandas.DataFrame
        Same columns as :func:`scenario_quantities`: the emission method, the district-heating
        emission factor (or, with the network model, its units, allocation method, loss, demand
        and prices), the grid's emission factor, then for each enabled measure its
        type, start year and lifetime, ramp and investment, each with its source.
    """
    doc = tomllib.loads(resolved_toml)
    rows: list[dict] = []

    def plain(key: str, value: object, unit: str = "-", source: str = "scenario setting") -> None:
        rows.append({"input": key, "value": _fmt_value(value), "unit": unit, "source": source, "assumption": False})

    def quantity(key: str) -> None:
        node: object = doc
        for part in key.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        if _is_quantity(node):
            rows.append(_quantity_row(key, node))

    emissions = doc.get("emissions", {})
    if "method" in emissions:
        plain("emissions.method", emissions["method"])
    if "electricity_factor" in emissions:
        plain("emissions.electricity_factor", emissions["electricity_factor"])
    dh = doc.get("supply", {}).get("district_heating", {})
    if dh.get("mode") == "dispatch":  # the factor is computed; its inputs are the network's
        plain("supply.district_heating.mode", "dispatch", source="the CO2 of district heat from the network dispatch")
        network = dh.get("network", {})
        plain("supply.district_heating.network.units", network.get("units", ""), source="units table (sources per row)")
        plain("supply.district_heating.network.allocation", network.get("allocation", "200%"))
        keys = ["supply.district_heating.network_loss"] + [
            f"supply.district_heating.network.{k}" for k in ("rest_heat_delivered", "electricity_price", "co2_price",
                                                             "electricity_tax")]
    else:
        keys = ["supply.district_heating.emission_factor", "supply.district_heating.network_loss"]
    for key in keys + ["supply.electricity.emission_factor"]:
        quantity(key)
    hourly = doc.get("supply", {}).get("electricity", {}).get("hourly_profile")
    if hourly:
        plain("supply.electricity.hourly_profile", hourly, source="Energi Data Service CO2 emission export")
    for mid, m in doc.get("measures", {}).items():
        if not isinstance(m, dict) or not m.get("enabled", True):
            continue
        detail = [f"type {m.get('type', '?')}"]
        if "start_year" in m:
            detail.append(f"from {m['start_year']}")
        if "lifetime_years" in m:
            detail.append(f"lifetime {m['lifetime_years']} a")
        plain(f"measures.{mid}", ", ".join(detail), source=str(m.get("description", "")) or "scenario setting")
        for part in ("ramp", "investment"):
            quantity(f"measures.{mid}.{part}")
    return pd.DataFrame(rows, columns=["input", "value", "unit", "source", "assumption"])


# --------------------------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------------------------


def _inputs_html(key: pd.DataFrame, every: pd.DataFrame | None) -> str:
    def rows(frame: pd.DataFrame) -> str:
        head = "".join(f"<th>{c}</th>" for c in ("input", "value", "unit", "source"))
        out = [f'<table class="inputs"><thead><tr>{head}</tr></thead><tbody>']
        for r in frame.itertuples(index=False):
            cls = ' class="assumption"' if r.assumption else ""
            out.append(f"<tr{cls}><td><code>{html.escape(r.input)}</code></td><td>{html.escape(r.value)}</td>"
                       f"<td>{html.escape(r.unit)}</td><td>{html.escape(r.source)}</td></tr>")
        out.append("</tbody></table>")
        return "\n".join(out)

    text = [rows(key)]
    if every is not None and len(every):
        n_assumed = int(every["assumption"].sum())
        text.append(f"<details><summary>All {len(every)} quantities of the resolved scenario "
                    f"({n_assumed} flagged as assumptions)</summary>{rows(every)}</details>")
    return "\n".join(text)


# --------------------------------------------------------------------------------------------
# the report
# --------------------------------------------------------------------------------------------


def write_report(
    ds: xr.Dataset,
    scenario: str,
    out_dir: str | Path,
    *,
    baseline: str | None = "baseline",
    kpis: pd.DataFrame | None = None,
    curve: pd.DataFrame | None = None,
    force: bool = False,
    sweep: xr.Dataset | None = None,
) -> Path:
    """Write the HTML report of one scenario with its figures.

    Parameters
    ----------
    ds : xarray.Dataset
        Results of ``smartcity run`` (:func:`smartcity.results.open_result`).
    scenario : str
        The scenario to report on; must be in ``ds.scenario``.
    out_dir : str or Path
        Folder of ``report.html`` and ``figures/`` (created if needed).
    baseline : str or None
        The scenario to compare with. When it is ``None``, not in the results or
        ``scenario`` itself, the comparison (baseline line, reduction against the baseline)
        is left out with a note.
    kpis : pandas.DataFrame, optional
        KPI table to show (any layout: id, name, unit, then one column per scenario/year;
        ``attrs["footer"]`` printed under it). Default: :data:`REPORT_KPIS` of
        :func:`smartcity.kpi.kpi_table` for the scenario and its baseline.
    curve : pandas.DataFrame, optional
        Abatement curve (``measure``, ``abatement_t``, ``cost_eur_per_t``,
        ``cumulative_t``), sorted by cost. Default: :func:`smartcity.kpi.abatement_curve` of
        the last year.
    force : bool
        Replace an existing report (``report.html`` and ``figures/``) in ``out_dir``.
    sweep : xarray.Dataset, optional
        A Monte Carlo sweep of the scenario (:func:`smartcity.sweep.open_sweep`): adds the
        uncertainty section (P10–P90 band of CO2, percentiles of the headline KPIs and, for
        Saltelli's design, a tornado chart of Sobol' indices and the top drivers).

    Returns
    -------
    Path
        The written ``report.html``.

    Raises
    ------
    SmartcityError
        ``scenario`` is not in the results, or ``out_dir`` cannot take the report.
    OutputExistsError
        A report (or a ``figures`` folder) is already in ``out_dir`` and ``force`` is false;
        nothing is written.
    """
    out_dir = Path(out_dir)
    one = _select(ds, scenario)  # the scenario must exist before anything is written

    def build(tmp: Path) -> None:
        page = _render(ds, one, scenario, baseline, kpis, curve, tmp / FIGURE_FOLDER, sweep)
        with open(tmp / REPORT_FILE, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(page)
            handle.flush()
            os.fsync(handle.fileno())

    write_folder(out_dir, (FIGURE_FOLDER, REPORT_FILE), build, force=force, folders=(FIGURE_FOLDER,))
    return out_dir / REPORT_FILE


def _uncertainty_section(sweep: xr.Dataset, scenario: str, draw) -> str:
    """The uncertainty section from a Monte Carlo sweep: CO2 band, KPI percentiles, Sobol' drivers."""
    from smartcity.kpi.uncertainty import (
        SENSITIVITY_KPIS,
        kpi_percentile_table,
        sensitivity_table,
        top_drivers,
    )

    out = ['<section id="uncertainty"><h2>Uncertainty</h2>']
    names = [str(s) for s in sweep["scenario"].values]
    if scenario not in names or "kpi_value" not in sweep:
        out.append(note(f"The sweep holds no KPIs of '{scenario}' (it holds {', '.join(names)})."))
        return "\n".join(out + ["</section>"])
    n = sweep.sizes["sample"]
    design = sweep["sample"].attrs.get("design", "lhs")
    inputs = [str(x) for x in sweep["input"].values] if "input" in sweep.coords else []
    out.append(f"<p>{n} Monte Carlo samples ({html.escape(design)} design) of {len(inputs)} uncertain inputs: "
               + html.escape(", ".join(inputs)) + ".</p>")
    co2 = sweep["kpi_value"].sel(kpi="co2_total").isel(point=0)
    bands = {}
    for name in ([s for s in names if s != scenario] + [scenario]):
        q = np.percentile(co2.sel(scenario=name).values, [10, 50, 90], axis=0)
        bands[name] = pd.DataFrame(q.T, index=sweep["year"].values, columns=["P10", "P50", "P90"])
    out.append(draw("co2_uncertainty", lambda: plot_uncertainty_band(bands, title="CO2 emissions: median and "
                                                                                   "P10–P90 over the samples"),
                    "Total CO2 emissions by year: median (line) and the band between the 10th and 90th "
                    "percentiles over the Monte Carlo samples [t/a].", "CO2 uncertainty band"))
    table = kpi_percentile_table(sweep, years=[int(sweep["year"].values[-1])])
    keep = [k for k in ("co2_total", "co2_reduction_vs_baseline", "co2_reduction_vs_base_year_share",
                        "co2_cumulative_reduction", "final_energy_total", "energy_savings",
                        "renewable_self_supply", "sustainable_mode_share", "clean_vehicle_share_fleet")
            if k in table.index.get_level_values("id")]
    shown = table.loc[table.index.get_level_values("id").isin(keep)]
    shown = shown.loc[:, [c for c in shown.columns if c[0] == scenario]]
    out.append(table_html(shown, caption=f"Headline KPIs of {scenario}: mean and percentiles over the samples",
                          footer=table.attrs.get("footer")))
    if design == "saltelli":
        sens = sensitivity_table(sweep, "co2_total", scenario=scenario, n_bootstrap=500)
        out.append(draw("sobol_tornado",
                        lambda: plot_tornado(sens, title=f"Drivers of CO2 emissions, {scenario} {sens.attrs['year']}"),
                        f"Sobol' indices of the total CO2 emissions of {scenario} in {sens.attrs['year']}: share of "
                        "the variance due to each input alone (first order, S1) and with its interactions (total, "
                        f"ST, with {sens.attrs['confidence']:.0%} bootstrap interval); {sens.attrs['base_samples']} "
                        "base samples of Saltelli's design.", "Tornado chart of Sobol' indices"))
        drivers = top_drivers(sweep, SENSITIVITY_KPIS, scenario=scenario, top=3)
        if len(drivers):
            drivers = drivers.drop(columns=["kpi"]).rename(columns={"name": "KPI", "sd": "sd of the KPI"})
            out.append(table_html(drivers, caption="Top drivers of the headline KPIs (total Sobol' index ST)"))
    else:
        out.append(note("No Sobol' indices: the sweep is not a Saltelli design (smartcity sweep ... --design "
                         "saltelli)."))
    out.append("</section>")
    return "\n".join(out)


def _excluded(value: object) -> list[tuple[str, float]]:
    """Measures left off a curve: ``{measure: t/a}`` or records with ``measure`` and ``abatement_t``."""
    if not value:
        return []
    if isinstance(value, Mapping):
        return [(str(m), float(v)) for m, v in value.items()]
    return [(str(r.get("measure")), float(r.get("abatement_t", np.nan))) for r in value if isinstance(r, Mapping)]


def _render(ds: xr.Dataset, one: xr.Dataset, scenario: str, baseline: str | None, kpis: pd.DataFrame | None,
            curve: pd.DataFrame | None, figures: Path, sweep: xr.Dataset | None = None) -> str:
    """Draw every figure into ``figures`` and return the page."""
    names = [str(s) for s in ds["scenario"].values]
    base = _select(ds, baseline) if baseline in names and baseline != scenario else None
    years = one["year"].to_numpy()
    first, last = int(years[0]), int(years[-1])
    all_measures = [str(m) for m in ds["measure"].values] if "measure" in ds.dims else []
    m_colors = measure_colors(all_measures)
    measures = _measures_of(one)
    if base is None:
        why = ("none was asked for" if baseline is None
               else f"the baseline '{baseline}' is the scenario of this report" if baseline == scenario
               else f"the results hold no scenario '{baseline}' (they hold {', '.join(names)})")
        comparison_note = f"No comparison with a baseline: {why}."
    body: list[str] = []

    def draw(name: str, make, caption: str, alt: str) -> str:
        fig = make()
        save_figure(fig, figures, name)
        fig.clear()
        return figure_html(FIGURE_FOLDER, name, caption, alt)

    # --- header
    description = str(one["scenario_description"].item()) if "scenario_description" in one else ""
    sha = str(one["scenario_sha256"].item()) if "scenario_sha256" in one else ""
    meta = [
        ("scenario", html.escape(scenario)),
        ("years", f"{first}–{last}"),
        ("resolved scenario", (f'<span class="hash" title="SHA-256 {html.escape(sha)}">'
                               f'{html.escape(sha[:12]) or "unknown"}</span> (first 12 hex of the SHA-256)')),
        ("compared with", (html.escape(f"{baseline} ({_short_hash(ds, baseline)})") if base is not None
                           else "no baseline")),
        ("smartcity", html.escape(str(ds.attrs.get("smartcity_version", "unknown")))),
        ("run", html.escape(f"{ds.attrs.get('created_utc', 'unknown')}: {ds.attrs.get('command', '')}".strip())),
    ]
    if "weather_name" in one:
        meta.append(("weather", html.escape(str(one["weather_name"].item()))))
    header = ([f"<header><h1>CO<sub>2</sub> report: {html.escape(scenario)}</h1>"]
              + ([f"<p>{html.escape(description)}</p>"] if description else [])
              + ['<dl class="meta">'] + [f"<dt>{k}</dt><dd>{v}</dd>" for k, v in meta] + ["</dl></header>"])

    # --- KPI table
    body.append('<section id="kpis"><h2>Key figures</h2>')
    if kpis is not None:
        body.append(table_html(kpis, caption="Key performance indicators"))
    else:
        shown = ds.sel(scenario=([baseline] if base is not None else []) + [scenario])
        table = kpi_table(shown, ids=REPORT_KPIS, baseline=baseline if base is not None else None,
                          created=str(ds.attrs.get("created_utc", "")) or None)
        body.append(table_html(table, caption="Key figures in the base year and the last year (all KPIs: "
                                              "smartcity kpi)"))
    if base is None:
        body.append(note(comparison_note))
    body.append("</section>")

    # --- CO2 trajectory
    body.append('<section id="co2"><h2>CO<sub>2</sub> emissions by sector</h2>')
    by_sector = one["co2"].sum("carrier").to_pandas()
    base_total = _total(base) if base is not None else None
    body.append(draw("co2_trajectory",
                     lambda: plot_co2_trajectory(by_sector, base_total, scenario=scenario, baseline=baseline),
                     f"CO2 emissions of {scenario} by Covenant of Mayors sector (stacked), {first}–{last} [t/a]"
                     + (f"; dashed: total of {baseline}." if base is not None else "."),
                     f"CO2 emissions by sector of {scenario}"))
    if base is None:
        body.append(note("The scenario is shown alone, without a baseline line (see the note above)."))
    body.append("</section>")

    # --- wedges
    body.append('<section id="measures"><h2>Contribution of each measure</h2>')
    if measures and "co2_without_measures" in one:
        without = one["co2_without_measures"].to_pandas()
        red = one["co2_reduction_by_measure"].sel(measure=measures).to_pandas()
        inter = (one["co2_reduction_interaction"].to_pandas() if "co2_reduction_interaction" in one
                 else pd.Series(0.0, index=without.index))
        total = _total(one)
        body.append(draw("co2_wedges",
                         lambda: plot_measure_wedges(without, red, inter, scenario_total=total,
                                                     baseline_total=base_total, scenario=scenario,
                                                     baseline=baseline, colors=m_colors),
                         f"Emissions of {scenario} without its measures (dashed), less the reduction of each "
                         "measure applied alone (add-one attribution; hatched: negative parts such as an "
                         "interaction that takes back part of the single reductions), down to the scenario "
                         f"(solid) [t/a]. In {last}: without measures {without[last]:,.0f} t/a, single "
                         f"reductions {red.loc[last].sum():,.0f} t/a, interaction {inter[last]:,.0f} t/a, "
                         f"scenario {total[last]:,.0f} t/a.",
                         f"Wedge chart of measures of {scenario}"))
    else:
        body.append(note(f"No wedge chart: the scenario '{scenario}' has no measures (or the results hold no "
                          "per-measure reductions)."))

    # --- abatement curve
    body.append("<h3>Marginal abatement cost curve</h3>")
    if curve is None and measures:
        curve = abatement_curve(ds, scenario)
    if curve is not None and len(curve):
        curve_year = curve.attrs.get("year")
        title = f"Marginal abatement cost curve: {scenario}" + (f", {curve_year}" if curve_year is not None else "")
        body.append(draw("abatement_curve", lambda: plot_abatement_curve(curve, colors=m_colors, title=title),
                         "Measures ordered by net cost per tonne of CO2 avoided (annualised investment and "
                         "operation and maintenance less energy-cost savings; smartcity.kpi.abatement_curve): "
                         "bar width = abatement [t/a], height = cost [EUR/t].",
                         f"Marginal abatement cost curve of {scenario}"))
        excluded = _excluded(curve.attrs.get("excluded"))
        if excluded:
            body.append(note("Not on the curve (no reduction in the year): "
                              + ", ".join(f"{m} ({v:,.0f} t/a)" for m, v in excluded) + "."))
        shown = curve[[c for c in ("measure", "type", "abatement_t", "cost_eur_per_t", "cumulative_t",
                                   "annual_cost_eur")
                       if c in curve.columns]].rename(columns={
            "abatement_t": "abatement [t/a]", "cost_eur_per_t": "cost [EUR/t]",
            "cumulative_t": "cumulative, left edge [t/a]", "annual_cost_eur": "annual cost [EUR/a]"})
        shown.attrs = {}
        body.append("<details><summary>Table of the curve</summary>" + table_html(shown, css_class="curve")
                    + "</details>")
    elif not measures:
        body.append(note(f"No abatement curve: the scenario '{scenario}' has no measures."))
    else:
        year = curve.attrs.get("year") if curve is not None else None
        in_force = year is None or "measure_annual_cost" not in one or bool(
            (one["measure_annual_cost"].sel(year=year, measure=measures) != 0).any()
            or (one["co2_reduction_by_measure"].sel(year=year, measure=measures) != 0).any())
        body.append(note(("No abatement curve: no measure of this scenario avoids CO2" if in_force else
                          "No abatement curve: no measure of this scenario is in force yet")
                         + (f" in {year}." if year is not None else ".")))
    body.append("</section>")

    # --- electricity
    body.append(f'<section id="electricity"><h2>Hourly electricity balance, {last}</h2>')
    hourly = ("electricity_demand", "pv_generation", "grid_import", "grid_export")
    if all(v in one for v in hourly):
        at = one.sel(year=last)
        charging = None
        for v in ("ev_charging", "bus_charging"):
            if v in at:
                charging = at[v].to_numpy() if charging is None else charging + at[v].to_numpy()
        demand = at["electricity_demand"].to_numpy() + (charging if charging is not None else 0.0)
        base_import = (base.sel(year=last)["grid_import"].to_numpy()
                       if base is not None and "grid_import" in base else None)
        body.append(draw("electricity_duration",
                         lambda: plot_electricity_duration(demand, at["pv_generation"].to_numpy(),
                                                           at["grid_import"].to_numpy(), at["grid_export"].to_numpy(),
                                                           charging_kw=charging, baseline_import_kw=base_import,
                                                           title=f"Electricity balance, {scenario}, {last}"),
                         f"Duration curves of the hourly electricity balance of {scenario} in {last} [kW]: demand "
                         "of the buildings (heat pumps, cooling, appliances, lighting)"
                         + (" and of electric cars and buses" if charging is not None else "")
                         + ", rooftop PV, grid import and export"
                         + (f"; dashed: grid import of {baseline}." if base_import is not None else "."),
                         f"Electricity duration curves of {scenario}"))
        body.append(draw("grid_import_heatmap",
                         lambda: plot_grid_import_heatmap(at["grid_import"].to_numpy(),
                                                          title=f"Grid import, {scenario}, {last}"),
                         f"Grid import of {scenario} in {last} by day of the year and hour of the day [kW].",
                         f"Heat map of grid import of {scenario}"))
    else:
        body.append(note("No electricity balance: the results hold no hourly electricity series."))
    body.append("</section>")

    # --- district heating
    body.append('<section id="district-heating"><h2>District heating</h2>')
    factors = pd.DataFrame({str(n): ds["district_heating_emission_factor"].sel(scenario=n).to_pandas()
                            for n in ([baseline] if base is not None else []) + [scenario]})
    body.append(draw("district_heat_factor", lambda: plot_district_heat_factor(factors),
                     f"CO2 per kWh of district heat delivered, {first}–{last} [g/kWh]"
                     + (": computed by the network dispatch." if "heat_production" in one
                        else ": the scenario's trajectory (no network model)."),
                     "CO2 factor of district heat by year"))
    if "heat_production" in one:
        at = one.sel(year=last)
        units = [str(u) for u in one["heat_unit"].values]
        colors = heat_unit_colors(units, [str(k) for k in one["heat_unit_kind"].values])
        index = pd.date_range("2001-01-01", periods=at.sizes["hour"], freq="h")  # a common year, for the dates
        production = pd.DataFrame(at["heat_production"].to_numpy(), index=index, columns=units)
        week = week_starting(WINTER_WEEK_DAY, len(index))
        body.append(draw("heat_week_winter",
                         lambda: plot_heat_week(production.iloc[week], at["network_heat_demand"].to_numpy()[week],
                                                at["heat_storage_level"].to_numpy()[week], colors,
                                                title=f"District-heating production, a winter week: {scenario} {last}"),
                         f"Hourly heat production of the district-heating network by unit in a winter week of {last} "
                         "(stacked), the demand with the network loss (line) and the heat stored (dotted, right) "
                         "[MW, MWh]; more: smartcity supply.",
                         f"District-heating production in a winter week of {scenario}"))
        body.append(draw("heat_duration",
                         lambda: plot_heat_duration(production, colors,
                                                    title=f"Heat duration curve by unit: {scenario} {last}"),
                         f"The network's hours of {last} sorted by its production, each with its mix of units [MW].",
                         f"Heat duration curve by unit of {scenario}"))
    body.append("</section>")

    # --- modal split
    body.append('<section id="mobility"><h2>Modal split</h2>')
    if "mode_share" in one:
        shares = one["mode_share"].to_pandas()
        base_shares = base["mode_share"].to_pandas() if base is not None and "mode_share" in base else None
        body.append(draw("modal_split",
                         lambda: plot_modal_split(shares, base_shares, scenario=scenario, baseline=baseline),
                         f"Share of the district's trips by main mode, {first}–{last} [%].",
                         f"Modal split of {scenario}"))
    else:
        body.append(note("No modal split: the results hold no transport model (variable mode_share)."))
    body.append("</section>")

    # --- uncertainty
    if sweep is not None:
        body.append(_uncertainty_section(sweep, scenario, draw))

    # --- inputs and sources
    body.append('<section id="inputs"><h2>Inputs and sources</h2>')
    if "resolved_scenario" in one:
        text = str(one["resolved_scenario"].item())
        try:
            key, every = key_inputs(text), scenario_quantities(text)
        except (SmartcityError, tomllib.TOMLDecodeError):
            key, every = None, None
        if key is not None:
            body.append("<p>Key inputs of the resolved scenario with their units and sources; values marked "
                        "(assumption) are flagged in the scenario file with the reason given.</p>")
            if "outdoor_air_temperature" in one and one["outdoor_air_temperature"].attrs.get("source"):
                weather = str(one["weather_name"].item()) if "weather_name" in one else "weather year"
                body.append(f"<p>Weather: {html.escape(weather)} "
                            f"({html.escape(str(one['outdoor_air_temperature'].attrs['source']))}).</p>")
            body.append(_inputs_html(key, every))
        else:
            body.append(note("The resolved scenario stored in the results could not be read."))
    else:
        body.append(note("The results hold no resolved scenario (variable resolved_scenario)."))
    body.append("</section>")

    created = _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    page = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>CO2 report: {html.escape(scenario)} {first}–{last}</title>",
        f"<style>{PAGE_CSS}</style>",
        "</head>",
        "<body>",
        *header,
        *body,
        f'<p class="generated">Report written {created} by smartcity.report from the results above.</p>',
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(page)
