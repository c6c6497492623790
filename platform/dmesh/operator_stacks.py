"""Pulumi Kubernetes Operator `Stack` objects, one per domain stack, so a cluster reconciles the mesh continuously.

The platform stack creates them when its config has `dmesh:operator`. Each object points the operator at the
domain's folder of the mesh repository, on one branch and one backend, with the passphrase (and any cloud
credentials) taken from Kubernetes Secrets by `envRefs`, never inlined. A domain's Stack lists the Stacks of the
domains it reads as `prerequisites`, the same order `dmesh up --all` follows, and is never destroyed when the
object is deleted (`destroyOnFinalize: false`): the data stays unless a team removes it deliberately.

The operator runs `pulumi up` without `--policy-pack` (its Stack has no such field): governance there rests on the
branch it follows being protected by the required `dmesh preview` check, and on Pulumi Cloud, on the pack being
enforced by the organisation's policy group. docs/deploy.md says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from .deploy.backend import BACKEND_SCHEMES, KEY_SERVICES, PASSPHRASE, is_cloud
from .deploy.targets import StackTarget, ordered, valid_stack_name

API_VERSION = "pulumi.com/v1"
KIND = "Stack"
OBJECT_PREFIX = "dmesh-"
DNS_LABEL = r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"
DNS_SUBDOMAIN = r"^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$"
ENV_NAME = r"^[A-Za-z_][A-Za-z0-9_]*$"
BACKEND_URL = rf"^({'|'.join(BACKEND_SCHEMES)})://\S+$"
KEY_SERVICE_URL = rf"^({'|'.join(KEY_SERVICES)})://\S+$"


def _stack_name(name: str) -> str:
    if not valid_stack_name(name):
        raise ValueError(f"{name!r} is not a Pulumi stack name")
    return name


class SecretKey(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    secret: Annotated[str, StringConstraints(pattern=DNS_SUBDOMAIN)]
    key: Annotated[str, StringConstraints(pattern=r"^[-._A-Za-z0-9]{1,253}$")]

    def env_ref(self) -> dict[str, Any]:
        return {"type": "Secret", "secret": {"name": self.secret, "key": self.key}}


class OperatorSettings(BaseModel):
    """`dmesh:operator` in the platform stack's config."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    namespace: Annotated[str, StringConstraints(pattern=DNS_LABEL)]
    repository: Annotated[str, StringConstraints(pattern=r"^(https://|ssh://|git@)[^\s]+$")]
    branch: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,200}$")] = "main"
    backend: Annotated[str, StringConstraints(pattern=BACKEND_URL)]
    service_account: Annotated[str, StringConstraints(pattern=DNS_SUBDOMAIN)] = Field(alias="serviceAccount")
    stack: Annotated[str, AfterValidator(_stack_name)] | None = None
    passphrase: SecretKey | None = None
    secrets_provider: Annotated[str, StringConstraints(pattern=KEY_SERVICE_URL)] | None = Field(
        default=None, alias="secretsProvider")
    credentials: dict[Annotated[str, StringConstraints(pattern=ENV_NAME)], SecretKey] = Field(default_factory=dict)
    resync_frequency_seconds: int = Field(default=600, ge=60, le=86400, alias="resyncFrequencySeconds")
    refresh: bool = True

    @model_validator(mode="after")
    def _secrets_are_decided(self) -> OperatorSettings:
        if not is_cloud(self.backend) and self.secrets_provider is None and self.passphrase is None:
            raise ValueError(f"a self-managed backend ({self.backend}) encrypts secrets with a passphrase: give `passphrase: "
                             "{secret: NAME, key: KEY}` (a Kubernetes Secret) or a `secretsProvider`")
        if PASSPHRASE in self.credentials:
            raise ValueError(f"{PASSPHRASE} goes in `passphrase`, not in `credentials`")
        return self


def object_name(domain: str) -> str:
    return f"{OBJECT_PREFIX}{domain}"


def stack_objects(settings: OperatorSettings, stack: str, domains: Iterable[tuple[str, str, Iterable[str]]]) -> list[dict[str, Any]]:
    """One Stack object per (domain, folder in the repository, domains it must follow)."""
    env: dict[str, Any] = {name: ref.env_ref() for name, ref in sorted(settings.credentials.items())}
    if settings.passphrase is not None:
        env[PASSPHRASE] = settings.passphrase.env_ref()
    objects = []
    for domain, folder, needs in domains:
        spec: dict[str, Any] = {
            "stack": settings.stack or stack,
            "projectRepo": settings.repository,
            "repoDir": folder,
            "branch": settings.branch,
            "backend": settings.backend,
            "serviceAccountName": settings.service_account,
            "envRefs": env,
            "refresh": settings.refresh,
            "resyncFrequencySeconds": settings.resync_frequency_seconds,
            "continueResyncOnCommitMatch": True,  # reconcile drift too, not only new commits
            "destroyOnFinalize": False,
        }
        if settings.secrets_provider:
            spec["secretsProvider"] = settings.secrets_provider
        prerequisites = [{"name": object_name(d)} for d in sorted(needs)]
        if prerequisites:
            spec["prerequisites"] = prerequisites
        objects.append({"apiVersion": API_VERSION, "kind": KIND,
                        "metadata": {"name": object_name(domain), "namespace": settings.namespace,
                                     "labels": {"app.kubernetes.io/managed-by": "dmesh", "dmesh/domain": domain}},
                        "spec": spec})
    return objects


class OperatorError(ValueError):
    pass


def operator_objects(raw: object, stack: str, home: Path, mesh_root: Path) -> list[dict[str, Any]]:
    """The Stack objects the platform stack creates: none when `raw` (the `dmesh:operator` config) is absent.

    Domains and their order come from the blueprints, as in `dmesh up --all`; a blueprint error stops here with its
    message rather than creating Stack objects for a mesh `dmesh validate` would refuse.
    """
    if raw is None:
        return []
    try:
        settings = OperatorSettings.model_validate(raw)
    except ValidationError as exc:
        raise OperatorError("; ".join(f"{'.'.join(map(str, e['loc'])) or 'value'}: {e['msg']}" for e in exc.errors())) from None
    from blueprints import load_mesh
    from blueprints.mesh import domain_folders

    from .governance.config import mesh_levels

    mesh = load_mesh(mesh_root, mesh_levels())
    if mesh.findings:
        raise OperatorError("the mesh does not validate; run `dmesh validate`:\n" + "\n".join(f.render() for f in mesh.findings))
    targets = ordered([StackTarget(f.name, f.resolve()) for f in domain_folders(mesh_root)], mesh.domains)
    return stack_objects(settings, stack, [(t.name, t.folder.relative_to(home.resolve()).as_posix(), t.needs) for t in targets])
