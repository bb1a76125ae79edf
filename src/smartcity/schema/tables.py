"""Tables with declared schemas: read a CSV or Parquet file and check every value.

A schema is data (``smartcity/schemas/<name>.toml``, :mod:`smartcity.schema.table_schemas`): for each column its dtype
(``str``, ``int``, ``float``, ``bool``), unit, range (``min``/``max``, optionally
exclusive), allowed values, uniqueness and default. :func:`read_table` returns a
``pandas.DataFrame`` with the schema's columns in schema order, defaults filled, and
raises :class:`~smartcity.errors.InputError` naming the file, the line (CSV; the header
is line 1) or row (Parquet; first data row is 1), the column, the value and what is
allowed for the first problem found.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import numpy as np
import pandas as pd

from smartcity.errors import InputError
from smartcity.schema.table_schemas import Column, TableSchema, load_schema, schema_markdown

__all__ = [
    "Column", "TableSchema", "SourceLines", "load_schema", "read_table", "check_table", "schema_markdown",
    "row_location",
]


class SourceLines:
    """Each row's line in the file a table was read from, kept in ``DataFrame.attrs``.

    A read-only integer array that pandas can carry along cheaply and safely: it is not
    copied when pandas deep-copies ``attrs`` (which it does on every column access), and
    two of them compare equal as a whole, so ``pd.concat`` of read tables keeps working.

    Parameters
    ----------
    lines : array_like of int
        Line (CSV, header is line 1) or row (Parquet, first data row is 1) of each row.

    Examples
    --------
    >>> lines = SourceLines([2, 3, 5])
    >>> int(lines[2]), len(lines), lines == SourceLines([2, 3, 5])
    (5, 3, True)
    >>> SourceLines(lines[[0, 0]]).tolist()
    [2, 2]
    """

    __slots__ = ("_lines",)

    def __init__(self, lines) -> None:
        array = np.array(lines, dtype=np.int64)
        array.flags.writeable = False
        self._lines = array

    def __array__(self, dtype=None, copy=None):
        return self._lines if dtype is None else self._lines.astype(dtype)

    def __len__(self) -> int:
        return len(self._lines)

    def __getitem__(self, index):
        return self._lines[index]

    def __iter__(self):
        return iter(self._lines.tolist())

    def __eq__(self, other) -> bool:
        return isinstance(other, SourceLines) and np.array_equal(self._lines, other._lines)

    __hash__ = None

    def __deepcopy__(self, memo) -> SourceLines:
        return self  # immutable

    def tolist(self) -> list[int]:
        return self._lines.tolist()

    def __repr__(self) -> str:
        return f"SourceLines({self._lines.tolist()!r})" if len(self) <= 6 else f"SourceLines(<{len(self)} lines>)"


def _read_csv(path: Path) -> tuple[pd.DataFrame, np.ndarray]:
    """Read a CSV file as text cells; returns the frame and each row's line in the file.

    Blank lines are skipped (line numbers still count them); empty trailing cells, as
    spreadsheet programs write them, are ignored; a row with more or fewer cells than the
    header is an error.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", file=path) from None
    except OSError as exc:
        raise InputError(f"cannot read the table ({exc.strerror or exc})", file=path) from None
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise InputError(f"not a readable CSV table ({exc})", file=path) from None
    numbered = [(n + 1, r) for n, r in enumerate(records) if any(cell.strip() for cell in r)]
    if not numbered:
        raise InputError("table is empty", file=path, allowed="a header line and data rows")
    header_line, header = numbered[0]
    header = [h.strip() for h in header]
    while header and header[-1] == "":
        header.pop()
    if len(header) == 1 and ";" in header[0]:
        raise InputError("the header is separated by ';'", file=path, row=header_line, line=True,
                         allowed="comma-separated values (save as 'CSV UTF-8, comma delimited')")
    width = len(header)
    cells, lines = [], []
    for line, record in numbered[1:]:
        record = [c.strip() for c in record]
        while len(record) > width and record[-1] == "":
            record.pop()
        if len(record) != width:
            raise InputError(f"row has {len(record)} cells but the header has {width}", file=path, row=line,
                             line=True, allowed="one cell per header column")
        cells.append(record)
        lines.append(line)
    # Keep duplicate names as they are (pandas would rename them); check_table reports them.
    frame = pd.DataFrame(cells, columns=pd.Index(header, dtype=object), dtype=object)
    return frame, np.asarray(lines, dtype=np.int64)


def _read_raw(path: Path, *, where: dict) -> tuple[pd.DataFrame, np.ndarray | None]:
    """Read a CSV or Parquet file; returns (frame, CSV line of each row or None)."""
    if not path.exists():
        raise InputError("table file not found", value=str(path), allowed="an existing .csv or .parquet file", **where)
    if path.is_dir():
        raise InputError("is a folder, not a table file", value=str(path), allowed="a .csv or .parquet file", **where)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path)
    if suffix in (".parquet", ".pq"):
        try:
            return pd.read_parquet(path), None
        except (OSError, ValueError, ImportError) as exc:
            raise InputError(f"cannot read the Parquet table ({exc})", file=path) from None
    raise InputError("unsupported table format", file=path, value=path.suffix, allowed="'.csv' or '.parquet'")


def read_table(path: str | Path, schema: TableSchema | str, *, scenario_file: str | Path | None = None,
               scenario_key: str | None = None) -> pd.DataFrame:
    """Read a table file and check it against its schema.

    Parameters
    ----------
    path : str or Path
        CSV (comma-separated, header line, UTF-8) or Parquet file.
    schema : TableSchema or str
        The schema, or the name of a shipped schema.
    scenario_file, scenario_key : optional
        Where the table was referenced, used in the message when the file is missing.

    Returns
    -------
    pandas.DataFrame
        Columns in schema order with dtypes ``object`` (str), ``int64``, ``float64`` or
        ``bool``; absent optional columns filled with their default.

    Raises
    ------
    InputError
        Missing file, unreadable file, missing or unknown column, bad value.
    """
    if isinstance(schema, str):
        schema = load_schema(schema)
    path = Path(path)
    where = {"file": scenario_file, "key": scenario_key} if scenario_file is not None else {}
    raw, lines = _read_raw(path, where=where)
    return check_table(raw, schema, file=path, lines=lines)


def check_table(raw: pd.DataFrame, schema: TableSchema, *, file: str | Path | None = None,
                lines: np.ndarray | None = None) -> pd.DataFrame:
    """Check and convert an already-read frame; see :func:`read_table`.

    ``lines`` gives each row's line in a text file (errors then name lines); without it
    errors name 1-based rows.
    """
    columns = schema.columns
    header = [str(c).strip() for c in raw.columns]
    dupes = sorted({c for c in header if header.count(c) > 1})
    if dupes:
        raise InputError("column appears twice in the header", file=file, column=dupes[0],
                         allowed="each column once")
    raw = raw.set_axis(header, axis=1)
    unknown = [c for c in header if c not in columns]
    if unknown:
        raise InputError(
            "unknown column", file=file, column=unknown[0],
            allowed="the columns of the '" + schema.name + "' schema: " + ", ".join(columns),
        )
    missing = [c.name for c in schema.column if c.required and c.name not in raw.columns]
    if missing:
        raise InputError(
            "required column is missing", file=file, column=missing[0],
            allowed="a header with the required columns: " + ", ".join(c.name for c in schema.column if c.required),
        )
    if len(raw) == 0:
        raise InputError("table has no data rows", file=file, allowed="at least one row")

    def locate(i: int) -> dict:
        # CSV: line numbers as an editor shows them; Parquet: 1-based rows.
        return {"row": int(lines[i]), "line": True} if lines is not None else {"row": i + 1}

    out = {}
    for col in schema.column:
        if col.name not in raw.columns and col.filled_by is not None:
            out[col.name] = np.full(len(raw), np.nan)
            continue
        if col.name not in raw.columns:
            out[col.name] = np.full(len(raw), col.default, dtype=object if col.dtype == "str" else None)
            out[col.name] = pd.Series(out[col.name]).astype(_pandas_dtype(col)).to_numpy()
            continue
        out[col.name] = _convert_column(raw[col.name], col, file, locate)
    frame = pd.DataFrame(out, columns=[c.name for c in schema.column])
    # Where each row came from, for checks across columns (see row_location).
    frame.attrs["source_file"] = None if file is None else str(file)
    frame.attrs["source_lines"] = None if lines is None else SourceLines(lines)
    for col in schema.column:
        if col.unique:
            dup = frame[col.name].duplicated()
            if dup.any():
                i = int(np.flatnonzero(dup.to_numpy())[0])
                raise InputError(
                    "duplicate value in a column whose values must be unique", file=file, column=col.name,
                    value=frame[col.name].iloc[i], allowed="values that appear once", **locate(i),
                )
    return frame


def row_location(frame: pd.DataFrame, i: int) -> dict:
    """``file``/``row``/``line`` keywords of :class:`InputError` for row ``i`` (0-based) of a read table."""
    lines = frame.attrs.get("source_lines")
    where = {"file": frame.attrs.get("source_file")}
    if lines is not None and len(lines) == len(frame):  # not after rows were added or dropped
        where.update(row=int(lines[i]), line=True)
    else:
        where.update(row=i + 1)
    return where


def _pandas_dtype(col: Column):
    return {"str": object, "int": "int64", "float": "float64", "bool": bool}[col.dtype]


def _convert_column(series: pd.Series, col: Column, file, locate) -> np.ndarray:
    values = series.to_numpy(dtype=object)
    n = len(values)
    if col.dtype == "str":
        result = np.empty(n, dtype=object)
        for i, v in enumerate(values):
            text = "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v).strip()
            if text == "" and col.required and col.allowed is not None:
                raise InputError("empty value", file=file, column=col.name, value=text,
                                 allowed=col.allowed_text(), **locate(i))
            if col.allowed is not None and text not in col.allowed:
                raise InputError("value not allowed", file=file, column=col.name, value=text,
                                 allowed=col.allowed_text(), **locate(i))
            if col.unique and text == "":
                raise InputError("empty identifier", file=file, column=col.name, value=text,
                                 allowed="a non-empty unique text", **locate(i))
            result[i] = text
        return result
    if col.dtype == "bool":
        result = np.empty(n, dtype=bool)
        for i, v in enumerate(values):
            text = str(v).strip().lower()
            if text in ("true", "1", "yes"):
                result[i] = True
            elif text in ("false", "0", "no"):
                result[i] = False
            else:
                raise InputError("not a boolean", file=file, column=col.name, value=v,
                                 allowed="true or false", **locate(i))
        return result
    if not (pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)):
        numbers = pd.to_numeric(series.astype(str).str.strip(), errors="coerce").to_numpy(dtype=np.float64)
    else:
        numbers = series.to_numpy(dtype=np.float64)
    to_fill = np.zeros(n, dtype=bool)
    if col.filled_by is not None:  # empty cells are completed later by the filler
        to_fill = np.array([v is None or (isinstance(v, str) and not v.strip())
                            or (isinstance(v, float) and math.isnan(v)) for v in values], dtype=bool)
    checks = [
        (~np.isfinite(numbers) & ~to_fill, "not a finite number"),
    ]
    if col.dtype == "int":
        checks.append((np.isfinite(numbers) & (numbers != np.round(numbers)), "not an integer"))
    with np.errstate(invalid="ignore"):
        if col.min is not None:
            checks.append(((numbers <= col.min) if col.min_exclusive else (numbers < col.min), "value out of range"))
        if col.max is not None:
            checks.append(((numbers >= col.max) if col.max_exclusive else (numbers > col.max), "value out of range"))
    first_bad = [(int(np.argmax(mask)), problem) for mask, problem in checks if mask.any()]
    if first_bad:
        i, problem = min(first_bad)
        raise InputError(problem, file=file, column=col.name, value=_plain(values[i]),
                         allowed=col.allowed_text(), **locate(i))
    return numbers.astype(np.int64) if col.dtype == "int" else numbers


def _plain(v):
    """A value as the user wrote it (numbers from CSV arrive as text)."""
    if isinstance(v, str):
        try:
            return float(v) if any(ch in v for ch in ".eE") else int(v)
        except ValueError:
            return v
    return v.item() if isinstance(v, np.generic) else v
