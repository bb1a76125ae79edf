"""KPI tables of one or several results, scenario comparisons, and their writers.

:func:`kpi_table` turns results Datasets into one table: a row per KPI (or KPI item, e.g.
one row per sector) in the order of ``data/kpis.toml``, a column per scenario and year.
Several Datasets (results of several districts or cities) give one table with a column per
scenario: the consortium view. Each scenario is compared with the baseline of its own
results. :func:`compare_table` puts scenarios side by side in one year with their
differences to the first.

Writers (:func:`render_table`, :func:`write_table`): ``csv``, ``md`` (pipe table), ``latex``
(booktabs, via :meth:`pandas.io.formats.style.Styler.to_latex`), ``xlsx`` (openpyxl) and
``html``. Every format carries a unit per row and a footer naming, for each scenario, the
smartcity version, the SHA-256 of the resolved scenario (``scenario_sha256``) and when the
results were created, plus when the table was made, so that a table pasted into an
application can be traced to the run that made it. Files are written atomically and an
existing file is only replaced with ``force=True``.
"""

from __future__ import annotations

import datetime as _dt
import html
import io
import math
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from smartcity import __version__
from smartcity.errors import SmartcityError
from smartcity.kpi.definitions import (
    KPIFile,
    load_definitions,
    load_prices,
    load_primary_energy_factors,
)
from smartcity.kpi.indicators import REGISTRY, NotAvailable, scenario_results
from smartcity.writing import write_bytes_atomic

__all__ = ["FORMATS", "SUFFIXES", "kpi_table", "compare_table", "render_table", "write_table", "format_for",
           "rich_table", "footer_lines", "default_years", "as_datasets"]

#: Table formats.
FORMATS = ("csv", "md", "latex", "xlsx", "html")
#: File suffix -> format.
SUFFIXES = {".csv": "csv", ".md": "md", ".markdown": "md", ".tex": "latex", ".latex": "latex", ".xlsx": "xlsx",
            ".html": "html", ".htm": "html"}

Datasets = xr.Dataset | Sequence[xr.Dataset] | Mapping[str, xr.Dataset]


def as_datasets(datasets: Datasets) -> dict[str, xr.Dataset]:
    """Label -> Dataset: a mapping as given, a sequence labelled ``results 1``, ``results 2``, ..."""
    if isinstance(datasets, xr.Dataset):
        return {"results": datasets}
    if isinstance(datasets, Mapping):
        return dict(datasets)
    items = list(datasets)
    if len(items) == 1:
        return {"results": items[0]}
    return {f"results {i + 1}": d for i, d in enumerate(items)}


def _scenarios(ds: xr.Dataset) -> list[str]:
    return [str(n) for n in ds["scenario"].values]


def _simulated(ds: xr.Dataset, scenario: str) -> list[int]:
    co2 = ds["co2"].sel(scenario=scenario).isnull().all(("sector", "carrier"))
    return [int(y) for y in ds["year"].values[~co2.values]]


def _base_and_last(ds: xr.Dataset, scenario: str) -> list[int]:
    from smartcity.kpi.indicators import _resolved_info

    years = _simulated(ds, scenario)
    base, _ = _resolved_info(ds.sel(scenario=scenario))
    first = int(base) if base is not None and int(base) in years else years[0]
    return sorted({first, years[-1]})


def default_years(datasets: Datasets) -> list[int]:
    """The base year and the last simulated year of every scenario, sorted."""
    out: set[int] = set()
    for ds in as_datasets(datasets).values():
        for s in _scenarios(ds):
            out.update(_base_and_last(ds, s))
    return sorted(out)


def _check_years(data: dict[str, xr.Dataset], years: Sequence[int]) -> list[int]:
    years = [int(y) for y in years]
    if not years:
        raise SmartcityError("no years asked for; give years as 2020,2025,2030")
    for label, ds in data.items():
        simulated = [int(y) for y in ds["year"].values]
        missing = [y for y in years if y not in simulated]
        if missing:
            where = "" if len(data) == 1 else f" of {label}"
            raise SmartcityError(
                f"year {missing[0]} is not in the results{where} (simulated years: {simulated[0]}-{simulated[-1]}"
                f"{'' if _consecutive(simulated) else ' with gaps'}); choose --years among them")
    return years


def _consecutive(years: list[int]) -> bool:
    return all(b - a == 1 for a, b in zip(years, years[1:]))


def _column_labels(data: dict[str, xr.Dataset]) -> list[tuple[str, str, str]]:
    """(column label, dataset label, scenario) for every scenario of every Dataset."""
    counts: dict[str, int] = {}
    for ds in data.values():
        for s in _scenarios(ds):
            counts[s] = counts.get(s, 0) + 1
    out = []
    for label, ds in data.items():
        for s in _scenarios(ds):
            out.append((s if counts[s] == 1 else f"{label}/{s}", label, s))
    return out


def _provenance(ds: xr.Dataset, scenario: str, column: str, label: str) -> dict:
    one = ds.sel(scenario=scenario)
    sha = str(one["scenario_sha256"].values) if "scenario_sha256" in one else "unknown"
    return {
        "column": column, "scenario": scenario, "results": label,
        "smartcity_version": str(ds.attrs.get("smartcity_version", "unknown")),
        "scenario_sha256": sha,
        "results_created_utc": str(ds.attrs.get("created_utc", "unknown")),
    }


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _footer_text(provenance: list[dict], created: str, extra: str = "") -> str:
    parts = [f"{p['column']}: smartcity {p['smartcity_version']}, scenario SHA-256 {p['scenario_sha256']}, "
             f"results created {p['results_created_utc']}" for p in provenance]
    tail = f"table made by smartcity {__version__} at {created}"
    return "; ".join(parts + ([extra] if extra else []) + [tail])


def kpi_table(datasets: Datasets, *, ids: Sequence[str] | None = None, years: Sequence[int] | None = None,
              baseline: str | None = "baseline", definitions: KPIFile | None = None, prices: dict | None = None,
              factors: dict | None = None, title: str = "smartcity KPIs", created: str | None = None
              ) -> pd.DataFrame:
    """The KPI table of one or several results.

    Parameters
    ----------
    datasets : Dataset, sequence of Datasets or mapping label -> Dataset
        Results of ``smartcity run`` (:func:`smartcity.results.open_result`). Several
        results give one table with a column per scenario; a scenario name found in more
        than one of them is labelled ``<label>/<scenario>``.
    ids : sequence of str, optional
        The KPIs of the table (ids of ``data/kpis.toml``; a breakdown brings its rows), in
        this order; default every KPI in the file's order.
    years : sequence of int, optional
        Years of the columns of every scenario; each must be in every results' ``year``
        coordinate. Default: each scenario's own base year and last simulated year (so
        results of districts with different periods still give one table). [a]
    baseline : str or None
        Name of the reference scenario, looked up in the same results as each scenario;
        KPIs against it are NaN where it is missing.
    definitions, prices, factors : optional
        Replace the shipped ``data/kpis.toml``, the prices [EUR/MWh] and primary energy
        factors [1] by carrier.
    title : str
        The table's title (``attrs["title"]``).
    created : str, optional
        The time the footer says the table was made (ISO 8601, UTC); default now. A report
        passes the run's time, so that the same results give the same page.

    Returns
    -------
    pandas.DataFrame
        Index levels ``id`` (KPI id, ``<id>.<item>`` for a breakdown row), ``name`` and
        ``unit``; columns a :class:`pandas.MultiIndex` (``scenario``, ``year``). NaN: not
        available (no transport model, no baseline, no investment); ``inf``: never (payback).
        ``attrs``: ``footer`` (one line of provenance text), ``provenance`` (a record per
        scenario column: column, scenario, results, smartcity_version, scenario_sha256,
        results_created_utc), ``created_utc``, ``baseline``, ``years`` and ``rows`` (per row
        id: kpi, item, category, better, frameworks).

    Raises
    ------
    SmartcityError
        A year not in the results; a carrier without a price or factor; an unknown KPI id.
    """
    data = as_datasets(datasets)
    if not data:
        raise SmartcityError("no results to tabulate")
    columns = _column_labels(data)
    if years is not None:
        years = _check_years(data, years)
        col_years = {col: list(years) for col, _, _ in columns}
    else:
        col_years = {col: _base_and_last(data[label], s) for col, label, s in columns}
    definitions = definitions or load_definitions()
    prices = prices if prices is not None else load_prices().eur_per_mwh()
    factors = factors if factors is not None else load_primary_energy_factors().factors()
    chosen = list(definitions.kpi)
    if ids is not None:
        known = definitions.by_id()
        unknown = [i for i in ids if i not in known]
        if unknown:
            raise SmartcityError(f"unknown KPI {unknown[0]!r}; the KPIs are {', '.join(known)}")
        chosen = [known[i] for i in ids]
    views = {col: scenario_results(data[label], s, baseline=baseline, prices=prices, factors=factors,
                                   parameters=definitions.parameters)
             for col, label, s in columns}
    index, rows, meta = [], [], {}
    for d in chosen:
        func = REGISTRY.get(d.id)
        if func is None:
            raise SmartcityError(f"KPI '{d.id}' of the definitions has no function in smartcity.kpi.indicators")
        values: dict[str, xr.DataArray | None] = {}
        for col, view in views.items():
            try:
                da = func(view)
            except NotAvailable:
                values[col] = None
                continue
            have = view.ds["year"].values
            if ("year" in da.dims and list(da["year"].values) == list(col_years[col])
                    and np.isin(have, view.years).all()):
                values[col] = da  # every year simulated and asked for, in order: nothing to mask or reorder
                continue
            mask = xr.DataArray(np.isin(have, view.years), coords={"year": have}, dims="year")
            values[col] = da.where(mask).reindex(year=col_years[col])
        items: list[str] = []
        for da in values.values():
            if da is not None and "item" in da.dims:
                items += [str(i) for i in da["item"].values if str(i) not in items]
        if d.items is None or not items:
            row_items = [None]
        else:
            row_items = items
        for item in row_items:
            cells = []
            for col, _, _ in columns:
                da, blank = values[col], [np.nan] * len(col_years[col])
                if da is None:
                    cells.extend(blank)
                elif item is None:
                    cells.extend(da.values.astype(np.float64) if "item" not in da.dims else blank)
                elif item in [str(i) for i in da["item"].values]:
                    cells.extend(da.sel(item=item).values.astype(np.float64))
                else:
                    cells.extend(blank)
            cells = np.asarray(cells, dtype=np.float64)
            if item is not None and d.omit_zero_items and np.all(np.nan_to_num(cells) == 0.0):
                continue
            row_id = d.id if item is None else f"{d.id}.{item}"
            name = d.name if item is None else f"{d.name}: {item.replace('_', ' ')}"
            index.append((row_id, name, d.unit))
            rows.append(cells)
            meta[row_id] = {"kpi": d.id, "item": item or "", "category": d.category, "better": d.better,
                            "frameworks": [f"{f.framework}: {f.indicator}" for f in d.frameworks]}
    header = [(col, y) for col, _, _ in columns for y in col_years[col]]
    frame = pd.DataFrame(
        np.vstack(rows) if rows else np.empty((0, len(header))),
        index=pd.MultiIndex.from_tuples(index, names=["id", "name", "unit"]),
        columns=pd.MultiIndex.from_tuples(header, names=["scenario", "year"]),
    )
    created = created or _now()
    provenance = [_provenance(data[label], s, col, label) for col, label, s in columns]
    frame.attrs.update(
        footer=_footer_text(provenance, created, f"reference scenario: {baseline}" if baseline else ""),
        provenance=provenance, created_utc=created, baseline=baseline or "",
        years=sorted({y for ys in col_years.values() for y in ys}), rows=meta,
        title=title,
    )
    return frame


def compare_table(datasets: Datasets, *, year: int | None = None, baseline: str | None = "baseline",
                  definitions: KPIFile | None = None, prices: dict | None = None,
                  factors: dict | None = None) -> pd.DataFrame:
    """Scenarios side by side in one year with their differences to the first.

    Parameters
    ----------
    datasets : Dataset, sequence of Datasets or mapping label -> Dataset
        Results; every scenario of every results becomes a column, in order. The first is
        the reference A.
    year : int, optional
        Year; default the last year common to all results. [a]
    baseline : str or None
        Reference scenario of the KPIs against a baseline (see :func:`kpi_table`).

    Returns
    -------
    pandas.DataFrame
        Index as :func:`kpi_table`; columns ``A``, then for each other scenario ``B``,
        ``B - A`` (in the KPI's unit; percentage points for a KPI in %) and ``B - A [%]``
        (relative to A; NaN when A is 0 or the KPI is itself a percentage). ``attrs`` as
        :func:`kpi_table`, with ``year`` and ``reference``.

    Raises
    ------
    SmartcityError
        Fewer than two scenarios, or the year is not in the results.
    """
    data = as_datasets(datasets)
    columns = _column_labels(data)
    if len(columns) < 2:
        raise SmartcityError("compare needs at least two scenarios (give two results or scenario files, or "
                             "results that hold two scenarios)")
    if year is None:
        common = set.intersection(*({int(y) for y in ds["year"].values} for ds in data.values()))
        if not common:
            raise SmartcityError("the results have no year in common; choose --year")
        year = max(common)
    table = kpi_table(data, years=[int(year)], baseline=baseline, definitions=definitions, prices=prices,
                      factors=factors)
    ref = columns[0][0]
    a = table[(ref, int(year))]
    out = {ref: a}
    percent = np.array([str(u).startswith("%") for u in table.index.get_level_values("unit")])
    for col, _, _ in columns[1:]:
        b = table[(col, int(year))]
        diff = b - a
        rel = 100.0 * diff / a.abs().where(a != 0)
        rel[percent] = np.nan
        out[col] = b
        out[f"{col} - {ref}"] = diff
        out[f"{col} - {ref} [%]"] = rel
    frame = pd.DataFrame(out)
    frame.columns.name = None
    frame.attrs.update(table.attrs)
    frame.attrs.update(year=int(year), reference=ref, title=f"smartcity KPIs in {int(year)}: comparison with {ref}")
    return frame


# --------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------


def format_for(path: str | Path | None, fmt: str | None) -> str:
    """The table format: ``fmt`` if given, else from the file suffix, else ``csv``.

    Raises
    ------
    SmartcityError
        An unknown format or suffix.
    """
    if fmt is not None:
        if fmt not in FORMATS:
            raise SmartcityError(f"unknown table format '{fmt}'; allowed: {', '.join(FORMATS)}")
        implied = SUFFIXES.get(Path(path).suffix.lower()) if path is not None else None
        if implied is not None and implied != fmt:
            raise SmartcityError(f"{path}: --format {fmt} does not match the file's suffix (a {implied} file); "
                                 f"name the file *{_suffix_of(fmt)} or drop --format")
        return fmt
    if path is None:
        return "csv"
    suffix = Path(path).suffix.lower()
    if suffix not in SUFFIXES:
        raise SmartcityError(f"{path}: cannot tell the table format from the suffix '{suffix}'; use "
                             f"--format {{{','.join(FORMATS)}}} or one of {', '.join(sorted(SUFFIXES))}")
    return SUFFIXES[suffix]


def _suffix_of(fmt: str) -> str:
    return next(suffix for suffix, f in SUFFIXES.items() if f == fmt)


def fmt_number(x: float, *, nan: str = "–", inf: str = "∞") -> str:
    """A number for people: thousands separators, 3-4 significant digits for small values.

    Examples
    --------
    >>> fmt_number(27915.4), fmt_number(12.345), fmt_number(0.1234), fmt_number(float("nan"))
    ('27,915', '12.3', '0.12', '–')
    """
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return nan
    x = float(x)
    if math.isinf(x):
        return inf if x > 0 else "-" + inf
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


def _header(col) -> str:
    if isinstance(col, tuple):
        return " ".join(str(p) for p in col if str(p) != "")
    return str(col)


def footer_lines(df: pd.DataFrame) -> list[str]:
    """The provenance footer: one line per scenario column, then the table's own line."""
    lines = [f"{p['column']}: scenario '{p['scenario']}' of {p['results']}, smartcity {p['smartcity_version']}, "
             f"scenario SHA-256 {p['scenario_sha256']}, results created {p['results_created_utc']}"
             for p in df.attrs.get("provenance", [])]
    reference = df.attrs.get("baseline")
    if reference:
        lines.append(f"KPIs 'vs baseline' compare each scenario with '{reference}' of the same results")
    lines.append(f"table made by smartcity {__version__} at {df.attrs.get('created_utc', _now())}")
    return lines


def _rows(df: pd.DataFrame) -> tuple[list[str], list[list]]:
    """Headers and rows (id, name, unit, values...)."""
    headers = ["id", "KPI", "unit"] + [_header(c) for c in df.columns]
    out = []
    for (row_id, name, unit), values in zip(df.index, df.to_numpy(dtype=np.float64)):
        out.append([row_id, name, unit] + list(values))
    return headers, out


def _csv(df: pd.DataFrame) -> str:
    headers, rows = _rows(df)
    frame = pd.DataFrame(rows, columns=headers)
    frame = frame.rename(columns={"KPI": "name"})
    body = frame.to_csv(index=False, lineterminator="\n")
    return body + "".join(f"# {line}\n" for line in footer_lines(df))


def _md_escape(text: str) -> str:
    return str(text).replace("|", "\\|")


def _md(df: pd.DataFrame) -> str:
    headers, rows = _rows(df)
    headers = headers[1:]
    lines = ["| " + " | ".join(_md_escape(h) for h in headers) + " |",
             "| " + " | ".join(["---", "---"] + ["---:"] * (len(headers) - 2)) + " |"]
    for row in rows:
        cells = [_md_escape(row[1]), _md_escape(row[2])] + [fmt_number(v) for v in row[3:]]
        lines.append("| " + " | ".join(cells) + " |")
    title = df.attrs.get("title", "smartcity KPIs")
    foot = "\n".join(f"- {_md_escape(line)}" for line in footer_lines(df))
    return f"**{title}**\n\n" + "\n".join(lines) + "\n\n" + foot + "\n"


_LATEX_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
                  "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def _tex(text: str) -> str:
    return "".join(_LATEX_SPECIAL.get(ch, ch) for ch in str(text))


def _latex(df: pd.DataFrame) -> str:
    headers, rows = _rows(df)
    headers = headers[1:]
    cells = [[_tex(r[1]), _tex(r[2])] + [fmt_number(v, nan="--", inf=r"$\infty$") for v in r[3:]] for r in rows]
    frame = pd.DataFrame(cells, columns=[_tex(h) for h in headers])
    styler = frame.style.hide(axis="index")
    tabular = styler.to_latex(hrules=True, column_format="ll" + "r" * (len(headers) - 2))
    title = df.attrs.get("title", "smartcity KPIs")
    notes = r" \\ ".join(_tex(line) for line in footer_lines(df))
    return "\n".join([
        f"% {title}: written by smartcity {__version__}; needs \\usepackage{{booktabs}}",
        r"\begin{table}[htbp]",
        r"\centering",
        r"\small",
        f"\\caption{{{_tex(title)}}}",
        tabular.rstrip("\n"),
        r"\par\smallskip",
        r"\begin{minipage}{\linewidth}\footnotesize",
        notes,
        r"\end{minipage}",
        r"\end{table}",
        "",
    ])


_CSS = """body { font-family: Helvetica, Arial, sans-serif; color: #222; margin: 2em; }
table.kpi { border-collapse: collapse; font-size: 0.9em; }
table.kpi th, table.kpi td { border-bottom: 1px solid #ddd; padding: 0.25em 0.6em; text-align: left; }
table.kpi thead th { border-bottom: 2px solid #888; background: #f6f6f6; }
table.kpi td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.kpi tfoot td { font-size: 0.85em; color: #555; border-bottom: none; }"""


def table_html_fragment(df: pd.DataFrame) -> str:
    """The table as one HTML ``<table>`` element, its footer in ``<tfoot>``."""
    headers, rows = _rows(df)
    headers = headers[1:]
    out = ['<table class="kpi">', f"<caption>{html.escape(df.attrs.get('title', 'smartcity KPIs'))}</caption>",
           "<thead><tr>" + "".join(f'<th scope="col">{html.escape(h)}</th>' for h in headers) + "</tr></thead>",
           "<tbody>"]
    for row in rows:
        cells = [f"<td>{html.escape(str(row[1]))}</td>", f"<td>{html.escape(str(row[2]))}</td>"]
        cells += [f'<td class="num">{html.escape(fmt_number(v))}</td>' for v in row[3:]]
        out.append(f'<tr id="{html.escape(str(row[0]))}">' + "".join(cells) + "</tr>")
    out.append("</tbody>")
    foot = "<br>".join(html.escape(line) for line in footer_lines(df))
    out.append(f'<tfoot><tr><td colspan="{len(headers)}">{foot}</td></tr></tfoot>')
    out.append("</table>")
    return "\n".join(out)


def _html(df: pd.DataFrame) -> str:
    title = html.escape(df.attrs.get("title", "smartcity KPIs"))
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>{title}</title>\n'
            f"<style>\n{_CSS}\n</style>\n</head>\n<body>\n{table_html_fragment(df)}\n</body>\n</html>\n")


def _xlsx(df: pd.DataFrame) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    headers, rows = _rows(df)
    headers[1] = "name"
    book = Workbook()
    sheet = book.active
    sheet.title = "KPIs"
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        values = []
        for v in row[3:]:
            if math.isnan(v):
                values.append(None)
            elif math.isinf(v):
                values.append("inf" if v > 0 else "-inf")
            else:
                values.append(float(v))
        sheet.append(list(row[:3]) + values)
    sheet.append([])
    for line in footer_lines(df):
        sheet.append([line])
    sheet.column_dimensions["A"].width = 34
    sheet.column_dimensions["B"].width = 48
    sheet.freeze_panes = "D2"
    prov = book.create_sheet("provenance")
    keys = ["column", "scenario", "results", "smartcity_version", "scenario_sha256", "results_created_utc"]
    prov.append(keys + ["table_created_utc"])
    for p in df.attrs.get("provenance", []):
        prov.append([p.get(k, "") for k in keys] + [df.attrs.get("created_utc", "")])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def render_table(df: pd.DataFrame, fmt: str) -> str | bytes:
    """The table in ``fmt`` (one of :data:`FORMATS`): text, or bytes for ``xlsx``."""
    fmt = format_for(None, fmt)
    return {"csv": _csv, "md": _md, "latex": _latex, "xlsx": _xlsx, "html": _html}[fmt](df)


def write_table(df: pd.DataFrame, path: str | Path, fmt: str | None = None, *, force: bool = False) -> Path:
    """Write the table to ``path`` atomically.

    Parameters
    ----------
    df : pandas.DataFrame
        From :func:`kpi_table` or :func:`compare_table`.
    path : str or Path
        Output file.
    fmt : str, optional
        One of :data:`FORMATS`; default from the suffix of ``path``.
    force : bool
        Replace an existing file.

    Returns
    -------
    Path

    Raises
    ------
    OutputExistsError
        ``path`` exists and ``force`` is false (nothing written).
    SmartcityError
        Unknown format, or the file cannot be written.
    """
    path = Path(path)
    fmt = format_for(path, fmt)
    content = render_table(df, fmt)
    data = content if isinstance(content, bytes) else content.encode("utf-8")
    return write_bytes_atomic(data, path, force=force, what="the table")


def rich_table(df: pd.DataFrame):
    """A :class:`rich.table.Table` of the KPI or comparison table for the terminal."""
    from rich.table import Table
    from rich.text import Text

    headers, rows = _rows(df)
    table = Table(title=df.attrs.get("title", "smartcity KPIs"), title_justify="left")
    table.add_column(Text("KPI"), justify="left", overflow="fold", min_width=24)
    table.add_column(Text("unit"), justify="left", no_wrap=True)
    for h in headers[3:]:
        table.add_column(Text(h), justify="right", no_wrap=True)
    category = None
    meta = df.attrs.get("rows", {})
    for row in rows:
        cat = meta.get(row[0], {}).get("category")
        if cat != category and category is not None:
            table.add_section()
        category = cat
        table.add_row(row[1], row[2], *[fmt_number(v) for v in row[3:]])
    table.caption = "\n".join(footer_lines(df))
    table.caption_justify = "left"
    return table
