"""The one stack config of a local deploy: `dmesh local pulumi-config` writes it, `dmesh up --local` uses it.

Each AWS service's endpoint points at whichever emulator serves it (LocalStack, or the moto server for Glue,
which LocalStack's community edition lacks), with the keys pulumilocal sets; Kubernetes goes to a context the
user names, never the dev stack's, so a local deploy cannot reach a shared cluster by accident.
"""

from __future__ import annotations

import io
import os
import re
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML

from .atomic import replace_text
from .local import DEFAULT_ENDPOINT, DEFAULT_MOTO_ENDPOINT, LOCALSTACK_SERVICES
from .review.project import ProjectError, read_stack_file, settings_file

MOTO_SERVICES = ("glue",)
LOCAL_STACK = "local"
BASE_STACK = "dev"
KUBE_CONTEXT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@:/-]{0,252}$")
KUBE_HINT = ("create a local cluster first, e.g. `kind create cluster --name dmesh-local` (context kind-dmesh-local) or "
             "`k3d cluster create dmesh-local` (context k3d-dmesh-local), and pass --kube-context with its context")


class LocalConfigError(ValueError):
    pass


@dataclass(frozen=True)
class Emulators:
    localstack: str = DEFAULT_ENDPOINT
    moto: str = DEFAULT_MOTO_ENDPOINT

    @classmethod
    def from_env(cls) -> Emulators:
        from .local import endpoint_from_env

        return cls(endpoint_from_env(), os.environ.get("MOTO_ENDPOINT") or DEFAULT_MOTO_ENDPOINT)

    def endpoints(self) -> dict[str, str]:
        return {**{s: self.localstack for s in LOCALSTACK_SERVICES}, **{s: self.moto for s in MOTO_SERVICES}}


def checked_context(kube_context: str | None) -> str:
    if not kube_context:
        raise LocalConfigError(f"a local deploy needs a local Kubernetes context (--kube-context); {KUBE_HINT}")
    if not KUBE_CONTEXT.fullmatch(kube_context):
        raise LocalConfigError(f"--kube-context {kube_context!r} is not a kubeconfig context name")
    return kube_context


def local_stack_config(project: Path, emulators: Emulators, kube_context: str) -> dict[str, object]:
    """The project's dev config without its Kubernetes settings, with the emulators' endpoints and the local context."""
    base = project / settings_file(BASE_STACK)
    config = _stack_file(base)["config"] if base.is_file() else {}
    config = {k: v for k, v in config.items() if not str(k).startswith("kubernetes:")}
    account = str(config.get("dmesh:accountId", ""))
    return {
        **config,
        "aws:region": "us-east-1",
        # LocalStack takes a 12-digit access key id as the account id: the ARNs it returns then match the ones the
        # programs build from dmesh:accountId (moto ignores it)
        "aws:accessKey": account if re.fullmatch(r"[0-9]{12}", account) else "test",
        "aws:secretKey": "test",
        "aws:s3UsePathStyle": "true",
        "aws:skipCredentialsValidation": "true",
        "aws:skipRequestingAccountId": "true",
        "aws:skipMetadataApiCheck": "true",
        "aws:endpoints": [emulators.endpoints()],
        "kubernetes:context": checked_context(kube_context),
    }


def _stack_file(file: Path) -> dict[str, object]:
    try:
        return read_stack_file(file)
    except ProjectError as exc:
        raise LocalConfigError(f"{exc}; fix or remove the file") from None


def checked_local_stack(stack: str) -> str:
    """A stack whose settings file a local config may be written to: never the dev stack's, which is its base."""
    from .deploy.targets import valid_stack_name

    if not valid_stack_name(stack) or stack.rsplit("/", 1)[-1] == BASE_STACK:
        raise LocalConfigError(f"stack {stack!r} cannot hold a local config: it is written to {settings_file(stack)} from "
                               f"Pulumi.{BASE_STACK}.yaml; leave --stack out for `{LOCAL_STACK}`, or name another stack")
    return stack


def write_local_config(project: Path, emulators: Emulators, kube_context: str, stack: str = LOCAL_STACK) -> Path:
    """Write the stack's settings file (`local` unless named) atomically, keeping what the CLI stored there (encryption
    salt, secrets provider). The dev stack's own file is its base, so it is never the one written."""
    checked_local_stack(stack)
    config = local_stack_config(project, emulators, kube_context)
    target = project / settings_file(stack)
    kept = {k: v for k, v in _stack_file(target).items() if k != "config"} if target.is_file() else {}
    text = io.StringIO()
    YAML().dump({**kept, "config": config}, text)
    replace_text(target, text.getvalue())
    return target
