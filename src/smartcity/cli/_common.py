"""What the command groups share: file names and the console."""

from __future__ import annotations

import sys

__all__ = ["RESULT_FILE", "LOG_FILE", "console"]

RESULT_FILE = "results.nc"
LOG_FILE = "smartcity.log"


def console(stderr: bool = False):
    from rich.console import Console

    class _Console(Console):
        def on_broken_pipe(self) -> None:  # rich would exit with status 1; the command line decides
            raise BrokenPipeError

    stream = sys.stderr if stderr else sys.stdout
    # A terminal sets its own width; a pipe or file gets lines wide enough for the tables.
    width = None if stream.isatty() else 120
    return _Console(stderr=stderr, highlight=False, markup=False, soft_wrap=True, width=width)
