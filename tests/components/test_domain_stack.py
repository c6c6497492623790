"""DomainStack turns a spec into exactly the expected resources, wired and tagged as the platform promises."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from components import policies
from dmesh.governance.tag_rules import taggable

STORAGE_PARTS = ["bucket", "encryption", "versioning", "lifecycle", "public-access-block", "ownership", "logging", "policy"]


def expected_names(domain: str, s3: list[str], kinesis: list[str], granted_streams: list[str], pipelines: list[str], products: list[str],
                   consumer_policy: bool = True) -> set[str]:
    names = {domain, f"{domain}-key", f"{domain}-key-key", f"{domain}-key-alias", f"{domain}-access", f"{domain}-access-boundary",
             f"{domain}-access-producer", f"{domain}-access-producer-policy", f"{domain}-access-consumer",
             f"{domain}-compute", f"{domain}-compute-namespace", f"{domain}-compute-quota", f"{domain}-compute-limits",
             f"{domain}-compute-default-deny", f"{domain}-compute-pipeline-egress", f"{domain}-compute-service-account",
             f"{domain}-catalog", f"{domain}-catalog-database",
             f"{domain}-monitoring", f"{domain}-monitoring-topic", f"{domain}-monitoring-topic-policy", f"{domain}-monitoring-owner"}
    if consumer_policy:
        names.add(f"{domain}-access-consumer-policy")
    for p in s3:
        names |= {f"{domain}-{p}", f"{domain}-{p}-guard"} | {f"{domain}-{p}-{part}" for part in STORAGE_PARTS}
    for p in kinesis:
        names |= {f"{domain}-{p}-stream", f"{domain}-{p}-stream-kinesis"}
    names |= {f"{domain}-{p}-stream-policy" for p in granted_streams}
    names |= {f"{domain}-compute-{p}-pipeline" for p in pipelines}
    names |= {f"{domain}-catalog-{p}-{part}" for p in products for part in ("table", "registry")}
    # every product here has a freshness SLA: its ports and its pipeline each get their alarms
    names |= {f"{domain}-monitoring-{p}" for p in products}
    names |= {f"{domain}-monitoring-{p}-{part}" for p in s3 for part in ("request-metrics", "s3-freshness")}
    names |= {f"{domain}-monitoring-{p}-{part}" for p in kinesis for part in ("stream-freshness", "consumer-lag")}
    names |= {f"{domain}-monitoring-{p}-{part}" for p in pipelines for part in ("pipeline-failed", "pipeline-missed")}
    return names


def test_sales_creates_exactly_the_expected_resources(build, example_specs):
    got = build(example_specs["sales"])
    products = ["orders", "customers", "store-locations"]
    assert Counter(r.name for r in got.registrations) == Counter(expected_names(
        "sales", s3=products, kinesis=["orders"], granted_streams=["orders"], pipelines=["orders", "customers"], products=products))


def test_marketing_creates_exactly_the_expected_resources(build, example_specs):
    got = build(example_specs["marketing"])
    assert {r.name for r in got.registrations} == expected_names(
        "marketing", s3=["web-events", "campaigns"], kinesis=["web-events"], granted_streams=[], pipelines=["web-events", "campaigns"],
        products=["web-events", "campaigns"])


def test_type_tokens_and_parents(build, example_specs):
    got = build(example_specs["sales"])
    root = got.named("sales")
    assert root.type == "dmesh:domain:DomainStack"
    components = {r.name: r.type for r in got.registrations if not r.custom}
    assert components["sales-key"] == "dmesh:storage:DomainKey"
    assert components["sales-orders"] == "dmesh:storage:ProductStorage"
    assert components["sales-orders-stream"] == "dmesh:streaming:ProductStream"
    assert components["sales-access"] == "dmesh:iam:DomainAccess"
    assert components["sales-compute"] == "dmesh:compute:DomainCompute"
    assert components["sales-catalog"] == "dmesh:catalog:DomainCatalog"
    for reg in got.registrations:
        if reg is root:
            continue
        parent = got.parent_of(reg)
        assert parent is not None, reg.name
        # children are named after their component and parented to it; a guarded bucket's children keep the names
        # (and, through aliases, the URNs) they had under the product's storage before the GuardedBucket existed
        if parent.type == "dmesh:storage:GuardedBucket":
            parent = got.parent_of(parent)
        assert reg.name.startswith(parent.name), (reg.name, parent.name)


def test_every_taggable_resource_carries_the_tag_set(build, example_specs):
    got = build(example_specs["sales"])
    checked = 0
    for reg in got.registrations:
        if not taggable(reg.type):
            continue
        tags = reg.inputs["tags"]
        assert tags["dmesh:domain"] == "sales" and tags["dmesh:owner"] == "sales-data@acme.example"
        assert tags["dmesh:cost-center"] == "CC-1042" and tags["dmesh:classification"]
        checked += 1
    # buckets, key, stream, boundary, roles, Glue database, registry documents, alert topic, alarms (3 S3, 2 stream, 2 x 2 pipeline)
    assert checked == 3 + 1 + 1 + 1 + 2 + 1 + 3 + 1 + 9
    # product resources name their product and carry its classification; domain resources the highest one
    assert got.named("sales-store-locations-bucket").inputs["tags"] == {
        "dmesh:domain": "sales", "dmesh:owner": "sales-data@acme.example", "dmesh:classification": "public",
        "dmesh:cost-center": "CC-1042", "dmesh:product": "store-locations"}
    assert got.named("sales-key-key").inputs["tags"]["dmesh:classification"] == "restricted"
    assert "dmesh:product" not in got.named("sales-key-key").inputs["tags"]


def test_kubernetes_labels_mirror_the_tags(build, example_specs):
    got = build(example_specs["sales"])
    labels = got.named("sales-compute-orders-pipeline").inputs["metadata"]["labels"]
    assert labels["dmesh/domain"] == "sales" and labels["dmesh/product"] == "orders" and labels["dmesh/classification"] == "confidential"
    assert labels["dmesh/cost-center"] == "CC-1042" and labels["dmesh/owner"] == "sales-data.at.acme.example"
    assert got.named("sales-compute-namespace").inputs["metadata"]["labels"]["dmesh/classification"] == "restricted"


def test_data_bearing_resources_are_protected(build, example_specs):
    got = build(example_specs["sales"])
    data_types = ("aws:s3/bucket:Bucket", "aws:kinesis/stream:Stream", "aws:kms/key:Key", "aws:glue/catalogTable:CatalogTable")
    protected = {r.name for r in got.registrations if r.protect}
    assert protected == {r.name for r in got.registrations if r.type in data_types}
    assert len(protected) == 3 + 1 + 1 + 3


def test_bucket_encryption_uses_the_domain_key(build, example_specs):
    got = build(example_specs["sales"])
    key_arn = got.named("sales-key-key").state["arn"]
    for product in ("orders", "customers", "store-locations"):
        [rule] = got.named(f"sales-{product}-encryption").inputs["rules"]
        assert rule == {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": key_arn}, "bucketKeyEnabled": True}
    assert got.named("sales-key-key").inputs["enableKeyRotation"] is True


def test_bucket_guard_rails(build, example_specs):
    got = build(example_specs["sales"])
    assert got.named("sales-orders-bucket").inputs["bucket"] == "dm-sales-orders"
    assert got.named("sales-orders-versioning").inputs["versioningConfiguration"] == {"status": "Enabled"}
    [rule] = got.named("sales-orders-lifecycle").inputs["rules"]
    assert rule["expiration"] == {"days": 365} and rule["status"] == "Enabled"
    assert got.named("sales-store-locations-lifecycle").inputs["rules"][0]["expiration"] == {"days": 730}
    pab = got.named("sales-orders-public-access-block").inputs
    assert all(pab[f] is True for f in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"))
    assert got.named("sales-orders-ownership").inputs["rule"] == {"objectOwnership": "BucketOwnerEnforced"}
    logging = got.named("sales-orders-logging").inputs
    assert logging["targetBucket"] == "dm-platform-audit-logs" and logging["targetPrefix"] == "s3/dm-sales-orders/"


def consumer_arn(domain: str) -> str:
    return f"arn:aws:iam::123456789012:role/dm-{domain}-consumer"


def test_bucket_policy_admits_exactly_the_granted_consumers(build, example_specs):
    got = build(example_specs["sales"])
    doc = json.loads(got.named("sales-orders-policy").inputs["policy"])
    by_sid = {s["Sid"]: s for s in doc["Statement"]}
    assert by_sid["DenyInsecureTransport"]["Effect"] == "Deny"
    assert by_sid["DenyInsecureTransport"]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    for sid in ("GrantedConsumersList", "GrantedConsumersRead"):
        assert by_sid[sid]["Condition"]["ArnEquals"]["aws:PrincipalArn"] == [consumer_arn("marketing"), consumer_arn("ml-features")]
        assert by_sid[sid]["Principal"] == {"AWS": "arn:aws:iam::123456789012:root"}
    assert by_sid["GrantedConsumersRead"]["Action"] == ["s3:GetObject"]
    assert by_sid["GrantedConsumersRead"]["Resource"] == "arn:aws:s3:::dm-sales-orders/orders/*"
    assert by_sid["GrantedConsumersList"]["Condition"]["StringLike"] == {"s3:prefix": ["orders/*"]}
    # a product without grants admits nobody
    no_grant = json.loads(got.named("sales-customers-policy").inputs["policy"])
    assert [s["Sid"] for s in no_grant["Statement"]] == ["DenyInsecureTransport", "DenyUngrantedConsumers", "GrantedConsumersList", "GrantedConsumersRead"]
    assert no_grant["Statement"][2]["Condition"]["ArnEquals"]["aws:PrincipalArn"] == [consumer_arn("ml-features")]
    # every other domain's consumer role is refused by the producer, whatever its own identity policy says
    deny = by_sid["DenyUngrantedConsumers"]
    assert deny["Effect"] == "Deny" and deny["Action"] == ["s3:GetObject", "s3:ListBucket"]
    assert deny["Condition"] == {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::123456789012:role/dm-*-consumer"},
                                 "ArnNotEquals": {"aws:PrincipalArn": [consumer_arn("marketing"), consumer_arn("ml-features"), consumer_arn("sales")]}}


def test_key_policy_lets_granted_consumers_decrypt_only(build, example_specs):
    got = build(example_specs["sales"])
    doc = json.loads(got.named("sales-key-key").inputs["policy"])
    by_sid = {s["Sid"]: s for s in doc["Statement"]}
    granted = by_sid["GrantedConsumersDecrypt"]
    assert granted["Condition"]["ArnEquals"]["aws:PrincipalArn"] == [consumer_arn("marketing"), consumer_arn("ml-features")]
    assert granted["Action"] == ["kms:Decrypt", "kms:DescribeKey"]
    assert by_sid["DomainRolesUse"]["Condition"]["ArnEquals"]["aws:PrincipalArn"] == [
        "arn:aws:iam::123456789012:role/dm-sales-producer", consumer_arn("sales")]
    assert all(a != "kms:*" for s in doc["Statement"] for a in s["Action"])


def test_stream_policy_is_read_only_for_granted_consumers(build, example_specs):
    got = build(example_specs["sales"])
    stream = got.named("sales-orders-stream-kinesis").inputs
    assert stream["encryptionType"] == "KMS" and stream["kmsKeyId"] == got.named("sales-key-key").state["arn"]
    assert stream["retentionPeriod"] == 48 and stream["name"] == "dm-sales-orders"
    statement, deny = json.loads(next(r for r in got.of_type("kinesis/resourcePolicy:ResourcePolicy")).inputs["policy"])["Statement"]
    assert deny["Sid"] == "DenyUngrantedConsumers" and deny["Effect"] == "Deny"
    assert statement["Action"] == policies.KINESIS_READ
    assert statement["Resource"] == "arn:aws:kinesis:eu-west-1:123456789012:stream/dm-sales-orders"
    assert statement["Condition"]["ArnEquals"]["aws:PrincipalArn"] == [consumer_arn("marketing"), consumer_arn("ml-features")]


def statements(got, name):
    return json.loads(got.named(name).inputs["policy"])["Statement"]


def test_producer_writes_its_own_products_only(build, example_specs):
    got = build(example_specs["sales"])
    own = {"arn:aws:s3:::dm-sales-orders", "arn:aws:s3:::dm-sales-customers", "arn:aws:s3:::dm-sales-store-locations"}
    for s in statements(got, "sales-access-producer-policy"):
        resources = s["Resource"] if isinstance(s["Resource"], list) else [s["Resource"]]
        if s["Sid"] == "OwnMetricsPut":  # PutMetricData has no ARN: the namespace condition is its whole scope
            assert s["Action"] == ["cloudwatch:PutMetricData"] and s["Condition"] == {"StringEquals": {"cloudwatch:namespace": "dmesh/sales"}}
            continue
        assert "*" not in resources and all(not a.endswith("*") for a in s["Action"])
        if s["Sid"] == "OwnProductsWrite":
            assert {r.removesuffix("/*") for r in resources} == own
        if s["Sid"] == "OwnStreamsWrite":
            assert resources == ["arn:aws:kinesis:eu-west-1:123456789012:stream/dm-sales-orders"]
    role = got.named("sales-access-producer").inputs
    trust = json.loads(role["assumeRolePolicy"])["Statement"][0]
    assert trust["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert trust["Condition"]["StringEquals"]["oidc.eks.eu-west-1.amazonaws.com/id/TEST:sub"] == "system:serviceaccount:dm-sales:dm-sales-pipeline"
    assert role["permissionsBoundary"] == got.named("sales-access-boundary").state["arn"]


def test_consumer_reads_exactly_the_declared_inputs(build, example_specs):
    got = build(example_specs["ml-features"])
    reads = {r for s in statements(got, "ml-features-access-consumer-policy") if s["Sid"].startswith("Read") for r in [s["Resource"]]}
    assert reads == {"arn:aws:s3:::dm-sales-orders/orders/*", "arn:aws:s3:::dm-sales-customers/customers/*",
                     "arn:aws:s3:::dm-marketing-campaigns/campaigns/*", "arn:aws:s3:::dm-ml-features-churn-features/churn-features/*"}
    sids = {s["Sid"] for s in statements(got, "ml-features-access-consumer-policy")}
    assert "InputStreamsRead" in sids  # sales.orders has a kinesis port
    keys = next(s for s in statements(got, "ml-features-access-consumer-policy") if s["Sid"] == "InputKeysDecrypt")
    assert keys["Condition"]["ForAnyValue:StringEquals"]["kms:ResourceAliases"] == ["alias/dm-marketing", "alias/dm-ml-features", "alias/dm-sales"]
    for s in statements(got, "ml-features-access-consumer-policy"):
        assert all(a.split(":")[1].startswith(("Get", "List", "Describe", "Decrypt")) for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"]))


def test_boundary_covers_both_roles_and_nothing_else(build, example_specs):
    got = build(example_specs["sales"])
    boundary = statements(got, "sales-access-boundary")
    producer = statements(got, "sales-access-producer-policy")
    consumer = statements(got, "sales-access-consumer-policy")
    assert boundary == producer + consumer


def test_domain_without_inputs_has_no_consumer_policy(build, example_specs):
    import dataclasses

    spec = example_specs["sales"]
    lone = dataclasses.replace(spec, products=tuple(dataclasses.replace(p, inputs=()) for p in spec.products))
    got = build(lone, {})
    assert "sales-access-consumer-policy" not in {r.name for r in got.registrations}
    assert got.named("sales-access-consumer").inputs["permissionsBoundary"]


def test_glue_columns_come_from_the_contract(build, example_specs):
    got = build(example_specs["sales"])
    table = got.named("sales-catalog-customers-table").inputs
    columns = [(c["name"], c["type"]) for c in table["storageDescriptor"]["columns"]]
    contract = example_specs["sales"].product("customers").contract
    assert columns == [(c.name, c.glue_type) for c in contract.columns]
    assert ("addresses", "array<struct<street:string,city:string,postcode:string>>") in columns
    assert table["storageDescriptor"]["location"] == "s3://dm-sales-customers/customers/"
    assert table["storageDescriptor"]["serDeInfo"]["serializationLibrary"].endswith("ParquetHiveSerDe")
    assert table["databaseName"] == "dm_sales" and table["name"] == "customers"
    params = table["parameters"]
    assert params["dmesh:classification"] == "restricted" and params["dmesh:contract-id"] == "urn:datacontract:sales:customers"
    assert params["dmesh:contract-version"] == "2.0.0" and params["dmesh:owner"] == "sales-data@acme.example"
    assert params["classification"] == "parquet" and params["dmesh:sla-freshness-hours"] == "24"
    csv = got.named("sales-catalog-store-locations-table").inputs
    assert csv["parameters"]["classification"] == "csv" and csv["storageDescriptor"]["serDeInfo"]["parameters"] == {"field.delim": ","}


def test_registry_document_is_an_odps_descriptor_of_the_product(build, example_specs):
    from blueprints.descriptor import custom_property, validate_odps

    got = build(example_specs["sales"])
    reg = got.named("sales-catalog-orders-registry").inputs
    assert reg["bucket"] == "dm-platform-catalog" and reg["key"] == "products/sales/orders.json"  # the key it always had
    document = json.loads(reg["content"])
    assert validate_odps(document) == []
    assert [document[k] for k in ("apiVersion", "kind", "id", "version")] == ["v1.0.0", "DataProduct", "urn:dmesh:sales:orders", "1.4.0"]
    assert [(p["name"], p["version"], p["contractId"]) for p in document["inputPorts"]] == [
        ("marketing.campaigns", "3.1.0", "urn:datacontract:marketing:campaigns")]
    assert [(p["type"], p["contractId"]) for p in document["outputPorts"]] == [
        ("s3", "urn:datacontract:sales:orders"), ("kinesis", "urn:datacontract:sales:orders")]
    assert [(m["username"], m["role"]) for m in document["team"]["members"]] == [("sales-data@acme.example", "owner")]
    assert custom_property(document, "grants") == ["marketing", "ml-features"] and custom_property(document, "classification") == "confidential"
    assert custom_property(document, "sla") == {"freshnessHours": 24, "availability": 99.9}
    assert [s["location"] if s["port"] == "s3" else s["arn"] for s in custom_property(document, "servers")] == [
        "s3://dm-sales-orders/orders/", "arn:aws:kinesis:eu-west-1:123456789012:stream/dm-sales-orders"]
    catalog = custom_property(document, "catalog")
    assert catalog["database"] == "dm_sales" and [t["glueTable"] for t in catalog["tables"]] == ["orders"]
    assert custom_property(document, "no-such-property") is None


def test_kubernetes_objects(build, example_specs):
    got = build(example_specs["sales"])
    assert got.named("sales-compute-namespace").inputs["metadata"]["name"] == "dm-sales"
    assert got.named("sales-compute-quota").inputs["spec"]["hard"] == {
        "requests.cpu": "8", "requests.memory": "32Gi", "limits.cpu": "8", "limits.memory": "32Gi", "pods": "40"}
    limits = got.named("sales-compute-limits").inputs["spec"]["limits"][0]
    assert limits["default"] == {"cpu": "500m", "memory": "1Gi"} and limits["defaultRequest"] == {"cpu": "100m", "memory": "256Mi"}
    deny = got.named("sales-compute-default-deny").inputs["spec"]
    assert deny == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
    sa = got.named("sales-compute-service-account").inputs["metadata"]
    assert sa["annotations"]["eks.amazonaws.com/role-arn"] == got.named("sales-access-producer").state["arn"]
    cron = got.named("sales-compute-orders-pipeline").inputs
    assert cron["spec"]["schedule"] == "0 * * * *"
    pod = cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    assert pod["serviceAccountName"] == "dm-sales-pipeline"
    [container] = pod["containers"]
    assert container["image"] == "registry.acme.example/sales/orders:1.4.2"
    assert container["securityContext"]["runAsNonRoot"] is True and container["securityContext"]["readOnlyRootFilesystem"] is True
    assert container["securityContext"]["allowPrivilegeEscalation"] is False
    assert container["resources"] == {"requests": {"cpu": "500m", "memory": "1Gi"}, "limits": {"cpu": "500m", "memory": "1Gi"}}
    assert container["securityContext"]["capabilities"] == {"drop": ["ALL"]} and container["securityContext"]["privileged"] is False
    assert pod["securityContext"] == {"runAsNonRoot": True, "runAsUser": 10001, "runAsGroup": 10001, "seccompProfile": {"type": "RuntimeDefault"}}
    assert pod["automountServiceAccountToken"] is True  # the IRSA token; the service account itself does not mount one
    assert sa == {**sa, "name": "dm-sales-pipeline", "namespace": "dm-sales"}
    assert got.named("sales-compute-service-account").inputs["automountServiceAccountToken"] is False
    assert cron["spec"]["concurrencyPolicy"] == "Forbid" and cron["spec"]["jobTemplate"]["spec"]["backoffLimit"] == 2
    egress = got.named("sales-compute-pipeline-egress").inputs["spec"]
    assert egress == {
        "podSelector": {"matchLabels": {"app.kubernetes.io/component": "pipeline"}}, "policyTypes": ["Egress"],
        "egress": [
            {"to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}}}],
             "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}]},
            {"ports": [{"protocol": "TCP", "port": 443}]},
        ],
    }
    labels = cron["metadata"]["labels"]
    assert labels["app.kubernetes.io/name"] == "orders" and labels["app.kubernetes.io/version"] == "1.4.2"
    assert labels["app.kubernetes.io/component"] == "pipeline" and labels["app.kubernetes.io/managed-by"] == "pulumi"


@pytest.mark.parametrize("domain", ["sales", "marketing", "ml-features"])
def test_rendered_manifests_pass_kubernetes_schema_strictly(build, example_specs, domain):
    import kubernetes_validate

    got = build(example_specs[domain])
    manifests = [r.inputs for r in got.registrations if r.type.startswith("kubernetes:")]
    assert {m["kind"] for m in manifests} == {"Namespace", "ResourceQuota", "LimitRange", "NetworkPolicy", "ServiceAccount", "CronJob"}
    for manifest in manifests:
        kubernetes_validate.validate(manifest, "1.31", strict=True)


def test_strict_schema_check_catches_a_typo(build, example_specs):
    import kubernetes_validate

    manifest = build(example_specs["sales"]).named("sales-compute-orders-pipeline").inputs
    manifest["spec"]["schedul"] = manifest["spec"].pop("schedule")
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(manifest, "1.31", strict=True)


def test_stream_only_product_without_pipeline(build, example_specs):
    import dataclasses

    from blueprints.spec import KinesisPortSpec

    spec = example_specs["marketing"]
    events = dataclasses.replace(spec.product("web-events"), s3=None, kinesis=KinesisPortSpec(72), pipeline=None, grants=("sales",))
    got = build(dataclasses.replace(spec, products=(events,)), {})
    names = {r.name for r in got.registrations}
    assert "marketing-web-events-bucket" not in names and "marketing-compute-web-events-pipeline" not in names
    assert got.named("marketing-web-events-stream-kinesis").inputs["retentionPeriod"] == 72
    table = got.named("marketing-catalog-web-events-table").inputs
    assert table["parameters"]["typeOfData"] == "kinesis" and table["storageDescriptor"]["location"] == "dm-marketing-web-events"
    producer = json.loads(got.named("marketing-access-producer-policy").inputs["policy"])
    assert {s["Sid"] for s in producer["Statement"]} == {"OwnStreamsWrite", "OwnKeyUse", "OwnCatalogWrite"}


def test_extra_tags_reach_every_taggable_resource_but_never_replace_the_mesh_tags(example_specs):
    from components import DomainStack, DomainStackArgs
    from components.testing import capture_program
    from meshtest import SETTINGS

    spec = example_specs["marketing"]
    inputs = {ref: example_specs[ref.domain].product(ref.product) for p in spec.products for ref in p.inputs}
    extra = {"team": "growth", "dmesh:owner": "someone-else@evil.example", "dmesh:classification": "public"}
    plain = {r.name: r.inputs["tags"] for r in capture_program(lambda: DomainStack(DomainStackArgs(spec, inputs, SETTINGS)), project="marketing")
             .registrations if taggable(r.type)}
    got = {r.name: r.inputs["tags"] for r in capture_program(lambda: DomainStack(DomainStackArgs(spec, inputs, SETTINGS, tags=extra)),
                                                             project="marketing").registrations if taggable(r.type)}
    assert len(got) == 10 + 1 + 8 and set(got) == set(plain)  # ... alert topic and alarms (2 S3, 2 stream, 2 x 2 pipeline)
    for name, tags in got.items():
        assert tags == {"team": "growth", **plain[name]}, name  # the mesh's dmesh:* values, whatever the program asked


def test_a_guarded_buckets_children_claim_the_urns_they_had_under_the_products_storage(build, example_specs):
    got = build(example_specs["sales"])
    guard = got.named("sales-orders-guard")
    assert guard.type == "dmesh:storage:GuardedBucket" and got.parent_of(guard).name == "sales-orders"
    children = [r for r in got.registrations if r.parent == guard.urn]
    assert {r.name for r in children} == {f"sales-orders-{part}" for part in STORAGE_PARTS}
    for child in children:
        assert child.urn.replace("$dmesh:storage:GuardedBucket$", "$") in child.aliases, child.name
