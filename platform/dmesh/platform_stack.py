"""The platform's own resources, as one component: catalog bucket, audit bucket and the platform key."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.policies import KMS_ADMIN, document


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
        self.account_id = args.account_id
        tags = _tags(args)
        root = {"AWS": f"arn:aws:iam::{args.account_id}:root"}
        self.key = aws.kms.Key(f"{name}-key", description="dmesh platform key (catalog)", enable_key_rotation=True, tags=tags,
                               policy=json.dumps(document([
                                   {"Sid": "AccountAdministration", "Effect": "Allow", "Principal": root, "Action": KMS_ADMIN, "Resource": "*"},
                                   {"Sid": "AccountUse", "Effect": "Allow", "Principal": root, "Resource": "*",
                                    "Action": ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"]},
                               ])), opts=pulumi.ResourceOptions(parent=self, protect=True))
        self.audit_bucket = self._bucket(f"{name}-audit", args.audit_bucket, tags, None, expire_days=365, log_delivery=True)
        self.catalog_bucket = self._bucket(f"{name}-catalog", args.catalog_bucket, tags, self.key.arn, expire_days=None, log_delivery=False,
                                           log_to=self.audit_bucket)
        self.register_outputs({"catalogBucket": self.catalog_bucket.bucket, "auditBucket": self.audit_bucket.bucket})

    def _bucket(self, name: str, bucket_name: str, tags: dict[str, str], key_arn: pulumi.Output[str] | None, *, expire_days: int | None,
                log_delivery: bool, log_to: aws.s3.Bucket | None = None) -> aws.s3.Bucket:
        child = pulumi.ResourceOptions(parent=self)
        bucket = aws.s3.Bucket(f"{name}-bucket", bucket=bucket_name, tags=tags, opts=pulumi.ResourceOptions(parent=self, protect=True))
        default = aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
            sse_algorithm="aws:kms" if key_arn is not None else "AES256", kms_master_key_id=key_arn)
        aws.s3.BucketServerSideEncryptionConfiguration(f"{name}-encryption", bucket=bucket.id, rules=[
            aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(apply_server_side_encryption_by_default=default, bucket_key_enabled=key_arn is not None)],
            opts=child)
        aws.s3.BucketVersioning(f"{name}-versioning", bucket=bucket.id,
                                versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(status="Enabled"), opts=child)
        block = aws.s3.BucketPublicAccessBlock(f"{name}-public-access-block", bucket=bucket.id, block_public_acls=True, block_public_policy=True,
                                               ignore_public_acls=True, restrict_public_buckets=True, opts=child)
        aws.s3.BucketOwnershipControls(f"{name}-ownership", bucket=bucket.id,
                                       rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership="BucketOwnerEnforced"), opts=child)
        if expire_days is not None:
            aws.s3.BucketLifecycleConfiguration(f"{name}-lifecycle", bucket=bucket.id, rules=[aws.s3.BucketLifecycleConfigurationRuleArgs(
                id="retention", status="Enabled", filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=""),
                expiration=aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(days=expire_days))], opts=child)
        if log_to is not None:
            aws.s3.BucketLogging(f"{name}-logging", bucket=bucket.id, target_bucket=log_to.bucket, target_prefix=f"s3/{bucket_name}/", opts=child)
        arn = f"arn:aws:s3:::{bucket_name}"
        statements = [{"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": [arn, f"{arn}/*"],
                       "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]
        if log_delivery:
            statements.append({"Sid": "S3ServerAccessLogs", "Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"},
                               "Action": "s3:PutObject", "Resource": f"{arn}/*", "Condition": {"StringEquals": {"aws:SourceAccount": self.account_id}}})
        aws.s3.BucketPolicy(f"{name}-policy", bucket=bucket.id, policy=json.dumps(document(statements)),
                            opts=pulumi.ResourceOptions(parent=self, depends_on=[block]))
        return bucket
