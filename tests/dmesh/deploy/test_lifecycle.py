"""destroy, refresh, outputs, stacks; targets that are not stacks of the mesh; a missing CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from blueprints import naming

PLATFORM_OUTPUTS = {"catalogBucket": naming.CATALOG_BUCKET, "auditBucket": naming.AUDIT_BUCKET}


@pytest.fixture
def deployed(cli):
    cli.script("dmesh-platform", outputs=PLATFORM_OUTPUTS)
    cli.script("sales", outputs={"bucket": "dm-sales-orders", "producerRole": "arn:aws:iam::123456789012:role/dm-sales-producer"})
    result = cli.dmesh("up", "--all", "--yes")
    assert result.returncode == 0, result.stderr
    cli.log.unlink()
    return cli


def _verbs(cli, verb: str) -> list[tuple[str, list[str]]]:
    return [(Path(c["cwd"]).name, c["argv"][1:]) for c in cli.calls() if c["argv"][1:2] == [verb]]


def test_destroy_refuses_protected_data_and_explains_protection(deployed):
    result = deployed.dmesh("destroy", "--all", "--yes")
    assert result.returncode == 1
    text = " ".join(result.stderr.split())
    assert "marked `protect` so that no destroy, replacement or mistaken change can delete it" in text
    assert "sales: sales-data" in text  # each protected resource by name
    assert "dmesh destroy ... --keep-data" in text and "pulumi state unprotect --stack dev '<URN>'" in text
    assert not _verbs(deployed, "destroy")


def test_destroy_keeping_the_data_goes_consumers_first_and_the_platform_last(deployed):
    result = deployed.dmesh("destroy", "--all", "--yes", "--keep-data", "--jobs", "1")
    assert result.returncode == 0, result.stderr
    calls = _verbs(deployed, "destroy")
    assert [folder for folder, _ in calls] == ["ml-features", "marketing", "sales", "repo"]
    assert all("--exclude-protected" in argv and "--skip-preview" in argv for _, argv in calls)
    assert result.stderr.count("destroyed") == 4


def test_destroy_without_a_terminal_and_without_yes_refuses(deployed):
    result = deployed.dmesh("destroy", "domain_stacks/sales", "--keep-data")
    assert result.returncode == 2 and "not a terminal" in result.stderr
    assert not _verbs(deployed, "destroy")


def test_destroy_of_stacks_never_deployed_changes_nothing(cli):
    result = cli.dmesh("destroy", "domain_stacks/sales", "--yes")
    assert result.returncode == 0, result.stderr
    assert "nothing to destroy" in result.stderr
    assert not _verbs(cli, "destroy")


def test_refresh_runs_in_deploy_order(deployed):
    result = deployed.dmesh("refresh", "--all", "--yes", "--jobs", "1")
    assert result.returncode == 0, result.stderr
    calls = _verbs(deployed, "refresh")
    assert [folder for folder, _ in calls] == ["repo", "marketing", "sales", "ml-features"]
    assert all(argv[:3] == ["refresh", "--skip-preview", "--yes"] for _, argv in calls)


def test_refresh_of_a_missing_stack_fails_with_its_name(cli):
    result = cli.dmesh("refresh", "domain_stacks/sales", "--yes")
    assert result.returncode == 1
    assert "sales has no stack 'dev' on file://" in " ".join(result.stderr.split())


def test_outputs_as_json(deployed):
    result = deployed.dmesh("outputs", ".", "domain_stacks/sales", "-f", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"platform": PLATFORM_OUTPUTS,
                                         "sales": {"bucket": "dm-sales-orders", "producerRole": "arn:aws:iam::123456789012:role/dm-sales-producer"}}


def test_stacks_lists_each_stack_with_its_last_update_and_resource_count(deployed):
    result = deployed.dmesh("stacks", "--all", "-f", "json")
    assert result.returncode == 0, result.stderr
    rows = {r["target"]: r for r in json.loads(result.stdout)}
    assert set(rows) == {"platform", "sales", "marketing", "ml-features"}
    assert all(r["stack"] == "dev" and r["resourceCount"] == 2 and r["lastUpdate"] for r in rows.values())
    table = deployed.dmesh("stacks", "--all")
    assert table.returncode == 0 and "ml-features" in table.stdout


def test_the_platform_project_deploys_with_the_same_verb(cli):
    cli.script("dmesh-platform", outputs=PLATFORM_OUTPUTS)
    for target in ([ "."], ["--platform"]):
        result = cli.dmesh("up", *target, "--yes")
        assert result.returncode == 0, result.stderr
    assert [folder for folder, _ in _verbs(cli, "up")] == ["repo"]  # the second run found no changes


@pytest.mark.parametrize(("make", "expected"), [
    (lambda home: home / "no-such-folder", "no such folder"),
    (lambda home: home / "platform", "is not a Pulumi project (no Pulumi.yaml)"),
    (lambda home: _project(home), "is a Pulumi project but not a domain (no domain.yaml) nor the platform project"),
])
def test_a_folder_that_is_not_a_stack_of_the_mesh_gets_a_message(cli, make, expected):
    result = cli.dmesh("up", str(make(cli.home)), "--yes")
    assert result.returncode == 2
    assert expected in " ".join(result.stderr.split()) and "Traceback" not in result.stderr
    assert cli.calls() == []


def _project(home: Path) -> Path:
    folder = home / "adhoc"
    folder.mkdir()
    (folder / "Pulumi.yaml").write_text("name: adhoc\nruntime: python\n")
    return folder


def test_without_the_pulumi_cli_every_verb_says_so_and_exits_2(cli):
    env = {**cli.env, "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin"}
    for verb in (["up", ".", "--yes"], ["destroy", ".", "--yes"], ["refresh", ".", "--yes"], ["outputs", "."], ["stacks", "."]):
        result = subprocess.run([sys.executable, "-m", "dmesh", *verb], capture_output=True, text=True, cwd=cli.home, env=env, timeout=300)
        assert result.returncode == 2, (verb, result.stderr)
        assert "the Pulumi CLI is not installed or not on PATH" in " ".join(result.stderr.split()) and "Traceback" not in result.stderr
        assert "reviewing" not in result.stderr  # said at once, not after the offline review


@pytest.mark.parametrize("stack", ["--help", "../../etc", "a b", "", "x" * 101, "dev\n", "acme/dmesh-platform/dev\n"])
def test_a_stack_name_that_is_not_one_is_refused_before_any_cli_call(cli, stack):
    result = cli.dmesh("up", ".", "--stack", stack, "--yes")
    assert result.returncode == 2
    assert "is not a Pulumi stack name" in " ".join(result.stderr.split())
    assert cli.calls() == []
