"""Resource side of the access matrix: bucket policies, key policies, boundaries, and all of them combined."""

from __future__ import annotations

import copy
import json

from access_matrix import READ, LIST, record, resource_side
from components import policies
from harness import SETTINGS


def test_resource_side_matrix(request, example_mesh):
    specs, captured = example_mesh
    checks = resource_side(specs, captured)
    record(request.config, checks)
    assert [c.describe() for c in checks if not c.ok] == []
    sides = {c.side for c in checks}
    assert sides == {"bucket-policy", "boundary", "combined", "key-policy"}
    # granted consumers are admitted somewhere and refused elsewhere: the matrix is not trivially uniform
    for side in sides:
        outcomes = {c.actual for c in checks if c.side == side}
        assert outcomes == {True, False}, side


def test_bucket_policy_admitting_an_ungranted_domain_fails_the_matrix(example_mesh):
    """Test of the test: sales.customers' bucket policy admits marketing, which the blueprint never granted."""
    specs, captured = example_mesh
    tampered = copy.deepcopy(captured)
    policy = next(r for r in tampered["sales"] if r.name == "sales-customers-policy")
    policy.inputs["policy"] = json.dumps(policies.bucket_policy(SETTINGS, "sales", "customers", ("ml-features", "marketing")))
    failures = [c for c in resource_side(specs, tampered) if not c.ok]
    assert {(c.side, c.principal.rsplit("/", 1)[-1], c.action) for c in failures} == {
        ("bucket-policy", "dm-marketing-consumer", READ), ("bucket-policy", "dm-marketing-consumer", LIST)}


def test_boundary_wider_than_the_inputs_fails_the_matrix(example_mesh):
    specs, captured = example_mesh
    tampered = copy.deepcopy(captured)
    boundary = next(r for r in tampered["marketing"] if r.name == "marketing-access-boundary")
    doc = json.loads(boundary.inputs["policy"])
    doc["Statement"].append({"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::dm-sales-orders/*"})
    boundary.inputs["policy"] = json.dumps(doc)
    failures = {(c.side, c.principal.rsplit("/", 1)[-1], c.action) for c in resource_side(specs, tampered) if not c.ok}
    assert failures == {("boundary", "dm-marketing-consumer", "s3:PutObject"), ("boundary", "dm-marketing-producer", "s3:PutObject")}
