"""The smallest IAM policy evaluator that covers the statements the components generate.

Why write one: parliament lints and expands actions, policyuniverse parses, iam-ape folds identity
policies and boundaries but evaluates neither resource policies nor conditions; none answers "may
this role do this action on this resource, given the bucket policy, the key policy and the
boundary". This module follows AWS's documented same-account evaluation logic:

1. an explicit Deny in any applicable policy denies;
2. a resource-based policy that names the principal itself allows (an account principal such as
   `arn:aws:iam::<acct>:root` only delegates to the account's identity policies);
3. a permissions boundary that does not allow the action denies;
4. an identity-based policy that allows, allows; otherwise the request is implicitly denied.
For KMS the key policy must also apply (directly, or by delegating to IAM through the account).

Supported: Action/NotAction, Resource/NotResource with * and ? wildcards, Principal (*, account,
role ARN), and the condition operators String(Not)Equals, String(Not)Like, Arn(Not)Equals,
Arn(Not)Like, Bool, with ForAnyValue:/ForAllValues: and IfExists. Anything else raises.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

Decision = Literal["allow", "deny", "implicit"]


class UnsupportedPolicy(ValueError):
    pass


@dataclass(frozen=True)
class Request:
    principal: str
    action: str
    resource: str
    context: Mapping[str, str | Sequence[str]] = field(default_factory=dict)

    def value(self, key: str) -> list[str] | None:
        if key == "aws:PrincipalArn":
            return [self.principal]
        found = {k.lower(): v for k, v in self.context.items()}.get(key.lower())
        if found is None:
            return None
        return [found] if isinstance(found, str) else list(found)


@cache
def _glob(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(f"^{regex}$", re.IGNORECASE if ignore_case else 0)


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def _like(pattern: str, value: str, ignore_case: bool = False) -> bool:
    return bool(_glob(pattern, ignore_case).match(value))


def _account_of(arn: str) -> str:
    parts = arn.split(":")
    return parts[4] if len(parts) > 4 else ""


OPERATORS = {
    "StringEquals": (lambda p, v: p == v, False),
    "StringNotEquals": (lambda p, v: p == v, True),
    "StringLike": (lambda p, v: _like(p, v), False),
    "StringNotLike": (lambda p, v: _like(p, v), True),
    "ArnEquals": (lambda p, v: _like(p, v), False),
    "ArnLike": (lambda p, v: _like(p, v), False),
    "ArnNotEquals": (lambda p, v: _like(p, v), True),
    "ArnNotLike": (lambda p, v: _like(p, v), True),
    "Bool": (lambda p, v: p.lower() == v.lower(), False),
}


def _condition_holds(operator: str, key: str, expected: list[str], request: Request) -> bool:
    qualifier, _, base = operator.rpartition(":")
    if_exists = base.endswith("IfExists")
    base = base.removesuffix("IfExists")
    if base not in OPERATORS or qualifier not in ("", "ForAnyValue", "ForAllValues"):
        raise UnsupportedPolicy(f"condition operator {operator!r} is not supported by this evaluator")
    match, negated = OPERATORS[base]
    values = request.value(key)
    if values is None:
        return if_exists or negated or qualifier == "ForAllValues"
    if qualifier == "ForAllValues":
        return all(any(match(p, v) for p in expected) != negated for v in values)
    hit = any(match(p, v) for p in expected for v in values)
    return not hit if negated else hit


def conditions_hold(condition: Mapping[str, Mapping[str, Any]], request: Request) -> bool:
    return all(_condition_holds(op, key, _as_list(expected), request) for op, block in condition.items() for key, expected in block.items())


def _principal_match(principal: Any, request: Request) -> Literal["direct", "account", None]:
    if principal == "*":
        return "direct"
    if not isinstance(principal, Mapping):
        return None
    for value in _as_list(principal.get("AWS")):
        if value == "*" or value == request.principal:
            return "direct"
        account = _account_of(request.principal)
        if value in (account, f"arn:aws:iam::{account}:root"):
            return "account"
    return None


def _statement_applies(statement: Mapping[str, Any], request: Request) -> bool:
    if "NotAction" in statement:
        if any(_like(a, request.action, ignore_case=True) for a in _as_list(statement["NotAction"])):
            return False
    elif not any(_like(a, request.action, ignore_case=True) for a in _as_list(statement.get("Action"))):
        return False
    if "NotResource" in statement:
        if any(_like(r, request.resource) for r in _as_list(statement["NotResource"])):
            return False
    elif not any(_like(r, request.resource) for r in _as_list(statement.get("Resource"))):
        return False
    return conditions_hold(statement.get("Condition") or {}, request)


def _statements(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    raw = document.get("Statement", [])
    return [raw] if isinstance(raw, Mapping) else list(raw)


def evaluate(document: Mapping[str, Any] | None, request: Request, *, resource_policy: bool = False) -> tuple[Decision, bool]:
    """Decision of one policy, and whether an Allow named the principal itself (resource policies)."""
    if document is None:
        return "implicit", False
    allowed, direct = False, False
    for statement in _statements(document):
        how = _principal_match(statement.get("Principal"), request) if resource_policy else "direct"
        if how is None or not _statement_applies(statement, request):
            continue
        if statement.get("Effect") == "Deny":
            return "deny", False
        if statement.get("Effect") == "Allow":
            allowed = True
            direct = direct or how == "direct"
    return ("allow" if allowed else "implicit"), direct


def effective(request: Request, *, identity: Sequence[Mapping[str, Any]] = (), boundary: Mapping[str, Any] | None = None,
              resource: Mapping[str, Any] | None = None, key_policy: bool = False) -> Decision:
    """Same-account decision for a role session, following the steps in the module docstring."""
    identity_results = [evaluate(doc, request)[0] for doc in identity]
    boundary_result = evaluate(boundary, request)[0] if boundary is not None else "allow"
    resource_result, resource_direct = evaluate(resource, request, resource_policy=True)
    if "deny" in (*identity_results, boundary_result, resource_result):
        return "deny"
    if key_policy and resource_result != "allow":
        return "implicit"  # a KMS key policy must apply, directly or by delegating to IAM
    if resource_result == "allow" and resource_direct:
        return "allow"
    if boundary_result != "allow":
        return "implicit"
    return "allow" if "allow" in identity_results else "implicit"
