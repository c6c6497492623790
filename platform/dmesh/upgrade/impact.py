"""`dmesh upgrade impact`: preview every domain under the base revision of the platform and under this checkout.

The base revision is checked out in a temporary `git worktree`; each domain program then runs in a worker whose
`PYTHONPATH` puts that tree's `blueprints` and `components` first. The domains themselves (their blueprints) are
this checkout's for both runs, so only the platform's change shows.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .diff import DomainDiff, diff_registrations
from .snapshot import capture


class ImpactError(Exception):
    """Not a git checkout, an unknown revision, or git itself failing."""


@dataclass
class Impact:
    base: str  # the commit compared with
    diffs: list[DomainDiff]


def _git(cwd: Path, *args: str) -> str:
    try:
        result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=120)
    except FileNotFoundError:
        raise ImpactError("git is not installed; `dmesh upgrade impact` compares git revisions") from None
    if result.returncode != 0:
        raise ImpactError(f"git {' '.join(args)}: {result.stderr.strip() or result.stdout.strip()}")
    return result.stdout.strip()


def impact(mesh_root: Path, folders: Sequence[Path], base: str, stack: str = "dev", jobs: int = 2,
           say: Callable[[str], None] = lambda _m: None) -> Impact:
    top = Path(_git(mesh_root, "rev-parse", "--show-toplevel"))
    if base.startswith("-"):
        raise ImpactError(f"--base {base!r} is not a revision")
    commit = _git(top, "rev-parse", "--verify", "--quiet", f"{base}^{{commit}}") if base else ""
    with tempfile.TemporaryDirectory(prefix="dmesh-impact-") as tmp:
        tree = Path(tmp) / "base"
        _git(top, "worktree", "add", "--detach", "--quiet", str(tree), commit)
        try:
            say(f"previewing {len(folders)} domain(s) with the platform at {base} ({commit[:12]})")
            before = capture(folders, stack, code_root=tree, jobs=jobs, say=say)
        finally:
            _git(top, "worktree", "remove", "--force", str(tree))
    say("previewing them with this checkout")
    after = capture(folders, stack, code_root=top, jobs=jobs, say=say)
    diffs = []
    for folder in folders:
        (old, old_error), (new, new_error) = before[folder.name], after[folder.name]
        if old_error and not new_error:
            diffs.append(DomainDiff(folder.name, diff_registrations([], new), None))  # the domain needs something new in this change
            continue
        diffs.append(DomainDiff(folder.name, [] if old_error or new_error else diff_registrations(old, new), new_error))
    return Impact(commit, diffs)
