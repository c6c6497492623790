"""ODCS v3 contracts: checked against the standard's own schema, then turned into columns."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from blueprints import BlueprintError
from blueprints.contracts import load_contract
from meshtest import EXAMPLE_MESH, line_of

GOOD = (EXAMPLE_MESH / "sales" / "contracts" / "orders.odcs.yaml").read_text()


def write(tmp_path: Path, text: str) -> Path:
    file = tmp_path / "c.odcs.yaml"
    file.write_text(text)
    return file


def test_example_contract_loads(tmp_path):
    contract = load_contract(write(tmp_path, GOOD), "orders")
    assert (contract.id, contract.version, contract.status) == ("urn:datacontract:sales:orders", "1.4.0", "active")
    assert [c.name for c in contract.columns][:3] == ["order_id", "line_no", "customer_id"]
    customer = contract.columns[2]
    assert customer.classification == "confidential" and customer.required


def test_missing_required_odcs_field(tmp_path):
    file = write(tmp_path, GOOD.replace("id: urn:datacontract:sales:orders\n", ""))
    with pytest.raises(BlueprintError) as info:
        load_contract(file, "orders")
    [finding] = info.value.findings
    assert finding.message == "'id' is a required property" and finding.file == file


def test_wrong_kind(tmp_path):
    file = write(tmp_path, GOOD.replace("kind: DataContract", "kind: Contract"))
    with pytest.raises(BlueprintError) as info:
        load_contract(file, "orders")
    [finding] = info.value.findings
    assert finding.field == "kind" and finding.line == line_of(file, "kind: Contract")


def test_odcs_v2_is_refused(tmp_path):
    file = write(tmp_path, GOOD.replace("apiVersion: v3.0.2", "apiVersion: v2.2.2"))
    with pytest.raises(BlueprintError) as info:
        load_contract(file, "orders")
    assert any("is not ODCS v3" in f.message for f in info.value.findings)


def test_unknown_classification_in_a_property(tmp_path):
    file = write(tmp_path, GOOD.replace("classification: confidential", "classification: top-secret"))
    with pytest.raises(BlueprintError) as info:
        load_contract(file, "orders")
    [finding] = info.value.findings
    assert finding.field == "schema[0].properties[2].classification"
    assert finding.line == line_of(file, "classification: top-secret")
    assert "unknown classification 'top-secret'" in finding.message


def test_logical_type_outside_odcs(tmp_path):
    file = write(tmp_path, GOOD.replace("logicalType: integer\n        physicalType: int", "logicalType: blob"))
    with pytest.raises(BlueprintError) as info:
        load_contract(file, "orders")
    [finding] = info.value.findings
    assert finding.field.startswith("schema[0].properties[1]") and finding.line == line_of(file, "logicalType: blob")


def test_property_without_derivable_type(tmp_path):
    file = write(tmp_path, GOOD.replace("logicalType: integer\n        physicalType: int", "logicalType: object"))
    with pytest.raises(BlueprintError) as info:
        load_contract(file, "orders")
    [finding] = info.value.findings
    assert (finding.field, finding.message) == ("schema[0].properties[1]", "an object column needs `properties` that say what it holds")


def test_contract_without_schema(tmp_path):
    head = GOOD.split("schema:")[0]
    with pytest.raises(BlueprintError) as info:
        load_contract(write(tmp_path, head), "orders")
    assert info.value.findings[0].message == "the contract defines no schema object"


CUSTOMERS = (EXAMPLE_MESH / "sales" / "contracts" / "customers.odcs.yaml").read_text()


def findings_of(tmp_path, text, product="orders"):
    with pytest.raises(BlueprintError) as info:
        load_contract(write(tmp_path, text), product)
    return [(f.field, f.message) for f in info.value.findings]


def test_nested_classification_is_the_columns(tmp_path):
    """A struct inside an array carries its own classification up: the column is as sensitive as what it holds."""
    text = CUSTOMERS.replace("        classification: restricted\n        items:", "        items:").replace(
        "            - name: street\n              logicalType: string", "            - name: street\n              logicalType: string\n              classification: restricted")
    contract = load_contract(write(tmp_path, text), "customers")
    assert next(c for c in contract.columns if c.name == "addresses").classification == "restricted"


def test_unknown_nested_classification(tmp_path):
    text = CUSTOMERS.replace("            - name: city\n              logicalType: string", "            - name: city\n              logicalType: string\n              classification: secretish")
    assert ("schema[0].properties[6].items.properties[1].classification", "unknown classification 'secretish'") in findings_of(tmp_path, text, "customers")


@pytest.mark.parametrize(("old", "new", "message"), [
    ("- name: line_no", "- name: order_id", "duplicate column name 'order_id'"),
    ("- name: line_no", "- name: ORDER_ID", "duplicate column name 'ORDER_ID'"),
    ("- name: line_no", "- name: line-no", "column name 'line-no' is not one Glue can hold"),
    ("- name: line_no", "- name: 'line no'", "column name 'line no' is not one Glue can hold"),
    ("- name: line_no", '- name: "line_no\\n"', "column name 'line_no\\n' is not one Glue can hold"),  # `$` also matches before a final newline
])
def test_column_names_glue_cannot_hold(tmp_path, old, new, message):
    assert any(m == message for _, m in findings_of(tmp_path, GOOD.replace(old, new, 1)))


def test_struct_field_names_that_would_break_the_type(tmp_path):
    text = CUSTOMERS.replace("            - name: street", "            - name: 'street:name<x>'")
    assert ("schema[0].properties[6].items.properties[0].name", "column name 'street:name<x>' is not one Glue can hold") in findings_of(tmp_path, text, "customers")


@pytest.mark.parametrize(("physical", "message"), [
    ("decimal(39,2)", "decimal(39,2) is outside Glue's bounds: precision 1-38 and a scale no larger than the precision"),
    ("decimal(10,12)", "decimal(10,12) is outside Glue's bounds: precision 1-38 and a scale no larger than the precision"),
    ("varchar(0)", "varchar(0) is outside Glue's bounds: a length of 1-65535"),
    ("char(300)", "char(300) is outside Glue's bounds: a length of 1-255"),
])
def test_impossible_glue_types(tmp_path, physical, message):
    text = GOOD.replace("physicalType: decimal(12,2)", f"physicalType: {physical}", 1)
    assert text != GOOD
    assert [m for _, m in findings_of(tmp_path, text)] == [message]


def test_a_physical_type_that_is_not_glue_falls_back_to_the_logical_type(tmp_path):
    """`physicalType` is often a database's own type name; the logical type then decides the Glue type."""
    text = GOOD.replace("        logicalType: number\n        physicalType: decimal(12,2)", "        logicalType: number\n        physicalType: money", 1)
    contract = load_contract(write(tmp_path, text), "orders")
    assert next(c for c in contract.columns if c.name == "amount").glue_type == "double"


@pytest.mark.parametrize(("physical", "glue_type"), [('"decimal(12,2)\\n"', "decimal(12,2)"), ('" String "', "string"),
                                                     ("decimal(\u0661\u0662,2)", "double"), ("varchar(\uff15)", "double")])
def test_a_physical_type_is_glue_s_exact_ascii_spelling_or_falls_back(tmp_path, physical, glue_type):
    """Surrounding space and case are forgiven; other scripts' digits, which Glue would not read, are not a Glue type."""
    text = GOOD.replace("physicalType: decimal(12,2)", f"physicalType: {physical}", 1)
    assert text != GOOD
    contract = load_contract(write(tmp_path, text), "orders")
    assert next(c for c in contract.columns if c.name == "amount").glue_type == glue_type


def test_dates_and_timestamps_stay_strings(tmp_path):
    """Unquoted YAML dates are what teams write; the standard's schema wants strings, and gets them."""
    text = GOOD.replace("status: active\n", "status: active\ncontractCreatedTs: 2022-10-03T10:00:00Z\n", 1)
    text += "customProperties:\n  - property: reviewed\n    value: 2022-10-03\n"
    contract = load_contract(write(tmp_path, text), "orders")
    assert contract.id == "urn:datacontract:sales:orders"


@pytest.mark.parametrize(("addition", "expected"), [
    # the standard's oneOf over quality kinds used to answer with an irrelevant branch ("'mustBe' is a required property")
    ("    quality:\n      - type: sql\n        querry: select 1\n",
     {("schema[0].quality[0]", "'query' is a required property"),
      ("schema[0].quality[0]", "Unevaluated properties are not allowed ('querry' was unexpected)")}),
    # a wrong nested value used to be followed by "unevaluated properties" noise about its valid siblings
    ("    authoritativeDefinitions:\n      - url: 1\n        type: x\n",
     {("schema[0].authoritativeDefinitions[0].url", "1 is not of type 'string'")}),
])
def test_schema_errors_name_the_real_problem(tmp_path, addition, expected):
    text = GOOD.replace("    physicalType: table\n", "    physicalType: table\n" + addition, 1)
    assert set(findings_of(tmp_path, text)) == expected


def test_organisation_labels_map_onto_the_mesh_levels(tmp_path):
    text = GOOD.replace("classification: confidential", "classification: PII", 1)
    contract = load_contract(write(tmp_path, text), "orders")
    assert next(c for c in contract.columns if c.name == "customer_id").classification == "restricted"


def test_an_unknown_label_names_the_accepted_ones_and_where_to_add_one(tmp_path):
    from blueprints.contracts import classification_labels

    text = GOOD.replace("classification: confidential", "classification: hush-hush", 1)
    with pytest.raises(BlueprintError) as info:
        load_contract(write(tmp_path, text), "orders")
    [finding] = info.value.findings
    assert finding.message == "unknown classification 'hush-hush'"
    assert finding.hint == (f"use one of {', '.join(sorted(classification_labels()))}, "
                            "or ask the platform team to map it in blueprints/classification-labels.yaml")
    assert {"pii", "sensitive", "restricted"} <= set(classification_labels())


@pytest.mark.parametrize(("logical", "options", "glue"), [
    ("integer", "{format: i32}", "int"), ("integer", "{format: i8}", "tinyint"), ("integer", "{format: u64}", "decimal(20,0)"),
    ("number", "{format: f32}", "float"), ("number", "{format: f64}", "double"), ("integer", "{minimum: 0}", "bigint"),
])
def test_logical_type_options_choose_the_glue_type(tmp_path, logical, options, glue):
    text = GOOD.replace("        physicalType: int\n", f"        logicalTypeOptions: {options}\n", 1).replace(
        "- name: line_no\n        logicalType: integer", f"- name: line_no\n        logicalType: {logical}", 1)
    contract = load_contract(write(tmp_path, text), "orders")
    assert next(c for c in contract.columns if c.name == "line_no").glue_type == glue


@pytest.mark.parametrize(("logical", "message"), [
    ("array", "an array column needs `items` that say what it holds"),
    ("object", "an object column needs `properties` that say what it holds"),
])
def test_a_container_without_its_content_gets_one_clear_finding(tmp_path, logical, message):
    text = GOOD.replace("- name: line_no\n        logicalType: integer\n        physicalType: int\n",
                        f"- name: line_no\n        logicalType: {logical}\n", 1)
    assert findings_of(tmp_path, text) == [("schema[0].properties[1]", message)]


@pytest.mark.parametrize("version", ["v3.0.0", "v3.0.1", "v3.0.2", "v3.1.0", "v3.2.0"])
def test_every_v3_version_the_installed_schema_knows_loads(tmp_path, version):
    from importlib import resources

    known = json.loads(resources.files("open_data_contract_standard").joinpath("schema.json").read_text())["properties"]["apiVersion"]["enum"]
    assert version in known
    contract = load_contract(write(tmp_path, GOOD.replace("apiVersion: v3.0.2", f"apiVersion: {version}")), "orders")
    assert contract.columns
