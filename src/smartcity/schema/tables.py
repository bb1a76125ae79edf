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
from smartcity.schema.files import check_regular_file
from smartcity.schema.table_schemas import Column, TableSchema, load_schema, schema_markdown

__all__ = [
    "Column", "TableSchema", "SourceLines", "TextCodes", "load_schema", "read_table", "check_table",
    "schema_markdown", "row_location",
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
    header is an error. Cells are stripped of surrounding white space.

    A plain file (no quoted cells, no blank lines) is parsed column-wise (pyarrow when
    it is installed, else pandas' C parser), where line ``k`` of the file is record
    ``k``; any other file, and any file one of them does not read cleanly, is read
    record by record with the :mod:`csv` module, so both give the same cells, lines and
    messages.
    """
    try:
        fast = _read_plain_csv(path.read_bytes())
        if fast is not None:
            return fast
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", file=path) from None
    except OSError as exc:
        raise InputError(f"cannot read the table ({exc.strerror or exc})", file=path) from None
    return _read_csv_records(text, path)


#: Bytes that Python's ``str.strip`` removes but an ASCII trim may not (file, group,
#: record and unit separators); a file holding one is read record by record.
_SEPARATORS = (b"\x1c", b"\x1d", b"\x1e", b"\x1f")


def _arrow_text():
    """Text cells backed by Arrow with NaN for a missing cell (pandas' default string dtype
    with pyarrow); None without pyarrow, or where pandas keeps text as objects."""
    global _ARROW_TEXT_DTYPE
    if _ARROW_TEXT_DTYPE is False:
        try:
            import pyarrow  # noqa: F401

            inferred = pd.Series(np.array(["x"], dtype=object)).dtype
            dtype = pd.StringDtype("pyarrow", na_value=np.nan)
            _ARROW_TEXT_DTYPE = dtype if inferred == dtype else None
        except ImportError:
            _ARROW_TEXT_DTYPE = None
    return _ARROW_TEXT_DTYPE


_ARROW_TEXT_DTYPE = False  # not yet known


def _read_plain_csv(data: bytes) -> tuple[pd.DataFrame, np.ndarray] | None:
    """Column-wise reading of a CSV file's bytes without quotes or blank lines; None for any
    other file (or one that is not UTF-8: the record-wise reader names the problem)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    body_end = len(data) - 1 if data.endswith(b"\n") else len(data)  # a final line end ends no record
    ascii_text = data.isascii()
    if (not body_end or b'"' in data or b"\x00" in data or any(c in data for c in _SEPARATORS)
            or (b"\r" in data and data.count(b"\r") != data.count(b"\r\n"))):
        return None
    header_end = data.find(b"\n", 0, body_end)
    try:
        first = data[:body_end if header_end < 0 else header_end].decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not first.replace(",", "").strip():
        return None
    n_lines = data.count(b"\n", 0, body_end) + 1
    header = [h.strip() for h in first.rstrip("\r").split(",")]
    n_cells = len(header)
    while header and header[-1] == "":
        header.pop()
    if len(header) == 1 and ";" in header[0] or not header:
        return None  # the record-wise reader names the problem
    try:
        columns = _parse_columns(data, n_cells)
    except Exception:  # any parser complaint (a row of another width, bad UTF-8): the record-wise reader names it
        return None
    if columns is None or any(len(c) != n_lines for c in columns):
        return None
    width = len(header)
    # An ASCII text without blanks, tabs or form feeds has no cell to strip ('\r' ends lines).
    plain = ascii_text and not any(c in data for c in (b" ", b"\t", b"\x0b", b"\x0c"))
    cells = [c.iloc[1:].reset_index(drop=True) if plain else _strip_cells(c.iloc[1:], ascii_text) for c in columns]
    for extra in cells[width:]:
        if (extra != "").any():
            return None  # a row with more cells than the header
    if _has_blank_record(cells):
        return None  # the record-wise reader skips it and keeps counting lines
    if n_lines == 1:
        frame = pd.DataFrame(columns=pd.Index(header, dtype=object), dtype=object)
        return frame, np.zeros(0, dtype=np.int64)
    frame = pd.DataFrame(dict(enumerate(cells[:width])))
    frame.columns = pd.Index(header, dtype=object)  # duplicate names kept; check_table reports them
    return frame, np.arange(2, n_lines + 1, dtype=np.int64)


def _has_blank_record(cells: list[pd.Series]) -> bool:
    """True if a record (row of ``cells``, already stripped) has no text in any cell: a blank
    line, or white space and commas only."""
    blank = None
    for column in cells:
        empty = (column == "").to_numpy(dtype=bool)
        blank = empty if blank is None else blank & empty
        if not blank.any():
            return False
    return blank is not None and bool(blank.any())


def _arrow_csv():
    """``(pyarrow, pyarrow.csv)``, or None where pyarrow is not installed."""
    try:
        import pyarrow as pa
        from pyarrow import csv as pa_csv
    except ImportError:
        return None
    return pa, pa_csv


def _parse_columns(data: bytes, n_cells: int) -> list[pd.Series] | None:
    """The cells of every record of a quote-free CSV file, one Series of text per column."""
    arrow = _arrow_csv()
    if arrow is None:
        frame = pd.read_csv(io.BytesIO(data), header=None, dtype=str, na_filter=False, skip_blank_lines=False,
                            quoting=csv.QUOTE_NONE, engine="c", encoding="utf-8", encoding_errors="strict")
        if frame.shape[1] != n_cells:
            return None
        return [frame[c] for c in frame.columns]
    pa, pa_csv = arrow
    names = [f"c{i}" for i in range(n_cells)]
    table = pa_csv.read_csv(
        io.BytesIO(data),
        read_options=pa_csv.ReadOptions(column_names=names, block_size=1 << 24),
        parse_options=pa_csv.ParseOptions(quote_char=False, newlines_in_values=False, ignore_empty_lines=False),
        convert_options=pa_csv.ConvertOptions(column_types={n: pa.large_string() for n in names},
                                              strings_can_be_null=False, quoted_strings_can_be_null=False,
                                              check_utf8=True))
    dtype = _arrow_text() or pd.StringDtype("pyarrow", na_value=np.nan)
    return [pd.Series(pd.array(table[n], dtype=dtype)) for n in names]  # large_string, as pandas keeps text


def _strip_cells(cells: pd.Series, ascii_text: bool) -> pd.Series:
    """Cells without surrounding white space, as Python's ``str.strip`` removes it."""
    cells = cells.reset_index(drop=True)
    if ascii_text and isinstance(cells.dtype, pd.StringDtype) and cells.dtype.storage == "pyarrow":
        import pyarrow.compute as pc

        array = cells.array._pa_array
        return pd.Series(pd.array(pc.ascii_trim_whitespace(array).combine_chunks(), dtype=cells.dtype))
    codes, uniques = pd.factorize(cells)
    stripped = np.array([str(u).strip() for u in uniques], dtype=object)
    return pd.Series(stripped[codes], dtype=object)


def _read_csv_records(text: str, path: Path) -> tuple[pd.DataFrame, np.ndarray]:
    """:func:`_read_csv` record by record with the :mod:`csv` module (any CSV text)."""
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
    check_regular_file(path, what="table file", **where)  # a device or pipe would be read without end
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
    replaced = [c for c in unknown if c in schema.table.replaced]
    if replaced:
        raise InputError("column no longer read", file=file, column=replaced[0],
                         allowed=schema.table.replaced[replaced[0]])
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

    out, distinct = {}, {}
    for col in schema.column:
        if col.name not in raw.columns and col.filled_by is not None:
            out[col.name] = np.full(len(raw), np.nan)
            continue
        if col.name not in raw.columns:
            out[col.name] = np.full(len(raw), col.default, dtype=object if col.dtype == "str" else None)
            out[col.name] = pd.Series(out[col.name]).astype(_pandas_dtype(col)).to_numpy()
            continue
        out[col.name] = _convert_column(raw[col.name], col, file, locate, distinct)
    frame = pd.DataFrame(out, columns=[c.name for c in schema.column])
    # Where each row came from, for checks across columns (see row_location).
    frame.attrs["source_file"] = None if file is None else str(file)
    frame.attrs["source_lines"] = None if lines is None else SourceLines(lines)
    frame.attrs["text_codes"] = TextCodes(distinct)
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


def _convert_column(series: pd.Series, col: Column, file, locate, distinct: dict | None = None) -> np.ndarray:
    """One column converted to its dtype; InputError at the first bad cell (in file order).

    Text cells are checked once per distinct value and the verdicts spread over the rows,
    so a million rows with a thousand meter ids cost a thousand checks; ``distinct``
    receives, per text column, the distinct texts and each row's code.
    """
    n = len(series)
    if col.dtype == "str":
        codes, uniques = _distinct(series)
        texts = _stripped_texts(uniques)
        # the problem of each distinct text, the first that applies (0: none)
        empty = texts == ""
        problem = np.zeros(len(texts), dtype=np.int8)
        if col.unique:
            problem[empty] = 3
        if col.allowed is not None:
            problem[~pd.Series(texts, dtype=object).isin(list(col.allowed)).to_numpy()] = 2
            if col.required:
                problem[empty] = 1
        bad = (problem != 0)[codes]
        if bad.any():
            i = int(np.argmax(bad))
            kind, text = int(problem[codes[i]]), texts[codes[i]]
            allowed = "a non-empty unique text" if kind == 3 else col.allowed_text()
            raise InputError(_TEXT_PROBLEMS[kind], file=file, column=col.name, value=text, allowed=allowed,
                             **locate(i))
        if not n:
            return np.empty(0, dtype=object)
        if distinct is not None:
            distinct[col.name] = _canonical(codes, texts)
        if (series.dtype == _arrow_text() and not (codes == len(uniques) - 1).any()  # the last: a missing cell
                and bool((texts[:-1] == uniques[:-1]).all())):
            return series.array  # every cell already as it should be: kept as it is
        return _text_column(texts, codes)
    if col.dtype == "bool":
        codes, uniques = _distinct(series)
        words = [str(v).strip().lower() for v in uniques]
        truth = np.array([w in ("true", "1", "yes") for w in words], dtype=bool)
        known = truth | np.array([w in ("false", "0", "no") for w in words], dtype=bool)
        if n and not known[codes].all():
            i = int(np.argmax(~known[codes]))
            raise InputError("not a boolean", file=file, column=col.name, value=series.iloc[i],
                             allowed="true or false", **locate(i))
        return truth[codes] if n else np.empty(0, dtype=bool)
    numeric = pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)
    numbers = series.to_numpy(dtype=np.float64) if numeric else _text_numbers(series)
    to_fill = np.zeros(n, dtype=bool)
    if col.filled_by is not None:  # empty cells are completed later by the filler
        to_fill = np.array(pd.isna(series), dtype=bool)
        if not numeric:
            codes, uniques = _distinct(series)
            blank = np.array([isinstance(v, str) and not v.strip() for v in uniques], dtype=bool)
            to_fill |= blank[codes]
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
        raise InputError(problem, file=file, column=col.name, value=_plain(series.to_numpy(dtype=object)[i]),
                         allowed=col.allowed_text(), **locate(i))
    if col.dtype == "int" and not to_fill.any():
        return numbers.astype(np.int64)
    return numbers  # an integer column with cells left to a filler stays float, NaN where empty


class TextCodes:
    """The distinct texts of each text column of a read table and each row's code, kept in
    ``DataFrame.attrs["text_codes"]`` so that readers group and parse each distinct text
    once. Like :class:`SourceLines` it is not copied when pandas copies ``attrs``.

    Parameters
    ----------
    columns : dict of str to (numpy.ndarray, numpy.ndarray)
        Per column: the code of each row (int64) and the distinct texts (object), so that
        ``texts[codes]`` are the column's cells.
    """

    __slots__ = ("_columns",)

    def __init__(self, columns: dict) -> None:
        self._columns = dict(columns)

    def get(self, column: str, n_rows: int):
        """``(codes, texts)`` of a column, or None if unknown or not of ``n_rows`` rows."""
        found = self._columns.get(column)
        return found if found is not None and len(found[0]) == n_rows else None

    def __eq__(self, other) -> bool:
        return isinstance(other, TextCodes) and self._columns.keys() == other._columns.keys() and all(
            np.array_equal(a[0], other._columns[k][0]) and np.array_equal(a[1], other._columns[k][1])
            for k, a in self._columns.items())

    __hash__ = None

    def __deepcopy__(self, memo) -> TextCodes:
        return self  # not changed after reading

    def __repr__(self) -> str:
        return f"TextCodes({sorted(self._columns)})"


def _canonical(codes: np.ndarray, texts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes and texts with each text once (stripping can make two cells alike)."""
    last = len(texts) - 1  # a missing cell (see _distinct)
    if len(set(texts[:last])) == last and not (codes == last).any():
        return np.asarray(codes, dtype=np.int64), texts[:last]
    used, inverse = np.unique(codes, return_inverse=True)
    texts = texts[used]
    text_codes, distinct = pd.factorize(pd.Series(texts, dtype=object))
    return text_codes[inverse].astype(np.int64), np.asarray(distinct, dtype=object)


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


#: Problems of a text cell, by the code :func:`_convert_column` gives them.
_TEXT_PROBLEMS = {1: "empty value", 2: "value not allowed", 3: "empty identifier"}


def _stripped_texts(values: np.ndarray) -> np.ndarray:
    """Each value as ``str(value).strip()``; missing values (None, float NaN) as "".

    Texts with missing values (what :func:`_distinct` gives for a text column) are stripped
    in one vectorised step; any other mix of values one by one.
    """
    series = pd.Series(values, dtype=object)
    if pd.api.types.infer_dtype(series, skipna=True) in ("string", "empty"):
        texts = series.str.strip().to_numpy(dtype=object, copy=True)
        texts[series.isna().to_numpy()] = ""
        return texts
    return np.array(["" if _missing(v) else str(v).strip() for v in values], dtype=object)


def _distinct(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """``(codes, uniques)`` with ``uniques[codes]`` the cells (object values); the last of
    ``uniques`` is None, the code of a missing cell (if there is one).

    Only text (and missing) cells are factorised: pandas would merge 1, 1.0 and True,
    which read differently as text, so any other column keeps one entry per row.
    """
    kind = pd.api.types.infer_dtype(series, skipna=True)
    if kind in ("string", "empty"):
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
        uniques = np.append(np.asarray(uniques, dtype=object), None)  # code -1: a missing cell
        return np.where(codes < 0, len(uniques) - 1, codes), uniques
    return np.arange(len(series)), np.append(series.to_numpy(dtype=object), None)


def _text_column(texts: np.ndarray, codes: np.ndarray):
    """``texts[codes]``: an Arrow-backed text array where pandas would make one anyway."""
    dtype = _arrow_text()
    if dtype is None:
        return texts[codes]
    import pyarrow as pa

    return pd.array(pa.array(texts, type=pa.string()).take(pa.array(codes, type=pa.int64())), dtype=dtype)


def _text_numbers(series: pd.Series) -> np.ndarray:
    """Numbers of text cells (NaN where a cell is not a number)."""
    if isinstance(series.dtype, pd.StringDtype) and series.dtype.storage == "pyarrow":
        import pyarrow as pa  # installed, since pandas made this column with it
        import pyarrow.compute as pc

        try:  # Arrow parses what pandas does, and fails on anything else
            return pc.cast(series.array._pa_array, pa.float64()).to_numpy(zero_copy_only=False).astype(np.float64)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass
    return pd.to_numeric(series.astype(str).str.strip(), errors="coerce").to_numpy(dtype=np.float64)


def _plain(v):
    """A value as the user wrote it (numbers from CSV arrive as text)."""
    if isinstance(v, str):
        try:
            return float(v) if any(ch in v for ch in ".eE") else int(v)
        except ValueError:
            return v
    return v.item() if isinstance(v, np.generic) else v
