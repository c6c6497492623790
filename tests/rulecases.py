"""Resources as the engine sends them to a policy pack, and the table of cases every rule must answer.

Each `Case` names a rule, the resources it judges and the exact (resource, message) pairs it must
report: one violating case per condition the rule checks (each flag, each principal form, each
missing field) and compliant near-misses that must report nothing. The in-process tests and the
protocol tests both run this one table.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from components.testing import Registration
from dmesh.governance.config import load_platform_config
from dmesh.governance.resources import ResourceView
from dmesh.governance.rulebook import rules_by_name

ACCOUNT = "123456789012"
TAGS = {"dmesh:domain": "sales", "dmesh:owner": "o@acme.example", "dmesh:classification": "internal", "dmesh:cost-center": "CC-1"}
KEY_ARN = f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
BOUNDARY_ARN = f"arn:aws:iam::{ACCOUNT}:policy/dm-sales-boundary"

# Mesh-wide default levels, written here rather than read from the rule book, so a wrong level fails.
LEVELS = {
    "s3-encryption-customer-managed-kms": "mandatory", "s3-public-access-blocked": "mandatory", "s3-versioning-enabled": "mandatory",
    "s3-tls-only": "advisory", "no-public-principals": "mandatory", "kms-key-rotation-enabled": "mandatory",
    "kinesis-encryption-kms": "mandatory", "iam-no-wildcard-actions": "mandatory", "iam-no-wildcard-resource-writes": "mandatory",
    "iam-permission-boundary-required": "mandatory", "iam-permission-boundary-approved": "mandatory",
    "iam-no-privileged-managed-policies": "mandatory", "iam-no-users": "mandatory", "required-tags": "mandatory", "retention-within-limit": "mandatory",
    "k8s-namespace-quota": "mandatory", "k8s-pod-security": "mandatory", "k8s-resource-limits": "mandatory",
    "k8s-approved-registries": "advisory", "k8s-image-pinned": "advisory", "catalog-entry-required": "mandatory", "stateful-resources-protected": "advisory",
    "sns-encrypted": "mandatory", "sla-monitored": "mandatory",
}


def res(type_: str, logical: str, /, protect: bool = False, deps: dict[str, list[str]] | None = None, **props: Any) -> Registration:
    return Registration(type=type_, name=logical, urn=f"urn:pulumi:dev::t::{type_}::{logical}", parent="", custom=True, protect=protect,
                        retain_on_delete=False, inputs=props, state=props, property_dependencies=deps or {})


def doc(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def bucket(name="dm-sales-orders", tags=None, logical=None, **extra):
    return res("aws:s3/bucket:Bucket", logical or name, protect=True, bucket=name, tags=tags or {**TAGS, "dmesh:product": "orders"}, **extra)


def sse(bucket_name="dm-sales-orders", algorithm="aws:kms", key=KEY_ARN, logical=None):
    rule = {"applyServerSideEncryptionByDefault": {"sseAlgorithm": algorithm, **({"kmsMasterKeyId": key} if key else {})}, "bucketKeyEnabled": True}
    return res("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", logical or f"{bucket_name}-sse",
               bucket=bucket_name, rules=[rule])


def pab(bucket_name="dm-sales-orders", logical=None, **flags):
    values = {"blockPublicAcls": True, "blockPublicPolicy": True, "ignorePublicAcls": True, "restrictPublicBuckets": True, **flags}
    values = {k: v for k, v in values.items() if v is not None}
    return res("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", logical or f"{bucket_name}-pab", bucket=bucket_name, **values)


def versioning(bucket_name="dm-sales-orders", status="Enabled"):
    return res("aws:s3/bucketVersioning:BucketVersioning", f"{bucket_name}-v", bucket=bucket_name, versioningConfiguration={"status": status})


def lifecycle(bucket_name="dm-sales-orders", days=365, status="Enabled"):
    rules = [{"id": "r", "status": status, "expiration": {"days": days}}] if days else []
    return res("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", f"{bucket_name}-lc", bucket=bucket_name, rules=rules)


def table(location="s3://dm-sales-orders/orders/", deps=None):
    return res("aws:glue/catalogTable:CatalogTable", "orders-table", protect=True, deps=deps, name="orders", databaseName="dm_sales",
               storageDescriptor={"location": location})


def registry(key="products/sales/orders.json"):
    return res("aws:s3/bucketObjectv2:BucketObjectv2", "orders-registry", bucket="dm-platform-catalog", key=key, content="{}", tags=TAGS)


def complete_bucket(**over):
    """A product bucket with every companion the stack rules ask for; `name=None` leaves one out."""
    parts = {"bucket": bucket(), "sse": sse(), "pab": pab(), "versioning": versioning(), "lifecycle": lifecycle(), "table": table(), "registry": registry()}
    parts.update(over)
    return [p for p in parts.values() if p is not None]


def role(boundary: str | None = BOUNDARY_ARN, logical="producer", **extra):
    trust = doc({"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"})
    props = {"name": "dm-sales-producer", "assumeRolePolicy": trust, "tags": TAGS, **extra}
    if boundary is not None:
        props["permissionsBoundary"] = boundary
    return res("aws:iam/role:Role", logical, **props)


def policy(*statements, logical="p"):
    return res("aws:iam/policy:Policy", logical, name="p", policy=doc(*statements), tags=TAGS)


def bucket_policy(*statements, logical="bp"):
    return res("aws:s3/bucketPolicy:BucketPolicy", logical, bucket="dm-sales-orders", policy=doc(*statements))


def key(logical="k", **props):
    return res("aws:kms/key:Key", logical, protect=True, **{"enableKeyRotation": True, "tags": TAGS, **props})


def stream(logical="s", **props):
    return res("aws:kinesis/stream:Stream", logical, protect=True, **{"name": "s", "encryptionType": "KMS", "kmsKeyId": KEY_ARN, "tags": TAGS, **props})


def allow(action, resource="arn:aws:s3:::b/*", **more):
    return {"Effect": "Allow", "Action": action, "Resource": resource, **more}


TLS_DENY = {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": ["arn:aws:s3:::dm-sales-orders", "arn:aws:s3:::dm-sales-orders/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
GRANT = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "s3:GetObject",
         "Resource": "arn:aws:s3:::dm-sales-orders/orders/*", "Condition": {"ArnEquals": {"aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:role/dm-marketing-consumer"}}}

CONTAINER = {
    "name": "pipeline", "image": "registry.acme.example/sales/orders:1",
    "securityContext": {"runAsNonRoot": True, "allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True, "privileged": False},
    "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"cpu": "500m", "memory": "256Mi"}},
}


def workload(kind="kubernetes:batch/v1:CronJob", image="registry.acme.example/sales/orders:1", pod_extra=None, init=None, **container_over):
    container = {**CONTAINER, "image": image, **container_over}
    container = {k: v for k, v in container.items() if v is not None}
    pod: dict[str, Any] = {"containers": [container], **(pod_extra or {})}
    if init is not None:
        pod["initContainers"] = [init]
    template = {"template": {"spec": pod}}
    spec = {
        "kubernetes:core/v1:Pod": pod,
        "kubernetes:core/v1:ReplicationController": template,
        "kubernetes:apps/v1:Deployment": template,
        "kubernetes:apps/v1:StatefulSet": template,
        "kubernetes:apps/v1:DaemonSet": template,
        "kubernetes:apps/v1:ReplicaSet": template,
        "kubernetes:batch/v1:Job": template,
        "kubernetes:batch/v1:CronJob": {"schedule": "@daily", "jobTemplate": {"spec": template}},
    }[kind]
    return res(kind, "w", metadata={"name": "w", "namespace": "dm-sales"}, spec=spec)


def security(**over):
    return {k: v for k, v in {**CONTAINER["securityContext"], **over}.items() if v is not None}


def namespace_set(quota=True, limits=True, quota_ns="dm-sales", deps=False):
    ns = res("kubernetes:core/v1:Namespace", "ns", metadata={"name": "dm-sales"})
    items = [ns]
    dep = {"metadata": [ns.urn]} if deps else None
    if quota:
        items.append(res("kubernetes:core/v1:ResourceQuota", "q", deps=dep, metadata={"name": "q", "namespace": "other" if deps else quota_ns},
                         spec={"hard": {"pods": "10"}}))
    if limits:
        items.append(res("kubernetes:core/v1:LimitRange", "l", deps=dep, metadata={"name": "l", "namespace": "other" if deps else "dm-sales"},
                         spec={"limits": []}))
    return items


@dataclass(frozen=True)
class Case:
    rule: str
    id: str
    resources: list[Registration]
    expected: list[tuple[str, str]]  # (logical name of the resource reported, exact message); [] = compliant
    config: dict[str, Any] = field(default_factory=dict)


def _restricted(**extra):
    return bucket(tags={**TAGS, "dmesh:product": "orders", "dmesh:classification": "restricted"}, **extra)


def _classified(classification):
    return bucket(tags={**TAGS, "dmesh:product": "orders", "dmesh:classification": classification})


B = "dm-sales-orders"
SSE_MSG_AES = f"bucket {B!r} uses sseAlgorithm 'AES256'; use aws:kms with a customer-managed key"
SSE_MSG_MANAGED = f"bucket {B!r} uses the AWS-managed S3 key; set kmsMasterKeyId to a customer-managed KMS key"
SSE_MSG_NONE = f"bucket {B!r} has no server-side encryption configuration; add one with sseAlgorithm aws:kms and the domain key"
PAB_MSG = "bucket 'dm-sales-orders' public access block leaves {} off"
TLS_MSG = "the bucket policy does not deny requests with aws:SecureTransport=false; add a Deny statement for non-TLS access"
NOT_ROOT = "container 'pipeline' may run as root; set runAsNonRoot: true"
ESCALATION = "container 'pipeline' does not set allowPrivilegeEscalation: false"
RO_ROOT = "container 'pipeline' does not set readOnlyRootFilesystem: true"
INLINE_SSE = {"rule": {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": KEY_ARN}}}
OUTSIDE = "arn:aws:iam::999999999999:root"


def _public(principal, logical="bp"):
    return bucket_policy(TLS_DENY, {**GRANT, "Principal": principal}, logical=logical)


CASES: list[Case] = [
    # --- s3-encryption-customer-managed-kms (stack) ---
    Case("s3-encryption-customer-managed-kms", "complete", complete_bucket(), []),
    Case("s3-encryption-customer-managed-kms", "dsse-with-key", complete_bucket(sse=sse(algorithm="aws:kms:dsse")), []),
    Case("s3-encryption-customer-managed-kms", "inline-kms", complete_bucket(bucket=bucket(serverSideEncryptionConfiguration=INLINE_SSE), sse=None), []),
    Case("s3-encryption-customer-managed-kms", "inline-kms-rule-list",
         complete_bucket(bucket=bucket(serverSideEncryptionConfiguration={"rule": [INLINE_SSE["rule"]]}), sse=None), []),
    Case("s3-encryption-customer-managed-kms", "sse-by-dependency", complete_bucket(
        sse=res(sse().type, "dep-sse", deps={"bucket": [bucket().urn]}, bucket="unknown-yet", rules=sse().inputs["rules"])), []),
    Case("s3-encryption-customer-managed-kms", "aes256", complete_bucket(sse=sse(algorithm="AES256", key=None)), [(B, SSE_MSG_AES)]),
    Case("s3-encryption-customer-managed-kms", "inline-aes256", complete_bucket(
        bucket=bucket(serverSideEncryptionConfiguration={"rule": {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}}), sse=None),
        [(B, SSE_MSG_AES)]),
    Case("s3-encryption-customer-managed-kms", "kms-without-key", complete_bucket(sse=sse(key=None)), [(B, SSE_MSG_MANAGED)]),
    Case("s3-encryption-customer-managed-kms", "aws-managed-alias", complete_bucket(sse=sse(key="alias/aws/s3")), [(B, SSE_MSG_MANAGED)]),
    Case("s3-encryption-customer-managed-kms", "aws-managed-alias-arn",
         complete_bucket(sse=sse(key=f"arn:aws:kms:eu-west-1:{ACCOUNT}:alias/aws/s3")), [(B, SSE_MSG_MANAGED)]),
    Case("s3-encryption-customer-managed-kms", "customer-alias-arn",
         complete_bucket(sse=sse(key=f"arn:aws:kms:eu-west-1:{ACCOUNT}:alias/dm-sales")), []),
    Case("s3-encryption-customer-managed-kms", "no-sse", complete_bucket(sse=None), [(B, SSE_MSG_NONE)]),
    Case("s3-encryption-customer-managed-kms", "sse-of-another-bucket", complete_bucket(sse=sse("dm-other")), [(B, SSE_MSG_NONE)]),
    Case("s3-encryption-customer-managed-kms", "one-of-two-rules-weak", complete_bucket(sse=sse(), extra=sse(algorithm="AES256", key=None, logical="second")),
         [(B, SSE_MSG_AES)]),
    Case("s3-encryption-customer-managed-kms", "every-bucket-judged", [
        bucket("dm-sales-a"), *complete_bucket(sse=sse(algorithm="AES256", key=None))],
        [("dm-sales-a", "bucket 'dm-sales-a' has no server-side encryption configuration; add one with sseAlgorithm aws:kms and the domain key"),
         (B, SSE_MSG_AES)]),
    Case("s3-encryption-customer-managed-kms", "exempt", complete_bucket(sse=sse(algorithm="AES256", key=None)), [],
         {"exemptBuckets": [B]}),
    Case("s3-encryption-customer-managed-kms", "exempt-other-bucket", complete_bucket(sse=sse(algorithm="AES256", key=None)), [(B, SSE_MSG_AES)],
         {"exemptBuckets": ["dm-platform-audit-logs"]}),
    # --- s3-public-access-blocked (stack) ---
    Case("s3-public-access-blocked", "complete", complete_bucket(), []),
    *[Case("s3-public-access-blocked", f"{flag}-false", complete_bucket(pab=pab(**{flag: False})), [(B, PAB_MSG.format(flag))])
      for flag in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")],
    Case("s3-public-access-blocked", "flag-missing", complete_bucket(pab=pab(ignorePublicAcls=None)), [(B, PAB_MSG.format("ignorePublicAcls"))]),
    Case("s3-public-access-blocked", "flag-as-string", complete_bucket(pab=pab(blockPublicPolicy="true")), [(B, PAB_MSG.format("blockPublicPolicy"))]),
    Case("s3-public-access-blocked", "two-flags-off", complete_bucket(pab=pab(blockPublicAcls=False, restrictPublicBuckets=False)),
         [(B, PAB_MSG.format("blockPublicAcls, restrictPublicBuckets"))]),
    Case("s3-public-access-blocked", "no-block", complete_bucket(pab=None),
         [(B, "bucket 'dm-sales-orders' has no public access block; add one with all four flags true")]),
    Case("s3-public-access-blocked", "block-of-another-bucket", complete_bucket(pab=pab("dm-other")),
         [(B, "bucket 'dm-sales-orders' has no public access block; add one with all four flags true")]),
    Case("s3-public-access-blocked", "every-bucket-judged", [bucket("dm-sales-a"), *complete_bucket(pab=pab(ignorePublicAcls=False))],
         [("dm-sales-a", "bucket 'dm-sales-a' has no public access block; add one with all four flags true"), (B, PAB_MSG.format("ignorePublicAcls"))]),
    Case("s3-public-access-blocked", "two-blocks-together-complete",
         complete_bucket(pab=pab(blockPublicAcls=False, blockPublicPolicy=False), extra=pab(logical="second", ignorePublicAcls=False, restrictPublicBuckets=False)), []),
    # --- s3-versioning-enabled (stack) ---
    Case("s3-versioning-enabled", "separate", complete_bucket(), []),
    Case("s3-versioning-enabled", "inline", complete_bucket(bucket=bucket(versioning={"enabled": True}), versioning=None), []),
    Case("s3-versioning-enabled", "suspended", complete_bucket(versioning=versioning(status="Suspended")),
         [(B, "bucket 'dm-sales-orders' does not have versioning enabled; add a BucketVersioning with status Enabled")]),
    Case("s3-versioning-enabled", "inline-disabled", complete_bucket(bucket=bucket(versioning={"enabled": False}), versioning=None),
         [(B, "bucket 'dm-sales-orders' does not have versioning enabled; add a BucketVersioning with status Enabled")]),
    Case("s3-versioning-enabled", "missing", complete_bucket(versioning=None),
         [(B, "bucket 'dm-sales-orders' does not have versioning enabled; add a BucketVersioning with status Enabled")]),
    Case("s3-versioning-enabled", "of-another-bucket", complete_bucket(versioning=versioning("dm-other")),
         [(B, "bucket 'dm-sales-orders' does not have versioning enabled; add a BucketVersioning with status Enabled")]),
    # --- s3-tls-only (resource) ---
    Case("s3-tls-only", "deny-bool", [bucket_policy(TLS_DENY, GRANT)], []),
    Case("s3-tls-only", "deny-bool-if-exists", [bucket_policy({**TLS_DENY, "Condition": {"BoolIfExists": {"aws:SecureTransport": "false"}}})], []),
    Case("s3-tls-only", "deny-json-false", [bucket_policy({**TLS_DENY, "Condition": {"Bool": {"aws:SecureTransport": False}}})], []),
    Case("s3-tls-only", "inline-bucket-policy", [bucket(policy=doc(TLS_DENY))], []),
    Case("s3-tls-only", "bucket-without-inline-policy", [bucket()], []),
    Case("s3-tls-only", "no-deny", [bucket_policy(GRANT)], [("bp", TLS_MSG)]),
    Case("s3-tls-only", "allow-not-deny", [bucket_policy({**TLS_DENY, "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}})],
         [("bp", TLS_MSG)]),
    Case("s3-tls-only", "deny-json-true", [bucket_policy({**TLS_DENY, "Condition": {"Bool": {"aws:SecureTransport": True}}})], [("bp", TLS_MSG)]),
    Case("s3-tls-only", "allow-before-deny", [bucket_policy(GRANT, TLS_DENY)], []),
    Case("s3-tls-only", "deny-true", [bucket_policy({**TLS_DENY, "Condition": {"Bool": {"aws:SecureTransport": "true"}}})], [("bp", TLS_MSG)]),
    Case("s3-tls-only", "other-condition-key", [bucket_policy({**TLS_DENY, "Condition": {"Bool": {"aws:ViaAWSService": "false"}}})], [("bp", TLS_MSG)]),
    Case("s3-tls-only", "inline-without-deny", [bucket(policy=doc(GRANT))], [(B, TLS_MSG)]),
    Case("s3-tls-only", "not-json", [res("aws:s3/bucketPolicy:BucketPolicy", "bp", bucket=B, policy="{not json")],
         [("bp", "the bucket policy is not valid JSON")]),
    Case("s3-tls-only", "other-type", [key(policy=doc(GRANT))], []),
    # --- no-public-principals (resource) ---
    Case("no-public-principals", "mesh-account", [bucket_policy(TLS_DENY, GRANT)], []),
    Case("no-public-principals", "star", [_public("*")],
         [("bp", "policy: a statement allows principal '*' (anyone); name the consumer roles instead")]),
    Case("no-public-principals", "aws-star", [_public({"AWS": "*"})],
         [("bp", "policy: a statement allows principal '*' (anyone); name the consumer roles instead")]),
    Case("no-public-principals", "star-in-list", [_public({"AWS": [f"arn:aws:iam::{ACCOUNT}:root", "*"]})],
         [("bp", "policy: a statement allows principal '*' (anyone); name the consumer roles instead")]),
    Case("no-public-principals", "sid-named", [bucket_policy({**GRANT, "Sid": "Open", "Principal": "*"})],
         [("bp", "policy: statement 'Open' allows principal '*' (anyone); name the consumer roles instead")]),
    Case("no-public-principals", "outside-account", [_public({"AWS": OUTSIDE})],
         [("bp", f"policy: a statement allows account 999999999999, outside the mesh accounts ['{ACCOUNT}']")], {"allowedAccountIds": [ACCOUNT]}),
    Case("no-public-principals", "bare-outside-account", [_public({"AWS": "999999999999"})],
         [("bp", f"policy: a statement allows account 999999999999, outside the mesh accounts ['{ACCOUNT}']")], {"allowedAccountIds": [ACCOUNT]}),
    Case("no-public-principals", "assumed-role-outside", [_public({"AWS": "arn:aws:sts::999999999999:assumed-role/x/y"})],
         [("bp", f"policy: a statement allows account 999999999999, outside the mesh accounts ['{ACCOUNT}']")], {"allowedAccountIds": [ACCOUNT]}),
    Case("no-public-principals", "china-partition-outside", [_public({"AWS": "arn:aws-cn:iam::999999999999:root"})],
         [("bp", f"policy: a statement allows account 999999999999, outside the mesh accounts ['{ACCOUNT}']")], {"allowedAccountIds": [ACCOUNT]}),
    Case("no-public-principals", "allowed-bare-account", [_public({"AWS": ACCOUNT})], [], {"allowedAccountIds": [ACCOUNT]}),
    Case("no-public-principals", "no-allow-list-admits-any-account", [_public({"AWS": OUTSIDE})], [], {"allowedAccountIds": []}),
    Case("no-public-principals", "not-an-iam-arn", [_public({"AWS": "arn:aws:s3:::some-bucket"})],
         [("bp", "policy: a statement allows principal 'arn:aws:s3:::some-bucket', which is not an IAM ARN of a mesh account")]),
    Case("no-public-principals", "deny-star-is-fine", [bucket_policy(TLS_DENY)], []),
    Case("no-public-principals", "service-principal", [_public({"Service": "logging.s3.amazonaws.com"})], []),
    Case("no-public-principals", "key-policy", [key(policy=doc({**GRANT, "Principal": "*", "Resource": "*"}))],
         [("k", "policy: a statement allows principal '*' (anyone); name the consumer roles instead")]),
    Case("no-public-principals", "stream-policy", [res("aws:kinesis/resourcePolicy:ResourcePolicy", "sp", resourceArn="x", policy=doc({**GRANT, "Principal": "*"}))],
         [("sp", "policy: a statement allows principal '*' (anyone); name the consumer roles instead")]),
    Case("no-public-principals", "inline-bucket-policy", [bucket(policy=doc({**GRANT, "Principal": "*"}))],
         [(B, "policy: a statement allows principal '*' (anyone); name the consumer roles instead")]),
    # --- kms-key-rotation-enabled (resource) ---
    Case("kms-key-rotation-enabled", "rotating", [key()], []),
    Case("kms-key-rotation-enabled", "off", [key(enableKeyRotation=False)], [("k", "KMS key 'k' does not rotate; set enableKeyRotation: true")]),
    Case("kms-key-rotation-enabled", "missing", [res("aws:kms/key:Key", "k", protect=True, tags=TAGS)],
         [("k", "KMS key 'k' does not rotate; set enableKeyRotation: true")]),
    Case("kms-key-rotation-enabled", "explicit-symmetric", [key(enableKeyRotation=False, keySpec="SYMMETRIC_DEFAULT")],
         [("k", "KMS key 'k' does not rotate; set enableKeyRotation: true")]),
    Case("kms-key-rotation-enabled", "legacy-spec-symmetric", [key(enableKeyRotation=False, customerMasterKeySpec="SYMMETRIC_DEFAULT")],
         [("k", "KMS key 'k' does not rotate; set enableKeyRotation: true")]),
    Case("kms-key-rotation-enabled", "asymmetric", [key(enableKeyRotation=False, keySpec="RSA_2048")], []),
    Case("kms-key-rotation-enabled", "legacy-asymmetric", [key(enableKeyRotation=False, customerMasterKeySpec="ECC_NIST_P256")], []),
    Case("kms-key-rotation-enabled", "other-type", [stream(enableKeyRotation=False)], []),
    # --- kinesis-encryption-kms (resource) ---
    Case("kinesis-encryption-kms", "kms", [stream()], []),
    Case("kinesis-encryption-kms", "none", [stream(encryptionType="NONE")],
         [("s", "stream 's' is not encrypted with KMS; set encryptionType: KMS and kmsKeyId to the domain key")]),
    Case("kinesis-encryption-kms", "kms-without-key", [stream(kmsKeyId="")],
         [("s", "stream 's' is not encrypted with KMS; set encryptionType: KMS and kmsKeyId to the domain key")]),
    Case("kinesis-encryption-kms", "type-missing", [res("aws:kinesis/stream:Stream", "s", protect=True, name="s", kmsKeyId=KEY_ARN, tags=TAGS)],
         [("s", "stream 's' is not encrypted with KMS; set encryptionType: KMS and kmsKeyId to the domain key")]),
    Case("kinesis-encryption-kms", "other-type", [key(encryptionType="NONE")], []),
    # --- iam-no-wildcard-actions (resource) ---
    Case("iam-no-wildcard-actions", "listed", [policy(allow(["s3:GetObject"]))], []),
    Case("iam-no-wildcard-actions", "star", [policy(allow("*"))],
         [("p", "policy: a statement allows wildcard actions ['*']; list the actions the role needs")]),
    Case("iam-no-wildcard-actions", "service-star", [policy(allow(["s3:GetObject", "s3:*"]))],
         [("p", "policy: a statement allows wildcard actions ['s3:*']; list the actions the role needs")]),
    Case("iam-no-wildcard-actions", "not-action", [policy({"Sid": "Rest", "Effect": "Allow", "NotAction": "iam:*", "Resource": "arn:aws:s3:::b"})],
         [("p", "policy: statement 'Rest' allows NotAction ['iam:*'], which grants every other action; list the actions")]),
    Case("iam-no-wildcard-actions", "deny-star-is-fine", [policy({"Effect": "Deny", "Action": "*", "Resource": "*"})], []),
    Case("iam-no-wildcard-actions", "deny-not-action-is-fine", [policy({"Effect": "Deny", "NotAction": "s3:GetObject", "Resource": "*"})], []),
    Case("iam-no-wildcard-actions", "deny-then-allow-star", [policy({"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"}, allow("*"))],
         [("p", "policy: a statement allows wildcard actions ['*']; list the actions the role needs")]),
    Case("iam-no-wildcard-actions", "role-inline", [role(inlinePolicies=[{"name": "x", "policy": doc(allow("*"))}])],
         [("producer", "inlinePolicies[0]: a statement allows wildcard actions ['*']; list the actions the role needs")]),
    Case("iam-no-wildcard-actions", "trust-policy", [role(assumeRolePolicy=doc({"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:*"}))],
         [("producer", "assumeRolePolicy: a statement allows wildcard actions ['sts:*']; list the actions the role needs")]),
    Case("iam-no-wildcard-actions", "bucket-policy", [bucket_policy(allow("s3:*", Principal={"AWS": f"arn:aws:iam::{ACCOUNT}:root"}))],
         [("bp", "policy: a statement allows wildcard actions ['s3:*']; list the actions the role needs")]),
    Case("iam-no-wildcard-actions", "single-statement-object",
         [res("aws:iam/rolePolicy:RolePolicy", "rp", role="r", policy=json.dumps({"Version": "2012-10-17", "Statement": allow("*")}))],
         [("rp", "policy: a statement allows wildcard actions ['*']; list the actions the role needs")]),
    # --- iam-no-wildcard-resource-writes (resource) ---
    Case("iam-no-wildcard-resource-writes", "read-on-star", [policy(allow(["s3:ListAllMyBuckets"], "*"))], []),
    Case("iam-no-wildcard-resource-writes", "write-on-arn", [policy(allow(["s3:PutObject"], "arn:aws:s3:::b/*"))], []),
    Case("iam-no-wildcard-resource-writes", "write-on-star", [policy(allow(["s3:PutObject", "s3:GetObject"], "*"))],
         [("p", "policy: a statement allows write or permission actions ['s3:PutObject'] on Resource '*'; scope them to ARNs")]),
    Case("iam-no-wildcard-resource-writes", "star-in-list", [policy(allow(["s3:PutObject"], ["arn:aws:s3:::b/*", "*"]))],
         [("p", "policy: a statement allows write or permission actions ['s3:PutObject'] on Resource '*'; scope them to ARNs")]),
    Case("iam-no-wildcard-resource-writes", "permissions-management", [policy(allow(["iam:PassRole"], "*"))],
         [("p", "policy: a statement allows write or permission actions ['iam:PassRole'] on Resource '*'; scope them to ARNs")]),
    Case("iam-no-wildcard-resource-writes", "tagging", [policy(allow(["s3:PutBucketTagging"], "*"))],
         [("p", "policy: a statement allows write or permission actions ['s3:PutBucketTagging'] on Resource '*'; scope them to ARNs")]),
    Case("iam-no-wildcard-resource-writes", "unknown-action-counts-as-write", [policy(allow(["s3:NoSuchAction"], "*"))],
         [("p", "policy: a statement allows write or permission actions ['s3:NoSuchAction'] on Resource '*'; scope them to ARNs")]),
    Case("iam-no-wildcard-resource-writes", "not-resource", [policy({"Effect": "Allow", "Action": ["s3:DeleteObject"], "NotResource": "arn:aws:s3:::b/*"})],
         [("p", "policy: a statement allows NotResource ['arn:aws:s3:::b/*'], which grants every other resource; list the resources")]),
    Case("iam-no-wildcard-resource-writes", "not-resource-even-for-reads",
         [policy({"Effect": "Allow", "Action": ["s3:GetObject"], "NotResource": ["arn:aws:s3:::dm-sales-orders/*"]})],
         [("p", "policy: a statement allows NotResource ['arn:aws:s3:::dm-sales-orders/*'], which grants every other resource; list the resources")]),
    Case("iam-no-wildcard-resource-writes", "deny-not-resource-is-fine", [policy({"Effect": "Deny", "Action": ["s3:*"], "NotResource": "arn:aws:s3:::b/*"})], []),
    Case("iam-no-wildcard-resource-writes", "secret-policy-star-is-the-secret",
         [res("aws:secretsmanager/secretPolicy:SecretPolicy", "sp", secretArn="x", policy=doc(
             {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "secretsmanager:PutSecretValue", "Resource": "*"}))], []),
    Case("iam-no-wildcard-resource-writes", "not-action-on-star", [policy({"Effect": "Allow", "NotAction": ["s3:GetObject"], "Resource": "*"})],
         [("p", "policy: a statement allows write or permission actions ['s3:GetObject'] on Resource '*'; scope them to ARNs")]),
    Case("iam-no-wildcard-resource-writes", "deny-write-on-star", [policy({"Effect": "Deny", "Action": ["s3:PutObject"], "Resource": "*"})], []),
    Case("iam-no-wildcard-resource-writes", "key-policy-star-is-the-key",
         [key(policy=doc({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": ["kms:PutKeyPolicy"], "Resource": "*"}))], []),
    Case("iam-no-wildcard-resource-writes", "trust-policy-has-no-resource",
         [role(assumeRolePolicy=doc({"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole", "Resource": "*"}))], []),
    Case("iam-no-wildcard-resource-writes", "role-inline", [role(inlinePolicies=[{"name": "x", "policy": doc(allow(["s3:PutObject"], "*"))}])],
         [("producer", "inlinePolicies[0]: a statement allows write or permission actions ['s3:PutObject'] on Resource '*'; scope them to ARNs")]),
    # --- iam-permission-boundary-required (resource) ---
    Case("iam-permission-boundary-required", "bounded", [role()], []),
    Case("iam-permission-boundary-required", "missing", [role(boundary=None)],
         [("producer", "role 'producer' has no permissionsBoundary; attach the domain's boundary policy")]),
    Case("iam-permission-boundary-required", "empty", [role(boundary="")],
         [("producer", "role 'producer' has no permissionsBoundary; attach the domain's boundary policy")]),
    Case("iam-permission-boundary-required", "other-type", [policy(allow(["s3:GetObject"]))], []),
    # --- required-tags (resource) ---
    Case("required-tags", "all-present", [res("aws:sqs/queue:Queue", "q", tags=TAGS)], []),
    Case("required-tags", "blank-owner", [res("aws:sqs/queue:Queue", "q", tags={**TAGS, "dmesh:owner": " "})],
         [("q", "Queue 'q' lacks the tags dmesh:owner")]),
    Case("required-tags", "null-value", [res("aws:sqs/queue:Queue", "q", tags={**TAGS, "dmesh:domain": None})],
         [("q", "Queue 'q' lacks the tags dmesh:domain")]),
    Case("required-tags", "two-missing", [res("aws:sqs/queue:Queue", "q", tags={"dmesh:domain": "sales", "dmesh:owner": "o@acme.example"})],
         [("q", "Queue 'q' lacks the tags dmesh:classification, dmesh:cost-center")]),
    Case("required-tags", "no-tags", [res("aws:sqs/queue:Queue", "q")],
         [("q", "Queue 'q' lacks the tags dmesh:domain, dmesh:owner, dmesh:classification, dmesh:cost-center")]),
    Case("required-tags", "tags-not-a-map", [res("aws:sqs/queue:Queue", "q", tags=["dmesh:domain"])],
         [("q", "Queue 'q' lacks the tags dmesh:domain, dmesh:owner, dmesh:classification, dmesh:cost-center")]),
    Case("required-tags", "configured-tags", [res("aws:sqs/queue:Queue", "q", tags={**TAGS})], [("q", "Queue 'q' lacks the tags team")],
         {"tags": ["dmesh:domain", "team"]}),
    Case("required-tags", "not-taggable", [bucket_policy(GRANT)], []),
    Case("required-tags", "not-aws", [res("kubernetes:core/v1:Namespace", "ns", metadata={"name": "x"})], []),
    Case("required-tags", "index-module", [res("aws:index/provider:Provider", "prov")], []),
    # --- retention-within-limit (stack) ---
    Case("retention-within-limit", "restricted-within", complete_bucket(bucket=_restricted()), []),
    Case("retention-within-limit", "restricted-at-limit", complete_bucket(bucket=_restricted(), lifecycle=lifecycle(days=365)), []),
    Case("retention-within-limit", "restricted-over", complete_bucket(bucket=_restricted(), lifecycle=lifecycle(days=366)),
         [(B, "bucket 'dm-sales-orders' keeps restricted data 366 days; the maximum is 365")]),
    Case("retention-within-limit", "restricted-no-lifecycle", complete_bucket(bucket=_restricted(), lifecycle=None),
         [(B, "restricted bucket 'dm-sales-orders' has no lifecycle expiration; personal data must expire (at most 365 days)")]),
    Case("retention-within-limit", "restricted-disabled-rule", complete_bucket(bucket=_restricted(), lifecycle=lifecycle(status="Disabled")),
         [(B, "restricted bucket 'dm-sales-orders' has no lifecycle expiration; personal data must expire (at most 365 days)")]),
    Case("retention-within-limit", "restricted-rule-without-days", complete_bucket(bucket=_restricted(), lifecycle=lifecycle(days=0)),
         [(B, "restricted bucket 'dm-sales-orders' has no lifecycle expiration; personal data must expire (at most 365 days)")]),
    Case("retention-within-limit", "restricted-lifecycle-of-another-bucket", complete_bucket(bucket=_restricted(), lifecycle=lifecycle("dm-other")),
         [(B, "restricted bucket 'dm-sales-orders' has no lifecycle expiration; personal data must expire (at most 365 days)")]),
    Case("retention-within-limit", "rule-without-status-is-enabled",
         complete_bucket(bucket=_restricted(), lifecycle=res(lifecycle().type, "lc", bucket=B, rules=[{"id": "r", "expiration": {"days": 30}}])), []),
    Case("retention-within-limit", "disabled-rule-then-enabled", complete_bucket(bucket=_restricted(), lifecycle=res(lifecycle().type, "lc", bucket=B, rules=[
        {"id": "off", "status": "Disabled", "expiration": {"days": 30}}, {"id": "on", "status": "Enabled", "expiration": {"days": 400}}])),
        [(B, "bucket 'dm-sales-orders' keeps restricted data 400 days; the maximum is 365")]),
    Case("retention-within-limit", "days-as-text-do-not-count", complete_bucket(bucket=_restricted(), lifecycle=res(lifecycle().type, "lc", bucket=B, rules=[
        {"id": "r", "status": "Enabled", "expiration": {"days": "30"}}])),
        [(B, "restricted bucket 'dm-sales-orders' has no lifecycle expiration; personal data must expire (at most 365 days)")]),
    Case("retention-within-limit", "confidential-at-limit", complete_bucket(bucket=_classified("confidential"), lifecycle=lifecycle(days=2555)), []),
    Case("retention-within-limit", "confidential-over", complete_bucket(bucket=_classified("confidential"), lifecycle=lifecycle(days=2556)),
         [(B, "bucket 'dm-sales-orders' keeps confidential data 2556 days; the maximum is 2555")]),
    Case("retention-within-limit", "internal-over", complete_bucket(bucket=_classified("internal"), lifecycle=lifecycle(days=3651)),
         [(B, "bucket 'dm-sales-orders' keeps internal data 3651 days; the maximum is 3650")]),
    Case("retention-within-limit", "public-over", complete_bucket(bucket=_classified("public"), lifecycle=lifecycle(days=3651)),
         [(B, "bucket 'dm-sales-orders' keeps public data 3651 days; the maximum is 3650")]),
    Case("retention-within-limit", "internal-forever-is-allowed", complete_bucket(bucket=_classified("internal"), lifecycle=None), []),
    Case("retention-within-limit", "configured-limit", complete_bucket(bucket=_classified("internal"), lifecycle=lifecycle(days=400)),
         [(B, "bucket 'dm-sales-orders' keeps internal data 400 days; the maximum is 200")], {"maxDays": {"internal": 200}}),
    Case("retention-within-limit", "unknown-classification", complete_bucket(bucket=_classified("secret"), lifecycle=lifecycle(days=99999)), []),
    # --- k8s-namespace-quota (stack) ---
    Case("k8s-namespace-quota", "both", namespace_set(), []),
    Case("k8s-namespace-quota", "by-dependency", namespace_set(deps=True), []),
    Case("k8s-namespace-quota", "no-limits", namespace_set(limits=False), [("ns", "namespace 'dm-sales' has no LimitRange in this stack")]),
    Case("k8s-namespace-quota", "no-quota", namespace_set(quota=False), [("ns", "namespace 'dm-sales' has no ResourceQuota in this stack")]),
    Case("k8s-namespace-quota", "neither", namespace_set(quota=False, limits=False),
         [("ns", "namespace 'dm-sales' has no ResourceQuota in this stack"), ("ns", "namespace 'dm-sales' has no LimitRange in this stack")]),
    Case("k8s-namespace-quota", "default-namespace", [res("kubernetes:core/v1:Namespace", "ns", metadata={"name": "default"}),
                                                     res("kubernetes:core/v1:ResourceQuota", "q", metadata={"name": "q"}, spec={}),
                                                     res("kubernetes:core/v1:LimitRange", "l", metadata={"name": "l"}, spec={})], []),
    Case("k8s-namespace-quota", "quota-elsewhere", namespace_set(quota_ns="other"), [("ns", "namespace 'dm-sales' has no ResourceQuota in this stack")]),
    # --- k8s-pod-security (resource) ---
    *[Case("k8s-pod-security", f"hardened-{kind.rsplit(':', 1)[1]}", [workload(kind)], []) for kind in (
        "kubernetes:core/v1:Pod", "kubernetes:core/v1:ReplicationController", "kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet",
        "kubernetes:apps/v1:DaemonSet", "kubernetes:apps/v1:ReplicaSet", "kubernetes:batch/v1:Job", "kubernetes:batch/v1:CronJob")],
    *[Case("k8s-pod-security", f"escalation-{kind.rsplit(':', 1)[1]}", [workload(kind, securityContext=security(allowPrivilegeEscalation=True))],
           [("w", ESCALATION)]) for kind in (
        "kubernetes:core/v1:Pod", "kubernetes:core/v1:ReplicationController", "kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet",
        "kubernetes:apps/v1:DaemonSet", "kubernetes:apps/v1:ReplicaSet", "kubernetes:batch/v1:Job", "kubernetes:batch/v1:CronJob")],
    Case("k8s-pod-security", "privileged", [workload(securityContext=security(privileged=True))], [("w", "container 'pipeline' is privileged")]),
    Case("k8s-pod-security", "escalation-unset", [workload(securityContext=security(allowPrivilegeEscalation=None))], [("w", ESCALATION)]),
    Case("k8s-pod-security", "writable-root", [workload(securityContext=security(readOnlyRootFilesystem=False))], [("w", RO_ROOT)]),
    Case("k8s-pod-security", "root-fs-unset", [workload(securityContext=security(readOnlyRootFilesystem=None))], [("w", RO_ROOT)]),
    Case("k8s-pod-security", "may-run-as-root", [workload(securityContext=security(runAsNonRoot=None))], [("w", NOT_ROOT)]),
    Case("k8s-pod-security", "run-as-root-explicit", [workload(securityContext=security(runAsNonRoot=False))], [("w", NOT_ROOT)]),
    Case("k8s-pod-security", "non-root-from-pod", [workload(securityContext=security(runAsNonRoot=None), pod_extra={"securityContext": {"runAsNonRoot": True}})], []),
    Case("k8s-pod-security", "container-overrides-pod", [workload(securityContext=security(runAsNonRoot=False), pod_extra={"securityContext": {"runAsNonRoot": True}})],
         [("w", NOT_ROOT)]),
    Case("k8s-pod-security", "no-security-context", [workload(securityContext=None)], [("w", ESCALATION), ("w", RO_ROOT), ("w", NOT_ROOT)]),
    *[Case("k8s-pod-security", f"host-{flag}", [workload(pod_extra={flag: True})],
           [("w", "the pod shares host namespaces (hostNetwork/hostPID/hostIPC)")]) for flag in ("hostNetwork", "hostPID", "hostIPC")],
    Case("k8s-pod-security", "init-container", [workload(init={**CONTAINER, "name": "init", "securityContext": security(privileged=True)})],
         [("w", "container 'init' is privileged")]),
    Case("k8s-pod-security", "unnamed-container", [workload(name=None, securityContext=security(privileged=True))], [("w", "container '?' is privileged")]),
    Case("k8s-pod-security", "not-a-workload", [res("kubernetes:core/v1:ConfigMap", "w", metadata={"name": "w"}, data={"privileged": "true"})], []),
    # --- k8s-resource-limits (resource) ---
    Case("k8s-resource-limits", "sized", [workload()], []),
    *[Case("k8s-resource-limits", f"no-{kind}-{what}",
           [workload(resources={**CONTAINER["resources"], kind: {k: v for k, v in CONTAINER["resources"][kind].items() if k != what}})],
           [("w", f"container 'pipeline' lacks resources {kind}.{what}")]) for kind in ("requests", "limits") for what in ("cpu", "memory")],
    Case("k8s-resource-limits", "no-limits", [workload(resources={"requests": {"cpu": "1", "memory": "1Gi"}})],
         [("w", "container 'pipeline' lacks resources limits.cpu, limits.memory")]),
    Case("k8s-resource-limits", "nothing", [workload(resources=None)],
         [("w", "container 'pipeline' lacks resources requests.cpu, requests.memory, limits.cpu, limits.memory")]),
    Case("k8s-resource-limits", "empty-value", [workload(resources={**CONTAINER["resources"], "limits": {"cpu": "", "memory": "1Gi"}})],
         [("w", "container 'pipeline' lacks resources limits.cpu")]),
    Case("k8s-resource-limits", "init-container", [workload(init={"name": "init", "image": "registry.acme.example/x:1"})],
         [("w", "container 'init' lacks resources requests.cpu, requests.memory, limits.cpu, limits.memory")]),
    Case("k8s-resource-limits", "unnamed-container", [workload(name=None, resources=None)],
         [("w", "container '?' lacks resources requests.cpu, requests.memory, limits.cpu, limits.memory")]),
    Case("k8s-resource-limits", "deployment", [workload("kubernetes:apps/v1:Deployment", resources=None)],
         [("w", "container 'pipeline' lacks resources requests.cpu, requests.memory, limits.cpu, limits.memory")]),
    # --- k8s-approved-registries (resource) ---
    Case("k8s-approved-registries", "approved", [workload()], [], {"registries": ["registry.acme.example"]}),
    Case("k8s-approved-registries", "approved-with-slash", [workload()], [], {"registries": ["registry.acme.example/"]}),
    Case("k8s-approved-registries", "outside", [workload(image="docker.io/library/busybox:1")],
         [("w", "container 'pipeline' uses image 'docker.io/library/busybox:1' from outside the approved registries ['registry.acme.example/']")],
         {"registries": ["registry.acme.example"]}),
    Case("k8s-approved-registries", "lookalike-host", [workload(image="registry.acme.example.evil.io/x:1")],
         [("w", "container 'pipeline' uses image 'registry.acme.example.evil.io/x:1' from outside the approved registries ['registry.acme.example/']")],
         {"registries": ["registry.acme.example"]}),
    Case("k8s-approved-registries", "no-image", [workload(image=None)],
         [("w", "container 'pipeline' uses image '' from outside the approved registries ['registry.acme.example/']")],
         {"registries": ["registry.acme.example"]}),
    Case("k8s-approved-registries", "unnamed-container", [workload(name=None, image="quay.io/x:1")],
         [("w", "container '?' uses image 'quay.io/x:1' from outside the approved registries ['registry.acme.example/']")],
         {"registries": ["registry.acme.example"]}),
    Case("k8s-approved-registries", "registry-path-is-exact", [workload(image="quay.io/acme/app:1")],
         [("w", "container 'pipeline' uses image 'quay.io/acme/app:1' from outside the approved registries ['quay.io/acmeX/']")],
         {"registries": ["quay.io/acmeX"]}),
    Case("k8s-approved-registries", "no-list-means-any", [workload(image="docker.io/library/busybox:1")], [], {"registries": []}),
    Case("k8s-approved-registries", "init-container", [workload(init={**CONTAINER, "name": "init", "image": "quay.io/x:1"})],
         [("w", "container 'init' uses image 'quay.io/x:1' from outside the approved registries ['registry.acme.example/']")],
         {"registries": ["registry.acme.example"]}),
    # --- catalog-entry-required (stack) ---
    Case("catalog-entry-required", "complete", complete_bucket(), []),
    Case("catalog-entry-required", "table-by-dependency", complete_bucket(table=table(location="unknown-yet", deps={"storageDescriptor": [bucket().urn]})), []),
    Case("catalog-entry-required", "no-table", complete_bucket(table=None),
         [(B, "product bucket 'dm-sales-orders' (sales.orders) has no Glue table pointing at it")]),
    Case("catalog-entry-required", "table-elsewhere", complete_bucket(table=table("s3://dm-sales-orders-archive/orders/")),
         [(B, "product bucket 'dm-sales-orders' (sales.orders) has no Glue table pointing at it")]),
    Case("catalog-entry-required", "no-document", complete_bucket(registry=None),
         [(B, "product sales.orders has no registry document products/sales/orders.json")]),
    Case("catalog-entry-required", "document-of-another-product", complete_bucket(registry=registry("products/sales/customers.json")),
         [(B, "product sales.orders has no registry document products/sales/orders.json")]),
    Case("catalog-entry-required", "neither", complete_bucket(table=None, registry=None),
         [(B, "product bucket 'dm-sales-orders' (sales.orders) has no Glue table pointing at it"),
          (B, "product sales.orders has no registry document products/sales/orders.json")]),
    Case("catalog-entry-required", "every-product-bucket-judged", [bucket("dm-platform-x", tags=TAGS), *complete_bucket(table=None)],
         [(B, "product bucket 'dm-sales-orders' (sales.orders) has no Glue table pointing at it")]),
    Case("catalog-entry-required", "physical-name-not-logical", complete_bucket(bucket=bucket(logical="orders-bucket")), []),
    Case("catalog-entry-required", "not-a-product-bucket", complete_bucket(bucket=bucket(tags=TAGS), table=None, registry=None), []),
    # --- stateful-resources-protected (resource) ---
    Case("stateful-resources-protected", "protected", [table(), bucket(), key(), stream()], []),
    *[Case("stateful-resources-protected", f"unprotected-{kind}", [res(type_, "x")], [("x", f"{kind} 'x' holds data but is not protected; set protect=True")])
      for kind, type_ in (("Bucket", "aws:s3/bucket:Bucket"), ("Stream", "aws:kinesis/stream:Stream"), ("Key", "aws:kms/key:Key"),
                          ("CatalogTable", "aws:glue/catalogTable:CatalogTable"))],
    Case("stateful-resources-protected", "stateless-unprotected", [res("aws:iam/role:Role", "x")], []),
]

ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
READ_ONLY = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"


def boundary_policy(name="dm-sales-boundary", logical="boundary"):
    return res("aws:iam/policy:Policy", logical, name=name, policy=doc(allow(["s3:GetObject"])), tags=TAGS)


def _admin_msg(arn, owner="AWS-managed"):
    return f"attaches the {owner} policy {arn!r}, which grants administration or full access; attach least-privilege statements instead"


def _unbounded(name, boundary):
    return (f"{name!r} is bounded by {boundary!r}, which is not a mesh boundary of this stack; "
            "use the domain's boundary policy (or ask the platform team to approve it)")


CASES += [
    # --- iam-no-wildcard-actions: wildcards inside names, unreadable documents ---
    Case("iam-no-wildcard-actions", "pattern-expanding-to-permission-management", [policy(allow(["iam:*Policy*"], "*"))],
         [("p", "policy: a statement allows 'iam:*Policy*', which expands to permission-management actions "
                "['iam:AttachGroupPolicy', 'iam:AttachRolePolicy', 'iam:AttachUserPolicy'] ...; list the actions the role needs")]),
    Case("iam-no-wildcard-actions", "read-pattern-is-fine", [policy(allow(["s3:Get*", "s3:List*"]))], []),
    Case("iam-no-wildcard-actions", "unreadable-document", [res("aws:iam/policy:Policy", "p", name="p", policy="{not json", tags=TAGS)],
         [("p", "policy: not a policy document the mesh can read; write it as a JSON policy document")]),
    # --- iam-no-privileged-managed-policies ---
    Case("iam-no-privileged-managed-policies", "least-privilege-managed", [res("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "a", role="r",
                                                                            policyArn=READ_ONLY)], []),
    Case("iam-no-privileged-managed-policies", "admin-attachment", [res("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "a", role="r", policyArn=ADMIN)],
         [("a", _admin_msg(ADMIN))]),
    Case("iam-no-privileged-managed-policies", "role-managed-arns", [role(managedPolicyArns=[READ_ONLY, "arn:aws:iam::aws:policy/PowerUserAccess"])],
         [("producer", _admin_msg("arn:aws:iam::aws:policy/PowerUserAccess"))]),
    Case("iam-no-privileged-managed-policies", "full-access-pattern", [res("aws:iam/policyAttachment:PolicyAttachment", "a", roles=["r"],
                                                                         policyArn="arn:aws:iam::aws:policy/AmazonS3FullAccess")],
         [("a", _admin_msg("arn:aws:iam::aws:policy/AmazonS3FullAccess"))]),
    Case("iam-no-privileged-managed-policies", "job-function-admin", [res("aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive", "a",
        roleName="r", policyArns=["arn:aws:iam::aws:policy/job-function/SystemAdministrator"])],
         [("a", _admin_msg("arn:aws:iam::aws:policy/job-function/SystemAdministrator"))]),
    Case("iam-no-privileged-managed-policies", "gov-cloud-partition", [res("aws:iam/groupPolicyAttachment:GroupPolicyAttachment", "a", group="g",
                                                                         policyArn="arn:aws-us-gov:iam::aws:policy/IAMFullAccess")],
         [("a", _admin_msg("arn:aws-us-gov:iam::aws:policy/IAMFullAccess"))]),
    Case("iam-no-privileged-managed-policies", "customer-policy-named-like-admin", [res("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "a", role="r",
        policyArn=f"arn:aws:iam::{ACCOUNT}:policy/AdministratorAccess")], [("a", _admin_msg(f"arn:aws:iam::{ACCOUNT}:policy/AdministratorAccess", "managed"))]),
    Case("iam-no-privileged-managed-policies", "configured-patterns", [res("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "a", role="r",
                                                                         policyArn=READ_ONLY)], [("a", _admin_msg(READ_ONLY))],
         {"privilegedPolicies": ["*ReadOnlyAccess"]}),
    # --- iam-permission-boundary-approved (stack) ---
    Case("iam-permission-boundary-approved", "mesh-boundary-by-dependency",
         [boundary_policy(), res("aws:iam/role:Role", "producer", deps={"permissionsBoundary": ["urn:pulumi:dev::t::aws:iam/policy:Policy::boundary"]},
                                 name="r", permissionsBoundary="unknown-yet", tags=TAGS)], []),
    Case("iam-permission-boundary-approved", "mesh-boundary-by-arn", [boundary_policy(), role(boundary=BOUNDARY_ARN)], []),
    Case("iam-permission-boundary-approved", "no-boundary-is-another-rule", [role(boundary=None)], []),
    Case("iam-permission-boundary-approved", "aws-managed-admin-as-boundary", [boundary_policy(), role(boundary=ADMIN)],
         [("producer", _unbounded("producer", ADMIN))]),
    Case("iam-permission-boundary-approved", "mesh-name-but-not-in-stack", [role(boundary=BOUNDARY_ARN)],
         [("producer", _unbounded("producer", BOUNDARY_ARN))]),
    Case("iam-permission-boundary-approved", "own-policy-not-named-as-boundary", [boundary_policy(name="wide-open"),
         role(boundary=f"arn:aws:iam::{ACCOUNT}:policy/wide-open")], [("producer", _unbounded("producer", f"arn:aws:iam::{ACCOUNT}:policy/wide-open"))]),
    Case("iam-permission-boundary-approved", "approved-by-the-platform", [role(boundary="arn:aws:iam::123456789012:policy/org-boundary")], [],
         {"approvedBoundaries": ["arn:aws:iam::123456789012:policy/org-boundary"]}),
    Case("iam-permission-boundary-approved", "user-bounded-by-admin", [res("aws:iam/user:User", "u", name="u", permissionsBoundary=ADMIN, tags=TAGS)],
         [("u", _unbounded("u", ADMIN))]),
    # --- iam-no-users ---
    Case("iam-no-users", "roles-only", [role()], []),
    *[Case("iam-no-users", kind.split(":")[-1], [res(kind, "x", user="u")],
           [("x", f"{kind.split(':')[-1]} 'x': IAM users and long-lived keys have no place in a domain stack; use the domain's roles")])
      for kind in ("aws:iam/user:User", "aws:iam/accessKey:AccessKey", "aws:iam/userLoginProfile:UserLoginProfile",
                   "aws:iam/serviceSpecificCredential:ServiceSpecificCredential", "aws:iam/userPolicy:UserPolicy")],
]


def view(reg: Registration) -> ResourceView:
    return ResourceView(type=reg.type, name=reg.name, urn=reg.urn, props=reg.inputs, protect=reg.protect,
                        property_dependencies={k: tuple(v) for k, v in reg.property_dependencies.items()})


def settings_for(case: Case) -> dict:
    """The rule's settings as the pack gets them: the platform config for the rule, overlaid with the case's."""
    entry = {k: v for k, v in load_platform_config()[case.rule].items() if k != "enforcementLevel"}
    return rules_by_name()[case.rule].settings({**entry, **case.config})


def judge(case: Case) -> list[tuple[str, str]]:
    """The rule itself, in process: (logical name, message) of everything it reports on the case's resources."""
    rule = rules_by_name()[case.rule]
    views = [view(r) for r in case.resources]
    if rule.scope == "resource":
        return [(v.name, message) for v in views for message in rule.check(v, settings_for(case))]
    names = {r.urn: r.name for r in case.resources}
    return [(names[urn], message) for urn, message in rule.check(views, settings_for(case))]


CASES += [
    # --- no-public-principals: more forms, and what stays allowed ---
    Case("no-public-principals", "not-principal", [bucket_policy({**GRANT, "Principal": None, "NotPrincipal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}})],
         [("bp", "policy: a statement allows NotPrincipal, which admits everyone but the principals it names; name the principals")]),
    Case("no-public-principals", "deny-not-principal-is-fine", [bucket_policy({**TLS_DENY, "Principal": None, "NotPrincipal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}})], []),
    Case("no-public-principals", "fake-service-principal", [_public({"Service": "evil.example.com"})],
         [("bp", "policy: a statement allows service principal 'evil.example.com', which is not an AWS service")]),
    Case("no-public-principals", "china-service-principal", [_public({"Service": "s3.amazonaws.com.cn"})], []),
    Case("no-public-principals", "irsa-trust-is-fine", [role(assumeRolePolicy=doc({"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
        "Principal": {"Federated": f"arn:aws:iam::{ACCOUNT}:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/X"}}))], [], {"allowedAccountIds": [ACCOUNT]}),
    Case("no-public-principals", "identity-policy-has-no-principal", [policy(allow(["s3:GetObject"]))], []),
    Case("no-public-principals", "role-inline-policies-are-identity-policies", [role(inlinePolicies=[{"name": "i", "policy": doc(allow(["s3:GetObject"]))}])], []),
    Case("no-public-principals", "kms-grant-in-mesh", [res("aws:kms/grant:Grant", "g", keyId=KEY_ARN, operations=["Decrypt"],
                                                        granteePrincipal=f"arn:aws:iam::{ACCOUNT}:role/dm-sales-consumer")], [], {"allowedAccountIds": [ACCOUNT]}),
    Case("no-public-principals", "kms-grant-retiring-outside", [res("aws:kms/grant:Grant", "g", keyId=KEY_ARN, operations=["Decrypt"],
        granteePrincipal=f"arn:aws:iam::{ACCOUNT}:role/r", retiringPrincipal="arn:aws:iam::999999999999:root")],
         [("g", f"retiringPrincipal allows account 999999999999, outside the mesh accounts ['{ACCOUNT}']")], {"allowedAccountIds": [ACCOUNT]}),
    Case("no-public-principals", "lambda-permission-service", [res("aws:lambda/permission:Permission", "lp", function="f", action="lambda:InvokeFunction",
                                                                 principal="s3.amazonaws.com")], []),
    Case("no-public-principals", "lambda-permission-anyone", [res("aws:lambda/permission:Permission", "lp", function="f", action="lambda:InvokeFunction",
                                                                principal="*")],
         [("lp", "principal allows principal '*' (anyone); name the consumer roles instead")]),
    Case("no-public-principals", "private-acl", [res("aws:s3/bucketAcl:BucketAcl", "acl", bucket=B, acl="private")], []),
    Case("no-public-principals", "log-delivery-acl", [res("aws:s3/bucketAcl:BucketAcl", "acl", bucket=B, acl="log-delivery-write")], []),
    Case("no-public-principals", "public-canned-acl", [res("aws:s3/bucketAcl:BucketAcl", "acl", bucket=B, acl="authenticated-read")],
         [("acl", "acl: the canned ACL 'authenticated-read' opens the data beyond the mesh; leave ACLs off (ownership is BucketOwnerEnforced)")]),
    Case("no-public-principals", "bucket-grant-all-users", [bucket(grants=[{"type": "Group", "uri": "http://acs.amazonaws.com/groups/global/AllUsers",
                                                                              "permissions": ["READ"]}])],
         [(B, "grants: an ACL grant to AllUsers opens the data beyond the mesh; leave ACLs off")]),
    Case("no-public-principals", "grant-to-own-canonical-user", [bucket(grants=[{"type": "CanonicalUser", "id": "abc", "permissions": ["FULL_CONTROL"]}])], []),
    # --- iam-permission-boundary-required: users too ---
    Case("iam-permission-boundary-required", "user-without-boundary", [res("aws:iam/user:User", "u", name="u", tags=TAGS)],
         [("u", "user 'u' has no permissionsBoundary; attach the domain's boundary policy")]),
]


def _unpinned(image):
    return [("w", f"container 'pipeline' uses image {image!r} without a version tag or digest; pin it (e.g. :1.4.2 or @sha256:...)")]


CASES += [
    Case("k8s-image-pinned", "tagged", [workload()], []),
    Case("k8s-image-pinned", "digest", [workload(image="registry.acme.example/x@sha256:" + "a" * 64)], []),
    Case("k8s-image-pinned", "registry-port-and-tag", [workload(image="registry.acme.example:5000/x:2.0")], []),
    Case("k8s-image-pinned", "no-tag", [workload(image="registry.acme.example/sales/orders")], _unpinned("registry.acme.example/sales/orders")),
    Case("k8s-image-pinned", "latest", [workload(image="registry.acme.example/sales/orders:latest")], _unpinned("registry.acme.example/sales/orders:latest")),
    Case("k8s-image-pinned", "registry-port-only", [workload(image="registry.acme.example:5000/x")], _unpinned("registry.acme.example:5000/x")),
    Case("k8s-image-pinned", "empty-tag", [workload(image="registry.acme.example/x:")], _unpinned("registry.acme.example/x:")),
]


CASES += [
    # cases that pin the remaining branches mutation testing found unguarded
    Case("iam-no-wildcard-actions", "pattern-with-exactly-three-hidden", [policy(allow(["kms:*Grant*"], KEY_ARN))],
         [("p", "policy: a statement allows 'kms:*Grant*', which expands to permission-management actions "
                "['kms:CreateGrant', 'kms:RetireGrant', 'kms:RevokeGrant']; list the actions the role needs")]),
    Case("iam-no-wildcard-actions", "every-statement-judged", [policy({"Effect": "Deny", "Action": "*", "Resource": "*"}, allow(["s3:GetObject"]),
                                                                      allow(["iam:*Policy*"], KEY_ARN), allow(["sqs:*"]))],
         [("p", "policy: a statement allows 'iam:*Policy*', which expands to permission-management actions "
                "['iam:AttachGroupPolicy', 'iam:AttachRolePolicy', 'iam:AttachUserPolicy'] ...; list the actions the role needs"),
          ("p", "policy: a statement allows wildcard actions ['sqs:*']; list the actions the role needs")]),
    Case("iam-no-wildcard-resource-writes", "every-statement-judged", [policy({"Effect": "Deny", "Action": "s3:PutObject", "Resource": "*"},
                                                                              allow(["s3:GetObject"], "*"), allow(["s3:PutObject"], "*"))],
         [("p", "policy: a statement allows write or permission actions ['s3:PutObject'] on Resource '*'; scope them to ARNs")]),
    Case("iam-permission-boundary-approved", "every-role-judged", [boundary_policy(), role(boundary=None, logical="first"), role(boundary=ADMIN)],
         [("producer", _unbounded("producer", ADMIN))]),
    Case("iam-permission-boundary-approved", "mesh-boundary-with-a-path", [
        res("aws:iam/policy:Policy", "boundary", name="dm-sales-boundary", path="/mesh/", arn=f"arn:aws:iam::{ACCOUNT}:policy/mesh/dm-sales-boundary",
            policy=doc(allow(["s3:GetObject"])), tags=TAGS),
        role(boundary=f"arn:aws:iam::{ACCOUNT}:policy/mesh/dm-sales-boundary")], []),
    Case("iam-permission-boundary-approved", "boundary-by-id", [
        res("aws:iam/policy:Policy", "boundary", name="dm-sales-boundary", id="ANPAEXAMPLE", policy=doc(allow(["s3:GetObject"])), tags=TAGS),
        role(boundary="ANPAEXAMPLE")], []),
    Case("no-public-principals", "service-star", [_public({"Service": "*"})],
         [("bp", "policy: a statement allows principal '*' (anyone); name the consumer roles instead")]),
    Case("no-public-principals", "wildcard-account", [_public({"AWS": "arn:aws:iam::*:root"})],
         [("bp", "policy: a statement allows principal 'arn:aws:iam::*:root' (anyone); name the consumer roles instead")]),
    Case("no-public-principals", "every-statement-judged", [bucket_policy(TLS_DENY, GRANT, {**GRANT, "Principal": "*"}, {**GRANT, "Principal": {"AWS": OUTSIDE}})],
         [("bp", "policy: a statement allows principal '*' (anyone); name the consumer roles instead"),
          ("bp", f"policy: a statement allows account 999999999999, outside the mesh accounts ['{ACCOUNT}']")], {"allowedAccountIds": [ACCOUNT]}),
    Case("no-public-principals", "every-acl-grant-judged", [res("aws:s3/bucketAclV2:BucketAclV2", "acl", bucket=B, accessControlPolicy={"grants": [
        {"grantee": {"type": "CanonicalUser", "id": "abc"}, "permission": "FULL_CONTROL"},
        {"grantee": {"type": "Group", "uri": "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"}, "permission": "READ"}]})],
         [("acl", "grants: an ACL grant to AuthenticatedUsers opens the data beyond the mesh; leave ACLs off")]),
]


CASES += [
    Case("iam-no-wildcard-actions", "single-character-wildcard", [policy(allow(["iam:PutRolePolic?"], f"arn:aws:iam::{ACCOUNT}:role/r"))],
         [("p", "policy: a statement allows 'iam:PutRolePolic?', which expands to permission-management actions "
                "['iam:PutRolePolicy']; list the actions the role needs")]),
]


def _metrics(condition: dict | None, tags: dict | None = TAGS, action: Any = "cloudwatch:PutMetricData", logical="p"):
    statement = allow([action] if isinstance(action, str) else action, "*", **({"Condition": condition} if condition is not None else {}))
    props = {"name": "p", "policy": doc(statement), **({"tags": tags} if tags is not None else {})}
    return res("aws:iam/policy:Policy", logical, **props)


def _unpinned(action="cloudwatch:PutMetricData"):
    return (f"policy: a statement allows {action!r} on Resource '*' without pinning cloudwatch:namespace with StringEquals to literal values; "
            "name the domain's own namespace (no wildcards or policy variables)")


def _foreign(namespaces):
    return (f"policy: a statement allows 'cloudwatch:PutMetricData' in namespaces {namespaces}, not domain sales's own 'dmesh/sales'; "
            "a domain reports only its own pipelines")


TOPIC_ARN = f"arn:aws:sns:eu-west-1:{ACCOUNT}:dm-sales-alerts"


def topic(logical="topic", tags=None, **props):
    return res("aws:sns/topic:Topic", logical, **{"name": "dm-sales-alerts", "arn": TOPIC_ARN, "kmsMasterKeyId": KEY_ARN, "tags": tags or TAGS, **props})


def alarm(logical="orders-s3-freshness", monitor="s3-freshness", product="orders", actions=(TOPIC_ARN,), deps=None, domain="sales"):
    tags = {**TAGS, "dmesh:domain": domain, "dmesh:product": product, "dmesh:monitor": monitor}
    return res("aws:cloudwatch/metricAlarm:MetricAlarm", logical, deps=deps, name=f"dm-{domain}-{product}-{monitor}",
               alarmActions=list(actions), tags=tags)


def sla_table(hours="24", product="orders"):
    return res("aws:glue/catalogTable:CatalogTable", f"{product}-table", protect=True, name=product, databaseName="dm_sales",
               parameters={"dmesh:domain": "sales", "dmesh:product": product, "dmesh:sla-freshness-hours": hours})


NO_FRESHNESS = ("product sales.orders promises data within 24 h but no freshness alarm (dmesh:monitor: s3-freshness or stream-freshness) "
                "watches it; keep the DomainStack's monitoring")


def _silent(names):
    return (f"the freshness alarms of sales.orders ({names}) do not notify a topic of domain sales; "
            "set their alarmActions to the domain's alert topic")


CASES += [
    # --- iam-no-wildcard-resource-writes: PutMetricData has no ARN; its namespace condition is its scope ---
    Case("iam-no-wildcard-resource-writes", "metrics-in-own-namespace", [_metrics({"StringEquals": {"cloudwatch:namespace": "dmesh/sales"}})], []),
    Case("iam-no-wildcard-resource-writes", "metrics-key-any-case", [_metrics({"StringEquals": {"CloudWatch:Namespace": ["dmesh/sales"]}})], []),
    Case("iam-no-wildcard-resource-writes", "metrics-unconditioned", [_metrics(None)], [("p", _unpinned())]),
    Case("iam-no-wildcard-resource-writes", "metrics-action-any-case", [_metrics(None, action="CloudWatch:putMetricData")],
         [("p", _unpinned("CloudWatch:putMetricData"))]),
    Case("iam-no-wildcard-resource-writes", "metrics-string-like", [_metrics({"StringLike": {"cloudwatch:namespace": "dmesh/*"}})], [("p", _unpinned())]),
    Case("iam-no-wildcard-resource-writes", "metrics-if-exists", [_metrics({"StringEqualsIfExists": {"cloudwatch:namespace": "dmesh/sales"}})],
         [("p", _unpinned())]),
    Case("iam-no-wildcard-resource-writes", "metrics-star-value", [_metrics({"StringEquals": {"cloudwatch:namespace": "dmesh/*"}})], [("p", _unpinned())]),
    Case("iam-no-wildcard-resource-writes", "metrics-question-mark", [_metrics({"StringEquals": {"cloudwatch:namespace": "dmesh/sale?"}})],
         [("p", _unpinned())]),
    Case("iam-no-wildcard-resource-writes", "metrics-policy-variable",
         [_metrics({"StringEquals": {"cloudwatch:namespace": "${aws:PrincipalTag/ns}"}})], [("p", _unpinned())]),
    Case("iam-no-wildcard-resource-writes", "metrics-other-key", [_metrics({"StringEquals": {"aws:RequestedRegion": "eu-west-1"}})], [("p", _unpinned())]),
    Case("iam-no-wildcard-resource-writes", "metrics-foreign-namespace", [_metrics({"StringEquals": {"cloudwatch:namespace": "dmesh/marketing"}})],
         [("p", _foreign(["dmesh/marketing"]))]),
    Case("iam-no-wildcard-resource-writes", "metrics-own-and-foreign",
         [_metrics({"StringEquals": {"cloudwatch:namespace": ["dmesh/sales", "AWS/S3"]}})], [("p", _foreign(["AWS/S3"]))]),
    # an untagged document names no domain: its namespace is pinned, and the (tagged) boundary caps it to the domain's own
    Case("iam-no-wildcard-resource-writes", "metrics-untagged-pinned", [_metrics({"StringEquals": {"cloudwatch:namespace": "dmesh/x"}}, tags=None)], []),
    Case("iam-no-wildcard-resource-writes", "metrics-beside-a-write", [_metrics({"StringEquals": {"cloudwatch:namespace": "dmesh/sales"}},
                                                                            action=["cloudwatch:PutMetricData", "s3:PutObject"])],
         [("p", "policy: a statement allows write or permission actions ['s3:PutObject'] on Resource '*'; scope them to ARNs")]),
    # --- sns-encrypted (resource) ---
    Case("sns-encrypted", "domain-key", [topic()], []),
    Case("sns-encrypted", "no-key", [topic(kmsMasterKeyId=None)],
         [("topic", "topic 'topic' is not encrypted; set kmsMasterKeyId to the domain key")]),
    Case("sns-encrypted", "empty-key", [topic(kmsMasterKeyId="")],
         [("topic", "topic 'topic' is not encrypted; set kmsMasterKeyId to the domain key")]),
    *[Case("sns-encrypted", f"aws-managed-{i}", [topic(kmsMasterKeyId=managed)],
           [("topic", "topic 'topic' uses the AWS managed key 'alias/aws/sns', whose policy CloudWatch alarms cannot use and the domain "
                      "does not control; set kmsMasterKeyId to the domain key")])
      for i, managed in enumerate(("alias/aws/sns", f"arn:aws:kms:eu-west-1:{ACCOUNT}:alias/aws/sns"))],
    Case("sns-encrypted", "not-a-topic", [res("aws:sqs/queue:Queue", "q")], []),
    # --- sla-monitored (stack) ---
    Case("sla-monitored", "wired", [sla_table(), topic(), alarm()], []),
    Case("sla-monitored", "stream-freshness-counts", [sla_table(), topic(), alarm(monitor="stream-freshness")], []),
    Case("sla-monitored", "wired-by-dependency", [sla_table(), topic(arn=None), alarm(actions=["unknown"], deps={"alarmActions": [topic().urn]})], []),
    Case("sla-monitored", "no-sla", [sla_table(hours=""), topic()], []),
    Case("sla-monitored", "no-alarm", [sla_table(), topic()], [("orders-table", NO_FRESHNESS)]),
    Case("sla-monitored", "only-pipeline-alarms", [sla_table(), topic(), alarm("f", monitor="pipeline-failed"), alarm("m", monitor="pipeline-missed")],
         [("orders-table", NO_FRESHNESS)]),
    Case("sla-monitored", "another-products-alarm", [sla_table(), topic(), alarm(product="customers")], [("orders-table", NO_FRESHNESS)]),
    Case("sla-monitored", "another-domains-alarm", [sla_table(), topic(), alarm(domain="marketing")], [("orders-table", NO_FRESHNESS)]),
    Case("sla-monitored", "notifies-nobody", [sla_table(), topic(), alarm(actions=())], [("orders-table", _silent("'orders-s3-freshness'"))]),
    Case("sla-monitored", "no-topic", [sla_table(), alarm()], [("orders-table", _silent("'orders-s3-freshness'"))]),
    Case("sla-monitored", "another-domains-topic", [sla_table(), topic(tags={**TAGS, "dmesh:domain": "marketing"}), alarm()],
         [("orders-table", _silent("'orders-s3-freshness'"))]),
    Case("sla-monitored", "every-product-judged", [sla_table(), sla_table(product="customers"), topic(), alarm()],
         [("customers-table", "product sales.customers promises data within 24 h but no freshness alarm (dmesh:monitor: s3-freshness or "
                              "stream-freshness) watches it; keep the DomainStack's monitoring")]),
]
