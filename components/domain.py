"""DomainStack: the one component that reads a DomainSpec, and turns it into the domain's whole footprint.

Every component below it takes typed args (names, documents, tags) in the style of pulumi-awsx, so the
platform stack, tests and future components use them without a blueprint.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pulumi

from blueprints import BlueprintError, DomainSpec, Finding, ProductRef, ProductSpec, handoff, naming
from blueprints.descriptor import describe_product, document_json
from blueprints.monitoring import product_monitors
from blueprints.spec import TableSpec
from blueprints.vocabulary import (
    METRIC_PRODUCT_DIMENSION,
    METRIC_RUN_FAILED,
    METRIC_RUN_SUCCEEDED,
    MONITOR_S3_FRESHNESS,
    PARAM_SLA_AVAILABILITY,
    PARAM_SLA_FRESHNESS,
    TAG_CLASSIFICATION,
    TAG_DOMAIN,
    TAG_OWNER,
    TAG_PRODUCT,
)

from . import policies, tagging
from .catalog import TABLE_PARAMETER, DomainCatalog, DomainCatalogArgs, ProductEntryArgs, TableArgs
from .compute import DomainCompute, DomainComputeArgs, PipelineArgs
from .iam import DomainAccess, DomainAccessArgs
from .monitoring import DomainMonitoring, DomainMonitoringArgs, ProductMonitorsArgs, RequestMetricsArgs
from .settings import PlatformSettings, load_settings
from .storage import DomainKey, DomainKeyArgs, GuardedBucketArgs, InventoryArgs, ProductStorage, ProductStorageArgs
from .streaming import ProductStream, ProductStreamArgs


@dataclass(frozen=True)
class DomainStackArgs:
    spec: DomainSpec
    inputs: Mapping[ProductRef, ProductSpec]  # the products the domain reads, resolved from their producers
    settings: PlatformSettings
    tags: Mapping[str, str] = field(default_factory=dict)  # extra tags for every resource; the mesh's own tags win


def table_parameters(spec: DomainSpec, product: ProductSpec) -> dict[str, str]:
    """Glue's `classification` is the data format; the mesh's sensitivity goes under `dmesh:`."""
    params = {
        "EXTERNAL": "TRUE",
        TAG_DOMAIN: spec.name,
        TAG_PRODUCT: product.name,
        TAG_OWNER: spec.owner,
        TAG_CLASSIFICATION: product.classification,
        "dmesh:contract-id": product.contract.id,
        "dmesh:contract-version": product.contract.version,
        PARAM_SLA_FRESHNESS: str(product.sla.freshness_hours or ""),
        PARAM_SLA_AVAILABILITY: str(product.sla.availability or ""),
    }
    if product.s3:
        params["classification"] = product.s3.format
        if product.s3.format == "csv":
            params["skip.header.line.count"] = "1"
    else:
        params["classification"] = "json"
        params["typeOfData"] = "kinesis"
    return params


def _image_version(image: str) -> str:
    tail = image.rsplit("/", 1)[-1]
    return tail.split(":", 1)[1][:63] if ":" in tail else "latest"


class DomainStack(pulumi.ComponentResource):
    def __init__(self, args: DomainStackArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        spec, settings = args.spec, args.settings
        name = spec.name
        super().__init__("dmesh:domain:DomainStack", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        def tags(product: ProductSpec | None = None) -> dict[str, str]:
            return tagging.tags(spec, product, args.tags)

        self.key = DomainKey(f"{name}-key", DomainKeyArgs(
            alias=naming.key_alias(name), description=f"dmesh data key of domain {name}", policy=policies.key_policy(settings, spec), tags=tags(),
        ), child)
        self.storage = {p.name: ProductStorage(f"{name}-{p.name}", ProductStorageArgs(p.name, GuardedBucketArgs(
            bucket=naming.bucket_name(name, p.name), key_arn=self.key.arn,
            policy=policies.json_text(policies.bucket_policy(settings, name, p.name, p.grants)),
            expire_days=p.retention_days, log_target=settings.audit_bucket, tags=tags(p),
            # tiering only pays for data that outlives it (S3 also refuses a transition on or after the expiration day)
            tiering_after_days=p.storage.tiering_after_days if (p.storage.tiering_after_days or 0) < p.retention_days else None,
            inventory=InventoryArgs(settings.audit_bucket, p.storage.inventory, naming.INVENTORY_PREFIX.rstrip("/")) if p.storage.inventory else None,
        )), child) for p in spec.products if p.s3}
        self.streams = {p.name: ProductStream(f"{name}-{p.name}-stream", ProductStreamArgs(
            product=p.name, stream=naming.stream_name(name, p.name), retention_hours=p.kinesis.retention_hours, key_arn=self.key.arn,
            policy=policies.stream_policy(settings, name, p.name, p.grants) if p.grants else None, tags=tags(p),
        ), child) for p in spec.products if p.kinesis}

        inputs = sorted(args.inputs.items(), key=lambda i: str(i[0]))
        consumer = policies.consumer_statements(settings, [policies.InputPorts(ref, p.s3 is not None, p.kinesis is not None,
                                                                              tuple(t.glue_name for t in p.contract.tables)) for ref, p in inputs])
        self.access = DomainAccess(f"{name}-access", DomainAccessArgs(
            boundary_name=naming.boundary_name(name), producer_role=naming.role_name(name, "producer"),
            consumer_role=naming.role_name(name, "consumer"), description=f"Permission boundary of every role of domain {name}",
            trust_policy=policies.irsa_trust(settings, spec), key_arn=self.key.arn,
            producer_policy=lambda key_arn: policies.document(policies.producer_statements(settings, spec, key_arn)),
            consumer_policy=policies.document(consumer) if consumer else None, tags=tags(),
        ), child)

        bucket_names = {product: storage.name for product, storage in self.storage.items()}
        self.monitoring = DomainMonitoring(f"{name}-monitoring", DomainMonitoringArgs(
            topic=naming.alert_topic(name), key_arn=self.key.arn, subscriber=spec.owner, topic_policy=policies.alert_topic_policy(settings, name),
            products=[self._monitors(spec, p, bucket_names.get(p.name), tags(p)) for p in spec.products], tags=tags(),
        ), child)
        self.compute = DomainCompute(f"{name}-compute", DomainComputeArgs(
            namespace=naming.namespace(name), service_account=naming.service_account(name), producer_role_arn=self.access.producer_role_arn,
            quota=spec.quota, limits=spec.limit_defaults, labels=tagging.labels(spec), annotations={"dmesh/owner": spec.owner},
            pipelines=[self._pipeline(spec, p, bucket_names.get(p.name), settings) for p in spec.products if p.pipeline is not None],
        ), child)
        self.catalog = DomainCatalog(f"{name}-catalog", DomainCatalogArgs(
            database=naming.glue_database(name), description=spec.description or f"dmesh domain {name}",
            parameters={TAG_OWNER: spec.owner, TAG_DOMAIN: name}, catalog_bucket=settings.catalog_bucket, tags=tags(),
            products=[self._catalog_entry(spec, p, bucket_names.get(p.name), settings, tags(p), args.inputs) for p in spec.products],
        ), child)
        self.outputs = {
            "buckets": bucket_names,
            "streams": {p: s.name for p, s in self.streams.items()},
            "producerRoleArn": self.access.producer_role_arn,
            "consumerRoleArn": self.access.consumer_role_arn,
            "keyArn": self.key.arn,
            "namespace": self.compute.name,
            "catalogDatabase": self.catalog.name,
            "alertTopicArn": self.monitoring.topic_arn,
        }
        self.register_outputs(self.outputs)

    @staticmethod
    def _monitors(spec: DomainSpec, product: ProductSpec, bucket: pulumi.Output[str] | None, tags: Mapping[str, str]) -> ProductMonitorsArgs:
        watched = product_monitors(spec, product)
        metrics = None
        if bucket is not None and watched.of_kind(MONITOR_S3_FRESHNESS):
            metrics = RequestMetricsArgs(bucket=bucket, filter_id=naming.request_metrics_filter(product.name), prefix=naming.product_prefix(product.name))
        return ProductMonitorsArgs(product=product.name, monitors=watched.monitors, paging=watched.alerting == "paging",
                                   request_metrics=metrics, tags=tags)

    @staticmethod
    def _pipeline(spec: DomainSpec, product: ProductSpec, bucket: pulumi.Output[str] | None, settings: PlatformSettings) -> PipelineArgs:
        pipeline = product.pipeline
        assert pipeline is not None
        env: list[tuple[str, pulumi.Input[str]]] = [
            ("DMESH_DOMAIN", spec.name), ("DMESH_PRODUCT", product.name), ("AWS_REGION", settings.region),
            # how a run reports its outcome (README, "When a product goes stale"): value 1 of one of these metrics
            ("DMESH_METRIC_NAMESPACE", naming.metric_namespace(spec.name)), ("DMESH_METRIC_DIMENSIONS", f"{METRIC_PRODUCT_DIMENSION}={product.name}"),
            ("DMESH_METRIC_SUCCEEDED", METRIC_RUN_SUCCEEDED), ("DMESH_METRIC_FAILED", METRIC_RUN_FAILED),
        ]
        if bucket is not None:
            env.append(("DMESH_BUCKET", bucket))
        if product.kinesis is not None:
            env.append(("DMESH_STREAM", naming.stream_name(spec.name, product.name)))
        labels = {
            **tagging.labels(spec, product),
            "app.kubernetes.io/name": product.name,
            "app.kubernetes.io/instance": f"{spec.name}-{product.name}",
            "app.kubernetes.io/component": "pipeline",
            "app.kubernetes.io/version": _image_version(pipeline.image),
        }
        return PipelineArgs(name=product.name, image=pipeline.image, schedule=pipeline.schedule, cpu=pipeline.cpu, memory=pipeline.memory,
                            labels=labels, env=env)

    @staticmethod
    def _catalog_entry(spec: DomainSpec, product: ProductSpec, bucket: pulumi.Output[str] | None, settings: PlatformSettings,
                       tags: Mapping[str, str], inputs: Mapping[ProductRef, ProductSpec]) -> ProductEntryArgs:
        data_format = product.s3.format if product.s3 is not None else "json"
        several = len(product.contract.tables) > 1

        def location(table: TableSpec) -> pulumi.Input[str]:
            if product.s3 is not None and bucket is not None:
                return bucket.apply(lambda b: f"s3://{b}/{table.prefix}")
            return naming.stream_name(spec.name, product.name)

        tables = [TableArgs(
            # a one-table product keeps the resource name it always had; the tables of a multi-table product are named after themselves
            key=f"{product.name}-{table.name.lower()}" if several else product.name, name=table.glue_name,
            description=product.description if not several else f"{product.description} ({table.name})".strip(),
            columns=table.columns, partition_keys=table.partition_keys, location=location(table),
            parameters={**table_parameters(spec, product), **({TABLE_PARAMETER: table.name} if several else {})},
        ) for table in product.contract.tables]
        descriptor = describe_product(spec, product, settings.account_id, settings.region, inputs)
        return ProductEntryArgs(
            product=product.name, format=data_format, tables=tables, registry_key=naming.registry_key(spec.name, product.name),
            registry_document=document_json(descriptor), tags=tags,
        )


def resolve_inputs(spec: DomainSpec, presets: dict) -> dict[ProductRef, ProductSpec]:
    """Load the producers of the domain's inputs from sibling folders (the consumer side needs their ports)."""
    from blueprints import load_domain

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
    handed = handoff.cached(folder)  # a review hands over what it already validated; `pulumi up` loads from the files
    if handed is not None:
        spec, domains = handed
        inputs = {ref: domains[ref.domain].product(ref.product) for p in spec.products for ref in p.inputs}
    else:  # the loader (pydantic models, YAML, JSON Schema) loads here only: a reviewed program is handed its specs
        from blueprints import load_domain, load_presets

        try:
            presets = load_presets()
            spec = load_domain(folder, presets)
            inputs = resolve_inputs(spec, presets)
        except BlueprintError as exc:
            raise pulumi.RunError(f"the blueprint of {folder.name} or of a domain it reads is invalid; "
                                  f"run `dmesh validate {folder}`:\n{exc}") from None
    stack = DomainStack(DomainStackArgs(spec, inputs, load_settings()))  # type: ignore[arg-type]
    for key, value in stack.outputs.items():
        pulumi.export(key, value)
    return stack
