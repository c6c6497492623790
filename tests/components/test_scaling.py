"""A domain's footprint grows linearly with its products, and nothing is shared across products by accident."""

from __future__ import annotations

import dataclasses

from blueprints import DomainSpec


def with_products(spec: DomainSpec, count: int) -> DomainSpec:
    template = spec.product("orders")
    products = tuple(dataclasses.replace(template, name=f"product-{i}", inputs=(), grants=()) for i in range(count))
    return dataclasses.replace(spec, products=products)


def test_resource_count_is_linear_in_products(build, example_specs):
    counts = [len(build(with_products(example_specs["sales"], n), {}).registrations) for n in (1, 2, 3, 5)]
    per_product = counts[1] - counts[0]
    assert per_product > 0
    assert counts == [counts[0] + per_product * (n - 1) for n in (1, 2, 3, 5)]


def test_no_resource_is_shared_across_products(build, example_specs):
    got = build(with_products(example_specs["sales"], 3), {})
    for reg in got.registrations:
        text = str(reg.inputs)
        mentioned = {f"product-{i}" for i in range(3) if f"product-{i}" in text}
        # a product resource mentions its own product only; domain resources (key, roles, namespace) may span all
        if reg.name.startswith(("sales-product-", "sales-catalog-product-", "sales-compute-product-")):
            own = next(f"product-{i}" for i in range(3) if f"-product-{i}-" in reg.name + "-" or reg.name.endswith(f"product-{i}"))
            assert mentioned <= {own}, (reg.name, mentioned)
    names = [r.inputs.get("bucket") for r in got.of_type("s3/bucket:Bucket")]
    assert len(set(names)) == 3
