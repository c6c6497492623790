"""The dmesh command line as a user meets it: exit codes, messages, formats, help."""

from __future__ import annotations

import json
import subprocess
import time
import sys
from pathlib import Path

import pytest

from meshtest import EXAMPLE_MESH, REPO, line_of


def dmesh(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "dmesh", *args], capture_output=True, text=True, cwd=cwd, timeout=300)


def test_validate_example_mesh_exits_0():
    result = dmesh("validate", "domain_stacks")
    assert result.returncode == 0, result.stderr
    assert "3 domain(s) checked: valid" in result.stderr


def test_validate_defaults_to_domain_stacks():
    assert dmesh("validate").returncode == 0


def test_validate_no_such_path_is_a_usage_error():
    result = dmesh("validate", "no/such/place")
    assert result.returncode == 2 and "no such path: no/such/place" in result.stderr


def test_validate_reports_every_error_as_file_line_field(mesh, edit):
    sales = edit("sales/domain.yaml", "owner: sales-data@acme.example", "owner: nobody")
    marketing = edit("marketing/domain.yaml", "retentionDays: 30", "retentionDays: -1")
    result = dmesh("validate", str(mesh), cwd=mesh)
    assert result.returncode == 1
    lines = [l for l in result.stderr.splitlines() if ": " in l and l[0] != "3"]
    assert f"sales/domain.yaml:{line_of(sales, 'owner: nobody')}: metadata.owner: 'nobody' does not match the expected format" in result.stderr
    assert f"marketing/domain.yaml:{line_of(marketing, 'retentionDays: -1')}: spec.dataProducts[0].retentionDays: " in result.stderr
    # ml-features reads sales.orders, sales.customers and marketing.campaigns: each says which sibling stops it
    assert len([l for l in lines if "whose blueprint is invalid" in l]) == 3
    assert len(lines) == 5 and "Traceback" not in result.stderr


def test_validate_json_format(mesh, edit):
    edit("sales/domain.yaml", "inputs: [marketing.campaigns]", "inputs: [marketing.nothing]")
    result = dmesh("validate", str(mesh), "--format", "json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["valid"] is False
    [error] = report["errors"]
    assert set(error) >= {"file", "line", "field", "message"}
    assert error["field"] == "spec.dataProducts[0].inputs[0]" and error["file"].endswith("sales/domain.yaml")


def test_validate_one_domain_in_context_of_its_siblings(mesh, edit):
    edit("marketing/domain.yaml", "grants: [{domain: sales}, {domain: ml-features}]", "grants: [{domain: ml-features}]")
    # the broken grant is sales' problem (its input is no longer granted); marketing itself is fine
    assert dmesh("validate", str(mesh / "marketing")).returncode == 0
    result = dmesh("validate", str(mesh / "sales"), "-f", "json")
    assert result.returncode == 1
    assert json.loads(result.stdout)["errors"][0]["message"] == "marketing.campaigns does not grant domain 'sales'"


def test_validate_never_tracebacks_on_garbage(mesh):
    (mesh / "sales" / "domain.yaml").write_bytes(b"\xff\xfe\x00garbage")
    (mesh / "marketing" / "contracts" / "campaigns.odcs.yaml").write_text("{{{{")
    result = dmesh("validate", str(mesh))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "cannot read file" in result.stderr and "malformed YAML" in result.stderr


def test_validate_writes_nothing(mesh):
    before = sorted((p, p.stat().st_mtime_ns) for p in mesh.rglob("*"))
    dmesh("validate", str(mesh))
    assert sorted((p, p.stat().st_mtime_ns) for p in mesh.rglob("*")) == before


def test_schema_matches_the_committed_editor_schema():
    result = dmesh("schema")
    schema = json.loads(result.stdout)
    assert schema == json.loads((EXAMPLE_MESH / "domain.schema.json").read_text())
    assert schema["additionalProperties"] is False
    assert set(schema["properties"]) == {"apiVersion", "kind", "metadata", "spec"}


def test_example_files_reference_the_schema():
    for domain in ("sales", "marketing", "ml-features"):
        first = (EXAMPLE_MESH / domain / "domain.yaml").read_text().splitlines()[0]
        assert first == "# yaml-language-server: $schema=../domain.schema.json"


def test_example_mesh_validates_against_the_json_schema():
    from jsonschema import Draft202012Validator
    from ruamel.yaml import YAML

    validator = Draft202012Validator(json.loads((EXAMPLE_MESH / "domain.schema.json").read_text()))
    for domain in ("sales", "marketing", "ml-features"):
        assert list(validator.iter_errors(YAML(typ="safe").load((EXAMPLE_MESH / domain / "domain.yaml").read_text()))) == []


@pytest.mark.parametrize("command", [[], ["validate"], ["schema"], ["preview"], ["rules"], ["policy-config"], ["init"], ["up"],
                                     ["local"], ["local", "start"], ["local", "stop"], ["local", "status"], ["local", "pulumi-config"],
                                     ["upgrade"], ["upgrade", "status"], ["lineage"], ["catalog"], ["catalog", "list"],
                                     ["catalog", "search"], ["catalog", "show"], ["destroy"], ["refresh"], ["outputs"], ["stacks"]])
def test_help_explains_with_an_example(command):
    result = dmesh(*command, "--help")
    assert result.returncode == 0
    assert "Example" in result.stdout


def test_compose_file_starts_the_same_services_as_host_mode():
    from ruamel.yaml import YAML

    from dmesh.local import LOCALSTACK_SERVICES

    compose = YAML(typ="safe").load((REPO / "localstack" / "docker-compose.yml").read_text())
    assert compose["services"]["localstack"]["environment"]["SERVICES"].split(",") == list(LOCALSTACK_SERVICES)


def test_localstack_python_is_recent_enough():
    from dmesh.local import _version_of, find_python

    assert _version_of(find_python()) >= (3, 12)


def test_policy_config_is_the_domains_effective_config():
    config = json.loads(dmesh("policy-config", "domain_stacks/ml-features").stdout)
    assert config["stateful-resources-protected"]["enforcementLevel"] == "disabled"  # the domain's override
    assert config["s3-versioning-enabled"]["enforcementLevel"] == "mandatory"
    assert config["no-public-principals"]["allowedAccountIds"] == ["123456789012"]  # the platform's setting
    other = json.loads(dmesh("policy-config", "domain_stacks/sales").stdout)
    assert other["stateful-resources-protected"]["enforcementLevel"] == "advisory"


def test_version():
    result = dmesh("--version")
    assert result.returncode == 0 and result.stdout.startswith("dmesh 0.")


def test_rules_table_never_truncates_rule_names():
    import os

    result = subprocess.run([sys.executable, "-m", "dmesh", "rules"], capture_output=True, text=True, cwd=REPO, env={**os.environ, "COLUMNS": "60"})
    from dmesh.governance.rulebook import RULES

    assert all(rule.name in result.stdout for rule in RULES)


def test_json_reports_are_deterministic(mesh):
    first, second = (json.loads(dmesh("preview", str(mesh), "-f", "json").stdout) for _ in range(2))
    for report in (first, second):
        report.pop("timings"), report.pop("seconds")
    assert first == second
    assert first["resources"] == sorted(first["resources"], key=lambda r: (r["domain"], r["urn"]))


def test_local_stop_kills_only_a_process_it_can_prove_is_its_localstack(tmp_path):
    """A stale or forged pid file must not make `dmesh local stop` kill another process."""
    from dmesh.local import LocalStack

    bystander = subprocess.Popen(["sleep", "60"], start_new_session=True)
    try:
        stack = LocalStack(state=tmp_path, venv=tmp_path / "venv")
        stack.pid_file.write_text(str(bystander.pid))
        assert stack.running_pid() is None and stack.stop(lambda _: None) is False
        time.sleep(0.2)
        assert bystander.poll() is None  # still running
        assert not stack.pid_file.exists()  # the stale file is cleared
    finally:
        bystander.kill()
        bystander.wait()


def test_help_does_not_load_the_heavy_libraries():
    """`dmesh --help` stays fast: the CLI module imports neither the blueprint stack, the rule book nor rich's console (timed in the closing note)."""
    probe = "import sys, dmesh.cli; print(sorted(m for m in ('parliament', 'pydantic', 'jsonschema', 'pulumi', 'blueprints', 'rich.console') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO)
    assert result.stdout.strip() == "[]", result.stdout + result.stderr
