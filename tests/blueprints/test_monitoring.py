"""Which alarms watch a product, over which windows: derived from the blueprint, within CloudWatch's limits."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from blueprints import load_mesh
from blueprints.monitoring import alarm_window, duration, longest_gap, product_monitors
from blueprints.spec import MonitoringSpec, PipelineSpec
from meshtest import EXAMPLE_MESH, line_of


@pytest.fixture(scope="module")
def example_specs():
    return load_mesh(EXAMPLE_MESH, {}).domains


def test_windows_up_to_six_hours_use_five_minute_periods():
    assert (alarm_window(3600).period, alarm_window(3600).evaluation_periods) == (300, 12)
    assert (alarm_window(6 * 3600).period, alarm_window(6 * 3600).evaluation_periods) == (300, 72)
    assert (alarm_window(1).period, alarm_window(1).evaluation_periods) == (300, 1)


def test_longer_windows_use_hours_rounded_up_never_down():
    w = alarm_window(24 * 3600 + 1800)
    assert (w.period, w.evaluation_periods, w.seconds) == (3600, 25, 90000)
    w = alarm_window(6 * 3600 + 1)
    assert (w.period, w.evaluation_periods) == (3600, 7)


def test_cloudwatch_cannot_watch_more_than_seven_days():
    assert alarm_window(7 * 86400).seconds == 7 * 86400
    assert alarm_window(7 * 86400 + 1) is None


@pytest.mark.parametrize(("schedule", "gap"), [
    ("0 2 * * *", 86400), ("*/15 * * * *", 900), ("0 * * * *", 3600), ("* * * * *", 60), ("@daily", 86400),
    ("0 9 * * 1-5", 3 * 86400),  # Friday 09:00 to Monday 09:00
    ("0 0 * * 0", 7 * 86400),
    ("* * * * 1-5", 2 * 86400 + 60), ("*/15 * * * 1-5", 2 * 86400 + 900),  # the weekend: Friday's last run to Monday's first
    ("*/15 * 1-15 * *", 16 * 86400 + 900),  # the 15th's last run of a 31-day month to the next month's 1st
    ("0 0 1,8,15,22 * *", 10 * 86400),  # the 22nd to the 1st after a 31-day month
    ("@monthly", 31 * 86400), ("@yearly", 366 * 86400),  # 2028 is a leap year
])
def test_longest_gap_between_scheduled_runs(schedule, gap):
    assert longest_gap(schedule) == gap


def _walked(schedule: str, days: int) -> int:
    """The oracle: every run, one by one with croniter, until a run falls on a day `days` after the first run's."""
    from croniter import croniter

    from blueprints.monitoring import SCHEDULE_ORIGIN

    runs = croniter(schedule, SCHEDULE_ORIGIN)
    previous = runs.get_next(datetime)
    end, longest = previous.date() + timedelta(days=days), 0.0
    while previous.date() < end:
        current = runs.get_next(datetime)
        longest, previous = max(longest, (current - previous).total_seconds()), current
    return int(longest)


_MINUTES = st.one_of(st.builds(lambda step: f"*/{step}", st.integers(10, 30)),
                     st.lists(st.integers(0, 59), min_size=1, max_size=3).map(lambda values: ",".join(map(str, values))))
_HOURS = st.one_of(st.just("*"), st.builds(lambda step: f"*/{step}", st.integers(1, 12)),
                   st.builds(lambda low, span, step: f"{low}-{low + span}/{step}", st.integers(0, 10), st.integers(0, 12), st.integers(1, 5)),
                   st.lists(st.integers(0, 23), min_size=1, max_size=5).map(lambda values: ",".join(map(str, values))))
_WEEKDAYS = st.one_of(st.just("*"), st.sampled_from(["1-5", "MON-FRI", "sun", "6,0", "7", "*/2", "0-6", "2-4/2"]),
                      st.lists(st.integers(0, 7), min_size=1, max_size=4).map(lambda values: ",".join(map(str, values))))
_MONTH_DAYS = st.one_of(st.sampled_from(["1", "15", "28", "29", "31", "1-15", "*/2", "10-20/5", "1,8,15,22", "30,31"]),
                        st.lists(st.integers(1, 31), min_size=1, max_size=4).map(lambda values: ",".join(map(str, values))))
_MONTHS = st.one_of(st.just("*"), st.sampled_from(["2", "1-6", "*/3", "JAN,JUL", "12"]))


@settings(max_examples=120, deadline=None)
@given(minute=_MINUTES, hour=_HOURS, weekdays=_WEEKDAYS)
def test_a_schedule_bound_to_the_weekdays_alone_is_worked_out_exactly_as_walking_it_run_by_run(minute, hour, weekdays):
    schedule = f"{minute} {hour} * * {weekdays}"
    assert longest_gap.__wrapped__(schedule) == _walked(schedule, 8)


@settings(max_examples=60, deadline=None)
@given(minute=st.sampled_from(["0", "0,30"]), hour=st.sampled_from(["9", "0,12"]), day=_MONTH_DAYS, month=_MONTHS, weekdays=_WEEKDAYS)
def test_a_schedule_bound_to_the_calendar_is_followed_run_day_by_run_day_exactly_as_walking_it_run_by_run(minute, hour, day, month, weekdays):
    from croniter import CroniterBadDateError, croniter

    from blueprints.monitoring import RUN_DAYS_HORIZON, SCHEDULE_ORIGIN

    schedule = f"{minute} {hour} {day} {month} {weekdays}"
    try:
        croniter(schedule, SCHEDULE_ORIGIN).get_next(float)
    except CroniterBadDateError:
        assume(False)  # a schedule that never runs is refused when the blueprint loads
    assert longest_gap.__wrapped__(schedule) == _walked(schedule, RUN_DAYS_HORIZON)


@pytest.mark.parametrize("schedule", ["0 0 1 * *", "*/30 * 1-15 * *", "0 6 * 2 *", "0 9 1-7 * 1", "@monthly", "@yearly"])
def test_only_a_schedule_bound_to_the_calendar_is_followed_day_by_day(schedule, monkeypatch):
    import blueprints.monitoring

    followed = []
    monkeypatch.setattr(blueprints.monitoring, "_longest_between_run_days", lambda runs, minutes: followed.append(schedule) or 1)
    assert longest_gap.__wrapped__(schedule) >= 60 and followed == [schedule]
    assert longest_gap.__wrapped__("*/5 9-17 * * MON-FRI") == 2 * 86400 + 15 * 3600 + 5 * 60 and followed == [schedule]


def test_a_pipeline_run_every_few_minutes_on_weekdays_is_not_alarmed_every_weekend(example_specs):
    """Walking a week and a day run by run stopped after 2,000 runs: such a schedule's longest gap came out as its
    period, and the missed-run alarm fired each Saturday."""
    sales = example_specs["sales"]
    orders = sales.product("orders")
    weekdays = dataclasses.replace(orders, pipeline=PipelineSpec("registry.acme.example/x:1", "*/5 * * * 1-5", "1", "1Gi",
                                                                 longest_gap("*/5 * * * 1-5")))
    [missed] = product_monitors(sales, weekdays).of_kind("pipeline-missed")
    assert missed.window_seconds >= 2 * 86400 + 300


def test_each_pipeline_s_gap_is_worked_out_when_its_blueprint_loads_and_the_alarms_read_it_from_the_spec(example_specs, monkeypatch):
    """A program handed its specs (a review forks it from a process that never saw the schedules) walks no schedule."""
    pipelines = [(d, p) for d in example_specs.values() for p in d.products if p.pipeline is not None]
    assert pipelines
    assert all(p.pipeline.longest_gap == longest_gap(p.pipeline.schedule) for _, p in pipelines)
    import blueprints.monitoring

    monkeypatch.setattr(blueprints.monitoring, "longest_gap", lambda schedule: pytest.fail(f"walked {schedule!r} again"))
    for domain, product in pipelines:
        missed = product_monitors(domain, product).of_kind("pipeline-missed")
        assert [m.window_seconds >= product.pipeline.longest_gap for m in missed] == [True]


def test_monthly_schedule_gap_is_weeks():
    assert longest_gap("@monthly") >= 28 * 86400


def test_duration_reads_like_a_person_wrote_it():
    assert [duration(s) for s in (300, 3600, 4200, 90000, 0)] == ["5 min", "1 h", "1 h 10 min", "25 h", "0 min"]


def test_a_product_gets_freshness_alarms_per_port_and_two_pipeline_alarms(example_specs):
    sales = example_specs["sales"]
    watched = product_monitors(sales, sales.product("orders"))
    assert [(m.kind, m.alarm) for m in watched.monitors] == [
        ("s3-freshness", "dm-sales-orders-s3-freshness"), ("stream-freshness", "dm-sales-orders-stream-freshness"),
        ("consumer-lag", "dm-sales-orders-consumer-lag"), ("pipeline-failed", "dm-sales-orders-pipeline-failed"),
        ("pipeline-missed", "dm-sales-orders-pipeline-missed")]
    assert watched.unwatched == () and watched.alerting == "paging"
    # store-locations has no pipeline and only an S3 port
    assert [m.kind for m in product_monitors(sales, sales.product("store-locations")).monitors] == ["s3-freshness"]


def test_grace_widens_every_window_except_failures(example_specs):
    sales = example_specs["sales"]
    orders = sales.product("orders")  # SLA 24 h, hourly pipeline, batch@1 grace 30 min
    tight = {m.kind: m.window_seconds for m in product_monitors(sales, dataclasses.replace(orders, monitoring=MonitoringSpec("paging", 0))).monitors}
    loose = {m.kind: m.window_seconds for m in product_monitors(sales, orders).monitors}
    assert tight == {"s3-freshness": 86400, "stream-freshness": 86400, "consumer-lag": 900, "pipeline-failed": 300, "pipeline-missed": 3600}
    assert loose == {"s3-freshness": 90000, "stream-freshness": 90000, "consumer-lag": 900, "pipeline-failed": 300, "pipeline-missed": 5400}


def test_a_pipeline_run_less_often_than_weekly_keeps_its_failure_alarm_and_says_what_is_not_watched(example_specs):
    sales = example_specs["sales"]
    orders = sales.product("orders")
    monthly = dataclasses.replace(orders, pipeline=PipelineSpec("registry.acme.example/x:1", "@monthly", "1", "1Gi", longest_gap("@monthly")))
    watched = product_monitors(sales, monthly)
    assert "pipeline-missed" not in [m.kind for m in watched.monitors] and "pipeline-failed" in [m.kind for m in watched.monitors]
    assert len(watched.unwatched) == 1 and watched.unwatched[0].startswith("missed runs of '@monthly': runs can be ")
    assert watched.unwatched[0].endswith("longer than the 7 days an alarm can watch; failed runs are still alarmed")


def test_presets_set_alerting_and_grace_and_a_product_overrides_them(mesh, edit):
    from dmesh.governance.config import mesh_levels

    edit("sales/domain.yaml", "      sla: {freshnessHours: 24, availability: 99.9}\n",
         "      sla: {freshnessHours: 24, availability: 99.9}\n      monitoring: {alerting: advisory, graceMinutes: 0}\n")
    domains = load_mesh(mesh, mesh_levels()).domains
    assert domains["sales"].product("orders").monitoring == MonitoringSpec("advisory", 0)
    assert domains["sales"].product("customers").monitoring == MonitoringSpec("paging", 30)  # batch@1
    assert domains["ml-features"].product("churn-scores").monitoring == MonitoringSpec("advisory", 120)  # ml-features@1
    assert domains["marketing"].product("campaigns").monitoring == MonitoringSpec("paging", 10)  # streaming@1


@pytest.mark.parametrize(("value", "message"), [
    ("{freshnessHours: 169}", "169 hours is longer than the 168 hours (7 days) a CloudWatch alarm can watch; promise 168 hours or less"),
    ("{freshnessHours: 0}", "0: Input should be greater than or equal to 1"),
])
def test_a_freshness_promise_no_alarm_can_watch_is_refused_at_its_line(mesh, edit, value, message):
    file = edit("sales/domain.yaml", "sla: {freshnessHours: 24, availability: 99.9}", f"sla: {value}")
    findings = [f for f in load_mesh(mesh, {}).findings if f.file == file]
    assert [(f.line, f.field, f.message) for f in findings] == [(line_of(file, "sla: {freshnessHours"), "spec.dataProducts[0].sla.freshnessHours", message)]


@pytest.mark.parametrize(("value", "field"), [
    ("{alerting: loud}", "spec.dataProducts[0].monitoring.alerting"),
    ("{graceMinutes: -1}", "spec.dataProducts[0].monitoring.graceMinutes"),
    ("{graceMinutes: 1441}", "spec.dataProducts[0].monitoring.graceMinutes"),
    ("{graceMinutes: '30m'}", "spec.dataProducts[0].monitoring.graceMinutes"),
    ("{paging: true}", "spec.dataProducts[0].monitoring.paging"),
])
def test_bad_monitoring_settings_are_refused_at_their_field(mesh, edit, value, field):
    file = edit("sales/domain.yaml", "      sla: {freshnessHours: 24, availability: 99.9}\n",
                f"      sla: {{freshnessHours: 24, availability: 99.9}}\n      monitoring: {value}\n")
    findings = [f for f in load_mesh(mesh, {}).findings if f.file == file]
    assert [(f.line, f.field) for f in findings] == [(line_of(file, "monitoring:"), field)]
