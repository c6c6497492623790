"""Golden documents: every policy and Kubernetes manifest the example mesh gets, pinned exactly.

A change to any statement (an action, a resource, a condition, a principal, a trust audience) or to
any manifest field shows up as a diff of the committed files in `__snapshots__/test_golden/`, which
a reviewer reads, instead of passing silently. Refresh after an intended change with

    make golden        # .venv/bin/pytest tests/components/test_golden.py --snapshot-update

and review the diff of `tests/components/__snapshots__/` like code.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from syrupy.extensions.json import JSONSnapshotExtension

from components import policies

DOMAINS = ["sales", "marketing", "ml-features"]
# properties that hold a JSON policy document, per the resources the components create
DOCUMENT_PROPS = ("policy", "assumeRolePolicy")
SNAPSHOTS = Path(__file__).parent / "__snapshots__" / "test_golden"


@pytest.fixture
def golden(snapshot):
    return snapshot.use_extension(JSONSnapshotExtension)


def policy_documents(captured) -> dict[str, dict[str, Any]]:
    """Every policy document by `<logical name>.<property>`, parsed, with the resource's type beside it."""
    found = {}
    for reg in captured.registrations:
        for prop in DOCUMENT_PROPS:
            value = reg.inputs.get(prop)
            if isinstance(value, str) and value.lstrip().startswith("{"):
                found[f"{reg.name}.{prop}"] = {"type": reg.type, "document": json.loads(value)}
    return found


def kubernetes_manifests(captured) -> dict[str, dict[str, Any]]:
    return {reg.name: reg.inputs for reg in captured.registrations if reg.type.startswith("kubernetes:")}


def resource_inventory(captured) -> dict[str, dict[str, Any]]:
    """The rest: every other resource with its type, parent, protection and inputs (documents parsed)."""
    names = {r.urn: r.name for r in captured.registrations}
    inventory = {}
    for reg in captured.registrations:
        if reg.type.startswith("kubernetes:"):
            continue
        inputs = {k: v for k, v in reg.inputs.items() if k not in DOCUMENT_PROPS}
        if isinstance(inputs.get("content"), str) and inputs.get("contentType") == "application/json":
            inputs["content"] = json.loads(inputs["content"])
        inventory[reg.name] = {"type": reg.type, "parent": names.get(reg.parent, ""), "protect": reg.protect, "inputs": inputs}
    return inventory


@pytest.mark.parametrize("domain", DOMAINS)
def test_policy_documents(build, example_specs, golden, domain):
    assert policy_documents(build(example_specs[domain])) == golden


@pytest.mark.parametrize("domain", DOMAINS)
def test_kubernetes_manifests(build, example_specs, golden, domain):
    assert kubernetes_manifests(build(example_specs[domain])) == golden


@pytest.mark.parametrize("domain", DOMAINS)
def test_resource_inventory(build, example_specs, golden, domain):
    assert resource_inventory(build(example_specs[domain])) == golden


def test_every_policy_kind_is_pinned():
    """The golden files hold bucket, key, stream, identity, boundary, trust and topic policies: none is left out."""
    pinned = json.loads((SNAPSHOTS / "test_policy_documents[sales].json").read_text(encoding="utf-8"))
    kinds = {(entry["type"], name.rsplit(".", 1)[1]) for name, entry in pinned.items()}
    assert kinds == {
        ("aws:s3/bucketPolicy:BucketPolicy", "policy"), ("aws:kms/key:Key", "policy"),
        ("aws:kinesis/resourcePolicy:ResourcePolicy", "policy"), ("aws:iam/rolePolicy:RolePolicy", "policy"),
        ("aws:iam/policy:Policy", "policy"), ("aws:iam/role:Role", "assumeRolePolicy"), ("aws:sns/topicPolicy:TopicPolicy", "policy"),
    }


def test_a_widened_statement_differs_from_the_golden_file(build, example_specs, monkeypatch):
    """A test of the test: granting consumers one more S3 action changes a pinned document."""
    pinned = json.loads((SNAPSHOTS / "test_policy_documents[sales].json").read_text(encoding="utf-8"))
    assert policy_documents(build(example_specs["sales"])) == pinned
    monkeypatch.setattr(policies, "S3_READ", [*policies.S3_READ, "s3:PutObject"])
    widened = policy_documents(build(example_specs["sales"]))
    changed = sorted(name for name in pinned if widened[name] != pinned[name])
    # every bucket policy with a grant, and the consumer policy and boundary of sales (it reads marketing.campaigns)
    assert changed == ["sales-access-boundary.policy", "sales-access-consumer-policy.policy", "sales-customers-policy.policy",
                       "sales-orders-policy.policy", "sales-store-locations-policy.policy"]


def test_platform_stack_documents(golden):
    """The platform's own buckets and key (audit-log delivery, TLS-only, key administration), pinned the same way."""
    from blueprints import naming
    from components.testing import capture_program
    from dmesh.platform_stack import PlatformStack, PlatformStackArgs

    def program() -> None:
        PlatformStack("platform", PlatformStackArgs(account_id="123456789012", region="eu-west-1", catalog_bucket=naming.CATALOG_BUCKET,
                                                    audit_bucket=naming.AUDIT_BUCKET, owner="platform-team@acme.example", cost_center="CC-0001"))

    captured = capture_program(program, project="dmesh-platform")
    assert {"policies": policy_documents(captured), "resources": resource_inventory(captured)} == golden
