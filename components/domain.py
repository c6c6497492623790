"""DomainStack: one component that turns a DomainSpec into the domain's whole footprint."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pulumi

from blueprints import BlueprintError, DomainSpec, Finding, ProductRef, ProductSpec, load_domain, load_presets

from .catalog import DomainCatalog
from .compute import DomainCompute
from .iam import DomainAccess
from .settings import PlatformSettings, load_settings
from .storage import DomainKey, ProductStorage
from .streaming import ProductStream


class DomainStack(pulumi.ComponentResource):
    def __init__(self, spec: DomainSpec, inputs: Mapping[ProductRef, ProductSpec], settings: PlatformSettings,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        name = spec.name
        super().__init__("dmesh:domain:DomainStack", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.key = DomainKey(f"{name}-key", spec, settings, child)
        self.storage = {p.name: ProductStorage(f"{name}-{p.name}", spec, p, self.key, settings, child) for p in spec.products if p.s3}
        self.streams = {p.name: ProductStream(f"{name}-{p.name}-stream", spec, p, self.key, settings, child) for p in spec.products if p.kinesis}
        self.access = DomainAccess(f"{name}-access", spec, inputs, self.key, settings, child)
        bucket_names = {product: storage.bucket_name for product, storage in self.storage.items()}
        self.compute = DomainCompute(f"{name}-compute", spec, self.access.producer.arn, bucket_names, settings, child)
        self.catalog = DomainCatalog(f"{name}-catalog", spec, bucket_names, settings, child)
        self.outputs = {
            "buckets": bucket_names,
            "streams": {p: s.stream_name for p, s in self.streams.items()},
            "producerRoleArn": self.access.producer.arn,
            "consumerRoleArn": self.access.consumer.arn,
            "keyArn": self.key.arn,
            "namespace": self.compute.namespace_name,
            "catalogDatabase": self.catalog.database_name,
        }
        self.register_outputs(self.outputs)


def resolve_inputs(spec: DomainSpec, presets: dict) -> dict[ProductRef, ProductSpec]:
    """Load the producers of the domain's inputs from sibling folders (the consumer side needs their ports)."""
    producers: dict[str, DomainSpec] = {spec.name: spec}
    resolved: dict[ProductRef, ProductSpec] = {}
    for i, consumer in enumerate(spec.products):
        for j, ref in enumerate(consumer.inputs):
            if ref.domain not in producers:
                producers[ref.domain] = load_domain(spec.folder.parent / ref.domain, presets)
            product = producers[ref.domain].product(ref.product)
            if product is None:
                where = f"spec.dataProducts[{i}].inputs[{j}]"
                raise BlueprintError([Finding(spec.file, spec.line_of(where), where, f"domain {ref.domain!r} has no product {ref.product!r}")])
            resolved[ref] = product
    return resolved


def deploy_domain(main_file: str) -> DomainStack:
    """Entry point of a domain stack's `__main__.py`: load the blueprint beside it and build the domain."""
    folder = Path(main_file).resolve().parent
    try:
        presets = load_presets()
        spec = load_domain(folder, presets)
        inputs = resolve_inputs(spec, presets)
    except BlueprintError as exc:
        raise pulumi.RunError(f"the blueprint is invalid; run `dmesh validate {folder}`:\n{exc}") from None
    stack = DomainStack(spec, inputs, load_settings())
    for key, value in stack.outputs.items():
        pulumi.export(key, value)
    return stack
