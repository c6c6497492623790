"""The pack's assembly, in process: each rule becomes one policy at its resolved level, with its metadata and settings."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, Severity, StackValidationPolicy

from dmesh.governance.config import load_platform_config
from dmesh.governance.pack import _view, build_policies, initial_config
from dmesh.governance.rulebook import RULES
from rulecases import LEVELS, TLS_DENY, bucket_policy, complete_bucket, pab

PLATFORM = load_platform_config()


def engine_resource(reg, protect=None):
    """What pulumi_policy hands a policy: its own args objects (duck-typed here)."""
    deps = {k: [SimpleNamespace(urn=u) for u in v] for k, v in reg.property_dependencies.items()}
    return SimpleNamespace(resource_type=reg.type, name=reg.name, urn=reg.urn, props=reg.inputs, opts=SimpleNamespace(protect=reg.protect),
                           property_dependencies=deps)


def test_one_policy_per_rule_at_the_resolved_level_with_metadata():
    config = {**PLATFORM, "s3-tls-only": {**PLATFORM["s3-tls-only"], "enforcementLevel": "mandatory"}}
    policies = {p.name: p for p in build_policies(config)}
    assert list(policies) == [r.name for r in RULES]
    for rule in RULES:
        policy = policies[rule.name]
        assert isinstance(policy, ResourceValidationPolicy if rule.scope == "resource" else StackValidationPolicy)
        assert policy.description == rule.description
        assert policy.enforcement_level == EnforcementLevel("mandatory" if rule.name == "s3-tls-only" else LEVELS[rule.name])
        assert policy.severity == Severity(rule.severity) and policy.tags == list(rule.topics)
        assert (policy.config_schema.properties if policy.config_schema else {}) == dict(rule.config_schema)


def test_initial_config_carries_levels_as_the_sdk_wants_them_and_every_setting():
    initial = initial_config(PLATFORM)
    assert initial["s3-tls-only"]["enforcementLevel"] is EnforcementLevel.ADVISORY
    assert initial["no-public-principals"] == {"allowedAccountIds": ["123456789012"], "enforcementLevel": EnforcementLevel.MANDATORY}
    assert initial["retention-within-limit"]["maxDays"] == {"public": 3650, "internal": 3650, "confidential": 2555, "restricted": 365}
    assert initial["s3-encryption-customer-managed-kms"]["exemptBuckets"] == ["dm-platform-audit-logs"]


def test_view_keeps_type_props_protection_and_dependencies():
    reg = complete_bucket(pab=pab())[0]
    reg.property_dependencies["bucket"] = ["urn:a", "urn:b"]
    view = _view(engine_resource(reg))
    assert (view.type, view.name, view.urn, view.props, view.protect) == (reg.type, reg.name, reg.urn, reg.inputs, True)
    assert view.property_dependencies == {"bucket": ("urn:a", "urn:b")}
    assert _view(SimpleNamespace(resource_type="t", name="n", urn="u", props={})).protect is False


def test_resource_policy_reports_each_message_with_the_rules_settings():
    policy = {p.name: p for p in build_policies(PLATFORM)}["no-public-principals"]
    reg = bucket_policy(TLS_DENY, {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999999999999:root"}, "Action": "s3:GetObject",
                                   "Resource": "arn:aws:s3:::dm-sales-orders/*"})
    reported = []
    args = engine_resource(reg)
    args.get_config = lambda: {"allowedAccountIds": ["123456789012"]}
    policy.validate(args, lambda message, urn=None: reported.append((message, urn)))
    assert reported == [("policy: a statement allows account 999999999999, outside the mesh accounts ['123456789012']", None)]


@pytest.mark.parametrize("configured", [{}, {"exemptBuckets": ["dm-sales-orders"]}])
def test_stack_policy_reports_at_the_resource_urn_and_uses_defaults_under_configured_values(configured):
    policy = {p.name: p for p in build_policies(PLATFORM)}["s3-encryption-customer-managed-kms"]
    resources = complete_bucket(sse=None)
    reported = []
    args = SimpleNamespace(resources=[engine_resource(r) for r in resources], get_config=lambda: configured)
    policy.validate(args, lambda message, urn=None: reported.append((message, urn)))
    missing = "bucket 'dm-sales-orders' has no server-side encryption configuration; add one with sseAlgorithm aws:kms and the domain key"
    expected = [] if configured else [(missing, resources[0].urn)]
    assert reported == expected


def test_the_pack_loads_what_its_rules_would_load_lazily_before_it_serves(monkeypatch):
    import dmesh.governance.pack as pack

    calls = []
    monkeypatch.setattr(pack, "warm", lambda: calls.append("warm"))
    monkeypatch.setattr(pack, "PolicyPack", lambda **kwargs: calls.append("serve"))
    pack.serve()
    assert calls == ["warm", "serve"]


def test_warming_leaves_no_aws_module_lazy_and_parliament_loaded():
    import subprocess
    import sys

    probe = ("import sys; from dmesh.governance.pack import warm; from components.providers import AWS_MODULES; "
             "assert 'parliament' not in sys.modules; warm(); "
             "print([n for n in AWS_MODULES if type(sys.modules[n]).__name__ == '_LazyModule'], 'parliament' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["[]", "True"]
