"""A content-keyed cache of validated domain specs: an unchanged domain is not parsed and schema-checked again.

Validation reads and checks every blueprint and contract of the mesh (about 1 ms per product, mostly YAML and the
ODCS JSON Schema), and a pull request changes one domain while every run re-validated them all. An entry is keyed by everything that decides
the result: the domain.yaml's absolute path and bytes, whether contracts were read, the presets, the source of
this package and the versions of the libraries it validates with; it lists the contracts it read with their
SHA-256, checked on every hit. Only domains that validated are kept: findings are always computed afresh. A summary
(a load without contracts, what the mesh checks read of the domains around a focus) is also served from a complete
entry of the same blueprint, so validating one domain after the whole mesh reads no other domain's YAML.

Entries live in $DMESH_CACHE_DIR, else $XDG_CACHE_HOME/dmesh/specs, else ~/.cache/dmesh/specs, in a folder only
the user can enter; an entry is unpickled only from a regular file the user owns and nobody else can write
(unpickling runs code). `DMESH_CACHE=0` turns the cache off.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import stat
import sys
import tempfile
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path

from .limits import MAX_BYTES, refusal
from .spec import DomainSpec
from .vocabulary import DOMAIN_FILE

Loader = Callable[[Path, Mapping[str, object], bool], DomainSpec]  # load(folder, presets, with_contracts)

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


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def installed(libraries: tuple[str, ...], path: list[str] | None = None) -> list[str]:
    """Each library's installed `name-version`, as its metadata folder names it (`pydantic-2.14.4.dist-info`), the
    first on the import path as the import finds it; a library not installed is its bare name.

    The names say what `importlib.metadata.version` parses every METADATA file for: that cost 15 ms of each cold
    `dmesh validate`; one listing of each path entry, 0.65 ms."""
    wanted = {_normalized(library): library for library in libraries}
    found: dict[str, str] = {}
    for entry in sys.path if path is None else path:
        try:
            names = sorted(os.listdir(entry or "."))
        except OSError:
            continue
        for name in names:
            stem, _, suffix = name.rpartition(".")
            if suffix not in ("dist-info", "egg-info"):
                continue
            distribution, _, release = stem.partition("-")
            key = _normalized(distribution)
            if key in wanted and key not in found:
                found[key] = f"{wanted[key]}={release}"
    return [found.get(key, library) for key, library in wanted.items()]


@cache
def _code_digest() -> str:
    """This package's source and data, and the validating libraries' versions: a change to any is a new cache."""
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parent
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (".py", ".yaml", ".json") and "__pycache__" not in p.parts):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    for library in installed(LIBRARIES):
        digest.update(library.encode())
    return digest.hexdigest()


def _sha(path: Path) -> str | None:
    """The file's digest; None for what validation would refuse unread (not a regular file, larger than MAX_BYTES),
    which is then never served from the cache: a pipe would block here, and a link to a huge file fill the memory."""
    try:
        if refusal(path.stat()) is not None:
            return None
        with path.open("rb") as handle:  # at most one byte more than a readable file: it may have grown since
            content = handle.read(MAX_BYTES + 1)
    except OSError:
        return None
    return hashlib.sha256(content).hexdigest() if len(content) <= MAX_BYTES else None


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


class SpecCache:
    """The cache as one load of a mesh uses it.

    What every entry's key shares (this package's code, the libraries, the presets) is digested once here, not once
    per domain: the presets' repr alone cost a quarter of a cached one-domain validation. Without `presets`, the
    packaged ones are meant: their files are part of the code digest, so they are read (with the models and YAML
    readers reading takes, 45 ms of a cached `dmesh validate`) only when a domain is not in the cache.
    """

    def __init__(self, presets: Mapping[str, object] | None = None) -> None:
        store = cache_dir()
        self._presets = presets
        self._store = store if store is not None and _private_dir(store) else None
        shared = hashlib.sha256(_code_digest().encode())
        shared.update(b"packaged presets" if presets is None else repr(sorted(presets.items())).encode())
        self._shared = shared.digest()

    def _key(self, where: str, text_digest: str, with_contracts: bool) -> str:
        digest = hashlib.sha256(self._shared)
        digest.update(where.encode())
        digest.update(text_digest.encode())
        digest.update(b"contracts" if with_contracts else b"summary")
        return digest.hexdigest()

    @staticmethod
    def _hit(entry: Path) -> DomainSpec | None:
        if not _trusted(entry):
            return None
        try:
            with entry.open("rb") as handle:
                contracts, spec = pickle.load(handle)
        except (OSError, pickle.PickleError, EOFError, ValueError, TypeError, AttributeError, ImportError):
            return None  # unreadable or from another layout of the classes: load afresh and replace it
        return spec if all(_sha(Path(path)) == digest for path, digest in contracts) else None

    @property
    def enabled(self) -> bool:
        """Whether loaded specs are kept (the cache is on and its folder is private)."""
        return self._store is not None

    @property
    def presets(self) -> Mapping[str, object]:
        if self._presets is None:
            from .presets import load_presets

            self._presets = load_presets()
        return self._presets

    def _entry(self, where: str, text_digest: str, with_contracts: bool) -> Path:
        assert self._store is not None
        return self._store / f"{self._key(where, text_digest, with_contracts)}.pickle"

    def holds(self, folder: Path, with_contracts: bool = True) -> bool:
        """Whether a load of `folder` is likely served from the cache (an entry that serves it exists; `load` checks it)."""
        domain_file = Path(folder) / DOMAIN_FILE
        text_digest = _sha(domain_file)
        if self._store is None or text_digest is None:
            return False
        where = str(domain_file.resolve())
        kinds = (True,) if with_contracts else (False, True)  # a summary is also served from a complete entry
        return any(self._entry(where, text_digest, kind).is_file() for kind in kinds)

    def load(self, folder: Path, with_contracts: bool, load: Loader) -> DomainSpec:
        """`load(folder, presets, with_contracts)`, or the spec it returned last time for the same inputs."""
        domain_file = Path(folder) / DOMAIN_FILE
        text_digest = _sha(domain_file)
        if self._store is None or text_digest is None:
            return load(folder, self.presets, with_contracts)
        where = str(domain_file.resolve())  # the absolute path is part of the key: a copy elsewhere has its own paths
        entry = self._entry(where, text_digest, with_contracts)
        spec = self._hit(entry)
        if spec is None and not with_contracts:  # a complete load of the same blueprint, e.g. from validating the mesh
            complete = self._hit(self._entry(where, text_digest, True))
            spec = complete.summary() if complete is not None else None
        if spec is not None:
            return spec
        spec = load(folder, self.presets, with_contracts)
        contracts = [(str(p.contract.path), _sha(p.contract.path)) for p in spec.products] if with_contracts else []
        # written only if the blueprint did not change while it was loaded and every contract could be read
        if _sha(domain_file) == text_digest and all(digest is not None for _, digest in contracts):
            _write(self._store, entry, (contracts, spec))
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
