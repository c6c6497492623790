"""Storage: the domain's KMS key, and guarded buckets (a product's, or the platform's own)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from blueprints import arns

from . import tagging


def _child(parent: pulumi.Resource, **kwargs: Any) -> pulumi.ResourceOptions:
    return pulumi.ResourceOptions(parent=parent, **kwargs)


@dataclass(frozen=True)
class DomainKeyArgs:
    alias: str
    description: str
    policy: Mapping[str, Any]  # the key policy document
    tags: Mapping[str, str] = field(default_factory=dict)


class DomainKey(pulumi.ComponentResource):
    """The domain's customer-managed key: encrypts every bucket and stream of the domain."""

    def __init__(self, name: str, args: DomainKeyArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("dmesh:storage:DomainKey", name, None, opts)
        self.key = aws.kms.Key(
            f"{name}-key",
            description=args.description,
            enable_key_rotation=True,
            deletion_window_in_days=30,
            policy=json.dumps(args.policy),
            tags=dict(args.tags),
            opts=_child(self, protect=True),
        )
        self.alias = aws.kms.Alias(f"{name}-alias", name=args.alias, target_key_id=self.key.key_id, opts=_child(self))
        self.arn = self.key.arn
        self.name = self.alias.name
        self.register_outputs({"arn": self.arn, "name": self.name})


@dataclass(frozen=True)
class InventoryArgs:
    """A scheduled S3 Inventory report of the bucket's current objects, delivered to the platform's audit bucket."""

    destination_bucket: str
    frequency: str  # Daily | Weekly
    prefix: str


@dataclass(frozen=True)
class GuardedBucketArgs:
    """A bucket and how it is locked down; `key_arn=None` means SSE-S3 (only for S3 access-log targets)."""

    bucket: str
    policy: pulumi.Input[str]
    key_arn: pulumi.Input[str] | None
    expire_days: int | None = None
    noncurrent_days: int | None = 7
    log_target: pulumi.Input[str] | None = None
    tags: Mapping[str, str] = field(default_factory=dict)
    tiering_after_days: int | None = None  # objects move to S3 Intelligent-Tiering after this many days
    inventory: InventoryArgs | None = None


class GuardedBucket(pulumi.ComponentResource):
    """A protected bucket with its encryption, versioning, lifecycle, public access block, ownership, logging and policy.

    Every bucket of the platform, a product's or the platform's own, is built here, so the guard rails the policy
    pack demands are written once. Until this component existed the children belonged to the caller (the product's
    storage, or the platform stack): each child carries an alias to that parent, so the move keeps every bucket's
    identity and state (`dmesh upgrade impact` and the release URN record check it).
    """

    def __init__(self, name: str, args: GuardedBucketArgs, opts: pulumi.ResourceOptions) -> None:
        super().__init__("dmesh:storage:GuardedBucket", f"{name}-guard", None, opts)
        moved_from = [pulumi.Alias(parent=opts.parent)] if opts.parent is not None else []

        def child(**kwargs: Any) -> pulumi.ResourceOptions:
            return pulumi.ResourceOptions(parent=self, aliases=moved_from, **kwargs)

        self.bucket = aws.s3.Bucket(f"{name}-bucket", bucket=args.bucket, tags=dict(args.tags), opts=child(protect=True))
        bucket_id = self.bucket.id
        aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-encryption",
            bucket=bucket_id,
            rules=[aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                apply_server_side_encryption_by_default=aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                    sse_algorithm="aws:kms" if args.key_arn is not None else "AES256", kms_master_key_id=args.key_arn),
                bucket_key_enabled=args.key_arn is not None,
            )],
            opts=child(),
        )
        aws.s3.BucketVersioning(
            f"{name}-versioning", bucket=bucket_id,
            versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(status="Enabled"), opts=child(),
        )
        if args.expire_days is not None:
            transitions = None
            if args.tiering_after_days is not None:
                transitions = [aws.s3.BucketLifecycleConfigurationRuleTransitionArgs(days=args.tiering_after_days, storage_class="INTELLIGENT_TIERING")]
            aws.s3.BucketLifecycleConfiguration(
                f"{name}-lifecycle",
                bucket=bucket_id,
                rules=[aws.s3.BucketLifecycleConfigurationRuleArgs(
                    id="retention",
                    status="Enabled",
                    filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=""),
                    expiration=aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(days=args.expire_days),
                    transitions=transitions,
                    noncurrent_version_expiration=aws.s3.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(
                        noncurrent_days=args.noncurrent_days) if args.noncurrent_days else None,
                    abort_incomplete_multipart_upload=aws.s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(days_after_initiation=7),
                )],
                opts=child(),
            )
        public_block = aws.s3.BucketPublicAccessBlock(
            f"{name}-public-access-block", bucket=bucket_id,
            block_public_acls=True, block_public_policy=True, ignore_public_acls=True, restrict_public_buckets=True,
            opts=child(),
        )
        aws.s3.BucketOwnershipControls(
            f"{name}-ownership", bucket=bucket_id,
            rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership="BucketOwnerEnforced"), opts=child(),
        )
        if args.log_target is not None:
            aws.s3.BucketLogging(f"{name}-logging", bucket=bucket_id, target_bucket=args.log_target, target_prefix=f"s3/{args.bucket}/",
                                 opts=child())
        if args.inventory is not None:
            inventory = args.inventory
            aws.s3.Inventory(
                f"{name}-inventory", bucket=bucket_id, name="dmesh-inventory", included_object_versions="Current",
                schedule=aws.s3.InventoryScheduleArgs(frequency=inventory.frequency),
                optional_fields=["Size", "LastModifiedDate", "StorageClass", "EncryptionStatus", "IntelligentTieringAccessTier"],
                destination=aws.s3.InventoryDestinationArgs(bucket=aws.s3.InventoryDestinationBucketArgs(
                    bucket_arn=arns.bucket(inventory.destination_bucket), format="Parquet", prefix=inventory.prefix,
                    encryption=aws.s3.InventoryDestinationBucketEncryptionArgs(sse_s3=aws.s3.InventoryDestinationBucketEncryptionSseS3Args()))),
                opts=pulumi.ResourceOptions(parent=self),  # new with this component: nothing to alias
            )
        aws.s3.BucketPolicy(f"{name}-policy", bucket=bucket_id, policy=args.policy, opts=child(depends_on=[public_block]))
        self.register_outputs({"bucket": self.bucket.bucket, "arn": self.bucket.arn})


def guarded_bucket(name: str, args: GuardedBucketArgs, parent: pulumi.Resource) -> aws.s3.Bucket:
    """The bucket of a `GuardedBucket` built under `parent`."""
    return GuardedBucket(name, args, pulumi.ResourceOptions(parent=parent)).bucket


@dataclass(frozen=True)
class ProductStorageArgs:
    product: str
    bucket: GuardedBucketArgs


class ProductStorage(pulumi.ComponentResource):
    """One product's bucket: SSE-KMS with bucket keys, versioned, expiring, private, logged, TLS-only."""

    def __init__(self, name: str, args: ProductStorageArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("dmesh:storage:ProductStorage", name, {tagging.PRODUCT_INPUT: args.product}, opts)
        self.bucket = guarded_bucket(name, args.bucket, self)
        self.name = self.bucket.bucket
        self.arn = self.bucket.arn
        self.register_outputs({"name": self.name, "arn": self.arn})
