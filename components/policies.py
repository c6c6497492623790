"""IAM, bucket and key policy documents, built from the spec and the naming scheme.

Statements are plain data so tests and the policy pack read exactly what AWS will get. Each fragment
that more than one document uses is named once (as terraform-aws-modules name `deny_insecure_transport`
or `access_log_delivery`): the domain components, the platform stack and the test harness call these.
Every grant admits the consumer domain's role through `aws:PrincipalArn` on the mesh
account principal: the same effect as naming the role, without AWS rejecting the
policy when the consumer's stack has not created its role yet.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from blueprints import DomainSpec, ProductRef, arns, naming

from .settings import PlatformSettings

Statement = dict[str, Any]

S3_READ = ["s3:GetObject"]
S3_WRITE = ["s3:PutObject", "s3:GetObject", "s3:DeleteObject", "s3:AbortMultipartUpload"]
KINESIS_READ = ["kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:ListShards"]
KINESIS_WRITE = ["kinesis:PutRecord", "kinesis:PutRecords", "kinesis:DescribeStreamSummary", "kinesis:ListShards"]
KMS_PRODUCER = ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:DescribeKey"]
KMS_CONSUMER = ["kms:Decrypt", "kms:DescribeKey"]
KMS_ADMIN = [
    "kms:DescribeKey", "kms:GetKeyPolicy", "kms:PutKeyPolicy", "kms:GetKeyRotationStatus", "kms:EnableKeyRotation",
    "kms:ListResourceTags", "kms:TagResource", "kms:UntagResource", "kms:UpdateKeyDescription", "kms:EnableKey",
    "kms:DisableKey", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion", "kms:ListGrants", "kms:RevokeGrant",
    "kms:ListAliases", "kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias",
]
SNS_ALARM_DELIVERY = ["sns:Publish"]
KMS_ALARM_DELIVERY = ["kms:Decrypt", "kms:GenerateDataKey"]  # what SNS asks of an encrypted topic's publisher (SNS developer guide)
METRICS_WRITE = ["cloudwatch:PutMetricData"]
GLUE_READ = ["glue:GetDatabase", "glue:GetTable", "glue:GetTables", "glue:GetPartition", "glue:GetPartitions"]
GLUE_WRITE = [*GLUE_READ, "glue:CreatePartition", "glue:BatchCreatePartition", "glue:UpdatePartition"]


def document(statements: list[Statement]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": statements}


def json_text(policy: dict[str, Any]) -> str:
    """A document as the provider takes it (one serialisation for every policy the platform writes)."""
    return json.dumps(policy)


def bucket_arn(settings: PlatformSettings, bucket: str) -> str:
    return arns.bucket(bucket, settings.partition)


def stream_arn(settings: PlatformSettings, domain: str, product: str) -> str:
    return arns.stream(settings.region, settings.account_id, naming.stream_name(domain, product))


def account_root(account_id: str, partition: str) -> dict[str, str]:
    """The account as a principal: delegates to the account's own identity policies (and conditions)."""
    return {"AWS": arns.account_root(account_id, partition)}


def _account_root(settings: PlatformSettings) -> dict[str, str]:
    return account_root(settings.account_id, settings.partition)


def granted_roles(settings: PlatformSettings, grants: tuple[str, ...]) -> list[str]:
    return [naming.consumer_role_arn(settings.account_id, d, settings.partition) for d in sorted(grants)]


def deny_insecure_transport(bucket: str, partition: str) -> Statement:
    """Every request to the bucket and its objects without TLS is refused, whoever makes it."""
    return {
        "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": [arns.bucket(bucket, partition), arns.objects(bucket, "*", partition)],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def kms_administration(account_id: str, partition: str) -> Statement:
    """The account administers the key (never uses it): without it, a key policy can lock everyone out."""
    return {"Sid": "AccountAdministration", "Effect": "Allow", "Principal": account_root(account_id, partition), "Action": KMS_ADMIN, "Resource": "*"}


def access_log_delivery(bucket: str, account_id: str, partition: str) -> Statement:
    """S3 server access logs of the account's own buckets may be written into the bucket."""
    return {"Sid": "S3ServerAccessLogs", "Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"}, "Action": "s3:PutObject",
            "Resource": arns.objects(bucket, "*", partition), "Condition": {"StringEquals": {"aws:SourceAccount": account_id}}}


def alarm_delivery(settings: PlatformSettings, action: list[str], resource: str) -> Statement:
    """CloudWatch alarms of this account, and no other account's, may publish to the topic (or use its key)."""
    return {"Sid": "AccountAlarmsPublish", "Effect": "Allow", "Principal": {"Service": "cloudwatch.amazonaws.com"}, "Action": action,
            "Resource": resource, "Condition": {"StringEquals": {"aws:SourceAccount": settings.account_id},
                                                "ArnLike": {"aws:SourceArn": arns.alarms(settings.region, settings.account_id)}}}


def alert_topic_policy(settings: PlatformSettings, domain: str) -> dict[str, Any]:
    return document([alarm_delivery(settings, SNS_ALARM_DELIVERY, arns.topic(settings.region, settings.account_id, naming.alert_topic(domain)))])


def inventory_delivery(bucket: str, account_id: str, partition: str) -> Statement:
    """S3 Inventory reports of the account's mesh buckets may be written under `inventory/` (S3 user guide, inventory destination)."""
    return {"Sid": "S3InventoryReports", "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "s3:PutObject",
            "Resource": arns.objects(bucket, f"{naming.INVENTORY_PREFIX}*", partition),
            "Condition": {"StringEquals": {"aws:SourceAccount": account_id}, "ArnLike": {"aws:SourceArn": arns.bucket("dm-*", partition)}}}


def _deny_ungranted_consumers(settings: PlatformSettings, domain: str, grants: tuple[str, ...], actions: list[str],
                              resources: list[str]) -> Statement:
    """The producer's word is final: other domains' consumer roles are refused even if they grant themselves access."""
    return {
        "Sid": "DenyUngrantedConsumers", "Effect": "Deny", "Principal": "*", "Action": actions, "Resource": resources,
        "Condition": {
            "ArnLike": {"aws:PrincipalArn": naming.role_arn(settings.account_id, "*", "consumer", settings.partition)},
            "ArnNotEquals": {"aws:PrincipalArn": granted_roles(settings, (*grants, domain))},
        },
    }


def bucket_policy(settings: PlatformSettings, domain: str, product: str, grants: tuple[str, ...]) -> dict[str, Any]:
    """TLS only; granted consumer roles may list the product prefix and read its objects, other consumers may not."""
    bucket = naming.bucket_name(domain, product)
    prefix = naming.product_prefix(product)
    everything = [bucket_arn(settings, bucket), arns.objects(bucket, "*", settings.partition)]
    statements: list[Statement] = [deny_insecure_transport(bucket, settings.partition),
                                   _deny_ungranted_consumers(settings, domain, grants, ["s3:GetObject", "s3:ListBucket"], everything)]
    if grants:
        principals = {"ArnEquals": {"aws:PrincipalArn": granted_roles(settings, grants)}}
        statements += [
            {"Sid": "GrantedConsumersList", "Effect": "Allow", "Principal": _account_root(settings), "Action": "s3:ListBucket",
             "Resource": bucket_arn(settings, bucket), "Condition": {**principals, "StringLike": {"s3:prefix": [f"{prefix}*"]}}},
            {"Sid": "GrantedConsumersRead", "Effect": "Allow", "Principal": _account_root(settings), "Action": S3_READ,
             "Resource": arns.objects(bucket, f"{prefix}*", settings.partition), "Condition": principals},
        ]
    return document(statements)


def stream_policy(settings: PlatformSettings, domain: str, product: str, grants: tuple[str, ...]) -> dict[str, Any]:
    stream = stream_arn(settings, domain, product)
    return document([
        {"Sid": "GrantedConsumersRead", "Effect": "Allow", "Principal": _account_root(settings), "Action": KINESIS_READ,
         "Resource": stream, "Condition": {"ArnEquals": {"aws:PrincipalArn": granted_roles(settings, grants)}}},
        _deny_ungranted_consumers(settings, domain, grants, KINESIS_READ, [stream]),
    ])


def key_policy(settings: PlatformSettings, spec: DomainSpec) -> dict[str, Any]:
    """Administration by the account, use by the domain's roles, decrypt-only for granted consumers."""
    own_roles = [naming.role_arn(settings.account_id, spec.name, kind, settings.partition) for kind in ("producer", "consumer")]
    grants = tuple(sorted({g for p in spec.products for g in p.grants}))
    statements: list[Statement] = [
        kms_administration(settings.account_id, settings.partition),
        {"Sid": "DomainRolesUse", "Effect": "Allow", "Principal": _account_root(settings), "Action": KMS_PRODUCER, "Resource": "*",
         "Condition": {"ArnEquals": {"aws:PrincipalArn": own_roles}}},
        {**alarm_delivery(settings, KMS_ALARM_DELIVERY, "*"), "Sid": "AccountAlarmsEncrypt"},
    ]
    if grants:
        statements.append({
            "Sid": "GrantedConsumersDecrypt", "Effect": "Allow", "Principal": _account_root(settings), "Action": KMS_CONSUMER,
            "Resource": "*",
            "Condition": {"ArnEquals": {"aws:PrincipalArn": granted_roles(settings, grants)},
                          "StringEquals": {"kms:ViaService": [f"s3.{settings.region}.amazonaws.com", f"kinesis.{settings.region}.amazonaws.com"]}},
        })
    return document(statements)


def _glue_arns(settings: PlatformSettings, database: str, table: str = "*") -> list[str]:
    return [arns.glue(settings.region, settings.account_id, resource) for resource in ("catalog", f"database/{database}", f"table/{database}/{table}")]


def producer_statements(settings: PlatformSettings, spec: DomainSpec, key_arn: str) -> list[Statement]:
    """Write access to the domain's own products, and nothing else."""
    buckets = [naming.bucket_name(spec.name, p.name) for p in spec.products if p.s3]
    streams = [stream_arn(settings, spec.name, p.name) for p in spec.products if p.kinesis]
    statements: list[Statement] = []
    if buckets:
        statements += [
            {"Sid": "OwnProductsList", "Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetBucketLocation"],
             "Resource": [bucket_arn(settings, b) for b in buckets]},
            {"Sid": "OwnProductsWrite", "Effect": "Allow", "Action": S3_WRITE, "Resource": [arns.objects(b, "*", settings.partition) for b in buckets]},
        ]
    if streams:
        statements.append({"Sid": "OwnStreamsWrite", "Effect": "Allow", "Action": KINESIS_WRITE, "Resource": streams})
    statements += [
        {"Sid": "OwnKeyUse", "Effect": "Allow", "Action": KMS_PRODUCER, "Resource": key_arn},
        {"Sid": "OwnCatalogWrite", "Effect": "Allow", "Action": GLUE_WRITE, "Resource": _glue_arns(settings, naming.glue_database(spec.name))},
    ]
    if any(p.pipeline for p in spec.products):
        # PutMetricData has no resource ARN: the namespace condition is its only scope (CloudWatch user guide, IAM condition keys)
        statements.append({"Sid": "OwnMetricsPut", "Effect": "Allow", "Action": METRICS_WRITE, "Resource": "*",
                           "Condition": {"StringEquals": {"cloudwatch:namespace": naming.metric_namespace(spec.name)}}})
    return statements


@dataclass(frozen=True)
class InputPorts:
    """What a consumer needs to know of a product it reads: its ports and its Glue tables."""

    ref: ProductRef
    s3: bool
    kinesis: bool
    tables: tuple[str, ...]


def consumer_statements(settings: PlatformSettings, inputs: list[InputPorts]) -> list[Statement]:
    """Read access to exactly the declared inputs: their prefixes, streams and tables, nothing else."""
    s3_inputs = [i.ref for i in inputs if i.s3]
    stream_inputs = [i.ref for i in inputs if i.kinesis]
    statements: list[Statement] = []
    for ref in s3_inputs:
        bucket = naming.bucket_name(ref.domain, ref.product)
        prefix = naming.product_prefix(ref.product)
        sid = "".join(part.capitalize() for part in f"{ref.domain}-{ref.product}".split("-"))
        statements += [
            {"Sid": f"List{sid}", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": bucket_arn(settings, bucket),
             "Condition": {"StringLike": {"s3:prefix": [f"{prefix}*"]}}},
            {"Sid": f"Read{sid}", "Effect": "Allow", "Action": S3_READ, "Resource": arns.objects(bucket, f"{prefix}*", settings.partition)},
        ]
    if stream_inputs:
        statements.append({"Sid": "InputStreamsRead", "Effect": "Allow", "Action": KINESIS_READ,
                           "Resource": [stream_arn(settings, r.domain, r.product) for r in stream_inputs]})
    if inputs:
        producers = sorted({i.ref.domain for i in inputs})
        statements += [
            {"Sid": "InputKeysDecrypt", "Effect": "Allow", "Action": KMS_CONSUMER,
             "Resource": arns.kms(settings.region, settings.account_id, "key/*"),
             "Condition": {"ForAnyValue:StringEquals": {"kms:ResourceAliases": [naming.key_alias(d) for d in producers]}}},
            {"Sid": "InputCatalogRead", "Effect": "Allow", "Action": GLUE_READ,
             "Resource": sorted({arn for i in inputs for table in i.tables for arn in _glue_arns(settings, naming.glue_database(i.ref.domain), table)})},
        ]
    return statements


def irsa_trust(settings: PlatformSettings, spec: DomainSpec) -> dict[str, Any]:
    """Only the domain's pipeline service account, through the cluster's OIDC provider, may assume the role."""
    issuer = settings.oidc_issuer
    return document([{
        "Effect": "Allow", "Principal": {"Federated": settings.oidc_provider_arn}, "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {
            f"{issuer}:sub": f"system:serviceaccount:{naming.namespace(spec.name)}:{naming.service_account(spec.name)}",
            f"{issuer}:aud": "sts.amazonaws.com",
        }},
    }])
