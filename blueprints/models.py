"""Pydantic models of the documents domain teams write (`domain.yaml`) and of presets.

These models validate the file as written; defaults a preset supplies stay `None` here
and are filled in by `blueprints.loader` when it resolves the document into a `DomainSpec`. The JSON Schema editors use comes from
`DomainDocument.model_json_schema()`.
"""

from __future__ import annotations

from typing import Annotated, Literal

import re

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from .vocabulary import Alerting, Classification

# letters and digits in '-'-separated words: no trailing or doubled '-', which S3, Kubernetes and the naming scheme refuse
DOMAIN_NAME = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"
PRODUCT_NAME = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"
# an e-mail address whose characters AWS also accepts in a tag value (it becomes the dmesh:owner tag)
EMAIL = r"^[A-Za-z0-9._+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$"
# AWS tag values: letters, digits, spaces and _ . : / = + - @ (at most 256); not blank, no surrounding space
TAG_VALUE = r"^[\w.:/=+@-]([\w .:/=+@-]*[\w.:/=+@-])?$"
PRESET_REF = r"^[a-z][a-z0-9-]*@[0-9]+$"
PRODUCT_REF = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*\.[a-z][a-z0-9]*(-[a-z0-9]+)*$"
K8S_QUANTITY = r"^[0-9]+(\.[0-9]+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$"
# what a CronJob's schedule takes (Kubernetes parses it as robfig/cron's standard parser does): five fields of numbers,
# three-letter names, `*` or `?`, with ranges, steps and lists, or a macro; not croniter's extensions (L, W, #, H)
_CRON_TOKEN = r"(\*|\?|[0-9]{1,2}|[A-Za-z]{3})"
_CRON_ITEM = rf"{_CRON_TOKEN}(-{_CRON_TOKEN})?(/[0-9]{{1,2}})?"
_CRON_FIELD = rf"{_CRON_ITEM}(,{_CRON_ITEM})*"
CRON = rf"^(@(hourly|daily|weekly|monthly|yearly)|{_CRON_FIELD}(\s+{_CRON_FIELD}){{4}})$"
# a file path or an image reference as written in a blueprint: no control characters (a NUL cannot even be opened)
RELATIVE_PATH = r"^[^\x00-\x1f\x7f]+$"
IMAGE = r"^[^\s\x00-\x1f\x7f]+$"
GLUE_DESCRIPTION_MAX = 2048  # Glue databases and tables refuse longer descriptions

# what each pattern means, for the messages of values that do not match it
PATTERN_HINTS = {
    DOMAIN_NAME: "lowercase letters and digits in words joined by single '-', starting with a letter (e.g. sales or web-shop)",
    EMAIL: "an e-mail address: letters, digits and . _ + - before the @",
    TAG_VALUE: "letters, digits, spaces and _ . : / = + - @ that AWS accepts in a tag, without surrounding spaces",
    PRESET_REF: "a preset as <name>@<major>, e.g. batch@1",
    PRODUCT_REF: "a product as <domain>.<product>, e.g. sales.orders",
    K8S_QUANTITY: "a Kubernetes quantity, e.g. 500m, 2, 1Gi",
    CRON: "a cron expression as a Kubernetes CronJob takes it: five fields of numbers, names (MON, JAN), * or ?, with - / "
          "and , (no L, W, # or H), or @hourly, @daily, @weekly, @monthly, @yearly",
    RELATIVE_PATH: "a path relative to domain.yaml without control characters, e.g. contracts/orders.odcs.yaml",
    IMAGE: "a container image reference without spaces or control characters, e.g. registry.example.com/team/job:1.2",
}



def cron_schedule(value: str | None) -> str | None:
    """Five fields or a macro (what a CronJob takes), and a schedule croniter can actually compute: one that runs."""
    from croniter import CroniterBadDateError, croniter  # its import runs `file` on the interpreter: only for a schedule

    from .monitoring import SCHEDULE_ORIGIN

    if value is None:
        return value
    if not croniter.is_valid(value):
        raise ValueError(f"{value!r} is not a cron schedule (minute hour day-of-month month day-of-week, or @daily and the like)")
    try:
        croniter(value, SCHEDULE_ORIGIN).get_next(float)
    except CroniterBadDateError:  # a day no month has (30 2, 31 4): the CronJob would never run
        raise ValueError(f"{value!r} never runs: no month has that day") from None
    return value


def positive_quantity(value: str | None) -> str | None:
    """A Kubernetes quantity above zero: a container asking for nothing cannot run."""
    if value is not None and float(re.match(r"[0-9.]+", value).group()) <= 0:  # type: ignore[union-attr]
        raise ValueError(f"{value!r} is zero; ask for the CPU or memory the container needs")
    return value


Schedule = Annotated[str, Field(pattern=CRON), AfterValidator(cron_schedule)]
Quantity = Annotated[str, Field(pattern=K8S_QUANTITY), AfterValidator(positive_quantity)]


class Document(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, alias_generator=to_camel, populate_by_name=True, strict=False
    )


class Metadata(Document):
    name: Annotated[str, Field(pattern=DOMAIN_NAME, min_length=3, max_length=24, description="Domain name; also the folder and Pulumi project name.")]
    owner: Annotated[str, Field(pattern=EMAIL, description="E-mail of the owning team.")]
    cost_center: Annotated[str, Field(min_length=1, max_length=64, pattern=TAG_VALUE,
                                      description="Cost center charged for the domain (an AWS tag value).")]
    description: Annotated[str, Field(max_length=GLUE_DESCRIPTION_MAX, description="Free text; becomes the Glue description.")] = ""


class Quota(Document):
    cpu: Quantity | None = None
    memory: Quantity | None = None
    pods: Annotated[int, Field(ge=1, le=10_000)] | None = None


class Compute(Document):
    quota: Quota = Quota()


class S3Port(Document):
    type: Literal["s3"]
    format: Literal["parquet", "json", "csv"] | None = None


class KinesisPort(Document):
    type: Literal["kinesis"]
    retention_hours: Annotated[int, Field(ge=24, le=8760)] | None = None


OutputPort = Annotated[S3Port | KinesisPort, Field(discriminator="type")]


class Grant(Document):
    domain: Annotated[str, Field(pattern=DOMAIN_NAME, description="Domain whose consumer role may read this product.")]


class Pipeline(Document):
    image: Annotated[str, Field(min_length=1, pattern=IMAGE)]
    schedule: Schedule | None = None
    cpu: Quantity | None = None
    memory: Quantity | None = None


# CloudWatch evaluates an alarm over at most seven days (period x evaluation periods); a freshness promise longer
# than that cannot be watched by one alarm, so the platform does not accept it (see blueprints.monitoring).
MAX_FRESHNESS_HOURS = 168


def watchable_freshness(value: int | None) -> int | None:
    if value is not None and value > MAX_FRESHNESS_HOURS:
        raise ValueError(f"{value} hours is longer than the {MAX_FRESHNESS_HOURS} hours (7 days) a CloudWatch alarm can watch; "
                         f"promise {MAX_FRESHNESS_HOURS} hours or less")
    return value


class Sla(Document):
    freshness_hours: Annotated[int, Field(ge=1, description="Hours within which new data lands; at most 168 (7 days)."),
                               AfterValidator(watchable_freshness)] | None = None
    availability: Annotated[float, Field(gt=0, le=100)] | None = None


class Monitoring(Document):
    """How a product's alarms behave; each field left out takes the preset's value."""

    alerting: Annotated[Alerting, Field(description="paging: alarms notify the domain's topic; advisory: they only change state.")] | None = None
    grace_minutes: Annotated[int, Field(ge=0, le=1440, description="Minutes added to every freshness and schedule window before an alarm fires.")] | None = None


class DataProduct(Document):
    name: Annotated[str, Field(pattern=PRODUCT_NAME, min_length=3, max_length=32)]
    description: Annotated[str, Field(max_length=GLUE_DESCRIPTION_MAX, description="Free text; becomes the Glue description.")] = ""
    contract: Annotated[str, Field(min_length=1, pattern=RELATIVE_PATH, description="ODCS v3 contract, relative to domain.yaml.")]
    classification: Classification
    output_ports: list[OutputPort] | None = None
    retention_days: Annotated[int, Field(ge=1, le=3650)] | None = None
    inputs: list[Annotated[str, Field(pattern=PRODUCT_REF)]] = []
    grants: list[Grant] = []
    pipeline: Pipeline | None = None
    sla: Sla | None = None
    monitoring: Monitoring | None = None
    tables: Annotated[list[Annotated[str, Field(min_length=1, max_length=64)]], Field(
        min_length=1, description="Schema objects of the contract published as tables (default: every one).")] | None = None


class Governance(Document):
    overrides: dict[str, Literal["advisory", "disabled", "mandatory"]] = Field(
        default_factory=dict, description="Enforcement level per advisory policy rule, for this domain only."
    )


class DomainBody(Document):
    # The key says `blueprint` because that is the word domain teams use for "the golden path my domain follows";
    # renaming it would break every domain.yaml for no gain to them. In code it is a preset reference
    # (`DomainSpec.preset`), which is what it resolves to.
    blueprint: Annotated[str, Field(pattern=PRESET_REF, description="Golden-path preset <name>@<major>.")]
    compute: Compute = Compute()
    data_products: Annotated[list[DataProduct], Field(min_length=1)]
    governance: Governance = Governance()


class DomainDocument(Document):
    """The whole `domain.yaml`."""

    api_version: Literal["dmesh/v1"]
    kind: Literal["Domain"]
    metadata: Metadata
    spec: DomainBody


class PresetQuota(Document):
    cpu: Quantity
    memory: Quantity
    pods: int


class PresetLimitDefaults(Document):
    cpu: Quantity
    memory: Quantity
    cpu_request: Quantity
    memory_request: Quantity


class PresetPipeline(Document):
    schedule: Schedule
    cpu: Quantity
    memory: Quantity


class PresetMonitoring(Document):
    alerting: Alerting = "paging"
    grace_minutes: Annotated[int, Field(ge=0, le=1440)] = 30


class PresetStorage(Document):
    """How product buckets age: cheaper storage for data nobody reads, and a report of what they hold."""

    intelligent_tiering_after_days: Annotated[int, Field(ge=0, le=3650)] | None = None
    inventory: Literal["Daily", "Weekly"] | None = None


class PresetProduct(Document):
    output_ports: list[OutputPort]
    retention_days: int
    s3_format: Literal["parquet", "json", "csv"]
    kinesis_retention_hours: int
    pipeline: PresetPipeline
    sla: Sla
    monitoring: PresetMonitoring = PresetMonitoring()
    storage: PresetStorage = PresetStorage()


class Deprecation(Document):
    message: Annotated[str, Field(min_length=1, description="What domains on this preset should do.")]
    date: Annotated[str, Field(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", description="When support ends (YYYY-MM-DD).")]

    def note(self) -> str:
        """What `dmesh validate` warns and `dmesh upgrade status` shows of a domain on this preset."""
        return f"{self.message} (until {self.date})"


class Preset(Document):
    """A golden-path preset owned by the platform team (`blueprints/presets/<name>@<major>.yaml`)."""

    name: str
    version: int
    description: str
    deprecated: Deprecation | None = None
    quota: PresetQuota
    limit_defaults: PresetLimitDefaults
    product: PresetProduct
