"""Storage rules: every bucket encrypted with a customer key, private, versioned, TLS-only."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from blueprints import naming

from .documents import parse_document, statements
from .rule import Rule
from .resources import (
    BUCKET_POLICY,
    BUCKET_TYPES,
    PUBLIC_ACCESS_BLOCK,
    SSE_TYPES,
    VERSIONING_TYPES,
    ResourceView,
    attached,
)

PAB_FLAGS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")


def _aws_managed(key_id: str) -> bool:
    return key_id.startswith("alias/aws/") or ":alias/aws/" in key_id


def _sse_defaults(resource: ResourceView) -> list[Mapping[str, Any]]:
    if resource.type in BUCKET_TYPES:
        rules = resource.get("serverSideEncryptionConfiguration", "rule")
        rules = [rules] if isinstance(rules, Mapping) else rules or []
    else:
        rules = resource.props.get("rules") or []
    return [r.get("applyServerSideEncryptionByDefault") or {} for r in rules if isinstance(r, Mapping)]


def encryption_customer_managed_kms(resources: Sequence[ResourceView], config: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    exempt = set(config.get("exemptBuckets") or [])
    for bucket in (r for r in resources if r.type in BUCKET_TYPES and r.props.get("bucket") not in exempt):
        defaults = _sse_defaults(bucket) + [d for sse in attached(resources, SSE_TYPES, bucket) for d in _sse_defaults(sse)]
        if not defaults:
            yield bucket.urn, f"bucket {bucket.name!r} has no server-side encryption configuration; add one with sseAlgorithm aws:kms and the domain key"
            continue
        for d in defaults:
            algorithm, key = d.get("sseAlgorithm"), d.get("kmsMasterKeyId") or ""
            if algorithm not in ("aws:kms", "aws:kms:dsse"):
                yield bucket.urn, f"bucket {bucket.name!r} uses sseAlgorithm {algorithm!r}; use aws:kms with a customer-managed key"
            elif not key or _aws_managed(key):
                yield bucket.urn, f"bucket {bucket.name!r} uses the AWS-managed S3 key; set kmsMasterKeyId to a customer-managed KMS key"


def public_access_blocked(resources: Sequence[ResourceView], config: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    for bucket in (r for r in resources if r.type in BUCKET_TYPES):
        blocks = attached(resources, PUBLIC_ACCESS_BLOCK, bucket)
        if not blocks:
            yield bucket.urn, f"bucket {bucket.name!r} has no public access block; add one with all four flags true"
            continue
        missing = [f for f in PAB_FLAGS if not any(b.props.get(f) is True for b in blocks)]
        if missing:
            yield bucket.urn, f"bucket {bucket.name!r} public access block leaves {', '.join(missing)} off"


def versioning_enabled(resources: Sequence[ResourceView], config: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    for bucket in (r for r in resources if r.type in BUCKET_TYPES):
        inline = bucket.get("versioning", "enabled") is True
        separate = any(v.get("versioningConfiguration", "status") == "Enabled" for v in attached(resources, VERSIONING_TYPES, bucket))
        if not (inline or separate):
            yield bucket.urn, f"bucket {bucket.name!r} does not have versioning enabled; add a BucketVersioning with status Enabled"


def _denies_insecure_transport(document: Mapping[str, Any]) -> bool:
    for s in statements(dict(document)):
        if s.effect != "Deny":
            continue
        for operator in ("Bool", "BoolIfExists"):
            value = (s.condition.get(operator) or {}).get("aws:SecureTransport")
            if str(value).lower() == "false" or value is False:
                return True
    return False


def tls_only(resource: ResourceView, config: Mapping[str, Any]) -> Iterator[str]:
    if resource.type != BUCKET_POLICY and resource.type not in BUCKET_TYPES:
        return
    if resource.type in BUCKET_TYPES and not resource.props.get("policy"):
        return
    document = parse_document(resource.props.get("policy"))
    if document is None:
        yield "the bucket policy is not valid JSON"
    elif not _denies_insecure_transport(document):
        yield "the bucket policy does not deny requests with aws:SecureTransport=false; add a Deny statement for non-TLS access"


RULES = (
    Rule("s3-encryption-customer-managed-kms", "Every S3 bucket is encrypted with SSE-KMS under a customer-managed key.",
         "mandatory", "stack", encryption_customer_managed_kms, "high", ("storage", "encryption"),
         {"exemptBuckets": {"type": "array", "items": {"type": "string"}, "default": [naming.AUDIT_BUCKET],
                            "description": "Buckets AWS cannot encrypt with SSE-KMS (S3 server access log targets): the platform's audit bucket."}}),
    Rule("s3-public-access-blocked", "Every S3 bucket has a public access block with all four flags set.",
         "mandatory", "stack", public_access_blocked, "critical", ("storage", "network")),
    Rule("s3-versioning-enabled", "Every S3 bucket has versioning enabled.", "mandatory", "stack", versioning_enabled, "medium", ("storage", "resilience")),
    Rule("s3-tls-only", "Every bucket policy denies requests made without TLS (aws:SecureTransport=false).",
         "advisory", "resource", tls_only, "medium", ("storage", "network", "encryption")),
)
