"""IAM rules: least privilege in every policy document, and a boundary on every role."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from .documents import WRITE_LEVELS, access_levels, documents_of, is_wildcard_action, statements
from .rule import Rule
from .resources import IAM_ROLE, KMS_KEY, ResourceView


def no_wildcard_actions(resource: ResourceView, config: Mapping[str, Any]) -> Iterator[str]:
    for prop, document in documents_of(resource):
        for s in statements(document):
            if s.effect != "Allow":
                continue
            if s.not_actions:
                yield f"{prop}: {s.label} allows NotAction {list(s.not_actions)}, which grants every other action; list the actions"
            wild = [a for a in s.actions if is_wildcard_action(a)]
            if wild:
                yield f"{prop}: {s.label} allows wildcard actions {wild}; list the actions the role needs"


def no_wildcard_resource_writes(resource: ResourceView, config: Mapping[str, Any]) -> Iterator[str]:
    # In a key policy `Resource: "*"` means the key itself, so it is not a wildcard there.
    if resource.type == KMS_KEY:
        return
    for prop, document in documents_of(resource):
        if prop == "assumeRolePolicy":
            continue
        for s in statements(document):
            if s.effect != "Allow" or not ("*" in s.resources or s.not_resources):
                continue
            writes = sorted(a for a in s.actions if access_levels(a) & WRITE_LEVELS)
            if writes or s.not_actions:
                yield f"{prop}: {s.label} allows write or permission actions {writes or list(s.not_actions)} on Resource '*'; scope them to ARNs"


def permission_boundary_required(resource: ResourceView, config: Mapping[str, Any]) -> Iterator[str]:
    if resource.type == IAM_ROLE and not resource.props.get("permissionsBoundary"):
        yield f"role {resource.name!r} has no permissionsBoundary; attach the domain's boundary policy"


RULES = (
    Rule("iam-no-wildcard-actions", "No policy document allows '*' or '<service>:*' actions (or NotAction).",
         "mandatory", "resource", no_wildcard_actions, "high", ("iam", "least-privilege")),
    Rule("iam-no-wildcard-resource-writes", "No write or permission-management action is allowed on Resource '*'.",
         "mandatory", "resource", no_wildcard_resource_writes, "high", ("iam", "least-privilege")),
    Rule("iam-permission-boundary-required", "Every IAM role has a permissions boundary.",
         "mandatory", "resource", permission_boundary_required, "high", ("iam",)),
)
