"""A violation points at the blueprint line of the product its resource belongs to, found without reading logical names."""

from __future__ import annotations

from pathlib import Path

import pytest

from blueprints import load_mesh
from components import DomainStack, DomainStackArgs
from components.testing import capture_program
from dmesh.governance.config import mesh_levels
from dmesh.review.locate import locate
from meshtest import EXAMPLE_MESH, SETTINGS, line_of


@pytest.fixture(scope="module")
def sales():
    specs = load_mesh(EXAMPLE_MESH, mesh_levels()).domains
    spec = specs["sales"]
    inputs = {ref: specs[ref.domain].product(ref.product) for p in spec.products for ref in p.inputs}
    return spec, capture_program(lambda: DomainStack(DomainStackArgs(spec, inputs, SETTINGS)), project="sales")


@pytest.mark.parametrize(("resource", "product"), [
    ("sales-orders-policy", "orders"),                          # untagged child of the product's storage
    ("sales-orders-stream-policy", "orders"),                   # untagged child of the product's stream
    ("sales-customers-public-access-block", "customers"),
    ("sales-store-locations-bucket", "store-locations"),        # tagged
    ("sales-compute-customers-pipeline", "customers"),          # labelled
    ("sales-catalog-orders-table", "orders"),                   # Glue parameters
])
def test_product_resources_point_at_their_product(sales, resource, product):
    spec, captured = sales
    by_urn = {r.urn: r for r in captured.registrations}
    file, line = locate(captured.named(resource).urn, by_urn, spec, Path("__main__.py"))
    assert (file, line) == (spec.file, line_of(spec.file, f"- name: {product}"))


def test_domain_resources_point_at_the_domain(sales):
    spec, captured = sales
    by_urn = {r.urn: r for r in captured.registrations}
    assert locate(captured.named("sales-access-boundary").urn, by_urn, spec, Path("__main__.py")) == (spec.file, line_of(spec.file, "name: sales"))
    assert locate("urn:unknown", by_urn, spec, Path("main.py")) == (Path("main.py"), 1)
