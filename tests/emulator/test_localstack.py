"""What the components generate is accepted by LocalStack's AWS APIs, and reads back as asked."""

from __future__ import annotations

import json

from blueprints import naming
from blueprints.descriptor import validate_odps
from harness import SETTINGS


def test_example_mesh_applies_without_an_api_error(localstack_mesh):
    applier, captured = localstack_mesh
    aws_resources = [r for regs in captured.values() for r in regs if r.custom and r.type.startswith("aws:") and ":glue/" not in r.type]
    assert aws_resources and [r.urn for r in applier.applied] == [r.urn for r in aws_resources]


def test_buckets_report_what_the_components_asked_for(localstack_mesh, example_mesh):
    applier, _ = localstack_mesh
    specs, _ = example_mesh
    s3, kms = applier.clients("s3"), applier.clients("kms")
    checked = 0
    for spec in specs.values():
        key_arn = kms.describe_key(KeyId=naming.key_alias(spec.name))["KeyMetadata"]["Arn"]
        for product in (p for p in spec.products if p.s3):
            bucket = naming.bucket_name(spec.name, product.name)
            [rule] = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
            assert rule["ApplyServerSideEncryptionByDefault"] == {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key_arn}
            assert rule["BucketKeyEnabled"] is True
            assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
            [lifecycle] = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
            assert lifecycle["Expiration"]["Days"] == product.retention_days and lifecycle["Status"] == "Enabled"
            assert s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"] == {
                "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True}
            assert s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]
            assert s3.get_bucket_logging(Bucket=bucket)["LoggingEnabled"]["TargetBucket"] == SETTINGS.audit_bucket
            tags = {t["Key"]: t["Value"] for t in s3.get_bucket_tagging(Bucket=bucket)["TagSet"]}
            assert tags["dmesh:product"] == product.name and tags["dmesh:classification"] == product.classification
            checked += 1
    assert checked == sum(1 for spec in specs.values() for p in spec.products if p.s3) == 8


def test_keys_streams_and_roles(localstack_mesh, example_mesh):
    applier, _ = localstack_mesh
    specs, _ = example_mesh
    kms, kinesis, iam = applier.clients("kms"), applier.clients("kinesis"), applier.clients("iam")
    for spec in specs.values():
        key_id = kms.describe_key(KeyId=naming.key_alias(spec.name))["KeyMetadata"]["KeyId"]
        assert kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is True
        for kind in ("producer", "consumer"):
            role = iam.get_role(RoleName=naming.role_name(spec.name, kind))["Role"]
            assert role["PermissionsBoundary"]["PermissionsBoundaryArn"].endswith(f":policy/dm-{spec.name}-boundary")
        for product in (p for p in spec.products if p.kinesis):
            summary = kinesis.describe_stream_summary(StreamName=naming.stream_name(spec.name, product.name))["StreamDescriptionSummary"]
            assert summary["EncryptionType"] == "KMS" and summary["RetentionPeriodHours"] == product.kinesis.retention_hours


def test_registry_documents_are_readable_product_descriptors(localstack_mesh, example_mesh):
    applier, _ = localstack_mesh
    specs, _ = example_mesh
    s3 = applier.clients("s3")
    keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket=SETTINGS.catalog_bucket, Prefix="products/")["Contents"])
    assert keys == sorted(naming.registry_key(d.name, p.name) for d in specs.values() for p in d.products)
    for key in keys:
        obj = s3.get_object(Bucket=SETTINGS.catalog_bucket, Key=key)
        body = obj["Body"].read()
        document = json.loads(body)
        assert validate_odps(document) == []
        assert obj["ContentType"] == "application/json"
        assert key == naming.registry_key(document["domain"], document["name"])


def _catalog_live(endpoint: str, *args: str):
    import os
    import subprocess
    import sys

    from harness import ACCOUNT, REGION
    from meshtest import REPO

    env = {**os.environ, "AWS_ACCESS_KEY_ID": ACCOUNT, "AWS_SECRET_ACCESS_KEY": "test"}
    return subprocess.run([sys.executable, "-m", "dmesh", "catalog", *args, "--live", "--region", REGION, "--endpoint-url", endpoint, "--format", "json"],
                          capture_output=True, text=True, cwd=REPO, env=env, timeout=120)


def test_live_catalog_lists_and_searches_the_deployed_registry_like_the_blueprints(localstack_mesh, localstack):
    from blueprints import load_mesh
    from dmesh.catalog_search import entries, search
    from meshtest import EXAMPLE_MESH

    offline = entries(load_mesh(EXAMPLE_MESH, {}).domains)
    listed = _catalog_live(localstack, "list")
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout) == [e.summary() for e in offline]
    found = _catalog_live(localstack, "search", "customer_id")
    assert found.returncode == 0, found.stderr
    assert [r["id"] for r in json.loads(found.stdout)] == [e.id for e, _ in search(offline, "customer_id")]
    shown = json.loads(_catalog_live(localstack, "show", "sales.orders").stdout)
    assert shown["inputs"] == ["marketing.campaigns"] and shown["grants"] == ["marketing", "ml-features"]
    assert shown["contract"]["id"] == "urn:datacontract:sales:orders" and [c["name"] for c in shown["columns"]][:2] == ["order_id", "line_no"]
    missing = _catalog_live(localstack, "list", "--bucket", "dm-no-such-catalog")
    assert missing.returncode == 1 and "NoSuchBucket" in missing.stderr and "Traceback" not in missing.stderr
