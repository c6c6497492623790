"""`dmesh up --all` on the example mesh: the platform first, producers before consumers, dependents of a failure skipped."""

from __future__ import annotations

from pathlib import Path

from blueprints import naming

PLATFORM_OUTPUTS = {"catalogBucket": naming.CATALOG_BUCKET, "auditBucket": naming.AUDIT_BUCKET}


def _order(cli, verb: str) -> list[str]:
    return [Path(c["cwd"]).name for c in cli.calls() if [a for a in c["argv"] if a != "--non-interactive"][:1] == [verb]]


def test_all_deploys_the_platform_first_and_each_consumer_after_the_domains_it_reads(cli):
    cli.script("dmesh-platform", outputs=PLATFORM_OUTPUTS)
    result = cli.dmesh("up", "--all", "--yes", "--jobs", "2")
    assert result.returncode == 0, result.stderr
    ups = _order(cli, "up")
    assert ups[0] == "repo"  # the platform project
    # ml-features reads sales and marketing; sales and marketing read each other, so neither waits for the other
    assert set(ups[1:3]) == {"sales", "marketing"} and ups[3] == "ml-features"
    # every preview ran before the first update: one confirmation covers exactly what was previewed
    previews = _order(cli, "preview")
    assert sorted(previews) == ["marketing", "ml-features", "repo", "sales"]
    calls = [c["argv"] for c in cli.calls()]
    last_preview = max(i for i, a in enumerate(calls) if "preview" in a)
    first_up = min(i for i, a in enumerate(calls) if "up" in a[:2])
    assert last_preview < first_up
    for name in ("platform (platform)", "sales", "marketing", "ml-features"):
        assert name in result.stderr
    assert result.stderr.count("deployed") == 4


def test_all_with_one_job_keeps_the_same_order(cli):
    cli.script("dmesh-platform", outputs=PLATFORM_OUTPUTS)
    result = cli.dmesh("up", "--all", "--yes", "--jobs", "1")
    assert result.returncode == 0, result.stderr
    assert _order(cli, "up") == ["repo", "marketing", "sales", "ml-features"]


def test_a_failed_domain_skips_the_domains_that_read_it_and_nothing_else(cli):
    cli.script("dmesh-platform", outputs=PLATFORM_OUTPUTS)
    cli.script("marketing", fail=["up"], message="AccessDenied: kinesis:CreateStream")
    result = cli.dmesh("up", "--all", "--yes", "--jobs", "2")
    assert result.returncode == 1
    assert _order(cli, "up")[0] == "repo" and "sales" in _order(cli, "up")  # sales reads marketing, but in a cycle: not skipped
    assert "ml-features" not in _order(cli, "up")
    text = " ".join(result.stderr.split())
    assert "skipped: marketing failed" in text
    assert "marketing: `pulumi up` of marketing failed (exit 255): its errors are shown above" in text


def test_a_failed_platform_skips_every_domain(cli):
    cli.script("dmesh-platform", fail=["up"], message="AccessDenied")
    result = cli.dmesh("up", "--all", "--yes")
    assert result.returncode == 1
    assert _order(cli, "up") == ["repo"]
    assert result.stderr.count("skipped: platform failed") == 3


def test_a_failed_preview_applies_nothing(cli):
    cli.script("dmesh-platform", outputs=PLATFORM_OUTPUTS)
    cli.script("ml-features", fail=["preview"], message="invalid config")
    result = cli.dmesh("up", "--all", "--yes")
    assert result.returncode == 1
    assert _order(cli, "up") == []
    assert "`pulumi preview` of ml-features failed" in " ".join(result.stderr.split())


def test_all_and_folders_together_are_refused(cli):
    result = cli.dmesh("up", "--all", "domain_stacks/sales")
    assert result.returncode == 2 and "give folders or --all, not both" in result.stderr
    assert cli.calls() == []
