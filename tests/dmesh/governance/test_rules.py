"""Every rule of the rule book, judged through the analyzer protocol on the case table of `rulecases`.

Resources are given as the engine sends them: type token, camelCase properties, options. The
expected level of each rule is the one written in `rulecases.LEVELS`, never read from the rule book.
"""

from __future__ import annotations

import pytest

from dmesh.governance.rulebook import RULES
from dmesh.governance.config import load_platform_config
from components.testing import Registration
from rulecases import (CASES, GRANT, LEVELS, Case, bucket, bucket_policy, complete_bucket, lifecycle, pab, registry, res, sse, table,
                       versioning)


def judge(pack, resources: list[Registration], config: dict | None = None):
    pack.configure(config or load_platform_config())
    diagnostics = [d for r in resources for d in pack.analyze(r)]
    return diagnostics + pack.analyze_stack(resources)


def case_config(case: Case) -> dict:
    config = load_platform_config()
    config[case.rule] = {**config[case.rule], **case.config}
    return config


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.rule}:{c.id}")
def test_pack_answers_exactly_at_the_promised_level(pack, case):
    names = {r.urn: r.name for r in case.resources}
    found = [d for d in judge(pack, case.resources, case_config(case)) if d.policy == case.rule]
    description = next(r.description for r in RULES if r.name == case.rule)  # pulumi_policy puts it before each message
    assert sorted((names[d.urn], d.message) for d in found) == sorted((n, f"{description}\n{m}") for n, m in case.expected)
    assert {d.enforcement for d in found} == ({LEVELS[case.rule]} if case.expected else set())


def test_stack_rules_follow_property_dependencies_when_values_differ(pack):
    # during a real preview the bucket's id is unknown; the engine still sends which resource a property came from
    b = bucket()
    attached = [
        res(r.type, r.name, deps={"bucket": [b.urn]}, **{**r.inputs, "bucket": "unknown-yet"})
        for r in (sse(), pab(), versioning(), lifecycle())
    ]
    found = judge(pack, [b, *attached, table(), registry()])
    assert [d.policy for d in found] == []


@pytest.mark.parametrize(("configured", "reported"), [("disabled", []), ("mandatory", ["mandatory"]), ("advisory", ["advisory"])])
def test_configured_level_overrides_default(pack, configured, reported):
    config = load_platform_config()
    config["s3-tls-only"]["enforcementLevel"] = configured
    assert [d.enforcement for d in judge(pack, [bucket_policy(GRANT)], config) if d.policy == "s3-tls-only"] == reported


def test_pack_advertises_every_rule_with_level_and_schema(pack):
    info = pack.info()
    advertised = {p.name: p for p in info.policies}
    assert info.name == "dmesh-governance"
    assert set(advertised) == {r.name for r in RULES}
    for rule in RULES:
        policy_info = advertised[rule.name]
        assert policy_info.description == rule.description
        assert policy_info.enforcementLevel == {"advisory": 0, "mandatory": 1}[LEVELS[rule.name]]
        assert set(policy_info.configSchema.properties) == set(rule.config_schema)


def test_platform_config_may_exempt_a_log_target_bucket(pack):
    config = load_platform_config()
    sse_s3 = complete_bucket(bucket=bucket("dm-platform-audit-logs"), sse=sse("dm-platform-audit-logs", algorithm="AES256", key=None))
    assert "dm-platform-audit-logs" in config["s3-encryption-customer-managed-kms"]["exemptBuckets"]
    assert [d for d in judge(pack, sse_s3, config) if d.policy == "s3-encryption-customer-managed-kms"] == []
    config["s3-encryption-customer-managed-kms"]["exemptBuckets"] = []
    assert [d.policy for d in judge(pack, sse_s3, config) if d.policy == "s3-encryption-customer-managed-kms"] == ["s3-encryption-customer-managed-kms"]
