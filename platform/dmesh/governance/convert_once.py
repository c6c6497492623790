"""Convert each resource's properties from protobuf once per request, not once per policy.

pulumi_policy's analyzer (1.x) turns a resource's `properties` Struct into a dict (`json_format.MessageToDict`, then
`deserialize_properties`) inside its loop over policies: 16 resource policies convert every resource 16 times in
`Analyze`, and 8 stack policies convert every resource of the stack 8 times in `AnalyzeStack`. The conversion is pure
Python and was half of the pack's own time per resource.

While one of those calls runs, each of the two returns what it returned first for the same object (upb hands out one
Python object per submessage) and converts anything else as before. No policy ever sees a shared container:
pulumi_policy hands the result to `unknown_checking_proxy`, which builds new dicts and lists for each policy, so
every policy still gets its own copy. The memo lives per thread and per call: nothing outlives the request it was made for. Should a later
pulumi_policy stop calling these names, the pack is exactly as slow as before, never wrong;
tests/dmesh/governance/test_convert_once.py checks both the responses and that the memo is in use.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import wraps
from types import ModuleType
from typing import Any

_local = threading.local()


def _memoized(convert: Callable[..., Any]) -> Callable[..., Any]:
    """`convert` remembering, within a call, what it returned for each object it was given (held, so its id is not reused)."""

    @wraps(convert)
    def once(value: Any, *args: Any, **kwargs: Any) -> Any:
        memo: dict[tuple[str, int], tuple[Any, Any]] | None = getattr(_local, "memo", None)
        if memo is None or args or kwargs:
            return convert(value, *args, **kwargs)
        key = (convert.__name__, id(value))
        hit = memo.get(key)
        if hit is not None and hit[0] is value:
            return hit[1]
        converted = convert(value)
        memo[key] = (value, converted)
        return converted

    once.__dmesh_convert_once__ = True  # type: ignore[attr-defined]
    return once


class _MemoizingJsonFormat:
    """`json_format` as pulumi_policy's module sees it: `MessageToDict` memoized within a call, the rest untouched."""

    def __init__(self, module: ModuleType) -> None:
        self._module = module
        self.MessageToDict = _memoized(module.MessageToDict)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._module, name)


def _per_call(method: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(method)
    def call(self: Any, request: Any, context: Any) -> Any:
        _local.memo = {}
        try:
            return method(self, request, context)
        finally:
            _local.memo = None

    call.__dmesh_convert_once__ = True  # type: ignore[attr-defined]
    return call


def install() -> None:
    """Patch pulumi_policy's analyzer in this process (the pack's own); calling it again changes nothing."""
    from pulumi_policy import policy

    servicer = policy._PolicyAnalyzerServicer
    for name in ("Analyze", "AnalyzeStack"):
        method = getattr(servicer, name)
        if not getattr(method, "__dmesh_convert_once__", False):
            setattr(servicer, name, _per_call(method))
    if not isinstance(policy.json_format, _MemoizingJsonFormat):
        policy.json_format = _MemoizingJsonFormat(policy.json_format)
    if not getattr(policy.deserialize_properties, "__dmesh_convert_once__", False):
        policy.deserialize_properties = _memoized(policy.deserialize_properties)
