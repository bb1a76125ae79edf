"""The district-heating network's year: a dispatch summary by unit and its figures.

Used by ``smartcity supply SCENARIO --year Y`` (:func:`dispatch_summary`,
:func:`write_supply_figures`) on the :class:`~smartcity.energy.heat_supply.NetworkYear` of
one simulated year with its hourly series, and by the report (:func:`plot_district_heat_factor`).
The figures follow :mod:`smartcity.report.figures`: plain data in, a matplotlib Figure out,
fixed colours (each kind of unit its own family).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from smartcity.energy.district_heating import producers as producing
from smartcity.report.figures import _FALLBACK_COLORS, _finish_legend, _new_figure, _thousands, save_figure

__all__ = ["dispatch_summary", "network_totals", "write_supply_figures", "SUPPLY_FIGURES", "week_starting",
           "HEAT_KIND_COLORS", "heat_unit_colors", "plot_heat_week", "plot_heat_duration", "plot_district_heat_factor"]

#: Colour family of each kind of district-heating unit (coal and fuels dark, heat pumps blue,
#: surplus heat orange, waste brown, electric boilers purple, solar yellow).
HEAT_KIND_COLORS: dict[str, tuple[str, ...]] = {
    "chp": ("#4d4d4d", "#7f7f7f"),
    "waste_chp": ("#9c755f", "#c9a78f"),
    "surplus_heat": ("#f28e2b", "#ffbe7d"),
    "heat_pump": ("#4e79a7", "#76b7b2", "#a0cbe8", "#2f4b7c"),
    "electric_boiler": ("#b07aa1", "#d4a6c8"),
    "boiler": ("#e15759", "#ff9d9a", "#d37295"),
    "solar_thermal": ("#edc948", "#f1ce63"),
}

#: Figure files the command writes (PNG and SVG each).
SUPPLY_FIGURES = ("heat_week_winter", "heat_week_summer", "heat_duration")
#: First day of the winter and the summer week shown (day of the year, 0 = 1 January). [d]
WINTER_WEEK_DAY, SUMMER_WEEK_DAY = 14, 189


def dispatch_summary(net, units: pd.DataFrame) -> pd.DataFrame:
    """One row per producing unit: heat, share, full-load hours, fuel, electricity, power, CO2, cost.

    Parameters
    ----------
    net : NetworkYear
        The year's dispatch.
    units : pandas.DataFrame
        The network's units table.

    Returns
    -------
    pandas.DataFrame
        Indexed by unit; columns with their units in brackets.
    """
    producers = producing(units)
    heat = net.production_mwh
    capacity = producers["heat_capacity_mw"].to_numpy(dtype=np.float64)
    total = heat.sum()
    return pd.DataFrame({
        "kind": producers["kind"].to_numpy(),
        "heat [GWh/a]": heat / 1e3,
        "share [%]": 100.0 * heat / total if total > 0.0 else np.zeros_like(heat),
        "full-load hours [h/a]": np.divide(heat, capacity, out=np.zeros_like(heat), where=capacity > 0.0),
        "fuel [GWh/a]": net.fuel_mwh / 1e3,
        "electricity used [GWh/a]": net.electricity_mwh / 1e3,
        "power produced [GWh/a]": net.power_mwh / 1e3,
        "CO2 [t/a]": net.co2_t,
        "cost [kEUR/a]": net.cost_eur / 1e3,
    }, index=pd.Index(producers["unit"].to_numpy(), name="unit"))


def network_totals(net) -> dict[str, float]:
    """The year's totals: delivered, loss, unmet, dumped [GWh/a], CO2 factor [g/kWh], shares [%]."""
    return {
        "heat delivered [GWh/a]": net.delivered_mwh / 1e3,
        "network loss [GWh/a]": net.loss_mwh / 1e3,
        "network loss [%]": 100.0 * net.loss_share,
        "unmet heat [GWh/a]": net.unmet_mwh / 1e3,
        "surplus heat cooled away [GWh/a]": net.dumped_mwh / 1e3,
        "CO2 factor of delivered heat [g/kWh]": net.annual_factor_g_per_kwh,
        "renewable share [%]": 100.0 * net.renewable_share,
        "surplus-heat share [%]": 100.0 * net.surplus_share,
    }


def week_starting(day: int, n_hours: int) -> slice:
    """The 168 hours from the start of ``day`` (day of the year from 0), kept inside the year."""
    start = min(max(day, 0) * 24, max(n_hours - 168, 0))
    return slice(start, start + 168)


def write_supply_figures(net, units: pd.DataFrame, index: pd.DatetimeIndex, folder: str | Path, *,
                         title: str) -> list[Path]:
    """Draw a winter and a summer week of production with the storage, and the heat duration curve.

    Parameters
    ----------
    net : NetworkYear
        The year's dispatch with its hourly series.
    units : pandas.DataFrame
        The network's units table.
    index : pandas.DatetimeIndex
        Start of each hour of the weather year.
    folder : str or Path
        Where the PNG and SVG files go.
    title : str
        Scenario and year, for the figure titles.
    """
    producers = producing(units)
    names = producers["unit"].tolist()
    colors = heat_unit_colors(names, producers["kind"].tolist())
    production = pd.DataFrame(net.hourly["production_mw"], index=index, columns=names)
    demand = net.hourly["demand_mw"] + net.hourly["loss_mw"]
    level = net.hourly["storage_level_mwh"]
    written = []
    for name, day, season in (("heat_week_winter", WINTER_WEEK_DAY, "a winter week"),
                              ("heat_week_summer", SUMMER_WEEK_DAY, "a summer week")):
        week = week_starting(day, len(index))
        fig = plot_heat_week(production.iloc[week], demand[week], level[week], colors,
                             title=f"District-heating production by unit, {season}: {title}")
        written += save_figure(fig, folder, name)
    fig = plot_heat_duration(production, colors, title=f"Heat duration curve by unit: {title}")
    written += save_figure(fig, folder, "heat_duration")
    return written



def heat_unit_colors(units: Sequence[str], kinds: Sequence[str]) -> dict[str, str]:
    """One colour per production unit from its kind's family (:data:`HEAT_KIND_COLORS`), in order."""
    used: dict[str, int] = {}
    colors = {}
    for unit, kind in zip(units, kinds):
        family = HEAT_KIND_COLORS.get(kind, _FALLBACK_COLORS)
        colors[unit] = family[used.get(kind, 0) % len(family)]
        used[kind] = used.get(kind, 0) + 1
    return colors


def plot_heat_week(production_mw: pd.DataFrame, demand_mw: np.ndarray, level_mwh: np.ndarray,
                   colors: Mapping[str, str], *, title: str | None = None):
    """A week of a district-heating network: production by unit and heat from the storage
    (stacked), demand with the network loss (line) and the heat stored (dotted, right axis).

    Production above the line charges the storage (or is cooled away).

    Parameters
    ----------
    production_mw : pandas.DataFrame
        Hourly heat fed in by each unit (columns), indexed by the hours' start times. [MW]
    demand_mw : array_like
        Heat demanded each hour, consumers and network loss. [MW]
    level_mwh : array_like
        Heat in the storages at the end of each hour (right axis). [MWh]
    colors : mapping
        Unit -> colour (:func:`heat_unit_colors`).
    title : str, optional
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig = _new_figure(10.0, 5.5)
    ax = fig.add_subplot()
    shown = [c for c in production_mw.columns if production_mw[c].max() > 0.0]
    x = production_mw.index
    ax.plot(x, np.asarray(demand_mw, dtype=float), color="#222222", linewidth=1.4, label="demand and network loss")
    # what the units do not make of the demand comes out of the storage (unmet heat is refused by the run)
    from_storage = np.maximum(np.asarray(demand_mw, dtype=float) - production_mw.sum(axis=1).to_numpy(), 0.0)
    areas = [production_mw[c].to_numpy() for c in shown] + [from_storage]
    ax.stackplot(x, *areas, colors=[colors[c] for c in shown] + ["#d9d9d9"],
                 labels=[c for c in shown] + ["from the storage"], alpha=0.9, linewidth=0.0)
    ax.set_ylabel("heat [MW]")
    ax.set_ylim(bottom=0.0)
    _thousands(ax.yaxis)
    level = np.asarray(level_mwh, dtype=float)
    if level.max() > 0.0:
        right = ax.twinx()
        right.plot(x, level, color="#222222", linestyle=":", linewidth=1.4)
        right.set_ylabel("heat stored (dotted) [MWh]")
        right.set_ylim(bottom=0.0)
        _thousands(right.yaxis)
    from matplotlib.dates import DateFormatter

    ax.xaxis.set_major_formatter(DateFormatter("%d %b"))  # the weather year's dates; the simulated year is the title's
    ax.set_title(title or "District-heating production by unit")
    ax.grid(True, alpha=0.3)
    _finish_legend(ax, reverse_after=1, loc="upper center", bbox_to_anchor=(0.5, -0.08), fontsize="small", ncols=4)
    return fig


def plot_heat_duration(production_mw: pd.DataFrame, colors: Mapping[str, str], *, title: str | None = None):
    """Heat duration curve by unit: the hours sorted by the network's total production.

    Each hour keeps its mix, so the stack shows which units carry the peak hours and which
    the base.

    Parameters
    ----------
    production_mw : pandas.DataFrame
        Hourly heat fed in by each unit (columns). [MW]
    colors : mapping
        Unit -> colour.
    title : str, optional
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig = _new_figure()
    ax = fig.add_subplot()
    order = np.argsort(-production_mw.sum(axis=1).to_numpy(), kind="stable")
    shown = [c for c in production_mw.columns if production_mw[c].max() > 0.0]
    hours = np.arange(1, len(order) + 1)
    if shown:
        ax.stackplot(hours, *[production_mw[c].to_numpy()[order] for c in shown], colors=[colors[c] for c in shown],
                     labels=[f"{c} ({production_mw[c].sum() / 1e3:,.0f} GWh/a)" for c in shown], linewidth=0.0)
    ax.set_xlabel("hours of the year, sorted by the network's production [h]")
    ax.set_ylabel("heat [MW]")
    ax.set_xlim(0, max(len(order), 1))
    ax.set_ylim(bottom=0.0)
    _thousands(ax.xaxis)
    _thousands(ax.yaxis)
    ax.set_title(title or "Heat duration curve by unit")
    ax.grid(True, alpha=0.3)
    _finish_legend(ax, reverse_after=0, loc="upper right", fontsize="small")
    return fig


def plot_district_heat_factor(factors: pd.DataFrame, *, title: str | None = None):
    """The CO2 factor of district heat over the years, one line per scenario.

    Parameters
    ----------
    factors : pandas.DataFrame
        Index: years; one column per scenario. [g/kWh]
    title : str, optional
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig = _new_figure(9.0, 4.5)
    ax = fig.add_subplot()
    for k, column in enumerate(factors.columns):
        ax.plot(factors.index, factors[column], marker="o", markersize=3, linewidth=1.6,
                color=_FALLBACK_COLORS[k % len(_FALLBACK_COLORS)] if k else "#4d4d4d", label=str(column))
    ax.set_xlabel("year")
    ax.set_ylabel("CO2 per kWh delivered [g/kWh]")
    ax.set_ylim(bottom=0.0)
    ax.set_title(title or "CO2 factor of district heat")
    ax.grid(True, alpha=0.3)
    _finish_legend(ax, loc="upper right")
    return fig
