"""The results Dataset: schema checks, provenance and atomic NetCDF files.

A run produces one :class:`xarray.Dataset` with named dimensions (``scenario``, ``year``,
``hour``, ``building``, ...). Every data variable and coordinate carries ``units`` and
``long_name`` attributes; the Dataset's attributes hold the provenance (package and
library versions, command, UTC time) and per-scenario variables hold each resolved
scenario's SHA-256, seed and text, so a table made from a result can be traced to the
scenario files and inputs that produced it.

Files are written atomically: to a hidden temporary file in the target folder, flushed to
disk, then moved to the final name in one step. An interrupted or killed run leaves no file
under the final name, and an existing result is never replaced unless ``force=True``.
"""

from __future__ import annotations

import datetime as _dt
import os
import sys
import tempfile
from pathlib import Path

import numpy as np
import xarray as xr

from smartcity.errors import SmartcityError

__all__ = [
    "ENGINE", "provenance_attrs", "check_dataset", "write_netcdf", "write_text_atomic", "open_result",
    "OutputExistsError", "check_output_folder",
]

ENGINE = "h5netcdf"


class OutputExistsError(SmartcityError):
    """The result file exists and overwriting was not asked for."""


def provenance_attrs(command: str | None = None, now: _dt.datetime | None = None) -> dict[str, str]:
    """Run-level provenance attributes.

    Parameters
    ----------
    command : str, optional
        The command line; defaults to ``sys.argv`` joined by spaces.
    now : datetime, optional
        Creation time (UTC); defaults to now.

    Returns
    -------
    dict
        ``smartcity_version``, versions of the numerical libraries, ``command``,
        ``created_utc`` (ISO 8601) and ``python_version``.
    """
    import numba
    import pandas
    import pvlib

    from smartcity import __version__

    now = now or _dt.datetime.now(_dt.timezone.utc)
    return {
        "title": "smartcity run results",
        "smartcity_version": __version__,
        "command": command if command is not None else " ".join(Path(sys.argv[0]).name.split() + sys.argv[1:]),
        "created_utc": now.replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "python_version": sys.version.split()[0],
        "library_versions": (
            f"numpy {np.__version__}; pandas {pandas.__version__}; xarray {xr.__version__}; "
            f"numba {numba.__version__}; pvlib {pvlib.__version__}"
        ),
        "Conventions": "CF-1.10",
    }


def check_dataset(ds: xr.Dataset) -> None:
    """Raise ``ValueError`` if a variable or coordinate lacks ``units`` or ``long_name``."""
    for name, var in list(ds.data_vars.items()) + list(ds.coords.items()):
        missing = [a for a in ("units", "long_name") if a not in var.attrs]
        if missing:
            raise ValueError(f"results variable '{name}' has no {' or '.join(missing)} attribute")


def _encoding(ds: xr.Dataset) -> dict:
    enc = {}
    for name, var in ds.data_vars.items():
        if var.dtype.kind in "fiu" and var.size > 1024:
            enc[name] = {"compression": "gzip", "compression_opts": 4, "shuffle": True}
    return enc


def write_netcdf(ds: xr.Dataset, path: str | Path, *, force: bool = False) -> Path:
    """Write ``ds`` to ``path`` atomically.

    Parameters
    ----------
    ds : xarray.Dataset
        The results; checked with :func:`check_dataset` first.
    path : str or Path
        Final file name (``.nc``); its folder is created if needed.
    force : bool
        Replace an existing file. Without it an existing file is an error.

    Returns
    -------
    Path
        The written file.

    Raises
    ------
    OutputExistsError
        ``path`` exists and ``force`` is false (nothing is written).
    """
    check_dataset(ds)
    path = Path(path)
    if path.exists() and not force:
        raise OutputExistsError(f"{path}: a result already exists; pass --force to replace it or choose another output folder")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        _default_permissions(tmp)
        ds.to_netcdf(tmp, engine=ENGINE, encoding=_encoding(ds))
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        _publish(tmp, path, force)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


def _default_permissions(path: Path) -> None:
    """Give a temporary file the permissions a normally created file would have."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


def _publish(tmp: Path, path: Path, force: bool) -> None:
    """Move a complete temporary file to its final name in one step."""
    if force:
        os.replace(tmp, path)
        return
    try:
        os.link(tmp, path)  # fails if the name appeared meanwhile: never overwrite
    except FileExistsError:
        raise OutputExistsError(f"{path}: a result already exists; pass --force to replace it") from None
    except OSError:  # a file system without hard links
        if path.exists():
            raise OutputExistsError(f"{path}: a result already exists; pass --force to replace it") from None
        os.replace(tmp, path)
        return
    tmp.unlink()


def open_result(path: str | Path) -> xr.Dataset:
    """Open a results file written by :func:`write_netcdf` (loaded into memory, file closed)."""
    with xr.open_dataset(path, engine=ENGINE) as ds:
        return ds.load()


def write_text_atomic(text: str, path: str | Path, *, force: bool = False) -> Path:
    """Write a text file atomically, never replacing an existing file unless ``force``."""
    path = Path(path)
    if path.exists() and not force:
        raise OutputExistsError(f"{path}: file already exists; pass --force to replace it")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        _default_permissions(Path(tmp_name))
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
    return path


def check_output_folder(folder: str | Path, result_name: str, *, force: bool = False) -> Path:
    """Check, without writing anything, that results can be written to ``folder``.

    Raises
    ------
    SmartcityError
        The folder is a file, lies under a file, cannot be written, or already holds a
        result (without ``force``); or the result name is taken by a folder.
    """
    folder = Path(folder)
    target = folder / result_name
    if folder.exists() and not folder.is_dir():
        raise SmartcityError(f"{folder}: the output folder is a file; choose another folder with -o")
    if target.is_dir():
        raise SmartcityError(f"{target}: a folder has the result's name; choose another output folder with -o")
    if target.exists() and not force:
        raise OutputExistsError(
            f"{target}: a result already exists; pass --force to replace it or choose another folder with -o"
        )
    existing = folder
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise SmartcityError(f"{folder}: cannot create the output folder, {existing} is a file")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise SmartcityError(f"{folder}: no permission to write in {existing}")
    return target
