"""IAM rules: least privilege in every policy document, bounded roles, no privilege by reference, no users."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from blueprints import naming
from blueprints.vocabulary import TAG_DOMAIN

from .documents import (
    SELF_RESOURCE_POLICY_TYPES,
    WRITE_LEVELS,
    access_levels,
    documents_of,
    is_wildcard_action,
    permission_management_in,
    statements,
    unreadable_documents,
)
from .resources import IAM_POLICY, IAM_ROLE, ResourceView, is_sequence
from .rule import Rule

# Where each resource type names the managed policies it attaches (one ARN, or a list).
ATTACHMENT_PROPS: dict[str, str] = {
    "aws:iam/role:Role": "managedPolicyArns",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": "policyArn",
    "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive": "policyArns",
    "aws:iam/userPolicyAttachment:UserPolicyAttachment": "policyArn",
    "aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive": "policyArns",
    "aws:iam/groupPolicyAttachment:GroupPolicyAttachment": "policyArn",
    "aws:iam/groupPolicyAttachmentsExclusive:GroupPolicyAttachmentsExclusive": "policyArns",
    "aws:iam/policyAttachment:PolicyAttachment": "policyArn",
}
# Long-lived human or key-based identities: a domain's workloads use roles (IRSA), never these.
USER_TYPES = frozenset({
    "aws:iam/user:User", "aws:iam/accessKey:AccessKey", "aws:iam/userLoginProfile:UserLoginProfile",
    "aws:iam/serviceSpecificCredential:ServiceSpecificCredential", "aws:iam/signingCertificate:SigningCertificate",
    "aws:iam/sshKey:SshKey", "aws:iam/userPolicy:UserPolicy", "aws:iam/userPolicyAttachment:UserPolicyAttachment",
    "aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive", "aws:iam/userGroupMembership:UserGroupMembership",
    "aws:iam/groupMembership:GroupMembership",
})
BOUNDED_TYPES = frozenset({IAM_ROLE, "aws:iam/user:User"})
POLICY_ARN = re.compile(r"^arn:aws[a-z-]*:iam::(aws|[0-9]{12}):policy/(.+)$")
DEFAULT_PRIVILEGED = ["AdministratorAccess*", "PowerUserAccess", "IAMFullAccess", "*FullAccess*", "job-function/*Administrator*"]
DEFAULT_BOUNDARY_NAMES = [naming.boundary_name("*")]  # the components' boundary policies, whatever the domain


def no_wildcard_actions(resource: ResourceView, config: Mapping[str, Any]) -> Iterator[str]:
    for prop in unreadable_documents(resource):
        yield f"{prop}: not a policy document the mesh can read; write it as a JSON policy document"
    for prop, document in documents_of(resource):
        for s in statements(document):
            if s.effect != "Allow":
                continue
            if s.not_actions:
                yield f"{prop}: {s.label} allows NotAction {list(s.not_actions)}, which grants every other action; list the actions"
            wild = [a for a in s.actions if is_wildcard_action(a)]
            if wild:
                yield f"{prop}: {s.label} allows wildcard actions {wild}; list the actions the role needs"
            for action in (a for a in s.actions if not is_wildcard_action(a)):
                hidden = permission_management_in(action)
                if hidden:
                    yield (f"{prop}: {s.label} allows {action!r}, which expands to permission-management actions "
                           f"{hidden[:3]}{' ...' if len(hidden) > 3 else ''}; list the actions the role needs")


# Write actions that have no resource ARN at all, only a condition key that scopes them (AWS service authorization
# reference): on Resource '*' they are least privilege when the key is pinned with StringEquals to literal values.
CONDITION_SCOPED_ACTIONS: dict[str, str] = {"cloudwatch:putmetricdata": "cloudwatch:namespace"}


def _pinned_values(s: Any, key: str) -> list[str] | None:
    """The literal values `StringEquals` pins a condition key to, or None (absent, a pattern, or a policy variable)."""
    condition = s.condition.get("StringEquals")
    if not isinstance(condition, Mapping):
        return None
    found = [v for k, v in condition.items() if str(k).lower() == key]
    values = [str(v) for value in found for v in (value if is_sequence(value) else [value])]
    if not values or any(ch in v for v in values for ch in ("*", "?", "${")):
        return None
    return values


def _condition_scoped(resource: ResourceView, prop: str, s: Any, action: str) -> tuple[bool, str]:
    """Whether a condition-scoped action is pinned, and to what: its own domain's namespace when the resource names a domain."""
    key = CONDITION_SCOPED_ACTIONS[action.lower()]
    values = _pinned_values(s, key)
    if values is None:
        return False, (f"{prop}: {s.label} allows {action!r} on Resource '*' without pinning {key} with StringEquals to literal values; "
                       f"name the domain's own namespace (no wildcards or policy variables)")
    domain = resource.tags().get(TAG_DOMAIN)
    if key == "cloudwatch:namespace" and domain:
        foreign = [v for v in values if v != naming.metric_namespace(str(domain))]
        if foreign:
            return False, (f"{prop}: {s.label} allows {action!r} in namespaces {foreign}, not domain {domain}'s own "
                           f"{naming.metric_namespace(str(domain))!r}; a domain reports only its own pipelines")
    return True, ""


def no_wildcard_resource_writes(resource: ResourceView, config: Mapping[str, Any]) -> Iterator[str]:
    # In a key or secret policy `Resource: "*"` means the key or secret itself, so it is not a wildcard there.
    if resource.type in SELF_RESOURCE_POLICY_TYPES:
        return
    for prop, document in documents_of(resource):
        if prop == "assumeRolePolicy":
            continue
        for s in statements(document):
            if s.effect != "Allow":
                continue
            if s.not_resources:
                yield f"{prop}: {s.label} allows NotResource {list(s.not_resources)}, which grants every other resource; list the resources"
                continue
            if "*" not in s.resources:
                continue
            writes = sorted(a for a in s.actions if access_levels(a) & WRITE_LEVELS)
            for action in [a for a in writes if a.lower() in CONDITION_SCOPED_ACTIONS]:
                writes.remove(action)
                scoped, problem = _condition_scoped(resource, prop, s, action)
                if not scoped:
                    yield problem
            if writes or s.not_actions:
                yield f"{prop}: {s.label} allows write or permission actions {writes or list(s.not_actions)} on Resource '*'; scope them to ARNs"


def permission_boundary_required(resource: ResourceView, config: Mapping[str, Any]) -> Iterator[str]:
    if resource.type in BOUNDED_TYPES and not resource.props.get("permissionsBoundary"):
        yield f"{resource.type.split(':')[-1].lower()} {resource.name!r} has no permissionsBoundary; attach the domain's boundary policy"


def _attached_arns(resource: ResourceView) -> list[str]:
    value = resource.props.get(ATTACHMENT_PROPS.get(resource.type, ""))
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value] if is_sequence(value) else []


def no_privileged_managed_policies(resource: ResourceView, config: Mapping[str, Any]) -> Iterator[str]:
    patterns = [str(p) for p in config.get("privilegedPolicies", DEFAULT_PRIVILEGED)]
    for arn in _attached_arns(resource):
        match = POLICY_ARN.match(arn)
        name = match.group(2) if match else arn.rsplit("/", 1)[-1]
        if any(fnmatch.fnmatchcase(name, p) or fnmatch.fnmatchcase(name.rsplit("/", 1)[-1], p) for p in patterns):
            owner = "AWS-managed" if match and match.group(1) == "aws" else "managed"
            yield f"attaches the {owner} policy {arn!r}, which grants administration or full access; attach least-privilege statements instead"


def permission_boundary_approved(resources: Sequence[ResourceView], config: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """A boundary bounds only if the mesh wrote it: a `dm-*-boundary` policy of this stack (judged by every IAM rule) or an approved ARN."""
    names = [str(n) for n in config.get("boundaryNames", DEFAULT_BOUNDARY_NAMES)]
    approved = {str(a) for a in config.get("approvedBoundaries", [])}
    mesh_boundaries = [p for p in resources if p.type == IAM_POLICY and any(fnmatch.fnmatchcase(str(p.props.get("name") or ""), n) for n in names)]
    for principal in (r for r in resources if r.type in BOUNDED_TYPES):
        boundary = principal.props.get("permissionsBoundary")
        if not boundary or boundary in approved:
            continue
        deps = set(principal.property_dependencies.get("permissionsBoundary", ()))
        ours = any(p.urn in deps or boundary in (p.props.get("arn"), p.props.get("id")) or
                   (isinstance(boundary, str) and boundary.endswith(f":policy/{p.props.get('name')}")) for p in mesh_boundaries)
        if not ours:
            yield principal.urn, (f"{principal.name!r} is bounded by {boundary!r}, which is not a mesh boundary of this stack; "
                                  "use the domain's boundary policy (or ask the platform team to approve it)")


def no_users(resource: ResourceView, config: Mapping[str, Any]) -> Iterator[str]:
    if resource.type in USER_TYPES:
        yield f"{resource.type.split(':')[-1]} {resource.name!r}: IAM users and long-lived keys have no place in a domain stack; use the domain's roles"


RULES = (
    Rule("iam-no-wildcard-actions", "No policy document allows '*', '<service>:*', NotAction, or a pattern that expands to permission management.",
         "mandatory", "resource", no_wildcard_actions, "high", ("iam", "least-privilege")),
    Rule("iam-no-wildcard-resource-writes", "No write or permission-management action is allowed on Resource '*', and no Allow uses NotResource.",
         "mandatory", "resource", no_wildcard_resource_writes, "high", ("iam", "least-privilege")),
    Rule("iam-permission-boundary-required", "Every IAM role has a permissions boundary.",
         "mandatory", "resource", permission_boundary_required, "high", ("iam",)),
    Rule("iam-permission-boundary-approved", "Every permissions boundary is a mesh boundary policy of the same stack or one the platform approved.",
         "mandatory", "stack", permission_boundary_approved, "critical", ("iam", "least-privilege"),
         {"boundaryNames": {"type": "array", "items": {"type": "string"}, "default": DEFAULT_BOUNDARY_NAMES,
                            "description": "Name patterns of the boundary policies the components create."},
          "approvedBoundaries": {"type": "array", "items": {"type": "string"}, "default": [],
                                 "description": "Boundary policy ARNs defined outside the stacks that the platform team vouches for."}}),
    Rule("iam-no-privileged-managed-policies", "No role, user or group attaches a managed policy that grants administration or full access.",
         "mandatory", "resource", no_privileged_managed_policies, "critical", ("iam", "least-privilege"),
         {"privilegedPolicies": {"type": "array", "items": {"type": "string"}, "default": DEFAULT_PRIVILEGED,
                                 "description": "Name patterns (fnmatch) of managed policies no domain may attach."}}),
    Rule("iam-no-users", "No IAM users, access keys, login profiles or other long-lived credentials in a domain stack.",
         "mandatory", "resource", no_users, "high", ("iam", "credentials")),
)
