"""The `dmesh` executable and `python -m dmesh`: the command line, with a review's first process started first.

`dmesh preview` of one domain waits most of its wall for the review's forking worker to import the SDKs, and
importing the command line and building it (typer reads every verb's signature) took 0.15-0.19 s before the worker
was even started. So when the command is `preview`, the worker starts here, before either, and reaches the verb as
click's context object; whatever ends the command (the review, a usage error, a bad option click refuses before the
verb runs) stops it here at the latest.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

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


def early_workers(args: list[str]) -> Workers | None:
    """A review's workers, started now, when `args` ask for a review (not for its help)."""
    if args[:1] != ["preview"] or HELP_OPTIONS.intersection(args):
        return None
    from .review.workers import Workers

    return Workers.for_review()
