"""Hand the specs a review already validated to the programs it runs, so no blueprint or contract is parsed twice.

`dmesh preview` validates the whole mesh before it runs any program; every domain program would then load its own
blueprint and its producers' again (YAML parsing and the ODCS JSON Schema check are most of a program's time). The
review writes the validated specs to a file only its user can write and names it in `DMESH_SPEC_CACHE`; a
program finds its domain there, after checking that none of the files it was built from changed since (size and
modification time of the blueprint and every contract). Anything missing or changed: the program loads from the
files as it always does. `pulumi up` never sets the variable.
"""

from __future__ import annotations

import os
import pickle
import stat
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the specs' classes load with the first spec unpickled: `dmesh preview` reads ENV before it starts its worker
    from .spec import DomainSpec

ENV = "DMESH_SPEC_CACHE"
Fingerprint = tuple[tuple[str, int, int], ...]


def fingerprint(spec: DomainSpec) -> Fingerprint:
    files = [spec.file, *(p.contract.path for p in spec.products)]
    return tuple((str(f), (s := f.stat()).st_mtime_ns, s.st_size) for f in files)


def write(path: Path, domains: Mapping[str, DomainSpec]) -> None:
    entries = {name: (fingerprint(spec), spec) for name, spec in domains.items()}
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        pickle.dump(entries, handle, protocol=pickle.HIGHEST_PROTOCOL)


@cache
def _entries(path: str) -> dict[str, tuple[Fingerprint, DomainSpec]]:
    info = os.stat(path)
    # only a file this user wrote and nobody else can change is trusted (unpickling runs code)
    if info.st_uid != os.getuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH) or not stat.S_ISREG(info.st_mode):
        return {}
    with open(path, "rb") as handle:
        return pickle.load(handle)


def preload() -> None:
    """Read the file now (a forking worker does, so its children inherit the specs)."""
    path = os.environ.get(ENV)
    if path:
        try:
            _entries(path)
        except (OSError, pickle.PickleError, EOFError):
            pass


def _fresh(entry: tuple[Fingerprint, DomainSpec]) -> DomainSpec | None:
    saved, spec = entry
    try:
        return spec if fingerprint(spec) == saved else None
    except OSError:
        return None


def cached(folder: Path) -> tuple[DomainSpec, dict[str, DomainSpec]] | None:
    """The domain in `folder` and every domain it reads from, as validated by the review; None to load from the files."""
    path = os.environ.get(ENV)
    if not path:
        return None
    try:
        entries = _entries(path)
    except (OSError, pickle.PickleError, EOFError):
        return None
    target = folder.resolve()
    own = next((e for e in entries.values() if e[1].folder.resolve() == target), None)
    spec = _fresh(own) if own else None
    if spec is None:
        return None
    domains = {spec.name: spec}
    for ref in {r for p in spec.products for r in p.inputs}:
        if ref.domain in domains:
            continue
        producer = _fresh(entries[ref.domain]) if ref.domain in entries else None
        if producer is None or producer.product(ref.product) is None:
            return None
        domains[ref.domain] = producer
    return spec, domains
