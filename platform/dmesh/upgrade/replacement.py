"""Which inputs of a stateful resource the cloud cannot change in place: changing one replaces the resource.

One table, each entry with its source. Where CloudFormation's resource schema lists the property under
`createOnlyProperties`, that is the source (the schemas ship inside cfn-lint; a test reads them and checks
every entry here). Where it does not (a KMS key's spec and usage are fixed by CreateKey; an S3 object is its
bucket and key), the AWS API reference is named.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CreateOnly:
    pulumi_property: str  # top-level input of the Pulumi resource
    source: str  # "cfn:<CloudFormation type>:<JSON pointer>" or "api:<reference>"


# Pulumi type -> (what the resource holds, create-only inputs)
STATEFUL: dict[str, tuple[str, tuple[CreateOnly, ...]]] = {
    "aws:s3/bucket:Bucket": ("a product's data", (
        CreateOnly("bucket", "cfn:AWS::S3::Bucket:/properties/BucketName"),
        CreateOnly("bucketPrefix", "cfn:AWS::S3::Bucket:/properties/BucketNamePrefix"),
    )),
    "aws:kinesis/stream:Stream": ("a product's records", (
        CreateOnly("name", "cfn:AWS::Kinesis::Stream:/properties/Name"),
    )),
    "aws:kms/key:Key": ("the key every object and record of the domain is encrypted with", (
        CreateOnly("keyUsage", "api:KMS CreateKey KeyUsage (cannot be changed after the key is created)"),
        CreateOnly("customerMasterKeySpec", "api:KMS CreateKey KeySpec (cannot be changed after the key is created)"),
        CreateOnly("multiRegion", "api:KMS CreateKey MultiRegion (cannot be changed after the key is created)"),
    )),
    "aws:glue/catalogDatabase:CatalogDatabase": ("the domain's catalog", (
        CreateOnly("name", "cfn:AWS::Glue::Database:/properties/DatabaseName"),
        CreateOnly("catalogId", "api:Glue CreateDatabase CatalogId (a database belongs to the catalog it was created in)"),
    )),
    "aws:glue/catalogTable:CatalogTable": ("a product's table definition and partitions", (
        CreateOnly("name", "cfn:AWS::Glue::Table:/properties/TableInput/Name"),
        CreateOnly("databaseName", "cfn:AWS::Glue::Table:/properties/DatabaseName"),
        CreateOnly("catalogId", "cfn:AWS::Glue::Table:/properties/CatalogId"),
    )),
    "aws:s3/bucketObjectv2:BucketObjectv2": ("a product's registry document", (
        CreateOnly("bucket", "api:S3 PutObject (an object is addressed by its bucket and key)"),
        CreateOnly("key", "api:S3 PutObject (an object is addressed by its bucket and key)"),
    )),
}


def holds(type_token: str) -> str | None:
    """What a stateful resource of this type holds, or None for a stateless type."""
    entry = STATEFUL.get(type_token)
    return entry[0] if entry else None


def create_only(type_token: str) -> tuple[str, ...]:
    entry = STATEFUL.get(type_token)
    return tuple(c.pulumi_property for c in entry[1]) if entry else ()
