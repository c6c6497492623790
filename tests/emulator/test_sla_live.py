"""The topic and alarms the components generate apply to LocalStack, and `dmesh sla status --live` reports the states it computes.

LocalStack (community) evaluates metric alarms every `period x evaluation periods` seconds. The generated windows
are hours long, so for the two products under test the alarms are re-put with a one-minute window and nothing else
changed (same name, metric, dimensions, statistic, threshold, missing-data treatment). LocalStack does not emulate
S3 request metrics, so the test feeds the fresh product's `PutRequests` metric with PutMetricData, as S3 would
after a write under the product's prefix; the stale product gets nothing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from blueprints import naming
from harness import ACCOUNT, REGION, alarm_request
from meshtest import REPO

FRESH, STALE = "store-locations", "customers"
WAIT_S = 180


def _alarms(captured) -> dict[str, dict]:
    return {r.inputs["name"]: r.inputs for regs in captured.values() for r in regs if r.type == "aws:cloudwatch/metricAlarm:MetricAlarm"}


def test_topic_and_alarms_apply_as_generated(localstack_mesh):
    applier, captured = localstack_mesh
    cloudwatch, sns = applier.clients("cloudwatch"), applier.clients("sns")
    generated = _alarms(captured)
    names = sorted(generated)
    deployed = {a["AlarmName"]: a for i in range(0, len(names), 100)
                for a in cloudwatch.describe_alarms(AlarmNames=names[i:i + 100])["MetricAlarms"]}
    assert sorted(deployed) == names and len(names) == 9 + 8 + 7  # sales, marketing, ml-features
    for name, inputs in generated.items():
        alarm = deployed[name]
        assert (alarm["Namespace"], alarm["MetricName"], alarm["Period"], alarm["EvaluationPeriods"], alarm["Threshold"]) == (
            inputs["namespace"], inputs["metricName"], inputs["period"], inputs["evaluationPeriods"], float(inputs["threshold"]))
        assert alarm["ActionsEnabled"] is inputs["actionsEnabled"] and alarm["AlarmActions"] == inputs["alarmActions"]
    topics = {t["TopicArn"].rsplit(":", 1)[1]: t["TopicArn"] for t in sns.list_topics()["Topics"]}
    for domain in ("sales", "marketing", "ml-features"):
        attributes = sns.get_topic_attributes(TopicArn=topics[naming.alert_topic(domain)])["Attributes"]
        assert attributes["KmsMasterKeyId"].startswith(f"arn:aws:kms:{REGION}:{ACCOUNT}:key/")
        [statement] = json.loads(attributes["Policy"])["Statement"]
        assert statement["Principal"] == {"Service": "cloudwatch.amazonaws.com"} and statement["Condition"]["StringEquals"] == {"aws:SourceAccount": ACCOUNT}
        [subscription] = sns.list_subscriptions_by_topic(TopicArn=topics[naming.alert_topic(domain)])["Subscriptions"]
        assert subscription["Protocol"] == "email" and subscription["Endpoint"].endswith("@acme.example")


def _status(endpoint: str) -> dict[str, dict]:
    env = {**os.environ, "AWS_ACCESS_KEY_ID": ACCOUNT, "AWS_SECRET_ACCESS_KEY": "test", "COLUMNS": "200"}
    result = subprocess.run([sys.executable, "-m", "dmesh", "sla", "status", "domain_stacks/sales", "--live", "--region", REGION,
                             "--endpoint-url", endpoint, "--format", "json"], capture_output=True, text=True, cwd=REPO, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    return {p["product"]: p for p in json.loads(result.stdout)["products"]}


def test_live_status_reports_what_localstack_computes_for_a_fresh_and_a_stale_product(localstack_mesh, localstack):
    applier, captured = localstack_mesh
    cloudwatch = applier.clients("cloudwatch")
    generated = _alarms(captured)
    watched = {product: naming.alarm_name("sales", product, "s3-freshness") for product in (FRESH, STALE)}
    for alarm in watched.values():
        cloudwatch.put_metric_alarm(**{**alarm_request(generated[alarm]), "Period": 60, "EvaluationPeriods": 1, "DatapointsToAlarm": 1})
    fresh = generated[watched[FRESH]]
    dimensions = [{"Name": k, "Value": v} for k, v in fresh["dimensions"].items()]
    want = {watched[FRESH]: "OK", watched[STALE]: "ALARM"}
    deadline, states = time.monotonic() + WAIT_S, {}
    while time.monotonic() < deadline:
        cloudwatch.put_metric_data(Namespace=fresh["namespace"], MetricData=[{"MetricName": fresh["metricName"], "Dimensions": dimensions, "Value": 1}])
        states = {a["AlarmName"]: a["StateValue"] for a in cloudwatch.describe_alarms(AlarmNames=list(watched.values()))["MetricAlarms"]}
        if states == want:
            break
        time.sleep(5)
    assert states == want, f"LocalStack did not settle within {WAIT_S} s"

    status = _status(localstack)
    assert status[FRESH]["state"] == "OK" and [m["state"] for m in status[FRESH]["monitors"]] == ["OK"]
    stale = {m["kind"]: m for m in status[STALE]["monitors"]}
    assert status[STALE]["state"] == "ALARM" and stale["s3-freshness"]["state"] == "ALARM"
    assert stale["s3-freshness"]["reason"].startswith("Threshold Crossed")
    # every state shown is the one CloudWatch (LocalStack) holds: alarms at their real windows were evaluated once, when put
    names = [m["alarm"] for p in status.values() for m in p["monitors"]]
    held = {a["AlarmName"]: a["StateValue"] for a in cloudwatch.describe_alarms(AlarmNames=names)["MetricAlarms"]}
    assert {m["alarm"]: m["state"] for p in status.values() for m in p["monitors"]} == held
    assert held[naming.alarm_name("sales", "orders", "pipeline-failed")] == "OK"  # no failure reported: missing data is not breaching
