"""Storage: the domain's KMS key and, per product with an S3 port, its bucket and guard rails."""

from __future__ import annotations

import json

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


FORMATS_NOTE = "objects live under the product prefix; grants cover that prefix only"


class ProductStorage(pulumi.ComponentResource):
    """One product's bucket: SSE-KMS with bucket keys, versioned, expiring, private, logged, TLS-only."""

    def __init__(self, name: str, spec: DomainSpec, product: ProductSpec, key: DomainKey, settings: PlatformSettings,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("dmesh:storage:ProductStorage", name, None, opts)
        tags = tagging.tags(spec, product)
        bucket_name = naming.bucket_name(spec.name, product.name)
        self.bucket = aws.s3.Bucket(f"{name}-bucket", bucket=bucket_name, tags=tags, opts=_child(self, protect=True))
        bucket_id = self.bucket.id
        aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-encryption",
            bucket=bucket_id,
            rules=[aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                apply_server_side_encryption_by_default=aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                    sse_algorithm="aws:kms", kms_master_key_id=key.arn),
                bucket_key_enabled=True,
            )],
            opts=_child(self),
        )
        aws.s3.BucketVersioning(
            f"{name}-versioning", bucket=bucket_id,
            versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(status="Enabled"), opts=_child(self),
        )
        aws.s3.BucketLifecycleConfiguration(
            f"{name}-lifecycle",
            bucket=bucket_id,
            rules=[aws.s3.BucketLifecycleConfigurationRuleArgs(
                id="retention",
                status="Enabled",
                filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=""),
                expiration=aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(days=product.retention_days),
                noncurrent_version_expiration=aws.s3.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(noncurrent_days=7),
                abort_incomplete_multipart_upload=aws.s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(days_after_initiation=7),
            )],
            opts=_child(self),
        )
        public_block = aws.s3.BucketPublicAccessBlock(
            f"{name}-public-access-block", bucket=bucket_id,
            block_public_acls=True, block_public_policy=True, ignore_public_acls=True, restrict_public_buckets=True,
            opts=_child(self),
        )
        aws.s3.BucketOwnershipControls(
            f"{name}-ownership", bucket=bucket_id,
            rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership="BucketOwnerEnforced"), opts=_child(self),
        )
        aws.s3.BucketLogging(
            f"{name}-logging", bucket=bucket_id, target_bucket=settings.audit_bucket,
            target_prefix=f"s3/{bucket_name}/", opts=_child(self),
        )
        aws.s3.BucketPolicy(
            f"{name}-policy", bucket=bucket_id,
            policy=json.dumps(policies.bucket_policy(settings, spec.name, product.name, product.grants)),
            opts=_child(self, depends_on=[public_block]),
        )
        self.bucket_name = self.bucket.bucket
        self.register_outputs({"bucket": self.bucket.bucket, "arn": self.bucket.arn})
