"""The resolved, immutable description of a domain that everything downstream consumes.

Nothing below this layer re-reads YAML: components, governance and tools take a
`DomainSpec`. Each value carries the line it came from so later checks can point at it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from .vocabulary import CLASSIFICATIONS


def classification_rank(classification: str) -> int:
    return CLASSIFICATIONS.index(classification)


def highest_classification(values: list[str] | tuple[str, ...]) -> str:
    return max(values, key=classification_rank) if values else "public"


@dataclass(frozen=True)
class Column:
    name: str
    glue_type: str
    description: str = ""
    classification: str | None = None
    required: bool = False
    line: int = 0


@dataclass(frozen=True)
class TableSpec:
    """One schema object of a contract, published as its own Glue table under its own key prefix."""

    name: str  # the schema object's name in the contract
    glue_name: str
    prefix: str  # key prefix in the product's bucket (naming.product_tables)
    columns: tuple[Column, ...]
    partition_keys: tuple[Column, ...] = ()  # in partitionKeyPosition order
    line: int = 0


@dataclass(frozen=True)
class ContractSpec:
    path: Path
    id: str
    name: str
    version: str
    status: str
    tables: tuple[TableSpec, ...]

    @classmethod
    def unread(cls, path: Path, product: str) -> ContractSpec:
        """What a summary (a load without contracts) holds of a contract: where it is and whose it is, nothing read."""
        return cls(path, "", product, "", "", ())

    @property
    def columns(self) -> tuple[Column, ...]:
        """Every field of every table, partition keys included (what classification and search look at)."""
        return tuple(c for t in self.tables for c in (*t.columns, *t.partition_keys))


@dataclass(frozen=True)
class S3PortSpec:
    format: str
    type: str = "s3"


@dataclass(frozen=True)
class KinesisPortSpec:
    retention_hours: int
    type: str = "kinesis"


@dataclass(frozen=True)
class PipelineSpec:
    image: str
    schedule: str
    cpu: str
    memory: str
    # the longest time between two runs, in seconds (`monitoring.longest_gap`, what the missed-run alarm's window
    # covers): worked out when the blueprint loads, so it rides with the spec (the spec cache, a review's handoff)
    # and a program never walks the schedule again (a run every 15 minutes: 770 steps of croniter, 22 ms)
    longest_gap: int


@dataclass(frozen=True)
class SlaSpec:
    freshness_hours: int | None
    availability: float | None


@dataclass(frozen=True)
class MonitoringSpec:
    alerting: str = "paging"  # blueprints.vocabulary.Alerting
    grace_minutes: int = 30


@dataclass(frozen=True)
class StorageSpec:
    tiering_after_days: int | None = None  # objects move to S3 Intelligent-Tiering after this many days
    inventory: str | None = None  # Daily | Weekly S3 Inventory report of the product bucket


@dataclass(frozen=True)
class ProductRef:
    domain: str
    product: str

    @classmethod
    def parse(cls, text: str) -> ProductRef:
        domain, product = text.split(".", 1)
        return cls(domain, product)

    def __str__(self) -> str:
        return f"{self.domain}.{self.product}"


@dataclass(frozen=True)
class ProductSpec:
    name: str
    description: str
    classification: str
    contract: ContractSpec
    s3: S3PortSpec | None
    kinesis: KinesisPortSpec | None
    retention_days: int
    inputs: tuple[ProductRef, ...]
    grants: tuple[str, ...]
    pipeline: PipelineSpec | None
    sla: SlaSpec
    line: int = 0
    monitoring: MonitoringSpec = MonitoringSpec()
    storage: StorageSpec = StorageSpec()


@dataclass(frozen=True)
class QuotaSpec:
    cpu: str
    memory: str
    pods: int


@dataclass(frozen=True)
class LimitDefaultsSpec:
    cpu: str
    memory: str
    cpu_request: str
    memory_request: str


@dataclass(frozen=True)
class DomainSpec:
    name: str
    owner: str
    cost_center: str
    description: str
    preset: str
    quota: QuotaSpec
    limit_defaults: LimitDefaultsSpec
    products: tuple[ProductSpec, ...]
    overrides: tuple[tuple[str, str], ...]
    folder: Path
    file: Path
    lines: dict[str, int] = field(default_factory=dict, compare=False, hash=False)
    # the preset's deprecation note, if it is deprecated: kept with the spec (and cached with it, the presets being part
    # of the cache's key), so warning about it reads no preset
    deprecation: str | None = None

    @property
    def classification(self) -> str:
        """A domain-level resource (key, roles) carries its most sensitive product's level."""
        return highest_classification([p.classification for p in self.products])

    def product(self, name: str) -> ProductSpec | None:
        return next((p for p in self.products if p.name == name), None)

    def summary(self) -> DomainSpec:
        """This domain as a load without contracts gives it: a complete load can stand in for a summary."""
        return replace(self, products=tuple(replace(p, contract=ContractSpec.unread(p.contract.path, p.name)) for p in self.products))

    def line_of(self, field_path: str) -> int:
        """Line in domain.yaml of a field path such as `spec.dataProducts[0].inputs[1]`."""
        probe = field_path
        while probe:
            if probe in self.lines:
                return self.lines[probe]
            cut = max(probe.rfind("."), probe.rfind("["))
            probe = probe[:cut] if cut > 0 else ""
        return 1
