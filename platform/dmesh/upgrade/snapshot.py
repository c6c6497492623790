"""The offline run `dmesh preview` makes, for many domains at once, against this checkout or another one."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from ..review.workers import Workers

Snapshot = tuple[list[dict[str, Any]], str | None]  # registrations as dicts, or the error that stopped the run


def capture(folders: Iterable[Path], stack: str = "dev", code_root: Path | None = None, jobs: int = 2,
            say: Callable[[str], None] = lambda _m: None) -> dict[str, Snapshot]:
    """Each domain folder run under mocks in its own process; by folder name."""
    workers = Workers()
    folders = [f.resolve() for f in folders]

    def one(folder: Path) -> tuple[str, Snapshot]:
        registrations, error, seconds = workers.run(folder, stack, code_root)
        say(f"{folder.name}: {len(registrations)} resources in {seconds:.1f} s" + (f" (error: {error.splitlines()[0]})" if error else ""))
        return folder.name, ([r.as_dict() for r in registrations], error)

    try:
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            return dict(pool.map(one, folders))
    finally:
        workers.stop()
