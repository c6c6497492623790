"""Pausing Python's cyclic garbage collector while a process builds what it keeps.

Loading the SDKs (the review's worker processes) or a mesh's blueprints (validation) allocates hundreds of thousands of
container objects that all live on; every full collection meanwhile walks all of them again and frees almost nothing.
The gc module's documentation advises this for a process that forks workers (disable, load, `gc.freeze()`, enable).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """No automatic collection inside; the collector's state before is restored after, whatever happens inside."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
