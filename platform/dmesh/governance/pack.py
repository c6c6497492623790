"""Adapts the rule book to `pulumi_policy`: the only place that knows the policy SDK."""

from __future__ import annotations

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    PolicyPack,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

from .catalog import RULES, Rule
from .config import load_platform_config
from .resources import ResourceView

PACK_NAME = "dmesh-governance"
LEVELS = {"mandatory": EnforcementLevel.MANDATORY, "advisory": EnforcementLevel.ADVISORY, "disabled": EnforcementLevel.DISABLED}


def _view(resource) -> ResourceView:
    deps = getattr(resource, "property_dependencies", None) or {}
    return ResourceView(
        type=resource.resource_type,
        name=resource.name,
        urn=resource.urn,
        props=resource.props,
        protect=bool(resource.opts.protect) if getattr(resource, "opts", None) else False,
        property_dependencies={k: tuple(d.urn for d in v) for k, v in deps.items()},
    )


def _resource_policy(rule: Rule) -> ResourceValidationPolicy:
    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        for message in rule.check(_view(args), rule.settings(args.get_config())):  # type: ignore[arg-type]
            report_violation(message)

    return ResourceValidationPolicy(rule.name, rule.description, validate, LEVELS[rule.level],
                                    config_schema=PolicyConfigSchema(dict(rule.config_schema)) if rule.config_schema else None)


def _stack_policy(rule: Rule) -> StackValidationPolicy:
    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        views = [_view(r) for r in args.resources]
        for urn, message in rule.check(views, rule.settings(args.get_config())):  # type: ignore[arg-type]
            report_violation(message, urn)

    return StackValidationPolicy(rule.name, rule.description, validate, LEVELS[rule.level],
                                 config_schema=PolicyConfigSchema(dict(rule.config_schema)) if rule.config_schema else None)


def build_policies() -> list:
    return [_resource_policy(r) if r.scope == "resource" else _stack_policy(r) for r in RULES]


def initial_config() -> dict:
    """The platform's mesh-wide config, so `--policy-pack platform/policy_pack` alone enforces it."""
    return {
        name: {**entry, "enforcementLevel": LEVELS.get(entry["enforcementLevel"], EnforcementLevel.MANDATORY)}
        for name, entry in load_platform_config().items()
    }


def serve() -> None:
    """Start the analyzer server (prints its port, blocks): what `python platform/policy_pack` does."""
    PolicyPack(name=PACK_NAME, policies=build_policies(), enforcement_level=EnforcementLevel.MANDATORY,
               initial_config=initial_config(), description="Federated computational governance for the data mesh")
