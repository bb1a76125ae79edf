"""Writing outputs safely: unique temporaries, atomic publication, folder locks, termination.

Every output of the tool is written under a temporary name in its target folder and moved to
its final name in one step, so a reader never sees half a file. The temporary names carry the
writing process's id (``.results.nc.sc1234-k2j9.tmp``): a later write into the same folder
removes the temporaries of processes that no longer run (a killed run, a power cut). A
command that writes a whole folder (a run, a sweep store, a report) holds an exclusive lock
on it, so two commands never write into one folder at once; the lock is an ``flock`` on the
folder itself and leaves no file behind (it holds between processes of one machine; on a
network file system shared by several machines it is not a guarantee). SIGTERM is turned into :class:`Terminated`, which
unwinds like Ctrl-C and removes the temporaries on its way out.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import re
import shutil
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path

from smartcity.errors import OutputExistsError, SmartcityError

__all__ = ["OutputExistsError", "Terminated", "temporary_file", "temporary_folder", "remove_stale_temporaries",
           "write_bytes_atomic", "publish", "default_permissions", "folder_lock", "terminate_on_sigterm",
           "describe_os_error"]

log = logging.getLogger("smartcity")

#: A temporary of this tool: ``.<final name>.sc<pid>-<random>.tmp`` (file or folder).
_TEMPORARY = re.compile(r"^\..+\.sc(?P<pid>\d{1,10})-[A-Za-z0-9_]+\.tmp$")


class Terminated(KeyboardInterrupt):
    """The process received SIGTERM; unwinds like Ctrl-C so that temporaries are removed."""


def terminate_on_sigterm() -> None:
    """Raise :class:`Terminated` in the main thread when SIGTERM arrives."""

    def handler(signum, frame):
        raise Terminated()

    with contextlib.suppress(ValueError):  # not the main thread: keep the default
        signal.signal(signal.SIGTERM, handler)


def describe_os_error(exc: OSError) -> str:
    """A short reason for a failed write, e.g. ``'No space left on device'``."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return f"{exc.strerror or os.strerror(exc.errno)}: free some space and run again"
    return exc.strerror or str(exc)


def _pid_running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):  # someone else's process, or not a process id
        return True
    return True


def remove_stale_temporaries(folder: str | Path) -> list[Path]:
    """Remove the temporaries this tool left in ``folder`` from processes that no longer run.

    Returns the removed paths. Files of other programs and temporaries of running processes
    are left alone; a folder that cannot be listed is skipped. Process ids are those of this
    machine: a folder shared with other machines or containers that write into it at the same
    time is not supported.
    """
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = _TEMPORARY.match(entry.name)
        if match is None or _pid_running(int(match["pid"])):
            continue
        path = Path(entry.path)
        try:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(path)
            else:
                path.unlink()
            removed.append(path)
        except OSError:
            continue
    return removed


def default_permissions(path: str | Path, folder: bool = False) -> None:
    """Give a temporary the permissions a normally created file or folder would have."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, (0o777 if folder else 0o666) & ~umask)


def _prefix(name: str) -> str:
    return f".{name}.sc{os.getpid()}-"


def temporary_file(folder: str | Path, name: str) -> Path:
    """Create an empty, uniquely named temporary file for ``name`` in ``folder``.

    The folder's stale temporaries are removed first. The file is created exclusively
    (never through an existing name or a planted symlink), with the default permissions.
    """
    remove_stale_temporaries(folder)
    fd, tmp = tempfile.mkstemp(prefix=_prefix(name), suffix=".tmp", dir=folder)
    os.close(fd)
    default_permissions(tmp)
    return Path(tmp)


def temporary_folder(folder: str | Path, name: str) -> Path:
    """Create a uniquely named temporary folder for ``name`` in ``folder`` (stale ones removed first)."""
    remove_stale_temporaries(folder)
    return Path(tempfile.mkdtemp(prefix=_prefix(name), suffix=".tmp", dir=folder))


def publish(tmp: Path, path: Path, force: bool, exists_message: str) -> None:
    """Move a complete temporary to its final name in one step.

    Without ``force`` an existing ``path`` is never replaced, not even one that appeared
    while the temporary was written (:class:`OutputExistsError` with ``exists_message``).
    """
    if force:
        os.replace(tmp, path)
        return
    try:
        os.link(tmp, path)  # fails if the name appeared meanwhile: never overwrite
    except FileExistsError:
        raise OutputExistsError(exists_message) from None
    except OSError:  # a file system without hard links
        if path.exists():
            raise OutputExistsError(exists_message) from None
        os.replace(tmp, path)
        return
    tmp.unlink()


def write_bytes_atomic(data: bytes | memoryview, path: str | Path, *, force: bool = False,
                       what: str = "the file") -> Path:
    """Write ``data`` to ``path`` through a temporary in the same folder.

    Parameters
    ----------
    data : bytes
        The whole content.
    path : str or Path
        The final name; its folder is created if needed.
    force : bool
        Replace an existing file.
    what : str
        What is written, for the messages (e.g. ``"the table"``).

    Raises
    ------
    OutputExistsError
        ``path`` exists and ``force`` is false.
    SmartcityError
        The file cannot be written (no permission, a full disk, ``path`` a folder); nothing
        is left behind.
    """
    path = Path(path)
    exists = f"{path}: file already exists; pass --force to replace it"
    if path.is_dir():
        raise SmartcityError(f"{path}: is a folder; give a file name with -o")
    if path.exists() and not force:
        raise OutputExistsError(exists)
    tmp: Path | None = None
    created = _first_missing(path.parent)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = temporary_file(path.parent, path.name)
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        publish(tmp, path, force, exists)
    except FileExistsError as exc:  # a file where a folder of the path should be
        raise SmartcityError(f"{path}: cannot write {what}: {exc.filename} is a file, not a folder") from None
    except NotADirectoryError as exc:
        raise SmartcityError(f"{path}: cannot write {what}: {exc.filename} is a file, not a folder") from None
    except OSError as exc:
        raise SmartcityError(f"{path}: cannot write {what} ({describe_os_error(exc)})") from None
    finally:
        if tmp is not None and tmp.exists():
            tmp.unlink()
        if created is not None and not path.exists():
            _remove_empty_chain(path.parent, created)
    return path


def write_text_atomic(text: str, path: str | Path, *, force: bool = False) -> Path:
    """Write a text file (UTF-8) atomically, never replacing an existing file unless ``force``."""
    return write_bytes_atomic(text.encode("utf-8"), path, force=force)


def _first_missing(folder: Path) -> Path | None:
    """The outermost folder of ``folder``'s path that does not exist yet (None: it exists)."""
    missing = None
    for candidate in [folder, *folder.parents]:
        try:
            if candidate.exists():
                break
        except OSError:
            break
        missing = candidate
    return missing


def _remove_empty_chain(folder: Path, top: Path) -> None:
    """Remove ``folder`` and its parents up to ``top`` while they are empty."""
    for candidate in [folder, *folder.parents]:
        try:
            candidate.rmdir()
        except OSError:
            return
        if candidate == top:
            return


@contextlib.contextmanager
def folder_lock(folder: str | Path, what: str = "the output folder") -> Iterator[Path]:
    """Hold an exclusive lock on ``folder`` while the block runs.

    The folder is created if needed, and removed again if the block fails and leaves it
    empty, so a refused command leaves no trace.

    Raises
    ------
    SmartcityError
        Another process holds the lock (another smartcity command writes into ``folder``),
        or the folder cannot be created.
    """
    import fcntl

    folder = Path(folder)
    created = _first_missing(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as exc:
        if created is not None:
            _remove_empty_chain(folder, created)
        raise SmartcityError(f"{folder}: cannot create {what} ({describe_os_error(exc)})") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:  # the other command keeps the folder: nothing here to clean up
        os.close(fd)
        raise SmartcityError(f"{folder}: another smartcity command is writing into {what}; wait for it to "
                             "finish or choose another folder with -o") from None
    except OSError as exc:  # a file system without locks (some network mounts): go on unlocked
        log.warning("%s: cannot lock %s (%s); make sure no other command writes into it", folder, what,
                    exc.strerror or exc)
    try:
        yield folder
    except BaseException:
        if created is not None:  # still locked: remove what this call created, if left empty
            _remove_empty_chain(folder, created)
        raise
    finally:
        os.close(fd)  # releases the lock
