"""Promises are watched: every product's freshness SLA has an alarm wired to its domain's topic, and topics are encrypted."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from blueprints.monitoring import FRESHNESS_KINDS
from blueprints.vocabulary import PARAM_SLA_FRESHNESS, TAG_DOMAIN, TAG_MONITOR, TAG_PRODUCT

from .resources import GLUE_TABLE, METRIC_ALARM, SNS_TOPIC, ResourceView, is_sequence
from .rule import Rule

AWS_MANAGED_SNS_KEY = "alias/aws/sns"


def sns_encrypted(resource: ResourceView, config: Mapping[str, Any]) -> Iterator[str]:
    if resource.type != SNS_TOPIC:
        return
    key = str(resource.props.get("kmsMasterKeyId") or "")
    if not key:
        yield f"topic {resource.name!r} is not encrypted; set kmsMasterKeyId to the domain key"
    elif key.endswith(AWS_MANAGED_SNS_KEY):
        yield (f"topic {resource.name!r} uses the AWS managed key {AWS_MANAGED_SNS_KEY!r}, whose policy CloudWatch alarms cannot use and "
               "the domain does not control; set kmsMasterKeyId to the domain key")


def _notifies(alarm: ResourceView, topic: ResourceView) -> bool:
    actions = alarm.props.get("alarmActions")
    arns = [str(a) for a in actions] if is_sequence(actions) else []
    return topic.urn in alarm.property_dependencies.get("alarmActions", ()) or (bool(topic.props.get("arn")) and topic.props.get("arn") in arns)


def sla_monitored(resources: Sequence[ResourceView], config: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    alarms = [r for r in resources if r.type == METRIC_ALARM and r.tags().get(TAG_MONITOR) in FRESHNESS_KINDS]
    topics = [r for r in resources if r.type == SNS_TOPIC]
    for table in (r for r in resources if r.type == GLUE_TABLE):
        params = table.props.get("parameters")
        params = params if isinstance(params, Mapping) else {}
        hours, domain, product = (str(params.get(k) or "") for k in (PARAM_SLA_FRESHNESS, TAG_DOMAIN, TAG_PRODUCT))
        if not hours or not domain or not product:
            continue
        own_topics = [t for t in topics if t.tags().get(TAG_DOMAIN) == domain]
        watching = [a for a in alarms if a.tags().get(TAG_DOMAIN) == domain and a.tags().get(TAG_PRODUCT) == product]
        if not watching:
            yield table.urn, (f"product {domain}.{product} promises data within {hours} h but no freshness alarm "
                              f"({TAG_MONITOR}: {' or '.join(sorted(FRESHNESS_KINDS))}) watches it; keep the DomainStack's monitoring")
        elif not any(_notifies(a, t) for a in watching for t in own_topics):
            yield table.urn, (f"the freshness alarms of {domain}.{product} ({', '.join(repr(a.name) for a in watching)}) do not notify "
                              f"a topic of domain {domain}; set their alarmActions to the domain's alert topic")


RULES = (
    Rule("sns-encrypted", "Every SNS topic is encrypted with a customer managed KMS key.", "mandatory", "resource", sns_encrypted,
         "medium", ("monitoring", "encryption")),
    Rule("sla-monitored", "Every product with a freshness SLA has a freshness alarm that notifies its domain's topic, in the same stack.",
         "mandatory", "stack", sla_monitored, "medium", ("monitoring", "sla")),
)
