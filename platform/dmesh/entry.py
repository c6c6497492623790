"""The `dmesh` executable and `python -m dmesh`: the command line, with a review's first process started first.

`dmesh preview` of one domain waits most of its wall for the review's forking worker to import the SDKs, and
importing the command line and building it (typer reads every verb's signature) took 0.15-0.19 s before the worker
was even started. So when the command is `preview`, the worker starts here, before either, and reaches the verb as
click's context object; whatever ends the command (the review, a usage error, a bad option click refuses before the
verb runs) stops it here at the latest.

The process then ends without tearing the interpreter down (`run`): freeing every object of the SDKs, pydantic and
typer one by one took 30 ms of a cached `dmesh validate` (0.23 s) and 60 ms of a one-domain `dmesh preview`, and
nobody waits for it.
"""

from __future__ import annotations

import atexit
import os
import sys
import threading
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from .review.workers import Workers

HELP_OPTIONS = frozenset({"--help", "-h"})


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    workers = early_workers(args)
    try:
        from .cli import app

        app(args=args, prog_name="dmesh", obj=workers)
    finally:
        if workers is not None:
            workers.stop()


def run() -> NoReturn:
    """The console script and `python -m dmesh`: the command, then the end of the process with its status."""
    try:
        main()
    except SystemExit as end:
        leave(end.code)
    leave(None)


def leave(code: object) -> NoReturn:
    """End the process as `sys.exit(code)` would, minus the teardown: what libraries registered to run at exit
    (logging's flush, finalizers) still runs and the standard streams are flushed (status 120 if that fails, as
    Python's own exit says); with a thread the interpreter would wait for still running, the usual exit."""
    if any(t.is_alive() and not t.daemon for t in threading.enumerate() if t is not threading.main_thread()):
        sys.exit(code)
    if code is None or isinstance(code, int):
        status = code or 0
    else:  # sys.exit("message"): the message on stderr, status 1
        status = 1
        try:
            print(code, file=sys.stderr)
        except (OSError, ValueError):
            pass
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`dmesh catalog list | head`), a closed stream
            status = status or 120
    os._exit(status & 0xFF)


def early_workers(args: list[str]) -> Workers | None:
    """A review's workers, started now, when `args` ask for a review (not for its help)."""
    if args[:1] != ["preview"] or HELP_OPTIONS.intersection(args):
        return None
    from .review.workers import Workers

    return Workers.for_review()
