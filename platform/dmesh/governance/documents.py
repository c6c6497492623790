"""IAM policy documents as the rules see them: parsed, with list-or-string fields normalised."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any


from .resources import ResourceView, is_sequence, plain

# Identity policies: attached to a principal, they carry no Principal of their own.
IDENTITY_POLICY_TYPES = frozenset({
    "aws:iam/policy:Policy", "aws:iam/rolePolicy:RolePolicy", "aws:iam/userPolicy:UserPolicy", "aws:iam/groupPolicy:GroupPolicy",
})
# Policies in which `Resource: "*"` means the resource the policy is attached to (a key, a secret), not everything.
SELF_RESOURCE_POLICY_TYPES = frozenset({
    "aws:kms/key:Key", "aws:kms/keyPolicy:KeyPolicy", "aws:kms/externalKey:ExternalKey", "aws:kms/replicaKey:ReplicaKey",
    "aws:kms/replicaExternalKey:ReplicaExternalKey", "aws:secretsmanager/secret:Secret", "aws:secretsmanager/secretPolicy:SecretPolicy",
})
# Every resource type of the services the mesh can reach that carries a policy document, and the properties holding it
# (read from pulumi-aws's Python SDK: the classes with a `policy`, `assume_role_policy`, `policy_document` or
# `access_policy` input). Role keeps its inline policies in a list, read separately.
DOCUMENT_PROPS: dict[str, tuple[str, ...]] = {
    **{t: ("policy",) for t in IDENTITY_POLICY_TYPES},
    "aws:iam/role:Role": ("assumeRolePolicy",),
    **{t: ("policy",) for t in SELF_RESOURCE_POLICY_TYPES},
    "aws:s3/bucketPolicy:BucketPolicy": ("policy",),
    "aws:s3/bucket:Bucket": ("policy",),
    "aws:s3/bucketV2:BucketV2": ("policy",),
    "aws:s3/accessPoint:AccessPoint": ("policy",),
    "aws:s3/filesFileSystemPolicy:FilesFileSystemPolicy": ("policy",),
    "aws:s3/vectorsVectorBucketPolicy:VectorsVectorBucketPolicy": ("policy",),
    "aws:kinesis/resourcePolicy:ResourcePolicy": ("policy",),
    "aws:glue/resourcePolicy:ResourcePolicy": ("policy",),
    "aws:sqs/queue:Queue": ("policy",),
    "aws:sqs/queuePolicy:QueuePolicy": ("policy",),
    "aws:sns/topic:Topic": ("policy",),
    "aws:sns/topicPolicy:TopicPolicy": ("policy",),
    "aws:lambda/resourcePolicy:ResourcePolicy": ("policy",),
    "aws:cloudwatch/eventBusPolicy:EventBusPolicy": ("policy",),
    "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": ("policyDocument",),
    "aws:cloudwatch/logDestinationPolicy:LogDestinationPolicy": ("accessPolicy",),
}
# Documents with a Principal: resource policies and trust policies (everything but identity policies).
PRINCIPAL_DOCUMENT_TYPES = frozenset(DOCUMENT_PROPS) - IDENTITY_POLICY_TYPES
WRITE_LEVELS = frozenset({"Write", "Permissions management", "Tagging"})


@dataclass(frozen=True)
class Statement:
    effect: str
    actions: tuple[str, ...]
    not_actions: tuple[str, ...]
    resources: tuple[str, ...]
    not_resources: tuple[str, ...]
    principal: Any
    not_principal: Any
    condition: dict[str, Any]
    sid: str

    @property
    def label(self) -> str:
        return f"statement {self.sid!r}" if self.sid else "a statement"


def _as_tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


def parse_document(value: Any) -> dict[str, Any] | None:
    """A policy document from a JSON string or mapping; None when it cannot be read."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    value = plain(value)
    return value if isinstance(value, dict) else None


def statements(document: dict[str, Any]) -> list[Statement]:
    raw = document.get("Statement", [])
    if isinstance(raw, dict):
        raw = [raw]
    result = []
    for s in raw if isinstance(raw, list) else []:
        if not isinstance(s, dict):
            continue
        result.append(Statement(
            effect=str(s.get("Effect", "")).capitalize(),  # "allow" must not slip past a check for "Allow"
            actions=_as_tuple(s.get("Action")),
            not_actions=_as_tuple(s.get("NotAction")),
            resources=_as_tuple(s.get("Resource")),
            not_resources=_as_tuple(s.get("NotResource")),
            principal=s.get("Principal"),
            not_principal=s.get("NotPrincipal"),
            condition=s.get("Condition") or {},
            sid=str(s.get("Sid", "")),
        ))
    return result


def documents_of(resource: ResourceView) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every policy document a resource carries, with the property it came from.

    A document that cannot be read is skipped here; `unreadable_documents` reports it, so nothing unread passes.
    """
    for prop in DOCUMENT_PROPS.get(resource.type, ()):
        doc = parse_document(resource.props.get(prop))
        if doc is not None:
            yield prop, doc
    if resource.type == "aws:iam/role:Role":
        inlines = resource.props.get("inlinePolicies") or []
        for i, inline in enumerate(inlines if is_sequence(inlines) else []):
            doc = parse_document(inline.get("policy")) if isinstance(inline, Mapping) else None
            if doc is not None:
                yield f"inlinePolicies[{i}]", doc


def unreadable_documents(resource: ResourceView) -> Iterator[str]:
    """Properties that should hold a policy document but hold something no rule can read (and AWS would)."""
    for prop in DOCUMENT_PROPS.get(resource.type, ()):
        value = resource.props.get(prop)
        if value not in (None, "") and parse_document(value) is None:
            yield prop


@cache
def _parliament():
    """parliament (and the pkg_resources it loads) costs ~0.2 s to import: only the rules that read actions pay it,
    never a verb that merely needs the rules' names and levels (`dmesh validate`, `dmesh --help`)."""
    import parliament

    return parliament


@cache
def _access_levels() -> dict[str, str]:
    parliament = _parliament()
    return {
        f"{service['prefix']}:{p['privilege']}".lower(): p["access_level"]
        for service in parliament.iam_definition
        for p in service["privileges"]
    }


def access_levels(action: str) -> set[str]:
    """AWS access levels (Read, List, Write, Permissions management, Tagging) an action pattern covers.

    Uses parliament's copy of the AWS service authorization reference; an action it does
    not know is treated as a write, so unknown actions never slip through.
    """
    try:
        expanded = _parliament().expand_action(action, raise_exceptions=False)
    except ValueError:
        return {"Write"}
    if not expanded:
        return {"Write"}
    levels = _access_levels()
    return {levels.get(f"{a['service']}:{a['action']}".lower(), "Write") for a in expanded}


def is_wildcard_action(action: str) -> bool:
    return action == "*" or action.endswith(":*")


def permission_management_in(action: str) -> list[str]:
    """The permission-management actions a wildcard pattern (`iam:*Policy*`, `s3:Put*`) expands to, by parliament's catalogue."""
    if "*" not in action and "?" not in action:
        return []
    try:
        expanded = _parliament().expand_action(action, raise_exceptions=False)
    except ValueError:
        return []
    levels = _access_levels()
    return sorted({f"{a['service']}:{a['action']}" for a in expanded or []
                   if levels.get(f"{a['service']}:{a['action']}".lower()) == "Permissions management"})
