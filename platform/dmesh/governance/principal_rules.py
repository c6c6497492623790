"""No resource policy may admit the world or an account outside the mesh."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from .documents import RESOURCE_POLICY_TYPES, documents_of, statements
from .rule import Rule
from .resources import ResourceView

ACCOUNT_IN_ARN = re.compile(r"^arn:aws[a-z-]*:(iam|sts)::(\d{12}):")


def _aws_principals(principal: Any) -> list[str]:
    if principal == "*":
        return ["*"]
    if isinstance(principal, Mapping):
        value = principal.get("AWS", [])
        return [value] if isinstance(value, str) else [str(v) for v in value]
    return []


def _account_of(principal: str) -> str | None:
    if re.fullmatch(r"\d{12}", principal):
        return principal
    match = ACCOUNT_IN_ARN.match(principal)
    return match.group(2) if match else None


def no_public_principals(resource: ResourceView, config: Mapping[str, Any]) -> Iterator[str]:
    if resource.type not in RESOURCE_POLICY_TYPES:
        return
    allowed = {str(a) for a in config.get("allowedAccountIds", [])}
    for prop, document in documents_of(resource):
        for s in statements(document):
            if s.effect != "Allow":
                continue
            for principal in _aws_principals(s.principal):
                if principal == "*":
                    yield f"{prop}: {s.label} allows principal '*' (anyone); name the consumer roles instead"
                    continue
                account = _account_of(principal)
                if account is None:
                    yield f"{prop}: {s.label} allows principal {principal!r}, which is not an IAM ARN of a mesh account"
                elif allowed and account not in allowed:
                    yield f"{prop}: {s.label} allows account {account}, outside the mesh accounts {sorted(allowed)}"


RULES = (
    Rule("no-public-principals", "No bucket, key or stream policy admits '*' or an account outside the mesh.",
         "mandatory", "resource", no_public_principals, "critical", ("iam", "access")),
)
