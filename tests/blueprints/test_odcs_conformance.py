"""The standard's own examples as a conformance suite: each builds a product, or is refused for its real reason.

Each example is loaded as the product named like its first schema object (the file stem when it has none).
"""

from __future__ import annotations


import pytest
from ruamel.yaml import YAML

from blueprints import BlueprintError
from blueprints.contracts import load_contract
from meshtest import REPO

EXAMPLES = REPO / "tests" / "data" / "odcs-examples"
# example -> number of columns it gives, or the first finding's message
EXPECTED: dict[str, int | str] = {
    "all--full-example": 7,  # two tables: tbl (with a partition key) and receivers
    "all--postgresql-adventureworks-contract": "an object column needs `properties` that say what it holds",
    "data-types--all-data-types": "an array column needs `items` that say what it holds",
    "fundamentals--table-column-description": 1,
    "quality--column-accuracy": 1,
    "quality--column-completeness": 1,
    "quality--column-custom": 1,
    "quality--column-validity": 1,
    "roles--service-and-operational-roles": "the contract defines no schema object",
    "schema--all-schema-types": 5,  # three tables
    "schema--kafka-schema": 3,
    "schema--kafka-schemaregistry": "the schema object has no properties",
    "schema--table-column": 1,
    "schema--table-columns-with-partition": 4,
    "server--azure-server": "the contract defines no schema object",
    "server--kafka-server": "the schema object has no properties",
    "sla--database-table-sla": "the contract defines no schema object",
    "stakeholders--basic-four-dpo": "the contract defines no schema object",
}


def test_every_example_is_in_the_table():
    assert sorted(f.name.removesuffix(".odcs.yaml") for f in EXAMPLES.glob("*.odcs.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("example", sorted(EXPECTED))
def test_example(example):
    file = EXAMPLES / f"{example}.odcs.yaml"
    schema = (YAML(typ="safe").load(file.read_text(encoding="utf-8")) or {}).get("schema") or []
    product = schema[0]["name"] if schema else example
    expected = EXPECTED[example]
    if isinstance(expected, int):
        assert len(load_contract(file, product).columns) == expected
        return
    with pytest.raises(BlueprintError) as caught:
        load_contract(file, product)
    assert caught.value.findings[0].message == expected

