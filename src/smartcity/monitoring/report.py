"""The monitoring progress report: tables (CSV and Markdown) and an HTML page with figures.

:func:`write_monitoring_report` writes into one folder::

    out_dir/report.html            the page: inline CSS, no scripts, no external resources
    out_dir/tables.md              every table in Markdown (a long one: its first rows)
    out_dir/tables/<name>.csv      every table as CSV (units in the column names)
    out_dir/figures/<name>.png|svg the figures

Figures (``plot_*`` functions on plain pandas data, returning a matplotlib Figure):
measured use against the adjusted baseline per measure group and month
(:func:`plot_measured_vs_baseline`); cumulative normalised savings against the plan
(:func:`plot_cumulative_savings`); modelled against counted peak-hour flows with the
GEH = 5 band (:func:`plot_geh_scatter`); counted against modelled boardings per line
(:func:`plot_ridership`). The data-quality report of every input file is a table.

Everything is written to a hidden temporary folder inside ``out_dir`` first and moved into
place at the end, ``report.html`` last; an existing report is replaced only with
``force=True``.
"""

from __future__ import annotations

import datetime as _dt
import html
import re
from pathlib import Path

import numpy as np
import pandas as pd

from smartcity.report.figures import save_figure
from smartcity.report.html import PAGE_CSS, check_folder, figure_html, table_html, write_folder

__all__ = [
    "REPORT_FILE",
    "OUTPUTS",
    "plot_measured_vs_baseline",
    "plot_cumulative_savings",
    "plot_geh_scatter",
    "plot_ridership",
    "quality_table",
    "quality_summary",
    "check_report_target",
    "write_monitoring_report",
]

#: Name of the page inside the output folder.
REPORT_FILE = "report.html"
#: Everything the report writes into its folder (checked before writing).
OUTPUTS = ("tables", "figures", "tables.md", REPORT_FILE)
_FOLDERS = ("tables", "figures")

_OBSERVED = "#4e79a7"
_MODEL = "#e15759"
_PLAN = "#7f7f7f"


def _figure(width: float = 9.0, height: float = 4.8):
    """A figure with fixed margins (a layout engine would double the time to save it)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height))
    fig.subplots_adjust(left=0.8 / width, right=1.0 - 0.25 / width, bottom=0.55 / height, top=1.0 - 0.45 / height)
    return fig


def plot_measured_vs_baseline(monthly: pd.DataFrame, *, title: str | None = None):
    """Measured use and adjusted baseline of one measure group per month.

    Parameters
    ----------
    monthly : pandas.DataFrame
        ``month``, ``period``, ``measured_kWh`` and ``baseline_kWh`` summed over the
        group's meters (the baseline over the same days as the measurement). [kWh]

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig = _figure()
    ax = fig.subplots()
    m = monthly.sort_values("month")
    x = pd.to_datetime(m["month"])
    ax.plot(x, m["baseline_kWh"] / 1e3, color=_PLAN, ls="--", label="adjusted baseline (baseline model, measured "
            "weather)")
    ax.plot(x, m["measured_kWh"] / 1e3, color=_OBSERVED, label="measured")
    base = m[m["period"] == "baseline"]
    if len(base):
        ax.axvspan(pd.to_datetime(base["month"]).min(), pd.to_datetime(base["month"]).max() + pd.offsets.MonthEnd(1),
                   color="#eeeeee", zorder=0, label="baseline period")
    ax.set_ylabel("use per month [MWh]")
    ax.set_title(title or "Measured use and adjusted baseline")
    ax.legend(loc="upper right", fontsize=8)
    ax.grid(alpha=0.3)
    return fig


def plot_cumulative_savings(years, measured, uncertainty, planned, *, title: str | None = None):
    """Cumulative normalised savings against the plan.

    Parameters
    ----------
    years : array_like of int
        Reporting years. [a]
    measured, uncertainty, planned : array_like
        Savings of each year (measured, its half-width, modelled). [MWh/a]

    Notes
    -----
    The band adds the yearly half-widths linearly: every year is measured against the
    same baseline model, so its errors are not independent from year to year (the
    conservative choice).
    """
    fig = _figure()
    ax = fig.subplots()
    years = np.asarray(years)
    cm = np.nancumsum(np.asarray(measured, dtype=float))
    cu = np.nancumsum(np.asarray(uncertainty, dtype=float))
    cp = np.nancumsum(np.asarray(planned, dtype=float))
    ax.plot(years, cp, color=_PLAN, ls="--", marker="o", label="planned (model, reference year)")
    ax.plot(years, cm, color=_OBSERVED, marker="o", label="measured (normalised to the reference year)")
    ax.fill_between(years, cm - cu, cm + cu, color=_OBSERVED, alpha=0.2, label="uncertainty (years added linearly)")
    ax.set_xlabel("year")
    ax.set_ylabel("cumulative savings [MWh]")
    ax.set_title(title or "Cumulative savings against the plan")
    ax.legend(loc="upper left", fontsize=8)
    ax.grid(alpha=0.3)
    return fig


def plot_geh_scatter(links: pd.DataFrame, *, title: str | None = None):
    """Modelled against counted peak-hour flows, one point per link and year, GEH = 5 band.

    Parameters
    ----------
    links : pandas.DataFrame
        ``counted_flow_veh_h``, ``modelled_flow_veh_h``, ``geh_below_5``, ``year``. [veh/h]
    """
    fig = _figure(6.5, 6.0)
    ax = fig.subplots()
    top = float(max(links["counted_flow_veh_h"].max(), links["modelled_flow_veh_h"].max(), 1.0)) * 1.1
    c = np.linspace(0.0, top, 200)
    # GEH = 5: M = C + 12.5/2 +- sqrt(...) from 2 (M - C)^2 = 25 (M + C)
    upper = c + 6.25 + np.sqrt(25.0 * c + 39.0625)
    lower = np.maximum(c + 6.25 - np.sqrt(25.0 * c + 39.0625), 0.0)
    ax.fill_between(c, lower, upper, color="#dddddd", label="GEH < 5")
    ax.plot([0, top], [0, top], color=_PLAN, lw=0.8)
    for ok, marker, label in ((True, "o", "GEH < 5"), (False, "x", "GEH >= 5")):
        sel = links[links["geh_below_5"] == ok]
        if len(sel):
            ax.scatter(sel["counted_flow_veh_h"], sel["modelled_flow_veh_h"], marker=marker, color=_MODEL if not ok
                       else _OBSERVED, label=f"links, {label}")
    ax.set_xlim(0, top)
    ax.set_ylim(0, top)
    ax.set_xlabel("counted peak-hour flow [veh/h]")
    ax.set_ylabel("modelled peak-hour flow [veh/h]")
    ax.set_title(title or "Modelled and counted link flows")
    ax.legend(loc="upper left", fontsize=8)
    ax.grid(alpha=0.3)
    return fig


def plot_ridership(table: pd.DataFrame, *, title: str | None = None):
    """Counted and modelled boardings per day of each line over the years. [pax/d]"""
    fig = _figure()
    ax = fig.subplots()
    from matplotlib import colormaps

    cmap = colormaps["tab10"]
    for i, (line, g) in enumerate(table[table["day_type"] == "all"].groupby("line", sort=True)):
        color = cmap(i % 10)
        ax.plot(g["year"], g["modelled_boardings_per_day"], color=color, ls="--")
        ax.plot(g["year"], g["counted_boardings_per_day"], color=color, marker="o", label=f"line {line}")
    ax.set_xlabel("year")
    ax.set_ylabel("boardings per day [pax/d]")
    ax.set_title(title or "Ridership: counted (solid) and modelled (dashed)")
    ax.legend(loc="upper left", fontsize=8)
    ax.grid(alpha=0.3)
    return fig


def quality_table(reports) -> pd.DataFrame:
    """The issues of several data-quality reports in one table (``file`` first)."""
    frames = []
    for report in reports:
        if report is None:
            continue
        frame = report.to_frame()
        if frame.empty:
            frame = pd.DataFrame([{"severity": "", "check": "", "subject": "", "rows": (), "problem": "no issue",
                                   "action": ""}])
        frame.insert(0, "file", report.source)
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=["file", "severity", "check", "subject", "rows", "problem", "action"])
    out = pd.concat(frames, ignore_index=True)
    out["rows"] = out["rows"].map(lambda r: " ".join(str(x) for x in r[:20]) + (" ..." if len(r) > 20 else ""))
    return out


def quality_summary(report, per_check: int = 3) -> str:
    """A data-quality report for the terminal: counts, then a few issues of every check.

    Every kind of problem shows up even when one kind (e.g. hundreds of one-day gaps)
    dominates; the full list is in the report's ``data_quality`` table.

    Parameters
    ----------
    report : DataQualityReport
    per_check : int
        Issues shown per check. [-]
    """
    from smartcity.monitoring.quality import SEVERITIES

    issues = list(report)
    counts = {s: sum(i.severity == s for i in issues) for s in SEVERITIES}
    head = ", ".join(f"{n} {s}{'' if n == 1 else 's'}" for s, n in counts.items())
    rows = f"{report.n_rows} rows read; " if report.n_rows is not None else ""
    lines = [f"{report.source or 'data'}: {rows}{head}"]
    checks: dict = {}
    for issue in sorted(issues, key=lambda i: SEVERITIES.index(i.severity)):
        checks.setdefault((issue.severity, issue.check), []).append(issue)
    for (_, check), found in checks.items():
        lines += ["  " + i.format(report.row_label) for i in found[:per_check]]
        if len(found) > per_check:
            lines.append(f"  ... {len(found) - per_check} more '{check}' issue(s)")
    return "\n".join(lines)


def check_report_target(out_dir: str | Path, force: bool) -> None:
    """Refuse, before anything is computed, a folder that cannot take the report.

    Raises
    ------
    SmartcityError
        ``out_dir`` is a file, or an output name is taken by the wrong kind of entry.
    OutputExistsError
        A report is already there and ``force`` is false.
    """
    check_folder(out_dir, OUTPUTS, force=force, what="a monitoring report", folders=_FOLDERS)


def _markdown(df: pd.DataFrame) -> str:
    """A table in Markdown; numbers with 6 significant digits, missing values empty."""
    columns = []
    for c in df.columns:
        values = df[c]
        if values.dtype.kind == "f":
            v = values.to_numpy(dtype=np.float64)
            text = np.char.mod("%.6g", np.where(np.isfinite(v), v, 0.0)).astype(object)
            text[np.isnan(v)] = ""
            text[np.isposinf(v)] = "inf"
            text[np.isneginf(v)] = "-inf"
        elif values.dtype.kind == "M":  # as str() of a Timestamp writes it, without making one per cell
            stamps = values.to_numpy(dtype="datetime64[s]")
            text = np.char.replace(np.datetime_as_string(stamps), "T", " ").astype(object)
            text[np.isnat(stamps)] = "NaT"
        else:
            text = values.to_numpy(dtype=object)
            text = np.array([str(x).replace("|", "/") for x in text], dtype=object)
        columns.append(text)
    header = "| " + " | ".join(str(c) for c in df.columns) + " |"
    rule = "|" + "---|" * len(df.columns)
    body = ["| " + " | ".join(row) + " |" for row in zip(*columns)] if columns else []
    return "\n".join([header, rule, *body])


#: Rows of a table shown on the page and in ``tables.md`` (every row is in its CSV file),
#: and issues of one check of one file in the page's data-quality table. [-]
MARKDOWN_ROWS = 1000
PAGE_ROWS = 200
PAGE_ISSUES_PER_CHECK = 20


def _page_table(name: str, frame: pd.DataFrame) -> tuple[pd.DataFrame, str | None]:
    """The rows of a table shown on the page, and a footer saying what is left out."""
    if name == "data_quality" and {"file", "check"} <= set(frame.columns):
        shown = frame.groupby(["file", "check"], sort=False).head(PAGE_ISSUES_PER_CHECK)
        if len(shown) < len(frame):
            return shown, (f"{PAGE_ISSUES_PER_CHECK} issues of each check shown, {len(shown):,} of {len(frame):,}; "
                           f"every issue is in tables/{name}.csv.")
        return frame, None
    if len(frame) > PAGE_ROWS:
        footer = f"The first {PAGE_ROWS} of {len(frame):,} rows; every row is in tables/{name}.csv."
        return frame.head(PAGE_ROWS), footer
    return frame, None


def write_monitoring_report(out_dir: str | Path, *, tables: dict, figures: dict, sections: list, title: str,
                            meta: list, force: bool = False) -> Path:
    """Write the report folder atomically.

    Parameters
    ----------
    out_dir : str or Path
        Target folder (created if needed).
    tables : dict of str to pandas.DataFrame
        Tables by file name (without ``.csv``), in the order of ``tables.md``.
    figures : dict of str to (callable, str)
        Figure name to (function returning a Figure, caption).
    sections : list of (str, list of str)
        Section title and its parts: ``'table:<name>'``, ``'figure:<name>'`` or HTML text.
    title : str
        Page title.
    meta : list of (str, str)
        Header facts (escaped here).
    force : bool
        Replace an existing report.

    Returns
    -------
    Path
        The written ``report.html``.
    """
    def build(tmp: Path) -> None:
        (tmp / "tables").mkdir()
        md = [f"# {title}", ""] + [f"- {k}: {v}" for k, v in meta] + [""]
        for name, frame in tables.items():
            frame.to_csv(tmp / "tables" / f"{name}.csv", index=False, lineterminator="\n")
            md += [f"## {name}", "", _markdown(frame.head(MARKDOWN_ROWS)) if len(frame) else "(empty)", ""]
            if len(frame) > MARKDOWN_ROWS:
                md += [f"(the first {MARKDOWN_ROWS:,} of {len(frame):,} rows; every row is in tables/{name}.csv)", ""]
        (tmp / "tables.md").write_text("\n".join(md), encoding="utf-8")
        drawn = {}
        for name, (make, caption) in figures.items():
            fig = make()
            save_figure(fig, tmp / "figures", name)
            fig.clear()
            drawn[name] = caption
        (tmp / "figures").mkdir(exist_ok=True)
        body = []
        for heading, parts in sections:
            body.append(f"<section><h2>{html.escape(heading)}</h2>")
            for part in parts:
                if part.startswith("table:"):
                    name = part[6:]
                    shown, footer = _page_table(name, tables[name])
                    body.append(table_html(shown, caption=name, footer=footer) if len(shown)
                                else f'<p class="note">{html.escape(name)}: no rows.</p>')
                elif part.startswith("figure:"):
                    name = part[7:]
                    if name in drawn:
                        body.append(figure_html("figures", name, drawn[name], drawn[name]))
                else:
                    body.append(part)
            body.append("</section>")
        created_utc = _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
        page = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
                f"<title>{html.escape(title)}</title>", f"<style>{PAGE_CSS}</style>", "</head>", "<body>",
                f"<header><h1>{html.escape(title)}</h1>", '<dl class="meta">']
        page += [f"<dt>{html.escape(k)}</dt><dd>{html.escape(str(v))}</dd>" for k, v in meta]
        page += ["</dl></header>", *body,
                 f'<p class="generated">Report written {created_utc} by smartcity.monitoring.</p>',
                 "</body>", "</html>", ""]
        (tmp / REPORT_FILE).write_text("\n".join(page), encoding="utf-8")

    out_dir = Path(out_dir)
    write_folder(out_dir, OUTPUTS, build, force=force, what="a monitoring report", folders=_FOLDERS)
    return out_dir / REPORT_FILE


# --------------------------------------------------------------------------------------
# The whole report from read data
# --------------------------------------------------------------------------------------

def _reason(flag: str) -> str:
    """A flag without its figures, so that meters flagged for the same reason count together."""
    from smartcity.monitoring.savings import MAX_REPORTING_MISSING_SHARE

    text = re.sub(r"\s*\([^()]*(?:\([^()]*\)[^()]*)*\)", "", flag).strip()  # parentheses, one level nested
    return re.sub(r"^\d+% of ", f"more than {MAX_REPORTING_MISSING_SHARE:.0%} of ", text)


#: Notes of the meter table's flags that are no reason to leave a meter out.
_NOTES = ("suspect reading(s) not used", "reading(s) corrected for a unit switch")


def _savings_summary(result, groups: pd.DataFrame, confidence: float) -> list[str]:
    """Lines for the terminal: meters and why some are left out, the totals (or why there is
    none) and the warnings of the savings step (e.g. weather missing in a period)."""
    table = result.table
    left = table[~table["used_in_totals"].astype(bool)]
    lines = [f"{len(table)} meters, {len(left)} left out of the totals"]
    if len(left):
        reasons = pd.Series([_reason(f) for flags in left["flags"] for f in str(flags).split("; ")
                             if f and not f.endswith(_NOTES)], dtype=object)
        counts = reasons.value_counts()
        lines.append("  left out: " + "; ".join(f"{n} x {r}" for r, n in counts.head(4).items())
                     + (f"; ... ({len(counts) - 4} more reasons)" if len(counts) > 4 else ""))
    total = groups[groups["measure_group"] == "(all)"] if len(groups) else groups
    for _, row in total.iterrows():
        if not row["meters_used"]:
            lines.append(f"{row['carrier']}: no total: all {int(row['meters'])} meter(s) are left out of the totals "
                         "(reasons above; every meter is in tables/savings_by_meter.csv)")
            continue
        lines.append(f"{row['carrier']}: avoided {row['avoided_energy_kWh'] / 1e3:,.1f} +- "
                     f"{row['avoided_uncertainty_kWh'] / 1e3:,.1f} MWh, "
                     f"normalised {row['normalised_savings_kWh'] / 1e3:,.1f}"
                     f" +- {row['normalised_uncertainty_kWh'] / 1e3:,.1f} MWh ({confidence:.0%}), CO2 "
                     f"{row['normalised_co2_t']:,.1f} t ({int(row['meters_used'])} meters)")
    shown: dict = {}
    for issue in result.report:
        if issue.severity != "info" and issue.check != "meter_flagged":
            shown.setdefault(issue.check, []).append(issue)
    for check, found in shown.items():
        lines += ["  " + i.format(result.report.row_label) for i in found[:3]]
        if len(found) > 3:
            lines.append(f"  ... {len(found) - 3} more '{check}' issue(s)")
    return lines


def monitoring_report(plan, readings, weather, out_dir: str | Path, *, meter_map=None, counts=None,
                      ridership=None, typical=None, baseline=None, reporting=None, confidence: float = 0.95,
                      force: bool = False) -> tuple[Path, str]:
    """Compute savings and progress from read data and write the report.

    Parameters
    ----------
    plan : smartcity.monitoring.progress.Plan
        The planned trajectory.
    readings : MeterReadings
        Meter readings (:func:`~smartcity.monitoring.readers.read_meter_readings`).
    weather : MeasuredWeather
        Measured weather (:func:`~smartcity.monitoring.readers.read_measured_weather`).
    out_dir : str or Path
        Report folder.
    meter_map : MeterMap, optional
    counts : TrafficCounts, optional
    ridership : Ridership, optional
    typical : pandas.Series, optional
        Daily means of the typical year; default the reference year. [°C]
    baseline, reporting : tuple of date-like, optional
        Explicit periods for every meter (see
        :func:`~smartcity.monitoring.savings.meter_periods`).
    confidence : float
        Confidence level of the uncertainties. [1]
    force : bool
        Replace an existing report.

    Returns
    -------
    (Path, str)
        The written page and a short text summary for the terminal.
    """
    from smartcity.monitoring import progress as pg
    from smartcity.monitoring import savings as sv
    from smartcity.monitoring.levels import correct_unit_switches

    check_report_target(out_dir, force)
    if not readings.levels_checked:
        readings = correct_unit_switches(readings, weather.daily)
    periods = sv.meter_periods(readings, meter_map, measure_start_years=plan.measure_start_years,
                               baseline=baseline, reporting=reporting)
    with_periods = periods[periods["problem"] == ""]
    reporting_year = int((with_periods["reporting_end"].max() - pd.Timedelta(days=1)).year)
    if baseline is None and reporting is None:
        result, meters_y = sv.savings_all_years(readings, weather.daily, periods, typical=typical,
                                                confidence=confidence)
        groups_y = pg.groups_by_year(meters_y, meter_map, confidence)
    else:
        result = sv.meter_savings(readings, weather.daily, periods, typical=typical, confidence=confidence)
        meters_y = result.table[result.table["model"] != ""].assign(year=reporting_year)
        groups_y = sv.group_savings(result, meter_map).assign(year=reporting_year)
    groups = sv.group_savings(result, meter_map)
    factors = sv.emission_factors(plan.results, plan.scenario, reporting_year)
    groups = sv.co2_savings(groups, factors)
    carriers = readings.data.groupby("meter_id")["carrier"].first().to_dict()
    years = sorted(int(y) for y in groups_y["year"].unique()) if len(groups_y) else []
    progress = pd.DataFrame()
    if meter_map is not None and years:
        planned = pg.planned_savings(plan, meter_map, carriers, years)
        progress = pg.energy_progress(plan, meters_y, groups_y, planned)
    district = pg.district_kpis(plan, years or [reporting_year])
    links = geh = rides = None
    if counts is not None:
        links = pg.link_comparison(counts, plan)
        geh = pg.geh_summary(links)
    if ridership is not None:
        rides = pg.ridership_comparison(ridership, plan)

    quality = quality_table([readings.report, result.report, getattr(meter_map, "report", None),
                             weather.report, getattr(counts, "report", None), getattr(ridership, "report", None)])
    tables = {"savings_by_meter": result.table, "savings_by_group": groups,
              "savings_by_year": groups_y, "progress": progress, "district_kpis_planned": district,
              "monthly_use": result.monthly, "data_quality": quality,
              "emission_factors": pd.DataFrame([{"carrier": k, "g_per_kWh": v} for k, v in factors.items()
                                                if k != "year"]).assign(model_year=factors["year"])}
    if links is not None:
        tables["links_geh"] = links
        tables["geh_summary"] = geh
    if rides is not None:
        tables["ridership"] = rides

    figures, figure_parts = {}, []
    mapping = (meter_map.data.groupby("meter_id")["measure_group"].first() if meter_map is not None
               else pd.Series("", index=result.table["meter_id"]))
    used = set(result.table.loc[result.table["used_in_totals"], "meter_id"])
    monthly = result.monthly[result.monthly["meter_id"].isin(used)]
    monthly = monthly.assign(measure_group=monthly["meter_id"].map(mapping).fillna("(unmapped)"))
    for i, (group, g) in enumerate(monthly.groupby("measure_group", sort=True)):
        summed = g.groupby(["month", "period"], as_index=False)[["measured_kWh", "baseline_kWh"]].sum(min_count=1)
        name = f"measured_vs_baseline_{i + 1}"
        figures[name] = (lambda s=summed, grp=group: plot_measured_vs_baseline(
            s, title=f"Measure group '{grp or '(none)'}': measured use and adjusted baseline"),
            f"Measure group '{group or '(none)'}': measured use per month (meters in the totals) and the adjusted "
            "baseline, the baseline model driven by the measured weather over the same days [MWh].")
        figure_parts.append(f"figure:{name}")
    cum_parts = []
    if len(progress):
        heat = progress[progress["kpi"] == "heat_savings_normalised"]
        if heat["item"].nunique() == 2:  # one measure group: its figure is the one of '(all)'
            heat = heat[heat["item"] != "(all)"]
        for i, (item, g) in enumerate(heat.groupby("item")):
            g = g.sort_values("year")
            name = f"cumulative_savings_{i + 1}"
            figures[name] = (lambda g=g, item=item: plot_cumulative_savings(
                g["year"], g["measured"], g["uncertainty"], g["planned"],
                title=f"Cumulative heat savings, '{item}'"),
                f"Measure group '{item}': cumulative normalised heat savings, measured (band: uncertainty at "
                f"{confidence:.0%}) and planned by the model for the same buildings [MWh].")
            cum_parts.append(f"figure:{name}")
    transport_parts = []
    if links is not None and len(links):
        figures["geh_scatter"] = (lambda: plot_geh_scatter(links), "Modelled against counted peak-hour car flows "
                                  "per link and year; grey band: GEH < 5 [veh/h].")
        transport_parts += ["table:geh_summary", "figure:geh_scatter", "table:links_geh"]
    if rides is not None and len(rides):
        figures["ridership"] = (lambda: plot_ridership(rides), "Boardings per day by line: counted (solid) and "
                                "modelled (dashed; trips with an end in the district only) [pax/d].")
        transport_parts += ["figure:ridership", "table:ridership"]

    n_left = int((~result.table["used_in_totals"]).sum())
    notes = (f'<p>Savings at {confidence:.0%} confidence. Meters whose baseline fails the criteria (CalTRACK data '
             "sufficiency, ASHRAE Guideline 14 CV(RMSE)/NMBE) or whose reporting period misses more than 10 % of "
             f"its days are listed but left out of the totals ({n_left} of {len(result.table)} meters here). Group "
             "uncertainties combine the meters' in quadrature, assuming independent meter errors. Normalised "
             "savings put both periods' models on the typical year (the scenario's reference weather year), so "
             "they compare with the planned savings; avoided energy uses the reporting period's weather.</p>")
    sections = [
        ("Savings", [notes, "table:savings_by_group", "table:emission_factors", *figure_parts,
                     "table:savings_by_meter"]),
        ("Progress against the plan", ['<p>planned = modelled by the scenario run; measured = from the meters; '
                                       "estimated = a modelled figure scaled by a measured realisation rate.</p>",
                                       *cum_parts, "table:progress", "table:savings_by_year",
                                       "table:district_kpis_planned"]),
    ]
    if transport_parts:
        sections.append(("Transport: counts and ridership", transport_parts))
    sections.append(("Data quality", ["<p>Every issue found in the input files; rows left out are named here "
                                      "(nothing is dropped silently).</p>", "table:data_quality"]))
    meta = [("scenario", f"{plan.scenario} (compared with {plan.baseline})"),
            ("meters", f"{len(result.table)} ({n_left} left out of the totals)"),
            ("reporting period (latest)", f"{with_periods['reporting_start'].min():%Y-%m-%d} to "
                                          f"{with_periods['reporting_end'].max():%Y-%m-%d}"),
            ("emission factors", f"model year {factors['year']}"),
            ("run", str(plan.results.attrs.get("created_utc", "")))]
    page = write_monitoring_report(out_dir, tables=tables, figures=figures, sections=sections,
                                   title=f"Monitoring report: {plan.scenario}", meta=meta, force=force)
    lines = _savings_summary(result, groups, confidence)
    if geh is not None and len(geh):
        last = geh.iloc[-1]
        lines.append(f"links: {int(last['links'])} counted in {int(last['year'])}, "
                     f"{last['share_geh_below_5']:.0%} with GEH < 5")
    return page, "\n".join(lines)
