"""Kubernetes rules: namespaces are bounded, workloads are locked down and sized."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from .rule import Rule
from .resources import LIMIT_RANGE, NAMESPACE, RESOURCE_QUOTA, ResourceView

# Where the pod spec sits inside each workload kind.
POD_SPEC_PATHS: dict[str, tuple[str, ...]] = {
    "kubernetes:core/v1:Pod": ("spec",),
    "kubernetes:core/v1:ReplicationController": ("spec", "template", "spec"),
    "kubernetes:apps/v1:Deployment": ("spec", "template", "spec"),
    "kubernetes:apps/v1:StatefulSet": ("spec", "template", "spec"),
    "kubernetes:apps/v1:DaemonSet": ("spec", "template", "spec"),
    "kubernetes:apps/v1:ReplicaSet": ("spec", "template", "spec"),
    "kubernetes:batch/v1:Job": ("spec", "template", "spec"),
    "kubernetes:batch/v1:CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
}


def _containers(resource: ResourceView) -> tuple[Mapping[str, Any], list[Mapping[str, Any]]] | None:
    path = POD_SPEC_PATHS.get(resource.type)
    if path is None:
        return None
    pod = resource.get(*path) or {}
    containers = [c for key in ("initContainers", "containers") for c in pod.get(key) or [] if isinstance(c, Mapping)]
    return pod, containers


def _namespace_of(resource: ResourceView) -> str:
    return str(resource.get("metadata", "namespace") or "default")


def namespace_quota(resources: Sequence[ResourceView], config: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    for ns in (r for r in resources if r.type == NAMESPACE):
        name = ns.get("metadata", "name")
        for kind, type_token in (("ResourceQuota", RESOURCE_QUOTA), ("LimitRange", LIMIT_RANGE)):
            present = any(
                r.type == type_token and (ns.urn in r.property_dependencies.get("metadata", ()) or _namespace_of(r) == name)
                for r in resources
            )
            if not present:
                yield ns.urn, f"namespace {name or ns.name!r} has no {kind} in this stack"


def pod_security(resource: ResourceView, config: Mapping[str, Any]) -> Iterator[str]:
    found = _containers(resource)
    if found is None:
        return
    pod, containers = found
    pod_ctx = pod.get("securityContext") or {}
    if pod.get("hostNetwork") or pod.get("hostPID") or pod.get("hostIPC"):
        yield "the pod shares host namespaces (hostNetwork/hostPID/hostIPC)"
    for c in containers:
        ctx = c.get("securityContext") or {}
        name = c.get("name", "?")
        if ctx.get("privileged") is True:
            yield f"container {name!r} is privileged"
        if ctx.get("allowPrivilegeEscalation") is not False:
            yield f"container {name!r} does not set allowPrivilegeEscalation: false"
        if ctx.get("readOnlyRootFilesystem") is not True:
            yield f"container {name!r} does not set readOnlyRootFilesystem: true"
        if ctx.get("runAsNonRoot", pod_ctx.get("runAsNonRoot")) is not True:
            yield f"container {name!r} may run as root; set runAsNonRoot: true"


def resource_limits(resource: ResourceView, config: Mapping[str, Any]) -> Iterator[str]:
    found = _containers(resource)
    if found is None:
        return
    for c in found[1]:
        res = c.get("resources") or {}
        missing = [f"{kind}.{what}" for kind in ("requests", "limits") for what in ("cpu", "memory") if not (res.get(kind) or {}).get(what)]
        if missing:
            yield f"container {c.get('name', '?')!r} lacks resources {', '.join(missing)}"


def approved_registries(resource: ResourceView, config: Mapping[str, Any]) -> Iterator[str]:
    found = _containers(resource)
    registries = [str(r).rstrip("/") + "/" for r in config.get("registries", [])]
    if found is None or not registries:
        return
    for c in found[1]:
        image = str(c.get("image", ""))
        if not any(image.startswith(r) for r in registries):
            yield f"container {c.get('name', '?')!r} uses image {image!r} from outside the approved registries {registries}"


def _pinned(image: str) -> bool:
    """A digest (`@sha256:...`) or a tag other than `latest` on the last path segment (a registry port is not a tag)."""
    if "@sha256:" in image:
        return True
    tail = image.rsplit("/", 1)[-1]
    return ":" in tail and tail.rsplit(":", 1)[1] not in ("", "latest")


def image_pinned(resource: ResourceView, config: Mapping[str, Any]) -> Iterator[str]:
    found = _containers(resource)
    if found is None:
        return
    for c in found[1]:
        image = str(c.get("image", ""))
        if not _pinned(image):
            yield f"container {c.get('name', '?')!r} uses image {image!r} without a version tag or digest; pin it (e.g. :1.4.2 or @sha256:...)"


RULES = (
    Rule("k8s-namespace-quota", "Every Namespace has a ResourceQuota and a LimitRange in the same stack.",
         "mandatory", "stack", namespace_quota, "medium", ("kubernetes", "cost")),
    Rule("k8s-pod-security", "Pods and workload templates run non-root, unprivileged, without privilege escalation, on a read-only root filesystem.",
         "mandatory", "resource", pod_security, "high", ("kubernetes", "runtime")),
    Rule("k8s-resource-limits", "Every container declares CPU and memory requests and limits.",
         "mandatory", "resource", resource_limits, "medium", ("kubernetes", "cost")),
    Rule("k8s-approved-registries", "Container images come from the approved registries.",
         "advisory", "resource", approved_registries, "medium", ("kubernetes", "supply-chain"),
         {"registries": {"type": "array", "items": {"type": "string"}, "default": []}}),
    Rule("k8s-image-pinned", "Container images are pinned to a version tag or digest, never latest.",
         "advisory", "resource", image_pinned, "medium", ("kubernetes", "supply-chain")),
)
