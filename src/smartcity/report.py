"""Plots and the HTML report of one scenario.

:func:`write_report` turns a results Dataset (``smartcity run``) into a folder a planner can
open in any browser, without network access::

    out_dir/report.html          inline CSS, no scripts, no external resources
    out_dir/figures/<name>.png   the figures the page shows
    out_dir/figures/<name>.svg   the same figures as vector graphics (linked under each figure)

The page holds, for one scenario and the baseline it is compared with: a header that traces
it to the run (scenario name and description, year span, resolved-scenario SHA-256, package
version, time of the run); the KPI table (given, or a small built-in summary); the figures;
and the key inputs with their units and sources, read from the resolved scenario stored in
the results.

Figures (one ``plot_*`` function each, on plain pandas/numpy data, returning a
:class:`matplotlib.figure.Figure`; pyplot is never used, so no window and no global state):

1. :func:`plot_co2_trajectory` -- CO2 by Covenant of Mayors sector over the years (stacked
   areas) with the baseline's total as a line;
2. :func:`plot_measure_wedges` -- the scenario's emissions without its measures, less the
   reduction of each measure alone (add-one) and the interaction remainder, down to the
   scenario's emissions;
3. :func:`plot_abatement_curve` -- the marginal abatement cost curve (bar width = tonnes
   avoided per year, height = cost per tonne), from ``curve`` or the fallback
   :func:`abatement_curve_fallback`;
4. :func:`plot_electricity_duration` and :func:`plot_grid_import_heatmap` -- the hourly
   electricity balance of the last year (duration curves of demand, charging, PV, import,
   export; day-by-hour map of grid import);
5. :func:`plot_modal_split` -- the modal split over the years (only when the results hold
   the transport model).

Figures that need something the results do not hold (no baseline, no measures, no transport)
are left out with a note saying why. Colours are fixed per sector, mode and measure, so the
same thing has the same colour in every figure.

Output is deterministic: the same Dataset gives the same figure files and the same HTML
bytes, apart from the one line that states when the report was written. Files are written
atomically: everything goes to a hidden temporary folder in ``out_dir`` first; the figures
folder is then moved into place and ``report.html`` last, in one step, so an interrupted
report never leaves a partial ``report.html``, and an existing report is only replaced with
``force=True``.
"""

from __future__ import annotations

import datetime as _dt
import html
import math
import os
import shutil
import tempfile
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from smartcity.errors import SmartcityError
from smartcity.results import OutputExistsError

__all__ = [
    "write_report",
    "plot_co2_trajectory",
    "plot_measure_wedges",
    "plot_abatement_curve",
    "plot_electricity_duration",
    "plot_grid_import_heatmap",
    "plot_modal_split",
    "abatement_curve_fallback",
    "summary_table",
    "key_inputs",
    "scenario_quantities",
    "table_html",
    "save_figure",
    "measure_colors",
    "SECTOR_COLORS",
    "MODE_COLORS",
    "REPORT_FILE",
    "FIGURE_FOLDER",
]

#: Name of the report page inside the output folder.
REPORT_FILE = "report.html"
#: Folder of the figure files, relative to the report page.
FIGURE_FOLDER = "figures"

#: Colour of each Covenant of Mayors sector in every figure (Tableau 10).
SECTOR_COLORS: dict[str, str] = {
    "residential": "#4e79a7",
    "tertiary": "#f28e2b",
    "municipal": "#59a14f",
    "transport": "#e15759",
}

#: Colour of each main mode of travel in every figure (cars red, public transport blue,
#: cycling green, walking yellow).
MODE_COLORS: dict[str, str] = {
    "car_driver": "#e15759",
    "car_passenger": "#ff9d9a",
    "bus": "#4e79a7",
    "brt": "#a0cbe8",
    "bike": "#59a14f",
    "ebike": "#8cd17d",
    "walk": "#f1ce63",
}

_FALLBACK_COLORS = ("#76b7b2", "#b07aa1", "#9c755f", "#bab0ac", "#d37295", "#86bcb6", "#499894", "#fabfd2")
_INTERACTION_COLOR = "#7f7f7f"
_BALANCE_COLORS = {
    "demand": "#222222",
    "charging": "#b07aa1",
    "pv": "#f28e2b",
    "import": "#e15759",
    "export": "#59a14f",
    "baseline": "#7f7f7f",
}
_DPI = 150
#: rcParams applied while saving, so SVG files do not change from one call to the next.
_SAVE_RC = {"svg.hashsalt": "smartcity-report", "svg.fonttype": "path", "savefig.dpi": _DPI}
_TRANSPORT_DIMS = ("mode", "vehicle", "powertrain", "zone", "link", "line")


# --------------------------------------------------------------------------------------------
# colours and figure files
# --------------------------------------------------------------------------------------------


def _colors_for(names: Iterable[str], known: Mapping[str, str]) -> dict[str, str]:
    """Known colours for known names; the others take fallback colours in order of appearance."""
    colors, k = {}, 0
    for name in names:
        if name in known:
            colors[name] = known[name]
        else:
            colors[name] = _FALLBACK_COLORS[k % len(_FALLBACK_COLORS)]
            k += 1
    return colors


def measure_colors(measures: Sequence[str]) -> dict[str, str]:
    """One colour per measure, fixed by the measure's position in ``measures``.

    Parameters
    ----------
    measures : sequence of str
        Measure identifiers in a fixed order (the results' ``measure`` coordinate), so
        the wedge chart and the abatement curve give each measure the same colour.

    Returns
    -------
    dict
        Measure identifier -> hex colour (matplotlib's ``tab20``, cycled past 20 measures).
    """
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    cmap = colormaps["tab20"]
    return {m: to_hex(cmap(i % 20)) for i, m in enumerate(measures)}


def _new_figure(width: float = 9.0, height: float = 5.0):
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def save_figure(fig, folder: str | Path, name: str) -> tuple[Path, Path]:
    """Save a figure as ``name.png`` and ``name.svg``, byte for byte reproducibly.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure.
    folder : str or Path
        Target folder (created if needed).
    name : str
        File name without extension.

    Returns
    -------
    tuple of Path
        The PNG and the SVG file.

    Notes
    -----
    The SVG's element ids come from ``svg.hashsalt`` (fixed here) and its date metadata
    is left out; the PNG carries no time stamp. Same figure, same bytes.
    """
    import matplotlib

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    png, svg = folder / f"{name}.png", folder / f"{name}.svg"
    with matplotlib.rc_context(_SAVE_RC):
        fig.savefig(png, format="png", dpi=_DPI, metadata={"Software": None})
        fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": None})
    return png, svg


def _finish_legend(ax, *, reverse_after: int | None = None, **kwargs) -> None:
    """A legend if anything is labelled.

    ``reverse_after=n`` keeps the first ``n`` entries (lines) and lists the rest (stacked
    areas, drawn bottom first) in reverse, so the legend reads like the stack, top first.
    """
    handles, labels = ax.get_legend_handles_labels()
    if reverse_after is not None:
        n = reverse_after
        handles, labels = handles[:n] + handles[n:][::-1], labels[:n] + labels[n:][::-1]
    if handles:
        ax.legend(handles, labels, **kwargs)


def _thousands(axis) -> None:
    """Tick labels with thousands separators (12,000 rather than 12000)."""
    from matplotlib.ticker import StrMethodFormatter

    axis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))


# --------------------------------------------------------------------------------------------
# figures
# --------------------------------------------------------------------------------------------


def plot_co2_trajectory(
    co2_by_sector: pd.DataFrame,
    baseline_total: pd.Series | None = None,
    *,
    scenario: str = "scenario",
    baseline: str = "baseline",
    colors: Mapping[str, str] | None = None,
):
    """CO2 emissions by sector over the years: stacked areas, baseline total as a line.

    Parameters
    ----------
    co2_by_sector : pandas.DataFrame
        Emissions of the scenario, index year, one column per sector. [t/a]
    baseline_total : pandas.Series, optional
        Total emissions of the baseline by year; drawn as a dashed line when given. [t/a]
    scenario, baseline : str
        Names for the title and legend.
    colors : mapping, optional
        Sector -> colour; defaults to :data:`SECTOR_COLORS`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    years = co2_by_sector.index.to_numpy()
    palette = _colors_for(co2_by_sector.columns, colors or SECTOR_COLORS)
    fig = _new_figure()
    ax = fig.add_subplot()
    values = co2_by_sector.to_numpy(dtype=float).T
    if baseline_total is not None:
        ax.plot(baseline_total.index.to_numpy(), baseline_total.to_numpy(dtype=float), color="black",
                linewidth=1.5, linestyle="--", label=f"{baseline}, total")
    ax.plot(years, values.sum(axis=0), color="black", linewidth=1.5, label=f"{scenario}, total")
    ax.stackplot(years, values, labels=[str(c) for c in co2_by_sector.columns],
                 colors=[palette[c] for c in co2_by_sector.columns], alpha=0.9, linewidth=0)
    ax.set_xlabel("year [a]")
    ax.set_ylabel("CO2 emissions [t/a]")
    ax.set_title(f"CO2 emissions by sector: {scenario}" + (f" vs {baseline}" if baseline_total is not None else ""))
    ax.set_xlim(years.min(), years.max())
    ax.set_ylim(bottom=min(0.0, float(values.min())))
    ax.xaxis.get_major_locator().set_params(integer=True)
    _thousands(ax.yaxis)
    ax.grid(True, alpha=0.3)
    _finish_legend(ax, reverse_after=1 if baseline_total is None else 2, loc="upper left",
                   bbox_to_anchor=(1.01, 1.0), frameon=False)
    return fig


def plot_measure_wedges(
    without_measures: pd.Series,
    reductions: pd.DataFrame,
    interaction: pd.Series | None = None,
    *,
    scenario_total: pd.Series | None = None,
    baseline_total: pd.Series | None = None,
    scenario: str = "scenario",
    baseline: str = "baseline",
    colors: Mapping[str, str] | None = None,
):
    """Wedge chart: emissions without measures, less each measure's reduction.

    From the emissions without any of the scenario's measures, the reduction of each measure
    applied alone (add-one attribution) is stacked downwards, largest (in the last year)
    first; the interaction remainder (all measures together minus the sum of the single
    ones) closes the gap to the scenario's emissions. Positive parts are stacked down from
    the top, negative parts (an interaction that takes back part of the single reductions,
    or a measure that raises emissions) are hatched and stacked back up, so the stack ends
    on the scenario line: without - sum(single reductions) - interaction = scenario.

    Parameters
    ----------
    without_measures : pandas.Series
        Emissions without the scenario's measures, by year. [t/a]
    reductions : pandas.DataFrame
        Reduction of each measure alone, index year, one column per measure. [t/a]
    interaction : pandas.Series, optional
        Reduction of all measures together minus the sum of the single ones, by year;
        zero if not given. [t/a]
    scenario_total : pandas.Series, optional
        Emissions of the scenario by year, drawn as a solid line; defaults to
        ``without_measures - reductions.sum(axis=1) - interaction``. [t/a]
    baseline_total : pandas.Series, optional
        Emissions of the baseline scenario, drawn dotted when given; when it equals
        ``without_measures`` (a scenario that adds only measures to its baseline) the
        dashed line is labelled as both instead. [t/a]
    scenario, baseline : str
        Names for the title and legend.
    colors : mapping, optional
        Measure -> colour; defaults to :func:`measure_colors` in column order.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib.patches import Patch

    years = without_measures.index.to_numpy()
    top = without_measures.to_numpy(dtype=float)
    red = reductions.reindex(index=without_measures.index).fillna(0.0)
    inter = (pd.Series(0.0, index=without_measures.index) if interaction is None
             else interaction.reindex(without_measures.index).fillna(0.0))
    if scenario_total is None:
        scenario_total = without_measures - red.sum(axis=1) - inter
    palette = dict(colors) if colors is not None else measure_colors(list(red.columns))
    for m in red.columns:
        palette.setdefault(m, _FALLBACK_COLORS[len(palette) % len(_FALLBACK_COLORS)])
    order = list(red.iloc[-1].sort_values(ascending=False, kind="stable").index) if len(red) else []
    parts = [(m, red[m].to_numpy(dtype=float), palette[m]) for m in order]
    parts.append(("interaction", inter.to_numpy(dtype=float), _INTERACTION_COLOR))

    fig = _new_figure(10.0, 5.5)
    ax = fig.add_subplot()
    level = top.copy()
    for name, values, color in parts:  # positive parts, down from the top
        pos = np.maximum(values, 0.0)
        if not pos.any():
            continue
        ax.fill_between(years, level - pos, level, color=color, linewidth=0, alpha=0.9)
        level = level - pos
    for name, values, color in parts:  # negative parts, back up
        neg = np.maximum(-values, 0.0)
        if not neg.any():
            continue
        ax.fill_between(years, level, level + neg, facecolor="none", edgecolor=color, hatch="///", linewidth=0)
        level = level + neg
    same = (baseline_total is not None and baseline_total.index.equals(without_measures.index)
            and np.allclose(baseline_total.to_numpy(dtype=float), top, rtol=1e-9, atol=1e-6))
    ax.plot(years, top, color="black", linewidth=1.2, linestyle="--",
            label=f"{scenario} without its measures" + (f" (= {baseline})" if same else ""))
    if baseline_total is not None and not same:
        ax.plot(baseline_total.index.to_numpy(), baseline_total.to_numpy(dtype=float), color="black",
                linewidth=1.2, linestyle=":", label=f"{baseline}")
    ax.plot(scenario_total.index.to_numpy(), scenario_total.to_numpy(dtype=float), color="black",
            linewidth=2.0, label=f"{scenario}")
    handles, labels = ax.get_legend_handles_labels()
    last = {name: values[-1] for name, values, _ in parts} if len(years) else {}
    for name, values, color in parts:
        if not np.any(values):
            continue
        hatch = "///" if np.any(values < 0) else None
        patch = (Patch(facecolor="none", edgecolor=color, hatch=hatch) if hatch and name == "interaction"
                 else Patch(facecolor=color, edgecolor=color if hatch is None else "black", hatch=hatch))
        handles.append(patch)
        labels.append(f"{name} ({last[name]:,.0f} t/a)")
    ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize="small",
              title=f"reduction in {years[-1]}" if len(years) else None, title_fontsize="small")
    ax.set_xlabel("year [a]")
    ax.set_ylabel("CO2 emissions [t/a]")
    ax.set_title(f"CO2 reduction by measure (each alone; interaction remainder): {scenario}")
    ax.set_xlim(years.min(), years.max())
    ax.set_ylim(bottom=0.0)
    ax.xaxis.get_major_locator().set_params(integer=True)
    _thousands(ax.yaxis)
    ax.grid(True, alpha=0.3)
    return fig


def plot_abatement_curve(
    curve: pd.DataFrame,
    *,
    colors: Mapping[str, str] | None = None,
    title: str | None = None,
):
    """Marginal abatement cost curve: one bar per measure, cheapest first.

    Parameters
    ----------
    curve : pandas.DataFrame
        Columns ``measure``, ``abatement_t`` (width) [t/a], ``cost_eur_per_t`` (height)
        [EUR/t] and ``cumulative_t`` (left edge of each bar) [t/a], sorted by cost.
    colors : mapping, optional
        Measure -> colour; defaults to :func:`measure_colors` in row order.
    title : str, optional
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
        Each bar is numbered in cost order above (or below, if negative) its top; the
        legend names the numbers with abatement and cost.
    """
    measures = [str(m) for m in curve["measure"]]
    palette = dict(colors) if colors is not None else measure_colors(measures)
    for m in measures:
        palette.setdefault(m, _FALLBACK_COLORS[len(palette) % len(_FALLBACK_COLORS)])
    left = curve["cumulative_t"].to_numpy(dtype=float)
    width = curve["abatement_t"].to_numpy(dtype=float)
    height = curve["cost_eur_per_t"].to_numpy(dtype=float)
    fig = _new_figure(10.0, 5.5)
    ax = fig.add_subplot()
    for i, m in enumerate(measures):
        ax.bar(left[i], height[i], width=width[i], align="edge", color=palette[m], edgecolor="white",
               linewidth=0.5, label=f"{i + 1} {m} ({width[i]:,.0f} t/a, {height[i]:,.0f} EUR/t)")
        ax.annotate(str(i + 1), (left[i] + width[i] / 2, height[i]), xytext=(0, 2 if height[i] >= 0 else -2),
                    textcoords="offset points", ha="center", va="bottom" if height[i] >= 0 else "top",
                    fontsize="x-small")
    ax.axhline(0.0, color="black", linewidth=0.8)
    if len(measures):
        ax.set_xlim(min(0.0, float(left.min())), float((left + width).max()))
    ax.set_xlabel("CO2 abatement, cumulative [t/a]")
    ax.set_ylabel("abatement cost [EUR/t]")
    _thousands(ax.xaxis)
    _thousands(ax.yaxis)
    ax.set_title(title or "Marginal abatement cost curve")
    ax.grid(True, axis="y", alpha=0.3)
    _finish_legend(ax, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize="x-small",
                   title="measure (abatement, cost)", title_fontsize="small")
    return fig


def plot_electricity_duration(
    demand_kw: np.ndarray,
    pv_kw: np.ndarray,
    grid_import_kw: np.ndarray,
    grid_export_kw: np.ndarray,
    *,
    charging_kw: np.ndarray | None = None,
    baseline_import_kw: np.ndarray | None = None,
    title: str | None = None,
):
    """Duration curves of the hourly electricity balance.

    Each series is sorted from its highest to its lowest hour, so the curves show how many
    hours of the year a power is reached, not when.

    Parameters
    ----------
    demand_kw : array_like
        Hourly electricity demand, vehicle charging included. [kW]
    pv_kw : array_like
        Hourly rooftop PV output. [kW]
    grid_import_kw, grid_export_kw : array_like
        Hourly electricity drawn from and fed into the grid. [kW]
    charging_kw : array_like, optional
        Hourly charging of electric cars and buses (part of ``demand_kw``). [kW]
    baseline_import_kw : array_like, optional
        The baseline's hourly grid import, for comparison. [kW]
    title : str, optional
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig = _new_figure()
    ax = fig.add_subplot()
    series = [("demand incl. charging", demand_kw, "demand", "-")]
    if charging_kw is not None:
        series.append(("EV and bus charging", charging_kw, "charging", "-"))
    series += [("rooftop PV", pv_kw, "pv", "-"), ("grid import", grid_import_kw, "import", "-"),
               ("grid export", grid_export_kw, "export", "-")]
    if baseline_import_kw is not None:
        series.append(("grid import, baseline", baseline_import_kw, "baseline", "--"))
    for label, values, key, style in series:
        values = np.sort(np.asarray(values, dtype=float))[::-1]
        hours = np.arange(1, len(values) + 1)
        ax.plot(hours, values, color=_BALANCE_COLORS[key], linestyle=style, linewidth=1.4,
                label=f"{label} ({values.sum() / 1e3:,.0f} MWh/a, peak {values[0]:,.0f} kW)" if len(values) else label)
    ax.set_xlabel("hours of the year at or above the power [h]")
    ax.set_ylabel("power [kW]")
    ax.set_title(title or "Hourly electricity balance: duration curves")
    ax.set_xlim(0, max(len(np.asarray(demand_kw)), 1))
    ax.set_ylim(bottom=0.0)
    _thousands(ax.xaxis)
    _thousands(ax.yaxis)
    ax.grid(True, alpha=0.3)
    _finish_legend(ax, loc="upper right", fontsize="small")
    return fig


def plot_grid_import_heatmap(grid_import_kw: np.ndarray, *, title: str | None = None):
    """Grid import by day of the year and hour of the day.

    Parameters
    ----------
    grid_import_kw : array_like
        Hourly electricity drawn from the grid, starting 1 January 00:00; a trailing
        partial day is left out. [kW]
    title : str, optional
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
        Hour of the day on x, day of the year on y, colour bar in kW.
    """
    values = np.asarray(grid_import_kw, dtype=float)
    days = len(values) // 24
    grid = values[: days * 24].reshape(days, 24)
    fig = _new_figure(8.0, 5.5)
    ax = fig.add_subplot()
    image = ax.imshow(grid, aspect="auto", origin="lower", cmap="viridis", interpolation="nearest",
                      extent=(0, 24, 1, days + 1))
    cbar = fig.colorbar(image, ax=ax)
    cbar.set_label("grid import [kW]")
    ax.set_xticks(range(0, 25, 3))
    ax.set_xlabel("hour of the day [h]")
    ax.set_ylabel("day of the year [d]")
    ax.set_title(title or "Grid import by day and hour")
    return fig


def plot_modal_split(
    shares: pd.DataFrame,
    baseline_shares: pd.DataFrame | None = None,
    *,
    scenario: str = "scenario",
    baseline: str = "baseline",
    colors: Mapping[str, str] | None = None,
):
    """Modal split over the years as stacked shares, beside the baseline's if given.

    Parameters
    ----------
    shares : pandas.DataFrame
        Share of trips by main mode, index year, one column per mode; each row sums to 1. [1]
    baseline_shares : pandas.DataFrame, optional
        The same for the baseline, drawn in a second panel. [1]
    scenario, baseline : str
        Panel titles.
    colors : mapping, optional
        Mode -> colour; defaults to :data:`MODE_COLORS`.

    Returns
    -------
    matplotlib.figure.Figure
        Shares in percent of trips.
    """
    panels = [(scenario, shares)] + ([(baseline, baseline_shares)] if baseline_shares is not None else [])
    palette = _colors_for(shares.columns, colors or MODE_COLORS)
    fig = _new_figure(10.0 if len(panels) > 1 else 8.0, 4.8)
    axes = fig.subplots(1, len(panels), sharey=True, squeeze=False)[0]
    for ax, (name, frame) in zip(axes, panels):
        frame = frame.reindex(columns=shares.columns).fillna(0.0)
        years = frame.index.to_numpy()
        ax.stackplot(years, 100.0 * frame.to_numpy(dtype=float).T, labels=[str(c) for c in frame.columns],
                     colors=[palette[c] for c in frame.columns], linewidth=0)
        ax.set_title(name)
        ax.set_xlabel("year [a]")
        ax.set_ylabel("share of trips [%]")
        ax.set_xlim(years.min(), years.max())
        ax.set_ylim(0.0, 100.0)
        ax.xaxis.get_major_locator().set_params(integer=True)
    _finish_legend(axes[-1], reverse_after=0, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False,
                   title="mode")
    fig.suptitle("Modal split (main mode of trips)")
    return fig


# --------------------------------------------------------------------------------------------
# tables from the results
# --------------------------------------------------------------------------------------------


def plot_uncertainty_band(bands: Mapping[str, pd.DataFrame], *, unit: str = "t/a", title: str | None = None):
    """Fan chart: the median of a KPI over the years with its P10–P90 band, per scenario.

    Parameters
    ----------
    bands : mapping of scenario -> DataFrame
        Index: years; columns ``P10``, ``P50``, ``P90`` [``unit``].
    unit : str
        Unit of the values, for the axis label.
    title : str, optional
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig = _new_figure()
    ax = fig.add_subplot()
    colors = ["#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3"]
    for n, (name, frame) in enumerate(bands.items()):
        color = colors[n % len(colors)]
        years = frame.index.to_numpy()
        ax.fill_between(years, frame["P10"], frame["P90"], color=color, alpha=0.25, linewidth=0,
                        label=f"{name}: P10–P90")
        ax.plot(years, frame["P50"], color=color, linewidth=2, label=f"{name}: median")
    ax.set_xlabel("year")
    ax.set_ylabel(f"[{unit}]")
    _thousands(ax.yaxis)
    ax.grid(axis="y", alpha=0.3)
    if title:
        ax.set_title(title)
    _finish_legend(ax, frameon=False)
    return fig


def plot_tornado(table: pd.DataFrame, *, title: str | None = None, top: int = 10):
    """Tornado chart of Sobol' indices: total (bar, with its interval) and first-order (marker) per input.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`smartcity.kpi.uncertainty.sensitivity_table`: index inputs, columns ``S1``,
        ``ST``, ``ST_low``, ``ST_high`` [1], sorted by ``ST``.
    title : str, optional
        Figure title.
    top : int
        Inputs shown (the largest total indices).

    Returns
    -------
    matplotlib.figure.Figure
    """
    shown = table.head(top).iloc[::-1]
    fig = _new_figure(9.0, 1.2 + 0.45 * len(shown))
    ax = fig.add_subplot()
    y = np.arange(len(shown))
    st = shown["ST"].to_numpy()
    err = np.vstack([np.clip(st - shown["ST_low"].to_numpy(), 0, None),
                     np.clip(shown["ST_high"].to_numpy() - st, 0, None)])
    err = np.where(np.isfinite(err), err, 0.0)
    ax.barh(y, st, color="#4c72b0", alpha=0.8, label="total index ST (bootstrap interval)", xerr=err,
            error_kw={"ecolor": "#333333", "capsize": 3, "linewidth": 1})
    ax.plot(shown["S1"].to_numpy(), y, "D", color="#dd8452", label="first-order index S1")
    ax.set_yticks(y, [str(i) for i in shown.index])
    ax.set_xlabel("share of the output variance [1]")
    ax.set_xlim(left=min(0.0, float(np.nanmin(shown["S1"].to_numpy(), initial=0.0))))
    ax.grid(axis="x", alpha=0.3)
    if title:
        ax.set_title(title)
    _finish_legend(ax, frameon=False, loc="lower right")
    return fig


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


def _year_weights(years: np.ndarray) -> np.ndarray:
    """Calendar years each simulated year stands for (up to the next simulated year; 1 for the last)."""
    years = np.asarray(years, dtype=float)
    return np.append(np.diff(years), 1.0) if len(years) else years


def summary_table(ds: xr.Dataset, scenario: str, baseline: str | None = "baseline") -> pd.DataFrame:
    """The built-in summary of the report when no KPI table is given.

    Parameters
    ----------
    ds : xarray.Dataset
        Results of ``smartcity run``.
    scenario : str
        The scenario of the report.
    baseline : str, optional
        The scenario it is compared with; left out when ``None``, equal to ``scenario`` or
        not in the results.

    Returns
    -------
    pandas.DataFrame
        Columns ``id``, ``name``, ``unit`` and one column ``"<scenario> <year>"`` for the first
        and last simulated year of the baseline (if any) and the scenario. Rows: total CO2 and
        CO2 by sector [t/a], final energy [MWh/a], the reduction against the baseline [t/a, %],
        the change against the first year [%], the cumulative reduction against the baseline
        over the simulated period [t] and the cumulative investment in measures [EUR].
        ``attrs["footer"]`` traces the table to the run.

    Notes
    -----
    Cumulative values weight each simulated year by the calendar years it stands for (up to
    the next simulated year), so a run with ``year_step > 1`` is not undercounted.
    """
    one = _select(ds, scenario)
    base = None
    if baseline is not None and baseline != scenario and baseline in [str(s) for s in ds["scenario"].values]:
        base = _select(ds, baseline)
    years = one["year"].to_numpy()
    ends = [int(years[0]), int(years[-1])] if len(years) > 1 else [int(years[0])]
    runs = ([(baseline, base)] if base is not None else []) + [(scenario, one)]
    sectors = [str(s) for s in one["sector"].values]
    rows: list[dict] = [
        {"id": "co2_total", "name": "CO2 emissions, all sectors", "unit": "t/a"},
        *({"id": f"co2_{s}", "name": f"CO2 emissions, {s}", "unit": "t/a"} for s in sectors),
        {"id": "final_energy_total", "name": "final energy, all sectors and carriers", "unit": "MWh/a"},
    ]
    if base is not None:
        rows += [
            {"id": "co2_reduction_vs_baseline", "name": f"CO2 reduction against {baseline}", "unit": "t/a"},
            {"id": "co2_reduction_vs_baseline_pct", "name": f"CO2 reduction against {baseline}", "unit": "%"},
            {"id": "co2_reduction_cumulative", "name": f"CO2 reduction against {baseline}, cumulative since "
                                                       f"{ends[0]}", "unit": "t"},
        ]
    rows += [
        {"id": "co2_change_vs_first_year", "name": f"CO2 change against {ends[0]}", "unit": "%"},
        {"id": "investment_cumulative", "name": "investment in measures, cumulative", "unit": "EUR"},
    ]
    table = pd.DataFrame(rows)
    weights = _year_weights(years)
    base_total = _total(base) if base is not None else None
    for name, run in runs:
        total = _total(run)
        by_sector = run["co2"].sum("carrier").to_pandas()
        final = run["final_energy"].sum(("sector", "carrier")).to_pandas()
        invest = (run["measure_investment"].fillna(0.0).sum("measure").to_pandas()
                  if "measure_investment" in run else pd.Series(0.0, index=total.index))
        for year in ends:
            values = {"co2_total": total[year], "final_energy_total": final[year],
                      "co2_change_vs_first_year": 100.0 * (total[year] / total[ends[0]] - 1.0)
                      if total[ends[0]] else np.nan,
                      "investment_cumulative": float(invest.loc[:year].sum())}
            values.update({f"co2_{s}": by_sector.loc[year, s] for s in sectors})
            if base_total is not None and run is not base:
                cut = total.index <= year
                diff = base_total - total
                values.update({
                    "co2_reduction_vs_baseline": diff[year],
                    "co2_reduction_vs_baseline_pct": 100.0 * diff[year] / base_total[year] if base_total[year] else np.nan,
                    "co2_reduction_cumulative": float(np.sum(diff.to_numpy()[cut] * weights[cut])),
                })
            table[f"{name} {year}"] = table["id"].map(values).astype(float)
    table.attrs["footer"] = _footer(ds, scenario, baseline if base is not None else None)
    return table


def _footer(ds: xr.Dataset, scenario: str, baseline: str | None) -> str:
    from smartcity import __version__

    version = ds.attrs.get("smartcity_version", __version__)
    parts = [f"scenario {scenario}, resolved-scenario SHA-256 {_short_hash(ds, scenario)}"]
    if baseline is not None:
        parts.append(f"baseline {baseline}, {_short_hash(ds, baseline)}")
    parts.append(f"smartcity {version}")
    if "created_utc" in ds.attrs:
        parts.append(f"run {ds.attrs['created_utc']}")
    return "; ".join(parts)


def _short_hash(ds: xr.Dataset, scenario: str) -> str:
    if "scenario_sha256" not in ds:
        return "unknown"
    return str(ds["scenario_sha256"].sel(scenario=scenario).item())[:12]


def abatement_curve_fallback(ds: xr.Dataset, scenario: str, year: int | None = None) -> pd.DataFrame:
    """A simple marginal abatement cost curve straight from the results.

    The report uses it when no curve (from the KPI module) is given. Cost per tonne is the
    measure's annual cost (annualised investment plus operation and maintenance,
    ``measure_annual_cost``) divided by its reduction applied alone
    (``co2_reduction_by_measure``), both in ``year``.

    Parameters
    ----------
    ds : xarray.Dataset
        Results of ``smartcity run``.
    scenario : str
        The scenario.
    year : int, optional
        The year of both figures; defaults to the last simulated year.

    Returns
    -------
    pandas.DataFrame
        Columns ``measure``, ``abatement_t`` [t/a], ``cost_eur_per_t`` [EUR/t],
        ``cumulative_t`` (left edge of each bar) [t/a] and ``annual_cost_eur`` [EUR/a],
        sorted by cost (ties by measure). ``attrs["excluded"]`` lists measures left out
        because they avoid nothing in ``year`` (reduction <= 0), with their reduction.

    Notes
    -----
    A fallback, not the KPI definition: energy-cost savings are not netted off (the cost is
    gross), and the widths are add-one reductions, whose sum differs from the scenario's
    total reduction by the interaction remainder.
    """
    one = _select(ds, scenario)
    measures = _measures_of(one)
    if year is None:
        year = int(one["year"].values[-1])
    columns = ["measure", "abatement_t", "cost_eur_per_t", "cumulative_t", "annual_cost_eur"]
    if not measures:
        frame = pd.DataFrame({c: pd.Series(dtype=float if c != "measure" else object) for c in columns})
        frame.attrs["excluded"] = {}
        return frame
    at = one.sel(year=year, measure=measures)
    reduction = at["co2_reduction_by_measure"].to_pandas().astype(float)
    cost = (at["measure_annual_cost"].to_pandas().astype(float).fillna(0.0) if "measure_annual_cost" in at
            else pd.Series(np.nan, index=reduction.index))
    ok = reduction > 0
    frame = pd.DataFrame({
        "measure": reduction.index[ok].astype(str),
        "abatement_t": reduction[ok].to_numpy(),
        "cost_eur_per_t": (cost[ok] / reduction[ok]).to_numpy(),
        "annual_cost_eur": cost[ok].to_numpy(),
    })
    frame = frame.sort_values(["cost_eur_per_t", "measure"], kind="stable").reset_index(drop=True)
    frame.insert(3, "cumulative_t", np.concatenate([[0.0], np.cumsum(frame["abatement_t"].to_numpy())[:-1]]))
    frame.attrs["excluded"] = {str(m): float(v) for m, v in reduction[~ok].items()}
    frame.attrs["year"] = year
    return frame


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
        and electricity emission factors and network loss, then for each enabled measure its
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
    for key in ("supply.district_heating.emission_factor", "supply.district_heating.network_loss",
                "supply.electricity.emission_factor"):
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


def _fmt_number(x: float) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    if isinstance(x, bool | np.bool_):
        return str(bool(x)).lower()
    if isinstance(x, int | np.integer):
        return f"{int(x):,}"
    x = float(x)
    if math.isinf(x):
        return "∞" if x > 0 else "−∞"
    a = abs(x)
    if a == 0.0:
        return "0"
    if a >= 100.0:
        text = f"{x:,.0f}"
    elif a >= 10.0:
        text = f"{x:,.1f}"
    elif a >= 0.01:
        text = f"{x:.2f}"
    else:
        text = f"{x:.3g}"
    return "0" if text in ("-0", "-0.0", "-0.00") else text


def _cell(value: object) -> tuple[str, bool]:
    """Escaped cell text and whether it is a number."""
    if isinstance(value, float | int | np.floating | np.integer) and not isinstance(value, bool | np.bool_):
        return html.escape(_fmt_number(value)), True
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–", False
    try:
        if pd.isna(value):
            return "–", False
    except (TypeError, ValueError):
        pass
    return html.escape(str(value)), False


def _header(label: object) -> str:
    if isinstance(label, tuple):
        return " ".join(str(p) for p in label if str(p) != "")
    return str(label)


def table_html(df: pd.DataFrame, *, caption: str | None = None, footer: str | None = None,
               css_class: str = "kpi") -> str:
    """Render any table as an HTML ``<table>``.

    A named or non-default index becomes leading columns; column labels that are tuples
    (a :class:`pandas.MultiIndex`, e.g. scenario and year) are joined by spaces. A column
    named ``unit`` is shown as ``[unit]``; numbers are right-aligned with thousands
    separators; missing values show as a dash.

    Parameters
    ----------
    df : pandas.DataFrame
        The table.
    caption : str, optional
        Table caption.
    footer : str, optional
        Text under the table; defaults to ``df.attrs.get("footer")``.
    css_class : str
        Class of the ``<table>`` element.

    Returns
    -------
    str
        HTML text.
    """
    frame = df
    if not isinstance(frame.index, pd.RangeIndex) or any(n is not None for n in frame.index.names):
        frame = frame.reset_index()
    footer = footer if footer is not None else frame.attrs.get("footer", df.attrs.get("footer"))
    unit_cols = [c for c in frame.columns if str(_header(c)).strip().lower() in ("unit", "units")]
    out = [f'<table class="{html.escape(css_class)}">']
    if caption:
        out.append(f"<caption>{html.escape(caption)}</caption>")
    out.append("<thead><tr>" + "".join(f'<th scope="col">{html.escape(_header(c))}</th>' for c in frame.columns)
               + "</tr></thead>")
    out.append("<tbody>")
    for row in frame.itertuples(index=False, name=None):
        cells = []
        for col, value in zip(frame.columns, row):
            text, numeric = _cell(value)
            if col in unit_cols and text not in ("", "–"):
                text = f"[{text}]"
            cells.append(f'<td class="num">{text}</td>' if numeric else f"<td>{text}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody>")
    if footer:
        out.append(f'<tfoot><tr><td colspan="{len(frame.columns)}">{html.escape(str(footer))}</td></tr></tfoot>')
    out.append("</table>")
    return "\n".join(out)


#: Style sheet of the HTML reports (also used by the monitoring report).
PAGE_CSS = """
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #222; margin: 0 auto;
       max-width: 1100px; padding: 1.5em 2em 3em; line-height: 1.45; }
header { border-bottom: 3px solid #4e79a7; margin-bottom: 1.5em; }
h1 { margin-bottom: 0.2em; } h2 { margin-top: 2em; border-bottom: 1px solid #ddd; padding-bottom: 0.2em; }
dl.meta { display: grid; grid-template-columns: max-content auto; gap: 0.1em 1em; font-size: 0.92em; }
dl.meta dt { font-weight: 600; } dl.meta dd { margin: 0; }
code, .hash { font-family: "SFMono-Regular", Consolas, "Liberation Mono", monospace; font-size: 0.92em; }
figure { margin: 1em 0 2em; } figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { font-size: 0.9em; color: #444; margin-top: 0.4em; }
table { border-collapse: collapse; font-size: 0.88em; margin: 0.8em 0; }
th, td { border-bottom: 1px solid #e4e4e4; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
thead th { border-bottom: 2px solid #888; background: #f6f6f6; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tfoot td { font-size: 0.85em; color: #555; border-bottom: none; padding-top: 0.5em; }
caption { text-align: left; font-weight: 600; padding-bottom: 0.3em; }
table.inputs td:nth-child(4) { max-width: 38em; }
tr.assumption td:first-child::after { content: " (assumption)"; color: #b05a00; font-size: 0.85em; }
.note { background: #fff8e5; border-left: 4px solid #f1ce63; padding: 0.5em 0.8em; margin: 1em 0; }
.generated { font-size: 0.8em; color: #777; margin-top: 3em; }
details summary { cursor: pointer; color: #4e79a7; }
"""


def _note(text: str) -> str:
    return f'<p class="note">{html.escape(text)}</p>'


def _figure_html(name: str, caption: str, alt: str) -> str:
    png, svg = f"{FIGURE_FOLDER}/{name}.png", f"{FIGURE_FOLDER}/{name}.svg"
    return (f'<figure id="fig-{name}"><img src="{png}" alt="{html.escape(alt)}">'
            f'<figcaption>{html.escape(caption)} <a href="{svg}">SVG</a></figcaption></figure>')


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


def _check_target(out_dir: Path, force: bool) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise SmartcityError(f"{out_dir}: the report folder is a file; choose another folder with -o")
    report, figures = out_dir / REPORT_FILE, out_dir / FIGURE_FOLDER
    if report.is_dir():
        raise SmartcityError(f"{report}: a folder has the report's name; choose another folder with -o")
    if figures.exists() and not figures.is_dir():
        raise SmartcityError(f"{figures}: a file has the figure folder's name; choose another folder with -o")
    if not force and report.exists():
        raise OutputExistsError(f"{report}: a report already exists; pass --force to replace it or choose "
                                "another folder with -o")
    if not force and figures.exists():
        raise OutputExistsError(f"{figures}: the report's figure folder already exists; pass --force to replace "
                                "it or choose another folder with -o")


def _publish(tmp: Path, out_dir: Path, force: bool) -> None:
    """Move ``tmp/figures`` and then ``tmp/report.html`` into ``out_dir``."""
    report, figures = out_dir / REPORT_FILE, out_dir / FIGURE_FOLDER
    if figures.exists():
        if not force:
            raise OutputExistsError(f"{figures}: the report's figure folder already exists; pass --force to replace it")
        os.rename(figures, tmp / "old-figures")  # deleted with the temporary folder
    os.rename(tmp / FIGURE_FOLDER, figures)
    if force:
        os.replace(tmp / REPORT_FILE, report)
        return
    try:
        os.link(tmp / REPORT_FILE, report)  # fails if the name appeared meanwhile: never overwrite
    except FileExistsError:
        shutil.rmtree(figures, ignore_errors=True)
        raise OutputExistsError(f"{report}: a report already exists; pass --force to replace it") from None
    except OSError:  # a file system without hard links
        if report.exists():
            shutil.rmtree(figures, ignore_errors=True)
            raise OutputExistsError(f"{report}: a report already exists; pass --force to replace it") from None
        os.replace(tmp / REPORT_FILE, report)


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
        ``attrs["footer"]`` printed under it). Default: :func:`summary_table`.
    curve : pandas.DataFrame, optional
        Abatement curve (``measure``, ``abatement_t``, ``cost_eur_per_t``,
        ``cumulative_t``), sorted by cost. Default: :func:`abatement_curve_fallback` for the
        last year.
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
    _check_target(out_dir, force)
    created = not out_dir.exists()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{REPORT_FILE}.", suffix=".tmp", dir=out_dir))
    except OSError as exc:
        raise SmartcityError(f"{out_dir}: cannot create the report folder ({exc.strerror})") from None
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o777 & ~umask)
        page = _render(ds, one, scenario, baseline, kpis, curve, tmp / FIGURE_FOLDER, sweep)
        with open(tmp / REPORT_FILE, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(page)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp / REPORT_FILE, 0o666 & ~umask)
        _publish(tmp, out_dir, force)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if created:
            try:
                out_dir.rmdir()  # only if empty: the folder this call made
            except OSError:
                pass
        raise
    shutil.rmtree(tmp, ignore_errors=True)
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
        out.append(_note(f"The sweep holds no KPIs of '{scenario}' (it holds {', '.join(names)})."))
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
        out.append(_note("No Sobol' indices: the sweep is not a Saltelli design (smartcity sweep ... --design "
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
        return _figure_html(name, caption, alt)

    # --- header
    description = str(one["scenario_description"].item()) if "scenario_description" in one else ""
    sha = str(one["scenario_sha256"].item()) if "scenario_sha256" in one else ""
    meta = [
        ("scenario", html.escape(scenario)),
        ("years", f"{first}–{last}"),
        ("resolved scenario", (f'<span class="hash" title="SHA-256 {html.escape(sha)}">'
                               f'{html.escape(sha[:12]) or "unknown"}</span> (first 12 hex of the SHA-256)')),
        ("compared with", html.escape(f"{baseline} ({_short_hash(ds, baseline)})") if base is not None else "no baseline"),
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
        body.append(table_html(summary_table(ds, scenario, baseline if base is not None else None),
                               caption=f"Summary, {first} and {last} (the full KPI tables: smartcity kpi)"))
    if base is None:
        body.append(_note(comparison_note))
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
        body.append(_note("The scenario is shown alone, without a baseline line (see the note above)."))
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
        body.append(_note(f"No wedge chart: the scenario '{scenario}' has no measures (or the results hold no "
                          "per-measure reductions)."))

    # --- abatement curve
    body.append("<h3>Marginal abatement cost curve</h3>")
    fallback = curve is None
    if fallback:
        curve = abatement_curve_fallback(ds, scenario) if measures else None
    if curve is not None and len(curve):
        curve_year = curve.attrs.get("year", last if fallback else None)
        title = f"Marginal abatement cost curve: {scenario}" + (f", {curve_year}" if curve_year is not None else "")
        body.append(draw("abatement_curve", lambda: plot_abatement_curve(curve, colors=m_colors, title=title),
                         "Measures ordered by cost per tonne of CO2 avoided: bar width = abatement [t/a], "
                         "height = cost [EUR/t]."
                         + (f" Fallback curve from the results of {last}: annual cost (annualised investment "
                            "plus operation and maintenance, energy-cost savings not netted off) divided by "
                            "the measure's reduction applied alone." if fallback else ""),
                         f"Marginal abatement cost curve of {scenario}"))
        excluded = _excluded(curve.attrs.get("excluded"))
        if excluded:
            body.append(_note("Not on the curve (no reduction in the year): "
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
        body.append(_note(f"No abatement curve: the scenario '{scenario}' has no measures."))
    else:
        body.append(_note("No abatement curve: no measure of this scenario avoids CO2"
                          + (f" in {last}." if fallback else " in the given curve.")))
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
        base_import = base.sel(year=last)["grid_import"].to_numpy() if base is not None and "grid_import" in base else None
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
        body.append(_note("No electricity balance: the results hold no hourly electricity series."))
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
        body.append(_note("No modal split: the results hold no transport model (variable mode_share)."))
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
            body.append(_note("The resolved scenario stored in the results could not be read."))
    else:
        body.append(_note("The results hold no resolved scenario (variable resolved_scenario)."))
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
