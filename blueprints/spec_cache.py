"""A content-keyed cache of validated domain specs: an unchanged domain is not parsed and schema-checked again.

Validation reads and checks every blueprint and contract of the mesh (about 1 ms per product, mostly YAML and the
ODCS JSON Schema), and a pull request changes one domain while every run re-validated them all. An entry is keyed by everything that decides
the result: the domain.yaml's absolute path and bytes, whether contracts were read, the presets, the source of
this package and the versions of the libraries it validates with; it lists the contracts it read with their
SHA-256, checked on every hit. Only domains that validated are kept: findings are always computed afresh.

Entries live in $DMESH_CACHE_DIR, else $XDG_CACHE_HOME/dmesh/specs, else ~/.cache/dmesh/specs, in a folder only
the user can enter; an entry is unpickled only from a regular file the user owns and nobody else can write
(unpickling runs code). `DMESH_CACHE=0` turns the cache off.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
import tempfile
from collections.abc import Callable, Mapping
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from .spec import DomainSpec

ENV_DIR = "DMESH_CACHE_DIR"
ENV_SWITCH = "DMESH_CACHE"
LIBRARIES = ("pydantic", "open-data-contract-standard", "ruamel.yaml", "jsonschema", "jsonschema-rs", "PyYAML")


def cache_dir() -> Path | None:
    if os.environ.get(ENV_SWITCH, "1") == "0":
        return None
    if os.environ.get(ENV_DIR):
        return Path(os.environ[ENV_DIR])
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "dmesh" / "specs"


@cache
def _code_digest() -> str:
    """This package's source and data, and the validating libraries' versions: a change to any is a new cache."""
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parent
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (".py", ".yaml", ".json") and "__pycache__" not in p.parts):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    for library in LIBRARIES:
        try:
            digest.update(f"{library}={version(library)}".encode())
        except PackageNotFoundError:
            digest.update(library.encode())
    return digest.hexdigest()


def _sha(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _key(domain_file: Path, text_digest: str, presets: Mapping[str, object], with_contracts: bool) -> str:
    digest = hashlib.sha256(_code_digest().encode())
    digest.update(str(domain_file.resolve()).encode())
    digest.update(text_digest.encode())
    digest.update(repr(sorted(presets.items())).encode())
    digest.update(b"contracts" if with_contracts else b"summary")
    return digest.hexdigest()


def _trusted(path: Path) -> bool:
    try:
        info = path.stat()
    except OSError:
        return False
    return stat.S_ISREG(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _private_dir(folder: Path) -> bool:
    """The cache folder exists (made 0700 if not) and only this user can write into it."""
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        info = folder.stat()
    except OSError:
        return False
    return info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _entry(store: Path, folder: Path, presets: Mapping[str, object], with_contracts: bool) -> Path | None:
    domain_file = Path(folder) / "domain.yaml"
    text_digest = _sha(domain_file)
    return None if text_digest is None else store / f"{_key(domain_file, text_digest, presets, with_contracts)}.pickle"


def cached_load(folder: Path, presets: Mapping[str, object], with_contracts: bool,
                load: Callable[[Path, Mapping[str, object], bool], DomainSpec]) -> DomainSpec:
    """`load(folder, presets, with_contracts)`, or the spec it returned last time for the same inputs."""
    store = cache_dir()
    domain_file = Path(folder) / "domain.yaml"
    text_digest = _sha(domain_file)
    if store is None or text_digest is None or not _private_dir(store):
        return load(folder, presets, with_contracts)
    entry = store / f"{_key(domain_file, text_digest, presets, with_contracts)}.pickle"
    if _trusted(entry):
        try:
            with entry.open("rb") as handle:
                contracts, spec = pickle.load(handle)
            if all(_sha(Path(path)) == digest for path, digest in contracts):
                return spec
        except (OSError, pickle.PickleError, EOFError, ValueError, TypeError, AttributeError, ImportError):
            pass  # unreadable or from another layout of the classes: load afresh and replace it
    spec = load(folder, presets, with_contracts)
    contracts = [(str(p.contract.path), _sha(p.contract.path)) for p in spec.products] if with_contracts else []
    # written only if the blueprint did not change while it was loaded and every contract could be read
    if _sha(domain_file) == text_digest and all(digest is not None for _, digest in contracts):
        _write(store, entry, (contracts, spec))
    return spec


def _write(store: Path, entry: Path, value: object) -> None:
    try:
        descriptor, tmp = tempfile.mkstemp(dir=store, prefix=".entry-", suffix=".tmp")  # 0600
    except OSError:
        return  # a read-only or full cache: carry on without it
    try:
        with os.fdopen(descriptor, "wb") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, entry)
    except OSError:
        Path(tmp).unlink(missing_ok=True)
