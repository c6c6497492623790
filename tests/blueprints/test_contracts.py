"""ODCS v3 contracts: checked against the standard's own schema, then turned into columns."""

from __future__ import annotations

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
    assert finding.field == "schema[0].properties[1]" and "cannot derive a column type" in finding.message


def test_contract_without_schema(tmp_path):
    head = GOOD.split("schema:")[0]
    with pytest.raises(BlueprintError) as info:
        load_contract(write(tmp_path, head), "orders")
    assert info.value.findings[0].message == "the contract defines no schema object"
