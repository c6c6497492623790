"""The mesh's one naming scheme for physical resources (`dm-<domain>-<product>-<suffix>`).

Names are derived, never stored: the producer's stack, the consumer's stack and the
registry all compute the same name from the same inputs.
"""

from __future__ import annotations

import hashlib

from . import arns

S3_MAX = 63
ROLE_MAX = 64
STREAM_MAX = 128


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


# The platform stack's own domain name and buckets. Derived here, never configured by hand: the policy
# pack's encryption exemption for the access-log bucket and every stack that logs to it use these names.
PLATFORM_DOMAIN = "platform"


def platform_bucket(purpose: str) -> str:
    return physical_name(PLATFORM_DOMAIN, purpose)


AUDIT_BUCKET = platform_bucket("audit-logs")
CATALOG_BUCKET = platform_bucket("catalog")


def registry_key(domain: str, product: str) -> str:
    return f"products/{domain}/{product}.json"
