"""HTML of the reports: tables, notes, the page style, and writing a report folder atomically.

Used by the scenario report (:mod:`smartcity.report.scenario`) and the monitoring report
(:mod:`smartcity.monitoring.report`). :func:`write_folder` builds a report in a hidden
temporary folder inside the target, then moves its outputs into place, the page last and
without ever replacing an existing page unless asked: an interrupted report leaves no
partial page.
"""

from __future__ import annotations

import html
import math
import os
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from smartcity.errors import OutputExistsError, SmartcityError
from smartcity.kpi.tables import fmt_number
from smartcity.writing import default_permissions, describe_os_error, folder_lock, publish, temporary_folder

__all__ = ["PAGE_CSS", "table_html", "note", "figure_html", "check_folder", "write_folder"]


def _cell(value: object) -> tuple[str, bool]:
    """Escaped cell text and whether it is a number."""
    if isinstance(value, float | int | np.floating | np.integer) and not isinstance(value, bool | np.bool_):
        return html.escape(fmt_number(value)), True
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


def note(text: str) -> str:
    """A highlighted note paragraph."""
    return f'<p class="note">{html.escape(text)}</p>'


def figure_html(folder: str, name: str, caption: str, alt: str) -> str:
    """A ``<figure>`` of ``folder/name.png`` with its caption and a link to the SVG."""
    png, svg = f"{folder}/{name}.png", f"{folder}/{name}.svg"
    return (f'<figure id="fig-{name}"><img src="{png}" alt="{html.escape(alt)}">'
            f'<figcaption>{html.escape(caption)} <a href="{svg}">SVG</a></figcaption></figure>')


def check_folder(out_dir: str | Path, outputs: Sequence[str], *, force: bool, what: str = "a report",
                 folders: Sequence[str] = ()) -> None:
    """Refuse, before anything is computed, a folder that cannot take a report.

    Parameters
    ----------
    out_dir : str or Path
        The target folder.
    outputs : sequence of str
        Names the report writes in it (files, and the ``folders`` among them).
    force : bool
        Whether existing outputs may be replaced.
    what : str
        What is written, for the messages (e.g. "a monitoring report").

    Raises
    ------
    SmartcityError
        ``out_dir`` is a file, or an output's name is taken by the wrong kind of entry.
    OutputExistsError
        An output exists and ``force`` is false.
    """
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise SmartcityError(f"{out_dir}: the report folder is a file; choose another folder with -o")
    for name in outputs:
        target = out_dir / name
        if name in folders and target.exists() and not target.is_dir():
            raise SmartcityError(f"{target}: a file has the name of the report's folder; choose another folder "
                                 "with -o")
        if name not in folders and target.is_dir():
            raise SmartcityError(f"{target}: a folder has the report's name; choose another folder with -o")
        if target.exists() and not force:
            raise OutputExistsError(f"{target}: {what} already exists; pass --force to replace it or choose "
                                    "another folder with -o")


def write_folder(out_dir: str | Path, outputs: Sequence[str], build: Callable[[Path], None], *, force: bool,
                 what: str = "a report", folders: Sequence[str] = ()) -> None:
    """Build a report in a temporary folder inside ``out_dir``, then move its outputs into place.

    Parameters
    ----------
    out_dir : str or Path
        The target folder (created if needed; removed again if this call created it and fails).
    outputs : sequence of str
        The names ``build`` writes, in the order they are moved: the page last. The page is
        linked into place, so an existing page is never replaced without ``force`` even if
        it appeared meanwhile.
    build : callable
        Writes every output into the temporary folder it is given.
    force : bool
        Replace existing outputs.
    what, folders
        As in :func:`check_folder`.
    """
    out_dir = Path(out_dir)
    check_folder(out_dir, outputs, force=force, what=what, folders=folders)
    # the lock removes the folder again if this call created it and fails (the outputs are then gone)
    with folder_lock(out_dir, what="the report folder"):
        _write_folder_locked(out_dir, outputs, build, force=force, what=what, folders=folders)


def _write_folder_locked(out_dir: Path, outputs: Sequence[str], build: Callable[[Path], None], *, force: bool,
                         what: str, folders: Sequence[str]) -> None:
    check_folder(out_dir, outputs, force=force, what=what, folders=folders)  # again, now that it is ours
    try:
        tmp = temporary_folder(out_dir, outputs[-1])
    except OSError as exc:
        raise SmartcityError(f"{out_dir}: cannot create the report folder ({describe_os_error(exc)})") from None
    moved: list[Path] = []
    try:
        build(tmp)
        for path in [tmp, *tmp.rglob("*")]:
            default_permissions(path, folder=path.is_dir())
        *first, page = outputs
        for name in first:
            target = out_dir / name
            if target.exists():
                if not force:
                    raise OutputExistsError(f"{target}: {what} already exists; pass --force to replace it")
                os.rename(target, tmp / f"old-{name}")  # deleted with the temporary folder
            os.rename(tmp / name, target)
            moved.append(target)
        publish(tmp / page, out_dir / page, force, f"{out_dir / page}: {what} already exists; pass --force to "
                "replace it")
    except BaseException as exc:
        for target in moved:
            shutil.rmtree(target, ignore_errors=True) if target.is_dir() else target.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise SmartcityError(f"{out_dir}: cannot write {what} ({describe_os_error(exc)})") from None
        raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
