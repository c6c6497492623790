"""`dmesh validate --against REF`: every contract changed since a git revision, judged by `contract_diff`.

A breaking change must come with a new major `version` (semantic versioning, as DPDS asks); otherwise it is an
error at the contract's `version` line, naming the changes and the products that read it.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from blueprints import Finding
from blueprints.yaml_source import read_yaml

from .contract_diff import diff_contracts, major, readers

CONTRACT_SUFFIX = ".odcs.yaml"


class HistoryError(Exception):
    """Not a git checkout, an unknown revision, or git failing."""


def _git(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    try:
        result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=120)
    except FileNotFoundError:
        raise HistoryError("git is not installed; --against compares git revisions") from None
    if check and result.returncode != 0:
        raise HistoryError(f"git {' '.join(args)}: {result.stderr.strip() or result.stdout.strip()}")
    return result


def changed_contracts(root: Path, ref: str) -> tuple[Path, list[tuple[Path, str | None]]]:
    """(git top level, [(contract file now, its text at `ref` or None when it is new)])."""
    if ref.startswith("-"):
        raise HistoryError(f"--against {ref!r} is not a revision")
    top = Path(_git(root, "rev-parse", "--show-toplevel").stdout.strip())
    commit = _git(top, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").stdout.strip()
    names = _git(top, "diff", "--name-only", "--no-renames", commit, "--", str(root.resolve())).stdout.split()
    names += _git(top, "ls-files", "--others", "--exclude-standard", "--", str(root.resolve())).stdout.split()
    result = []
    for name in sorted(set(n for n in names if n.endswith(CONTRACT_SUFFIX))):
        now = top / name
        if not now.is_file():
            continue  # deleted: the blueprint that used it fails validation on its own
        old = _git(top, "show", f"{commit}:{name}", check=False)
        result.append((now, old.stdout if old.returncode == 0 else None))
    return top, result


def breaking_without_major(root: Path, ref: str, domains: Callable[[], Mapping[str, Any]]) -> list[Finding]:
    """`domains()` gives the mesh's domains, which a finding names the readers from: asked for only when a contract
    breaks, since one domain's validation has read only what lies upstream of it and they are downstream."""
    domains = cache(domains)
    _, changed = changed_contracts(root, ref)
    findings = []
    for file, old_text in changed:
        if old_text is None:
            continue
        with tempfile.TemporaryDirectory(prefix="dmesh-against-") as tmp:
            previous = Path(tmp) / file.name
            previous.write_text(old_text, encoding="utf-8")
            old = read_yaml(previous).data
        current = read_yaml(file)
        new = current.data
        if not isinstance(old, dict) or not isinstance(new, dict):
            continue
        breaking = [c for c in diff_contracts(old, new) if c.severity == "breaking"]
        if not breaking:
            continue
        old_major, new_major = major(old.get("version")), major(new.get("version"))
        if old_major is not None and new_major is not None and new_major > old_major:
            continue
        listed = "; ".join(f"{c.path}: {c.message}" for c in breaking[:3]) + (f"; and {len(breaking) - 3} more" if len(breaking) > 3 else "")
        impacted = readers(domains(), str(new.get("id", "")))
        findings.append(Finding(
            file, current.index.line_of(("version",)), "version",
            f"{len(breaking)} breaking change(s) since {ref} without a major version bump "
            f"({old.get('version')!r} -> {new.get('version')!r}): {listed}" + (f"; read by {', '.join(impacted)}" if impacted else ""),
            f"raise version to {(old_major or 0) + 1}.0.0, or make the change compatible (`dmesh contract diff` shows each change)"))
    return findings
