"""The platform's own resources, as one component: catalog bucket, audit bucket and the platform key."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components import policies
from components.policies import KMS_ADMIN, document
from components.storage import GuardRails, guarded_bucket


@dataclass(frozen=True)
class PlatformStackArgs:
    account_id: str
    catalog_bucket: str
    audit_bucket: str
    owner: str
    cost_center: str


def _tags(args: PlatformStackArgs) -> dict[str, str]:
    return {"dmesh:domain": "platform", "dmesh:owner": args.owner, "dmesh:classification": "internal", "dmesh:cost-center": args.cost_center}


class PlatformStack(pulumi.ComponentResource):
    """S3 server access logs can only be delivered to an SSE-S3 bucket, so the audit bucket is the one bucket
    exempted (in platform/policy_pack/config.json) from the customer-managed-key rule."""

    def __init__(self, name: str, args: PlatformStackArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("dmesh:platform:PlatformStack", name, None, opts)
        tags = _tags(args)
        root = {"AWS": f"arn:aws:iam::{args.account_id}:root"}
        self.key = aws.kms.Key(f"{name}-key", description="dmesh platform key (catalog)", enable_key_rotation=True, tags=tags,
                               policy=json.dumps(document([
                                   {"Sid": "AccountAdministration", "Effect": "Allow", "Principal": root, "Action": KMS_ADMIN, "Resource": "*"},
                                   {"Sid": "AccountUse", "Effect": "Allow", "Principal": root, "Resource": "*",
                                    "Action": ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"]},
                               ])), opts=pulumi.ResourceOptions(parent=self, protect=True))
        bucket_arn = policies.bucket_arn
        tls_only = {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
        log_delivery = {"Sid": "S3ServerAccessLogs", "Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"}, "Action": "s3:PutObject",
                        "Resource": f"{bucket_arn(args.audit_bucket)}/*", "Condition": {"StringEquals": {"aws:SourceAccount": args.account_id}}}
        self.audit_bucket = guarded_bucket(f"{name}-audit", args.audit_bucket, tags, GuardRails(
            key_arn=None, expire_days=365, noncurrent_days=None,
            policy=json.dumps(document([{**tls_only, "Resource": [bucket_arn(args.audit_bucket), f"{bucket_arn(args.audit_bucket)}/*"]}, log_delivery]))),
            self)
        self.catalog_bucket = guarded_bucket(f"{name}-catalog", args.catalog_bucket, tags, GuardRails(
            key_arn=self.key.arn, log_target=self.audit_bucket.bucket,
            policy=json.dumps(document([{**tls_only, "Resource": [bucket_arn(args.catalog_bucket), f"{bucket_arn(args.catalog_bucket)}/*"]}]))),
            self)
        self.register_outputs({"catalogBucket": self.catalog_bucket.bucket, "auditBucket": self.audit_bucket.bucket})
