"""Every product's registry document is an ODPS v1.0.0 descriptor, valid against the standard's published schema."""

from __future__ import annotations

import json

import pytest

from blueprints import load_mesh
from blueprints.descriptor import describe_product, document_json, validate_odps
from meshtest import EXAMPLE_MESH

MESH = load_mesh(EXAMPLE_MESH, {}).domains
INPUTS = {r: MESH[r.domain].product(r.product) for d in MESH.values() for p in d.products for r in p.inputs}
PRODUCTS = [(d, p.name) for d in sorted(MESH) for p in MESH[d].products]


@pytest.mark.parametrize(("domain", "product"), PRODUCTS, ids=[f"{d}.{p}" for d, p in PRODUCTS])
def test_every_example_product_is_a_valid_odps_document(domain, product):
    spec = MESH[domain]
    document = json.loads(document_json(describe_product(spec, spec.product(product), "123456789012", "eu-west-1", INPUTS)))
    assert validate_odps(document) == []
    assert (document["apiVersion"], document["kind"], document["id"], document["domain"]) == ("v1.0.0", "DataProduct", f"urn:dmesh:{domain}:{product}", domain)
    assert [p["name"] for p in document["inputPorts"]] == [str(i) for i in spec.product(product).inputs]
    assert all(p["contractId"] != "unknown" for p in document["inputPorts"])
    assert {p["property"] for p in document["customProperties"]} == {
        "classification", "costCenter", "contract", "sla", "servers", "catalog", "grants", "observability"}


def test_the_validator_refuses_what_the_standard_refuses():
    spec = MESH["sales"]
    document = json.loads(document_json(describe_product(spec, spec.product("orders"), "123456789012", "eu-west-1", INPUTS)))
    broken = {**document, "owner": "sales-data@acme.example", "outputPorts": [{"type": "s3"}]}
    problems = validate_odps(broken)
    assert any("'owner' was unexpected" in p for p in problems)
    assert any(p.startswith("outputPorts/0: 'name' is a required property") for p in problems)
