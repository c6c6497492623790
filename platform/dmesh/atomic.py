"""Replacing a file the user keeps (a blueprint, a stack settings file) in one step.

A reader, a concurrent `git add` or a crash mid-write sees the old file or the new one, never half of either. The
new file keeps the old one's permissions: a temporary file is created private (0600), and a blueprint that turned
private after `dmesh access request` or `dmesh upgrade apply` could no longer be read by the CI user that reviews it.
A file that did not exist stays private.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path


def replace_text(file: Path, text: str) -> None:
    try:
        mode: int | None = stat.S_IMODE(file.stat().st_mode)
    except FileNotFoundError:
        mode = None
    descriptor, temporary = tempfile.mkstemp(prefix=f".{file.name}.", suffix=".tmp", dir=file.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, file)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
