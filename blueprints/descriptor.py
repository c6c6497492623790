"""The registry document that describes one data product to the rest of the mesh.

Pulumi writes it to the catalog bucket (`products/<domain>/<product>.json`); `dmesh`
and consumers read it back. It is derived from the spec and the naming scheme only.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from . import arns, naming
from .monitoring import product_monitors
from .spec import DomainSpec, ProductSpec


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class S3PortDescriptor(Model):
    type: Literal["s3"] = "s3"
    bucket: str
    prefix: str
    format: str
    uri: str


class KinesisPortDescriptor(Model):
    type: Literal["kinesis"] = "kinesis"
    stream: str
    arn: str
    retentionHours: int


class ContractDescriptor(Model):
    id: str
    version: str
    name: str
    columns: list[dict[str, str]]


class MonitorDescriptor(Model):
    kind: str
    alarm: str
    arn: str
    metric: str  # `<namespace> <metric>`
    windowSeconds: int
    description: str


class ObservabilityDescriptor(Model):
    """The product's observability port: where its alarms publish and what each one watches."""

    topic: str
    alerting: str
    metricNamespace: str  # where the product's pipeline reports its runs
    monitors: list[MonitorDescriptor]
    unwatched: list[str]


class TableDescriptor(Model):
    """One table of the product: where its objects live and what Glue calls it."""

    name: str
    glueTable: str
    location: str  # s3://bucket/prefix/, or the stream for a stream-only product
    columns: list[dict[str, str]]
    partitionKeys: list[dict[str, str]]


class ProductDescriptor(Model):
    apiVersion: Literal["dmesh/v1"] = "dmesh/v1"
    kind: Literal["DataProduct"] = "DataProduct"
    domain: str
    name: str
    description: str
    owner: str
    costCenter: str
    classification: str
    contract: ContractDescriptor
    outputPorts: list[S3PortDescriptor | KinesisPortDescriptor]
    inputs: list[str]
    grants: list[str]
    sla: dict[str, float | int | None]
    catalog: dict[str, str]
    tables: list[TableDescriptor]
    observability: ObservabilityDescriptor


def observability(domain: DomainSpec, product: ProductSpec, account_id: str, region: str) -> ObservabilityDescriptor:
    watched = product_monitors(domain, product)
    return ObservabilityDescriptor(
        topic=arns.topic(region, account_id, naming.alert_topic(domain.name)), alerting=watched.alerting,
        metricNamespace=naming.metric_namespace(domain.name), unwatched=list(watched.unwatched),
        monitors=[MonitorDescriptor(kind=m.kind, alarm=m.alarm, arn=arns.alarm(region, account_id, m.alarm), metric=f"{m.namespace} {m.metric}", windowSeconds=m.window_seconds,
                                    description=m.description) for m in watched.monitors],
    )


def describe_product(domain: DomainSpec, product: ProductSpec, account_id: str, region: str) -> ProductDescriptor:
    ports: list[S3PortDescriptor | KinesisPortDescriptor] = []
    if product.s3:
        bucket = naming.bucket_name(domain.name, product.name)
        prefix = naming.product_prefix(product.name)
        ports.append(S3PortDescriptor(bucket=bucket, prefix=prefix, format=product.s3.format, uri=f"s3://{bucket}/{prefix}"))
    if product.kinesis:
        stream = naming.stream_name(domain.name, product.name)
        ports.append(KinesisPortDescriptor(stream=stream, arn=arns.stream(region, account_id, stream),
                                           retentionHours=product.kinesis.retention_hours))
    return ProductDescriptor(
        domain=domain.name,
        name=product.name,
        description=product.description,
        owner=domain.owner,
        costCenter=domain.cost_center,
        classification=product.classification,
        contract=ContractDescriptor(
            id=product.contract.id, version=product.contract.version, name=product.contract.name,
            columns=[{"name": c.name, "type": c.glue_type} for c in product.contract.columns],
        ),
        outputPorts=ports,
        inputs=[str(i) for i in product.inputs],
        grants=list(product.grants),
        sla={"freshnessHours": product.sla.freshness_hours, "availability": product.sla.availability},
        catalog={"database": naming.glue_database(domain.name),
                 **({"table": product.contract.tables[0].glue_name} if len(product.contract.tables) == 1 else {})},
        tables=[TableDescriptor(
            name=t.name, glueTable=t.glue_name,
            location=f"s3://{naming.bucket_name(domain.name, product.name)}/{t.prefix}" if product.s3 else naming.stream_name(domain.name, product.name),
            columns=[{"name": c.name, "type": c.glue_type} for c in t.columns],
            partitionKeys=[{"name": c.name, "type": c.glue_type} for c in t.partition_keys],
        ) for t in product.contract.tables],
        observability=observability(domain, product, account_id, region),
    )
