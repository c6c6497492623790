"""Every ARN form the platform writes, built in one place, in the partition of the region.

GovCloud and the China regions have their own partitions (`aws-us-gov`, `aws-cn`); an ARN typed as
`arn:aws:` by hand would point at nothing there.
"""

from __future__ import annotations

# region prefix -> partition, most specific first
PARTITIONS: tuple[tuple[str, str], ...] = (("us-gov-", "aws-us-gov"), ("cn-", "aws-cn"), ("us-isob-", "aws-iso-b"), ("us-iso-", "aws-iso"),
                                           ("eu-isoe-", "aws-iso-e"), ("us-isof-", "aws-iso-f"))
DEFAULT_PARTITION = "aws"


def partition_of(region: str) -> str:
    return next((partition for prefix, partition in PARTITIONS if region.startswith(prefix)), DEFAULT_PARTITION)


def arn(service: str, resource: str, *, partition: str = DEFAULT_PARTITION, region: str = "", account: str = "") -> str:
    return f"arn:{partition}:{service}:{region}:{account}:{resource}"


def account_root(account: str, partition: str = DEFAULT_PARTITION) -> str:
    return arn("iam", "root", partition=partition, account=account)


def role(account: str, name: str, partition: str = DEFAULT_PARTITION) -> str:
    return arn("iam", f"role/{name}", partition=partition, account=account)


def iam_policy(account: str, name: str, partition: str = DEFAULT_PARTITION) -> str:
    return arn("iam", f"policy/{name}", partition=partition, account=account)


def bucket(name: str, partition: str = DEFAULT_PARTITION) -> str:
    return arn("s3", name, partition=partition)


def objects(bucket_name: str, key_pattern: str = "*", partition: str = DEFAULT_PARTITION) -> str:
    return f"{bucket(bucket_name, partition)}/{key_pattern}"


def stream(region: str, account: str, name: str) -> str:
    return arn("kinesis", f"stream/{name}", partition=partition_of(region), region=region, account=account)


def kms(region: str, account: str, resource: str) -> str:
    """`key/<id>` or `alias/<name>`."""
    return arn("kms", resource, partition=partition_of(region), region=region, account=account)


def glue(region: str, account: str, resource: str) -> str:
    """`catalog`, `database/<db>` or `table/<db>/<table>`."""
    return arn("glue", resource, partition=partition_of(region), region=region, account=account)


def topic(region: str, account: str, name: str) -> str:
    return arn("sns", name, partition=partition_of(region), region=region, account=account)


def alarm(region: str, account: str, name: str) -> str:
    return arn("cloudwatch", f"alarm:{name}", partition=partition_of(region), region=region, account=account)


def alarms(region: str, account: str) -> str:
    """Every alarm of the account and region (what may publish to a domain's topic)."""
    return alarm(region, account, "*")
