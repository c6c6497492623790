"""The cross-domain access matrix: what the blueprints say, against what AWS would decide.

Expectations come from the blueprints only (inputs, grants, ownership); decisions come from the
applied policies. Two sides, as AWS's same-account rule needs both:

* identity side: moto with IAM enforcement assumes each role and calls S3 for real (moto evaluates
  identity policies, not bucket or key policies nor boundaries);
* resource side: `policy_eval` judges the bucket policies, key policies and permission boundaries,
  and the combined decision of all of them.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pytest
from botocore.exceptions import ClientError

from blueprints import DomainSpec, ProductRef, naming
from components.testing import Registration
from harness import ACCOUNT, REGION
from policy_eval import Request, effective, evaluate

READ, LIST, WRITE, DELETE = "s3:GetObject", "s3:ListBucket", "s3:PutObject", "s3:DeleteObject"


@dataclass(frozen=True)
class Check:
    side: str
    principal: str
    action: str
    resource: str
    expected: bool
    actual: bool

    @property
    def ok(self) -> bool:
        return self.expected == self.actual

    def describe(self) -> str:
        verdict = "allowed" if self.actual else "denied"
        return f"[{self.side}] {self.principal.rsplit('/', 1)[-1]} {self.action} {self.resource}: {verdict}, expected {'allow' if self.expected else 'deny'}"


def summarize(checks: Iterable[Check]) -> dict[str, dict[str, int]]:
    table: dict[str, Counter] = {}
    for c in checks:
        row = table.setdefault(c.side, Counter())
        row["tried"] += 1
        row["allowed" if c.actual else "denied"] += 1
        row["mismatches"] += not c.ok
    return {side: dict(row) for side, row in table.items()}


def _role(domain: str, kind: str) -> str:
    return naming.role_arn(ACCOUNT, domain, kind)


def s3_products(specs: dict[str, DomainSpec]) -> list[tuple[DomainSpec, str]]:
    return [(spec, p.name) for spec in specs.values() for p in spec.products if p.s3]


def expected(specs: dict[str, DomainSpec], domain: str, kind: str, producer: DomainSpec, product: str, action: str) -> bool:
    """What the blueprints allow: consumers read declared inputs only; producers read and write their own products only."""
    own = domain == producer.name
    if kind == "producer":
        return own
    if action in (WRITE, DELETE):
        return False
    return ProductRef(producer.name, product) in {ref for p in specs[domain].products for ref in p.inputs}


def _documents(registrations: Iterable[Registration], type_suffix: str, by: str) -> dict[str, dict]:
    """Policy documents of one resource type, keyed by the physical name they concern (never by logical names)."""
    return {r.inputs[by]: json.loads(r.inputs["policy"]) for r in registrations if r.type.endswith(type_suffix)}


def resource_side(specs: dict[str, DomainSpec], captured: dict[str, list[Registration]]) -> list[Check]:
    """Bucket policies, key policies and boundaries, each against the blueprints, then all of them combined."""
    bucket_policies = {name: doc for regs in captured.values() for name, doc in _documents(regs, "s3/bucketPolicy:BucketPolicy", "bucket").items()}
    key_policies = {d: next(json.loads(r.inputs["policy"]) for r in regs if r.type == "aws:kms/key:Key") for d, regs in captured.items()}
    checks: list[Check] = []
    for domain in specs:
        boundary = _documents(captured[domain], "iam/policy:Policy", "name")[naming.boundary_name(domain)]
        role_policies = _documents(captured[domain], "iam/rolePolicy:RolePolicy", "role")
        for kind in ("consumer", "producer"):
            principal = _role(domain, kind)
            identity = [role_policies[n]] if (n := naming.role_name(domain, kind)) in role_policies else []
            for producer, product in s3_products(specs):
                bucket, prefix = naming.bucket_name(producer.name, product), naming.product_prefix(product)
                bucket_policy = bucket_policies[bucket]
                granted = domain in producer.product(product).grants
                own = domain == producer.name
                tls = {"aws:SecureTransport": "true"}
                requests = {
                    READ: Request(principal, READ, f"arn:aws:s3:::{bucket}/{prefix}part-0000", tls),
                    LIST: Request(principal, LIST, f"arn:aws:s3:::{bucket}", {**tls, "s3:prefix": prefix}),
                    WRITE: Request(principal, WRITE, f"arn:aws:s3:::{bucket}/{prefix}part-0001", tls),
                    DELETE: Request(principal, DELETE, f"arn:aws:s3:::{bucket}/{prefix}part-0001", tls),
                }
                for action, request in requests.items():
                    reading = action in (READ, LIST)
                    # the producer's bucket policy admits exactly the granted consumer domains, for reads only
                    admits = evaluate(bucket_policy, request, resource_policy=True)[0] == "allow"
                    checks.append(Check("bucket-policy", principal, action, request.resource, kind == "consumer" and granted and reading, admits))
                    # the boundary caps the domain's roles at its own products plus its declared inputs
                    in_bounds = evaluate(boundary, request)[0] == "allow"
                    declared = expected(specs, domain, "consumer", producer, product, READ)
                    checks.append(Check("boundary", principal, action, request.resource, own or (reading and declared), in_bounds))
                    decision = effective(request, identity=identity, boundary=boundary, resource=bucket_policy) == "allow"
                    checks.append(Check("combined", principal, action, request.resource,
                                        expected(specs, domain, kind, producer, product, action), decision))
            # SSE-KMS reads need the producer's key: decrypt through S3 for granted consumers and the domain's own roles only
            for producer in specs.values():
                decrypt = Request(principal, "kms:Decrypt", f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{producer.name}",
                                  {"kms:ViaService": f"s3.{REGION}.amazonaws.com", "kms:ResourceAliases": [naming.key_alias(producer.name)]})
                admits_key = evaluate(key_policies[producer.name], decrypt, resource_policy=True)[0] == "allow"
                any_grant = any(domain in p.grants for p in producer.products)
                checks.append(Check("key-policy", principal, "kms:Decrypt", naming.key_alias(producer.name),
                                    domain == producer.name or (kind == "consumer" and any_grant), admits_key))
    return checks


def identity_side(specs: dict[str, DomainSpec], clients_for: Callable[[str], Callable[[str], object]]) -> list[Check]:
    """Each role, through moto with IAM enforcement: read, list, write and delete on every product.

    `clients_for(role_arn)` returns a boto3 client factory using that role's assumed-role credentials.
    Reads are tried before writes so a permitted delete cannot hide a later read.
    """
    checks: list[Check] = []
    plan = [(domain, kind) for domain in specs for kind in ("consumer", "producer")]
    for phase in ((READ, LIST), (WRITE, DELETE)):
        for domain, kind in plan:
            principal = _role(domain, kind)
            s3 = clients_for(principal)("s3")
            for producer, product in s3_products(specs):
                bucket, prefix = naming.bucket_name(producer.name, product), naming.product_prefix(product)
                probe = f"{prefix}probe-{domain}-{kind}.json"
                calls = {
                    READ: (lambda: s3.get_object(Bucket=bucket, Key=f"{prefix}part-0000.json"), f"arn:aws:s3:::{bucket}/{prefix}part-0000.json"),
                    LIST: (lambda: s3.list_objects_v2(Bucket=bucket, Prefix=prefix), f"arn:aws:s3:::{bucket}"),
                    WRITE: (lambda: s3.put_object(Bucket=bucket, Key=probe, Body=b"{}"), f"arn:aws:s3:::{bucket}/{probe}"),
                    DELETE: (lambda: s3.delete_object(Bucket=bucket, Key=probe), f"arn:aws:s3:::{bucket}/{probe}"),
                }
                for action in phase:
                    call, resource = calls[action]
                    try:
                        call()
                        allowed = True
                    except ClientError as exc:
                        if exc.response["Error"]["Code"] not in ("AccessDenied", "403"):
                            raise
                        allowed = False
                    checks.append(Check("identity", principal, action, resource, expected(specs, domain, kind, producer, product, action), allowed))
    return checks


MATRIX_KEY = pytest.StashKey[list[Check]]()


def record(config: pytest.Config, checks: list[Check]) -> None:
    config.stash.setdefault(MATRIX_KEY, []).extend(checks)
