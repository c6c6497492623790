"""Data lifecycle rules: retention bounded by classification, stateful resources protected."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from .rule import Rule
from blueprints.vocabulary import MAX_RETENTION_DAYS, PERSONAL_DATA, TAG_CLASSIFICATION

from .resources import BUCKET_TYPES, GLUE_TABLE, KINESIS_STREAM, KMS_KEY, LIFECYCLE_TYPES, ResourceView, attached

STATEFUL_TYPES = BUCKET_TYPES | {KINESIS_STREAM, KMS_KEY, GLUE_TABLE}


def _expirations(lifecycle: ResourceView) -> list[int]:
    days = []
    for rule in lifecycle.props.get("rules") or []:
        if not isinstance(rule, Mapping) or rule.get("status", "Enabled") != "Enabled":
            continue
        value = (rule.get("expiration") or {}).get("days")
        if isinstance(value, (int, float)) and value > 0:
            days.append(int(value))
    return days


def retention_within_limit(resources: Sequence[ResourceView], config: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    # config numbers arrive over the analyzer protocol as protobuf doubles (365.0): days are whole
    limits = {name: int(days) for name, days in {**MAX_RETENTION_DAYS, **(config.get("maxDays") or {})}.items()}
    for bucket in (r for r in resources if r.type in BUCKET_TYPES):
        classification = str(bucket.tags().get(TAG_CLASSIFICATION) or "")
        limit = limits.get(classification)
        days = [d for lc in attached(resources, LIFECYCLE_TYPES, bucket) for d in _expirations(lc)]
        if classification == PERSONAL_DATA and not days:
            yield bucket.urn, f"restricted bucket {bucket.name!r} has no lifecycle expiration; personal data must expire (at most {limit} days)"
        elif limit is not None and days and max(days) > limit:
            yield bucket.urn, f"bucket {bucket.name!r} keeps {classification} data {max(days)} days; the maximum is {limit}"


def stateful_resources_protected(resource: ResourceView, config: Mapping[str, Any]) -> Iterator[str]:
    if resource.type in STATEFUL_TYPES and not resource.protect:
        yield f"{resource.type.split(':')[-1]} {resource.name!r} holds data but is not protected; set protect=True"


RULES = (
    Rule("retention-within-limit", "Bucket lifecycle expiration stays within the maximum for its classification; restricted data always expires.",
         "mandatory", "stack", retention_within_limit, "high", ("storage", "privacy"),
         {"maxDays": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 1}, "default": dict(MAX_RETENTION_DAYS)}}),
    Rule("stateful-resources-protected", "Buckets, streams, keys and Glue tables are protected against deletion.",
         "advisory", "resource", stateful_resources_protected, "medium", ("resilience",)),
)
