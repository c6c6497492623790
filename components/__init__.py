"""Reusable Pulumi components that turn a DomainSpec into the domain's infrastructure."""

from .domain import DomainStack, DomainStackArgs, deploy_domain

__all__ = ["DomainStack", "DomainStackArgs", "deploy_domain"]
