"""`dmesh upgrade apply`: move domains to a new preset version, after proving offline that no data is destroyed.

The `blueprint:` value is rewritten where ruamel.yaml's round-trip parser says it is, character for character:
dumping the whole document again would re-flow long flow mappings and re-quote values, and a reviewer must see
one changed line per domain. Every file is replaced atomically, and only after the whole rewritten mesh (in a
temporary copy) has been previewed, diffed and validated.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML

from blueprints import DOMAIN_FILE, DomainSpec, load_mesh

from ..atomic import replace_text
from .diff import DomainDiff, diff_registrations
from .snapshot import capture


class UpgradeError(Exception):
    """The upgrade cannot be planned (unknown preset, a file that moved under us, a domain that does not exist)."""


@dataclass(frozen=True)
class Rewrite:
    domain: str
    file: Path
    line: int  # 1-based
    old: str
    new: str
    text: str  # the whole new file
    original: str  # the file as planned: a file changed since is not overwritten


def preset_family(ref: str) -> tuple[str, int]:
    name, _, major = ref.partition("@")
    return name, int(major)


def rewrite_blueprint(file: Path, new: str) -> Rewrite:
    """The file with `spec.blueprint` set to `new`, every other byte kept."""
    text = file.read_text(encoding="utf-8")
    document = YAML(typ="rt").load(text)
    spec = document.get("spec") if hasattr(document, "get") else None
    if spec is None or "blueprint" not in spec:
        raise UpgradeError(f"{file}: no spec.blueprint to rewrite")
    line, column = spec.lc.value("blueprint")
    old = str(spec["blueprint"])
    lines = text.splitlines(keepends=True)
    current = lines[line]
    quote = current[column] if current[column] in "'\"" else ""
    start = column + len(quote)
    if current[start:start + len(old)] != old:
        raise UpgradeError(f"{file}:{line + 1}: spec.blueprint is not written as a plain or quoted {old!r}; edit it by hand")
    lines[line] = current[:start] + new + current[start + len(old):]
    new_text = "".join(lines)
    if str(YAML(typ="rt").load(new_text)["spec"]["blueprint"]) != new:
        raise UpgradeError(f"{file}:{line + 1}: rewriting spec.blueprint did not give {new!r}; edit it by hand")
    return Rewrite(file.parent.name, file, line + 1, old, new, new_text, text)


def plan(domains: Mapping[str, DomainSpec], preset: str, only: Iterable[str] = ()) -> tuple[list[Rewrite], list[str]]:
    """The rewrites for every domain on an older major of the preset's family (or the named ones), and notes on the rest."""
    family, major = preset_family(preset)
    wanted = set(only)
    unknown = wanted - set(domains)
    if unknown:
        raise UpgradeError(f"no domain {', '.join(sorted(unknown))} in the mesh")
    rewrites, notes = [], []
    for name, spec in sorted(domains.items()):
        if wanted and name not in wanted:
            continue
        their_family, their_major = preset_family(spec.preset)
        if their_family != family:
            if wanted:
                notes.append(f"{name} is on {spec.preset}, not a {family} preset: left as it is")
            continue
        if their_major >= major:
            notes.append(f"{name} is already on {spec.preset}")
            continue
        rewrites.append(rewrite_blueprint(spec.file, preset))
    return rewrites, notes


@dataclass
class Outcome:
    rewrites: list[Rewrite]
    notes: list[str]
    diffs: list[DomainDiff]
    findings: list[str]  # the rewritten mesh's validation errors
    written: bool


def upgrade(root: Path, preset: str, levels: Mapping[str, str], only: Iterable[str] = (), allowed: Iterable[str] = (), dry_run: bool = False,
            stack: str = "dev", jobs: int = 2, say: Callable[[str], None] = lambda _m: None) -> Outcome:
    mesh = load_mesh(root, levels)
    if not mesh.valid:
        raise UpgradeError("the mesh is invalid before the upgrade; run `dmesh validate` and fix it first")
    rewrites, notes = plan(mesh.domains, preset, only)
    if not rewrites:
        return Outcome([], notes, [], [], False)
    touched = [r.domain for r in rewrites]
    say(f"previewing {len(touched)} domain(s) on their current preset")
    before = capture([root / d for d in touched], stack, jobs=jobs, say=say)
    with tempfile.TemporaryDirectory(prefix="dmesh-upgrade-") as tmp:
        copy = Path(tmp) / root.name
        shutil.copytree(root, copy, ignore=shutil.ignore_patterns(".git", "__pycache__", ".pulumi"))
        for r in rewrites:
            (copy / r.domain / DOMAIN_FILE).write_text(r.text, encoding="utf-8")
        say(f"previewing them on {preset}")
        after = capture([copy / d for d in touched], stack, jobs=jobs, say=say)
        rewritten = load_mesh(copy, levels)
        findings = [f.render().replace(str(copy), str(root)) for f in rewritten.findings]
    diffs = []
    for domain in touched:
        (old, old_error), (new, new_error) = before[domain], after[domain]
        diffs.append(DomainDiff(domain, [] if old_error or new_error else diff_registrations(old, new), old_error or new_error))
    blocked = any(d.error for d in diffs) or any(d.refused(allowed) for d in diffs) or bool(findings)
    if dry_run or blocked:
        return Outcome(rewrites, notes, diffs, findings, False)
    changed = [r.file for r in rewrites if r.file.read_text(encoding="utf-8") != r.original]
    if changed:
        raise UpgradeError(f"{', '.join(map(str, changed))} changed while the upgrade was previewed; nothing was written, run it again")
    for r in rewrites:
        replace_text(r.file, r.text)
    return Outcome(rewrites, notes, diffs, findings, True)

