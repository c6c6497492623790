"""Resolving the paths blueprints and findings name, quickly and without tracebacks.

`Path.resolve()` walks every component of the path from the root (an `lstat` each); resolving each contract and
blueprint that way was about 4% of validating a 1,000-product mesh cold. Below a folder that is already resolved,
only the relative part's components can be links; when none is (the usual case), the joined path is the answer.
Anything unusual (a link, `..`, an absolute path) goes to `Path.resolve()` itself, so the answer never differs:
tests/blueprints/test_paths.py holds the two equal over links, loops, missing parts and escapes.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path, PurePosixPath


def resolve_below(base: Path, relative: str) -> Path:
    """`(base / relative).resolve()`, for a `base` that is already resolved (absolute, no links).

    Raises OSError (ELOOP) for links that loop, which `Path.resolve()` reports as a RuntimeError before Python 3.13,
    and OSError (EINVAL) for a NUL byte, which it reports as a ValueError.
    """
    if "\x00" in relative:  # `os.lstat` would raise ValueError; no file can be named so
        raise OSError(errno.EINVAL, "a path cannot hold a NUL byte", relative)
    pure = PurePosixPath(relative)
    if os.sep != "/" or pure.is_absolute() or ".." in pure.parts:
        return _resolved(base / relative)
    path = base
    parts = pure.parts
    for i, part in enumerate(parts):
        path = path / part
        try:
            mode = os.lstat(path).st_mode
        except OSError:  # missing (or not a folder): nothing below it can be a link, as `resolve` (not strict) reads it
            return path.joinpath(*parts[i + 1:])
        if stat.S_ISLNK(mode):
            return _resolved(base / relative)
    return path


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except RuntimeError:  # "Symlink loop from ..." (Python 3.11, 3.12)
        raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), str(path)) from None


def leads_out(path: Path, folder: Path) -> Path | None:
    """Where `path` really is when that is out of `folder` (resolved), else None. Git keeps links, so a pull request
    can point a blueprint, a project file or a domain folder at a file of the machine running the review (a CI
    runner's credentials, another checkout): what leads out is refused, never read."""
    target = resolved(path)
    return None if target.is_relative_to(folder) else target


def resolved(path: Path) -> Path:
    """`path.resolve()` that never raises: a link that loops stays as it is below its resolved parent.

    Before Python 3.13 `Path.resolve()` raises RuntimeError on a loop; 3.13 leaves the looping part unresolved. A
    finding's file can be such a link (a domain.yaml that points at itself), and every place that shows or sorts
    findings resolves their files: this one answer, whatever the version, keeps that a finding instead of a traceback.
    """
    try:
        return path.resolve()
    except ValueError:  # a NUL byte: no file has such a name, so nothing in it can be a link
        return path.absolute()
    except RuntimeError:
        absolute = path.absolute()
        if absolute.parent == absolute:
            return absolute
        return resolved(absolute.parent) / absolute.name
