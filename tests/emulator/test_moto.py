"""Identity side of the access matrix on moto with IAM enforcement, and the Glue catalog entries."""

from __future__ import annotations

import copy
import json

from moto import mock_aws

from access_matrix import READ, expected, identity_side, record
from blueprints import naming
from harness import Applier, client_factory, moto_world


def test_glue_catalog_entries(example_mesh):
    specs, captured = example_mesh
    with mock_aws():
        applier = Applier(client_factory(None))
        applier.prepare_platform()
        for registrations in captured.values():
            applier.apply_all(registrations)
        glue = applier.clients("glue")
        assert sorted(d["Name"] for d in glue.get_databases()["DatabaseList"]) == sorted(naming.glue_database(d) for d in specs)
        for spec in specs.values():
            tables = {t["Name"]: t for t in glue.get_tables(DatabaseName=naming.glue_database(spec.name))["TableList"]}
            assert sorted(tables) == sorted(t.glue_name for p in spec.products for t in p.contract.tables)
            for product in spec.products:
                for expected in product.contract.tables:
                    table = tables[expected.glue_name]
                    columns = [(c["Name"], c["Type"]) for c in table["StorageDescriptor"]["Columns"]]
                    assert columns == [(c.name, c.glue_type) for c in expected.columns]
                    assert [(c["Name"], c["Type"]) for c in table.get("PartitionKeys", [])] == [(c.name, c.glue_type) for c in expected.partition_keys]
                    assert table["Parameters"]["dmesh:contract-id"] == product.contract.id
                    if product.s3:
                        assert table["StorageDescriptor"]["Location"] == f"s3://{naming.bucket_name(spec.name, product.name)}/{expected.prefix}"
        # the multi-table product of the example mesh: two tables side by side under its prefix, each partitioned by day
        training = {t["Name"]: t for t in glue.get_tables(DatabaseName="dm_ml_features")["TableList"] if t["Name"].startswith("training_sets")}
        assert {n: t["StorageDescriptor"]["Location"] for n, t in training.items()} == {
            "training_sets__features": "s3://dm-ml-features-training-sets/training-sets/features/",
            "training_sets__labels": "s3://dm-ml-features-training-sets/training-sets/labels/"}
        assert all([k["Name"] for k in t["PartitionKeys"]] == ["snapshot_date"] for t in training.values())


def test_identity_side_matrix(request, example_mesh):
    specs, captured = example_mesh
    with moto_world(specs, captured) as clients_for:
        checks = identity_side(specs, clients_for)
    record(request.config, checks)
    assert [c.describe() for c in checks if not c.ok] == []
    # every ordered pair of domains and every product with an S3 port, for both roles and four actions
    products = sum(1 for d in specs.values() for p in d.products if p.s3)
    assert len(checks) == len(specs) * 2 * products * 4
    assert any(c.actual for c in checks) and any(not c.actual for c in checks)


def test_undeclared_read_in_an_identity_policy_fails_the_matrix(example_mesh):
    """Test of the test: marketing's consumer policy quietly reads sales.customers, which it never declared."""
    specs, captured = example_mesh
    tampered = copy.deepcopy(captured)
    policy = next(r for r in tampered["marketing"] if r.name == "marketing-access-consumer-policy")
    doc = json.loads(policy.inputs["policy"])
    doc["Statement"].append({"Sid": "Sneaky", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::dm-sales-customers/customers/*"})
    policy.inputs["policy"] = json.dumps(doc)
    with moto_world(specs, tampered) as clients_for:
        failures = [c for c in identity_side(specs, clients_for) if not c.ok]
    assert [(c.principal, c.action, c.resource) for c in failures] == [
        ("arn:aws:iam::123456789012:role/dm-marketing-consumer", READ, "arn:aws:s3:::dm-sales-customers/customers/part-0000.json")]
    assert not expected(specs, "marketing", "consumer", specs["sales"], "customers", READ)
