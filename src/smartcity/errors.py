"""Errors that the command line reports as one clear line.

Every error caused by a user's input (a scenario file, a table, a weather file)
is an :class:`InputError`. Its message names where the problem is (file, key or
row and column), the offending value and what is allowed, so the user can fix it
without reading a traceback. The command line exits with status 2 on these and
with status 1 on anything else (a bug).
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["SmartcityError", "InputError", "OutputExistsError", "shorten", "MAX_ECHOED_CHARS"]

_UNSET = object()


#: Longest value echoed in a message [characters]; longer ones are cut in the middle.
MAX_ECHOED_CHARS = 80


def shorten(text: str, limit: int = MAX_ECHOED_CHARS) -> str:
    """``text`` cut to about ``limit`` characters, keeping its start and end.

    Examples
    --------
    >>> shorten("a" * 100 + "b" * 100, 20)
    'aaaaaaaaaaaaa … bbbbb (200 characters)'
    """
    if len(text) <= limit:
        return text
    head, tail = (limit * 2) // 3, max(limit // 4, 1)
    return f"{text[:head]} … {text[-tail:]} ({len(text)} characters)"


class SmartcityError(Exception):
    """An expected failure (bad input, refused overwrite); the CLI exits with 2."""

    exit_code = 2


class OutputExistsError(SmartcityError):
    """An output exists and ``--force`` was not given (nothing is written)."""


class InputError(SmartcityError, ValueError):
    """Bad input: names the place, the value and what is allowed.

    Parameters
    ----------
    problem : str
        What is wrong, e.g. ``"must be positive"``.
    file : str or Path, optional
        The file that holds the bad input.
    key : str, optional
        Dotted key inside a scenario file, e.g. ``"scenario.base_year"``.
    row : int, optional
        1-based data row of a table (the header is row 0), or line of a text file
        when ``line=True``.
    column : str, optional
        Column of a table.
    value : object, optional
        The offending value.
    allowed : str, optional
        What would be accepted, e.g. ``"a number > 0 [m2]"``.
    line : bool
        If true, ``row`` is reported as a line number of the file.

    Examples
    --------
    >>> str(InputError("must be positive", file="b.csv", row=3,
    ...                column="heated_floor_area_m2", value=-5.0, allowed="> 0 [m2]"))
    "b.csv, row 3, column 'heated_floor_area_m2': must be positive; got -5.0; allowed: > 0 [m2]"
    """

    def __init__(
        self,
        problem: str,
        *,
        file: str | Path | None = None,
        key: str | None = None,
        row: int | None = None,
        column: str | None = None,
        value: object = _UNSET,
        allowed: str | None = None,
        line: bool = False,
    ) -> None:
        self.problem = problem
        self.file = None if file is None else str(file)
        self.key = key
        self.row = row
        self.column = column
        if hasattr(value, "item") and getattr(value, "shape", None) == ():  # a numpy scalar: its plain value
            value = value.item()
        self.value = None if value is _UNSET else value
        self.has_value = value is not _UNSET
        self.allowed = allowed
        self.line = line
        super().__init__(self._format())

    def where(self) -> str:
        """The location part of the message (file, key, row, column)."""
        parts = []
        if self.file is not None:
            parts.append(self.file)
        if self.key is not None:
            parts.append(f"key '{shorten(self.key)}'")
        if self.row is not None:
            parts.append(f"{'line' if self.line else 'row'} {self.row}")
        if self.column is not None:
            parts.append(f"column '{self.column}'")
        return ", ".join(parts)

    def _format(self) -> str:
        text = self.problem
        where = self.where()
        if where:
            text = f"{where}: {text}"
        if self.has_value:
            text += f"; got {shorten(repr(self.value))}"
        if self.allowed:
            text += f"; allowed: {self.allowed}"
        return text

    def located(self, **where: object) -> "InputError":
        """Return a copy with missing location fields filled in."""
        fields = dict(
            file=self.file, key=self.key, row=self.row, column=self.column,
            allowed=self.allowed, line=self.line,
        )
        for name, val in where.items():
            if fields.get(name) is None:
                fields[name] = val
        if self.has_value:
            fields["value"] = self.value
        return InputError(self.problem, **fields)
