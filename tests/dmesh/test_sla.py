"""`dmesh sla status`: each product's promise, what watches it, and the alarms' states read back by name."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timezone

from blueprints import load_mesh
from dmesh.sla import declared, with_states
from meshtest import EXAMPLE_MESH, REPO


def dmesh(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "dmesh", *args], capture_output=True, text=True, cwd=REPO, timeout=300,
                          env={**os.environ, "COLUMNS": "200"})


def test_offline_status_lists_every_products_promise_and_monitors():
    result = dmesh("sla", "status", "domain_stacks/sales", "--format", "json")
    assert result.returncode == 0, result.stderr
    products = json.loads(result.stdout)["products"]
    assert [(p["domain"], p["product"], p["freshnessHours"], p["availability"], p["alerting"], p["state"]) for p in products] == [
        ("sales", "orders", 24, 99.9, "paging", None), ("sales", "customers", 24, 99.5, "paging", None),
        ("sales", "store-locations", 24, 99.5, "paging", None)]
    assert [(m["kind"], m["alarm"], m["windowSeconds"]) for m in products[2]["monitors"]] == [("s3-freshness", "dm-sales-store-locations-s3-freshness", 90000)]
    assert {m["state"] for p in products for m in p["monitors"]} == {None}


def test_offline_table_names_every_product_of_the_mesh():
    result = dmesh("sla", "status")
    assert result.returncode == 0, result.stderr
    text = "".join(result.stdout.split())  # the table folds long names over lines
    for product in ("sales.orders", "sales.customers", "marketing.web-events", "ml-features.churn-scores"):
        assert product in text
    assert "advisory" in text and "pipeline-missed" in text


class FakeCloudWatch:
    """DescribeAlarms as CloudWatch answers it: known names only, pages of `page` alarms, at most 100 names per call."""

    def __init__(self, states: dict[str, str], page: int = 2) -> None:
        self.states, self.page, self.calls = states, page, []

    def describe_alarms(self, AlarmNames, AlarmTypes, NextToken=None):  # noqa: N803 - boto3's parameter names
        assert len(AlarmNames) <= 100 and AlarmTypes == ["MetricAlarm"]
        self.calls.append((tuple(AlarmNames), NextToken))
        known = [n for n in AlarmNames if n in self.states]
        start = int(NextToken or 0)
        page = {"MetricAlarms": [{"AlarmName": n, "StateValue": self.states[n], "StateReason": f"reason of {n}",
                                  "StateUpdatedTimestamp": datetime(2026, 11, 25, 12, tzinfo=timezone.utc)} for n in known[start:start + self.page]]}
        if start + self.page < len(known):
            page["NextToken"] = str(start + self.page)
        return page


def test_live_states_are_read_by_name_and_a_product_takes_its_worst_alarms_state():
    rows = declared(load_mesh(EXAMPLE_MESH, {}).domains.values())
    sales = [r for r in rows if r.domain == "sales"]
    states = {m.alarm: "OK" for r in sales for m in r.monitors}
    states["dm-sales-orders-pipeline-missed"] = "ALARM"
    states["dm-sales-customers-s3-freshness"] = "INSUFFICIENT_DATA"
    cloudwatch = FakeCloudWatch(states)
    live = {f"{r.domain}.{r.product}": r for r in with_states(rows, cloudwatch.describe_alarms)}
    assert live["sales.orders"].state == "ALARM"
    assert live["sales.customers"].state == "INSUFFICIENT_DATA"
    assert live["sales.store-locations"].state == "OK"
    assert live["marketing.campaigns"].state == "MISSING"  # not deployed where we looked
    missed = next(m for m in live["sales.orders"].monitors if m.kind == "pipeline-missed")
    assert (missed.state, missed.reason, missed.updated) == ("ALARM", "reason of dm-sales-orders-pipeline-missed", "2026-11-25T12:00:00+00:00")
    assert sum(len(names) for names, token in cloudwatch.calls if token is None) == sum(len(r.monitors) for r in rows)


def test_more_than_a_hundred_alarms_are_asked_for_in_batches():
    rows = declared(load_mesh(EXAMPLE_MESH, {}).domains.values()) * 10
    cloudwatch = FakeCloudWatch({}, page=100)
    with_states(rows, cloudwatch.describe_alarms)
    sizes = [len(names) for names, _ in cloudwatch.calls]
    assert max(sizes) == 100 and sum(sizes) == sum(len(r.monitors) for r in rows)
