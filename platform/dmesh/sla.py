"""`dmesh sla status`: each product's promises, the alarms that watch them, and (live) what CloudWatch says of them now."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from blueprints import DomainSpec
from blueprints.monitoring import product_monitors

# worst first: a product's state is its worst alarm's
STATES = ("ALARM", "MISSING", "INSUFFICIENT_DATA", "OK")
DESCRIBE_BATCH = 100  # DescribeAlarms takes at most 100 names


@dataclass(frozen=True)
class MonitorStatus:
    kind: str
    alarm: str
    metric: str
    window_seconds: int
    state: str | None = None  # None offline; MISSING when the alarm is not deployed
    reason: str = ""
    updated: str = ""


@dataclass(frozen=True)
class ProductStatus:
    domain: str
    product: str
    freshness_hours: int | None
    availability: float | None
    alerting: str
    monitors: tuple[MonitorStatus, ...]
    unwatched: tuple[str, ...] = field(default_factory=tuple)

    @property
    def state(self) -> str | None:
        states = [m.state for m in self.monitors if m.state is not None]
        if not states:
            return None
        return min(states, key=lambda s: STATES.index(s) if s in STATES else len(STATES))

    def as_json(self) -> dict[str, Any]:
        return {"domain": self.domain, "product": self.product, "freshnessHours": self.freshness_hours, "availability": self.availability,
                "alerting": self.alerting, "state": self.state, "unwatched": list(self.unwatched),
                "monitors": [{"kind": m.kind, "alarm": m.alarm, "metric": m.metric, "windowSeconds": m.window_seconds, "state": m.state,
                              "reason": m.reason, "updated": m.updated} for m in self.monitors]}


def declared(domains: Iterable[DomainSpec]) -> list[ProductStatus]:
    """Offline: what each product promises and which alarms the components create for it."""
    rows = []
    for domain in sorted(domains, key=lambda d: d.name):
        for product in domain.products:
            watched = product_monitors(domain, product)
            rows.append(ProductStatus(
                domain.name, product.name, product.sla.freshness_hours, product.sla.availability, watched.alerting,
                tuple(MonitorStatus(m.kind, m.alarm, f"{m.namespace} {m.metric}", m.window_seconds) for m in watched.monitors), watched.unwatched))
    return rows


def with_states(rows: list[ProductStatus], describe_alarms: Callable[..., Mapping[str, Any]]) -> list[ProductStatus]:
    """The rows with each alarm's current state, read by name in batches (`describe_alarms` is a CloudWatch client's)."""
    names = [m.alarm for r in rows for m in r.monitors]
    found: dict[str, Mapping[str, Any]] = {}
    for start in range(0, len(names), DESCRIBE_BATCH):
        batch = names[start:start + DESCRIBE_BATCH]
        token = None
        while True:
            page = describe_alarms(AlarmNames=batch, AlarmTypes=["MetricAlarm"], **({"NextToken": token} if token else {}))
            found.update({a["AlarmName"]: a for a in page.get("MetricAlarms", [])})
            token = page.get("NextToken")
            if not token:
                break

    def state(m: MonitorStatus) -> MonitorStatus:
        alarm = found.get(m.alarm)
        if alarm is None:
            return replace(m, state="MISSING", reason="no such alarm: the domain's stack is not deployed here, or is older than its monitoring")
        updated = alarm.get("StateUpdatedTimestamp")
        return replace(m, state=str(alarm.get("StateValue")), reason=str(alarm.get("StateReason", "")),
                       updated=updated.isoformat() if hasattr(updated, "isoformat") else str(updated or ""))

    return [replace(r, monitors=tuple(state(m) for m in r.monitors)) for r in rows]
