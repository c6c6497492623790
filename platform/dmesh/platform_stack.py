"""The platform's own resources, as one component: catalog bucket, audit bucket and the platform key."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from blueprints import arns, naming
from blueprints.vocabulary import TAG_CLASSIFICATION, TAG_COST_CENTER, TAG_DOMAIN, TAG_OWNER
from components.policies import (
    access_log_delivery,
    account_root,
    deny_insecure_transport,
    document,
    inventory_delivery,
    json_text,
    kms_administration,
)
from components.storage import GuardedBucketArgs, guarded_bucket


# the platform stack's outputs, which `dmesh up` checks against the buckets the domain stacks write to
CATALOG_OUTPUT = "catalogBucket"
AUDIT_OUTPUT = "auditBucket"


@dataclass(frozen=True)
class PlatformStackArgs:
    account_id: str
    region: str
    catalog_bucket: str
    audit_bucket: str
    owner: str
    cost_center: str
    # Pulumi Kubernetes Operator Stack objects (`dmesh.operator_stacks`), one per domain; none without `dmesh:operator`
    operator_stacks: tuple[dict, ...] = ()


def _tags(args: PlatformStackArgs) -> dict[str, str]:
    return {TAG_DOMAIN: naming.PLATFORM_DOMAIN, TAG_OWNER: args.owner, TAG_CLASSIFICATION: "internal", TAG_COST_CENTER: args.cost_center}


class PlatformStack(pulumi.ComponentResource):
    """S3 server access logs can only be delivered to an SSE-S3 bucket, so the audit bucket (`naming.AUDIT_BUCKET`) is
    the one bucket the customer-managed-key rule exempts by default."""

    def __init__(self, name: str, args: PlatformStackArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("dmesh:platform:PlatformStack", name, None, opts)
        tags = _tags(args)
        partition = arns.partition_of(args.region)
        self.key = aws.kms.Key(f"{name}-key", description="dmesh platform key (catalog)", enable_key_rotation=True, tags=tags,
                               policy=json_text(document([
                                   kms_administration(args.account_id, partition),
                                   {"Sid": "AccountUse", "Effect": "Allow", "Principal": account_root(args.account_id, partition), "Resource": "*",
                                    "Action": ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"]},
                               ])), opts=pulumi.ResourceOptions(parent=self, protect=True))
        self.audit_bucket = guarded_bucket(f"{name}-audit", GuardedBucketArgs(
            bucket=args.audit_bucket, key_arn=None, expire_days=365, noncurrent_days=None, tags=tags,
            policy=json_text(document([deny_insecure_transport(args.audit_bucket, partition),
                                       access_log_delivery(args.audit_bucket, args.account_id, partition),
                                       inventory_delivery(args.audit_bucket, args.account_id, partition)]))), self)
        self.catalog_bucket = guarded_bucket(f"{name}-catalog", GuardedBucketArgs(
            bucket=args.catalog_bucket, key_arn=self.key.arn, log_target=self.audit_bucket.bucket, tags=tags,
            policy=json_text(document([deny_insecure_transport(args.catalog_bucket, partition)]))), self)
        self.operator_stacks = [
            k8s.apiextensions.CustomResource(f"{name}-operator-{o['metadata']['name']}", api_version=o["apiVersion"], kind=o["kind"],
                                             metadata=o["metadata"], spec=o["spec"], opts=pulumi.ResourceOptions(parent=self))
            for o in args.operator_stacks]
        self.register_outputs({CATALOG_OUTPUT: self.catalog_bucket.bucket, AUDIT_OUTPUT: self.audit_bucket.bucket})
