"""The report's figures: one ``plot_*`` function each, on plain pandas/numpy data.

Each returns a :class:`matplotlib.figure.Figure` (pyplot is never used, so no window and no
global state; matplotlib is imported when a figure is drawn, not with the module):

1. :func:`plot_co2_trajectory` -- CO2 by Covenant of Mayors sector over the years (stacked
   areas) with the baseline's total as a line;
2. :func:`plot_measure_wedges` -- the scenario's emissions without its measures, less the
   reduction of each measure alone (add-one) and the interaction remainder, down to the
   scenario's emissions;
3. :func:`plot_abatement_curve` -- the marginal abatement cost curve (bar width = tonnes
   avoided per year, height = cost per tonne);
4. :func:`plot_electricity_duration` and :func:`plot_grid_import_heatmap` -- the hourly
   electricity balance of a year (duration curves of demand, charging, PV, import,
   export; day-by-hour map of grid import);
5. :func:`plot_modal_split` -- the modal split over the years;
6. :func:`plot_uncertainty_band` and :func:`plot_tornado` -- a Monte Carlo band and Sobol' indices.

The district-heating network's figures are in :mod:`smartcity.report.supply`.

Colours are fixed per sector, mode and measure, so the same thing has the same colour in
every figure; :func:`save_figure` writes PNG and SVG files byte for byte reproducibly.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "plot_co2_trajectory", "plot_measure_wedges", "plot_abatement_curve", "plot_electricity_duration",
    "plot_grid_import_heatmap", "plot_modal_split", "plot_uncertainty_band", "plot_tornado", "save_figure",
    "measure_colors", "SECTOR_COLORS", "MODE_COLORS",
]

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


# --------------------------------------------------------------------------------------------
# colours and figure files
# --------------------------------------------------------------------------------------------


def _year_limits(ax, years) -> None:
    """The x axis from the first to the last year (half a year either side of a single year)."""
    pad = 0.5 if years.min() == years.max() else 0.0
    ax.set_xlim(years.min() - pad, years.max() + pad)


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
    _year_limits(ax, years)
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
    for _, values, color in parts:  # positive parts, down from the top
        pos = np.maximum(values, 0.0)
        if not pos.any():
            continue
        ax.fill_between(years, level - pos, level, color=color, linewidth=0, alpha=0.9)
        level = level - pos
    for _, values, color in parts:  # negative parts, back up
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
    _year_limits(ax, years)
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
        _year_limits(ax, years)
        ax.set_ylim(0.0, 100.0)
        ax.xaxis.get_major_locator().set_params(integer=True)
    _finish_legend(axes[-1], reverse_after=0, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False,
                   title="mode")
    fig.suptitle("Modal split (main mode of trips)")
    return fig


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

