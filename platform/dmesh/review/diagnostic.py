"""One answer of the policy pack about one resource (or the stack): plain data, free of gRPC and the SDK."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Diagnostic:
    policy: str
    enforcement: str
    urn: str
    message: str
