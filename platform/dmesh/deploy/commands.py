"""`dmesh up|destroy|refresh|outputs|stacks`: the command-line side of the deploy verbs.

Every verb takes the same target selection (folders, `--all`, `--platform`) and backend options, checks
them all before the first Pulumi CLI call, and exits 0 on success, 1 on a failed operation or a policy
violation, 2 on invalid input or a missing CLI.
"""

from __future__ import annotations

import json
import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

Paths = Annotated[list[Path] | None, typer.Argument(help="Domain folders and/or the platform project (`.`).", show_default=False)]
All = Annotated[bool, typer.Option("--all", help="The platform stack, then every domain of --mesh-root (producers first).")]
Platform = Annotated[bool, typer.Option("--platform", help="Include the platform stack (the project beside --mesh-root).")]
StackOpt = Annotated[str | None, typer.Option("--stack", "-s", help="Stack name (default dev; `local` with --local).", show_default=False)]
MeshRoot = Annotated[Path, typer.Option("--mesh-root", help="Mesh root holding the domains.")]
BackendOpt = Annotated[str | None, typer.Option("--backend", help="Pulumi state backend URL: file://PATH, s3://BUCKET, https://api.pulumi.com "
                                                                  "(default: PULUMI_BACKEND_URL, then `pulumi login`; --local: .pulumi-state/).",
                                                show_default=False)]
SecretsOpt = Annotated[str | None, typer.Option("--secrets-provider", help="e.g. awskms://alias/dmesh?region=eu-west-1 (default: passphrase "
                                                                           "from PULUMI_CONFIG_PASSPHRASE[_FILE]).", show_default=False)]
Yes = Annotated[bool, typer.Option("--yes", "-y", help="Apply without asking (after the preview is shown).")]
Jobs = Annotated[int | None, typer.Option("--jobs", "-j", min=1, help="Stacks worked on at once (default: CPU count, at most 4).",
                                          show_default=False)]
Local = Annotated[bool, typer.Option("--local", help="Deploy to the emulators (`dmesh local start`) and a local Kubernetes context.")]
KubeContext = Annotated[str | None, typer.Option("--kube-context", help="The local cluster's kubeconfig context (needed by --local), "
                                                                        "e.g. kind-dmesh-local.", show_default=False)]


class OutputFormat(str, Enum):
    table = "table"
    json = "json"


def _fail(message: str, code: int) -> typer.Exit:
    from rich.console import Console
    from rich.markup import escape

    Console(stderr=True).print(f"[red]error:[/red] {escape(message)}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def _plain(text: str) -> None:
    print(text, flush=True)


def _plain_err(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _terminal_confirm():
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        return None
    return lambda question: typer.confirm(question, default=False)


def _run(paths: list[Path] | None, everything: bool, platform: bool, stack: str | None, mesh_root: Path, backend: str | None,
         secrets_provider: str | None, yes: bool = True, jobs: int | None = None, local: bool = False, kube_context: str | None = None,
         *, needs_review: bool = False, reads_only: bool = False):
    """Every check that needs no CLI, in one place; returns the Run (targets in deploy order) or raises DeployError.

    `reads_only` (outputs, stacks): `--local` only chooses the stack and the backend, and the order does not matter.
    """
    import shutil

    from ..governance.config import GovernanceConfigError, load_platform_config
    from ..local_config import Emulators, LocalConfigError, checked_context, checked_local_stack, write_local_config
    from .backend import resolve_backend
    from .engine import MISSING_CLI
    from .errors import INVALID, DeployError
    from .targets import ordered, select
    from .verbs import Console, Run, review_first, stack_name

    targets = select(paths or [], everything=everything, platform=platform, mesh_root=mesh_root)
    name = stack_name(stack, local)
    writes_local = local and not reads_only
    if writes_local:
        try:
            checked_context(kube_context)
            checked_local_stack(name)
        except LocalConfigError as exc:
            raise DeployError(str(exc), INVALID) from None
    elif kube_context is not None:
        raise DeployError("--kube-context is for --local; a cloud stack's context is its `kubernetes:context` config", INVALID)
    resolved = resolve_backend(backend, secrets_provider, local=local)
    if shutil.which("pulumi") is None:  # before the review, which takes a while
        raise DeployError(MISSING_CLI, INVALID)
    try:
        platform_config = load_platform_config()
    except GovernanceConfigError as exc:
        raise DeployError(str(exc), INVALID) from None
    jobs = jobs or min(4, os.cpu_count() or 1)
    run = Run(targets=targets, stack=name, backend=resolved,
              console=Console(_plain, _plain_err, prefix=len(targets) > 1 and jobs > 1), platform_config=platform_config,
              jobs=jobs, confirm=_terminal_confirm(), yes=yes)
    domains = [t for t in targets if not t.platform]
    if domains and not any(t.platform for t in targets):
        run.platform_folder = domains[0].folder.parent.parent
    if writes_local:  # once, before the review: the programs run with the stack's config
        emulators = Emulators.from_env()
        try:
            for target in targets:
                write_local_config(target.folder, emulators, kube_context or "", name)
        except LocalConfigError as exc:  # e.g. a dev stack file of the wrong shape: nothing is deployed
            raise DeployError(str(exc), INVALID) from None
    if reads_only:
        return run
    if needs_review:
        review_first(run, jobs)
    elif domains:
        from blueprints import load_mesh

        run.specs = dict(load_mesh(domains[0].folder.parent, {}).domains)  # for the order only
    run.targets = ordered(targets, run.specs)
    return run


OPTIONS = ("paths", "everything", "platform", "stack", "mesh_root", "backend", "secrets_provider", "yes", "jobs", "local", "kube_context")


def _options(given: dict[str, Any]) -> dict[str, Any]:
    """The target and backend options a verb was given (each verb declares the ones it takes), for `_run`."""
    return {k: given[k] for k in OPTIONS if k in given}


def _apply(title: str, action, options: dict[str, Any], *, needs_review: bool = False) -> None:
    """A verb that changes stacks: the checks, the operation on each stack in order, the summary table."""
    def work():
        run = _run(**options, needs_review=needs_review)
        return run, action(run)

    run, outcomes = _guarded(work)
    _summary(outcomes, f"dmesh {title} (stack {run.stack})")


def _guarded(work):
    from .errors import DeployError

    try:
        return work()
    except DeployError as exc:
        raise _fail(str(exc), exc.code) from None
    except KeyboardInterrupt:
        raise _fail("interrupted: the CLI was stopped; run `dmesh refresh` if an update was in flight", 130) from None


def _summary(outcomes: list[Any], title: str) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    for column in ("stack", "result", "detail", "seconds"):
        table.add_column(column)
    style = {"failed": "red", "skipped": "yellow"}
    for o in outcomes:
        table.add_row(escape(o.target.label), f"[{style.get(o.status, 'green')}]{o.status}[/]", escape(o.detail), f"{o.seconds:.1f}")
    console = Console(stderr=True)
    console.print(table)
    for o in outcomes:  # in full, where a table cell would wrap them
        if o.status == "failed":
            console.print(f"[red]{escape(o.target.name)}:[/red] {escape(o.detail)}", highlight=False, soft_wrap=True)
    if not all(o.ok for o in outcomes):
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    @app.command()
    def up(paths: Paths = None, everything: All = False, platform: Platform = False, stack: StackOpt = None,
           mesh_root: MeshRoot = Path("domain_stacks"), backend: BackendOpt = None, secrets_provider: SecretsOpt = None,
           yes: Yes = False, jobs: Jobs = None, local: Local = False, kube_context: KubeContext = None) -> None:
        """Deploy stacks: validate and review offline, `pulumi preview` with the policy pack, confirm, `pulumi up` of that plan.

        Example: `dmesh up --all --stack dev` or `dmesh up domain_stacks/sales --local --kube-context kind-dmesh-local`.
        """
        from . import verbs

        _apply("up", verbs.up, _options(locals()), needs_review=True)

    @app.command()
    def destroy(paths: Paths = None, everything: All = False, platform: Platform = False, stack: StackOpt = None,
                mesh_root: MeshRoot = Path("domain_stacks"), backend: BackendOpt = None, secrets_provider: SecretsOpt = None,
                yes: Yes = False, jobs: Jobs = None, local: Local = False, kube_context: KubeContext = None,
                keep_data: Annotated[bool, typer.Option("--keep-data", help="Destroy all but the protected data resources.")] = False) -> None:
        """Destroy stacks, consumers before producers and the platform last; protected data is never deleted silently.

        Example: `dmesh destroy --all --local --kube-context kind-dmesh-local --keep-data`.
        """
        from . import verbs

        _apply("destroy", lambda run: verbs.destroy(run, keep_data), _options(locals()))

    @app.command()
    def refresh(paths: Paths = None, everything: All = False, platform: Platform = False, stack: StackOpt = None,
                mesh_root: MeshRoot = Path("domain_stacks"), backend: BackendOpt = None, secrets_provider: SecretsOpt = None,
                yes: Yes = False, jobs: Jobs = None, local: Local = False, kube_context: KubeContext = None) -> None:
        """Read the stacks' state back from the cloud (`pulumi refresh`), in deploy order.

        Example: `dmesh refresh domain_stacks/sales --stack dev --yes`.
        """
        from . import verbs

        _apply("refresh", verbs.refresh, _options(locals()))

    @app.command()
    def outputs(paths: Paths = None, everything: All = False, platform: Platform = False, stack: StackOpt = None,
                mesh_root: MeshRoot = Path("domain_stacks"), backend: BackendOpt = None, secrets_provider: SecretsOpt = None,
                local: Local = False, format: Annotated[OutputFormat, typer.Option("--format", "-f", help="table or json (stdout).")] = OutputFormat.table) -> None:
        """The stacks' outputs (secret values masked).

        Example: `dmesh outputs --all -f json`.
        """
        from . import verbs

        options = _options(locals())

        def work():
            return verbs.outputs(_run(**options, reads_only=True))

        values = _guarded(work)
        if format is OutputFormat.json:
            print(json.dumps(values, indent=2, sort_keys=True))
            return
        from rich.console import Console
        from rich.markup import escape
        from rich.table import Table

        table = Table("stack", "output", "value")
        for name, found in values.items():
            for key, value in sorted(found.items()):
                table.add_row(escape(name), escape(key), escape(value if isinstance(value, str) else json.dumps(value)))
        Console().print(table)

    @app.command()
    def stacks(paths: Paths = None, everything: All = False, platform: Platform = False, mesh_root: MeshRoot = Path("domain_stacks"),
               backend: BackendOpt = None, secrets_provider: SecretsOpt = None, local: Local = False,
               format: Annotated[OutputFormat, typer.Option("--format", "-f", help="table or json (stdout).")] = OutputFormat.table) -> None:
        """Each target's stacks on the backend: last update and resource count.

        Example: `dmesh stacks --all`.
        """
        from . import verbs

        options = _options(locals())

        def work():
            return verbs.stacks(_run(**options, stack=None, reads_only=True))

        rows = _guarded(work)
        if format is OutputFormat.json:
            print(json.dumps(rows, indent=2))
        else:
            from rich.console import Console
            from rich.markup import escape
            from rich.table import Table

            table = Table("project", "stack", "last update", "resources", "note")
            for r in rows:
                note = r.get("error") or ("update in progress" if r.get("updateInProgress") else "" if r["stack"] else "no stack")
                table.add_row(escape(r["target"]), escape(r["stack"]), escape(r.get("lastUpdate") or ""),
                              "" if r.get("resourceCount") is None else str(r["resourceCount"]), escape(note))
            Console().print(table)
        if any("error" in r for r in rows):
            raise typer.Exit(1)
