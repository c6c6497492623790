"""What watches each product's promises: the CloudWatch alarms of its SLA and its pipeline, derived from the spec alone.

The components create exactly these alarms, the registry document lists them, the policy pack checks they are
wired, and `dmesh sla status` reads their states back by name: all of them call `product_monitors`.

How windows fit CloudWatch. An alarm looks at `period x evaluation periods` seconds, at most seven days (one day
when the period is under an hour). "No new data within N hours" is an alarm on a count (S3 PUT requests on the
product's prefix, Kinesis incoming records, reported pipeline runs) that fires only when *every* period of the
window is empty: `datapointsToAlarm == evaluationPeriods`, and missing data counts as breaching, because these
metrics publish nothing at all when nothing happens. Windows up to six hours are cut into 5-minute periods,
longer ones into hours, rounded up (an alarm may fire a little late, never early). A freshness promise beyond
seven days is refused when the blueprint loads (`MAX_FRESHNESS_HOURS`); a pipeline scheduled less often than
weekly gets its failure alarm but no missed-run alarm, and `unwatched` says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import cache
from typing import Any

from . import naming
from .spec import DomainSpec, ProductSpec
from .vocabulary import (
    METRIC_PRODUCT_DIMENSION,
    METRIC_RUN_FAILED,
    METRIC_RUN_SUCCEEDED,
    MONITOR_CONSUMER_LAG,
    MONITOR_PIPELINE_FAILED,
    MONITOR_PIPELINE_MISSED,
    MONITOR_S3_FRESHNESS,
    MONITOR_STREAM_FRESHNESS,
)

MAX_WINDOW = 7 * 86400  # period x evaluation periods, periods of an hour or more
MAX_SHORT_PERIOD_WINDOW = 86400  # the same for periods under an hour
SHORT_PERIOD = 300
LONG_PERIOD = 3600
SHORT_WINDOW_LIMIT = 6 * 3600  # up to here, 5-minute periods (at most 72 of them)
LAG_PERIODS = 3  # consumer lag must last 15 minutes before it alarms: one slow batch is not a stale consumer
FRESHNESS_KINDS = frozenset({MONITOR_S3_FRESHNESS, MONITOR_STREAM_FRESHNESS})


@dataclass(frozen=True)
class Window:
    period: int
    evaluation_periods: int

    @property
    def seconds(self) -> int:
        return self.period * self.evaluation_periods


def alarm_window(seconds: int) -> Window | None:
    """The CloudWatch window that covers `seconds` (rounded up), or None when no metric alarm can span it."""
    period = SHORT_PERIOD if seconds <= SHORT_WINDOW_LIMIT else LONG_PERIOD
    window = Window(period, max(1, math.ceil(seconds / period)))
    limit = MAX_SHORT_PERIOD_WINDOW if period < 3600 else MAX_WINDOW
    return window if window.seconds <= limit else None


SCHEDULE_ORIGIN = datetime(2026, 1, 5, tzinfo=timezone.utc)  # a Monday: the result must not depend on today's date
RUN_DAYS_HORIZON = 4 * 366  # days a calendar-bound schedule is followed over: every month's length, a leap year
DAY_MINUTES = 1440


@cache
def longest_gap(schedule: str) -> int:
    """The longest time, in seconds, between two consecutive runs of a cron schedule (UTC, as the CronJob runs it).

    Every day a schedule runs on, it runs at the same minutes (its hour and minute fields), so a gap lies either
    between two of those minutes or between one run day's last run and the next run day's first. A schedule bound to
    the weekdays alone (any day of the month, any month) repeats every week and is worked out from its fields. One
    bound to the calendar (days of the month, months) is followed from run day to run day for four years, however
    often it runs on one (a run every 15 minutes on the 1st to the 15th: its
    longest gap is the 16 days to the next month's 1st, which walking run by run over a week and a day never saw,
    nor the weekend of a schedule that runs every minute on weekdays).
    """
    from croniter import croniter  # its import runs `file` on the interpreter (platform.architecture): only for a schedule

    runs = croniter(schedule, SCHEDULE_ORIGIN)
    minute, hour, day, month, weekday = runs.expanded
    minutes = sorted(60 * h + m for h in (range(24) if hour == ["*"] else hour) for m in (range(60) if minute == ["*"] else minute))
    if day == ["*"] and month == ["*"] and not runs.nth_weekday_of_month:
        days = range(7) if weekday == ["*"] else sorted({d % 7 for d in weekday})
        times = [DAY_MINUTES * d + m for d in days for m in minutes]
        return 60 * _longest_step([*times, times[0] + 7 * DAY_MINUTES])
    return 60 * max(_longest_step(minutes), _longest_between_run_days(runs, minutes))


def _longest_step(times: list[int]) -> int:
    return max((later - earlier for earlier, later in zip(times, times[1:], strict=False)), default=0)


def _longest_between_run_days(runs: Any, minutes: list[int]) -> int:
    """Minutes from a run day's last run to the next run day's first, the longest over RUN_DAYS_HORIZON days from the
    first run (`runs`: the schedule's croniter at SCHEDULE_ORIGIN, which finds that first run).

    The days are matched from the expanded fields as cron matches them (the syntax the blueprint allows has no L, W or
    #): a month of the list, then the day of the month and the weekday, either one when both are restricted, else
    both. A date costs a set look-up, not a croniter step (50 ms for four years of days): a blueprint with many such
    schedules costs no more than its contracts do. The property tests hold it to croniter's own walk."""
    _minute, _hour, day, month, weekday = runs.expanded
    days = None if day == ["*"] else set(day)
    months = None if month == ["*"] else set(month)
    weekdays = None if weekday == ["*"] else {d % 7 for d in weekday}

    def runs_on(date: Any) -> bool:
        if months is not None and date.month not in months:
            return False
        on_day = days is None or date.day in days
        on_weekday = weekdays is None or date.isoweekday() % 7 in weekdays
        return on_day or on_weekday if days is not None and weekdays is not None else on_day and on_weekday

    current = runs.get_next(datetime).date()
    end, longest = current + timedelta(days=RUN_DAYS_HORIZON), 0
    while current < end:
        following = current + timedelta(days=1)
        while not runs_on(following):  # a schedule that runs loads only if croniter found a run: the next one exists
            following += timedelta(days=1)
        longest = max(longest, (following - current).days * DAY_MINUTES + minutes[0] - minutes[-1])
        current = following
    return longest


@dataclass(frozen=True)
class Monitor:
    """One alarm: what it watches (namespace, metric, dimensions) and when it fires."""

    kind: str
    alarm: str  # the alarm's name (its ARN: arns.alarm(region, account, alarm))
    description: str
    namespace: str
    metric: str
    dimensions: tuple[tuple[str, str], ...]
    statistic: str
    comparison: str
    threshold: float
    period: int
    evaluation_periods: int
    treat_missing_data: str

    @property
    def window_seconds(self) -> int:
        return self.period * self.evaluation_periods


@dataclass(frozen=True)
class ProductMonitors:
    monitors: tuple[Monitor, ...]
    unwatched: tuple[str, ...]  # promises no alarm can watch, and why
    alerting: str

    def of_kind(self, *kinds: str) -> list[Monitor]:
        return [m for m in self.monitors if m.kind in kinds]


def duration(seconds: int) -> str:
    """`25 h`, `1 h 10 min`, `15 min`: how alarms, messages and reports say a window."""
    hours, minutes = divmod(seconds // 60, 60)
    return " ".join(part for part in (f"{hours} h" if hours else "", f"{minutes} min" if minutes or not hours else "") if part)


def product_monitors(domain: DomainSpec, product: ProductSpec) -> ProductMonitors:
    grace = product.monitoring.grace_minutes * 60
    monitors: list[Monitor] = []
    unwatched: list[str] = []

    def monitor(kind: str, description: str, namespace: str, metric: str, dimensions: dict[str, str], statistic: str,
                comparison: str, threshold: float, window: Window, treat_missing_data: str) -> None:
        monitors.append(Monitor(kind, naming.alarm_name(domain.name, product.name, kind), description, namespace, metric, tuple(sorted(dimensions.items())),
                                statistic, comparison, threshold, window.period, window.evaluation_periods, treat_missing_data))

    hours = product.sla.freshness_hours
    freshness = alarm_window(hours * 3600 + grace) if hours else None
    if freshness is not None:
        if product.s3 is not None:
            monitor(MONITOR_S3_FRESHNESS, f"{domain.name}.{product.name}: no new object under s3://{naming.bucket_name(domain.name, product.name)}/"
                    f"{naming.product_prefix(product.name)} for {duration(freshness.seconds)} (SLA: fresh within {hours} h)",
                    "AWS/S3", "PutRequests", {"BucketName": naming.bucket_name(domain.name, product.name),
                                              "FilterId": naming.request_metrics_filter(product.name)},
                    "Sum", "LessThanThreshold", 1, freshness, "breaching")
        if product.kinesis is not None:
            stream = naming.stream_name(domain.name, product.name)
            monitor(MONITOR_STREAM_FRESHNESS, f"{domain.name}.{product.name}: no record put on stream {stream} for {duration(freshness.seconds)} "
                    f"(SLA: fresh within {hours} h)", "AWS/Kinesis", "IncomingRecords", {"StreamName": stream},
                    "Sum", "LessThanThreshold", 1, freshness, "breaching")
            monitor(MONITOR_CONSUMER_LAG, f"{domain.name}.{product.name}: a consumer of stream {stream} reads records older than {hours} h",
                    "AWS/Kinesis", "GetRecords.IteratorAgeMilliseconds", {"StreamName": stream},
                    "Maximum", "GreaterThanThreshold", hours * 3600 * 1000, Window(SHORT_PERIOD, LAG_PERIODS), "notBreaching")
    if product.pipeline is not None:
        namespace = naming.metric_namespace(domain.name)
        dimensions = {METRIC_PRODUCT_DIMENSION: product.name}
        monitor(MONITOR_PIPELINE_FAILED, f"{domain.name}.{product.name}: the pipeline reported a failed run ({METRIC_RUN_FAILED} in {namespace})",
                namespace, METRIC_RUN_FAILED, dimensions, "Sum", "GreaterThanOrEqualToThreshold", 1, Window(SHORT_PERIOD, 1), "notBreaching")
        gap = product.pipeline.longest_gap
        missed = alarm_window(gap + grace)
        if missed is None:
            unwatched.append(f"missed runs of {product.pipeline.schedule!r}: runs can be {duration(gap)} apart, longer than the 7 days an alarm "
                             "can watch; failed runs are still alarmed")
        else:
            monitor(MONITOR_PIPELINE_MISSED, f"{domain.name}.{product.name}: no successful pipeline run for {duration(missed.seconds)} "
                    f"(schedule {product.pipeline.schedule!r}, {METRIC_RUN_SUCCEEDED} in {namespace})",
                    namespace, METRIC_RUN_SUCCEEDED, dimensions, "Sum", "LessThanThreshold", 1, missed, "breaching")
    return ProductMonitors(tuple(monitors), tuple(unwatched), product.monitoring.alerting)
