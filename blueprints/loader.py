"""Load one domain folder into a `DomainSpec`: validate, read contracts, merge the preset.

Loading reads files and never writes. Every problem found in the folder is collected and
raised together as one `BlueprintError`, so a domain team fixes a file in one pass.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from . import naming
from .errors import BlueprintError, Finding
from .paths import resolve_below
from .models import PATTERN_HINTS, DataProduct, DomainDocument, KinesisPort, Preset, S3Port
from .monitoring import longest_gap
from .spec import (
    ContractSpec,
    DomainSpec,
    KinesisPortSpec,
    LimitDefaultsSpec,
    MonitoringSpec,
    PipelineSpec,
    ProductRef,
    ProductSpec,
    QuotaSpec,
    S3PortSpec,
    SlaSpec,
    StorageSpec,
    classification_rank,
)
from .vocabulary import DOMAIN_FILE
from .yaml_source import LineIndex, SourceDocument, format_path, read_yaml

SCHEMA_HINTS = {
    "extra_forbidden": "remove it or check its spelling (`dmesh schema` lists the fields)",
    "missing": "add this required field",
    "literal_error": "",  # pydantic's message already lists the allowed values
    "value_error": "",
}


def _pydantic_findings(exc: ValidationError, doc: SourceDocument) -> list[Finding]:
    findings = []
    for error in exc.errors():
        loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and p in ("s3", "kinesis")))
        message = error["msg"]
        value = error.get("input")
        if error["type"] == "extra_forbidden":
            message = "unknown field"
        elif error["type"] == "string_pattern_mismatch":
            message = f"{value!r} does not match the expected format"
        elif error["type"] == "value_error":  # our own validators already quote the value
            message = str(error.get("ctx", {}).get("error", message))
        elif isinstance(value, (str, int, float, bool)):  # quote what the team wrote, so they see what to fix
            message = f"{value!r}: {message}"
        hint = SCHEMA_HINTS.get(error["type"], "see `dmesh schema` for the expected type")
        if error["type"] == "string_pattern_mismatch":
            hint = PATTERN_HINTS.get(str(error.get("ctx", {}).get("pattern", "")), "fix the value's format")
        findings.append(Finding(doc.file, doc.index.line_of(loc), format_path(loc), message, hint))
    return findings


def _resolve_product(doc: DataProduct, preset: Preset, contract: ContractSpec, line: int) -> ProductSpec:
    defaults = preset.product
    ports = doc.output_ports if doc.output_ports is not None else defaults.output_ports
    s3 = next((p for p in ports if isinstance(p, S3Port)), None)
    kinesis = next((p for p in ports if isinstance(p, KinesisPort)), None)
    pipeline = None
    if doc.pipeline is not None:
        schedule = doc.pipeline.schedule or defaults.pipeline.schedule
        pipeline = PipelineSpec(
            image=doc.pipeline.image,
            schedule=schedule,
            cpu=doc.pipeline.cpu or defaults.pipeline.cpu,
            memory=doc.pipeline.memory or defaults.pipeline.memory,
            longest_gap=longest_gap(schedule),
        )
    sla = doc.sla or defaults.sla
    return ProductSpec(
        name=doc.name,
        description=doc.description,
        classification=doc.classification,
        contract=contract,
        s3=S3PortSpec(s3.format or defaults.s3_format) if s3 else None,
        kinesis=KinesisPortSpec(kinesis.retention_hours or defaults.kinesis_retention_hours) if kinesis else None,
        retention_days=doc.retention_days or defaults.retention_days,
        inputs=tuple(ProductRef.parse(i) for i in doc.inputs),
        grants=tuple(g.domain for g in doc.grants),
        pipeline=pipeline,
        sla=SlaSpec(sla.freshness_hours or defaults.sla.freshness_hours, sla.availability or defaults.sla.availability),
        line=line,
        monitoring=MonitoringSpec(
            alerting=(doc.monitoring and doc.monitoring.alerting) or defaults.monitoring.alerting,
            grace_minutes=defaults.monitoring.grace_minutes if doc.monitoring is None or doc.monitoring.grace_minutes is None
            else doc.monitoring.grace_minutes,
        ),
        storage=StorageSpec(defaults.storage.intelligent_tiering_after_days, defaults.storage.inventory) if s3 else StorageSpec(),
    )


def _product_checks(doc: DomainDocument, source: SourceDocument, folder: Path,
                    with_contracts: bool = True) -> tuple[list[Finding], dict[int, ContractSpec]]:
    """`folder` is resolved (symbolic links followed): every contract must resolve inside it."""
    findings: list[Finding] = []
    contracts: dict[int, ContractSpec] = {}
    seen: dict[str, int] = {}
    for i, product in enumerate(doc.spec.data_products):
        base = ("spec", "dataProducts", i)
        if product.name in seen:
            findings.append(Finding(source.file, source.index.line_of((*base, "name")), format_path((*base, "name")),
                                    f"duplicate data product name {product.name!r}", f"already used by spec.dataProducts[{seen[product.name]}]"))
        seen.setdefault(product.name, i)
        ports = [p.type for p in product.output_ports or []]
        for kind in {k for k in ports if ports.count(k) > 1}:
            findings.append(Finding(source.file, source.index.line_of((*base, "outputPorts")), format_path((*base, "outputPorts")),
                                    f"more than one {kind} port", "declare each port type once per product"))
        if product.output_ports == []:
            findings.append(Finding(source.file, source.index.line_of((*base, "outputPorts")), format_path((*base, "outputPorts")),
                                    "a product needs at least one output port", "add {type: s3} or {type: kinesis}, or drop the key to use the preset's ports"))
        for j, ref in enumerate(product.inputs):
            if product.inputs.index(ref) != j:
                findings.append(Finding(source.file, source.index.line_of((*base, "inputs", j)), format_path((*base, "inputs", j)),
                                        f"duplicate input {ref!r}", "list each input once"))
        grants = [g.domain for g in product.grants]
        for j, grant in enumerate(grants):
            if grant == doc.metadata.name:
                findings.append(Finding(source.file, source.index.line_of((*base, "grants", j)), format_path((*base, "grants", j)),
                                        "a domain cannot grant itself", "the domain's own roles already have access; remove this grant"))
            elif grants.index(grant) != j:
                findings.append(Finding(source.file, source.index.line_of((*base, "grants", j)), format_path((*base, "grants", j)),
                                        f"duplicate grant to {grant!r}", "list each domain once"))
        try:
            contract_file = resolve_below(folder, product.contract)
        except OSError as exc:  # symbolic links that loop, or a NUL byte: the path leads nowhere
            findings.append(Finding(source.file, source.index.line_of((*base, "contract")), format_path((*base, "contract")),
                                    f"contract path {product.contract!r} cannot be followed: {exc.strerror}",
                                    "point it at the contract file itself, e.g. contracts/<product>.odcs.yaml"))
            continue
        if not contract_file.is_relative_to(folder):
            findings.append(Finding(source.file, source.index.line_of((*base, "contract")), format_path((*base, "contract")),
                                    "the contract must live inside the domain folder", "use a path such as contracts/<product>.odcs.yaml"))
            continue
        if not contract_file.is_file():  # a pipe or a device is never read: it would block, or never end
            problem = "is not a regular file" if contract_file.exists() else "not found"
            findings.append(Finding(source.file, source.index.line_of((*base, "contract")), format_path((*base, "contract")),
                                    f"contract file {product.contract} {problem}", f"create {product.contract} (ODCS v3) or fix the path"))
            continue
        if not with_contracts:  # a summary for mesh checks: names, ports, inputs, grants, levels; no columns
            contracts[i] = ContractSpec.unread(contract_file, product.name)
            continue
        try:
            from .contracts import load_contract  # ODCS and jsonschema load on the first contract read: a cached run reads none

            contract = load_contract(contract_file, product.name, tuple(product.tables) if product.tables else None)
        except BlueprintError as exc:
            findings += exc.findings
            continue
        contracts[i] = contract
        classified = [c for c in contract.columns if c.classification]
        top = max(classified, key=lambda c: classification_rank(c.classification or "public"), default=None)
        if top is not None and classification_rank(top.classification or "public") > classification_rank(product.classification):
            findings.append(Finding(source.file, source.index.line_of((*base, "classification")), format_path((*base, "classification")),
                                    f"product is {product.classification} but its contract's column {top.name!r} is {top.classification} "
                                    f"({contract.path.name}:{top.line})",
                                    f"raise the product's classification to {top.classification} or lower the column's"))
    return findings, contracts


def _lines(index: LineIndex) -> dict[str, int]:
    return {format_path(path): line for path, line in index.lines.items()}


def _inside(folder: Path, resolved: Path) -> Path:
    """domain.yaml's real path, refused unless it lies inside the domain folder, as its contracts must: a link to a
    file of the machine running the review (a CI runner's credentials) would be read and quoted in its findings."""
    shown = folder / DOMAIN_FILE
    try:
        target = resolve_below(resolved, DOMAIN_FILE)
    except OSError as exc:  # links that loop
        raise BlueprintError([Finding(shown, 0, "", f"{DOMAIN_FILE} cannot be followed: {exc.strerror}",
                                      f"commit {DOMAIN_FILE} itself, not a link")]) from None
    if not target.is_relative_to(resolved):
        raise BlueprintError([Finding(shown, 0, "", f"{DOMAIN_FILE} must live inside the domain folder; it links to {target}",
                                      f"commit {DOMAIN_FILE} itself, not a link out of the folder")])
    return target


def load_domain(folder: Path, presets: dict[str, Preset], with_contracts: bool = True) -> DomainSpec:
    """Validate the domain folder and return its resolved spec, or raise with every finding.

    `with_contracts=False` reads domain.yaml only (each product's contract is an empty summary): what the mesh
    checks need of domains other than the one being validated, at a fraction of the cost.
    """
    folder = Path(folder)
    resolved = folder.resolve()  # once: resolving walks every component of the path, a tenth of a mesh's cold load
    domain_file = _inside(folder, resolved)
    source = read_yaml(folder / DOMAIN_FILE)
    if not isinstance(source.data, dict):
        raise BlueprintError([Finding(source.file, 1, "", "domain.yaml must be a mapping with apiVersion, kind, metadata and spec",
                                      "start from `dmesh init` or an example in domain_stacks/")])
    try:
        doc = DomainDocument.model_validate(source.data)
    except ValidationError as exc:
        raise BlueprintError(_pydantic_findings(exc, source)) from None
    findings: list[Finding] = []
    if doc.metadata.name != resolved.name:
        findings.append(Finding(source.file, source.index.line_of(("metadata", "name")), "metadata.name",
                                f"domain {doc.metadata.name!r} lives in folder {resolved.name!r}", "name the folder after the domain"))
    preset = presets.get(doc.spec.blueprint)
    if preset is None:
        findings.append(Finding(source.file, source.index.line_of(("spec", "blueprint")), "spec.blueprint",
                                f"unknown preset {doc.spec.blueprint!r}", f"use one of {', '.join(sorted(presets))}"))
    product_findings, contracts = _product_checks(doc, source, resolved, with_contracts)
    findings += product_findings
    if findings or preset is None:
        raise BlueprintError(findings)
    quota = doc.spec.compute.quota
    spec = DomainSpec(
        name=doc.metadata.name,
        owner=doc.metadata.owner,
        cost_center=doc.metadata.cost_center,
        description=doc.metadata.description,
        preset=doc.spec.blueprint,
        quota=QuotaSpec(quota.cpu or preset.quota.cpu, quota.memory or preset.quota.memory, quota.pods or preset.quota.pods),
        limit_defaults=LimitDefaultsSpec(**preset.limit_defaults.model_dump()),
        products=tuple(
            _resolve_product(p, preset, contracts[i], source.index.line_of(("spec", "dataProducts", i)))
            for i, p in enumerate(doc.spec.data_products)
        ),
        overrides=tuple(sorted(doc.spec.governance.overrides.items())),
        folder=resolved,
        file=domain_file,
        lines=_lines(source.index),
        deprecation=preset.deprecated.note() if preset.deprecated else None,
    )
    name_findings = _name_findings(spec)
    if name_findings:
        raise BlueprintError(name_findings)
    return spec


def _name_findings(spec: DomainSpec) -> list[Finding]:
    """Every physical name the domain derives must be valid for its target (one table: `naming.TARGETS`)."""
    findings = []
    for target, name in naming.domain_names(spec.name):
        why = naming.problem(target, name)
        if why:
            findings.append(Finding(spec.file, spec.line_of("metadata.name"), "metadata.name", why, "choose another domain name"))
    for i, p in enumerate(spec.products):
        for target, name in naming.product_names(spec.name, p.name, p.s3 is not None, p.kinesis is not None, p.pipeline is not None):
            why = naming.problem(target, name)
            if why:
                where = f"spec.dataProducts[{i}].name"
                findings.append(Finding(spec.file, spec.line_of(where), where, why, "choose another product name"))
    return findings


def document_json_schema() -> dict[str, Any]:
    """JSON Schema of domain.yaml for editors (yaml-language-server)."""
    schema = DomainDocument.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "dmesh domain blueprint (domain.yaml)"
    return schema
