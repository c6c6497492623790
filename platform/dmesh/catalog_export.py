"""`dmesh catalog export`: the mesh in the formats other tools ingest as is.

- `odps`: every product's ODPS v1.0.0 document (the registry document, with the account and region of the
  domain's stack config), one file each.
- `backstage`: one `catalog-info.yaml` with, per domain, a `Group` (its owners), a `Domain` and a `System`, and per
  product a `Resource` of type `data-product` that `dependsOn` the products it reads, so Backstage draws the lineage.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from blueprints import DomainSpec, ProductRef
from blueprints.descriptor import describe_product, document_json

API_VERSION = "backstage.io/v1alpha1"
RESOURCE_TYPE = "data-product"


class ExportError(Exception):
    """What stops an export (a domain whose stack config lacks the account or region)."""


def _stack_settings(spec: DomainSpec, stack: str) -> tuple[str, str]:
    from .review.project import ProjectError, load_project

    try:
        config = load_project(spec.folder, stack).config
    except ProjectError as exc:
        raise ExportError(str(exc)) from None
    account, region = config.get("dmesh:accountId"), config.get("aws:region")
    if not account or not region:
        raise ExportError(f"{spec.folder / f'Pulumi.{stack}.yaml'}: needs dmesh:accountId and aws:region for the documents' ARNs "
                          f"(pulumi config set ...), or pick another --stack")
    return str(account), str(region)


def odps_documents(domains: Mapping[str, DomainSpec], stack: str) -> dict[str, str]:
    """File name -> ODPS JSON, for every product."""
    inputs = {r: domains[r.domain].product(r.product) for d in domains.values() for p in d.products for r in p.inputs if r.domain in domains}
    files = {}
    for spec in sorted(domains.values(), key=lambda d: d.name):
        account, region = _stack_settings(spec, stack)
        for product in spec.products:
            files[f"{spec.name}.{product.name}.odps.json"] = document_json(describe_product(spec, product, account, region, inputs)) + "\n"
    return files


def _tag(text: str) -> str:
    """A Backstage tag: lowercase words of [a-z0-9:+#] joined by '-', at most 63 characters."""
    return re.sub(r"-+", "-", re.sub(r"[^a-z0-9:+#]+", "-", text.lower())).strip("-")[:63]


def _resource(ref: ProductRef) -> str:
    return f"{ref.domain}-{ref.product}"


def backstage_entities(domains: Mapping[str, DomainSpec]) -> list[dict[str, Any]]:
    entities: list[dict[str, Any]] = []
    for spec in sorted(domains.values(), key=lambda d: d.name):
        group, system = f"group:default/{spec.name}-team", f"system:default/{spec.name}-data-products"
        annotations = {"dmesh.io/domain": spec.name, "dmesh.io/preset": spec.preset}
        entities += [
            {"apiVersion": API_VERSION, "kind": "Group",
             "metadata": {"name": f"{spec.name}-team", "title": f"{spec.name} data team", "annotations": annotations},
             "spec": {"type": "team", "children": [], "profile": {"displayName": f"{spec.name} data team", "email": spec.owner}}},
            {"apiVersion": API_VERSION, "kind": "Domain",
             "metadata": {"name": spec.name, "description": spec.description or f"The {spec.name} domain of the data mesh", "annotations": annotations},
             "spec": {"owner": group}},
            {"apiVersion": API_VERSION, "kind": "System",
             "metadata": {"name": f"{spec.name}-data-products", "title": f"{spec.name} data products", "annotations": annotations},
             "spec": {"owner": group, "domain": f"domain:default/{spec.name}", "type": "data-mesh-domain"}},
        ]
        for product in spec.products:
            ref = ProductRef(spec.name, product.name)
            entities.append({
                "apiVersion": API_VERSION, "kind": "Resource",
                "metadata": {
                    "name": _resource(ref), "title": str(ref), "description": product.description or product.contract.name,
                    "tags": [_tag(product.classification), _tag(f"preset-{spec.preset}")],
                    "annotations": {**annotations, "dmesh.io/product": product.name, "dmesh.io/classification": product.classification,
                                    "dmesh.io/contract-id": product.contract.id, "dmesh.io/contract-version": product.contract.version},
                },
                "spec": {"type": RESOURCE_TYPE, "owner": group, "system": system,
                         "dependsOn": [f"resource:default/{_resource(i)}" for i in product.inputs]},
            })
    return entities


def backstage_yaml(entities: list[dict[str, Any]]) -> str:
    """Multi-document YAML, one entity per document, as Backstage reads a `catalog-info.yaml` Location."""
    import io

    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[attr-defined]
    buffer = io.StringIO()
    yaml.dump_all(entities, buffer)
    return buffer.getvalue()


def write_files(directory: Path, files: Mapping[str, str]) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in files.items():
        path = directory / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
