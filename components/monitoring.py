"""Monitoring: the domain's alert topic and, per product, the alarms that watch its SLA and its pipeline.

The alarms themselves (metric, window, threshold) come from `blueprints.monitoring`, which the registry
document and `dmesh sla status` read too; this component only turns them into resources.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from blueprints.monitoring import Monitor
from blueprints.vocabulary import TAG_MONITOR

from . import tagging


@dataclass(frozen=True)
class RequestMetricsArgs:
    """S3 request metrics on a product's prefix: the signal of its freshness alarm (S3 publishes none by default)."""

    bucket: pulumi.Input[str]
    filter_id: str
    prefix: str


@dataclass(frozen=True)
class ProductMonitorsArgs:
    product: str
    monitors: Sequence[Monitor]
    paging: bool  # False: the alarms change state (visible in CloudWatch and `dmesh sla status`) but notify nobody
    request_metrics: RequestMetricsArgs | None = None
    tags: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class DomainMonitoringArgs:
    topic: str
    key_arn: pulumi.Input[str]
    subscriber: str  # e-mail address of the owning team
    topic_policy: Mapping[str, Any]
    products: Sequence[ProductMonitorsArgs] = ()
    tags: Mapping[str, str] = field(default_factory=dict)


class ProductMonitors(pulumi.ComponentResource):
    def __init__(self, name: str, args: ProductMonitorsArgs, topic_arn: pulumi.Input[str], opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("dmesh:monitoring:ProductMonitors", name, {tagging.PRODUCT_INPUT: args.product}, opts)
        depends: list[pulumi.Resource] = []
        if args.request_metrics is not None:
            metrics = args.request_metrics
            depends.append(aws.s3.BucketMetric(f"{name}-request-metrics", bucket=metrics.bucket, name=metrics.filter_id,
                                               filter=aws.s3.BucketMetricFilterArgs(prefix=metrics.prefix), opts=pulumi.ResourceOptions(parent=self)))
        self.alarms = [self._alarm(f"{name}-{m.kind}", m, args, topic_arn, depends) for m in args.monitors]
        self.register_outputs({"alarms": [a.arn for a in self.alarms]})

    def _alarm(self, name: str, monitor: Monitor, args: ProductMonitorsArgs, topic_arn: pulumi.Input[str],
               depends: list[pulumi.Resource]) -> aws.cloudwatch.MetricAlarm:
        return aws.cloudwatch.MetricAlarm(
            name, name=monitor.alarm, alarm_description=monitor.description,
            namespace=monitor.namespace, metric_name=monitor.metric, dimensions=dict(monitor.dimensions), statistic=monitor.statistic,
            comparison_operator=monitor.comparison, threshold=monitor.threshold, period=monitor.period,
            evaluation_periods=monitor.evaluation_periods, datapoints_to_alarm=monitor.evaluation_periods,
            treat_missing_data=monitor.treat_missing_data,
            # wired either way, so turning paging on or off changes one flag and never the alarm's identity
            alarm_actions=[topic_arn], ok_actions=[topic_arn], actions_enabled=args.paging,
            tags={**args.tags, TAG_MONITOR: monitor.kind},
            opts=pulumi.ResourceOptions(parent=self, depends_on=depends),
        )


class DomainMonitoring(pulumi.ComponentResource):
    """One encrypted topic per domain, subscribed by its owner, that only the account's alarms may publish to."""

    def __init__(self, name: str, args: DomainMonitoringArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("dmesh:monitoring:DomainMonitoring", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.topic = aws.sns.Topic(f"{name}-topic", name=args.topic, kms_master_key_id=args.key_arn, tags=dict(args.tags), opts=child)
        aws.sns.TopicPolicy(f"{name}-topic-policy", arn=self.topic.arn, policy=json.dumps(args.topic_policy), opts=child)
        aws.sns.TopicSubscription(f"{name}-owner", topic=self.topic.arn, protocol="email", endpoint=args.subscriber, opts=child)
        self.products = {p.product: ProductMonitors(f"{name}-{p.product}", p, self.topic.arn, child) for p in args.products}
        self.topic_arn = self.topic.arn
        self.register_outputs({"topicArn": self.topic_arn})
