"""Storage: the domain's KMS key and, per product with an S3 port, its bucket and guard rails."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from blueprints import DomainSpec, ProductSpec, naming

from . import policies, tagging
from .settings import PlatformSettings


def _child(parent: pulumi.Resource, **kwargs) -> pulumi.ResourceOptions:
    return pulumi.ResourceOptions(parent=parent, **kwargs)


class DomainKey(pulumi.ComponentResource):
    """The domain's customer-managed key: encrypts every bucket and stream of the domain."""

    def __init__(self, name: str, spec: DomainSpec, settings: PlatformSettings, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("dmesh:storage:DomainKey", name, None, opts)
        self.key = aws.kms.Key(
            f"{name}-key",
            description=f"dmesh data key of domain {spec.name}",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            policy=json.dumps(policies.key_policy(settings, spec)),
            tags=tagging.tags(spec),
            opts=_child(self, protect=True),
        )
        self.alias = aws.kms.Alias(f"{name}-alias", name=naming.key_alias(spec.name), target_key_id=self.key.key_id, opts=_child(self))
        self.arn = self.key.arn
        self.register_outputs({"arn": self.key.arn, "alias": self.alias.name})


@dataclass(frozen=True)
class GuardRails:
    """How a bucket is locked down; `key_arn=None` means SSE-S3 (only for S3 access-log targets)."""

    key_arn: pulumi.Input[str] | None
    policy: pulumi.Input[str]
    expire_days: int | None = None
    noncurrent_days: int | None = 7
    log_target: pulumi.Input[str] | None = None


def guarded_bucket(name: str, bucket_name: str, tags: dict[str, str], rails: GuardRails, parent: pulumi.Resource) -> aws.s3.Bucket:
    """A protected bucket with its encryption, versioning, lifecycle, public access block, ownership, logging and policy.

    Every bucket of the platform, a product's or the platform's own, is built here, so the guard rails the
    policy pack demands are written once.
    """
    bucket = aws.s3.Bucket(f"{name}-bucket", bucket=bucket_name, tags=tags, opts=_child(parent, protect=True))
    bucket_id = bucket.id
    aws.s3.BucketServerSideEncryptionConfiguration(
        f"{name}-encryption",
        bucket=bucket_id,
        rules=[aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
            apply_server_side_encryption_by_default=aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                sse_algorithm="aws:kms" if rails.key_arn is not None else "AES256", kms_master_key_id=rails.key_arn),
            bucket_key_enabled=rails.key_arn is not None,
        )],
        opts=_child(parent),
    )
    aws.s3.BucketVersioning(
        f"{name}-versioning", bucket=bucket_id,
        versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(status="Enabled"), opts=_child(parent),
    )
    if rails.expire_days is not None:
        aws.s3.BucketLifecycleConfiguration(
            f"{name}-lifecycle",
            bucket=bucket_id,
            rules=[aws.s3.BucketLifecycleConfigurationRuleArgs(
                id="retention",
                status="Enabled",
                filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=""),
                expiration=aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(days=rails.expire_days),
                noncurrent_version_expiration=aws.s3.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(
                    noncurrent_days=rails.noncurrent_days) if rails.noncurrent_days else None,
                abort_incomplete_multipart_upload=aws.s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(days_after_initiation=7),
            )],
            opts=_child(parent),
        )
    public_block = aws.s3.BucketPublicAccessBlock(
        f"{name}-public-access-block", bucket=bucket_id,
        block_public_acls=True, block_public_policy=True, ignore_public_acls=True, restrict_public_buckets=True,
        opts=_child(parent),
    )
    aws.s3.BucketOwnershipControls(
        f"{name}-ownership", bucket=bucket_id,
        rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership="BucketOwnerEnforced"), opts=_child(parent),
    )
    if rails.log_target is not None:
        aws.s3.BucketLogging(f"{name}-logging", bucket=bucket_id, target_bucket=rails.log_target, target_prefix=f"s3/{bucket_name}/",
                             opts=_child(parent))
    aws.s3.BucketPolicy(f"{name}-policy", bucket=bucket_id, policy=rails.policy, opts=_child(parent, depends_on=[public_block]))
    return bucket


class ProductStorage(pulumi.ComponentResource):
    """One product's bucket: SSE-KMS with bucket keys, versioned, expiring, private, logged, TLS-only."""

    def __init__(self, name: str, spec: DomainSpec, product: ProductSpec, key: DomainKey, settings: PlatformSettings,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("dmesh:storage:ProductStorage", name, tagging.product_inputs(product), opts)
        rails = GuardRails(
            key_arn=key.arn,
            policy=json.dumps(policies.bucket_policy(settings, spec.name, product.name, product.grants)),
            expire_days=product.retention_days,
            log_target=settings.audit_bucket,
        )
        self.bucket = guarded_bucket(name, naming.bucket_name(spec.name, product.name), tagging.tags(spec, product), rails, self)
        self.bucket_name = self.bucket.bucket
        self.register_outputs({"bucket": self.bucket.bucket, "arn": self.bucket.arn})
