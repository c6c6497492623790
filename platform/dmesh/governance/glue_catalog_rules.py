"""Every data product is discoverable: its bucket has a Glue table and a registry document."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from .rule import Rule
from blueprints import naming
from blueprints.vocabulary import TAG_DOMAIN, TAG_PRODUCT

from .resources import BUCKET_OBJECT_TYPES, BUCKET_TYPES, GLUE_TABLE, ResourceView


def catalog_entry_required(resources: Sequence[ResourceView], config: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    tables = [r for r in resources if r.type == GLUE_TABLE]
    documents = [r for r in resources if r.type in BUCKET_OBJECT_TYPES]
    for bucket in (r for r in resources if r.type in BUCKET_TYPES):
        tags = bucket.tags()
        product, domain = tags.get(TAG_PRODUCT), tags.get(TAG_DOMAIN)
        if not product:
            continue
        name = bucket.props.get("bucket") or bucket.name
        has_table = any(
            str(t.get("storageDescriptor", "location", default="")).startswith(f"s3://{name}/")
            or bucket.urn in t.property_dependencies.get("storageDescriptor", ())
            for t in tables
        )
        key = naming.registry_key(str(domain), str(product))
        has_document = any(d.props.get("key") == key for d in documents)
        if not has_table:
            yield bucket.urn, f"product bucket {name!r} ({domain}.{product}) has no Glue table pointing at it"
        if not has_document:
            yield bucket.urn, f"product {domain}.{product} has no registry document {key}"


RULES = (
    Rule("catalog-entry-required", "Every product bucket has a Glue table and a registry document in the same stack.",
         "mandatory", "stack", catalog_entry_required, "low", ("catalog", "discoverability")),
)
