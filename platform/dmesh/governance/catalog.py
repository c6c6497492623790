"""The rule book: every global rule with its name, description, default level and settings.

The policy pack, `dmesh validate` (override checks) and `dmesh preview` all read this one
list; nothing else defines a rule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from . import catalog_rules, encryption_rules, iam_rules, kubernetes_rules, lifecycle_rules, principal_rules, s3_rules, tag_rules
from .resources import ResourceView

ResourceCheck = Callable[[ResourceView, Mapping[str, Any]], Iterable[str]]
StackCheck = Callable[[Sequence[ResourceView], Mapping[str, Any]], Iterable[tuple[str, str]]]
Level = Literal["mandatory", "advisory", "disabled"]


@dataclass(frozen=True)
class Rule:
    name: str
    description: str
    level: Level
    scope: Literal["resource", "stack"]
    check: ResourceCheck | StackCheck
    config_schema: Mapping[str, Any] = field(default_factory=dict)
    defaults: Mapping[str, Any] = field(default_factory=dict)

    def settings(self, config: Mapping[str, Any] | None) -> dict[str, Any]:
        """The rule's settings: its defaults overlaid with the configured values."""
        return {**self.defaults, **(config or {})}


RULES: tuple[Rule, ...] = (
    Rule("s3-encryption-customer-managed-kms", "Every S3 bucket is encrypted with SSE-KMS under a customer-managed key.",
         "mandatory", "stack", s3_rules.encryption_customer_managed_kms,
         {"exemptBuckets": {"type": "array", "items": {"type": "string"},
                            "description": "Buckets AWS cannot encrypt with SSE-KMS (S3 server access log targets); platform config only."}},
         {"exemptBuckets": []}),
    Rule("s3-public-access-blocked", "Every S3 bucket has a public access block with all four flags set.",
         "mandatory", "stack", s3_rules.public_access_blocked),
    Rule("s3-versioning-enabled", "Every S3 bucket has versioning enabled.", "mandatory", "stack", s3_rules.versioning_enabled),
    Rule("s3-tls-only", "Every bucket policy denies requests made without TLS (aws:SecureTransport=false).",
         "advisory", "resource", s3_rules.tls_only),
    Rule("no-public-principals", "No bucket, key or stream policy admits '*' or an account outside the mesh.",
         "mandatory", "resource", principal_rules.no_public_principals,
         {"allowedAccountIds": {"type": "array", "items": {"type": "string", "pattern": "^[0-9]{12}$"}}},
         {"allowedAccountIds": []}),
    Rule("kms-key-rotation-enabled", "Every symmetric KMS key has automatic rotation enabled.",
         "mandatory", "resource", encryption_rules.key_rotation_enabled),
    Rule("kinesis-encryption-kms", "Every Kinesis stream is encrypted with KMS.", "mandatory", "resource", encryption_rules.kinesis_encryption_kms),
    Rule("iam-no-wildcard-actions", "No policy document allows '*' or '<service>:*' actions (or NotAction).",
         "mandatory", "resource", iam_rules.no_wildcard_actions),
    Rule("iam-no-wildcard-resource-writes", "No write or permission-management action is allowed on Resource '*'.",
         "mandatory", "resource", iam_rules.no_wildcard_resource_writes),
    Rule("iam-permission-boundary-required", "Every IAM role has a permissions boundary.",
         "mandatory", "resource", iam_rules.permission_boundary_required),
    Rule("required-tags", "Every taggable AWS resource carries the mesh ownership tags, non-empty.",
         "mandatory", "resource", tag_rules.required_tags,
         {"tags": {"type": "array", "items": {"type": "string"}}}, {"tags": list(tag_rules.DEFAULT_TAGS)}),
    Rule("retention-within-limit", "Bucket lifecycle expiration stays within the maximum for its classification; restricted data always expires.",
         "mandatory", "stack", lifecycle_rules.retention_within_limit,
         {"maxDays": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 1}}},
         {"maxDays": dict(lifecycle_rules.DEFAULT_MAX_DAYS)}),
    Rule("k8s-namespace-quota", "Every Namespace has a ResourceQuota and a LimitRange in the same stack.",
         "mandatory", "stack", kubernetes_rules.namespace_quota),
    Rule("k8s-pod-security", "Pods and workload templates run non-root, unprivileged, without privilege escalation, on a read-only root filesystem.",
         "mandatory", "resource", kubernetes_rules.pod_security),
    Rule("k8s-resource-limits", "Every container declares CPU and memory requests and limits.",
         "mandatory", "resource", kubernetes_rules.resource_limits),
    Rule("k8s-approved-registries", "Container images come from the approved registries.",
         "advisory", "resource", kubernetes_rules.approved_registries,
         {"registries": {"type": "array", "items": {"type": "string"}}}, {"registries": []}),
    Rule("catalog-entry-required", "Every product bucket has a Glue table and a registry document in the same stack.",
         "mandatory", "stack", catalog_rules.catalog_entry_required),
    Rule("stateful-resources-protected", "Buckets, streams, keys and Glue tables are protected against deletion.",
         "advisory", "resource", lifecycle_rules.stateful_resources_protected),
)


def rules_by_name() -> dict[str, Rule]:
    return {rule.name: rule for rule in RULES}


def rule_levels() -> dict[str, str]:
    """Mesh-wide default level per rule name (what `dmesh validate` checks overrides against)."""
    return {rule.name: rule.level for rule in RULES}
