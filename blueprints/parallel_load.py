"""Loading a cold mesh on every core: forked children fill the spec cache with their share of the domains while this
process loads its own, and the mesh's loop then reads theirs from the cache.

Validating a mesh nobody validated before (a CI job without a kept cache) is YAML parsing and schema checks, one
core's worth. The spec cache (`spec_cache.py`) is already how a loaded domain travels from one run to the next, so it
carries the children's work here too, with no other channel: a child that fails, or a cache that cannot be written,
only leaves this process to load that share itself, with the same result. Only the domains the cache does not hold
are shared out. The caller decides whether forking is safe (`dmesh.validation`: Linux, one thread,
`DMESH_FORK_WORKERS` not 0).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

from .errors import BlueprintError
from .spec import DomainSpec
from .spec_cache import Loader, SpecCache

MIN_SHARE = 4  # cold domains per process: with fewer, forking costs about what it saves
WARM_PROBES = 16  # this many cached domains first, and the run is taken as warm (probing is 0.06 ms a domain)

Loaded = DomainSpec | BlueprintError


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def load_in_parallel(cache: SpecCache, folders: Sequence[Path], load: Loader,
                     complete: Callable[[Path], bool] = lambda _folder: True) -> dict[Path, Loaded]:
    """The domains of `folders` the cache does not hold, loaded complete or, where `complete(folder)` says not, as
    summaries (without contracts, as the domains around a focus are): this process's share returned (a spec, or the
    blueprint's error), the other shares loaded into `cache` by forked children by the time it returns; {} when there
    is too little to share."""
    if not cache.enabled:
        return {}
    cold: list[Path] = []
    for probed, folder in enumerate(folders, 1):
        if not cache.holds(folder, complete(folder)):
            cold.append(folder)
        elif probed >= WARM_PROBES and not cold:
            return {}  # the first domains all cached: a warm run, not worth probing every domain for
    processes = min(cores(), len(cold) // MIN_SHARE)
    if processes < 2:
        return {}
    own, *others = [cold[i::processes] for i in range(processes)]
    # the first load before the fork: the children inherit what it loaded (the loader's modules, the compiled
    # schemas, the presets) instead of each loading it again
    loaded = {own[0]: _loaded(cache, own[0], load, complete(own[0]))}
    children = [_fork(cache, [(folder, complete(folder)) for folder in share], load) for share in others]
    try:
        loaded.update((folder, _loaded(cache, folder, load, complete(folder))) for folder in own[1:])
        return loaded
    finally:
        for pid in children:
            os.waitpid(pid, 0)


def _loaded(cache: SpecCache, folder: Path, load: Loader, with_contracts: bool) -> Loaded:
    try:
        return cache.load(folder, with_contracts, load)
    except BlueprintError as exc:
        return exc


def _fork(cache: SpecCache, share: list[tuple[Path, bool]], load: Loader) -> int:
    pid = os.fork()
    if pid:
        return pid
    try:  # the child: nothing it prints is anyone's, nothing it raises matters (its share is loaded again if missing)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        for folder, with_contracts in share:
            try:
                cache.load(folder, with_contracts, load)
            except Exception:  # noqa: BLE001, S112 - the parent loads it again and reports what is wrong with it
                continue
    finally:
        os._exit(0)
