"""DomainMonitoring: the alert topic and the exact alarms that watch each product's SLA and pipeline."""

from __future__ import annotations

import dataclasses
import json

from blueprints.spec import MonitoringSpec

TOPIC = "arn:aws:sns:eu-west-1:123456789012:dm-sales-alerts"
SALES_TAGS = {"dmesh:domain": "sales", "dmesh:owner": "sales-data@acme.example", "dmesh:cost-center": "CC-1042"}


def alarm(got, name: str) -> dict:
    inputs = dict(got.named(name).inputs)
    assert got.named(name).type == "aws:cloudwatch/metricAlarm:MetricAlarm"
    return inputs


def wiring(paging: bool = True) -> dict:
    return {"alarmActions": [TOPIC], "okActions": [TOPIC], "actionsEnabled": paging}


def test_the_topic_is_encrypted_with_the_domain_key_tagged_and_subscribed_by_the_owner(build, example_specs):
    got = build(example_specs["sales"])
    topic = got.named("sales-monitoring-topic")
    assert topic.type == "aws:sns/topic:Topic" and topic.inputs["name"] == "dm-sales-alerts"
    assert topic.inputs["kmsMasterKeyId"] == got.named("sales-key-key").state["arn"]
    assert topic.inputs["tags"] == {**SALES_TAGS, "dmesh:classification": "restricted"}
    subscription = got.named("sales-monitoring-owner").inputs
    assert (subscription["topic"], subscription["protocol"], subscription["endpoint"]) == (TOPIC, "email", "sales-data@acme.example")


def test_only_the_accounts_alarms_may_publish_to_the_topic_or_use_the_key_for_it(build, example_specs):
    got = build(example_specs["sales"])
    policy = got.named("sales-monitoring-topic-policy").inputs
    assert policy["arn"] == TOPIC
    condition = {"StringEquals": {"aws:SourceAccount": "123456789012"}, "ArnLike": {"aws:SourceArn": "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:*"}}
    assert json.loads(policy["policy"])["Statement"] == [{
        "Sid": "AccountAlarmsPublish", "Effect": "Allow", "Principal": {"Service": "cloudwatch.amazonaws.com"}, "Action": ["sns:Publish"],
        "Resource": TOPIC, "Condition": condition}]
    key_statements = json.loads(got.named("sales-key-key").inputs["policy"])["Statement"]
    assert [s for s in key_statements if s.get("Principal") == {"Service": "cloudwatch.amazonaws.com"}] == [{
        "Sid": "AccountAlarmsEncrypt", "Effect": "Allow", "Principal": {"Service": "cloudwatch.amazonaws.com"},
        "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": "*", "Condition": condition}]


def test_an_s3_port_is_watched_through_request_metrics_on_its_prefix(build, example_specs):
    got = build(example_specs["sales"])
    metrics = got.named("sales-monitoring-orders-request-metrics")
    assert metrics.type == "aws:s3/bucketMetric:BucketMetric"
    assert metrics.inputs == {"bucket": "dm-sales-orders", "name": "dmesh-orders", "filter": {"prefix": "orders/"}}
    # SLA 24 h + batch@1's 30 minutes of grace, in whole hours: 25 empty hours in a row
    assert alarm(got, "sales-monitoring-orders-s3-freshness") == {
        "name": "dm-sales-orders-s3-freshness", "namespace": "AWS/S3", "metricName": "PutRequests",
        "dimensions": {"BucketName": "dm-sales-orders", "FilterId": "dmesh-orders"}, "statistic": "Sum",
        "comparisonOperator": "LessThanThreshold", "threshold": 1, "period": 3600, "evaluationPeriods": 25, "datapointsToAlarm": 25,
        "treatMissingData": "breaching", **wiring(),
        "alarmDescription": "sales.orders: no new object under s3://dm-sales-orders/orders/ for 25 h (SLA: fresh within 24 h)",
        "tags": {**SALES_TAGS, "dmesh:classification": "confidential", "dmesh:product": "orders", "dmesh:monitor": "s3-freshness"},
    }
    assert metrics.urn in got.named("sales-monitoring-orders-s3-freshness").dependencies


def test_a_kinesis_port_is_watched_on_incoming_records_and_consumer_iterator_age(build, example_specs):
    got = build(example_specs["sales"])
    tags = {**SALES_TAGS, "dmesh:classification": "confidential", "dmesh:product": "orders"}
    assert alarm(got, "sales-monitoring-orders-stream-freshness") == {
        "name": "dm-sales-orders-stream-freshness", "namespace": "AWS/Kinesis", "metricName": "IncomingRecords",
        "dimensions": {"StreamName": "dm-sales-orders"}, "statistic": "Sum", "comparisonOperator": "LessThanThreshold", "threshold": 1,
        "period": 3600, "evaluationPeriods": 25, "datapointsToAlarm": 25, "treatMissingData": "breaching", **wiring(),
        "alarmDescription": "sales.orders: no record put on stream dm-sales-orders for 25 h (SLA: fresh within 24 h)",
        "tags": {**tags, "dmesh:monitor": "stream-freshness"},
    }
    assert alarm(got, "sales-monitoring-orders-consumer-lag") == {
        "name": "dm-sales-orders-consumer-lag", "namespace": "AWS/Kinesis", "metricName": "GetRecords.IteratorAgeMilliseconds",
        "dimensions": {"StreamName": "dm-sales-orders"}, "statistic": "Maximum", "comparisonOperator": "GreaterThanThreshold",
        "threshold": 24 * 3600 * 1000, "period": 300, "evaluationPeriods": 3, "datapointsToAlarm": 3, "treatMissingData": "notBreaching", **wiring(),
        "alarmDescription": "sales.orders: a consumer of stream dm-sales-orders reads records older than 24 h",
        "tags": {**tags, "dmesh:monitor": "consumer-lag"},
    }


def test_a_pipeline_is_watched_for_failed_and_missed_runs_in_its_domains_namespace(build, example_specs):
    got = build(example_specs["sales"])
    tags = {**SALES_TAGS, "dmesh:classification": "confidential", "dmesh:product": "orders"}
    assert alarm(got, "sales-monitoring-orders-pipeline-failed") == {
        "name": "dm-sales-orders-pipeline-failed", "namespace": "dmesh/sales", "metricName": "RunFailed", "dimensions": {"Product": "orders"},
        "statistic": "Sum", "comparisonOperator": "GreaterThanOrEqualToThreshold", "threshold": 1, "period": 300, "evaluationPeriods": 1,
        "datapointsToAlarm": 1, "treatMissingData": "notBreaching", **wiring(),
        "alarmDescription": "sales.orders: the pipeline reported a failed run (RunFailed in dmesh/sales)",
        "tags": {**tags, "dmesh:monitor": "pipeline-failed"},
    }
    # hourly schedule + 30 minutes of grace = 90 minutes, in 5-minute periods
    assert alarm(got, "sales-monitoring-orders-pipeline-missed") == {
        "name": "dm-sales-orders-pipeline-missed", "namespace": "dmesh/sales", "metricName": "RunSucceeded", "dimensions": {"Product": "orders"},
        "statistic": "Sum", "comparisonOperator": "LessThanThreshold", "threshold": 1, "period": 300, "evaluationPeriods": 18,
        "datapointsToAlarm": 18, "treatMissingData": "breaching", **wiring(),
        "alarmDescription": "sales.orders: no successful pipeline run for 1 h 30 min (schedule '0 * * * *', RunSucceeded in dmesh/sales)",
        "tags": {**tags, "dmesh:monitor": "pipeline-missed"},
    }


def test_the_pipeline_is_told_where_to_report_its_runs_and_the_producer_may_report_only_there(build, example_specs):
    got = build(example_specs["sales"])
    cron = got.named("sales-compute-orders-pipeline").inputs
    env = {e["name"]: e["value"] for e in cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert {k: v for k, v in env.items() if k.startswith("DMESH_METRIC")} == {
        "DMESH_METRIC_NAMESPACE": "dmesh/sales", "DMESH_METRIC_DIMENSIONS": "Product=orders",
        "DMESH_METRIC_SUCCEEDED": "RunSucceeded", "DMESH_METRIC_FAILED": "RunFailed"}
    for name in ("sales-access-producer-policy", "sales-access-boundary"):
        statements = json.loads(got.named(name).inputs["policy"])["Statement"]
        metric = [s for s in statements if "cloudwatch:PutMetricData" in s["Action"]]
        assert metric == [{"Sid": "OwnMetricsPut", "Effect": "Allow", "Action": ["cloudwatch:PutMetricData"], "Resource": "*",
                           "Condition": {"StringEquals": {"cloudwatch:namespace": "dmesh/sales"}}}], name


def test_a_domain_without_pipelines_gets_no_metric_permission(build, example_specs):
    sales = example_specs["sales"]
    spec = dataclasses.replace(sales, products=tuple(dataclasses.replace(p, pipeline=None) for p in sales.products))
    got = build(spec)
    statements = json.loads(got.named("sales-access-producer-policy").inputs["policy"])["Statement"]
    assert all("cloudwatch:PutMetricData" not in s["Action"] for s in statements)
    assert not [r for r in got.registrations if r.inputs.get("namespace") == "dmesh/sales"]


def test_advisory_alarms_stay_wired_but_notify_nobody(build, example_specs):
    got = build(example_specs["ml-features"])  # ml-features@1: advisory, 2 hours of grace
    alarms = got.of_type("cloudwatch/metricAlarm:MetricAlarm")
    assert alarms and all(a.inputs["actionsEnabled"] is False for a in alarms)
    assert all(a.inputs["alarmActions"] == ["arn:aws:sns:eu-west-1:123456789012:dm-ml-features-alerts"] for a in alarms)
    assert got.named("ml-features-monitoring-churn-scores-s3-freshness").inputs["evaluationPeriods"] == 26


def test_a_product_tunes_its_preset(build, example_specs):
    sales = example_specs["sales"]
    tuned = tuple(dataclasses.replace(p, monitoring=MonitoringSpec("advisory", 0)) if p.name == "orders" else p for p in sales.products)
    got = build(dataclasses.replace(sales, products=tuned))
    orders = alarm(got, "sales-monitoring-orders-s3-freshness")
    assert (orders["actionsEnabled"], orders["evaluationPeriods"]) == (False, 24)
    customers = alarm(got, "sales-monitoring-customers-s3-freshness")
    assert (customers["actionsEnabled"], customers["evaluationPeriods"]) == (True, 25)


def test_the_registry_document_is_the_products_observability_port(build, example_specs):
    got = build(example_specs["sales"])
    document = json.loads(got.named("sales-catalog-orders-registry").inputs["content"])
    assert document["managementPorts"] == [{"name": "alerts", "content": "observability", "type": "topic", "url": TOPIC,
                                            "description": "SNS topic the product's SLA and pipeline alarms publish to"}]
    port = next(p["value"] for p in document["customProperties"] if p["property"] == "observability")
    assert port["topic"] == TOPIC and port["alerting"] == "paging" and port["metricNamespace"] == "dmesh/sales" and port["unwatched"] == []
    alarms = {a.inputs["name"]: a.state["arn"] for a in got.of_type("cloudwatch/metricAlarm:MetricAlarm") if a.inputs["tags"]["dmesh:product"] == "orders"}
    assert {m["alarm"]: m["arn"] for m in port["monitors"]} == alarms
    assert [(m["kind"], m["metric"], m["windowSeconds"]) for m in port["monitors"]] == [
        ("s3-freshness", "AWS/S3 PutRequests", 90000), ("stream-freshness", "AWS/Kinesis IncomingRecords", 90000),
        ("consumer-lag", "AWS/Kinesis GetRecords.IteratorAgeMilliseconds", 900), ("pipeline-failed", "dmesh/sales RunFailed", 300),
        ("pipeline-missed", "dmesh/sales RunSucceeded", 5400)]
