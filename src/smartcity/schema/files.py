"""Reading files of the scenario language: TOML documents, data files, validation errors.

* :func:`read_toml` parses one TOML file and turns a syntax error into an
  :class:`~smartcity.errors.InputError` with the line and column;
* :func:`read_data_file` and :func:`parse_data_file` read a data file laid out as one of the
  shipped ``smartcity/data/*.toml`` files into its pydantic model (the shipped copy parsed
  once per process);
* :func:`input_error` turns the first error of a pydantic :class:`~pydantic.ValidationError`
  into one :class:`~smartcity.errors.InputError` naming the file, the key, the value and
  what is allowed — the one converter of scenario files, building files and data files.
"""

from __future__ import annotations

import difflib
import functools
import re
import tomllib
import typing
from collections.abc import Callable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from smartcity.errors import InputError

__all__ = ["MAX_TOML_BYTES", "check_regular_file", "read_toml", "parse_data_file", "read_data_file", "input_error",
           "model_of", "model_at", "field_at"]

_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


#: Largest scenario, building or data TOML file read [bytes]: scenario files are a few kB; anything
#: larger is not one (a wrong file, a device) and is refused before it is read into memory.
MAX_TOML_BYTES = 10 * 1024 * 1024

#: The UTF-8 byte order mark some Windows editors put at the start of a file.
_BOM = "\ufeff"


def check_regular_file(path: Path, *, what: str = "file", max_bytes: int | None = None, **where) -> None:
    """Refuse what cannot be read as an input file: a missing file, a folder, a device or FIFO,
    or a file larger than ``max_bytes``.

    ``where`` (``file``, ``key``) locates the reference in the message when ``path`` was named
    by another file (e.g. a scenario's ``extends``); otherwise the message names ``path``.

    Raises
    ------
    InputError
    """
    import stat

    located = where or {"file": path}
    value = {"value": str(path)} if where else {}
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError(f"{what} not found", **located, **value) from None
    except OSError as exc:
        raise InputError(f"cannot read the {what} ({exc.strerror or exc})", **located, **value) from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"is a folder, not a {what}", **located, **value, allowed="a regular file")
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"not a regular file (a device, pipe or socket), not a {what}", **located, **value,
                         allowed="a regular file")
    if max_bytes is not None and info.st_size > max_bytes:
        raise InputError(f"too large for a {what} ({info.st_size / 1e6:,.1f} MB)", **located, **value,
                         allowed=f"at most {max_bytes / 1e6:,.0f} MB")


def read_toml(path: Path) -> dict:
    """Parse one TOML file, turning syntax errors into an :class:`InputError` with the line.

    A UTF-8 byte order mark at the start is accepted (some editors write one).

    Raises
    ------
    InputError
        A missing file, a folder, a device or FIFO, a file over :data:`MAX_TOML_BYTES`, text
        that is not UTF-8, or invalid TOML (with its line and column).
    """
    path = Path(path)
    check_regular_file(path, what="scenario file", max_bytes=MAX_TOML_BYTES)
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_TOML_BYTES + 1)  # the size may have changed since the check
    except OSError as exc:
        raise InputError(f"cannot read the scenario file ({exc.strerror or exc})", file=path) from None
    if len(data) > MAX_TOML_BYTES:
        raise InputError("too large for a scenario file", file=path, allowed=f"at most {MAX_TOML_BYTES / 1e6:,.0f} MB")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", file=path) from None
    text = text.removeprefix(_BOM)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = _TOML_POSITION.search(message)
        problem = "invalid TOML: " + _TOML_POSITION.sub("", message).strip().rstrip(".")
        if match:
            raise InputError(problem + f" (column {match.group(2)})", file=path, row=int(match.group(1)),
                             line=True) from None
        raise InputError(problem, file=path) from None


def parse_data_file(model: type[BaseModel], text: str, file: str):
    """Parse the TOML ``text`` of a data file into ``model``; errors name the file and key."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"not valid TOML ({exc})", file=file) from None
    try:
        return model.model_validate(document)
    except ValidationError as exc:
        raise input_error(exc, file=file, model=model) from None


def read_data_file(model: type[BaseModel], path, shipped: str, what: str):
    """Read and check a data file into ``model``: ``path``, or the shipped one.

    Parameters
    ----------
    model : pydantic model class
        The file's structure.
    path : str or Path or None
        A TOML file laid out as the shipped one; None for the shipped file
        ``smartcity/<shipped>``, parsed once and cached.
    shipped : str
        Path of the shipped file inside the package, e.g. ``"data/vehicles.toml"``.
    what : str
        What the file holds, for the message when it cannot be read (e.g. "vehicles").

    Raises
    ------
    InputError
        An unreadable file, invalid TOML or content; the message names the file and key.
    """
    if path is None:
        return _shipped_data_file(model, shipped)
    path = Path(path)
    check_regular_file(path, what=f"{what} file", max_bytes=MAX_TOML_BYTES)
    try:
        text = path.read_text(encoding="utf-8").removeprefix(_BOM)
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the {what} file ({getattr(exc, 'strerror', None) or exc})", file=path) from None
    return parse_data_file(model, text, str(path))


@functools.cache
def _shipped_data_file(model: type[BaseModel], shipped: str):
    source = resources.files("smartcity").joinpath(shipped)
    return parse_data_file(model, source.read_text(encoding="utf-8"), f"smartcity/{shipped}")


# --------------------------------------------------------------------------------------
# Validation errors
# --------------------------------------------------------------------------------------

def model_of(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model class inside a field annotation (through Optional, Annotated, unions)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = model_of(arg)
        if found is not None:
            return found
    return None


def model_at(root: type[BaseModel] | None, loc: tuple, resolve: Callable | None = None) -> type[BaseModel] | None:
    """The model class that holds the key at ``loc`` (list indices and mapping keys skipped).

    ``resolve(prefix, annotation)``, if given, may name the model behind a field that the
    annotation does not reveal (e.g. a measure chosen by its ``type`` at validation time).
    """
    model = root
    for n, part in enumerate(loc[:-1]):
        if model is None:
            return None
        if isinstance(part, int) or part not in model.model_fields:
            continue  # an index into a list or a key of a mapping
        annotation = model.model_fields[part].annotation
        found = resolve(loc[: n + 2], annotation) if resolve is not None else None
        if found is None and typing.get_origin(annotation) is dict:
            found = model_of(typing.get_args(annotation)[1])
            if found is None and resolve is not None:
                found = resolve(loc[: n + 2], typing.get_args(annotation)[1])
        model = found if found is not None else model_of(annotation)
    return model


def field_at(root: type[BaseModel] | None, loc: tuple, resolve: Callable | None = None):
    """The pydantic ``FieldInfo`` of the key at ``loc``, or None."""
    model = model_at(root, loc, resolve)
    if model is None or not loc or isinstance(loc[-1], int):
        return None
    for name, info in model.model_fields.items():
        if loc[-1] in (name, info.alias):
            return info
    return None


def _dotted(loc: tuple) -> str:
    return ".".join(str(p) for p in loc)


def input_error(exc: ValidationError, *, file, model: type[BaseModel] | None = None,
                origins: Mapping[tuple, Path] | None = None, missing_file=None,
                key_text: Callable[[tuple], str] = _dotted, context: Callable[[tuple], str] | None = None,
                resolve: Callable | None = None) -> InputError:
    """The first error of a pydantic validation as one :class:`InputError`.

    Unknown keys come first (a misspelt key also makes the right key "missing"), missing
    keys last. The message names the file, the key, the value and what is allowed: for an
    unknown key the keys of its table (with the closest one), for a missing key its
    description, for a bad value the validator's ``allowed`` or pydantic's requirement.

    Parameters
    ----------
    exc : pydantic.ValidationError
        The error of ``model.model_validate(document)``.
    file : str or Path
        The file the document comes from.
    model : pydantic model class, optional
        The document's model, to list the keys a table allows and describe missing keys.
    origins : mapping of key path to Path, optional
        Which file wrote each key (scenario inheritance); the error names that file.
    missing_file : str or Path, optional
        The file named for a missing key (default ``file``).
    key_text : callable, optional
        Key path -> the key as written in the message (default: dotted).
    context : callable, optional
        Key path -> text added to the problem (e.g. the name of an array entry).
    resolve : callable, optional
        See :func:`model_at`.
    """
    errors = exc.errors(include_url=False)
    errors.sort(key=lambda e: {"extra_forbidden": 0, "missing": 2}.get(e["type"], 1))
    err = errors[0]
    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    ctx = err.get("ctx") or {}
    if "key" in ctx:
        loc = loc + (ctx["key"],)
    where = file
    if origins:
        for n in range(len(loc), 0, -1):
            if tuple(loc[:n]) in origins:
                where = origins[tuple(loc[:n])]
                break
    key = key_text(loc) or None
    extra = context(loc) if context is not None else ""
    kind = err["type"]
    if kind == "extra_forbidden":
        holder = model_at(model, loc, resolve)
        names = [info.alias or name for name, info in holder.model_fields.items()] if holder is not None else []
        problem = "unknown key" + extra
        close = difflib.get_close_matches(str(loc[-1]), names, n=1)
        if close:
            problem += f" (did you mean '{close[0]}'?)"
        return InputError(problem, file=where, key=key, allowed=("the keys " + ", ".join(names)) if names else None)
    if kind == "missing":
        info = field_at(model, loc, resolve)
        described = info.description if info is not None else None
        return InputError("required key is missing" + extra, file=missing_file if missing_file is not None else file,
                          key=key, allowed=f"add the key ({described})" if described else "add the key")
    value = ctx.get("value", err.get("input"))
    if isinstance(value, dict) and kind != "unknown_unit":
        value = value.get("value", value)
    shown = {} if value is None or isinstance(value, dict) else {"value": value}
    allowed = ctx.get("allowed")
    problem = err["msg"] + extra
    if allowed is None:
        ranges = ("greater_than", "greater_than_equal", "less_than", "less_than_equal")
        problem = ("value out of range" if kind in ranges else "invalid value") + extra
        allowed = re.sub(r"^(Input|Value) should (be|have) ", "", err["msg"])
        allowed = re.sub(r"^Value error, ", "", allowed)
        allowed = re.sub(r"a valid dictionary or instance of \w+", "a table", allowed)
        allowed = re.sub(r"^a valid list$", "an array of tables ([[...]])", allowed)
        allowed = re.sub(r"^String should have at most (\d+) characters", r"text of at most \1 characters", allowed)
        allowed = re.sub(r"^Input is not a valid path.*", "a file name (text)", allowed)
        info = field_at(model, loc, resolve)
        if kind == "string_pattern_mismatch" and info is not None and info.description:
            allowed = info.description
        elif kind in ranges + ("finite_number",) and info is not None:
            match = re.search(r"\[([^\]]+)\]\s*\.?\s*$", info.description or "")
            allowed = "a number " + allowed + (f" [{match.group(1)}]" if match else "")
    return InputError(problem, file=where, key=key, allowed=allowed, **shown)

