"""The deploy verbs across stacks: up, destroy, refresh, outputs, stacks.

`up` is review, preview, confirm, then `up --plan` of exactly what was previewed. Every check that needs
no CLI (targets, backend, passphrase, local context, offline review) runs before the first CLI call.
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from blueprints.paths import resolved
from blueprints.spec import DomainSpec

from ..governance.config import effective_config, policy_pack_dir
from ..local_config import BASE_STACK, LOCAL_STACK
from ..platform_stack import AUDIT_OUTPUT, CATALOG_OUTPUT
from . import engine as cli
from .backend import Backend
from .changes import ChangeSet
from .engine import Engine
from .errors import FAILED, INVALID, DeployError
from .schedule import Outcome, in_order
from .targets import StackTarget, is_platform, valid_stack_name

Confirm = Callable[[str], bool]


@dataclass
class Console:
    """Where a run speaks: streamed CLI lines (prefixed by stack when several run at once) and dmesh's own notes."""

    out: Callable[[str], Any]
    err: Callable[[str], Any]
    prefix: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    def stream(self, target: StackTarget, to_err: bool = False) -> Callable[[str], None]:
        write = self.err if to_err else self.out

        def line(text: str) -> None:
            with self.lock:
                write(f"[{target.name}] {text}" if self.prefix else text)
        return line

    def note(self, text: str) -> None:
        with self.lock:
            self.err(text)


@dataclass
class Run:
    targets: list[StackTarget]
    stack: str
    backend: Backend
    console: Console
    platform_config: dict
    specs: dict[str, DomainSpec] = field(default_factory=dict)
    jobs: int = 1
    confirm: Confirm | None = None  # None: not a terminal
    yes: bool = False
    platform_folder: Path | None = None  # checked before domains deploy when the run does not deploy it itself


def stack_name(stack: str | None, local: bool) -> str:
    """`--local` means stack `local` only when no --stack was given."""
    name = stack if stack is not None else (LOCAL_STACK if local else BASE_STACK)
    if not valid_stack_name(name):
        raise DeployError(f"--stack {name!r} is not a Pulumi stack name (letters, digits, `_`, `.`, `-`; optionally org/project/stack)", INVALID)
    return name


def _agree(run: Run, question: str) -> None:
    if run.yes:
        return
    if run.confirm is None:
        raise DeployError(f"{question} needs a confirmation, and this is not a terminal: review the preview above, then run again "
                          "with --yes", INVALID)
    if not run.confirm(question):
        raise DeployError("cancelled: nothing was changed", FAILED)


def _policy_config(run: Run, target: StackTarget, folder: Path) -> Path:
    overrides = () if target.platform else run.specs[target.name].overrides
    return cli.write_json(folder / f"{target.name}.policy-config.json", effective_config(run.platform_config, overrides))


def check_platform(engine: Engine, folder: Path, stack: str) -> None:
    """The platform stack is deployed on this backend and exports the buckets the domain stacks write to."""
    from components.settings import PlatformSettings

    platform = StackTarget("platform", folder, platform=True)
    fix = f"deploy it first: `dmesh up --platform --stack {stack}` (or `dmesh up --all`)"
    if not is_platform(folder):
        raise DeployError(f"no platform project at {folder} to check the domains' audit and catalog buckets against; {fix}", INVALID)
    try:
        values = cli.outputs(engine.stack(platform, stack, create=False), platform)
    except DeployError as exc:
        raise DeployError(f"the platform stack {stack!r} is not deployed ({exc}); {fix}", FAILED) from None
    expected = {CATALOG_OUTPUT: PlatformSettings.catalog_bucket, AUDIT_OUTPUT: PlatformSettings.audit_bucket}
    wrong = {k: (values.get(k), v) for k, v in expected.items() if values.get(k) != v}
    if wrong:
        found = "; ".join(f"{k} is {have!r}, the domains use {want!r}" for k, (have, want) in wrong.items())
        raise DeployError(f"the platform stack {stack!r} does not export the buckets the domain stacks write to: {found}. "
                          f"Deploy the platform stack of this release (`dmesh up --platform --stack {stack}`) before the domains", FAILED)


def review_first(run: Run, jobs: int | None) -> None:
    """The mesh checks and the offline policy review (`dmesh preview`) of every target, before any CLI call."""
    from ..governance.config import levels
    from ..review.runner import review
    from ..validation import Target, UsageError, validate_mesh

    domains = [t for t in run.targets if not t.platform]
    roots = {t.folder.parent for t in domains}
    if len(roots) > 1:
        raise DeployError(f"the domains belong to different meshes ({', '.join(sorted(map(str, roots)))}); deploy one mesh at a time", INVALID)
    if domains:
        root = roots.pop()
        focus = domains[0].folder if len(domains) == 1 else None
        mesh, findings = validate_mesh(Target(root, focus), levels(run.platform_config))
        chosen = {t.folder for t in domains}
        findings = [f for f in findings if any(resolved(f.file).is_relative_to(c) for c in chosen)]
        if findings:
            raise DeployError("the blueprints or the mesh checks failed (`dmesh validate` shows the same):\n"
                              + "\n".join(f.render() for f in findings), INVALID)
        run.specs = dict(mesh.domains)
    from blueprints.mesh import domain_folders

    folders = [t.folder for t in run.targets]
    if domains and {t.folder for t in domains} == {f.resolve() for f in domain_folders(domains[0].folder.parent)}:
        folders = [t.folder for t in run.targets if t.platform] + [domains[0].folder.parent]  # the whole mesh: one review
    for folder in folders:
        label = next((t.label for t in run.targets if t.folder == folder), f"the mesh {folder}")
        run.console.note(f"reviewing {label} offline (`dmesh preview`)")
        try:
            report = review(folder, run.platform_config, run.stack, jobs)
        except UsageError as exc:
            raise DeployError(str(exc), INVALID) from None
        if report.errors:
            raise DeployError(f"the offline review of {label} failed:\n" + "\n".join(f"  {e.file}: {e.message}" for e in report.errors), INVALID)
        mandatory = [v for v in report.violations if v.enforcement == "mandatory"]
        advisory = len(report.violations) - len(mandatory)
        if advisory:
            run.console.note(f"  {advisory} advisory finding(s): `dmesh preview {folder}` lists them; they do not stop a deploy")
        if mandatory:
            raise DeployError(f"{len(mandatory)} mandatory policy violation(s) in {label}; nothing was deployed:\n"
                              + "\n".join(f"  [{v.policy}] {v.urn.rsplit('::', 1)[-1]}: {v.message}" for v in mandatory), FAILED)


def up(run: Run) -> list[Outcome]:
    engine = Engine(run.backend)
    engine.install_plugins(run.targets[0].folder, run.console.note)
    deploys_platform = any(t.platform for t in run.targets)
    if not deploys_platform and run.platform_folder is not None:
        check_platform(engine, run.platform_folder, run.stack)
    with tempfile.TemporaryDirectory(prefix="dmesh-up-") as tmp:
        work = Path(tmp)
        stacks: dict[str, Any] = {}
        changes: dict[str, ChangeSet] = {}

        def preview_one(target: StackTarget) -> Outcome:
            stack = engine.stack(target, run.stack, create=True)
            stacks[target.name] = stack
            found = cli.preview(stack, target, plan=work / f"{target.name}.plan.json", policy_pack=policy_pack_dir(),
                                policy_config=_policy_config(run, target, work), out=run.console.stream(target),
                                err=run.console.stream(target, to_err=True))
            changes[target.name] = found
            return Outcome(target, "previewed", found.summary(), changes=found.counts)

        # previews are independent (no stack reads another's outputs), so they all run before anything is applied
        previews = in_order([StackTarget(t.name, t.folder, t.platform) for t in run.targets], run.jobs, preview_one)
        failed = [o for o in previews if not o.ok]
        if failed:
            return [Outcome(o.target, "failed" if not o.ok else "skipped", o.detail if not o.ok else "skipped: a preview failed",
                            changes=o.changes) for o in previews]
        _show_changes(run, changes)
        if not any(c.changed for c in changes.values()):
            run.console.note("no changes to deploy")
            return [Outcome(t, "unchanged", "no changes") for t in run.targets]
        _agree(run, f"Deploy these changes to {len([c for c in changes.values() if c.changed])} stack(s) of stack {run.stack!r}?")
        platform_checked = threading.Event()

        def up_one(target: StackTarget) -> Outcome:
            found = changes[target.name]
            if not target.platform and deploys_platform and not platform_checked.is_set():
                check_platform(engine, next(t.folder for t in run.targets if t.platform), run.stack)
                platform_checked.set()
            if not found.changed:
                return Outcome(target, "unchanged", "no changes")
            done = cli.up(stacks[target.name], target, plan=work / f"{target.name}.plan.json", policy_pack=policy_pack_dir(),
                          policy_config=work / f"{target.name}.policy-config.json", out=run.console.stream(target),
                          err=run.console.stream(target, to_err=True))
            counted = {k: v for k, v in done.items() if k != "same" and v}
            return Outcome(target, "deployed", ", ".join(f"{v} {k}" for k, v in counted.items()), changes=counted)

        return in_order(run.targets, run.jobs, up_one)


def _show_changes(run: Run, changes: dict[str, ChangeSet]) -> None:
    run.console.note("Changes (from `pulumi preview`):")
    for target in run.targets:
        found = changes[target.name]
        run.console.note(f"  {target.label}: {found.summary()}")
        for step, what in found.data_at_risk:
            run.console.note(f"    DATA AT RISK: {step.op} {step.name} ({step.type}) holds {what}")


def destroy(run: Run, keep_data: bool) -> list[Outcome]:
    engine = Engine(run.backend)
    engine.install_plugins(run.targets[0].folder, run.console.note)
    stacks: dict[str, Any] = {}
    protected: dict[str, list[dict[str, str]]] = {}
    for target in run.targets:
        try:
            stacks[target.name] = engine.stack(target, run.stack, create=False)
        except DeployError:
            continue  # never deployed: nothing to destroy
        protected[target.name] = cli.protected_resources(stacks[target.name], target)
    held = {name: found for name, found in protected.items() if found}
    if held and not keep_data:
        raise DeployError(_protection_explained(run, held), FAILED)
    present = [t for t in run.targets if t.name in stacks]
    if not present:
        run.console.note(f"no stack {run.stack!r} of these targets exists on {run.backend.url}: nothing to destroy")
        return [Outcome(t, "absent", "no such stack") for t in run.targets]
    kept = sum(len(v) for v in held.values())
    _agree(run, f"Destroy every resource of {len(present)} stack(s) {run.stack!r}"
                + (f", keeping the {kept} protected data resource(s)" if kept else "") + "?")

    def destroy_one(target: StackTarget) -> Outcome:
        if target.name not in stacks:
            return Outcome(target, "absent", "no such stack")
        cli.run_cli("destroy", target, lambda: stacks[target.name].destroy(
            exclude_protected=keep_data or None, on_output=run.console.stream(target), on_error=run.console.stream(target, True),
            color="never"), streamed=True)
        return Outcome(target, "destroyed", f"kept {len(held.get(target.name, []))} protected" if held.get(target.name) else "")

    return in_order(run.targets, run.jobs, destroy_one, reverse=True)


def _protection_explained(run: Run, held: dict[str, list[dict[str, str]]]) -> str:
    lines = ["these stacks hold protected resources: the data itself (buckets, keys, streams, catalog tables), marked "
             "`protect` so that no destroy, replacement or mistaken change can delete it. Pulumi refuses to delete a protected "
             "resource, and a destroy would stop at the first one."]
    for name, found in held.items():
        lines.append(f"  {name}: " + ", ".join(r["urn"].rsplit("::", 1)[-1] for r in found))
    lines.append("To remove everything else and keep the data: `dmesh destroy ... --keep-data` (Pulumi's --exclude-protected).")
    lines.append("To delete the data deliberately: agree it in a reviewed change, then in the stack's folder run "
                 f"`pulumi state unprotect --stack {run.stack} '<URN>'` for each resource (or `pulumi state unprotect --all "
                 f"--stack {run.stack}`), and run `dmesh destroy` again.")
    return "\n".join(lines)


def refresh(run: Run) -> list[Outcome]:
    engine = Engine(run.backend)
    engine.install_plugins(run.targets[0].folder, run.console.note)
    stacks = {t.name: engine.stack(t, run.stack, create=False) for t in run.targets}
    _agree(run, f"Refresh {len(stacks)} stack(s) {run.stack!r} (their state is read back from the cloud)?")

    def refresh_one(target: StackTarget) -> Outcome:
        result = cli.run_cli("refresh", target, lambda: stacks[target.name].refresh(
            on_output=run.console.stream(target), on_error=run.console.stream(target, True), color="never"), streamed=True)
        counted = {k: v for k, v in (result.summary.resource_changes or {}).items() if v}
        return Outcome(target, "refreshed", ", ".join(f"{v} {k}" for k, v in counted.items()), changes=counted)

    return in_order(run.targets, run.jobs, refresh_one)


def outputs(run: Run) -> dict[str, dict[str, Any]]:
    engine = Engine(run.backend)
    return {t.name: cli.outputs(engine.stack(t, run.stack, create=False), t) for t in run.targets}


def stacks(run: Run) -> list[dict[str, Any]]:
    """Every stack of every target on the backend: name, last update, resource count."""
    engine = Engine(run.backend)
    rows: list[dict[str, Any]] = []
    for target in run.targets:
        try:
            found = cli.run_cli("stack ls", target, engine.workspace(target.folder).list_stacks)
        except DeployError as exc:
            rows.append({"target": target.name, "stack": "", "error": str(exc)})
            continue
        for s in found:
            rows.append({"target": target.name, "stack": s.name, "lastUpdate": s.last_update.isoformat(timespec="seconds") if s.last_update else None,
                         "resourceCount": s.resource_count, "updateInProgress": bool(s.update_in_progress), "url": s.url})
        if not found:
            rows.append({"target": target.name, "stack": "", "lastUpdate": None, "resourceCount": None, "updateInProgress": False, "url": None})
    return rows
