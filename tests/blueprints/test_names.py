"""Physical names are valid for every target and owned once: collisions and reserved names are refused at validate."""

from __future__ import annotations

import subprocess
import sys

import pytest

from blueprints import load_mesh, naming
from meshtest import REPO, add_domain, line_of

RULES = {"stateful-resources-protected": "advisory"}


def test_two_domains_deriving_one_bucket_are_both_refused_each_naming_the_other(mesh):
    # marketing/web-events and marketing-web/events both become dm-marketing-web-events
    newcomer = add_domain(mesh, "marketing-web", "events")
    marketing = mesh / "marketing" / "domain.yaml"
    findings = [f for f in load_mesh(mesh, RULES).findings if "S3 bucket" in f.message]
    assert {(f.file, f.field) for f in findings} == {(newcomer, "spec.dataProducts[0].name"), (marketing, "spec.dataProducts[0].name")}
    mine = next(f for f in findings if f.file == newcomer)
    assert mine.message == (f"S3 bucket name 'dm-marketing-web-events' is also derived by {marketing}:{line_of(marketing, '- name: web-events')} "
                            "(spec.dataProducts[0].name)")
    assert mine.line == line_of(newcomer, "- name: events") and mine.hint == "rename one of them: one physical name, one owner"


def test_the_platforms_names_are_reserved(mesh):
    audit = add_domain(mesh, "platform-audit", "logs")  # dm-platform-audit-logs is the platform's audit bucket
    [finding] = load_mesh(mesh, RULES).findings
    assert (finding.file, finding.field) == (audit, "spec.dataProducts[0].name")
    assert finding.message == "S3 bucket name 'dm-platform-audit-logs' is also derived by the platform stack"


def test_a_domain_named_platform_is_refused(mesh):
    add_domain(mesh, "platform", "catalog")
    messages = {f.message for f in load_mesh(mesh, RULES).findings}
    assert "S3 bucket name 'dm-platform-catalog' is also derived by the platform stack" in messages
    assert "IAM role name 'dm-platform-producer' is also derived by the platform stack" in messages


def test_validating_one_domain_reports_its_collision_with_a_sibling(mesh):
    add_domain(mesh, "marketing-web", "events")
    result = subprocess.run([sys.executable, "-m", "dmesh", "validate", str(mesh / "marketing-web")], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 1 and "S3 bucket name 'dm-marketing-web-events' is also derived by" in result.stderr
    assert str(mesh / "marketing" / "domain.yaml") in result.stderr


@pytest.mark.parametrize(("product", "message"), [
    ("data-s3alias", "S3 bucket name 'dm-ledger-data-s3alias' uses '-s3alias', which is reserved"),
])
def test_names_a_target_refuses(mesh, product, message):
    file = add_domain(mesh, "ledger", product)
    [finding] = load_mesh(mesh, RULES).findings
    assert (finding.file, finding.field, finding.message) == (file, "spec.dataProducts[0].name", message)


@pytest.mark.parametrize("name", ["sales-", "sa--les", "-sales", "Sales", "sales_orders", "9sales"])
def test_name_shapes_no_target_accepts_are_refused_quoting_the_value(mesh, name):
    file = add_domain(mesh, "ledger", "entries")
    text = file.read_text().replace("- name: entries", f"- name: {name}")
    file.write_text(text)
    findings = load_mesh(mesh, RULES).findings
    assert any(f.field == "spec.dataProducts[0].name" and f.file == file for f in findings), [f.render() for f in findings]


def test_the_target_table_knows_each_limit():
    assert naming.problem("CronJob", "c" * 52) is None
    assert naming.problem("CronJob", "c" * 53) == f"CronJob name {'c' * 53!r} is 53 characters; the limit is 52"
    assert naming.problem("S3 bucket", "xn--dm") == "S3 bucket name 'xn--dm' uses 'xn--', which is reserved"
    assert naming.problem("Kubernetes namespace", "kube-dm") == "Kubernetes namespace name 'kube-dm' uses 'kube-', which is reserved"
    assert naming.problem("Glue table", "Orders") == "Glue table name 'Orders' has characters or a shape Glue table names may not have"
    for domain in ("sales", "d" * 24):
        assert all(naming.problem(t, n) is None for t, n in naming.domain_names(domain))


def test_names_scoped_to_a_domain_may_repeat_across_domains(mesh):
    """Two domains may each have an `orders` product: its CronJob and Glue table live in the domain's own namespace and database."""
    add_domain(mesh, "billing", "orders")
    assert [f.render() for f in load_mesh(mesh, RULES).findings] == []


def test_stream_names_collide_too(mesh):
    newcomer = add_domain(mesh, "marketing-web", "events")
    newcomer.write_text(newcomer.read_text().replace("      classification: public\n", "      classification: public\n      outputPorts: [{type: kinesis}]\n"))
    messages = {f.message.split(" is also")[0] for f in load_mesh(mesh, RULES).findings if f.file == newcomer}
    assert messages == {"Kinesis stream name 'dm-marketing-web-events'", "CloudWatch alarm name 'dm-marketing-web-events-stream-freshness'",
                        "CloudWatch alarm name 'dm-marketing-web-events-consumer-lag'"}
