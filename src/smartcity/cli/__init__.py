"""The ``smartcity`` command line.

Exit status: 0 success; 2 an expected error (bad input, refused overwrite) reported as one
line without a traceback, with nothing written; 1 an unexpected error (a bug), whose traceback
goes to the log file in the user's cache folder named in the message; 3 ``assign`` stopped at
``--max-iter`` above ``--gap`` (results still printed and written); 130 interrupted (Ctrl-C)
and 143 terminated (SIGTERM), with the temporaries removed.
"""

from __future__ import annotations

import argparse
import errno
import logging
import os
import shlex
import sys
import time
import traceback
from pathlib import Path

from smartcity import __version__
from smartcity.cli import models, monitor, sweep, tables
from smartcity.cli._common import LOG_FILE
from smartcity.errors import SmartcityError
from smartcity.writing import Terminated, describe_os_error, terminate_on_sigterm

__all__ = ["main", "build_parser"]

log = logging.getLogger("smartcity")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with all subcommands."""
    parser = argparse.ArgumentParser(
        prog="smartcity",
        description="Energy and mobility models for the CO2 impact of smart-city districts.",
    )
    parser.add_argument("--version", action="version", version=f"smartcity {__version__}")
    # -v/-q are accepted before or after the command name.
    common = argparse.ArgumentParser(add_help=False)
    verbosity = common.add_mutually_exclusive_group()
    verbosity.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                           help="print progress details")
    verbosity.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS,
                           help="print only errors")
    for action in common._actions:
        parser._add_action(action)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    for group in (models, tables, sweep, monitor):
        group.add_commands(sub, common)
    return parser


def log_dir() -> Path:
    """The user's cache folder of the tool, where tracebacks of unexpected errors are kept."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "smartcity"


def _write_log(path: Path, text: str) -> Path | None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(text)
        return path
    except OSError:
        return None


#: File-system refusals a user can act on (permissions, space, names): exit 2, one line.
_REFUSED_BY_THE_SYSTEM = {errno.EACCES, errno.EPERM, errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.ENAMETOOLONG,
                          errno.EROFS, errno.ENOTDIR, errno.EISDIR, errno.EEXIST, errno.ELOOP, errno.EMFILE,
                          errno.ENFILE, errno.ETXTBSY, errno.EBUSY}


def _stdout_closed() -> bool:
    """Whether the reader of standard output has gone (a pipe whose other end is closed)."""
    import select

    try:
        poller = select.poll()
        poller.register(sys.__stdout__.fileno(), select.POLLERR)
        return any(event & select.POLLERR for _, event in poller.poll(0))
    except (AttributeError, OSError, ValueError):  # no poll, or stdout is not a file descriptor
        return True


def _quiet_broken_pipe() -> None:
    """A reader that stopped early (``smartcity ... | head``): leave quietly, as ``cat`` does."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())  # Python's final flush of stdout must not fail again


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``smartcity`` command; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    args.verbose = getattr(args, "verbose", False)
    args.quiet = getattr(args, "quiet", False)
    command = "smartcity " + shlex.join(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s: %(message)s", stream=sys.stderr)
    terminate_on_sigterm()
    try:
        return args.handler(args, command)
    except SmartcityError as exc:  # a refusal: one line, nothing written anywhere
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except Terminated:
        print("terminated; nothing was written under the final file names", file=sys.stderr)
        return 143
    except KeyboardInterrupt:
        print("interrupted; nothing was written under the final file names", file=sys.stderr)
        return 130
    except BrokenPipeError as exc:
        if not _stdout_closed():  # another pipe broke (e.g. to a worker process): not the reader leaving
            return _internal_error(exc, command)
        _quiet_broken_pipe()
        return 0
    except OSError as exc:
        if exc.filename is not None and exc.errno in _REFUSED_BY_THE_SYSTEM:
            print(f"error: {exc.filename}: {describe_os_error(exc)}", file=sys.stderr)
            return 2
        return _internal_error(exc, command)
    except Exception as exc:
        return _internal_error(exc, command)


def _internal_error(exc: Exception, command: str) -> int:
    """A bug: the traceback goes to the log in the user's cache folder, one line to the terminal."""
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S")
    where = _write_log(log_dir() / LOG_FILE, f"{stamp} {command}\n{traceback.format_exc()}\n")
    hint = f"; the traceback is in {where}" if where else ""
    print(f"internal error: {type(exc).__name__}: {exc}{hint}", file=sys.stderr)
    return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
