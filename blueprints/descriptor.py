"""The registry document of one data product: an Open Data Product Standard (ODPS, Bitol) v1.0.0 descriptor.

Pulumi writes it to the catalog bucket (`products/<domain>/<product>.json`, the key it always had, so the objects
are updated in place); `dmesh catalog --live` and other tools read it back. It is derived from the spec and the
naming scheme only. ODPS has fields for identity, description, team, ports and support; what it has none for
(classification, SLA, where each port's data lives, the Glue catalog, grants, the alarms) goes under
`customProperties`, as the standard intends. Every document is valid against ODPS's published JSON Schema
(`blueprints/schemas/`), which `validate_odps` applies.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any

from . import arns, naming
from .monitoring import product_monitors
from .spec import DomainSpec, ProductRef, ProductSpec

if TYPE_CHECKING:
    from .schema_check import SchemaCheck

ODPS_VERSION = "v1.0.0"
ODPS_SCHEMA = "odps-json-schema-v1.0.0.json"


# Plain frozen dataclasses, not pydantic models: every program builds these, and the review's forking worker loaded
# pydantic for nothing else (45 ms of the load the first program waits for). Nothing validates a descriptor when it is
# built (the spec it comes from was validated); tests hold every document to ODPS's own JSON Schema (`validate_odps`).


@dataclass(frozen=True, kw_only=True)
class CustomProperty:
    property: str
    value: Any
    description: str | None = None


@dataclass(frozen=True, kw_only=True)
class Description:
    purpose: str
    limitations: str | None = None
    usage: str | None = None


@dataclass(frozen=True, kw_only=True)
class InputPort:
    name: str  # the product read, <domain>.<product>
    version: str  # its contract's version
    contractId: str


@dataclass(frozen=True, kw_only=True)
class OutputPort:
    name: str
    description: str | None = None
    type: str  # s3 | kinesis
    version: str
    contractId: str


@dataclass(frozen=True, kw_only=True)
class ManagementPort:
    name: str
    content: str  # observability, discoverability, ...
    type: str
    url: str | None = None
    description: str | None = None


@dataclass(frozen=True, kw_only=True)
class Support:
    channel: str
    url: str
    tool: str | None = None
    scope: str | None = None


@dataclass(frozen=True, kw_only=True)
class TeamMember:
    username: str
    role: str


@dataclass(frozen=True, kw_only=True)
class Team:
    name: str
    members: list[TeamMember]


@dataclass(frozen=True, kw_only=True)
class ProductDescriptor:
    """The ODPS v1.0.0 fields the platform fills, in the document's order (keyword-only: defaults come anywhere)."""

    apiVersion: str = ODPS_VERSION
    kind: str = "DataProduct"
    id: str
    name: str
    version: str
    status: str
    domain: str
    description: Description
    tags: list[str] = field(default_factory=list)
    inputPorts: list[InputPort] = field(default_factory=list)
    outputPorts: list[OutputPort]
    managementPorts: list[ManagementPort] = field(default_factory=list)
    support: list[Support] = field(default_factory=list)
    team: Team | None = None
    customProperties: list[CustomProperty] = field(default_factory=list)


def custom_property(document: Mapping[str, Any], name: str) -> Any:
    """The value of a registry document's custom property `name` (None when it has none)."""
    return next((p.get("value") for p in document.get("customProperties", []) if p.get("property") == name), None)


def product_id(domain: str, product: str) -> str:
    return f"urn:dmesh:{domain}:{product}"


def _ports(domain: DomainSpec, product: ProductSpec, account_id: str, region: str) -> tuple[list[OutputPort], list[dict[str, Any]]]:
    """ODPS output ports, and where each one's data is (a custom property: ODPS v1.0.0 ports have no server)."""
    ports, servers = [], []
    contract = product.contract
    if product.s3:
        bucket = naming.bucket_name(domain.name, product.name)
        prefix = naming.product_prefix(product.name)
        ports.append(OutputPort(name="s3", type="s3", version=contract.version, contractId=contract.id,
                                description=f"{product.s3.format} files under s3://{bucket}/{prefix}"))
        servers.append({"port": "s3", "server": "s3", "bucket": bucket, "prefix": prefix, "format": product.s3.format,
                        "location": f"s3://{bucket}/{prefix}", "region": region})
    if product.kinesis:
        stream = naming.stream_name(domain.name, product.name)
        ports.append(OutputPort(name="kinesis", type="kinesis", version=contract.version, contractId=contract.id,
                                description=f"records on the Kinesis stream {stream}"))
        servers.append({"port": "kinesis", "server": "kinesis", "stream": stream, "arn": arns.stream(region, account_id, stream),
                        "retentionHours": product.kinesis.retention_hours, "region": region})
    return ports, servers


def _observability(domain: DomainSpec, product: ProductSpec, account_id: str, region: str) -> dict[str, Any]:
    watched = product_monitors(domain, product)
    return {
        "topic": arns.topic(region, account_id, naming.alert_topic(domain.name)), "alerting": watched.alerting,
        "metricNamespace": naming.metric_namespace(domain.name), "unwatched": list(watched.unwatched),
        "monitors": [{"kind": m.kind, "alarm": m.alarm, "arn": arns.alarm(region, account_id, m.alarm), "metric": f"{m.namespace} {m.metric}",
                      "windowSeconds": m.window_seconds, "description": m.description} for m in watched.monitors],
    }


def describe_product(domain: DomainSpec, product: ProductSpec, account_id: str, region: str,
                     inputs: Mapping[ProductRef, ProductSpec] | None = None) -> ProductDescriptor:
    """The product's ODPS document; `inputs` (the products it reads) give its input ports their contract versions."""
    contract = product.contract
    ports, servers = _ports(domain, product, account_id, region)
    topic = arns.topic(region, account_id, naming.alert_topic(domain.name))
    tables = [{"name": t.name, "glueTable": t.glue_name,
               "location": f"s3://{naming.bucket_name(domain.name, product.name)}/{t.prefix}" if product.s3 else naming.stream_name(domain.name, product.name),
               "columns": [{"name": c.name, "type": c.glue_type} for c in t.columns],
               "partitionKeys": [{"name": c.name, "type": c.glue_type} for c in t.partition_keys]} for t in contract.tables]
    read = []
    for ref in product.inputs:
        source = (inputs or {}).get(ref)
        read.append(InputPort(name=str(ref), version=source.contract.version if source else "unknown",
                              contractId=source.contract.id if source else "unknown"))
    return ProductDescriptor(
        id=product_id(domain.name, product.name), name=product.name, version=contract.version or "0.0.0", status=contract.status or "active",
        domain=domain.name,
        description=Description(purpose=product.description or contract.name,
                                limitations=f"Classified {product.classification}; readable by the domains it grants: "
                                            f"{', '.join(product.grants) or 'none'}."),
        tags=[product.classification, domain.preset],
        inputPorts=read, outputPorts=ports,
        managementPorts=[ManagementPort(name="alerts", content="observability", type="topic", url=topic,
                                        description="SNS topic the product's SLA and pipeline alarms publish to")],
        support=[Support(channel="owner", url=f"mailto:{domain.owner}", tool="email", scope="issues")],
        team=Team(name=f"{domain.name} domain team", members=[TeamMember(username=domain.owner, role="owner")]),
        customProperties=[
            CustomProperty(property="classification", value=product.classification),
            CustomProperty(property="costCenter", value=domain.cost_center),
            CustomProperty(property="contract", value={"id": contract.id, "version": contract.version, "name": contract.name,
                                                       "columns": [{"name": c.name, "type": c.glue_type} for c in contract.columns]}),
            CustomProperty(property="sla", value={"freshnessHours": product.sla.freshness_hours, "availability": product.sla.availability}),
            CustomProperty(property="servers", value=servers, description="Where each output port's data is."),
            CustomProperty(property="catalog", value={"database": naming.glue_database(domain.name), "tables": tables},
                           description="The Glue catalog entries of the product."),
            CustomProperty(property="grants", value=list(product.grants)),
            CustomProperty(property="observability", value=_observability(domain, product, account_id, region),
                           description="The alarms that watch the product's SLA and pipeline."),
        ],
    )


@cache
def _odps_validator() -> SchemaCheck:
    from .schema_check import SchemaCheck  # jsonschema loads for a check, never for building a descriptor (a program does)

    return SchemaCheck(json.loads((files("blueprints") / "schemas" / ODPS_SCHEMA).read_text(encoding="utf-8")))


def validate_odps(document: Mapping[str, Any]) -> list[str]:
    """Messages of every way `document` breaks ODPS's JSON Schema (empty when it is a valid ODPS document)."""
    return [f"{'/'.join(map(str, e.absolute_path)) or '(document)'}: {e.message}" for e in _odps_validator().errors(document)]


def document(descriptor: ProductDescriptor) -> dict[str, Any]:
    """The document as plain data: fields that are None left out, as ODPS examples do (inside a custom property's
    value, which is plain data already, nothing is left out)."""
    return _plain(descriptor)  # type: ignore[no-any-return]


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(v) for f in fields(value) if (v := getattr(value, f.name)) is not None}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def document_json(descriptor: ProductDescriptor) -> str:
    """The document as written to the registry."""
    return json.dumps(document(descriptor), indent=2, ensure_ascii=False)
