"""Adapts the rule book to `pulumi_policy`: the only place that knows the policy SDK."""

from __future__ import annotations

from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    PolicyPack,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)

from . import convert_once
from .config import PlatformConfig, load_platform_config
from .documents import access_levels
from .resources import ResourceView
from .rule import Rule
from .rulebook import RULES

PACK_NAME = "dmesh-governance"


def _view(resource: Any) -> ResourceView:
    deps = getattr(resource, "property_dependencies", None) or {}
    return ResourceView(
        type=resource.resource_type,
        name=resource.name,
        urn=resource.urn,
        props=resource.props,
        protect=bool(resource.opts.protect) if getattr(resource, "opts", None) else False,
        property_dependencies={k: tuple(d.urn for d in v) for k, v in deps.items()},
    )


def _schema(rule: Rule) -> PolicyConfigSchema | None:
    return PolicyConfigSchema(dict(rule.config_schema)) if rule.config_schema else None


def _resource_policy(rule: Rule, level: str) -> ResourceValidationPolicy:
    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        for message in rule.check(_view(args), rule.settings(args.get_config())):  # type: ignore[arg-type]
            report_violation(message, None)

    return ResourceValidationPolicy(rule.name, rule.description, validate, EnforcementLevel(level), config_schema=_schema(rule),
                                    severity=Severity(rule.severity), tags=list(rule.topics))


def _stack_policy(rule: Rule, level: str) -> StackValidationPolicy:
    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        views = [_view(r) for r in args.resources]
        for urn, message in rule.check(views, rule.settings(args.get_config())):  # type: ignore[arg-type]
            report_violation(message, urn)

    return StackValidationPolicy(rule.name, rule.description, validate, EnforcementLevel(level), config_schema=_schema(rule),
                                 severity=Severity(rule.severity), tags=list(rule.topics))


def build_policies(config: PlatformConfig) -> list[ResourceValidationPolicy | StackValidationPolicy]:
    """One policy per rule, advertised at its mesh-wide level (the resolved rule book's)."""
    return [(_resource_policy if rule.scope == "resource" else _stack_policy)(rule, config[rule.name]["enforcementLevel"]) for rule in RULES]


def initial_config(config: PlatformConfig) -> dict[str, dict[str, Any]]:
    """The platform's mesh-wide config, so `--policy-pack platform/policy_pack` alone enforces it."""
    return {name: {**entry, "enforcementLevel": EnforcementLevel(entry["enforcementLevel"])} for name, entry in config.items()}


def warm() -> None:
    """Load, before serving, what the rules otherwise load on the first resources they judge: the AWS SDK modules
    the tag rule reads classes from, and parliament's copy of the service authorization reference. About a second,
    paid while the engine (or `dmesh preview`, whose judging process loads while the mesh is validated) has other
    work, instead of on the first judged stack's critical path."""
    from components.providers import AWS_MODULES, load_provider_modules

    load_provider_modules(AWS_MODULES)
    access_levels("s3:GetObject")


def _pack_arguments(config: PlatformConfig) -> dict[str, Any]:
    return {"name": PACK_NAME, "policies": build_policies(config), "enforcement_level": EnforcementLevel.MANDATORY,
            "initial_config": initial_config(config), "description": "Federated computational governance for the data mesh"}


def prepare_process() -> None:
    """What a process that judges with the pack does first, served (`serve`) or asked in process (`review/judge.py`)."""
    warm()
    convert_once.install()


def serve() -> None:
    """Start the analyzer server (prints its port, blocks): what `python platform/policy_pack` does."""
    config = load_platform_config()
    prepare_process()
    PolicyPack(**_pack_arguments(config))


def analyzer_servicer(config: PlatformConfig) -> Any:
    """pulumi_policy's analyzer for this pack, built as `PolicyPack` builds it in `serve()`, without the gRPC server.

    `dmesh preview` asks it directly: a gRPC round trip cost twice what the policies themselves take. The class is
    pulumi_policy's own (private in 1.x); tests/dmesh/review/test_judge.py holds its answers to the served pack's.
    """
    from pulumi_policy.policy import _PolicyAnalyzerServicer

    arguments = _pack_arguments(config)
    version = "0.0.1"  # what PolicyPack reports (the CLI uses PulumiPolicy.yaml's)
    return _PolicyAnalyzerServicer(arguments["name"], version, arguments["policies"], arguments["enforcement_level"],
                                   arguments["initial_config"], arguments["description"])
