"""Two checkouts of the platform side by side: the CLI figures of `run.py`, one `name=value` line each.

    python bench/compare.py BEFORE AFTER [--domains 200] [--products 5] [--runs 11]

Two full `run.py` runs ten minutes apart can differ by a fifth on this kind of machine (their import floors: 1.05 s
and 1.40 s in one sitting), so a change of a few percent is measured here by alternation: every round runs each
figure once per checkout, the order of the two flipping from round to round, and each figure is the median of its
rounds. The import floor (`run.py`'s) runs in the same rounds: how far its medians lie apart is the noise left.

Each checkout runs `python -m dmesh` from its own folder with its own `platform/` and root first on the path (run
from another checkout's folder, `python -m` would import that folder's `blueprints` and `components`), byte-compiled
beforehand as `make setup` compiles (this machine sets PYTHONDONTWRITEBYTECODE). A cold figure starts from an empty
spec cache, a cached one from the checkout's own cache of the same mesh. Printed: `before.NAME`, `after.NAME` and
`ratio.NAME` (after / before).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate  # noqa: E402
from run import IMPORTS  # noqa: E402

from components.providers import PROVIDER_MODULES  # noqa: E402

Command = Callable[[Path, Path], list[str]]  # (checkout, a fresh cache folder) -> the command line


def compiled(checkout: Path) -> None:
    subprocess.run([sys.executable, "-m", "compileall", "-q", "-x", "blueprints/template/", *(str(checkout / d) for d in ("blueprints", "components", "platform"))],
                   check=True)


def wall(checkout: Path, command: list[str], cache: Path) -> float:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(checkout / "platform"), str(checkout)]), "DMESH_CACHE_DIR": str(cache)}
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, cwd=checkout, env=env)
    return time.perf_counter() - start


def figures(mesh: Path, one: Path, alone: Path) -> dict[str, tuple[list[str], bool]]:
    """Each figure's arguments and whether it runs cold (a fresh cache each run)."""
    dmesh = [sys.executable, "-m", "dmesh"]
    return {
        "cli_validate_mesh_s": ([*dmesh, "validate", str(mesh)], True),
        "cli_validate_one_domain_in_mesh_s": ([*dmesh, "validate", str(one)], True),
        "cli_validate_one_domain_in_mesh_cached_s": ([*dmesh, "validate", str(one)], False),
        "cli_preview_one_domain_alone_s": ([*dmesh, "preview", str(alone)], True),
        "cli_preview_one_domain_in_mesh_s": ([*dmesh, "preview", str(one)], True),
        "import_floor_s": ([sys.executable, "-c", IMPORTS, ",".join(PROVIDER_MODULES)], True),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--domains", type=int, default=200)
    parser.add_argument("--products", type=int, default=5)
    parser.add_argument("--runs", type=int, default=11)
    args = parser.parse_args()
    checkouts = {"before": args.before.resolve(), "after": args.after.resolve()}
    for checkout in checkouts.values():
        if not (checkout / "platform" / "dmesh").is_dir():
            parser.error(f"{checkout} is not a checkout of the platform (no platform/dmesh)")
        compiled(checkout)
    with tempfile.TemporaryDirectory(prefix="dmesh-compare-") as tmp:
        root = Path(tmp)
        names = generate(root / "mesh", args.domains, args.products)
        generate(root / "alone", 1, args.products)
        measured = figures(root / "mesh", root / "mesh" / names[len(names) // 2], root / "alone" / "d0000")
        warm = {side: root / f"cache-{side}" for side in checkouts}
        for side, checkout in checkouts.items():  # the cached figure reads the cache its own checkout wrote
            wall(checkout, measured["cli_validate_one_domain_in_mesh_cached_s"][0], warm[side])
        walls: dict[tuple[str, str], list[float]] = {}
        fresh = 0
        for round_ in range(args.runs):
            order = list(checkouts) if round_ % 2 == 0 else list(reversed(checkouts))
            for name, (command, cold) in measured.items():
                for side in order:
                    fresh += 1
                    cache = root / f"cold-{fresh}" if cold else warm[side]
                    walls.setdefault((side, name), []).append(wall(checkouts[side], command, cache))
        for name in measured:
            medians = {side: statistics.median(walls[side, name]) for side in checkouts}
            for side, value in medians.items():
                print(f"{side}.{name}={value:.3f}", flush=True)
            print(f"ratio.{name}={medians['after'] / medians['before']:.3f}", flush=True)


if __name__ == "__main__":
    main()
