"""How much of a file the platform reads: blueprints and contracts come from domain teams (and pull requests)."""

from __future__ import annotations

import os
import stat

MAX_BYTES = 1024 * 1024  # a blueprint or contract is far smaller; a larger file is refused, never read whole


def refusal(info: os.stat_result) -> tuple[str, str] | None:
    """Why a file is never read, and what to do (a device or a pipe reads forever, /dev/zero, or blocks; a larger file
    is no blueprint), or None: the reader's findings and the spec cache's digests follow this one rule."""
    if not stat.S_ISREG(info.st_mode):
        return "cannot read file: it is not a regular file", "a blueprint or contract is a text file in the repository"
    if info.st_size > MAX_BYTES:
        return f"the file is larger than {MAX_BYTES // 1024} KiB", "a blueprint or contract is far smaller"
    return None
