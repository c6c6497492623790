"""IAM policy documents as the rules see them: parsed, with list-or-string fields normalised."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import parliament

from .resources import ResourceView, is_sequence, plain

# Where each resource type keeps its policy documents; Role keeps inline ones in a list.
DOCUMENT_PROPS: dict[str, tuple[str, ...]] = {
    "aws:iam/policy:Policy": ("policy",),
    "aws:iam/rolePolicy:RolePolicy": ("policy",),
    "aws:iam/userPolicy:UserPolicy": ("policy",),
    "aws:iam/groupPolicy:GroupPolicy": ("policy",),
    "aws:iam/role:Role": ("assumeRolePolicy",),
    "aws:s3/bucketPolicy:BucketPolicy": ("policy",),
    "aws:s3/bucket:Bucket": ("policy",),
    "aws:s3/bucketV2:BucketV2": ("policy",),
    "aws:kms/key:Key": ("policy",),
    "aws:kinesis/resourcePolicy:ResourcePolicy": ("policy",),
    "aws:sqs/queuePolicy:QueuePolicy": ("policy",),
    "aws:sns/topicPolicy:TopicPolicy": ("policy",),
}
RESOURCE_POLICY_TYPES = frozenset({
    "aws:s3/bucketPolicy:BucketPolicy", "aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2",
    "aws:kms/key:Key", "aws:kinesis/resourcePolicy:ResourcePolicy",
})
WRITE_LEVELS = frozenset({"Write", "Permissions management", "Tagging"})


@dataclass(frozen=True)
class Statement:
    effect: str
    actions: tuple[str, ...]
    not_actions: tuple[str, ...]
    resources: tuple[str, ...]
    not_resources: tuple[str, ...]
    principal: Any
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
            effect=str(s.get("Effect", "")),
            actions=_as_tuple(s.get("Action")),
            not_actions=_as_tuple(s.get("NotAction")),
            resources=_as_tuple(s.get("Resource")),
            not_resources=_as_tuple(s.get("NotResource")),
            principal=s.get("Principal"),
            condition=s.get("Condition") or {},
            sid=str(s.get("Sid", "")),
        ))
    return result


def documents_of(resource: ResourceView) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every policy document a resource carries, with the property it came from."""
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


@cache
def _access_levels() -> dict[str, str]:
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
        expanded = parliament.expand_action(action, raise_exceptions=False)
    except ValueError:
        return {"Write"}
    if not expanded:
        return {"Write"}
    levels = _access_levels()
    return {levels.get(f"{a['service']}:{a['action']}".lower(), "Write") for a in expanded}


def is_wildcard_action(action: str) -> bool:
    return action == "*" or action.endswith(":*")
