"""The mesh's one naming scheme for physical resources (`dm-<domain>-<product>-<suffix>`).

Names are derived, never stored: the producer's stack, the consumer's stack and the
registry all compute the same name from the same inputs.
"""

from __future__ import annotations

import hashlib
import re

from . import arns
from .vocabulary import (
    MONITOR_CONSUMER_LAG,
    MONITOR_PIPELINE_FAILED,
    MONITOR_PIPELINE_MISSED,
    MONITOR_S3_FRESHNESS,
    MONITOR_STREAM_FRESHNESS,
)

S3_MAX = 63
ROLE_MAX = 64
STREAM_MAX = 128
TOPIC_MAX = 256
ALARM_MAX = 255
METRICS_FILTER_MAX = 64


def physical_name(*parts: str, limit: int = S3_MAX) -> str:
    """`dm-<parts...>`, shortened deterministically (prefix + 8-char hash) when over `limit`."""
    name = "-".join(("dm", *parts)).lower()
    if len(name) <= limit:
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:8]
    return f"{name[: limit - 9].rstrip('-')}-{digest}"


def bucket_name(domain: str, product: str) -> str:
    return physical_name(domain, product, limit=S3_MAX)


def stream_name(domain: str, product: str) -> str:
    return physical_name(domain, product, limit=STREAM_MAX)


def role_name(domain: str, kind: str) -> str:
    return physical_name(domain, kind, limit=ROLE_MAX)


def boundary_name(domain: str) -> str:
    """The permission boundary policy every role of the domain carries."""
    return physical_name(domain, "boundary")


def role_arn(account_id: str, domain: str, kind: str, partition: str = arns.DEFAULT_PARTITION) -> str:
    return arns.role(account_id, role_name(domain, kind), partition)


def consumer_role_arn(account_id: str, domain: str, partition: str = arns.DEFAULT_PARTITION) -> str:
    """The role through which a domain reads other domains' products (resolved by convention)."""
    return role_arn(account_id, domain, "consumer", partition)


def key_alias(domain: str) -> str:
    return f"alias/{physical_name(domain)}"


def namespace(domain: str) -> str:
    return physical_name(domain)


def service_account(domain: str) -> str:
    return physical_name(domain, "pipeline")


def glue_database(domain: str) -> str:
    return physical_name(domain).replace("-", "_")


def glue_table(product: str) -> str:
    return product.replace("-", "_")


def product_prefix(product: str) -> str:
    """Key prefix under which a product's objects live; grants are scoped to it."""
    return f"{product}/"


TABLE_SEPARATOR = "__"  # product names never hold '_', so `<product>__<table>` cannot be another product's table


def product_tables(product: str, tables: list[str] | tuple[str, ...]) -> list[tuple[str, str]]:
    """(Glue table, key prefix) of each table of a product. A one-table product is its own table (`orders`, `orders/`);
    the tables of a multi-table product live side by side under the product's prefix (`orders__lines`, `orders/lines/`),
    so a grant on the product's prefix covers exactly its tables."""
    if len(tables) == 1:
        return [(glue_table(product), product_prefix(product))]
    return [(f"{glue_table(product)}{TABLE_SEPARATOR}{glue_table(t)}", f"{product_prefix(product)}{t}/") for t in tables]


# The platform stack's own domain name and buckets. Derived here, never configured by hand: the policy
# pack's encryption exemption for the access-log bucket and every stack that logs to it use these names.
PLATFORM_DOMAIN = "platform"


def platform_bucket(purpose: str) -> str:
    return physical_name(PLATFORM_DOMAIN, purpose)


AUDIT_BUCKET = platform_bucket("audit-logs")
CATALOG_BUCKET = platform_bucket("catalog")


def alert_topic(domain: str) -> str:
    """The domain's notification topic: every alarm of the domain publishes to it, its owner subscribes."""
    return physical_name(domain, "alerts", limit=TOPIC_MAX)


def alarm_name(domain: str, product: str, monitor: str) -> str:
    return physical_name(domain, product, monitor, limit=ALARM_MAX)


def metric_namespace(domain: str) -> str:
    """The CloudWatch namespace a domain's pipelines publish to; the producer role may write no other."""
    return f"dmesh/{domain}"


def request_metrics_filter(product: str) -> str:
    """Id of the S3 request-metrics configuration on a product's prefix (the `FilterId` dimension of its metrics)."""
    return f"dmesh-{product}"[:METRICS_FILTER_MAX]


INVENTORY_PREFIX = "inventory/"  # where S3 Inventory reports of product buckets land in the audit bucket


def registry_key(domain: str, product: str) -> str:
    return f"products/{domain}/{product}.json"


# What each target accepts, in one table: (maximum length, pattern, forbidden prefixes, forbidden suffixes).
# Sources: S3 bucket naming rules (general purpose buckets), IAM and Kinesis quotas, Kubernetes DNS-1123 labels
# (CronJob names are 52 characters at most: the controller appends 11 for its Jobs), Glue name rules, KMS aliases.
DNS_LABEL = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?"
TARGETS: dict[str, tuple[int, str, tuple[str, ...], tuple[str, ...]]] = {
    "S3 bucket": (63, r"[a-z0-9][a-z0-9.-]*[a-z0-9]", ("xn--", "sthree-", "amzn-s3-demo-"),
                  ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")),
    "Kinesis stream": (128, r"[a-zA-Z0-9_.-]+", (), ()),
    "IAM role": (64, r"[\w+=,.@-]+", (), ()),
    "IAM policy": (128, r"[\w+=,.@-]+", (), ()),
    "KMS alias": (256, r"alias/[a-zA-Z0-9/_-]+", ("alias/aws/",), ()),
    "Kubernetes namespace": (63, DNS_LABEL, ("kube-",), ()),
    "Kubernetes service account": (253, DNS_LABEL, (), ()),
    "CronJob": (52, DNS_LABEL, (), ()),
    "Glue database": (255, r"[a-z0-9_]+", (), ()),
    "Glue table": (255, r"[a-z0-9_]+", (), ()),
    "SNS topic": (256, r"[A-Za-z0-9_-]+", (), ()),
    "CloudWatch alarm": (255, r"[^\x00-\x1f]+", (), ()),
}


# Targets whose names share one namespace across the mesh (an account and region, or the cluster). A CronJob,
# a service account or a Glue table is named within its domain's namespace or database, so two domains may
# both have an `orders` CronJob.
MESH_WIDE = frozenset({"S3 bucket", "Kinesis stream", "IAM role", "IAM policy", "KMS alias", "Kubernetes namespace", "Glue database",
                       "SNS topic", "CloudWatch alarm"})


def problem(target: str, name: str) -> str | None:
    """Why `name` cannot be a `target` name, or None when it can."""
    limit, pattern, prefixes, suffixes = TARGETS[target]
    if len(name) > limit:
        return f"{target} name {name!r} is {len(name)} characters; the limit is {limit}"
    if not re.fullmatch(pattern, name):
        return f"{target} name {name!r} has characters or a shape {target} names may not have"
    bad = next((p for p in prefixes if name.startswith(p)), None) or next((s for s in suffixes if name.endswith(s)), None)
    if bad:
        return f"{target} name {name!r} uses {bad!r}, which is reserved"
    return None


def domain_names(domain: str) -> list[tuple[str, str]]:
    """Every physical name one domain owns: (target, name)."""
    return [("IAM role", role_name(domain, "producer")), ("IAM role", role_name(domain, "consumer")), ("IAM policy", boundary_name(domain)),
            ("KMS alias", key_alias(domain)), ("Kubernetes namespace", namespace(domain)),
            ("Kubernetes service account", service_account(domain)), ("Glue database", glue_database(domain)),
            ("SNS topic", alert_topic(domain))]


def product_names(domain: str, product: str, s3: bool, kinesis: bool, pipeline: bool) -> list[tuple[str, str]]:
    """Every physical name one product owns: (target, name)."""
    names = [("Glue table", glue_table(product))]
    if s3:
        names += [("S3 bucket", bucket_name(domain, product)), ("CloudWatch alarm", alarm_name(domain, product, MONITOR_S3_FRESHNESS))]
    if kinesis:
        names += [("Kinesis stream", stream_name(domain, product)),
                  *(("CloudWatch alarm", alarm_name(domain, product, m)) for m in (MONITOR_STREAM_FRESHNESS, MONITOR_CONSUMER_LAG))]
    if pipeline:
        names += [("CronJob", product),
                  *(("CloudWatch alarm", alarm_name(domain, product, m)) for m in (MONITOR_PIPELINE_FAILED, MONITOR_PIPELINE_MISSED))]
    return names


def may_share_names(domain: str, other: str) -> bool:
    """Whether two domains can derive one mesh-wide name: every such name is `dm-<domain>` or begins `dm-<domain>-`
    (a domain name, at most 24 characters, is never cut by the shortening), so two different domains can only when
    one's name followed by '-' begins the other's (`marketing` and `marketing-web`). Validating one domain reads
    these siblings, not the whole mesh, for the collision check."""
    return domain != other and (other.startswith(f"{domain}-") or domain.startswith(f"{other}-"))


# Names the platform stack owns: no domain may derive one of them.
RESERVED: tuple[tuple[str, str], ...] = (("S3 bucket", AUDIT_BUCKET), ("S3 bucket", CATALOG_BUCKET), *domain_names(PLATFORM_DOMAIN))
