"""IAM, bucket and key policy documents, built from the spec and the naming scheme.

Statements are plain data so tests and the policy pack read exactly what AWS will get.
Every grant admits the consumer domain's role through `aws:PrincipalArn` on the mesh
account principal: the same effect as naming the role, without AWS rejecting the
policy when the consumer's stack has not created its role yet.
"""

from __future__ import annotations

from typing import Any

from blueprints import DomainSpec, ProductRef, naming

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
GLUE_READ = ["glue:GetDatabase", "glue:GetTable", "glue:GetTables", "glue:GetPartition", "glue:GetPartitions"]
GLUE_WRITE = [*GLUE_READ, "glue:CreatePartition", "glue:BatchCreatePartition", "glue:UpdatePartition"]


def document(statements: list[Statement]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": statements}


def bucket_arn(bucket: str) -> str:
    return f"arn:aws:s3:::{bucket}"


def stream_arn(settings: PlatformSettings, domain: str, product: str) -> str:
    return f"arn:aws:kinesis:{settings.region}:{settings.account_id}:stream/{naming.stream_name(domain, product)}"


def _account_root(settings: PlatformSettings) -> dict[str, str]:
    return {"AWS": f"arn:aws:iam::{settings.account_id}:root"}


def granted_roles(settings: PlatformSettings, grants: tuple[str, ...]) -> list[str]:
    return [naming.consumer_role_arn(settings.account_id, d) for d in sorted(grants)]


def _deny_ungranted_consumers(settings: PlatformSettings, domain: str, grants: tuple[str, ...], actions: list[str],
                              resources: list[str]) -> Statement:
    """The producer's word is final: other domains' consumer roles are refused even if they grant themselves access."""
    return {
        "Sid": "DenyUngrantedConsumers", "Effect": "Deny", "Principal": "*", "Action": actions, "Resource": resources,
        "Condition": {
            "ArnLike": {"aws:PrincipalArn": naming.role_arn(settings.account_id, "*", "consumer")},
            "ArnNotEquals": {"aws:PrincipalArn": granted_roles(settings, (*grants, domain))},
        },
    }


def bucket_policy(settings: PlatformSettings, domain: str, product: str, grants: tuple[str, ...]) -> dict[str, Any]:
    """TLS only; granted consumer roles may list the product prefix and read its objects, other consumers may not."""
    bucket = naming.bucket_name(domain, product)
    prefix = naming.product_prefix(product)
    statements: list[Statement] = [{
        "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": [bucket_arn(bucket), f"{bucket_arn(bucket)}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }, _deny_ungranted_consumers(settings, domain, grants, ["s3:GetObject", "s3:ListBucket"], [bucket_arn(bucket), f"{bucket_arn(bucket)}/*"])]
    if grants:
        principals = {"ArnEquals": {"aws:PrincipalArn": granted_roles(settings, grants)}}
        statements += [
            {"Sid": "GrantedConsumersList", "Effect": "Allow", "Principal": _account_root(settings), "Action": "s3:ListBucket",
             "Resource": bucket_arn(bucket), "Condition": {**principals, "StringLike": {"s3:prefix": [f"{prefix}*"]}}},
            {"Sid": "GrantedConsumersRead", "Effect": "Allow", "Principal": _account_root(settings), "Action": S3_READ,
             "Resource": f"{bucket_arn(bucket)}/{prefix}*", "Condition": principals},
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
    own_roles = [naming.role_arn(settings.account_id, spec.name, kind) for kind in ("producer", "consumer")]
    grants = tuple(sorted({g for p in spec.products for g in p.grants}))
    statements: list[Statement] = [
        {"Sid": "AccountAdministration", "Effect": "Allow", "Principal": _account_root(settings), "Action": KMS_ADMIN, "Resource": "*"},
        {"Sid": "DomainRolesUse", "Effect": "Allow", "Principal": _account_root(settings), "Action": KMS_PRODUCER, "Resource": "*",
         "Condition": {"ArnEquals": {"aws:PrincipalArn": own_roles}}},
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
    base = f"arn:aws:glue:{settings.region}:{settings.account_id}"
    return [f"{base}:catalog", f"{base}:database/{database}", f"{base}:table/{database}/{table}"]


def producer_statements(settings: PlatformSettings, spec: DomainSpec, key_arn: str) -> list[Statement]:
    """Write access to the domain's own products, and nothing else."""
    buckets = [naming.bucket_name(spec.name, p.name) for p in spec.products if p.s3]
    streams = [stream_arn(settings, spec.name, p.name) for p in spec.products if p.kinesis]
    statements: list[Statement] = []
    if buckets:
        statements += [
            {"Sid": "OwnProductsList", "Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetBucketLocation"], "Resource": [bucket_arn(b) for b in buckets]},
            {"Sid": "OwnProductsWrite", "Effect": "Allow", "Action": S3_WRITE, "Resource": [f"{bucket_arn(b)}/*" for b in buckets]},
        ]
    if streams:
        statements.append({"Sid": "OwnStreamsWrite", "Effect": "Allow", "Action": KINESIS_WRITE, "Resource": streams})
    statements += [
        {"Sid": "OwnKeyUse", "Effect": "Allow", "Action": KMS_PRODUCER, "Resource": key_arn},
        {"Sid": "OwnCatalogWrite", "Effect": "Allow", "Action": GLUE_WRITE, "Resource": _glue_arns(settings, naming.glue_database(spec.name))},
    ]
    return statements


def consumer_statements(settings: PlatformSettings, inputs: list[tuple[ProductRef, bool, bool]]) -> list[Statement]:
    """Read access to exactly the declared inputs: (ref, has s3 port, has kinesis port) each."""
    s3_inputs = [ref for ref, s3, _ in inputs if s3]
    stream_inputs = [ref for ref, _, kinesis in inputs if kinesis]
    statements: list[Statement] = []
    for ref in s3_inputs:
        bucket = naming.bucket_name(ref.domain, ref.product)
        prefix = naming.product_prefix(ref.product)
        sid = "".join(part.capitalize() for part in f"{ref.domain}-{ref.product}".split("-"))
        statements += [
            {"Sid": f"List{sid}", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": bucket_arn(bucket),
             "Condition": {"StringLike": {"s3:prefix": [f"{prefix}*"]}}},
            {"Sid": f"Read{sid}", "Effect": "Allow", "Action": S3_READ, "Resource": f"{bucket_arn(bucket)}/{prefix}*"},
        ]
    if stream_inputs:
        statements.append({"Sid": "InputStreamsRead", "Effect": "Allow", "Action": KINESIS_READ,
                           "Resource": [stream_arn(settings, r.domain, r.product) for r in stream_inputs]})
    if inputs:
        producers = sorted({ref.domain for ref, _, _ in inputs})
        statements += [
            {"Sid": "InputKeysDecrypt", "Effect": "Allow", "Action": KMS_CONSUMER,
             "Resource": f"arn:aws:kms:{settings.region}:{settings.account_id}:key/*",
             "Condition": {"ForAnyValue:StringEquals": {"kms:ResourceAliases": [naming.key_alias(d) for d in producers]}}},
            {"Sid": "InputCatalogRead", "Effect": "Allow", "Action": GLUE_READ,
             "Resource": sorted({arn for ref, _, _ in inputs for arn in _glue_arns(settings, naming.glue_database(ref.domain), naming.glue_table(ref.product))})},
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
