"""Reusable Pulumi components that turn a DomainSpec into the domain's infrastructure.

The exports load on first use (PEP 562): `components.tagging` or `components.testing.registration` can then be
imported by a process that never builds a resource (the review's parent) without paying for the provider SDKs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .domain import DomainStack, DomainStackArgs, deploy_domain

__all__ = ["DomainStack", "DomainStackArgs", "deploy_domain"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import domain

        return getattr(domain, name)
    raise AttributeError(f"module 'components' has no attribute {name!r}")
