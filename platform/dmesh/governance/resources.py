"""The view of a resource that every rule works on, whoever delivers it.

Rules receive what the Pulumi engine sends an analyzer: a type token, camelCase
properties and a few options. Deploy-time (`pulumi up`) and review-time (`dmesh preview`)
both arrive here through the policy pack, so a rule never knows which one called it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

BUCKET_TYPES = frozenset({"aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"})
SSE_TYPES = frozenset({
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
})
VERSIONING_TYPES = frozenset({"aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2"})
LIFECYCLE_TYPES = frozenset({
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
})
PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
BUCKET_OBJECT_TYPES = frozenset({"aws:s3/bucketObjectv2:BucketObjectv2", "aws:s3/bucketObject:BucketObject"})
KMS_KEY = "aws:kms/key:Key"
KINESIS_STREAM = "aws:kinesis/stream:Stream"
KINESIS_POLICY = "aws:kinesis/resourcePolicy:ResourcePolicy"
IAM_ROLE = "aws:iam/role:Role"
IAM_POLICY = "aws:iam/policy:Policy"
GLUE_TABLE = "aws:glue/catalogTable:CatalogTable"
SNS_TOPIC = "aws:sns/topic:Topic"
METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
NAMESPACE = "kubernetes:core/v1:Namespace"
RESOURCE_QUOTA = "kubernetes:core/v1:ResourceQuota"
LIMIT_RANGE = "kubernetes:core/v1:LimitRange"


@dataclass(frozen=True)
class ResourceView:
    type: str
    name: str
    urn: str
    props: Mapping[str, Any]
    protect: bool = False
    property_dependencies: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def get(self, *path: str | int, default: Any = None) -> Any:
        """Nested lookup that tolerates missing keys and lists (`get("spec", "template")`)."""
        node: Any = self.props
        for part in path:
            if isinstance(part, int):
                if not is_sequence(node) or len(node) <= part:
                    return default
                node = node[part]
            else:
                if not isinstance(node, Mapping) or part not in node:
                    return default
                node = node[part]
        return node

    def tags(self) -> Mapping[str, Any]:
        tags = self.props.get("tags") if isinstance(self.props, Mapping) else None
        return tags if isinstance(tags, Mapping) else {}


def is_sequence(value: Any) -> bool:
    """Lists as the policy SDK hands them over (a Sequence proxy), never strings."""
    return isinstance(value, Sequence) and not isinstance(value, (str, bytes))


def plain(value: Any) -> Any:
    """Deep copy of proxied properties into dicts and lists (reads every value, so unknowns raise)."""
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    if is_sequence(value):
        return [plain(v) for v in value]
    return value


def bucket_keys(bucket: ResourceView) -> set[str]:
    """Values by which other S3 resources refer to a bucket (its name, id or ARN)."""
    keys = {bucket.urn}
    for prop in ("bucket", "id", "arn"):
        value = bucket.props.get(prop)
        if isinstance(value, str) and value:
            keys.add(value)
    return keys


def refers_to(resource: ResourceView, prop: str, target_keys: set[str], target_urn: str) -> bool:
    """Whether `resource.prop` points at the target, by dependency (known in preview) or by value."""
    if target_urn in resource.property_dependencies.get(prop, ()):
        return True
    value = resource.props.get(prop)
    return isinstance(value, str) and value in target_keys


def attached(resources: Iterable[ResourceView], types: frozenset[str] | str, bucket: ResourceView, prop: str = "bucket") -> list[ResourceView]:
    """Resources of the given types that configure this bucket."""
    wanted = {types} if isinstance(types, str) else types
    keys = bucket_keys(bucket)
    return [r for r in resources if r.type in wanted and refers_to(r, prop, keys, bucket.urn)]
