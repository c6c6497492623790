"""The Pulumi CLI, driven through the Automation API: one CLI and one backend for a whole run.

Every CLI failure becomes a `DeployError` whose message points at the output already streamed, so the
CLI's words are shown once, as they happen, and never a traceback.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .backend import Backend
from .changes import ChangeSet
from .errors import FAILED, INVALID, DeployError
from .plugins import required_plugins
from .targets import StackTarget

MISSING_CLI = ("the Pulumi CLI is not installed or not on PATH; install it (https://www.pulumi.com/docs/install/) to deploy. "
               "`dmesh preview` reviews a domain offline without it.")
Lines = Callable[[str], Any]


def _auto():
    from pulumi import automation as auto

    return auto


class Engine:
    def __init__(self, backend: Backend) -> None:
        auto = _auto()
        self.backend = backend
        try:
            self.command = auto.PulumiCommand()  # runs `pulumi version` once and checks it against the SDK
        except FileNotFoundError:
            raise DeployError(MISSING_CLI, INVALID) from None
        except auto.errors.InvalidVersionError as exc:
            raise DeployError(f"the Pulumi CLI on PATH does not fit the SDK: {exc}", INVALID) from None
        if backend.url.startswith("file://"):
            Path(backend.url[len("file://"):]).mkdir(parents=True, exist_ok=True)

    def _options(self, folder: Path):
        return _auto().LocalWorkspaceOptions(work_dir=str(folder), env_vars=dict(self.backend.env),
                                              secrets_provider=self.backend.secrets_provider, pulumi_command=self.command)

    def workspace(self, folder: Path):
        return _auto().LocalWorkspace(**self._options(folder).__dict__)

    def install_plugins(self, folder: Path, say: Lines) -> None:
        """The exact provider plugins the installed SDKs need, before any operation resolves one itself."""
        workspace = self.workspace(folder)
        for name, version in required_plugins():
            say(f"plugin {name} v{version}")
            try:
                workspace.install_plugin(name, f"v{version}")
            except _auto().errors.CommandError as exc:
                raise DeployError(f"cannot install the provider plugin {name} v{version}: {_last_error(exc)}. Without internet, "
                                  f"install it from a downloaded archive: `pulumi plugin install resource {name} v{version} --file "
                                  f"pulumi-resource-{name}-v{version}-<os>-<arch>.tar.gz`", FAILED) from None

    def stack(self, target: StackTarget, name: str, *, create: bool):
        auto = _auto()
        try:
            if create:
                return auto.create_or_select_stack(name, work_dir=str(target.folder), opts=self._options(target.folder))
            return auto.select_stack(name, work_dir=str(target.folder), opts=self._options(target.folder))
        except auto.errors.StackNotFoundError:
            raise DeployError(f"{target.label} has no stack {name!r} on {self.backend.url}", FAILED) from None
        except auto.errors.CommandError as exc:
            raise DeployError(f"cannot {'create or ' if create else ''}select stack {name!r} of {target.label} on "
                              f"{self.backend.url}: {_last_error(exc)}", FAILED) from None


def _code(exc: Exception) -> str:
    """The CLI's exit code; a CommandError keeps only `str(CommandResult)` ("\n code: N\n stdout: ...\n stderr: ...")."""
    match = re.search(r"^ code: (-?\d+)$", str(exc), re.MULTILINE)
    return match.group(1) if match else "?"


def _last_error(exc: Exception) -> str:
    """The CLI's own error line (its `error: ...`), not the whole output again."""
    stderr = str(exc).split("\n stderr: ", 1)[-1] if "\n stderr: " in str(exc) else ""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("error:")]
    return (errors or lines or ["(no message)"])[-1].removeprefix("error:").strip()


def run_cli(verb: str, target: StackTarget, call: Callable[[], Any], *, streamed: bool = False) -> Any:
    """One CLI operation. When its output was streamed as it came, a failure points there instead of repeating it."""
    auto = _auto()
    try:
        return call()
    except auto.errors.CommandError as exc:
        said = "its errors are shown above" if streamed else _last_error(exc)
        raise DeployError(f"`pulumi {verb}` of {target.label} failed (exit {_code(exc)}): {said}", FAILED) from None


def preview(stack, target: StackTarget, *, plan: Path, policy_pack: Path, policy_config: Path, out: Lines, err: Lines) -> ChangeSet:
    changes = ChangeSet()
    run_cli("preview", target, lambda: stack.preview(
        policy_packs=[str(policy_pack)], policy_pack_configs=[str(policy_config)], plan=str(plan),
        on_output=out, on_error=err, on_event=changes.record, color="never"), streamed=True)
    return changes


def up(stack, target: StackTarget, *, plan: Path, policy_pack: Path, policy_config: Path, out: Lines, err: Lines) -> dict[str, int]:
    result = run_cli("up", target, lambda: stack.up(
        policy_packs=[str(policy_pack)], policy_pack_configs=[str(policy_config)], plan=str(plan),
        on_output=out, on_error=err, color="never"), streamed=True)
    return dict(result.summary.resource_changes or {})


def protected_resources(stack, target: StackTarget) -> list[dict[str, str]]:
    """URN and type of every protected resource in the stack's state."""
    deployment = run_cli("stack export", target, stack.export_stack)
    resources = (deployment.deployment or {}).get("resources") or []
    return [{"urn": r["urn"], "type": r.get("type", "")} for r in resources if r.get("protect")]


def outputs(stack, target: StackTarget) -> dict[str, Any]:
    values = run_cli("stack output", target, stack.outputs)
    return {key: "[secret]" if value.secret else value.value for key, value in values.items()}


def write_json(path: Path, value: Any) -> Path:
    path.write_text(json.dumps(value), encoding="utf-8")
    return path
