"""No resource policy, trust policy, grant, permission or ACL may admit the world or an account outside the mesh."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from .documents import PRINCIPAL_DOCUMENT_TYPES, documents_of, statements
from .resources import ResourceView, is_sequence
from .rule import Rule

ACCOUNT_IN_ARN = re.compile(r"^arn:aws[a-z-]*:(iam|sts)::([0-9]{12}):")
# Resources that name a principal in a property rather than in a policy document.
PRINCIPAL_PROPS: dict[str, tuple[str, ...]] = {
    "aws:lambda/permission:Permission": ("principal",),
    "aws:lambda/layerVersionPermission:LayerVersionPermission": ("principal",),
    "aws:cloudwatch/eventPermission:EventPermission": ("principal",),
    "aws:kms/grant:Grant": ("granteePrincipal", "retiringPrincipal"),
    "aws:lakeformation/permissions:Permissions": ("principal",),
}
SERVICE_PRINCIPAL = re.compile(r"^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$")
# S3 ACLs: canned ACLs and grantee groups that reach beyond the bucket owner's account
PUBLIC_CANNED_ACLS = frozenset({"public-read", "public-read-write", "authenticated-read"})
PUBLIC_GRANTEES = ("http://acs.amazonaws.com/groups/global/AllUsers", "http://acs.amazonaws.com/groups/global/AuthenticatedUsers")
ACL_TYPES = frozenset({
    "aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2", "aws:s3/bucketAcl:BucketAcl", "aws:s3/bucketAclV2:BucketAclV2",
    "aws:s3/bucketObject:BucketObject", "aws:s3/bucketObjectv2:BucketObjectv2", "aws:s3/objectCopy:ObjectCopy",
})


def _values(value: Any) -> list[str]:
    """A principal field as strings; an account written as a JSON number is still an account."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return [f"{int(value):012d}"]
    return [v for item in value for v in _values(item)] if is_sequence(value) else []


def _principals(principal: Any) -> list[tuple[str, str]]:
    """(kind, value) of a statement's Principal; `*` alone is ("*", "*")."""
    if principal == "*":
        return [("*", "*")]
    if isinstance(principal, Mapping):
        return [(str(kind), v) for kind, value in principal.items() for v in _values(value)]
    return [("AWS", v) for v in _values(principal)]


def _account_of(principal: str) -> str | None:
    if re.fullmatch(r"[0-9]{12}", principal):
        return principal
    match = ACCOUNT_IN_ARN.match(principal)
    return match.group(2) if match else None


def _judge(where: str, kind: str, principal: str, allowed: set[str]) -> Iterator[str]:
    if principal == "*" or (kind != "Service" and "*" in principal):
        yield f"{where} allows principal {principal!r} (anyone); name the consumer roles instead"
    elif kind == "Service":
        if not SERVICE_PRINCIPAL.fullmatch(principal):
            yield f"{where} allows service principal {principal!r}, which is not an AWS service"
    else:
        account = _account_of(principal)
        if account is None:
            yield f"{where} allows principal {principal!r}, which is not an IAM ARN of a mesh account"
        elif allowed and account not in allowed:
            yield f"{where} allows account {account}, outside the mesh accounts {sorted(allowed)}"


def _acl_findings(resource: ResourceView) -> Iterator[str]:
    canned = resource.props.get("acl")
    if isinstance(canned, str) and canned in PUBLIC_CANNED_ACLS:
        yield f"acl: the canned ACL {canned!r} opens the data beyond the mesh; leave ACLs off (ownership is BucketOwnerEnforced)"
    grants = resource.props.get("grants") or resource.get("accessControlPolicy", "grants") or []
    for grant in grants if is_sequence(grants) else []:
        grantee = grant.get("grantee", grant) if isinstance(grant, Mapping) else {}
        uri = str(grantee.get("uri") or "") if isinstance(grantee, Mapping) else ""
        if uri in PUBLIC_GRANTEES:
            yield f"grants: an ACL grant to {uri.rsplit('/', 1)[-1]} opens the data beyond the mesh; leave ACLs off"


def no_public_principals(resource: ResourceView, config: Mapping[str, Any]) -> Iterator[str]:
    allowed = {str(a) for a in config.get("allowedAccountIds", [])}
    if resource.type in PRINCIPAL_DOCUMENT_TYPES:
        for prop, document in documents_of(resource):
            if prop.startswith("inlinePolicies"):
                continue
            for s in statements(document):
                if s.effect != "Allow":
                    continue
                if s.not_principal is not None:
                    yield f"{prop}: {s.label} allows NotPrincipal, which admits everyone but the principals it names; name the principals"
                for kind, principal in _principals(s.principal):
                    yield from _judge(f"{prop}: {s.label}", kind, principal, allowed)
    for prop in PRINCIPAL_PROPS.get(resource.type, ()):
        for principal in _values(resource.props.get(prop)):
            kind = "Service" if SERVICE_PRINCIPAL.fullmatch(principal) else "AWS"
            yield from _judge(prop, kind, principal, allowed)
    if resource.type in ACL_TYPES:
        yield from _acl_findings(resource)


RULES = (
    Rule("no-public-principals", "No resource or trust policy, grant, permission or ACL admits everyone or an account outside the mesh.",
         "mandatory", "resource", no_public_principals, "critical", ("iam", "access"),
         {"allowedAccountIds": {"type": "array", "items": {"type": "string", "pattern": "^[0-9]{12}$"}, "default": []}}),
)
