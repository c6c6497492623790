"""Reusable Pulumi components that turn a DomainSpec into the domain's infrastructure."""

from .domain import DomainStack, deploy_domain

__all__ = ["DomainStack", "deploy_domain"]
