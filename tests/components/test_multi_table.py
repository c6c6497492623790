"""A product that publishes several tables: one Glue table per schema object, side by side under the product's prefix,
partitioned as the contract says, and read by consumers through exactly those tables."""

from __future__ import annotations

import dataclasses
import json

from blueprints import ProductRef, load_mesh
from blueprints.contracts import load_contract
from meshtest import EXAMPLE_MESH

DB = "arn:aws:glue:eu-west-1:123456789012"


def test_each_schema_object_is_a_table_under_the_products_prefix(build, example_specs):
    got = build(example_specs["ml-features"])
    tables = {r.name: r.inputs for r in got.of_type("glue/catalogTable:CatalogTable") if r.inputs["name"].startswith("training_sets")}
    assert sorted(tables) == ["ml-features-catalog-training-sets-features-table", "ml-features-catalog-training-sets-labels-table"]
    features, labels = tables["ml-features-catalog-training-sets-features-table"], tables["ml-features-catalog-training-sets-labels-table"]
    assert (features["name"], features["storageDescriptor"]["location"]) == (
        "training_sets__features", "s3://dm-ml-features-training-sets/training-sets/features/")
    assert (labels["name"], labels["storageDescriptor"]["location"]) == ("training_sets__labels", "s3://dm-ml-features-training-sets/training-sets/labels/")
    assert [(c["name"], c["type"]) for c in features["storageDescriptor"]["columns"]] == [
        ("customer_id", "string"), ("order_count_90d", "bigint"), ("spend_90d", "decimal(12,2)")]
    assert [(c["name"], c["type"]) for c in labels["storageDescriptor"]["columns"]] == [("customer_id", "string"), ("churned", "boolean")]
    assert features["partitionKeys"] == labels["partitionKeys"] == [{"name": "snapshot_date", "type": "date"}]
    assert (features["parameters"]["dmesh:table"], labels["parameters"]["dmesh:table"]) == ("features", "labels")
    assert features["parameters"]["dmesh:product"] == "training-sets" and "dmesh:table" not in tables and all(
        got.named(name).protect for name in tables)


def test_a_one_table_product_keeps_its_names(build, example_specs):
    got = build(example_specs["ml-features"])
    scores = got.named("ml-features-catalog-churn-scores-table").inputs
    assert scores["name"] == "churn_scores" and scores["storageDescriptor"]["location"] == "s3://dm-ml-features-churn-scores/churn-scores/"
    assert "dmesh:table" not in scores["parameters"] and "partitionKeys" not in scores


def test_the_registry_document_lists_every_table(build, example_specs):
    got = build(example_specs["ml-features"])
    document = json.loads(got.named("ml-features-catalog-training-sets-registry").inputs["content"])
    catalog = next(p["value"] for p in document["customProperties"] if p["property"] == "catalog")
    assert catalog["database"] == "dm_ml_features"
    assert [(t["name"], t["glueTable"], t["location"], t["partitionKeys"]) for t in catalog["tables"]] == [
        ("features", "training_sets__features", "s3://dm-ml-features-training-sets/training-sets/features/", [{"name": "snapshot_date", "type": "date"}]),
        ("labels", "training_sets__labels", "s3://dm-ml-features-training-sets/training-sets/labels/", [{"name": "snapshot_date", "type": "date"}])]


def test_a_consumer_reads_exactly_the_products_tables_and_prefix(build, example_specs):
    ml = example_specs["ml-features"]
    training = ml.product("training-sets")
    # a product of ml-features that reads training-sets (inside the domain, so no grant is needed)
    scores = dataclasses.replace(ml.product("churn-scores"), inputs=(ProductRef("ml-features", "training-sets"),))
    spec = dataclasses.replace(ml, products=tuple(scores if p.name == "churn-scores" else p for p in ml.products))
    got = build(spec, {ProductRef("ml-features", "training-sets"): training})
    statements = {s["Sid"]: s for s in json.loads(got.named("ml-features-access-consumer-policy").inputs["policy"])["Statement"]}
    assert statements["InputCatalogRead"]["Resource"] == [
        f"{DB}:catalog", f"{DB}:database/dm_ml_features", f"{DB}:table/dm_ml_features/training_sets__features",
        f"{DB}:table/dm_ml_features/training_sets__labels"]
    assert statements["ReadMlFeaturesTrainingSets"]["Resource"] == "arn:aws:s3:::dm-ml-features-training-sets/training-sets/*"
    assert statements["ListMlFeaturesTrainingSets"]["Condition"] == {"StringLike": {"s3:prefix": ["training-sets/*"]}}


def test_a_blueprint_may_publish_only_some_tables(mesh, edit):
    edit("ml-features/domain.yaml", "      contract: contracts/training-sets.odcs.yaml\n",
         "      contract: contracts/training-sets.odcs.yaml\n      tables: [labels]\n")
    [table] = load_mesh(mesh, {}).domains["ml-features"].product("training-sets").contract.tables
    # one table: the product's own name and prefix, as for any one-table product
    assert (table.name, table.glue_name, table.prefix) == ("labels", "training_sets", "training-sets/")


def test_a_mapped_label_classifies_the_column_and_the_products_resources(build, mesh, edit):
    edit("sales/contracts/store-locations.odcs.yaml", "        primaryKey: true\n        classification: public\n",
         "        primaryKey: true\n        classification: pii\n")
    refused = [f.message for f in load_mesh(mesh, {}).findings if f.file == mesh / "sales" / "domain.yaml"]
    assert refused == ["product is public but its contract's column 'store_id' is restricted (store-locations.odcs.yaml:20)"]
    edit("sales/domain.yaml", "      classification: public\n", "      classification: restricted\n")
    edit("marketing/domain.yaml", "inputs: [marketing.web-events, sales.store-locations]", "inputs: [marketing.web-events]")
    sales = load_mesh(mesh, {}).domains["sales"]
    product = sales.product("store-locations")
    assert product.contract.columns[0].classification == "restricted"
    got = build(sales)
    assert got.named("sales-store-locations-bucket").inputs["tags"]["dmesh:classification"] == "restricted"


def test_contract_table_errors_are_reported_with_their_line(tmp_path):
    source = (EXAMPLE_MESH / "ml-features" / "contracts" / "training-sets.odcs.yaml").read_text()
    cases = {
        "bad name": (source.replace("  - name: labels", "  - name: 'labels table'"),
                     "schema object name 'labels table' cannot name a table of a multi-table product"),
        "same table": (source.replace("  - name: labels", "  - name: Features"), "schema object name 'Features' gives the same table as another object"),
        "struct key": (source.replace("      - name: snapshot_date\n        logicalType: date\n        partitioned: true",
                                      "      - name: snapshot_date\n        logicalType: object\n        properties: [{name: d, logicalType: date}]\n"
                                      "        partitioned: true", 1),
                       "partition key 'snapshot_date' is a struct; a partition value is one scalar"),
    }
    for label, (text, message) in cases.items():
        file = tmp_path / f"{label.replace(' ', '-')}.odcs.yaml"
        file.write_text(text)
        try:
            load_contract(file, "training-sets")
        except Exception as exc:  # noqa: BLE001 - the finding is what is checked
            findings = getattr(exc, "findings", [])
            assert [f.message for f in findings] == [message], label
            assert findings[0].line > 1, label
        else:
            raise AssertionError(f"{label}: accepted")
    file = tmp_path / "listed.odcs.yaml"
    file.write_text(source)
    try:
        load_contract(file, "training-sets", ("labels", "scores"))
    except Exception as exc:  # noqa: BLE001
        assert [f.message for f in exc.findings] == [  # type: ignore[attr-defined]
            "the blueprint lists tables ['scores'] that the contract does not define (its schema objects: ['features', 'labels'])"]
    else:
        raise AssertionError("a missing listed table was accepted")
